/*
 * http-client.c - one-shot HTTP(S) POSTs on the loop (see
 * http-client-internal.h). Every call gets its own connection. The answer
 * is handed over from a zero-delay event rather than from inside evhttp's
 * callback, because evhttp still touches the connection after its callback
 * on the error path; the connection is freed there too (the approach of
 * auth/remote.c).
 */
#include "core/odapi-internal.h"
#include "http/http-client-internal.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/http.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <pthread.h>

struct od_hc_call {
    struct evhttp_connection *conn;
    struct event *deliver;
    od_hc_done done;
    od_hc_got got;       /* od_hc_get's callback (then done is NULL) */
    char *location;      /* the answer's Location header (od_hc_get) */
    void *arg;
    int answered, code;
    int http_error;      /* enum evhttp_request_error + 1, 0: none */
    char *body;
    size_t len;
    char why[200];
};

static int is_ip(const char *h)
{
    unsigned char buf[16];
    return inet_pton(AF_INET, h, buf) == 1 || inet_pton(AF_INET6, h, buf) == 1;
}

int od_hc_url_parse(struct od_hc_url *out, const char *url, int https_only,
                    char *err, size_t errlen)
{
    struct evhttp_uri *u = url ? evhttp_uri_parse(url) : NULL;
    const char *scheme, *host, *path, *query;
    size_t hl;
    int port, tls;

    memset(out, 0, sizeof *out);
    if (!u || !(scheme = evhttp_uri_get_scheme(u)) ||
        (strcasecmp(scheme, "https") &&
         (https_only || strcasecmp(scheme, "http"))) ||
        !(host = evhttp_uri_get_host(u)) || !*host ||
        evhttp_uri_get_userinfo(u)) {
        snprintf(err, errlen, "the URL must look like %s://host[:port]/path",
                 https_only ? "https" : "http(s)");
        if (u)
            evhttp_uri_free(u);
        return -1;
    }
    tls = strcasecmp(scheme, "https") == 0;
    port = evhttp_uri_get_port(u);
    out->tls = tls;
    out->port = port > 0 ? port : tls ? 443 : 80;
    hl = strlen(host);
    if (host[0] == '[' && hl > 2 && host[hl - 1] == ']')
        out->host = strndup(host + 1, hl - 2);
    else
        out->host = strdup(host);
    path = evhttp_uri_get_path(u);
    query = evhttp_uri_get_query(u);
    if (!path || !*path)
        path = "/";
    out->path = malloc(strlen(path) + (query ? strlen(query) + 1 : 0) + 1);
    out->host_header = malloc(hl + 8);
    if (!out->host || !out->path || !out->host_header) {
        evhttp_uri_free(u);
        od_hc_url_free(out);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    sprintf(out->path, "%s%s%s", path, query ? "?" : "", query ? query : "");
    if (port > 0 && port != (tls ? 443 : 80))
        sprintf(out->host_header, "%s:%d", host, port);
    else
        sprintf(out->host_header, "%s", host);
    out->host_is_ip = is_ip(out->host);
    evhttp_uri_free(u);
    return 0;
}

void od_hc_url_free(struct od_hc_url *u)
{
    free(u->host);
    free(u->host_header);
    free(u->path);
    memset(u, 0, sizeof *u);
}

/* ---- TLS contexts ------------------------------------------------------------ */

/* The pins travel with the context (ex_data, freed with it) and reach the
 * verification through SSL_CTX_set_cert_verify_callback's argument. */
struct pinset {
    int use_chain; /* also verify the chain (a CA file was given) */
    int n;
    unsigned char pin[][32];
};

static int pin_idx = -1;
static pthread_once_t pin_once = PTHREAD_ONCE_INIT;

static void pinset_free(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx,
                        long argl, void *argp)
{
    (void)parent, (void)ad, (void)idx, (void)argl, (void)argp;
    free(ptr);
}

static void pin_index_init(void)
{
    pin_idx = SSL_CTX_get_ex_new_index(0, NULL, NULL, NULL, pinset_free);
}

static int sha256(const unsigned char *p, size_t n, unsigned char md[32])
{
    unsigned int len = 0;
    return EVP_Digest(p, n, md, &len, EVP_sha256(), NULL) == 1 && len == 32;
}

/* 1 when the certificate or its SubjectPublicKeyInfo hashes to a pin. */
static int pin_match(const struct pinset *ps, X509 *cert)
{
    unsigned char cmd[32], kmd[32], *der = NULL;
    unsigned int clen = 0;
    int klen, i, ok = 0;
    if (!cert || X509_digest(cert, EVP_sha256(), cmd, &clen) != 1 ||
        clen != 32)
        return 0;
    klen = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(cert), &der);
    if (klen <= 0 || !sha256(der, (size_t)klen, kmd)) {
        OPENSSL_free(der);
        return 0;
    }
    OPENSSL_free(der);
    for (i = 0; i < ps->n; i++)
        if (memcmp(ps->pin[i], cmd, 32) == 0 ||
            memcmp(ps->pin[i], kmd, 32) == 0)
            ok = 1;
    return ok;
}

static int verify_with_pins(X509_STORE_CTX *sc, void *arg)
{
    const struct pinset *ps = arg;
    if (ps->use_chain && X509_verify_cert(sc) != 1)
        return 0;
    if (!pin_match(ps, X509_STORE_CTX_get0_cert(sc))) {
        X509_STORE_CTX_set_error(sc, X509_V_ERR_APPLICATION_VERIFICATION);
        return 0;
    }
    X509_STORE_CTX_set_error(sc, X509_V_OK);
    return 1;
}

static int attach_pins(SSL_CTX *ctx, const struct od_hc_tls *t)
{
    struct pinset *ps;
    pthread_once(&pin_once, pin_index_init);
    if (pin_idx < 0)
        return -1;
    ps = malloc(sizeof *ps + (size_t)t->npins * sizeof ps->pin[0]);
    if (!ps)
        return -1;
    ps->use_chain = t->ca_file && *t->ca_file;
    ps->n = t->npins;
    memcpy(ps->pin, t->pins, (size_t)t->npins * sizeof ps->pin[0]);
    if (SSL_CTX_set_ex_data(ctx, pin_idx, ps) != 1) {
        free(ps);
        return -1;
    }
    SSL_CTX_set_cert_verify_callback(ctx, verify_with_pins, ps);
    return 0;
}

struct ssl_ctx_st *od_hc_ssl_ctx_tls(const struct od_hc_tls *t, char *err,
                                     size_t errlen)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    int have_ca = t->ca_file && *t->ca_file;
    if (!ctx) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    if (have_ca) {
        if (SSL_CTX_load_verify_locations(ctx, t->ca_file, NULL) != 1) {
            snprintf(err, errlen, "CA file %s cannot be read as PEM "
                                  "certificates", t->ca_file);
            goto fail;
        }
    } else if (t->npins == 0 && SSL_CTX_set_default_verify_paths(ctx) != 1) {
        snprintf(err, errlen, "cannot load the system's CA certificates; "
                              "give a CA file");
        goto fail;
    }
    if (t->npins > 0 && attach_pins(ctx, t) != 0) {
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    if (t->cert_file && *t->cert_file) {
        if (SSL_CTX_use_certificate_chain_file(ctx, t->cert_file) != 1) {
            snprintf(err, errlen, "cannot load the client certificate %s "
                                  "(PEM)", t->cert_file);
            goto fail;
        }
        if (!t->key_file ||
            SSL_CTX_use_PrivateKey_file(ctx, t->key_file, SSL_FILETYPE_PEM) !=
                1 ||
            SSL_CTX_check_private_key(ctx) != 1) {
            snprintf(err, errlen, "cannot load the client key %s (PEM), or "
                                  "it does not match the certificate",
                     t->key_file ? t->key_file : "(none)");
            goto fail;
        }
    }
    return ctx;
fail:
    ERR_clear_error();
    SSL_CTX_free(ctx);
    return NULL;
}

struct ssl_ctx_st *od_hc_ssl_ctx(const char *ca_file, char *err,
                                 size_t errlen)
{
    struct od_hc_tls t;
    memset(&t, 0, sizeof t);
    t.ca_file = ca_file;
    return od_hc_ssl_ctx_tls(&t, err, errlen);
}

struct ssl_st *od_hc_ssl_new(struct ssl_ctx_st *ctx, const struct od_hc_url *u)
{
    SSL *ssl = SSL_new(ctx);
    if (!ssl)
        return NULL;
    if (u->host_is_ip) {
        if (X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), u->host) != 1)
            goto fail;
    } else {
        SSL_set_hostflags(ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
        if (SSL_set1_host(ssl, u->host) != 1 ||
            SSL_set_tlsext_host_name(ssl, u->host) != 1)
            goto fail;
    }
    return ssl;
fail:
    SSL_free(ssl);
    return NULL;
}

void od_hc_tls_why(struct ssl_st *ssl, unsigned long e, char *why, size_t len)
{
    long vr = ssl ? SSL_get_verify_result(ssl) : X509_V_OK;
    if (vr == X509_V_ERR_APPLICATION_VERIFICATION)
        snprintf(why, len, "certificate: it does not match the pinned "
                           "SHA-256");
    else if (vr != X509_V_OK)
        snprintf(why, len, "certificate: %s",
                 X509_verify_cert_error_string(vr));
    else if (e)
        ERR_error_string_n(e, why, len);
}

static void call_free(struct od_hc_call *c)
{
    if (c->conn)
        evhttp_connection_free(c->conn);
    if (c->deliver)
        event_free(c->deliver);
    free(c->body);
    free(c->location);
    free(c);
}

void od_hc_cancel(struct od_hc_call *c)
{
    if (c)
        call_free(c);
}

static void deliver_cb(evutil_socket_t fd, short what, void *arg)
{
    struct od_hc_call *c = arg;
    od_hc_done done = c->done;
    od_hc_got got = c->got;
    void *darg = c->arg;
    char *body = c->body, *location = c->location;
    size_t len = c->len;
    int code = c->code;
    char why[sizeof c->why];
    (void)fd;
    (void)what;
    memcpy(why, c->why, sizeof why);
    c->body = NULL;
    c->location = NULL;
    call_free(c);
    if (got)
        got(darg, code, body ? body : "", len, location, code ? NULL : why);
    else
        done(darg, code, body ? body : "", len, code ? NULL : why);
    free(body);
    free(location);
}

static void tls_failure(struct od_hc_call *c)
{
    struct bufferevent *bev = evhttp_connection_get_bufferevent(c->conn);
    SSL *ssl = bev ? bufferevent_openssl_get_ssl(bev) : NULL;
    unsigned long e = ssl ? bufferevent_get_openssl_error(bev) : 0;
    c->why[0] = '\0';
    if (ssl)
        od_hc_tls_why(ssl, e, c->why, sizeof c->why);
    if (!c->why[0])
        snprintf(c->why, sizeof c->why, "%s",
                 c->http_error == EVREQ_HTTP_TIMEOUT + 1 ? "timeout"
                 : c->http_error == EVREQ_HTTP_DATA_TOO_LONG + 1
                     ? "the answer is too large"
                     : "connection failed");
}

static void answer_cb(struct evhttp_request *req, void *arg)
{
    struct od_hc_call *c = arg;
    if (c->answered)
        return;
    c->answered = 1;
    c->code = req ? evhttp_request_get_response_code(req) : 0;
    if (c->code) {
        struct evbuffer *b = evhttp_request_get_input_buffer(req);
        size_t len = evbuffer_get_length(b);
        const char *loc = evhttp_find_header(
            evhttp_request_get_input_headers(req), "Location");
        if (loc && c->got)
            c->location = strdup(loc);
        if ((c->body = malloc(len + 1))) {
            evbuffer_copyout(b, c->body, len);
            c->body[len] = '\0';
            c->len = len;
        }
    } else {
        tls_failure(c);
    }
    ERR_clear_error();
    event_active(c->deliver, EV_TIMEOUT, 1);
}

static void error_cb(enum evhttp_request_error e, void *arg)
{
    struct od_hc_call *c = arg;
    c->http_error = (int)e + 1;
}

/* One request: POST with a body, or GET (body NULL); connect to connect
 * (an address) when given, else to u->host. */
static struct od_hc_call *
hc_request(struct event_base *base, struct evdns_base *dns,
           struct ssl_ctx_st *ctx, const struct od_hc_url *u,
           const char *connect, const char *const *headers, const void *body,
           size_t len, int timeout_ms, size_t max_answer, od_hc_done done,
           od_hc_got got, void *arg)
{
    struct od_hc_call *c = calloc(1, sizeof *c);
    struct evhttp_request *req = NULL;
    struct bufferevent *bev = NULL;
    struct evkeyvalq *h;
    struct timeval tv;
    SSL *ssl = NULL;
    int i;

    if (!c)
        return NULL;
    c->done = done;
    c->got = got;
    c->arg = arg;
    if (!(c->deliver = event_new(base, -1, 0, deliver_cb, c))) {
        free(c);
        return NULL;
    }
    snprintf(c->why, sizeof c->why, "cannot start the request");
    if (u->tls) {
        if (!ctx || !(ssl = od_hc_ssl_new(ctx, u)))
            goto fail;
        bev = bufferevent_openssl_socket_new(base, -1, ssl,
                                             BUFFEREVENT_SSL_CONNECTING,
                                             BEV_OPT_CLOSE_ON_FREE |
                                                 BEV_OPT_DEFER_CALLBACKS);
        if (!bev)
            goto fail;
        ssl = NULL; /* the bufferevent owns it */
        bufferevent_openssl_set_allow_dirty_shutdown(bev, 1);
    } else if (!(bev = bufferevent_socket_new(base, -1,
                                              BEV_OPT_CLOSE_ON_FREE |
                                                  BEV_OPT_DEFER_CALLBACKS))) {
        goto fail;
    }
    c->conn = evhttp_connection_base_bufferevent_new(
        base, dns, bev, connect ? connect : u->host, (unsigned short)u->port);
    if (!c->conn) {
        bufferevent_free(bev);
        goto fail;
    }
    tv.tv_sec = timeout_ms / 1000;
    tv.tv_usec = (timeout_ms % 1000) * 1000;
    evhttp_connection_set_timeout_tv(c->conn, &tv);
    evhttp_connection_set_retries(c->conn, 0);
    evhttp_connection_set_max_body_size(c->conn, (ev_ssize_t)max_answer);
    evhttp_connection_set_max_headers_size(c->conn, 16 * 1024);

    if (!(req = evhttp_request_new(answer_cb, c)))
        goto fail;
    evhttp_request_set_error_cb(req, error_cb);
    h = evhttp_request_get_output_headers(req);
    evhttp_add_header(h, "Host", u->host_header);
    for (i = 0; headers && headers[i] && headers[i + 1]; i += 2)
        evhttp_add_header(h, headers[i], headers[i + 1]);
    evhttp_add_header(h, "Connection", "close");
    if (body &&
        evbuffer_add(evhttp_request_get_output_buffer(req), body, len)) {
        evhttp_request_free(req);
        goto fail;
    }
    /* On failure evhttp_make_request frees req itself. */
    if (evhttp_make_request(c->conn, req,
                            body ? EVHTTP_REQ_POST : EVHTTP_REQ_GET,
                            u->path) != 0)
        goto fail;
    return c;
fail:
    if (ssl)
        SSL_free(ssl);
    /* Report the failure from the loop, like any other. */
    c->answered = 1;
    c->code = 0;
    ERR_clear_error();
    event_active(c->deliver, EV_TIMEOUT, 1);
    return c;
}

struct od_hc_call *od_hc_post(struct event_base *base, struct evdns_base *dns,
                              struct ssl_ctx_st *ctx,
                              const struct od_hc_url *u,
                              const char *const *headers, const void *body,
                              size_t len, int timeout_ms, size_t max_answer,
                              od_hc_done done, void *arg)
{
    return hc_request(base, dns, ctx, u, NULL, headers, body ? body : "",
                      len, timeout_ms, max_answer, done, NULL, arg);
}

struct od_hc_call *od_hc_get(struct event_base *base, struct ssl_ctx_st *ctx,
                             const struct od_hc_url *u, const char *connect,
                             int timeout_ms, size_t max_answer,
                             od_hc_got got, void *arg)
{
    static const char *const headers[] = {"User-Agent", "libodapi", NULL};
    return hc_request(base, NULL, ctx, u, connect, headers, NULL, 0,
                      timeout_ms, max_answer, NULL, got, arg);
}
