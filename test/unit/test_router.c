/* test_router.c - lib/http/router.c: adding routes (od_router_add) and matching
 * paths to routes or to the real API's error sentences (od_router_match,
 * spec 3.1 and 3.6). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "http/server-internal.h"

static void h1(odapi_request *req, void *arg) { (void)req; (void)arg; }
static void h2(odapi_request *req, void *arg) { (void)req; (void)arg; }

/* One match, with the buffers a request would give it. */
struct m {
    enum od_match rc;
    char buf[512];
    char *segs[OD_MAX_SEGS];
    int nsegs;
    const struct od_route *route;
    char msg[256];
};

static enum od_match match(const struct od_router *r, const char *method,
                           const char *path, struct m *m)
{
    memset(m, 0, sizeof *m);
    m->rc = od_router_match(r, method, path, m->buf, sizeof m->buf, m->segs,
                            &m->nsegs, &m->route, m->msg, sizeof m->msg);
    return m->rc;
}

/* A router like the real API's: patients, appointments with actions. */
static int setup(void **state)
{
    struct od_router *r = calloc(1, sizeof *r);
    assert_non_null(r);
    assert_int_equal(od_router_add(r, "GET", "/patients", ODAPI_PERM_READ_ALL,
                                   h1, "list"), ODAPI_OK);
    assert_int_equal(od_router_add(r, "GET", "/patients/{PatNum}",
                                   ODAPI_PERM_READ_ALL, h1, "one"), ODAPI_OK);
    assert_int_equal(od_router_add(r, "GET", "/patients/Simple",
                                   ODAPI_PERM_READ_ALL, h1, "simple"),
                     ODAPI_OK);
    assert_int_equal(od_router_add(r, "POST", "/patients",
                                   ODAPI_PERM_PATIENTS, h2, "post"), ODAPI_OK);
    assert_int_equal(od_router_add(r, "PUT", "/appointments/{AptNum}/Break",
                                   ODAPI_PERM_APPOINTMENTS, h2, "break"),
                     ODAPI_OK);
    assert_int_equal(od_router_add(r, "GET", "/a/b/c/d/e/f/g/{H}",
                                   ODAPI_PERM_NONE, h1, "deep"), ODAPI_OK);
    *state = r;
    return 0;
}

static int teardown(void **state)
{
    od_router_free(*state);
    free(*state);
    return 0;
}

/* ---- od_router_add ------------------------------------------------------- */

static void add_rejects_bad_patterns(void **state)
{
    struct od_router r;
    static const char *const bad[] = {
        "",              /* empty */
        "patients",      /* no leading slash */
        "/",             /* no resource */
        "//patients",    /* empty segment */
        "/patients/",    /* trailing slash */
        "/patients//x",  /* empty segment inside */
        "/{Resource}",   /* the resource is always literal */
        "/patients/{}",  /* a parameter needs a name */
        "/a/b/c/d/e/f/g/h/i", /* 9 segments: more than OD_MAX_SEGS */
    };
    size_t i;
    (void)state;
    memset(&r, 0, sizeof r);
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (od_router_add(&r, "GET", bad[i], ODAPI_PERM_NONE, h1, NULL) !=
            ODAPI_E_INVALID)
            fail_msg("pattern '%s' was accepted", bad[i]);
    }
    assert_int_equal(r.n, 0);
    od_router_free(&r);
}

static void add_rejects_bad_arguments(void **state)
{
    struct od_router r;
    (void)state;
    memset(&r, 0, sizeof r);
    assert_int_equal(od_router_add(&r, NULL, "/x", 0, h1, NULL),
                     ODAPI_E_INVALID);
    assert_int_equal(od_router_add(&r, "GET", NULL, 0, h1, NULL),
                     ODAPI_E_INVALID);
    assert_int_equal(od_router_add(&r, "GET", "/x", 0, NULL, NULL),
                     ODAPI_E_INVALID);
    assert_int_equal(od_router_add(&r, "", "/x", 0, h1, NULL),
                     ODAPI_E_INVALID);
    /* methods are at most 7 characters (OPTIONS) */
    assert_int_equal(od_router_add(&r, "OPTIONSX", "/x", 0, h1, NULL),
                     ODAPI_E_INVALID);
    assert_int_equal(od_router_add(&r, "OPTIONS", "/x", 0, h1, NULL),
                     ODAPI_OK);
    assert_int_equal(r.n, 1);
    od_router_free(&r);
    assert_int_equal(r.n, 0);
    assert_null(r.routes);
}

static void add_splits_segments(void **state)
{
    struct od_router r;
    const struct od_route *rt;
    (void)state;
    memset(&r, 0, sizeof r);
    assert_int_equal(od_router_add(&r, "PUT", "/appointments/{AptNum}/Break",
                                   ODAPI_PERM_APPOINTMENTS, h2, &r), ODAPI_OK);
    assert_int_equal(od_router_add(&r, "GET", "/a/b/c/d/e/f/g/h", 0, h1,
                                   NULL), ODAPI_OK); /* exactly 8 */
    rt = &r.routes[0];
    assert_string_equal(rt->method, "PUT");
    assert_int_equal(rt->nsegs, 3);
    assert_string_equal(rt->segs[0], "appointments");
    assert_string_equal(rt->segs[1], "AptNum");
    assert_string_equal(rt->segs[2], "Break");
    assert_int_equal(rt->is_param[0], 0);
    assert_int_equal(rt->is_param[1], 1);
    assert_int_equal(rt->is_param[2], 0);
    assert_int_equal(rt->perm, ODAPI_PERM_APPOINTMENTS);
    assert_ptr_equal(rt->fn, h2);
    assert_ptr_equal(rt->arg, &r);
    assert_int_equal(r.routes[1].nsegs, 8);
    od_router_free(&r);
}

static void add_grows(void **state)
{
    struct od_router r;
    char pat[32];
    int i;
    struct m m;
    (void)state;
    memset(&r, 0, sizeof r);
    for (i = 0; i < 300; i++) {
        snprintf(pat, sizeof pat, "/r%d/{Key}", i);
        assert_int_equal(od_router_add(&r, "GET", pat, 0, h1, NULL), ODAPI_OK);
    }
    assert_int_equal(r.n, 300);
    assert_int_equal(match(&r, "GET", "/api/v1/r299/5", &m), OD_MATCH_OK);
    assert_ptr_equal(m.route, &r.routes[299]);
    od_router_free(&r);
}

/* ---- od_router_match: where the API is ---------------------------------- */

static void match_outside_api(void **state)
{
    struct m m;
    static const char *const paths[] = {
        "/", "/api", "/api/", "/api/v2/patients", "/api/v1patients",
        "/API/v1/patients", "/patients", "", "api/v1/patients",
    };
    size_t i;
    for (i = 0; i < sizeof paths / sizeof paths[0]; i++)
        if (match(*state, "GET", paths[i], &m) != OD_MATCH_NOT_API)
            fail_msg("'%s' gave %d", paths[i], m.rc);
}

static void match_health(void **state)
{
    struct m m;
    assert_int_equal(match(*state, "GET", "/api/v1", &m), OD_MATCH_HEALTH);
    assert_int_equal(match(*state, "GET", "/api/v1/", &m), OD_MATCH_HEALTH);
    assert_int_equal(match(*state, "POST", "/api/v1/", &m), OD_MATCH_HEALTH);
    assert_int_equal(match(*state, "GET", "/api/v1//", &m),
                     OD_MATCH_BAD_PATH);
}

/* ---- od_router_match: finding routes ------------------------------------ */

static void match_routes(void **state)
{
    struct m m;
    assert_int_equal(match(*state, "GET", "/api/v1/patients", &m),
                     OD_MATCH_OK);
    assert_string_equal(m.route->arg, "list");
    assert_int_equal(m.nsegs, 1);
    assert_string_equal(m.segs[0], "patients");

    assert_int_equal(match(*state, "GET", "/api/v1/patients/15", &m),
                     OD_MATCH_OK);
    assert_string_equal(m.route->arg, "one");
    assert_int_equal(m.nsegs, 2);
    assert_string_equal(m.segs[1], "15");

    assert_int_equal(match(*state, "POST", "/api/v1/patients", &m),
                     OD_MATCH_OK);
    assert_string_equal(m.route->arg, "post");

    assert_int_equal(match(*state, "PUT", "/api/v1/appointments/7/Break",
                           &m), OD_MATCH_OK);
    assert_string_equal(m.route->arg, "break");
    assert_string_equal(m.segs[1], "7");
    assert_int_equal(m.msg[0], '\0');
}

static void literal_wins_over_param(void **state)
{
    struct m m;
    struct od_router r;
    /* added after {PatNum}, still wins */
    assert_int_equal(match(*state, "GET", "/api/v1/patients/Simple", &m),
                     OD_MATCH_OK);
    assert_string_equal(m.route->arg, "simple");
    /* case matters: "simple" is a key value, not the action */
    assert_int_equal(match(*state, "GET", "/api/v1/patients/simple", &m),
                     OD_MATCH_OK);
    assert_string_equal(m.route->arg, "one");

    /* and in the other order; of two equal routes the first added wins */
    (void)state;
    memset(&r, 0, sizeof r);
    assert_int_equal(od_router_add(&r, "GET", "/x/lit/{B}", 0, h1, "lit1"),
                     ODAPI_OK);
    assert_int_equal(od_router_add(&r, "GET", "/x/{A}/{B}", 0, h1, "params"),
                     ODAPI_OK);
    assert_int_equal(od_router_add(&r, "GET", "/x/lit/{C}", 0, h1, "lit2"),
                     ODAPI_OK);
    assert_int_equal(od_router_add(&r, "GET", "/x/{A}/end", 0, h1, "end"),
                     ODAPI_OK);
    assert_int_equal(match(&r, "GET", "/api/v1/x/lit/1", &m), OD_MATCH_OK);
    assert_string_equal(m.route->arg, "lit1");
    assert_int_equal(match(&r, "GET", "/api/v1/x/other/1", &m), OD_MATCH_OK);
    assert_string_equal(m.route->arg, "params");
    assert_int_equal(match(&r, "GET", "/api/v1/x/other/end", &m),
                     OD_MATCH_OK);
    assert_string_equal(m.route->arg, "end");
    /* one literal each: the first added of the two wins */
    assert_int_equal(match(&r, "GET", "/api/v1/x/lit/end", &m), OD_MATCH_OK);
    assert_string_equal(m.route->arg, "lit1");
    od_router_free(&r);
}

static void trailing_slash_tolerated(void **state)
{
    struct m m;
    assert_int_equal(match(*state, "GET", "/api/v1/patients/", &m),
                     OD_MATCH_OK);
    assert_string_equal(m.route->arg, "list");
    assert_int_equal(match(*state, "GET", "/api/v1/patients/15/", &m),
                     OD_MATCH_OK);
    assert_string_equal(m.route->arg, "one");
    assert_string_equal(m.segs[1], "15");
    /* one only */
    assert_int_equal(match(*state, "GET", "/api/v1/patients//", &m),
                     OD_MATCH_BAD_PATH);
    assert_int_equal(match(*state, "GET", "/api/v1/patients//15", &m),
                     OD_MATCH_BAD_PATH);
}

static void segments_are_decoded(void **state)
{
    struct m m;
    assert_int_equal(match(*state, "GET", "/api/v1/patients/J%C3%B6rg", &m),
                     OD_MATCH_OK);
    assert_string_equal(m.segs[1], "J\xc3\xb6rg");
    /* an encoded slash stays inside its segment */
    assert_int_equal(match(*state, "GET", "/api/v1/patients/a%2Fb", &m),
                     OD_MATCH_OK);
    assert_int_equal(m.nsegs, 2);
    assert_string_equal(m.segs[1], "a/b");
    /* '+' is not a space in a path; %20 is */
    assert_int_equal(match(*state, "GET", "/api/v1/patients/a+b%20c", &m),
                     OD_MATCH_OK);
    assert_string_equal(m.segs[1], "a+b c");
    /* decoded once */
    assert_int_equal(match(*state, "GET", "/api/v1/patients/%2541", &m),
                     OD_MATCH_OK);
    assert_string_equal(m.segs[1], "%41");
    /* bad escapes are kept as text */
    assert_int_equal(match(*state, "GET", "/api/v1/patients/%zz%4", &m),
                     OD_MATCH_OK);
    assert_string_equal(m.segs[1], "%zz%4");
    /* the resource name is decoded too */
    assert_int_equal(match(*state, "GET", "/api/v1/pat%69ents", &m),
                     OD_MATCH_OK);
    assert_string_equal(m.route->arg, "list");
    /* an encoded Simple is the literal Simple */
    assert_int_equal(match(*state, "GET", "/api/v1/patients/%53imple", &m),
                     OD_MATCH_OK);
    assert_string_equal(m.route->arg, "simple");
}

static void encoded_nul_refused(void **state)
{
    struct m m;
    assert_int_equal(match(*state, "GET", "/api/v1/patients/1%00", &m),
                     OD_MATCH_BAD_PATH);
    assert_int_equal(match(*state, "GET", "/api/v1/%00", &m),
                     OD_MATCH_BAD_PATH);
    assert_int_equal(match(*state, "GET", "/api/v1/patients%00/1", &m),
                     OD_MATCH_BAD_PATH);
}

static void too_many_segments(void **state)
{
    struct m m;
    assert_int_equal(match(*state, "GET", "/api/v1/a/b/c/d/e/f/g/h", &m),
                     OD_MATCH_OK);
    assert_string_equal(m.route->arg, "deep");
    assert_int_equal(m.nsegs, 8);
    assert_string_equal(m.segs[7], "h");
    assert_int_equal(match(*state, "GET", "/api/v1/a/b/c/d/e/f/g/h/", &m),
                     OD_MATCH_OK);
    assert_int_equal(match(*state, "GET", "/api/v1/a/b/c/d/e/f/g/h/i", &m),
                     OD_MATCH_BAD_PATH);
    assert_int_equal(match(*state, "GET",
                           "/api/v1/x/1/2/3/4/5/6/7/8/9/10/11/12", &m),
                     OD_MATCH_BAD_PATH);
}

static void small_buffer_refused(void **state)
{
    char buf[8], msg[64];
    char *segs[OD_MAX_SEGS];
    int n;
    const struct od_route *rt;
    /* the caller's buffer needs strlen(path after /api/v1) + 1 bytes */
    assert_int_equal(od_router_match(*state, "GET", "/api/v1/patients", buf,
                                     sizeof buf, segs, &n, &rt, msg,
                                     sizeof msg), OD_MATCH_BAD_PATH);
    assert_null(rt);
    assert_int_equal(od_router_match(*state, "GET", "/api/v1/patient", buf,
                                     sizeof buf + 1, segs, &n, &rt, msg,
                                     sizeof msg), OD_MATCH_NO_RESOURCE);
}

/* ---- od_router_match: the spec's error sentences ------------------------- */

static void error_not_a_resource(void **state)
{
    struct m m;
    assert_int_equal(match(*state, "GET", "/api/v1/patientz", &m),
                     OD_MATCH_NO_RESOURCE);
    assert_string_equal(m.msg, "patientz is not a valid resource.");
    assert_null(m.route);
    assert_int_equal(match(*state, "DELETE", "/api/v1/foo/1/Bar", &m),
                     OD_MATCH_NO_RESOURCE);
    assert_string_equal(m.msg, "foo is not a valid resource.");
    /* resource names are case-sensitive */
    assert_int_equal(match(*state, "GET", "/api/v1/Patients", &m),
                     OD_MATCH_NO_RESOURCE);
    assert_string_equal(m.msg, "Patients is not a valid resource.");
    /* decoded, control characters shown as '?' */
    assert_int_equal(match(*state, "GET", "/api/v1/a%0Ab%09c", &m),
                     OD_MATCH_NO_RESOURCE);
    assert_string_equal(m.msg, "a?b?c is not a valid resource.");
}

static void error_not_a_method(void **state)
{
    struct m m;
    /* no action: the double space of the real API */
    assert_int_equal(match(*state, "DELETE", "/api/v1/patients", &m),
                     OD_MATCH_NO_METHOD);
    assert_string_equal(m.msg, "patients DELETE  is not a valid method.");
    assert_null(m.route);
    /* a key is not an action: double space too */
    assert_int_equal(match(*state, "DELETE", "/api/v1/patients/12", &m),
                     OD_MATCH_NO_METHOD);
    assert_string_equal(m.msg, "patients DELETE  is not a valid method.");
    /* only a key as the API writes one (od_parse_key) is a key: "+12" and
     * "012" are named like actions */
    assert_int_equal(match(*state, "DELETE", "/api/v1/patients/012", &m),
                     OD_MATCH_NO_METHOD);
    assert_string_equal(m.msg, "patients DELETE 012 is not a valid method.");
    assert_int_equal(match(*state, "DELETE", "/api/v1/patients/+12", &m),
                     OD_MATCH_NO_METHOD);
    assert_string_equal(m.msg, "patients DELETE +12 is not a valid method.");
    /* the last segment is the action */
    assert_int_equal(match(*state, "PUT", "/api/v1/patients/Simple", &m),
                     OD_MATCH_NO_METHOD);
    assert_string_equal(m.msg, "patients PUT Simple is not a valid method.");
    assert_int_equal(match(*state, "POST", "/api/v1/appointments/7/Break",
                           &m), OD_MATCH_NO_METHOD);
    assert_string_equal(m.msg,
                        "appointments POST Break is not a valid method.");
    assert_int_equal(match(*state, "PUT", "/api/v1/appointments/7/Brake",
                           &m), OD_MATCH_NO_METHOD);
    assert_string_equal(m.msg,
                        "appointments PUT Brake is not a valid method.");
    /* a known resource with too many segments for any of its routes */
    assert_int_equal(match(*state, "GET", "/api/v1/patients/1/2", &m),
                     OD_MATCH_NO_METHOD);
    assert_string_equal(m.msg, "patients GET  is not a valid method.");
    assert_int_equal(match(*state, "GET", "/api/v1/patients/1/x", &m),
                     OD_MATCH_NO_METHOD);
    assert_string_equal(m.msg, "patients GET x is not a valid method.");
}

/* Built-in routes (od_router.builtin while they are added): a {param} is a
 * key, so a segment that is not a number names an action and never reaches
 * a key route ("appointments GET slots is not a valid method."); an
 * application's {Name} still matches anything (add_route above). */
static void builtin_params_are_keys(void **state)
{
    struct od_router r;
    struct m m;
    (void)state;
    memset(&r, 0, sizeof r);
    r.builtin = 1;
    assert_int_equal(od_router_add(&r, "GET", "/appointments/{AptNum}", 0,
                                   h1, "one"), ODAPI_OK);
    assert_int_equal(od_router_add(&r, "GET", "/appointments/Slots", 0, h1,
                                   "slots"), ODAPI_OK);
    assert_int_equal(od_router_add(&r, "PUT", "/recalls/{RecallNum}", 0, h2,
                                   "put"), ODAPI_OK);
    assert_int_equal(od_router_add(&r, "PUT", "/appointments/{AptNum}/Break",
                                   0, h2, "break"), ODAPI_OK);
    r.builtin = 0;
    assert_int_equal(od_router_add(&r, "GET", "/hello/{Name}", 0, h1,
                                   "app"), ODAPI_OK);
    assert_int_equal(match(&r, "GET", "/api/v1/appointments/12", &m),
                     OD_MATCH_OK);
    assert_string_equal(m.route->arg, "one");
    assert_int_equal(match(&r, "GET", "/api/v1/appointments/Slots", &m),
                     OD_MATCH_OK);
    assert_string_equal(m.route->arg, "slots");
    assert_int_equal(match(&r, "GET", "/api/v1/appointments/slots", &m),
                     OD_MATCH_NO_METHOD);
    assert_string_equal(m.msg,
                        "appointments GET slots is not a valid method.");
    assert_int_equal(match(&r, "GET", "/api/v1/appointments/WebSched", &m),
                     OD_MATCH_NO_METHOD);
    assert_string_equal(m.msg,
                        "appointments GET WebSched is not a valid method.");
    assert_int_equal(match(&r, "PUT", "/api/v1/recalls/Status", &m),
                     OD_MATCH_NO_METHOD);
    assert_string_equal(m.msg, "recalls PUT Status is not a valid method.");
    assert_int_equal(match(&r, "PUT", "/api/v1/recalls/12", &m),
                     OD_MATCH_OK);
    assert_int_equal(match(&r, "PUT", "/api/v1/appointments/x/Break", &m),
                     OD_MATCH_NO_METHOD);
    assert_string_equal(m.msg,
                        "appointments PUT Break is not a valid method.");
    assert_int_equal(match(&r, "PUT", "/api/v1/appointments/-1/Break", &m),
                     OD_MATCH_NO_METHOD);
    assert_int_equal(match(&r, "GET", "/api/v1/hello/world", &m),
                     OD_MATCH_OK);
    assert_string_equal(m.route->arg, "app");
    od_router_free(&r);
}

static void error_text_is_clipped(void **state)
{
    struct m m;
    char path[400], want[200];
    memset(path, 0, sizeof path);
    strcpy(path, "/api/v1/");
    memset(path + 8, 'r', 200);
    assert_int_equal(match(*state, "GET", path, &m), OD_MATCH_NO_RESOURCE);
    /* at most 64 bytes of the resource name */
    memset(want, 'r', 64);
    strcpy(want + 64, " is not a valid resource.");
    assert_string_equal(m.msg, want);
    /* the message buffer's size is respected */
    {
        char buf[512], msg[10];
        char *segs[OD_MAX_SEGS];
        int n;
        const struct od_route *rt;
        assert_int_equal(od_router_match(*state, "GET", "/api/v1/nothing",
                                         buf, sizeof buf, segs, &n, &rt, msg,
                                         sizeof msg), OD_MATCH_NO_RESOURCE);
        assert_string_equal(msg, "nothing i");
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(add_rejects_bad_patterns),
        cmocka_unit_test(add_rejects_bad_arguments),
        cmocka_unit_test(add_splits_segments),
        cmocka_unit_test(add_grows),
        cmocka_unit_test_setup_teardown(match_outside_api, setup, teardown),
        cmocka_unit_test_setup_teardown(match_health, setup, teardown),
        cmocka_unit_test_setup_teardown(match_routes, setup, teardown),
        cmocka_unit_test_setup_teardown(literal_wins_over_param, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(trailing_slash_tolerated, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(segments_are_decoded, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(encoded_nul_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(too_many_segments, setup, teardown),
        cmocka_unit_test_setup_teardown(small_buffer_refused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(error_not_a_resource, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(error_not_a_method, setup, teardown),
        cmocka_unit_test(builtin_params_are_keys),
        cmocka_unit_test_setup_teardown(error_text_is_clipped, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
