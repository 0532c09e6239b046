/*
 * upstream-internal.h - a pool of kept-alive HTTP/1.1 connections to one
 * origin, over TLS (bufferevent_openssl), whose answers are streamed to
 * the caller in bounded pieces with flow control. The Cloud relay
 * (relay.c) forwards requests through it. Written beside core/http-client.c
 * (one-shot calls over evhttp) because a relay needs what evhttp's client
 * cannot give: a separate connect time limit, pausing an answer while the
 * workstation's client is slow, and knowing whether any byte of an answer
 * came before a kept-alive connection broke (docs/cloud.md).
 *
 * Everything here runs on the event loop thread. Callbacks never run
 * before od_up_send() returns.
 */
#ifndef OD_UPSTREAM_INTERNAL_H
#define OD_UPSTREAM_INTERNAL_H

#include <stddef.h>

struct event_base;
struct evdns_base;
struct evbuffer;
struct ssl_ctx_st;
struct od_hc_url;

struct od_up_pool;
struct od_up_req;

#define OD_UP_MAX_HEADERS 64
#define OD_UP_MAX_HEAD (16 * 1024)  /* status line and headers */
#define OD_UP_WINDOW (256 * 1024)   /* answer bytes held per connection */

struct od_up_config {
    struct event_base *base;
    struct evdns_base *dns;         /* NULL: blocking resolution */
    struct ssl_ctx_st *ctx;         /* needed for https */
    const struct od_hc_url *origin; /* host, port, tls, host_header */
    int connect_ms;                 /* TCP connect and TLS handshake */
    int max_conns;
    int idle_ms;                    /* close a connection idle this long */
};

/* An answer's head. Pointers are valid during the head callback only. */
struct od_up_head {
    int status;
    int minor;                      /* HTTP/1.minor */
    const char *reason;             /* the status line's phrase; NULL when
                                       empty or not printable */
    int nheaders;
    const char *name[OD_UP_MAX_HEADERS];
    const char *value[OD_UP_MAX_HEADERS];
    long long content_length;       /* -1: none (chunked, or to the end) */
};

enum od_up_error {
    OD_UP_OK = 0,
    OD_UP_E_CONNECT,         /* no connection: refused, unreachable, name */
    OD_UP_E_CONNECT_TIMEOUT, /* no connection within connect_ms */
    OD_UP_E_TLS,             /* handshake or certificate refused */
    OD_UP_E_CLOSED,          /* connection ended before the answer did */
    OD_UP_E_PROTOCOL,        /* the answer is not valid HTTP/1.x */
    OD_UP_E_TIMEOUT,         /* the request's deadline passed */
    OD_UP_E_NOMEM
};

/* headers: called once inside od_up_send() to write the request's own
 * header lines ("Name: value\r\n") straight into its wire buffer; 0, or
 * -1 when out of memory; NULL: none. head: once, before any data. data:
 * answer body bytes in body; take all of them (evbuffer_add_buffer). data
 * is called only while the request wants data (od_up_want; on by
 * default). done: last, once; e OD_UP_OK
 * when the whole answer was delivered; why is a short phrase for logs.
 * got_bytes: whether any byte of an answer had come. */
struct od_up_ops {
    int (*headers)(void *arg, struct evbuffer *wire);
    void (*head)(void *arg, const struct od_up_head *h);
    void (*data)(void *arg, struct evbuffer *body);
    void (*done)(void *arg, enum od_up_error e, const char *why,
                 int got_bytes);
};

/* NULL when out of memory. The config is copied. */
struct od_up_pool *od_up_pool_new(const struct od_up_config *cfg);
/* Closes every connection; requests still pending are dropped without
 * callbacks (cancel them first). */
void od_up_pool_free(struct od_up_pool *p);
/* Connections open now (idle or busy), and requests waiting for one. */
int od_up_pool_conns(const struct od_up_pool *p);

/* Send "method target HTTP/1.1" (target in origin form, "/api/v1/x?y")
 * with the header lines ops->headers writes (Host and Content-Length are
 * added here) and body (moved out; NULL: none).
 * deadline_ms bounds the whole exchange. retry: the request may be sent
 * again, once, on a new connection when a kept-alive one turns out to be
 * closed before any byte of the answer (GET and HEAD; never for a request
 * the far side may have carried out). NULL when out of memory. */
struct od_up_req *od_up_send(struct od_up_pool *p, const char *method,
                             const char *target, struct evbuffer *body, int deadline_ms,
                             int retry, const struct od_up_ops *ops,
                             void *arg);
/* Flow control: with want 0 no data callback comes, the answer waits in
 * the connection (at most OD_UP_WINDOW bytes, then the far side is not
 * read); want 1 resumes (later, from the loop). */
void od_up_want(struct od_up_req *r, int want);
/* Drop a request: no more callbacks. Its connection is closed unless it
 * was idle. May be called from head and data callbacks, not from done. */
void od_up_cancel(struct od_up_req *r);

#endif /* OD_UPSTREAM_INTERNAL_H */
