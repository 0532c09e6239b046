/* test_cred.c - the Authorization header, local keys, the apikey-table hook,
 * permissions and the credential cache (without the network; the remote
 * validator is in test_remote.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "auth/cred-internal.h"

/* ---- helpers ------------------------------------------------------------ */

struct result {
    int called, status;
    struct od_verdict v;
    char msg[512];
};

/* The cache's counters (what GET /metrics shows). */
static struct od_cred_counts counts(const struct od_cred *c)
{
    struct od_cred_counts n;
    od_cred_counts(c, &n);
    return n;
}

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

static char logbuf[64 * 1024];
static size_t loglen;

static void on_log(void *arg, odapi_log_level level, const char *message)
{
    int n = snprintf(logbuf + loglen, sizeof logbuf - loglen, "%s\n", message);
    if (n > 0 && loglen + (size_t)n < sizeof logbuf)
        loglen += (size_t)n;
}

static uint64_t fake_now = 1000000;
static uint64_t fake_clock(void *arg)
{
    return fake_now;
}

static odapi_config *new_cfg(void)
{
    odapi_config *cfg = odapi_config_new(ODAPI_MODE_LOCAL);
    assert_non_null(cfg);
    assert_int_equal(odapi_config_set_log(cfg, on_log, NULL,
                                          ODAPI_LOG_VERBOSE), ODAPI_OK);
    return cfg;
}

static struct od_cred *new_cred(odapi_config *cfg)
{
    char err[512] = "";
    struct od_cred *c = od_cred_new(NULL, cfg, err, sizeof err);
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

static char tmpdir[64];

static const char *write_tmp(const char *name, const char *text)
{
    static char path[128];
    FILE *f;
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    assert_non_null(f = fopen(path, "w"));
    fputs(text, f);
    fclose(f);
    return path;
}

static int no_log_contains(const char *s)
{
    return strstr(logbuf, s) == NULL;
}

/* ---- the header ---------------------------------------------------------- */

static void test_header_parsing(void **state)
{
    odapi_config *cfg = new_cfg();
    struct od_cred *c;
    struct result r;
    static char big[10 * 1024 + 64], junk[300];
    size_t i;
    struct {
        const char *h;
        int status;
    } cases[] = {
        {NULL, 400},
        {"", 400},
        {"Bearer SECRETDEV/SECRETCUST", 400},
        {"Basic U0VDUkVUREVWOlNFQ1JFVENVU1Q=", 400},
        {"ODFHIR", 400},
        {"ODFHIR ", 400},
        {"ODFHIRSECRETDEV/SECRETCUST", 400},
        {"ODFHIR SECRETDEVSECRETCUST", 400},
        {"ODFHIR /SECRETCUST", 400},
        {"ODFHIR SECRETDEV/", 400},
        {"ODFHIR /", 400},
        {"ODFHIR  SECRETDEV/SECRETCUST", 400},
        {"ODFHIR SECRETDEV/SECRETCUST ", 400},
        {" ODFHIR SECRETDEV/SECRETCUST", 400},
        {"ODFHIR\tSECRETDEV/SECRETCUST", 400},
        {"ODFHIR SECRETDEV\t/SECRETCUST", 400},
        {"ODFHIR SECRETDEV /SECRETCUST", 400},
        {"ODFHIR SECRETDEV/SECRET/CUST", 400},
        {"ODFHIR SECRETDEV/SECRETCUST\r\nX: y", 400},
        {"ODFHIR SECR\xc3\xa9TDEV/SECRETCUST", 401},
        {"ODFHIR SECRETDEV/SECRETCUST\xff", 401},
        {"ODFHIR SECRETDEV/SECRETCUST", 401}, /* well-formed, unknown */
    };

    c = new_cred(cfg);
    loglen = 0;
    logbuf[0] = '\0';
    for (i = 0; i < OD_ARRAY_LEN(cases); i++) {
        check(c, cases[i].h, &r);
        assert_int_equal(r.called, 1);
        if (r.status != cases[i].status)
            fail_msg("case %zu (%s): got %d, want %d", i,
                     cases[i].h ? cases[i].h : "NULL", r.status,
                     cases[i].status);
        assert_null(strstr(r.msg, "SECRET"));
        assert_true(r.msg[0] != '\0');
    }
    check(c, NULL, &r);
    assert_string_equal(r.msg, OD_MSG_AUTH_MISSING);
    check(c, "Bearer x", &r);
    assert_string_equal(r.msg, OD_MSG_AUTH_FORMAT);

    /* 10 KB keys: a 401 without any validation. */
    memcpy(big, "ODFHIR ", 7);
    memset(big + 7, 'K', 10 * 1024);
    memcpy(big + 7 + 10 * 1024, "/SECRETCUST", 12);
    check(c, big, &r);
    assert_int_equal(r.status, 401);
    assert_null(strstr(r.msg, "KKKK"));
    memcpy(big + 7 + 10 * 1024, "\0", 1);
    check(c, big, &r);
    assert_int_equal(r.status, 400);

    /* NUL-free binary junk after the scheme. */
    memcpy(junk, "ODFHIR ", 7);
    for (i = 0; i < 255; i++)
        junk[7 + i] = (char)(i + 1);
    junk[7 + 255] = '\0';
    check(c, junk, &r);
    assert_int_equal(r.status, 400);
    for (i = 0; i < 200; i++)
        junk[7 + i] = (char)(0x80 + (i % 0x7f));
    junk[7 + 100] = '/';
    junk[7 + 200] = '\0';
    check(c, junk, &r);
    assert_int_equal(r.status, 401);

    assert_int_equal(od_cred_validations(c), 0);
    assert_true(no_log_contains("SECRET"));
    od_cred_free(c);
    odapi_config_free(cfg);
}

/* ---- local keys ---------------------------------------------------------- */

static void test_config_pair_and_permissions(void **state)
{
    odapi_config *cfg = new_cfg();
    struct od_cred *c;
    struct result r;
    const char *why;
    char *json;

    assert_int_equal(odapi_config_add_key(cfg, "DEVKEY1aaaaaaaaa",
                                          "CUSTKEY1bbbbbbbb", "Acme Dental",
                                          "ApiReadAll, ApiPatients"),
                     ODAPI_OK);
    c = new_cred(cfg);
    loglen = 0;
    logbuf[0] = '\0';
    check(c, "ODFHIR DEVKEY1aaaaaaaaa/CUSTKEY1bbbbbbbb", &r);
    assert_int_equal(r.called, 1);
    assert_int_equal(r.status, 0);
    assert_int_equal(r.v.status, OD_KEY_ENABLED);
    assert_string_equal(r.v.developer_name, "Acme Dental");
    assert_int_equal(strlen(r.v.key_hash), 16);
    assert_true(r.v.perms == (OD_PERM_BIT(ODAPI_PERM_READ_ALL) |
                              OD_PERM_BIT(ODAPI_PERM_PATIENTS)));
    /* Scheme case does not matter (RFC 9110); the keys' case does. */
    check(c, "odfhir DEVKEY1aaaaaaaaa/CUSTKEY1bbbbbbbb", &r);
    assert_int_equal(r.status, 0);
    check(c, "ODFHIR devkey1aaaaaaaaa/CUSTKEY1bbbbbbbb", &r);
    assert_int_equal(r.status, 401);
    assert_string_equal(r.msg, OD_MSG_AUTH_INVALID);
    check(c, "ODFHIR DEVKEY1aaaaaaaaa/CUSTKEY1bbbbbbb", &r);
    assert_int_equal(r.status, 401);

    check(c, "ODFHIR DEVKEY1aaaaaaaaa/CUSTKEY1bbbbbbbb", &r);
    assert_true(od_cred_allows(&r.v, ODAPI_PERM_READ_ALL, "GET", &why));
    assert_true(od_cred_allows(&r.v, ODAPI_PERM_PATIENTS, "POST", &why));
    assert_true(od_cred_allows(&r.v, ODAPI_PERM_KEY, "DELETE", &why));
    assert_true(od_cred_allows(NULL, ODAPI_PERM_NONE, "GET", &why));
    assert_false(od_cred_allows(NULL, ODAPI_PERM_KEY, "GET", &why));
    assert_false(od_cred_allows(&r.v, ODAPI_PERM_APPOINTMENTS, "POST", &why));
    assert_non_null(strstr(why, "ApiAppointments"));
    assert_false(od_cred_allows(&r.v, ODAPI_PERM_INSURANCE_SIMPLE, "PUT",
                                &why));
    assert_non_null(strstr(why, "ApiInsuranceSimple"));
    assert_false(od_cred_allows(&r.v, 99, "GET", &why));

    json = od_cred_securityperms_json(&r.v);
    assert_non_null(json);
    assert_non_null(strstr(json, "[{\"Permission\":\"ApiReadAll\","
                                 "\"HasPermission\":\"true\"},{\"Permission\":"
                                 "\"ApiAllOthers\",\"HasPermission\":"
                                 "\"false\"},"));
    assert_non_null(strstr(json, "{\"Permission\":\"ApiPatients\","
                                 "\"HasPermission\":\"true\"}"));
    assert_non_null(strstr(json, "{\"Permission\":\"ApiInsuranceSimple\","
                                 "\"HasPermission\":\"false\"}]"));
    free(json);

    assert_int_equal(od_cred_validations(c), 0);
    assert_true(no_log_contains("DEVKEY1"));
    assert_true(no_log_contains("CUSTKEY1"));
    od_cred_free(c);
    odapi_config_free(cfg);
}

static void test_perm_names(void **state)
{
    int p;
    uint64_t bits;
    char err[200];
    for (p = ODAPI_PERM_READ_ALL; p <= ODAPI_PERM_INSURANCE_SIMPLE; p++)
        assert_int_equal(od_perm_from_name(od_perm_name(p)), p);
    assert_int_equal(od_perm_from_name("ApiPayPlans"), ODAPI_PERM_PAY_PLANS);
    assert_int_equal(od_perm_from_name("apitextingasap"),
                     ODAPI_PERM_TEXTING_ASAP);
    assert_int_equal(od_perm_from_name("ApiNope"), -1);
    assert_null(od_perm_name(24));
    assert_null(od_perm_name(40));
    assert_int_equal(od_perm_parse_list("all", &bits, err, sizeof err), 0);
    assert_true(bits == OD_PERM_ALL_BITS);
    assert_int_equal(od_perm_parse_list("ApiComm,ApiSetup", &bits, err,
                                        sizeof err), 0);
    assert_true(bits == (OD_PERM_BIT(ODAPI_PERM_COMM) |
                         OD_PERM_BIT(ODAPI_PERM_SETUP)));
    assert_int_equal(od_perm_parse_list("ApiComm,ApiBogus", &bits, err,
                                        sizeof err), -1);
    assert_non_null(strstr(err, "ApiBogus"));
}

static const char keys_json[] =
    "{\"keys\": [\n"
    " {\"DeveloperKey\":\"FILEDEVaaaaaaaaa\",\"CustomerKey\":\"FILECUSTbbbbbbbb\","
    "  \"DeveloperName\":\"File Dev\",\"Permissions\":\"all\"},\n"
    " {\"DeveloperKey\":\"FILEDEVaaaaaaaaa\",\"CustomerKey\":\"DISABLEDcccccccc\","
    "  \"KeyStatus\":\"DisabledByCustomer\",\"Permissions\":\"all\"},\n"
    " {\"DeveloperKey\":\"FILEDEVaaaaaaaaa\",\"CustomerKey\":\"READONLYdddddddd\","
    "  \"KeyStatus\":\"EnabledReadOnly\",\"Permissions\":[\"ApiReadAll\","
    "  \"ApiPatients\"]},\n"
    " {\"DeveloperKey\":\"TABLEDEVeeeeeeee\",\"DeveloperName\":\"Table Dev\","
    "  \"Permissions\":[\"ApiReadAll\",\"ApiComm\"]}\n"
    "]}\n";

static void test_keys_file(void **state)
{
    odapi_config *cfg = new_cfg();
    struct od_cred *c;
    struct result r;
    const char *why;

    assert_int_equal(odapi_config_set_keys_file(
                         cfg, write_tmp("keys.json", keys_json)), ODAPI_OK);
    c = new_cred(cfg);
    check(c, "ODFHIR FILEDEVaaaaaaaaa/FILECUSTbbbbbbbb", &r);
    assert_int_equal(r.status, 0);
    assert_int_equal(r.v.status, OD_KEY_ENABLED);
    assert_true(r.v.perms == OD_PERM_ALL_BITS);
    assert_string_equal(r.v.developer_name, "File Dev");
    assert_true(od_cred_allows(&r.v, ODAPI_PERM_ENTERPRISE, "GET", &why));

    check(c, "ODFHIR FILEDEVaaaaaaaaa/DISABLEDcccccccc", &r);
    assert_int_equal(r.status, 0);
    assert_int_equal(r.v.status, OD_KEY_DISABLED_BY_CUSTOMER);
    assert_false(od_cred_allows(&r.v, ODAPI_PERM_KEY, "GET", &why));
    assert_non_null(strstr(why, "Disabled by Customer"));
    assert_false(od_cred_allows(&r.v, ODAPI_PERM_READ_ALL, "GET", &why));

    check(c, "ODFHIR FILEDEVaaaaaaaaa/READONLYdddddddd", &r);
    assert_int_equal(r.v.status, OD_KEY_ENABLED_READ_ONLY);
    assert_true(od_cred_allows(&r.v, ODAPI_PERM_READ_ALL, "GET", &why));
    assert_true(od_cred_allows(&r.v, ODAPI_PERM_KEY, "HEAD", &why));
    assert_false(od_cred_allows(&r.v, ODAPI_PERM_PATIENTS, "POST", &why));
    assert_non_null(strstr(why, "Read Enabled"));
    assert_false(od_cred_allows(&r.v, ODAPI_PERM_READ_ALL, "PUT", &why));
    assert_false(od_cred_allows(&r.v, ODAPI_PERM_KEY, NULL, &why));

    /* A developer-only entry, no database hook: unknown. */
    check(c, "ODFHIR TABLEDEVeeeeeeee/ANYCUSTffffffff", &r);
    assert_int_equal(r.status, 401);
    od_cred_free(c);
    odapi_config_free(cfg);
}

static void expect_load_error(const char *json, const char *needle)
{
    odapi_config *cfg = new_cfg();
    char err[512] = "";
    struct od_cred *c;
    assert_int_equal(odapi_config_set_keys_file(cfg,
                                                write_tmp("bad.json", json)),
                     ODAPI_OK);
    c = od_cred_new(NULL, cfg, err, sizeof err);
    if (c || !strstr(err, needle))
        fail_msg("keys file %s: got '%s', want '%s'", json, err, needle);
    /* never the file's own text (issue 14, item 3) */
    if (strstr(err, "Teleport") || strstr(err, "Colour") ||
        strstr(err, "extra") || strstr(err, "Sleeping") ||
        strstr(err, "SeCrEt"))
        fail_msg("keys file %s: the error echoes it: '%s'", json, err);
    odapi_config_free(cfg);
}

static void test_keys_file_errors(void **state)
{
    odapi_config *cfg;
    char err[512] = "";
    expect_load_error("{\"keys\": [ {\"DeveloperKey\": \"A\", }", "line 1");
    expect_load_error("", "line");
    expect_load_error("{\"keys\": [{\"DeveloperKey\": \"A\", \"CustomerKey\" "
                      "\"SeCrEtCuStKeY123\"}]}", "column 64: ':' expected");
    expect_load_error("root:SeCrEt:19000:0:99999:7:::\n", "column 4: '[' or");
    expect_load_error("[]", "must be an object");
    expect_load_error("{\"keys\": [], \"extra\": 1}", "unknown top-level "
                      "field");
    expect_load_error("{\"keys\": [1]}", "keys[0] must be an object");
    expect_load_error("{\"keys\": [{\"DeveloperKey\":\"A\",\"Permissions\":"
                      "[\"ApiReadAll\",\"ApiTeleport\"]}]}",
                      "keys[0].Permissions[1]: unknown permission name");
    expect_load_error("{\"keys\": [{\"DeveloperKey\":\"A\"}]}",
                      "needs DeveloperKey and Permissions");
    expect_load_error("{\"keys\": [{\"DeveloperKey\":\"A/B\",\"Permissions\":"
                      "\"all\"}]}", "DeveloperKey must be");
    expect_load_error("{\"keys\": [{\"DeveloperKey\":\"A\",\"Permissions\":"
                      "\"all\",\"KeyStatus\":\"Sleeping\"}]}",
                      "KeyStatus must be");
    expect_load_error("{\"keys\": [{\"DeveloperKey\":\"A\",\"Permissions\":"
                      "\"all\",\"Colour\":1}]}", "keys[0] has an unknown field");

    cfg = new_cfg();
    assert_int_equal(odapi_config_set_keys_file(cfg, "/nonexistent/k.json"),
                     ODAPI_OK);
    assert_null(od_cred_new(NULL, cfg, err, sizeof err));
    assert_non_null(strstr(err, "/nonexistent/k.json"));
    odapi_config_free(cfg);

    cfg = new_cfg();
    odapi_config_add_key(cfg, "D1", "C1", "x", "ApiReadAll,ApiWhatever");
    assert_null(od_cred_new(NULL, cfg, err, sizeof err));
    assert_non_null(strstr(err, "ApiWhatever"));
    odapi_config_free(cfg);

    cfg = new_cfg();
    odapi_config_set_validator_url(cfg, "http://validator.example/v", NULL);
    assert_null(od_cred_new(NULL, cfg, err, sizeof err));
    assert_non_null(strstr(err, "https"));
    odapi_config_free(cfg);
}

/* ---- the apikey table and the cache -------------------------------------- */

struct fake_db {
    int lookups;
    int async;            /* keep the answer until answer_db() */
    od_cred_db_done done;
    void *done_arg;
    int found;
    int all_found;        /* every key is in the table */
    char last_key[200];
    char last_dev[200];
};

static void db_lookup(void *arg, const char *customer_key,
                      const char *dev_name, od_cred_db_done done,
                      void *done_arg)
{
    struct fake_db *db = arg;
    db->lookups++;
    snprintf(db->last_key, sizeof db->last_key, "%s", customer_key);
    snprintf(db->last_dev, sizeof db->last_dev, "%s", dev_name);
    db->found = db->all_found || strncmp(customer_key, "INTABLE", 7) == 0;
    if (db->async) {
        db->done = done;
        db->done_arg = done_arg;
        return;
    }
    done(done_arg, db->found, "DevName from table");
}

static void answer_db(struct fake_db *db)
{
    od_cred_db_done done = db->done;
    db->done = NULL;
    done(db->done_arg, db->found, "DevName from table");
}

static void test_apikey_table_and_cache(void **state)
{
    odapi_config *cfg = new_cfg();
    struct od_cred *c;
    struct result r[20];
    struct fake_db db = {0};
    const char *why;
    int i;

    odapi_config_set_keys_file(cfg, write_tmp("keys.json", keys_json));
    odapi_config_set_limit(cfg, ODAPI_LIMIT_CRED_TTL, 600);
    c = new_cred(cfg);
    od_cred_set_db_lookup(c, db_lookup, &db);
    db.async = 1;

    /* Many first checks, one lookup, everybody answered when it ends. */
    for (i = 0; i < 20; i++)
        check(c, "ODFHIR TABLEDEVeeeeeeee/INTABLEgggggggg", &r[i]);
    assert_int_equal(db.lookups, 1);
    assert_string_equal(db.last_key, "INTABLEgggggggg");
    /* the entry names its developer: only rows with that DevName count */
    assert_string_equal(db.last_dev, "Table Dev");
    for (i = 0; i < 20; i++)
        assert_int_equal(r[i].called, 0);
    answer_db(&db);
    for (i = 0; i < 20; i++) {
        assert_int_equal(r[i].called, 1);
        assert_int_equal(r[i].status, 0);
        assert_int_equal(r[i].v.status, OD_KEY_ENABLED);
        assert_string_equal(r[i].v.developer_name, "Table Dev");
        assert_true(r[i].v.perms == (OD_PERM_BIT(ODAPI_PERM_READ_ALL) |
                                     OD_PERM_BIT(ODAPI_PERM_COMM)));
    }
    assert_true(od_cred_allows(&r[0].v, ODAPI_PERM_COMM, "PUT", &why));
    assert_false(od_cred_allows(&r[0].v, ODAPI_PERM_PATIENTS, "POST", &why));
    assert_int_equal(od_cred_validations(c), 1);

    /* Cached: no new lookup until the verdict expires. */
    fake_now += 599 * 1000;
    check(c, "ODFHIR TABLEDEVeeeeeeee/INTABLEgggggggg", &r[0]);
    assert_int_equal(r[0].called, 1);
    assert_int_equal(db.lookups, 1);
    fake_now += 2 * 1000;
    check(c, "ODFHIR TABLEDEVeeeeeeee/INTABLEgggggggg", &r[0]);
    assert_int_equal(db.lookups, 2);
    assert_int_equal(r[0].called, 0);
    answer_db(&db);
    assert_int_equal(r[0].called, 1);
    assert_int_equal(r[0].status, 0);

    /* Only a developer-only entry speaks for apikey-table customers: not
     * the developer of a pair entry, nor an unknown developer. The table is
     * asked all the same (the same work either way). */
    db.async = 0;
    check(c, "ODFHIR FILEDEVaaaaaaaaa/INTABLEhhhhhhhh", &r[0]);
    assert_int_equal(r[0].status, 401);
    assert_int_equal(db.lookups, 3);
    check(c, "ODFHIR NOBODYiiiiiiiiii/INTABLEhhhhhhhh", &r[0]);
    assert_int_equal(r[0].status, 401);
    assert_int_equal(db.lookups, 4);

    /* Not in the table: 401, remembered for a minute. */
    check(c, "ODFHIR TABLEDEVeeeeeeee/NOTTHEREjjjjjjjj", &r[0]);
    assert_int_equal(r[0].status, 401);
    assert_string_equal(r[0].msg, OD_MSG_AUTH_INVALID);
    assert_int_equal(db.lookups, 5);
    fake_now += 30 * 1000;
    check(c, "ODFHIR TABLEDEVeeeeeeee/NOTTHEREjjjjjjjj", &r[0]);
    assert_int_equal(r[0].status, 401);
    assert_int_equal(db.lookups, 5);
    fake_now += 31 * 1000;
    check(c, "ODFHIR TABLEDEVeeeeeeee/NOTTHEREjjjjjjjj", &r[0]);
    assert_int_equal(db.lookups, 6);

    /* Freeing with a lookup outstanding; its answer comes later. */
    db.async = 1;
    check(c, "ODFHIR TABLEDEVeeeeeeee/INTABLEkkkkkkkk", &r[0]);
    assert_int_equal(r[0].called, 0);
    od_cred_free(c);
    answer_db(&db);
    assert_int_equal(r[0].called, 0);
    assert_true(no_log_contains("INTABLE"));
    assert_true(no_log_contains("TABLEDEV"));
    odapi_config_free(cfg);
}

static void test_cache_bound(void **state)
{
    odapi_config *cfg = new_cfg();
    struct od_cred *c;
    struct result r;
    struct fake_db db = {0};
    char h[100];
    int i;

    odapi_config_set_keys_file(cfg, write_tmp("keys.json", keys_json));
    c = new_cred(cfg);
    od_cred_set_db_lookup(c, db_lookup, &db);
    od_cred_set_max_entries(c, 3);
    for (i = 0; i < 5; i++) {
        snprintf(h, sizeof h, "ODFHIR TABLEDEVeeeeeeee/INTABLE%d", i);
        check(c, h, &r);
        assert_int_equal(r.status, 0);
        assert_true(counts(c).entries <= 3);
    }
    assert_int_equal(counts(c).evictions, 2);
    assert_int_equal(db.lookups, 5);
    /* The most recent ones are still there; the first was evicted. */
    check(c, "ODFHIR TABLEDEVeeeeeeee/INTABLE4", &r);
    assert_int_equal(db.lookups, 5);
    check(c, "ODFHIR TABLEDEVeeeeeeee/INTABLE0", &r);
    assert_int_equal(db.lookups, 6);
    assert_int_equal(counts(c).entries, 3);
    /* Touching INTABLE3 keeps it; INTABLE4 goes before it. */
    check(c, "ODFHIR TABLEDEVeeeeeeee/INTABLE3", &r);
    check(c, "ODFHIR TABLEDEVeeeeeeee/INTABLE9", &r);
    assert_int_equal(db.lookups, 7);
    check(c, "ODFHIR TABLEDEVeeeeeeee/INTABLE3", &r);
    assert_int_equal(db.lookups, 7);
    check(c, "ODFHIR TABLEDEVeeeeeeee/INTABLE4", &r);
    assert_int_equal(db.lookups, 8);

    /* Pending entries are never evicted: a full table of pending
     * validations refuses the newcomer instead. */
    db.async = 1;
    od_cred_set_max_entries(c, 1);
    check(c, "ODFHIR TABLEDEVeeeeeeee/INTABLEpend1", &r);
    assert_int_equal(r.called, 0);
    {
        struct result r2;
        check(c, "ODFHIR TABLEDEVeeeeeeee/INTABLEpend2", &r2);
        assert_int_equal(r2.called, 1);
        assert_int_equal(r2.status, 400);
    }
    answer_db(&db);
    assert_int_equal(r.called, 1);
    assert_int_equal(r.status, 0);
    od_cred_free(c);
    odapi_config_free(cfg);
}

/* A customer key that a configured pair names is decided by that pair:
 * never accepted through the apikey table with another developer (issue
 * 14, item 1). */
static void test_configured_pair_decides(void **state)
{
    odapi_config *cfg = new_cfg();
    struct od_cred *c;
    struct result r;
    struct fake_db db = {0};

    odapi_config_set_keys_file(cfg, write_tmp("keys.json", keys_json));
    c = new_cred(cfg);
    od_cred_set_db_lookup(c, db_lookup, &db);
    db.all_found = 1; /* the table holds every customer key */
    /* DISABLEDcccccccc belongs to FILEDEV (DisabledByCustomer): not with
     * FILEDEV's other entries, not with TABLEDEV through the table. */
    check(c, "ODFHIR FILEDEVaaaaaaaaa/DISABLEDcccccccc", &r);
    assert_int_equal(r.status, 0);
    assert_int_equal(r.v.status, OD_KEY_DISABLED_BY_CUSTOMER);
    check(c, "ODFHIR TABLEDEVeeeeeeee/DISABLEDcccccccc", &r);
    assert_int_equal(r.status, 401);
    check(c, "ODFHIR TABLEDEVeeeeeeee/READONLYdddddddd", &r);
    assert_int_equal(r.status, 401);
    check(c, "ODFHIR TABLEDEVeeeeeeee/FILECUSTbbbbbbbb", &r);
    assert_int_equal(r.status, 401);
    /* a customer key no entry names: the table decides */
    check(c, "ODFHIR TABLEDEVeeeeeeee/ELSEWHEREkkkkkkk", &r);
    assert_int_equal(r.status, 0);
    assert_true(r.v.perms == (OD_PERM_BIT(ODAPI_PERM_READ_ALL) |
                              OD_PERM_BIT(ODAPI_PERM_COMM)));
    /* another letter case of a configured key is another key */
    db.all_found = 0;
    check(c, "ODFHIR FILEDEVaaaaaaaaa/disabledcccccccc", &r);
    assert_int_equal(r.status, 401);
    check(c, "ODFHIR FILEDEVaaaaaaaaa/filecustbbbbbbbb", &r);
    assert_int_equal(r.status, 401);
    od_cred_free(c);
    odapi_config_free(cfg);
}

/* An unknown customer key costs the same whether the developer key is
 * known or not (issue 14, item 4): the same lookups run on both paths,
 * counted here rather than timed. */
static void test_same_work_known_or_unknown_developer(void **state)
{
    odapi_config *cfg = new_cfg();
    struct od_cred *c;
    struct result r;
    struct fake_db db = {0};
    unsigned long v0, l0, v1, l1, v2, l2;
    int db0, db1, db2;

    odapi_config_set_keys_file(cfg, write_tmp("keys.json", keys_json));
    c = new_cred(cfg);
    od_cred_set_db_lookup(c, db_lookup, &db);
    v0 = od_cred_validations(c);
    l0 = counts(c).db_lookups;
    db0 = db.lookups;
    check(c, "ODFHIR TABLEDEVeeeeeeee/UNKNOWNaaaaaaaaa", &r); /* known dev */
    assert_int_equal(r.status, 401);
    v1 = od_cred_validations(c);
    l1 = counts(c).db_lookups;
    db1 = db.lookups;
    check(c, "ODFHIR NOBODYeeeeeeeeee/UNKNOWNaaaaaaaaa", &r); /* unknown */
    assert_int_equal(r.status, 401);
    assert_string_equal(r.msg, OD_MSG_AUTH_INVALID);
    v2 = od_cred_validations(c);
    l2 = counts(c).db_lookups;
    db2 = db.lookups;
    assert_int_equal(v1 - v0, 1);
    assert_int_equal(v2 - v1, v1 - v0);
    assert_int_equal(l1 - l0, 1);
    assert_int_equal(l2 - l1, l1 - l0);
    assert_int_equal(db1 - db0, 1);
    assert_int_equal(db2 - db1, db1 - db0);
    /* a pair entry's developer: the same again */
    check(c, "ODFHIR FILEDEVaaaaaaaaa/UNKNOWNaaaaaaaaa", &r);
    assert_int_equal(r.status, 401);
    assert_int_equal(db.lookups - db2, 1);
    od_cred_free(c);
    odapi_config_free(cfg);
}

static void test_status_names(void **state)
{
    assert_int_equal(od_key_status_from_name("EnabledReadOnly"), 5);
    assert_int_equal(od_key_status_from_name("DisabledByHQ"), 4);
    assert_int_equal(od_key_status_from_name("Bogus"), -1);
    assert_string_equal(od_key_status_description(4),
                        "Disabled by Open Dental");
    assert_string_equal(od_key_status_name(2), "DisabledByCustomer");
}

static int setup(void **state)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/test_cred.XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_header_parsing),
        cmocka_unit_test(test_config_pair_and_permissions),
        cmocka_unit_test(test_perm_names),
        cmocka_unit_test(test_keys_file),
        cmocka_unit_test(test_keys_file_errors),
        cmocka_unit_test(test_apikey_table_and_cache),
        cmocka_unit_test(test_cache_bound),
        cmocka_unit_test(test_configured_pair_decides),
        cmocka_unit_test(test_same_work_known_or_unknown_developer),
        cmocka_unit_test(test_status_names),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
