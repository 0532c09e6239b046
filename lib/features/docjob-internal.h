/*
 * docjob-internal.h - what the documents, EOB attachment and sheet file
 * routes share (documents.c, docexport.c, seturl.c, eobfiles.c,
 * sheetfile.c): one job per request, its input read from the JSON body,
 * run on a database worker (od_request_submit: a POST is a long job),
 * answered on the loop thread with a status, a body and maybe a Location.
 *
 * A job's work returns OD_WORK_DONE or OD_WORK_RETRY (the connection was
 * lost before anything was committed; the pool runs it again on a new
 * connection, so work keeps what it already fetched, such as a file read
 * over SFTP, in the job).
 */
#ifndef OD_DOCJOB_INTERNAL_H
#define OD_DOCJOB_INTERNAL_H

#include "engine/resource-internal.h"
#include "features/imagestore-internal.h"
#include "features/queries-internal.h"

#include <jansson.h>

/* EnumPermType (GroupPermission.cs) of the security log rows written. */
enum {
    OD_PERM_INS_PAY_EDIT = 37,
    OD_PERM_IMAGE_EXPORT = 201,
    OD_PERM_IMAGE_CREATE = 202
};

struct dj;
typedef int (*dj_work_fn)(struct od_conn *c, struct dj *j);

struct dj {
    odapi_request *req;
    odapi_server *srv;
    dj_work_fn work;
    int status;               /* the answer: 200, 201, 4xx, 5xx */
    char msg[512];            /* an error's sentence */
    struct od_buf out;        /* a success's body ("" for none) */
    char location[1400];      /* Location header, or "" */
    char developer[128];
    char base_url[600];       /* "http://host/api/v1/" as the client used */
    /* SFTP: where (SftpAddress split) and who */
    char *host, *path, *user, *password, *known_hosts;
    int port;
    int path_is_dir;          /* the address ended in '/' */
    void *data;               /* the route's own input and state */
    void (*free_data)(void *data);
};

/* A job for req (NULL after answering 500). */
struct dj *od_dj_new(odapi_request *req, dj_work_fn work);
/* The same with j->data: size zeroed bytes that free_data frees (NULL
 * after answering 500). */
struct dj *od_dj_new_data(odapi_request *req, dj_work_fn work, size_t size,
                          void (*free_data)(void *data));
void od_dj_free(struct dj *j);
/* Queue it: it answers and frees itself. */
void od_dj_submit(struct dj *j);
/* The pool's work and completion functions od_dj_submit uses, for a route
 * of several stages: od_dj_run resets the answer and calls j->work;
 * od_dj_finish answers (503 when status is not ODAPI_OK) and frees j. */
int od_dj_run(struct od_conn *c, void *arg);
void od_dj_finish(void *arg, int status);
/* Answer status with msg now (loop thread) and free j. */
void od_dj_reject(struct dj *j, int status, const char *msg);
/* In work: this request fails with status and the sentence; returns -1. */
int od_dj_fail(struct dj *j, int status, const char *fmt, ...) OD_PRINTF(3, 4);
/* In work, after a database error or refusal: OD_WORK_RETRY when the
 * connection was lost (nothing committed), else OD_WORK_DONE with a 500
 * unless a status was set. */
int od_dj_db_failed(struct od_conn *c, struct dj *j);

/* ---- input ------------------------------------------------------------------
 * The body as a JSON object: NULL with a 400 sentence in msg. */
json_t *od_dj_body(odapi_request *req, char *msg, size_t msgsize);
/* j's body; NULL after refusing j with the 400 (msg: a buffer for it). */
json_t *od_dj_job_body(struct dj *j, char *msg, size_t msgsize);
/* The input read: body released, then j refused with 400 msg when msg is
 * not empty, else queued. */
void od_dj_go(struct dj *j, json_t *body, const char *msg);
/* A required key named key (into *out), then the SFTP input (dir_ok as
 * od_dj_sftp_input); msg empty when both are there and valid. */
void od_dj_key_sftp(struct dj *j, json_t *body, const char *key,
                    long long *out, int dir_ok, char *msg, size_t msgsize);
/* A key (a number or a string of digits, > 0): 1 given, 0 absent (null,
 * ""), -1 invalid ("{name} is invalid." in msg). */
int od_dj_key(json_t *body, const char *name, long long *out, char *msg,
           size_t msgsize);
/* A string member: 1 given (*out into body), 0 absent, -1 not a string. */
int od_dj_str(json_t *body, const char *name, const char **out, char *msg,
           size_t msgsize);
/* SftpAddress, SftpUsername, SftpPassword (required) and SftpPort into j;
 * a folder address (ending in '/') is allowed when dir_ok (2: the
 * address is always a folder). The password is wiped from the body (and
 * from the request's raw body). 0, or -1 with msg. */
int od_dj_sftp_input(struct dj *j, json_t *body, int dir_ok, char *msg,
                  size_t msgsize);
/* Open the session with j's SFTP input: 0, or -1 with a 400 set on j. */
int od_dj_sftp_open(struct dj *j, struct od_sftp **out);
/* The file path to write: j->path, or j->path + name for a folder; NULL
 * (out of memory). Free it. */
char *od_dj_sftp_target(const struct dj *j, const char *name);
/* j->location = host[:port] + path, what the 201 of a download names. */
void od_dj_set_location(struct dj *j, const char *path);

/* ---- documents: the fields Upload, SetByUrl and UploadSftp share ------------ */

struct docin {
    long long patnum;
    const char *description;   /* NULL: "" */
    char date_created[20];     /* "" : now */
    long long doc_category;    /* 0: the first image category */
    int img_type;              /* -1: Document */
    char tooth_numbers[256];   /* as stored ("1,2,3") */
    long long prov_num;
    int print_heading;
    char *description_copy;    /* owned */
};

/* Read the optional fields (Description, DateCreated, DocCategory,
 * ImgType, ToothNumbers, ProvNum, PrintHeading) of body: 0, or -1 with a
 * 400 sentence in msg. */
int od_docin_read(struct docin *d, json_t *body, char *msg, size_t msgsize);
void od_docin_free(struct docin *d);

/* Tooth.ParseRange (Universal numbering): "1-5,8" -> "1,2,3,4,5,8".
 * 0, or -1 with msg. */
int od_tooth_range(const char *in, char *out, size_t cap, char *msg,
                   size_t msgsize);

/* The new document (Documents.Insert, ImageStore.Import): inside the
 * request's transaction, the row, its FileName made from the patient's
 * name and DocNum with ext, the file written to the patient's folder (or
 * RawBase64), the patient's ImageFolder set if blank, the security log
 * row. *docnum, and the file's full path in filepath ("" in the database).
 * 0, or -1 (j's status set, or a database error on c). *written is set
 * when a file exists that a rollback must remove (dir, name). */
struct docfile {
    long long docnum;
    char filepath[1400];
    int dirfd;
    char name[300];
};
int od_doc_import(struct od_conn *c, struct dj *j, const struct docin *d,
                  const unsigned char *bytes, size_t n, const char *ext,
                  struct docfile *f);
/* The whole import: transaction, retry rules, commit, the file removed on
 * failure, the document read back in GET /documents/{DocNum}'s shape into
 * j->out with a 201 and Location (upload_shape 0) or UploadSftp's shape
 * (1). Returns what work returns. */
int od_doc_import_tx(struct od_conn *c, struct dj *j, const struct docin *d,
                     const unsigned char *bytes, size_t n, const char *ext,
                     int upload_shape);
/* The extension a file keeps (ImageStore.Import): the name's, lower case
 * as given; none: ".jpg" for an image, else ".txt". */
void od_import_ext(const char *name, const unsigned char *bytes, size_t n,
                   char *out, size_t cap);

/* ---- reading a stored file ----------------------------------------------------- */

/* The bytes of a patient's file: from the A to Z folder (imagefolder,
 * name) or RawBase64 text. Errors: -1 with j's status and msg set. */
int od_doc_bytes(struct dj *j, const struct od_store *s,
                 const char *imagefolder, const char *name,
                 const char *rawbase64, unsigned char **out, size_t *len);

/* A document's file and how it is shown (docexport.c): 0, or -1 (404
 * "Document not found", another refusal on j, or a database error). */
struct od_docview;
int od_doc_load(struct od_conn *c, struct dj *j, const struct od_store *s,
                long long docnum, struct od_docview *v, unsigned char **out,
                size_t *len);

#endif /* OD_DOCJOB_INTERNAL_H */
