/*
 * resource-internal.h - the engine behind the descriptions
 * (describe-internal.h): the generic handlers (resource.c), a description
 * in the attached database (view.c), the database inspection (dbcheck.c)
 * and rows in a resource's shape for other modules.
 */
#ifndef ODAPI_RESOURCE_INTERNAL_H
#define ODAPI_RESOURCE_INTERNAL_H

#include "engine/describe-internal.h"
#include "http/server-internal.h"
#include "db/db-internal.h"
#include "core/jsonbuf-internal.h"

#include <string.h>

/* ---- a resource in the attached database (view.c) ------------------------
 * What this database's Open Dental version can serve of a description:
 * per field, filter, lookup, check and POST default whether the columns
 * it needs exist, and the statements built from those only. Computed once
 * per (database, resource) from the catalog, without a round trip, and
 * kept in the catalog's memo; read-only afterwards. */
enum od_absence_kind {
    OD_ABS_RESOURCE, /* the table (or key, or base_where) is missing */
    OD_ABS_FIELD,    /* left out of answers, refused in bodies */
    OD_ABS_FILTER,   /* a query parameter: refused when given */
    OD_ABS_LOOKUP,   /* an input naming a row: refused when given */
    OD_ABS_CHECK,    /* a rule: not checked */
    OD_ABS_DEFAULT,  /* a POST default from the database: not applied */
    OD_ABS_FK,       /* a field's "X is invalid." check: not made */
    OD_ABS_STMT,     /* after_insert/before_put: skipped */
    OD_ABS_DELETE,   /* delete_sql: DELETE refused */
    OD_ABS_UPSERT    /* upsert_keys: PUT /name refused */
};

struct od_absence {
    int kind;             /* enum od_absence_kind */
    int idx;              /* index into fields/filters/... */
    char what[200];       /* the field, parameter or rule */
    char why[96];         /* "codegroup.ShowInFrequency", or a table */
};

struct od_column;
struct od_catalog;

struct od_rview {
    const struct od_resource *r;
    int unavailable;            /* OD_ABS_RESOURCE */
    unsigned char *field;       /* per field: 1 when served */
    const struct od_column **col; /* per field: its column (text checks) */
    unsigned char *fk, *filter, *lookup, *check, *sqldefault;
    int after_insert, before_put, delete_ok, upsert_ok, list_ok;
    const char *order;          /* r->order, or NULL: by the key */
    const char *patnum_col;     /* r->patnum_col if the column exists */
    char *joins;                /* the joins it can run ("" or " LEFT ...") */
    char *sql;                  /* "SELECT ... FROM `t` t joins WHERE key" */
    char *returning;            /* " RETURNING ..." giving sql's columns from
                                   an INSERT (returning.c), or NULL */
    size_t head_len;            /* sql up to " FROM" */
    size_t select_len;          /* sql up to " WHERE" */
    int ncols;                  /* select-list fields (no serverDateTime) */
    struct od_absence *absent_list;
    int nabsent, capabsent;
};

/* The view of r in the database cat describes; NULL when out of memory. */
const struct od_rview *od_view(struct od_catalog *cat,
                               const struct od_resource *r);

/* odapi_server_prepare_database's look at the attached database
 * (dbcheck.c) for the resources of list (NULL-terminated): its Open Dental
 * version, what it lacks and which routes that changes, the user's
 * privileges, tables without transactions. One log line each; errors for
 * what stops the service. */
int od_schema_inspect(MYSQL *m, struct od_catalog *cat, const char *version,
                      const struct od_resource *const *list,
                      const struct od_logger *log);

/* " RETURNING ..." that gives, from an INSERT into table, the columns of
 * the view's select list head (the text after "SELECT ", head_len bytes)
 * with its joins (the view's, "" or NULL for none); NULL when the list
 * cannot be rewritten safely or memory ran out (returning.c). */
char *od_view_returning(const char *table, const char *head, size_t head_len,
                        const char *joins);

/* ---- the engine (resource.c) --------------------------------------------- */

/* Register GET/POST/PUT/DELETE routes for a resource. */
void od_resource_register(odapi_server *srv, const struct od_resource *r);

/* One securitylog row: PermType perm, LogText "{verb} by {developer}
 * through API.", LogSource API. For hand-written writes inside their own
 * transaction; 0, or -1 after od_conn_note_error. */
int od_securitylog(struct od_conn *c, int perm, const char *developer,
                   const char *verb, long long fkey, long long patnum);

/* The checks a POST (put 0) or PUT (put 1) body gets before any database
 * work (fuzz/body.c): 0 when it would go on to the database, -1 with the
 * 400 sentence in msg. */
int od_resource_check_body(const struct od_resource *r, int put,
                           const char *text, size_t len, char *msg,
                           size_t msgsize);

/* ---- rows for other modules (resource.c) -------------------------------- */

/* Rows of r in its GET list shape (a JSON array into out, serverDateTime
 * included) for a caller of its own such as the events engine, on a
 * worker's connection: the resource's SELECT (r->base_where not applied)
 * with " WHERE {where} ORDER BY {order} LIMIT {limit}". where and order are
 * the library's own SQL over alias t, never request text; their ?s are
 * bound to the strings params, in order. Returns the row count, or -1 with
 * a sentence in err (c->lost then tells a lost connection). */
int od_resource_rows_json(struct od_conn *c, const struct od_resource *r,
                          const char *where, const char *order,
                          const char *const *params, int nparams, long limit,
                          struct od_buf *out, char *err, size_t errlen);

#endif /* ODAPI_RESOURCE_INTERNAL_H */
