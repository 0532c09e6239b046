/* accountmodules.c - the Account module's views (the api*.html pages
 * "accountmodules"): GET /accountmodules/{PatNum}/Aging, /PatientBalances
 * and /ServiceDateView, computed as Open Dental computes them (the rules
 * and their source files are in docs/resources.md, "accountmodules").
 * Reads only: nothing is written, not even the balance columns Open
 * Dental's own Account module refreshes when it shows a family. */
#include "engine/openapi-internal.h"
#include "engine/resource-internal.h"
#include "actions/account-internal.h"
#include "actions/kit-internal.h"
#include "db/ledger-internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum am_kind { AM_AGING, AM_BALANCES, AM_SDV };

/* A view's input, the data of its kit job (ck: status, msg, out). */
struct amjob {
    struct od_ck_job *ck;
    enum am_kind kind;
    long long patnum, guarantor;
    int family;                 /* ServiceDateView: isFamily */
    struct od_ledger_prefs prefs;
};

static void amfail(struct amjob *j, int status, const char *msg)
{
    od_ck_fail(j->ck, status, "%s", msg);
}

/* ---- amounts ------------------------------------------------------------- */

long long od_milli(double v)
{
    return llround(v * 1000.0);
}

/* An amount in thousandths as a JSON number: "276.28", "-2.5"; a whole
 * amount as "49.0" when point (a .NET double, as the Aging example writes
 * it), else "49" (a decimal, as PatientBalances' example writes it). */
void od_put_milli(struct od_buf *b, long long m, int point)
{
    long long a = m < 0 ? -m : m;
    char frac[8];
    int n;
    if (m < 0)
        od_buf_addc(b, '-');
    od_buf_add_ll(b, a / 1000);
    if (a % 1000 == 0) {
        if (point)
            od_buf_add(b, ".0", 2);
        return;
    }
    n = snprintf(frac, sizeof frac, ".%03lld", a % 1000);
    while (n > 2 && frac[n - 1] == '0')
        n--;
    od_buf_add(b, frac, (size_t)n);
}

/* ---- the patient --------------------------------------------------------- */

/* The patient named by the path: 0 (j->guarantor set), or -1 with the
 * status set (404, 400 for a deleted patient, or a database error). */
static int load_patient(struct od_conn *c, struct amjob *j)
{
    struct od_prm p[1] = {OD_PI(j->patnum)};
    long long v[2];
    switch (od_query_ll(c, "SELECT Guarantor, PatStatus FROM patient WHERE "
                           "PatNum = ?", p, 1, 2, v)) {
    case 0:
        amfail(j, 404, "Patient not found.");
        return -1;
    case -1:
        return -1;
    }
    if (v[1] == 4) { /* PatientStatus.Deleted */
        amfail(j, 400, "Patient is deleted.");
        return -1;
    }
    j->guarantor = v[0] > 0 ? v[0] : j->patnum;
    return 0;
}

/* ---- GET Aging ----------------------------------------------------------- */

struct own {
    long long patnum, milli;
};

static int take_own(void *ctx, char **cols)
{
    struct own *o = ctx;
    long long pn;
    if (!od_parse_ll(cols[0], &pn) && pn == o->patnum)
        o->milli = od_milli(strtod(cols[6], NULL));
    return 0;
}

/* The Account module's aging panel (ControlAccount.FillAging): the
 * guarantor's aging as Ledgers.ComputeAging leaves it, the patient's own
 * balance less its pending insurance (AccountModules.GetMisc "patInsEst"),
 * and the family's unearned money (PaySplits.GetUnearnedForAccount less
 * the hidden unearned types). */
static int do_aging(struct od_conn *c, struct amjob *j)
{
    struct od_aging a;
    struct own own = {j->patnum, 0};
    struct od_prm p[1] = {OD_PI(j->patnum)};
    char v[2][OD_COLSZ];
    long long total, insest, patins, unearned;
    struct od_buf *b = &j->ck->out;
    if (od_aging_family(c, &j->prefs, j->guarantor, j->prefs.today, 0, &a) ||
        od_ledger_members(c, &j->prefs, j->guarantor, take_own, &own) < 0 ||
        od_query_row(c, "SELECT COALESCE(SUM(InsPayEst + WriteOff), 0) FROM "
                        "claimproc WHERE Status = 0 AND PatNum = ?",
                     p, 1, 1, v) < 0)
        return -1;
    patins = od_milli(strtod(v[0], NULL));
    p[0] = OD_PI(j->guarantor);
    if (od_query_row(c, "SELECT COALESCE(SUM(s.SplitAmt), 0) FROM paysplit s "
                        "JOIN patient f ON f.PatNum = s.PatNum WHERE "
                        "f.Guarantor = ? AND s.UnearnedType <> 0 AND "
                        "s.UnearnedType NOT IN (SELECT DefNum FROM "
                        "definition WHERE Category = 29 AND ItemValue <> '')",
                     p, 1, 1, v) < 0)
        return -1;
    unearned = od_milli(strtod(v[0], NULL));
    total = od_milli(a.bal_total);
    insest = od_milli(a.ins_pay_est) + od_milli(a.ins_wo_est);
    od_buf_adds(b, "{\"Bal_0_30\":");
    od_put_milli(b, od_milli(a.bal_0_30), 1);
    od_buf_adds(b, ",\"Bal_31_60\":");
    od_put_milli(b, od_milli(a.bal_31_60), 1);
    od_buf_adds(b, ",\"Bal_61_90\":");
    od_put_milli(b, od_milli(a.bal_61_90), 1);
    od_buf_adds(b, ",\"BalOver90\":");
    od_put_milli(b, od_milli(a.bal_over90), 1);
    od_buf_adds(b, ",\"Total\":");
    od_put_milli(b, total, 1);
    od_buf_adds(b, ",\"InsEst\":");
    od_put_milli(b, insest, 1);
    od_buf_adds(b, ",\"EstBal\":");
    od_put_milli(b, total - insest, 1);
    od_buf_adds(b, ",\"PatEstBal\":");
    od_put_milli(b, own.milli - patins, 1);
    od_buf_adds(b, ",\"Unearned\":");
    od_put_milli(b, unearned, 1);
    od_buf_adds(b, "}");
    return 0;
}

/* ---- GET PatientBalances ------------------------------------------------- */

/* Patients.GetNameLF: "LName, 'Preferred' FName MiddleI". */
void od_name_lf(struct od_buf *b, const char *l, const char *f,
                const char *pref, const char *mi)
{
    size_t at = b->len;
    od_buf_adds(b, l);
    if (*f || *mi || *pref)
        od_buf_addc(b, ',');
    if (*pref) {
        od_buf_adds(b, " '");
        od_buf_adds(b, pref);
        od_buf_addc(b, '\'');
    }
    if (*f) {
        if (b->len > at)
            od_buf_addc(b, ' ');
        od_buf_adds(b, f);
    }
    if (*mi) {
        if (b->len > at)
            od_buf_addc(b, ' ');
        od_buf_adds(b, mi);
    }
}

struct balctx {
    struct od_buf *out;
    struct od_buf name;
    long long total;
    int n;
};

static int take_member(void *ctx, char **cols)
{
    struct balctx *x = ctx;
    long long m = od_milli(strtod(cols[6], NULL));
    x->name.len = 0;
    if (x->name.p)
        x->name.p[0] = '\0';
    od_name_lf(&x->name, cols[1], cols[2], cols[3], cols[4]);
    od_buf_adds(x->out, x->n++ ? ",{\"PatNum\":" : "[{\"PatNum\":");
    od_buf_adds(x->out, cols[0]);
    od_buf_adds(x->out, ",\"Name\":");
    od_buf_json_str(x->out, x->name.p ? x->name.p : "", x->name.len, 1);
    od_buf_adds(x->out, ",\"Balance\":");
    od_put_milli(x->out, m, 0);
    od_buf_addc(x->out, '}');
    x->total += m;
    return 0;
}

/* AccountModules.GetPatientTable: each member's balance, then "Entire
 * Family" (the guarantor's PatNum) with their sum. */
static int do_balances(struct od_conn *c, struct amjob *j)
{
    struct balctx x;
    memset(&x, 0, sizeof x);
    x.out = &j->ck->out;
    od_buf_init(&x.name);
    if (od_ledger_members(c, &j->prefs, j->guarantor, take_member, &x) < 0) {
        od_buf_free(&x.name);
        return -1;
    }
    od_buf_free(&x.name);
    od_buf_adds(&j->ck->out, x.n ? ",{\"PatNum\":" : "[{\"PatNum\":");
    od_buf_add_ll(&j->ck->out, j->guarantor);
    od_buf_adds(&j->ck->out, ",\"Name\":\"Entire Family\",\"Balance\":");
    od_put_milli(&j->ck->out, x.total, 0);
    od_buf_adds(&j->ck->out, "}]");
    return 0;
}

/* ---- running a view ------------------------------------------------------ */

static int am_work(struct od_conn *c, struct od_ck_job *k)
{
    struct amjob *j = k->data;
    int rc = load_patient(c, j);
    if (rc == 0)
        rc = od_ledger_prefs_read(c, &j->prefs);
    if (rc == 0) {
        if (j->kind == AM_AGING)
            rc = do_aging(c, j);
        else if (j->kind == AM_BALANCES)
            rc = do_balances(c, j);
        else
            rc = od_service_date_view(c, &j->prefs, j->patnum, j->guarantor,
                                      j->family, &k->out, &k->status,
                                      k->msg, sizeof k->msg);
    }
    /* a lost connection: the kit runs this read again */
    if (rc != 0 && !k->status && !c->lost)
        amfail(j, 500, "The account could not be read.");
    return rc ? -1 : 0;
}

/* "true"/"false" (any case; absent or empty: false): 0, or -1. */
static int query_bool(odapi_request *req, const char *name, int *out)
{
    const char *v = od_query_get(&req->query, name);
    *out = 0;
    if (!v || !*v || !strcasecmp(v, "false"))
        return 0;
    if (!strcasecmp(v, "true")) {
        *out = 1;
        return 0;
    }
    return -1;
}

static void am_handle(odapi_request *req, enum am_kind kind)
{
    struct od_ck_job *k;
    struct amjob *j;
    long long patnum;
    int family = 0;
    const char *s = odapi_request_segment(req, "PatNum");
    if (!s || od_parse_ll(s, &patnum) || patnum <= 0) {
        odapi_reply_error(req, 400, "PatNum is invalid.");
        return;
    }
    if (kind == AM_SDV && query_bool(req, "isFamily", &family)) {
        odapi_reply_error(req, 400, "isFamily is invalid.");
        return;
    }
    if (!(k = od_ck_new_data(req, am_work, 0, sizeof *j, NULL)))
        return;
    j = k->data;
    j->ck = k;
    j->kind = kind;
    j->patnum = patnum;
    j->family = family;
    od_ck_submit(k);
}

static void h_aging(odapi_request *req, void *arg)
{
    (void)arg;
    am_handle(req, AM_AGING);
}

static void h_balances(odapi_request *req, void *arg)
{
    (void)arg;
    am_handle(req, AM_BALANCES);
}

static void h_sdv(odapi_request *req, void *arg)
{
    (void)arg;
    am_handle(req, AM_SDV);
}

/* What these routes take and answer, for GET /openapi.json
 * (engine/openapi-internal.h). */
static const struct od_opdoc acctmod_docs[] = {
    {"GET", "/accountmodules/{PatNum}/Aging",
     "A patient's (or family's) aging.",
     "isFamily:bool",
     NULL,
     NULL,
     .perm = ODAPI_PERM_READ_ALL, .handler = h_aging},
    {"GET", "/accountmodules/{PatNum}/PatientBalances",
     "Balances of each member of a patient's family.",
     NULL,
     NULL,
     NULL,
     .perm = ODAPI_PERM_READ_ALL, .handler = h_balances},
    {"GET", "/accountmodules/{PatNum}/ServiceDateView",
     "The Account module's service date view.",
     "isFamily:bool",
     NULL,
     NULL,
     .perm = ODAPI_PERM_READ_ALL, .handler = h_sdv},
};

OD_CK_ROUTES(od_register_accountmodule_actions, acctmod_docs)
