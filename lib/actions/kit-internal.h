/*
 * kit-internal.h - what the chart, planned-appointment, Web Sched, recall
 * and user actions share (chart.c, planned.c, websched.c, recalls.c,
 * userods.c): one job per request, run on a DB worker (a write in one
 * transaction, retried only when the connection was lost before its
 * commit), answered on the loop thread with the JSON it built or with a
 * resource's row read back the way its GET writes it.
 *
 * A handler (loop thread) checks its input, fills a od_ck_job and calls
 * od_ck_submit; the job's work function (worker) returns 0, or -1 after
 * od_ck_fail (or a database error noted on the connection).
 */
#ifndef ODAPI_ACTIONS_KIT_INTERNAL_H
#define ODAPI_ACTIONS_KIT_INTERNAL_H

#include "engine/resource-internal.h"
#include "engine/openapi-internal.h"

#include <jansson.h>

struct od_ck_job;
typedef int (*od_ck_work_fn)(struct od_conn *c, struct od_ck_job *j);

struct od_ck_job {
    odapi_request *req;
    od_ck_work_fn work;
    int write;                     /* run work in a transaction */
    int created;                   /* answer 201 + Location */
    const struct od_resource *res; /* answer: res's row of key, read back
                                      (NULL: out as work left it) */
    long long key;
    const char *location;          /* "appointments": Location's path */
    int status;                    /* 0 until work fails or answers */
    char msg[256];
    struct od_buf out;             /* the answer's body */
    int no_body;                   /* 200 with an empty body */
    char developer[128];
    void *data;                    /* the action's own input */
    void (*free_data)(void *data);
    /* added for the older actions (appointments.c, account.c, claims.c,
     * payplans.c, procgroup.c, family.c): */
    json_t *body;                  /* the request body (od_ck_take_body),
                                      kept while the job lives: strings read
                                      from it stay valid on the worker */
    od_ck_work_fn answer;          /* a write's answer, built into out after
                                      the commit (0, or -1: "made but could
                                      not be read"; never run again) */
};

/* An action file's registration: defines void fn(odapi_server *srv), which
 * registers and documents the routes of its table docs (od_api_routes);
 * routes.c's list calls it. */
#define OD_CK_ROUTES(fn, docs)                                               \
    void fn(odapi_server *srv);                                              \
    void fn(odapi_server *srv)                                               \
    {                                                                        \
        od_api_routes(srv, docs, (int)OD_ARRAY_LEN(docs));                   \
    }

/* A job for req (NULL after a 500 answer). */
struct od_ck_job *od_ck_new(odapi_request *req, od_ck_work_fn work, int write);
void od_ck_free(struct od_ck_job *j);
/* A job as od_ck_new whose data is size zeroed bytes, freed with
 * free_data (free() when NULL) once the job ends; NULL after answering
 * (500 when the memory is not there). */
struct od_ck_job *od_ck_new_data(odapi_request *req, od_ck_work_fn work,
                                 int write, size_t size,
                                 void (*free_data)(void *data));
/* The job answers 201 with res's row of j->key, read back, and a Location
 * of res's path and the key (the answer of a POST that creates one). */
void od_ck_created(struct od_ck_job *j, const struct od_resource *res);
/* Queue it; it answers and frees itself. */
void od_ck_submit(struct od_ck_job *j);
/* A job's failure answered: 503 when the pool could not run it
 * (pool_status not ODAPI_OK), status (500 when 0) with msg ("The request
 * failed." when empty) when status is 0 or 400 and above, 500 when its
 * answer ran out of memory. 1 when it answered, 0 when the job succeeded
 * and its own answer is still to send. Every job kind's completion. */
int od_ck_answer_error(odapi_request *req, int pool_status, int status,
                       const char *msg, int oom);
/* Answer 400 (or status) with msg now, on the loop thread, and free j. */
void od_ck_reject(struct od_ck_job *j, int status, const char *msg);
/* In work: the request's answer is this refusal; returns -1. */
int od_ck_fail(struct od_ck_job *j, int status, const char *fmt, ...)
    OD_PRINTF(3, 4);

/* ---- input (loop thread) ---------------------------------------------------
 * Each returns 1 given, 0 absent (or JSON null, or ""), -1 invalid with
 * "{name} is invalid." (or the format sentence) in msg. */

/* The request body as a JSON object; NULL after answering 400. */
json_t *od_ck_body(odapi_request *req);
/* A key: a positive number or a string of digits. */
int od_ck_key(json_t *body, const char *name, long long *out, char *msg,
           size_t msgsize);
/* What a getter of this file returned (rc), for a required input: 0 given,
 * -1 invalid (msg as the getter wrote it) or absent (rc 0: msg is
 * "{name} is required."). */
int od_ck_required(int rc, const char *name, char *msg, size_t msgsize);
/* od_ck_key, required: 0, or -1 with "{name} is required." when absent. */
int od_ck_key_req(json_t *body, const char *name, long long *out, char *msg,
                  size_t msgsize);
/* A key given as a query parameter. */
int od_ck_query_key(odapi_request *req, const char *name, long long *out,
                 char *msg, size_t msgsize);
int od_ck_query_key_req(odapi_request *req, const char *name, long long *out,
                        char *msg, size_t msgsize);
/* "yyyy-MM-dd" (query or body) into out[11]. */
int od_ck_query_date(odapi_request *req, const char *name, char *out,
                  char *msg, size_t msgsize);
int od_ck_date(json_t *body, const char *name, char *out, char *msg,
            size_t msgsize);
/* "yyyy-MM-dd HH:mm:ss" into out[20]. */
int od_ck_datetime(json_t *body, const char *name, char *out, char *msg,
                size_t msgsize);
/* "true"/"false" (any case), a JSON boolean too. */
int od_ck_bool(json_t *body, const char *name, int *out, char *msg,
            size_t msgsize);
int od_ck_query_bool(odapi_request *req, const char *name, int *out,
                  char *msg, size_t msgsize);
/* A JSON string, checked against table.col (od_text_check); *out points
 * into body. */
int od_ck_text(odapi_request *req, json_t *body, const char *name,
            const char *table, const char *col, const char **out, char *msg,
            size_t msgsize);

/* ---- output (worker) ---------------------------------------------------- */

/* A JSON member: ,"name":"value" (first: without the comma). */
void od_ck_str(struct od_buf *b, int first, const char *name, const char *v);
/* "yyyy-MM-dd" of a MySQL date text, "0001-01-01" for none. */
const char *od_ck_day(const char *sqldate);

/* Days since 1970-01-01 of a "yyyy-MM-dd..." text (-1 for none or
 * before 1880, Open Dental's "no date"); and back. */
long od_ck_day_num(const char *s);
void od_ck_day_str(long day, char out[11]);
/* Open Dental's short date (en-US "M/d/yyyy") of a "yyyy-MM-dd..." text;
 * "" for no date. */
void od_ck_short_date(const char *s, char out[11]);

/* Appointments.ValidateApptForWeb's rule (engine/apptrules-internal.h)
 * for an appointment at dt ("yyyy-MM-dd HH:mm:ss") in op with pattern,
 * other than self, of appointment type apttype: 1 it may not go there
 * (the refusal set), 0 it may, -1 error. */
int od_ck_overlaps(struct od_conn *c, struct od_ck_job *j, long long op,
                const char *dt, const char *pattern, long long self,
                long long apttype);

/* The first row of res whose key is key, as its GET writes it without
 * serverDateTime (a POST's answer), into out: 1, 0 none, -1 error. */
int od_ck_read_row(struct od_conn *c, const struct od_resource *res,
                long long key, struct od_buf *out);

/* ---- more input (added for the older actions) -----------------------------
 * Same conventions as above: 1 given, 0 absent, -1 invalid with msg. */

/* The request body as a JSON object, kept in j->body; NULL after answering
 * 400 and freeing j. */
json_t *od_ck_take_body(struct od_ck_job *j);
/* A key in the path, at least min (0 or 1): 0, or -1 after answering 400
 * "{name} is invalid.". */
int od_ck_path_key(odapi_request *req, const char *name, long long min,
                   long long *out);
/* An integer of at least min: a JSON integer or a string of digits; ""
 * is invalid, not absent. */
int od_ck_int(json_t *body, const char *name, long long min, long long *out,
              char *msg, size_t msgsize);
/* "true"/"false" (any case) or a JSON boolean; "" is invalid. */
int od_ck_bool_strict(json_t *body, const char *name, int *out, char *msg,
                      size_t msgsize);
/* An amount: a JSON number or a numeric string, finite, at most 1e12 either
 * side of zero (the engine's bound); "" is absent. */
int od_ck_amount(json_t *body, const char *name, double *out, char *msg,
                 size_t msgsize);
/* A JSON string, "" included; *out points into body. */
int od_ck_string(json_t *body, const char *name, const char **out,
                 char *msg, size_t msgsize);
/* Keys as the API writes them (od_parse_key: no sign, no leading zero): a
 * JSON array of keys (numbers or strings) or a comma list in a string
 * ("1, 2": od_parse_key_list, at most 2 * max entries), at most max
 * (OD_CK_MAX_KEYS at the most) once duplicates are dropped, into out[*n].
 * An empty list ("" or []) is -1 with "{name} is required."; 0 (as a key,
 * not as an absent list) is invalid. */
#define OD_CK_MAX_KEYS 128
int od_ck_keys(json_t *body, const char *name, long long *out, int max,
               int *n, char *msg, size_t msgsize);
/* Keys in a JSON array only (numbers, or strings of digits: od_parse_ll,
 * so "007" is 7), positive, duplicates dropped, into out[*n]: 1 given ([]
 * too, *n 0), 0 absent, -1 invalid with msg, -2 (msg unset) when there are
 * more than max distinct keys. */
int od_ck_key_array(json_t *body, const char *name, long long *out, int max,
                    int *n, char *msg, size_t msgsize);

/* ---- rows a write needs (worker) ------------------------------------------
 * rc of a lookup (1 found, 0 none, -1 error: od_query_row's) as 0 found,
 * or -1 when there is none (after od_ck_fail(j, status, "%s", missing)) or
 * on a database error. */
int od_ck_need(struct od_ck_job *j, int rc, int status, const char *missing);
/* The first row of sql (a lookup, or a row locked FOR UPDATE) into out,
 * as od_query_row and od_query_ll read it, through od_ck_need: 0, or -1. */
int od_ck_need_row(struct od_conn *c, struct od_ck_job *j, const char *sql,
                   struct od_prm *p, int n, int ncols, char out[][OD_COLSZ],
                   int status, const char *missing);
/* Whether sql (one ?, bound to key) finds a row: 1, 0 none, -1 error. */
int od_ck_exists(struct od_conn *c, const char *sql, long long key);
/* The same through od_ck_need: 0, or -1. */
int od_ck_need_key(struct od_conn *c, struct od_ck_job *j, const char *sql,
                   long long key, int status, const char *missing);
int od_ck_need_ll(struct od_conn *c, struct od_ck_job *j, const char *sql,
                  struct od_prm *p, int n, int ncols, long long *out,
                  int status, const char *missing);

#endif /* ODAPI_ACTIONS_KIT_INTERNAL_H */
