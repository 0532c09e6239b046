/* clinical.c - procedurelogs and procedurecodes as descriptions (spec
 * 5.5, 5.8 and Appendix A). Field order is the spec's; lower-case names
 * are derived, read-only companions. Choices the spec leaves open are in
 * docs/resources.md. */
#include "engine/describe-internal.h"

#include <ctype.h>
#include <string.h>

/* EnumPermType values used in securitylog (opendental-schema.md 4). */
enum { PERM_PROC_DELETE = 49, PERM_PROC_EDIT = 100, PERM_PROC_CODE_EDIT = 157 };

#define DTSTAMP(col) {col, NULL, OD_W_DATETIME, NULL, OD_F_RO | OD_F_STAMP, \
                      NULL, 0, 0, NULL}
#define SERVERTIME {"serverDateTime", NULL, OD_W_SERVERTIME, NULL,           \
                    OD_F_RO | OD_F_GETONLY, NULL, 0, 0, NULL}

/* Enums only procedure codes use (opendental-schema.md 4). */
static const char *const paint_names[] = {
    "None", "Extraction", "Implant", "RCT", "PostBU", "FillingDark",
    "FillingLight", "CrownDark", "CrownLight", "BridgeDark", "BridgeLight",
    "DentureDark", "DentureLight", "Sealant", "Veneer", "Text",
    "RetainedRoot", "SpaceMaintainer"};
static const struct od_enum enum_painttype = {"PaintType", 0, OD_N(paint_names),
                                              paint_names};
static const char *const subst_names[] = {"Always", "Molar", "SecondMolar",
                                          "Never", "Posterior"};
static const struct od_enum enum_substonlyif = {"SubstOnlyIf", 0,
                                                OD_N(subst_names), subst_names};

/* "" (no), "I" (initial) or "R" (replacement). */
static int check_prosthesis(const char *s)
{
    return strcmp(s, "I") == 0 || strcmp(s, "R") == 0;
}

/* Universal numbering: 1-32, supernumerary 51-82, primary A-T, primary
 * supernumerary AS-TS. */
static int check_tooth(const char *s)
{
    size_t n = strlen(s);
    if (n == 1 && s[0] >= 'A' && s[0] <= 'T')
        return 1;
    if (n == 2 && s[0] >= 'A' && s[0] <= 'T' && s[1] == 'S')
        return 1;
    if (n >= 1 && n <= 2 && isdigit((unsigned char)s[0]) &&
        (n == 1 || isdigit((unsigned char)s[1])) && s[0] != '0') {
        int v = s[0] - '0';
        if (n == 2)
            v = v * 10 + (s[1] - '0');
        return (v >= 1 && v <= 32) || (v >= 51 && v <= 82);
    }
    return 0;
}

/* 11 digits (NDC) or blank. */
static int check_ndc(const char *s)
{
    int i;
    for (i = 0; s[i]; i++)
        if (!isdigit((unsigned char)s[i]))
            return 0;
    return i == 11;
}

/* ---- procedurelogs ------------------------------------------------------ */

#define FK_APPT "SELECT 1 FROM appointment WHERE AptNum = ?"
#define FK_DEF(cat) "SELECT 1 FROM definition WHERE DefNum = ? AND " \
                    "Category = " #cat

static const struct od_field procedurelog_fields[] = {
    {"ProcNum", NULL, OD_W_INT, NULL, OD_F_RO | OD_F_KEY, NULL, 0, 0, NULL},
    {"PatNum", NULL, OD_W_INT, NULL, OD_F_REQ | OD_F_NOPUT, NULL, 0, 0, NULL},
    {"AptNum", NULL, OD_W_INT, NULL, 0, NULL, 0, 0, NULL, NULL, FK_APPT},
    {"ProcDate", NULL, OD_W_DATE, NULL, OD_F_REQ, NULL, 0, 0, NULL},
    {"ProcFee", NULL, OD_W_MONEY, NULL, 0, NULL, 0, 0, NULL},
    /* spec 3.5: "" is ignored on PUT for ToothNum, Surf, ToothRange */
    {"Surf", NULL, OD_W_TEXT, NULL, OD_F_NOCLEAR, NULL, 0, 0, NULL},
    {"ToothNum", NULL, OD_W_TEXT, NULL, OD_F_NOCLEAR, NULL, 0, 0, NULL,
     check_tooth},
    {"ToothRange", NULL, OD_W_TEXT, NULL, OD_F_NOCLEAR, NULL, 0, 0, NULL},
    {"Priority", NULL, OD_W_INT, NULL, 0, NULL, 0, 0, NULL, NULL,
     FK_DEF(20)},
    {"priority", "COALESCE(pr.ItemName, '')", OD_W_TEXT, NULL, OD_F_RO, NULL,
     0, 0, NULL},
    {"ProcStatus", NULL, OD_W_ENUM, &od_enum_procstat, OD_F_REQ, NULL, 0, 0,
     NULL},
    {"ProvNum", NULL, OD_W_INT, NULL, 0, NULL, 0, 0, NULL, NULL,
     "SELECT 1 FROM provider WHERE ProvNum = ?"},
    {"provAbbr", "COALESCE(pv.Abbr, '')", OD_W_TEXT, NULL, OD_F_RO, NULL, 0,
     0, NULL},
    {"Dx", NULL, OD_W_INT, NULL, 0, NULL, 0, 0, NULL, NULL, FK_DEF(16)},
    {"dxName", "COALESCE(dx.ItemName, '')", OD_W_TEXT, NULL, OD_F_RO, NULL,
     0, 0, NULL},
    {"PlannedAptNum", NULL, OD_W_INT, NULL, 0, NULL, 0, 0, NULL, NULL,
     FK_APPT},
    {"PlaceService", NULL, OD_W_ENUM, &od_enum_placeservice, 0, NULL, 0, 0,
     NULL},
    {"Prosthesis", NULL, OD_W_TEXT, NULL, 0, NULL, 0, 0, NULL,
     check_prosthesis},
    {"DateOriginalProsth", NULL, OD_W_DATE, NULL, 0, NULL, 0, 0, NULL},
    {"ClaimNote", NULL, OD_W_TEXT, NULL, 0, NULL, 0, 0, NULL},
    {"DateEntryC", NULL, OD_W_DATE, NULL, OD_F_RO | OD_F_NOW, NULL, 0, 0,
     NULL},
    {"ClinicNum", NULL, OD_W_INT, NULL, 0, NULL, 0, 0, NULL, NULL,
     "SELECT 1 FROM clinic WHERE ClinicNum = ?"},
    {"CodeNum", NULL, OD_W_INT, NULL, 0, NULL, 0, 0, NULL, NULL,
     "SELECT 1 FROM procedurecode WHERE CodeNum = ?"},
    {"procCode", "COALESCE(pc.ProcCode, '')", OD_W_TEXT, NULL, OD_F_RO, NULL,
     0, 0, NULL},
    {"descript", "COALESCE(pc.Descript, '')", OD_W_TEXT, NULL, OD_F_RO, NULL,
     0, 0, NULL},
    {"UnitQty", NULL, OD_W_INT, NULL, OD_F_RO, NULL, 0, 0, NULL},
    {"BaseUnits", NULL, OD_W_INT, NULL, OD_F_RO, NULL, 0, 0, NULL},
    {"DateTP", NULL, OD_W_DATE, NULL, 0, NULL, 0, 0, NULL},
    {"SiteNum", NULL, OD_W_INT, NULL, 0, NULL, 0, 0, NULL},
    {"HideGraphics", NULL, OD_W_BOOL, NULL, OD_F_RO, NULL, 0, 0, NULL},
    {"CanadianTypeCodes", NULL, OD_W_TEXT, NULL, OD_F_RO, NULL, 0, 0, NULL},
    {"ProcTime", NULL, OD_W_TIME, NULL, 0, NULL, 0, 0, NULL},
    {"ProcTimeEnd", NULL, OD_W_TIME, NULL, 0, NULL, 0, 0, NULL},
    DTSTAMP("DateTStamp"),
    {"Prognosis", NULL, OD_W_INT, NULL, 0, NULL, 0, 0, NULL, NULL,
     FK_DEF(30)},
    {"IsLocked", NULL, OD_W_BOOL, NULL, OD_F_RO, NULL, 0, 0, NULL},
    {"BillingNote", NULL, OD_W_TEXT, NULL, 0, NULL, 0, 0, NULL},
    {"Discount", NULL, OD_W_NUMBER, NULL, 0, NULL, 0, 0, NULL},
    {"IsDateProsthEst", NULL, OD_W_BOOL, NULL, 0, NULL, 0, 0, NULL},
    {"SecDateEntry", NULL, OD_W_DATETIME, NULL, OD_F_RO | OD_F_NOW, NULL, 0,
     0, NULL},
    SERVERTIME,
};

static const struct od_filter procedurelog_filters[] = {
    {"PatNum", "t.PatNum = ?", OD_W_INT, NULL, 0, 0, NULL},
    {"AptNum", "t.AptNum = ?", OD_W_INT, NULL, 0, 0, NULL},
    {"ProcStatus", "t.ProcStatus = ?", OD_W_ENUM, &od_enum_procstat, 0, 0,
     NULL},
    {"PlannedAptNum", "t.PlannedAptNum = ?", OD_W_INT, NULL, 0, 0, NULL},
    {"ClinicNum", "t.ClinicNum = ?", OD_W_INT, NULL, 0, 0, NULL},
    {"CodeNum", "t.CodeNum = ?", OD_W_INT, NULL, 0, 0, NULL},
    {"DateTStamp", "t.DateTStamp >= ?", OD_W_DATETIME, NULL, 0, 0, NULL},
};

static const struct od_lookup procedurelog_lookups[] = {
    {"procCode", "CodeNum", "SELECT CodeNum FROM procedurecode WHERE "
                            "ProcCode = ? ORDER BY CodeNum LIMIT 1",
     OD_LK_REQ},
    {"priority", "Priority", "SELECT DefNum FROM definition WHERE Category = "
                             "20 AND ItemName = ? ORDER BY IsHidden, "
                             "ItemOrder LIMIT 1", 0},
    {"dxName", "Dx", "SELECT DefNum FROM definition WHERE Category = 16 AND "
                     "ItemName = ? ORDER BY IsHidden, ItemOrder LIMIT 1", 0},
};

/* In order: each default may use the ones before it. */
static const struct od_sqldefault procedurelog_defaults[] = {
    /* ProvNum: the appointment's provider, else the patient's primary
     * provider, else the practice default provider */
    {"ProvNum", "SELECT NULLIF(ProvNum, 0) FROM appointment WHERE AptNum = ?",
     "AptNum"},
    {"ProvNum", "SELECT NULLIF(PriProv, 0) FROM patient WHERE PatNum = ?",
     "PatNum"},
    {"ProvNum", "SELECT ValueString FROM preference WHERE PrefName = "
                "'PracticeDefaultProv'", NULL},
    {"ClinicNum", "SELECT ClinicNum FROM patient WHERE PatNum = ?", "PatNum"},
    /* the fee for the code in the patient's fee schedule, else in the
     * provider's; a clinic- or provider-specific fee wins over the
     * schedule's default row */
    {"ProcFee", "SELECT f.Amount FROM fee f WHERE f.CodeNum = ? AND "
                "f.FeeSched = COALESCE((SELECT NULLIF(FeeSched, 0) FROM "
                "patient WHERE PatNum = ?), (SELECT FeeSched FROM provider "
                "WHERE ProvNum = ?)) AND f.ClinicNum IN (0, ?) AND f.ProvNum "
                "IN (0, ?) ORDER BY f.ClinicNum DESC, f.ProvNum DESC, "
                "f.FeeNum LIMIT 1",
     "CodeNum,PatNum,ProvNum,ClinicNum,ProvNum"},
    {"DateTP", "SELECT DATE_FORMAT(CURDATE(), '%Y-%m-%d')", NULL},
    {"UnitQty", "SELECT 1", NULL},
    {"BaseUnits", "SELECT BaseUnits FROM procedurecode WHERE CodeNum = ?",
     "CodeNum"},
};

#define NOT_COMPLETE(col, name)                                              \
    {OD_OP_PUT, "SELECT 1 FROM procedurelog WHERE ProcNum = ? AND "          \
                "ProcStatus = 2 AND NOT (" col " <=> ?)",                    \
     "@key," name, 400,                                                      \
     name " cannot be changed on a completed procedure."}

static const struct od_check procedurelog_checks[] = {
    /* POST */
    {OD_OP_POST, "SELECT 1 FROM DUAL WHERE ? IN (6, 8)", "ProcStatus", 400,
     "ProcStatus must be TP, C, EC, EO, R or Cn."},
    {OD_OP_POST, "SELECT 1 FROM DUAL WHERE ? <> 0 AND NOT EXISTS (SELECT 1 "
                 "FROM appointment WHERE AptNum = ? AND PatNum = ?)",
     "AptNum,AptNum,PatNum", 400, "AptNum is not an appointment of this "
                                  "patient."},
    {OD_OP_POST, "SELECT 1 FROM DUAL WHERE ? <> 0 AND NOT EXISTS (SELECT 1 "
                 "FROM appointment WHERE AptNum = ? AND PatNum = ?)",
     "PlannedAptNum,PlannedAptNum,PatNum", 400,
     "PlannedAptNum is not an appointment of this patient."},
    {OD_OP_POST, "SELECT 1 FROM procedurecode WHERE CodeNum = ? AND "
                 "TreatArea IN (1, 2) AND COALESCE(?, '') = ''",
     "CodeNum,?ToothNum", 400, "ToothNum is required for this procedure "
                               "code."},
    {OD_OP_POST, "SELECT 1 FROM procedurecode WHERE CodeNum = ? AND "
                 "TreatArea IN (1, 4, 5, 6) AND COALESCE(?, '') = ''",
     "CodeNum,?Surf", 400, "Surf is required for this procedure code."},
    {OD_OP_POST, "SELECT 1 FROM procedurecode WHERE CodeNum = ? AND "
                 "TreatArea = 7 AND COALESCE(?, '') = ''",
     "CodeNum,?ToothRange", 400, "ToothRange is required for this procedure "
                                 "code."},
    /* PUT */
    {OD_OP_PUT, "SELECT 1 FROM procedurelog WHERE ProcNum = ? AND "
                "ProcStatus = 6", "@key", 400,
     "A deleted procedure cannot be changed."},
    {OD_OP_PUT, "SELECT 1 FROM DUAL WHERE ? = 6", "ProcStatus", 400,
     "ProcStatus cannot be set to D. Use DELETE instead."},
    {OD_OP_PUT, "SELECT 1 FROM DUAL WHERE ? <> 0 AND NOT EXISTS (SELECT 1 "
                "FROM appointment a JOIN procedurelog p ON p.PatNum = "
                "a.PatNum WHERE a.AptNum = ? AND p.ProcNum = ?)",
     "AptNum,AptNum,@key", 400, "AptNum is not an appointment of this "
                                "patient."},
    {OD_OP_PUT, "SELECT 1 FROM DUAL WHERE ? <> 0 AND NOT EXISTS (SELECT 1 "
                "FROM appointment a JOIN procedurelog p ON p.PatNum = "
                "a.PatNum WHERE a.AptNum = ? AND p.ProcNum = ?)",
     "PlannedAptNum,PlannedAptNum,@key", 400,
     "PlannedAptNum is not an appointment of this patient."},
    NOT_COMPLETE("CodeNum", "CodeNum"),
    NOT_COMPLETE("Discount", "Discount"),
    NOT_COMPLETE("ToothNum", "ToothNum"),
    NOT_COMPLETE("Surf", "Surf"),
    NOT_COMPLETE("ToothRange", "ToothRange"),
    {OD_OP_PUT, "SELECT 1 FROM procedurelog p JOIN procedurecode o ON "
                "o.CodeNum = p.CodeNum JOIN procedurecode n ON n.CodeNum = ? "
                "WHERE p.ProcNum = ? AND n.TreatArea <> o.TreatArea",
     "CodeNum,@key", 400,
     "The new procedure code must have the same TreatArea."},
    /* DELETE: TP, TPi, or C without attachments */
    {OD_OP_DELETE, "SELECT 1 FROM procedurelog WHERE ProcNum = ? AND "
                   "ProcStatus = 6", "@key", 400,
     "The procedure is already deleted."},
    {OD_OP_DELETE, "SELECT 1 FROM procedurelog WHERE ProcNum = ? AND "
                   "ProcStatus NOT IN (1, 2, 8)", "@key", 400,
     "Only procedures with status TP, TPi or C can be deleted."},
    {OD_OP_DELETE, "SELECT 1 FROM claimproc WHERE ProcNum = ? AND (ClaimNum "
                   "<> 0 OR Status NOT IN (6, 8)) UNION ALL SELECT 1 FROM "
                   "paysplit WHERE ProcNum = ? UNION ALL SELECT 1 FROM "
                   "refattach WHERE ProcNum = ?", "@key,@key,@key", 400,
     "The procedure is attached to a claim, payment or referral and cannot "
     "be deleted."},
};

const struct od_resource od_res_procedurelogs = {
    .name = "procedurelogs", .table = "procedurelog", .pk = "ProcNum",
    .joins = "LEFT JOIN definition pr ON pr.DefNum = t.Priority "
             "LEFT JOIN provider pv ON pv.ProvNum = t.ProvNum "
             "LEFT JOIN definition dx ON dx.DefNum = t.Dx "
             "LEFT JOIN procedurecode pc ON pc.CodeNum = t.CodeNum",
    .fields = procedurelog_fields, .nfields = OD_N(procedurelog_fields),
    .filters = procedurelog_filters, .nfilters = OD_N(procedurelog_filters),
    .ops = OD_OP_GET_ONE | OD_OP_GET_LIST | OD_OP_POST | OD_OP_PUT |
           OD_OP_DELETE,
    .write_perm = ODAPI_PERM_PROCEDURE_LOGS,
    .missing = "ProcedureLog not found.", .server_time = OD_ST_FIRST,
    .perm_create = PERM_PROC_EDIT, .perm_edit = PERM_PROC_EDIT,
    .perm_delete = PERM_PROC_DELETE, .log_noun = "Procedure",
    .patnum_col = "PatNum",
    .sqldefaults = procedurelog_defaults,
    .nsqldefaults = OD_N(procedurelog_defaults),
    .lookups = procedurelog_lookups, .nlookups = OD_N(procedurelog_lookups),
    .checks = procedurelog_checks, .nchecks = OD_N(procedurelog_checks),
    /* procedurelog is IsDeleteForbidden: a deleted procedure keeps its row
     * with ProcStatus D and leaves its appointments */
    .delete_sql = "UPDATE procedurelog SET ProcStatus = 6, AptNum = 0, "
                  "PlannedAptNum = 0 WHERE ProcNum = ?",
};

/* ---- procedurecodes ----------------------------------------------------- */

static const struct od_field procedurecode_fields[] = {
    {"CodeNum", NULL, OD_W_INT, NULL, OD_F_RO | OD_F_KEY, NULL, 0, 0, NULL},
    {"ProcCode", NULL, OD_W_TEXT, NULL, OD_F_REQ | OD_F_NOPUT, NULL, 0, 0,
     NULL},
    {"Descript", NULL, OD_W_TEXT, NULL, OD_F_REQ | OD_F_NOCLEAR, NULL, 0, 0,
     NULL},
    {"AbbrDesc", NULL, OD_W_TEXT, NULL, OD_F_REQ | OD_F_NOCLEAR, NULL, 0, 0,
     NULL},
    {"ProcTime", NULL, OD_W_TEXT, NULL, OD_F_NOCLEAR, "/X/", 0, 0, NULL,
     od_check_pattern},
    {"ProcCat", NULL, OD_W_INT, NULL, 0, NULL, 0, 0, NULL, NULL, FK_DEF(11)},
    {"procCat", "COALESCE(cat.ItemName, '')", OD_W_TEXT, NULL, OD_F_RO, NULL,
     0, 0, NULL},
    {"TreatArea", NULL, OD_W_ENUM, &od_enum_treatarea, 0, NULL, 0, 0, NULL},
    {"NoBillIns", NULL, OD_W_BOOL, NULL, 0, NULL, 0, 0, NULL},
    {"IsProsth", NULL, OD_W_BOOL, NULL, 0, NULL, 0, 0, NULL},
    {"DefaultNote", NULL, OD_W_TEXT, NULL, 0, NULL, 0, 0, NULL},
    {"IsHygiene", NULL, OD_W_BOOL, NULL, 0, NULL, 0, 0, NULL},
    {"MedicalCode", NULL, OD_W_TEXT, NULL, 0, NULL, 0, 0, NULL},
    {"IsTaxed", NULL, OD_W_BOOL, NULL, 0, NULL, 0, 0, NULL},
    {"PaintType", NULL, OD_W_ENUM, &enum_painttype, 0, NULL, 0, 0, NULL},
    {"LaymanTerm", NULL, OD_W_TEXT, NULL, 0, NULL, 0, 0, NULL},
    {"IsCanadianLab", NULL, OD_W_BOOL, NULL, 0, NULL, 0, 0, NULL},
    {"BaseUnits", NULL, OD_W_INT, NULL, 0, NULL, 0, 0, NULL},
    {"SubstitutionCode", NULL, OD_W_TEXT, NULL, 0, NULL, 0, 0, NULL},
    {"SubstOnlyIf", NULL, OD_W_ENUM, &enum_substonlyif, 0, NULL, 0, 0, NULL},
    DTSTAMP("DateTStamp"),
    {"DrugNDC", NULL, OD_W_TEXT, NULL, 0, NULL, 0, 0, NULL, check_ndc},
    {"RevenueCodeDefault", NULL, OD_W_TEXT, NULL, 0, NULL, 0, 0, NULL},
    {"ProvNumDefault", NULL, OD_W_INT, NULL, 0, NULL, 0, 0, NULL, NULL,
     "SELECT 1 FROM provider WHERE ProvNum = ?"},
    {"CanadaTimeUnits", NULL, OD_W_NUMBER, NULL, 0, NULL, 0, 0, NULL},
    {"IsRadiology", NULL, OD_W_BOOL, NULL, 0, NULL, 0, 0, NULL},
    {"DefaultClaimNote", NULL, OD_W_TEXT, NULL, 0, NULL, 0, 0, NULL},
    {"DefaultTPNote", NULL, OD_W_TEXT, NULL, 0, NULL, 0, 0, NULL},
    {"PaintText", NULL, OD_W_TEXT, NULL, 0, NULL, 0, 0, NULL},
    {"AreaAlsoToothRange", NULL, OD_W_BOOL, NULL, 0, NULL, 0, 0, NULL},
    {"DiagnosticCodes", NULL, OD_W_TEXT, NULL, 0, NULL, 0, 0, NULL},
};

static const struct od_filter procedurecode_filters[] = {
    {"DateTStamp", "t.DateTStamp >= ?", OD_W_DATETIME, NULL, 0, 0, NULL},
};

static const struct od_lookup procedurecode_lookups[] = {
    {"procCat", "ProcCat", "SELECT DefNum FROM definition WHERE Category = "
                           "11 AND ItemName = ? ORDER BY IsHidden, ItemOrder "
                           "LIMIT 1", OD_LK_REQ},
};

static const struct od_check procedurecode_checks[] = {
    {OD_OP_POST, "SELECT 1 FROM procedurecode WHERE ProcCode = ?", "ProcCode",
     400, "ProcCode already exists."},
};

const struct od_resource od_res_procedurecodes = {
    .name = "procedurecodes", .table = "procedurecode", .pk = "CodeNum",
    .joins = "LEFT JOIN definition cat ON cat.DefNum = t.ProcCat",
    .fields = procedurecode_fields, .nfields = OD_N(procedurecode_fields),
    .filters = procedurecode_filters, .nfilters = OD_N(procedurecode_filters),
    .ops = OD_OP_GET_ONE | OD_OP_GET_LIST | OD_OP_POST | OD_OP_PUT,
    .write_perm = ODAPI_PERM_SETUP, .missing = "ProcedureCode not found.",
    .perm_create = PERM_PROC_CODE_EDIT, .perm_edit = PERM_PROC_CODE_EDIT,
    .log_noun = "ProcedureCode",
    .lookups = procedurecode_lookups, .nlookups = OD_N(procedurecode_lookups),
    .checks = procedurecode_checks, .nchecks = OD_N(procedurecode_checks),
};
