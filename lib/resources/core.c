/* core.c - the core resources as descriptions (spec sections 4, 5 and
 * Appendix A). Field order is the spec's; lower-case names are derived,
 * read-only companions. */
#include "engine/describe-internal.h"

/* EnumPermType values used in securitylog (opendental-schema.md 4). */
enum {
    PERM_PAYMENT_CREATE = 15, PERM_PAYMENT_EDIT = 16,
    PERM_APPOINTMENT_CREATE = 25, PERM_APPOINTMENT_EDIT = 27,
    PERM_COMMLOG_EDIT = 43, PERM_PROC_DELETE = 49, PERM_PROVIDER_EDIT = 51,
    PERM_PROC_EDIT = 100, PERM_PATIENT_CREATE = 106, PERM_PATIENT_EDIT = 108,
    PERM_PROC_CODE_EDIT = 157, PERM_COMMLOG_CREATE = 193,
    PERM_DEF_EDIT = 220, PERM_PROVIDER_ADD = 232, PERM_CLINIC_EDIT = 233
};

#define DTSTAMP(col) {col, NULL, OD_W_DATETIME, NULL, OD_F_RO | OD_F_STAMP, \
                      NULL, 0, 0, NULL}
#define SERVERTIME {"serverDateTime", NULL, OD_W_SERVERTIME, NULL,           \
                    OD_F_RO | OD_F_GETONLY, NULL, 0, 0, NULL}

/* ---- patients ----------------------------------------------------------- */

#define PATIENT_JOINS                                                        \
    "LEFT JOIN provider p1 ON p1.ProvNum = t.PriProv "                       \
    "LEFT JOIN provider p2 ON p2.ProvNum = t.SecProv "                       \
    "LEFT JOIN clinic cl ON cl.ClinicNum = t.ClinicNum "                     \
    "LEFT JOIN definition bt ON bt.DefNum = t.BillingType"

#define PATIENT_FIELDS(...)                                                  \
    __VA_ARGS__                                                                    \
    {"PatNum", NULL, OD_W_INT, NULL, OD_F_RO | OD_F_KEY, NULL, 0, 0, NULL},  \
    {"LName", NULL, OD_W_TEXT, NULL, OD_F_REQ | OD_F_NOCLEAR, NULL, 0, 0,  \
     NULL},                                                                  \
    {"FName", NULL, OD_W_TEXT, NULL, OD_F_REQ | OD_F_NOCLEAR, NULL, 0, 0,  \
     NULL},                                                                  \
    {"MiddleI", NULL, OD_W_TEXT, NULL, 0, NULL, 0, 0, NULL},               \
    {"Preferred", NULL, OD_W_TEXT, NULL, 0, NULL, 0, 0, NULL},             \
    {"PatStatus", NULL, OD_W_ENUM, &od_enum_patstatus, 0, "Patient", 0, 0,   \
     NULL},                                                                  \
    {"Gender", NULL, OD_W_ENUM, &od_enum_gender, 0, "Unknown", 0, 0, NULL},  \
    {"Position", NULL, OD_W_ENUM, &od_enum_position, 0, "Single", 0, 0,      \
     NULL},                                                                  \
    {"Birthdate", NULL, OD_W_DATE, NULL, 0, NULL, 0, 0, NULL},               \
    {"SSN", NULL, OD_W_TEXT, NULL, 0, NULL, 0, 0, NULL, od_check_ssn, NULL}, \
    {"Address", NULL, OD_W_TEXT, NULL, 0, NULL, 0, 0, NULL},               \
    {"Address2", NULL, OD_W_TEXT, NULL, 0, NULL, 0, 0, NULL},              \
    {"City", NULL, OD_W_TEXT, NULL, 0, NULL, 0, 0, NULL},                  \
    {"State", NULL, OD_W_TEXT, NULL, 0, NULL, 0, 0, NULL, od_check_state,   \
     NULL},                                                                  \
    {"Zip", NULL, OD_W_TEXT, NULL, 0, NULL, 0, 0, NULL, od_check_zip, NULL}, \
    {"HmPhone", NULL, OD_W_TEXT, NULL, 0, NULL, 0, 0, NULL},                \
    {"WkPhone", NULL, OD_W_TEXT, NULL, 0, NULL, 0, 0, NULL},                \
    {"WirelessPhone", NULL, OD_W_TEXT, NULL, 0, NULL, 0, 0, NULL},          \
    {"Guarantor", NULL, OD_W_INT, NULL, 0, NULL, 0, 0, NULL, NULL,           \
     "SELECT 1 FROM patient WHERE PatNum = ? AND Guarantor = PatNum"},      \
    {"Email", NULL, OD_W_TEXT, NULL, 0, NULL, 0, 0, NULL},                 \
    {"EstBalance", NULL, OD_W_NUMBER, NULL, OD_F_RO, NULL, 0, 0, NULL},      \
    {"PriProv", NULL, OD_W_INT, NULL, 0, NULL, 0, 0, NULL, NULL,             \
     "SELECT 1 FROM provider WHERE ProvNum = ?"},                            \
    {"priProvAbbr", "COALESCE(p1.Abbr, '')", OD_W_TEXT, NULL, OD_F_RO, NULL, \
     0, 0, NULL},                                                            \
    {"SecProv", NULL, OD_W_INT, NULL, 0, NULL, 0, 0, NULL, NULL,             \
     "SELECT 1 FROM provider WHERE ProvNum = ?"},                            \
    {"secProvAbbr", "COALESCE(p2.Abbr, '')", OD_W_TEXT, NULL, OD_F_RO, NULL, \
     0, 0, NULL},                                                            \
    {"FeeSched", NULL, OD_W_INT, NULL, 0, NULL, 0, 0, NULL},                 \
    {"BillingType", "COALESCE(bt.ItemName, '')", OD_W_TEXT, NULL, 0, NULL,   \
     0, 4, NULL},                                                            \
    {"ImageFolder", NULL, OD_W_TEXT, NULL, OD_F_RO, NULL, 0, 0, NULL},       \
    {"FamFinUrgNote", NULL, OD_W_TEXT, NULL, 0, NULL, 0, 0, NULL},           \
    {"ChartNumber", NULL, OD_W_TEXT, NULL, 0, NULL, 15, 0, NULL},            \
    {"MedicaidID", NULL, OD_W_TEXT, NULL, 0, NULL, 0, 0, NULL},             \
    {"BalTotal", NULL, OD_W_NUMBER, NULL, OD_F_RO, NULL, 0, 0, NULL},        \
    {"EmployerNum", NULL, OD_W_INT, NULL, 0, NULL, 0, 0, NULL},              \
    {"DateFirstVisit", NULL, OD_W_DATE, NULL, 0, NULL, 0, 0, NULL},          \
    {"ClinicNum", NULL, OD_W_INT, NULL, 0, NULL, 0, 0, NULL, NULL,           \
     "SELECT 1 FROM clinic WHERE ClinicNum = ?"},                            \
    {"clinicAbbr", "COALESCE(cl.Abbr, '')", OD_W_TEXT, NULL, OD_F_RO, NULL,  \
     0, 0, NULL},                                                            \
    {"Premed", NULL, OD_W_BOOL, NULL, 0, NULL, 0, 0, NULL},                  \
    {"Ward", NULL, OD_W_TEXT, NULL, 0, NULL, 0, 0, NULL},                  \
    {"PreferConfirmMethod", NULL, OD_W_ENUM, &od_enum_contact, 0, NULL, 0,   \
     0, NULL},                                                               \
    {"PreferContactMethod", NULL, OD_W_ENUM, &od_enum_contact, 0, NULL, 0,   \
     0, NULL},                                                               \
    {"PreferRecallMethod", NULL, OD_W_ENUM, &od_enum_contact, 0, NULL, 0, 0, \
     NULL},                                                                  \
    {"Language", NULL, OD_W_TEXT, NULL, 0, NULL, 0, 0, NULL},              \
    {"AdmitDate", NULL, OD_W_DATE, NULL, 0, NULL, 0, 0, NULL},               \
    {"siteDesc", "''", OD_W_TEXT, NULL, OD_F_RO, NULL, 0, 0, NULL},          \
    DTSTAMP("DateTStamp"),                                                   \
    {"SuperFamily", NULL, OD_W_INT, NULL, 0, NULL, 0, 0, NULL},              \
    {"TxtMsgOk", NULL, OD_W_ENUM, &od_enum_yn, 0, NULL, 0, 0, NULL},         \
    {"SecDateEntry", NULL, OD_W_DATE, NULL, OD_F_RO | OD_F_NOW, NULL, 0, 0,  \
     NULL},

static const struct od_field patient_fields[] = {PATIENT_FIELDS()};
static const struct od_field patient_simple_fields[] = {
    PATIENT_FIELDS(SERVERTIME,)};

static const struct od_filter patient_simple_filters[] = {
    {"LName", "t.LName LIKE CONCAT('%', ?, '%')", OD_W_TEXT, NULL, 0, 0, NULL},
    {"FName", "t.FName LIKE CONCAT('%', ?, '%')", OD_W_TEXT, NULL, 0, 0, NULL},
    {"Birthdate", "t.Birthdate = ?", OD_W_DATE, NULL, 0, 0, NULL},
    {"ClinicNum", "t.ClinicNum = ?", OD_W_INT, NULL, 0, 0, NULL},
    {"PatStatus", "t.PatStatus = ?", OD_W_ENUM, &od_enum_patstatus, 0, 0, NULL},
    {"DateTStamp", "t.DateTStamp >= ?", OD_W_DATETIME, NULL, 0, 0, NULL},
    {"PriProv", "t.PriProv = ?", OD_W_INT, NULL, 0, 0, NULL},
    {"Gender", "t.Gender = ?", OD_W_ENUM, &od_enum_gender, 0, 0, NULL},
    {"Position", "t.Position = ?", OD_W_ENUM, &od_enum_position, 0, 0, NULL},
    {"Guarantor", "t.Guarantor = ?", OD_W_INT, NULL, 0, 0, NULL},
    {"SuperFamily", "t.SuperFamily = ?", OD_W_INT, NULL, 0, 0, NULL},
    {"EmployerNum", "t.EmployerNum = ?", OD_W_INT, NULL, 0, 0, NULL},
    {"FeeSched", "t.FeeSched = ?", OD_W_INT, NULL, 0, 0, NULL},
};

#define PATIENT_BASE                                                         \
    .table = "patient", .pk = "PatNum", .joins = PATIENT_JOINS,              \
    .write_perm = ODAPI_PERM_PATIENTS, .missing = "Patient not found.",      \
    .perm_create = PERM_PATIENT_CREATE, .perm_edit = PERM_PATIENT_EDIT,      \
    .log_noun = "Patient", .patnum_col = "PatNum"

static const struct od_sqldefault patient_defaults[] = {
    {"BillingType", "SELECT ValueString FROM preference WHERE PrefName = "
                    "'PracticeDefaultBillType'", NULL},
    {"PriProv", "SELECT ValueString FROM preference WHERE PrefName = "
                "'PracticeDefaultProv'", NULL},
};

const struct od_resource od_res_patients = {
    .name = "patients", PATIENT_BASE,
    .fields = patient_fields, .nfields = OD_N(patient_fields),
    .ops = OD_OP_GET_ONE | OD_OP_POST | OD_OP_PUT,
    .sqldefaults = patient_defaults, .nsqldefaults = OD_N(patient_defaults),
    /* a new patient is its own guarantor unless one was given */
    .after_insert = "UPDATE patient SET Guarantor = PatNum WHERE PatNum = ? "
                    "AND Guarantor = 0",
};

const struct od_resource od_res_patients_simple = {
    .name = "patients", PATIENT_BASE, .list_action = "Simple",
    .fields = patient_simple_fields, .nfields = OD_N(patient_simple_fields),
    .filters = patient_simple_filters, .nfilters = OD_N(patient_simple_filters),
    .ops = OD_OP_GET_LIST, .server_time = OD_ST_FIRST,
};

/* GET /patients: the Patient Select search, a reduced object (spec 5.1). */
static const struct od_field patient_search_fields[] = {
    {"PatNum", NULL, OD_W_INT, NULL, OD_F_RO, NULL, 0, 0, NULL},
    {"LName", NULL, OD_W_TEXT, NULL, 0, NULL, 0, 0, NULL},
    {"FName", NULL, OD_W_TEXT, NULL, 0, NULL, 0, 0, NULL},
    {"MiddleI", NULL, OD_W_TEXT, NULL, 0, NULL, 0, 0, NULL},
    {"Preferred", NULL, OD_W_TEXT, NULL, 0, NULL, 0, 0, NULL},
    {"PatStatus", NULL, OD_W_ENUM, &od_enum_patstatus, 0, NULL, 0, 0, NULL},
    {"Birthdate", NULL, OD_W_DATE, NULL, 0, NULL, 0, 0, NULL},
    {"SSN", NULL, OD_W_TEXT, NULL, 0, NULL, 0, 0, NULL},
    {"Address", NULL, OD_W_TEXT, NULL, 0, NULL, 0, 0, NULL},
    {"Address2", NULL, OD_W_TEXT, NULL, 0, NULL, 0, 0, NULL},
    {"City", NULL, OD_W_TEXT, NULL, 0, NULL, 0, 0, NULL},
    {"State", NULL, OD_W_TEXT, NULL, 0, NULL, 0, 0, NULL},
    {"Zip", NULL, OD_W_TEXT, NULL, 0, NULL, 0, 0, NULL},
    {"HmPhone", NULL, OD_W_TEXT, NULL, 0, NULL, 0, 0, NULL},
    {"WkPhone", NULL, OD_W_TEXT, NULL, 0, NULL, 0, 0, NULL},
    {"WirelessPhone", NULL, OD_W_TEXT, NULL, 0, NULL, 0, 0, NULL},
    {"Email", NULL, OD_W_TEXT, NULL, 0, NULL, 0, 0, NULL},
    {"priProvAbbr", "COALESCE(p1.Abbr, '')", OD_W_TEXT, NULL, OD_F_RO, NULL,
     0, 0, NULL},
    {"secProvAbbr", "COALESCE(p2.Abbr, '')", OD_W_TEXT, NULL, OD_F_RO, NULL,
     0, 0, NULL},
    {"BillingType", "COALESCE(bt.ItemName, '')", OD_W_TEXT, NULL, OD_F_RO,
     NULL, 0, 0, NULL},
    {"ChartNumber", NULL, OD_W_TEXT, NULL, 0, NULL, 0, 0, NULL},
    {"ClinicNum", NULL, OD_W_INT, NULL, 0, NULL, 0, 0, NULL},
    {"clinicAbbr", "COALESCE(cl.Abbr, '')", OD_W_TEXT, NULL, OD_F_RO, NULL, 0,
     0, NULL},
    {"siteDesc", "''", OD_W_TEXT, NULL, OD_F_RO, NULL, 0, 0, NULL},
    {"TxtMsgOk", NULL, OD_W_ENUM, &od_enum_yn, 0, NULL, 0, 0, NULL},
};

static const struct od_filter patient_search_filters[] = {
    /* LName is a prefix match [OBS] */
    {"LName", "t.LName LIKE CONCAT(?, '%')", OD_W_TEXT, NULL, 0, 0, NULL},
    {"FName", "t.FName LIKE CONCAT(?, '%')", OD_W_TEXT, NULL, 0, 0, NULL},
    {"Phone", "REPLACE(REPLACE(REPLACE(REPLACE(CONCAT(t.HmPhone, '|', "
              "t.WkPhone, '|', t.WirelessPhone), '(', ''), ')', ''), '-', ''),"
              " ' ', '') LIKE CONCAT('%', REPLACE(REPLACE(REPLACE(REPLACE(?, "
              "'(', ''), ')', ''), '-', ''), ' ', ''), '%')",
     OD_W_TEXT, NULL, 0, 0, NULL},
    {"Address", "CONCAT(t.Address, ' ', t.Address2) LIKE CONCAT('%', ?, '%')",
     OD_W_TEXT, NULL, 0, 0, NULL},
    {"hideInactive", "? = 0 OR t.PatStatus <> 2", OD_W_BOOL, NULL, 0, 0,
     NULL},
    {"City", "t.City LIKE CONCAT(?, '%')", OD_W_TEXT, NULL, 0, 0, NULL},
    {"State", "t.State LIKE CONCAT(?, '%')", OD_W_TEXT, NULL, 0, 0, NULL},
    {"SSN", "t.SSN LIKE CONCAT('%', ?, '%')", OD_W_TEXT, NULL, 0, 0, NULL},
    {"ChartNumber", "t.ChartNumber LIKE CONCAT(?, '%')", OD_W_TEXT, NULL, 0,
     0, NULL},
    {"guarOnly", "? = 0 OR t.Guarantor = t.PatNum", OD_W_BOOL, NULL, 0, 0,
     NULL},
    {"showArchived", "? = 1 OR t.PatStatus NOT IN (3, 5)", OD_W_BOOL, NULL, 0,
     0, "false"},
    {"Birthdate", "t.Birthdate = ?", OD_W_DATE, NULL, 0, 0, NULL},
    {"SiteNum", "t.SiteNum = ?", OD_W_INT, NULL, 0, 0, NULL},
    {"SubscriberId", "EXISTS (SELECT 1 FROM inssub s JOIN patplan pp ON "
                     "pp.InsSubNum = s.InsSubNum WHERE pp.PatNum = t.PatNum "
                     "AND s.SubscriberID LIKE CONCAT(?, '%'))",
     OD_W_TEXT, NULL, 0, 0, NULL},
    {"Email", "t.Email LIKE CONCAT('%', ?, '%')", OD_W_TEXT, NULL, 0, 0, NULL},
    {"Country", "t.Country LIKE CONCAT(?, '%')", OD_W_TEXT, NULL, 0, 0, NULL},
    {"clinicNums", "FIND_IN_SET(t.ClinicNum, REPLACE(?, ' ', ''))", OD_W_TEXT,
     NULL, 0, 0, NULL},
    {"clinicAbbr", "cl.Abbr = ?", OD_W_TEXT, NULL, 0, 0, NULL},
    {"invoiceNumber", "EXISTS (SELECT 1 FROM statement st WHERE st.PatNum = "
                      "t.PatNum AND st.StatementNum = ?)",
     OD_W_INT, NULL, 0, 0, NULL},
};

const struct od_resource od_res_patients_search = {
    .name = "patients", PATIENT_BASE,
    .fields = patient_search_fields, .nfields = OD_N(patient_search_fields),
    .filters = patient_search_filters, .nfilters = OD_N(patient_search_filters),
    .ops = OD_OP_GET_LIST, .strict_params = 1,
    .base_where = "t.PatStatus <> 4",
    .order = "t.LName, t.FName, t.PatNum",
};

/* ---- appointments ------------------------------------------------------- */

#define APPT_FIELDS(...)                                                     \
    __VA_ARGS__                                                                    \
    {"AptNum", NULL, OD_W_INT, NULL, OD_F_RO | OD_F_KEY, NULL, 0, 0, NULL},  \
    {"PatNum", NULL, OD_W_INT, NULL, OD_F_REQ | OD_F_NOPUT, NULL, 0, 0,      \
     NULL},                                                                  \
    {"AptStatus", NULL, OD_W_ENUM, &od_enum_aptstatus, 0, "Scheduled", 0, 0, \
     NULL},                                                                  \
    {"Pattern", NULL, OD_W_TEXT, NULL, 0, "/XX/", 0, 0, NULL,              \
     od_check_pattern, NULL},                                                \
    {"Confirmed", NULL, OD_W_INT, NULL, 0, NULL, 0, 0, NULL},                \
    {"confirmed", "COALESCE(cf.ItemName, '')", OD_W_TEXT, NULL, OD_F_RO,     \
     NULL, 0, 0, NULL},                                                      \
    {"TimeLocked", NULL, OD_W_BOOL, NULL, 0, NULL, 0, 0, NULL},              \
    {"Op", NULL, OD_W_INT, NULL, OD_F_REQ, NULL, 0, 0, NULL, NULL,           \
     "SELECT 1 FROM operatory WHERE OperatoryNum = ?"},                      \
    {"Note", NULL, OD_W_TEXT, NULL, 0, NULL, 0, 0, NULL},                    \
    {"ProvNum", NULL, OD_W_INT, NULL, 0, NULL, 0, 0, NULL, NULL,             \
     "SELECT 1 FROM provider WHERE ProvNum = ?"},                            \
    {"provAbbr", "COALESCE(pv.Abbr, '')", OD_W_TEXT, NULL, OD_F_RO, NULL, 0, \
     0, NULL},                                                               \
    {"ProvHyg", NULL, OD_W_INT, NULL, 0, NULL, 0, 0, NULL, NULL,             \
     "SELECT 1 FROM provider WHERE ProvNum = ?"},                            \
    {"AptDateTime", NULL, OD_W_DATETIME, NULL, OD_F_REQ, NULL, 0, 0, NULL},  \
    {"NextAptNum", NULL, OD_W_INT, NULL, OD_F_RO, NULL, 0, 0, NULL},         \
    {"UnschedStatus", NULL, OD_W_INT, NULL, OD_F_NOPOST, NULL, 0, 0, NULL},  \
    {"unschedStatus", "COALESCE(us.ItemName, '')", OD_W_TEXT, NULL, OD_F_RO, \
     NULL, 0, 0, NULL},                                                      \
    {"IsNewPatient", NULL, OD_W_BOOL, NULL, 0, NULL, 0, 0, NULL},            \
    {"ProcDescript", NULL, OD_W_TEXT, NULL, OD_F_RO, NULL, 0, 0, NULL},      \
    {"ClinicNum", NULL, OD_W_INT, NULL, 0, NULL, 0, 0, NULL},                \
    {"IsHygiene", NULL, OD_W_BOOL, NULL, 0, NULL, 0, 0, NULL},               \
    DTSTAMP("DateTStamp"),                                                   \
    {"DateTimeArrived", NULL, OD_W_DATETIME, NULL, OD_F_RO, NULL, 0, 0,      \
     NULL},                                                                  \
    {"DateTimeSeated", NULL, OD_W_DATETIME, NULL, OD_F_RO, NULL, 0, 0, NULL}, \
    {"DateTimeDismissed", NULL, OD_W_DATETIME, NULL, OD_F_RO, NULL, 0, 0,    \
     NULL},                                                                  \
    {"InsPlan1", NULL, OD_W_INT, NULL, OD_F_RO, NULL, 0, 0, NULL},           \
    {"InsPlan2", NULL, OD_W_INT, NULL, OD_F_RO, NULL, 0, 0, NULL},           \
    {"DateTimeAskedToArrive", NULL, OD_W_DATETIME, NULL, OD_F_RO, NULL, 0,   \
     0, NULL},                                                               \
    {"colorOverride", NULL, OD_W_COLOR, NULL, 0, NULL, 0, 0,                 \
     "ColorOverride"},                                                       \
    {"AppointmentTypeNum", NULL, OD_W_INT, NULL, 0, NULL, 0, 0, NULL},       \
    {"SecUserNumEntry", NULL, OD_W_INT, NULL, OD_F_NOPUT, NULL, 0, 0, NULL}, \
    {"SecDateTEntry", NULL, OD_W_DATETIME, NULL, OD_F_RO | OD_F_NOW, NULL,   \
     0, 0, NULL},                                                            \
    {"Priority", NULL, OD_W_ENUM, &od_enum_aptpriority, 0, "Normal", 0, 0,   \
     NULL},                                                                  \
    {"PatternSecondary", NULL, OD_W_TEXT, NULL, 0, NULL, 0, 0, NULL},      \
    {"ItemOrderPlanned", NULL, OD_W_INT, NULL, OD_F_RO, NULL, 0, 0, NULL},

static const struct od_field appointment_fields[] = {APPT_FIELDS(SERVERTIME,)};

static const struct od_filter appointment_filters[] = {
    {"PatNum", "t.PatNum = ?", OD_W_INT, NULL, 0, 0, NULL},
    {"AptStatus", "t.AptStatus = ?", OD_W_ENUM, &od_enum_aptstatus, 0, 0,
     NULL},
    {"Op", "t.Op = ?", OD_W_INT, NULL, 0, 0, NULL},
    {"date", "t.AptDateTime >= ? AND t.AptDateTime < ? + INTERVAL 1 DAY",
     OD_W_DATE, NULL, 0, 2, NULL},
    {"dateStart", "t.AptDateTime >= ?", OD_W_DATE, NULL, 0, 0, NULL},
    {"dateEnd", "t.AptDateTime < ? + INTERVAL 1 DAY", OD_W_DATE, NULL, 0, 0,
     NULL},
    {"ClinicNum", "t.ClinicNum = ?", OD_W_INT, NULL, 0, 0, NULL},
    {"DateTStamp", "t.DateTStamp >= ?", OD_W_DATETIME, NULL, 0, 0, NULL},
    {"AppointmentTypeNum", "t.AppointmentTypeNum = ?", OD_W_INT, NULL, 0, 0,
     NULL},
};

static const struct od_sqldefault appointment_defaults[] = {
    {"Confirmed", "SELECT DefNum FROM definition WHERE Category = 2 AND "
                  "IsHidden = 0 ORDER BY ItemOrder LIMIT 1", NULL},
    {"ProvNum", "SELECT NULLIF(PriProv, 0) FROM patient WHERE PatNum = ?",
     "PatNum"},
    {"ProvNum", "SELECT ValueString FROM preference WHERE PrefName = "
                "'PracticeDefaultProv'", NULL},
    {"ClinicNum", "SELECT ClinicNum FROM operatory WHERE OperatoryNum = ?",
     "Op"},
    /* spec 5.2: the same length as Pattern, all '/' */
    {"PatternSecondary", "SELECT REPEAT('/', CHAR_LENGTH(?))", "Pattern"},
};

#include "engine/apptrules-internal.h"

/* a PUT's value: the one given, else the row's */
#define APPT_NEW(COL) "COALESCE(?, (SELECT " COL " FROM appointment WHERE " \
    "AptNum = ?))"
/* The PUT rules, once for each of Op (O ""), AptDateTime (D "") and
 * Pattern (P ""): a rule runs only when its field is given ("?" marks the
 * others optional), so a PUT of a note alone never runs them. */
#define APPT_PUT_CHECKS(O, D, P)                                             \
    {OD_OP_PUT,                                                              \
     APPT_OVERLAP_APPT(APPT_NEW("Op"), APPT_NEW("AptDateTime"),              \
                       APPT_NEW("Pattern"), " AND a.AptNum <> ?"),           \
     O "Op,@key," D "AptDateTime,@key," D "AptDateTime,@key," D              \
     "AptDateTime,@key," P "Pattern,@key," D "AptDateTime,@key,@key", 400,  \
     APPT_OVERLAP_MSG},                                                      \
    {OD_OP_PUT,                                                              \
     APPT_OVERLAP_BLOCKOUT(APPT_NEW("Op"), APPT_NEW("AptDateTime"),          \
                           APPT_NEW("Pattern"),                              \
                           APPT_NEW("AppointmentTypeNum")),                  \
     O "Op,@key," D "AptDateTime,@key," D "AptDateTime,@key," P              \
     "Pattern,@key," D "AptDateTime,@key,?AppointmentTypeNum,@key", 400,    \
     APPT_OVERLAP_MSG}

static const struct od_check appointment_checks[] = {
    {OD_OP_POST, APPT_OVERLAP_BLOCKOUT("?", "?", "?", "?"),
     "Op,AptDateTime,AptDateTime,Pattern,AptDateTime,?AppointmentTypeNum",
     400, APPT_OVERLAP_MSG},
    {OD_OP_POST, APPT_OVERLAP_APPT("?", "?", "?", ""),
     "Op,AptDateTime,AptDateTime,AptDateTime,Pattern,AptDateTime", 400,
     APPT_OVERLAP_MSG},
    APPT_PUT_CHECKS("", "?", "?"),
    APPT_PUT_CHECKS("?", "", "?"),
    APPT_PUT_CHECKS("?", "?", ""),
};

#define APPT_JOINS                                                           \
    "LEFT JOIN definition cf ON cf.DefNum = t.Confirmed "                    \
    "LEFT JOIN provider pv ON pv.ProvNum = t.ProvNum "                       \
    "LEFT JOIN definition us ON us.DefNum = t.UnschedStatus"

const struct od_resource od_res_appointments = {
    .name = "appointments", .table = "appointment", .pk = "AptNum",
    .joins = APPT_JOINS, .fields = appointment_fields,
    .nfields = OD_N(appointment_fields), .filters = appointment_filters,
    .nfilters = OD_N(appointment_filters),
    .ops = OD_OP_GET_ONE | OD_OP_GET_LIST | OD_OP_POST | OD_OP_PUT,
    .write_perm = ODAPI_PERM_APPOINTMENTS, .missing = "Appointment not found.",
    .server_time = OD_ST_FIRST, .perm_create = PERM_APPOINTMENT_CREATE,
    .perm_edit = PERM_APPOINTMENT_EDIT, .log_noun = "Appointment",
    .patnum_col = "PatNum", .sqldefaults = appointment_defaults,
    .nsqldefaults = OD_N(appointment_defaults),
    .checks = appointment_checks, .nchecks = OD_N(appointment_checks),
};

/* GET /appointments/ASAP: the same rows, Priority = ASAP. */
static const struct od_filter asap_filters[] = {
    {"ClinicNum", "t.ClinicNum = ?", OD_W_INT, NULL, 0, 0, NULL},
    {"ProvNum", "t.ProvNum = ? OR t.ProvHyg = ?", OD_W_INT, NULL, 0, 2, NULL},
};

const struct od_resource od_res_appointments_asap = {
    .name = "appointments", .table = "appointment", .pk = "AptNum",
    .joins = APPT_JOINS, .fields = appointment_fields,
    .nfields = OD_N(appointment_fields), .filters = asap_filters,
    .nfilters = OD_N(asap_filters), .ops = OD_OP_GET_LIST, .list_action = "ASAP",
    .missing = "Appointment not found.", .server_time = OD_ST_FIRST,
    .base_where = "t.Priority = 1 AND t.AptStatus IN (1, 3)",
};

/* Deleted appointments in the Appointments GET shape: Open Dental's
 * histappointment rows with HistApptAction = Deleted (4), which carry the
 * appointment's columns. No routes (ops 0): only the events engine renders
 * it, for WatchTable AppointmentDeleted (events.c applies base_where). */
const struct od_resource od_res_appointments_deleted = {
    .name = "appointments", .table = "histappointment", .pk = "AptNum",
    .joins = APPT_JOINS, .fields = appointment_fields,
    .nfields = OD_N(appointment_fields), .ops = 0,
    .missing = "Appointment not found.", .server_time = OD_ST_FIRST,
    .base_where = "t.HistApptAction = 4",
};

/* ---- providers ---------------------------------------------------------- */

static const struct od_field provider_fields[] = {
    {"ProvNum", NULL, OD_W_INT, NULL, OD_F_RO | OD_F_KEY, NULL, 0, 0, NULL},
    {"Abbr", NULL, OD_W_TEXT, NULL, OD_F_REQ | OD_F_NOCLEAR, NULL, 0, 0,
     NULL},
    {"LName", NULL, OD_W_TEXT, NULL, 0, NULL, 0, 0, NULL},
    {"FName", NULL, OD_W_TEXT, NULL, 0, NULL, 0, 0, NULL},
    {"MI", NULL, OD_W_TEXT, NULL, 0, NULL, 0, 0, NULL},
    {"Suffix", NULL, OD_W_TEXT, NULL, 0, NULL, 0, 0, NULL},
    {"FeeSched", NULL, OD_W_INT, NULL, OD_F_NOPUT, NULL, 0, 0, NULL},
    {"Specialty", NULL, OD_W_INT, NULL, 0, NULL, 0, 0, NULL},
    {"SSN", NULL, OD_W_TEXT, NULL, 0, NULL, 0, 0, NULL},
    {"StateLicense", NULL, OD_W_TEXT, NULL, 0, NULL, 0, 0, NULL},
    {"IsSecondary", NULL, OD_W_BOOL, NULL, OD_F_NOPUT, NULL, 0, 0, NULL},
    {"provColor", NULL, OD_W_COLOR, NULL, OD_F_RO, NULL, 0, 0, "ProvColor"},
    {"IsHidden", NULL, OD_W_BOOL, NULL, OD_F_NOPUT, NULL, 0, 0, NULL},
    {"UsingTIN", NULL, OD_W_BOOL, NULL, 0, "true", 0, 0, NULL},
    {"SigOnFile", NULL, OD_W_BOOL, NULL, 0, NULL, 0, 0, NULL},
    {"NationalProvID", NULL, OD_W_TEXT, NULL, 0, NULL, 0, 0, NULL},
    DTSTAMP("DateTStamp"),
    {"IsNotPerson", NULL, OD_W_BOOL, NULL, OD_F_NOPUT, NULL, 0, 0, NULL},
    {"ProvStatus", NULL, OD_W_ENUM, &od_enum_provstatus, OD_F_RO, NULL, 0, 0,
     NULL},
    {"IsHiddenReport", NULL, OD_W_BOOL, NULL, OD_F_NOPUT, NULL, 0, 0, NULL},
    {"Birthdate", NULL, OD_W_DATE, NULL, OD_F_NOPUT, NULL, 0, 0, NULL},
    {"SchedNote", NULL, OD_W_TEXT, NULL, OD_F_NOPUT, NULL, 0, 0, NULL},
    {"PreferredName", NULL, OD_W_TEXT, NULL, 0, NULL, 0, 0, NULL},
    SERVERTIME,
};

static const struct od_filter provider_filters[] = {
    {"DateTStamp", "t.DateTStamp >= ?", OD_W_DATETIME, NULL, 0, 0, NULL},
    {"ClinicNum", "t.IsHidden = 0 AND ? >= 0", OD_W_INT, NULL, 0, 0, NULL},
};

static const struct od_sqldefault provider_defaults[] = {
    {"FeeSched", "SELECT FeeSchedNum FROM feesched ORDER BY ItemOrder, "
                 "FeeSchedNum LIMIT 1", NULL},
    {"Specialty", "SELECT DefNum FROM definition WHERE Category = 35 ORDER BY "
                  "ItemOrder LIMIT 1", NULL},
};

const struct od_resource od_res_providers = {
    .name = "providers", .table = "provider", .pk = "ProvNum",
    .fields = provider_fields, .nfields = OD_N(provider_fields),
    .filters = provider_filters, .nfilters = OD_N(provider_filters),
    .ops = OD_OP_GET_ONE | OD_OP_GET_LIST | OD_OP_POST | OD_OP_PUT,
    .write_perm = ODAPI_PERM_SETUP, .missing = "Provider not found.",
    .server_time = OD_ST_FIRST, .perm_create = PERM_PROVIDER_ADD,
    .perm_edit = PERM_PROVIDER_EDIT, .log_noun = "Provider",
    .sqldefaults = provider_defaults, .nsqldefaults = OD_N(provider_defaults),
};

/* ---- operatories ---------------------------------------------------------- */

static const struct od_field operatory_fields[] = {
    {"OperatoryNum", NULL, OD_W_INT, NULL, OD_F_RO | OD_F_KEY, NULL, 0, 0,
     NULL},
    {"OpName", NULL, OD_W_TEXT, NULL, 0, NULL, 0, 0, NULL},
    {"Abbrev", NULL, OD_W_TEXT, NULL, 0, NULL, 0, 0, NULL},
    {"ItemOrder", NULL, OD_W_INT, NULL, 0, NULL, 0, 0, NULL},
    {"IsHidden", NULL, OD_W_BOOL, NULL, 0, NULL, 0, 0, NULL},
    {"ProvDentist", NULL, OD_W_INT, NULL, 0, NULL, 0, 0, NULL},
    {"ProvHygienist", NULL, OD_W_INT, NULL, 0, NULL, 0, 0, NULL},
    {"IsHygiene", NULL, OD_W_BOOL, NULL, 0, NULL, 0, 0, NULL},
    {"ClinicNum", NULL, OD_W_INT, NULL, 0, NULL, 0, 0, NULL},
    {"SetProspective", NULL, OD_W_BOOL, NULL, 0, NULL, 0, 0, NULL},
    {"IsWebSched", NULL, OD_W_BOOL, NULL, 0, NULL, 0, 0, NULL},
    {"OperatoryType", NULL, OD_W_INT, NULL, 0, NULL, 0, 0, NULL},
    {"operatoryType", "COALESCE(ot.ItemName, '')", OD_W_TEXT, NULL, OD_F_RO,
     NULL, 0, 0, NULL},
};

static const struct od_filter operatory_filters[] = {
    {"ClinicNum", "t.ClinicNum = ?", OD_W_INT, NULL, 0, 0, NULL},
};

const struct od_resource od_res_operatories = {
    .name = "operatories", .table = "operatory", .pk = "OperatoryNum",
    .joins = "LEFT JOIN definition ot ON ot.DefNum = t.OperatoryType",
    .fields = operatory_fields, .nfields = OD_N(operatory_fields),
    .filters = operatory_filters, .nfilters = OD_N(operatory_filters),
    .ops = OD_OP_GET_ONE | OD_OP_GET_LIST, .missing = "Operatory not found.",
    .order = "t.ItemOrder, t.OperatoryNum",
};

/* ---- definitions ------------------------------------------------------------ */

static const struct od_field definition_fields[] = {
    {"DefNum", NULL, OD_W_INT, NULL, OD_F_RO | OD_F_KEY, NULL, 0, 0, NULL},
    {"ItemName", NULL, OD_W_TEXT, NULL, OD_F_REQ, NULL, 0, 0, NULL},
    {"ItemValue", NULL, OD_W_TEXT, NULL, 0, NULL, 0, 0, NULL},
    {"Category", NULL, OD_W_INT, NULL, OD_F_RO, NULL, 0, 0, NULL},
    {"category", "t.Category", OD_W_ENUM, &od_enum_defcat, OD_F_REQ, NULL, 0,
     0, "Category"},
    {"isHidden", "t.IsHidden", OD_W_BOOL, NULL, 0, NULL, 0, 0, "IsHidden"},
};

static const struct od_filter definition_filters[] = {
    {"Category", "t.Category = ?", OD_W_INT, NULL, 0, 0, NULL},
    {"includeHidden", "? = 1 OR t.IsHidden = 0", OD_W_BOOL, NULL, 0, 0,
     "false"},
};

const struct od_resource od_res_definitions = {
    .name = "definitions", .table = "definition", .pk = "DefNum",
    .fields = definition_fields, .nfields = OD_N(definition_fields),
    .filters = definition_filters, .nfilters = OD_N(definition_filters),
    .ops = OD_OP_GET_ONE | OD_OP_GET_LIST | OD_OP_POST,
    .write_perm = ODAPI_PERM_SETUP, .missing = "Definition not found.",
    .order = "t.Category, t.ItemOrder, t.DefNum",
    .perm_create = PERM_DEF_EDIT, .log_noun = "Definition",
};

/* ---- commlogs ------------------------------------------------------------- */

static const struct od_field commlog_fields[] = {
    {"CommlogNum", NULL, OD_W_INT, NULL, OD_F_RO | OD_F_KEY, NULL, 0, 0, NULL},
    {"PatNum", NULL, OD_W_INT, NULL, OD_F_REQ | OD_F_NOPUT, NULL, 0, 0, NULL},
    {"CommDateTime", NULL, OD_W_DATETIME, NULL, OD_F_NOPUT, NULL, 0, 0, NULL},
    {"CommType", NULL, OD_W_INT_STR, NULL, OD_F_NOPUT, NULL, 0, 27, NULL},
    {"commType", "COALESCE(ct.ItemName, '')", OD_W_TEXT, NULL, OD_F_RO, NULL,
     0, 0, NULL},
    {"Note", NULL, OD_W_TEXT, NULL, OD_F_REQ, NULL, 0, 0, NULL},
    {"Mode_", NULL, OD_W_ENUM, &od_enum_commmode, OD_F_NOPUT, "Phone", 0, 0,
     NULL},
    {"SentOrReceived", NULL, OD_W_ENUM, &od_enum_sentrecv, OD_F_NOPUT, "Sent",
     0, 0, NULL},
    {"UserNum", NULL, OD_W_INT, NULL, OD_F_RO, NULL, 0, 0, NULL},
    DTSTAMP("DateTStamp"),
    {"CommSource", NULL, OD_W_ENUM, &od_enum_commsource, OD_F_NOPUT, "FHIR", 0,
     0, NULL},
    {"ProgramNum", NULL, OD_W_INT, NULL, OD_F_RO, NULL, 0, 0, NULL},
    {"DateTEntry", NULL, OD_W_DATETIME, NULL, OD_F_RO | OD_F_NOW, NULL, 0, 0,
     NULL},
    {"ReferralNum", NULL, OD_W_INT, NULL, OD_F_RO, NULL, 0, 0, NULL},
};

static const struct od_filter commlog_filters[] = {
    {"PatNum", "t.PatNum = ?", OD_W_INT, NULL, 0, 0, NULL},
    {"DateTStamp", "t.DateTStamp >= ?", OD_W_DATETIME, NULL, 0, 0, NULL},
};

static const struct od_sqldefault commlog_defaults[] = {
    {"CommType", "SELECT DefNum FROM definition WHERE Category = 27 AND "
                 "ItemName = 'Misc' LIMIT 1", NULL},
    {"CommDateTime", OD_SQLDEFAULT_NOW, NULL},
};

const struct od_resource od_res_commlogs = {
    .name = "commlogs", .table = "commlog", .pk = "CommlogNum",
    .joins = "LEFT JOIN definition ct ON ct.DefNum = t.CommType",
    .fields = commlog_fields, .nfields = OD_N(commlog_fields),
    .filters = commlog_filters, .nfilters = OD_N(commlog_filters),
    .ops = OD_OP_GET_ONE | OD_OP_GET_LIST | OD_OP_POST | OD_OP_PUT,
    .write_perm = ODAPI_PERM_COMM, .missing = "Commlog not found.",
    .perm_create = PERM_COMMLOG_CREATE, .perm_edit = PERM_COMMLOG_EDIT,
    .log_noun = "Commlog", .patnum_col = "PatNum",
    .sqldefaults = commlog_defaults, .nsqldefaults = OD_N(commlog_defaults),
};

/* ---- clinics, appointment types, preferences ------------------------------ */

static const struct od_field clinic_fields[] = {
    {"ClinicNum", NULL, OD_W_INT, NULL, OD_F_RO | OD_F_KEY, NULL, 0, 0, NULL},
    {"Description", NULL, OD_W_TEXT, NULL, 0, NULL, 0, 0, NULL},
    {"Address", NULL, OD_W_TEXT, NULL, 0, NULL, 0, 0, NULL},
    {"Address2", NULL, OD_W_TEXT, NULL, 0, NULL, 0, 0, NULL},
    {"City", NULL, OD_W_TEXT, NULL, 0, NULL, 0, 0, NULL},
    {"State", NULL, OD_W_TEXT, NULL, 0, NULL, 0, 0, NULL},
    {"Zip", NULL, OD_W_TEXT, NULL, 0, NULL, 0, 0, NULL},
    {"BillingAddress", NULL, OD_W_TEXT, NULL, 0, NULL, 0, 0, NULL},
    {"BillingAddress2", NULL, OD_W_TEXT, NULL, 0, NULL, 0, 0, NULL},
    {"BillingCity", NULL, OD_W_TEXT, NULL, 0, NULL, 0, 0, NULL},
    {"BillingState", NULL, OD_W_TEXT, NULL, 0, NULL, 0, 0, NULL},
    {"BillingZip", NULL, OD_W_TEXT, NULL, 0, NULL, 0, 0, NULL},
    {"PayToAddress", NULL, OD_W_TEXT, NULL, 0, NULL, 0, 0, NULL},
    {"PayToAddress2", NULL, OD_W_TEXT, NULL, 0, NULL, 0, 0, NULL},
    {"PayToCity", NULL, OD_W_TEXT, NULL, 0, NULL, 0, 0, NULL},
    {"PayToState", NULL, OD_W_TEXT, NULL, 0, NULL, 0, 0, NULL},
    {"PayToZip", NULL, OD_W_TEXT, NULL, 0, NULL, 0, 0, NULL},
    {"Phone", NULL, OD_W_TEXT, NULL, 0, NULL, 0, 0, NULL},
    {"Abbr", NULL, OD_W_TEXT, NULL, 0, NULL, 0, 0, NULL},
    {"IsHidden", NULL, OD_W_BOOL, NULL, 0, NULL, 0, 0, NULL},
};

const struct od_resource od_res_clinics = {
    .name = "clinics", .table = "clinic", .pk = "ClinicNum",
    .fields = clinic_fields, .nfields = OD_N(clinic_fields),
    .ops = OD_OP_GET_LIST | OD_OP_PUT, .write_perm = ODAPI_PERM_SETUP,
    .missing = "Clinic not found.", .base_where = "t.IsHidden = 0",
    .order = "t.ItemOrder, t.ClinicNum", .perm_edit = PERM_CLINIC_EDIT,
    .log_noun = "Clinic",
};

static const struct od_field appttype_fields[] = {
    {"AppointmentTypeNum", NULL, OD_W_INT, NULL, OD_F_RO | OD_F_KEY, NULL, 0,
     0, NULL},
    {"AppointmentTypeName", NULL, OD_W_TEXT, NULL, 0, NULL, 0, 0, NULL},
    {"appointmentTypeColor", NULL, OD_W_COLOR, NULL, OD_F_RO, NULL, 0, 0,
     "AppointmentTypeColor"},
    {"IsHidden", NULL, OD_W_BOOL, NULL, 0, NULL, 0, 0, NULL},
    {"Pattern", NULL, OD_W_TEXT, NULL, 0, NULL, 0, 0, NULL},
    {"CodeStr", NULL, OD_W_TEXT, NULL, 0, NULL, 0, 0, NULL},
    {"CodeStrRequired", NULL, OD_W_TEXT, NULL, 0, NULL, 0, 0, NULL},
    {"RequiredProcCodesNeeded", NULL, OD_W_INT, NULL, 0, NULL, 0, 0, NULL},
    {"BlockoutTypes", NULL, OD_W_TEXT, NULL, 0, NULL, 0, 0, NULL},
};

const struct od_resource od_res_appointmenttypes = {
    .name = "appointmenttypes", .table = "appointmenttype",
    .pk = "AppointmentTypeNum", .fields = appttype_fields,
    .nfields = OD_N(appttype_fields), .ops = OD_OP_GET_LIST,
    .missing = "AppointmentType not found.",
    .order = "t.ItemOrder, t.AppointmentTypeNum",
};

static const struct od_field preference_fields[] = {
    {"PrefNum", NULL, OD_W_INT, NULL, OD_F_RO | OD_F_KEY, NULL, 0, 0, NULL},
    {"PrefName", NULL, OD_W_TEXT, NULL, 0, NULL, 0, 0, NULL},
    {"ValueString", NULL, OD_W_TEXT, NULL, 0, NULL, 0, 0, NULL},
};

static const struct od_filter preference_filters[] = {
    {"PrefName", "t.PrefName = ?", OD_W_TEXT, NULL, 0, 0, NULL},
};

const struct od_resource od_res_preferences = {
    .name = "preferences", .table = "preference", .pk = "PrefNum",
    .fields = preference_fields, .nfields = OD_N(preference_fields),
    .filters = preference_filters, .nfilters = OD_N(preference_filters),
    .ops = OD_OP_GET_LIST, .missing = "Preference not found.",
};
