/* insest-load.c - od_ie_load and od_ie_load_hist (insest-internal.h): what a
 * patient's insurance estimates read, from the attached database. Lists
 * are bounded: a patient with more plans, benefits, categories or
 * history lines than the limits below is refused by the caller (a 500
 * naming the limit would be wrong for data Open Dental accepts, so the
 * limits are far above what an office has: docs/resources.md). */
#include "actions/insest-internal.h"
#include "actions/kit-internal.h"
#include "db/catalog-internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PLANS 16
#define MAX_BENEFITS 4000
#define MAX_SPANS 4000
#define MAX_CATS 500
#define MAX_GROUPS 500
#define MAX_HIST 20000

long od_iu_renew_day(long day, int monthrenew);

/* ---- growing arrays ---------------------------------------------------- */

static void *grow(struct ie_ctx *ctx, void *p, int n, int *cap, size_t size,
                  int max)
{
    void *q;
    int nc;
    if (n < *cap)
        return p;
    if (n >= max) {
        ctx->oom = 1;
        return NULL;
    }
    nc = *cap ? *cap * 2 : 16;
    if (nc > max)
        nc = max;
    q = realloc(p, (size_t)nc * size);
    if (!q) {
        ctx->oom = 1;
        return NULL;
    }
    *cap = nc;
    return q;
}

struct loader {
    struct ie_ctx *ctx;
    int cap;
    long long plan; /* the history's plan */
};

/* ---- fees ---------------------------------------------------------------- */

/* Fees.GetAmount: the fee of the schedule for the clinic and provider,
 * else the provider's, the clinic's, the schedule's default; a global
 * schedule has only the default; a hidden one none (-1). */
static double db_fee(void *arg, long long code, long long sched,
                     long long clinic, long long prov)
{
    struct od_conn *c = arg;
    char r[OD_MAXCOL][OD_COLSZ];
    struct od_prm p[10];
    p[0] = OD_PI(code);
    p[1] = OD_PI(sched);
    p[2] = OD_PI(clinic);
    p[3] = OD_PI(prov);
    p[4] = OD_PI(prov);
    p[5] = OD_PI(clinic);
    p[6] = OD_PI(clinic);
    p[7] = OD_PI(prov);
    p[8] = OD_PI(prov);
    p[9] = OD_PI(clinic);
    if (od_query_row(c,
                     "SELECT f.Amount FROM fee f JOIN feesched fs ON "
                     "fs.FeeSchedNum = f.FeeSched WHERE f.CodeNum = ? AND "
                     "f.FeeSched = ? AND fs.IsHidden = 0 AND ((f.ClinicNum = ? "
                     "AND f.ProvNum = ?) OR (f.ClinicNum = 0 AND f.ProvNum = "
                     "?) "
                     "OR (f.ClinicNum = ? AND f.ProvNum = 0) OR (f.ClinicNum = "
                     "0 AND f.ProvNum = 0)) AND (fs.IsGlobal = 0 OR "
                     "(f.ClinicNum = 0 AND f.ProvNum = 0)) ORDER BY "
                     "(f.ClinicNum = ? AND f.ProvNum = ?) DESC, (f.ClinicNum = "
                     "0 AND f.ProvNum = ?) DESC, (f.ClinicNum = ? AND "
                     "f.ProvNum = 0) DESC, f.FeeNum LIMIT 1",
                     p, 10, 1, r) != 1)
        return -1;
    return atof(r[0]);
}

/* ---- plans, benefits, categories ---------------------------------------- */

static int add_plan(void *arg, char **v)
{
    struct loader *l = arg;
    struct ie_ctx *x = l->ctx;
    struct ie_plan *p;
    if (!(x->plans = grow(x, x->plans, x->nplans, &l->cap, sizeof *p,
                          MAX_PLANS)))
        return 1;
    p = &x->plans[x->nplans++];
    memset(p, 0, sizeof *p);
    p->patplan = atoll(v[0]);
    p->ordinal = atoi(v[1]);
    p->relat = atoi(v[2]);
    p->sub = atoll(v[3]);
    p->plan = atoll(v[4]);
    p->type = (char)(v[5][0] == 'p' || v[5][0] == 'f' || v[5][0] == 'c'
                         ? v[5][0]
                         : 0);
    p->feesched = atoll(v[6]);
    p->copay_fs = atoll(v[7]);
    p->monthrenew = atoi(v[8]);
    p->cobrule = atoi(v[9]);
    p->ucr = atoi(v[10]);
    p->medical = atoi(v[11]);
    p->claimform = atoll(v[12]);
    p->allowed_fs = atoll(v[13]);
    return 0;
}

static int load_plans(struct od_conn *c, struct ie_ctx *x)
{
    struct loader l = {x, 0, 0};
    struct od_prm p[1];
    const char *sql =
        od_catalog_column(od_db_catalog(c->db), "insplan", "AllowedFeeSched")
            ? "SELECT pp.PatPlanNum, pp.Ordinal, pp.Relationship, "
              "s.InsSubNum, ip.PlanNum, ip.PlanType, ip.FeeSched, "
              "ip.CopayFeeSched, ip.MonthRenew, ip.CobRule, ip.ClaimsUseUCR, "
              "ip.IsMedical, ip.ClaimFormNum, ip.AllowedFeeSched FROM patplan "
              "pp JOIN inssub s ON s.InsSubNum = pp.InsSubNum JOIN insplan ip "
              "ON ip.PlanNum = s.PlanNum WHERE pp.PatNum = ? ORDER BY "
              "pp.Ordinal, pp.PatPlanNum"
            : "SELECT pp.PatPlanNum, pp.Ordinal, pp.Relationship, "
              "s.InsSubNum, ip.PlanNum, ip.PlanType, ip.FeeSched, "
              "ip.CopayFeeSched, ip.MonthRenew, ip.CobRule, ip.ClaimsUseUCR, "
              "ip.IsMedical, ip.ClaimFormNum, 0 FROM patplan pp JOIN inssub "
              "s ON s.InsSubNum = pp.InsSubNum JOIN insplan ip ON ip.PlanNum "
              "= s.PlanNum WHERE pp.PatNum = ? ORDER BY pp.Ordinal, "
              "pp.PatPlanNum";
    p[0] = OD_PI(x->pat);
    return od_query_each(c, sql, p, 1, 14, add_plan, &l) < 0 || x->oom
               ? -1
               : 0;
}

static int add_benefit(void *arg, char **v)
{
    struct loader *l = arg;
    struct ie_ctx *x = l->ctx;
    struct ie_benefit *b;
    if (!(x->bens = grow(x, x->bens, x->nbens, &l->cap, sizeof *b,
                         MAX_BENEFITS)))
        return 1;
    b = &x->bens[x->nbens++];
    memset(b, 0, sizeof *b);
    b->num = atoll(v[0]);
    b->plan = atoll(v[1]);
    b->patplan = atoll(v[2]);
    b->covcat = atoll(v[3]);
    b->code = atoll(v[4]);
    b->group = atoll(v[5]);
    snprintf(b->codestr, sizeof b->codestr, "%s", v[6]);
    b->type = atoi(v[7]);
    b->percent = atoi(v[8]);
    b->period = atoi(v[9]);
    b->qualifier = atoi(v[10]);
    b->quantity = atoi(v[11]);
    b->level = atoi(v[12]);
    b->amt = atof(v[13]);
    return 0;
}

#define BEN_FROM                                                              \
    " FROM benefit b LEFT JOIN procedurecode pc ON pc.CodeNum = b.CodeNum "   \
    "WHERE (b.PlanNum <> 0 AND b.PlanNum IN (SELECT s.PlanNum FROM patplan "  \
    "pp JOIN inssub s ON s.InsSubNum = pp.InsSubNum WHERE pp.PatNum = ?)) "   \
    "OR (b.PatPlanNum <> 0 AND b.PatPlanNum IN (SELECT PatPlanNum FROM "      \
    "patplan WHERE PatNum = ?)) ORDER BY b.BenefitNum"

static int load_benefits(struct od_conn *c, struct ie_ctx *x)
{
    struct loader l = {x, 0, 0};
    struct od_prm p[2];
    /* code groups came with Open Dental 23.1 */
    const char *sql =
        od_catalog_column(od_db_catalog(c->db), "benefit", "CodeGroupNum")
            ? "SELECT b.BenefitNum, b.PlanNum, b.PatPlanNum, b.CovCatNum, "
              "b.CodeNum, b.CodeGroupNum, COALESCE(pc.ProcCode, ''), "
              "b.BenefitType, b.Percent, b.TimePeriod, b.QuantityQualifier, "
              "b.Quantity, b.CoverageLevel, b.MonetaryAmt" BEN_FROM
            : "SELECT b.BenefitNum, b.PlanNum, b.PatPlanNum, b.CovCatNum, "
              "b.CodeNum, 0, COALESCE(pc.ProcCode, ''), b.BenefitType, "
              "b.Percent, b.TimePeriod, b.QuantityQualifier, b.Quantity, "
              "b.CoverageLevel, b.MonetaryAmt" BEN_FROM;
    p[0] = OD_PI(x->pat);
    p[1] = OD_PI(x->pat);
    return od_query_each(c, sql, p, 2, 14, add_benefit, &l) < 0 || x->oom
               ? -1
               : 0;
}

static int add_cat(void *arg, char **v)
{
    struct loader *l = arg;
    struct ie_ctx *x = l->ctx;
    struct ie_cat *k;
    int i, visible = 0;
    if (!(x->cats = grow(x, x->cats, x->ncats, &l->cap, sizeof *k,
                         MAX_CATS)))
        return 1;
    for (i = 0; i < x->ncats; i++)
        visible += x->cats[i].order >= 0;
    k = &x->cats[x->ncats++];
    k->num = atoll(v[0]);
    k->order = atoi(v[1]) ? -1 : visible; /* hidden: not in the short list */
    k->ebcat = atoi(v[2]);
    return 0;
}

static int add_span(void *arg, char **v)
{
    struct loader *l = arg;
    struct ie_ctx *x = l->ctx;
    struct ie_span *s;
    if (!(x->spans = grow(x, x->spans, x->nspans, &l->cap, sizeof *s,
                          MAX_SPANS)))
        return 1;
    s = &x->spans[x->nspans++];
    s->cat = atoll(v[0]);
    snprintf(s->from, sizeof s->from, "%s", v[1]);
    snprintf(s->to, sizeof s->to, "%s", v[2]);
    return 0;
}

static int add_group(void *arg, char **v)
{
    struct loader *l = arg;
    struct ie_ctx *x = l->ctx;
    struct ie_group *g;
    if (!(x->groups = grow(x, x->groups, x->ngroups, &l->cap, sizeof *g,
                           MAX_GROUPS)))
        return 1;
    g = &x->groups[x->ngroups];
    g->num = atoll(v[0]);
    g->order = atoi(v[1]);
    if (!(g->codes = strdup(v[2]))) {
        x->oom = 1;
        return 1;
    }
    x->ngroups++;
    return 0;
}

static int load_coverage(struct od_conn *c, struct ie_ctx *x)
{
    struct loader l = {x, 0, 0};
    if (od_query_each(c, "SELECT CovCatNum, IsHidden, EbenefitCat FROM covcat "
                         "ORDER BY CovOrder, CovCatNum", NULL, 0, 3, add_cat,
                      &l) < 0 || x->oom)
        return -1;
    l.cap = 0;
    if (od_query_each(c, "SELECT CovCatNum, FromCode, ToCode FROM covspan "
                         "ORDER BY CovSpanNum", NULL, 0, 3, add_span, &l) < 0 ||
        x->oom)
        return -1;
    if (!od_catalog_has_table(od_db_catalog(c->db), "codegroup"))
        return 0;
    l.cap = 0;
    return od_query_each(c, "SELECT CodeGroupNum, ItemOrder, ProcCodes FROM "
                            "codegroup ORDER BY ItemOrder, CodeGroupNum",
                         NULL, 0, 3, add_group, &l) < 0 || x->oom
               ? -1
               : 0;
}

/* ---- the patient and preferences ---------------------------------------- */

static int set_pref(void *arg, char **v)
{
    struct ie_ctx *x = arg;
    int on = strcmp(v[1], "1") == 0 || strcmp(v[1], "true") == 0;
    if (strcmp(v[0], "InsOutOfNetworkBlankLikeZero") == 0)
        x->blank_like_zero = on;
    else if (strcmp(v[0], "CoPay_FeeSchedule_BlankLikeZero") == 0)
        x->copay_blank_zero = on;
    else if (strcmp(v[0], "InsPPOsecWriteoffs") == 0)
        x->ppo_sec_writeoffs = on;
    else if (strcmp(v[0], "InsPlanExclusionsMarkDoNotBillIns") == 0)
        x->excl_nobill = on;
    return 0;
}

/* Patients.DateToAge: whole years from the birthdate to today (0 when
 * there is no birthdate). */
static int load_patient(struct od_conn *c, struct ie_ctx *x)
{
    char r[OD_MAXCOL][OD_COLSZ];
    struct od_prm p[1];
    p[0] = OD_PI(x->pat);
    if (od_query_row(c, "SELECT CURDATE(), IF(Birthdate < '1880-01-01', 0, "
                        "TIMESTAMPDIFF(YEAR, Birthdate, CURDATE())) FROM "
                        "patient WHERE PatNum = ?", p, 1, 2, r) != 1)
        return -1;
    x->today = od_ck_day_num(r[0]);
    x->age = atoi(r[1]);
    /* Open Dental's defaults when a preference row is missing: off */
    return od_query_each(c, "SELECT PrefName, ValueString FROM preference "
                            "WHERE PrefName IN ("
                            "'InsOutOfNetworkBlankLikeZero', "
                            "'CoPay_FeeSchedule_BlankLikeZero', "
                            "'InsPPOsecWriteoffs', "
                            "'InsPlanExclusionsMarkDoNotBillIns')",
                         NULL, 0, 2, set_pref, x) < 0
               ? -1
               : 0;
}

int od_ie_load(struct od_conn *c, struct ie_ctx *ctx, long long pat)
{
    memset(ctx, 0, sizeof *ctx);
    ctx->pat = pat;
    ctx->fee = db_fee;
    ctx->fee_arg = c;
    if (load_patient(c, ctx) || load_plans(c, ctx) ||
        load_benefits(c, ctx) || load_coverage(c, ctx))
        return -1;
    return 0;
}

/* ---- history ------------------------------------------------------------- */

static int add_hist(void *arg, char **v)
{
    struct loader *l = arg;
    struct ie_ctx *x = l->ctx;
    struct ie_hist *h;
    if (!(x->hist = grow(x, x->hist, x->nhist, &x->caphist, sizeof *h,
                         MAX_HIST)))
        return 1;
    h = &x->hist[x->nhist++];
    memset(h, 0, sizeof *h);
    h->day = od_ck_day_num(v[0]);
    snprintf(h->code, sizeof h->code, "%s", v[1]);
    h->status = atoi(v[6]);
    h->amount = atof(h->status == IE_NOTRECEIVED ? v[2] : v[3]);
    h->deduct = atof(v[4]);
    h->pat = atoll(v[5]);
    h->claim = atoll(v[7]);
    h->sub = atoll(v[8]);
    h->proc = atoll(v[9]);
    h->nobill = atoi(v[10]);
    h->plan = l->plan;
    return 0;
}

/* The plan has a lifetime benefit: its history starts in 1880. */
static int lifetime(const struct ie_ctx *x, const struct ie_plan *p)
{
    int i;
    for (i = 0; i < x->nbens; i++)
        if (x->bens[i].period == IE_TP_LIFETIME &&
            ((x->bens[i].plan && x->bens[i].plan == p->plan) ||
             (x->bens[i].patplan && x->bens[i].patplan == p->patplan)))
            return 1;
    return 0;
}

int od_ie_load_hist(struct od_conn *c, struct ie_ctx *x, long long exclude_claim,
                 long day)
{
    struct loader l = {x, 0, 0};
    struct od_prm p[4];
    char from[11];
    int i;
    for (i = 0; i < x->nplans; i++) {
        const struct ie_plan *pl = &x->plans[i];
        od_ck_day_str(lifetime(x, pl) ? od_ck_day_num("1880-01-01")
                                   : od_iu_renew_day(day, pl->monthrenew),
                   from);
        l.plan = pl->plan;
        p[0] = OD_PI(pl->sub);
        p[1] = OD_PS(from);
        p[2] = OD_PI(x->pat);
        p[3] = OD_PI(exclude_claim);
        if (od_query_each(c,
                          "SELECT cp.ProcDate, COALESCE(pc.ProcCode, ''), "
                          "cp.InsPayEst, cp.InsPayAmt, cp.DedApplied, "
                          "cp.PatNum, cp.Status, cp.ClaimNum, cp.InsSubNum, "
                          "cp.ProcNum, cp.NoBillIns FROM claimproc cp LEFT "
                          "JOIN procedurelog p ON p.ProcNum = cp.ProcNum LEFT "
                          "JOIN procedurecode pc ON pc.CodeNum = p.CodeNum "
                          "WHERE cp.InsSubNum = ? AND cp.ProcDate >= ? AND "
                          "cp.Status IN (0, 3, 1, 9, 4) AND cp.PatNum = ? AND "
                          "cp.ClaimNum <> ? ORDER BY cp.ClaimProcNum",
                          p, 4, 11, add_hist, &l) < 0 ||
            x->oom)
            return -1;
    }
    return 0;
}

void od_ie_free(struct ie_ctx *ctx)
{
    int i;
    for (i = 0; i < ctx->ngroups; i++)
        free(ctx->groups[i].codes);
    free(ctx->plans);
    free(ctx->bens);
    free(ctx->spans);
    free(ctx->cats);
    free(ctx->groups);
    free(ctx->hist);
    free(ctx->loop);
    memset(ctx, 0, sizeof *ctx);
}
