/* view.c - a resource as the attached database can serve it.
 *
 * The descriptions follow the newest Open Dental API; an office runs
 * whatever version it runs. For each (database, resource) the engine works
 * out once, from the catalog and without a round trip, which fields,
 * joins, filters, lookups, checks and defaults this database can run, and
 * builds its statements from those only. The view is kept in the catalog's
 * memo: two servers of one process attached to different databases each
 * get their own. */
#include "engine/resource-internal.h"
#include "db/catalog-internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define WHY 96

struct dropped_join {
    char alias[64];
    char why[WHY];
};

struct vbuild {
    const struct od_catalog *cat;
    const struct od_resource *r;
    struct od_rview *v;
    struct od_buf joins;
    struct dropped_join dropped[16];
    int ndropped;
};

/* ---- absences ----------------------------------------------------------- */

static void absent(struct vbuild *b, int kind, int idx, const char *what,
                   const char *why)
{
    struct od_rview *v = b->v;
    struct od_absence *a;
    if (v->nabsent == v->capabsent) {
        int cap = v->capabsent ? v->capabsent * 2 : 8;
        struct od_absence *n = realloc(v->absent_list, (size_t)cap * sizeof *n);
        if (!n)
            return;
        v->absent_list = n;
        v->capabsent = cap;
    }
    a = &v->absent_list[v->nabsent++];
    a->kind = kind;
    a->idx = idx;
    snprintf(a->what, sizeof a->what, "%s", what ? what : "");
    snprintf(a->why, sizeof a->why, "%s", why ? why : "");
}

/* "p1.Abbr" whose alias is a dropped join: the join's own reason. */
static void explain(struct vbuild *b, char *why, size_t len)
{
    int i;
    for (i = 0; i < b->ndropped; i++) {
        size_t n = strlen(b->dropped[i].alias);
        if (strncasecmp(why, b->dropped[i].alias, n) == 0 && why[n] == '.') {
            snprintf(why, len, "%s", b->dropped[i].why);
            return;
        }
    }
}

/* Whether sql (run in the resource's FROM and kept joins) can run here:
 * 1, or 0 with the missing table or column in why. */
static int runs(struct vbuild *b, const char *head, const char *tail,
                char *why, size_t len)
{
    struct od_buf q;
    int ok;
    od_buf_init(&q);
    od_buf_printf(&q, "%s FROM `%s` t %s%s", head, b->r->table,
                  b->joins.p ? b->joins.p : "", tail ? tail : "");
    ok = q.oom ? 1 : od_catalog_sql_ok(b->cat, q.p, why, len);
    od_buf_free(&q);
    if (!ok)
        explain(b, why, len);
    return ok;
}

/* ---- joins -------------------------------------------------------------- */

static int word_at(const char *s, size_t i, const char *w)
{
    size_t n = strlen(w);
    return strncasecmp(s + i, w, n) == 0 &&
           (i == 0 || s[i - 1] == ' ' || s[i - 1] == ')') &&
           (s[i + n] == ' ' || s[i + n] == '\0');
}

/* Where the next top-level "LEFT JOIN"/"INNER JOIN"/"JOIN" clause after
 * the one starting at from begins (strlen at the end). */
static size_t next_clause(const char *s, size_t from)
{
    size_t i = from;
    int depth = 0;
    char q = 0;
    /* skip this clause's own keywords */
    while (s[i] && s[i] != ' ')
        i++;
    for (; s[i]; i++) {
        char c = s[i];
        if (q) {
            if (c == q)
                q = 0;
        } else if (c == '\'' || c == '"' || c == '`') {
            q = c;
        } else if (c == '(') {
            depth++;
        } else if (c == ')') {
            depth--;
        } else if (depth == 0 && (word_at(s, i, "LEFT") ||
                                  word_at(s, i, "INNER") ||
                                  (word_at(s, i, "JOIN") &&
                                   !word_at(s, i >= 5 ? i - 5 : 0, "LEFT") &&
                                   !word_at(s, i >= 6 ? i - 6 : 0, "INNER")))) {
            return i;
        }
    }
    return i;
}

/* The alias a join clause declares ("LEFT JOIN provider p1 ON ..."). */
static void clause_alias(const char *c, size_t n, char *out, size_t outlen)
{
    char buf[256];
    char w[3][64];
    int k;
    snprintf(buf, sizeof buf, "%.*s", (int)n, c);
    k = sscanf(buf, "%*s %63s %63s %63s", w[0], w[1], w[2]);
    out[0] = '\0';
    if (k >= 2 && !strcasecmp(w[0], "JOIN")) /* "LEFT JOIN t a" */
        snprintf(out, outlen, "%s", strcasecmp(w[2], "AS") ? w[2] : "");
    else if (k >= 2)                          /* "JOIN t a" */
        snprintf(out, outlen, "%s", w[1]);
}

static void build_joins(struct vbuild *b)
{
    const char *s = b->r->joins;
    size_t at = 0, end;
    char why[WHY];
    if (!s)
        return;
    while (s[at] == ' ')
        at++;
    while (s[at]) {
        struct od_buf one;
        end = next_clause(s, at);
        od_buf_init(&one);
        od_buf_printf(&one, " %.*s", (int)(end - at), s + at);
        if (runs(b, "SELECT 1", one.p, why, sizeof why)) {
            od_buf_add(&b->joins, one.p, one.len);
        } else if (b->ndropped < (int)OD_ARRAY_LEN(b->dropped)) {
            struct dropped_join *d = &b->dropped[b->ndropped++];
            clause_alias(s + at, end - at, d->alias, sizeof d->alias);
            snprintf(d->why, sizeof d->why, "%s", why);
        }
        od_buf_free(&one);
        at = end;
        while (s[at] == ' ')
            at++;
    }
}

/* ---- fields and the rest ------------------------------------------------ */

static int field_ok(struct vbuild *b, const struct od_field *f, char *why,
                    size_t len)
{
    const struct od_resource *r = b->r;
    char head[1024];
    if (f->wire == OD_W_SERVERTIME)
        return 1;
    if (!(f->flags & OD_F_RO) || !f->expr) {
        /* read from, or written to, its own column */
        if (!od_catalog_column(b->cat, r->table, OD_COL(f))) {
            snprintf(why, len, "%s.%s", r->table, OD_COL(f));
            return 0;
        }
    }
    if (!f->expr)
        return 1;
    snprintf(head, sizeof head, "SELECT %s", f->expr);
    return runs(b, head, NULL, why, len);
}

static int sql_ok(struct vbuild *b, const char *sql, char *why, size_t len)
{
    return od_catalog_sql_ok(b->cat, sql, why, len);
}

static void build_fields(struct vbuild *b)
{
    const struct od_resource *r = b->r;
    struct od_rview *v = b->v;
    char why[WHY];
    int i;
    for (i = 0; i < r->nfields; i++) {
        const struct od_field *f = &r->fields[i];
        v->field[i] = (unsigned char)field_ok(b, f, why, sizeof why);
        if (!v->field[i]) {
            absent(b, OD_ABS_FIELD, i, f->name, why);
            continue;
        }
        if (!f->expr || !(f->flags & OD_F_RO))
            v->col[i] = od_catalog_column(b->cat, r->table, OD_COL(f));
        v->fk[i] = 1;
        if (f->fk && !sql_ok(b, f->fk, why, sizeof why)) {
            v->fk[i] = 0;
            absent(b, OD_ABS_FK, i, f->name, why);
        }
    }
}

static int field_index(const struct od_resource *r, const char *name)
{
    int i;
    for (i = 0; i < r->nfields; i++)
        if (strcmp(r->fields[i].name, name) == 0)
            return i;
    return -1;
}

/* Every field of a comma list present. "@key" is the key; "?Name" binds
 * NULL when the body lacks it, as it always will when this database
 * lacks the field, so neither needs a column. */
static int fields_ok(struct vbuild *b, const char *list, char *why,
                     size_t len)
{
    char name[64];
    while (list && *list) {
        const char *e = strchr(list, ',');
        size_t n = e ? (size_t)(e - list) : strlen(list);
        int k;
        snprintf(name, sizeof name, "%.*s", (int)n, list);
        list = e ? e + 1 : list + n;
        if (name[0] == '@' || name[0] == '?')
            continue;
        k = field_index(b->r, name);
        if (k >= 0 && !b->v->field[k]) {
            snprintf(why, len, "%s.%s", b->r->table,
                     OD_COL(&b->r->fields[k]));
            return 0;
        }
    }
    return 1;
}

static void build_rules(struct vbuild *b)
{
    const struct od_resource *r = b->r;
    struct od_rview *v = b->v;
    char why[WHY], tail[1024];
    int i, k;
    for (i = 0; i < r->nfilters; i++) {
        const struct od_filter *f = &r->filters[i];
        snprintf(tail, sizeof tail, " WHERE (%s)", f->cond);
        v->filter[i] = (unsigned char)runs(b, "SELECT 1", tail, why,
                                           sizeof why);
        if (!v->filter[i])
            absent(b, OD_ABS_FILTER, i, f->param, why);
    }
    for (i = 0; i < r->nlookups; i++) {
        const struct od_lookup *lk = &r->lookups[i];
        k = field_index(r, lk->target);
        if (k >= 0 && !v->field[k]) {
            snprintf(why, sizeof why, "%s.%s", r->table,
                     OD_COL(&r->fields[k]));
            v->lookup[i] = 0;
        } else {
            v->lookup[i] = (unsigned char)(sql_ok(b, lk->sql, why,
                                                  sizeof why) &&
                                           (!lk->create ||
                                            sql_ok(b, lk->create, why,
                                                   sizeof why)));
        }
        if (!v->lookup[i])
            absent(b, OD_ABS_LOOKUP, i, lk->input, why);
    }
    for (i = 0; i < r->nchecks; i++) {
        v->check[i] = (unsigned char)(fields_ok(b, r->checks[i].params, why,
                                                sizeof why) &&
                                      sql_ok(b, r->checks[i].sql, why,
                                             sizeof why));
        if (!v->check[i])
            absent(b, OD_ABS_CHECK, i, r->checks[i].msg, why);
    }
    for (i = 0; i < r->nsqldefaults; i++) {
        const struct od_sqldefault *d = &r->sqldefaults[i];
        k = field_index(r, d->field);
        v->sqldefault[i] = (unsigned char)((k < 0 || v->field[k]) &&
                                           fields_ok(b, d->param, why,
                                                     sizeof why) &&
                                           sql_ok(b, d->sql, why, sizeof why));
        if (!v->sqldefault[i] && k >= 0 && v->field[k])
            absent(b, OD_ABS_DEFAULT, i, d->field, why);
    }
}

/* Whether an optional statement runs on this database (none: yes); one
 * that does not is noted as absent (kind, what). */
static int stmt_ok(struct vbuild *b, const char *sql, int kind,
                   const char *what)
{
    char why[WHY];
    if (!sql || sql_ok(b, sql, why, sizeof why))
        return 1;
    absent(b, kind, 0, what, why);
    return 0;
}

/* The statement-level pieces: a missing one makes the operations that
 * need it unavailable (delete_sql, upsert, a developer filter) or is
 * skipped (after_insert, before_put: bookkeeping of later versions). */
static void build_statements(struct vbuild *b)
{
    const struct od_resource *r = b->r;
    struct od_rview *v = b->v;
    char why[WHY];
    int i;
    v->after_insert = stmt_ok(b, r->after_insert, OD_ABS_STMT, "after insert");
    v->before_put = stmt_ok(b, r->before_put, OD_ABS_STMT, "before update");
    v->delete_ok = stmt_ok(b, r->delete_sql, OD_ABS_DELETE, "DELETE");
    v->upsert_ok = !r->upsert_keys || fields_ok(b, r->upsert_keys, why,
                                                sizeof why);
    if (!v->upsert_ok)
        absent(b, OD_ABS_UPSERT, 0, r->upsert_keys, why);
    v->patnum_col = r->patnum_col &&
                    od_catalog_column(b->cat, r->table, r->patnum_col)
                        ? r->patnum_col : NULL;
    v->order = r->order;
    if (r->order) {
        char tail[512];
        snprintf(tail, sizeof tail, " ORDER BY %s", r->order);
        if (!runs(b, "SELECT 1", tail, why, sizeof why))
            v->order = NULL; /* by the key instead */
    }
    for (i = 0; i < r->nfilters; i++)
        if ((r->filters[i].flags & OD_Q_DEVELOPER) && !v->filter[i])
            v->list_ok = 0; /* a filter that must always apply */
}

static void build_sql(struct vbuild *b)
{
    const struct od_resource *r = b->r;
    struct od_rview *v = b->v;
    struct od_buf s;
    int i, first = 1;
    od_buf_init(&s);
    od_buf_adds(&s, "SELECT ");
    for (i = 0; i < r->nfields; i++) {
        const struct od_field *f = &r->fields[i];
        if (f->wire == OD_W_SERVERTIME || !v->field[i])
            continue;
        if (!first)
            od_buf_adds(&s, ", ");
        first = 0;
        if (f->expr)
            od_buf_adds(&s, f->expr);
        else
            od_buf_printf(&s, "t.`%s`", OD_COL(f));
        v->ncols++;
    }
    if (r->server_time)
        od_buf_adds(&s, ", DATE_FORMAT(NOW(), '%Y-%m-%d %H:%i:%s')");
    v->head_len = s.len;
    od_buf_printf(&s, " FROM `%s` t", r->table);
    if (b->joins.len)
        od_buf_add(&s, b->joins.p, b->joins.len);
    v->select_len = s.len;
    od_buf_printf(&s, " WHERE t.`%s` = ?", r->pk);
    if (r->base_where)
        od_buf_printf(&s, " AND %s", r->base_where);
    if (!s.oom) {
        v->sql = s.p; /* head | FROM ... joins | WHERE key (one_sql) */
        v->joins = b->joins.oom ? NULL : b->joins.p;
        if (!b->joins.oom && od_catalog_returning(b->cat))
            /* the POST's answer from its INSERT */
            v->returning = od_view_returning(r->table, v->sql + 7,
                                             v->head_len - 7, v->joins);
        od_buf_init(&b->joins);
    } else {
        od_buf_free(&s);
    }
}

/* ---- the view ----------------------------------------------------------- */

static void view_free(void *p)
{
    struct od_rview *v = p;
    if (!v)
        return;
    free(v->field);
    free(v->col);
    free(v->fk);
    free(v->filter);
    free(v->lookup);
    free(v->check);
    free(v->sqldefault);
    free(v->absent_list);
    free(v->sql);
    free(v->joins);
    free(v->returning);
    free(v);
}

static struct od_rview *view_alloc(const struct od_resource *r)
{
    struct od_rview *v = calloc(1, sizeof *v);
    size_t nf = (size_t)r->nfields + 1;
    if (!v)
        return NULL;
    v->r = r;
    v->field = calloc(nf, 1);
    v->col = calloc(nf, sizeof *v->col);
    v->fk = calloc(nf, 1);
    v->filter = calloc((size_t)r->nfilters + 1, 1);
    v->lookup = calloc((size_t)r->nlookups + 1, 1);
    v->check = calloc((size_t)r->nchecks + 1, 1);
    v->sqldefault = calloc((size_t)r->nsqldefaults + 1, 1);
    if (!v->field || !v->col || !v->fk || !v->filter || !v->lookup ||
        !v->check || !v->sqldefault) {
        view_free(v);
        return NULL;
    }
    v->list_ok = 1;
    return v;
}

/* The whole resource is missing: its table, key or always-on condition. */
static int resource_ok(struct vbuild *b)
{
    const struct od_resource *r = b->r;
    char why[WHY], tail[512];
    if (!od_catalog_has_table(b->cat, r->table)) {
        snprintf(why, sizeof why, "%s", r->table);
    } else if (!od_catalog_column(b->cat, r->table, r->pk)) {
        snprintf(why, sizeof why, "%s.%s", r->table, r->pk);
    } else {
        snprintf(tail, sizeof tail, " WHERE %s",
                 r->base_where ? r->base_where : "1=1");
        if (runs(b, "SELECT 1", tail, why, sizeof why))
            return 1;
    }
    absent(b, OD_ABS_RESOURCE, 0, r->name, why);
    b->v->unavailable = 1;
    return 0;
}

static struct od_rview *view_build(const struct od_catalog *cat,
                                   const struct od_resource *r)
{
    struct vbuild b;
    memset(&b, 0, sizeof b);
    b.cat = cat;
    b.r = r;
    if (!(b.v = view_alloc(r)))
        return NULL;
    od_buf_init(&b.joins);
    build_joins(&b);
    if (resource_ok(&b)) {
        build_fields(&b);
        build_rules(&b);
        build_statements(&b);
    }
    build_sql(&b);
    od_buf_free(&b.joins);
    if (!b.v->sql) {
        view_free(b.v);
        return NULL;
    }
    return b.v;
}

const struct od_rview *od_view(struct od_catalog *cat,
                               const struct od_resource *r)
{
    struct od_rview *v = od_catalog_memo(cat, r), *kept;
    if (v)
        return v;
    if (!(v = view_build(cat, r)))
        return NULL;
    kept = od_catalog_memo_put(cat, r, v, view_free);
    if (!kept)
        view_free(v); /* the memo is full: refuse rather than leak */
    return kept;
}
