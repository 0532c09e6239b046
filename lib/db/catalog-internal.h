/*
 * catalog-internal.h - what the attached database has.
 *
 * An office's database is made by whatever Open Dental version it runs:
 * columns the API documents may be missing (added by a later version),
 * text columns are utf8mb3 and shorter than the API accepts. The catalog
 * is read from information_schema once per attach (od_db_open,
 * od_db_prepare) and then only read, by every thread of the pool, without
 * locks. The layers above ask it which tables and columns exist, check
 * text against a column before writing it, and keep what they derive from
 * it (statements, resource views) in its memo, so two servers of one
 * process attached to different databases never share them.
 */
#ifndef ODAPI_CATALOG_INTERNAL_H
#define ODAPI_CATALOG_INTERNAL_H

#include <stddef.h>

#include "db/db-internal.h"

/* What a text column can hold, by its character set. */
enum od_charset {
    OD_CS_ANY = 0,   /* utf8mb4, utf16, utf32, or not a text column */
    OD_CS_BMP,       /* utf8mb3 (utf8), ucs2: no characters above U+FFFF */
    OD_CS_LATIN1,    /* MariaDB's latin1 (cp1252) */
    OD_CS_ASCII,     /* ascii */
    OD_CS_OTHER      /* any other: cannot be checked, passes */
};

struct od_column {
    const char *table;     /* as the database spells them */
    const char *name;
    const char *type;      /* DATA_TYPE, lower case ("varchar", "text") */
    long long max_chars;   /* CHARACTER_MAXIMUM_LENGTH; -1: not text */
    long long max_bytes;   /* CHARACTER_OCTET_LENGTH; -1: not text */
    int charset;           /* enum od_charset */
    int bytes_per_char;    /* 0: UTF-8 length; else fixed (latin1 1) */
    int is_unsigned;
};

struct od_catalog;

/* Read the current database's tables and columns. ODAPI_OK, or
 * ODAPI_E_DB/ODAPI_E_NOMEM with one sentence in err. */
int od_catalog_read(MYSQL *m, struct od_catalog **out, char *err,
                    size_t errlen);
/* Free the catalog and everything its memo holds. */
void od_catalog_free(struct od_catalog *cat);

/* A column (names compare case-insensitively, as MySQL does on Windows);
 * NULL when the database does not have it. */
const struct od_column *od_catalog_column(const struct od_catalog *cat,
                                          const char *table,
                                          const char *col);
int od_catalog_has_table(const struct od_catalog *cat, const char *table);
/* Whether the server runs INSERT ... RETURNING (MariaDB 10.5 and later;
 * MySQL has none): a POST's answer can come from its INSERT. */
int od_catalog_returning(const struct od_catalog *cat);
/* Tables whose engine has no transactions (MyISAM, Aria, MEMORY...). */
int od_catalog_ntx_tables(const struct od_catalog *cat);
size_t od_catalog_ntables(const struct od_catalog *cat);

/* ---- text that cannot be stored -------------------------------------------
 * Whether s (UTF-8, len bytes) fits column c unchanged: OD_TEXT_OK, or
 * OD_TEXT_LONG (more characters, or bytes of a TEXT column, than it
 * holds) or OD_TEXT_CHARSET (characters its character set lacks: an emoji
 * in utf8mb3). A column that is not text (or NULL) takes anything. */
enum { OD_TEXT_OK = 0, OD_TEXT_LONG, OD_TEXT_CHARSET };
int od_column_text_fits(const struct od_column *c, const char *s,
                        size_t len);
/* The characters and bytes s (UTF-8, len bytes) takes in column c (its
 * character set; c NULL: UTF-8). */
void od_column_measure(const struct od_column *c, const char *s, size_t len,
                       long long *chars, long long *bytes);
/* Whether a value of that many characters and bytes fits c (1), for text
 * put together in the database (an appended note). */
int od_column_room(const struct od_column *c, long long chars,
                   long long bytes);
/* The one check every hand-written write of text uses: 0, or -1 with
 * "{field} is too long." or "{field} contains characters this database
 * cannot store." in msg (answer it with 400). cat NULL or an absent
 * column passes (the statement then fails on its own). */
int od_text_check(const struct od_catalog *cat, const char *table,
                  const char *col, const char *field, const char *s,
                  char *msg, size_t msgsize);
/* The answer for a field whose column this database lacks. */
void od_absent_msg(char *msg, size_t msgsize, const char *field);

/* ---- what a statement needs -----------------------------------------------
 * Whether every table and column the SQL names exists: 1, or 0 with the
 * first one missing ("codegroup.ShowInFrequency", or a table name) in
 * missing. Reads the library's own SQL (tables after FROM, JOIN, UPDATE,
 * INTO; alias.column and bare column references; functions, keywords,
 * strings and AS names are not columns); it is not a full SQL parser. */
int od_catalog_sql_ok(const struct od_catalog *cat, const char *sql,
                      char *missing, size_t mlen);

/* ---- the memo ------------------------------------------------------------------
 * What the layers above derive from the catalog, kept with it under a key
 * of theirs (an address): od_catalog_memo gives the value or NULL;
 * od_catalog_memo_put stores val unless another thread stored one first,
 * and returns the one kept (val is then freed with free_fn if it lost, or
 * when the catalog is freed). NULL when the memo is full (the caller then
 * uses val once and frees it). Lock-free reads. */
void *od_catalog_memo(const struct od_catalog *cat, const void *key);
void *od_catalog_memo_put(struct od_catalog *cat, const void *key, void *val,
                          void (*free_fn)(void *));

#endif /* ODAPI_CATALOG_INTERNAL_H */
