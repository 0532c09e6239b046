/* claimnew.c - POST /claims (the api*.html pages, claims): a claim for a
 * patient's completed procedures, as Open Dental's Account module makes
 * one (branch 24_3: OpenDental/Logic/ClaimL.cs, OpenDental/Main Modules/
 * ControlAccount.cs menuInsPri/Sec/Other_Click; OpenDentBusiness/Db Multi
 * Table/AccountModules.cs CreateClaim; Data Interface/Claims.cs
 * CalculateAndUpdate; ClaimProcs.cs CreateEst). The estimates come from
 * insest.c. Choices the API leaves open are in docs/resources.md. */
#include "engine/openapi-internal.h"
#include "actions/claimnew-internal.h"
#include "db/catalog-internal.h"

#include <math.h>
#include <strings.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* EnumPermType ClaimEdit: "New claim created" (ClaimL.CreateClaimFromWrapper)
 */
enum { PERM_CLAIM_EDIT = 150 };
enum { PS_C = 2 };
/* YN.No (claim.EmployRelated) */
enum { YN_NO = 2 };

extern const struct od_resource od_res_claims;

static void cw_free(void *p)
{
    struct cwork *w = p;
    if (!w)
        return;
    od_ie_free(&w->ctx);
    free(w->cps);
    free(w);
}

/* ---- reading the procedures and their claimprocs ------------------------- */

static int read_proc(struct od_conn *c, struct od_ck_job *j, struct cwork *w,
                     long long num)
{
    char r[OD_MAXCOL][OD_COLSZ];
    struct cproc *cp = &w->procs[w->n];
    struct od_prm p[1];
    int rc;
    p[0] = OD_PI(num);
    rc = od_query_row(c,
                      "SELECT p.PatNum, p.ProcStatus, p.CodeNum, "
                      "COALESCE(pc.ProcCode, ''), CONCAT_WS(' ', p.ProcFee, "
                      "GREATEST(1, p.BaseUnits + p.UnitQty), p.ProvNum, "
                      "p.ClinicNum, p.PlaceService, COALESCE(pc.NoBillIns, "
                      "0), COALESCE(d.ItemOrder, -1), IF(p.ToothNum REGEXP "
                      "'^[0-9]+$', p.ToothNum, 0)), p.ProcDate, "
                      "COALESCE(pc.AlternateCode1, ''), p.MedicalCode FROM "
                      "procedurelog p LEFT JOIN procedurecode pc ON "
                      "pc.CodeNum = p.CodeNum LEFT JOIN definition d ON "
                      "d.DefNum = p.Priority WHERE p.ProcNum = ? FOR UPDATE",
                      p, 1, 8, r);
    if (rc <= 0)
        return rc < 0 ? -1
                      : od_ck_fail(j, 404, "Procedure not found: %lld.", num);
    if (atoll(r[0]) != w->in.pat)
        return od_ck_fail(j, 400, "Procedure %lld is not for this patient.",
                       num);
    if (atoi(r[1]) != PS_C)
        return od_ck_fail(j, 400, "Procedure %lld is not complete. Claims can "
                               "only be made for procedures with a "
                               "ProcStatus of C.", num);
    memset(cp, 0, sizeof *cp);
    cp->p.num = num;
    cp->p.pat = w->in.pat;
    cp->p.codenum = atoll(r[2]);
    snprintf(cp->p.code, sizeof cp->p.code, "%.63s", r[3]);
    sscanf(r[4], "%lf %lf %lld %lld %d %d %d %d", &cp->p.fee, &cp->p.qty,
           &cp->p.prov, &cp->p.clinic, &cp->place, &cp->nobill_code,
           &cp->prio, &cp->tooth);
    cp->p.day = od_ck_day_num(r[5]);
    cp->p.status = PS_C;
    snprintf(cp->altcode, sizeof cp->altcode, "%.63s", r[6]);
    snprintf(cp->medcode, sizeof cp->medcode, "%.63s", r[7]);
    w->n++;
    return 0;
}

static struct ie_cp *new_cp(struct cwork *w)
{
    if (w->ncps == w->capcps) {
        int cap = w->capcps ? w->capcps * 2 : 32;
        struct ie_cp *n;
        if (cap > CN_MAX_CPS)
            return NULL;
        if (!(n = realloc(w->cps, (size_t)cap * sizeof *n)))
            return NULL;
        w->cps = n;
        w->capcps = cap;
    }
    memset(&w->cps[w->ncps], 0, sizeof w->cps[0]);
    return &w->cps[w->ncps++];
}

static int add_cp(void *arg, char **v)
{
    struct cwork *w = arg;
    struct ie_cp *cp = new_cp(w);
    if (!cp) {
        w->too_many = 1;
        return 1;
    }
    cp->num = atoll(v[0]);
    cp->proc = atoll(v[1]);
    cp->plan = atoll(v[2]);
    cp->sub = atoll(v[3]);
    cp->claim = atoll(v[4]);
    cp->status = atoi(v[5]);
    cp->nobill = atoi(v[6]);
    sscanf(v[7], "%lf %lf %lf %lf %lf %lf %d", &cp->allowed_ovr,
           &cp->copay_ovr, &cp->ded_ovr, &cp->est_ovr, &cp->paidother_ovr,
           &cp->wo_ovr, &cp->pct_ovr);
    sscanf(v[8], "%lf %lf %lf %lf %lf %lf %lf %lf %lf %lf %d",
           &cp->ins_pay_amt, &cp->write_off, &cp->dedapplied,
           &cp->ins_pay_est, &cp->base_est, &cp->ins_est, &cp->ded_est,
           &cp->wo_est, &cp->copay, &cp->paid_other, &cp->pct);
    cp->day = od_ck_day_num(v[9]);
    snprintf(cp->note, sizeof cp->note, "%s", v[10]);
    return 0;
}

int od_cn_read_cps(struct od_conn *c, struct cwork *w, long long proc)
{
    struct od_prm p[1];
    p[0] = OD_PI(proc);
    if (od_query_each(c,
                      "SELECT ClaimProcNum, ProcNum, PlanNum, InsSubNum, "
                      "ClaimNum, Status, NoBillIns, CONCAT_WS(' ', "
                      "AllowedOverride, CopayOverride, DedEstOverride, "
                      "InsEstTotalOverride, PaidOtherInsOverride, "
                      "WriteOffEstOverride, PercentOverride), CONCAT_WS(' ', "
                      "InsPayAmt, WriteOff, DedApplied, InsPayEst, BaseEst, "
                      "InsEstTotal, DedEst, WriteOffEst, CopayAmt, "
                      "PaidOtherIns, Percentage), ProcDate, EstimateNote FROM "
                      "claimproc WHERE ProcNum = ? ORDER BY ClaimProcNum FOR "
                      "UPDATE",
                      p, 1, 11, add_cp, w) < 0)
        return -1;
    return w->too_many ? -1 : 0;
}

/* ---- the checks of AccountModules.CreateClaim ---------------------------- */

static int check_procs(struct od_conn *c, struct od_ck_job *j, struct cwork *w)
{
    const struct ie_plan *pl = w->plan;
    int i, k;
    for (i = 0; i < w->n; i++) {
        long long num = w->procs[i].p.num;
        for (k = 0; k < w->ncps; k++) {
            const struct ie_cp *cp = &w->cps[k];
            if (cp->proc != num)
                continue;
            if (cp->plan == pl->plan && cp->nobill)
                return od_ck_fail(j, 400, "Not allowed to send procedures to "
                                       "insurance that are marked 'Do not "
                                       "bill to ins'.");
            if (cp->sub == pl->sub && cp->claim > 0 &&
                cp->status != IE_PREAUTH)
                return od_ck_fail(j, 400, "Not allowed to send a procedure to "
                                       "the same insurance company twice.");
        }
    }
    if (w->clinics_on || !w->hide_public_health) {
        for (i = 1; i < w->n; i++) {
            if (w->clinics_on && w->procs[i].p.clinic != w->procs[0].p.clinic)
                return od_ck_fail(j, 400, "All procedures do not have the same "
                                       "clinic.");
            if (!w->hide_public_health &&
                w->procs[i].place != w->procs[0].place)
                return od_ck_fail(j, 400, "All procedures do not have the same "
                                       "place of service.");
        }
    }
    (void)c;
    return 0;
}

/* Procedures.SortListByTreatPlanPriority: procedures with a priority
 * first, by its order; then tooth (TreatPlanSortByTooth), date, ProcNum.
 * An insertion sort: at most CN_MAX_PROCS, and the order needs w. */
static int before(const struct cwork *w, const struct cproc *x,
                  const struct cproc *y)
{
    if ((x->prio < 0) != (y->prio < 0))
        return y->prio < 0;
    if (x->prio != y->prio)
        return x->prio < y->prio;
    if (w->sort_by_tooth && x->tooth != y->tooth)
        return x->tooth < y->tooth;
    if (x->p.day != y->p.day)
        return x->p.day < y->p.day;
    return x->p.num < y->p.num;
}

static void sort_procs(struct cwork *w)
{
    int i, k;
    for (i = 1; i < w->n; i++) {
        struct cproc t = w->procs[i];
        for (k = i; k > 0 && before(w, &t, &w->procs[k - 1]); k--)
            w->procs[k] = w->procs[k - 1];
        w->procs[k] = t;
    }
}

/* ---- the preferences a claim reads --------------------------------------- */

static int set_pref(void *arg, char **v)
{
    struct cwork *w = arg;
    if (strcmp(v[0], "EasyNoClinics") == 0)
        w->clinics_on = strcmp(v[1], "0") == 0;
    else if (strcmp(v[0], "EasyHidePublicHealth") == 0)
        w->hide_public_health = strcmp(v[1], "1") == 0;
    else if (strcmp(v[0], "TreatPlanSortByTooth") == 0)
        w->sort_by_tooth = strcmp(v[1], "1") == 0;
    else if (strcmp(v[0], "PracticeDefaultProv") == 0)
        w->default_prov = atoll(v[1]);
    else if (strcmp(v[0], "InsBillingProv") == 0)
        w->billing_prov = atoll(v[1]);
    else if (strcmp(v[0], "ClaimIdPrefix") == 0)
        snprintf(w->id_prefix, sizeof w->id_prefix, "%s", v[1]);
    return 0;
}

int od_cn_read_prefs(struct od_conn *c, struct cwork *w)
{
    /* a missing preference: Open Dental's default (no clinics, public
     * health hidden, ids "[PatNum]/") */
    w->hide_public_health = 1;
    snprintf(w->id_prefix, sizeof w->id_prefix, "[PatNum]/");
    return od_query_each(c, "SELECT PrefName, ValueString FROM preference "
                            "WHERE PrefName IN ('EasyNoClinics', "
                            "'EasyHidePublicHealth', 'TreatPlanSortByTooth', "
                            "'PracticeDefaultProv', 'InsBillingProv', "
                            "'ClaimIdPrefix')",
                         NULL, 0, 2, set_pref, w) < 0
               ? -1
               : 0;
}

/* ---- which plan the claim is for ----------------------------------------- */

/* PatPlans.GetOrdinal(Primary/Secondary): the first or second plan, in
 * ordinal order, that is not a medical plan. */
static const struct ie_plan *dental(const struct ie_ctx *x, int nth)
{
    int i;
    for (i = 0; i < x->nplans; i++)
        if (!x->plans[i].medical && --nth == 0)
            return &x->plans[i];
    return NULL;
}

static int choose_plan(struct od_ck_job *j, struct cwork *w)
{
    const struct ie_ctx *x = &w->ctx;
    const char *t = w->in.type;
    if (x->nplans == 0)
        return od_ck_fail(j, 400, "Patient does not have insurance.");
    w->plan = od_ie_plan_of_sub(x, w->in.sub);
    if (!w->plan)
        return od_ck_fail(j, 400, "InsSubNum is not one of the patient's "
                               "PatPlans.");
    if (strcmp(t, "P") == 0 && w->plan != dental(x, 1))
        return od_ck_fail(j, 400, "InsSubNum is not the patient's primary "
                               "dental insurance (ClaimType P).");
    if (strcmp(t, "S") == 0 && w->plan != dental(x, 2))
        return od_ck_fail(j, 400, "InsSubNum is not the patient's secondary "
                               "dental insurance (ClaimType S).");
    if (strcmp(t, "Cap") == 0 && w->plan->type != 'c')
        return od_ck_fail(j, 400, "ClaimType Cap is only for capitation "
                               "plans.");
    /* the other plan on the claim (PlanNum2): for a primary claim the
     * secondary dental plan, for a secondary claim the primary */
    w->other = strcmp(t, "P") == 0 ? dental(x, 2)
               : strcmp(t, "S") == 0 ? dental(x, 1)
                                     : NULL;
    return 0;
}

/* ---- POST /claims -------------------------------------------------------- */

/* ProvTreat, ProvBill and ClaimForm given must name rows (a database
 * without the claimform table cannot say: any number passes). */
static int check_given(struct od_conn *c, struct od_ck_job *j, struct cwork *w)
{
    static const char prov[] = "SELECT 1 FROM provider WHERE ProvNum = ?";
    if ((w->in.has_provtreat &&
         od_ck_need_key(c, j, prov, w->in.provtreat, 400,
                        "ProvTreat is invalid.")) ||
        (w->in.has_provbill &&
         od_ck_need_key(c, j, prov, w->in.provbill, 400,
                        "ProvBill is invalid.")))
        return -1;
    if (!w->in.has_claimform || !w->in.claimform ||
        !od_catalog_has_table(od_db_catalog(c->db), "claimform"))
        return 0;
    return od_ck_need_key(c, j, "SELECT 1 FROM claimform WHERE ClaimFormNum "
                                "= ?", w->in.claimform, 400,
                          "ClaimForm is invalid.");
}

static int load_all(struct od_conn *c, struct od_ck_job *j, struct cwork *w)
{
    long long v[OD_MAXCOL];
    struct od_prm p[1];
    int i;
    p[0] = OD_PI(w->in.pat);
    if (od_ck_need_ll(c, j, "SELECT PriProv FROM patient WHERE PatNum = ? FOR "
                            "UPDATE", p, 1, 1, v, 404, "Patient not found."))
        return -1;
    w->pri_prov = v[0];
    if (od_cn_read_prefs(c, w) || od_ie_load(c, &w->ctx, w->in.pat))
        return w->ctx.oom ? od_ck_fail(j, 500, "The patient has too much "
                                            "insurance data to estimate.")
                          : -1;
    if (choose_plan(j, w) || check_given(c, j, w))
        return -1;
    for (i = 0; i < w->in.nprocs; i++)
        if (read_proc(c, j, w, w->in.procs[i]) ||
            od_cn_read_cps(c, w, w->in.procs[i]))
            return w->too_many ? od_ck_fail(j, 400, "Too many claimprocs.") : -1;
    return 0;
}

static int work_post(struct od_conn *c, struct od_ck_job *j)
{
    struct cwork *w = j->data;
    od_cn_reset(w);
    if (load_all(c, j, w) || check_procs(c, j, w))
        return -1;
    sort_procs(w);
    if (od_cn_estimates(c, j, w) || od_cn_insert_claim(c, j, w) ||
        od_cn_attach(c, j, w) || od_cn_calculate(c, j, w))
        return -1;
    j->key = w->claim;
    return od_securitylog(c, PERM_CLAIM_EDIT, j->developer, "Created",
                          w->claim, w->in.pat);
}

/* ---- input --------------------------------------------------------------- */

static const char *const relat_names[] = {
    "Self", "Spouse", "Child", "Employee", "HandicapDep", "SignifOther",
    "InjuredPlaintiff", "LifePartner", "Dependent"};

static int read_relat(json_t *body, int *out, char *msg, size_t msgsize)
{
    json_t *v = json_object_get(body, "PatRelat");
    size_t i;
    if (!v || json_is_null(v) ||
        (json_is_string(v) && !*json_string_value(v))) {
        snprintf(msg, msgsize, "PatRelat is required.");
        return -1;
    }
    for (i = 0; json_is_string(v) && i < OD_ARRAY_LEN(relat_names); i++)
        if (strcasecmp(json_string_value(v), relat_names[i]) == 0) {
            *out = (int)i;
            return 0;
        }
    snprintf(msg, msgsize, "PatRelat is invalid.");
    return -1;
}

static int read_type(json_t *body, char *out, char *msg, size_t msgsize)
{
    static const char *const types[] = {"P", "S", "Other", "Cap", "PreAuth"};
    json_t *v = json_object_get(body, "ClaimType");
    size_t i;
    if (!v || json_is_null(v) ||
        (json_is_string(v) && !*json_string_value(v))) {
        snprintf(msg, msgsize, "ClaimType is required.");
        return -1;
    }
    for (i = 0; json_is_string(v) && i < OD_ARRAY_LEN(types); i++)
        if (strcmp(json_string_value(v), types[i]) == 0)
            break;
    if (i == OD_ARRAY_LEN(types)) {
        snprintf(msg, msgsize, "ClaimType is invalid.");
        return -1;
    }
    if (strcmp(types[i], "PreAuth") == 0) {
        snprintf(msg, msgsize, "ClaimType PreAuth is not supported: "
                               "preauthorizations are made for treatment "
                               "planned procedures in Open Dental.");
        return -1;
    }
    snprintf(out, 8, "%s", types[i]);
    return 0;
}

/* A JSON array of procedure numbers (od_ck_key_array), required. */
int od_cn_read_procnums(json_t *body, const char *name, struct cin *in,
                     char *msg, size_t msgsize)
{
    int rc = od_ck_key_array(body, name, in->procs, CN_MAX_PROCS,
                             &in->nprocs, msg, msgsize);
    if (rc == -2)
        snprintf(msg, msgsize, "procNums has more than %d procedures.",
                 CN_MAX_PROCS);
    return od_ck_required(rc == 1 && !in->nprocs ? 0 : rc, name, msg,
                          msgsize);
}

static int read_opt_key(json_t *body, const char *name, long long *out,
                        int *has, char *msg, size_t msgsize)
{
    json_t *v = json_object_get(body, name);
    int rc;
    /* ClaimForm 0: none (Open Dental's "Other" claims have none) */
    if (strcmp(name, "ClaimForm") == 0 && v &&
        ((json_is_integer(v) && json_integer_value(v) == 0) ||
         (json_is_string(v) && strcmp(json_string_value(v), "0") == 0))) {
        *out = 0;
        *has = 1;
        return 0;
    }
    rc = od_ck_key(body, name, out, msg, msgsize);
    *has = rc == 1;
    return rc < 0 ? -1 : 0;
}

static int read_post(json_t *body, struct cin *in, char *msg, size_t msgsize)
{
    if (od_ck_key_req(body, "PatNum", &in->pat, msg, msgsize) ||
        od_cn_read_procnums(body, "procNums", in, msg, msgsize) ||
        read_type(body, in->type, msg, msgsize) ||
        od_ck_key_req(body, "InsSubNum", &in->sub, msg, msgsize) ||
        read_relat(body, &in->relat, msg, msgsize) ||
        od_ck_date(body, "DateService", in->dateservice, msg, msgsize) < 0 ||
        od_ck_date(body, "DateSent", in->datesent, msg, msgsize) < 0 ||
        read_opt_key(body, "ClaimForm", &in->claimform, &in->has_claimform,
                     msg, msgsize) ||
        read_opt_key(body, "ProvTreat", &in->provtreat, &in->has_provtreat,
                     msg, msgsize) ||
        read_opt_key(body, "ProvBill", &in->provbill, &in->has_provbill,
                     msg, msgsize))
        return -1;
    return 0;
}

static void h_post(odapi_request *req, void *arg)
{
    struct od_ck_job *j;
    struct cwork *w;
    json_t *body;
    char msg[160];
    (void)arg;
    if (!(j = od_ck_new_data(req, work_post, 1, sizeof *w, cw_free)))
        return;
    w = j->data;
    if (!(body = od_ck_take_body(j)))
        return;
    if (read_post(body, &w->in, msg, sizeof msg)) {
        od_ck_reject(j, 400, msg);
        return;
    }
    od_ck_created(j, &od_res_claims);
    od_ck_submit(j);
}

/* The work data is reset on a retry (the job runs again from the start on
 * a new connection). */
void od_cn_reset(struct cwork *w)
{
    od_ie_free(&w->ctx);
    w->n = 0;
    w->ncps = 0;
    w->too_many = 0;
    w->plan = w->other = NULL;
    w->claim = 0;
}

/* What these routes take and answer, for GET /openapi.json
 * (engine/openapi-internal.h). */
static const struct od_opdoc claimnew_docs[] = {
    {"POST", "/claims",
     "Create a claim from procedures.",
     NULL,
     "PatNum:int!,procNums:ints!,ClaimType:text!,InsSubNum:int,PatRelat:text,DateService:date,DateSent:date,ClaimForm:int,ProvTreat:int,ProvBill:int",
     "claims",
     .perm = ODAPI_PERM_INSURANCE, .handler = h_post},
};

OD_CK_ROUTES(od_register_claimnew_actions, claimnew_docs)
