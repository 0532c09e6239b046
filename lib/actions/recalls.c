/* recalls.c - the recall actions (the api*.html pages; docs/resources.md
 * "Recalls"):
 *  GET /recalls/List        the Recall List (Recalls.GetRecallList)
 *  PUT /recalls/Status      a recall's status, with the commlog the Recall
 *                           List makes for it (FormRecallList)
 *  PUT /recalls/SwitchType  Prophy <-> Perio (FormRecallsPat.butPerio_Click
 *                           and Recalls.Synch)
 * Rules are Open Dental 24.3's, read from the files named at each. */
#include "engine/openapi-internal.h"
#include "actions/kit-internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum { PERM_RECALL_EDIT = 156, PERM_COMMLOG_CREATE = 193 };

#define MAX_LIST_ROWS 200000

/* ---- GET /recalls/List -------------------------------------------------- */

struct listq {
    char d0[11], d1[11];
    int have_d0, have_d1;
    long long prov, clinic;   /* clinic -1: all */
    char type[256];           /* RecallType: a recall type's Description */
    int reminded;             /* IncludeReminded */
    long long offset, limit;
};

/* The preferences the list reads (Recalls.GetRecallList, DoIncludeRecall,
 * HasTooManyReminders, GetContactFromMethod). */
struct listprefs {
    long days_past, days_future, first, second, max_rem;
    int exclude_future, no_sub_ins, use_email;
    char shown[256];          /* RecallTypesShowingInList */
};

static int take_pref(void *arg, char **v)
{
    struct listprefs *lp = arg;
    long n = atol(v[1]);
    if (!strcmp(v[0], "RecallDaysPast")) lp->days_past = n;
    else if (!strcmp(v[0], "RecallDaysFuture")) lp->days_future = n;
    else if (!strcmp(v[0], "RecallShowIfDaysFirstReminder")) lp->first = n;
    else if (!strcmp(v[0], "RecallShowIfDaysSecondReminder")) lp->second = n;
    else if (!strcmp(v[0], "RecallMaxNumberReminders"))
        lp->max_rem = *v[1] ? n : -1;
    else if (!strcmp(v[0], "RecallExcludeIfAnyFutureAppt"))
        lp->exclude_future = n == 1;
    else if (!strcmp(v[0], "BalancesDontSubtractIns")) lp->no_sub_ins = n == 1;
    else if (!strcmp(v[0], "RecallUseEmailIfHasEmailAddress"))
        lp->use_email = n == 1;
    else if (!strcmp(v[0], "RecallTypesShowingInList"))
        snprintf(lp->shown, sizeof lp->shown, "%s", v[1]);
    return 0;
}

static int read_list_prefs(struct od_conn *c, struct listprefs *lp)
{
    memset(lp, 0, sizeof *lp);
    lp->max_rem = -1;
    return od_query_each(
               c,
               "SELECT PrefName, ValueString FROM preference WHERE PrefName "
               "IN ('RecallDaysPast', 'RecallDaysFuture', "
               "'RecallShowIfDaysFirstReminder', "
               "'RecallShowIfDaysSecondReminder', "
               "'RecallMaxNumberReminders', 'RecallExcludeIfAnyFutureAppt', "
               "'BalancesDontSubtractIns', "
               "'RecallUseEmailIfHasEmailAddress', "
               "'RecallTypesShowingInList') ORDER BY PrefNum",
               NULL, 0, 2, take_pref, lp) < 0
               ? -1
               : 0;
}

/* One recall row as the list computes it. */
struct recrow {
    long long recallnum, patnum, clinic;
    char due[11], prev[11], lastrem[11], disuntil[11];
    long age, nrem, method;
    double disbal, fambal;
    char *lname, *fname, *pref, *type, *interval, *status, *note, *hm, *wk,
        *cell, *email, *guaremail;
};

struct listctx {
    struct recrow *rows;
    long n, cap;
    int oom;
    const char *today;
};

static char *dupe(const char *s)
{
    return strdup(s ? s : "");
}

static void recrow_free(struct recrow *r)
{
    free(r->lname); free(r->fname); free(r->pref); free(r->type);
    free(r->interval); free(r->status); free(r->note); free(r->hm);
    free(r->wk); free(r->cell); free(r->email); free(r->guaremail);
}

/* Columns of LIST_SQL, in order. */
static int add_recrow(void *arg, char **v)
{
    struct listctx *x = arg;
    struct recrow *r;
    if (x->n >= MAX_LIST_ROWS)
        return 1;
    if (x->n == x->cap) {
        long cap = x->cap ? x->cap * 2 : 256;
        struct recrow *nr = realloc(x->rows, (size_t)cap * sizeof *nr);
        if (!nr) {
            x->oom = 1;
            return 1;
        }
        x->rows = nr;
        x->cap = cap;
    }
    r = &x->rows[x->n];
    memset(r, 0, sizeof *r);
    r->recallnum = atoll(v[0]);
    r->patnum = atoll(v[1]);
    snprintf(r->due, sizeof r->due, "%s", v[2]);
    snprintf(r->prev, sizeof r->prev, "%s", v[3]);
    r->interval = dupe(v[4]);
    r->status = dupe(v[5]);
    r->note = dupe(v[6]);
    r->disbal = atof(v[7]);
    snprintf(r->disuntil, sizeof r->disuntil, "%s", v[8]);
    r->type = dupe(v[9]);
    r->lname = dupe(v[10]);
    r->fname = dupe(v[11]);
    r->pref = dupe(v[12]);
    r->age = atol(v[13]);
    r->hm = dupe(v[14]);
    r->wk = dupe(v[15]);
    r->cell = dupe(v[16]);
    r->email = dupe(v[17]);
    r->clinic = atoll(v[18]);
    r->method = atol(v[19]);
    r->guaremail = dupe(v[20]);
    r->fambal = atof(v[21]);
    r->nrem = atol(v[22]);
    snprintf(r->lastrem, sizeof r->lastrem, "%s", v[23]);
    x->n++;
    if (!r->lname || !r->fname || !r->pref || !r->type || !r->interval ||
        !r->status || !r->note || !r->hm || !r->wk || !r->cell ||
        !r->email || !r->guaremail) {
        x->oom = 1;
        return 1;
    }
    return 0;
}

/* The recall rows of the list's query (Recalls.GetRecallList, the RECALL
 * query): due in the range, not disabled, of a type the list shows, not
 * already scheduled, of an active patient; with the reminders sent since
 * DatePrevious (distinct days of RECALL commlogs). BalTotal less InsEst
 * unless BalancesDontSubtractIns. */
#define LIST_SQL                                                             \
    "SELECT r.RecallNum, r.PatNum, r.DateDue, r.DatePrevious, "              \
    "CONCAT(IF(r.RecallInterval >> 24, CONCAT(r.RecallInterval >> 24, "      \
    "'y'), ''), IF((r.RecallInterval >> 16) & 255, "                         \
    "CONCAT((r.RecallInterval >> 16) & 255, 'm'), ''), "                     \
    "IF((r.RecallInterval >> 8) & 255, CONCAT((r.RecallInterval >> 8) & "    \
    "255, 'w'), ''), IF(r.RecallInterval & 255, CONCAT(r.RecallInterval & "  \
    "255, 'd'), '')), COALESCE(st.ItemName, ''), r.Note, "                   \
    "r.DisableUntilBalance, r.DisableUntilDate, rt.Description, p.LName, "   \
    "p.FName, p.Preferred, IF(YEAR(p.Birthdate) < 1880, 0, "                 \
    "TIMESTAMPDIFF(YEAR, p.Birthdate, CURDATE())), p.HmPhone, p.WkPhone, "   \
    "p.WirelessPhone, p.Email, p.ClinicNum, p.PreferRecallMethod, g.Email, " \
    "g.BalTotal - IF(? = 1, 0, g.InsEst), (SELECT COUNT(DISTINCT "           \
    "DATE(c.CommDateTime)) FROM commlog c WHERE c.PatNum = r.PatNum AND "    \
    "c.CommType = (SELECT DefNum FROM definition WHERE Category = 27 AND "   \
    "ItemValue = 'RECALL' ORDER BY ItemOrder LIMIT 1) AND "                  \
    "DATE(c.CommDateTime) > r.DatePrevious), COALESCE((SELECT "              \
    "MAX(DATE(c.CommDateTime)) FROM commlog c WHERE c.PatNum = r.PatNum "    \
    "AND c.CommType = (SELECT DefNum FROM definition WHERE Category = 27 "   \
    "AND ItemValue = 'RECALL' ORDER BY ItemOrder LIMIT 1) AND "              \
    "DATE(c.CommDateTime) > r.DatePrevious), '0001-01-01') "                 \
    "FROM recall r JOIN patient p ON p.PatNum = r.PatNum JOIN patient g ON " \
    "g.PatNum = p.Guarantor JOIN recalltype rt ON rt.RecallTypeNum = "       \
    "r.RecallTypeNum LEFT JOIN definition st ON st.DefNum = r.RecallStatus " \
    "WHERE r.DateDue BETWEEN ? AND ? AND r.IsDisabled = 0 AND (? = '' OR "   \
    "FIND_IN_SET(r.RecallTypeNum, REPLACE(?, ' ', ''))) AND (? = '' OR "     \
    "rt.Description = ?) AND IF(? = 1, NOT EXISTS (SELECT 1 FROM "           \
    "appointment a WHERE a.PatNum = r.PatNum AND a.AptDateTime > CURDATE() " \
    "AND a.AptStatus = 1), r.DateScheduled = '0001-01-01') AND p.PatStatus " \
    "= 0 AND (? = 0 OR p.PriProv = ? OR p.SecProv = ?) AND (? < 0 OR "       \
    "p.ClinicNum = ?)"

/* HasTooManyReminders' date rule: the last reminder was at least days
 * ago (a list shows the patient again then). */
static int remind_due(const char *last, long days, long today)
{
    long d = od_ck_day_num(last);
    return d < 0 || d + days <= today;
}

/* DoIncludeRecall and HasTooManyReminders (Recalls.cs) for one row, with
 * showReminders All (the API's list has no such filter). */
static int include_row(const struct recrow *r, const struct listprefs *lp,
                       int reminded, long today)
{
    if (od_ck_day_num(r->disuntil) > today)
        return 0;
    if (r->disbal > 0 && r->fambal > r->disbal)
        return 0;
    if (reminded)
        return 1;
    if (r->nrem == 1 &&
        (lp->first == -1 || !remind_due(r->lastrem, lp->first, today)))
        return 0;
    if (r->nrem > 1 &&
        (lp->second == -1 || !remind_due(r->lastrem, lp->second, today)))
        return 0;
    return !(lp->max_rem > -1 && r->nrem > lp->max_rem);
}

/* RecallComparer, individual patients by DueDate: then LName (then FName
 * and RecallNum, so that equal rows keep one order). */
static int row_cmp(const void *pa, const void *pb)
{
    const struct recrow *a = pa, *b = pb;
    int c = strcmp(a->due, b->due);
    if (!c)
        c = strcmp(a->lname, b->lname);
    if (!c)
        c = strcmp(a->fname, b->fname);
    if (!c)
        c = a->recallnum < b->recallnum ? -1 : a->recallnum > b->recallnum;
    return c;
}

/* Recalls.GetContactFromMethod, not grouped by family. */
static void contact(const struct recrow *r, int use_email, char *out,
                    size_t n)
{
    switch (r->method) {
    case 2: snprintf(out, n, "Hm:%s", r->hm); break;
    case 3: snprintf(out, n, "Wk:%s", r->wk); break;
    case 4: snprintf(out, n, "Cell:%s", r->cell); break;
    case 8: snprintf(out, n, "Text:%s", r->cell); break;
    case 5: snprintf(out, n, "%s", r->email); break;
    case 7: snprintf(out, n, "Mail"); break;
    case 1: snprintf(out, n, "DoNotCall"); break;
    case 6: snprintf(out, n, "SeeNotes"); break;
    default:
        if (use_email && *r->email)
            snprintf(out, n, "%s", r->email);
        else
            snprintf(out, n, "Hm:%s", r->hm);
    }
}

/* Patients.GetNameLF(LName, FName, Preferred, ""). */
static void name_lf(const struct recrow *r, char *out, size_t n)
{
    snprintf(out, n, "%s%s%s%s%s%s%s", r->lname,
             *r->fname || *r->pref ? "," : "", *r->pref ? " '" : "", r->pref,
             *r->pref ? "'" : "", *r->fname ? " " : "", r->fname);
}

static void write_recrow(struct od_buf *b, const struct recrow *r,
                         int use_email)
{
    char d[11], big[1024];
    od_buf_adds(b, "{");
    od_ck_short_date(r->due, d);
    od_ck_str(b, 1, "DueDate", d);
    od_buf_printf(b, ",\"PatNum\":%lld", r->patnum);
    name_lf(r, big, sizeof big);
    od_ck_str(b, 0, "Patient", big);
    snprintf(big, sizeof big, "%ld", r->age);
    od_ck_str(b, 0, "Age", big);
    od_ck_str(b, 0, "Type", r->type);
    od_ck_str(b, 0, "Interval", r->interval);
    snprintf(big, sizeof big, "%ld", r->nrem);
    od_ck_str(b, 0, "NumRemind", r->nrem > 0 ? big : "");
    od_ck_short_date(r->lastrem, d);
    od_ck_str(b, 0, "LastRemind", d);
    contact(r, use_email, big, sizeof big);
    od_ck_str(b, 0, "Contact", big);
    od_ck_str(b, 0, "Status", r->status);
    od_buf_printf(b, ",\"ClinicNum\":%lld", r->clinic);
    od_ck_str(b, 0, "Note", r->note);
    od_buf_addc(b, '}');
}

static int run_list(struct od_conn *c, struct od_ck_job *j,
                    const struct listq *q, const struct listprefs *lp,
                    struct listctx *x, long today)
{
    char d0[11], d1[11];
    struct od_prm p[14];
    long i, k;
    if (q->have_d0)
        snprintf(d0, sizeof d0, "%s", q->d0);
    else
        od_ck_day_str(today - lp->days_past, d0);
    if (q->have_d1)
        snprintf(d1, sizeof d1, "%s", q->d1);
    else
        od_ck_day_str(today + lp->days_future, d1);
    p[0] = OD_PI(lp->no_sub_ins);
    p[1] = OD_PS(d0);
    p[2] = OD_PS(d1);
    p[3] = OD_PS(lp->shown);
    p[4] = OD_PS(lp->shown);
    p[5] = OD_PS(q->type);
    p[6] = OD_PS(q->type);
    p[7] = OD_PI(lp->exclude_future);
    p[8] = OD_PI(q->prov);
    p[9] = OD_PI(q->prov);
    p[10] = OD_PI(q->prov);
    p[11] = OD_PI(q->clinic);
    p[12] = OD_PI(q->clinic);
    if (od_query_each(c, LIST_SQL, p, 13, 24, add_recrow, x) < 0)
        return -1;
    if (x->oom || x->n >= MAX_LIST_ROWS)
        return od_ck_fail(j, 500, "Out of memory.");
    for (i = 0, k = 0; i < x->n; i++) /* DoIncludeRecall */
        if (include_row(&x->rows[i], lp, q->reminded, today))
            x->rows[k++] = x->rows[i];
        else
            recrow_free(&x->rows[i]);
    x->n = k;
    if (x->n > 1)
        qsort(x->rows, (size_t)x->n, sizeof *x->rows, row_cmp);
    od_buf_addc(&j->out, '[');
    for (i = q->offset, k = 0; i < x->n && k < q->limit; i++, k++) {
        if (k)
            od_buf_addc(&j->out, ',');
        write_recrow(&j->out, &x->rows[i], lp->use_email);
    }
    od_buf_addc(&j->out, ']');
    return 0;
}

static int do_list(struct od_conn *c, struct od_ck_job *j)
{
    const struct listq *q = j->data;
    struct listprefs lp;
    struct listctx x;
    char v[1][OD_COLSZ];
    long i;
    int rc;
    memset(&x, 0, sizeof x);
    if (*q->type) {
        struct od_prm p[1] = {OD_PS(q->type)};
        long long t[1];
        if ((rc = od_query_ll(c, "SELECT RecallTypeNum FROM recalltype "
                                 "WHERE Description = ?", p, 1, 1, t)) <= 0)
            return rc < 0 ? -1 : od_ck_fail(j, 400, "RecallType is invalid.");
    }
    if (read_list_prefs(c, &lp) ||
        od_query_row(c, "SELECT DATE_FORMAT(CURDATE(), '%Y-%m-%d')", NULL, 0,
                     1, v) != 1)
        return -1;
    rc = run_list(c, j, q, &lp, &x, od_ck_day_num(v[0]));
    for (i = 0; i < x.n; i++)
        recrow_free(&x.rows[i]);
    free(x.rows);
    return rc;
}

static void h_list(odapi_request *req, void *arg)
{
    struct od_ck_job *j =
        od_ck_new_data(req, do_list, 0, sizeof(struct listq), NULL);
    struct listq *q;
    const char *v;
    char msg[160];
    int rc;
    (void)arg;
    if (!j)
        return;
    q = j->data;
    q->clinic = -1;
    q->limit = 1000;
    msg[0] = '\0';
    if ((rc = od_ck_query_date(req, "DateStart", q->d0, msg, sizeof msg)) < 0 ||
        (q->have_d0 = rc, 0) ||
        (rc = od_ck_query_date(req, "DateEnd", q->d1, msg, sizeof msg)) < 0 ||
        (q->have_d1 = rc, 0) ||
        od_ck_query_key(req, "ProvNum", &q->prov, msg, sizeof msg) < 0 ||
        od_ck_query_bool(req, "IncludeReminded", &q->reminded, msg,
                      sizeof msg) < 0) {
        od_ck_reject(j, 400, msg);
        return;
    }
    if ((v = od_query_get(&req->query, "ClinicNum")) && *v &&
        (od_parse_ll(v, &q->clinic) || q->clinic < 0)) {
        od_ck_reject(j, 400, "ClinicNum is invalid.");
        return;
    }
    if ((v = od_query_get(&req->query, "RecallType")) && *v)
        snprintf(q->type, sizeof q->type, "%s", v);
    if (((v = od_query_get(&req->query, "Offset")) && *v &&
         (od_parse_ll(v, &q->offset) || q->offset < 0))) {
        od_ck_reject(j, 400, "Offset is invalid.");
        return;
    }
    od_ck_submit(j);
}

/* ---- the writes: the patient's prophy-or-perio recall ------------------- */

struct recallw {
    long long patnum;
    char type[256];          /* Status: recallType (a Description) */
    char status[256];        /* Status: RecallStatus (ItemName or DefNum) */
    int mode;                /* CommItemMode; Phone when not given */
    const char *note;        /* into the body, kept alive with it */
    json_t *body; /* the job's (od_ck_take_body) */
};

/* The patient must exist (404 as every patient route answers). */
static int patient_exists(struct od_conn *c, struct od_ck_job *j,
                          long long patnum)
{
    struct od_prm p[1] = {OD_PI(patnum)};
    long long v[1];
    int rc = od_query_ll(c, "SELECT PatNum FROM patient WHERE PatNum = ?", p,
                         1, 1, v);
    if (rc == 0)
        return od_ck_fail(j, 404, "Patient not found.");
    return rc < 0 ? -1 : 0;
}

/* The recall PUT Status changes: of recallType when given, else the
 * patient's Prophy or Perio recall (Recalls.GetRecallProphyOrPerio):
 * RecallNum and its current RecallStatus, locked. */
static int find_recall(struct od_conn *c, struct od_ck_job *j,
                       const struct recallw *w, long long *out)
{
    struct od_prm p[3] = {OD_PI(w->patnum), OD_PS(w->type), OD_PS(w->type)};
    if (*w->type) {
        long long t[1];
        struct od_prm q[1] = {OD_PS(w->type)};
        if (od_ck_need_ll(c, j, "SELECT RecallTypeNum FROM recalltype WHERE "
                                "Description = ?", q, 1, 1, t, 400,
                          "recallType is invalid."))
            return -1;
    }
    return od_ck_need_ll(c, j,
                         "SELECT r.RecallNum, r.RecallStatus FROM recall r "
                         "JOIN recalltype t ON t.RecallTypeNum = "
                         "r.RecallTypeNum WHERE r.PatNum = ? AND IF(? <> '', "
                         "t.Description = ?, r.RecallTypeNum IN ((SELECT "
                         "ValueString FROM preference WHERE PrefName = "
                         "'RecallTypeSpecialProphy'), (SELECT ValueString "
                         "FROM preference WHERE PrefName = "
                         "'RecallTypeSpecialPerio'))) ORDER BY r.RecallNum "
                         "LIMIT 1 FOR UPDATE",
                         p, 3, 2, out, 404, "Recall not found.");
}

/* RecallStatus: a Recall/Unsched Status definition (category 13), by its
 * DefNum or its ItemName; "" (or 0) is "None". */
static int status_def(struct od_conn *c, struct od_ck_job *j, const char *s,
                      long long *def, char *name)
{
    struct od_prm p[2] = {OD_PS(s), OD_PS(s)};
    char v[2][OD_COLSZ];
    int rc;
    if (!*s || strcmp(s, "0") == 0) {
        *def = 0;
        snprintf(name, OD_COLSZ, "Status None");
        return 0;
    }
    rc = od_query_row(c,
                      "SELECT DefNum, ItemName FROM definition WHERE "
                      "Category = 13 AND (CAST(DefNum AS CHAR) = ? OR "
                      "ItemName = ?) ORDER BY IsHidden, ItemOrder LIMIT 1",
                      p, 2, 2, v);
    if (rc == 0)
        return od_ck_fail(j, 400, "RecallStatus is invalid.");
    if (rc < 0)
        return -1;
    *def = atoll(v[0]);
    snprintf(name, OD_COLSZ, "%s", v[1]);
    return 0;
}

/* FormRecallList: a status change is noted in a Recall commlog (Mode
 * Phone unless commlogMode says otherwise, Sent), "{status}." plus the
 * caller's commlogNote, unless the patient has a Recall commlog today. */
static int status_commlog(struct od_conn *c, struct od_ck_job *j,
                          const struct recallw *w, const char *statusname)
{
    char note[4200];
    struct od_prm p[3];
    long long id = 0, n = 0;
    snprintf(note, sizeof note, "%s%s%s.  ", statusname,
             w->note && *w->note ? ",  " : "", w->note ? w->note : "");
    p[0] = OD_PI(w->patnum);
    p[1] = OD_PI(w->mode);
    p[2] = OD_PS(note);
    if (od_exec(c,
                "INSERT INTO commlog (PatNum, CommDateTime, CommType, Note, "
                "Mode_, SentOrReceived, UserNum, Signature, SigIsTopaz, "
                "DateTimeEnd, CommSource, ProgramNum, DateTEntry, "
                "ReferralNum, CommReferralBehavior) SELECT ?, NOW(), "
                "d.DefNum, ?, ?, 1, 0, '', 0, '0001-01-01 00:00:00', 7, 0, "
                "NOW(), 0, 0 FROM definition d WHERE d.Category = 27 AND "
                "d.ItemValue = 'RECALL' AND NOT EXISTS (SELECT 1 FROM "
                "commlog c WHERE c.PatNum = ? AND c.CommType = d.DefNum AND "
                "DATE(c.CommDateTime) = CURDATE()) ORDER BY d.ItemOrder "
                "LIMIT 1",
                (struct od_prm[]){p[0], p[2], p[1], p[0]}, 4, &n, &id))
        return -1;
    if (n == 0)
        return 0;
    return od_securitylog(c, PERM_COMMLOG_CREATE, j->developer, "Created",
                          id, w->patnum);
}

static int do_status(struct od_conn *c, struct od_ck_job *j)
{
    struct recallw *w = j->data;
    long long rec[2], def = 0;
    char name[OD_COLSZ];
    struct od_prm p[2];
    if (patient_exists(c, j, w->patnum) || find_recall(c, j, w, rec) ||
        status_def(c, j, w->status, &def, name))
        return -1;
    if (def == rec[1])
        return 0; /* Recalls.UpdateStatus: nothing to change */
    p[0] = OD_PI(def);
    p[1] = OD_PI(rec[0]);
    if (od_exec(c, "UPDATE recall SET RecallStatus = ? WHERE RecallNum = ?",
                p, 2, NULL, NULL) ||
        od_securitylog(c, PERM_RECALL_EDIT, j->developer, "Updated", rec[0],
                       w->patnum))
        return -1;
    return status_commlog(c, j, w, name);
}

/* ---- PUT /recalls/SwitchType -------------------------------------------- */

/* A date plus an Interval (years << 24 | months << 16 | weeks << 8 |
 * days), as Open Dental adds one (DateTime + Interval). */
#define PLUS_INTERVAL(d, i)                                                  \
    d " + INTERVAL (" i " >> 24) YEAR + INTERVAL ((" i " >> 16) & 255) "    \
    "MONTH + INTERVAL (((" i " >> 8) & 255) * 7 + (" i " & 255)) DAY"

/* Recalls.Synch for the prophy-or-perio recall: DatePrevious is the
 * latest completed (C, EC, EO) Prophy or Perio trigger; when it moved, the
 * status and note start over; DateDue follows DateDueCalc unless the
 * office set its own; a disabled recall has no DateDue. Nothing when the
 * patient has no trigger procedure or is not an active patient. */
static int synch_special(struct od_conn *c, long long recallnum)
{
    struct od_prm p[1] = {OD_PI(recallnum)};
    return od_exec(
        c,
        "UPDATE recall r JOIN patient pt ON pt.PatNum = r.PatNum AND "
        "pt.PatStatus = 0 JOIN (SELECT MAX(l.ProcDate) AS prev FROM recall "
        "r2 JOIN procedurelog l ON l.PatNum = r2.PatNum AND l.ProcStatus IN "
        "(2, 3, 4) JOIN recalltrigger t ON t.CodeNum = l.CodeNum AND "
        "t.RecallTypeNum IN ((SELECT ValueString FROM preference WHERE "
        "PrefName = 'RecallTypeSpecialProphy'), (SELECT ValueString FROM "
        "preference WHERE PrefName = 'RecallTypeSpecialPerio')) WHERE "
        "r2.RecallNum = ?) x ON x.prev IS NOT NULL SET "
        "r.RecallStatus = IF(r.IsDisabled = 0 AND r.DisableUntilBalance = 0 "
        "AND r.DisableUntilDate < '1880-01-01' AND x.prev <> r.DatePrevious, "
        "0, r.RecallStatus), "
        "r.Note = IF(r.IsDisabled = 0 AND r.DisableUntilBalance = 0 AND "
        "r.DisableUntilDate < '1880-01-01' AND x.prev <> r.DatePrevious, '', "
        "r.Note), "
        "r.DateDue = IF(r.IsDisabled = 1, '0001-01-01', IF(r.DateDue = "
        "r.DateDueCalc OR r.DateDue < '1880-01-01' OR (r.DisableUntilBalance "
        "= 0 AND r.DisableUntilDate < '1880-01-01' AND x.prev <> "
        "r.DatePrevious), " PLUS_INTERVAL("x.prev", "r.RecallInterval")
        ", r.DateDue)), "
        "r.DateDueCalc = " PLUS_INTERVAL("x.prev", "r.RecallInterval") ", "
        "r.DatePrevious = x.prev WHERE r.RecallNum = ?",
        (struct od_prm[]){p[0], p[0]}, 2, NULL, NULL);
}

#define RECALL_OF_TYPE                                                       \
    "SELECT RecallNum FROM recall WHERE PatNum = ? AND RecallTypeNum = ? "   \
    "ORDER BY RecallNum LIMIT 1 FOR UPDATE"

/* The recall (0: a new one) becomes of type, with its default interval,
 * then is synchronised. */
static int switch_to(struct od_conn *c, struct od_ck_job *j, long long patnum,
                     long long recallnum, long long type)
{
    struct od_prm p[3] = {OD_PI(type), OD_PI(type), OD_PI(recallnum)};
    const char *verb = "Updated";
    if (recallnum) {
        if (od_exec(c, "UPDATE recall SET RecallTypeNum = ?, RecallInterval "
                       "= (SELECT DefaultInterval FROM recalltype WHERE "
                       "RecallTypeNum = ?) WHERE RecallNum = ?",
                    p, 3, NULL, NULL))
            return -1;
    } else {
        p[0] = OD_PI(patnum);
        p[1] = OD_PI(type);
        p[2] = OD_PI(type);
        if (od_exec(c,
                    "INSERT INTO recall (PatNum, DateDueCalc, DateDue, "
                    "DatePrevious, RecallInterval, RecallStatus, Note, "
                    "IsDisabled, RecallTypeNum, DisableUntilBalance, "
                    "DisableUntilDate, DateScheduled, Priority, "
                    "TimePatternOverride) SELECT ?, '0001-01-01', "
                    "'0001-01-01', '0001-01-01', DefaultInterval, 0, '', 0, "
                    "?, 0, '0001-01-01', '0001-01-01', 0, '' FROM recalltype "
                    "WHERE RecallTypeNum = ?",
                    p, 3, NULL, &recallnum))
            return -1;
        verb = "Created";
    }
    if (od_securitylog(c, PERM_RECALL_EDIT, j->developer, verb, recallnum,
                       patnum))
        return -1;
    return synch_special(c, recallnum) ? -1 : 0;
}

/* FormRecallsPat.butPerio_Click: both special types must exist and have a
 * trigger; a Perio patient's Perio recall becomes Prophy, else a Prophy
 * recall becomes Perio (or a Perio recall is added), with the new type's
 * interval; then Recalls.Synch. */
static int do_switch(struct od_conn *c, struct od_ck_job *j)
{
    struct recallw *w = j->data;
    struct od_prm p[3];
    long long t[4], r[1];
    int rc;
    if (patient_exists(c, j, w->patnum))
        return -1;
    rc = od_query_ll(c,
                     "SELECT pr.RecallTypeNum, pe.RecallTypeNum, (SELECT "
                     "COUNT(*) FROM recalltrigger WHERE RecallTypeNum = "
                     "pr.RecallTypeNum), (SELECT COUNT(*) FROM recalltrigger "
                     "WHERE RecallTypeNum = pe.RecallTypeNum) FROM "
                     "recalltype pr JOIN recalltype pe ON pe.RecallTypeNum = "
                     "(SELECT ValueString FROM preference WHERE PrefName = "
                     "'RecallTypeSpecialPerio') WHERE pr.RecallTypeNum = "
                     "(SELECT ValueString FROM preference WHERE PrefName = "
                     "'RecallTypeSpecialProphy')",
                     NULL, 0, 4, t);
    if (rc < 0)
        return -1;
    if (rc == 0 || !t[2] || !t[3])
        return od_ck_fail(j, 400, "Prophy and Perio special recall types are "
                               "not setup properly.  They must both exist, "
                               "and they must both have a trigger.");
    p[0] = OD_PI(w->patnum);
    p[1] = OD_PI(t[1]);
    if ((rc = od_query_ll(c, RECALL_OF_TYPE, p, 2, 1, r)) < 0)
        return -1;
    if (rc == 1) /* a Perio patient: back to Prophy */
        return switch_to(c, j, w->patnum, r[0], t[0]);
    p[1] = OD_PI(t[0]);
    if ((rc = od_query_ll(c, RECALL_OF_TYPE, p, 2, 1, r)) < 0)
        return -1;
    return switch_to(c, j, w->patnum, rc == 1 ? r[0] : 0, t[1]);
}

/* ---- handlers ----------------------------------------------------------- */

/* A recall PUT's job, its recallw holding the body and its PatNum; NULL
 * after answering. */
static struct od_ck_job *recall_job(odapi_request *req, od_ck_work_fn work)
{
    struct od_ck_job *j =
        od_ck_new_data(req, work, 1, sizeof(struct recallw), NULL);
    struct recallw *w;
    char msg[160];
    if (!j)
        return NULL;
    w = j->data;
    /* apiimplementation.html: Recalls PUT Status answers no body */
    j->no_body = 1;
    if (!(w->body = od_ck_take_body(j))) /* the job's: freed with it */
        return NULL;
    if (od_ck_key_req(w->body, "PatNum", &w->patnum, msg, sizeof msg)) {
        od_ck_reject(j, 400, msg);
        return NULL;
    }
    return j;
}

static void h_status(odapi_request *req, void *arg)
{
    struct od_ck_job *j = recall_job(req, do_status);
    struct recallw *w;
    json_t *v;
    char msg[160];
    const char *s;
    (void)arg;
    if (!j)
        return;
    w = j->data;
    w->mode = 3; /* Phone: FormRecallList's default */
    if ((v = json_object_get(w->body, "recallType")) && !json_is_null(v)) {
        if (!json_is_string(v) ||
            strlen(json_string_value(v)) >= sizeof w->type) {
            od_ck_reject(j, 400, "recallType is invalid.");
            return;
        }
        snprintf(w->type, sizeof w->type, "%s", json_string_value(v));
    }
    v = json_object_get(w->body, "RecallStatus");
    if (!v || json_is_null(v)) {
        od_ck_reject(j, 400, "RecallStatus is required.");
        return;
    }
    if (json_is_integer(v))
        snprintf(w->status, sizeof w->status, "%" JSON_INTEGER_FORMAT,
                 json_integer_value(v));
    else if (json_is_string(v) && strlen(json_string_value(v)) < 256)
        snprintf(w->status, sizeof w->status, "%s", json_string_value(v));
    else {
        od_ck_reject(j, 400, "RecallStatus is invalid.");
        return;
    }
    if ((v = json_object_get(w->body, "commlogMode")) && !json_is_null(v) &&
        (!json_is_string(v) ||
         (w->mode = od_enum_value(&od_enum_commmode,
                                  json_string_value(v))) < 0)) {
        od_ck_reject(j, 400, "commlogMode is invalid.");
        return;
    }
    if (od_ck_text(req, w->body, "commlogNote", "commlog", "Note", &s, msg,
                sizeof msg) < 0) {
        od_ck_reject(j, 400, msg);
        return;
    }
    w->note = json_object_get(w->body, "commlogNote") &&
                      json_is_string(json_object_get(w->body, "commlogNote"))
                  ? json_string_value(json_object_get(w->body, "commlogNote"))
                  : NULL;
    od_ck_submit(j);
}

static void h_switch(odapi_request *req, void *arg)
{
    struct od_ck_job *j = recall_job(req, do_switch);
    (void)arg;
    if (j)
        od_ck_submit(j);
}

/* What these routes take and answer, for GET /openapi.json
 * (engine/openapi-internal.h). */
static const struct od_opdoc recall_docs[] = {
    {"GET", "/recalls/List",
     "The Recall List.",
     "DateStart:date,DateEnd:date,ProvNum:int,ClinicNum:int,RecallType:text,IncludeReminded:bool,Offset:int",
     NULL,
     NULL,
     .perm = ODAPI_PERM_READ_ALL, .handler = h_list},
    {"PUT", "/recalls/Status",
     "Set a patient's recall status, optionally with a commlog.",
     NULL,
     "PatNum:int!,recallType:text,RecallStatus:text,commlogMode:text,commlogNote:text",
     NULL,
     .perm = ODAPI_PERM_COMM, .handler = h_status},
    {"PUT", "/recalls/SwitchType",
     "Switch a patient's recall type.",
     NULL,
     "PatNum:int!",
     NULL,
     .perm = ODAPI_PERM_ALL_OTHERS, .handler = h_switch},
};

OD_CK_ROUTES(od_register_recall_actions, recall_docs)
