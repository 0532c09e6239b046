/*
 * ledger-internal.h - Open Dental's family aging and account balances
 * (OpenDentBusiness/Db Multi Table/Ledgers.cs), shared by the account
 * module views, the aging report, POST /payments and the sandbox seed.
 *
 * The transactions of a family (completed procedures, insurance payments
 * and write-offs, adjustments, patient payments, payment plan charges and
 * credits) are selected and summed by the database in one statement, as
 * Ledgers.GetAgingQueryString does: charges go into the 0-30 / 31-60 /
 * 61-90 / over-90 buckets by date, and every credit pays the oldest bucket
 * first. docs/resources.md ("accountmodules") lists the preferences
 * honoured and what is left out.
 */
#ifndef ODAPI_LEDGER_INTERNAL_H
#define ODAPI_LEDGER_INTERNAL_H

#include "db/db-internal.h"

/* The preferences that change the computation, read once per request. */
struct od_ledger_prefs {
    int ppv;                /* PayPlansVersion 1..4 (missing: 1) */
    int lifo;               /* AgingProcLifo is Yes (YN 1) */
    long bill_advance;      /* PayPlansBillInAdvanceDays (missing: 0) */
    int dont_subtract_ins;  /* BalancesDontSubtractIns */
    int rigorous;           /* RigorousAccounting 0..2 (missing: 1) */
    long long prepay_type;  /* PrepaymentUnearnedType (a DefNum, or 0) */
    long long dpp_prepay_type; /* DynamicPayPlanPrepaymentUnearnedType */
    long long practice_prov;   /* PracticeDefaultProv */
    int clinics;            /* clinics are on (EasyNoClinics is not 1) */
    int show_patnum;        /* ReportsShowPatNum */
    long long fin_adj_type; /* FinanceChargeAdjustmentType */
    int adj_offset;         /* AdjustmentsOffsetEachOther (missing: 1) */
    char today[OD_COLSZ];   /* the database's CURDATE(), "yyyy-MM-dd" */
};

/* The preferences and the database's date: 0, or -1 after a database
 * error (noted on c). */
int od_ledger_prefs_read(struct od_conn *c, struct od_ledger_prefs *p);

/* One family's aging: Ledgers.GetAgingQueryString's row. Amounts are
 * rounded to 3 decimals, as Open Dental's query rounds them. */
struct od_aging {
    long long patnum;       /* the guarantor */
    double bal_0_30, bal_31_60, bal_61_90, bal_over90;
    double bal_total, ins_wo_est, ins_pay_est, payplan_due;
};

/* The aging of the family of guarantor as of asof ("yyyy-MM-dd"). A
 * historic aging (asof before today) leaves out what happened after asof,
 * as the aging report does. 0 (out zeroed when the family has no
 * transactions), or -1. */
int od_aging_family(struct od_conn *c, const struct od_ledger_prefs *p,
                    long long guarantor, const char *asof, int historic,
                    struct od_aging *out);

/* The aging report (OpenDentBusiness/Reports/RpAging.cs with the
 * report window's defaults: grouped by family, any balance, negative
 * balances left out): per guarantor with a positive balance of any age,
 * ordered by LName, FName (then PatNum), fn gets PatNum, LName, FName,
 * MiddleI, Bal_0_30, Bal_31_60, Bal_61_90, BalOver90, BalTotal, InsWoEst,
 * InsPayEst as text. clinic >= 0: guarantors of that clinic only. The row
 * count, or -1. */
long od_aging_report(struct od_conn *c, const struct od_ledger_prefs *p,
                     const char *asof, int historic, long long clinic,
                     long long offset, long long limit,
                     int (*fn)(void *ctx, char **cols), void *ctx);

/* Store the family's aging as of asof in its patient rows, as
 * Ledgers.ComputeAging does: the guarantor's Bal_0_30 .. BalOver90,
 * BalTotal, InsEst (write-off and payment estimates together) and
 * PayPlanDue; 0 on every other member. guarantor 0: every family. A row
 * whose balance changes gets a new DateTStamp (its ON UPDATE), as in Open
 * Dental, unless keep_stamp (the seed: its timestamps are seeded, not the
 * wall clock's). 0, or -1. */
int od_aging_store(struct od_conn *c, const struct od_ledger_prefs *p,
                   long long guarantor, const char *asof, int keep_stamp);

/* Each family member's balance (the Account module's Select Patient
 * grid): fn per member of the family of guarantor, guarantor first, then
 * by birth date, with the member's PatNum, LName, FName, Preferred,
 * MiddleI, PatStatus and balance (3 decimals) as text. The row count, or
 * -1. */
long od_ledger_members(struct od_conn *c, const struct od_ledger_prefs *p,
                       long long guarantor,
                       int (*fn)(void *ctx, char **cols), void *ctx);

/* Set every patient's EstBalance to their own balance (the Account
 * module stores it when it shows a family). guarantor 0: everyone.
 * keep_stamp as od_aging_store. 0, or -1. */
int od_ledger_store_estbalance(struct od_conn *c,
                               const struct od_ledger_prefs *p,
                               long long guarantor, int keep_stamp);

#endif /* ODAPI_LEDGER_INTERNAL_H */
