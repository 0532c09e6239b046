/* procgroup.c - procedure group notes (spec Appendix A, procedurelogs):
 * GET /procedurelogs/GroupNotes, POST /procedurelogs/GroupNote,
 * PUT and DELETE /procedurelogs/{ProcNum}/GroupNote.
 *
 * As in Open Dental, a group note is a procedurelog row of the procedure
 * code "~GRP~" (status EC, the grouped procedures' date, provider and
 * clinic), its text is the newest procnote row of that procedure, and one
 * procgroupitem row links it (GroupNum) to each grouped procedure
 * (ProcNum). Each write runs in one transaction on a worker and adds one
 * securitylog row. Choices the spec leaves open are in docs/resources.md. */
#include "engine/openapi-internal.h"
#include "engine/resource-internal.h"
#include "db/catalog-internal.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* EnumPermType values used in securitylog (opendental-schema.md 4), as
 * the procedurelogs resource uses them. */
enum { PERM_PROC_DELETE = 49, PERM_PROC_EDIT = 100 };

/* ProcStat values (opendental-schema.md 4). */
enum { PS_C = 2, PS_EC = 3, PS_D = 6 };

#define MAX_PROCS 100
#define NOTE_MAX 65535
#define GRP_CODE "~GRP~"
#define API_SIGNATURE "Digitally signed through API"

enum act { A_LIST, A_POST, A_PUT, A_DELETE };

struct gjob {
    odapi_request *req;
    enum act act;
    long long key;                /* the group note's ProcNum (PUT/DELETE) */
    long long patnum;
    int has_prov;
    long long provnum;
    int has_procs;
    long long procs[MAX_PROCS];
    int nprocs;
    char *note;
    int append, sign;
    char developer[128];
    int status;
    char msg[256];
    struct od_buf out;
};

static void gjob_free(struct gjob *j)
{
    od_buf_free(&j->out);
    free(j->note);
    free(j);
}

static void gfail(struct gjob *j, int status, const char *msg)
{
    j->status = status;
    snprintf(j->msg, sizeof j->msg, "%s", msg);
}

/* ---- statements ----------------------------------------------------------- */

/* ---- the answer: group notes as JSON ------------------------------------- */

/* The group notes of a patient, or the one group note key (patnum 0), in
 * the documented order: PatNum, ProvNum, ProcNum, ProcNums, Note,
 * isSigned. The note and signature are the newest procnote's. Returns the
 * count, or -1. */
static const char SQL_GROUPS_HEAD[] =
    "SELECT g.PatNum, g.ProvNum, g.ProcNum, COALESCE(n.Note, ''), "
    "COALESCE(n.Signature, '') <> '' FROM procedurelog g JOIN procedurecode "
    "pc ON pc.CodeNum = g.CodeNum AND pc.ProcCode = '" GRP_CODE "' LEFT JOIN "
    "procnote n ON n.ProcNoteNum = (SELECT n2.ProcNoteNum FROM procnote n2 "
    "WHERE n2.ProcNum = g.ProcNum ORDER BY n2.EntryDateTime DESC, "
    "n2.ProcNoteNum DESC LIMIT 1) WHERE g.ProcStatus <> 6 AND ";

static int write_groups(struct od_conn *c, long long patnum, long long key,
                        struct od_buf *out)
{
    char sql[sizeof SQL_GROUPS_HEAD + 64];
    MYSQL_STMT *st, *ist;
    MYSQL_BIND pb, rb[5], ib, irb;
    my_bool nul[5];
    unsigned long nlen = 0;
    long long pat = 0, prov = 0, proc = 0, sig = 0, k = patnum ? patnum : key;
    long long item = 0, gkey = 0;
    char *note = NULL;
    int rc, irc, count = 0, first;
    snprintf(sql, sizeof sql, "%s%s ORDER BY g.ProcNum", SQL_GROUPS_HEAD,
             patnum ? "g.PatNum = ?" : "g.ProcNum = ?");
    if (!(st = od_conn_stmt(c, sql)))
        return -1;
    if (!(note = malloc(NOTE_MAX * 4 + 1)))
        return -1;
    memset(&pb, 0, sizeof pb);
    pb.buffer_type = MYSQL_TYPE_LONGLONG;
    pb.buffer = &k;
    memset(rb, 0, sizeof rb);
    rb[0].buffer_type = rb[1].buffer_type = rb[2].buffer_type =
        rb[4].buffer_type = MYSQL_TYPE_LONGLONG;
    rb[0].buffer = &pat;
    rb[1].buffer = &prov;
    rb[2].buffer = &proc;
    rb[4].buffer = &sig;
    rb[3].buffer_type = MYSQL_TYPE_STRING;
    rb[3].buffer = note;
    rb[3].buffer_length = NOTE_MAX * 4;
    rb[3].length = &nlen;
    for (rc = 0; rc < 5; rc++)
        rb[rc].is_null = &nul[rc];
    if (mysql_stmt_bind_param(st, &pb) || mysql_stmt_execute(st) ||
        mysql_stmt_store_result(st) || mysql_stmt_bind_result(st, rb)) {
        free(note);
        return od_stmt_failed(c, st);
    }
    /* the items: one statement per group, after the groups are read */
    od_buf_addc(out, '[');
    while ((rc = mysql_stmt_fetch(st)) == 0 || rc == MYSQL_DATA_TRUNCATED) {
        if (count++)
            od_buf_addc(out, ',');
        od_buf_adds(out, "{\"PatNum\":");
        od_buf_add_ll(out, pat);
        od_buf_adds(out, ",\"ProvNum\":");
        od_buf_add_ll(out, prov);
        od_buf_adds(out, ",\"ProcNum\":");
        od_buf_add_ll(out, proc);
        od_buf_adds(out, ",\"ProcNums\":[");
        gkey = proc;
        if (!(ist = od_conn_stmt(c, "SELECT ProcNum FROM procgroupitem WHERE "
                                    "GroupNum = ? ORDER BY ProcNum, "
                                    "ProcGroupItemNum"))) {
            count = -1;
            break;
        }
        memset(&ib, 0, sizeof ib);
        ib.buffer_type = MYSQL_TYPE_LONGLONG;
        ib.buffer = &gkey;
        memset(&irb, 0, sizeof irb);
        irb.buffer_type = MYSQL_TYPE_LONGLONG;
        irb.buffer = &item;
        if (mysql_stmt_bind_param(ist, &ib) || mysql_stmt_execute(ist) ||
            mysql_stmt_bind_result(ist, &irb)) {
            count = od_stmt_failed(c, ist);
            break;
        }
        first = 1;
        while ((irc = mysql_stmt_fetch(ist)) == 0) {
            if (!first)
                od_buf_addc(out, ',');
            first = 0;
            od_buf_add_ll(out, item);
        }
        if (irc != MYSQL_NO_DATA) {
            count = od_stmt_failed(c, ist);
            mysql_stmt_free_result(ist);
            break;
        }
        mysql_stmt_free_result(ist);
        od_buf_adds(out, "],\"Note\":");
        od_buf_json_str(out, nul[3] ? "" : note, nul[3] ? 0 : nlen, 1);
        od_buf_adds(out, ",\"isSigned\":");
        od_buf_adds(out, sig ? "\"true\"" : "\"false\"");
        od_buf_addc(out, '}');
    }
    if (count >= 0 && rc != MYSQL_NO_DATA)
        count = od_stmt_failed(c, st);
    mysql_stmt_free_result(st);
    free(note);
    od_buf_addc(out, ']');
    return count;
}

/* ---- checks shared by POST and PUT --------------------------------------- */

struct procs_seen {
    struct gjob *j;
    int n;
    char date[OD_COLSZ], prov[OD_COLSZ], clinic[OD_COLSZ];
};

/* Each row: ProcNum, PatNum, ProcStatus, ProcDate, ProvNum, ClinicNum,
 * whether it is a group note. */
static int check_proc(struct gjob *j, struct procs_seen *s, long long pnum,
                      struct od_conn *c)
{
    char r[OD_MAXCOL][OD_COLSZ];
    struct od_prm k[1];
    k[0] = OD_PI(pnum);
    switch (
        od_query_row(c,
                     "SELECT p.PatNum, p.ProcStatus, p.ProcDate, p.ProvNum, "
                     "p.ClinicNum FROM procedurelog p WHERE p.ProcNum = ? AND "
                     "p.ProcStatus <> 6 FOR UPDATE",
                     k, 1, 5, r)) {
    case 0:
        snprintf(j->msg, sizeof j->msg, "Procedure %lld not found.", pnum);
        j->status = 404;
        return -1;
    case -1:
        return -1;
    }
    if (atoll(r[0]) != j->patnum) {
        snprintf(j->msg, sizeof j->msg,
                 "Procedure %lld is not for this patient.", pnum);
        j->status = 400;
        return -1;
    }
    if (atoi(r[1]) != PS_C) {
        snprintf(j->msg, sizeof j->msg,
                 "Procedure %lld is not complete. Only completed procedures "
                 "can be in a group note.", pnum);
        j->status = 400;
        return -1;
    }
    if (s->n++ == 0) {
        memcpy(s->date, r[2], OD_COLSZ);
        memcpy(s->prov, r[3], OD_COLSZ);
        memcpy(s->clinic, r[4], OD_COLSZ);
        return 0;
    }
    if (strcmp(s->date, r[2])) {
        gfail(j, 400, "All procedures must have the same date.");
        return -1;
    }
    if (strcmp(s->prov, r[3])) {
        gfail(j, 400, "All procedures must have the same provider.");
        return -1;
    }
    if (strcmp(s->clinic, r[4])) {
        gfail(j, 400, "All procedures must have the same clinic.");
        return -1;
    }
    return 0;
}

static int check_procs(struct od_conn *c, struct gjob *j,
                       struct procs_seen *s)
{
    int i;
    memset(s, 0, sizeof *s);
    s->j = j;
    for (i = 0; i < j->nprocs; i++)
        if (check_proc(j, s, j->procs[i], c))
            return -1;
    return 0;
}

static int check_prov(struct od_conn *c, struct gjob *j)
{
    char r[OD_MAXCOL][OD_COLSZ];
    struct od_prm k[1];
    int rc;
    if (!j->has_prov)
        return 0;
    k[0] = OD_PI(j->provnum);
    rc =
        od_query_row(c, "SELECT 1 FROM provider WHERE ProvNum = ?", k, 1, 1, r);
    if (rc == 0)
        gfail(j, 400, "ProvNum is invalid.");
    return rc == 1 ? 0 : -1;
}

static int add_items(struct od_conn *c, struct gjob *j, long long group)
{
    struct od_prm p[2];
    int i;
    for (i = 0; i < j->nprocs; i++) {
        p[0] = OD_PI(j->procs[i]);
        p[1] = OD_PI(group);
        if (od_exec(c,
                    "INSERT INTO procgroupitem (ProcNum, GroupNum) VALUES "
                    "(?, ?)",
                    p, 2, NULL, NULL))
            return -1;
    }
    return 0;
}

/* A new procnote row: the note's new text (never edited in place). */
static int add_note(struct od_conn *c, struct gjob *j, long long group,
                    const char *text)
{
    struct od_prm p[4];
    p[0] = OD_PI(j->patnum);
    p[1] = OD_PI(group);
    p[2] = OD_PS(text);
    p[3] = OD_PS(j->sign ? API_SIGNATURE : "");
    return od_exec(c,
                   "INSERT INTO procnote (PatNum, ProcNum, EntryDateTime, "
                   "UserNum, Note, SigIsTopaz, Signature) VALUES (?, ?, "
                   "NOW(), 0, ?, 0, ?)",
                   p, 4, NULL, NULL);
}

/* ---- POST /procedurelogs/GroupNote ---------------------------------------- */

static int do_post(struct od_conn *c, struct gjob *j)
{
    char r[OD_MAXCOL][OD_COLSZ];
    struct procs_seen s;
    struct od_prm p[6];
    long long code, group;
    p[0] = OD_PI(j->patnum);
    switch (
        od_query_row(c, "SELECT 1 FROM patient WHERE PatNum = ?", p, 1, 1, r)) {
    case 0:
        gfail(j, 404, "Patient not found.");
        return -1;
    case -1:
        return -1;
    }
    if (check_procs(c, j, &s) || check_prov(c, j))
        return -1;
    /* the "~GRP~" code: every Open Dental database has it; made here when
     * this one does not */
    switch (od_query_row(
        c,
        "SELECT CodeNum FROM procedurecode WHERE ProcCode = '" GRP_CODE
        "' ORDER BY CodeNum LIMIT 1",
        NULL, 0, 1, r)) {
    case 1:
        code = atoll(r[0]);
        break;
    case 0:
        if (od_exec(c,
                    "INSERT INTO procedurecode (ProcCode, Descript, AbbrDesc, "
                    "ProcTime, DefaultNote, DefaultClaimNote, DefaultTPNote) "
                    "VALUES ('" GRP_CODE "', 'Group Note', 'Group Note', "
                    "'/X/', '', '', '')",
                    NULL, 0, NULL, &code))
            return -1;
        break;
    default:
        return -1;
    }
    p[0] = OD_PI(j->patnum);
    p[1] = OD_PS(s.date);
    p[2] = OD_PI(j->has_prov ? j->provnum : atoll(s.prov));
    p[3] = OD_PI(atoll(s.clinic));
    p[4] = OD_PI(code);
    if (od_exec(c,
                "INSERT INTO procedurelog (PatNum, ProcDate, ProcFee, "
                "ProcStatus, ProvNum, ClinicNum, CodeNum, DateEntryC, DateTP, "
                "UnitQty, SecDateEntry) VALUES (?, ?, 0, 3, ?, ?, ?, "
                "CURDATE(), CURDATE(), 1, NOW())",
                p, 5, NULL, &group) ||
        add_items(c, j, group) || add_note(c, j, group, j->note))
        return -1;
    j->key = group;
    return od_securitylog(c, PERM_PROC_EDIT, j->developer, "Created", group,
                          j->patnum);
}

/* The group note j->key, locked: 1 found (PatNum in *pat), 0 404 set, -1. */
static int lock_group(struct od_conn *c, struct gjob *j, long long *pat)
{
    char r[OD_MAXCOL][OD_COLSZ];
    struct od_prm k[1];
    k[0] = OD_PI(j->key);
    switch (od_query_row(
        c,
        "SELECT g.PatNum FROM procedurelog g JOIN procedurecode pc "
        "ON pc.CodeNum = g.CodeNum AND pc.ProcCode = '" GRP_CODE
        "' WHERE g.ProcNum = ? AND g.ProcStatus <> 6 FOR UPDATE",
        k, 1, 1, r)) {
    case 0:
        gfail(j, 404, "GroupNote not found.");
        return 0;
    case -1:
        return -1;
    }
    *pat = atoll(r[0]);
    return 1;
}

/* ---- PUT /procedurelogs/{ProcNum}/GroupNote ------------------------------ */

/* doAppendNote: the newest note, a line break, then the new text, into
 * *out (malloc'd); it must fit procnote.Note whole (MariaDB would cut it
 * rather than refuse). 0, or -1 (a 400 set, or a database error). */
static int appended_note(struct od_conn *c, struct gjob *j, char **out)
{
    const struct od_column *col =
        od_catalog_column(od_db_catalog(c->db), "procnote", "Note");
    MYSQL_STMT *st;
    MYSQL_BIND pb, rb;
    unsigned long olen = 0;
    my_bool onul = 0;
    long long k = j->key, chars, bytes;
    char *text;
    int rc;
    st = od_conn_stmt(c, "SELECT Note FROM procnote WHERE ProcNum = ? "
                         "ORDER BY EntryDateTime DESC, ProcNoteNum DESC "
                         "LIMIT 1");
    if (!st || !(text = malloc(NOTE_MAX * 4 + 3 + strlen(j->note))))
        return -1;
    memset(&pb, 0, sizeof pb);
    pb.buffer_type = MYSQL_TYPE_LONGLONG;
    pb.buffer = &k;
    memset(&rb, 0, sizeof rb);
    rb.buffer_type = MYSQL_TYPE_STRING;
    rb.buffer = text;
    rb.buffer_length = NOTE_MAX * 4;
    rb.length = &olen;
    rb.is_null = &onul;
    if (mysql_stmt_bind_param(st, &pb) || mysql_stmt_execute(st) ||
        mysql_stmt_bind_result(st, &rb)) {
        free(text);
        return od_stmt_failed(c, st);
    }
    rc = mysql_stmt_fetch(st);
    mysql_stmt_free_result(st);
    if (rc == 0 && !onul && olen > 0) {
        text[olen] = '\0';
        strcat(text, "\r\n");
    } else if (rc == 0 || rc == MYSQL_NO_DATA) {
        text[0] = '\0';
    } else {
        free(text);
        return od_stmt_failed(c, st);
    }
    strcat(text, j->note);
    od_column_measure(col, text, strlen(text), &chars, &bytes);
    if (!od_column_room(col, chars, bytes) ||
        (!col && strlen(text) > NOTE_MAX)) {
        free(text);
        gfail(j, 400, "Note is too long.");
        return -1;
    }
    *out = text;
    return 0;
}

static int do_put(struct od_conn *c, struct gjob *j)
{
    struct procs_seen s;
    struct od_prm p[4];
    long long pat;
    char *text = NULL;
    int rc;
    if ((rc = lock_group(c, j, &pat)) != 1)
        return -1;
    if (pat != j->patnum) {
        gfail(j, 400, "The GroupNote is not for this patient.");
        return -1;
    }
    /* every refusal before the first write (MyISAM keeps what was
     * written before a ROLLBACK) */
    if ((j->has_procs && check_procs(c, j, &s)) || check_prov(c, j) ||
        (j->append && appended_note(c, j, &text)))
        return -1;
    if (j->has_procs) {
        p[0] = OD_PS(s.date);
        p[1] = OD_PI(atoll(s.clinic));
        p[2] = OD_PI(j->key);
        if (od_exec(c,
                    "UPDATE procedurelog SET ProcDate = ?, ClinicNum = ? "
                    "WHERE ProcNum = ?",
                    p, 3, NULL, NULL))
            goto fail;
        p[0] = OD_PI(j->key);
        if (od_exec(c, "DELETE FROM procgroupitem WHERE GroupNum = ?", p, 1,
                    NULL, NULL) ||
            add_items(c, j, j->key))
            goto fail;
    }
    if (j->has_prov) {
        p[0] = OD_PI(j->provnum);
        p[1] = OD_PI(j->key);
        if (od_exec(c, "UPDATE procedurelog SET ProvNum = ? WHERE ProcNum = ?",
                    p, 2, NULL, NULL))
            goto fail;
    }
    rc = add_note(c, j, j->key, text ? text : j->note);
    free(text);
    if (rc)
        return -1;
    p[0] = OD_PI(j->key);
    /* the row's DateTStamp moves with the change */
    if (od_exec(c,
                "UPDATE procedurelog SET DateTStamp = NOW() WHERE ProcNum = ?",
                p, 1, NULL, NULL))
        return -1;
    return od_securitylog(c, PERM_PROC_EDIT, j->developer, "Updated", j->key,
                          j->patnum);
fail:
    free(text);
    return -1;
}

/* ---- DELETE /procedurelogs/{ProcNum}/GroupNote ---------------------------- */

/* As Open Dental deletes a group note: the procedure gets status D (its
 * rows are never removed) and its procgroupitem links are removed. */
static int do_delete(struct od_conn *c, struct gjob *j)
{
    struct od_prm k[1];
    long long pat;
    int rc;
    if ((rc = lock_group(c, j, &pat)) != 1)
        return -1;
    k[0] = OD_PI(j->key);
    if (od_exec(c, "UPDATE procedurelog SET ProcStatus = 6 WHERE ProcNum = ?",
                k, 1, NULL, NULL) ||
        od_exec(c, "DELETE FROM procgroupitem WHERE GroupNum = ?", k, 1, NULL,
                NULL))
        return -1;
    return od_securitylog(c, PERM_PROC_DELETE, j->developer, "Deleted",
                          j->key, pat);
}

/* ---- running an action ---------------------------------------------------- */

static int work(struct od_conn *c, void *arg)
{
    struct gjob *j = arg;
    int rc;
    j->status = 0;
    j->msg[0] = '\0';
    if (j->act == A_LIST) {
        od_buf_free(&j->out);
        od_buf_init(&j->out);
        rc = write_groups(c, j->patnum, 0, &j->out);
        if (rc < 0) {
            if (c->lost) {
                gfail(j, 503, "The database is not available.");
                j->status = 0;
                return OD_WORK_RETRY;
            }
            gfail(j, 500, "The database refused the request.");
        } else {
            j->status = 200; /* none: 200 [] (spec 3.4) */
        }
        return OD_WORK_DONE;
    }
    if (od_tx_begin(c) != 0)
        return od_tx_failed(c, &j->status, j->msg, sizeof j->msg);
    switch (j->act) {
    case A_POST:
        rc = do_post(c, j);
        break;
    case A_PUT:
        rc = do_put(c, j);
        break;
    default:
        rc = do_delete(c, j);
    }
    if (od_tx_end(c, rc) == 0) {
        j->status = j->act == A_POST ? 201 : 200;
        if (j->act == A_DELETE)
            return OD_WORK_DONE;
        od_buf_free(&j->out);
        od_buf_init(&j->out);
        if (write_groups(c, 0, j->key, &j->out) != 1)
            /* committed: never run again */
            gfail(j, c->lost ? 503 : 500,
                  c->lost ? "The database is not available."
                          : "The change was made but could not be read.");
        return OD_WORK_DONE;
    }
    return od_tx_failed(c, &j->status, j->msg, sizeof j->msg);
}

static void done(void *arg, int status)
{
    struct gjob *j = arg;
    odapi_request *req = j->req;
    const char *p, *host;
    char url[512];
    size_t n;
    if (status != ODAPI_OK) {
        odapi_reply_error(req, 503, "The database is not available.");
    } else if (j->status != 200 && j->status != 201) {
        odapi_reply_error(req, j->status ? j->status : 500,
                          j->msg[0] ? j->msg : "The request failed.");
    } else if (j->out.oom) {
        odapi_reply_error(req, 500, "Out of memory.");
    } else if (j->act == A_DELETE) {
        odapi_reply(req, 200, "", 0);
    } else {
        p = j->out.p ? j->out.p : "";
        n = j->out.len;
        if (j->act != A_LIST) {
            /* one group: the object inside the brackets */
            while (n && p[n - 1] == ']')
                n--;
            if (n && *p == '[') {
                p++;
                n--;
            }
        }
        if (j->status == 201) {
            host = odapi_request_header(req, "Host");
            if (host && *host && !strpbrk(host, "\r\n/ "))
                snprintf(url, sizeof url, "%s://%s/api/v1/procedurelogs/%lld",
                         req->srv->ssl_ctx ? "https" : "http", host, j->key);
            else
                snprintf(url, sizeof url, "%sprocedurelogs/%lld",
                         req->srv->base_url, j->key);
            odapi_request_add_header(req, "Location", url);
        }
        odapi_reply(req, j->status, p, n);
    }
    gjob_free(j);
}

static struct gjob *gjob_new(odapi_request *req, enum act act, int keyed)
{
    struct gjob *j;
    long long key = 0;
    if (keyed && (od_parse_key(odapi_request_segment(req, "ProcNum"), &key) ||
                  key == 0)) {
        odapi_reply_error(req, 400, "ProcNum is invalid.");
        return NULL;
    }
    if (!(j = calloc(1, sizeof *j))) {
        odapi_reply_error(req, 500, "Out of memory.");
        return NULL;
    }
    j->req = req;
    j->act = act;
    j->key = key;
    od_buf_init(&j->out);
    snprintf(j->developer, sizeof j->developer, "%s", req->developer);
    return j;
}

static void submit(struct gjob *j)
{
    if (od_request_submit(j->req, work, done, j))
        gjob_free(j);
}

/* ---- reading the body ----------------------------------------------------- */

static json_t *body_object(odapi_request *req)
{
    json_t *body = od_request_json(req);
    if (!body || !json_is_object(body)) {
        odapi_reply_error(req, 400, body
                              ? "The request body must be a JSON object."
                              : "The request body is not valid JSON.");
        json_decref(body);
        return NULL;
    }
    return body;
}

/* A positive integer (a number or a string of digits): 1 given, 0 absent,
 * -1 with msg. */
static int member_int(json_t *body, const char *name, long long *out,
                      char *msg, size_t msgsize)
{
    json_t *v = json_object_get(body, name);
    if (!v || json_is_null(v))
        return 0;
    if (json_is_integer(v))
        *out = (long long)json_integer_value(v);
    else if (!json_is_string(v) || od_parse_ll(json_string_value(v), out))
        *out = -1;
    if (*out <= 0) {
        snprintf(msg, msgsize, "%s is invalid.", name);
        return -1;
    }
    return 1;
}

/* "true"/"false" (any case) or a JSON boolean: 0 absent (*out untouched),
 * 1 given, -1 with msg. */
static int member_bool(json_t *body, const char *name, int *out, char *msg,
                       size_t msgsize)
{
    json_t *v = json_object_get(body, name);
    if (!v || json_is_null(v))
        return 0;
    if (json_is_boolean(v)) {
        *out = json_is_true(v);
        return 1;
    }
    if (json_is_string(v) && !strcasecmp(json_string_value(v), "true")) {
        *out = 1;
        return 1;
    }
    if (json_is_string(v) && !strcasecmp(json_string_value(v), "false")) {
        *out = 0;
        return 1;
    }
    snprintf(msg, msgsize, "%s is invalid.", name);
    return -1;
}

/* Note: required, a string with something in it (a new procnote). */
static int member_note(const struct od_catalog *cat, json_t *body,
                       struct gjob *j, char *msg, size_t msgsize)
{
    json_t *v = json_object_get(body, "Note");
    const char *s;
    if (!v || json_is_null(v)) {
        snprintf(msg, msgsize, "Note is required.");
        return -1;
    }
    if (!json_is_string(v)) {
        snprintf(msg, msgsize, "Note is invalid.");
        return -1;
    }
    s = json_string_value(v);
    if (!s[strspn(s, " \t\r\n")]) {
        snprintf(msg, msgsize, "Note is required.");
        return -1;
    }
    if (od_text_check(cat, "procnote", "Note", "Note", s, msg, msgsize))
        return -1;
    if (strlen(s) > NOTE_MAX) { /* no catalog: procnote.Note is TEXT */
        snprintf(msg, msgsize, "Note is too long.");
        return -1;
    }
    if (!(j->note = strdup(s))) {
        snprintf(msg, msgsize, "Out of memory.");
        return -1;
    }
    return 0;
}

static int add_proc(struct gjob *j, long long x)
{
    int k;
    if (x <= 0 || j->nprocs >= MAX_PROCS)
        return -1;
    for (k = 0; k < j->nprocs && j->procs[k] != x; k++)
        ;
    if (k == j->nprocs)
        j->procs[j->nprocs++] = x;
    return 0;
}

/* ProcNums: a JSON array of procedure numbers (or a comma list in a
 * string); duplicates are dropped. 1 given, 0 absent, -1 with msg. */
static int member_procs(json_t *body, struct gjob *j, char *msg,
                        size_t msgsize)
{
    json_t *v = json_object_get(body, "ProcNums"), *e;
    long long x, list[2 * MAX_PROCS];
    size_t i, n;
    if (!v || json_is_null(v))
        return 0;
    if (json_is_array(v)) {
        json_array_foreach(v, i, e) {
            if (json_is_integer(e))
                x = (long long)json_integer_value(e);
            else if (!json_is_string(e) ||
                     od_parse_key(json_string_value(e), &x))
                goto invalid;
            if (add_proc(j, x))
                goto invalid;
        }
    } else if (json_is_string(v)) {
        if (*json_string_value(v) &&
            od_parse_key_list(json_string_value(v), list, OD_ARRAY_LEN(list),
                              &n))
            goto invalid;
        for (i = 0; *json_string_value(v) && i < n; i++)
            if (add_proc(j, list[i]))
                goto invalid;
    } else {
        goto invalid;
    }
    if (!j->nprocs) {
        snprintf(msg, msgsize, "ProcNums is required.");
        return -1;
    }
    j->has_procs = 1;
    return 1;
invalid:
    snprintf(msg, msgsize, "ProcNums is invalid.");
    return -1;
}

/* ---- handlers ------------------------------------------------------------- */

static void h_list(odapi_request *req, void *arg)
{
    struct gjob *j;
    const char *s = od_query_get(&req->query, "PatNum");
    long long pat;
    (void)arg;
    if (!s || !*s) {
        odapi_reply_error(req, 400, "PatNum is required.");
        return;
    }
    if (od_parse_ll(s, &pat) || pat <= 0) {
        odapi_reply_error(req, 400, "PatNum is invalid.");
        return;
    }
    if (!(j = gjob_new(req, A_LIST, 0)))
        return;
    j->patnum = pat;
    submit(j);
}

/* POST and PUT bodies. */
static void h_write(odapi_request *req, enum act act)
{
    struct gjob *j;
    json_t *body;
    char msg[128];
    int rc;
    if (!(j = gjob_new(req, act, act == A_PUT)))
        return;
    if (!(body = body_object(req))) {
        gjob_free(j);
        return;
    }
    msg[0] = '\0';
    rc = member_int(body, "PatNum", &j->patnum, msg, sizeof msg);
    if (rc == 0)
        snprintf(msg, sizeof msg, "PatNum is required.");
    if (rc <= 0)
        goto bad;
    if (act == A_POST) {
        rc = member_procs(body, j, msg, sizeof msg);
        if (rc == 0)
            snprintf(msg, sizeof msg, "ProcNums is required.");
        if (rc <= 0)
            goto bad;
    }
    if (member_note(od_db_catalog(req->srv->db), body, j, msg, sizeof msg) ||
        (act == A_PUT && member_procs(body, j, msg, sizeof msg) < 0) ||
        member_bool(body, "isSigned", &j->sign, msg, sizeof msg) < 0 ||
        (act == A_PUT &&
         member_bool(body, "doAppendNote", &j->append, msg, sizeof msg) < 0) ||
        (j->has_prov = member_int(body, "ProvNum", &j->provnum, msg,
                                  sizeof msg)) < 0)
        goto bad;
    json_decref(body);
    submit(j);
    return;
bad:
    odapi_reply_error(req, 400, msg);
    json_decref(body);
    gjob_free(j);
}

static void h_post(odapi_request *req, void *arg)
{
    (void)arg;
    h_write(req, A_POST);
}

static void h_put(odapi_request *req, void *arg)
{
    (void)arg;
    h_write(req, A_PUT);
}

static void h_delete(odapi_request *req, void *arg)
{
    struct gjob *j = gjob_new(req, A_DELETE, 1);
    (void)arg;
    if (j)
        submit(j);
}

/* What these routes take and answer, for GET /openapi.json
 * (engine/openapi-internal.h). */
static const struct od_opdoc procgroup_docs[] = {
    {"GET", "/procedurelogs/GroupNotes",
     "Group notes of a patient.",
     "PatNum:int!",
     NULL,
     NULL},
    {"POST", "/procedurelogs/GroupNote",
     "Create a group note over procedures.",
     NULL,
     "PatNum:int!,ProcNums:ints!,Note:text!,isSigned:bool,ProvNum:int",
     NULL},
    {"PUT", "/procedurelogs/{ProcNum}/GroupNote",
     "Update a group note.",
     NULL,
     "Note:text,doAppendNote:bool,isSigned:bool,ProvNum:int",
     NULL},
    {"DELETE", "/procedurelogs/{ProcNum}/GroupNote",
     "Delete a group note.",
     NULL,
     NULL,
     NULL},
};

void od_register_procgroup_actions(odapi_server *srv);
void od_register_procgroup_actions(odapi_server *srv)
{
    od_router_add(&srv->router, "GET", "/procedurelogs/GroupNotes",
                  ODAPI_PERM_READ_ALL, h_list, NULL);
    od_router_add(&srv->router, "POST", "/procedurelogs/GroupNote",
                  ODAPI_PERM_PROCEDURE_LOGS, h_post, NULL);
    od_router_add(&srv->router, "PUT", "/procedurelogs/{ProcNum}/GroupNote",
                  ODAPI_PERM_PROCEDURE_LOGS, h_put, NULL);
    od_router_add(&srv->router, "DELETE",
                  "/procedurelogs/{ProcNum}/GroupNote",
                  ODAPI_PERM_PROCEDURE_LOGS, h_delete, NULL);
    od_api_docs(srv, procgroup_docs, (int)OD_ARRAY_LEN(procgroup_docs));
}
