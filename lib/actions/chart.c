/* chart.c - the chart module's patient views (the api*.html pages; Open Dental
 * 24.3's ChartModules.cs, docs/resources.md "Chart module"):
 *  GET /chartmodules/{PatNum}/PlannedAppts  GetPlannedApptsForApi
 *  GET /chartmodules/{PatNum}/PatientInfo   GetPtInfoForApi
 * (ProgNotes is prognotes.c). Each answers 404 "Patient not found." for a
 * PatNum no patient has. */
#include "engine/openapi-internal.h"
#include "actions/kit-internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAGE 1000

struct chartq {
    long long patnum, offset;
};

/* The patient's key from the path, the Offset; NULL after answering. */
static struct od_ck_job *chart_job(odapi_request *req, od_ck_work_fn work)
{
    struct od_ck_job *j =
        od_ck_new_data(req, work, 0, sizeof(struct chartq), NULL);
    struct chartq *q;
    const char *v;
    if (!j)
        return NULL;
    q = j->data;
    if (od_parse_ll(odapi_request_segment(req, "PatNum"), &q->patnum) ||
        q->patnum <= 0) {
        od_ck_reject(j, 400, "PatNum is invalid.");
        return NULL;
    }
    if ((v = od_query_get(&req->query, "Offset")) && *v &&
        (od_parse_ll(v, &q->offset) || q->offset < 0)) {
        od_ck_reject(j, 400, "Offset is invalid.");
        return NULL;
    }
    return j;
}

/* The patient's row as text columns: 0, or -1 (404 set for none). */
static int patient_row(struct od_conn *c, struct od_ck_job *j, long long patnum,
                       const char *sql, int ncols, char out[][OD_COLSZ])
{
    struct od_prm p[1] = {OD_PI(patnum)};
    return od_ck_need(j, od_query_row(c, sql, p, 1, ncols, out), 404,
                      "Patient not found.");
}

/* ---- PlannedAppts ------------------------------------------------------- */

struct planned {
    struct od_buf *out;
    long long n, offset;
    char today[11];
};

/* One planned appointment: AptNum, ProvNum, Pattern length * 5, Note,
 * ProcDescript, its scheduled copy's AptDateTime and AptStatus (the copy
 * with the lowest AptStatus, as Find over "ORDER BY AptStatus" takes),
 * how many of its procedures are complete and not complete. */
static int add_planned(void *arg, char **v)
{
    static const char *const status[] = {
        "None", "Scheduled", "Complete", "UnschedList", "ASAP", "Broken",
        "Planned", "PtNote", "PtNoteCompleted"};
    struct planned *x = arg;
    long st = atol(v[7]), done = atol(v[8]), open = atol(v[9]);
    int linked = v[6][0] != '\0';
    const char *tag = "";
    char num[32];
    x->n++;
    if (x->n <= x->offset || x->n > x->offset + PAGE)
        return 0;
    /* ChartModules.GetProcDescriptPlanned */
    if ((linked && st == 2) || (done && !open))
        tag = "(Completed) ";
    else if (linked && strncmp(v[6], x->today, 10) == 0)
        tag = "(Today's) ";
    else if (done && open)
        tag = "(Some Procs Complete) ";
    if (x->out->len > 1)
        od_buf_addc(x->out, ',');
    od_buf_addc(x->out, '{');
    od_ck_str(x->out, 1, "AptNum", v[0]);
    od_ck_str(x->out, 0, "ProvNum", v[1]);
    snprintf(num, sizeof num, "%lld", x->n);
    od_ck_str(x->out, 0, "ItemOrder", num);
    od_ck_str(x->out, 0, "minutes", v[2]);
    {
        struct od_buf d;
        od_buf_init(&d);
        od_buf_adds(&d, tag);
        od_buf_adds(&d, v[4]);
        od_ck_str(x->out, 0, "ProcDescript", d.p ? d.p : "");
        od_buf_free(&d);
    }
    od_ck_str(x->out, 0, "Note", v[3]);
    od_ck_str(x->out, 0, "dateSched",
           linked && od_ck_day_num(v[6]) >= 0 ? v[6] : "");
    od_ck_str(x->out, 0, "AptStatus",
           linked ? (st >= 0 && st <= 8 ? status[st] : "None") : "Planned");
    od_buf_addc(x->out, '}');
    return 0;
}

static int do_planned(struct od_conn *c, struct od_ck_job *j)
{
    const struct chartq *q = j->data;
    struct planned x;
    char pat[1][OD_COLSZ];
    struct od_prm p[2] = {OD_PI(q->patnum), OD_PI(q->patnum)};
    if (patient_row(c, j, q->patnum, "SELECT PatNum FROM patient WHERE "
                                     "PatNum = ?", 1, pat))
        return -1;
    memset(&x, 0, sizeof x);
    x.out = &j->out;
    x.offset = q->offset;
    if (od_query_row(c, "SELECT DATE_FORMAT(CURDATE(), '%Y-%m-%d')", NULL, 0,
                     1, pat) != 1)
        return -1;
    snprintf(x.today, sizeof x.today, "%.10s", pat[0]);
    od_buf_addc(&j->out, '[');
    if (od_query_each(
            c,
            "SELECT a.AptNum, a.ProvNum, CHAR_LENGTH(a.Pattern) * 5, a.Note, "
            "a.ProcDescript, a.ItemOrderPlanned, COALESCE(DATE_FORMAT("
            "s.AptDateTime, '%Y-%m-%d %H:%i:%s'), ''), COALESCE(s.AptStatus, "
            "0), (SELECT COUNT(*) FROM procedurelog l WHERE (l.PlannedAptNum "
            "= a.AptNum OR l.AptNum = a.AptNum) AND l.ProcStatus = 2), "
            "(SELECT COUNT(*) FROM procedurelog l WHERE (l.PlannedAptNum = "
            "a.AptNum OR l.AptNum = a.AptNum) AND l.ProcStatus <> 2) FROM "
            "appointment a LEFT JOIN appointment s ON s.AptNum = (SELECT "
            "s2.AptNum FROM appointment s2 WHERE s2.PatNum = ? AND "
            "s2.NextAptNum = a.AptNum ORDER BY s2.AptStatus, s2.AptNum LIMIT "
            "1) WHERE a.AptStatus = 6 AND a.PatNum = ? ORDER BY "
            "a.ItemOrderPlanned, a.AptNum",
            p, 2, 10, add_planned, &x) < 0)
        return -1;
    od_buf_addc(&j->out, ']');
    return 0;
}

static void h_planned(odapi_request *req, void *arg)
{
    struct od_ck_job *j = chart_job(req, do_planned);
    (void)arg;
    if (j)
        od_ck_submit(j);
}

/* ---- PatientInfo -------------------------------------------------------- */

/* One row of the grid. */
static void info_row(struct od_buf *b, const char *field, const char *content)
{
    if (b->len > 1)
        od_buf_addc(b, ',');
    od_buf_addc(b, '{');
    od_ck_str(b, 1, "Field", field);
    od_ck_str(b, 0, "Content", content);
    od_buf_addc(b, '}');
}

/* The patient's columns GetPtInfoForApi reads, in PAT_SQL's order. */
enum { P_BIRTH, P_DECEASED, P_CREDIT, P_BILLING, P_FIRSTVISIT, P_PRIPROV,
       P_SECPROV, P_PREMED, P_MEDURG, P_GUAR, P_TODAY, P_NCOLS };

#define PAT_SQL                                                              \
    "SELECT DATE_FORMAT(p.Birthdate, '%Y-%m-%d'), DATE_FORMAT("              \
    "p.DateTimeDeceased, '%Y-%m-%d'), p.CreditType, COALESCE(bt.ItemName, "  \
    "''), DATE_FORMAT(p.DateFirstVisit, '%Y-%m-%d'), IF(p.PriProv = 0, "     \
    "'None', COALESCE(pp.Abbr, '')), IF(p.SecProv = 0, 'None', "             \
    "COALESCE(sp.Abbr, '')), p.Premed, p.MedUrgNote, p.Guarantor, "          \
    "DATE_FORMAT(CURDATE(), '%Y-%m-%d') FROM patient p LEFT JOIN "           \
    "definition bt ON bt.DefNum = p.BillingType LEFT JOIN provider pp ON "   \
    "pp.ProvNum = p.PriProv LEFT JOIN provider sp ON sp.ProvNum = "          \
    "p.SecProv WHERE p.PatNum = ?"

/* PatientLogic.DateToAgeString(Birthdate, DateTimeDeceased or today):
 * years, with months under 18; "" without a birth date. */
static void age_string(const char *birth, const char *to, char *out,
                       size_t n)
{
    int by, bm, bd, ty, tm, td, years, months;
    out[0] = '\0';
    if (od_ck_day_num(birth) < 0 || od_ck_day_num(to) < od_ck_day_num(birth) ||
        sscanf(birth, "%4d-%2d-%2d", &by, &bm, &bd) != 3 ||
        sscanf(to, "%4d-%2d-%2d", &ty, &tm, &td) != 3)
        return;
    if (bm < tm) {
        years = ty - by;
        months = tm - bm - (bd > td);
    } else if (bm == tm) {
        years = ty - by - (bd > td);
        months = bd > td ? 11 : 0;
    } else {
        years = ty - by - 1;
        months = 12 - (bm - tm) - (bd > td);
    }
    if (years < 18)
        snprintf(out, n, "%dy %dm", years, months);
    else
        snprintf(out, n, "%d", years);
}

struct info {
    struct od_ck_job *j;
    long long patnum;
    char pat[P_NCOLS][OD_COLSZ];
    char field[OD_COLSZ];     /* the display field's Description or name */
    int rows;                 /* sub-rows written for this field */
};

static int sub_row(void *arg, char **v)
{
    struct info *x = arg;
    char f[600];
    x->rows++;
    snprintf(f, sizeof f, "%s%s", v[0], v[1]);
    info_row(&x->j->out, f, v[2]);
    return 0;
}

/* Rows of a list field (Problems, Medications, Allergies): sql (one ? =
 * PatNum) gives prefix, name and content; "None" when there are none. */
static int list_rows(struct od_conn *c, struct info *x, const char *sql)
{
    struct od_prm p[1] = {OD_PI(x->patnum)};
    x->rows = 0;
    if (od_query_each(c, sql, p, 1, 3, sub_row, x) < 0)
        return -1;
    if (!x->rows)
        info_row(&x->j->out, x->field, "None");
    return 0;
}

/* The content of a one-row field from sql (one ? = PatNum); "" for none. */
static int one_value(struct od_conn *c, struct info *x, const char *sql)
{
    struct od_prm p[1] = {OD_PI(x->patnum)};
    char v[1][OD_COLSZ];
    if (od_query_row(c, sql, p, 1, 1, v) < 0)
        return -1;
    info_row(&x->j->out, x->field, v[0]);
    return 0;
}

/* PatPlans.GetOrdinal(Primary or Secondary): the nth dental plan in
 * Ordinal order; its carrier, " (pending)" when the patient's first (for
 * Primary) or second (Secondary) plan is pending, as Open Dental reads
 * listPatPlans[0] and [1]. */
struct insx {
    int want, dental, row;
    char name[OD_COLSZ];
    int pending[2], found;
};

static int take_plan(void *arg, char **v)
{
    struct insx *x = arg;
    if (x->row < 2)
        x->pending[x->row] = atoi(v[1]);
    x->row++;
    if (!atoi(v[0]) && ++x->dental == x->want && !x->found) {
        snprintf(x->name, sizeof x->name, "%s", v[2]);
        x->found = 1;
    }
    return 0;
}

static int ins_field(struct od_conn *c, struct info *x, int want)
{
    struct od_prm p[1] = {OD_PI(x->patnum)};
    struct insx ix;
    char out[OD_COLSZ + 16];
    memset(&ix, 0, sizeof ix);
    ix.want = want;
    if (od_query_each(c,
                      "SELECT ip.IsMedical, pp.IsPending, COALESCE("
                      "c.CarrierName, '') FROM patplan pp JOIN inssub s ON "
                      "s.InsSubNum = pp.InsSubNum JOIN insplan ip ON "
                      "ip.PlanNum = s.PlanNum LEFT JOIN carrier c ON "
                      "c.CarrierNum = ip.CarrierNum WHERE pp.PatNum = ? "
                      "ORDER BY pp.Ordinal, pp.PatPlanNum",
                      p, 1, 3, take_plan, &ix) < 0)
        return -1;
    snprintf(out, sizeof out, "%s%s", ix.found ? ix.name : "",
             ix.found && ix.pending[want - 1] ? " (pending)" : "");
    info_row(&x->j->out, x->field, out);
    return 0;
}

static int restriction_row(void *arg, char **v)
{
    struct info *x = arg;
    x->rows++;
    /* PatRestrictions.GetPatRestrictDesc */
    info_row(&x->j->out, x->field,
             strcmp(v[0], "1") == 0 ? "Appointment Scheduling" : "");
    return 0;
}

static int simple_field(struct info *x, const char *name)
{
    char v[64];
    const char *to;
    long first;
    if (!strcmp(name, "ABC0")) {
        info_row(&x->j->out, x->field, x->pat[P_CREDIT]);
    } else if (!strcmp(name, "Age")) {
        to = od_ck_day_num(x->pat[P_DECEASED]) >= 0 ? x->pat[P_DECEASED]
                                                 : x->pat[P_TODAY];
        age_string(x->pat[P_BIRTH], to, v, sizeof v);
        info_row(&x->j->out, x->field, v);
    } else if (!strcmp(name, "Billing Type")) {
        info_row(&x->j->out, x->field, x->pat[P_BILLING]);
    } else if (!strcmp(name, "Birthdate")) {
        od_ck_short_date(x->pat[P_BIRTH], v);
        info_row(&x->j->out, x->field, v);
    } else if (!strcmp(name, "Date First Visit")) {
        first = od_ck_day_num(x->pat[P_FIRSTVISIT]);
        od_ck_short_date(x->pat[P_FIRSTVISIT], v);
        info_row(&x->j->out, x->field,
                 first < 0 ? "Invalid Date"
                 : first == od_ck_day_num(x->pat[P_TODAY]) ? "New Patient"
                                                        : v);
    } else if (!strcmp(name, "Med Urgent")) {
        info_row(&x->j->out, x->field, x->pat[P_MEDURG]);
    } else if (!strcmp(name, "Premedicate")) {
        if (strcmp(x->pat[P_PREMED], "0") != 0)
            info_row(&x->j->out, "", x->field);
    } else if (!strcmp(name, "Prov. (Pri, Sec)")) {
        snprintf(v, sizeof v, "%.20s, %.20s", x->pat[P_PRIPROV],
                 x->pat[P_SECPROV]);
        info_row(&x->j->out, x->field, v);
    } else {
        return 0;
    }
    return 1;
}

/* One display field's rows (ChartModules.GetPtInfoForApi's switch); a
 * field it does not handle writes nothing, as there. */
static int info_field(struct od_conn *c, struct info *x, const char *name)
{
    struct od_prm p[1] = {OD_PI(x->patnum)};
    if (simple_field(x, name))
        return 0;
    if (!strcmp(name, "Allergies"))
        return list_rows(c, x, "SELECT 'Allergy - ', COALESCE("
                               "d.Description, 'Missing'), a.Reaction FROM "
                               "allergy a LEFT JOIN allergydef d ON "
                               "d.AllergyDefNum = a.AllergyDefNum WHERE "
                               "a.PatNum = ? AND a.StatusIsActive <> 0 ORDER "
                               "BY a.AllergyNum");
    if (!strcmp(name, "Medical Summary"))
        return one_value(c, x, "SELECT Medical FROM patientnote WHERE PatNum "
                               "= ?");
    if (!strcmp(name, "Service Notes"))
        return one_value(c, x, "SELECT Service FROM patientnote WHERE PatNum "
                               "= ?");
    if (!strcmp(name, "Medications"))
        return list_rows(
            c, x,
            "SELECT 'Medication - ', IF(mp.MedicationNum = 0, mp.MedDescript,"
            " CONCAT(COALESCE(m.MedName, ''), IF(m.MedicationNum <> "
            "m.GenericNum, CONCAT('(', COALESCE(g.MedName, ''), ')'), ''))), "
            "CONCAT(mp.PatNote, IF(mp.MedicationNum <> 0 AND TRIM(COALESCE("
            "g.Notes, '')) <> '', CONCAT('(', g.Notes, ')'), '')) FROM "
            "medicationpat mp LEFT JOIN medication m ON m.MedicationNum = "
            "mp.MedicationNum LEFT JOIN medication g ON g.MedicationNum = "
            "m.GenericNum WHERE mp.PatNum = ? AND (mp.DateStop < "
            "'1880-01-01' OR mp.DateStop >= CURDATE()) ORDER BY "
            "mp.MedicationPatNum");
    if (!strcmp(name, "Pat Restrictions")) {
        x->rows = 0;
        if (od_query_each(c, "SELECT PatRestrictType FROM patrestriction "
                             "WHERE PatNum = ? ORDER BY PatRestrictionNum",
                          p, 1, 1, restriction_row, x) < 0)
            return -1;
        if (!x->rows)
            info_row(&x->j->out, x->field, "None");
        return 0;
    }
    if (!strcmp(name, "Payor Types")) /* PayorTypes.GetCurrentDescription */
        return one_value(c, x, "SELECT CONCAT(pt.SopCode, ' - ', COALESCE(("
                               "SELECT s.Description FROM sop s WHERE "
                               "s.SopCode = pt.SopCode LIMIT 1), '')) FROM "
                               "payortype pt WHERE pt.PatNum = ? ORDER BY "
                               "pt.DateStart DESC, pt.PayorTypeNum DESC "
                               "LIMIT 1");
    if (!strcmp(name, "Pri Ins") || !strcmp(name, "Sec Ins"))
        return ins_field(c, x, name[0] == 'P' ? 1 : 2);
    if (!strcmp(name, "Problems"))
        return list_rows(c, x, "SELECT 'Problem - ', IF(d.DiseaseDefNum <> 0,"
                               " COALESCE(dd.DiseaseName, ''), 'Missing'), "
                               "IF(d.DiseaseDefNum <> 0, d.PatNote, 'Invalid "
                               "Problem') FROM disease d LEFT JOIN diseasedef "
                               "dd ON dd.DiseaseDefNum = d.DiseaseDefNum "
                               "WHERE d.PatNum = ? AND d.ProbStatus = 0 ORDER "
                               "BY d.DiseaseNum");
    if (!strcmp(name, "Referred From")) /* the first "from" referral */
        return one_value(
            c, x,
            "SELECT CONCAT(r.LName, IF(r.FName <> '', CONCAT(', ', r.FName), "
            "''), IF(r.MName <> '', CONCAT(' ', r.MName), ''), IF(r.Title <> "
            "'', CONCAT(', ', r.Title), '')) FROM refattach a JOIN referral r "
            "ON r.ReferralNum = a.ReferralNum WHERE a.PatNum = ? AND "
            "a.RefType = 1 AND NOT EXISTS (SELECT 1 FROM refattach b WHERE "
            "b.PatNum = a.PatNum AND b.ReferralNum = a.ReferralNum AND "
            "(b.ItemOrder < a.ItemOrder OR (b.ItemOrder = a.ItemOrder AND "
            "b.RefAttachNum < a.RefAttachNum))) ORDER BY a.ItemOrder, "
            "a.RefAttachNum LIMIT 1");
    return 0;
}

/* DisplayFields.GetDefaultList(ChartPatientInformation), for an office
 * that has not set its own (the fields with a row in the grid; "Preferred
 * Pronoun" and the hospital and distributor fields write none). */
static const char *const default_fields[] = {
    "Age", "ABC0", "Billing Type", "Referred From", "Date First Visit",
    "Prov. (Pri, Sec)", "Pri Ins", "Sec Ins", "Payor Types", "Premedicate",
    "Problems", "Med Urgent", "Medical Summary", "Service Notes",
    "Medications", "Allergies", "Pat Restrictions"};

struct fieldlist {
    char name[64][OD_COLSZ], desc[64][OD_COLSZ];
    int n;
};

static int take_field(void *arg, char **v)
{
    struct fieldlist *f = arg;
    if (f->n == 64)
        return 1;
    snprintf(f->name[f->n], OD_COLSZ, "%s", v[0]);
    snprintf(f->desc[f->n], OD_COLSZ, "%s", v[1]);
    f->n++;
    return 0;
}

static int do_info(struct od_conn *c, struct od_ck_job *j)
{
    const struct chartq *q = j->data;
    struct info x;
    struct fieldlist *fl;
    int i, rc = 0;
    memset(&x, 0, sizeof x);
    x.j = j;
    x.patnum = q->patnum;
    if (patient_row(c, j, q->patnum, PAT_SQL, P_NCOLS, x.pat))
        return -1;
    if (!(fl = calloc(1, sizeof *fl)))
        return od_ck_fail(j, 500, "Out of memory.");
    /* DisplayFieldCategory ChartPatientInformation (5), the office's */
    if (od_query_each(c, "SELECT InternalName, Description FROM displayfield "
                         "WHERE Category = 5 ORDER BY ItemOrder, "
                         "DisplayFieldNum", NULL, 0, 2, take_field, fl) < 0) {
        free(fl);
        return -1;
    }
    for (i = 0; !fl->n && i < (int)OD_ARRAY_LEN(default_fields); i++)
        snprintf(fl->name[i], OD_COLSZ, "%s", default_fields[i]);
    if (!fl->n)
        fl->n = (int)OD_ARRAY_LEN(default_fields);
    od_buf_addc(&j->out, '[');
    for (i = 0; i < fl->n && !rc; i++) {
        snprintf(x.field, sizeof x.field, "%s",
                 fl->desc[i][0] ? fl->desc[i] : fl->name[i]);
        rc = info_field(c, &x, fl->name[i]);
    }
    od_buf_addc(&j->out, ']');
    free(fl);
    return rc;
}

static void h_info(odapi_request *req, void *arg)
{
    struct od_ck_job *j = chart_job(req, do_info);
    (void)arg;
    if (j)
        od_ck_submit(j);
}

/* What these routes take and answer, for GET /openapi.json
 * (engine/openapi-internal.h). */
static const struct od_opdoc chart_docs[] = {
    {"GET", "/chartmodules/{PatNum}/PlannedAppts",
     "The Chart module's planned appointments.",
     "Offset:int",
     NULL,
     NULL,
     .perm = ODAPI_PERM_READ_ALL, .handler = h_planned},
    {"GET", "/chartmodules/{PatNum}/PatientInfo",
     "The Chart module's patient information.",
     NULL,
     NULL,
     NULL,
     .perm = ODAPI_PERM_READ_ALL, .handler = h_info},
};

OD_CK_ROUTES(od_register_chart_views, chart_docs)
