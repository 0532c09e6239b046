/* test_ratelog.c - lib/core/ratelog.c: a repeating message is written once,
 * then at most once per interval with the count left out; a new message
 * and a cleared condition are written at once. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/ratelog-internal.h"

static void repeats_are_counted_not_written(void **state)
{
    struct od_ratelog rl;
    unsigned long rep = 99;
    uint64_t t = 1000000;
    int i, written = 0;
    (void)state;
    od_ratelog_init(&rl, 60000);
    assert_true(od_ratelog_due(&rl, "no table", t, &rep));
    assert_int_equal(rep, 0);
    /* four times a second for 59 s: nothing written */
    for (i = 1; i < 4 * 59; i++)
        written += od_ratelog_due(&rl, "no table", t + 250u * (unsigned)i,
                                  &rep);
    assert_int_equal(written, 0);
    /* the interval is over: one line, with the count */
    assert_true(od_ratelog_due(&rl, "no table", t + 60000, &rep));
    assert_int_equal(rep, 4 * 59 - 1);
    assert_false(od_ratelog_due(&rl, "no table", t + 60001, &rep));
    od_ratelog_destroy(&rl);
}

static void a_new_message_is_written_at_once(void **state)
{
    struct od_ratelog rl;
    unsigned long rep;
    (void)state;
    od_ratelog_init(&rl, 60000);
    assert_true(od_ratelog_due(&rl, "a", 10, &rep));
    assert_false(od_ratelog_due(&rl, "a", 20, &rep));
    assert_true(od_ratelog_due(&rl, "b", 30, &rep));
    assert_int_equal(rep, 0); /* the count belongs to "a" */
    assert_false(od_ratelog_due(&rl, "b", 40, &rep));
    od_ratelog_destroy(&rl);
}

static void clear_makes_the_next_one_news(void **state)
{
    struct od_ratelog rl;
    unsigned long rep;
    (void)state;
    od_ratelog_init(&rl, 60000);
    assert_int_equal(od_ratelog_clear(&rl), 0);
    assert_true(od_ratelog_due(&rl, "down", 10, &rep));
    assert_false(od_ratelog_due(&rl, "down", 20, &rep));
    assert_int_equal(od_ratelog_clear(&rl), 1);
    assert_true(od_ratelog_due(&rl, "down", 30, &rep));
    assert_int_equal(rep, 0);
    od_ratelog_destroy(&rl);
}

static char lines[8][1100];
static int nlines;

static void capture(void *arg, odapi_log_level level, const char *msg)
{
    (void)arg;
    (void)level;
    if (nlines < 8)
        snprintf(lines[nlines], sizeof lines[0], "%s", msg);
    nlines++;
}

static void writes_through_the_logger(void **state)
{
    struct od_ratelog rl = OD_RATELOG_INIT(0);
    struct od_logger lg = {capture, NULL, ODAPI_LOG_INFO};
    (void)state;
    nlines = 0;
    /* interval 0: every call is due; the repeat count is then always 0 */
    assert_int_equal(od_ratelog(&rl, &lg, ODAPI_LOG_ERROR, "x %d", 1), 1);
    assert_int_equal(nlines, 1);
    assert_string_equal(lines[0], "x 1");
    /* a level the logger does not keep is neither written nor counted */
    assert_int_equal(od_ratelog(&rl, &lg, ODAPI_LOG_VERBOSE, "x %d", 1), 0);
    assert_int_equal(nlines, 1);
    rl.interval_ms = 3600000;
    assert_int_equal(od_ratelog(&rl, &lg, ODAPI_LOG_ERROR, "x %d", 1), 0);
    assert_int_equal(od_ratelog(&rl, &lg, ODAPI_LOG_ERROR, "x %d", 1), 0);
    rl.last_ms = 0; /* pretend the hour is over */
    rl.interval_ms = 1;
    assert_int_equal(od_ratelog(&rl, &lg, ODAPI_LOG_ERROR, "x %d", 1), 1);
    assert_int_equal(nlines, 2);
    assert_string_equal(lines[1], "x 1 (2 more times since the last report)");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(repeats_are_counted_not_written),
        cmocka_unit_test(a_new_message_is_written_at_once),
        cmocka_unit_test(clear_makes_the_next_one_news),
        cmocka_unit_test(writes_through_the_logger),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
