/* money.c - paysplits as a description (payments: actions/payments.c, with
 * what POST does after the insert) (apipayments.html and the api*.html pages).
 * Field order is Open Dental's; lower-case names are derived, read-only
 * companions. Choices Open Dental's docs leave open are in
 * docs/resources.md. */
#include "resources/shorthand-internal.h"

/* EnumPermType values used in securitylog (GroupPermission.cs). */
enum { PERM_PAYMENT_EDIT = 16 };

/* ---- paysplits ----------------------------------------------------------- */

static const char *const debit_names[] = {"Unknown", "Principal", "Interest"};
static const struct od_enum enum_paypldebit = {"PayPlanDebitType", 0,
                                               OD_N(debit_names), debit_names};

static const struct od_field paysplit_fields[] = {
    {.name = "SplitNum", .wire = OD_W_INT, .flags = OD_F_RO | OD_F_KEY},
    {.name = "SplitAmt", .wire = OD_W_NUMBER, .flags = OD_F_RO},
    {.name = "PatNum", .wire = OD_W_INT, .flags = OD_F_RO},
    {.name = "PayNum", .wire = OD_W_INT, .flags = OD_F_RO},
    {.name = "ProvNum", .wire = OD_W_INT, .fk = FK_PROV},
    {.name = "PayPlanNum", .wire = OD_W_INT, .flags = OD_F_RO},
    {.name = "DatePay", .wire = OD_W_DATE, .flags = OD_F_RO},
    {.name = "ProcNum", .wire = OD_W_INT, .flags = OD_F_RO},
    {.name = "DateEntry", .wire = OD_W_DATE, .flags = OD_F_RO},
    {.name = "UnearnedType", .wire = OD_W_INT, .flags = OD_F_RO},
    {.name = "unearnedType", .expr = "COALESCE(ut.ItemName, '')",
     .wire = OD_W_TEXT, .flags = OD_F_RO},
    {.name = "ClinicNum", .wire = OD_W_INT, .fk = FK_CLINIC},
    STAMP("SecDateTEdit"),
    {.name = "AdjNum", .wire = OD_W_INT, .flags = OD_F_RO},
    {.name = "PayPlanChargeNum", .wire = OD_W_INT, .flags = OD_F_RO},
    {.name = "PayPlanDebitType", .wire = OD_W_ENUM, .enm = &enum_paypldebit,
     .flags = OD_F_RO},
};

static const struct od_filter paysplit_filters[] = {
    INTF("PayNum"),
    INTF("PatNum"),
    INTF("ProcNum"),
};

const struct od_resource od_res_paysplits = {
    .name = "paysplits", .table = "paysplit", .pk = "SplitNum",
    .joins = "LEFT JOIN definition ut ON ut.DefNum = t.UnearnedType",
    OD_LIST(fields, paysplit_fields),
    OD_LIST(filters, paysplit_filters),
    .ops = OD_OP_GET_LIST | OD_OP_PUT, .write_perm = ODAPI_PERM_PAYMENTS,
    .missing = "PaySplit not found.", .perm_edit = PERM_PAYMENT_EDIT,
    .log_noun = "PaySplit", .patnum_col = "PatNum",
};
