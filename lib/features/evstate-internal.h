/*
 * evstate-internal.h - where Database Events keep their own state, outside
 * the practice database (docs/events.md "State"): per subscription its
 * owner (which developer made it), the optional HMAC secret, the delivery
 * lease, failed attempts, the last error and when rows were last sent.
 *
 * Two kinds, chosen by the administrator (odapi_config_set_events_state):
 *   - a state folder: one JSON file per practice database, rewritten
 *     atomically under a file lock (several processes may read and write
 *     it); a second lock file makes one process per folder the one that
 *     fires (od_evstate_try_fire);
 *   - a state database of its own on the same server (odapi_state, made
 *     only by od_evstate_init_db): one row per subscription, and leases
 *     rows in it let several instances share the work.
 *
 * The store functions that take a connection run on a worker thread; the
 * folder kind ignores the connection except where apisubscription itself
 * is written (od_evstate_advance). Reference counting is on the loop
 * thread.
 */
#ifndef OD_EVSTATE_INTERNAL_H
#define OD_EVSTATE_INTERNAL_H

#include "db/db-internal.h"

struct od_evstate;

/* One subscription's record. */
struct od_evrec {
    char owner[65];        /* hex SHA-256 of the developer key; "" none */
    char secret[256];      /* HMAC key; "" none */
    int attempts;
    char last_error[256];
    char last_sent[20];    /* yyyy-mm-dd hh:mm:ss, "" never */
};

/* The store cfg names, or *out NULL when it names none (ODAPI_OK). Does
 * no I/O beyond checking names; ODAPI_E_CONFIG with one sentence in err
 * for an unusable name. */
int od_evstate_new(struct od_evstate **out, const odapi_config *cfg,
                   const struct od_logger *log, char *err, size_t errlen);
struct od_evstate *od_evstate_ref(struct od_evstate *st);
void od_evstate_unref(struct od_evstate *st);

/* "the state folder /var/lib/odservice" or "the state database odapi_state". */
const char *od_evstate_describe(const struct od_evstate *st);
int od_evstate_is_db(const struct od_evstate *st);
/* The folder kind: does the folder exist yet? (The database kind: 1.) */
int od_evstate_exists(const struct od_evstate *st);

/* Can the store be used from connection m (NULL will do for the folder
 * kind)? 0, or -1 with one sentence in why. Changes nothing in any
 * database; the folder is created (mode 0700) when only it is missing.
 * od_evstate_check_only creates nothing: a folder that could be created
 * passes (for --check-config). */
int od_evstate_check(struct od_evstate *st, MYSQL *m, char *why, size_t len);
int od_evstate_check_only(struct od_evstate *st, MYSQL *m, char *why,
                          size_t len);

/* Folder kind: become the one process that fires from it (a lock held
 * until od_evstate_unref frees the store): 1 yes, 0 another process holds
 * it (its pid in who, when it wrote one), -1 error (why). The database kind
 * always answers 1: leases decide per subscription. */
int od_evstate_try_fire(struct od_evstate *st, char *who, size_t wholen);

/* Database kind: create the state database and its table when absent.
 * 0, or -1 with one sentence in err. */
int od_evstate_init_db(struct od_evstate *st, MYSQL *m, char *err,
                       size_t errlen);

/* ---- records (worker thread) ---------------------------------------------
 * 1 found / 0 none / -1 error (noted on c for the database kind). */
int od_evstate_get(struct od_evstate *st, struct od_conn *c, long long num,
                   struct od_evrec *r);
/* Owner and secret of a new or changed subscription (secret NULL: keep
 * it). 0 or -1. The database kind writes inside c's transaction. */
int od_evstate_set(struct od_evstate *st, struct od_conn *c, long long num,
                   const char *owner, const char *secret);
/* Forget the record (the subscription was deleted). 0 or -1. */
int od_evstate_forget(struct od_evstate *st, struct od_conn *c,
                      long long num);
/* The subscriptions of customer_key (as apisubscription's collation
 * matches it; the caller compares exactly) that a developer other than
 * owner made: fn(arg, num) for each. The folder kind may also name
 * subscriptions of other customer keys. 0 or -1. */
int od_evstate_each_foreign(struct od_evstate *st, struct od_conn *c,
                            const char *customer_key, const char *owner,
                            void (*fn)(void *arg, long long num), void *arg);

/* ---- delivery (worker thread) ------------------------------------------ */

/* Take or renew the lease of me on num for secs seconds and read the
 * record (for its secret): 1 held, 0 another instance holds it, -1 error.
 * The folder kind has one firing process: always 1. */
int od_evstate_lease(struct od_evstate *st, struct od_conn *c, long long num,
                     const char *me, int secs, struct od_evrec *r);
/* A failed delivery: give the lease back, record attempts and error. */
int od_evstate_release(struct od_evstate *st, struct od_conn *c,
                       long long num, const char *me, int attempts,
                       const char *error);
/* The window [start, poll) is acknowledged: apisubscription.DateTimeStart
 * = poll, compare-and-set on start (and, database kind, on our lease, in
 * the same statement), lease released, attempts cleared; sent: rows went
 * out in it (the last-sent time is recorded). 0, or -1 on an error. */
int od_evstate_advance(struct od_evstate *st, struct od_conn *c,
                       long long num, const char *me, const char *start,
                       const char *poll, int sent);

/* A statement that changes nothing (a probe of a table or a grant), on
 * m, read through: 0, or the server's error number. */
unsigned od_evstate_probe(MYSQL *m, const char *sql);
/* Database kind: can the account of connection m read the secrets?
 * 1 yes, 0 no. (The folder kind: 0.) */
int od_evstate_secrets_readable(struct od_evstate *st, MYSQL *m);

/* The owner of a key pair's subscriptions: hex SHA-256 of a fixed label
 * and the developer key (never the key itself), into out[65]. */
void od_evstate_owner_of(const char *developer_key, char out[65]);

#endif /* OD_EVSTATE_INTERNAL_H */
