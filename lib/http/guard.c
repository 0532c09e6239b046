/* guard.c - what stands between a client's bytes and evhttp.
 *
 * libevent 2.1's evhttp has no hook between reading bytes and acting on
 * them: no per-request header callback for a server, no limit on the
 * answers a connection piles up, no per-address count, and it answers its
 * own errors with HTML. So every byte a connection reads lands first in
 * our callback on the bufferevent's input buffer (on_input), which runs
 * inside the read, before evhttp's read callback: it takes the new bytes
 * aside (t->pending) and puts back into the input only what evhttp may
 * read:
 *
 * - a request head when it is complete and wire.c finds nothing wrong
 *   with it; its body (Content-Length or chunked) up to the route's limit,
 *   chunk-size lines rewritten canonically, trailers dropped;
 * - the next head only once the request before it is answered (evhttp
 *   then reads on only after the answer is all in the kernel), and only
 *   while all clients together leave less than ODAPI_LIMIT_MAX_OUTPUT of
 *   their answers unread; the sweep drops clients that stopped reading
 *   while that is exceeded. Meanwhile the socket is not read past a head's
 *   worth: the memory clients can make us hold is bounded (docs/http.md,
 *   "Memory");
 * - a refused request is answered by our own request path, as a JSON
 *   string: the guard gives evhttp a small request of its own (or the end
 *   of the chunked body it is reading) and marks the connection, and
 *   on_request() answers with the refusal and Connection: close. After a
 *   refusal nothing more is passed, and what the client still sends is
 *   read and dropped for a moment before the close (no reset under its
 *   answer).
 *
 * evhttp keeps the socket's bufferevent for itself, so its writes, timeouts
 * and closes work as they always did. Everything runs on the loop thread. */
#include "http/server-internal.h"

#include <ctype.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#define CHUNK_LINE_MAX 1024

/* What a step of the guard did: something (and may do more), or nothing
 * until more bytes come. */
enum step { GO_ON, WAIT };

/* What evhttp reads in place of a refused request: the request path finds
 * the refusal on the connection and answers it. */
static const char stand_in[] = "GET /api/v1/ HTTP/1.1\r\nHost: odapi\r\n";
static const char last_chunk[] = "0\r\n\r\n";

/* A TLS connection is evhttp's bufferevent (plain text) over the socket's
 * (records): what waits in either is unsent. */
size_t od_guard_unsent(const struct od_conn_track *t)
{
    struct bufferevent *sock;
    size_t n;
    if (!t->bev)
        return 0;
    n = evbuffer_get_length(bufferevent_get_output(t->bev));
    if ((sock = bufferevent_get_underlying(t->bev)) != NULL)
        n += evbuffer_get_length(bufferevent_get_output(sock));
    return n;
}

/* Refuse what comes now: the rest of the input is dropped, and evhttp gets
 * the end of what it is reading (a stand-in request, or the last chunk of
 * the body it is reading), which on_request() answers with the refusal. */
static enum step refuse(struct od_conn_track *t, struct evbuffer *src,
                        struct evbuffer *dst, int status, const char *msg)
{
    struct od_guard *g = &t->g;
    g->reject_status = status;
    if (msg != g->reject_msg)
        snprintf(g->reject_msg, sizeof g->reject_msg, "%s", msg);
    evbuffer_drain(src, evbuffer_get_length(src));
    if (g->state == OD_G_HEAD) {
        evbuffer_add(dst, stand_in, sizeof stand_in - 1);
        if (g->reject_id[0])
            evbuffer_add_printf(dst, "X-Request-Id: %s\r\n", g->reject_id);
        evbuffer_add(dst, "\r\n", 2);
        g->passed++;
    } else if (g->state != OD_G_BODY && g->state != OD_G_DEAD) {
        evbuffer_add(dst, last_chunk, sizeof last_chunk - 1);
    }
    g->state = OD_G_DEAD;
    return GO_ON;
}

/* ---- heads --------------------------------------------------------------- */

/* The X-Request-Id of a complete head the guard refuses, into out (empty
 * when it has none): request.c keeps it only when sane, so anything else
 * is left out here too, and nothing but those bytes reaches the stand-in's
 * head. */
static void head_request_id(const char *p, size_t len, char *out,
                            size_t cap)
{
    static const char name[] = "x-request-id:";
    const char *end = p + len, *line = p, *nl, *v, *ve;
    out[0] = '\0';
    for (; line < end && (nl = memchr(line, '\n', (size_t)(end - line)));
         line = nl + 1) {
        if ((size_t)(nl - line) < sizeof name - 1 ||
            strncasecmp(line, name, sizeof name - 1) != 0)
            continue;
        for (v = line + sizeof name - 1; v < nl && (*v == ' ' || *v == '\t');
             v++)
            ;
        for (ve = nl; ve > v && (ve[-1] == '\r' || ve[-1] == ' ' ||
                                 ve[-1] == '\t'); ve--)
            ;
        if (ve > v && (size_t)(ve - v) < cap) {
            const char *q;
            for (q = v; q < ve && (isalnum((unsigned char)*q) ||
                                   (*q && strchr("-_.:", *q))); q++)
                ;
            if (q == ve) {
                memcpy(out, v, (size_t)(ve - v));
                out[ve - v] = '\0';
            }
        }
        return; /* the first one only, as evhttp_find_header */
    }
}

/* The path of a request-target (wire.c lets only paths and "*" through):
 * without the query. */
static const char *target_path(const struct od_head *h, size_t *len)
{
    const char *p = h->target, *e = h->target + h->target_len;
    const char *q = memchr(p, '?', (size_t)(e - p));
    *len = (size_t)((q ? q : e) - p);
    return p;
}

/* The body limit of the route the head names. Routing costs a little, so
 * it is done only for bodies above the JSON limit (and chunked ones). */
static uint64_t body_cap(odapi_server *srv, const struct od_head *h)
{
    uint64_t cap = srv->lim_json_body;
    const struct od_route *route = NULL;
    char *path, *buf, *segs[OD_MAX_SEGS], msg[8];
    const char *p;
    size_t len;
    int nsegs;
    if (!h->chunked && (!h->has_cl || h->content_length <= cap))
        return cap;
    if (cap >= srv->lim_body)
        return cap;
    p = target_path(h, &len);
    path = malloc(len + 1);
    buf = malloc(len + 2);
    if (path && buf) {
        memcpy(path, p, len);
        path[len] = '\0';
        if (od_router_match(&srv->files, h->method, path, buf, len + 2,
                            segs, &nsegs, &route, msg, sizeof msg) ==
            OD_MATCH_OK)
            cap = srv->lim_body;
    }
    free(path);
    free(buf);
    return cap;
}

/* May the next head go to evhttp? Not while the one before is
 * unanswered (evhttp would dispatch it the moment the answer is written),
 * nor, while all clients together leave lim_output bytes of answers
 * unread, for a client that has some of them (until the sweep has dropped
 * the ones that stopped reading). A client that reads what it is sent is
 * never held for the others. */
static int may_pass(const struct od_conn_track *t)
{
    return t->g.passed == t->g.done &&
           (t->srv->unsent_total <= t->srv->lim_output ||
            od_guard_unsent(t) == 0);
}

/* Find the empty line that ends the head, resuming where the last call
 * stopped (a client trickling a head byte by byte costs O(n), not
 * O(n^2)). The head's length, or 0. Empty lines before a request line are
 * dropped (RFC 9112 2.2). */
static size_t find_head_end(struct od_guard *g, struct evbuffer *src)
{
    struct evbuffer_ptr pos;
    size_t len = evbuffer_get_length(src);
    char c = 0;
    while (g->scan < len) {
        size_t nl, linelen;
        evbuffer_ptr_set(src, &pos, g->scan, EVBUFFER_PTR_SET);
        pos = evbuffer_search(src, "\n", 1, &pos);
        if (pos.pos < 0) {
            g->scan = len;
            return 0;
        }
        nl = (size_t)pos.pos;
        linelen = nl - g->line;
        if (linelen == 1) {
            evbuffer_ptr_set(src, &pos, g->line, EVBUFFER_PTR_SET);
            evbuffer_copyout_from(src, &pos, &c, 1);
        }
        if (linelen == 0 || (linelen == 1 && c == '\r')) {
            if (g->line > 0)
                return nl + 1;
            evbuffer_drain(src, nl + 1); /* before the request line */
            len -= nl + 1;
            g->scan = 0;
            continue;
        }
        g->line = g->scan = nl + 1;
    }
    return 0;
}

static enum step step_head(struct od_conn_track *t, struct evbuffer *src,
                           struct evbuffer *dst)
{
    odapi_server *srv = t->srv;
    struct od_guard *g = &t->g;
    struct od_head h;
    char msg[128];
    size_t end;
    const char *p;
    int st;

    if (g->want_status)
        return refuse(t, src, dst, g->want_status, g->reject_msg);
    if (evbuffer_get_length(src) == 0)
        return WAIT;
    if (!may_pass(t)) {
        g->held = 1;
        return WAIT;
    }
    g->held = 0;
    if (!g->head_since_ms)
        g->head_since_ms = od_now_ms();
    end = find_head_end(g, src);
    if (end == 0 && evbuffer_get_length(src) == 0) {
        g->head_since_ms = 0; /* only empty lines so far */
        return WAIT;
    }
    if (end == 0 ? g->line > srv->lim_headers || g->scan > srv->lim_headers
                 : end > srv->lim_headers)
        return refuse(t, src, dst, 431, "The request headers are too large.");
    if (end == 0)
        return WAIT;
    p = (const char *)evbuffer_pullup(src, (ev_ssize_t)end);
    if (!p)
        return refuse(t, src, dst, 503, "The server is out of memory.");
    if ((st = od_wire_head(p, end, &h, msg, sizeof msg)) != 0) {
        head_request_id(p, end, g->reject_id, sizeof g->reject_id);
        return refuse(t, src, dst, st, msg);
    }
    g->cap = body_cap(srv, &h);
    if (h.has_cl && h.content_length > g->cap) {
        head_request_id(p, end, g->reject_id, sizeof g->reject_id);
        return refuse(t, src, dst, 413, "The request body is too large.");
    }
    evbuffer_remove_buffer(src, dst, end);
    g->passed++;
    g->head_since_ms = 0;
    g->scan = g->line = 0;
    g->total = 0;
    if (h.chunked) {
        g->state = OD_G_CHUNK_SIZE;
    } else if (h.content_length) {
        g->state = OD_G_BODY;
        g->left = h.content_length;
    }
    return GO_ON;
}

/* ---- bodies -------------------------------------------------------------- */

static enum step pass_bytes(struct od_conn_track *t, struct evbuffer *src,
                            struct evbuffer *dst, enum od_guard_state next)
{
    size_t n = evbuffer_get_length(src);
    if (n == 0)
        return WAIT;
    if (n > t->g.left)
        n = (size_t)t->g.left;
    evbuffer_remove_buffer(src, dst, n);
    t->g.left -= n;
    if (t->g.left == 0)
        t->g.state = next;
    return GO_ON;
}

/* One line of src (without its LF) into buf; its length with the LF, 0
 * while incomplete, or (size_t)-1 when longer than cap. */
static size_t take_line(struct evbuffer *src, char *buf, size_t cap,
                        size_t *linelen)
{
    struct evbuffer_ptr pos = evbuffer_search(src, "\n", 1, NULL);
    if (pos.pos < 0)
        return evbuffer_get_length(src) >= cap ? (size_t)-1 : 0;
    if ((size_t)pos.pos >= cap)
        return (size_t)-1;
    evbuffer_remove(src, buf, (size_t)pos.pos + 1);
    *linelen = (size_t)pos.pos;
    return (size_t)pos.pos + 1;
}

static enum step step_chunk_size(struct od_conn_track *t, struct evbuffer *src,
                                 struct evbuffer *dst)
{
    struct od_guard *g = &t->g;
    char line[CHUNK_LINE_MAX];
    size_t n, len = 0;
    uint64_t size;
    if ((n = take_line(src, line, sizeof line, &len)) == 0)
        return WAIT;
    if (n == (size_t)-1 || od_wire_chunk_line(line, len, &size))
        return refuse(t, src, dst, 400, "The chunked body is malformed.");
    if (size > g->cap - g->total)
        return refuse(t, src, dst, 413, "The request body is too large.");
    if (size == 0) { /* the last chunk: trailers follow */
        g->state = OD_G_TRAILER;
        g->trailer = 0;
        return GO_ON;
    }
    /* evhttp reads the size with strtoll(16): give it the plain digits */
    evbuffer_add_printf(dst, "%llx\r\n", (unsigned long long)size);
    g->total += size;
    g->left = size;
    g->state = OD_G_CHUNK_DATA;
    return GO_ON;
}

static enum step step_chunk_end(struct od_conn_track *t, struct evbuffer *src,
                                struct evbuffer *dst)
{
    char crlf[2];
    size_t have = evbuffer_copyout(src, crlf, 2);
    if (have == 0 || (have == 1 && crlf[0] == '\r'))
        return WAIT;
    if (crlf[0] == '\n') {
        evbuffer_drain(src, 1);
    } else if (crlf[0] == '\r' && crlf[1] == '\n') {
        evbuffer_drain(src, 2);
    } else {
        return refuse(t, src, dst, 400, "The chunked body is malformed.");
    }
    evbuffer_add(dst, "\r\n", 2);
    t->g.state = OD_G_CHUNK_SIZE;
    return GO_ON;
}

/* Trailer fields are checked and dropped: evhttp would add them to the
 * request's headers after the fact (a trailing "Authorization" too). */
static enum step step_trailer(struct od_conn_track *t, struct evbuffer *src,
                              struct evbuffer *dst)
{
    struct od_guard *g = &t->g;
    char line[CHUNK_LINE_MAX];
    size_t n, len = 0;
    if ((n = take_line(src, line, sizeof line, &len)) == 0)
        return WAIT;
    if (n == (size_t)-1 || (g->trailer += n) > t->srv->lim_headers)
        return refuse(t, src, dst, 431, "The request headers are too large.");
    if (len == 0 || (len == 1 && line[0] == '\r')) {
        evbuffer_add(dst, last_chunk, sizeof last_chunk - 1);
        g->state = OD_G_HEAD;
        return GO_ON;
    }
    if (od_wire_field_line(line, len))
        return refuse(t, src, dst, 400, "A trailer line is malformed.");
    return GO_ON;
}

/* One step of the guard: what of src (the bytes set aside) evhttp may
 * read, moved into dst (the bufferevent's input). GO_ON when it did
 * something and may do more. */
static enum step guard_step(struct od_conn_track *t, struct evbuffer *src,
                            struct evbuffer *dst)
{
    switch (t->g.state) {
    case OD_G_HEAD:
        return step_head(t, src, dst);
    case OD_G_BODY:
        return pass_bytes(t, src, dst, OD_G_HEAD);
    case OD_G_CHUNK_SIZE:
        return step_chunk_size(t, src, dst);
    case OD_G_CHUNK_DATA:
        return pass_bytes(t, src, dst, OD_G_CHUNK_END);
    case OD_G_CHUNK_END:
        return step_chunk_end(t, src, dst);
    case OD_G_TRAILER:
        return step_trailer(t, src, dst);
    case OD_G_DEAD:
        break;
    }
    evbuffer_drain(src, evbuffer_get_length(src));
    return WAIT;
}

int od_guard_step(struct od_conn_track *t, struct evbuffer *src,
                  struct evbuffer *dst)
{
    return guard_step(t, src, dst) == GO_ON;
}

/* Run the guard over t->pending; 1 when something went to evhttp.
 * in_read: called inside the bufferevent's read. Outside it a socket
 * bufferevent keeps its input frozen (only its reads add to it). */
static int run(struct od_conn_track *t, int in_read)
{
    struct evbuffer *in = bufferevent_get_input(t->bev);
    size_t before = evbuffer_get_length(in);
    int moved = 0, thaw = !in_read && !t->tls;
    if (thaw)
        evbuffer_unfreeze(in, 0);
    t->in_guard = 1; /* our own moves into the input are not new bytes */
    while (guard_step(t, t->pending, in) == GO_ON)
        moved = 1;
    t->in_guard = 0;
    if (thaw)
        evbuffer_freeze(in, 0);
    return moved || evbuffer_get_length(in) != before;
}

/* New bytes in the input: set them aside, and give back what may pass.
 * Called inside the bufferevent's read, before evhttp's read callback. */
static void on_input(struct evbuffer *in, const struct evbuffer_cb_info *info,
                     void *arg)
{
    struct od_conn_track *t = arg;
    size_t len, seen;
    if (t->in_guard || !info->n_added)
        return;
    t->in_guard = 1;
    len = evbuffer_get_length(in);
    seen = len - info->n_added; /* passed before, not yet read by evhttp */
    if (seen) /* keep those in the input, where they are */
        evbuffer_remove_buffer(in, t->srv->scratch, seen);
    evbuffer_add_buffer(t->pending, in);
    if (seen)
        evbuffer_add_buffer(in, t->srv->scratch);
    t->in_guard = 0;
    run(t, 1);
    /* A held head stops the reading: evhttp enables it again at its next
     * request, so a client gets at most one read's worth past this. */
    if (od_guard_full(t))
        bufferevent_disable(t->bev, EV_READ);
}

int od_guard_full(const struct od_conn_track *t)
{
    return evbuffer_get_length(t->pending) > t->srv->lim_headers + 16384;
}

/* The buffer the socket is written from: the socket bufferevent's under a
 * TLS filter (text leaving evhttp's buffer there is only encrypted). */
static struct evbuffer *socket_output(const struct od_conn_track *t)
{
    struct bufferevent *sock = bufferevent_get_underlying(t->bev);
    return bufferevent_get_output(sock ? sock : t->bev);
}

/* evhttp puts an answer's head and its body in separate chains of the
 * TLS filter's output, and OpenSSL's bufferevent encrypts chain by chain:
 * two records a small answer (two encryptions, two MACs, and the client
 * decrypting two). Joined into one chain while the filter waits for
 * evhttp to enable writing, the answer leaves as one record. (This
 * callback runs before the filter's own: callbacks added later run
 * first.) Up to one record's worth; larger answers need several anyway. */
#define COALESCE_MAX 16384

static void coalesce(struct evbuffer *buf)
{
    size_t n = evbuffer_get_length(buf);
    if (n > 0 && n <= COALESCE_MAX)
        evbuffer_pullup(buf, -1); /* nothing to do when already one chain */
}

/* evhttp wrote an answer, or the client read some: keep the total of
 * unread answers, and let a head held for this client go. (On both
 * buffers of a TLS connection: text moving into records is counted out
 * of one and into the other.) */
static void on_output(struct evbuffer *buf,
                      const struct evbuffer_cb_info *info, void *arg)
{
    struct od_conn_track *t = arg;
    odapi_server *srv = t->srv;
    srv->unsent_total += info->n_added;
    srv->unsent_total -= info->n_deleted < srv->unsent_total
                             ? info->n_deleted : srv->unsent_total;
    if (buf == socket_output(t) && (info->n_deleted || info->orig_size == 0))
        t->progress_ms = od_now_ms();
    if (info->n_deleted && t->g.held && !t->released && may_pass(t))
        od_guard_queue(srv, t);
    if (info->n_added && t->tls && buf != socket_output(t))
        coalesce(buf);
}

int od_guard_wrap(odapi_server *srv, struct od_conn_track *t,
                  struct bufferevent *bev)
{
    t->srv = srv;
    t->bev = bev;
    t->tls = srv->ssl_ctx != NULL;
    if (!(t->pending = evbuffer_new()))
        return -1;
    t->in_cb = evbuffer_add_cb(bufferevent_get_input(bev), on_input, t);
    t->out_cb = evbuffer_add_cb(bufferevent_get_output(bev), on_output, t);
    if (bufferevent_get_underlying(bev))
        t->sock_out_cb = evbuffer_add_cb(socket_output(t), on_output, t);
    if (!t->in_cb || !t->out_cb ||
        (bufferevent_get_underlying(bev) && !t->sock_out_cb)) {
        od_guard_unwrap(t);
        return -1;
    }
    return 0;
}

void od_guard_unwrap(struct od_conn_track *t)
{
    size_t unsent = t->out_cb ? od_guard_unsent(t) : 0;
    /* the buffer goes with the bufferevent, without callbacks */
    t->srv->unsent_total -= unsent < t->srv->unsent_total
                                ? unsent : t->srv->unsent_total;
    if (t->in_cb)
        evbuffer_remove_cb_entry(bufferevent_get_input(t->bev), t->in_cb);
    if (t->out_cb)
        evbuffer_remove_cb_entry(bufferevent_get_output(t->bev), t->out_cb);
    if (t->sock_out_cb)
        evbuffer_remove_cb_entry(socket_output(t), t->sock_out_cb);
    t->in_cb = t->out_cb = t->sock_out_cb = NULL;
    if (t->pending)
        evbuffer_free(t->pending);
    t->pending = NULL;
}

void od_guard_request_done(odapi_server *srv, struct od_conn_track *t)
{
    t->g.done++;
    if (!t->released && t->g.state == OD_G_HEAD &&
        evbuffer_get_length(t->pending))
        od_guard_queue(srv, t);
}

/* Past the total, a client that has answers unread and has read nothing
 * for a while is dropped: a client reading its answers is never dropped
 * for a big one, and clients that stopped reading cannot make us hold
 * more than the total for long. */
#define STALLED_MS 500

void od_guard_sweep(odapi_server *srv, struct od_conn_track *t, uint64_t now)
{
    struct od_guard *g = &t->g;
    if (g->held && may_pass(t)) /* held for the total, which fell */
        od_guard_queue(srv, t);
    if (srv->unsent_total > srv->lim_output &&
        od_guard_unsent(t) > 0 && now - t->progress_ms >= STALLED_MS) {
        if (now - srv->evict_warned_ms > 10000) { /* once in a while */
            srv->evict_warned_ms = now;
            od_log(srv->log, ODAPI_LOG_WARNING,
                   "dropping clients that stopped reading: %zu bytes "
                   "unread over all connections", srv->unsent_total);
        }
        bufferevent_trigger_event(t->bev, BEV_EVENT_EOF | BEV_EVENT_WRITING,
                                  BEV_TRIG_IGNORE_WATERMARKS);
        return;
    }
    if (g->state == OD_G_HEAD && g->head_since_ms && !g->want_status &&
        now - g->head_since_ms > srv->lim_header_ms) {
        g->want_status = 408;
        snprintf(g->reject_msg, sizeof g->reject_msg,
                 "The request headers did not arrive in time.");
        od_guard_queue(srv, t);
    }
}

/* ---- connections per address --------------------------------------------- */

struct od_addr_count {
    unsigned char addr[16];
    long n; /* 0: free slot */
};

static size_t addr_slot(const odapi_server *srv, const unsigned char *a)
{
    uint64_t h = 1469598103934665603ull;
    int i;
    for (i = 0; i < 16; i++)
        h = (h ^ a[i]) * 1099511628211ull;
    return (size_t)(h >> 7) & (srv->addrcap - 1);
}

static struct od_addr_count *addr_find(odapi_server *srv,
                                       const unsigned char *a)
{
    size_t i;
    if (!srv->addrcap)
        return NULL;
    for (i = addr_slot(srv, a); srv->addrs[i].n;
         i = (i + 1) & (srv->addrcap - 1))
        if (memcmp(srv->addrs[i].addr, a, 16) == 0)
            return &srv->addrs[i];
    return NULL;
}

static int addr_grow(odapi_server *srv)
{
    struct od_addr_count *old = srv->addrs, *n;
    size_t oldcap = srv->addrcap, cap = oldcap ? oldcap * 2 : 64, i, j;
    if (!(n = calloc(cap, sizeof *n)))
        return -1;
    srv->addrs = n;
    srv->addrcap = cap;
    for (i = 0; i < oldcap; i++) {
        if (!old[i].n)
            continue;
        for (j = addr_slot(srv, old[i].addr); n[j].n; j = (j + 1) & (cap - 1))
            ;
        n[j] = old[i];
    }
    free(old);
    return 0;
}

/* The peer of a connection as 16 bytes; -1 for a unix socket or an error. */
static int peer_key(struct bufferevent *bev, unsigned char key[16])
{
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    evutil_socket_t fd = bufferevent_getfd(bev);
    if (fd < 0 || getpeername(fd, (struct sockaddr *)&ss, &sl) != 0)
        return -1;
    if (ss.ss_family == AF_INET) {
        memset(key, 0, 10);
        key[10] = key[11] = 0xff;
        memcpy(key + 12, &((struct sockaddr_in *)&ss)->sin_addr, 4);
        return 0;
    }
    if (ss.ss_family == AF_INET6) {
        memcpy(key, &((struct sockaddr_in6 *)&ss)->sin6_addr, 16);
        return 0;
    }
    return -1;
}

int od_guard_addr_add(odapi_server *srv, struct od_conn_track *t)
{
    struct od_addr_count *c;
    size_t i;
    if (peer_key(t->bev, t->addr) != 0)
        return 0;
    if (!(c = addr_find(srv, t->addr))) {
        if (2 * (srv->naddrs + 1) > srv->addrcap && addr_grow(srv) != 0)
            return 0; /* not counted: served */
        for (i = addr_slot(srv, t->addr); srv->addrs[i].n;
             i = (i + 1) & (srv->addrcap - 1))
            ;
        c = &srv->addrs[i];
        memcpy(c->addr, t->addr, 16);
        srv->naddrs++;
    }
    c->n++;
    t->counted = 1;
    return c->n > srv->lim_per_addr ? -1 : 0;
}

void od_guard_addr_remove(odapi_server *srv, struct od_conn_track *t)
{
    struct od_addr_count *c;
    size_t mask, i, j, k;
    if (!t->counted || !(c = addr_find(srv, t->addr)))
        return;
    t->counted = 0;
    if (--c->n > 0)
        return;
    /* delete with backward shifting, so probe chains stay whole */
    mask = srv->addrcap - 1;
    i = (size_t)(c - srv->addrs);
    srv->naddrs--;
    for (j = (i + 1) & mask; srv->addrs[j].n; j = (j + 1) & mask) {
        k = addr_slot(srv, srv->addrs[j].addr);
        if ((j > i && (k <= i || k > j)) || (j < i && (k <= i && k > j))) {
            srv->addrs[i] = srv->addrs[j];
            i = j;
        }
    }
    srv->addrs[i].n = 0;
}

/* ---- the loop's connection work ------------------------------------------ */

void od_guard_queue(odapi_server *srv, struct od_conn_track *t)
{
    if (t->queued || !srv->work_ev)
        return;
    t->queued = 1;
    t->work_next = srv->work;
    srv->work = t;
    event_active(srv->work_ev, 0, 0);
}

/* A new connection: count its peer; over the per-address limit it is
 * answered 503 at once and closed. */
static void check_fresh(odapi_server *srv, struct od_conn_track *t)
{
    t->fresh = 0;
    if (od_guard_addr_add(srv, t) == 0)
        return;
    t->g.want_status = 503;
    snprintf(t->g.reject_msg, sizeof t->g.reject_msg,
             "Too many connections from this address.");
    if (od_now_ms() - srv->addr_warned_ms > 10000) {
        srv->addr_warned_ms = od_now_ms();
        od_log(srv->log, ODAPI_LOG_WARNING,
               "connections per address limit (%ld) reached; refusing more",
               srv->lim_per_addr);
    }
}

/* Run the guard on the bytes set aside (a held head, a refusal from the
 * sweep), and let evhttp read what it passes. evhttp's read callback is
 * called only while it is between requests: it aborts when called while
 * a request of its is unanswered. */
static void kick(struct od_conn_track *t)
{
    bufferevent_event_cb ecb = NULL;
    int idle = t->g.passed == t->g.done;
    bufferevent_getcb(t->bev, NULL, NULL, &ecb, NULL);
    if (!ecb) /* evhttp has freed it */
        return;
    if (run(t, 0) && idle)
        bufferevent_trigger(t->bev, EV_READ, 0);
}

void od_guard_work(odapi_server *srv)
{
    struct od_conn_track *t;
    while ((t = srv->work) != NULL) {
        srv->work = t->work_next;
        t->queued = 0;
        if (!t->released) {
            t->busy = 1; /* kick() may make evhttp free the connection */
            if (t->fresh)
                check_fresh(srv, t);
            kick(t);
            t->busy = 0;
        }
        od_conn_maybe_free(t);
    }
}
