/* test_evstate.c - lib/features/evstate.c, the state folder: records
 * survive in a 0600 file of a 0700 folder, one process (here: one store
 * object) at a time fires from a folder, a damaged file is reported, and
 * the owner hash is not the key. The state database is exercised by
 * test/integration/test_events.py. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "features/evstate-internal.h"

static void quiet(void *arg, odapi_log_level level, const char *msg)
{
    (void)arg;
    (void)level;
    (void)msg;
}

static const struct od_logger lg = {quiet, NULL, ODAPI_LOG_VERBOSE};

struct fx {
    char dir[256];
    odapi_config *cfg;
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    char tmpl[] = "/tmp/odapi-evstate.XXXXXX";
    if (!f || !mkdtemp(tmpl))
        return -1;
    snprintf(f->dir, sizeof f->dir, "%s/state", tmpl);
    f->cfg = odapi_config_new(ODAPI_MODE_SERVICE);
    odapi_config_set_db_server(f->cfg, NULL, 0, "/nowhere.sock", "u", "",
                               "practice");
    odapi_config_set_events_state(f->cfg, f->dir, NULL);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    char cmd[600];
    char *slash = strrchr(f->dir, '/');
    *slash = '\0';
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    if (system(cmd) != 0)
        return -1;
    odapi_config_free(f->cfg);
    free(f);
    return 0;
}

static struct od_evstate *open_store(struct fx *f)
{
    struct od_evstate *st = NULL;
    char err[256], why[512];
    assert_int_equal(od_evstate_new(&st, f->cfg, &lg, err, sizeof err),
                     ODAPI_OK);
    assert_non_null(st);
    assert_int_equal(od_evstate_check(st, NULL, why, sizeof why), 0);
    return st;
}

static void records_survive_in_a_private_file(void **state)
{
    struct fx *f = *state;
    struct od_evstate *st = open_store(f), *again;
    struct od_evrec r;
    char path[400], owner[65];
    struct stat sb;
    assert_int_equal(stat(f->dir, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0700);
    od_evstate_owner_of("DevKey0000000001", owner);
    assert_int_equal(strlen(owner), 64);
    assert_null(strstr(owner, "DevKey"));
    assert_int_equal(od_evstate_get(st, NULL, 7, &r), 0);
    assert_int_equal(od_evstate_set(st, NULL, 7, owner, "s3cret-s3cret-s3"),
                     0);
    assert_int_equal(od_evstate_release(st, NULL, 7, "me", 3, "HTTP 500"), 0);
    snprintf(path, sizeof path, "%s/subscriptions-practice.json", f->dir);
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    /* another process (another store object) reads what was written */
    again = open_store(f);
    assert_int_equal(od_evstate_get(again, NULL, 7, &r), 1);
    assert_string_equal(r.owner, owner);
    assert_string_equal(r.secret, "s3cret-s3cret-s3");
    assert_int_equal(r.attempts, 3);
    assert_string_equal(r.last_error, "HTTP 500");
    /* PUT's secret change keeps the owner */
    assert_int_equal(od_evstate_set(again, NULL, 7, NULL, ""), 0);
    assert_int_equal(od_evstate_get(st, NULL, 7, &r), 1);
    assert_string_equal(r.owner, owner);
    assert_string_equal(r.secret, "");
    assert_int_equal(od_evstate_forget(st, NULL, 7), 0);
    assert_int_equal(od_evstate_get(again, NULL, 7, &r), 0);
    od_evstate_unref(again);
    od_evstate_unref(st);
}

static int nforeign;
static long long foreign[8];

static void note(void *arg, long long num)
{
    (void)arg;
    if (nforeign < 8)
        foreign[nforeign++] = num;
}

static void foreign_means_another_developer(void **state)
{
    struct fx *f = *state;
    struct od_evstate *st = open_store(f);
    char a[65], b[65];
    od_evstate_owner_of("DeveloperA", a);
    od_evstate_owner_of("DeveloperB", b);
    assert_string_not_equal(a, b);
    assert_int_equal(od_evstate_set(st, NULL, 1, a, ""), 0);
    assert_int_equal(od_evstate_set(st, NULL, 2, b, ""), 0);
    assert_int_equal(od_evstate_set(st, NULL, 3, "", ""), 0); /* no owner */
    nforeign = 0;
    assert_int_equal(od_evstate_each_foreign(st, NULL, "cust", a, note, NULL),
                     0);
    assert_int_equal(nforeign, 1);
    assert_int_equal(foreign[0], 2);
    od_evstate_unref(st);
}

static void one_fires_from_a_folder(void **state)
{
    struct fx *f = *state;
    struct od_evstate *a = open_store(f), *b = open_store(f);
    char who[64], pid[32];
    assert_int_equal(od_evstate_try_fire(a, who, sizeof who), 1);
    assert_int_equal(od_evstate_try_fire(a, who, sizeof who), 1);
    assert_int_equal(od_evstate_try_fire(b, who, sizeof who), 0);
    snprintf(pid, sizeof pid, "%ld", (long)getpid());
    assert_string_equal(who, pid);
    od_evstate_unref(a); /* the lock goes with it */
    assert_int_equal(od_evstate_try_fire(b, who, sizeof who), 1);
    od_evstate_unref(b);
}

static void a_damaged_file_is_reported(void **state)
{
    struct fx *f = *state;
    struct od_evstate *st = open_store(f);
    struct od_evrec r;
    char path[400], why[512];
    FILE *fp;
    snprintf(path, sizeof path, "%s/subscriptions-practice.json", f->dir);
    assert_non_null(fp = fopen(path, "w"));
    fputs("{\"subscriptions\": [", fp);
    fclose(fp);
    assert_int_equal(od_evstate_get(st, NULL, 1, &r), -1);
    assert_int_equal(od_evstate_check(st, NULL, why, sizeof why), -1);
    assert_non_null(strstr(why, "damaged"));
    od_evstate_unref(st);
}

static void names_are_checked(void **state)
{
    struct fx *f = *state;
    struct od_evstate *st = NULL;
    char err[256];
    odapi_config_set_events_state(f->cfg, "relative/dir", NULL);
    assert_int_equal(od_evstate_new(&st, f->cfg, &lg, err, sizeof err),
                     ODAPI_E_CONFIG);
    odapi_config_set_events_state(f->cfg, NULL, "odapi`state");
    assert_int_equal(od_evstate_new(&st, f->cfg, &lg, err, sizeof err),
                     ODAPI_E_CONFIG);
    odapi_config_set_events_state(f->cfg, NULL, NULL);
    assert_int_equal(od_evstate_new(&st, f->cfg, &lg, err, sizeof err),
                     ODAPI_OK);
    assert_null(st);
    odapi_config_set_events_state(f->cfg, f->dir, "odapi_state");
    assert_int_equal(od_evstate_new(&st, f->cfg, &lg, err, sizeof err),
                     ODAPI_OK);
    assert_true(od_evstate_is_db(st)); /* the database wins */
    od_evstate_unref(st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(records_survive_in_a_private_file,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(foreign_means_another_developer,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(one_fires_from_a_folder, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(a_damaged_file_is_reported, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(names_are_checked, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
