/*
 * replica-internal.h - read replicas beside the primary (docs/scale-out.md).
 *
 * Each replica has a pool of its own (an od_db on a read-only copy of the
 * configuration) and a monitor thread that compares its GTID position with
 * samples of the primary's, off the request path. GETs go to a replica
 * that is in; anything else, and a GET whose replica fails, goes to the
 * primary.
 */
#ifndef ODAPI_REPLICA_INTERNAL_H
#define ODAPI_REPLICA_INTERNAL_H

#include "db/db-internal.h"

struct od_replicas;

/* Open a pool and a monitor for each replica of cfg (cfg->nreplicas > 0)
 * beside primary. A replica that cannot be opened is logged and stays out;
 * the primary serves. NULL only when out of memory. */
struct od_replicas *od_replicas_open(struct od_db *primary,
                                     const odapi_config *cfg,
                                     struct event_base *base,
                                     const struct od_logger *log);
/* Stop the monitors, then the replicas' pools (their last completions may
 * queue work on the primary, which must still be open). */
void od_replicas_close(struct od_replicas *rs);

/* od_db_submit_read and od_db_note_write (db-internal.h) on a primary
 * with replicas. */
int od_replicas_submit_read(struct od_replicas *rs, const char *client,
                            od_db_work_fn work, od_db_done_fn done,
                            void *arg);
void od_replicas_note_write(struct od_replicas *rs, const char *client);

/* The replicas as a JSON array for the health route, into buf (cap
 * bytes, NUL-terminated, "[]" when none fits); returns the length. */
size_t od_replicas_json(struct od_replicas *rs, char *buf, size_t cap);

/* The replica's name in logs and health (host:port or socket path). */
void od_replica_name(const struct od_replica_cfg *c, char *buf, size_t cap);
/* The primary's configuration cfg with the replica c's address: same
 * user, password and database, sessions READ ONLY, never creates
 * anything. NULL when out of memory. */
odapi_config *od_replica_config(const odapi_config *cfg,
                                const struct od_replica_cfg *c);

/* odservice --check-config (replcheck.c): connect to each replica of cfg
 * and log what is wrong with it (ERROR: unreachable, not a replica, the
 * primary itself, another Open Dental version; WARNING: not read_only,
 * behind by more than its bound) or that it is fine (INFO). */
void od_replicas_check(const odapi_config *cfg, const struct od_logger *log);

/* GTID positions ("0-1-100,1-2-5"), parsed for comparison; public for the
 * unit test. */
#define OD_GTID_DOMAINS 16
struct od_gtid_pos {
    int n;
    int overflow; /* more domains than kept: never counts as covered */
    struct {
        unsigned long dom;
        unsigned long long seq;
    } d[OD_GTID_DOMAINS];
};
/* 0, or -1 when s is not a GTID list. */
int od_gtid_parse(const char *s, struct od_gtid_pos *out);
/* 1 when a replica at position rep has applied everything of prim. */
int od_gtid_covers(const struct od_gtid_pos *rep,
                   const struct od_gtid_pos *prim);

#endif /* ODAPI_REPLICA_INTERNAL_H */
