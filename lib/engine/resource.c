/* resource.c - the generic engine behind described resources: GET one,
 * GET list (filters, paging, DateTStamp, serverDateTime), POST (201 +
 * Location), PUT (partial update), DELETE; input validation against the
 * description; one transaction per write with its securitylog row.
 *
 * SQL text is only ever put together from the description's own pieces;
 * every value from a request is a bound parameter. */
#include "engine/resource-internal.h"
#include "db/catalog-internal.h"
#include "db/mysql-api-internal.h"

#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <mysqld_error.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_PARAMS 48
#define PAGE_MAX 1000
#define DEFER_OFFSET 1000 /* h_get_list: a deferred join from this Offset */
#define COLBUF 256

/* ---- bound values ---------------------------------------------------------- */

enum pkind { P_INT, P_STR, P_DBL, P_NOW, P_NULL };

struct pval {
    enum pkind kind;
    long long i;
    double d;
    char *s;
    unsigned long slen;
};

static void pval_str(struct pval *p, const char *s)
{
    p->kind = P_STR;
    p->s = strdup(s);
    p->slen = p->s ? (unsigned long)strlen(p->s) : 0;
}

static void pval_int(struct pval *p, long long v)
{
    p->kind = P_INT;
    p->i = v;
}

/* ---- a request's job ------------------------------------------------------- */

enum op { OP_ONE, OP_LIST, OP_POST, OP_PUT, OP_DELETE, OP_UPSERT };

struct wval {
    const struct od_field *f;
    struct pval v;
    int defname; /* v.s is an ItemName to resolve in category f->defcat */
    const struct od_lookup *lk; /* v.s is to be resolved by lk->sql */
    int implicit; /* a POST default or NOW(): not written when an upsert
                     updates */
    char *create; /* a lookup's text whose row is still to be made
                     (od_lookup.create): v is -1 until then */
};

struct rjob {
    odapi_request *req;
    const struct od_resource *r;
    const struct od_rview *v; /* r in the attached database */
    enum op op;
    struct od_buf sql;
    struct pval params[MAX_PARAMS];
    int nparams;
    struct wval vals[64];
    int nvals;
    int upsert; /* PUT /name: update the row upsert_keys match, else insert */
    long long key;
    int status;
    char msg[256];
    struct od_buf out;
    char developer[128];
    char date_fmt[64], datetime_fmt[64];
    json_t *body; /* a POST's body, kept for r->post_fn */
    long long list_pat; /* r->list_patient's value (0: not given) */
    int returned; /* the POST's answer came from its INSERT ... RETURNING */
};

static void job_free(struct rjob *j)
{
    int i;
    json_decref(j->body);
    for (i = 0; i < j->nparams; i++)
        free(j->params[i].s);
    for (i = 0; i < j->nvals; i++) {
        free(j->vals[i].v.s);
        free(j->vals[i].create);
    }
    od_buf_free(&j->sql);
    od_buf_free(&j->out);
    free(j);
}

static void fail(struct rjob *j, int status, const char *fmt, ...)
    OD_PRINTF(3, 4);
static void fail(struct rjob *j, int status, const char *fmt, ...)
{
    va_list ap;
    j->status = status;
    va_start(ap, fmt);
    vsnprintf(j->msg, sizeof j->msg, fmt, ap);
    va_end(ap);
}

/* ---- parsing values -------------------------------------------------------- */

/* A number as the database writes it ("1e-05" for a DOUBLE): only for
 * what the database returns. Request values go through od_parse_decimal. */
static int db_double(const char *s, double *out)
{
    char *end;
    double v;
    if (!*s)
        return -1;
    errno = 0;
    v = strtod(s, &end);
    if (errno || *end || v != v)
        return -1;
    *out = v;
    return 0;
}

/* "R,G,B", each 0-255 in plain decimal, to the packed int Open Dental
 * stores. */
static int parse_color(const char *s, long long *out)
{
    long long c[3];
    char part[4];
    int i;
    for (i = 0; i < 3; i++) {
        size_t len = strcspn(s, ",");
        if (len == 0 || len >= sizeof part)
            return -1;
        memcpy(part, s, len);
        part[len] = '\0';
        if (od_parse_ll(part, &c[i]) || c[i] < 0 || c[i] > 255)
            return -1;
        s += len;
        if (*s != (i < 2 ? ',' : '\0'))
            return -1;
        s += i < 2;
    }
    *out = (c[0] << 16) | (c[1] << 8) | c[2];
    return 0;
}

static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            n++;
    return n;
}

/* ---- output ---------------------------------------------------------------- */

/* .NET custom date format subset: yyyy yy MM M dd d HH H hh h mm m ss s tt,
 * quoted literals; everything else is copied. */
static void format_dt(struct od_buf *b, const char *fmt, const char *v)
{
    int y = 1, mo = 1, d = 1, h = 0, mi = 0, s = 0;
    char out[128];
    size_t n = 0;
    sscanf(v, "%d-%d-%d %d:%d:%d", &y, &mo, &d, &h, &mi, &s);
    while (*fmt && n + 8 < sizeof out) {
        size_t run = 1;
        char c = *fmt;
        int num = -1, width;
        while (fmt[run] == c)
            run++;
        width = run >= 2 ? 2 : 1;
        switch (c) {
        case 'y':
            num = run >= 4 ? y : y % 100;
            width = run >= 4 ? 4 : 2;
            break;
        case 'M': num = mo; break;
        case 'd': num = d; break;
        case 'H': num = h; break;
        case 'h': num = h % 12 ? h % 12 : 12; break;
        case 'm': num = mi; break;
        case 's': num = s; break;
        default: break;
        }
        if (num >= 0) {
            n += (size_t)snprintf(out + n, sizeof out - n, "%0*d", width,
                                  num);
            fmt += run;
            continue;
        }
        switch (c) {
        case 't':
            n += (size_t)snprintf(out + n, sizeof out - n, "%s",
                                  run >= 2 ? (h < 12 ? "AM" : "PM")
                                           : (h < 12 ? "A" : "P"));
            break;
        case '\'': {
            const char *e = strchr(fmt + 1, '\'');
            size_t l = e ? (size_t)(e - fmt - 1) : strlen(fmt + 1);
            if (l > sizeof out - n - 1)
                l = sizeof out - n - 1;
            memcpy(out + n, fmt + 1, l);
            n += l;
            run = e ? (size_t)(e - fmt) + 1 : strlen(fmt);
            break;
        }
        default:
            if (run > sizeof out - n - 1)
                run = sizeof out - n - 1;
            memcpy(out + n, fmt, run);
            n += run;
        }
        fmt += run;
    }
    od_buf_json_str(b, out, n, 0);
}

/* A number's text from the database ("-12.50") in parts, when it is plain
 * enough that the printf formats below can be written without strtod and
 * printf: an optional '-', digits without a leading zero (or one 0), and
 * optionally '.' and digits, whose trailing zeros are dropped. Significant
 * digits at most 15 (DBL_DIG), so the double strtod makes of it prints
 * back as the same digits. 0, or -1: take the strtod/printf path. */
struct plain_num {
    int neg;
    const char *ip, *fp; /* integer and fraction digits */
    size_t il, fl;       /* fl: without trailing zeros */
    size_t fz;           /* leading zeros of the fraction when ip is "0" */
};

static int plain_number(const char *v, unsigned long len, struct plain_num *n)
{
    const char *e = v + len, *q = v;
    size_t sig;
    n->neg = q < e && *q == '-';
    q += n->neg;
    n->ip = q;
    while (q < e && *q >= '0' && *q <= '9')
        q++;
    n->il = (size_t)(q - n->ip);
    if (n->il == 0 || n->il > 15 || (n->il > 1 && n->ip[0] == '0'))
        return -1;
    n->fp = q;
    n->fl = n->fz = 0;
    if (q < e) {
        if (*q++ != '.' || q == e)
            return -1;
        n->fp = q;
        while (q < e && *q >= '0' && *q <= '9')
            q++;
        if (q != e)
            return -1;
        n->fl = (size_t)(q - n->fp);
        while (n->fl && n->fp[n->fl - 1] == '0')
            n->fl--;
    }
    if (n->il == 1 && n->ip[0] == '0') {
        while (n->fz < n->fl && n->fp[n->fz] == '0')
            n->fz++;
        sig = n->fl - n->fz;
    } else {
        sig = n->il + n->fl;
    }
    return sig <= 15 ? 0 : -1;
}

/* printf("%.15g", strtod(v)) for a plain number: 1, or 0 when that would
 * not be these digits ("0.00001" is 1e-05). */
static int put_g15(struct od_buf *b, const struct plain_num *n)
{
    if (n->il == 1 && n->ip[0] == '0' && n->fl && n->fz > 3)
        return 0;
    if (n->neg)
        od_buf_addc(b, '-');
    od_buf_add(b, n->ip, n->il);
    if (n->fl) {
        od_buf_addc(b, '.');
        od_buf_add(b, n->fp, n->fl);
    }
    return 1;
}

/* The value's integer: *ival when given, else its text; dflt when null or
 * not a number. */
static long long value_ll(const char *v, int isnull, const long long *ival,
                          long long dflt)
{
    long long iv;

    if (ival)
        return *ival;
    return isnull || od_parse_ll(v, &iv) ? dflt : iv;
}

static void put_enum(struct od_buf *b, const struct od_field *f,
                     long long iv)
{
    const char *name = od_enum_name(f->enm, (long)iv);
    char tmp[32];

    if (!name) {
        snprintf(tmp, sizeof tmp, "%lld", iv);
        name = tmp;
    }
    od_buf_json_str(b, name, strlen(name), 0);
}

static void put_date(struct rjob *j, const struct od_field *f, const char *v,
                     unsigned long len, int isnull)
{
    int dt = f->wire == OD_W_DATETIME;
    const char *blank = dt ? "0001-01-01 00:00:00" : "0001-01-01";
    const char *fmt = dt ? j->datetime_fmt : j->date_fmt;
    size_t want = dt ? 19 : 10;

    if (isnull || len < want || strncmp(v, "0000", 4) == 0)
        v = blank;
    if (fmt[0])
        format_dt(&j->out, fmt, v);
    else
        od_buf_json_str(&j->out, v, want, 0);
}

static void put_money(struct od_buf *b, const char *v, unsigned long len,
                      int isnull)
{
    struct plain_num pn;
    double dv;

    /* %.2f of a plain number with at most two decimals is its digits
     * while the double's error (half a unit in the last place) stays
     * well under 0.005: below 1e13 (< 2^44) it is at most 2^-10. */
    if (!isnull && plain_number(v, len, &pn) == 0 && pn.fl <= 2 &&
        pn.il <= 13) {
        od_buf_addc(b, '"');
        if (pn.neg)
            od_buf_addc(b, '-');
        od_buf_add(b, pn.ip, pn.il);
        od_buf_addc(b, '.');
        od_buf_add(b, pn.fp, pn.fl);
        od_buf_add(b, "00", 2 - pn.fl);
        od_buf_addc(b, '"');
        return;
    }
    if (isnull || db_double(v, &dv))
        dv = 0;
    od_buf_printf(b, "\"%.2f\"", dv);
}

static void put_money_raw(struct od_buf *b, const char *v, unsigned long len,
                          int isnull)
{
    struct plain_num pn;
    double dv;

    if (!isnull && plain_number(v, len, &pn) == 0) {
        size_t at = b->len;
        od_buf_addc(b, '"');
        if (put_g15(b, &pn)) {
            od_buf_addc(b, '"');
            return;
        }
        b->len = at;
    }
    if (isnull || db_double(v, &dv))
        dv = 0;
    od_buf_printf(b, "\"%.15g\"", dv);
}

/* "0" -> 0.0, "12.50" -> 12.5 */
static void put_number(struct od_buf *b, const char *v, unsigned long len,
                       int isnull)
{
    struct plain_num pn;
    char tmp[64];
    double dv;

    if (!isnull && plain_number(v, len, &pn) == 0 && put_g15(b, &pn)) {
        if (!pn.fl)
            od_buf_add(b, ".0", 2);
        return;
    }
    if (isnull || db_double(v, &dv))
        dv = 0;
    snprintf(tmp, sizeof tmp, "%.15g", dv);
    if (!strchr(tmp, '.') && !strchr(tmp, 'e'))
        strcat(tmp, ".0");
    od_buf_adds(b, tmp);
}

static void put_color(struct od_buf *b, long long iv)
{
    od_buf_addc(b, '"');
    od_buf_add_ll(b, (iv >> 16) & 255);
    od_buf_addc(b, ',');
    od_buf_add_ll(b, (iv >> 8) & 255);
    od_buf_addc(b, ',');
    od_buf_add_ll(b, iv & 255);
    od_buf_addc(b, '"');
}

/* "3,5" -> [3,5]; anything not a number is skipped */
static void put_intlist(struct od_buf *b, const char *q)
{
    long long iv;
    int n = 0;

    od_buf_addc(b, '[');
    while (*q) {
        char *end;
        errno = 0;
        iv = strtoll(q, &end, 10);
        if (end != q && !errno) {
            if (n++)
                od_buf_addc(b, ',');
            od_buf_add_ll(b, iv);
        }
        q = end != q ? end : q + 1;
        while (*q == ',' || *q == ' ')
            q++;
    }
    od_buf_addc(b, ']');
}

/* One field's value as JSON. ival: an integer column bound as an integer
 * (run_select), what od_parse_ll would have read from its text. */
static void put_value(struct rjob *j, const struct od_field *f,
                      const char *v, unsigned long len, int isnull,
                      const char *now, const long long *ival)
{
    struct od_buf *b = &j->out;

    if (ival && isnull)
        ival = NULL;
    if (ival)
        v = "";
    switch (f->wire) {
    case OD_W_INT:
        od_buf_add_ll(b, value_ll(v, isnull, ival, 0));
        break;
    case OD_W_INT_STR:
        od_buf_addc(b, '"');
        od_buf_add_ll(b, value_ll(v, isnull, ival, 0));
        od_buf_addc(b, '"');
        break;
    case OD_W_TEXT:
        od_buf_json_str(b, isnull ? "" : v, isnull ? 0 : len, 1);
        break;
    case OD_W_ENUM:
        put_enum(b, f, value_ll(v, isnull, ival, f->enm->first));
        break;
    case OD_W_BOOL:
        if (ival ? *ival != 0 : !isnull && v[0] && strcmp(v, "0") != 0)
            od_buf_add(b, "\"true\"", 6);
        else
            od_buf_add(b, "\"false\"", 7);
        break;
    case OD_W_DATE:
    case OD_W_DATETIME:
        put_date(j, f, v, len, isnull);
        break;
    case OD_W_TIME:
        if (isnull || len < 8)
            od_buf_adds(b, "\"00:00:00\"");
        else
            od_buf_json_str(b, v, len > 8 && v[2] == ':' ? 8 : len, 0);
        break;
    case OD_W_MONEY:
        put_money(b, v, len, isnull);
        break;
    case OD_W_MONEY_RAW:
        put_money_raw(b, v, len, isnull);
        break;
    case OD_W_NUMBER:
        put_number(b, v, len, isnull);
        break;
    case OD_W_COLOR:
        put_color(b, value_ll(v, isnull, ival, 0));
        break;
    case OD_W_SERVERTIME:
        od_buf_json_str(b, now ? now : "", now ? strlen(now) : 0, 0);
        break;
    case OD_W_INTLIST:
        put_intlist(b, isnull ? "" : v);
        break;
    }
}

/* The select list (every field this database has but serverDateTime,
 * then NOW() if needed); select_list_from stops before FROM. Built once
 * per database (view.c). */
static void select_list_from(struct od_buf *b, const struct od_rview *v)
{
    od_buf_add(b, v->sql, v->head_len);
}

static void select_list(struct od_buf *b, const struct od_rview *v)
{
    od_buf_add(b, v->sql, v->select_len);
}

static int bind_params(MYSQL_STMT *st, struct pval *p, int n, MYSQL_BIND *b)
{
    int i;
    memset(b, 0, sizeof *b * (size_t)n);
    for (i = 0; i < n; i++) {
        switch (p[i].kind) {
        case P_INT:
            b[i].buffer_type = MYSQL_TYPE_LONGLONG;
            b[i].buffer = &p[i].i;
            break;
        case P_DBL:
            b[i].buffer_type = MYSQL_TYPE_DOUBLE;
            b[i].buffer = &p[i].d;
            break;
        case P_STR:
        case P_NOW:
            b[i].buffer_type = MYSQL_TYPE_STRING;
            b[i].buffer = p[i].s ? p[i].s : (char *)"";
            b[i].buffer_length = p[i].slen;
            b[i].length = &p[i].slen;
            break;
        case P_NULL:
            b[i].buffer_type = MYSQL_TYPE_NULL;
            break;
        }
    }
    return n ? (int)mysql_stmt_bind_param(st, b) : 0;
}

/* An integer column whose wire type reads it as a number: bound as a
 * long long rather than as text (no int10_to_str and strtoll per value).
 * Not for BIGINT UNSIGNED (od_parse_ll reads a value above LLONG_MAX as 0)
 * nor ZEROFILL ("00" is true for OD_W_BOOL's text test). */
static int int_column(const MYSQL_FIELD *mf, const struct od_field *f)
{
    if (!f || (mf->flags & ZEROFILL_FLAG))
        return 0;
    switch (f->wire) {
    case OD_W_INT:
    case OD_W_INT_STR:
    case OD_W_ENUM:
    case OD_W_BOOL:
    case OD_W_COLOR:
        break;
    default:
        return 0;
    }
    switch (mf->type) {
    case MYSQL_TYPE_TINY:
    case MYSQL_TYPE_SHORT:
    case MYSQL_TYPE_INT24:
    case MYSQL_TYPE_LONG:
        return 1;
    case MYSQL_TYPE_LONGLONG:
        return !(mf->flags & UNSIGNED_FLAG);
    default:
        return 0;
    }
}

/* DATETIME, TIMESTAMP and DATE columns without fractions are fetched as
 * MYSQL_TIME and written by time_text: as text the client formats each
 * with sprintf (perf: ~10% of a 50-appointment list's CPU). */
static int time_column(const MYSQL_FIELD *mf)
{
    return mf->decimals == 0 &&
           (mf->type == MYSQL_TYPE_DATETIME ||
            mf->type == MYSQL_TYPE_TIMESTAMP || mf->type == MYSQL_TYPE_DATE);
}

static char *digits(char *o, unsigned v, int n)
{
    int i;
    for (i = n - 1; i >= 0; i--, v /= 10)
        o[i] = (char)('0' + v % 10);
    return o + n;
}

/* The text the client would have given: "YYYY-MM-DD[ hh:mm:ss]". */
static unsigned long time_text(char *out, const MYSQL_TIME *t, int date_only)
{
    char *o = out;
    o = digits(o, t->year % 10000, 4);
    *o++ = '-';
    o = digits(o, t->month % 100, 2);
    *o++ = '-';
    o = digits(o, t->day % 100, 2);
    if (!date_only) {
        *o++ = ' ';
        o = digits(o, t->hour % 100, 2);
        *o++ = ':';
        o = digits(o, t->minute % 100, 2);
        *o++ = ':';
        o = digits(o, t->second % 100, 2);
    }
    *o = '\0';
    return (unsigned long)(o - out);
}

/* The result columns of one SELECT, bound for fetching, and the JSON keys of
 * the resource's fields. */
struct colset {
    unsigned n;
    MYSQL_RES *meta;
    MYSQL_FIELD *mf;
    MYSQL_BIND *rb;
    char *bufs;
    unsigned long *lens;
    my_bool *nulls, *errs;
    long long *ivals;
    MYSQL_TIME *tvals;
    unsigned char *isint; /* 1: an integer, 2: a time, 0: text */
    char *big[64];        /* this row's values too long for their buffer */
    struct od_buf keys;   /* ,"Name": of every field, in order */
    size_t *koff;
};

static void colset_free(struct colset *cs)
{
    if (cs->meta)
        mysql_free_result(cs->meta);
    free(cs->rb);
    free(cs->bufs);
    free(cs->lens);
    free(cs->nulls);
    free(cs->errs);
    free(cs->ivals);
    free(cs->tvals);
    free(cs->isint);
    free(cs->koff);
    od_buf_free(&cs->keys);
}

/* The arrays for the statement's columns and the keys of every field of r.
 * Returns 0, or -1 when memory ran out. */
static int colset_alloc(struct colset *cs, MYSQL_STMT *st,
                        const struct od_resource *r)
{
    unsigned n = mysql_stmt_field_count(st);
    int k;

    memset(cs, 0, sizeof *cs);
    od_buf_init(&cs->keys);
    cs->n = n;
    if ((cs->meta = mysql_stmt_result_metadata(st)))
        cs->mf = mysql_fetch_fields(cs->meta);
    cs->rb = calloc(n, sizeof *cs->rb);
    cs->bufs = malloc((size_t)n * COLBUF);
    cs->lens = calloc(n, sizeof *cs->lens);
    cs->nulls = calloc(n, sizeof *cs->nulls);
    cs->errs = calloc(n, sizeof *cs->errs);
    cs->ivals = calloc(n, sizeof *cs->ivals);
    cs->tvals = calloc(n, sizeof *cs->tvals);
    cs->isint = calloc(n, 1);
    cs->koff = calloc((size_t)r->nfields + 1, sizeof *cs->koff);
    if (!cs->koff)
        return -1;
    for (k = 0; k < r->nfields; k++) {
        const char *name = r->fields[k].name;
        cs->koff[k] = cs->keys.len;
        od_buf_addc(&cs->keys, ',');
        od_buf_json_str(&cs->keys, name, strlen(name), 0);
        od_buf_addc(&cs->keys, ':');
    }
    cs->koff[r->nfields] = cs->keys.len;
    return cs->rb && cs->bufs && cs->lens && cs->nulls && cs->errs &&
                   cs->ivals && cs->tvals && cs->isint && !cs->keys.oom
               ? 0
               : -1;
}

/* Bind every column: integers and times in their own type, the rest as text
 * into a COLBUF slot. The select list is every served field but
 * serverDateTime, in order. */
static int colset_bind(struct colset *cs, MYSQL_STMT *st, const struct rjob *j)
{
    const struct od_resource *r = j->r;
    const struct od_field *colf;
    unsigned i = 0;
    int k = 0;

    for (i = 0; i < cs->n; i++) {
        MYSQL_BIND *b = &cs->rb[i];
        /* the field of column i; NULL: NOW() */
        while (k < r->nfields && (r->fields[k].wire == OD_W_SERVERTIME ||
                                  !j->v->field[k]))
            k++;
        colf = k < r->nfields ? &r->fields[k++] : NULL;
        cs->isint[i] = cs->mf && int_column(&cs->mf[i], colf);
        if (cs->isint[i]) {
            /* No length or error pointer: the statement stays cached with
             * this binding after these arrays are freed, and the client
             * writes *length of a fixed-size binding again in a later
             * mysql_stmt_execute when the result's metadata changed
             * (valgrind: an invalid write there). Left NULL, the client
             * points them into its own copy of the binding. */
            b->buffer_type = MYSQL_TYPE_LONGLONG;
            b->buffer = &cs->ivals[i];
        } else if (cs->mf && time_column(&cs->mf[i])) {
            /* isint 2: a time; the same for its binding as an integer */
            cs->isint[i] = 2;
            b->buffer_type = cs->mf[i].type;
            b->buffer = &cs->tvals[i];
        } else {
            b->buffer_type = MYSQL_TYPE_STRING;
            b->buffer = cs->bufs + (size_t)i * COLBUF;
            b->buffer_length = COLBUF - 1;
            b->length = &cs->lens[i];
            b->error = &cs->errs[i];
        }
        b->is_null = &cs->nulls[i];
    }
    return mysql_stmt_bind_result(st, cs->rb) ? -1 : 0;
}

/* After a fetch: times as text, and values longer than their slot fetched
 * whole into cs->big (freed by colset_row_done). */
static void colset_row_text(struct colset *cs, MYSQL_STMT *st)
{
    unsigned i;

    for (i = 0; i < cs->n; i++)
        if (cs->isint[i] == 2 && !cs->nulls[i])
            cs->lens[i] = time_text(cs->bufs + (size_t)i * COLBUF,
                                    &cs->tvals[i],
                                    cs->mf[i].type == MYSQL_TYPE_DATE);
    for (i = 0; i < cs->n && i < 64; i++) {
        cs->big[i] = NULL;
        if (cs->nulls[i] || cs->isint[i])
            continue;
        if (cs->lens[i] >= COLBUF - 1) {
            MYSQL_BIND one;
            cs->big[i] = malloc(cs->lens[i] + 1);
            if (!cs->big[i])
                continue;
            memset(&one, 0, sizeof one);
            one.buffer_type = MYSQL_TYPE_STRING;
            one.buffer = cs->big[i];
            one.buffer_length = cs->lens[i] + 1;
            mysql_stmt_fetch_column(st, &one, i, 0);
            cs->big[i][cs->lens[i]] = '\0';
        } else {
            cs->bufs[(size_t)i * COLBUF + cs->lens[i]] = '\0';
        }
    }
}

static void colset_row_done(struct colset *cs)
{
    unsigned i;

    for (i = 0; i < cs->n && i < 64; i++)
        free(cs->big[i]);
}

/* Write the fetched row as one JSON object. */
static void write_row(struct rjob *j, struct colset *cs, int with_st)
{
    const struct od_resource *r = j->r;
    const char *now = NULL;
    unsigned ci = 0;
    int k, first = 1;

    if (r->server_time && cs->n > 0 && !cs->nulls[cs->n - 1])
        now = cs->bufs + (size_t)(cs->n - 1) * COLBUF;
    od_buf_addc(&j->out, '{');
    for (k = 0; k < r->nfields; k++) {
        const struct od_field *f = &r->fields[k];
        const char *v = "";
        const long long *ival = NULL;
        unsigned long len = 0;
        int isnull = 1;
        /* serverDateTime: in GET answers only (POST/PUT omit it);
         * fields this database lacks: left out */
        if ((f->wire == OD_W_SERVERTIME && !with_st) || !j->v->field[k])
            continue;
        od_buf_add(&j->out, cs->keys.p + cs->koff[k] + first,
                   cs->koff[k + 1] - cs->koff[k] - (size_t)first);
        first = 0;
        if (f->wire != OD_W_SERVERTIME) {
            if (ci < cs->n) {
                isnull = cs->nulls[ci];
                len = cs->lens[ci];
                if (cs->isint[ci] == 1)
                    ival = &cs->ivals[ci];
                else
                    v = ci < 64 && cs->big[ci]
                            ? cs->big[ci]
                            : cs->bufs + (size_t)ci * COLBUF;
            }
            ci++;
        }
        put_value(j, f, v, len, isnull, with_st ? now : "", ival);
    }
    od_buf_addc(&j->out, '}');
}

/* Run the statement and write its rows as JSON objects. Returns the row
 * count, or -1 with j->status set. */
static int fetch_rows(struct od_conn *c, struct rjob *j, MYSQL_STMT *st,
                      int as_list, int with_st, long long *key);

static int run_select(struct od_conn *c, struct rjob *j, const char *sql,
                      struct pval *params, int nparams, int as_list,
                      int with_st)
{
    const struct od_resource *r = j->r;
    MYSQL_STMT *st = od_conn_stmt(c, sql);
    MYSQL_BIND pb[MAX_PARAMS];

    if (!st) {
        fail(j, 500, "The query for %s could not be prepared.", r->name);
        return -1;
    }
    if (bind_params(st, params, nparams, pb) || mysql_stmt_execute(st)) {
        od_conn_note_error(c, mysql_stmt_errno(st));
        fail(j, c->lost ? 503 : 500, "%s", c->lost
                 ? "The database is not available."
                 : "The database could not run the query.");
        if (!c->lost)
            od_conn_log(c, ODAPI_LOG_ERROR, "%s: %s", r->name,
                        mysql_stmt_error(st));
        return -1;
    }
    return fetch_rows(c, j, st, as_list, with_st, NULL);
}

/* The select-list column of the resource's key (-1: not served). */
static int key_column(const struct rjob *j)
{
    int k, ci = 0;
    for (k = 0; k < j->r->nfields; k++) {
        const struct od_field *f = &j->r->fields[k];
        if (f->wire == OD_W_SERVERTIME || !j->v->field[k])
            continue;
        if (!f->expr && strcmp(OD_COL(f), j->r->pk) == 0)
            return ci;
        ci++;
    }
    return -1;
}

/* The rows of the executed statement st as JSON objects into j->out;
 * key (if not NULL): the last row's key column. Returns the row count, or
 * -1 with j->status set. */
static int fetch_rows(struct od_conn *c, struct rjob *j, MYSQL_STMT *st,
                      int as_list, int with_st, long long *key)
{
    struct colset cs;
    int rows = 0, rc, kc = key ? key_column(j) : -1;

    if (colset_alloc(&cs, st, j->r)) {
        fail(j, 500, "Out of memory.");
        rows = -1;
    } else if (colset_bind(&cs, st, j)) {
        fail(j, 500, "The database could not return the rows.");
        rows = -1;
    }
    if (rows < 0)
        goto out;
    if (as_list)
        od_buf_addc(&j->out, '[');
    while ((rc = mysql_stmt_fetch(st)) == 0 || rc == MYSQL_DATA_TRUNCATED) {
        colset_row_text(&cs, st);
        if (kc >= 0 && (unsigned)kc < cs.n && !cs.nulls[kc])
            *key = cs.isint[kc] == 1 ? cs.ivals[kc]
                                     : strtoll(cs.bufs + (size_t)kc * COLBUF,
                                               NULL, 10);
        if (rows)
            od_buf_addc(&j->out, ',');
        write_row(j, &cs, with_st);
        colset_row_done(&cs);
        rows++;
    }
    if (rc != MYSQL_NO_DATA) {
        od_conn_note_error(c, od_stmt_errno(st));
        fail(j, c->lost ? 503 : 500, "The database could not return the rows.");
        rows = -1;
    } else if (as_list) {
        od_buf_addc(&j->out, ']');
    }
out:
    mysql_stmt_free_result(st);
    colset_free(&cs);
    return rows;
}

/* ---- rows for other modules (resource-internal.h) -------------------------- */

int od_resource_rows_json(struct od_conn *c, const struct od_resource *r,
                          const char *where, const char *order,
                          const char *const *params, int nparams, long limit,
                          struct od_buf *out, char *err, size_t errlen)
{
    struct rjob *j = calloc(1, sizeof *j);
    int i, n = -1;
    if (!j || nparams < 0 || nparams > MAX_PARAMS - 1) {
        snprintf(err, errlen, "%s", j ? "Too many parameters." : "Out of memory.");
        free(j);
        return -1;
    }
    j->r = r;
    j->op = OP_LIST;
    if (!(j->v = od_view(od_db_catalog(c->db), r)) || j->v->unavailable) {
        snprintf(err, errlen, "%s is not available in this database.",
                 r->name);
        job_free(j);
        return -1;
    }
    select_list(&j->sql, j->v);
    od_buf_printf(&j->sql, " WHERE %s ORDER BY %s LIMIT ?", where, order);
    for (i = 0; i < nparams; i++)
        pval_str(&j->params[j->nparams++], params[i]);
    pval_int(&j->params[j->nparams++], limit);
    if (j->sql.oom)
        fail(j, 500, "Out of memory.");
    else
        n = run_select(c, j, j->sql.p, j->params, j->nparams, 1, 1);
    if (n >= 0 && j->out.oom) {
        fail(j, 500, "Out of memory.");
        n = -1;
    }
    if (n < 0) {
        snprintf(err, errlen, "%s", j->msg);
    } else {
        od_buf_free(out);
        *out = j->out;
        od_buf_init(&j->out);
    }
    job_free(j);
    return n;
}

/* ---- GET ------------------------------------------------------------------- */

static int fetch_one(struct od_conn *c, struct rjob *j, long long key,
                     int with_st)
{
    struct pval p;
    int n;
    memset(&p, 0, sizeof p);
    pval_int(&p, key);
    od_buf_free(&j->out);
    /* the view's statement: built once per database */
    n = run_select(c, j, j->v->sql, &p, 1, 0, with_st);
    if (n == 0)
        fail(j, 404, "%s", j->r->missing);
    return n;
}

static int work_one(struct od_conn *c, void *arg)
{
    struct rjob *j = arg;
    j->status = 0; /* a run again (new connection, the primary) starts anew */
    if (fetch_one(c, j, j->key, 1) < 0 && c->lost)
        return OD_WORK_RETRY;
    return OD_WORK_DONE;
}

static int lookup_key(struct od_conn *c, const char *sql, struct pval *p,
                      int n, long long *out);

static int work_list(struct od_conn *c, void *arg)
{
    struct rjob *j = arg;
    int n;
    j->status = 0; /* a run again (new connection, the primary) starts anew */
    od_buf_free(&j->out);
    n = run_select(c, j, j->sql.p, j->params, j->nparams, !j->r->list_single,
                   1);
    if (n < 0 && c->lost)
        return OD_WORK_RETRY;
    if (n == 0 && j->list_pat > 0) {
        struct pval p;
        long long one = 0;
        int rc;
        memset(&p, 0, sizeof p);
        pval_int(&p, j->list_pat);
        rc = lookup_key(c, "SELECT PatNum FROM patient WHERE PatNum = ?", &p,
                        1, &one);
        if (rc < 0) {
            fail(j, c->lost ? 503 : 500, "%s", c->lost
                     ? "The database is not available."
                     : "The database could not run the query.");
            return c->lost ? OD_WORK_RETRY : OD_WORK_DONE;
        }
        if (rc == 0) {
            fail(j, 404, "Patient not found.");
            return OD_WORK_DONE;
        }
    }
    if (n == 0 && j->r->list_single == OD_SINGLE_OR_EMPTY)
        /* apiimplementation.html: no rows is 200 [] */
        od_buf_adds(&j->out, "[]");
    else if (n == 0 && j->r->list_single)
        fail(j, 404, "%s", j->r->missing);
    return OD_WORK_DONE;
}

/* ---- writes ---------------------------------------------------------------- */

static int exec_simple(struct od_conn *c, const char *sql)
{
    if (mysql_query(c->m, sql)) {
        od_conn_note_error(c, mysql_errno(c->m));
        return -1;
    }
    return 0;
}

static int exec_stmt(struct od_conn *c, struct rjob *j, const char *sql,
                     struct pval *p, int n, my_ulonglong *affected,
                     my_ulonglong *insert_id)
{
    MYSQL_STMT *st = od_conn_stmt(c, sql);
    MYSQL_BIND b[MAX_PARAMS + 1];
    if (!st) {
        fail(j, c->lost ? 503 : 500, "%s", c->lost
                 ? "The database is not available."
                 : "The statement could not be prepared.");
        return -1;
    }
    if (bind_params(st, p, n, b) || mysql_stmt_execute(st)) {
        unsigned e = mysql_stmt_errno(st);
        od_conn_note_error(c, e);
        if (c->lost)
            fail(j, 503, "The database is not available.");
        else if (e == ER_DATA_TOO_LONG || e == ER_WARN_DATA_OUT_OF_RANGE ||
                 e == ER_TRUNCATED_WRONG_VALUE ||
                 e == ER_TRUNCATED_WRONG_VALUE_FOR_FIELD)
            fail(j, 400, "A value is out of range: %s", mysql_stmt_error(st));
        else {
            od_conn_log(c, ODAPI_LOG_ERROR, "%s: %s", j->r->name,
                        mysql_stmt_error(st));
            fail(j, 500, "The database refused the change.");
        }
        return -1;
    }
    if (affected)
        *affected = mysql_stmt_affected_rows(st);
    if (insert_id)
        *insert_id = mysql_stmt_insert_id(st);
    return 0;
}

/* Run a one-row query whose first column is an integer into *out.
 * Returns mysql_stmt_fetch's code (*err: the statement's error number), or
 * -1 when the statement could not run (noted on c). */
static int fetch_key(struct od_conn *c, const char *sql, struct pval *p,
                     int n, long long *out, unsigned *err)
{
    MYSQL_STMT *st = od_conn_stmt(c, sql);
    MYSQL_BIND pb[MAX_PARAMS], rb;
    int rc;

    if (!st)
        return -1;
    memset(&rb, 0, sizeof rb);
    rb.buffer_type = MYSQL_TYPE_LONGLONG;
    rb.buffer = out;
    if (bind_params(st, p, n, pb) || mysql_stmt_execute(st) ||
        mysql_stmt_bind_result(st, &rb)) {
        od_conn_note_error(c, mysql_stmt_errno(st));
        return -1;
    }
    rc = mysql_stmt_fetch(st);
    mysql_stmt_free_result(st);
    *err = mysql_stmt_errno(st);
    return rc;
}

/* A one-row lookup whose first column is a key: 1 with *out set when a
 * row came back, 0 when none, -1 on a database error (noted on c). */
static int lookup_key(struct od_conn *c, const char *sql, struct pval *p,
                      int n, long long *out)
{
    unsigned err;
    int rc = fetch_key(c, sql, p, n, out, &err);

    return rc < 0 ? -1 : rc == 0 || rc == MYSQL_DATA_TRUNCATED;
}

/* The same, strict about the fetch: 0 with *out set, 1 when there is no
 * row, -1 on a database error (noted on c). */
static int select_ll(struct od_conn *c, const char *sql, struct pval *p,
                     int n, long long *out)
{
    unsigned err = 0;
    int rc = fetch_key(c, sql, p, n, out, &err);

    if (rc < 0)
        return -1;
    if (rc == MYSQL_NO_DATA)
        return 1;
    if (rc != 0 && rc != MYSQL_DATA_TRUNCATED) {
        od_conn_note_error(c, err);
        return -1;
    }
    return 0;
}

/* w's text replaced by the key found for it. */
static void wval_set_key(struct wval *w, long long key)
{
    free(w->v.s);
    w->v.s = NULL;
    pval_int(&w->v, key);
}

/* Replace w's text by the key a lookup found (a 400 naming what when
 * none). */
static int resolve_to_key(struct od_conn *c, struct rjob *j, struct wval *w,
                          const char *sql, struct pval *p, int n,
                          const char *what)
{
    long long key = 0;
    int rc = lookup_key(c, sql, p, n, &key);
    if (rc <= 0) {
        if (rc == 0)
            fail(j, 400, "%s is invalid.", what);
        return -1;
    }
    wval_set_key(w, key);
    return 0;
}


/* ItemName -> DefNum in a definition category. */
static int resolve_defnames(struct od_conn *c, struct rjob *j)
{
    int i;
    for (i = 0; i < j->nvals; i++) {
        struct wval *w = &j->vals[i];
        struct pval p[2];
        if (!w->defname)
            continue;
        memset(p, 0, sizeof p);
        pval_int(&p[0], w->f->defcat);
        p[1].kind = P_STR;
        p[1].s = w->v.s;
        p[1].slen = w->v.slen;
        if (resolve_to_key(c, j, w,
                           "SELECT DefNum FROM definition WHERE Category = ? "
                           "AND ItemName = ? ORDER BY IsHidden, ItemOrder "
                           "LIMIT 1",
                           p, 2, w->f->name))
            return -1;
        w->defname = 0;
    }
    return 0;
}

/* securitylog's INSERT in this database: Open Dental 24.3's columns, less
 * those an older version lacks (CompName, FKey, LogSource, DateTPrevious
 * came over the years). Built once per database, kept in its memo. */
struct seclog_sql {
    int ok;        /* the table and its core columns exist */
    int has_fkey;  /* FKey is bound */
    char sql[400];
};

static char seclog_key; /* the memo key: its address */

static const struct seclog_sql *seclog_sql(struct od_catalog *cat)
{
    static const char *const opt[] = {"CompName", "FKey", "LogSource",
                                      "DateTPrevious"};
    static const char *const val[] = {"'API'", "?", "23",
                                      "'0001-01-01 00:00:00'"};
    struct seclog_sql *q = od_catalog_memo(cat, &seclog_key), *kept;
    char cols[200], vals[200];
    size_t i;
    if (q)
        return q;
    if (!(q = calloc(1, sizeof *q)))
        return NULL;
    q->ok = od_catalog_column(cat, "securitylog", "PermType") &&
            od_catalog_column(cat, "securitylog", "LogText") &&
            od_catalog_column(cat, "securitylog", "PatNum");
    snprintf(cols, sizeof cols, "PermType, UserNum, LogDateTime, LogText, "
                                "PatNum");
    snprintf(vals, sizeof vals, "?, 0, NOW(), ?, ?");
    for (i = 0; i < OD_ARRAY_LEN(opt); i++) {
        if (!od_catalog_column(cat, "securitylog", opt[i]))
            continue;
        if (i == 1)
            q->has_fkey = 1;
        snprintf(cols + strlen(cols), sizeof cols - strlen(cols), ", %s",
                 opt[i]);
        snprintf(vals + strlen(vals), sizeof vals - strlen(vals), ", %s",
                 val[i]);
    }
    snprintf(q->sql, sizeof q->sql, "INSERT INTO securitylog (%s) VALUES (%s)",
             cols, vals);
    if (!(kept = od_catalog_memo_put(cat, &seclog_key, q, free)))
        free(q);
    return kept;
}

int od_securitylog(struct od_conn *c, int perm, const char *developer,
                   const char *verb, long long fkey, long long patnum)
{
    const struct seclog_sql *q;
    MYSQL_STMT *st;
    MYSQL_BIND b[4];
    struct pval p[4];
    char text[300];
    int rc = 0;
    if (!perm)
        return 0;
    if (!(q = seclog_sql(od_db_catalog(c->db))))
        return -1;
    if (!q->ok)
        return 0; /* no audit table to write to */
    if (!(st = od_conn_stmt(c, q->sql)))
        return -1;
    memset(p, 0, sizeof p);
    snprintf(text, sizeof text, "%s by %s through API.", verb,
             developer && developer[0] ? developer : "an API developer");
    pval_int(&p[0], perm);
    p[1].kind = P_STR;
    p[1].s = text;
    p[1].slen = (unsigned long)strlen(text);
    pval_int(&p[2], patnum);
    pval_int(&p[3], fkey);
    if (bind_params(st, p, q->has_fkey ? 4 : 3, b) || mysql_stmt_execute(st)) {
        od_conn_note_error(c, mysql_stmt_errno(st));
        rc = -1;
    }
    return rc;
}

static int write_log(struct od_conn *c, struct rjob *j, int perm,
                     const char *verb, long long fkey, long long patnum)
{
    return od_securitylog(c, perm, j->developer, verb, fkey, patnum);
}

static long long find_patnum(struct rjob *j, long long key)
{
    int i;
    const char *col = j->v->patnum_col;
    if (!col)
        return 0;
    if (strcmp(col, j->r->pk) == 0)
        return key;
    for (i = 0; i < j->nvals; i++)
        if (strcmp(OD_COL(j->vals[i].f), col) == 0 &&
            j->vals[i].v.kind == P_INT)
            return j->vals[i].v.i;
    return 0;
}

/* Foreign keys named in the description must exist (0 means none). */
static int check_fks(struct od_conn *c, struct rjob *j)
{
    int i;
    for (i = 0; i < j->nvals; i++) {
        const struct wval *w = &j->vals[i];
        MYSQL_STMT *st;
        MYSQL_BIND pb;
        struct pval p = w->v;
        int found;
        if (!w->f->fk || w->v.kind != P_INT || w->v.i == 0 || w->create ||
            !j->v->fk[w->f - j->r->fields])
            continue; /* none, or its table/column is not in this version */
        if (!(st = od_conn_stmt(c, w->f->fk)))
            return -1;
        p.s = NULL;
        if (bind_params(st, &p, 1, &pb) || mysql_stmt_execute(st) ||
            mysql_stmt_store_result(st)) {
            od_conn_note_error(c, mysql_stmt_errno(st));
            return -1;
        }
        found = (int)mysql_stmt_num_rows(st);
        mysql_stmt_free_result(st);
        if (!found) {
            fail(j, 400, "%s is invalid.", w->f->name);
            return -1;
        }
    }
    return 0;
}

/* A PatNum that names no patient. */
static int check_patient(struct od_conn *c, struct rjob *j, long long patnum)
{
    MYSQL_STMT *st = od_conn_stmt(c, "SELECT 1 FROM patient WHERE PatNum = ?");
    MYSQL_BIND pb;
    struct pval p;
    int rc;
    if (!st)
        return -1;
    memset(&p, 0, sizeof p);
    pval_int(&p, patnum);
    if (bind_params(st, &p, 1, &pb) || mysql_stmt_execute(st) ||
        mysql_stmt_store_result(st)) {
        od_conn_note_error(c, mysql_stmt_errno(st));
        return -1;
    }
    rc = (int)mysql_stmt_num_rows(st);
    mysql_stmt_free_result(st);
    if (!rc) {
        fail(j, 404, "Patient not found.");
        return -1;
    }
    return 0;
}

static struct wval *find_val(struct rjob *j, const char *name)
{
    int i;
    for (i = 0; i < j->nvals; i++)
        if (strcmp(j->vals[i].f->name, name) == 0)
            return &j->vals[i];
    return NULL;
}

static const struct od_field *find_field(const struct od_resource *r,
                                         const char *name)
{
    int i;
    for (i = 0; i < r->nfields; i++)
        if (strcmp(r->fields[i].name, name) == 0)
            return &r->fields[i];
    return NULL;
}

/* Values for a comma list of field names (od_sqldefault.param,
 * od_check.params): shallow copies into p. Returns the count, or -1 when a
 * name has no value (a "?Name" binds NULL instead; "@key" is the key). */
static int named_params(struct rjob *j, const char *list, struct pval *p,
                        int max)
{
    char name[64];
    int n = 0;
    while (list && *list) {
        const char *e = strchr(list, ',');
        size_t len = e ? (size_t)(e - list) : strlen(list);
        const char *nm = name;
        int opt = 0;
        struct wval *w;
        if (n >= max || len >= sizeof name)
            return -1;
        memcpy(name, list, len);
        name[len] = '\0';
        list = e ? e + 1 : list + len;
        if (*nm == '?') {
            opt = 1;
            nm++;
        }
        memset(&p[n], 0, sizeof p[n]);
        if (strcmp(nm, "@key") == 0) {
            pval_int(&p[n++], j->key);
            continue;
        }
        if ((w = find_val(j, nm)) && w->v.kind != P_NOW) {
            p[n++] = w->v;
            continue;
        }
        if (!opt)
            return -1;
        p[n++].kind = P_NULL;
    }
    return n;
}

/* A lookup that makes its row when none matches (od_lookup.create): the
 * found key into w, or -1 and the text kept for create_pending, which
 * runs after every refusal could have happened (on MyISAM a refused
 * request must not leave a new row behind). */
static int lookup_or_create(struct od_conn *c, struct wval *w)
{
    struct pval p = w->v;
    long long key = 0;
    int rc = lookup_key(c, w->lk->sql, &p, 1, &key);
    if (rc < 0)
        return -1;
    if (rc == 0) {
        w->create = w->v.s; /* now owned here */
        w->v.s = NULL;
        pval_int(&w->v, -1);
        return 0;
    }
    wval_set_key(w, key);
    return 0;
}

/* The rows lookup_or_create left to make: inserted, their keys written. */
static int create_pending(struct od_conn *c, struct rjob *j)
{
    int i;
    for (i = 0; i < j->nvals; i++) {
        struct wval *w = &j->vals[i];
        struct pval p;
        MYSQL_BIND pb[2];
        MYSQL_STMT *st;
        if (!w->create)
            continue;
        memset(&p, 0, sizeof p);
        p.kind = P_STR;
        p.s = w->create;
        p.slen = (unsigned long)strlen(w->create);
        if (!(st = od_conn_stmt(c, w->lk->create)))
            return -1;
        if (bind_params(st, &p, 1, pb) || mysql_stmt_execute(st)) {
            od_conn_note_error(c, mysql_stmt_errno(st));
            return -1;
        }
        pval_int(&w->v, (long long)mysql_stmt_insert_id(st));
        free(w->create);
        w->create = NULL;
    }
    return 0;
}

/* od_lookup inputs -> the target's value. */
static int resolve_lookups(struct od_conn *c, struct rjob *j)
{
    int i;
    for (i = 0; i < j->nvals; i++) {
        struct wval *w = &j->vals[i];
        struct pval p;
        if (!w->lk || w->create) /* none, or pending from a first try */
            continue;
        p = w->v;
        if (w->lk->create ? lookup_or_create(c, w)
                          : resolve_to_key(c, j, w, w->lk->sql, &p, 1,
                                           w->lk->input))
            return -1;
        if (!w->create)
            w->lk = NULL;
    }
    return 0;
}

/* The description's od_check rules for this operation. */
static int run_checks(struct od_conn *c, struct rjob *j)
{
    const struct od_resource *r = j->r;
    unsigned op = j->op == OP_POST ? OD_OP_POST
                  : j->op == OP_PUT ? OD_OP_PUT : OD_OP_DELETE;
    int i;
    for (i = 0; i < r->nchecks; i++) {
        const struct od_check *k = &r->checks[i];
        struct pval p[16];
        MYSQL_BIND pb[16];
        MYSQL_STMT *st;
        int n, found;
        if (!(k->ops & op) || !j->v->check[i])
            continue; /* not for this operation, or not in this version */
        if ((n = named_params(j, k->params, p, 16)) < 0)
            continue;
        if (!(st = od_conn_stmt(c, k->sql)))
            return -1;
        if (bind_params(st, p, n, pb) || mysql_stmt_execute(st) ||
            mysql_stmt_store_result(st)) {
            od_conn_note_error(c, mysql_stmt_errno(st));
            return -1;
        }
        found = (int)mysql_stmt_num_rows(st);
        mysql_stmt_free_result(st);
        if (found) {
            fail(j, k->status ? k->status : 400, "%s", k->msg);
            return -1;
        }
    }
    return 0;
}

/* The patient check, asked in the same statement as a POST default's
 * lookup: one round trip a POST less (scenario 4 of make bench; the test
 * test_write_roundtrips counts them). The check is a column in front of
 * the default's own; its ? comes first. */
#define PATIENT_CHECK "SELECT EXISTS(SELECT 1 FROM patient WHERE PatNum = ?), "

/* Can the check be put in front of this statement's columns? */
static int foldable(const char *sql)
{
    return strncmp(sql, "SELECT ", 7) == 0 &&
           strncmp(sql + 7, "DISTINCT", 8) != 0 && !strstr(sql, "UNION");
}

/* One default's lookup: its value into val (0), no row (1), or -1. With
 * check (a PatNum), the statement also says whether that patient exists:
 * *exists = 1/0, or left alone when there was no row. */
static int sqldefault_lookup(struct od_conn *c, const char *sql,
                             struct pval *pv, int np, const long long *check,
                             int *exists, char *val, size_t cap)
{
    struct od_buf q;
    struct pval p[9];
    MYSQL_STMT *st;
    MYSQL_BIND pb[9], rb[2];
    unsigned long len = 0;
    my_bool isnull = 0;
    long long ex = 0;
    int rc, k = 0;
    od_buf_init(&q);
    memset(p, 0, sizeof p);
    if (check) {
        od_buf_printf(&q, "%s%s", PATIENT_CHECK, sql + 7);
        pval_int(&p[k++], *check);
    }
    memcpy(p + k, pv, (size_t)np * sizeof *pv);
    st = q.oom ? NULL : od_conn_stmt(c, check ? q.p : sql);
    od_buf_free(&q);
    if (!st)
        return -1;
    if (bind_params(st, p, np + k, pb) || mysql_stmt_execute(st)) {
        od_conn_note_error(c, mysql_stmt_errno(st));
        return -1;
    }
    memset(rb, 0, sizeof rb);
    rb[0].buffer_type = MYSQL_TYPE_LONGLONG;
    rb[0].buffer = &ex;
    rb[k].buffer_type = MYSQL_TYPE_STRING;
    rb[k].buffer = val;
    rb[k].buffer_length = cap - 1;
    rb[k].length = &len;
    rb[k].is_null = &isnull;
    mysql_stmt_bind_result(st, rb);
    rc = mysql_stmt_fetch(st);
    mysql_stmt_free_result(st);
    if (rc != 0 && rc != MYSQL_DATA_TRUNCATED)
        return 1;
    if (check)
        *exists = ex != 0;
    if (isnull)
        return 1;
    val[len < cap ? len : cap - 1] = '\0';
    return 0;
}

/* POST defaults that come from the database (the API pages: Confirmed = the first
 * ApptConfirmed definition, ProvNum = the patient's PriProv, ...). With
 * check (a PatNum), the first lookup also checks that the patient exists;
 * *exists says what it found (-1: not asked, or no row came back). */
static int apply_sqldefaults(struct od_conn *c, struct rjob *j,
                             const long long *check, int *exists)
{
    const struct od_resource *r = j->r;
    int i;
    *exists = -1;
    for (i = 0; i < r->nsqldefaults; i++) {
        const struct od_sqldefault *d = &r->sqldefaults[i];
        const struct od_field *f = find_field(r, d->field);
        struct pval pv[8];
        int np = 0;
        char val[256];
        struct wval *w;
        long long iv;
        int rc;
        if (!f || !j->v->sqldefault[i] || find_val(j, d->field) ||
            j->nvals >= (int)OD_ARRAY_LEN(j->vals))
            continue;
        if (d->param && (np = named_params(j, d->param, pv, 8)) < 0)
            continue;
        if (!d->param && strcmp(d->sql, OD_SQLDEFAULT_NOW) == 0) {
            w = &j->vals[j->nvals++];
            memset(w, 0, sizeof *w);
            w->f = f;
            w->v.kind = P_NOW;
            continue;
        }
        rc = sqldefault_lookup(c, d->sql, pv, np,
                               *exists < 0 && foldable(d->sql) ? check : NULL,
                               exists, val, sizeof val);
        if (rc < 0)
            return -1;
        if (*exists == 0) {
            fail(j, 404, "Patient not found.");
            return -1;
        }
        if (rc > 0)
            continue;
        w = &j->vals[j->nvals];
        memset(w, 0, sizeof *w);
        w->f = f;
        if (od_parse_ll(val, &iv) == 0)
            pval_int(&w->v, iv);
        else
            pval_str(&w->v, val);
        j->nvals++;
    }
    return 0;
}

/* A POST's lookups before its INSERT: the patient it names must exist
 * (404), and the defaults the database gives. */
static int post_lookups(struct od_conn *c, struct rjob *j, long long patnum)
{
    int need = j->v->patnum_col && strcmp(j->r->patnum_col, j->r->pk);
    int exists;
    if (apply_sqldefaults(c, j, need ? &patnum : NULL, &exists))
        return -1;
    return need && exists < 0 ? check_patient(c, j, patnum) : 0;
}

/* An upsert: the row upsert_keys match becomes a PUT of that row (without
 * POST defaults); no row leaves the POST as it is. */
static int upsert_find(struct od_conn *c, struct rjob *j)
{
    const struct od_resource *r = j->r;
    struct od_buf sql;
    struct pval p[16];
    long long key = 0;
    const char *k = r->upsert_keys;
    int n, i, w, rc;

    if ((n = named_params(j, k, p, 16)) < 0) {
        fail(j, 400, "%s are required.", k);
        return -1;
    }
    od_buf_init(&sql);
    od_buf_printf(&sql, "SELECT t.`%s` FROM `%s` t WHERE 1=1", r->pk,
                  r->table);
    while (*k) {
        const char *e = strchr(k, ',');
        size_t len = e ? (size_t)(e - k) : strlen(k);
        const struct od_field *f = NULL;
        for (i = 0; i < r->nfields && !f; i++)
            if (strlen(r->fields[i].name) == len &&
                strncmp(r->fields[i].name, k, len) == 0)
                f = &r->fields[i];
        if (f)
            od_buf_printf(&sql, " AND t.`%s` = ?", OD_COL(f));
        k = e ? e + 1 : k + len;
    }
    if (r->base_where)
        od_buf_printf(&sql, " AND %s", r->base_where);
    od_buf_printf(&sql, " ORDER BY t.`%s` LIMIT 1 FOR UPDATE", r->pk);
    rc = sql.oom ? -1 : select_ll(c, sql.p, p, n, &key);
    od_buf_free(&sql);
    if (rc)
        return rc < 0 ? -1 : 0;
    j->key = key;
    j->op = OP_PUT;
    for (i = w = 0; i < j->nvals; i++) {
        if (j->vals[i].implicit || j->vals[i].v.kind == P_NOW) {
            free(j->vals[i].v.s);
            continue;
        }
        j->vals[w++] = j->vals[i];
    }
    j->nvals = w;
    return 0;
}

/* Fill p with the key for every '?' of sql (at most max); returns how many. */
static int key_params(const char *sql, long long key, struct pval *p, int max)
{
    int q = 0;

    for (; *sql && q < max; sql++)
        if (*sql == '?') {
            memset(&p[q], 0, sizeof p[q]);
            pval_int(&p[q++], key);
        }
    return q;
}

/* PUT and DELETE: the row must exist (and is locked until the commit); its
 * PatNum goes into the securitylog row. Returns 0, or -1 (404 set when it
 * is missing). */
static int lock_row(struct od_conn *c, struct rjob *j, long long *patnum)
{
    const struct od_resource *r = j->r;
    const char *pc = j->v->patnum_col;
    struct od_buf sql;
    struct pval kp;
    int rc;

    od_buf_init(&sql);
    od_buf_printf(&sql, "SELECT %s%s%s FROM `%s` t WHERE t.`%s` = ?%s%s "
                        "FOR UPDATE",
                  pc ? "t.`" : "0", pc ? pc : "", pc ? "`" : "", r->table,
                  r->pk, r->base_where ? " AND " : "",
                  r->base_where ? r->base_where : "");
    memset(&kp, 0, sizeof kp);
    pval_int(&kp, j->key);
    *patnum = 0;
    rc = sql.oom ? -1 : select_ll(c, sql.p, &kp, 1, patnum);
    od_buf_free(&sql);
    if (rc == 1)
        fail(j, 404, "%s", r->missing);
    return rc ? -1 : 0;
}

/* Append "?" (taking the value into p) or NOW() for a value to be written. */
static void add_value(struct od_buf *sql, const struct wval *w,
                      struct pval *p, int *n)
{
    if (w->v.kind == P_NOW) {
        od_buf_adds(sql, "NOW()");
    } else {
        od_buf_adds(sql, "?");
        p[(*n)++] = w->v;
    }
}

/* Whether this POST's answer can come from its INSERT: the view has a
 * RETURNING list (returning.c: only on MariaDB 10.5 and later) and
 * nothing changes the row after the INSERT. */
static int use_returning(const struct rjob *j)
{
    const struct od_resource *r = j->r;
    return j->v->returning && !j->upsert && !r->post_fn &&
           !(r->after_insert && j->v->after_insert);
}

/* The INSERT ... RETURNING's row (st has run) as the answer: one round
 * trip less than reading it back after the COMMIT. The client has no
 * insert id for a statement with a result: the key comes from the row. */
static int returned_row(struct od_conn *c, struct rjob *j, MYSQL_STMT *st,
                        my_ulonglong *id)
{
    long long key = 0;
    int n;
    if (!st) {
        fail(j, 500, "The statement could not be prepared.");
        return -1;
    }
    od_buf_free(&j->out);
    n = fetch_rows(c, j, st, 0, 0, &key);
    if (n < 0)
        return -1;
    if (n != 1 || key <= 0) {
        fail(j, 500, "The database did not return the new row.");
        return -1;
    }
    *id = (my_ulonglong)key;
    j->returned = 1;
    return 0;
}

/* POST: the INSERT, the description's after-insert SQL and function, the
 * securitylog row. The new key goes into j->key; the answer into j->out
 * when the INSERT returns its row. */
static int write_insert(struct od_conn *c, struct rjob *j, long long patnum)
{
    const struct od_resource *r = j->r;
    struct od_buf sql;
    struct pval p[MAX_PARAMS];
    my_ulonglong id = 0;
    int i, n = 0, bad, ret = use_returning(j);

    od_buf_init(&sql);
    od_buf_printf(&sql, "INSERT INTO `%s` (", r->table);
    for (i = 0; i < j->nvals; i++)
        od_buf_printf(&sql, "%s`%s`", i ? ", " : "", OD_COL(j->vals[i].f));
    od_buf_adds(&sql, ") VALUES (");
    for (i = 0; i < j->nvals; i++) {
        od_buf_adds(&sql, i ? ", " : "");
        add_value(&sql, &j->vals[i], p, &n);
    }
    od_buf_adds(&sql, ")");
    if (ret)
        od_buf_adds(&sql, j->v->returning);
    bad = sql.oom || exec_stmt(c, j, sql.p, p, n, NULL, &id);
    /* the prepared statement is cached: this finds the one just run */
    if (!bad && ret)
        bad = returned_row(c, j, od_conn_stmt(c, sql.p), &id);
    od_buf_free(&sql);
    if (bad)
        return -1;
    j->key = (long long)id;
    if (r->patnum_col && strcmp(r->patnum_col, r->pk) == 0)
        patnum = j->key;
    if (r->after_insert && j->v->after_insert &&
        exec_stmt(c, j, r->after_insert, p,
                  key_params(r->after_insert, j->key, p, MAX_PARAMS), NULL,
                  NULL))
        return -1;
    if (r->post_fn && r->post_fn(c, j->key, j->body, &j->status, j->msg,
                                 sizeof j->msg))
        return -1;
    return write_log(c, j, r->perm_create, "Created", j->key, patnum);
}

/* PUT: the UPDATE of the values given and the securitylog row. */
static int write_update(struct od_conn *c, struct rjob *j, long long patnum)
{
    const struct od_resource *r = j->r;
    struct od_buf sql;
    struct pval p[MAX_PARAMS];
    my_ulonglong affected = 0;
    int i, n = 0, bad;

    od_buf_init(&sql);
    od_buf_printf(&sql, "UPDATE `%s` SET ", r->table);
    for (i = 0; i < j->nvals; i++) {
        od_buf_printf(&sql, "%s`%s` = ", i ? ", " : "", OD_COL(j->vals[i].f));
        add_value(&sql, &j->vals[i], p, &n);
    }
    od_buf_printf(&sql, " WHERE `%s` = ?", r->pk);
    memset(&p[n], 0, sizeof p[n]);
    pval_int(&p[n++], j->key);
    bad = sql.oom || exec_stmt(c, j, sql.p, p, n, &affected, NULL);
    od_buf_free(&sql);
    if (bad)
        return -1;
    return write_log(c, j, r->perm_edit, "Updated", j->key, patnum);
}

/* DELETE: the description's delete SQL or a DELETE of the row, and the
 * securitylog row. */
static int write_delete(struct od_conn *c, struct rjob *j, long long patnum)
{
    const struct od_resource *r = j->r;
    struct od_buf sql;
    struct pval p;
    my_ulonglong affected = 0;
    int bad;

    od_buf_init(&sql);
    if (r->delete_sql)
        od_buf_adds(&sql, r->delete_sql);
    else
        od_buf_printf(&sql, "DELETE FROM `%s` WHERE `%s` = ?", r->table,
                      r->pk);
    memset(&p, 0, sizeof p);
    pval_int(&p, j->key);
    bad = sql.oom || exec_stmt(c, j, sql.p, &p, 1, &affected, NULL);
    od_buf_free(&sql);
    if (bad)
        return -1;
    return write_log(c, j, r->perm_delete, "Deleted", j->key, patnum);
}

/* Everything of a write before its statement: names and lookups resolved,
 * foreign keys checked, an upsert's row found, the before-PUT SQL, the row
 * locked, the patient checked, SQL defaults, the checks, pending rows.
 * *patnum: the PatNum for the securitylog row. */
static int prepare_write(struct od_conn *c, struct rjob *j, long long *patnum)
{
    const struct od_resource *r = j->r;
    struct pval kp[4];

    *patnum = 0;
    if (resolve_defnames(c, j) || resolve_lookups(c, j) || check_fks(c, j))
        return -1;
    if (j->upsert && j->op == OP_POST && upsert_find(c, j))
        return -1;
    if (j->op == OP_PUT && r->before_put && j->v->before_put &&
        exec_stmt(c, j, r->before_put, kp,
                  key_params(r->before_put, j->key, kp, 4), NULL, NULL))
        return -1;
    if (j->op != OP_POST && lock_row(c, j, patnum))
        return -1;
    if (j->op == OP_POST) {
        *patnum = find_patnum(j, j->key);
        if (post_lookups(c, j, *patnum))
            return -1;
    }
    return run_checks(c, j) || create_pending(c, j) ? -1 : 0;
}

/* A write that did not commit: the status that says whether the client may
 * send it again, or OD_WORK_RETRY when it may run again here. */
static int write_failed(struct od_conn *c, struct rjob *j)
{
    if (c->commit_unknown) { /* must not run again, must not say 503 */
        fail(j, 500, "%s", OD_MSG_COMMIT_UNKNOWN);
        return OD_WORK_DONE;
    }
    if (od_conn_lock_timeout(c)) { /* rolled back: safe to send again */
        fail(j, 503, "%s", od_conn_retry_msg(c));
        return OD_WORK_DONE;
    }
    if (c->lost) {
        if (!j->status)
            fail(j, 503, "The database is not available.");
        /* nothing was committed: safe to run again on a new connection */
        return OD_WORK_RETRY;
    }
    if (!j->status) {
        od_conn_log(c, ODAPI_LOG_ERROR, "%s: %s", j->r->name,
                    mysql_error(c->m));
        fail(j, 500, "The database refused the change.");
    }
    return OD_WORK_DONE;
}

static int work_write(struct od_conn *c, void *arg)
{
    struct rjob *j = arg;
    long long patnum;
    int bad;

    j->status = 0;
    j->returned = 0;
    if (exec_simple(c, "START TRANSACTION"))
        return write_failed(c, j);
    bad = prepare_write(c, j, &patnum);
    if (!bad)
        bad = j->op == OP_POST  ? write_insert(c, j, patnum)
              : j->op == OP_PUT ? write_update(c, j, patnum)
                                : write_delete(c, j, patnum);
    if (bad) {
        if (!c->lost)
            exec_simple(c, "ROLLBACK");
        return write_failed(c, j);
    }
    if (od_conn_commit(c))
        return write_failed(c, j);
    if (j->op == OP_DELETE) {
        j->status = 200;
        return OD_WORK_DONE;
    }
    if (j->returned || fetch_one(c, j, j->key, 0) >= 0)
        j->status = j->op == OP_POST && !j->upsert ? 201 : 200;
    else if (c->lost) /* committed: a 503 would invite a duplicate */
        fail(j, 500, "The change was saved (%s %lld), but the connection to "
                     "the database was lost before it could be read back.",
             j->r->pk, j->key);
    return OD_WORK_DONE;
}

/* ---- completion -------------------------------------------------------------- */

static void set_location(struct rjob *j)
{
    odapi_request *req = j->req;
    const char *host = odapi_request_header(req, "Host");
    char url[512];
    if (host && *host && !strpbrk(host, "\r\n/ "))
        snprintf(url, sizeof url, "%s://%s/api/v1/%s/%lld",
                 req->srv->ssl_ctx ? "https" : "http", host, j->r->name,
                 j->key);
    else
        snprintf(url, sizeof url, "%s%s/%lld", req->srv->base_url, j->r->name,
                 j->key);
    odapi_request_add_header(req, "Location", url);
}

static void job_done(void *arg, int status)
{
    struct rjob *j = arg;
    if (status != ODAPI_OK) {
        odapi_reply_error(j->req, 503, "The database is not available.");
    } else if (j->status >= 400) {
        odapi_reply_error(j->req, j->status, j->msg);
    } else if (j->out.oom) {
        odapi_reply_error(j->req, 500, "Out of memory.");
    } else {
        if (j->op == OP_POST && j->status == 201)
            set_location(j);
        /* the answer's buffer goes to the reply as it is */
        char *body = j->out.p;
        size_t len = j->out.len;
        od_buf_init(&j->out);
        od_request_finish_take(j->req, j->status ? j->status : 200, body,
                               len);
    }
    job_free(j);
}

static void submit(struct rjob *j, od_db_work_fn work)
{
    if (od_request_submit(j->req, work, job_done, j))
        job_free(j);
}

/* ---- handlers (loop thread) --------------------------------------------------- */

static struct rjob *job_new(odapi_request *req, const struct od_resource *r,
                            enum op op)
{
    struct rjob *j = calloc(1, sizeof *j);
    const char *f;
    if (!j) {
        odapi_reply_error(req, 500, "Out of memory.");
        return NULL;
    }
    j->req = req;
    j->r = r;
    j->op = op;
    /* no catalog yet: a service that started with its database down */
    if (!req->srv->db || !od_db_catalog(req->srv->db)) {
        odapi_reply_error(req, 503, "The database is not available.");
        free(j);
        return NULL;
    }
    if (!(j->v = od_view(od_db_catalog(req->srv->db), r))) {
        odapi_reply_error(req, 500, "Out of memory.");
        free(j);
        return NULL;
    }
    if (j->v->unavailable) {
        char msg[200], what[120];
        snprintf(what, sizeof what, "%s%s%s", r->name,
                 op == OP_LIST && r->list_action ? "/" : "",
                 op == OP_LIST && r->list_action ? r->list_action : "");
        od_absent_msg(msg, sizeof msg, what);
        odapi_reply_error(req, 400, msg);
        free(j);
        return NULL;
    }
    snprintf(j->developer, sizeof j->developer, "%s", req->developer);
    if ((f = od_query_get(&req->query, "DateFormatString")) && *f)
        snprintf(j->date_fmt, sizeof j->date_fmt, "%s", f);
    if ((f = od_query_get(&req->query, "DateTimeFormatString")) && *f)
        snprintf(j->datetime_fmt, sizeof j->datetime_fmt, "%s", f);
    return j;
}

static const char *key_name(const struct od_resource *r) { return r->pk; }

static int parse_key(odapi_request *req, const struct od_resource *r,
                     long long *key)
{
    const char *s = odapi_request_segment(req, key_name(r));
    if (!s || od_parse_key(s, key)) {
        char msg[128];
        snprintf(msg, sizeof msg, "%s is invalid.", key_name(r));
        odapi_reply_error(req, 400, msg);
        return -1;
    }
    return 0;
}

static void h_get_one(odapi_request *req, void *arg)
{
    const struct od_resource *r = arg;
    struct rjob *j;
    long long key;
    if (parse_key(req, r, &key) || !(j = job_new(req, r, OP_ONE)))
        return;
    j->key = key;
    submit(j, work_one);
}

static int is_generic_param(const char *name)
{
    return strcasecmp(name, "Offset") == 0 || strcasecmp(name, "Limit") == 0 ||
           strcasecmp(name, "DateFormatString") == 0 ||
           strcasecmp(name, "DateTimeFormatString") == 0;
}

/* Parse one filter value into params; a 400 message in msg on failure. */
static int filter_value(struct rjob *j, const struct od_filter *f,
                        const char *v, char *msg, size_t msgsize)
{
    struct pval pv;
    int k, n = f->nbind ? f->nbind : 1;
    long long iv;
    memset(&pv, 0, sizeof pv);
    switch (f->wire) {
    case OD_W_INT:
    case OD_W_INT_STR:
        if (od_parse_ll(v, &iv)) {
            snprintf(msg, msgsize, "%s is invalid.", f->param);
            return -1;
        }
        pval_int(&pv, iv);
        break;
    case OD_W_ENUM:
        if ((iv = od_enum_value(f->enm, v)) < 0) {
            snprintf(msg, msgsize, "%s is invalid.", f->param);
            return -1;
        }
        pval_int(&pv, iv);
        break;
    case OD_W_BOOL:
        if (strcasecmp(v, "true") && strcasecmp(v, "false")) {
            snprintf(msg, msgsize, "%s is invalid.", f->param);
            return -1;
        }
        pval_int(&pv, strcasecmp(v, "true") == 0);
        break;
    case OD_W_DATE:
        if (!od_valid_date(v, 0)) {
            snprintf(msg, msgsize, "%s format must be yyyy-MM-dd", f->param);
            return -1;
        }
        pval_str(&pv, v);
        break;
    case OD_W_DATETIME:
        if (!od_valid_date(v, 1)) {
            snprintf(msg, msgsize, "%s format must be yyyy-MM-dd HH:mm:ss",
                     f->param);
            return -1;
        }
        pval_str(&pv, v);
        break;
    default:
        pval_str(&pv, v);
    }
    if (j->nparams + n > MAX_PARAMS - 2) {
        free(pv.s);
        snprintf(msg, msgsize, "Too many parameters.");
        return -1;
    }
    for (k = 0; k < n; k++) {
        j->params[j->nparams] = pv;
        if (pv.s && k)
            j->params[j->nparams].s = strdup(pv.s);
        j->nparams++;
    }
    return 0;
}

/* 1 when one of a comma list of query parameters is given. */
static int any_given(odapi_request *req, const char *list)
{
    char name[64];
    const char *v;
    while (list && *list) {
        const char *e = strchr(list, ',');
        size_t len = e ? (size_t)(e - list) : strlen(list);
        if (len < sizeof name) {
            memcpy(name, list, len);
            name[len] = '\0';
            if ((v = od_query_get(&req->query, name)) && *v)
                return 1;
        }
        list = e ? e + 1 : list + len;
    }
    return 0;
}

/* A parameter neither generic nor a filter of r: refused when the
 * resource is strict. 0, or -1 with the message. */
static int check_params(odapi_request *req, const struct od_resource *r,
                        char *msg, size_t msgsize)
{
    int i, k;

    for (i = 0; i < req->query.n && r->strict_params; i++) {
        const char *name = req->query.names[i];
        int known = is_generic_param(name);
        for (k = 0; !known && k < r->nfilters; k++)
            known = strcasecmp(r->filters[k].param, name) == 0;
        if (!known) {
            snprintf(msg, msgsize, "'%.64s' is not a valid parameter", name);
            return -1;
        }
    }
    return 0;
}

/* The filters' conditions onto j->sql and their values into j->params.
 * 0, or -1 with the message. */
static int add_filters(odapi_request *req, struct rjob *j, char *msg,
                       size_t msgsize)
{
    const struct od_resource *r = j->r;
    const char *v;
    int k;

    for (k = 0; k < r->nfilters; k++) {
        const struct od_filter *f = &r->filters[k];
        if (!j->v->filter[k]) {
            /* a parameter of a later version: refused when given */
            if ((v = od_query_get(&req->query, f->param)) && *v) {
                od_absent_msg(msg, msgsize, f->param);
                return -1;
            }
            continue;
        }
        if (f->flags & OD_Q_DEVELOPER) { /* applied even when blank */
            if (filter_value(j, f, j->developer, msg, msgsize))
                return -1;
            od_buf_printf(&j->sql, " AND (%s)", f->cond);
            continue;
        }
        v = od_query_get(&req->query, f->param);
        if ((!v || !*v) && f->dflt && !any_given(req, f->dflt_unless))
            v = f->dflt;
        if (!v || !*v) {
            if (f->flags & OD_Q_REQ) {
                snprintf(msg, msgsize, "%s is required.", f->param);
                return -1;
            }
            continue;
        }
        if (filter_value(j, f, v, msg, msgsize))
            return -1;
        if (r->list_patient && strcmp(f->param, r->list_patient) == 0 &&
            j->params[j->nparams - 1].kind == P_INT)
            j->list_pat = j->params[j->nparams - 1].i;
        od_buf_printf(&j->sql, " AND (%s)", f->cond);
    }
    return 0;
}

/* Offset and Limit of the query string, Limit capped at a page. 0, or -1
 * with the message. */
static int page_params(odapi_request *req, const struct od_resource *r,
                       long long *offset, long long *limit, char *msg,
                       size_t msgsize)
{
    const char *v;

    *offset = 0;
    *limit = PAGE_MAX;
    if ((v = od_query_get(&req->query, "Offset")) && *v &&
        (od_parse_ll(v, offset) || *offset < 0)) {
        snprintf(msg, msgsize, "Offset is invalid.");
        return -1;
    }
    if ((v = od_query_get(&req->query, "Limit")) && *v &&
        (od_parse_ll(v, limit) || *limit < 0)) {
        snprintf(msg, msgsize, "Limit is invalid.");
        return -1;
    }
    if (*limit > PAGE_MAX)
        *limit = PAGE_MAX;
    if (r->list_single)
        *limit = 1;
    return 0;
}

static void add_order(struct rjob *j)
{
    if (j->v->order)
        od_buf_printf(&j->sql, " ORDER BY %s", j->v->order);
    else
        od_buf_printf(&j->sql, " ORDER BY t.`%s`", j->r->pk);
}

/* Put the select list in front of j->sql (the WHERE ... LIMIT tail).
 * A deep Offset makes the database build (with every join) and throw
 * away each skipped row: patients/Simple?Offset=50000 took 550 ms. Then a
 * deferred join: the inner query pages over the keys only (MariaDB drops
 * the LEFT JOINs no filter uses), the outer one reads the page's rows and
 * their joins (77 ms). Not for small offsets: MariaDB plans the derived
 * table worse there (a 50-row day of appointments went from 1.6 to
 * 6.5 ms). */
static void add_list_head(struct rjob *j, long long offset)
{
    const struct od_resource *r = j->r;
    struct od_buf tail = j->sql;

    od_buf_init(&j->sql);
    if (offset >= DEFER_OFFSET) {
        select_list_from(&j->sql, j->v);
        od_buf_printf(&j->sql, " FROM (SELECT t.`%s` FROM `%s` t", r->pk,
                      r->table);
        if (j->v->joins)
            od_buf_adds(&j->sql, j->v->joins);
        od_buf_add(&j->sql, tail.p ? tail.p : "", tail.len);
        od_buf_printf(&j->sql, ") k JOIN `%s` t ON t.`%s` = k.`%s`",
                      r->table, r->pk, r->pk);
        if (j->v->joins)
            od_buf_adds(&j->sql, j->v->joins);
        add_order(j);
    } else {
        select_list(&j->sql, j->v);
        od_buf_add(&j->sql, tail.p ? tail.p : "", tail.len);
    }
    if (tail.oom)
        j->sql.oom = 1;
    od_buf_free(&tail);
}

static void h_get_list(odapi_request *req, void *arg)
{
    const struct od_resource *r = arg;
    struct rjob *j;
    char msg[256];
    long long offset, limit;

    if (!(j = job_new(req, r, OP_LIST)))
        return;
    if (check_params(req, r, msg, sizeof msg))
        goto bad;
    /* j->sql gets the WHERE ... LIMIT tail first; the head goes in front
     * once Offset is known (below). */
    od_buf_adds(&j->sql, " WHERE 1=1");
    if (r->base_where)
        od_buf_printf(&j->sql, " AND %s", r->base_where);
    if (!j->v->list_ok) { /* a filter that must apply cannot run here */
        od_absent_msg(msg, sizeof msg, r->name);
        goto bad;
    }
    if (add_filters(req, j, msg, sizeof msg) ||
        page_params(req, r, &offset, &limit, msg, sizeof msg))
        goto bad;
    add_order(j);
    od_buf_adds(&j->sql, " LIMIT ? OFFSET ?");
    pval_int(&j->params[j->nparams++], limit);
    pval_int(&j->params[j->nparams++], offset);
    add_list_head(j, offset);
    if (j->sql.oom) {
        snprintf(msg, sizeof msg, "Out of memory.");
        goto bad;
    }
    submit(j, work_list);
    return;
bad:
    odapi_reply_error(req, 400, msg);
    job_free(j);
}

/* Text that the field's column (col, NULL: none known) holds unchanged;
 * the description's maxlen is a limit the API documents below the
 * column's. 0, or -1 with the 400 message. */
static int text_fits(const struct od_field *f, const struct od_column *col,
                     const char *s, char *msg, size_t msgsize)
{
    size_t limit = (size_t)(f->maxlen ? f->maxlen : col ? 0 : 65535);
    int fit = od_column_text_fits(col, s, strlen(s));
    if (fit == OD_TEXT_CHARSET) {
        snprintf(msg, msgsize,
                 "%s contains characters this database cannot store.",
                 f->name);
        return -1;
    }
    if (fit == OD_TEXT_LONG || (limit && utf8_chars(s) > limit)) {
        snprintf(msg, msgsize, "%s is too long.", f->name);
        return -1;
    }
    return 0;
}

/* The text a lookup with a create would write, checked against its
 * column like any other text: 0, or -1 with the 400's sentence. */
static int create_text_check(odapi_request *req, const struct od_lookup *lk,
                             const char *s, char *msg, size_t msgsize)
{
    char table[64];
    const char *dot = strchr(lk->create_col, '.');
    if (!dot || (size_t)(dot - lk->create_col) >= sizeof table)
        return 0;
    memcpy(table, lk->create_col, (size_t)(dot - lk->create_col));
    table[dot - lk->create_col] = '\0';
    return od_text_check(od_db_catalog(req->srv->db), table, dot + 1,
                         lk->input, s, msg, msgsize);
}

/* Read one body value into w; 0, or -1 with a message. col is the
 * field's column in this database, for text. */
static int body_value(const struct od_field *f, json_t *v, struct wval *w,
                      int put, const struct od_column *col, char *msg,
                      size_t msgsize)
{
    const char *s = json_is_string(v) ? json_string_value(v) : NULL;
    char num[64];
    long long iv;
    double dv;
    w->f = f;
    memset(&w->v, 0, sizeof w->v);
    /* A JSON number is taken as its text only where a number belongs:
     * integers for keys, integers and enums-by-number; any number for an
     * amount. Text fields take strings only ("LName":123 is refused). */
    if (json_is_integer(v)) {
        snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        s = num;
    } else if (json_is_real(v)) {
        if (f->wire != OD_W_MONEY && f->wire != OD_W_MONEY_RAW &&
            f->wire != OD_W_NUMBER)
            goto invalid;
        dv = json_real_value(v);
        if (!isfinite(dv) || dv > 1e12 || dv < -1e12)
            goto invalid;
        w->v.kind = P_DBL;
        w->v.d = dv;
        return 0;
    } else if (json_is_boolean(v)) {
        s = json_is_true(v) ? "true" : "false";
    }
    if (!s)
        goto invalid;
    if (f->defcat) {
        if (!*s && put) { /* "" clears */
            pval_int(&w->v, 0);
            return 0;
        }
        if (od_parse_ll(s, &iv) == 0) {
            pval_int(&w->v, iv);
            return 0;
        }
        pval_str(&w->v, s);
        w->defname = 1;
        return 0;
    }
    switch (f->wire) {
    case OD_W_INT:
    case OD_W_INT_STR:
        if (od_parse_ll(s, &iv))
            goto invalid;
        pval_int(&w->v, iv);
        return 0;
    case OD_W_ENUM:
        if (json_is_integer(v) || (iv = od_enum_value(f->enm, s)) < 0)
            goto invalid;
        pval_int(&w->v, iv);
        return 0;
    case OD_W_BOOL:
        if (strcasecmp(s, "true") && strcasecmp(s, "false"))
            goto invalid;
        pval_int(&w->v, strcasecmp(s, "true") == 0);
        return 0;
    case OD_W_DATE:
        if (!*s && put)
            s = "0001-01-01";
        if (!od_valid_date(s, 0)) {
            snprintf(msg, msgsize, "%s format must be yyyy-MM-dd.", f->name);
            return -1;
        }
        pval_str(&w->v, s);
        return 0;
    case OD_W_DATETIME:
        if (!*s && put)
            s = "0001-01-01 00:00:00";
        if (!od_valid_date(s, 1)) {
            snprintf(msg, msgsize, "%s format must be yyyy-MM-dd HH:mm:ss.",
                     f->name);
            return -1;
        }
        pval_str(&w->v, s);
        return 0;
    case OD_W_TIME:
        if (!od_valid_time(s)) {
            snprintf(msg, msgsize, "%s format must be HH:mm:ss.", f->name);
            return -1;
        }
        pval_str(&w->v, s);
        return 0;
    case OD_W_MONEY:
    case OD_W_MONEY_RAW:
    case OD_W_NUMBER:
        if (od_parse_decimal(s, &dv) || dv > 1e12 || dv < -1e12)
            goto invalid;
        w->v.kind = P_DBL;
        w->v.d = dv;
        return 0;
    case OD_W_COLOR:
        if (parse_color(s, &iv))
            goto invalid;
        pval_int(&w->v, iv);
        return 0;
    case OD_W_TEXT:
        if (!json_is_string(v) &&
            !(json_is_integer(v) && (f->flags & OD_F_NUMTEXT)))
            goto invalid;
        if (text_fits(f, col, s, msg, msgsize))
            return -1;
        if (f->check && *s && !f->check(s))
            goto invalid;
        pval_str(&w->v, s);
        return 0;
    default:
        goto invalid;
    }
invalid:
    snprintf(msg, msgsize, "%s is invalid.", f->name);
    return -1;
}

static int default_value(const struct od_field *f, struct wval *w)
{
    json_t *v = json_string(f->dflt);
    char msg[64];
    int rc;
    if (!v)
        return -1;
    rc = body_value(f, v, w, 0, NULL, msg, sizeof msg);
    json_decref(v);
    return rc;
}

/* Read a write's JSON object into j->vals by the description: every
 * check that needs no database. 0, or -1 with a 400 sentence in msg. */
/* Read a write's JSON object into j->vals by the description and the
 * database's view of it (j->v): every check that needs no round trip. 0,
 * or -1 with a 400 sentence in msg. */
static int read_body(struct rjob *j, json_t *body, enum op op, char *msg,
                     size_t msgsize)
{
    const struct od_resource *r = j->r;
    int i;
    for (i = 0; i < r->nfields; i++) {
        const struct od_field *f = &r->fields[i];
        json_t *v;
        struct wval *w = &j->vals[j->nvals];
        int here = j->v->field[i]; /* this database has its column */
        if (f->wire == OD_W_SERVERTIME || (f->flags & OD_F_STAMP))
            continue;
        if (f->flags & OD_F_NOW) {
            if (op == OP_POST && here) {
                w->f = f;
                w->v.kind = P_NOW;
                j->nvals++;
            }
            continue;
        }
        if ((f->flags & OD_F_RO) ||
            (op == OP_POST && (f->flags & OD_F_NOPOST)) ||
            (op == OP_PUT && (f->flags & OD_F_NOPUT)))
            continue;
        v = json_object_get(body, f->name);
        if (v && json_is_null(v))
            v = NULL;
        if (!here) { /* a field of a later version: refused if given */
            if (v) {
                od_absent_msg(msg, msgsize, f->name);
                return -1;
            }
            continue;
        }
        if (!v) {
            if (op == OP_POST && (f->flags & OD_F_REQ)) {
                snprintf(msg, msgsize, "%s is required.", f->name);
                return -1;
            }
            if (op == OP_POST && f->dflt) {
                if (default_value(f, w)) {
                    snprintf(msg, msgsize, "%s is invalid.", f->name);
                    return -1;
                }
                w->implicit = 1;
                j->nvals++;
            }
            continue;
        }
        if (op == OP_PUT && (f->flags & OD_F_NOCLEAR) &&
            json_is_string(v) && !*json_string_value(v))
            continue; /* apispecification.html: ignored, not cleared */
        if (op == OP_POST && (f->flags & OD_F_REQ) && json_is_string(v) &&
            !*json_string_value(v)) {
            snprintf(msg, msgsize, "%s is required.", f->name);
            return -1;
        }
        if (body_value(f, v, w, op == OP_PUT, j->v->col[i], msg,
                       msgsize))
            return -1;
        j->nvals++;
    }
    for (i = 0; i < r->nlookups; i++) {
        const struct od_lookup *lk = &r->lookups[i];
        json_t *v = json_object_get(body, lk->input);
        json_t *t = json_object_get(body, lk->target);
        struct wval *w = &j->vals[j->nvals];
        if (v && json_is_null(v))
            v = NULL;
        if (t && json_is_null(t))
            t = NULL;
        if (v && !j->v->lookup[i]) {
            od_absent_msg(msg, msgsize, lk->input);
            return -1;
        }
        if (!v) {
            if (op == OP_POST && (lk->flags & OD_LK_REQ) && !t &&
                j->v->lookup[i]) {
                snprintf(msg, msgsize, "%s or %s is required.",
                         lk->input, lk->target);
                return -1;
            }
            continue;
        }
        if (t && strcmp(lk->input, lk->target) != 0) {
            snprintf(msg, msgsize,
                     "Only one of %s or %s may be given.", lk->target,
                     lk->input);
            return -1;
        }
        if (!json_is_string(v) || !*json_string_value(v) ||
            strlen(json_string_value(v)) > 255 ||
            !(w->f = find_field(r, lk->target)) ||
            j->nvals >= (int)OD_ARRAY_LEN(j->vals)) {
            snprintf(msg, msgsize, "%s is invalid.", lk->input);
            return -1;
        }
        if (lk->create && j->req &&
            create_text_check(j->req, lk, json_string_value(v), msg,
                              msgsize))
            return -1;
        memset(&w->v, 0, sizeof w->v);
        pval_str(&w->v, json_string_value(v));
        w->defname = 0;
        w->lk = lk;
        j->nvals++;
    }
    if (op == OP_PUT && j->nvals == 0) {
        snprintf(msg, msgsize, "No fields to update were provided.");
        return -1;
    }
    return 0;
}

int od_resource_check_body(const struct od_resource *r, int put,
                           const char *text, size_t len, char *msg,
                           size_t msgsize)
{
    /* a database that has every field (no catalog: text limits are the
     * description's) */
    struct rjob *j = calloc(1, sizeof *j);
    int n = r->nfields > r->nlookups ? r->nfields : r->nlookups;
    unsigned char *all = malloc((size_t)n + 1);
    const struct od_column **cols = calloc((size_t)r->nfields + 1,
                                           sizeof *cols);
    struct od_rview full;
    json_t *body = json_loadb(text, len, 0, NULL);
    int rc = -1;
    msg[0] = '\0';
    if (j && all && cols && body && json_is_object(body)) {
        memset(all, 1, (size_t)n + 1);
        memset(&full, 0, sizeof full);
        full.r = r;
        full.field = full.lookup = all;
        full.col = cols;
        j->r = r;
        j->v = &full;
        j->op = put ? OP_PUT : OP_POST;
        rc = read_body(j, body, j->op, msg, msgsize);
    }
    json_decref(body);
    free(all);
    free(cols);
    if (j)
        job_free(j);
    return rc;
}

static void h_write(odapi_request *req, const struct od_resource *r,
                    enum op op)
{
    struct rjob *j;
    json_t *body = NULL;
    char msg[256];
    int upsert = op == OP_UPSERT;

    if (upsert)
        op = OP_POST; /* read the body by the POST rules */
    if (!(j = job_new(req, r, op)))
        return;
    j->upsert = upsert;
    if (op != OP_POST && parse_key(req, r, &j->key)) {
        job_free(j);
        return;
    }
    if ((op == OP_DELETE && !j->v->delete_ok) || (upsert && !j->v->upsert_ok)) {
        od_absent_msg(msg, sizeof msg, "This operation");
        goto bad;
    }
    if (op != OP_DELETE) {
        body = od_request_json(req);
        if (!body || !json_is_object(body)) {
            snprintf(msg, sizeof msg, "%s",
                     body ? "The request body must be a JSON object."
                          : "The request body is not valid JSON.");
            goto bad;
        }
        if (read_body(j, body, op, msg, sizeof msg))
            goto bad;
        if (op == OP_POST && r->post_fn)
            j->body = json_incref(body);
        json_decref(body);
    }
    submit(j, work_write);
    return;
bad:
    json_decref(body);
    odapi_reply_error(req, 400, msg);
    job_free(j);
}

static void h_post(odapi_request *req, void *arg) { h_write(req, arg, OP_POST); }
static void h_put(odapi_request *req, void *arg) { h_write(req, arg, OP_PUT); }
static void h_delete(odapi_request *req, void *arg)
{
    h_write(req, arg, OP_DELETE);
}
static void h_upsert(odapi_request *req, void *arg)
{
    h_write(req, arg, OP_UPSERT);
}

void od_resource_register(odapi_server *srv, const struct od_resource *r)
{
    char pat[128];
    void *arg = (void *)(uintptr_t)r;
    if (r->ops & OD_OP_GET_LIST) {
        if (r->list_action)
            snprintf(pat, sizeof pat, "/%s/%s", r->name, r->list_action);
        else
            snprintf(pat, sizeof pat, "/%s", r->name);
        od_router_add(&srv->router, "GET", pat, ODAPI_PERM_READ_ALL,
                      h_get_list, arg);
    }
    snprintf(pat, sizeof pat, "/%s/{%s}", r->name, r->pk);
    if (r->ops & OD_OP_GET_ONE)
        od_router_add(&srv->router, "GET", pat, ODAPI_PERM_READ_ALL,
                      h_get_one, arg);
    if (r->ops & OD_OP_PUT)
        od_router_add(&srv->router, "PUT", pat, r->write_perm, h_put, arg);
    if (r->ops & OD_OP_DELETE)
        od_router_add(&srv->router, "DELETE", pat, r->write_perm, h_delete,
                      arg);
    if (r->ops & OD_OP_POST) {
        snprintf(pat, sizeof pat, "/%s", r->name);
        od_router_add(&srv->router, "POST", pat, r->write_perm, h_post, arg);
    }
    if (r->upsert_keys) {
        snprintf(pat, sizeof pat, "/%s", r->name);
        od_router_add(&srv->router, "PUT", pat, r->write_perm, h_upsert, arg);
    }
}
