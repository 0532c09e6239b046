/* inshist.c - insurance history (the api*.html pages, procedurelogs):
 * GET /procedurelogs/InsuranceHistory and POST
 * /procedurelogs/InsuranceHistory.
 *
 * Open Dental's rules (branch 24_3): the ten categories and their order are
 * Prefs.GetInsHistPrefNames (OpenDentBusiness/Data Interface/Prefs.cs); a
 * category's codes are its preference's comma list plus the codes of the
 * fixed code group it stands for (ProcedureCodes.GetCodeNumsForInsHistPref);
 * the date shown is the latest EO or C procedure of those codes (the perio
 * quadrants also by surface) that has a Received or InsHist claimproc of
 * the InsSub, "Not Set" when the preference is blank and "No History" when
 * nothing matches (OpenDental/Forms/FormInsHistSetup.cs,
 * Procedures.GetMostRecentInsHistProc). POST adds an EO procedure of the
 * category's first code with an InsHist claimproc
 * (Procedures.InsertInsHistProcedureForApi, CreateProcedureForInsHist;
 * ClaimProcs.InsertClaimProcForInsHist). Choices are in docs/resources.md.
 */
#include "engine/openapi-internal.h"
#include "actions/kit-internal.h"
#include "db/catalog-internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* EnumPermType ProcEdit, the procedurelogs resource's (clinical.c). */
enum { PERM_PROC_EDIT = 100 };
/* ProcStat and ClaimProcStatus values. */
enum { PS_C = 2, PS_EO = 4, CP_INSHIST = 9 };

extern const struct od_resource od_res_procedurelogs;

/* EnumCodeGroupFixed (codegroup.CodeGroupFixed). */
enum { CG_NONE = 0, CG_BW = 1, CG_PANO = 2, CG_EXAM = 3, CG_PERIO = 4,
       CG_PROPHY = 5, CG_SRP = 6 };

static const struct cat {
    const char *pref;
    const char *surf; /* perio quadrant the procedure's surface must name */
    int group;        /* the fixed code group whose codes count too */
} cats[] = {
    {"InsHistBWCodes", NULL, CG_BW},
    {"InsHistPanoCodes", NULL, CG_PANO},
    {"InsHistExamCodes", NULL, CG_EXAM},
    {"InsHistProphyCodes", NULL, CG_PROPHY},
    {"InsHistPerioURCodes", "UR", CG_SRP},
    {"InsHistPerioULCodes", "UL", CG_SRP},
    {"InsHistPerioLRCodes", "LR", CG_SRP},
    {"InsHistPerioLLCodes", "LL", CG_SRP},
    {"InsHistPerioMaintCodes", NULL, CG_PERIO},
    {"InsHistDebridementCodes", NULL, CG_NONE},
};
#define NCATS ((int)OD_ARRAY_LEN(cats))

struct hjob {
    long long pat, sub;
    int cat;
    char date[11];
};

/* Append the codes of a comma list to out (a clean comma list for
 * FIND_IN_SET): each trimmed, empty ones dropped. */
static void add_codes(char *out, size_t cap, const char *list)
{
    size_t len = strlen(out);
    const char *p = list;
    while (*p) {
        const char *e = strchr(p, ','), *a = p, *z;
        if (!e)
            e = p + strlen(p);
        z = e;
        while (a < z && isspace((unsigned char)*a))
            a++;
        while (z > a && isspace((unsigned char)z[-1]))
            z--;
        if (z > a && len + (size_t)(z - a) + 2 < cap) {
            if (len)
                out[len++] = ',';
            memcpy(out + len, a, (size_t)(z - a));
            len += (size_t)(z - a);
            out[len] = '\0';
        }
        p = *e ? e + 1 : e;
    }
}

/* The category's preference value: 1 set (not blank), 0 blank or absent,
 * -1 error. */
static int pref_codes(struct od_conn *c, int cat, char *out, size_t cap)
{
    char r[OD_MAXCOL][OD_COLSZ];
    struct od_prm p[1];
    const char *s;
    int rc;
    out[0] = '\0';
    p[0] = OD_PS(cats[cat].pref);
    rc = od_query_row(c, "SELECT ValueString FROM preference WHERE "
                         "PrefName = ?", p, 1, 1, r);
    if (rc <= 0)
        return rc;
    for (s = r[0]; *s && isspace((unsigned char)*s); s++)
        ;
    if (!*s)
        return 0;
    add_codes(out, cap, r[0]);
    return 1;
}

/* The codes of the category's fixed code group, appended (none when the
 * database has no code groups: before Open Dental 23.1). */
static int group_codes(struct od_conn *c, int cat, char *out, size_t cap)
{
    char r[OD_MAXCOL][OD_COLSZ];
    struct od_prm p[1];
    int rc;
    if (cats[cat].group == CG_NONE ||
        !od_catalog_column(od_db_catalog(c->db), "codegroup",
                           "CodeGroupFixed"))
        return 0;
    p[0] = OD_PI(cats[cat].group);
    rc = od_query_row(c, "SELECT ProcCodes FROM codegroup WHERE "
                         "CodeGroupFixed = ? ORDER BY ItemOrder, CodeGroupNum "
                         "LIMIT 1", p, 1, 1, r);
    if (rc > 0)
        add_codes(out, cap, r[0]);
    return rc < 0 ? -1 : 0;
}

/* The latest EO or C procedure of the codes with a Received or InsHist
 * claimproc of the InsSub: 1 (num, date), 0 none, -1 error. */
static int latest(struct od_conn *c, const struct hjob *h, int cat,
                  const char *codes, char num[OD_COLSZ], char date[OD_COLSZ])
{
    char r[OD_MAXCOL][OD_COLSZ], like[8];
    struct od_prm p[7];
    int rc;
    snprintf(like, sizeof like, "%%%s%%", cats[cat].surf ? cats[cat].surf
                                                         : "");
    p[0] = OD_PI(h->pat);
    p[1] = OD_PI(PS_C);
    p[2] = OD_PI(PS_EO);
    p[3] = OD_PS(codes);
    p[4] = OD_PS(like);
    p[5] = OD_PI(h->sub);
    p[6] = OD_PI(CP_INSHIST);
    rc = od_query_row(c,
                      "SELECT p.ProcNum, p.ProcDate FROM procedurelog p JOIN "
                      "procedurecode pc ON pc.CodeNum = p.CodeNum WHERE "
                      "p.PatNum = ? AND p.ProcStatus IN (?, ?) AND "
                      "FIND_IN_SET(pc.ProcCode, ?) AND p.Surf LIKE ? AND "
                      "EXISTS (SELECT 1 FROM claimproc cp WHERE cp.ProcNum = "
                      "p.ProcNum AND cp.InsSubNum = ? AND cp.Status IN (1, ?)) "
                      "ORDER BY p.ProcDate DESC, p.ProcNum DESC LIMIT 1",
                      p, 7, 2, r);
    if (rc == 1 && od_ck_day_num(r[1]) < 0)
        rc = 0; /* a date before 1880 is no date */
    snprintf(num, OD_COLSZ, "%s", rc == 1 ? r[0] : "0");
    snprintf(date, OD_COLSZ, "%s", rc == 1 ? r[1] : "");
    return rc;
}

/* The patient, the InsSub, and the patient's plan on it: 0, or -1 after
 * od_ck_fail or an error. */
static int check_pat_sub(struct od_conn *c, struct od_ck_job *j,
                         const struct hjob *h, long long *plan)
{
    long long v[OD_MAXCOL];
    struct od_prm p[2];
    if (od_ck_need_key(c, j, "SELECT 1 FROM patient WHERE PatNum = ?",
                       h->pat, 404, "Patient not found."))
        return -1;
    p[0] = OD_PI(h->sub);
    if (od_ck_need_ll(c, j, "SELECT PlanNum FROM inssub WHERE InsSubNum = ?",
                      p, 1, 1, v, 404, "InsSub not found."))
        return -1;
    *plan = v[0];
    p[0] = OD_PI(h->pat);
    p[1] = OD_PI(h->sub);
    return od_ck_need_ll(c, j, "SELECT 1 FROM patplan WHERE PatNum = ? AND "
                               "InsSubNum = ?", p, 2, 1, v, 400,
                         "The patient has no PatPlan for this InsSub.");
}

/* ---- GET ----------------------------------------------------------------- */

static int work_get(struct od_conn *c, struct od_ck_job *j)
{
    struct hjob *h = j->data;
    char codes[2048], num[OD_COLSZ], date[OD_COLSZ];
    long long plan;
    int i, set, rc;
    if (check_pat_sub(c, j, h, &plan))
        return -1;
    od_buf_addc(&j->out, '[');
    for (i = 0; i < NCATS; i++) {
        if ((set = pref_codes(c, i, codes, sizeof codes)) < 0)
            return -1;
        rc = 0;
        if (set && (group_codes(c, i, codes, sizeof codes) < 0 ||
                    (rc = latest(c, h, i, codes, num, date)) < 0))
            return -1;
        od_buf_adds(&j->out, i ? ",{" : "{");
        od_ck_str(&j->out, 1, "insHistPrefName", cats[i].pref);
        od_ck_str(&j->out, 0, "procDate", !set ? "Not Set"
                                       : rc ? date : "No History");
        od_buf_printf(&j->out, ",\"ProcNum\":%s}", rc ? num : "0");
    }
    od_buf_addc(&j->out, ']');
    return 0;
}

static void h_get(odapi_request *req, void *arg)
{
    struct od_ck_job *j;
    struct hjob *h;
    char msg[128];
    (void)arg;
    if (!(j = od_ck_new_data(req, work_get, 0, sizeof *h, NULL)))
        return;
    h = j->data;
    if (od_ck_query_key_req(req, "PatNum", &h->pat, msg, sizeof msg) ||
        od_ck_query_key_req(req, "InsSubNum", &h->sub, msg, sizeof msg)) {
        od_ck_reject(j, 400, msg);
        return;
    }
    od_ck_submit(j);
}

/* ---- POST ---------------------------------------------------------------- */

/* The new procedure's provider: the patient's primary, else secondary, else
 * the practice default (CreateProcedureForInsHist). */
#define SQL_PROV                                                              \
    "SELECT IF(PriProv <> 0, PriProv, IF(SecProv <> 0, SecProv, "             \
    "COALESCE((SELECT CAST(ValueString AS SIGNED) FROM preference WHERE "     \
    "PrefName = 'PracticeDefaultProv'), 0))) FROM patient WHERE PatNum = ?"
/* Its place of service: the clinic's default, else the preference
 * (Clinics.GetPlaceService). */
#define SQL_PLACE                                                             \
    "SELECT COALESCE((SELECT DefaultPlaceService FROM clinic WHERE "          \
    "ClinicNum = pt.ClinicNum), (SELECT CAST(ValueString AS SIGNED) FROM "    \
    "preference WHERE PrefName = 'DefaultProcedurePlaceService'), 0) FROM "   \
    "patient pt WHERE pt.PatNum = ?"

/* The EO procedure: 0 (its key in *proc), or -1. */
static int insert_proc(struct od_conn *c, struct od_ck_job *j,
                       const struct hjob *h, long long code, long long *proc)
{
    long long prov[OD_MAXCOL], place[OD_MAXCOL];
    struct od_prm p[9];
    const char *surf = cats[h->cat].surf ? cats[h->cat].surf : "";
    p[0] = OD_PI(h->pat);
    if (od_query_ll(c, SQL_PROV, p, 1, 1, prov) < 0 ||
        od_query_ll(c, SQL_PLACE, p, 1, 1, place) < 0)
        return -1;
    p[0] = OD_PS(h->date);
    p[1] = OD_PI(PS_EO);
    p[2] = OD_PI(prov[0]);
    p[3] = OD_PI(place[0]);
    p[4] = OD_PS(surf);
    p[5] = OD_PS(h->date);
    p[6] = OD_PI(code);
    p[7] = OD_PI(code);
    p[8] = OD_PI(h->pat);
    if (od_exec(c,
                "INSERT INTO procedurelog (PatNum, ProcDate, ProcFee, "
                "ProcStatus, ProvNum, PlaceService, Surf, DateTP, CodeNum, "
                "ClinicNum, SiteNum, UnitQty, BaseUnits, RevCode, "
                "SecDateEntry) SELECT pt.PatNum, ?, 0, ?, ?, ?, ?, ?, ?, "
                "pt.ClinicNum, pt.SiteNum, 1, pc.BaseUnits, "
                "pc.RevenueCodeDefault, NOW() FROM patient pt JOIN "
                "procedurecode pc ON pc.CodeNum = ? WHERE pt.PatNum = ?",
                p, 9, NULL, proc))
        return -1;
    (void)j;
    return 0;
}

static int work_post(struct od_conn *c, struct od_ck_job *j)
{
    struct hjob *h = j->data;
    char codes[2048];
    long long plan, code[OD_MAXCOL], proc;
    struct od_prm p[4];
    int rc;
    if (check_pat_sub(c, j, h, &plan))
        return -1;
    if (pref_codes(c, h->cat, codes, sizeof codes) < 0)
        return -1;
    /* the first of the preference's codes in Open Dental's code list order
     * (ProcedureCodes' cache: ProcCat, ProcCode); not the code group's */
    p[0] = OD_PS(codes);
    rc = od_query_ll(c, "SELECT CodeNum FROM procedurecode WHERE "
                        "FIND_IN_SET(ProcCode, ?) ORDER BY ProcCat, ProcCode "
                        "LIMIT 1", p, 1, 1, code);
    if (rc <= 0)
        return rc < 0 ? -1
                      : od_ck_fail(j, 400, "The %s preference has no procedure "
                                        "code.", cats[h->cat].pref);
    if (insert_proc(c, j, h, code[0], &proc))
        return -1;
    p[0] = OD_PI(CP_INSHIST);
    p[1] = OD_PI(plan);
    p[2] = OD_PI(h->sub);
    p[3] = OD_PI(proc);
    if (od_exec(c,
                "INSERT INTO claimproc (ProcNum, PatNum, ProvNum, Status, "
                "PlanNum, InsSubNum, ProcDate, ClinicNum, Remarks, CodeSent, "
                "EstimateNote, SecDateEntry) SELECT ProcNum, PatNum, ProvNum, "
                "?, ?, ?, ProcDate, ClinicNum, '', '', '', CURDATE() FROM "
                "procedurelog WHERE "
                "ProcNum = ?",
                p, 4, NULL, NULL))
        return -1;
    j->key = proc;
    return od_securitylog(c, PERM_PROC_EDIT, j->developer, "Created", proc,
                          h->pat);
}

/* insHistPrefName and ProcDate: 0, or -1 with msg. */
static int read_cat_date(json_t *body, struct hjob *h, char *msg,
                         size_t msgsize)
{
    json_t *v = json_object_get(body, "insHistPrefName");
    long day;
    if (!v || json_is_null(v) ||
        (json_is_string(v) && !*json_string_value(v))) {
        snprintf(msg, msgsize, "insHistPrefName is required.");
        return -1;
    }
    for (h->cat = 0; h->cat < NCATS; h->cat++)
        if (json_is_string(v) &&
            strcmp(json_string_value(v), cats[h->cat].pref) == 0)
            break;
    if (h->cat == NCATS) {
        snprintf(msg, msgsize, "insHistPrefName is invalid.");
        return -1;
    }
    if (od_ck_required(od_ck_date(body, "ProcDate", h->date, msg, msgsize),
                       "ProcDate", msg, msgsize))
        return -1;
    /* the Insurance History window's range (FormInsHistSetup.IsValid) */
    day = od_ck_day_num(h->date);
    if (day < 0 || strncmp(h->date, "2100", 4) > 0) {
        snprintf(msg, msgsize, "ProcDate must be between 1880 and 2100.");
        return -1;
    }
    return 0;
}

static void h_post(odapi_request *req, void *arg)
{
    struct od_ck_job *j;
    struct hjob *h;
    json_t *body;
    char msg[128];
    (void)arg;
    if (!(j = od_ck_new_data(req, work_post, 1, sizeof *h, NULL)))
        return;
    h = j->data;
    if (!(body = od_ck_take_body(j)))
        return;
    if (od_ck_key_req(body, "PatNum", &h->pat, msg, sizeof msg) ||
        od_ck_key_req(body, "InsSubNum", &h->sub, msg, sizeof msg) ||
        read_cat_date(body, h, msg, sizeof msg)) {
        od_ck_reject(j, 400, msg);
        return;
    }
    od_ck_created(j, &od_res_procedurelogs);
    od_ck_submit(j);
}

/* What these routes take and answer, for GET /openapi.json
 * (engine/openapi-internal.h). */
static const struct od_opdoc inshist_docs[] = {
    {"GET", "/procedurelogs/InsuranceHistory",
     "A patient's insurance history.",
     "PatNum:int!,InsSubNum:int!",
     NULL,
     NULL,
     .perm = ODAPI_PERM_READ_ALL, .handler = h_get},
    {"POST", "/procedurelogs/InsuranceHistory",
     "Add an insurance history entry.",
     NULL,
     "PatNum:int!,InsSubNum:int!,insHistPrefName:text!,ProcDate:date!",
     "procedurelogs",
     .perm = ODAPI_PERM_PROCEDURE_LOGS, .handler = h_post},
};

OD_CK_ROUTES(od_register_inshist_actions, inshist_docs)
