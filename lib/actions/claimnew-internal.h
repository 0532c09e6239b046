/*
 * claimnew-internal.h - what POST /claims (claimnew.c) and its estimate
 * and write steps (claimcalc.c) share.
 */
#ifndef ODAPI_ACTIONS_CLAIMNEW_INTERNAL_H
#define ODAPI_ACTIONS_CLAIMNEW_INTERNAL_H

#include "actions/insutil-internal.h"
#include "actions/insest-internal.h"

#define CN_MAX_PROCS 100  /* procedures on one claim */
#define CN_MAX_CPS 2000   /* claimprocs of those procedures */

struct cin {
    long long pat, sub, provtreat, provbill, claimform;
    int has_provtreat, has_provbill, has_claimform;
    long long procs[CN_MAX_PROCS];
    int nprocs;
    char type[8];                 /* P, S, Other, Cap */
    int relat;
    char dateservice[11], datesent[11];
};

struct cproc {
    struct ie_proc p;
    int place, nobill_code, prio, tooth;
    char altcode[IE_CODE], medcode[IE_CODE];
    int est;                      /* its claimproc on the claim: index in
                                     cps */
};

struct cwork {
    struct cin in;
    struct ie_ctx ctx;
    struct cproc procs[CN_MAX_PROCS];
    int n;
    struct ie_cp *cps;
    int ncps, capcps, too_many;
    const struct ie_plan *plan, *other;
    long long claim, pri_prov, default_prov, billing_prov;
    int clinics_on, hide_public_health, sort_by_tooth, use_alt_code;
    char id_prefix[64];
};

int od_cn_read_prefs(struct od_conn *c, struct cwork *w);
int od_cn_read_cps(struct od_conn *c, struct cwork *w, long long proc);
int od_cn_read_procnums(json_t *body, const char *name, struct cin *in,
                     char *msg, size_t msgsize);
void od_cn_reset(struct cwork *w);

/* The estimate claimproc of each procedure for the claim's plan, made
 * when missing (ClaimProcs.CreateEst). */
int od_cn_estimates(struct od_conn *c, struct od_ck_job *j, struct cwork *w);
/* The claim row (AccountModules.CreateClaim), w->claim. */
int od_cn_insert_claim(struct od_conn *c, struct od_ck_job *j, struct cwork *w);
/* The estimates become the claim's claimprocs (NotReceived, CodeSent,
 * LineNumber). */
int od_cn_attach(struct od_conn *c, struct od_ck_job *j, struct cwork *w);
/* Claims.CalculateAndUpdate: estimates, FeeBilled, the claim's totals. */
int od_cn_calculate(struct od_conn *c, struct od_ck_job *j, struct cwork *w);

#endif /* ODAPI_ACTIONS_CLAIMNEW_INTERNAL_H */
