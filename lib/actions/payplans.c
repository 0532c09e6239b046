/* payplans.c - the hand-written PayPlans actions (spec Appendix A): PUT
 * /payplans/{PayPlanNum}/Close and the deprecated POST /payplans (410);
 * the resources are descriptions (resources/payplans.c). */
#include "engine/resource-internal.h"
#include "resources/resources-internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* EnumPermType values used in securitylog (opendental-schema.md 4). */
enum { PERM_PAYPLAN_EDIT = 149 };

/* ---- PUT /payplans/{PayPlanNum}/Close ------------------------------------ */

struct pjob {
    odapi_request *req;
    long long plan;
    char developer[128];
    int status;
    char msg[256];
    struct od_buf out;
};

static void pjob_free(struct pjob *j)
{
    od_buf_free(&j->out);
    free(j);
}

static void pfail(struct pjob *j, int status, const char *msg)
{
    j->status = status;
    snprintf(j->msg, sizeof j->msg, "%s", msg);
}

/* Closing a plan (Open Dental's "Close Plan"): charges dated after today
 * are removed and what they would have charged, plus any principal of a
 * dynamic plan not yet charged, becomes one debit dated today, "Close Out
 * Charge"; then IsClosed. */
static int do_close(struct od_conn *c, struct pjob *j)
{
    long long a[2];
    struct od_prm k[1] = {OD_PI(j->plan)};
    switch (od_query_ll(c,
                        "SELECT IsClosed, PatNum FROM payplan WHERE "
                        "PayPlanNum = ? FOR UPDATE",
                        k, 1, 2, a)) {
    case 0:
        pfail(j, 404, "PayPlan not found.");
        return -1;
    case -1:
        return -1;
    }
    if (a[0]) {
        pfail(j, 400, "PayPlan is already closed.");
        return -1;
    }
    /* Closed first: stopped half-way on MyISAM (docs/database.md), a
     * retry is refused rather than charging the close-out twice; the
     * close-out charge is written before the future debits it replaces
     * are deleted, so no amount is ever lost. */
    if (od_exec(c, "UPDATE payplan SET IsClosed = 1 WHERE PayPlanNum = ?", k, 1,
                NULL, NULL) ||
        od_exec(
            c,
            "INSERT INTO payplancharge (PayPlanNum, Guarantor, PatNum, "
            "ChargeDate, Principal, Interest, Note, ProvNum, ClinicNum, "
            "ChargeType, SecDateTEntry) SELECT p.PayPlanNum, p.Guarantor, "
            "p.PatNum, CURDATE(), x.amt, 0, 'Close Out Charge', "
            "COALESCE(x.prov, pa.PriProv, 0), COALESCE(x.clinic, "
            "pa.ClinicNum, 0), 0, NOW() FROM payplan p JOIN (SELECT "
            "pp.PayPlanNum, ROUND(COALESCE((SELECT SUM(f.Principal) FROM "
            "payplancharge f WHERE f.PayPlanNum = pp.PayPlanNum AND "
            "f.ChargeType = 0 AND f.ChargeDate > CURDATE()), 0) + "
            "IF(pp.IsDynamic, GREATEST(pp.CompletedAmt - COALESCE((SELECT "
            "SUM(d.Principal) FROM payplancharge d WHERE d.PayPlanNum = "
            "pp.PayPlanNum AND d.ChargeType = 0), 0), 0), 0), 2) AS amt, "
            "(SELECT l.ProvNum FROM payplancharge l WHERE l.PayPlanNum = "
            "pp.PayPlanNum AND l.ChargeType = 0 ORDER BY l.ChargeDate DESC, "
            "l.PayPlanChargeNum DESC LIMIT 1) AS prov, (SELECT l.ClinicNum "
            "FROM payplancharge l WHERE l.PayPlanNum = pp.PayPlanNum AND "
            "l.ChargeType = 0 ORDER BY l.ChargeDate DESC, "
            "l.PayPlanChargeNum DESC LIMIT 1) AS clinic FROM payplan pp "
            "WHERE pp.PayPlanNum = ?) x ON x.PayPlanNum = p.PayPlanNum "
            "LEFT JOIN patient pa ON pa.PatNum = p.PatNum WHERE x.amt > 0",
            k, 1, NULL, NULL) ||
        od_exec(c,
                "DELETE FROM payplancharge WHERE PayPlanNum = ? AND "
                "ChargeType = 0 AND ChargeDate > CURDATE()",
                k, 1, NULL, NULL))
        return -1;
    return od_securitylog(c, PERM_PAYPLAN_EDIT, j->developer, "Updated",
                          j->plan, a[1]);
}

static int work_close(struct od_conn *c, void *arg)
{
    struct pjob *j = arg;
    char key[32], err[256];
    const char *params[1];
    int rc;
    j->status = 0;
    if (od_tx_begin(c) != 0)
        return od_tx_failed(c, &j->status, j->msg, sizeof j->msg);
    rc = do_close(c, j);
    if (od_tx_end(c, rc) == 0) {
        /* the closed plan, as GET /payplans/{PayPlanNum} writes it */
        snprintf(key, sizeof key, "%lld", j->plan);
        params[0] = key;
        od_buf_free(&j->out);
        od_buf_init(&j->out);
        if (od_resource_rows_json(c, &od_res_payplans, "t.PayPlanNum = ?",
                                  "t.PayPlanNum", params, 1, 1, &j->out, err,
                                  sizeof err) != 1) {
            if (c->lost) {
                pfail(j, 503, "The database is not available.");
                return OD_WORK_DONE; /* committed: do not run it again */
            }
            pfail(j, 500, "The plan was closed but could not be read.");
            return OD_WORK_DONE;
        }
        j->status = 200;
        return OD_WORK_DONE;
    }
    return od_tx_failed(c, &j->status, j->msg, sizeof j->msg);
}

static void close_done(void *arg, int status)
{
    struct pjob *j = arg;
    const char *p;
    size_t n;
    if (status != ODAPI_OK) {
        odapi_reply_error(j->req, 503, "The database is not available.");
    } else if (j->status != 200) {
        odapi_reply_error(j->req, j->status ? j->status : 500,
                          j->msg[0] ? j->msg : "The request failed.");
    } else {
        /* one row of a JSON array: the object inside the brackets */
        p = j->out.p;
        n = j->out.len;
        while (n && (p[n - 1] == ']' || p[n - 1] == '\n'))
            n--;
        if (n && *p == '[') {
            p++;
            n--;
        }
        odapi_reply(j->req, 200, p, n);
    }
    pjob_free(j);
}

static void h_close(odapi_request *req, void *arg)
{
    struct pjob *j;
    const char *s = odapi_request_segment(req, "PayPlanNum");
    long long plan;
    (void)arg;
    if (od_parse_key(s, &plan)) {
        odapi_reply_error(req, 400, "PayPlanNum is invalid.");
        return;
    }
    if (!(j = calloc(1, sizeof *j))) {
        odapi_reply_error(req, 500, "Out of memory.");
        return;
    }
    j->req = req;
    j->plan = plan;
    od_buf_init(&j->out);
    snprintf(j->developer, sizeof j->developer, "%s", req->developer);
    if (od_request_submit(req, work_close, close_done, j))
        pjob_free(j);
}

/* POST /payplans: deprecated by Open Dental in 23.3 (spec 3.6). */
static void h_post_gone(odapi_request *req, void *arg)
{
    (void)arg;
    odapi_reply_error(req, 410, "PayPlans POST (create) is deprecated. Use "
                                "PayPlans POST Dynamic instead.");
}

void od_register_payplan_actions(odapi_server *srv);
void od_register_payplan_actions(odapi_server *srv)
{
    od_router_add(&srv->router, "PUT", "/payplans/{PayPlanNum}/Close",
                  ODAPI_PERM_PAY_PLANS, h_close, NULL);
    od_router_add(&srv->router, "POST", "/payplans", ODAPI_PERM_PAY_PLANS,
                  h_post_gone, NULL);
}
