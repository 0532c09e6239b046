/* dbcheck.c - what odapi_server_prepare_database (odservice --check-config,
 * odlocal --init-only) says about the attached database: whether its Open
 * Dental version is supported, which fields, parameters and rules the
 * descriptions have that it lacks and which routes that changes (derived
 * from the descriptions and the catalog), whether the database user has
 * the privileges the service needs, and which tables have no
 * transactions. Each finding is one log line; a problem that stops the
 * service from working is logged as an error (odservice --check-config
 * then exits 4). */
#include "engine/resource-internal.h"
#include "db/catalog-internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The Open Dental versions served (docs/database.md "Open Dental
 * versions"): the Local API came with 22.1; the descriptions follow the
 * API documentation up to 25.4. */
#define OD_MIN_MAJOR 22
#define OD_MIN_MINOR 1
#define OD_MAX_MAJOR 25
#define OD_MAX_MINOR 4

struct finding {
    char why[96];    /* "codegroup.ShowInFrequency" */
    char text[1024]; /* what it changes */
};

struct report {
    const struct od_logger *log;
    struct finding *f;
    int n, cap;
};

/* ---- version ------------------------------------------------------------ */

static int check_version(const struct od_logger *log, const char *version)
{
    int major = 0, minor = 0;
    if (!version || sscanf(version, "%d.%d", &major, &minor) != 2) {
        od_log(log, ODAPI_LOG_WARNING,
               "database: no Open Dental version (preference DataBaseVersion "
               "is '%s'); served as if it were %d.%d or later",
               version ? version : "", OD_MIN_MAJOR, OD_MIN_MINOR);
        return 0;
    }
    if (major < OD_MIN_MAJOR ||
        (major == OD_MIN_MAJOR && minor < OD_MIN_MINOR)) {
        od_log(log, ODAPI_LOG_ERROR,
               "database: Open Dental %s is not supported: libodapi serves "
               "Open Dental %d.%d to %d.%d (the Open Dental API begins with "
               "%d.%d); update Open Dental first", version, OD_MIN_MAJOR,
               OD_MIN_MINOR, OD_MAX_MAJOR, OD_MAX_MINOR, OD_MIN_MAJOR,
               OD_MIN_MINOR);
        return -1;
    }
    if (major > OD_MAX_MAJOR ||
        (major == OD_MAX_MAJOR && minor > OD_MAX_MINOR))
        od_log(log, ODAPI_LOG_WARNING,
               "database: Open Dental %s is newer than %d.%d, the newest "
               "libodapi knows: served, without the fields its API added "
               "since", version, OD_MAX_MAJOR, OD_MAX_MINOR);
    else
        od_log(log, ODAPI_LOG_INFO,
               "database: Open Dental %s is supported (%d.%d to %d.%d)",
               version, OD_MIN_MAJOR, OD_MIN_MINOR, OD_MAX_MAJOR,
               OD_MAX_MINOR);
    return 0;
}

/* ---- routes ------------------------------------------------------------- */

enum { RT_LIST = 1, RT_ONE = 2, RT_POST = 4, RT_PUT = 8, RT_DELETE = 16,
       RT_UPSERT = 32 };

static unsigned routes_of(const struct od_resource *r)
{
    unsigned m = 0;
    if (r->ops & OD_OP_GET_LIST) m |= RT_LIST;
    if (r->ops & OD_OP_GET_ONE) m |= RT_ONE;
    if (r->ops & OD_OP_POST) m |= RT_POST;
    if (r->ops & OD_OP_PUT) m |= RT_PUT;
    if (r->ops & OD_OP_DELETE) m |= RT_DELETE;
    if (r->upsert_keys) m |= RT_UPSERT;
    return m;
}

/* "GET /codegroups and POST /codegroups" for the routes in mask. */
static void route_list(const struct od_resource *r, unsigned mask,
                       char *out, size_t len)
{
    char one[160];
    int n = 0, k;
    size_t at = 0;
    out[0] = '\0';
    mask &= routes_of(r);
    for (k = 0; k < 6; k++) {
        unsigned bit = 1u << k;
        if (!(mask & bit))
            continue;
        switch (bit) {
        case RT_LIST:
            snprintf(one, sizeof one, "GET /%s%s%s", r->name,
                     r->list_action ? "/" : "",
                     r->list_action ? r->list_action : "");
            break;
        case RT_ONE:
        case RT_PUT:
        case RT_DELETE:
            snprintf(one, sizeof one, "%s /%s/{%s}",
                     bit == RT_ONE ? "GET" : bit == RT_PUT ? "PUT" : "DELETE",
                     r->name, r->pk);
            break;
        case RT_POST:
            snprintf(one, sizeof one, "POST /%s", r->name);
            break;
        default: /* the upsert */
            snprintf(one, sizeof one, "PUT /%s", r->name);
            break;
        }
        at += (size_t)snprintf(out + at, at < len ? len - at : 0, "%s%s",
                               n++ ? ", " : "", one);
    }
}

static unsigned write_mask(const struct od_field *f)
{
    unsigned m = 0;
    if (f->flags & (OD_F_RO | OD_F_NOW | OD_F_STAMP) ||
        f->wire == OD_W_SERVERTIME)
        return 0;
    if (!(f->flags & OD_F_NOPOST))
        m |= RT_POST | RT_UPSERT;
    if (!(f->flags & OD_F_NOPUT))
        m |= RT_PUT;
    return m;
}

static unsigned check_mask(unsigned ops)
{
    return (ops & OD_OP_POST ? RT_POST | RT_UPSERT : 0) |
           (ops & OD_OP_PUT ? RT_PUT : 0) |
           (ops & OD_OP_DELETE ? RT_DELETE : 0);
}

/* What one absence changes, in words. */
static void describe(const struct od_resource *r, const struct od_absence *a,
                     char *out, size_t len)
{
    char rd[300], wr[300];
    switch (a->kind) {
    case OD_ABS_RESOURCE:
        route_list(r, ~0u, rd, sizeof rd);
        snprintf(out, len, "%s answer 400", rd);
        return;
    case OD_ABS_FIELD:
        route_list(r, RT_LIST | RT_ONE | RT_POST | RT_PUT | RT_UPSERT, rd,
                   sizeof rd);
        route_list(r, write_mask(&r->fields[a->idx]), wr, sizeof wr);
        snprintf(out, len, "%s leave%s out %s%s%s%s", rd,
                 strchr(rd, ',') ? "" : "s", a->what, wr[0] ? "; " : "", wr,
                 wr[0] ? " refuse it" : "");
        return;
    case OD_ABS_FILTER:
        route_list(r, RT_LIST, rd, sizeof rd);
        if (r->filters[a->idx].flags & OD_Q_DEVELOPER) /* always applied */
            snprintf(out, len, "%s answers 400", rd);
        else
            snprintf(out, len, "%s refuses the parameter %s", rd, a->what);
        return;
    case OD_ABS_LOOKUP:
        route_list(r, RT_POST | RT_PUT | RT_UPSERT, wr, sizeof wr);
        snprintf(out, len, "%s refuse%s %s", wr, strchr(wr, ',') ? "" : "s",
                 a->what);
        return;
    case OD_ABS_CHECK:
        route_list(r, check_mask(r->checks[a->idx].ops), wr, sizeof wr);
        snprintf(out, len, "%s do%s not check \"%s\"", wr,
                 strchr(wr, ',') ? "" : "es", a->what);
        return;
    case OD_ABS_DEFAULT:
        route_list(r, RT_POST | RT_UPSERT, wr, sizeof wr);
        snprintf(out, len, "%s set%s no default %s", wr,
                 strchr(wr, ',') ? "" : "s", a->what);
        return;
    case OD_ABS_FK:
        route_list(r, write_mask(&r->fields[a->idx]), wr, sizeof wr);
        snprintf(out, len, "%s do%s not check that %s names a row", wr,
                 strchr(wr, ',') ? "" : "es", a->what);
        return;
    case OD_ABS_STMT:
        route_list(r, strcmp(a->what, "after insert") ? RT_PUT : RT_POST, wr,
                   sizeof wr);
        snprintf(out, len, "%s skip%s the %s step", wr,
                 strchr(wr, ',') ? "" : "s", a->what);
        return;
    case OD_ABS_DELETE:
        route_list(r, RT_DELETE, wr, sizeof wr);
        snprintf(out, len, "%s answers 400", wr);
        return;
    default:
        route_list(r, RT_UPSERT, wr, sizeof wr);
        snprintf(out, len, "%s answers 400", wr);
        return;
    }
}

static void add_finding(struct report *rp, const char *why, const char *text)
{
    if (rp->n == rp->cap) {
        int cap = rp->cap ? rp->cap * 2 : 32;
        struct finding *n = realloc(rp->f, (size_t)cap * sizeof *n);
        if (!n)
            return;
        rp->f = n;
        rp->cap = cap;
    }
    snprintf(rp->f[rp->n].why, sizeof rp->f[rp->n].why, "%s", why);
    snprintf(rp->f[rp->n].text, sizeof rp->f[rp->n].text, "%s", text);
    rp->n++;
}

static int cmp_finding(const void *a, const void *b)
{
    return strcasecmp(((const struct finding *)a)->why,
                      ((const struct finding *)b)->why);
}

/* One line per missing table or column, with everything it changes. */
static void report_absences(struct report *rp, struct od_catalog *cat)
{
    char text[1024];
    int i, k, nfields = 0;
    for (i = 0; od_resources[i]; i++) {
        const struct od_resource *r = od_resources[i];
        const struct od_rview *v = od_view(cat, r);
        for (k = 0; v && k < v->nabsent; k++) {
            describe(r, &v->absent_list[k], text, sizeof text);
            add_finding(rp, v->absent_list[k].why, text);
            nfields += v->absent_list[k].kind == OD_ABS_FIELD;
        }
    }
    if (!rp->n) {
        od_log(rp->log, ODAPI_LOG_INFO, "database: has every table and column "
               "the API's resources use");
        return;
    }
    qsort(rp->f, (size_t)rp->n, sizeof *rp->f, cmp_finding);
    od_log(rp->log, ODAPI_LOG_WARNING,
           "database: this Open Dental version lacks %d field%s and other "
           "columns the API documents; they are left out of answers and "
           "refused when sent:", nfields, nfields == 1 ? "" : "s");
    for (i = 0; i < rp->n; i = k) {
        struct od_buf line;
        od_buf_init(&line);
        od_buf_printf(&line, "  %s is missing: ", rp->f[i].why);
        for (k = i; k < rp->n && !strcasecmp(rp->f[k].why, rp->f[i].why); k++)
            od_buf_printf(&line, "%s%s", k > i ? "; " : "", rp->f[k].text);
        if (!line.oom)
            od_log(rp->log, ODAPI_LOG_WARNING, "%s", line.p);
        od_buf_free(&line);
    }
}

/* ---- privileges --------------------------------------------------------- */

static const char *const priv_names[] = {"SELECT", "INSERT", "UPDATE",
                                         "DELETE"};

/* Prepared, never run: the server checks the privilege at prepare. 1 when
 * it is denied. */
static int denied(MYSQL *m, int priv, const char *table, const char *pk)
{
    char sql[300];
    MYSQL_STMT *st = mysql_stmt_init(m);
    unsigned e = 0;
    switch (priv) {
    case 0:
        snprintf(sql, sizeof sql, "SELECT 1 FROM `%s` WHERE 1=0", table);
        break;
    case 1:
        snprintf(sql, sizeof sql, "INSERT INTO `%s` (`%s`) SELECT 1 FROM "
                                  "DUAL WHERE 1=0", table, pk);
        break;
    case 2:
        snprintf(sql, sizeof sql, "UPDATE `%s` SET `%s` = `%s` WHERE 1=0",
                 table, pk, pk);
        break;
    default:
        snprintf(sql, sizeof sql, "DELETE FROM `%s` WHERE 1=0", table);
        break;
    }
    if (!st)
        return 0;
    if (mysql_stmt_prepare(st, sql, (unsigned long)strlen(sql)) != 0)
        e = mysql_stmt_errno(st);
    mysql_stmt_close(st);
    return e == ER_TABLEACCESS_DENIED_ERROR ||
           e == ER_COLUMNACCESS_DENIED_ERROR || e == ER_DBACCESS_DENIED_ERROR;
}

/* The privileges each table needs: what its resources do (every write also
 * writes securitylog). */
static unsigned needs(const struct od_resource *r)
{
    unsigned n = 1; /* SELECT */
    if (r->ops & (OD_OP_POST | OD_OP_PUT | OD_OP_DELETE) || r->upsert_keys)
        n |= 2 | 4 | 8; /* writes: checks, defaults and soft deletes too */
    return n;
}

static int check_privileges(MYSQL *m, struct od_catalog *cat,
                            const struct od_logger *log)
{
    struct od_buf lack[4];
    int i, p, k, nlack[4] = {0, 0, 0, 0}, ntables = 0, bad = 0;
    for (p = 0; p < 4; p++)
        od_buf_init(&lack[p]);
    for (i = 0; od_resources[i]; i++) {
        const struct od_resource *r = od_resources[i];
        unsigned want = needs(r);
        for (k = 0; k < i; k++) /* each table once, with all it needs */
            if (!strcmp(od_resources[k]->table, r->table))
                break;
        if (k < i || !od_catalog_has_table(cat, r->table))
            continue;
        for (k = i + 1; od_resources[k]; k++)
            if (!strcmp(od_resources[k]->table, r->table))
                want |= needs(od_resources[k]);
        ntables++;
        for (p = 0; p < 4; p++)
            if ((want & (1u << p)) && denied(m, p, r->table, r->pk)) {
                od_buf_printf(&lack[p], "%s%s", nlack[p] ? ", " : "",
                              r->table);
                nlack[p]++;
            }
    }
    if (od_catalog_has_table(cat, "securitylog") &&
        denied(m, 1, "securitylog", "SecurityLogNum")) {
        od_buf_printf(&lack[1], "%s%s", nlack[1] ? ", " : "", "securitylog");
        nlack[1]++;
    }
    for (p = 0; p < 4; p++) {
        if (nlack[p]) {
            bad = 1;
            od_log(log, ODAPI_LOG_ERROR,
                   "database: the user has no %s privilege on %d table%s the "
                   "API uses (%s); the service needs SELECT, INSERT, UPDATE "
                   "and DELETE on the practice database (docs/service.md)",
                   priv_names[p], nlack[p], nlack[p] == 1 ? "" : "s",
                   lack[p].p ? lack[p].p : "");
        }
        od_buf_free(&lack[p]);
    }
    if (!bad)
        od_log(log, ODAPI_LOG_INFO,
               "database: the user may SELECT, INSERT, UPDATE and DELETE in "
               "the %d tables the API uses", ntables);
    return bad ? -1 : 0;
}

/* ---- the inspection ----------------------------------------------------- */

int od_schema_inspect(MYSQL *m, struct od_catalog *cat, const char *version,
                      void *arg)
{
    const struct od_logger *log = arg;
    struct report rp;
    int ntx = od_catalog_ntx_tables(cat);

    check_version(log, version);
    memset(&rp, 0, sizeof rp);
    rp.log = log;
    report_absences(&rp, cat);
    free(rp.f);
    check_privileges(m, cat, log);
    if (ntx)
        od_log(log, ODAPI_LOG_WARNING,
               "database: %d of %zu tables have no transactions (MyISAM): a "
               "write of several rows that fails half-way keeps what it "
               "wrote (docs/database.md \"MyISAM\")", ntx,
               od_catalog_ntables(cat));
    return ODAPI_OK;
}
