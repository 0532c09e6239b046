/* dynpayplan.c - dynamic payment plans (the api*.html pages, payplans): POST
 * /payplans/Dynamic and PUT /payplans/{PayPlanNum}/Dynamic, as Open
 * Dental's dynamic payment plan window saves one (branch 24_3:
 * OpenDentBusiness/Db Multi Table/PayPlanEdit.cs
 * ValidateDynamicPaymentPlanTerms, ApplyPayPlanTermsToDynamicPaymentPlan,
 * SaveDynamicPaymentPlanAndTerms, GetDownPaymentCharges;
 * PayPlanProductionEntry.cs for each procedure's or adjustment's amount;
 * Data Interface/PayPlanLinks.cs). The schedule is dynsched.c. Choices are
 * in docs/resources.md. */
#include "engine/openapi-internal.h"
#include "actions/insutil-internal.h"
#include "actions/dynsched-internal.h"
#include "db/catalog-internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* EnumPermType PayPlanEdit */
enum { PERM_PAYPLAN_EDIT = 149 };
#define MAX_ITEMS 200

extern const struct od_resource od_res_payplans;

static const char *const freq_names[] = {"Weekly", "EveryOtherWeek",
                                         "OrdinalWeekday", "Monthly",
                                         "Quarterly"};
static const char *const tp_names[] = {"None", "AwaitComplete",
                                       "TreatAsComplete"};
/* PayPlanEdit.GetPayScheduleFromFrequency: PaymentSchedule Monthly 0,
 * MonthlyDayOfWeek 1, Weekly 2, BiWeekly 3, Quarterly 4 */
static const int freq_schedule[] = {2, 3, 1, 0, 4};

struct pin {                     /* what the request gives */
    long long pat, guar, category, sheetdef, procs[MAX_ITEMS],
        adjs[MAX_ITEMS];
    int nprocs, nadjs, count, has_count, has_pay, has_guar, has_apr,
        has_down, has_category, has_freq, has_locked, has_tpoption,
        has_sheetdef, locked, freq, tpoption;
    double pay, apr, down;
    char date[11], start[11], istart[11];
    const char *note;
    int has_note;
    json_t *body; /* the job's (od_ck_take_body) */
};

struct pjob {
    struct pin in;
    long long plan;
    struct ds_entry e[2 * MAX_ITEMS];
    int n;
    struct ds_charge ch[DS_MAX_CHARGES];
};

static long long cents(double v)
{
    return llround(v * 100.0);
}

/* ---- production ---------------------------------------------------------- */

/* A procedure's amount on the plan (PayPlanProductionEntry): its fee less
 * insurance (estimates and write-off estimates, payments and write-offs)
 * plus its own adjustments, less discounts while treatment planned, less
 * what was paid on it outside a payment plan. */
#define PROC_AMOUNT(disc)                                                     \
    "SELECT p.PatNum, p.ProcStatus, CONCAT_WS(' ', ROUND(p.ProcFee * "        \
    "GREATEST(1, p.BaseUnits + p.UnitQty) - COALESCE((SELECT SUM(CASE WHEN " \
    "cp.Status IN (0, 6, 8, 9) THEN cp.InsPayEst + IF(cp.WriteOffEstOverride " \
    "<> -1, cp.WriteOffEstOverride, IF(cp.WriteOffEst <> -1, cp.WriteOffEst, " \
    "0)) WHEN cp.Status IN (1, 4, 5, 7) THEN cp.InsPayAmt + cp.WriteOff "    \
    "ELSE 0 END) FROM claimproc cp WHERE cp.ProcNum = p.ProcNum), 0) + "     \
    "COALESCE((SELECT SUM(a.AdjAmt) FROM adjustment a WHERE a.ProcNum = "     \
    "p.ProcNum AND a.PatNum = p.PatNum AND a.ProvNum = p.ProvNum AND "        \
    "a.ClinicNum = p.ClinicNum), 0), 2) - IF(p.ProcStatus = 1, " disc ", "  \
    "0) - COALESCE((SELECT SUM(s.SplitAmt) FROM paysplit s WHERE s.ProcNum " \
    "= p.ProcNum AND s.PayPlanNum = 0 AND s.PayPlanChargeNum = 0), 0), "     \
    "p.ProvNum, p.ClinicNum), p.ProcDate FROM procedurelog p WHERE "         \
    "p.ProcNum = ? FOR UPDATE"

#define ADJ_AMOUNT                                                            \
    "SELECT a.PatNum, a.ProcNum, CONCAT_WS(' ', a.AdjAmt - COALESCE((SELECT " \
    "SUM(s.SplitAmt) FROM paysplit s WHERE s.AdjNum = a.AdjNum AND "         \
    "s.PayPlanNum = 0 AND s.PayPlanChargeNum = 0), 0), a.ProvNum, "          \
    "a.ClinicNum), a.AdjDate FROM adjustment a WHERE a.AdjNum = ? FOR UPDATE"

/* On an open payment plan already (a link of a plan not closed). */
static int linked(struct od_conn *c, int type, long long key)
{
    long long v[OD_MAXCOL];
    struct od_prm p[2];
    p[0] = OD_PI(type);
    p[1] = OD_PI(key);
    return od_query_ll(c, "SELECT 1 FROM payplanlink l JOIN payplan pp ON "
                          "pp.PayPlanNum = l.PayPlanNum WHERE l.LinkType = ? "
                          "AND l.FKey = ? AND pp.IsClosed = 0", p, 2, 1, v);
}

static int add_entry(struct od_ck_job *j, struct pjob *w, int type,
                     long long key, char r[][OD_COLSZ], const char *what)
{
    struct ds_entry *e = &w->e[w->n];
    double amt = 0;
    if (atoll(r[0]) != w->in.pat)
        return od_ck_fail(j, 400, "%s %lld is not for this patient.", what, key);
    memset(e, 0, sizeof *e);
    e->type = type;
    e->key = key;
    sscanf(r[2], "%lf %lld %lld", &amt, &e->prov, &e->clinic);
    e->cents = cents(amt);
    e->day = od_ck_day_num(r[3]);
    w->n++;
    return 0;
}

static int read_production(struct od_conn *c, struct od_ck_job *j,
                           struct pjob *w)
{
    char r[OD_MAXCOL][OD_COLSZ];
    struct od_prm p[1];
    /* discount plans' amounts came with Open Dental 22.x */
    int i, rc, has_dpa = od_catalog_column(od_db_catalog(c->db),
                                           "procedurelog",
                                           "DiscountPlanAmt") != NULL;
    for (i = 0; i < w->in.nprocs; i++) {
        long long k = w->in.procs[i];
        p[0] = OD_PI(k);
        if ((rc = od_query_row(c, has_dpa ? PROC_AMOUNT("p.Discount + "
                                                        "p.DiscountPlanAmt")
                                          : PROC_AMOUNT("p.Discount"),
                               p, 1, 4, r)) <= 0)
            return rc < 0 ? -1 : od_ck_fail(j, 404, "Procedure not found: "
                                                 "%lld.", k);
        if (atoi(r[1]) != 1 && atoi(r[1]) != 2)
            return od_ck_fail(j, 400, "Procedure %lld must be complete (C) or "
                                   "treatment planned (TP).", k);
        if (add_entry(j, w, DS_LINK_PROCEDURE, k, r, "Procedure"))
            return -1;
        w->e[w->n - 1].tp = atoi(r[1]) == 1;
        if ((rc = linked(c, DS_LINK_PROCEDURE, k)) != 0)
            return rc < 0 ? -1 : od_ck_fail(j, 400, "Procedure %lld is already "
                                                 "on a payment plan.", k);
    }
    for (i = 0; i < w->in.nadjs; i++) {
        long long k = w->in.adjs[i];
        p[0] = OD_PI(k);
        if ((rc = od_query_row(c, ADJ_AMOUNT, p, 1, 4, r)) <= 0)
            return rc < 0 ? -1 : od_ck_fail(j, 404, "Adjustment not found: "
                                                 "%lld.", k);
        if (atoll(r[1]) != 0)
            return od_ck_fail(j, 400, "Adjustment %lld is attached to a "
                                   "procedure: attach the procedure.", k);
        if (add_entry(j, w, DS_LINK_ADJUSTMENT, k, r, "Adjustment"))
            return -1;
        if ((rc = linked(c, DS_LINK_ADJUSTMENT, k)) != 0)
            return rc < 0 ? -1 : od_ck_fail(j, 400, "Adjustment %lld is already "
                                                 "on a payment plan.", k);
    }
    od_ds_sort(w->e, w->n);
    return 0;
}

/* ---- terms --------------------------------------------------------------- */

struct prefs {
    int future, apr_lock;
};

static int set_pref(void *arg, char **v)
{
    struct prefs *p = arg;
    int on = strcmp(v[1], "1") == 0 || strcasecmp(v[1], "true") == 0;
    if (strcmp(v[0], "FutureTransDatesAllowed") == 0)
        p->future = on;
    else
        p->apr_lock = on;
    return 0;
}

/* PayPlanEdit.ValidateDynamicPaymentPlanTerms (after the payment from a
 * number of payments: CalculatePeriodPayment). */
static int check_terms(struct od_conn *c, struct od_ck_job *j,
                       const struct ds_terms *t, long long agreement,
                       int locked, int nlinked)
{
    struct prefs pr = {0, 0};
    if (od_query_each(c, "SELECT PrefName, ValueString FROM preference WHERE "
                         "PrefName IN ('FutureTransDatesAllowed', "
                         "'PayPlanRequireLockForAPR')", NULL, 0, 2, set_pref,
                      &pr) < 0)
        return -1;
    if (agreement > t->today && !pr.future)
        return od_ck_fail(j, 400, "Payment plan date cannot be set for the "
                               "future.");
    if (nlinked && t->payment <= 0)
        return od_ck_fail(j, 400, "Payment cannot be 0.");
    if (t->principal - t->down < 0)
        return od_ck_fail(j, 400, "Down payment must be less than or equal to "
                               "total amount.");
    if (t->apr != 0 && pr.apr_lock && !locked)
        return od_ck_fail(j, 400, "Payment plans with APR must be locked. "
                               "Remove the APR or check the box for "
                               "FullLock.");
    return 0;
}

/* CompletedAmt (PayPlanProductionEntry.GetDynamicPayPlanCompletedAmount):
 * treatment planned procedures count only with TreatAsComplete. */
static long long completed(const struct pjob *w, int tpoption)
{
    long long sum = 0;
    int i;
    for (i = 0; i < w->n; i++)
        if (!w->e[i].tp || tpoption == DS_TP_TREATASCOMPLETE)
            sum += w->e[i].cents;
    return sum;
}

/* ---- POST /payplans/Dynamic ---------------------------------------------- */

static int insert_plan(struct od_conn *c, struct pjob *w,
                       const struct ds_terms *t, const char *date,
                       const char *start, const char *istart)
{
    struct od_prm p[OD_MAXPRM];
    p[0] = OD_PI(w->in.pat);
    p[1] = OD_PI(w->in.has_guar ? w->in.guar : w->in.pat);
    p[2] = OD_PS(date);
    p[3] = OD_PD(t->apr);
    p[4] = OD_PS(w->in.has_note ? w->in.note : "");
    p[5] = OD_PD(completed(w, t->tpoption) / 100.0);
    p[6] = OD_PI(freq_schedule[t->frequency]);
    p[7] = OD_PD(t->payment / 100.0);
    p[8] = OD_PD(t->down / 100.0);
    p[9] = OD_PI(w->in.category);
    p[10] = OD_PI(t->frequency);
    p[11] = OD_PS(start);
    p[12] = OD_PI(w->in.locked);
    p[13] = OD_PS(istart);
    p[14] = OD_PI(t->tpoption);
    return od_exec(c, "INSERT INTO payplan (PatNum, Guarantor, PayPlanDate, "
                      "APR, Note, CompletedAmt, PaySchedule, PayAmt, "
                      "DownPayment, PlanCategory, IsDynamic, ChargeFrequency, "
                      "DatePayPlanStart, IsLocked, DateInterestStart, "
                      "DynamicPayPlanTPOption, NumberOfPayments, Signature) "
                      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, "
                      "0, '')", p, 15, NULL, &w->plan);
}

/* The links (a locked plan's keep today's amounts: AmountOverride). */
static int insert_links(struct od_conn *c, struct pjob *w)
{
    struct od_prm p[4];
    int i;
    for (i = 0; i < w->n; i++) {
        p[0] = OD_PI(w->plan);
        p[1] = OD_PI(w->e[i].type);
        p[2] = OD_PI(w->e[i].key);
        p[3] = OD_PD(w->in.locked ? w->e[i].cents / 100.0 : 0);
        if (od_exec(c, "INSERT INTO payplanlink (PayPlanNum, LinkType, FKey, "
                       "AmountOverride, SecDateTEntry) VALUES (?, ?, ?, ?, "
                       "NOW())", p, 4, NULL, NULL))
            return -1;
    }
    return 0;
}

/* The charges due by today (SaveDynamicPaymentPlanAndTerms on a new plan:
 * the down payment, and every period up to today). A guarantor in the
 * patient's family is charged as the patient (CreateDebitCharge). */
static int insert_charges(struct od_conn *c, struct pjob *w, int n,
                          long today)
{
    struct od_prm p[12];
    char day[11];
    int i;
    for (i = 0; i < n; i++) {
        const struct ds_charge *ch = &w->ch[i];
        const struct ds_entry *e = &w->e[ch->entry];
        if (ch->day > today && !ch->down)
            continue;
        od_ck_day_str(ch->day, day);
        p[0] = OD_PI(w->plan);
        p[1] = OD_PS(day);
        p[2] = OD_PD(ch->principal / 100.0);
        p[3] = OD_PD(ch->interest / 100.0);
        p[4] = OD_PS(ch->down ? "Down Payment" : "");
        p[5] = OD_PI(e->prov);
        p[6] = OD_PI(e->clinic);
        p[7] = OD_PI(e->key);
        p[8] = OD_PI(e->type);
        p[9] = OD_PI(w->plan);
        if (od_exec(c, "INSERT INTO payplancharge (PayPlanNum, Guarantor, "
                       "PatNum, ChargeDate, Principal, Interest, Note, "
                       "ProvNum, ClinicNum, ChargeType, FKey, LinkType, "
                       "SecDateTEntry) SELECT pp.PayPlanNum, IF(EXISTS(SELECT "
                       "1 FROM patient g JOIN patient pt ON pt.PatNum = "
                       "pp.PatNum WHERE g.PatNum = pp.Guarantor AND "
                       "g.Guarantor = pt.Guarantor), pp.PatNum, "
                       "pp.Guarantor), pp.PatNum, ?, ?, ?, ?, ?, ?, 0, ?, ?, "
                       "NOW() FROM payplan pp WHERE pp.PayPlanNum = ?",
                    (struct od_prm[]){p[1], p[2], p[3], p[4], p[5], p[6],
                                      p[7], p[8], p[9]},
                    9, NULL, NULL))
            return -1;
    }
    (void)p[0];
    return 0;
}

/* Guarantor, PlanCategory and SheetDefNum given must name rows. */
static int check_refs(struct od_conn *c, struct od_ck_job *j, struct pin *in)
{
    return (in->has_guar &&
            od_ck_need_key(c, j, "SELECT 1 FROM patient WHERE PatNum = ?",
                           in->guar, 400, "Guarantor is invalid.")) ||
           (in->has_category && in->category &&
            od_ck_need_key(c, j, "SELECT 1 FROM definition WHERE DefNum = ? "
                                 "AND Category = 47", in->category, 400,
                           "PlanCategory is invalid.")) ||
           (in->has_sheetdef && in->sheetdef &&
            od_ck_need_key(c, j, "SELECT 1 FROM sheetdef WHERE SheetDefNum = ?",
                           in->sheetdef, 400, "SheetDefNum is invalid."))
               ? -1
               : 0;
}

/* The schedule's terms from the input, over w's production. */
static int make_terms(struct od_ck_job *j, struct pjob *w, struct ds_terms *t,
                      long today)
{
    int i, tp = 0;
    memset(t, 0, sizeof *t);
    for (i = 0; i < w->n; i++) {
        t->principal += w->e[i].cents;
        tp |= w->e[i].tp;
    }
    t->down = cents(w->in.down);
    t->apr = w->in.apr;
    t->frequency = w->in.has_freq ? w->in.freq : DS_MONTHLY;
    /* treatment planned production waits for completion unless told */
    t->tpoption = w->in.has_tpoption ? w->in.tpoption
                  : tp                 ? DS_TP_AWAITCOMPLETE
                                       : DS_TP_NONE;
    t->today = today;
    t->first = *w->in.start ? od_ck_day_num(w->in.start) : today;
    t->interest_start = *w->in.istart ? od_ck_day_num(w->in.istart) : -999999;
    t->payment = w->in.has_pay ? cents(w->in.pay)
                               : od_ds_period_payment(t->apr, t->frequency,
                                                   w->in.count,
                                                   t->principal - t->down);
    (void)j;
    return 0;
}

static int work_post(struct od_conn *c, struct od_ck_job *j)
{
    struct pjob *w = j->data;
    struct ds_terms t;
    char date[11], start[11], istart[11];
    long today;
    int n;
    w->n = 0;
    if (od_ck_need_key(c, j, "SELECT 1 FROM patient WHERE PatNum = ?",
                       w->in.pat, 404, "Patient not found."))
        return -1;
    if (check_refs(c, j, &w->in) || read_production(c, j, w) ||
        od_iu_today(c, &today) || make_terms(j, w, &t, today))
        return -1;
    snprintf(date, sizeof date, "%s", *w->in.date ? w->in.date : "");
    if (!*date)
        od_ck_day_str(today, date);
    od_ck_day_str(t.first, start);
    snprintf(istart, sizeof istart, "%s",
             *w->in.istart ? w->in.istart : "0001-01-01");
    if (check_terms(c, j, &t, od_ck_day_num(date), w->in.locked, w->n))
        return -1;
    if ((n = od_ds_schedule(&t, w->e, w->n, w->ch)) < 0)
        return od_ck_fail(j, 400, "PayAmt does not cover the interest: the plan "
                               "would never be paid off.");
    if (insert_plan(c, w, &t, date, start, istart) || insert_links(c, w) ||
        insert_charges(c, w, n, today))
        return -1;
    j->key = w->plan;
    return od_securitylog(c, PERM_PAYPLAN_EDIT, j->developer, "Created",
                          w->plan, w->in.pat);
}

/* ---- PUT /payplans/{PayPlanNum}/Dynamic ---------------------------------- */

struct plan_row {
    long long pat, charged;
    int dynamic, closed, locked, freq, tpoption;
    double apr, pay, down;
    char date[11], start[11], istart[11];
};

static int read_plan(struct od_conn *c, struct od_ck_job *j, long long num,
                     struct plan_row *r)
{
    char v[OD_MAXCOL][OD_COLSZ];
    struct od_prm p[1];
    p[0] = OD_PI(num);
    if (od_ck_need_row(c, j, "SELECT PatNum, CONCAT_WS(' ', IsDynamic, "
                             "IsClosed, IsLocked, ChargeFrequency, "
                             "DynamicPayPlanTPOption, APR, PayAmt, "
                             "DownPayment), PayPlanDate, DatePayPlanStart, "
                             "DateInterestStart, COALESCE((SELECT ROUND(SUM("
                             "Principal) * 100) FROM payplancharge WHERE "
                             "PayPlanNum = ? AND ChargeType = 0), 0) FROM "
                             "payplan WHERE PayPlanNum = ? FOR UPDATE",
                       (struct od_prm[]){p[0], p[0]}, 2, 6, v, 404,
                       "PayPlan not found."))
        return -1;
    r->pat = atoll(v[0]);
    sscanf(v[1], "%d %d %d %d %d %lf %lf %lf", &r->dynamic, &r->closed,
           &r->locked, &r->freq, &r->tpoption, &r->apr, &r->pay, &r->down);
    snprintf(r->date, sizeof r->date, "%s", od_ck_day(v[2]));
    snprintf(r->start, sizeof r->start, "%s", od_ck_day(v[3]));
    snprintf(r->istart, sizeof r->istart, "%s", od_ck_day(v[4]));
    r->charged = atoll(v[5]);
    if (!r->dynamic)
        return od_ck_fail(j, 400, "PayPlan is not a dynamic payment plan.");
    if (r->closed)
        return od_ck_fail(j, 400, "PayPlan is closed.");
    return 0;
}

struct linkrow {
    struct pjob *w;
    struct od_conn *c;
    int bad;
};

/* A link's production: the override when set, else its amount today. */
static int add_link(void *arg, char **v)
{
    struct linkrow *l = arg;
    struct pjob *w = l->w;
    struct ds_entry *e;
    if (w->n == 2 * MAX_ITEMS) {
        l->bad = 1;
        return 1;
    }
    e = &w->e[w->n++];
    memset(e, 0, sizeof *e);
    e->type = atoi(v[0]);
    e->key = atoll(v[1]);
    e->cents = cents(atof(v[2]));
    e->fixed = e->cents != 0;
    e->tp = atoi(v[3]) == 1;
    if (!e->fixed)
        e->cents = cents(atof(v[4]));
    (void)l->c;
    return 0;
}

#define LINK_AMOUNT                                                           \
    "SELECT l.LinkType, l.FKey, l.AmountOverride, COALESCE(p.ProcStatus, 2), " \
    "IF(l.LinkType = 2, ROUND(p.ProcFee * GREATEST(1, p.BaseUnits + "         \
    "p.UnitQty) - COALESCE((SELECT SUM(CASE WHEN cp.Status IN (0, 6, 8, 9) "  \
    "THEN cp.InsPayEst + IF(cp.WriteOffEstOverride <> -1, "                  \
    "cp.WriteOffEstOverride, IF(cp.WriteOffEst <> -1, cp.WriteOffEst, 0)) "  \
    "WHEN cp.Status IN (1, 4, 5, 7) THEN cp.InsPayAmt + cp.WriteOff ELSE 0 "  \
    "END) FROM claimproc cp WHERE cp.ProcNum = p.ProcNum), 0), 2), "          \
    "COALESCE(a.AdjAmt, 0)), l.PayPlanLinkNum FROM payplanlink l LEFT JOIN "  \
    "procedurelog p ON l.LinkType = 2 AND p.ProcNum = l.FKey LEFT JOIN "     \
    "adjustment a ON l.LinkType = 1 AND a.AdjNum = l.FKey WHERE "            \
    "l.PayPlanNum = ? ORDER BY l.PayPlanLinkNum"

static int read_links(struct od_conn *c, struct pjob *w, long long plan)
{
    struct linkrow l = {w, c, 0};
    struct od_prm p[1];
    p[0] = OD_PI(plan);
    w->n = 0;
    if (od_query_each(c, LINK_AMOUNT, p, 1, 6, add_link, &l) < 0)
        return -1;
    return l.bad ? -1 : 0;
}

/* A locked plan's terms stay (its window disables them). */
static int check_locked(struct od_ck_job *j, const struct pin *in,
                        const struct plan_row *r)
{
    if (r->locked && in->has_locked && !in->locked)
        return od_ck_fail(j, 400, "A locked PayPlan cannot be unlocked.");
    if (r->locked && (in->has_pay || in->has_count || in->has_apr ||
                      in->has_freq || *in->start || *in->istart))
        return od_ck_fail(j, 400, "The PayPlan is locked: its terms cannot be "
                               "changed.");
    return 0;
}

/* The plan's terms with the changes given. */
static void merge_terms(struct pjob *w, const struct plan_row *r,
                        struct ds_terms *t, long today)
{
    struct pin *in = &w->in;
    int i;
    memset(t, 0, sizeof *t);
    for (i = 0; i < w->n; i++)
        t->principal += w->e[i].cents;
    t->down = cents(r->down);
    t->apr = in->has_apr ? in->apr : r->apr;
    t->frequency = in->has_freq ? in->freq : r->freq;
    t->tpoption = r->tpoption;
    t->today = today;
    t->first = od_ck_day_num(*in->start ? in->start : r->start);
    t->interest_start = *in->istart ? od_ck_day_num(in->istart)
                                    : od_ck_day_num(r->istart);
    if (t->interest_start < 0)
        t->interest_start = -999999;
    t->payment = in->has_pay     ? cents(in->pay)
                 : in->has_count ? od_ds_period_payment(t->apr, t->frequency,
                                                     in->count,
                                                     t->principal - t->down)
                                 : cents(r->pay);
}

static int update_plan(struct od_conn *c, struct pjob *w,
                       const struct ds_terms *t, const struct plan_row *r,
                       const char *date, long long plan)
{
    struct pin *in = &w->in;
    struct od_prm p[OD_MAXPRM];
    char start[11], istart[11];
    od_ck_day_str(t->first, start);
    snprintf(istart, sizeof istart, "%s", *in->istart ? in->istart
                                                      : r->istart);
    p[0] = in->has_guar ? OD_PI(in->guar) : OD_PNULL;
    p[1] = OD_PS(date);
    p[2] = OD_PD(t->apr);
    p[3] = in->has_note ? OD_PS(in->note) : OD_PNULL;
    p[4] = in->has_category ? OD_PI(in->category) : OD_PNULL;
    p[5] = OD_PI(t->frequency);
    p[6] = OD_PI(freq_schedule[t->frequency]);
    p[7] = OD_PS(start);
    p[8] = OD_PS(istart);
    p[9] = OD_PI(in->has_locked ? in->locked : r->locked);
    p[10] = OD_PD(t->payment / 100.0);
    p[11] = OD_PD(completed(w, t->tpoption) / 100.0);
    p[12] = OD_PI(plan);
    return od_exec(c, "UPDATE payplan SET Guarantor = COALESCE(?, "
                      "Guarantor), PayPlanDate = ?, APR = ?, Note = "
                      "COALESCE(?, Note), PlanCategory = COALESCE(?, "
                      "PlanCategory), ChargeFrequency = ?, PaySchedule = ?, "
                      "DatePayPlanStart = ?, DateInterestStart = ?, IsLocked = "
                      "?, PayAmt = ?, CompletedAmt = ? WHERE PayPlanNum = ?",
                   p, 13, NULL, NULL);
}

/* Locking keeps each link's amount of today
 * (SaveDynamicPaymentPlanAndTerms). */
static int lock_links(struct od_conn *c, struct pjob *w, long long plan)
{
    int i;
    for (i = 0; i < w->n; i++)
        if (!w->e[i].fixed &&
            od_exec(c, "UPDATE payplanlink SET AmountOverride = ? WHERE "
                       "PayPlanNum = ? AND LinkType = ? AND FKey = ? AND "
                       "AmountOverride = 0",
                    (struct od_prm[]){OD_PD(w->e[i].cents / 100.0),
                                      OD_PI(plan), OD_PI(w->e[i].type),
                                      OD_PI(w->e[i].key)},
                    4, NULL, NULL))
            return -1;
    return 0;
}

static int work_put(struct od_conn *c, struct od_ck_job *j)
{
    struct pjob *w = j->data;
    struct plan_row r;
    struct ds_terms t;
    const char *date;
    long today;
    if (read_plan(c, j, j->key, &r) || check_locked(j, &w->in, &r) ||
        check_refs(c, j, &w->in) || read_links(c, w, j->key) ||
        od_iu_today(c, &today))
        return -1;
    merge_terms(w, &r, &t, today);
    date = *w->in.date ? w->in.date : r.date;
    if (check_terms(c, j, &t, od_ck_day_num(date),
                    w->in.has_locked ? w->in.locked : r.locked, w->n))
        return -1;
    /* the terms must still pay off what is not charged yet */
    t.principal -= r.charged;
    t.down = 0;
    if (t.principal > 0 && od_ds_schedule(&t, w->e, w->n, w->ch) < 0)
        return od_ck_fail(j, 400, "PayAmt does not cover the interest: the plan "
                               "would never be paid off.");
    t.principal += r.charged;
    if (update_plan(c, w, &t, &r, date, j->key) ||
        (w->in.has_sheetdef &&
         od_exec(c, "UPDATE payplan SET SheetDefNum = ? WHERE PayPlanNum = ?",
                 (struct od_prm[]){OD_PI(w->in.sheetdef), OD_PI(j->key)}, 2,
                 NULL, NULL)) ||
        (w->in.has_locked && w->in.locked && !r.locked &&
         lock_links(c, w, j->key)))
        return -1;
    return od_securitylog(c, PERM_PAYPLAN_EDIT, j->developer, "Updated",
                          j->key, r.pat);
}

/* ---- input --------------------------------------------------------------- */

static int name_of(json_t *body, const char *name, const char *const *names,
                   int n, int *out, char *msg, size_t msgsize)
{
    json_t *v = json_object_get(body, name);
    int i;
    if (!v || json_is_null(v) ||
        (json_is_string(v) && !*json_string_value(v)))
        return 0;
    for (i = 0; json_is_string(v) && i < n; i++)
        if (strcasecmp(json_string_value(v), names[i]) == 0) {
            *out = i;
            return 1;
        }
    snprintf(msg, msgsize, "%s is invalid.", name);
    return -1;
}

/* procNums / adjNums: arrays of keys (od_ck_key_array). */
static int keys_of(json_t *body, const char *name, long long *out, int *n,
                   char *msg, size_t msgsize)
{
    int rc = od_ck_key_array(body, name, out, MAX_ITEMS, n, msg, msgsize);
    if (rc == -2)
        snprintf(msg, msgsize, "%s has more than %d items.", name, MAX_ITEMS);
    return rc < 0 ? -1 : 0;
}

static int count_of(json_t *body, struct pin *in, char *msg, size_t msgsize)
{
    json_t *v = json_object_get(body, "NumberOfPayments");
    long long x = -1;
    if (!v || json_is_null(v) || (json_is_string(v) && !*json_string_value(v)))
        return 0;
    if (json_is_integer(v))
        x = (long long)json_integer_value(v);
    else if (!json_is_string(v) || od_parse_ll(json_string_value(v), &x))
        x = -1;
    if (x < 0 || x > 100000) {
        snprintf(msg, msgsize, "NumberOfPayments is invalid.");
        return -1;
    }
    if (x < 1) {
        snprintf(msg, msgsize, "Term cannot be less than 1.");
        return -1;
    }
    in->count = (int)x;
    in->has_count = 1;
    return 0;
}

static int money_of(json_t *body, const char *name, double *out, int *has,
                    char *msg, size_t msgsize)
{
    int rc = od_iu_money(body, name, out, msg, msgsize);
    *has = rc == 1;
    if (rc == 1 && *out < 0) {
        snprintf(msg, msgsize, "%s is invalid.", name);
        return -1;
    }
    return rc < 0 ? -1 : 0;
}

/* The fields POST and PUT share. */
static int read_terms(odapi_request *req, json_t *body, struct pin *in,
                      char *msg, size_t msgsize)
{
    int rc;
    if (money_of(body, "PayAmt", &in->pay, &in->has_pay, msg, msgsize) ||
        count_of(body, in, msg, msgsize) ||
        money_of(body, "APR", &in->apr, &in->has_apr, msg, msgsize) ||
        od_ck_date(body, "PayPlanDate", in->date, msg, msgsize) < 0 ||
        od_ck_date(body, "DatePayPlanStart", in->start, msg, msgsize) < 0 ||
        od_ck_date(body, "DateInterestStart", in->istart, msg, msgsize) < 0 ||
        (in->has_freq = name_of(body, "ChargeFrequency", freq_names, 5,
                                &in->freq, msg, msgsize)) < 0 ||
        (in->has_locked = od_ck_bool(body, "IsLocked", &in->locked, msg,
                                  msgsize)) < 0 ||
        (in->has_note = od_ck_text(req, body, "Note", "payplan", "Note",
                                &in->note, msg, msgsize)) < 0)
        return -1;
    if ((rc = od_ck_key(body, "Guarantor", &in->guar, msg, msgsize)) < 0)
        return -1;
    in->has_guar = rc == 1;
    if (json_object_get(body, "PlanCategory")) {
        json_t *v = json_object_get(body, "PlanCategory");
        in->has_category = 1;
        if (json_is_integer(v) && json_integer_value(v) == 0)
            in->category = 0;
        else if (od_ck_key(body, "PlanCategory", &in->category, msg,
                        msgsize) < 0)
            return -1;
    }
    if (in->has_pay && in->has_count) {
        snprintf(msg, msgsize, "Please choose either Number of Payments or "
                               "Payment Amt.");
        return -1;
    }
    if (in->has_apr && in->apr > 100) {
        snprintf(msg, msgsize, "APR is invalid.");
        return -1;
    }
    return 0;
}

static int read_post(odapi_request *req, struct pin *in, char *msg,
                     size_t msgsize)
{
    json_t *b = in->body;
    int has_down;
    if (od_ck_key_req(b, "PatNum", &in->pat, msg, msgsize) ||
        read_terms(req, b, in, msg, msgsize) ||
        money_of(b, "DownPayment", &in->down, &has_down, msg, msgsize) ||
        keys_of(b, "procNums", in->procs, &in->nprocs, msg, msgsize) ||
        keys_of(b, "adjNums", in->adjs, &in->nadjs, msg, msgsize) ||
        (in->has_tpoption = name_of(b, "DynamicPayPlanTPOption", tp_names, 3,
                                    &in->tpoption, msg, msgsize)) < 0)
        return -1;
    if (!in->has_pay && !in->has_count) {
        snprintf(msg, msgsize, "PayAmt or NumberOfPayments is required.");
        return -1;
    }
    if (!in->nprocs && !in->nadjs) {
        snprintf(msg, msgsize, "procNums or adjNums is required.");
        return -1;
    }
    return 0;
}

/* SheetDefNum: a column of Open Dental 25.x's payplan only. */
static int read_put(odapi_request *req, struct pin *in, char *msg,
                    size_t msgsize)
{
    json_t *v = json_object_get(in->body, "SheetDefNum");
    if (read_terms(req, in->body, in, msg, msgsize))
        return -1;
    if (!in->has_pay && !in->has_count && !in->has_apr && !*in->date &&
        !*in->start && !*in->istart && !in->has_freq && !in->has_locked &&
        !in->has_note && !in->has_guar && !in->has_category &&
        (!v || json_is_null(v))) {
        snprintf(msg, msgsize, "No fields to update were provided.");
        return -1;
    }
    if (!v || json_is_null(v))
        return 0;
    if (!od_catalog_column(od_db_catalog(req->srv->db), "payplan",
                           "SheetDefNum")) {
        od_absent_msg(msg, msgsize, "SheetDefNum");
        return -1;
    }
    in->has_sheetdef = 1;
    if (json_is_integer(v) && json_integer_value(v) == 0)
        return 0;
    return od_ck_key(in->body, "SheetDefNum", &in->sheetdef, msg, msgsize) < 0
               ? -1
               : 0;
}

static void h_dynamic(odapi_request *req, int post)
{
    struct od_ck_job *j;
    struct pjob *w;
    char msg[160];
    if (!(j = od_ck_new_data(req, post ? work_post : work_put, 1, sizeof *w,
                             NULL)))
        return;
    w = j->data;
    if (!post && (od_parse_ll(odapi_request_segment(req, "PayPlanNum"),
                              &j->key) || j->key <= 0)) {
        od_ck_reject(j, 400, "PayPlanNum is invalid.");
        return;
    }
    if (!(w->in.body = od_ck_take_body(j))) /* the job's: freed with it */
        return;
    if (post ? read_post(req, &w->in, msg, sizeof msg)
             : read_put(req, &w->in, msg, sizeof msg)) {
        od_ck_reject(j, 400, msg);
        return;
    }
    j->res = &od_res_payplans;
    if (post) {
        j->created = 1;
        j->location = "payplans";
    }
    od_ck_submit(j);
}

static void h_post(odapi_request *req, void *arg)
{
    (void)arg;
    h_dynamic(req, 1);
}

static void h_put(odapi_request *req, void *arg)
{
    (void)arg;
    h_dynamic(req, 0);
}

/* What these routes take and answer, for GET /openapi.json
 * (engine/openapi-internal.h). */
static const struct od_opdoc dynpayplan_docs[] = {
    {"POST", "/payplans/Dynamic",
     "Create a dynamic payment plan.",
     NULL,
     "PatNum:int!,PayAmt:money,NumberOfPayments:int,procNums:ints,adjNums:ints,Guarantor:int,PayPlanDate:date,APR:number,DownPayment:money,Note:text,PlanCategory:int,ChargeFrequency:text,DatePayPlanStart:date,DateInterestStart:date,IsLocked:bool,DynamicPayPlanTPOption:text,SheetDefNum:int",
     "payplans",
     .perm = ODAPI_PERM_PAY_PLANS, .handler = h_post},
    {"PUT", "/payplans/{PayPlanNum}/Dynamic",
     "Update a dynamic payment plan.",
     NULL,
     "PayAmt:money,NumberOfPayments:int,Guarantor:int,PayPlanDate:date,APR:number,Note:text,PlanCategory:int,ChargeFrequency:text,DatePayPlanStart:date,DateInterestStart:date,IsLocked:bool,SheetDefNum:int,procNums:ints,adjNums:ints",
     "payplans",
     .perm = ODAPI_PERM_PAY_PLANS, .handler = h_put},
};

OD_CK_ROUTES(od_register_dynpayplan_actions, dynpayplan_docs)
