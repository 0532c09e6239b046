/* insest.c - the estimate rules of insest-internal.h, on its structures
 * only (od_ie_load in insest-load.c fills them). Each function names the
 * Open Dental 24.3 method it follows; "ComputeBaseEst" is ClaimProcs.cs,
 * the Get*ByCode and GetPercent functions Benefits.cs, GetAllowed and
 * GetCopay InsPlans.cs, ComputeEstimates/ComputeForOrdinal Procedures.cs.
 * Codes compare byte by byte where Open Dental's String.Compare uses the
 * culture's order (the same for the usual "D1234" codes). */
#include "actions/insest-internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- coverage categories and code groups --------------------------------- */

static int in_span(const struct ie_span *s, const char *code)
{
    return strcmp(code, s->from) >= 0 && strcmp(code, s->to) <= 0;
}

/* CovSpans.IsCodeInSpans(code, CovSpans.GetForCat(cat)) */
static int cat_has(const struct ie_ctx *ctx, long long cat, const char *code)
{
    int i;
    for (i = 0; i < ctx->nspans; i++)
        if (ctx->spans[i].cat == cat && in_span(&ctx->spans[i], code))
            return 1;
    return 0;
}

static const struct ie_cat *cat_of(const struct ie_ctx *ctx, long long cat)
{
    int i;
    for (i = 0; i < ctx->ncats; i++)
        if (ctx->cats[i].num == cat)
            return &ctx->cats[i];
    return NULL;
}

/* CovCats.GetOrderShort: -1 for a hidden or unknown category. */
static int cat_order(const struct ie_ctx *ctx, long long cat)
{
    const struct ie_cat *c = cat_of(ctx, cat);
    return c ? c->order : -1;
}

static int cat_ebcat(const struct ie_ctx *ctx, long long cat)
{
    const struct ie_cat *c = cat_of(ctx, cat);
    return c ? c->ebcat : 0;
}

/* CovCats.GetForEbenCat(General): the first visible one. */
static long long general_cat(const struct ie_ctx *ctx)
{
    long long best = 0;
    int i, order = -1;
    for (i = 0; i < ctx->ncats; i++)
        if (ctx->cats[i].ebcat == IE_EB_GENERAL && ctx->cats[i].order >= 0 &&
            (order < 0 || ctx->cats[i].order < order)) {
            best = ctx->cats[i].num;
            order = ctx->cats[i].order;
        }
    return best;
}

/* Benefits.IsCodeInGeneralSpan: true when there is no General category. */
static int in_general_span(const struct ie_ctx *ctx, const char *code)
{
    long long g = general_cat(ctx);
    return g == 0 || cat_has(ctx, g, code);
}

/* The code group's comma list holds code (CodeGroups.IsProcInCodeGroup). */
static int group_has(const struct ie_ctx *ctx, long long group,
                     const char *code)
{
    size_t n = strlen(code);
    const char *p;
    int i;
    for (i = 0; i < ctx->ngroups; i++) {
        if (ctx->groups[i].num != group)
            continue;
        for (p = ctx->groups[i].codes; p && *p;) {
            const char *e = strchr(p, ',');
            size_t len;
            while (*p == ' ')
                p++;
            len = e ? (size_t)(e - p) : strlen(p);
            while (len && p[len - 1] == ' ')
                len--;
            if (len == n && strncmp(p, code, n) == 0)
                return 1;
            p = e ? e + 1 : NULL;
        }
    }
    return 0;
}

static int group_order(const struct ie_ctx *ctx, long long group)
{
    int i;
    for (i = 0; i < ctx->ngroups; i++)
        if (ctx->groups[i].num == group)
            return ctx->groups[i].order;
    return -1;
}

/* The benefit is the plan's or the patient plan's (the filter every
 * Benefits method starts with). */
static int ben_applies(const struct ie_benefit *b, long long plan,
                       long long patplan)
{
    if (b->plan == 0 && b->patplan != patplan)
        return 0;
    if (b->patplan == 0 && b->plan != plan)
        return 0;
    return 1;
}

/* ---- Benefits.GetPercent ------------------------------------------------- */

/* Keep the better of two matches of one level (plan or patient plan):
 * a category match (by_group: a code group match) replaces another only
 * with a larger CovOrder (the group's order). */
static void keep_better(const struct ie_ctx *ctx,
                        const struct ie_benefit **cur,
                        const struct ie_benefit *b, int by_group)
{
    int (*order)(const struct ie_ctx *, long long) =
        by_group ? group_order : cat_order;
    long long had = !*cur ? 0 : by_group ? (*cur)->group : (*cur)->covcat;
    if (!had ||
        order(ctx, by_group ? b->group : b->covcat) > order(ctx, had))
        *cur = b;
}

int od_ie_percent(const struct ie_ctx *ctx, const struct ie_plan *plan,
               const char *code)
{
    const struct ie_benefit *pl = NULL, *pat = NULL, *b;
    int i, pass;
    if (plan->type == 'f' || plan->type == 'c')
        return 100; /* flat copay and capitation are always 100% */
    /* no category, then a category, then a code group, then the code */
    for (pass = 0; pass < 4; pass++) {
        for (i = 0; i < ctx->nbens; i++) {
            b = &ctx->bens[i];
            if (!ben_applies(b, plan->plan, plan->patplan) ||
                b->type != IE_BT_COINSURANCE || b->percent == -1)
                continue;
            if (pass == 0 && !b->code && !b->group && !b->covcat) {
                *(b->patplan ? &pat : &pl) = b;
            } else if (pass == 1 && !b->code && !b->group && b->covcat &&
                       cat_has(ctx, b->covcat, code)) {
                keep_better(ctx, b->patplan ? &pat : &pl, b, 0);
            } else if (pass == 2 && !b->code && b->group && !b->covcat &&
                       group_has(ctx, b->group, code)) {
                keep_better(ctx, b->patplan ? &pat : &pl, b, 1);
            } else if (pass == 3 && b->code && strcmp(code, b->codestr) == 0) {
                *(b->patplan ? &pat : &pl) = b;
            }
        }
    }
    return pat ? pat->percent : pl ? pl->percent : 0;
}

/* ---- Benefits.IsExcluded ------------------------------------------------- */

static int excluded(const struct ie_ctx *ctx, const struct ie_plan *plan,
                    long long patplan, const char *code)
{
    int i;
    for (i = 0; i < ctx->nbens; i++) {
        const struct ie_benefit *b = &ctx->bens[i];
        if (!ben_applies(b, plan->plan, patplan) ||
            b->type != IE_BT_EXCLUSIONS)
            continue;
        if (b->code) {
            if (strcmp(code, b->codestr) == 0)
                return 1;
        } else if (b->group) {
            if (group_has(ctx, b->group, code))
                return 1;
        } else if (b->covcat && cat_has(ctx, b->covcat, code)) {
            return 1; /* a general exclusion (no category) is ignored */
        }
    }
    return 0;
}

/* ---- history ------------------------------------------------------------- */

/* The benefit year [*from, *to] holding day (BenefitLogic.ComputeRenewDate
 * and one year on). */
long od_iu_renew_day(long day, int monthrenew);
long od_iu_add_years(long day, int years);

static void year_of(const struct ie_plan *plan, long day, long *from,
                    long *to)
{
    *from = od_iu_renew_day(day, plan->monthrenew);
    *to = od_iu_add_years(*from, 1) - 1;
}

/* The benefit's codes hold code (specific code, code group or category;
 * no restriction for a general benefit). */
static int ben_covers(const struct ie_ctx *ctx, const struct ie_benefit *b,
                      const char *code)
{
    if (b->code)
        return strcmp(b->codestr, code) == 0;
    if (b->group)
        return group_has(ctx, b->group, code);
    if (b->covcat)
        return cat_has(ctx, b->covcat, code);
    return 1;
}

/* ---- Benefits.GetDeductibleByCode (individual deductibles) --------------- */

/* The best matching individual deductible, and the general one. */
static const struct ie_benefit *find_deductible(
    const struct ie_ctx *ctx, const struct ie_plan *plan, long long patplan,
    const char *code, const struct ie_benefit **general)
{
    const struct ie_benefit *ind = NULL, *b;
    int i, pass;
    *general = NULL;
    for (pass = 0; pass < 4; pass++) {
        for (i = 0; i < ctx->nbens; i++) {
            b = &ctx->bens[i];
            if (!ben_applies(b, plan->plan, patplan) ||
                b->type != IE_BT_DEDUCTIBLE ||
                b->level == IE_LEVEL_FAMILY ||
                (b->period != IE_TP_CALENDARYEAR &&
                 b->period != IE_TP_SERVICEYEAR &&
                 b->period != IE_TP_LIFETIME))
                continue;
            if (pass == 0 && !b->code && !b->group && !b->covcat) {
                ind = *general = b;
            } else if (pass == 1 && !b->code && !b->group && b->covcat &&
                       cat_has(ctx, b->covcat, code)) {
                if (!ind || !ind->covcat ||
                    cat_order(ctx, b->covcat) > cat_order(ctx, ind->covcat))
                    ind = b;
            } else if (pass == 2 && !b->code && !b->covcat && b->group &&
                       group_has(ctx, b->group, code)) {
                if (!ind || !ind->group || b->amt > ind->amt)
                    ind = b;
            } else if (pass == 3 && b->code && !b->group &&
                       strcmp(code, b->codestr) == 0) {
                ind = b;
            }
        }
    }
    return ind;
}

/* GetDeductibleRemainingHelper: what is left of the deductible in the
 * benefit year, after the history's deductibles. */
static double deductible_left(const struct ie_ctx *ctx,
                              const struct ie_plan *plan, long day,
                              const struct ie_benefit *ind,
                              const struct ie_benefit *general,
                              long long claim, long long proc)
{
    double gen_used = 0, cat_used = 0, gen_left = -1, cat_left = -1;
    long from, to;
    int i;
    year_of(plan, day, &from, &to);
    for (i = 0; i < ctx->nhist; i++) {
        const struct ie_hist *h = &ctx->hist[i];
        if (h->plan != plan->plan || h->pat != ctx->pat || h->day < from ||
            h->day > to || h->deduct == -1 ||
            (h->proc == proc && h->claim == claim))
            continue;
        if ((ind->covcat && cat_has(ctx, ind->covcat, h->code)) ||
            (ind->group && group_has(ctx, ind->group, h->code)))
            cat_used += h->deduct;
        gen_used += h->deduct;
    }
    if (general)
        gen_left = fmax(general->amt - gen_used, 0);
    if (ind->covcat || ind->code || ind->group)
        cat_left = fmax(ind->amt - cat_used, 0);
    if (gen_left > -1)
        return cat_left > -1 ? fmin(gen_left, cat_left) : gen_left;
    if (cat_left > -1)
        return fmax(cat_left - gen_used, 0);
    return 0;
}

static double deductible(const struct ie_ctx *ctx, const struct ie_plan *plan,
                         long long patplan, long day, const char *code,
                         const struct ie_cp *cp)
{
    const struct ie_benefit *ind, *general;
    double left, used_loop = 0;
    int i;
    if (excluded(ctx, plan, patplan, code))
        return 0;
    ind = find_deductible(ctx, plan, patplan, code, &general);
    if (!ind || ind->amt == -1 || ind->amt == 0)
        return 0;
    left = deductible_left(ctx, plan, day, ind, general, cp->claim,
                           cp->proc);
    /* what earlier procedures of this claim or plan already took */
    for (i = 0; i < ctx->nloop; i++) {
        const struct ie_hist *h = &ctx->loop[i];
        if (h->plan != plan->plan || h->pat != ctx->pat)
            continue;
        used_loop += fmax(h->deduct, 0);
        if (h->deduct == -1 || !ben_covers(ctx, ind, h->code))
            continue;
        left -= h->deduct;
    }
    if (left <= 0)
        return 0;
    if (general && left + used_loop > general->amt)
        left = general->amt - used_loop;
    return left;
}

/* ---- Benefits.GetLimitationByCode (individual maximums) ------------------ */

static void add_note(struct ie_cp *cp, const char *s)
{
    size_t n = strlen(cp->note);
    snprintf(cp->note + n, sizeof cp->note - n, "%s%s", n ? ", " : "", s);
}

static int is_frequency(const struct ie_benefit *b)
{
    return b->qualifier == IE_QQ_SERVICES || b->qualifier == IE_QQ_MONTHS ||
           b->qualifier == IE_QQ_YEARS;
}

/* The individual limitation for code; *aged when an age limit the
 * patient is past says "not covered". */
static const struct ie_benefit *find_limit(const struct ie_ctx *ctx,
                                           const struct ie_plan *plan,
                                           long long patplan,
                                           const char *code, int *aged)
{
    const struct ie_benefit *ind = NULL, *b;
    int i, pass;
    *aged = 0;
    for (pass = 0; pass < 4; pass++) {
        for (i = 0; i < ctx->nbens; i++) {
            b = &ctx->bens[i];
            if (!ben_applies(b, plan->plan, patplan) ||
                b->type != IE_BT_LIMITATIONS || b->level == IE_LEVEL_FAMILY)
                continue;
            if (pass == 0) {
                if (!b->group && !b->code && !b->covcat &&
                    in_general_span(ctx, code))
                    ind = b;
                continue;
            }
            if ((pass == 1 && (b->group || b->code || !b->covcat ||
                               !cat_has(ctx, b->covcat, code))) ||
                (pass == 2 && (b->covcat || b->code || !b->group ||
                               !group_has(ctx, b->group, code))) ||
                (pass == 3 && (b->group || !b->code ||
                               strcmp(code, b->codestr) != 0)))
                continue;
            if (is_frequency(b))
                continue;
            if (b->qualifier == IE_QQ_AGE && b->quantity > 0) {
                if (ctx->age > b->quantity) {
                    *aged = b->quantity;
                    return NULL;
                }
                continue;
            }
            if (pass == 1 && ind && ind->covcat &&
                cat_order(ctx, b->covcat) <= cat_order(ctx, ind->covcat))
                continue;
            if (pass == 2 && ind && ind->group && b->amt >= ind->amt)
                continue;
            ind = b;
        }
    }
    return ind;
}

/* TighterLimitExists: a narrower amount limit of the plan covers the
 * history line's code, so it does not count against ind. */
static int tighter(const struct ie_ctx *ctx, const struct ie_plan *plan,
                   long long patplan, const struct ie_benefit *ind,
                   const char *code)
{
    int i;
    if (!*code || ind->code)
        return 0;
    for (i = 0; i < ctx->nbens; i++) {
        const struct ie_benefit *b = &ctx->bens[i];
        if (b == ind || !ben_applies(b, plan->plan, patplan) ||
            b->type != IE_BT_LIMITATIONS || b->qualifier != IE_QQ_NONE)
            continue;
        if (b->code) {
            if (strcmp(b->codestr, code) == 0)
                return 1;
            continue;
        }
        if (b->group) {
            if (group_has(ctx, b->group, code) &&
                (ind->covcat || (ind->group && b->amt < ind->amt)))
                return 1;
            continue;
        }
        if (!b->covcat)
            continue;
        if (ind->covcat && cat_order(ctx, ind->covcat) != -1 &&
            cat_order(ctx, b->covcat) < cat_order(ctx, ind->covcat))
            continue;
        if (cat_has(ctx, b->covcat, code))
            return 1;
    }
    return 0;
}

/* A history line counts against ind's maximum. */
static int limit_counts(const struct ie_ctx *ctx, const struct ie_plan *plan,
                        long long patplan, const struct ie_benefit *ind,
                        const struct ie_hist *h, int loop)
{
    if (ind->code || ind->group) {
        if (!ben_covers(ctx, ind, h->code))
            return 0;
    } else if (ind->covcat) {
        if (!*h->code ? cat_ebcat(ctx, ind->covcat) != IE_EB_GENERAL
                      : !cat_has(ctx, ind->covcat, h->code))
            return 0;
    } else if (loop && *h->code && general_cat(ctx) &&
               !cat_has(ctx, general_cat(ctx), h->code)) {
        return 0; /* e.g. ortho, outside the General category */
    }
    return !tighter(ctx, plan, patplan, ind, h->code);
}

static double limitation(const struct ie_ctx *ctx, const struct ie_plan *plan,
                         long long patplan, long day, const char *code,
                         struct ie_cp *cp, int *met)
{
    const struct ie_benefit *ind;
    double left;
    long from, to;
    int i, aged;
    *met = 0;
    ind = find_limit(ctx, plan, patplan, code, &aged);
    if (aged) {
        char note[48];
        snprintf(note, sizeof note, "Age limitation: %d", aged);
        add_note(cp, note);
        return 0;
    }
    if (!ind || ind->amt == -1 || ind->amt == 0)
        return cp->ins_est;
    left = ind->amt;
    year_of(plan, day, &from, &to);
    if (ind->period == IE_TP_LIFETIME)
        from = -999999;
    for (i = 0; i < ctx->nhist; i++) {
        const struct ie_hist *h = &ctx->hist[i];
        if (h->sub != plan->sub || h->day < from || h->day > to ||
            h->pat != ctx->pat ||
            (h->proc == cp->proc && h->claim == cp->claim))
            continue;
        if (limit_counts(ctx, plan, patplan, ind, h, 0))
            left -= h->amount;
    }
    for (i = 0; i < ctx->nloop; i++) {
        const struct ie_hist *h = &ctx->loop[i];
        if (h->sub == plan->sub && h->pat == ctx->pat &&
            limit_counts(ctx, plan, patplan, ind, h, 1))
            left -= h->amount;
    }
    if (left <= 0 || (left < cp->ins_est && cp->est_ovr == -1) ||
        (cp->est_ovr != -1 && left < cp->est_ovr))
        *met = ind->period == IE_TP_LIFETIME ? 2 : 1;
    return left <= 0 ? 0 : fmin(left, cp->ins_est);
}

/* ---- InsPlans.GetAllowed, GetCopay (no substitution codes) --------------- */

static double fee_of(const struct ie_ctx *ctx, const struct ie_proc *p,
                     long long sched)
{
    if (!sched)
        return -1;
    return ctx->fee(ctx->fee_arg, p->codenum, sched, p->clinic, p->prov);
}

static double carrier_allowed(const struct ie_ctx *ctx,
                              const struct ie_plan *plan,
                              const struct ie_proc *p)
{
    if (plan->type == 'p' || plan->type == 'f')
        return fee_of(ctx, p, plan->feesched);
    if (plan->allowed_fs)
        return fee_of(ctx, p, plan->allowed_fs);
    return -1; /* an ordinary fee schedule allows the whole fee */
}

static double copay_of(const struct ie_ctx *ctx, const struct ie_plan *plan,
                       const struct ie_proc *p)
{
    double v;
    if (!plan->copay_fs)
        return -1;
    v = fee_of(ctx, p, plan->copay_fs);
    if (v != -1)
        return v;
    /* a blank copay: no copay, or the plan's fee schedule's fee */
    return ctx->copay_blank_zero ? -1 : fee_of(ctx, p, plan->feesched);
}

/* InsPlans.GetAllowedForProc: the carrier's allowed fee for the procedure
 * (times its quantity, never above its fee); -1 when there is none. */
double od_ie_allowed_for_proc(const struct ie_ctx *ctx, const struct ie_plan *pl,
                           const struct ie_proc *p);
double od_ie_allowed_for_proc(const struct ie_ctx *ctx, const struct ie_plan *pl,
                           const struct ie_proc *p)
{
    double a = carrier_allowed(ctx, pl, p);
    if (a == -1)
        return -1;
    return a > p->fee ? p->fee * p->qty : a * p->qty;
}

/* ---- ClaimProcs.ComputeBaseEst ------------------------------------------- */

static void zero_out(struct ie_cp *cp)
{
    cp->allowed_ovr = -1;
    cp->copay = 0;
    cp->copay_ovr = -1;
    cp->pct = -1;
    cp->pct_ovr = -1;
    cp->ded_est = -1;
    cp->ded_ovr = -1;
    cp->paid_other = -1;
    cp->base_est = 0;
    cp->ins_est = 0;
    cp->est_ovr = -1;
    cp->write_off = 0;
    cp->paidother_ovr = -1;
    cp->wo_est = -1;
    cp->wo_ovr = -1;
    cp->note[0] = '\0';
}

struct other_ins {
    double paid_total, paid_base, writeoff;
};

/* Allowed fee and copay: BaseEst and InsEstTotal start at the allowed
 * amount less the copay. Returns the allowed amount. */
static double allowed_and_copay(const struct ie_ctx *ctx,
                                const struct ie_plan *plan,
                                const struct ie_proc *p, struct ie_cp *cp,
                                double fee)
{
    double allowed = fee, a;
    cp->base_est = cp->ins_est = fee;
    if (cp->allowed_ovr != -1) {
        if (cp->allowed_ovr > fee)
            cp->allowed_ovr = fee;
        allowed = cp->base_est = cp->ins_est = cp->allowed_ovr;
    } else if (plan->type != 'c') {
        a = carrier_allowed(ctx, plan, p);
        if (a == -1) {
            if (ctx->blank_like_zero)
                allowed = cp->base_est = cp->ins_est = 0;
        } else {
            a *= p->qty;
            allowed = cp->base_est = cp->ins_est = a > fee ? fee : a;
        }
    }
    cp->copay = copay_of(ctx, plan, p);
    if (cp->copay != -1)
        cp->copay *= p->qty;
    if (cp->copay > allowed)
        cp->copay = allowed;
    if (cp->copay_ovr > allowed)
        cp->copay_ovr = allowed;
    return allowed;
}

/* A capitation estimate: the write-off is the fee less the copay. */
static void cap_estimate(struct ie_cp *cp)
{
    if (cp->copay == -1)
        cp->copay = 0;
    if (cp->copay_ovr != -1)
        cp->wo_est = cp->base_est - cp->copay_ovr;
    else if (cp->copay != -1)
        cp->wo_est = cp->base_est - cp->copay;
    if (cp->wo_est < 0)
        cp->wo_est = 0;
    cp->write_off = cp->wo_est;
    cp->dedapplied = 0;
    cp->ded_est = 0;
    cp->pct = -1;
    cp->pct_ovr = -1;
    cp->base_est = 0;
    cp->ins_est = 0;
}

/* Coordination of benefits: the most a secondary plan pays. */
static double cob_max(const struct ie_plan *plan, int ordinal, double allowed,
                      double fee, double paid, double wo_other,
                      double base_est, double est)
{
    double m;
    if (plan->cobrule == IE_COB_BASIC ||
        (plan->cobrule == IE_COB_SECMEDICAID && ordinal == 2))
        m = allowed - paid;
    else if (plan->cobrule == IE_COB_STANDARD ||
             plan->cobrule == IE_COB_SECMEDICAID)
        m = fmin(base_est, fee - paid - wo_other);
    else
        m = est - paid; /* carve-out */
    return m < 0 ? 0 : m;
}

static void paid_other(const struct ie_plan *plan, int ordinal,
                       struct ie_cp *cp, double allowed, double fee,
                       const struct other_ins *o)
{
    double paid;
    if (ordinal == 1 || cp->proc == 0) {
        cp->paid_other = 0;
        return;
    }
    cp->paid_other = o->paid_total;
    paid = cp->paidother_ovr != -1 ? cp->paidother_ovr : cp->paid_other;
    if (paid != -1)
        cp->ins_est = fmin(cp->ins_est,
                           cob_max(plan, ordinal, allowed, fee, paid,
                                   o->writeoff, cp->base_est, cp->ins_est));
    paid = cp->paidother_ovr != -1 ? cp->paidother_ovr : o->paid_base;
    if (paid != -1)
        cp->base_est = fmin(cp->base_est,
                            cob_max(plan, ordinal, allowed, fee, paid,
                                    o->writeoff, cp->base_est, cp->base_est));
}

/* The PPO write-off estimate (substitution codes are not computed). */
static void ppo_writeoff(const struct ie_ctx *ctx, const struct ie_plan *plan,
                         const struct ie_proc *p, struct ie_cp *cp,
                         double fee, const struct other_ins *o)
{
    double a = fee_of(ctx, p, plan->feesched), allowed = fee, normal, left;
    if (a != -1) {
        a *= p->qty;
        allowed = a > fee ? fee : a;
    }
    normal = fmax(fee - allowed, 0);
    left = fmax(fee - o->paid_total - o->writeoff, 0);
    if ((!ctx->ppo_sec_writeoffs && o->paid_total > 0) || o->writeoff > 0)
        cp->wo_est = 0; /* only primary insurance writes off */
    else if (left == 0 || normal == 0)
        cp->wo_est = 0;
    else
        cp->wo_est = left <= normal ? left : normal;
    if (o->paid_total + o->writeoff + cp->ins_est + cp->wo_est > fee)
        cp->wo_est = fmax(0, fee - o->paid_total - o->writeoff - cp->ins_est);
}

/* Math.Round((decimal)v, 2): the double's 15 significant digits, then
 * half to even. */
static double round2(double v)
{
    double x = v * 100.0;
    x = round(x * 1e6) / 1e6; /* the decimal conversion's precision */
    return rint(x) / 100.0;   /* FE_TONEAREST: ties to even */
}

static void deduct_and_percent(const struct ie_ctx *ctx,
                               const struct ie_plan *plan, long long patplan,
                               const struct ie_proc *p, struct ie_cp *cp,
                               long day)
{
    int pct = od_ie_percent(ctx, plan, p->code);
    if (cp->copay_ovr != -1) {
        cp->base_est -= cp->copay_ovr;
        cp->ins_est -= cp->copay_ovr;
    } else if (cp->copay != -1) {
        cp->base_est -= cp->copay;
        cp->ins_est -= cp->copay;
    }
    cp->ded_est = deductible(ctx, plan, patplan, day, p->code, cp);
    if (pct == 0)
        cp->ded_est = 0; /* not covered: no deductible */
    if (cp->ded_est > cp->ins_est)
        cp->ded_est = cp->ins_est;
    if (cp->ded_ovr > cp->ins_est)
        cp->ded_ovr = cp->ins_est;
    if (cp->ded_ovr != -1)
        cp->ins_est -= cp->ded_ovr;
    else if (cp->ded_est != -1)
        cp->ins_est -= cp->ded_est;
    cp->pct = pct;
    if (cp->pct_ovr != -1) {
        cp->base_est = cp->base_est * cp->pct_ovr / 100.0;
        cp->ins_est = cp->ins_est * cp->pct_ovr / 100.0;
    } else {
        cp->base_est = cp->base_est * pct / 100.0;
        cp->ins_est = cp->ins_est * pct / 100.0;
    }
}

static void compute_base_est(const struct ie_ctx *ctx,
                             const struct ie_plan *plan, int ordinal,
                             long long patplan, const struct ie_proc *p,
                             struct ie_cp *cp, const struct other_ins *o)
{
    double fee = p->fee * p->qty, allowed;
    long day = cp->status == IE_ESTIMATE ? ctx->today : cp->day;
    int met;
    if (plan->type == 'c' && cp->status == IE_ESTIMATE)
        cp->status = IE_CAPESTIMATE;
    if (plan->type != 'c' && cp->status == IE_CAPESTIMATE)
        cp->status = IE_ESTIMATE;
    if (cp->nobill) {
        zero_out(cp);
        return;
    }
    cp->note[0] = '\0';
    allowed = allowed_and_copay(ctx, plan, p, cp, fee);
    if (cp->status == IE_CAPESTIMATE) {
        cap_estimate(cp);
        return;
    }
    deduct_and_percent(ctx, plan, patplan, p, cp, day);
    paid_other(plan, ordinal, cp, allowed, fee, o);
    if (excluded(ctx, plan, patplan, p->code)) {
        cp->base_est = cp->ins_est = 0;
        if (ctx->excl_nobill)
            cp->nobill = 1;
        add_note(cp, "Exclusion");
    }
    cp->ins_est = limitation(ctx, plan, patplan, day, p->code, cp, &met);
    if (met)
        add_note(cp, met == 2 ? "Over lifetime max" : "Over annual max");
    if (plan->cobrule == IE_COB_SECMEDICAID && ordinal == 2)
        cp->wo_est = fmax(0, fee - o->paid_total - o->writeoff - cp->ins_est);
    else if (plan->type == 'p')
        ppo_writeoff(ctx, plan, p, cp, fee, o);
    else
        cp->wo_est = -1;
    cp->base_est = round2(cp->base_est);
    cp->ins_est = round2(cp->ins_est);
}

/* ---- Procedures.ComputeEstimates ---------------------------------------- */

const struct ie_plan *od_ie_plan_of_sub(const struct ie_ctx *ctx, long long sub)
{
    int i;
    for (i = 0; i < ctx->nplans; i++)
        if (ctx->plans[i].sub == sub)
            return &ctx->plans[i];
    return NULL;
}

double od_ie_ins_est_total(const struct ie_cp *cp)
{
    return cp->est_ovr != -1 ? cp->est_ovr : cp->ins_est;
}

double od_ie_ded_est(const struct ie_cp *cp)
{
    if (cp->ded_ovr != -1)
        return cp->ded_ovr;
    return cp->ded_est != -1 ? cp->ded_est : 0;
}

double od_ie_writeoff_est(const struct ie_cp *cp)
{
    if (cp->wo_ovr != -1)
        return cp->wo_ovr;
    return cp->wo_est != -1 ? cp->wo_est : 0;
}

/* Which round (1-4) computes this claimproc; 0: none. */
static int round_of(const struct ie_ctx *ctx, const struct ie_cp *cp,
                    const struct ie_plan **plan)
{
    *plan = od_ie_plan_of_sub(ctx, cp->sub);
    if (!*plan || (*plan)->plan != cp->plan)
        return 0; /* a dropped plan: its estimate is not recomputed */
    return (*plan)->ordinal >= 4 ? 4 : (*plan)->ordinal;
}

static int computed(const struct ie_cp *cp)
{
    return cp->status == IE_ESTIMATE || cp->status == IE_NOTRECEIVED ||
           cp->status == IE_CAPESTIMATE;
}

static void add_other(struct other_ins *o, const struct ie_cp *cp)
{
    if (cp->status == IE_RECEIVED || cp->status == IE_SUPPLEMENTAL) {
        o->paid_total += cp->ins_pay_amt;
        o->paid_base += cp->ins_pay_amt;
        o->writeoff += cp->write_off;
    } else {
        o->paid_total += od_ie_ins_est_total(cp);
        o->paid_base += cp->base_est;
        o->writeoff += od_ie_writeoff_est(cp);
    }
}

/* A PPO primary's write-off never takes the total past the fee. */
static void cap_primary_writeoff(const struct ie_ctx *ctx,
                                 const struct ie_proc *p, struct ie_cp *cps,
                                 int n)
{
    const struct ie_plan *pri = NULL;
    double sum = 0, fee = p->fee * p->qty;
    int i, idx = -1;
    for (i = 0; i < ctx->nplans; i++)
        if (ctx->plans[i].ordinal == 1)
            pri = &ctx->plans[i];
    if (ctx->nplans < 2 || !pri || pri->type != 'p')
        return;
    for (i = 0; i < n; i++) {
        const struct ie_cp *cp = &cps[i];
        if (cp->proc != p->num || cp->status == IE_RECEIVED ||
            cp->status == IE_ADJUSTMENT || cp->status == IE_CAPCLAIM ||
            cp->status == IE_CAPCOMPLETE || cp->status == IE_CAPESTIMATE ||
            cp->status == IE_PREAUTH || cp->status == IE_INSHIST)
            continue;
        if (cp->plan == pri->plan && cp->wo_est > 0)
            idx = i;
        if (cp->status == IE_SUPPLEMENTAL)
            sum += cp->ins_pay_amt;
        else if (cp->status == IE_ESTIMATE)
            sum += od_ie_ins_est_total(cp);
        else if (cp->status == IE_NOTRECEIVED)
            sum += cp->ins_pay_est;
    }
    if (idx >= 0 && sum + cps[idx].wo_est > fee)
        cps[idx].wo_est = fmax(0, fee - sum);
}

static void loop_add(struct ie_ctx *ctx, const struct ie_proc *p,
                     const struct ie_cp *cp)
{
    struct ie_hist *h;
    if (ctx->nloop == ctx->caploop) {
        int cap = ctx->caploop ? ctx->caploop * 2 : 32;
        struct ie_hist *n = realloc(ctx->loop, (size_t)cap * sizeof *n);
        if (!n) {
            ctx->oom = 1;
            return;
        }
        ctx->loop = n;
        ctx->caploop = cap;
    }
    h = &ctx->loop[ctx->nloop++];
    memset(h, 0, sizeof *h);
    h->pat = cp->proc ? p->pat : ctx->pat;
    h->plan = cp->plan;
    h->sub = cp->sub;
    h->proc = cp->proc;
    snprintf(h->code, sizeof h->code, "%s", p->code);
    h->status = IE_ESTIMATE;
    h->day = ctx->today;
    h->amount = od_ie_ins_est_total(cp);
    h->deduct = cp->ded_ovr != -1 ? cp->ded_ovr : cp->ded_est;
    h->nobill = cp->nobill;
}

void od_ie_compute_proc(struct ie_ctx *ctx, const struct ie_proc *p,
                     struct ie_cp *cps, int ncps)
{
    struct other_ins o = {0, 0, 0};
    const struct ie_plan *plan;
    int round, i;
    for (round = 1; round <= 4; round++) {
        for (i = 0; i < ncps; i++) {
            struct ie_cp *cp = &cps[i];
            if (cp->proc != p->num || round_of(ctx, cp, &plan) != round)
                continue;
            if (computed(cp)) {
                compute_base_est(ctx, plan, plan->ordinal, plan->patplan, p,
                                 cp, &o);
                cp->ins_pay_est = od_ie_ins_est_total(cp);
            }
            if (plan->ordinal <= 3 && cp->status != IE_PREAUTH)
                add_other(&o, cp);
        }
    }
    cap_primary_writeoff(ctx, p, cps, ncps);
    for (i = 0; i < ncps; i++)
        if (cps[i].proc == p->num && cps[i].status != IE_PREAUTH)
            loop_add(ctx, p, &cps[i]);
}
