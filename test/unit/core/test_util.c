/* test_util.c - lib/core/util.c: od_json_quote (escapes, invalid UTF-8 as
 * U+FFFD, snprintf-like truncation), od_ct_equal, and the string helpers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "core/odapi-internal.h"

#define FFFD "\xef\xbf\xbd"

/* Quote s into a roomy buffer and check the result and the length. */
static void quotes_to(const char *s, const char *want)
{
    char buf[256];
    size_t n = od_json_quote(buf, sizeof buf, s);
    assert_string_equal(buf, want);
    assert_int_equal(n, strlen(want));
}

static void plain_text(void **state)
{
    (void)state;
    quotes_to("", "\"\"");
    quotes_to("Patient not found.", "\"Patient not found.\"");
    /* '/' and DEL need no escape */
    quotes_to("a/b\x7f", "\"a/b\x7f\"");
}

static void escapes(void **state)
{
    (void)state;
    quotes_to("say \"hi\"", "\"say \\\"hi\\\"\"");
    quotes_to("C:\\x", "\"C:\\\\x\"");
    quotes_to("a\nb\rc\td", "\"a\\nb\\rc\\td\"");
    quotes_to("\x01\x08\x0c\x1f", "\"\\u0001\\u0008\\u000c\\u001f\"");
    quotes_to("\x1b[31m", "\"\\u001b[31m\"");
}

static void valid_utf8_kept(void **state)
{
    (void)state;
    quotes_to("J\xc3\xb6rg", "\"J\xc3\xb6rg\"");                /* 2 bytes */
    quotes_to("\xe2\x82\xac 5", "\"\xe2\x82\xac 5\"");          /* 3 bytes */
    quotes_to("\xf0\x9f\xa6\xb7", "\"\xf0\x9f\xa6\xb7\"");      /* 4 bytes */
    quotes_to("\xf4\x8f\xbf\xbf", "\"\xf4\x8f\xbf\xbf\"");      /* U+10FFFF */
    quotes_to("\xed\x9f\xbf", "\"\xed\x9f\xbf\"");              /* U+D7FF */
    quotes_to("\xef\xbf\xbd", "\"\xef\xbf\xbd\"");              /* U+FFFD */
}

static void invalid_utf8_replaced(void **state)
{
    (void)state;
    quotes_to("\x80", "\"" FFFD "\"");                 /* lone continuation */
    quotes_to("a\xff" "b", "\"a" FFFD "b\"");            /* never valid */
    quotes_to("\xc0\xaf", "\"" FFFD FFFD "\"");        /* overlong '/' */
    quotes_to("\xc1\xbf", "\"" FFFD FFFD "\"");        /* overlong */
    quotes_to("\xe0\x80\xaf", "\"" FFFD FFFD FFFD "\""); /* overlong 3 */
    quotes_to("\xf0\x80\x80\xaf", "\"" FFFD FFFD FFFD FFFD "\"");
    quotes_to("\xed\xa0\x80", "\"" FFFD FFFD FFFD "\"");   /* surrogate */
    quotes_to("\xf4\x90\x80\x80", "\"" FFFD FFFD FFFD FFFD "\""); /* >10FFFF */
    quotes_to("\xf5\x80\x80\x80", "\"" FFFD FFFD FFFD FFFD "\"");
    /* a sequence cut short by the end, or by an ASCII byte */
    quotes_to("ab\xc3", "\"ab" FFFD "\"");
    quotes_to("\xe2\x82", "\"" FFFD FFFD "\"");
    quotes_to("\xe2\x82" "A", "\"" FFFD FFFD "A\"");
    quotes_to("\xc3\"", "\"" FFFD "\\\"\"");
    /* the output is always valid UTF-8 JSON, also for Latin-1 input */
    quotes_to("Ren\xe9", "\"Ren" FFFD "\"");
}

static void truncation(void **state)
{
    char buf[8];
    size_t n;
    (void)state;
    /* like snprintf: returns the length needed, writes a NUL-terminated
     * prefix of at most cap - 1 bytes */
    n = od_json_quote(buf, sizeof buf, "abcdefghij");
    assert_int_equal(n, 12);
    assert_string_equal(buf, "\"abcdef");
    n = od_json_quote(buf, 1, "abc");
    assert_int_equal(n, 5);
    assert_string_equal(buf, "");
    /* cap 0 writes nothing, not even the NUL */
    memset(buf, 'x', sizeof buf);
    n = od_json_quote(buf, 0, "abc");
    assert_int_equal(n, 5);
    assert_int_equal(buf[0], 'x');
    assert_int_equal(od_json_quote(NULL, 0, "a\"b"), 6);
    /* exactly enough room */
    n = od_json_quote(buf, 6, "abc");
    assert_int_equal(n, 5);
    assert_string_equal(buf, "\"abc\"");
    n = od_json_quote(buf, 5, "abc");
    assert_int_equal(n, 5);
    assert_string_equal(buf, "\"abc");
    /* the needed length counts escapes and replacements */
    assert_int_equal(od_json_quote(NULL, 0, "\x01"), 8);
    assert_int_equal(od_json_quote(NULL, 0, "\xff"), 5);
    /* a cut may fall inside an escape: the prefix is bytes, and callers
     * that need a whole string retry with the returned size + 1 */
    n = od_json_quote(buf, 4, "\x01");
    assert_int_equal(n, 8);
    assert_string_equal(buf, "\"\\u");
}

static void retry_with_needed_size(void **state)
{
    char small[4], *big;
    const char *s = "line\none \"two\" \xc3\xa9\xff";
    size_t n = od_json_quote(small, sizeof small, s);
    (void)state;
    big = malloc(n + 1);
    assert_non_null(big);
    assert_int_equal(od_json_quote(big, n + 1, s), n);
    assert_int_equal(strlen(big), n);
    assert_string_equal(big, "\"line\\none \\\"two\\\" \xc3\xa9" FFFD "\"");
    free(big);
}

static void ct_equal(void **state)
{
    (void)state;
    assert_true(od_ct_equal("abc", 3, "abc", 3));
    assert_false(od_ct_equal("abc", 3, "abd", 3));
    assert_false(od_ct_equal("abc", 3, "xbc", 3));
    assert_false(od_ct_equal("abc", 3, "abcd", 4));
    assert_false(od_ct_equal("abcd", 4, "abc", 3));
    assert_false(od_ct_equal("abc", 3, "ab", 2));
    assert_true(od_ct_equal("", 0, "", 0));
    assert_false(od_ct_equal("", 0, "a", 1));
    /* lengths count, not NULs: "a\0" is not "a" */
    assert_false(od_ct_equal("a\0", 2, "a", 1));
    assert_true(od_ct_equal("a\0b", 3, "a\0b", 3));
    assert_false(od_ct_equal("a\0b", 3, "a\0c", 3));
    /* high bytes compare as bytes */
    assert_false(od_ct_equal("\x80", 1, "\x00", 1));
    assert_true(od_ct_equal("\xff\xfe", 2, "\xff\xfe", 2));
}

static void string_helpers(void **state)
{
    char *s, *d = NULL;
    int oom = 0;
    (void)state;
    assert_null(od_strdup0(NULL, &oom));
    assert_int_equal(oom, 0);
    s = od_strdup0("abc", &oom);
    assert_string_equal(s, "abc");
    assert_int_equal(oom, 0);
    free(s);
    s = od_strdup0("x", NULL);
    assert_string_equal(s, "x");
    free(s);

    assert_int_equal(od_set_str(&d, "one"), ODAPI_OK);
    assert_string_equal(d, "one");
    assert_int_equal(od_set_str(&d, "two"), ODAPI_OK);
    assert_string_equal(d, "two");
    assert_int_equal(od_set_str(&d, NULL), ODAPI_OK);
    assert_null(d);
}

static void monotonic_clock(void **state)
{
    uint64_t a = od_now_ms(), b = od_now_ms();
    (void)state;
    assert_true(a > 0);
    assert_true(b >= a);
}

static void numbers_and_dates(void **state)
{
    long long v = 7;
    (void)state;
    assert_int_equal(od_parse_ll("42", &v), 0);
    assert_int_equal(v, 42);
    assert_int_equal(od_parse_ll("-3", &v), 0);
    assert_int_equal(v, -3);
    assert_int_equal(od_parse_ll("", &v), -1);
    assert_int_equal(od_parse_ll(NULL, &v), -1);
    assert_int_equal(od_parse_ll("4x", &v), -1);
    assert_int_equal(od_parse_ll("99999999999999999999", &v), -1);
    assert_int_equal(v, -3); /* untouched on failure */

    assert_true(od_valid_date("2024-02-29", 0));
    assert_false(od_valid_date("2023-02-29", 0));
    assert_false(od_valid_date("1900-02-29", 0));
    assert_true(od_valid_date("2000-02-29", 0));
    assert_false(od_valid_date("2024-13-01", 0));
    assert_false(od_valid_date("2024-1-01", 0));
    assert_false(od_valid_date("02/03/2024", 0));
    /* sscanf's %d took these: a sign or a space in a field */
    assert_false(od_valid_date("2024-+1-01", 0));
    assert_false(od_valid_date("2024- 1-01", 0));
    assert_false(od_valid_date(" 024-01-01", 0));
    assert_false(od_valid_date("2024-01-01 +1:00:00", 1));
    assert_false(od_valid_date("2024-01-01", 1));
    assert_false(od_valid_date("2024-01-01 00:00:00", 0));
    assert_true(od_valid_time("23:59:59"));
    assert_false(od_valid_time("24:00:00"));
    assert_false(od_valid_time(" 1:00:00"));
    assert_false(od_valid_time("+1:00:00"));
    assert_false(od_valid_time("1:00:00"));
    assert_false(od_valid_time("01:00:00 "));
    assert_true(od_valid_date("2024-05-01 23:59:59", 1));
    assert_false(od_valid_date("2024-05-01 24:00:00", 1));
    assert_false(od_valid_date("2024-05-01T10:00:00", 1));
    assert_false(od_valid_date("2024-05-01", 1));
}

/* Strict numbers (issue 14): what strtoll/strtod let through is refused. */
static void strict_integers(void **state)
{
    static const char *bad[] = {
        "", " 12", "12 ", "\t1", "1\n", "+5", "0x10", "0X1f", "1e3", "1.0",
        "12abc", "--1", "-", "- 1", "1-", "\xef\xbc\x91", /* fullwidth 1 */
        "9223372036854775808", "-9223372036854775809",
        "99999999999999999999", "1,000", "1_000", NULL};
    long long v = 7;
    int i;
    (void)state;
    for (i = 0; bad[i]; i++) {
        if (od_parse_ll(bad[i], &v) != -1)
            fail_msg("od_parse_ll accepted \"%s\"", bad[i]);
        assert_int_equal(v, 7); /* untouched on failure */
    }
    assert_int_equal(od_parse_ll(NULL, &v), -1);
    assert_int_equal(od_parse_ll("0", &v), 0);
    assert_int_equal(v, 0);
    assert_int_equal(od_parse_ll("-0", &v), 0);
    assert_int_equal(v, 0);
    assert_int_equal(od_parse_ll("007", &v), 0);
    assert_int_equal(v, 7);
    assert_int_equal(od_parse_ll("-12", &v), 0);
    assert_int_equal(v, -12);
    assert_int_equal(od_parse_ll("9223372036854775807", &v), 0);
    assert_true(v == 9223372036854775807LL);
    assert_int_equal(od_parse_ll("-9223372036854775808", &v), 0);
    assert_true(v == -9223372036854775807LL - 1);
}

static void strict_keys(void **state)
{
    static const char *bad[] = {
        "", "+5", "-5", "-0", "05", "0005", "00", "5 ", " 5", "5%20", "0x5",
        "5.0", "1e2", "9223372036854775808", NULL};
    long long v = 7;
    int i;
    (void)state;
    for (i = 0; bad[i]; i++) {
        if (od_parse_key(bad[i], &v) != -1)
            fail_msg("od_parse_key accepted \"%s\"", bad[i]);
        assert_int_equal(v, 7);
    }
    assert_int_equal(od_parse_key(NULL, &v), -1);
    assert_int_equal(od_parse_key("0", &v), 0);
    assert_int_equal(v, 0);
    assert_int_equal(od_parse_key("5", &v), 0);
    assert_int_equal(v, 5);
    assert_int_equal(od_parse_key("10", &v), 0);
    assert_int_equal(v, 10);
    assert_int_equal(od_parse_key("9223372036854775807", &v), 0);
    assert_true(v == 9223372036854775807LL);
}

static void strict_decimals(void **state)
{
    static const char *bad[] = {
        "", " 12", "12 ", "+1", "0x10", "0x1p4", "1e3", "1E3", "1.5e2",
        "inf", "-inf", "nan", "NaN", "infinity", ".5", "5.", "-.5", "1..2",
        "1.2.3", "1,5", "--1", "-", "12abc", NULL};
    double d = 7;
    char huge[400];
    int i;
    (void)state;
    for (i = 0; bad[i]; i++) {
        if (od_parse_decimal(bad[i], &d) != -1)
            fail_msg("od_parse_decimal accepted \"%s\"", bad[i]);
        assert_true(d == 7);
    }
    assert_int_equal(od_parse_decimal(NULL, &d), -1);
    /* 1 followed by 399 zeros: digits only, but not a finite double */
    memset(huge, '0', sizeof huge - 1);
    huge[0] = '1';
    huge[sizeof huge - 1] = '\0';
    assert_int_equal(od_parse_decimal(huge, &d), -1);
    assert_int_equal(od_parse_decimal("12", &d), 0);
    assert_true(d == 12);
    assert_int_equal(od_parse_decimal("-0.5", &d), 0);
    assert_true(d == -0.5);
    assert_int_equal(od_parse_decimal("339.10", &d), 0);
    assert_true(d == 339.1);
    assert_int_equal(od_parse_decimal("007.25", &d), 0);
    assert_true(d == 7.25);
}

static void strict_key_lists(void **state)
{
    static const char *bad[] = {
        "", ",", "1,", ",1", "1,,2", "1 2", "1;2", "+1", "-1", "01", "1,x",
        "0x1", "1, ", NULL};
    long long k[4];
    size_t n = 9;
    int i;
    (void)state;
    for (i = 0; bad[i]; i++)
        if (od_parse_key_list(bad[i], k, 4, &n) != -1)
            fail_msg("od_parse_key_list accepted \"%s\"", bad[i]);
    assert_int_equal(od_parse_key_list(NULL, k, 4, &n), -1);
    assert_int_equal(od_parse_key_list("1,2, 3 ,4", k, 4, &n), 0);
    assert_int_equal(n, 4);
    assert_true(k[0] == 1 && k[1] == 2 && k[2] == 3 && k[3] == 4);
    assert_int_equal(od_parse_key_list(" 7 ", k, 4, &n), 0);
    assert_int_equal(n, 1);
    assert_true(k[0] == 7);
    /* more than max */
    assert_int_equal(od_parse_key_list("1,2,3,4,5", k, 4, &n), -1);
}

/* od_deadline_ms: ms from now on the wall clock, nanoseconds carried
 * into seconds (pthread_cond_timedwait refuses tv_nsec >= 1e9). */
static void deadlines(void **state)
{
    static const long ms[] = {0, 1, 999, 1000, 1500, 61999};
    size_t i;
    (void)state;
    for (i = 0; i < sizeof ms / sizeof ms[0]; i++) {
        struct timespec before, at, after;
        long long lo, hi, got;
        clock_gettime(CLOCK_REALTIME, &before);
        od_deadline_ms(ms[i], &at);
        clock_gettime(CLOCK_REALTIME, &after);
        assert_true(at.tv_nsec >= 0 && at.tv_nsec < 1000000000L);
        lo = before.tv_sec * 1000000000LL + before.tv_nsec + ms[i] * 1000000LL;
        hi = after.tv_sec * 1000000000LL + after.tv_nsec + ms[i] * 1000000LL;
        got = at.tv_sec * 1000000000LL + at.tv_nsec;
        assert_true(got >= lo && got <= hi);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(plain_text),
        cmocka_unit_test(escapes),
        cmocka_unit_test(valid_utf8_kept),
        cmocka_unit_test(invalid_utf8_replaced),
        cmocka_unit_test(truncation),
        cmocka_unit_test(retry_with_needed_size),
        cmocka_unit_test(ct_equal),
        cmocka_unit_test(string_helpers),
        cmocka_unit_test(monotonic_clock),
        cmocka_unit_test(numbers_and_dates),
        cmocka_unit_test(strict_integers),
        cmocka_unit_test(strict_keys),
        cmocka_unit_test(strict_decimals),
        cmocka_unit_test(strict_key_lists),
        cmocka_unit_test(deadlines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
