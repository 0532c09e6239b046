/*
 * account-internal.h - what the account views (accountmodules.c,
 * servicedate.c, reports.c) share: amounts in thousandths, Open Dental's
 * "LName, FName" and the Service Date View.
 */
#ifndef ODAPI_ACCOUNT_INTERNAL_H
#define ODAPI_ACCOUNT_INTERNAL_H

#include "engine/resource-internal.h"
#include "db/ledger-internal.h"

/* v in thousandths, rounded (the ledger's amounts have 3 decimals). */
long long od_milli(double v);

/* An amount in thousandths as a JSON number, shortest ("276.28", "-2.5");
 * a whole amount as "49.0" when point, else "49". */
void od_put_milli(struct od_buf *b, long long m, int point);

/* Patients.GetNameLF: "LName, 'Preferred' FName MiddleI". */
void od_name_lf(struct od_buf *b, const char *l, const char *f,
                const char *pref, const char *mi);

/* GET /accountmodules/{PatNum}/ServiceDateView (servicedate.c): the rows
 * as a JSON array into out. 0, or -1: with *status and msg set for a
 * refusal, else a database error (c->lost tells a lost connection). */
int od_service_date_view(struct od_conn *c, const struct od_ledger_prefs *p,
                         long long patnum, long long guarantor, int family,
                         struct od_buf *out, int *status, char *msg,
                         size_t msgsize);

#endif /* ODAPI_ACCOUNT_INTERNAL_H */
