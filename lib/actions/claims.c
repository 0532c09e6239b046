/* claims.c - the hand-written claim and claim payment actions (the api*.html
 * pages): DELETE /claims/{ClaimNum}, PUT /claims/{ClaimNum}/Status, POST
 * /claimpayments, POST /claimpayments/Batch and DELETE
 * /claimpayments/{ClaimPaymentNum}; their resources are descriptions
 * (resources/claimpay.c, insurance.c). Each action is one transaction with a
 * securitylog row, prepared statements only. Choices Open Dental's docs leave
 * open are in docs/resources.md. */
#include "actions/kit-internal.h"
#include "engine/openapi-internal.h"
#include "resources/resources-internal.h"
#include "db/catalog-internal.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* EnumPermType values used in securitylog (GroupPermission.cs). */
enum { PERM_INS_PAY_CREATE = 36, PERM_INS_PAY_EDIT = 37,
       PERM_CLAIM_SEND = 104, PERM_CLAIM_DELETE = 118 };

/* ClaimProcStatus values (Open Dental's C# enums). */
enum { CP_RECEIVED = 1, CP_SUPPLEMENTAL = 4, CP_ESTIMATE = 6 };

/* EtransType ClaimPrinted (Etrans.cs). */
enum { ETYPE_CLAIM_PRINTED = 1 };

#define FK_DEF(cat) "SELECT 1 FROM definition WHERE DefNum = ? AND " \
                    "Category = " #cat

/* ---- the hand-written actions ------------------------------------------- */

#define MAX_CLAIMS 100

/* An action's input (od_ck_job.data); ck is its job: the key (ClaimNum,
 * or ClaimPaymentNum), the developer, the refusal. */
struct cjob {
    struct od_ck_job *ck;
    int batch;
    long long claims[MAX_CLAIMS];  /* POST: the claims paid */
    int nclaims;
    /* inputs: NULL or "" when absent */
    char date1[11], date2[11];     /* DateSent/DateSentOrig; CheckDate/
                                      DateIssued */
    double amt;
    char *checknum, *bankbranch, *note, *carriername;
    int has_clinic, has_paytype, has_paygroup;
    long long clinic, paytype, paygroup;
};

static void cjob_free(void *data)
{
    struct cjob *j = data;
    free(j->checknum);
    free(j->bankbranch);
    free(j->note);
    free(j->carriername);
    free(j);
}

static void cfail(struct cjob *j, int status, const char *msg)
{
    od_ck_fail(j->ck, status, "%s", msg);
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
    k[0] = OD_PI(j->ck->key);
    if (od_ck_need_row(c, j->ck,
                       "SELECT PatNum, ClaimStatus, ClaimType FROM claim WHERE "
                       "ClaimNum = ? FOR UPDATE",
                       k, 1, 3, r, 404, "Claim not found") < 0)
        return -1;
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
        d[0] = OD_PI(j->ck->key);
        d[1] = OD_PI(CP_SUPPLEMENTAL);
        if (od_exec(c,
                    "DELETE FROM claimproc WHERE ClaimNum = ? AND (Status = ? "
                    "OR ProcNum = 0)",
                    d, 2, NULL, NULL))
            return -1;
        d[0] = OD_PI(CP_ESTIMATE);
        d[1] = OD_PI(j->ck->key);
        if (od_exec(c,
                    "UPDATE claimproc SET Status = ?, ClaimNum = 0, "
                    "InsPayAmt = 0, DedApplied = 0, WriteOff = 0 WHERE "
                    "ClaimNum = ?",
                    d, 2, NULL, NULL))
            return -1;
    }
    if (od_exec(c, "DELETE FROM claim WHERE ClaimNum = ?", k, 1, NULL, NULL))
        return -1;
    return od_securitylog(c, PERM_CLAIM_DELETE, j->ck->developer, "Deleted",
                          j->ck->key, pat);
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
    p[0] = OD_PI(j->ck->key);
    if (od_ck_need_row(
            c, j->ck,
            "SELECT PatNum, ClaimStatus FROM claim WHERE ClaimNum = ? "
            "FOR UPDATE",
            p, 1, 2, r, 404, "Claim not found") < 0)
        return -1;
    if (strcmp(r[1], "R") == 0) {
        cfail(j, 400, "The claim has already been received.");
        return -1;
    }
    p[0] = PS(j->date1);
    p[1] = PS(j->date2);
    p[2] = PS(j->date1);
    p[3] = OD_PI(j->ck->key);
    if (od_exec(c,
                "UPDATE claim SET ClaimStatus = 'S', DateSent = ?, "
                "DateSentOrig = IF(DateSentOrig = '0001-01-01', COALESCE(?, "
                "?), DateSentOrig) WHERE ClaimNum = ?",
                p, 4, NULL, NULL))
        return -1;
    p[0] = OD_PI(ETYPE_CLAIM_PRINTED);
    p[1] = OD_PI(j->ck->key);
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
    return od_securitylog(c, PERM_CLAIM_SEND, j->ck->developer, "Updated",
                          j->ck->key, atoll(r[0]));
}

/* ---- POST /claimpayments, POST /claimpayments/Batch --------------------- */

#define PAYABLE "ClaimPaymentNum = 0 AND Status IN (1, 4)"

/* The claims, locked: each must be Received and have payable claimprocs
 * (Received or Supplemental, not yet on a check), also locked. Their
 * InsPayAmt total into *total; the first claim's patient, clinic and plan
 * into first[3]. 0, or -1. */
static int lock_claims(struct od_conn *c, struct cjob *j, double *total,
                       long long first[3])
{
    char r[OD_MAXCOL][OD_COLSZ];
    struct od_prm p[1];
    int i;
    for (i = 0; i < j->nclaims; i++) {
        p[0] = OD_PI(j->claims[i]);
        switch (
            od_query_row(c,
                         "SELECT PatNum, ClaimStatus, ClinicNum, PlanNum FROM "
                         "claim WHERE ClaimNum = ? FOR UPDATE",
                         p, 1, 4, r)) {
        case 0:
            return j->batch ? od_ck_fail(j->ck, 404, "Claim not found: %lld.",
                                         j->claims[i])
                            : od_ck_fail(j->ck, 404, "Claim not found.");
        case -1:
            return -1;
        }
        if (i == 0) {
            first[0] = atoll(r[0]);
            first[1] = atoll(r[2]);
            first[2] = atoll(r[3]);
        }
        if (strcmp(r[1], "R") != 0)
            return od_ck_fail(j->ck, 400, "Claim %lld must have a ClaimStatus "
                              "of R (Received).", j->claims[i]);
        if (od_query_row(c,
                         "SELECT COUNT(*), COALESCE(SUM(InsPayAmt), 0) FROM "
                         "claimproc WHERE ClaimNum = ? AND " PAYABLE
                         " FOR UPDATE",
                         p, 1, 2, r) < 0)
            return -1;
        if (atoll(r[0]) == 0)
            return od_ck_fail(j->ck, 400, "Claim %lld has no Received or "
                              "Supplemental ClaimProcs without a "
                              "ClaimPayment.", j->claims[i]);
        *total += atof(r[1]);
    }
    return 0;
}

/* The first visible definition of category cat (0 when none): a default. */
static int first_def(struct od_conn *c, int cat, long long *out)
{
    char r[OD_MAXCOL][OD_COLSZ];
    struct od_prm p[1] = {OD_PI(cat)};
    if (od_query_row(c,
                     "SELECT DefNum FROM definition WHERE Category = ? AND "
                     "IsHidden = 0 ORDER BY ItemOrder, DefNum LIMIT 1",
                     p, 1, 1, r) < 0)
        return -1;
    *out = atoll(r[0]);
    return 0;
}

/* Inputs naming rows must name one; absent ones get their defaults: the
 * first claim's clinic, the first visible PayType and PayGroup, the plan's
 * carrier. 0, or -1. */
static int pay_inputs(struct od_conn *c, struct cjob *j, long long clinic,
                      long long plan)
{
    char r[OD_MAXCOL][OD_COLSZ];
    struct od_prm p[1];
    if (j->has_clinic && j->clinic) {
        p[0] = OD_PI(j->clinic);
        if (od_ck_need_row(c, j->ck, "SELECT 1 FROM clinic WHERE ClinicNum = ?",
                           p, 1, 1, r, 400, "ClinicNum is invalid.") < 0)
            return -1;
    }
    if (!j->has_clinic)
        j->clinic = clinic;
    if (j->has_paytype && j->paytype) {
        p[0] = OD_PI(j->paytype);
        if (od_ck_need_row(c, j->ck, FK_DEF(32), p, 1, 1, r, 400,
                           "PayType is invalid.") < 0)
            return -1;
    }
    if (j->has_paygroup && j->paygroup) {
        p[0] = OD_PI(j->paygroup);
        if (od_ck_need_row(c, j->ck, FK_DEF(40), p, 1, 1, r, 400,
                           "PayGroup is invalid.") < 0)
            return -1;
    }
    if ((!j->has_paytype && first_def(c, 32, &j->paytype)) ||
        (!j->has_paygroup && first_def(c, 40, &j->paygroup)))
        return -1;
    if (j->carriername)
        return 0;
    p[0] = OD_PI(plan);
    if (od_query_row(c,
                     "SELECT c.CarrierName FROM insplan i JOIN carrier c ON "
                     "c.CarrierNum = i.CarrierNum WHERE i.PlanNum = ?",
                     p, 1, 1, r) < 0)
        return -1;
    return (j->carriername = strdup(r[0])) ? 0 : -1;
}

/* The check, and its claimprocs attached to it. */
static int insert_payment(struct od_conn *c, struct cjob *j)
{
    struct od_prm p[10];
    long long id;
    int i;
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
    j->ck->key = id;
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
    return 0;
}

/* One check for the Received and Supplemental claimprocs of the claims
 * (not yet on a check), which must be Received claims; CheckAmt must be
 * their InsPayAmt total. */
static int do_pay_post(struct od_conn *c, struct cjob *j)
{
    char r[OD_MAXCOL][OD_COLSZ];
    struct od_prm p[1] = {PS("ClaimPaymentBatchOnly")};
    long long first[3] = {0, 0, 0}; /* PatNum, ClinicNum, PlanNum */
    double total = 0;
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
    if (lock_claims(c, j, &total, first))
        return -1;
    if (fabs(round(total * 100) - round(j->amt * 100)) > 0.5)
        return od_ck_fail(j->ck, 400, "CheckAmt must match the total "
                          "InsPayAmt of the ClaimProcs (%.2f).",
                          round(total * 100) / 100);
    if (pay_inputs(c, j, first[1], first[2]) || insert_payment(c, j))
        return -1;
    return od_securitylog(c, PERM_INS_PAY_CREATE, j->ck->developer, "Created",
                          j->ck->key, j->nclaims == 1 ? first[0] : 0);
}

/* ---- DELETE /claimpayments/{ClaimPaymentNum} ---------------------------- */

/* Refused while the check is on a deposit; its claimprocs are detached
 * (they keep their Received status and InsPayAmt, as in Open Dental). */
static int do_pay_delete(struct od_conn *c, struct cjob *j)
{
    char r[OD_MAXCOL][OD_COLSZ];
    struct od_prm k[1];
    k[0] = OD_PI(j->ck->key);
    if (od_ck_need_row(c, j->ck,
                       "SELECT DepositNum FROM claimpayment WHERE "
                       "ClaimPaymentNum = ? FOR UPDATE",
                       k, 1, 1, r, 404, "ClaimPayment not found.") < 0)
        return -1;
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
    return od_securitylog(c, PERM_INS_PAY_EDIT, j->ck->developer, "Deleted",
                          j->ck->key, 0);
}

/* ---- running an action ------------------------------------------------- */

static int work_claim_delete(struct od_conn *c, struct od_ck_job *j)
{
    return do_claim_delete(c, j->data);
}

static int work_claim_status(struct od_conn *c, struct od_ck_job *j)
{
    return do_claim_status(c, j->data);
}

static int work_pay_post(struct od_conn *c, struct od_ck_job *j)
{
    return do_pay_post(c, j->data);
}

static int work_pay_delete(struct od_conn *c, struct od_ck_job *j)
{
    return do_pay_delete(c, j->data);
}

/* A job for an action, its input attached; keyname: the path's key. The
 * answer is res's row (NULL: none, 200 without a body). NULL after
 * answering. */
static struct od_ck_job *cjob_new(odapi_request *req, od_ck_work_fn work,
                                  const char *keyname,
                                  const struct od_resource *res)
{
    struct od_ck_job *j;
    struct cjob *x;
    long long key = 0;
    if ((keyname && od_ck_path_key(req, keyname, 0, &key)) ||
        !(j = od_ck_new_data(req, work, 1, sizeof *x, cjob_free)))
        return NULL;
    j->key = key;
    j->res = res;
    j->no_body = !res;
    x = j->data;
    x->ck = j;
    return j;
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
    const char *s;
    int rc = od_ck_string(body, name, &s, msg, msgsize);
    if (rc <= 0)
        return rc;
    if (od_text_check(cat, "claimpayment", name, name, s, msg, msgsize))
        return -1;
    if (!(*out = strdup(s))) {
        snprintf(msg, msgsize, "Out of memory.");
        return -1;
    }
    return 0;
}

static void h_claim_delete(odapi_request *req, void *arg)
{
    struct od_ck_job *j = cjob_new(req, work_claim_delete, "ClaimNum", NULL);
    (void)arg;
    if (j)
        od_ck_submit(j);
}

static void h_claim_status(odapi_request *req, void *arg)
{
    struct od_ck_job *j;
    struct cjob *x;
    char msg[128];
    (void)arg;
    if (!(j = cjob_new(req, work_claim_status, "ClaimNum", &od_res_claims)) ||
        !od_ck_take_body(j))
        return;
    x = j->data;
    if (member_date(j->body, "DateSent", 1, x->date1, msg, sizeof msg) ||
        member_date(j->body, "DateSentOrig", 0, x->date2, msg, sizeof msg))
        return od_ck_reject(j, 400, msg);
    od_ck_submit(j);
}

/* POST /claimpayments (and Batch)'s body into j: 0, or -1 with msg. */
static int read_pay(const struct od_catalog *cat, json_t *body,
                    struct cjob *j, char *msg, size_t msgsize)
{
    json_t *v;
    long long x;
    if (j->batch) {
        /* claimNums: duplicates dropped */
        if (od_ck_required(od_ck_keys(body, "claimNums", j->claims,
                                      MAX_CLAIMS, &j->nclaims, msg, msgsize),
                           "claimNums", msg, msgsize))
            return -1;
    } else {
        if (od_ck_required(od_ck_int(body, "claimNum", 0, &x, msg, msgsize),
                           "claimNum", msg, msgsize))
            return -1;
        j->claims[j->nclaims++] = x;
    }
    v = json_object_get(body, "CheckAmt");
    if (!v || json_is_null(v) || (json_is_string(v) &&
                                  !*json_string_value(v))) {
        snprintf(msg, msgsize, "CheckAmt is required.");
        return -1;
    }
    if (json_is_number(v))
        j->amt = json_number_value(v);
    else if (!json_is_string(v) ||
             od_parse_decimal(json_string_value(v), &j->amt))
        j->amt = NAN;
    if (isnan(j->amt) || j->amt > 1e12 || j->amt < -1e12) {
        snprintf(msg, msgsize, "CheckAmt is invalid.");
        return -1;
    }
    return member_date(body, "CheckDate", 0, j->date1, msg, msgsize) ||
           member_date(body, "DateIssued", 0, j->date2, msg, msgsize) ||
           member_text(cat, body, "CheckNum", &j->checknum, msg, msgsize) ||
           member_text(cat, body, "BankBranch", &j->bankbranch, msg,
                       msgsize) ||
           member_text(cat, body, "Note", &j->note, msg, msgsize) ||
           member_text(cat, body, "CarrierName", &j->carriername, msg,
                       msgsize) ||
           (j->has_clinic = od_ck_int(body, "ClinicNum", 0, &j->clinic, msg,
                                      msgsize)) < 0 ||
           (j->has_paytype = od_ck_int(body, "PayType", 0, &j->paytype, msg,
                                       msgsize)) < 0 ||
           (j->has_paygroup = od_ck_int(body, "PayGroup", 0, &j->paygroup,
                                        msg, msgsize)) < 0
               ? -1
               : 0;
}

static void pay_post(odapi_request *req, int batch)
{
    struct od_ck_job *j;
    char msg[128];
    if (!(j = cjob_new(req, work_pay_post, NULL, &od_res_claimpayments)) ||
        !od_ck_take_body(j))
        return;
    ((struct cjob *)j->data)->batch = batch;
    msg[0] = '\0';
    if (read_pay(od_db_catalog(req->srv->db), j->body, j->data, msg,
                 sizeof msg))
        return od_ck_reject(j, 400, msg);
    j->created = 1;
    j->location = "claimpayments";
    od_ck_submit(j);
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
    struct od_ck_job *j = cjob_new(req, work_pay_delete, "ClaimPaymentNum",
                                   NULL);
    (void)arg;
    if (j)
        od_ck_submit(j);
}

/* What these routes take and answer, for GET /openapi.json
 * (engine/openapi-internal.h). */
static const struct od_opdoc claim_docs[] = {
    {"DELETE", "/claims/{ClaimNum}",
     "Delete a claim.",
     NULL,
     NULL,
     NULL,
     .perm = ODAPI_PERM_INSURANCE, .handler = h_claim_delete},
    {"PUT", "/claims/{ClaimNum}/Status",
     "Mark a claim sent on DateSent.",
     NULL,
     "DateSent:date!,DateSentOrig:date",
     "claims",
     .perm = ODAPI_PERM_INSURANCE, .handler = h_claim_status},
    {"POST", "/claimpayments",
     "Receive a payment for one claim.",
     NULL,
     "claimNum:int!,CheckAmt:money!,CheckDate:date,DateIssued:date,CheckNum:text,BankBranch:text,Note:text,CarrierName:text,ClinicNum:int,PayType:int,PayGroup:int",
     "claimpayments",
     .perm = ODAPI_PERM_INSURANCE, .handler = h_pay_post},
    {"POST", "/claimpayments/Batch",
     "Receive one payment for several claims.",
     NULL,
     "claimNums:ints!,CheckAmt:money!,CheckDate:date,DateIssued:date,CheckNum:text,BankBranch:text,Note:text,CarrierName:text,ClinicNum:int,PayType:int,PayGroup:int",
     "claimpayments",
     .perm = ODAPI_PERM_INSURANCE, .handler = h_pay_batch},
    {"DELETE", "/claimpayments/{ClaimPaymentNum}",
     "Delete a claim payment.",
     NULL,
     NULL,
     NULL,
     .perm = ODAPI_PERM_INSURANCE, .handler = h_pay_delete},
};

OD_CK_ROUTES(od_register_claim_actions, claim_docs)
