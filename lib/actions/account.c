/* account.c - hand-written payment actions (apipayments.html): POST
 * /payments/Refund and PUT /payments/{PayNum}/Partial. Each runs in one
 * transaction on the payment's locked row, with prepared statements only,
 * writes one securitylog row and answers the payment as GET /payments
 * writes it (without serverDateTime, like the engine's POST and PUT).
 * Choices Open Dental's docs leave open are in docs/resources.md. */
#include "actions/kit-internal.h"
#include "engine/openapi-internal.h"
#include "resources/resources-internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* EnumPermType values used in securitylog (GroupPermission.cs): the
 * payments resource's own. */
enum { PERM_PAYMENT_CREATE = 15, PERM_PAYMENT_EDIT = 16 };

#define MAX_ITEMS 200

struct item {
    long long num;   /* ProcNum or PayPlanChargeNum */
    double amt;
    int charge;      /* 1: a pay plan charge */
};

/* An action's input (od_ck_job.data). The job's key is the payment its
 * answer shows: the refund's new one, or the one split. */
struct pay {
    long long paynum;    /* the payment named by the request */
    int nitems;
    struct item items[MAX_ITEMS];
};

/* ---- POST /payments/Refund ----------------------------------------------- */

/* A refund (Open Dental's "return a payment"): a new payment of the
 * negated amount, dated today, whose splits mirror the original's with
 * negated amounts (same patient, provider, clinic, procedure, adjustment
 * and unearned type). Not for payments on a payment plan, nor for one
 * with a negative split (a refund, or a transfer). */
static int do_refund(struct od_conn *c, struct od_ck_job *j)
{
    const struct pay *x = j->data;
    struct od_prm p[2] = {OD_PI(x->paynum)};
    long long a[4], newkey;
    if (od_ck_need_ll(c, j,
                      "SELECT p.PatNum, (SELECT COUNT(*) FROM paysplit s "
                      "WHERE s.PayNum = p.PayNum AND (s.PayPlanNum <> 0 OR "
                      "s.PayPlanChargeNum <> 0)), (SELECT COUNT(*) FROM "
                      "paysplit s WHERE s.PayNum = p.PayNum AND s.SplitAmt < "
                      "0), p.PayAmt <= 0 FROM payment p WHERE p.PayNum = ? "
                      "FOR UPDATE",
                      p, 1, 4, a, 404, "Payment not found.") < 0)
        return -1;
    if (a[1])
        return od_ck_fail(j, 400, "Payments attached to a payment plan "
                                  "cannot be refunded.");
    if (a[2] || a[3])
        return od_ck_fail(j, 400, "Payments with negative splits cannot be "
                                  "refunded.");
    if (od_exec(c,
                "INSERT INTO payment (PayType, PayDate, PayAmt, CheckNum, "
                "BankBranch, PayNote, PatNum, ClinicNum, DateEntry, Receipt, "
                "PaymentSource, ProcessStatus) SELECT PayType, CURDATE(), "
                "-PayAmt, '', '', '', PatNum, ClinicNum, CURDATE(), '', 13, 0 "
                "FROM payment WHERE PayNum = ?",
                p, 1, NULL, &newkey))
        return -1;
    p[0] = OD_PI(newkey);
    p[1] = OD_PI(x->paynum);
    if (od_exec(c,
                "INSERT INTO paysplit (SplitAmt, PatNum, ProcDate, PayNum, "
                "ProvNum, DatePay, ProcNum, DateEntry, UnearnedType, "
                "ClinicNum, AdjNum) SELECT -SplitAmt, PatNum, ProcDate, ?, "
                "ProvNum, CURDATE(), ProcNum, CURDATE(), UnearnedType, "
                "ClinicNum, AdjNum FROM paysplit WHERE PayNum = ? ORDER BY "
                "SplitNum",
                p, 2, NULL, NULL))
        return -1;
    j->key = newkey; /* the answer: the refund, read back */
    return od_securitylog(c, PERM_PAYMENT_CREATE, j->developer, "Created",
                          newkey, a[0]);
}

/* ---- PUT /payments/{PayNum}/Partial -------------------------------------- */

/* The payment's splits are replaced by one per item: to a procedure (its
 * patient, provider, clinic and date) or to a pay plan debit (its plan,
 * patient, provider, clinic; PayPlanDebitType Principal). Every item must
 * belong to the payment patient's family; the amounts must add up to
 * PayAmt. */
static int do_partial(struct od_conn *c, struct od_ck_job *j)
{
    const struct pay *x = j->data;
    struct od_prm p[3] = {OD_PI(j->key)};
    long long a[2], sum_cents = 0;
    int i, rc;
    if (od_ck_need_ll(c, j,
                      "SELECT p.PatNum, ROUND(p.PayAmt * 100) FROM "
                      "payment p WHERE p.PayNum = ? FOR UPDATE",
                      p, 1, 2, a, 404, "Payment not found.") < 0)
        return -1;
    for (i = 0; i < x->nitems; i++)
        sum_cents += llround(x->items[i].amt * 100);
    if (sum_cents != a[1])
        return od_ck_fail(j, 400, "The sum of the Amounts must equal the "
                                  "payment's PayAmt.");
    for (i = 0; i < x->nitems; i++) {
        const struct item *it = &x->items[i];
        long long b[2];
        p[0] = OD_PI(j->key);
        p[1] = OD_PI(it->num);
        rc = od_query_ll(
            c,
            it->charge ? "SELECT c.ChargeType = 0, pa.Guarantor = pp.Guarantor "
                         "FROM payplancharge c JOIN payment y ON y.PayNum "
                         "= ? JOIN patient pp ON pp.PatNum = y.PatNum "
                         "LEFT JOIN patient pa ON pa.PatNum = c.PatNum "
                         "WHERE c.PayPlanChargeNum = ?"
                       : "SELECT 1, pa.Guarantor = pp.Guarantor FROM "
                         "procedurelog r JOIN payment y ON y.PayNum = ? "
                         "JOIN patient pp ON pp.PatNum = y.PatNum LEFT "
                         "JOIN patient pa ON pa.PatNum = r.PatNum WHERE "
                         "r.ProcNum = ?",
            p, 2, 2, b);
        if (rc < 0)
            return -1;
        if (rc == 0)
            return od_ck_fail(j, 404, "%s %lld not found.",
                              it->charge ? "PayPlanCharge" : "Procedure",
                              it->num);
        if (!b[0])
            return od_ck_fail(j, 400, "PayPlanCharge %lld is not a debit.",
                              it->num);
        if (!b[1])
            return od_ck_fail(j, 400, "%s %lld is not for the payment's "
                              "family.", it->charge ? "PayPlanCharge"
                                                    : "Procedure", it->num);
    }
    p[0] = OD_PI(j->key);
    if (od_exec(c, "DELETE FROM paysplit WHERE PayNum = ?", p, 1, NULL, NULL))
        return -1;
    for (i = 0; i < x->nitems; i++) {
        const struct item *it = &x->items[i];
        p[0] = OD_PD(it->amt);
        p[1] = OD_PI(j->key);
        p[2] = OD_PI(it->num);
        if (od_exec(c,
                    it->charge
                        ? "INSERT INTO paysplit (SplitAmt, PatNum, ProcDate, "
                          "PayNum, ProvNum, PayPlanNum, DatePay, ProcNum, "
                          "DateEntry, ClinicNum, PayPlanChargeNum, "
                          "PayPlanDebitType) SELECT ROUND(?, 2), c.PatNum, "
                          "y.PayDate, y.PayNum, c.ProvNum, c.PayPlanNum, "
                          "y.PayDate, IF(c.LinkType = 2, c.FKey, c.ProcNum), "
                          "CURDATE(), c.ClinicNum, c.PayPlanChargeNum, 1 FROM "
                          "payplancharge c JOIN payment y ON y.PayNum = ? "
                          "WHERE c.PayPlanChargeNum = ?"
                        : "INSERT INTO paysplit (SplitAmt, PatNum, ProcDate, "
                          "PayNum, ProvNum, DatePay, ProcNum, DateEntry, "
                          "ClinicNum) SELECT ROUND(?, 2), r.PatNum, "
                          "r.ProcDate, y.PayNum, r.ProvNum, y.PayDate, "
                          "r.ProcNum, CURDATE(), r.ClinicNum FROM "
                          "procedurelog r JOIN payment y ON y.PayNum = ? "
                          "WHERE r.ProcNum = ?",
                    p, 3, NULL, NULL))
            return -1;
    }
    /* touch the payment: its SecDateTEdit tells the edit */
    p[0] = OD_PI(j->key);
    if (od_exec(c, "UPDATE payment SET IsSplit = 1 WHERE PayNum = ?", p, 1,
                NULL, NULL))
        return -1;
    return od_securitylog(c, PERM_PAYMENT_EDIT, j->developer, "Updated",
                          j->key, a[0]);
}

/* ---- handlers ----------------------------------------------------------- */

/* A job for a payment action whose answer is the payment GET writes
 * (without serverDateTime, like the engine's POST and PUT); NULL after
 * answering. */
static struct od_ck_job *pay_job(odapi_request *req, od_ck_work_fn work)
{
    struct od_ck_job *j =
        od_ck_new_data(req, work, 1, sizeof(struct pay), NULL);
    if (!j)
        return NULL;
    j->res = &od_res_payments;
    j->location = "payments";
    return od_ck_take_body(j) ? j : NULL;
}

static void h_refund(odapi_request *req, void *arg)
{
    struct od_ck_job *j = pay_job(req, do_refund);
    struct pay *x;
    char msg[64];
    (void)arg;
    if (!j)
        return;
    x = j->data;
    if (od_ck_key_req(j->body, "PayNum", &x->paynum, msg, sizeof msg))
        return od_ck_reject(j, 400, msg);
    j->created = 1;
    od_ck_submit(j);
}

/* One list of {key, Amount} objects into x->items: 0, or -1 with msg. */
static int read_items(json_t *list, const char *listname,
                      const char *keyname, int charge, struct pay *x,
                      char *msg, size_t msgsize)
{
    json_t *e;
    size_t i;
    if (!list || json_is_null(list))
        return 0;
    if (!json_is_array(list)) {
        snprintf(msg, msgsize, "%s is invalid.", listname);
        return -1;
    }
    json_array_foreach(list, i, e) {
        struct item *it = &x->items[x->nitems];
        if (!json_is_object(e) || x->nitems == MAX_ITEMS) {
            snprintf(msg, msgsize, json_is_object(e) ? "%s has too many "
                     "items." : "%s is invalid.", listname);
            return -1;
        }
        it->charge = charge;
        if (od_ck_key_req(e, keyname, &it->num, msg, msgsize) ||
            od_ck_required(od_ck_amount(e, "Amount", &it->amt, msg, msgsize),
                           "Amount", msg, msgsize))
            return -1;
        x->nitems++;
    }
    return 0;
}

static void h_partial(odapi_request *req, void *arg)
{
    struct od_ck_job *j;
    struct pay *x;
    long long paynum;
    char msg[160];
    (void)arg;
    if (od_ck_path_key(req, "PayNum", 0, &paynum) ||
        !(j = pay_job(req, do_partial)))
        return;
    x = j->data;
    j->key = x->paynum = paynum;
    if (read_items(json_object_get(j->body, "procNumsAndAmounts"),
                   "procNumsAndAmounts", "ProcNum", 0, x, msg, sizeof msg) ||
        read_items(json_object_get(j->body, "payPlanChargeNumsAndAmounts"),
                   "payPlanChargeNumsAndAmounts", "PayPlanChargeNum", 1, x,
                   msg, sizeof msg))
        return od_ck_reject(j, 400, msg);
    if (!x->nitems)
        return od_ck_reject(j, 400, "procNumsAndAmounts or "
                                    "payPlanChargeNumsAndAmounts is "
                                    "required.");
    od_ck_submit(j);
}

/* What these routes take and answer, for GET /openapi.json
 * (engine/openapi-internal.h). */
static const struct od_opdoc account_docs[] = {
    {"POST", "/payments/Refund",
     "Refund a payment.",
     NULL,
     "PayNum:int!",
     NULL,
     .perm = ODAPI_PERM_PAYMENTS, .handler = h_refund},
    {"PUT", "/payments/{PayNum}/Partial",
     "Split a payment over procedures or payment plan charges.",
     NULL,
     "procNumsAndAmounts:array,payPlanChargeNumsAndAmounts:array,Amount:money",
     NULL,
     .perm = ODAPI_PERM_PAYMENTS, .handler = h_partial},
};

OD_CK_ROUTES(od_register_account_actions, account_docs)
