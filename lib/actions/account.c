/* account.c - hand-written payment actions (spec 5.7): POST
 * /payments/Refund and PUT /payments/{PayNum}/Partial. Each runs in one
 * transaction on the payment's locked row, with prepared statements only,
 * writes one securitylog row and answers the payment as GET /payments
 * writes it (without serverDateTime, like the engine's POST and PUT).
 * Choices the spec leaves open are in docs/resources.md. */
#include "engine/openapi-internal.h"
#include "engine/resource-internal.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* EnumPermType values used in securitylog (opendental-schema.md 4): the
 * payments resource's own. */
enum { PERM_PAYMENT_CREATE = 15, PERM_PAYMENT_EDIT = 16 };

extern const struct od_resource od_res_payments;

#define MAX_ITEMS 200

enum act { A_REFUND, A_PARTIAL };

struct item {
    long long num;   /* ProcNum or PayPlanChargeNum */
    double amt;
    int charge;      /* 1: a pay plan charge */
};

struct ajob {
    odapi_request *req;
    enum act act;
    long long key;       /* the payment named by the request */
    long long newkey;    /* the refund's PayNum */
    char developer[128];
    int status;
    char msg[256];
    struct od_buf out;
    int nitems;
    struct item items[MAX_ITEMS];
};

static void ajob_free(struct ajob *j)
{
    od_buf_free(&j->out);
    free(j);
}

static void afail(struct ajob *j, int status, const char *msg)
{
    j->status = status;
    snprintf(j->msg, sizeof j->msg, "%s", msg);
}

/* ---- POST /payments/Refund ----------------------------------------------- */

/* A refund (Open Dental's "return a payment"): a new payment of the
 * negated amount, dated today, whose splits mirror the original's with
 * negated amounts (same patient, provider, clinic, procedure, adjustment
 * and unearned type). Not for payments on a payment plan, nor for one
 * with a negative split (a refund, or a transfer). */
static int do_refund(struct od_conn *c, struct ajob *j)
{
    struct od_prm p[2] = {OD_PI(j->key)};
    long long a[4];
    switch (od_query_ll(c,
                        "SELECT p.PatNum, (SELECT COUNT(*) FROM paysplit s "
                        "WHERE s.PayNum = p.PayNum AND (s.PayPlanNum <> 0 OR "
                        "s.PayPlanChargeNum <> 0)), (SELECT COUNT(*) FROM "
                        "paysplit s WHERE s.PayNum = p.PayNum AND s.SplitAmt < "
                        "0), p.PayAmt <= 0 FROM payment p WHERE p.PayNum = ? "
                        "FOR UPDATE",
                        p, 1, 4, a)) {
    case 0:
        afail(j, 404, "Payment not found.");
        return -1;
    case -1:
        return -1;
    }
    if (a[1]) {
        afail(j, 400, "Payments attached to a payment plan cannot be "
                      "refunded.");
        return -1;
    }
    if (a[2] || a[3]) {
        afail(j, 400, "Payments with negative splits cannot be refunded.");
        return -1;
    }
    if (od_exec(c,
                "INSERT INTO payment (PayType, PayDate, PayAmt, CheckNum, "
                "BankBranch, PayNote, PatNum, ClinicNum, DateEntry, Receipt, "
                "PaymentSource, ProcessStatus) SELECT PayType, CURDATE(), "
                "-PayAmt, '', '', '', PatNum, ClinicNum, CURDATE(), '', 13, 0 "
                "FROM payment WHERE PayNum = ?",
                p, 1, NULL, &j->newkey))
        return -1;
    p[0] = OD_PI(j->newkey);
    p[1] = OD_PI(j->key);
    if (od_exec(c,
                "INSERT INTO paysplit (SplitAmt, PatNum, ProcDate, PayNum, "
                "ProvNum, DatePay, ProcNum, DateEntry, UnearnedType, "
                "ClinicNum, AdjNum) SELECT -SplitAmt, PatNum, ProcDate, ?, "
                "ProvNum, CURDATE(), ProcNum, CURDATE(), UnearnedType, "
                "ClinicNum, AdjNum FROM paysplit WHERE PayNum = ? ORDER BY "
                "SplitNum",
                p, 2, NULL, NULL))
        return -1;
    return od_securitylog(c, PERM_PAYMENT_CREATE, j->developer, "Created",
                          j->newkey, a[0]);
}

/* ---- PUT /payments/{PayNum}/Partial -------------------------------------- */

/* The payment's splits are replaced by one per item: to a procedure (its
 * patient, provider, clinic and date) or to a pay plan debit (its plan,
 * patient, provider, clinic; PayPlanDebitType Principal). Every item must
 * belong to the payment patient's family; the amounts must add up to
 * PayAmt. */
static int do_partial(struct od_conn *c, struct ajob *j)
{
    struct od_prm p[3] = {OD_PI(j->key)};
    long long a[2], sum_cents = 0;
    char msg[160];
    int i, rc;
    switch (od_query_ll(c,
                        "SELECT p.PatNum, ROUND(p.PayAmt * 100) FROM "
                        "payment p WHERE p.PayNum = ? FOR UPDATE",
                        p, 1, 2, a)) {
    case 0:
        afail(j, 404, "Payment not found.");
        return -1;
    case -1:
        return -1;
    }
    for (i = 0; i < j->nitems; i++)
        sum_cents += llround(j->items[i].amt * 100);
    if (sum_cents != a[1]) {
        afail(j, 400, "The sum of the Amounts must equal the payment's "
                      "PayAmt.");
        return -1;
    }
    for (i = 0; i < j->nitems; i++) {
        struct item *it = &j->items[i];
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
        if (rc == 0) {
            snprintf(msg, sizeof msg, "%s %lld not found.",
                     it->charge ? "PayPlanCharge" : "Procedure", it->num);
            afail(j, 404, msg);
            return -1;
        }
        if (!b[0]) {
            snprintf(msg, sizeof msg, "PayPlanCharge %lld is not a debit.",
                     it->num);
            afail(j, 400, msg);
            return -1;
        }
        if (!b[1]) {
            snprintf(msg, sizeof msg, "%s %lld is not for the payment's "
                     "family.", it->charge ? "PayPlanCharge" : "Procedure",
                     it->num);
            afail(j, 400, msg);
            return -1;
        }
    }
    p[0] = OD_PI(j->key);
    if (od_exec(c, "DELETE FROM paysplit WHERE PayNum = ?", p, 1, NULL, NULL))
        return -1;
    for (i = 0; i < j->nitems; i++) {
        struct item *it = &j->items[i];
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

/* ---- running an action --------------------------------------------------- */

static int work(struct od_conn *c, void *arg)
{
    struct ajob *j = arg;
    char key[32], err[256];
    const char *params[1];
    int rc;
    j->status = 0;
    j->msg[0] = '\0';
    if (od_tx_begin(c) != 0)
        return od_tx_failed(c, &j->status, j->msg, sizeof j->msg);
    rc = j->act == A_REFUND ? do_refund(c, j) : do_partial(c, j);
    if (od_tx_end(c, rc) == 0) {
        j->status = j->act == A_REFUND ? 201 : 200;
        snprintf(key, sizeof key, "%lld",
                 j->act == A_REFUND ? j->newkey : j->key);
        params[0] = key;
        od_buf_free(&j->out);
        od_buf_init(&j->out);
        if (od_resource_rows_json(c, &od_res_payments, "t.PayNum = ?",
                                  "t.PayNum", params, 1, 1, &j->out, err,
                                  sizeof err) != 1) {
            /* committed: never run again */
            afail(j, c->lost ? 503 : 500,
                  c->lost ? "The database is not available."
                          : "The change was made but could not be read.");
        }
        return OD_WORK_DONE;
    }
    return od_tx_failed(c, &j->status, j->msg, sizeof j->msg);
}

static void done(void *arg, int status)
{
    struct ajob *j = arg;
    odapi_request *req = j->req;
    const char *p, *host, *st;
    char url[512];
    size_t n;
    if (status != ODAPI_OK) {
        odapi_reply_error(req, 503, "The database is not available.");
    } else if (j->status != 200 && j->status != 201) {
        odapi_reply_error(req, j->status ? j->status : 500,
                          j->msg[0] ? j->msg : "The request failed.");
    } else if (j->out.oom || !j->out.p) {
        odapi_reply_error(req, 500, "Out of memory.");
    } else {
        /* one row of a JSON array: the object inside the brackets, less
         * serverDateTime (its last member), as POST and PUT answer */
        p = j->out.p;
        n = j->out.len;
        if ((st = strstr(p, ",\"serverDateTime\":")) != NULL) {
            j->out.p[st - p] = '}';
            n = (size_t)(st - p) + 1;
        }
        while (n && (p[n - 1] == ']' || p[n - 1] == '\n'))
            n--;
        if (n && *p == '[') {
            p++;
            n--;
        }
        if (j->status == 201) {
            host = odapi_request_header(req, "Host");
            if (host && *host && !strpbrk(host, "\r\n/ "))
                snprintf(url, sizeof url, "%s://%s/api/v1/payments/%lld",
                         req->srv->ssl_ctx ? "https" : "http", host,
                         j->newkey);
            else
                snprintf(url, sizeof url, "%spayments/%lld",
                         req->srv->base_url, j->newkey);
            odapi_request_add_header(req, "Location", url);
        }
        odapi_reply(req, j->status, p, n);
    }
    ajob_free(j);
}

static struct ajob *ajob_new(odapi_request *req, enum act act)
{
    struct ajob *j;
    if (!(j = calloc(1, sizeof *j))) {
        odapi_reply_error(req, 500, "Out of memory.");
        return NULL;
    }
    j->req = req;
    j->act = act;
    od_buf_init(&j->out);
    snprintf(j->developer, sizeof j->developer, "%s", req->developer);
    return j;
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

/* A key: a positive number or a string of digits. 1 given, 0 absent, -1
 * invalid. */
static int get_key(json_t *v, long long *out)
{
    if (!v || json_is_null(v) ||
        (json_is_string(v) && !*json_string_value(v)))
        return 0;
    if (json_is_integer(v))
        *out = (long long)json_integer_value(v);
    else if (!json_is_string(v) || od_parse_ll(json_string_value(v), out))
        return -1;
    return *out > 0 ? 1 : -1;
}

/* An amount: a number or a numeric string. 1 given, 0 absent, -1
 * invalid. */
static int get_amount(json_t *v, double *out)
{
    if (!v || json_is_null(v) ||
        (json_is_string(v) && !*json_string_value(v)))
        return 0;
    if (json_is_number(v)) {
        *out = json_number_value(v);
    } else if (json_is_string(v)) {
        if (od_parse_decimal(json_string_value(v), out))
            return -1;
    } else {
        return -1;
    }
    return isfinite(*out) && fabs(*out) < 1e12 ? 1 : -1;
}

static void h_refund(odapi_request *req, void *arg)
{
    struct ajob *j;
    json_t *body;
    int rc;
    (void)arg;
    if (!(body = body_object(req)))
        return;
    if (!(j = ajob_new(req, A_REFUND))) {
        json_decref(body);
        return;
    }
    rc = get_key(json_object_get(body, "PayNum"), &j->key);
    json_decref(body);
    if (rc <= 0) {
        odapi_reply_error(req, 400, rc ? "PayNum is invalid."
                                       : "PayNum is required.");
        ajob_free(j);
        return;
    }
    if (od_request_submit(req, work, done, j))
        ajob_free(j);
}

/* One list of {key, Amount} objects into j->items: 0, or -1 with msg. */
static int read_items(json_t *list, const char *listname,
                      const char *keyname, int charge, struct ajob *j,
                      char *msg, size_t msgsize)
{
    json_t *e;
    size_t i;
    int rc;
    if (!list || json_is_null(list))
        return 0;
    if (!json_is_array(list)) {
        snprintf(msg, msgsize, "%s is invalid.", listname);
        return -1;
    }
    json_array_foreach(list, i, e) {
        struct item *it;
        if (!json_is_object(e)) {
            snprintf(msg, msgsize, "%s is invalid.", listname);
            return -1;
        }
        if (j->nitems == MAX_ITEMS) {
            snprintf(msg, msgsize, "%s has too many items.", listname);
            return -1;
        }
        it = &j->items[j->nitems];
        it->charge = charge;
        rc = get_key(json_object_get(e, keyname), &it->num);
        if (rc <= 0) {
            snprintf(msg, msgsize, rc ? "%s is invalid." : "%s is required.",
                     keyname);
            return -1;
        }
        rc = get_amount(json_object_get(e, "Amount"), &it->amt);
        if (rc <= 0) {
            snprintf(msg, msgsize, rc ? "Amount is invalid."
                                      : "Amount is required.");
            return -1;
        }
        j->nitems++;
    }
    return 0;
}

static void h_partial(odapi_request *req, void *arg)
{
    struct ajob *j;
    json_t *body;
    char msg[160];
    (void)arg;
    if (!(j = ajob_new(req, A_PARTIAL)))
        return;
    if (od_parse_key(odapi_request_segment(req, "PayNum"), &j->key)) {
        odapi_reply_error(req, 400, "PayNum is invalid.");
        ajob_free(j);
        return;
    }
    if (!(body = body_object(req))) {
        ajob_free(j);
        return;
    }
    msg[0] = '\0';
    if (read_items(json_object_get(body, "procNumsAndAmounts"),
                   "procNumsAndAmounts", "ProcNum", 0, j, msg,
                   sizeof msg) ||
        read_items(json_object_get(body, "payPlanChargeNumsAndAmounts"),
                   "payPlanChargeNumsAndAmounts", "PayPlanChargeNum", 1, j,
                   msg, sizeof msg) ||
        (!j->nitems &&
         snprintf(msg, sizeof msg, "procNumsAndAmounts or "
                  "payPlanChargeNumsAndAmounts is required.") > 0)) {
        odapi_reply_error(req, 400, msg);
        json_decref(body);
        ajob_free(j);
        return;
    }
    json_decref(body);
    if (od_request_submit(req, work, done, j))
        ajob_free(j);
}

/* What these routes take and answer, for GET /openapi.json
 * (engine/openapi-internal.h). */
static const struct od_opdoc account_docs[] = {
    {"POST", "/payments/Refund",
     "Refund a payment.",
     NULL,
     "PayNum:int!",
     NULL},
    {"PUT", "/payments/{PayNum}/Partial",
     "Split a payment over procedures or payment plan charges.",
     NULL,
     "procNumsAndAmounts:array,payPlanChargeNumsAndAmounts:array,Amount:money",
     NULL},
};

void od_register_account_actions(odapi_server *srv);
void od_register_account_actions(odapi_server *srv)
{
    od_router_add(&srv->router, "POST", "/payments/Refund",
                  ODAPI_PERM_PAYMENTS, h_refund, NULL);
    od_router_add(&srv->router, "PUT", "/payments/{PayNum}/Partial",
                  ODAPI_PERM_PAYMENTS, h_partial, NULL);
    od_api_docs(srv, account_docs, (int)OD_ARRAY_LEN(account_docs));
}
