/* appointments.c - the appointment actions that are behaviour, not CRUD
 * (apiappointments.html): PUT /appointments/{AptNum}/Break, /Note and
 * /Confirm, and GET /appointments/Slots. Input is checked on the loop thread;
 * the work runs on a DB worker, each write in one transaction with its
 * securitylog row; the reply is sent from the completion on the loop thread.
 * The choices Open Dental's docs leave open are in docs/resources.md. */
#include "actions/kit-internal.h"
#include "engine/openapi-internal.h"
#include "db/catalog-internal.h"
#include "core/date-internal.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* EnumPermType values used in securitylog (GroupPermission.cs). */
enum { PERM_PROC_COMPL_CREATE = 23, PERM_APPOINTMENT_EDIT = 27,
       PERM_APPT_CONFIRM_EDIT = 120 };

#define MAX_SLOT_DAYS 366
#define MAX_SCHED_ROWS 50000
#define MAX_APPT_ROWS 200000

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

/* An action's input (od_ck_job.data); the AptNum is the job's key. */
struct appt {
    int unsched;            /* Break: sendToUnscheduledList */
    const char *code;       /* Break: "D9986", "D9987" or NULL */
    const char *note;       /* Note (in the job's body) */
    int confirm;            /* Confirm: index into confirm_vals, -1: defNum */
    long long defnum;
    char d0[11], d1[11];    /* Slots: first and last day */
    long long prov, op, minutes;
    int dflt_range;         /* Slots: no dates given: today + 13 days */
};

/* ---- the writes ------------------------------------------------------------- */

/* Lock the appointment; fills AptStatus, PatNum. 0, or -1 (404 set). */
static int lock_appt(struct od_conn *c, struct od_ck_job *j, long long *out)
{
    struct od_prm p[1];
    p[0] = OD_PI(j->key);
    return od_ck_need_ll(c, j,
                         "SELECT AptStatus, PatNum, ProvNum, ClinicNum FROM "
                         "appointment WHERE AptNum = ? FOR UPDATE",
                         p, 1, 4, out, 404, "Appointment not found.");
}

/* The break's completed D9986/D9987 (j->code): today, for the
 * appointment's provider and clinic, its fee as a procedurelogs POST
 * would choose it; its securitylog row. */
static int break_fee(struct od_conn *c, struct od_ck_job *j, long long patnum)
{
    const struct appt *x = j->data;
    struct od_prm p[2] = {OD_PS(x->code), OD_PI(j->key)};
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

static int do_break(struct od_conn *c, struct od_ck_job *j)
{
    const struct appt *x = j->data;
    long long a[4], code[1];
    struct od_prm p[2];
    int rc;
    if (lock_appt(c, j, a))
        return -1;
    if (a[0] != 1)
        return od_ck_fail(j, 400, "Only Scheduled appointments can be "
                                  "broken.");
    /* Every refusal before the first write: tables without transactions
     * (MyISAM) keep what was written before a ROLLBACK. */
    if (x->code) {
        p[0] = OD_PS(x->code);
        rc = od_query_ll(c, "SELECT CodeNum FROM procedurecode WHERE "
                            "ProcCode = ? LIMIT 1", p, 1, 1, code);
        if (rc < 0)
            return -1;
        if (rc == 0)
            return od_ck_fail(j, 400, "Procedure code %s is not in the "
                                      "database.", x->code);
    }
    /* The writes in the order that leaves the least harm if the process
     * or the server stops between two of them on MyISAM
     * (docs/database.md): the appointment is broken first (a retry is
     * then refused, so nothing is written twice), then the commlog notes
     * it, and the fee comes last (never a charge for an appointment that
     * still looks scheduled). */
    p[0] = OD_PI(x->unsched ? 3 : 5); /* UnschedList : Broken */
    p[1] = OD_PI(j->key);
    if (od_exec(c, "UPDATE appointment SET AptStatus = ? WHERE AptNum = ?", p,
                2, NULL, NULL))
        return -1;
    /* the office's "make a commlog when an appointment is broken" */
    p[0] = OD_PI(j->key);
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
    if (x->code && break_fee(c, j, a[1]))
        return -1;
    return od_securitylog(c, PERM_APPOINTMENT_EDIT, j->developer, "Updated",
                          j->key, a[1]);
}

/* The note appended to the appointment's ("\r\n" between) must fit its
 * column whole: MariaDB would cut it (non-strict) rather than refuse. */
static int note_fits(struct od_conn *c, struct od_ck_job *j)
{
    const struct appt *x = j->data;
    const struct od_column *col =
        od_catalog_column(od_db_catalog(c->db), "appointment", "Note");
    struct od_prm p[1] = {OD_PI(j->key)};
    long long have[2], chars, bytes;
    if (od_query_ll(c, "SELECT CHAR_LENGTH(Note), LENGTH(Note) FROM "
                       "appointment WHERE AptNum = ?", p, 1, 2, have) < 0)
        return -1;
    od_column_measure(col, x->note, strlen(x->note), &chars, &bytes);
    if (have[0] > 0) {
        chars += have[0] + 2;
        bytes += have[1] + 2;
    }
    if (!od_column_room(col, chars, bytes))
        return od_ck_fail(j, 400, "Note is too long.");
    return 0;
}

static int do_note(struct od_conn *c, struct od_ck_job *j)
{
    const struct appt *x = j->data;
    long long a[4];
    struct od_prm p[3];
    if (lock_appt(c, j, a) || note_fits(c, j))
        return -1;
    p[0] = OD_PS(x->note);
    p[1] = OD_PS(x->note);
    p[2] = OD_PI(j->key);
    if (od_exec(c,
                "UPDATE appointment SET Note = IF(Note = '', ?, "
                "CONCAT(Note, '\\r\\n', ?)) WHERE AptNum = ?",
                p, 3, NULL, NULL))
        return -1;
    return od_securitylog(c, PERM_APPOINTMENT_EDIT, j->developer, "Updated",
                          j->key, a[1]);
}

static int do_confirm(struct od_conn *c, struct od_ck_job *j)
{
    const struct appt *x = j->data;
    long long a[4], def[1];
    struct od_prm p[2];
    int rc;
    if (lock_appt(c, j, a))
        return -1;
    if (x->confirm < 0) {
        p[0] = OD_PI(x->defnum);
        rc = od_ck_need_ll(c, j,
                           "SELECT DefNum FROM definition WHERE DefNum = ? AND "
                           "Category = 2",
                           p, 1, 1, def, 400, "defNum is invalid.");
    } else if (!confirm_vals[x->confirm].pref) {
        rc = od_ck_need_ll(c, j,
                           "SELECT DefNum FROM definition WHERE Category = 2 "
                           "AND IsHidden = 0 ORDER BY ItemOrder, DefNum LIMIT "
                           "1",
                           NULL, 0, 1, def, 400,
                           "The office has no ApptConfirmed definitions.");
    } else {
        p[0] = OD_PS(confirm_vals[x->confirm].pref);
        rc = od_ck_need_ll(c, j,
                           "SELECT d.DefNum FROM preference p JOIN definition "
                           "d ON d.DefNum = p.ValueString AND d.Category = 2 "
                           "WHERE p.PrefName = ?",
                           p, 1, 1, def, 400, "The office has no "
                           "ApptConfirmed definition for this confirmVal.");
    }
    if (rc)
        return -1;
    p[0] = OD_PI(def[0]);
    p[1] = OD_PI(j->key);
    if (od_exec(c, "UPDATE appointment SET Confirmed = ? WHERE AptNum = ?", p,
                2, NULL, NULL))
        return -1;
    return od_securitylog(c, PERM_APPT_CONFIRM_EDIT, j->developer, "Updated",
                          j->key, a[1]);
}

/* ---- Slots ----------------------------------------------------------------- */

/* yyyy-MM-dd, a real date; its day number in *day. */
static int parse_day(const char *s, long *day)
{
    int y, m, d;
    if (!od_valid_date(s, 0) || sscanf(s, "%4d-%2d-%2d", &y, &m, &d) != 3)
        return -1;
    *day = od_days_from_civil(y, (unsigned)m, (unsigned)d);
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
    od_civil_from_days(day, &y, &m, &d);
    od_buf_printf(b, "\"%04d-%02d-%02d %02lld:%02lld:00\"", y, m, d, min / 60,
                  min % 60);
}

static int slots_dberr(struct od_ck_job *j)
{
    return od_ck_fail(j, 500, "The database could not run the query.");
}

/* No dates given: today (the database's, as other defaults) and 13 days
 * on. */
static int default_range(struct od_conn *c, struct od_ck_job *j)
{
    struct appt *a = j->data;
    long long t[1];
    if (!a->dflt_range)
        return 0;
    if (od_query_ll(c, "SELECT TO_DAYS(CURDATE()) - 719528", NULL, 0, 1,
                    t) != 1)
        return slots_dberr(j);
    od_day_str((long)t[0], a->d0);
    od_day_str((long)t[0] + 13, a->d1);
    return 0;
}

/* The range's provider schedules with their operatories, the
 * appointments in it, and the database's clock ({day from d0, minute}).
 * 0, or -1 with the refusal set. */
static int load_slots(struct od_conn *c, struct od_ck_job *j,
                      struct slots_ctx *x, long long now[2])
{
    const struct appt *a = j->data;
    struct od_prm p[7] = {OD_PS(a->d0), OD_PI(a->prov), OD_PI(a->prov),
                          OD_PS(a->d0), OD_PS(a->d1), OD_PI(a->op),
                          OD_PI(a->op)};
    struct od_prm q[3] = {OD_PS(a->d0), OD_PS(a->d0), OD_PS(a->d1)};
    if (od_query_ll(c,
                    "SELECT DATEDIFF(CURDATE(), ?), HOUR(NOW()) * 60 + "
                    "MINUTE(NOW()) + (SECOND(NOW()) > 0)",
                    p, 1, 2, now) != 1 ||
        od_query_each_ll(
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
            p, 7, 6, add_sched_row, x) == -1)
        return slots_dberr(j);
    if (x->oom || x->ns >= MAX_SCHED_ROWS)
        return od_ck_fail(j, x->oom ? 500 : 400, "%s",
                          x->oom ? "Out of memory."
                                 : "Too many schedules: narrow the date "
                                   "range.");
    if (x->ns &&
        od_query_each_ll(c,
                         "SELECT a.Op, DATEDIFF(a.AptDateTime, ?), "
                         "HOUR(a.AptDateTime) * 60 + MINUTE(a.AptDateTime), "
                         "CHAR_LENGTH(a.Pattern) * 5 FROM appointment a "
                         "WHERE a.AptStatus IN (1, 2, 4) AND a.Op <> 0 AND "
                         "a.AptDateTime >= ? AND a.AptDateTime < ? + "
                         "INTERVAL 1 DAY",
                         q, 3, 4, add_busy_row, x) == -1)
        return slots_dberr(j);
    if (x->oom || x->nb >= MAX_APPT_ROWS)
        return od_ck_fail(j, 500, "Out of memory.");
    return 0;
}

/* The minutes of schedule s that appointment b occupies: when it is in
 * one of the schedule's operatories that day. */
static void mark_busy(const struct slots_ctx *x, const struct sched *s,
                      const struct busy *b, unsigned char *busy)
{
    long long t;
    int o, in = 0;
    if (b->day != s->day)
        return;
    for (o = 0; o < s->nops && !in; o++)
        in = x->ops[s->op0 + o] == b->op;
    for (t = b->start; in && t < b->start + b->len && t < 1440; t++)
        if (t >= 0)
            busy[t] = 1;
}

struct slots_out {
    struct slot *v;
    long n, cap;
};

/* The open blocks of schedule s, at least minutes long, into out; none
 * in the past. 0, or -1 out of memory. */
static int open_blocks(const struct slots_ctx *x, const struct sched *s,
                       const long long now[2], long long minutes,
                       struct slots_out *out)
{
    unsigned char busy[1441];
    long long t, run = -1, lo = s->start, hi = s->stop > 1440 ? 1440 : s->stop;
    long k;
    if (lo < 0 || lo >= hi || s->day < now[0])
        return 0;
    memset(busy, 0, sizeof busy);
    if (s->day == now[0] && now[1] > lo) /* started: from now on */
        for (t = lo; t < now[1] && t < hi; t++)
            busy[t] = 1;
    for (k = 0; k < x->nb; k++)
        mark_busy(x, s, &x->b[k], busy);
    for (t = lo; t <= hi; t++) {
        if (t < hi && !busy[t]) {
            if (run < 0)
                run = t;
            continue;
        }
        if (run >= 0 && t - run >= (minutes > 0 ? minutes : 1)) {
            if (grow((void **)&out->v, &out->cap, out->n + 1, sizeof *out->v))
                return -1;
            /* the lowest OperatoryNum stands for the schedule's */
            out->v[out->n++] = (struct slot){s->day, run, t, s->prov,
                                             x->ops[s->op0]};
        }
        run = -1;
    }
    return 0;
}

/* The blocks as JSON, in time order; overlapping schedules of one
 * provider make one block. */
static void put_slots(struct od_buf *b, struct slots_out *o, long d0)
{
    struct slot *v = o->v;
    long i, k;
    if (o->n)
        qsort(v, (size_t)o->n, sizeof *v, slot_cmp);
    od_buf_addc(b, '[');
    for (i = 0, k = 0; i < o->n; i++) {
        if (i + 1 < o->n && v[i + 1].day == v[i].day &&
            v[i + 1].prov == v[i].prov && v[i + 1].op == v[i].op &&
            v[i + 1].start <= v[i].stop) {
            if (v[i].stop > v[i + 1].stop)
                v[i + 1].stop = v[i].stop;
            v[i + 1].start = v[i].start;
            continue;
        }
        if (k++)
            od_buf_addc(b, ',');
        od_buf_adds(b, "{\"DateTimeStart\":");
        put_dt(b, d0 + (long)v[i].day, v[i].start);
        od_buf_adds(b, ",\"DateTimeEnd\":");
        put_dt(b, d0 + (long)v[i].day, v[i].stop);
        od_buf_printf(b, ",\"ProvNum\":%lld,\"OpNum\":%lld}", v[i].prov,
                      v[i].op);
    }
    od_buf_addc(b, ']');
}

/* Open blocks: every provider schedule (SchedType Provider) in the range,
 * minus the appointments in its operatories; a block is open when no
 * appointment occupies any of the schedule's operatories (only OpNum's
 * when OpNum is given). */
static int work_slots(struct od_conn *c, struct od_ck_job *j)
{
    const struct appt *a = j->data;
    struct slots_ctx x;
    struct slots_out out = {NULL, 0, 0};
    long long now[2] = {0, 0};
    long i, d0 = 0;
    int rc = 0;
    memset(&x, 0, sizeof x);
    if (default_range(c, j) || load_slots(c, j, &x, now))
        rc = -1;
    for (i = 0; rc == 0 && i < x.ns; i++)
        if (open_blocks(&x, &x.s[i], now, a->minutes, &out))
            rc = od_ck_fail(j, 500, "Out of memory.");
    if (rc == 0) {
        parse_day(a->d0, &d0);
        put_slots(&j->out, &out, d0);
    }
    free(x.s);
    free(x.ops);
    free(x.b);
    free(out.v);
    return rc;
}

/* ---- handlers (loop thread) ---------------------------------------------- */

/* A job for an action PUT on /appointments/{AptNum}, with its input and
 * body; NULL after answering. */
static struct od_ck_job *action_job(odapi_request *req, od_ck_work_fn work)
{
    struct od_ck_job *j;
    long long apt;
    if (od_ck_path_key(req, "AptNum", 0, &apt) ||
        !(j = od_ck_new_data(req, work, 1, sizeof(struct appt), NULL)))
        return NULL;
    j->key = apt;
    j->no_body = 1; /* action PUTs answer 200 without a body */
    return od_ck_take_body(j) ? j : NULL;
}

static void h_break(odapi_request *req, void *arg)
{
    struct od_ck_job *j = action_job(req, do_break);
    struct appt *a;
    const char *s = NULL;
    char msg[128];
    (void)arg;
    if (!j)
        return;
    a = j->data;
    if (od_ck_required(od_ck_bool_strict(j->body, "sendToUnscheduledList",
                                         &a->unsched, msg, sizeof msg),
                       "sendToUnscheduledList", msg, sizeof msg))
        return od_ck_reject(j, 400, msg);
    if (od_ck_string(j->body, "breakType", &s, msg, sizeof msg) < 0 ||
        (s && strcasecmp(s, "Missed") && strcasecmp(s, "Cancelled")))
        return od_ck_reject(j, 400, "breakType is invalid.");
    if (s)
        a->code = strcasecmp(s, "Missed") == 0 ? "D9986" : "D9987";
    od_ck_submit(j);
}

static void h_note(odapi_request *req, void *arg)
{
    struct od_ck_job *j = action_job(req, do_note);
    struct appt *a;
    char msg[128];
    int rc;
    (void)arg;
    if (!j)
        return;
    a = j->data;
    rc = od_ck_text(req, j->body, "Note", "appointment", "Note", &a->note,
                    msg, sizeof msg);
    if (rc < 0)
        return od_ck_reject(j, 400, msg);
    if (rc == 0 || !*a->note)
        return od_ck_reject(j, 400, "Note is required.");
    od_ck_submit(j);
}

/* confirmVal (a name) or defNum (a definition's key), not both. */
static const char *read_confirm(json_t *body, struct appt *a)
{
    json_t *cv = json_object_get(body, "confirmVal");
    json_t *dn = json_object_get(body, "defNum");
    char msg[64];
    size_t i;
    if (cv && json_is_null(cv))
        cv = NULL;
    if (dn && json_is_null(dn))
        dn = NULL;
    if (cv && dn)
        return "Only one of confirmVal or defNum may be given.";
    a->confirm = -1;
    if (cv) {
        for (i = 0; json_is_string(cv) && i < OD_ARRAY_LEN(confirm_vals); i++)
            if (strcasecmp(json_string_value(cv), confirm_vals[i].name) == 0)
                a->confirm = (int)i;
        return a->confirm < 0 ? "confirmVal is invalid." : NULL;
    }
    if (dn)
        return od_ck_int(body, "defNum", 1, &a->defnum, msg, sizeof msg) < 0
                   ? "defNum is invalid."
                   : NULL;
    return "confirmVal or defNum is required.";
}

static void h_confirm(odapi_request *req, void *arg)
{
    struct od_ck_job *j = action_job(req, do_confirm);
    const char *msg;
    (void)arg;
    if (!j)
        return;
    if ((msg = read_confirm(j->body, j->data)))
        return od_ck_reject(j, 400, msg);
    od_ck_submit(j);
}

/* Slots' dates: date, or dateStart/dateEnd, into day numbers *a..*b (no
 * date: *dflt). NULL, or the 400 sentence. */
static const char *slot_dates(odapi_request *req, long *a, long *b,
                              int *dflt)
{
    const char *date = od_query_get(&req->query, "date");
    const char *ds = od_query_get(&req->query, "dateStart");
    const char *de = od_query_get(&req->query, "dateEnd");
    int has_s = ds && *ds, has_e = de && *de;
    if (date && *date) {
        if (parse_day(date, a))
            return "date format must be yyyy-MM-dd";
        *b = *a;
        return NULL;
    }
    if (has_s && parse_day(ds, a))
        return "dateStart format must be yyyy-MM-dd";
    if (has_e && parse_day(de, b))
        return "dateEnd format must be yyyy-MM-dd";
    /* the default range starts today (the database's date) and covers 14
     * days; a lone dateStart or dateEnd gets the other end from it */
    *dflt = !has_s && !has_e;
    if (!has_s)
        *a = *b - 13;
    else if (!has_e)
        *b = *a + 13;
    return NULL;
}

/* A number query parameter of at least 0 and at most max, into *out. */
static int slot_num(odapi_request *req, const char *name, long long max,
                    long long *out)
{
    const char *v = od_query_get(&req->query, name);
    return v && *v && (od_parse_ll(v, out) || *out < 0 || *out > max);
}

static void h_slots(odapi_request *req, void *arg)
{
    struct appt in;
    struct od_ck_job *j;
    const char *msg;
    long a = 0, b = 0;
    (void)arg;
    memset(&in, 0, sizeof in);
    if ((msg = slot_dates(req, &a, &b, &in.dflt_range)) ||
        (slot_num(req, "lengthMinutes", 1440, &in.minutes) &&
         (msg = "lengthMinutes is invalid.")) ||
        (slot_num(req, "ProvNum", LLONG_MAX, &in.prov) &&
         (msg = "ProvNum is invalid.")) ||
        (slot_num(req, "OpNum", LLONG_MAX, &in.op) &&
         (msg = "OpNum is invalid."))) {
        odapi_reply_error(req, 400, msg);
        return;
    }
    if (!in.dflt_range && b < a)
        msg = "dateEnd must not be before dateStart.";
    else if (!in.dflt_range && b - a >= MAX_SLOT_DAYS)
        msg = "The date range must not be longer than 366 days.";
    if (msg) {
        odapi_reply_error(req, 400, msg);
        return;
    }
    od_day_str(a, in.d0);
    od_day_str(b, in.d1);
    if (!(j = od_ck_new_data(req, work_slots, 0, sizeof in, NULL)))
        return;
    memcpy(j->data, &in, sizeof in);
    od_ck_submit(j);
}

/* What these routes take and answer, for GET /openapi.json
 * (engine/openapi-internal.h). */
static const struct od_opdoc appt_docs[] = {
    {"GET", "/appointments/Slots",
     "Open time slots of providers and operatories.",
     "date:date,dateStart:date,dateEnd:date,lengthMinutes:int,ProvNum:int,OpNum:int",
     NULL,
     NULL,
     .perm = ODAPI_PERM_READ_ALL, .handler = h_slots},
    {"PUT", "/appointments/{AptNum}/Break",
     "Break an appointment.",
     NULL,
     "sendToUnscheduledList:bool!,breakType:text",
     NULL,
     .perm = ODAPI_PERM_COMM, .handler = h_break},
    {"PUT", "/appointments/{AptNum}/Note",
     "Append to an appointment's note.",
     NULL,
     "Note:text!",
     NULL,
     .perm = ODAPI_PERM_COMM, .handler = h_note},
    {"PUT", "/appointments/{AptNum}/Confirm",
     "Set an appointment's confirmation status (by name or DefNum).",
     NULL,
     "confirmVal:text,defNum:int",
     NULL,
     .perm = ODAPI_PERM_COMM, .handler = h_confirm},
};

OD_CK_ROUTES(od_register_appointment_actions, appt_docs)
