/* sqlneeds.c - which tables and columns a statement of the library names
 * (od_catalog_sql_ok), so that the engine can leave out what this
 * database's Open Dental version lacks before preparing anything.
 *
 * It reads the library's own SQL, not any SQL: tables are declared after
 * FROM, JOIN, UPDATE and INTO (with an optional alias; FROM also takes a
 * comma list, and "(subquery) alias" declares a derived table whose
 * columns are not checked); alias.column names a column of the aliased
 * table; a bare name is a column of one of the statement's tables unless
 * it is a keyword, a function (followed by "("), or a name given with AS.
 * test_schema_views checks it against the database's own verdict (prepare)
 * on the sandbox schema and on Open Dental 24.3's. */
#include "core/odapi-internal.h"
#include "db/catalog-internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum { T_END, T_IDENT, T_QIDENT, T_STR, T_NUM, T_PUNCT };

struct tok {
    int kind;
    const char *p;
    size_t n;
};

struct decl {
    const struct tok *name;   /* how the statement refers to it */
    const struct tok *table;  /* NULL: a derived table */
};

struct ref {
    const struct tok *qual;   /* NULL: a bare name */
    const struct tok *col;
};

#define MAX_DECLS 48
#define MAX_REFS 256
#define MAX_NAMES 48
#define MAX_DEPTH 32

struct scan {
    struct tok *t;
    size_t n;
    struct decl decls[MAX_DECLS];
    int ndecls;
    struct ref refs[MAX_REFS];
    int nrefs;
    const struct tok *names[MAX_NAMES]; /* AS names */
    int nnames;
    int overflow;
};

/* ---- tokens ------------------------------------------------------------- */

static int ident_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '_' || c == '$' ||
           (unsigned char)c >= 0x80;
}

static const char *skip_space(const char *s)
{
    for (;;) {
        while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
            s++;
        if (s[0] == '-' && s[1] == '-') {
            while (*s && *s != '\n')
                s++;
        } else if (s[0] == '#') {
            while (*s && *s != '\n')
                s++;
        } else if (s[0] == '/' && s[1] == '*') {
            const char *e = strstr(s + 2, "*/");
            s = e ? e + 2 : s + strlen(s);
        } else {
            return s;
        }
    }
}

/* One token at s; returns the text after it. */
static const char *lex(const char *s, struct tok *t)
{
    s = skip_space(s);
    t->p = s;
    if (!*s) {
        t->kind = T_END;
        t->n = 0;
        return s;
    }
    if (*s == '\'' || *s == '"' || *s == '`') {
        char q = *s++;
        t->kind = q == '`' ? T_QIDENT : T_STR;
        t->p = s;
        while (*s && !(*s == q && s[1] != q)) {
            if (*s == q || (*s == '\\' && q != '`' && s[1]))
                s++; /* a doubled quote, or an escape */
            s++;
        }
        t->n = (size_t)(s - t->p);
        return *s ? s + 1 : s;
    }
    if (*s >= '0' && *s <= '9') {
        t->kind = T_NUM;
        while (ident_char(*s) || *s == '.')
            s++;
    } else if (ident_char(*s)) {
        t->kind = T_IDENT;
        while (ident_char(*s))
            s++;
    } else {
        t->kind = T_PUNCT;
        s++;
    }
    t->n = (size_t)(s - t->p);
    return s;
}

static int tokenize(const char *sql, struct scan *sc)
{
    size_t cap = 64;
    const char *s = sql;
    sc->t = malloc(cap * sizeof *sc->t);
    sc->n = 0;
    while (sc->t) {
        if (sc->n + 1 >= cap) {
            struct tok *nt = realloc(sc->t, cap * 2 * sizeof *nt);
            if (!nt)
                break;
            sc->t = nt;
            cap *= 2;
        }
        s = lex(s, &sc->t[sc->n]);
        if (sc->t[sc->n++].kind == T_END)
            return 0;
    }
    free(sc->t);
    sc->t = NULL;
    return -1;
}

/* ---- words -------------------------------------------------------------- */

static int is_word(const struct tok *t, const char *w)
{
    return t->kind == T_IDENT && strlen(w) == t->n &&
           strncasecmp(t->p, w, t->n) == 0;
}

static int is_punct(const struct tok *t, char c)
{
    return t->kind == T_PUNCT && t->p[0] == c;
}

/* Words that are never columns in the library's SQL. */
static int is_keyword(const struct tok *t)
{
    static const char *const kw[] = {
        "ALL", "AND", "ANY", "AS", "ASC", "BETWEEN", "BINARY", "BOTH", "BY",
        "CASE", "CHAR", "CHARACTER", "COLLATE", "CROSS", "CURRENT_DATE",
        "CURRENT_TIME", "CURRENT_TIMESTAMP", "DATE", "DATETIME", "DAY",
        "DECIMAL", "DELETE", "DESC", "DISTINCT", "DIV", "DOUBLE", "DUAL",
        "DUPLICATE", "ELSE", "END", "ESCAPE", "EXISTS", "FALSE", "FOR",
        "FROM", "GROUP", "HAVING", "HOUR", "IGNORE", "IN", "INNER", "INSERT",
        "INTEGER", "INTERVAL", "INTO", "IS", "JOIN", "KEY", "LEADING", "LEFT",
        "LIKE", "LIMIT", "LOCALTIME", "LOCALTIMESTAMP", "LOCK", "MICROSECOND",
        "MINUTE", "MOD", "MODE", "MONTH", "NOT", "NULL", "OFFSET", "ON", "OR",
        "ORDER", "OUTER", "OVER", "PARTITION", "QUARTER", "REGEXP", "REPLACE",
        "RIGHT", "RLIKE", "ROWS", "SECOND", "SELECT", "SEPARATOR", "SET",
        "SHARE", "SIGNED", "SOME", "STRAIGHT_JOIN", "THEN", "TIME",
        "TRAILING", "TRUE", "UNION", "UNKNOWN", "UNSIGNED", "UPDATE", "USING",
        "UTC_DATE", "UTC_TIMESTAMP", "VALUE", "VALUES", "WEEK", "WHEN",
        "WHERE", "WITH", "XOR", "YEAR"};
    size_t i;
    if (t->kind != T_IDENT)
        return 0;
    for (i = 0; i < OD_ARRAY_LEN(kw); i++)
        if (is_word(t, kw[i]))
            return 1;
    return 0;
}

static int is_name(const struct tok *t)
{
    return t->kind == T_QIDENT || (t->kind == T_IDENT && !is_keyword(t));
}

static int tok_eq(const struct tok *a, const struct tok *b)
{
    return a->n == b->n && strncasecmp(a->p, b->p, a->n) == 0;
}

/* ---- declarations and references ---------------------------------------- */

static void add_decl(struct scan *sc, const struct tok *name,
                     const struct tok *table)
{
    if (sc->ndecls == MAX_DECLS) {
        sc->overflow = 1;
        return;
    }
    sc->decls[sc->ndecls].name = name;
    sc->decls[sc->ndecls++].table = table;
}

static void add_ref(struct scan *sc, const struct tok *qual,
                    const struct tok *col)
{
    if (sc->nrefs == MAX_REFS) {
        sc->overflow = 1;
        return;
    }
    sc->refs[sc->nrefs].qual = qual;
    sc->refs[sc->nrefs++].col = col;
}

/* A table after FROM/JOIN/UPDATE/INTO at t[i]: "[db.]table [[AS] alias]".
 * Returns the index after it. */
static size_t table_ref(struct scan *sc, size_t i)
{
    const struct tok *table = &sc->t[i];
    if (!is_name(table))
        return i;
    i++;
    if (is_punct(&sc->t[i], '.') && is_name(&sc->t[i + 1])) {
        table = &sc->t[i + 1]; /* db.table: the table */
        i += 2;
    }
    add_decl(sc, table, table);
    if (is_word(&sc->t[i], "AS"))
        i++;
    if (is_name(&sc->t[i])) {
        add_decl(sc, &sc->t[i], table);
        i++;
    }
    return i;
}

/* A token an expression can end with: a name after it is an alias given
 * without AS ("COUNT(*) n", "t.Col x"). */
static int ends_expr(const struct tok *pv)
{
    return pv && (is_punct(pv, ')') || pv->kind == T_NUM ||
                  pv->kind == T_STR || is_name(pv) || is_word(pv, "END"));
}

/* Walk the tokens once: declarations, AS names and references. */
static void walk(struct scan *sc)
{
    unsigned char derived[MAX_DEPTH]; /* per open "(": after FROM/JOIN */
    int depth = 0, in_delete = 0;
    size_t i = 0;

    while (sc->t[i].kind != T_END) {
        const struct tok *t = &sc->t[i], *nx = &sc->t[i + 1];
        const struct tok *pv = i ? &sc->t[i - 1] : NULL;
        if (is_punct(t, '(')) {
            if (depth < MAX_DEPTH)
                derived[depth] = pv && (is_word(pv, "FROM") ||
                                        is_word(pv, "JOIN"));
            depth++;
            i++;
        } else if (is_punct(t, ')')) {
            i++;
            if (depth > 0 && --depth < MAX_DEPTH && derived[depth]) {
                if (is_word(&sc->t[i], "AS"))
                    i++;
                if (is_name(&sc->t[i]))
                    add_decl(sc, &sc->t[i++], NULL);
            }
        } else if (is_word(t, "DELETE")) {
            in_delete = 1; /* "DELETE a, b FROM": a, b are aliases */
            i++;
        } else if (is_word(t, "FROM")) {
            in_delete = 0;
            i = table_ref(sc, i + 1);
            /* "FROM a x, b y"; "FROM (" is a derived table, named at
             * its ")" */
            while (is_punct(&sc->t[i], ',') && is_name(&sc->t[i + 1]))
                i = table_ref(sc, i + 1);
        } else if (is_word(t, "JOIN") || is_word(t, "INTO") ||
                   (is_word(t, "UPDATE") && !(pv && (is_word(pv, "FOR") ||
                                                     is_word(pv, "KEY"))))) {
            i = table_ref(sc, i + 1);
        } else if ((is_word(t, "AS") || is_word(t, "COLLATE")) &&
                   (nx->kind == T_IDENT || nx->kind == T_QIDENT)) {
            if (sc->nnames < MAX_NAMES)
                sc->names[sc->nnames++] = nx;
            i += 2;
        } else if (is_name(t) && is_punct(nx, '.') &&
                   is_name(&sc->t[i + 2])) {
            add_ref(sc, t, &sc->t[i + 2]);
            i += 3;
        } else if (is_name(t) && !is_punct(nx, '(') && !in_delete) {
            if (ends_expr(pv)) { /* "MAX(x) + 1 n": a name without AS */
                if (sc->nnames < MAX_NAMES)
                    sc->names[sc->nnames++] = t;
            } else {
                add_ref(sc, NULL, t);
            }
            i++;
        } else {
            i++;
        }
    }
}

/* ---- the verdict -------------------------------------------------------- */

static void tok_str(const struct tok *t, char *out, size_t outlen)
{
    snprintf(out, outlen, "%.*s", (int)t->n, t->p);
}

static const struct od_column *column_of(const struct od_catalog *cat,
                                         const struct tok *table,
                                         const struct tok *col)
{
    char tb[128], cn[128];
    tok_str(table, tb, sizeof tb);
    tok_str(col, cn, sizeof cn);
    return od_catalog_column(cat, tb, cn);
}

static void say_missing(char *missing, size_t mlen, const struct tok *table,
                        const struct tok *col)
{
    if (!mlen)
        return;
    if (table && col)
        snprintf(missing, mlen, "%.*s.%.*s", (int)table->n, table->p,
                 (int)col->n, col->p);
    else
        snprintf(missing, mlen, "%.*s", (int)(table ? table : col)->n,
                 (table ? table : col)->p);
}

static int bare_ok(const struct scan *sc, const struct od_catalog *cat,
                   const struct tok *col)
{
    int k;
    for (k = 0; k < sc->nnames; k++)
        if (tok_eq(sc->names[k], col))
            return 1;
    for (k = 0; k < sc->ndecls; k++) {
        if (tok_eq(sc->decls[k].name, col))
            return 1;
        if (sc->decls[k].table && column_of(cat, sc->decls[k].table, col))
            return 1;
    }
    return 0;
}

static int verdict(const struct scan *sc, const struct od_catalog *cat,
                   char *missing, size_t mlen)
{
    const struct tok *first = NULL;
    char tb[128];
    int k, d;
    for (k = 0; k < sc->ndecls; k++) {
        const struct tok *t = sc->decls[k].table;
        if (!t)
            continue;
        tok_str(t, tb, sizeof tb);
        if (!od_catalog_has_table(cat, tb)) {
            say_missing(missing, mlen, t, NULL);
            return 0;
        }
        if (!first)
            first = t;
    }
    for (k = 0; k < sc->nrefs; k++) {
        const struct ref *r = &sc->refs[k];
        if (!r->qual) {
            if (!bare_ok(sc, cat, r->col)) {
                say_missing(missing, mlen, first, r->col);
                return 0;
            }
            continue;
        }
        for (d = 0; d < sc->ndecls; d++)
            if (tok_eq(sc->decls[d].name, r->qual))
                break;
        if (d == sc->ndecls) { /* an alias nothing declares */
            say_missing(missing, mlen, r->qual, r->col);
            return 0;
        }
        if (sc->decls[d].table &&
            !column_of(cat, sc->decls[d].table, r->col)) {
            say_missing(missing, mlen, sc->decls[d].table, r->col);
            return 0;
        }
    }
    return 1;
}

int od_catalog_sql_ok(const struct od_catalog *cat, const char *sql,
                      char *missing, size_t mlen)
{
    struct scan sc;
    int ok;
    if (mlen)
        missing[0] = '\0';
    if (!cat || !sql)
        return 1; /* nothing known: assume it runs */
    memset(&sc, 0, sizeof sc);
    if (tokenize(sql, &sc) != 0)
        return 1;
    walk(&sc);
    /* Too long to judge: let the database decide. */
    ok = sc.overflow ? 1 : verdict(&sc, cat, missing, mlen);
    free(sc.t);
    return ok;
}
