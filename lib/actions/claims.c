/* claims.c - claim payments, etranss and etransmessagetexts as
 * descriptions run by resource.c, plus the hand-written claim and claim
 * payment actions (spec Appendix A): DELETE /claims/{ClaimNum}, PUT
 * /claims/{ClaimNum}/Status, POST /claimpayments, POST
 * /claimpayments/Batch and DELETE /claimpayments/{ClaimPaymentNum}. Each
 * action is one transaction with a securitylog row, prepared statements
 * only. Field order is the spec's; lower-case names are derived, read-only
 * companions. Choices the spec leaves open are in docs/resources.md. */
#include "engine/openapi-internal.h"
#include "engine/resource-internal.h"
#include "db/catalog-internal.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N(a) ((int)OD_ARRAY_LEN(a))

/* EnumPermType values used in securitylog (opendental-schema.md 4). */
enum { PERM_INS_PAY_CREATE = 36, PERM_INS_PAY_EDIT = 37,
       PERM_CLAIM_SEND = 104, PERM_CLAIM_DELETE = 118 };

/* ClaimProcStatus values (opendental-schema.md 4). */
enum { CP_RECEIVED = 1, CP_SUPPLEMENTAL = 4, CP_ESTIMATE = 6 };

/* EtransType ClaimPrinted (Etrans.cs). */
enum { ETYPE_CLAIM_PRINTED = 1 };

#define KEY(n) {n, NULL, OD_W_INT, NULL, OD_F_RO | OD_F_KEY, NULL, 0, 0, NULL}
#define RO(n, w) {n, NULL, w, NULL, OD_F_RO, NULL, 0, 0, NULL}
#define TXT(n, max) {n, NULL, OD_W_TEXT, NULL, 0, NULL, max, 0, NULL}
#define FKEY(n, sql) {n, NULL, OD_W_INT, NULL, 0, NULL, 0, 0, NULL, NULL, sql}
#define DERIVED(n, e) {n, e, OD_W_TEXT, NULL, OD_F_RO, NULL, 0, 0, NULL}
#define STAMP(n) {n, NULL, OD_W_DATETIME, NULL, OD_F_RO | OD_F_STAMP, NULL, \
                  0, 0, NULL}
#define FK_DEF(cat) "SELECT 1 FROM definition WHERE DefNum = ? AND " \
                    "Category = " #cat

/* ---- claimpayments ------------------------------------------------------ */

static const struct od_field claimpayment_fields[] = {
    KEY("ClaimPaymentNum"),
    RO("CheckDate", OD_W_DATE),
    /* "300", "1500.99": a string, shortest form (the spec's example) */
    {"CheckAmt", NULL, OD_W_MONEY_RAW, NULL, 0, NULL, 0, 0, NULL},
    TXT("CheckNum", 0),
    TXT("BankBranch", 0),
    TXT("Note", 0),
    RO("ClinicNum", OD_W_INT),
    RO("DepositNum", OD_W_INT),
    TXT("CarrierName", 0),
    RO("DateIssued", OD_W_DATE),
    RO("IsPartial", OD_W_BOOL),
    FKEY("PayType", FK_DEF(32)),
    DERIVED("payType", "COALESCE(pt.ItemName, '')"),
    RO("SecUserNumEntry", OD_W_INT),
    RO("SecDateEntry", OD_W_DATE),
    STAMP("SecDateTEdit"),
    FKEY("PayGroup", FK_DEF(40)),
    DERIVED("payGroup", "COALESCE(pg.ItemName, '')"),
};

static const struct od_filter claimpayment_filters[] = {
    {"SecDateTEdit", "t.SecDateTEdit >= ?", OD_W_DATETIME, NULL, 0, 0, NULL,
     NULL},
};

/* The check's amount is the sum of its claimprocs' InsPayAmt (Open Dental's
 * rule for ClaimPayment), unless it is a partial (batch) payment. */
static const struct od_check claimpayment_checks[] = {
    {OD_OP_PUT, "SELECT 1 FROM claimpayment cp WHERE cp.ClaimPaymentNum = ? "
                "AND cp.IsPartial = 0 AND ROUND(?, 2) <> ROUND((SELECT "
                "COALESCE(SUM(x.InsPayAmt), 0) FROM claimproc x WHERE "
                "x.ClaimPaymentNum = cp.ClaimPaymentNum), 2)",
     "@key,CheckAmt", 400,
     "CheckAmt must match the total InsPayAmt of the attached ClaimProcs."},
};

const struct od_resource od_res_claimpayments = {
    .name = "claimpayments", .table = "claimpayment", .pk = "ClaimPaymentNum",
    .joins = "LEFT JOIN definition pt ON pt.DefNum = t.PayType "
             "LEFT JOIN definition pg ON pg.DefNum = t.PayGroup",
    .fields = claimpayment_fields, .nfields = N(claimpayment_fields),
    .filters = claimpayment_filters, .nfilters = N(claimpayment_filters),
    .ops = OD_OP_GET_ONE | OD_OP_GET_LIST | OD_OP_PUT,
    .write_perm = ODAPI_PERM_INSURANCE, .missing = "ClaimPayment not found.",
    .perm_edit = PERM_INS_PAY_EDIT, .log_noun = "ClaimPayment",
    .checks = claimpayment_checks, .nchecks = N(claimpayment_checks),
};

/* ---- etranss, etransmessagetexts (read only) ---------------------------- */

static const char *const etype_names[] = {
    "ClaimSent", "ClaimPrinted", "Claim_CA", "Claim_Ren", "ClaimAck_CA",
    "ClaimEOB_CA", "Eligibility_CA", "EligResponse_CA", "ClaimReversal_CA",
    "Predeterm_CA", "RequestOutstand_CA", "RequestSumm_CA", "RequestPay_CA",
    "ClaimCOB_CA", "ReverseResponse_CA", "PredetermAck_CA",
    "PredetermEOB_CA", "OutstandingAck_CA", "EmailResponse_CA",
    "PaymentResponse_CA", "SummaryResponse_CA", "Acknowledge_997",
    "StatusNotify_277", "TextReport", "BenefitInquiry270",
    "BenefitResponse271", "AckError", "ERA_835", "Acknowledge_999",
    "Ack_Interchange", "Claim_Ramq", "ItransNcpl", "HTML", "DXCAttachments"};
static const struct od_enum enum_etype = {"Etype", 0, N(etype_names),
                                          etype_names};

static const struct od_field etrans_fields[] = {
    KEY("EtransNum"),
    RO("DateTimeTrans", OD_W_DATETIME),
    RO("ClearingHouseNum", OD_W_INT),
    {"Etype", NULL, OD_W_ENUM, &enum_etype, OD_F_RO, NULL, 0, 0, NULL},
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
    {"CarrierNum", "t.CarrierNum = ?", OD_W_INT, NULL, 0, 0, NULL, NULL},
    {"ClaimNum", "t.ClaimNum = ?", OD_W_INT, NULL, 0, 0, NULL, NULL},
    {"PatNum", "t.PatNum = ?", OD_W_INT, NULL, 0, 0, NULL, NULL},
};

const struct od_resource od_res_etranss = {
    .name = "etranss", .table = "etrans", .pk = "EtransNum",
    .fields = etrans_fields, .nfields = N(etrans_fields),
    .filters = etrans_filters, .nfilters = N(etrans_filters),
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
    .fields = etransmessagetext_fields,
    .nfields = N(etransmessagetext_fields),
    .ops = OD_OP_GET_ONE, .write_perm = ODAPI_PERM_INSURANCE,
    .missing = "EtransMessageText not found.",
};

/* ---- the hand-written actions ------------------------------------------- */

extern const struct od_resource od_res_claims; /* resources/insurance.c */

enum act { A_CLAIM_DELETE, A_CLAIM_STATUS, A_PAY_POST, A_PAY_DELETE };

#define MAX_CLAIMS 100

struct cjob {
    odapi_request *req;
    enum act act;
    int batch;
    long long key;                 /* ClaimNum, or ClaimPaymentNum */
    long long claims[MAX_CLAIMS];  /* POST: the claims paid */
    int nclaims;
    char developer[128];
    /* inputs: NULL or "" when absent */
    char date1[11], date2[11];     /* DateSent/DateSentOrig; CheckDate/
                                      DateIssued */
    double amt;
    char *checknum, *bankbranch, *note, *carriername;
    int has_clinic, has_paytype, has_paygroup;
    long long clinic, paytype, paygroup;
    int status;
    char msg[256];
    struct od_buf out;
};

static void cjob_free(struct cjob *j)
{
    od_buf_free(&j->out);
    free(j->checknum);
    free(j->bankbranch);
    free(j->note);
    free(j->carriername);
    free(j);
}

static void cfail(struct cjob *j, int status, const char *msg)
{
    j->status = status;
    snprintf(j->msg, sizeof j->msg, "%s", msg);
}

/* Text parameters: "" is written as NULL. */
#define PS(v) ((v) && *(v) ? OD_PS(v) : OD_PNULL)

/* ---- DELETE /claims/{ClaimNum} ------------------------------------------ */

/* As Open Dental's Edit Claim window deletes a claim: refused while an
 * insurance check is attached or the claim is Received; a preauth's or a
 * capitation claim's claimprocs are copies and go away; otherwise
 * supplemental and by-total rows (no procedure) go away and the others
 * become estimates again, with their claim-time amounts cleared. */
static int do_claim_delete(struct od_conn *c, struct cjob *j)
{
    char r[OD_MAXCOL][OD_COLSZ];
    struct od_prm k[1];
    long long pat;
    int isdup, received;
    k[0] = OD_PI(j->key);
    switch (
        od_query_row(c,
                     "SELECT PatNum, ClaimStatus, ClaimType FROM claim WHERE "
                     "ClaimNum = ? FOR UPDATE",
                     k, 1, 3, r)) {
    case 0:
        cfail(j, 404, "Claim not found");
        return -1;
    case -1:
        return -1;
    }
    pat = atoll(r[0]);
    received = strcmp(r[1], "R") == 0;
    isdup = strcmp(r[2], "PreAuth") == 0 || strcmp(r[2], "Cap") == 0;
    switch (od_query_row(c,
                         "SELECT 1 FROM claimproc WHERE ClaimNum = ? AND "
                         "ClaimPaymentNum <> 0 LIMIT 1 FOR UPDATE",
                         k, 1, 1, r)) {
    case 1:
        cfail(j, 400, "Cannot delete a claim while any insurance checks are "
                      "attached. Detach all insurance checks first.");
        return -1;
    case -1:
        return -1;
    }
    if (received) {
        cfail(j, 400, "Cannot delete a claim while its ClaimStatus is R "
                      "(Received). Change the status first.");
        return -1;
    }
    if (isdup) {
        if (od_exec(c, "DELETE FROM claimproc WHERE ClaimNum = ?", k, 1, NULL,
                    NULL))
            return -1;
    } else {
        struct od_prm d[2];
        d[0] = OD_PI(j->key);
        d[1] = OD_PI(CP_SUPPLEMENTAL);
        if (od_exec(c,
                    "DELETE FROM claimproc WHERE ClaimNum = ? AND (Status = ? "
                    "OR ProcNum = 0)",
                    d, 2, NULL, NULL))
            return -1;
        d[0] = OD_PI(CP_ESTIMATE);
        d[1] = OD_PI(j->key);
        if (od_exec(c,
                    "UPDATE claimproc SET Status = ?, ClaimNum = 0, "
                    "InsPayAmt = 0, DedApplied = 0, WriteOff = 0 WHERE "
                    "ClaimNum = ?",
                    d, 2, NULL, NULL))
            return -1;
    }
    if (od_exec(c, "DELETE FROM claim WHERE ClaimNum = ?", k, 1, NULL, NULL))
        return -1;
    return od_securitylog(c, PERM_CLAIM_DELETE, j->developer, "Deleted",
                          j->key, pat);
}

/* ---- PUT /claims/{ClaimNum}/Status -------------------------------------- */

/* As Open Dental marks a claim sent by hand (Etranss.SetClaimSentOrPrinted
 * from the Edit Claim window): ClaimStatus S on DateSent, and an etrans row
 * (ClaimPrinted, no clearinghouse) naming the claim's carriers.
 * DateSentOrig, the date first sent, is set only on a claim never sent
 * before: the one given, else DateSent. */
static int do_claim_status(struct od_conn *c, struct cjob *j)
{
    char r[OD_MAXCOL][OD_COLSZ];
    struct od_prm p[4];
    p[0] = OD_PI(j->key);
    switch (
        od_query_row(c,
                     "SELECT PatNum, ClaimStatus FROM claim WHERE ClaimNum = ? "
                     "FOR UPDATE",
                     p, 1, 2, r)) {
    case 0:
        cfail(j, 404, "Claim not found");
        return -1;
    case -1:
        return -1;
    }
    if (strcmp(r[1], "R") == 0) {
        cfail(j, 400, "The claim has already been received.");
        return -1;
    }
    p[0] = PS(j->date1);
    p[1] = PS(j->date2);
    p[2] = PS(j->date1);
    p[3] = OD_PI(j->key);
    if (od_exec(c,
                "UPDATE claim SET ClaimStatus = 'S', DateSent = ?, "
                "DateSentOrig = IF(DateSentOrig = '0001-01-01', COALESCE(?, "
                "?), DateSentOrig) WHERE ClaimNum = ?",
                p, 4, NULL, NULL))
        return -1;
    p[0] = OD_PI(ETYPE_CLAIM_PRINTED);
    p[1] = OD_PI(j->key);
    if (od_exec(c,
                "INSERT INTO etrans (DateTimeTrans, ClearingHouseNum, Etype, "
                "ClaimNum, CarrierNum, CarrierNum2, PatNum, Note, UserNum) "
                "SELECT NOW(), 0, ?, cl.ClaimNum, COALESCE(c1.CarrierNum, 0), "
                "COALESCE(c2.CarrierNum, 0), cl.PatNum, '', 0 FROM claim cl "
                "LEFT JOIN insplan i1 ON i1.PlanNum = cl.PlanNum LEFT JOIN "
                "carrier c1 ON c1.CarrierNum = i1.CarrierNum LEFT JOIN insplan "
                "i2 ON i2.PlanNum = cl.PlanNum2 AND cl.PlanNum2 <> 0 LEFT JOIN "
                "carrier c2 ON c2.CarrierNum = i2.CarrierNum WHERE "
                "cl.ClaimNum = ?",
                p, 2, NULL, NULL))
        return -1;
    return od_securitylog(c, PERM_CLAIM_SEND, j->developer, "Updated",
                          j->key, atoll(r[0]));
}

/* ---- POST /claimpayments, POST /claimpayments/Batch --------------------- */

#define PAYABLE "ClaimPaymentNum = 0 AND Status IN (1, 4)"

/* One check for the Received and Supplemental claimprocs of the claims
 * (not yet on a check), which must be Received claims; CheckAmt must be
 * their InsPayAmt total. */
static int do_pay_post(struct od_conn *c, struct cjob *j)
{
    char r[OD_MAXCOL][OD_COLSZ], msg[256];
    struct od_prm p[OD_MAXPRM];
    long long pat = 0, clinic = 0, plan = 0, id;
    double total = 0;
    int i;
    p[0] = PS("ClaimPaymentBatchOnly");
    if (!j->batch) {
        switch (od_query_row(c,
                             "SELECT 1 FROM preference WHERE PrefName = ? AND "
                             "ValueString IN ('1', 'true')",
                             p, 1, 1, r)) {
        case 1:
            cfail(j, 400, "ClaimPayments can only be made in batches "
                          "(preference ClaimPaymentBatchOnly).");
            return -1;
        case -1:
            return -1;
        }
    }
    for (i = 0; i < j->nclaims; i++) {
        p[0] = OD_PI(j->claims[i]);
        switch (
            od_query_row(c,
                         "SELECT PatNum, ClaimStatus, ClinicNum, PlanNum FROM "
                         "claim WHERE ClaimNum = ? FOR UPDATE",
                         p, 1, 4, r)) {
        case 0:
            snprintf(msg, sizeof msg, "Claim not found: %lld.",
                     j->claims[i]);
            cfail(j, 404, j->batch ? msg : "Claim not found.");
            return -1;
        case -1:
            return -1;
        }
        if (i == 0) {
            pat = atoll(r[0]);
            clinic = atoll(r[2]);
            plan = atoll(r[3]);
        }
        if (strcmp(r[1], "R") != 0) {
            snprintf(msg, sizeof msg, "Claim %lld must have a ClaimStatus of "
                     "R (Received).", j->claims[i]);
            cfail(j, 400, msg);
            return -1;
        }
        if (od_query_row(c,
                         "SELECT COUNT(*), COALESCE(SUM(InsPayAmt), 0) FROM "
                         "claimproc WHERE ClaimNum = ? AND " PAYABLE
                         " FOR UPDATE",
                         p, 1, 2, r) < 0)
            return -1;
        if (atoll(r[0]) == 0) {
            snprintf(msg, sizeof msg, "Claim %lld has no Received or "
                     "Supplemental ClaimProcs without a ClaimPayment.",
                     j->claims[i]);
            cfail(j, 400, msg);
            return -1;
        }
        total += atof(r[1]);
    }
    if (fabs(round(total * 100) - round(j->amt * 100)) > 0.5) {
        snprintf(msg, sizeof msg, "CheckAmt must match the total InsPayAmt "
                 "of the ClaimProcs (%.2f).", round(total * 100) / 100);
        cfail(j, 400, msg);
        return -1;
    }
    /* inputs naming rows, then defaults */
    if (j->has_clinic && j->clinic) {
        p[0] = OD_PI(j->clinic);
        switch (od_query_row(c, "SELECT 1 FROM clinic WHERE ClinicNum = ?", p,
                             1, 1, r)) {
        case 0:
            cfail(j, 400, "ClinicNum is invalid.");
            return -1;
        case -1:
            return -1;
        }
    }
    if (!j->has_clinic)
        j->clinic = clinic;
    if (j->has_paytype && j->paytype) {
        p[0] = OD_PI(j->paytype);
        switch (od_query_row(c, FK_DEF(32), p, 1, 1, r)) {
        case 0:
            cfail(j, 400, "PayType is invalid.");
            return -1;
        case -1:
            return -1;
        }
    }
    if (j->has_paygroup && j->paygroup) {
        p[0] = OD_PI(j->paygroup);
        switch (od_query_row(c, FK_DEF(40), p, 1, 1, r)) {
        case 0:
            cfail(j, 400, "PayGroup is invalid.");
            return -1;
        case -1:
            return -1;
        }
    }
    p[0] = OD_PI(32);
    if (!j->has_paytype) {
        r[0][0] = '\0';
        if (od_query_row(c,
                         "SELECT DefNum FROM definition WHERE Category = ? AND "
                         "IsHidden = 0 ORDER BY ItemOrder, DefNum LIMIT 1",
                         p, 1, 1, r) < 0)
            return -1;
        j->paytype = atoll(r[0]);
    }
    p[0] = OD_PI(40);
    if (!j->has_paygroup) {
        r[0][0] = '\0';
        if (od_query_row(c,
                         "SELECT DefNum FROM definition WHERE Category = ? AND "
                         "IsHidden = 0 ORDER BY ItemOrder, DefNum LIMIT 1",
                         p, 1, 1, r) < 0)
            return -1;
        j->paygroup = atoll(r[0]);
    }
    if (!j->carriername) {
        p[0] = OD_PI(plan);
        r[0][0] = '\0';
        if (od_query_row(
                c,
                "SELECT c.CarrierName FROM insplan i JOIN carrier c ON "
                "c.CarrierNum = i.CarrierNum WHERE i.PlanNum = ?",
                p, 1, 1, r) < 0)
            return -1;
        if (!(j->carriername = strdup(r[0])))
            return -1;
    }
    p[0] = PS(j->date1);
    p[1] = OD_PD(round(j->amt * 100) / 100);
    p[2] = PS(j->checknum ? j->checknum : "");
    p[3] = PS(j->bankbranch ? j->bankbranch : "");
    p[4] = PS(j->note ? j->note : "");
    p[5] = OD_PI(j->clinic);
    p[6] = PS(j->carriername);
    p[7] = PS(j->date2);
    p[8] = OD_PI(j->paytype);
    p[9] = OD_PI(j->paygroup);
    if (od_exec(c,
                "INSERT INTO claimpayment (CheckDate, CheckAmt, CheckNum, "
                "BankBranch, Note, ClinicNum, DepositNum, CarrierName, "
                "DateIssued, IsPartial, PayType, SecUserNumEntry, "
                "SecDateEntry, PayGroup) VALUES (COALESCE(?, CURDATE()), ?, "
                "COALESCE(?, ''), COALESCE(?, ''), COALESCE(?, ''), ?, 0, "
                "COALESCE(?, ''), "
                "COALESCE(?, '0001-01-01'), 0, ?, 0, CURDATE(), ?)",
                p, 10, NULL, &id))
        return -1;
    j->key = id;
    for (i = 0; i < j->nclaims; i++) {
        p[0] = OD_PI(id);
        p[1] = PS(j->date1);
        p[2] = OD_PI(j->claims[i]);
        if (od_exec(c,
                    "UPDATE claimproc SET ClaimPaymentNum = ?, DateCP = "
                    "COALESCE(?, CURDATE()), DateInsFinalized = "
                    "IF(DateInsFinalized = '0001-01-01', CURDATE(), "
                    "DateInsFinalized) WHERE ClaimNum = ? AND " PAYABLE,
                    p, 3, NULL, NULL))
            return -1;
    }
    return od_securitylog(c, PERM_INS_PAY_CREATE, j->developer, "Created",
                          id, j->nclaims == 1 ? pat : 0);
}

/* ---- DELETE /claimpayments/{ClaimPaymentNum} ---------------------------- */

/* Refused while the check is on a deposit; its claimprocs are detached
 * (they keep their Received status and InsPayAmt, as in Open Dental). */
static int do_pay_delete(struct od_conn *c, struct cjob *j)
{
    char r[OD_MAXCOL][OD_COLSZ];
    struct od_prm k[1];
    k[0] = OD_PI(j->key);
    switch (od_query_row(c,
                         "SELECT DepositNum FROM claimpayment WHERE "
                         "ClaimPaymentNum = ? FOR UPDATE",
                         k, 1, 1, r)) {
    case 0:
        cfail(j, 404, "ClaimPayment not found.");
        return -1;
    case -1:
        return -1;
    }
    if (atoll(r[0]) != 0) {
        cfail(j, 400, "Cannot delete a ClaimPayment that is attached to a "
                      "deposit.");
        return -1;
    }
    if (od_exec(c,
                "UPDATE claimproc SET ClaimPaymentNum = 0, DateInsFinalized = "
                "'0001-01-01' WHERE ClaimPaymentNum = ?",
                k, 1, NULL, NULL) ||
        od_exec(c, "DELETE FROM claimpayment WHERE ClaimPaymentNum = ?", k, 1,
                NULL, NULL))
        return -1;
    return od_securitylog(c, PERM_INS_PAY_EDIT, j->developer, "Deleted",
                          j->key, 0);
}

/* ---- running an action ------------------------------------------------- */

static int work(struct od_conn *c, void *arg)
{
    struct cjob *j = arg;
    char key[32], err[256];
    const char *params[1];
    const struct od_resource *res = NULL;
    const char *where = NULL, *order = NULL;
    int rc;
    j->status = 0;
    j->msg[0] = '\0';
    if (od_tx_begin(c) != 0)
        return od_tx_failed(c, &j->status, j->msg, sizeof j->msg);
    switch (j->act) {
    case A_CLAIM_DELETE:
        rc = do_claim_delete(c, j);
        break;
    case A_CLAIM_STATUS:
        rc = do_claim_status(c, j);
        break;
    case A_PAY_POST:
        rc = do_pay_post(c, j);
        break;
    default:
        rc = do_pay_delete(c, j);
    }
    if (od_tx_end(c, rc) == 0) {
        if (j->act == A_CLAIM_STATUS) {
            res = &od_res_claims;
            where = "t.ClaimNum = ?";
            order = "t.ClaimNum";
        } else if (j->act == A_PAY_POST) {
            res = &od_res_claimpayments;
            where = "t.ClaimPaymentNum = ?";
            order = "t.ClaimPaymentNum";
        }
        j->status = j->act == A_PAY_POST ? 201 : 200;
        if (!res)
            return OD_WORK_DONE;
        /* the row, as its GET writes it (without serverDateTime) */
        snprintf(key, sizeof key, "%lld", j->key);
        params[0] = key;
        od_buf_free(&j->out);
        od_buf_init(&j->out);
        if (od_resource_rows_json(c, res, where, order, params, 1, 1,
                                  &j->out, err, sizeof err) != 1) {
            /* committed: never run again */
            cfail(j, c->lost ? 503 : 500,
                  c->lost ? "The database is not available."
                          : "The change was made but could not be read.");
        }
        return OD_WORK_DONE;
    }
    return od_tx_failed(c, &j->status, j->msg, sizeof j->msg);
}

static void done(void *arg, int status)
{
    struct cjob *j = arg;
    odapi_request *req = j->req;
    const char *p, *host;
    char url[512];
    size_t n;
    if (status != ODAPI_OK) {
        odapi_reply_error(req, 503, "The database is not available.");
    } else if (j->status != 200 && j->status != 201) {
        odapi_reply_error(req, j->status ? j->status : 500,
                          j->msg[0] ? j->msg : "The request failed.");
    } else if (j->out.oom) {
        odapi_reply_error(req, 500, "Out of memory.");
    } else {
        /* one row of a JSON array: the object inside the brackets */
        p = j->out.p ? j->out.p : "";
        n = j->out.len;
        while (n && (p[n - 1] == ']' || p[n - 1] == '\n'))
            n--;
        if (n && *p == '[') {
            p++;
            n--;
        }
        if (j->status == 201) {
            host = odapi_request_header(req, "Host");
            if (host && *host && !strpbrk(host, "\r\n/ "))
                snprintf(url, sizeof url, "%s://%s/api/v1/claimpayments/%lld",
                         req->srv->ssl_ctx ? "https" : "http", host, j->key);
            else
                snprintf(url, sizeof url, "%sclaimpayments/%lld",
                         req->srv->base_url, j->key);
            odapi_request_add_header(req, "Location", url);
        }
        odapi_reply(req, j->status, p, n);
    }
    cjob_free(j);
}

static struct cjob *cjob_new(odapi_request *req, enum act act,
                             const char *keyname)
{
    struct cjob *j;
    long long key = 0;
    char msg[64];
    if (keyname) {
        if (od_parse_key(odapi_request_segment(req, keyname), &key)) {
            snprintf(msg, sizeof msg, "%s is invalid.", keyname);
            odapi_reply_error(req, 400, msg);
            return NULL;
        }
    }
    if (!(j = calloc(1, sizeof *j))) {
        odapi_reply_error(req, 500, "Out of memory.");
        return NULL;
    }
    j->req = req;
    j->act = act;
    j->key = key;
    od_buf_init(&j->out);
    snprintf(j->developer, sizeof j->developer, "%s", req->developer);
    return j;
}

static void submit(struct cjob *j)
{
    if (od_request_submit(j->req, work, done, j))
        cjob_free(j);
}

/* The request body as an object; NULL after a 400. */
static json_t *body_object(odapi_request *req)
{
    json_t *body = od_request_json(req);
    if (!body || !json_is_object(body)) {
        odapi_reply_error(req, 400, body
                              ? "The request body must be a JSON object."
                              : "The request body is not valid JSON.");
        json_decref(body);
        return NULL;
    }
    return body;
}

/* A date member into out ("" when absent or null): 0, or -1 with msg. */
static int member_date(json_t *body, const char *name, int required,
                       char *out, char *msg, size_t msgsize)
{
    json_t *v = json_object_get(body, name);
    out[0] = '\0';
    if (!v || json_is_null(v) || (json_is_string(v) &&
                                  !*json_string_value(v))) {
        if (required) {
            snprintf(msg, msgsize, "%s is required.", name);
            return -1;
        }
        return 0;
    }
    if (!json_is_string(v) || !od_valid_date(json_string_value(v), 0)) {
        snprintf(msg, msgsize, "%s format must be yyyy-MM-dd.", name);
        return -1;
    }
    snprintf(out, 11, "%s", json_string_value(v));
    return 0;
}

/* A text member (NULL when absent) for claimpayment's column of that
 * name: 0, or -1 with msg (too long or not storable there: the one
 * check every write of text makes, od_text_check). */
static int member_text(const struct od_catalog *cat, json_t *body,
                       const char *name, char **out, char *msg,
                       size_t msgsize)
{
    json_t *v = json_object_get(body, name);
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_string(v)) {
        snprintf(msg, msgsize, "%s is invalid.", name);
        return -1;
    }
    if (od_text_check(cat, "claimpayment", name, name, json_string_value(v),
                      msg, msgsize))
        return -1;
    if (!(*out = strdup(json_string_value(v)))) {
        snprintf(msg, msgsize, "Out of memory.");
        return -1;
    }
    return 0;
}

/* An integer member (a number or a string of digits): 1 given, 0 absent,
 * -1 with msg. */
static int member_int(json_t *body, const char *name, long long *out,
                      char *msg, size_t msgsize)
{
    json_t *v = json_object_get(body, name);
    if (!v || json_is_null(v))
        return 0;
    if (json_is_integer(v))
        *out = (long long)json_integer_value(v);
    else if (!json_is_string(v) || od_parse_ll(json_string_value(v), out))
        *out = -1;
    if (*out < 0) {
        snprintf(msg, msgsize, "%s is invalid.", name);
        return -1;
    }
    return 1;
}

static void h_claim_delete(odapi_request *req, void *arg)
{
    struct cjob *j = cjob_new(req, A_CLAIM_DELETE, "ClaimNum");
    (void)arg;
    if (j)
        submit(j);
}

static void h_claim_status(odapi_request *req, void *arg)
{
    struct cjob *j;
    json_t *body;
    char msg[128];
    (void)arg;
    if (!(j = cjob_new(req, A_CLAIM_STATUS, "ClaimNum")))
        return;
    if (!(body = body_object(req))) {
        cjob_free(j);
        return;
    }
    if (member_date(body, "DateSent", 1, j->date1, msg, sizeof msg) ||
        member_date(body, "DateSentOrig", 0, j->date2, msg, sizeof msg)) {
        odapi_reply_error(req, 400, msg);
        json_decref(body);
        cjob_free(j);
        return;
    }
    json_decref(body);
    submit(j);
}

/* claimNums: a JSON array of claim numbers, or a comma list in a string;
 * duplicates are dropped. 0, or -1 with msg. */
static int read_claims(json_t *body, struct cjob *j, char *msg,
                       size_t msgsize)
{
    json_t *v = json_object_get(body, "claimNums"), *e;
    long long x, list[2 * MAX_CLAIMS];
    size_t i, n = 0;
    int k;
    if (!v || json_is_null(v) || (json_is_array(v) && !json_array_size(v)) ||
        (json_is_string(v) && !*json_string_value(v))) {
        snprintf(msg, msgsize, "claimNums is required.");
        return -1;
    }
    if (json_is_array(v)) {
        json_array_foreach(v, i, e) {
            if (json_is_integer(e))
                x = (long long)json_integer_value(e);
            else if (!json_is_string(e) ||
                     od_parse_key(json_string_value(e), &x))
                goto invalid;
            if (x <= 0 || j->nclaims >= MAX_CLAIMS)
                goto invalid;
            for (k = 0; k < j->nclaims && j->claims[k] != x; k++)
                ;
            if (k == j->nclaims)
                j->claims[j->nclaims++] = x;
        }
        return 0;
    }
    if (!json_is_string(v) ||
        od_parse_key_list(json_string_value(v), list, OD_ARRAY_LEN(list), &n))
        goto invalid;
    for (i = 0; i < n; i++) {
        x = list[i];
        if (x <= 0 || j->nclaims >= MAX_CLAIMS)
            goto invalid;
        for (k = 0; k < j->nclaims && j->claims[k] != x; k++)
            ;
        if (k == j->nclaims)
            j->claims[j->nclaims++] = x;
    }
    if (j->nclaims)
        return 0;
invalid:
    snprintf(msg, msgsize, "claimNums is invalid.");
    return -1;
}

static void pay_post(odapi_request *req, int batch)
{
    const struct od_catalog *cat = od_db_catalog(req->srv->db);
    struct cjob *j;
    json_t *body, *v;
    char msg[128];
    long long x;
    int rc;
    if (!(j = cjob_new(req, A_PAY_POST, NULL)))
        return;
    j->batch = batch;
    if (!(body = body_object(req))) {
        cjob_free(j);
        return;
    }
    msg[0] = '\0';
    if (batch) {
        if (read_claims(body, j, msg, sizeof msg))
            goto bad;
    } else {
        rc = member_int(body, "claimNum", &x, msg, sizeof msg);
        if (rc < 0)
            goto bad;
        if (rc == 0) {
            snprintf(msg, sizeof msg, "claimNum is required.");
            goto bad;
        }
        j->claims[j->nclaims++] = x;
    }
    v = json_object_get(body, "CheckAmt");
    if (!v || json_is_null(v) || (json_is_string(v) &&
                                  !*json_string_value(v))) {
        snprintf(msg, sizeof msg, "CheckAmt is required.");
        goto bad;
    }
    if (json_is_number(v))
        j->amt = json_number_value(v);
    else if (!json_is_string(v) ||
             od_parse_decimal(json_string_value(v), &j->amt))
        j->amt = NAN;
    if (isnan(j->amt) || j->amt > 1e12 || j->amt < -1e12) {
        snprintf(msg, sizeof msg, "CheckAmt is invalid.");
        goto bad;
    }
    if (member_date(body, "CheckDate", 0, j->date1, msg, sizeof msg) ||
        member_date(body, "DateIssued", 0, j->date2, msg, sizeof msg) ||
        member_text(cat, body, "CheckNum", &j->checknum, msg, sizeof msg) ||
        member_text(cat, body, "BankBranch", &j->bankbranch, msg,
                    sizeof msg) ||
        member_text(cat, body, "Note", &j->note, msg, sizeof msg) ||
        member_text(cat, body, "CarrierName", &j->carriername, msg,
                    sizeof msg) ||
        (j->has_clinic = member_int(body, "ClinicNum", &j->clinic, msg,
                                    sizeof msg)) < 0 ||
        (j->has_paytype = member_int(body, "PayType", &j->paytype, msg,
                                     sizeof msg)) < 0 ||
        (j->has_paygroup = member_int(body, "PayGroup", &j->paygroup, msg,
                                      sizeof msg)) < 0)
        goto bad;
    json_decref(body);
    submit(j);
    return;
bad:
    odapi_reply_error(req, 400, msg);
    json_decref(body);
    cjob_free(j);
}

static void h_pay_post(odapi_request *req, void *arg)
{
    (void)arg;
    pay_post(req, 0);
}

static void h_pay_batch(odapi_request *req, void *arg)
{
    (void)arg;
    pay_post(req, 1);
}

static void h_pay_delete(odapi_request *req, void *arg)
{
    struct cjob *j = cjob_new(req, A_PAY_DELETE, "ClaimPaymentNum");
    (void)arg;
    if (j)
        submit(j);
}

/* What these routes take and answer, for GET /openapi.json
 * (engine/openapi-internal.h). */
static const struct od_opdoc claim_docs[] = {
    {"DELETE", "/claims/{ClaimNum}",
     "Delete a claim.",
     NULL,
     NULL,
     NULL},
    {"PUT", "/claims/{ClaimNum}/Status",
     "Mark a claim sent on DateSent.",
     NULL,
     "DateSent:date!,DateSentOrig:date",
     "claims"},
    {"POST", "/claimpayments",
     "Receive a payment for one claim.",
     NULL,
     "claimNum:int!,CheckAmt:money!,CheckDate:date,DateIssued:date,CheckNum:text,BankBranch:text,Note:text,CarrierName:text,ClinicNum:int,PayType:int,PayGroup:int",
     "claimpayments"},
    {"POST", "/claimpayments/Batch",
     "Receive one payment for several claims.",
     NULL,
     "claimNums:ints!,CheckAmt:money!,CheckDate:date,DateIssued:date,CheckNum:text,BankBranch:text,Note:text,CarrierName:text,ClinicNum:int,PayType:int,PayGroup:int",
     "claimpayments"},
    {"DELETE", "/claimpayments/{ClaimPaymentNum}",
     "Delete a claim payment.",
     NULL,
     NULL,
     NULL},
};

void od_register_claim_actions(odapi_server *srv);
void od_register_claim_actions(odapi_server *srv)
{
    od_router_add(&srv->router, "DELETE", "/claims/{ClaimNum}",
                  ODAPI_PERM_INSURANCE, h_claim_delete, NULL);
    od_router_add(&srv->router, "PUT", "/claims/{ClaimNum}/Status",
                  ODAPI_PERM_INSURANCE, h_claim_status, NULL);
    od_router_add(&srv->router, "POST", "/claimpayments",
                  ODAPI_PERM_INSURANCE, h_pay_post, NULL);
    od_router_add(&srv->router, "POST", "/claimpayments/Batch",
                  ODAPI_PERM_INSURANCE, h_pay_batch, NULL);
    od_router_add(&srv->router, "DELETE", "/claimpayments/{ClaimPaymentNum}",
                  ODAPI_PERM_INSURANCE, h_pay_delete, NULL);
    od_api_docs(srv, claim_docs, (int)OD_ARRAY_LEN(claim_docs));
}
