/* docjob.c - the job, input and SFTP plumbing the documents, EOB and sheet
 * file routes share (docjob-internal.h). */
#include "actions/kit-internal.h"
#include "features/docjob-internal.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/* ---- the job ------------------------------------------------------------------- */

struct dj *od_dj_new(odapi_request *req, dj_work_fn work)
{
    struct dj *j = calloc(1, sizeof *j);
    if (!j) {
        odapi_reply_error(req, 500, "Out of memory.");
        return NULL;
    }
    j->req = req;
    j->srv = req->srv;
    j->work = work;
    snprintf(j->developer, sizeof j->developer, "%s", req->developer);
    od_buf_init(&j->out);
    /* Location names the host the client asked (as resource.c's does);
     * headers are read here, on the loop thread */
    {
        const char *host = odapi_request_header(req, "Host");
        if (host && *host && !strpbrk(host, "\r\n/ ") && strlen(host) < 500)
            snprintf(j->base_url, sizeof j->base_url, "%s://%s/api/v1/",
                     req->srv->ssl_ctx ? "https" : "http", host);
        else
            snprintf(j->base_url, sizeof j->base_url, "%s",
                     req->srv->base_url);
    }
    return j;
}

static void wipe_free(char *s)
{
    if (s) {
        explicit_bzero(s, strlen(s));
        free(s);
    }
}

void od_dj_free(struct dj *j)
{
    if (!j)
        return;
    od_buf_free(&j->out);
    free(j->host);
    free(j->path);
    free(j->user);
    wipe_free(j->password);
    free(j->known_hosts);
    if (j->free_data)
        j->free_data(j->data);
    free(j);
}

int od_dj_run(struct od_conn *c, void *arg)
{
    struct dj *j = arg;
    j->status = 0;
    j->msg[0] = '\0';
    j->location[0] = '\0';
    return j->work(c, j);
}

void od_dj_finish(void *arg, int status)
{
    struct dj *j = arg;
    odapi_request *req = j->req;
    if (!od_ck_answer_error(req, status, j->status, j->msg, j->out.oom)) {
        if (j->location[0])
            odapi_request_add_header(req, "Location", j->location);
        odapi_reply(req, j->status, j->out.p ? j->out.p : "", j->out.len);
    }
    od_dj_free(j);
}

void od_dj_submit(struct dj *j)
{
    if (od_request_submit(j->req, od_dj_run, od_dj_finish, j))
        od_dj_free(j);
}

struct dj *od_dj_new_data(odapi_request *req, dj_work_fn work, size_t size,
                          void (*free_data)(void *data))
{
    struct dj *j = od_dj_new(req, work);

    if (!j)
        return NULL;
    if (!(j->data = calloc(1, size))) {
        od_dj_reject(j, 500, "Out of memory.");
        return NULL;
    }
    j->free_data = free_data;
    return j;
}

void od_dj_reject(struct dj *j, int status, const char *msg)
{
    odapi_reply_error(j->req, status, msg);
    od_dj_free(j);
}

int od_dj_fail(struct dj *j, int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(j->msg, sizeof j->msg, fmt, ap);
    va_end(ap);
    j->status = status;
    return -1;
}

int od_dj_db_failed(struct od_conn *c, struct dj *j)
{
    int st = j->status >= 400 ? j->status : 0;
    int rc = od_tx_failed(c, &st, j->msg, sizeof j->msg);
    j->status = st;
    return rc;
}

/* ---- input ----------------------------------------------------------------- */

json_t *od_dj_body(odapi_request *req, char *msg, size_t msgsize)
{
    json_error_t jerr;
    json_t *b = json_loadb(req->body ? req->body : "", req->body_len, 0,
                           &jerr);
    if (!b || !json_is_object(b)) {
        snprintf(msg, msgsize, "%s",
                 b ? "The request body must be a JSON object."
                   : "The request body is not valid JSON.");
        json_decref(b);
        return NULL;
    }
    return b;
}

json_t *od_dj_job_body(struct dj *j, char *msg, size_t msgsize)
{
    json_t *body = od_dj_body(j->req, msg, msgsize);

    if (!body)
        od_dj_reject(j, 400, msg);
    return body;
}

void od_dj_go(struct dj *j, json_t *body, const char *msg)
{
    json_decref(body);
    if (msg[0])
        od_dj_reject(j, 400, msg);
    else
        od_dj_submit(j);
}

void od_dj_key_sftp(struct dj *j, json_t *body, const char *key,
                    long long *out, int dir_ok, char *msg, size_t msgsize)
{
    int r = od_dj_key(body, key, out, msg, msgsize);

    if (r == 0)
        snprintf(msg, msgsize, "%s is required.", key);
    else if (r > 0 && !od_dj_sftp_input(j, body, dir_ok, msg, msgsize))
        msg[0] = '\0';
}

int od_dj_key(json_t *body, const char *name, long long *out, char *msg,
           size_t msgsize)
{
    json_t *v = json_object_get(body, name);
    *out = 0;
    if (!v || json_is_null(v) ||
        (json_is_string(v) && !*json_string_value(v)))
        return 0;
    if (json_is_integer(v))
        *out = json_integer_value(v);
    else if (!json_is_string(v) || od_parse_ll(json_string_value(v), out))
        *out = -1;
    if (*out <= 0) {
        snprintf(msg, msgsize, "%s is invalid.", name);
        return -1;
    }
    return 1;
}

int od_dj_str(json_t *body, const char *name, const char **out, char *msg,
           size_t msgsize)
{
    *out = NULL;
    return od_ck_string(body, name, out, msg, msgsize);
}

static int sftp_port(json_t *body, int *port, char *msg, size_t msgsize)
{
    json_t *v = json_object_get(body, "SftpPort");
    long long p = -1;
    if (!v || json_is_null(v))
        return 0;
    if (json_is_integer(v))
        p = json_integer_value(v);
    else if (!json_is_string(v) || od_parse_ll(json_string_value(v), &p))
        p = -1;
    if (p < 1 || p > 65535) {
        snprintf(msg, msgsize, "SftpPort is invalid.");
        return -1;
    }
    *port = (int)p;
    return 0;
}

/* Split the address; a folder address gets a placeholder name to split,
 * then loses it again. dir_ok 2: the address is a folder even without
 * its final '/'. */
static int split_address(struct dj *j, const char *addr, int dir_ok)
{
    size_t n = strlen(addr);
    int port = 0, rc, slash = n && addr[n - 1] == '/';
    char *tmp;
    j->path_is_dir = slash || dir_ok == 2;
    if (j->path_is_dir && !dir_ok)
        return -1;
    if (!(tmp = malloc(n + 3)))
        return -1;
    snprintf(tmp, n + 3, "%s%s", addr,
             !j->path_is_dir ? "" : slash ? "x" : "/x");
    rc = od_sftp_split_address(tmp, &j->host, &j->path, &port);
    free(tmp);
    if (rc)
        return -1;
    if (j->path_is_dir)
        j->path[strlen(j->path) - 1] = '\0'; /* keeps the '/' */
    j->port = port;
    return 0;
}

static void wipe_password(json_t *body)
{
    json_t *v = json_object_get(body, "SftpPassword");
    if (v && json_is_string(v))
        explicit_bzero((char *)json_string_value(v), json_string_length(v));
}

int od_dj_sftp_input(struct dj *j, json_t *body, int dir_ok, char *msg,
                  size_t msgsize)
{
    static const char *const names[] = {"SftpAddress", "SftpUsername",
                                        "SftpPassword"};
    const char *v[3];
    int i, rc = -1;
    for (i = 0; i < 3; i++)
        if (od_dj_str(body, names[i], &v[i], msg, msgsize) < 0 || !v[i] ||
            !*v[i]) {
            if (v[i] == NULL || !*v[i])
                snprintf(msg, msgsize, "%s is required.", names[i]);
            goto out;
        }
    if (split_address(j, v[0], dir_ok)) {
        snprintf(msg, msgsize, "SftpAddress must be the full path of the "
                               "%s, like host/folder/%s.",
                 dir_ok ? "file or folder" : "file",
                 dir_ok ? "(file)" : "file");
        goto out;
    }
    if (sftp_port(body, &j->port, msg, msgsize))
        goto out;
    j->user = strdup(v[1]);
    j->password = strdup(v[2]);
    j->known_hosts = od_sftp_known_hosts(j->srv->cfg->known_hosts);
    if (!j->user || !j->password || !j->known_hosts) {
        snprintf(msg, msgsize, "Out of memory.");
        goto out;
    }
    rc = 0;
out:
    wipe_password(body);
    /* the raw body holds the password too; nothing reads it again */
    if (j->req->body)
        explicit_bzero(j->req->body, j->req->body_len);
    return rc;
}

int od_dj_sftp_open(struct dj *j, struct od_sftp **out)
{
    struct od_sftp_target t;
    memset(&t, 0, sizeof t);
    t.host = j->host;
    t.port = j->port;
    t.user = j->user;
    t.password = j->password;
    t.path = j->path;
    t.known_hosts = j->known_hosts;
    t.log = j->srv->log;
    if (od_sftp_open(&t, out, j->msg, sizeof j->msg)) {
        j->status = 400;
        return -1;
    }
    return 0;
}

char *od_dj_sftp_target(const struct dj *j, const char *name)
{
    size_t n = strlen(j->path) + (name ? strlen(name) : 0) + 2;
    char *p = malloc(n);
    if (!p)
        return NULL;
    if (j->path_is_dir)
        snprintf(p, n, "%s%s", j->path, name ? name : "");
    else
        snprintf(p, n, "%s", j->path);
    return p;
}

void od_dj_set_location(struct dj *j, const char *path)
{
    if (j->port && j->port != 22)
        snprintf(j->location, sizeof j->location, "%s%s%s:%d%s",
                 strchr(j->host, ':') ? "[" : "", j->host,
                 strchr(j->host, ':') ? "]" : "", j->port, path);
    else
        snprintf(j->location, sizeof j->location, "%s%s%s%s",
                 strchr(j->host, ':') ? "[" : "", j->host,
                 strchr(j->host, ':') ? "]" : "", path);
}

/* ---- the document fields ------------------------------------------------------ */

static const char *const imgtypes[] = {"Document", "Radiograph", "Photo",
                                       "File", "Attachment"};

static int read_bool(json_t *body, const char *name, int *out, char *msg,
                     size_t msgsize)
{
    json_t *v = json_object_get(body, name);
    if (!v || json_is_null(v))
        return 0;
    if (json_is_boolean(v)) {
        *out = json_is_true(v);
        return 0;
    }
    if (json_is_string(v) && !strcasecmp(json_string_value(v), "true"))
        *out = 1;
    else if (json_is_string(v) && !strcasecmp(json_string_value(v), "false"))
        *out = 0;
    else {
        snprintf(msg, msgsize, "%s is invalid.", name);
        return -1;
    }
    return 0;
}

static int read_imgtype(json_t *body, int *out, char *msg, size_t msgsize)
{
    const char *s;
    size_t i;
    int rc = od_dj_str(body, "ImgType", &s, msg, msgsize);
    *out = -1;
    if (rc <= 0)
        return rc;
    for (i = 0; i < OD_ARRAY_LEN(imgtypes); i++)
        if (!strcasecmp(s, imgtypes[i])) {
            *out = (int)i;
            return 0;
        }
    snprintf(msg, msgsize, "ImgType is invalid.");
    return -1;
}

int od_docin_read(struct docin *d, json_t *body, char *msg, size_t msgsize)
{
    const char *s;
    long long v;
    memset(d, 0, sizeof *d);
    d->img_type = -1;
    if (od_dj_str(body, "Description", &s, msg, msgsize) < 0)
        return -1;
    if (s && !(d->description = d->description_copy = strdup(s))) {
        snprintf(msg, msgsize, "Out of memory.");
        return -1;
    }
    if (od_dj_str(body, "DateCreated", &s, msg, msgsize) < 0)
        return -1;
    if (s && *s) {
        if (!od_valid_date(s, 1)) {
            snprintf(msg, msgsize, "DateCreated format must be yyyy-MM-dd "
                                   "HH:mm:ss.");
            return -1;
        }
        snprintf(d->date_created, sizeof d->date_created, "%s", s);
    }
    if (od_dj_key(body, "DocCategory", &v, msg, msgsize) < 0)
        return -1;
    d->doc_category = v;
    if (read_imgtype(body, &d->img_type, msg, msgsize) < 0)
        return -1;
    if (od_dj_str(body, "ToothNumbers", &s, msg, msgsize) < 0 ||
        (s && od_tooth_range(s, d->tooth_numbers, sizeof d->tooth_numbers,
                             msg, msgsize)))
        return -1;
    if (od_dj_key(body, "ProvNum", &v, msg, msgsize) < 0)
        return -1;
    d->prov_num = v;
    return read_bool(body, "PrintHeading", &d->print_heading, msg, msgsize);
}

void od_docin_free(struct docin *d)
{
    free(d->description_copy);
    d->description_copy = NULL;
    d->description = NULL;
}

/* ---- tooth numbers (Tooth.cs, Universal numbering) --------------------------- */

/* PriToPerm: the permanent tooth a primary one is before (A-J 4-13, K-T
 * 20-29). */
static int pri_to_perm(char c)
{
    return c <= 'J' ? c - 'A' + 4 : c - 'K' + 20;
}

/* Tooth.IsValidDB: 1-32, 51-82 (supernumerary), A-T, AS-TS. */
static int tooth_valid(const char *t)
{
    size_t n = strlen(t);
    if (n == 1 && t[0] >= 'A' && t[0] <= 'T')
        return 1;
    if (n == 2 && t[0] >= 'A' && t[0] <= 'T' && t[1] == 'S')
        return 1;
    if (n >= 1 && n <= 2 && t[0] >= '1' && t[0] <= '9' &&
        (n == 1 || (t[1] >= '0' && t[1] <= '9'))) {
        int v = atoi(t);
        return v <= 32 || (v >= 51 && v <= 82);
    }
    return 0;
}

/* Tooth.ToInt: 1-32 for any valid tooth. */
static int tooth_int(const char *t)
{
    if (t[0] >= 'A' && t[0] <= 'T')
        return pri_to_perm(t[0]);
    return atoi(t) > 50 ? atoi(t) - 50 : atoi(t);
}

/* Tooth.ToOrdinal: permanent 1-32, primary 33-52. */
static int tooth_ord(const char *t)
{
    if (t[0] >= 'A' && t[0] <= 'T' && !t[1])
        return 33 + t[0] - 'A';
    return tooth_int(t);
}

/* Tooth.FromOrdinal */
static void tooth_from_ord(int o, char out[4])
{
    if (o >= 1 && o < 33) {
        out[0] = o >= 10 ? (char)('0' + o / 10) : (char)('0' + o);
        out[1] = o >= 10 ? (char)('0' + o % 10) : '\0';
        out[2] = '\0';
    } else {
        out[0] = (char)('A' + (o - 33) % 20);
        out[1] = '\0';
    }
}

struct tooth {
    char s[4];
    int ord;
};

static int tooth_cmp(const void *a, const void *b)
{
    const struct tooth *x = a, *y = b;
    return (x->ord > y->ord) - (x->ord < y->ord);
}

static int tooth_add(struct tooth *t, int *n, const char *s)
{
    if (*n >= 256)
        return -1;
    snprintf(t[*n].s, sizeof t[*n].s, "%s", s);
    t[*n].ord = tooth_ord(s);
    (*n)++;
    return 0;
}

/* One comma-separated part: a tooth or a range. */
static int tooth_part(char *part, struct tooth *t, int *n, char *msg,
                      size_t msgsize)
{
    char *dash = strchr(part, '-'), *a = part, *b;
    int lo, hi;
    char buf[4];
    if (!dash) {
        if (!tooth_valid(a))
            goto bad_a;
        return tooth_add(t, n, a) ? -1 : 0;
    }
    *dash = '\0';
    b = dash + 1;
    if (strchr(b, '-'))
        *strchr(b, '-') = '\0'; /* Split('-')[1] */
    if (!tooth_valid(a))
        goto bad_a;
    if (!tooth_valid(b)) {
        snprintf(msg, msgsize, "ToothNumbers is invalid: %.8s is not a "
                               "valid tooth number.", b);
        return -1;
    }
    lo = tooth_ord(a);
    hi = tooth_int(b);
    if (hi < lo) {
        snprintf(msg, msgsize, "ToothNumbers is invalid: range specified "
                               "is impossible.");
        return -1;
    }
    for (; lo <= hi; lo++) {
        tooth_from_ord(lo, buf);
        if (tooth_add(t, n, buf))
            return -1;
    }
    return 0;
bad_a:
    snprintf(msg, msgsize, "ToothNumbers is invalid: %.8s is not a valid "
                           "tooth number.", a);
    return -1;
}

int od_tooth_range(const char *in, char *out, size_t cap, char *msg,
                   size_t msgsize)
{
    struct tooth t[256];
    char buf[512], *p, *part;
    size_t len = 0, i;
    int n = 0, k;
    for (i = 0, p = buf; in[i] && len + 1 < sizeof buf; i++)
        if (in[i] != ' ') { /* spaces removed, then upper case */
            char c = in[i];
            buf[len++] = (c >= 'a' && c <= 'z') ? (char)(c - 32) : c;
        }
    buf[len] = '\0';
    out[0] = '\0';
    if (in[i] || !len) {
        if (in[i])
            snprintf(msg, msgsize, "ToothNumbers is too long.");
        return in[i] ? -1 : 0;
    }
    for (p = buf; (part = strsep(&p, ","));)
        if (tooth_part(part, t, &n, msg, msgsize)) {
            if (n >= 256)
                snprintf(msg, msgsize, "ToothNumbers is too long.");
            return -1;
        }
    qsort(t, (size_t)n, sizeof *t, tooth_cmp);
    for (k = 0, len = 0; k < n; k++) {
        int w = snprintf(out + len, cap - len, "%s%s", k ? "," : "", t[k].s);
        if (w < 0 || (size_t)w >= cap - len) {
            snprintf(msg, msgsize, "ToothNumbers is too long.");
            return -1;
        }
        len += (size_t)w;
    }
    return 0;
}

/* ---- files --------------------------------------------------------------------- */

/* What GDI+'s new Bitmap(path) would open: JPEG, PNG, GIF, BMP, TIFF. */
static int is_bitmap(const unsigned char *p, size_t n)
{
    if (n >= 3 && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF)
        return 1;
    if (n >= 8 && !memcmp(p, "\x89PNG\r\n\x1a\n", 8))
        return 1;
    if (n >= 6 && (!memcmp(p, "GIF87a", 6) || !memcmp(p, "GIF89a", 6)))
        return 1;
    if (n >= 2 && p[0] == 'B' && p[1] == 'M')
        return 1;
    return n >= 4 && (!memcmp(p, "II*\0", 4) || !memcmp(p, "MM\0*", 4));
}

void od_import_ext(const char *name, const unsigned char *bytes, size_t n,
                   char *out, size_t cap)
{
    const char *base = strrchr(name, '/'), *dot;
    size_t i;
    base = base ? base + 1 : name;
    dot = strrchr(base, '.');
    if (dot && dot[1] && strlen(dot) < 16) {
        for (i = 1; dot[i]; i++) /* a plain extension, or none */
            if (!((dot[i] >= 'a' && dot[i] <= 'z') ||
                  (dot[i] >= 'A' && dot[i] <= 'Z') ||
                  (dot[i] >= '0' && dot[i] <= '9')))
                break;
        if (!dot[i]) {
            snprintf(out, cap, "%s", dot);
            return;
        }
    }
    /* Import: "check to see if file is an image and add .jpg extension",
     * else ".txt" */
    snprintf(out, cap, "%s",
             is_bitmap(bytes, n) ? ".jpg" : ".txt");
}

int od_doc_bytes(struct dj *j, const struct od_store *s,
                 const char *imagefolder, const char *name,
                 const char *rawbase64, unsigned char **out, size_t *len)
{
    size_t max = od_store_max_file(j->srv->cfg);
    char msg[400];
    int dir;
    *out = NULL;
    *len = 0;
    if (s->mode == OD_STORE_DB) {
        size_t n = strlen(rawbase64);
        if (!n)
            return od_dj_fail(j, 400, "The file %s has no content in the "
                                   "database.", name);
        if (!(*out = malloc(od_b64_decoded_max(n))))
            return od_dj_fail(j, 500, "Out of memory.");
        if (od_b64_decode(rawbase64, n, *out, len)) {
            free(*out);
            *out = NULL;
            return od_dj_fail(j, 500, "The stored file %s is not valid "
                                   "base64.", name);
        }
        return 0;
    }
    if ((dir = od_store_patient_dir(s, imagefolder, 0, msg, sizeof msg)) < 0)
        return od_dj_fail(j, 400, "%s", msg);
    if (od_store_read(dir, name, max, out, len)) {
        int e = errno;
        char path[1200];
        close(dir);
        if (e == EFBIG)
            return od_dj_fail(j, 400, "The file %s is larger than %zu bytes.",
                           name, max);
        od_store_patient_path(s, imagefolder, path, sizeof path);
        return od_dj_fail(j, 400, "The file %s cannot be read from the "
                               "patient's folder %s (%s).", name, path,
                       e == ELOOP || e == EINVAL ? "not a regular file"
                                                 : strerror(e));
    }
    close(dir);
    return 0;
}
