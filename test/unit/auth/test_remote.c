/* test_remote.c - lib/auth/remote.c, the remote validator, and the cache
 * in front of it, against a fake validation server on loopback (evhttp over
 * bufferevent_openssl on the same event base) with certificates made by the
 * openssl command at test time. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cmocka.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>
#include <openssl/ssl.h>

#include "auth/cred-internal.h"

/* The cache's counters (what GET /metrics shows). */
static struct od_cred_counts counts(const struct od_cred *c)
{
    struct od_cred_counts n;
    od_cred_counts(c, &n);
    return n;
}

static char dir[64];
static struct event_base *base;
static uint64_t fake_now = 5000000;
static char logbuf[256 * 1024];
static size_t loglen;

static uint64_t fake_clock(void *arg)
{
    return fake_now;
}

static void on_log(void *arg, odapi_log_level level, const char *message)
{
    int n = snprintf(logbuf + loglen, sizeof logbuf - loglen, "%s\n", message);
    if (n > 0 && loglen + (size_t)n < sizeof logbuf)
        loglen += (size_t)n;
}

/* ---- the fake validation server ----------------------------------------- */

struct fake {
    struct evhttp *http;
    SSL_CTX *ctx;
    int port;
    int calls;
    int bad_requests;
    char last_body[512];
};

static struct bufferevent *fake_bevcb(struct event_base *b, void *arg)
{
    struct fake *f = arg;
    return bufferevent_openssl_socket_new(b, -1, SSL_new(f->ctx),
                                          BUFFEREVENT_SSL_ACCEPTING,
                                          BEV_OPT_CLOSE_ON_FREE);
}

static void fake_reply(struct evhttp_request *req, int code, const char *body)
{
    struct evbuffer *out = evbuffer_new();
    evbuffer_add_printf(out, "%s", body);
    evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type",
                      "application/json");
    evhttp_send_reply(req, code, code == 200 ? "OK" : "Error", out);
    evbuffer_free(out);
}

static void fake_handler(struct evhttp_request *req, void *arg)
{
    struct fake *f = arg;
    struct evbuffer *in = evhttp_request_get_input_buffer(req);
    size_t len = evbuffer_get_length(in);
    const char *ct = evhttp_find_header(evhttp_request_get_input_headers(req),
                                        "Content-Type");
    json_t *j;
    const char *dev, *cust;

    f->calls++;
    if (len >= sizeof f->last_body)
        len = sizeof f->last_body - 1;
    evbuffer_copyout(in, f->last_body, len);
    f->last_body[len] = '\0';
    j = json_loads(f->last_body, 0, NULL);
    dev = json_string_value(json_object_get(j, "DeveloperKey"));
    cust = json_string_value(json_object_get(j, "CustomerKey"));
    if (evhttp_request_get_command(req) != EVHTTP_REQ_POST || !ct ||
        strcmp(ct, "application/json") || !dev || !cust ||
        strcmp(evhttp_request_get_uri(req), "/validate?v=1")) {
        f->bad_requests++;
        fake_reply(req, 400, "\"bad request\"");
    } else if (!strcmp(dev, "GOODDEVaaaaaaaaa")) {
        fake_reply(req, 200, "{\"KeyStatus\":\"Enabled\",\"DeveloperName\":"
                             "\"Good Dev\",\"Permissions\":[\"ApiReadAll\","
                             "\"ApiPatients\",\"ApiFutureThing\"]}");
    } else if (!strcmp(dev, "DISDEVbbbbbbbbbb")) {
        fake_reply(req, 200, "{\"KeyStatus\":\"DisabledByDeveloper\","
                             "\"DeveloperName\":\"Dis Dev\",\"Permissions\":"
                             "[\"ApiReadAll\"]}");
    } else if (!strcmp(dev, "READDEVccccccccc")) {
        fake_reply(req, 200, "{\"KeyStatus\":\"EnabledReadOnly\","
                             "\"Permissions\":[\"ApiReadAll\",\"ApiComm\"]}");
    } else if (!strcmp(dev, "GARBAGEddddddddd")) {
        fake_reply(req, 200, "{\"Permissions\":[]}");
    } else if (!strcmp(dev, "FIVEHUNDREDeeeee")) {
        fake_reply(req, 500, "\"oops\"");
    } else {
        fake_reply(req, 404, "\"unknown key\"");
    }
    json_decref(j);
}

static void fake_start(struct fake *f, const char *cert)
{
    char crt[128], key[128];
    struct evhttp_bound_socket *s;
    struct sockaddr_in sin;
    socklen_t sl = sizeof sin;

    memset(f, 0, sizeof *f);
    snprintf(crt, sizeof crt, "%s/%s.crt", dir, cert);
    snprintf(key, sizeof key, "%s/%s.key", dir, cert);
    assert_non_null(f->ctx = SSL_CTX_new(TLS_server_method()));
    assert_int_equal(SSL_CTX_use_certificate_chain_file(f->ctx, crt), 1);
    assert_int_equal(SSL_CTX_use_PrivateKey_file(f->ctx, key,
                                                 SSL_FILETYPE_PEM), 1);
    assert_non_null(f->http = evhttp_new(base));
    evhttp_set_bevcb(f->http, fake_bevcb, f);
    evhttp_set_gencb(f->http, fake_handler, f);
    assert_non_null(s = evhttp_bind_socket_with_handle(f->http, "127.0.0.1",
                                                       0));
    assert_int_equal(getsockname(evhttp_bound_socket_get_fd(s),
                                 (struct sockaddr *)&sin, &sl), 0);
    f->port = ntohs(sin.sin_port);
}

static void fake_stop(struct fake *f)
{
    if (f->http)
        evhttp_free(f->http);
    if (f->ctx)
        SSL_CTX_free(f->ctx);
    f->http = NULL;
    f->ctx = NULL;
}

/* ---- the client side ----------------------------------------------------- */

struct result {
    int called, status;
    struct od_verdict v;
    char msg[512];
};

static void on_check(void *arg, int http_status, const struct od_verdict *v,
                     const char *message)
{
    struct result *r = arg;
    r->called++;
    r->status = http_status;
    memset(&r->v, 0, sizeof r->v);
    if (v)
        r->v = *v;
    snprintf(r->msg, sizeof r->msg, "%s", message ? message : "");
}

static void timeout_cb(evutil_socket_t fd, short what, void *arg)
{
    *(int *)arg = 1;
}

/* Run the loop until every result in r[0..n) has been called. */
static void wait_for(struct result *r, int n)
{
    int expired = 0, i, all;
    struct timeval tv = {10, 0};
    struct event *t = evtimer_new(base, timeout_cb, &expired);
    evtimer_add(t, &tv);
    for (;;) {
        for (all = 1, i = 0; i < n; i++)
            if (!r[i].called)
                all = 0;
        if (all || expired)
            break;
        event_base_loop(base, EVLOOP_ONCE);
    }
    event_free(t);
    if (!all)
        fail_msg("no answer within 10 s");
}

static const char *url_host = "127.0.0.1";

static struct od_cred *new_cred(int port, const char *ca, long ttl)
{
    odapi_config *cfg = odapi_config_new(ODAPI_MODE_LOCAL);
    char url[128], cafile[128], err[512] = "";
    struct od_cred *c;
    snprintf(url, sizeof url, "https://%s:%d/validate?v=1", url_host, port);
    snprintf(cafile, sizeof cafile, "%s/%s", dir, ca);
    odapi_config_set_validator_url(cfg, url, cafile);
    odapi_config_set_log(cfg, on_log, NULL, ODAPI_LOG_VERBOSE);
    if (ttl)
        odapi_config_set_limit(cfg, ODAPI_LIMIT_CRED_TTL, ttl);
    c = od_cred_new(base, cfg, err, sizeof err);
    odapi_config_free(cfg);
    if (!c)
        fail_msg("od_cred_new: %s", err);
    od_cred_set_clock(c, fake_clock, NULL);
    return c;
}

static void check(struct od_cred *c, const char *h, struct result *r)
{
    memset(r, 0, sizeof *r);
    od_cred_check(c, h, on_check, r);
}

static void check_wait(struct od_cred *c, const char *h, struct result *r)
{
    check(c, h, r);
    wait_for(r, 1);
}

#define GOOD "ODFHIR GOODDEVaaaaaaaaa/GOODCUSTzzzzzzzz"

/* ---- tests ---------------------------------------------------------------- */

static void test_one_call_then_offline(void **state)
{
    struct fake f;
    struct od_cred *c;
    struct result r;
    const char *why;
    int i;

    fake_start(&f, "good");
    c = new_cred(f.port, "ca.crt", 3600);
    loglen = 0;
    logbuf[0] = '\0';
    check_wait(c, GOOD, &r);
    assert_int_equal(r.status, 0);
    assert_int_equal(r.v.status, OD_KEY_ENABLED);
    assert_string_equal(r.v.developer_name, "Good Dev");
    assert_true(r.v.perms == (OD_PERM_BIT(ODAPI_PERM_READ_ALL) |
                              OD_PERM_BIT(ODAPI_PERM_PATIENTS)));
    assert_true(od_cred_allows(&r.v, ODAPI_PERM_PATIENTS, "POST", &why));
    assert_false(od_cred_allows(&r.v, ODAPI_PERM_PAYMENTS, "POST", &why));
    assert_string_equal(f.last_body, "{\"DeveloperKey\":\"GOODDEVaaaaaaaaa\","
                                     "\"CustomerKey\":\"GOODCUSTzzzzzzzz\"}");
    assert_int_equal(f.bad_requests, 0);

    for (i = 0; i < 50; i++) {
        check(c, GOOD, &r); /* a cache hit answers at once */
        assert_int_equal(r.called, 1);
        assert_int_equal(r.status, 0);
    }
    assert_int_equal(f.calls, 1);
    assert_int_equal(od_cred_validations(c), 1);

    /* The validation server goes away: still served for the TTL. */
    fake_stop(&f);
    fake_now += 3599 * 1000;
    check(c, GOOD, &r);
    assert_int_equal(r.called, 1);
    assert_int_equal(r.status, 0);

    /* Expired with the server down: refused, clearly. */
    fake_now += 2 * 1000;
    check_wait(c, GOOD, &r);
    assert_int_equal(r.status, 401);
    assert_string_equal(r.msg, OD_MSG_AUTH_UNVALIDATED);
    assert_int_equal(od_cred_validations(c), 2);
    assert_null(strstr(logbuf, "GOODDEV"));
    assert_null(strstr(logbuf, "GOODCUST"));
    assert_non_null(strstr(logbuf, r.v.key_hash));
    od_cred_free(c);
}

static void test_revalidate_after_expiry(void **state)
{
    struct fake f;
    struct od_cred *c;
    struct result r;

    fake_start(&f, "good");
    c = new_cred(f.port, "ca.crt", 0); /* default: six hours */
    check_wait(c, GOOD, &r);
    assert_int_equal(f.calls, 1);
    fake_now += 6 * 3600 * 1000 - 1000;
    check(c, GOOD, &r);
    assert_int_equal(r.called, 1);
    assert_int_equal(f.calls, 1);
    fake_now += 2000;
    check_wait(c, GOOD, &r);
    assert_int_equal(r.status, 0);
    assert_int_equal(f.calls, 2);
    od_cred_free(c);
    fake_stop(&f);
}

static void test_concurrent_first_checks(void **state)
{
    struct fake f;
    struct od_cred *c;
    static struct result r[64];
    int i;

    fake_start(&f, "good");
    c = new_cred(f.port, "ca.crt", 0);
    for (i = 0; i < 64; i++)
        check(c, GOOD, &r[i]);
    for (i = 0; i < 64; i++)
        assert_int_equal(r[i].called, 0);
    wait_for(r, 64);
    for (i = 0; i < 64; i++) {
        assert_int_equal(r[i].called, 1);
        assert_int_equal(r[i].status, 0);
    }
    assert_int_equal(f.calls, 1);
    assert_int_equal(od_cred_validations(c), 1);
    od_cred_free(c);
    fake_stop(&f);
}

static void test_statuses_and_refusals(void **state)
{
    struct fake f;
    struct od_cred *c;
    struct result r;
    const char *why;

    fake_start(&f, "good");
    c = new_cred(f.port, "ca.crt", 0);

    check_wait(c, "ODFHIR DISDEVbbbbbbbbbb/C1", &r);
    assert_int_equal(r.status, 0);
    assert_int_equal(r.v.status, OD_KEY_DISABLED_BY_DEVELOPER);
    assert_false(od_cred_allows(&r.v, ODAPI_PERM_READ_ALL, "GET", &why));
    assert_string_equal(why, "This key has been Disabled by Developer.");

    check_wait(c, "ODFHIR READDEVccccccccc/C1", &r);
    assert_int_equal(r.v.status, OD_KEY_ENABLED_READ_ONLY);
    assert_true(od_cred_allows(&r.v, ODAPI_PERM_READ_ALL, "GET", &why));
    assert_false(od_cred_allows(&r.v, ODAPI_PERM_COMM, "PUT", &why));

    /* Unknown pair (404): 401, remembered for a minute. */
    check_wait(c, "ODFHIR NOSUCHDEVfffffff/C1", &r);
    assert_int_equal(r.status, 401);
    assert_string_equal(r.msg, OD_MSG_AUTH_INVALID);
    assert_int_equal(f.calls, 3);
    check(c, "ODFHIR NOSUCHDEVfffffff/C1", &r);
    assert_int_equal(r.called, 1);
    assert_int_equal(r.status, 401);
    assert_int_equal(f.calls, 3);
    fake_now += 61 * 1000;
    check_wait(c, "ODFHIR NOSUCHDEVfffffff/C1", &r);
    assert_int_equal(f.calls, 4);

    /* A malformed answer or a 500 is "could not validate". */
    check_wait(c, "ODFHIR GARBAGEddddddddd/C1", &r);
    assert_int_equal(r.status, 401);
    assert_string_equal(r.msg, OD_MSG_AUTH_UNVALIDATED);
    check_wait(c, "ODFHIR FIVEHUNDREDeeeee/C1", &r);
    assert_int_equal(r.status, 401);
    assert_string_equal(r.msg, OD_MSG_AUTH_UNVALIDATED);
    assert_int_equal(f.calls, 6);
    /* ... remembered only briefly. */
    fake_now += 6 * 1000;
    check_wait(c, "ODFHIR FIVEHUNDREDeeeee/C1", &r);
    assert_int_equal(f.calls, 7);
    assert_int_equal(f.bad_requests, 0);
    od_cred_free(c);
    fake_stop(&f);
}

static void expect_tls_refusal(const char *cert, const char *ca,
                               const char *log_needle)
{
    struct fake f;
    struct od_cred *c;
    struct result r;
    fake_start(&f, cert);
    c = new_cred(f.port, ca, 0);
    loglen = 0;
    logbuf[0] = '\0';
    check_wait(c, GOOD, &r);
    assert_int_equal(r.status, 401);
    assert_string_equal(r.msg, OD_MSG_AUTH_UNVALIDATED);
    assert_int_equal(f.calls, 0); /* the keys were never sent */
    if (!strstr(logbuf, log_needle))
        fail_msg("log lacks '%s': %s", log_needle, logbuf);
    od_cred_free(c);
    fake_stop(&f);
}

static void test_wrong_host_name(void **state)
{
    expect_tls_refusal("wronghost", "ca.crt", "certificate");
}

static void test_untrusted_ca(void **state)
{
    expect_tls_refusal("selfsigned", "ca.crt", "certificate");
    /* And a certificate from the right CA is refused when the validator
     * trusts another one. */
    expect_tls_refusal("good", "other-ca.crt", "certificate");
}

/* A host name rather than an address: SNI plus the name check. The fake
 * server also listens on ::1 where it can, whichever localhost resolves to. */
static void test_dns_host_name(void **state)
{
    struct fake f;
    struct od_cred *c;
    struct result r;
    url_host = "localhost";
    fake_start(&f, "good");
    (void)evhttp_bind_socket(f.http, "::1", (unsigned short)f.port);
    c = new_cred(f.port, "ca.crt", 0);
    check_wait(c, GOOD, &r);
    assert_int_equal(r.status, 0);
    assert_int_equal(f.calls, 1);
    od_cred_free(c);
    fake_stop(&f);

    fake_start(&f, "wronghost");
    (void)evhttp_bind_socket(f.http, "::1", (unsigned short)f.port);
    c = new_cred(f.port, "ca.crt", 0);
    check_wait(c, GOOD, &r);
    assert_int_equal(r.status, 401);
    assert_int_equal(f.calls, 0);
    od_cred_free(c);
    fake_stop(&f);
    url_host = "127.0.0.1";
}

static void test_unreachable_port_and_timeout(void **state)
{
    struct od_cred *c;
    struct result r;
    int s = socket(AF_INET, SOCK_STREAM, 0), port;
    struct sockaddr_in sin;
    socklen_t sl = sizeof sin;
    uint64_t t0;

    /* A socket that listens but never answers: the TLS handshake times
     * out. */
    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(s, (struct sockaddr *)&sin, sizeof sin), 0);
    assert_int_equal(listen(s, 8), 0);
    assert_int_equal(getsockname(s, (struct sockaddr *)&sin, &sl), 0);
    port = ntohs(sin.sin_port);
    c = new_cred(port, "ca.crt", 0);
    od_cred_set_remote_timeout(c, 300);
    t0 = od_now_ms();
    check_wait(c, GOOD, &r);
    assert_int_equal(r.status, 401);
    assert_string_equal(r.msg, OD_MSG_AUTH_UNVALIDATED);
    assert_true(od_now_ms() - t0 < 5000);
    od_cred_free(c);
    close(s);

    /* Nothing listens: refused at once. */
    c = new_cred(port, "ca.crt", 0);
    check_wait(c, GOOD, &r);
    assert_int_equal(r.status, 401);
    assert_string_equal(r.msg, OD_MSG_AUTH_UNVALIDATED);
    od_cred_free(c);
}

static void test_cache_bound_remote(void **state)
{
    struct fake f;
    struct od_cred *c;
    struct result r;
    char h[100];
    int i;

    fake_start(&f, "good");
    c = new_cred(f.port, "ca.crt", 0);
    od_cred_set_max_entries(c, 4);
    for (i = 0; i < 10; i++) {
        snprintf(h, sizeof h, "ODFHIR GOODDEVaaaaaaaaa/CUST%d", i);
        check_wait(c, h, &r);
        assert_int_equal(r.status, 0);
        assert_true(counts(c).entries <= 4);
    }
    assert_int_equal(counts(c).evictions, 6);
    assert_int_equal(f.calls, 10);
    check(c, "ODFHIR GOODDEVaaaaaaaaa/CUST9", &r);
    assert_int_equal(r.called, 1);
    check_wait(c, "ODFHIR GOODDEVaaaaaaaaa/CUST0", &r);
    assert_int_equal(f.calls, 11);
    od_cred_free(c);
    fake_stop(&f);
}

static void test_free_while_pending(void **state)
{
    struct fake f;
    struct od_cred *c;
    struct result r;
    int i;

    fake_start(&f, "good");
    c = new_cred(f.port, "ca.crt", 0);
    check(c, GOOD, &r);
    od_cred_free(c); /* cancels the request; no callback afterwards */
    for (i = 0; i < 20; i++)
        event_base_loop(base, EVLOOP_NONBLOCK);
    assert_int_equal(r.called, 0);
    fake_stop(&f);
}

static void test_config_errors(void **state)
{
    odapi_config *cfg = odapi_config_new(ODAPI_MODE_LOCAL);
    char err[512], cafile[128];
    snprintf(cafile, sizeof cafile, "%s/missing.crt", dir);
    odapi_config_set_validator_url(cfg, "https://127.0.0.1:1/v", cafile);
    assert_null(od_cred_new(base, cfg, err, sizeof err));
    assert_non_null(strstr(err, "missing.crt"));
    odapi_config_set_validator_url(cfg, "ftp://x/v", NULL);
    assert_null(od_cred_new(base, cfg, err, sizeof err));
    odapi_config_set_validator_url(cfg, "https://user:pw@x/v", NULL);
    assert_null(od_cred_new(base, cfg, err, sizeof err));
    odapi_config_free(cfg);
}

static void test_parse_answer(void **state)
{
    struct od_verdict v;
    const char *ok = "{\"KeyStatus\":\"DisabledByHQ\",\"DeveloperName\":"
                     "\"X\",\"Permissions\":[\"ApiSetup\"]}";
    assert_int_equal(od_remote_parse_answer(ok, strlen(ok), &v), 0);
    assert_int_equal(v.status, OD_KEY_DISABLED_BY_HQ);
    assert_true(v.perms == OD_PERM_BIT(ODAPI_PERM_SETUP));
    assert_int_equal(od_remote_parse_answer("{}", 2, &v), -1);
    assert_int_equal(od_remote_parse_answer("[1]", 3, &v), -1);
    assert_int_equal(od_remote_parse_answer("{\"KeyStatus\":\"Enabled\","
                                            "\"Permissions\":\"all\"}",
                                            39, &v), -1);
}

/* ---- certificates ---------------------------------------------------------- */

static int sh(const char *fmt, ...) OD_PRINTF(1, 2);
static int sh(const char *fmt, ...)
{
    char cmd[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    return system(cmd);
}

#define EC "-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2"

static int make_cert(const char *name, const char *san)
{
    return sh("cd '%s' && openssl req %s -subj /CN=%s -keyout %s.key "
              "-out %s.csr 2>/dev/null && printf 'subjectAltName=%s\\n' > "
              "%s.ext && openssl x509 -req -in %s.csr -CA ca.crt -CAkey "
              "ca.key -CAcreateserial -days 2 -out %s.crt -extfile %s.ext "
              "2>/dev/null",
              dir, EC, name, name, name, san, name, name, name, name);
}

static int setup(void **state)
{
    snprintf(dir, sizeof dir, "/tmp/test_remote.XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    if (sh("cd '%s' && openssl req -x509 %s -subj /CN=odapi-test-ca "
           "-keyout ca.key -out ca.crt 2>/dev/null && openssl req -x509 %s "
           "-subj /CN=other-ca -keyout other-ca.key -out other-ca.crt "
           "2>/dev/null && openssl req -x509 %s -subj /CN=127.0.0.1 "
           "-addext subjectAltName=IP:127.0.0.1 -keyout selfsigned.key "
           "-out selfsigned.crt 2>/dev/null",
           dir, EC, EC, EC) ||
        make_cert("good", "IP:127.0.0.1,DNS:localhost") ||
        make_cert("wronghost", "DNS:wrong.example"))
        return -1;
    base = event_base_new();
    return base ? 0 : -1;
}

static int teardown(void **state)
{
    event_base_free(base);
    return sh("rm -rf '%s'", dir) == 0 ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_call_then_offline),
        cmocka_unit_test(test_revalidate_after_expiry),
        cmocka_unit_test(test_concurrent_first_checks),
        cmocka_unit_test(test_statuses_and_refusals),
        cmocka_unit_test(test_wrong_host_name),
        cmocka_unit_test(test_untrusted_ca),
        cmocka_unit_test(test_dns_host_name),
        cmocka_unit_test(test_unreachable_port_and_timeout),
        cmocka_unit_test(test_cache_bound_remote),
        cmocka_unit_test(test_free_while_pending),
        cmocka_unit_test(test_config_errors),
        cmocka_unit_test(test_parse_answer),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
