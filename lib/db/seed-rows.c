/*
 * seed-rows.c - what every part of the demo practice writes with: dates as
 * day numbers, and prepared multi-row INSERTs of the columns the database
 * has (lib/db/catalog.c), committed in chunks.
 */
#include "core/odapi-internal.h"
#include "db/catalog-internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/seed-gen-internal.h"

/* ---- dates --------------------------------------------------------- */

/* days_from_civil, civil_from_days: core/date.c's od_ functions */

/* 0 = Sunday .. 6 = Saturday */
int weekday(long day)
{
    long w = (day + 4) % 7;
    return (int)(w < 0 ? w + 7 : w);
}

int parse_date(const char *s, long *day)
{
    int y, m, d, n = 0, y2, m2, d2;
    if (!s || strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 ||
        n != 10 || y < 1971 || y > 2037 || m < 1 || m > 12 || d < 1 || d > 31)
        return -1;
    *day = days_from_civil(y, (unsigned)m, (unsigned)d);
    civil_from_days(*day, &y2, &m2, &d2);
    return (y2 == y && m2 == m && d2 == d) ? 0 : -1;
}

/* ---- batched inserts --------------------------------------------------------- */

void fail(struct seeder *s, int rc, const char *fmt, ...)
{
    va_list ap;
    if (s->rc)
        return;
    s->rc = rc;
    va_start(ap, fmt);
    vsnprintf(s->err, s->errlen, fmt, ap);
    va_end(ap);
}

int query(struct seeder *s, const char *sql)
{
    if (s->rc)
        return s->rc;
    if (mysql_query(s->m, sql) != 0) {
        fail(s, ODAPI_E_DB, "seeding: %s: %s", sql, mysql_error(s->m));
        return s->rc;
    }
    return 0;
}

long seed_max_key(struct seeder *s, const char *table, const char *col)
{
    char sql[160];
    MYSQL_RES *res;
    MYSQL_ROW row;
    long v = 0;
    if (s->rc)
        return 0;
    /* identifiers from the seed's own code, never from input */
    snprintf(sql, sizeof sql, "SELECT COALESCE(MAX(`%s`), 0) FROM `%s`", col,
             table);
    if (mysql_query(s->m, sql) != 0)
        return 0;
    if ((res = mysql_store_result(s->m))) {
        if ((row = mysql_fetch_row(res)) && row[0])
            v = atol(row[0]);
        mysql_free_result(res);
    }
    return v;
}

void commit_if(struct seeder *s, long threshold)
{
    if (s->pending >= threshold && s->pending > 0) {
        query(s, "COMMIT");
        s->pending = 0;
    }
}

/* Which of cols (a comma list) the table has: keep[] and the kept list. A
 * table the database lacks keeps none (its rows are not written). */
static int ins_columns(struct ins *b)
{
    const char *p = b->cols;
    size_t at = 0;
    int c = 0;
    b->keep = calloc((size_t)b->ncols, 1);
    b->kept = malloc(strlen(b->cols) + 1);
    if (!b->keep || !b->kept)
        return -1;
    while (c < b->ncols) {
        const char *e = strchr(p, ',');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        char name[64];
        snprintf(name, sizeof(name), "%.*s", (int)n, p);
        b->keep[c] = !b->s->cat ||
                     od_catalog_column(b->s->cat, b->table, name) != NULL;
        if (b->keep[c]) {
            at += (size_t)sprintf(b->kept + at, "%s%s", b->nkept ? "," : "",
                                  name);
            b->nkept++;
        }
        c++;
        p = e ? e + 1 : p + n;
    }
    b->kept[at] = '\0';
    return 0;
}

int ins_init(struct ins *b, struct seeder *s, const char *table,
                    const char *cols)
{
    const char *p;
    memset(b, 0, sizeof(*b));
    b->s = s;
    b->table = table;
    b->cols = cols;
    b->ncols = 1;
    for (p = cols; *p; p++)
        b->ncols += *p == ',';
    b->per = 60000 / b->ncols;
    if (b->per > 400)
        b->per = 400;
    b->cells = calloc((size_t)(b->ncols * b->per), sizeof(*b->cells));
    b->binds = calloc((size_t)(b->ncols * b->per), sizeof(*b->binds));
    b->acap = 1 << 16;
    b->arena = malloc(b->acap);
    if (!b->cells || !b->binds || !b->arena || ins_columns(b)) {
        fail(s, ODAPI_E_NOMEM, "seeding: out of memory");
        return -1;
    }
    return 0;
}

static MYSQL_STMT *ins_prepare(struct ins *b, int nrows)
{
    size_t rowlen = (size_t)b->nkept * 2 + 2, cap, len;
    char *sql;
    MYSQL_STMT *st;
    int r, c;
    cap = strlen(b->table) + strlen(b->kept) + 40 + rowlen * (size_t)nrows;
    if (!(sql = malloc(cap))) {
        fail(b->s, ODAPI_E_NOMEM, "seeding: out of memory");
        return NULL;
    }
    len = (size_t)snprintf(sql, cap, "INSERT INTO `%s` (%s) VALUES ", b->table,
                           b->kept);
    for (r = 0; r < nrows; r++) {
        if (r)
            sql[len++] = ',';
        sql[len++] = '(';
        for (c = 0; c < b->nkept; c++) {
            if (c)
                sql[len++] = ',';
            sql[len++] = '?';
        }
        sql[len++] = ')';
    }
    sql[len] = '\0';
    if (!(st = mysql_stmt_init(b->s->m))) {
        free(sql);
        fail(b->s, ODAPI_E_NOMEM, "seeding: out of memory");
        return NULL;
    }
    if (mysql_stmt_prepare(st, sql, (unsigned long)len) != 0) {
        fail(b->s, ODAPI_E_DB, "seeding table %s: %s", b->table,
             mysql_stmt_error(st));
        mysql_stmt_close(st);
        st = NULL;
    }
    free(sql);
    return st;
}

static void ins_flush(struct ins *b)
{
    MYSQL_STMT *st;
    int i, n, k;
    if (b->s->rc || b->nrows == 0)
        return;
    if (b->nkept == 0) { /* a table this database does not have */
        b->nrows = 0;
        b->alen = 0;
        return;
    }
    if (b->nrows == b->per) {
        if (!b->full && !(b->full = ins_prepare(b, b->per)))
            return;
        st = b->full;
    } else if (!(st = ins_prepare(b, b->nrows))) {
        return;
    }
    n = b->nrows * b->ncols;
    for (i = k = 0; i < n; i++) {
        struct cell *c = &b->cells[i];
        MYSQL_BIND *x;
        if (!b->keep[i % b->ncols])
            continue;
        x = &b->binds[k++];
        memset(x, 0, sizeof(*x));
        switch (c->type) {
        case V_INT:
            x->buffer_type = MYSQL_TYPE_LONGLONG;
            x->buffer = &c->i;
            break;
        case V_DBL:
            x->buffer_type = MYSQL_TYPE_DOUBLE;
            x->buffer = &c->d;
            break;
        default:
            x->buffer_type = MYSQL_TYPE_STRING;
            x->buffer = b->arena + c->off;
            x->buffer_length = c->len;
            x->length = &c->len;
        }
    }
    if (mysql_stmt_bind_param(st, b->binds) != 0 ||
        mysql_stmt_execute(st) != 0)
        fail(b->s, ODAPI_E_DB, "seeding table %s: %s", b->table,
             mysql_stmt_error(st));
    if (st != b->full)
        mysql_stmt_close(st);
    b->total += b->nrows;
    b->s->pending += b->nrows;
    b->nrows = 0;
    b->alen = 0;
    commit_if(b->s, 20000);
}

static struct cell *ins_cell(struct ins *b)
{
    if (b->col >= b->ncols) {
        fail(b->s, ODAPI_E_INVALID, "seeding table %s: too many values",
             b->table);
        b->col = 0;
    }
    return &b->cells[b->nrows * b->ncols + b->col++];
}

void vi(struct ins *b, long long v)
{
    struct cell *c = ins_cell(b);
    c->type = V_INT;
    c->i = v;
}

void vd(struct ins *b, double v)
{
    struct cell *c = ins_cell(b);
    c->type = V_DBL;
    c->d = v;
}

void vsn(struct ins *b, const char *s, size_t n)
{
    struct cell *c = ins_cell(b);
    if (b->alen + n + 1 > b->acap) {
        size_t cap = b->acap;
        char *a;
        while (b->alen + n + 1 > cap)
            cap *= 2;
        if (!(a = realloc(b->arena, cap))) {
            fail(b->s, ODAPI_E_NOMEM, "seeding: out of memory");
            c->type = V_INT;
            c->i = 0;
            return;
        }
        b->arena = a;
        b->acap = cap;
    }
    memcpy(b->arena + b->alen, s, n);
    c->type = V_STR;
    c->off = b->alen;
    c->len = (unsigned long)n;
    b->alen += n;
}

void vs(struct ins *b, const char *s)
{
    vsn(b, s ? s : "", s ? strlen(s) : 0);
}

void vf(struct ins *b, const char *fmt, ...)
{
    char buf[512];
    int n;
    va_list ap;
    va_start(ap, fmt);
    n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n < 0)
        n = 0;
    if ((size_t)n >= sizeof(buf))
        n = sizeof(buf) - 1;
    vsn(b, buf, (size_t)n);
}

/* A date column. */
void vdate(struct ins *b, long day)
{
    int y, m, d;
    if (day == NO_DATE) {
        vs(b, "0001-01-01");
        return;
    }
    civil_from_days(day, &y, &m, &d);
    vf(b, "%04d-%02d-%02d", y, m, d);
}

/* A datetime column: day plus minutes since midnight. */
void vdt(struct ins *b, long day, long min)
{
    int y, m, d;
    if (day == NO_DATE) {
        vs(b, "0001-01-01 00:00:00");
        return;
    }
    civil_from_days(day, &y, &m, &d);
    vf(b, "%04d-%02d-%02d %02ld:%02ld:00", y, m, d, min / 60, min % 60);
}

void ins_end(struct ins *b)
{
    if (b->col != b->ncols)
        fail(b->s, ODAPI_E_INVALID, "seeding table %s: %d of %d values",
             b->table, b->col, b->ncols);
    b->col = 0;
    if (++b->nrows == b->per)
        ins_flush(b);
}

void ins_done(struct ins *b)
{
    if (!b->s) /* never initialised, or done already */
        return;
    ins_flush(b);
    if (b->full)
        mysql_stmt_close(b->full);
    free(b->cells);
    free(b->binds);
    free(b->arena);
    free(b->keep);
    free(b->kept);
    free(b->owncols);
    memset(b, 0, sizeof(*b));
}

/* ---- column tables ---------------------------------------------------------- */

int ins_table(struct ins *b, struct seeder *s, const char *table,
              const struct seed_col *cols, size_t n)
{
    size_t i, len = 1;
    char *list;
    for (i = 0; i < n; i++)
        len += strlen(cols[i].name) + 1;
    if (!(list = malloc(len))) {
        fail(s, ODAPI_E_NOMEM, "seeding: out of memory");
        return -1;
    }
    for (i = 0, len = 0; i < n; i++)
        len += (size_t)sprintf(list + len, "%s%s", i ? "," : "", cols[i].name);
    if (ins_init(b, s, table, list)) {
        free(list);
        return -1;
    }
    b->owncols = list;
    return 0;
}

static void ins_val(struct ins *b, const struct seed_val *v)
{
    switch (v->type) {
    case V_INT:
        vi(b, v->i);
        break;
    case V_DBL:
        vd(b, v->d);
        break;
    case SV_DATE:
        vdate(b, (long)v->i);
        break;
    case SV_DT:
        vdt(b, (long)v->i, v->min);
        break;
    default:
        vs(b, v->s);
    }
}

void ins_row(struct ins *b, const struct seed_col *cols, size_t n,
             const struct seed_val *vals)
{
    size_t i;
    for (i = 0; i < n; i++) {
        if (cols[i].v.type != SV_ARG) {
            ins_val(b, &cols[i].v);
        } else if (vals->type == SV_ARG) {
            fail(b->s, ODAPI_E_INVALID, "seeding table %s: no value for %s",
                 b->table, cols[i].name);
            return;
        } else {
            ins_val(b, vals++);
        }
    }
    if (vals->type != SV_ARG)
        fail(b->s, ODAPI_E_INVALID, "seeding table %s: too many values",
             b->table);
    ins_end(b);
}

void seed_one_row(struct seeder *s, const char *table,
                  const struct seed_col *cols, size_t n)
{
    struct ins b;
    static const struct seed_val none = { SV_ARG, 0, 0, NULL, 0 };
    if (ins_table(&b, s, table, cols, n))
        return;
    ins_row(&b, cols, n, &none);
    ins_done(&b);
}
