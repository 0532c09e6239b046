/* docdelete.c - DELETE /documents/{DocNum} and DELETE
 * /eobattaches/{EobAttachNum}: the row, and its file in the A to Z folder
 * ("Deletes both the database row and any associated file from the A to Z
 * folder", apidocuments, apieobattaches). Rules of ImageStore.
 * DeleteDocuments (a document that a sheet shows is not deleted: Sheets.
 * GetForDocument) and DeleteEobAttach. A file left behind would come back:
 * Open Dental's imaging module adds every file of a patient's folder that
 * no document names (ImageStore.AddMissingFilesToDatabase).
 *
 * The row goes first, in the request's transaction with its security log
 * row; the file (and the document's thumbnail) after the commit, as
 * ImageStore.TryDeleteFile does: a file that cannot be removed then (the
 * folder unreachable, the file in use) is logged, not an error of the
 * request, whose row is gone. */
#include "engine/openapi-internal.h"
#include "features/docjob-internal.h"
#include "db/catalog-internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { PERM_IMAGE_DELETE = 44 };

struct del {
    long long key, patnum;
    char name[300], folder[300];
};

/* Remove name from folder (or EOBs when folder is NULL) if the store is a
 * folder; a thumbnail too for a document. */
static void remove_file(struct od_conn *c, struct dj *j, const char *folder,
                        const char *name)
{
    struct od_store s;
    char msg[400];
    int st = 0, dir, td;
    if (!name[0] ||
        od_store_open(c, j->srv->cfg, &s, &st, msg, sizeof msg)) {
        if (name[0])
            od_conn_log(c, ODAPI_LOG_WARNING, "the file %s was left in place: "
                        "%s", name, msg);
        return;
    }
    if (s.mode == OD_STORE_ATOZ) {
        dir = folder ? od_store_patient_dir(&s, folder, 0, msg, sizeof msg)
                     : od_store_sub_dir(&s, -1, "EOBs", 0, msg, sizeof msg);
        if (dir < 0 || (od_store_remove(dir, name) && errno != ENOENT))
            od_conn_log(c, ODAPI_LOG_WARNING, "the file %s was left in "
                        "place: %s", name, dir < 0 ? msg : strerror(errno));
        if (dir >= 0 && folder &&
            (td = od_store_sub_dir(&s, dir, "Thumbnails", 0, msg,
                                   sizeof msg)) >= 0) {
            od_store_remove(td, name);
            close(td);
        }
        if (dir >= 0)
            close(dir);
    }
    od_store_close(&s);
}

/* Sheets.GetForDocument: the dates of the sheets that show the image. */
static int take_date(void *ctx, char **cols)
{
    struct od_buf *b = ctx;
    od_buf_printf(b, "%s%s", b->len ? ", " : "", cols[0]);
    return b->len > 200;
}

static int doc_delete(struct od_conn *c, struct dj *j, struct del *d)
{
    char r[3][OD_COLSZ], num[24];
    struct od_prm p[1] = {OD_PI(d->key)};
    struct od_prm s[1];
    struct od_buf dates;
    long n;
    int k = od_query_row(c, "SELECT d.PatNum, d.FileName, "
                            "COALESCE(p.ImageFolder, '') FROM document d "
                            "LEFT JOIN patient p ON p.PatNum = d.PatNum "
                            "WHERE d.DocNum = ? FOR UPDATE", p, 1, 3, r);
    if (k <= 0)
        return k < 0 ? -1 : od_dj_fail(j, 404, "Document not found");
    d->patnum = atoll(r[0]);
    snprintf(d->name, sizeof d->name, "%s", r[1]);
    snprintf(d->folder, sizeof d->folder, "%s", r[2]);
    snprintf(num, sizeof num, "%lld", d->key);
    s[0] = OD_PS(num);
    od_buf_init(&dates);
    n = od_query_each(c, "SELECT DATE_FORMAT(s.DateTimeSheet, '%c/%e/%Y') "
                         "FROM sheetfield f JOIN sheet s ON s.SheetNum = "
                         "f.SheetNum WHERE s.IsDeleted = 0 AND f.FieldType "
                         "= 10 AND f.FieldValue = ? GROUP BY s.SheetNum",
                      s, 1, 1, take_date, &dates);
    if (n != 0) {
        if (n > 0)
            od_dj_fail(j, 400, "Cannot delete image, it is referenced by sheets "
                            "with the following dates: %s", dates.p);
        od_buf_free(&dates);
        return -1;
    }
    od_buf_free(&dates);
    if (od_exec(c, "DELETE FROM document WHERE DocNum = ?", p, 1, NULL, NULL))
        return -1;
    return od_securitylog(c, PERM_IMAGE_DELETE, j->developer, "Deleted",
                          d->key, d->patnum);
}

static int eob_delete(struct od_conn *c, struct dj *j, struct del *d)
{
    char r[1][OD_COLSZ], msg[128];
    struct od_prm p[1] = {OD_PI(d->key)};
    int k;
    if (!od_catalog_has_table(od_db_catalog(c->db), "eobattach")) {
        /* an Open Dental version before EOB attachments */
        od_absent_msg(msg, sizeof msg, "eobattaches");
        return od_dj_fail(j, 400, "%s", msg);
    }
    k = od_query_row(c, "SELECT FileName FROM eobattach WHERE "
                        "EobAttachNum = ? FOR UPDATE", p, 1, 1, r);
    if (k <= 0)
        return k < 0 ? -1 : od_dj_fail(j, 404, "EobAttach not found.");
    snprintf(d->name, sizeof d->name, "%s", r[0]);
    if (od_exec(c, "DELETE FROM eobattach WHERE EobAttachNum = ?", p, 1,
                NULL, NULL))
        return -1;
    /* InsPayEdit: the check's permission (docs/resources.md) */
    return od_securitylog(c, OD_PERM_INS_PAY_EDIT, j->developer, "Deleted",
                          d->key, 0);
}

static int work_delete(struct od_conn *c, struct dj *j, int eob)
{
    struct del *d = j->data;
    int rc;
    if (od_tx_begin(c))
        return od_dj_db_failed(c, j);
    rc = eob ? eob_delete(c, j, d) : doc_delete(c, j, d);
    if (od_tx_end(c, rc))
        return od_dj_db_failed(c, j);
    remove_file(c, j, eob ? NULL : d->folder, d->name);
    j->status = 200;
    return OD_WORK_DONE;
}

static int work_doc(struct od_conn *c, struct dj *j)
{
    return work_delete(c, j, 0);
}

static int work_eob(struct od_conn *c, struct dj *j)
{
    return work_delete(c, j, 1);
}

static void h_delete(odapi_request *req, dj_work_fn work, const char *key)
{
    const char *s = odapi_request_segment(req, key);
    struct dj *j;
    struct del *d;
    long long v;
    char msg[64];
    if (!s || od_parse_ll(s, &v) || v < 0) {
        snprintf(msg, sizeof msg, "%s is invalid.", key);
        odapi_reply_error(req, 400, msg);
        return;
    }
    if (!(j = od_dj_new_data(req, work, sizeof *d, free)))
        return;
    d = j->data;
    d->key = v;
    od_dj_submit(j);
}

static void h_doc_delete(odapi_request *req, void *arg)
{
    (void)arg;
    h_delete(req, work_doc, "DocNum");
}

static void h_eob_delete(odapi_request *req, void *arg)
{
    (void)arg;
    h_delete(req, work_eob, "EobAttachNum");
}

/* What these routes take and answer, for GET /openapi.json
 * (engine/openapi-internal.h). */
static const struct od_opdoc docdelete_docs[] = {
    {"DELETE", "/documents/{DocNum}",
     "Delete a document and its file.",
     NULL,
     NULL,
     NULL,
     .perm = ODAPI_PERM_ALL_OTHERS, .handler = h_doc_delete},
    {"DELETE", "/eobattaches/{EobAttachNum}",
     "Delete an EOB attachment and its file.",
     NULL,
     NULL,
     NULL,
     .perm = ODAPI_PERM_ALL_OTHERS, .handler = h_eob_delete},
};

void od_register_deletes(odapi_server *srv);
void od_register_deletes(odapi_server *srv)
{
    /* ApiAllOthers, as the descriptions had them */
    od_api_routes(srv, docdelete_docs, (int)OD_ARRAY_LEN(docdelete_docs));
}
