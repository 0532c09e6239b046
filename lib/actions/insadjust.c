/* insadjust.c - insurance adjustments and supplemental payments (the api*.html
 * pages, claimprocs): PUT and POST /claimprocs/InsAdjust, POST
 * /claimprocs/Supplemental.
 *
 * Open Dental's rules (branch 24_3, OpenDentBusiness/Data Interface/
 * ClaimProcs.cs): an insurance adjustment is a claimproc of Status
 * Adjustment with no procedure whose InsPayAmt and DedApplied count as
 * insurance and deductible used in its benefit year
 * (CreateInsPlanAdjustment; GetHistList counts it). PUT takes the totals
 * used and adjusts by what the year's claimprocs already show (GetForApi:
 * NotReceived, Adjustment, Received, InsHist and Supplemental rows of the
 * patient and plan dated in the benefit year, BenefitLogic.
 * ComputeRenewDate). A supplemental payment copies a Received claimproc
 * with its amounts cleared (CreateSuppClaimProcs), and the claim's totals
 * are the sums of its claimprocs again (FormClaimEdit.FillGrids). Choices
 * are in docs/resources.md. */
#include "engine/openapi-internal.h"
#include "actions/insutil-internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* EnumPermType InsPlanEdit, InsPayCreate. */
enum { PERM_INSPLAN_EDIT = 110, PERM_INS_PAY_CREATE = 36 };
/* ClaimProcStatus. */
enum { CP_NOTRECEIVED = 0, CP_RECEIVED = 1, CP_ADJUSTMENT = 3,
       CP_SUPPLEMENTAL = 4, CP_INSHIST = 9 };

extern const struct od_resource od_res_claimprocs;

struct ajob {
    long long patplan, cp;
    int has_ins, has_ded;
    double ins, ded;
    char date[11];
};

struct plan_of {
    long long pat, sub, plan;
    int monthrenew;
};

/* The patient plan: 0, or -1 (404 when missing). */
static int load_patplan(struct od_conn *c, struct od_ck_job *j, long long pp,
                        struct plan_of *o)
{
    long long v[OD_MAXCOL];
    struct od_prm p[1];
    p[0] = OD_PI(pp);
    if (od_ck_need_ll(c, j,
                      "SELECT pp.PatNum, pp.InsSubNum, s.PlanNum, "
                      "COALESCE(ip.MonthRenew, 0) FROM patplan pp JOIN inssub "
                      "s ON s.InsSubNum = pp.InsSubNum LEFT JOIN insplan ip ON "
                      "ip.PlanNum = s.PlanNum WHERE pp.PatPlanNum = ?",
                      p, 1, 4, v, 404, "PatPlan not found."))
        return -1;
    o->pat = v[0];
    o->sub = v[1];
    o->plan = v[2];
    o->monthrenew = (int)v[3];
    return 0;
}

/* The date given, else the database's today, into a->date. */
static int date_or_today(struct od_conn *c, struct ajob *a)
{
    long day;
    if (a->date[0])
        return 0;
    if (od_iu_today(c, &day))
        return -1;
    od_ck_day_str(day, a->date);
    return 0;
}

/* ---- POST /claimprocs/InsAdjust ------------------------------------------ */

static int insert_adjustment(struct od_conn *c, const struct plan_of *o,
                             const char *date, double ins, double ded,
                             long long *id)
{
    struct od_prm p[8];
    p[0] = OD_PI(o->pat);
    p[1] = OD_PS(date);
    p[2] = OD_PI(CP_ADJUSTMENT);
    p[3] = OD_PI(o->plan);
    p[4] = OD_PI(o->sub);
    p[5] = OD_PD(ins);
    p[6] = OD_PD(ded);
    return od_exec(c,
                   "INSERT INTO claimproc (PatNum, ProcDate, Status, PlanNum, "
                   "InsSubNum, InsPayAmt, DedApplied, Remarks, CodeSent, "
                   "EstimateNote, SecDateEntry) VALUES (?, ?, ?, ?, ?, ?, ?, "
                   "'', '', '', CURDATE())",
                   p, 7, NULL, id);
}

static int work_post_adj(struct od_conn *c, struct od_ck_job *j)
{
    struct ajob *a = j->data;
    struct plan_of o;
    if (load_patplan(c, j, a->patplan, &o) || date_or_today(c, a) ||
        insert_adjustment(c, &o, a->date, a->has_ins ? a->ins : 0,
                          a->has_ded ? a->ded : 0, &j->key))
        return -1;
    return od_securitylog(c, PERM_INSPLAN_EDIT, j->developer, "Created",
                          j->key, o.pat);
}

/* ---- PUT /claimprocs/InsAdjust ------------------------------------------- */

struct adjs {
    long long first;
    int n;
    double ins, ded;
};

static int sum_adj(void *ctx, char **cols)
{
    struct adjs *s = ctx;
    if (!s->n++)
        s->first = atoll(cols[0]);
    s->ins += atof(cols[1]);
    s->ded += atof(cols[2]);
    return 0;
}

#define YEAR_ROWS "FROM claimproc WHERE PatNum = ? AND PlanNum = ? AND " \
                  "ProcDate >= ? AND ProcDate <= ?"

/* What the benefit year already shows: used (insurance, deductible) by the
 * other claimprocs, and the adjustments (locked). */
static int year_rows(struct od_conn *c, const struct plan_of *o,
                     const char *from, const char *to, double used[2],
                     struct adjs *s)
{
    char r[OD_MAXCOL][OD_COLSZ];
    struct od_prm p[8];
    p[0] = OD_PI(o->pat);
    p[1] = OD_PI(o->plan);
    p[2] = OD_PS(from);
    p[3] = OD_PS(to);
    p[4] = OD_PI(CP_NOTRECEIVED);
    p[5] = OD_PI(CP_RECEIVED);
    p[6] = OD_PI(CP_INSHIST);
    p[7] = OD_PI(CP_SUPPLEMENTAL);
    /* a claim not yet received counts its estimate (ClaimProcHist) */
    if (od_query_row(c, "SELECT COALESCE(SUM(IF(Status = 0, InsPayEst, "
                        "InsPayAmt)), 0), COALESCE(SUM(DedApplied), 0) "
                        YEAR_ROWS " AND Status IN (?, ?, ?, ?)",
                     p, 8, 2, r) < 0)
        return -1;
    used[0] = atof(r[0]);
    used[1] = atof(r[1]);
    p[4] = OD_PI(CP_ADJUSTMENT);
    memset(s, 0, sizeof *s);
    return od_query_each(c, "SELECT ClaimProcNum, InsPayAmt, DedApplied "
                            YEAR_ROWS " AND Status = ? ORDER BY ClaimProcNum "
                            "FOR UPDATE",
                         p, 5, 3, sum_adj, s) < 0 ? -1 : 0;
}

/* Drop the year's adjustments except keep (0: all). */
static int drop_adjustments(struct od_conn *c, const struct plan_of *o,
                            const char *from, const char *to, long long keep)
{
    struct od_prm p[6];
    p[0] = OD_PI(o->pat);
    p[1] = OD_PI(o->plan);
    p[2] = OD_PS(from);
    p[3] = OD_PS(to);
    p[4] = OD_PI(CP_ADJUSTMENT);
    p[5] = OD_PI(keep);
    return od_exec(c, "DELETE " YEAR_ROWS " AND Status = ? AND "
                      "ClaimProcNum <> ?", p, 6, NULL, NULL);
}

static int work_put_adj(struct od_conn *c, struct od_ck_job *j)
{
    struct ajob *a = j->data;
    struct plan_of o;
    struct adjs s;
    char from[11], to[11];
    double used[2], ins, ded;
    long start;
    struct od_prm p[4];
    if (load_patplan(c, j, a->patplan, &o) || date_or_today(c, a))
        return -1;
    start = od_iu_renew_day(od_ck_day_num(a->date), o.monthrenew);
    od_ck_day_str(start, from);
    od_ck_day_str(od_iu_add_years(start, 1) - 1, to);
    if (year_rows(c, &o, from, to, used, &s))
        return -1;
    /* the adjustment that makes the year's totals what was given; an
     * amount not given keeps what the adjustments had */
    ins = od_iu_round2(a->has_ins ? a->ins - used[0] : s.ins);
    ded = od_iu_round2(a->has_ded ? a->ded - used[1] : s.ded);
    if (ins == 0 && ded == 0) {
        if (!s.n)
            return 0; /* nothing to record, nothing to remove */
        if (drop_adjustments(c, &o, from, to, 0))
            return -1;
        return od_securitylog(c, PERM_INSPLAN_EDIT, j->developer, "Deleted",
                              s.first, o.pat);
    }
    if (!s.n) {
        if (insert_adjustment(c, &o, a->date, ins, ded, &s.first))
            return -1;
        return od_securitylog(c, PERM_INSPLAN_EDIT, j->developer, "Created",
                              s.first, o.pat);
    }
    p[0] = OD_PD(ins);
    p[1] = OD_PD(ded);
    p[2] = OD_PS(a->date);
    p[3] = OD_PI(s.first);
    if (od_exec(c, "UPDATE claimproc SET InsPayAmt = ?, DedApplied = ?, "
                   "ProcDate = ? WHERE ClaimProcNum = ?", p, 4, NULL, NULL) ||
        drop_adjustments(c, &o, from, to, s.first))
        return -1;
    return od_securitylog(c, PERM_INSPLAN_EDIT, j->developer, "Updated",
                          s.first, o.pat);
}

/* ---- POST /claimprocs/Supplemental --------------------------------------- */

static int work_supp(struct od_conn *c, struct od_ck_job *j)
{
    struct ajob *a = j->data;
    char r[OD_MAXCOL][OD_COLSZ];
    struct od_prm p[1];
    struct iu_set sets[12];
    int n = 0;
    p[0] = OD_PI(a->cp);
    if (od_ck_need_row(c, j, "SELECT Status, ProcNum, ClaimNum, PatNum FROM "
                             "claimproc WHERE ClaimProcNum = ? FOR UPDATE",
                       p, 1, 4, r, 404, "ClaimProc not found."))
        return -1;
    if (atoi(r[0]) != CP_RECEIVED)
        return od_ck_fail(j, 400, "Supplemental payments can only be made on "
                               "ClaimProcs with a Status of Received.");
    if (atoll(r[1]) == 0 || atoll(r[2]) == 0)
        return od_ck_fail(j, 400, "Supplemental payments cannot be made on a "
                               "payment by total (a ClaimProc without a "
                               "procedure).");
#define SET(c_, e_) sets[n++] = (struct iu_set){c_, e_, OD_PNULL, 0}
    SET("FeeBilled", "0");
    /* a closed insurance payment plan keeps no new payments */
    SET("PayPlanNum", "IF(EXISTS(SELECT 1 FROM payplan pp WHERE "
                      "pp.PayPlanNum = s.PayPlanNum AND pp.IsClosed = 1), 0, "
                      "s.PayPlanNum)");
    SET("ClaimPaymentNum", "0");
    SET("DedApplied", "0");
    sets[n++] = (struct iu_set){"InsPayAmt", "?", OD_PD(a->ins), 1};
    SET("InsPayEst", "0");
    SET("Remarks", "''");
    sets[n++] = (struct iu_set){"Status", "?", OD_PI(CP_SUPPLEMENTAL), 1};
    SET("WriteOff", "0");
    SET("DateCP", "CURDATE()");
    SET("DateEntry", "CURDATE()");
    SET("DateInsFinalized", "'0001-01-01'");
#undef SET
    if (od_iu_copy_row(c, "claimproc", "ClaimProcNum", a->cp, sets, n,
                    &j->key) ||
        od_exec(c, "UPDATE claimproc SET SecDateEntry = CURDATE() WHERE "
                   "ClaimProcNum = ?", (struct od_prm[]){OD_PI(j->key)}, 1,
                NULL, NULL) ||
        od_iu_claim_totals(c, atoll(r[2])))
        return -1;
    return od_securitylog(c, PERM_INS_PAY_CREATE, j->developer, "Created",
                          j->key, atoll(r[3]));
}

/* ---- handlers ------------------------------------------------------------ */

static struct od_ck_job *new_job(odapi_request *req, od_ck_work_fn fn,
                              json_t **body)
{
    struct od_ck_job *j =
        od_ck_new_data(req, fn, 1, sizeof(struct ajob), NULL);
    if (!j)
        return NULL;
    if (!(*body = od_ck_take_body(j)))
        return NULL;
    return j;
}

/* PatPlanNum, insUsed, deductibleUsed, date: 0, or -1 with msg. */
static int read_adjust(json_t *body, struct ajob *a, char *msg,
                       size_t msgsize)
{
    if (od_ck_key_req(body, "PatPlanNum", &a->patplan, msg, msgsize) ||
        (a->has_ins = od_iu_money(body, "insUsed", &a->ins, msg, msgsize)) <
            0 ||
        (a->has_ded = od_iu_money(body, "deductibleUsed", &a->ded, msg,
                               msgsize)) < 0 ||
        od_ck_date(body, "date", a->date, msg, msgsize) < 0)
        return -1;
    if (!a->has_ins && !a->has_ded) {
        snprintf(msg, msgsize, "insUsed or deductibleUsed is required.");
        return -1;
    }
    return 0;
}

static void h_adjust(odapi_request *req, int post)
{
    struct od_ck_job *j;
    json_t *body;
    char msg[128];
    if (!(j = new_job(req, post ? work_post_adj : work_put_adj, &body)))
        return;
    if (read_adjust(body, j->data, msg, sizeof msg)) {
        od_ck_reject(j, 400, msg);
        return;
    }
    if (post) {
        od_ck_created(j, &od_res_claimprocs);
    } else {
        j->no_body = 1;
    }
    od_ck_submit(j);
}

static void h_put_adjust(odapi_request *req, void *arg)
{
    (void)arg;
    h_adjust(req, 0);
}

static void h_post_adjust(odapi_request *req, void *arg)
{
    (void)arg;
    h_adjust(req, 1);
}

static void h_supplemental(odapi_request *req, void *arg)
{
    struct od_ck_job *j;
    struct ajob *a;
    json_t *body;
    char msg[128];
    (void)arg;
    if (!(j = new_job(req, work_supp, &body)))
        return;
    a = j->data;
    if (od_ck_key_req(body, "ClaimProcNum", &a->cp, msg, sizeof msg) ||
        od_iu_money(body, "InsPayAmt", &a->ins, msg, sizeof msg) < 0) {
        od_ck_reject(j, 400, msg);
        return;
    }
    od_ck_created(j, &od_res_claimprocs);
    od_ck_submit(j);
}

/* What these routes take and answer, for GET /openapi.json
 * (engine/openapi-internal.h). */
static const struct od_opdoc insadjust_docs[] = {
    {"PUT", "/claimprocs/InsAdjust",
     "Update an insurance adjustment.",
     NULL,
     "PatPlanNum:int!,insUsed:money,deductibleUsed:money,date:date",
     "claimprocs",
     .perm = ODAPI_PERM_INSURANCE_SIMPLE, .handler = h_put_adjust},
    {"POST", "/claimprocs/InsAdjust",
     "Create an insurance adjustment.",
     NULL,
     "PatPlanNum:int!,insUsed:money,deductibleUsed:money,date:date",
     "claimprocs",
     .perm = ODAPI_PERM_INSURANCE_SIMPLE, .handler = h_post_adjust},
    {"POST", "/claimprocs/Supplemental",
     "Create a supplemental insurance payment.",
     NULL,
     "ClaimProcNum:int!,InsPayAmt:money",
     "claimprocs",
     .perm = ODAPI_PERM_INSURANCE, .handler = h_supplemental},
};

OD_CK_ROUTES(od_register_insadjust_actions, insadjust_docs)
