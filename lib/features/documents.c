/* documents.c - new documents: POST /documents/Upload (the file as
 * rawBase64) and POST /documents/UploadSftp (the file fetched from the
 * client's SFTP server), and the import both share with SetByUrl
 * (seturl.c).
 *
 * Open Dental 24.3's API leaves an Upload's file in document.Note
 * ("_rawBase64_:.jpg_...", FileName "x") and SetByUrl's URL there too,
 * for the desktop program to import the next time someone opens the
 * document (ControlImageDisplay.DownloadDocumentNoteFile). There is no
 * desktop program here, so the import happens at once, the way that
 * method does it: ImageStore.Import (file name from Documents.Insert /
 * GenerateUniqueFileName, the patient's folder from GetPatientFolder,
 * DegreesRotated from the EXIF orientation of a JPEG), then the API's
 * fields. A client reads the same document back (GET, DownloadSftp)
 * without waiting for anyone (docs/resources.md, "Documents"). */
#include "engine/openapi-internal.h"
#include "features/docjob-internal.h"
#include "features/imaging-internal.h"
#include "db/catalog-internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

extern const struct od_resource od_res_documents;

/* ---- the import -------------------------------------------------------------- */

struct patrow {
    char lname[OD_COLSZ], fname[OD_COLSZ], folder[OD_COLSZ];
};

static int read_patient(struct od_conn *c, struct dj *j, long long patnum,
                        struct patrow *p)
{
    char row[3][OD_COLSZ];
    struct od_prm prm[1] = {OD_PI(patnum)};
    int r = od_query_row(c, "SELECT LName, FName, ImageFolder FROM patient "
                            "WHERE PatNum = ?", prm, 1, 3, row);
    if (r < 0)
        return -1;
    if (r == 0)
        return od_dj_fail(j, 404, "Patient not found.");
    memcpy(p->lname, row[0], OD_COLSZ);
    memcpy(p->fname, row[1], OD_COLSZ);
    memcpy(p->folder, row[2], OD_COLSZ);
    return 0;
}

/* DocCategory: an image category (definition Category 18); by default
 * the first one shown (Defs.GetFirstForCategory). */
static int doc_category(struct od_conn *c, struct dj *j, long long given,
                        long long *out)
{
    struct od_prm p[1] = {OD_PI(given)};
    int r;
    if (given) {
        r = od_query_ll(c, "SELECT DefNum FROM definition WHERE DefNum = ? "
                           "AND Category = 18", p, 1, 1, out);
        if (r == 0)
            return od_dj_fail(j, 400, "DocCategory is invalid.");
        return r < 0 ? -1 : 0;
    }
    r = od_query_ll(c, "SELECT DefNum FROM definition WHERE Category = 18 "
                       "ORDER BY IsHidden, ItemOrder, DefNum LIMIT 1", NULL, 0, 1,
                    out);
    if (r == 0)
        return od_dj_fail(j, 400, "There is no image category (definition "
                               "Category 18) to file the document in.");
    return r < 0 ? -1 : 0;
}

static int check_inputs(struct od_conn *c, struct dj *j,
                        const struct docin *d)
{
    const struct od_catalog *cat = od_db_catalog(c->db);
    struct od_prm p[1] = {OD_PI(d->prov_num)};
    char msg[200];
    int r;
    if (d->prov_num) {
        r = od_query_ll(c, "SELECT ProvNum FROM provider WHERE ProvNum = ?",
                        p, 1, 1, (long long[1]){0});
        if (r <= 0)
            return r < 0 ? -1 : od_dj_fail(j, 400, "ProvNum is invalid.");
    }
    if ((d->prov_num && !od_catalog_column(cat, "document", "ProvNum")) ||
        (d->print_heading &&
         !od_catalog_column(cat, "document", "PrintHeading"))) {
        od_absent_msg(msg, sizeof msg,
                      d->prov_num ? "ProvNum" : "PrintHeading");
        return od_dj_fail(j, 400, "%s", msg);
    }
    if (od_text_check(cat, "document", "Description", "Description",
                      d->description ? d->description : "", msg,
                      sizeof msg) ||
        od_text_check(cat, "document", "ToothNumbers", "ToothNumbers",
                      d->tooth_numbers, msg, sizeof msg))
        return od_dj_fail(j, 400, "%s", msg);
    return 0;
}

/* The row, FileName still just the extension (as Documents.Insert
 * inserts it). Columns a version lacks are left out (ProvNum and
 * PrintHeading came with 24.2). */
static int insert_row(struct od_conn *c, const struct docin *d,
                      long long cat_num, const char *ext, double degrees,
                      long long *docnum)
{
    const struct od_catalog *cat = od_db_catalog(c->db);
    int prov = od_catalog_column(cat, "document", "ProvNum") != NULL;
    int head = od_catalog_column(cat, "document", "PrintHeading") != NULL;
    struct od_prm p[10];
    char sql[600];
    int n = 0;
    snprintf(sql, sizeof sql,
             "INSERT INTO document (Description, DateCreated, DocCategory, "
             "PatNum, FileName, ImgType, DegreesRotated, ToothNumbers%s%s) "
             "VALUES (?, %s, ?, ?, ?, ?, ?, ?%s%s)",
             prov ? ", ProvNum" : "", head ? ", PrintHeading" : "",
             d->date_created[0] ? "?" : "NOW()", prov ? ", ?" : "",
             head ? ", ?" : "");
    p[n++] = OD_PS(d->description ? d->description : "");
    if (d->date_created[0])
        p[n++] = OD_PS(d->date_created);
    p[n++] = OD_PI(cat_num);
    p[n++] = OD_PI(d->patnum);
    p[n++] = OD_PS(ext);
    p[n++] = OD_PI(d->img_type < 0 ? 0 : d->img_type);
    p[n++] = OD_PD(degrees);
    p[n++] = OD_PS(d->tooth_numbers);
    if (prov)
        p[n++] = OD_PI(d->prov_num);
    if (head)
        p[n++] = OD_PI(d->print_heading);
    return od_exec(c, sql, p, n, NULL, docnum);
}

/* ImageStore.GetPatientFolder: a blank ImageFolder is made from the name
 * and stored. */
static int patient_folder(struct od_conn *c, struct dj *j, long long patnum,
                          struct patrow *p)
{
    char msg[200];
    struct od_prm prm[2];
    if (p->folder[0])
        return 0;
    od_image_folder_name(p->lname, p->fname, patnum, p->folder,
                         sizeof p->folder);
    if (od_text_check(od_db_catalog(c->db), "patient", "ImageFolder",
                      "ImageFolder", p->folder, msg, sizeof msg))
        return od_dj_fail(j, 400, "The patient's image folder name: %s", msg);
    prm[0] = OD_PS(p->folder);
    prm[1] = OD_PI(patnum);
    return od_exec(c, "UPDATE patient SET ImageFolder = ? WHERE PatNum = ? "
                      "AND ImageFolder = ''", prm, 2, NULL, NULL);
}

/* Documents.Insert: "x" in front while a document of the patient already
 * has the name (and, here, while a file of the folder has it). */
static int name_used(struct od_conn *c, long long patnum, const char *name,
                     long long *used)
{
    struct od_prm p[2] = {OD_PI(patnum), OD_PS(name)};
    return od_query_ll(c, "SELECT DocNum FROM document WHERE PatNum = ? AND "
                          "FileName = ? LIMIT 1", p, 2, 1, used);
}

/* The file into the patient's folder under a free name. */
static int write_atoz(struct od_conn *c, struct dj *j,
                      const struct od_store *s, const struct patrow *pat,
                      long long patnum, const unsigned char *bytes, size_t n,
                      struct docfile *f)
{
    char msg[400], name[300];
    int tries, r;
    long long used;
    if ((f->dirfd = od_store_patient_dir(s, pat->folder, 1, msg,
                                         sizeof msg)) < 0)
        return od_dj_fail(j, 500, "%s", msg);
    for (tries = 0; tries < 20; tries++) {
        if ((r = name_used(c, patnum, f->name, &used)) < 0)
            return -1;
        if (r == 0) {
            if (od_store_write_new(f->dirfd, f->name, bytes, n) == 0) {
                char dir[1100];
                od_store_patient_path(s, pat->folder, dir, sizeof dir);
                snprintf(f->filepath, sizeof f->filepath, "%s%s", dir,
                         f->name);
                return 0;
            }
            if (errno != EEXIST)
                return od_dj_fail(j, 500, "The file %s cannot be written to "
                                       "the patient's folder (%s).",
                               f->name, strerror(errno));
        }
        if (strlen(f->name) + 2 > sizeof f->name)
            break;
        name[0] = 'x';
        memcpy(name + 1, f->name, strlen(f->name) + 1);
        memcpy(f->name, name, strlen(name) + 1);
    }
    f->name[0] = '\0';
    return od_dj_fail(j, 500, "No free file name for the document.");
}

/* RawBase64: the file as base64 text in the row ("store images in the
 * database"), within the column and the server's packet size. */
static int rawbase64(struct od_conn *c, struct dj *j,
                     const unsigned char *bytes, size_t n, char **out)
{
    long long packet = 0;
    size_t len;
    char msg[200];
    if (!(*out = od_b64_encode(bytes, n, &len)))
        return od_dj_fail(j, 500, "Out of memory.");
    if (od_query_ll(c, "SELECT @@max_allowed_packet", NULL, 0, 1, &packet) <
        0)
        return -1;
    if (od_text_check(od_db_catalog(c->db), "document", "RawBase64",
                      "The file", *out, msg, sizeof msg) ||
        (long long)len + 4096 > packet)
        return od_dj_fail(j, 400, "The file (%zu bytes) is too large to store "
                               "in the database.", n);
    return 0;
}

int od_doc_import(struct od_conn *c, struct dj *j, const struct docin *d,
                  const unsigned char *bytes, size_t n, const char *ext,
                  struct docfile *f)
{
    struct od_store s;
    struct patrow pat;
    char *b64 = NULL, id[24], msg[400];
    long long cat_num;
    double deg = 0;
    int st = 0, rc = -1;
    struct od_prm p[3];

    if (od_store_open(c, j->srv->cfg, &s, &st, msg, sizeof msg))
        return st ? od_dj_fail(j, st, "%s", msg) : -1;
    if (read_patient(c, j, d->patnum, &pat) ||
        doc_category(c, j, d->doc_category, &cat_num) ||
        check_inputs(c, j, d) || patient_folder(c, j, d->patnum, &pat))
        goto out;
    if (!strcasecmp(ext, ".jpg") || !strcasecmp(ext, ".jpeg")) {
        int o = od_jpeg_exif_orientation(bytes, n);
        deg = o == 6 ? 90 : o == 3 ? 180 : o == 8 ? 270 : 0;
    }
    if (insert_row(c, d, cat_num, ext, deg, &f->docnum))
        goto out;
    snprintf(id, sizeof id, "%lld", f->docnum);
    od_image_file_name(pat.lname, pat.fname, id, ext, f->name,
                       sizeof f->name);
    if (od_text_check(od_db_catalog(c->db), "document", "FileName",
                      "FileName", f->name, msg, sizeof msg)) {
        od_dj_fail(j, 400, "%s", msg);
        goto out;
    }
    if (s.mode == OD_STORE_ATOZ
            ? write_atoz(c, j, &s, &pat, d->patnum, bytes, n, f)
            : rawbase64(c, j, bytes, n, &b64))
        goto out;
    p[0] = OD_PS(f->name);
    p[1] = OD_PS(b64 ? b64 : "");
    p[2] = OD_PI(f->docnum);
    if (od_exec(c, "UPDATE document SET FileName = ?, RawBase64 = ? WHERE "
                   "DocNum = ?", p, 3, NULL, NULL))
        goto out;
    /* ImageStore.SaveDocument's LogDocument: ImageCreate */
    rc = od_securitylog(c, OD_PERM_IMAGE_CREATE, j->developer, "Created",
                        f->docnum, d->patnum);
out:
    free(b64);
    od_store_close(&s);
    return rc;
}

/* UploadSftp's answer: DocNum, filePath, Description, ToothNumbers, Note,
 * DateCreated, DateTStamp, DocCategory, docCategory, serverDateTime. */
static int read_sftp_shape(struct od_conn *c, struct dj *j,
                           const struct docfile *f)
{
    char r[8][OD_COLSZ];
    struct od_prm p[1] = {OD_PI(f->docnum)};
    int k = od_query_row(c,
                         "SELECT t.Description, t.ToothNumbers, t.Note, "
                         "t.DateCreated, t.DateTStamp, t.DocCategory, "
                         "COALESCE(dc.ItemName, ''), NOW() FROM document t "
                         "LEFT JOIN definition dc ON dc.DefNum = "
                         "t.DocCategory WHERE t.DocNum = ?",
                         p, 1, 8, r);
    struct od_buf *b = &j->out;
    if (k <= 0)
        return k < 0 ? -1 : od_dj_fail(j, 500, "The document was not saved.");
    od_buf_printf(b, "{\"DocNum\":%lld,\"filePath\":", f->docnum);
    od_buf_json_str(b, f->filepath, strlen(f->filepath), 1);
    od_buf_adds(b, ",\"Description\":");
    od_buf_json_str(b, r[0], strlen(r[0]), 1);
    od_buf_adds(b, ",\"ToothNumbers\":");
    od_buf_json_str(b, r[1], strlen(r[1]), 1);
    od_buf_adds(b, ",\"Note\":");
    od_buf_json_str(b, r[2], strlen(r[2]), 1);
    od_buf_printf(b, ",\"DateCreated\":\"%.19s\",\"DateTStamp\":\"%.19s\","
                     "\"DocCategory\":%s,\"docCategory\":", r[3], r[4], r[5]);
    od_buf_json_str(b, r[6], strlen(r[6]), 1);
    od_buf_printf(b, ",\"serverDateTime\":\"%.19s\"}", r[7]);
    return 0;
}

/* GET /documents/{DocNum}'s shape, one object. */
static int read_get_shape(struct od_conn *c, struct dj *j, long long docnum)
{
    char key[24], err[256];
    const char *params[1] = {key};
    int n;
    snprintf(key, sizeof key, "%lld", docnum);
    n = od_resource_rows_json(c, &od_res_documents, "t.DocNum = ?",
                              "t.DocNum", params, 1, 1, &j->out, err,
                              sizeof err);
    if (n <= 0)
        return n < 0 && c->lost ? -1 : od_dj_fail(j, 500, "%s", n < 0 ? err :
                                               "The document was not saved.");
    /* "[{...}]" -> "{...}" */
    memmove(j->out.p, j->out.p + 1, j->out.len - 2);
    j->out.len -= 2;
    j->out.p[j->out.len] = '\0';
    return 0;
}

int od_doc_import_tx(struct od_conn *c, struct dj *j, const struct docin *d,
                     const unsigned char *bytes, size_t n, const char *ext,
                     int upload_shape)
{
    struct docfile f;
    int rc;
    memset(&f, 0, sizeof f);
    f.dirfd = -1;
    if (od_tx_begin(c))
        return od_dj_db_failed(c, j);
    rc = od_doc_import(c, j, d, bytes, n, ext, &f);
    if (od_tx_end(c, rc) != 0) {
        /* nothing was committed (unless nobody knows): no file either */
        if (f.dirfd >= 0 && f.name[0] && !c->commit_unknown)
            od_store_remove(f.dirfd, f.name);
        if (f.dirfd >= 0)
            close(f.dirfd);
        return od_dj_db_failed(c, j);
    }
    if (f.dirfd >= 0)
        close(f.dirfd);
    od_buf_free(&j->out);
    od_buf_init(&j->out);
    rc = upload_shape ? read_sftp_shape(c, j, &f)
                      : read_get_shape(c, j, f.docnum);
    if (rc && !j->status) /* committed: say so even if the read failed */
        od_dj_fail(j, 500, "The document %lld was saved but could not be read "
                        "back.", f.docnum);
    if (!rc) {
        j->status = 201;
        if (!upload_shape)
            snprintf(j->location, sizeof j->location, "%sdocuments/%lld",
                     j->base_url, f.docnum);
    }
    return OD_WORK_DONE;
}

/* ---- POST /documents/Upload ----------------------------------------------------- */

struct upload {
    struct docin d;
    unsigned char *bytes;
    size_t n;
    char ext[16];
    int parsed;
};

static void upload_free(void *p)
{
    struct upload *u = p;
    od_docin_free(&u->d);
    free(u->bytes);
    free(u);
}

/* extension: ".jpg" or "jpg": letters and digits after the dot. */
static int read_extension(json_t *body, char *out, size_t cap, char *msg,
                          size_t msgsize)
{
    const char *s;
    size_t i;
    int rc = od_dj_str(body, "extension", &s, msg, msgsize);
    if (rc < 0)
        return -1;
    if (!s || !*s || (s[0] == '.' && !s[1])) {
        snprintf(msg, msgsize, "extension is required.");
        return -1;
    }
    if (s[0] == '.')
        s++;
    for (i = 0; s[i]; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
              (s[i] >= '0' && s[i] <= '9')) || i >= 10) {
            snprintf(msg, msgsize, "extension is invalid: use a dot and up "
                                   "to 10 letters or digits, like .jpg.");
            return -1;
        }
    snprintf(out, cap, ".%s", s);
    return 0;
}

static int upload_decode(struct dj *j, struct upload *u, json_t *body)
{
    const char *s;
    size_t n, max = od_store_max_file(j->srv->cfg);
    json_t *v = json_object_get(body, "rawBase64");
    if (!v || json_is_null(v) || (json_is_string(v) &&
                                  !json_string_length(v)))
        return od_dj_fail(j, 400, "rawBase64 is required.");
    if (!json_is_string(v))
        return od_dj_fail(j, 400, "rawBase64 is invalid.");
    s = json_string_value(v);
    n = json_string_length(v);
    if (od_b64_decoded_max(n) > max + 3)
        return od_dj_fail(j, 400, "rawBase64 is too large: the file may have "
                               "at most %zu bytes.", max);
    if (!(u->bytes = malloc(od_b64_decoded_max(n))))
        return od_dj_fail(j, 500, "Out of memory.");
    if (od_b64_decode(s, n, u->bytes, &u->n) || u->n == 0)
        return od_dj_fail(j, 400, "rawBase64 is not valid base64.");
    return 0;
}

/* The body is read on the worker: it may be megabytes of base64, and
 * parsing it there keeps the event loop answering others. */
static int upload_parse(struct dj *j, struct upload *u)
{
    char msg[300];
    json_t *body = od_dj_body(j->req, msg, sizeof msg);
    int rc = -1;
    long long pat;
    if (!body)
        return od_dj_fail(j, 400, "%s", msg);
    if (od_dj_key(body, "PatNum", &pat, msg, sizeof msg) <= 0) {
        if (!pat)
            snprintf(msg, sizeof msg, "PatNum is required.");
        od_dj_fail(j, 400, "%s", msg);
    } else if (read_extension(body, u->ext, sizeof u->ext, msg, sizeof msg) ||
               od_docin_read(&u->d, body, msg, sizeof msg)) {
        od_dj_fail(j, 400, "%s", msg);
    } else if (!upload_decode(j, u, body)) {
        u->d.patnum = pat;
        u->parsed = 1;
        rc = 0;
    }
    json_decref(body);
    return rc;
}

static int work_upload(struct od_conn *c, struct dj *j)
{
    struct upload *u = j->data;
    if (!u->parsed && upload_parse(j, u))
        return OD_WORK_DONE;
    return od_doc_import_tx(c, j, &u->d, u->bytes, u->n, u->ext, 0);
}

static void h_upload(odapi_request *req, void *arg)
{
    struct dj *j = od_dj_new_data(req, work_upload, sizeof(struct upload),
                                  upload_free);
    (void)arg;
    if (j)
        od_dj_submit(j);
}

/* ---- POST /documents/UploadSftp -------------------------------------------------- */

static int work_upload_sftp(struct od_conn *c, struct dj *j)
{
    struct upload *u = j->data;
    if (!u->bytes) { /* fetched once, kept for a retry */
        struct od_sftp *x;
        int rc;
        if (od_dj_sftp_open(j, &x))
            return OD_WORK_DONE;
        rc = od_sftp_read(x, j->path, od_store_max_file(j->srv->cfg),
                          &u->bytes, &u->n, j->msg, sizeof j->msg);
        od_sftp_close(x);
        if (rc) {
            j->status = 400;
            return OD_WORK_DONE;
        }
        od_import_ext(j->path, u->bytes, u->n, u->ext, sizeof u->ext);
    }
    return od_doc_import_tx(c, j, &u->d, u->bytes, u->n, u->ext, 1);
}

static void h_upload_sftp(odapi_request *req, void *arg)
{
    struct dj *j = od_dj_new_data(req, work_upload_sftp,
                                  sizeof(struct upload), upload_free);
    struct upload *u;
    char msg[300];
    json_t *body;
    long long pat;
    (void)arg;
    if (!j || !(body = od_dj_job_body(j, msg, sizeof msg)))
        return;
    u = j->data;
    if (od_dj_key(body, "PatNum", &pat, msg, sizeof msg) <= 0) {
        if (!pat)
            snprintf(msg, sizeof msg, "PatNum is required.");
    } else if (!od_dj_sftp_input(j, body, 0, msg, sizeof msg) &&
               !od_docin_read(&u->d, body, msg, sizeof msg)) {
        u->d.patnum = pat;
        json_decref(body);
        od_dj_submit(j);
        return;
    }
    json_object_clear(body);
    json_decref(body);
    od_dj_reject(j, 400, msg);
}

void od_register_document_exports(odapi_server *srv);
void od_register_seturl(odapi_server *srv);
void od_register_eob_files(odapi_server *srv);
void od_register_sheet_file(odapi_server *srv);
void od_register_deletes(odapi_server *srv);
/* What these routes take and answer, for GET /openapi.json
 * (engine/openapi-internal.h). */
static const struct od_opdoc document_docs[] = {
    {"POST", "/documents/Upload",
     "Upload a document (base64).",
     NULL,
     "PatNum:int!,rawBase64:file!,extension:text!,Description:text,DateCreated:datetime,DocCategory:int,ImgType:text,ToothNumbers:text,ProvNum:int,PrintHeading:bool",
     "documents",
     .perm = ODAPI_PERM_DOCUMENTS, .handler = h_upload},
    {"POST", "/documents/UploadSftp",
     "Upload a document from an SFTP server.",
     NULL,
     "PatNum:int!," OD_SFTP_FIELDS ",Description:text,DateCreated:datetime,DocCategory:int,ImgType:text,ToothNumbers:text,ProvNum:int,PrintHeading:bool",
     "documents",
     .perm = ODAPI_PERM_ALL_OTHERS, .handler = h_upload_sftp},
};

void od_register_document_routes(odapi_server *srv);
void od_register_document_routes(odapi_server *srv)
{
    /* ApiDocuments only for Upload "because each upload consumes bandwidth";
     * the other documents writes are ApiAllOthers (apipermissions.html,
     * apipermissions) */
    od_api_routes(srv, document_docs, (int)OD_ARRAY_LEN(document_docs));
    od_register_document_exports(srv);
    od_register_seturl(srv);
    od_register_eob_files(srv);
    od_register_sheet_file(srv);
    od_register_deletes(srv);
}
