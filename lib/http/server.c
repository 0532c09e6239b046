/* server.c - the HTTP server: listeners, limits, connection tracking,
 * the request path (route -> credentials -> permission -> handler), and
 * a graceful stop. Everything here runs on the event-loop thread. */
#include "http/server-internal.h"
#include "http/relay-internal.h"
#include "auth/cred-internal.h"
#include "db/db-internal.h"
#include "db/replica-internal.h"
#include "core/logfile-internal.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/bufferevent_struct.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>
#include <event2/thread.h>
#include <event2/util.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#define SWEEP_MS 250
#define TRIM_IDLE_MS 1000
#define LINGER_MS 2000 /* a refused client's bytes are read this long */

static void server_log(odapi_server *srv, int level, const char *fmt, ...)
    OD_PRINTF(3, 4);
static void server_log(odapi_server *srv, int level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    od_vlog(srv->log, level, fmt, ap);
    va_end(ap);
}

static void set_err(odapi_server *srv, const char *fmt, ...) OD_PRINTF(2, 3);
static void set_err(odapi_server *srv, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(srv->errmsg, sizeof srv->errmsg, fmt, ap);
    va_end(ap);
}

/* ---- connection tracking -------------------------------------------------
 * libevent 2.1 has no connection cap and no hook when evhttp frees a
 * connection that never made a request. We make every connection's
 * bufferevent ourselves (bevcb), put the guard on it (guard.c), and hold
 * a reference to it. When evhttp frees
 * the connection it tells us (the close callback, set at its first
 * request), or the callbacks are cleared and our sweep notices. That gives
 * an exact count for the cap (listeners pause at the cap, resume below
 * it), and a place to close connections that never finish a request
 * within the timeout (slow or half-open clients). See docs/http.md. */

/* A small hash from bufferevent to its track, so the request path finds
 * its connection in O(1) whatever the number of open connections. */
static size_t ht_slot(const odapi_server *srv, const struct bufferevent *bev)
{
    uint64_t h = (uint64_t)(uintptr_t)bev;
    h ^= h >> 29;
    h *= 0x9E3779B97F4A7C15ull;
    return (size_t)(h >> 17) & (srv->htcap - 1);
}

static struct od_conn_track *track_find(odapi_server *srv,
                                        struct bufferevent *bev)
{
    size_t i;
    if (!srv->htcap)
        return NULL;
    for (i = ht_slot(srv, bev); srv->ht[i]; i = (i + 1) & (srv->htcap - 1))
        if (srv->ht[i]->bev == bev)
            return srv->ht[i];
    return NULL;
}

static void ht_put(odapi_server *srv, struct od_conn_track *t)
{
    size_t i = ht_slot(srv, t->bev);
    while (srv->ht[i])
        i = (i + 1) & (srv->htcap - 1);
    srv->ht[i] = t;
}

/* Grow to keep the load under one half; 0 on success. */
static int ht_reserve(odapi_server *srv, size_t n)
{
    struct od_conn_track **old = srv->ht;
    size_t oldcap = srv->htcap, cap = oldcap ? oldcap : 128, i;
    if (2 * n < oldcap)
        return 0;
    while (2 * n >= cap)
        cap *= 2;
    if (!(srv->ht = calloc(cap, sizeof *srv->ht))) {
        srv->ht = old;
        return -1;
    }
    srv->htcap = cap;
    for (i = 0; i < oldcap; i++)
        if (old[i])
            ht_put(srv, old[i]);
    free(old);
    return 0;
}

/* Remove with backward shifting, so probe chains stay whole. */
static void ht_del(odapi_server *srv, const struct od_conn_track *t)
{
    size_t mask = srv->htcap - 1, i, j, k;
    for (i = ht_slot(srv, t->bev); srv->ht[i] && srv->ht[i] != t;
         i = (i + 1) & mask)
        ;
    if (!srv->ht[i])
        return;
    srv->ht[i] = NULL;
    for (j = (i + 1) & mask; srv->ht[j]; j = (j + 1) & mask) {
        k = ht_slot(srv, srv->ht[j]->bev);
        /* move j back to i unless its home k lies cyclically in (i, j] */
        if ((j > i && (k <= i || k > j)) || (j < i && (k <= i && k > j))) {
            srv->ht[i] = srv->ht[j];
            srv->ht[j] = NULL;
            i = j;
        }
    }
}

static void listeners_pause(odapi_server *srv, int pause)
{
    int i;
    if (srv->listeners_paused == pause)
        return;
    for (i = 0; i < srv->nbound; i++) {
        struct evconnlistener *l = evhttp_bound_socket_get_listener(srv->bound[i]);
        if (pause)
            evconnlistener_disable(l);
        else
            evconnlistener_enable(l);
    }
    srv->listeners_paused = pause;
    if (pause)
        server_log(srv, ODAPI_LOG_WARNING,
                   "connection limit (%d) reached; not accepting for now",
                   srv->nconns);
}

static struct bufferevent *make_bev(struct event_base *base, void *arg)
{
    odapi_server *srv = arg;
    struct bufferevent *bev;
    struct od_conn_track *t;

    if (srv->ssl_ctx) {
        /* TLS as a filter over a socket bufferevent: a request comes in
         * with one readv() (a socket-based TLS bufferevent reads every
         * record's header and body with a read() each) and an answer's
         * records leave with one writev() (instead of a write() each):
         * about 20 of its 30 us a request (docs/cloud.md, bench). */
        SSL *ssl = SSL_new(srv->ssl_ctx);
        struct bufferevent *sock;
        if (!ssl)
            return NULL;
        if (!(sock = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE))) {
            SSL_free(ssl);
            return NULL;
        }
        /* on failure (memory) libevent may or may not have freed sock:
         * better a leak then than a double free */
        bev = bufferevent_openssl_filter_new(base, sock, ssl,
                                             BUFFEREVENT_SSL_ACCEPTING,
                                             BEV_OPT_CLOSE_ON_FREE);
    } else {
        bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
    }
    if (!bev)
        return NULL;
    if (srv->nconns == srv->capconns) {
        int cap = srv->capconns ? srv->capconns * 2 : 64;
        struct od_conn_track **n = realloc(srv->conns, (size_t)cap * sizeof *n);
        if (!n)
            return bev; /* untracked and unguarded, but served */
        srv->conns = n;
        srv->capconns = cap;
    }
    if (ht_reserve(srv, (size_t)srv->nconns + 1) || !(t = calloc(1, sizeof *t)))
        return bev;
    if (od_guard_wrap(srv, t, bev) != 0) {
        free(t);
        return bev;
    }
    t->since_ms = od_now_ms();
    t->fresh = 1; /* its peer is counted once evhttp has given it its fd */
    bufferevent_incref(bev);
    t->idx = srv->nconns;
    srv->conns[srv->nconns++] = t;
    ht_put(srv, t);
    od_guard_queue(srv, t);
    if (srv->nconns >= od_config_limit(srv->cfg, ODAPI_LIMIT_MAX_CONNECTIONS))
        listeners_pause(srv, 1);
    return bev;
}

/* The watcher (od_conn_watch) goes before its socket can close: an event
 * libevent still counted on a closed descriptor would leave the next
 * connection given that number out of epoll. */
static void drop_watch(struct od_conn_track *t)
{
    if (t->watch)
        event_free(t->watch);
    t->watch = NULL;
}

static int bev_freed_by_evhttp(struct bufferevent *bev)
{
    bufferevent_event_cb ecb = NULL;
    bufferevent_getcb(bev, NULL, NULL, &ecb, NULL);
    return ecb == NULL;
}

/* evhttp is done with t: forget it and drop our reference (the socket
 * closes). t itself lives on while a request or the work queue holds it. */
static void release(odapi_server *srv, struct od_conn_track *t)
{
    ht_del(srv, t);
    srv->conns[t->idx] = srv->conns[--srv->nconns];
    srv->conns[t->idx]->idx = t->idx;
    od_guard_addr_remove(srv, t);
    od_guard_unwrap(t);
    drop_watch(t); /* before the socket can close (our reference below) */
    t->released = 1;
    srv->trim_after_ms = od_now_ms();
    bufferevent_decref(t->bev);
    od_conn_maybe_free(t);
}

void od_conn_maybe_free(struct od_conn_track *t)
{
    if (t->released && !t->inflight && !t->queued && !t->busy)
        free(t);
}

/* evhttp frees the connection (its close callback). A client refused for
 * a malformed request may still be sending: read and drop its bytes for a
 * moment, so that closing with unread data does not reset the connection
 * under our answer (the sweep releases it after LINGER_MS). */
/* A TLS connection is a filter over the socket's bufferevent, and evhttp
 * takes an answer for written once it is encrypted into the socket's
 * buffer; then, closing, it shuts the socket's sending side down at once:
 * an answer that closes the connection (HTTP/1.0, Connection: close, a
 * refusal) would be lost. Here, before that, what the socket takes of it
 * now goes out (all of it unless the client is far behind). */
static void flush_socket(struct od_conn_track *t)
{
    struct bufferevent *sock = bufferevent_get_underlying(t->bev);
    struct evbuffer *out;
    evutil_socket_t fd;
    if (!sock || (fd = bufferevent_getfd(sock)) < 0)
        return;
    out = bufferevent_get_output(sock);
    evbuffer_unfreeze(out, 1); /* a socket bufferevent's, between writes */
    while (evbuffer_get_length(out) && evbuffer_write(out, fd) > 0)
        ;
    evbuffer_freeze(out, 1);
}

/* Write what the socket's buffer holds now, as libevent's write callback
 * would on the loop's next turn; 1 when the socket took all of it. (That
 * callback leaves the front of the output frozen after each write, as it
 * is here.) */
static int write_socket_now(struct bufferevent *sock)
{
    struct evbuffer *out = bufferevent_get_output(sock);
    evutil_socket_t fd = bufferevent_getfd(sock);
    if (fd < 0 || !evbuffer_get_length(out))
        return 0;
    evbuffer_unfreeze(out, 1);
    (void)evbuffer_write(out, fd); /* an error is libevent's to see again */
    evbuffer_freeze(out, 1);
    return evbuffer_get_length(out) == 0;
}

/* Send what bev's output holds now instead of waiting for the socket to
 * say it is writable (an epoll round and a loop turn fewer a request;
 * with the changelist, the write event added and deleted in the same turn
 * costs no epoll_ctl). When the socket took it all, finish as bev's write
 * callback would (evhttp's: the request freed, the connection reading on,
 * or closed); what the socket does not take waits for EPOLLOUT as before.
 * Nothing when bev is being freed (no event callback) or not writing.
 * bev may be freed on return. */
void od_bev_send_now(struct bufferevent *bev)
{
    bufferevent_data_cb wcb = NULL;
    bufferevent_event_cb ecb = NULL;
    void *arg = NULL;
    bufferevent_getcb(bev, NULL, &wcb, &ecb, &arg);
    if (!ecb || !wcb || !(bufferevent_get_enabled(bev) & EV_WRITE) ||
        !write_socket_now(bev))
        return;
    bufferevent_disable(bev, EV_WRITE);
    wcb(bev, arg);
}

/* An answer was just queued on t: send it now (od_bev_send_now). TLS,
 * where evhttp was told when the text was encrypted: when the socket took
 * it all, its write event is dropped. t's bufferevent may be freed on
 * return. */
void od_conn_send_now(struct od_conn_track *t)
{
    struct bufferevent *sock;
    if (!t || t->released)
        return;
    if ((sock = bufferevent_get_underlying(t->bev)) != NULL) {
        if (!evbuffer_get_length(bufferevent_get_output(t->bev)) &&
            write_socket_now(sock))
            event_del(&sock->ev_write); /* as its write callback would */
        /* An end of file or error met while the request was out stopped
         * the socket's reading, which enabling the filter does not undo:
         * read again, so that evhttp meets it as it would have. */
        if (t->out_event)
            bufferevent_enable(sock, EV_READ);
        t->out_event = 0;
        return;
    }
    t->out_event = 0;
    od_bev_send_now(t->bev);
}

/* ---- reading on while a request is out -------------------------------------
 * evhttp stops reading a connection when it hands a request over
 * (epoll_ctl DEL) and reads it again when the answer is queued (ADD, or a
 * MOD when both happen in one turn): two system calls a database request,
 * one a request answered at once. A second reader of the socket (the
 * watcher) keeps it in epoll through that, and a request handed to the
 * database pool has its connection read on meanwhile (keep_reading): no
 * epoll_ctl at all (docs/http.md, "How a request comes in"). */

/* libevent keeps a socket in epoll while any event reads it, and its
 * changelist turns evhttp's DEL and the ADD that follows in the same turn
 * into an epoll_ctl MOD (deliberately: the DEL might have failed). With a
 * second, persistent reader of the socket, evhttp's turning its reading
 * off and on around every request changes only libevent's count of
 * readers: no epoll_ctl at all. The watcher does no reading; while the
 * bufferevent does not read either (the guard holds a head, an end of
 * file or error stopped it, a lingering close), it would be woken on
 * every turn, so it steps aside until the next request. */
static struct bufferevent *socket_bev(struct od_conn_track *t)
{
    struct bufferevent *sock = bufferevent_get_underlying(t->bev);
    return sock ? sock : t->bev;
}

static void on_watch(evutil_socket_t fd, short what, void *arg)
{
    struct od_conn_track *t = arg;
    (void)fd;
    (void)what;
    if (!event_pending(&socket_bev(t)->ev_read, EV_READ, NULL))
        event_del(t->watch);
}

void od_conn_watch(struct od_conn_track *t)
{
    evutil_socket_t fd;
    if (!t || t->released)
        return;
    if (!t->watch) {
        if ((fd = bufferevent_getfd(socket_bev(t))) < 0)
            return;
        t->watch = event_new(bufferevent_get_base(t->bev), fd,
                             EV_READ | EV_PERSIST,
                             on_watch, t);
        if (!t->watch) /* evhttp's epoll_ctl then, as before */
            return;
    }
    if (!event_pending(t->watch, EV_READ, NULL))
        event_add(t->watch, NULL);
}

/* While the request is out, nothing that happens on the connection is
 * evhttp's to act on yet: libevent has stopped the reading itself at an
 * end of file, an error or the read time limit (as evhttp's disabling
 * did), and evhttp meets it again when it reads on with the answer (on
 * TLS through od_conn_send_now, which re-enables the socket's reading).
 * An eviction the guard's sweep triggers meanwhile is repeated by its next
 * sweep. */
static void out_event(struct bufferevent *bev, short what, void *arg)
{
    struct od_conn_track *t = arg;
    (void)bev;
    (void)what;
    t->out_event = 1;
}

/* Read on, without evhttp's read callback (which must not see the next
 * request before this one is answered): what comes is the guard's to
 * hold (guard.c), bounded as between a request and its answer. evhttp
 * puts its own callbacks back with the answer (evhttp_send_reply); until
 * then nothing writes, so there is no write callback. */
void od_conn_keep_reading(struct od_conn_track *t)
{
    bufferevent_event_cb ecb = NULL;
    if (!t || t->released || !t->in_cb || t->g.reject_status)
        return;
    bufferevent_getcb(t->bev, NULL, NULL, &ecb, NULL);
    if (!ecb) /* evhttp has freed it */
        return;
    if (od_guard_full(t))
        return; /* the guard stopped the reading: a head is held */
    bufferevent_setcb(t->bev, NULL, NULL, out_event, t);
    bufferevent_enable(t->bev, EV_READ);
}

static void on_conn_close(struct evhttp_connection *evcon, void *arg)
{
    struct od_conn_track *t = arg;
    int st = t->g.reject_status;
    (void)evcon;
    drop_watch(t); /* no more requests; evhttp may close the socket now */
    flush_socket(t);
    if (st && st != 503 && st != 408 && !t->srv->stopping) {
        od_guard_addr_remove(t->srv, t);
        t->linger_until_ms = od_now_ms() + LINGER_MS;
        bufferevent_enable(t->bev, EV_READ);
        return;
    }
    release(t->srv, t);
}

/* A second after the last connection closed, give the heap that the
 * connections' buffers grew back to the kernel (docs/sandbox.md, "Memory"):
 * 1,000 keep-alive clients leave ~10 MB freed but kept by malloc. */
static void trim_when_idle(odapi_server *srv, uint64_t now)
{
    if (srv->nconns == 0 && srv->trim_after_ms &&
        now - srv->trim_after_ms >= TRIM_IDLE_MS) {
        srv->trim_after_ms = 0;
        od_mem_trim();
    }
}

static void sweep(odapi_server *srv, int all)
{
    uint64_t now = od_now_ms();
    uint64_t limit = (uint64_t)od_config_limit(srv->cfg, ODAPI_LIMIT_TIMEOUT) *
                         1000u + 1000u;
    int i;
    for (i = 0; i < srv->nconns;) {
        struct od_conn_track *t = srv->conns[i];
        if (all || (bev_freed_by_evhttp(t->bev) &&
                    (!t->linger_until_ms || now >= t->linger_until_ms))) {
            release(srv, t);
            continue;
        }
        if (bev_freed_by_evhttp(t->bev)) { /* lingering */
            i++;
            continue;
        }
        t->busy = 1; /* closing it below may release it */
        if (t->inflight == 0 && now - t->since_ms > limit) {
            /* No complete request within the timeout: let evhttp close
             * it through its own error path. */
            t->since_ms = now;
            bufferevent_trigger_event(t->bev, BEV_EVENT_EOF | BEV_EVENT_READING,
                                      BEV_TRIG_IGNORE_WATERMARKS);
        }
        if (!t->released)
            od_guard_sweep(srv, t, now);
        t->busy = 0;
        if (t->released) { /* conns[i] is another connection now */
            od_conn_maybe_free(t);
            continue;
        }
        i++;
    }
    if (srv->listeners_paused && !srv->stopping &&
        srv->nconns < od_config_limit(srv->cfg, ODAPI_LIMIT_MAX_CONNECTIONS))
        listeners_pause(srv, 0);
    trim_when_idle(srv, now);
}

static void on_sweep(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    sweep(arg, 0);
}

static void on_work(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    od_guard_work(arg);
}

/* ---- request path --------------------------------------------------------- */

/* One line per request: to the log file when there is one, else through
 * the logger at Info, the default level, so that a developer sees each
 * call (docs/http.md, "Logs"). JSON lines when the format says so. */
static void access_log(odapi_server *srv, odapi_request *req)
{
    char line[2048];
    const char *uri = req->uri ? req->uri : req->path;
    const char *key = req->key_hash[0] ? req->key_hash : "-";
    if (!srv->logfile && srv->log->level < ODAPI_LOG_INFO)
        return;
    if (srv->log->json && (srv->logfile || !srv->log->fn)) {
        char *j = od_access_json(time(NULL), req->method, uri, req->status,
                                 od_request_elapsed_us(req), key,
                                 req->request_id);
        if (j && srv->logfile)
            od_logfile_write(srv->logfile, j);
        else if (j)
            fprintf(stderr, "%s\n", j);
        free(j);
        return;
    }
    od_access_line(line, sizeof line, time(NULL), req->method, uri,
                   req->status, od_request_elapsed_us(req), key,
                   req->request_id);
    if (srv->logfile) {
        od_logfile_write(srv->logfile, line);
    } else {
        /* the logger writes its own timestamp: skip the line's */
        const char *rest = strchr(line, ' ');
        server_log(srv, ODAPI_LOG_INFO, "%s", rest ? rest + 1 : line);
    }
}

void od_server_request_done(odapi_server *srv, odapi_request *req)
{
    struct od_conn_track *t = req->conn;
    if (t) {
        t->inflight--;
        t->since_ms = od_now_ms();
        od_guard_request_done(srv, t);
        od_conn_maybe_free(t);
    }
    if (req->live_prev)
        req->live_prev->live_next = req->live_next;
    else
        srv->live = req->live_next;
    if (req->live_next)
        req->live_next->live_prev = req->live_prev;
    srv->inflight--;
    srv->requests++;
    if (srv->metrics)
        od_metrics_count(srv, req);
    access_log(srv, req);
    od_request_free(req);
}

/* application/json, optionally with parameters (charset). */
static int json_content_type(const char *ct)
{
    size_t n = strlen("application/json");
    if (!ct)
        return 0;
    while (*ct == ' ')
        ct++;
    return strncasecmp(ct, "application/json", n) == 0 &&
           (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

/* A big body is parsed on a database worker, so that jansson's time on it
 * (up to about 0.1 s for the 1 MiB JSON limit) does not stall the loop;
 * the handler then finds it parsed (od_request_json). */
static int parse_work(struct od_conn *c, void *arg)
{
    (void)c;
    od_request_parse(arg);
    return OD_WORK_DONE;
}

static void parse_done(void *arg, int status)
{
    odapi_request *req = arg;
    if (status != ODAPI_OK)
        odapi_reply_error(req, 503, "The database is not available.");
    else
        req->route->fn(req, req->route->arg);
}

static void run_handler(odapi_request *req)
{
    if (req->body_len > OD_PARSE_INLINE_MAX && req->srv->db && !req->parsed) {
        od_request_submit(req, parse_work, parse_done, req);
        return;
    }
    req->route->fn(req, req->route->arg);
}

static void on_cred(void *arg, int http_status, const struct od_verdict *v,
                    const char *message)
{
    odapi_request *req = arg;
    const char *why = NULL;
    if (http_status) {
        odapi_reply_error(req, http_status, message);
        return;
    }
    snprintf(req->key_hash, sizeof req->key_hash, "%s", v->key_hash);
    if (!od_cred_allows(v, req->route->perm, req->method, &why)) {
        odapi_reply_error(req, 401, why);
        return;
    }
    snprintf(req->developer, sizeof req->developer, "%s", v->developer_name);
    req->perms = v->perms;
    {   /* the customer key of a validated "ODFHIR dev/cust" */
        const char *h = evhttp_find_header(
            evhttp_request_get_input_headers(req->ev), "Authorization");
        const char *slash = h ? strchr(h, '/') : NULL;
        snprintf(req->customer_key, sizeof req->customer_key, "%s",
                 slash ? slash + 1 : "");
    }
    run_handler(req);
}

static void reply_health(odapi_request *req)
{
    size_t len = 0;
    char *body = od_health_json(req->srv, &len);
    int up = !req->srv->db || od_db_is_up(req->srv->db);
    if (!body) {
        odapi_reply_error(req, 500, "Out of memory.");
        return;
    }
    odapi_reply(req, up ? 200 : 503, body, len);
    free(body);
}

static void on_request(struct evhttp_request *ev, void *arg)
{
    odapi_server *srv = arg;
    odapi_request *req;
    struct bufferevent *bev;
    struct od_conn_track *t;
    char msg[256];
    enum od_match m;
    const char *ct;

    bev = evhttp_connection_get_bufferevent(evhttp_request_get_connection(ev));
    t = track_find(srv, bev);
    if (t && !t->closecb) {
        evhttp_connection_set_closecb(evhttp_request_get_connection(ev),
                                      on_conn_close, t);
        t->closecb = 1;
    }
    od_conn_watch(t);
    if (!(req = od_request_new(srv, ev))) {
        if (t)
            od_guard_request_done(srv, t); /* before: the reply may free t */
        evhttp_send_reply(ev, 503, "Service Unavailable", NULL);
        return;
    }
    srv->inflight++;
    req->live_next = srv->live;
    if (srv->live)
        srv->live->live_prev = req;
    srv->live = req;
    if ((req->conn = t))
        t->inflight++;

    if (t && t->g.reject_status) { /* the guard's stand-in (guard.c) */
        snprintf(req->method, sizeof req->method, "-");
        req->close = 1;
        odapi_reply_error(req, t->g.reject_status, t->g.reject_msg);
        return;
    }
    if (srv->stopping) {
        odapi_reply_error(req, 503, "The server is shutting down.");
        return;
    }
    /* Cloud relay: the far side checks everything below itself. */
    if (srv->relay && od_relay_request(srv->relay, req))
        return;
    /* apiimplementation.html: JSON bodies need Content-Type: application/json.
     * A GET or DELETE without a body may leave it out (docs/http.md). */
    ct = evhttp_find_header(evhttp_request_get_input_headers(ev),
                            "Content-Type");
    if ((req->body_len || strcmp(req->method, "POST") == 0 ||
         strcmp(req->method, "PUT") == 0) &&
        !json_content_type(ct)) {
        odapi_reply_error(req, 400,
                          ct ? "Content-Type must be application/json."
                             : "Content-Type header is missing. Use "
                               "Content-Type: application/json.");
        return;
    }
    m = od_router_match(&srv->router, req->method, req->path, req->segbuf,
                        strlen(req->path) + 2, req->segs, &req->nsegs,
                        &req->route, msg, sizeof msg);
    switch (m) {
    case OD_MATCH_OK:
        break;
    case OD_MATCH_HEALTH:
        if (strcmp(req->method, "GET") == 0 || strcmp(req->method, "HEAD") == 0)
            reply_health(req);
        else
            odapi_reply_error(req, 400, "Use GET on /api/v1/.");
        return;
    case OD_MATCH_NOT_API:
        odapi_reply_error(req, 404, "Not found. The API is under /api/v1/.");
        return;
    case OD_MATCH_NO_RESOURCE:
        odapi_reply_error(req, 404, msg);
        return;
    case OD_MATCH_NO_METHOD:
        odapi_reply_error(req, 400, msg);
        return;
    case OD_MATCH_BAD_PATH:
        odapi_reply_error(req, 400, "The URL is not valid.");
        return;
    }
    if (req->status < 0) {
        int why = req->status;
        req->status = 0;
        odapi_reply_error(req, 400, why == -2
                              ? "Query parameters cannot contain NUL "
                                "characters."
                              : "Too many query parameters.");
        return;
    }
    if (req->route->perm == ODAPI_PERM_NONE) {
        run_handler(req);
        return;
    }
    od_cred_check(srv->cred,
                  evhttp_find_header(evhttp_request_get_input_headers(ev),
                                     "Authorization"),
                  on_cred, req);
}

/* ---- the apikey table, for the local validator ---------------------------
 * The lookup itself (SQL, byte-for-byte comparison) is the database
 * layer's (db/apikey.c); this only connects it to the credential cache. */

static void apikey_lookup(void *arg, const char *customer_key,
                          const char *dev_name, od_cred_db_done done,
                          void *done_arg)
{
    odapi_server *srv = arg;
    if (od_db_apikey_lookup(srv->db, customer_key, dev_name, done,
                            done_arg) != ODAPI_OK)
        done(done_arg, -1, NULL);
}

/* ---- listeners ------------------------------------------------------------- */

static int bind_one(odapi_server *srv, const char *addr, unsigned port,
                    int *soft_fail)
{
    struct evutil_addrinfo hints, *res = NULL;
    char portstr[8];
    struct evconnlistener *l;
    struct evhttp_bound_socket *bs;
    unsigned flags = LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE |
                     LEV_OPT_CLOSE_ON_EXEC;
    int gai, e;

    *soft_fail = 0;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = EVUTIL_AI_PASSIVE | EVUTIL_AI_ADDRCONFIG;
    snprintf(portstr, sizeof portstr, "%u", port);
    if ((gai = evutil_getaddrinfo(addr, portstr, &hints, &res)) != 0 || !res) {
        /* ::1 on a machine without IPv6 */
        *soft_fail = 1;
        set_err(srv, "cannot use listen address %s: %s", addr,
                evutil_gai_strerror(gai));
        return ODAPI_E_LISTEN;
    }
    if (res->ai_family == AF_INET6)
        flags |= LEV_OPT_BIND_IPV6ONLY;
    l = evconnlistener_new_bind(srv->base, NULL, NULL, flags, 511,
                                res->ai_addr, (int)res->ai_addrlen);
    e = errno;
    evutil_freeaddrinfo(res);
    if (!l) {
        if (e == EADDRINUSE) {
            set_err(srv, "port %u on %s is already in use (another odlocal or "
                         "odservice, or Open Dental's own API?)", port, addr);
            return ODAPI_E_ADDR_IN_USE;
        }
        *soft_fail = e == EADDRNOTAVAIL || e == EAFNOSUPPORT;
        set_err(srv, "cannot listen on %s port %u: %s", addr, port,
                strerror(e));
        return ODAPI_E_LISTEN;
    }
    /* Accepted sockets inherit it. Over TLS each piece of an answer (head,
     * body) leaves as its own record and send(); Nagle would hold the
     * second until the client's delayed ACK, 40 ms later. */
    {
        int one = 1;
        setsockopt(evconnlistener_get_fd(l), IPPROTO_TCP, TCP_NODELAY, &one,
                   sizeof one);
    }
    if (!(bs = evhttp_bind_listener(srv->http, l))) {
        evconnlistener_free(l);
        set_err(srv, "cannot serve HTTP on %s port %u", addr, port);
        return ODAPI_E_EVENT;
    }
    srv->bound[srv->nbound++] = bs;
    if (port == 0 || srv->port == 0) {
        struct sockaddr_storage ss;
        socklen_t sl = sizeof ss;
        if (getsockname(evconnlistener_get_fd(l), (struct sockaddr *)&ss,
                        &sl) == 0)
            srv->port = ntohs(ss.ss_family == AF_INET6
                                  ? ((struct sockaddr_in6 *)&ss)->sin6_port
                                  : ((struct sockaddr_in *)&ss)->sin_port);
    }
    return ODAPI_OK;
}

static int start_listeners(odapi_server *srv)
{
    int i, rc = ODAPI_OK, soft;
    char first_err[sizeof srv->errmsg] = "";
    srv->port = 0;
    for (i = 0; i < srv->cfg->nlisten; i++) {
        const struct od_listen *L = &srv->cfg->listen[i];
        /* port 0 (tests): every address gets the port the first one got */
        unsigned port = L->port ? L->port : srv->port;
        rc = bind_one(srv, L->addr, port, &soft);
        if (rc == ODAPI_OK)
            continue;
        if (soft) {
            server_log(srv, ODAPI_LOG_WARNING, "%s", srv->errmsg);
            if (!first_err[0])
                memcpy(first_err, srv->errmsg, sizeof first_err);
            continue;
        }
        return rc;
    }
    if (srv->nbound == 0) {
        if (first_err[0])
            memcpy(srv->errmsg, first_err, sizeof first_err);
        return ODAPI_E_LISTEN;
    }
    {
        const char *host = srv->cfg->listen[0].addr;
        const char *shown = strcmp(host, "0.0.0.0") == 0 || strcmp(host, "::") == 0
                                ? "127.0.0.1" : host;
        int v6 = strchr(shown, ':') != NULL;
        snprintf(srv->base_url, sizeof srv->base_url, "%s://%s%s%s:%u/api/v1/",
                 srv->ssl_ctx ? "https" : "http", v6 ? "[" : "", shown,
                 v6 ? "]" : "", srv->port);
    }
    return ODAPI_OK;
}

/* Only clients whose certificate the CA file vouches for get through
 * the handshake (a hosted API Service refusing unknown workstations,
 * docs/cloud.md). */
static int require_client_certs(odapi_server *srv, SSL_CTX *ctx)
{
    static const unsigned char sid[] = "odapi";
    const char *ca = srv->cfg->tls_client_ca;
    STACK_OF(X509_NAME) *names = SSL_load_client_CA_file(ca);
    if (!names || SSL_CTX_load_verify_locations(ctx, ca, NULL) != 1) {
        if (names)
            sk_X509_NAME_pop_free(names, X509_NAME_free);
        set_err(srv, "cannot load the client CA file %s (PEM certificates)",
                ca);
        ERR_clear_error();
        return ODAPI_E_CONFIG;
    }
    SSL_CTX_set_client_CA_list(ctx, names);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER |
                                SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
    /* resumed sessions must carry the same verdict */
    SSL_CTX_set_session_id_context(ctx, sid, sizeof sid - 1);
    return ODAPI_OK;
}

static int setup_tls(odapi_server *srv)
{
    const odapi_config *cfg = srv->cfg;
    SSL_CTX *ctx;
    if (!cfg->tls_cert && cfg->tls_client_ca) {
        set_err(srv, "client certificates (%s) are asked for over HTTPS "
                     "only: give a TLS certificate and key too",
                cfg->tls_client_ca);
        return ODAPI_E_CONFIG;
    }
    if (!cfg->tls_cert)
        return ODAPI_OK;
    if (!(ctx = SSL_CTX_new(TLS_server_method())))
        return ODAPI_E_NOMEM;
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    if (SSL_CTX_use_certificate_chain_file(ctx, cfg->tls_cert) != 1) {
        set_err(srv, "cannot load the TLS certificate %s: %s", cfg->tls_cert,
                ERR_reason_error_string(ERR_get_error()));
        SSL_CTX_free(ctx);
        return ODAPI_E_CONFIG;
    }
    if (SSL_CTX_use_PrivateKey_file(ctx, cfg->tls_key, SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_check_private_key(ctx) != 1) {
        set_err(srv, "cannot load the TLS key %s (or it does not match the "
                     "certificate): %s", cfg->tls_key,
                ERR_reason_error_string(ERR_get_error()));
        SSL_CTX_free(ctx);
        return ODAPI_E_CONFIG;
    }
    if (cfg->tls_client_ca && require_client_certs(srv, ctx) != ODAPI_OK) {
        SSL_CTX_free(ctx);
        return ODAPI_E_CONFIG;
    }
    srv->ssl_ctx = ctx;
    return ODAPI_OK;
}

/* ---- public lifecycle ------------------------------------------------------ */

static void on_stop_async(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    odapi_server_stop(arg);
}

static pthread_once_t threads_once = PTHREAD_ONCE_INIT;
static void threads_init(void)
{
    evthread_use_pthreads();
}

/* The loop's own event base. With epoll, the changelist applies each
 * iteration's event_add/event_del as one epoll_ctl per descriptor just
 * before epoll_wait: evhttp turns reading off while a request is out at a
 * database worker and on again after the reply (and writing on, then off),
 * so this saves about a fifth of the loop thread's time per request
 * (docs/PERFORMANCE.md). It is wrong only for descriptors that are dup()s
 * of one another, and the library never dups one. */
static struct event_base *new_base(void)
{
    struct event_config *ec = event_config_new();
    struct event_base *b;
    if (!ec)
        return NULL;
    event_config_set_flag(ec, EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST);
    b = event_base_new_with_config(ec);
    event_config_free(ec);
    return b;
}
int od_server_new(const odapi_config *cfg, struct event_base *base,
                  const struct od_server_parts *parts, odapi_server **out)
{
    odapi_server *srv;
    if (!out)
        return ODAPI_E_INVALID;
    *out = NULL;
    if (!cfg)
        return ODAPI_E_INVALID;
    pthread_once(&threads_once, threads_init);
    if (!(srv = calloc(1, sizeof *srv)))
        return ODAPI_E_NOMEM;
    srv->parts = parts;
    if (!(srv->cfg = od_config_dup(cfg))) {
        free(srv);
        return ODAPI_E_NOMEM;
    }
    srv->log = &srv->cfg->log;
    if (base) {
        srv->base = base;
    } else {
        srv->base = new_base();
        srv->own_base = 1;
        if (!srv->base) {
            odapi_server_free(srv);
            return ODAPI_E_EVENT;
        }
    }
    srv->stop_ev = event_new(srv->base, -1, 0, on_stop_async, srv);
    if (!srv->stop_ev) {
        odapi_server_free(srv);
        return ODAPI_E_EVENT;
    }
    *out = srv;
    return ODAPI_OK;
}

ODAPI_EXPORT int odapi_server_add_route(odapi_server *srv, const char *method,
                                        const char *pattern,
                                        odapi_permission perm,
                                        odapi_handler_fn handler, void *arg)
{
    if (!srv)
        return ODAPI_E_INVALID;
    return od_router_add(&srv->router, method, pattern, perm, handler, arg);
}

/* Routes whose bodies carry files (base64): up to ODAPI_LIMIT_MAX_BODY,
 * the others up to ODAPI_LIMIT_MAX_JSON_BODY (docs/http.md). Open Dental
 * takes bodies of 16.8 M characters; its documents/Upload is the one that
 * needs them. */
static const char *const file_routes[][2] = {
    {"POST", "/documents/Upload"},
};

static void never_called(odapi_request *req, void *arg)
{
    (void)req;
    (void)arg;
}

static void set_guard_limits(odapi_server *srv)
{
    const odapi_config *cfg = srv->cfg;
    long per = od_config_limit(cfg, ODAPI_LIMIT_MAX_CONNECTIONS_PER_ADDRESS);
    srv->lim_headers = (size_t)od_config_limit(cfg, ODAPI_LIMIT_MAX_HEADERS);
    srv->lim_body = (uint64_t)od_config_limit(cfg, ODAPI_LIMIT_MAX_BODY);
    srv->lim_json_body =
        (uint64_t)od_config_limit(cfg, ODAPI_LIMIT_MAX_JSON_BODY);
    if (srv->lim_json_body > srv->lim_body)
        srv->lim_json_body = srv->lim_body;
    srv->lim_output = (size_t)od_config_limit(cfg, ODAPI_LIMIT_MAX_OUTPUT);
    srv->lim_header_ms =
        (uint64_t)od_config_limit(cfg, ODAPI_LIMIT_HEADER_TIMEOUT) * 1000u;
    if (per == 0) { /* a quarter of the cap, but 64 (or the cap) at least */
        long max = od_config_limit(cfg, ODAPI_LIMIT_MAX_CONNECTIONS);
        per = max / 4 > 64 ? max / 4 : max < 64 ? max : 64;
    }
    srv->lim_per_addr = per > 0 ? per : 1;
}

ODAPI_EXPORT int odapi_server_start(odapi_server *srv)
{
    char err[512];
    struct sigaction sa;
    int rc;
    size_t i;
    struct timeval tv;

    if (!srv)
        return ODAPI_E_INVALID;
    if (srv->started) {
        set_err(srv, "the server is already started");
        return ODAPI_E_STATE;
    }
    srv->errmsg[0] = '\0';
    /* A client that goes away must not kill the process. */
    if (sigaction(SIGPIPE, NULL, &sa) == 0 && sa.sa_handler == SIG_DFL)
        signal(SIGPIPE, SIG_IGN);

    if (srv->cfg->log_file) {
        srv->logfile = od_logfile_open(srv->cfg->log_file, err, sizeof err);
        if (!srv->logfile) {
            set_err(srv, "%s", err);
            return ODAPI_E_IO;
        }
        od_logfile_set_json(srv->logfile, srv->cfg->log.json);
        if (!srv->cfg->log.fn) {
            srv->cfg->log.fn = od_logfile_log;
            srv->cfg->log.arg = srv->logfile;
        }
    }
    if ((rc = setup_tls(srv)) != ODAPI_OK)
        return rc;
    if (srv->cfg->mode == ODAPI_MODE_RELAY || srv->cfg->relay_url) {
        if (!(srv->relay = od_relay_new(srv, err, sizeof err))) {
            set_err(srv, "%s", err);
            return ODAPI_E_CONFIG;
        }
    } else if (srv->parts->add_routes) {
        /* In Open Dental's routes a non-numeric segment where a key could
         * stand is an action name ("appointments GET slots is not a valid
         * method."), never a bad key; an application's {Name} matches
         * any. */
        srv->router.builtin = 1;
        srv->parts->add_routes(srv);
        srv->router.builtin = 0;
    }
    /* the guard's list, in every mode (a relay routes nothing itself) */
    for (i = 0; i < OD_ARRAY_LEN(file_routes); i++)
        od_router_add(&srv->files, file_routes[i][0], file_routes[i][1],
                      ODAPI_PERM_NONE, never_called, NULL);
    srv->cred = od_cred_new(srv->base, srv->cfg, err, sizeof err);
    if (!srv->cred) {
        set_err(srv, "%s", err);
        return ODAPI_E_CONFIG;
    }
    if (!(srv->http = evhttp_new(srv->base)))
        return ODAPI_E_EVENT;
    evhttp_set_default_content_type(srv->http, "application/json");
    evhttp_set_allowed_methods(srv->http,
                               EVHTTP_REQ_GET | EVHTTP_REQ_POST |
                                   EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE |
                                   EVHTTP_REQ_HEAD | EVHTTP_REQ_OPTIONS |
                                   EVHTTP_REQ_PATCH);
    set_guard_limits(srv);
    /* The guard (guard.c) enforces these first and answers in JSON;
     * evhttp's own checks stay as a backstop. */
    evhttp_set_max_headers_size(srv->http, (ev_ssize_t)srv->lim_headers + 1024);
    evhttp_set_max_body_size(srv->http, (ev_ssize_t)srv->lim_body);
    evhttp_set_timeout(srv->http,
                       (int)od_config_limit(srv->cfg, ODAPI_LIMIT_TIMEOUT));
    evhttp_set_gencb(srv->http, on_request, srv);
    evhttp_set_bevcb(srv->http, make_bev, srv);
    if (!(srv->work_ev = event_new(srv->base, -1, 0, on_work, srv)) ||
        !(srv->scratch = evbuffer_new()))
        return ODAPI_E_EVENT;

    /* The ports first: a port in use is known at once, before seconds
     * spent on connecting to the database (or waiting for it). Nothing is
     * answered before odapi_server_start returns: the loop is not ours
     * until then. */
    if ((rc = start_listeners(srv)) != ODAPI_OK)
        return rc;
    if (srv->cfg->metrics_addr &&
        (rc = od_metrics_start(srv, err, sizeof err)) != ODAPI_OK) {
        set_err(srv, "%s", err);
        return rc;
    }
    if (srv->cfg->db_kind != OD_DB_NONE) {
        rc = od_db_open(&srv->db, srv->cfg, srv->base, srv->log, err,
                        sizeof err);
        if (rc != ODAPI_OK) {
            set_err(srv, "%s", err);
            return rc;
        }
        od_cred_set_db_lookup(srv->cred, apikey_lookup, srv);
    }
    if (srv->parts->start &&
        (rc = srv->parts->start(srv, err, sizeof err)) != ODAPI_OK) {
        set_err(srv, "%s", err);
        return rc;
    }
    srv->sweep_ev = event_new(srv->base, -1, EV_PERSIST, on_sweep, srv);
    tv.tv_sec = 0;
    tv.tv_usec = SWEEP_MS * 1000;
    if (!srv->sweep_ev || event_add(srv->sweep_ev, &tv) != 0)
        return ODAPI_E_EVENT;
    srv->started = 1;
    srv->started_ms = od_now_ms();
    server_log(srv, ODAPI_LOG_INFO, "serving %s", srv->base_url);
    return ODAPI_OK;
}

ODAPI_EXPORT int odapi_server_prepare_database(odapi_server *srv)
{
    char err[512], version[64];
    int rc;
    if (!srv)
        return ODAPI_E_INVALID;
    if (srv->started) {
        set_err(srv, "the server is already started");
        return ODAPI_E_STATE;
    }
    rc = od_db_prepare_inspect(srv->cfg, srv->log, version, sizeof version,
                               srv->parts->inspect, (void *)srv->log, err,
                               sizeof err);
    if (rc != ODAPI_OK)
        set_err(srv, "%s", err);
    else
        server_log(srv, ODAPI_LOG_INFO,
                   "database %s at %s ready, DataBaseVersion %s",
                   srv->cfg->db_name,
                   srv->cfg->db_kind == OD_DB_EMBEDDED ? "the embedded server"
                   : srv->cfg->db_socket && *srv->cfg->db_socket
                       ? srv->cfg->db_socket
                   : srv->cfg->db_host && *srv->cfg->db_host
                       ? srv->cfg->db_host
                       : "localhost",
                   version[0] ? version : "?");
    if (rc == ODAPI_OK && srv->cfg->nreplicas > 0)
        od_replicas_check(srv->cfg, srv->log); /* --check-config */
    return rc;
}

/* Drain: wait for requests in flight and unsent bytes, up to a deadline. */
static int output_pending(odapi_server *srv)
{
    int i;
    for (i = 0; i < srv->nconns; i++) {
        struct od_conn_track *t = srv->conns[i];
        if (!bev_freed_by_evhttp(t->bev) && od_guard_unsent(t) > 0)
            return 1;
    }
    return 0;
}

/* Forget the queued connection work (stopping): the sweep then frees
 * every track no request holds. */
static void drop_work(odapi_server *srv)
{
    struct od_conn_track *t, *next;
    for (t = srv->work; t; t = next) {
        next = t->work_next;
        t->queued = 0;
        od_conn_maybe_free(t);
    }
    srv->work = NULL;
    if (srv->work_ev) {
        event_free(srv->work_ev);
        srv->work_ev = NULL;
    }
}

static void finish_stop(odapi_server *srv)
{
    odapi_request *r;
    /* Requests still waiting (drain deadline): their connections are about
     * to be freed, so their replies must not touch evhttp any more. */
    for (r = srv->live; r; r = r->live_next)
        r->ev = NULL;
    if (srv->drain_ev) {
        event_free(srv->drain_ev);
        srv->drain_ev = NULL;
    }
    if (srv->http) {
        evhttp_free(srv->http);
        srv->http = NULL;
        srv->nbound = 0;
    }
    od_metrics_free(srv);
    drop_work(srv);
    od_relay_free(srv->relay); /* after evhttp: its clients are gone */
    srv->relay = NULL;
    sweep(srv, 1);
    if (srv->sweep_ev) {
        event_free(srv->sweep_ev);
        srv->sweep_ev = NULL;
    }
    if (srv->parts->stop)
        srv->parts->stop(srv);
    if (srv->db) {
        od_db_close(srv->db); /* runs the last completions */
        srv->db = NULL;
    }
    srv->started = 0;
    server_log(srv, ODAPI_LOG_INFO, "stopped after %lu requests",
               srv->requests);
    if (srv->own_base)
        event_base_loopexit(srv->base, NULL);
}

static void on_drain(evutil_socket_t fd, short what, void *arg)
{
    odapi_server *srv = arg;
    (void)fd;
    (void)what;
    sweep(srv, 0);
    if ((srv->inflight > 0 || output_pending(srv)) &&
        od_now_ms() < srv->drain_deadline_ms)
        return;
    if (srv->inflight > 0)
        server_log(srv, ODAPI_LOG_WARNING,
                   "stopping with %ld requests unanswered (drain limit)",
                   srv->inflight);
    finish_stop(srv);
}

ODAPI_EXPORT void odapi_server_stop(odapi_server *srv)
{
    struct timeval tv = {0, 20 * 1000};
    int i;
    if (!srv || !srv->started || srv->stopping)
        return;
    srv->stopping = 1;
    server_log(srv, ODAPI_LOG_INFO, "stopping: %ld requests in flight",
               srv->inflight);
    if (srv->parts->stop)
        srv->parts->stop(srv);
    for (i = 0; i < srv->nbound; i++)
        evhttp_del_accept_socket(srv->http, srv->bound[i]);
    srv->nbound = 0;
    srv->drain_deadline_ms = od_now_ms() +
                     (uint64_t)od_config_limit(srv->cfg, ODAPI_LIMIT_DRAIN_MS);
    srv->drain_ev = event_new(srv->base, -1, EV_PERSIST, on_drain, srv);
    if (!srv->drain_ev || event_add(srv->drain_ev, &tv) != 0)
        finish_stop(srv);
}

ODAPI_EXPORT void odapi_server_stop_async(odapi_server *srv)
{
    if (srv && srv->stop_ev)
        event_active(srv->stop_ev, 0, 0);
}

ODAPI_EXPORT int odapi_server_run(odapi_server *srv)
{
    if (!srv || !srv->own_base || !srv->started)
        return ODAPI_E_STATE;
    if (event_base_dispatch(srv->base) < 0)
        return ODAPI_E_EVENT;
    return ODAPI_OK;
}

static void on_signal(evutil_socket_t sig, short what, void *arg)
{
    odapi_server *srv = arg;
    (void)what;
    if (sig == SIGHUP) {
        server_log(srv, ODAPI_LOG_INFO, "SIGHUP: reopening logs");
        odapi_server_reopen_logs(srv);
        if (srv->hup_fn)
            srv->hup_fn(srv->hup_arg);
        return;
    }
    if (sig == SIGUSR1) { /* logrotate: the log file only, no reload */
        if (odapi_server_reopen_logs(srv) != ODAPI_OK)
            server_log(srv, ODAPI_LOG_ERROR, "SIGUSR1: cannot reopen the "
                       "log file; still writing to the old one");
        return;
    }
    server_log(srv, ODAPI_LOG_INFO, "signal %d: stopping",
               (int)sig);
    odapi_server_stop(srv);
}

ODAPI_EXPORT int odapi_server_handle_signals(odapi_server *srv,
                                             void (*hup)(void *arg), void *arg)
{
    static const int sigs[4] = {SIGINT, SIGTERM, SIGHUP, SIGUSR1};
    int i;
    if (!srv)
        return ODAPI_E_INVALID;
    signal(SIGPIPE, SIG_IGN);
    srv->hup_fn = hup;
    srv->hup_arg = arg;
    for (i = 0; i < 4; i++) {
        if (srv->sig_ev[i])
            continue;
        srv->sig_ev[i] = evsignal_new(srv->base, sigs[i], on_signal, srv);
        if (!srv->sig_ev[i] || event_add(srv->sig_ev[i], NULL) != 0)
            return ODAPI_E_EVENT;
    }
    return ODAPI_OK;
}

ODAPI_EXPORT int odapi_server_reopen_logs(odapi_server *srv)
{
    if (!srv)
        return ODAPI_E_INVALID;
    if (srv->logfile && od_logfile_reopen(srv->logfile) != 0)
        return ODAPI_E_IO;
    return ODAPI_OK;
}

ODAPI_EXPORT void odapi_server_free(odapi_server *srv)
{
    int i;
    if (!srv)
        return;
    if (srv->started) {
        srv->stopping = 1;
        for (i = 0; i < srv->nbound; i++)
            evhttp_del_accept_socket(srv->http, srv->bound[i]);
        srv->nbound = 0;
        finish_stop(srv);
    }
    if (srv->http)
        evhttp_free(srv->http);
    od_metrics_free(srv);
    drop_work(srv);
    od_relay_free(srv->relay);
    sweep(srv, 1);
    if (srv->db)
        od_db_close(srv->db);
    if (srv->drain_ev)
        event_free(srv->drain_ev);
    if (srv->sweep_ev)
        event_free(srv->sweep_ev);
    for (i = 0; i < 4; i++)
        if (srv->sig_ev[i])
            event_free(srv->sig_ev[i]);
    if (srv->stop_ev)
        event_free(srv->stop_ev);
    if (srv->cred)
        od_cred_free(srv->cred);
    if (srv->logfile) {
        if (srv->cfg->log.fn == od_logfile_log)
            srv->cfg->log.fn = NULL;
        od_logfile_close(srv->logfile);
    }
    if (srv->ssl_ctx)
        SSL_CTX_free(srv->ssl_ctx);
    od_router_free(&srv->router);
    od_router_free(&srv->files);
    free(srv->conns);
    free(srv->ht);
    free(srv->addrs);
    if (srv->scratch)
        evbuffer_free(srv->scratch);
    if (srv->own_base && srv->base)
        event_base_free(srv->base);
    odapi_config_free(srv->cfg);
    free(srv);
}

ODAPI_EXPORT const char *odapi_server_errmsg(const odapi_server *srv)
{
    return srv ? srv->errmsg : "no server";
}

ODAPI_EXPORT unsigned odapi_server_port(const odapi_server *srv)
{
    return srv ? srv->port : 0;
}

ODAPI_EXPORT const char *odapi_server_base_url(const odapi_server *srv)
{
    return srv ? srv->base_url : "";
}

ODAPI_EXPORT struct event_base *odapi_server_event_base(odapi_server *srv)
{
    return srv ? srv->base : NULL;
}
