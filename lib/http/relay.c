/*
 * relay.c - the Cloud relay (relay-internal.h, docs/cloud.md).
 *
 * A relayed request keeps its method, path, query, body and end-to-end
 * headers; hop-by-hop headers (RFC 9110 7.6.1) stay on their hop, Host
 * names the far side. The answer comes back with its status, headers and
 * body, Location rewritten to this side. It is streamed: each piece of
 * the body is written to the client, and the next is read from the far
 * side only when the client has taken the last one (upstream.c stops
 * reading at OD_UP_WINDOW), so memory per request stays bounded whatever
 * the answer's size. The request body is whole in memory (evhttp 2.1
 * reads it before calling us), bounded by ODAPI_LIMIT_MAX_BODY.
 *
 * The relay validates no key: the far side does. It logs a keyed hash of
 * the Authorization header, never the header.
 *
 * A client can go away at any moment; evhttp then frees its connection
 * and calls our close callback, possibly from inside one of our own calls
 * into evhttp. A request therefore counts how deep we are in its code
 * (depth) and is finished by whoever leaves last (rr_leave).
 */
#include "http/relay-internal.h"
#include "core/http-client-internal.h"
#include "http/upstream-internal.h"
#include "core/pin-internal.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/dns.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/http_struct.h> /* major, minor: no getters in 2.1 */
#include <event2/keyvalq_struct.h>
#include <jansson.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>

#define IDLE_MS 15000         /* under odservice's own idle limit (30 s) */
#define HEALTH_BODY_MAX 8192  /* the far side's health answer we keep */

struct rreq {
    struct od_relay *relay;
    odapi_request *req;
    struct evhttp_connection *dconn; /* the client's connection */
    struct od_up_req *up;
    struct evbuffer *hbody;          /* health: the far side's answer */
    int health, started, depth, gone, hstatus, idempotent;
    int status;                      /* the far side's, until it is sent */
    int own_head;                    /* hd holds the answer's head */
    char *hd;                        /* hdbuf, or a bigger one */
    size_t hdlen, hdcap;
    struct rreq *prev, *next;
    char hdbuf[512];
};

struct od_relay {
    odapi_server *srv;
    struct od_hc_url url;
    char *prefix;           /* path before /api/v1 on the far side, or "" */
    char shown[300];        /* https://host:port, for messages */
    struct ssl_ctx_st *ctx;
    struct evdns_base *dns;
    struct od_up_pool *pool;
    struct rreq *live;
    int reachable;          /* -1 not known yet, 0 no, 1 yes */
    unsigned char secret[32];
    EVP_MAC_CTX *mac;
};

static void relay_log(struct od_relay *r, int level, const char *fmt, ...)
    OD_PRINTF(3, 4);
static void relay_log(struct od_relay *r, int level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    od_vlog(r->srv->log, level, fmt, ap);
    va_end(ap);
}

/* ---- what travels, what stays ------------------------------------------------- */

/* Is the header name (len bytes) lit, in any case? The length first: most
 * names are then told apart without a comparison (every header of every
 * relayed request and answer is checked against ~12 names). */
#define NAME_IS(name, len, lit) \
    ((len) == sizeof(lit) - 1 && strncasecmp(name, lit, sizeof(lit) - 1) == 0)

static int hop_by_hop(const char *name, size_t len)
{
    return NAME_IS(name, len, "Connection") ||
           NAME_IS(name, len, "Keep-Alive") ||
           NAME_IS(name, len, "Proxy-Connection") ||
           NAME_IS(name, len, "TE") || NAME_IS(name, len, "Trailer") ||
           NAME_IS(name, len, "Transfer-Encoding") ||
           NAME_IS(name, len, "Upgrade") ||
           NAME_IS(name, len, "Proxy-Authorization") ||
           NAME_IS(name, len, "Proxy-Authenticate");
}

/* ---- the answer's head, written by the relay ------------------------------
 * evhttp would copy every header of the far side's answer into its list
 * (three allocations each), then print each with evbuffer_add_printf():
 * ~15% of the relay's instructions on a small answer. In the common case
 * (below, own_head_ok) the relay writes the same bytes itself; in any
 * other (HTTP/1.0, a connection to close, no length, HEAD, 204, ...) it
 * leaves the head to evhttp as before. */

static int hd_add(struct rreq *rr, const char *s, size_t n)
{
    if (rr->hdlen + n > rr->hdcap) {
        size_t cap = (rr->hdlen + n) * 2;
        char *p = malloc(cap);
        if (!p)
            return -1;
        memcpy(p, rr->hd, rr->hdlen);
        if (rr->hd != rr->hdbuf)
            free(rr->hd);
        rr->hd = p;
        rr->hdcap = cap;
    }
    memcpy(rr->hd + rr->hdlen, s, n);
    rr->hdlen += n;
    return 0;
}

static int hd_line(struct rreq *rr, const char *name, const char *value)
{
    return hd_add(rr, name, strlen(name)) || hd_add(rr, ": ", 2) ||
           hd_add(rr, value, strlen(value)) || hd_add(rr, "\r\n", 2);
}

/* The request's end-to-end headers as "Name: value" lines, straight into
 * the far side's wire buffer (ops->headers). Host and Content-Length are
 * the upstream client's to write; Expect was answered by evhttp already. */
static int forward_headers(void *arg, struct evbuffer *wire)
{
    struct rreq *rr = arg;
    struct evkeyvalq *h = evhttp_request_get_input_headers(rr->req->ev);
    struct evkeyval *kv;
    for (kv = h->tqh_first; kv; kv = kv->next.tqe_next) {
        size_t n = strlen(kv->key);
        if (hop_by_hop(kv->key, n) || NAME_IS(kv->key, n, "Host") ||
            NAME_IS(kv->key, n, "Content-Length") ||
            NAME_IS(kv->key, n, "Expect"))
            continue;
        if (evbuffer_add(wire, kv->key, n) ||
            evbuffer_add(wire, ": ", 2) ||
            evbuffer_add(wire, kv->value, strlen(kv->value)) ||
            evbuffer_add(wire, "\r\n", 2))
            return -1;
    }
    return 0;
}

/* The length of "scheme://authority" at the start of url. */
static int origin_len(const char *url)
{
    const char *p = strstr(url, "://");
    p = p ? p + 3 : url;
    return (int)(p - url + (ptrdiff_t)strcspn(p, "/"));
}

/* Location names the far side ("https://host:port/prefix/api/v1/x/5"):
 * the client gets the same path on the address it used to reach us (in
 * buf, or loc itself when it names somewhere else). */
static const char *location(struct rreq *rr, const char *loc, char *buf,
                            size_t len)
{
    struct od_relay *r = rr->relay;
    const char *rest = NULL, *host;
    size_t sl = strlen(r->shown), pl = strlen(r->prefix);
    if (strncasecmp(loc, r->shown, sl) == 0 && loc[sl] == '/')
        rest = loc + sl;
    if (rest && pl && strncmp(rest, r->prefix, pl) == 0 && rest[pl] == '/')
        rest += pl;
    host = odapi_request_header(rr->req, "Host");
    if (rest && host && *host && !strpbrk(host, "\r\n/ \\") &&
        (size_t)snprintf(buf, len, "%s://%s%s",
                         r->srv->ssl_ctx ? "https" : "http", host, rest) < len)
        return buf;
    if (rest && (size_t)snprintf(buf, len, "%.*s%s",
                                 origin_len(r->srv->base_url),
                                 r->srv->base_url, rest) < len)
        return buf; /* no Host header: the first listen address */
    return loc;
}

/* ---- the life of a relayed request ------------------------------------------- */

static void rr_unlink(struct rreq *rr)
{
    struct od_relay *r = rr->relay;
    if (rr->prev)
        rr->prev->next = rr->next;
    else if (r->live == rr)
        r->live = rr->next;
    if (rr->next)
        rr->next->prev = rr->prev;
    rr->prev = rr->next = NULL;
}

/* The client's connection is no longer ours to watch. */
static void rr_release_client(struct rreq *rr)
{
    if (rr->dconn) {
        evhttp_connection_set_closecb(rr->dconn, NULL, NULL);
        rr->dconn = NULL;
    }
}

/* Accounting and freeing, once the client has its answer or is gone. */
static void rr_free(struct rreq *rr)
{
    odapi_request *req = rr->req;
    rr_unlink(rr);
    rr_release_client(rr);
    if (rr->up)
        od_up_cancel(rr->up);
    if (rr->hbody)
        evbuffer_free(rr->hbody);
    if (rr->hd != rr->hdbuf)
        free(rr->hd);
    if (req) {
        if (!req->replied) { /* gone before an answer: nginx's 499 */
            req->replied = 1;
            req->status = 499;
        }
        req->ev = NULL;
        od_server_request_done(req->srv, req);
    }
    free(rr);
}

static void rr_enter(struct rreq *rr)
{
    rr->depth++;
}

/* -1 when rr was finished (and freed) meanwhile. */
static int rr_leave(struct rreq *rr)
{
    if (--rr->depth == 0 && rr->gone) {
        rr_free(rr);
        return -1;
    }
    return rr->gone ? -1 : 0;
}

/* evhttp frees the client's connection: the client went away, timed out,
 * or the server is stopping. */
static void on_client_closed(struct evhttp_connection *evcon, void *arg)
{
    struct rreq *rr = arg;
    struct evhttp_request *ev = rr->req->ev;
    (void)evcon;
    rr->dconn = NULL; /* evhttp clears nothing itself: do not touch it */
    /* A request evhttp detached from its connection (the client went
     * away) is ours to free; one still queued on it (evhttp_free) is not,
     * and the server has cleared req->ev then. */
    if (ev && !evhttp_request_get_connection(ev))
        evhttp_request_free(ev);
    rr->req->ev = NULL;
    if (rr->up) {
        od_up_cancel(rr->up);
        rr->up = NULL;
    }
    rr->gone = 1;
    if (rr->depth == 0)
        rr_free(rr);
}

/* Answer with a JSON string ourselves (nothing was sent yet). */
static void rr_reply_error(struct rreq *rr, int status, const char *msg)
{
    odapi_request *req = rr->req;
    rr_release_client(rr);
    rr->req = NULL;
    odapi_reply_error(req, status, msg); /* answers and frees req */
    rr->gone = 1;
}

/* The far side broke off in the middle of an answer whose head the client
 * already has: only closing the connection tells the client. */
static void rr_abort(struct rreq *rr)
{
    struct evhttp_connection *c = rr->dconn;
    rr_release_client(rr);
    rr->req->ev = NULL;
    if (c)
        evhttp_connection_free(c); /* frees the request with it */
    rr->gone = 1;
}

/* ---- answers from the far side ------------------------------------------------- */

static void note_reachable(struct od_relay *r, int yes, const char *why)
{
    if (yes && r->reachable != 1)
        relay_log(r, r->reachable == 0 ? ODAPI_LOG_WARNING : ODAPI_LOG_INFO,
                  "relay: the API Service at %s answers", r->shown);
    else if (!yes && r->reachable != 0)
        relay_log(r, ODAPI_LOG_WARNING,
                  "relay: the API Service at %s cannot be reached: %s",
                  r->shown, why);
    r->reachable = yes;
}

/* A header of the far side's answer that does not travel: hop-by-hop,
 * or the id we forwarded, which the far side echoes (ours is set). */
static int stays(const char *name, size_t len)
{
    return hop_by_hop(name, len) || NAME_IS(name, len, "X-Request-Id");
}

/* Would evhttp write exactly the far side's head, with our own headers
 * first and a Date if there is none? An HTTP/1.1 client that keeps the
 * connection, an answer of known, non-zero length with a body (so that
 * on_data always starts it), a printable reason phrase and a
 * Content-Type; evhttp adds or changes headers in every other case. */
static int own_head_ok(const struct rreq *rr, struct evhttp_request *ev,
                       const struct od_up_head *h)
{
    const char *conn;
    int i;
    if (ev->major != 1 || ev->minor != 1 ||
        (ev->flags & EVHTTP_PROXY_REQUEST) || rr->req->srv->stopping ||
        rr->req->close || h->content_length <= 0 ||
        !h->reason || h->status < 200 || h->status == 204 ||
        h->status == 304 || evhttp_request_get_command(ev) == EVHTTP_REQ_HEAD)
        return 0;
    conn = evhttp_find_header(evhttp_request_get_input_headers(ev),
                              "Connection");
    if (conn && strcasecmp(conn, "close") == 0)
        return 0;
    for (i = 0; i < h->nheaders; i++)
        if (NAME_IS(h->name[i], strlen(h->name[i]), "Content-Type"))
            return 1;
    return 0;
}

/* The status line and headers as evhttp would write them, into hd. */
static int write_head(struct rreq *rr, struct evhttp_request *ev,
                      const struct od_up_head *h)
{
    struct evkeyvalq *out = evhttp_request_get_output_headers(ev);
    struct evkeyval *kv;
    char line[16], buf[2048], date[50];
    int i, n, dated = 0;
    n = snprintf(line, sizeof line, "HTTP/1.1 %d ", h->status);
    if (hd_add(rr, line, (size_t)n) || hd_add(rr, h->reason,
                                               strlen(h->reason)) ||
        hd_add(rr, "\r\n", 2))
        return -1;
    for (kv = out->tqh_first; kv; kv = kv->next.tqe_next)
        if (hd_line(rr, kv->key, kv->value))
            return -1;
    for (i = 0; i < h->nheaders; i++) {
        const char *name = h->name[i], *v = h->value[i];
        size_t len = strlen(name);
        if (stays(name, len))
            continue;
        if (NAME_IS(name, len, "Location"))
            v = location(rr, v, buf, sizeof buf);
        else if (NAME_IS(name, len, "Date"))
            dated = 1;
        if (hd_add(rr, name, len) || hd_add(rr, ": ", 2) ||
            hd_add(rr, v, strlen(v)) || hd_add(rr, "\r\n", 2))
            return -1;
    }
    if (!dated && evutil_date_rfc1123(date, sizeof date, NULL) > 0 &&
        hd_line(rr, "Date", date))
        return -1;
    return hd_add(rr, "\r\n", 2);
}

/* evhttp writes the head: the far side's headers into its list. */
static void evhttp_head(struct rreq *rr, struct evhttp_request *ev,
                        const struct od_up_head *h)
{
    struct evkeyvalq *out = evhttp_request_get_output_headers(ev);
    char buf[2048];
    int i;
    for (i = 0; i < h->nheaders; i++) {
        size_t len = strlen(h->name[i]);
        if (stays(h->name[i], len))
            continue;
        if (NAME_IS(h->name[i], len, "Location"))
            evhttp_add_header(out, "Location",
                              location(rr, h->value[i], buf, sizeof buf));
        else
            evhttp_add_header(out, h->name[i], h->value[i]);
    }
    /* An HTTP/1.0 client can only see the end of a body of unknown length
     * as the end of the connection; evhttp would promise it a keep-alive
     * and Content-Length 0 otherwise. */
    if (h->content_length < 0 && ev->major == 1 && ev->minor == 0)
        evhttp_remove_header(evhttp_request_get_input_headers(ev),
                             "Connection");
    if (rr->req->srv->stopping)
        evhttp_add_header(out, "Connection", "close");
}

static void on_head(void *arg, const struct od_up_head *h)
{
    struct rreq *rr = arg;
    struct evhttp_request *ev = rr->req->ev;
    note_reachable(rr->relay, 1, NULL);
    if (!ev)
        return;
    rr->status = h->status;
    rr->hdlen = 0;
    rr->own_head = own_head_ok(rr, ev, h) && write_head(rr, ev, h) == 0;
    if (!rr->own_head)
        evhttp_head(rr, ev, h);
}

/* The head goes to the client with the first piece of the body, or at the
 * end: one write for a small answer instead of two, and until then a
 * failure can still be answered with a JSON string. Our own head is put
 * where evhttp_send_reply_start() would print its own, with the state it
 * would leave (the code, no chunking); the body and the end are evhttp's
 * as before. -1 when out of memory (nothing was queued). */
static int start_reply(struct rreq *rr)
{
    struct evhttp_request *ev = rr->req->ev;
    struct evhttp_connection *evcon;
    if (rr->started)
        return 0;
    if (rr->own_head && (evcon = evhttp_request_get_connection(ev)) &&
        evbuffer_add(bufferevent_get_output(
                         evhttp_connection_get_bufferevent(evcon)),
                     rr->hd, rr->hdlen))
        return -1;
    rr->started = 1;
    rr->req->replied = 1;
    rr->req->status = rr->status;
    if (!rr->own_head) {
        evhttp_send_reply_start(ev, rr->status, NULL);
        return 0;
    }
    ev->response_code = rr->status;
    ev->chunked = 0; /* it told how a chunked request came */
    return 0;
}

/* The client has taken the last piece: read on. */
static void on_flushed(struct evhttp_connection *evcon, void *arg)
{
    struct rreq *rr = arg;
    (void)evcon;
    if (rr->up)
        od_up_want(rr->up, 1);
}

static void on_data(void *arg, struct evbuffer *body)
{
    struct rreq *rr = arg;
    struct evhttp_request *ev = rr->req->ev;
    if (!ev)
        return;
    rr_enter(rr);
    if (start_reply(rr)) {
        rr_abort(rr); /* out of memory: the client sees the connection end */
        rr_leave(rr);
        return;
    }
    if (rr->req->ev)
        evhttp_send_reply_chunk_with_cb(ev, body, on_flushed, rr);
    if (rr_leave(rr))
        return;
    /* taken: wait until the client has it. Not taken (no body goes with
     * this answer): nothing to wait for. */
    if (evbuffer_get_length(body) == 0)
        od_up_want(rr->up, 0);
    else
        evbuffer_drain(body, evbuffer_get_length(body));
}

static int error_status(enum od_up_error e)
{
    switch (e) {
    case OD_UP_E_CONNECT:
    case OD_UP_E_NOMEM:
        return 503;
    case OD_UP_E_CONNECT_TIMEOUT:
    case OD_UP_E_TIMEOUT:
        return 504;
    default:
        return 502;
    }
}

static void error_message(struct rreq *rr, enum od_up_error e, const char *why,
                          char *msg, size_t len)
{
    struct od_relay *r = rr->relay;
    long secs = od_config_limit(r->srv->cfg, ODAPI_LIMIT_RELAY_TIMEOUT_MS) /
                1000;
    switch (e) {
    case OD_UP_E_CONNECT:
        snprintf(msg, len, "The API Service at %s cannot be reached (%s). "
                           "Try again when it is back.", r->shown, why);
        break;
    case OD_UP_E_CONNECT_TIMEOUT:
        snprintf(msg, len, "The API Service at %s did not accept a "
                           "connection in time.", r->shown);
        break;
    case OD_UP_E_TLS:
        snprintf(msg, len, "The connection to the API Service at %s was "
                           "refused (%s).", r->shown, why);
        break;
    case OD_UP_E_CLOSED:
        snprintf(msg, len, "The API Service closed the connection before "
                           "answering.%s", rr->idempotent ? "" :
                 " The request may or may not have been carried out.");
        break;
    case OD_UP_E_PROTOCOL:
        snprintf(msg, len, "The API Service sent an answer that is not "
                           "valid HTTP.");
        break;
    case OD_UP_E_TIMEOUT:
        snprintf(msg, len, "The API Service did not answer within %ld "
                           "seconds.", secs > 0 ? secs : 1);
        break;
    default:
        snprintf(msg, len, "The relay is out of memory. Try again "
                           "shortly.");
        break;
    }
}

/* The client's bufferevent, when writing to its socket ourselves is safe:
 * plain HTTP, no TLS filter. */
static struct bufferevent *client_bev(struct rreq *rr)
{
    struct bufferevent *bev;
    if (!rr->dconn || rr->relay->srv->ssl_ctx)
        return NULL;
    bev = evhttp_connection_get_bufferevent(rr->dconn);
    if (!bev || bufferevent_get_underlying(bev))
        return NULL;
    return bev;
}

/* ---- the client's connection, without the loop's round trips ---------------
 * evhttp stops reading a connection when it hands us a request (epoll_ctl
 * DEL), reads it again when the answer is queued (ADD, with EPOLLOUT),
 * and finishes the request when the socket says it is writable (MOD): three
 * epoll_ctl() and a wake-up on every relayed request, of ~10 system calls.
 * On a plain connection the relay leaves the reading on while the far side
 * answers (od_conn_keep_reading, as the servers do while the database
 * answers: server.c), writes the finished answer at once (od_bev_send_now)
 * and, when the socket took all of it, finishes the request as evhttp's
 * write callback would on the loop's next turn. */

static void on_done(void *arg, enum od_up_error e, const char *why,
                    int got_bytes)
{
    struct rreq *rr = arg;
    char msg[512];
    rr->up = NULL;
    if (e == OD_UP_E_CONNECT || e == OD_UP_E_CONNECT_TIMEOUT ||
        e == OD_UP_E_TLS)
        note_reachable(rr->relay, 0, why);
    else if (e != OD_UP_E_NOMEM || got_bytes)
        note_reachable(rr->relay, 1, NULL);
    rr_enter(rr);
    if (e == OD_UP_OK && rr->req->ev) {
        struct evhttp_request *ev = rr->req->ev;
        struct bufferevent *bev = client_bev(rr);
        rr_release_client(rr);
        if (rr->started) {
            /* with nothing left to send, evhttp may finish (and free) the
             * connection inside evhttp_send_reply_end() */
            if (bev && !evbuffer_get_length(bufferevent_get_output(bev)))
                bev = NULL;
            evhttp_send_reply_end(ev);
        } else { /* no body: the head alone */
            rr->req->replied = 1;
            rr->req->status = rr->status;
            evhttp_send_reply(ev, rr->status, NULL, NULL);
        }
        if (bev) /* the answer now: one scheduling round fewer */
            od_bev_send_now(bev);
        rr->req->ev = NULL;
        rr->gone = 1;
    } else if (e == OD_UP_OK) {
        rr->gone = 1;
    } else if (!rr->started) {
        relay_log(rr->relay, ODAPI_LOG_INFO, "relay: %s %s: %s",
                  rr->req->method, rr->req->path, why);
        error_message(rr, e, why, msg, sizeof msg);
        /* the far side's head may be waiting there: not for this answer,
         * which carries the request's id as every answer does */
        if (rr->req->ev && !rr->own_head) {
            struct evkeyvalq *out =
                evhttp_request_get_output_headers(rr->req->ev);
            evhttp_clear_headers(out);
            evhttp_add_header(out, "X-Request-Id", rr->req->request_id);
        }
        rr_reply_error(rr, error_status(e), msg);
    } else {
        relay_log(rr->relay, ODAPI_LOG_WARNING,
                  "relay: %s %s: the answer broke off: %s", rr->req->method,
                  rr->req->path, why);
        rr_abort(rr);
    }
    rr_leave(rr);
}

static const struct od_up_ops forward_ops = {forward_headers, on_head,
                                             on_data, on_done};

/* ---- the health route --------------------------------------------------------- */

static void health_head(void *arg, const struct od_up_head *h)
{
    struct rreq *rr = arg;
    rr->hstatus = h->status;
    note_reachable(rr->relay, 1, NULL);
}

static void health_data(void *arg, struct evbuffer *body)
{
    struct rreq *rr = arg;
    size_t have = evbuffer_get_length(rr->hbody);
    size_t n = evbuffer_get_length(body);
    if (have < HEALTH_BODY_MAX)
        evbuffer_remove_buffer(body, rr->hbody,
                               n < HEALTH_BODY_MAX - have
                                   ? n : HEALTH_BODY_MAX - have);
    evbuffer_drain(body, evbuffer_get_length(body));
}

/* The far side's own health object, when it sent one. */
static char *remote_health(struct rreq *rr)
{
    size_t n = evbuffer_get_length(rr->hbody);
    json_t *j = json_loadb((const char *)evbuffer_pullup(rr->hbody, -1), n,
                           0, NULL);
    char *s = NULL;
    if (j && json_is_object(j))
        s = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    return s;
}

static void health_done(void *arg, enum od_up_error e, const char *why,
                        int got_bytes)
{
    struct rreq *rr = arg;
    struct od_relay *r = rr->relay;
    odapi_request *req = rr->req;
    char now[32], quoted[600], *inner = NULL, *body = NULL;
    time_t t = time(NULL);
    struct tm tm;
    int up = e == OD_UP_OK, ok = up && rr->hstatus >= 200 && rr->hstatus < 300;
    (void)got_bytes;
    rr->up = NULL;
    if (!up && (e == OD_UP_E_CONNECT || e == OD_UP_E_CONNECT_TIMEOUT ||
                e == OD_UP_E_TLS))
        note_reachable(r, 0, why);
    localtime_r(&t, &tm);
    strftime(now, sizeof now, "%Y-%m-%d %H:%M:%S", &tm);
    od_json_quote(quoted, sizeof quoted, why);
    inner = up ? remote_health(rr) : NULL;
    if (asprintf(&body,
                 "{\"service\":\"libodapi\",\"mode\":\"Cloud relay\","
                 "\"version\":\"%s\",\"remote\":\"%s%s/api/v1/\","
                 "\"remoteReachable\":%s,\"remoteStatus\":%d,"
                 "\"remoteMs\":%.3f,%s%s%s\"serverDateTime\":\"%s\","
                 "\"uptimeSeconds\":%llu,\"requests\":%lu}",
                 odapi_version(), r->shown, r->prefix, up ? "true" : "false",
                 up ? rr->hstatus : 0,
                 (double)od_request_elapsed_us(req) / 1000.0,
                 up ? (inner ? "\"remoteHealth\":" : "")
                    : "\"remoteError\":",
                 up ? (inner ? inner : "") : quoted,
                 up && !inner ? "" : ",", now,
                 (unsigned long long)((od_now_ms() - req->srv->started_ms) /
                                      1000),
                 req->srv->requests) < 0)
        body = NULL;
    free(inner);
    rr_release_client(rr);
    rr->req = NULL;
    if (body)
        odapi_reply(req, ok ? 200 : 503, body, (size_t)-1);
    else
        odapi_reply_error(req, 500, "Out of memory.");
    free(body);
    rr->gone = 1;
    if (rr->depth == 0)
        rr_free(rr);
}

static const struct od_up_ops health_ops = {NULL, health_head, health_data,
                                            health_done};

/* ---- taking a request ------------------------------------------------------------ */

/* A keyed hash of the Authorization header, for the access log only. */
static void key_hash(struct od_relay *r, const char *auth, char out[17])
{
    static const char hex[] = "0123456789abcdef";
    unsigned char md[EVP_MAX_MD_SIZE];
    size_t len = 0;
    unsigned int ulen = 0;
    int i;
    if (!auth || !*auth)
        return;
    /* the keyed context re-initialised costs ~1 us, HMAC() ~5 */
    if (!r->mac || EVP_MAC_init(r->mac, NULL, 0, NULL) != 1 ||
        EVP_MAC_update(r->mac, (const unsigned char *)auth, strlen(auth)) !=
            1 ||
        EVP_MAC_final(r->mac, md, &len, sizeof md) != 1) {
        if (!HMAC(EVP_sha256(), r->secret, (int)sizeof r->secret,
                  (const unsigned char *)auth, strlen(auth), md, &ulen))
            return;
        len = ulen;
    }
    if (len < 8)
        return;
    for (i = 0; i < 8; i++) {
        out[2 * i] = hex[md[i] >> 4];
        out[2 * i + 1] = hex[md[i] & 15];
    }
    out[16] = '\0';
}

static int logging_requests(const odapi_server *srv)
{
    return srv->logfile || srv->log->level >= ODAPI_LOG_VERBOSE;
}

static struct rreq *rr_new(struct od_relay *r, odapi_request *req)
{
    struct rreq *rr = calloc(1, sizeof *rr);
    if (!rr)
        return NULL;
    rr->relay = r;
    rr->req = req;
    rr->hd = rr->hdbuf;
    rr->hdcap = sizeof rr->hdbuf;
    rr->next = r->live;
    if (r->live)
        r->live->prev = rr;
    r->live = rr;
    rr->dconn = evhttp_request_get_connection(req->ev);
    if (rr->dconn)
        evhttp_connection_set_closecb(rr->dconn, on_client_closed, rr);
    return rr;
}

static int is_method(const odapi_request *req, const char *m)
{
    return strcmp(req->method, m) == 0;
}

static void start_health(struct od_relay *r, struct rreq *rr)
{
    char target[1100];
    long cms = od_config_limit(r->srv->cfg, ODAPI_LIMIT_RELAY_CONNECT_MS);
    long tms = od_config_limit(r->srv->cfg, ODAPI_LIMIT_RELAY_TIMEOUT_MS);
    rr->health = 1;
    rr->hbody = evbuffer_new();
    snprintf(target, sizeof target, "%s/api/v1/", r->prefix);
    if (rr->hbody)
        rr->up = od_up_send(r->pool, "GET", target, NULL,
                            (int)(cms + 5000 < tms ? cms + 5000 : tms), 1,
                            &health_ops, rr);
    if (!rr->up) {
        rr_reply_error(rr, 503, "The relay is out of memory. Try again "
                                "shortly.");
        rr_free(rr);
    }
}

static void start_forward(struct od_relay *r, struct rreq *rr)
{
    odapi_request *req = rr->req;
    struct evhttp_request *ev = req->ev;
    char *target = NULL;
    const char *uri = req->uri;
    if (logging_requests(r->srv))
        key_hash(r, odapi_request_header(req, "Authorization"),
                 req->key_hash);
    if (*r->prefix && asprintf(&target, "%s%s", r->prefix, req->uri) >= 0)
        uri = target;
    rr->idempotent = is_method(req, "GET") || is_method(req, "HEAD") ||
                     is_method(req, "OPTIONS");
    if (!*r->prefix || target)
        rr->up = od_up_send(
            r->pool, req->method, uri, evhttp_request_get_input_buffer(ev),
            (int)od_config_limit(r->srv->cfg, ODAPI_LIMIT_RELAY_TIMEOUT_MS),
            rr->idempotent, &forward_ops, rr);
    free(target);
    if (rr->up && client_bev(rr))
        od_conn_keep_reading(req->conn);
    if (!rr->up) {
        rr_reply_error(rr, 503, "The relay is out of memory. Try again "
                                "shortly.");
        rr_free(rr);
    }
}

int od_relay_request(struct od_relay *r, odapi_request *req)
{
    odapi_server *srv = r->srv;
    const struct od_route *route = NULL;
    char msg[256];
    enum od_match m;
    int health;
    struct rreq *rr;

    m = od_router_match(&srv->router, req->method, req->path, req->segbuf,
                        strlen(req->path) + 2, req->segs, &req->nsegs,
                        &route, msg, sizeof msg);
    if (m == OD_MATCH_OK || m == OD_MATCH_NOT_API) {
        /* an application's own route, or not the API: served here */
        if (od_request_take_body(req) != 0) {
            odapi_reply_error(req, 500, "Out of memory.");
            return 1;
        }
        return 0;
    }
    health = m == OD_MATCH_HEALTH &&
             (is_method(req, "GET") || is_method(req, "HEAD"));
    if (!(rr = rr_new(r, req))) {
        odapi_reply_error(req, 503, "The relay is out of memory. Try again "
                                    "shortly.");
        return 1;
    }
    if (health)
        start_health(r, rr);
    else
        start_forward(r, rr);
    return 1;
}

/* ---- setting up ------------------------------------------------------------------ */

/* The far side's path prefix: the URL's path without a trailing "/" and
 * without a trailing "/api/v1" (both forms of the URL are accepted). */
static int make_prefix(struct od_relay *r, char *err, size_t errlen)
{
    size_t n;
    if (strchr(r->url.path, '?') || strchr(r->url.path, '#')) {
        snprintf(err, errlen, "the relay URL %s has a query; give "
                              "https://host[:port][/path]", r->shown);
        return -1;
    }
    if (!(r->prefix = strdup(r->url.path)))
        return -1;
    n = strlen(r->prefix);
    while (n && r->prefix[n - 1] == '/')
        r->prefix[--n] = '\0';
    if (n >= 7 && strcasecmp(r->prefix + n - 7, "/api/v1") == 0)
        r->prefix[n - 7] = '\0';
    return 0;
}

static int make_tls(struct od_relay *r, const odapi_config *cfg, char *err,
                    size_t errlen)
{
    unsigned char pins[OD_MAX_RELAY_PINS][32];
    struct od_hc_tls t;
    int i;
    memset(&t, 0, sizeof t);
    for (i = 0; i < cfg->nrelay_pins; i++)
        if (od_pin_parse(cfg->relay_pins[i], pins[i]) != 0) {
            snprintf(err, errlen, "relay pin %d is not a SHA-256 (64 hex "
                                  "digits or sha256//base64)", i + 1);
            return -1;
        }
    t.ca_file = cfg->relay_ca;
    t.pins = (const unsigned char(*)[32])pins;
    t.npins = cfg->nrelay_pins;
    t.cert_file = cfg->relay_cert;
    t.key_file = cfg->relay_key;
    r->ctx = od_hc_ssl_ctx_tls(&t, err, errlen);
    return r->ctx ? 0 : -1;
}

static void make_mac(struct od_relay *r)
{
    EVP_MAC *m;
    OSSL_PARAM params[2];
    if (RAND_bytes(r->secret, sizeof r->secret) != 1)
        return; /* key_hash falls back on HMAC() with a zero key */
    if (!(m = EVP_MAC_fetch(NULL, "HMAC", NULL)))
        return;
    r->mac = EVP_MAC_CTX_new(m);
    EVP_MAC_free(m);
    params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
                                                 (char *)"SHA256", 0);
    params[1] = OSSL_PARAM_construct_end();
    if (r->mac && EVP_MAC_init(r->mac, r->secret, sizeof r->secret,
                               params) != 1) {
        EVP_MAC_CTX_free(r->mac);
        r->mac = NULL;
    }
}

static int check_config(const odapi_config *cfg, char *err, size_t errlen)
{
    if (cfg->mode != ODAPI_MODE_RELAY)
        snprintf(err, errlen, "a relay URL is set, but the mode is not "
                              "ODAPI_MODE_RELAY");
    else if (!cfg->relay_url)
        snprintf(err, errlen, "the Cloud relay needs the address of the API "
                              "Service (odapi_config_set_relay)");
    else if (cfg->db_kind != OD_DB_NONE)
        snprintf(err, errlen, "the Cloud relay has no database of its own; "
                              "the API Service it relays to has");
    else if (cfg->events)
        snprintf(err, errlen, "the Cloud relay fires no Database Events; the "
                              "API Service it relays to does");
    else
        return 0;
    return -1;
}

struct od_relay *od_relay_new(odapi_server *srv, char *err, size_t errlen)
{
    const odapi_config *cfg = srv->cfg;
    struct od_relay *r;
    struct od_up_config uc;
    if (check_config(cfg, err, errlen))
        return NULL;
    if (!(r = calloc(1, sizeof *r))) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    r->srv = srv;
    r->reachable = -1;
    if (od_hc_url_parse(&r->url, cfg->relay_url, 1, err, errlen))
        goto fail;
    /* as the far side writes its own address in Location: from the Host
     * header we send */
    snprintf(r->shown, sizeof r->shown, "https://%s", r->url.host_header);
    if (make_prefix(r, err, errlen) || make_tls(r, cfg, err, errlen))
        goto fail;
    if (!r->url.host_is_ip &&
        !(r->dns = evdns_base_new(srv->base,
                                  EVDNS_BASE_INITIALIZE_NAMESERVERS |
                                      EVDNS_BASE_DISABLE_WHEN_INACTIVE))) {
        snprintf(err, errlen, "cannot set up name resolution for %s",
                 r->url.host);
        goto fail;
    }
    memset(&uc, 0, sizeof uc);
    uc.base = srv->base;
    uc.dns = r->dns;
    uc.ctx = r->ctx;
    uc.origin = &r->url;
    uc.connect_ms = (int)od_config_limit(cfg, ODAPI_LIMIT_RELAY_CONNECT_MS);
    uc.max_conns = (int)od_config_limit(cfg, ODAPI_LIMIT_RELAY_CONNECTIONS);
    uc.idle_ms = IDLE_MS;
    if (!(r->pool = od_up_pool_new(&uc))) {
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    make_mac(r);
    return r;
fail:
    od_relay_free(r);
    return NULL;
}

void od_relay_free(struct od_relay *r)
{
    if (!r)
        return;
    while (r->live) {
        struct rreq *rr = r->live;
        if (rr->req)
            rr->req->ev = NULL; /* the server's connections are gone */
        rr->gone = 1;
        rr_free(rr);
    }
    od_up_pool_free(r->pool);
    if (r->dns)
        evdns_base_free(r->dns, 0);
    if (r->ctx)
        SSL_CTX_free(r->ctx);
    EVP_MAC_CTX_free(r->mac);
    OPENSSL_cleanse(r->secret, sizeof r->secret);
    od_hc_url_free(&r->url);
    free(r->prefix);
    free(r);
}
