/* schema.c - create and check the Open Dental schema. */
#include "core/odapi-internal.h"
#include "db/db-internal.h"
#include "db/schema-internal.h"

#include <stdio.h>
#include <string.h>

const char *const od_schema_core_tables[] = {
    "patient",    "appointment", "provider",     "operatory",
    "definition", "preference",  "procedurelog", "procedurecode",
};
const size_t od_schema_ncore_tables = OD_ARRAY_LEN(od_schema_core_tables);

/* ---- statement splitting ------------------------------------------------ */

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
           c == '\v';
}

int od_sql_split(const char *sql, size_t len,
                 int (*fn)(const char *stmt, size_t len, void *arg),
                 void *arg)
{
    size_t i = 0, start = 0;
    int has_code = 0, rc;

    while (i < len) {
        char c = sql[i];
        if (c == '-' && i + 1 < len && sql[i + 1] == '-' &&
            (i + 2 >= len || is_space(sql[i + 2]))) {
            while (i < len && sql[i] != '\n') /* -- comment to end of line */
                i++;
        } else if (c == '#') {
            while (i < len && sql[i] != '\n')
                i++;
        } else if (c == '/' && i + 1 < len && sql[i + 1] == '*') {
            i += 2;
            while (i + 1 < len && !(sql[i] == '*' && sql[i + 1] == '/'))
                i++;
            i = i + 2 <= len ? i + 2 : len;
        } else if (c == '\'' || c == '"' || c == '`') {
            /* Quoted: a doubled quote stays inside; backslash escapes in
             * strings (not in identifiers). */
            has_code = 1;
            i++;
            while (i < len) {
                if (sql[i] == '\\' && c != '`' && i + 1 < len) {
                    i += 2;
                } else if (sql[i] == c) {
                    if (i + 1 < len && sql[i + 1] == c) {
                        i += 2;
                    } else {
                        i++;
                        break;
                    }
                } else {
                    i++;
                }
            }
        } else if (c == ';') {
            if (has_code && (rc = fn(sql + start, i - start, arg)) != 0)
                return rc;
            i++;
            start = i;
            has_code = 0;
        } else {
            if (!is_space(c))
                has_code = 1;
            i++;
        }
    }
    if (has_code && (rc = fn(sql + start, len - start, arg)) != 0)
        return rc;
    return 0;
}

/* ---- od_schema_create ---------------------------------------------------- */

struct run_ctx {
    MYSQL *m;
    char *err;
    size_t errlen;
};

/* The table a CREATE TABLE statement makes, for error messages. */
static void table_of(const char *stmt, size_t len, char *out, size_t outlen)
{
    const char *end = stmt + len, *p, *q;
    static const char kw[] = "CREATE TABLE";
    out[0] = '\0';
    for (p = stmt; p + sizeof(kw) - 1 <= end; p++)
        if (strncasecmp(p, kw, sizeof(kw) - 1) == 0)
            break;
    if (p + sizeof(kw) - 1 > end)
        return;
    p += sizeof(kw) - 1;
    while (p < end && is_space(*p))
        p++;
    if (end - p >= 13 && strncasecmp(p, "IF NOT EXISTS", 13) == 0) {
        p += 13;
        while (p < end && is_space(*p))
            p++;
    }
    if (p < end && *p == '`')
        p++;
    for (q = p; q < end && *q != '`' && *q != '(' && !is_space(*q); q++)
        ;
    snprintf(out, outlen, "%.*s", (int)(q - p), p);
}

static int run_one(const char *stmt, size_t len, void *arg)
{
    struct run_ctx *c = arg;
    if (mysql_real_query(c->m, stmt, (unsigned long)len) != 0) {
        char table[80];
        table_of(stmt, len, table, sizeof(table));
        if (table[0])
            snprintf(c->err, c->errlen,
                     "creating the Open Dental table '%s' failed: %s", table,
                     mysql_error(c->m));
        else
            snprintf(c->err, c->errlen,
                     "a statement of the Open Dental schema failed: %s",
                     mysql_error(c->m));
        return ODAPI_E_DB;
    }
    /* Drain any result (none expected for DDL). */
    do {
        MYSQL_RES *r = mysql_store_result(c->m);
        if (r)
            mysql_free_result(r);
    } while (mysql_next_result(c->m) == 0);
    return 0;
}

int od_schema_create(MYSQL *m, char *err, size_t errlen)
{
    struct run_ctx c = { m, err, errlen };
    if (errlen)
        err[0] = '\0';
    if (mysql_set_character_set(m, "utf8mb4") != 0) {
        snprintf(err, errlen, "cannot use utf8mb4: %s", mysql_error(m));
        return ODAPI_E_DB;
    }
    return od_sql_split(od_schema_sql, od_schema_sql_len, run_one, &c);
}

/* ---- od_schema_check ------------------------------------------------------ */

/* A statement of the check failed: what and the server's reason. */
static int check_fail(struct od_conn *c, const char *what, char *err,
                      size_t errlen)
{
    snprintf(err, errlen, "%s: %s", what,
             *mysql_error(c->m) ? mysql_error(c->m) : "out of memory");
    return ODAPI_E_DB;
}

/* Current database name into db ("" when none is selected). */
static int current_db(MYSQL *m, char *db, size_t dblen, char *err,
                      size_t errlen)
{
    static const char q[] = "SELECT DATABASE()";
    MYSQL_RES *r;
    MYSQL_ROW row;
    db[0] = '\0';
    if (mysql_real_query(m, q, sizeof(q) - 1) != 0 ||
        !(r = mysql_store_result(m))) {
        snprintf(err, errlen, "cannot ask the database name: %s",
                 mysql_error(m));
        return ODAPI_E_DB;
    }
    if ((row = mysql_fetch_row(r)) && row[0])
        snprintf(db, dblen, "%s", row[0]);
    mysql_free_result(r);
    return ODAPI_OK;
}

/* The core tables the database lacks, as a list into missing; their
 * count, or -1 (err set). */
static int missing_tables(struct od_conn *c, char *missing, size_t cap,
                          char *err, size_t errlen)
{
    static const char q[] =
        "SELECT COUNT(*) FROM information_schema.TABLES "
        "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?";
    size_t i, mlen = 0;
    int nmissing = 0;
    missing[0] = '\0';
    for (i = 0; i < od_schema_ncore_tables; i++) {
        const char *name = od_schema_core_tables[i];
        long long count = 0;
        if (od_query_ll(c, q, (struct od_prm[]){OD_PS(name)}, 1, 1,
                        &count) < 0) {
            check_fail(c, "checking the Open Dental tables", err, errlen);
            return -1;
        }
        if (count == 0) {
            int n = snprintf(missing + mlen, cap - mlen, "%s%s",
                             nmissing ? ", " : "", name);
            if (n > 0 && (size_t)n < cap - mlen)
                mlen += (size_t)n;
            nmissing++;
        }
    }
    return nmissing;
}

static int check_schema(struct od_conn *c, char *version, size_t vlen,
                        char *err, size_t errlen)
{
    static const char q_ver[] =
        "SELECT ValueString FROM preference WHERE PrefName = ?";
    char db[200], missing[300], ver[1][OD_COLSZ];
    int nmissing, rc;

    if ((rc = current_db(c->m, db, sizeof(db), err, errlen)) != ODAPI_OK)
        return rc;
    if (!db[0]) {
        snprintf(err, errlen,
                 "No database is selected: name the Open Dental database "
                 "(usually 'opendental') in the connection settings, or use "
                 "the sandbox.");
        return ODAPI_E_DB_SCHEMA;
    }
    if ((nmissing = missing_tables(c, missing, sizeof missing, err,
                                   errlen)) < 0)
        return ODAPI_E_DB;
    if (nmissing) {
        snprintf(err, errlen,
                 "The database '%s' is not an Open Dental database: it lacks "
                 "the table%s %s; point the connection at the practice's "
                 "Open Dental database (usually 'opendental'), or use the "
                 "sandbox.",
                 db, nmissing > 1 ? "s" : "", missing);
        return ODAPI_E_DB_SCHEMA;
    }
    /* NULL and no row leave version "" */
    if (od_query_row(c, q_ver, (struct od_prm[]){OD_PS("DataBaseVersion")},
                     1, 1, ver) < 0)
        return check_fail(c, "reading DataBaseVersion", err, errlen);
    if (vlen)
        snprintf(version, vlen, "%s", ver[0]);
    return ODAPI_OK;
}

int od_schema_check(MYSQL *m, char *version, size_t vlen, char *err,
                    size_t errlen)
{
    struct od_conn c;
    int rc;
    if (errlen)
        err[0] = '\0';
    if (vlen)
        version[0] = '\0';
    memset(&c, 0, sizeof c);
    c.m = m;
    rc = check_schema(&c, version, vlen, err, errlen);
    od_conn_free_stmts(&c);
    return rc;
}
