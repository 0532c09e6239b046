/*
 * db-internal.h - the database layer: a fixed pool of worker threads, each
 * owning one MYSQL connection and its prepared statements, fed by a bounded
 * queue; completions run on the event-loop thread (docs/database.md,
 * docs/architecture.md).
 */
#ifndef ODAPI_DB_INTERNAL_H
#define ODAPI_DB_INTERNAL_H

#include "core/odapi-internal.h"

/* The MySQL C API's handle types, and nothing else of it: the HTTP core and
 * the descriptions include this header and must not reach mysql.h
 * (docs/architecture.md, "Layers"). Code that calls the C API includes
 * db/mysql-api-internal.h (C11 allows the typedefs twice). */
typedef struct st_mysql MYSQL;
typedef struct st_mysql_stmt MYSQL_STMT;

struct event_base;
struct od_db;

/* One worker's connection. m is NULL while the database is unreachable. */
struct od_conn {
    struct od_db *db;
    MYSQL *m;
    int id;
    int lost;            /* set by od_conn_note_error on 2006/2013 */
    unsigned last_errno; /* the job's last error (od_conn_note_error) */
    int commit_unknown;  /* the job's COMMIT was sent, then the connection
                            was lost: it may have been committed */
    struct od_stmt_slot *stmts;
    int nstmts, capstmts;
};

/* A job's outcome for its completion: ODAPI_OK when work ran, or
 * ODAPI_E_DB_CONNECT when the database was unreachable and work did not
 * run (answer 503), or ODAPI_E_BUSY/ODAPI_E_STATE from od_db_submit. */
typedef int (*od_db_work_fn)(struct od_conn *c, void *arg);
typedef void (*od_db_done_fn)(void *arg, int status);

/* What od_db_work_fn returns: done, or "the connection was lost before
 * anything was written; reconnect and run me once more". */
#define OD_WORK_DONE 0
#define OD_WORK_RETRY 1

/* Open the database the configuration names: initialise the client library
 * (and the embedded server), make sure the database is usable (an Open
 * Dental schema; a sandbox is created and seeded), start the workers.
 * On failure returns an odapi_error and one sentence in err. */
int od_db_open(struct od_db **out, const odapi_config *cfg,
               struct event_base *base, const struct od_logger *log,
               char *err, size_t errlen);
/* What od_db_prepare runs on its connection once the database is checked
 * and its catalog read: ODAPI_OK, or an odapi_error that fails the
 * prepare. */
struct od_catalog;
typedef int (*od_db_inspect_fn)(MYSQL *m, struct od_catalog *cat,
                                const char *version, void *arg);
/* The same checks and set-up as od_db_open, without workers. */
int od_db_prepare(const odapi_config *cfg, const struct od_logger *log,
                  char *version, size_t vlen, char *err, size_t errlen);
/* The same, then inspect(m, catalog, version, arg) on its connection. */
int od_db_prepare_inspect(const odapi_config *cfg,
                          const struct od_logger *log, char *version,
                          size_t vlen, od_db_inspect_fn inspect, void *arg,
                          char *err, size_t errlen);
/* Stop the workers after the queued jobs, run the pending completions,
 * close the connections. */
void od_db_close(struct od_db *db);

/* Queue work; done(arg, status) follows on the loop thread. Returns
 * ODAPI_E_BUSY at once when the queue is full (nothing queued then). */
int od_db_submit(struct od_db *db, od_db_work_fn work, od_db_done_fn done,
                 void *arg);

/* Queue a read-only job (a GET) for client (an opaque name of the key
 * pair; "" for none): on a read replica that is fresh enough, else on
 * the primary; a job the replica fails before it finishes runs on the
 * primary (docs/scale-out.md). Without replicas: od_db_submit. */
int od_db_submit_read(struct od_db *db, const char *client,
                      od_db_work_fn work, od_db_done_fn done, void *arg);
/* client's write was answered: its reads go to the primary until every
 * replica in use has it (read-your-writes). Loop thread only. */
void od_db_note_write(struct od_db *db, const char *client);
/* The replicas as a JSON array for health (NUL-terminated); 0 and ""
 * without replicas. */
size_t od_db_replicas_json(struct od_db *db, char *buf, size_t cap);

/* The apikey table (apikey.c): is key one of its CustApiKey values,
 * compared byte for byte in constant time (the column's collation folds
 * case, so SQL only narrows the rows)? dev_name NULL or "": any row will
 * do; else the row's DevName must equal it byte for byte too. done(arg,
 * found, row's DevName) follows on the loop thread: found 1 or 0, or -1
 * when the table could not be read (database down). Returns ODAPI_OK, or
 * an error without calling done. */
#define OD_APIKEY_KEY_MAX 128
typedef void (*od_apikey_done)(void *arg, int found, const char *dev_name);
int od_db_apikey_lookup(struct od_db *db, const char *key,
                        const char *dev_name, od_apikey_done done, void *arg);

/* Queue work that may hold its worker a long time: a write (it may wait
 * on a row lock held elsewhere) or a Queries report. At most all workers
 * but one run such jobs at once, so reads always find a worker. */
int od_db_submit_long(struct od_db *db, od_db_work_fn work,
                      od_db_done_fn done, void *arg);

struct od_db_stats {
    long workers, busy, queued, long_running, long_cap, queue_max;
    /* since start: jobs queued, of them those that found every worker
     * busy, jobs refused (queue full), statements that gave up waiting
     * for a row lock (or were chosen as a deadlock's victim) */
    unsigned long jobs, waited, refused, lock_timeouts;
};
void od_db_stats(const struct od_db *db, struct od_db_stats *st);

/* Seconds a statement waits for a lock held by another session. */
#define OD_LOCK_WAIT_S 5
#define OD_STR_(x) #x
#define OD_STR(x) OD_STR_(x)
/* The answer to a write that timed out waiting for a lock: nothing was
 * changed, try again. */
#define OD_MSG_LOCKED \
    "The record is being changed by someone else (a lock was held longer " \
    "than " OD_STR(OD_LOCK_WAIT_S) " seconds). Nothing was changed; try " \
    "again shortly."
/* The answer to a write that lost a deadlock, or on Galera a certification
 * conflict with a write committed on another node (both error 1213): it
 * was rolled back, sending it again is safe (docs/scale-out.md). */
#define OD_MSG_CONFLICT \
    "The record was changed by someone else at the same time. Nothing was " \
    "changed; try again."

/* 1 while the last attempt to reach the database succeeded. */
int od_db_is_up(const struct od_db *db);
/* DataBaseVersion read at open ("" if none). */
const char *od_db_version(const struct od_db *db);
/* What the database has (catalog-internal.h): read once at open, shared
 * read-only by every thread; NULL for NULL. */
struct od_catalog *od_db_catalog(const struct od_db *db);
/* "server" or "embedded". */
const char *od_db_backend(const struct od_db *db);

/* A cached prepared statement for sql on this connection (NULL on error;
 * od_conn_note_error has then been called). sql is compared by text. */
MYSQL_STMT *od_conn_stmt(struct od_conn *c, const char *sql);
/* Record a MySQL error number: on 2006/2013 (and other connection errors)
 * the connection is marked lost; returns 1 if it was a connection error. */
int od_conn_note_error(struct od_conn *c, unsigned err);
/* COMMIT the job's transaction: 0, or -1 with the error noted. When the
 * connection is lost once COMMIT was sent, nobody knows whether it was
 * committed: c->commit_unknown is set, the job must not be run again
 * (the pool will not retry it either) and the answer is
 * OD_MSG_COMMIT_UNKNOWN (docs/database.md, "Writes"). */
int od_conn_commit(struct od_conn *c);
#define OD_MSG_COMMIT_UNKNOWN \
    "The connection to the database was lost after the change was sent " \
    "to be committed: it may or may not have been saved. Check (GET) " \
    "before sending it again."

/* ---- transactions (tx.c) ------------------------------------------------
 * A write's transaction (worker thread):
 *   if (od_tx_begin(c) != 0)
 *       return od_tx_failed(c, &j->status, j->msg, sizeof j->msg);
 *   rc = the work (0 or -1, having set j->status/j->msg on a refusal);
 *   if (od_tx_end(c, rc) == 0) { committed: read the row back; DONE }
 *   return od_tx_failed(c, &j->status, j->msg, sizeof j->msg);
 * od_tx_end commits when rc is 0 (0 on success) and otherwise rolls back
 * (-1). od_tx_failed answers for a failure: OD_WORK_RETRY when the
 * connection was lost (nothing was committed; the job runs again on a new
 * connection), else OD_WORK_DONE with a 500 unless the work set a status. */
int od_tx_begin(struct od_conn *c);
int od_tx_end(struct od_conn *c, int rc);
int od_tx_failed(struct od_conn *c, int *status, char *msg, size_t msgsize);

/* 1 when the job's last error was a lock wait timeout or a deadlock (the
 * statement, and so the request's transaction, changed nothing). */
int od_conn_lock_timeout(const struct od_conn *c);
/* The 503's message for such a failure: OD_MSG_CONFLICT for a deadlock or
 * conflict, else OD_MSG_LOCKED (tx.c). */
const char *od_conn_retry_msg(const struct od_conn *c);

/* The error of a failed statement call. Connector/C reports an error that
 * arrives while rows are fetched (max_statement_time, a lost server) on the
 * connection, not on the statement. */
unsigned od_stmt_errno(MYSQL_STMT *st);

/* Log through the pool's logger (any thread). */
void od_conn_log(struct od_conn *c, int level, const char *fmt, ...)
    OD_PRINTF(3, 4);

/* A connection of the caller's own around an open MYSQL handle (the
 * seed's), for the statement helpers below: c->db is NULL, so failures
 * are not logged (the caller reports them), and its prepared statements
 * are freed with od_conn_free_stmts. */
void od_conn_free_stmts(struct od_conn *c);

/* Connect a new MYSQL handle as the configuration says (used by workers,
 * and by tools that need a connection of their own). */
MYSQL *od_db_connect(const struct od_db *db, char *err, size_t errlen);
/* The same for any configuration (replica.c's monitors). */
MYSQL *od_db_connect_cfg(const odapi_config *cfg, char *err, size_t errlen);
/* A client handle for cfg's database, not yet connected: a 3 s connect
 * timeout, io_s seconds to read or write, utf8mb4, embedded or remote as
 * cfg says, its TLS CA; *host and *sock are what mysql_real_connect takes
 * (NULL: the defaults). NULL with "out of memory" in err. The pool's and
 * the query runner's connections (features/queries.c) both start here. */
MYSQL *od_db_handle(const odapi_config *cfg, unsigned io_s, const char **host,
                    const char **sock, char *err, size_t errlen);
/* The configuration the pool was opened with. */
const odapi_config *od_db_config(const struct od_db *db);

/* ---- one statement, for hand-written work (stmt.c) -------------------------
 * A parameter is an integer, a double, a string or NULL (OD_PI/OD_PD/OD_PS/
 * OD_PNULL). od_exec runs a statement: 0, or -1 with the error noted on the
 * connection; affected rows and the new AUTO_INCREMENT key when asked for.
 * od_query_row reads the first row's first ncols columns as text (NULL and
 * a missing row give ""; longer values are cut to OD_COLSZ - 1): 1 found,
 * 0 no row, -1 error. */
struct od_prm {
    enum { OD_P_INT, OD_P_DBL, OD_P_STR, OD_P_NULL } k;
    long long i;
    double d;
    const char *s;
};
#define OD_PI(v) ((struct od_prm){OD_P_INT, (v), 0, NULL})
#define OD_PD(v) ((struct od_prm){OD_P_DBL, 0, (v), NULL})
#define OD_PS(v) ((struct od_prm){OD_P_STR, 0, 0, (v)})
#define OD_PNULL ((struct od_prm){OD_P_NULL, 0, 0, NULL})
#define OD_MAXPRM 16
#define OD_MAXCOL 16
#define OD_COLSZ 256

int od_exec(struct od_conn *c, const char *sql, struct od_prm *p, int n,
            long long *affected, long long *id);
int od_query_row(struct od_conn *c, const char *sql, struct od_prm *p, int n,
                 int ncols, char out[][OD_COLSZ]);
/* The first row's first ncols columns as integers (NULL and a missing row
 * give 0): 1 found, 0 no row, -1 error. */
int od_query_ll(struct od_conn *c, const char *sql, struct od_prm *p, int n,
                int ncols, long long *out);
/* Every row's first ncols columns as integers (NULL reads 0), handed to
 * fn (which returns nonzero to be called no more); the row count, or -1. */
long od_query_each_ll(struct od_conn *c, const char *sql, struct od_prm *p,
                      int n, int ncols,
                      int (*fn)(void *ctx, const long long *v), void *ctx);
/* Every row's first ncols (at most OD_MAXEACH) columns as text of any
 * length, handed to fn (cols[i] NUL-terminated, "" for NULL, valid during
 * the call; fn returns nonzero to be called no more): the row count, or
 * -1. */
#define OD_MAXEACH 32
long od_query_each(struct od_conn *c, const char *sql, struct od_prm *p,
                   int n, int ncols, int (*fn)(void *ctx, char **cols),
                   void *ctx);
/* A statement's failure: noted on the connection, logged unless the
 * connection was lost; returns -1. */
int od_stmt_failed(struct od_conn *c, MYSQL_STMT *st);

#endif /* ODAPI_DB_INTERNAL_H */
