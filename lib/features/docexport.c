/* docexport.c - documents out to the client's SFTP server:
 * POST /documents/DownloadSftp (one document's file, or a mount's
 * composite image as MountHelper.GetBitmapOfMountFromDb draws it),
 * POST /documents/Thumbnails (Documents.GetThumbnail: 100 x 100, kept in
 * the patient's Thumbnails folder while newer than the document) and
 * POST /documents/DownloadMount (the files of a mount's images).
 *
 * Each reads what it sends first, then writes over SFTP, then logs an
 * ImageExport row (the imaging module logs its exports so): a lost
 * database connection at the end runs the job again, which writes the
 * same files again. */
#include "engine/openapi-internal.h"
#include "features/docjob-internal.h"
#include "features/imaging-internal.h"

#include <stdio.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define MAX_DOCS 1000       /* documents of one patient, in one request */
#define MAX_ITEMS 100       /* positions of one mount */
#define THUMB_SIZE 100      /* Documents.GetThumbnail: always 100x100 */

/* A document as the exports need it. */
struct docrow {
    long long docnum, patnum, stamp;
    int cropold;
    char name[256], folder[256];
    struct od_docview v;
};

/* "CropX,CropY,CropW,CropH,DegreesRotated,IsFlipped,WindowingMin,
 * WindowingMax" as one column (od_query_each reads 16 at most). */
#define VIEW_COLS                                                          \
    "CONCAT_WS(',', d.CropX, d.CropY, d.CropW, d.CropH, d.DegreesRotated, " \
    "d.IsFlipped, d.WindowingMin, d.WindowingMax)"

static void parse_view(const char *s, struct od_docview *v)
{
    memset(v, 0, sizeof *v);
    sscanf(s, "%d,%d,%d,%d,%lf,%d,%d,%d", &v->crop_x, &v->crop_y, &v->crop_w,
           &v->crop_h, &v->degrees, &v->flipped, &v->win_min, &v->win_max);
}

/* ---- the bytes of one document ---------------------------------------------------- */

struct rawq {
    char *raw;
};

static int take_raw(void *ctx, char **cols)
{
    struct rawq *q = ctx;
    q->raw = strdup(cols[0]);
    return 1;
}

/* The file of d: from the folder, or its RawBase64 (read only now: it
 * may be megabytes). */
static int doc_file(struct od_conn *c, struct dj *j, const struct od_store *s,
                    const struct docrow *d, unsigned char **out, size_t *len)
{
    struct rawq q = {NULL};
    struct od_prm p[1] = {OD_PI(d->docnum)};
    int rc;
    if (s->mode == OD_STORE_DB) {
        if (od_query_each(c, "SELECT RawBase64 FROM document WHERE DocNum "
                             "= ?", p, 1, 1, take_raw, &q) < 0)
            return -1;
        if (!q.raw)
            return od_dj_fail(j, 500, "Out of memory.");
    }
    rc = od_doc_bytes(j, s, d->folder, d->name, q.raw ? q.raw : "", out, len);
    free(q.raw);
    return rc;
}

/* ---- a mount's composite image -------------------------------------------------- */

struct item {
    long long num;
    int x, y, w, h, order, text;
    struct docrow d;  /* d.docnum 0: no image here */
};

struct items {
    struct item *it;
    int n;
};

static int take_item(void *ctx, char **cols)
{
    struct items *l = ctx;
    struct item *it;
    long long mi = atoll(cols[0]);
    if (l->n && l->it[l->n - 1].num == mi)
        return 0; /* a second document for one position: the first wins */
    if (l->n >= MAX_ITEMS)
        return 1;
    it = &l->it[l->n++];
    memset(it, 0, sizeof *it);
    it->num = mi;
    it->x = atoi(cols[1]);
    it->y = atoi(cols[2]);
    it->w = atoi(cols[3]);
    it->h = atoi(cols[4]);
    it->order = atoi(cols[5]);
    it->text = atoi(cols[6]);
    it->d.docnum = atoll(cols[7]);
    snprintf(it->d.name, sizeof it->d.name, "%s", cols[8]);
    parse_view(cols[9], &it->d.v);
    snprintf(it->d.folder, sizeof it->d.folder, "%s", cols[10]);
    it->d.patnum = atoll(cols[11]);
    return 0;
}

/* MountItems.GetItemsForMount (by ItemOrder) and
 * Documents.GetDocumentsForMountItems. */
static int read_items(struct od_conn *c, long long mountnum,
                      struct items *l)
{
    struct od_prm p[1] = {OD_PI(mountnum)};
    if (!(l->it = calloc(MAX_ITEMS, sizeof *l->it)))
        return -1;
    return od_query_each(c,
                         "SELECT mi.MountItemNum, mi.Xpos, mi.Ypos, "
                         "mi.Width, mi.Height, mi.ItemOrder, "
                         "mi.TextShowing <> '', COALESCE(d.DocNum, 0), "
                         "COALESCE(d.FileName, ''), COALESCE(" VIEW_COLS
                         ", ''), COALESCE(p.ImageFolder, ''), "
                         "COALESCE(d.PatNum, 0) FROM "
                         "mountitem mi LEFT JOIN document d ON "
                         "d.MountItemNum = mi.MountItemNum LEFT JOIN "
                         "patient p ON p.PatNum = d.PatNum WHERE "
                         "mi.MountNum = ? ORDER BY mi.ItemOrder, "
                         "mi.MountItemNum, d.DocNum",
                         p, 1, 12, take_item, l) < 0
               ? -1
               : 0;
}

/* MountHelper.DrawMountOne for one position with an image. */
static void draw_item(struct od_conn *c, struct dj *j,
                      const struct od_store *s, struct od_image *canvas,
                      const struct item *it)
{
    unsigned char *bytes;
    size_t len;
    struct od_image im;
    struct od_docdraw dd = {&it->d.v, it->w, it->h};
    int ow, oh;
    char why[160];
    if (doc_file(c, j, s, &it->d, &bytes, &len)) {
        j->status = 0; /* a missing image leaves its position empty */
        return;
    }
    if (od_image_decode(bytes, len, od_need_doc, &dd, &im, &ow, &oh, why,
                        sizeof why) == 0) {
        od_image_draw_in_rect(canvas, it->x, it->y, it->w, it->h, &im, ow,
                              oh, &it->d.v);
        od_image_free(&im);
    }
    free(bytes);
}

/* MountHelper.DrawMount: ColorBack, the images (a text position is its
 * ColorTextBack; the text and the position numbers are not drawn here),
 * the grey outlines. JPEG, as Open Dental saves mounts. */
static int mount_jpeg(struct od_conn *c, struct dj *j,
                      const struct od_store *s, long long mountnum,
                      const long long m[4], unsigned char **out, size_t *len)
{
    struct items l = {NULL, 0};
    struct od_image canvas;
    long long back = m[3];
    int i, rc = -1;
    if (m[1] <= 0 || m[2] <= 0 || m[1] * m[2] > OD_IMG_MAX_CANVAS)
        return od_dj_fail(j, 400, "The mount is too large to draw (%lld x "
                               "%lld).", m[1], m[2]);
    if (read_items(c, mountnum, &l))
        goto out;
    if (od_image_new(&canvas, (int)m[1], (int)m[2], od_argb_to_rgba(back))) {
        od_dj_fail(j, 500, "Out of memory.");
        goto out;
    }
    for (i = 0; i < l.n; i++) {
        const struct item *it = &l.it[i];
        if (it->order == -1) /* unmounted */
            continue;
        if (it->text)
            od_image_fill(&canvas, it->x, it->y, it->w, it->h,
                          od_argb_to_rgba(m[0]));
        else if (it->d.docnum && od_has_image_ext(it->d.name))
            draw_item(c, j, s, &canvas, it);
    }
    for (i = 0; i < l.n; i++)
        if (l.it[i].order != -1)
            od_image_outline(&canvas, l.it[i].x, l.it[i].y, l.it[i].w,
                             l.it[i].h, 0x646464FFu);
    rc = od_image_jpeg(&canvas, 90, out, len) ? od_dj_fail(j, 500, "Out of "
                                                        "memory.") : 0;
    od_image_free(&canvas);
out:
    free(l.it);
    return rc;
}

/* ---- POST /documents/DownloadSftp ------------------------------------------------- */

struct dl {
    long long docnum, mountnum, patnum;
};

static int log_export(struct od_conn *c, struct dj *j, long long fkey,
                      long long patnum)
{
    if (od_tx_begin(c))
        return -1;
    return od_tx_end(c, od_securitylog(c, OD_PERM_IMAGE_EXPORT, j->developer,
                                       "Downloaded", fkey, patnum));
}

static int take_doc(void *ctx, char **cols)
{
    struct docrow *d = ctx;
    d->docnum = atoll(cols[0]);
    d->patnum = atoll(cols[1]);
    snprintf(d->name, sizeof d->name, "%s", cols[2]);
    snprintf(d->folder, sizeof d->folder, "%s", cols[3]);
    parse_view(cols[4], &d->v);
    d->stamp = atoll(cols[5]);
    d->cropold = atoi(cols[6]);
    return 1;
}

#define DOC_SELECT                                                          \
    "SELECT d.DocNum, d.PatNum, d.FileName, COALESCE(p.ImageFolder, ''), "  \
    VIEW_COLS ", UNIX_TIMESTAMP(d.DateTStamp), d.IsCropOld FROM document d " \
    "LEFT JOIN patient p ON p.PatNum = d.PatNum "

/* The document row of docnum into *r: 0, or -1 (404 when none). */
static int doc_row(struct od_conn *c, struct dj *j, long long docnum,
                   struct docrow *r)
{
    struct od_prm p[1] = {OD_PI(docnum)};
    long rows;
    memset(r, 0, sizeof *r);
    rows = od_query_each(c, DOC_SELECT "WHERE d.DocNum = ?", p, 1, 7,
                         take_doc, r);
    if (rows <= 0)
        return rows < 0 ? -1 : od_dj_fail(j, 404, "Document not found");
    return 0;
}

int od_doc_load(struct od_conn *c, struct dj *j, const struct od_store *s,
                long long docnum, struct od_docview *v, unsigned char **out,
                size_t *len)
{
    struct docrow r;
    if (doc_row(c, j, docnum, &r))
        return -1;
    if (v)
        *v = r.v;
    return doc_file(c, j, s, &r, out, len);
}

/* "invalid file extension": a named target keeps the file's extension. */
static int check_target_ext(struct dj *j, const char *target,
                            const char *want)
{
    char a[16], b[16];
    od_file_ext(target, a, sizeof a);
    od_file_ext(want, b, sizeof b);
    if (j->path_is_dir || !strcmp(a, b) ||
        (!strcmp(b, ".jpg") && !strcmp(a, ".jpeg")))
        return 0;
    return od_dj_fail(j, 400, "SftpAddress must name a %s file, as the stored "
                           "file is.", b[0] ? b : "extensionless");
}

/* The document's or the mount's bytes, and the name they are saved as. */
static int dl_read(struct od_conn *c, struct dj *j, struct dl *d,
                   const struct od_store *s, unsigned char **bytes,
                   size_t *len, char *name, size_t cap)
{
    struct od_prm p[1] = {OD_PI(d->mountnum)};
    if (d->docnum) {
        struct docrow r;
        if (doc_row(c, j, d->docnum, &r))
            return -1;
        d->patnum = r.patnum;
        snprintf(name, cap, "%s", r.name);
        return doc_file(c, j, s, &r, bytes, len);
    } else {
        long long m[5];
        int r = od_query_ll(c, "SELECT ColorTextBack, Width, Height, "
                               "ColorBack, PatNum FROM mount WHERE MountNum "
                               "= ?", p, 1, 5, m);
        if (r <= 0)
            return r < 0 ? -1 : od_dj_fail(j, 404, "Mount not found.");
        d->patnum = m[4];
        snprintf(name, cap, "Mount%lld.jpg", d->mountnum);
        return mount_jpeg(c, j, s, d->mountnum, m, bytes, len);
    }
}

static int work_download(struct od_conn *c, struct dj *j)
{
    struct dl *d = j->data;
    struct od_store s;
    struct od_sftp *x;
    unsigned char *bytes = NULL;
    size_t len = 0;
    char name[300], *target = NULL;
    int st = 0, rc;
    if (od_store_open(c, j->srv->cfg, &s, &st, j->msg, sizeof j->msg)) {
        j->status = st;
        return st ? OD_WORK_DONE : od_dj_db_failed(c, j);
    }
    rc = dl_read(c, j, d, &s, &bytes, &len, name, sizeof name);
    od_store_close(&s);
    if (rc)
        return j->status ? OD_WORK_DONE : od_dj_db_failed(c, j);
    if (!(target = od_dj_sftp_target(j, name)))
        od_dj_fail(j, 500, "Out of memory.");
    else if (!check_target_ext(j, target, name) && !od_dj_sftp_open(j, &x)) {
        if (od_sftp_write(x, target, bytes, len, j->msg, sizeof j->msg))
            j->status = 400;
        od_sftp_close(x);
    }
    free(bytes);
    if (!j->status && log_export(c, j, d->docnum ? d->docnum : d->mountnum,
                                 d->patnum)) {
        free(target);
        return od_dj_db_failed(c, j);
    }
    if (!j->status) {
        j->status = 201;
        od_dj_set_location(j, target);
    }
    free(target);
    return OD_WORK_DONE;
}

static void h_download(odapi_request *req, void *arg)
{
    struct dj *j = od_dj_new_data(req, work_download, sizeof(struct dl), free);
    struct dl *d;
    char msg[300] = "";
    json_t *body;
    int a, b;
    (void)arg;
    if (!j || !(body = od_dj_job_body(j, msg, sizeof msg)))
        return;
    d = j->data;
    a = od_dj_key(body, "DocNum", &d->docnum, msg, sizeof msg);
    b = a < 0 ? 0 : od_dj_key(body, "MountNum", &d->mountnum, msg, sizeof msg);
    if (a >= 0 && b >= 0 && a + b != 1)
        snprintf(msg, sizeof msg, a + b ? "Give DocNum or MountNum, not "
                                          "both."
                                        : "DocNum or MountNum is required.");
    else if (a >= 0 && b >= 0 && !od_dj_sftp_input(j, body, 1, msg, sizeof msg))
        msg[0] = '\0';
    od_dj_go(j, body, msg);
}

/* ---- POST /documents/Thumbnails ------------------------------------------------- */

struct thumbs {
    long long patnum;
    struct docrow *docs;
    int n;
};

static int take_thumbdoc(void *ctx, char **cols)
{
    struct thumbs *t = ctx;
    if (t->n >= MAX_DOCS)
        return 1;
    take_doc(&t->docs[t->n++], cols);
    return 0;
}

/* A fresh thumbnail from the file (crop, rotation, flip, windowing). */
static int make_thumb(struct od_conn *c, struct dj *j,
                      const struct od_store *s, const struct docrow *d,
                      unsigned char **out, size_t *len)
{
    unsigned char *bytes;
    size_t n;
    struct od_image im, th;
    struct od_docdraw dd = {&d->v, THUMB_SIZE, THUMB_SIZE};
    char why[160];
    int ow, oh, rc = -1;
    if (doc_file(c, j, s, d, &bytes, &n))
        return -1;
    if (od_image_decode(bytes, n, od_need_doc, &dd, &im, &ow, &oh, why,
                        sizeof why) == 0) {
        if (od_image_thumbnail(&im, ow, oh, &d->v, THUMB_SIZE, &th) == 0) {
            rc = od_image_png(&th, out, len);
            od_image_free(&th);
        }
        od_image_free(&im);
    }
    free(bytes);
    return rc;
}

/* Documents.GetThumbnail: Thumbnails/{FileName} when it is newer than the
 * document (and its crop is not of the old kind), else made and saved
 * there. In the database there is no such folder: made every time. PNG,
 * whatever the name says, as GDI+ saves a new Bitmap. */
static int thumb(struct od_conn *c, struct dj *j, const struct od_store *s,
                 const struct docrow *d, unsigned char **out, size_t *len)
{
    char msg[400];
    int pd = -1, td = -1, rc;
    long long mt;
    if (s->mode == OD_STORE_ATOZ &&
        (pd = od_store_patient_dir(s, d->folder, 0, msg, sizeof msg)) >= 0)
        td = od_store_sub_dir(s, pd, "Thumbnails", 1, msg, sizeof msg);
    if (td >= 0 && !d->cropold && od_store_stat(td, d->name, &mt) &&
        mt > d->stamp &&
        od_store_read(td, d->name, 1 << 20, out, len) == 0) {
        rc = 0;
    } else {
        rc = make_thumb(c, j, s, d, out, len);
        if (rc == 0 && td >= 0)
            od_store_replace(td, d->name, *out, *len); /* next time */
    }
    if (td >= 0)
        close(td);
    if (pd >= 0)
        close(pd);
    j->status = 0; /* a document without a thumbnail is skipped */
    return rc;
}

/* One file (bytes, freed here) to the folder under d's name, and its entry
 * in the list of those sent. 0, or -1 with the status set. */
static int send_file(struct dj *j, struct od_sftp *x, const struct docrow *d,
                     unsigned char *bytes, size_t len, int *sent)
{
    char *target = od_dj_sftp_target(j, d->name);
    int rc;

    if (!target)
        rc = od_dj_fail(j, 500, "Out of memory.");
    else if ((rc = od_sftp_write(x, target, bytes, len, j->msg,
                                 sizeof j->msg)))
        j->status = 400;
    free(target);
    free(bytes);
    if (rc)
        return -1;
    od_buf_printf(&j->out, "%s{\"DocNum\":%lld,\"FileName\":",
                  (*sent)++ ? "," : "", d->docnum);
    od_buf_json_str(&j->out, d->name, strlen(d->name), 1);
    od_buf_addc(&j->out, '}');
    return 0;
}

/* Each image's thumbnail to the folder; the list of those sent. */
static int send_thumbs(struct od_conn *c, struct dj *j,
                       const struct od_store *s, void *what,
                       struct od_sftp *x, int *sent)
{
    struct thumbs *t = what;
    int i;
    od_buf_addc(&j->out, '[');
    for (i = 0; i < t->n; i++) {
        const struct docrow *d = &t->docs[i];
        unsigned char *png;
        size_t len;
        if (!od_has_image_ext(d->name) || thumb(c, j, s, d, &png, &len))
            continue;
        if (send_file(j, x, d, png, len, sent))
            return -1;
    }
    od_buf_addc(&j->out, ']');
    return 0;
}

static int log_exports(struct od_conn *c, struct dj *j, const char *list,
                       long long patnum)
{
    const char *p = list;
    int rc = 0;
    if (od_tx_begin(c))
        return -1;
    while (!rc && (p = strstr(p, "\"DocNum\":"))) {
        p += 9;
        rc = od_securitylog(c, OD_PERM_IMAGE_EXPORT, j->developer,
                            "Downloaded", atoll(p), patnum);
    }
    return od_tx_end(c, rc);
}

static int thumbs_read(struct od_conn *c, struct dj *j, struct thumbs *t)
{
    struct od_prm p[1] = {OD_PI(t->patnum)};
    long long one;
    int r = od_query_ll(c, "SELECT PatNum FROM patient WHERE PatNum = ?", p,
                        1, 1, &one);
    if (r <= 0)
        return r < 0 ? -1 : od_dj_fail(j, 404, "Patient not found");
    free(t->docs);
    t->n = 0;
    if (!(t->docs = calloc(MAX_DOCS, sizeof *t->docs)))
        return od_dj_fail(j, 500, "Out of memory.");
    /* the documents GET /documents lists (mounts and their images not) */
    if (od_query_each(c, DOC_SELECT "WHERE d.PatNum = ? AND "
                                    "d.MountItemNum = 0 ORDER BY "
                                    "d.DateCreated, d.DocNum",
                      p, 1, 7, take_thumbdoc, t) < 0)
        return -1;
    if (!t->n)
        return od_dj_fail(j, 404, "No documents exist for this patient");
    return 0;
}

/* Sends what's files to x, counting them in *sent: 0, or -1 (j->status
 * set when the answer is a refusal, else the database failed). */
typedef int (*send_fn)(struct od_conn *c, struct dj *j,
                       const struct od_store *s, void *what,
                       struct od_sftp *x, int *sent);

/* The end both exports share: open the image store and the SFTP server,
 * send, close both; then answer 200 with none when no file went, else 201
 * with the list in j->out once the exports are in patnum's security log. */
static int export_files(struct od_conn *c, struct dj *j, send_fn send,
                        void *what, long long patnum, const char *none)
{
    struct od_store s;
    struct od_sftp *x;
    int st = 0, sent = 0, r;
    if (od_store_open(c, j->srv->cfg, &s, &st, j->msg, sizeof j->msg)) {
        j->status = st;
        return st ? OD_WORK_DONE : od_dj_db_failed(c, j);
    }
    if (od_dj_sftp_open(j, &x)) {
        r = -1; /* j->status is 400 */
    } else {
        r = send(c, j, &s, what, x, &sent);
        od_sftp_close(x);
    }
    od_store_close(&s);
    if (r)
        return j->status ? OD_WORK_DONE : od_dj_db_failed(c, j);
    if (!sent) {
        od_buf_free(&j->out);
        od_buf_init(&j->out);
        od_buf_adds(&j->out, none);
        j->status = 200;
        return OD_WORK_DONE;
    }
    if (log_exports(c, j, j->out.p, patnum))
        return od_dj_db_failed(c, j);
    j->status = 201;
    return OD_WORK_DONE;
}

static int work_thumbs(struct od_conn *c, struct dj *j)
{
    struct thumbs *t = j->data;
    od_buf_free(&j->out);
    od_buf_init(&j->out);
    if (thumbs_read(c, j, t))
        return j->status ? OD_WORK_DONE : od_dj_db_failed(c, j);
    return export_files(c, j, send_thumbs, t, t->patnum,
                        "\"No documents could be made into thumbnails.\"");
}

static void thumbs_free(void *p)
{
    struct thumbs *t = p;
    free(t->docs);
    free(t);
}

/* Thumbnails and DownloadMount: a key and a folder. The job's data is
 * size bytes freed by free_data, with the key at key_at. */
static void h_keyed_folder(odapi_request *req, dj_work_fn work,
                           const char *key, size_t size,
                           void (*free_data)(void *), size_t key_at)
{
    struct dj *j = od_dj_new_data(req, work, size, free_data);
    char msg[300] = "";
    json_t *body;
    if (!j || !(body = od_dj_job_body(j, msg, sizeof msg)))
        return;
    od_dj_key_sftp(j, body, key, (long long *)((char *)j->data + key_at), 2,
                   msg, sizeof msg);
    od_dj_go(j, body, msg);
}

static void h_thumbs(odapi_request *req, void *arg)
{
    (void)arg;
    h_keyed_folder(req, work_thumbs, "PatNum", sizeof(struct thumbs),
                   thumbs_free, offsetof(struct thumbs, patnum));
}

/* ---- POST /documents/DownloadMount ---------------------------------------------- */

struct mnt {
    long long mountnum, patnum;
    struct items l;
};

static void mnt_free(void *p)
{
    struct mnt *m = p;
    free(m->l.it);
    free(m);
}

static int send_mount_files(struct od_conn *c, struct dj *j,
                            const struct od_store *s, void *what,
                            struct od_sftp *x, int *sent)
{
    struct mnt *m = what;
    int i;
    od_buf_addc(&j->out, '[');
    for (i = 0; i < m->l.n; i++) {
        const struct docrow *d = &m->l.it[i].d;
        unsigned char *bytes;
        size_t len;
        if (!d->docnum)
            continue;
        if (doc_file(c, j, s, d, &bytes, &len)) {
            if (!j->status)
                return -1; /* the database, not the file */
            j->status = 0;
            continue;
        }
        if (send_file(j, x, d, bytes, len, sent))
            return -1;
    }
    od_buf_addc(&j->out, ']');
    return 0;
}

static int work_mount(struct od_conn *c, struct dj *j)
{
    struct mnt *m = j->data;
    struct od_prm p[1] = {OD_PI(m->mountnum)};
    int r;
    od_buf_free(&j->out);
    od_buf_init(&j->out);
    r = od_query_ll(c, "SELECT PatNum FROM mount WHERE MountNum = ?", p, 1,
                    1, &m->patnum);
    if (r <= 0)
        return r < 0 ? od_dj_db_failed(c, j)
                     : (od_dj_fail(j, 404, "Mount not found."), OD_WORK_DONE);
    free(m->l.it);
    m->l.it = NULL;
    m->l.n = 0;
    if (read_items(c, m->mountnum, &m->l))
        return od_dj_db_failed(c, j);
    return export_files(c, j, send_mount_files, m, m->patnum,
                        "\"No mount images could be downloaded.\"");
}

static void h_mount(odapi_request *req, void *arg)
{
    (void)arg;
    h_keyed_folder(req, work_mount, "MountNum", sizeof(struct mnt), mnt_free,
                   offsetof(struct mnt, mountnum));
}

/* What these routes take and answer, for GET /openapi.json
 * (engine/openapi-internal.h). */
static const struct od_opdoc docexport_docs[] = {
    {"POST", "/documents/DownloadSftp",
     "Copy a document (or mount) to an SFTP server.",
     NULL,
     "DocNum:int,MountNum:int," OD_SFTP_FIELDS,
     NULL, "400 DocNum or MountNum is required.",
     .perm = ODAPI_PERM_ALL_OTHERS, .handler = h_download},
    {"POST", "/documents/Thumbnails",
     "Copy a patient's thumbnails to an SFTP server.",
     NULL,
     "PatNum:int!," OD_SFTP_FIELDS,
     NULL,
     .perm = ODAPI_PERM_ALL_OTHERS, .handler = h_thumbs},
    {"POST", "/documents/DownloadMount",
     "Copy a mount's image to an SFTP server.",
     NULL,
     "MountNum:int!," OD_SFTP_FIELDS,
     NULL,
     .perm = ODAPI_PERM_ALL_OTHERS, .handler = h_mount},
};

void od_register_document_exports(odapi_server *srv);
void od_register_document_exports(odapi_server *srv)
{
    od_api_routes(srv, docexport_docs, (int)OD_ARRAY_LEN(docexport_docs));
}
