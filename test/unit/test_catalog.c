/* test_catalog.c - lib/db/catalog.c's text check: what a column of a given
 * type, length and character set holds unchanged (MariaDB in non-strict
 * mode would otherwise cut the value or store '?'). The catalog itself and
 * what statements need are checked against a real server by
 * test/integration/test_fullschema.py. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/odapi-internal.h"
#include "db/catalog-internal.h"

#define EMOJI "\xf0\x9f\x98\x80"   /* U+1F600 */
#define E_ACUTE "\xc3\xa9"          /* U+00E9 */
#define EURO "\xe2\x82\xac"         /* U+20AC */
#define YAMA "\xe5\xb1\xb1"         /* U+5C71 */

/* A column as information_schema describes it. */
static struct od_column col(const char *type, long long chars,
                            long long bytes, int charset, int bpc)
{
    struct od_column c;
    memset(&c, 0, sizeof c);
    c.table = "t";
    c.name = "c";
    c.type = type;
    c.max_chars = chars;
    c.max_bytes = bytes;
    c.charset = charset;
    c.bytes_per_char = bpc;
    return c;
}

static int fits(const struct od_column *c, const char *s)
{
    return od_column_text_fits(c, s, strlen(s));
}

static void utf8mb3_varchar(void **state)
{
    struct od_column c = col("varchar", 5, 15, OD_CS_BMP, 0);
    (void)state;
    assert_int_equal(fits(&c, "abcde"), OD_TEXT_OK);
    assert_int_equal(fits(&c, "abcdef"), OD_TEXT_LONG);
    /* characters, not bytes: five three-byte characters fit */
    assert_int_equal(fits(&c, YAMA YAMA EURO EURO E_ACUTE), OD_TEXT_OK);
    assert_int_equal(fits(&c, "a" EMOJI "b"), OD_TEXT_CHARSET);
    /* an emoji is refused for its charset even when also too long */
    assert_int_equal(fits(&c, "abcdef" EMOJI), OD_TEXT_CHARSET);
    assert_int_equal(fits(&c, ""), OD_TEXT_OK);
}

static void utf8mb4_takes_everything_that_fits(void **state)
{
    struct od_column c = col("varchar", 3, 12, OD_CS_ANY, 0);
    (void)state;
    assert_int_equal(fits(&c, EMOJI EMOJI EMOJI), OD_TEXT_OK);
    assert_int_equal(fits(&c, EMOJI EMOJI EMOJI EMOJI), OD_TEXT_LONG);
}

static void text_is_bytes(void **state)
{
    /* TEXT: 65535 bytes (CHARACTER_OCTET_LENGTH), whatever the chars */
    struct od_column c = col("text", 65535, 65535, OD_CS_BMP, 0);
    size_t n = 21845 * 3;
    char *s = malloc(n + 4), *p;
    (void)state;
    assert_non_null(s);
    for (p = s; p < s + n; p += 3)
        memcpy(p, EURO, 3);
    *p = '\0';
    assert_int_equal(fits(&c, s), OD_TEXT_OK); /* 65535 bytes */
    memcpy(p, EURO, 4);                        /* and one more */
    assert_int_equal(fits(&c, s), OD_TEXT_LONG);
    free(s);
}

static void latin1_is_cp1252(void **state)
{
    struct od_column c = col("varchar", 10, 10, OD_CS_LATIN1, 1);
    (void)state;
    assert_int_equal(fits(&c, "caf" E_ACUTE " " EURO), OD_TEXT_OK);
    assert_int_equal(fits(&c, YAMA), OD_TEXT_CHARSET);
    /* ten accented letters: 20 UTF-8 bytes, 10 latin1 bytes */
    assert_int_equal(fits(&c, E_ACUTE E_ACUTE E_ACUTE E_ACUTE E_ACUTE E_ACUTE
                              E_ACUTE E_ACUTE E_ACUTE E_ACUTE),
                     OD_TEXT_OK);
}

static void ascii_and_ucs2(void **state)
{
    struct od_column a = col("varchar", 10, 10, OD_CS_ASCII, 1);
    struct od_column u = col("varchar", 10, 20, OD_CS_BMP, 2);
    (void)state;
    assert_int_equal(fits(&a, "plain"), OD_TEXT_OK);
    assert_int_equal(fits(&a, E_ACUTE), OD_TEXT_CHARSET);
    assert_int_equal(fits(&u, YAMA), OD_TEXT_OK);
    assert_int_equal(fits(&u, EMOJI), OD_TEXT_CHARSET);
}

static void not_text_takes_anything(void **state)
{
    struct od_column n = col("bigint", -1, -1, OD_CS_ANY, 0);
    (void)state;
    assert_int_equal(fits(&n, EMOJI "123"), OD_TEXT_OK);
    assert_int_equal(od_column_text_fits(NULL, EMOJI, 4), OD_TEXT_OK);
}

static void room_for_appended_text(void **state)
{
    struct od_column c = col("text", 65535, 65535, OD_CS_BMP, 0);
    long long chars, bytes;
    (void)state;
    od_column_measure(&c, "ab" EURO, 5, &chars, &bytes);
    assert_int_equal(chars, 3);
    assert_int_equal(bytes, 5);
    assert_true(od_column_room(&c, 60000, 65535));
    assert_false(od_column_room(&c, 60000, 65536));
    assert_true(od_column_room(NULL, 1LL << 40, 1LL << 40));
}

static void the_shared_messages(void **state)
{
    char msg[128];
    (void)state;
    /* no catalog (no database known): passes, the statement decides */
    assert_int_equal(od_text_check(NULL, "patient", "LName", "LName",
                                   EMOJI, msg, sizeof msg), 0);
    od_absent_msg(msg, sizeof msg, "ShowInFrequency");
    assert_string_equal(msg, "ShowInFrequency is not available in this "
                             "database's Open Dental version.");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(utf8mb3_varchar),
        cmocka_unit_test(utf8mb4_takes_everything_that_fits),
        cmocka_unit_test(text_is_bytes),
        cmocka_unit_test(latin1_is_cp1252),
        cmocka_unit_test(ascii_and_ucs2),
        cmocka_unit_test(not_text_takes_anything),
        cmocka_unit_test(room_for_appended_text),
        cmocka_unit_test(the_shared_messages),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
