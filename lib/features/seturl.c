/* seturl.c - POST /documents/SetByUrl: the file at url becomes a document
 * of the patient.
 *
 * Open Dental's API keeps the URL in document.Note ("_download_:{url}")
 * and the desktop program downloads it later (WebClient, on whichever
 * workstation opens it first). Here the server downloads it at once
 * (docs/resources.md, "Documents"), through the library's HTTP client
 * (lib/http/http-client.c) on the event loop, with limits: the answer may
 * be at most the largest document (od_store_max_file), the whole download
 * (redirects included) takes at most the request timeout
 * (ODAPI_LIMIT_TIMEOUT, --timeout), at most MAX_REDIRECTS redirects are
 * followed. Because the server, not a workstation, makes
 * the request, a URL whose host is this machine, a private network, or a
 * link-local address is refused unless the configuration allows it
 * (odapi_config_set_url_fetch): the API must not become a way into the
 * office network. Each host name is resolved on a worker, checked, and
 * connected to by that address (no second lookup to be fooled by).
 *
 * Stages: check (worker: patient, image store, address) -> fetch (loop)
 * -> import (worker: documents.c's transaction) -> answer. */
#include "engine/openapi-internal.h"
#include "features/docjob-internal.h"
#include "core/http-client-internal.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include <event2/event.h>
#include <openssl/ssl.h>

#define MAX_REDIRECTS 3

struct seturl {
    struct docin d;
    char *url;                /* the current one (after redirects) */
    struct od_hc_url u;
    char addr[INET6_ADDRSTRLEN];
    int redirects;
    struct od_hc_call *call;
    struct event *deadline;
    struct ssl_ctx_st *ctx;
    unsigned char *bytes;
    size_t n;
    char ext[16];
    int stage;                /* 0: check, 1: import */
};

static void seturl_free(void *p)
{
    struct seturl *s = p;
    od_docin_free(&s->d);
    free(s->url);
    od_hc_url_free(&s->u);
    if (s->call)
        od_hc_cancel(s->call);
    if (s->deadline)
        event_free(s->deadline);
    if (s->ctx)
        SSL_CTX_free(s->ctx);
    free(s->bytes);
    free(s);
}

/* ---- which addresses may be fetched -------------------------------------------- */

static int v4_public(const unsigned char *a)
{
    return !(a[0] == 0 || a[0] == 10 || a[0] == 127 ||
             (a[0] == 100 && (a[1] & 0xC0) == 64) ||      /* 100.64/10 */
             (a[0] == 169 && a[1] == 254) ||              /* link-local */
             (a[0] == 172 && (a[1] & 0xF0) == 16) ||      /* 172.16/12 */
             (a[0] == 192 && a[1] == 168) ||
             (a[0] == 192 && a[1] == 0 && a[2] == 0) ||
             (a[0] == 198 && (a[1] & 0xFE) == 18) ||      /* benchmarks */
             a[0] >= 224);                                /* multicast+ */
}

/* Not this machine, a private network, link-local, or multicast. */
static int addr_public(const struct sockaddr *sa)
{
    if (sa->sa_family == AF_INET)
        return v4_public(
            (const unsigned char *)&((const struct sockaddr_in *)sa)
                ->sin_addr);
    if (sa->sa_family == AF_INET6) {
        const unsigned char *a =
            ((const struct sockaddr_in6 *)sa)->sin6_addr.s6_addr;
        static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0,
                                                 0, 0, 0, 0, 0xFF, 0xFF};
        static const unsigned char zero[15] = {0};
        if (!memcmp(a, mapped, 12))
            return v4_public(a + 12);
        if (!memcmp(a, zero, 15) && a[15] <= 1)  /* :: and ::1 */
            return 0;
        return !((a[0] & 0xFE) == 0xFC ||            /* fc00::/7 */
                 (a[0] == 0xFE && (a[1] & 0xC0) == 0x80) || /* fe80::/10 */
                 a[0] == 0xFF);                      /* multicast */
    }
    return 0;
}

/* The address to connect to: the first of the host's that may be
 * fetched. 0, or -1 with a 400 on j. */
static int pick_address(struct dj *j, struct seturl *s)
{
    struct addrinfo hints, *res, *ai;
    int rc, refused = 0;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    if ((rc = getaddrinfo(s->u.host, NULL, &hints, &res)) != 0)
        return od_dj_fail(j, 400, "The download from url failed: the host %s "
                               "is unknown.", s->u.host);
    s->addr[0] = '\0';
    for (ai = res; ai && !s->addr[0]; ai = ai->ai_next) {
        const void *a = ai->ai_family == AF_INET
            ? (const void *)&((struct sockaddr_in *)ai->ai_addr)->sin_addr
            : (const void *)&((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr;
        if (!j->srv->cfg->url_private && !addr_public(ai->ai_addr)) {
            refused = 1;
            continue;
        }
        inet_ntop(ai->ai_family, a, s->addr, sizeof s->addr);
    }
    freeaddrinfo(res);
    if (!s->addr[0])
        return od_dj_fail(j, 400, "%s", refused
            ? "url names this server or an address of a private network, "
              "which is not fetched."
            : "The download from url failed: the host has no address.");
    return 0;
}

/* ---- stage 1: check (worker) ------------------------------------------------ */

static int work_check(struct od_conn *c, struct dj *j)
{
    struct seturl *s = j->data;
    struct od_prm p[1] = {OD_PI(s->d.patnum)};
    struct od_store st;
    long long one;
    int status = 0, r;
    if (s->stage == 1)
        return od_doc_import_tx(c, j, &s->d, s->bytes, s->n, s->ext, 0);
    r = od_query_ll(c, "SELECT PatNum FROM patient WHERE PatNum = ?", p, 1,
                    1, &one);
    if (r <= 0)
        return r < 0 ? od_dj_db_failed(c, j)
                     : (od_dj_fail(j, 404, "Patient not found."), OD_WORK_DONE);
    /* the store must take the file before it is fetched */
    if (od_store_open(c, j->srv->cfg, &st, &status, j->msg, sizeof j->msg)) {
        j->status = status;
        return status ? OD_WORK_DONE : od_dj_db_failed(c, j);
    }
    od_store_close(&st);
    pick_address(j, s);
    return OD_WORK_DONE;
}

/* ---- stage 2: fetch (loop) ----------------------------------------------------- */

static void stage_done(void *arg, int status);

static void submit_stage(struct dj *j)
{
    if (od_request_submit(j->req, od_dj_run, stage_done, j))
        od_dj_free(j);
}

/* A redirect's target: absolute, or a path on the same host. */
static int follow(struct dj *j, struct seturl *s, const char *loc)
{
    char err[160], *next;
    size_t n;
    if (!loc || !*loc || ++s->redirects > MAX_REDIRECTS)
        return od_dj_fail(j, 400, "The download from url failed: too many "
                               "redirects, or one without a Location.");
    if (loc[0] == '/') {
        n = strlen(s->u.host_header) + strlen(loc) + 16;
        if (!(next = malloc(n)))
            return od_dj_fail(j, 500, "Out of memory.");
        snprintf(next, n, "%s://%s%s", s->u.tls ? "https" : "http",
                 s->u.host_header, loc);
    } else if (!(next = strdup(loc))) {
        return od_dj_fail(j, 500, "Out of memory.");
    }
    free(s->url);
    s->url = next;
    od_hc_url_free(&s->u);
    if (od_hc_url_parse(&s->u, s->url, 0, err, sizeof err))
        return od_dj_fail(j, 400, "The download from url failed: a redirect "
                               "to a URL that cannot be fetched.");
    return 0;
}

/* The file's extension: the URL path's (Path.GetExtension of the URL, as
 * DownloadDocumentNoteFile names its temporary file), the query left
 * out. */
static void url_ext(struct seturl *s)
{
    char path[1024];
    size_t q = strcspn(s->u.path, "?#");
    snprintf(path, sizeof path, "%.*s", (int)(q < sizeof path ? q : 0),
             s->u.path);
    od_import_ext(path, s->bytes, s->n, s->ext, sizeof s->ext);
}

static void got(void *arg, int code, const char *body, size_t len,
                const char *location, const char *why)
{
    struct dj *j = arg;
    struct seturl *s = j->data;
    s->call = NULL;
    if (code >= 300 && code < 400 && code != 304) {
        if (follow(j, s, location) == 0) {
            submit_stage(j); /* check the new host, then fetch */
            return;
        }
    } else if (code == 200) {
        if (!(s->bytes = malloc(len ? len : 1))) {
            od_dj_fail(j, 500, "Out of memory.");
        } else {
            memcpy(s->bytes, body, len);
            s->n = len;
            url_ext(s);
            s->stage = 1;
            submit_stage(j);
            return;
        }
    } else if (code) {
        od_dj_fail(j, 400, "The download from url failed: HTTP %d.", code);
    } else {
        od_dj_fail(j, 400, "The download from url failed: %s.",
                why ? why : "no answer");
    }
    od_dj_finish(j, ODAPI_OK);
}

static long fetch_seconds(const struct dj *j)
{
    return od_config_limit(j->srv->cfg, ODAPI_LIMIT_TIMEOUT);
}

static void deadline_cb(evutil_socket_t fd, short what, void *arg)
{
    struct dj *j = arg;
    struct seturl *s = j->data;
    (void)fd;
    (void)what;
    if (s->call) {
        od_hc_cancel(s->call);
        s->call = NULL;
        od_dj_fail(j, 400, "The download from url took longer than %ld "
                        "seconds.", fetch_seconds(j));
        od_dj_finish(j, ODAPI_OK);
    }
}

static void start_fetch(struct dj *j)
{
    struct seturl *s = j->data;
    const odapi_config *cfg = j->srv->cfg;
    char err[200];
    struct timeval tv = {fetch_seconds(j), 0};
    if (s->u.tls && !s->ctx &&
        !(s->ctx = od_hc_ssl_ctx(cfg->url_ca, err, sizeof err))) {
        od_dj_fail(j, 500, "SetByUrl cannot make https requests: %s.", err);
        od_dj_finish(j, ODAPI_OK);
        return;
    }
    if (!s->deadline) { /* one deadline for the whole download */
        if (!(s->deadline = evtimer_new(j->srv->base, deadline_cb, j))) {
            od_dj_fail(j, 500, "Out of memory.");
            od_dj_finish(j, ODAPI_OK);
            return;
        }
        evtimer_add(s->deadline, &tv);
    }
    s->call = od_hc_get(j->srv->base, s->ctx, &s->u, s->addr,
                        (int)fetch_seconds(j) * 1000,
                        od_store_max_file(cfg), got, j);
    if (!s->call) {
        od_dj_fail(j, 500, "Out of memory.");
        od_dj_finish(j, ODAPI_OK);
    }
}

static void stage_done(void *arg, int status)
{
    struct dj *j = arg;
    struct seturl *s = j->data;
    if (status == ODAPI_OK && !j->status && s->stage == 0) {
        start_fetch(j);
        return;
    }
    od_dj_finish(j, status);
}

/* ---- the handler ---------------------------------------------------------------- */

static int read_input(struct dj *j, struct seturl *s, char *msg,
                      size_t msgsize)
{
    json_t *body = od_dj_body(j->req, msg, msgsize);
    const char *url;
    char err[160];
    long long pat;
    int rc = -1;
    if (!body)
        return -1;
    if (od_dj_key(body, "PatNum", &pat, msg, msgsize) <= 0) {
        if (!pat)
            snprintf(msg, msgsize, "PatNum is required.");
    } else if (od_dj_str(body, "url", &url, msg, msgsize) >= 0) {
        if (!url || !*url)
            snprintf(msg, msgsize, "url is required.");
        else if (strlen(url) > 2000 ||
                 od_hc_url_parse(&s->u, url, 0, err, sizeof err))
            snprintf(msg, msgsize, "url is invalid: it must be an http or "
                                   "https URL.");
        else if (!(s->url = strdup(url)))
            snprintf(msg, msgsize, "Out of memory.");
        else if (od_docin_read(&s->d, body, msg, msgsize) == 0) {
            s->d.patnum = pat;
            rc = 0;
        }
    }
    json_decref(body);
    return rc;
}

static void h_seturl(odapi_request *req, void *arg)
{
    struct dj *j = od_dj_new_data(req, work_check, sizeof(struct seturl),
                                  seturl_free);
    struct seturl *s;
    char msg[300];
    (void)arg;
    if (!j)
        return;
    s = j->data;
    if (read_input(j, s, msg, sizeof msg)) {
        od_dj_reject(j, 400, msg);
        return;
    }
    submit_stage(j);
}

/* What these routes take and answer, for GET /openapi.json
 * (engine/openapi-internal.h). */
static const struct od_opdoc seturl_docs[] = {
    {"POST", "/documents/SetByUrl",
     "Store a document fetched from a URL.",
     NULL,
     "PatNum:int!,url:text!,Description:text,DateCreated:datetime,DocCategory:int,ImgType:text,ToothNumbers:text,ProvNum:int,PrintHeading:bool",
     "documents",
     .perm = ODAPI_PERM_ALL_OTHERS, .handler = h_seturl},
};

void od_register_seturl(odapi_server *srv);
void od_register_seturl(odapi_server *srv)
{
    od_api_routes(srv, seturl_docs, (int)OD_ARRAY_LEN(seturl_docs));
}
