/* payplans.c - the hand-written PayPlans actions (the api*.html pages): PUT
 * /payplans/{PayPlanNum}/Close and the deprecated POST /payplans (410);
 * the resources are descriptions (resources/payplans.c). */
#include "actions/kit-internal.h"
#include "engine/openapi-internal.h"
#include "resources/resources-internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* EnumPermType values used in securitylog (GroupPermission.cs). */
enum { PERM_PAYPLAN_EDIT = 149 };

/* ---- PUT /payplans/{PayPlanNum}/Close ------------------------------------ */

/* Closing a plan (Open Dental's "Close Plan"): charges dated after today
 * are removed and what they would have charged, plus any principal of a
 * dynamic plan not yet charged, becomes one debit dated today, "Close Out
 * Charge"; then IsClosed. */
static int do_close(struct od_conn *c, struct od_ck_job *j)
{
    long long a[2];
    struct od_prm k[1] = {OD_PI(j->key)};
    if (od_ck_need_ll(c, j,
                      "SELECT IsClosed, PatNum FROM payplan WHERE "
                      "PayPlanNum = ? FOR UPDATE",
                      k, 1, 2, a, 404, "PayPlan not found.") < 0)
        return -1;
    if (a[0])
        return od_ck_fail(j, 400, "PayPlan is already closed.");
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
                          j->key, a[1]);
}

/* The answer: the closed plan, as GET /payplans/{PayPlanNum} writes it. */
static void h_close(odapi_request *req, void *arg)
{
    struct od_ck_job *j;
    long long plan;
    (void)arg;
    if (od_ck_path_key(req, "PayPlanNum", 0, &plan) ||
        !(j = od_ck_new(req, do_close, 1)))
        return;
    j->key = plan;
    j->res = &od_res_payplans;
    od_ck_submit(j);
}

/* POST /payplans: deprecated by Open Dental in 23.3
 * (apiimplementation.html). */
static void h_post_gone(odapi_request *req, void *arg)
{
    (void)arg;
    odapi_reply_error(req, 410, "PayPlans POST (create) is deprecated. Use "
                                "PayPlans POST Dynamic instead.");
}

/* What these routes take and answer, for GET /openapi.json
 * (engine/openapi-internal.h). */
static const struct od_opdoc payplan_docs[] = {
    {"PUT", "/payplans/{PayPlanNum}/Close",
     "Close a payment plan.",
     NULL,
     NULL,
     NULL,
     .perm = ODAPI_PERM_PAY_PLANS, .handler = h_close},
    {"POST", "/payplans",
     "Deprecated by Open Dental (23.3): 410 Gone; use POST /payplans/Dynamic.",
     NULL,
     NULL,
     NULL,
     .perm = ODAPI_PERM_PAY_PLANS, .handler = h_post_gone},
};

OD_CK_ROUTES(od_register_payplan_actions, payplan_docs)
