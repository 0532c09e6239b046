/* claimcalc.c - the write steps of POST /claims (claimnew-internal.h), in
 * Open Dental's order (AccountModules.CreateClaim, then
 * Claims.CalculateAndUpdate): estimates made where missing, the claim
 * row, its claimprocs, then the estimates and totals. Every refusal is
 * checked before the first write (claimnew.c), so on tables without
 * transactions (MyISAM) a stop half-way leaves estimates or an empty
 * claim, never claimprocs on a claim that does not exist. */
#include "actions/claimnew-internal.h"
#include "db/catalog-internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { YN_NO = 2 };

static int is_cap(const struct cwork *w)
{
    return w->plan->type == 'c';
}

/* ---- ClaimProcs.CreateEst ------------------------------------------------ */

/* Procedures.GetClaimProcEstimate: an estimate of the plan and InsSub
 * not marked "do not bill" (CapComplete for a capitation plan). */
static int find_estimate(const struct cwork *w, long long proc)
{
    int k, want = is_cap(w) ? IE_CAPCOMPLETE : IE_ESTIMATE;
    for (k = 0; k < w->ncps; k++) {
        const struct ie_cp *cp = &w->cps[k];
        if (cp->proc == proc && !cp->nobill && cp->plan == w->plan->plan &&
            cp->sub == w->plan->sub && cp->status == want)
            return k;
    }
    return -1;
}

/* Room for one more claimproc in w->cps: its index, or -1. */
static int cp_slot(struct cwork *w)
{
    if (w->ncps == w->capcps) {
        int cap = w->capcps ? w->capcps * 2 : 32;
        struct ie_cp *g;
        if (w->ncps >= CN_MAX_CPS + CN_MAX_PROCS)
            return -1;
        if (!(g = realloc(w->cps, (size_t)cap * sizeof *g)))
            return -1;
        w->cps = g;
        w->capcps = cap;
    }
    return w->ncps++;
}

static int create_est(struct od_conn *c, struct cwork *w, struct cproc *p)
{
    struct od_prm q[10];
    struct ie_cp *n;
    long long id;
    char day[11];
    int k, status = is_cap(w) ? IE_CAPCOMPLETE : IE_ESTIMATE;
    od_ck_day_str(p->p.day, day);
    q[0] = OD_PI(p->p.num);
    q[1] = OD_PI(w->in.pat);
    q[2] = OD_PI(p->p.prov);
    q[3] = OD_PI(status);
    q[4] = OD_PI(w->plan->plan);
    q[5] = OD_PI(w->plan->sub);
    q[6] = OD_PI(p->p.clinic);
    q[7] = OD_PS(day);
    q[8] = OD_PS(day);
    if (od_exec(c,
                "INSERT INTO claimproc (ProcNum, PatNum, ProvNum, Status, "
                "PlanNum, InsSubNum, ClinicNum, DateCP, ProcDate, "
                "AllowedOverride, Percentage, PercentOverride, CopayAmt, "
                "NoBillIns, PaidOtherIns, BaseEst, DedEst, DedEstOverride, "
                "InsEstTotal, InsEstTotalOverride, CopayOverride, "
                "PaidOtherInsOverride, WriteOffEst, WriteOffEstOverride, "
                "EstimateNote, Remarks, CodeSent, SecDateEntry) VALUES (?, ?, "
                "?, ?, ?, ?, ?, ?, ?, -1, -1, -1, -1, 0, -1, 0, -1, -1, 0, -1, "
                "-1, -1, -1, -1, '', '', '', CURDATE())",
                q, 9, NULL, &id) ||
        (k = cp_slot(w)) < 0)
        return -1;
    n = &w->cps[k];
    memset(n, 0, sizeof *n);
    n->num = id;
    n->proc = p->p.num;
    n->plan = w->plan->plan;
    n->sub = w->plan->sub;
    n->status = status;
    n->allowed_ovr = n->copay_ovr = n->ded_ovr = n->est_ovr = -1;
    n->paidother_ovr = n->wo_ovr = -1;
    n->pct_ovr = n->pct = -1;
    n->copay = n->paid_other = n->ded_est = n->wo_est = -1;
    n->day = p->p.day;
    p->est = k;
    return 0;
}

int od_cn_estimates(struct od_conn *c, struct od_ck_job *j, struct cwork *w)
{
    int i;
    /* refuse before writing anything */
    for (i = 0; i < w->n; i++)
        if (find_estimate(w, w->procs[i].p.num) < 0 &&
            w->procs[i].nobill_code)
            return od_ck_fail(j, 400, "Not allowed to send procedures to "
                                   "insurance that are marked 'Do not bill "
                                   "to ins'.");
    for (i = 0; i < w->n; i++) {
        w->procs[i].est = find_estimate(w, w->procs[i].p.num);
        if (w->procs[i].est < 0 && create_est(c, w, &w->procs[i]))
            return -1;
    }
    return 0;
}

/* ---- the claim row ------------------------------------------------------- */

static int is_secondary_prov(struct od_conn *c, long long prov, int *out)
{
    long long v[OD_MAXCOL];
    struct od_prm p[1];
    p[0] = OD_PI(prov);
    if (od_query_ll(c, "SELECT IsSecondary FROM provider WHERE ProvNum = ?",
                    p, 1, 1, v) < 0)
        return -1;
    *out = v[0] != 0;
    return 0;
}

/* ProvTreat: the last procedure's provider that is not a hygienist, else
 * the first's; a hygienist becomes the patient's primary provider. */
static int treating_prov(struct od_conn *c, struct cwork *w, long long *out)
{
    int i, sec;
    *out = w->procs[0].p.prov;
    for (i = 0; i < w->n; i++) {
        if (is_secondary_prov(c, w->procs[i].p.prov, &sec))
            return -1;
        if (!sec)
            *out = w->procs[i].p.prov;
    }
    if (is_secondary_prov(c, *out, &sec))
        return -1;
    if (sec)
        *out = w->pri_prov;
    return 0;
}

/* Providers.GetBillingProvNum, then the provider's billing override. */
static int billing_prov(struct od_conn *c, struct cwork *w, long long treat,
                        long long clinic, long long *out)
{
    long long v[OD_MAXCOL], rule = w->billing_prov;
    struct od_prm p[1];
    if (clinic && w->clinics_on) {
        p[0] = OD_PI(clinic);
        if (od_query_ll(c, "SELECT InsBillingProv FROM clinic WHERE "
                           "ClinicNum = ?", p, 1, 1, v) < 0)
            return -1;
        rule = v[0];
    }
    *out = rule == 0 ? w->default_prov : rule == -1 ? treat : rule;
    p[0] = OD_PI(treat);
    if (od_query_ll(c, "SELECT ProvNumBillingOverride FROM provider WHERE "
                       "ProvNum = ?", p, 1, 1, v) < 0)
        return -1;
    if (v[0])
        *out = v[0];
    return 0;
}

struct notes {
    struct od_buf b;
};

static int add_note(void *arg, char **v)
{
    struct notes *n = arg;
    if (!*v[0])
        return 0;
    if (n->b.len)
        od_buf_addc(&n->b, '\n');
    od_buf_adds(&n->b, v[0]);
    return 0;
}

/* The claim note: the codes' default claim notes, each code once, in the
 * claim's order. */
static int claim_note(struct od_conn *c, struct od_ck_job *j, struct cwork *w,
                      struct od_buf *out)
{
    struct notes n;
    struct od_prm p[1];
    char msg[128];
    int i, k;
    od_buf_init(&n.b);
    for (i = 0; i < w->n; i++) {
        for (k = 0; k < i && w->procs[k].p.codenum != w->procs[i].p.codenum;
             k++)
            ;
        if (k < i)
            continue;
        p[0] = OD_PI(w->procs[i].p.codenum);
        if (od_query_each(c, "SELECT DefaultClaimNote FROM procedurecode "
                             "WHERE CodeNum = ?", p, 1, 1, add_note, &n) < 0) {
            od_buf_free(&n.b);
            return -1;
        }
    }
    *out = n.b;
    if (out->oom || (out->p && od_text_check(od_db_catalog(c->db), "claim",
                                             "ClaimNote", "ClaimNote",
                                             out->p, msg, sizeof msg)))
        return od_ck_fail(j, 400, "The procedure codes' default claim notes do "
                               "not fit in the claim's ClaimNote.");
    return 0;
}

struct claimrow {
    long long provtreat, provbill, form;
    char status[2], sent[11], service[11];
    const char *ctype;
};

static int claim_fields(struct od_conn *c, struct od_ck_job *j, struct cwork *w,
                        struct claimrow *r)
{
    int dental = strcmp(w->in.type, "P") == 0 ||
                 strcmp(w->in.type, "S") == 0;
    long today;
    if (od_iu_today(c, &today))
        return -1;
    /* P and S: "W", sent today (ControlAccount.menuInsPri/Sec_Click);
     * Other: "U", not sent (menuInsOther_Click) */
    snprintf(r->status, sizeof r->status, "%s", dental ? "W" : "U");
    if (w->in.datesent[0])
        snprintf(r->sent, sizeof r->sent, "%s", w->in.datesent);
    else if (dental)
        od_ck_day_str(today, r->sent);
    else
        snprintf(r->sent, sizeof r->sent, "0001-01-01");
    if (w->in.dateservice[0])
        snprintf(r->service, sizeof r->service, "%s", w->in.dateservice);
    else
        od_ck_day_str(w->procs[w->n - 1].p.day, r->service);
    r->ctype = is_cap(w) ? "Cap" : dental ? w->in.type : "Other";
    r->form = w->in.has_claimform ? w->in.claimform
              : dental              ? w->plan->claimform
                                    : 0;
    if (w->in.has_provtreat)
        r->provtreat = w->in.provtreat;
    else if (treating_prov(c, w, &r->provtreat))
        return -1;
    if (w->in.has_provbill)
        r->provbill = w->in.provbill;
    else if (billing_prov(c, w, r->provtreat, w->procs[0].p.clinic,
                          &r->provbill))
        return -1;
    (void)j;
    return 0;
}

/* ClaimIdentifier: the ClaimIdPrefix preference with [PatNum] filled in,
 * then the ClaimNum (Claims.ConvertClaimId). */
static void claim_identifier(const struct cwork *w, char *out, size_t cap)
{
    const char *tag = strstr(w->id_prefix, "[PatNum]");
    if (tag)
        snprintf(out, cap, "%.*s%lld%s%lld", (int)(tag - w->id_prefix),
                 w->id_prefix, w->in.pat, tag + 8, w->claim);
    else
        snprintf(out, cap, "%s%lld", w->id_prefix, w->claim);
}

int od_cn_insert_claim(struct od_conn *c, struct od_ck_job *j, struct cwork *w)
{
    struct claimrow r;
    struct od_buf note;
    struct od_prm p[OD_MAXPRM];
    char id[128];
    int rc;
    if (claim_fields(c, j, w, &r) || claim_note(c, j, w, &note))
        return -1;
    p[0] = OD_PI(w->in.pat);
    p[1] = OD_PS(r.service);
    p[2] = OD_PS(r.sent);
    p[3] = OD_PS(r.status);
    p[4] = OD_PI(w->plan->plan);
    p[5] = OD_PI(r.provtreat);
    p[6] = OD_PS(note.p ? note.p : "");
    p[7] = OD_PS(r.ctype);
    p[8] = OD_PI(r.provbill);
    p[9] = OD_PI(w->procs[w->n - 1].place);
    p[10] = OD_PI(w->in.relat);
    p[11] = OD_PI(w->other ? w->other->plan : 0);
    p[12] = OD_PI(w->other ? w->other->relat : 0);
    p[13] = OD_PI(w->procs[0].p.clinic);
    p[14] = OD_PI(r.form);
    p[15] = OD_PI(w->plan->sub);
    rc = od_exec(c,
                 "INSERT INTO claim (PatNum, DateService, DateSent, "
                 "ClaimStatus, PlanNum, ProvTreat, ClaimNote, ClaimType, "
                 "ProvBill, PlaceService, PatRelat, PlanNum2, PatRelat2, "
                 "ClinicNum, ClaimForm, InsSubNum, IsProsthesis, "
                 "EmployRelated, AttachedFlags, DateSentOrig, SecDateEntry) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                 "'N', 2, 'Mail', '0001-01-01', CURDATE())",
                 p, 16, NULL, &w->claim);
    od_buf_free(&note);
    if (rc)
        return -1;
    claim_identifier(w, id, sizeof id);
    p[0] = OD_PI(w->other ? w->other->sub : 0);
    p[1] = OD_PS(id);
    p[2] = OD_PI(w->claim);
    return od_exec(c, "UPDATE claim SET InsSubNum2 = ?, ClaimIdentifier = ? "
                      "WHERE ClaimNum = ?", p, 3, NULL, NULL);
}

/* ---- the claimprocs ------------------------------------------------------ */

/* CodeSent: the alternate code for a plan that uses it, the medical code
 * for a medical plan, else the code (a "D" code cut to five). */
static void code_sent(const struct cwork *w, const struct cproc *p,
                      char out[IE_CODE])
{
    if (w->use_alt_code && *p->altcode)
        snprintf(out, IE_CODE, "%s", p->altcode);
    else if (w->plan->medical && *p->medcode)
        snprintf(out, IE_CODE, "%s", p->medcode);
    else if (strlen(p->p.code) > 5 && p->p.code[0] == 'D')
        snprintf(out, IE_CODE, "%.5s", p->p.code);
    else
        snprintf(out, IE_CODE, "%s", p->p.code);
}

/* A capitation plan's CapComplete claimproc stays; the claim gets a copy
 * (AccountModules.CreateClaim). */
static int cap_copy(struct od_conn *c, struct cwork *w, struct cproc *p)
{
    struct iu_set sets[3] = {{"WriteOff", "0", OD_PNULL, 0},
                             {"CopayAmt", "-1", OD_PNULL, 0},
                             {"CopayOverride", "-1", OD_PNULL, 0}};
    struct ie_cp n = w->cps[p->est];
    int k;
    if (od_iu_copy_row(c, "claimproc", "ClaimProcNum", n.num, sets, 3, &n.num) ||
        (k = cp_slot(w)) < 0)
        return -1;
    n.write_off = 0;
    n.copay = n.copay_ovr = -1;
    w->cps[k] = n;
    p->est = k;
    return 0;
}

int od_cn_attach(struct od_conn *c, struct od_ck_job *j, struct cwork *w)
{
    struct od_prm q[7];
    long long v[OD_MAXCOL];
    char sent[IE_CODE];
    int i;
    q[0] = OD_PI(w->plan->plan);
    if (od_query_ll(c, "SELECT UseAltCode FROM insplan WHERE PlanNum = ?", q,
                    1, 1, v) < 0)
        return -1;
    w->use_alt_code = v[0] != 0;
    for (i = 0; i < w->n; i++) {
        struct cproc *p = &w->procs[i];
        struct ie_cp *cp;
        if (w->cps[p->est].status == IE_CAPCOMPLETE && cap_copy(c, w, p))
            return -1;
        cp = &w->cps[p->est];
        cp->claim = w->claim;
        cp->status = is_cap(w) ? IE_CAPCLAIM : IE_NOTRECEIVED;
        code_sent(w, p, sent);
        q[0] = OD_PI(p->p.prov);
        q[1] = OD_PI(w->claim);
        q[2] = OD_PI(cp->status);
        q[3] = OD_PS(sent);
        q[4] = OD_PI(i + 1);
        q[5] = OD_PI(cp->num);
        if (od_exec(c, "UPDATE claimproc SET ProvNum = ?, ClaimNum = ?, "
                       "Status = ?, CodeSent = ?, LineNumber = ? WHERE "
                       "ClaimProcNum = ?", q, 6, NULL, NULL))
            return -1;
    }
    (void)j;
    return 0;
}

/* ---- Claims.CalculateAndUpdate ------------------------------------------- */

/* The history without the claim's own procedures' claimprocs not yet
 * received: on a secondary claim they are the primary's estimates, which
 * would confuse the primary's calculation. */
static void drop_claim_hist(struct cwork *w)
{
    struct ie_ctx *x = &w->ctx;
    int i, k, n = 0;
    for (i = 0; i < x->nhist; i++) {
        int drop = 0;
        for (k = 0; k < w->n && !drop; k++)
            drop = x->hist[i].proc == w->procs[k].p.num &&
                   x->hist[i].status == IE_NOTRECEIVED;
        if (!drop)
            x->hist[n++] = x->hist[i];
    }
    x->nhist = n;
}

/* Write one estimate back (ClaimProcs.Synch of CalculateAndUpdate). */
static int save_estimate(struct od_conn *c, const struct ie_cp *cp,
                         const struct cproc *p)
{
    struct od_prm q[OD_MAXPRM];
    char day[11];
    /* an estimate follows its procedure's date, clinic and provider */
    int est = cp->status == IE_ESTIMATE || cp->status == IE_CAPESTIMATE;
    od_ck_day_str(cp->claim ? cp->day : p->p.day, day);
    q[0] = OD_PD(cp->base_est);
    q[1] = OD_PD(cp->ins_est);
    q[2] = OD_PD(cp->ded_est);
    q[3] = OD_PD(cp->copay);
    q[4] = OD_PD(cp->paid_other);
    q[5] = OD_PD(cp->wo_est);
    q[6] = OD_PI(cp->pct);
    q[7] = OD_PS(cp->note);
    q[8] = OD_PD(cp->ins_pay_est);
    q[9] = OD_PI(cp->nobill);
    q[10] = OD_PI(cp->status);
    q[11] = OD_PI(cp->num);
    if (od_exec(c, "UPDATE claimproc SET BaseEst = ?, InsEstTotal = ?, "
                   "DedEst = ?, CopayAmt = ?, PaidOtherIns = ?, WriteOffEst "
                   "= ?, Percentage = ?, EstimateNote = ?, InsPayEst = ?, "
                   "NoBillIns = ?, Status = ? WHERE ClaimProcNum = ?",
                q, 12, NULL, NULL))
        return -1;
    q[0] = OD_PS(day);
    q[1] = OD_PI(p->p.clinic);
    q[2] = OD_PI(est);
    q[3] = OD_PI(p->p.prov);
    q[4] = OD_PD(cp->copay_ovr);
    q[5] = OD_PD(cp->ded_ovr);
    q[6] = OD_PD(cp->allowed_ovr);
    q[7] = OD_PI(cp->status);
    q[8] = OD_PD(cp->write_off);
    q[9] = OD_PI(cp->num);
    return od_exec(c, "UPDATE claimproc SET ProcDate = ?, ClinicNum = ?, "
                      "ProvNum = IF(? = 1, ?, ProvNum), CopayOverride = ?, "
                      "DedEstOverride = ?, AllowedOverride = ?, WriteOff = "
                      "IF(? = 8, ?, WriteOff) WHERE ClaimProcNum = ?",
                   q, 10, NULL, NULL);
}

/* FeeBilled: the procedure's fee, or for a plan that bills its UCR fee the
 * larger of it and the provider's schedule's fee (Fees.GetFeeUCR). */
static int fee_billed(struct od_conn *c, struct cwork *w,
                      const struct cproc *p, double *out)
{
    long long v[OD_MAXCOL];
    struct od_prm q[1];
    double ucr;
    *out = p->p.fee * p->p.qty;
    if (!w->plan->ucr)
        return 0;
    q[0] = OD_PI(p->p.prov ? p->p.prov : w->default_prov);
    if (od_query_ll(c, "SELECT FeeSched FROM provider WHERE ProvNum = ?", q,
                    1, 1, v) < 0)
        return -1;
    ucr = w->ctx.fee(w->ctx.fee_arg, p->p.codenum, v[0], p->p.clinic,
                     p->p.prov);
    if (ucr < 0)
        ucr = 0;
    *out = p->p.qty * (p->p.fee > ucr ? p->p.fee : ucr);
    return 0;
}

struct totals {
    double fee, ded, est, wo;
};

/* The claim's own claimproc of p: FeeBilled, and unless the claim only
 * bills (capitation; "Other" on a dental plan) its estimate. */
static int bill_line(struct od_conn *c, struct cwork *w, const struct cproc *p,
                     struct totals *t)
{
    struct ie_cp *cp = &w->cps[p->est];
    int fee_only = is_cap(w) || (strcmp(w->in.type, "Other") == 0 &&
                                 !w->plan->medical);
    double fee, est = 0, ded = 0, wo = 0;
    if (fee_billed(c, w, p, &fee))
        return -1;
    t->fee += fee;
    if (!fee_only) {
        est = od_ie_ins_est_total(cp);
        ded = od_ie_ded_est(cp);
        wo = cp->status == IE_NOTRECEIVED ? od_ie_writeoff_est(cp) : 0;
        t->est += est;
        t->ded += ded;
        t->wo += wo;
    }
    return od_exec(c,
                   fee_only ? "UPDATE claimproc SET FeeBilled = ? WHERE "
                              "ClaimProcNum = ?"
                            : "UPDATE claimproc SET FeeBilled = ?, InsPayEst "
                              "= ?, DedApplied = ?, WriteOff = ? WHERE "
                              "ClaimProcNum = ?",
                   fee_only ? (struct od_prm[]){OD_PD(fee), OD_PI(cp->num)}
                            : (struct od_prm[]){OD_PD(fee), OD_PD(est),
                                                OD_PD(ded), OD_PD(wo),
                                                OD_PI(cp->num)},
                   fee_only ? 2 : 5, NULL, NULL);
}

int od_cn_calculate(struct od_conn *c, struct od_ck_job *j, struct cwork *w)
{
    struct totals t = {0, 0, 0, 0};
    long service = w->procs[w->n - 1].p.day;
    int i, k;
    if (w->in.dateservice[0])
        service = od_ck_day_num(w->in.dateservice);
    if (od_ie_load_hist(c, &w->ctx, w->claim, service))
        return w->ctx.oom ? od_ck_fail(j, 500, "The patient has too much "
                                            "insurance history to estimate.")
                          : -1;
    drop_claim_hist(w);
    for (i = 0; i < w->n; i++) {
        struct ie_cp *cp = &w->cps[w->procs[i].est];
        if (cp->status == IE_NOTRECEIVED)
            cp->ins_pay_est = od_ie_ins_est_total(cp);
        od_ie_compute_proc(&w->ctx, &w->procs[i].p, w->cps, w->ncps);
    }
    if (w->ctx.oom)
        return -1;
    for (i = 0; i < w->n; i++)
        for (k = 0; k < w->ncps; k++) {
            const struct ie_cp *cp = &w->cps[k];
            if (cp->proc == w->procs[i].p.num &&
                (cp->status == IE_ESTIMATE || cp->status == IE_NOTRECEIVED ||
                 cp->status == IE_CAPESTIMATE) &&
                save_estimate(c, cp, &w->procs[i]))
                return -1;
        }
    for (i = 0; i < w->n; i++)
        if (bill_line(c, w, &w->procs[i], &t))
            return -1;
    return od_exec(c, "UPDATE claim SET ClaimFee = ?, DedApplied = ?, "
                      "InsPayEst = ?, InsPayAmt = 0, WriteOff = ? WHERE "
                      "ClaimNum = ?",
                   (struct od_prm[]){OD_PD(t.fee), OD_PD(t.ded), OD_PD(t.est),
                                     OD_PD(t.wo), OD_PI(w->claim)},
                   5, NULL, NULL);
}
