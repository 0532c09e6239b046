/* replica.c - read replicas beside the primary (docs/scale-out.md).
 *
 * Freshness is measured by GTID, which needs no privilege and does not
 * trust Seconds_Behind_Master (0 while the IO thread itself is behind):
 * a sampler thread reads the primary's @@gtid_binlog_pos every CHECK_MS
 * into a ring of (time, position); each replica's monitor reads its
 * @@gtid_slave_pos and finds the newest sample it covers. Its lag is the
 * age of that sample: the replica has every change committed on the
 * primary before it. A replica is "in" while that lag is within its bound
 * and its last check is recent; the loop thread only reads the verdicts.
 *
 * Read-your-writes: after a client's write has been answered, its GETs go
 * to the primary for max(max lag, 2 * CHECK_MS) + 2 * CHECK_MS; any
 * replica that is in has that write by then (docs/scale-out.md, "Guarantees"). */
#include "db/replica-internal.h"
#include "db/mysql-api-internal.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CHECK_MS 250
#define NSAMPLES 260          /* > OD_REPLICA_MAX_LAG_MS / CHECK_MS */
#define RYW_SLOTS 4096        /* a power of two */

enum { R_DOWN, R_BEHIND, R_IN };
static const char *const state_names[] = {"down", "behind", "in"};

struct sample {
    uint64_t t;
    struct od_gtid_pos pos;
};

struct od_replica {
    struct od_replicas *rs;
    char name[300];           /* host:port or socket, for logs and health */
    odapi_config *cfg;        /* the primary's, with this address */
    struct od_db *pool;       /* NULL: could not be opened; stays out */
    long max_lag_ms;
    pthread_t th;
    int th_started;
    /* written by the monitor thread, read by the loop: atomics */
    int state;
    long lag_ms;              /* -1: unknown */
    uint64_t checked_ms;      /* when state was last decided */
    /* loop thread only */
    unsigned long long reads, fallbacks;
};

struct od_replicas {
    struct od_db *primary;
    const struct od_logger *log;
    struct od_replica r[OD_MAX_REPLICAS];
    int n;
    long ryw_ms;

    pthread_mutex_t mu;       /* the ring, stop */
    pthread_cond_t cv;
    int stop;
    struct sample ring[NSAMPLES];
    int head, count;          /* ring[head - 1] is the newest */
    pthread_t sampler;
    int sampler_started;

    /* loop thread only */
    unsigned rr;
    uint64_t ryw_until[RYW_SLOTS];
};

/* ---- GTID positions ------------------------------------------------------ */

static int parse_ul(const char **s, unsigned long long *out)
{
    const char *p = *s;
    unsigned long long v = 0;
    if (*p < '0' || *p > '9')
        return -1;
    for (; *p >= '0' && *p <= '9'; p++) {
        if (v > (~0ULL - 9) / 10)
            return -1;
        v = v * 10 + (unsigned)(*p - '0');
    }
    *s = p;
    *out = v;
    return 0;
}

int od_gtid_parse(const char *s, struct od_gtid_pos *out)
{
    memset(out, 0, sizeof *out);
    while (*s == ' ' || *s == '\n')
        s++;
    while (*s) {
        unsigned long long dom, srv, seq;
        if (parse_ul(&s, &dom) || *s++ != '-' || parse_ul(&s, &srv) ||
            *s++ != '-' || parse_ul(&s, &seq))
            return -1;
        if (out->n < OD_GTID_DOMAINS) {
            out->d[out->n].dom = (unsigned long)dom;
            out->d[out->n].seq = seq;
            out->n++;
        } else {
            out->overflow = 1;
        }
        while (*s == ' ' || *s == '\n')
            s++;
        if (*s == ',')
            s++;
        else if (*s)
            return -1;
        while (*s == ' ' || *s == '\n')
            s++;
    }
    return 0;
}

int od_gtid_covers(const struct od_gtid_pos *rep,
                   const struct od_gtid_pos *prim)
{
    int i, k;
    if (rep->overflow || prim->overflow)
        return 0;
    for (i = 0; i < prim->n; i++) {
        for (k = 0; k < rep->n; k++)
            if (rep->d[k].dom == prim->d[i].dom)
                break;
        if (k == rep->n || rep->d[k].seq < prim->d[i].seq)
            return 0;
    }
    return 1;
}

/* ---- monitor threads ----------------------------------------------------- */

/* Sleep ms unless stopping; 1 when stopping. */
static int nap(struct od_replicas *rs, long ms)
{
    struct timespec ts;
    int stop;
    od_deadline_ms(ms, &ts);
    pthread_mutex_lock(&rs->mu);
    if (!rs->stop)
        pthread_cond_timedwait(&rs->cv, &rs->mu, &ts);
    stop = rs->stop;
    pthread_mutex_unlock(&rs->mu);
    return stop;
}

/* One system variable as text into out; 0, or -1 (*m closed on a lost
 * connection, so the next round reconnects). */
static int read_var(MYSQL **m, const char *sql, char *out, size_t cap)
{
    MYSQL_RES *res;
    MYSQL_ROW row;
    int rc = -1;
    if (mysql_query(*m, sql) == 0 && (res = mysql_store_result(*m))) {
        if ((row = mysql_fetch_row(res))) {
            snprintf(out, cap, "%s", row[0] ? row[0] : "");
            rc = 0;
        }
        mysql_free_result(res);
    }
    if (rc) {
        mysql_close(*m);
        *m = NULL;
    }
    return rc;
}

static void *sampler_main(void *arg)
{
    struct od_replicas *rs = arg;
    MYSQL *m = NULL;
    char err[512], pos[2048];
    mysql_thread_init();
    do {
        struct sample s;
        if (!m)
            m = od_db_connect_cfg(od_db_config(rs->primary), err,
                                  sizeof err);
        s.t = od_now_ms(); /* before the read: the sample is at least this
                              new */
        if (m && read_var(&m, "SELECT @@gtid_binlog_pos", pos,
                          sizeof pos) == 0 &&
            od_gtid_parse(pos, &s.pos) == 0) {
            pthread_mutex_lock(&rs->mu);
            rs->ring[rs->head] = s;
            rs->head = (rs->head + 1) % NSAMPLES;
            if (rs->count < NSAMPLES)
                rs->count++;
            pthread_mutex_unlock(&rs->mu);
        }
    } while (!nap(rs, CHECK_MS));
    if (m)
        mysql_close(m);
    mysql_thread_end();
    return NULL;
}

/* The age of the newest primary sample that pos covers, or -1 when it
 * covers none kept; *newest: it covers the newest sample. */
static long lag_of(struct od_replicas *rs, const struct od_gtid_pos *pos,
                   uint64_t now, int *newest)
{
    long lag = -1;
    int i;
    *newest = 0;
    pthread_mutex_lock(&rs->mu);
    for (i = 1; i <= rs->count; i++) {
        const struct sample *s =
            &rs->ring[(rs->head - i + NSAMPLES) % NSAMPLES];
        if (od_gtid_covers(pos, &s->pos)) {
            lag = now > s->t ? (long)(now - s->t) : 0;
            *newest = i == 1;
            break;
        }
    }
    pthread_mutex_unlock(&rs->mu);
    return lag;
}

static void set_state(struct od_replica *r, int state, long lag)
{
    int old = __atomic_load_n(&r->state, __ATOMIC_RELAXED);
    __atomic_store_n(&r->lag_ms, lag, __ATOMIC_RELAXED);
    __atomic_store_n(&r->checked_ms, od_now_ms(), __ATOMIC_RELAXED);
    __atomic_store_n(&r->state, state, __ATOMIC_RELEASE);
    if (old != state)
        od_log(r->rs->log, state == R_IN ? ODAPI_LOG_INFO : ODAPI_LOG_ERROR,
               "read replica %s is %s%s", r->name, state_names[state],
               state == R_IN       ? ": GETs may go to it again"
               : state == R_BEHIND ? " (more than its lag bound behind the "
                                     "primary): GETs go to the primary"
                                   : ": GETs go to the primary");
}

static void check_replica(struct od_replica *r, MYSQL **m)
{
    char err[512], pos[2048];
    struct od_gtid_pos p;
    long lag;
    int newest;
    if (!*m)
        *m = od_db_connect_cfg(r->cfg, err, sizeof err);
    if (!*m || !od_db_is_up(r->pool) ||
        read_var(m, "SELECT @@gtid_slave_pos", pos, sizeof pos) != 0 ||
        od_gtid_parse(pos, &p) != 0) {
        set_state(r, R_DOWN, -1);
        return;
    }
    /* A sample is up to a round old when read: covering the newest one
     * is as fresh as this measure can tell, whatever the bound (0 too). */
    lag = lag_of(r->rs, &p, od_now_ms(), &newest);
    set_state(r, lag >= 0 && (newest || lag <= r->max_lag_ms) ? R_IN
                                                              : R_BEHIND,
              lag);
}

static void *monitor_main(void *arg)
{
    struct od_replica *r = arg;
    MYSQL *m = NULL;
    mysql_thread_init();
    do
        check_replica(r, &m);
    while (!nap(r->rs, CHECK_MS));
    if (m)
        mysql_close(m);
    mysql_thread_end();
    return NULL;
}

/* ---- opening and closing -------------------------------------------------- */

/* host:port or the socket path; health writes it into JSON as is, so
 * quotes, backslashes and controls become '?'. */
void od_replica_name(const struct od_replica_cfg *c, char *buf, size_t cap)
{
    char *p;
    if (c->socket)
        snprintf(buf, cap, "%s", c->socket);
    else
        snprintf(buf, cap, "%s:%u", c->host, c->port ? c->port : 3306);
    for (p = buf; *p; p++)
        if (*p == '"' || *p == '\\' || (unsigned char)*p < 0x20 ||
            *p == 0x7f)
            *p = '?';
}

static void name_replica(struct od_replica *r, const struct od_replica_cfg *c)
{
    od_replica_name(c, r->name, sizeof r->name);
}

/* The primary's configuration with the replica's address: same user,
 * password and database; never creates anything. */
odapi_config *od_replica_config(const odapi_config *cfg,
                                const struct od_replica_cfg *c)
{
    odapi_config *rc = od_config_dup(cfg);
    if (!rc)
        return NULL;
    if (od_set_str(&rc->db_host, c->host) ||
        od_set_str(&rc->db_socket, c->socket)) {
        odapi_config_free(rc);
        return NULL;
    }
    rc->db_port = c->port;
    rc->db_create_schema = 0;
    rc->db_replica = 1;
    return rc;
}

static void open_one(struct od_replicas *rs, struct od_replica *r,
                     const struct od_replica_cfg *c,
                     struct event_base *base)
{
    char err[512];
    r->rs = rs;
    r->max_lag_ms = c->max_lag_ms;
    r->state = R_DOWN;
    r->lag_ms = -1;
    name_replica(r, c);
    if (!(r->cfg = od_replica_config(od_db_config(rs->primary), c))) {
        od_log(rs->log, ODAPI_LOG_ERROR, "read replica %s: out of memory",
               r->name);
        return;
    }
    if (od_db_open(&r->pool, r->cfg, base, rs->log, err, sizeof err)) {
        od_log(rs->log, ODAPI_LOG_ERROR, "read replica %s cannot be used, "
               "GETs go to the primary: %s", r->name, err);
        r->pool = NULL;
        return;
    }
    r->th_started = pthread_create(&r->th, NULL, monitor_main, r) == 0;
    od_log(rs->log, ODAPI_LOG_INFO, "read replica %s, lag bound %ld ms",
           r->name, r->max_lag_ms);
}

struct od_replicas *od_replicas_open(struct od_db *primary,
                                     const odapi_config *cfg,
                                     struct event_base *base,
                                     const struct od_logger *log)
{
    struct od_replicas *rs = calloc(1, sizeof *rs);
    long maxlag = 0;
    int i;
    if (!rs)
        return NULL;
    rs->primary = primary;
    rs->log = log;
    pthread_mutex_init(&rs->mu, NULL);
    pthread_cond_init(&rs->cv, NULL);
    rs->sampler_started =
        pthread_create(&rs->sampler, NULL, sampler_main, rs) == 0;
    for (i = 0; i < cfg->nreplicas && i < OD_MAX_REPLICAS; i++) {
        open_one(rs, &rs->r[rs->n++], &cfg->replicas[i], base);
        if (cfg->replicas[i].max_lag_ms > maxlag)
            maxlag = cfg->replicas[i].max_lag_ms;
    }
    /* A replica in use has every change older than its bound (at least
     * two rounds: the newest sample may be that old, see check_replica)
     * when checked, and the verdict is used two rounds at most. */
    rs->ryw_ms = (maxlag > 2 * CHECK_MS ? maxlag : 2 * CHECK_MS) +
                 2 * CHECK_MS;
    return rs;
}

void od_replicas_close(struct od_replicas *rs)
{
    int i;
    if (!rs)
        return;
    pthread_mutex_lock(&rs->mu);
    rs->stop = 1;
    pthread_cond_broadcast(&rs->cv);
    pthread_mutex_unlock(&rs->mu);
    if (rs->sampler_started)
        pthread_join(rs->sampler, NULL);
    for (i = 0; i < rs->n; i++)
        if (rs->r[i].th_started)
            pthread_join(rs->r[i].th, NULL);
    for (i = 0; i < rs->n; i++) {
        od_db_close(rs->r[i].pool);
        odapi_config_free(rs->r[i].cfg);
    }
    pthread_mutex_destroy(&rs->mu);
    pthread_cond_destroy(&rs->cv);
    free(rs);
}

/* ---- routing (loop thread) ----------------------------------------------- */

static size_t ryw_slot(const char *client)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (; client && *client; client++)
        h = (h ^ (unsigned char)*client) * 16777619u;
    return h & (RYW_SLOTS - 1);
}

/* Clients share slots: a collision only sends another client's reads to
 * the primary for a while, never one's own to a stale replica. */
void od_replicas_note_write(struct od_replicas *rs, const char *client)
{
    if (rs)
        rs->ryw_until[ryw_slot(client)] = od_now_ms() + (uint64_t)rs->ryw_ms;
}

static int usable(struct od_replica *r, uint64_t now)
{
    uint64_t checked = __atomic_load_n(&r->checked_ms, __ATOMIC_RELAXED);
    /* a verdict older than two rounds is no verdict (monitor stuck) */
    return r->pool &&
           __atomic_load_n(&r->state, __ATOMIC_ACQUIRE) == R_IN &&
           now - checked <= 2 * CHECK_MS && od_db_is_up(r->pool);
}

/* A replica that is in, round robin; NULL for the primary. */
static struct od_replica *pick(struct od_replicas *rs, const char *client)
{
    uint64_t now = od_now_ms();
    int i;
    if (!rs || !rs->n || now < rs->ryw_until[ryw_slot(client)])
        return NULL;
    for (i = 0; i < rs->n; i++) {
        struct od_replica *r = &rs->r[(rs->rr + (unsigned)i) % rs->n];
        if (usable(r, now)) {
            rs->rr = (rs->rr + (unsigned)i + 1) % (unsigned)rs->n;
            return r;
        }
    }
    return NULL;
}

struct rjob {
    struct od_replicas *rs;
    struct od_replica *r;
    od_db_work_fn work;
    od_db_done_fn done;
    void *arg;
};

/* A statement the replica refused because it is read-only (the session's
 * READ ONLY, or the server's read_only): the primary runs the job. */
static int refused_read_only(unsigned e)
{
    return e == 1792 /* ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION */ ||
           e == 1290 /* ER_OPTION_PREVENTS_STATEMENT (--read-only) */;
}

static int rjob_work(struct od_conn *c, void *arg)
{
    struct rjob *j = arg;
    int r = j->work(c, j->arg);
    if (r == OD_WORK_DONE && refused_read_only(c->last_errno))
        return OD_WORK_RETRY;
    return r;
}

/* The replica failed the job before it ran to the end (unreachable, lost,
 * read-only): the primary runs it, so the client sees no failure. */
static void rjob_done(void *arg, int status)
{
    struct rjob *j = arg;
    if (status == ODAPI_E_DB_CONNECT) {
        j->r->fallbacks++;
        if (od_db_submit(j->rs->primary, j->work, j->done, j->arg) !=
            ODAPI_OK)
            j->done(j->arg, ODAPI_E_DB_CONNECT);
    } else {
        j->done(j->arg, status);
    }
    free(j);
}

int od_replicas_submit_read(struct od_replicas *rs, const char *client,
                            od_db_work_fn work, od_db_done_fn done,
                            void *arg)
{
    struct od_replica *r = pick(rs, client);
    struct rjob *j;
    if (r && (j = malloc(sizeof *j))) {
        j->rs = rs;
        j->r = r;
        j->work = work;
        j->done = done;
        j->arg = arg;
        if (od_db_submit(r->pool, rjob_work, rjob_done, j) == ODAPI_OK) {
            r->reads++;
            return ODAPI_OK;
        }
        free(j); /* its queue is full: the primary's may not be */
    }
    return od_db_submit(rs->primary, work, done, arg);
}

size_t od_replicas_json(struct od_replicas *rs, char *buf, size_t cap)
{
    size_t n = 0;
    int i, w;
    uint64_t now = od_now_ms();
    if (cap < 3)
        return 0;
    buf[n++] = '[';
    for (i = 0; rs && i < rs->n; i++) {
        struct od_replica *r = &rs->r[i];
        int st = __atomic_load_n(&r->state, __ATOMIC_ACQUIRE);
        if (st == R_IN && !usable(r, now))
            st = r->pool && od_db_is_up(r->pool) ? R_BEHIND : R_DOWN;
        w = snprintf(buf + n, cap - n,
                     "%s{\"replica\":\"%s\",\"state\":\"%s\","
                     "\"lagMs\":%ld,\"lagBoundMs\":%ld,\"reads\":%llu,"
                     "\"fallbacks\":%llu}",
                     i ? "," : "", r->name, state_names[st],
                     __atomic_load_n(&r->lag_ms, __ATOMIC_RELAXED),
                     r->max_lag_ms, r->reads, r->fallbacks);
        if (w < 0 || (size_t)w >= cap - n - 1)
            break;
        n += (size_t)w;
    }
    buf[n++] = ']';
    buf[n] = '\0';
    return n;
}
