/* queries.c - Queries (apiqueries.html): PUT /queries/ShortQuery answers a
 * read-only SQL query as JSON rows; POST /queries writes its result as a
 * CSV file to an SFTP server (sftp.c).
 *
 * Read-only is enforced by the database, never by reading the SQL text:
 *
 *  1. Always: the command is prepared on the server as one statement; a
 *     statement without result columns (DDL, DML, SET, CALL, DO, SELECT
 *     ... INTO, LOCK TABLES, ...) is refused before it runs, and so is a
 *     table-maintenance statement (ANALYZE/OPTIMIZE/REPAIR TABLE...),
 *     recognised by the result columns the server announces for it. The
 *     statement runs inside START TRANSACTION READ ONLY and is rolled back,
 *     so a write hidden in a result-set statement (DELETE ... RETURNING, a
 *     stored function) fails with the server's read-only error.
 *  2. With a low-privilege account configured (UserLow/PasswordLow) the
 *     query runs on a connection of its own as that account, made for this
 *     query and closed after it; then multi-statement scripts with
 *     temporary tables are allowed too, and the account's grants are the
 *     fence.
 *
 * Cost is bounded by max_statement_time plus a watchdog that kills the
 * query a little later (SET STATEMENT can lower the former), a cap on the
 * answer's size, and a cap on queries running at once so a heavy report
 * cannot take every database worker. */
#include "engine/openapi-internal.h"
#include "features/queries-internal.h"
#include "db/db-internal.h"
#include "engine/resource-internal.h"
#include "db/mysql-api-internal.h"

#include <errno.h>
#include <errmsg.h>
#include <jansson.h>
#include <mysqld_error.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define PAGE_MAX 1000          /* ShortQuery rows per call */
#define COLBUF 256
#define WATCHDOG_GRACE_S 2     /* after max_statement_time */
#define LOG_TEXT_MAX 65000     /* securitylog.LogText is a TEXT column */
#define PERM_USER_QUERY 19     /* EnumPermType.UserQuery */
#define MAX_SPLIT_TRIES 64     /* ';' positions tried to spot scripts */

static const char MSG_NOT_READ_ONLY[] =
    "Query is not read-only or is not executing on temporary tables";
static const char MSG_BUSY[] =
    "Too many queries are running. Try again shortly.";

/* ---- queries running, per server ------------------------------------------- */
/* The count lives in the server (srv->queries_running); a background SFTP
 * transfer may give its slot back from another thread, hence atomics. */

static long query_cap(const odapi_server *srv)
{
    long cap = od_config_limit(srv->cfg, ODAPI_LIMIT_QUERY_CONCURRENCY);
    if (cap <= 0)
        cap = od_config_limit(srv->cfg, ODAPI_LIMIT_DB_POOL) - 1;
    return cap < 1 ? 1 : cap;
}

/* Take a slot; 0 when the cap is reached. */
static int run_enter(const odapi_server *srv)
{
    long *n = (long *)&srv->queries_running;
    long cur = __atomic_load_n(n, __ATOMIC_SEQ_CST);
    do {
        if (cur >= query_cap(srv))
            return 0;
    } while (!__atomic_compare_exchange_n(n, &cur, cur + 1, 0,
                                          __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST));
    return 1;
}

static void run_leave(const odapi_server *srv)
{
    __atomic_sub_fetch((long *)&srv->queries_running, 1, __ATOMIC_SEQ_CST);
}

/* ---- a query's job ----------------------------------------------------------- */

enum qkind { Q_SHORT, Q_POST };

struct qjob {
    odapi_request *req;
    odapi_server *srv;
    const odapi_config *cfg;
    enum qkind kind;
    char *sql;
    size_t sqllen;
    long long offset;
    long seconds;
    long max_bytes;
    int use_low;

    /* POST */
    char *host, *path, *user, *password, *known_hosts;
    int port;
    int is_async;

    /* result */
    int status;
    char msg[1024];
    struct od_buf out;
    long rows;            /* rows seen (JSON: written) */
    int header_done;      /* CSV header written */
    int too_big;
    int timed_out;
};

static void wipe(char *s)
{
    if (s)
        explicit_bzero(s, strlen(s));
}

static void qjob_free(struct qjob *j)
{
    if (!j)
        return;
    free(j->sql);
    free(j->host);
    free(j->path);
    free(j->user);
    wipe(j->password);
    free(j->password);
    free(j->known_hosts);
    od_buf_free(&j->out);
    free(j);
}

static void qfail(struct qjob *j, int status, const char *fmt, ...)
    OD_PRINTF(3, 4);
static void qfail(struct qjob *j, int status, const char *fmt, ...)
{
    va_list ap;
    if (j->status >= 400)
        return; /* keep the first reason */
    j->status = status;
    va_start(ap, fmt);
    vsnprintf(j->msg, sizeof j->msg, fmt, ap);
    va_end(ap);
}

/* ---- database errors ------------------------------------------------------------ */

/* Errors that mean "this would change something, or is not allowed". */
static int is_refusal(unsigned e)
{
    switch (e) {
    case ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION:
    case ER_TABLEACCESS_DENIED_ERROR:
    case ER_COLUMNACCESS_DENIED_ERROR:
    case ER_DBACCESS_DENIED_ERROR:
    case ER_ACCESS_DENIED_ERROR:
    case ER_SPECIFIC_ACCESS_DENIED_ERROR:
    case ER_PROCACCESS_DENIED_ERROR:
    case ER_OPTION_PREVENTS_STATEMENT:
    case ER_UNSUPPORTED_PS:
    case ER_KILL_DENIED_ERROR:
    case ER_CANT_DO_THIS_DURING_AN_TRANSACTION:
    case ER_LOCK_OR_ACTIVE_TRANSACTION:
        return 1;
    default:
        return 0;
    }
}

/* Turn a failed statement into the answer. */
static void sql_error(struct qjob *j, struct od_conn *c, int own_conn,
                      unsigned e, const char *text)
{
    if (j->timed_out || e == ER_STATEMENT_TIMEOUT ||
        (e == ER_QUERY_INTERRUPTED && j->timed_out)) {
        qfail(j, 400, "The query was stopped after the time limit of %ld "
                      "seconds.", j->seconds);
        return;
    }
    if (!own_conn && od_conn_note_error(c, e)) {
        qfail(j, 503, "The database is not available.");
        return;
    }
    if (own_conn && (e == CR_SERVER_GONE_ERROR || e == CR_SERVER_LOST)) {
        qfail(j, 503, "The database is not available.");
        return;
    }
    if (is_refusal(e)) {
        qfail(j, 401, "%s", MSG_NOT_READ_ONLY);
        return;
    }
    qfail(j, 400, "%s", text && *text ? text : "The query failed.");
}

/* ---- connections of our own --------------------------------------------------- */

/* A connection like the pool's, as the given account (the low-privilege
 * one, or the main one for the watchdog). */
static MYSQL *connect_as(const odapi_config *cfg, const char *user,
                         const char *password, int multi, char *err,
                         size_t errlen)
{
    const char *host, *sock;
    /* 3600 s: the statement's own limits end a query; this only catches a
     * dead server */
    MYSQL *m = od_db_handle(cfg, 3600, &host, &sock, err, errlen);
    if (!m)
        return NULL;
    if (!mysql_real_connect(m, host, user, password, cfg->db_name,
                            cfg->db_port, sock,
                            multi ? CLIENT_MULTI_STATEMENTS |
                                        CLIENT_MULTI_RESULTS
                                  : 0)) {
        snprintf(err, errlen, "%s", mysql_error(m));
        mysql_close(m);
        return NULL;
    }
    return m;
}

MYSQL *od_queries_connect(const odapi_config *cfg, const char *user,
                          const char *password, char *err, size_t errlen)
{
    return connect_as(cfg, user, password, 0, err, errlen);
}

/* ---- the watchdog --------------------------------------------------------------- */

/* max_statement_time stops a query on time, but SET STATEMENT
 * max_statement_time=0 FOR SELECT ... would lift it; the watchdog kills
 * the query from a second connection a little after the limit. The
 * embedded server has no statement timer at all (max_statement_time is
 * accepted and never fires, checked on MariaDB 10.11's libmariadbd), so
 * there the watchdog is the limit and fires on time. */
struct watchdog {
    pthread_t th;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int done, started;
    struct qjob *j;
    const char *user, *password;
    unsigned long thread_id;
    long grace;         /* seconds after the limit */
    int fired;
};

/* The server's id of m's session, for KILL QUERY. mysql_thread_id() says
 * 0 for an embedded connection; CONNECTION_ID() is right on both. */
static unsigned long session_id(MYSQL *m)
{
    unsigned long id = mysql_thread_id(m);
    MYSQL_RES *res;
    MYSQL_ROW row;
    if (id != 0 || mysql_query(m, "SELECT CONNECTION_ID()") ||
        !(res = mysql_store_result(m)))
        return id;
    if ((row = mysql_fetch_row(res)) && row[0])
        id = strtoul(row[0], NULL, 10);
    mysql_free_result(res);
    return id;
}

static void *watchdog_main(void *arg)
{
    struct watchdog *w = arg;
    struct timespec ts;
    int fire;
    od_deadline_ms((w->j->seconds + w->grace) * 1000L, &ts);
    pthread_mutex_lock(&w->mu);
    while (!w->done)
        if (pthread_cond_timedwait(&w->cv, &w->mu, &ts) == ETIMEDOUT)
            break;
    fire = !w->done;
    pthread_mutex_unlock(&w->mu);
    if (fire) {
        char err[256], sql[64];
        MYSQL *m;
        mysql_thread_init();
        m = connect_as(w->j->cfg, w->user, w->password, 0, err, sizeof err);
        if (m) {
            snprintf(sql, sizeof sql, "KILL QUERY %lu", w->thread_id);
            pthread_mutex_lock(&w->mu);
            w->fired = 1;
            pthread_mutex_unlock(&w->mu);
            mysql_query(m, sql);
            mysql_close(m);
        }
        mysql_thread_end();
    }
    return NULL;
}

static void watchdog_start(struct watchdog *w, struct qjob *j, MYSQL *m,
                           const char *user, const char *password)
{
    memset(w, 0, sizeof *w);
    w->j = j;
    w->user = user;
    w->password = password;
    w->thread_id = session_id(m);
    w->grace = j->cfg->db_kind == OD_DB_EMBEDDED ? 0 : WATCHDOG_GRACE_S;
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->cv, NULL);
    w->started = pthread_create(&w->th, NULL, watchdog_main, w) == 0;
}

/* Stop the watchdog; 1 when it killed the query. */
static int watchdog_stop(struct watchdog *w)
{
    int fired;
    if (!w->started)
        return 0;
    pthread_mutex_lock(&w->mu);
    w->done = 1;
    pthread_cond_signal(&w->cv);
    pthread_mutex_unlock(&w->mu);
    pthread_join(w->th, NULL);
    fired = w->fired;
    pthread_mutex_destroy(&w->mu);
    pthread_cond_destroy(&w->cv);
    return fired;
}

/* ---- columns and values ------------------------------------------------------ */

enum ckind { K_TEXT, K_INT, K_DEC, K_REAL, K_BIT, K_DATE, K_DATETIME,
             K_BINARY };

struct col {
    const char *name;
    unsigned long namelen;
    enum ckind kind;
};

static enum ckind kind_of(const MYSQL_FIELD *f)
{
    switch (f->type) {
    case MYSQL_TYPE_TINY:
    case MYSQL_TYPE_SHORT:
    case MYSQL_TYPE_LONG:
    case MYSQL_TYPE_LONGLONG:
    case MYSQL_TYPE_INT24:
    case MYSQL_TYPE_YEAR:
        return K_INT;
    case MYSQL_TYPE_DECIMAL:
    case MYSQL_TYPE_NEWDECIMAL:
        return K_DEC;
    case MYSQL_TYPE_FLOAT:
    case MYSQL_TYPE_DOUBLE:
        return K_REAL;
    case MYSQL_TYPE_BIT:
        return K_BIT;
    case MYSQL_TYPE_DATE:
    case MYSQL_TYPE_NEWDATE:
        return K_DATE;
    case MYSQL_TYPE_DATETIME:
    case MYSQL_TYPE_TIMESTAMP:
        return K_DATETIME;
    case MYSQL_TYPE_TINY_BLOB:
    case MYSQL_TYPE_MEDIUM_BLOB:
    case MYSQL_TYPE_LONG_BLOB:
    case MYSQL_TYPE_BLOB:
    case MYSQL_TYPE_STRING:
    case MYSQL_TYPE_VAR_STRING:
    case MYSQL_TYPE_VARCHAR:
    case MYSQL_TYPE_GEOMETRY:
        return f->charsetnr == 63 ? K_BINARY : K_TEXT;
    default:
        return K_TEXT;
    }
}

/* The table-maintenance statements (ANALYZE, CHECK, OPTIMIZE, REPAIR
 * TABLE, CACHE INDEX, LOAD INDEX) commit implicitly and may rebuild
 * tables; the server announces their result as these four columns of no
 * table. */
static int is_admin_result(const MYSQL_FIELD *f, unsigned n)
{
    static const char *const names[] = {"Table", "Op", "Msg_type",
                                        "Msg_text"};
    unsigned i;
    if (n != 4)
        return 0;
    for (i = 0; i < 4; i++)
        if (strcmp(f[i].name, names[i]) != 0 ||
            (f[i].org_table && f[i].org_table[0]))
            return 0;
    return 1;
}

static void put_base64(struct od_buf *b, const unsigned char *s, size_t n)
{
    static const char tab[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t i;
    char q[4];
    for (i = 0; i + 2 < n; i += 3) {
        q[0] = tab[s[i] >> 2];
        q[1] = tab[((s[i] & 3) << 4) | (s[i + 1] >> 4)];
        q[2] = tab[((s[i + 1] & 15) << 2) | (s[i + 2] >> 6)];
        q[3] = tab[s[i + 2] & 63];
        od_buf_add(b, q, 4);
    }
    if (n - i == 1) {
        q[0] = tab[s[i] >> 2];
        q[1] = tab[(s[i] & 3) << 4];
        q[2] = q[3] = '=';
        od_buf_add(b, q, 4);
    } else if (n - i == 2) {
        q[0] = tab[s[i] >> 2];
        q[1] = tab[((s[i] & 3) << 4) | (s[i + 1] >> 4)];
        q[2] = tab[(s[i + 1] & 15) << 2];
        q[3] = '=';
        od_buf_add(b, q, 4);
    }
}

/* The shortest decimal text that reads back as the same double. */
static void put_real(struct od_buf *b, const char *v)
{
    char tmp[64];
    double d = strtod(v, NULL);
    int p;
    if (d != d || d - d != 0) { /* NaN, infinity: not JSON numbers */
        od_buf_adds(b, "null");
        return;
    }
    for (p = 1; p <= 17; p++) {
        snprintf(tmp, sizeof tmp, "%.*g", p, d);
        if (strtod(tmp, NULL) == d)
            break;
    }
    od_buf_adds(b, tmp);
}

static void put_bit(struct od_buf *b, const unsigned char *v, size_t n)
{
    unsigned long long x = 0;
    size_t i;
    for (i = 0; i < n && i < 8; i++)
        x = (x << 8) | v[i];
    od_buf_printf(b, "%llu", x);
}

/* "2021-05-01" / "2021-05-01 08:00:00[.fff]" as .NET's ISO form
 * "2021-05-01T08:00:00[.fff]"; a zero date is DateTime.MinValue. */
static void put_iso(struct od_buf *b, const char *v, size_t n)
{
    char tmp[40];
    size_t k;
    if (n < 10 || strncmp(v, "0000", 4) == 0) {
        od_buf_adds(b, "\"0001-01-01T00:00:00\"");
        return;
    }
    if (n == 10) {
        snprintf(tmp, sizeof tmp, "%.10sT00:00:00", v);
    } else {
        snprintf(tmp, sizeof tmp, "%.10sT%.*s", v,
                 (int)(n - 11 < 26 ? n - 11 : 26), v + 11);
        /* fractions: trailing zeros dropped, as .NET does */
        if (strchr(tmp, '.')) {
            k = strlen(tmp);
            while (k > 0 && tmp[k - 1] == '0')
                tmp[--k] = '\0';
            if (k > 0 && tmp[k - 1] == '.')
                tmp[--k] = '\0';
        }
    }
    od_buf_json_str(b, tmp, strlen(tmp), 0);
}

static void json_value(struct od_buf *b, const struct col *c, const char *v,
                       unsigned long n, int isnull)
{
    if (isnull) {
        od_buf_adds(b, "null");
        return;
    }
    switch (c->kind) {
    case K_INT:
    case K_DEC:
        if (n && (v[0] == '-' || (v[0] >= '0' && v[0] <= '9'))) {
            od_buf_add(b, v, n);
            break;
        }
        od_buf_json_str(b, v, n, 0);
        break;
    case K_REAL:
        put_real(b, v);
        break;
    case K_BIT:
        put_bit(b, (const unsigned char *)v, n);
        break;
    case K_DATE:
    case K_DATETIME:
        put_iso(b, v, n);
        break;
    case K_BINARY:
        od_buf_addc(b, '"');
        put_base64(b, (const unsigned char *)v, n);
        od_buf_addc(b, '"');
        break;
    case K_TEXT:
        od_buf_json_str(b, v, n, 0);
        break;
    }
}

/* RFC 4180: quoted when it holds a comma, a quote, CR or LF (or spaces at
 * its ends); quotes doubled. */
static void csv_field(struct od_buf *b, const char *v, size_t n)
{
    size_t i;
    int quote = n && (v[0] == ' ' || v[n - 1] == ' ');
    for (i = 0; i < n && !quote; i++)
        if (v[i] == ',' || v[i] == '"' || v[i] == '\r' || v[i] == '\n')
            quote = 1;
    if (!quote) {
        od_buf_add(b, v, n);
        return;
    }
    od_buf_addc(b, '"');
    for (i = 0; i < n; i++) {
        if (v[i] == '"')
            od_buf_addc(b, '"');
        od_buf_addc(b, v[i]);
    }
    od_buf_addc(b, '"');
}

static void csv_value(struct od_buf *b, const struct col *c, const char *v,
                      unsigned long n, int isnull)
{
    struct od_buf t;
    if (isnull)
        return;
    switch (c->kind) {
    case K_REAL:
    case K_BIT:
    case K_BINARY:
        od_buf_init(&t);
        if (c->kind == K_REAL)
            put_real(&t, v);
        else if (c->kind == K_BIT)
            put_bit(&t, (const unsigned char *)v, n);
        else
            put_base64(&t, (const unsigned char *)v, n);
        od_buf_add(b, t.p ? t.p : "", t.len);
        b->oom |= t.oom;
        od_buf_free(&t);
        break;
    case K_DATE:
    case K_DATETIME:
        if (n >= 4 && strncmp(v, "0000", 4) == 0) {
            od_buf_adds(b, c->kind == K_DATE ? "0001-01-01"
                                             : "0001-01-01 00:00:00");
            break;
        }
        /* fall through */
    default:
        csv_field(b, v, n);
    }
}

/* One row into the job's output. Returns 1 to keep going, 0 when the
 * rest of the rows are not wanted. */
static int put_row(struct qjob *j, const struct col *cols, unsigned ncols,
                   char **vals, unsigned long *lens, const char *nulls)
{
    struct od_buf *b = &j->out;
    unsigned i;
    long seen = j->rows++;
    if (j->kind == Q_SHORT) {
        if (seen < j->offset)
            return 1;
        if (seen - j->offset >= PAGE_MAX)
            return 0;
        od_buf_addc(b, seen > j->offset ? ',' : '[');
        od_buf_addc(b, '{');
        for (i = 0; i < ncols; i++) {
            if (i)
                od_buf_addc(b, ',');
            od_buf_json_str(b, cols[i].name, cols[i].namelen, 0);
            od_buf_addc(b, ':');
            json_value(b, &cols[i], vals[i], lens[i], nulls[i]);
        }
        od_buf_addc(b, '}');
    } else {
        if (!j->header_done) {
            for (i = 0; i < ncols; i++) {
                if (i)
                    od_buf_addc(b, ',');
                csv_field(b, cols[i].name, cols[i].namelen);
            }
            od_buf_adds(b, "\r\n");
            j->header_done = 1;
        }
        for (i = 0; i < ncols; i++) {
            if (i)
                od_buf_addc(b, ',');
            csv_value(b, &cols[i], vals[i], lens[i], nulls[i]);
        }
        od_buf_adds(b, "\r\n");
    }
    if (b->oom) {
        qfail(j, 500, "Out of memory.");
        return 0;
    }
    if ((long)b->len > j->max_bytes) {
        j->too_big = 1;
        qfail(j, 400, "The query result is larger than the limit of %ld "
                      "bytes.", j->max_bytes);
        return 0;
    }
    return 1;
}

static void cols_from(struct col *cols, const MYSQL_FIELD *f, unsigned n)
{
    unsigned i;
    for (i = 0; i < n; i++) {
        cols[i].name = f[i].name;
        cols[i].namelen = f[i].name_length;
        cols[i].kind = kind_of(&f[i]);
    }
}

/* ---- running one prepared statement ------------------------------------------- */

/* Does the text hold more than one statement? Asked of the server: some
 * ';' ends a prefix that prepares on its own, and text follows it. */
static int is_script(MYSQL *m, const char *sql, size_t len)
{
    size_t i;
    int tries = 0;
    for (i = 0; i < len && tries < MAX_SPLIT_TRIES; i++) {
        MYSQL_STMT *st;
        size_t k;
        int ok;
        if (sql[i] != ';')
            continue;
        for (k = i + 1; k < len && strchr(" \t\r\n;", sql[k]); k++)
            ;
        if (k == len)
            return 0;
        tries++;
        if (!(st = mysql_stmt_init(m)))
            return 0;
        ok = mysql_stmt_prepare(st, sql, (unsigned long)i) == 0;
        mysql_stmt_close(st);
        if (ok)
            return 1;
    }
    return 0;
}

static void simple(MYSQL *m, const char *sql)
{
    MYSQL_RES *r;
    if (mysql_query(m, sql) == 0 && (r = mysql_store_result(m)))
        mysql_free_result(r);
}

/* Fetch rows of an executed statement into the job. */
static void fetch_stmt(struct qjob *j, MYSQL_STMT *st, MYSQL_RES *meta)
{
    unsigned ncols = mysql_num_fields(meta), i;
    MYSQL_FIELD *f = mysql_fetch_fields(meta);
    struct col *cols = calloc(ncols, sizeof *cols);
    MYSQL_BIND *rb = calloc(ncols, sizeof *rb);
    char *bufs = malloc((size_t)ncols * COLBUF);
    char **vals = calloc(ncols, sizeof *vals);
    char **big = calloc(ncols, sizeof *big);
    unsigned long *lens = calloc(ncols, sizeof *lens);
    my_bool *nulls = calloc(ncols, sizeof *nulls);
    char *cnulls = calloc(ncols, 1);
    int rc = 0, more = 1;

    if (!cols || !rb || !bufs || !vals || !big || !lens || !nulls ||
        !cnulls) {
        qfail(j, 500, "Out of memory.");
        goto out;
    }
    cols_from(cols, f, ncols);
    for (i = 0; i < ncols; i++) {
        rb[i].buffer_type = MYSQL_TYPE_STRING;
        rb[i].buffer = bufs + (size_t)i * COLBUF;
        rb[i].buffer_length = COLBUF - 1;
        rb[i].length = &lens[i];
        rb[i].is_null = &nulls[i];
    }
    if (mysql_stmt_bind_result(st, rb)) {
        qfail(j, 500, "The database could not return the rows.");
        goto out;
    }
    while (more && ((rc = mysql_stmt_fetch(st)) == 0 ||
                    rc == MYSQL_DATA_TRUNCATED)) {
        for (i = 0; i < ncols; i++) {
            vals[i] = bufs + (size_t)i * COLBUF;
            cnulls[i] = (char)nulls[i];
            if (nulls[i])
                continue;
            if (lens[i] >= COLBUF - 1) {
                MYSQL_BIND one;
                char *p = realloc(big[i], lens[i] + 1);
                if (!p) {
                    qfail(j, 500, "Out of memory.");
                    goto out;
                }
                big[i] = p;
                memset(&one, 0, sizeof one);
                one.buffer_type = MYSQL_TYPE_STRING;
                one.buffer = p;
                one.buffer_length = lens[i] + 1;
                mysql_stmt_fetch_column(st, &one, i, 0);
                p[lens[i]] = '\0';
                vals[i] = p;
            } else {
                vals[i][lens[i]] = '\0';
            }
        }
        more = put_row(j, cols, ncols, vals, lens, cnulls);
    }
    if (more && rc != MYSQL_NO_DATA && od_stmt_errno(st))
        j->status = -(int)od_stmt_errno(st); /* resolved by the caller */
out:
    if (big)
        for (i = 0; i < ncols; i++)
            free(big[i]);
    free(cols);
    free(rb);
    free(bufs);
    free(vals);
    free(big);
    free(lens);
    free(nulls);
    free(cnulls);
}

/* Rule 1: one statement, with result columns, in a read-only transaction
 * that is rolled back. own_conn: m is the query's own connection (low
 * account), not the worker's. */
static void run_prepared(struct qjob *j, struct od_conn *c, MYSQL *m,
                         MYSQL_STMT *st, int own_conn, const char *user,
                         const char *password)
{
    MYSQL_RES *meta;
    struct watchdog w;
    char sql[96];
    unsigned e = 0;
    char etext[512] = "";

    if (mysql_stmt_param_count(st) > 0) {
        qfail(j, 400, "The query has a parameter marker (?) outside quotes.");
        return;
    }
    if (mysql_stmt_field_count(st) == 0 ||
        !(meta = mysql_stmt_result_metadata(st))) {
        qfail(j, 401, "%s", MSG_NOT_READ_ONLY);
        return;
    }
    if (is_admin_result(mysql_fetch_fields(meta), mysql_num_fields(meta))) {
        mysql_free_result(meta);
        qfail(j, 401, "%s", MSG_NOT_READ_ONLY);
        return;
    }
    snprintf(sql, sizeof sql, "SET SESSION max_statement_time = %ld",
             j->seconds);
    if (mysql_query(m, sql) || mysql_query(m, "START TRANSACTION READ ONLY")) {
        e = mysql_errno(m);
        snprintf(etext, sizeof etext, "%s", mysql_error(m));
        mysql_free_result(meta);
        sql_error(j, c, own_conn, e, etext);
        return;
    }
    watchdog_start(&w, j, m, user, password);
    if (mysql_stmt_execute(st)) {
        e = mysql_stmt_errno(st);
        snprintf(etext, sizeof etext, "%s", mysql_stmt_error(st));
    } else {
        fetch_stmt(j, st, meta);
        if (j->status < 0) {
            e = (unsigned)-j->status;
            j->status = 0;
            snprintf(etext, sizeof etext, "%s", mysql_stmt_error(st));
        }
        mysql_stmt_free_result(st); /* reads the rows not wanted */
    }
    if (watchdog_stop(&w))
        j->timed_out = 1;
    mysql_free_result(meta);
    if (e)
        sql_error(j, c, own_conn, e, etext);
    else if (j->timed_out)
        sql_error(j, c, own_conn, ER_QUERY_INTERRUPTED, "");
    if (!own_conn && !c->lost) { /* the worker's connection lives on */
        simple(m, "ROLLBACK");
        simple(m, "SET SESSION max_statement_time = 0");
        simple(m, "DO RELEASE_ALL_LOCKS()");
    }
}

/* ---- scripts (low-privilege account only) ------------------------------------ */

/* Rule 2: the low account's grants are the fence; the statements run as a
 * script (multi-statements) in a transaction that is rolled back, on a
 * connection that is closed afterwards. The first result set with
 * columns is the answer. */
static void run_script(struct qjob *j, MYSQL *m, const char *user,
                       const char *password)
{
    struct watchdog w;
    char sql[96];
    int first = 1, status;
    unsigned e = 0;
    char etext[512] = "";

    snprintf(sql, sizeof sql, "SET SESSION max_statement_time = %ld",
             j->seconds);
    if (mysql_query(m, sql) || mysql_query(m, "START TRANSACTION")) {
        sql_error(j, NULL, 1, mysql_errno(m), mysql_error(m));
        return;
    }
    watchdog_start(&w, j, m, user, password);
    status = mysql_real_query(m, j->sql, (unsigned long)j->sqllen);
    for (;;) {
        MYSQL_RES *res;
        if (status) {
            e = mysql_errno(m);
            snprintf(etext, sizeof etext, "%s", mysql_error(m));
            break;
        }
        if ((res = mysql_use_result(m))) {
            unsigned n = mysql_num_fields(res);
            MYSQL_FIELD *f = mysql_fetch_fields(res);
            MYSQL_ROW row;
            int want = first && !is_admin_result(f, n);
            struct col *cols = want ? calloc(n, sizeof *cols) : NULL;
            char *cnulls = want ? calloc(n, 1) : NULL;
            if (first && !want)
                qfail(j, 401, "%s", MSG_NOT_READ_ONLY);
            if (want && (!cols || !cnulls)) {
                qfail(j, 500, "Out of memory.");
                want = 0;
            }
            if (want)
                cols_from(cols, f, n);
            while ((row = mysql_fetch_row(res))) {
                unsigned long *lens;
                unsigned i;
                if (!want)
                    continue;
                lens = mysql_fetch_lengths(res);
                for (i = 0; i < n; i++)
                    cnulls[i] = row[i] == NULL;
                want = put_row(j, cols, n, row, lens, cnulls);
            }
            if (mysql_errno(m)) {
                e = mysql_errno(m);
                snprintf(etext, sizeof etext, "%s", mysql_error(m));
            }
            mysql_free_result(res);
            free(cols);
            free(cnulls);
            first = 0;
            if (e)
                break;
        } else if (mysql_field_count(m)) {
            e = mysql_errno(m);
            snprintf(etext, sizeof etext, "%s", mysql_error(m));
            break;
        }
        status = mysql_next_result(m);
        if (status == -1) {
            status = 0;
            break;
        }
        if (status > 0)
            continue; /* the error is read at the top */
    }
    if (watchdog_stop(&w))
        j->timed_out = 1;
    if (e)
        sql_error(j, NULL, 1, e, etext);
    else if (j->timed_out)
        sql_error(j, NULL, 1, ER_QUERY_INTERRUPTED, "");
}

/* ---- the work ----------------------------------------------------------------- */

/* securitylog: PermType UserQuery, the command as LogText
 * (apiqueries.html). */
static int write_log(struct od_conn *c, struct qjob *j)
{
    static const char sql[] =
        "INSERT INTO securitylog (PermType, UserNum, LogDateTime, LogText, "
        "PatNum, CompName, FKey, LogSource, DateTPrevious) VALUES (?, 0, "
        "NOW(), ?, 0, 'API', 0, 23, '0001-01-01 00:00:00')";
    MYSQL_STMT *st = od_conn_stmt(c, sql);
    MYSQL_BIND b[2];
    long long perm = PERM_USER_QUERY;
    unsigned long len = (unsigned long)j->sqllen;
    if (!st)
        return -1;
    if (len > LOG_TEXT_MAX) {
        len = LOG_TEXT_MAX; /* at a character boundary */
        while (len > 0 && ((unsigned char)j->sql[len] & 0xC0) == 0x80)
            len--;
    }
    memset(b, 0, sizeof b);
    b[0].buffer_type = MYSQL_TYPE_LONGLONG;
    b[0].buffer = &perm;
    b[1].buffer_type = MYSQL_TYPE_STRING;
    b[1].buffer = j->sql;
    b[1].buffer_length = len;
    b[1].length = &len;
    if (mysql_stmt_bind_param(st, b) || mysql_stmt_execute(st)) {
        od_conn_note_error(c, mysql_stmt_errno(st));
        od_conn_log(c, ODAPI_LOG_ERROR, "queries: securitylog: %s",
                    mysql_stmt_error(st));
        return -1;
    }
    return 0;
}

static void run_query(struct qjob *j, struct od_conn *c)
{
    MYSQL *m = c->m, *own = NULL;
    MYSQL_STMT *st;
    const char *user = j->cfg->db_user, *password = j->cfg->db_password;
    char err[512];

    if (j->use_low) {
        user = j->cfg->db_low_user;
        password = j->cfg->db_low_password;
        own = connect_as(j->cfg, user, password, 1, err, sizeof err);
        if (!own) {
            od_conn_log(c, ODAPI_LOG_ERROR, "queries: the low-privilege "
                        "account '%s' cannot connect: %s", user, err);
            qfail(j, 503, "The query account (UserLow) cannot connect to "
                          "the database.");
            return;
        }
        m = own;
    }
    if (!(st = mysql_stmt_init(m))) {
        qfail(j, 500, "Out of memory.");
    } else if (mysql_stmt_prepare(st, j->sql, (unsigned long)j->sqllen)) {
        unsigned e = mysql_stmt_errno(st);
        char etext[512];
        snprintf(etext, sizeof etext, "%s", mysql_stmt_error(st));
        mysql_stmt_close(st);
        st = NULL;
        if (own && (e == ER_PARSE_ERROR || e == ER_UNSUPPORTED_PS))
            run_script(j, own, user, password);
        else if (e == ER_PARSE_ERROR && is_script(m, j->sql, j->sqllen))
            qfail(j, 401, "%s", MSG_NOT_READ_ONLY);
        else
            sql_error(j, c, own != NULL, e, etext);
    } else {
        run_prepared(j, c, m, st, own != NULL, user, password);
    }
    if (st)
        mysql_stmt_close(st);
    if (own)
        mysql_close(own);
}

static int work_query(struct od_conn *c, void *arg)
{
    struct qjob *j = arg;
    if (write_log(c, j)) {
        if (c->lost)
            return OD_WORK_RETRY; /* nothing was written */
        qfail(j, 500, "The query could not be written to the audit trail.");
        return OD_WORK_DONE;
    }
    run_query(j, c);
    if (j->status >= 400)
        return OD_WORK_DONE;
    if (j->kind == Q_SHORT) {
        if (j->rows <= j->offset)
            od_buf_adds(&j->out, "[]");
        else
            od_buf_addc(&j->out, ']');
    } else {
        if (j->rows == 0) {
            j->out.len = 0;
            od_buf_adds(&j->out, "OK");
        }
        if (!j->is_async) {
            struct od_sftp_target t = {j->host, j->port, j->user,
                                       j->password, j->path, j->known_hosts,
                                       j->srv->log};
            if (od_sftp_put(&t, j->out.p, j->out.len, j->msg,
                            sizeof j->msg))
                j->status = 400;
        }
    }
    if (j->out.oom)
        qfail(j, 500, "Out of memory.");
    return OD_WORK_DONE;
}

/* IsAsync: the file transfer after the answer. */
static int work_upload(struct od_conn *c, void *arg)
{
    struct qjob *j = arg;
    struct od_sftp_target t = {j->host, j->port, j->user, j->password,
                               j->path, j->known_hosts, j->srv->log};
    if (od_sftp_put(&t, j->out.p, j->out.len, j->msg, sizeof j->msg))
        od_conn_log(c, ODAPI_LOG_ERROR, "queries: IsAsync upload to %s%s "
                    "failed: %s", j->host, j->path, j->msg);
    return OD_WORK_DONE;
}

static void upload_done(void *arg, int status)
{
    struct qjob *j = arg;
    (void)status;
    run_leave(j->srv);
    qjob_free(j);
}

static void query_done(void *arg, int status)
{
    struct qjob *j = arg;
    if (status != ODAPI_OK) {
        odapi_reply_error(j->req, 503, "The database is not available.");
    } else if (j->status >= 400) {
        odapi_reply_error(j->req, j->status, j->msg);
    } else if (j->kind == Q_SHORT) {
        odapi_reply(j->req, 200, j->out.p ? j->out.p : "[]", j->out.len);
    } else {
        odapi_reply(j->req, 201, "", 0);
        if (j->is_async) {
            j->req = NULL;
            if (od_db_submit_long(j->srv->db, work_upload, upload_done, j) ==
                ODAPI_OK)
                return; /* keeps its slot until the upload ends */
            od_log(j->srv->log, ODAPI_LOG_ERROR,
                   "queries: IsAsync upload to %s%s not started: the "
                   "database queue is full", j->host, j->path);
        }
    }
    run_leave(j->srv);
    qjob_free(j);
}

/* ---- handlers (loop thread) ---------------------------------------------------- */

/* Read the body; SqlCommand into j. 0, or -1 after replying. */
static int read_command(odapi_request *req, struct qjob *j, json_t **out)
{
    json_t *body, *v;
    json_error_t jerr;
    const char *s;
    size_t n, i;

    body = json_loadb(req->body ? req->body : "", req->body_len,
                      JSON_ALLOW_NUL, &jerr);
    if (!body || !json_is_object(body)) {
        odapi_reply_error(req, 400, body
                              ? "The request body must be a JSON object."
                              : "The request body is not valid JSON.");
        json_decref(body);
        return -1;
    }
    v = json_object_get(body, "SqlCommand");
    if (!v || json_is_null(v) || (json_is_string(v) &&
                                  json_string_length(v) == 0)) {
        odapi_reply_error(req, 400, "SqlCommand is required.");
        json_decref(body);
        return -1;
    }
    if (!json_is_string(v)) {
        odapi_reply_error(req, 400, "SqlCommand is invalid.");
        json_decref(body);
        return -1;
    }
    s = json_string_value(v);
    n = json_string_length(v);
    if (memchr(s, '\0', n)) {
        odapi_reply_error(req, 400, "SqlCommand cannot contain null "
                                    "characters. Use CHAR(0) instead.");
        json_decref(body);
        return -1;
    }
    for (i = 0; i < n && strchr(" \t\r\n", s[i]); i++)
        ;
    if (i == n) {
        odapi_reply_error(req, 400, "SqlCommand is required.");
        json_decref(body);
        return -1;
    }
    if (!(j->sql = malloc(n + 1))) {
        odapi_reply_error(req, 500, "Out of memory.");
        json_decref(body);
        return -1;
    }
    memcpy(j->sql, s, n + 1);
    j->sqllen = n;
    *out = body;
    return 0;
}

static struct qjob *qjob_new(odapi_request *req, enum qkind kind)
{
    struct qjob *j = calloc(1, sizeof *j);
    const odapi_config *cfg = req->srv->cfg;
    if (!j) {
        odapi_reply_error(req, 500, "Out of memory.");
        return NULL;
    }
    j->req = req;
    j->srv = req->srv;
    j->cfg = cfg;
    j->kind = kind;
    j->seconds = od_config_limit(cfg, ODAPI_LIMIT_QUERY_SECONDS);
    j->max_bytes = od_config_limit(cfg, ODAPI_LIMIT_QUERY_MAX_BYTES);
    /* the embedded server checks no grants: the low account means
     * nothing there */
    j->use_low = cfg->db_low_user && *cfg->db_low_user &&
                 cfg->db_kind == OD_DB_SERVER;
    od_buf_init(&j->out);
    return j;
}

static void submit(struct qjob *j)
{
    odapi_request *req = j->req;
    int rc;
    if (!req->srv->db) {
        odapi_reply_error(req, 503, "No database is configured.");
        qjob_free(j);
        return;
    }
    if (!run_enter(req->srv)) {
        odapi_reply_error(req, 503, MSG_BUSY);
        qjob_free(j);
        return;
    }
    rc = od_db_submit_long(req->srv->db, work_query, query_done, j);
    if (rc == ODAPI_OK)
        od_request_out(req);
    if (rc != ODAPI_OK) {
        run_leave(req->srv);
        odapi_reply_error(req, 503, rc == ODAPI_E_BUSY
                              ? "The server is busy. Try again shortly."
                              : "The database is not available.");
        qjob_free(j);
    }
}

static int parse_nonneg(const char *s, long long *out)
{
    return od_parse_ll(s, out) == 0 && *out >= 0 ? 0 : -1;
}

static void h_short(odapi_request *req, void *arg)
{
    struct qjob *j;
    json_t *body = NULL;
    const char *v;
    (void)arg;
    if (!(j = qjob_new(req, Q_SHORT)))
        return;
    if ((v = od_query_get(&req->query, "Offset")) && *v &&
        parse_nonneg(v, &j->offset)) {
        odapi_reply_error(req, 400, "Offset is invalid.");
        qjob_free(j);
        return;
    }
    if (read_command(req, j, &body)) {
        qjob_free(j);
        return;
    }
    json_decref(body);
    submit(j);
}

/* A string member, or NULL; *bad when present but not a string. */
static const char *member_str(json_t *o, const char *name, int *bad)
{
    json_t *v = json_object_get(o, name);
    if (!v || json_is_null(v))
        return NULL;
    if (!json_is_string(v)) {
        *bad = 1;
        return NULL;
    }
    return json_string_value(v);
}

static void h_post(odapi_request *req, void *arg)
{
    struct qjob *j;
    json_t *body = NULL, *v;
    const char *addr, *user, *pass, *s;
    char msg[160];
    int bad = 0, port_in_addr = 0;
    (void)arg;

    if (!(j = qjob_new(req, Q_POST)))
        return;
    if (read_command(req, j, &body)) {
        qjob_free(j);
        return;
    }
#define REQUIRE(var, name)                                                   \
    do {                                                                     \
        bad = 0;                                                             \
        var = member_str(body, name, &bad);                                  \
        if (bad || !var || !*var) {                                          \
            snprintf(msg, sizeof msg, "%s is %s.", name,                     \
                     bad ? "invalid" : "required");                          \
            goto reply_bad;                                                  \
        }                                                                    \
    } while (0)
    REQUIRE(addr, "SftpAddress");
    REQUIRE(user, "SftpUsername");
    REQUIRE(pass, "SftpPassword");
#undef REQUIRE
    if (od_sftp_split_address(addr, &j->host, &j->path, &port_in_addr)) {
        snprintf(msg, sizeof msg, "SftpAddress must be the full path of the "
                                  "file, like host/folder/file.csv.");
        goto reply_bad;
    }
    j->port = port_in_addr ? port_in_addr : 22;
    if ((v = json_object_get(body, "SftpPort")) && !json_is_null(v)) {
        long long p = -1;
        if (json_is_integer(v))
            p = json_integer_value(v);
        else if (json_is_string(v) && parse_nonneg(json_string_value(v), &p))
            p = -1;
        if (p < 1 || p > 65535) {
            snprintf(msg, sizeof msg, "SftpPort is invalid.");
            goto reply_bad;
        }
        j->port = (int)p;
    }
    bad = 0;
    if ((s = member_str(body, "IsAsync", &bad)) && *s) {
        if (strcasecmp(s, "true") == 0)
            j->is_async = 1;
        else if (strcasecmp(s, "false") != 0)
            bad = 1;
    }
    if ((v = json_object_get(body, "IsAsync")) && json_is_boolean(v)) {
        bad = 0;
        j->is_async = json_is_true(v);
    }
    if (bad) {
        snprintf(msg, sizeof msg, "IsAsync is invalid.");
        goto reply_bad;
    }
    j->user = strdup(user);
    j->password = strdup(pass);
    j->known_hosts = od_sftp_known_hosts(req->srv->cfg->known_hosts);
    /* the body holds the password: wipe it before it is freed */
    if ((v = json_object_get(body, "SftpPassword")) && json_is_string(v))
        explicit_bzero((char *)json_string_value(v), json_string_length(v));
    json_decref(body);
    if (req->body)
        explicit_bzero(req->body, req->body_len);
    if (!j->user || !j->password || !j->known_hosts) {
        odapi_reply_error(req, 500, "Out of memory.");
        qjob_free(j);
        return;
    }
    submit(j);
    return;
reply_bad:
    if ((v = json_object_get(body, "SftpPassword")) && json_is_string(v))
        explicit_bzero((char *)json_string_value(v), json_string_length(v));
    json_decref(body);
    odapi_reply_error(req, 400, msg);
    qjob_free(j);
}

/* What these routes take and answer, for GET /openapi.json
 * (engine/openapi-internal.h). */
static const struct od_opdoc query_docs[] = {
    {"PUT", "/queries/ShortQuery",
     "Run a read-only query; rows as JSON (100 a page).",
     "Offset:int",
     "SqlCommand:text!",
     NULL,
     .perm = ODAPI_PERM_QUERIES, .handler = h_short},
    {"POST", "/queries",
     "Run a read-only query; the rows as CSV to an SFTP server.",
     NULL,
     "SqlCommand:text!," OD_SFTP_FIELDS ",IsAsync:bool",
     NULL,
     .perm = ODAPI_PERM_QUERIES, .handler = h_post},
};

void od_queries_register(odapi_server *srv)
{
    od_api_routes(srv, query_docs, (int)OD_ARRAY_LEN(query_docs));
}
