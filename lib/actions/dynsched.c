/* dynsched.c - the dynamic payment plan schedule of dynsched-internal.h. */
#include "actions/dynsched-internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

long od_iu_add_months(long day, int months);
void od_ck_day_str(long day, char out[11]);
long od_ck_day_num(const char *s);

/* ---- dates -------------------------------------------------------------- */

static int weekday(long day) /* 0 Sunday .. 6 Saturday */
{
    return (int)(((day % 7) + 7 + 4) % 7); /* 1970-01-01 was a Thursday */
}

static void ymd(long day, int *y, int *m, int *d)
{
    char s[11];
    od_ck_day_str(day, s);
    sscanf(s, "%4d-%2d-%2d", y, m, d);
}

static long first_of_month(long day)
{
    int y, m, d;
    ymd(day, &y, &m, &d);
    return day - (d - 1);
}

/* GetOrdinalOfMonth: the 1st..4th such weekday of its month (a 5th counts
 * as the 4th). */
static int ordinal_of_month(long day)
{
    int y, m, d;
    ymd(day, &y, &m, &d);
    if (d > 21)
        return 4;
    if (d > 14)
        return 3;
    if (d > 7)
        return 2;
    return 1;
}

long od_ds_period_day(long first, int period, int frequency)
{
    long month, start;
    int want, have;
    switch (frequency) {
    case DS_WEEKLY:
        return first + 7L * period;
    case DS_EVERYOTHERWEEK:
        return first + 14L * period;
    case DS_MONTHLY:
        return od_iu_add_months(first, period);
    case DS_QUARTERLY:
        return od_iu_add_months(first, 3 * period);
    default: /* the same ordinal weekday of each month */
        month = first_of_month(od_iu_add_months(first, period));
        want = weekday(first);
        have = weekday(month);
        start = month + (want >= have ? want - have : 7 - (have - want));
        return start + 7L * (ordinal_of_month(first) - 1);
    }
}

/* CalcPeriodRate */
static double period_rate(double apr, int frequency)
{
    if (apr == 0)
        return 0;
    switch (frequency) {
    case DS_WEEKLY:
        return apr / 100 / 52;
    case DS_EVERYOTHERWEEK:
        return apr / 100 / 26;
    case DS_QUARTERLY:
        return apr / 100 / 4;
    default:
        return apr / 100 / 12;
    }
}

long long od_ds_period_payment(double apr, int frequency, int count,
                            long long principal)
{
    double rate = period_rate(apr, frequency), exact;
    if (count < 1)
        return 0;
    if (apr == 0)
        exact = (double)principal / count;
    else
        exact = principal * rate / (1 - pow(1 + rate, -count));
    /* up to the cent: the last payment is never larger than the others */
    return (long long)ceil(exact - 1e-9);
}

/* ---- the production's order ---------------------------------------------- */

static int before(const struct ds_entry *x, const struct ds_entry *y)
{
    if (x->tp != y->tp)
        return !x->tp;
    if (x->day != y->day)
        return x->day < y->day;
    if (x->type != y->type)
        return x->type > y->type; /* procedures, then adjustments */
    return x->key < y->key;
}

void od_ds_sort(struct ds_entry *e, int n)
{
    int i, k;
    for (i = 1; i < n; i++) {
        struct ds_entry t = e[i];
        for (k = i; k > 0 && before(&t, &e[k - 1]); k--)
            e[k] = e[k - 1];
        e[k] = t;
    }
}

/* ---- the schedule -------------------------------------------------------- */

/* CalculatePrincipalAmountForPeriod */
static long long period_principal(long long left, long long payment,
                                  long long interest)
{
    long long p = left < payment - interest ? left : payment - interest;
    if (left + interest <= payment)
        p = left;
    return p;
}

static int first_left(const struct ds_entry *e, int n)
{
    int i;
    for (i = 0; i < n; i++)
        if (e[i].left > 0)
            return i;
    return -1;
}

/* GetForDownPayment: the down payment spread over the production in
 * order, dated the first payment's day or today, whichever is earlier. */
static int down_payment(const struct ds_terms *t, struct ds_entry *e, int n,
                        struct ds_charge *out)
{
    long long left = t->principal < t->down ? t->principal : t->down;
    long day = t->first < t->today ? t->first : t->today;
    int k = 0, i;
    while (left > 0 && k < DS_MAX_CHARGES && (i = first_left(e, n)) >= 0) {
        long long p = left < e[i].left ? left : e[i].left;
        out[k].entry = i;
        out[k].day = day;
        out[k].principal = p;
        out[k].interest = 0;
        out[k].down = 1;
        e[i].left -= p;
        left -= p;
        k++;
    }
    return k;
}

int od_ds_schedule(const struct ds_terms *t, struct ds_entry *e, int n,
                struct ds_charge *out)
{
    double rate = period_rate(t->apr, t->frequency);
    long long left = t->principal, prev;
    int i, k, period;
    for (i = 0; i < n; i++)
        e[i].left = e[i].cents;
    k = t->down ? down_payment(t, e, n, out) : 0;
    /* AwaitComplete: treatment planned production is not charged yet */
    for (i = 0; i < n; i++)
        if (t->tpoption == DS_TP_AWAITCOMPLETE && e[i].tp)
            left -= e[i].cents;
    left -= t->down;
    prev = left;
    for (period = 0; left > 0 && k < DS_MAX_CHARGES; period++) {
        long day = od_ds_period_day(t->first, period, t->frequency);
        long long interest = day >= t->interest_start
                                 ? (long long)rint(left * rate) : 0;
        long long principal = period_principal(left, t->payment, interest);
        long long paid = 0;
        if (principal < 0)
            return -1; /* the interest is more than the payment */
        if (principal == 0)
            break;
        if (left > prev && interest > 0)
            return -1;
        prev = left;
        while (paid != t->payment && principal > 0 && k < DS_MAX_CHARGES) {
            long long p;
            if ((i = first_left(e, n)) < 0)
                return k;
            if (e[i].tp && t->tpoption == DS_TP_AWAITCOMPLETE) {
                e[i].left = 0;
                continue;
            }
            p = principal < e[i].left ? principal : e[i].left;
            out[k].entry = i;
            out[k].day = day;
            out[k].principal = p;
            out[k].interest = paid ? 0 : interest;
            out[k].down = 0;
            e[i].left -= p;
            left -= p;
            principal -= p;
            paid += p;
            k++;
        }
    }
    return k;
}
