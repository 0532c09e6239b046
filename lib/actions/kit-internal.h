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
};

/* A job for req (NULL after a 500 answer). */
struct od_ck_job *od_ck_new(odapi_request *req, od_ck_work_fn work, int write);
void od_ck_free(struct od_ck_job *j);
/* Queue it; it answers and frees itself. */
void od_ck_submit(struct od_ck_job *j);
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
/* A key given as a query parameter. */
int od_ck_query_key(odapi_request *req, const char *name, long long *out,
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

#endif /* ODAPI_ACTIONS_KIT_INTERNAL_H */
