/* coverage.c - insurance categories, code groups, discount plans and
 * substitution links as descriptions (spec 2.4 and Appendix A): covcats,
 * covspans, codegroups, discountplans, discountplansubs, substitutionlinks,
 * over Open Dental's tables of the same names (data/od-schema.sql). Field
 * order is the spec's; lower-case names are derived, read-only companions.
 * Choices the spec leaves open are in docs/resources.md. */
#include "engine/describe-internal.h"

#include <string.h>

/* EnumPermType values used in securitylog (opendental-schema.md 4). */
enum {
    PERM_SETUP = 8, PERM_INS_PLAN_EDIT = 110, PERM_DISCOUNT_PLAN_ADD_DROP = 161,
    PERM_DISCOUNT_PLAN_ADD = 209, PERM_DISCOUNT_PLAN_EDIT = 210
};

/* Field shorthands: {name, expr, wire, enum, flags, default, maxlen,
 * defcat, col, check, fk}. */
#define KEY(n) {n, NULL, OD_W_INT, NULL, OD_F_RO | OD_F_KEY, NULL, 0, 0, NULL}
#define FLD(n, w, fl) {n, NULL, w, NULL, fl, NULL, 0, 0, NULL}
#define DFL(n, w, fl, d) {n, NULL, w, NULL, fl, d, 0, 0, NULL}
#define TXT(n, fl, max) {n, NULL, OD_W_TEXT, NULL, fl, NULL, max, 0, NULL}
#define ENM(n, e, fl, d) {n, NULL, OD_W_ENUM, e, fl, d, 0, 0, NULL}
#define FKEY(n, fl, sql) {n, NULL, OD_W_INT, NULL, fl, NULL, 0, 0, NULL, NULL, sql}
#define DERIVED(n, e) {n, e, OD_W_TEXT, NULL, OD_F_RO, NULL, 0, 0, NULL}

#define ENUM_TABLE(var, label, ...)                                          \
    static const char *const var##_names[] = {__VA_ARGS__};                  \
    static const struct od_enum var = {label, 0, OD_N(var##_names), var##_names}

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

/* A required key that names no row: 0 passes the fk rule, so refuse it. */
#define ZERO_INVALID(ops, name) \
    {ops, "SELECT 1 FROM DUAL WHERE ? = 0", name, 400, name " is invalid."}
/* An int outside [lo, hi]. */
#define RANGE(name, lo, hi)                                                  \
    {OD_OP_POST | OD_OP_PUT, "SELECT 1 FROM DUAL WHERE ? NOT BETWEEN " #lo    \
     " AND " #hi, name, 400, name " is invalid."}

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
    {"CovOrder", "SELECT COALESCE(MAX(CovOrder) + 1, 0) FROM covcat", NULL},
};

static const struct od_check covcat_checks[] = {
    RANGE("DefaultPercent", -1, 100),
    {OD_OP_PUT, "SELECT 1 FROM DUAL WHERE ? NOT BETWEEN 0 AND 255",
     "CovOrder", 400, "CovOrder is invalid."},
    {OD_OP_POST, "SELECT 1 FROM covcat HAVING COUNT(*) >= 256", "", 400,
     "There can be at most 256 CovCats."},
};

const struct od_resource od_res_covcats = {
    .name = "covcats", .table = "covcat", .pk = "CovCatNum",
    .fields = covcat_fields, .nfields = OD_N(covcat_fields),
    .order = "t.CovOrder, t.CovCatNum",
    .ops = OD_OP_GET_ONE | OD_OP_GET_LIST | OD_OP_POST | OD_OP_PUT,
    .write_perm = ODAPI_PERM_SETUP, .missing = "CovCat not found.",
    .perm_create = PERM_SETUP, .perm_edit = PERM_SETUP, .log_noun = "CovCat",
    .sqldefaults = covcat_defaults, .nsqldefaults = OD_N(covcat_defaults),
    .checks = covcat_checks, .nchecks = OD_N(covcat_checks),
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
    {"CovCatNum", "t.CovCatNum = ?", OD_W_INT, NULL, 0, 0, NULL},
};

static const struct od_check covspan_checks[] = {
    ZERO_INVALID(OD_OP_POST, "CovCatNum"),
    {OD_OP_POST, "SELECT 1 FROM DUAL WHERE ? = '' OR ? = ''",
     "FromCode,ToCode", 400, "FromCode and ToCode cannot be blank."},
    /* Open Dental compares the codes as strings (binary order) */
    {OD_OP_POST, "SELECT 1 FROM DUAL WHERE BINARY ? >= BINARY ?",
     "FromCode,ToCode", 400, "FromCode must be less than ToCode."},
    {OD_OP_PUT, "SELECT 1 FROM covspan WHERE CovSpanNum = ? AND "
                "BINARY COALESCE(?, FromCode) >= BINARY COALESCE(?, ToCode)",
     "@key,?FromCode,?ToCode", 400, "FromCode must be less than ToCode."},
};

const struct od_resource od_res_covspans = {
    .name = "covspans", .table = "covspan", .pk = "CovSpanNum",
    .fields = covspan_fields, .nfields = OD_N(covspan_fields),
    .filters = covspan_filters, .nfilters = OD_N(covspan_filters),
    .ops = OD_OP_GET_ONE | OD_OP_GET_LIST | OD_OP_POST | OD_OP_PUT |
           OD_OP_DELETE,
    .write_perm = ODAPI_PERM_SETUP, .missing = "CovSpan not found.",
    .perm_create = PERM_SETUP, .perm_edit = PERM_SETUP,
    .perm_delete = PERM_SETUP, .log_noun = "CovSpan",
    .checks = covspan_checks, .nchecks = OD_N(covspan_checks),
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
    {"ItemOrder", "SELECT COALESCE(MAX(ItemOrder) + 1, 0) FROM codegroup",
     NULL},
};

#define CODEGROUP_HIDDEN_MSG                                                 \
    "IsHidden cannot be true when ShowInAgeLimit, ShowInFrequency or "       \
    "ShowInOther is true."

static const struct od_check codegroup_checks[] = {
    {OD_OP_POST | OD_OP_PUT, "SELECT 1 FROM codegroup WHERE GroupName = ? "
                             "AND CodeGroupNum <> ?", "GroupName,@key", 400,
     "A CodeGroup with that GroupName already exists."},
    {OD_OP_POST, "SELECT 1 FROM DUAL WHERE COALESCE(?, 0) AND "
                 "(COALESCE(?, 0) OR COALESCE(?, 0) OR COALESCE(?, 0))",
     "?IsHidden,?ShowInAgeLimit,?ShowInFrequency,?ShowInOther", 400,
     CODEGROUP_HIDDEN_MSG},
    {OD_OP_PUT, "SELECT 1 FROM codegroup WHERE CodeGroupNum = ? AND "
                "COALESCE(?, IsHidden) AND (COALESCE(?, ShowInAgeLimit) OR "
                "COALESCE(?, ShowInFrequency) OR COALESCE(?, ShowInOther))",
     "@key,?IsHidden,?ShowInAgeLimit,?ShowInFrequency,?ShowInOther", 400,
     CODEGROUP_HIDDEN_MSG},
    /* the part a database without ShowInFrequency and ShowInOther (Open
     * Dental 24.3) can check: the rule above is left out there */
    {OD_OP_PUT, "SELECT 1 FROM codegroup WHERE CodeGroupNum = ? AND "
                "COALESCE(?, IsHidden) AND COALESCE(?, ShowInAgeLimit)",
     "@key,?IsHidden,?ShowInAgeLimit", 400, CODEGROUP_HIDDEN_MSG},
};

const struct od_resource od_res_codegroups = {
    .name = "codegroups", .table = "codegroup", .pk = "CodeGroupNum",
    .fields = codegroup_fields, .nfields = OD_N(codegroup_fields),
    .order = "t.ItemOrder, t.CodeGroupNum",
    .ops = OD_OP_GET_ONE | OD_OP_GET_LIST | OD_OP_POST | OD_OP_PUT,
    .write_perm = ODAPI_PERM_ALL_OTHERS, .missing = "CodeGroup not found.",
    .perm_create = PERM_SETUP, .perm_edit = PERM_SETUP,
    .log_noun = "CodeGroup",
    .sqldefaults = codegroup_defaults, .nsqldefaults = OD_N(codegroup_defaults),
    .checks = codegroup_checks, .nchecks = OD_N(codegroup_checks),
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
    DERIVED("adjustmentType", "COALESCE(adj.ItemName, '')"),
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
    {OD_OP_POST | OD_OP_PUT, "SELECT 1 FROM DUAL WHERE ? < -1 OR ? > 255",    \
     n "," n, 400, n " is invalid."}

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
    {OD_OP_POST | OD_OP_PUT, "SELECT 1 FROM DUAL WHERE ? < -1", "AnnualMax",
     400, "AnnualMax is invalid."},
};

const struct od_resource od_res_discountplans = {
    .name = "discountplans", .table = "discountplan", .pk = "DiscountPlanNum",
    .joins = "LEFT JOIN definition adj ON adj.DefNum = t.DefNum",
    .fields = discountplan_fields, .nfields = OD_N(discountplan_fields),
    .ops = OD_OP_GET_ONE | OD_OP_GET_LIST | OD_OP_POST | OD_OP_PUT,
    .write_perm = ODAPI_PERM_ALL_OTHERS, .missing = "DiscountPlan not found.",
    .perm_create = PERM_DISCOUNT_PLAN_ADD,
    .perm_edit = PERM_DISCOUNT_PLAN_EDIT, .log_noun = "DiscountPlan",
    .checks = discountplan_checks, .nchecks = OD_N(discountplan_checks),
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
    {"PatNum", "t.PatNum = ?", OD_W_INT, NULL, OD_Q_REQ, 0, NULL},
};

static const struct od_check discountplansub_checks[] = {
    {OD_OP_POST, "SELECT 1 FROM DUAL WHERE NOT EXISTS (SELECT 1 FROM "
                 "discountplan WHERE DiscountPlanNum = ?)", "DiscountPlanNum",
     404, "DiscountPlan not found."},
    {OD_OP_POST, "SELECT 1 FROM discountplansub WHERE PatNum = ?", "PatNum",
     400, "The patient is already subscribed to a DiscountPlan."},
    {OD_OP_PUT, "SELECT 1 FROM DUAL WHERE ? IS NULL", "?PatNum", 400,
     "PatNum is required."},
    {OD_OP_PUT, "SELECT 1 FROM DUAL WHERE NOT EXISTS (SELECT 1 FROM patient "
                "WHERE PatNum = ?)", "PatNum", 404, "Patient not found."},
    {OD_OP_PUT, "SELECT 1 FROM discountplansub WHERE DiscountSubNum = ? AND "
                "PatNum <> ?", "@key,PatNum", 400,
     "PatNum does not match the DiscountPlanSub."},
    {OD_OP_PUT,
     "SELECT 1 FROM discountplansub WHERE DiscountSubNum = ? AND "
     "COALESCE(?, DateTerm) > '0001-01-01' AND "
     "COALESCE(?, DateTerm) < COALESCE(?, DateEffective)",
     "@key,?DateTerm,?DateTerm,?DateEffective", 400,
     "DateTerm cannot be before DateEffective."},
    {OD_OP_POST, "SELECT 1 FROM DUAL WHERE ? > '0001-01-01' AND ? < ?",
     "DateTerm,DateTerm,DateEffective", 400,
     "DateTerm cannot be before DateEffective."},
};

const struct od_resource od_res_discountplansubs = {
    .name = "discountplansubs", .table = "discountplansub",
    .pk = "DiscountSubNum",
    .fields = discountplansub_fields, .nfields = OD_N(discountplansub_fields),
    .filters = discountplansub_filters,
    .nfilters = OD_N(discountplansub_filters),
    .ops = OD_OP_GET_LIST | OD_OP_POST | OD_OP_PUT | OD_OP_DELETE,
    /* the patient's one subscription as an object (apidiscountplansubs);
     * none: 200 [] (spec 3.4); 404 only for a patient that does not
     * exist, the one 404 the page documents */
    .list_single = OD_SINGLE_OR_EMPTY, .list_patient = "PatNum",
    .write_perm = ODAPI_PERM_ALL_OTHERS,
    .missing = "DiscountPlanSub not found.",
    .perm_create = PERM_DISCOUNT_PLAN_ADD_DROP,
    .perm_edit = PERM_DISCOUNT_PLAN_ADD_DROP,
    .perm_delete = PERM_DISCOUNT_PLAN_ADD_DROP, .log_noun = "DiscountPlanSub",
    .patnum_col = "PatNum",
    .checks = discountplansub_checks, .nchecks = OD_N(discountplansub_checks),
};

/* ---- substitutionlinks ---------------------------------------------------- */

/* The GET list writes the key as "SubstiutionLinkNum" (sic, Appendix A);
 * POST and PUT answer "SubstitutionLinkNum". Two descriptions of one
 * table: the list, and the writes. */
static const struct od_field substlink_list_fields[] = {
    {"SubstiutionLinkNum", "t.SubstitutionLinkNum", OD_W_INT, NULL,
     OD_F_RO | OD_F_KEY, NULL, 0, 0, "SubstitutionLinkNum"},
    FLD("PlanNum", OD_W_INT, OD_F_RO),
    FLD("CodeNum", OD_W_INT, OD_F_RO),
    TXT("SubstitutionCode", OD_F_RO, 0),
    ENM("SubstOnlyIf", &enum_substonlyif, OD_F_RO, NULL),
};

static const struct od_filter substlink_filters[] = {
    {"PlanNum", "t.PlanNum = ?", OD_W_INT, NULL, 0, 0, NULL},
};

const struct od_resource od_res_substitutionlinks_list = {
    .name = "substitutionlinks", .table = "substitutionlink",
    .pk = "SubstitutionLinkNum",
    .fields = substlink_list_fields, .nfields = OD_N(substlink_list_fields),
    .filters = substlink_filters, .nfilters = OD_N(substlink_filters),
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
    {OD_OP_POST | OD_OP_PUT, "SELECT 1 FROM DUAL WHERE NOT EXISTS (SELECT 1 "
                             "FROM procedurecode WHERE ProcCode = BINARY ?)",
     "SubstitutionCode", 400, "SubstitutionCode is invalid."},
    {OD_OP_POST, "SELECT 1 FROM substitutionlink WHERE PlanNum = ? AND "
                 "CodeNum = ?", "PlanNum,CodeNum", 400,
     "A SubstitutionLink already exists for this PlanNum and CodeNum."},
};

const struct od_resource od_res_substitutionlinks = {
    .name = "substitutionlinks", .table = "substitutionlink",
    .pk = "SubstitutionLinkNum",
    .fields = substlink_fields, .nfields = OD_N(substlink_fields),
    .ops = OD_OP_POST | OD_OP_PUT | OD_OP_DELETE,
    .write_perm = ODAPI_PERM_ALL_OTHERS,
    .missing = "SubstitutionLink not found.",
    .perm_create = PERM_INS_PLAN_EDIT, .perm_edit = PERM_INS_PLAN_EDIT,
    .perm_delete = PERM_INS_PLAN_EDIT, .log_noun = "SubstitutionLink",
    .checks = substlink_checks, .nchecks = OD_N(substlink_checks),
};
