/* claimsplit.c - PUT /claims/{ClaimNum}/Split (the api*.html pages, claims):
 * procedures moved from a claim to a new one, as Open Dental's Edit Claim
 * window splits a claim (branch 24_3: OpenDental/Forms/FormClaimEdit.cs
 * butSplit_Click; OpenDentBusiness/Data Interface/Claims.cs
 * InsertSplitClaim; ClaimProcs.cs AreAllAttachedToClaim,
 * RemoveSupplementalTransfersForClaims; ClaimTrackings.cs CopyToClaim).
 * Choices are in docs/resources.md. */
#include "engine/openapi-internal.h"
#include "actions/claimnew-internal.h"
#include "db/catalog-internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* EnumPermType ClaimEdit */
enum { PERM_CLAIM_EDIT = 150 };

struct sjob {
    long long claim, newclaim, pat;
    struct cin in; /* the ProcNums */
};

/* The claimprocs of the claim for the procedures given: how many
 * procedures have one, whether one has an insurance payment, and whether
 * a procedure stays. */
static int check_split(struct od_conn *c, struct od_ck_job *j, struct sjob *s)
{
    long long v[OD_MAXCOL];
    struct od_prm p[2];
    int i, found = 0, paid = 0;
    for (i = 0; i < s->in.nprocs; i++) {
        p[0] = OD_PI(s->claim);
        p[1] = OD_PI(s->in.procs[i]);
        if (od_query_ll(c, "SELECT COUNT(*), COALESCE(SUM(InsPayAmt <> 0), "
                           "0) FROM claimproc WHERE ClaimNum = ? AND ProcNum "
                           "= ? FOR UPDATE", p, 2, 2, v) < 0)
            return -1;
        found += v[0] > 0;
        paid += v[1] > 0;
    }
    if (found != s->in.nprocs)
        return od_ck_fail(j, 400, "All ProcNums must be procedures attached to "
                               "the claim.");
    if (paid)
        return od_ck_fail(j, 400, "All selected procedures must have zero "
                               "insurance payment amounts.");
    p[0] = OD_PI(s->claim);
    if (od_query_ll(c, "SELECT COUNT(DISTINCT ProcNum) FROM claimproc WHERE "
                       "ClaimNum = ? AND ProcNum <> 0", p, 1, 1, v) < 0)
        return -1;
    if (v[0] <= s->in.nprocs)
        return od_ck_fail(j, 400, "At least one procedure needs to remain on "
                               "this claim in order to split it.");
    return 0;
}

/* The claim tracking notes get "Split claim original entry timestamp: ..."
 * in front: refuse when that would not fit the column (a note is never
 * stored cut). */
static int check_tracking(struct od_conn *c, struct od_ck_job *j,
                          struct sjob *s)
{
    const struct od_column *col =
        od_catalog_column(od_db_catalog(c->db), "claimtracking", "Note");
    long long v[OD_MAXCOL];
    struct od_prm p[2];
    if (!col || col->max_bytes <= 0)
        return 0;
    p[0] = OD_PI(s->claim);
    p[1] = OD_PI(col->max_bytes - 80);
    if (od_query_ll(c, "SELECT COUNT(*) FROM claimtracking WHERE ClaimNum = "
                       "? AND LENGTH(Note) > ?", p, 2, 1, v) < 0)
        return -1;
    return v[0] ? od_ck_fail(j, 400, "A claim tracking note of the claim is "
                                  "too long to be copied to the split claim.")
                : 0;
}

/* Move the claimprocs of one procedure: off any payment plan (two claims'
 * claimprocs cannot share one). */
static int move_proc(struct od_conn *c, struct sjob *s, long long proc)
{
    struct od_prm p[3];
    p[0] = OD_PI(s->newclaim);
    p[1] = OD_PI(s->claim);
    p[2] = OD_PI(proc);
    return od_exec(c, "UPDATE claimproc SET ClaimNum = ?, PayPlanNum = 0 "
                      "WHERE ClaimNum = ? AND ProcNum = ?", p, 3, NULL, NULL);
}

/* The new claim's totals are what moved; the original's lose them. */
static int split_totals(struct od_conn *c, struct sjob *s)
{
    if (od_iu_claim_totals(c, s->newclaim))
        return -1;
    return od_exec(c,
                   "UPDATE claim o JOIN claim n ON n.ClaimNum = ? SET "
                   "o.ClaimFee = o.ClaimFee - n.ClaimFee, o.DedApplied = "
                   "o.DedApplied - n.DedApplied, o.InsPayEst = o.InsPayEst - "
                   "n.InsPayEst, o.InsPayAmt = o.InsPayAmt - n.InsPayAmt, "
                   "o.WriteOff = o.WriteOff - n.WriteOff WHERE o.ClaimNum = ?",
                   (struct od_prm[]){OD_PI(s->newclaim), OD_PI(s->claim)}, 2,
                   NULL, NULL);
}

static int copy_tracking(struct od_conn *c, struct sjob *s)
{
    struct od_prm p[2];
    if (!od_catalog_has_table(od_db_catalog(c->db), "claimtracking"))
        return 0;
    p[0] = OD_PI(s->newclaim);
    p[1] = OD_PI(s->claim);
    /* DateTimeEntry.ToString() of Open Dental's en-US culture */
    return od_exec(c,
                   "INSERT INTO claimtracking (ClaimNum, TrackingType, "
                   "UserNum, DateTimeEntry, Note, TrackingDefNum, "
                   "TrackingErrorDefNum) SELECT ?, TrackingType, UserNum, "
                   "NOW(), CONCAT('Split claim original entry timestamp: ', "
                   "DATE_FORMAT(DateTimeEntry, '%c/%e/%Y %l:%i:%s %p'), "
                   "'\\r\\n', Note), TrackingDefNum, TrackingErrorDefNum "
                   "FROM claimtracking WHERE ClaimNum = ? ORDER BY "
                   "DateTimeEntry DESC, ClaimTrackingNum",
                   p, 2, NULL, NULL);
}

static int new_claim(struct od_conn *c, struct sjob *s)
{
    struct iu_set sets[7] = {
        {"ClaimFee", "0", OD_PNULL, 0},  {"DedApplied", "0", OD_PNULL, 0},
        {"InsPayEst", "0", OD_PNULL, 0}, {"InsPayAmt", "0", OD_PNULL, 0},
        {"WriteOff", "0", OD_PNULL, 0},  {"CustomTracking", "0", OD_PNULL, 0},
        {"SecDateEntry", "CURDATE()", OD_PNULL, 0}};
    struct cwork w;
    char id[128];
    const char *tag;
    if (od_iu_copy_row(c, "claim", "ClaimNum", s->claim, sets, 7, &s->newclaim))
        return -1;
    memset(&w, 0, sizeof w);
    if (od_cn_read_prefs(c, &w))
        return -1;
    /* Claims.ConvertClaimId: the prefix with [PatNum], then the ClaimNum */
    tag = strstr(w.id_prefix, "[PatNum]");
    if (tag)
        snprintf(id, sizeof id, "%.*s%lld%s%lld", (int)(tag - w.id_prefix),
                 w.id_prefix, s->pat, tag + 8, s->newclaim);
    else
        snprintf(id, sizeof id, "%s%lld", w.id_prefix, s->newclaim);
    return od_exec(c, "UPDATE claim SET ClaimIdentifier = ? WHERE ClaimNum "
                      "= ?", (struct od_prm[]){OD_PS(id), OD_PI(s->newclaim)},
                   2, NULL, NULL);
}

static int work_split(struct od_conn *c, struct od_ck_job *j)
{
    struct sjob *s = j->data;
    long long v[OD_MAXCOL];
    struct od_prm p[1];
    int i;
    p[0] = OD_PI(s->claim);
    if (od_ck_need_ll(c, j, "SELECT PatNum FROM claim WHERE ClaimNum = ? FOR "
                            "UPDATE", p, 1, 1, v, 404, "Claim not found"))
        return -1;
    s->pat = v[0];
    if (check_split(c, j, s) || check_tracking(c, j, s) || new_claim(c, s))
        return -1;
    for (i = 0; i < s->in.nprocs; i++)
        if (move_proc(c, s, s->in.procs[i]))
            return -1;
    if (split_totals(c, s) || copy_tracking(c, s))
        return -1;
    p[0] = OD_PI(s->claim);
    if (od_exec(c, "DELETE FROM claimproc WHERE ClaimNum = ? AND IsTransfer "
                   "<> 0", p, 1, NULL, NULL))
        return -1;
    /* the answer: the new claim and the procedures on it */
    od_buf_printf(&j->out, "{\"ClaimNum\":%lld,\"ProcNums\":[", s->newclaim);
    for (i = 0; i < s->in.nprocs; i++)
        od_buf_printf(&j->out, "%s%lld", i ? "," : "", s->in.procs[i]);
    od_buf_adds(&j->out, "]}");
    if (od_securitylog(c, PERM_CLAIM_EDIT, j->developer, "Updated", s->claim,
                       s->pat))
        return -1;
    return od_securitylog(c, PERM_CLAIM_EDIT, j->developer, "Created",
                          s->newclaim, s->pat);
}

static void h_split(odapi_request *req, void *arg)
{
    struct od_ck_job *j;
    struct sjob *s;
    json_t *body;
    char msg[128];
    (void)arg;
    if (!(j = od_ck_new_data(req, work_split, 1, sizeof *s, NULL)))
        return;
    s = j->data;
    if (od_parse_ll(odapi_request_segment(req, "ClaimNum"), &s->claim) ||
        s->claim <= 0) {
        od_ck_reject(j, 400, "ClaimNum is invalid.");
        return;
    }
    if (!(body = od_ck_take_body(j)))
        return;
    if (od_cn_read_procnums(body, "ProcNums", &s->in, msg, sizeof msg)) {
        od_ck_reject(j, 400, msg);
        return;
    }
    od_ck_submit(j);
}

/* What these routes take and answer, for GET /openapi.json
 * (engine/openapi-internal.h). */
static const struct od_opdoc claimsplit_docs[] = {
    {"PUT", "/claims/{ClaimNum}/Split",
     "Split procedures off a claim into a new one.",
     NULL,
     "ProcNums:ints!",
     "claims",
     .perm = ODAPI_PERM_INSURANCE, .handler = h_split},
};

OD_CK_ROUTES(od_register_claimsplit_actions, claimsplit_docs)
