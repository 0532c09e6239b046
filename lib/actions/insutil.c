/* insutil.c - the helpers of insutil-internal.h. */
#include "actions/insutil-internal.h"
#include "db/catalog-internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The columns copied, in Open Dental 24.3's order (its CRUD classes copy
 * every field); a column this database lacks is left out, one it has
 * beyond these keeps its default. */
static const char *const claim_cols[] = {
    "PatNum", "DateService", "DateSent", "ClaimStatus", "DateReceived",
    "PlanNum", "ProvTreat", "ClaimFee", "InsPayEst", "InsPayAmt",
    "DedApplied", "PreAuthString", "IsProsthesis", "PriorDate",
    "ReasonUnderPaid", "ClaimNote", "ClaimType", "ProvBill", "ReferringProv",
    "RefNumString", "PlaceService", "AccidentRelated", "AccidentDate",
    "AccidentST", "EmployRelated", "IsOrtho", "OrthoRemainM", "OrthoDate",
    "PatRelat", "PlanNum2", "PatRelat2", "WriteOff", "Radiographs",
    "ClinicNum", "ClaimForm", "AttachedImages", "AttachedModels",
    "AttachedFlags", "AttachmentID", "CanadianMaterialsForwarded",
    "CanadianReferralProviderNum", "CanadianReferralReason",
    "CanadianIsInitialLower", "CanadianDateInitialLower",
    "CanadianMandProsthMaterial", "CanadianIsInitialUpper",
    "CanadianDateInitialUpper", "CanadianMaxProsthMaterial", "InsSubNum",
    "InsSubNum2", "CanadaTransRefNum", "CanadaEstTreatStartDate",
    "CanadaInitialPayment", "CanadaPaymentMode", "CanadaTreatDuration",
    "CanadaNumAnticipatedPayments", "CanadaAnticipatedPayAmount",
    "PriorAuthorizationNumber", "SpecialProgramCode", "UniformBillType",
    "MedType", "AdmissionTypeCode", "AdmissionSourceCode",
    "PatientStatusCode", "CustomTracking", "DateResent", "CorrectionType",
    "ClaimIdentifier", "OrigRefNum", "ProvOrderOverride", "OrthoTotalM",
    "ShareOfCost", "SecUserNumEntry", "SecDateEntry", "OrderingReferralNum",
    "DateSentOrig", "DateIllnessInjuryPreg", "DateIllnessInjuryPregQualifier",
    "DateOther", "DateOtherQualifier", "IsOutsideLab", "Narrative", NULL};

static const char *const claimproc_cols[] = {
    "ProcNum", "ClaimNum", "PatNum", "ProvNum", "FeeBilled", "InsPayEst",
    "DedApplied", "Status", "InsPayAmt", "Remarks", "ClaimPaymentNum",
    "PlanNum", "DateCP", "WriteOff", "CodeSent", "AllowedOverride",
    "Percentage", "PercentOverride", "CopayAmt", "NoBillIns", "PaidOtherIns",
    "BaseEst", "CopayOverride", "ProcDate", "DateEntry", "LineNumber",
    "DedEst", "DedEstOverride", "InsEstTotal", "InsEstTotalOverride",
    "PaidOtherInsOverride", "EstimateNote", "WriteOffEst",
    "WriteOffEstOverride", "ClinicNum", "InsSubNum", "PaymentRow",
    "PayPlanNum", "ClaimPaymentTracking", "SecUserNumEntry", "SecDateEntry",
    "DateSuppReceived", "DateInsFinalized", "IsTransfer",
    "ClaimAdjReasonCodes", "IsOverpay", NULL};

static const char *const *cols_of(const char *table)
{
    if (strcmp(table, "claim") == 0)
        return claim_cols;
    if (strcmp(table, "claimproc") == 0)
        return claimproc_cols;
    return NULL;
}

static const struct iu_set *set_for(const struct iu_set *sets, int n,
                                    const char *col)
{
    int i;
    for (i = 0; i < n; i++)
        if (strcmp(sets[i].col, col) == 0)
            return &sets[i];
    return NULL;
}

int od_iu_copy_row(struct od_conn *c, const char *table, const char *keycol,
                long long key, const struct iu_set *sets, int nsets,
                long long *id)
{
    const struct od_catalog *cat = od_db_catalog(c->db);
    const char *const *cols = cols_of(table);
    struct od_buf into, sel;
    struct od_prm p[OD_MAXPRM];
    int i, np = 0, rc = -1;
    if (!cols || nsets >= OD_MAXPRM)
        return -1;
    od_buf_init(&into);
    od_buf_init(&sel);
    for (i = 0; cols[i]; i++) {
        const struct iu_set *s = set_for(sets, nsets, cols[i]);
        if (!od_catalog_column(cat, table, cols[i]))
            continue;
        od_buf_printf(&into, "%s`%s`", into.len ? ", " : "", cols[i]);
        if (s) {
            od_buf_printf(&sel, "%s%s", sel.len ? ", " : "", s->expr);
            if (s->has_p)
                p[np++] = s->p;
        } else {
            od_buf_printf(&sel, "%ss.`%s`", sel.len ? ", " : "", cols[i]);
        }
    }
    p[np++] = OD_PI(key);
    if (!into.oom && !sel.oom) {
        struct od_buf sql;
        od_buf_init(&sql);
        od_buf_printf(&sql, "INSERT INTO `%s` (%s) SELECT %s FROM `%s` s "
                      "WHERE s.`%s` = ?", table, into.p, sel.p, table,
                      keycol);
        if (!sql.oom)
            rc = od_exec(c, sql.p, p, np, NULL, id);
        od_buf_free(&sql);
    }
    od_buf_free(&into);
    od_buf_free(&sel);
    return rc;
}

int od_iu_claim_totals(struct od_conn *c, long long claim)
{
    struct od_prm p[1];
    p[0] = OD_PI(claim);
    return od_exec(c,
                   "UPDATE claim cl JOIN (SELECT COALESCE(SUM(FeeBilled), 0) "
                   "fee, COALESCE(SUM(DedApplied), 0) ded, "
                   "COALESCE(SUM(InsPayEst), 0) est, COALESCE(SUM(InsPayAmt), "
                   "0) amt, COALESCE(SUM(WriteOff), 0) wo FROM claimproc "
                   "WHERE ClaimNum = ?) t SET cl.ClaimFee = ROUND(t.fee, 2), "
                   "cl.DedApplied = ROUND(t.ded, 2), cl.InsPayEst = "
                   "ROUND(t.est, 2), cl.InsPayAmt = ROUND(t.amt, 2), "
                   "cl.WriteOff = ROUND(t.wo, 2) WHERE cl.ClaimNum = ?",
                   (struct od_prm[]){p[0], p[0]}, 2, NULL, NULL);
}

/* ---- dates --------------------------------------------------------------- */

static void civil(long day, int *y, int *m, int *d)
{
    char s[11];
    od_ck_day_str(day, s);
    sscanf(s, "%4d-%2d-%2d", y, m, d);
}

static long from_civil(int y, int m, int d)
{
    char s[48];
    snprintf(s, sizeof s, "%04d-%02d-%02d", y, m, d);
    return od_ck_day_num(s);
}

static int month_days(int y, int m)
{
    static const int n[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : n[m - 1];
}

long od_iu_add_months(long day, int months)
{
    int y, m, d, t;
    civil(day, &y, &m, &d);
    t = y * 12 + (m - 1) + months;
    y = t / 12;
    m = t % 12 + 1;
    if (d > month_days(y, m))
        d = month_days(y, m);
    return from_civil(y, m, d);
}

long od_iu_add_years(long day, int years)
{
    return od_iu_add_months(day, 12 * years);
}

long od_iu_renew_day(long day, int monthrenew)
{
    int y, m, d;
    civil(day, &y, &m, &d);
    if (monthrenew < 1 || monthrenew > 12)
        return from_civil(y, 1, 1);
    if (monthrenew <= m)
        return from_civil(y, monthrenew, 1);
    return from_civil(y - 1, monthrenew, 1);
}

double od_iu_round2(double v)
{
    double r = round(fabs(v) * 100.0 + 1e-9) / 100.0;
    return v < 0 ? -r : r;
}

int od_iu_today(struct od_conn *c, long *day)
{
    char r[OD_MAXCOL][OD_COLSZ];
    if (od_query_row(c, "SELECT CURDATE()", NULL, 0, 1, r) != 1)
        return -1;
    *day = od_ck_day_num(r[0]);
    return *day < 0 ? -1 : 0;
}

/* ---- input --------------------------------------------------------------- */

int od_iu_money(json_t *body, const char *name, double *out, char *msg,
             size_t msgsize)
{
    json_t *v = json_object_get(body, name);
    if (!v || json_is_null(v) ||
        (json_is_string(v) && !*json_string_value(v)))
        return 0;
    if (json_is_number(v)) {
        *out = json_number_value(v);
    } else if (json_is_string(v)) {
        const char *s = json_string_value(v);
        char *end;
        *out = strtod(s, &end);
        if (end == s || *end)
            *out = NAN;
    } else {
        *out = NAN;
    }
    if (isnan(*out) || *out > 1e12 || *out < -1e12) {
        snprintf(msg, msgsize, "%s is invalid.", name);
        return -1;
    }
    return 1;
}

