/* returning.c - a POST's answer from its own INSERT (MariaDB 10.5+).
 *
 * A POST answers with the row as the database stored it (defaults,
 * truncation, NOW()). Reading it back is a round trip of its own; MariaDB
 * 10.5 and later can return it from the INSERT itself
 * (`INSERT ... RETURNING`), computed on the stored row. This file derives,
 * once per view, the RETURNING list that gives the same columns, in the
 * same order and with the same types, as the view's SELECT list:
 *
 *   t.`Col`                 ->  `table`.`Col`
 *   ct.ItemName (LEFT JOIN definition ct ON ct.DefNum = t.CommType)
 *                           ->  (SELECT ct.ItemName FROM definition ct
 *                                WHERE ct.DefNum = `commlog`.CommType LIMIT 1)
 *
 * A LEFT JOIN gives NULL where no row matches, as the scalar subquery
 * does; LIMIT 1 keeps a non-unique join column from failing the INSERT.
 * Anything this cannot rewrite safely leaves the view without RETURNING,
 * and the POST reads its row back as before: other join kinds, a join
 * whose condition names another join, a join on the table written to
 * (MariaDB refuses it as a source of the INSERT), and a select list with a
 * subquery of its own. */
#include "engine/resource-internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_JOINS 16

struct rjoin {
    const char *table, *alias, *cond; /* into the view's joins text */
    size_t table_len, alias_len, cond_len;
};

struct rctx {
    const char *table; /* the table written to */
    struct rjoin j[MAX_JOINS];
    int n;
};

static int ident_char(int c) { return isalnum(c) || c == '_' || c == '$'; }

/* A word or a `quoted` name at s: its length (0: none). */
static size_t name_len(const char *s, const char *end)
{
    size_t n = 0;
    if (s < end && *s == '`') {
        const char *q = memchr(s + 1, '`', (size_t)(end - s - 1));
        return q ? (size_t)(q - s) + 1 : 0;
    }
    while (s + n < end && ident_char((unsigned char)s[n]))
        n++;
    return n;
}

static int word_is(const char *s, size_t n, const char *w)
{
    return strlen(w) == n && strncasecmp(s, w, n) == 0;
}

static const char *skip_spaces(const char *s, const char *end)
{
    while (s < end && *s == ' ')
        s++;
    return s;
}

/* Split " LEFT JOIN tbl a ON cond LEFT JOIN ..." into ctx->j; -1 for any
 * other shape. */
static int parse_joins(struct rctx *x, const char *s)
{
    const char *end = s + strlen(s);
    s = skip_spaces(s, end);
    while (s < end) {
        struct rjoin *j;
        const char *next;
        size_t n;
        if (x->n == MAX_JOINS || end - s < 10 ||
            strncasecmp(s, "LEFT JOIN ", 10) != 0)
            return -1;
        j = &x->j[x->n++];
        s += 10;
        j->table = s;
        if (!(j->table_len = name_len(s, end)))
            return -1;
        s = skip_spaces(s + j->table_len, end);
        j->alias = s;
        if (!(j->alias_len = name_len(s, end)) ||
            word_is(s, j->alias_len, "ON") || word_is(s, j->alias_len, "AS"))
            return -1;
        s = skip_spaces(s + j->alias_len, end);
        if (end - s < 3 || strncasecmp(s, "ON ", 3) != 0)
            return -1;
        j->cond = s + 3;
        /* the condition runs to the next " LEFT JOIN " (or the end) */
        if (!(next = strstr(j->cond, " LEFT JOIN ")))
            next = end;
        j->cond_len = (size_t)(next - j->cond);
        for (n = 0; n < j->cond_len; n++)
            if (strchr("('\"", j->cond[n]) ||
                (n + 4 <= j->cond_len && !strncasecmp(j->cond + n, "JOIN", 4)))
                return -1; /* plain conditions only */
        s = skip_spaces(next, end);
    }
    return 0;
}

static const struct rjoin *find_join(const struct rctx *x, const char *a,
                                     size_t n)
{
    int i;
    for (i = 0; i < x->n; i++)
        if (x->j[i].alias_len == n && strncmp(x->j[i].alias, a, n) == 0)
            return &x->j[i];
    return NULL;
}

static int rewrite(struct od_buf *o, const struct rctx *x, const char *s,
                   size_t len, const struct rjoin *own);

/* alias.col of a join: its scalar subquery. *used: the text consumed. */
static int join_value(struct od_buf *o, const struct rctx *x,
                      const struct rjoin *j, const char *s, const char *end,
                      size_t *used)
{
    const char *col = s + j->alias_len + 1;
    size_t cn = name_len(col, end);
    if (!cn)
        return -1;
    od_buf_printf(o, "(SELECT %.*s.%.*s FROM %.*s %.*s WHERE ",
                  (int)j->alias_len, j->alias, (int)cn, col,
                  (int)j->table_len, j->table, (int)j->alias_len, j->alias);
    if (rewrite(o, x, j->cond, j->cond_len, j))
        return -1;
    od_buf_adds(o, " LIMIT 1)");
    *used = j->alias_len + 1 + cn;
    return 0;
}

/* Copy s with t.X as `table`.X and every join alias's column as its
 * subquery (own: inside that join's condition, where its alias stays).
 * -1 when s names anything else with a qualifier, or has a subquery. */
static int rewrite(struct od_buf *o, const struct rctx *x, const char *s,
                   size_t len, const struct rjoin *own)
{
    const char *end = s + len, *p = s;
    while (p < end) {
        size_t n;
        if (*p == '\'' || *p == '"' || *p == '`') {
            const char *q = memchr(p + 1, *p, (size_t)(end - p - 1));
            if (!q)
                return -1;
            od_buf_add(o, p, (size_t)(q - p) + 1);
            p = q + 1;
            continue;
        }
        if (!ident_char((unsigned char)*p) ||
            (p > s && (ident_char((unsigned char)p[-1]) || p[-1] == '.'))) {
            od_buf_addc(o, *p++);
            continue;
        }
        if (isdigit((unsigned char)*p)) { /* a number, 1.5 included */
            for (n = 0; p + n < end && (ident_char((unsigned char)p[n]) ||
                                        p[n] == '.');
                 n++)
                ;
            od_buf_add(o, p, n);
            p += n;
            continue;
        }
        n = name_len(p, end);
        if (word_is(p, n, "SELECT"))
            return -1;
        if (p + n < end && p[n] == '.') {
            const struct rjoin *j = find_join(x, p, n);
            size_t used;
            if (word_is(p, n, "t")) {
                od_buf_printf(o, "`%s`.", x->table);
                p += n + 1;
                continue;
            }
            if (!j || (own && j != own))
                return -1; /* another table's column */
            if (!own) {
                if (join_value(o, x, j, p, end, &used))
                    return -1;
                p += used;
                continue;
            }
        }
        od_buf_add(o, p, n);
        p += n;
    }
    return 0;
}

/* " RETURNING ..." for the view, or NULL. head: the SELECT list text
 * (after "SELECT "), joins: the view's joins. */
char *od_view_returning(const char *table, const char *head, size_t head_len,
                        const char *joins)
{
    struct rctx x;
    struct od_buf o;
    int i;
    memset(&x, 0, sizeof x);
    x.table = table;
    if (joins && parse_joins(&x, joins))
        return NULL;
    for (i = 0; i < x.n; i++) /* MariaDB: not a source of its own INSERT */
        if (x.j[i].table_len == strlen(table) + (x.j[i].table[0] == '`') * 2 &&
            strncasecmp(x.j[i].table + (x.j[i].table[0] == '`'), table,
                        strlen(table)) == 0)
            return NULL;
    od_buf_init(&o);
    od_buf_adds(&o, " RETURNING ");
    if (rewrite(&o, &x, head, head_len, NULL) || o.oom) {
        od_buf_free(&o);
        return NULL;
    }
    return o.p;
}
