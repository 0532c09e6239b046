/* coverage.c - insurance categories, code groups, discount plans and
 * substitution links as descriptions (apipermissions.html and the resources'
 * api*.html pages): covcats, covspans, codegroups, discountplans,
 * discountplansubs, substitutionlinks, over Open Dental's tables of the same
 * names (data/od-schema.sql). Field order is Open Dental's; lower-case names
 * are derived, read-only companions. Choices Open Dental's docs leave open are
 * in docs/resources.md. */
#include "resources/shorthand-internal.h"

#include <string.h>

/* EnumPermType values used in securitylog (GroupPermission.cs). */
enum {
    PERM_SETUP = 8, PERM_INS_PLAN_EDIT = 110, PERM_DISCOUNT_PLAN_ADD_DROP = 161,
    PERM_DISCOUNT_PLAN_ADD = 209, PERM_DISCOUNT_PLAN_EDIT = 210
};

/* Open Dental's EbenefitCategory, EnumCodeGroupFixed and
 * SubstitutionCondition, as the API pages list them. */
ENUM_TABLE(enum_ebenefitcat, "EbenefitCat", "None", "General", "Diagnostic",
           "Periodontics", "Restorative", "Endodontics", "MaxillofacialProsth",
           "Crowns", "Accident", "Orthodontics", "Prosthodontics",
           "OralSurgery", "RoutinePreventive", "DiagnosticXRay", "Adjunctive");
ENUM_TABLE(enum_codegroupfixed, "CodeGroupFixed", "None", "BW", "PanoFMX",
           "Exam", "Perio", "Prophy", "SRP", "FMDebride", "Fluoride",
           "Sealant");
ENUM_TABLE(enum_substonlyif, "SubstOnlyIf", "Always", "Molar", "SecondMolar",
           "Never", "Posterior");

/* ---- covcats -------------------------------------------------------------- */

static const struct od_field covcat_fields[] = {
    KEY("CovCatNum"),
    TXT("Description", OD_F_REQ | OD_F_NOCLEAR, 0),
    DFL("DefaultPercent", OD_W_INT, 0, "-1"),
    FLD("CovOrder", OD_W_INT, OD_F_NOPOST),
    FLD("IsHidden", OD_W_BOOL, 0),
    ENM("EbenefitCat", &enum_ebenefitcat, 0, NULL),
};

static const struct od_sqldefault covcat_defaults[] = {
    /* a new category goes at the end of the list */
    {.field = "CovOrder",
     .sql = "SELECT COALESCE(MAX(CovOrder) + 1, 0) FROM covcat"},
};

static const struct od_check covcat_checks[] = {
    OUT_OF_RANGE(OD_OP_POST | OD_OP_PUT, "DefaultPercent", -1, 100),
    OUT_OF_RANGE(OD_OP_PUT, "CovOrder", 0, 255),
    RULE(OD_OP_POST, "SELECT 1 FROM covcat HAVING COUNT(*) >= 256", "",
         "There can be at most 256 CovCats."),
};

const struct od_resource od_res_covcats = {
    .name = "covcats", .table = "covcat", .pk = "CovCatNum",
    OD_LIST(fields, covcat_fields),
    .order = "t.CovOrder, t.CovCatNum",
    .ops = OD_OPS_CRU,
    .write_perm = ODAPI_PERM_SETUP, .missing = "CovCat not found.",
    SECLOG("CovCat", PERM_SETUP, PERM_SETUP, 0),
    OD_LIST(sqldefaults, covcat_defaults),
    OD_LIST(checks, covcat_checks),
};

/* ---- covspans ------------------------------------------------------------- */

static const struct od_field covspan_fields[] = {
    KEY("CovSpanNum"),
    FKEY("CovCatNum", OD_F_REQ | OD_F_NOPUT,
         "SELECT 1 FROM covcat WHERE CovCatNum = ?"),
    TXT("FromCode", OD_F_REQ | OD_F_NOCLEAR, 0),
    TXT("ToCode", OD_F_REQ | OD_F_NOCLEAR, 0),
};

static const struct od_filter covspan_filters[] = {
    INTF("CovCatNum"),
};

static const struct od_check covspan_checks[] = {
    ZERO_INVALID(OD_OP_POST, "CovCatNum"),
    VALUE_RULE(OD_OP_POST, "? = '' OR ? = ''", "FromCode,ToCode",
               "FromCode and ToCode cannot be blank."),
    /* Open Dental compares the codes as strings (binary order) */
    VALUE_RULE(OD_OP_POST, "BINARY ? >= BINARY ?", "FromCode,ToCode",
               "FromCode must be less than ToCode."),
    RULE(OD_OP_PUT,
         "SELECT 1 FROM covspan WHERE CovSpanNum = ? "
         "AND BINARY COALESCE(?, FromCode) >= BINARY COALESCE(?, ToCode)",
         "@key,?FromCode,?ToCode", "FromCode must be less than ToCode."),
};

const struct od_resource od_res_covspans = {
    .name = "covspans", .table = "covspan", .pk = "CovSpanNum",
    OD_LIST(fields, covspan_fields),
    OD_LIST(filters, covspan_filters),
    .ops = OD_OPS_CRUD,
    .write_perm = ODAPI_PERM_SETUP, .missing = "CovSpan not found.",
    SECLOG_ALL("CovSpan", PERM_SETUP),
    OD_LIST(checks, covspan_checks),
};

/* ---- codegroups ----------------------------------------------------------- */

static const struct od_field codegroup_fields[] = {
    KEY("CodeGroupNum"),
    TXT("GroupName", OD_F_REQ | OD_F_NOCLEAR, 0),
    TXT("ProcCodes", 0, 0),
    FLD("ItemOrder", OD_W_INT, OD_F_RO),
    ENM("CodeGroupFixed", &enum_codegroupfixed, 0, NULL),
    FLD("IsHidden", OD_W_BOOL, 0),
    FLD("ShowInAgeLimit", OD_W_BOOL, 0),
    FLD("ShowInFrequency", OD_W_BOOL, 0),
    FLD("ShowInOther", OD_W_BOOL, 0),
};

static const struct od_sqldefault codegroup_defaults[] = {
    {.field = "ItemOrder",
     .sql = "SELECT COALESCE(MAX(ItemOrder) + 1, 0) FROM codegroup"},
};

#define CODEGROUP_HIDDEN_MSG                                                 \
    "IsHidden cannot be true when ShowInAgeLimit, ShowInFrequency or "       \
    "ShowInOther is true."

static const struct od_check codegroup_checks[] = {
    RULE(OD_OP_POST | OD_OP_PUT,
         "SELECT 1 FROM codegroup WHERE GroupName = ? AND CodeGroupNum <> ?",
         "GroupName,@key", "A CodeGroup with that GroupName already exists."),
    VALUE_RULE(OD_OP_POST,
               "COALESCE(?, 0) AND (COALESCE(?, 0) OR COALESCE(?, 0) "
               "OR COALESCE(?, 0))",
               "?IsHidden,?ShowInAgeLimit,?ShowInFrequency,?ShowInOther",
               CODEGROUP_HIDDEN_MSG),
    RULE(OD_OP_PUT,
         "SELECT 1 FROM codegroup WHERE CodeGroupNum = ? "
         "AND COALESCE(?, IsHidden) AND (COALESCE(?, ShowInAgeLimit) "
         "OR COALESCE(?, ShowInFrequency) OR COALESCE(?, ShowInOther))",
         "@key,?IsHidden,?ShowInAgeLimit,?ShowInFrequency,?ShowInOther",
         CODEGROUP_HIDDEN_MSG),
    /* the part a database without ShowInFrequency and ShowInOther (Open
     * Dental 24.3) can check: the rule above is left out there */
    RULE(OD_OP_PUT,
         "SELECT 1 FROM codegroup WHERE CodeGroupNum = ? "
         "AND COALESCE(?, IsHidden) AND COALESCE(?, ShowInAgeLimit)",
         "@key,?IsHidden,?ShowInAgeLimit", CODEGROUP_HIDDEN_MSG),
};

const struct od_resource od_res_codegroups = {
    .name = "codegroups", .table = "codegroup", .pk = "CodeGroupNum",
    OD_LIST(fields, codegroup_fields),
    .order = "t.ItemOrder, t.CodeGroupNum",
    .ops = OD_OPS_CRU,
    .write_perm = ODAPI_PERM_ALL_OTHERS, .missing = "CodeGroup not found.",
    SECLOG("CodeGroup", PERM_SETUP, PERM_SETUP, 0),
    OD_LIST(sqldefaults, codegroup_defaults),
    OD_LIST(checks, codegroup_checks),
};

/* ---- discountplans -------------------------------------------------------- */

#define FREQ(n) DFL(n, OD_W_INT, 0, "-1")

static const struct od_field discountplan_fields[] = {
    KEY("DiscountPlanNum"),
    TXT("Description", OD_F_REQ | OD_F_NOCLEAR, 0),
    FKEY("FeeSchedNum", OD_F_REQ,
         "SELECT 1 FROM feesched WHERE FeeSchedNum = ?"),
    FKEY("DefNum", OD_F_REQ, "SELECT 1 FROM definition WHERE DefNum = ? AND "
                             "Category = 1 AND ItemValue = 'dp'"),
    DEFNAME("adjustmentType", "adj"),
    FLD("IsHidden", OD_W_BOOL, 0),
    TXT("PlanNote", 0, 0),
    FREQ("ExamFreqLimit"),
    FREQ("XrayFreqLimit"),
    FREQ("ProphyFreqLimit"),
    FREQ("FluorideFreqLimit"),
    FREQ("PerioFreqLimit"),
    FREQ("LimitedExamFreqLimit"),
    FREQ("PAFreqLimit"),
    DFL("AnnualMax", OD_W_NUMBER, 0, "-1"),
};

#define FREQ_CHECK(n)                                                        \
    VALUE_RULE(OD_OP_POST | OD_OP_PUT, "? < -1 OR ? > 255", n "," n,         \
               n " is invalid.")

static const struct od_check discountplan_checks[] = {
    ZERO_INVALID(OD_OP_POST | OD_OP_PUT, "FeeSchedNum"),
    ZERO_INVALID(OD_OP_POST | OD_OP_PUT, "DefNum"),
    FREQ_CHECK("ExamFreqLimit"),
    FREQ_CHECK("XrayFreqLimit"),
    FREQ_CHECK("ProphyFreqLimit"),
    FREQ_CHECK("FluorideFreqLimit"),
    FREQ_CHECK("PerioFreqLimit"),
    FREQ_CHECK("LimitedExamFreqLimit"),
    FREQ_CHECK("PAFreqLimit"),
    INVALID_IF(OD_OP_POST | OD_OP_PUT, "? < -1", "AnnualMax"),
};

const struct od_resource od_res_discountplans = {
    .name = "discountplans", .table = "discountplan", .pk = "DiscountPlanNum",
    .joins = "LEFT JOIN definition adj ON adj.DefNum = t.DefNum",
    OD_LIST(fields, discountplan_fields),
    .ops = OD_OPS_CRU,
    .write_perm = ODAPI_PERM_ALL_OTHERS, .missing = "DiscountPlan not found.",
    SECLOG("DiscountPlan", PERM_DISCOUNT_PLAN_ADD, PERM_DISCOUNT_PLAN_EDIT, 0),
    OD_LIST(checks, discountplan_checks),
};

/* ---- discountplansubs ----------------------------------------------------- */

static const struct od_field discountplansub_fields[] = {
    KEY("DiscountSubNum"),
    FLD("DiscountPlanNum", OD_W_INT, OD_F_REQ | OD_F_NOPUT),
    /* PUT: required, and must be the subscription's own patient */
    FLD("PatNum", OD_W_INT, OD_F_REQ),
    FLD("DateEffective", OD_W_DATE, 0),
    FLD("DateTerm", OD_W_DATE, 0),
    TXT("SubNote", 0, 0),
};

static const struct od_filter discountplansub_filters[] = {
    REQ_INTF("PatNum"),
};

static const struct od_check discountplansub_checks[] = {
    POST_FOUND("discountplan", "DiscountPlanNum", "DiscountPlan"),
    POST_UNIQUE("discountplansub", "PatNum",
                "The patient is already subscribed to a DiscountPlan."),
    VALUE_RULE(OD_OP_PUT, "? IS NULL", "?PatNum", "PatNum is required."),
    MUST_EXIST(OD_OP_PUT, "patient", "PatNum", 404, "Patient not found."),
    RULE(OD_OP_PUT,
         "SELECT 1 FROM discountplansub WHERE DiscountSubNum = ? "
         "AND PatNum <> ?", "@key,PatNum",
         "PatNum does not match the DiscountPlanSub."),
    RULE(OD_OP_PUT,
         "SELECT 1 FROM discountplansub WHERE DiscountSubNum = ? "
         "AND COALESCE(?, DateTerm) > '0001-01-01' "
         "AND COALESCE(?, DateTerm) < COALESCE(?, DateEffective)",
         "@key,?DateTerm,?DateTerm,?DateEffective",
         "DateTerm cannot be before DateEffective."),
    VALUE_RULE(OD_OP_POST, "? > '0001-01-01' AND ? < ?",
               "DateTerm,DateTerm,DateEffective",
               "DateTerm cannot be before DateEffective."),
};

const struct od_resource od_res_discountplansubs = {
    .name = "discountplansubs", .table = "discountplansub",
    .pk = "DiscountSubNum",
    OD_LIST(fields, discountplansub_fields),
    OD_LIST(filters, discountplansub_filters),
    .ops = OD_OPS_LIST_CRUD,
    /* the patient's one subscription as an object (apidiscountplansubs); none:
     * 200 [] (apiimplementation.html); 404 only for a patient that does not
     * exist, the one 404 the page documents */
    .list_single = OD_SINGLE_OR_EMPTY, .list_patient = "PatNum",
    .write_perm = ODAPI_PERM_ALL_OTHERS,
    .missing = "DiscountPlanSub not found.",
    SECLOG_ALL("DiscountPlanSub", PERM_DISCOUNT_PLAN_ADD_DROP),
    .patnum_col = "PatNum",
    OD_LIST(checks, discountplansub_checks),
};

/* ---- substitutionlinks ---------------------------------------------------- */

/* The GET list writes the key as "SubstiutionLinkNum" (sic, the api*.html
 * pages); POST and PUT answer "SubstitutionLinkNum". Two descriptions of one
 * table: the list, and the writes. */
static const struct od_field substlink_list_fields[] = {
    {.name = "SubstiutionLinkNum", .expr = "t.SubstitutionLinkNum",
     .wire = OD_W_INT, .flags = OD_F_RO | OD_F_KEY,
     .col = "SubstitutionLinkNum"},
    FLD("PlanNum", OD_W_INT, OD_F_RO),
    FLD("CodeNum", OD_W_INT, OD_F_RO),
    TXT("SubstitutionCode", OD_F_RO, 0),
    ENM("SubstOnlyIf", &enum_substonlyif, OD_F_RO, NULL),
};

static const struct od_filter substlink_filters[] = {
    INTF("PlanNum"),
};

const struct od_resource od_res_substitutionlinks_list = {
    .name = "substitutionlinks", .table = "substitutionlink",
    .pk = "SubstitutionLinkNum",
    OD_LIST(fields, substlink_list_fields),
    OD_LIST(filters, substlink_filters),
    .ops = OD_OP_GET_LIST, .missing = "SubstitutionLink not found.",
};

static const struct od_field substlink_fields[] = {
    KEY("SubstitutionLinkNum"),
    FKEY("PlanNum", OD_F_REQ | OD_F_NOPUT,
         "SELECT 1 FROM insplan WHERE PlanNum = ?"),
    FKEY("CodeNum", OD_F_REQ | OD_F_NOPUT,
         "SELECT 1 FROM procedurecode WHERE CodeNum = ?"),
    TXT("SubstitutionCode", OD_F_REQ | OD_F_NOCLEAR, 0),
    ENM("SubstOnlyIf", &enum_substonlyif, OD_F_REQ, NULL),
};

static const struct od_check substlink_checks[] = {
    ZERO_INVALID(OD_OP_POST, "PlanNum"),
    ZERO_INVALID(OD_OP_POST, "CodeNum"),
    /* a ProcCode, matched case-sensitively */
    INVALID_IF(OD_OP_POST | OD_OP_PUT, "NOT EXISTS (SELECT 1 FROM "
               "procedurecode WHERE ProcCode = BINARY ?)", "SubstitutionCode"),
    POST_UNIQUE2("substitutionlink", "PlanNum", "CodeNum",
                 "A SubstitutionLink already exists for this PlanNum and "
                 "CodeNum."),
};

const struct od_resource od_res_substitutionlinks = {
    .name = "substitutionlinks", .table = "substitutionlink",
    .pk = "SubstitutionLinkNum",
    OD_LIST(fields, substlink_fields),
    .ops = OD_OP_POST | OD_OP_PUT | OD_OP_DELETE,
    .write_perm = ODAPI_PERM_ALL_OTHERS,
    .missing = "SubstitutionLink not found.",
    SECLOG_ALL("SubstitutionLink", PERM_INS_PLAN_EDIT),
    OD_LIST(checks, substlink_checks),
};
