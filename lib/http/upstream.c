/*
 * upstream.c - kept-alive HTTP/1.1 connections to one origin, answers
 * streamed with flow control (upstream-internal.h).
 *
 * A connection is CONNECTING (TCP and TLS, bounded by connect_ms), IDLE
 * (in the pool, read only to notice the far side closing it, closed after
 * idle_ms) or BUSY (one request, its answer parsed as it comes). A request
 * takes an idle connection, else opens one, else waits in a FIFO queue;
 * its own timer bounds everything from od_up_send() to done.
 *
 * Flow control: while the caller does not want data, the answer stays in
 * the connection's input buffer, and the socket is not read once that
 * holds OD_UP_WINDOW bytes.
 */
#include "core/odapi-internal.h"
#include "core/http-client-internal.h"
#include "http/upstream-internal.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/buffer.h>
#include <event2/dns.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/util.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

enum cstate { C_CONNECTING, C_IDLE, C_BUSY };

/* How the body of an answer ends. */
enum bmode { B_NONE, B_LENGTH, B_CHUNKED, B_EOF };
/* Where the chunked decoder is. */
enum cpart { K_SIZE, K_DATA, K_CRLF, K_TRAILER };

struct up_conn {
    struct od_up_pool *pool;
    struct bufferevent *connecting; /* a TCP connect under way */
    struct evdns_getaddrinfo_request *dnsreq; /* resolving the name */
    struct evutil_addrinfo *ai, *ai_next;    /* its addresses; the next */
    int opening, dns_err, last_err;
    evutil_socket_t fd;
    struct event *rev, *wev;     /* the socket: readable, writable */
    struct event *tmo;           /* connect, handshake and idle limits */
    struct event *kick;          /* re-run the parser after od_up_want(1) */
    SSL *ssl;                    /* NULL for http */
    BIO *rbio, *wbio;            /* memory BIOs: records in, records out */
    struct evbuffer *in;         /* the answer as it comes (plaintext) */
    struct evbuffer *out;        /* bytes the socket has not taken yet */
    struct evbuffer *sending;    /* the request's plaintext still to send */
    enum cstate state;
    int handshaking, read_paused;
    uint64_t connect_start_ms;
    int reused;                  /* has carried a whole exchange */
    int keep;                    /* may carry the next one */
    int eof;                     /* the far side closed its end */
    struct od_up_req *req;
    struct up_conn *prev, *next;
    struct up_conn *iprev, *inext; /* the pool's idle list */
    int in_idle;
    /* the answer being parsed */
    int head_done;
    enum bmode mode;
    enum cpart part;
    long long left;              /* bytes of the body or chunk to come */
    size_t trailer;              /* trailer bytes seen */
};

struct od_up_req {
    struct od_up_pool *pool;
    struct up_conn *conn;
    struct od_up_req *wnext;     /* the wait queue */
    struct evbuffer *wire;       /* the request as sent */
    struct evbuffer *out;        /* decoded body for the data callback */
    struct event *timer;         /* deadline, or a failure to report */
    const struct od_up_ops *ops;
    void *arg;
    struct od_up_head head;
    char *headbuf;
    size_t headcap;              /* its size */
    enum od_up_error pending;    /* reported by the timer when set */
    char why[160];
    int retry, want, is_head, got_bytes, in_cb, cancelled;
};

struct od_up_pool {
    struct od_up_config cfg;
    struct od_hc_url origin;     /* own copy */
    struct sockaddr_storage addr; /* the origin when it is an IP address */
    int addrlen;
    struct up_conn *conns;
    int nconns;
    struct od_up_req *whead, *wtail;
    int nwait;
    struct up_conn *idle;        /* idle connections, last used first */
    struct od_up_req *spare;     /* finished requests kept for reuse */
    int nspare, closing;
};

static void conn_close(struct up_conn *c);
static void conn_fail(struct up_conn *c, enum od_up_error e, const char *why);
static void dispatch(struct od_up_req *r);
static void pump(struct up_conn *c);
static void on_timer(evutil_socket_t fd, short what, void *arg);

/* ---- requests ---------------------------------------------------------------- */

/* A finished request's object, buffers and timer wait for the next one
 * (at most SPARE_MAX of them, at most 6 KB each): a relayed request then
 * allocates none of them (malloc and free were 7% of the relay's CPU). */
#define SPARE_MAX 64

static void req_destroy(struct od_up_req *r)
{
    if (r->timer)
        event_free(r->timer);
    if (r->wire)
        evbuffer_free(r->wire);
    if (r->out)
        evbuffer_free(r->out);
    free(r->headbuf);
    free(r);
}

static void req_free(struct od_up_req *r)
{
    struct od_up_pool *p = r->pool;
    if (p->closing || p->nspare >= SPARE_MAX || !r->timer || !r->wire ||
        !r->out) {
        req_destroy(r);
        return;
    }
    if (r->headcap > 4096) { /* a big head's buffer is not kept */
        free(r->headbuf);
        r->headbuf = NULL;
        r->headcap = 0;
    }
    evtimer_del(r->timer);
    evbuffer_drain(r->wire, evbuffer_get_length(r->wire));
    evbuffer_drain(r->out, evbuffer_get_length(r->out));
    r->wnext = p->spare;
    p->spare = r;
    p->nspare++;
}

/* A request object: a spare one, cleared, or a new one. */
static struct od_up_req *req_alloc(struct od_up_pool *p)
{
    struct od_up_req *r = p->spare;
    struct evbuffer *wire, *out;
    struct event *timer;
    char *headbuf;
    size_t headcap;
    if (!r) {
        if (!(r = calloc(1, sizeof *r)))
            return NULL;
        r->pool = p;
        r->wire = evbuffer_new();
        r->out = evbuffer_new();
        r->timer = evtimer_new(p->cfg.base, on_timer, r);
        return r;
    }
    p->spare = r->wnext;
    p->nspare--;
    wire = r->wire, out = r->out, timer = r->timer;
    headbuf = r->headbuf, headcap = r->headcap;
    memset(r, 0, sizeof *r);
    r->pool = p;
    r->wire = wire, r->out = out, r->timer = timer;
    r->headbuf = headbuf, r->headcap = headcap;
    return r;
}

static void wait_remove(struct od_up_pool *p, struct od_up_req *r)
{
    struct od_up_req **pp;
    for (pp = &p->whead; *pp; pp = &(*pp)->wnext)
        if (*pp == r) {
            *pp = r->wnext;
            if (p->wtail == r) {
                struct od_up_req *t = p->whead;
                while (t && t->wnext)
                    t = t->wnext;
                p->wtail = t;
            }
            r->wnext = NULL;
            p->nwait--;
            return;
        }
}

/* The end of a request: done, then free (the request is detached). */
static void req_end(struct od_up_req *r, enum od_up_error e, const char *why)
{
    const struct od_up_ops *ops = r->ops;
    void *arg = r->arg;
    int got = r->got_bytes;
    char w[sizeof r->why];
    /* the precision bounds it for the compiler too (-O3 inlines callers
     * with longer buffers and warns) */
    w[0] = '\0';
    if (why && *why)
        snprintf(w, sizeof w, "%.*s", (int)sizeof w - 1, why);
    req_free(r);
    ops->done(arg, e, w, got);
}

/* Calls into the caller; 0, or -1 when the caller cancelled r meanwhile
 * (r is freed then, and its connection closed). */
static int call_head(struct od_up_req *r)
{
    r->in_cb++;
    r->ops->head(r->arg, &r->head);
    r->in_cb--;
    if (r->cancelled) {
        req_free(r);
        return -1;
    }
    return 0;
}

static int call_data(struct od_up_req *r)
{
    r->in_cb++;
    r->ops->data(r->arg, r->out);
    r->in_cb--;
    if (r->cancelled) {
        req_free(r);
        return -1;
    }
    evbuffer_drain(r->out, evbuffer_get_length(r->out)); /* not taken */
    return 0;
}

/* The connection failed under its request: send it again or end it. */
static void req_failed(struct od_up_req *r, int reused, enum od_up_error e,
                       const char *why)
{
    r->conn = NULL;
    if (r->retry && r->wire && reused && !r->got_bytes &&
        e == OD_UP_E_CLOSED) {
        r->retry = 0;
        dispatch(r);
        return;
    }
    req_end(r, e, why);
}

static void on_timer(evutil_socket_t fd, short what, void *arg)
{
    struct od_up_req *r = arg;
    enum od_up_error e = r->pending ? r->pending : OD_UP_E_TIMEOUT;
    (void)fd;
    (void)what;
    if (r->conn) {
        struct up_conn *c = r->conn;
        c->req = NULL;
        r->conn = NULL;
        conn_close(c);
    } else {
        wait_remove(r->pool, r);
    }
    req_end(r, e, r->pending ? r->why : "no answer in time");
}

/* Report a failure from the loop, never from inside od_up_send(). */
static void req_fail_later(struct od_up_req *r, enum od_up_error e,
                           const char *why)
{
    r->pending = e;
    snprintf(r->why, sizeof r->why, "%s", why);
    event_active(r->timer, EV_TIMEOUT, 1);
}

/* ---- connections: TCP, then TLS through memory BIOs ------------------------------
 * The TCP connect (and name resolution) is a socket bufferevent's; then the
 * socket is ours. TLS records pass through two memory BIOs: what arrives
 * is read with one read() per readiness and fed to OpenSSL, what OpenSSL
 * writes is sent at once with one send(). bufferevent_openssl would read
 * each record's 5-byte header and body with a read() each, and schedule
 * every write for the next turn of the loop with two epoll_ctl() around
 * it: on a small answer that is most of the relay's cost. */

#define READ_CHUNK (16 * 1024 + 512) /* one TLS record and its overhead */

/* A request's head and body leave as one record and one send(): Nagle
 * must not hold a second segment for the far side's delayed ACK. */
static void set_nodelay(evutil_socket_t fd)
{
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

static int retriable(int err)
{
    return err == EAGAIN || err == EWOULDBLOCK || err == EINTR;
}

/* The idle list: a request takes the connection used last (warm in the
 * caches, and the others can reach their idle limit when the load drops)
 * without walking every connection. */
static void idle_push(struct up_conn *c)
{
    struct od_up_pool *p = c->pool;
    c->iprev = NULL;
    c->inext = p->idle;
    if (p->idle)
        p->idle->iprev = c;
    p->idle = c;
    c->in_idle = 1;
}

static void idle_remove(struct up_conn *c)
{
    struct od_up_pool *p = c->pool;
    if (!c->in_idle)
        return;
    if (c->iprev)
        c->iprev->inext = c->inext;
    else
        p->idle = c->inext;
    if (c->inext)
        c->inext->iprev = c->iprev;
    c->iprev = c->inext = NULL;
    c->in_idle = 0;
}

static void conn_unlink(struct up_conn *c)
{
    struct od_up_pool *p = c->pool;
    if (c->prev)
        c->prev->next = c->next;
    else if (p->conns == c)
        p->conns = c->next;
    if (c->next)
        c->next->prev = c->prev;
    c->prev = c->next = NULL;
    p->nconns--;
}

/* Free a connection (its request, if any, must be detached). A freed slot
 * lets the first waiting request open a connection. */
static void conn_close(struct up_conn *c)
{
    struct od_up_pool *p = c->pool;
    idle_remove(c);
    conn_unlink(c);
    if (c->dnsreq)
        evdns_getaddrinfo_cancel(c->dnsreq); /* its callback leaves c be */
    if (c->ai)
        evutil_freeaddrinfo(c->ai);
    if (c->connecting)
        bufferevent_free(c->connecting);
    if (c->rev)
        event_free(c->rev);
    if (c->wev)
        event_free(c->wev);
    event_free(c->tmo);
    event_free(c->kick);
    if (c->ssl)
        SSL_free(c->ssl); /* and its BIOs */
    if (c->fd >= 0)
        evutil_closesocket(c->fd);
    evbuffer_free(c->in);
    evbuffer_free(c->out);
    free(c);
    if (p->whead && p->nconns < p->cfg.max_conns) {
        struct od_up_req *r = p->whead;
        wait_remove(p, r);
        dispatch(r);
    }
}

static void set_timer(struct up_conn *c, int ms)
{
    struct timeval tv;
    if (ms <= 0) {
        evtimer_del(c->tmo);
        return;
    }
    tv.tv_sec = ms / 1000;
    tv.tv_usec = (ms % 1000) * 1000;
    evtimer_add(c->tmo, &tv);
}

static int connect_left_ms(const struct up_conn *c)
{
    uint64_t spent = od_now_ms() - c->connect_start_ms;
    return spent < (uint64_t)c->pool->cfg.connect_ms
               ? c->pool->cfg.connect_ms - (int)spent : 1;
}

/* Send what is waiting in c->out; the rest when the socket takes it. */
static int flush_out(struct up_conn *c)
{
    while (evbuffer_get_length(c->out) > 0) {
        int n = evbuffer_write(c->out, c->fd);
        if (n > 0)
            continue;
        if (n < 0 && retriable(EVUTIL_SOCKET_ERROR())) {
            event_add(c->wev, NULL);
            return 0;
        }
        return -1;
    }
    return 0;
}

/* Send the records OpenSSL wrote: straight from the BIO when nothing
 * waits before them (the usual case: no copy), else after what waits. */
static int flush_tls(struct up_conn *c)
{
    char *p;
    long n = BIO_get_mem_data(c->wbio, &p);
    ev_ssize_t sent = 0;
    if (n <= 0)
        return flush_out(c);
    if (evbuffer_get_length(c->out) == 0) {
        sent = send(c->fd, p, (size_t)n, MSG_NOSIGNAL);
        if (sent < 0 && !retriable(EVUTIL_SOCKET_ERROR()))
            return -1;
        if (sent < 0)
            sent = 0;
    }
    if (sent < n && evbuffer_add(c->out, p + sent, (size_t)(n - sent)))
        return -1;
    (void)BIO_reset(c->wbio);
    return flush_out(c);
}

#define SEND_AHEAD (256 * 1024) /* encrypted bytes waiting for the socket */

/* Encrypt and send what is left of c->sending while the socket keeps up;
 * the rest when it is writable again (a big request body is not held
 * twice, as plaintext and as records). */
static int send_more(struct up_conn *c)
{
    struct evbuffer *b = c->sending;
    size_t len;
    while (b && (len = evbuffer_get_length(b)) > 0 &&
           evbuffer_get_length(c->out) < SEND_AHEAD) {
        int n = (int)(len < 16384 ? len : 16384);
        unsigned char *p = evbuffer_pullup(b, n);
        if (!p || SSL_write(c->ssl, p, n) != n)
            return -1;
        evbuffer_drain(b, (size_t)n);
        if (flush_tls(c) != 0)
            return -1;
    }
    if (b && evbuffer_get_length(b) == 0)
        c->sending = NULL;
    return 0;
}

/* Send plaintext: moved out of b, or left there when keep (a request kept
 * for a second attempt, at most 64 KiB). A small request, head and body,
 * goes out as one record and one send(). */
static int conn_send(struct up_conn *c, struct evbuffer *b, int keep)
{
    size_t total = evbuffer_get_length(b), off;
    unsigned char *p;
    if (!c->ssl) {
        if (keep)
            evbuffer_add(c->out, evbuffer_pullup(b, -1), total);
        else
            evbuffer_add_buffer(c->out, b);
        return flush_out(c);
    }
    if (!keep) {
        c->sending = b;
        return send_more(c);
    }
    p = evbuffer_pullup(b, -1);
    for (off = 0; off < total; off += 16384) {
        int n = (int)(total - off < 16384 ? total - off : 16384);
        if (SSL_write(c->ssl, p + off, n) != n)
            return -1;
    }
    return flush_tls(c);
}

/* Decrypt what has come, up to the window; 0, or -1 on a TLS error. A
 * record at a time through the stack: a small answer then costs no 16 KiB
 * buffer of its own. When OpenSSL holds nothing more (no record bytes in
 * the BIO, no plaintext left), it is not asked again only to say
 * WANT_READ: one SSL_read() a record instead of two. */
static int decrypt(struct up_conn *c)
{
    char buf[16384];
    while (evbuffer_get_length(c->in) < OD_UP_WINDOW) {
        int r = SSL_read(c->ssl, buf, (int)sizeof buf);
        if (r > 0) {
            if (evbuffer_add(c->in, buf, (size_t)r))
                return -1;
            if (BIO_ctrl_pending(c->rbio) == 0 && !SSL_has_pending(c->ssl))
                return BIO_ctrl_pending(c->wbio) ? flush_tls(c) : 0;
            continue;
        }
        switch (SSL_get_error(c->ssl, r)) {
        case SSL_ERROR_WANT_READ:
            return flush_tls(c); /* TLS 1.3 may answer a key update */
        case SSL_ERROR_ZERO_RETURN:
            c->eof = 1; /* close_notify */
            return 0;
        default:
            return -1;
        }
    }
    return 0;
}

/* Stop reading the socket while the caller does not take the answer:
 * at most a window of it waits here (and a read's worth in the BIO). */
static void read_pause(struct up_conn *c, int pause)
{
    if (pause == c->read_paused)
        return;
    c->read_paused = pause;
    if (pause)
        event_del(c->rev);
    else
        event_add(c->rev, NULL);
}

static void conn_ready(struct up_conn *c);
static void conn_idle(struct up_conn *c);

static void handshake(struct up_conn *c)
{
    int r = SSL_do_handshake(c->ssl), e;
    char why[160];
    if (flush_tls(c) != 0) {
        conn_fail(c, OD_UP_E_TLS, "cannot send the TLS handshake");
        return;
    }
    if (r == 1) {
        c->handshaking = 0;
        conn_ready(c);
        return;
    }
    e = SSL_get_error(c->ssl, r);
    if (e == SSL_ERROR_WANT_READ)
        return;
    why[0] = '\0';
    od_hc_tls_why(c->ssl, ERR_peek_last_error(), why, sizeof why);
    ERR_clear_error();
    conn_fail(c, OD_UP_E_TLS, why[0] ? why : "the TLS handshake failed");
}

/* The far side closed, or the socket failed. */
static void conn_ended(struct up_conn *c, int err)
{
    char why[160];
    if (c->state == C_IDLE) {
        conn_close(c);
        return;
    }
    if (c->handshaking) {
        snprintf(why, sizeof why, "the connection was closed during the TLS "
                                  "handshake%s%s", err ? ": " : "",
                 err ? evutil_socket_error_to_string(err) : "");
        conn_fail(c, OD_UP_E_TLS, why);
        return;
    }
    c->eof = 1; /* the answer may still be complete */
    pump(c);
}

static void on_readable(evutil_socket_t fd, short what, void *arg)
{
    struct up_conn *c = arg;
    char buf[READ_CHUNK];
    ev_ssize_t n = recv(fd, buf, sizeof buf, 0);
    (void)what;
    if (n < 0 && retriable(EVUTIL_SOCKET_ERROR()))
        return;
    if (c->state == C_IDLE && n != 0) {
        /* TLS 1.3 session tickets may come late; answer bytes nobody
         * asked for, or an error, end the connection */
        if (n < 0 || !c->ssl || BIO_write(c->rbio, buf, (int)n) != n ||
            decrypt(c) != 0 || evbuffer_get_length(c->in) > 0)
            conn_close(c);
        return;
    }
    if (n <= 0) {
        int err = n < 0 ? EVUTIL_SOCKET_ERROR() : 0;
        if (c->ssl && !c->handshaking && decrypt(c) != 0) {
            conn_fail(c, OD_UP_E_TLS, "TLS error");
            return;
        }
        read_pause(c, 1);
        conn_ended(c, err);
        return;
    }
    if (!c->ssl) {
        evbuffer_add(c->in, buf, (size_t)n);
    } else {
        BIO_write(c->rbio, buf, (int)n);
        if (c->handshaking) {
            handshake(c);
            return;
        }
        if (decrypt(c) != 0) {
            char why[160] = "";
            od_hc_tls_why(c->ssl, ERR_peek_last_error(), why, sizeof why);
            ERR_clear_error();
            conn_fail(c, OD_UP_E_TLS, why[0] ? why : "TLS error");
            return;
        }
    }
    if (evbuffer_get_length(c->in) >= OD_UP_WINDOW)
        read_pause(c, 1);
    pump(c);
}

static void on_writable(evutil_socket_t fd, short what, void *arg)
{
    struct up_conn *c = arg;
    (void)fd;
    (void)what;
    if (flush_out(c) != 0 || send_more(c) != 0)
        conn_ended(c, EVUTIL_SOCKET_ERROR());
}

/* Connect or handshake too slow, or idle too long. */
static void on_conn_timer(evutil_socket_t fd, short what, void *arg)
{
    struct up_conn *c = arg;
    (void)fd;
    (void)what;
    if (c->state == C_IDLE)
        conn_close(c);
    else if (c->state == C_CONNECTING)
        conn_fail(c, OD_UP_E_CONNECT_TIMEOUT, c->handshaking
                                                  ? "no TLS handshake in time"
                                                  : "no connection in time");
}

/* The caller took some of the answer: decrypt and read on. */
static void on_kick(evutil_socket_t fd, short what, void *arg)
{
    struct up_conn *c = arg;
    (void)fd;
    (void)what;
    if (c->state != C_BUSY)
        return;
    if (c->ssl && decrypt(c) != 0) {
        conn_fail(c, OD_UP_E_TLS, "TLS error");
        return;
    }
    if (evbuffer_get_length(c->in) < OD_UP_WINDOW && !c->eof)
        read_pause(c, 0);
    pump(c);
}

/* Hand the request's bytes to a connected connection. */
static void conn_start(struct up_conn *c, struct od_up_req *r)
{
    idle_remove(c);
    c->req = r;
    r->conn = c;
    c->state = C_BUSY;
    c->head_done = 0;
    c->mode = B_NONE;
    c->eof = 0;
    c->trailer = 0;
    c->sending = NULL;
    set_timer(c, 0); /* the request's own timer now */
    /* a copy is kept for a second attempt */
    if (conn_send(c, r->wire, r->retry) != 0) {
        /* a kept-alive connection the far side had closed. No callback
         * from here: this may run inside od_up_send(). */
        int reused = c->reused;
        c->req = NULL;
        r->conn = NULL;
        conn_close(c);
        if (r->retry && reused) {
            r->retry = 0;
            dispatch(r);
        } else {
            req_fail_later(r, OD_UP_E_CLOSED, "the connection was closed "
                                              "before the request was sent");
        }
    }
}

/* An idle connection goes back to the pool, or to the first waiter. */
static void conn_idle(struct up_conn *c)
{
    struct od_up_pool *p = c->pool;
    c->state = C_IDLE;
    c->req = NULL;
    if (p->whead) {
        struct od_up_req *r = p->whead;
        wait_remove(p, r);
        conn_start(c, r);
        return;
    }
    read_pause(c, 0); /* to see it closed */
    set_timer(c, p->cfg.idle_ms);
    idle_push(c);
}

static void conn_ready(struct up_conn *c)
{
    set_timer(c, 0);
    if (c->req)
        conn_start(c, c->req);
    else
        conn_idle(c);
}

static void conn_fail(struct up_conn *c, enum od_up_error e, const char *why)
{
    struct od_up_req *r = c->req;
    int reused = c->reused;
    c->req = NULL;
    conn_close(c);
    if (r)
        req_failed(r, reused, e, why);
}

/* TCP is up: the socket leaves its bufferevent for our own events. */
static int take_socket(struct up_conn *c)
{
    struct od_up_pool *p = c->pool;
    struct event_base *base = p->cfg.base;
    c->fd = bufferevent_getfd(c->connecting);
    bufferevent_setfd(c->connecting, -1);
    bufferevent_free(c->connecting);
    c->connecting = NULL;
    set_nodelay(c->fd);
    c->rev = event_new(base, c->fd, EV_READ | EV_PERSIST, on_readable, c);
    c->wev = event_new(base, c->fd, EV_WRITE, on_writable, c);
    if (!c->rev || !c->wev)
        return -1;
    c->read_paused = 1;
    read_pause(c, 0);
    if (!p->origin.tls)
        return 0;
    if (!(c->ssl = od_hc_ssl_new(p->cfg.ctx, &p->origin)) ||
        !(c->rbio = BIO_new(BIO_s_mem())) ||
        !(c->wbio = BIO_new(BIO_s_mem()))) {
        BIO_free(c->rbio);
        c->rbio = NULL;
        return -1;
    }
    BIO_set_mem_eof_return(c->rbio, -1); /* empty: "retry", not EOF */
    SSL_set_bio(c->ssl, c->rbio, c->wbio);
    SSL_set_connect_state(c->ssl);
    c->handshaking = 1;
    set_timer(c, connect_left_ms(c));
    return 0;
}

/* ---- connecting: every address of the name, in turn ----------------------------
 * A hosted server's name often has an IPv6 and an IPv4 address, and a
 * workstation may reach only one of them: each is tried until one takes
 * the connection, all within connect_ms (the name's resolution included). */

static void on_connect_event(struct bufferevent *bev, short what, void *arg);

/* Start a TCP connect to sa; 0 when it is under way. */
static int connect_to(struct up_conn *c, const struct sockaddr *sa, int len)
{
    struct bufferevent *b = bufferevent_socket_new(
        c->pool->cfg.base, -1, BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS);
    if (!b)
        return -1;
    bufferevent_setcb(b, NULL, NULL, on_connect_event, c);
    bufferevent_enable(b, EV_WRITE);
    if (bufferevent_socket_connect(b, (struct sockaddr *)sa, len) != 0) {
        c->last_err = EVUTIL_SOCKET_ERROR();
        bufferevent_free(b);
        return -1;
    }
    c->connecting = b;
    return 0;
}

/* The next address of the name; 0 when a connect to it is under way. */
static int try_next(struct up_conn *c)
{
    while (c->ai_next) {
        struct evutil_addrinfo *ai = c->ai_next;
        c->ai_next = ai->ai_next;
        if (connect_to(c, ai->ai_addr, (int)ai->ai_addrlen) == 0)
            return 0;
    }
    return -1;
}

static void connect_failed(struct up_conn *c)
{
    char why[160];
    if (c->connecting) {
        bufferevent_free(c->connecting);
        c->connecting = NULL;
    }
    if (try_next(c) == 0)
        return;
    snprintf(why, sizeof why, "%s", c->last_err
                                        ? evutil_socket_error_to_string(
                                              c->last_err)
                                        : "cannot connect");
    conn_fail(c, OD_UP_E_CONNECT, why);
}

static void on_connect_event(struct bufferevent *bev, short what, void *arg)
{
    struct up_conn *c = arg;
    (void)bev;
    if (!(what & BEV_EVENT_CONNECTED)) {
        c->last_err = EVUTIL_SOCKET_ERROR();
        connect_failed(c);
        return;
    }
    if (take_socket(c) != 0) {
        conn_fail(c, OD_UP_E_NOMEM, "out of memory");
        return;
    }
    if (c->handshaking)
        handshake(c);
    else
        conn_ready(c);
}

/* The name's addresses. Also called from inside evdns_getaddrinfo() (an
 * answer from /etc/hosts): conn_open() goes on from there itself. */
static void on_resolved(int result, struct evutil_addrinfo *res, void *arg)
{
    struct up_conn *c = arg;
    char why[200];
    if (result == EVUTIL_EAI_CANCEL) { /* c is gone: conn_close() */
        if (res)
            evutil_freeaddrinfo(res);
        return;
    }
    c->dnsreq = NULL;
    if (result != 0 || !res) {
        if (res)
            evutil_freeaddrinfo(res);
        c->dns_err = result ? result : EVUTIL_EAI_FAIL;
        if (!c->opening) {
            snprintf(why, sizeof why, "cannot resolve %s: %s",
                     c->pool->origin.host, evutil_gai_strerror(c->dns_err));
            conn_fail(c, OD_UP_E_CONNECT, why);
        }
        return;
    }
    c->ai = c->ai_next = res;
    if (!c->opening && try_next(c) != 0)
        connect_failed(c);
}

static int resolve(struct up_conn *c)
{
    struct od_up_pool *p = c->pool;
    struct evutil_addrinfo hints;
    char port[8];
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_protocol = IPPROTO_TCP;
    hints.ai_flags = EVUTIL_AI_ADDRCONFIG;
    snprintf(port, sizeof port, "%d", p->origin.port);
    c->opening = 1;
    c->dnsreq = evdns_getaddrinfo(p->cfg.dns, p->origin.host, port, &hints,
                                  on_resolved, c);
    c->opening = 0;
    if (c->dns_err)
        return -1;
    if (c->ai && !c->connecting)
        return try_next(c); /* answered at once */
    return 0;
}

static struct up_conn *conn_open(struct od_up_pool *p)
{
    struct up_conn *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->pool = p;
    c->fd = -1;
    c->state = C_CONNECTING;
    c->connect_start_ms = od_now_ms();
    c->in = evbuffer_new();
    c->out = evbuffer_new();
    c->tmo = evtimer_new(p->cfg.base, on_conn_timer, c);
    c->kick = event_new(p->cfg.base, -1, 0, on_kick, c);
    if (!c->in || !c->out || !c->tmo || !c->kick) {
        if (c->tmo)
            event_free(c->tmo);
        if (c->kick)
            event_free(c->kick);
        if (c->in)
            evbuffer_free(c->in);
        if (c->out)
            evbuffer_free(c->out);
        free(c);
        return NULL;
    }
    c->next = p->conns;
    if (p->conns)
        p->conns->prev = c;
    p->conns = c;
    p->nconns++;
    set_timer(c, p->cfg.connect_ms);
    if ((p->addrlen ? connect_to(c, (struct sockaddr *)&p->addr, p->addrlen)
                    : resolve(c)) != 0) {
        conn_close(c);
        return NULL;
    }
    return c;
}

/* An idle connection, a new one, or a place in the queue. */
static void dispatch(struct od_up_req *r)
{
    struct od_up_pool *p = r->pool;
    struct up_conn *c;
    if ((c = p->idle) != NULL) {
        conn_start(c, r);
        return;
    }
    if (p->nconns < p->cfg.max_conns) {
        if (!(c = conn_open(p))) {
            req_fail_later(r, OD_UP_E_CONNECT, "cannot open a connection");
            return;
        }
        c->req = r;
        r->conn = c;
        return;
    }
    r->wnext = NULL;
    if (p->wtail)
        p->wtail->wnext = r;
    else
        p->whead = r;
    p->wtail = r;
    p->nwait++;
}

/* ---- the answer ---------------------------------------------------------------- */

/* A byte of a header name (RFC 9110 5.6.2 tchar), without strchr():
 * every byte of every name of every answer is checked. */
static int token_char(unsigned char ch)
{
    switch (ch) {
    case '(': case ')': case '<': case '>': case '@': case ',': case ';':
    case ':': case '\\': case '"': case '/': case '[': case ']': case '?':
    case '=': case '{': case '}':
        return 0;
    default:
        return ch > 0x20 && ch < 0x7f;
    }
}

/* Does the comma-separated list v hold token t (any case)? */
static int has_token(const char *v, const char *t)
{
    size_t n = strlen(t);
    while (*v) {
        while (*v == ' ' || *v == '\t' || *v == ',')
            v++;
        if (strncasecmp(v, t, n) == 0 &&
            (v[n] == '\0' || v[n] == ',' || v[n] == ' ' || v[n] == '\t'))
            return 1;
        while (*v && *v != ',')
            v++;
    }
    return 0;
}

static int parse_length(const char *v, long long *out)
{
    long long n = 0;
    if (!*v)
        return -1;
    for (; *v; v++) {
        if (*v < '0' || *v > '9' || n > (1LL << 50))
            return -1;
        n = n * 10 + (*v - '0');
    }
    *out = n;
    return 0;
}

/* Only visible characters, spaces and tabs (a reason phrase). */
static int printable(const char *s)
{
    for (; *s; s++)
        if (((unsigned char)*s < 0x20 && *s != '\t') || *s == 0x7f)
            return 0;
    return 1;
}

/* One header line (NUL-terminated, no CRLF) into h; -1 when invalid. */
static int header_line(struct od_up_head *h, char *line, int *chunked,
                       int *close, int *keepalive)
{
    char *colon = strchr(line, ':'), *v, *end, *p;
    long long len;
    if (!colon || colon == line || h->nheaders == OD_UP_MAX_HEADERS)
        return -1;
    for (p = line; p < colon; p++)
        if (!token_char((unsigned char)*p))
            return -1; /* also an obsolete folded line (leading space) */
    *colon = '\0';
    for (v = colon + 1; *v == ' ' || *v == '\t'; v++)
        ;
    end = v + strlen(v);
    while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
        *--end = '\0';
    for (p = v; *p; p++)
        if (((unsigned char)*p < 0x20 && *p != '\t') || *p == 0x7f)
            return -1;
    if (colon - line == 14 && strcasecmp(line, "Content-Length") == 0) {
        if (parse_length(v, &len) ||
            (h->content_length >= 0 && h->content_length != len))
            return -1;
        h->content_length = len;
    } else if (colon - line == 17 &&
               strcasecmp(line, "Transfer-Encoding") == 0) {
        if (strcasecmp(v, "chunked") != 0)
            return -1; /* no other coding is ever asked for */
        *chunked = 1;
    } else if (colon - line == 10 && strcasecmp(line, "Connection") == 0) {
        *close |= has_token(v, "close");
        *keepalive |= has_token(v, "keep-alive");
    }
    h->name[h->nheaders] = line;
    h->value[h->nheaders] = v;
    h->nheaders++;
    return 0;
}

/* The status line and headers in buf (CRLF lines, ending in an empty one). */
static int parse_head_text(struct up_conn *c, struct od_up_req *r, char *buf)
{
    struct od_up_head *h = &r->head;
    char *line = buf, *eol;
    int chunked = 0, close = 0, keepalive = 0, minor;
    memset(h, 0, sizeof *h);
    h->content_length = -1;
    if (strncmp(buf, "HTTP/1.", 7) != 0 || (buf[7] != '0' && buf[7] != '1') ||
        buf[8] != ' ' || buf[9] < '1' || buf[9] > '5' || buf[10] < '0' ||
        buf[10] > '9' || buf[11] < '0' || buf[11] > '9' ||
        (buf[12] != ' ' && buf[12] != '\r'))
        return -1;
    minor = buf[7] - '0';
    h->minor = minor;
    h->status = (buf[9] - '0') * 100 + (buf[10] - '0') * 10 + (buf[11] - '0');
    eol = strstr(line, "\r\n");
    *eol = '\0'; /* the status line: its phrase may be passed on */
    h->reason = buf[12] == ' ' && buf[13] && printable(buf + 13) ? buf + 13
                                                                 : NULL;
    for (line = eol + 2; (eol = strstr(line, "\r\n")) && eol != line;
         line = eol + 2) {
        *eol = '\0';
        if (header_line(h, line, &chunked, &close, &keepalive))
            return -1;
    }
    if (chunked && h->content_length >= 0)
        return -1; /* both: a smuggling trick, never a real answer */
    c->keep = !close && (minor == 1 || keepalive);
    if (r->is_head || h->status == 204 || h->status == 304 ||
        h->status < 200) {
        c->mode = B_NONE;
    } else if (chunked) {
        c->mode = B_CHUNKED;
        c->part = K_SIZE;
    } else if (h->content_length >= 0) {
        c->mode = B_LENGTH;
        c->left = h->content_length;
    } else {
        c->mode = B_EOF;
        c->keep = 0;
    }
    return 0;
}

/* 1: a head was read (interim 1xx heads are skipped); 0: more bytes
 * needed; -1: not HTTP. */
static int read_head(struct up_conn *c, struct od_up_req *r,
                     struct evbuffer *in)
{
    for (;;) {
        struct evbuffer_ptr p = evbuffer_search(in, "\r\n\r\n", 4, NULL);
        size_t n;
        char *buf;
        if (p.pos < 0)
            return evbuffer_get_length(in) > OD_UP_MAX_HEAD ? -1 : 0;
        n = (size_t)p.pos + 4;
        if (n > OD_UP_MAX_HEAD)
            return -1;
        if (n + 1 > r->headcap) { /* kept for the next request */
            if (!(buf = malloc(n + 1 < 1024 ? 1024 : n + 1)))
                return -1;
            free(r->headbuf);
            r->headbuf = buf;
            r->headcap = n + 1 < 1024 ? 1024 : n + 1;
        }
        buf = r->headbuf;
        evbuffer_remove(in, buf, n);
        buf[n] = '\0';
        if (parse_head_text(c, r, buf))
            return -1;
        if (r->head.status == 101)
            return -1; /* an upgrade nobody asked for */
        if (r->head.status >= 200)
            return 1;
    }
}

/* One chunk-size line; 0 with *size, 1 more bytes needed, -1 invalid. */
static int chunk_size(struct evbuffer *in, long long *size)
{
    size_t eol_len = 0, n;
    struct evbuffer_ptr p = evbuffer_search_eol(in, NULL, &eol_len,
                                                EVBUFFER_EOL_CRLF_STRICT);
    char line[64], *s;
    long long v = 0;
    int digits = 0;
    if (p.pos < 0)
        return evbuffer_get_length(in) > 1024 ? -1 : 1;
    n = (size_t)p.pos;
    if (n > 1024)
        return -1;
    evbuffer_copyout(in, line, n < sizeof line ? n : sizeof line - 1);
    line[n < sizeof line ? n : sizeof line - 1] = '\0';
    evbuffer_drain(in, n + eol_len);
    for (s = line; *s; s++, digits++) {
        int d = *s >= '0' && *s <= '9'   ? *s - '0'
                : *s >= 'a' && *s <= 'f' ? *s - 'a' + 10
                : *s >= 'A' && *s <= 'F' ? *s - 'A' + 10
                                         : -1;
        if (d < 0)
            break;
        if (v > (1LL << 40))
            return -1;
        v = v * 16 + d;
    }
    if (!digits || (*s && *s != ';' && *s != ' ' && *s != '\t'))
        return -1;
    *size = v;
    return 0;
}

/* Move body bytes from in to out; 1 when the body is complete, 0 when
 * more is to come, -1 when the chunked framing is broken. */
static int decode(struct up_conn *c, struct evbuffer *in, struct evbuffer *out)
{
    size_t n;
    switch (c->mode) {
    case B_NONE:
        return 1;
    case B_EOF:
        evbuffer_add_buffer(out, in);
        return 0;
    case B_LENGTH:
        n = evbuffer_get_length(in);
        if ((long long)n > c->left)
            n = (size_t)c->left;
        evbuffer_remove_buffer(in, out, n);
        c->left -= (long long)n;
        return c->left == 0;
    case B_CHUNKED:
        break;
    }
    for (;;) {
        switch (c->part) {
        case K_SIZE: {
            int rc = chunk_size(in, &c->left);
            if (rc)
                return rc > 0 ? 0 : -1;
            c->part = c->left ? K_DATA : K_TRAILER;
            break;
        }
        case K_DATA:
            n = evbuffer_get_length(in);
            if ((long long)n > c->left)
                n = (size_t)c->left;
            evbuffer_remove_buffer(in, out, n);
            c->left -= (long long)n;
            if (c->left)
                return 0;
            c->part = K_CRLF;
            break;
        case K_CRLF: {
            char crlf[2];
            if (evbuffer_get_length(in) < 2)
                return 0;
            evbuffer_remove(in, crlf, 2);
            if (crlf[0] != '\r' || crlf[1] != '\n')
                return -1;
            c->part = K_SIZE;
            break;
        }
        case K_TRAILER: { /* trailer lines are read and dropped */
            size_t eol_len = 0;
            struct evbuffer_ptr p = evbuffer_search_eol(
                in, NULL, &eol_len, EVBUFFER_EOL_CRLF_STRICT);
            if (p.pos < 0)
                return evbuffer_get_length(in) > OD_UP_MAX_HEAD ? -1 : 0;
            c->trailer += (size_t)p.pos + eol_len;
            if (c->trailer > OD_UP_MAX_HEAD)
                return -1;
            evbuffer_drain(in, (size_t)p.pos + eol_len);
            if (p.pos == 0)
                return 1;
            break;
        }
        }
    }
}

/* The whole answer is in: the connection is free again. */
static void answer_complete(struct up_conn *c)
{
    struct od_up_req *r = c->req;
    int keep = c->keep && !c->eof && !c->sending &&
               evbuffer_get_length(c->in) == 0 &&
               (!c->ssl || BIO_ctrl_pending(c->rbio) == 0);
    c->reused = 1;
    c->req = NULL;
    r->conn = NULL;
    if (keep)
        conn_idle(c);
    else
        conn_close(c);
    req_end(r, OD_UP_OK, NULL);
}

/* Parse what has come of the answer; deliver head, data, done. */
static void pump(struct up_conn *c)
{
    struct od_up_req *r = c->req;
    struct evbuffer *in = c->in;
    int complete = 0;
    if (!r)
        return;
    if (evbuffer_get_length(in) > 0)
        r->got_bytes = 1;
    if (!c->head_done) {
        int rc = read_head(c, r, in);
        if (rc < 0) {
            conn_fail(c, OD_UP_E_PROTOCOL, "the answer is not valid HTTP");
            return;
        }
        if (rc == 0) {
            if (c->eof)
                conn_fail(c, OD_UP_E_CLOSED, "the connection was closed "
                                             "before the answer");
            return;
        }
        c->head_done = 1;
        if (call_head(r))
            return;
    }
    if (!r->want)
        return;
    complete = decode(c, in, r->out);
    if (complete < 0) {
        conn_fail(c, OD_UP_E_PROTOCOL, "the chunked answer is not valid");
        return;
    }
    if (!complete && c->eof && evbuffer_get_length(in) == 0) {
        if (c->mode != B_EOF) {
            /* what came is still delivered, then the failure */
            if (evbuffer_get_length(r->out) && call_data(r))
                return;
            conn_fail(c, OD_UP_E_CLOSED, "the connection was closed "
                                         "before the answer ended");
            return;
        }
        complete = 1;
    }
    if (evbuffer_get_length(r->out) && call_data(r))
        return;
    if (complete)
        answer_complete(c);
}

/* ---- the interface ---------------------------------------------------------- */

struct od_up_pool *od_up_pool_new(const struct od_up_config *cfg)
{
    struct od_up_pool *p = calloc(1, sizeof *p);
    char err[64];
    if (!p)
        return NULL;
    p->cfg = *cfg;
    p->cfg.origin = &p->origin;
    p->origin.port = cfg->origin->port;
    p->origin.tls = cfg->origin->tls;
    p->origin.host_is_ip = cfg->origin->host_is_ip;
    if (!(p->origin.host = strdup(cfg->origin->host)) ||
        !(p->origin.host_header = strdup(cfg->origin->host_header)) ||
        !(p->origin.path = strdup(cfg->origin->path ? cfg->origin->path
                                                    : "/"))) {
        od_up_pool_free(p);
        return NULL;
    }
    if (p->origin.host_is_ip) {
        int len = (int)sizeof p->addr;
        snprintf(err, sizeof err, strchr(p->origin.host, ':') ? "[%s]:%d"
                                                              : "%s:%d",
                 p->origin.host, p->origin.port);
        if (evutil_parse_sockaddr_port(err, (struct sockaddr *)&p->addr,
                                       &len) == 0)
            p->addrlen = len;
    }
    return p;
}

void od_up_pool_free(struct od_up_pool *p)
{
    if (!p)
        return;
    p->closing = 1; /* requests are freed from here on, not kept */
    while (p->spare) {
        struct od_up_req *r = p->spare;
        p->spare = r->wnext;
        req_destroy(r);
    }
    while (p->whead) {
        struct od_up_req *r = p->whead;
        p->whead = r->wnext;
        req_free(r);
    }
    p->wtail = NULL;
    p->cfg.max_conns = 0; /* no dispatching from conn_close now */
    while (p->conns) {
        struct up_conn *c = p->conns;
        if (c->req)
            req_free(c->req);
        c->req = NULL;
        conn_close(c);
    }
    od_hc_url_free(&p->origin);
    free(p);
}

int od_up_pool_conns(const struct od_up_pool *p)
{
    return p->nconns;
}

/* The request line and Host, without printf (the relay's hot path). */
static int request_head(struct evbuffer *b, const char *method,
                        const char *target, const char *host)
{
    return evbuffer_add(b, method, strlen(method)) ||
           evbuffer_add(b, " ", 1) ||
           evbuffer_add(b, target, strlen(target)) ||
           evbuffer_add(b, " HTTP/1.1\r\nHost: ", 17) ||
           evbuffer_add(b, host, strlen(host)) || evbuffer_add(b, "\r\n", 2);
}

static int content_length(struct evbuffer *b, size_t n)
{
    char num[24];
    int len = snprintf(num, sizeof num, "%zu", n);
    return evbuffer_add(b, "Content-Length: ", 16) ||
           evbuffer_add(b, num, (size_t)len) || evbuffer_add(b, "\r\n", 2);
}

struct od_up_req *od_up_send(struct od_up_pool *p, const char *method,
                             const char *target, struct evbuffer *body, int deadline_ms,
                             int retry, const struct od_up_ops *ops,
                             void *arg)
{
    struct od_up_req *r = req_alloc(p);
    size_t blen = body ? evbuffer_get_length(body) : 0;
    struct timeval tv;
    if (!r)
        return NULL;
    r->ops = ops;
    r->arg = arg;
    r->want = 1;
    r->is_head = strcmp(method, "HEAD") == 0;
    /* a copy is kept for a second attempt: small requests only */
    r->retry = retry && blen <= 64 * 1024;
    if (!r->wire || !r->out || !r->timer ||
        request_head(r->wire, method, target, p->origin.host_header) ||
        (ops->headers && ops->headers(arg, r->wire)) ||
        ((blen || strcmp(method, "POST") == 0 ||
          strcmp(method, "PUT") == 0 || strcmp(method, "PATCH") == 0) &&
         content_length(r->wire, blen)) ||
        evbuffer_add(r->wire, "\r\n", 2) ||
        (body && evbuffer_add_buffer(r->wire, body))) {
        req_free(r);
        return NULL;
    }
    tv.tv_sec = deadline_ms / 1000;
    tv.tv_usec = (deadline_ms % 1000) * 1000;
    evtimer_add(r->timer, &tv);
    dispatch(r);
    return r;
}

void od_up_want(struct od_up_req *r, int want)
{
    r->want = want != 0;
    if (r->want && r->conn && r->conn->state == C_BUSY)
        event_active(r->conn->kick, EV_TIMEOUT, 1);
}

void od_up_cancel(struct od_up_req *r)
{
    if (!r || r->cancelled)
        return;
    if (r->conn) {
        struct up_conn *c = r->conn;
        c->req = NULL;
        r->conn = NULL;
        /* a connection still connecting may serve the next request */
        if (c->state != C_CONNECTING)
            conn_close(c);
    } else {
        wait_remove(r->pool, r);
    }
    if (r->in_cb)
        r->cancelled = 1; /* freed when the callback returns */
    else
        req_free(r);
}
