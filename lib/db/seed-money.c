/*
 * seed-money.c - the demo practice's insurance and money beyond the
 * checkout payments of seed.c: coverage categories and the plans'
 * benefits, insurance estimates on every procedure of an insured patient,
 * claims for the completed visits with their claimprocs, electronic claim
 * batches and their acknowledgements, insurance checks (claim payments)
 * with their ERAs and scanned EOBs, claim tracking, insurance
 * verifications, discount plans, adjustments, unearned prepayments,
 * payment plans with their charges and payments, and statements.
 *
 * How Open Dental writes these (OpenDentBusiness, branch 24_3):
 * estimates and claimprocs follow ClaimProcs.ComputeBaseEst (BaseEst =
 * allowed x percentage; InsEstTotal = (allowed - deductible) x percentage,
 * capped by the annual maximum; the percentage of the coverage category
 * with the highest CovOrder, Benefits.GetPercent); the coverage categories
 * are ConvertDatabases1/2's en-US defaults, the code groups
 * ConvertDatabases8's. Everything uses its own PRNG stream
 * (seed_stream), so these rows never shift the rest of the practice.
 */
#include "core/odapi-internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/seed-gen-internal.h"

/* ---- coverage categories (covcat, covspan) -------------------------------- */

enum { CC_GENERAL, CC_DIAG, CC_XRAY, CC_PREV, CC_REST, CC_ENDO, CC_PERIO,
       CC_OS, CC_CROWN, CC_PROSTH, CC_MAXPROSTH, CC_ACCIDENT, CC_ORTHO,
       CC_ADJ, CC_N };

static const struct covcat {
    const char *name;
    int pct, ebcat; /* DefaultPercent; EbenefitCategory */
    const char *spans[2][2];
} covcats[CC_N] = {
    { "General", -1, 1, { { "D0000", "D7999" }, { "D9000", "D9999" } } },
    { "Diagnostic", 100, 2, { { "D0000", "D0999" } } },
    { "X-Ray", 100, 13, { { "D0200", "D0399" } } },
    { "Preventive", 100, 12, { { "D1000", "D1999" } } },
    { "Restorative", 80, 4, { { "D2000", "D2999" } } },
    { "Endo", 80, 5, { { "D3000", "D3999" } } },
    { "Perio", 80, 3, { { "D4000", "D4999" } } },
    { "Oral Surgery", 80, 11, { { "D7000", "D7999" } } },
    { "Crowns", 50, 7, { { "D2700", "D2799" } } },
    { "Prosth", 50, 10, { { "D5000", "D5899" }, { "D6200", "D6899" } } },
    { "Maxillofacial Prosth", -1, 6, { { "D5900", "D5999" } } },
    { "Accident", -1, 8, { { NULL, NULL } } },
    { "Ortho", -1, 9, { { "D8000", "D8999" } } },
    { "Adjunctive", -1, 14, { { "D9000", "D9999" } } },
};

/* The covered category of a code: the one with the highest CovOrder whose
 * span holds it and that has a percentage (Benefits.GetPercent). */
static int covcat_of(const char *code)
{
    int c, s;
    for (c = CC_N - 1; c >= 0; c--) {
        if (covcats[c].pct < 0)
            continue;
        for (s = 0; s < 2 && covcats[c].spans[s][0]; s++)
            if (strcmp(code, covcats[c].spans[s][0]) >= 0 &&
                strcmp(code, covcats[c].spans[s][1]) <= 0)
                return c;
    }
    return -1;
}

/* Coverage percentage of a code (0: not covered). */
static int pct_of(int code)
{
    int c = covcat_of(codes[code].code);
    return c < 0 ? 0 : covcats[c].pct;
}

/* Diagnostic, x-rays and preventive care are not subject to the
 * deductible (the plans' deductible exclusions). */
static int ded_waived(int code)
{
    int c = covcat_of(codes[code].code);
    return c == CC_DIAG || c == CC_XRAY || c == CC_PREV;
}

/* ---- the state while the visits are written ------------------------------- */

/* An insurance check being filled: one per carrier and week. */
struct cpay {
    long num, carrier, day, nclaims;
    double amt;
    int eft;
};

/* A prepayment to write at the end (a crown that is scheduled). */
struct prepay {
    long patnum, procnum, day, prov;
    double amt;
};

/* An electronic claim batch: the claims sent on one day. */
struct batch {
    long day, textnum, acknum, nclaims;
    char *text;
    size_t len;
    long cap;
};

struct seed_money {
    struct rng r;
    struct ins claim, cp, etrans, adj, track;
    long claimnum, cpnum, etransnum, textnum, adjnum, benefitnum, tracknum;
    long covcat[CC_N];
    /* per patient (PatNum - 1) */
    double *used, *ded;  /* primary benefits and deductible used ... */
    double *insest;      /* insurance estimates of claims not yet paid */
    int *year;           /* ... in this calendar year */
    long *lastvisit;     /* day of the last completed visit */
    double *lastfee;     /* and its fees */
    long *discplan;      /* DiscountPlanNum, or 0 */
    struct cpay *pays;
    long npays, cappays, *paykey, nweeks, week0;
    struct prepay *pre;
    long npre, cappre;
    struct batch b;
    long msgs_written;   /* etransmessagetext rows */
    struct ins text;
    long nsubst;          /* plans with composite downgrades: PlanNum <= */
    double last_pri, last_sec; /* the estimates of the last procedure */
};

static long long_max(long a, long b)
{
    return a > b ? a : b;
}

static double money(double v)
{
    return round(v * 100) / 100;
}

static int year_of(long day)
{
    int y, m, d;
    civil_from_days(day, &y, &m, &d);
    return y;
}

static long max_key(struct gen *g, const char *table, const char *col)
{
    return seed_max_key(&g->s, table, col);
}

static void *grow(struct gen *g, void *p, long *cap, size_t size)
{
    long n = *cap ? *cap * 2 : 64;
    void *q = realloc(p, (size_t)n * size);
    if (!q) {
        fail(&g->s, ODAPI_E_NOMEM, "seeding: out of memory");
        return NULL;
    }
    *cap = n;
    return q;
}

/* ---- coverage: categories, spans, code groups, benefits ------------------- */

static const struct seed_col covspan_cols[] = {
    COL("CovSpanNum"), COL("CovCatNum"), COL("FromCode"), COL("ToCode"),
};

static const struct seed_col covcat_cols[] = {
    COL("CovCatNum"), COL("Description"), COL("DefaultPercent"),
    COL("CovOrder"), C0("IsHidden"), COL("EbenefitCat"),
};

static void seed_covcats(struct gen *g)
{
    struct ins b, s;
    long span = 0;
    int c, k;
    if (INS_TABLE(&b, &g->s, "covcat", covcat_cols) ||
        INS_TABLE(&s, &g->s, "covspan", covspan_cols))
        return;
    for (c = 0; c < CC_N; c++) {
        g->money->covcat[c] = c + 1;
        ROW(&b, covcat_cols, VI(c + 1), VS(covcats[c].name),
            VI(covcats[c].pct), VI(c), VI(covcats[c].ebcat));
        for (k = 0; k < 2 && covcats[c].spans[k][0]; k++) {
            ++span;
            ROW(&s, covspan_cols, VI(span), VI(c + 1),
                VS(covcats[c].spans[k][0]), VS(covcats[c].spans[k][1]));
        }
    }
    ins_done(&b);
    ins_done(&s);
}

/* Open Dental's frequency-limitation groups (ConvertDatabases8). */
static const struct {
    const char *name, *codes;
    int fixed, agelimit;
} codegroups[] = {
    { "BW", "D0272,D0274", 1, 0 },
    { "Exam", "D0120,D0150", 3, 0 },
    { "Pano/FMX", "D0210,D0330", 2, 0 },
    { "Cancer Screening", "D0431", 0, 0 },
    { "Prophy", "D1110,D1120", 5, 0 },
    { "Fluoride", "D1206,D1208", 8, 1 },
    { "Sealant", "D1351", 9, 1 },
    { "Crown", "D2740,D2750,D2751,D2752,D2780,D2781,D2782,D2783,D2790,"
               "D2791,D2792,D2794", 0, 0 },
    { "SRP", "D4341,D4342", 6, 0 },
    { "Full Debridement", "D4355", 7, 0 },
    { "Perio Maint", "D4910", 4, 0 },
    { "Dentures", "D5110,D5120,D5130,D5140,D5211,D5212,D5213,D5214,D5221,"
                  "D5222,D5223,D5224,D5225,D5226", 0, 0 },
    { "Implants", "D6010", 0, 0 },
};

static const struct seed_col codegroup_cols[] = {
    COL("CodeGroupNum"), COL("GroupName"), COL("ProcCodes"), COL("ItemOrder"),
    COL("CodeGroupFixed"), C0("IsHidden"), COL("ShowInAgeLimit"),
    CI("ShowInFrequency", 1), C0("ShowInOther"),
};

static void seed_codegroups(struct gen *g)
{
    struct ins b;
    size_t i;
    if (INS_TABLE(&b, &g->s, "codegroup", codegroup_cols))
        return;
    for (i = 0; i < OD_ARRAY_LEN(codegroups); i++) {
        ROW(&b, codegroup_cols, VI((long long)i + 1), VS(codegroups[i].name),
            VS(codegroups[i].codes), VI((long long)i), VI(codegroups[i].fixed),
            VI(codegroups[i].agelimit));
    }
    ins_done(&b);
}

static const struct seed_col benefit_cols[] = {
    COL("BenefitNum"), COL("PlanNum"), C0("PatPlanNum"), COL("CovCatNum"),
    COL("BenefitType"), COL("Percent"), COL("MonetaryAmt"), COL("TimePeriod"),
    COL("QuantityQualifier"), COL("Quantity"), C0("CodeNum"),
    COL("CoverageLevel"), COL("SecDateTEntry"), COL("SecDateTEdit"),
    COL("CodeGroupNum"), C0("TreatArea"),
};

/* Per plan, besides seed.c's annual max, deductible and four code
 * percentages: the category percentages the estimates use, the
 * deductible exclusions, and frequency and age limitations. */
static void seed_plan_benefits(struct gen *g, long stamp)
{
    static const int pct_cats[] = { CC_DIAG, CC_XRAY, CC_PREV, CC_REST,
                                    CC_ENDO, CC_PERIO, CC_OS, CC_CROWN,
                                    CC_PROSTH };
    static const int waived[] = { CC_DIAG, CC_XRAY, CC_PREV };
    /* group (1-based), quantity, qualifier, period */
    static const int limits[][4] = {
        { 1, 1, 1, 5 },   /* BW: 1 in the last 12 months */
        { 2, 2, 1, 2 },   /* Exam: 2 per calendar year */
        { 5, 2, 1, 2 },   /* Prophy: 2 per calendar year */
        { 3, 5, 4, 0 },   /* Pano/FMX: once every 5 years */
        { 6, 16, 2, 0 },  /* Fluoride: through age 16 */
    };
    struct seed_money *mo = g->money;
    struct ins b;
    long p;
    size_t k;
    if (INS_TABLE(&b, &g->s, "benefit", benefit_cols))
        return;
    for (p = 1; p <= g->nplans; p++) {
        long day = stamp + (p - 1) % 200;
        for (k = 0; k < OD_ARRAY_LEN(pct_cats); k++) {
            ++mo->benefitnum;
            ROW(&b, benefit_cols, VI(mo->benefitnum), VI(p),
                VI(mo->covcat[pct_cats[k]]), VI(1), /* CoInsurance */
                VI(covcats[pct_cats[k]].pct), VD(-1), VI(0), VI(0), VI(0),
                VI(0), VDT(day, 641), VDT(day, 641), VI(0));
        }
        for (k = 0; k < OD_ARRAY_LEN(waived); k++) {
            ++mo->benefitnum;
            ROW(&b, benefit_cols, VI(mo->benefitnum), VI(p),
                VI(mo->covcat[waived[k]]), VI(2), /* Deductible */
                VI(-1), VD(0), VI(2), /* CalendarYear */
                VI(0), VI(0), VI(1), /* Individual */
                VDT(day, 642), VDT(day, 642), VI(0));
        }
        for (k = 0; k < OD_ARRAY_LEN(limits); k++) {
            ++mo->benefitnum;
            ROW(&b, benefit_cols, VI(mo->benefitnum), VI(p), VI(0),
                VI(5), /* Limitations */
                VI(-1), VD(-1), VI(limits[k][3]), VI(limits[k][2]),
                VI(limits[k][1]), VI(0), VDT(day, 643), VDT(day, 643),
                VI(limits[k][0]));
        }
    }
    ins_done(&b);
}

static const struct seed_col substitutionlink_cols[] = {
    COL("SubstitutionLinkNum"), COL("PlanNum"), COL("CodeNum"),
    COL("SubstitutionCode"), CI("SubstOnlyIf", 1),
};

/* Composite fillings on molars paid as amalgams by some plans. */
static void seed_substitutions(struct gen *g)
{
    struct ins b;
    long p, n = 0;
    g->money->nsubst = g->nplans / 3 > 1 ? g->nplans / 3 : 1;
    if (INS_TABLE(&b, &g->s, "substitutionlink", substitutionlink_cols))
        return;
    for (p = 1; p <= g->money->nsubst; p++) {
        static const char *const pairs[][2] = { { "D2391", "D2140" },
                                                { "D2392", "D2150" },
                                                { "D2393", "D2150" } };
        size_t k;
        for (k = 0; k < OD_ARRAY_LEN(pairs); k++) {
            ++n;
            ROW(&b, substitutionlink_cols, VI(n), VI(p),
                VI(code_idx(pairs[k][0]) + 1), VS(pairs[k][1]));
        }
    }
    ins_done(&b);
}

static const struct seed_col discountplansub_cols[] = {
    COL("DiscountSubNum"), CI("DiscountPlanNum", 1), COL("PatNum"),
    COL("DateEffective"), COL("DateTerm"), COL("SubNote"),
};

static const struct seed_col discountplan_cols[] = {
    COL("DiscountPlanNum"), COL("Description"), COL("FeeSchedNum"),
    COL("DefNum"), COL("IsHidden"), COL("PlanNote"), COL("ExamFreqLimit"),
    COL("XrayFreqLimit"), COL("ProphyFreqLimit"), COL("FluorideFreqLimit"),
    COL("PerioFreqLimit"), COL("LimitedExamFreqLimit"), COL("PAFreqLimit"),
    COL("AnnualMax"),
};

static const struct seed_col fee_cols[] = {
    COL("FeeNum"), COL("Amount"), COL("OldCode"), COL("FeeSched"),
    C0("UseDefaultFee"), C0("UseDefaultCov"), COL("CodeNum"), C0("ClinicNum"),
    C0("ProvNum"), CI("SecUserNumEntry", 1), COL("SecDateEntry"),
    COL("SecDateTEdit"),
};

static const struct seed_col feesched_cols[] = {
    COL("FeeSchedNum"), CS("Description", "Savings Plan"), C0("FeeSchedType"),
    COL("ItemOrder"), C0("IsHidden"), CI("IsGlobal", 1),
    CI("SecUserNumEntry", 1), COL("SecDateEntry"), COL("SecDateTEdit"),
};

/* An in-house savings plan for patients without insurance: its own fee
 * schedule (20% off), discount adjustments on their completed work. */
static void seed_discount_plans(struct gen *g, long stamp)
{
    struct seed_money *mo = g->money;
    struct ins b;
    long fs = max_key(g, "feesched", "FeeSchedNum") + 1, fee, i, n = 0;
    size_t k;
    if (INS_TABLE(&b, &g->s, "feesched", feesched_cols))
        return;
    ROW(&b, feesched_cols, VI(fs), VI(fs - 1), VDATE(stamp), VDT(stamp, 605));
    ins_done(&b);
    fee = max_key(g, "fee", "FeeNum");
    if (INS_TABLE(&b, &g->s, "fee", fee_cols))
        return;
    for (k = 0; k < ncodes; k++) {
        ++fee;
        ROW(&b, fee_cols, VI(fee), VD(money(codes[k].fee * 0.8)),
            VS(codes[k].code), VI(fs), VI((long long)k + 1), VDATE(stamp),
            VDT(stamp, 625));
    }
    ins_done(&b);
    if (INS_TABLE(&b, &g->s, "discountplan", discountplan_cols))
        return;
    ROW(&b, discountplan_cols, VI(1), VS("Willamette Smile Savings Plan"),
        VI(fs), VI(def_of(g, CAT_ADJ, 0)), VI(0),
        VS("In-house plan: 20% off all procedures, $299 per year."), VI(2),
        VI(1), VI(2), VI(2), VI(4), VI(2), VI(4), VD(-1));
    ROW(&b, discountplan_cols, VI(2), VS("Senior Savings Plan (retired)"),
        VI(fs), VI(def_of(g, CAT_ADJ, 0)), VI(1),
        VS("No longer offered; replaced by the Smile Savings Plan."), VI(-1),
        VI(-1), VI(-1), VI(-1), VI(-1), VI(-1), VI(-1), VD(1000));
    ins_done(&b);
    /* about one uninsured family in ten joins */
    if (INS_TABLE(&b, &g->s, "discountplansub", discountplansub_cols))
        return;
    for (i = 0; i < g->nfam; i++) {
        long pn, eff;
        const struct pat *gp = pat_of(g, g->fams[i].guar);
        /* about one in ten, and at least one family in any practice */
        if (gp->plan1 || gp->status != 0 || (!chance(&mo->r, 0.12) && n))
            continue;
        eff = g->today - 60 - rnd(&mo->r, 600);
        for (pn = gp->num; pn <= g->npat && pat_of(g, pn)->fam == (int)i; pn++) {
            if (pat_of(g, pn)->status != 0)
                continue;
            mo->discplan[pn - 1] = 1;
            ++n;
            ROW(&b, discountplansub_cols, VI(n), VI(pn), VDATE(eff),
                VDATE(eff + 365 > g->today ? eff + 365 : NO_DATE),
                VS(pn == gp->num ? "Paid annual fee at sign-up." : ""));
        }
    }
    ins_done(&b);
}

/* ---- estimates and claims -------------------------------------------------- */

static void flush_batch(struct gen *g);
static void discount_visit(struct gen *g, const struct seed_visit *v,
                           double *share);

/* One procedure's estimate from one plan. */
struct est {
    int pct;
    double allowed, base, ded, total, paidother;
    const char *note;
};

/* The allowed fee: a plan that downgrades composites on molars pays the
 * amalgam's fee (SubstitutionLinks). */
static double allowed_fee(struct gen *g, long plan, int code, double fee,
                          const char *tooth)
{
    const char *c = codes[code].code;
    int t = tooth && *tooth ? atoi(tooth) : 0;
    int molar = (t >= 1 && t <= 3) || (t >= 14 && t <= 19) ||
                (t >= 30 && t <= 32);
    if (plan > g->money->nsubst || !molar)
        return fee;
    if (!strcmp(c, "D2391"))
        return codes[code_idx("D2140")].fee;
    if (!strcmp(c, "D2392") || !strcmp(c, "D2393"))
        return codes[code_idx("D2150")].fee;
    return fee;
}

/* ClaimProcs.ComputeBaseEst for patient p's ordinal (1 or 2) plan; with
 * apply, the deductible and annual maximum used grow (primary only). */
static void estimate(struct gen *g, struct pat *p, int ordinal, int code,
                     double fee, const char *tooth, long day, double other,
                     int apply, struct est *e)
{
    struct seed_money *mo = g->money;
    long plan = ordinal == 1 ? p->plan1 : p->plan2;
    const struct plan *pl = &g->plans[plan - 1];
    long i = p->num - 1;
    double left;
    memset(e, 0, sizeof *e);
    e->note = "";
    e->pct = codes[code].nobill ? 0 : pct_of(code);
    e->allowed = allowed_fee(g, plan, code, fee, tooth);
    if (e->allowed < fee)
        e->note = "Alternate benefit applied: the plan pays the amalgam fee.";
    e->base = money(e->allowed * e->pct / 100.0);
    if (ordinal == 1 && mo->year[i] != year_of(day)) {
        mo->year[i] = year_of(day);
        mo->used[i] = mo->ded[i] = 0;
    }
    if (e->pct > 0 && !ded_waived(code)) {
        double dleft = ordinal == 1 ? pl->deductible - mo->ded[i] : 0;
        e->ded = dleft > 0 ? (dleft < e->allowed ? dleft : e->allowed) : 0;
    }
    e->total = money((e->allowed - e->ded) * e->pct / 100.0);
    if (ordinal == 2) { /* coordination of benefits: what is left */
        e->paidother = other;
        if (e->total > fee - other)
            e->total = money(fee - other > 0 ? fee - other : 0);
    } else {
        left = pl->annual_max - mo->used[i];
        if (e->total > left) {
            e->total = money(left > 0 ? left : 0);
            e->note = "Over annual max.";
        }
        if (apply) {
            mo->used[i] += e->total;
            mo->ded[i] += e->ded;
        }
    }
}

static const struct seed_col claimproc_cols[] = {
    COL("ClaimProcNum"), COL("ProcNum"), COL("ClaimNum"), COL("PatNum"),
    COL("ProvNum"), COL("FeeBilled"), COL("InsPayEst"), COL("DedApplied"),
    COL("Status"), COL("InsPayAmt"), COL("Remarks"), COL("ClaimPaymentNum"),
    COL("PlanNum"), COL("DateCP"), CD("WriteOff", 0), COL("CodeSent"),
    COL("AllowedOverride"), COL("Percentage"), CI("PercentOverride", -1),
    CD("CopayAmt", -1), COL("NoBillIns"), COL("PaidOtherIns"), COL("BaseEst"),
    CD("CopayOverride", -1), COL("ProcDate"), COL("DateEntry"),
    COL("LineNumber"), COL("DedEst"), CD("DedEstOverride", -1),
    COL("InsEstTotal"), CD("InsEstTotalOverride", -1),
    CD("PaidOtherInsOverride", -1), COL("EstimateNote"), COL("WriteOffEst"),
    CD("WriteOffEstOverride", -1), C0("ClinicNum"), COL("InsSubNum"),
    COL("PaymentRow"), C0("PayPlanNum"), COL("ClaimPaymentTracking"),
    CI("SecUserNumEntry", 2), COL("SecDateEntry"), COL("SecDateTEdit"),
    COL("DateSuppReceived"), COL("DateInsFinalized"), C0("IsTransfer"),
    COL("ClaimAdjReasonCodes"), C0("IsOverpay"),
};

/* One claimproc row. status: 6 Estimate, 0 NotReceived, 1 Received. */
static void write_claimproc(struct gen *g, const struct pat *p, int ordinal,
                            long procnum, long claimnum, long prov, int code,
                            double fee, const struct est *e, int status,
                            double paid, const char *remarks, long paynum,
                            long procday, long cpday, int line, long edit)
{
    struct seed_money *mo = g->money;
    struct ins *b = &mo->cp;
    long plan = ordinal == 1 ? p->plan1 : p->plan2;
    long sub = ordinal == 1 ? p->sub1 : p->sub2;
    int ppo = g->plans[plan - 1].ppo, recvd = status == 1;
    ++mo->cpnum;
    ROW(b, claimproc_cols, VI(mo->cpnum), VI(procnum), VI(claimnum),
        VI(p->num), VI(prov), VD(claimnum ? fee : 0),
        VD(claimnum ? e->total : 0), VD(claimnum ? e->ded : 0), VI(status),
        VD(recvd ? paid : 0), VS(remarks), VI(paynum), VI(plan), VDATE(cpday),
        VS(codes[code].code), VD(e->allowed < fee ? e->allowed : -1),
        VI(e->pct), VI(codes[code].nobill),
        VD(ordinal == 1 ? 0 : e->paidother), VD(e->base), VDATE(procday),
        VDATE(recvd ? cpday : procday), VI(line), VD(e->ded), VD(e->total),
        VS(status == 6 ? e->note : ""),
        VD(ppo ? 0 : -1), /* a PPO without its own fee schedule: none */
        VI(sub), VI(recvd && paynum ? 1 : 0),
        VI(recvd ? def_of(g, CAT_CLAIMPAYTRACK, paid < e->total ? 1 : 0) : 0),
        VDATE(edit < procday ? edit : procday), VDT(edit, 1000 + line),
        VDATE(recvd ? cpday : NO_DATE),
        VDATE(recvd && paynum ? cpday : NO_DATE),
        VS(recvd && paid < e->total ? "45" : ""));
}

static void write_preauth(struct gen *g, struct pat *p,
                          const struct seed_proc *sp, const struct est *e);

void seed_money_proc(struct gen *g, const struct seed_proc *sp)
{
    struct seed_money *mo = g->money;
    struct pat *p;
    struct est e1, e2;
    if (!mo || g->s.rc)
        return;
    mo->last_pri = mo->last_sec = 0;
    if (sp->status != 1 || sp->fee <= 0)
        return;
    p = pat_of(g, sp->patnum);
    if (!p->plan1 || !p->sub1)
        return;
    /* treatment planned: an estimate from each plan (InsEstTotal) */
    estimate(g, p, 1, sp->code, sp->fee, sp->tooth, g->today, 0, 0, &e1);
    write_claimproc(g, p, 1, sp->procnum, 0, sp->prov, sp->code, sp->fee,
                    &e1, 6, 0, "", 0, sp->day, sp->day, 0, sp->tpday);
    mo->last_pri = e1.total;
    if (codes[sp->code].prosth && sp->tpday < g->today && chance(&mo->r, 0.4))
        write_preauth(g, p, sp, &e1);
    if (p->plan2 && p->sub2) {
        estimate(g, p, 2, sp->code, sp->fee, sp->tooth, g->today, e1.total, 0,
                 &e2);
        write_claimproc(g, p, 2, sp->procnum, 0, sp->prov, sp->code, sp->fee,
                        &e2, 6, 0, "", 0, sp->day, sp->day, 0, sp->tpday);
        mo->last_sec = e2.total;
    }
    /* some scheduled crowns are paid ahead (a treatment plan prepayment) */
    if (codes[sp->code].cat == PC_CROWN && codes[sp->code].prosth &&
        sp->aptnum && sp->day >= g->today && chance(&mo->r, 0.5)) {
        struct prepay *pp;
        if (mo->npre == mo->cappre &&
            !(mo->pre = grow(g, mo->pre, &mo->cappre, sizeof *mo->pre)))
            return;
        pp = &mo->pre[mo->npre++];
        pp->patnum = sp->patnum;
        pp->procnum = sp->procnum;
        pp->prov = sp->prov;
        pp->day = g->today - 3 - rnd(&mo->r, 20);
        pp->amt = money(floor((sp->fee - e1.total) / 2 / 10) * 10);
    }
}

/* The insurance check a claim received on day goes on: one per carrier and
 * week, made on first use. */
static struct cpay *check_for(struct gen *g, long carrier, long day)
{
    struct seed_money *mo = g->money;
    long w = (day - mo->week0) / 7, k;
    struct cpay *c;
    if (w < 0 || w >= mo->nweeks)
        w = w < 0 ? 0 : mo->nweeks - 1;
    k = w * 8 + (carrier - 1) % 8;
    if (mo->paykey[k])
        return &mo->pays[mo->paykey[k] - 1];
    if (mo->npays == mo->cappays &&
        !(mo->pays = grow(g, mo->pays, &mo->cappays, sizeof *mo->pays)))
        return NULL;
    c = &mo->pays[mo->npays++];
    memset(c, 0, sizeof *c);
    c->num = mo->npays;
    c->carrier = carrier;
    c->day = day;
    /* most carriers pay by EFT with an ERA; the first check is paper */
    c->eft = c->num > 1 && carrier % 3 != 0;
    mo->paykey[k] = mo->npays;
    return c;
}

/* The day's electronic batch (X12 837) a sent claim goes into. */
static void batch_add(struct gen *g, long day, long claimnum,
                      const struct pat *p, double fee)
{
    struct seed_money *mo = g->money;
    struct batch *b = &mo->b;
    char line[200];
    int n;
    if (b->nclaims && b->day != day)
        flush_batch(g);
    if (!b->nclaims) {
        b->day = day;
        b->textnum = ++mo->textnum;
        b->acknum = ++mo->etransnum;
        b->len = 0;
        n = snprintf(line, sizeof line,
                     "ISA*00*          *00*          *ZZ*WILLAMETTEFD   *ZZ*"
                     "CLAIMCLEARING  *%06ld*1800*^*00501*%09ld*1*P*:~"
                     "GS*HC*WILLAMETTEFD*CLAIMCLEARING*%ld*1800*%ld*X*"
                     "005010X224A2~", day % 1000000, b->textnum, day,
                     b->textnum);
        while (b->cap < n + 64)
            if (!(b->text = grow(g, b->text, &b->cap, 1)))
                return;
        memcpy(b->text, line, (size_t)n + 1);
        b->len = (size_t)n;
    }
    n = snprintf(line, sizeof line, "ST*837*%04ld*005010X224A2~NM1*QC*1*%s*%s~"
                 "CLM*%ld/%ld*%.2f***11:B:1*Y*A*Y*Y~SE*4*%04ld~",
                 b->nclaims + 1, last_names[p->ln], fname_of(p), p->num,
                 claimnum, fee, b->nclaims + 1);
    while ((long)b->len + n + 32 > b->cap)
        if (!(b->text = grow(g, b->text, &b->cap, 1)))
            return;
    memcpy(b->text + b->len, line, (size_t)n + 1);
    b->len += (size_t)n;
    b->nclaims++;
}

static const struct seed_col etrans_cols[] = {
    COL("EtransNum"), COL("DateTimeTrans"), CI("ClearingHouseNum", 1),
    COL("Etype"), COL("ClaimNum"), COL("CarrierNum"), COL("PatNum"),
    COL("BatchNumber"), COL("AckCode"), COL("TransSetNum"), COL("Note"),
    COL("EtransMessageTextNum"), COL("AckEtransNum"), C0("PlanNum"),
    C0("InsSubNum"), COL("CarrierNameRaw"), CE("PatientNameRaw"),
    COL("UserNum"),
};

/* The batch's message text and its 999 acknowledgement. */
static void flush_batch(struct gen *g)
{
    struct seed_money *mo = g->money;
    struct batch *b = &mo->b;
    if (!b->nclaims)
        return;
    b->len += (size_t)snprintf(b->text + b->len, (size_t)b->cap - b->len,
                               "GE*%ld*%ld~IEA*1*%09ld~", b->nclaims,
                               b->textnum, b->textnum);
    vi(&mo->text, b->textnum);
    vsn(&mo->text, b->text, b->len);
    ins_end(&mo->text);
    /* the clearinghouse's 999 the next morning: accepted */
    char note2[512];
    snprintf(note2, sizeof note2, "%ld claims accepted.", b->nclaims);
    ROW(&mo->etrans, etrans_cols, VI(b->acknum),
        VDT(b->day + 1 < g->today ? b->day + 1 : b->day, 420),
        VI(28), /* Acknowledge_999 */
        VI(0), VI(0), VI(0), VI(b->textnum % 1000), VS("A"), VI(0), VS(note2),
        VI(0), VI(0), VS(""), VI(0));
    b->nclaims = 0;
}

/* A claim's ClaimSent row in its day's batch. */
static void write_claim_sent(struct gen *g, const struct pat *p,
                             long claimnum, long day, double fee)
{
    struct seed_money *mo = g->money;
    batch_add(g, day, claimnum, p, fee);
    ++mo->etransnum;
    ROW(&mo->etrans, etrans_cols, VI(mo->etransnum),
        VDT(day, 1080 + mo->b.nclaims % 60), VI(0), /* ClaimSent */
        VI(claimnum), VI(g->plans[p->plan1 - 1].carrier), VI(p->num),
        VI(mo->b.textnum % 1000), VS("A"), VI(mo->b.nclaims), VS(""),
        VI(mo->b.textnum), VI(mo->b.acknum), VS(""), VI(2));
}

/* How a claim of a visit day stands today. */
struct claimstate {
    char status;        /* U, W, S, R */
    long sent, recvd;   /* DateSent, DateReceived (NO_DATE: none) */
    int finalized;      /* received and on an insurance check */
    int tracked;        /* sent long ago: the office called the carrier */
};

static void claim_state(struct gen *g, long day, struct claimstate *cs)
{
    struct rng *r = &g->money->r;
    long age = g->today - day, recv = day + 10 + rnd(r, 25);
    memset(cs, 0, sizeof *cs);
    cs->sent = cs->recvd = NO_DATE;
    while (weekday(recv) != 3) /* the carriers' weekly payment run */
        recv++;
    if (age <= 1) {
        cs->status = chance(r, 0.7) ? 'W' : 'U';
        return;
    }
    cs->sent = day;
    /* a few claims get lost: still not paid a month on (at least one, so
     * every practice has a claim to track) */
    if (recv >= g->today || chance(r, 0.04) ||
        (age > 30 && !g->money->tracknum)) {
        cs->status = 'S';
        cs->tracked = age > 30;
        return;
    }
    cs->status = 'R';
    cs->recvd = recv;
    cs->finalized = g->today - recv > 7 || chance(r, 0.6);
}

static const struct seed_col claim_cols[] = {
    COL("ClaimNum"), COL("PatNum"), COL("DateService"), COL("DateSent"),
    COL("ClaimStatus"), COL("DateReceived"), COL("PlanNum"), COL("ProvTreat"),
    COL("ClaimFee"), COL("InsPayEst"), COL("InsPayAmt"), COL("DedApplied"),
    CE("PreAuthString"), COL("IsProsthesis"), { "PriorDate", VDATE(NO_DATE) },
    COL("ReasonUnderPaid"), CE("ClaimNote"), COL("ClaimType"),
    CI("ProvBill", 1), /* the practice's billing provider (InsBillingProv 0) */
    C0("ReferringProv"), CE("RefNumString"), C0("PlaceService"),
    CE("AccidentRelated"), { "AccidentDate", VDATE(NO_DATE) },
    CE("AccidentST"), C0("EmployRelated"), C0("IsOrtho"), C0("OrthoRemainM"),
    { "OrthoDate", VDATE(NO_DATE) }, COL("PatRelat"), COL("PlanNum2"),
    COL("PatRelat2"), CD("WriteOff", 0), COL("Radiographs"), C0("ClinicNum"),
    C0("ClaimForm"), C0("AttachedImages"), C0("AttachedModels"),
    COL("AttachedFlags"), CE("AttachmentID"), COL("InsSubNum"),
    COL("InsSubNum2"), COL("CustomTracking"), COL("ClaimIdentifier"),
    CE("OrigRefNum"), C0("OrthoTotalM"), CD("ShareOfCost", 0),
    CI("SecUserNumEntry", 2), COL("SecDateEntry"), COL("SecDateTEdit"),
    COL("DateSentOrig"), CE("Narrative"),
};

static void write_claim(struct gen *g, const struct pat *p, long claimnum,
                        long day, long prov, const struct claimstate *cs,
                        double fee, double est, double paid, double ded,
                        int prosth, int xrays, const char *ctype)
{
    struct ins *b = &g->money->claim;
    long entry = day != NO_DATE ? day : cs->sent; /* a preauth: when sent */
    long edit = cs->status == 'R' ? cs->recvd : entry;
    char status[2] = { cs->status, '\0' }, ident[48];
    snprintf(ident, sizeof ident, "%ld/%ld", p->num, claimnum);
    ROW(b, claim_cols, VI(claimnum), VI(p->num), VDATE(day), VDATE(cs->sent),
        VS(status), VDATE(cs->recvd), VI(p->plan1), VI(prov), VD(money(fee)),
        VD(money(est)), VD(cs->status == 'R' ? money(paid) : 0),
        VD(money(ded)), VS(prosth ? "I" : "N"),
        VS(cs->status == 'R' && paid < est ? "Paid at the plan's allowance."
                                           : ""),
        VS(ctype), VI(p->rel1), VI(p->plan2), VI(p->plan2 ? p->rel2 : 0),
        VI(xrays), VS(xrays ? "Misc" : ""), VI(p->sub1), VI(p->sub2),
        VI(cs->tracked ? def_of(g, CAT_CLAIMTRACK, 0) : 0), VS(ident),
        VDATE(entry), VDT(cs->tracked ? g->today - 3 : edit, 1085),
        VDATE(cs->sent));
}

/* "Called insurance" on a claim sent a month ago and not yet paid. */
static const struct seed_col claimtracking_cols[] = {
    COL("ClaimTrackingNum"), COL("ClaimNum"),
    CS("TrackingType", "StatusHistory"), CI("UserNum", 3), COL("DateTimeEntry"),
    CS("Note", "Called the carrier: claim on file, in process, expect payment "
               "in 2 weeks."),
    COL("TrackingDefNum"), C0("TrackingErrorDefNum"),
};

static void write_tracking(struct gen *g, long claimnum, long day)
{
    ROW(&g->money->track, claimtracking_cols, VI(++g->money->tracknum),
        VI(claimnum), VDT(day, 615), VI(def_of(g, CAT_CLAIMTRACK, 0)));
}

/* A pre-authorization for planned prosthetic work (ClaimType PreAuth,
 * its claimproc Status Preauth, no service date): sent the day after the
 * plan, answered with the carrier's estimate three weeks later. */
static void write_preauth(struct gen *g, struct pat *p,
                          const struct seed_proc *sp, const struct est *e)
{
    struct seed_money *mo = g->money;
    struct claimstate cs;
    long claimnum = ++mo->claimnum;
    memset(&cs, 0, sizeof cs);
    cs.sent = sp->tpday + 1 < g->today ? sp->tpday + 1 : sp->tpday;
    cs.recvd = NO_DATE;
    cs.status = 'S';
    if (cs.sent + 21 < g->today) {
        cs.status = 'R';
        cs.recvd = cs.sent + 21;
    }
    write_claimproc(g, p, 1, sp->procnum, claimnum, sp->prov, sp->code,
                    sp->fee, e, 2, 0, "", 0, sp->day, cs.sent, 1,
                    cs.status == 'R' ? cs.recvd : cs.sent);
    write_claim(g, p, claimnum, NO_DATE, sp->prov, &cs, sp->fee, e->total, 0,
                e->ded, 1, 0, "PreAuth");
}

void seed_money_visit(struct gen *g, const struct seed_visit *v, double *share)
{
    struct seed_money *mo = g->money;
    struct pat *p = v->p;
    struct claimstate cs;
    struct est e1[6], e2[6];
    struct cpay *chk = NULL;
    double fee = 0, est = 0, paid = 0, ded = 0, est2 = 0, pd[6];
    long claimnum = 0;
    int i, nbill = 0, prosth = 0, xrays = 0, line = 0;
    for (i = 0; i < v->n; i++)
        share[i] = v->fees[i];
    if (!mo || g->s.rc)
        return;
    mo->lastvisit[p->num - 1] = v->day;
    mo->lastfee[p->num - 1] = 0;
    for (i = 0; i < v->n; i++)
        mo->lastfee[p->num - 1] += v->fees[i];
    if (mo->discplan[p->num - 1]) {
        discount_visit(g, v, share);
        return;
    }
    if (!p->plan1 || !p->sub1)
        return;
    memset(&cs, 0, sizeof cs);
    for (i = 0; i < v->n; i++) {
        int c = v->codeidx[i];
        memset(&e1[i], 0, sizeof e1[i]);
        memset(&e2[i], 0, sizeof e2[i]);
        if (v->fees[i] <= 0)
            continue;
        estimate(g, p, 1, c, v->fees[i], NULL, v->day, 0, 1, &e1[i]);
        if (p->plan2 && p->sub2)
            estimate(g, p, 2, c, v->fees[i], NULL, v->day, e1[i].total, 0,
                     &e2[i]);
        share[i] = money(v->fees[i] - e1[i].total - e2[i].total);
        est2 += e2[i].total;
        if (codes[c].nobill)
            continue;
        nbill++;
        fee += v->fees[i];
        est += e1[i].total;
        ded += e1[i].ded;
        prosth |= codes[c].prosth;
        xrays |= codes[c].radiology;
    }
    if (nbill) {
        claimnum = ++mo->claimnum;
        claim_state(g, v->day, &cs);
    }
    for (i = 0; i < v->n; i++) {
        int c = v->codeidx[i];
        /* most carriers pay as estimated; some pay less (allowance) */
        pd[i] = e1[i].total;
        if (nbill && cs.status == 'R' && e1[i].total > 0 && chance(&mo->r, 0.08))
            pd[i] = money(e1[i].total * 0.8);
        if (v->fees[i] <= 0)
            continue;
        if (nbill && !codes[c].nobill) {
            int st = cs.status == 'R' ? 1 : 0;
            if (st && cs.finalized && !chk &&
                !(chk = check_for(g, g->plans[p->plan1 - 1].carrier, cs.recvd)))
                return;
            paid += pd[i];
            write_claimproc(g, p, 1, v->procnums[i], claimnum, v->provs[i], c,
                            v->fees[i], &e1[i], st, pd[i],
                            pd[i] < e1[i].total ? "Paid at the plan's "
                                                  "maximum allowance." : "",
                            st && cs.finalized ? chk->num : 0, v->day,
                            st ? (cs.finalized ? chk->day : cs.recvd) : v->day,
                            ++line, st ? cs.recvd : v->day);
        } else {
            write_claimproc(g, p, 1, v->procnums[i], 0, v->provs[i], c,
                            v->fees[i], &e1[i], 6, 0, "", 0, v->day, v->day,
                            0, v->day);
        }
        if (p->plan2 && p->sub2) /* the secondary claim is not made yet */
            write_claimproc(g, p, 2, v->procnums[i], 0, v->provs[i], c,
                            v->fees[i], &e2[i], 6, 0, "", 0, v->day, v->day,
                            0, v->day);
    }
    /* the secondary plan's part is pending until its claim is made */
    p->paid += est2;
    mo->insest[p->num - 1] += est2;
    if (!nbill)
        return;
    /* the patient owes what insurance did not pay; pending claims count
     * at their estimate */
    p->paid += cs.status == 'R' ? paid : est;
    if (cs.status != 'R')
        mo->insest[p->num - 1] += est;
    write_claim(g, p, claimnum, v->day, v->provs[0], &cs, fee, est, paid, ded,
                prosth, xrays, "P");
    if (cs.sent != NO_DATE)
        write_claim_sent(g, p, claimnum, cs.sent, fee);
    if (cs.tracked)
        write_tracking(g, claimnum, g->today - 3);
    if (chk) {
        chk->amt += paid;
        chk->nclaims++;
    }
}

static const struct seed_col adjustment_cols[] = {
    COL("AdjNum"), COL("AdjDate"), COL("AdjAmt"), COL("PatNum"),
    COL("AdjType"), COL("ProvNum"), COL("AdjNote"), COL("ProcDate"),
    COL("ProcNum"), COL("DateEntry"), C0("ClinicNum"),
    CI("SecUserNumEntry", 2), COL("SecDateTEdit"),
};

/* A savings-plan member's visit: the plan's discount as an adjustment on
 * each procedure (DiscountPlans: the difference to the plan's fees). */
static void discount_visit(struct gen *g, const struct seed_visit *v,
                           double *share)
{
    struct seed_money *mo = g->money;
    int i;
    for (i = 0; i < v->n; i++) {
        double off = money(v->fees[i] - money(v->fees[i] * 0.8));
        if (off <= 0)
            continue;
        share[i] = money(v->fees[i] - off);
        v->p->paid += off; /* a negative adjustment lowers the balance */
        ++mo->adjnum;
        ROW(&mo->adj, adjustment_cols, VI(mo->adjnum), VDATE(v->day), VD(-off),
            VI(v->p->num), VI(def_of(g, CAT_ADJ, 0)), VI(v->provs[i]),
            VS("Discount plan: Willamette Smile Savings Plan"), VDATE(v->day),
            VI(v->procnums[i]), VDATE(v->day), VDT(v->day, v->endmin + 2));
    }
}

void seed_money_broken(struct gen *g, struct pat *p, long aptnum, long day,
                       long min, long prov)
{
    struct seed_money *mo = g->money;
    (void)aptnum;
    if (!mo || g->s.rc || !chance(&mo->r, 0.6))
        return;
    /* BrokenApptAdjustmentType: the fee for a missed appointment */
    p->charges += 50;
    ++mo->adjnum;
    ROW(&mo->adj, adjustment_cols, VI(mo->adjnum), VDATE(day), VD(50),
        VI(p->num), VI(def_of(g, CAT_ADJ, 5)), VI(prov),
        VS("Broken appointment fee (less than 24 hours notice)."), VDATE(day),
        VI(0), VDATE(day), VDT(day, min));
}

/* ---- begin / end ------------------------------------------------------------ */

void seed_money_begin(struct gen *g)
{
    struct seed_money *mo;
    long stamp = g->today - 700;
    if (g->s.rc)
        return;
    if (!(mo = g->money = calloc(1, sizeof *mo)) ||
        !(mo->used = calloc((size_t)g->npat, sizeof *mo->used)) ||
        !(mo->ded = calloc((size_t)g->npat, sizeof *mo->ded)) ||
        !(mo->insest = calloc((size_t)g->npat, sizeof *mo->insest)) ||
        !(mo->year = calloc((size_t)g->npat, sizeof *mo->year)) ||
        !(mo->lastvisit = calloc((size_t)g->npat, sizeof *mo->lastvisit)) ||
        !(mo->lastfee = calloc((size_t)g->npat, sizeof *mo->lastfee)) ||
        !(mo->discplan = calloc((size_t)g->npat, sizeof *mo->discplan))) {
        fail(&g->s, ODAPI_E_NOMEM, "seeding: out of memory");
        return;
    }
    mo->r = seed_stream(g, "money");
    /* insurance checks: weeks from a year back to today */
    mo->week0 = g->today - 400;
    mo->nweeks = 400 / 7 + 2;
    if (!(mo->paykey = calloc((size_t)(mo->nweeks * 8), sizeof *mo->paykey))) {
        fail(&g->s, ODAPI_E_NOMEM, "seeding: out of memory");
        return;
    }
    mo->benefitnum = max_key(g, "benefit", "BenefitNum");
    seed_covcats(g);
    seed_codegroups(g);
    seed_plan_benefits(g, stamp);
    seed_substitutions(g);
    seed_discount_plans(g, stamp);
    if (INS_TABLE(&mo->claim, &g->s, "claim", claim_cols) ||
        INS_TABLE(&mo->cp, &g->s, "claimproc", claimproc_cols) ||
        INS_TABLE(&mo->etrans, &g->s, "etrans", etrans_cols) ||
        ins_init(&mo->text, &g->s, "etransmessagetext",
                 "EtransMessageTextNum,MessageText") ||
        INS_TABLE(&mo->adj, &g->s, "adjustment", adjustment_cols) ||
        INS_TABLE(&mo->track, &g->s, "claimtracking", claimtracking_cols))
        return;
}

/* ---- insurance checks, their ERAs and EOBs ---------------------------------- */

/* A one-page PDF, for the scanned EOBs of paper checks (eobattach.RawBase64:
 * the sandbox has no A to Z folder). */
static const char eob_pdf[] =
    "JVBERi0xLjQKMSAwIG9iajw8L1R5cGUvQ2F0YWxvZy9QYWdlcyAyIDAgUj4+ZW5kb2JqCjIg"
    "MCBvYmo8PC9UeXBlL1BhZ2VzL0tpZHNbMyAwIFJdL0NvdW50IDE+PmVuZG9iagozIDAgb2Jq"
    "PDwvVHlwZS9QYWdlL1BhcmVudCAyIDAgUi9NZWRpYUJveFswIDAgNjEyIDc5Ml0vQ29udGVu"
    "dHMgNCAwIFIvUmVzb3VyY2VzPDwvRm9udDw8L0YxIDUgMCBSPj4+Pj4+ZW5kb2JqCjQgMCBv"
    "Ymo8PC9MZW5ndGggNDQ+PnN0cmVhbQpCVCAvRjEgMTggVGYgNzIgNzIwIFRkIChFeHBsYW5h"
    "dGlvbiBvZiBCZW5lZml0cykgVGogRVQKZW5kc3RyZWFtIGVuZG9iago1IDAgb2JqPDwvVHlw"
    "ZS9Gb250L1N1YnR5cGUvVHlwZTEvQmFzZUZvbnQvSGVsdmV0aWNhPj5lbmRvYmoKdHJhaWxl"
    "cjw8L1Jvb3QgMSAwIFI+PgolJUVPRgo=";

static const struct seed_col eobattach_cols[] = {
    COL("EobAttachNum"), COL("ClaimPaymentNum"), COL("DateTCreated"),
    COL("FileName"), COL("RawBase64"),
};

static const struct seed_col claimpayment_cols[] = {
    COL("ClaimPaymentNum"), COL("CheckDate"), COL("CheckAmt"), COL("CheckNum"),
    CE("BankBranch"), COL("Note"), C0("ClinicNum"), C0("DepositNum"),
    COL("CarrierName"), COL("DateIssued"), C0("IsPartial"), COL("PayType"),
    CI("SecUserNumEntry", 3), COL("SecDateEntry"), COL("SecDateTEdit"),
    COL("PayGroup"),
};

static void seed_claim_payments(struct gen *g)
{
    struct seed_money *mo = g->money;
    struct ins b, eob;
    long i, neob = 0;
    if (INS_TABLE(&b, &g->s, "claimpayment", claimpayment_cols) ||
        INS_TABLE(&eob, &g->s, "eobattach", eobattach_cols))
        return;
    for (i = 0; i < mo->npays && !g->s.rc; i++) {
        const struct cpay *c = &mo->pays[i];
        char num[32];
        if (c->eft)
            snprintf(num, sizeof num, "EFT%07ld", 1000000 + c->num * 7919 % 9000000);
        else
            snprintf(num, sizeof num, "%06ld", 200000 + c->num * 131 % 700000);
        char note4[512];
        snprintf(note4, sizeof note4, "%ld claims", c->nclaims);
        ROW(&b, claimpayment_cols, VI(c->num), VDATE(c->day),
            VD(money(c->amt)), VS(num), VS(note4),
            VS(carrier_name(c->carrier)), VDATE(c->day - 3),
            VI(def_of(g, CAT_INSPAY, c->eft ? 1 : 0)), VDATE(c->day),
            VDT(c->day, 840 + c->num % 60),
            VI(def_of(g, CAT_CLAIMPAYGROUP, 0)));
        if (c->eft) { /* the carrier's 835 that came with it */
            char era[400];
            int n = snprintf(era, sizeof era,
                             "ISA*00*          *00*          *ZZ*CLAIMCLEARING  "
                             "*ZZ*WILLAMETTEFD   *%06ld*0600*^*00501*%09ld*0*P*:~"
                             "ST*835*0001~BPR*I*%.2f*C*ACH*CCP*01*999999999*DA*"
                             "123456*1999999999**01*999988880*DA*98765*%ld~"
                             "TRN*1*%s*1999999999~N1*PR*%s~SE*5*0001~IEA*1*%09ld~",
                             c->day % 1000000, mo->textnum + 1, c->amt, c->day,
                             num, carrier_name(c->carrier), mo->textnum + 1);
            vi(&mo->text, ++mo->textnum);
            vsn(&mo->text, era, n > 0 && (size_t)n < sizeof era ? (size_t)n : 0);
            ins_end(&mo->text);
            ++mo->etransnum;
            char note3[512];
            snprintf(note3, sizeof note3, "%ld claims, %.2f", c->nclaims,
                     c->amt);
            ROW(&mo->etrans, etrans_cols, VI(mo->etransnum), VDT(c->day, 360),
                VI(27), /* ERA_835 */
                VI(0), VI(c->carrier), VI(0), VI(0), VS("Recd"), VI(0),
                VS(note3), VI(mo->textnum), VI(0),
                VS(carrier_name(c->carrier)), VI(3));
        } else { /* a paper check: the EOB scanned in */
            int y, m, d;
            civil_from_days(c->day, &y, &m, &d);
            ++neob;
            char filename[512];
            snprintf(filename, sizeof filename,
                     "%04d%02d%02d_1405%02ld_%ld.pdf", y, m, d, c->num % 60,
                     neob);
            ROW(&eob, eobattach_cols, VI(neob), VI(c->num), VDT(c->day, 845),
                VS(filename), VS(eob_pdf));
        }
    }
    ins_done(&b);
    ins_done(&eob);
}

static const struct seed_col insverify_cols[] = {
    COL("InsVerifyNum"), COL("DateLastVerified"), COL("UserNum"),
    COL("VerifyType"), COL("FKey"), COL("DefNum"), COL("Note"),
    COL("DateLastAssigned"), COL("DateTimeEntry"),
    COL("HoursAvailableForVerification"), COL("SecDateTEdit"),
};

/* Benefits of every plan and the enrollment of every patient's plan are
 * verified before appointments (InsVerifies: one row per plan and per
 * patplan, VerifyType InsuranceBenefit / PatientEnrollment). */
static void seed_insverifies(struct gen *g)
{
    struct seed_money *mo = g->money;
    struct ins b;
    long i, n = 0, pp = 0;
    int k;
    if (INS_TABLE(&b, &g->s, "insverify", insverify_cols))
        return;
    for (i = 1; i <= g->nplans; i++) {
        long made = g->today - 700 + (i - 1) % 200, last = g->today - 1 - rnd(&mo->r, 200);
        ++n;
        ROW(&b, insverify_cols, VI(n), VDATE(last), VI(0), VI(1), VI(i),
            VI(def_of(g, CAT_INSVERIFY, 0)), VS(""), VDT(last, 600),
            VDT(made, 630), VD(0), VDT(last, 600 + i % 60));
    }
    for (i = 0; i < g->npat; i++) { /* patplans in seed_insurance's order */
        const struct pat *p = &g->pats[i];
        for (k = 0; k < 2; k++) {
            int stale;
            long last;
            if (!(k ? p->plan2 : p->plan1))
                continue;
            pp++;
            stale = chance(&mo->r, 0.15);
            last = stale ? NO_DATE : g->today - 1 - rnd(&mo->r, 150);
            ++n;
            ROW(&b, insverify_cols, VI(n), VDATE(last), VI(stale ? 3 : 0),
                VI(2), VI(pp), VI(def_of(g, CAT_INSVERIFY, stale ? 1 : 0)),
                VS(stale ? "Carrier website down; call the carrier." : ""),
                VDT(stale ? g->today - 2 : last, 610),
                VDT(g->today - 30 - (p->num * 7) % 700, 610),
                VD(stale ? 26.5 : 0), VDT(stale ? g->today - 2 : last, 611));
        }
    }
    ins_done(&b);
}

/* ---- payments of the money part: prepayments, payment plans ----------------- */

struct paywriter {
    struct ins pay, split;
    long paynum, splitnum;
};

static const struct seed_col paysplit_cols[] = {
    COL("SplitNum"), COL("SplitAmt"), COL("PatNum"), COL("ProcDate"),
    COL("PayNum"), COL("ProvNum"), COL("DatePay"), COL("ProcNum"),
    COL("DateEntry"), COL("UnearnedType"), C0("ClinicNum"),
    CI("SecUserNumEntry", 2), COL("SecDateTEdit"), COL("PayPlanNum"),
    COL("PayPlanChargeNum"), COL("PayPlanDebitType"),
};

static int pw_init(struct gen *g, struct paywriter *w)
{
    w->paynum = long_max(g->paynum, max_key(g, "payment", "PayNum"));
    w->splitnum = long_max(g->splitnum, max_key(g, "paysplit", "SplitNum"));
    return pay_open(&w->pay, &g->s) ||
           INS_TABLE(&w->split, &g->s, "paysplit", paysplit_cols);
}

static long pw_payment(struct gen *g, struct paywriter *w, long patnum,
                       long day, double amt, int paytype, const char *note)
{
    char check[24] = "";
    ++w->paynum;
    if (paytype == 0)
        snprintf(check, sizeof check, "%ld", 1000 + w->paynum * 37 % 9000);
    pay_row(&w->pay, w->paynum, def_of(g, CAT_PAYTYPE, paytype), day,
            600 + w->paynum % 420, money(amt), check, note, 0, patnum);
    return w->paynum;
}

static long pw_split(struct gen *g, struct paywriter *w, long paynum,
                     long patnum, long day, double amt, long prov, long procnum,
                     long unearned, long payplan, long charge, int debittype)
{
    (void)g;
    ++w->splitnum;
    ROW(&w->split, paysplit_cols, VI(w->splitnum), VD(money(amt)), VI(patnum),
        VDATE(day), VI(paynum), VI(prov), VDATE(day), VI(procnum), VDATE(day),
        VI(unearned), VDT(day, 600 + w->splitnum % 420), VI(payplan),
        VI(charge), VI(debittype));
    return w->splitnum;
}

/* Money paid ahead: half of some scheduled crowns (treatment plan
 * prepayments, attached to the planned procedure), and credit a few
 * patients left on account (PrepaymentUnearnedType). */
static void seed_prepayments(struct gen *g, struct paywriter *w)
{
    struct seed_money *mo = g->money;
    long i, n = g->npat / 60 > 2 ? g->npat / 60 : 2;
    for (i = 0; i < mo->npre && !g->s.rc; i++) {
        const struct prepay *pp = &mo->pre[i];
        long pay;
        if (pp->amt <= 0)
            continue;
        pay = pw_payment(g, w, pat_of(g, pp->patnum)->guar, pp->day, pp->amt,
                         2, "Prepayment for crown.");
        pw_split(g, w, pay, pp->patnum, pp->day, pp->amt, pp->prov,
                 pp->procnum, def_of(g, CAT_UNEARNED, 1), 0, 0, 0);
        pat_of(g, pp->patnum)->paid += pp->amt;
    }
    for (i = 0; i < n && g->nactive; i++) {
        struct pat *p = pat_of(g, g->active[rnd(&mo->r, g->nactive)]);
        long day = g->today - 1 - rnd(&mo->r, 40), pay;
        double amt = 50.0 * (1 + rnd(&mo->r, 6));
        if (p->num != p->guar)
            continue;
        pay = pw_payment(g, w, p->num, day, amt, (int)rnd(&mo->r, 3),
                         "Paid ahead on account.");
        pw_split(g, w, pay, p->num, day, amt, 0, 0,
                 def_of(g, CAT_UNEARNED, 0), 0, 0, 0);
        p->paid += amt;
    }
}

static int by_balance(const void *a, const void *b)
{
    const struct pat *x = *(const struct pat *const *)a;
    const struct pat *y = *(const struct pat *const *)b;
    double bx = x->charges - x->paid, by = y->charges - y->paid;
    if (bx != by)
        return bx < by ? 1 : -1;
    return x->num < y->num ? -1 : 1;
}

/* Day plus n months (Interval's AddMonths: the day of month kept, or the
 * month's last day). */
static long add_months(long day, int n)
{
    int y, m, d, mlen;
    static const int len[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    civil_from_days(day, &y, &m, &d);
    m += n;
    y += (m - 1) / 12;
    m = (m - 1) % 12 + 1;
    mlen = len[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
    return days_from_civil(y, (unsigned)m, (unsigned)(d < mlen ? d : mlen));
}

static const struct seed_col payplan_cols[] = {
    COL("PayPlanNum"), COL("PatNum"), COL("Guarantor"), COL("PayPlanDate"),
    COL("APR"), COL("Note"), C0("PlanNum"), COL("CompletedAmt"),
    C0("InsSubNum"), C0("PaySchedule") /* Monthly */, COL("NumberOfPayments"),
    COL("PayAmt"), CD("DownPayment", 0), COL("IsClosed"), COL("PlanCategory"),
    COL("IsDynamic"), CI("ChargeFrequency", 3) /* Monthly */,
    COL("DatePayPlanStart"), COL("IsLocked"), COL("DateInterestStart"),
    COL("DynamicPayPlanTPOption"), CE("Signature"),
};

static const struct seed_col payplancharge_cols[] = {
    COL("PayPlanChargeNum"), COL("PayPlanNum"), COL("Guarantor"),
    COL("PatNum"), COL("ChargeDate"), COL("Principal"), COL("Interest"),
    COL("Note"), COL("ProvNum"), C0("ClinicNum"), COL("ChargeType"),
    C0("ProcNum"), COL("SecDateTEntry"), COL("SecDateTEdit"),
};

struct planspec {
    int dynamic, closed, npay;
    double apr;
};

/* One payment plan for patient p's balance: its credit, its debits (a
 * static plan has its whole schedule, a dynamic one the charges due so
 * far), and the payments made on them. */
static void write_payplan(struct gen *g, struct paywriter *w, struct ins *pl,
                          struct ins *ch, long *chnum, long num, struct pat *p,
                          const struct planspec *s)
{
    struct seed_money *mo = g->money;
    long start = mo->lastvisit[p->num - 1], first = start + 30, due, prov = p->priprov;
    double total = money(floor((p->charges - p->paid) / 10) * 10), left = total;
    double payamt = money(ceil(total / s->npay)), paid = 0;
    int k;
    char note[120];
    if (s->closed) /* paid off two weeks in: one close-out charge */
        first = start + 14;
    snprintf(note, sizeof note,
             "%d payments of %.2f, %.1f%% APR. Signed at checkout.", s->npay,
             payamt, s->apr);
    ROW(pl, payplan_cols, VI(num), VI(p->num), VI(p->guar), VDATE(start),
        VD(s->apr), VS(note), VD(total), VI(s->npay), VD(payamt),
        VI(s->closed), VI(def_of(g, CAT_PAYPLANCAT, 0)), VI(s->dynamic),
        VDATE(first), VI(s->dynamic), VDATE(s->apr > 0 ? first : NO_DATE),
        VI(s->dynamic ? 1 : 0)); /* AwaitComplete */
    /* the credit: the treatment the plan pays for */
    ROW(ch, payplancharge_cols, VI(++*chnum), VI(num), VI(0), VI(p->num),
        VDATE(start), VD(total), VD(0), VS(""), VI(prov), VI(1),
        VDT(start, 1000), VDT(start, 1000));
    for (k = 0; k < s->npay && left > 0.005; k++) {
        double interest = money(left * s->apr / 1200), principal;
        long pay, made;
        due = add_months(first, k);
        if (s->dynamic && due > g->today)
            break; /* a dynamic plan's charges are made as they come due */
        principal = s->closed || k == s->npay - 1 || payamt - interest > left
                        ? left : money(payamt - interest);
        left = money(left - principal);
        made = s->dynamic ? due : start;
        ROW(ch, payplancharge_cols, VI(++*chnum), VI(num), VI(p->guar),
            VI(p->num), VDATE(due), VD(principal), VD(interest),
            VS(s->closed ? "Close Out Charge" : ""), VI(prov), VI(0),
            VDT(made, 1001), VDT(made, 1001));
        if (due + 2 >= g->today)
            continue; /* not paid yet */
        pay = pw_payment(g, w, p->guar, due + 2, principal + interest, 2,
                         "Payment plan payment.");
        pw_split(g, w, pay, p->num, due + 2, principal, prov, 0, 0, num, *chnum, 1);
        if (interest > 0)
            pw_split(g, w, pay, p->num, due + 2, interest, prov, 0, 0, num,
                     *chnum, 2);
        paid += principal + interest;
    }
    p->paid += paid;
}

static void seed_payplans(struct gen *g, struct paywriter *w)
{
    struct seed_money *mo = g->money;
    struct pat **cand;
    struct ins pl, ch;
    long i, n = 0, want = g->npat / 40 > 4 ? g->npat / 40 : 4, chnum = 0;
    if (!(cand = calloc((size_t)g->npat, sizeof *cand))) {
        fail(&g->s, ODAPI_E_NOMEM, "seeding: out of memory");
        return;
    }
    for (i = 0; i < g->npat; i++) {
        struct pat *p = &g->pats[i];
        if (p->charges - p->paid >= 100 && mo->lastvisit[i] &&
            mo->lastvisit[i] < g->today - 2 && p->status == 0)
            cand[n++] = p;
    }
    qsort(cand, (size_t)n, sizeof *cand, by_balance);
    /* the plan paid off (the second): the largest balance from a visit old
     * enough for its payment, when the largest are all too recent */
    for (i = 1; i < n; i++)
        if (mo->lastvisit[cand[i]->num - 1] + 16 < g->today) {
            struct pat *t = cand[i];
            memmove(cand + 2, cand + 1, (size_t)(i - 1) * sizeof *cand);
            cand[1] = t;
            break;
        }
    if (n > want)
        n = want;
    if (INS_TABLE(&pl, &g->s, "payplan", payplan_cols) ||
        INS_TABLE(&ch, &g->s, "payplancharge", payplancharge_cols)) {
        free(cand);
        return;
    }
    for (i = 0; i < n && !g->s.rc; i++) {
        /* the first a dynamic plan, the second paid off and closed, the rest
         * static plans of 3 to 12 months, some with interest */
        struct planspec s;
        s.dynamic = i == 0;
        s.closed = i == 1 && mo->lastvisit[cand[i]->num - 1] + 16 < g->today;
        s.npay = s.closed ? 1 : 3 + (int)rnd(&mo->r, 10);
        s.apr = i % 3 == 2 ? 9.9 : 0;
        write_payplan(g, w, &pl, &ch, &chnum, i + 1, cand[i], &s);
    }
    ins_done(&pl);
    ins_done(&ch);
    free(cand);
}

/* ---- statements ---------------------------------------------------------------- */

static const struct seed_col statement_cols[] = {
    COL("StatementNum"), COL("PatNum"), COL("DateSent"), COL("DateRangeFrom"),
    COL("DateRangeTo"), COL("Note"), COL("NoteBold"), COL("Mode_"),
    C0("HidePayment"), C0("SinglePatient"), C0("Intermingled"),
    CI("IsSent", 1), C0("DocNum"), COL("DateTStamp"), C0("IsReceipt"),
    C0("IsInvoice"), C0("IsInvoiceCopy"), C0("SuperFamily"),
    CI("IsBalValid", 1), COL("InsEst"), COL("BalTotal"),
    CS("StatementType", "NotSet"), COL("SmsSendStatus"),
    C0("LimitedCustomFamily"), CE("EmailSubject"), CE("EmailBody"),
};

/* The last billing run (the first weekday of the month, or a month ago)
 * mailed or e-mailed a statement to every family that owed money. */
static void seed_statements(struct gen *g)
{
    struct seed_money *mo = g->money;
    struct ins b;
    long f, n = 0, run;
    int y, m, d;
    civil_from_days(g->today - 1, &y, &m, &d);
    run = days_from_civil(y, (unsigned)m, 1);
    if (run >= g->today - 3)
        run -= 28;
    while (weekday(run) == 0 || weekday(run) == 6)
        run++;
    if (INS_TABLE(&b, &g->s, "statement", statement_cols))
        return;
    for (f = 0; f < g->nfam && !g->s.rc; f++) {
        long guar = g->fams[f].guar, pn;
        double bal = 0, insest = 0;
        int email = pat_of(g, guar)->email && pat_of(g, guar)->pref == 5;
        for (pn = guar; pn <= g->npat && pat_of(g, pn)->fam == (int)f; pn++) {
            const struct pat *p = pat_of(g, pn);
            bal += p->charges - p->paid + mo->insest[pn - 1];
            insest += mo->insest[pn - 1];
        }
        if (bal - insest < 5)
            continue;
        ++n;
        ROW(&b, statement_cols, VI(n), VI(guar), VDATE(run), VDATE(run - 45),
            VDATE(run),
            VS("Thank you for choosing Willamette Family Dental. Payment is "
               "due "
               "within 30 days."),
            VS(bal - insest > 500
                   ? "Please call our office to set up a payment "
                     "plan."
                   : ""),
            VI(email ? 2 : 0), VDT(run, 480 + n % 60), VD(money(insest)),
            VD(money(bal)), VI(email ? 1 : 0));
    }
    ins_done(&b);
}

/* Flush and close the streams the part keeps open (ins_done twice is
 * harmless: after a failure some are open, some closed). */
static void money_close(struct seed_money *mo)
{
    ins_done(&mo->claim);
    ins_done(&mo->cp);
    ins_done(&mo->etrans);
    ins_done(&mo->text);
    ins_done(&mo->adj);
    ins_done(&mo->track);
}

/* After the visits: close the streams, then what needs the whole history. */
void seed_money_end(struct gen *g)
{
    struct seed_money *mo = g->money;
    struct paywriter w;
    if (!mo || g->s.rc)
        return;
    flush_batch(g);
    seed_claim_payments(g);
    money_close(mo);
    seed_insverifies(g);
    if (!g->s.rc && !pw_init(g, &w)) {
        seed_prepayments(g, &w);
        seed_payplans(g, &w);
        ins_done(&w.pay);
        ins_done(&w.split);
        g->paynum = w.paynum;
        g->splitnum = w.splitnum;
    }
    seed_statements(g);
}

void seed_money_free(struct gen *g)
{
    struct seed_money *mo = g->money;
    if (!mo)
        return;
    /* after a failure the streams may still be open */
    money_close(mo);
    free(mo->used);
    free(mo->ded);
    free(mo->insest);
    free(mo->year);
    free(mo->lastvisit);
    free(mo->lastfee);
    free(mo->discplan);
    free(mo->pays);
    free(mo->paykey);
    free(mo->pre);
    free(mo->b.text);
    free(mo);
    g->money = NULL;
}

void seed_money_last_est(struct gen *g, double *pri, double *sec)
{
    *pri = g->money ? g->money->last_pri : 0;
    *sec = g->money ? g->money->last_sec : 0;
}
