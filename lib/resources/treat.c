/* treat.c - perio charts and treatment plans as descriptions (the api*.html
 * pages "perioexams", "periomeasures", "treatplans", "treatplanattaches",
 * "proctps") over Open Dental's tables of the same names (data/od-schema.sql,
 * batch res-g). Field order is Open Dental's; lower-case names are derived,
 * read-only companions. Writes need ApiPermission AllOthers
 * (apipermissions.html). Choices Open Dental's docs leave open are in
 * docs/resources.md ("Perio charts and treatment plans"). */
#include "resources/shorthand-internal.h"

/* EnumPermType values used in securitylog (GroupPermission.cs). */
enum { PERM_TREATPLAN_EDIT = 38, PERM_PERIO_EDIT = 45 };

#define FK_PRIORITY FK_DEF(20)
#define JOIN_PRIORITY "LEFT JOIN definition pr ON pr.DefNum = t.Priority"
#define TODAY "SELECT DATE_FORMAT(CURDATE(), '%Y-%m-%d')"

/* ---- perioexams ---------------------------------------------------------- */

static const struct od_field perioexam_fields[] = {
    KEY("PerioExamNum"),
    PATNUM_OWNER,
    FLD("ExamDate", OD_W_DATE, 0),
    FKEY("ProvNum", 0, FK_PROV),
    NOW_ON_INSERT("DateTMeasureEdit", OD_W_DATETIME),
    TXT("Note", 0, 0),
};

static const struct od_filter perioexam_filters[] = {
    INTF("PatNum"),
    /* exams on or after this date */
    {.param = "ExamDate", .cond = "t.ExamDate >= ?", .wire = OD_W_DATE},
};

static const struct od_sqldefault perioexam_defaults[] = {
    {.field = "ExamDate", .sql = TODAY},
    /* Open Dental: a new exam's provider is the patient's primary one */
    {.field = "ProvNum",
     .sql = "SELECT PriProv FROM patient WHERE PatNum = ?", .param = "PatNum"},
};

const struct od_resource od_res_perioexams = {
    .name = "perioexams", .table = "perioexam", .pk = "PerioExamNum",
    OD_LIST(fields, perioexam_fields),
    OD_LIST(filters, perioexam_filters),
    .ops = OD_OPS_CRUD,
    .write_perm = ODAPI_PERM_ALL_OTHERS, .missing = "PerioExam not found.",
    SECLOG_ALL("PerioExam", PERM_PERIO_EDIT),
    .patnum_col = "PatNum",
    OD_LIST(sqldefaults, perioexam_defaults),
    /* Open Dental's PerioExams.Delete: the exam and its measures */
    .delete_sql = "DELETE e, m FROM perioexam e LEFT JOIN periomeasure m ON "
                  "m.PerioExamNum = e.PerioExamNum WHERE e.PerioExamNum = ?",
};

/* ---- periomeasures ------------------------------------------------------- */

/* PerioSequenceType; 7 CAL is computed, never stored, so not accepted. */
ENUM_TABLE(enum_seqtype, "SequenceType", "Mobility", "Furcation", "GingMargin",
           "MGJ", "Probing", "SkipTooth", "Bleeding");

#define MEASURE(n) {.name = n, .wire = OD_W_INT, .dflt = "-1"}

static const struct od_field periomeasure_fields[] = {
    KEY("PerioMeasureNum"),
    FLD("PerioExamNum", OD_W_INT, OD_F_REQ | OD_F_NOPUT),
    ENM("SequenceType", &enum_seqtype, OD_F_REQ | OD_F_NOPUT, NULL),
    FLD("IntTooth", OD_W_INT, OD_F_REQ | OD_F_NOPUT),
    MEASURE("ToothValue"),
    MEASURE("MBvalue"),
    MEASURE("Bvalue"),
    MEASURE("DBvalue"),
    MEASURE("MLvalue"),
    MEASURE("Lvalue"),
    MEASURE("DLvalue"),
    STAMP("SecDateTEdit"),
};

static const struct od_filter periomeasure_filters[] = {
    INTF("PerioExamNum"),
};

/* A value is -1 (none), 0-19, or 101-119 (negative: 105 is -5). */
#define RANGE(n)                                                              \
    VALUE_RULE(OD_OP_POST | OD_OP_PUT,                                       \
               "? NOT BETWEEN -1 AND 19 AND ? NOT BETWEEN 101 AND 119",      \
               n "," n, n " is invalid.")

static const struct od_check periomeasure_checks[] = {
    POST_FOUND("perioexam", "PerioExamNum", "PerioExam"),
    OUT_OF_RANGE(OD_OP_POST, "IntTooth", 1, 32),
    RANGE("ToothValue"), RANGE("MBvalue"), RANGE("Bvalue"), RANGE("DBvalue"),
    RANGE("MLvalue"), RANGE("Lvalue"), RANGE("DLvalue"),
    /* one measure of each SequenceType per tooth and exam */
    RULE(OD_OP_POST,
         "SELECT 1 FROM periomeasure WHERE PerioExamNum = ? AND IntTooth = ? "
         "AND SequenceType = ?", "PerioExamNum,IntTooth,SequenceType",
         "A PerioMeasure of this SequenceType already exists for this tooth "
         "on this PerioExam."),
    /* types measured per surface need at least one surface value */
    VALUE_RULE(OD_OP_POST,
               "? NOT IN (0, 5) AND COALESCE(?, -1) = -1 AND "
               "COALESCE(?, -1) = -1 AND COALESCE(?, -1) = -1 AND "
               "COALESCE(?, -1) = -1 AND COALESCE(?, -1) = -1 AND "
               "COALESCE(?, -1) = -1",
               "SequenceType,?MBvalue,?Bvalue,?DBvalue,?MLvalue,?Lvalue,"
               "?DLvalue",
               "At least one surface value is required for this "
               "SequenceType."),
};

const struct od_resource od_res_periomeasures = {
    .name = "periomeasures", .table = "periomeasure",
    .pk = "PerioMeasureNum",
    OD_LIST(fields, periomeasure_fields),
    OD_LIST(filters, periomeasure_filters),
    .order = "t.PerioExamNum, t.PerioMeasureNum",
    .ops = OD_OPS_LIST_CRUD,
    .write_perm = ODAPI_PERM_ALL_OTHERS,
    .missing = "PerioMeasure not found.",
    SECLOG_ALL("PerioMeasure", PERM_PERIO_EDIT),
    OD_LIST(checks, periomeasure_checks),
    .after_insert = "UPDATE periomeasure SET SecDateTEntry = NOW() WHERE "
                    "PerioMeasureNum = ?",
};

/* ---- treatplans ---------------------------------------------------------- */

ENUM_TABLE(enum_tpstatus, "TPStatus", "Saved", "Active", "Inactive");
ENUM_TABLE(enum_tptype, "TPType", "Insurance", "Discount");

static const struct od_field treatplan_fields[] = {
    KEY("TreatPlanNum"),
    PATNUM_OWNER,
    FLD("DateTP", OD_W_DATE, OD_F_NOPOST),
    DFL("Heading", OD_W_TEXT, OD_F_NOCLEAR, "Inactive Treatment Plan"),
    TXT("Note", 0, 0),
    RO("SigIsTopaz", OD_W_BOOL),
    FKEY("ResponsParty", OD_F_NOPOST, FK_PAT),
    RO("DocNum", OD_W_INT),
    ROENUM("TPStatus", &enum_tpstatus),
    SEC_ENTRY_EDIT,
    RO("UserNumPresenter", OD_W_INT),
    {.name = "TPType", .wire = OD_W_ENUM, .enm = &enum_tptype},
    RO("DateTSigned", OD_W_DATETIME),
    RO("DateTPracticeSigned", OD_W_DATETIME),
    TXT("SignatureText", OD_F_NOPOST, 0),
    TXT("SignaturePracticeText", OD_F_NOPOST, 0),
    EXPR("isSigned", "t.Signature <> ''", OD_W_BOOL),
    EXPR("isSignedPractice", "t.SignaturePractice <> ''", OD_W_BOOL),
};

static const struct od_filter treatplan_filters[] = {
    INTF("PatNum"),
    SINCEF("SecDateTEdit"),
    ENUMF("TPStatus", &enum_tpstatus),
};

static const struct od_sqldefault treatplan_defaults[] = {
    {.field = "DateTP", .sql = TODAY},
    /* the practice's default treatment plan note */
    PREF_DEFAULT("Note", "TreatmentPlanNote"),
    /* Discount when the patient has a discount plan, else Insurance */
    {.field = "TPType",
     .sql = "SELECT IF(EXISTS (SELECT 1 FROM discountplansub WHERE "
            "PatNum = ?), 'Discount', 'Insurance')", .param = "PatNum"},
};

static const struct od_check treatplan_checks[] = {
    ROW_IF(OD_OP_DELETE, "treatplan", "TreatPlanNum", "TPStatus = 1",
           "Active TreatPlans cannot be deleted."),
    VALUE_RULE(OD_OP_PUT, "TRIM(?) = ''", "Heading",
               "Heading cannot be blank."),
};

const struct od_resource od_res_treatplans = {
    .name = "treatplans", .table = "treatplan", .pk = "TreatPlanNum",
    OD_LIST(fields, treatplan_fields),
    OD_LIST(filters, treatplan_filters),
    .ops = OD_OPS_LIST_CRUD,
    .write_perm = ODAPI_PERM_ALL_OTHERS, .missing = "TreatPlan not found.",
    SECLOG_ALL("TreatPlan", PERM_TREATPLAN_EDIT),
    .patnum_col = "PatNum",
    OD_LIST(sqldefaults, treatplan_defaults),
    OD_LIST(checks, treatplan_checks),
    /* a plan made through the API is Inactive (Open Dental keeps the one
     * Active plan per patient itself) */
    .after_insert = "UPDATE treatplan SET TPStatus = 2 WHERE "
                    "TreatPlanNum = ?",
    /* the plan with its attaches (Active/Inactive) and copies (Saved) */
    .delete_sql = "DELETE t, a, p FROM treatplan t LEFT JOIN treatplanattach "
                  "a ON a.TreatPlanNum = t.TreatPlanNum LEFT JOIN proctp p ON "
                  "p.TreatPlanNum = t.TreatPlanNum WHERE t.TreatPlanNum = ?",
};

/* ---- treatplanattaches --------------------------------------------------- */

static const struct od_field treatplanattach_fields[] = {
    KEY("TreatPlanAttachNum"),
    FLD("TreatPlanNum", OD_W_INT, OD_F_REQ | OD_F_NOPUT),
    FLD("ProcNum", OD_W_INT, OD_F_REQ | OD_F_NOPUT),
    {.name = "Priority", .wire = OD_W_INT, .dflt = "0", .fk = FK_PRIORITY},
    DEFNAME("priority", "pr"),
};

static const struct od_filter treatplanattach_filters[] = {
    REQ_INTF("TreatPlanNum"),
};

static const struct od_check treatplanattach_checks[] = {
    POST_FOUND("treatplan", "TreatPlanNum", "TreatPlan"),
    POST_FOUND("procedurelog", "ProcNum", "Procedure"),
    RULE(OD_OP_POST,
         "SELECT 1 FROM treatplan WHERE TreatPlanNum = ? AND TPStatus = 0",
         "TreatPlanNum",
         "Procedures can only be attached to an Active or Inactive "
         "TreatPlan."),
    RULE(OD_OP_POST,
         "SELECT 1 FROM treatplan t JOIN procedurelog p ON p.ProcNum = ? "
         "WHERE t.TreatPlanNum = ? AND p.PatNum <> t.PatNum",
         "ProcNum,TreatPlanNum",
         "The procedure is not for this TreatPlan's patient."),
    /* ProcStat TP (1) or TPi (8) */
    RULE(OD_OP_POST,
         "SELECT 1 FROM procedurelog WHERE ProcNum = ? "
         "AND ProcStatus NOT IN (1, 8)", "ProcNum",
         "The procedure must have a ProcStatus of TP or TPi."),
    POST_UNIQUE2("treatplanattach", "TreatPlanNum", "ProcNum",
                 "The procedure is already attached to this TreatPlan."),
};

const struct od_resource od_res_treatplanattaches = {
    .name = "treatplanattaches", .table = "treatplanattach",
    .pk = "TreatPlanAttachNum", .joins = JOIN_PRIORITY,
    OD_LIST(fields, treatplanattach_fields),
    OD_LIST(filters, treatplanattach_filters),
    .ops = OD_OPS_LIST_CRU,
    .write_perm = ODAPI_PERM_ALL_OTHERS,
    .missing = "TreatPlanAttach not found.",
    SECLOG("TreatPlanAttach", PERM_TREATPLAN_EDIT, PERM_TREATPLAN_EDIT, 0),
    OD_LIST(checks, treatplanattach_checks),
};

/* ---- proctps ------------------------------------------------------------- */

#define AMOUNT(n) FLD(n, OD_W_NUMBER, 0)

static const struct od_field proctp_fields[] = {
    KEY("ProcTPNum"),
    RO("TreatPlanNum", OD_W_INT),
    RO("PatNum", OD_W_INT),
    RO("ProcNumOrig", OD_W_INT),
    RO("ItemOrder", OD_W_INT),
    FKEY("Priority", 0, FK_PRIORITY),
    DEFNAME("priority", "pr"),
    TXT("ToothNumTP", 0, 0),
    TXT("Surf", 0, 0),
    TXT("ProcCode", 0, 0),
    TXT("Descript", 0, 0),
    AMOUNT("FeeAmt"),
    AMOUNT("PriInsAmt"),
    AMOUNT("SecInsAmt"),
    AMOUNT("PatAmt"),
    AMOUNT("Discount"),
    TXT("Prognosis", 0, 0),
    TXT("Dx", 0, 0),
    TXT("ProcAbbr", 0, 0),
    SECUSERNUMENTRY,
    RO("SecDateEntry", OD_W_DATE),
    STAMP("SecDateTEdit"),
    AMOUNT("FeeAllowed"),
    RO("TaxAmt", OD_W_NUMBER),
    RO("ProvNum", OD_W_INT),
    RO("DateTP", OD_W_DATE),
    RO("ClinicNum", OD_W_INT),
    RO("CatPercUCR", OD_W_NUMBER),
};

static const struct od_filter proctp_filters[] = {
    REQ_INTF("TreatPlanNum"),
};

#define SIGNED_PLAN                                                           \
    "SELECT 1 FROM proctp p JOIN treatplan t ON t.TreatPlanNum = "           \
    "p.TreatPlanNum WHERE p.ProcTPNum = ? AND (t.Signature <> '' OR "        \
    "t.SignaturePractice <> '')"

static const struct od_check proctp_checks[] = {
    ROW_RULE(OD_OP_PUT, SIGNED_PLAN,
             "ProcTPs on a signed TreatPlan cannot be updated."),
    ROW_RULE(OD_OP_DELETE, SIGNED_PLAN,
             "ProcTPs on a signed TreatPlan cannot be deleted."),
};

const struct od_resource od_res_proctps = {
    .name = "proctps", .table = "proctp", .pk = "ProcTPNum",
    .joins = JOIN_PRIORITY,
    OD_LIST(fields, proctp_fields),
    OD_LIST(filters, proctp_filters),
    .order = "t.ItemOrder, t.ProcTPNum",
    .ops = OD_OP_GET_LIST | OD_OP_PUT | OD_OP_DELETE,
    .write_perm = ODAPI_PERM_ALL_OTHERS, .missing = "ProcTP not found.",
    .patnum_col = "PatNum",
    SECLOG("ProcTP", 0, PERM_TREATPLAN_EDIT, PERM_TREATPLAN_EDIT),
    OD_LIST(checks, proctp_checks),
};
