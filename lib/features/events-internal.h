/*
 * events-internal.h - Database Events (spec 7): the subscriptions resource
 * (subscriptions.c) and the firing engine that odservice runs
 * (events.c). Behaviour and guarantees: docs/events.md.
 */
#ifndef OD_EVENTS_INTERNAL_H
#define OD_EVENTS_INTERNAL_H

#include "http/server-internal.h"
#include "db/db-internal.h"

struct od_resource;

/* Small statement helpers (subscriptions.c), on a worker's connection:
 * params bound as strings (NULL: SQL NULL). od_ev_exec: affected rows, or
 * -1. od_ev_query: row(arg, cols, ncols) per row (cols NUL-terminated,
 * NULL for SQL NULL, valid during the call); the row count, or -1. On -1
 * od_conn_note_error has run (c->lost tells a lost connection). */
long long od_ev_exec(struct od_conn *c, const char *sql,
                     const char *const *params, int n);
int od_ev_query(struct od_conn *c, const char *sql, const char *const *params,
                int n, void (*row)(void *arg, char **cols, unsigned ncols),
                void *arg);

/* A WatchTable this library can fire: its rows are sent in the GET shape
 * of res, chosen by the timestamp column stamp. */
struct od_watch {
    const char *name;               /* "Patient" (spec 7.2 spelling) */
    const char *table;              /* "patient" (res->table) */
    const char *stamp;              /* "DateTStamp" or "SecDateTEdit" */
    const struct od_resource *res;
    int extension;                  /* not in spec 7.2: libodapi's own */
    const char *key;                /* unique column of table ordering rows
                                       after stamp; NULL: res->pk */
    int filtered;                   /* only rows of res->base_where (an
                                       event-only description such as the
                                       deleted appointments) */
};

extern const struct od_watch od_watches[];
extern const int od_nwatches;

/* The WatchTable called name (case-insensitive), or NULL. */
const struct od_watch *od_watch_find(const char *name);

/* The subscriptions resource: GET/POST/PUT/DELETE /subscriptions. */
void od_subscriptions_register(odapi_server *srv);

/* The firing engine. od_events_start: when cfg says so (odservice), poll
 * the apisubscription table from the server's loop. ODAPI_OK, or an error
 * with one sentence in err. od_events_stop: cancel calls in flight (the
 * windows they were sending stay unacknowledged: sent again later). */
int od_events_start(odapi_server *srv, char *err, size_t errlen);
void od_events_stop(odapi_server *srv);

/* The lease an instance holds on a subscription while it delivers, in
 * seconds beyond the webhook timeout. */
#define OD_EVENTS_LEASE_MARGIN_S 10
/* At most this many rows per POST (spec 7.3.5). */
#define OD_EVENTS_BATCH 1000
/* Retry backoff: first delay and ceiling, milliseconds. */
#define OD_EVENTS_BACKOFF_MIN_MS 1000
#define OD_EVENTS_BACKOFF_MAX_MS (5 * 60 * 1000)
/* The HMAC signature header (docs/events.md). */
#define OD_EVENTS_SIG_HEADER "Odapi-Signature"

#endif /* OD_EVENTS_INTERNAL_H */
