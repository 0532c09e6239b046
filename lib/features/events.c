/*
 * events.c - Database Events (apiguideevents.html), fired by odservice: poll
 * the apisubscription table, and for each due subscription of this workstation
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
 * the last acknowledged batch. Failures are retried with exponential
 * backoff and jitter.
 *
 * Nothing is created in the practice database. The engine's own state
 * (leases, attempts, secrets, owners) is in the state store the
 * administrator chose (evstate.c): one firing process per state folder,
 * or leases in a state database shared by several instances. Before it
 * fires, and again while it cannot, the engine probes what it needs (the
 * apisubscription table and its grants, the store) with statements that
 * change nothing, and says why not in the health route and, rate-limited,
 * in the log.
 */
#include "features/events-internal.h"
#include "features/evstate-internal.h"
#include "features/queries-internal.h"
#include "core/http-client-internal.h"
#include "engine/resource-internal.h"
#include "core/ratelog-internal.h"
#include "db/mysql-api-internal.h"

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
#define PROBE_RETRY_MS 5000       /* while events cannot fire */
#define PROBE_EVERY_MS 60000      /* while they fire: grants can change */
#define STANDBY_RETRY_MS 1000     /* is the firing process still there? */

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

/* Copy src into dst[n], cut to fit. */
static void cpy(char *dst, size_t n, const char *src)
{
    size_t l = strnlen(src, n - 1);
    memcpy(dst, src, l);
    dst[l] = '\0';
}

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
    int sent;              /* rows of this window went out */

    /* the job's results */
    char url[256], cust[256], table[64], secret[256];
    int outcome;           /* J_* */
    int nrows;
    struct od_buf body;
    char last_stamp[20];
    long long last_pk;
    char err[200];

    /* GET /metrics (loop thread): POSTs acknowledged and their rows, POSTs
     * that went out again after a failure, failed attempts */
    unsigned long delivered, rows, retried, failed;
};

enum ev_state { EV_OFF, EV_STARTING, EV_FIRING, EV_STANDBY, EV_UNAVAILABLE };
static const char *const state_names[] = {"off", "starting", "firing",
                                          "standby", "unavailable"};

struct od_events {
    odapi_server *srv;
    struct event_base *base;
    struct od_db *db;
    const odapi_config *cfg;
    const struct od_logger *log;
    struct od_evstate *st;     /* NULL: none configured */
    int fire;                  /* cfg->events: fire, not only store */
    char ws[256];
    char owner[320];
    SSL_CTX *ctx;
    struct evdns_base *dns;
    struct event *tick;
    int timeout_ms;
    int stopping;
    long jobs;             /* DB jobs in flight (they point at us) */

    /* what the probes found (loop thread) */
    int state;                 /* EV_* */
    int store_ok;              /* the last probe could use the store */
    char store_why[320];       /* why not */
    int warned_leftover;       /* odapi_eventstate of an earlier version */
    int secrets_ok;
    char secrets_why[320];
    int probing;
    uint64_t probe_ms;         /* next probe */
    uint64_t standby_ms;       /* next try to become the firing process */
    struct od_ratelog rl;      /* "cannot fire" */
    /* a probe's results (worker thread, read in probe_done) */
    int p_ok, p_store_ok, p_secrets_ok, p_leftover;
    char p_why[320], p_store_why[320], p_secrets_why[320];

    /* the scan */
    int scanning;
    struct esub *subs;
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

static int lease_secs(const struct od_events *ev)
{
    return ev->timeout_ms / 1000 + 1 + OD_EVENTS_LEASE_MARGIN_S;
}

/* ---- what the engine says about itself (loop thread) ----------------------- */

static void set_state(struct od_events *ev, int state, const char *why)
{
    int was = ev->state;
    ev->state = state;
    ev->srv->events_state = state_names[state];
    cpy(ev->srv->events_reason, sizeof ev->srv->events_reason,
        why ? why : "");
    if (state == EV_UNAVAILABLE) {
        /* probed every few seconds: the same reason is not news */
        od_ratelog(&ev->rl, ev->log, ODAPI_LOG_ERROR,
                   "Database Events cannot fire: %s", why);
        return;
    }
    od_ratelog_clear(&ev->rl);
    if (state == was)
        return;
    if (state == EV_FIRING)
        od_log(ev->log, ODAPI_LOG_INFO,
               "Database Events: firing subscriptions for workstation '%s' "
               "(and blank ones), state in %s", ev->ws,
               od_evstate_describe(ev->st));
    else if (state == EV_STANDBY)
        od_log(ev->log, ODAPI_LOG_INFO,
               "Database Events: standing by: %s", why);
}

/* ---- probes (worker thread) ------------------------------------------------------
 * Statements that change nothing: a SELECT ... LIMIT 0 and an UPDATE that
 * matches no row fail exactly when the real ones would for lack of a
 * table or a grant. */

static int probe_practice(struct od_events *ev, struct od_conn *c, char *why,
                          size_t len)
{
    static const char *const sql[2] = {
        "SELECT ApiSubscriptionNum, EndPointUrl, Workstation, CustomerKey, "
        "WatchTable, PollingSeconds, UiEventType, DateTimeStart, "
        "DateTimeStop, Note FROM apisubscription LIMIT 0",
        "UPDATE apisubscription SET DateTimeStart = DateTimeStart WHERE "
        "1 = 0"};
    const char *db = ev->cfg->db_name;
    unsigned e;
    int i;
    for (i = 0; i < 2; i++) {
        if (!(e = od_evstate_probe(c->m, sql[i])))
            continue;
        if (od_conn_note_error(c, e))
            snprintf(why, len, "the database is not available");
        else if (e == 1146)
            snprintf(why, len, "the practice database %s has no "
                     "apisubscription table (Open Dental makes it)", db);
        else if (e == 1142 || e == 1143 || e == 1044)
            snprintf(why, len, "the database account may not %s "
                     "apisubscription in %s: it needs GRANT SELECT, INSERT, "
                     "UPDATE, DELETE ON `%s`.*", i ? "update" : "read", db,
                     db);
        else
            snprintf(why, len, "cannot use apisubscription in %s: %s", db,
                     mysql_error(c->m));
        return -1;
    }
    return 0;
}

/* Queries (queries.c) run as UserLow when one is configured, else as the
 * main account: may such a query read the secrets of a state database? */
static int probe_secrets(struct od_events *ev, char *why, size_t len)
{
    const odapi_config *cfg = ev->cfg;
    const char *name = od_evstate_describe(ev->st);
    char err[256];
    MYSQL *m;
    int readable;
    if (!od_evstate_is_db(ev->st))
        return 1;
    if (cfg->db_kind != OD_DB_SERVER || !cfg->db_low_user ||
        !*cfg->db_low_user) {
        snprintf(why, len, "Queries run as the database account that uses "
                 "%s and could read secrets there; configure UserLow, an "
                 "account without access to it (docs/events.md)", name);
        return 0;
    }
    if (!(m = od_queries_connect(cfg, cfg->db_low_user,
                                 cfg->db_low_password, err, sizeof err))) {
        snprintf(why, len, "cannot check what UserLow may read: %s", err);
        return 0;
    }
    readable = od_evstate_secrets_readable(ev->st, m);
    mysql_close(m);
    if (readable) {
        snprintf(why, len, "UserLow (the Queries account) can read %s: "
                 "revoke its access there", name);
        return 0;
    }
    return 1;
}

static void probe_store(struct od_events *ev, struct od_conn *c)
{
    if (!ev->st) {
        snprintf(ev->p_store_why, sizeof ev->p_store_why,
                 "no state folder or state database is configured "
                 "(odservice --state-dir DIR or --state-db NAME)");
        return;
    }
    if (od_evstate_check(ev->st, c->m, ev->p_store_why,
                         sizeof ev->p_store_why)) {
        if (od_evstate_is_db(ev->st))
            od_conn_note_error(c, mysql_errno(c->m));
        return;
    }
    ev->p_store_ok = 1;
    ev->p_secrets_ok = probe_secrets(ev, ev->p_secrets_why,
                                     sizeof ev->p_secrets_why);
}

static int work_probe(struct od_conn *c, void *arg)
{
    struct od_events *ev = arg;
    ev->p_ok = ev->p_store_ok = ev->p_secrets_ok = ev->p_leftover = 0;
    ev->p_why[0] = ev->p_store_why[0] = ev->p_secrets_why[0] = '\0';
    probe_store(ev, c);
    if (!ev->fire)
        return OD_WORK_DONE;
    if (probe_practice(ev, c, ev->p_why, sizeof ev->p_why))
        return OD_WORK_DONE;
    if (!ev->p_store_ok) {
        snprintf(ev->p_why, sizeof ev->p_why, "%s", ev->p_store_why);
        return OD_WORK_DONE;
    }
    ev->p_ok = 1;
    /* the table an earlier libodapi made: its secrets are readable by
     * Queries; the administrator may drop it (we never do) */
    ev->p_leftover = !ev->warned_leftover &&
                     od_evstate_probe(c->m, "SELECT ApiSubscriptionNum FROM "
                                            "odapi_eventstate LIMIT 0") == 0;
    return OD_WORK_DONE;
}

/* The probe passed: fire, unless another process fires from the same
 * state folder. */
static void try_fire(struct od_events *ev)
{
    char who[300], why[1600];
    int r = od_evstate_try_fire(ev->st, who, sizeof who);
    if (r > 0) {
        set_state(ev, EV_FIRING, "");
        return;
    }
    if (r < 0) {
        set_state(ev, EV_UNAVAILABLE, who);
        return;
    }
    snprintf(why, sizeof why, "another process%s%s%s fires from %s",
             who[0] ? " (pid " : "", who, who[0] ? ")" : "",
             od_evstate_describe(ev->st));
    set_state(ev, EV_STANDBY, why);
    ev->standby_ms = od_now_ms() + STANDBY_RETRY_MS;
}

static void probe_done(void *arg, int status)
{
    struct od_events *ev = arg;
    uint64_t now = od_now_ms();
    ev->jobs--;
    ev->probing = 0;
    if (ev->stopping) {
        ev_maybe_free(ev);
        return;
    }
    if (status != ODAPI_OK) { /* the database is away: later */
        ev->probe_ms = now + PROBE_RETRY_MS;
        return;
    }
    ev->store_ok = ev->p_store_ok;
    snprintf(ev->store_why, sizeof ev->store_why, "%s", ev->p_store_why);
    ev->secrets_ok = ev->p_secrets_ok;
    snprintf(ev->secrets_why, sizeof ev->secrets_why, "%s",
             ev->p_secrets_why);
    if (ev->p_leftover) {
        ev->warned_leftover = 1;
        od_log(ev->log, ODAPI_LOG_WARNING,
               "the practice database %s still has the table "
               "odapi_eventstate of an earlier libodapi; it is not used any "
               "more, and Queries can read the secrets in it: drop it "
               "(docs/events.md, \"Tables\")", ev->cfg->db_name);
    }
    if (!ev->fire) { /* keeping the store for the resource only */
        ev->probe_ms = now + (ev->store_ok ? PROBE_EVERY_MS : PROBE_RETRY_MS);
        if (!ev->store_ok)
            od_ratelog(&ev->rl, ev->log, ODAPI_LOG_ERROR,
                       "events state: %s", ev->store_why);
        else
            od_ratelog_clear(&ev->rl);
        return;
    }
    if (!ev->p_ok) {
        ev->probe_ms = now + PROBE_RETRY_MS;
        set_state(ev, EV_UNAVAILABLE, ev->p_why);
        return;
    }
    ev->probe_ms = now + PROBE_EVERY_MS;
    try_fire(ev);
}

/* ---- fetching a batch (worker thread) ------------------------------------------ */

/* The batch's WHERE (without the cursor when has_cursor is 0), ORDER BY
 * and parameters. */
struct batch {
    char where[512], order[128], pk[24];
    int np;
    const char *pp[8];
};

static void make_batch(struct esub *s, const struct od_watch *w,
                       struct batch *b)
{
    const char *key = w->key ? w->key : w->res->pk;
    int n;
    n = snprintf(b->where, sizeof b->where, "t.`%s` >= ? AND t.`%s` < ?",
                 w->stamp, w->stamp);
    if (w->filtered && w->res->base_where)
        n += snprintf(b->where + n, sizeof b->where - (size_t)n, " AND (%s)",
                      w->res->base_where);
    b->pp[0] = s->start;
    b->pp[1] = s->poll;
    b->np = 2;
    if (s->has_cursor) {
        snprintf(b->where + n, sizeof b->where - (size_t)n,
                 " AND (t.`%s` > ? OR (t.`%s` = ? AND t.`%s` > ?))", w->stamp,
                 w->stamp, key);
        snprintf(b->pk, sizeof b->pk, "%lld", s->cur_pk);
        b->pp[2] = b->pp[3] = s->cur_stamp;
        b->pp[4] = b->pk;
        b->np = 5;
    }
    snprintf(b->order, sizeof b->order, "t.`%s`, t.`%s`", w->stamp, key);
}

/* The batch's last row (the next cursor): row n - 1 of the same order. */
static int last_row(struct od_conn *c, struct esub *s, const struct od_watch *w,
                    struct batch *b, int n)
{
    const char *key = w->key ? w->key : w->res->pk;
    char sql[1024], col[2][OD_COLSZ];
    struct od_prm p[9];
    int i, rc;
    snprintf(sql, sizeof sql,
             "SELECT DATE_FORMAT(t.`%s`, '%%Y-%%m-%%d %%H:%%i:%%s'), t.`%s` "
             "FROM `%s` t WHERE %s ORDER BY %s LIMIT ?, 1",
             w->stamp, key, w->table, b->where, b->order);
    for (i = 0; i < b->np; i++)
        p[i] = OD_PS(b->pp[i]);
    p[b->np] = OD_PI(n - 1);
    rc = od_query_row(c, sql, p, b->np + 1, 2, col);
    if (rc != 1)
        return -1;
    cpy(s->last_stamp, sizeof s->last_stamp, col[0]);
    s->last_pk = strtoll(col[1], NULL, 10);
    return 0;
}

/* Read the subscription again now that we hold it: another instance may
 * have just delivered this window, or a PUT changed it. 1 due (url, cust,
 * table and start filled), 0 not due any more, -1 error. */
static int reread(struct od_conn *c, struct esub *s, char *start)
{
    char col[5][OD_COLSZ];
    struct od_prm p[2];
    int rc;
    p[0] = OD_PS(s->ev->ws);
    p[1] = OD_PI(s->num);
    rc = od_query_row(c,
                      "SELECT EndPointUrl, CustomerKey, WatchTable, "
                      "DATE_FORMAT(DateTimeStart, '%Y-%m-%d %H:%i:%s'), "
                      "(WatchTable <> '' AND PollingSeconds > 0 AND "
                      "(Workstation = '' OR Workstation = ?) AND "
                      "(DateTimeStop < '0001-01-02' OR DateTimeStop > NOW()) "
                      "AND NOW() >= DateTimeStart + INTERVAL PollingSeconds "
                      "SECOND) FROM apisubscription WHERE "
                      "ApiSubscriptionNum = ?",
                      p, 2, 5, col);
    if (rc != 1)
        return rc;
    cpy(s->url, sizeof s->url, col[0]);
    cpy(s->cust, sizeof s->cust, col[1]);
    cpy(s->table, sizeof s->table, col[2]);
    cpy(start, 20, col[3]);
    return strcmp(col[4], "1") == 0;
}

/* Rows of the batch and its cursor, from one snapshot: rows, or -1. */
static int read_batch(struct od_conn *c, struct esub *s,
                      const struct od_watch *w)
{
    struct batch b;
    int n;
    make_batch(s, w, &b);
    /* od_tx_begin's plain START TRANSACTION would let the cursor query see
     * rows committed after the batch's read */
    if (mysql_query(c->m, "START TRANSACTION WITH CONSISTENT SNAPSHOT, "
                          "READ ONLY")) {
        od_conn_note_error(c, mysql_errno(c->m));
        return -1;
    }
    n = od_resource_rows_json(c, w->res, b.where, b.order, b.pp, b.np,
                              OD_EVENTS_BATCH, &s->body, s->err,
                              sizeof s->err);
    if (n > 0 && last_row(c, s, w, &b, n))
        n = -1;
    return od_tx_end(c, n < 0 ? -1 : 0) ? -1 : n;
}

static int work_fetch(struct od_conn *c, void *arg)
{
    struct esub *s = arg;
    struct od_events *ev = s->ev;
    const struct od_watch *w;
    struct od_evrec rec;
    char start[20] = "", now[1][OD_COLSZ];
    int n, held, due;

    s->nrows = 0;
    s->err[0] = '\0';
    held = od_evstate_lease(ev->st, c, s->num, ev->owner, lease_secs(ev),
                            &rec);
    if (held < 0)
        goto dberr;
    if (held == 0) {
        s->outcome = J_LEASED;
        return OD_WORK_DONE;
    }
    cpy(s->secret, sizeof s->secret, rec.secret);
    if ((due = reread(c, s, start)) < 0)
        goto dberr;
    if (!due || !(w = od_watch_find(s->table))) {
        od_evstate_release(ev->st, c, s->num, ev->owner, 0, "");
        s->outcome = J_NOTHING;
        return OD_WORK_DONE;
    }
    if (strcmp(start, s->start) != 0) {
        /* a new window (or DateTimeStart was changed by PUT) */
        snprintf(s->start, sizeof s->start, "%s", start);
        s->poll[0] = '\0';
        s->has_cursor = 0;
        s->sent = 0;
    }
    if (!s->poll[0]) {
        if (od_query_row(c, "SELECT DATE_FORMAT(NOW(), '%Y-%m-%d %H:%i:%s')",
                         NULL, 0, 1, now) != 1)
            goto dberr;
        cpy(s->poll, sizeof s->poll, now[0]);
    }
    if ((n = read_batch(c, s, w)) < 0)
        goto dberr;
    s->nrows = n;
    if (n > 0) {
        s->outcome = J_ROWS;
        return OD_WORK_DONE;
    }
    /* Nothing (more) in the window: it is acknowledged. */
    if (od_evstate_advance(ev->st, c, s->num, ev->owner, s->start, s->poll,
                           s->sent))
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
    od_evstate_release(s->ev->st, c, s->num, s->ev->owner, s->attempts,
                       s->err);
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
    s->failed++;
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
        s->delivered++;
        s->rows += (unsigned long)s->nrows;
        s->has_cursor = 1;
        s->sent = 1;
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
    s->retried += s->attempts > 0;
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
        s->sent = 0;
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
        /* a table or a grant may have gone: probe again soon */
        ev->probe_ms = 0;
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

static int due_row(void *arg, const long long *v)
{
    struct od_events *ev = arg;
    if (ev->ndue == ev->capdue) {
        int cap = ev->capdue ? 2 * ev->capdue : 64;
        long long *d = realloc(ev->due, (size_t)cap * sizeof *d);
        if (!d)
            return 1; /* the rest on a later scan */
        ev->due = d;
        ev->capdue = cap;
    }
    ev->due[ev->ndue++] = v[0];
    return 0;
}

static int work_scan(struct od_conn *c, void *arg)
{
    struct od_events *ev = arg;
    struct od_prm p[1];
    p[0] = OD_PS(ev->ws);
    ev->ndue = 0;
    if (od_query_each_ll(c,
                         "SELECT ApiSubscriptionNum FROM apisubscription "
                         "WHERE WatchTable <> '' AND PollingSeconds > 0 AND "
                         "(Workstation = '' OR Workstation = ?) AND "
                         "(DateTimeStop < '0001-01-02' OR DateTimeStop > "
                         "NOW()) AND NOW() >= DateTimeStart + INTERVAL "
                         "PollingSeconds SECOND ORDER BY ApiSubscriptionNum",
                         p, 1, 1, due_row, ev) < 0) {
        ev->ndue = -1;
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
    if (ev->ndue < 0) {
        /* the probe passed, the scan did not: probe again before the next
         * scan, so a lasting failure is reported (rate-limited) by the
         * probe instead of failing four times a second */
        ev->probe_ms = 0;
        set_state(ev, EV_STARTING, "");
        return;
    }
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
    uint64_t now = od_now_ms();
    (void)fd;
    (void)what;
    if (ev->stopping || ev->probing || ev->scanning || !od_db_is_up(ev->db))
        return;
    if (now >= ev->probe_ms) {
        if (submit(ev, work_probe, probe_done, ev) == ODAPI_OK)
            ev->probing = 1;
        return;
    }
    if (ev->state == EV_STANDBY && now >= ev->standby_ms)
        try_fire(ev);
    if (ev->state != EV_FIRING)
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
    od_evstate_unref(ev->st); /* the folder's firing lock goes with it */
    od_ratelog_destroy(&ev->rl);
    free(ev->due);
    free(ev);
}

static void ev_maybe_free(struct od_events *ev)
{
    if (ev->stopping && ev->jobs == 0)
        ev_free(ev);
}

static void set_names(struct od_events *ev)
{
    unsigned char rnd[6];
    char host[256];
    size_t k;
    int i;
    if (ev->cfg->workstation) {
        snprintf(ev->ws, sizeof ev->ws, "%s", ev->cfg->workstation);
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
    for (k = 0; k < sizeof rnd && i + 3 < (int)sizeof ev->owner; k++)
        i += snprintf(ev->owner + i, sizeof ev->owner - (size_t)i, "%02x",
                      rnd[k]);
}

/* The webhook client: TLS context and resolver. */
static int make_client(struct od_events *ev, char *err, size_t errlen)
{
    char tmp[256];
    if (!(ev->ctx = od_hc_ssl_ctx(ev->cfg->events_ca, err, errlen))) {
        snprintf(tmp, sizeof tmp, "Database Events: %s", err);
        snprintf(err, errlen, "%s", tmp);
        return ODAPI_E_CONFIG;
    }
    ev->dns = evdns_base_new(ev->base, EVDNS_BASE_INITIALIZE_NAMESERVERS);
    return ODAPI_OK;
}

int od_events_start(odapi_server *srv, char *err, size_t errlen)
{
    const odapi_config *cfg = srv->cfg;
    struct od_events *ev;
    struct od_evstate *st = NULL;
    struct timeval tv = {0, TICK_MS * 1000};
    int rc;

    srv->events_state = state_names[EV_OFF];
    srv->events_reason[0] = '\0';
    if ((rc = od_evstate_new(&st, cfg, srv->log, err, errlen)) != ODAPI_OK)
        return rc;
    if (!cfg->events && !st)
        return ODAPI_OK;
    if (!srv->db) {
        od_evstate_unref(st);
        if (!cfg->events)
            return ODAPI_OK;
        snprintf(err, errlen, "Database Events need a database");
        return ODAPI_E_CONFIG;
    }
    if (!(ev = calloc(1, sizeof *ev))) {
        od_evstate_unref(st);
        return ODAPI_E_NOMEM;
    }
    ev->srv = srv;
    ev->base = srv->base;
    ev->db = srv->db;
    ev->cfg = cfg;
    ev->log = &cfg->log;
    ev->st = st;
    ev->fire = cfg->events;
    ev->store_ok = 1; /* until a probe says otherwise */
    if (st && od_evstate_is_db(st)) { /* until the probe has looked */
        snprintf(ev->secrets_why, sizeof ev->secrets_why, "the events "
                 "state is still being checked; try again in a moment");
    } else {
        ev->secrets_ok = 1;
    }
    ev->timeout_ms = (int)od_config_limit(cfg, ODAPI_LIMIT_EVENT_TIMEOUT_MS);
    od_ratelog_init(&ev->rl, OD_RATELOG_DEFAULT_MS);
    set_names(ev);
    if (ev->fire && (rc = make_client(ev, err, errlen)) != ODAPI_OK) {
        ev_free(ev);
        return rc;
    }
    ev->tick = event_new(ev->base, -1, EV_PERSIST, on_tick, ev);
    if (!ev->tick || event_add(ev->tick, &tv) != 0) {
        ev_free(ev);
        return ODAPI_E_EVENT;
    }
    srv->events = ev;
    set_state(ev, ev->fire ? EV_STARTING : EV_OFF, "");
    event_active(ev->tick, EV_TIMEOUT, 0); /* the first probe now */
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

void od_events_each(odapi_server *srv,
                    void (*fn)(void *arg, const struct od_events_counts *c),
                    void *arg)
{
    struct od_events *ev = srv->events;
    struct esub *s;
    struct od_events_counts c;
    if (!ev)
        return;
    for (s = ev->subs; s; s = s->next) {
        c.num = s->num;
        c.delivered = s->delivered;
        c.rows = s->rows;
        c.retried = s->retried;
        c.failed = s->failed;
        fn(arg, &c);
    }
}

/* ---- for the subscriptions resource (loop thread) -------------------------------- */

int od_events_store(odapi_server *srv, struct od_evstate **st, char *why,
                    size_t len)
{
    struct od_events *ev = srv->events;
    *st = NULL;
    if (!srv->cfg->events_state_dir && !srv->cfg->events_state_db)
        return 0; /* none configured: no owners, no secrets here */
    if (!ev) {
        snprintf(why, len, "the service is stopping");
        return -1;
    }
    if (ev->st && !ev->store_ok) {
        snprintf(why, len, "%s", ev->store_why);
        return -1;
    }
    *st = ev->st;
    return 0;
}

int od_events_refuses(odapi_server *srv, char *why, size_t len)
{
    struct od_events *ev = srv->events;
    if (!srv->cfg->events)
        return 0; /* stores only; fired elsewhere, if anywhere */
    if (!ev) {
        snprintf(why, len, "the service is stopping");
        return -1;
    }
    if (ev->state != EV_UNAVAILABLE)
        return 0;
    snprintf(why, len, "%s", srv->events_reason);
    return -1;
}

int od_events_secrets_ok(odapi_server *srv, char *why, size_t len)
{
    struct od_events *ev = srv->events;
    struct od_evstate *st;
    if (od_events_store(srv, &st, why, len))
        return 0;
    if (!st) {
        snprintf(why, len, "no events state is configured here, and the "
                 "practice database is no place for secrets");
        return 0;
    }
    if (!ev->secrets_ok) {
        snprintf(why, len, "%s", ev->secrets_why);
        return 0;
    }
    return 1;
}

/* ---- the public checks ------------------------------------------------------------
 * For a server that is not started (odservice --check-config and
 * --init-state-db): a connection of their own, made after od_db_prepare
 * has loaded the client library and checked the practice database. */

static MYSQL *connect_main(odapi_server *srv, char *why, size_t len)
{
    const odapi_config *cfg = srv->cfg;
    char err[512];
    MYSQL *m;
    if (cfg->db_kind == OD_DB_NONE) {
        snprintf(why, len, "no database is configured");
        return NULL;
    }
    if (od_db_prepare(cfg, srv->log, NULL, 0, err, sizeof err) != ODAPI_OK ||
        !(m = od_queries_connect(cfg, cfg->db_user, cfg->db_password, err,
                                 sizeof err))) {
        snprintf(why, len, "%s", err);
        return NULL;
    }
    return m;
}

/* What a started engine would find, found now. */
static int check_now(odapi_server *srv, char *why, size_t len)
{
    struct od_events tmp;
    struct od_conn c;
    char who[300];
    int rc = ODAPI_OK, r;
    memset(&tmp, 0, sizeof tmp);
    tmp.cfg = srv->cfg;
    tmp.fire = 1;
    if ((rc = od_evstate_new(&tmp.st, srv->cfg, srv->log, why, len)))
        return rc;
    if (!tmp.st) {
        snprintf(why, len, "cannot fire: no state folder or state database "
                 "is configured (--state-dir DIR or --state-db NAME)");
        return ODAPI_E_CONFIG;
    }
    memset(&c, 0, sizeof c);
    if (!(c.m = connect_main(srv, why, len))) {
        od_evstate_unref(tmp.st);
        return ODAPI_E_DB_CONNECT;
    }
    if (probe_practice(&tmp, &c, tmp.p_why, sizeof tmp.p_why) ||
        od_evstate_check_only(tmp.st, c.m, tmp.p_why, sizeof tmp.p_why)) {
        snprintf(why, len, "cannot fire: %s", tmp.p_why);
        rc = ODAPI_E_DB;
    } else if (!od_evstate_exists(tmp.st)) {
        snprintf(why, len, "can fire, state in %s (made at start)",
                 od_evstate_describe(tmp.st));
    } else if ((r = od_evstate_try_fire(tmp.st, who, sizeof who)) < 0) {
        snprintf(why, len, "cannot fire: %s", who);
        rc = ODAPI_E_IO;
    } else if (r == 0) {
        snprintf(why, len, "standing by: another process%s%s%s fires from "
                 "%s", who[0] ? " (pid " : "", who, who[0] ? ")" : "",
                 od_evstate_describe(tmp.st));
    } else {
        tmp.p_secrets_ok = probe_secrets(&tmp, tmp.p_secrets_why,
                                         sizeof tmp.p_secrets_why);
        snprintf(why, len, "can fire, state in %s%s%s",
                 od_evstate_describe(tmp.st),
                 tmp.p_secrets_ok ? "" : "; Secret is refused: ",
                 tmp.p_secrets_ok ? "" : tmp.p_secrets_why);
    }
    mysql_close(c.m);
    od_evstate_unref(tmp.st); /* a lock taken to look is given back */
    return rc;
}

ODAPI_EXPORT int odapi_server_check_events(odapi_server *srv, char *why,
                                           size_t len)
{
    char tmp[1];
    if (!srv)
        return ODAPI_E_INVALID;
    if (!why || !len) {
        why = tmp;
        len = sizeof tmp;
    }
    if (!srv->cfg->events) {
        snprintf(why, len, "off");
        return ODAPI_OK;
    }
    if (!srv->started)
        return check_now(srv, why, len);
    if (!srv->events_state || strcmp(srv->events_state, "unavailable")) {
        snprintf(why, len, "%s%s%s", srv->events_state
                                          ? srv->events_state : "off",
                 srv->events_reason[0] ? ": " : "", srv->events_reason);
        return ODAPI_OK;
    }
    snprintf(why, len, "cannot fire: %s", srv->events_reason);
    return ODAPI_E_DB;
}

ODAPI_EXPORT int odapi_server_init_events_state(odapi_server *srv)
{
    struct od_evstate *st = NULL;
    char err[512];
    MYSQL *m;
    int rc;
    if (!srv)
        return ODAPI_E_INVALID;
    if (srv->started) {
        snprintf(srv->errmsg, sizeof srv->errmsg, "the server is started");
        return ODAPI_E_STATE;
    }
    if ((rc = od_evstate_new(&st, srv->cfg, srv->log, err, sizeof err))) {
        snprintf(srv->errmsg, sizeof srv->errmsg, "%s", err);
        return rc;
    }
    if (!st || !od_evstate_is_db(st)) {
        snprintf(srv->errmsg, sizeof srv->errmsg, "no events state database "
                 "is configured (--state-db NAME)");
        od_evstate_unref(st);
        return ODAPI_E_CONFIG;
    }
    if (!(m = connect_main(srv, err, sizeof err))) {
        snprintf(srv->errmsg, sizeof srv->errmsg, "%s", err);
        od_evstate_unref(st);
        return ODAPI_E_DB_CONNECT;
    }
    rc = ODAPI_OK;
    if (od_evstate_init_db(st, m, err, sizeof err) ||
        od_evstate_check(st, m, err, sizeof err)) {
        snprintf(srv->errmsg, sizeof srv->errmsg, "%s", err);
        rc = ODAPI_E_DB;
    } else {
        snprintf(srv->errmsg, sizeof srv->errmsg, "%s is ready",
                 od_evstate_describe(st));
    }
    mysql_close(m);
    od_evstate_unref(st);
    return rc;
}
