/* test_kit.c - the job helpers of the actions kit (lib/actions/kit.c)
 * that need no database or event loop: a job made with its input attached
 * (od_ck_new_data) and freed with the action's own free, and the answer
 * of a POST that creates a row (od_ck_created), a required key
 * (od_ck_key_req), lists of keys (od_ck_keys, od_ck_key_array). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "actions/kit-internal.h"
#include "http/server-internal.h"

struct input {
    long long key;
    char text[64];
};

static int freed_count;

static void free_input(void *data)
{
    struct input *in = data;
    assert_non_null(in); /* never called without data */
    freed_count++;
    free(in);
}

static int no_work(struct od_conn *c, struct od_ck_job *j)
{
    (void)c;
    (void)j;
    return 0;
}

static void fake_request(odapi_request *req)
{
    memset(req, 0, sizeof *req);
    snprintf(req->developer, sizeof req->developer, "%s", "dev-a");
}

static void data_zeroed_and_owned(void **state)
{
    odapi_request req;
    struct od_ck_job *j;
    struct input *in;
    size_t i;
    (void)state;
    fake_request(&req);
    j = od_ck_new_data(&req, no_work, 1, sizeof *in, free_input);
    assert_non_null(j);
    in = j->data;
    assert_non_null(in);
    for (i = 0; i < sizeof *in; i++)
        assert_int_equal(((unsigned char *)in)[i], 0);
    assert_ptr_equal(j->req, &req);
    assert_ptr_equal((void *)j->work, (void *)no_work);
    assert_int_equal(j->write, 1);
    assert_string_equal(j->developer, "dev-a");
    assert_ptr_equal((void *)j->free_data, (void *)free_input);
    freed_count = 0;
    od_ck_free(j);
    assert_int_equal(freed_count, 1);
}

/* No free function given: the data is free()d (valgrind/ASan see a leak
 * otherwise); a read job. */
static void default_free(void **state)
{
    odapi_request req;
    struct od_ck_job *j;
    (void)state;
    fake_request(&req);
    j = od_ck_new_data(&req, no_work, 0, 3 * sizeof(long long), NULL);
    assert_non_null(j);
    assert_int_equal(j->write, 0);
    assert_ptr_equal((void *)j->free_data, (void *)free);
    ((long long *)j->data)[2] = 7;
    od_ck_free(j);
}

static void created_from_resource(void **state)
{
    odapi_request req;
    struct od_ck_job *j;
    struct od_resource res;
    (void)state;
    fake_request(&req);
    memset(&res, 0, sizeof res);
    res.name = "claimprocs";
    j = od_ck_new_data(&req, no_work, 1, 8, NULL);
    assert_non_null(j);
    od_ck_created(j, &res);
    assert_int_equal(j->created, 1);
    assert_ptr_equal(j->res, &res);
    assert_string_equal(j->location, "claimprocs");
    od_ck_free(j);
}

/* A required key: given, invalid, absent (JSON null counts as absent). */
static void required_keys(void **state)
{
    json_t *body = json_pack("{s:i,s:s,s:n,s:s}", "A", 5, "B", "x", "C",
                             "E", "12");
    long long k = 0;
    char msg[64];
    (void)state;
    assert_non_null(body);
    assert_int_equal(od_ck_key_req(body, "A", &k, msg, sizeof msg), 0);
    assert_int_equal(k, 5);
    assert_int_equal(od_ck_key_req(body, "E", &k, msg, sizeof msg), 0);
    assert_int_equal(k, 12);
    assert_int_equal(od_ck_key_req(body, "B", &k, msg, sizeof msg), -1);
    assert_string_equal(msg, "B is invalid.");
    assert_int_equal(od_ck_key_req(body, "C", &k, msg, sizeof msg), -1);
    assert_string_equal(msg, "C is required.");
    assert_int_equal(od_ck_key_req(body, "D", &k, msg, sizeof msg), -1);
    assert_string_equal(msg, "D is required.");
    json_decref(body);
}

static int keys_of(const char *json, long long *out, int *n, char *msg)
{
    json_t *body = json_loads(json, 0, NULL);
    int rc;
    assert_non_null(body);
    msg[0] = '\0';
    rc = od_ck_keys(body, "K", out, 3, n, msg, 64);
    json_decref(body);
    return rc;
}

/* Keys as the API writes them, in an array or a comma list; duplicates
 * dropped; at most max distinct keys and 2 * max list entries; empty is
 * required, absent is 0. */
static void key_lists(void **state)
{
    /* invalid: a leading zero, a sign, 0, a trailing comma, too many
     * (distinct, or list entries), another type */
    static const char *const bad[] = {
        "{\"K\":[\"07\"]}", "{\"K\":\"07\"}", "{\"K\":[-1]}",
        "{\"K\":[0]}",       "{\"K\":\"1,\"}", "{\"K\":[1,2,3,4]}",
        "{\"K\":\"1,1,1,1,1,1,1\"}", "{\"K\":5}", "{\"K\":[1.5]}"};
    size_t i;
    long long k[3];
    int n;
    char msg[64];
    (void)state;
    assert_int_equal(keys_of("{\"K\":[5,\"7\",5]}", k, &n, msg), 1);
    assert_int_equal(n, 2);
    assert_int_equal(k[0], 5);
    assert_int_equal(k[1], 7);
    assert_int_equal(keys_of("{\"K\":\"3, 4,3 ,9\"}", k, &n, msg), 1);
    assert_int_equal(n, 3);
    assert_int_equal(k[2], 9);
    assert_int_equal(keys_of("{\"K\":\"1,1,1,1,1,1\"}", k, &n, msg), 1);
    assert_int_equal(n, 1);
    assert_int_equal(keys_of("{\"K\":null}", k, &n, msg), 0);
    assert_int_equal(keys_of("{}", k, &n, msg), 0);
    assert_int_equal(n, 0);
    assert_int_equal(keys_of("{\"K\":[]}", k, &n, msg), -1);
    assert_string_equal(msg, "K is required.");
    assert_int_equal(keys_of("{\"K\":\"\"}", k, &n, msg), -1);
    assert_string_equal(msg, "K is required.");
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(keys_of(bad[i], k, &n, msg), -1);
        assert_string_equal(msg, "K is invalid.");
    }
}

static int array_of(const char *json, long long *out, int *n, char *msg)
{
    json_t *body = json_loads(json, 0, NULL);
    int rc;
    assert_non_null(body);
    msg[0] = '\0';
    rc = od_ck_key_array(body, "K", out, 2, n, msg, 64);
    json_decref(body);
    return rc;
}

/* An array only, od_parse_ll's grammar; a duplicate is dropped before the
 * count is checked; past max: -2 without a sentence. */
static void key_arrays(void **state)
{
    static const char *const bad[] = {
        "{\"K\":\"1,2\"}", "{\"K\":[0]}", "{\"K\":[\"-3\"]}",
        "{\"K\":[\"\"]}", "{\"K\":[true]}", "{\"K\":5}"};
    long long k[2];
    int n;
    size_t i;
    char msg[64];
    (void)state;
    assert_int_equal(array_of("{\"K\":[\"007\",4,7,4]}", k, &n, msg), 1);
    assert_int_equal(n, 2);
    assert_int_equal(k[0], 7);
    assert_int_equal(k[1], 4);
    assert_int_equal(array_of("{\"K\":[]}", k, &n, msg), 1);
    assert_int_equal(n, 0);
    assert_int_equal(array_of("{\"K\":null}", k, &n, msg), 0);
    assert_int_equal(array_of("{\"K\":[1,2,3]}", k, &n, msg), -2);
    assert_string_equal(msg, "");
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(array_of(bad[i], k, &n, msg), -1);
        assert_string_equal(msg, "K is invalid.");
    }
}

/* A lookup's rc: found, none (the refusal set), a database error (left
 * to the connection: no status). */
static void need_rc(void **state)
{
    odapi_request req;
    struct od_ck_job *j;
    (void)state;
    fake_request(&req);
    j = od_ck_new(&req, no_work, 1);
    assert_non_null(j);
    assert_int_equal(od_ck_need(j, 1, 404, "Gone."), 0);
    assert_int_equal(j->status, 0);
    assert_int_equal(od_ck_need(j, -1, 404, "Gone."), -1);
    assert_int_equal(j->status, 0);
    assert_int_equal(od_ck_need(j, 0, 404, "Gone."), -1);
    assert_int_equal(j->status, 404);
    assert_string_equal(j->msg, "Gone.");
    od_ck_free(j);
}

/* A getter's rc for a required input. */
static void required_rc(void **state)
{
    char msg[64] = "X is invalid.";
    (void)state;
    assert_int_equal(od_ck_required(1, "X", msg, sizeof msg), 0);
    assert_int_equal(od_ck_required(-1, "X", msg, sizeof msg), -1);
    assert_string_equal(msg, "X is invalid.");
    assert_int_equal(od_ck_required(0, "X", msg, sizeof msg), -1);
    assert_string_equal(msg, "X is required.");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(data_zeroed_and_owned),
        cmocka_unit_test(default_free),
        cmocka_unit_test(created_from_resource),
        cmocka_unit_test(required_keys),
        cmocka_unit_test(key_lists),
        cmocka_unit_test(required_rc),
        cmocka_unit_test(key_arrays),
        cmocka_unit_test(need_rc),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
