/* eobfiles.c - scanned EOBs of insurance checks over SFTP:
 * POST /eobattaches/UploadSftp (ImageStore.ImportEobAttach: the file's
 * extension, ".jpg" when it has none; EobAttaches.Insert names it
 * yyyyMMdd_HHmmss_{EobAttachNum}{ext}; kept in the A to Z folder's EOBs
 * folder, or in eobattach.RawBase64) and POST /eobattaches/DownloadSftp
 * (EobAttaches.GetPath: the same places). */
#include "engine/openapi-internal.h"
#include "features/docjob-internal.h"
#include "db/catalog-internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern const struct od_resource od_res_eobattaches;

struct eob {
    long long key;            /* ClaimPaymentNum (up) or EobAttachNum */
    unsigned char *bytes;
    size_t n;
    char ext[16];
};

static void eob_free(void *p)
{
    struct eob *e = p;
    free(e->bytes);
    free(e);
}

/* ---- POST /eobattaches/UploadSftp ----------------------------------------------- */

/* ImportEobAttach: Path.GetExtension, or ".jpg". */
static void eob_ext(const char *path, char *out, size_t cap)
{
    const char *base = strrchr(path, '/');
    const char *dot;
    size_t i;
    base = base ? base + 1 : path;
    dot = strrchr(base, '.');
    snprintf(out, cap, ".jpg");
    if (!dot || !dot[1] || strlen(dot) >= cap)
        return;
    for (i = 1; dot[i]; i++)
        if (!((dot[i] >= 'a' && dot[i] <= 'z') ||
              (dot[i] >= 'A' && dot[i] <= 'Z') ||
              (dot[i] >= '0' && dot[i] <= '9')))
            return;
    snprintf(out, cap, "%s", dot);
}

/* The file in its place: EOBs/{name}, or RawBase64 (a TEXT column: 64 KB
 * of base64 at most). */
static int eob_store(struct od_conn *c, struct dj *j, const struct od_store *s,
                     long long num, const char *name, const struct eob *e,
                     int *dirfd)
{
    struct od_prm p[2];
    char msg[400], *b64;
    int rc;
    if (s->mode == OD_STORE_ATOZ) {
        if ((*dirfd = od_store_sub_dir(s, -1, "EOBs", 1, msg, sizeof msg)) < 0)
            return od_dj_fail(j, 500, "%s", msg);
        if (od_store_write_new(*dirfd, name, e->bytes, e->n))
            return od_dj_fail(j, 500, "The file %s cannot be written to the "
                                   "EOBs folder (%s).", name,
                           strerror(errno));
        return 0;
    }
    if (!(b64 = od_b64_encode(e->bytes, e->n, NULL)))
        return od_dj_fail(j, 500, "Out of memory.");
    if (od_text_check(od_db_catalog(c->db), "eobattach", "RawBase64",
                      "The file", b64, msg, sizeof msg)) {
        free(b64);
        return od_dj_fail(j, 400, "The file (%zu bytes) is too large to store "
                               "in the database.", e->n);
    }
    p[0] = OD_PS(b64);
    p[1] = OD_PI(num);
    rc = od_exec(c, "UPDATE eobattach SET RawBase64 = ? WHERE EobAttachNum "
                    "= ?", p, 2, NULL, NULL);
    free(b64);
    return rc;
}

static int eob_insert(struct od_conn *c, struct dj *j, const struct eob *e,
                      int *dirfd, char *name, size_t cap, long long *num)
{
    struct od_prm p[2] = {OD_PI(e->key), OD_PS(e->ext)};
    struct od_store s;
    char row[1][OD_COLSZ];
    long long one;
    int st = 0, r, rc = -1;
    r = od_query_ll(c, "SELECT ClaimPaymentNum FROM claimpayment WHERE "
                       "ClaimPaymentNum = ?", p, 1, 1, &one);
    if (r <= 0)
        return r < 0 ? -1 : od_dj_fail(j, 404, "ClaimPayment not found.");
    if (od_store_open(c, j->srv->cfg, &s, &st, j->msg, sizeof j->msg))
        return st ? (j->status = st, -1) : -1;
    if (od_exec(c, "INSERT INTO eobattach (ClaimPaymentNum, DateTCreated, "
                   "FileName) VALUES (?, NOW(), ?)", p, 2, NULL, num))
        goto out;
    p[0] = OD_PI(*num);
    if (od_exec(c, "UPDATE eobattach SET FileName = CONCAT(DATE_FORMAT("
                   "DateTCreated, '%Y%m%d_%H%i%s_'), EobAttachNum, FileName) "
                   "WHERE EobAttachNum = ?", p, 1, NULL, NULL) ||
        od_query_row(c, "SELECT FileName FROM eobattach WHERE EobAttachNum "
                        "= ?", p, 1, 1, row) <= 0)
        goto out;
    snprintf(name, cap, "%s", row[0]);
    if (eob_store(c, j, &s, *num, name, e, dirfd))
        goto out;
    /* no Open Dental log for EOBs (ImageStore: "they don't show up in the
     * images module"); the API's writes are logged, as InsPayEdit like
     * DELETE /eobattaches */
    rc = od_securitylog(c, OD_PERM_INS_PAY_EDIT, j->developer, "Created",
                        *num, 0);
out:
    od_store_close(&s);
    return rc;
}

static int eob_answer(struct od_conn *c, struct dj *j, const char *key)
{
    const char *params[1] = {key};
    char err[256];
    int n = od_resource_rows_json(c, &od_res_eobattaches,
                                  "t.EobAttachNum = ?", "t.EobAttachNum",
                                  params, 1, 1, &j->out, err, sizeof err);
    if (n <= 0)
        return od_dj_fail(j, 500, "The EOB %s was saved but could not be read "
                               "back.", key);
    memmove(j->out.p, j->out.p + 1, j->out.len - 2);
    j->out.len -= 2;
    j->out.p[j->out.len] = '\0';
    j->status = 201;
    return 0;
}

static int work_eob_up(struct od_conn *c, struct dj *j)
{
    struct eob *e = j->data;
    char name[300] = "", key[32];
    long long num = 0;
    int dirfd = -1, rc;
    if (!e->bytes) {
        struct od_sftp *x;
        if (od_dj_sftp_open(j, &x))
            return OD_WORK_DONE;
        rc = od_sftp_read(x, j->path, od_store_max_file(j->srv->cfg),
                          &e->bytes, &e->n, j->msg, sizeof j->msg);
        od_sftp_close(x);
        if (rc) {
            j->status = 400;
            return OD_WORK_DONE;
        }
        eob_ext(j->path, e->ext, sizeof e->ext);
    }
    if (od_tx_begin(c))
        return od_dj_db_failed(c, j);
    rc = eob_insert(c, j, e, &dirfd, name, sizeof name, &num);
    if (od_tx_end(c, rc)) {
        if (dirfd >= 0 && name[0] && !c->commit_unknown)
            od_store_remove(dirfd, name);
        if (dirfd >= 0)
            close(dirfd);
        return od_dj_db_failed(c, j);
    }
    if (dirfd >= 0)
        close(dirfd);
    snprintf(key, sizeof key, "%lld", num);
    od_buf_free(&j->out);
    od_buf_init(&j->out);
    eob_answer(c, j, key);
    return OD_WORK_DONE;
}

/* ---- POST /eobattaches/DownloadSftp ---------------------------------------------- */

struct rawrow {
    char name[300];
    char *raw;
};

static int take_eob(void *ctx, char **cols)
{
    struct rawrow *r = ctx;
    snprintf(r->name, sizeof r->name, "%s", cols[0]);
    r->raw = strdup(cols[1]);
    return 1;
}

/* The EOB's bytes: EOBs/{FileName}, or RawBase64. */
static int eob_bytes(struct od_conn *c, struct dj *j, struct eob *e,
                     char *name, size_t cap)
{
    struct od_prm p[1] = {OD_PI(e->key)};
    struct rawrow r = {"", NULL};
    struct od_store s;
    char msg[400];
    int st = 0, dir, rc = -1;
    long rows = od_query_each(c, "SELECT FileName, RawBase64 FROM eobattach "
                                 "WHERE EobAttachNum = ?", p, 1, 2,
                              take_eob, &r);
    if (rows <= 0) {
        free(r.raw);
        return rows < 0 ? -1 : od_dj_fail(j, 404, "EobAttach not found.");
    }
    snprintf(name, cap, "%s", r.name);
    if (od_store_open(c, j->srv->cfg, &s, &st, j->msg, sizeof j->msg)) {
        free(r.raw);
        return st ? (j->status = st, -1) : -1;
    }
    if (s.mode == OD_STORE_DB) {
        size_t n = strlen(r.raw ? r.raw : "");
        if (!n || !(e->bytes = malloc(od_b64_decoded_max(n))) ||
            od_b64_decode(r.raw, n, e->bytes, &e->n))
            od_dj_fail(j, 400, "The EOB %s has no readable content in the "
                            "database.", r.name);
        else
            rc = 0;
    } else if ((dir = od_store_sub_dir(&s, -1, "EOBs", 0, msg,
                                       sizeof msg)) < 0) {
        od_dj_fail(j, 400, "%s", msg);
    } else {
        if (od_store_read(dir, r.name, od_store_max_file(j->srv->cfg),
                          &e->bytes, &e->n))
            od_dj_fail(j, 400, "The file %s cannot be read from the EOBs "
                            "folder (%s).", r.name, strerror(errno));
        else
            rc = 0;
        close(dir);
    }
    od_store_close(&s);
    free(r.raw);
    return rc;
}

static int work_eob_down(struct od_conn *c, struct dj *j)
{
    struct eob *e = j->data;
    struct od_sftp *x;
    char name[300], ext_a[16], ext_b[16], *target;
    free(e->bytes);
    e->bytes = NULL;
    if (eob_bytes(c, j, e, name, sizeof name))
        return j->status ? OD_WORK_DONE : od_dj_db_failed(c, j);
    if (!(target = od_dj_sftp_target(j, name)))
        return od_dj_fail(j, 500, "Out of memory."), OD_WORK_DONE;
    od_file_ext(target, ext_a, sizeof ext_a);
    od_file_ext(name, ext_b, sizeof ext_b);
    if (!j->path_is_dir && strcmp(ext_a, ext_b))
        od_dj_fail(j, 400, "SftpAddress must name a %s file, as the stored "
                        "file is.", ext_b[0] ? ext_b : "extensionless");
    else if (!od_dj_sftp_open(j, &x)) {
        if (od_sftp_write(x, target, e->bytes, e->n, j->msg, sizeof j->msg))
            j->status = 400;
        od_sftp_close(x);
    }
    if (!j->status) {
        int rc = od_tx_begin(c) ? -1 : od_tx_end(c, od_securitylog(
            c, OD_PERM_IMAGE_EXPORT, j->developer, "Downloaded", e->key, 0));
        if (rc) {
            free(target);
            return od_dj_db_failed(c, j);
        }
        j->status = 201;
        od_dj_set_location(j, target);
    }
    free(target);
    return OD_WORK_DONE;
}

/* ---- handlers ------------------------------------------------------------------ */

static void h_eob(odapi_request *req, dj_work_fn work, const char *key)
{
    struct dj *j = od_dj_new_data(req, work, sizeof(struct eob), eob_free);
    char msg[300] = "";
    json_t *body;
    if (!j || !(body = od_dj_job_body(j, msg, sizeof msg)))
        return;
    od_dj_key_sftp(j, body, key, &((struct eob *)j->data)->key,
                   work == work_eob_down, msg, sizeof msg);
    od_dj_go(j, body, msg);
}

static void h_eob_up(odapi_request *req, void *arg)
{
    (void)arg;
    h_eob(req, work_eob_up, "ClaimPaymentNum");
}

static void h_eob_down(odapi_request *req, void *arg)
{
    (void)arg;
    h_eob(req, work_eob_down, "EobAttachNum");
}

/* What these routes take and answer, for GET /openapi.json
 * (engine/openapi-internal.h). */
static const struct od_opdoc eob_docs[] = {
    {"POST", "/eobattaches/UploadSftp",
     "Attach an EOB from an SFTP server to a claim payment.",
     NULL,
     "ClaimPaymentNum:int!," OD_SFTP_FIELDS,
     "eobattaches",
     .perm = ODAPI_PERM_ALL_OTHERS, .handler = h_eob_up},
    {"POST", "/eobattaches/DownloadSftp",
     "Copy an EOB attachment to an SFTP server.",
     NULL,
     "EobAttachNum:int!," OD_SFTP_FIELDS,
     NULL,
     .perm = ODAPI_PERM_ALL_OTHERS, .handler = h_eob_down},
};

void od_register_eob_files(odapi_server *srv);
void od_register_eob_files(odapi_server *srv)
{
    /* ApiAllOthers (apipermissions lists both there) */
    od_api_routes(srv, eob_docs, (int)OD_ARRAY_LEN(eob_docs));
}
