/* payments.c - payments (apipayments.html, the api*.html pages): the
 * description run by resource.c, and what POST /payments does after inserting
 * the payment row, as Open Dental's API does it (Payments.ProcessPaymentForWeb
 * in OpenDentBusiness/Data Interface/Payments.cs): the payment is split over
 * the family's outstanding charges oldest first
 * (PaymentEdit.AutoSplitForPayment, OpenDentBusiness/Db Multi
 * Table/PaymentEdit.cs), what is left over goes to unearned income, a
 * prepayment is one unearned split, and the family's aging is computed again.
 * The rules, and what is not modelled, are in docs/resources.md
 * ("payments"). */
#include "engine/resource-internal.h"
#include "db/ledger-internal.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* EnumPermType values used in securitylog (GroupPermission.cs). */
enum { PERM_PAYMENT_CREATE = 15, PERM_PAYMENT_EDIT = 16 };

/* ---- the description ---------------------------------------------------- */

#define FK_CLINIC "SELECT 1 FROM clinic WHERE ClinicNum = ?"

static const struct od_field payment_fields[] = {
    {.name = "PayNum", .wire = OD_W_INT, .flags = OD_F_RO | OD_F_KEY},
    {.name = "PayType", .wire = OD_W_INT,
     .fk = "SELECT 1 FROM definition WHERE DefNum = ? AND Category = 10"},
    {.name = "payType", .expr = "COALESCE(pt.ItemName, '')",
     .wire = OD_W_TEXT, .flags = OD_F_RO},
    {.name = "PayDate", .wire = OD_W_DATE, .flags = OD_F_NOPUT},
    {.name = "PayAmt", .wire = OD_W_MONEY_RAW,
     .flags = OD_F_REQ | OD_F_NOPUT},
    {.name = "CheckNum", .wire = OD_W_TEXT},
    {.name = "BankBranch", .wire = OD_W_TEXT},
    {.name = "PayNote", .wire = OD_W_TEXT},
    {.name = "PatNum", .wire = OD_W_INT, .flags = OD_F_REQ | OD_F_NOPUT},
    {.name = "ClinicNum", .wire = OD_W_INT_STR, .flags = OD_F_NOPUT,
     .fk = FK_CLINIC},
    {.name = "DateEntry", .wire = OD_W_DATE, .flags = OD_F_RO | OD_F_NOW},
    {.name = "DepositNum", .wire = OD_W_INT, .flags = OD_F_RO},
    {.name = "Receipt", .wire = OD_W_TEXT, .flags = OD_F_RO},
    {.name = "IsRecurringCC", .wire = OD_W_BOOL, .flags = OD_F_RO},
    {.name = "SecUserNumEntry", .wire = OD_W_INT, .flags = OD_F_RO},
    {.name = "SecDateTEdit", .wire = OD_W_DATETIME,
     .flags = OD_F_RO | OD_F_STAMP},
    {.name = "PaymentSource", .wire = OD_W_ENUM, .enm = &od_enum_ccsource,
     .flags = OD_F_RO},
    {.name = "ProcessStatus", .wire = OD_W_ENUM,
     .enm = &od_enum_processstat, .flags = OD_F_NOPOST},
    {.name = "RecurringChargeDate", .wire = OD_W_DATE, .flags = OD_F_RO},
    {.name = "IsCcCompleted", .wire = OD_W_BOOL, .flags = OD_F_RO},
    {.name = "serverDateTime", .wire = OD_W_SERVERTIME,
     .flags = OD_F_RO | OD_F_GETONLY},
};

static const struct od_filter payment_filters[] = {
    {.param = "PayType", .cond = "t.PayType = ?", .wire = OD_W_INT},
    {.param = "PatNum", .cond = "t.PatNum = ?", .wire = OD_W_INT},
    {.param = "DateEntry", .cond = "t.DateEntry >= ?", .wire = OD_W_DATE},
};

static const struct od_sqldefault payment_defaults[] = {
    {.field = "PayType", .sql = "SELECT ValueString FROM preference WHERE "
                                "PrefName = 'ApiPaymentType'"},
    {.field = "PayDate", .sql = "SELECT DATE_FORMAT(CURDATE(), '%Y-%m-%d')"},
    {.field = "ClinicNum",
     .sql = "SELECT ClinicNum FROM patient WHERE PatNum = ?",
     .param = "PatNum"},
    {.field = "PaymentSource", .sql = "SELECT 13"}, /* CreditCardSource.API */
};

static const struct od_check payment_checks[] = {
    {.ops = OD_OP_PUT, .sql = "SELECT 1 FROM DUAL WHERE ? = 0",
     .params = "ProcessStatus", .status = 400,
     .msg = "ProcessStatus must be OnlineProcessed or OnlinePending."},
};

static int payment_post(struct od_conn *c, long long paynum,
                        const struct json_t *body, int *status, char *msg,
                        size_t msgsize);

const struct od_resource od_res_payments = {
    .name = "payments", .table = "payment", .pk = "PayNum",
    .joins = "LEFT JOIN definition pt ON pt.DefNum = t.PayType",
    .fields = payment_fields, .nfields = OD_N(payment_fields),
    .filters = payment_filters, .nfilters = OD_N(payment_filters),
    .ops = OD_OP_GET_LIST | OD_OP_POST | OD_OP_PUT,
    .write_perm = ODAPI_PERM_PAYMENTS, .missing = "Payment not found.",
    .server_time = OD_ST_FIRST, .perm_create = PERM_PAYMENT_CREATE,
    .perm_edit = PERM_PAYMENT_EDIT, .log_noun = "Payment",
    .patnum_col = "PatNum",
    .sqldefaults = payment_defaults, .nsqldefaults = OD_N(payment_defaults),
    .checks = payment_checks, .nchecks = OD_N(payment_checks),
    .post_fn = payment_post,
};

/* ---- the family's account, as the auto-split sees it --------------------- */

/* A family's rows are bounded (memory per request). */
#define MAX_ROWS 50000
#define MAX_PROCNUMS 1000

enum { E_PROC, E_ADJ };

/* An AccountEntry: a completed procedure (its patient portion) or an
 * adjustment, with what is still owed on it (AmountEnd), in cents. */
struct entry {
    int kind, payfirst;
    long long num, pat, prov, clinic, procnum; /* procnum: an adj's */
    char date[11];
    long long end;
};

/* An existing split; amt is what is left of it to link, in cents. */
struct split {
    long long pat, prov, clinic, procnum, adjnum, amt;
    int hidden;
};

/* Insurance paid by total (ClaimProcs.GetOutstandingClaimPayByTotal). */
struct astotal {
    long long pat, prov, clinic, amt;
};

/* A split of the new payment. */
struct newsplit {
    long long amt, pat, prov, clinic, procnum, adjnum, unearned, payplan;
};

struct alloc {
    struct od_ledger_prefs prefs;
    long long paynum, patnum, guar, clinic, amt, patprov;
    char paydate[OD_COLSZ];
    int prepay, patpref;
    long long payplan;
    int dynamic;                 /* payplan is a dynamic payment plan */
    long long procnums[MAX_PROCNUMS];
    int nprocnums;
    struct entry *e;
    struct split *s;
    struct astotal *t;
    int ne, ns, nt, cape, caps, capt, full;
    int *order;                  /* entries, in the order being worked */
    struct newsplit *out;
    int nout;
};

static long long cents(const char *v)
{
    return llround(strtod(v, NULL) * 100.0);
}

static long long ll(const char *v)
{
    long long x;
    return od_parse_ll(v, &x) ? 0 : x;
}

/* Room for one more element of an array of size sz: 0, or -1 (full). */
static int grow(void **p, int n, int *cap, size_t sz, int *full)
{
    void *np;
    int c;
    if (n < *cap)
        return 0;
    if (n >= MAX_ROWS) {
        *full = 1;
        return -1;
    }
    c = *cap ? *cap * 2 : 64;
    if (!(np = realloc(*p, (size_t)c * sz))) {
        *full = 1;
        return -1;
    }
    *p = np;
    *cap = c;
    return 0;
}

/* A completed procedure: ProcFee x max(1, units) less what insurance paid
 * or is estimated to pay (ClaimProcs.GetPatPortion; the estimates only
 * unless BalancesDontSubtractIns), unless no claimproc bills insurance. */
static int take_proc(void *ctx, char **cols)
{
    struct alloc *a = ctx;
    struct entry *e;
    long long fee = cents(cols[5]);
    if (grow((void **)&a->e, a->ne, &a->cape, sizeof *a->e, &a->full))
        return 1;
    e = &a->e[a->ne++];
    memset(e, 0, sizeof *e);
    e->kind = E_PROC;
    e->num = ll(cols[0]);
    e->pat = ll(cols[1]);
    e->prov = ll(cols[2]);
    e->clinic = ll(cols[3]);
    snprintf(e->date, sizeof e->date, "%s", cols[4]);
    e->end = fee;
    if (ll(cols[6]) > 0)
        e->end = fee - cents(cols[8]) -
                 (a->prefs.dont_subtract_ins ? 0 : cents(cols[7]));
    return 0;
}

static int take_adj(void *ctx, char **cols)
{
    struct alloc *a = ctx;
    struct entry *e;
    if (grow((void **)&a->e, a->ne, &a->cape, sizeof *a->e, &a->full))
        return 1;
    e = &a->e[a->ne++];
    memset(e, 0, sizeof *e);
    e->kind = E_ADJ;
    e->num = ll(cols[0]);
    e->pat = ll(cols[1]);
    e->prov = ll(cols[2]);
    e->clinic = ll(cols[3]);
    snprintf(e->date, sizeof e->date, "%s", cols[4]);
    e->end = cents(cols[5]);
    e->procnum = ll(cols[6]);
    return 0;
}

static int take_split(void *ctx, char **cols)
{
    struct alloc *a = ctx;
    struct split *s;
    if (grow((void **)&a->s, a->ns, &a->caps, sizeof *a->s, &a->full))
        return 1;
    s = &a->s[a->ns++];
    s->pat = ll(cols[0]);
    s->prov = ll(cols[1]);
    s->clinic = ll(cols[2]);
    s->amt = cents(cols[3]);
    s->procnum = ll(cols[4]);
    s->adjnum = ll(cols[5]);
    s->hidden = ll(cols[6]) != 0;
    return 0;
}

static int take_total(void *ctx, char **cols)
{
    struct alloc *a = ctx;
    struct astotal *t;
    if (grow((void **)&a->t, a->nt, &a->capt, sizeof *a->t, &a->full))
        return 1;
    t = &a->t[a->nt++];
    t->pat = ll(cols[0]);
    t->prov = ll(cols[1]);
    t->clinic = ll(cols[2]);
    t->amt = cents(cols[3]);
    return 0;
}

/* The POST's transaction took its snapshot before the family was locked
 * (load_payment): locking reads see what a payment of the same family
 * committed meanwhile. */
#define SEE_COMMITTED " LOCK IN SHARE MODE"

/* PaymentEdit.GetConstructChargesData for the family: completed
 * procedures, adjustments, payment splits (those on payment plans are
 * left out: plans are not modelled) and insurance paid by total. */
static int load_account(struct od_conn *c, struct alloc *a)
{
    struct od_prm p[1] = {OD_PI(a->guar)};
    if (od_query_each(
            c,
            "SELECT pl.ProcNum, pl.PatNum, pl.ProvNum, pl.ClinicNum, "
            "DATE_FORMAT(pl.ProcDate, '%Y-%m-%d'), pl.ProcFee * GREATEST(1, "
            "pl.UnitQty + pl.BaseUnits), (SELECT COUNT(*) FROM claimproc b "
            "WHERE b.ProcNum = pl.ProcNum AND b.NoBillIns = 0), (SELECT "
            "COALESCE(SUM(e.InsPayEst + CASE WHEN e.WriteOffEstOverride != -1 "
            "THEN e.WriteOffEstOverride WHEN e.WriteOffEst != -1 THEN "
            "e.WriteOffEst ELSE 0 END), 0) FROM claimproc e WHERE e.ProcNum = "
            "pl.ProcNum AND e.Status IN (0, 6, 8, 9)), (SELECT "
            "COALESCE(SUM(d.InsPayAmt + d.WriteOff), 0) FROM claimproc d "
            "WHERE d.ProcNum = pl.ProcNum AND d.Status IN (1, 4, 5, 7)) FROM "
            "procedurelog pl JOIN patient f ON f.PatNum = pl.PatNum WHERE "
            "f.Guarantor = ? AND pl.ProcStatus = 2" SEE_COMMITTED,
            p, 1, 9, take_proc, a) < 0 ||
        a->full ||
        od_query_each(c,
                      "SELECT a.AdjNum, a.PatNum, a.ProvNum, a.ClinicNum, "
                      "DATE_FORMAT(a.AdjDate, '%Y-%m-%d'), a.AdjAmt, "
                      "a.ProcNum FROM adjustment a JOIN patient f ON "
                      "f.PatNum = a.PatNum WHERE f.Guarantor = ?"
                      SEE_COMMITTED,
                      p, 1, 7, take_adj, a) < 0 ||
        a->full)
        return -1;
    if (od_query_each(
            c,
            "SELECT s.PatNum, s.ProvNum, s.ClinicNum, s.SplitAmt, s.ProcNum, "
            "s.AdjNum, s.UnearnedType IN (SELECT DefNum FROM definition WHERE "
            "Category = 29 AND ItemValue <> '') FROM paysplit s JOIN patient "
            "f ON f.PatNum = s.PatNum WHERE f.Guarantor = ? AND "
            "s.PayPlanNum = 0 AND s.SplitAmt != 0 ORDER BY s.SplitNum"
            SEE_COMMITTED,
            p, 1, 7, take_split, a) < 0 ||
        a->full)
        return -1;
    /* by total: received, supplemental (not capitation) claimprocs with
     * no procedure, of claims whose total is positive */
    return od_query_each(
               c,
               "SELECT cp.PatNum, cp.ProvNum, cp.ClinicNum, SUM(cp.InsPayAmt) "
               "FROM claimproc cp JOIN patient f ON f.PatNum = cp.PatNum "
               "WHERE f.Guarantor = ? AND cp.ProcNum = 0 AND cp.Status IN "
               "(1, 4) AND (cp.InsPayAmt != 0 OR cp.WriteOff != 0) AND "
               "cp.ClaimNum IN (SELECT t.ClaimNum FROM claimproc t WHERE "
               "t.ProcNum = 0 AND t.Status IN (1, 4) AND (t.InsPayAmt != 0 OR "
               "t.WriteOff != 0) GROUP BY t.ClaimNum HAVING SUM(t.InsPayAmt) "
               "> 0) GROUP BY cp.ClaimNum, cp.PatNum, cp.ProvNum, "
               "cp.ClinicNum HAVING SUM(cp.InsPayAmt) != 0 ORDER BY "
               "MIN(cp.ClaimProcNum)" SEE_COMMITTED,
               p, 1, 4, take_total, a) < 0 || a->full
               ? -1
               : 0;
}

/* ---- linking what was paid to what was charged --------------------------- */

static int same_ppc(const struct entry *e, long long pat, long long prov,
                    long long clinic)
{
    return e->pat == pat && e->prov == prov && e->clinic == clinic;
}

/* PaymentEdit.BalanceAccountEntries over the entries idx[0..n): each
 * positive one takes what the negative ones have, in order. */
static void balance(struct alloc *a, const int *idx, int n)
{
    int i, k;
    for (i = 0; i < n; i++) {
        struct entry *pos = &a->e[idx[i]];
        if (pos->end <= 0)
            continue;
        for (k = 0; k < n && pos->end > 0; k++) {
            struct entry *neg = &a->e[idx[k]];
            long long x;
            if (neg->end >= 0)
                continue;
            x = pos->end < -neg->end ? pos->end : -neg->end;
            pos->end -= x;
            neg->end += x;
        }
    }
}

/* AccountEntrySort: by date; on one day procedures, then adjustments. */
static int by_entry(const void *x, const void *y)
{
    const struct entry *a = x, *b = y;
    int c = strcmp(a->date, b->date);
    if (c)
        return c;
    if (a->kind != b->kind)
        return a->kind - b->kind;
    return (a->num > b->num) - (a->num < b->num);
}

/* Adjustments attached to a procedure (same patient, provider, clinic)
 * become part of it; other attached ones offset each other. */
static void link_adjustments(struct alloc *a)
{
    int i, k, *idx = a->order + a->ne, n;
    for (i = 0; i < a->ne; i++) {
        struct entry *p = &a->e[i];
        if (p->kind != E_PROC)
            continue;
        for (k = 0; k < a->ne; k++) {
            struct entry *j = &a->e[k];
            if (j->kind == E_ADJ && j->procnum == p->num &&
                same_ppc(j, p->pat, p->prov, p->clinic)) {
                p->end += j->end;
                j->end = 0;
            }
        }
    }
    for (i = 0; i < a->ne; i++) {
        struct entry *j = &a->e[i];
        if (j->kind != E_ADJ || !j->procnum || j->end >= 0)
            continue;
        n = 0;
        idx[n++] = i;
        for (k = 0; k < a->ne; k++) {
            struct entry *m = &a->e[k];
            if (m->kind == E_ADJ && m->procnum == j->procnum && m->end > 0 &&
                same_ppc(m, j->pat, j->prov, j->clinic))
                idx[n++] = k;
        }
        balance(a, idx, n);
    }
}

/* PaymentEdit.ExplicitlyLinkCredits: a split attached to a procedure or
 * an adjustment of its patient, provider and clinic pays it in full;
 * then unattached positive and negative adjustments of one patient,
 * provider and clinic offset each other (AdjustmentsOffsetEachOther). */
static void link_explicit(struct alloc *a)
{
    int i, k;
    link_adjustments(a);
    for (i = 0; i < a->ne; i++) {
        struct entry *e = &a->e[i];
        if (e->kind != E_PROC)
            continue;
        for (k = 0; k < a->ns; k++) {
            struct split *s = &a->s[k];
            if (s->amt && s->procnum == e->num &&
                same_ppc(e, s->pat, s->prov, s->clinic)) {
                e->end -= s->amt;
                s->amt = 0;
            }
        }
    }
    for (i = 0; i < a->ne; i++) {
        struct entry *e = &a->e[i];
        if (e->kind != E_ADJ)
            continue;
        for (k = 0; k < a->ns; k++) {
            struct split *s = &a->s[k];
            if (s->amt && same_ppc(e, s->pat, s->prov, s->clinic) &&
                (s->adjnum == e->num ||
                 (e->procnum > 0 && s->procnum == e->procnum))) {
                e->end -= s->amt;
                s->amt = 0;
            }
        }
    }
    if (!a->prefs.adj_offset)
        return;
    for (i = 0; i < a->ne; i++) {
        struct entry *pos = &a->e[i];
        if (pos->kind != E_ADJ || pos->procnum || pos->end <= 0)
            continue;
        for (k = 0; k < a->ne && pos->end > 0; k++) {
            struct entry *neg = &a->e[k];
            long long x;
            if (neg->kind != E_ADJ || neg->procnum || neg->end >= 0 ||
                !same_ppc(neg, pos->pat, pos->prov, pos->clinic))
                continue;
            x = pos->end < -neg->end ? pos->end : -neg->end;
            pos->end -= x;
            neg->end += x;
        }
    }
}

/* The implicit linking layers (PaymentEdit.AccountBalancingLayers), most
 * specific first: which of provider, patient and clinic a bucket shares. */
enum { K_PROV = 1, K_PAT = 2, K_CLIN = 4 };
static const int layers[] = {K_PROV | K_PAT | K_CLIN, K_PROV | K_PAT,
                             K_PROV | K_CLIN, K_PAT | K_CLIN, K_PROV, K_PAT,
                             K_CLIN, 0};

static int in_bucket(int keys, const struct entry *b, long long pat,
                     long long prov, long long clinic)
{
    return (!(keys & K_PROV) || b->prov == prov) &&
           (!(keys & K_PAT) || b->pat == pat) &&
           (!(keys & K_CLIN) || b->clinic == clinic);
}

/* The rest of a bucket: negative splits and negative unattached
 * adjustments (corrections, courtesies) offset each other, then negative
 * unattached adjustments reduce the bucket's procedures. */
static void link_bucket_negatives(struct alloc *a, int keys,
                                  const struct entry *b, const int *ord,
                                  int n)
{
    int i, k, m = 0, *idx = a->order + a->ne;
    for (i = 0; i < a->ns; i++) {
        struct split *q = &a->s[i];
        if (q->hidden || q->amt >= 0 ||
            !in_bucket(keys, b, q->pat, q->prov, q->clinic))
            continue;
        for (k = 0; k < n && q->amt < 0; k++) {
            struct entry *e = &a->e[ord[k]];
            long long x;
            if (e->kind != E_ADJ || e->procnum || e->end >= 0 ||
                !in_bucket(keys, b, e->pat, e->prov, e->clinic))
                continue;
            x = e->end > q->amt ? e->end : q->amt; /* the one nearer 0 */
            e->end -= x;
            q->amt -= x;
        }
    }
    for (k = 0; k < n; k++) { /* negative adjustments, then procedures */
        struct entry *e = &a->e[ord[k]];
        if (e->kind == E_ADJ && !e->procnum && e->end < 0 &&
            in_bucket(keys, b, e->pat, e->prov, e->clinic))
            idx[m++] = ord[k];
    }
    for (k = 0; k < n; k++) {
        struct entry *e = &a->e[ord[k]];
        if (e->kind == E_PROC && e->end > 0 &&
            in_bucket(keys, b, e->pat, e->prov, e->clinic))
            idx[m++] = ord[k];
    }
    balance(a, idx, m);
}

/* PaymentEdit.ProcessImplicitLinkBucket for the bucket of entry b. */
static void link_bucket(struct alloc *a, int keys, const struct entry *b,
                        const int *ord, int n)
{
    int i, k;
    for (i = 0; i < a->nt; i++) { /* insurance paid by total */
        struct astotal *t = &a->t[i];
        if (!t->amt || !in_bucket(keys, b, t->pat, t->prov, t->clinic))
            continue;
        for (k = 0; k < n && t->amt; k++) {
            struct entry *e = &a->e[ord[k]];
            long long x;
            if (!e->end || !in_bucket(keys, b, e->pat, e->prov, e->clinic))
                continue;
            x = e->end < t->amt ? e->end : t->amt;
            e->end -= x;
            t->amt -= x;
        }
    }
    for (i = 0; i < a->ns; i++) { /* negative splits offset positive ones */
        struct split *p = &a->s[i];
        if (p->hidden || p->amt <= 0 ||
            !in_bucket(keys, b, p->pat, p->prov, p->clinic))
            continue;
        for (k = 0; k < a->ns && p->amt > 0; k++) {
            struct split *q = &a->s[k];
            long long x;
            if (q->hidden || q->amt >= 0 ||
                !in_bucket(keys, b, q->pat, q->prov, q->clinic))
                continue;
            x = p->amt < -q->amt ? p->amt : -q->amt;
            p->amt -= x;
            q->amt += x;
        }
    }
    for (i = 0; i < a->ns; i++) { /* what is left pays the oldest */
        struct split *p = &a->s[i];
        if (p->hidden || p->amt <= 0 ||
            !in_bucket(keys, b, p->pat, p->prov, p->clinic))
            continue;
        for (k = 0; k < n && p->amt > 0; k++) {
            struct entry *e = &a->e[ord[k]];
            long long x;
            if (e->end <= 0 || !in_bucket(keys, b, e->pat, e->prov, e->clinic))
                continue;
            x = e->end < p->amt ? e->end : p->amt;
            e->end -= x;
            p->amt -= x;
        }
    }
    link_bucket_negatives(a, keys, b, ord, n);
}

/* PaymentEdit.ImplicitlyLinkCredits: unattached money (splits, insurance
 * paid by total, negative adjustments) pays the oldest charges, layer by
 * layer from the most specific bucket (same provider, patient and clinic)
 * to the whole family; whatever is still negative then pays whatever is
 * still positive. ord: the entries in the order implicit linking takes
 * them. */
static void link_implicit(struct alloc *a, const int *ord)
{
    int l, i, k;
    for (l = 0; l < (int)OD_ARRAY_LEN(layers); l++) {
        for (i = 0; i < a->ne; i++) {
            const struct entry *b = &a->e[ord[i]];
            int first = 1;
            for (k = 0; k < i && first; k++) /* one bucket per key */
                if (in_bucket(layers[l], b, a->e[ord[k]].pat,
                              a->e[ord[k]].prov, a->e[ord[k]].clinic))
                    first = 0;
            if (first)
                link_bucket(a, layers[l], b, ord, a->ne);
        }
    }
    balance(a, ord, a->ne);
}

/* ---- splitting the payment ----------------------------------------------- */

static int add_split(struct alloc *a, const struct entry *e, long long amt)
{
    struct newsplit *n = &a->out[a->nout++];
    memset(n, 0, sizeof *n);
    n->amt = amt;
    n->pat = e->pat;
    n->prov = e->prov;
    n->clinic = e->clinic;
    if (e->kind == E_PROC)
        n->procnum = e->num;
    else
        n->adjnum = e->num;
    return 0;
}

/* Stable order of entries: the given key first (0 before 1), ties kept. */
static void stable_front(struct alloc *a, int *ord,
                         int (*key)(const struct alloc *,
                                    const struct entry *))
{
    int i, n = 0, *tmp = a->order + a->ne;
    for (i = 0; i < a->ne; i++)
        if (!key(a, &a->e[ord[i]]))
            tmp[n++] = ord[i];
    for (i = 0; i < a->ne; i++)
        if (key(a, &a->e[ord[i]]))
            tmp[n++] = ord[i];
    memcpy(ord, tmp, (size_t)a->ne * sizeof *ord);
}

static int other_patient(const struct alloc *a, const struct entry *e)
{
    return e->pat != a->patnum;
}

static int own_patient(const struct alloc *a, const struct entry *e)
{
    return e->pat == a->patnum;
}

static int not_payfirst(const struct alloc *a, const struct entry *e)
{
    (void)a;
    return !e->payfirst;
}

static int payfirst(const struct alloc *a, const struct entry *e)
{
    (void)a;
    return e->payfirst;
}

/* PaymentEdit.AutoSplitForPayment: the procedures named in procNums
 * first, then FIFO over what is still owed (the payment's patient first
 * with isPatientPreferred), and an unearned split for what is left. */
static void auto_split(struct alloc *a)
{
    int i, *ord = a->order;
    long long left = a->amt;
    qsort(a->e, (size_t)a->ne, sizeof *a->e, by_entry);
    for (i = 0; i < a->ne; i++)
        ord[i] = i;
    link_explicit(a);
    for (i = 0; i < a->ne && left > 0; i++) { /* procNums, before the rest */
        struct entry *e = &a->e[i];
        long long x;
        if (!e->payfirst || e->end <= 0)
            continue;
        x = left < e->end ? left : e->end;
        add_split(a, e, x);
        e->end -= x;
        left -= x;
    }
    if (a->patpref) /* the patient's charges are linked to last */
        stable_front(a, ord, own_patient);
    stable_front(a, ord, payfirst);
    link_implicit(a, ord);
    for (i = 0; i < a->ne; i++)
        ord[i] = i;
    if (a->patpref)
        stable_front(a, ord, other_patient);
    stable_front(a, ord, not_payfirst);
    for (i = 0; i < a->ne; i++) {
        struct entry *e = &a->e[ord[i]];
        long long x;
        if (left == 0)
            break;
        if (left < 0)
            return; /* a negative payment makes no auto splits */
        if (e->end <= 0)
            continue;
        x = left < e->end ? left : e->end;
        add_split(a, e, x);
        e->end -= x;
        left -= x;
    }
    if (left) {
        struct newsplit *n = &a->out[a->nout++];
        memset(n, 0, sizeof *n);
        n->amt = left;
        n->pat = a->patnum;
        n->unearned = a->prefs.prepay_type;
        n->clinic = a->prefs.clinics ? a->clinic : 0;
    }
}

/* Payments.CreateSinglePaySplitForWeb: to the patient's provider, or,
 * unless RigorousAccounting is Manual (2), to unearned with no provider. */
static void single_split(struct alloc *a, long long amt)
{
    struct newsplit *n = &a->out[a->nout++];
    memset(n, 0, sizeof *n);
    n->amt = amt;
    n->pat = a->patnum;
    n->clinic = a->clinic;
    if (a->prefs.rigorous == 2) {
        n->prov = a->patprov;
    } else {
        n->unearned = a->prefs.prepay_type;
    }
}

/* ---- the request's inputs ------------------------------------------------ */

/* "true"/"false" (any case; a JSON boolean too); absent: 0. 0 or -1. */
static int body_bool(const json_t *body, const char *name, int *out)
{
    json_t *v = json_object_get(body, name);
    *out = 0;
    if (!v || json_is_null(v))
        return 0;
    if (json_is_boolean(v)) {
        *out = json_is_true(v);
        return 0;
    }
    if (!json_is_string(v))
        return -1;
    if (!strcasecmp(json_string_value(v), "true"))
        *out = 1;
    else if (strcasecmp(json_string_value(v), "false") &&
             *json_string_value(v))
        return -1;
    return 0;
}

/* A key: a number or a string of digits; 0 or -1. */
static int key_of(const json_t *v, long long *out)
{
    if (json_is_integer(v))
        *out = (long long)json_integer_value(v);
    else if (!json_is_string(v) || od_parse_ll(json_string_value(v), out))
        return -1;
    return *out >= 0 ? 0 : -1;
}

/* isPrepayment, isPatientPreferred, procNums, payPlanNum: 0, or -1 with
 * the 400 sentence in msg. */
static int read_inputs(const json_t *body, struct alloc *a, char *msg,
                       size_t msgsize)
{
    const json_t *v;
    size_t i;
    if (body_bool(body, "isPrepayment", &a->prepay)) {
        snprintf(msg, msgsize, "isPrepayment is invalid.");
        return -1;
    }
    if (body_bool(body, "isPatientPreferred", &a->patpref)) {
        snprintf(msg, msgsize, "isPatientPreferred is invalid.");
        return -1;
    }
    v = json_object_get(body, "payPlanNum");
    if (v && !json_is_null(v) && key_of(v, &a->payplan)) {
        snprintf(msg, msgsize, "payPlanNum is invalid.");
        return -1;
    }
    v = json_object_get(body, "procNums");
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_array(v) || json_array_size(v) > MAX_PROCNUMS) {
        snprintf(msg, msgsize, "procNums is invalid.");
        return -1;
    }
    for (i = 0; i < json_array_size(v); i++)
        if (key_of(json_array_get(v, i), &a->procnums[a->nprocnums++])) {
            snprintf(msg, msgsize, "procNums is invalid.");
            return -1;
        }
    return 0;
}

/* ---- the payment --------------------------------------------------------- */

/* The payment row, its patient and the preferences; 0, or -1 with
 * status/msg set for a refusal, else a database error. */
static int load_payment(struct od_conn *c, struct alloc *a, int *status,
                        char *msg, size_t msgsize)
{
    struct od_prm p[2] = {OD_PI(a->paynum)};
    char v[5][OD_COLSZ];
    if (od_ledger_prefs_read(c, &a->prefs) ||
        od_query_row(c,
                     "SELECT y.PatNum, y.PayAmt, DATE_FORMAT(y.PayDate, "
                     "'%Y-%m-%d'), y.ClinicNum, pa.Guarantor FROM payment y "
                     "JOIN patient pa ON pa.PatNum = y.PatNum WHERE "
                     "y.PayNum = ?",
                     p, 1, 5, v) != 1)
        return -1;
    a->patnum = ll(v[0]);
    a->amt = cents(v[1]);
    snprintf(a->paydate, sizeof a->paydate, "%s", v[2]);
    a->clinic = ll(v[3]);
    a->guar = ll(v[4]) > 0 ? ll(v[4]) : a->patnum;
    /* one payment of a family at a time: two would split onto the same
     * charges, and the stored aging must be the last one's */
    p[0] = OD_PI(a->guar);
    if (od_query_each_ll(c, "SELECT PatNum FROM patient WHERE Guarantor = ? "
                            "FOR UPDATE",
                         p, 1, 1, NULL, NULL) < 0)
        return -1;
    /* Patients.GetProvNum: PriProv, else the practice's default, else the
     * first provider shown */
    p[0] = OD_PI(a->patnum);
    p[1] = OD_PI(a->prefs.practice_prov);
    if (od_query_row(c,
                     "SELECT COALESCE(NULLIF((SELECT PriProv FROM patient "
                     "WHERE PatNum = ?), 0), NULLIF(?, 0), (SELECT ProvNum "
                     "FROM provider WHERE IsHidden = 0 ORDER BY ItemOrder, "
                     "ProvNum LIMIT 1), 0)",
                     p, 2, 1, v) != 1)
        return -1;
    a->patprov = ll(v[0]);
    if (a->payplan > 0) {
        long long d[1];
        p[0] = OD_PI(a->payplan);
        switch (od_query_ll(c, "SELECT IsDynamic FROM payplan WHERE "
                               "PayPlanNum = ?", p, 1, 1, d)) {
        case -1:
            return -1;
        case 0:
            *status = 404;
            snprintf(msg, msgsize, "PayPlan not found.");
            return -1;
        }
        a->dynamic = d[0] != 0;
        if (!a->prepay) {
            *status = 400;
            snprintf(msg, msgsize, "payPlanNum is only supported with "
                                   "isPrepayment \"true\".");
            return -1;
        }
    }
    return 0;
}

static int insert_splits(struct od_conn *c, const struct alloc *a)
{
    int i;
    for (i = 0; i < a->nout; i++) {
        const struct newsplit *n = &a->out[i];
        struct od_prm p[10] = {
            OD_PD((double)n->amt / 100.0), OD_PI(n->pat), OD_PI(a->paynum),
            OD_PI(n->prov), OD_PI(n->payplan), OD_PS(a->paydate),
            OD_PI(n->procnum), OD_PI(n->unearned), OD_PI(n->clinic),
            OD_PI(n->adjnum)};
        if (od_exec(c,
                    "INSERT INTO paysplit (SplitAmt, PatNum, ProcDate, "
                    "PayNum, ProvNum, PayPlanNum, DatePay, ProcNum, "
                    "DateEntry, UnearnedType, ClinicNum, AdjNum) VALUES "
                    "(ROUND(?, 2), ?, '0001-01-01', ?, ?, ?, ?, ?, CURDATE(), "
                    "?, ?, ?)",
                    p, 10, NULL, NULL))
            return -1;
    }
    return 0;
}

static void mark_payfirst(struct alloc *a)
{
    int i, k;
    for (i = 0; i < a->ne; i++)
        for (k = 0; k < a->nprocnums; k++)
            if (a->e[i].kind == E_PROC && a->e[i].num == a->procnums[k])
                a->e[i].payfirst = 1;
}

/* Payments.ProcessPaymentForWeb after the payment row is in. */
static int split_payment(struct od_conn *c, struct alloc *a)
{
    long long sum = 0;
    int i, w;
    if (!a->prepay && a->prefs.rigorous != 2) { /* Manual: no auto split */
        if (load_account(c, a))
            return -1;
        if (!(a->order = malloc(2 * (size_t)(a->ne + 1) * sizeof *a->order)) ||
            !(a->out = calloc((size_t)a->ne + 3, sizeof *a->out)))
            return -1;
        mark_payfirst(a);
        auto_split(a);
    } else if (!(a->out = calloc(3, sizeof *a->out))) {
        return -1;
    }
    for (i = w = 0; i < a->nout; i++) /* a $0 split is not valid */
        if (a->out[i].amt)
            a->out[w++] = a->out[i];
    a->nout = w;
    if (!a->nout)
        single_split(a, a->amt); /* a payment always has a split */
    for (i = 0; i < a->nout; i++)
        sum += a->out[i].amt;
    if (sum != a->amt)
        single_split(a, a->amt - sum);
    if (a->prepay) { /* FormPayment.butPrePay_Click: one split, all of it */
        a->nout = 0;
        single_split(a, a->amt);
        if (a->payplan > 0 && a->dynamic) {
            a->out[0].payplan = a->payplan;
            a->out[0].unearned = a->prefs.dpp_prepay_type;
        }
    }
    return insert_splits(c, a);
}

static int payment_post(struct od_conn *c, long long paynum,
                        const struct json_t *body, int *status, char *msg,
                        size_t msgsize)
{
    struct alloc *a = calloc(1, sizeof *a);
    int rc = -1;
    if (!a)
        return -1;
    a->paynum = paynum;
    if (read_inputs(body, a, msg, msgsize)) {
        *status = 400;
        goto done;
    }
    if (load_payment(c, a, status, msg, msgsize))
        goto done;
    if (split_payment(c, a)) {
        if (a->full && !c->lost) {
            *status = 400;
            snprintf(msg, msgsize, "The family's account has more than %d "
                     "entries of one kind to split a payment over.",
                     MAX_ROWS);
        }
        goto done;
    }
    /* Ledgers.ComputeAging for the family, as Open Dental does after a
     * payment through the API */
    rc = od_aging_store(c, &a->prefs, a->guar, a->prefs.today, 0);
done:
    free(a->e);
    free(a->s);
    free(a->t);
    free(a->order);
    free(a->out);
    free(a);
    return rc;
}
