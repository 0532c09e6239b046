/* catalog.c - the attached database's tables and columns (information_schema,
 * read once per attach), the text check every write uses, what a
 * statement of the library needs, and a memo for what the layers above
 * derive from them. */
#include "core/odapi-internal.h"
#include "db/catalog-internal.h"
#include "db/mysql-api-internal.h"

#include <ctype.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MEMO_SLOTS 512

struct od_table {
    const char *name;
    const char *engine; /* "" for a view */
    int no_tx;          /* the engine has no transactions */
};

struct memo_slot {
    const void *key; /* published last (release), read first (acquire) */
    void *val;
    void (*free_fn)(void *);
};

struct od_catalog {
    struct od_column *cols;
    size_t ncols;
    struct od_table *tables;
    size_t ntables;
    char *arena;
    pthread_mutex_t memo_mu;
    struct memo_slot memo[MEMO_SLOTS];
    int returning; /* INSERT ... RETURNING: MariaDB 10.5 and later */
};

/* ---- reading ------------------------------------------------------------ */

static int cmp_col(const void *a, const void *b)
{
    const struct od_column *x = a, *y = b;
    int c = strcasecmp(x->table, y->table);
    return c ? c : strcasecmp(x->name, y->name);
}

static int cmp_table(const void *a, const void *b)
{
    const struct od_table *x = a, *y = b;
    return strcasecmp(x->name, y->name);
}

static void set_charset(struct od_column *c, const char *cs)
{
    c->charset = OD_CS_ANY;
    c->bytes_per_char = 0;
    if (!cs || !*cs)
        return;
    if (!strcasecmp(cs, "utf8mb4") || !strcasecmp(cs, "binary")) {
        return;
    } else if (!strcasecmp(cs, "utf8mb3") || !strcasecmp(cs, "utf8")) {
        c->charset = OD_CS_BMP;
    } else if (!strcasecmp(cs, "latin1")) {
        c->charset = OD_CS_LATIN1;
        c->bytes_per_char = 1;
    } else if (!strcasecmp(cs, "ascii")) {
        c->charset = OD_CS_ASCII;
        c->bytes_per_char = 1;
    } else if (!strcasecmp(cs, "ucs2")) {
        c->charset = OD_CS_BMP;
        c->bytes_per_char = 2;
    } else if (!strncasecmp(cs, "utf16", 5)) {
        c->bytes_per_char = 3; /* 2, or 4 above U+FFFF */
    } else if (!strcasecmp(cs, "utf32")) {
        c->bytes_per_char = 4;
    } else {
        c->charset = OD_CS_OTHER;
        c->bytes_per_char = -1; /* unknown: only characters are counted */
    }
}

static int run_store(MYSQL *m, const char *sql, MYSQL_RES **res, char *err,
                     size_t errlen)
{
    if (mysql_query(m, sql) != 0 || !(*res = mysql_store_result(m))) {
        snprintf(err, errlen, "cannot read the database's tables and columns "
                              "(information_schema): %s", mysql_error(m));
        return ODAPI_E_DB;
    }
    return ODAPI_OK;
}

static char *arena_put(char **at, const char *s)
{
    char *p = *at;
    size_t n = s ? strlen(s) : 0;
    memcpy(p, s ? s : "", n);
    p[n] = '\0';
    *at += n + 1;
    return p;
}

static long long num_or(const char *s, long long dflt)
{
    long long v;
    return s && od_parse_ll(s, &v) == 0 ? v : dflt;
}

/* Fill cat from the two stored results (their rows stay valid until they
 * are freed); the arena holds every string. */
static int fill(struct od_catalog *cat, MYSQL_RES *tr, MYSQL_RES *cr)
{
    size_t need = 0, i, nt = (size_t)mysql_num_rows(tr);
    size_t nc = (size_t)mysql_num_rows(cr);
    MYSQL_ROW *trow = calloc(nt + 1, sizeof *trow);
    MYSQL_ROW *crow = calloc(nc + 1, sizeof *crow);
    unsigned k;
    int rc = ODAPI_E_NOMEM;
    char *at;

    if (!trow || !crow)
        goto out;
    for (i = 0; i < nt && (trow[i] = mysql_fetch_row(tr)); i++)
        for (k = 0; k < 2; k++)
            need += (trow[i][k] ? strlen(trow[i][k]) : 0) + 1;
    cat->ntables = i;
    for (i = 0; i < nc && (crow[i] = mysql_fetch_row(cr)); i++)
        for (k = 0; k < 3; k++)
            need += (crow[i][k] ? strlen(crow[i][k]) : 0) + 1;
    cat->ncols = i;
    cat->arena = malloc(need + 1);
    cat->tables = calloc(cat->ntables + 1, sizeof *cat->tables);
    cat->cols = calloc(cat->ncols + 1, sizeof *cat->cols);
    if (!cat->arena || !cat->tables || !cat->cols)
        goto out;
    at = cat->arena;
    for (i = 0; i < cat->ntables; i++) {
        struct od_table *t = &cat->tables[i];
        MYSQL_ROW row = trow[i];
        t->name = arena_put(&at, row[0]);
        t->engine = arena_put(&at, row[1]);
        /* InnoDB (and XtraDB, TokuDB, RocksDB) roll back; views have no
         * engine of their own */
        t->no_tx = row[1] && *row[1] && strcasecmp(row[1], "InnoDB") &&
                   strcasecmp(row[1], "XtraDB") &&
                   strcasecmp(row[1], "RocksDB") &&
                   strcasecmp(row[1], "TokuDB");
    }
    for (i = 0; i < cat->ncols; i++) {
        struct od_column *c = &cat->cols[i];
        MYSQL_ROW row = crow[i];
        char *p;
        c->table = arena_put(&at, row[0]);
        c->name = arena_put(&at, row[1]);
        c->type = p = arena_put(&at, row[2]);
        for (; *p; p++)
            *p = (char)tolower((unsigned char)*p);
        c->max_chars = num_or(row[3], -1);
        c->max_bytes = num_or(row[4], -1);
        set_charset(c, row[5]);
        c->is_unsigned = row[6] && strstr(row[6], "unsigned") != NULL;
        if (c->max_chars < 0)
            c->charset = OD_CS_ANY; /* not text: nothing to check */
    }
    qsort(cat->tables, cat->ntables, sizeof *cat->tables, cmp_table);
    qsort(cat->cols, cat->ncols, sizeof *cat->cols, cmp_col);
    rc = ODAPI_OK;
out:
    free(trow);
    free(crow);
    return rc;
}

int od_catalog_read(MYSQL *m, struct od_catalog **out, char *err,
                    size_t errlen)
{
    static const char q_tab[] =
        "SELECT TABLE_NAME, COALESCE(ENGINE, '') FROM information_schema.TABLES"
        " WHERE TABLE_SCHEMA = DATABASE()";
    static const char q_col[] =
        "SELECT TABLE_NAME, COLUMN_NAME, DATA_TYPE, CHARACTER_MAXIMUM_LENGTH, "
        "CHARACTER_OCTET_LENGTH, "
        "CHARACTER_SET_NAME, COLUMN_TYPE FROM information_schema.COLUMNS "
        "WHERE TABLE_SCHEMA = DATABASE()";
    struct od_catalog *cat;
    MYSQL_RES *tr = NULL, *cr = NULL;
    const char *info;
    int rc;

    *out = NULL;
    if (!(cat = calloc(1, sizeof *cat))) {
        snprintf(err, errlen, "out of memory");
        return ODAPI_E_NOMEM;
    }
    pthread_mutex_init(&cat->memo_mu, NULL);
    rc = run_store(m, q_tab, &tr, err, errlen);
    if (rc == ODAPI_OK)
        rc = run_store(m, q_col, &cr, err, errlen);
    if (rc == ODAPI_OK && (rc = fill(cat, tr, cr)) != ODAPI_OK)
        snprintf(err, errlen, "out of memory");
    if (tr)
        mysql_free_result(tr);
    if (cr)
        mysql_free_result(cr);
    if (rc != ODAPI_OK) {
        od_catalog_free(cat);
        return rc;
    }
    info = mysql_get_server_info(m);
    cat->returning = mysql_get_server_version(m) >= 100500 && info &&
                     strstr(info, "MariaDB");
    *out = cat;
    return ODAPI_OK;
}

int od_catalog_returning(const struct od_catalog *cat)
{
    return cat->returning;
}

void od_catalog_free(struct od_catalog *cat)
{
    size_t i;
    if (!cat)
        return;
    for (i = 0; i < MEMO_SLOTS; i++)
        if (cat->memo[i].key && cat->memo[i].free_fn)
            cat->memo[i].free_fn(cat->memo[i].val);
    pthread_mutex_destroy(&cat->memo_mu);
    free(cat->cols);
    free(cat->tables);
    free(cat->arena);
    free(cat);
}

/* ---- lookups ------------------------------------------------------------ */

const struct od_column *od_catalog_column(const struct od_catalog *cat,
                                          const char *table, const char *col)
{
    struct od_column k;
    if (!cat || !table || !col)
        return NULL;
    k.table = table;
    k.name = col;
    return bsearch(&k, cat->cols, cat->ncols, sizeof *cat->cols, cmp_col);
}

static const struct od_table *find_table(const struct od_catalog *cat,
                                         const char *table)
{
    struct od_table k;
    if (!cat || !table)
        return NULL;
    k.name = table;
    return bsearch(&k, cat->tables, cat->ntables, sizeof *cat->tables,
                   cmp_table);
}

int od_catalog_has_table(const struct od_catalog *cat, const char *table)
{
    return find_table(cat, table) != NULL;
}

int od_catalog_ntx_tables(const struct od_catalog *cat)
{
    size_t i;
    int n = 0;
    for (i = 0; cat && i < cat->ntables; i++)
        n += cat->tables[i].no_tx;
    return n;
}

size_t od_catalog_ntables(const struct od_catalog *cat)
{
    return cat ? cat->ntables : 0;
}

/* ---- text --------------------------------------------------------------- */

/* The code point at s (valid UTF-8, as jansson hands it over); its length
 * in *n. */
static unsigned long utf8_cp(const unsigned char *s, size_t left, size_t *n)
{
    if (s[0] < 0x80 || left < 2) {
        *n = 1;
        return s[0];
    }
    if (s[0] < 0xE0) {
        *n = 2;
        return ((s[0] & 0x1Ful) << 6) | (s[1] & 0x3F);
    }
    if (s[0] < 0xF0 || left < 4) {
        *n = left < 3 ? left : 3;
        return *n < 3 ? 0xFFFD
                      : ((s[0] & 0x0Ful) << 12) | ((s[1] & 0x3Ful) << 6) |
                            (s[2] & 0x3F);
    }
    *n = 4;
    return ((s[0] & 0x07ul) << 18) | ((s[1] & 0x3Ful) << 12) |
           ((s[2] & 0x3Ful) << 6) | (s[3] & 0x3F);
}

/* MariaDB's latin1 is Windows-1252 (with 81, 8D, 8F, 90, 9D passed
 * through): the characters above U+00FF it can hold. */
static int in_cp1252(unsigned long cp)
{
    static const unsigned short hi[] = {
        0x20AC, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6,
        0x2030, 0x0160, 0x2039, 0x0152, 0x017D, 0x2018, 0x2019, 0x201C,
        0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A,
        0x0153, 0x017E, 0x0178};
    size_t i;
    if (cp <= 0xFF)
        return cp < 0x80 || cp >= 0xA0 || cp == 0x81 || cp == 0x8D ||
               cp == 0x8F || cp == 0x90 || cp == 0x9D;
    for (i = 0; i < OD_ARRAY_LEN(hi); i++)
        if (hi[i] == cp)
            return 1;
    return 0;
}

static int storable(int charset, unsigned long cp)
{
    switch (charset) {
    case OD_CS_BMP: return cp <= 0xFFFF;
    case OD_CS_LATIN1: return in_cp1252(cp);
    case OD_CS_ASCII: return cp < 0x80;
    default: return 1;
    }
}

/* Characters and bytes s takes in c; 1 when c's character set lacks one
 * of them. */
static int measure(const struct od_column *c, const char *s, size_t len,
                   long long *chars, long long *bytes)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, n;
    int bad = 0;
    *chars = *bytes = 0;
    while (i < len) {
        unsigned long cp = utf8_cp(p + i, len - i, &n);
        if (!storable(c->charset, cp))
            bad = 1;
        (*chars)++;
        switch (c->bytes_per_char) {
        case 0: *bytes += (long long)n; break;
        case 3: *bytes += cp > 0xFFFF ? 4 : 2; break;
        case -1: break;
        default: *bytes += c->bytes_per_char;
        }
        i += n;
    }
    return bad;
}

void od_column_measure(const struct od_column *c, const char *s, size_t len,
                       long long *chars, long long *bytes)
{
    static const struct od_column any = {0};
    measure(c ? c : &any, s, len, chars, bytes);
}

int od_column_room(const struct od_column *c, long long chars,
                   long long bytes)
{
    if (!c || c->max_chars < 0)
        return 1;
    return chars <= c->max_chars &&
           (c->max_bytes < 0 || c->bytes_per_char < 0 ||
            bytes <= c->max_bytes);
}

int od_column_text_fits(const struct od_column *c, const char *s, size_t len)
{
    long long chars, bytes;
    if (!c || c->max_chars < 0)
        return OD_TEXT_OK;
    if (measure(c, s, len, &chars, &bytes))
        return OD_TEXT_CHARSET;
    return od_column_room(c, chars, bytes) ? OD_TEXT_OK : OD_TEXT_LONG;
}

int od_text_check(const struct od_catalog *cat, const char *table,
                  const char *col, const char *field, const char *s,
                  char *msg, size_t msgsize)
{
    const struct od_column *c = od_catalog_column(cat, table, col);
    switch (od_column_text_fits(c, s ? s : "", s ? strlen(s) : 0)) {
    case OD_TEXT_LONG:
        snprintf(msg, msgsize, "%s is too long.", field);
        return -1;
    case OD_TEXT_CHARSET:
        snprintf(msg, msgsize,
                 "%s contains characters this database cannot store.", field);
        return -1;
    default:
        return 0;
    }
}

void od_absent_msg(char *msg, size_t msgsize, const char *field)
{
    snprintf(msg, msgsize,
             "%s is not available in this database's Open Dental version.",
             field);
}

/* ---- the memo ----------------------------------------------------------- */

static size_t memo_hash(const void *key)
{
    return (size_t)(((uintptr_t)key >> 4) * 2654435761u) % MEMO_SLOTS;
}

void *od_catalog_memo(const struct od_catalog *cat, const void *key)
{
    size_t h = memo_hash(key), i, s;
    for (i = 0; cat && i < MEMO_SLOTS; i++) {
        const void *k;
        s = (h + i) % MEMO_SLOTS;
        k = __atomic_load_n(&cat->memo[s].key, __ATOMIC_ACQUIRE);
        if (k == key)
            return cat->memo[s].val;
        if (!k)
            return NULL;
    }
    return NULL;
}

void *od_catalog_memo_put(struct od_catalog *cat, const void *key, void *val,
                          void (*free_fn)(void *))
{
    size_t h = memo_hash(key), i, s;
    void *kept = NULL;
    if (!cat)
        return NULL;
    pthread_mutex_lock(&cat->memo_mu);
    for (i = 0; i < MEMO_SLOTS; i++) {
        struct memo_slot *m;
        s = (h + i) % MEMO_SLOTS;
        m = &cat->memo[s];
        if (m->key == key) { /* another thread was first */
            kept = m->val;
            if (free_fn)
                free_fn(val);
            break;
        }
        if (!m->key) {
            m->val = val;
            m->free_fn = free_fn;
            __atomic_store_n(&m->key, key, __ATOMIC_RELEASE);
            kept = val;
            break;
        }
    }
    pthread_mutex_unlock(&cat->memo_mu);
    return kept;
}
