/*
 * insest-internal.h - insurance estimates as Open Dental computes them for
 * a claim or a treatment plan (branch 24_3: ClaimProcs.ComputeBaseEst,
 * Procedures.ComputeEstimates / ComputeForOrdinal, Benefits.GetPercent,
 * GetDeductibleByCode, GetLimitationByCode, InsPlans.GetAllowed / GetCopay,
 * ClaimProcs.GetHistList / GetHistForProc), for the inputs the API's
 * claim and treatment plan routes have. What is left out is listed in
 * docs/resources.md ("Insurance estimates").
 *
 * The computation (od_ie_compute_proc) works on the structures below only;
 * od_ie_load / od_ie_load_hist fill them from the database, and fees come
 * through ctx->fee, so the rules can be tested without one.
 */
#ifndef ODAPI_ACTIONS_INSEST_INTERNAL_H
#define ODAPI_ACTIONS_INSEST_INTERNAL_H

#include "db/db-internal.h"

#define IE_CODE 64 /* procedurecode.ProcCode: varchar(15), any character set */

/* Open Dental's enums (OpenDentBusiness/TableTypes). */
enum { IE_BT_COINSURANCE = 1, IE_BT_DEDUCTIBLE = 2, IE_BT_EXCLUSIONS = 4,
       IE_BT_LIMITATIONS = 5 };
enum { IE_TP_SERVICEYEAR = 1, IE_TP_CALENDARYEAR = 2, IE_TP_LIFETIME = 3 };
enum { IE_QQ_NONE = 0, IE_QQ_SERVICES = 1, IE_QQ_AGE = 2, IE_QQ_YEARS = 4,
       IE_QQ_MONTHS = 5 };
enum { IE_LEVEL_FAMILY = 2 };
enum { IE_EB_GENERAL = 1 };
enum { IE_COB_BASIC = 0, IE_COB_STANDARD = 1, IE_COB_CARVEOUT = 2,
       IE_COB_SECMEDICAID = 3 };
/* ClaimProcStatus */
enum { IE_NOTRECEIVED = 0, IE_RECEIVED = 1, IE_PREAUTH = 2,
       IE_ADJUSTMENT = 3, IE_SUPPLEMENTAL = 4, IE_CAPCLAIM = 5,
       IE_ESTIMATE = 6, IE_CAPCOMPLETE = 7, IE_CAPESTIMATE = 8,
       IE_INSHIST = 9 };

struct ie_benefit {
    long long num, plan, patplan, covcat, code, group;
    char codestr[IE_CODE];    /* the ProcCode of code */
    int type, percent, period, qualifier, quantity, level;
    double amt;               /* MonetaryAmt, -1 blank */
};

struct ie_span {
    long long cat;
    char from[IE_CODE], to[IE_CODE];
};

struct ie_cat {
    long long num;
    int order;                /* among the visible categories; -1 hidden */
    int ebcat;                /* EbenefitCategory */
};

struct ie_group {
    long long num;
    int order;
    char *codes;              /* codegroup.ProcCodes */
};

struct ie_plan {
    long long plan, sub, patplan, claimform;
    int ordinal, relat, monthrenew, cobrule, ucr, medical;
    char type;                /* PlanType: 0 percentage, 'p', 'f', 'c' */
    long long feesched, allowed_fs, copay_fs;
};

/* One line of history: a claimproc already counted against benefits
 * (ClaimProcHist). */
struct ie_hist {
    long long pat, plan, sub, proc, claim;
    char code[IE_CODE];
    int status, nobill;
    long day;                 /* days since 1970-01-01 */
    double amount, deduct;
};

struct ie_proc {
    long long num, pat, codenum, prov, clinic;
    char code[IE_CODE];
    double fee, qty;          /* ProcFee; Quantity = max(1, BaseUnits +
                                 UnitQty) */
    long day;
    int status;
};

/* A claimproc being estimated: the inputs Open Dental keeps (overrides,
 * -1 for none) and what ComputeBaseEst writes. */
struct ie_cp {
    long long num, proc, plan, sub, claim;
    int status, nobill;
    double allowed_ovr, copay_ovr, ded_ovr, est_ovr, paidother_ovr, wo_ovr;
    int pct_ovr;
    double ins_pay_amt, write_off, dedapplied, ins_pay_est; /* stored */
    /* computed */
    double base_est, ins_est, ded_est, copay, paid_other, wo_est;
    int pct;
    char note[128];
    long day;                 /* ProcDate */
};

typedef double (*ie_fee_fn)(void *arg, long long codenum, long long sched,
                            long long clinic, long long prov);

struct ie_ctx {
    long long pat;
    int age;
    long today;
    struct ie_plan *plans;
    int nplans;
    struct ie_benefit *bens;
    int nbens;
    struct ie_span *spans;
    int nspans;
    struct ie_cat *cats;
    int ncats;
    struct ie_group *groups;
    int ngroups;
    struct ie_hist *hist, *loop;
    int nhist, nloop, caploop, caphist;
    /* preferences */
    int blank_like_zero;      /* InsOutOfNetworkBlankLikeZero */
    int copay_blank_zero;     /* CoPay_FeeSchedule_BlankLikeZero */
    int ppo_sec_writeoffs;    /* InsPPOsecWriteoffs */
    int excl_nobill;          /* InsPlanExclusionsMarkDoNotBillIns */
    ie_fee_fn fee;            /* a fee's amount, -1 when none */
    void *fee_arg;
    int oom;
};

/* Read what the patient's estimates need (patient, plans in ordinal order,
 * benefits, coverage categories and spans, code groups, preferences):
 * 0, or -1 (error noted on the connection, or out of memory in ctx->oom).
 * ctx->fee is set to a database lookup on c. */
int od_ie_load(struct od_conn *c, struct ie_ctx *ctx, long long pat);
/* The history of the patient's plans from the benefit year of day on,
 * leaving out exclude_claim's claimprocs (ClaimProcs.GetHistList). */
int od_ie_load_hist(struct od_conn *c, struct ie_ctx *ctx,
                 long long exclude_claim, long day);
void od_ie_free(struct ie_ctx *ctx);

const struct ie_plan *od_ie_plan_of_sub(const struct ie_ctx *ctx,
                                     long long sub);

/* Estimate every claimproc of cps that belongs to proc, ordinal by
 * ordinal (Procedures.ComputeEstimates), then add them to the loop list
 * so the next procedure sees them (ClaimProcs.GetHistForProc). */
void od_ie_compute_proc(struct ie_ctx *ctx, const struct ie_proc *proc,
                     struct ie_cp *cps, int ncps);

/* GetInsEstTotal, GetDedEst, GetWriteOffEstimate. */
double od_ie_ins_est_total(const struct ie_cp *cp);
double od_ie_ded_est(const struct ie_cp *cp);
double od_ie_writeoff_est(const struct ie_cp *cp);

/* Benefits.GetPercent: the coverage percentage of code for a plan. */
int od_ie_percent(const struct ie_ctx *ctx, const struct ie_plan *plan,
               const char *code);

#endif /* ODAPI_ACTIONS_INSEST_INTERNAL_H */
