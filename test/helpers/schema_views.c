/* schema_views - check the engine's idea of what a database can run
 * (lib/engine/view.c, lib/db/sqlneeds.c: read from the catalog, without
 * asking the server) against the server's own verdict: every statement
 * piece of every description is prepared (never run) in the database.
 * A piece the view serves must prepare; a piece it leaves out must fail
 * with "unknown column" or "no such table". Prints each disagreement and
 * a summary; exit 0 when all agree.
 *
 *   schema_views SOCKET DATABASE   (as root, no password)
 */
#include "engine/resource-internal.h"
#include "db/catalog-internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static MYSQL *m;
static int agreed, disagreed;

/* 1 prepared, 0 failed for lack of a column or table, -1 other error. */
static int prepares(const char *sql, char *err, size_t errlen)
{
    MYSQL_STMT *st = mysql_stmt_init(m);
    int rc = 1;
    unsigned e;
    if (mysql_stmt_prepare(st, sql, (unsigned long)strlen(sql)) != 0) {
        e = mysql_stmt_errno(st);
        snprintf(err, errlen, "%u %s", e, mysql_stmt_error(st));
        rc = e == ER_BAD_FIELD_ERROR || e == ER_NO_SUCH_TABLE ? 0 : -1;
    }
    mysql_stmt_close(st);
    return rc;
}

static void expect(const struct od_resource *r, const char *what, int served,
                   const char *sql)
{
    char err[512] = "";
    int got = prepares(sql, err, sizeof err);
    if ((served && got == 1) || (!served && got == 0)) {
        agreed++;
        return;
    }
    disagreed++;
    printf("DISAGREE %s %s: the view %s it, the server %s (%s)\n  %s\n",
           r->name, what, served ? "serves" : "leaves out",
           got == 1 ? "prepares it" : "refuses it", err, sql);
}

/* A piece in the resource's FROM: with the view's joins when served,
 * with all of the description's when left out. */
static void piece(const struct od_resource *r, const struct od_rview *v,
                  const char *what, int served, const char *head,
                  const char *tail)
{
    char sql[8192];
    snprintf(sql, sizeof sql, "%s FROM `%s` t %s%s", head, r->table,
             served ? (v->joins ? v->joins : "") : (r->joins ? r->joins : ""),
             tail ? tail : "");
    expect(r, what, served, sql);
}

static void one_resource(struct od_catalog *cat, const struct od_resource *r)
{
    const struct od_rview *v = od_view(cat, r);
    char head[4096], tail[4096], what[200];
    int i;
    if (!v) {
        printf("DISAGREE %s: no view\n", r->name);
        disagreed++;
        return;
    }
    if (v->unavailable) {
        snprintf(tail, sizeof tail, " WHERE %s",
                 r->base_where ? r->base_where : "1=1");
        piece(r, v, "(the resource)", 0, "SELECT 1", tail);
        return;
    }
    expect(r, "(its GET statement)", 1, v->sql);
    for (i = 0; i < r->nfields; i++) {
        const struct od_field *f = &r->fields[i];
        if (f->wire == OD_W_SERVERTIME)
            continue;
        snprintf(what, sizeof what, "field %s", f->name);
        if (f->expr)
            snprintf(head, sizeof head, "SELECT %s", f->expr);
        else
            snprintf(head, sizeof head, "SELECT t.`%s`", OD_COL(f));
        if (!f->expr || v->field[i] || (f->flags & OD_F_RO))
            piece(r, v, what, v->field[i], head, NULL);
        if (f->fk) {
            snprintf(what, sizeof what, "fk of %s", f->name);
            expect(r, what, v->fk[i] || !v->field[i], f->fk);
        }
    }
    for (i = 0; i < r->nfilters; i++) {
        snprintf(what, sizeof what, "filter %s", r->filters[i].param);
        snprintf(tail, sizeof tail, " WHERE (%s)", r->filters[i].cond);
        piece(r, v, what, v->filter[i], "SELECT 1", tail);
    }
    for (i = 0; i < r->nlookups; i++) {
        snprintf(what, sizeof what, "lookup %s", r->lookups[i].input);
        expect(r, what, v->lookup[i], r->lookups[i].sql);
        if (r->lookups[i].create) {
            snprintf(what, sizeof what, "lookup %s (its insert)",
                     r->lookups[i].input);
            expect(r, what, v->lookup[i], r->lookups[i].create);
        }
    }
    for (i = 0; i < r->nchecks; i++) {
        snprintf(what, sizeof what, "check %d", i);
        expect(r, what, v->check[i], r->checks[i].sql);
    }
    for (i = 0; i < r->nsqldefaults; i++) {
        snprintf(what, sizeof what, "default %s", r->sqldefaults[i].field);
        expect(r, what, v->sqldefault[i], r->sqldefaults[i].sql);
    }
    if (r->after_insert)
        expect(r, "after_insert", v->after_insert, r->after_insert);
    if (r->before_put)
        expect(r, "before_put", v->before_put, r->before_put);
    if (r->delete_sql)
        expect(r, "delete_sql", v->delete_ok, r->delete_sql);
    if (r->order && v->order) {
        snprintf(tail, sizeof tail, " ORDER BY %s", r->order);
        piece(r, v, "order", 1, "SELECT 1", tail);
    }
}

int main(int argc, char **argv)
{
    struct od_catalog *cat;
    char err[512];
    int i;
    if (argc != 3) {
        fprintf(stderr, "usage: schema_views SOCKET DATABASE\n");
        return 2;
    }
    if (od_mysql_load(OD_MYSQL_CLIENT, err, sizeof err) != 0 ||
        mysql_library_init(-1, NULL, NULL) != 0 || !(m = mysql_init(NULL)) ||
        !mysql_real_connect(m, "localhost", "root", NULL, argv[2], 0, argv[1],
                            0)) {
        fprintf(stderr, "schema_views: cannot connect: %s\n",
                m ? mysql_error(m) : err);
        return 2;
    }
    if (od_catalog_read(m, &cat, err, sizeof err) != ODAPI_OK) {
        fprintf(stderr, "schema_views: %s\n", err);
        return 2;
    }
    for (i = 0; od_resources[i]; i++)
        one_resource(cat, od_resources[i]);
    printf("%d pieces agree, %d disagree\n", agreed, disagreed);
    od_catalog_free(cat);
    mysql_close(m);
    mysql_library_end();
    return disagreed ? 1 : 0;
}
