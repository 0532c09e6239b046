/*
 * ledger.c - Open Dental's family aging and account balances, as
 * OpenDentBusiness/Db Multi Table/Ledgers.cs computes them
 * (GetTransQueryString, GetTransQueryStringAgeByProc,
 * GetAgingGuarTransQuery, GetAgingQueryString, ComputeAging), written as
 * our own statements. The statement text depends only on preferences and
 * on which rows are wanted (one family or all), never on request input;
 * the family, the dates and the amounts are bound parameters.
 */
#include "db/ledger-internal.h"
#include "core/odapi-internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- building a statement ------------------------------------------------ */

/* The longest statement below is about 6 KB. */
#define SQL_MAX 12288

struct sqlb {
    char s[SQL_MAX];
    size_t n;
    int over;
    struct od_prm p[OD_MAXPRM];
    int np;
    char dates[12][11]; /* bound date strings live as long as the builder */
    int ndates;
};

static void sadd(struct sqlb *q, const char *s)
{
    size_t l = strlen(s);
    if (q->over || q->n + l >= sizeof q->s) {
        q->over = 1;
        return;
    }
    memcpy(q->s + q->n, s, l + 1);
    q->n += l;
}

/* A "?" and its value. */
static void sprm(struct sqlb *q, struct od_prm v)
{
    if (q->np == OD_MAXPRM) {
        q->over = 1;
        return;
    }
    q->p[q->np++] = v;
    sadd(q, "?");
}

/* A "?" bound to a date kept in the builder. */
static void sdate(struct sqlb *q, const char *day)
{
    char *d;
    if (q->ndates == (int)OD_ARRAY_LEN(q->dates)) {
        q->over = 1;
        return;
    }
    d = q->dates[q->ndates++];
    snprintf(d, 11, "%s", day);
    sprm(q, OD_PS(d));
}

/* " AND col IN (the family of guar)"; nothing for every family. */
static void sfam(struct sqlb *q, const char *col, long long guar)
{
    if (guar <= 0)
        return;
    sadd(q, " AND ");
    sadd(q, col);
    sadd(q, " IN (SELECT f.PatNum FROM patient f WHERE f.Guarantor = ");
    sprm(q, OD_PI(guar));
    sadd(q, ")");
}

/* A statement too long for the builder is a bug of ours: say so. */
static int overflowed(struct od_conn *c, const struct sqlb *q)
{
    if (q->over)
        od_conn_log(c, ODAPI_LOG_ERROR, "ledger: a statement outgrew its "
                    "buffer or its %d parameters", OD_MAXPRM);
    return q->over;
}

/* ---- preferences --------------------------------------------------------- */

struct prefrow {
    struct od_ledger_prefs *p;
};

static long long num(const char *s)
{
    long long v;
    return od_parse_ll(s, &v) ? 0 : v;
}

static int take_pref(void *ctx, char **cols)
{
    struct od_ledger_prefs *p = ((struct prefrow *)ctx)->p;
    const char *n = cols[0], *v = cols[1];
    if (!strcmp(n, "PayPlansVersion"))
        p->ppv = (int)num(v);
    else if (!strcmp(n, "AgingProcLifo"))
        p->lifo = num(v) == 1; /* YN: 0 Unknown, 1 Yes, 2 No */
    else if (!strcmp(n, "PayPlansBillInAdvanceDays"))
        p->bill_advance = (long)num(v);
    else if (!strcmp(n, "BalancesDontSubtractIns"))
        p->dont_subtract_ins = num(v) != 0;
    else if (!strcmp(n, "RigorousAccounting"))
        p->rigorous = (int)num(v);
    else if (!strcmp(n, "PrepaymentUnearnedType"))
        p->prepay_type = num(v);
    else if (!strcmp(n, "DynamicPayPlanPrepaymentUnearnedType"))
        p->dpp_prepay_type = num(v);
    else if (!strcmp(n, "PracticeDefaultProv"))
        p->practice_prov = num(v);
    else if (!strcmp(n, "EasyNoClinics"))
        p->clinics = num(v) != 1;
    else if (!strcmp(n, "ReportsShowPatNum"))
        p->show_patnum = num(v) != 0;
    else if (!strcmp(n, "FinanceChargeAdjustmentType"))
        p->fin_adj_type = num(v);
    else if (!strcmp(n, "AdjustmentsOffsetEachOther"))
        p->adj_offset = num(v) != 0;
    return 0;
}

int od_ledger_prefs_read(struct od_conn *c, struct od_ledger_prefs *p)
{
    struct prefrow r = {p};
    memset(p, 0, sizeof *p);
    /* Open Dental's shipped values where a database lacks the row */
    p->ppv = 1;
    p->rigorous = 1;
    p->adj_offset = 1;
    if (od_query_each(c,
                      "SELECT PrefName, ValueString FROM preference WHERE "
                      "PrefName IN ('PayPlansVersion', 'AgingProcLifo', "
                      "'PayPlansBillInAdvanceDays', 'BalancesDontSubtractIns', "
                      "'RigorousAccounting', 'PrepaymentUnearnedType', "
                      "'DynamicPayPlanPrepaymentUnearnedType', "
                      "'PracticeDefaultProv', 'EasyNoClinics', "
                      "'ReportsShowPatNum', 'FinanceChargeAdjustmentType', "
                      "'AdjustmentsOffsetEachOther')",
                      NULL, 0, 2, take_pref, &r) < 0)
        return -1;
    if (od_query_row(c, "SELECT DATE_FORMAT(CURDATE(), '%Y-%m-%d')", NULL, 0,
                     1, &p->today) < 0)
        return -1;
    if (p->ppv < 1 || p->ppv > 4)
        p->ppv = 1;
    if (p->rigorous < 0 || p->rigorous > 2)
        p->rigorous = 1;
    return 0;
}

/* ---- the transactions (Ledgers.GetTransQueryString) --------------------- */

struct tropts {
    long long guar;       /* a family, or 0: everyone */
    const char *asof;     /* "yyyy-MM-dd" */
    const char *today;
    int historic;
    int aged;             /* AgedProcNum/AgedProcDate columns (LIFO) */
    int acct_qty;         /* the Account module's charge: fee x max(1, units) */
};

/* the LIFO columns of a row that is not aged by a procedure */
#define NOT_AGED ",0 AgedProcNum,CAST('0001-01-01' AS DATE) AgedProcDate"

static void tr_procs(struct sqlb *q, const struct tropts *o)
{
    sadd(q, "SELECT 'Proc' TranType,pl.PatNum,pl.ProcDate TranDate,");
    sadd(q, o->acct_qty ? "pl.ProcFee*GREATEST(1,pl.UnitQty+pl.BaseUnits)"
                        : "pl.ProcFee*(pl.UnitQty+pl.BaseUnits)");
    sadd(q, " TranAmount,0 PayPlanAmount,0 InsWoEst,0 InsPayEst");
    if (o->aged)
        sadd(q, NOT_AGED);
    sadd(q, " FROM procedurelog pl WHERE pl.ProcStatus=2 AND pl.ProcFee!=0");
    sfam(q, "pl.PatNum", o->guar);
}

/* NotReceived claimprocs are the estimates; a historic aging also counts
 * those received after the date. */
static void tr_estimated(struct sqlb *q, const struct tropts *o)
{
    if (!o->historic) {
        sadd(q, "cp.Status=0");
        return;
    }
    sadd(q, "cp.ProcDate<=");
    sdate(q, o->asof);
    sadd(q, " AND (cp.Status=0 OR (cp.Status=1 AND cp.DateCP>");
    sdate(q, o->asof);
    sadd(q, "))");
}

static void tr_claimprocs(struct sqlb *q, const struct tropts *o)
{
    /* the estimate condition is used twice; its dates are bound twice */
    sadd(q, " UNION ALL SELECT 'Claimproc',cp.PatNum,cp.DateCP,"
            "(CASE WHEN cp.Status!=0 THEN (CASE WHEN cp.PayPlanNum=0 THEN "
            "-cp.InsPayAmt ELSE 0 END)-cp.WriteOff ELSE 0 END),0,"
            "(CASE WHEN ");
    tr_estimated(q, o);
    sadd(q, " THEN cp.WriteOff ELSE 0 END),(CASE WHEN ");
    tr_estimated(q, o);
    sadd(q, " THEN cp.InsPayEst ELSE 0 END)");
    if (o->aged)
        sadd(q, NOT_AGED);
    sadd(q, " FROM claimproc cp LEFT JOIN procedurelog p ON "
            "cp.ProcNum=p.ProcNum WHERE cp.Status IN (0,1,4,5,7) AND "
            "(cp.ProcNum=0 OR p.ProcStatus=2)");
    sfam(q, "cp.PatNum", o->guar);
}

static void tr_adjustments(struct sqlb *q, const struct tropts *o)
{
    sadd(q, " UNION ALL SELECT 'Adj',a.PatNum,a.AdjDate,a.AdjAmt,0,0,0");
    if (o->aged)
        sadd(q, ",a.ProcNum,a.ProcDate");
    sadd(q, " FROM adjustment a WHERE a.AdjAmt!=0");
    sfam(q, "a.PatNum", o->guar);
}

/* Hidden unearned types (an ItemValue: "do not show on account", the
 * treatment plan prepayments) are not on the ledger. */
#define NOT_HIDDEN_UNEARNED(col)                                              \
    " AND " col " NOT IN (SELECT d.DefNum FROM definition d WHERE "           \
    "d.Category=29 AND d.ItemValue<>'')"

static void tr_paysplits(struct sqlb *q, const struct tropts *o,
                         const struct od_ledger_prefs *p)
{
    int v2 = p->ppv == 2;
    sadd(q, " UNION ALL SELECT 'PatPay',ps.PatNum,ps.DatePay,");
    /* v1 and v3: splits on payment plans are in the plan, not the ledger */
    sadd(q, v2 || p->ppv == 4 ? "-ps.SplitAmt,"
                              : "(CASE WHEN ps.PayPlanNum=0 THEN -ps.SplitAmt "
                                "ELSE 0 END),");
    sadd(q, v2 ? "(CASE WHEN ps.PayPlanNum!=0 AND COALESCE(pp.IsClosed,0)=0 "
                 "THEN -ps.SplitAmt ELSE 0 END),0,0"
               : "(CASE WHEN ps.PayPlanNum!=0 THEN -ps.SplitAmt ELSE 0 END),"
                 "0,0");
    if (o->aged)
        sadd(q, NOT_AGED);
    sadd(q, " FROM paysplit ps");
    if (v2)
        sadd(q, " LEFT JOIN payplan pp ON ps.PayPlanNum=pp.PayPlanNum");
    sadd(q, " WHERE ps.SplitAmt!=0" NOT_HIDDEN_UNEARNED("ps.UnearnedType"));
    if (o->historic) {
        sadd(q, " AND ps.DatePay<=");
        sdate(q, o->asof);
    }
    sfam(q, "ps.PatNum", o->guar);
}

/* Charges due on patient payment plans (PayPlanDue only), billed
 * PayPlansBillInAdvanceDays ahead. */
static void tr_ppcharges(struct sqlb *q, const struct tropts *o,
                         const struct od_ledger_prefs *p)
{
    sadd(q, " UNION ALL SELECT 'PPCharge',ppc.Guarantor,ppc.ChargeDate,0,"
            "ppc.Principal+ppc.Interest,0,0");
    if (o->aged)
        sadd(q, NOT_AGED);
    sadd(q, " FROM payplancharge ppc INNER JOIN payplan pp ON "
            "ppc.PayPlanNum=pp.PayPlanNum WHERE ppc.ChargeDate<=DATE_ADD(");
    /* Ledgers.cs: a historic aging still bills from today */
    sdate(q, o->historic ? o->today : o->asof);
    sadd(q, ",INTERVAL ");
    sprm(q, OD_PI(p->bill_advance));
    sadd(q, " DAY) AND ppc.ChargeType=0");
    if (p->ppv == 2)
        sadd(q, " AND pp.IsClosed=0");
    sfam(q, "ppc.Guarantor", o->guar);
    sadd(q, " AND ppc.Principal+ppc.Interest!=0 AND pp.PlanNum=0");
}

/* The plan charges due by the as-of date, with their procedure's date for
 * the aging. */
static void ppc_through(struct sqlb *q, const struct tropts *o)
{
    sadd(q, " FROM payplancharge ppc LEFT JOIN payplan pp ON "
            "pp.PayPlanNum=ppc.PayPlanNum");
    if (o->aged)
        sadd(q, " LEFT JOIN procedurelog pl ON pl.ProcNum=ppc.ProcNum");
    sadd(q, " WHERE ppc.ChargeDate<=");
    sdate(q, o->asof);
}

/* What the plans credit to the ledger, per PayPlansVersion. */
static void tr_ppcredits(struct sqlb *q, const struct tropts *o,
                         const struct od_ledger_prefs *p)
{
    if (p->ppv == 1 || p->ppv == 4) { /* the whole plan, on its date */
        sadd(q, " UNION ALL SELECT 'PPComplete',pp.PatNum,pp.PayPlanDate,"
                "-pp.CompletedAmt,0,0,0");
        if (o->aged)
            sadd(q, NOT_AGED);
        sadd(q, " FROM payplan pp WHERE pp.CompletedAmt!=0");
        sfam(q, "pp.PatNum", o->guar);
        if (p->ppv == 4)
            sadd(q, " AND pp.PlanNum!=0");
        return;
    }
    if (p->ppv == 2) { /* debits to the plan's guarantor, credits */
        sadd(q, " UNION ALL SELECT 'PPCComplete',(CASE WHEN ppc.ChargeType=0 "
                "THEN ppc.Guarantor ELSE pp.PatNum END),ppc.ChargeDate,"
                "(CASE WHEN ppc.ChargeType!=0 THEN -ppc.Principal WHEN "
                "pp.PlanNum=0 THEN ppc.Principal+ppc.Interest ELSE 0 END),"
                "0,0,0");
        if (o->aged)
            sadd(q, ",(CASE WHEN ppc.ChargeType=1 THEN ppc.ProcNum ELSE 0 "
                    "END),pl.ProcDate");
        ppc_through(q, o);
        sfam(q, "(CASE WHEN ppc.ChargeType=0 THEN ppc.Guarantor ELSE "
                "ppc.PatNum END)", o->guar);
        return;
    }
    /* v3: the credits only, to the plan's patient */
    sadd(q, " UNION ALL SELECT 'PPCComplete',ppc.PatNum,ppc.ChargeDate,"
            "-ppc.Principal,0,0,0");
    if (o->aged)
        sadd(q, ",ppc.ProcNum,pl.ProcDate");
    ppc_through(q, o);
    sadd(q, " AND ppc.ChargeType=1");
    sfam(q, "ppc.PatNum", o->guar);
}

/* Every transaction of the family (or everyone): TranType, PatNum,
 * TranDate, TranAmount (charges positive, credits negative),
 * PayPlanAmount, InsWoEst, InsPayEst [, AgedProcNum, AgedProcDate]. */
static void trans_sql(struct sqlb *q, const struct tropts *o,
                      const struct od_ledger_prefs *p)
{
    tr_procs(q, o);
    tr_claimprocs(q, o);
    tr_adjustments(q, o);
    tr_paysplits(q, o, p);
    tr_ppcharges(q, o, p);
    tr_ppcredits(q, o, p);
}

/* AgingProcLifo (GetTransQueryStringAgeByProc): what is attached to a
 * procedure (adjustments, plan credits) is summed per procedure and day
 * and, when it is a credit, dated on the procedure: it ages with the
 * procedure instead of paying the oldest charge. */
static void trans_aged_sql(struct sqlb *q, struct tropts *o,
                           const struct od_ledger_prefs *p)
{
#define TT "(CASE WHEN tb.AgedProcNum=0 THEN tb.TranType ELSE " \
           "'SumByProcAndDate' END)"
    o->aged = 1;
    sadd(q, "SELECT " TT " TranType,tb.PatNum,(CASE WHEN tb.AgedProcNum!=0 "
            "AND SUM(tb.TranAmount)<0 THEN MAX(tb.AgedProcDate) ELSE "
            "tb.TranDate END) TranDate,SUM(tb.TranAmount) TranAmount,"
            "SUM(tb.PayPlanAmount) PayPlanAmount,SUM(tb.InsWoEst) InsWoEst,"
            "SUM(tb.InsPayEst) InsPayEst FROM (");
    trans_sql(q, o, p);
    sadd(q, ") tb GROUP BY tb.PatNum,tb.AgedProcNum,tb.TranDate," TT ","
            "(CASE WHEN tb.AgedProcNum=0 AND tb.TranAmount>=0 THEN 'credit' "
            "WHEN tb.AgedProcNum=0 AND tb.TranAmount<0 THEN 'charge' ELSE "
            "'SumByProcAndDate' END)");
#undef TT
}

/* ---- the aging (GetAgingGuarTransQuery, GetAgingQueryString) ------------ */

/* Sums per guarantor: the charges of each age and the credits dated on
 * or before asof (which pay the oldest charges first), the balance and the
 * insurance and payment plan amounts. */
static void sums_sql(struct sqlb *q, struct tropts *o,
                     const struct od_ledger_prefs *p)
{
    /* rows that count as charges whatever their sign */
    const char *inst = p->lifo ? "t.TranType IN ('WriteoffOrig',"
                                 "'SumByProcAndDate')"
                               : "t.TranType IN ('WriteoffOrig')";
    char chg[160];
    snprintf(chg, sizeof chg, "(t.TranAmount>0 OR %s)", inst);
    sadd(q, "SELECT g.Guarantor PatNum,SUM(CASE WHEN ");
    sadd(q, chg);
    sadd(q, " AND t.TranDate<DATE_SUB(prm.d,INTERVAL 90 DAY) THEN "
            "t.TranAmount ELSE 0 END) C90,SUM(CASE WHEN ");
    sadd(q, chg);
    sadd(q, " AND t.TranDate<DATE_SUB(prm.d,INTERVAL 60 DAY) AND t.TranDate>="
            "DATE_SUB(prm.d,INTERVAL 90 DAY) THEN t.TranAmount ELSE 0 END) "
            "C61,SUM(CASE WHEN ");
    sadd(q, chg);
    sadd(q, " AND t.TranDate<DATE_SUB(prm.d,INTERVAL 30 DAY) AND t.TranDate>="
            "DATE_SUB(prm.d,INTERVAL 60 DAY) THEN t.TranAmount ELSE 0 END) "
            "C31,SUM(CASE WHEN ");
    sadd(q, chg);
    sadd(q, " AND t.TranDate<=prm.d AND t.TranDate>=DATE_SUB(prm.d,INTERVAL "
            "30 DAY) THEN t.TranAmount ELSE 0 END) C0,-SUM(CASE WHEN "
            "t.TranAmount<0 AND NOT ");
    sadd(q, inst);
    sadd(q, " AND t.TranDate<=prm.d THEN t.TranAmount ELSE 0 END) TC,"
            "SUM(CASE WHEN t.TranAmount!=0");
    if (o->historic)
        sadd(q, " AND t.TranDate<=prm.d");
    sadd(q, " THEN t.TranAmount ELSE 0 END) BalTotal,SUM(t.InsWoEst) "
            "InsWoEst,SUM(t.InsPayEst) InsPayEst,SUM(t.PayPlanAmount) "
            "PayPlanDue FROM (");
    if (p->lifo)
        trans_aged_sql(q, o, p);
    else
        trans_sql(q, o, p);
    sadd(q, ") t INNER JOIN patient g ON g.PatNum=t.PatNum CROSS JOIN "
            "(SELECT CAST(");
    sdate(q, o->asof);
    sadd(q, " AS DATE) d) prm GROUP BY g.Guarantor");
}

/* The aging row per guarantor: PatNum, Bal_0_30, Bal_31_60, Bal_61_90,
 * BalOver90, BalTotal, InsWoEst, InsPayEst, PayPlanDue. */
static void aging_sql(struct sqlb *q, struct tropts *o,
                      const struct od_ledger_prefs *p)
{
    sadd(q, "SELECT s.PatNum,"
            "ROUND(CASE WHEN s.TC<s.C90+s.C61+s.C31 THEN s.C0 WHEN "
            "s.C90+s.C61+s.C31+s.C0<=s.TC THEN 0 ELSE "
            "s.C90+s.C61+s.C31+s.C0-s.TC END,3) Bal_0_30,"
            "ROUND(CASE WHEN s.TC<s.C90+s.C61 THEN s.C31 WHEN "
            "s.C90+s.C61+s.C31<=s.TC THEN 0 ELSE s.C90+s.C61+s.C31-s.TC END,"
            "3) Bal_31_60,"
            "ROUND(CASE WHEN s.TC<=s.C90 THEN s.C61 WHEN s.C90+s.C61<=s.TC "
            "THEN 0 ELSE s.C90+s.C61-s.TC END,3) Bal_61_90,"
            "ROUND(CASE WHEN s.TC>=s.C90 THEN 0 ELSE s.C90-s.TC END,3) "
            "BalOver90,ROUND(s.BalTotal,3) BalTotal,ROUND(s.InsWoEst,3) "
            "InsWoEst,ROUND(s.InsPayEst,3) InsPayEst,ROUND(s.PayPlanDue,3) "
            "PayPlanDue FROM (");
    if (p->lifo) {
        /* a credit aged with its procedure can take a bucket below 0:
         * the excess goes back to the credits, which pay the oldest */
        sadd(q, "SELECT ss.PatNum,GREATEST(ss.C90,0) C90,GREATEST(ss.C61,0) "
                "C61,GREATEST(ss.C31,0) C31,GREATEST(ss.C0,0) C0,ss.TC-"
                "LEAST(ss.C90,0)-LEAST(ss.C61,0)-LEAST(ss.C31,0)-"
                "LEAST(ss.C0,0) TC,ss.BalTotal,ss.InsWoEst,ss.InsPayEst,"
                "ss.PayPlanDue FROM (");
        sums_sql(q, o, p);
        sadd(q, ") ss");
    } else {
        sums_sql(q, o, p);
    }
    sadd(q, ") s");
}

static double dbl(const char *s)
{
    return s && *s ? strtod(s, NULL) : 0;
}

static void aging_from(struct od_aging *a, char **cols)
{
    a->patnum = num(cols[0]);
    a->bal_0_30 = dbl(cols[1]);
    a->bal_31_60 = dbl(cols[2]);
    a->bal_61_90 = dbl(cols[3]);
    a->bal_over90 = dbl(cols[4]);
    a->bal_total = dbl(cols[5]);
    a->ins_wo_est = dbl(cols[6]);
    a->ins_pay_est = dbl(cols[7]);
    a->payplan_due = dbl(cols[8]);
}

static int take_one(void *ctx, char **cols)
{
    aging_from(ctx, cols);
    return 1;
}

int od_aging_family(struct od_conn *c, const struct od_ledger_prefs *p,
                    long long guarantor, const char *asof, int historic,
                    struct od_aging *out)
{
    struct sqlb *q = calloc(1, sizeof *q);
    struct tropts o = {0};
    long rc;
    memset(out, 0, sizeof *out);
    out->patnum = guarantor;
    if (!q)
        return -1;
    o.guar = guarantor;
    o.asof = asof;
    o.today = p->today;
    o.historic = historic;
    aging_sql(q, &o, p);
    rc = overflowed(c, q) ? -1
                          : od_query_each(c, q->s, q->p, q->np, 9, take_one,
                                          out);
    out->patnum = guarantor;
    free(q);
    return rc < 0 ? -1 : 0;
}

long od_aging_report(struct od_conn *c, const struct od_ledger_prefs *p,
                     const char *asof, int historic, long long clinic,
                     long long offset, long long limit,
                     int (*fn)(void *ctx, char **cols), void *ctx)
{
    struct sqlb *q = calloc(1, sizeof *q);
    struct tropts o = {0};
    long rc;
    if (!q)
        return -1;
    o.asof = asof;
    o.today = p->today;
    o.historic = historic;
    /* RpAging.GetQueryString: guarantors with a balance of any age */
    sadd(q, "SELECT g.PatNum,g.LName,g.FName,g.MiddleI,ag.Bal_0_30,"
            "ag.Bal_31_60,ag.Bal_61_90,ag.BalOver90,ag.BalTotal,ag.InsWoEst,"
            "ag.InsPayEst FROM (");
    aging_sql(q, &o, p);
    sadd(q, ") ag INNER JOIN patient g ON g.PatNum=ag.PatNum WHERE "
            "(ag.BalOver90>=0.005 OR ag.Bal_61_90>=0.005 OR "
            "ag.Bal_31_60>=0.005 OR ag.Bal_0_30>=0.005)");
    if (clinic >= 0) {
        sadd(q, " AND g.ClinicNum=");
        sprm(q, OD_PI(clinic));
    }
    sadd(q, " ORDER BY g.LName,g.FName,g.PatNum LIMIT ");
    sprm(q, OD_PI(limit));
    sadd(q, " OFFSET ");
    sprm(q, OD_PI(offset));
    rc = overflowed(c, q) ? -1
                          : od_query_each(c, q->s, q->p, q->np, 11, fn, ctx);
    free(q);
    return rc;
}

/* Run q, an UPDATE of patient pt whose SET is written, on guarantor's
 * family (every family when 0), leaving DateTStamp alone when keep_stamp;
 * frees q. 0, or -1. */
static int store(struct od_conn *c, struct sqlb *q, long long guarantor,
                 int keep_stamp)
{
    int rc;
    if (keep_stamp)
        sadd(q, ",pt.DateTStamp=pt.DateTStamp");
    if (guarantor > 0) {
        sadd(q, " WHERE pt.Guarantor=");
        sprm(q, OD_PI(guarantor));
    }
    rc = overflowed(c, q) ? -1 : od_exec(c, q->s, q->p, q->np, NULL, NULL);
    free(q);
    return rc;
}

int od_aging_store(struct od_conn *c, const struct od_ledger_prefs *p,
                   long long guarantor, const char *asof, int keep_stamp)
{
    struct sqlb *q = calloc(1, sizeof *q);
    struct tropts o = {0};
    if (!q)
        return -1;
    o.guar = guarantor;
    o.asof = asof;
    o.today = p->today;
    /* the aging lands on the guarantor's row (a derived table: the
     * database computes it before the patient rows change) */
    sadd(q, "UPDATE patient pt LEFT JOIN (");
    aging_sql(q, &o, p);
    sadd(q, ") ag ON ag.PatNum=pt.PatNum SET "
            "pt.Bal_0_30=COALESCE(ag.Bal_0_30,0),"
            "pt.Bal_31_60=COALESCE(ag.Bal_31_60,0),"
            "pt.Bal_61_90=COALESCE(ag.Bal_61_90,0),"
            "pt.BalOver90=COALESCE(ag.BalOver90,0),"
            "pt.BalTotal=COALESCE(ag.BalTotal,0),"
            "pt.InsEst=COALESCE(ag.InsWoEst+ag.InsPayEst,0),"
            "pt.PayPlanDue=COALESCE(ag.PayPlanDue,0)");
    return store(c, q, guarantor, keep_stamp);
}

/* ---- balances per patient ------------------------------------------------ */

/* SELECT PatNum, Bal: each patient's own balance, as the Account module
 * adds its rows up (a procedure counts at least one unit). */
static void balances_sql(struct sqlb *q, long long guarantor,
                         const struct od_ledger_prefs *p)
{
    struct tropts o = {0};
    o.guar = guarantor;
    o.asof = p->today;
    o.today = p->today;
    o.acct_qty = 1;
    sadd(q, "SELECT t.PatNum,SUM(t.TranAmount) Bal FROM (");
    trans_sql(q, &o, p);
    sadd(q, ") t GROUP BY t.PatNum");
}

long od_ledger_members(struct od_conn *c, const struct od_ledger_prefs *p,
                       long long guarantor,
                       int (*fn)(void *ctx, char **cols), void *ctx)
{
    struct sqlb *q = calloc(1, sizeof *q);
    long rc;
    if (!q)
        return -1;
    sadd(q, "SELECT m.PatNum,m.LName,m.FName,m.Preferred,m.MiddleI,"
            "m.PatStatus,ROUND(COALESCE(b.Bal,0),3) FROM patient m "
            "LEFT JOIN (");
    balances_sql(q, guarantor, p);
    /* Patients.GetFamily: the guarantor, then by birth date */
    sadd(q, ") b ON b.PatNum=m.PatNum WHERE m.Guarantor=");
    sprm(q, OD_PI(guarantor));
    sadd(q, " ORDER BY m.Guarantor!=m.PatNum,m.Birthdate,m.PatNum");
    rc = overflowed(c, q) ? -1
                          : od_query_each(c, q->s, q->p, q->np, 7, fn, ctx);
    free(q);
    return rc;
}

int od_ledger_store_estbalance(struct od_conn *c,
                               const struct od_ledger_prefs *p,
                               long long guarantor, int keep_stamp)
{
    struct sqlb *q = calloc(1, sizeof *q);
    if (!q)
        return -1;
    sadd(q, "UPDATE patient pt LEFT JOIN (");
    balances_sql(q, guarantor, p);
    sadd(q, ") b ON b.PatNum=pt.PatNum SET "
            "pt.EstBalance=ROUND(COALESCE(b.Bal,0),3)");
    return store(c, q, guarantor, keep_stamp);
}
