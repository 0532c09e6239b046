/* pool.c - the database pool: worker threads with blocking MySQL C API calls
 * on connections of their own, a bounded queue, completions handed to the
 * loop thread through an eventfd (only the loop thread touches evhttp). */
#include "db/db-internal.h"
#include "db/schema-internal.h"
#include "db/seed-internal.h"
#include "db/catalog-internal.h"
#include "db/mysql-api-internal.h"
#include "db/replica-internal.h"
#include "db/sandbox-internal.h"

#include <errno.h>
#include <errmsg.h>
#include <fcntl.h>
#include <mysqld_error.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <dirent.h>
#include <ftw.h>
#include <unistd.h>

#include <event2/event.h>

#define CONNECT_TIMEOUT_S 3
#define IO_TIMEOUT_S 60
/* Creating and seeding a practice runs statements over whole tables (the
 * family aging of a 100k-patient practice takes minutes on a busy
 * machine); its one connection waits for them this long instead. */
#define SEED_IO_TIMEOUT_S 3600
#define DOWN_BACKOFF_MS 500 /* after a failed connect, fail fast this long */
#define PROBE_MS 1000       /* while down and idle, look this often */

struct od_stmt_slot {
    char *sql;
    MYSQL_STMT *stmt;
};

struct job {
    od_db_work_fn work;
    od_db_done_fn done;
    void *arg;
    int status;
    int long_job;    /* 1: may hold its worker long (od_db_submit_long) */
    struct job *next;
};

struct od_db {
    const odapi_config *cfg;
    const struct od_logger *log;
    struct event_base *base;
    int efd;
    struct event *ev;
    int embedded;
    int lockfd;
    char version[64];
    struct od_catalog *cat;  /* read at attach; read-only afterwards */

    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct job *qhead, *qtail; /* waiting for a worker */
    long qlen, qmax;
    long running;
    long running_long, long_cap; /* long jobs running, and at most */
    long qlong;                  /* long jobs in the queue */
    struct job *dhead, *dtail; /* finished, waiting for the loop */
    int stop;

    pthread_t *threads;
    struct od_conn *conns;
    int nthreads;
    int started;             /* atomic: workers past their first connect */

    int up;                  /* guarded by mu */
    uint64_t down_until_ms;  /* guarded by mu */
    int attached;            /* schema checked; guarded by mu */
    pthread_mutex_t attach_mu; /* one worker checks the schema at a time */
    int attach_failed_logged;  /* guarded by attach_mu */
    struct od_replicas *replicas; /* read replicas (replica.c), or NULL */

    /* GET /metrics: counted under mu where submit() holds it anyway */
    unsigned long jobs, waited, refused;
    unsigned long lock_timeouts; /* atomic: workers count them */
};

/* ---- process-wide client library state ---------------------------------- */

static pthread_mutex_t lib_mu = PTHREAD_MUTEX_INITIALIZER;
static int lib_state;             /* 0 none, 1 client only, 2 embedded */
static char lib_datadir[1024];

static int library_init(const odapi_config *cfg, char *err, size_t errlen)
{
    int rc = ODAPI_OK;
    pthread_mutex_lock(&lib_mu);
    if (cfg->db_kind == OD_DB_EMBEDDED) {
#ifdef ODAPI_HAVE_EMBEDDED
        if (od_mysql_load(OD_MYSQL_EMBEDDED, err, errlen) != 0) {
            rc = ODAPI_E_DB_CONNECT;
        } else if (lib_state == 2 && strcmp(lib_datadir, cfg->db_datadir) != 0) {
            snprintf(err, errlen,
                     "the embedded database is already open on %s in this "
                     "process; one process can open only one data folder",
                     lib_datadir);
            rc = ODAPI_E_STATE;
        } else if (lib_state == 1) {
            snprintf(err, errlen,
                     "the MySQL client library was already started without "
                     "the embedded server in this process");
            rc = ODAPI_E_STATE;
        } else if (lib_state == 0) {
            if (od_sandbox_start(cfg->db_datadir, err, errlen) != 0) {
                rc = ODAPI_E_DB_CONNECT;
            } else {
                lib_state = 2;
                snprintf(lib_datadir, sizeof lib_datadir, "%s",
                         cfg->db_datadir);
            }
        }
#else
        snprintf(err, errlen, "this libodapi was built without the embedded "
                              "server (make DB=client)");
        rc = ODAPI_E_UNSUPPORTED;
#endif
    } else if (lib_state == 0 &&
               od_mysql_load(OD_MYSQL_CLIENT, err, errlen) != 0) {
        rc = ODAPI_E_DB_CONNECT;
    } else if (lib_state == 0) {
        /* argc -1: the client library only; libmariadbd then starts no
         * embedded server. */
        if (mysql_library_init(-1, NULL, NULL)) {
            snprintf(err, errlen, "the MySQL client library did not start");
            rc = ODAPI_E_DB_CONNECT;
        } else {
            lib_state = 1;
        }
    }
    pthread_mutex_unlock(&lib_mu);
    return rc;
}

ODAPI_EXPORT void odapi_global_cleanup(void)
{
    pthread_mutex_lock(&lib_mu);
    if (lib_state)
        mysql_library_end(); /* shuts the embedded server down cleanly */
    lib_state = 0;
    lib_datadir[0] = '\0';
    pthread_mutex_unlock(&lib_mu);
}

/* ---- connections --------------------------------------------------------- */

/* Errors after which this connection cannot serve: the server went away,
 * or (ER_UNKNOWN_COM_ERROR, 1047) a Galera node without quorum refuses
 * every statement until its cluster is whole again (docs/scale-out.md). */
static int is_conn_error(unsigned e)
{
    return e == CR_SERVER_GONE_ERROR || e == CR_SERVER_LOST ||
           e == CR_CONN_HOST_ERROR || e == CR_CONNECTION_ERROR ||
           e == CR_SERVER_LOST_EXTENDED || e == ER_CONNECTION_KILLED ||
           e == ER_SERVER_SHUTDOWN || e == CR_COMMANDS_OUT_OF_SYNC ||
           e == ER_UNKNOWN_COM_ERROR;
}

void od_conn_log(struct od_conn *c, int level, const char *fmt, ...)
{
    va_list ap;
    if (!c->db)
        return; /* a caller's own connection: it reports the failure */
    va_start(ap, fmt);
    od_vlog(c->db->log, level, fmt, ap);
    va_end(ap);
}

unsigned od_stmt_errno(MYSQL_STMT *st)
{
    unsigned e = mysql_stmt_errno(st);
    return e ? e : st->mysql ? mysql_errno(st->mysql) : 0;
}

int od_conn_lock_timeout(const struct od_conn *c)
{
    return c->last_errno == ER_LOCK_WAIT_TIMEOUT ||
           c->last_errno == ER_LOCK_DEADLOCK;
}

int od_conn_note_error(struct od_conn *c, unsigned err)
{
    if (err)
        c->last_errno = err;
    if ((err == ER_LOCK_WAIT_TIMEOUT || err == ER_LOCK_DEADLOCK) && c->db)
        __atomic_fetch_add(&c->db->lock_timeouts, 1, __ATOMIC_RELAXED);
    if (is_conn_error(err)) {
        c->lost = 1;
        return 1;
    }
    return 0;
}

static void conn_drop_stmts(struct od_conn *c)
{
    int i;
    for (i = 0; i < c->nstmts; i++) {
        if (c->stmts[i].stmt)
            mysql_stmt_close(c->stmts[i].stmt);
        free(c->stmts[i].sql);
    }
    free(c->stmts);
    c->stmts = NULL;
    c->nstmts = c->capstmts = 0;
}

void od_conn_free_stmts(struct od_conn *c)
{
    conn_drop_stmts(c);
}

static void conn_close(struct od_conn *c)
{
    conn_drop_stmts(c);
    if (c->m)
        mysql_close(c->m);
    c->m = NULL;
    c->lost = 0;
}

MYSQL_STMT *od_conn_stmt(struct od_conn *c, const char *sql)
{
    int i;
    MYSQL_STMT *st;
    if (!c->m)
        return NULL;
    for (i = 0; i < c->nstmts; i++)
        if (strcmp(c->stmts[i].sql, sql) == 0)
            return c->stmts[i].stmt;
    if (!(st = mysql_stmt_init(c->m)))
        return NULL;
    if (mysql_stmt_prepare(st, sql, strlen(sql))) {
        od_conn_note_error(c, mysql_stmt_errno(st));
        if (c->db)
            od_log(c->db->log, ODAPI_LOG_ERROR, "prepare failed: %s",
                   mysql_stmt_error(st));
        mysql_stmt_close(st);
        return NULL;
    }
    if (c->nstmts == c->capstmts) {
        int cap = c->capstmts ? c->capstmts * 2 : 32;
        struct od_stmt_slot *n = realloc(c->stmts, (size_t)cap * sizeof *n);
        if (!n) {
            mysql_stmt_close(st);
            return NULL;
        }
        c->stmts = n;
        c->capstmts = cap;
    }
    if (!(c->stmts[c->nstmts].sql = strdup(sql))) {
        mysql_stmt_close(st);
        return NULL;
    }
    c->stmts[c->nstmts++].stmt = st;
    return st;
}

/* One sentence for a failed connect, with the fix. */
static void explain_connect(const odapi_config *cfg, MYSQL *m, char *err,
                            size_t errlen)
{
    unsigned e = mysql_errno(m);
    const char *where = cfg->db_kind == OD_DB_EMBEDDED ? "the embedded server"
                        : cfg->db_socket && *cfg->db_socket ? cfg->db_socket
                        : cfg->db_host && *cfg->db_host     ? cfg->db_host
                                                             : "localhost";
    switch (e) {
    case ER_ACCESS_DENIED_ERROR:
    case ER_DBACCESS_DENIED_ERROR:
        snprintf(err, errlen,
                 "the database server at %s refused user '%s' (%s); check "
                 "the user name and password", where,
                 cfg->db_user ? cfg->db_user : "", mysql_error(m));
        break;
    case ER_BAD_DB_ERROR:
        snprintf(err, errlen,
                 "the database server at %s has no database '%s'; check the "
                 "database name", where, cfg->db_name);
        break;
    case CR_UNKNOWN_HOST:
        snprintf(err, errlen, "unknown database host '%s'; check the host "
                              "name", where);
        break;
    case CR_CONNECTION_ERROR:
    case CR_CONN_HOST_ERROR:
        snprintf(err, errlen,
                 "cannot reach the database server at %s (%s); is it "
                 "running, and are the host, port or socket right?", where,
                 mysql_error(m));
        break;
    default:
        snprintf(err, errlen, "cannot connect to the database at %s: %s",
                 where, mysql_error(m));
    }
}

/* The MySQL error number of this thread's last failed connect_cfg. */
static __thread unsigned last_connect_errno;

/* Errors that say "the server cannot be reached now", not "the settings
 * are wrong": a service waits these out instead of exiting. */
static int is_unreachable(unsigned e)
{
    return e == CR_CONNECTION_ERROR || e == CR_CONN_HOST_ERROR ||
           e == CR_SERVER_GONE_ERROR || e == CR_SERVER_LOST ||
           e == CR_SERVER_LOST_EXTENDED || e == CR_UNKNOWN_HOST ||
           e == ER_SERVER_SHUTDOWN || e == ER_CON_COUNT_ERROR;
}

MYSQL *od_db_handle(const odapi_config *cfg, unsigned io_s, const char **host,
                    const char **sock, char *err, size_t errlen)
{
    MYSQL *m = mysql_init(NULL);
    unsigned int ct = CONNECT_TIMEOUT_S;
    if (!m) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    mysql_options(m, MYSQL_OPT_CONNECT_TIMEOUT, &ct);
    mysql_options(m, MYSQL_OPT_READ_TIMEOUT, &io_s);
    mysql_options(m, MYSQL_OPT_WRITE_TIMEOUT, &io_s);
    mysql_options(m, MYSQL_SET_CHARSET_NAME, "utf8mb4");
#ifdef ODAPI_HAVE_EMBEDDED
    if (cfg->db_kind == OD_DB_EMBEDDED)
        mysql_options(m, MYSQL_OPT_USE_EMBEDDED_CONNECTION, NULL);
    else
        mysql_options(m, MYSQL_OPT_USE_REMOTE_CONNECTION, NULL);
#endif
    *host = *sock = NULL;
    if (cfg->db_kind == OD_DB_SERVER) {
        if (cfg->db_ssl_ca)
            mysql_options(m, MYSQL_OPT_SSL_CA, cfg->db_ssl_ca);
        *sock = cfg->db_socket && *cfg->db_socket ? cfg->db_socket : NULL;
        *host = cfg->db_host && *cfg->db_host ? cfg->db_host : NULL;
        if (*sock && !*host)
            *host = "localhost";
    }
    return m;
}

static MYSQL *connect_io(const odapi_config *cfg, int with_db, unsigned io_s,
                         char *err, size_t errlen)
{
    const char *host, *sock;
    MYSQL *m = od_db_handle(cfg, io_s, &host, &sock, err, errlen);
    if (!m)
        return NULL;
    /* Open Dental's tables have TEXT NOT NULL columns without defaults and
     * Open Dental writes them in non-strict mode; a row inserted with only
     * the columns the API names gets '' there, as Open Dental's own would.
     * Values are checked against the resource description before they
     * reach the database. */
    mysql_options(m, MYSQL_INIT_COMMAND,
                  "SET SESSION sql_mode = 'NO_ENGINE_SUBSTITUTION,"
                  "ERROR_FOR_DIVISION_BY_ZERO'");
    /* A row (InnoDB) or table (MyISAM, metadata) lock held elsewhere makes
     * a statement wait at most this long, then fail with 1205, answered
     * as a 503 to retry (docs/database.md, "Lock waits"); the defaults
     * (50 s, one day) would hold a worker that long. */
    mysql_options(m, MYSQL_INIT_COMMAND,
                  "SET SESSION innodb_lock_wait_timeout = "
                  OD_STR(OD_LOCK_WAIT_S) ", lock_wait_timeout = "
                  OD_STR(OD_LOCK_WAIT_S));
    /* A replica is never written through the API (docs/scale-out.md). */
    if (cfg->db_replica)
        mysql_options(m, MYSQL_INIT_COMMAND,
                      "SET SESSION TRANSACTION READ ONLY");
    if (!mysql_real_connect(m, host, cfg->db_user, cfg->db_password,
                            with_db ? cfg->db_name : NULL, cfg->db_port, sock,
                            CLIENT_FOUND_ROWS)) {
        last_connect_errno = mysql_errno(m);
        explain_connect(cfg, m, err, errlen);
        mysql_close(m);
        return NULL;
    }
    mysql_set_character_set(m, "utf8mb4");
    return m;
}

static MYSQL *connect_cfg(const odapi_config *cfg, int with_db, char *err,
                          size_t errlen)
{
    return connect_io(cfg, with_db, IO_TIMEOUT_S, err, errlen);
}

MYSQL *od_db_connect(const struct od_db *db, char *err, size_t errlen)
{
    return connect_cfg(db->cfg, 1, err, errlen);
}

MYSQL *od_db_connect_cfg(const odapi_config *cfg, char *err, size_t errlen)
{
    return connect_cfg(cfg, 1, err, errlen);
}

const odapi_config *od_db_config(const struct od_db *db)
{
    return db->cfg;
}

/* ---- the pool ------------------------------------------------------------ */

static void set_up(struct od_db *db, int up)
{
    pthread_mutex_lock(&db->mu);
    /* Going down: wake worker 0 from its plain wait, so that it probes
     * (worker_main); nothing else may come to wake it. */
    if (!up && db->up)
        pthread_cond_broadcast(&db->cv);
    db->up = up;
    if (!up)
        db->down_until_ms = od_now_ms() + DOWN_BACKOFF_MS;
    pthread_mutex_unlock(&db->mu);
}

/* MyISAM tables: said once, when the catalog is first read. */
static void log_ntx_tables(struct od_db *db)
{
    const struct od_catalog *cat = od_db_catalog(db);
    if (od_catalog_ntx_tables(cat) > 0)
        od_log(db->log, ODAPI_LOG_INFO,
               "database %s: %d of %zu tables have no transactions (MyISAM):"
               " a write that fails half-way is not rolled back there "
               "(docs/database.md)", db->cfg->db_name,
               od_catalog_ntx_tables(cat), od_catalog_ntables(cat));
}

/* A server started while the database was unreachable has not checked the
 * schema yet: the first connection that gets through does it, before any
 * job runs. 0 when the database is attached. */
static int attach(struct od_db *db, MYSQL *m)
{
    char err[512], version[64];
    struct od_catalog *cat = NULL;
    int attached, rc;
    pthread_mutex_lock(&db->mu);
    attached = db->attached;
    pthread_mutex_unlock(&db->mu);
    if (attached)
        return 0;
    pthread_mutex_lock(&db->attach_mu);
    pthread_mutex_lock(&db->mu);
    attached = db->attached;
    pthread_mutex_unlock(&db->mu);
    rc = attached ? ODAPI_OK
                  : od_schema_check(m, version, sizeof version, err,
                                    sizeof err);
    if (!attached && rc == ODAPI_OK)
        rc = od_catalog_read(m, &cat, err, sizeof err);
    if (!attached && rc == ODAPI_OK) {
        pthread_mutex_lock(&db->mu);
        snprintf(db->version, sizeof db->version, "%s", version);
        /* the loop thread reads db->cat without the lock (od_db_catalog) */
        __atomic_store_n(&db->cat, cat, __ATOMIC_RELEASE);
        db->attached = 1;
        pthread_mutex_unlock(&db->mu);
        od_log(db->log, ODAPI_LOG_INFO, "database %s reached, "
               "DataBaseVersion %s", db->cfg->db_name,
               version[0] ? version : "?");
        log_ntx_tables(db);
    } else if (rc != ODAPI_OK && !db->attach_failed_logged) {
        db->attach_failed_logged = 1;
        od_log(db->log, ODAPI_LOG_ERROR, "database reached but not usable, "
               "answering 503 until it is: %s", err);
    }
    pthread_mutex_unlock(&db->attach_mu);
    return rc == ODAPI_OK ? 0 : -1;
}

/* Make sure c has a connection; 0 when it has. */
static int conn_ensure(struct od_conn *c)
{
    struct od_db *db = c->db;
    char err[512];
    int was_up;
    uint64_t until;
    if (c->m && !c->lost)
        return 0;
    if (c->m)
        conn_close(c);
    pthread_mutex_lock(&db->mu);
    until = db->down_until_ms;
    was_up = db->up;
    pthread_mutex_unlock(&db->mu);
    if (!was_up && od_now_ms() < until)
        return -1; /* fail fast while the database is known to be down */
    c->m = connect_cfg(db->cfg, 1, err, sizeof err);
    if (!c->m) {
        if (was_up)
            od_log(db->log, ODAPI_LOG_ERROR, "database unavailable: %s", err);
        set_up(db, 0);
        return -1;
    }
    if (attach(db, c->m) != 0) {
        conn_close(c);
        set_up(db, 0);
        return -1;
    }
    if (!was_up)
        od_log(db->log, ODAPI_LOG_INFO, "database connection restored");
    set_up(db, 1);
    return 0;
}

/* The next job this worker may run (mu held), unlinked, or NULL: the
 * first in the queue, except that long jobs (writes that may wait on a row
 * lock, Queries) never hold more than long_cap workers, so a read finds a
 * worker even while one hot row holds up every write (docs/database.md,
 * "Lock waits"). Skipping only ever looks past long jobs. */
static struct job *take_job(struct od_db *db)
{
    struct job *j, *prev = NULL;
    for (j = db->qhead; j; prev = j, j = j->next)
        if (!j->long_job || db->running_long < db->long_cap)
            break;
    if (!j)
        return NULL;
    if (prev)
        prev->next = j->next;
    else
        db->qhead = j->next;
    if (db->qtail == j)
        db->qtail = prev;
    db->qlen--;
    db->qlong -= j->long_job;
    db->running++;
    db->running_long += j->long_job;
    return j;
}

/* pthread_cond_timedwait on the pool's condition for ms (mu held). */
static int idle_wait(struct od_db *db, long ms)
{
    struct timespec ts;
    od_deadline_ms(ms, &ts);
    return pthread_cond_timedwait(&db->cv, &db->mu, &ts);
}

/* Down and idle: is the database back? This worker's own connection may
 * be one the server dropped (it ran no job since), or one that still
 * works: ping it before trusting it. A read replica gets no jobs while
 * it is down, so only this brings it back (replica.c). */
static void probe(struct od_conn *c)
{
    if (c->m && !c->lost && mysql_query(c->m, "DO 1") != 0)
        c->lost = 1;
    if (conn_ensure(c) == 0)
        set_up(c->db, 1);
}

/* The sandbox settles (drops the pages only its start touched) once every
 * worker has made its first connection: that runs the embedded server's
 * connect code, which would otherwise come back resident after an earlier
 * settle (docs/sandbox.md, "Memory"). */
static void settle_when_started(struct od_db *db)
{
#ifdef ODAPI_HAVE_EMBEDDED
    if (db->embedded && __atomic_add_fetch(&db->started, 1, __ATOMIC_ACQ_REL) ==
                            db->nthreads)
        od_sandbox_settle();
#else
    (void)db;
#endif
}

static void *worker_main(void *arg)
{
    struct od_conn *c = arg;
    struct od_db *db = c->db;
    mysql_thread_init();
    conn_ensure(c);
    settle_when_started(db);
    for (;;) {
        struct job *j;
        uint64_t one = 1;
        int wake;
        pthread_mutex_lock(&db->mu);
        while (!(j = take_job(db)) && !(db->stop && !db->qhead)) {
            if (c->id == 0 && !db->up) {
                /* Down and idle: look for the database now and then, so
                 * health says "up" again without waiting for a request. */
                if (idle_wait(db, PROBE_MS) == ETIMEDOUT && !db->qhead &&
                    !db->stop) {
                    pthread_mutex_unlock(&db->mu);
                    probe(c);
                    pthread_mutex_lock(&db->mu);
                }
            } else {
                pthread_cond_wait(&db->cv, &db->mu);
            }
        }
        if (!j) {
            pthread_mutex_unlock(&db->mu);
            break;
        }
        pthread_mutex_unlock(&db->mu);

        c->last_errno = 0;
        c->commit_unknown = 0;
        if (conn_ensure(c) != 0) {
            j->status = ODAPI_E_DB_CONNECT;
        } else {
            int r = j->work(c, j->arg);
            /* never run again a job whose COMMIT may have happened */
            if (r == OD_WORK_RETRY && c->lost && !c->commit_unknown) {
                conn_close(c);
                if (conn_ensure(c) == 0)
                    r = j->work(c, j->arg);
            }
            /* An application's work (odapi_request_mariadb) calls the C
             * API itself: a connection it found lost was noted by nobody. */
            if (c->m && !c->lost && is_conn_error(mysql_errno(c->m)))
                c->lost = 1;
            if (c->lost) {
                conn_close(c);
                set_up(db, 0);
                /* The next job reconnects at once, not after a backoff:
                 * a server restart usually leaves a usable server. */
                pthread_mutex_lock(&db->mu);
                db->down_until_ms = 0;
                pthread_mutex_unlock(&db->mu);
            }
            j->status = (r == OD_WORK_RETRY) ? ODAPI_E_DB_CONNECT : ODAPI_OK;
        }

        pthread_mutex_lock(&db->mu);
        db->running--;
        db->running_long -= j->long_job;
        /* Stopping: workers that waited for a long job to become takeable
         * must see the queue drain and leave. */
        if (db->stop)
            pthread_cond_broadcast(&db->cv);
        j->next = NULL;
        /* Wake the loop only when the list was empty: the loop takes the
         * whole list at once, so one wake-up serves every job added
         * before it runs (one write(2) per burst, not per job). */
        wake = db->dhead == NULL;
        if (db->dtail)
            db->dtail->next = j;
        else
            db->dhead = j;
        db->dtail = j;
        pthread_mutex_unlock(&db->mu);
        if (wake && write(db->efd, &one, sizeof one) < 0 && errno != EAGAIN)
            od_log(db->log, ODAPI_LOG_ERROR, "eventfd write: %s",
                   strerror(errno));
    }
    conn_close(c);
    mysql_thread_end();
    return NULL;
}

static void run_completions(struct od_db *db)
{
    struct job *list, *j;
    pthread_mutex_lock(&db->mu);
    list = db->dhead;
    db->dhead = db->dtail = NULL;
    pthread_mutex_unlock(&db->mu);
    while ((j = list)) {
        list = j->next;
        j->done(j->arg, j->status);
        free(j);
    }
}

static void on_eventfd(evutil_socket_t fd, short what, void *arg)
{
    uint64_t n;
    (void)what;
    if (read(fd, &n, sizeof n) < 0 && errno != EAGAIN)
        return;
    run_completions(arg);
}

static int submit(struct od_db *db, int long_job, od_db_work_fn work,
                  od_db_done_fn done, void *arg)
{
    struct job *j;
    if (!db)
        return ODAPI_E_STATE;
    if (!(j = malloc(sizeof *j)))
        return ODAPI_E_NOMEM;
    j->work = work;
    j->done = done;
    j->arg = arg;
    j->status = ODAPI_OK;
    j->long_job = long_job;
    j->next = NULL;
    pthread_mutex_lock(&db->mu);
    if (db->stop || db->qlen >= db->qmax) {
        int stopping = db->stop;
        db->refused += !stopping;
        pthread_mutex_unlock(&db->mu);
        free(j);
        return stopping ? ODAPI_E_STATE : ODAPI_E_BUSY;
    }
    if (db->qtail)
        db->qtail->next = j;
    else
        db->qhead = j;
    db->qtail = j;
    db->jobs++;
    /* every worker busy or spoken for: this job waits in the queue */
    db->waited += db->running + db->qlen >= db->nthreads;
    db->qlen++;
    /* A read must wake an idle worker even when the head of the queue is
     * a long job that waits. A long job beyond long_cap waits for a long
     * one to end, whose worker then takes it: waking the idle worker for
     * it would only put it back to sleep (with every worker but one
     * writing, that was two context switches and ~3 futex calls a POST,
     * docs/PERFORMANCE.md). */
    if (!long_job || db->running_long + db->qlong < db->long_cap)
        pthread_cond_signal(&db->cv);
    db->qlong += long_job;
    pthread_mutex_unlock(&db->mu);
    return ODAPI_OK;
}

int od_db_submit(struct od_db *db, od_db_work_fn work, od_db_done_fn done,
                 void *arg)
{
    return submit(db, 0, work, done, arg);
}

int od_db_submit_read(struct od_db *db, const char *client,
                      od_db_work_fn work, od_db_done_fn done, void *arg)
{
    if (db && db->replicas)
        return od_replicas_submit_read(db->replicas, client, work, done,
                                       arg);
    return submit(db, 0, work, done, arg);
}

void od_db_note_write(struct od_db *db, const char *client)
{
    if (db && db->replicas)
        od_replicas_note_write(db->replicas, client);
}

size_t od_db_replicas_json(struct od_db *db, char *buf, size_t cap)
{
    if (!db || !db->replicas) {
        if (cap)
            buf[0] = '\0';
        return 0;
    }
    return od_replicas_json(db->replicas, buf, cap);
}

int od_db_submit_long(struct od_db *db, od_db_work_fn work,
                      od_db_done_fn done, void *arg)
{
    return submit(db, 1, work, done, arg);
}

void od_db_stats(const struct od_db *db, struct od_db_stats *st)
{
    pthread_mutex_lock((pthread_mutex_t *)&db->mu);
    st->workers = db->nthreads;
    st->busy = db->running;
    st->queued = db->qlen;
    st->long_running = db->running_long;
    st->long_cap = db->long_cap;
    st->queue_max = db->qmax;
    st->jobs = db->jobs;
    st->waited = db->waited;
    st->refused = db->refused;
    pthread_mutex_unlock((pthread_mutex_t *)&db->mu);
    st->lock_timeouts = __atomic_load_n(&db->lock_timeouts, __ATOMIC_RELAXED);
}

int od_db_is_up(const struct od_db *db)
{
    int up;
    pthread_mutex_lock((pthread_mutex_t *)&db->mu);
    up = db->up;
    pthread_mutex_unlock((pthread_mutex_t *)&db->mu);
    return up;
}

/* "" until the schema was checked (a server that started with the
 * database unreachable); the text never changes after that. */
const char *od_db_version(const struct od_db *db)
{
    int attached;
    pthread_mutex_lock((pthread_mutex_t *)&db->mu);
    attached = db->attached;
    pthread_mutex_unlock((pthread_mutex_t *)&db->mu);
    return attached ? db->version : "";
}

/* NULL until the database was reached (a service that started with it
 * down); set once by attach(), never changed after. */
struct od_catalog *od_db_catalog(const struct od_db *db)
{
    return db ? __atomic_load_n(&db->cat, __ATOMIC_ACQUIRE) : NULL;
}

const char *od_db_backend(const struct od_db *db)
{
    return db->embedded ? "embedded" : "server";
}

/* ---- opening ------------------------------------------------------------- */

static int valid_db_name(const char *s)
{
    size_t n = 0;
    for (; *s; s++, n++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
              (*s >= '0' && *s <= '9') || *s == '_' || *s == '-'))
            return 0;
    return n > 0 && n <= 64;
}

static int mkdir_p(const char *path)
{
    char buf[1024];
    char *p;
    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf)
        return -1;
    for (p = buf + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            if (mkdir(buf, 0700) != 0 && errno != EEXIST)
                return -1;
            *p = '/';
        }
    }
    if (mkdir(buf, 0700) != 0 && errno != EEXIST)
        return -1;
    return 0;
}

/* The embedded server must own its data folder alone: take a lock file
 * before InnoDB looks at it, so a second process gets a clear message
 * instead of InnoDB's retries. */
static int lock_datadir(struct od_db *db, const char *dir, char *err,
                        size_t errlen)
{
    char path[1100];
    if (mkdir_p(dir) != 0) {
        snprintf(err, errlen, "cannot create the data folder %s: %s", dir,
                 strerror(errno));
        return ODAPI_E_IO;
    }
    snprintf(path, sizeof path, "%s/files", dir);
    if (mkdir(path, 0700) != 0 && errno != EEXIST) {
        snprintf(err, errlen, "cannot create %s: %s", path, strerror(errno));
        return ODAPI_E_IO;
    }
    snprintf(path, sizeof path, "%s/odapi.lock", dir);
    db->lockfd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (db->lockfd < 0) {
        snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
        return ODAPI_E_IO;
    }
    if (flock(db->lockfd, LOCK_EX | LOCK_NB) != 0) {
        snprintf(err, errlen,
                 "the data folder %s is in use by another process (another "
                 "odlocal?); stop it, or use another folder", dir);
        close(db->lockfd);
        db->lockfd = -1;
        return ODAPI_E_DB_LOCKED;
    }
    return ODAPI_OK;
}

static int simple_query(MYSQL *m, const char *sql, char *err, size_t errlen)
{
    if (mysql_query(m, sql)) {
        snprintf(err, errlen, "%s: %s", sql, mysql_error(m));
        return ODAPI_E_DB;
    }
    return ODAPI_OK;
}

/* Does the current database have an Open Dental patient table? */
static int has_schema(MYSQL *m)
{
    MYSQL_RES *res;
    MYSQL_ROW row;
    int yes = 0;
    if (mysql_query(m, "SELECT COUNT(*) FROM information_schema.tables "
                       "WHERE table_schema = DATABASE() AND table_name = "
                       "'patient'"))
        return 0;
    if ((res = mysql_store_result(m))) {
        if ((row = mysql_fetch_row(res)) && row[0])
            yes = atoi(row[0]) > 0;
        mysql_free_result(res);
    }
    return yes;
}

/* Attach: the schema check, then what this database has (the catalog,
 * once per attach, shared by the pool); inspect (od_db_prepare's) runs on
 * the same connection before it closes. */
static int prepare_database(struct od_db *db, od_db_inspect_fn inspect,
                            void *arg, char *err, size_t errlen)
{
    const odapi_config *cfg = db->cfg;
    MYSQL *m;
    int rc = ODAPI_OK;

    if (!valid_db_name(cfg->db_name)) {
        snprintf(err, errlen, "invalid database name '%s': use letters, "
                              "digits, '_' and '-'", cfg->db_name);
        return ODAPI_E_CONFIG;
    }
    if (cfg->db_create_schema) {
        char sql[160];
        if (!(m = connect_io(cfg, 0, SEED_IO_TIMEOUT_S, err, errlen)))
            return ODAPI_E_DB_CONNECT;
        snprintf(sql, sizeof sql,
                 "CREATE DATABASE IF NOT EXISTS `%s` CHARACTER SET utf8mb4",
                 cfg->db_name);
        rc = simple_query(m, sql, err, errlen);
        if (rc == ODAPI_OK && mysql_select_db(m, cfg->db_name)) {
            snprintf(err, errlen, "cannot use database %s: %s", cfg->db_name,
                     mysql_error(m));
            rc = ODAPI_E_DB;
        }
        if (rc == ODAPI_OK && !has_schema(m)) {
            struct od_seed_opts so;
            char imgdir[1100];
            uint64_t t0 = od_now_ms();
            od_log(db->log, ODAPI_LOG_INFO,
                   "creating the Open Dental schema and seeding a demo "
                   "practice of %ld patients in %s",
                   cfg->limits[ODAPI_LIMIT_SANDBOX_PATIENTS], cfg->db_name);
            memset(&so, 0, sizeof so);
            so.seed = cfg->seed;
            so.patients = cfg->limits[ODAPI_LIMIT_SANDBOX_PATIENTS];
            if (cfg->nkeys) {
                so.customer_key = cfg->keys[0].customer_key;
                so.developer_name = cfg->keys[0].developer_name;
            }
            /* the sandbox keeps its images in {datadir}/images */
            if (cfg->db_kind == OD_DB_EMBEDDED && cfg->db_datadir) {
                snprintf(imgdir, sizeof imgdir, "%s/images",
                         cfg->db_datadir);
                so.image_dir = imgdir;
            }
            rc = od_schema_create(m, err, errlen);
            if (rc == ODAPI_OK)
                rc = od_seed(m, &so, err, errlen);
            if (rc == ODAPI_OK)
                od_log(db->log, ODAPI_LOG_INFO, "seeded in %.1f s",
                       (double)(od_now_ms() - t0) / 1000.0);
        }
        mysql_close(m);
        if (rc != ODAPI_OK)
            return rc;
    }
    if (!(m = connect_cfg(cfg, 1, err, errlen)))
        return ODAPI_E_DB_CONNECT;
    rc = od_schema_check(m, db->version, sizeof db->version, err, errlen);
    if (rc == ODAPI_OK) {
        od_catalog_free(db->cat);
        db->cat = NULL;
        rc = od_catalog_read(m, &db->cat, err, errlen);
    }
    if (rc == ODAPI_OK && inspect)
        rc = inspect(m, db->cat, db->version, arg);
    /* Reading the catalog left ~400 table definitions cached in the
     * sandbox's server, 1.3 MB of our heap that only the tables requests
     * use need (docs/sandbox.md, "Memory"). A practice's server is not
     * ours to flush. */
    if (rc == ODAPI_OK && cfg->db_kind == OD_DB_EMBEDDED &&
        simple_query(m, "FLUSH TABLES", err, errlen) != ODAPI_OK)
        od_log(db->log, ODAPI_LOG_WARNING, "sandbox: %s", err);
    mysql_close(m);
    return rc;
}

/* Make the embedded server's system tables that a fresh data folder lacks,
 * so later starts do not complain about them. */
static void make_system_tables(MYSQL *m)
{
    mysql_query(m, "CREATE DATABASE IF NOT EXISTS mysql");
    mysql_query(m, "CREATE TABLE IF NOT EXISTS mysql.plugin (name varchar(64) "
                   "NOT NULL DEFAULT '', dl varchar(128) NOT NULL DEFAULT '', "
                   "PRIMARY KEY (name)) ENGINE=Aria CHARACTER SET utf8mb3");
    mysql_query(m, "CREATE TABLE IF NOT EXISTS mysql.func (name char(64) NOT "
                   "NULL DEFAULT '', ret tinyint NOT NULL DEFAULT 0, dl "
                   "char(128) NOT NULL DEFAULT '', type enum('function',"
                   "'aggregate') NOT NULL, PRIMARY KEY (name)) ENGINE=Aria "
                   "CHARACTER SET utf8mb3");
}

/* Entries of a data folder that are ours before the server first runs. */
static int ours(const char *name)
{
    return strcmp(name, ".") == 0 || strcmp(name, "..") == 0 ||
           strcmp(name, "odapi.lock") == 0 || strcmp(name, "files") == 0;
}

/* 1 when dir holds nothing but what lock_datadir made. */
static int datadir_fresh(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int fresh = 1;
    if (!d)
        return 0;
    while ((e = readdir(d)))
        if (!ours(e->d_name))
            fresh = 0;
    closedir(d);
    return fresh;
}

static int rm_entry(const char *path, const struct stat *sb, int flag,
                    struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

/* After a failed first start: remove what the embedded server made, so the
 * next start begins afresh (only ever called on a folder that was fresh). */
static void datadir_clear(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char path[1100];
    if (!d)
        return;
    while ((e = readdir(d))) {
        if (ours(e->d_name))
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    }
    closedir(d);
}


/* stderr_hold: send this process's stderr to an unlinked temporary file;
 * returns the saved descriptor of the real one, or -1 (nothing held).
 * stderr_release: put it back, and if show, copy what was held to it. */
static int stderr_hold(void)
{
    FILE *tf = tmpfile();
    int saved;
    if (!tf)
        return -1;
    fflush(stderr);
    saved = dup(STDERR_FILENO);
    if (saved < 0 || dup2(fileno(tf), STDERR_FILENO) < 0) {
        if (saved >= 0)
            close(saved);
        fclose(tf);
        return -1;
    }
    fclose(tf); /* the file lives on as descriptor 2 */
    return saved;
}

static void stderr_release(int saved, int show)
{
    char buf[4096];
    ssize_t n;
    int held;
    if (saved < 0)
        return;
    fflush(stderr);
    held = dup(STDERR_FILENO);
    dup2(saved, STDERR_FILENO);
    close(saved);
    if (held < 0)
        return;
    if (show && lseek(held, 0, SEEK_SET) == 0)
        while ((n = read(held, buf, sizeof buf)) > 0)
            if (write(STDERR_FILENO, buf, (size_t)n) < 0)
                break;
    close(held);
}
/* A new embedded data folder is made, and the sandbox seeded, in a child
 * process that shuts the embedded server down cleanly: InnoDB cannot
 * recover a data folder whose very first run ended without a clean
 * shutdown (checked on MariaDB 10.11), while later crashes recover. The
 * embedded server can start only once per process, so this cannot happen
 * in the serving process itself. */
static int bootstrap_embedded(struct od_db *db, char *err, size_t errlen)
{
    const odapi_config *cfg = db->cfg;
    char path[1100];
    int pfd[2], status;
    pid_t pid;
    struct stat st;
    ssize_t n;

    snprintf(path, sizeof path, "%s/ibdata1", cfg->db_datadir);
    if (stat(path, &st) == 0)
        return ODAPI_OK;
    pthread_mutex_lock(&lib_mu);
    status = lib_state;
    pthread_mutex_unlock(&lib_mu);
    if (status != 0) {
        snprintf(err, errlen, "cannot create a new embedded data folder in a "
                              "process that already started the MySQL "
                              "library");
        return ODAPI_E_STATE;
    }
    if (!datadir_fresh(cfg->db_datadir)) {
        snprintf(err, errlen,
                 "the folder %s is not empty and holds no database; give a "
                 "new or empty folder for the sandbox", cfg->db_datadir);
        return ODAPI_E_CONFIG;
    }
    /* Load the library before fork(): the child then only starts it, and
     * never runs the dynamic loader in a copy of a threaded process. */
    if (od_mysql_load(OD_MYSQL_EMBEDDED, err, errlen) != 0)
        return ODAPI_E_DB_CONNECT;
    if (pipe(pfd) != 0) {
        snprintf(err, errlen, "pipe: %s", strerror(errno));
        return ODAPI_E_IO;
    }
    fflush(NULL);
    pid = fork();
    if (pid < 0) {
        close(pfd[0]);
        close(pfd[1]);
        snprintf(err, errlen, "fork: %s", strerror(errno));
        return ODAPI_E_IO;
    }
    if (pid == 0) {
        char cerr[512] = "";
        int rc, quiet, started;
        MYSQL *m = NULL;
        close(pfd[0]);
        /* A new data folder has no mysql.plugin or mysql.func yet, and the
         * embedded server says so on stderr ("Got ERROR: ... errno: 2000")
         * until make_system_tables creates them: keep its stderr until
         * then, and show it only if this part fails. */
        quiet = stderr_hold();
        rc = library_init(cfg, cerr, sizeof cerr);
        started = rc == ODAPI_OK;
        if (started && !(m = connect_cfg(cfg, 0, cerr, sizeof cerr)))
            rc = ODAPI_E_DB_CONNECT;
        if (m)
            make_system_tables(m);
        stderr_release(quiet, rc != ODAPI_OK);
        if (m) {
            mysql_close(m);
            rc = prepare_database(db, NULL, NULL, cerr, sizeof cerr);
        }
        if (started)
            mysql_library_end();
        if (rc != ODAPI_OK && write(pfd[1], cerr, strlen(cerr)) < 0)
            rc = ODAPI_E_IO;
        _exit(rc == ODAPI_OK ? 0 : rc);
    }
    close(pfd[1]);
    n = read(pfd[0], err, errlen ? errlen - 1 : 0);
    close(pfd[0]);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return ODAPI_OK;
    if (n > 0)
        err[n] = '\0';
    else
        snprintf(err, errlen, "creating the embedded database in %s failed",
                 cfg->db_datadir);
    /* Leave no half-made data folder behind to fail the next start. */
    datadir_clear(cfg->db_datadir);
    return WIFEXITED(status) && WEXITSTATUS(status) ? WEXITSTATUS(status)
                                                    : ODAPI_E_DB;
}

/* The API Service waits for its database server (it may start before the
 * server at boot, or the server may be down for maintenance); the Local
 * API and owned databases report the problem at once. */
static int may_start_degraded(const odapi_config *cfg)
{
    return (cfg->mode == ODAPI_MODE_SERVICE || cfg->db_replica) &&
           cfg->db_kind == OD_DB_SERVER && !cfg->db_create_schema;
}

/* Read replicas beside a database server (replica.c). */
static int open_replicas(struct od_db *db, char *err, size_t errlen)
{
    const odapi_config *cfg = db->cfg;
    if (!cfg->nreplicas || cfg->db_replica)
        return ODAPI_OK;
    if (cfg->db_kind != OD_DB_SERVER || cfg->db_create_schema) {
        snprintf(err, errlen, "read replicas need a database server that "
                              "the practice owns, not %s",
                 cfg->db_kind == OD_DB_EMBEDDED ? "the embedded database"
                                                : "a database made here");
        return ODAPI_E_CONFIG;
    }
    if (!(db->replicas = od_replicas_open(db, cfg, db->base, db->log))) {
        snprintf(err, errlen, "out of memory");
        return ODAPI_E_NOMEM;
    }
    return ODAPI_OK;
}

int od_db_open(struct od_db **out, const odapi_config *cfg,
               struct event_base *base, const struct od_logger *log,
               char *err, size_t errlen)
{
    struct od_db *db;
    int rc, i;

    *out = NULL;
    if (cfg->db_kind == OD_DB_NONE) {
        snprintf(err, errlen, "no database configured");
        return ODAPI_E_CONFIG;
    }
    if (!(db = calloc(1, sizeof *db)))
        return ODAPI_E_NOMEM;
    db->cfg = cfg;
    db->log = log;
    db->base = base;
    db->efd = -1;
    db->lockfd = -1;
    db->embedded = cfg->db_kind == OD_DB_EMBEDDED;
    db->qmax = cfg->limits[ODAPI_LIMIT_DB_QUEUE];
    db->up = 1;
    pthread_mutex_init(&db->mu, NULL);
    pthread_mutex_init(&db->attach_mu, NULL);
    pthread_cond_init(&db->cv, NULL);

    if (db->embedded &&
        ((rc = lock_datadir(db, cfg->db_datadir, err, errlen)) != ODAPI_OK ||
         (rc = bootstrap_embedded(db, err, errlen)) != ODAPI_OK))
        goto fail;
    if ((rc = library_init(cfg, err, errlen)) != ODAPI_OK)
        goto fail;
    last_connect_errno = 0;
    rc = prepare_database(db, NULL, NULL, err, errlen);
    if (rc == ODAPI_E_DB_CONNECT && may_start_degraded(cfg) &&
        is_unreachable(last_connect_errno)) {
        /* The API Service starts anyway: 503 until the database is back
         * (docs/database.md, "Database down"). */
        od_log(log, ODAPI_LOG_ERROR, "%s; serving anyway, answering 503 "
               "until the database can be reached", err);
        db->up = 0;
        rc = ODAPI_OK;
    } else if (rc != ODAPI_OK) {
        goto fail;
    } else {
        db->attached = 1;
        od_log(log, ODAPI_LOG_INFO, "database %s (%s), DataBaseVersion %s, "
               "through %s", cfg->db_name, od_db_backend(db),
               db->version[0] ? db->version : "?", od_mysql_library());
        log_ntx_tables(db);
        /* Seeding (--db-create) and the catalog leave freed heap behind;
         * the sandbox trims again when its workers have connected. */
        od_mem_trim();
    }

    db->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (db->efd < 0) {
        snprintf(err, errlen, "eventfd: %s", strerror(errno));
        rc = ODAPI_E_IO;
        goto fail;
    }
    db->ev = event_new(base, db->efd, EV_READ | EV_PERSIST, on_eventfd, db);
    if (!db->ev || event_add(db->ev, NULL) != 0) {
        snprintf(err, errlen, "cannot watch the completion eventfd");
        rc = ODAPI_E_EVENT;
        goto fail;
    }
    db->nthreads = (int)cfg->limits[ODAPI_LIMIT_DB_POOL];
    db->long_cap = db->nthreads > 1 ? db->nthreads - 1 : 1;
    db->threads = calloc((size_t)db->nthreads, sizeof *db->threads);
    db->conns = calloc((size_t)db->nthreads, sizeof *db->conns);
    if (!db->threads || !db->conns) {
        rc = ODAPI_E_NOMEM;
        goto fail;
    }
    for (i = 0; i < db->nthreads; i++) {
        db->conns[i].db = db;
        db->conns[i].id = i;
        if (pthread_create(&db->threads[i], NULL, worker_main,
                           &db->conns[i]) != 0) {
            snprintf(err, errlen, "cannot start database worker threads");
            db->nthreads = i;
            rc = ODAPI_E_NOMEM;
            goto fail;
        }
    }
    if ((rc = open_replicas(db, err, errlen)) != ODAPI_OK)
        goto fail;
    *out = db;
    return ODAPI_OK;
fail:
    od_db_close(db);
    return rc;
}

int od_db_prepare(const odapi_config *cfg, const struct od_logger *log,
                  char *version, size_t vlen, char *err, size_t errlen)
{
    return od_db_prepare_inspect(cfg, log, version, vlen, NULL, NULL, err,
                                 errlen);
}

int od_db_prepare_inspect(const odapi_config *cfg,
                          const struct od_logger *log, char *version,
                          size_t vlen, od_db_inspect_fn inspect, void *arg,
                          char *err, size_t errlen)
{
    struct od_db tmp;
    int rc;
    memset(&tmp, 0, sizeof tmp);
    tmp.cfg = cfg;
    tmp.log = log;
    tmp.lockfd = -1;
    tmp.embedded = cfg->db_kind == OD_DB_EMBEDDED;
    if (cfg->db_kind == OD_DB_NONE) {
        snprintf(err, errlen, "no database configured");
        return ODAPI_E_CONFIG;
    }
    if (tmp.embedded &&
        ((rc = lock_datadir(&tmp, cfg->db_datadir, err, errlen)) != ODAPI_OK ||
         (rc = bootstrap_embedded(&tmp, err, errlen)) != ODAPI_OK)) {
        if (tmp.lockfd >= 0)
            close(tmp.lockfd);
        return rc;
    }
    rc = library_init(cfg, err, errlen);
    if (rc == ODAPI_OK)
        rc = prepare_database(&tmp, inspect, arg, err, errlen);
    if (rc == ODAPI_OK && version)
        snprintf(version, vlen, "%s", tmp.version);
    od_catalog_free(tmp.cat);
    if (tmp.lockfd >= 0)
        close(tmp.lockfd);
    return rc;
}

void od_db_close(struct od_db *db)
{
    int i;
    if (!db)
        return;
    /* first: a replica's last completions may hand work to the primary */
    od_replicas_close(db->replicas);
    db->replicas = NULL;
    pthread_mutex_lock(&db->mu);
    db->stop = 1;
    pthread_cond_broadcast(&db->cv);
    pthread_mutex_unlock(&db->mu);
    for (i = 0; i < db->nthreads; i++)
        pthread_join(db->threads[i], NULL);
    run_completions(db);
    if (db->ev)
        event_free(db->ev);
    if (db->efd >= 0)
        close(db->efd);
    if (db->lockfd >= 0)
        close(db->lockfd);
    free(db->threads);
    free(db->conns);
    od_catalog_free(db->cat);
    pthread_mutex_destroy(&db->mu);
    pthread_mutex_destroy(&db->attach_mu);
    pthread_cond_destroy(&db->cv);
    free(db);
}
