/* test_util.c - lib/core/util.c: od_json_quote (escapes, invalid UTF-8 as
 * U+FFFD, snprintf-like truncation), od_ct_equal, and the string helpers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    assert_int_equal(od_parse_ll(" -3 ", &v), 0);
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
    assert_true(od_valid_date("2024-05-01 23:59:59", 1));
    assert_false(od_valid_date("2024-05-01 24:00:00", 1));
    assert_false(od_valid_date("2024-05-01T10:00:00", 1));
    assert_false(od_valid_date("2024-05-01", 1));
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
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
