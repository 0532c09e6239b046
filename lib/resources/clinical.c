/* clinical.c - procedurelogs and procedurecodes as descriptions
 * (apiprocedurelogs.html, the resources' api*.html pages). Field order is Open
 * Dental's; lower-case names are derived, read-only companions. Choices Open
 * Dental's docs leave open are in docs/resources.md. */
#include "resources/shorthand-internal.h"

#include <ctype.h>
#include <string.h>

/* EnumPermType values used in securitylog (GroupPermission.cs). */
enum { PERM_PROC_DELETE = 49, PERM_PROC_EDIT = 100, PERM_PROC_CODE_EDIT = 157 };

/* Enums only procedure codes use (Open Dental's C# enums). */
ENUM_TABLE(enum_painttype, "PaintType", "None", "Extraction", "Implant", "RCT",
           "PostBU", "FillingDark", "FillingLight", "CrownDark", "CrownLight",
           "BridgeDark", "BridgeLight", "DentureDark", "DentureLight",
           "Sealant", "Veneer", "Text", "RetainedRoot", "SpaceMaintainer");
ENUM_TABLE(enum_substonlyif, "SubstOnlyIf", "Always", "Molar", "SecondMolar",
           "Never", "Posterior");

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

static const struct od_field procedurelog_fields[] = {
    KEY("ProcNum"),
    {.name = "PatNum", .wire = OD_W_INT, .flags = OD_F_REQ | OD_F_NOPUT},
    FKEY("AptNum", 0, FK_APPT),
    {.name = "ProcDate", .wire = OD_W_DATE, .flags = OD_F_REQ},
    {.name = "ProcFee", .wire = OD_W_MONEY},
    /* apispecification.html: "" is ignored on PUT for ToothNum, Surf,
     * ToothRange */
    {.name = "Surf", .wire = OD_W_TEXT, .flags = OD_F_NOCLEAR},
    CHK("ToothNum", OD_F_NOCLEAR, 0, check_tooth),
    {.name = "ToothRange", .wire = OD_W_TEXT, .flags = OD_F_NOCLEAR},
    FKEY("Priority", 0, FK_DEF(20)),
    DEFNAME("priority", "pr"),
    ENM("ProcStatus", &od_enum_procstat, OD_F_REQ, NULL),
    FKEY("ProvNum", 0, FK_PROV),
    DERIVED("provAbbr", "COALESCE(pv.Abbr, '')"),
    FKEY("Dx", 0, FK_DEF(16)),
    DEFNAME("dxName", "dx"),
    FKEY("PlannedAptNum", 0, FK_APPT),
    {.name = "PlaceService", .wire = OD_W_ENUM, .enm = &od_enum_placeservice},
    {.name = "Prosthesis", .wire = OD_W_TEXT, .check = check_prosthesis},
    {.name = "DateOriginalProsth", .wire = OD_W_DATE},
    {.name = "ClaimNote", .wire = OD_W_TEXT},
    NOW_ON_INSERT("DateEntryC", OD_W_DATE),
    FKEY("ClinicNum", 0, FK_CLINIC),
    FKEY("CodeNum", 0, FK_CODE),
    DERIVED("procCode", "COALESCE(pc.ProcCode, '')"),
    DERIVED("descript", "COALESCE(pc.Descript, '')"),
    RO("UnitQty", OD_W_INT),
    RO("BaseUnits", OD_W_INT),
    {.name = "DateTP", .wire = OD_W_DATE},
    {.name = "SiteNum", .wire = OD_W_INT},
    RO("HideGraphics", OD_W_BOOL),
    RO("CanadianTypeCodes", OD_W_TEXT),
    {.name = "ProcTime", .wire = OD_W_TIME},
    {.name = "ProcTimeEnd", .wire = OD_W_TIME},
    STAMP("DateTStamp"),
    FKEY("Prognosis", 0, FK_DEF(30)),
    RO("IsLocked", OD_W_BOOL),
    {.name = "BillingNote", .wire = OD_W_TEXT},
    {.name = "Discount", .wire = OD_W_NUMBER},
    {.name = "IsDateProsthEst", .wire = OD_W_BOOL},
    NOW_ON_INSERT("SecDateEntry", OD_W_DATETIME),
    SERVERTIME,
};

static const struct od_filter procedurelog_filters[] = {
    INTF("PatNum"),
    INTF("AptNum"),
    ENUMF("ProcStatus", &od_enum_procstat),
    INTF("PlannedAptNum"),
    INTF("ClinicNum"),
    INTF("CodeNum"),
    SINCEF("DateTStamp"),
};

static const struct od_lookup procedurelog_lookups[] = {
    {.input = "procCode", .target = "CodeNum",
     .sql = "SELECT CodeNum FROM procedurecode WHERE "
            "ProcCode = ? ORDER BY CodeNum LIMIT 1", .flags = OD_LK_REQ},
    {.input = "priority", .target = "Priority", .sql = DEF_BY_NAME(20)},
    {.input = "dxName", .target = "Dx", .sql = DEF_BY_NAME(16)},
};

/* In order: each default may use the ones before it. */
static const struct od_sqldefault procedurelog_defaults[] = {
    /* ProvNum: the appointment's provider, else the patient's primary
     * provider, else the practice default provider */
    {.field = "ProvNum",
     .sql = "SELECT NULLIF(ProvNum, 0) FROM appointment WHERE AptNum = ?",
     .param = "AptNum"},
    {.field = "ProvNum",
     .sql = "SELECT NULLIF(PriProv, 0) FROM patient WHERE PatNum = ?",
     .param = "PatNum"},
    PREF_DEFAULT("ProvNum", "PracticeDefaultProv"),
    PATIENT_CLINIC_DEFAULT,
    /* the fee for the code in the patient's fee schedule, else in the
     * provider's; a clinic- or provider-specific fee wins over the
     * schedule's default row */
    {.field = "ProcFee",
     .sql = "SELECT f.Amount FROM fee f WHERE f.CodeNum = ? AND "
            "f.FeeSched = COALESCE((SELECT NULLIF(FeeSched, 0) FROM "
            "patient WHERE PatNum = ?), (SELECT FeeSched FROM provider "
            "WHERE ProvNum = ?)) AND f.ClinicNum IN (0, ?) AND f.ProvNum "
            "IN (0, ?) ORDER BY f.ClinicNum DESC, f.ProvNum DESC, "
            "f.FeeNum LIMIT 1",
     .param = "CodeNum,PatNum,ProvNum,ClinicNum,ProvNum"},
    {.field = "DateTP", .sql = "SELECT DATE_FORMAT(CURDATE(), '%Y-%m-%d')"},
    {.field = "UnitQty", .sql = "SELECT 1"},
    {.field = "BaseUnits",
     .sql = "SELECT BaseUnits FROM procedurecode WHERE CodeNum = ?",
     .param = "CodeNum"},
};

#define NOT_COMPLETE(col_, name_)                                            \
    RULE(OD_OP_PUT, "SELECT 1 FROM procedurelog WHERE ProcNum = ? AND "      \
                    "ProcStatus = 2 AND NOT (" col_ " <=> ?)", "@key," name_, \
         name_ " cannot be changed on a completed procedure.")

/* An appointment key (AptNum, PlannedAptNum) given on POST or PUT must be
 * 0 or an appointment of the procedure's patient. */
#define APT_OF_PATIENT_MSG(name_) name_ " is not an appointment of this patient."
#define APT_OF_PATIENT_POST(name_)                                           \
    VALUE_RULE(OD_OP_POST, "? <> 0 AND NOT EXISTS (SELECT 1 FROM "           \
               "appointment WHERE AptNum = ? AND PatNum = ?)",               \
               name_ "," name_ ",PatNum", APT_OF_PATIENT_MSG(name_))
#define APT_OF_PATIENT_PUT(name_)                                            \
    VALUE_RULE(OD_OP_PUT, "? <> 0 AND NOT EXISTS (SELECT 1 FROM "            \
               "appointment a JOIN procedurelog p ON p.PatNum = a.PatNum "   \
               "WHERE a.AptNum = ? AND p.ProcNum = ?)",                      \
               name_ "," name_ ",@key", APT_OF_PATIENT_MSG(name_))
/* A POST must give name_ when the code's TreatArea is area (SQL: "= 7"). */
#define AREA_NEEDS(area, name_)                                              \
    RULE(OD_OP_POST, "SELECT 1 FROM procedurecode WHERE CodeNum = ? AND "    \
                     "TreatArea " area " AND COALESCE(?, '') = ''",          \
         "CodeNum,?" name_, name_ " is required for this procedure code.")

static const struct od_check procedurelog_checks[] = {
    /* POST */
    VALUE_RULE(OD_OP_POST, "? IN (6, 8)", "ProcStatus",
               "ProcStatus must be TP, C, EC, EO, R or Cn."),
    APT_OF_PATIENT_POST("AptNum"),
    APT_OF_PATIENT_POST("PlannedAptNum"),
    AREA_NEEDS("IN (1, 2)", "ToothNum"),
    AREA_NEEDS("IN (1, 4, 5, 6)", "Surf"),
    AREA_NEEDS("= 7", "ToothRange"),
    /* PUT */
    ROW_IF(OD_OP_PUT, "procedurelog", "ProcNum", "ProcStatus = 6",
           "A deleted procedure cannot be changed."),
    VALUE_RULE(OD_OP_PUT, "? = 6", "ProcStatus",
               "ProcStatus cannot be set to D. Use DELETE instead."),
    APT_OF_PATIENT_PUT("AptNum"),
    APT_OF_PATIENT_PUT("PlannedAptNum"),
    NOT_COMPLETE("CodeNum", "CodeNum"),
    NOT_COMPLETE("Discount", "Discount"),
    NOT_COMPLETE("ToothNum", "ToothNum"),
    NOT_COMPLETE("Surf", "Surf"),
    NOT_COMPLETE("ToothRange", "ToothRange"),
    RULE(OD_OP_PUT,
         "SELECT 1 FROM procedurelog p JOIN procedurecode o ON "
         "o.CodeNum = p.CodeNum JOIN procedurecode n ON n.CodeNum = ? "
         "WHERE p.ProcNum = ? AND n.TreatArea <> o.TreatArea", "CodeNum,@key",
         "The new procedure code must have the same TreatArea."),
    /* DELETE: TP, TPi, or C without attachments */
    ROW_IF(OD_OP_DELETE, "procedurelog", "ProcNum", "ProcStatus = 6",
           "The procedure is already deleted."),
    ROW_IF(OD_OP_DELETE, "procedurelog", "ProcNum",
           "ProcStatus NOT IN (1, 2, 8)",
           "Only procedures with status TP, TPi or C can be deleted."),
    RULE(OD_OP_DELETE,
         "SELECT 1 FROM claimproc WHERE ProcNum = ? AND (ClaimNum <> 0 "
         "OR Status NOT IN (6, 8)) UNION ALL SELECT 1 FROM paysplit "
         "WHERE ProcNum = ? UNION ALL SELECT 1 FROM refattach "
         "WHERE ProcNum = ?", "@key,@key,@key",
         "The procedure is attached to a claim, payment or referral and "
         "cannot be deleted."),
};

const struct od_resource od_res_procedurelogs = {
    .name = "procedurelogs", .table = "procedurelog", .pk = "ProcNum",
    .joins = "LEFT JOIN definition pr ON pr.DefNum = t.Priority "
             "LEFT JOIN provider pv ON pv.ProvNum = t.ProvNum "
             "LEFT JOIN definition dx ON dx.DefNum = t.Dx "
             "LEFT JOIN procedurecode pc ON pc.CodeNum = t.CodeNum",
    OD_LIST(fields, procedurelog_fields),
    OD_LIST(filters, procedurelog_filters),
    .ops = OD_OPS_CRUD,
    .write_perm = ODAPI_PERM_PROCEDURE_LOGS,
    .missing = "ProcedureLog not found.", .server_time = OD_ST_FIRST,
    SECLOG("Procedure", PERM_PROC_EDIT, PERM_PROC_EDIT, PERM_PROC_DELETE),
    .patnum_col = "PatNum",
    OD_LIST(sqldefaults, procedurelog_defaults),
    OD_LIST(lookups, procedurelog_lookups),
    OD_LIST(checks, procedurelog_checks),
    /* procedurelog is IsDeleteForbidden: a deleted procedure keeps its row
     * with ProcStatus D and leaves its appointments */
    .delete_sql = "UPDATE procedurelog SET ProcStatus = 6, AptNum = 0, "
                  "PlannedAptNum = 0 WHERE ProcNum = ?",
};

/* ---- procedurecodes ----------------------------------------------------- */

static const struct od_field procedurecode_fields[] = {
    KEY("CodeNum"),
    {.name = "ProcCode", .wire = OD_W_TEXT, .flags = OD_F_REQ | OD_F_NOPUT},
    {.name = "Descript", .wire = OD_W_TEXT, .flags = OD_F_REQ | OD_F_NOCLEAR},
    {.name = "AbbrDesc", .wire = OD_W_TEXT, .flags = OD_F_REQ | OD_F_NOCLEAR},
    {.name = "ProcTime", .wire = OD_W_TEXT, .flags = OD_F_NOCLEAR,
     .dflt = "/X/", .check = od_check_pattern},
    FKEY("ProcCat", 0, FK_DEF(11)),
    DEFNAME("procCat", "cat"),
    {.name = "TreatArea", .wire = OD_W_ENUM, .enm = &od_enum_treatarea},
    {.name = "NoBillIns", .wire = OD_W_BOOL},
    {.name = "IsProsth", .wire = OD_W_BOOL},
    {.name = "DefaultNote", .wire = OD_W_TEXT},
    {.name = "IsHygiene", .wire = OD_W_BOOL},
    {.name = "MedicalCode", .wire = OD_W_TEXT},
    {.name = "IsTaxed", .wire = OD_W_BOOL},
    {.name = "PaintType", .wire = OD_W_ENUM, .enm = &enum_painttype},
    {.name = "LaymanTerm", .wire = OD_W_TEXT},
    {.name = "IsCanadianLab", .wire = OD_W_BOOL},
    {.name = "BaseUnits", .wire = OD_W_INT},
    {.name = "SubstitutionCode", .wire = OD_W_TEXT},
    {.name = "SubstOnlyIf", .wire = OD_W_ENUM, .enm = &enum_substonlyif},
    STAMP("DateTStamp"),
    {.name = "DrugNDC", .wire = OD_W_TEXT, .check = check_ndc},
    {.name = "RevenueCodeDefault", .wire = OD_W_TEXT},
    FKEY("ProvNumDefault", 0, FK_PROV),
    {.name = "CanadaTimeUnits", .wire = OD_W_NUMBER},
    {.name = "IsRadiology", .wire = OD_W_BOOL},
    {.name = "DefaultClaimNote", .wire = OD_W_TEXT},
    {.name = "DefaultTPNote", .wire = OD_W_TEXT},
    {.name = "PaintText", .wire = OD_W_TEXT},
    {.name = "AreaAlsoToothRange", .wire = OD_W_BOOL},
    {.name = "DiagnosticCodes", .wire = OD_W_TEXT},
};

static const struct od_filter procedurecode_filters[] = {
    SINCEF("DateTStamp"),
};

static const struct od_lookup procedurecode_lookups[] = {
    {.input = "procCat", .target = "ProcCat",
     .sql = DEF_BY_NAME(11), .flags = OD_LK_REQ},
};

static const struct od_check procedurecode_checks[] = {
    POST_UNIQUE("procedurecode", "ProcCode", "ProcCode already exists."),
};

const struct od_resource od_res_procedurecodes = {
    .name = "procedurecodes", .table = "procedurecode", .pk = "CodeNum",
    .joins = "LEFT JOIN definition cat ON cat.DefNum = t.ProcCat",
    OD_LIST(fields, procedurecode_fields),
    OD_LIST(filters, procedurecode_filters),
    .ops = OD_OPS_CRU,
    .write_perm = ODAPI_PERM_SETUP, .missing = "ProcedureCode not found.",
    SECLOG("ProcedureCode", PERM_PROC_CODE_EDIT, PERM_PROC_CODE_EDIT, 0),
    OD_LIST(lookups, procedurecode_lookups),
    OD_LIST(checks, procedurecode_checks),
};
