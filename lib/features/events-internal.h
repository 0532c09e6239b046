/*
 * events-internal.h - Database Events (apievents.html): the subscriptions
 * resource (subscriptions.c) and the firing engine that odservice runs
 * (events.c). Behaviour and guarantees: docs/events.md.
 */
#ifndef OD_EVENTS_INTERNAL_H
#define OD_EVENTS_INTERNAL_H

#include "http/server-internal.h"
#include "db/db-internal.h"

struct od_resource;
struct od_evstate;

/* A WatchTable this library can fire: its rows are sent in the GET shape
 * of res, chosen by the timestamp column stamp. */
struct od_watch {
    const char *name;               /* "Patient" (apievents.html spelling) */
    const char *table;              /* "patient" (res->table) */
    const char *stamp;              /* "DateTStamp" or "SecDateTEdit" */
    const struct od_resource *res;
    int extension;                  /* not in apievents.html: libodapi's own */
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
 * the apisubscription table from the server's loop; with a state store
 * configured and events off, only keep the store for the resource. ODAPI_OK, or an error
 * with one sentence in err. od_events_stop: cancel calls in flight (the
 * windows they were sending stay unacknowledged: sent again later). */
int od_events_start(odapi_server *srv, char *err, size_t errlen);
void od_events_stop(odapi_server *srv);

/* For the subscriptions resource (loop thread). od_events_store: *st the
 * state store to record owners and secrets in (NULL when none is
 * configured: 0), or -1 with why when one is configured but the last
 * probe could not use it (fail closed: owners cannot be checked).
 * od_events_refuses: -1 with why when this server fires events but cannot
 * (a database-event subscription would never fire), else 0.
 * od_events_secrets_ok: 1 when a Secret may be stored where no query can
 * read it, else 0 with why. */
int od_events_store(odapi_server *srv, struct od_evstate **st, char *why,
                    size_t len);
int od_events_refuses(odapi_server *srv, char *why, size_t len);
int od_events_secrets_ok(odapi_server *srv, char *why, size_t len);

/* For GET /metrics (loop thread): fn once per subscription this process
 * has seen, with what it counted since it started (a subscription it
 * only holds a lease on elsewhere counts nothing here). */
struct od_events_counts {
    long long num;           /* ApiSubscriptionNum */
    unsigned long delivered; /* POSTs the endpoint acknowledged (2xx) */
    unsigned long rows;      /* rows in them */
    unsigned long retried;   /* POSTs sent again after a failure */
    unsigned long failed;    /* failed attempts (non-2xx, no answer) */
};
void od_events_each(odapi_server *srv,
                    void (*fn)(void *arg, const struct od_events_counts *c),
                    void *arg);

/* The lease an instance holds on a subscription while it delivers, in
 * seconds beyond the webhook timeout. */
#define OD_EVENTS_LEASE_MARGIN_S 10
/* At most this many rows per POST (apiguideevents.html). */
#define OD_EVENTS_BATCH 1000
/* Retry backoff: first delay and ceiling, milliseconds. */
#define OD_EVENTS_BACKOFF_MIN_MS 1000
#define OD_EVENTS_BACKOFF_MAX_MS (5 * 60 * 1000)
/* The HMAC signature header (docs/events.md). */
#define OD_EVENTS_SIG_HEADER "Odapi-Signature"

#endif /* OD_EVENTS_INTERNAL_H */
