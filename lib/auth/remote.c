/*
 * remote.c - the remote validator: one HTTPS POST per key pair to a
 * configured URL, with the certificate chain and the host name verified.
 * The transport is the shared one-shot client (http-client.c); this file
 * is the protocol (docs/credentials.md): the request body, and what an
 * answer means for the key pair.
 */
#include "auth/cred-internal.h"
#include "core/http-client-internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/ssl.h>

#define MAX_ANSWER (64 * 1024)

struct od_remote {
    struct event_base *base;
    const struct od_logger *log;
    SSL_CTX *ctx;
    struct od_hc_url url;
    int timeout_ms;
    struct od_remote_req *reqs;
};

struct od_remote_req {
    struct od_remote *r;
    struct od_remote_req *prev, *next;
    struct od_hc_call *call;
    od_val_done done;
    void *arg;
    char key_hash[17];
};

struct od_remote *od_remote_new(struct event_base *base, const char *url,
                                const char *ca_file,
                                const struct od_logger *log, char *err,
                                size_t errlen)
{
    struct od_remote *r = calloc(1, sizeof *r);
    char why[256];
    if (!r) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    r->base = base;
    r->log = log;
    r->timeout_ms = OD_CRED_REMOTE_TIMEOUT_MS;
    if (od_hc_url_parse(&r->url, url, 1, why, sizeof why) != 0) {
        snprintf(err, errlen, "validator URL must look like "
                              "https://host[:port]/path (https only)");
        od_remote_free(r);
        return NULL;
    }
    if (!(r->ctx = od_hc_ssl_ctx(ca_file, why, sizeof why))) {
        if (ca_file && *ca_file)
            snprintf(err, errlen, "validator CA file %s cannot be read as "
                                  "PEM certificates", ca_file);
        else
            snprintf(err, errlen, "cannot load the system's CA "
                                  "certificates for the validator; give a "
                                  "CA file");
        od_remote_free(r);
        return NULL;
    }
    return r;
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
    free(q);
}

void od_remote_cancel(struct od_remote_req *q)
{
    if (!q)
        return;
    if (q->call)
        od_hc_cancel(q->call);
    req_free(q);
}

void od_remote_free(struct od_remote *r)
{
    if (!r)
        return;
    while (r->reqs)
        od_remote_cancel(r->reqs);
    if (r->ctx)
        SSL_CTX_free(r->ctx);
    od_hc_url_free(&r->url);
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

/* What an answer means: 200 with the JSON is a verdict, 401/404 an unknown
 * pair, anything else (or nothing) "unreachable". */
static void answered(void *arg, int code, const char *body, size_t len,
                     const char *why)
{
    struct od_remote_req *q = arg;
    struct od_remote *r = q->r;
    od_val_done done = q->done;
    void *darg = q->arg;
    struct od_verdict v;
    int outcome = OD_VAL_UNREACHABLE;

    memset(&v, 0, sizeof v);
    if (code == 200) {
        if (body && od_remote_parse_answer(body, len, &v) == 0)
            outcome = OD_VAL_VERDICT;
        else
            od_log(r->log, ODAPI_LOG_WARNING,
                   "credentials %s: the validation server's answer is not "
                   "the expected JSON", q->key_hash);
    } else if (code == 401 || code == 404) {
        outcome = OD_VAL_UNKNOWN;
    } else if (code) {
        od_log(r->log, ODAPI_LOG_WARNING,
               "credentials %s: the validation server answered HTTP %d",
               q->key_hash, code);
    } else {
        od_log(r->log, ODAPI_LOG_WARNING,
               "credentials %s: cannot reach the validation server %s:%d%s%s",
               q->key_hash, r->url.host, r->url.port, why ? ": " : "",
               why ? why : "");
    }
    q->call = NULL;
    req_free(q);
    done(darg, outcome, outcome == OD_VAL_VERDICT ? &v : NULL);
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
    static const char *const headers[] = {"Content-Type", "application/json",
                                          "Accept", "application/json", NULL};
    struct od_remote_req *q = calloc(1, sizeof *q);
    char body[4 * OD_CRED_KEY_MAX + 80];
    int blen;

    if (!q)
        return NULL;
    q->r = r;
    q->done = done;
    q->arg = arg;
    memcpy(q->key_hash, key_hash, sizeof q->key_hash);
    if ((blen = make_body(body, sizeof body, dev, cust)) < 0) {
        free(q);
        return NULL;
    }
    q->next = r->reqs;
    if (r->reqs)
        r->reqs->prev = q;
    r->reqs = q;
    /* the client answers later on the loop, also when it cannot start */
    q->call = od_hc_post(r->base, NULL, r->ctx, &r->url, headers, body,
                         (size_t)blen, r->timeout_ms, MAX_ANSWER, answered, q);
    OPENSSL_cleanse(body, sizeof body);
    if (!q->call) {
        req_free(q);
        return NULL;
    }
    return q;
}
