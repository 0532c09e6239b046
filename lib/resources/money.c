/* money.c - paysplits as a description (payments: actions/payments.c, with
 * what POST does after the insert) (apipayments.html and the api*.html pages).
 * Field order is Open Dental's; lower-case names are derived, read-only
 * companions. Choices Open Dental's docs leave open are in
 * docs/resources.md. */
#include "resources/shorthand-internal.h"

/* EnumPermType values used in securitylog (GroupPermission.cs). */
enum { PERM_PAYMENT_EDIT = 16 };

/* ---- paysplits ----------------------------------------------------------- */

ENUM_TABLE(enum_paypldebit, "PayPlanDebitType", "Unknown", "Principal",
           "Interest");

static const struct od_field paysplit_fields[] = {
    KEY("SplitNum"),
    RO("SplitAmt", OD_W_NUMBER),
    RO("PatNum", OD_W_INT),
    RO("PayNum", OD_W_INT),
    FKEY("ProvNum", 0, FK_PROV),
    RO("PayPlanNum", OD_W_INT),
    RO("DatePay", OD_W_DATE),
    RO("ProcNum", OD_W_INT),
    RO("DateEntry", OD_W_DATE),
    RO("UnearnedType", OD_W_INT),
    DEFNAME("unearnedType", "ut"),
    FKEY("ClinicNum", 0, FK_CLINIC),
    STAMP("SecDateTEdit"),
    RO("AdjNum", OD_W_INT),
    RO("PayPlanChargeNum", OD_W_INT),
    ROENUM("PayPlanDebitType", &enum_paypldebit),
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
    .missing = "PaySplit not found.", .patnum_col = "PatNum",
    SECLOG("PaySplit", 0, PERM_PAYMENT_EDIT, 0),
};
