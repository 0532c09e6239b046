/*
 * insutil-internal.h - what the insurance actions of issue 16 share
 * (claimnew.c, insadjust.c, tpsaved.c, dynpayplan.c, etrans.c): copying a
 * row of a table column by column as Open Dental's Copy() does, a claim's
 * totals as its Edit Claim window adds them up, dates of the benefit year,
 * and amounts as Open Dental rounds them.
 */
#ifndef ODAPI_ACTIONS_INSUTIL_INTERNAL_H
#define ODAPI_ACTIONS_INSUTIL_INTERNAL_H

#include "actions/kit-internal.h"

/* A column written differently in the copy: expr is SQL over the source
 * row (alias s) with at most one '?' bound to the parameter p. */
struct iu_set {
    const char *col;
    const char *expr;
    struct od_prm p;
    int has_p;
};

/* Copy the row of table whose keycol is key into a new row: every column
 * this database has, except the key, SecurityHash (Open Dental's salted
 * hash, which the library cannot make) and the timestamp, from the source
 * row unless sets say otherwise. 0 (the new key in *id), or -1. */
int od_iu_copy_row(struct od_conn *c, const char *table, const char *keycol,
                long long key, const struct iu_set *sets, int nsets,
                long long *id);

/* A claim's totals as Open Dental's Edit Claim window keeps them
 * (FormClaimEdit.FillGrids): ClaimFee, DedApplied, InsPayEst, InsPayAmt
 * and WriteOff are the sums over every claimproc of the claim. 0 or -1. */
int od_iu_claim_totals(struct od_conn *c, long long claim);

/* The first day of the benefit year that holds day (days since
 * 1970-01-01) for a plan renewing in month monthrenew (0: January):
 * BenefitLogic.ComputeRenewDate. */
long od_iu_renew_day(long day, int monthrenew);

/* day + years (Feb 29 -> Feb 28), as .NET's AddYears. */
long od_iu_add_years(long day, int years);
/* day + months (the day of month capped at the month's last), as .NET's
 * AddMonths. */
long od_iu_add_months(long day, int months);

/* Round to cents half away from zero, as Open Dental rounds money
 * (Math.Round of a decimal). */
double od_iu_round2(double v);

/* Read a money member: a JSON number or a numeric string; 1 given, 0
 * absent, -1 with "{name} is invalid.". */
int od_iu_money(json_t *body, const char *name, double *out, char *msg,
             size_t msgsize);


/* The database's date as days since 1970-01-01 (CURDATE()): 0, or -1. */
int od_iu_today(struct od_conn *c, long *day);

#endif /* ODAPI_ACTIONS_INSUTIL_INTERNAL_H */
