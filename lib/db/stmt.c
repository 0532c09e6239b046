/*
 * stmt.c - one prepared statement, for hand-written database work (the
 * actions and views that are not resource descriptions): bind the
 * parameters, execute, and either count what changed or read the first
 * row as text. Statements come from the connection's cache
 * (od_conn_stmt); errors are noted on the connection (so a lost one is
 * reconnected) and logged.
 */
#include "db/db-internal.h"
#include "db/mysql-api-internal.h"

#include <stdlib.h>
#include <string.h>

static int bind_prms(MYSQL_STMT *st, struct od_prm *p, int n, MYSQL_BIND *b,
                     unsigned long *len)
{
    int i;
    memset(b, 0, sizeof(MYSQL_BIND) * (size_t)n);
    for (i = 0; i < n; i++) {
        switch (p[i].k) {
        case OD_P_INT:
            b[i].buffer_type = MYSQL_TYPE_LONGLONG;
            b[i].buffer = &p[i].i;
            break;
        case OD_P_DBL:
            b[i].buffer_type = MYSQL_TYPE_DOUBLE;
            b[i].buffer = &p[i].d;
            break;
        case OD_P_STR:
            len[i] = (unsigned long)strlen(p[i].s);
            b[i].buffer_type = MYSQL_TYPE_STRING;
            b[i].buffer = (void *)p[i].s;
            b[i].buffer_length = len[i];
            b[i].length = &len[i];
            break;
        default:
            b[i].buffer_type = MYSQL_TYPE_NULL;
        }
    }
    return n ? (mysql_stmt_bind_param(st, b) ? -1 : 0) : 0;
}

int od_conn_commit(struct od_conn *c)
{
    if (mysql_query(c->m, "COMMIT") == 0)
        return 0;
    /* Lost before the answer: the server may have committed or not. A
     * refusal that came back (say a deadlock) means it did not. */
    if (od_conn_note_error(c, mysql_errno(c->m))) {
        c->commit_unknown = 1;
        od_conn_log(c, ODAPI_LOG_ERROR, "the connection was lost during "
                    "COMMIT: the change may or may not have been saved");
    }
    return -1;
}

int od_stmt_failed(struct od_conn *c, MYSQL_STMT *st)
{
    od_conn_note_error(c, mysql_stmt_errno(st));
    if (!c->lost)
        od_conn_log(c, ODAPI_LOG_ERROR, "statement failed: %s",
                    mysql_stmt_error(st));
    return -1;
}

int od_exec(struct od_conn *c, const char *sql, struct od_prm *p, int n,
            long long *affected, long long *id)
{
    MYSQL_STMT *st = od_conn_stmt(c, sql);
    MYSQL_BIND b[OD_MAXPRM];
    unsigned long len[OD_MAXPRM];
    if (!st || n > OD_MAXPRM)
        return -1;
    if (bind_prms(st, p, n, b, len) || mysql_stmt_execute(st))
        return od_stmt_failed(c, st);
    if (affected)
        *affected = (long long)mysql_stmt_affected_rows(st);
    if (id)
        *id = (long long)mysql_stmt_insert_id(st);
    mysql_stmt_free_result(st);
    return 0;
}

/* Execute st with p and bind its first ncols columns as text into buf,
 * rlen and nul (rb has nrb entries, the rest zeroed). 0, or -1 noted on c. */
static int run_text(struct od_conn *c, MYSQL_STMT *st, struct od_prm *p,
                    int n, MYSQL_BIND *rb, int nrb, int ncols,
                    char (*buf)[OD_COLSZ], unsigned long *rlen, my_bool *nul)
{
    MYSQL_BIND b[OD_MAXPRM];
    unsigned long len[OD_MAXPRM];
    int i;

    memset(rb, 0, (size_t)nrb * sizeof *rb);
    for (i = 0; i < ncols; i++) {
        rb[i].buffer_type = MYSQL_TYPE_STRING;
        rb[i].buffer = buf[i];
        rb[i].buffer_length = OD_COLSZ - 1;
        rb[i].length = &rlen[i];
        rb[i].is_null = &nul[i];
    }
    if (bind_prms(st, p, n, b, len) || mysql_stmt_execute(st) ||
        mysql_stmt_bind_result(st, rb))
        return od_stmt_failed(c, st);
    return 0;
}

int od_query_row(struct od_conn *c, const char *sql, struct od_prm *p, int n,
                 int ncols, char out[][OD_COLSZ])
{
    MYSQL_STMT *st = od_conn_stmt(c, sql);
    MYSQL_BIND rb[OD_MAXCOL];
    unsigned long rlen[OD_MAXCOL];
    my_bool nul[OD_MAXCOL];
    char buf[OD_MAXCOL][OD_COLSZ];
    int i, rc, found = 0;
    if (!st || n > OD_MAXPRM || ncols > OD_MAXCOL)
        return -1;
    for (i = 0; i < ncols; i++)
        out[i][0] = '\0';
    if (run_text(c, st, p, n, rb, (int)OD_ARRAY_LEN(rb), ncols, buf, rlen,
                 nul))
        return -1;
    while ((rc = mysql_stmt_fetch(st)) == 0 || rc == MYSQL_DATA_TRUNCATED) {
        if (found)
            continue;
        found = 1;
        for (i = 0; i < ncols; i++) {
            size_t l = nul[i]                  ? 0
                       : rlen[i] < OD_COLSZ - 1 ? rlen[i]
                                                : OD_COLSZ - 1;
            memcpy(out[i], buf[i], l);
            out[i][l] = '\0';
        }
    }
    if (rc != MYSQL_NO_DATA) {
        od_stmt_failed(c, st);
        found = -1;
    }
    mysql_stmt_free_result(st);
    return found;
}

long od_query_each_ll(struct od_conn *c, const char *sql, struct od_prm *p,
                      int n, int ncols,
                      int (*fn)(void *ctx, const long long *v), void *ctx)
{
    MYSQL_STMT *st = od_conn_stmt(c, sql);
    MYSQL_BIND b[OD_MAXPRM], rb[OD_MAXCOL];
    unsigned long len[OD_MAXPRM];
    my_bool nul[OD_MAXCOL];
    long long v[OD_MAXCOL];
    long rows = 0;
    int i, rc, stop = 0;
    if (!st || n > OD_MAXPRM || ncols > OD_MAXCOL)
        return -1;
    memset(rb, 0, sizeof rb);
    for (i = 0; i < ncols; i++) {
        rb[i].buffer_type = MYSQL_TYPE_LONGLONG;
        rb[i].buffer = &v[i];
        rb[i].is_null = &nul[i];
    }
    if (bind_prms(st, p, n, b, len) || mysql_stmt_execute(st) ||
        mysql_stmt_bind_result(st, rb))
        return od_stmt_failed(c, st);
    while ((rc = mysql_stmt_fetch(st)) == 0 || rc == MYSQL_DATA_TRUNCATED) {
        for (i = 0; i < ncols; i++)
            if (nul[i])
                v[i] = 0;
        rows++;
        if (!stop && fn && fn(ctx, v))
            stop = 1;
    }
    if (rc != MYSQL_NO_DATA) {
        od_stmt_failed(c, st);
        rows = -1;
    }
    mysql_stmt_free_result(st);
    return rows;
}

/* Column i of the current row as a NUL-terminated string in cols[i]: the
 * bound buffer when it held the whole value, else the value fetched again
 * into big[i] (grown as needed). 0, or -1 out of memory / error. */
static int whole_column(MYSQL_STMT *st, int i, char *buf, unsigned long len,
                        my_bool nul, char **big, size_t *bigcap, char **col)
{
    MYSQL_BIND fb;
    unsigned long got = 0;
    if (nul) {
        buf[0] = '\0';
        *col = buf;
        return 0;
    }
    if (len < OD_COLSZ) {
        buf[len] = '\0';
        *col = buf;
        return 0;
    }
    if (*bigcap < (size_t)len + 1) {
        char *p = realloc(*big, (size_t)len + 1);
        if (!p)
            return -1;
        *big = p;
        *bigcap = (size_t)len + 1;
    }
    memset(&fb, 0, sizeof fb);
    fb.buffer_type = MYSQL_TYPE_STRING;
    fb.buffer = *big;
    fb.buffer_length = len + 1;
    fb.length = &got;
    if (mysql_stmt_fetch_column(st, &fb, (unsigned)i, 0))
        return -1;
    (*big)[got < len ? got : len] = '\0';
    *col = *big;
    return 0;
}

long od_query_each(struct od_conn *c, const char *sql, struct od_prm *p,
                   int n, int ncols, int (*fn)(void *ctx, char **cols),
                   void *ctx)
{
    MYSQL_STMT *st = od_conn_stmt(c, sql);
    MYSQL_BIND rb[OD_MAXEACH];
    unsigned long rlen[OD_MAXEACH];
    my_bool nul[OD_MAXEACH];
    char buf[OD_MAXEACH][OD_COLSZ], *cols[OD_MAXEACH], *big[OD_MAXEACH];
    size_t bigcap[OD_MAXEACH];
    long rows = 0;
    int i, rc, stop = 0, bad = 0;
    if (!st || n > OD_MAXPRM || ncols > OD_MAXEACH)
        return -1;
    for (i = 0; i < ncols; i++) {
        big[i] = NULL;
        bigcap[i] = 0;
    }
    if (run_text(c, st, p, n, rb, (int)OD_ARRAY_LEN(rb), ncols, buf, rlen,
                 nul))
        return -1;
    while ((rc = mysql_stmt_fetch(st)) == 0 || rc == MYSQL_DATA_TRUNCATED) {
        for (i = 0; i < ncols && !bad; i++)
            bad = whole_column(st, i, buf[i], rlen[i], nul[i], &big[i],
                               &bigcap[i], &cols[i]);
        if (bad)
            break;
        rows++;
        if (!stop && fn && fn(ctx, cols))
            stop = 1;
    }
    if (bad || rc != MYSQL_NO_DATA) {
        if (!bad)
            od_stmt_failed(c, st);
        rows = -1;
    }
    mysql_stmt_free_result(st);
    for (i = 0; i < ncols; i++)
        free(big[i]);
    return rows;
}

struct first_ll {
    long long *out;
    int ncols;
};

static int take_first(void *ctx, const long long *v)
{
    struct first_ll *f = ctx;
    memcpy(f->out, v, (size_t)f->ncols * sizeof *v);
    return 1; /* the first row is enough */
}

int od_query_ll(struct od_conn *c, const char *sql, struct od_prm *p, int n,
                int ncols, long long *out)
{
    struct first_ll f = {out, ncols};
    long rows;
    if (ncols > OD_MAXCOL)
        return -1;
    memset(out, 0, (size_t)ncols * sizeof *out);
    rows = od_query_each_ll(c, sql, p, n, ncols, take_first, &f);
    return rows < 0 ? -1 : rows > 0;
}
