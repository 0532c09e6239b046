/*
 * db-internal.h - the database layer: a fixed pool of worker threads, each
 * owning one MYSQL connection and its prepared statements, fed by a bounded
 * queue; completions run on the event-loop thread (design.md "The database
 * layer").
 */
#ifndef ODAPI_DB_INTERNAL_H
#define ODAPI_DB_INTERNAL_H

#include "core/odapi-internal.h"

#include "db/mysql-api-internal.h"

struct event_base;
struct od_db;

/* One worker's connection. m is NULL while the database is unreachable. */
struct od_conn {
    struct od_db *db;
    MYSQL *m;
    int id;
    int lost;            /* set by od_conn_note_error on 2006/2013 */
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

/* 1 while the last attempt to reach the database succeeded. */
int od_db_is_up(const struct od_db *db);
/* DataBaseVersion read at open ("" if none). */
const char *od_db_version(const struct od_db *db);
/* What the database has (catalog-internal.h): read once at open, shared
 * read-only by every thread; NULL for NULL. */
struct od_catalog *od_db_catalog(const struct od_db *db);
/* "server" or "embedded". */
const char *od_db_backend(const struct od_db *db);
/* Jobs queued or running. */
long od_db_pending(const struct od_db *db);

/* A cached prepared statement for sql on this connection (NULL on error;
 * od_conn_note_error has then been called). sql is compared by text. */
MYSQL_STMT *od_conn_stmt(struct od_conn *c, const char *sql);
/* Record a MySQL error number: on 2006/2013 (and other connection errors)
 * the connection is marked lost; returns 1 if it was a connection error. */
int od_conn_note_error(struct od_conn *c, unsigned err);

/* The error of a failed statement call. Connector/C reports an error that
 * arrives while rows are fetched (max_statement_time, a lost server) on the
 * connection, not on the statement. */
unsigned od_stmt_errno(MYSQL_STMT *st);

/* Log through the pool's logger (any thread). */
void od_conn_log(struct od_conn *c, int level, const char *fmt, ...)
    OD_PRINTF(3, 4);

/* Connect a new MYSQL handle as the configuration says (used by workers,
 * and by tools that need a connection of their own). */
MYSQL *od_db_connect(const struct od_db *db, char *err, size_t errlen);

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
