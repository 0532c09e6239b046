/* money.c - payments and paysplits as descriptions (spec 5.7 and
 * Appendix A). Field order is the spec's; lower-case names are derived,
 * read-only companions. Choices the spec leaves open are in
 * docs/resources.md. */
#include "engine/resource-internal.h"

#define N(a) ((int)OD_ARRAY_LEN(a))

/* EnumPermType values used in securitylog (opendental-schema.md 4). */
enum { PERM_PAYMENT_CREATE = 15, PERM_PAYMENT_EDIT = 16 };

#define STAMP(col) {col, NULL, OD_W_DATETIME, NULL, OD_F_RO | OD_F_STAMP,    \
                    NULL, 0, 0, NULL}
#define SERVERTIME {"serverDateTime", NULL, OD_W_SERVERTIME, NULL,           \
                    OD_F_RO | OD_F_GETONLY, NULL, 0, 0, NULL}
#define FK_CLINIC "SELECT 1 FROM clinic WHERE ClinicNum = ?"
#define FK_PROV "SELECT 1 FROM provider WHERE ProvNum = ?"

/* ---- payments ------------------------------------------------------------ */

static const struct od_field payment_fields[] = {
    {"PayNum", NULL, OD_W_INT, NULL, OD_F_RO | OD_F_KEY, NULL, 0, 0, NULL},
    {"PayType", NULL, OD_W_INT, NULL, 0, NULL, 0, 0, NULL, NULL,
     "SELECT 1 FROM definition WHERE DefNum = ? AND Category = 10"},
    {"payType", "COALESCE(pt.ItemName, '')", OD_W_TEXT, NULL, OD_F_RO, NULL,
     0, 0, NULL},
    {"PayDate", NULL, OD_W_DATE, NULL, OD_F_NOPUT, NULL, 0, 0, NULL},
    {"PayAmt", NULL, OD_W_MONEY_RAW, NULL, OD_F_REQ | OD_F_NOPUT, NULL, 0, 0,
     NULL},
    {"CheckNum", NULL, OD_W_TEXT, NULL, 0, NULL, 0, 0, NULL},
    {"BankBranch", NULL, OD_W_TEXT, NULL, 0, NULL, 0, 0, NULL},
    {"PayNote", NULL, OD_W_TEXT, NULL, 0, NULL, 0, 0, NULL},
    {"PatNum", NULL, OD_W_INT, NULL, OD_F_REQ | OD_F_NOPUT, NULL, 0, 0, NULL},
    {"ClinicNum", NULL, OD_W_INT_STR, NULL, OD_F_NOPUT, NULL, 0, 0, NULL,
     NULL, FK_CLINIC},
    {"DateEntry", NULL, OD_W_DATE, NULL, OD_F_RO | OD_F_NOW, NULL, 0, 0,
     NULL},
    {"DepositNum", NULL, OD_W_INT, NULL, OD_F_RO, NULL, 0, 0, NULL},
    {"Receipt", NULL, OD_W_TEXT, NULL, OD_F_RO, NULL, 0, 0, NULL},
    {"IsRecurringCC", NULL, OD_W_BOOL, NULL, OD_F_RO, NULL, 0, 0, NULL},
    {"SecUserNumEntry", NULL, OD_W_INT, NULL, OD_F_RO, NULL, 0, 0, NULL},
    STAMP("SecDateTEdit"),
    {"PaymentSource", NULL, OD_W_ENUM, &od_enum_ccsource, OD_F_RO, NULL, 0,
     0, NULL},
    {"ProcessStatus", NULL, OD_W_ENUM, &od_enum_processstat, OD_F_NOPOST,
     NULL, 0, 0, NULL},
    {"RecurringChargeDate", NULL, OD_W_DATE, NULL, OD_F_RO, NULL, 0, 0, NULL},
    {"IsCcCompleted", NULL, OD_W_BOOL, NULL, OD_F_RO, NULL, 0, 0, NULL},
    SERVERTIME,
};

static const struct od_filter payment_filters[] = {
    {"PayType", "t.PayType = ?", OD_W_INT, NULL, 0, 0, NULL},
    {"PatNum", "t.PatNum = ?", OD_W_INT, NULL, 0, 0, NULL},
    {"DateEntry", "t.DateEntry >= ?", OD_W_DATE, NULL, 0, 0, NULL},
};

static const struct od_sqldefault payment_defaults[] = {
    {"PayType", "SELECT ValueString FROM preference WHERE PrefName = "
                "'ApiPaymentType'", NULL},
    {"PayDate", "SELECT DATE_FORMAT(CURDATE(), '%Y-%m-%d')", NULL},
    {"ClinicNum", "SELECT ClinicNum FROM patient WHERE PatNum = ?", "PatNum"},
    {"PaymentSource", "SELECT 13", NULL}, /* CreditCardSource.API */
};

static const struct od_check payment_checks[] = {
    {OD_OP_PUT, "SELECT 1 FROM DUAL WHERE ? = 0", "ProcessStatus", 400,
     "ProcessStatus must be OnlineProcessed or OnlinePending."},
};

const struct od_resource od_res_payments = {
    .name = "payments", .table = "payment", .pk = "PayNum",
    .joins = "LEFT JOIN definition pt ON pt.DefNum = t.PayType",
    .fields = payment_fields, .nfields = N(payment_fields),
    .filters = payment_filters, .nfilters = N(payment_filters),
    .ops = OD_OP_GET_LIST | OD_OP_POST | OD_OP_PUT,
    .write_perm = ODAPI_PERM_PAYMENTS, .missing = "Payment not found.",
    .server_time = OD_ST_FIRST, .perm_create = PERM_PAYMENT_CREATE,
    .perm_edit = PERM_PAYMENT_EDIT, .log_noun = "Payment",
    .patnum_col = "PatNum",
    .sqldefaults = payment_defaults, .nsqldefaults = N(payment_defaults),
    .checks = payment_checks, .nchecks = N(payment_checks),
    /* A payment always has at least one split: the whole amount, to the
     * patient's primary provider (else the practice default provider),
     * not attached to a procedure. */
    .after_insert =
        "INSERT INTO paysplit (SplitAmt, PatNum, ProcDate, PayNum, ProvNum, "
        "DatePay, DateEntry, ClinicNum) SELECT p.PayAmt, p.PatNum, "
        "p.PayDate, p.PayNum, COALESCE(NULLIF(pa.PriProv, 0), (SELECT "
        "ValueString FROM preference WHERE PrefName = "
        "'PracticeDefaultProv'), 0), p.PayDate, CURDATE(), p.ClinicNum FROM "
        "payment p JOIN patient pa ON pa.PatNum = p.PatNum WHERE "
        "p.PayNum = ?",
};

/* ---- paysplits ----------------------------------------------------------- */

static const char *const debit_names[] = {"Unknown", "Principal", "Interest"};
static const struct od_enum enum_paypldebit = {"PayPlanDebitType", 0,
                                               N(debit_names), debit_names};

static const struct od_field paysplit_fields[] = {
    {"SplitNum", NULL, OD_W_INT, NULL, OD_F_RO | OD_F_KEY, NULL, 0, 0, NULL},
    {"SplitAmt", NULL, OD_W_NUMBER, NULL, OD_F_RO, NULL, 0, 0, NULL},
    {"PatNum", NULL, OD_W_INT, NULL, OD_F_RO, NULL, 0, 0, NULL},
    {"PayNum", NULL, OD_W_INT, NULL, OD_F_RO, NULL, 0, 0, NULL},
    {"ProvNum", NULL, OD_W_INT, NULL, 0, NULL, 0, 0, NULL, NULL, FK_PROV},
    {"PayPlanNum", NULL, OD_W_INT, NULL, OD_F_RO, NULL, 0, 0, NULL},
    {"DatePay", NULL, OD_W_DATE, NULL, OD_F_RO, NULL, 0, 0, NULL},
    {"ProcNum", NULL, OD_W_INT, NULL, OD_F_RO, NULL, 0, 0, NULL},
    {"DateEntry", NULL, OD_W_DATE, NULL, OD_F_RO, NULL, 0, 0, NULL},
    {"UnearnedType", NULL, OD_W_INT, NULL, OD_F_RO, NULL, 0, 0, NULL},
    {"unearnedType", "COALESCE(ut.ItemName, '')", OD_W_TEXT, NULL, OD_F_RO,
     NULL, 0, 0, NULL},
    {"ClinicNum", NULL, OD_W_INT, NULL, 0, NULL, 0, 0, NULL, NULL, FK_CLINIC},
    STAMP("SecDateTEdit"),
    {"AdjNum", NULL, OD_W_INT, NULL, OD_F_RO, NULL, 0, 0, NULL},
    {"PayPlanChargeNum", NULL, OD_W_INT, NULL, OD_F_RO, NULL, 0, 0, NULL},
    {"PayPlanDebitType", NULL, OD_W_ENUM, &enum_paypldebit, OD_F_RO, NULL, 0,
     0, NULL},
};

static const struct od_filter paysplit_filters[] = {
    {"PayNum", "t.PayNum = ?", OD_W_INT, NULL, 0, 0, NULL},
    {"PatNum", "t.PatNum = ?", OD_W_INT, NULL, 0, 0, NULL},
    {"ProcNum", "t.ProcNum = ?", OD_W_INT, NULL, 0, 0, NULL},
};

const struct od_resource od_res_paysplits = {
    .name = "paysplits", .table = "paysplit", .pk = "SplitNum",
    .joins = "LEFT JOIN definition ut ON ut.DefNum = t.UnearnedType",
    .fields = paysplit_fields, .nfields = N(paysplit_fields),
    .filters = paysplit_filters, .nfilters = N(paysplit_filters),
    .ops = OD_OP_GET_LIST | OD_OP_PUT, .write_perm = ODAPI_PERM_PAYMENTS,
    .missing = "PaySplit not found.", .perm_edit = PERM_PAYMENT_EDIT,
    .log_noun = "PaySplit", .patnum_col = "PatNum",
};
