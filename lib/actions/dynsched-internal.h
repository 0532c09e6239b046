/*
 * dynsched-internal.h - the charge schedule of a dynamic payment plan, as
 * Open Dental computes it (branch 24_3, OpenDentBusiness/Db Multi Table/
 * PayPlanEdit.cs GetListExpectedCharges, CalcNextPeriodDate,
 * CalcPeriodRate, CalculatePeriodPayment; PayPlanCharges.cs
 * GetForDownPayment; PayPlanProductionEntry.cs for the production's
 * order). Money is in cents, so a schedule adds up to the cent. Pure
 * functions: dynpayplan.c reads the inputs and writes the charges.
 */
#ifndef ODAPI_ACTIONS_DYNSCHED_INTERNAL_H
#define ODAPI_ACTIONS_DYNSCHED_INTERNAL_H

#define DS_MAX_CHARGES 2000 /* Open Dental's ceiling too */

/* PayPlanFrequency */
enum { DS_WEEKLY = 0, DS_EVERYOTHERWEEK = 1, DS_ORDINALWEEKDAY = 2,
       DS_MONTHLY = 3, DS_QUARTERLY = 4 };
/* DynamicPayPlanTPOptions */
enum { DS_TP_NONE = 0, DS_TP_AWAITCOMPLETE = 1, DS_TP_TREATASCOMPLETE = 2 };
/* PayPlanLinkType */
enum { DS_LINK_ADJUSTMENT = 1, DS_LINK_PROCEDURE = 2 };

/* One piece of production on the plan (PayPlanProductionEntry). */
struct ds_entry {
    int type;                /* DS_LINK_* */
    long long key, prov, clinic;
    long day;                /* ProductionDate, days since 1970-01-01 */
    int tp;                  /* a procedure not complete (treatment
                                planned) */
    long long cents;         /* the amount attached */
    long long left;          /* not yet charged (work) */
    int fixed;               /* the link has an AmountOverride */
};

struct ds_terms {
    long long principal, down, payment; /* cents */
    double apr;
    int frequency, tpoption;
    long first, interest_start, today;  /* days */
};

struct ds_charge {
    int entry;               /* index into the entries */
    long day;
    long long principal, interest; /* cents */
    int down;                /* a down payment ("Down Payment" note) */
};

/* PayPlanEdit.OrderDynamicPayPlanProductionEntries: complete production
 * first, then by date, procedures before adjustments, then key. */
void od_ds_sort(struct ds_entry *e, int n);

/* The whole schedule: down payment charges, then each period's, for the
 * life of the plan (at most DS_MAX_CHARGES). Returns the number of
 * charges, or -1 when the terms never pay the plan off (the payment does
 * not cover the interest: Open Dental's AreTermsValid false). */
int od_ds_schedule(const struct ds_terms *t, struct ds_entry *e, int n,
                struct ds_charge *out);

/* PayPlanEdit.CalculatePeriodPayment for a number of payments: the
 * payment in cents (rounded up to the cent). */
long long od_ds_period_payment(double apr, int frequency, int count,
                            long long principal);

/* PayPlanEdit.CalcNextPeriodDate (period 0 is first). */
long od_ds_period_day(long first, int period, int frequency);

#endif /* ODAPI_ACTIONS_DYNSCHED_INTERNAL_H */
