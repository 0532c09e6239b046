/* medical.c - the medical history and patient-record resources as descriptions
 * (apipermissions.html, the resources' api*.html pages): allergies,
 * allergydefs, diseases, diseasedefs, medications, medicationpats, recalls,
 * recalltypes, apptfields, patfields, refattaches, referrals. Field order is
 * Open Dental's; lower-case names are derived, read-only companions. Choices
 * Open Dental's docs leave open are in docs/resources.md. */
#include "resources/shorthand-internal.h"

#include <ctype.h>
#include <string.h>

/* EnumPermType values used in securitylog (GroupPermission.cs). */
enum {
    PERM_REFERRAL_ADD = 54, PERM_REFATTACH_ADD = 56, PERM_REFATTACH_DELETE = 57,
    PERM_PROBLEM_DEF_EDIT = 63, PERM_PAT_PROBLEM_EDIT = 71,
    PERM_PAT_MEDICATION_EDIT = 72, PERM_PAT_ALLERGY_EDIT = 73,
    PERM_PATIENT_FIELD_EDIT = 80, PERM_REFERRAL_EDIT = 130,
    PERM_RECALL_EDIT = 156, PERM_MEDICATION_DEF_EDIT = 214,
    PERM_ALLERGY_DEF_EDIT = 215
};

/* Enums only these resources use (Open Dental's C# enums). */
ENUM_TABLE(enum_snomed, "SnomedType", "None", "AllergyToSubstance",
           "DrugAllergy", "DrugIntolerance", "FoodAllergy", "FoodIntolerance",
           "AdverseReactions", "AdverseReactionsToDrug",
           "AdverseReactionsToFood", "AdverseReactionsToSubstance");
ENUM_TABLE(enum_probstatus, "ProbStatus", "Active", "Resolved", "Inactive");
ENUM_TABLE(enum_recallprio, "Priority", "Normal", "ASAP");
ENUM_TABLE(enum_reftype, "ReferralType", "RefTo", "RefFrom", "RefCustom");
ENUM_TABLE(enum_reftostatus, "RefToStatus", "None", "Declined", "Scheduled",
           "Consulted", "InTreatment", "Complete");

/* Digits only (Telephone: 10 digits without punctuation). */
static int check_digits(const char *s)
{
    for (; *s; s++)
        if (!isdigit((unsigned char)*s))
            return 0;
    return 1;
}

/* ---- Interval (recall intervals) ------------------------------------------
 * Open Dental stores an Interval as one int: years << 24 | months << 16 |
 * weeks << 8 | days, and writes it as "1y2m3w4d" without the zero parts. */
#define INTERVAL_TEXT(c)                                                     \
    "CONCAT(IF(" c " >> 24, CONCAT(" c " >> 24, 'y'), ''), "                \
    "IF((" c " >> 16) & 255, CONCAT((" c " >> 16) & 255, 'm'), ''), "       \
    "IF((" c " >> 8) & 255, CONCAT((" c " >> 8) & 255, 'w'), ''), "         \
    "IF(" c " & 255, CONCAT(" c " & 255, 'd'), ''))"
#define INTERVAL_PART(u)                                                     \
    "COALESCE(CAST(REGEXP_SUBSTR(REGEXP_SUBSTR(x.s, '[0-9]+" u "'), "        \
    "'[0-9]+') AS UNSIGNED), 0)"
/* "6m" -> its int; no row (400 "RecallInterval is invalid.") otherwise */
#define INTERVAL_PARSE                                                       \
    "SELECT (i.y << 24) | (i.m << 16) | (i.w << 8) | i.d FROM (SELECT "     \
    INTERVAL_PART("y") " AS y, " INTERVAL_PART("m") " AS m, "               \
    INTERVAL_PART("w") " AS w, " INTERVAL_PART("d") " AS d FROM (SELECT ? " \
    "AS s) x WHERE x.s REGEXP BINARY '^([0-9]{1,3}y)?([0-9]{1,3}m)?"        \
    "([0-9]{1,3}w)?([0-9]{1,3}d)?$') i WHERE i.y < 128 AND i.m < 256 AND "  \
    "i.w < 256 AND i.d < 256"

/* ---- allergies ------------------------------------------------------------ */

static const struct od_field allergy_fields[] = {
    KEY("AllergyNum"),
    FKEY("AllergyDefNum", OD_F_NOPUT,
         "SELECT 1 FROM allergydef WHERE AllergyDefNum = ?"),
    PATNUM_OWNER,
    DERIVED("defDescription", "COALESCE(ad.Description, '')"),
    {.name = "defSnomedType", .expr = "COALESCE(ad.SnomedType, 0)",
     .wire = OD_W_ENUM, .enm = &enum_snomed, .flags = OD_F_RO},
    TXT("Reaction", 0, 0),
    {.name = "StatusIsActive", .wire = OD_W_BOOL, .dflt = "true"},
    FLD("DateAdverseReaction", OD_W_DATE, 0),
};

static const struct od_filter allergy_filters[] = {
    REQ_INTF("PatNum"),
};

static const struct od_lookup allergy_lookups[] = {
    /* AllergyDefs.GetByDescriptionForApi: Description LIKE the text (any
     * case); none: Open Dental "handles insertion of AllergyDef
     * automatically" (a new, shown definition of that description) */
    {.input = "defDescription", .target = "AllergyDefNum",
     .sql = "SELECT AllergyDefNum FROM allergydef WHERE Description = ? "
            "ORDER BY IsHidden, AllergyDefNum LIMIT 1",
     .flags = OD_LK_REQ,
     .create = "INSERT INTO allergydef (Description, IsHidden, SnomedType, "
               "MedicationNum, UniiCode) VALUES (?, 0, 0, 0, '')",
     .create_col = "allergydef.Description"},
};

static const struct od_check allergy_checks[] = {
    ZERO_INVALID(OD_OP_POST, "AllergyDefNum"),
};

const struct od_resource od_res_allergies = {
    .name = "allergies", .table = "allergy", .pk = "AllergyNum",
    .joins = "LEFT JOIN allergydef ad ON ad.AllergyDefNum = t.AllergyDefNum",
    OD_LIST(fields, allergy_fields),
    OD_LIST(filters, allergy_filters),
    .ops = OD_OPS_LIST_CRUD,
    .write_perm = ODAPI_PERM_ALL_OTHERS, .missing = "Allergy not found.",
    SECLOG_ALL("Allergy", PERM_PAT_ALLERGY_EDIT),
    .patnum_col = "PatNum",
    OD_LIST(lookups, allergy_lookups),
    OD_LIST(checks, allergy_checks),
};

/* ---- allergydefs ---------------------------------------------------------- */

static const struct od_field allergydef_fields[] = {
    KEY("AllergyDefNum"),
    TXT("Description", OD_F_REQ, 0),
    FLD("IsHidden", OD_W_BOOL, 0),
    STAMP("DateTStamp"),
    ENM("SnomedType", &enum_snomed, 0, NULL),
    FKEY("MedicationNum", 0,
         "SELECT 1 FROM medication WHERE MedicationNum = ?"),
    TXT("UniiCode", 0, 0),
};

static const struct od_check allergydef_checks[] = {
    POST_UNIQUE("allergydef", "Description",
                "An AllergyDef with that name already exists"),
};

const struct od_resource od_res_allergydefs = {
    .name = "allergydefs", .table = "allergydef", .pk = "AllergyDefNum",
    OD_LIST(fields, allergydef_fields),
    .ops = OD_OP_GET_LIST | OD_OP_POST,
    .write_perm = ODAPI_PERM_SETUP, .missing = "AllergyDef not found.",
    SECLOG("AllergyDef", PERM_ALLERGY_DEF_EDIT, 0, 0),
    OD_LIST(checks, allergydef_checks),
};

/* ---- diseasedefs ---------------------------------------------------------- */

static const struct od_field diseasedef_fields[] = {
    KEY("DiseaseDefNum"),
    TXT("DiseaseName", OD_F_REQ, 0),
    FLD("IsHidden", OD_W_BOOL, 0),
    STAMP("DateTStamp"),
    TXT("SnomedCode", 0, 0),
};

static const struct od_check diseasedef_checks[] = {
    POST_UNIQUE("diseasedef", "DiseaseName",
                "A DiseaseDef with that name already exists"),
};

const struct od_resource od_res_diseasedefs = {
    .name = "diseasedefs", .table = "diseasedef", .pk = "DiseaseDefNum",
    OD_LIST(fields, diseasedef_fields),
    .ops = OD_OPS_GET | OD_OP_POST,
    .order = "t.ItemOrder, t.DiseaseDefNum",
    .write_perm = ODAPI_PERM_SETUP, .missing = "DiseaseDef not found.",
    SECLOG("DiseaseDef", PERM_PROBLEM_DEF_EDIT, 0, 0),
    OD_LIST(checks, diseasedef_checks),
    /* a new problem goes to the end of the list */
    .after_insert = "UPDATE diseasedef d JOIN (SELECT COALESCE(MAX(ItemOrder)"
                    ", 0) + 1 AS n, COUNT(*) AS c FROM diseasedef WHERE "
                    "DiseaseDefNum <> ?) m SET d.ItemOrder = IF(m.c = 0, 0, "
                    "m.n) WHERE d.DiseaseDefNum = ?",
};

/* ---- diseases ------------------------------------------------------------- */

static const struct od_field disease_fields[] = {
    KEY("DiseaseNum"),
    PATNUM_OWNER,
    FKEY("DiseaseDefNum", OD_F_NOPUT,
         "SELECT 1 FROM diseasedef WHERE DiseaseDefNum = ?"),
    DERIVED("diseaseDefName", "COALESCE(dd.DiseaseName, '')"),
    TXT("PatNote", 0, 0),
    ENM("ProbStatus", &enum_probstatus, 0, NULL),
    FLD("DateStart", OD_W_DATE, 0),
    FLD("DateStop", OD_W_DATE, 0),
};

static const struct od_filter disease_filters[] = {
    INTF("PatNum"),
};

static const struct od_lookup disease_lookups[] = {
    {.input = "diseaseDefName", .target = "DiseaseDefNum",
     .sql = "SELECT DiseaseDefNum FROM diseasedef WHERE DiseaseName = ? "
            "ORDER BY IsHidden, ItemOrder, DiseaseDefNum LIMIT 1",
     .flags = OD_LK_REQ},
};

static const struct od_check disease_checks[] = {
    ZERO_INVALID(OD_OP_POST, "DiseaseDefNum"),
};

const struct od_resource od_res_diseases = {
    .name = "diseases", .table = "disease", .pk = "DiseaseNum",
    .joins = "LEFT JOIN diseasedef dd ON dd.DiseaseDefNum = t.DiseaseDefNum",
    OD_LIST(fields, disease_fields),
    OD_LIST(filters, disease_filters),
    .ops = OD_OPS_CRUD,
    .write_perm = ODAPI_PERM_ALL_OTHERS, .missing = "Disease not found.",
    SECLOG_ALL("Disease", PERM_PAT_PROBLEM_EDIT),
    .patnum_col = "PatNum",
    OD_LIST(lookups, disease_lookups),
    OD_LIST(checks, disease_checks),
};

/* ---- medications ---------------------------------------------------------- */

static const struct od_field medication_fields[] = {
    KEY("MedicationNum"),
    TXT("MedName", OD_F_REQ, 0),
    FKEY("GenericNum", 0, "SELECT 1 FROM medication WHERE MedicationNum = ?"),
    /* a generic medication is its own generic */
    DERIVED("genericName", "COALESCE(g.MedName, t.MedName)"),
    TXT("Notes", 0, 0),
    /* a date in Open Dental's example, though the column is a timestamp */
    {.name = "DateTStamp", .wire = OD_W_DATE, .flags = OD_F_RO | OD_F_STAMP},
};

static const struct od_lookup medication_lookups[] = {
    {.input = "genericName", .target = "GenericNum",
     .sql = "SELECT MedicationNum FROM medication WHERE MedName = ? AND "
            "(GenericNum = MedicationNum OR GenericNum = 0) ORDER BY "
            "MedicationNum LIMIT 1"},
};

static const struct od_check medication_checks[] = {
    POST_UNIQUE("medication", "MedName",
                "A Medication with that MedName already exists."),
};

const struct od_resource od_res_medications = {
    .name = "medications", .table = "medication", .pk = "MedicationNum",
    .joins = "LEFT JOIN medication g ON g.MedicationNum = t.GenericNum",
    OD_LIST(fields, medication_fields),
    .ops = OD_OP_GET_LIST | OD_OP_POST,
    .write_perm = ODAPI_PERM_SETUP, .missing = "Medication not found.",
    SECLOG("Medication", PERM_MEDICATION_DEF_EDIT, 0, 0),
    OD_LIST(lookups, medication_lookups),
    OD_LIST(checks, medication_checks),
    .after_insert = "UPDATE medication SET GenericNum = MedicationNum WHERE "
                    "MedicationNum = ? AND GenericNum = 0",
};

/* ---- medicationpats ------------------------------------------------------- */

static const struct od_field medicationpat_fields[] = {
    KEY("MedicationPatNum"),
    /* a string in Open Dental's example */
    FLD("PatNum", OD_W_INT_STR, OD_F_REQ | OD_F_NOPUT),
    /* the medication's name; MedDescript for one not in the list */
    DERIVED("medName", "COALESCE(m.MedName, t.MedDescript)"),
    FKEY("MedicationNum", OD_F_NOPUT,
         "SELECT 1 FROM medication WHERE MedicationNum = ?"),
    TXT("PatNote", 0, 0),
    FLD("DateStart", OD_W_DATE, 0),
    FLD("DateStop", OD_W_DATE, 0),
    FKEY("ProvNum", 0, FK_PROV),
};

static const struct od_filter medicationpat_filters[] = {
    INTF("PatNum"),
};

static const struct od_lookup medicationpat_lookups[] = {
    {.input = "medName", .target = "MedicationNum",
     .sql = "SELECT MedicationNum FROM medication WHERE MedName = ? ORDER BY "
            "MedicationNum LIMIT 1", .flags = OD_LK_REQ},
};

static const struct od_check medicationpat_checks[] = {
    ZERO_INVALID(OD_OP_POST, "MedicationNum"),
};

const struct od_resource od_res_medicationpats = {
    .name = "medicationpats", .table = "medicationpat",
    .pk = "MedicationPatNum",
    .joins = "LEFT JOIN medication m ON m.MedicationNum = t.MedicationNum",
    OD_LIST(fields, medicationpat_fields),
    OD_LIST(filters, medicationpat_filters),
    .ops = OD_OPS_LIST_CRUD,
    .write_perm = ODAPI_PERM_ALL_OTHERS, .missing = "MedicationPat not found.",
    SECLOG_ALL("MedicationPat", PERM_PAT_MEDICATION_EDIT),
    .patnum_col = "PatNum",
    OD_LIST(lookups, medicationpat_lookups),
    OD_LIST(checks, medicationpat_checks),
};

/* ---- recalltypes ---------------------------------------------------------- */

static const struct od_field recalltype_fields[] = {
    KEY("RecallTypeNum"),
    TXT("Description", OD_F_RO, 0),
    DERIVED("DefaultInterval", INTERVAL_TEXT("t.DefaultInterval")),
    TXT("TimePattern", OD_F_RO, 0),
    TXT("Procedures", OD_F_RO, 0),
    FLD("AppendToSpecial", OD_W_BOOL, OD_F_RO),
};

const struct od_resource od_res_recalltypes = {
    .name = "recalltypes", .table = "recalltype", .pk = "RecallTypeNum",
    OD_LIST(fields, recalltype_fields),
    .ops = OD_OPS_GET,
    .missing = "RecallType not found.",
};

/* ---- recalls -------------------------------------------------------------- */

static const struct od_field recall_fields[] = {
    KEY("RecallNum"),
    PATNUM_OWNER,
    FLD("DateDue", OD_W_DATE, 0),
    FLD("DatePrevious", OD_W_DATE, OD_F_RO),
    /* written through the converting lookup below */
    DERIVED("RecallInterval", INTERVAL_TEXT("t.RecallInterval")),
    FKEY("RecallStatus", 0, FK_DEF(13)),
    DEFNAME("recallStatus", "rs"),
    TXT("Note", 0, 0),
    FLD("IsDisabled", OD_W_BOOL, 0),
    STAMP("DateTStamp"),
    FLD("RecallTypeNum", OD_W_INT, OD_F_REQ | OD_F_NOPUT),
    FLD("DisableUntilBalance", OD_W_NUMBER, 0),
    FLD("DisableUntilDate", OD_W_DATE, 0),
    FLD("DateScheduled", OD_W_DATE, OD_F_RO),
    ENM("Priority", &enum_recallprio, 0, NULL),
    CHK("TimePatternOverride", 0, 0, od_check_pattern),
};

static const struct od_filter recall_filters[] = {
    INTF("PatNum"),
    INTF("RecallTypeNum"),
    SINCEF("DateTStamp"),
};

static const struct od_lookup recall_lookups[] = {
    {.input = "RecallInterval", .target = "RecallInterval",
     .sql = INTERVAL_PARSE},
    {.input = "recallStatus", .target = "RecallStatus",
     .sql = DEF_BY_NAME(13)},
};

static const struct od_sqldefault recall_defaults[] = {
    {.field = "RecallInterval",
     .sql = "SELECT DefaultInterval FROM recalltype WHERE "
            "RecallTypeNum = ?", .param = "RecallTypeNum"},
};

static const struct od_check recall_checks[] = {
    POST_VALID("recalltype", "RecallTypeNum"),
    POST_UNIQUE2("recall", "PatNum", "RecallTypeNum",
                 "The patient already has a recall of this RecallType."),
};

const struct od_resource od_res_recalls = {
    .name = "recalls", .table = "recall", .pk = "RecallNum",
    .joins = "LEFT JOIN definition rs ON rs.DefNum = t.RecallStatus",
    OD_LIST(fields, recall_fields),
    OD_LIST(filters, recall_filters),
    .ops = OD_OPS_LIST_CRU,
    .write_perm = ODAPI_PERM_ALL_OTHERS, .missing = "Recall not found.",
    .patnum_col = "PatNum",
    SECLOG("Recall", PERM_RECALL_EDIT, PERM_RECALL_EDIT, 0),
    OD_LIST(sqldefaults, recall_defaults),
    OD_LIST(lookups, recall_lookups),
    OD_LIST(checks, recall_checks),
};

/* ---- apptfields ----------------------------------------------------------- */

static const struct od_field apptfield_fields[] = {
    TXT("FieldName", OD_F_REQ, 0),
    FLD("AptNum", OD_W_INT, OD_F_REQ),
    TXT("FieldValue", 0, 0),
};

static const struct od_filter apptfield_filters[] = {
    REQ_INTF("AptNum"),
    {.param = "FieldName", .cond = "t.FieldName = ?", .wire = OD_W_TEXT,
     .flags = OD_Q_REQ},
};

static const struct od_check apptfield_checks[] = {
    VALUE_RULE(OD_OP_POST | OD_OP_PUT, "? IS NULL", "?FieldValue",
               "FieldValue is required."),
    POST_FOUND("appointment", "AptNum", "Appointment"),
    POST_VALID("apptfielddef", "FieldName"),
};

const struct od_resource od_res_apptfields = {
    .name = "apptfields", .table = "apptfield", .pk = "ApptFieldNum",
    OD_LIST(fields, apptfield_fields),
    OD_LIST(filters, apptfield_filters),
    .ops = OD_OP_GET_LIST, .list_single = 1,
    .upsert_keys = "AptNum,FieldName",
    .write_perm = ODAPI_PERM_COMM, .missing = "ApptField not found.",
    OD_LIST(checks, apptfield_checks),
};

/* ---- patfields ------------------------------------------------------------ */

static const struct od_field patfield_fields[] = {
    KEY("PatFieldNum"),
    FLD("PatNum", OD_W_INT, OD_F_REQ),
    TXT("FieldName", OD_F_REQ, 0),
    TXT("FieldValue", OD_F_REQ, 0),
    SECDATEENTRY,
    STAMP("SecDateTEdit"),
};

static const struct od_filter patfield_filters[] = {
    INTF("PatNum"),
    EQF("FieldName", OD_W_TEXT),
    SINCEF("SecDateTEdit"),
};

static const struct od_check patfield_checks[] = {
    POST_VALID("patfielddef", "FieldName"),
    POST_UNIQUE2("patfield", "PatNum", "FieldName",
                 "A PatField with that FieldName already exists for this "
                 "patient."),
};

const struct od_resource od_res_patfields = {
    .name = "patfields", .table = "patfield", .pk = "PatFieldNum",
    OD_LIST(fields, patfield_fields),
    OD_LIST(filters, patfield_filters),
    .ops = OD_OPS_GET | OD_OP_POST | OD_OP_DELETE,
    .upsert_keys = "PatNum,FieldName",
    .write_perm = ODAPI_PERM_ALL_OTHERS, .missing = "PatField not found.",
    SECLOG_ALL("PatField", PERM_PATIENT_FIELD_EDIT),
    .patnum_col = "PatNum",
    OD_LIST(checks, patfield_checks),
};

/* ---- referrals ------------------------------------------------------------ */

#define REFERRAL_NAME(a)                                                     \
    "CONCAT(" a ".LName, IF(" a ".FName = '', '', CONCAT(', ', " a           \
    ".FName)))"

static const struct od_field referral_fields[] = {
    KEY("ReferralNum"),
    TXT("LName", OD_F_REQ | OD_F_NOCLEAR, 0),
    TXT("FName", 0, 0),
    TXT("MName", 0, 0),
    {.name = "SSN", .wire = OD_W_TEXT, .check = check_digits},
    FLD("UsingTIN", OD_W_BOOL, 0),
    FKEY("Specialty", 0, FK_DEF(35)),
    DEFNAME("specialty", "sp"),
    {.name = "ST", .wire = OD_W_TEXT, .check = od_check_state},
    {.name = "Telephone", .wire = OD_W_TEXT, .check = check_digits},
    TXT("Address", 0, 0),
    TXT("City", 0, 0),
    TXT("Zip", 0, 0),
    TXT("Note", 0, 0),
    FLD("IsHidden", OD_W_BOOL, 0),
    FLD("NotPerson", OD_W_BOOL, 0),
    TXT("Title", 0, 0),
    TXT("EMail", 0, 0),
    FKEY("PatNum", OD_F_NOPUT, FK_PAT),
    FLD("IsDoctor", OD_W_BOOL, 0),
    STAMP("DateTStamp"),
    FLD("IsPreferred", OD_W_BOOL, OD_F_RO),
    TXT("BusinessName", 0, 0),
    TXT("DisplayNote", 0, 0),
    EXPR("isPatient", "t.PatNum <> 0", OD_W_BOOL),
};

static const struct od_filter referral_filters[] = {
    EQF("IsHidden", OD_W_BOOL),
    EQF("NotPerson", OD_W_BOOL),
    EQF("IsDoctor", OD_W_BOOL),
    EQF("IsPreferred", OD_W_BOOL),
    {.param = "isPatient", .cond = "(t.PatNum <> 0) = ?", .wire = OD_W_BOOL},
    CONTAINSF("BusinessName"),
};

static const struct od_lookup referral_lookups[] = {
    {.input = "specialty", .target = "Specialty", .sql = DEF_BY_NAME(35)},
};

const struct od_resource od_res_referrals = {
    .name = "referrals", .table = "referral", .pk = "ReferralNum",
    .joins = "LEFT JOIN definition sp ON sp.DefNum = t.Specialty",
    OD_LIST(fields, referral_fields),
    OD_LIST(filters, referral_filters),
    .ops = OD_OPS_CRU,
    .write_perm = ODAPI_PERM_ALL_OTHERS, .missing = "Referral not found.",
    SECLOG("Referral", PERM_REFERRAL_ADD, PERM_REFERRAL_EDIT, 0),
    OD_LIST(lookups, referral_lookups),
};

/* ---- refattaches ---------------------------------------------------------- */

static const struct od_field refattach_fields[] = {
    KEY("RefAttachNum"),
    FKEY("ReferralNum", 0, "SELECT 1 FROM referral WHERE ReferralNum = ?"),
    DERIVED("referralName", "COALESCE(" REFERRAL_NAME("rf") ", '')"),
    PATNUM_OWNER,
    FLD("ItemOrder", OD_W_INT, OD_F_RO),
    FLD("RefDate", OD_W_DATE, 0),
    {.name = "ReferralType", .wire = OD_W_ENUM, .enm = &enum_reftype,
     .dflt = "RefFrom", .col = "RefType"},
    ENM("RefToStatus", &enum_reftostatus, 0, NULL),
    TXT("Note", 0, 0),
    FLD("IsTransitionOfCare", OD_W_BOOL, 0),
    FKEY("ProcNum", 0, FK_PROC),
    FLD("DateProcComplete", OD_W_DATE, 0),
    FKEY("ProvNum", 0, FK_PROV),
    STAMP("DateTStamp"),
};

static const struct od_filter refattach_filters[] = {
    INTF("PatNum"),
    SINCEF("DateTStamp"),
};

static const struct od_lookup refattach_lookups[] = {
    /* "LName, FName" as in referralName, or a BusinessName */
    {.input = "referralName", .target = "ReferralNum",
     .sql = "SELECT r.ReferralNum FROM referral r JOIN (SELECT ? AS s) x ON "
            REFERRAL_NAME("r") " = x.s OR (r.BusinessName <> '' AND "
            "r.BusinessName = x.s) ORDER BY r.IsHidden, r.ReferralNum LIMIT 1",
     .flags = OD_LK_REQ},
};

static const struct od_sqldefault refattach_defaults[] = {
    {.field = "ItemOrder",
     .sql = "SELECT COALESCE(MAX(ItemOrder), 0) + 1 FROM refattach "
            "WHERE PatNum = ?", .param = "PatNum"},
    {.field = "RefDate", .sql = "SELECT DATE_FORMAT(CURDATE(), '%Y-%m-%d')"},
};

static const struct od_check refattach_checks[] = {
    ZERO_INVALID(OD_OP_POST, "ReferralNum"),
    ZERO_INVALID(OD_OP_PUT, "ReferralNum"),
    VALUE_RULE(OD_OP_POST,
               "? <> 0 AND NOT EXISTS (SELECT 1 FROM procedurelog WHERE "
               "ProcNum = ? AND PatNum = ?)", "?ProcNum,?ProcNum,PatNum",
               "ProcNum is not a procedure of this patient."),
    VALUE_RULE(OD_OP_PUT,
               "? <> 0 AND NOT EXISTS (SELECT 1 FROM procedurelog p JOIN "
               "refattach a ON a.PatNum = p.PatNum WHERE p.ProcNum = ? AND "
               "a.RefAttachNum = ?)", "ProcNum,ProcNum,@key",
               "ProcNum is not a procedure of this patient."),
};

const struct od_resource od_res_refattaches = {
    .name = "refattaches", .table = "refattach", .pk = "RefAttachNum",
    .joins = "LEFT JOIN referral rf ON rf.ReferralNum = t.ReferralNum",
    OD_LIST(fields, refattach_fields),
    OD_LIST(filters, refattach_filters),
    .order = "t.PatNum, t.ItemOrder, t.RefAttachNum",
    .ops = OD_OPS_LIST_CRUD,
    .write_perm = ODAPI_PERM_ALL_OTHERS, .missing = "RefAttach not found.",
    SECLOG("RefAttach", PERM_REFATTACH_ADD, PERM_REFATTACH_ADD,
           PERM_REFATTACH_DELETE),
    .patnum_col = "PatNum",
    OD_LIST(sqldefaults, refattach_defaults),
    OD_LIST(lookups, refattach_lookups),
    OD_LIST(checks, refattach_checks),
};
