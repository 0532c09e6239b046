/* core.c - the core resources as descriptions (the resources' api*.html
 * pages). Field order is Open Dental's; lower-case names are derived,
 * read-only companions. */
#include "resources/shorthand-internal.h"

/* EnumPermType values used in securitylog (GroupPermission.cs). */
enum {
    PERM_PAYMENT_CREATE = 15, PERM_PAYMENT_EDIT = 16,
    PERM_APPOINTMENT_CREATE = 25, PERM_APPOINTMENT_EDIT = 27,
    PERM_COMMLOG_EDIT = 43, PERM_PROC_DELETE = 49, PERM_PROVIDER_EDIT = 51,
    PERM_PROC_EDIT = 100, PERM_PATIENT_CREATE = 106, PERM_PATIENT_EDIT = 108,
    PERM_PROC_CODE_EDIT = 157, PERM_COMMLOG_CREATE = 193,
    PERM_DEF_EDIT = 220, PERM_PROVIDER_ADD = 232, PERM_CLINIC_EDIT = 233
};

/* ---- patients ----------------------------------------------------------- */

#define PATIENT_JOINS                                                        \
    "LEFT JOIN provider p1 ON p1.ProvNum = t.PriProv "                       \
    "LEFT JOIN provider p2 ON p2.ProvNum = t.SecProv "                       \
    "LEFT JOIN clinic cl ON cl.ClinicNum = t.ClinicNum "                     \
    "LEFT JOIN definition bt ON bt.DefNum = t.BillingType"

#define PATIENT_FIELDS(...)                                                  \
    __VA_ARGS__                                                              \
    KEY("PatNum"),                                                           \
    {.name = "LName", .wire = OD_W_TEXT, .flags = OD_F_REQ | OD_F_NOCLEAR},  \
    {.name = "FName", .wire = OD_W_TEXT, .flags = OD_F_REQ | OD_F_NOCLEAR},  \
    {.name = "MiddleI", .wire = OD_W_TEXT},                                  \
    {.name = "Preferred", .wire = OD_W_TEXT},                                \
    {.name = "PatStatus", .wire = OD_W_ENUM, .enm = &od_enum_patstatus,      \
     .dflt = "Patient"},                                                     \
    {.name = "Gender", .wire = OD_W_ENUM, .enm = &od_enum_gender,            \
     .dflt = "Unknown"},                                                     \
    {.name = "Position", .wire = OD_W_ENUM, .enm = &od_enum_position,        \
     .dflt = "Single"},                                                      \
    {.name = "Birthdate", .wire = OD_W_DATE},                                \
    {.name = "SSN", .wire = OD_W_TEXT, .check = od_check_ssn},               \
    {.name = "Address", .wire = OD_W_TEXT},                                  \
    {.name = "Address2", .wire = OD_W_TEXT},                                 \
    {.name = "City", .wire = OD_W_TEXT},                                     \
    {.name = "State", .wire = OD_W_TEXT, .check = od_check_state},           \
    {.name = "Zip", .wire = OD_W_TEXT, .check = od_check_zip},               \
    {.name = "HmPhone", .wire = OD_W_TEXT},                                  \
    {.name = "WkPhone", .wire = OD_W_TEXT},                                  \
    {.name = "WirelessPhone", .wire = OD_W_TEXT},                            \
    {.name = "Guarantor", .wire = OD_W_INT,                                  \
     .fk = "SELECT 1 FROM patient WHERE PatNum = ? AND Guarantor = PatNum"}, \
    {.name = "Email", .wire = OD_W_TEXT},                                    \
    RO("EstBalance", OD_W_NUMBER),                                           \
    FKEY("PriProv", 0, FK_PROV),                                             \
    DERIVED("priProvAbbr", "COALESCE(p1.Abbr, '')"),                         \
    FKEY("SecProv", 0, FK_PROV),                                             \
    DERIVED("secProvAbbr", "COALESCE(p2.Abbr, '')"),                         \
    {.name = "FeeSched", .wire = OD_W_INT},                                  \
    {.name = "BillingType", .expr = "COALESCE(bt.ItemName, '')",             \
     .wire = OD_W_TEXT, .defcat = 4},                                        \
    RO("ImageFolder", OD_W_TEXT),                                            \
    {.name = "FamFinUrgNote", .wire = OD_W_TEXT},                            \
    {.name = "ChartNumber", .wire = OD_W_TEXT, .maxlen = 15},                \
    {.name = "MedicaidID", .wire = OD_W_TEXT},                               \
    RO("BalTotal", OD_W_NUMBER),                                             \
    {.name = "EmployerNum", .wire = OD_W_INT},                               \
    {.name = "DateFirstVisit", .wire = OD_W_DATE},                           \
    FKEY("ClinicNum", 0, FK_CLINIC),                                         \
    DERIVED("clinicAbbr", "COALESCE(cl.Abbr, '')"),                          \
    {.name = "Premed", .wire = OD_W_BOOL},                                   \
    {.name = "Ward", .wire = OD_W_TEXT},                                     \
    {.name = "PreferConfirmMethod", .wire = OD_W_ENUM,                       \
     .enm = &od_enum_contact},                                               \
    {.name = "PreferContactMethod", .wire = OD_W_ENUM,                       \
     .enm = &od_enum_contact},                                               \
    {.name = "PreferRecallMethod", .wire = OD_W_ENUM,                        \
     .enm = &od_enum_contact},                                               \
    {.name = "Language", .wire = OD_W_TEXT},                                 \
    {.name = "AdmitDate", .wire = OD_W_DATE},                                \
    DERIVED("siteDesc", "''"),                                               \
    STAMP("DateTStamp"),                                                     \
    {.name = "SuperFamily", .wire = OD_W_INT},                               \
    {.name = "TxtMsgOk", .wire = OD_W_ENUM, .enm = &od_enum_yn},             \
    SECDATEENTRY,

static const struct od_field patient_fields[] = {PATIENT_FIELDS()};
static const struct od_field patient_simple_fields[] = {
    PATIENT_FIELDS(SERVERTIME,)};

static const struct od_filter patient_simple_filters[] = {
    CONTAINSF("LName"),
    CONTAINSF("FName"),
    EQF("Birthdate", OD_W_DATE),
    INTF("ClinicNum"),
    ENUMF("PatStatus", &od_enum_patstatus),
    SINCEF("DateTStamp"),
    INTF("PriProv"),
    ENUMF("Gender", &od_enum_gender),
    ENUMF("Position", &od_enum_position),
    INTF("Guarantor"),
    INTF("SuperFamily"),
    INTF("EmployerNum"),
    INTF("FeeSched"),
};

#define PATIENT_BASE                                                         \
    .table = "patient", .pk = "PatNum", .joins = PATIENT_JOINS,              \
    .write_perm = ODAPI_PERM_PATIENTS, .missing = "Patient not found.",      \
    SECLOG("Patient", PERM_PATIENT_CREATE, PERM_PATIENT_EDIT, 0),           \
    .patnum_col = "PatNum"

static const struct od_sqldefault patient_defaults[] = {
    PREF_DEFAULT("BillingType", "PracticeDefaultBillType"),
    PREF_DEFAULT("PriProv", "PracticeDefaultProv"),
};

const struct od_resource od_res_patients = {
    .name = "patients", PATIENT_BASE,
    OD_LIST(fields, patient_fields),
    .ops = OD_OP_GET_ONE | OD_OP_POST | OD_OP_PUT,
    OD_LIST(sqldefaults, patient_defaults),
    /* a new patient is its own guarantor unless one was given */
    .after_insert = "UPDATE patient SET Guarantor = PatNum WHERE PatNum = ? "
                    "AND Guarantor = 0",
};

const struct od_resource od_res_patients_simple = {
    .name = "patients", PATIENT_BASE, .list_action = "Simple",
    OD_LIST(fields, patient_simple_fields),
    OD_LIST(filters, patient_simple_filters),
    .ops = OD_OP_GET_LIST, .server_time = OD_ST_FIRST,
};

/* GET /patients: the Patient Select search, a reduced object
 * (apipatients.html). */
static const struct od_field patient_search_fields[] = {
    RO("PatNum", OD_W_INT),
    {.name = "LName", .wire = OD_W_TEXT},
    {.name = "FName", .wire = OD_W_TEXT},
    {.name = "MiddleI", .wire = OD_W_TEXT},
    {.name = "Preferred", .wire = OD_W_TEXT},
    {.name = "PatStatus", .wire = OD_W_ENUM, .enm = &od_enum_patstatus},
    {.name = "Birthdate", .wire = OD_W_DATE},
    {.name = "SSN", .wire = OD_W_TEXT},
    {.name = "Address", .wire = OD_W_TEXT},
    {.name = "Address2", .wire = OD_W_TEXT},
    {.name = "City", .wire = OD_W_TEXT},
    {.name = "State", .wire = OD_W_TEXT},
    {.name = "Zip", .wire = OD_W_TEXT},
    {.name = "HmPhone", .wire = OD_W_TEXT},
    {.name = "WkPhone", .wire = OD_W_TEXT},
    {.name = "WirelessPhone", .wire = OD_W_TEXT},
    {.name = "Email", .wire = OD_W_TEXT},
    DERIVED("priProvAbbr", "COALESCE(p1.Abbr, '')"),
    DERIVED("secProvAbbr", "COALESCE(p2.Abbr, '')"),
    DEFNAME("BillingType", "bt"),
    {.name = "ChartNumber", .wire = OD_W_TEXT},
    {.name = "ClinicNum", .wire = OD_W_INT},
    DERIVED("clinicAbbr", "COALESCE(cl.Abbr, '')"),
    DERIVED("siteDesc", "''"),
    {.name = "TxtMsgOk", .wire = OD_W_ENUM, .enm = &od_enum_yn},
};

static const struct od_filter patient_search_filters[] = {
    /* LName is a prefix match [OBS] */
    STARTSF("LName"),
    STARTSF("FName"),
    {.param = "Phone",
     .cond = "REPLACE(REPLACE(REPLACE(REPLACE(CONCAT(t.HmPhone, '|', "
             "t.WkPhone, '|', t.WirelessPhone), '(', ''), ')', ''), '-', "
             "''), ' ', '') LIKE CONCAT('%', "
             "REPLACE(REPLACE(REPLACE(REPLACE(?, '(', ''), ')', ''), '-', "
             "''), ' ', ''), '%')", .wire = OD_W_TEXT},
    {.param = "Address",
     .cond = "CONCAT(t.Address, ' ', t.Address2) LIKE CONCAT('%', ?, '%')",
     .wire = OD_W_TEXT},
    {.param = "hideInactive", .cond = "? = 0 OR t.PatStatus <> 2",
     .wire = OD_W_BOOL},
    STARTSF("City"),
    STARTSF("State"),
    CONTAINSF("SSN"),
    STARTSF("ChartNumber"),
    {.param = "guarOnly", .cond = "? = 0 OR t.Guarantor = t.PatNum",
     .wire = OD_W_BOOL},
    {.param = "showArchived", .cond = "? = 1 OR t.PatStatus NOT IN (3, 5)",
     .wire = OD_W_BOOL, .dflt = "false"},
    EQF("Birthdate", OD_W_DATE),
    INTF("SiteNum"),
    {.param = "SubscriberId",
     .cond = "EXISTS (SELECT 1 FROM inssub s JOIN patplan pp ON "
             "pp.InsSubNum = s.InsSubNum WHERE pp.PatNum = t.PatNum "
             "AND s.SubscriberID LIKE CONCAT(?, '%'))", .wire = OD_W_TEXT},
    CONTAINSF("Email"),
    STARTSF("Country"),
    {.param = "clinicNums",
     .cond = "FIND_IN_SET(t.ClinicNum, REPLACE(?, ' ', ''))",
     .wire = OD_W_TEXT},
    {.param = "clinicAbbr", .cond = "cl.Abbr = ?", .wire = OD_W_TEXT},
    {.param = "invoiceNumber",
     .cond = "EXISTS (SELECT 1 FROM statement st WHERE st.PatNum = "
             "t.PatNum AND st.StatementNum = ?)", .wire = OD_W_INT},
};

const struct od_resource od_res_patients_search = {
    .name = "patients", PATIENT_BASE,
    OD_LIST(fields, patient_search_fields),
    OD_LIST(filters, patient_search_filters),
    .ops = OD_OP_GET_LIST, .strict_params = 1,
    .base_where = "t.PatStatus <> 4",
    .order = "t.LName, t.FName, t.PatNum",
};

/* ---- appointments ------------------------------------------------------- */

#define APPT_FIELDS(...)                                                     \
    __VA_ARGS__                                                              \
    KEY("AptNum"),                                                           \
    {.name = "PatNum", .wire = OD_W_INT, .flags = OD_F_REQ | OD_F_NOPUT},    \
    {.name = "AptStatus", .wire = OD_W_ENUM, .enm = &od_enum_aptstatus,      \
     .dflt = "Scheduled"},                                                   \
    {.name = "Pattern", .wire = OD_W_TEXT, .dflt = "/XX/",                   \
     .check = od_check_pattern},                                             \
    {.name = "Confirmed", .wire = OD_W_INT},                                 \
    DEFNAME("confirmed", "cf"),                                              \
    {.name = "TimeLocked", .wire = OD_W_BOOL},                               \
    {.name = "Op", .wire = OD_W_INT, .flags = OD_F_REQ,                      \
     .fk = "SELECT 1 FROM operatory WHERE OperatoryNum = ?"},                \
    {.name = "Note", .wire = OD_W_TEXT},                                     \
    FKEY("ProvNum", 0, FK_PROV),                                             \
    DERIVED("provAbbr", "COALESCE(pv.Abbr, '')"),                            \
    FKEY("ProvHyg", 0, FK_PROV),                                             \
    {.name = "AptDateTime", .wire = OD_W_DATETIME, .flags = OD_F_REQ},       \
    RO("NextAptNum", OD_W_INT),                                              \
    {.name = "UnschedStatus", .wire = OD_W_INT, .flags = OD_F_NOPOST},       \
    DEFNAME("unschedStatus", "us"),                                          \
    {.name = "IsNewPatient", .wire = OD_W_BOOL},                             \
    RO("ProcDescript", OD_W_TEXT),                                           \
    {.name = "ClinicNum", .wire = OD_W_INT},                                 \
    {.name = "IsHygiene", .wire = OD_W_BOOL},                                \
    STAMP("DateTStamp"),                                                     \
    RO("DateTimeArrived", OD_W_DATETIME),                                    \
    RO("DateTimeSeated", OD_W_DATETIME),                                     \
    RO("DateTimeDismissed", OD_W_DATETIME),                                  \
    RO("InsPlan1", OD_W_INT),                                                \
    RO("InsPlan2", OD_W_INT),                                                \
    {.name = "DateTimeAskedToArrive", .wire = OD_W_DATETIME,                 \
     .flags = OD_F_RO},                                                      \
    {.name = "colorOverride", .wire = OD_W_COLOR, .col = "ColorOverride"},   \
    {.name = "AppointmentTypeNum", .wire = OD_W_INT},                        \
    {.name = "SecUserNumEntry", .wire = OD_W_INT, .flags = OD_F_NOPUT},      \
    NOW_ON_INSERT("SecDateTEntry", OD_W_DATETIME),                           \
    {.name = "Priority", .wire = OD_W_ENUM, .enm = &od_enum_aptpriority,     \
     .dflt = "Normal"},                                                      \
    {.name = "PatternSecondary", .wire = OD_W_TEXT},                         \
    RO("ItemOrderPlanned", OD_W_INT),

static const struct od_field appointment_fields[] = {APPT_FIELDS(SERVERTIME,)};

static const struct od_filter appointment_filters[] = {
    INTF("PatNum"),
    ENUMF("AptStatus", &od_enum_aptstatus),
    INTF("Op"),
    DATESF("AptDateTime"),
    INTF("ClinicNum"),
    SINCEF("DateTStamp"),
    INTF("AppointmentTypeNum"),
};

static const struct od_sqldefault appointment_defaults[] = {
    {.field = "Confirmed",
     .sql = "SELECT DefNum FROM definition WHERE Category = 2 AND "
            "IsHidden = 0 ORDER BY ItemOrder LIMIT 1"},
    {.field = "ProvNum",
     .sql = "SELECT NULLIF(PriProv, 0) FROM patient WHERE PatNum = ?",
     .param = "PatNum"},
    PREF_DEFAULT("ProvNum", "PracticeDefaultProv"),
    {.field = "ClinicNum",
     .sql = "SELECT ClinicNum FROM operatory WHERE OperatoryNum = ?",
     .param = "Op"},
    /* apiappointments.html: the same length as Pattern, all '/' */
    {.field = "PatternSecondary", .sql = "SELECT REPEAT('/', CHAR_LENGTH(?))",
     .param = "Pattern"},
};

#include "engine/apptrules-internal.h"

/* a PUT's value: the one given, else the row's */
#define APPT_NEW(COL) "COALESCE(?, (SELECT " COL " FROM appointment WHERE " \
    "AptNum = ?))"
/* The PUT rules, once for each of Op (O ""), AptDateTime (D "") and
 * Pattern (P ""): a rule runs only when its field is given ("?" marks the
 * others optional), so a PUT of a note alone never runs them. */
#define APPT_PUT_CHECKS(O, D, P)                                             \
    RULE(OD_OP_PUT,                                                          \
         APPT_OVERLAP_APPT(APPT_NEW("Op"), APPT_NEW("AptDateTime"),          \
                           APPT_NEW("Pattern"), " AND a.AptNum <> ?"),       \
         O "Op,@key," D "AptDateTime,@key," D "AptDateTime,@key," D          \
         "AptDateTime,@key," P "Pattern,@key," D "AptDateTime,@key,@key",    \
         APPT_OVERLAP_MSG),                                                  \
    RULE(OD_OP_PUT,                                                          \
         APPT_OVERLAP_BLOCKOUT(APPT_NEW("Op"), APPT_NEW("AptDateTime"),      \
                               APPT_NEW("Pattern"),                          \
                               APPT_NEW("AppointmentTypeNum")),              \
         O "Op,@key," D "AptDateTime,@key," D "AptDateTime,@key," P          \
         "Pattern,@key," D "AptDateTime,@key,?AppointmentTypeNum,@key",      \
         APPT_OVERLAP_MSG)

static const struct od_check appointment_checks[] = {
    RULE(OD_OP_POST, APPT_OVERLAP_BLOCKOUT("?", "?", "?", "?"),
         "Op,AptDateTime,AptDateTime,Pattern,AptDateTime,?AppointmentTypeNum",
         APPT_OVERLAP_MSG),
    RULE(OD_OP_POST, APPT_OVERLAP_APPT("?", "?", "?", ""),
         "Op,AptDateTime,AptDateTime,AptDateTime,Pattern,AptDateTime",
         APPT_OVERLAP_MSG),
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
    .joins = APPT_JOINS, OD_LIST(fields, appointment_fields), OD_LIST(filters, appointment_filters),
    .ops = OD_OPS_CRU,
    .write_perm = ODAPI_PERM_APPOINTMENTS, .missing = "Appointment not found.",
    .server_time = OD_ST_FIRST,
    SECLOG("Appointment", PERM_APPOINTMENT_CREATE, PERM_APPOINTMENT_EDIT, 0),
    .patnum_col = "PatNum", OD_LIST(sqldefaults, appointment_defaults),
    OD_LIST(checks, appointment_checks),
};

/* GET /appointments/ASAP: the same rows, Priority = ASAP. */
static const struct od_filter asap_filters[] = {
    INTF("ClinicNum"),
    {.param = "ProvNum", .cond = "t.ProvNum = ? OR t.ProvHyg = ?",
     .wire = OD_W_INT, .nbind = 2},
};

const struct od_resource od_res_appointments_asap = {
    .name = "appointments", .table = "appointment", .pk = "AptNum",
    .joins = APPT_JOINS, OD_LIST(fields, appointment_fields), OD_LIST(filters, asap_filters), .ops = OD_OP_GET_LIST, .list_action = "ASAP",
    .missing = "Appointment not found.", .server_time = OD_ST_FIRST,
    .base_where = "t.Priority = 1 AND t.AptStatus IN (1, 3)",
};

/* Deleted appointments in the Appointments GET shape: Open Dental's
 * histappointment rows with HistApptAction = Deleted (4), which carry the
 * appointment's columns. No routes (ops 0): only the events engine renders
 * it, for WatchTable AppointmentDeleted (events.c applies base_where). */
const struct od_resource od_res_appointments_deleted = {
    .name = "appointments", .table = "histappointment", .pk = "AptNum",
    .joins = APPT_JOINS, OD_LIST(fields, appointment_fields), .ops = 0,
    .missing = "Appointment not found.", .server_time = OD_ST_FIRST,
    .base_where = "t.HistApptAction = 4",
};

/* ---- providers ---------------------------------------------------------- */

static const struct od_field provider_fields[] = {
    KEY("ProvNum"),
    {.name = "Abbr", .wire = OD_W_TEXT, .flags = OD_F_REQ | OD_F_NOCLEAR},
    {.name = "LName", .wire = OD_W_TEXT},
    {.name = "FName", .wire = OD_W_TEXT},
    {.name = "MI", .wire = OD_W_TEXT},
    {.name = "Suffix", .wire = OD_W_TEXT},
    {.name = "FeeSched", .wire = OD_W_INT, .flags = OD_F_NOPUT},
    {.name = "Specialty", .wire = OD_W_INT},
    {.name = "SSN", .wire = OD_W_TEXT},
    {.name = "StateLicense", .wire = OD_W_TEXT},
    {.name = "IsSecondary", .wire = OD_W_BOOL, .flags = OD_F_NOPUT},
    {.name = "provColor", .wire = OD_W_COLOR, .flags = OD_F_RO,
     .col = "ProvColor"},
    {.name = "IsHidden", .wire = OD_W_BOOL, .flags = OD_F_NOPUT},
    {.name = "UsingTIN", .wire = OD_W_BOOL, .dflt = "true"},
    {.name = "SigOnFile", .wire = OD_W_BOOL},
    {.name = "NationalProvID", .wire = OD_W_TEXT},
    STAMP("DateTStamp"),
    {.name = "IsNotPerson", .wire = OD_W_BOOL, .flags = OD_F_NOPUT},
    ROENUM("ProvStatus", &od_enum_provstatus),
    {.name = "IsHiddenReport", .wire = OD_W_BOOL, .flags = OD_F_NOPUT},
    {.name = "Birthdate", .wire = OD_W_DATE, .flags = OD_F_NOPUT},
    {.name = "SchedNote", .wire = OD_W_TEXT, .flags = OD_F_NOPUT},
    {.name = "PreferredName", .wire = OD_W_TEXT},
    SERVERTIME,
};

static const struct od_filter provider_filters[] = {
    SINCEF("DateTStamp"),
    {.param = "ClinicNum", .cond = "t.IsHidden = 0 AND ? >= 0",
     .wire = OD_W_INT},
};

static const struct od_sqldefault provider_defaults[] = {
    {.field = "FeeSched",
     .sql = "SELECT FeeSchedNum FROM feesched ORDER BY ItemOrder, "
            "FeeSchedNum LIMIT 1"},
    {.field = "Specialty",
     .sql = "SELECT DefNum FROM definition WHERE Category = 35 ORDER BY "
            "ItemOrder LIMIT 1"},
};

const struct od_resource od_res_providers = {
    .name = "providers", .table = "provider", .pk = "ProvNum",
    OD_LIST(fields, provider_fields),
    OD_LIST(filters, provider_filters),
    .ops = OD_OPS_CRU,
    .write_perm = ODAPI_PERM_SETUP, .missing = "Provider not found.",
    .server_time = OD_ST_FIRST,
    SECLOG("Provider", PERM_PROVIDER_ADD, PERM_PROVIDER_EDIT, 0),
    OD_LIST(sqldefaults, provider_defaults),
};

/* ---- operatories ---------------------------------------------------------- */

static const struct od_field operatory_fields[] = {
    KEY("OperatoryNum"),
    {.name = "OpName", .wire = OD_W_TEXT},
    {.name = "Abbrev", .wire = OD_W_TEXT},
    {.name = "ItemOrder", .wire = OD_W_INT},
    {.name = "IsHidden", .wire = OD_W_BOOL},
    {.name = "ProvDentist", .wire = OD_W_INT},
    {.name = "ProvHygienist", .wire = OD_W_INT},
    {.name = "IsHygiene", .wire = OD_W_BOOL},
    {.name = "ClinicNum", .wire = OD_W_INT},
    {.name = "SetProspective", .wire = OD_W_BOOL},
    {.name = "IsWebSched", .wire = OD_W_BOOL},
    {.name = "OperatoryType", .wire = OD_W_INT},
    DEFNAME("operatoryType", "ot"),
};

static const struct od_filter operatory_filters[] = {
    INTF("ClinicNum"),
};

const struct od_resource od_res_operatories = {
    .name = "operatories", .table = "operatory", .pk = "OperatoryNum",
    .joins = "LEFT JOIN definition ot ON ot.DefNum = t.OperatoryType",
    OD_LIST(fields, operatory_fields),
    OD_LIST(filters, operatory_filters),
    .ops = OD_OPS_GET, .missing = "Operatory not found.",
    .order = "t.ItemOrder, t.OperatoryNum",
};

/* ---- definitions ------------------------------------------------------------ */

static const struct od_field definition_fields[] = {
    KEY("DefNum"),
    {.name = "ItemName", .wire = OD_W_TEXT, .flags = OD_F_REQ},
    {.name = "ItemValue", .wire = OD_W_TEXT},
    RO("Category", OD_W_INT),
    {.name = "category", .expr = "t.Category", .wire = OD_W_ENUM,
     .enm = &od_enum_defcat, .flags = OD_F_REQ, .col = "Category"},
    {.name = "isHidden", .expr = "t.IsHidden", .wire = OD_W_BOOL,
     .col = "IsHidden"},
};

static const struct od_filter definition_filters[] = {
    INTF("Category"),
    {.param = "includeHidden", .cond = "? = 1 OR t.IsHidden = 0",
     .wire = OD_W_BOOL, .dflt = "false"},
};

const struct od_resource od_res_definitions = {
    .name = "definitions", .table = "definition", .pk = "DefNum",
    OD_LIST(fields, definition_fields),
    OD_LIST(filters, definition_filters),
    .ops = OD_OPS_GET | OD_OP_POST,
    .write_perm = ODAPI_PERM_SETUP, .missing = "Definition not found.",
    .order = "t.Category, t.ItemOrder, t.DefNum",
    SECLOG("Definition", PERM_DEF_EDIT, 0, 0),
};

/* ---- commlogs ------------------------------------------------------------- */

static const struct od_field commlog_fields[] = {
    KEY("CommlogNum"),
    {.name = "PatNum", .wire = OD_W_INT, .flags = OD_F_REQ | OD_F_NOPUT},
    {.name = "CommDateTime", .wire = OD_W_DATETIME, .flags = OD_F_NOPUT},
    {.name = "CommType", .wire = OD_W_INT_STR, .flags = OD_F_NOPUT,
     .defcat = 27},
    DEFNAME("commType", "ct"),
    {.name = "Note", .wire = OD_W_TEXT, .flags = OD_F_REQ},
    ENM("Mode_", &od_enum_commmode, OD_F_NOPUT, "Phone"),
    ENM("SentOrReceived", &od_enum_sentrecv, OD_F_NOPUT, "Sent"),
    RO("UserNum", OD_W_INT),
    STAMP("DateTStamp"),
    ENM("CommSource", &od_enum_commsource, OD_F_NOPUT, "FHIR"),
    RO("ProgramNum", OD_W_INT),
    NOW_ON_INSERT("DateTEntry", OD_W_DATETIME),
    RO("ReferralNum", OD_W_INT),
};

static const struct od_filter commlog_filters[] = {
    INTF("PatNum"),
    SINCEF("DateTStamp"),
};

static const struct od_sqldefault commlog_defaults[] = {
    {.field = "CommType",
     .sql = "SELECT DefNum FROM definition WHERE Category = 27 AND "
            "ItemName = 'Misc' LIMIT 1"},
    {.field = "CommDateTime", .sql = OD_SQLDEFAULT_NOW},
};

const struct od_resource od_res_commlogs = {
    .name = "commlogs", .table = "commlog", .pk = "CommlogNum",
    .joins = "LEFT JOIN definition ct ON ct.DefNum = t.CommType",
    OD_LIST(fields, commlog_fields),
    OD_LIST(filters, commlog_filters),
    .ops = OD_OPS_CRU,
    .write_perm = ODAPI_PERM_COMM, .missing = "Commlog not found.",
    .patnum_col = "PatNum",
    SECLOG("Commlog", PERM_COMMLOG_CREATE, PERM_COMMLOG_EDIT, 0),
    OD_LIST(sqldefaults, commlog_defaults),
};

/* ---- clinics, appointment types, preferences ------------------------------ */

static const struct od_field clinic_fields[] = {
    KEY("ClinicNum"),
    {.name = "Description", .wire = OD_W_TEXT},
    {.name = "Address", .wire = OD_W_TEXT},
    {.name = "Address2", .wire = OD_W_TEXT},
    {.name = "City", .wire = OD_W_TEXT},
    {.name = "State", .wire = OD_W_TEXT},
    {.name = "Zip", .wire = OD_W_TEXT},
    {.name = "BillingAddress", .wire = OD_W_TEXT},
    {.name = "BillingAddress2", .wire = OD_W_TEXT},
    {.name = "BillingCity", .wire = OD_W_TEXT},
    {.name = "BillingState", .wire = OD_W_TEXT},
    {.name = "BillingZip", .wire = OD_W_TEXT},
    {.name = "PayToAddress", .wire = OD_W_TEXT},
    {.name = "PayToAddress2", .wire = OD_W_TEXT},
    {.name = "PayToCity", .wire = OD_W_TEXT},
    {.name = "PayToState", .wire = OD_W_TEXT},
    {.name = "PayToZip", .wire = OD_W_TEXT},
    {.name = "Phone", .wire = OD_W_TEXT},
    {.name = "Abbr", .wire = OD_W_TEXT},
    {.name = "IsHidden", .wire = OD_W_BOOL},
};

const struct od_resource od_res_clinics = {
    .name = "clinics", .table = "clinic", .pk = "ClinicNum",
    OD_LIST(fields, clinic_fields),
    .ops = OD_OP_GET_LIST | OD_OP_PUT, .write_perm = ODAPI_PERM_SETUP,
    .missing = "Clinic not found.", .base_where = "t.IsHidden = 0",
    .order = "t.ItemOrder, t.ClinicNum",
    SECLOG("Clinic", 0, PERM_CLINIC_EDIT, 0),
};

static const struct od_field appttype_fields[] = {
    KEY("AppointmentTypeNum"),
    {.name = "AppointmentTypeName", .wire = OD_W_TEXT},
    {.name = "appointmentTypeColor", .wire = OD_W_COLOR, .flags = OD_F_RO,
     .col = "AppointmentTypeColor"},
    {.name = "IsHidden", .wire = OD_W_BOOL},
    {.name = "Pattern", .wire = OD_W_TEXT},
    {.name = "CodeStr", .wire = OD_W_TEXT},
    {.name = "CodeStrRequired", .wire = OD_W_TEXT},
    {.name = "RequiredProcCodesNeeded", .wire = OD_W_INT},
    {.name = "BlockoutTypes", .wire = OD_W_TEXT},
};

const struct od_resource od_res_appointmenttypes = {
    .name = "appointmenttypes", .table = "appointmenttype",
    .pk = "AppointmentTypeNum", OD_LIST(fields, appttype_fields), .ops = OD_OP_GET_LIST,
    .missing = "AppointmentType not found.",
    .order = "t.ItemOrder, t.AppointmentTypeNum",
};

static const struct od_field preference_fields[] = {
    KEY("PrefNum"),
    {.name = "PrefName", .wire = OD_W_TEXT},
    {.name = "ValueString", .wire = OD_W_TEXT},
};

static const struct od_filter preference_filters[] = {
    EQF("PrefName", OD_W_TEXT),
};

const struct od_resource od_res_preferences = {
    .name = "preferences", .table = "preference", .pk = "PrefNum",
    OD_LIST(fields, preference_fields),
    OD_LIST(filters, preference_filters),
    .ops = OD_OP_GET_LIST, .missing = "Preference not found.",
};
