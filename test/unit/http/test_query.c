/* test_query.c - lib/http/query.c: query strings as real clients send them
 * (spec 3.1): '+' and %20 are spaces, values are decoded exactly once, bad
 * escapes are kept as text, names match case-insensitively. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "http/server-internal.h"

static void empty_and_null(void **state)
{
    struct od_query q;
    (void)state;
    assert_int_equal(od_query_parse(&q, NULL), 0);
    assert_int_equal(q.n, 0);
    assert_null(od_query_get(&q, "a"));
    od_query_free(&q);
    assert_int_equal(od_query_parse(&q, ""), 0);
    assert_int_equal(q.n, 0);
    od_query_free(&q);
    /* empty pairs are skipped */
    assert_int_equal(od_query_parse(&q, "&&&"), 0);
    assert_int_equal(q.n, 0);
    od_query_free(&q);
}

static void plain_pairs(void **state)
{
    struct od_query q;
    (void)state;
    assert_int_equal(od_query_parse(&q, "LName=Smith&Offset=100&&PatNum=7"),
                     0);
    assert_int_equal(q.n, 3);
    assert_string_equal(od_query_get(&q, "LName"), "Smith");
    assert_string_equal(od_query_get(&q, "Offset"), "100");
    assert_string_equal(od_query_get(&q, "PatNum"), "7");
    assert_null(od_query_get(&q, "FName"));
    od_query_free(&q);
    assert_int_equal(q.n, 0);
    assert_null(q.buf);
}

static void names_case_insensitive(void **state)
{
    struct od_query q;
    (void)state;
    assert_int_equal(od_query_parse(&q, "lname=Smith&DATETSTAMP=2024-01-01"),
                     0);
    assert_string_equal(od_query_get(&q, "LName"), "Smith");
    assert_string_equal(od_query_get(&q, "LNAME"), "Smith");
    assert_string_equal(od_query_get(&q, "DateTStamp"), "2024-01-01");
    od_query_free(&q);
}

static void first_of_duplicates_wins(void **state)
{
    struct od_query q;
    (void)state;
    assert_int_equal(od_query_parse(&q, "a=1&A=2&a=3"), 0);
    assert_int_equal(q.n, 3);
    assert_string_equal(od_query_get(&q, "a"), "1");
    od_query_free(&q);
}

static void missing_value_is_empty(void **state)
{
    struct od_query q;
    (void)state;
    assert_int_equal(od_query_parse(&q, "flag&x=&=v&y==z"), 0);
    assert_int_equal(q.n, 4);
    assert_string_equal(od_query_get(&q, "flag"), "");
    assert_string_equal(od_query_get(&q, "x"), "");
    assert_string_equal(od_query_get(&q, ""), "v");
    assert_string_equal(od_query_get(&q, "y"), "=z");
    od_query_free(&q);
}

static void plus_and_pct20_are_spaces(void **state)
{
    struct od_query q;
    (void)state;
    assert_int_equal(od_query_parse(&q, "a=Good+day&b=Good%20day&c=+%20+"),
                     0);
    assert_string_equal(od_query_get(&q, "a"), "Good day");
    assert_string_equal(od_query_get(&q, "b"), "Good day");
    assert_string_equal(od_query_get(&q, "c"), "   ");
    od_query_free(&q);
    /* an encoded plus is a plus */
    assert_int_equal(od_query_parse(&q, "a=1%2B1"), 0);
    assert_string_equal(od_query_get(&q, "a"), "1+1");
    od_query_free(&q);
}

static void decoded_once(void **state)
{
    struct od_query q;
    (void)state;
    assert_int_equal(od_query_parse(&q, "a=%2520&b=%252B&c=%25&d=%2541"), 0);
    assert_string_equal(od_query_get(&q, "a"), "%20");
    assert_string_equal(od_query_get(&q, "b"), "%2B");
    assert_string_equal(od_query_get(&q, "c"), "%");
    assert_string_equal(od_query_get(&q, "d"), "%41");
    od_query_free(&q);
}

static void names_decoded(void **state)
{
    struct od_query q;
    (void)state;
    assert_int_equal(od_query_parse(&q, "L%4Eame=x&my+name=y&a%3Db=c"), 0);
    assert_string_equal(od_query_get(&q, "LName"), "x");
    assert_string_equal(od_query_get(&q, "my name"), "y");
    /* an encoded '=' is part of the name */
    assert_string_equal(od_query_get(&q, "a=b"), "c");
    /* an encoded '&' is part of the value */
    od_query_free(&q);
    assert_int_equal(od_query_parse(&q, "a=x%26b%3Dy"), 0);
    assert_int_equal(q.n, 1);
    assert_string_equal(od_query_get(&q, "a"), "x&b=y");
    od_query_free(&q);
}

static void utf8_and_hex_case(void **state)
{
    struct od_query q;
    (void)state;
    assert_int_equal(od_query_parse(&q, "n=J%C3%B6rg&m=J%c3%b6rg&r=\xc3\xb6"),
                     0);
    assert_string_equal(od_query_get(&q, "n"), "J\xc3\xb6rg");
    assert_string_equal(od_query_get(&q, "m"), "J\xc3\xb6rg");
    assert_string_equal(od_query_get(&q, "r"), "\xc3\xb6");
    od_query_free(&q);
}

static void bad_escapes_kept(void **state)
{
    struct od_query q;
    (void)state;
    assert_int_equal(od_query_parse(&q, "a=%&b=%4&c=%zz&d=%4g1&e=100%&f=%%41"),
                     0);
    assert_string_equal(od_query_get(&q, "a"), "%");
    assert_string_equal(od_query_get(&q, "b"), "%4");
    assert_string_equal(od_query_get(&q, "c"), "%zz");
    assert_string_equal(od_query_get(&q, "d"), "%4g1");
    assert_string_equal(od_query_get(&q, "e"), "100%");
    assert_string_equal(od_query_get(&q, "f"), "%A");
    od_query_free(&q);
}

static void encoded_nul_refused(void **state)
{
    struct od_query q;
    (void)state;
    /* a NUL would cut a value short and could drop a filter: refused */
    assert_int_equal(od_query_parse(&q, "a=x%00y&b=2"), -2);
    od_query_free(&q);
    assert_int_equal(od_query_parse(&q, "a%00=1"), -2);
    od_query_free(&q);
    assert_int_equal(od_query_parse(&q, "a=x%01y"), 0);
    assert_string_equal(od_query_get(&q, "a"), "x\001y");
    od_query_free(&q);
}

static void many_params(void **state)
{
    struct od_query q;
    char buf[1024] = "", name[16];
    int i;
    (void)state;
    for (i = 0; i < OD_MAX_QUERY; i++) {
        snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%sp%d=%d",
                 i ? "&" : "", i, i);
    }
    assert_int_equal(od_query_parse(&q, buf), 0);
    assert_int_equal(q.n, OD_MAX_QUERY);
    for (i = 0; i < OD_MAX_QUERY; i++) {
        char want[16];
        snprintf(name, sizeof name, "P%d", i);
        snprintf(want, sizeof want, "%d", i);
        assert_string_equal(od_query_get(&q, name), want);
    }
    od_query_free(&q);
    /* one more is refused (the server answers 400); free still works */
    strcat(buf, "&one=more");
    assert_int_equal(od_query_parse(&q, buf), -1);
    od_query_free(&q);
    /* empty pairs do not count */
    buf[strlen(buf) - strlen("&one=more")] = '\0';
    strcat(buf, "&&&&");
    assert_int_equal(od_query_parse(&q, buf), 0);
    assert_int_equal(q.n, OD_MAX_QUERY);
    od_query_free(&q);
}

static void url_decode_in_place(void **state)
{
    char s[64];
    (void)state;
    strcpy(s, "a+b%20c");
    assert_int_equal(od_url_decode(s, 0), 7 - 2);
    assert_string_equal(s, "a+b c");
    strcpy(s, "a+b%20c");
    assert_int_equal(od_url_decode(s, 1), 5);
    assert_string_equal(s, "a b c");
    /* the returned length counts past an encoded NUL */
    strcpy(s, "x%00y");
    assert_int_equal(od_url_decode(s, 0), 3);
    assert_int_equal(s[0], 'x');
    assert_int_equal(s[1], '\0');
    assert_int_equal(s[2], 'y');
    strcpy(s, "%FF%fe");
    assert_int_equal(od_url_decode(s, 0), 2);
    assert_int_equal((unsigned char)s[0], 0xFF);
    assert_int_equal((unsigned char)s[1], 0xFE);
    strcpy(s, "");
    assert_int_equal(od_url_decode(s, 1), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(empty_and_null),
        cmocka_unit_test(plain_pairs),
        cmocka_unit_test(names_case_insensitive),
        cmocka_unit_test(first_of_duplicates_wins),
        cmocka_unit_test(missing_value_is_empty),
        cmocka_unit_test(plus_and_pct20_are_spaces),
        cmocka_unit_test(decoded_once),
        cmocka_unit_test(names_decoded),
        cmocka_unit_test(utf8_and_hex_case),
        cmocka_unit_test(bad_escapes_kept),
        cmocka_unit_test(encoded_nul_refused),
        cmocka_unit_test(many_params),
        cmocka_unit_test(url_decode_in_place),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
