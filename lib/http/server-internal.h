/*
 * server-internal.h - the server, its routes and its requests.
 */
#ifndef ODAPI_SERVER_INTERNAL_H
#define ODAPI_SERVER_INTERNAL_H

#include "core/odapi-internal.h"
#include "db/db-internal.h"

#include <pthread.h>

struct event;
struct evhttp;
struct evhttp_request;
struct evhttp_bound_socket;
struct bufferevent;
struct evbuffer_cb_entry;
struct evbuffer;
struct od_db;
struct od_cred;
struct od_logfile;
struct od_opdoc;
struct od_conn;
struct od_events;
struct od_relay;
struct od_metrics;
struct od_buf;
struct ssl_ctx_st;

#define OD_MAX_SEGS 8     /* path segments after /api/v1 */
#define OD_MAX_QUERY 32   /* query parameters kept */

/* ---- routes (router.c) -------------------------------------------------- */

struct od_route {
    char method[8];
    int nsegs;
    char *segs[OD_MAX_SEGS];       /* literal text, or the name of a {param} */
    unsigned char is_param[OD_MAX_SEGS];
    int keys;                      /* built-in: a {param} is a key, so only
                                      a number matches it */
    odapi_permission perm;
    odapi_handler_fn fn;
    void *arg;
    const struct od_opdoc *doc;    /* a hand-written route's declaration
                                      (engine/openapi-internal.h) */
};

struct od_router {
    struct od_route *routes;
    int n, cap;
    int builtin;    /* set while the built-in routes are added: their
                       {params} are keys (od_route.keys) */
};

enum od_match {
    OD_MATCH_OK = 0,
    OD_MATCH_NOT_API,          /* outside /api/v1/: 404 */
    OD_MATCH_HEALTH,           /* /api/v1 or /api/v1/ */
    OD_MATCH_NO_RESOURCE,      /* 404 "x is not a valid resource." */
    OD_MATCH_NO_METHOD,        /* 400 "r M a is not a valid method." */
    OD_MATCH_BAD_PATH          /* 400: too many segments, bad escapes */
};

int od_router_add(struct od_router *r, const char *method, const char *pattern,
                  odapi_permission perm, odapi_handler_fn fn, void *arg);
void od_router_free(struct od_router *r);
/* Split the path (no query) into decoded segments after /api/v1 and find a
 * route. segs/nsegs receive the segments (pointing into buf); on
 * OD_MATCH_NO_RESOURCE / NO_METHOD msg gets Open Dental's error sentence. */
enum od_match od_router_match(const struct od_router *r, const char *method,
                              const char *path, char *buf, size_t bufsize,
                              char **segs, int *nsegs,
                              const struct od_route **route, char *msg,
                              size_t msgsize);

/* ---- query strings (query.c) -------------------------------------------- */

struct od_query {
    int n;
    char *names[OD_MAX_QUERY];
    char *values[OD_MAX_QUERY];
    char *buf;
};

/* Decode once: '+' and %20 are spaces; %XX bytes; a bad escape is kept as
 * text. Returns 0, -1 for too many parameters / out of memory, -2 for an
 * encoded NUL. */
int od_query_parse(struct od_query *q, const char *query);
const char *od_query_get(const struct od_query *q, const char *name);
void od_query_free(struct od_query *q);
/* Decode %XX (and '+' when plus) in place; returns the new length. */
size_t od_url_decode(char *s, int plus);

/* ---- the wire: request heads and chunk lines as bytes (wire.c) ---------- */

struct od_head {
    char method[8];            /* one of the methods routes can have */
    const char *target;        /* the request-target, inside the head */
    size_t target_len;
    int http10;                /* HTTP/1.0 (else HTTP/1.1) */
    int has_cl;                /* a Content-Length was given */
    uint64_t content_length;
    int chunked;               /* Transfer-Encoding: chunked */
    int expect_continue;       /* Expect: 100-continue */
    int nhost;                 /* Host headers seen */
};

/* The length of the head at p (through its empty line), 0 while it is
 * incomplete. */
size_t od_wire_head_end(const char *p, size_t len);
/* Check a complete head (od_wire_head_end bytes) and fill h. 0, or the
 * HTTP status to answer with a sentence in msg. */
int od_wire_head(const char *p, size_t len, struct od_head *h, char *msg,
                 size_t msgsize);
/* One chunk-size line (without its LF): 0 and *size, or -1. */
int od_wire_chunk_line(const char *p, size_t len, uint64_t *size);
/* One trailer field line (without its LF): 0 when well-formed, else -1. */
int od_wire_field_line(const char *p, size_t len);

/* ---- connections and the guard in front of evhttp (server.c, guard.c) --- */

/* Where the guard is in a connection's byte stream. */
enum od_guard_state {
    OD_G_HEAD = 0,    /* waiting for a request head */
    OD_G_BODY,        /* a Content-Length body: left bytes to pass */
    OD_G_CHUNK_SIZE,  /* a chunk-size line */
    OD_G_CHUNK_DATA,  /* chunk data: left bytes to pass */
    OD_G_CHUNK_END,   /* the CRLF after chunk data */
    OD_G_TRAILER,     /* trailer lines after the last chunk */
    OD_G_DEAD         /* refused: the rest is read and dropped */
};

struct od_guard {
    enum od_guard_state state;
    uint64_t left;            /* OD_G_BODY, OD_G_CHUNK_DATA */
    uint64_t total, cap;      /* chunked: body bytes so far; the limit */
    size_t scan, line;        /* OD_G_HEAD: bytes scanned, current line start */
    size_t trailer;           /* trailer bytes so far */
    uint64_t head_since_ms;   /* first byte of an unfinished head; 0: none */
    unsigned long passed;     /* request heads handed to evhttp */
    unsigned long done;       /* requests answered */
    int held;                 /* a head waits for the one before, or for
                                 the client to read its answers */
    int want_status;          /* refuse at the next chance (sweep, accept) */
    int reject_status;        /* the next request evhttp dispatches is
                                 answered with this, and the connection
                                 closed */
    char reject_msg[128];
    char reject_id[65];       /* the refused head's X-Request-Id, when it
                                 had a sane one (guard.c): the stand-in
                                 carries it, so the answer and its access
                                 line do */
};

/* One client connection: evhttp's bufferevent (the socket's or TLS's), and
 * what the guard keeps of it. */
struct od_conn_track {
    odapi_server *srv;
    struct bufferevent *bev;
    struct evbuffer *pending; /* read, not yet given to evhttp (guard.c) */
    int idx;                  /* in srv->conns */
    uint64_t since_ms;        /* accepted, or last request answered */
    int inflight;
    unsigned char addr[16];   /* the peer (IPv4 as ::ffff:a.b.c.d) */
    unsigned counted : 1;     /* in srv->addrs */
    unsigned closecb : 1;     /* evhttp tells us when it frees it */
    unsigned released : 1;    /* evhttp is done with it; not in srv->conns */
    unsigned queued : 1;      /* in srv->work */
    unsigned busy : 1;        /* od_guard_work is at it */
    unsigned fresh : 1;       /* the peer is not looked at yet */
    unsigned tls : 1;         /* bev is OpenSSL's (its input is not frozen) */
    unsigned out_event : 1;   /* an event came while a request was out */
    uint64_t linger_until_ms; /* refused: keep reading (and dropping) until */
    uint64_t progress_ms;     /* last time the client read some output */
    struct evbuffer_cb_entry *in_cb, *out_cb; /* on bev's buffers (guard.c) */
    struct evbuffer_cb_entry *sock_out_cb;    /* TLS: on the socket's output */
    struct event *watch;      /* a second reader of the socket (server.c) */
    int in_guard;             /* the guard is moving bytes (guard.c) */
    struct od_conn_track *work_next;
    struct od_guard g;
};

/* Free t once evhttp, the requests and the work queue are all done with
 * it (server.c). */
void od_conn_maybe_free(struct od_conn_track *t);
/* Send an answer just queued on t at once (server.c); t's bufferevent may
 * be freed on return. */
void od_conn_send_now(struct od_conn_track *t);
/* The same for any evhttp bufferevent, e.g. the relay's client side
 * (server.c); bev may be freed on return. */
void od_bev_send_now(struct bufferevent *bev);
/* A request on t was handed over (database pool, far side) in the turn
 * evhttp stopped reading t: read on meanwhile, the guard holding what
 * comes, until evhttp takes t back with the answer (server.c). */
void od_conn_keep_reading(struct od_conn_track *t);
/* Keep t's socket in epoll while evhttp turns its reading off and on
 * around a request (server.c). */
void od_conn_watch(struct od_conn_track *t);
/* guard.c */
/* Put the guard on evhttp's bufferevent for t (0), or -1 (out of memory;
 * nothing changed). od_guard_unwrap takes it off (at release). */
int od_guard_wrap(odapi_server *srv, struct od_conn_track *t,
                  struct bufferevent *bev);
void od_guard_unwrap(struct od_conn_track *t);
/* One step of the guard from src to dst, without a bufferevent (t->bev
 * NULL; fuzz_guard): 1 when it did something and may do more. */
int od_guard_step(struct od_conn_track *t, struct evbuffer *src,
                  struct evbuffer *dst);
/* Bytes evhttp has written to the connection that the client has not
 * read yet (in our buffers). */
size_t od_guard_unsent(const struct od_conn_track *t);
/* 1 when the guard holds as much of t's input as it will: t's reading
 * stays off until evhttp's next request. */
int od_guard_full(const struct od_conn_track *t);
/* A request on t was answered: let the next one through. */
void od_guard_request_done(odapi_server *srv, struct od_conn_track *t);
/* Queue t for the loop's connection work (the peer check, a held head). */
void od_guard_queue(odapi_server *srv, struct od_conn_track *t);
/* The sweep's part: refuse a head that takes longer than
 * ODAPI_LIMIT_HEADER_TIMEOUT; over ODAPI_LIMIT_MAX_OUTPUT, drop t if
 * it stopped reading. May release t (the caller holds it busy). */
void od_guard_sweep(odapi_server *srv, struct od_conn_track *t,
                    uint64_t now_ms);
/* Connection work queued by od_guard_queue (srv->work_ev). */
void od_guard_work(odapi_server *srv);
/* Count (or uncount) t's peer address; 0, or -1 when the address has more
 * than ODAPI_LIMIT_MAX_CONNECTIONS_PER_ADDRESS connections. */
int od_guard_addr_add(odapi_server *srv, struct od_conn_track *t);
void od_guard_addr_remove(odapi_server *srv, struct od_conn_track *t);

/* ---- requests (request.c) ----------------------------------------------- */

/* Bodies longer than this are parsed on a worker thread before the
 * handler runs (jansson takes 2-6 ms for 64 KiB, 25-100 ms for 1 MiB on
 * the reference machine: docs/http.md, "Request bodies"). */
#define OD_PARSE_INLINE_MAX (64 * 1024)

/* The longest X-Request-Id taken from a client (docs/http.md). */
#define OD_REQUEST_ID_MAX 64

struct odapi_request {
    odapi_server *srv;
    struct evhttp_request *ev;
    const struct od_route *route;
    char method[8];
    char *path;                    /* copy, without the query */
    char *uri;                     /* copy of the whole URI, for the log */
    char *segbuf;
    char *segs[OD_MAX_SEGS];
    int nsegs;
    struct od_query query;
    char *body;
    size_t body_len;
    char developer[128];
    char key_hash[17];
    char request_id[OD_REQUEST_ID_MAX + 1]; /* X-Request-Id (request.c) */
    char customer_key[129];        /* the caller's CustomerKey (on_cred) */
    uint64_t perms;
    uint64_t start_us;
    struct od_conn_track *conn;
    int replied;
    int close;                     /* answer with Connection: close */
    int parsed;                    /* json is the parsed body (NULL: not
                                      JSON) */
    struct json_t *json;
    int status;
    odapi_request *live_prev, *live_next; /* srv->live list */
    char no_body[1];               /* body when there is none */
    char text[];                   /* path, uri and segbuf (request.c) */
};

/* Make a request object for an incoming evhttp request (NULL: out of mem). */
odapi_request *od_request_new(odapi_server *srv, struct evhttp_request *ev);
void od_request_free(odapi_request *req);
/* Move the body out of evhttp into req->body (od_request_new does, except
 * for the Cloud relay, which forwards it from evhttp's buffer). 0, or -1
 * when out of memory. */
int od_request_take_body(odapi_request *req);
unsigned long od_request_elapsed_us(const odapi_request *req);
/* Queue database work for a request; when it cannot be queued (no
 * database, queue full, stopping) answer 503 and return -1: the caller
 * then frees its job. 0 when queued. */
int od_request_submit(odapi_request *req,
                      int (*work)(struct od_conn *c, void *arg),
                      void (*done)(void *arg, int status), void *arg);
/* req's database work was queued (od_request_submit does this itself):
 * its connection is read on meanwhile (od_conn_keep_reading). */
void od_request_out(odapi_request *req);
/* The body parsed as JSON (a new reference, NULL when it is not valid
 * JSON): parsed once, on a worker thread when it is big (server.c). */
struct json_t *od_request_json(odapi_request *req);
/* Parse the body now (on the calling thread); 0, or -1 when it is not
 * JSON. */
int od_request_parse(odapi_request *req);
/* Reply and free the request. */
void od_request_finish(odapi_request *req, int status, const char *body,
                       size_t len);
/* The same with a body from malloc that the reply takes over: it is sent
 * from where it is (no copy of a large answer on the loop thread) and
 * freed once written, or now when there is no one to send it to. */
void od_request_finish_take(odapi_request *req, int status, char *body,
                            size_t len);

/* ---- the server (server.c) ---------------------------------------------- */

struct od_catalog;

/* What the layers above the HTTP core add to a server. lib/routes.c hands
 * them to od_server_new (it is odapi_server_new), and the server calls
 * them without knowing them, so nothing below reaches up. */
struct od_server_parts {
    /* odapi_server_start: the built-in routes (not in relay mode) */
    void (*add_routes)(odapi_server *srv);
    /* odapi_server_start, listening: what runs beside the requests
     * (Database Events); ODAPI_OK, or an error with a sentence in err.
     * stop: on odapi_server_stop and when the server stops. */
    int (*start)(odapi_server *srv, char *err, size_t errlen);
    void (*stop)(odapi_server *srv);
    /* odapi_server_prepare_database's look at the database once checked
     * (an od_db_inspect_fn; arg is the server's od_logger) */
    int (*inspect)(MYSQL *m, struct od_catalog *cat, const char *version,
                   void *arg);
    /* GET /metrics: append what the layers count, in Prometheus text
     * (http/metrics.c writes the HTTP core's own first) */
    void (*metrics)(odapi_server *srv, struct od_buf *out);
};

/* odapi_server_new with the parts above. */
int od_server_new(const odapi_config *cfg, struct event_base *base,
                  const struct od_server_parts *parts, odapi_server **out);

struct odapi_server {
    odapi_config *cfg;
    const struct od_server_parts *parts;
    struct od_logger *log;
    struct event_base *base;
    int own_base;
    struct evhttp *http;
    struct evhttp_bound_socket *bound[OD_MAX_LISTEN];
    int nbound;
    unsigned port;
    char base_url[128];
    char errmsg[512];
    struct od_router router;
    struct od_router files;        /* routes whose bodies are files: the
                                      guard caps them at lim_body */
    struct od_db *db;
    struct od_cred *cred;
    struct od_logfile *logfile;
    struct ssl_ctx_st *ssl_ctx;
    struct od_events *events;     /* Database Events (events.c), or NULL */
    struct od_relay *relay;       /* Cloud relay (relay.c), or NULL */
    struct od_metrics *metrics;   /* GET /metrics (metrics.c), or NULL */
    /* Database Events as the health route reports them (events.c sets
     * them on the loop thread): "off", "starting", "firing", "standby" or
     * "unavailable", and why when not firing */
    const char *events_state;
    char events_reason[320];

    /* connection tracking (server.c) */
    struct od_conn_track **conns;
    int nconns, capconns;
    uint64_t trim_after_ms;       /* last close; 0: nothing to trim */
    struct od_conn_track **ht;    /* bev -> track, open addressing */
    size_t htcap;                 /* a power of two, > 2 * nconns */
    struct event *sweep_ev;
    int listeners_paused;
    struct event *work_ev;        /* od_guard_work */
    struct od_conn_track *work;   /* its queue */
    struct od_addr_count *addrs;  /* connections per peer (guard.c) */
    struct evbuffer *scratch;     /* guard.c, on_input */
    size_t addrcap, naddrs;
    uint64_t addr_warned_ms, evict_warned_ms;
    /* limits read once at start (guard.c) */
    size_t lim_headers, lim_output;
    size_t unsent_total;          /* od_guard_unsent over all connections */
    uint64_t lim_json_body, lim_body;
    uint64_t lim_header_ms;
    long lim_per_addr;

    /* lifecycle */
    int started, stopping;
    long inflight;                /* requests received, not yet answered */
    struct event *stop_ev;        /* activated by odapi_server_stop_async */
    struct event *drain_ev;
    uint64_t drain_deadline_ms;
    struct event *sig_ev[4]; /* INT, TERM, HUP, USR1 */
    void (*hup_fn)(void *);
    void *hup_arg;
    uint64_t started_ms;
    unsigned long requests;       /* answered so far */
    odapi_request *live;          /* requests not yet answered */
    long queries_running;         /* queries.c; atomic */
};

/* ---- metrics (metrics.c) ------------------------------------------------ */

/* Start the /metrics listener cfg names (ODAPI_OK, or an error with a
 * sentence in err); count an answered request (loop thread, no lock);
 * free the listener and the counters. */
int od_metrics_start(odapi_server *srv, char *err, size_t errlen);
void od_metrics_count(odapi_server *srv, const odapi_request *req);
void od_metrics_free(odapi_server *srv);
/* For the parts' writers: "# HELP" and "# TYPE" lines; a label value
 * escaped. */
void od_metrics_head(struct od_buf *b, const char *name, const char *type,
                     const char *help);
void od_metrics_label(struct od_buf *b, const char *v);

/* Called by request.c when a request is answered. */
void od_server_request_done(odapi_server *srv, odapi_request *req);
/* The health body (health.c). */
char *od_health_json(odapi_server *srv, size_t *len);

#endif /* ODAPI_SERVER_INTERNAL_H */
