/* test_insest.c - the pure parts of issue 16's insurance rules, against
 * amounts computed by hand: coverage percentages (Benefits.GetPercent),
 * a claimproc's estimate with deductible and maximum
 * (ClaimProcs.ComputeBaseEst) and PPO write-off, and the dynamic payment
 * plan schedule (PayPlanEdit.GetListExpectedCharges, CalcNextPeriodDate,
 * CalculatePeriodPayment). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "actions/insest-internal.h"
#include "actions/dynsched-internal.h"

long od_ck_day_num(const char *s);

/* ---- estimates ----------------------------------------------------------- */

struct fees {
    long long code, sched;
    double amount;
};

static double fee_of(void *arg, long long code, long long sched,
                     long long clinic, long long prov)
{
    const struct fees *f = arg;
    (void)clinic;
    (void)prov;
    for (; f && f->code; f++)
        if (f->code == code && f->sched == sched)
            return f->amount;
    return -1;
}

static struct ie_cp new_cp(long long proc, int status)
{
    struct ie_cp cp;
    memset(&cp, 0, sizeof cp);
    cp.proc = proc;
    cp.plan = 10;
    cp.sub = 20;
    cp.status = status;
    cp.allowed_ovr = cp.copay_ovr = cp.ded_ovr = cp.est_ovr = -1;
    cp.paidother_ovr = cp.wo_ovr = cp.pct_ovr = -1;
    return cp;
}

static void percentages(void **state)
{
    struct ie_cat cats[2] = {{1, 0, 0}, {2, 1, 0}};
    struct ie_span spans[2] = {{1, "D2000", "D2999"}, {2, "D2700", "D2799"}};
    struct ie_benefit bens[4];
    struct ie_plan plan;
    struct ie_ctx x;
    (void)state;
    memset(bens, 0, sizeof bens);
    memset(&plan, 0, sizeof plan);
    memset(&x, 0, sizeof x);
    plan.plan = 10;
    plan.patplan = 30;
    bens[0] = (struct ie_benefit){.plan = 10, .type = IE_BT_COINSURANCE,
                                  .percent = 50};
    bens[1] = (struct ie_benefit){.plan = 10, .covcat = 1,
                                  .type = IE_BT_COINSURANCE, .percent = 80};
    bens[2] = (struct ie_benefit){.plan = 10, .covcat = 2,
                                  .type = IE_BT_COINSURANCE, .percent = 60};
    /* the patient plan's own benefit wins over the plan's */
    bens[3] = (struct ie_benefit){.patplan = 30, .code = 7,
                                  .codestr = "D2950",
                                  .type = IE_BT_COINSURANCE, .percent = 90};
    x.bens = bens;
    x.nbens = 4;
    x.cats = cats;
    x.ncats = 2;
    x.spans = spans;
    x.nspans = 2;
    assert_int_equal(od_ie_percent(&x, &plan, "D1110"), 50);
    assert_int_equal(od_ie_percent(&x, &plan, "D2391"), 80);
    /* two categories match: the later one (larger CovOrder) */
    assert_int_equal(od_ie_percent(&x, &plan, "D2740"), 60);
    assert_int_equal(od_ie_percent(&x, &plan, "D2950"), 90);
    plan.type = 'f';
    assert_int_equal(od_ie_percent(&x, &plan, "D1110"), 100);
}

/* 80% of a $250 PPO procedure whose PPO fee is $200, $50 deductible,
 * $100 left of a $1000 maximum (history of 900): allowed 200, (200-50) x
 * 80% = 120 capped at 100; base 160; write-off 250 - 200 = 50. */
static void ppo_estimate(void **state)
{
    struct ie_plan plan;
    struct ie_benefit bens[3];
    struct ie_hist hist[1];
    struct fees fees[] = {{5, 3, 200}, {0, 0, 0}};
    struct ie_proc p;
    struct ie_cp cp;
    struct ie_ctx x;
    (void)state;
    memset(&x, 0, sizeof x);
    memset(&plan, 0, sizeof plan);
    memset(bens, 0, sizeof bens);
    memset(hist, 0, sizeof hist);
    memset(&p, 0, sizeof p);
    plan = (struct ie_plan){.plan = 10, .sub = 20, .patplan = 30,
                            .ordinal = 1, .type = 'p', .feesched = 3};
    bens[0] = (struct ie_benefit){.plan = 10, .type = IE_BT_COINSURANCE,
                                  .percent = 80};
    bens[1] = (struct ie_benefit){.plan = 10, .type = IE_BT_DEDUCTIBLE,
                                  .amt = 50, .period = IE_TP_CALENDARYEAR,
                                  .level = 1};
    bens[2] = (struct ie_benefit){.plan = 10, .type = IE_BT_LIMITATIONS,
                                  .amt = 1000, .period = IE_TP_CALENDARYEAR,
                                  .level = 1};
    x.today = od_ck_day_num("2024-06-01");
    hist[0] = (struct ie_hist){.pat = 1, .plan = 10, .sub = 20,
                               .code = "D1110", .status = IE_RECEIVED,
                               .day = od_ck_day_num("2024-02-01"),
                               .amount = 900, .deduct = 0};
    x.pat = 1;
    x.plans = &plan;
    x.nplans = 1;
    x.bens = bens;
    x.nbens = 3;
    x.hist = hist;
    x.nhist = 1;
    x.fee = fee_of;
    x.fee_arg = fees;
    p = (struct ie_proc){.num = 100, .pat = 1, .codenum = 5, .code = "D2740",
                         .fee = 250, .qty = 1,
                         .day = od_ck_day_num("2024-05-05")};
    cp = new_cp(100, IE_NOTRECEIVED);
    cp.day = p.day;
    od_ie_compute_proc(&x, &p, &cp, 1);
    assert_true(cp.base_est == 160);
    assert_true(cp.ded_est == 50);
    assert_true(cp.ins_est == 100);
    assert_true(cp.ins_pay_est == 100);
    assert_true(cp.wo_est == 50);
    assert_int_equal(cp.pct, 80);
    assert_string_equal(cp.note, "Over annual max");
    /* the loop list now holds it: a second one has nothing left */
    assert_int_equal(x.nloop, 1);
    free(x.loop);
}

/* ---- dynamic payment plans ----------------------------------------------- */

static void period_days(void **state)
{
    long jan10 = od_ck_day_num("2024-01-10"); /* the 2nd Wednesday */
    long jan31 = od_ck_day_num("2024-01-31");
    (void)state;
    assert_int_equal(od_ds_period_day(jan10, 1, DS_ORDINALWEEKDAY),
                     od_ck_day_num("2024-02-14"));
    assert_int_equal(od_ds_period_day(jan10, 2, DS_ORDINALWEEKDAY),
                     od_ck_day_num("2024-03-13"));
    assert_int_equal(od_ds_period_day(jan31, 1, DS_MONTHLY),
                     od_ck_day_num("2024-02-29"));
    assert_int_equal(od_ds_period_day(jan31, 2, DS_MONTHLY),
                     od_ck_day_num("2024-03-31"));
    assert_int_equal(od_ds_period_day(jan10, 2, DS_EVERYOTHERWEEK),
                     od_ck_day_num("2024-02-07"));
    assert_int_equal(od_ds_period_day(jan31, 1, DS_QUARTERLY),
                     od_ck_day_num("2024-04-30"));
}

static void period_payment(void **state)
{
    (void)state;
    /* 1200 at 1% a month over 12: 106.6185... rounded up */
    assert_int_equal(od_ds_period_payment(12, DS_MONTHLY, 12, 120000), 10662);
    assert_int_equal(od_ds_period_payment(0, DS_MONTHLY, 3, 45000), 15000);
    assert_int_equal(od_ds_period_payment(0, DS_MONTHLY, 3, 10000), 3334);
}

/* $100 complete and $70 treatment planned, $30 down, $50 a month,
 * AwaitComplete: the down payment takes 30 of the complete procedure,
 * then 50 and 20 of it; the planned one waits. */
static void schedule(void **state)
{
    struct ds_entry e[2];
    struct ds_charge ch[DS_MAX_CHARGES];
    struct ds_terms t;
    int n;
    (void)state;
    memset(e, 0, sizeof e);
    e[0] = (struct ds_entry){.type = DS_LINK_PROCEDURE, .key = 2, .tp = 1,
                             .day = od_ck_day_num("2024-01-01"), .cents = 7000};
    e[1] = (struct ds_entry){.type = DS_LINK_PROCEDURE, .key = 1,
                             .day = od_ck_day_num("2024-01-05"), .cents = 10000};
    od_ds_sort(e, 2);
    assert_int_equal(e[0].key, 1); /* complete production first */
    memset(&t, 0, sizeof t);
    t.principal = 17000;
    t.down = 3000;
    t.payment = 5000;
    t.frequency = DS_MONTHLY;
    t.tpoption = DS_TP_AWAITCOMPLETE;
    t.first = od_ck_day_num("2024-03-01");
    t.today = od_ck_day_num("2024-06-01");
    t.interest_start = -999999;
    n = od_ds_schedule(&t, e, 2, ch);
    assert_int_equal(n, 3);
    assert_true(ch[0].down && ch[0].principal == 3000 && ch[0].entry == 0);
    assert_int_equal(ch[0].day, od_ck_day_num("2024-03-01"));
    assert_true(!ch[1].down && ch[1].principal == 5000);
    assert_true(ch[2].principal == 2000 &&
                ch[2].day == od_ck_day_num("2024-04-01"));
    /* a payment below the interest never pays off */
    t.down = 0;
    t.tpoption = DS_TP_NONE;
    t.apr = 120;
    t.payment = 100;
    assert_int_equal(od_ds_schedule(&t, e, 2, ch), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(percentages),
        cmocka_unit_test(ppo_estimate),
        cmocka_unit_test(period_days),
        cmocka_unit_test(period_payment),
        cmocka_unit_test(schedule),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
