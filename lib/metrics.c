/* metrics.c - the top's part of GET /metrics (docs/http.md, "Metrics"):
 * what the layers below count, each through its own small struct (the
 * database pool: od_db_stats; the credential cache: od_cred_counts;
 * Database Events: od_events_each), written here in Prometheus text so
 * that no layer formats for another (the HTTP core writes its request
 * counters itself, http/metrics.c). Runs on the loop thread, per scrape;
 * the only lock it takes is the pool's, once per scrape. */
#include "routes-internal.h"
#include "http/server-internal.h"
#include "auth/cred-internal.h"
#include "db/db-internal.h"
#include "core/jsonbuf-internal.h"
#include "features/events-internal.h"

static void one(struct od_buf *b, const char *name, const char *type,
                const char *help, unsigned long long v)
{
    od_metrics_head(b, name, type, help);
    od_buf_printf(b, "%s %llu\n", name, v);
}

static void write_pool(struct od_buf *b, odapi_server *srv)
{
    struct od_db_stats st = {0};
    if (!srv->db)
        return;
    od_db_stats(srv->db, &st);
    one(b, "odapi_db_pool_workers", "gauge",
        "Database worker threads (connections).",
        (unsigned long long)st.workers);
    one(b, "odapi_db_pool_busy", "gauge", "Workers running a job now.",
        (unsigned long long)st.busy);
    one(b, "odapi_db_queue_depth", "gauge",
        "Jobs waiting for a worker now.", (unsigned long long)st.queued);
    one(b, "odapi_db_queue_capacity", "gauge",
        "Jobs the queue holds before requests are refused with 503.",
        (unsigned long long)st.queue_max);
    one(b, "odapi_db_jobs_total", "counter", "Database jobs queued.",
        st.jobs);
    one(b, "odapi_db_jobs_waited_total", "counter",
        "Jobs that found every worker busy and waited in the queue.",
        st.waited);
    one(b, "odapi_db_jobs_refused_total", "counter",
        "Jobs refused because the queue was full (answered 503).",
        st.refused);
    one(b, "odapi_db_lock_timeouts_total", "counter",
        "Statements that gave up waiting for a row lock, or lost a "
        "deadlock.", st.lock_timeouts);
}

static void write_cred(struct od_buf *b, odapi_server *srv)
{
    struct od_cred_counts c;
    if (!srv->cred)
        return;
    od_cred_counts(srv->cred, &c);
    one(b, "odapi_credential_cache_hits_total", "counter",
        "Authorization headers answered from the credential cache.", c.hits);
    one(b, "odapi_credential_cache_misses_total", "counter",
        "Authorization headers the cache could not answer (validated, or "
        "waiting for a validation in flight).", c.misses);
    od_metrics_head(b, "odapi_credential_validations_total", "counter",
                    "Key pairs validated, by where the answer came from.");
    od_buf_printf(b, "odapi_credential_validations_total{source=\"apikey_"
                     "table\"} %lu\n", c.db_lookups);
    od_buf_printf(b, "odapi_credential_validations_total{source=\"remote\"}"
                     " %lu\n", c.remote);
    one(b, "odapi_credential_cache_evictions_total", "counter",
        "Entries dropped from the full cache.", c.evictions);
    one(b, "odapi_credential_cache_entries", "gauge",
        "Key pairs in the cache now.", (unsigned long long)c.entries);
}

/* Database Events: one series per subscription and counter, so the
 * samples of one metric stay together as the format wants. */
struct ev_pass {
    struct od_buf *b;
    const char *name;
    int which;
};

static void ev_sample(void *arg, const struct od_events_counts *c)
{
    struct ev_pass *p = arg;
    unsigned long v = p->which == 0   ? c->delivered
                      : p->which == 1 ? c->rows
                      : p->which == 2 ? c->retried
                                      : c->failed;
    od_buf_printf(p->b, "%s{subscription=\"%lld\"} %lu\n", p->name, c->num,
                  v);
}

static void write_events(struct od_buf *b, odapi_server *srv)
{
    static const char *const names[4][2] = {
        {"odapi_events_delivered_total",
         "Event POSTs the subscription's endpoint acknowledged (2xx)."},
        {"odapi_events_rows_delivered_total",
         "Rows in the acknowledged event POSTs."},
        {"odapi_events_retried_total",
         "Event POSTs sent again after a failed attempt."},
        {"odapi_events_failed_total",
         "Failed event deliveries (an answer other than 2xx, or none)."},
    };
    struct ev_pass p;
    int i;
    if (!srv->events)
        return;
    p.b = b;
    for (i = 0; i < 4; i++) {
        od_metrics_head(b, names[i][0], "counter", names[i][1]);
        p.name = names[i][0];
        p.which = i;
        od_events_each(srv, ev_sample, &p);
    }
}

void od_metrics_parts(odapi_server *srv, struct od_buf *out)
{
    write_pool(out, srv);
    write_cred(out, srv);
    write_events(out, srv);
}
