/* test_logfile.c - the log file (threads, logrotate) and the access line
 * (no secrets, always one line). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/logfile-internal.h"

static char dir[64], logpath[128];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/test_logfile.XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    snprintf(logpath, sizeof logpath, "%s/odservice.log", dir);
    return 0;
}

static int teardown(void **state)
{
    char cmd[128];
    (void)state;
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* The whole file, NUL-terminated (test_malloc: leaks are caught). */
static char *slurp(const char *p, size_t *len)
{
    FILE *f = fopen(p, "rb");
    char *buf;
    long n;
    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    n = ftell(f);
    rewind(f);
    buf = test_malloc((size_t)n + 1);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    if (len)
        *len = (size_t)n;
    return buf;
}

/* ---- the file ----------------------------------------------------------- */

static void open_creates_0640_and_appends(void **state)
{
    char err[256];
    struct stat st;
    struct od_logfile *lf;
    char *s;
    mode_t old = umask(022);
    (void)state;
    lf = od_logfile_open(logpath, err, sizeof err);
    umask(old);
    assert_non_null(lf);
    assert_int_equal(stat(logpath, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0640);
    od_logfile_write(lf, "first");
    od_logfile_close(lf);
    lf = od_logfile_open(logpath, err, sizeof err);
    assert_non_null(lf);
    od_logfile_write(lf, "second");
    od_logfile_close(lf);
    s = slurp(logpath, NULL);
    assert_string_equal(s, "first\nsecond\n");
    test_free(s);
}

static void open_failure_names_file(void **state)
{
    char err[256], p[200];
    (void)state;
    snprintf(p, sizeof p, "%s/no/such/dir/x.log", dir);
    assert_null(od_logfile_open(p, err, sizeof err));
    assert_non_null(strstr(err, p));
    assert_non_null(strstr(err, "No such file"));
    assert_null(od_logfile_open(NULL, err, sizeof err));
}

static void control_characters_stay_on_one_line(void **state)
{
    char err[256];
    struct od_logfile *lf = od_logfile_open(logpath, err, sizeof err);
    char *s;
    (void)state;
    assert_non_null(lf);
    od_logfile_write(lf, "a\nb\rc\x07" "d\te\x7f");
    od_logfile_close(lf);
    s = slurp(logpath, NULL);
    assert_string_equal(s, "a\\nb\\rc\\x07d\te\\x7f\n");
    test_free(s);
}

#define THREADS 8
#define LINES 400

struct writer {
    struct od_logfile *lf;
    int id;
};

/* Lines of varying length, some longer than the writer's stack buffer. */
static void *write_lines(void *arg)
{
    struct writer *w = arg;
    char line[5000];
    int i;
    for (i = 0; i < LINES; i++) {
        size_t len = (size_t)(10 + (i * 37 + w->id * 11) % 4000), k;
        int n = snprintf(line, sizeof line, "T%d N%d ", w->id, i);
        for (k = (size_t)n; k < len; k++)
            line[k] = (char)('a' + w->id);
        line[len] = '\0';
        od_logfile_write(w->lf, line);
    }
    return NULL;
}

/* Each line is "T<id> N<i> " followed only by the id's letter. */
static void check_lines(char *s, int *count, int *seen)
{
    char *save = NULL, *l;
    for (l = strtok_r(s, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        int id, i, n;
        char *p;
        if (sscanf(l, "T%d N%d %n", &id, &i, &n) != 2 || id < 0 ||
            id >= THREADS || i < 0 || i >= LINES)
            fail_msg("mangled line: %.80s", l);
        for (p = l + n; *p; p++)
            if (*p != 'a' + id)
                fail_msg("interleaved line from thread %d: %.80s", id, l);
        seen[id * LINES + i]++;
        (*count)++;
    }
}

static void threads_never_interleave(void **state)
{
    char err[256];
    pthread_t th[THREADS];
    struct writer w[THREADS];
    static int seen[THREADS * LINES];
    int i, count = 0;
    char *s;
    struct od_logfile *lf = od_logfile_open(logpath, err, sizeof err);
    (void)state;
    assert_non_null(lf);
    memset(seen, 0, sizeof seen);
    for (i = 0; i < THREADS; i++) {
        w[i].lf = lf;
        w[i].id = i;
        assert_int_equal(pthread_create(&th[i], NULL, write_lines, &w[i]), 0);
    }
    for (i = 0; i < THREADS; i++)
        pthread_join(th[i], NULL);
    od_logfile_close(lf);
    s = slurp(logpath, NULL);
    check_lines(s, &count, seen);
    test_free(s);
    assert_int_equal(count, THREADS * LINES);
    for (i = 0; i < THREADS * LINES; i++)
        assert_int_equal(seen[i], 1);
}

static void reopen_after_rotation(void **state)
{
    char err[256], rotated[160];
    struct od_logfile *lf = od_logfile_open(logpath, err, sizeof err);
    char *s;
    (void)state;
    assert_non_null(lf);
    snprintf(rotated, sizeof rotated, "%s.1", logpath);
    od_logfile_write(lf, "old 1");
    assert_int_equal(rename(logpath, rotated), 0);
    od_logfile_write(lf, "old 2"); /* still the moved file until reopen */
    assert_int_equal(od_logfile_reopen(lf), ODAPI_OK);
    od_logfile_write(lf, "new 1");
    od_logfile_close(lf);
    s = slurp(rotated, NULL);
    assert_string_equal(s, "old 1\nold 2\n");
    test_free(s);
    s = slurp(logpath, NULL);
    assert_string_equal(s, "new 1\n");
    test_free(s);
}

static void reopen_failure_keeps_old_file(void **state)
{
    char err[256], sub[128], p[200];
    struct od_logfile *lf;
    (void)state;
    snprintf(sub, sizeof sub, "%s/sub", dir);
    assert_int_equal(mkdir(sub, 0700), 0);
    snprintf(p, sizeof p, "%s/x.log", sub);
    lf = od_logfile_open(p, err, sizeof err);
    assert_non_null(lf);
    assert_int_equal(unlink(p), 0);
    assert_int_equal(rmdir(sub), 0);
    assert_int_equal(od_logfile_reopen(lf), ODAPI_E_IO);
    od_logfile_write(lf, "still fine"); /* to the unlinked file: no crash */
    od_logfile_close(lf);
}

static void log_fn_format(void **state)
{
    char err[256];
    struct od_logfile *lf = od_logfile_open(logpath, err, sizeof err);
    char *s;
    (void)state;
    assert_non_null(lf);
    od_logfile_log(lf, ODAPI_LOG_ERROR, "database lost");
    od_logfile_log(lf, ODAPI_LOG_VERBOSE, "two\nlines");
    od_logfile_close(lf);
    s = slurp(logpath, NULL);
    assert_non_null(strstr(s, " Error: database lost\n"));
    assert_non_null(strstr(s, " Verbose: two\\nlines\n"));
    assert_int_equal(s[4], '-');
    test_free(s);
}

/* ---- the access line ---------------------------------------------------- */

static char line[2048];

static size_t acc(const char *method, const char *uri, const char *key)
{
    size_t n = od_access_line(line, sizeof line, 1700000000, method, uri, 200,
                              1234, key, NULL);
    assert_int_equal(n, strlen(line));
    return n;
}

/* One line, printable ASCII, exactly two quotes. */
static void assert_one_line(void)
{
    const unsigned char *p = (const unsigned char *)line;
    int quotes = 0;
    for (; *p; p++) {
        if (*p < 0x20 || *p >= 0x7f)
            fail_msg("byte 0x%02x in access line: %s", *p, line);
        quotes += *p == '"';
    }
    assert_int_equal(quotes, 2);
}

static void access_line_format(void **state)
{
    (void)state;
    acc("GET", "/api/v1/patients?LName=Smith&Offset=0", "ab12CD");
    assert_one_line();
    assert_non_null(
        strstr(line, " \"GET /api/v1/patients?LName=Smith&Offset=0\" 200 "
                     "1.234ms key=ab12CD"));
    assert_true(line[4] == '-' && line[10] == 'T');
    acc("POST", "/api/v1/patients", NULL);
    assert_non_null(strstr(line, "\" 200 1.234ms key=-"));
    acc(NULL, NULL, "k\"ey<>");
    assert_non_null(strstr(line, " \"- \" 200 1.234ms key=key"));
    /* the request id last; what could break the line is dropped */
    od_access_line(line, sizeof line, 1700000000, "GET", "/x", 200, 1234,
                   "h", "abc-1.2:3");
    assert_non_null(strstr(line, "\" 200 1.234ms key=h id=abc-1.2:3"));
    od_access_line(line, sizeof line, 1700000000, "GET", "/x", 200, 1234,
                   "h", "a\" b\nc");
    assert_one_line();
    assert_non_null(strstr(line, " key=h id=abc"));
}

static void access_line_hides_secrets(void **state)
{
    (void)state;
    acc("GET",
           "/api/v1/queries/ShortQuery?SqlCommand=SELECT%20SECRET1&"
           "apikey=SECRET2&LName=Smith&Password=SECRET3;x-Auth-Token=SECRET4"
           "&customerKEY=SECRET5&%6Bey=SECRET6&my+pwd=SECRET7&secret=SECRET8"
           "&pass&Offset=10&CustomerKey=SECRET9",
           "hash");
    assert_one_line();
    assert_null(strstr(line, "SECRET"));
    assert_non_null(strstr(line, "SqlCommand=***&"));
    assert_non_null(strstr(line, "apikey=***&LName=Smith&Password=***;"));
    assert_non_null(strstr(line, "x-Auth-Token=***&customerKEY=***&"));
    assert_non_null(strstr(line, "%6Bey=***&my+pwd=***&secret=***&pass&"));
    assert_non_null(strstr(line, "Offset=10&CustomerKey=***\""));
    /* the path itself is kept */
    assert_non_null(strstr(line, "\"GET /api/v1/queries/ShortQuery?"));
}

static void access_line_odd_uris(void **state)
{
    static char uri[20000]; /* static: gcc -fsanitize misreads test_malloc sizes */
    size_t n;
    (void)state;
    acc("GET", "/api/v1/a\"b\\c\r\nX-Injected: 1\x01\xff?q=\"\n", "h");
    assert_one_line();
    assert_non_null(strstr(line, "a\\x22b\\x5cc\\x0d\\x0aX-Injected: 1"
                                 "\\x01\\xff?q=\\x22\\x0a\""));
    acc("G\nET", "/", "h");
    assert_one_line();
    assert_non_null(strstr(line, "\"G\\x0aET /\""));

    /* a long URI is cut, marked, and stays one line */
    memset(uri, 'a', 19999);
    uri[0] = '/';
    uri[19999] = '\0';
    n = acc("GET", uri, "h");
    assert_one_line();
    assert_true(n < OD_ACCESS_URI_MAX + 200);
    assert_non_null(strstr(line, "aaa...\" 200"));
    /* a long secret value is still hidden, whatever the cut */
    memcpy(uri, "/x?token=", 9);
    memset(uri + 9, 'S', 19990);
    acc("GET", uri, "h");
    assert_one_line();
    assert_null(strstr(line, "SS"));
    /* escapes are never cut in half */
    memset(uri, '\n', 19999);
    acc("GET", uri, "h");
    assert_one_line();
    assert_non_null(strstr(line, "\\x0a...\""));

}

static void access_line_small_buffer(void **state)
{
    char small[16];
    size_t need, n;
    (void)state;
    need = od_access_line(NULL, 0, 0, "GET", "/api/v1/x", 404, 0, "h", "r1");
    n = od_access_line(small, sizeof small, 0, "GET", "/api/v1/x", 404, 0,
                       "h", "r1");
    assert_int_equal(n, need);
    assert_true(need > sizeof small);
    assert_int_equal(strlen(small), sizeof small - 1);
    n = od_access_line(line, sizeof line, 0, "GET", "/api/v1/x", 404, 0, "h",
                       "r1");
    assert_int_equal(n, need);
    assert_int_equal(strncmp(line, small, sizeof small - 1), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(open_creates_0640_and_appends, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(open_failure_names_file, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(control_characters_stay_on_one_line,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(threads_never_interleave, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(reopen_after_rotation, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(reopen_failure_keeps_old_file, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(log_fn_format, setup, teardown),
        cmocka_unit_test(access_line_format),
        cmocka_unit_test(access_line_hides_secrets),
        cmocka_unit_test(access_line_odd_uris),
        cmocka_unit_test(access_line_small_buffer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
