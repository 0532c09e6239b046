/* kit.c - the job, input and output helpers of kit-internal.h. */
#include "actions/kit-internal.h"
#include "db/catalog-internal.h"
#include "engine/apptrules-internal.h"
#include "core/date-internal.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- the job ------------------------------------------------------------ */

struct od_ck_job *od_ck_new(odapi_request *req, od_ck_work_fn work, int write)
{
    struct od_ck_job *j = calloc(1, sizeof *j);
    if (!j) {
        odapi_reply_error(req, 500, "Out of memory.");
        return NULL;
    }
    j->req = req;
    j->work = work;
    j->write = write;
    od_buf_init(&j->out);
    snprintf(j->developer, sizeof j->developer, "%s", req->developer);
    return j;
}

struct od_ck_job *od_ck_new_data(odapi_request *req, od_ck_work_fn work,
                                 int write, size_t size,
                                 void (*free_data)(void *data))
{
    struct od_ck_job *j = od_ck_new(req, work, write);
    if (!j)
        return NULL;
    if (!(j->data = calloc(1, size))) {
        od_ck_reject(j, 500, "Out of memory.");
        return NULL;
    }
    /* set once data is there: an action's own free need not take NULL */
    j->free_data = free_data ? free_data : free;
    return j;
}

void od_ck_created(struct od_ck_job *j, const struct od_resource *res)
{
    j->created = 1;
    j->res = res;
    j->location = res->name;
}

void od_ck_free(struct od_ck_job *j)
{
    if (!j)
        return;
    if (j->free_data)
        j->free_data(j->data);
    json_decref(j->body);
    od_buf_free(&j->out);
    free(j);
}

void od_ck_reject(struct od_ck_job *j, int status, const char *msg)
{
    odapi_reply_error(j->req, status, msg);
    od_ck_free(j);
}

int od_ck_fail(struct od_ck_job *j, int status, const char *fmt, ...)
{
    va_list ap;
    j->status = status;
    va_start(ap, fmt);
    vsnprintf(j->msg, sizeof j->msg, fmt, ap);
    va_end(ap);
    return -1;
}

/* A failure that set no status: the connection's. */
static int db_failed(struct od_conn *c, struct od_ck_job *j)
{
    if (c->lost) {
        j->status = 503;
        snprintf(j->msg, sizeof j->msg, "The database is not available.");
        return OD_WORK_RETRY;
    }
    if (!j->status)
        od_ck_fail(j, 500, "The database could not run the request.");
    return OD_WORK_DONE;
}

static int work(struct od_conn *c, void *arg)
{
    struct od_ck_job *j = arg;
    int rc;
    j->status = 0;
    j->msg[0] = '\0';
    od_buf_free(&j->out);
    od_buf_init(&j->out);
    if (!j->write) {
        if (j->work(c, j) != 0)
            return db_failed(c, j);
    } else {
        if (od_tx_begin(c) != 0)
            return od_tx_failed(c, &j->status, j->msg, sizeof j->msg);
        rc = j->work(c, j);
        if (od_tx_end(c, rc) != 0)
            return od_tx_failed(c, &j->status, j->msg, sizeof j->msg);
    }
    /* committed (or read): a read-back failure is never run again */
    if ((j->res && od_ck_read_row(c, j->res, j->key, &j->out) != 1) ||
        (j->answer && j->answer(c, j) != 0))
        od_ck_fail(j, c->lost ? 503 : 500, "%s", c->lost
                    ? "The database is not available."
                    : "The change was made but could not be read.");
    if (!j->status)
        j->status = j->created ? 201 : 200;
    return OD_WORK_DONE;
}

static void add_location(struct od_ck_job *j)
{
    odapi_request *req = j->req;
    const char *host = odapi_request_header(req, "Host");
    char url[512];
    if (host && *host && !strpbrk(host, "\r\n/ "))
        snprintf(url, sizeof url, "%s://%s/api/v1/%s/%lld",
                 req->srv->ssl_ctx ? "https" : "http", host, j->location,
                 j->key);
    else
        snprintf(url, sizeof url, "%s%s/%lld", req->srv->base_url,
                 j->location, j->key);
    odapi_request_add_header(req, "Location", url);
}

int od_ck_answer_error(odapi_request *req, int pool_status, int status,
                       const char *msg, int oom)
{
    if (pool_status != ODAPI_OK)
        odapi_reply_error(req, 503, "The database is not available.");
    else if (status >= 400 || status == 0)
        odapi_reply_error(req, status ? status : 500,
                          msg[0] ? msg : "The request failed.");
    else if (oom)
        odapi_reply_error(req, 500, "Out of memory.");
    else
        return 0;
    return 1;
}

static void done(void *arg, int status)
{
    struct od_ck_job *j = arg;
    odapi_request *req = j->req;
    if (od_ck_answer_error(req, status, j->status, j->msg, j->out.oom)) {
        /* answered */
    } else if (j->no_body) {
        odapi_reply(req, j->status, "", 0);
    } else {
        if (j->status == 201 && j->location)
            add_location(j);
        odapi_reply(req, j->status, j->out.p ? j->out.p : "[]",
                    j->out.p ? j->out.len : 2);
    }
    od_ck_free(j);
}

void od_ck_submit(struct od_ck_job *j)
{
    if (od_request_submit(j->req, work, done, j))
        od_ck_free(j);
}

/* ---- rows a write needs ------------------------------------------------ */

int od_ck_need(struct od_ck_job *j, int rc, int status, const char *missing)
{
    return rc == 0 ? od_ck_fail(j, status, "%s", missing) : rc < 0 ? -1 : 0;
}

int od_ck_need_row(struct od_conn *c, struct od_ck_job *j, const char *sql,
                   struct od_prm *p, int n, int ncols, char out[][OD_COLSZ],
                   int status, const char *missing)
{
    return od_ck_need(j, od_query_row(c, sql, p, n, ncols, out), status,
                      missing);
}

int od_ck_need_ll(struct od_conn *c, struct od_ck_job *j, const char *sql,
                  struct od_prm *p, int n, int ncols, long long *out,
                  int status, const char *missing)
{
    return od_ck_need(j, od_query_ll(c, sql, p, n, ncols, out), status,
                      missing);
}

/* ---- input -------------------------------------------------------------- */

json_t *od_ck_body(odapi_request *req)
{
    json_t *body = od_request_json(req); /* parsed once (server.c) */
    if (!body || !json_is_object(body)) {
        odapi_reply_error(req, 400, body
                              ? "The request body must be a JSON object."
                              : "The request body is not valid JSON.");
        json_decref(body);
        return NULL;
    }
    return body;
}

static int invalid(char *msg, size_t msgsize, const char *name)
{
    snprintf(msg, msgsize, "%s is invalid.", name);
    return -1;
}

/* The member as text: strings as they are, integers written out; NULL for
 * absent, null and "". *bad for other JSON types. */
static const char *member_text(json_t *body, const char *name, char *tmp,
                               size_t tmpsize, int *bad)
{
    json_t *v = json_object_get(body, name);
    *bad = 0;
    if (!v || json_is_null(v))
        return NULL;
    if (json_is_string(v))
        return *json_string_value(v) ? json_string_value(v) : NULL;
    if (json_is_integer(v)) {
        snprintf(tmp, tmpsize, "%" JSON_INTEGER_FORMAT,
                 json_integer_value(v));
        return tmp;
    }
    *bad = 1;
    return NULL;
}

static int key_of(const char *s, const char *name, long long *out, char *msg,
                  size_t msgsize)
{
    if (od_parse_ll(s, out) || *out <= 0)
        return invalid(msg, msgsize, name);
    return 1;
}

int od_ck_key(json_t *body, const char *name, long long *out, char *msg,
           size_t msgsize)
{
    char tmp[32];
    int bad;
    const char *s = member_text(body, name, tmp, sizeof tmp, &bad);
    if (bad)
        return invalid(msg, msgsize, name);
    return s ? key_of(s, name, out, msg, msgsize) : 0;
}

int od_ck_query_key(odapi_request *req, const char *name, long long *out,
                 char *msg, size_t msgsize)
{
    const char *s = od_query_get(&req->query, name);
    return s && *s ? key_of(s, name, out, msg, msgsize) : 0;
}

int od_ck_required(int rc, const char *name, char *msg, size_t msgsize)
{
    if (rc == 0)
        snprintf(msg, msgsize, "%s is required.", name);
    return rc == 1 ? 0 : -1;
}

int od_ck_key_req(json_t *body, const char *name, long long *out, char *msg,
                  size_t msgsize)
{
    return od_ck_required(od_ck_key(body, name, out, msg, msgsize), name,
                          msg, msgsize);
}

int od_ck_query_key_req(odapi_request *req, const char *name, long long *out,
                        char *msg, size_t msgsize)
{
    return od_ck_required(od_ck_query_key(req, name, out, msg, msgsize),
                          name, msg, msgsize);
}

static int date_of(const char *s, const char *name, int with_time, char *out,
                   char *msg, size_t msgsize)
{
    if (!od_valid_date(s, with_time)) {
        snprintf(msg, msgsize, "%s format must be %s.", name,
                 with_time ? "yyyy-MM-dd HH:mm:ss" : "yyyy-MM-dd");
        return -1;
    }
    memcpy(out, s, with_time ? 20 : 11);
    return 1;
}

int od_ck_query_date(odapi_request *req, const char *name, char *out,
                  char *msg, size_t msgsize)
{
    const char *s = od_query_get(&req->query, name);
    return s && *s ? date_of(s, name, 0, out, msg, msgsize) : 0;
}

/* A date (with_time: a date and time) member, as date_of reads it. */
static int date_member(json_t *body, const char *name, int with_time,
                       char *out, char *msg, size_t msgsize)
{
    char tmp[32];
    int bad;
    const char *s = member_text(body, name, tmp, sizeof tmp, &bad);
    if (bad)
        return invalid(msg, msgsize, name);
    return s ? date_of(s, name, with_time, out, msg, msgsize) : 0;
}

int od_ck_date(json_t *body, const char *name, char *out, char *msg,
            size_t msgsize)
{
    return date_member(body, name, 0, out, msg, msgsize);
}

int od_ck_datetime(json_t *body, const char *name, char *out, char *msg,
                size_t msgsize)
{
    return date_member(body, name, 1, out, msg, msgsize);
}

static int bool_of(const char *s, const char *name, int *out, char *msg,
                   size_t msgsize)
{
    if (strcasecmp(s, "true") && strcasecmp(s, "false"))
        return invalid(msg, msgsize, name);
    *out = strcasecmp(s, "true") == 0;
    return 1;
}

int od_ck_bool(json_t *body, const char *name, int *out, char *msg,
            size_t msgsize)
{
    json_t *v = json_object_get(body, name);
    if (v && json_is_boolean(v)) {
        *out = json_is_true(v);
        return 1;
    }
    if (!v || json_is_null(v) ||
        (json_is_string(v) && !*json_string_value(v)))
        return 0;
    if (!json_is_string(v))
        return invalid(msg, msgsize, name);
    return bool_of(json_string_value(v), name, out, msg, msgsize);
}

int od_ck_query_bool(odapi_request *req, const char *name, int *out,
                  char *msg, size_t msgsize)
{
    const char *s = od_query_get(&req->query, name);
    return s && *s ? bool_of(s, name, out, msg, msgsize) : 0;
}

int od_ck_text(odapi_request *req, json_t *body, const char *name,
            const char *table, const char *col, const char **out, char *msg,
            size_t msgsize)
{
    json_t *v = json_object_get(body, name);
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_string(v))
        return invalid(msg, msgsize, name);
    if (od_text_check(od_db_catalog(req->srv->db), table, col, name,
                      json_string_value(v), msg, msgsize))
        return -1;
    *out = json_string_value(v);
    return 1;
}

/* ---- output ------------------------------------------------------------- */

void od_ck_str(struct od_buf *b, int first, const char *name, const char *v)
{
    if (!first)
        od_buf_addc(b, ',');
    od_buf_json_str(b, name, strlen(name), 0);
    od_buf_addc(b, ':');
    od_buf_json_str(b, v ? v : "", v ? strlen(v) : 0, 1);
}

const char *od_ck_day(const char *sqldate)
{
    return sqldate && *sqldate && strncmp(sqldate, "0000", 4) != 0
               ? sqldate
               : "0001-01-01";
}

long od_ck_day_num(const char *s)
{
    int y, m, d;
    if (!s || sscanf(s, "%4d-%2d-%2d", &y, &m, &d) != 3 || y < 1880 ||
        m < 1 || m > 12 || d < 1 || d > 31)
        return -1;
    return od_days_from_civil(y, (unsigned)m, (unsigned)d);
}

void od_ck_day_str(long day, char out[11])
{
    od_day_str(day, out);
}

void od_ck_short_date(const char *s, char out[11])
{
    int y, m, d;
    out[0] = '\0';
    if (od_ck_day_num(s) >= 0 && sscanf(s, "%4d-%2d-%2d", &y, &m, &d) == 3) {
        char tmp[48];
        snprintf(tmp, sizeof tmp, "%d/%d/%04d", m, d, y);
        snprintf(out, 11, "%.10s", tmp);
    }
}

/* Remove the member "serverDateTime" (first or later) from one object. */
static void strip_server_time(struct od_buf *b)
{
    static const char key[] = "\"serverDateTime\":";
    char *p = b->p ? strstr(b->p, key) : NULL;
    char *end;
    if (!p)
        return;
    end = strchr(p + strlen(key) + 1, '"'); /* closing quote */
    if (!end)
        return;
    end++;
    if (*end == ',') {
        end++;                      /* "serverDateTime":"..", -> gone */
    } else if (p > b->p && p[-1] == ',') {
        p--;                        /* ,"serverDateTime":".." -> gone */
    }
    memmove(p, end, strlen(end) + 1);
    b->len = strlen(b->p);
}

int od_ck_read_row(struct od_conn *c, const struct od_resource *res,
                long long key, struct od_buf *out)
{
    char where[96], order[64], num[32], err[256];
    const char *params[1];
    struct od_buf rows;
    int n;
    snprintf(where, sizeof where, "t.`%s` = ?", res->pk);
    snprintf(order, sizeof order, "t.`%s`", res->pk);
    snprintf(num, sizeof num, "%lld", key);
    params[0] = num;
    od_buf_init(&rows);
    n = od_resource_rows_json(c, res, where, order, params, 1, 1, &rows, err,
                              sizeof err);
    if (n == 1 && rows.p) {
        /* the one element of the array */
        const char *a = strchr(rows.p, '{'), *z = strrchr(rows.p, '}');
        od_buf_free(out);
        od_buf_init(out);
        if (a && z && z > a)
            od_buf_add(out, a, (size_t)(z - a) + 1);
        strip_server_time(out);
    }
    od_buf_free(&rows);
    return n;
}

int od_ck_overlaps(struct od_conn *c, struct od_ck_job *j, long long op,
                const char *dt, const char *pattern, long long self,
                long long apttype)
{
    struct od_prm a[7] = {OD_PI(op), OD_PS(dt), OD_PS(dt), OD_PS(dt),
                          OD_PS(pattern), OD_PS(dt), OD_PI(self)};
    struct od_prm b[6] = {OD_PI(op), OD_PS(dt), OD_PS(dt), OD_PS(pattern),
                          OD_PS(dt), OD_PI(apttype)};
    long long one[1];
    int rc = od_catalog_column(od_db_catalog(c->db), "appointmenttype",
                               "BlockoutTypes")
                 ? od_query_ll(c, APPT_OVERLAP_BLOCKOUT("?", "?", "?", "?"),
                               b, 6, 1, one)
                 : od_query_ll(c, APPT_OVERLAP_BLOCKOUT_NS("?", "?", "?"), b,
                               5, 1, one);
    if (rc == 0)
        rc = od_query_ll(c,
                         APPT_OVERLAP_APPT("?", "?", "?",
                                           " AND a.AptNum <> ?"),
                         a, 7, 1, one);
    if (rc == 1)
        od_ck_fail(j, 400, APPT_OVERLAP_MSG);
    return rc;
}

/* ---- more input (added for the older actions) --------------------------- */

json_t *od_ck_take_body(struct od_ck_job *j)
{
    json_t *body = od_ck_body(j->req);
    if (!body) { /* answered 400 by od_ck_body: the job goes */
        od_ck_free(j);
        return NULL;
    }
    return j->body = body;
}

int od_ck_path_key(odapi_request *req, const char *name, long long min,
                   long long *out)
{
    char msg[160];
    if (od_parse_key(odapi_request_segment(req, name), out) == 0 &&
        *out >= min)
        return 0;
    snprintf(msg, sizeof msg, "%s is invalid.", name);
    odapi_reply_error(req, 400, msg);
    return -1;
}

int od_ck_int(json_t *body, const char *name, long long min, long long *out,
              char *msg, size_t msgsize)
{
    json_t *v = json_object_get(body, name);
    if (!v || json_is_null(v))
        return 0;
    if (json_is_integer(v))
        *out = (long long)json_integer_value(v);
    else if (!json_is_string(v) || od_parse_ll(json_string_value(v), out))
        return invalid(msg, msgsize, name);
    return *out >= min ? 1 : invalid(msg, msgsize, name);
}

int od_ck_bool_strict(json_t *body, const char *name, int *out, char *msg,
                      size_t msgsize)
{
    json_t *v = json_object_get(body, name);
    if (!v || json_is_null(v))
        return 0;
    if (json_is_boolean(v)) {
        *out = json_is_true(v);
        return 1;
    }
    if (!json_is_string(v))
        return invalid(msg, msgsize, name);
    return bool_of(json_string_value(v), name, out, msg, msgsize);
}

int od_ck_amount(json_t *body, const char *name, double *out, char *msg,
                 size_t msgsize)
{
    json_t *v = json_object_get(body, name);
    if (!v || json_is_null(v) ||
        (json_is_string(v) && !*json_string_value(v)))
        return 0;
    if (json_is_number(v)) {
        *out = json_number_value(v);
    } else if (json_is_string(v)) {
        if (od_parse_decimal(json_string_value(v), out))
            return invalid(msg, msgsize, name);
    } else {
        return invalid(msg, msgsize, name);
    }
    return isfinite(*out) && fabs(*out) <= 1e12
               ? 1
               : invalid(msg, msgsize, name);
}

int od_ck_string(json_t *body, const char *name, const char **out,
                 char *msg, size_t msgsize)
{
    json_t *v = json_object_get(body, name);
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_string(v))
        return invalid(msg, msgsize, name);
    *out = json_string_value(v);
    return 1;
}

/* An array element that is a key: a JSON integer, or a string that parse
 * reads; positive. 0, or -1. */
static int key_elem(json_t *e, int (*parse)(const char *, long long *),
                    long long *x)
{
    if (json_is_integer(e))
        *x = (long long)json_integer_value(e);
    else if (!json_is_string(e) || parse(json_string_value(e), x))
        return -1;
    return *x > 0 ? 0 : -1;
}

/* One key into out (duplicates dropped): 0, or -1 when it is not a key or
 * out is full. */
static int add_key(long long x, long long *out, int max, int *n)
{
    int k;
    if (x <= 0 || *n >= max)
        return -1;
    for (k = 0; k < *n && out[k] != x; k++)
        ;
    if (k == *n)
        out[(*n)++] = x;
    return 0;
}

/* A comma list ("1,2, 3", od_parse_key_list: at most 2 * max entries, as
 * many as list holds) into out: 0, or -1 when it is not one or out is full.
 * "" is an empty list. */
static int key_list(const char *s, long long *out, int max, int *n)
{
    long long list[2 * OD_CK_MAX_KEYS];
    size_t i, k, room = 2 * (size_t)max;
    if (!*s)
        return 0;
    if (od_parse_key_list(s, list, room < OD_ARRAY_LEN(list)
                                       ? room
                                       : OD_ARRAY_LEN(list), &k))
        return -1;
    for (i = 0; i < k; i++)
        if (add_key(list[i], out, max, n))
            return -1;
    return 0;
}

int od_ck_keys(json_t *body, const char *name, long long *out, int max,
               int *n, char *msg, size_t msgsize)
{
    json_t *v = json_object_get(body, name), *e;
    long long x;
    size_t i;
    *n = 0;
    if (!v || json_is_null(v))
        return 0;
    if (json_is_array(v)) {
        json_array_foreach(v, i, e) {
            if (key_elem(e, od_parse_key, &x) || add_key(x, out, max, n))
                return invalid(msg, msgsize, name);
        }
    } else if (!json_is_string(v) ||
               key_list(json_string_value(v), out, max, n)) {
        return invalid(msg, msgsize, name);
    }
    if (!*n) {
        snprintf(msg, msgsize, "%s is required.", name);
        return -1;
    }
    return 1;
}

int od_ck_key_array(json_t *body, const char *name, long long *out, int max,
                    int *n, char *msg, size_t msgsize)
{
    json_t *v = json_object_get(body, name), *e;
    long long x;
    size_t i;
    int k;
    *n = 0;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_array(v))
        return invalid(msg, msgsize, name);
    json_array_foreach(v, i, e) {
        if (key_elem(e, od_parse_ll, &x))
            return invalid(msg, msgsize, name);
        for (k = 0; k < *n && out[k] != x; k++)
            ;
        if (k < *n)
            continue;
        if (*n == max)
            return -2;
        out[(*n)++] = x;
    }
    return 1;
}

int od_ck_need_key(struct od_conn *c, struct od_ck_job *j, const char *sql,
                   long long key, int status, const char *missing)
{
    return od_ck_need(j, od_ck_exists(c, sql, key), status, missing);
}

int od_ck_exists(struct od_conn *c, const char *sql, long long key)
{
    long long v[OD_MAXCOL];
    struct od_prm p[1];
    p[0] = OD_PI(key);
    return od_query_ll(c, sql, p, 1, 1, v);
}
