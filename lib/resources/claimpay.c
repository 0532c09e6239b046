/* claimpay.c - claim payments, etranss and etransmessagetexts as
 * descriptions run by resource.c (the api*.html pages); the claim and claim
 * payment actions are in actions/claims.c. Field order is Open Dental's;
 * lower-case names are derived, read-only companions. */
#include "resources/shorthand-internal.h"

/* EnumPermType values used in securitylog (GroupPermission.cs). */
enum { PERM_INS_PAY_EDIT = 37 };

/* ---- claimpayments ------------------------------------------------------ */

static const struct od_field claimpayment_fields[] = {
    KEY("ClaimPaymentNum"),
    RO("CheckDate", OD_W_DATE),
    /* "300", "1500.99": a string, shortest form (Open Dental's example) */
    {.name = "CheckAmt", .wire = OD_W_MONEY_RAW},
    TXT("CheckNum", 0, 0),
    TXT("BankBranch", 0, 0),
    TXT("Note", 0, 0),
    RO("ClinicNum", OD_W_INT),
    RO("DepositNum", OD_W_INT),
    TXT("CarrierName", 0, 0),
    RO("DateIssued", OD_W_DATE),
    RO("IsPartial", OD_W_BOOL),
    FKEY("PayType", 0, FK_DEF(32)),
    DEFNAME("payType", "pt"),
    SECUSERNUMENTRY,
    RO("SecDateEntry", OD_W_DATE),
    STAMP("SecDateTEdit"),
    FKEY("PayGroup", 0, FK_DEF(40)),
    DEFNAME("payGroup", "pg"),
};

static const struct od_filter claimpayment_filters[] = {
    SINCEF("SecDateTEdit"),
};

/* The check's amount is the sum of its claimprocs' InsPayAmt (Open Dental's
 * rule for ClaimPayment), unless it is a partial (batch) payment. */
static const struct od_check claimpayment_checks[] = {
    RULE(OD_OP_PUT,
         "SELECT 1 FROM claimpayment cp WHERE cp.ClaimPaymentNum = ? "
         "AND cp.IsPartial = 0 AND ROUND(?, 2) <> ROUND((SELECT "
         "COALESCE(SUM(x.InsPayAmt), 0) FROM claimproc x "
         "WHERE x.ClaimPaymentNum = cp.ClaimPaymentNum), 2)", "@key,CheckAmt",
         "CheckAmt must match the total InsPayAmt of the attached "
         "ClaimProcs."),
};

const struct od_resource od_res_claimpayments = {
    .name = "claimpayments", .table = "claimpayment", .pk = "ClaimPaymentNum",
    .joins = "LEFT JOIN definition pt ON pt.DefNum = t.PayType "
             "LEFT JOIN definition pg ON pg.DefNum = t.PayGroup",
    OD_LIST(fields, claimpayment_fields),
    OD_LIST(filters, claimpayment_filters),
    .ops = OD_OPS_GET | OD_OP_PUT,
    .write_perm = ODAPI_PERM_INSURANCE, .missing = "ClaimPayment not found.",
    SECLOG("ClaimPayment", 0, PERM_INS_PAY_EDIT, 0),
    OD_LIST(checks, claimpayment_checks),
};

/* ---- etranss, etransmessagetexts (read only) ---------------------------- */

ENUM_TABLE(enum_etype, "Etype", "ClaimSent", "ClaimPrinted", "Claim_CA",
           "Claim_Ren", "ClaimAck_CA", "ClaimEOB_CA", "Eligibility_CA",
           "EligResponse_CA", "ClaimReversal_CA", "Predeterm_CA",
           "RequestOutstand_CA", "RequestSumm_CA", "RequestPay_CA",
           "ClaimCOB_CA", "ReverseResponse_CA", "PredetermAck_CA",
           "PredetermEOB_CA", "OutstandingAck_CA", "EmailResponse_CA",
           "PaymentResponse_CA", "SummaryResponse_CA", "Acknowledge_997",
           "StatusNotify_277", "TextReport", "BenefitInquiry270",
           "BenefitResponse271", "AckError", "ERA_835", "Acknowledge_999",
           "Ack_Interchange", "Claim_Ramq", "ItransNcpl", "HTML",
           "DXCAttachments");

static const struct od_field etrans_fields[] = {
    KEY("EtransNum"),
    RO("DateTimeTrans", OD_W_DATETIME),
    RO("ClearingHouseNum", OD_W_INT),
    ROENUM("Etype", &enum_etype),
    RO("ClaimNum", OD_W_INT),
    RO("OfficeSequenceNumber", OD_W_INT),
    RO("CarrierTransCounter", OD_W_INT),
    RO("CarrierNum", OD_W_INT),
    RO("PatNum", OD_W_INT),
    RO("BatchNumber", OD_W_INT),
    RO("AckCode", OD_W_TEXT),
    RO("TransSetNum", OD_W_INT),
    RO("Note", OD_W_TEXT),
    RO("EtransMessageTextNum", OD_W_INT),
    RO("AckEtransNum", OD_W_INT),
    RO("PlanNum", OD_W_INT),
    RO("InsSubNum", OD_W_INT),
    RO("CarrierNameRaw", OD_W_TEXT),
    RO("PatientNameRaw", OD_W_TEXT),
    RO("UserNum", OD_W_INT),
};

static const struct od_filter etrans_filters[] = {
    INTF("CarrierNum"),
    INTF("ClaimNum"),
    INTF("PatNum"),
};

const struct od_resource od_res_etranss = {
    .name = "etranss", .table = "etrans", .pk = "EtransNum",
    OD_LIST(fields, etrans_fields),
    OD_LIST(filters, etrans_filters),
    .ops = OD_OP_GET_LIST, .write_perm = ODAPI_PERM_INSURANCE,
    .missing = "Etrans not found.",
};

static const struct od_field etransmessagetext_fields[] = {
    KEY("EtransMessageTextNum"),
    RO("MessageText", OD_W_TEXT),
};

const struct od_resource od_res_etransmessagetexts = {
    .name = "etransmessagetexts", .table = "etransmessagetext",
    .pk = "EtransMessageTextNum",
    OD_LIST(fields, etransmessagetext_fields),
    .ops = OD_OP_GET_ONE, .write_perm = ODAPI_PERM_INSURANCE,
    .missing = "EtransMessageText not found.",
};
