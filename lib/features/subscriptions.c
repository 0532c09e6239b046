/*
 * subscriptions.c - the subscriptions resource (spec 7.1): POST, GET,
 * PUT and DELETE /subscriptions, stored in Open Dental's apisubscription
 * table and scoped to the caller's customer key. The optional HMAC secret
 * (libodapi's extension "Secret") lives in odapi_eventstate so that
 * apisubscription keeps Open Dental's shape. docs/events.md.
 */
#include "features/events-internal.h"
#include "engine/resource-internal.h"
#include "db/catalog-internal.h"
#include "http/http-client-internal.h"

#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define COLS                                                                  \
    "ApiSubscriptionNum, EndPointUrl, Workstation, CustomerKey, WatchTable, " \
    "PollingSeconds, UiEventType, "                                           \
    "DATE_FORMAT(DateTimeStart, '%Y-%m-%d %H:%i:%s'), "                       \
    "DATE_FORMAT(DateTimeStop, '%Y-%m-%d %H:%i:%s'), Note"

/* ---- statement helpers ----------------------------------------------------- */

static MYSQL_STMT *run(struct od_conn *c, const char *sql,
                       const char *const *params, int n)
{
    MYSQL_STMT *st = od_conn_stmt(c, sql);
    MYSQL_BIND b[24];
    unsigned long lens[24];
    int i;
    if (!st || n > 24)
        return NULL;
    memset(b, 0, sizeof b);
    for (i = 0; i < n; i++) {
        if (!params[i]) {
            b[i].buffer_type = MYSQL_TYPE_NULL;
            continue;
        }
        lens[i] = (unsigned long)strlen(params[i]);
        b[i].buffer_type = MYSQL_TYPE_STRING;
        b[i].buffer = (char *)params[i];
        b[i].buffer_length = lens[i];
        b[i].length = &lens[i];
    }
    if ((n && mysql_stmt_bind_param(st, b)) || mysql_stmt_execute(st)) {
        od_conn_note_error(c, mysql_stmt_errno(st));
        if (!c->lost)
            od_conn_log(c, ODAPI_LOG_ERROR, "events: %s",
                        mysql_stmt_error(st));
        return NULL;
    }
    return st;
}

long long od_ev_exec(struct od_conn *c, const char *sql,
                     const char *const *params, int n)
{
    MYSQL_STMT *st = run(c, sql, params, n);
    return st ? (long long)mysql_stmt_affected_rows(st) : -1;
}

int od_ev_query(struct od_conn *c, const char *sql, const char *const *params,
                int n, void (*row)(void *arg, char **cols, unsigned ncols),
                void *arg)
{
    MYSQL_STMT *st = run(c, sql, params, n);
    MYSQL_BIND rb[16];
    char bufs[16][512], *cols[16];
    unsigned long lens[16];
    my_bool nulls[16], errs[16];
    unsigned ncols, i;
    int rows = 0, rc;
    if (!st)
        return -1;
    ncols = mysql_stmt_field_count(st);
    if (ncols > 16) {
        mysql_stmt_free_result(st);
        return -1;
    }
    memset(rb, 0, sizeof rb);
    for (i = 0; i < ncols; i++) {
        rb[i].buffer_type = MYSQL_TYPE_STRING;
        rb[i].buffer = bufs[i];
        rb[i].buffer_length = sizeof bufs[i] - 1;
        rb[i].length = &lens[i];
        rb[i].is_null = &nulls[i];
        rb[i].error = &errs[i];
    }
    if (ncols && mysql_stmt_bind_result(st, rb))
        return -1;
    while ((rc = mysql_stmt_fetch(st)) == 0 || rc == MYSQL_DATA_TRUNCATED) {
        for (i = 0; i < ncols; i++) {
            size_t l = lens[i] < sizeof bufs[i] - 1 ? lens[i]
                                                    : sizeof bufs[i] - 1;
            bufs[i][l] = '\0';
            cols[i] = nulls[i] ? NULL : bufs[i];
        }
        if (row)
            row(arg, cols, ncols);
        rows++;
    }
    if (rc != MYSQL_NO_DATA) {
        od_conn_note_error(c, mysql_stmt_errno(st));
        rows = -1;
    }
    mysql_stmt_free_result(st);
    return rows;
}

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
    char cust[129];
    long long key;
    char *val[NF];        /* given values (strings), NULL: absent */
    int status;
    char msg[200];
    struct od_buf out;
    int nrows;
};

static void sjob_free(struct sjob *j)
{
    int i;
    for (i = 0; i < NF; i++)
        free(j->val[i]);
    od_buf_free(&j->out);
    free(j);
}

static void row_json(void *arg, char **c, unsigned n)
{
    struct sjob *j = arg;
    static const char *const names[] = {
        "SubscriptionNum", "EndPointUrl", "Workstation", "CustomerKey",
        "WatchTable", "PollingSeconds", "UiEventType", "DateTimeStart",
        "DateTimeStop", "Note"};
    unsigned i;
    if (n != 10)
        return;
    if (j->nrows++)
        od_buf_addc(&j->out, ',');
    od_buf_addc(&j->out, '{');
    for (i = 0; i < n; i++) {
        const char *v = c[i] ? c[i] : "";
        if (i)
            od_buf_addc(&j->out, ',');
        od_buf_printf(&j->out, "\"%s\":", names[i]);
        if (i == 0 || i == 5)
            od_buf_printf(&j->out, "%lld", strtoll(v, NULL, 10));
        else
            od_buf_json_str(&j->out, v, strlen(v), 0);
    }
    od_buf_addc(&j->out, '}');
}

static void found_row(void *arg, char **c, unsigned n)
{
    struct sjob *j = arg;
    (void)n;
    /* remember whether it is a UI subscription (WatchTable blank) */
    j->nrows = c[0] && *c[0] ? 1 : 2;
}

static void fail(struct sjob *j, struct od_conn *c, int status,
                 const char *msg)
{
    if (c && c->lost) {
        j->status = 503;
        snprintf(j->msg, sizeof j->msg, "The database is not available.");
        return;
    }
    j->status = status;
    snprintf(j->msg, sizeof j->msg, "%s", msg);
}

static int tx(struct od_conn *c, const char *what)
{
    if (mysql_query(c->m, what)) {
        od_conn_note_error(c, mysql_errno(c->m));
        return -1;
    }
    return 0;
}

static int set_secret(struct od_conn *c, struct sjob *j, const char *key)
{
    const char *p[2] = {key, j->val[F_SECRET]};
    return od_ev_exec(c,
                      "INSERT INTO odapi_eventstate (ApiSubscriptionNum, "
                      "Secret) VALUES (?, ?) ON DUPLICATE KEY UPDATE "
                      "Secret = VALUES(Secret)",
                      p, 2) < 0 ? -1 : 0;
}

static int work_post(struct od_conn *c, struct sjob *j)
{
    const char *dup[5] = {j->cust, j->val[F_URL], j->val[F_WS],
                          j->val[F_TABLE], j->val[F_UI]};
    const char *ins[11];
    char key[32];
    int n;
    if (tx(c, "START TRANSACTION"))
        goto dberr;
    n = od_ev_query(c,
                    "SELECT 1 FROM apisubscription WHERE CustomerKey = ? AND "
                    "EndPointUrl = ? AND Workstation = ? AND WatchTable = ? "
                    "AND UiEventType = ? AND (DateTimeStop < '0001-01-02' OR "
                    "DateTimeStop > NOW()) LIMIT 1 FOR UPDATE",
                    dup, 5, NULL, NULL);
    if (n < 0)
        goto dberr;
    if (n > 0) {
        tx(c, "ROLLBACK");
        fail(j, c, 400, "A subscription with this EndPointUrl, Workstation "
                        "and WatchTable or UiEventType already exists.");
        return 0;
    }
    ins[0] = j->val[F_URL];
    ins[1] = j->val[F_WS];
    ins[2] = j->cust;
    ins[3] = j->val[F_TABLE];
    ins[4] = j->val[F_POLL];
    ins[5] = j->val[F_UI];
    ins[6] = ins[7] = j->val[F_START];
    ins[8] = j->val[F_STOP];
    ins[9] = j->val[F_NOTE];
    if (od_ev_exec(c,
                   "INSERT INTO apisubscription (EndPointUrl, Workstation, "
                   "CustomerKey, WatchTable, PollingSeconds, UiEventType, "
                   "DateTimeStart, DateTimeStop, Note) VALUES (?, ?, ?, ?, "
                   "?, ?, IF(? IS NULL, NOW(), ?), ?, ?)",
                   ins, 10) < 0)
        goto dberr;
    j->key = (long long)mysql_insert_id(c->m);
    snprintf(key, sizeof key, "%lld", j->key);
    if (j->val[F_SECRET] && *j->val[F_SECRET] && set_secret(c, j, key))
        goto dberr;
    if (tx(c, "COMMIT"))
        goto dberr;
    {
        const char *p[1] = {key};
        od_ev_query(c, "SELECT " COLS " FROM apisubscription WHERE "
                       "ApiSubscriptionNum = ?", p, 1, row_json, j);
    }
    j->status = 201;
    return 0;
dberr:
    if (!c->lost)
        tx(c, "ROLLBACK");
    fail(j, c, 500, "The database could not save the subscription.");
    return c->lost ? -1 : 0;
}

static int work_put(struct od_conn *c, struct sjob *j)
{
    static const char *const cols[NF] = {
        "EndPointUrl", "Workstation", NULL, "PollingSeconds", NULL,
        "DateTimeStart", "DateTimeStop", "Note", NULL};
    const char *p[NF + 2];
    char key[32], sql[512];
    size_t len;
    int i, n, np = 0;
    snprintf(key, sizeof key, "%lld", j->key);
    p[0] = key;
    p[1] = j->cust;
    if (tx(c, "START TRANSACTION"))
        goto dberr;
    j->nrows = 0;
    n = od_ev_query(c, "SELECT WatchTable FROM apisubscription WHERE "
                       "ApiSubscriptionNum = ? AND CustomerKey = ? FOR UPDATE",
                    p, 2, found_row, j);
    if (n < 0)
        goto dberr;
    if (n == 0) {
        tx(c, "ROLLBACK");
        fail(j, c, 404, "Subscription not found");
        return 0;
    }
    if (j->nrows == 2 && j->val[F_POLL]) {
        tx(c, "ROLLBACK");
        fail(j, c, 400, "PollingSeconds is only for database events "
                        "(WatchTable).");
        return 0;
    }
    len = (size_t)snprintf(sql, sizeof sql, "UPDATE apisubscription SET ");
    for (i = 0; i < NF; i++) {
        if (!cols[i] || !j->val[i])
            continue;
        len += (size_t)snprintf(sql + len, sizeof sql - len, "%s%s = ?",
                                np ? ", " : "", cols[i]);
        p[np++] = j->val[i];
    }
    if (np) {
        snprintf(sql + len, sizeof sql - len,
                 " WHERE ApiSubscriptionNum = ?");
        p[np++] = key;
        if (od_ev_exec(c, sql, p, np) < 0)
            goto dberr;
    }
    if (j->val[F_SECRET] && set_secret(c, j, key))
        goto dberr;
    if (tx(c, "COMMIT"))
        goto dberr;
    j->status = 200;
    return 0;
dberr:
    if (!c->lost)
        tx(c, "ROLLBACK");
    fail(j, c, 500, "The database could not save the subscription.");
    return c->lost ? -1 : 0;
}

static int work(struct od_conn *c, void *arg)
{
    struct sjob *j = arg;
    char key[32];
    const char *p[2];
    long long n;
    snprintf(key, sizeof key, "%lld", j->key);
    switch (j->op) {
    case S_GET:
        p[0] = j->cust;
        od_buf_addc(&j->out, '[');
        if (od_ev_query(c, "SELECT " COLS " FROM apisubscription WHERE "
                           "CustomerKey = ? ORDER BY ApiSubscriptionNum",
                        p, 1, row_json, j) < 0) {
            fail(j, c, 500, "The database could not read the subscriptions.");
            return c->lost ? OD_WORK_RETRY : OD_WORK_DONE;
        }
        od_buf_addc(&j->out, ']');
        j->status = 200;
        break;
    case S_POST:
        if (work_post(c, j) && c->lost && j->key == 0)
            return OD_WORK_RETRY;
        break;
    case S_PUT:
        if (work_put(c, j) && c->lost)
            return OD_WORK_RETRY;
        break;
    case S_DELETE:
        p[0] = key;
        p[1] = j->cust;
        n = od_ev_exec(c, "DELETE FROM apisubscription WHERE "
                          "ApiSubscriptionNum = ? AND CustomerKey = ?",
                       p, 2);
        if (n < 0) {
            fail(j, c, 500, "The database could not delete the subscription.");
            return c->lost ? OD_WORK_RETRY : OD_WORK_DONE;
        }
        if (n == 0) {
            fail(j, c, 404, "SubscriptionNum not found");
            break;
        }
        /* the lease/secret row; a missing table is no error here */
        od_ev_exec(c, "DELETE FROM odapi_eventstate WHERE "
                      "ApiSubscriptionNum = ?", p, 1);
        j->status = 200;
        break;
    }
    return OD_WORK_DONE;
}

static void done(void *arg, int status)
{
    struct sjob *j = arg;
    if (status != ODAPI_OK) {
        odapi_reply_error(j->req, 503, "The database is not available.");
    } else if (j->status >= 400) {
        odapi_reply_error(j->req, j->status, j->msg);
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
static int read_body(odapi_request *req, struct sjob *j, int post)
{
    json_t *root, *v;
    json_error_t jerr;
    char msg[200];
    int i;
    if (!req->body_len) {
        odapi_reply_error(req, 400, "The request body is empty.");
        return -1;
    }
    root = json_loadb(req->body, req->body_len, 0, &jerr);
    if (!root || !json_is_object(root)) {
        json_decref(root);
        odapi_reply_error(req, 400, "The request body is not valid JSON.");
        return -1;
    }
    for (i = 0; i < NF; i++) {
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
            snprintf(msg, sizeof msg, "%s is invalid.", fnames[i]);
            goto bad;
        }
        if (!(j->val[i] = strdup(s))) {
            json_decref(root);
            odapi_reply_error(req, 500, "Out of memory.");
            return -1;
        }
    }
    json_decref(root);

    if (!post && (j->val[F_TABLE] || j->val[F_UI])) {
        snprintf(msg, sizeof msg, "%s cannot be changed; delete the "
                 "subscription and add a new one.",
                 j->val[F_TABLE] ? "WatchTable" : "UiEventType");
        goto bad0;
    }
    for (i = 0; i < NF; i++) {
        const char *s = j->val[i];
        if (!s)
            continue;
        if (i != F_NOTE && i != F_SECRET && strlen(s) > 255) {
            snprintf(msg, sizeof msg, "%s is too long.", fnames[i]);
            goto bad0;
        }
        /* the text columns of apisubscription: what they cannot store
         * unchanged (an emoji in utf8mb3) is refused, never cut */
        if ((i == F_URL || i == F_WS || i == F_TABLE || i == F_UI ||
             i == F_NOTE) &&
            od_text_check(od_db_catalog(req->srv->db), "apisubscription",
                          fnames[i], fnames[i], s, msg, sizeof msg))
            goto bad0;
    }
    if (j->val[F_URL] || post) {
        struct od_hc_url u;
        char err[128];
        if (!j->val[F_URL] || !*j->val[F_URL]) {
            snprintf(msg, sizeof msg, "EndPointUrl is required.");
            goto bad0;
        }
        if (od_hc_url_parse(&u, j->val[F_URL], 0, err, sizeof err)) {
            snprintf(msg, sizeof msg, "EndPointUrl is invalid: %s.", err);
            goto bad0;
        }
        od_hc_url_free(&u);
    }
    if (j->val[F_NOTE] && strlen(j->val[F_NOTE]) > 255) {
        snprintf(msg, sizeof msg, "Note is too long.");
        goto bad0;
    }
    if (j->val[F_SECRET] && *j->val[F_SECRET] &&
        (strlen(j->val[F_SECRET]) < 16 || strlen(j->val[F_SECRET]) > 255)) {
        snprintf(msg, sizeof msg, "Secret must be 16 to 255 characters.");
        goto bad0;
    }
    if (j->val[F_POLL]) {
        char *end;
        long pv = strtol(j->val[F_POLL], &end, 10);
        if (*end || end == j->val[F_POLL] || pv < 1 || pv > 86400) {
            snprintf(msg, sizeof msg, "PollingSeconds is invalid.");
            goto bad0;
        }
    }
    if (post) {
        const struct od_watch *w = NULL;
        int has_t = j->val[F_TABLE] && *j->val[F_TABLE];
        int has_u = j->val[F_UI] && *j->val[F_UI];
        if (has_t && has_u) {
            snprintf(msg, sizeof msg,
                     "Only one of WatchTable or UiEventType may be given.");
            goto bad0;
        }
        if (!has_t && !has_u) {
            snprintf(msg, sizeof msg, "WatchTable or UiEventType is required.");
            goto bad0;
        }
        if (has_t && !(w = od_watch_find(j->val[F_TABLE]))) {
            snprintf(msg, sizeof msg, "WatchTable is invalid.");
            goto bad0;
        }
        if (has_u && strcasecmp(j->val[F_UI], "PatientSelected")) {
            snprintf(msg, sizeof msg, "UiEventType is invalid.");
            goto bad0;
        }
        if (has_t && !j->val[F_POLL]) {
            snprintf(msg, sizeof msg, "PollingSeconds is required.");
            goto bad0;
        }
        if (has_u && j->val[F_POLL]) {
            snprintf(msg, sizeof msg,
                     "PollingSeconds is only for database events (WatchTable).");
            goto bad0;
        }
        /* canonical spellings; blanks for the absent ones */
        free(j->val[F_TABLE]);
        j->val[F_TABLE] = strdup(w ? w->name : "");
        free(j->val[F_UI]);
        j->val[F_UI] = strdup(has_u ? "PatientSelected" : "");
        if (!j->val[F_POLL])
            j->val[F_POLL] = strdup("0");
        if (!j->val[F_WS])
            j->val[F_WS] = strdup("");
        if (!j->val[F_NOTE])
            j->val[F_NOTE] = strdup("");
        if (!j->val[F_STOP])
            j->val[F_STOP] = strdup("0001-01-01 00:00:00");
        if (!j->val[F_TABLE] || !j->val[F_UI] || !j->val[F_POLL] ||
            !j->val[F_WS] || !j->val[F_NOTE] || !j->val[F_STOP]) {
            odapi_reply_error(req, 500, "Out of memory.");
            return -1;
        }
    }
    for (i = F_START; i <= F_STOP; i++) {
        if (j->val[i] && !od_valid_date(j->val[i], 1)) {
            snprintf(msg, sizeof msg, "%s format must be yyyy-MM-dd HH:mm:ss",
                     fnames[i]);
            goto bad0;
        }
    }
    return 0;
bad:
    json_decref(root);
bad0:
    odapi_reply_error(req, 400, msg);
    return -1;
}

/* ---- handlers ------------------------------------------------------------------- */

static struct sjob *sjob_new(odapi_request *req, enum sop op)
{
    struct sjob *j = calloc(1, sizeof *j);
    if (!j) {
        odapi_reply_error(req, 500, "Out of memory.");
        return NULL;
    }
    j->req = req;
    j->op = op;
    snprintf(j->cust, sizeof j->cust, "%s", req->customer_key);
    return j;
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
    if (read_body(req, j, 1)) {
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
    if (read_body(req, j, 0)) {
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

void od_subscriptions_register(odapi_server *srv)
{
    /* spec 2.4: ReadAll covers Subscriptions GET/POST/PUT; DELETE is
     * ReadAll too (docs/events.md: removing one's own subscription is part
     * of the same free tier). */
    od_router_add(&srv->router, "GET", "/subscriptions", ODAPI_PERM_READ_ALL,
                  h_get, NULL);
    od_router_add(&srv->router, "POST", "/subscriptions", ODAPI_PERM_READ_ALL,
                  h_post, NULL);
    od_router_add(&srv->router, "PUT", "/subscriptions/{SubscriptionNum}",
                  ODAPI_PERM_READ_ALL, h_put, NULL);
    od_router_add(&srv->router, "DELETE", "/subscriptions/{SubscriptionNum}",
                  ODAPI_PERM_READ_ALL, h_delete, NULL);
}
