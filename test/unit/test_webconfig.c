/* test_webconfig.c - OpenDentalWebConfig.xml: the file Open Dental writes,
 * selection by Note, the extension elements, and every way a file can be
 * wrong or hostile. Fixtures: test/fixtures/webconfig (run from the project
 * root, or set ODAPI_WEBCONFIG_FIXTURES). */
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
#include "core/webconfig-internal.h"

static char path[4096];
static char err[1024];

static const char *fixture(const char *name)
{
    const char *dir = getenv("ODAPI_WEBCONFIG_FIXTURES");
    snprintf(path, sizeof path, "%s/%s", dir ? dir : "test/fixtures/webconfig",
             name);
    return path;
}

static int load(odapi_config *cfg, const char *name, const char *note)
{
    memset(err, 'x', sizeof err);
    err[sizeof err - 1] = '\0';
    return odapi_config_load_webconfig(cfg, fixture(name), note, err,
                                       sizeof err);
}

static int setup(void **state)
{
    odapi_config *cfg = odapi_config_new(ODAPI_MODE_SERVICE);
    assert_non_null(cfg);
    *state = cfg;
    return 0;
}

static int teardown(void **state)
{
    odapi_config_free(*state);
    return 0;
}

/* The error names the file, contains each of the words, and is one line. */
static void expect_error(const char *name, const char *w1, const char *w2)
{
    char full[4096];
    snprintf(full, sizeof full, "%s", fixture(name));
    if (!strstr(err, full) || (w1 && !strstr(err, w1)) ||
        (w2 && !strstr(err, w2)))
        fail_msg("error for %s lacks \"%s\"/\"%s\": %s", name,
                 w1 ? w1 : "", w2 ? w2 : "", err);
    assert_null(strchr(err, '\n'));
    assert_true(strlen(err) > strlen(full) + 20);
}

/* Nothing was applied. */
static void expect_untouched(const odapi_config *cfg)
{
    assert_int_equal(cfg->db_kind, OD_DB_NONE);
    assert_null(cfg->db_host);
    assert_null(cfg->db_user);
    assert_int_equal(cfg->log.level, ODAPI_LOG_INFO);
}

/* ---- good files --------------------------------------------------------- */

static void od_written_file(void **state)
{
    odapi_config *cfg = *state;
    assert_int_equal(load(cfg, "od-written.xml", NULL), ODAPI_OK);
    assert_int_equal(cfg->db_kind, OD_DB_SERVER);
    assert_string_equal(cfg->db_host, "localhost");
    assert_int_equal(cfg->db_port, 0);
    assert_null(cfg->db_socket);
    assert_string_equal(cfg->db_name, "opendental");
    assert_string_equal(cfg->db_user, "root");
    /* escapes split the text over several callbacks; CR/indent trimmed */
    assert_string_equal(cfg->db_password, "p&ss<w>rd");
    assert_string_equal(cfg->db_low_user, "lowuser");
    assert_string_equal(cfg->db_low_password, "lowpass");
    assert_int_equal(cfg->log.level, ODAPI_LOG_ERROR);
    /* no extension elements: the preset stays */
    assert_int_equal(cfg->nlisten, 2);
    assert_int_equal(cfg->listen[0].port, OD_PORT_SERVICE);
    assert_null(cfg->log_file);
    assert_null(cfg->tls_cert);
}

static void note_given_explicitly(void **state)
{
    odapi_config *cfg = *state;
    assert_int_equal(load(cfg, "od-written.xml", "dentaloffice"), ODAPI_OK);
    assert_string_equal(cfg->db_user, "root");
}

static void utf16_with_bom(void **state)
{
    odapi_config *cfg = *state;
    assert_int_equal(load(cfg, "utf16-bom.xml", NULL), ODAPI_OK);
    assert_string_equal(cfg->db_host, "localhost");
    assert_string_equal(cfg->db_password, "p&ss<w>rd");
    assert_string_equal(cfg->db_low_user, "lowuser");
}

static void econnector_copy_without_note(void **state)
{
    odapi_config *cfg = *state;
    assert_int_equal(load(cfg, "econnector.xml", NULL), ODAPI_OK);
    assert_string_equal(cfg->db_host, "db.example.com");
    assert_int_equal(cfg->db_port, 3307);
    assert_string_equal(cfg->db_name, "od_main");
    assert_string_equal(cfg->db_user, "oduser");
    assert_string_equal(cfg->db_password, "pw");
    assert_null(cfg->db_low_user); /* empty UserLow: none */
    assert_int_equal(cfg->log.level, ODAPI_LOG_VERBOSE);
}

static void econnector_copy_with_explicit_note(void **state)
{
    odapi_config *cfg = *state;
    /* a Note asked for by name must exist */
    assert_int_equal(load(cfg, "econnector.xml", "DentalOffice"),
                     ODAPI_E_CONFIG);
    expect_error("econnector.xml", "<Note>DentalOffice</Note>", "(no Note)");
    expect_untouched(cfg);
}

static void several_connections_by_note(void **state)
{
    odapi_config *cfg = *state;
    assert_int_equal(load(cfg, "multi.xml", NULL), ODAPI_OK);
    assert_string_equal(cfg->db_host, "host-c");
    assert_string_equal(cfg->db_password, "pw-host-c");
    assert_int_equal(cfg->log.level, ODAPI_LOG_INFO);
    assert_int_equal(load(cfg, "multi.xml", "WebForms"), ODAPI_OK);
    assert_string_equal(cfg->db_host, "host-a");
    assert_string_equal(cfg->db_password, "pw-host-a");
}

static void note_not_found_lists_notes(void **state)
{
    odapi_config *cfg = *state;
    assert_int_equal(load(cfg, "multi.xml", "Nope"), ODAPI_E_CONFIG);
    expect_error("multi.xml", "\"WebForms\", (no Note), \"DentalOffice\"",
                 "<Note>Nope</Note>");
    expect_untouched(cfg);
}

static void extension_elements(void **state)
{
    odapi_config *cfg = *state;
    char want[4200];
    assert_int_equal(load(cfg, "extensions.xml", NULL), ODAPI_OK);
    assert_string_equal(cfg->db_host, "localhost");
    assert_string_equal(cfg->db_socket, "/run/mysqld/mysqld.sock");
    assert_string_equal(cfg->db_low_user, "low");
    assert_int_equal(cfg->log.level, ODAPI_LOG_VERBOSE);
    assert_int_equal(cfg->nlisten, 3);
    assert_string_equal(cfg->listen[0].addr, "127.0.0.1");
    assert_int_equal(cfg->listen[0].port, 30300);
    assert_string_equal(cfg->listen[1].addr, "::1");
    assert_int_equal(cfg->listen[1].port, 8443);
    assert_string_equal(cfg->listen[2].addr, "10.0.0.5");
    assert_int_equal(cfg->listen[2].port, 30300);
    /* relative paths are relative to the XML file's folder */
    snprintf(want, sizeof want, "%s", fixture("logs/odservice.log"));
    assert_string_equal(cfg->log_file, want);
    snprintf(want, sizeof want, "%s", fixture("key.pem"));
    assert_string_equal(cfg->tls_key, want);
    assert_string_equal(cfg->tls_cert, "/etc/odapi/cert.pem");
    assert_string_equal(cfg->keys_file, "/etc/odapi/keys.conf");
    assert_string_equal(cfg->validator_url,
                        "https://validator.example.com/check");
    assert_null(cfg->validator_ca);
}

static void ssl_ca_is_parsed(void **state)
{
    struct od_webconfig wc;
    (void)state;
    assert_int_equal(od_webconfig_read(fixture("extensions.xml"), NULL, &wc,
                                       err, sizeof err),
                     ODAPI_OK);
    assert_string_equal(wc.ssl_ca, "/etc/ssl/certs/db-ca.pem");
    assert_string_equal(wc.note, "DentalOffice");
    od_webconfig_free(&wc);
}

static void log_level_names(void **state)
{
    odapi_log_level l;
    (void)state;
    assert_int_equal(od_webconfig_log_level("ERROR", &l), 0);
    assert_int_equal(l, ODAPI_LOG_ERROR);
    assert_int_equal(od_webconfig_log_level("Information", &l), 0);
    assert_int_equal(l, ODAPI_LOG_INFO);
    assert_int_equal(od_webconfig_log_level("info", &l), 0);
    assert_int_equal(l, ODAPI_LOG_INFO);
    assert_int_equal(od_webconfig_log_level("Warning", &l), 0);
    assert_int_equal(l, ODAPI_LOG_WARNING);
    assert_int_equal(od_webconfig_log_level("vErBoSe", &l), 0);
    assert_int_equal(l, ODAPI_LOG_VERBOSE);
    assert_int_equal(od_webconfig_log_level("2", &l), 0);
    assert_int_equal(l, ODAPI_LOG_VERBOSE);
    assert_int_equal(od_webconfig_log_level("Debug", &l), -1);
    assert_int_equal(od_webconfig_log_level("", &l), -1);
}

/* ---- wrong files -------------------------------------------------------- */

#define WRONG(fn, file, rc, w1, w2)                                          \
    static void fn(void **state)                                             \
    {                                                                        \
        odapi_config *cfg = *state;                                          \
        assert_int_equal(load(cfg, file, NULL), rc);                         \
        expect_error(file, w1, w2);                                          \
        expect_untouched(cfg);                                               \
    }

WRONG(missing_database, "missing-database.xml", ODAPI_E_CONFIG,
      "<Database>", "line 2")
WRONG(oracle, "oracle.xml", ODAPI_E_CONFIG, "<DatabaseType>",
      "Oracle is not")
WRONG(passhash_only, "passhash-only.xml", ODAPI_E_CONFIG, "<MySQLPassHash>",
      "put the password in <Password> in plain text, and protect the file: "
      "owner root, group of the user that runs the API, chmod 640")
WRONG(bad_loglevel, "bad-loglevel.xml", ODAPI_E_CONFIG,
      "<LogLevelOfApplication>", "Error, Information or Verbose")
WRONG(bad_port, "bad-port.xml", ODAPI_E_CONFIG, "<ComputerName>",
      "bad port")
WRONG(bad_odapiport, "bad-odapiport.xml", ODAPI_E_CONFIG, "<OdapiPort>",
      "line 8")
WRONG(duplicate, "duplicate.xml", ODAPI_E_CONFIG, "<User>",
      "second time")
WRONG(wrong_root, "wrong-root.xml", ODAPI_E_CONFIG, "<Configuration>",
      "<ConnectionSettings>")
WRONG(no_connection, "no-connection.xml", ODAPI_E_CONFIG,
      "no <DatabaseConnection>", NULL)
WRONG(not_well_formed, "not-well-formed.xml", ODAPI_E_CONFIG,
      "not well-formed", "<Database>")
WRONG(billion_laughs, "billion-laughs.xml", ODAPI_E_CONFIG, "DOCTYPE",
      "line 2")
WRONG(external_entity, "external-entity.xml", ODAPI_E_CONFIG, "DOCTYPE",
      "refused")
WRONG(unknown_encoding, "unknown-encoding.xml", ODAPI_E_CONFIG, "encoding",
      "UTF-8")
WRONG(bad_utf8, "bad-utf8.xml", ODAPI_E_CONFIG, "<ComputerName>",
      "UTF-8")
WRONG(garbage, "garbage.bin", ODAPI_E_CONFIG, "not well-formed", NULL)
WRONG(empty_file, "empty.xml", ODAPI_E_CONFIG, "empty",
      "<ConnectionSettings>")
WRONG(missing_file, "no-such-file.xml", ODAPI_E_IO, "cannot open",
      "No such file")
WRONG(directory, ".", ODAPI_E_IO, "cannot read", "Is a directory")

/* The external entity's target never shows up anywhere. */
static void external_entity_not_read(void **state)
{
    odapi_config *cfg = *state;
    assert_int_equal(load(cfg, "external-entity.xml", NULL), ODAPI_E_CONFIG);
    assert_null(strstr(err, "root:"));
    assert_null(cfg->db_host);
}

/* ---- generated files ---------------------------------------------------- */

static char tmpdir[64];

static const char *tmpfile_with(const char *name, const char *head,
                                const char *unit, size_t repeat,
                                const char *tail)
{
    FILE *f;
    size_t i;
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    f = fopen(path, "wb");
    assert_non_null(f);
    fputs(head, f);
    for (i = 0; i < repeat; i++)
        fputs(unit, f);
    fputs(tail, f);
    assert_int_equal(fclose(f), 0);
    return path;
}

static int gen_setup(void **state)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/test_webconfig.XXXXXX");
    assert_non_null(mkdtemp(tmpdir));
    return setup(state);
}

static int gen_teardown(void **state)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    assert_int_equal(system(cmd), 0);
    return teardown(state);
}

static int load_path(odapi_config *cfg, const char *p)
{
    return odapi_config_load_webconfig(cfg, p, NULL, err, sizeof err);
}

static void huge_file(void **state)
{
    odapi_config *cfg = *state;
    const char *p = tmpfile_with("huge.xml", "<ConnectionSettings>\r\n",
                                 "   <!-- padding padding padding -->\r\n",
                                 40000, "</ConnectionSettings>\r\n");
    assert_int_equal(load_path(cfg, p), ODAPI_E_CONFIG);
    assert_non_null(strstr(err, p));
    assert_non_null(strstr(err, "larger than"));
    expect_untouched(cfg);
}

static void deep_nesting(void **state)
{
    odapi_config *cfg = *state;
    const char *p = tmpfile_with("deep.xml", "<ConnectionSettings>", "<a>",
                                 100000, "");
    assert_int_equal(load_path(cfg, p), ODAPI_E_CONFIG);
    assert_non_null(strstr(err, "nested deeper"));
    assert_non_null(strstr(err, "<a>"));
    expect_untouched(cfg);
}

static void long_text(void **state)
{
    odapi_config *cfg = *state;
    const char *p = tmpfile_with(
        "long.xml",
        "<ConnectionSettings><DatabaseConnection><ComputerName>", "h", 5000,
        "</ComputerName></DatabaseConnection></ConnectionSettings>");
    assert_int_equal(load_path(cfg, p), ODAPI_E_CONFIG);
    assert_non_null(strstr(err, "<ComputerName>"));
    assert_non_null(strstr(err, "longer than"));
    expect_untouched(cfg);
}

static void element_inside_value(void **state)
{
    odapi_config *cfg = *state;
    const char *p = tmpfile_with(
        "inner.xml", "<ConnectionSettings><DatabaseConnection><User>ro<b/>",
        "", 0, "ot</User></DatabaseConnection></ConnectionSettings>");
    assert_int_equal(load_path(cfg, p), ODAPI_E_CONFIG);
    assert_non_null(strstr(err, "<User> must hold only text"));
    expect_untouched(cfg);
}

static void unix_socket_as_computer_name(void **state)
{
    odapi_config *cfg = *state;
    const char *p = tmpfile_with(
        "sock.xml",
        "<ConnectionSettings><DatabaseConnection>"
        "<ComputerName> /tmp/mysql.sock </ComputerName>"
        "<Database>od</Database><User>u</User>",
        "", 0, "</DatabaseConnection></ConnectionSettings>");
    assert_int_equal(load_path(cfg, p), ODAPI_OK);
    assert_string_equal(cfg->db_host, "localhost");
    assert_string_equal(cfg->db_socket, "/tmp/mysql.sock");
    assert_string_equal(cfg->db_password, ""); /* absent Password: empty */
}

static void read_replicas(void **state)
{
    odapi_config *cfg = *state;
    const char *p = tmpfile_with(
        "rep.xml",
        "<ConnectionSettings><DatabaseConnection>"
        "<ComputerName>db1</ComputerName>"
        "<Database>od</Database><User>u</User>",
        "", 0,
        "</DatabaseConnection>"
        "<OdapiReadReplicas> db2:3307, [fd00::7] ,/run/r.sock,"
        "</OdapiReadReplicas>"
        "<OdapiReplicaMaxLag>0.5</OdapiReplicaMaxLag></ConnectionSettings>");
    assert_int_equal(load_path(cfg, p), ODAPI_OK);
    assert_int_equal(cfg->nreplicas, 3);
    assert_string_equal(cfg->replicas[0].host, "db2");
    assert_int_equal(cfg->replicas[0].port, 3307);
    assert_string_equal(cfg->replicas[1].host, "fd00::7");
    assert_int_equal(cfg->replicas[1].port, 0);
    assert_null(cfg->replicas[2].host);
    assert_string_equal(cfg->replicas[2].socket, "/run/r.sock");
    assert_int_equal(cfg->replicas[0].max_lag_ms, 500);
    assert_int_equal(cfg->replicas[2].max_lag_ms, 500);
}

static void read_replica_default_lag(void **state)
{
    odapi_config *cfg = *state;
    const char *p = tmpfile_with(
        "rep2.xml",
        "<ConnectionSettings><DatabaseConnection>"
        "<ComputerName>db1</ComputerName>"
        "<Database>od</Database><User>u</User>",
        "", 0,
        "</DatabaseConnection>"
        "<OdapiReadReplicas>db2</OdapiReadReplicas></ConnectionSettings>");
    assert_int_equal(load_path(cfg, p), ODAPI_OK);
    assert_int_equal(cfg->nreplicas, 1);
    assert_int_equal(cfg->replicas[0].max_lag_ms, OD_REPLICA_DEFAULT_LAG_MS);
}

static void read_replica_errors(void **state)
{
    odapi_config *cfg = *state;
    static const char *const bad[][2] = {
        {"<OdapiReadReplicas>db2:99999</OdapiReadReplicas>", "a bad port"},
        {"<OdapiReadReplicas>a,b,c,d,e,f,g,h,i</OdapiReadReplicas>",
         "more than 8"},
        {"<OdapiReadReplicas>db2</OdapiReadReplicas>"
         "<OdapiReplicaMaxLag>61</OdapiReplicaMaxLag>", "OdapiReplicaMaxLag"},
        {"<OdapiReadReplicas>db2</OdapiReadReplicas>"
         "<OdapiReplicaMaxLag>-1</OdapiReplicaMaxLag>", "OdapiReplicaMaxLag"},
        {"<OdapiReadReplicas>db2</OdapiReadReplicas>"
         "<OdapiReplicaMaxLag>1s</OdapiReplicaMaxLag>", "OdapiReplicaMaxLag"},
    };
    size_t i;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *p = tmpfile_with(
            "repbad.xml",
            "<ConnectionSettings><DatabaseConnection>"
            "<ComputerName>db1</ComputerName>"
            "<Database>od</Database><User>u</User>",
            "", 0, "</DatabaseConnection>");
        FILE *f = fopen(p, "a");
        assert_non_null(f);
        fprintf(f, "%s</ConnectionSettings>", bad[i][0]);
        fclose(f);
        assert_int_equal(load_path(cfg, p), ODAPI_E_CONFIG);
        if (!strstr(err, bad[i][1]))
            fail_msg("%s: %s", bad[i][0], err);
        assert_int_equal(cfg->nreplicas, 0); /* nothing applied */
    }
}

static void ipv6_computer_name(void **state)
{
    odapi_config *cfg = *state;
    const char *p = tmpfile_with(
        "v6.xml",
        "<ConnectionSettings><DatabaseConnection>"
        "<ComputerName>[fd00::5]:3310</ComputerName>"
        "<Database>od</Database><User>u</User>",
        "", 0, "</DatabaseConnection></ConnectionSettings>");
    assert_int_equal(load_path(cfg, p), ODAPI_OK);
    assert_string_equal(cfg->db_host, "fd00::5");
    assert_int_equal(cfg->db_port, 3310);
}

static void whitespace_and_pieces(void **state)
{
    odapi_config *cfg = *state;
    const char *p = tmpfile_with(
        "ws.xml",
        "<ConnectionSettings>\r\n   <DatabaseConnection>\r\n"
        "      <ComputerName>\r\n         db1\r\n      </ComputerName>\r\n"
        "      <Database>\topen<![CDATA[den]]>tal </Database>\r\n"
        "      <User>ro<!-- a comment -->ot</User>\r\n"
        "      <Password> spaced pw </Password>\r\n"
        "      <UserLow>low</UserLow>\r\n"
        "      <PasswordLow>\r\n         lowpw\r\n      </PasswordLow>\r\n",
        "", 0, "   </DatabaseConnection>\r\n</ConnectionSettings>\r\n");
    assert_int_equal(load_path(cfg, p), ODAPI_OK);
    assert_string_equal(cfg->db_host, "db1");
    assert_string_equal(cfg->db_name, "opendental");
    assert_string_equal(cfg->db_user, "root");
    /* a password keeps its own spaces; indentation on own lines goes */
    assert_string_equal(cfg->db_password, " spaced pw ");
    assert_string_equal(cfg->db_low_password, "lowpw");
}

static void null_arguments(void **state)
{
    odapi_config *cfg = *state;
    assert_int_equal(odapi_config_load_webconfig(NULL, "x", NULL, err,
                                                 sizeof err),
                     ODAPI_E_INVALID);
    assert_int_equal(odapi_config_load_webconfig(cfg, NULL, NULL, err,
                                                 sizeof err),
                     ODAPI_E_INVALID);
    /* a tiny or absent err buffer is fine */
    assert_int_equal(odapi_config_load_webconfig(cfg, fixture("oracle.xml"),
                                                 NULL, NULL, 0),
                     ODAPI_E_CONFIG);
    assert_int_equal(odapi_config_load_webconfig(cfg, fixture("oracle.xml"),
                                                 NULL, err, 8),
                     ODAPI_E_CONFIG);
    assert_int_equal(strlen(err), 7);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(od_written_file, setup, teardown),
        cmocka_unit_test_setup_teardown(note_given_explicitly, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(utf16_with_bom, setup, teardown),
        cmocka_unit_test_setup_teardown(econnector_copy_without_note, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(econnector_copy_with_explicit_note,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(several_connections_by_note, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(note_not_found_lists_notes, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(extension_elements, setup, teardown),
        cmocka_unit_test(ssl_ca_is_parsed),
        cmocka_unit_test(log_level_names),
        cmocka_unit_test_setup_teardown(missing_database, setup, teardown),
        cmocka_unit_test_setup_teardown(oracle, setup, teardown),
        cmocka_unit_test_setup_teardown(passhash_only, setup, teardown),
        cmocka_unit_test_setup_teardown(bad_loglevel, setup, teardown),
        cmocka_unit_test_setup_teardown(bad_port, setup, teardown),
        cmocka_unit_test_setup_teardown(bad_odapiport, setup, teardown),
        cmocka_unit_test_setup_teardown(duplicate, setup, teardown),
        cmocka_unit_test_setup_teardown(wrong_root, setup, teardown),
        cmocka_unit_test_setup_teardown(no_connection, setup, teardown),
        cmocka_unit_test_setup_teardown(not_well_formed, setup, teardown),
        cmocka_unit_test_setup_teardown(billion_laughs, setup, teardown),
        cmocka_unit_test_setup_teardown(external_entity, setup, teardown),
        cmocka_unit_test_setup_teardown(external_entity_not_read, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(unknown_encoding, setup, teardown),
        cmocka_unit_test_setup_teardown(bad_utf8, setup, teardown),
        cmocka_unit_test_setup_teardown(garbage, setup, teardown),
        cmocka_unit_test_setup_teardown(empty_file, setup, teardown),
        cmocka_unit_test_setup_teardown(missing_file, setup, teardown),
        cmocka_unit_test_setup_teardown(directory, setup, teardown),
        cmocka_unit_test_setup_teardown(huge_file, gen_setup, gen_teardown),
        cmocka_unit_test_setup_teardown(deep_nesting, gen_setup,
                                        gen_teardown),
        cmocka_unit_test_setup_teardown(long_text, gen_setup, gen_teardown),
        cmocka_unit_test_setup_teardown(element_inside_value, gen_setup,
                                        gen_teardown),
        cmocka_unit_test_setup_teardown(unix_socket_as_computer_name,
                                        gen_setup, gen_teardown),
        cmocka_unit_test_setup_teardown(ipv6_computer_name, gen_setup,
                                        gen_teardown),
        cmocka_unit_test_setup_teardown(read_replicas, gen_setup,
                                        gen_teardown),
        cmocka_unit_test_setup_teardown(read_replica_default_lag, gen_setup,
                                        gen_teardown),
        cmocka_unit_test_setup_teardown(read_replica_errors, gen_setup,
                                        gen_teardown),
        cmocka_unit_test_setup_teardown(whitespace_and_pieces, gen_setup,
                                        gen_teardown),
        cmocka_unit_test_setup_teardown(null_arguments, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
