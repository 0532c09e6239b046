/* planned.c - planned appointments (apiappointments.html, the api*.html
 * pages):
 *  POST /appointments/Planned          a Planned appointment for treatment
 *                                      (AppointmentL.CreatePlannedAppt,
 *                                      Procedures.AttachToApptForApi)
 *  POST /appointments/SchedulePlanned  its scheduled copy
 *                                      (Appointments.SchedulePlannedApt)
 * Both answer 201 with the new appointment as GET /appointments writes it
 * and write one securitylog row (AppointmentCreate). docs/resources.md
 * "Planned appointments" says which rules of Open Dental 24.3 are here. */
#include "engine/openapi-internal.h"
#include "actions/kit-internal.h"
#include "db/catalog-internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { PERM_APPOINTMENT_CREATE = 25 };

#define MAX_PROCS 100

extern const struct od_resource od_res_appointments;

struct apptin {
    json_t *body; /* the job's (od_ck_take_body) */
    long long patnum, apttype, confirmed, prov, provhyg, clinic, aptnum, op;
    int has_confirmed, has_prov, has_provhyg, has_clinic;
    int ishyg, isnew, priority;  /* -1: not given */
    char pattern[256], patsec[256], dt[20];
    const char *note;            /* into body */
    long long procs[MAX_PROCS];
    int nprocs;
};

/* ---- input -------------------------------------------------------------- */

/* X and / only, as POST /appointments takes it (od_check_pattern). */
static int pattern_of(json_t *body, const char *name, char *out, char *msg,
                      size_t msgsize)
{
    json_t *v = json_object_get(body, name);
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_string(v) || !*json_string_value(v) ||
        strlen(json_string_value(v)) >= 256 ||
        !od_check_pattern(json_string_value(v))) {
        snprintf(msg, msgsize, "%s is invalid.", name);
        return -1;
    }
    snprintf(out, 256, "%s", json_string_value(v));
    return 1;
}

/* procNums: a list of keys. */
static int procs_of(json_t *body, struct apptin *a, char *msg,
                    size_t msgsize)
{
    json_t *list = json_object_get(body, "procNums"), *e;
    size_t i;
    if (!list || json_is_null(list))
        return 0;
    if (!json_is_array(list) || json_array_size(list) > MAX_PROCS) {
        snprintf(msg, msgsize, "procNums is invalid.");
        return -1;
    }
    json_array_foreach(list, i, e) {
        long long n = 0;
        if (json_is_integer(e))
            n = json_integer_value(e);
        else if (!json_is_string(e) || od_parse_ll(json_string_value(e), &n))
            n = 0;
        if (n <= 0) {
            snprintf(msg, msgsize, "procNums is invalid.");
            return -1;
        }
        a->procs[a->nprocs++] = n;
    }
    return a->nprocs > 0;
}

/* The optional appointment fields both actions take: 0, or -1 with msg. */
static int common_of(odapi_request *req, struct apptin *a, char *msg,
                     size_t msgsize)
{
    int rc;
    a->ishyg = a->isnew = a->priority = -1;
    if ((rc = od_ck_key(a->body, "Confirmed", &a->confirmed, msg, msgsize)) < 0)
        return -1;
    a->has_confirmed = rc;
    if ((rc = od_ck_key(a->body, "ProvNum", &a->prov, msg, msgsize)) < 0)
        return -1;
    a->has_prov = rc;
    if (od_ck_text(req, a->body, "Note", "appointment", "Note", &a->note, msg,
                msgsize) < 0)
        return -1;
    return 0;
}

/* POST Planned's other fields. */
static int planned_of(odapi_request *req, struct apptin *a, char *msg,
                      size_t msgsize)
{
    json_t *v;
    int rc;
    if (common_of(req, a, msg, msgsize) ||
        pattern_of(a->body, "Pattern", a->pattern, msg, msgsize) < 0 ||
        pattern_of(a->body, "PatternSecondary", a->patsec, msg, msgsize) < 0 ||
        od_ck_bool(a->body, "IsHygiene", &a->ishyg, msg, msgsize) < 0 ||
        od_ck_bool(a->body, "IsNewPatient", &a->isnew, msg, msgsize) < 0)
        return -1;
    if ((rc = od_ck_key(a->body, "ProvHyg", &a->provhyg, msg, msgsize)) < 0)
        return -1;
    a->has_provhyg = rc;
    if ((v = json_object_get(a->body, "ClinicNum")) && !json_is_null(v) &&
        (json_is_integer(v) ? (a->clinic = json_integer_value(v)) < 0
                            : !json_is_string(v) ||
                                  od_parse_ll(json_string_value(v),
                                              &a->clinic) ||
                                  a->clinic < 0)) {
        snprintf(msg, msgsize, "ClinicNum is invalid.");
        return -1;
    }
    a->has_clinic = v && !json_is_null(v);
    if ((v = json_object_get(a->body, "Priority")) && !json_is_null(v) &&
        (!json_is_string(v) ||
         (a->priority = od_enum_value(&od_enum_aptpriority,
                                      json_string_value(v))) < 0)) {
        snprintf(msg, msgsize, "Priority is invalid.");
        return -1;
    }
    if ((rc = od_ck_key(a->body, "AppointmentTypeNum", &a->apttype, msg,
                     msgsize)) < 0 ||
        (rc = procs_of(a->body, a, msg, msgsize)) < 0)
        return -1;
    if (!a->apttype && !a->nprocs) {
        snprintf(msg, msgsize, "AppointmentTypeNum or procNums is required.");
        return -1;
    }
    return 0;
}

/* ---- checks on the worker ----------------------------------------------- */

/* Each key that names a row must: 0, or -1 with the 400. */
static int refs_ok(struct od_conn *c, struct od_ck_job *j,
                   const struct apptin *a)
{
    static const struct { const char *sql, *msg; } refs[] = {
        {"SELECT DefNum FROM definition WHERE DefNum = ? AND Category = 2",
         "Confirmed is invalid."},
        {"SELECT ProvNum FROM provider WHERE ProvNum = ?",
         "ProvNum is invalid."},
        {"SELECT ProvNum FROM provider WHERE ProvNum = ?",
         "ProvHyg is invalid."},
        {"SELECT ClinicNum FROM clinic WHERE ClinicNum = ?",
         "ClinicNum is invalid."},
        {"SELECT AppointmentTypeNum FROM appointmenttype WHERE "
         "AppointmentTypeNum = ?", "AppointmentTypeNum is invalid."},
    };
    const long long keys[] = {a->has_confirmed ? a->confirmed : 0,
                              a->has_prov ? a->prov : 0,
                              a->has_provhyg ? a->provhyg : 0,
                              a->has_clinic ? a->clinic : 0, a->apttype};
    size_t i;
    for (i = 0; i < OD_ARRAY_LEN(refs); i++) {
        if (keys[i] &&
            od_ck_need_key(c, j, refs[i].sql, keys[i], 400, refs[i].msg))
            return -1;
    }
    return 0;
}

/* The patient, locked: PriProv, ClinicNum, PatStatus. 0 or -1. */
static int lock_patient(struct od_conn *c, struct od_ck_job *j,
                        long long patnum,
                        long long *out)
{
    struct od_prm p[1] = {OD_PI(patnum)};
    if (od_ck_need_ll(c, j, "SELECT PriProv, ClinicNum, PatStatus FROM "
                            "patient WHERE PatNum = ? FOR UPDATE",
                      p, 1, 3, out, 404, "Patient not found."))
        return -1;
    /* AppointmentL.CreatePlannedAppt: not for archived or deceased */
    if (out[2] == 3 || out[2] == 5)
        return od_ck_fail(j, 400, "Appointments cannot be scheduled for %s "
                               "patients.", out[2] == 3 ? "archived"
                                                        : "deceased");
    return 0;
}

/* Every procedure is the patient's, treatment planned, and on no other
 * planned appointment. */
static int procs_ok(struct od_conn *c, struct od_ck_job *j,
                    const struct apptin *a)
{
    int i, rc;
    for (i = 0; i < a->nprocs; i++) {
        struct od_prm p[1] = {OD_PI(a->procs[i])};
        long long v[3];
        rc = od_query_ll(c, "SELECT PatNum, ProcStatus, PlannedAptNum FROM "
                            "procedurelog WHERE ProcNum = ? FOR UPDATE",
                         p, 1, 3, v);
        if (rc < 0)
            return -1;
        if (rc == 0 || v[0] != a->patnum)
            return od_ck_fail(j, 400, "Procedure %lld is not this patient's.",
                           a->procs[i]);
        if (v[1] != 1 && v[1] != 8)
            return od_ck_fail(j, 400, "Procedure %lld is not treatment "
                                   "planned.", a->procs[i]);
        if (v[2] != 0)
            return od_ck_fail(j, 400, "Procedure %lld is already on a planned "
                                   "appointment.", a->procs[i]);
    }
    return 0;
}

/* A column a later Open Dental version added: written only when this
 * database has it (a value given for one it lacks was refused already). */
static int set_if_present(struct od_conn *c, const char *col, const char *sql,
                          struct od_prm *p, int n)
{
    if (!od_catalog_column(od_db_catalog(c->db), "appointment", col))
        return 0;
    return od_exec(c, sql, p, n, NULL, NULL);
}

/* The appointment's ProcDescript and ProcsColored from its procedures
 * (Appointments.SetProcDescript; planned: PlannedAptNum, else AptNum). */
static int set_descript(struct od_conn *c, long long aptnum, int planned)
{
    struct od_prm p[3] = {OD_PI(planned), OD_PI(aptnum), OD_PI(aptnum)};
    return od_exec(
        c,
        "UPDATE appointment a JOIN (SELECT COALESCE(GROUP_CONCAT(x.one "
        "ORDER BY x.ProcNum SEPARATOR ', '), '') AS d, COALESCE(GROUP_CONCAT("
        "CONCAT('<span color=\"-16777216\">', x.one, '</span>') ORDER BY "
        "x.ProcNum SEPARATOR ''), '') AS k FROM (SELECT l.ProcNum, CONCAT("
        "CASE pc.TreatArea WHEN 1 THEN CONCAT('#', l.ToothNum, '-', l.Surf, "
        "'-') WHEN 2 THEN CONCAT('#', l.ToothNum, '-') WHEN 4 THEN "
        "CONCAT(l.Surf, '-') WHEN 5 THEN CONCAT('S', l.Surf, '-') WHEN 6 THEN "
        "CONCAT(l.Surf, '-') ELSE '' END, pc.AbbrDesc) AS one FROM "
        "procedurelog l JOIN procedurecode pc ON pc.CodeNum = l.CodeNum "
        "WHERE IF(? = 1, l.PlannedAptNum, l.AptNum) = ?) x) y SET "
        "a.ProcDescript = LEFT(y.d, 255), a.ProcsColored = y.k WHERE "
        "a.AptNum = ?",
        p, 3, NULL, NULL);
}

/* The planned appointment's pattern: the one given, else the appointment
 * type's, else its procedures' ProcTime patterns, else "/XX/" (POST
 * /appointments' default); nine hours at most. */
static int planned_pattern(struct od_conn *c, struct apptin *a)
{
    char v[1][OD_COLSZ];
    struct od_prm p[1];
    int i;
    if (a->pattern[0])
        return 0;
    if (a->apttype) {
        p[0] = OD_PI(a->apttype);
        if (od_query_row(c, "SELECT Pattern FROM appointmenttype WHERE "
                            "AppointmentTypeNum = ?", p, 1, 1, v) < 0)
            return -1;
        snprintf(a->pattern, sizeof a->pattern, "%s", v[0]);
    }
    for (i = 0; !a->apttype && i < a->nprocs; i++) {
        p[0] = OD_PI(a->procs[i]);
        if (od_query_row(c, "SELECT pc.ProcTime FROM procedurelog l JOIN "
                            "procedurecode pc ON pc.CodeNum = l.CodeNum "
                            "WHERE l.ProcNum = ?", p, 1, 1, v) < 0)
            return -1;
        if (strlen(a->pattern) + strlen(v[0]) < sizeof a->pattern)
            strcat(a->pattern, v[0]);
    }
    if (!a->pattern[0] || !od_check_pattern(a->pattern))
        snprintf(a->pattern, sizeof a->pattern, "/XX/");
    a->pattern[108] = '\0';
    return 0;
}

static int do_plan(struct od_conn *c, struct od_ck_job *j)
{
    struct apptin *a = j->data;
    long long pat[3];
    struct od_prm p[16];
    int i;
    char sec[256];
    if (lock_patient(c, j, a->patnum, pat) || refs_ok(c, j, a) ||
        procs_ok(c, j, a) || planned_pattern(c, a))
        return -1;
    p[0] = OD_PI(a->patnum);
    p[1] = OD_PS(a->pattern);
    p[2] = a->has_confirmed ? OD_PI(a->confirmed) : OD_PNULL;
    p[3] = OD_PS(a->note ? a->note : "");
    p[4] = OD_PI(a->has_prov ? a->prov : pat[0]);
    p[5] = OD_PI(a->has_provhyg ? a->provhyg : 0);
    p[6] = OD_PI(a->has_clinic ? a->clinic : pat[1]);
    p[7] = OD_PI(a->ishyg > 0);
    p[8] = OD_PI(a->isnew > 0);
    p[9] = OD_PI(a->apttype);
    p[10] = OD_PI(a->apttype);
    p[11] = OD_PI(a->patnum);
    /* AppointmentL.CreatePlannedAppt: today, the patient's provider and
     * clinic, TimeLocked as AppointmentTimeIsLocked, next ItemOrder */
    if (od_exec(c,
                "INSERT INTO appointment (PatNum, AptStatus, Pattern, "
                "Confirmed, TimeLocked, Op, Note, ProvNum, ProvHyg, "
                "AptDateTime, ClinicNum, IsHygiene, IsNewPatient, "
                "ProcDescript, ProcsColored, ColorOverride, "
                "AppointmentTypeNum, SecDateTEntry, ItemOrderPlanned) VALUES "
                "(?, 6, ?, COALESCE(?, (SELECT DefNum FROM definition WHERE "
                "Category = 2 AND IsHidden = 0 ORDER BY ItemOrder LIMIT 1), "
                "0), COALESCE((SELECT ValueString = '1' FROM preference WHERE "
                "PrefName = 'AppointmentTimeIsLocked'), 0), 0, ?, ?, ?, "
                "CURDATE(), ?, ?, ?, '', '', COALESCE((SELECT "
                "AppointmentTypeColor FROM appointmenttype WHERE "
                "AppointmentTypeNum = ?), 0), ?, NOW(), (SELECT COUNT(*) + 1 "
                "FROM appointment x WHERE x.PatNum = ? AND x.AptStatus = 6))",
                p, 12, NULL, &j->key))
        return -1;
    memset(sec, '/', strlen(a->pattern));
    sec[strlen(a->pattern)] = '\0';
    p[0] = OD_PS(a->patsec[0] ? a->patsec : sec);
    p[1] = OD_PI(j->key);
    if (set_if_present(c, "PatternSecondary", "UPDATE appointment SET "
                       "PatternSecondary = ? WHERE AptNum = ?", p, 2))
        return -1;
    p[0] = OD_PI(a->priority > 0 ? a->priority : 0);
    if (set_if_present(c, "Priority", "UPDATE appointment SET Priority = ? "
                       "WHERE AptNum = ?", p, 2))
        return -1;
    /* Procedures.AttachToApptForApi(isPlanned): PlannedAptNum, ProcDate */
    for (i = 0; i < a->nprocs; i++) {
        p[0] = OD_PI(j->key);
        p[1] = OD_PI(a->procs[i]);
        if (od_exec(c, "UPDATE procedurelog SET PlannedAptNum = ?, ProcDate "
                       "= CURDATE() WHERE ProcNum = ?", p, 2, NULL, NULL))
            return -1;
    }
    p[0] = OD_PI(a->patnum);
    if (set_descript(c, j->key, 1) ||
        od_exec(c, "UPDATE patient SET PlannedIsDone = 0 WHERE PatNum = ?",
                p, 1, NULL, NULL))
        return -1;
    return od_securitylog(c, PERM_APPOINTMENT_CREATE, j->developer,
                          "Created", j->key, a->patnum);
}

/* ---- POST /appointments/SchedulePlanned --------------------------------- */

#define COPY_COLS                                                            \
    "PatNum, AptStatus, Pattern, Confirmed, TimeLocked, Op, Note, ProvNum, " \
    "ProvHyg, AptDateTime, NextAptNum, UnschedStatus, IsNewPatient, "        \
    "ProcDescript, Assistant, ClinicNum, IsHygiene, InsPlan1, InsPlan2, "    \
    "ProcsColored, ColorOverride, AppointmentTypeNum, SecDateTEntry, "       \
    "ItemOrderPlanned"

/* Appointments.SchedulePlannedApt: a copy of the planned appointment,
 * Scheduled, NextAptNum = the planned one, at AptDateTime in Op with
 * ProvNum (and Confirmed, Note when given); TimeLocked when the planned
 * one was or AppointmentTimeIsLocked; its apptfields copied; its
 * procedures not on another appointment and its lab cases moved to the
 * new one. The planned appointment stays. */
static int copy_planned(struct od_conn *c, struct od_ck_job *j,
                        const struct apptin *a, long long patnum)
{
    struct od_prm p[8];
    p[0] = a->has_confirmed ? OD_PI(a->confirmed) : OD_PNULL;
    p[1] = OD_PI(a->op);
    p[2] = a->note ? OD_PS(a->note) : OD_PNULL;
    p[3] = OD_PI(a->prov);
    p[4] = OD_PS(a->dt);
    p[5] = OD_PI(a->aptnum);
    if (od_exec(c,
                "INSERT INTO appointment (" COPY_COLS ") SELECT PatNum, 1, "
                "Pattern, COALESCE(?, Confirmed), TimeLocked OR COALESCE(("
                "SELECT ValueString = '1' FROM preference WHERE PrefName = "
                "'AppointmentTimeIsLocked'), 0), ?, COALESCE(?, Note), ?, "
                "ProvHyg, ?, AptNum, UnschedStatus, IsNewPatient, "
                "ProcDescript, Assistant, ClinicNum, IsHygiene, InsPlan1, "
                "InsPlan2, ProcsColored, ColorOverride, AppointmentTypeNum, "
                "NOW(), ItemOrderPlanned FROM appointment WHERE AptNum = ?",
                p, 6, NULL, &j->key))
        return -1;
    p[0] = OD_PI(a->aptnum);
    p[1] = OD_PI(j->key);
    if (set_if_present(c, "PatternSecondary",
                       "UPDATE appointment n JOIN appointment o ON o.AptNum "
                       "= ? SET n.PatternSecondary = o.PatternSecondary "
                       "WHERE n.AptNum = ?", p, 2) ||
        set_if_present(c, "Priority",
                       "UPDATE appointment n JOIN appointment o ON o.AptNum "
                       "= ? SET n.Priority = o.Priority WHERE n.AptNum = ?",
                       p, 2))
        return -1;
    p[0] = OD_PI(j->key);
    p[1] = OD_PI(a->aptnum);
    p[2] = OD_PI(patnum);
    if (od_exec(c, "INSERT INTO apptfield (AptNum, FieldName, FieldValue) "
                   "SELECT ?, FieldName, FieldValue FROM apptfield WHERE "
                   "AptNum = ? ORDER BY ApptFieldNum", p, 2, NULL, NULL) ||
        od_exec(c, "UPDATE procedurelog SET AptNum = ? WHERE PlannedAptNum "
                   "= ? AND PatNum = ? AND AptNum = 0", p, 3, NULL, NULL) ||
        od_exec(c, "UPDATE labcase SET AptNum = ? WHERE PlannedAptNum = ?",
                p, 2, NULL, NULL))
        return -1;
    return od_securitylog(c, PERM_APPOINTMENT_CREATE, j->developer,
                          "Created", j->key, patnum);
}

static int do_schedule(struct od_conn *c, struct od_ck_job *j)
{
    struct apptin *a = j->data;
    struct od_prm p[1] = {OD_PI(a->aptnum)};
    char v[3][OD_COLSZ];
    long long pat[3];
    if (od_ck_need_row(c, j, "SELECT PatNum, AptStatus, Pattern FROM "
                             "appointment WHERE AptNum = ? FOR UPDATE",
                       p, 1, 3, v, 404, "Appointment not found."))
        return -1;
    if (strcmp(v[1], "6") != 0)
        return od_ck_fail(j, 400, "AptNum is not a Planned appointment.");
    a->patnum = atoll(v[0]);
    if (lock_patient(c, j, a->patnum, pat) || refs_ok(c, j, a) ||
        od_ck_need_key(c, j, "SELECT OperatoryNum FROM operatory WHERE "
                             "OperatoryNum = ?", a->op, 400,
                       "Op is invalid.") ||
        od_ck_overlaps(c, j, a->op, a->dt, v[2], 0, 0) != 0)
        return -1;
    return copy_planned(c, j, a, a->patnum);
}

/* ---- handlers ----------------------------------------------------------- */

static struct od_ck_job *appt_job(odapi_request *req, od_ck_work_fn work,
                               struct apptin **out)
{
    struct od_ck_job *j =
        od_ck_new_data(req, work, 1, sizeof(struct apptin), NULL);
    struct apptin *a;
    if (!j)
        return NULL;
    a = j->data;
    od_ck_created(j, &od_res_appointments);
    if (!(a->body = od_ck_take_body(j))) /* the job's: freed with it */
        return NULL;
    *out = a;
    return j;
}

/* A later version's field given to a database without its column. */
static int absent(odapi_request *req, json_t *body, const char *field,
                  char *msg, size_t msgsize)
{
    json_t *v = json_object_get(body, field);
    if (!v || json_is_null(v) ||
        od_catalog_column(od_db_catalog(req->srv->db), "appointment", field))
        return 0;
    od_absent_msg(msg, msgsize, field);
    return -1;
}

static void h_plan(odapi_request *req, void *arg)
{
    struct apptin *a;
    struct od_ck_job *j = appt_job(req, do_plan, &a);
    char msg[256];
    int rc;
    (void)arg;
    if (!j)
        return;
    if ((rc = od_ck_key(a->body, "PatNum", &a->patnum, msg, sizeof msg)) <= 0 ||
        planned_of(req, a, msg, sizeof msg) ||
        absent(req, a->body, "Priority", msg, sizeof msg) ||
        absent(req, a->body, "PatternSecondary", msg, sizeof msg)) {
        od_ck_reject(j, 400, rc == 0 ? "PatNum is required." : msg);
        return;
    }
    od_ck_submit(j);
}

static void h_schedule(odapi_request *req, void *arg)
{
    static const char *const need[] = {"AptNum", "AptDateTime", "ProvNum",
                                       "Op"};
    struct apptin *a;
    struct od_ck_job *j = appt_job(req, do_schedule, &a);
    char msg[256];
    int rc[4];
    size_t i;
    (void)arg;
    if (!j)
        return;
    rc[0] = od_ck_key(a->body, "AptNum", &a->aptnum, msg, sizeof msg);
    rc[1] = rc[0] < 0 ? -1 : od_ck_datetime(a->body, "AptDateTime", a->dt, msg,
                                         sizeof msg);
    rc[2] = rc[1] < 0 ? -1 : common_of(req, a, msg, sizeof msg) ? -1
                                                              : a->has_prov;
    rc[3] = rc[2] < 0 ? -1 : od_ck_key(a->body, "Op", &a->op, msg, sizeof msg);
    for (i = 0; i < OD_ARRAY_LEN(need); i++) {
        if (rc[i] < 0) {
            od_ck_reject(j, 400, msg);
            return;
        }
        if (rc[i] == 0) {
            snprintf(msg, sizeof msg, "%s is required.", need[i]);
            od_ck_reject(j, 400, msg);
            return;
        }
    }
    od_ck_submit(j);
}

/* What these routes take and answer, for GET /openapi.json
 * (engine/openapi-internal.h). */
static const struct od_opdoc planned_docs[] = {
    {"POST", "/appointments/Planned",
     "Create a planned appointment from procedures.",
     NULL,
     "PatNum:int!,procNums:ints,AppointmentTypeNum:int,Pattern:text,Confirmed:int,Note:text,ProvNum:int,ProvHyg:int,ClinicNum:int,IsHygiene:bool,IsNewPatient:bool,Priority:text,PatternSecondary:text",
     "appointments",
     .perm = ODAPI_PERM_APPOINTMENTS, .handler = h_plan},
    {"POST", "/appointments/SchedulePlanned",
     "Schedule a planned appointment.",
     NULL,
     "AptNum:int!,AptDateTime:datetime!,ProvNum:int!,Op:int!,Confirmed:int,Note:text",
     "appointments",
     .perm = ODAPI_PERM_APPOINTMENTS, .handler = h_schedule},
};

OD_CK_ROUTES(od_register_planned_actions, planned_docs)
