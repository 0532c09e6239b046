/*
 * server-internal.h - the server, its routes and its requests.
 */
#ifndef ODAPI_SERVER_INTERNAL_H
#define ODAPI_SERVER_INTERNAL_H

#include "core/odapi-internal.h"

#include <pthread.h>

struct event;
struct evhttp;
struct evhttp_request;
struct evhttp_bound_socket;
struct bufferevent;
struct od_db;
struct od_cred;
struct od_logfile;
struct od_conn;
struct od_events;
struct od_relay;
struct ssl_ctx_st;

#define OD_MAX_SEGS 8     /* path segments after /api/v1 */
#define OD_MAX_QUERY 32   /* query parameters kept */

/* ---- routes (router.c) -------------------------------------------------- */

struct od_route {
    char method[8];
    int nsegs;
    char *segs[OD_MAX_SEGS];       /* literal text, or the name of a {param} */
    unsigned char is_param[OD_MAX_SEGS];
    odapi_permission perm;
    odapi_handler_fn fn;
    void *arg;
};

struct od_router {
    struct od_route *routes;
    int n, cap;
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
 * OD_MATCH_NO_RESOURCE / NO_METHOD msg gets the spec's error sentence. */
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

/* ---- requests (request.c) ----------------------------------------------- */

struct od_conn_track; /* server.c */

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
    char customer_key[129];        /* the caller's CustomerKey (on_cred) */
    uint64_t perms;
    uint64_t start_us;
    struct od_conn_track *conn;
    int replied;
    int status;
    odapi_request *live_prev, *live_next; /* srv->live list */
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
/* Reply and free the request. */
void od_request_finish(odapi_request *req, int status, const char *body,
                       size_t len);

/* ---- the server (server.c) ---------------------------------------------- */

struct odapi_server {
    odapi_config *cfg;
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
    struct od_db *db;
    struct od_cred *cred;
    struct od_logfile *logfile;
    struct ssl_ctx_st *ssl_ctx;
    struct od_events *events;     /* Database Events (events.c), or NULL */
    struct od_relay *relay;       /* Cloud relay (relay.c), or NULL */
    /* Database Events as the health route reports them (events.c sets
     * them on the loop thread): "off", "starting", "firing", "standby" or
     * "unavailable", and why when not firing */
    const char *events_state;
    char events_reason[320];

    /* connection tracking (server.c) */
    struct od_conn_track **conns;
    int nconns, capconns;
    struct od_conn_track **ht;    /* bev -> track, open addressing */
    size_t htcap;                 /* a power of two, > 2 * nconns */
    struct event *sweep_ev;
    int listeners_paused;

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

/* Called by request.c when a request is answered. */
void od_server_request_done(odapi_server *srv, odapi_request *req);
/* Register the built-in resources (routes.c). */
void od_register_builtin_routes(odapi_server *srv);
/* The health body (health.c). */
char *od_health_json(odapi_server *srv, size_t *len);

#endif /* ODAPI_SERVER_INTERNAL_H */
