/* reports.c - GET /reports/Aging and GET /reports/FinanceCharges (the
 * api*.html pages "reports"): Open Dental's Aging report
 * (OpenDentBusiness/Reports/RpAging.cs over Ledgers.cs) and Finance Charge
 * report (OpenDentBusiness/Reports/RpFinanceCharge.cs). Reads only; the aging
 * report computes the aging without storing it, as the API's page says.
 * Choices in docs/resources.md ("reports"). */
#include "engine/openapi-internal.h"
#include "actions/account-internal.h"
#include "actions/kit-internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* the engine's page (resource.c): at most 1000 rows */
#define PAGE_MAX 1000
/* ProvNums / BillingTypes: a comma list of at most this many numbers */
#define LIST_MAX 200

enum rp_kind { RP_AGING, RP_FINANCE };

/* A report's input, the data of its kit job (ck: out). */
struct rpjob {
    struct od_ck_job *ck;
    enum rp_kind kind;
    char date1[11], date2[11];  /* DateAsOf; DateFrom, DateTo ("": today) */
    long long clinic;           /* -1: every clinic */
    long long offset, limit;
    char provs[LIST_MAX * 21], billtypes[LIST_MAX * 21];
    struct od_ledger_prefs prefs;
    int n;
};

/* ---- GET /reports/Aging -------------------------------------------------- */

static int take_aging(void *ctx, char **cols)
{
    struct rpjob *j = ctx;
    struct od_buf *b = &j->ck->out;
    static const char *const names[] = {"Bal_0_30", "Bal_31_60", "Bal_61_90",
                                        "BalOver90", "BalTotal", "InsWoEst",
                                        "InsPayEst"};
    long long m[7];
    int i;
    od_buf_adds(b, j->n++ ? ",{\"PatNum\":" : "[{\"PatNum\":");
    od_buf_adds(b, cols[0]);
    /* RpAging: "LName, FName MiddleI" (ReportsShowPatNum: "PatNum - ...") */
    od_buf_adds(b, ",\"patName\":");
    {
        struct od_buf n;
        od_buf_init(&n);
        if (j->prefs.show_patnum)
            od_buf_printf(&n, "%s - ", cols[0]);
        od_buf_printf(&n, "%s, %s %s", cols[1], cols[2], cols[3]);
        od_buf_json_str(b, n.p ? n.p : "", n.len, 1);
        od_buf_free(&n);
    }
    for (i = 0; i < 7; i++) {
        m[i] = od_milli(strtod(cols[4 + i], NULL));
        od_buf_printf(b, ",\"%s\":", names[i]);
        od_put_milli(b, m[i], 0);
    }
    od_buf_adds(b, ",\"PatientPortion\":");
    od_put_milli(b, m[4] - m[6] - m[5], 0); /* BalTotal-InsPayEst-InsWoEst */
    od_buf_addc(b, '}');
    return 0;
}

static int do_aging(struct od_conn *c, struct rpjob *j)
{
    const char *asof = j->date1[0] ? j->date1 : j->prefs.today;
    /* FormRpAging: an aging as of another day than today is historic */
    int historic = strcmp(asof, j->prefs.today) != 0;
    return od_aging_report(c, &j->prefs, asof, historic, j->clinic,
                           j->offset, j->limit, take_aging, j) < 0
               ? -1
               : 0;
}

/* ---- GET /reports/FinanceCharges ----------------------------------------- */

static int take_finance(void *ctx, char **cols)
{
    struct rpjob *j = ctx;
    struct od_buf *b = &j->ck->out, n;
    od_buf_adds(b, j->n++ ? ",{\"PatNum\":" : "[{\"PatNum\":");
    od_buf_adds(b, cols[0]);
    od_buf_adds(b, ",\"PatName\":");
    od_buf_init(&n);
    od_buf_printf(&n, "%s, %s %s", cols[1], cols[2], cols[3]);
    od_buf_json_str(b, n.p ? n.p : "", n.len, 1);
    od_buf_free(&n);
    od_buf_adds(b, ",\"Preferred\":");
    od_buf_json_str(b, cols[4], strlen(cols[4]), 1);
    od_buf_adds(b, ",\"AdjAmt\":");
    od_put_milli(b, od_milli(strtod(cols[5], NULL)), 0);
    od_buf_addc(b, '}');
    return 0;
}

/* RpFinanceCharge.GetFinanceChargeTable: the adjustments of the finance
 * charge type (preference FinanceChargeAdjustmentType) dated in the range,
 * of patients of the given primary providers and billing types. */
static int do_finance(struct od_conn *c, struct rpjob *j)
{
    struct od_prm p[9];
    p[0] = j->date1[0] ? OD_PS(j->date1) : OD_PNULL;
    p[1] = j->date2[0] ? OD_PS(j->date2) : OD_PNULL;
    p[2] = OD_PI(j->prefs.fin_adj_type);
    p[3] = OD_PS(j->provs);
    p[4] = OD_PS(j->provs);
    p[5] = OD_PS(j->billtypes);
    p[6] = OD_PS(j->billtypes);
    p[7] = OD_PI(j->limit);
    p[8] = OD_PI(j->offset);
    return od_query_each(
               c,
               "SELECT pt.PatNum, pt.LName, pt.FName, pt.MiddleI, "
               "pt.Preferred, a.AdjAmt FROM patient pt INNER JOIN adjustment "
               "a ON pt.PatNum = a.PatNum AND a.AdjDate BETWEEN "
               "COALESCE(?, CURDATE()) AND COALESCE(?, CURDATE()) AND "
               "a.AdjType = ? WHERE (? = '' OR FIND_IN_SET(pt.PriProv, ?)) "
               "AND (? = '' OR FIND_IN_SET(pt.BillingType, ?)) ORDER BY "
               "pt.LName, pt.FName, a.AdjAmt DESC, a.AdjNum LIMIT ? OFFSET ?",
               p, 9, 6, take_finance, j) < 0
               ? -1
               : 0;
}

/* ---- running a report ---------------------------------------------------- */

static int rp_work(struct od_conn *c, struct od_ck_job *k)
{
    struct rpjob *j = k->data;
    int rc;
    j->n = 0;
    rc = od_ledger_prefs_read(c, &j->prefs);
    if (rc == 0)
        rc = j->kind == RP_AGING ? do_aging(c, j) : do_finance(c, j);
    if (rc == 0) {
        if (!j->n)
            od_buf_adds(&k->out, "[");
        od_buf_adds(&k->out, "]");
        return 0;
    }
    /* a lost connection: the kit runs this read again */
    if (!c->lost)
        od_ck_fail(k, 500, "The report could not be made.");
    return -1;
}

/* A date parameter: "" when absent (today), else yyyy-MM-dd; 0 or -1. */
static int query_date(odapi_request *req, const char *name, char out[11])
{
    const char *v = od_query_get(&req->query, name);
    out[0] = '\0';
    if (!v || !*v)
        return 0;
    if (strlen(v) != 10 || !od_valid_date(v, 0))
        return -1;
    memcpy(out, v, 11);
    return 0;
}

/* A list of keys, "[2,3]" or "2,3" (the page shows both), into a comma
 * list of our own formatting ("" when absent): 0, or -1. */
static int query_keys(odapi_request *req, const char *name, char *out,
                      size_t outsize)
{
    const char *v = od_query_get(&req->query, name);
    char item[32];
    size_t n = 0, at = 0, len;
    long long k;
    out[0] = '\0';
    if (!v || !*v)
        return 0;
    len = strlen(v);
    if (v[0] == '[') {
        if (len < 2 || v[len - 1] != ']')
            return -1;
        v++;
        len -= 2;
    }
    while (len) {
        size_t l = 0;
        while (l < len && v[l] != ',')
            l++;
        if (l == 0 || l >= sizeof item || ++n > LIST_MAX)
            return -1;
        memcpy(item, v, l);
        item[l] = '\0';
        if (od_parse_ll(item, &k) || k < 0)
            return -1;
        at += (size_t)snprintf(out + at, outsize - at, "%s%lld",
                               at ? "," : "", k);
        v += l;
        len -= l;
        if (len) { /* a comma: another key must follow */
            v++;
            if (!--len)
                return -1;
        }
    }
    return 0;
}

/* Offset and Limit as the engine reads them (resource.c). */
static const char *query_page(odapi_request *req, struct rpjob *j)
{
    const char *v;
    j->offset = 0;
    j->limit = PAGE_MAX;
    if ((v = od_query_get(&req->query, "Offset")) && *v &&
        (od_parse_ll(v, &j->offset) || j->offset < 0))
        return "Offset is invalid.";
    if ((v = od_query_get(&req->query, "Limit")) && *v &&
        (od_parse_ll(v, &j->limit) || j->limit < 0))
        return "Limit is invalid.";
    if (j->limit > PAGE_MAX)
        j->limit = PAGE_MAX;
    return NULL;
}

static void rp_handle(odapi_request *req, enum rp_kind kind)
{
    struct od_ck_job *k = od_ck_new_data(req, rp_work, 0, sizeof(struct rpjob),
                                         NULL);
    struct rpjob *j;
    const char *msg = NULL, *v;
    if (!k)
        return;
    j = k->data;
    j->ck = k;
    j->kind = kind;
    j->clinic = -1;
    if (kind == RP_AGING) {
        if (query_date(req, "DateAsOf", j->date1))
            msg = "DateAsOf format must be yyyy-MM-dd";
        else if ((v = od_query_get(&req->query, "ClinicNum")) && *v &&
                 (od_parse_ll(v, &j->clinic) || j->clinic < 0))
            msg = "ClinicNum is invalid.";
    } else if (query_date(req, "DateFrom", j->date1)) {
        msg = "DateFrom format must be yyyy-MM-dd";
    } else if (query_date(req, "DateTo", j->date2)) {
        msg = "DateTo format must be yyyy-MM-dd";
    } else if (query_keys(req, "ProvNums", j->provs, sizeof j->provs)) {
        msg = "ProvNums is invalid.";
    } else if (query_keys(req, "BillingTypes", j->billtypes,
                          sizeof j->billtypes)) {
        msg = "BillingTypes is invalid.";
    }
    if (!msg)
        msg = query_page(req, j);
    if (msg)
        return od_ck_reject(k, 400, msg);
    od_ck_submit(k);
}

static void h_aging(odapi_request *req, void *arg)
{
    (void)arg;
    rp_handle(req, RP_AGING);
}

static void h_finance(odapi_request *req, void *arg)
{
    (void)arg;
    rp_handle(req, RP_FINANCE);
}

/* What these routes take and answer, for GET /openapi.json
 * (engine/openapi-internal.h). */
static const struct od_opdoc report_docs[] = {
    {"GET", "/reports/Aging",
     "The aging report.",
     "DateAsOf:date,ClinicNum:int,ProvNums:ints,BillingTypes:ints,Offset:int,Limit:int",
     NULL,
     NULL,
     .perm = ODAPI_PERM_READ_ALL, .handler = h_aging},
    {"GET", "/reports/FinanceCharges",
     "The finance charges report.",
     "DateFrom:date,DateTo:date,ClinicNum:int,ProvNums:ints,BillingTypes:ints,Offset:int,Limit:int",
     NULL,
     NULL,
     .perm = ODAPI_PERM_READ_ALL, .handler = h_finance},
};

OD_CK_ROUTES(od_register_report_actions, report_docs)
