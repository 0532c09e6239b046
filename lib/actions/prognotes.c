/* prognotes.c - GET /chartmodules/{PatNum}/ProgNotes (the api*.html pages):
 * the chart module's progress notes as ChartModules.GetProgNotes (24.3)
 * builds them with every filter on (new ChartModuleFilters()), not in
 * audit mode: procedures (not deleted unless locked), the family's and
 * super family's commlogs, Rx, lab cases, the family's tasks, every
 * appointment, emails (not Direct acknowledgements) and sheets (not Rx or
 * lab slips, not deleted). Sorted as CompareChartRowsProper: by date,
 * then appointments, procedures (CompareProcedures: status, priority,
 * tooth range, tooth, code), commlogs and tasks, emails, lab cases, Rx,
 * sheets, then by time; a Canadian lab fee right after its procedure.
 * Dates and times are written as Open Dental writes them in en-US (the
 * API documentation's examples). docs/resources.md says what is left. */
#include "engine/openapi-internal.h"
#include "actions/kit-internal.h"
#include "db/catalog-internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ROWS 100000
#define PAGE 1000

enum { K_APT, K_PROC, K_COMM, K_EMAIL, K_LAB, K_RX, K_SHEET };

enum { F_DATE, F_TIME, F_DATETIME, F_TH, F_SURF, F_DX, F_DESC, F_NOTE,
       F_STAT, F_PROV, F_PROVNUM, F_AMOUNT, F_CODE, F_USER, F_SIGNED,
       F_LENGTH, F_ABBR, F_CLINIC, F_CLINICNUM, F_N };

static const char *const wire_names[F_N] = {
    "Date", "Time", "DateTime", "Th", "Surf", "Dx", "Description", "note",
    "Stat", "Prov", "ProvNum", "Amount", "ProcCode", "User", "Signed",
    "Length", "Abbr", "Clinic", "ClinicNum"};

struct pnrow {
    int kind;
    const char *otype;
    long long pk;
    long day;             /* ProcDate's date: days since 1970; MinValue low */
    long secs;            /* and its time */
    /* CompareProcedures */
    int stat_idx;
    long prio;            /* the priority definition's order; 0: none */
    long tooth;
    long long lab;        /* ProcNumLab: a Canadian lab fee's procedure */
    char *range, *code, *pkstr;
    char *f[F_N];
};

struct pnctx {
    struct pnrow *rows;
    long n, cap;
    int oom;
    long long patnum;
    const char *today;
};

static void row_free(struct pnrow *r)
{
    int i;
    for (i = 0; i < F_N; i++)
        free(r->f[i]);
    free(r->range);
    free(r->code);
    free(r->pkstr);
}

static struct pnrow *new_row(struct pnctx *x, int kind, const char *otype,
                             const char *pk)
{
    struct pnrow *r;
    int i;
    if (x->oom || x->n >= MAX_ROWS) {
        x->oom = 1;
        return NULL;
    }
    if (x->n == x->cap) {
        long cap = x->cap ? x->cap * 2 : 128;
        struct pnrow *nr = realloc(x->rows, (size_t)cap * sizeof *nr);
        if (!nr) {
            x->oom = 1;
            return NULL;
        }
        x->rows = nr;
        x->cap = cap;
    }
    r = &x->rows[x->n++];
    memset(r, 0, sizeof *r);
    r->kind = kind;
    r->otype = otype;
    r->pk = atoll(pk);
    r->pkstr = strdup(pk);
    r->range = strdup("");
    r->code = strdup("");
    for (i = 0; i < F_N; i++)
        r->f[i] = strdup("");
    if (!r->pkstr || !r->range || !r->code)
        x->oom = 1;
    for (i = 0; i < F_N; i++)
        if (!r->f[i])
            x->oom = 1;
    return r;
}

static void set(struct pnctx *x, struct pnrow *r, int f, const char *v)
{
    char *s = strdup(v ? v : "");
    if (!s) {
        x->oom = 1;
        return;
    }
    free(r->f[f]);
    r->f[f] = s;
}

/* ---- Open Dental's en-US formats ---------------------------------------- */

/* "yyyy-MM-dd HH:mm:ss" (or a date) into parts; 0 when before 1880. */
static int parts(const char *dt, int *y, int *mo, int *d, int *h, int *mi,
                 int *s)
{
    *h = *mi = *s = 0;
    if (sscanf(dt, "%4d-%2d-%2d %2d:%2d:%2d", y, mo, d, h, mi, s) < 3)
        return 0;
    return *y >= 1880;
}

/* Lans.GetShortDateTimeFormat() in en-US: "MM/dd/yyyy"; "" before 1880. */
static void fmt_date(const char *dt, char *out, size_t n)
{
    int y, mo, d, h, mi, s;
    out[0] = '\0';
    if (parts(dt, &y, &mo, &d, &h, &mi, &s))
        snprintf(out, n, "%02d/%02d/%04d", mo, d, y);
}

/* dateT.ToString("h:mm")+"%t" lower-cased ("1:20p"); "" at midnight. */
static void fmt_time(const char *dt, char *out, size_t n)
{
    int y = 0, mo, d, h, mi, s;
    out[0] = '\0';
    parts(dt, &y, &mo, &d, &h, &mi, &s);
    if (h || mi || s)
        snprintf(out, n, "%d:%02d%c", h % 12 ? h % 12 : 12, mi,
                 h < 12 ? 'a' : 'p');
}

/* DateTime.ToString() in en-US: "M/d/yyyy h:mm:ss AM". */
static void fmt_general(const char *dt, char *out, size_t n)
{
    int y = 1, mo = 1, d = 1, h = 0, mi = 0, s = 0;
    if (sscanf(dt, "%4d-%2d-%2d %2d:%2d:%2d", &y, &mo, &d, &h, &mi, &s) < 3 ||
        y < 1)
        y = mo = d = 1;
    snprintf(out, n, "%d/%d/%04d %d:%02d:%02d %s", mo, d, y,
             h % 12 ? h % 12 : 12, mi, s, h < 12 ? "AM" : "PM");
}

/* DateTime.ToShortTimeString() in en-US: "h:mm AM". */
static void fmt_short_time(const char *dt, char *out, size_t n)
{
    int y = 0, mo, d, h, mi, s;
    parts(dt, &y, &mo, &d, &h, &mi, &s);
    snprintf(out, n, "%d:%02d %s", h % 12 ? h % 12 : 12, mi,
             h < 12 ? "AM" : "PM");
}

/* TimeSpan.ToStringHmm(): "H:mm". */
static void fmt_hmm(long minutes, char *out, size_t n)
{
    snprintf(out, n, "%ld:%02ld", minutes / 60, minutes % 60);
}

/* The row's ProcDate and the Date/Time/DateTime fields from dt; date_only
 * writes Date only for dates (Rx: PIn.Date). */
static void set_when(struct pnctx *x, struct pnrow *r, const char *dt,
                     int with_time)
{
    char b[64];
    int y = 1, mo = 1, d = 1, h = 0, mi = 0, s = 0;
    if (sscanf(dt, "%4d-%2d-%2d %2d:%2d:%2d", &y, &mo, &d, &h, &mi, &s) < 3)
        y = mo = d = 1;
    r->day = od_ck_day_num(dt);
    if (r->day < 0)
        r->day = -1000000; /* DateTime.MinValue first */
    r->secs = h * 3600L + mi * 60L + s;
    fmt_date(dt, b, sizeof b);
    set(x, r, F_DATE, b);
    if (with_time) {
        fmt_time(dt, b, sizeof b);
        set(x, r, F_TIME, b);
    }
    fmt_general(dt, b, sizeof b);
    set(x, r, F_DATETIME, b);
}

/* ---- procedures --------------------------------------------------------- */

static const char *const procstat[] = {"", "TP", "C", "EC", "EO", "R", "D",
                                       "Cn", "TPi"};
/* CompareProcedures' status order: TPi, Cn, TP, R, EO, C, EC, D */
static const int stat_order[] = {0, 2, 5, 6, 4, 3, 7, 1, 0};

#define PROC_SQL                                                             \
    "SELECT l.ProcNum, DATE_FORMAT(l.ProcDate, '%Y-%m-%d'), l.ToothNum, "    \
    "l.Surf, COALESCE(dx.ItemValue, ''), IF(COALESCE(pc.LaymanTerm, '') = "  \
    "'', COALESCE(pc.Descript, ''), pc.LaymanTerm), l.ToothRange, "          \
    "l.ProcStatus, l.IsLocked, COALESCE(pv.Abbr, ''), COALESCE(pv.ProvNum, " \
    "''), l.ProcFee, l.UnitQty + l.BaseUnits, COALESCE(pc.ProcCode, ''), "   \
    "COALESCE(n.Note, ''), COALESCE(u.UserName, ''), COALESCE(n.Signature " \
    "<> '', 0), COALESCE(pc.AbbrDesc, ''), COALESCE(cl.Description, ''), "   \
    "l.ClinicNum, IF(l.Priority = 0, 0, COALESCE(pr.ItemOrder, 0) + 1), "    \
    "l.ProcNumLab, TIME_FORMAT(l.ProcTime, '%H:%i:%s') FROM procedurelog l " \
    "LEFT JOIN procedurecode pc ON pc.CodeNum = l.CodeNum LEFT JOIN "        \
    "provider pv ON pv.ProvNum = l.ProvNum LEFT JOIN definition dx ON "      \
    "dx.DefNum = l.Dx AND dx.Category = 16 LEFT JOIN definition pr ON "      \
    "pr.DefNum = l.Priority AND pr.Category = 20 LEFT JOIN clinic cl ON "    \
    "cl.ClinicNum = l.ClinicNum LEFT JOIN procnote n ON n.ProcNoteNum = "    \
    "(SELECT n2.ProcNoteNum FROM procnote n2 WHERE n2.ProcNum = l.ProcNum "  \
    "ORDER BY n2.EntryDateTime DESC, n2.ProcNoteNum DESC LIMIT 1) LEFT JOIN " \
    "userod u ON u.UserNum = n.UserNum WHERE l.PatNum = ? AND "              \
    "(l.ProcStatus <> 6 OR l.IsLocked = 1) ORDER BY l.ProcDate, l.ProcNum"

static int add_proc(void *arg, char **v)
{
    struct pnctx *x = arg;
    struct pnrow *r = new_row(x, K_PROC, "Procedure", v[0]);
    char b[600], when[32];
    long st = atol(v[7]), qty = atol(v[12]);
    double fee = atof(v[11]);
    int invalid = st == 6 && strcmp(v[8], "0") != 0;
    if (!r)
        return 1;
    snprintf(when, sizeof when, "%.10s %.8s", v[1], v[22]);
    set_when(x, r, v[1], 0);
    fmt_time(when, b, sizeof b); /* ProcTime: "" at midnight */
    set(x, r, F_TIME, b);
    set(x, r, F_TH, v[2]);
    set(x, r, F_SURF, v[3]);
    set(x, r, F_DX, v[4]);
    snprintf(b, sizeof b, "%s%s%s%s", invalid ? "-invalid- " : "", v[5],
             *v[6] ? " #" : "", v[6]);
    set(x, r, F_DESC, b);
    set(x, r, F_STAT, invalid ? "Invalid"
                      : st >= 0 && st <= 8 ? procstat[st] : "");
    set(x, r, F_PROV, v[9]);
    set(x, r, F_PROVNUM, v[10]);
    snprintf(b, sizeof b, "%.2f", qty > 0 ? fee * (double)qty : fee);
    set(x, r, F_AMOUNT, b);
    set(x, r, F_CODE, v[13]);
    set(x, r, F_NOTE, v[14]);
    set(x, r, F_USER, v[15]);
    set(x, r, F_SIGNED, strcmp(v[16], "1") == 0 ? "Signed" : "");
    set(x, r, F_ABBR, v[17]);
    set(x, r, F_CLINIC, v[18]);
    set(x, r, F_CLINICNUM, v[19]);
    r->stat_idx = st >= 0 && st <= 8 ? stat_order[st] : 0;
    r->prio = atol(v[20]);
    r->tooth = atol(v[2]);
    r->lab = atoll(v[21]);
    free(r->range);
    free(r->code);
    r->range = strdup(v[6]);
    r->code = strdup(v[13]);
    if (!r->range || !r->code)
        x->oom = 1;
    if (r->lab) { /* a Canadian lab fee: "^ ^ " before its description */
        snprintf(b, sizeof b, "^ ^ %s", r->f[F_DESC]);
        set(x, r, F_DESC, b);
    }
    return x->oom;
}

/* ---- commlogs (the family's and the super family's) --------------------- */

static int add_comm(void *arg, char **v)
{
    struct pnctx *x = arg;
    struct pnrow *r = new_row(x, K_COMM, "Commlog", v[0]);
    char b[600];
    if (!r)
        return 1;
    set_when(x, r, v[1], 1);
    if (atoll(v[4]) == x->patnum)
        b[0] = '\0';
    else
        snprintf(b, 300, "(%s) ", *v[5] ? v[5] : v[6]);
    snprintf(b + strlen(b), sizeof b - strlen(b), "Comm - %s", v[7]);
    set(x, r, F_DESC, b);
    set(x, r, F_NOTE, v[8]);
    set(x, r, F_USER, v[9]);
    set(x, r, F_SIGNED, strcmp(v[10], "1") == 0 ? "Signed" : "");
    if (od_ck_day_num(v[2]) >= 0) { /* DateTimeEnd: the length */
        fmt_hmm(atol(v[3]), b, sizeof b);
        set(x, r, F_LENGTH, b);
    }
    set(x, r, F_CLINICNUM, "0");
    return x->oom;
}

#define COMM_SQL_OF(SUPER)                                                   \
    "SELECT c.CommlogNum, DATE_FORMAT(c.CommDateTime, '%Y-%m-%d "            \
    "%H:%i:%s'), DATE_FORMAT(c.DateTimeEnd, '%Y-%m-%d'), TIMESTAMPDIFF("     \
    "MINUTE, c.CommDateTime, c.DateTimeEnd), c.PatNum, p1.FName, p1.LName, " \
    "COALESCE(d.ItemName, ''), c.Note, COALESCE(u.UserName, ''), "           \
    "c.Signature <> '' FROM commlog c JOIN patient p1 ON p1.PatNum = "       \
    "c.PatNum JOIN patient p2 ON p2.PatNum = ? AND (p1.Guarantor = "         \
    "p2.Guarantor" SUPER ") LEFT JOIN definition d ON d.DefNum = "           \
    "c.CommType AND d.Category = 27 LEFT JOIN userod u ON u.UserNum = "      \
    "c.UserNum ORDER BY c.CommDateTime, c.CommlogNum"
#define COMM_SQL                                                             \
    COMM_SQL_OF(" OR (p1.SuperFamily > 0 AND p1.SuperFamily = "              \
                "p2.SuperFamily)")
/* a database without patient.SuperFamily: the family's only */
#define COMM_SQL_FAMILY COMM_SQL_OF("")

/* ---- Rx ----------------------------------------------------------------- */

static int add_rx(void *arg, char **v)
{
    struct pnctx *x = arg;
    struct pnrow *r = new_row(x, K_RX, "Rx", v[0]);
    char b[800];
    if (!r)
        return 1;
    set_when(x, r, v[1], 0); /* PIn.Date: no time */
    snprintf(b, sizeof b, "Rx - %s - #%s%s%s", v[2], v[3],
             strcmp(v[7], "0") ? "\r\n" : "", strcmp(v[7], "0") ? v[6] : "");
    set(x, r, F_DESC, b);
    set(x, r, F_NOTE, v[5]);
    set(x, r, F_PROV, v[8]);
    set(x, r, F_PROVNUM, v[4]);
    set(x, r, F_CLINICNUM, "0");
    return x->oom;
}

#define RX_SQL                                                               \
    "SELECT r.RxNum, DATE_FORMAT(r.RxDate, '%Y-%m-%d'), r.Drug, r.Disp, "    \
    "r.ProvNum, r.Notes, COALESCE(ph.StoreName, ''), r.PharmacyNum, "        \
    "COALESCE(pv.Abbr, '') FROM rxpat r LEFT JOIN pharmacy ph ON "           \
    "ph.PharmacyNum = r.PharmacyNum LEFT JOIN provider pv ON pv.ProvNum = "  \
    "r.ProvNum WHERE r.PatNum = ? ORDER BY r.RxDate, r.RxNum"

/* ---- lab cases ---------------------------------------------------------- */

static int add_lab(void *arg, char **v)
{
    static const char *const dow[] = {"Thu", "Fri", "Sat", "Sun", "Mon",
                                      "Tue", "Wed"};
    struct pnctx *x = arg;
    struct pnrow *r = new_row(x, K_LAB, "LabCase", v[0]);
    char b[1200], d[16], t[16];
    long due = od_ck_day_num(v[4]);
    if (!r)
        return 1;
    set_when(x, r, v[1], 1);
    snprintf(b, sizeof b, "LabCase - %s %s", v[2], v[3]);
    if (due >= 0) {
        od_ck_short_date(v[4], d);
        fmt_short_time(v[4], t, sizeof t);
        snprintf(b + strlen(b), sizeof b - strlen(b), "\r\nDue %s %s %s",
                 dow[((due % 7) + 7) % 7], d, t);
    }
    if (od_ck_day_num(v[5]) >= 0)
        strcat(b, "\r\nQuality Checked");
    else if (od_ck_day_num(v[6]) >= 0)
        strcat(b, "\r\nReceived");
    else if (od_ck_day_num(v[7]) >= 0)
        strcat(b, "\r\nSent");
    set(x, r, F_DESC, b);
    set(x, r, F_NOTE, v[8]);
    set(x, r, F_CLINICNUM, "0");
    return x->oom;
}

#define LAB_SQL                                                              \
    "SELECT lc.LabCaseNum, DATE_FORMAT(lc.DateTimeCreated, '%Y-%m-%d "       \
    "%H:%i:%s'), lb.Description, lb.Phone, DATE_FORMAT(lc.DateTimeDue, "     \
    "'%Y-%m-%d %H:%i:%s'), DATE_FORMAT(lc.DateTimeChecked, '%Y-%m-%d'), "    \
    "DATE_FORMAT(lc.DateTimeRecd, '%Y-%m-%d'), DATE_FORMAT(lc.DateTimeSent, " \
    "'%Y-%m-%d'), lc.Instructions FROM labcase lc JOIN laboratory lb ON "    \
    "lb.LaboratoryNum = lc.LaboratoryNum WHERE lc.PatNum = ? ORDER BY "      \
    "lc.DateTimeCreated, lc.LabCaseNum"

/* ---- tasks (the family's, on a patient or one of its appointments) ------ */

struct tasknotes {
    struct od_buf *b;
};

static int add_tasknote(void *arg, char **v)
{
    struct tasknotes *t = arg;
    char d[16], tm[16];
    od_ck_short_date(v[1], d);
    fmt_short_time(v[1], tm, sizeof tm);
    od_buf_printf(t->b, "\r\n==%s - %s %s - %s", v[0], d, tm, v[2]);
    return 0;
}

static int add_task(void *arg, char **v)
{
    struct pnctx *x = arg;
    struct pnrow *r = new_row(x, K_COMM, "Task", v[0]);
    char b[1200], d[16];
    if (!r)
        return 1;
    if (od_ck_day_num(v[1]) >= 0) {
        set_when(x, r, v[1], 1);
    } else { /* no DateTask: DateTimeEntry, its date ToShortDateString() */
        set_when(x, r, v[2], 1);
        od_ck_short_date(v[2], d);
        set(x, r, F_DATE, d);
    }
    snprintf(b, sizeof b, "%s%s%s%sTask - In List: %s",
             atoll(v[8]) != x->patnum ? "(" : "",
             atoll(v[8]) != x->patnum ? v[7] : "",
             atoll(v[8]) != x->patnum ? ") " : "",
             strcmp(v[3], "2") == 0 ? "Completed " : "", v[4]);
    set(x, r, F_DESC, b);
    /* the note: "{user} - " unless the description starts "==", then the
     * description, then its task notes */
    snprintf(b, sizeof b, "%s%s%s",
             strncmp(v[5], "==", 2) != 0 && *v[6] ? v[6] : "",
             strncmp(v[5], "==", 2) != 0 && *v[6] ? " - " : "", v[5]);
    set(x, r, F_NOTE, b);
    set(x, r, F_CLINICNUM, "0");
    return x->oom;
}

/* TaskLists.GetFullPath, up to four levels of parents. */
#define TASK_SQL                                                             \
    "SELECT t.TaskNum, DATE_FORMAT(t.DateTask, '%Y-%m-%d %H:%i:%s'), "       \
    "DATE_FORMAT(t.DateTimeEntry, '%Y-%m-%d %H:%i:%s'), t.TaskStatus, "      \
    "COALESCE(CONCAT_WS('/', l4.Descript, l3.Descript, l2.Descript, "        \
    "l1.Descript), ''), t.Descript, COALESCE(u.UserName, ''), fp.FName, "    \
    "fp.PatNum FROM task t LEFT JOIN appointment a ON t.ObjectType = 2 AND " \
    "a.AptNum = t.KeyNum JOIN patient fp ON fp.PatNum = IF(t.ObjectType = "  \
    "1, t.KeyNum, a.PatNum) JOIN patient pat ON pat.PatNum = ? AND "         \
    "fp.Guarantor = pat.Guarantor LEFT JOIN tasklist l1 ON l1.TaskListNum "  \
    "= t.TaskListNum LEFT JOIN tasklist l2 ON l2.TaskListNum = l1.Parent "   \
    "LEFT JOIN tasklist l3 ON l3.TaskListNum = l2.Parent LEFT JOIN "         \
    "tasklist l4 ON l4.TaskListNum = l3.Parent LEFT JOIN userod u ON "       \
    "u.UserNum = t.UserNum WHERE t.ObjectType IN (1, 2) ORDER BY "           \
    "t.DateTimeEntry, t.TaskNum"

/* Each task's notes appended to its note (TaskNotes.RefreshForTasks). */
static int task_notes(struct od_conn *c, struct pnctx *x)
{
    long i;
    for (i = 0; i < x->n && !x->oom; i++) {
        struct pnrow *r = &x->rows[i];
        struct od_buf b;
        struct tasknotes t;
        struct od_prm p[1] = {OD_PI(r->pk)};
        if (strcmp(r->otype, "Task") != 0)
            continue;
        od_buf_init(&b);
        od_buf_adds(&b, r->f[F_NOTE]);
        t.b = &b;
        if (od_query_each(c,
                          "SELECT COALESCE(u.UserName, ''), DATE_FORMAT("
                          "n.DateTimeNote, '%Y-%m-%d %H:%i:%s'), n.Note FROM "
                          "tasknote n LEFT JOIN userod u ON u.UserNum = "
                          "n.UserNum WHERE n.TaskNum = ? ORDER BY "
                          "n.DateTimeNote, n.TaskNoteNum",
                          p, 1, 3, add_tasknote, &t) < 0) {
            od_buf_free(&b);
            return -1;
        }
        if (b.oom)
            x->oom = 1;
        else
            set(x, r, F_NOTE, b.p ? b.p : "");
        od_buf_free(&b);
    }
    return 0;
}

/* ---- appointments ------------------------------------------------------- */

static int add_apt(void *arg, char **v)
{
    struct pnctx *x = arg;
    struct pnrow *r = new_row(x, K_APT, "Appointment", v[0]);
    char b[1200], t[48];
    long st = atol(v[2]);
    if (!r)
        return 1;
    set_when(x, r, v[1], 1);
    fmt_short_time(v[1], t, sizeof t);
    if (st == 5)
        snprintf(b, sizeof b, "BROKEN Appointment - %s\r\n%s", t, v[3]);
    else if (st == 3)
        snprintf(b, sizeof b, "UNSCHEDULED Appointment - %s\r\n%s", t, v[3]);
    else if (st == 6)
        snprintf(b, sizeof b, "PLANNED Appointment\r\n%s", v[3]);
    else if (st == 7)
        snprintf(b, sizeof b, "*** Patient NOTE  *** - %s", t);
    else if (st == 8)
        snprintf(b, sizeof b, "** Complete Patient NOTE ** - %s", t);
    else
        snprintf(b, sizeof b, "Appointment - %s\r\n%s", t, v[3]);
    set(x, r, F_DESC, b);
    if (atol(v[4]) > 0) {
        fmt_hmm(atol(v[4]) * 5, t, sizeof t);
        set(x, r, F_LENGTH, t);
    }
    set(x, r, F_NOTE, v[5]);
    set(x, r, F_CLINICNUM, v[6]);
    return x->oom;
}

#define APT_SQL                                                              \
    "SELECT a.AptNum, DATE_FORMAT(a.AptDateTime, '%Y-%m-%d %H:%i:%s'), "     \
    "a.AptStatus, a.ProcDescript, CHAR_LENGTH(a.Pattern), a.Note, "          \
    "a.ClinicNum FROM appointment a WHERE a.PatNum = ? ORDER BY "            \
    "a.AptDateTime, a.AptNum"

/* ---- emails and sheets -------------------------------------------------- */

static int add_email(void *arg, char **v)
{
    struct pnctx *x = arg;
    struct pnrow *r = new_row(x, K_EMAIL, "Email", v[0]);
    char b[1200];
    if (!r)
        return 1;
    set_when(x, r, v[1], 1);
    snprintf(b, sizeof b, "Email - %s%s",
             strcmp(v[2], "0") == 0 ? "(unsent) " : "", v[3]);
    set(x, r, F_DESC, b);
    set(x, r, F_NOTE, v[4]);
    set(x, r, F_USER, v[5]);
    set(x, r, F_CLINICNUM, "0");
    return x->oom;
}

/* not Direct acknowledgements (EmailSentOrReceived AckDirectProcessed 12,
 * AckDirectNotSent 13) */
#define EMAIL_SQL                                                            \
    "SELECT e.EmailMessageNum, DATE_FORMAT(e.MsgDateTime, '%Y-%m-%d "        \
    "%H:%i:%s'), e.SentOrReceived, e.Subject, e.BodyText, COALESCE("         \
    "u.UserName, '') FROM emailmessage e LEFT JOIN userod u ON u.UserNum = " \
    "e.UserNum WHERE e.PatNum = ? AND e.SentOrReceived NOT IN (12, 13) "     \
    "ORDER BY e.MsgDateTime, e.EmailMessageNum"

static int add_sheet(void *arg, char **v)
{
    struct pnctx *x = arg;
    struct pnrow *r = new_row(x, K_SHEET, "Sheet", v[0]);
    double sig = atof(v[3]);
    if (!r)
        return 1;
    set_when(x, r, v[1], 1);
    set(x, r, F_DESC, v[2]);
    set(x, r, F_SIGNED, sig == 1.0 ? "Signed" : sig == 0.0 ? "" : "Partial");
    set(x, r, F_CLINICNUM, "0");
    return x->oom;
}

/* not Rx (5) or lab slips (12), not deleted; signature boxes (SigBox 9):
 * all signed, none, or some */
#define SHEET_SQL                                                            \
    "SELECT s.SheetNum, DATE_FORMAT(s.DateTimeSheet, '%Y-%m-%d %H:%i:%s'), " \
    "s.Description, COALESCE(AVG(CASE WHEN f.FieldValue <> '' THEN 1 ELSE 0 " \
    "END), 0) FROM sheet s LEFT JOIN sheetfield f ON f.SheetNum = "          \
    "s.SheetNum AND f.FieldType = 9 WHERE s.PatNum = ? AND s.SheetType NOT " \
    "IN (5, 12) AND s.IsDeleted = 0 GROUP BY s.SheetNum, s.DateTimeSheet, "  \
    "s.Description ORDER BY s.DateTimeSheet, s.SheetNum"

/* ---- order and answer --------------------------------------------------- */

static int cmp_ll(long long a, long long b)
{
    return a < b ? -1 : a > b;
}

/* ProcedureLogic.CompareProcedures (DataRow form). */
static int cmp_procs(const struct pnrow *a, const struct pnrow *b)
{
    int c;
    if (a->stat_idx != b->stat_idx)
        return cmp_ll(a->stat_idx, b->stat_idx);
    if (a->prio != b->prio) { /* a priority comes before none */
        if (!a->prio)
            return 1;
        if (!b->prio)
            return -1;
        return cmp_ll(a->prio, b->prio);
    }
    if ((c = strcmp(a->range, b->range)) != 0)
        return c;
    if (strcmp(a->f[F_TH], b->f[F_TH]) != 0)
        return cmp_ll(a->tooth, b->tooth);
    if ((c = strcmp(a->code, b->code)) != 0)
        return c;
    return strcmp(a->pkstr, b->pkstr);
}

/* ChartModules.CompareChartRowsProper; equal rows by key. */
static int cmp_rows(const void *pa, const void *pb)
{
    const struct pnrow *a = pa, *b = pb;
    if (a->day != b->day)
        return cmp_ll(a->day, b->day);
    if (a->kind != b->kind)
        return cmp_ll(a->kind, b->kind);
    if (a->kind == K_PROC)
        return cmp_procs(a, b);
    if (a->secs != b->secs)
        return cmp_ll(a->secs, b->secs);
    if (a->otype != b->otype) /* commlogs and tasks: one order */
        return strcmp(a->otype, b->otype);
    return cmp_ll(a->pk, b->pk);
}

static void write_row(struct od_buf *b, const struct pnrow *r)
{
    int i;
    od_buf_addc(b, '{');
    od_ck_str(b, 1, "ObjectType", r->otype);
    od_ck_str(b, 0, "PrimaryKey", r->pkstr);
    for (i = 0; i < F_N; i++)
        od_ck_str(b, 0, wire_names[i], r->f[i]);
    od_buf_addc(b, '}');
}

/* The rows in order (labs after their procedures) into j->out, from
 * offset, one page. */
static void answer(struct od_ck_job *j, struct pnctx *x, long long offset)
{
    long i, k, n = 0, written = 0;
    struct pnrow **order = calloc((size_t)x->n + 1, sizeof *order);
    if (!order) {
        od_ck_fail(j, 500, "Out of memory.");
        return;
    }
    qsort(x->rows, (size_t)x->n, sizeof *x->rows, cmp_rows);
    for (i = 0; i < x->n; i++) {
        if (x->rows[i].lab)
            continue;
        order[n++] = &x->rows[i];
        for (k = 0; x->rows[i].kind == K_PROC && k < x->n; k++)
            if (x->rows[k].lab && x->rows[k].lab == x->rows[i].pk)
                order[n++] = &x->rows[k];
    }
    od_buf_addc(&j->out, '[');
    for (i = (long)offset; i < n && written < PAGE; i++) {
        if (written++)
            od_buf_addc(&j->out, ',');
        write_row(&j->out, order[i]);
    }
    od_buf_addc(&j->out, ']');
    free(order);
}

static int do_prognotes(struct od_conn *c, struct od_ck_job *j)
{
    static const struct {
        const char *sql;
        int ncols;
        int (*fn)(void *, char **);
    } parts_[] = {
        {PROC_SQL, 23, add_proc}, {COMM_SQL, 11, add_comm},
        {RX_SQL, 9, add_rx},      {LAB_SQL, 9, add_lab},
        {TASK_SQL, 9, add_task},  {APT_SQL, 7, add_apt},
        {EMAIL_SQL, 6, add_email}, {SHEET_SQL, 4, add_sheet},
    };
    const long long *q = j->data; /* PatNum, Offset */
    struct od_prm p[1] = {OD_PI(q[0])};
    struct pnctx x;
    size_t i;
    int rc = 0;
    int super = od_catalog_column(od_db_catalog(c->db), "patient",
                                  "SuperFamily") != NULL;
    memset(&x, 0, sizeof x);
    x.patnum = q[0];
    if (od_ck_need_key(c, j, "SELECT PatNum FROM patient WHERE PatNum = ?",
                       q[0], 404, "Patient not found."))
        return -1;
    for (i = 0; i < OD_ARRAY_LEN(parts_) && !rc && !x.oom; i++)
        if (od_query_each(c,
                          parts_[i].fn == add_comm && !super
                              ? COMM_SQL_FAMILY
                              : parts_[i].sql,
                          p, 1, parts_[i].ncols, parts_[i].fn, &x) < 0)
            rc = -1;
    if (!rc && !x.oom)
        rc = task_notes(c, &x);
    if (!rc && x.oom)
        rc = od_ck_fail(j, 500, "Out of memory.");
    if (!rc)
        answer(j, &x, q[1]);
    for (i = 0; i < (size_t)x.n; i++)
        row_free(&x.rows[i]);
    free(x.rows);
    return rc || j->status ? -1 : 0;
}

static void h_prognotes(odapi_request *req, void *arg)
{
    struct od_ck_job *j =
        od_ck_new_data(req, do_prognotes, 0, 2 * sizeof(long long), NULL);
    long long *q;
    const char *v;
    (void)arg;
    if (!j)
        return;
    q = j->data;
    if (od_parse_ll(odapi_request_segment(req, "PatNum"), &q[0]) ||
        q[0] <= 0) {
        od_ck_reject(j, 400, "PatNum is invalid.");
        return;
    }
    if ((v = od_query_get(&req->query, "Offset")) && *v &&
        (od_parse_ll(v, &q[1]) || q[1] < 0)) {
        od_ck_reject(j, 400, "Offset is invalid.");
        return;
    }
    od_ck_submit(j);
}

/* What these routes take and answer, for GET /openapi.json
 * (engine/openapi-internal.h). */
static const struct od_opdoc prognote_docs[] = {
    {"GET", "/chartmodules/{PatNum}/ProgNotes",
     "The Chart module's progress notes.",
     "Offset:int",
     NULL,
     NULL,
     .perm = ODAPI_PERM_READ_ALL, .handler = h_prognotes},
};

OD_CK_ROUTES(od_register_prognotes, prognote_docs)
