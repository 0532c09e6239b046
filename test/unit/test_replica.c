/* test_replica.c - the GTID positions read replicas are measured by
 * (lib/db/replica.c, docs/scale-out.md "How lag is measured"). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>

#include "db/replica-internal.h"

static struct od_gtid_pos parse(const char *s)
{
    struct od_gtid_pos p;
    assert_int_equal(od_gtid_parse(s, &p), 0);
    return p;
}

static void parses_lists(void **state)
{
    struct od_gtid_pos p = parse("0-1-100,1-2-5");
    (void)state;
    assert_int_equal(p.n, 2);
    assert_int_equal(p.d[0].dom, 0);
    assert_int_equal(p.d[0].seq, 100);
    assert_int_equal(p.d[1].dom, 1);
    assert_int_equal(p.d[1].seq, 5);
    p = parse("");
    assert_int_equal(p.n, 0);
    p = parse("0-1-7, 3-1-9\n");
    assert_int_equal(p.n, 2);
    assert_int_equal(p.d[1].seq, 9);
}

static void refuses_garbage(void **state)
{
    struct od_gtid_pos p;
    (void)state;
    assert_int_equal(od_gtid_parse("0-1", &p), -1);
    assert_int_equal(od_gtid_parse("a-1-2", &p), -1);
    assert_int_equal(od_gtid_parse("0-1-2;", &p), -1);
    assert_int_equal(od_gtid_parse("0-1-99999999999999999999999", &p), -1);
}

static void covers_per_domain(void **state)
{
    struct od_gtid_pos prim = parse("0-1-100,1-2-5");
    struct od_gtid_pos a;
    (void)state;
    a = parse("0-1-100,1-2-5");
    assert_true(od_gtid_covers(&a, &prim));
    a = parse("1-2-6,0-3-101"); /* any order; another server id */
    assert_true(od_gtid_covers(&a, &prim));
    a = parse("0-1-99,1-2-5"); /* one transaction behind */
    assert_false(od_gtid_covers(&a, &prim));
    a = parse("0-1-100"); /* lacks a domain */
    assert_false(od_gtid_covers(&a, &prim));
    a = parse("");
    assert_false(od_gtid_covers(&a, &prim));
    prim = parse(""); /* a primary that wrote nothing yet */
    assert_true(od_gtid_covers(&a, &prim));
}

static void too_many_domains_never_cover(void **state)
{
    char big[2048];
    size_t n = 0;
    int i;
    struct od_gtid_pos p;
    (void)state;
    for (i = 0; i < OD_GTID_DOMAINS + 1; i++)
        n += (size_t)snprintf(big + n, sizeof big - n, "%s%d-1-1",
                              i ? "," : "", i);
    p = parse(big);
    assert_true(p.overflow);
    assert_false(od_gtid_covers(&p, &p));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parses_lists),
        cmocka_unit_test(refuses_garbage),
        cmocka_unit_test(covers_per_domain),
        cmocka_unit_test(too_many_domains_never_cover),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
