/*
 * events.c - Database Events (spec 7.3), fired by odservice: poll the
 * apisubscription table, and for each due subscription of this workstation
 * POST the rows of its WatchTable changed in [DateTimeStart, now) to its
 * EndPointUrl, in the resource's GET shape, in batches of at most 1000.
 *
 * Everything runs on the server's loop; database work goes to the pool
 * (od_db_submit), webhook calls are evhttp client calls on the same loop
 * (http-client.c), so a slow receiver holds only its own subscription.
 *
 * Guarantees (docs/events.md): DateTimeStart advances to the poll time only
 * after every batch of the window was answered 2xx, so a failure, a stop or
 * a kill -9 loses nothing (the window is sent again: at-least-once). Rows
 * go in (timestamp, key) order; inside a window a keyset cursor remembers
 * the last acknowledged batch. A lease row in odapi_eventstate lets one
 * instance at a time deliver a subscription. Failures are retried with
 * exponential backoff and jitter.
 */
#include "features/events-internal.h"
#include "http/http-client-internal.h"
#include "engine/resource-internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <event2/dns.h>
#include <event2/event.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>

#define TICK_MS 250
#define MAX_ANSWER (1024 * 1024)
#define LEASE_BUSY_RETRY_MS 1000
#define TABLE_RETRY_MS 60000

/* ---- the WatchTables ---------------------------------------------------------- */

extern const struct od_resource od_res_patients, od_res_appointments,
    od_res_providers, od_res_operatories, od_res_schedules, od_res_patfields,
    od_res_toothinitials, od_res_appointments_deleted, od_res_procedurelogs,
    od_res_commlogs, od_res_payments;

/* name, table, stamp, res, extension, key (NULL: res->pk), filtered */
const struct od_watch od_watches[] = {
    {"Appointment", "appointment", "DateTStamp", &od_res_appointments, 0,
     NULL, 0},
    /* histappointment rows with HistApptAction = Deleted, keyed by the
     * history row (an AptNum could appear twice) */
    {"AppointmentDeleted", "histappointment", "DateTStamp",
     &od_res_appointments_deleted, 0, "HistApptNum", 1},
    {"Operatory", "operatory", "DateTStamp", &od_res_operatories, 0, NULL, 0},
    {"PatField", "patfield", "SecDateTEdit", &od_res_patfields, 0, NULL, 0},
    {"Patient", "patient", "DateTStamp", &od_res_patients, 0, NULL, 0},
    {"Provider", "provider", "DateTStamp", &od_res_providers, 0, NULL, 0},
    {"Schedule", "schedule", "DateTStamp", &od_res_schedules, 0, NULL, 0},
    {"ToothInitial", "toothinitial", "SecDateTEdit", &od_res_toothinitials,
     0, NULL, 0},
    /* libodapi's extensions: resources it serves, same algorithm */
    {"ProcedureLog", "procedurelog", "DateTStamp", &od_res_procedurelogs, 1,
     NULL, 0},
    {"Commlog", "commlog", "DateTStamp", &od_res_commlogs, 1, NULL, 0},
    {"Payment", "payment", "SecDateTEdit", &od_res_payments, 1, NULL, 0},
};
const int od_nwatches = (int)OD_ARRAY_LEN(od_watches);

const struct od_watch *od_watch_find(const char *name)
{
    int i;
    for (i = 0; name && i < od_nwatches; i++)
        if (strcasecmp(od_watches[i].name, name) == 0)
            return &od_watches[i];
    return NULL;
}

/* ---- state -------------------------------------------------------------------- */

struct od_events;

struct esub {
    struct esub *next;
    struct od_events *ev;
    long long num;
    int busy;              /* a job or a call in flight */
    int seen;              /* in the last scan */
    int attempts;          /* failures in a row */
    uint64_t next_ms;      /* not before (backoff, someone else's lease) */
    struct od_hc_call *call;

    /* the window being delivered */
    char start[20];        /* DateTimeStart it began from */
    char poll[20];         /* its end (the database's NOW() at its start) */
    int has_cursor;        /* rows up to (cur_stamp, cur_pk) acknowledged */
    char cur_stamp[20];
    long long cur_pk;

    /* the job's results */
    char url[256], cust[256], table[64], secret[256];
    int outcome;           /* J_* */
    int nrows;
    struct od_buf body;
    char last_stamp[20];
    long long last_pk;
    char err[200];
};

struct od_events {
    odapi_server *srv;
    struct event_base *base;
    struct od_db *db;
    const struct od_logger *log;
    char ws[256];
    char owner[320];
    SSL_CTX *ctx;
    struct evdns_base *dns;
    struct event *tick;
    int timeout_ms;
    int scanning;
    int table_ok;
    uint64_t table_retry_ms;
    int stopping;
    long jobs;             /* DB jobs in flight (they point at us) */
    struct esub *subs;
    /* scan results */
    long long *due;
    int ndue, capdue;
};

enum { J_ROWS, J_NOTHING, J_LEASED, J_ADVANCED, J_DBERR, J_LOST };

static void ev_maybe_free(struct od_events *ev);

static void esub_free(struct esub *s)
{
    if (s->call)
        od_hc_cancel(s->call);
    od_buf_free(&s->body);
    free(s);
}

static struct esub *find_sub(struct od_events *ev, long long num, int create)
{
    struct esub *s;
    for (s = ev->subs; s; s = s->next)
        if (s->num == num)
            return s;
    if (!create || !(s = calloc(1, sizeof *s)))
        return NULL;
    s->ev = ev;
    s->num = num;
    s->next = ev->subs;
    ev->subs = s;
    return s;
}

/* 1s, 2s, 4s ... up to 5 min, times a random factor in [0.5, 1]. */
static uint64_t backoff_ms(int attempts)
{
    uint64_t d = OD_EVENTS_BACKOFF_MIN_MS;
    unsigned r = 0;
    while (--attempts > 0 && d < OD_EVENTS_BACKOFF_MAX_MS)
        d *= 2;
    if (d > OD_EVENTS_BACKOFF_MAX_MS)
        d = OD_EVENTS_BACKOFF_MAX_MS;
    RAND_bytes((unsigned char *)&r, sizeof r);
    return d / 2 + (d / 2) * (r % 1001) / 1000;
}

static int submit(struct od_events *ev, od_db_work_fn work, od_db_done_fn done,
                  void *arg)
{
    int rc = od_db_submit(ev->db, work, done, arg);
    if (rc == ODAPI_OK)
        ev->jobs++;
    return rc;
}

/* ---- the lease (worker thread) ------------------------------------------------- */

static const char eventstate_ddl[] =
    "CREATE TABLE IF NOT EXISTS `odapi_eventstate` ("
    "`ApiSubscriptionNum` bigint(20) NOT NULL, "
    "`LeaseOwner` varchar(255) NOT NULL DEFAULT '', "
    "`LeaseUntil` datetime NOT NULL DEFAULT '0001-01-01 00:00:00', "
    "`Secret` varchar(255) NOT NULL DEFAULT '', "
    "`Attempts` int(11) NOT NULL DEFAULT 0, "
    "`LastError` varchar(255) NOT NULL DEFAULT '', "
    "`DateTimeLastSent` datetime NOT NULL DEFAULT '0001-01-01 00:00:00', "
    "PRIMARY KEY (`ApiSubscriptionNum`)"
    ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci";

struct kv {
    char *a, *b, *c, *d, *e;
    size_t la, lb, lc, ld, le;
    int n;
};

static void copy_row(void *arg, char **c, unsigned n)
{
    struct kv *k = arg;
    char **dst[5] = {&k->a, &k->b, &k->c, &k->d, &k->e};
    size_t lens[5] = {k->la, k->lb, k->lc, k->ld, k->le};
    unsigned i;
    for (i = 0; i < n && i < 5; i++)
        if (*dst[i])
            snprintf(*dst[i], lens[i], "%s", c[i] ? c[i] : "");
    k->n++;
}

/* Take or renew this instance's lease; 1 held, 0 someone else's, -1 error.
 * The secret comes along. */
static int lease(struct od_conn *c, struct od_events *ev, const char *key,
                 char *secret, size_t slen)
{
    char secs[16], owner[256];
    const char *p[3] = {key, ev->owner, secs};
    struct kv k;
    snprintf(secs, sizeof secs, "%d",
             ev->timeout_ms / 1000 + 1 + OD_EVENTS_LEASE_MARGIN_S);
    /* LeaseOwner is assigned first, so LeaseUntil's condition sees the
     * row's new owner: both change together or not at all. */
    if (od_ev_exec(c,
                   "INSERT INTO odapi_eventstate (ApiSubscriptionNum, "
                   "LeaseOwner, LeaseUntil) VALUES (?, ?, NOW() + INTERVAL ? "
                   "SECOND) ON DUPLICATE KEY UPDATE LeaseOwner = "
                   "IF(LeaseOwner = VALUES(LeaseOwner) OR LeaseUntil < NOW(), "
                   "VALUES(LeaseOwner), LeaseOwner), LeaseUntil = "
                   "IF(LeaseOwner = VALUES(LeaseOwner), VALUES(LeaseUntil), "
                   "LeaseUntil)",
                   p, 3) < 0)
        return -1;
    memset(&k, 0, sizeof k);
    owner[0] = '\0';
    k.a = owner;
    k.la = sizeof owner;
    k.b = secret;
    k.lb = slen;
    if (od_ev_query(c, "SELECT LeaseOwner, Secret FROM odapi_eventstate "
                       "WHERE ApiSubscriptionNum = ?", p, 1, copy_row, &k) < 0)
        return -1;
    return k.n == 1 && strcmp(owner, ev->owner) == 0;
}

static void release(struct od_conn *c, struct od_events *ev, const char *key,
                    int attempts, const char *error)
{
    char at[16];
    const char *p[4] = {at, error ? error : "", key, ev->owner};
    snprintf(at, sizeof at, "%d", attempts);
    od_ev_exec(c, "UPDATE odapi_eventstate SET LeaseUntil = "
                  "'0001-01-01 00:00:00', Attempts = ?, LastError = "
                  "LEFT(?, 255) WHERE ApiSubscriptionNum = ? AND "
                  "LeaseOwner = ?", p, 4);
}

/* DateTimeStart = poll, compare-and-set on the old start and our lease,
 * lease released. 0, or -1 on a database error. */
static int advance(struct od_conn *c, struct esub *s, const char *key)
{
    const char *p[4] = {s->poll, key, s->start, s->ev->owner};
    return od_ev_exec(c,
                      "UPDATE apisubscription a JOIN odapi_eventstate e ON "
                      "e.ApiSubscriptionNum = a.ApiSubscriptionNum SET "
                      "a.DateTimeStart = ?, e.LeaseUntil = "
                      "'0001-01-01 00:00:00', e.Attempts = 0, e.LastError = "
                      "'', e.DateTimeLastSent = NOW() WHERE "
                      "a.ApiSubscriptionNum = ? AND a.DateTimeStart = ? AND "
                      "e.LeaseOwner = ?",
                      p, 4) < 0 ? -1 : 0;
}

/* ---- fetching a batch (worker thread) ------------------------------------------ */

struct cursor {
    char stamp[20];
    long long pk;
};

static void last_row(void *arg, char **c, unsigned n)
{
    struct cursor *cu = arg;
    if (n < 2)
        return;
    snprintf(cu->stamp, sizeof cu->stamp, "%s", c[0] ? c[0] : "");
    cu->pk = c[1] ? strtoll(c[1], NULL, 10) : 0;
}

static int tx(struct od_conn *c, const char *sql)
{
    if (mysql_query(c->m, sql)) {
        od_conn_note_error(c, mysql_errno(c->m));
        return -1;
    }
    return 0;
}

static int work_fetch(struct od_conn *c, void *arg)
{
    struct esub *s = arg;
    struct od_events *ev = s->ev;
    const struct od_watch *w;
    const char *key_col;
    char key[32], now[20] = "", start[20] = "", due[8] = "";
    char where[512], order[128], sql[1024], pk[20];
    const char *p[8];
    struct kv k;
    struct cursor cu;
    int n, np, held;

    snprintf(key, sizeof key, "%lld", s->num);
    s->nrows = 0;
    s->err[0] = '\0';
    s->secret[0] = '\0';
    if (!ev->table_ok) {
        s->outcome = J_DBERR;
        return OD_WORK_DONE;
    }
    held = lease(c, ev, key, s->secret, sizeof s->secret);
    if (held < 0)
        goto dberr;
    if (held == 0) {
        s->outcome = J_LEASED;
        return OD_WORK_DONE;
    }
    /* Read the subscription again now that we hold it: another instance
     * may have just delivered this window. */
    memset(&k, 0, sizeof k);
    k.a = s->url;
    k.la = sizeof s->url;
    k.b = s->cust;
    k.lb = sizeof s->cust;
    k.c = s->table;
    k.lc = sizeof s->table;
    k.d = start;
    k.ld = sizeof start;
    k.e = due;
    k.le = sizeof due;
    p[0] = ev->ws;
    p[1] = key;
    if (od_ev_query(c,
                    "SELECT EndPointUrl, CustomerKey, WatchTable, "
                    "DATE_FORMAT(DateTimeStart, '%Y-%m-%d %H:%i:%s'), "
                    "(WatchTable <> '' AND PollingSeconds > 0 AND "
                    "(Workstation = '' OR Workstation = ?) AND "
                    "(DateTimeStop < '0001-01-02' OR DateTimeStop > NOW()) "
                    "AND NOW() >= DateTimeStart + INTERVAL PollingSeconds "
                    "SECOND) FROM apisubscription WHERE ApiSubscriptionNum = ?",
                    p, 2, copy_row, &k) < 0)
        goto dberr;
    if (k.n == 0 || strcmp(due, "1") != 0 ||
        !(w = od_watch_find(s->table))) {
        release(c, ev, key, 0, "");
        s->outcome = J_NOTHING;
        return OD_WORK_DONE;
    }
    if (strcmp(start, s->start) != 0) {
        /* a new window (or DateTimeStart was changed by PUT) */
        snprintf(s->start, sizeof s->start, "%s", start);
        s->poll[0] = '\0';
        s->has_cursor = 0;
    }
    if (!s->poll[0]) {
        memset(&k, 0, sizeof k);
        k.a = now;
        k.la = sizeof now;
        if (od_ev_query(c, "SELECT DATE_FORMAT(NOW(), '%Y-%m-%d %H:%i:%s')",
                        NULL, 0, copy_row, &k) < 0)
            goto dberr;
        snprintf(s->poll, sizeof s->poll, "%s", now);
    }

    /* the batch: [start, poll), after the cursor, in (stamp, key) order */
    p[0] = s->start;
    p[1] = s->poll;
    np = 2;
    key_col = w->key ? w->key : w->res->pk;
    n = snprintf(where, sizeof where, "t.`%s` >= ? AND t.`%s` < ?", w->stamp,
                 w->stamp);
    if (w->filtered && w->res->base_where)
        n += snprintf(where + n, sizeof where - (size_t)n, " AND (%s)",
                      w->res->base_where);
    if (s->has_cursor) {
        snprintf(where + n, sizeof where - (size_t)n,
                 " AND (t.`%s` > ? OR (t.`%s` = ? AND t.`%s` > ?))", w->stamp,
                 w->stamp, key_col);
        snprintf(pk, sizeof pk, "%lld", s->cur_pk);
        p[2] = p[3] = s->cur_stamp;
        p[4] = pk;
        np = 5;
    }
    snprintf(order, sizeof order, "t.`%s`, t.`%s`", w->stamp, key_col);
    /* The rows and the cursor from one snapshot. */
    if (tx(c, "START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY"))
        goto dberr;
    n = od_resource_rows_json(c, w->res, where, order, p, np,
                              OD_EVENTS_BATCH, &s->body, s->err,
                              sizeof s->err);
    if (n > 0) {
        memset(&cu, 0, sizeof cu);
        snprintf(sql, sizeof sql,
                 "SELECT DATE_FORMAT(t.`%s`, '%%Y-%%m-%%d %%H:%%i:%%s'), "
                 "t.`%s` FROM `%s` t WHERE %s ORDER BY %s LIMIT %d",
                 w->stamp, key_col, w->table, where, order,
                 OD_EVENTS_BATCH);
        if (od_ev_query(c, sql, p, np, last_row, &cu) < 0)
            n = -1;
        snprintf(s->last_stamp, sizeof s->last_stamp, "%s", cu.stamp);
        s->last_pk = cu.pk;
    }
    if (n < 0) {
        if (!c->lost)
            tx(c, "ROLLBACK");
        goto dberr;
    }
    if (tx(c, "COMMIT"))
        goto dberr;
    s->nrows = n;
    if (n > 0) {
        s->outcome = J_ROWS;
        return OD_WORK_DONE;
    }
    /* Nothing (more) in the window: it is acknowledged. */
    if (advance(c, s, key))
        goto dberr;
    s->outcome = J_ADVANCED;
    return OD_WORK_DONE;
dberr:
    s->outcome = c->lost ? J_LOST : J_DBERR;
    if (!s->err[0])
        snprintf(s->err, sizeof s->err, "database error");
    return OD_WORK_DONE;
}

/* After a failed call: record it, give the lease back. */
static int work_failed(struct od_conn *c, void *arg)
{
    struct esub *s = arg;
    char key[32];
    snprintf(key, sizeof key, "%lld", s->num);
    release(c, s->ev, key, s->attempts, s->err);
    return OD_WORK_DONE;
}

/* ---- delivering (loop thread) ---------------------------------------------------- */

static void start_fetch(struct esub *s);

static void sign(struct esub *s, char *out, size_t outlen)
{
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int maclen = 0, i;
    char ts[24], hex[2 * EVP_MAX_MD_SIZE + 1];
    struct od_buf msg;
    snprintf(ts, sizeof ts, "%lld", (long long)time(NULL));
    /* HMAC-SHA256(secret, "{t}.{body}") */
    od_buf_init(&msg);
    od_buf_printf(&msg, "%s.", ts);
    od_buf_add(&msg, s->body.p, s->body.len);
    out[0] = '\0';
    if (!msg.oom &&
        HMAC(EVP_sha256(), s->secret, (int)strlen(s->secret),
             (const unsigned char *)msg.p, msg.len, mac, &maclen)) {
        for (i = 0; i < maclen; i++)
            sprintf(hex + 2 * i, "%02x", mac[i]);
        hex[2 * maclen] = '\0';
        snprintf(out, outlen, "t=%s,v1=%s", ts, hex);
    }
    od_buf_free(&msg);
}

static void failed_done(void *arg, int status)
{
    struct esub *s = arg;
    struct od_events *ev = s->ev;
    (void)status;
    ev->jobs--;
    s->busy = 0;
    ev_maybe_free(ev);
}

static void fail_round(struct esub *s, const char *why)
{
    struct od_events *ev = s->ev;
    s->attempts++;
    s->next_ms = od_now_ms() + backoff_ms(s->attempts);
    od_log(ev->log, ODAPI_LOG_WARNING,
           "event subscription %lld (%s): delivery failed (%s); attempt %d, "
           "next in %llu ms; the window from %s will be sent again",
           s->num, s->table, why, s->attempts,
           (unsigned long long)(s->next_ms - od_now_ms()), s->start);
    snprintf(s->err, sizeof s->err, "%s", why);
    s->poll[0] = '\0'; /* the retry takes a new poll time; cursor kept */
    od_buf_free(&s->body);
    if (ev->stopping || submit(ev, work_failed, failed_done, s) != ODAPI_OK)
        s->busy = 0;
}

static void on_answer(void *arg, int code, const char *body, size_t len,
                      const char *why)
{
    struct esub *s = arg;
    char msg[64];
    (void)body;
    (void)len;
    s->call = NULL;
    if (code >= 200 && code < 300) {
        od_log(s->ev->log, ODAPI_LOG_INFO,
               "event subscription %lld (%s): %d rows delivered (HTTP %d)",
               s->num, s->table, s->nrows, code);
        /* acknowledged: the next batch starts after its last row */
        s->has_cursor = 1;
        snprintf(s->cur_stamp, sizeof s->cur_stamp, "%s", s->last_stamp);
        s->cur_pk = s->last_pk;
        s->attempts = 0;
        od_buf_free(&s->body);
        start_fetch(s);
        return;
    }
    if (code)
        snprintf(msg, sizeof msg, "HTTP %d", code);
    else
        snprintf(msg, sizeof msg, "%s", why ? why : "no answer");
    fail_round(s, msg);
}

static void post_batch(struct esub *s)
{
    struct od_events *ev = s->ev;
    struct od_hc_url u;
    char err[160], evtype[96], sig[160];
    const char *h[12];
    int n = 0;
    if (od_hc_url_parse(&u, s->url, 0, err, sizeof err)) {
        fail_round(s, "EndPointUrl is not a valid http(s) URL");
        return;
    }
    snprintf(evtype, sizeof evtype, "WatchTable: %s", s->table);
    h[n++] = "Authorization";
    h[n++] = s->cust;
    h[n++] = "Workstation";
    h[n++] = ev->ws;
    h[n++] = "Event-Type";
    h[n++] = evtype;
    h[n++] = "Content-Type";
    h[n++] = "application/json";
    if (s->secret[0]) {
        sign(s, sig, sizeof sig);
        if (sig[0]) {
            h[n++] = OD_EVENTS_SIG_HEADER;
            h[n++] = sig;
        }
    }
    h[n] = NULL;
    s->call = od_hc_post(ev->base, ev->dns, ev->ctx, &u, h, s->body.p,
                         s->body.len, ev->timeout_ms, MAX_ANSWER, on_answer,
                         s);
    od_hc_url_free(&u);
    if (!s->call)
        fail_round(s, "out of memory");
}

static void fetch_done(void *arg, int status)
{
    struct esub *s = arg;
    struct od_events *ev = s->ev;
    ev->jobs--;
    if (ev->stopping) {
        s->busy = 0;
        ev_maybe_free(ev);
        return;
    }
    if (status != ODAPI_OK) {
        s->outcome = J_LOST;
        snprintf(s->err, sizeof s->err, "database not available");
    }
    switch (s->outcome) {
    case J_ROWS:
        if (s->body.oom) {
            fail_round(s, "out of memory");
            return;
        }
        post_batch(s);
        return;
    case J_ADVANCED:
        s->attempts = 0;
        s->has_cursor = 0;
        s->poll[0] = '\0';
        s->start[0] = '\0';
        break;
    case J_LEASED:
        /* someone else delivers it now */
        s->next_ms = od_now_ms() + LEASE_BUSY_RETRY_MS;
        s->has_cursor = 0;
        s->poll[0] = '\0';
        break;
    case J_NOTHING:
        break;
    default:
        s->attempts++;
        s->next_ms = od_now_ms() + backoff_ms(s->attempts);
        od_log(ev->log, ODAPI_LOG_WARNING,
               "event subscription %lld: %s; retrying", s->num, s->err);
        break;
    }
    od_buf_free(&s->body);
    s->busy = 0;
}

static void start_fetch(struct esub *s)
{
    struct od_events *ev = s->ev;
    s->busy = 1;
    if (ev->stopping || submit(ev, work_fetch, fetch_done, s) != ODAPI_OK) {
        /* the queue is full: try again on a later tick */
        s->busy = 0;
        s->poll[0] = '\0';
    }
}

/* ---- the scan ---------------------------------------------------------------------- */

static void due_row(void *arg, char **c, unsigned n)
{
    struct od_events *ev = arg;
    if (n < 1 || !c[0])
        return;
    if (ev->ndue == ev->capdue) {
        int cap = ev->capdue ? 2 * ev->capdue : 64;
        long long *d = realloc(ev->due, (size_t)cap * sizeof *d);
        if (!d)
            return;
        ev->due = d;
        ev->capdue = cap;
    }
    ev->due[ev->ndue++] = strtoll(c[0], NULL, 10);
}

static int work_scan(struct od_conn *c, void *arg)
{
    struct od_events *ev = arg;
    const char *p[1] = {ev->ws};
    ev->ndue = 0;
    if (!ev->table_ok) {
        if (mysql_query(c->m, eventstate_ddl) == 0) {
            ev->table_ok = 1;
        } else {
            od_conn_note_error(c, mysql_errno(c->m));
            if (!c->lost)
                od_conn_log(c, ODAPI_LOG_ERROR,
                            "events: cannot create table odapi_eventstate "
                            "(%s); no events are fired until it exists",
                            mysql_error(c->m));
            return OD_WORK_DONE;
        }
    }
    if (od_ev_query(c,
                    "SELECT ApiSubscriptionNum FROM apisubscription WHERE "
                    "WatchTable <> '' AND PollingSeconds > 0 AND "
                    "(Workstation = '' OR Workstation = ?) AND "
                    "(DateTimeStop < '0001-01-02' OR DateTimeStop > NOW()) "
                    "AND NOW() >= DateTimeStart + INTERVAL PollingSeconds "
                    "SECOND ORDER BY ApiSubscriptionNum",
                    p, 1, due_row, ev) < 0 && !c->lost) {
        /* no apisubscription table: nothing to fire */
        ev->ndue = 0;
    }
    return OD_WORK_DONE;
}

static void scan_done(void *arg, int status)
{
    struct od_events *ev = arg;
    struct esub *s, **pp;
    uint64_t now = od_now_ms();
    int i;
    ev->jobs--;
    ev->scanning = 0;
    if (ev->stopping) {
        ev_maybe_free(ev);
        return;
    }
    if (status != ODAPI_OK)
        return;
    if (!ev->table_ok)
        ev->table_retry_ms = now + TABLE_RETRY_MS;
    for (s = ev->subs; s; s = s->next)
        s->seen = 0;
    for (i = 0; i < ev->ndue; i++) {
        if (!(s = find_sub(ev, ev->due[i], 1)))
            continue;
        s->seen = 1;
        if (!s->busy && now >= s->next_ms)
            start_fetch(s);
    }
    /* forget idle subscriptions that are not due (acknowledged, stopped,
     * deleted, moved to another workstation) */
    for (pp = &ev->subs; (s = *pp);) {
        if (!s->seen && !s->busy) {
            *pp = s->next;
            esub_free(s);
        } else {
            pp = &s->next;
        }
    }
}

static void on_tick(evutil_socket_t fd, short what, void *arg)
{
    struct od_events *ev = arg;
    (void)fd;
    (void)what;
    if (ev->scanning || ev->stopping || !od_db_is_up(ev->db))
        return;
    if (!ev->table_ok && od_now_ms() < ev->table_retry_ms)
        return;
    if (submit(ev, work_scan, scan_done, ev) == ODAPI_OK)
        ev->scanning = 1;
}

/* ---- start and stop ---------------------------------------------------------------- */

static void ev_free(struct od_events *ev)
{
    struct esub *s;
    while ((s = ev->subs)) {
        ev->subs = s->next;
        esub_free(s);
    }
    if (ev->tick)
        event_free(ev->tick);
    if (ev->dns)
        evdns_base_free(ev->dns, 0);
    if (ev->ctx)
        SSL_CTX_free(ev->ctx);
    free(ev->due);
    free(ev);
}

static void ev_maybe_free(struct od_events *ev)
{
    if (ev->stopping && ev->jobs == 0)
        ev_free(ev);
}

int od_events_start(odapi_server *srv, char *err, size_t errlen)
{
    const odapi_config *cfg = srv->cfg;
    struct od_events *ev;
    struct timeval tv = {0, TICK_MS * 1000};
    unsigned char rnd[6];
    char host[256];
    int i;

    if (!cfg->events)
        return ODAPI_OK;
    if (!srv->db) {
        snprintf(err, errlen, "Database Events need a database");
        return ODAPI_E_CONFIG;
    }
    if (!(ev = calloc(1, sizeof *ev)))
        return ODAPI_E_NOMEM;
    ev->srv = srv;
    ev->base = srv->base;
    ev->db = srv->db;
    ev->log = &cfg->log;
    ev->timeout_ms = (int)od_config_limit(cfg, ODAPI_LIMIT_EVENT_TIMEOUT_MS);
    if (cfg->workstation) {
        snprintf(ev->ws, sizeof ev->ws, "%s", cfg->workstation);
    } else {
        if (gethostname(host, sizeof host) != 0)
            snprintf(host, sizeof host, "localhost");
        host[sizeof host - 1] = '\0';
        snprintf(ev->ws, sizeof ev->ws, "%s", host);
    }
    /* this instance, for leases: workstation, pid and a random tag */
    RAND_bytes(rnd, sizeof rnd);
    i = snprintf(ev->owner, sizeof ev->owner, "%.200s/%ld/", ev->ws,
                 (long)getpid());
    for (size_t k = 0; k < sizeof rnd && i + 3 < (int)sizeof ev->owner; k++)
        i += snprintf(ev->owner + i, sizeof ev->owner - (size_t)i, "%02x",
                      rnd[k]);
    if (!(ev->ctx = od_hc_ssl_ctx(cfg->events_ca, err, errlen))) {
        char tmp[256];
        snprintf(tmp, sizeof tmp, "Database Events: %s", err);
        snprintf(err, errlen, "%s", tmp);
        ev_free(ev);
        return ODAPI_E_CONFIG;
    }
    ev->dns = evdns_base_new(ev->base, EVDNS_BASE_INITIALIZE_NAMESERVERS);
    ev->tick = event_new(ev->base, -1, EV_PERSIST, on_tick, ev);
    if (!ev->tick || event_add(ev->tick, &tv) != 0) {
        ev_free(ev);
        return ODAPI_E_EVENT;
    }
    srv->events = ev;
    od_log(ev->log, ODAPI_LOG_INFO,
           "Database Events: firing subscriptions for workstation '%s'",
           ev->ws);
    return ODAPI_OK;
}

void od_events_stop(odapi_server *srv)
{
    struct od_events *ev = srv->events;
    struct esub *s;
    if (!ev)
        return;
    srv->events = NULL;
    ev->stopping = 1;
    event_del(ev->tick);
    /* calls in flight are dropped: their windows stay unacknowledged */
    for (s = ev->subs; s; s = s->next)
        if (s->call) {
            od_hc_cancel(s->call);
            s->call = NULL;
        }
    ev_maybe_free(ev);
}
