/* family.c - eobattaches as a description run by resource.c, and the
 * family module's insurance view, GET /familymodules/{PatNum}/Insurance
 * (spec Appendix A "eobattaches", "familymodules"). The view is a join of
 * patplan, inssub, insplan, carrier, the subscriber's patient row,
 * employer and feesched written by the engine's row writer from a
 * description that is never registered itself; a small handler reads the
 * PatNum from the path. Field order is the spec's; lower-case names are
 * derived, read-only companions. Choices the spec leaves open are in
 * docs/resources.md ("documents PUT/DELETE, eobattaches, familymodules"). */
#include "engine/openapi-internal.h"
#include "engine/resource-internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N(a) ((int)OD_ARRAY_LEN(a))

/* EnumPermType values used in securitylog (opendental-schema.md 4). */
enum { PERM_INS_PAY_EDIT = 37 };

#define KEY(n) {n, NULL, OD_W_INT, NULL, OD_F_RO | OD_F_KEY, NULL, 0, 0, NULL}
#define RO(n, w) {n, NULL, w, NULL, OD_F_RO, NULL, 0, 0, NULL}
#define EXPR(n, e, w) {n, e, w, NULL, OD_F_RO, NULL, 0, 0, NULL}

/* ---- eobattaches ----------------------------------------------------------- */

static const struct od_field eobattach_fields[] = {
    KEY("EobAttachNum"),
    RO("ClaimPaymentNum", OD_W_INT),
    RO("DateTCreated", OD_W_DATETIME),
    RO("FileName", OD_W_TEXT),
};

static const struct od_filter eobattach_filters[] = {
    {"ClaimPaymentNum", "t.ClaimPaymentNum = ?", OD_W_INT, NULL, 0, 0, NULL,
     NULL},
};

const struct od_resource od_res_eobattaches = {
    .name = "eobattaches", .table = "eobattach", .pk = "EobAttachNum",
    .fields = eobattach_fields, .nfields = N(eobattach_fields),
    .filters = eobattach_filters, .nfilters = N(eobattach_filters),
    /* EobAttaches.Refresh: in the order they were scanned */
    .order = "t.DateTCreated, t.EobAttachNum",
    /* DELETE removes the file too: features/docdelete.c */
    .ops = OD_OP_GET_LIST,
    .write_perm = ODAPI_PERM_ALL_OTHERS, .missing = "EobAttach not found.",
    .perm_delete = PERM_INS_PAY_EDIT, .log_noun = "EobAttach",
};

/* ---- familymodules/{PatNum}/Insurance ---------------------------------------- */

#define FAM_JOINS                                                            \
    "LEFT JOIN inssub s ON s.InsSubNum = t.InsSubNum "                      \
    "LEFT JOIN insplan ip ON ip.PlanNum = s.PlanNum "                       \
    "LEFT JOIN carrier c ON c.CarrierNum = ip.CarrierNum "                  \
    "LEFT JOIN patient sp ON sp.PatNum = s.Subscriber "                     \
    "LEFT JOIN feesched fs ON fs.FeeSchedNum = ip.FeeSched "                \
    "LEFT JOIN feesched cfs ON cfs.FeeSchedNum = ip.CopayFeeSched "         \
    "LEFT JOIN employer e ON e.EmployerNum = ip.EmployerNum"

static const struct od_field faminsurance_fields[] = {
    RO("PatNum", OD_W_INT),
    RO("InsSubNum", OD_W_INT),
    EXPR("Subscriber", "COALESCE(s.Subscriber, 0)", OD_W_INT),
    /* "First and last name of Subscriber" */
    EXPR("subscriber", "COALESCE(TRIM(CONCAT(sp.FName, ' ', sp.LName)), '')",
         OD_W_TEXT),
    EXPR("SubscriberID", "COALESCE(s.SubscriberID, '')", OD_W_TEXT),
    EXPR("SubscNote", "COALESCE(s.SubscNote, '')", OD_W_TEXT),
    {"PatPlanNum", NULL, OD_W_INT, NULL, OD_F_RO | OD_F_KEY, NULL, 0, 0,
     NULL},
    RO("Ordinal", OD_W_INT),
    /* the Family module's column heading (ContrFamily.FillInsData): a
     * medical plan is "Medical"; the dental plans, in Ordinal order, are
     * Primary, Secondary, then Other */
    EXPR("ordinal",
         "CASE WHEN COALESCE(ip.IsMedical, 0) <> 0 THEN 'Medical' ELSE ELT("
         "LEAST(3, 1 + (SELECT COUNT(*) FROM patplan p2 JOIN inssub s2 ON "
         "s2.InsSubNum = p2.InsSubNum JOIN insplan i2 ON i2.PlanNum = "
         "s2.PlanNum WHERE p2.PatNum = t.PatNum AND i2.IsMedical = 0 AND "
         "(p2.Ordinal < t.Ordinal OR (p2.Ordinal = t.Ordinal AND "
         "p2.PatPlanNum < t.PatPlanNum)))), 'Primary', 'Secondary', 'Other') "
         "END",
         OD_W_TEXT),
    RO("IsPending", OD_W_BOOL),
    EXPR("Relationship",
         "COALESCE(ELT(t.Relationship + 1, 'Self', 'Spouse', 'Child', "
         "'Employee', 'HandicapDep', 'SignifOther', 'InjuredPlaintiff', "
         "'LifePartner', 'Dependent'), '')",
         OD_W_TEXT),
    RO("PatID", OD_W_TEXT),
    EXPR("CarrierNum", "COALESCE(ip.CarrierNum, 0)", OD_W_INT),
    EXPR("CarrierName", "COALESCE(c.CarrierName, '')", OD_W_TEXT),
    EXPR("PlanNum", "COALESCE(s.PlanNum, 0)", OD_W_INT),
    EXPR("GroupName", "COALESCE(ip.GroupName, '')", OD_W_TEXT),
    EXPR("GroupNum", "COALESCE(ip.GroupNum, '')", OD_W_TEXT),
    EXPR("PlanNote", "COALESCE(ip.PlanNote, '')", OD_W_TEXT),
    EXPR("FeeSched", "COALESCE(ip.FeeSched, 0)", OD_W_INT),
    EXPR("feeSchedule", "COALESCE(fs.Description, '')", OD_W_TEXT),
    EXPR("PlanType", "COALESCE(ip.PlanType, '')", OD_W_TEXT),
    /* the Family module's "Plan Type" row; a PPO whose copay schedule is
     * a FixedBenefit (3) one is "PPO Fixed Benefit" */
    EXPR("planType",
         "CASE COALESCE(ip.PlanType, '') WHEN '' THEN 'Category Percentage' "
         "WHEN 'p' THEN IF(cfs.FeeSchedType = 3, 'PPO Fixed Benefit', "
         "'PPO Percentage') WHEN 'f' THEN 'Medicaid or Flat Co-pay' "
         "WHEN 'c' THEN 'Capitation' ELSE '' END",
         OD_W_TEXT),
    EXPR("CopayFeeSched", "COALESCE(ip.CopayFeeSched, 0)", OD_W_INT),
    EXPR("EmployerNum", "COALESCE(ip.EmployerNum, 0)", OD_W_INT),
    EXPR("employer", "COALESCE(e.EmpName, '')", OD_W_TEXT),
    EXPR("IsMedical", "COALESCE(ip.IsMedical, 0)", OD_W_BOOL),
};

/* never registered: rows for the handler below */
static const struct od_resource faminsurance = {
    .name = "familymodules", .table = "patplan", .pk = "PatPlanNum",
    .joins = FAM_JOINS,
    .fields = faminsurance_fields, .nfields = N(faminsurance_fields),
    .missing = "Patient not found.",
};

static const struct od_field patnum_only[] = {KEY("PatNum")};
static const struct od_resource patient_exists = {
    .name = "patients", .table = "patient", .pk = "PatNum",
    .fields = patnum_only, .nfields = N(patnum_only),
};

/* More patplans than any office gives one patient (Open Dental shows
 * every one of them; there is no paging on this view). */
#define FAM_MAX_ROWS 1000

struct fjob {
    odapi_request *req;
    char patnum[24];
    int status;
    char msg[256];
    struct od_buf out;
};

static int fam_work(struct od_conn *c, void *arg)
{
    struct fjob *j = arg;
    const char *params[1];
    char err[256];
    int n;
    params[0] = j->patnum;
    j->status = 0;
    n = od_resource_rows_json(c, &patient_exists, "t.PatNum = ?", "t.PatNum",
                              params, 1, 1, &j->out, err, sizeof err);
    if (n == 0) {
        j->status = 404;
        snprintf(j->msg, sizeof j->msg, "Patient not found.");
        return OD_WORK_DONE;
    }
    if (n > 0)
        /* PatPlans.Refresh: the patient's plans by Ordinal */
        n = od_resource_rows_json(c, &faminsurance, "t.PatNum = ?",
                                  "t.Ordinal, t.PatPlanNum", params, 1,
                                  FAM_MAX_ROWS, &j->out, err, sizeof err);
    if (n < 0) {
        if (c->lost)
            return OD_WORK_RETRY; /* a read: safe to run again */
        j->status = 500;
        snprintf(j->msg, sizeof j->msg, "%s", err);
        return OD_WORK_DONE;
    }
    j->status = 200;
    return OD_WORK_DONE;
}

static void fam_done(void *arg, int status)
{
    struct fjob *j = arg;
    if (status != ODAPI_OK)
        odapi_reply_error(j->req, 503, "The database is not available.");
    else if (j->status != 200)
        odapi_reply_error(j->req, j->status ? j->status : 500,
                          j->msg[0] ? j->msg : "The request failed.");
    else if (j->out.oom)
        odapi_reply_error(j->req, 500, "Out of memory.");
    else
        odapi_reply(j->req, 200, j->out.p ? j->out.p : "[]", j->out.len);
    od_buf_free(&j->out);
    free(j);
}

static void h_fam_insurance(odapi_request *req, void *arg)
{
    struct fjob *j;
    long long patnum;
    const char *s = odapi_request_segment(req, "PatNum");
    (void)arg;
    if (od_parse_key(s, &patnum)) {
        odapi_reply_error(req, 400, "PatNum is invalid.");
        return;
    }
    if (!(j = calloc(1, sizeof *j))) {
        odapi_reply_error(req, 500, "Out of memory.");
        return;
    }
    j->req = req;
    snprintf(j->patnum, sizeof j->patnum, "%lld", patnum);
    od_buf_init(&j->out);
    if (od_request_submit(req, fam_work, fam_done, j)) {
        od_buf_free(&j->out);
        free(j);
    }
}

/* What these routes take and answer, for GET /openapi.json
 * (engine/openapi-internal.h). */
static const struct od_opdoc family_docs[] = {
    {"GET", "/familymodules/{PatNum}/Insurance",
     "The Family module's insurance of a patient.",
     NULL,
     NULL,
     NULL},
};

void od_register_family_actions(odapi_server *srv);
void od_register_family_actions(odapi_server *srv)
{
    od_router_add(&srv->router, "GET", "/familymodules/{PatNum}/Insurance",
                  ODAPI_PERM_READ_ALL, h_fam_insurance, NULL);
    od_api_docs(srv, family_docs, (int)OD_ARRAY_LEN(family_docs));
}
