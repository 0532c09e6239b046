/* request.c - the request object handed to handlers, and replies. */
#include "http/server-internal.h"
#include "db/db-internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <jansson.h>
#include <openssl/rand.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

static const char *method_name(enum evhttp_cmd_type t)
{
    switch (t) {
    case EVHTTP_REQ_GET: return "GET";
    case EVHTTP_REQ_POST: return "POST";
    case EVHTTP_REQ_HEAD: return "HEAD";
    case EVHTTP_REQ_PUT: return "PUT";
    case EVHTTP_REQ_DELETE: return "DELETE";
    case EVHTTP_REQ_OPTIONS: return "OPTIONS";
    case EVHTTP_REQ_TRACE: return "TRACE";
    case EVHTTP_REQ_CONNECT: return "CONNECT";
    case EVHTTP_REQ_PATCH: return "PATCH";
    }
    return "UNKNOWN";
}

static uint64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* A client's X-Request-Id is kept when it is 1 to OD_REQUEST_ID_MAX bytes
 * of letters, digits and "-_.:" (anything else could break a log line or
 * be an attack on whoever reads it); else the server makes one up. */
static int sane_request_id(const char *s)
{
    size_t n;
    if (!s)
        return 0;
    n = strlen(s);
    return n > 0 && n <= OD_REQUEST_ID_MAX &&
           strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                     "0123456789-_.:") == n;
}

/* v as 8 lowercase hex digits and a NUL (cap >= 9), as "%08x" would
 * write it, without printf's cost on every request. */
static void hex32(char *out, size_t cap, uint32_t v)
{
    static const char digits[] = "0123456789abcdef";
    int i;
    if (cap < 9)
        return;
    for (i = 7; i >= 0; i--, v >>= 4)
        out[i] = digits[v & 15];
    out[8] = '\0';
}

/* 16 hex digits: a per-process random prefix and a counter, unique within
 * the process and unlikely to repeat across restarts. */
static void new_request_id(char *out, size_t cap)
{
    static uint32_t prefix;
    static uint64_t counter;
    uint64_t n = __atomic_add_fetch(&counter, 1, __ATOMIC_RELAXED);
    if (!__atomic_load_n(&prefix, __ATOMIC_RELAXED)) {
        uint32_t p = (uint32_t)time(NULL); /* if RAND_bytes fails */
        RAND_bytes((unsigned char *)&p, (int)sizeof p);
        __atomic_store_n(&prefix, p | 1u, __ATOMIC_RELAXED);
    }
    hex32(out, cap, __atomic_load_n(&prefix, __ATOMIC_RELAXED));
    hex32(out + 8, cap - 8, (uint32_t)n);
}

/* Every answer carries the request's id, and so does a relayed request:
 * the id is put back in the input headers, which the relay forwards. */
static void set_request_id(odapi_request *req, struct evhttp_request *ev)
{
    struct evkeyvalq *in = evhttp_request_get_input_headers(ev);
    const char *got = evhttp_find_header(in, "X-Request-Id");
    if (sane_request_id(got)) {
        snprintf(req->request_id, sizeof req->request_id, "%s", got);
    } else {
        new_request_id(req->request_id, sizeof req->request_id);
        while (evhttp_find_header(in, "X-Request-Id"))
            evhttp_remove_header(in, "X-Request-Id");
        evhttp_add_header(in, "X-Request-Id", req->request_id);
    }
    evhttp_add_header(evhttp_request_get_output_headers(ev), "X-Request-Id",
                      req->request_id);
}

/* One allocation a request: the path, the URI and the router's segment
 * buffer follow the object (four mallocs and frees fewer a request). */
odapi_request *od_request_new(odapi_server *srv, struct evhttp_request *ev)
{
    odapi_request *req;
    const char *uri = evhttp_request_get_uri(ev);
    const char *q;
    size_t plen, ulen;

    if (!uri)
        uri = "/";
    q = strchr(uri, '?');
    ulen = strlen(uri);
    plen = q ? (size_t)(q - uri) : ulen;
    if (!(req = calloc(1, sizeof *req + (plen + 1) + (ulen + 1) + (plen + 2))))
        return NULL;
    req->path = req->text;
    memcpy(req->path, uri, plen);
    req->uri = req->path + plen + 1;
    memcpy(req->uri, uri, ulen);
    req->segbuf = req->uri + ulen + 1;
    req->srv = srv;
    req->ev = ev;
    req->start_us = now_us();
    strcpy(req->method, method_name(evhttp_request_get_command(ev)));
    set_request_id(req, ev);
    /* query parsing failures are reported by the caller */
    if (q)
        req->status = od_query_parse(&req->query, q + 1); /* 0, -1, -2 */
    if (!srv->relay && od_request_take_body(req) != 0)
        goto oom;
    return req;
oom:
    od_request_free(req);
    return NULL;
}

int od_request_take_body(odapi_request *req)
{
    struct evbuffer *in = evhttp_request_get_input_buffer(req->ev);
    req->body_len = evbuffer_get_length(in);
    req->body = req->body_len ? malloc(req->body_len + 1) : req->no_body;
    if (!req->body)
        return -1;
    if (req->body_len)
        evbuffer_remove(in, req->body, req->body_len);
    req->body[req->body_len] = '\0';
    return 0;
}

void od_request_free(odapi_request *req)
{
    if (!req)
        return;
    od_query_free(&req->query);
    json_decref(req->json);
    if (req->body != req->no_body)
        free(req->body);
    free(req);
}

int od_request_parse(odapi_request *req)
{
    json_error_t jerr;
    req->json = json_loadb(req->body ? req->body : "", req->body_len, 0,
                           &jerr);
    req->parsed = 1;
    return req->json ? 0 : -1;
}

json_t *od_request_json(odapi_request *req)
{
    if (!req->parsed)
        od_request_parse(req);
    return json_incref(req->json);
}

unsigned long od_request_elapsed_us(const odapi_request *req)
{
    return (unsigned long)(now_us() - req->start_us);
}

static int is_write(const odapi_request *req);

/* Answered from here on. Before the client can see the answer: its next
 * GETs must see this write, whatever the status (a failed write may still
 * have been committed; docs/scale-out.md). */
static void mark_replied(odapi_request *req)
{
    req->replied = 1;
    if (req->srv->db && is_write(req))
        od_db_note_write(req->srv->db, req->key_hash);
}

void od_request_finish(odapi_request *req, int status, const char *body,
                       size_t len)
{
    if (req->replied)
        return;
    mark_replied(req);
    req->status = status;
    if (req->ev) {
        struct evbuffer *out = evhttp_request_get_output_buffer(req->ev);
        struct evkeyvalq *h = evhttp_request_get_output_headers(req->ev);
        if (req->srv->stopping || req->close)
            evhttp_add_header(h, "Connection", "close");
        if (len)
            evbuffer_add(out, body, len);
        evhttp_send_reply(req->ev, status, NULL, NULL);
        req->ev = NULL;
        od_conn_send_now(req->conn);
    }
    od_server_request_done(req->srv, req);
}

static void free_body(const void *data, size_t len, void *arg)
{
    (void)len;
    (void)arg;
    free((void *)data);
}

void od_request_finish_take(odapi_request *req, int status, char *body,
                            size_t len)
{
    if (req->replied || !req->ev || !len) {
        free(body);
        od_request_finish(req, status, "", 0);
        return;
    }
    mark_replied(req);
    req->status = status;
    {
        struct evbuffer *out = evhttp_request_get_output_buffer(req->ev);
        struct evkeyvalq *h = evhttp_request_get_output_headers(req->ev);
        if (req->srv->stopping || req->close)
            evhttp_add_header(h, "Connection", "close");
        if (evbuffer_add_reference(out, body, len, free_body, NULL)) {
            evbuffer_add(out, body, len);
            free(body);
        }
        evhttp_send_reply(req->ev, status, NULL, NULL);
        req->ev = NULL;
        od_conn_send_now(req->conn);
    }
    od_server_request_done(req->srv, req);
}

/* ---- the public request API --------------------------------------------- */

ODAPI_EXPORT const char *odapi_request_method(const odapi_request *req)
{
    return req ? req->method : NULL;
}

ODAPI_EXPORT const char *odapi_request_path(const odapi_request *req)
{
    return req ? req->path : NULL;
}

ODAPI_EXPORT const char *odapi_request_segment(const odapi_request *req,
                                               const char *name)
{
    int i;
    if (!req || !req->route || !name)
        return NULL;
    for (i = 0; i < req->route->nsegs && i < req->nsegs; i++)
        if (req->route->is_param[i] && strcmp(req->route->segs[i], name) == 0)
            return req->segs[i];
    return NULL;
}

ODAPI_EXPORT const char *odapi_request_query(const odapi_request *req,
                                             const char *name)
{
    if (!req || !name)
        return NULL;
    return od_query_get(&req->query, name);
}

ODAPI_EXPORT const char *odapi_request_header(const odapi_request *req,
                                              const char *name)
{
    if (!req || !req->ev || !name)
        return NULL;
    return evhttp_find_header(evhttp_request_get_input_headers(req->ev), name);
}

ODAPI_EXPORT const char *odapi_request_body(const odapi_request *req,
                                            size_t *len)
{
    if (!req)
        return NULL;
    if (len)
        *len = req->body_len;
    return req->body;
}

ODAPI_EXPORT const char *odapi_request_developer(const odapi_request *req)
{
    return req ? req->developer : NULL;
}

ODAPI_EXPORT int odapi_request_add_header(odapi_request *req, const char *name,
                                          const char *value)
{
    if (!req || !name || !value || req->replied)
        return ODAPI_E_INVALID;
    if (!req->ev)
        return ODAPI_OK; /* the client is gone; nothing to add to */
    if (evhttp_add_header(evhttp_request_get_output_headers(req->ev), name,
                          value) != 0)
        return ODAPI_E_INVALID; /* CR/LF in a header is refused */
    return ODAPI_OK;
}

ODAPI_EXPORT void odapi_reply(odapi_request *req, int status, const char *json,
                              size_t len)
{
    if (!req)
        return;
    if (!json)
        json = "", len = 0;
    if (len == (size_t)-1)
        len = strlen(json);
    od_request_finish(req, status, json, len);
}

ODAPI_EXPORT void odapi_reply_error(odapi_request *req, int status,
                                    const char *message)
{
    char small[512];
    size_t need;
    if (!req)
        return;
    need = od_json_quote(small, sizeof small, message ? message : "");
    if (need < sizeof small) {
        od_request_finish(req, status, small, need);
    } else {
        char *big = malloc(need + 1);
        if (!big) {
            od_request_finish(req, 500, "\"Out of memory.\"", 16);
            return;
        }
        od_json_quote(big, need + 1, message);
        od_request_finish(req, status, big, need);
        free(big);
    }
}

/* A request that may change something, and so may wait on a lock: its
 * database job is a long one (od_db_submit_long). */
static int is_write(const odapi_request *req)
{
    return strcmp(req->method, "GET") != 0 && strcmp(req->method, "HEAD") != 0;
}

/* A GET that asks for the rows changed since a time (DateTStamp,
 * SecDateTEdit, SecDateTEntry, ...): a client then asks again from the
 * answer's serverDateTime, so a replica that lags would make it skip the
 * rows it had not yet (docs/scale-out.md): the primary answers it. */
static int polls_changes(const odapi_request *req)
{
    int i;
    for (i = 0; i < req->query.n; i++)
        if (strcasestr(req->query.names[i], "DateT"))
            return 1;
    return 0;
}

int od_request_submit(odapi_request *req,
                      int (*work)(struct od_conn *c, void *arg),
                      void (*done)(void *arg, int status), void *arg)
{
    int rc;
    if (!req->srv->db) {
        odapi_reply_error(req, 503, "No database is configured.");
        return -1;
    }
    /* GETs may go to a read replica (docs/scale-out.md) */
    rc = is_write(req)     ? od_db_submit_long(req->srv->db, work, done, arg)
         : polls_changes(req) ? od_db_submit(req->srv->db, work, done, arg)
                              : od_db_submit_read(req->srv->db, req->key_hash,
                                                  work, done, arg);
    if (rc != ODAPI_OK) {
        odapi_reply_error(req, 503, rc == ODAPI_E_BUSY
                                        ? "The server is busy. Try again shortly."
                                        : "The database is not available.");
        return -1;
    }
    od_request_out(req);
    return 0;
}

void od_request_out(odapi_request *req)
{
    od_conn_keep_reading(req->conn);
}

/* ---- database work for application handlers ----------------------------- */

/* One job of odapi_request_mariadb (work, done) or of odapi_request_db,
 * 1.0 (work_v1, done_v1). */
struct app_job {
    odapi_request *req;
    void (*work)(odapi_mariadb *mysql, void *arg);
    void (*done)(odapi_request *req, int status, void *arg);
    void (*work_v1)(void *mysql, void *arg);
    void (*done_v1)(odapi_request *req, void *arg);
    void *arg;
};

static int app_work(struct od_conn *c, void *arg)
{
    struct app_job *j = arg;
    if (j->work)
        j->work(c->m, j->arg);
    else
        j->work_v1(c->m, j->arg);
    return OD_WORK_DONE;
}

/* odapi_request_mariadb hands every outcome to done, which answers and
 * frees arg; odapi_request_db (1.0) answers a lost database itself and
 * never calls done then, as it always has. */
static void app_done(void *arg, int status)
{
    struct app_job *j = arg;
    if (j->done)
        j->done(j->req, status, j->arg);
    else if (status != ODAPI_OK)
        odapi_reply_error(j->req, 503, "The database is not available.");
    else
        j->done_v1(j->req, j->arg);
    free(j);
}

static int app_submit(odapi_request *req, struct app_job *proto)
{
    struct app_job *j;
    int rc;
    if (!req->srv->db)
        return ODAPI_E_STATE;
    if (!(j = malloc(sizeof *j)))
        return ODAPI_E_NOMEM;
    *j = *proto;
    j->req = req;
    rc = is_write(req) ? od_db_submit_long(req->srv->db, app_work, app_done, j)
                       : od_db_submit(req->srv->db, app_work, app_done, j);
    if (rc != ODAPI_OK)
        free(j);
    else
        od_request_out(req);
    return rc;
}

ODAPI_EXPORT int odapi_request_db(odapi_request *req,
                                  void (*work)(void *mysql, void *arg),
                                  void (*done)(odapi_request *req, void *arg),
                                  void *arg)
{
    struct app_job j = {.work_v1 = work, .done_v1 = done, .arg = arg};
    if (!req || !work || !done)
        return ODAPI_E_INVALID;
    return app_submit(req, &j);
}

ODAPI_EXPORT int odapi_request_mariadb(
    odapi_request *req, void (*work)(odapi_mariadb *mysql, void *arg),
    void (*done)(odapi_request *req, int status, void *arg), void *arg)
{
    struct app_job j = {.work = work, .done = done, .arg = arg};
    if (!req || !work || !done)
        return ODAPI_E_INVALID;
    return app_submit(req, &j);
}
