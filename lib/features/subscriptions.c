/*
 * subscriptions.c - the subscriptions resource (apisubscriptions.html): POST,
 * GET, PUT and DELETE /subscriptions, stored in Open Dental's apisubscription
 * table. docs/events.md.
 *
 * A subscription belongs to the key pair that made it: its customer key is
 * apisubscription.CustomerKey (compared byte for byte here, never by the
 * column's case-insensitive collation), its developer is recorded in the
 * events state store (evstate.c) as a hash of the developer key, beside
 * the optional HMAC secret (libodapi's extension "Secret"). Neither lives
 * in the practice database, where Queries could read them and
 * apisubscription keeps Open Dental's shape.
 */
#include "engine/openapi-internal.h"
#include "features/events-internal.h"
#include "features/evstate-internal.h"
#include "engine/resource-internal.h"
#include "db/catalog-internal.h"
#include "core/http-client-internal.h"

#include <ctype.h>
#include <jansson.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define COLS                                                                  \
    "ApiSubscriptionNum, EndPointUrl, Workstation, CustomerKey, WatchTable, " \
    "PollingSeconds, UiEventType, "                                           \
    "DATE_FORMAT(DateTimeStart, '%Y-%m-%d %H:%i:%s'), "                       \
    "DATE_FORMAT(DateTimeStop, '%Y-%m-%d %H:%i:%s'), Note"
#define NCOLS 10
#define C_NUM 0
#define C_CUST 3
#define C_POLL 5

/* ---- the job ------------------------------------------------------------------ */

enum sop { S_GET, S_POST, S_PUT, S_DELETE };

/* Writable fields, in the order of the UPDATE/INSERT column lists. */
enum { F_URL, F_WS, F_TABLE, F_POLL, F_UI, F_START, F_STOP, F_NOTE, F_SECRET,
       NF };
static const char *const fnames[NF] = {
    "EndPointUrl", "Workstation", "WatchTable", "PollingSeconds",
    "UiEventType", "DateTimeStart", "DateTimeStop", "Note", "Secret"};

struct sjob {
    odapi_request *req;
    enum sop op;
    char cust[129];       /* the caller's keys, exactly as sent */
    char owner[65];       /* od_evstate_owner_of(developer key) */
    struct od_evstate *st; /* a reference, or NULL: no owners here */
    long long key;
    char *val[NF];        /* given values (strings), NULL: absent */
    int status;
    char msg[400];
    struct od_buf out;
    int nrows;
    int ui;               /* PUT: the row is a UI subscription */
    long long *foreign;   /* GET: the customer key's rows of others */
    int nforeign, capforeign;
};

static void sjob_free(struct sjob *j)
{
    int i;
    for (i = 0; i < NF; i++) {
        if (i == F_SECRET && j->val[i])
            OPENSSL_cleanse(j->val[i], strlen(j->val[i]));
        free(j->val[i]);
    }
    od_evstate_unref(j->st);
    od_buf_free(&j->out);
    free(j->foreign);
    free(j);
}

static void fail(struct sjob *j, int status, const char *msg)
{
    j->status = status;
    snprintf(j->msg, sizeof j->msg, "%s", msg);
}

/* ---- whose subscription (worker thread) ---------------------------------------- */

static int same_key(const char *a, const char *b)
{
    return od_ct_equal(a, strlen(a), b, strlen(b));
}

/* May the caller see and change subscription num, whose CustomerKey is
 * ck? Its customer key, byte for byte, and, where owners are recorded,
 * its developer. A subscription with no owner recorded (made by Open
 * Dental, by a Local API, or before owners were kept) belongs to every
 * developer with its exact customer key. 1 yes, 0 no, -1 error. */
static int mine(struct sjob *j, struct od_conn *c, long long num,
                const char *ck)
{
    struct od_evrec r;
    int rc;
    if (!same_key(ck, j->cust))
        return 0;
    if (!j->st)
        return 1;
    if ((rc = od_evstate_get(j->st, c, num, &r)) < 0)
        return -1;
    rc = rc == 0 || !r.owner[0] || strcmp(r.owner, j->owner) == 0;
    OPENSSL_cleanse(r.secret, sizeof r.secret);
    return rc;
}

static void add_foreign(void *arg, long long num)
{
    struct sjob *j = arg;
    if (j->nforeign == j->capforeign) {
        int cap = j->capforeign ? 2 * j->capforeign : 16;
        long long *p = realloc(j->foreign, (size_t)cap * sizeof *p);
        if (!p) {
            j->out.oom = 1;
            return;
        }
        j->foreign = p;
        j->capforeign = cap;
    }
    j->foreign[j->nforeign++] = num;
}

static int is_foreign(const struct sjob *j, long long num)
{
    int i;
    for (i = 0; i < j->nforeign; i++)
        if (j->foreign[i] == num)
            return 1;
    return 0;
}

/* ---- the work (worker thread) ---------------------------------------------------- */

static int row_json(void *arg, char **c)
{
    struct sjob *j = arg;
    static const char *const names[NCOLS] = {
        "SubscriptionNum", "EndPointUrl", "Workstation", "CustomerKey",
        "WatchTable", "PollingSeconds", "UiEventType", "DateTimeStart",
        "DateTimeStop", "Note"};
    long long num = strtoll(c[C_NUM], NULL, 10);
    unsigned i;
    if (!same_key(c[C_CUST], j->cust) || is_foreign(j, num))
        return 0;
    if (j->nrows++)
        od_buf_addc(&j->out, ',');
    od_buf_addc(&j->out, '{');
    for (i = 0; i < NCOLS; i++) {
        if (i)
            od_buf_addc(&j->out, ',');
        od_buf_printf(&j->out, "\"%s\":", names[i]);
        if (i == C_NUM || i == C_POLL)
            od_buf_printf(&j->out, "%lld", strtoll(c[i], NULL, 10));
        else
            od_buf_json_str(&j->out, c[i], strlen(c[i]), 0);
    }
    od_buf_addc(&j->out, '}');
    return 0;
}

static int work_get(struct od_conn *c, struct sjob *j)
{
    struct od_prm p[1] = {OD_PS(j->cust)};
    /* the rows with the caller's customer key that another developer
     * made; the collation's matches are narrowed byte for byte in C */
    if (j->st && od_evstate_each_foreign(j->st, c, j->cust, j->owner,
                                         add_foreign, j) < 0)
        goto err;
    od_buf_addc(&j->out, '[');
    if (od_query_each(c, "SELECT " COLS " FROM apisubscription WHERE "
                         "CustomerKey = ? ORDER BY ApiSubscriptionNum",
                      p, 1, NCOLS, row_json, j) < 0)
        goto err;
    od_buf_addc(&j->out, ']');
    j->status = 200;
    return OD_WORK_DONE;
err:
    fail(j, 500, "The database could not read the subscriptions.");
    return c->lost ? OD_WORK_RETRY : OD_WORK_DONE;
}

/* Is there an unexpired subscription of the caller's with the same
 * EndPointUrl, Workstation and WatchTable/UiEventType (Open Dental's
 * IsExistingSubscription)? Another developer's is not looked at: saying
 * so would tell that it exists. 1, 0, or -1. */
struct dup {
    struct sjob *j;
    struct od_conn *c;
    int found, err;
};

static int dup_row(void *arg, char **col)
{
    struct dup *d = arg;
    int m = mine(d->j, d->c, strtoll(col[0], NULL, 10), col[1]);
    if (m < 0)
        d->err = 1;
    else if (m > 0)
        d->found = 1;
    return d->found || d->err;
}

static int is_duplicate(struct od_conn *c, struct sjob *j)
{
    struct dup d = {j, c, 0, 0};
    struct od_prm p[5] = {OD_PS(j->cust), OD_PS(j->val[F_URL]),
                          OD_PS(j->val[F_WS]), OD_PS(j->val[F_TABLE]),
                          OD_PS(j->val[F_UI])};
    if (od_query_each(c, "SELECT ApiSubscriptionNum, CustomerKey FROM "
                         "apisubscription WHERE CustomerKey = ? AND "
                         "EndPointUrl = ? AND Workstation = ? AND WatchTable "
                         "= ? AND UiEventType = ? AND (DateTimeStop < "
                         "'0001-01-02' OR DateTimeStop > NOW()) FOR UPDATE",
                      p, 5, 2, dup_row, &d) < 0 || d.err)
        return -1;
    return d.found;
}

/* In the transaction: the duplicate check, the row, its owner and secret. */
static int post_tx(struct od_conn *c, struct sjob *j)
{
    struct od_prm p[10];
    int dup = is_duplicate(c, j);
    if (dup < 0)
        return -1;
    if (dup) {
        fail(j, 400, "A subscription with this EndPointUrl, Workstation "
                     "and WatchTable or UiEventType already exists.");
        return -1;
    }
    p[0] = OD_PS(j->val[F_URL]);
    p[1] = OD_PS(j->val[F_WS]);
    p[2] = OD_PS(j->cust);
    p[3] = OD_PS(j->val[F_TABLE]);
    p[4] = OD_PS(j->val[F_POLL]);
    p[5] = OD_PS(j->val[F_UI]);
    p[6] = p[7] = j->val[F_START] ? OD_PS(j->val[F_START]) : OD_PNULL;
    p[8] = OD_PS(j->val[F_STOP]);
    p[9] = OD_PS(j->val[F_NOTE]);
    if (od_exec(c, "INSERT INTO apisubscription (EndPointUrl, Workstation, "
                   "CustomerKey, WatchTable, PollingSeconds, UiEventType, "
                   "DateTimeStart, DateTimeStop, Note) VALUES (?, ?, ?, ?, "
                   "?, ?, IF(? IS NULL, NOW(), ?), ?, ?)",
                p, 10, NULL, &j->key))
        return -1;
    /* before COMMIT: a subscription whose owner could not be recorded
     * must not exist (any developer with the customer key could take it) */
    if (j->st && od_evstate_set(j->st, c, j->key, j->owner,
                                j->val[F_SECRET] ? j->val[F_SECRET] : ""))
        return -1;
    return 0;
}

static int work_post(struct od_conn *c, struct sjob *j)
{
    struct od_prm p[1];
    if (od_tx_begin(c) == 0 && od_tx_end(c, post_tx(c, j)) == 0) {
        p[0] = OD_PI(j->key);
        if (od_query_each(c, "SELECT " COLS " FROM apisubscription WHERE "
                             "ApiSubscriptionNum = ?", p, 1, NCOLS, row_json,
                          j) < 0)
            od_buf_printf(&j->out, "{\"SubscriptionNum\":%lld}", j->key);
        j->status = 201;
        return OD_WORK_DONE;
    }
    if (!j->status)
        fail(j, 500, "The database could not save the subscription.");
    j->key = 0;
    return od_tx_failed(c, &j->status, j->msg, sizeof j->msg);
}

/* The row of j->key, locked, if it is the caller's: 1, 0 (404), -1. */
struct found {
    struct sjob *j;
    struct od_conn *c;
    int yes, err;
};

static int found_row(void *arg, char **col)
{
    struct found *f = arg;
    int m = mine(f->j, f->c, f->j->key, col[0]);
    if (m < 0)
        f->err = 1;
    f->yes = m > 0;
    f->j->ui = !col[1][0]; /* WatchTable blank: a UI subscription */
    return 1;
}

static int lock_mine(struct od_conn *c, struct sjob *j)
{
    struct found f = {j, c, 0, 0};
    struct od_prm p[1] = {OD_PI(j->key)};
    if (od_query_each(c, "SELECT CustomerKey, WatchTable FROM "
                         "apisubscription WHERE ApiSubscriptionNum = ? FOR "
                         "UPDATE", p, 1, 2, found_row, &f) < 0 || f.err)
        return -1;
    return f.yes;
}

static int put_tx(struct od_conn *c, struct sjob *j)
{
    static const char *const cols[NF] = {
        "EndPointUrl", "Workstation", NULL, "PollingSeconds", NULL,
        "DateTimeStart", "DateTimeStop", "Note", NULL};
    struct od_prm p[NF + 1];
    char sql[512];
    size_t len;
    int i, np = 0, m = lock_mine(c, j);
    if (m <= 0) {
        if (m == 0)
            fail(j, 404, "Subscription not found");
        return -1;
    }
    if (j->ui && j->val[F_POLL]) {
        fail(j, 400, "PollingSeconds is only for database events "
                     "(WatchTable).");
        return -1;
    }
    len = (size_t)snprintf(sql, sizeof sql, "UPDATE apisubscription SET ");
    for (i = 0; i < NF; i++) {
        if (!cols[i] || !j->val[i])
            continue;
        len += (size_t)snprintf(sql + len, sizeof sql - len, "%s%s = ?",
                                np ? ", " : "", cols[i]);
        p[np++] = OD_PS(j->val[i]);
    }
    if (np) {
        snprintf(sql + len, sizeof sql - len,
                 " WHERE ApiSubscriptionNum = ?");
        p[np++] = OD_PI(j->key);
        if (od_exec(c, sql, p, np, NULL, NULL))
            return -1;
    }
    if (j->val[F_SECRET] && j->st &&
        od_evstate_set(j->st, c, j->key, NULL, j->val[F_SECRET]))
        return -1;
    return 0;
}

static int delete_tx(struct od_conn *c, struct sjob *j)
{
    struct od_prm p[1] = {OD_PI(j->key)};
    int m = lock_mine(c, j);
    if (m <= 0) {
        if (m == 0)
            fail(j, 404, "SubscriptionNum not found");
        return -1;
    }
    if (od_exec(c, "DELETE FROM apisubscription WHERE ApiSubscriptionNum = "
                   "?", p, 1, NULL, NULL))
        return -1;
    /* its owner, secret and lease go with it; a state folder's record
     * only after COMMIT (work()): until then the row keeps its owner */
    if (j->st && od_evstate_is_db(j->st) &&
        od_evstate_forget(j->st, c, j->key))
        return -1;
    return 0;
}

static int work(struct od_conn *c, void *arg)
{
    struct sjob *j = arg;
    switch (j->op) {
    case S_GET:
        return work_get(c, j);
    case S_POST:
        return work_post(c, j);
    case S_PUT:
    case S_DELETE:
        if (od_tx_begin(c) == 0 &&
            od_tx_end(c, j->op == S_PUT ? put_tx(c, j) : delete_tx(c, j)) ==
                0) {
            if (j->op == S_DELETE && j->st && !od_evstate_is_db(j->st))
                od_evstate_forget(j->st, c, j->key); /* logs a failure */
            j->status = 200;
            return OD_WORK_DONE;
        }
        if (!j->status)
            fail(j, 500, j->op == S_PUT
                             ? "The database could not save the subscription."
                             : "The database could not delete the "
                               "subscription.");
        return od_tx_failed(c, &j->status, j->msg, sizeof j->msg);
    }
    return OD_WORK_DONE;
}

static void done(void *arg, int status)
{
    struct sjob *j = arg;
    if (status != ODAPI_OK) {
        odapi_reply_error(j->req, 503, "The database is not available.");
    } else if (j->status >= 400 || j->status == 0) {
        odapi_reply_error(j->req, j->status ? j->status : 503,
                          j->status ? j->msg
                                    : "The database is not available.");
    } else if (j->out.oom) {
        odapi_reply_error(j->req, 500, "Out of memory.");
    } else {
        if (j->status == 201) {
            char url[256];
            snprintf(url, sizeof url, "%ssubscriptions/%lld",
                     j->req->srv->base_url, j->key);
            odapi_request_add_header(j->req, "Location", url);
        }
        odapi_reply(j->req, j->status, j->out.p ? j->out.p : "", j->out.len);
    }
    sjob_free(j);
}

static void submit(struct sjob *j)
{
    if (od_request_submit(j->req, work, done, j))
        sjob_free(j);
}

/* ---- input ---------------------------------------------------------------------- */

/* Read the body into j->val; 0, or -1 after a 400. */
/* The body's members into j->val (as text; PollingSeconds may be a
 * number). 0; 400 with msg; 500 when memory ran out. */
static int load_values(odapi_request *req, struct sjob *j, char *msg,
                       size_t msgsize)
{
    json_t *root, *v;
    json_error_t jerr;
    int i, rc = 0;

    if (!req->body_len) {
        snprintf(msg, msgsize, "The request body is empty.");
        return 400;
    }
    root = json_loadb(req->body, req->body_len, 0, &jerr);
    if (!root || !json_is_object(root)) {
        json_decref(root);
        snprintf(msg, msgsize, "The request body is not valid JSON.");
        return 400;
    }
    for (i = 0; i < NF && !rc; i++) {
        char num[32];
        const char *s;
        if (!(v = json_object_get(root, fnames[i])) || json_is_null(v))
            continue;
        if (i == F_POLL && json_is_integer(v)) {
            snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
            s = num;
        } else if (json_is_string(v)) {
            s = json_string_value(v);
        } else {
            snprintf(msg, msgsize, "%s is invalid.", fnames[i]);
            rc = 400;
            break;
        }
        if (!(j->val[i] = strdup(s))) {
            snprintf(msg, msgsize, "Out of memory.");
            rc = 500;
        }
    }
    json_decref(root);
    return rc;
}

/* What every value given must be, for a POST and a PUT alike. 0, or -1
 * with the message. */
static int check_values(odapi_request *req, struct sjob *j, int post,
                        char *msg, size_t msgsize)
{
    int i;

    if (!post && (j->val[F_TABLE] || j->val[F_UI])) {
        snprintf(msg, msgsize, "%s cannot be changed; delete the "
                 "subscription and add a new one.",
                 j->val[F_TABLE] ? "WatchTable" : "UiEventType");
        return -1;
    }
    for (i = 0; i < NF; i++) {
        const char *s = j->val[i];
        if (!s)
            continue;
        if (i != F_NOTE && i != F_SECRET && strlen(s) > 255) {
            snprintf(msg, msgsize, "%s is too long.", fnames[i]);
            return -1;
        }
        /* the text columns of apisubscription: what they cannot store
         * unchanged (an emoji in utf8mb3) is refused, never cut */
        if ((i == F_URL || i == F_WS || i == F_TABLE || i == F_UI ||
             i == F_NOTE) &&
            od_text_check(od_db_catalog(req->srv->db), "apisubscription",
                          fnames[i], fnames[i], s, msg, msgsize))
            return -1;
    }
    if (j->val[F_URL] || post) {
        struct od_hc_url u;
        char err[128];
        if (!j->val[F_URL] || !*j->val[F_URL]) {
            snprintf(msg, msgsize, "EndPointUrl is required.");
            return -1;
        }
        if (od_hc_url_parse(&u, j->val[F_URL], 0, err, sizeof err)) {
            snprintf(msg, msgsize, "EndPointUrl is invalid: %s.", err);
            return -1;
        }
        od_hc_url_free(&u);
    }
    if (j->val[F_NOTE] && strlen(j->val[F_NOTE]) > 255) {
        snprintf(msg, msgsize, "Note is too long.");
        return -1;
    }
    if (j->val[F_SECRET] && *j->val[F_SECRET] &&
        (strlen(j->val[F_SECRET]) < 16 || strlen(j->val[F_SECRET]) > 255)) {
        snprintf(msg, msgsize, "Secret must be 16 to 255 characters.");
        return -1;
    }
    if (j->val[F_POLL]) {
        char *end;
        long pv = strtol(j->val[F_POLL], &end, 10);
        if (*end || end == j->val[F_POLL] || pv < 1 || pv > 86400) {
            snprintf(msg, msgsize, "PollingSeconds is invalid.");
            return -1;
        }
    }
    return 0;
}

/* A POST: one of WatchTable (with PollingSeconds) or UiEventType. *w: the
 * table watched. 0, or -1 with the message. */
static int check_new(struct sjob *j, const struct od_watch **w, char *msg,
                     size_t msgsize)
{
    int has_t = j->val[F_TABLE] && *j->val[F_TABLE];
    int has_u = j->val[F_UI] && *j->val[F_UI];
    const char *e = NULL;

    *w = NULL;
    if (has_t && has_u)
        e = "Only one of WatchTable or UiEventType may be given.";
    else if (!has_t && !has_u)
        e = "WatchTable or UiEventType is required.";
    else if (has_t && !(*w = od_watch_find(j->val[F_TABLE])))
        e = "WatchTable is invalid.";
    else if (has_u && strcasecmp(j->val[F_UI], "PatientSelected"))
        e = "UiEventType is invalid.";
    else if (has_t && !j->val[F_POLL])
        e = "PollingSeconds is required.";
    else if (has_u && j->val[F_POLL])
        e = "PollingSeconds is only for database events (WatchTable).";
    if (e)
        snprintf(msg, msgsize, "%s", e);
    return e ? -1 : 0;
}

/* Replace *val by a copy of s when it is absent (or always); -1 when
 * memory ran out. */
static int set_val(char **val, const char *s, int always)
{
    if (*val && !always)
        return 0;
    free(*val);
    return (*val = strdup(s)) ? 0 : -1;
}

/* A POST's canonical spellings, and blanks for the absent values. */
static int fill_new(struct sjob *j, const struct od_watch *w)
{
    int has_u = j->val[F_UI] && *j->val[F_UI];

    return set_val(&j->val[F_TABLE], w ? w->name : "", 1) |
           set_val(&j->val[F_UI], has_u ? "PatientSelected" : "", 1) |
           set_val(&j->val[F_POLL], "0", 0) | set_val(&j->val[F_WS], "", 0) |
           set_val(&j->val[F_NOTE], "", 0) |
           set_val(&j->val[F_STOP], "0001-01-01 00:00:00", 0);
}

static int read_body(odapi_request *req, struct sjob *j, int post)
{
    const struct od_watch *w;
    char msg[200];
    int i, rc;

    if ((rc = load_values(req, j, msg, sizeof msg))) {
        odapi_reply_error(req, rc, msg);
        return -1;
    }
    if (check_values(req, j, post, msg, sizeof msg) ||
        (post && check_new(j, &w, msg, sizeof msg)))
        goto bad;
    if (post && fill_new(j, w)) {
        odapi_reply_error(req, 500, "Out of memory.");
        return -1;
    }
    for (i = F_START; i <= F_STOP; i++) {
        if (j->val[i] && !od_valid_date(j->val[i], 1)) {
            snprintf(msg, sizeof msg, "%s format must be yyyy-MM-dd HH:mm:ss",
                     fnames[i]);
            goto bad;
        }
    }
    return 0;
bad:
    odapi_reply_error(req, 400, msg);
    return -1;
}

/* ---- handlers ------------------------------------------------------------------- */

/* The developer key of the request's "ODFHIR dev/cust" (already checked
 * by the credential layer) into out. */
static void developer_key(odapi_request *req, char *out, size_t len)
{
    const char *h = odapi_request_header(req, "Authorization");
    const char *sp = h ? strchr(h, ' ') : NULL;
    const char *slash = sp ? strchr(sp + 1, '/') : NULL;
    size_t n = slash ? (size_t)(slash - sp - 1) : 0;
    if (n >= len)
        n = len - 1;
    memcpy(out, n ? sp + 1 : "", n);
    out[n] = '\0';
}

static struct sjob *sjob_new(odapi_request *req, enum sop op)
{
    struct sjob *j;
    struct od_evstate *st;
    char dev[256], why[400], msg[600];
    /* a state that cannot be read: no owner can be checked, so nothing
     * is served rather than everything */
    if (od_events_store(req->srv, &st, why, sizeof why)) {
        snprintf(msg, sizeof msg, "The subscriptions cannot be served now: "
                 "%s.", why);
        odapi_reply_error(req, 503, msg);
        return NULL;
    }
    if (!(j = calloc(1, sizeof *j))) {
        odapi_reply_error(req, 500, "Out of memory.");
        return NULL;
    }
    j->req = req;
    j->op = op;
    snprintf(j->cust, sizeof j->cust, "%s", req->customer_key);
    developer_key(req, dev, sizeof dev);
    od_evstate_owner_of(dev, j->owner);
    OPENSSL_cleanse(dev, sizeof dev);
    j->st = od_evstate_ref(st);
    return j;
}

/* Where the subscription and its Secret can go from this server; 0, or -1
 * after answering. */
static int can_store(odapi_request *req, struct sjob *j)
{
    char why[400], msg[600];
    /* a database-event subscription this service would never fire */
    if (j->op == S_POST && j->val[F_TABLE] && *j->val[F_TABLE] &&
        od_events_refuses(req->srv, why, sizeof why)) {
        snprintf(msg, sizeof msg, "Database Events cannot fire on this "
                 "service: %s. The subscription was not saved.", why);
        odapi_reply_error(req, 503, msg);
        return -1;
    }
    if (!j->val[F_SECRET])
        return 0;
    if (!*j->val[F_SECRET] && !j->st) { /* nothing to remove */
        free(j->val[F_SECRET]);
        j->val[F_SECRET] = NULL;
        return 0;
    }
    if (!od_events_secrets_ok(req->srv, why, sizeof why)) {
        snprintf(msg, sizeof msg, "Secret cannot be stored on this "
                 "service: %s.", why);
        odapi_reply_error(req, 400, msg);
        return -1;
    }
    return 0;
}

static int parse_num(odapi_request *req, struct sjob *j)
{
    const char *s = odapi_request_segment(req, "SubscriptionNum");
    char *end;
    if (!s || !*s || !isdigit((unsigned char)*s) ||
        (j->key = strtoll(s, &end, 10), *end) || j->key <= 0) {
        odapi_reply_error(req, 400, "SubscriptionNum is invalid.");
        sjob_free(j);
        return -1;
    }
    return 0;
}

static void h_get(odapi_request *req, void *arg)
{
    struct sjob *j = sjob_new(req, S_GET);
    (void)arg;
    if (j)
        submit(j);
}

static void h_post(odapi_request *req, void *arg)
{
    struct sjob *j = sjob_new(req, S_POST);
    (void)arg;
    if (!j)
        return;
    if (read_body(req, j, 1) || can_store(req, j)) {
        sjob_free(j);
        return;
    }
    submit(j);
}

static void h_put(odapi_request *req, void *arg)
{
    struct sjob *j = sjob_new(req, S_PUT);
    (void)arg;
    if (!j || parse_num(req, j))
        return;
    if (read_body(req, j, 0) || can_store(req, j)) {
        sjob_free(j);
        return;
    }
    submit(j);
}

static void h_delete(odapi_request *req, void *arg)
{
    struct sjob *j = sjob_new(req, S_DELETE);
    (void)arg;
    if (!j || parse_num(req, j))
        return;
    submit(j);
}

/* What these routes take and answer, for GET /openapi.json
 * (engine/openapi-internal.h). */
static const struct od_opdoc subscription_docs[] = {
    {"GET", "/subscriptions",
     "The caller's subscriptions.",
     NULL,
     NULL,
     NULL,
     .perm = ODAPI_PERM_READ_ALL, .handler = h_get},
    {"POST", "/subscriptions",
     "Subscribe to database or UI events.",
     NULL,
     "EndPointUrl:text!,Workstation:text,WatchTable:text,PollingSeconds:int,UiEventType:text,DateTimeStart:datetime,DateTimeStop:datetime,Note:text",
     NULL,
     .perm = ODAPI_PERM_READ_ALL, .handler = h_post},
    {"PUT", "/subscriptions/{SubscriptionNum}",
     "Change a subscription.",
     NULL,
     "EndPointUrl:text,Workstation:text,PollingSeconds:int,DateTimeStart:datetime,DateTimeStop:datetime,Note:text",
     NULL,
     .perm = ODAPI_PERM_READ_ALL, .handler = h_put},
    {"DELETE", "/subscriptions/{SubscriptionNum}",
     "Delete a subscription.",
     NULL,
     NULL,
     NULL,
     .perm = ODAPI_PERM_READ_ALL, .handler = h_delete},
};

void od_subscriptions_register(odapi_server *srv)
{
    /* apipermissions.html: ReadAll covers Subscriptions GET/POST/PUT; DELETE
     * is ReadAll too (docs/events.md: removing one's own subscription is part
     * of the same free tier). */
    od_api_routes(srv, subscription_docs, (int)OD_ARRAY_LEN(subscription_docs));
}
