/* metrics.c - GET /metrics (Prometheus text format, docs/http.md
 * "Metrics"): the HTTP core's request counters, and the small listener of
 * its own that serves them.
 *
 * Counting: every request is counted where it ends
 * (od_server_request_done), by its route template and status, with its
 * latency in a histogram of fixed buckets. Requests end on the loop
 * thread and the counters are read on the loop thread; they are still
 * bumped with relaxed atomic adds so that no lock is ever taken for them,
 * whatever thread a future caller counts from.
 *
 * The listener: a plain evhttp of its own on the address the
 * configuration names (off by default). The API's port never answers
 * /metrics: how busy a practice is stays off the office network unless an
 * administrator binds it there. What the layers above the HTTP core count
 * (the database pool, credentials, Database Events) is written by the
 * server's parts (od_server_parts.metrics, lib/metrics.c), so nothing
 * here reaches up. */
#include "http/server-internal.h"
#include "core/jsonbuf-internal.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>
#include <event2/util.h>

/* Upper bounds of the latency buckets, microseconds (the +Inf bucket is
 * the count). Fixed, so that series from different servers add up. */
static const uint64_t bucket_us[] = {1000,   2500,   5000,    10000,
                                     25000,  50000,  100000,  250000,
                                     500000, 1000000, 2500000, 10000000};
#define NBUCKETS ((int)OD_ARRAY_LEN(bucket_us))

/* The statuses counted one by one; any other is counted by its class
 * ("2xx" ... "5xx"). */
static const int statuses[] = {200, 201, 204, 206, 304, 400, 401, 403,
                               404, 405, 408, 409, 411, 413, 415, 422,
                               429, 431, 500, 501, 502, 503, 504};
#define NSTATUS ((int)OD_ARRAY_LEN(statuses))
#define NSLOTS (NSTATUS + 5) /* + 1xx..5xx classes */

struct od_route_stats {
    uint64_t status[NSLOTS];
    uint64_t bucket[NBUCKETS]; /* not cumulative: written cumulative */
    uint64_t count, sum_us;
};

struct od_metrics {
    struct evhttp *http;
    unsigned port;
    int nroutes;                   /* routes known at start */
    struct od_route_stats *stats;  /* nroutes, then health, then none */
};

static int status_slot(int status)
{
    int i;
    for (i = 0; i < NSTATUS; i++)
        if (statuses[i] == status)
            return i;
    if (status >= 100 && status < 600)
        return NSTATUS + status / 100 - 1;
    return NSTATUS + 4; /* 5xx: not a status, something went wrong */
}

static void bump(uint64_t *n, uint64_t by)
{
    __atomic_fetch_add(n, by, __ATOMIC_RELAXED);
}

static uint64_t get(const uint64_t *n)
{
    return __atomic_load_n(n, __ATOMIC_RELAXED);
}

void od_metrics_count(odapi_server *srv, const odapi_request *req)
{
    struct od_metrics *m = srv->metrics;
    struct od_route_stats *s;
    long idx = m->nroutes + 1; /* no route */
    uint64_t us = od_request_elapsed_us(req);
    int b;
    if (req->route && req->route >= srv->router.routes &&
        req->route < srv->router.routes + m->nroutes)
        idx = req->route - srv->router.routes;
    else if (!req->route && req->method[0] != '-' && req->path &&
             (strcmp(req->path, "/api/v1") == 0 ||
              strcmp(req->path, "/api/v1/") == 0))
        idx = m->nroutes; /* health */
    s = &m->stats[idx];
    bump(&s->status[status_slot(req->status)], 1);
    for (b = 0; b < NBUCKETS && us > bucket_us[b]; b++)
        ;
    if (b < NBUCKETS)
        bump(&s->bucket[b], 1);
    bump(&s->count, 1);
    bump(&s->sum_us, us);
}

/* ---- the text ------------------------------------------------------------ */

/* A label value: backslash, double quote and newline escaped. */
void od_metrics_label(struct od_buf *b, const char *v)
{
    for (; *v; v++) {
        if (*v == '\\' || *v == '"')
            od_buf_addc(b, '\\');
        if (*v == '\n')
            od_buf_adds(b, "\\n");
        else
            od_buf_addc(b, *v);
    }
}

void od_metrics_head(struct od_buf *b, const char *name, const char *type,
                     const char *help)
{
    od_buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* method="GET",route="/api/v1/patients/{PatNum}" */
static void route_labels(struct od_buf *b, const odapi_server *srv, long idx)
{
    const struct od_metrics *m = srv->metrics;
    const struct od_route *r;
    int i;
    if (idx == m->nroutes) {
        od_buf_adds(b, "method=\"GET\",route=\"/api/v1/\"");
        return;
    }
    if (idx > m->nroutes) {
        od_buf_adds(b, "method=\"\",route=\"none\"");
        return;
    }
    r = &srv->router.routes[idx];
    od_buf_adds(b, "method=\"");
    od_metrics_label(b, r->method);
    od_buf_adds(b, "\",route=\"/api/v1");
    for (i = 0; i < r->nsegs; i++) {
        od_buf_addc(b, '/');
        if (r->is_param[i])
            od_buf_addc(b, '{');
        od_metrics_label(b, r->segs[i]);
        if (r->is_param[i])
            od_buf_addc(b, '}');
    }
    od_buf_addc(b, '"');
}

static void status_label(struct od_buf *b, int slot)
{
    if (slot < NSTATUS)
        od_buf_printf(b, "%d", statuses[slot]);
    else
        od_buf_printf(b, "%dxx", slot - NSTATUS + 1);
}

static void write_requests(struct od_buf *b, const odapi_server *srv)
{
    const struct od_metrics *m = srv->metrics;
    long i, n = m->nroutes + 2;
    int k;
    od_metrics_head(b, "odapi_http_requests_total", "counter",
                    "Requests answered, by route template and status.");
    for (i = 0; i < n; i++)
        for (k = 0; k < NSLOTS; k++) {
            uint64_t v = get(&m->stats[i].status[k]);
            if (!v)
                continue;
            od_buf_adds(b, "odapi_http_requests_total{");
            route_labels(b, srv, i);
            od_buf_adds(b, ",status=\"");
            status_label(b, k);
            od_buf_printf(b, "\"} %llu\n", (unsigned long long)v);
        }
}

static void write_latency(struct od_buf *b, const odapi_server *srv)
{
    const struct od_metrics *m = srv->metrics;
    long i, n = m->nroutes + 2;
    int k;
    od_metrics_head(b, "odapi_http_request_duration_seconds", "histogram",
                    "Time from the request's head to its answer, by route "
                    "template.");
    for (i = 0; i < n; i++) {
        const struct od_route_stats *s = &m->stats[i];
        uint64_t count = get(&s->count), cum = 0;
        if (!count)
            continue;
        for (k = 0; k < NBUCKETS; k++) {
            cum += get(&s->bucket[k]);
            od_buf_adds(b, "odapi_http_request_duration_seconds_bucket{");
            route_labels(b, srv, i);
            od_buf_printf(b, ",le=\"%g\"} %llu\n", bucket_us[k] / 1e6,
                          (unsigned long long)cum);
        }
        od_buf_adds(b, "odapi_http_request_duration_seconds_bucket{");
        route_labels(b, srv, i);
        od_buf_printf(b, ",le=\"+Inf\"} %llu\n", (unsigned long long)count);
        od_buf_adds(b, "odapi_http_request_duration_seconds_sum{");
        route_labels(b, srv, i);
        od_buf_printf(b, "} %.6f\n", get(&s->sum_us) / 1e6);
        od_buf_adds(b, "odapi_http_request_duration_seconds_count{");
        route_labels(b, srv, i);
        od_buf_printf(b, "} %llu\n", (unsigned long long)count);
    }
}

static void write_server(struct od_buf *b, const odapi_server *srv)
{
    od_metrics_head(b, "odapi_http_connections", "gauge",
                    "Client connections open now.");
    od_buf_printf(b, "odapi_http_connections %d\n", srv->nconns);
    od_metrics_head(b, "odapi_http_requests_in_flight", "gauge",
                    "Requests received and not yet answered.");
    od_buf_printf(b, "odapi_http_requests_in_flight %ld\n", srv->inflight);
    od_metrics_head(b, "odapi_uptime_seconds", "gauge",
                    "Seconds since the server started.");
    od_buf_printf(b, "odapi_uptime_seconds %.3f\n",
                  (od_now_ms() - srv->started_ms) / 1e3);
}

static void on_metrics(struct evhttp_request *ev, void *arg)
{
    odapi_server *srv = arg;
    const char *uri = evhttp_request_get_uri(ev);
    struct evkeyvalq *out = evhttp_request_get_output_headers(ev);
    struct evbuffer *body = evbuffer_new();
    size_t plen = uri ? strcspn(uri, "?") : 0;
    struct od_buf b;
    if (!body) {
        evhttp_send_error(ev, 503, NULL);
        return;
    }
    if (!uri || plen != strlen("/metrics") ||
        strncmp(uri, "/metrics", plen) != 0) {
        evhttp_add_header(out, "Content-Type", "text/plain; charset=utf-8");
        evbuffer_add_printf(body, "Not found. Metrics are at /metrics.\n");
        evhttp_send_reply(ev, 404, "Not Found", body);
        evbuffer_free(body);
        return;
    }
    od_buf_init(&b);
    write_requests(&b, srv);
    write_latency(&b, srv);
    write_server(&b, srv);
    if (srv->parts->metrics)
        srv->parts->metrics(srv, &b);
    if (b.oom) {
        evhttp_send_error(ev, 503, NULL);
    } else {
        evhttp_add_header(out, "Content-Type",
                          "text/plain; version=0.0.4; charset=utf-8");
        evbuffer_add(body, b.p ? b.p : "", b.len);
        evhttp_send_reply(ev, 200, "OK", body);
    }
    od_buf_free(&b);
    evbuffer_free(body);
}

/* ---- the listener -------------------------------------------------------- */

static unsigned bound_port(struct evhttp_bound_socket *bs)
{
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    if (getsockname(evhttp_bound_socket_get_fd(bs), (struct sockaddr *)&ss,
                    &sl) != 0)
        return 0;
    return ntohs(ss.ss_family == AF_INET6
                     ? ((struct sockaddr_in6 *)&ss)->sin6_port
                     : ((struct sockaddr_in *)&ss)->sin_port);
}

int od_metrics_start(odapi_server *srv, char *err, size_t errlen)
{
    const odapi_config *cfg = srv->cfg;
    struct od_metrics *m;
    struct evhttp_bound_socket *bs;
    int v6 = strchr(cfg->metrics_addr, ':') != NULL;
    if (!(m = calloc(1, sizeof *m))) {
        snprintf(err, errlen, "out of memory for the metrics");
        return ODAPI_E_NOMEM;
    }
    srv->metrics = m;
    m->nroutes = srv->router.n;
    if (!(m->stats = calloc((size_t)m->nroutes + 2, sizeof *m->stats)) ||
        !(m->http = evhttp_new(srv->base))) {
        snprintf(err, errlen, "out of memory for the metrics");
        return ODAPI_E_NOMEM;
    }
    /* a scraper sends a small GET; anything else is not for us */
    evhttp_set_allowed_methods(m->http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD);
    evhttp_set_max_headers_size(m->http, 8192);
    evhttp_set_max_body_size(m->http, 1024);
    evhttp_set_timeout(m->http, 10);
    evhttp_set_gencb(m->http, on_metrics, srv);
    bs = evhttp_bind_socket_with_handle(m->http, cfg->metrics_addr,
                                        (ev_uint16_t)cfg->metrics_port);
    if (!bs) {
        int e = errno;
        snprintf(err, errlen, "cannot serve metrics on %s port %u: %s",
                 cfg->metrics_addr, cfg->metrics_port,
                 e == EADDRINUSE ? "the port is already in use"
                 : e ? strerror(e)
                     : "not an address of this machine");
        return e == EADDRINUSE ? ODAPI_E_ADDR_IN_USE : ODAPI_E_LISTEN;
    }
    m->port = bound_port(bs);
    od_log(srv->log, ODAPI_LOG_INFO, "metrics on http://%s%s%s:%u/metrics",
           v6 ? "[" : "", cfg->metrics_addr, v6 ? "]" : "", m->port);
    return ODAPI_OK;
}

void od_metrics_free(odapi_server *srv)
{
    struct od_metrics *m = srv->metrics;
    if (!m)
        return;
    if (m->http)
        evhttp_free(m->http);
    free(m->stats);
    free(m);
    srv->metrics = NULL;
}
