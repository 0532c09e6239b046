/* websched.c - Web Sched for new and existing patients (the api*.html pages):
 *  GET  /appointments/SlotsWebSched  open times for a Web Sched reason
 *       (TimeSlots.GetAvailableWebSchedTimeSlotsForNewOrExistingPat and
 *       GetTimeSlotsForRange, AddTimeSlotsFromSchedule; TimeSlots.cs 24.3)
 *  POST /appointments/WebSched       the appointment a patient books in
 *       one, logged as Web Sched booked it (eservicelog)
 * What is read, and what of Open Dental's rules is left, is in
 * docs/resources.md "Web Sched". */
#include "engine/openapi-internal.h"
#include "actions/kit-internal.h"
#include "db/catalog-internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { PERM_APPOINTMENT_CREATE = 25 };

#define MAX_DAYS 366
#define MAX_ITEMS 20000
#define DAY_MIN 1440

extern const struct od_resource od_res_appointments;

/* ---- what a Web Sched reason (a definition) is set up with -------------- */

struct reason {
    long long def, apttype;
    int newpat;               /* category 42 (new patients) or 51 */
    char pattern[256];        /* the appointment type's, 5-minute units */
    long long color;
};

/* The definition of category 42 (isNewPatient) or 51, the appointment type
 * it is linked to (DefLinkType AppointmentType, 2) and its time pattern
 * (its Pattern, else its procedures' ProcTime patterns). 0, or -1 with
 * the refusal. */
static int read_reason(struct od_conn *c, struct od_ck_job *j, struct reason *r)
{
    struct od_prm p[3] = {OD_PI(r->def), OD_PI(r->newpat),
                          OD_PI(r->newpat > 0 ? 42 : 51)};
    char v[5][OD_COLSZ];
    int rc = od_query_row(
        c,
        "SELECT ty.AppointmentTypeNum, ty.Pattern, ty.AppointmentTypeColor, "
        "COALESCE((SELECT GROUP_CONCAT(pc.ProcTime ORDER BY FIND_IN_SET("
        "pc.ProcCode, REPLACE(ty.CodeStr, ' ', '')) SEPARATOR '') FROM "
        "procedurecode pc WHERE FIND_IN_SET(pc.ProcCode, REPLACE(ty.CodeStr, "
        "' ', ''))), ''), d.Category FROM definition d LEFT JOIN deflink l ON "
        "l.DefNum = d.DefNum AND l.LinkType = 2 LEFT JOIN appointmenttype ty "
        "ON ty.AppointmentTypeNum = l.FKey WHERE d.DefNum = ? AND IF(? < 0, "
        "d.Category IN (42, 51), d.Category = ?) ORDER BY l.DefLinkNum "
        "LIMIT 1",
        p, 3, 5, v);
    if (rc < 0)
        return -1;
    if (rc == 0)
        return od_ck_fail(j, 400, "defNumApptType is invalid.");
    if (!v[0][0])
        return od_ck_fail(j, 400, "The reason for your appointment is no "
                                  "longer "
                               "available.");
    r->newpat = strcmp(v[4], "42") == 0;
    r->apttype = atoll(v[0]);
    r->color = atoll(v[2]);
    snprintf(r->pattern, sizeof r->pattern, "%s", v[1][0] ? v[1] : v[3]);
    if (!r->pattern[0] || !od_check_pattern(r->pattern))
        snprintf(r->pattern, sizeof r->pattern, "/XX/");
    return 0;
}

/* ---- GET /appointments/SlotsWebSched ------------------------------------ */

struct op {
    long long num, dent, hyg;
};

struct sched {             /* a provider's schedule or a blockout */
    long long num;
    long day;              /* days after the first day */
    int start, stop;       /* minutes */
    long long prov, blocktype;
    int nops;
    long long ops[16];     /* its operatories (none: dynamic) */
};

struct appt {
    long day;
    int start, len;
    long long op, prov;
    char pattern[128];
};

struct slot {
    long day;
    int start, stop;
    long long prov, op;
    int oporder;
};

struct slotsq {
    struct reason r;
    char d0[11], d1[11];
    long long clinic;
    int has_clinic;
};

struct slotctx {
    struct op ops[64];
    int nops;
    struct sched *s;
    long ns, caps;
    struct appt *a;
    long na, capa;
    struct slot *out;
    long nout, capout;
    int oom, incr;
    long today, now_min, first;  /* day numbers, minutes */
    char allowed[512];           /* blockout types one may book over */
};

static int grow(void **p, long *cap, long need, size_t size)
{
    void *n;
    long c = *cap ? *cap * 2 : 64;
    if (need <= *cap)
        return 0;
    if (need > MAX_ITEMS)
        return -1;
    while (c < need)
        c *= 2;
    if (!(n = realloc(*p, (size_t)c * size)))
        return -1;
    *p = n;
    *cap = c;
    return 0;
}

/* ScheduleNum, day, start, stop, ProvNum, BlockoutType, OperatoryNum;
 * a schedule's operatories are consecutive rows. */
static int add_sched(void *arg, char **v)
{
    struct slotctx *x = arg;
    struct sched *s = x->ns ? &x->s[x->ns - 1] : NULL;
    long long num = atoll(v[0]);
    if (!s || s->num != num) {
        if (grow((void **)&x->s, &x->caps, x->ns + 1, sizeof *x->s)) {
            x->oom = 1;
            return 1;
        }
        s = &x->s[x->ns++];
        memset(s, 0, sizeof *s);
        s->num = num;
        s->day = atol(v[1]);
        s->start = atoi(v[2]);
        s->stop = atoi(v[3]);
        s->prov = atoll(v[4]);
        s->blocktype = atoll(v[5]);
    }
    if (*v[6] && s->nops < (int)OD_ARRAY_LEN(s->ops))
        s->ops[s->nops++] = atoll(v[6]);
    return 0;
}

/* day, start minute, length, Op, ProvNum, Pattern */
static int add_appt(void *arg, char **v)
{
    struct slotctx *x = arg;
    struct appt *a;
    if (grow((void **)&x->a, &x->capa, x->na + 1, sizeof *x->a)) {
        x->oom = 1;
        return 1;
    }
    a = &x->a[x->na++];
    a->day = atol(v[0]);
    a->start = atoi(v[1]);
    a->len = atoi(v[2]);
    a->op = atoll(v[3]);
    a->prov = atoll(v[4]);
    snprintf(a->pattern, sizeof a->pattern, "%s", v[5]);
    return 0;
}

static int add_op(void *arg, char **v)
{
    struct slotctx *x = arg;
    if (x->nops == (int)OD_ARRAY_LEN(x->ops))
        return 1;
    x->ops[x->nops].num = atoll(v[0]);
    x->ops[x->nops].dent = atoll(v[1]);
    x->ops[x->nops].hyg = atoll(v[2]);
    x->nops++;
    return 0;
}

/* TimeSlots.IsTimeOverlapping */
static int overlapping(int as, int ae, int bs, int be)
{
    return (as >= bs && as < be) || (ae > bs && ae <= be) ||
           (as <= bs && ae >= be);
}

static int op_order(const struct slotctx *x, long long op)
{
    int i;
    for (i = 0; i < x->nops; i++)
        if (x->ops[i].num == op)
            return i;
    return x->nops;
}

/* IsApptPatternDoubleBooked, for an office that does not allow it: the
 * provider is busy (an X of another appointment of theirs) where the
 * pattern has an X. */
static int double_booked(const struct slotctx *x, long day, int start,
                         long long prov, const char *pattern)
{
    long i;
    int k;
    for (i = 0; i < x->na; i++) {
        const struct appt *a = &x->a[i];
        if (a->day != day || a->prov != prov)
            continue;
        for (k = 0; pattern[k]; k++) {
            int t = start + k * 5, o = (t - a->start) / 5;
            if (pattern[k] == 'X' && t >= a->start && o >= 0 &&
                o < (int)strlen(a->pattern) && a->pattern[o] == 'X')
                return 1;
        }
    }
    return 0;
}

/* The first collision of [s, e) with a blockout or an appointment in op
 * that day: its end, or -1. */
static int collision(const struct slotctx *x, long day, long long op, int s,
                     int e)
{
    long i;
    int k;
    for (i = 0; i < x->ns; i++) {
        const struct sched *b = &x->s[i];
        if (!b->blocktype || b->day != day)
            continue;
        for (k = 0; k < b->nops; k++)
            if (b->ops[k] == op && overlapping(s, e, b->start, b->stop))
                return b->stop;
    }
    for (i = 0; i < x->na; i++) {
        const struct appt *a = &x->a[i];
        if (a->day == day && a->op == op &&
            overlapping(s, e, a->start, a->start + a->len))
            return a->start + a->len;
    }
    return -1;
}

/* A slot already found for this provider at this time: 1 (the first slot
 * of that time takes the leftmost operatory, as Open Dental does); 0 none. */
static int known_slot(struct slotctx *x, long day, int s, int e,
                      long long prov, long long op)
{
    long i;
    int known = 0;
    for (i = 0; i < x->nout && !known; i++)
        known = x->out[i].day == day && x->out[i].start == s &&
                x->out[i].stop == e && x->out[i].prov == prov;
    if (!known)
        return 0;
    for (i = 0; i < x->nout; i++) {
        struct slot *o = &x->out[i];
        if (o->day == day && o->start == s && o->stop == e) {
            if (op_order(x, op) < o->oporder) {
                o->op = op;
                o->oporder = op_order(x, op);
            }
            break;
        }
    }
    return 1;
}

static int add_slot(struct slotctx *x, long day, int s, int e,
                    long long prov, long long op)
{
    struct slot *o;
    if (grow((void **)&x->out, &x->capout, x->nout + 1, sizeof *x->out))
        return -1;
    o = &x->out[x->nout++];
    o->day = day;
    o->start = s;
    o->stop = e;
    o->prov = prov;
    o->op = op;
    o->oporder = op_order(x, op);
    return 0;
}

/* TimeSlots.AddTimeSlotsFromSchedule: walk the schedule in steps of the
 * office's time increment; a blockout or appointment moves the start past
 * it; a gap as long as the pattern is a slot, after which the walk goes
 * back to the last "perfect" start (schedule start + n * length). */
static int slots_in(struct slotctx *x, const struct sched *sc,
                    long long op, int start, int stop, const char *pattern,
                    int no_double)
{
    int len = (int)strlen(pattern) * 5, s = start, e, k, np = 0, end;
    int perfect[DAY_MIN / 5 + 2];
    for (k = start; k <= stop && np < (int)OD_ARRAY_LEN(perfect); k += len)
        perfect[np++] = k;
    for (e = start + x->incr; e <= stop; e += x->incr) {
        int span = e - s;
        if ((end = collision(x, sc->day, op, s, e)) >= 0) {
            s = end;
            continue;
        }
        if (span < len)
            continue;
        if (!known_slot(x, sc->day, s, e, sc->prov, op)) {
            if (no_double && double_booked(x, sc->day, s, sc->prov, pattern)) {
                s += x->incr;
                continue;
            }
            if (add_slot(x, sc->day, s, e, sc->prov, op))
                return -1;
            for (k = 0; k < np && perfect[k] != s; k++)
                ;
            if (k == np) { /* back to the last perfect start before e */
                for (k = np - 1; k > 0 && perfect[k] - e >= 0; k--)
                    ;
                s = e = perfect[k];
                continue;
            }
        }
        s = e;
    }
    return 0;
}

/* TimeSlots.GetTimeSlotsForRange over the loaded schedules. */
static int find_slots(struct slotctx *x, const char *pattern, int no_double)
{
    long i;
    int k, m;
    for (i = 0; i < x->ns; i++) {
        const struct sched *sc = &x->s[i];
        int start = sc->start, over;
        if (sc->blocktype || x->first + sc->day < x->today)
            continue;
        over = (start % 60) % x->incr;
        if (over)
            start += x->incr - over;
        if (start >= sc->stop)
            continue;
        for (k = 0; k < x->nops; k++) {
            const struct op *o = &x->ops[k];
            int in = 0;
            if (sc->nops) /* its operatories that take the reason */
                for (m = 0; m < sc->nops; m++)
                    in |= sc->ops[m] == o->num;
            else /* a dynamic schedule: the provider's operatories */
                in = o->dent == sc->prov || o->hyg == sc->prov;
            if (in && slots_in(x, sc, o->num, start, sc->stop, pattern,
                               no_double))
                return -1;
        }
    }
    return 0;
}

static int slot_cmp(const void *pa, const void *pb)
{
    const struct slot *a = pa, *b = pb;
    if (a->day != b->day)
        return a->day < b->day ? -1 : 1;
    if (a->start != b->start)
        return a->start < b->start ? -1 : 1;
    return a->oporder - b->oporder;
}

static void put_dt(struct od_buf *b, long day, int min)
{
    char d[11];
    od_ck_day_str(day, d);
    od_buf_printf(b, "\"%s %02d:%02d:00\"", d, min / 60, min % 60);
}

static void write_slots(struct od_ck_job *j, struct slotctx *x)
{
    long i, n = 0;
    if (x->nout > 1)
        qsort(x->out, (size_t)x->nout, sizeof *x->out, slot_cmp);
    od_buf_addc(&j->out, '[');
    for (i = 0; i < x->nout; i++) {
        const struct slot *o = &x->out[i];
        /* none that starts before now */
        if (x->first + o->day == x->today && o->start < x->now_min)
            continue;
        if (n++)
            od_buf_addc(&j->out, ',');
        od_buf_adds(&j->out, "{\"DateTimeStart\":");
        put_dt(&j->out, x->first + o->day, o->start);
        od_buf_adds(&j->out, ",\"DateTimeEnd\":");
        put_dt(&j->out, x->first + o->day, o->stop);
        od_buf_printf(&j->out, ",\"ProvNum\":%lld,\"OpNum\":%lld}", o->prov,
                      o->op);
    }
    od_buf_addc(&j->out, ']');
}

/* The preferences: AppointmentTimeIncrement, the reason's double booking
 * rule (0: allowed) and its blockout types one may book over, whether the
 * office uses clinics; the database's today and now. */
static int read_slot_prefs(struct od_conn *c, struct slotctx *x, int newpat,
                           int *no_double, int *clinics)
{
    struct od_prm p[2] = {
        OD_PS(newpat ? "WebSchedNewPatApptDoubleBooking"
                     : "WebSchedExistingPatDoubleBooking"),
        OD_PS(newpat ? "WebSchedNewPatAllowedBlockouts"
                     : "WebSchedExistingPatAllowedBlockouts")};
    char v[6][OD_COLSZ];
    if (od_query_row(c,
                     "SELECT (SELECT ValueString FROM preference WHERE "
                     "PrefName = 'AppointmentTimeIncrement'), (SELECT "
                     "ValueString FROM preference WHERE PrefName = ?), "
                     "(SELECT ValueString FROM preference WHERE PrefName = "
                     "?), (SELECT ValueString FROM preference WHERE PrefName "
                     "= 'EasyNoClinics'), TO_DAYS(CURDATE()) - 719528, "
                     "HOUR(NOW()) * 60 + MINUTE(NOW())",
                     p, 2, 6, v) != 1)
        return -1;
    x->incr = atoi(v[0]) > 0 ? atoi(v[0]) : 10;
    *no_double = v[1][0] && atoi(v[1]) != 0;
    snprintf(x->allowed, sizeof x->allowed, "%s", v[2]);
    *clinics = strcmp(v[3], "1") != 0;
    x->today = atol(v[4]);
    x->now_min = atol(v[5]);
    return 0;
}

/* The reason's operatories (DefLinkType Operatory, 3), in the office's
 * order; the schedules of persons who are not hidden, and the blockouts
 * one may not book over; the appointments (not UnschedList) of the range. */
static int load_slots(struct od_conn *c, struct slotctx *x,
                      const struct slotsq *q, int clinics)
{
    struct od_prm p[8];
    p[0] = OD_PI(q->r.def);
    p[1] = OD_PI(clinics);
    p[2] = OD_PI(q->clinic);
    if (od_query_each(c, "SELECT o.OperatoryNum, o.ProvDentist, "
                         "o.ProvHygienist FROM deflink l JOIN operatory o ON "
                         "o.OperatoryNum = l.FKey WHERE l.LinkType = 3 AND "
                         "l.DefNum = ? AND o.IsHidden = 0 AND (? = 0 OR "
                         "o.ClinicNum = ?) GROUP BY o.OperatoryNum, "
                         "o.ProvDentist, o.ProvHygienist, o.ItemOrder ORDER "
                         "BY o.ItemOrder, o.OperatoryNum",
                      p, 3, 3, add_op, x) < 0)
        return -1;
    if (!x->nops)
        return 0; /* a reason no operatory takes: no slots */
    p[0] = OD_PS(q->d0);
    p[1] = OD_PS(q->d0);
    p[2] = OD_PS(q->d1);
    p[3] = OD_PS(x->allowed);
    if (od_query_each(
            c,
            "SELECT s.ScheduleNum, DATEDIFF(s.SchedDate, ?), "
            "TIME_TO_SEC(s.StartTime) DIV 60, TIME_TO_SEC(s.StopTime) DIV 60, "
            "s.ProvNum, IF(s.SchedType = 2, GREATEST(s.BlockoutType, 1), 0), "
            "COALESCE(so.OperatoryNum, '') FROM schedule s LEFT JOIN "
            "scheduleop so ON so.ScheduleNum = s.ScheduleNum WHERE "
            "s.SchedDate BETWEEN ? AND ? AND ((s.SchedType = 1 AND EXISTS ("
            "SELECT 1 FROM provider pv WHERE pv.ProvNum = s.ProvNum AND "
            "pv.IsHidden = 0 AND pv.IsNotPerson = 0)) OR (s.SchedType = 2 "
            "AND NOT FIND_IN_SET(s.BlockoutType, REPLACE(?, ' ', '')))) "
            "ORDER BY s.ScheduleNum, so.OperatoryNum",
            p, 4, 7, add_sched, x) < 0)
        return -1;
    p[0] = OD_PS(q->d0);
    p[1] = OD_PS(q->d0);
    p[2] = OD_PS(q->d1);
    if (od_query_each(c, "SELECT DATEDIFF(a.AptDateTime, ?), "
                         "HOUR(a.AptDateTime) * 60 + MINUTE(a.AptDateTime), "
                         "CHAR_LENGTH(a.Pattern) * 5, a.Op, a.ProvNum, "
                         "a.Pattern FROM appointment a WHERE a.Op > 0 AND "
                         "a.AptStatus <> 3 AND a.AptDateTime >= ? AND "
                         "a.AptDateTime < ? + INTERVAL 1 DAY",
                      p, 3, 6, add_appt, x) < 0)
        return -1;
    return x->oom ? -1 : 0;
}

static int do_slots(struct od_conn *c, struct od_ck_job *j)
{
    struct slotsq *q = j->data;
    struct slotctx x;
    int rc, no_double = 0, clinics = 0;
    memset(&x, 0, sizeof x);
    if (read_reason(c, j, &q->r) ||
        read_slot_prefs(c, &x, q->r.newpat, &no_double, &clinics))
        return -1;
    if (clinics && !q->has_clinic)
        return od_ck_fail(j, 400, "ClinicNum is required.");
    if (!q->d0[0]) { /* two weeks from today */
        od_ck_day_str(x.today, q->d0);
        od_ck_day_str(x.today + 13, q->d1);
    }
    x.first = od_ck_day_num(q->d0);
    rc = load_slots(c, &x, q, clinics);
    if (!rc && x.nops)
        rc = find_slots(&x, q->r.pattern, no_double);
    if (!rc)
        write_slots(j, &x);
    else if (x.oom)
        od_ck_fail(j, 500, "Out of memory.");
    free(x.s);
    free(x.a);
    free(x.out);
    return rc || j->out.oom ? -1 : 0;
}

/* date, or dateStart and dateEnd (a lone one: two weeks from it); 0, or
 * -1 after answering. */
static int slot_dates(struct od_ck_job *j, struct slotsq *q)
{
    char msg[128], a[11] = "", b[11] = "";
    int rc;
    if ((rc = od_ck_query_date(j->req, "date", a, msg, sizeof msg)) > 0) {
        memcpy(q->d0, a, 11);
        memcpy(q->d1, a, 11);
        return 0;
    }
    if (rc < 0 ||
        od_ck_query_date(j->req, "dateStart", a, msg, sizeof msg) < 0 ||
        od_ck_query_date(j->req, "dateEnd", b, msg, sizeof msg) < 0) {
        od_ck_reject(j, 400, msg);
        return -1;
    }
    if (!a[0] && !b[0])
        return 0; /* from today, on the worker */
    if (!a[0])
        od_ck_day_str(od_ck_day_num(b) - 13, a);
    if (!b[0])
        od_ck_day_str(od_ck_day_num(a) + 13, b);
    if (od_ck_day_num(b) < od_ck_day_num(a) ||
        od_ck_day_num(b) - od_ck_day_num(a) >= MAX_DAYS) {
        od_ck_reject(j, 400, od_ck_day_num(b) < od_ck_day_num(a)
                              ? "dateEnd must not be before dateStart."
                              : "The date range must not be longer than 366 "
                                "days.");
        return -1;
    }
    memcpy(q->d0, a, 11);
    memcpy(q->d1, b, 11);
    return 0;
}

static void h_slots(odapi_request *req, void *arg)
{
    struct od_ck_job *j =
        od_ck_new_data(req, do_slots, 0, sizeof(struct slotsq), NULL);
    struct slotsq *q;
    char msg[128];
    const char *v;
    int isnew = -1;
    (void)arg;
    if (!j)
        return;
    q = j->data;
    if (od_ck_query_key_req(req, "defNumApptType", &q->r.def, msg,
                            sizeof msg)) {
        od_ck_reject(j, 400, msg);
        return;
    }
    if (od_ck_query_bool(req, "isNewPatient", &isnew, msg, sizeof msg) < 0) {
        od_ck_reject(j, 400, msg);
        return;
    }
    q->r.newpat = isnew;
    if ((v = od_query_get(&req->query, "ClinicNum")) && *v &&
        (od_parse_ll(v, &q->clinic) || q->clinic < 0)) {
        od_ck_reject(j, 400, "ClinicNum is invalid.");
        return;
    }
    q->has_clinic = v && *v;
    if (slot_dates(j, q))
        return;
    od_ck_submit(j);
}

/* ---- POST /appointments/WebSched ---------------------------------------- */

struct booking {
    struct reason r;
    long long patnum, prov, op;
    int has_prov;
    char start[20], end[20];
};

/* The operatory must take the reason (deflink Operatory); the provider
 * defaults to its dentist, or hygienist for a hygiene operatory, else the
 * patient's primary provider. 0, or -1 with the refusal. */
static int booking_refs(struct od_conn *c, struct od_ck_job *j,
                        struct booking *b, long long *clinic, int *hyg)
{
    struct od_prm p[2] = {OD_PI(b->patnum)};
    long long v[4];
    int rc = od_query_ll(c, "SELECT PriProv FROM patient WHERE PatNum = ? "
                            "FOR UPDATE", p, 1, 1, v);
    long long pri = v[0];
    if (rc <= 0)
        return rc < 0 ? -1 : od_ck_fail(j, 404, "Patient not found.");
    p[0] = OD_PI(b->op);
    p[1] = OD_PI(b->r.def);
    rc = od_query_ll(c, "SELECT o.ClinicNum, o.IsHygiene, o.ProvDentist, "
                        "o.ProvHygienist FROM operatory o WHERE "
                        "o.OperatoryNum = ? AND EXISTS (SELECT 1 FROM deflink "
                        "l WHERE l.LinkType = 3 AND l.FKey = o.OperatoryNum "
                        "AND l.DefNum = ?)", p, 2, 4, v);
    if (od_ck_need(j, rc, 400, "OpNum is invalid."))
        return -1;
    *clinic = v[0];
    *hyg = v[1] != 0;
    if (!b->has_prov)
        b->prov = v[1] && v[3] ? v[3] : v[2] ? v[2] : pri;
    return od_ck_need_key(c, j, "SELECT ProvNum FROM provider WHERE ProvNum "
                                "= ?", b->prov, 400, "ProvNum is invalid.");
}

/* The appointment Web Sched books: Scheduled at DateTimeStart in OpNum,
 * of the reason's appointment type (its pattern and colour), a new
 * patient's when the reason is one; logged in eservicelog as Web Sched
 * booked it (eServiceAction WSAppointmentScheduledFromServer, 13; type
 * WSNewPat 2 or WSExistingPat 3), so GET /appointments/WebSched names it.
 * Appointments.ValidateApptForWeb's rule applies. */
static int do_book(struct od_conn *c, struct od_ck_job *j)
{
    struct booking *b = j->data;
    struct od_prm p[12];
    long long clinic = 0;
    int hyg = 0;
    char sec[256];
    if (read_reason(c, j, &b->r) ||
        booking_refs(c, j, b, &clinic, &hyg) ||
        od_ck_overlaps(c, j, b->op, b->start, b->r.pattern, 0, b->r.apttype))
        return -1;
    p[0] = OD_PI(b->patnum);
    p[1] = OD_PS(b->r.pattern);
    p[2] = OD_PI(b->op);
    p[3] = OD_PI(b->prov);
    p[4] = OD_PS(b->start);
    p[5] = OD_PI(b->r.newpat);
    p[6] = OD_PI(clinic);
    p[7] = OD_PI(hyg);
    p[8] = OD_PI(b->r.color);
    p[9] = OD_PI(b->r.apttype);
    if (od_exec(c,
                "INSERT INTO appointment (PatNum, AptStatus, Pattern, "
                "Confirmed, Op, Note, ProvNum, AptDateTime, IsNewPatient, "
                "ProcDescript, ClinicNum, IsHygiene, ProcsColored, "
                "ColorOverride, AppointmentTypeNum, SecDateTEntry) VALUES (?, "
                "1, ?, COALESCE((SELECT DefNum FROM definition WHERE Category "
                "= 2 AND IsHidden = 0 ORDER BY ItemOrder LIMIT 1), 0), ?, '', "
                "?, ?, ?, '', ?, ?, '', ?, ?, NOW())",
                p, 10, NULL, &j->key))
        return -1;
    memset(sec, '/', strlen(b->r.pattern));
    sec[strlen(b->r.pattern)] = '\0';
    p[0] = OD_PS(sec);
    p[1] = OD_PI(j->key);
    if (od_catalog_column(od_db_catalog(c->db), "appointment",
                          "PatternSecondary") &&
        od_exec(c, "UPDATE appointment SET PatternSecondary = ? WHERE AptNum "
                   "= ?", p, 2, NULL, NULL))
        return -1;
    p[0] = OD_PI(b->r.newpat ? 2 : 3);
    p[1] = OD_PI(b->patnum);
    p[2] = OD_PI(clinic);
    p[3] = OD_PI(j->key);
    if (od_exec(c,
                "INSERT INTO eservicelog (KeyType, EServiceType, "
                "EServiceAction, LogDateTime, PatNum, ClinicNum, LogGuid, "
                "FKey, DateTimeUploaded, Note) VALUES (1, ?, 13, NOW(), ?, ?, "
                "'', ?, '0001-01-01 00:00:00', '')",
                p, 4, NULL, NULL))
        return -1;
    return od_securitylog(c, PERM_APPOINTMENT_CREATE, j->developer,
                          "Created", j->key, b->patnum);
}

static void h_book(odapi_request *req, void *arg)
{
    static const char *const need[] = {"PatNum", "DateTimeStart",
                                       "DateTimeEnd", "OpNum",
                                       "defNumApptType"};
    struct od_ck_job *j =
        od_ck_new_data(req, do_book, 1, sizeof(struct booking), NULL);
    struct booking *b;
    json_t *body;
    char msg[160];
    int rc[5], prov;
    size_t i;
    (void)arg;
    if (!j)
        return;
    b = j->data;
    if (!(body = od_ck_take_body(j)))
        return;
    od_ck_created(j, &od_res_appointments);
    b->r.newpat = -1;
    rc[0] = od_ck_key(body, "PatNum", &b->patnum, msg, sizeof msg);
    /* the documentation's example writes dateTimeStart and dateTimeEnd */
    rc[1] = od_ck_datetime(body, json_object_get(body, "dateTimeStart") &&
                                !json_object_get(body, "DateTimeStart")
                            ? "dateTimeStart" : "DateTimeStart",
                        b->start, msg, sizeof msg);
    rc[2] = rc[1] < 0 ? -1
            : od_ck_datetime(body, json_object_get(body, "dateTimeEnd") &&
                                    !json_object_get(body, "DateTimeEnd")
                                ? "dateTimeEnd" : "DateTimeEnd",
                          b->end, msg, sizeof msg);
    rc[3] = rc[2] < 0 ? -1 : od_ck_key(body, "OpNum", &b->op, msg, sizeof msg);
    rc[4] = rc[3] < 0 ? -1 : od_ck_key(body, "defNumApptType", &b->r.def, msg,
                                    sizeof msg);
    prov = rc[4] < 0 ? -1 : od_ck_key(body, "ProvNum", &b->prov, msg,
                                   sizeof msg);
    for (i = 0; i < OD_ARRAY_LEN(need); i++)
        if (rc[i] <= 0) {
            if (rc[i] == 0)
                snprintf(msg, sizeof msg, "%s is required.", need[i]);
            od_ck_reject(j, 400, msg);
            return;
        }
    if (prov < 0) {
        od_ck_reject(j, 400, msg);
        return;
    }
    b->has_prov = prov > 0;
    if (strcmp(b->end, b->start) <= 0) {
        od_ck_reject(j, 400, "DateTimeEnd must be after DateTimeStart.");
        return;
    }
    od_ck_submit(j);
}

/* What these routes take and answer, for GET /openapi.json
 * (engine/openapi-internal.h). */
static const struct od_opdoc websched_docs[] = {
    {"GET", "/appointments/SlotsWebSched",
     "Open Web Sched slots.",
     "ClinicNum:int!,defNumApptType:int!,isNewPatient:bool,date:date,dateStart:date,dateEnd:date",
     NULL,
     NULL,
     .perm = ODAPI_PERM_READ_ALL, .handler = h_slots},
    {"POST", "/appointments/WebSched",
     "Book a Web Sched appointment.",
     NULL,
     "PatNum:int!,dateTimeStart:datetime!,dateTimeEnd:datetime!,OpNum:int!,defNumApptType:int!,ProvNum:int",
     "appointments",
     .perm = ODAPI_PERM_APPOINTMENTS, .handler = h_book},
};

OD_CK_ROUTES(od_register_websched_actions, websched_docs)
