/* payplans.c - adjustments, statements, payment plans and their
 * charges (the api*.html pages): descriptions run by resource.c; the
 * hand-written PayPlans actions are in actions/payplans.c. Field order is
 * Open Dental's; lower-case names are derived, read-only companions.
 * Choices Open Dental's docs leave open are in docs/resources.md. */
#include "resources/shorthand-internal.h"

/* EnumPermType values used in securitylog (GroupPermission.cs). */
enum { PERM_ADJUSTMENT_CREATE = 17, PERM_ADJUSTMENT_EDIT = 18,
       PERM_BILLING = 62, PERM_PAYPLAN_EDIT = 149 };

#define FK_ADJTYPE FK_DEF(1)
#define FK_DOC "SELECT 1 FROM document WHERE DocNum = ?"

/* ---- adjustments --------------------------------------------------------- */

static const struct od_field adjustment_fields[] = {
    KEY("AdjNum"),
    FLD("AdjDate", OD_W_DATE, OD_F_REQ),
    FLD("AdjAmt", OD_W_NUMBER, OD_F_REQ),
    PATNUM_OWNER,
    FKEY("AdjType", OD_F_REQ, FK_ADJTYPE),
    DEFNAME("adjType", "at"),
    FKEY("ProvNum", 0, FK_PROV),
    {.name = "AdjNote", .wire = OD_W_TEXT},
    FLD("ProcDate", OD_W_DATE, OD_F_NOPUT),
    {.name = "ProcNum", .wire = OD_W_INT, .dflt = "0", .fk = FK_PROC},
    NOW_ON_INSERT("DateEntry", OD_W_DATE),
    FKEY("ClinicNum", 0, FK_CLINIC),
    SECUSERNUMENTRY,
    STAMP("SecDateTEdit"),
};

static const struct od_filter adjustment_filters[] = {
    REQ_INTF("PatNum"),
    INTF("AdjType"),
    INTF("ProcNum"),
};

static const struct od_sqldefault adjustment_defaults[] = {
    {.field = "ProvNum",
     .sql = "SELECT PriProv FROM patient WHERE PatNum = ?", .param = "PatNum"},
    PATIENT_CLINIC_DEFAULT,
    /* the procedure's date when attached to one, else today */
    {.field = "ProcDate",
     .sql = "SELECT DATE_FORMAT(COALESCE((SELECT ProcDate FROM "
            "procedurelog WHERE ProcNum = ? AND ProcNum <> 0), "
            "CURDATE()), '%Y-%m-%d')", .param = "ProcNum"},
};

/* The sign of AdjAmt follows the AdjType's ItemValue ("+" or "-"); on PUT
 * the stored amount or type stands in for the one not given. */
#define ADJ_SIGN_POST(sign, cmp)                                              \
    "SELECT 1 FROM definition WHERE DefNum = ? AND ItemValue = '" sign       \
    "' AND ? " cmp " 0"
#define ADJ_SIGN_PUT(sign, cmp)                                               \
    "SELECT 1 FROM adjustment a JOIN definition d ON d.DefNum = "            \
    "COALESCE(?, a.AdjType) WHERE a.AdjNum = ? AND d.ItemValue = '" sign     \
    "' AND COALESCE(?, a.AdjAmt) " cmp " 0"

static const struct od_check adjustment_checks[] = {
    RULE(OD_OP_POST,
         "SELECT 1 FROM definition WHERE DefNum = ? "
         "AND ItemValue NOT IN ('+', '-')", "AdjType",
         "AdjType must have an ItemValue of \"+\" or \"-\"."),
    RULE(OD_OP_PUT,
         "SELECT 1 FROM definition WHERE DefNum = ? "
         "AND ItemValue NOT IN ('+', '-')", "AdjType",
         "AdjType must have an ItemValue of \"+\" or \"-\"."),
    RULE(OD_OP_POST, ADJ_SIGN_POST("+", "<"), "AdjType,AdjAmt",
         "AdjAmt must be positive for this AdjType."),
    RULE(OD_OP_POST, ADJ_SIGN_POST("-", ">"), "AdjType,AdjAmt",
         "AdjAmt must be negative for this AdjType."),
    RULE(OD_OP_PUT, ADJ_SIGN_PUT("+", "<"), "?AdjType,@key,?AdjAmt",
         "AdjAmt must be positive for this AdjType."),
    RULE(OD_OP_PUT, ADJ_SIGN_PUT("-", ">"), "?AdjType,@key,?AdjAmt",
         "AdjAmt must be negative for this AdjType."),
    VALUE_RULE(OD_OP_POST | OD_OP_PUT, "? > CURDATE()", "AdjDate",
               "AdjDate cannot be a future date."),
    RULE(OD_OP_POST,
         "SELECT 1 FROM procedurelog WHERE ProcNum = ? AND ProcNum <> 0 "
         "AND PatNum <> ?", "ProcNum,PatNum",
         "The procedure is not for this patient."),
    RULE(OD_OP_PUT,
         "SELECT 1 FROM adjustment a JOIN procedurelog p ON p.ProcNum = ? "
         "WHERE a.AdjNum = ? AND p.PatNum <> a.PatNum", "ProcNum,@key",
         "The procedure is not for this patient."),
};

const struct od_resource od_res_adjustments = {
    .name = "adjustments", .table = "adjustment", .pk = "AdjNum",
    .joins = "LEFT JOIN definition at ON at.DefNum = t.AdjType",
    OD_LIST(fields, adjustment_fields),
    OD_LIST(filters, adjustment_filters),
    .ops = OD_OPS_LIST_CRU,
    .write_perm = ODAPI_PERM_ALL_OTHERS, .missing = "Adjustment not found.",
    .patnum_col = "PatNum",
    SECLOG("Adjustment", PERM_ADJUSTMENT_CREATE, PERM_ADJUSTMENT_EDIT, 0),
    OD_LIST(sqldefaults, adjustment_defaults),
    OD_LIST(checks, adjustment_checks),
};

/* ---- statements ---------------------------------------------------------- */

ENUM_TABLE(enum_stmtmode, "StatementMode", "Mail", "InPerson", "Email",
           "Electronic");

static const struct od_field statement_fields[] = {
    KEY("StatementNum"),
    PATNUM_OWNER,
    FLD("DateSent", OD_W_DATE, OD_F_NOPUT),
    RO("DateRangeFrom", OD_W_DATE),
    RO("DateRangeTo", OD_W_DATE),
    {.name = "Note", .wire = OD_W_TEXT, .flags = OD_F_NOPUT},
    RO("NoteBold", OD_W_TEXT),
    ROENUM("Mode_", &enum_stmtmode),
    RO("HidePayment", OD_W_BOOL),
    RO("SinglePatient", OD_W_BOOL),
    RO("Intermingled", OD_W_BOOL),
    RO("IsSent", OD_W_BOOL),
    FKEY("DocNum", OD_F_NOPUT, FK_DOC),
    STAMP("DateTStamp"),
    RO("IsReceipt", OD_W_BOOL),
    RO("IsInvoice", OD_W_BOOL),
    RO("IsInvoiceCopy", OD_W_BOOL),
    RO("SuperFamily", OD_W_INT),
    RO("IsBalValid", OD_W_BOOL),
    RO("InsEst", OD_W_NUMBER),
    RO("BalTotal", OD_W_NUMBER),
    DERIVED("StatementType", "IF(t.StatementType = '', 'NotSet', "
                             "t.StatementType)"),
};

static const struct od_filter statement_filters[] = {
    INTF("PatNum"),
};

static const struct od_sqldefault statement_defaults[] = {
    {.field = "DateSent", .sql = "SELECT DATE_FORMAT(CURDATE(), '%Y-%m-%d')"},
};

const struct od_resource od_res_statements = {
    .name = "statements", .table = "statement", .pk = "StatementNum",
    OD_LIST(fields, statement_fields),
    OD_LIST(filters, statement_filters),
    .ops = OD_OPS_GET | OD_OP_POST,
    .write_perm = ODAPI_PERM_ALL_OTHERS, .missing = "Statement not found.",
    SECLOG("Statement", PERM_BILLING, 0, 0),
    .patnum_col = "PatNum",
    OD_LIST(sqldefaults, statement_defaults),
    /* A statement recorded through the API: sent by mail on DateSent,
     * covering up to DateSent, with the family's balance of that moment
     * (the guarantor's BalTotal and InsEst). */
    .after_insert =
        "UPDATE statement s JOIN patient p ON p.PatNum = s.PatNum SET "
        "s.DateRangeTo = s.DateSent, s.IsSent = 1, s.IsBalValid = 1, "
        "s.InsEst = p.InsEst, s.BalTotal = p.BalTotal, "
        "s.StatementType = 'NotSet', s.EmailBody = '' WHERE "
        "s.StatementNum = ?",
};

/* ---- payplancharges ------------------------------------------------------ */

ENUM_TABLE(enum_chargetype, "PayPlanChargeType", "Debit", "Credit");
ENUM_TABLE(enum_linktype, "PayPlanLinkType", "None", "Adjustment", "Procedure",
           "OrthoCase");

static const struct od_field payplancharge_fields[] = {
    KEY("PayPlanChargeNum"),
    RO("PayPlanNum", OD_W_INT),
    RO("Guarantor", OD_W_INT),
    RO("PatNum", OD_W_INT),
    RO("ChargeDate", OD_W_DATE),
    RO("Principal", OD_W_NUMBER),
    RO("Interest", OD_W_NUMBER),
    RO("Note", OD_W_TEXT),
    RO("ProvNum", OD_W_INT),
    RO("ClinicNum", OD_W_INT),
    ROENUM("ChargeType", &enum_chargetype),
    RO("ProcNum", OD_W_INT),
    RO("SecDateTEntry", OD_W_DATETIME),
    STAMP("SecDateTEdit"),
    RO("StatementNum", OD_W_INT),
    RO("FKey", OD_W_INT),
    ROENUM("LinkType", &enum_linktype),
    RO("IsOffset", OD_W_BOOL),
};

static const struct od_filter payplancharge_filters[] = {
    REQ_INTF("PayPlanNum"),
};

const struct od_resource od_res_payplancharges = {
    .name = "payplancharges", .table = "payplancharge",
    .pk = "PayPlanChargeNum",
    OD_LIST(fields, payplancharge_fields),
    OD_LIST(filters, payplancharge_filters),
    .order = "t.ChargeDate, t.PayPlanChargeNum",
    .ops = OD_OP_GET_LIST, .write_perm = ODAPI_PERM_PAY_PLANS,
    .missing = "PayPlanCharge not found.",
};

/* ---- payplans ------------------------------------------------------------ */

ENUM_TABLE(enum_paysched, "PaySchedule", "Monthly", "MonthlyDayOfWeek",
           "Weekly", "BiWeekly", "Quarterly");
ENUM_TABLE(enum_chargefreq, "ChargeFrequency", "Weekly", "EveryOtherWeek",
           "OrdinalWeekday", "Monthly", "Quarterly");
ENUM_TABLE(enum_tpoption, "DynamicPayPlanTPOption", "None", "AwaitComplete",
           "TreatAsComplete");

/* principalAmount: a dynamic plan's CompletedAmt (the production attached
 * to it); a patient or insurance plan's debit principal. */
#define PRINCIPAL_AMOUNT                                                      \
    "IF(t.IsDynamic, t.CompletedAmt, (SELECT COALESCE(SUM(c.Principal), 0) " \
    "FROM payplancharge c WHERE c.PayPlanNum = t.PayPlanNum AND "             \
    "c.ChargeType = 0))"

static const struct od_field payplan_fields[] = {
    KEY("PayPlanNum"),
    RO("PatNum", OD_W_INT),
    RO("Guarantor", OD_W_INT),
    RO("PayPlanDate", OD_W_DATE),
    RO("APR", OD_W_NUMBER),
    RO("Note", OD_W_TEXT),
    RO("PlanNum", OD_W_INT),
    RO("CompletedAmt", OD_W_NUMBER),
    RO("InsSubNum", OD_W_INT),
    ROENUM("PaySchedule", &enum_paysched),
    RO("NumberOfPayments", OD_W_INT),
    RO("PayAmt", OD_W_NUMBER),
    RO("DownPayment", OD_W_NUMBER),
    RO("IsClosed", OD_W_BOOL),
    RO("PlanCategory", OD_W_INT),
    DEFNAME("planCategory", "pc"),
    RO("IsDynamic", OD_W_BOOL),
    ROENUM("ChargeFrequency", &enum_chargefreq),
    RO("DatePayPlanStart", OD_W_DATE),
    RO("IsLocked", OD_W_BOOL),
    RO("DateInterestStart", OD_W_DATE),
    ROENUM("DynamicPayPlanTPOption", &enum_tpoption),
    EXPR("principalAmount", PRINCIPAL_AMOUNT, OD_W_NUMBER),
    RO("SheetDefNum", OD_W_INT),
};

static const struct od_filter payplan_filters[] = {
    INTF("PatNum"),
    INTF("Guarantor"),
};

const struct od_resource od_res_payplans = {
    .name = "payplans", .table = "payplan", .pk = "PayPlanNum",
    .joins = "LEFT JOIN definition pc ON pc.DefNum = t.PlanCategory",
    OD_LIST(fields, payplan_fields),
    OD_LIST(filters, payplan_filters),
    .ops = OD_OPS_GET,
    .write_perm = ODAPI_PERM_PAY_PLANS, .missing = "PayPlan not found.",
    SECLOG("PayPlan", 0, PERM_PAYPLAN_EDIT, 0),
    .patnum_col = "PatNum",
};
