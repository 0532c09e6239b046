/* servicedate.c - GET /accountmodules/{PatNum}/ServiceDateView: the
 * Account module's Service Date View (OpenDentBusiness/Reports/
 * RpServiceDateView.cs, GetData with isDetailed). The database returns one
 * row per transaction (the "core" query); the view's extra rows (an
 * "Unallocated" header, a "Day Total" per service date, the "Overall
 * Total"), its amounts and its order are made here, as that report's
 * outer query makes them. */
#include "actions/account-internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <math.h>

/* A family's rows are bounded: the answer and the memory behind it. */
#define SDV_MAX_ROWS 20000

/* The Type names in the report's FIELD() order (1-based there). */
static const char *const types[] = {
    "Proc", "Adj-Att.", "PatPay Att.", "WriteOff-Att.", "InsPay-Att.",
    "PayPlan Charge Att.", "PatPay Att. PayPlan", "Unallocated", "PatPay",
    "WriteOff", "Adj", "InsPay", "PayPlan Credit", "Dynamic PayPlan Credit",
    "PayPlan Charge", "PatPay PayPlan", "Day Total", "Overall Total"};
enum { T_PROC = 0, T_UNALLOC = 7, T_PPCREDIT = 12, T_DPPCREDIT = 13,
       T_DAY = 16, T_OVERALL = 17, NTYPES = 18 };

enum { D_TRAN = 1, D_UNALLOC = 2, D_DAY = 3, D_OVERALL = 4 };

struct sdrow {
    int dup, type, idx;
    long long trannum, procnum, patnum;
    char pdate[11], tdate[11];
    size_t fname, ref, prov;     /* offsets into the arena */
    long long charge, credit, inscred, proccred; /* cents */
};

struct sdv {
    struct sdrow *rows;
    int n, cap, over;
    struct od_buf arena;
    int ppv;
};

/* ---- the core query (RpServiceDateView.GetCoreQuery) --------------------- */

#define DAY(x) "DATE_FORMAT(" x ",'%Y-%m-%d')"
#define ABBR(col) "(SELECT pv.Abbr FROM provider pv WHERE pv.ProvNum=" col ")"
#define PAT_JOIN(col) " INNER JOIN patient pa ON pa.PatNum=" col " WHERE "

/* columns: Type, TranNum, ProcDate, TranDate, PatNum, FName, ProcNum,
 * Reference, Charge, Credit, Prov, ProcCredits, InsCredits */
static const char sql_procs[] =
    "SELECT 'Proc',pl.ProcNum," DAY("pl.ProcDate") ",'0001-01-01',"
    "pl.PatNum,pa.FName,pl.ProcNum,CONCAT(pc.ProcCode,':',COALESCE(NULLIF("
    "CONCAT('#',pl.ToothNum,'-'),'#-'),NULLIF(CONCAT(IF(LENGTH(pl.ToothRange)"
    ">0,'Tth Rng',''),'-'),'-'),''),COALESCE(NULLIF(CONCAT(pl.Surf,'-'),'-')"
    ",''),pc.AbbrDesc),pl.ProcFee*(pl.BaseUnits+pl.UnitQty)-COALESCE((SELECT "
    "SUM(cw.WriteOff) FROM claimproc cw WHERE cw.Status=7 AND "
    "cw.ProcNum=pl.ProcNum),0),0," ABBR("pl.ProvNum") ",COALESCE((SELECT "
    "-SUM(a.AdjAmt) FROM adjustment a WHERE a.ProcNum=pl.ProcNum),0)+COALESCE"
    "((SELECT SUM(s.SplitAmt) FROM paysplit s WHERE s.ProcNum=pl.ProcNum),0)+"
    "COALESCE((SELECT SUM(x.WriteOff)+SUM(x.InsPayAmt) FROM claimproc x WHERE "
    "x.ProcNum=pl.ProcNum AND x.Status IN (1,4,5)),0),COALESCE((SELECT "
    "SUM(y.WriteOff)+SUM(y.InsPayEst) FROM claimproc y WHERE y.Status=0 AND "
    "y.ProcNum=pl.ProcNum),0) FROM procedurelog pl INNER JOIN procedurecode "
    "pc ON pc.CodeNum=pl.CodeNum" PAT_JOIN("pl.PatNum") "pl.ProcStatus=2 AND ";

static const char sql_adjs[] =
    " UNION ALL SELECT IF(a.ProcNum>0,'Adj-Att.','Adj'),a.AdjNum,"
    DAY("IF(a.ProcDate='0001-01-01',a.AdjDate,a.ProcDate)") ","
    DAY("a.AdjDate") ",a.PatNum,pa.FName,a.ProcNum,CONCAT('Adj- ',(SELECT "
    "d.ItemName FROM definition d WHERE d.DefNum=a.AdjType)),IF(a.AdjAmt>0,"
    "a.AdjAmt,0),IF(a.AdjAmt<=0,-a.AdjAmt,0)," ABBR("a.ProvNum") ",0,0 FROM "
    "adjustment a" PAT_JOIN("a.PatNum");

/* v2 shows every split; the others leave payment plan splits to the plan */
static const char sql_splits[] =
    " UNION ALL SELECT (CASE WHEN s.ProcNum>0 AND s.PayPlanNum>0 THEN "
    "'PatPay Att. PayPlan' WHEN s.ProcNum>0 THEN 'PatPay Att.' WHEN "
    "s.ProcNum=0 AND s.PayPlanNum>0 THEN 'PatPay PayPlan' ELSE 'PatPay' END),"
    "s.SplitNum," DAY("COALESCE((SELECT pl.ProcDate FROM procedurelog pl "
                      "WHERE pl.ProcNum=s.ProcNum),s.DatePay)") ","
    DAY("s.DatePay") ",s.PatNum,pa.FName,s.ProcNum,CONCAT('PatPay- ',"
    "IF(s.UnearnedType>0,'PrePay ',''),COALESCE((SELECT d.ItemName FROM "
    "payment y INNER JOIN definition d ON d.DefNum=y.PayType WHERE "
    "y.PayNum=s.PayNum),'Inc Transfer')),0,s.SplitAmt," ABBR("s.ProvNum")
    ",0,0 FROM paysplit s" PAT_JOIN("s.PatNum");

static const char sql_inspay[] =
    " UNION ALL SELECT IF(cp.ProcNum>0,'InsPay-Att.','InsPay'),"
    "cp.ClaimProcNum," DAY("IF(cp.ProcNum>0,cp.ProcDate,cp.DateCP)") ","
    DAY("cp.DateCP") ",cp.PatNum,pa.FName,cp.ProcNum,CONCAT('InsPay- ',"
    "COALESCE((SELECT d.ItemName FROM claimpayment k INNER JOIN definition "
    "d ON d.DefNum=k.PayType WHERE k.ClaimPaymentNum=cp.ClaimPaymentNum),"
    "'Not Finalized')),0,cp.InsPayAmt," ABBR("cp.ProvNum") ",0,0 FROM "
    "claimproc cp" PAT_JOIN("cp.PatNum") "cp.Status IN (1,4,5) AND "
    "cp.PayPlanNum=0 AND cp.InsPayAmt!=0 AND ";

/* estimated (NotReceived) and received write-offs */
static const char sql_writeoffs[] =
    " UNION ALL SELECT IF(cp.ProcNum>0,'WriteOff-Att.','WriteOff'),"
    "cp.ClaimProcNum," DAY("IF(cp.ProcNum>0,cp.ProcDate,cp.DateCP)") ","
    DAY("cp.DateCP") ",cp.PatNum,pa.FName,cp.ProcNum,(CASE WHEN "
    "cp.Status=0 AND cp.InsPayEst>0 THEN CONCAT('Ins Pay Est:',cp.InsPayEst,"
    "IF(cp.WriteOff>0,CONCAT(' WriteOff:',cp.WriteOff),'')) WHEN cp.Status=0 "
    "AND cp.WriteOff>0 AND cp.InsPayEst<=0 THEN CONCAT('WriteOff Est:',"
    "cp.WriteOff) ELSE CONCAT('W/O- ',COALESCE((SELECT d.ItemName FROM "
    "claimpayment k INNER JOIN definition d ON d.DefNum=k.PayType WHERE "
    "k.ClaimPaymentNum=cp.ClaimPaymentNum),'')) END),0,IF(cp.Status IN "
    "(1,4),cp.WriteOff,0)," ABBR("cp.ProvNum") ",0,0 FROM claimproc cp"
    PAT_JOIN("cp.PatNum") "IF(cp.Status IN (1,4),ABS(cp.WriteOff)>0.005,"
    "(ABS(cp.WriteOff)>0.005 OR cp.InsPayEst>0)) AND cp.Status IN (0,1,4) "
    "AND ";

/* PayPlansVersion 1: the plan as one credit on its date */
static const char sql_pp_v1[] =
    " UNION ALL SELECT 'PayPlan Credit',pp.PayPlanNum," DAY("pp.PayPlanDate")
    "," DAY("pp.PayPlanDate") ",pp.PatNum,pa.FName,0,'PayPlan Credit',0,"
    "pp.CompletedAmt,(SELECT pv.Abbr FROM payplancharge c JOIN provider pv "
    "ON pv.ProvNum=c.ProvNum WHERE c.PayPlanNum=pp.PayPlanNum AND "
    "c.ChargeType=0 ORDER BY c.PayPlanChargeNum LIMIT 1),0,0 FROM payplan pp"
    PAT_JOIN("pp.PatNum");

#define PPC_TYPE                                                              \
    "(CASE WHEN c.ChargeType=0 AND c.ProcNum>0 THEN 'PayPlan Charge Att.' "   \
    "WHEN c.ChargeType=0 AND c.ProcNum=0 THEN 'PayPlan Charge' WHEN "         \
    "c.ChargeType=1 THEN 'PayPlan Credit' END)"

/* v2: charges due and credits */
static const char sql_pp_v2[] =
    " UNION ALL SELECT " PPC_TYPE ",c.PayPlanChargeNum," DAY("c.ChargeDate")
    "," DAY("c.ChargeDate") ",c.PatNum,pa.FName,c.ProcNum," PPC_TYPE ","
    "IF(c.ChargeType=0,c.Principal+c.Interest,0),IF(c.ChargeType=1,"
    "c.Principal,0)," ABBR("c.ProvNum") ",0,0 FROM payplancharge c LEFT JOIN "
    "payplan pp ON pp.PayPlanNum=c.PayPlanNum" PAT_JOIN("c.PatNum")
    "c.ChargeDate<=CURDATE() AND IF(c.ChargeType=0,pp.PlanNum=0,TRUE) AND ";

/* v3: the credits */
static const char sql_pp_v3[] =
    " UNION ALL SELECT 'PayPlan Credit',c.PayPlanChargeNum,"
    DAY("c.ChargeDate") "," DAY("c.ChargeDate") ",c.PatNum,pa.FName,"
    "c.ProcNum,'PayPlan Credit',0,IF(c.ChargeType=1,c.Principal,0),"
    ABBR("c.ProvNum") ",0,0 FROM payplancharge c" PAT_JOIN("c.PatNum")
    "c.ChargeType=1 AND ";

/* One branch and its patient condition, bound to who. */
static void branch(struct od_buf *q, const char *sql, int family,
                   struct od_prm *p, int *np, long long who)
{
    od_buf_adds(q, sql);
    od_buf_adds(q, family ? "pa.Guarantor=?" : "pa.PatNum=?");
    p[(*np)++] = OD_PI(who);
}

static void core_sql(struct od_buf *q, int ppv, int family, long long who,
                     struct od_prm *p, int *np)
{
    branch(q, sql_procs, family, p, np, who);
    branch(q, sql_adjs, family, p, np, who);
    od_buf_adds(q, sql_splits);
    if (ppv != 2)
        od_buf_adds(q, "s.PayPlanNum=0 AND ");
    od_buf_adds(q, family ? "pa.Guarantor=?" : "pa.PatNum=?");
    p[(*np)++] = OD_PI(who);
    branch(q, sql_inspay, family, p, np, who);
    branch(q, sql_writeoffs, family, p, np, who);
    if (ppv == 1)
        branch(q, sql_pp_v1, family, p, np, who);
    else if (ppv == 2)
        branch(q, sql_pp_v2, family, p, np, who);
    else if (ppv == 3)
        branch(q, sql_pp_v3, family, p, np, who);
    /* v4 shows no payment plans */
}

/* ---- rows --------------------------------------------------------------- */

static int type_of(const char *s)
{
    int i;
    for (i = 0; i < NTYPES; i++)
        if (!strcmp(types[i], s))
            return i;
    return -1;
}

static size_t keep(struct sdv *v, const char *s)
{
    size_t at = v->arena.len;
    od_buf_add(&v->arena, s, strlen(s) + 1);
    return at;
}

static const char *text(const struct sdv *v, size_t off)
{
    return v->arena.p ? v->arena.p + off : "";
}

static long long cents(const char *s)
{
    return llround(strtod(s, NULL) * 100.0);
}

static struct sdrow *add_row(struct sdv *v)
{
    struct sdrow *r;
    if (v->n == v->cap) {
        int cap = v->cap ? v->cap * 2 : 64;
        struct sdrow *n;
        if (v->n >= 2 * SDV_MAX_ROWS + 4 ||
            !(n = realloc(v->rows, (size_t)cap * sizeof *n))) {
            v->over = 1;
            return NULL;
        }
        v->rows = n;
        v->cap = cap;
    }
    r = &v->rows[v->n];
    memset(r, 0, sizeof *r);
    r->idx = v->n++;
    return r;
}

static int take_core(void *ctx, char **cols)
{
    struct sdv *v = ctx;
    struct sdrow *r;
    int t = type_of(cols[0]);
    if (t < 0)
        return 0;
    if (v->n >= SDV_MAX_ROWS || !(r = add_row(v))) {
        v->over = 1;
        return 1;
    }
    r->dup = D_TRAN;
    r->type = t;
    od_parse_ll(cols[1], &r->trannum);
    snprintf(r->pdate, sizeof r->pdate, "%s", cols[2]);
    snprintf(r->tdate, sizeof r->tdate, "%s", cols[3]);
    od_parse_ll(cols[4], &r->patnum);
    r->fname = keep(v, cols[5]);
    od_parse_ll(cols[6], &r->procnum);
    r->ref = keep(v, cols[7]);
    r->charge = cents(cols[8]);
    r->credit = cents(cols[9]);
    r->prov = keep(v, cols[10]);
    r->proccred = cents(cols[11]);
    r->inscred = cents(cols[12]);
    return 0;
}

/* A "Day Total" per service date, an "Unallocated" header on a date with
 * a transaction attached to no procedure, and the "Overall Total". */
static int by_pdate(const void *a, const void *b)
{
    const struct sdrow *x = a, *y = b;
    int c = strcmp(x->pdate, y->pdate);
    return c ? c : (x->idx > y->idx) - (x->idx < y->idx);
}

/* the report joins its "Unallocated" row to every Type not LIKE '%Att.'
 * and not 'Proc' ('PatPay Att. PayPlan' included) */
static int unallocated(int type)
{
    size_t l = strlen(types[type]);
    return type != T_PROC &&
           !(l >= 4 && !strcmp(types[type] + l - 4, "Att."));
}

static int add_totals(struct sdv *v)
{
    int i = 0, n = v->n, j;
    struct sdrow tot, *r;
    memset(&tot, 0, sizeof tot);
    qsort(v->rows, (size_t)n, sizeof *v->rows, by_pdate);
    while (i < n) {
        struct sdrow day;
        int un = 0;
        memset(&day, 0, sizeof day);
        memcpy(day.pdate, v->rows[i].pdate, sizeof day.pdate);
        for (j = i; j < n && !strcmp(v->rows[j].pdate, day.pdate); j++) {
            const struct sdrow *c = &v->rows[j];
            long long ins = c->type == T_PROC ? c->inscred : 0;
            day.charge += c->charge;
            day.credit += c->credit;
            day.inscred += ins;
            un |= unallocated(c->type);
        }
        i = j;
        day.dup = D_DAY;
        day.type = T_DAY;
        tot.charge += day.charge;
        tot.credit += day.credit;
        tot.inscred += day.inscred;
        if (!(r = add_row(v)))
            return -1;
        day.idx = r->idx;
        *r = day;
        if (un) {
            if (!(r = add_row(v)))
                return -1;
            r->dup = D_UNALLOC;
            r->type = T_UNALLOC;
            memcpy(r->pdate, day.pdate, sizeof r->pdate);
        }
    }
    if (!(r = add_row(v)))
        return -1;
    tot.dup = D_OVERALL;
    tot.type = T_OVERALL;
    tot.idx = r->idx;
    *r = tot;
    return 0;
}

/* ---- order (the report's ORDER BY) --------------------------------------- */

static int ordering_num(const struct sdrow *r)
{
    if (r->dup == D_TRAN)
        return r->type <= T_UNALLOC ? 1 : 2;
    return r->dup == D_UNALLOC ? 2 : r->dup == D_DAY ? 4 : 5;
}

static int cmp_ll(long long a, long long b)
{
    return (a > b) - (a < b);
}

static int by_display(const void *a, const void *b, void *arg)
{
    const struct sdrow *x = a, *y = b;
    const struct sdv *v = arg;
    const char *px, *py;
    int c;
    if ((c = cmp_ll(x->dup == D_OVERALL, y->dup == D_OVERALL)) ||
        (c = strcmp(x->pdate, y->pdate)) ||
        (c = cmp_ll(ordering_num(x), ordering_num(y))))
        return c;
    px = x->dup == D_TRAN ? text(v, x->fname) : "";
    py = y->dup == D_TRAN ? text(v, y->fname) : "";
    if ((c = strcasecmp(px, py)) ||
        (c = cmp_ll(y->dup == D_TRAN ? y->procnum : 0,
                    x->dup == D_TRAN ? x->procnum : 0)))
        return c;
    px = x->dup == D_TRAN && x->type != T_PROC ? x->tdate : "";
    py = y->dup == D_TRAN && y->type != T_PROC ? y->tdate : "";
    if ((c = strcmp(px, py)) || (c = cmp_ll(x->type, y->type)) ||
        (c = cmp_ll(x->trannum, y->trannum)))
        return c;
    return cmp_ll(x->idx, y->idx);
}

/* ---- writing ------------------------------------------------------------ */

/* MySQL's FORMAT(x, 2): "1,234.50", "-0.75". */
static void put_format(struct od_buf *b, long long c)
{
    char d[32];
    long long a = c < 0 ? -c : c;
    int n = snprintf(d, sizeof d, "%lld", a / 100), i;
    od_buf_addc(b, '"');
    if (c < 0)
        od_buf_addc(b, '-');
    for (i = 0; i < n; i++) {
        if (i && (n - i) % 3 == 0)
            od_buf_addc(b, ',');
        od_buf_addc(b, d[i]);
    }
    od_buf_printf(b, ".%02lld\"", a % 100);
}

static const char *object_type(int type, int ppv)
{
    static const char *const obj[NTYPES] = {
        "Procedure", "Adjustment", "PaySplit", "ClaimProc", "ClaimProc",
        "PayPlanCharge", "PaySplit", "", "PaySplit", "ClaimProc",
        "Adjustment", "ClaimProc", "PayPlanCharge", "PayPlan",
        "PayPlanCharge", "PaySplit", "", ""};
    if (type == T_PPCREDIT && ppv == 1)
        return "PayPlan"; /* v1's credit is the plan itself */
    return obj[type];
}

static void put_str(struct od_buf *b, const char *name, const char *v)
{
    od_buf_printf(b, ",\"%s\":", name);
    od_buf_json_str(b, v, strlen(v), 1);
}

/* Reference without the report's indent (the API's example has none). */
static void put_ref(struct od_buf *b, const char *v)
{
    size_t l;
    while (*v == ' ')
        v++;
    l = strlen(v);
    while (l && v[l - 1] == ' ')
        l--;
    od_buf_adds(b, ",\"Reference\":");
    od_buf_json_str(b, v, l, 1);
}

static void put_row(struct od_buf *b, const struct sdv *v,
                    const struct sdrow *r, int family)
{
    int tran = r->dup == D_TRAN, proc = tran && r->type == T_PROC;
    char num[24];
    od_buf_adds(b, "{\"ObjectType\":");
    od_buf_json_str(b, tran ? object_type(r->type, v->ppv) : "",
                    strlen(tran ? object_type(r->type, v->ppv) : ""), 0);
    snprintf(num, sizeof num, "%lld", r->trannum);
    put_str(b, "PrimaryKey", tran ? num : "");
    put_str(b, "Type", types[r->type]);
    put_str(b, "ServiceDate",
            r->dup == D_OVERALL || (tran && !proc) ? "" : r->pdate);
    put_str(b, "TransDate", tran && !proc ? r->tdate : "");
    put_str(b, "Patient", tran ? text(v, r->fname) : "");
    snprintf(num, sizeof num, "%lld", r->patnum);
    put_str(b, "PatNum", tran ? num : "");
    put_ref(b, tran ? text(v, r->ref)
               : r->dup == D_UNALLOC ? "Unallocated Trans"
               : r->dup == D_DAY ? "Total for Date"
               : family ? "Family Total:" : "Patient Total:");
    od_buf_adds(b, ",\"Charge\":");
    if (r->dup == D_UNALLOC)
        od_buf_adds(b, "\"\"");
    else
        put_format(b, r->charge);
    od_buf_adds(b, ",\"Credit\":");
    if (r->dup == D_UNALLOC)
        od_buf_adds(b, "\"\"");
    else
        put_format(b, r->credit);
    put_str(b, "Provider", tran ? text(v, r->prov) : "");
    od_buf_adds(b, ",\"InsBal\":");
    if ((tran && !proc) || r->dup == D_UNALLOC)
        od_buf_adds(b, "\"\"");
    else
        put_format(b, r->inscred);
    od_buf_adds(b, ",\"AcctBal\":");
    if ((tran && !proc) || r->dup == D_UNALLOC)
        od_buf_adds(b, "\"\"");
    else if (proc)
        put_format(b, r->charge - (r->proccred + r->inscred));
    else
        put_format(b, r->charge - r->credit - r->inscred);
    od_buf_addc(b, '}');
}

int od_service_date_view(struct od_conn *c, const struct od_ledger_prefs *p,
                         long long patnum, long long guarantor, int family,
                         struct od_buf *out, int *status, char *msg,
                         size_t msgsize)
{
    struct od_prm prm[8];
    struct od_buf q;
    struct sdv v;
    int np = 0, i, rc = -1;
    memset(&v, 0, sizeof v);
    v.ppv = p->ppv;
    od_buf_init(&v.arena);
    od_buf_init(&q);
    /* a family's view is the guarantor's family, whoever is named */
    core_sql(&q, p->ppv, family, family ? guarantor : patnum, prm, &np);
    if (q.oom || od_query_each(c, q.p, prm, np, 13, take_core, &v) < 0)
        goto done;
    if (v.over && v.n >= SDV_MAX_ROWS) {
        *status = 400;
        snprintf(msg, msgsize, "The account has more than %d entries to "
                 "show.", SDV_MAX_ROWS);
        goto done;
    }
    if (v.over || v.arena.oom || add_totals(&v))
        goto done;
    qsort_r(v.rows, (size_t)v.n, sizeof *v.rows, by_display, &v);
    od_buf_addc(out, '[');
    for (i = 0; i < v.n; i++) {
        if (i)
            od_buf_addc(out, ',');
        put_row(out, &v, &v.rows[i], family);
    }
    od_buf_addc(out, ']');
    rc = out->oom ? -1 : 0;
done:
    od_buf_free(&q);
    od_buf_free(&v.arena);
    free(v.rows);
    return rc;
}
