/* tpsaved.c - POST /treatplans/Saved (the api*.html pages, treatplans): a
 * Saved treatment plan made from an Active or Inactive one, as Open
 * Dental's Treatment Plan module's "Save TP" makes it (branch 24_3:
 * OpenDental/Main Modules/ControlTreat.cs ToolBarMainCreate_Click;
 * OpenDentBusiness/Data Interface/TreatPlans.cs CreateArchivedTreatPlan;
 * Db Multi Table/TreatmentPlanModules.cs GetActiveTpPlanTpRows for each
 * row's fee, insurance estimates, discount and patient portion;
 * ProcTPs.cs GetProcTPsFromTpRows). The estimates come from insest.c.
 * Choices are in docs/resources.md. */
#include "engine/openapi-internal.h"
#include "actions/claimnew-internal.h"
#include "db/catalog-internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* EnumPermType TreatPlanEdit (the treatplans resource's). */
enum { PERM_TREATPLAN_EDIT = 38 };
enum { TPS_SAVED = 0, TPS_ACTIVE = 1, TPS_INACTIVE = 2 };
#define TP_MAX_PROCS 500
#define TXT 256

extern const struct od_resource od_res_treatplans;

struct tproc {
    struct ie_proc p;
    long long prio;
    int order, nobill;
    double tax, discount;
    char datetp[11], tooth[16], surf[16], range[128], descript[TXT],
        abbr[64], prognosis[TXT], dx[TXT];
};

struct tjob {
    long long plan, presenter;
    int has_presenter;
    char heading[TXT * 4];
    int has_heading;
    /* work */
    long long pat, newplan;
    struct tproc *procs;
    int n;
    struct cwork cw;            /* the patient's estimates and claimprocs */
};

static void tjob_free(void *p)
{
    struct tjob *t = p;
    if (!t)
        return;
    od_ie_free(&t->cw.ctx);
    free(t->cw.cps);
    free(t->procs);
    free(t);
}

/* ---- the plan's procedures ----------------------------------------------- */

static int add_tproc(void *arg, char **v)
{
    struct tjob *t = arg;
    struct tproc *p;
    if (t->n == TP_MAX_PROCS)
        return 1;
    p = &t->procs[t->n++];
    memset(p, 0, sizeof *p);
    p->prio = atoll(v[0]);
    p->order = p->prio ? atoi(v[1]) : -1;
    p->p.num = atoll(v[2]);
    p->p.pat = t->pat;
    p->p.codenum = atoll(v[3]);
    snprintf(p->p.code, sizeof p->p.code, "%.63s", v[4]);
    sscanf(v[5], "%lf %lf %lld %lld %lf %lf %d", &p->p.fee, &p->p.qty,
           &p->p.prov, &p->p.clinic, &p->tax, &p->discount, &p->nobill);
    p->p.day = od_ck_day_num(v[6]);
    p->p.status = 1;
    snprintf(p->datetp, sizeof p->datetp, "%s", od_ck_day(v[7]));
    snprintf(p->tooth, sizeof p->tooth, "%.15s", v[8]);
    snprintf(p->surf, sizeof p->surf, "%.15s", v[9]);
    snprintf(p->range, sizeof p->range, "%.127s", v[10]);
    snprintf(p->descript, sizeof p->descript, "%.255s", v[11]);
    snprintf(p->abbr, sizeof p->abbr, "%.63s", v[12]);
    snprintf(p->prognosis, sizeof p->prognosis, "%.255s", v[13]);
    snprintf(p->dx, sizeof p->dx, "%.255s", v[14]);
    return 0;
}

/* The treatment planned procedures attached to the plan (TP or TPi),
 * in the Treatment Plan module's order: the attachment's priority, date,
 * ProcNum (Procedures.SortListByTreatPlanPriority). */
static int read_procs(struct od_conn *c, struct od_ck_job *j, struct tjob *t)
{
    const char *tax = od_catalog_column(od_db_catalog(c->db), "procedurelog",
                                        "TaxAmt") ? "p.TaxAmt" : "0";
    char sql[1400];
    struct od_prm q[1];
    if (!(t->procs = calloc(TP_MAX_PROCS, sizeof *t->procs)))
        return od_ck_fail(j, 500, "Out of memory.");
    snprintf(sql, sizeof sql,
             "SELECT a.Priority, COALESCE(pd.ItemOrder, -1), p.ProcNum, "
             "p.CodeNum, COALESCE(pc.ProcCode, ''), CONCAT_WS(' ', "
             "p.ProcFee, GREATEST(1, p.BaseUnits + p.UnitQty), p.ProvNum, "
             "p.ClinicNum, %s, p.Discount, COALESCE(pc.NoBillIns, 0)), "
             "p.ProcDate, p.DateTP, p.ToothNum, p.Surf, p.ToothRange, "
             "COALESCE(NULLIF(pc.LaymanTerm, ''), pc.Descript, ''), "
             "COALESCE(pc.AbbrDesc, ''), COALESCE(pg.ItemName, ''), "
             "COALESCE(dx.ItemValue, '') FROM treatplanattach a JOIN "
             "procedurelog p ON p.ProcNum = a.ProcNum LEFT JOIN procedurecode "
             "pc ON pc.CodeNum = p.CodeNum LEFT JOIN definition pd ON "
             "pd.DefNum = a.Priority LEFT JOIN definition pg ON pg.DefNum = "
             "p.Prognosis LEFT JOIN definition dx ON dx.DefNum = p.Dx WHERE "
             "a.TreatPlanNum = ? AND p.ProcStatus IN (1, 8) ORDER BY "
             "a.Priority = 0, COALESCE(pd.ItemOrder, -1), p.ProcDate, "
             "p.ProcNum", tax);
    q[0] = OD_PI(t->plan);
    if (od_query_each(c, sql, q, 1, 15, add_tproc, t) < 0)
        return -1;
    if (t->n == TP_MAX_PROCS)
        return od_ck_fail(j, 400, "The treatment plan has more than %d "
                               "procedures.", TP_MAX_PROCS - 1);
    return 0;
}

/* ---- estimates ----------------------------------------------------------- */

/* ComputeEstimates adds the estimate of each current plan a procedure
 * lacks (in memory here: the saved plan records amounts, the procedure's
 * estimates are left as they are). */
static int add_missing(struct tjob *t, const struct tproc *p)
{
    const struct ie_ctx *x = &t->cw.ctx;
    int i, k;
    for (i = 0; i < x->nplans; i++) {
        const struct ie_plan *pl = &x->plans[i];
        struct ie_cp *cp;
        for (k = 0; k < t->cw.ncps; k++) {
            const struct ie_cp *e = &t->cw.cps[k];
            if (e->proc == p->p.num && e->plan && e->sub == pl->sub &&
                e->status != IE_CAPCLAIM && e->status != IE_PREAUTH &&
                e->status != IE_SUPPLEMENTAL)
                break;
        }
        if (k < t->cw.ncps)
            continue;
        if (t->cw.ncps == t->cw.capcps) {
            int cap = t->cw.capcps ? t->cw.capcps * 2 : 32;
            struct ie_cp *g = realloc(t->cw.cps, (size_t)cap * sizeof *g);
            if (!g)
                return -1;
            t->cw.cps = g;
            t->cw.capcps = cap;
        }
        cp = &t->cw.cps[t->cw.ncps++];
        memset(cp, 0, sizeof *cp);
        cp->proc = p->p.num;
        cp->plan = pl->plan;
        cp->sub = pl->sub;
        cp->status = pl->type == 'c' ? IE_CAPESTIMATE : IE_ESTIMATE;
        cp->nobill = p->nobill;
        cp->allowed_ovr = cp->copay_ovr = cp->ded_ovr = cp->est_ovr = -1;
        cp->paidother_ovr = cp->wo_ovr = cp->pct_ovr = -1;
        cp->ded_est = cp->wo_est = cp->paid_other = -1;
        cp->day = p->p.day;
    }
    return 0;
}

static int estimate(struct od_conn *c, struct od_ck_job *j, struct tjob *t)
{
    int i;
    t->cw.in.pat = t->pat;
    if (od_ie_load(c, &t->cw.ctx, t->pat))
        return t->cw.ctx.oom ? od_ck_fail(j, 500, "The patient has too much "
                                               "insurance data to estimate.")
                             : -1;
    for (i = 0; i < t->n; i++)
        if (od_cn_read_cps(c, &t->cw, t->procs[i].p.num))
            return t->cw.too_many ? od_ck_fail(j, 400, "Too many claimprocs.")
                                  : -1;
    for (i = 0; i < t->n; i++)
        if (add_missing(t, &t->procs[i]))
            return od_ck_fail(j, 500, "Out of memory.");
    if (od_ie_load_hist(c, &t->cw.ctx, -1, t->cw.ctx.today))
        return -1;
    for (i = 0; i < t->n; i++)
        od_ie_compute_proc(&t->cw.ctx, &t->procs[i].p, t->cw.cps, t->cw.ncps);
    return t->cw.ctx.oom ? od_ck_fail(j, 500, "Out of memory.") : 0;
}

/* ---- a row of the Treatment Plan module ---------------------------------- */

struct row {
    double fee, pri, sec, discount, pat, allowed, ucr;
    char descript[TXT * 4];
};

/* ClaimProcs.GetEstimate: the procedure's claimproc of the plan and
 * InsSub (not a preauthorization). */
static const struct ie_cp *estimate_of(const struct tjob *t, long long proc,
                                       const struct ie_plan *pl)
{
    int k;
    for (k = 0; pl && k < t->cw.ncps; k++) {
        const struct ie_cp *cp = &t->cw.cps[k];
        if (cp->status != IE_PREAUTH && cp->proc == proc &&
            cp->plan == pl->plan && cp->sub == pl->sub)
            return cp;
    }
    return NULL;
}

/* ClaimProcs.GetDeductibleDisplay */
static double ded_display(const struct ie_cp *cp)
{
    if (cp->status == IE_CAPESTIMATE || cp->status == IE_CAPCOMPLETE)
        return -1;
    if (cp->status == IE_ESTIMATE)
        return cp->ded_ovr != -1 ? cp->ded_ovr : cp->ded_est;
    return cp->dedapplied;
}

/* s += a + b (cut at cap). */
static void append(char *s, size_t cap, const char *a, const char *b)
{
    size_t n = strlen(s);
    if (n + 1 < cap)
        snprintf(s + n, cap - n, "%s%s", a, b);
}

/* The description: the layman's term, the tooth range, the estimates'
 * notes, the deductibles applied ("$50.00": en-US currency). */
static void describe(const struct tjob *t, const struct tproc *p,
                     const struct ie_cp *pri, const struct ie_cp *sec,
                     struct row *r)
{
    char notes[512] = "", amt[64];
    int k;
    snprintf(r->descript, sizeof r->descript, "%s", p->descript);
    if (*p->range)
        append(r->descript, sizeof r->descript, " #", p->range);
    for (k = 0; k < t->cw.ncps; k++) {
        const struct ie_cp *cp = &t->cw.cps[k];
        if (cp->proc == p->p.num && *cp->note)
            append(notes, sizeof notes, *notes ? ", " : "", cp->note);
    }
    if (*notes)
        append(r->descript, sizeof r->descript, "\r\n", notes);
    if (pri && ded_display(pri) > 0) {
        snprintf(amt, sizeof amt, "$%.2f", ded_display(pri));
        append(r->descript, sizeof r->descript, "\r\nPri Deduct Applied: ",
               amt);
    }
    if (sec && ded_display(sec) > 0) {
        snprintf(amt, sizeof amt, "$%.2f", ded_display(sec));
        append(r->descript, sizeof r->descript, "\r\nSec Deduct Applied: ",
               amt);
    }
}

double od_ie_allowed_for_proc(const struct ie_ctx *ctx, const struct ie_plan *pl,
                           const struct ie_proc *p);

static void make_row(const struct tjob *t, const struct tproc *p,
                     struct row *r)
{
    const struct ie_ctx *x = &t->cw.ctx;
    const struct ie_plan *pp = x->nplans > 0 ? &x->plans[0] : NULL;
    const struct ie_plan *sp = x->nplans > 1 ? &x->plans[1] : NULL;
    const struct ie_cp *pri = estimate_of(t, p->p.num, pp);
    const struct ie_cp *sec = estimate_of(t, p->p.num, sp);
    double wo = 0;
    int k;
    memset(r, 0, sizeof *r);
    r->fee = p->p.fee * p->p.qty;
    r->pri = pri ? od_ie_ins_est_total(pri) : 0;
    r->sec = sec ? od_ie_ins_est_total(sec) : 0;
    /* TreatmentPlanModules.ComputeAllowedAmount; -1: not billed */
    if ((pri && pri->nobill) || (!pri && p->nobill))
        r->allowed = -1;
    else if (pri && pri->allowed_ovr != -1)
        r->allowed = pri->allowed_ovr;
    else if (pri && (r->allowed = od_ie_allowed_for_proc(x, pp, &p->p)) == -1)
        r->allowed = 0;
    for (k = 0; k < t->cw.ncps; k++) {
        const struct ie_cp *cp = &t->cw.cps[k];
        if (cp->proc == p->p.num)
            wo += cp->wo_ovr != -1 ? cp->wo_ovr
                  : cp->wo_est != -1 ? cp->wo_est : 0;
    }
    r->discount = wo + p->discount;
    r->pat = r->fee - r->pri - r->sec - wo - p->discount + p->tax;
    if (r->pat < 0)
        r->pat = 0;
    describe(t, p, pri, sec, r);
}

/* CatPercUCR: the fee without insurance (Procedures.GetProcFee with no
 * plans): the patient's fee schedule, else the provider's. */
static int ucr_fee(struct od_conn *c, struct tjob *t, const struct tproc *p,
                   double *out)
{
    long long v[OD_MAXCOL];
    struct od_prm q[2];
    q[0] = OD_PI(t->pat);
    q[1] = OD_PI(p->p.prov);
    if (od_query_ll(c, "SELECT IF(pt.FeeSched <> 0, pt.FeeSched, "
                       "COALESCE((SELECT FeeSched FROM provider WHERE ProvNum "
                       "= ?), 0)) FROM patient pt WHERE pt.PatNum = ?",
                    (struct od_prm[]){q[1], q[0]}, 2, 1, v) < 0)
        return -1;
    *out = t->cw.ctx.fee(t->cw.ctx.fee_arg, p->p.codenum, v[0],
                         p->p.clinic, p->p.prov);
    if (*out < 0)
        *out = 0;
    return 0;
}

/* The description as the Descript column can hold it: the text is the
 * library's (made from the plan), cut at the column's length. */
static void fit(struct od_conn *c, char *s)
{
    const struct od_column *col =
        od_catalog_column(od_db_catalog(c->db), "proctp", "Descript");
    size_t chars = 0, i;
    if (!col || col->max_chars <= 0)
        return;
    for (i = 0; s[i]; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80 &&
            (long long)++chars > col->max_chars) {
            s[i] = '\0';
            return;
        }
}

static int insert_proctp(struct od_conn *c, struct tjob *t,
                         const struct tproc *p, int item)
{
    struct row r;
    struct od_prm q[OD_MAXPRM];
    long long id;
    make_row(t, p, &r);
    if (ucr_fee(c, t, p, &r.ucr))
        return -1;
    fit(c, r.descript);
    q[0] = OD_PI(t->newplan);
    q[1] = OD_PI(p->p.num);
    q[2] = OD_PI(item);
    q[3] = OD_PI(p->prio);
    q[4] = OD_PS(p->tooth);
    q[5] = OD_PS(p->surf);
    q[6] = OD_PS(r.descript);
    q[7] = OD_PD(r.fee);
    q[8] = OD_PD(r.pri);
    q[9] = OD_PD(r.sec);
    q[10] = OD_PD(r.pat);
    q[11] = OD_PD(r.discount);
    q[12] = OD_PS(p->prognosis);
    q[13] = OD_PS(p->dx);
    q[14] = OD_PS(p->abbr);
    q[15] = OD_PD(r.allowed);
    if (od_exec(c, "INSERT INTO proctp (TreatPlanNum, ProcNumOrig, ItemOrder, "
                   "Priority, ToothNumTP, Surf, Descript, FeeAmt, PriInsAmt, "
                   "SecInsAmt, PatAmt, Discount, Prognosis, Dx, ProcAbbr, "
                   "FeeAllowed, SecDateEntry) VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
                   "?, ?, ?, ?, ?, ?, ?, ?, CURDATE())", q, 16, NULL, &id))
        return -1;
    q[0] = OD_PI(t->pat);
    q[1] = OD_PS(p->p.code);
    q[2] = OD_PD(p->tax);
    q[3] = OD_PI(p->p.prov);
    q[4] = OD_PS(p->datetp);
    q[5] = OD_PI(p->p.clinic);
    q[6] = OD_PD(r.ucr);
    q[7] = OD_PI(id);
    return od_exec(c, "UPDATE proctp SET PatNum = ?, ProcCode = ?, TaxAmt = "
                      "?, ProvNum = ?, DateTP = ?, ClinicNum = ?, CatPercUCR "
                      "= ? WHERE ProcTPNum = ?",
                   q, 8, NULL, NULL);
}

/* ---- POST /treatplans/Saved ---------------------------------------------- */

static int read_plan(struct od_conn *c, struct od_ck_job *j, struct tjob *t)
{
    char r[OD_MAXCOL][OD_COLSZ];
    struct od_prm q[1];
    q[0] = OD_PI(t->plan);
    if (od_ck_need_row(c, j, "SELECT PatNum, TPStatus FROM treatplan WHERE "
                             "TreatPlanNum = ? FOR UPDATE", q, 1, 2, r, 404,
                       "TreatPlan not found."))
        return -1;
    t->pat = atoll(r[0]);
    if (atoi(r[1]) != TPS_ACTIVE && atoi(r[1]) != TPS_INACTIVE)
        return od_ck_fail(j, 400, "An Active or Inactive TreatPlan must be "
                               "given: Saved treatment plans cannot be saved "
                               "again.");
    if (t->has_presenter && t->presenter)
        return od_ck_need_key(c, j, "SELECT 1 FROM userod WHERE UserNum = ?",
                              t->presenter, 400,
                              "UserNumPresenter is invalid.");
    return 0;
}

/* The Saved plan: the source's heading (or the one given), note and type,
 * today's date, the patient's responsible party. */
static int insert_plan(struct od_conn *c, struct tjob *t)
{
    struct od_prm q[5];
    q[0] = t->has_heading ? OD_PS(t->heading) : OD_PNULL;
    q[1] = OD_PI(t->presenter);
    q[2] = OD_PI(TPS_SAVED);
    q[3] = OD_PI(t->plan);
    return od_exec(c,
                   "INSERT INTO treatplan (PatNum, DateTP, Heading, Note, "
                   "ResponsParty, UserNumPresenter, TPType, TPStatus, "
                   "SecDateEntry, Signature, SignaturePractice) SELECT "
                   "s.PatNum, CURDATE(), COALESCE(?, s.Heading), s.Note, "
                   "pt.ResponsParty, ?, s.TPType, ?, CURDATE(), '', '' FROM "
                   "treatplan s JOIN patient pt ON pt.PatNum = s.PatNum WHERE "
                   "s.TreatPlanNum = ?",
                   q, 4, NULL, &t->newplan);
}

static int work_saved(struct od_conn *c, struct od_ck_job *j)
{
    struct tjob *t = j->data;
    int i;
    od_ie_free(&t->cw.ctx);
    t->cw.ncps = t->cw.too_many = 0;
    free(t->procs);
    t->procs = NULL;
    t->n = 0;
    if (read_plan(c, j, t) || read_procs(c, j, t) || estimate(c, j, t) ||
        insert_plan(c, t))
        return -1;
    for (i = 0; i < t->n; i++)
        if (insert_proctp(c, t, &t->procs[i], i))
            return -1;
    j->key = t->newplan;
    return od_securitylog(c, PERM_TREATPLAN_EDIT, j->developer, "Created",
                          t->newplan, t->pat);
}

static int read_body(odapi_request *req, json_t *body, struct tjob *t,
                     char *msg, size_t msgsize)
{
    const char *h = NULL;
    int rc;
    if (od_ck_key_req(body, "TreatPlanNum", &t->plan, msg, msgsize))
        return -1;
    rc = od_ck_text(req, body, "Heading", "treatplan", "Heading", &h, msg,
                 msgsize);
    if (rc < 0)
        return -1;
    if (rc == 1) {
        const char *s = h;
        while (*s == ' ')
            s++;
        if (!*s) {
            snprintf(msg, msgsize, "Heading cannot be blank.");
            return -1;
        }
        snprintf(t->heading, sizeof t->heading, "%s", h);
        t->has_heading = 1;
    }
    rc = od_ck_key(body, "UserNumPresenter", &t->presenter, msg, msgsize);
    t->has_presenter = rc == 1;
    return rc < 0 ? -1 : 0;
}

static void h_saved(odapi_request *req, void *arg)
{
    struct od_ck_job *j;
    struct tjob *t;
    json_t *body;
    char msg[160];
    (void)arg;
    if (!(j = od_ck_new_data(req, work_saved, 1, sizeof *t, tjob_free)))
        return;
    t = j->data;
    if (!(body = od_ck_take_body(j)))
        return;
    if (read_body(req, body, t, msg, sizeof msg)) {
        od_ck_reject(j, 400, msg);
        return;
    }
    od_ck_created(j, &od_res_treatplans);
    od_ck_submit(j);
}

/* What these routes take and answer, for GET /openapi.json
 * (engine/openapi-internal.h). */
static const struct od_opdoc tpsaved_docs[] = {
    {"POST", "/treatplans/Saved",
     "Save a copy of a treatment plan.",
     NULL,
     "TreatPlanNum:int!,Heading:text,UserNumPresenter:int",
     "treatplans",
     .perm = ODAPI_PERM_ALL_OTHERS, .handler = h_saved},
};

OD_CK_ROUTES(od_register_tpsaved_actions, tpsaved_docs)
