/*
 * cred-remote.c - the remote validator: one HTTPS POST per key pair to a
 * configured URL, over evhttp's client on a bufferevent_openssl, with the
 * certificate chain and the host name verified. Protocol in
 * docs/credentials.md.
 *
 * Every request gets its own connection. The answer is handed over from a
 * zero-delay event rather than from inside evhttp's callback, because
 * evhttp still touches the connection after its callback on the error
 * path; the connection is freed there too.
 */
#include "cred-internal.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#define MAX_ANSWER (64 * 1024)

struct od_remote {
    struct event_base *base;
    const struct od_logger *log;
    SSL_CTX *ctx;
    char *host;          /* without brackets */
    char *host_header;   /* host[:port] as in the URL */
    char *path;          /* path and query */
    int port;
    int host_is_ip;
    int timeout_ms;
    struct od_remote_req *reqs;
};

struct od_remote_req {
    struct od_remote *r;
    struct od_remote_req *prev, *next;
    struct evhttp_connection *conn;
    struct event *deliver;
    od_val_done done;
    void *arg;
    int answered, outcome;
    struct od_verdict v;
    char key_hash[17];
    int http_error;      /* enum evhttp_request_error + 1, 0: none */
};

static int is_ip(const char *h)
{
    unsigned char buf[16];
    return inet_pton(AF_INET, h, buf) == 1 || inet_pton(AF_INET6, h, buf) == 1;
}

struct od_remote *od_remote_new(struct event_base *base, const char *url,
                                const char *ca_file,
                                const struct od_logger *log, char *err,
                                size_t errlen)
{
    struct evhttp_uri *u = evhttp_uri_parse(url);
    struct od_remote *r = NULL;
    const char *scheme, *host, *path, *query;
    size_t hl;
    int port;

    if (!u || !(scheme = evhttp_uri_get_scheme(u)) ||
        strcasecmp(scheme, "https") || !(host = evhttp_uri_get_host(u)) ||
        !*host || evhttp_uri_get_userinfo(u)) {
        snprintf(err, errlen, "validator URL must look like "
                              "https://host[:port]/path (https only)");
        goto fail;
    }
    if (!(r = calloc(1, sizeof *r)))
        goto nomem;
    r->base = base;
    r->log = log;
    r->timeout_ms = OD_CRED_REMOTE_TIMEOUT_MS;
    port = evhttp_uri_get_port(u);
    r->port = port > 0 ? port : 443;
    hl = strlen(host);
    if (host[0] == '[' && hl > 2 && host[hl - 1] == ']')
        r->host = strndup(host + 1, hl - 2);
    else
        r->host = strdup(host);
    path = evhttp_uri_get_path(u);
    query = evhttp_uri_get_query(u);
    if (!path || !*path)
        path = "/";
    r->path = malloc(strlen(path) + (query ? strlen(query) + 1 : 0) + 1);
    r->host_header = malloc(hl + 8);
    if (!r->host || !r->path || !r->host_header)
        goto nomem;
    sprintf(r->path, "%s%s%s", path, query ? "?" : "", query ? query : "");
    if (port > 0 && port != 443)
        sprintf(r->host_header, "%s:%d", host, port);
    else
        sprintf(r->host_header, "%s", host);
    r->host_is_ip = is_ip(r->host);

    if (!(r->ctx = SSL_CTX_new(TLS_client_method())))
        goto nomem;
    SSL_CTX_set_min_proto_version(r->ctx, TLS1_2_VERSION);
    SSL_CTX_set_verify(r->ctx, SSL_VERIFY_PEER, NULL);
    if (ca_file && *ca_file) {
        if (SSL_CTX_load_verify_locations(r->ctx, ca_file, NULL) != 1) {
            snprintf(err, errlen, "validator CA file %s cannot be read as "
                                  "PEM certificates", ca_file);
            ERR_clear_error();
            goto fail;
        }
    } else if (SSL_CTX_set_default_verify_paths(r->ctx) != 1) {
        snprintf(err, errlen, "cannot load the system's CA certificates for "
                              "the validator; give a CA file");
        ERR_clear_error();
        goto fail;
    }
    evhttp_uri_free(u);
    return r;
nomem:
    snprintf(err, errlen, "out of memory");
fail:
    if (u)
        evhttp_uri_free(u);
    od_remote_free(r);
    return NULL;
}

static void req_free(struct od_remote_req *q)
{
    struct od_remote *r = q->r;
    if (q->prev)
        q->prev->next = q->next;
    else
        r->reqs = q->next;
    if (q->next)
        q->next->prev = q->prev;
    if (q->conn)
        evhttp_connection_free(q->conn);
    if (q->deliver)
        event_free(q->deliver);
    free(q);
}

void od_remote_cancel(struct od_remote_req *q)
{
    if (q)
        req_free(q);
}

void od_remote_free(struct od_remote *r)
{
    if (!r)
        return;
    while (r->reqs)
        req_free(r->reqs);
    if (r->ctx)
        SSL_CTX_free(r->ctx);
    free(r->host);
    free(r->host_header);
    free(r->path);
    free(r);
}

void od_remote_set_timeout(struct od_remote *r, int ms)
{
    r->timeout_ms = ms > 0 ? ms : OD_CRED_REMOTE_TIMEOUT_MS;
}

int od_remote_parse_answer(const char *body, size_t len,
                           struct od_verdict *v)
{
    json_t *root = json_loadb(body, len, 0, NULL), *perms, *p;
    const char *status, *name;
    size_t i;
    int rc = -1, st;

    memset(v, 0, sizeof *v);
    if (!root || !json_is_object(root))
        goto out;
    status = json_string_value(json_object_get(root, "KeyStatus"));
    if (!status || (st = od_key_status_from_name(status)) < 0)
        goto out;
    v->status = st;
    name = json_string_value(json_object_get(root, "DeveloperName"));
    snprintf(v->developer_name, sizeof v->developer_name, "%s",
             name ? name : "");
    perms = json_object_get(root, "Permissions");
    if (perms && !json_is_array(perms))
        goto out;
    json_array_foreach(perms, i, p) {
        /* Names this version does not know (a newer validator's) are
         * ignored: no permission is granted for them. */
        int perm = od_perm_from_name(json_string_value(p));
        if (perm >= 0)
            v->perms |= OD_PERM_BIT(perm);
    }
    rc = 0;
out:
    json_decref(root);
    return rc;
}

static void deliver_cb(evutil_socket_t fd, short what, void *arg)
{
    struct od_remote_req *q = arg;
    od_val_done done = q->done;
    void *darg = q->arg;
    int outcome = q->outcome;
    struct od_verdict v = q->v;
    req_free(q);
    done(darg, outcome, outcome == OD_VAL_VERDICT ? &v : NULL);
}

static const char *tls_failure(struct od_remote_req *q)
{
    static char buf[200];
    struct bufferevent *bev = evhttp_connection_get_bufferevent(q->conn);
    SSL *ssl = bev ? bufferevent_openssl_get_ssl(bev) : NULL;
    unsigned long e = bev ? bufferevent_get_openssl_error(bev) : 0;
    long vr = ssl ? SSL_get_verify_result(ssl) : X509_V_OK;
    if (vr != X509_V_OK) {
        snprintf(buf, sizeof buf, "certificate: %s",
                 X509_verify_cert_error_string(vr));
        return buf;
    }
    if (e) {
        ERR_error_string_n(e, buf, sizeof buf);
        return buf;
    }
    return NULL;
}

static void answer_cb(struct evhttp_request *req, void *arg)
{
    struct od_remote_req *q = arg;
    struct od_remote *r = q->r;
    int code = req ? evhttp_request_get_response_code(req) : 0;

    if (q->answered)
        return;
    q->answered = 1;
    q->outcome = OD_VAL_UNREACHABLE;
    if (code == 200) {
        struct evbuffer *b = evhttp_request_get_input_buffer(req);
        size_t len = evbuffer_get_length(b);
        const char *body = (const char *)evbuffer_pullup(b, -1);
        if (body && od_remote_parse_answer(body, len, &q->v) == 0)
            q->outcome = OD_VAL_VERDICT;
        else
            od_log(r->log, ODAPI_LOG_WARNING,
                   "credentials %s: the validation server's answer is not "
                   "the expected JSON", q->key_hash);
    } else if (code == 401 || code == 404) {
        q->outcome = OD_VAL_UNKNOWN;
    } else if (code) {
        od_log(r->log, ODAPI_LOG_WARNING,
               "credentials %s: the validation server answered HTTP %d",
               q->key_hash, code);
    } else {
        const char *tls = tls_failure(q);
        od_log(r->log, ODAPI_LOG_WARNING,
               "credentials %s: cannot reach the validation server %s:%d%s%s",
               q->key_hash, r->host, r->port,
               tls ? ": " : (q->http_error == EVREQ_HTTP_TIMEOUT + 1
                                 ? ": timeout" : ""),
               tls ? tls : "");
    }
    ERR_clear_error();
    event_active(q->deliver, EV_TIMEOUT, 1);
}

static void error_cb(enum evhttp_request_error e, void *arg)
{
    struct od_remote_req *q = arg;
    q->http_error = (int)e + 1;
}

/* {"DeveloperKey":"...","CustomerKey":"..."}; keys are visible ASCII of at
 * most OD_CRED_KEY_MAX characters, so the quoted forms fit. */
static int make_body(char *buf, size_t cap, const char *dev, const char *cust)
{
    char d[2 * OD_CRED_KEY_MAX + 3], c[2 * OD_CRED_KEY_MAX + 3];
    int n;
    if (od_json_quote(d, sizeof d, dev) >= sizeof d ||
        od_json_quote(c, sizeof c, cust) >= sizeof c)
        return -1;
    n = snprintf(buf, cap, "{\"DeveloperKey\":%s,\"CustomerKey\":%s}", d, c);
    OPENSSL_cleanse(d, sizeof d);
    OPENSSL_cleanse(c, sizeof c);
    return n > 0 && (size_t)n < cap ? n : -1;
}

struct od_remote_req *od_remote_validate(struct od_remote *r, const char *dev,
                                         const char *cust,
                                         const char *key_hash,
                                         od_val_done done, void *arg)
{
    struct od_remote_req *q = calloc(1, sizeof *q);
    struct evhttp_request *req = NULL;
    struct bufferevent *bev = NULL;
    struct evkeyvalq *h;
    struct timeval tv;
    char body[4 * OD_CRED_KEY_MAX + 80];
    SSL *ssl = NULL;
    int blen;

    if (!q)
        return NULL;
    q->r = r;
    q->done = done;
    q->arg = arg;
    q->outcome = OD_VAL_UNREACHABLE;
    memcpy(q->key_hash, key_hash, sizeof q->key_hash);
    q->next = r->reqs;
    if (r->reqs)
        r->reqs->prev = q;
    r->reqs = q;
    if (!(q->deliver = event_new(r->base, -1, 0, deliver_cb, q)))
        goto fail;

    if (!(ssl = SSL_new(r->ctx)))
        goto fail;
    if (r->host_is_ip) {
        if (X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), r->host) != 1)
            goto fail;
    } else {
        SSL_set_hostflags(ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
        if (SSL_set1_host(ssl, r->host) != 1 ||
            SSL_set_tlsext_host_name(ssl, r->host) != 1)
            goto fail;
    }
    bev = bufferevent_openssl_socket_new(r->base, -1, ssl,
                                         BUFFEREVENT_SSL_CONNECTING,
                                         BEV_OPT_CLOSE_ON_FREE |
                                             BEV_OPT_DEFER_CALLBACKS);
    if (!bev)
        goto fail;
    ssl = NULL; /* the bufferevent owns it */
    bufferevent_openssl_set_allow_dirty_shutdown(bev, 1);
    q->conn = evhttp_connection_base_bufferevent_new(r->base, NULL, bev,
                                                     r->host,
                                                     (unsigned short)r->port);
    if (!q->conn) {
        bufferevent_free(bev);
        goto fail;
    }
    tv.tv_sec = r->timeout_ms / 1000;
    tv.tv_usec = (r->timeout_ms % 1000) * 1000;
    evhttp_connection_set_timeout_tv(q->conn, &tv);
    evhttp_connection_set_retries(q->conn, 0);
    evhttp_connection_set_max_body_size(q->conn, MAX_ANSWER);
    evhttp_connection_set_max_headers_size(q->conn, 16 * 1024);

    if (!(req = evhttp_request_new(answer_cb, q)))
        goto fail;
    evhttp_request_set_error_cb(req, error_cb);
    h = evhttp_request_get_output_headers(req);
    if ((blen = make_body(body, sizeof body, dev, cust)) < 0) {
        evhttp_request_free(req);
        goto fail;
    }
    evhttp_add_header(h, "Host", r->host_header);
    evhttp_add_header(h, "Content-Type", "application/json");
    evhttp_add_header(h, "Accept", "application/json");
    evhttp_add_header(h, "Connection", "close");
    evbuffer_add(evhttp_request_get_output_buffer(req), body, (size_t)blen);
    OPENSSL_cleanse(body, sizeof body);
    /* On failure evhttp_make_request frees req itself. */
    if (evhttp_make_request(q->conn, req, EVHTTP_REQ_POST, r->path) != 0)
        goto fail_later;
    return q;

fail:
    if (ssl)
        SSL_free(ssl);
    if (!q->deliver) {
        req_free(q);
        return NULL;
    }
fail_later:
    /* Report "unreachable" from the loop, like any other failure. */
    q->answered = 1;
    od_log(r->log, ODAPI_LOG_WARNING,
           "credentials %s: cannot start a request to the validation server",
           key_hash);
    event_active(q->deliver, EV_TIMEOUT, 1);
    return q;
}
