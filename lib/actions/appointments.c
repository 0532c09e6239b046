/* appointments.c - the appointment actions that are behaviour, not CRUD
 * (spec 5.2): PUT /appointments/{AptNum}/Break, /Note and /Confirm, and
 * GET /appointments/Slots. Input is checked on the loop thread; the work
 * runs on a DB worker, each write in one transaction with its securitylog
 * row; the reply is sent from the completion on the loop thread. The
 * choices the spec leaves open are in docs/resources.md. */
#include "engine/openapi-internal.h"
#include "engine/resource-internal.h"
#include "db/catalog-internal.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* EnumPermType values used in securitylog (opendental-schema.md 4). */
enum { PERM_PROC_COMPL_CREATE = 23, PERM_APPOINTMENT_EDIT = 27,
       PERM_APPT_CONFIRM_EDIT = 120 };

#define MAX_SLOT_DAYS 366
#define MAX_SCHED_ROWS 50000
#define MAX_APPT_ROWS 200000

enum akind { A_BREAK, A_NOTE, A_CONFIRM, A_SLOTS };

/* confirmVal -> the ApptConfirmed definition the office uses for it: the
 * eConfirmation status preferences; None is the first definition. */
static const struct {
    const char *name, *pref;
} confirm_vals[] = {
    {"None", NULL},
    {"Sent", "ApptEConfirmStatusSent"},
    {"Confirmed", "ApptEConfirmStatusAccepted"},
    {"Not Accepted", "ApptEConfirmStatusDeclined"},
    {"Failed", "ApptEConfirmStatusSendFailed"},
};

struct ajob {
    odapi_request *req;
    enum akind kind;
    long long apt;
    int unsched;            /* Break: sendToUnscheduledList */
    const char *code;       /* Break: "D9986", "D9987" or NULL */
    char *note;             /* Note */
    int confirm;            /* Confirm: index into confirm_vals, -1: defNum */
    long long defnum;
    char d0[11], d1[11];    /* Slots: first and last day */
    long long prov, op, minutes;
    char developer[128];
    int dflt_range;         /* Slots: no dates given: today + 13 days */
    int status;
    char msg[256];
    struct od_buf out;
};

static void ajob_free(struct ajob *j)
{
    free(j->note);
    od_buf_free(&j->out);
    free(j);
}

static void afail(struct ajob *j, int status, const char *msg)
{
    j->status = status;
    snprintf(j->msg, sizeof j->msg, "%s", msg);
}

/* ---- the writes ------------------------------------------------------------- */

/* Lock the appointment; fills AptStatus, PatNum. 0, or -1 (404 set). */
static int lock_appt(struct od_conn *c, struct ajob *j, long long *out)
{
    struct od_prm p[1];
    int rc;
    p[0] = OD_PI(j->apt);
    rc = od_query_ll(c,
                     "SELECT AptStatus, PatNum, ProvNum, ClinicNum FROM "
                     "appointment WHERE AptNum = ? FOR UPDATE",
                     p, 1, 4, out);
    if (rc == 0)
        afail(j, 404, "Appointment not found.");
    return rc == 1 ? 0 : -1;
}

/* The break's completed D9986/D9987 (j->code): today, for the
 * appointment's provider and clinic, its fee as a procedurelogs POST
 * would choose it; its securitylog row. */
static int break_fee(struct od_conn *c, struct ajob *j, long long patnum)
{
    struct od_prm p[2] = {OD_PS(j->code), OD_PI(j->apt)};
    long long n = 0, procnum[1];
    if (od_exec(c,
                "INSERT INTO procedurelog (PatNum, AptNum, ProcDate, "
                "ProcFee, ProcStatus, ProvNum, ClinicNum, CodeNum, "
                "DateEntryC, DateTP, UnitQty, SecDateEntry, DateComplete) "
                "SELECT a.PatNum, 0, CURDATE(), COALESCE((SELECT f.Amount "
                "FROM fee f WHERE f.CodeNum = pc.CodeNum AND f.FeeSched = "
                "COALESCE(NULLIF(pa.FeeSched, 0), (SELECT FeeSched FROM "
                "provider WHERE ProvNum = a.ProvNum)) AND f.ClinicNum IN "
                "(0, a.ClinicNum) AND f.ProvNum IN (0, a.ProvNum) ORDER BY "
                "f.ClinicNum DESC, f.ProvNum DESC, f.FeeNum LIMIT 1), 0), "
                "2, a.ProvNum, a.ClinicNum, pc.CodeNum, CURDATE(), "
                "CURDATE(), 1, NOW(), CURDATE() FROM appointment a JOIN "
                "patient pa ON pa.PatNum = a.PatNum JOIN procedurecode pc "
                "ON pc.ProcCode = ? WHERE a.AptNum = ? ORDER BY pc.CodeNum "
                "LIMIT 1",
                p, 2, &n, NULL))
        return -1;
    if (n == 0)
        return 0; /* the code went away since the check: no fee */
    if (od_query_ll(c, "SELECT LAST_INSERT_ID()", NULL, 0, 1, procnum) != 1)
        return -1;
    return od_securitylog(c, PERM_PROC_COMPL_CREATE, j->developer, "Created",
                          procnum[0], patnum);
}

static int do_break(struct od_conn *c, struct ajob *j)
{
    long long a[4], code[1];
    struct od_prm p[2];
    int rc;
    if (lock_appt(c, j, a))
        return -1;
    if (a[0] != 1) {
        afail(j, 400, "Only Scheduled appointments can be broken.");
        return -1;
    }
    /* Every refusal before the first write: tables without transactions
     * (MyISAM) keep what was written before a ROLLBACK. */
    if (j->code) {
        p[0] = OD_PS(j->code);
        rc = od_query_ll(c, "SELECT CodeNum FROM procedurecode WHERE "
                            "ProcCode = ? LIMIT 1", p, 1, 1, code);
        if (rc < 0)
            return -1;
        if (rc == 0) {
            afail(j, 400, strcmp(j->code, "D9986") == 0
                              ? "Procedure code D9986 is not in the database."
                              : "Procedure code D9987 is not in the database.");
            return -1;
        }
    }
    /* The writes in the order that leaves the least harm if the process
     * or the server stops between two of them on MyISAM
     * (docs/database.md): the appointment is broken first (a retry is
     * then refused, so nothing is written twice), then the commlog notes
     * it, and the fee comes last (never a charge for an appointment that
     * still looks scheduled). */
    p[0] = OD_PI(j->unsched ? 3 : 5); /* UnschedList : Broken */
    p[1] = OD_PI(j->apt);
    if (od_exec(c, "UPDATE appointment SET AptStatus = ? WHERE AptNum = ?", p,
                2, NULL, NULL))
        return -1;
    /* the office's "make a commlog when an appointment is broken" */
    p[0] = OD_PI(j->apt);
    if (od_exec(c,
                "INSERT INTO commlog (PatNum, CommDateTime, CommType, Note, "
                "Mode_, SentOrReceived, UserNum, CommSource, DateTEntry) "
                "SELECT a.PatNum, NOW(), COALESCE((SELECT DefNum FROM "
                "definition WHERE Category = 27 AND ItemValue = 'APPT' ORDER "
                "BY ItemOrder LIMIT 1), 0), CONCAT('Appt BROKEN for ', "
                "a.ProcDescript, '  ', DATE_FORMAT(a.AptDateTime, "
                "'%m/%d/%Y %h:%i %p')), 0, 0, 0, 7, NOW() FROM appointment a "
                "WHERE a.AptNum = ? AND EXISTS (SELECT 1 FROM preference WHERE "
                "PrefName = 'BrokenApptCommLog' AND ValueString = '1')",
                p, 1, NULL, NULL))
        return -1;
    if (j->code && break_fee(c, j, a[1]))
        return -1;
    return od_securitylog(c, PERM_APPOINTMENT_EDIT, j->developer, "Updated",
                          j->apt, a[1]);
}

/* The note appended to the appointment's ("\r\n" between) must fit its
 * column whole: MariaDB would cut it (non-strict) rather than refuse. */
static int note_fits(struct od_conn *c, struct ajob *j)
{
    const struct od_column *col =
        od_catalog_column(od_db_catalog(c->db), "appointment", "Note");
    struct od_prm p[1] = {OD_PI(j->apt)};
    long long have[2], chars, bytes;
    if (od_query_ll(c, "SELECT CHAR_LENGTH(Note), LENGTH(Note) FROM "
                       "appointment WHERE AptNum = ?", p, 1, 2, have) < 0)
        return -1;
    od_column_measure(col, j->note, strlen(j->note), &chars, &bytes);
    if (have[0] > 0) {
        chars += have[0] + 2;
        bytes += have[1] + 2;
    }
    if (!od_column_room(col, chars, bytes)) {
        afail(j, 400, "Note is too long.");
        return -1;
    }
    return 0;
}

static int do_note(struct od_conn *c, struct ajob *j)
{
    long long a[4];
    struct od_prm p[3];
    if (lock_appt(c, j, a) || note_fits(c, j))
        return -1;
    p[0] = OD_PS(j->note);
    p[1] = OD_PS(j->note);
    p[2] = OD_PI(j->apt);
    if (od_exec(c,
                "UPDATE appointment SET Note = IF(Note = '', ?, "
                "CONCAT(Note, '\\r\\n', ?)) WHERE AptNum = ?",
                p, 3, NULL, NULL))
        return -1;
    return od_securitylog(c, PERM_APPOINTMENT_EDIT, j->developer, "Updated",
                          j->apt, a[1]);
}

static int do_confirm(struct od_conn *c, struct ajob *j)
{
    long long a[4], def[1];
    struct od_prm p[2];
    int rc;
    if (lock_appt(c, j, a))
        return -1;
    if (j->confirm < 0) {
        p[0] = OD_PI(j->defnum);
        rc = od_query_ll(c,
                         "SELECT DefNum FROM definition WHERE DefNum = ? AND "
                         "Category = 2",
                         p, 1, 1, def);
        if (rc == 0)
            afail(j, 400, "defNum is invalid.");
    } else if (!confirm_vals[j->confirm].pref) {
        rc = od_query_ll(c,
                         "SELECT DefNum FROM definition WHERE Category = 2 AND "
                         "IsHidden = 0 ORDER BY ItemOrder, DefNum LIMIT 1",
                         NULL, 0, 1, def);
        if (rc == 0)
            afail(j, 400, "The office has no ApptConfirmed definitions.");
    } else {
        p[0] = OD_PS(confirm_vals[j->confirm].pref);
        rc = od_query_ll(c,
                         "SELECT d.DefNum FROM preference p JOIN definition d "
                         "ON d.DefNum = p.ValueString AND d.Category = 2 WHERE "
                         "p.PrefName = ?",
                         p, 1, 1, def);
        if (rc == 0)
            afail(j, 400, "The office has no ApptConfirmed definition for "
                          "this confirmVal.");
    }
    if (rc != 1)
        return -1;
    p[0] = OD_PI(def[0]);
    p[1] = OD_PI(j->apt);
    if (od_exec(c, "UPDATE appointment SET Confirmed = ? WHERE AptNum = ?", p,
                2, NULL, NULL))
        return -1;
    return od_securitylog(c, PERM_APPT_CONFIRM_EDIT, j->developer, "Updated",
                          j->apt, a[1]);
}

static int work_write(struct od_conn *c, void *arg)
{
    struct ajob *j = arg;
    int rc;
    j->status = 0;
    if (od_tx_begin(c) != 0)
        return od_tx_failed(c, &j->status, j->msg, sizeof j->msg);
    rc = j->kind == A_BREAK  ? do_break(c, j)
         : j->kind == A_NOTE ? do_note(c, j)
                             : do_confirm(c, j);
    if (od_tx_end(c, rc) == 0) {
        j->status = 200;
        return OD_WORK_DONE;
    }
    return od_tx_failed(c, &j->status, j->msg, sizeof j->msg);
}

/* ---- Slots ----------------------------------------------------------------- */

/* Days since 1970-01-01 for a civil date, and back (H. Hinnant). */
static long days_from_civil(int y, int m, int d)
{
    long era, yoe, doy, doe;
    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(long z, int *y, int *m, int *d)
{
    long era, doe, yoe, doy, mp;
    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

/* yyyy-MM-dd, a real date; its day number in *day. */
static int parse_day(const char *s, long *day)
{
    int y, m, d;
    if (!od_valid_date(s, 0) || sscanf(s, "%4d-%2d-%2d", &y, &m, &d) != 3)
        return -1;
    *day = days_from_civil(y, m, d);
    return 0;
}

struct sched {
    long long num, day, start, stop, prov;
    int op0, nops;              /* range in the ops array */
};

struct busy {
    long long op, day, start, len;
};

struct slot {
    long long day, start, stop, prov, op;
};

struct slots_ctx {
    struct sched *s;
    long ns, caps;
    long long *ops;
    long nops, capops;
    struct busy *b;
    long nb, capb;
    int oom;
};

static int grow(void **p, long *cap, long need, size_t size)
{
    void *n;
    long c = *cap ? *cap * 2 : 64;
    if (need <= *cap)
        return 0;
    while (c < need)
        c *= 2;
    if (!(n = realloc(*p, (size_t)c * size)))
        return -1;
    *p = n;
    *cap = c;
    return 0;
}

/* ScheduleNum, day, start, stop, ProvNum, OperatoryNum; ordered by
 * ScheduleNum, so a schedule's operatories are consecutive. */
static int add_sched_row(void *arg, const long long *v)
{
    struct slots_ctx *x = arg;
    struct sched *s = x->ns ? &x->s[x->ns - 1] : NULL;
    if (x->ns >= MAX_SCHED_ROWS || x->nops >= MAX_SCHED_ROWS)
        return 1;
    if (!s || s->num != v[0]) {
        if (grow((void **)&x->s, &x->caps, x->ns + 1, sizeof *x->s)) {
            x->oom = 1;
            return 1;
        }
        s = &x->s[x->ns++];
        s->num = v[0];
        s->day = v[1];
        s->start = v[2];
        s->stop = v[3];
        s->prov = v[4];
        s->op0 = (int)x->nops;
        s->nops = 0;
    }
    if (grow((void **)&x->ops, &x->capops, x->nops + 1, sizeof *x->ops)) {
        x->oom = 1;
        return 1;
    }
    x->ops[x->nops++] = v[5];
    s->nops++;
    return 0;
}

static int add_busy_row(void *arg, const long long *v)
{
    struct slots_ctx *x = arg;
    if (x->nb >= MAX_APPT_ROWS)
        return 1;
    if (grow((void **)&x->b, &x->capb, x->nb + 1, sizeof *x->b)) {
        x->oom = 1;
        return 1;
    }
    x->b[x->nb].op = v[0];
    x->b[x->nb].day = v[1];
    x->b[x->nb].start = v[2];
    x->b[x->nb].len = v[3];
    x->nb++;
    return 0;
}

static int slot_cmp(const void *pa, const void *pb)
{
    const struct slot *a = pa, *b = pb;
    if (a->day != b->day)
        return a->day < b->day ? -1 : 1;
    if (a->start != b->start)
        return a->start < b->start ? -1 : 1;
    if (a->prov != b->prov)
        return a->prov < b->prov ? -1 : 1;
    if (a->op != b->op)
        return a->op < b->op ? -1 : 1;
    return 0;
}

static void put_dt(struct od_buf *b, long day, long long min)
{
    int y, m, d;
    if (min >= 1440) { /* a block that ends at midnight */
        day++;
        min -= 1440;
    }
    civil_from_days(day, &y, &m, &d);
    od_buf_printf(b, "\"%04d-%02d-%02d %02lld:%02lld:00\"", y, m, d, min / 60,
                  min % 60);
}

/* Open blocks: every provider schedule (SchedType Provider) in the range,
 * minus the appointments in its operatories; a block is open when no
 * appointment occupies any of the schedule's operatories (only OpNum's
 * when OpNum is given). */
static int work_slots(struct od_conn *c, void *arg)
{
    struct ajob *j = arg;
    struct slots_ctx x;
    struct slot *out = NULL;
    long nout = 0, capout = 0, i, k, d0;
    long long now[2] = {0, 0};
    unsigned char busy[1441];
    struct od_prm p[8];

    memset(&x, 0, sizeof x);
    od_buf_free(&j->out);
    j->status = 0;
    if (j->dflt_range) { /* the database's today, as other defaults */
        long long t[1];
        int y, m, d;
        if (od_query_ll(c, "SELECT TO_DAYS(CURDATE()) - 719528", NULL, 0, 1,
                        t) != 1)
            goto dberr;
        civil_from_days((long)t[0], &y, &m, &d);
        snprintf(j->d0, sizeof j->d0, "%04d-%02d-%02d", y, m, d);
        civil_from_days((long)t[0] + 13, &y, &m, &d);
        snprintf(j->d1, sizeof j->d1, "%04d-%02d-%02d", y, m, d);
    }
    parse_day(j->d0, &d0);
    p[0] = OD_PS(j->d0);
    if (od_query_ll(c,
                    "SELECT DATEDIFF(CURDATE(), ?), HOUR(NOW()) * 60 + "
                    "MINUTE(NOW()) + (SECOND(NOW()) > 0)",
                    p, 1, 2, now) != 1)
        goto dberr;
    p[0] = OD_PS(j->d0);
    p[1] = OD_PI(j->prov);
    p[2] = OD_PI(j->prov);
    p[3] = OD_PS(j->d0);
    p[4] = OD_PS(j->d1);
    p[5] = OD_PI(j->op);
    p[6] = OD_PI(j->op);
    if (od_query_each_ll(
            c,
            "SELECT s.ScheduleNum, DATEDIFF(s.SchedDate, ?), "
            "TIME_TO_SEC(s.StartTime) DIV 60, TIME_TO_SEC(s.StopTime) "
            "DIV 60, s.ProvNum, so.OperatoryNum FROM schedule s JOIN "
            "scheduleop so ON so.ScheduleNum = s.ScheduleNum WHERE "
            "s.SchedType = 1 AND s.ProvNum = IF(? = 0, (SELECT "
            "ValueString FROM preference WHERE PrefName = "
            "'PracticeDefaultProv'), ?) AND s.SchedDate BETWEEN ? AND ? "
            "AND (? = 0 OR so.OperatoryNum = ?) ORDER BY s.ScheduleNum, "
            "so.OperatoryNum",
            p, 7, 6, add_sched_row, &x) == -1)
        goto dberr;
    if (x.oom || x.ns >= MAX_SCHED_ROWS) {
        afail(j, x.oom ? 500 : 400, x.oom ? "Out of memory."
                                          : "Too many schedules: narrow the "
                                            "date range.");
        goto out;
    }
    p[0] = OD_PS(j->d0);
    p[1] = OD_PS(j->d0);
    p[2] = OD_PS(j->d1);
    if (x.ns &&
        od_query_each_ll(c,
                         "SELECT a.Op, DATEDIFF(a.AptDateTime, ?), "
                         "HOUR(a.AptDateTime) * 60 + MINUTE(a.AptDateTime), "
                         "CHAR_LENGTH(a.Pattern) * 5 FROM appointment a "
                         "WHERE a.AptStatus IN (1, 2, 4) AND a.Op <> 0 AND "
                         "a.AptDateTime >= ? AND a.AptDateTime < ? + "
                         "INTERVAL 1 DAY",
                         p, 3, 4, add_busy_row, &x) == -1)
        goto dberr;
    if (x.oom || x.nb >= MAX_APPT_ROWS) {
        afail(j, 500, "Out of memory.");
        goto out;
    }
    for (i = 0; i < x.ns; i++) {
        const struct sched *s = &x.s[i];
        long long t, run = -1, lo = s->start, hi = s->stop;
        if (hi > 1440)
            hi = 1440;
        if (lo < 0 || lo >= hi)
            continue;
        memset(busy, 0, sizeof busy);
        if (s->day < now[0]) /* in the past */
            continue;
        if (s->day == now[0] && now[1] > lo) /* started: from now on */
            for (t = lo; t < now[1] && t < hi; t++)
                busy[t] = 1;
        for (k = 0; k < x.nb; k++) {
            const struct busy *b = &x.b[k];
            int o, in = 0;
            if (b->day != s->day)
                continue;
            for (o = 0; o < s->nops && !in; o++)
                in = x.ops[s->op0 + o] == b->op;
            for (t = b->start; in && t < b->start + b->len && t < 1440; t++)
                if (t >= 0)
                    busy[t] = 1;
        }
        for (t = lo; t <= hi; t++) {
            if (t < hi && !busy[t]) {
                if (run < 0)
                    run = t;
                continue;
            }
            if (run >= 0 && t - run >= (j->minutes > 0 ? j->minutes : 1)) {
                if (grow((void **)&out, &capout, nout + 1, sizeof *out)) {
                    afail(j, 500, "Out of memory.");
                    goto out;
                }
                out[nout].day = s->day;
                out[nout].start = run;
                out[nout].stop = t;
                out[nout].prov = s->prov;
                out[nout].op = x.ops[s->op0]; /* lowest OperatoryNum */
                nout++;
            }
            run = -1;
        }
    }
    if (nout)
        qsort(out, (size_t)nout, sizeof *out, slot_cmp);
    od_buf_addc(&j->out, '[');
    for (i = 0, k = 0; i < nout; i++) {
        /* overlapping schedules of one provider: one block */
        if (i + 1 < nout && out[i + 1].day == out[i].day &&
            out[i + 1].prov == out[i].prov && out[i + 1].op == out[i].op &&
            out[i + 1].start <= out[i].stop) {
            if (out[i].stop > out[i + 1].stop)
                out[i + 1].stop = out[i].stop;
            out[i + 1].start = out[i].start;
            continue;
        }
        if (k++)
            od_buf_addc(&j->out, ',');
        od_buf_adds(&j->out, "{\"DateTimeStart\":");
        put_dt(&j->out, d0 + (long)out[i].day, out[i].start);
        od_buf_adds(&j->out, ",\"DateTimeEnd\":");
        put_dt(&j->out, d0 + (long)out[i].day, out[i].stop);
        od_buf_printf(&j->out, ",\"ProvNum\":%lld,\"OpNum\":%lld}",
                      out[i].prov, out[i].op);
    }
    od_buf_addc(&j->out, ']');
    j->status = j->out.oom ? 500 : 200;
    if (j->out.oom)
        afail(j, 500, "Out of memory.");
    goto out;
dberr:
    if (c->lost) {
        free(x.s);
        free(x.ops);
        free(x.b);
        free(out);
        afail(j, 503, "The database is not available.");
        return OD_WORK_RETRY;
    }
    afail(j, 500, "The database could not run the query.");
out:
    free(x.s);
    free(x.ops);
    free(x.b);
    free(out);
    return OD_WORK_DONE;
}

/* ---- completion and handlers (loop thread) ---------------------------------- */

static void done(void *arg, int status)
{
    struct ajob *j = arg;
    if (status != ODAPI_OK)
        odapi_reply_error(j->req, 503, "The database is not available.");
    else if (j->status >= 400 || j->status == 0)
        odapi_reply_error(j->req, j->status ? j->status : 500,
                          j->msg[0] ? j->msg : "The request failed.");
    else if (j->kind == A_SLOTS)
        odapi_reply(j->req, 200, j->out.p ? j->out.p : "[]",
                    j->out.p ? j->out.len : 2);
    else
        odapi_reply(j->req, 200, "", 0); /* action PUTs: no body */
    ajob_free(j);
}

static void submit(struct ajob *j, od_db_work_fn work)
{
    if (od_request_submit(j->req, work, done, j))
        ajob_free(j);
}

static struct ajob *ajob_new(odapi_request *req, enum akind kind)
{
    struct ajob *j = calloc(1, sizeof *j);
    if (!j) {
        odapi_reply_error(req, 500, "Out of memory.");
        return NULL;
    }
    j->req = req;
    j->kind = kind;
    snprintf(j->developer, sizeof j->developer, "%s", req->developer);
    return j;
}

/* The body of an action PUT and its AptNum; NULL after a 400. */
static json_t *action_start(odapi_request *req, struct ajob *j)
{
    json_t *body;
    const char *s = odapi_request_segment(req, "AptNum");
    if (od_parse_key(s, &j->apt)) {
        odapi_reply_error(req, 400, "AptNum is invalid.");
        return NULL;
    }
    body = od_request_json(req);
    if (!body || !json_is_object(body)) {
        odapi_reply_error(req, 400, body
                              ? "The request body must be a JSON object."
                              : "The request body is not valid JSON.");
        json_decref(body);
        return NULL;
    }
    return body;
}

/* A string member (numbers written as their text when numbers_ok). */
static const char *member_str(json_t *body, const char *name, char *tmp,
                              size_t tmpsize, int *bad)
{
    json_t *v = json_object_get(body, name);
    *bad = 0;
    if (!v || json_is_null(v))
        return NULL;
    if (json_is_string(v))
        return json_string_value(v);
    if (json_is_boolean(v))
        return json_is_true(v) ? "true" : "false";
    if (json_is_integer(v)) {
        snprintf(tmp, tmpsize, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        return tmp;
    }
    *bad = 1;
    return NULL;
}

static void h_break(odapi_request *req, void *arg)
{
    struct ajob *j = ajob_new(req, A_BREAK);
    json_t *body;
    const char *s, *msg = NULL;
    char tmp[32];
    int bad;
    (void)arg;
    if (!j)
        return;
    if (!(body = action_start(req, j))) {
        ajob_free(j);
        return;
    }
    s = member_str(body, "sendToUnscheduledList", tmp, sizeof tmp, &bad);
    if (!s && !bad)
        msg = "sendToUnscheduledList is required.";
    else if (!s || (strcasecmp(s, "true") && strcasecmp(s, "false")))
        msg = "sendToUnscheduledList is invalid.";
    else
        j->unsched = strcasecmp(s, "true") == 0;
    if (!msg) {
        s = member_str(body, "breakType", tmp, sizeof tmp, &bad);
        if (bad || (s && strcasecmp(s, "Missed") && strcasecmp(s, "Cancelled")))
            msg = "breakType is invalid.";
        else if (s)
            j->code = strcasecmp(s, "Missed") == 0 ? "D9986" : "D9987";
    }
    json_decref(body);
    if (msg) {
        odapi_reply_error(req, 400, msg);
        ajob_free(j);
        return;
    }
    submit(j, work_write);
}

static void h_note(odapi_request *req, void *arg)
{
    struct ajob *j = ajob_new(req, A_NOTE);
    json_t *body, *v;
    const char *msg = NULL;
    char text_msg[128];
    (void)arg;
    if (!j)
        return;
    if (!(body = action_start(req, j))) {
        ajob_free(j);
        return;
    }
    v = json_object_get(body, "Note");
    if (!v || json_is_null(v) ||
        (json_is_string(v) && !*json_string_value(v)))
        msg = "Note is required.";
    else if (!json_is_string(v))
        msg = "Note is invalid.";
    else if (od_text_check(od_db_catalog(req->srv->db), "appointment",
                           "Note", "Note", json_string_value(v), text_msg,
                           sizeof text_msg))
        msg = text_msg;
    else if (!(j->note = strdup(json_string_value(v))))
        msg = "Out of memory.";
    json_decref(body);
    if (msg) {
        odapi_reply_error(req, 400, msg);
        ajob_free(j);
        return;
    }
    submit(j, work_write);
}

static void h_confirm(odapi_request *req, void *arg)
{
    struct ajob *j = ajob_new(req, A_CONFIRM);
    json_t *body;
    const char *cv, *dn, *msg = NULL;
    char tmp[32];
    int bad1, bad2;
    size_t i;
    (void)arg;
    if (!j)
        return;
    if (!(body = action_start(req, j))) {
        ajob_free(j);
        return;
    }
    cv = member_str(body, "confirmVal", tmp, sizeof tmp, &bad1);
    dn = member_str(body, "defNum", tmp, sizeof tmp, &bad2);
    if ((cv || bad1) && (dn || bad2)) {
        msg = "Only one of confirmVal or defNum may be given.";
    } else if (bad1 || (cv && json_is_integer(json_object_get(body,
                                                               "confirmVal")))) {
        msg = "confirmVal is invalid.";
    } else if (cv) {
        j->confirm = -1;
        for (i = 0; i < OD_ARRAY_LEN(confirm_vals); i++)
            if (strcasecmp(cv, confirm_vals[i].name) == 0)
                j->confirm = (int)i;
        if (j->confirm < 0)
            msg = "confirmVal is invalid.";
    } else if (bad2 || (dn && (od_parse_ll(dn, &j->defnum) || j->defnum <= 0))) {
        msg = "defNum is invalid.";
    } else if (dn) {
        j->confirm = -1;
    } else {
        msg = "confirmVal or defNum is required.";
    }
    json_decref(body);
    if (msg) {
        odapi_reply_error(req, 400, msg);
        ajob_free(j);
        return;
    }
    submit(j, work_write);
}

static void h_slots(odapi_request *req, void *arg)
{
    struct ajob *j = ajob_new(req, A_SLOTS);
    const char *date = od_query_get(&req->query, "date");
    const char *ds = od_query_get(&req->query, "dateStart");
    const char *de = od_query_get(&req->query, "dateEnd");
    const char *v, *msg = NULL;
    long a = 0, b = 0;
    (void)arg;
    if (!j)
        return;
    if (date && *date) {
        if (parse_day(date, &a))
            msg = "date format must be yyyy-MM-dd";
        b = a;
        ds = de = NULL;
    } else {
        if (ds && *ds && parse_day(ds, &a))
            msg = "dateStart format must be yyyy-MM-dd";
        else if (de && *de && parse_day(de, &b))
            msg = "dateEnd format must be yyyy-MM-dd";
    }
    if (!msg && (v = od_query_get(&req->query, "lengthMinutes")) && *v &&
        (od_parse_ll(v, &j->minutes) || j->minutes < 0 || j->minutes > 1440))
        msg = "lengthMinutes is invalid.";
    if (!msg && (v = od_query_get(&req->query, "ProvNum")) && *v &&
        (od_parse_ll(v, &j->prov) || j->prov < 0))
        msg = "ProvNum is invalid.";
    if (!msg && (v = od_query_get(&req->query, "OpNum")) && *v &&
        (od_parse_ll(v, &j->op) || j->op < 0))
        msg = "OpNum is invalid.";
    if (msg) {
        odapi_reply_error(req, 400, msg);
        ajob_free(j);
        return;
    }
    if (!(date && *date)) {
        /* the default range starts today (the database's date) and covers
         * 14 days; a lone dateStart or dateEnd gets the other end from it */
        int has_s = ds && *ds, has_e = de && *de;
        if (!has_s && !has_e) {
            j->dflt_range = 1;
            submit(j, work_slots);
            return;
        } else if (!has_s) {
            a = b - 13;
        } else if (!has_e) {
            b = a + 13;
        }
    }
    if (b < a) {
        odapi_reply_error(req, 400, "dateEnd must not be before dateStart.");
        ajob_free(j);
        return;
    }
    if (b - a >= MAX_SLOT_DAYS) {
        odapi_reply_error(req, 400, "The date range must not be longer than "
                                    "366 days.");
        ajob_free(j);
        return;
    }
    {
        int y, m, d;
        civil_from_days(a, &y, &m, &d);
        snprintf(j->d0, sizeof j->d0, "%04d-%02d-%02d", y, m, d);
        civil_from_days(b, &y, &m, &d);
        snprintf(j->d1, sizeof j->d1, "%04d-%02d-%02d", y, m, d);
    }
    submit(j, work_slots);
}

/* What these routes take and answer, for GET /openapi.json
 * (engine/openapi-internal.h). */
static const struct od_opdoc appt_docs[] = {
    {"GET", "/appointments/Slots",
     "Open time slots of providers and operatories.",
     "date:date,dateStart:date,dateEnd:date,lengthMinutes:int,ProvNum:int,OpNum:int",
     NULL,
     NULL},
    {"PUT", "/appointments/{AptNum}/Break",
     "Break an appointment.",
     NULL,
     "sendToUnscheduledList:bool!,breakType:text",
     NULL},
    {"PUT", "/appointments/{AptNum}/Note",
     "Append to an appointment's note.",
     NULL,
     "Note:text!",
     NULL},
    {"PUT", "/appointments/{AptNum}/Confirm",
     "Set an appointment's confirmation status (by name or DefNum).",
     NULL,
     "confirmVal:text,defNum:int",
     NULL},
};

void od_register_actions(odapi_server *srv)
{
    od_router_add(&srv->router, "GET", "/appointments/Slots",
                  ODAPI_PERM_READ_ALL, h_slots, NULL);
    od_router_add(&srv->router, "PUT", "/appointments/{AptNum}/Break",
                  ODAPI_PERM_COMM, h_break, NULL);
    od_router_add(&srv->router, "PUT", "/appointments/{AptNum}/Note",
                  ODAPI_PERM_COMM, h_note, NULL);
    od_router_add(&srv->router, "PUT", "/appointments/{AptNum}/Confirm",
                  ODAPI_PERM_COMM, h_confirm, NULL);
    od_api_docs(srv, appt_docs, (int)OD_ARRAY_LEN(appt_docs));
}
