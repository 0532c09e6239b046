/*
 * http-client-internal.h - one-shot HTTP(S) client calls on the server's
 * event base (evhttp's client over a bufferevent_openssl): the certificate
 * chain and the host name are verified, nothing blocks the loop, every call
 * has a deadline. Used by the events engine (events.c); written after
 * auth/remote.c's validator calls.
 *
 * Everything here runs on the event loop thread.
 */
#ifndef OD_HTTP_CLIENT_INTERNAL_H
#define OD_HTTP_CLIENT_INTERNAL_H

#include <stddef.h>

struct event_base;
struct evdns_base;
struct ssl_ctx_st;
struct ssl_st;

/* A parsed http:// or https:// URL. */
struct od_hc_url {
    char *host;          /* without brackets */
    char *host_header;   /* host[:port] as in the URL */
    char *path;          /* path and query */
    int port;
    int tls;
    int host_is_ip;
};

/* 0, or -1 with a sentence in err (not http(s)://host[:port]/..., user
 * info, out of memory). https_only: refuse http://. */
int od_hc_url_parse(struct od_hc_url *u, const char *url, int https_only,
                    char *err, size_t errlen);
void od_hc_url_free(struct od_hc_url *u);

/* A TLS client context that verifies peers (TLS 1.2+) against ca_file (PEM)
 * or, NULL/"", the system's CAs. NULL with a sentence in err. */
struct ssl_ctx_st *od_hc_ssl_ctx(const char *ca_file, char *err,
                                 size_t errlen);

/* More of a TLS client (the Cloud relay's): the peer is accepted when the
 * chain verifies against ca_file (NULL: the system's CAs) and, with pins,
 * when the SHA-256 of its certificate or of its public key is one of them.
 * With pins and no ca_file the pins alone decide (no chain or host name
 * check: a pinned certificate is the identity). A client certificate is
 * sent when cert_file and key_file are given. */
struct od_hc_tls {
    const char *ca_file;
    const unsigned char (*pins)[32];
    int npins;
    const char *cert_file, *key_file;
};
struct ssl_ctx_st *od_hc_ssl_ctx_tls(const struct od_hc_tls *t, char *err,
                                     size_t errlen);

/* An SSL for a connection to u: SNI, and the host name or IP address the
 * certificate must name. NULL when out of memory. */
struct ssl_st *od_hc_ssl_new(struct ssl_ctx_st *ctx, const struct od_hc_url *u);

/* One sentence on why a TLS connection failed: the certificate check
 * (verify result, pin), else the OpenSSL error e, else "" (why unchanged). */
void od_hc_tls_why(struct ssl_st *ssl, unsigned long e, char *why,
                   size_t len);

struct od_hc_call;

/* code: the HTTP status, or 0 when no answer came; then why says what
 * failed ("timeout", "certificate: ...", "connection failed"). body/len:
 * the answer (capped), valid during the call only. */
typedef void (*od_hc_done)(void *arg, int code, const char *body, size_t len,
                           const char *why);

/* POST body to u with headers (name, value, ..., NULL; Host, Content-Length
 * and Connection: close are added). done runs later on the loop thread,
 * never before this returns, exactly once unless the call is cancelled.
 * ctx is needed for https URLs. dns may be NULL (blocking resolution).
 * NULL when out of memory. */
struct od_hc_call *od_hc_post(struct event_base *base, struct evdns_base *dns,
                              struct ssl_ctx_st *ctx,
                              const struct od_hc_url *u,
                              const char *const *headers, const void *body,
                              size_t len, int timeout_ms, size_t max_answer,
                              od_hc_done done, void *arg);
/* GET u (od_hc_get's answer also gives the Location header, NULL when
 * none). connect: the address to connect to (a name checked and resolved
 * by the caller; the certificate is still checked against u->host), or
 * NULL for u->host (resolved with a blocking lookup: give an address). */
typedef void (*od_hc_got)(void *arg, int code, const char *body, size_t len,
                          const char *location, const char *why);
struct od_hc_call *od_hc_get(struct event_base *base, struct ssl_ctx_st *ctx,
                             const struct od_hc_url *u, const char *connect,
                             int timeout_ms, size_t max_answer,
                             od_hc_got got, void *arg);
/* Drop a pending call; done is not called. */
void od_hc_cancel(struct od_hc_call *c);

#endif /* OD_HTTP_CLIENT_INTERNAL_H */
