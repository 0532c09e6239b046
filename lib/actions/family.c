/* family.c - GET /familymodules/{PatNum}/Insurance: the family module's
 * insurance view, rows of a description that is never registered itself
 * (resources/family.c), after a check that the patient exists. */
#include "actions/kit-internal.h"
#include "engine/openapi-internal.h"
#include "resources/resources-internal.h"

/* More patplans than any office gives one patient (Open Dental shows
 * every one of them; there is no paging on this view). */
#define FAM_MAX_ROWS 1000

static int fam_work(struct od_conn *c, struct od_ck_job *j)
{
    const char *params[1];
    char patnum[24], err[256];
    int n;
    snprintf(patnum, sizeof patnum, "%lld", j->key);
    params[0] = patnum;
    n = od_resource_rows_json(c, &od_res_patient_exists, "t.PatNum = ?",
                              "t.PatNum", params, 1, 1, &j->out, err,
                              sizeof err);
    if (n == 0)
        return od_ck_fail(j, 404, "Patient not found.");
    if (n > 0)
        /* PatPlans.Refresh: the patient's plans by Ordinal */
        n = od_resource_rows_json(c, &od_res_faminsurance, "t.PatNum = ?",
                                  "t.Ordinal, t.PatPlanNum", params, 1,
                                  FAM_MAX_ROWS, &j->out, err, sizeof err);
    return n < 0 ? od_ck_fail(j, 500, "%s", err) : 0;
}

static void h_fam_insurance(odapi_request *req, void *arg)
{
    struct od_ck_job *j;
    long long patnum;
    (void)arg;
    if (od_ck_path_key(req, "PatNum", 0, &patnum) ||
        !(j = od_ck_new(req, fam_work, 0)))
        return;
    j->key = patnum;
    od_ck_submit(j);
}

/* What these routes take and answer, for GET /openapi.json
 * (engine/openapi-internal.h). */
static const struct od_opdoc family_docs[] = {
    {"GET", "/familymodules/{PatNum}/Insurance",
     "The Family module's insurance of a patient.",
     NULL,
     NULL,
     NULL,
     .perm = ODAPI_PERM_READ_ALL, .handler = h_fam_insurance},
};

OD_CK_ROUTES(od_register_family_actions, family_docs)
