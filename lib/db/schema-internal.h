/*
 * schema-internal.h - the Open Dental schema inside the library.
 *
 * od_schema_sql is data/od-schema.sql compiled in by tools/embed.sh
 * (lib/schema-sql.c). The library runs it only in a database it owns (the
 * sandbox, a test database); against a real Open Dental database it only
 * checks (od_schema_check), never alters.
 */
#ifndef ODAPI_SCHEMA_INTERNAL_H
#define ODAPI_SCHEMA_INTERNAL_H

#include <stddef.h>

#include "db/mysql-api-internal.h"

extern const char od_schema_sql[];    /* NUL-terminated DDL */
extern const size_t od_schema_sql_len;

/* Tables od_schema_check requires. */
extern const char *const od_schema_core_tables[];
extern const size_t od_schema_ncore_tables;

/* Run every statement of od_schema_sql in the current database. Idempotent
 * (CREATE TABLE IF NOT EXISTS); utf8mb4. ODAPI_OK, or ODAPI_E_DB with the server's
 * message and the table name in err. */
int od_schema_create(MYSQL *m, char *err, size_t errlen);

/* Check that the current database is an Open Dental database (the core
 * tables exist) and copy preference DataBaseVersion into version ("" when
 * the row is missing). ODAPI_E_DB_SCHEMA with one sentence in err naming the
 * database and the missing tables; ODAPI_E_DB on a server error. */
int od_schema_check(MYSQL *m, char *version, size_t vlen, char *err,
                    size_t errlen);

/* Split SQL text into statements. Calls fn(stmt, len, arg) for each
 * non-blank statement (without its ';'); semicolons inside comments, quoted
 * strings and `identifiers` do not end a statement. Stops at and returns the
 * first non-zero value fn returns; 0 otherwise. */
int od_sql_split(const char *sql, size_t len,
                 int (*fn)(const char *stmt, size_t len, void *arg),
                 void *arg);

#endif /* ODAPI_SCHEMA_INTERNAL_H */
