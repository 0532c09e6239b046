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
 * Flow control rests on the bufferevent's read high-water mark: while the
 * caller does not want data, the answer stays in the connection's input
 * buffer, which stops reading the socket at OD_UP_WINDOW bytes.
 */
#include "core/odapi-internal.h"
#include "http/http-client-internal.h"
#include "http/upstream-internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
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
    struct bufferevent *bev;
    struct event *kick;          /* re-run the parser after od_up_want(1) */
    enum cstate state;
    int tls_phase;               /* connecting: TCP is up, TLS handshake on */
    uint64_t connect_start_ms;
    int reused;                  /* has carried a whole exchange */
    int keep;                    /* may carry the next one */
    int eof;                     /* the far side closed its end */
    struct od_up_req *req;
    struct up_conn *prev, *next;
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
};

static void conn_close(struct up_conn *c);
static void conn_fail(struct up_conn *c, enum od_up_error e, const char *why);
static void on_read(struct bufferevent *bev, void *arg);
static void on_event(struct bufferevent *bev, short what, void *arg);
static void dispatch(struct od_up_req *r);
static int start_tls(struct up_conn *c);
static void pump(struct up_conn *c);

/* ---- requests ---------------------------------------------------------------- */

static void req_free(struct od_up_req *r)
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
    snprintf(w, sizeof w, "%s", why ? why : "");
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

/* ---- connections ------------------------------------------------------------- */

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
    conn_unlink(c);
    bufferevent_free(c->bev);
    event_free(c->kick);
    free(c);
    if (p->whead && p->nconns < p->cfg.max_conns) {
        struct od_up_req *r = p->whead;
        wait_remove(p, r);
        dispatch(r);
    }
}

static void set_timeout(struct bufferevent *bev, int ms)
{
    struct timeval tv;
    tv.tv_sec = ms / 1000;
    tv.tv_usec = (ms % 1000) * 1000;
    bufferevent_set_timeouts(bev, &tv, &tv);
}

/* Hand the request's bytes to a connected connection. */
static void conn_start(struct up_conn *c, struct od_up_req *r)
{
    struct evbuffer *out = bufferevent_get_output(c->bev);
    c->req = r;
    r->conn = c;
    c->state = C_BUSY;
    c->head_done = 0;
    c->mode = B_NONE;
    c->eof = 0;
    c->trailer = 0;
    bufferevent_set_timeouts(c->bev, NULL, NULL); /* the request's timer */
    if (r->retry) { /* keep a copy for a second attempt */
        size_t n = evbuffer_get_length(r->wire);
        evbuffer_add(out, evbuffer_pullup(r->wire, (ev_ssize_t)n), n);
    } else {
        evbuffer_add_buffer(out, r->wire);
    }
    bufferevent_enable(c->bev, EV_READ | EV_WRITE);
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
    set_timeout(c->bev, p->cfg.idle_ms);
    bufferevent_disable(c->bev, EV_WRITE);
    bufferevent_enable(c->bev, EV_READ); /* to see it closed */
}

/* Why a connection failed, and which kind of failure it is. */
static enum od_up_error classify(struct up_conn *c, short what, char *why,
                                 size_t len)
{
    int err = EVUTIL_SOCKET_ERROR();
    int dns = bufferevent_socket_get_dns_error(c->bev);
    SSL *ssl = c->tls_phase || c->state != C_CONNECTING
                   ? bufferevent_openssl_get_ssl(c->bev) : NULL;
    unsigned long e = ssl ? bufferevent_get_openssl_error(c->bev) : 0;
    why[0] = '\0';
    if (c->state == C_CONNECTING && !c->tls_phase) { /* TCP */
        if (dns)
            snprintf(why, len, "cannot resolve %s: %s", c->pool->origin.host,
                     evutil_gai_strerror(dns));
        else if (what & BEV_EVENT_TIMEOUT)
            snprintf(why, len, "no connection in time");
        else
            snprintf(why, len, "%s", err ? evutil_socket_error_to_string(err)
                                         : "cannot connect");
        return what & BEV_EVENT_TIMEOUT ? OD_UP_E_CONNECT_TIMEOUT
                                        : OD_UP_E_CONNECT;
    }
    if (what & BEV_EVENT_TIMEOUT) {
        snprintf(why, len, "%s", c->state == C_CONNECTING
                                     ? "no TLS handshake in time"
                                     : "no answer in time");
        return c->state == C_CONNECTING ? OD_UP_E_CONNECT_TIMEOUT
                                        : OD_UP_E_TIMEOUT;
    }
    if (ssl)
        od_hc_tls_why(ssl, e, why, len);
    ERR_clear_error();
    if (why[0])
        return OD_UP_E_TLS;
    if (c->state == C_CONNECTING) {
        snprintf(why, len, "the connection was closed during the TLS "
                           "handshake%s%s", err ? ": " : "",
                 err ? evutil_socket_error_to_string(err) : "");
        return OD_UP_E_TLS;
    }
    snprintf(why, len, "the connection was closed before the answer "
                       "ended");
    return OD_UP_E_CLOSED;
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

static void on_event(struct bufferevent *bev, short what, void *arg)
{
    struct up_conn *c = arg;
    char why[160];
    enum od_up_error e;
    (void)bev;
    if (what & BEV_EVENT_CONNECTED) {
        if (c->pool->origin.tls && !c->tls_phase) {
            if (start_tls(c) != 0)
                conn_fail(c, OD_UP_E_NOMEM, "out of memory");
            return;
        }
        c->state = C_IDLE; /* for conn_start/conn_idle */
        bufferevent_set_timeouts(c->bev, NULL, NULL);
        if (c->req)
            conn_start(c, c->req);
        else
            conn_idle(c);
        return;
    }
    if (c->state == C_IDLE) { /* closed by the far side, or idle too long */
        conn_close(c);
        return;
    }
    if (c->state == C_BUSY && (what & BEV_EVENT_EOF)) {
        c->eof = 1; /* the answer may still be complete */
        pump(c);
        return;
    }
    e = classify(c, what, why, sizeof why);
    conn_fail(c, e, why);
}

static void on_read(struct bufferevent *bev, void *arg)
{
    struct up_conn *c = arg;
    (void)bev;
    if (c->state == C_BUSY) {
        pump(c);
        return;
    }
    conn_close(c); /* bytes nobody asked for */
}

static void on_kick(evutil_socket_t fd, short what, void *arg)
{
    struct up_conn *c = arg;
    (void)fd;
    (void)what;
    if (c->state == C_BUSY)
        pump(c);
}

/* TCP is up: the socket moves into a TLS bufferevent for the handshake,
 * within what is left of the connect time. Two bufferevents, so that a
 * failure says whether the network or TLS refused us. */
static int start_tls(struct up_conn *c)
{
    struct od_up_pool *p = c->pool;
    evutil_socket_t fd = bufferevent_getfd(c->bev);
    uint64_t spent = od_now_ms() - c->connect_start_ms;
    struct bufferevent *tls;
    SSL *ssl = od_hc_ssl_new(p->cfg.ctx, &p->origin);
    if (!ssl)
        return -1;
    /* A close without close_notify is an end of the connection like any
     * other (evhttp sends none): an answer cut short is still seen as such
     * by its length or chunks. OpenSSL 3 would report an error instead. */
    SSL_set_options(ssl, SSL_OP_IGNORE_UNEXPECTED_EOF);
    bufferevent_setfd(c->bev, -1); /* the socket is the TLS one's now */
    tls = bufferevent_openssl_socket_new(p->cfg.base, fd, ssl,
                                         BUFFEREVENT_SSL_CONNECTING,
                                         BEV_OPT_CLOSE_ON_FREE |
                                             BEV_OPT_DEFER_CALLBACKS);
    if (!tls) {
        SSL_free(ssl);
        evutil_closesocket(fd);
        return -1;
    }
    bufferevent_free(c->bev);
    c->bev = tls;
    c->tls_phase = 1;
    /* evhttp closes without close_notify: that ends a connection, it is
     * not an attack on an answer whose length is known */
    bufferevent_openssl_set_allow_dirty_shutdown(tls, 1);
    bufferevent_setcb(tls, on_read, NULL, on_event, c);
    bufferevent_setwatermark(tls, EV_READ, 0, OD_UP_WINDOW);
    set_timeout(tls, spent < (uint64_t)p->cfg.connect_ms
                         ? p->cfg.connect_ms - (int)spent : 1);
    bufferevent_enable(tls, EV_WRITE);
    return 0;
}

static struct up_conn *conn_open(struct od_up_pool *p)
{
    struct up_conn *c = calloc(1, sizeof *c);
    int rc;
    if (!c)
        return NULL;
    c->pool = p;
    c->state = C_CONNECTING;
    c->connect_start_ms = od_now_ms();
    c->bev = bufferevent_socket_new(p->cfg.base, -1, BEV_OPT_CLOSE_ON_FREE |
                                                         BEV_OPT_DEFER_CALLBACKS);
    if (!c->bev || !(c->kick = event_new(p->cfg.base, -1, 0, on_kick, c)))
        goto fail;
    bufferevent_setcb(c->bev, on_read, NULL, on_event, c);
    bufferevent_setwatermark(c->bev, EV_READ, 0, OD_UP_WINDOW);
    set_timeout(c->bev, p->cfg.connect_ms);
    bufferevent_enable(c->bev, EV_WRITE);
    if (p->addrlen)
        rc = bufferevent_socket_connect(c->bev, (struct sockaddr *)&p->addr,
                                        p->addrlen);
    else
        rc = bufferevent_socket_connect_hostname(c->bev, p->cfg.dns,
                                                 AF_UNSPEC, p->origin.host,
                                                 p->origin.port);
    if (rc != 0)
        goto fail;
    c->next = p->conns;
    if (p->conns)
        p->conns->prev = c;
    p->conns = c;
    p->nconns++;
    return c;
fail:
    if (c->bev)
        bufferevent_free(c->bev);
    if (c->kick)
        event_free(c->kick);
    free(c);
    return NULL;
}

/* An idle connection, a new one, or a place in the queue. */
static void dispatch(struct od_up_req *r)
{
    struct od_up_pool *p = r->pool;
    struct up_conn *c;
    for (c = p->conns; c; c = c->next)
        if (c->state == C_IDLE) {
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

static int token_char(unsigned char ch)
{
    return ch > 0x20 && ch < 0x7f && !strchr("()<>@,;:\\\"/[]?={}", ch);
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
    if (strcasecmp(line, "Content-Length") == 0) {
        if (parse_length(v, &len) ||
            (h->content_length >= 0 && h->content_length != len))
            return -1;
        h->content_length = len;
    } else if (strcasecmp(line, "Transfer-Encoding") == 0) {
        if (strcasecmp(v, "chunked") != 0)
            return -1; /* no other coding is ever asked for */
        *chunked = 1;
    } else if (strcasecmp(line, "Connection") == 0) {
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
        if (n > OD_UP_MAX_HEAD || !(buf = malloc(n + 1)))
            return -1;
        evbuffer_remove(in, buf, n);
        buf[n] = '\0';
        free(r->headbuf);
        r->headbuf = buf;
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
    int keep = c->keep && !c->eof &&
               evbuffer_get_length(bufferevent_get_input(c->bev)) == 0;
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
    struct evbuffer *in = bufferevent_get_input(c->bev);
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

struct od_up_req *od_up_send(struct od_up_pool *p, const char *method,
                             const char *target, struct evbuffer *headers,
                             struct evbuffer *body, int deadline_ms,
                             int retry, const struct od_up_ops *ops,
                             void *arg)
{
    struct od_up_req *r = calloc(1, sizeof *r);
    size_t blen = body ? evbuffer_get_length(body) : 0;
    struct timeval tv;
    if (!r)
        return NULL;
    r->pool = p;
    r->ops = ops;
    r->arg = arg;
    r->want = 1;
    r->is_head = strcmp(method, "HEAD") == 0;
    /* a copy is kept for a second attempt: small requests only */
    r->retry = retry && blen <= 64 * 1024;
    r->wire = evbuffer_new();
    r->out = evbuffer_new();
    r->timer = evtimer_new(p->cfg.base, on_timer, r);
    if (!r->wire || !r->out || !r->timer ||
        evbuffer_add_printf(r->wire, "%s %s HTTP/1.1\r\nHost: %s\r\n", method,
                            target, p->origin.host_header) < 0 ||
        (headers && evbuffer_add_buffer(r->wire, headers)) ||
        ((blen || strcmp(method, "POST") == 0 ||
          strcmp(method, "PUT") == 0 || strcmp(method, "PATCH") == 0) &&
         evbuffer_add_printf(r->wire, "Content-Length: %zu\r\n", blen) < 0) ||
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
