/*
 * test_seed_embedded.c - the schema and the demo practice in the embedded
 * MariaDB server (libmariadbd), in a temporary data folder. Prints the
 * seeding time of the default size (not asserted). Skipped in DB=client
 * builds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/odapi-internal.h"
#include "db/schema-internal.h"
#include "db/seed-internal.h"

#ifdef ODAPI_HAVE_EMBEDDED

static char datadir[256];

static MYSQL *connect_embedded(const char *db)
{
    MYSQL *m = mysql_init(NULL);
    assert_non_null(m);
    mysql_options(m, MYSQL_OPT_USE_EMBEDDED_CONNECTION, NULL);
    if (!mysql_real_connect(m, NULL, "root", NULL, db, 0, NULL, 0))
        fail_msg("embedded connect: %s", mysql_error(m));
    return m;
}

static long long scalar(MYSQL *m, const char *sql)
{
    MYSQL_RES *r;
    MYSQL_ROW row;
    long long v = -1;
    if (mysql_query(m, sql) != 0)
        fail_msg("%s: %s", sql, mysql_error(m));
    r = mysql_store_result(m);
    assert_non_null(r);
    row = mysql_fetch_row(r);
    if (row && row[0])
        v = atoll(row[0]);
    mysql_free_result(r);
    return v;
}

static void test_embedded_seed(void **state)
{
    MYSQL *m = connect_embedded(NULL);
    struct od_seed_opts o;
    char err[512], version[64];
    uint64_t t0;
    (void)state;
    if (mysql_query(m, "CREATE DATABASE odsandbox CHARACTER SET utf8mb4") != 0)
        fail_msg("create database: %s", mysql_error(m));
    assert_int_equal(mysql_select_db(m, "odsandbox"), 0);
    assert_int_equal(od_schema_check(m, version, sizeof(version), err, sizeof(err)),
                     ODAPI_E_DB_SCHEMA);
    if (od_schema_create(m, err, sizeof(err)) != ODAPI_OK)
        fail_msg("od_schema_create: %s", err);
    memset(&o, 0, sizeof(o));
    o.seed = 1;
    o.today = "2025-03-12";
    o.customer_key = "EmbeddedKey";
    t0 = od_now_ms();
    if (od_seed(m, &o, err, sizeof(err)) != ODAPI_OK)
        fail_msg("od_seed: %s", err);
    printf("# embedded: seeded the default practice (%d patients) in %.2f s\n",
           OD_SEED_DEFAULT_PATIENTS, (double)(od_now_ms() - t0) / 1000.0);
    assert_int_equal(od_schema_check(m, version, sizeof(version), err, sizeof(err)),
                     ODAPI_OK);
    assert_string_equal(version, "24.3.10.0");
    assert_int_equal(scalar(m, "SELECT COUNT(*) FROM patient"), OD_SEED_DEFAULT_PATIENTS);
    assert_in_range(scalar(m, "SELECT COUNT(*) FROM provider"), 4, 6);
    assert_in_range(scalar(m, "SELECT COUNT(*) FROM operatory"), 5, 6);
    assert_in_range(scalar(m, "SELECT COUNT(*) FROM appointment"), 1500, 2600);
    assert_in_range(scalar(m, "SELECT COUNT(*) FROM procedurelog"), 1800, 6000);
    assert_true(scalar(m, "SELECT COUNT(*) FROM schedule") > 100);
    assert_true(scalar(m, "SELECT COUNT(*) FROM payment") > 500);
    assert_int_equal(scalar(m, "SELECT COUNT(*) FROM apikey"), 1);
    assert_int_equal(scalar(m, "SELECT COUNT(*) FROM appointment a LEFT JOIN patient p "
                               "ON p.PatNum = a.PatNum WHERE p.PatNum IS NULL"), 0);
    mysql_close(m);
}

static int remove_tree(const char *dir)
{
    char cmd[400];
    if (strncmp(dir, "/tmp/", 5) != 0 || strstr(dir, ".."))
        return -1;
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    return system(cmd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_embedded_seed),
    };
    char opt_datadir[300], opt_tmp[300];
    char *args[] = {
        "test_seed_embedded",
        opt_datadir,
        opt_tmp,
        "--skip-grant-tables",
        "--innodb-buffer-pool-size=32M",
        "--innodb-log-file-size=32M",
        "--innodb-flush-log-at-trx-commit=2",
        "--character-set-server=utf8mb4",
        "--collation-server=utf8mb4_general_ci",
        "--skip-log-bin",
        "--log-error=/dev/null",
        NULL,
    };
    int rc, saved_err;
    snprintf(datadir, sizeof(datadir), "/tmp/odtest-embedded-%ld", (long)getpid());
    remove_tree(datadir);
    if (mkdir(datadir, 0700) != 0) {
        perror(datadir);
        return 1;
    }
    snprintf(opt_datadir, sizeof(opt_datadir), "--datadir=%s", datadir);
    snprintf(opt_tmp, sizeof(opt_tmp), "--tmpdir=%s", datadir);
    if (od_mysql_load(OD_MYSQL_EMBEDDED, opt_tmp, sizeof opt_tmp) != 0) {
        fprintf(stderr, "test_seed_embedded: %s\n", opt_tmp);
        remove_tree(datadir);
        return 1;
    }
    snprintf(opt_tmp, sizeof(opt_tmp), "--tmpdir=%s", datadir);
    /* --log-error reopens stderr onto its file: keep the real one for
     * cmocka's summary ("[  PASSED  ] 1 test(s).", which test/run.sh
     * counts). */
    saved_err = dup(STDERR_FILENO);
    if (mysql_library_init((int)(OD_ARRAY_LEN(args) - 1), args, NULL) != 0) {
        fprintf(stderr, "test_seed_embedded: the embedded server did not start\n");
        remove_tree(datadir);
        return 1;
    }
    if (saved_err >= 0) {
        dup2(saved_err, STDERR_FILENO);
        close(saved_err);
    }
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    mysql_library_end();
    remove_tree(datadir);
    return rc;
}

#else /* !ODAPI_HAVE_EMBEDDED */

static void test_skipped(void **state)
{
    (void)state;
    skip();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_skipped),
    };
    /* test/run.sh reports this line as the skip's reason */
    printf("skip: built with DB=client: no embedded server\n");
    fflush(stdout);
    return cmocka_run_group_tests(tests, NULL, NULL);
}

#endif
