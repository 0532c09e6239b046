/* money.c - paysplits as a description (payments: actions/payments.c,
 * with what POST does after the insert) (spec 5.7 and
 * Appendix A). Field order is the spec's; lower-case names are derived,
 * read-only companions. Choices the spec leaves open are in
 * docs/resources.md. */
#include "engine/describe-internal.h"

/* EnumPermType values used in securitylog (opendental-schema.md 4). */
enum { PERM_PAYMENT_EDIT = 16 };

#define STAMP(col) {col, NULL, OD_W_DATETIME, NULL, OD_F_RO | OD_F_STAMP,    \
                    NULL, 0, 0, NULL}
#define SERVERTIME {"serverDateTime", NULL, OD_W_SERVERTIME, NULL,           \
                    OD_F_RO | OD_F_GETONLY, NULL, 0, 0, NULL}
#define FK_CLINIC "SELECT 1 FROM clinic WHERE ClinicNum = ?"
#define FK_PROV "SELECT 1 FROM provider WHERE ProvNum = ?"

/* ---- paysplits ----------------------------------------------------------- */

static const char *const debit_names[] = {"Unknown", "Principal", "Interest"};
static const struct od_enum enum_paypldebit = {"PayPlanDebitType", 0,
                                               OD_N(debit_names), debit_names};

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
    .fields = paysplit_fields, .nfields = OD_N(paysplit_fields),
    .filters = paysplit_filters, .nfilters = OD_N(paysplit_filters),
    .ops = OD_OP_GET_LIST | OD_OP_PUT, .write_perm = ODAPI_PERM_PAYMENTS,
    .missing = "PaySplit not found.", .perm_edit = PERM_PAYMENT_EDIT,
    .log_noun = "PaySplit", .patnum_col = "PatNum",
};
