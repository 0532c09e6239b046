/* procgroup.c - procedure group notes (the api*.html pages, procedurelogs):
 * GET /procedurelogs/GroupNotes, POST /procedurelogs/GroupNote,
 * PUT and DELETE /procedurelogs/{ProcNum}/GroupNote.
 *
 * As in Open Dental, a group note is a procedurelog row of the procedure code
 * "~GRP~" (status EC, the grouped procedures' date, provider and clinic), its
 * text is the newest procnote row of that procedure, and one procgroupitem row
 * links it (GroupNum) to each grouped procedure (ProcNum). Each write runs in
 * one transaction on a worker and adds one securitylog row. Choices Open
 * Dental's docs leave open are in docs/resources.md. */
#include "actions/kit-internal.h"
#include "engine/openapi-internal.h"
#include "db/catalog-internal.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* EnumPermType values used in securitylog (GroupPermission.cs), as
 * the procedurelogs resource uses them. */
enum { PERM_PROC_DELETE = 49, PERM_PROC_EDIT = 100 };

/* ProcStat values (Open Dental's C# enums). */
enum { PS_C = 2, PS_EC = 3, PS_D = 6 };

#define MAX_PROCS 100
#define NOTE_MAX 65535
#define GRP_CODE "~GRP~"
#define API_SIGNATURE "Digitally signed through API"

/* A write's input (od_ck_job.data); ck is its job: the key (the group
 * note's ProcNum), the developer, the refusal. */
struct gjob {
    struct od_ck_job *ck;
    long long patnum;
    int has_prov;
    long long provnum;
    int has_procs;
    long long procs[MAX_PROCS];
    int nprocs;
    char *note;
    int append, sign;
};

static void gjob_free(void *data)
{
    struct gjob *j = data;
    free(j->note);
    free(j);
}

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

/* One group note as read, before its items. */
struct group {
    long long pat, prov, proc;
    int sig;
    char *note;
};

struct groups {
    struct group *g;
    int n, cap, oom;
};

static int take_group(void *ctx, char **col)
{
    struct groups *x = ctx;
    struct group *g;
    if (x->n == x->cap) {
        int cap = x->cap ? x->cap * 2 : 8;
        struct group *ng = realloc(x->g, (size_t)cap * sizeof *ng);
        if (!ng)
            return x->oom = 1;
        x->g = ng;
        x->cap = cap;
    }
    g = &x->g[x->n];
    if (!(g->note = strdup(col[3])))
        return x->oom = 1;
    g->pat = atoll(col[0]);
    g->prov = atoll(col[1]);
    g->proc = atoll(col[2]);
    g->sig = atoi(col[4]) != 0;
    x->n++;
    return 0;
}

static int put_item(void *ctx, const long long *v)
{
    struct od_buf *out = ctx;
    if (out->len && out->p[out->len - 1] != '[')
        od_buf_addc(out, ',');
    od_buf_add_ll(out, v[0]);
    return 0;
}

/* One group note's JSON, its items read now (the groups' statement is
 * done: a connection runs one statement at a time). 0, or -1. */
static int put_group(struct od_conn *c, const struct group *g,
                     struct od_buf *out)
{
    struct od_prm k[1] = {OD_PI(g->proc)};
    od_buf_adds(out, "{\"PatNum\":");
    od_buf_add_ll(out, g->pat);
    od_buf_adds(out, ",\"ProvNum\":");
    od_buf_add_ll(out, g->prov);
    od_buf_adds(out, ",\"ProcNum\":");
    od_buf_add_ll(out, g->proc);
    od_buf_adds(out, ",\"ProcNums\":[");
    if (od_query_each_ll(c, "SELECT ProcNum FROM procgroupitem WHERE "
                            "GroupNum = ? ORDER BY ProcNum, "
                            "ProcGroupItemNum",
                         k, 1, 1, put_item, out) < 0)
        return -1;
    od_buf_adds(out, "],\"Note\":");
    od_buf_json_str(out, g->note, strlen(g->note), 1);
    od_buf_adds(out, ",\"isSigned\":");
    od_buf_adds(out, g->sig ? "\"true\"" : "\"false\"");
    od_buf_addc(out, '}');
    return 0;
}

static int write_groups(struct od_conn *c, long long patnum, long long key,
                        struct od_buf *out)
{
    char sql[sizeof SQL_GROUPS_HEAD + 64];
    struct od_prm k[1] = {OD_PI(patnum ? patnum : key)};
    struct groups x = {NULL, 0, 0, 0};
    int i, count;
    snprintf(sql, sizeof sql, "%s%s ORDER BY g.ProcNum", SQL_GROUPS_HEAD,
             patnum ? "g.PatNum = ?" : "g.ProcNum = ?");
    count = od_query_each(c, sql, k, 1, 5, take_group, &x) < 0 || x.oom
                ? -1
                : x.n;
    if (patnum) /* a list; one group note is the object alone */
        od_buf_addc(out, '[');
    for (i = 0; count >= 0 && i < x.n; i++) {
        if (i)
            od_buf_addc(out, ',');
        if (put_group(c, &x.g[i], out))
            count = -1;
    }
    if (patnum)
        od_buf_addc(out, ']');
    for (i = 0; i < x.n; i++)
        free(x.g[i].note);
    free(x.g);
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
        return od_ck_fail(j->ck, 404, "Procedure %lld not found.", pnum);
    case -1:
        return -1;
    }
    if (atoll(r[0]) != j->patnum) {
        return od_ck_fail(j->ck, 400, "Procedure %lld is not for this "
                          "patient.", pnum);
    }
    if (atoi(r[1]) != PS_C) {
        return od_ck_fail(j->ck, 400, "Procedure %lld is not complete. Only "
                          "completed procedures can be in a group note.",
                          pnum);
    }
    if (s->n++ == 0) {
        memcpy(s->date, r[2], OD_COLSZ);
        memcpy(s->prov, r[3], OD_COLSZ);
        memcpy(s->clinic, r[4], OD_COLSZ);
        return 0;
    }
    if (strcmp(s->date, r[2])) {
        return od_ck_fail(j->ck, 400,
                          "All procedures must have the same date.");
    }
    if (strcmp(s->prov, r[3])) {
        return od_ck_fail(j->ck, 400,
                          "All procedures must have the same provider.");
    }
    if (strcmp(s->clinic, r[4])) {
        return od_ck_fail(j->ck, 400,
                          "All procedures must have the same clinic.");
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
        od_ck_fail(j->ck, 400, "ProvNum is invalid.");
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
    if (od_ck_need_key(c, j->ck, "SELECT 1 FROM patient WHERE PatNum = ?",
                       j->patnum, 404, "Patient not found.") ||
        check_procs(c, j, &s) || check_prov(c, j))
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
    j->ck->key = group;
    return od_securitylog(c, PERM_PROC_EDIT, j->ck->developer, "Created", group,
                          j->patnum);
}

/* The group note j->ck->key, locked: 1 found (PatNum in *pat), 0 404 set,
 * -1. */
static int lock_group(struct od_conn *c, struct gjob *j, long long *pat)
{
    char r[OD_MAXCOL][OD_COLSZ];
    struct od_prm k[1];
    k[0] = OD_PI(j->ck->key);
    switch (od_query_row(
        c,
        "SELECT g.PatNum FROM procedurelog g JOIN procedurecode pc "
        "ON pc.CodeNum = g.CodeNum AND pc.ProcCode = '" GRP_CODE
        "' WHERE g.ProcNum = ? AND g.ProcStatus <> 6 FOR UPDATE",
        k, 1, 1, r)) {
    case 0:
        od_ck_fail(j->ck, 404, "GroupNote not found.");
        return 0;
    case -1:
        return -1;
    }
    *pat = atoll(r[0]);
    return 1;
}

/* ---- PUT /procedurelogs/{ProcNum}/GroupNote ------------------------------ */

/* The first row's Note, copied (NULL and "" read as ""). */
static int take_note(void *ctx, char **col)
{
    char **note = ctx;
    return (*note = strdup(col[0])) == NULL;
}

/* doAppendNote: the newest note, a line break, then the new text, into
 * *out (malloc'd); it must fit procnote.Note whole (MariaDB would cut it
 * rather than refuse). 0, or -1 (a 400 set, or a database error). */
static int appended_note(struct od_conn *c, struct gjob *j, char **out)
{
    const struct od_column *col =
        od_catalog_column(od_db_catalog(c->db), "procnote", "Note");
    struct od_prm k[1] = {OD_PI(j->ck->key)};
    char *old = NULL, *text;
    long long chars, bytes;
    long rows = od_query_each(c, "SELECT Note FROM procnote WHERE ProcNum = "
                                 "? ORDER BY EntryDateTime DESC, ProcNoteNum "
                                 "DESC LIMIT 1",
                              k, 1, 1, take_note, &old);
    if (rows < 0 || (rows > 0 && !old) ||
        !(text = malloc((old ? strlen(old) : 0) + 3 + strlen(j->note)))) {
        free(old);
        return -1;
    }
    snprintf(text, strlen(j->note) + (old ? strlen(old) : 0) + 3, "%s%s%s",
             old ? old : "", old && *old ? "\r\n" : "", j->note);
    free(old);
    od_column_measure(col, text, strlen(text), &chars, &bytes);
    if (!od_column_room(col, chars, bytes) ||
        (!col && strlen(text) > NOTE_MAX)) {
        free(text);
        return od_ck_fail(j->ck, 400, "Note is too long.");
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
        return od_ck_fail(j->ck, 400, "The GroupNote is not for this patient.");
    }
    /* every refusal before the first write (MyISAM keeps what was
     * written before a ROLLBACK) */
    if ((j->has_procs && check_procs(c, j, &s)) || check_prov(c, j) ||
        (j->append && appended_note(c, j, &text)))
        return -1;
    if (j->has_procs) {
        p[0] = OD_PS(s.date);
        p[1] = OD_PI(atoll(s.clinic));
        p[2] = OD_PI(j->ck->key);
        if (od_exec(c,
                    "UPDATE procedurelog SET ProcDate = ?, ClinicNum = ? "
                    "WHERE ProcNum = ?",
                    p, 3, NULL, NULL))
            goto fail;
        p[0] = OD_PI(j->ck->key);
        if (od_exec(c, "DELETE FROM procgroupitem WHERE GroupNum = ?", p, 1,
                    NULL, NULL) ||
            add_items(c, j, j->ck->key))
            goto fail;
    }
    if (j->has_prov) {
        p[0] = OD_PI(j->provnum);
        p[1] = OD_PI(j->ck->key);
        if (od_exec(c, "UPDATE procedurelog SET ProvNum = ? WHERE ProcNum = ?",
                    p, 2, NULL, NULL))
            goto fail;
    }
    rc = add_note(c, j, j->ck->key, text ? text : j->note);
    free(text);
    if (rc)
        return -1;
    p[0] = OD_PI(j->ck->key);
    /* the row's DateTStamp moves with the change */
    if (od_exec(c,
                "UPDATE procedurelog SET DateTStamp = NOW() WHERE ProcNum = ?",
                p, 1, NULL, NULL))
        return -1;
    return od_securitylog(c, PERM_PROC_EDIT, j->ck->developer, "Updated",
                          j->ck->key, j->patnum);
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
    k[0] = OD_PI(j->ck->key);
    if (od_exec(c, "UPDATE procedurelog SET ProcStatus = 6 WHERE ProcNum = ?",
                k, 1, NULL, NULL) ||
        od_exec(c, "DELETE FROM procgroupitem WHERE GroupNum = ?", k, 1, NULL,
                NULL))
        return -1;
    return od_securitylog(c, PERM_PROC_DELETE, j->ck->developer, "Deleted",
                          j->ck->key, pat);
}

/* ---- running an action ---------------------------------------------------- */

/* GET: the patient's group notes; none is 200 [] (apiimplementation.html). */
static int work_list(struct od_conn *c, struct od_ck_job *j)
{
    if (write_groups(c, *(long long *)j->data, 0, &j->out) >= 0)
        return 0;
    return c->lost ? -1 : od_ck_fail(j, 500, "The database refused the "
                                             "request.");
}

/* A write's answer: the group note, as GET writes it. */
static int answer_one(struct od_conn *c, struct od_ck_job *j)
{
    return write_groups(c, 0, j->key, &j->out) == 1 ? 0 : -1;
}

static int work_post(struct od_conn *c, struct od_ck_job *j)
{
    return do_post(c, j->data);
}

static int work_put(struct od_conn *c, struct od_ck_job *j)
{
    return do_put(c, j->data);
}

static int work_delete(struct od_conn *c, struct od_ck_job *j)
{
    return do_delete(c, j->data);
}

/* ---- reading the body ----------------------------------------------------- */

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

/* ProcNums (od_ck_keys): 1 given, 0 absent, -1 with msg. */
static int member_procs(json_t *body, struct gjob *j, char *msg,
                        size_t msgsize)
{
    int rc = od_ck_keys(body, "ProcNums", j->procs, MAX_PROCS, &j->nprocs,
                        msg, msgsize);
    j->has_procs = rc == 1;
    return rc;
}

/* ---- handlers ------------------------------------------------------------- */

static void h_list(odapi_request *req, void *arg)
{
    struct od_ck_job *j;
    long long pat;
    char msg[64];
    (void)arg;
    if (od_ck_query_key_req(req, "PatNum", &pat, msg, sizeof msg)) {
        odapi_reply_error(req, 400, msg);
        return;
    }
    if (!(j = od_ck_new_data(req, work_list, 0, sizeof pat, NULL)))
        return;
    *(long long *)j->data = pat;
    od_ck_submit(j);
}

/* A write's job, its input attached; keyed: the path names the group note.
 * NULL after answering. */
static struct od_ck_job *write_job(odapi_request *req, od_ck_work_fn work,
                                   int keyed)
{
    struct od_ck_job *j;
    struct gjob *g;
    long long key = 0;
    if ((keyed && od_ck_path_key(req, "ProcNum", 1, &key)) ||
        !(j = od_ck_new_data(req, work, 1, sizeof *g, gjob_free)))
        return NULL;
    j->key = key;
    g = j->data;
    g->ck = j;
    return j;
}

/* POST (put 0) and PUT bodies: 0, or -1 with the 400 sentence in msg. */
static int read_write(odapi_request *req, json_t *body, struct gjob *j,
                      int put, char *msg, size_t msgsize)
{
    if (od_ck_required(od_ck_int(body, "PatNum", 1, &j->patnum, msg,
                                 msgsize), "PatNum", msg, msgsize) ||
        (!put && od_ck_required(member_procs(body, j, msg, msgsize),
                                "ProcNums", msg, msgsize)))
        return -1;
    if (member_note(od_db_catalog(req->srv->db), body, j, msg, msgsize) ||
        (put && member_procs(body, j, msg, msgsize) < 0) ||
        od_ck_bool_strict(body, "isSigned", &j->sign, msg, msgsize) < 0 ||
        (put && od_ck_bool_strict(body, "doAppendNote", &j->append, msg,
                                  msgsize) < 0) ||
        (j->has_prov = od_ck_int(body, "ProvNum", 1, &j->provnum, msg,
                                 msgsize)) < 0)
        return -1;
    return 0;
}

static void h_write(odapi_request *req, int put)
{
    struct od_ck_job *j = write_job(req, put ? work_put : work_post, put);
    char msg[128];
    if (!j || !od_ck_take_body(j))
        return;
    msg[0] = '\0';
    if (read_write(req, j->body, j->data, put, msg, sizeof msg))
        return od_ck_reject(j, 400, msg);
    j->answer = answer_one;
    j->created = !put;
    j->location = "procedurelogs";
    od_ck_submit(j);
}

static void h_post(odapi_request *req, void *arg)
{
    (void)arg;
    h_write(req, 0);
}

static void h_put(odapi_request *req, void *arg)
{
    (void)arg;
    h_write(req, 1);
}

static void h_delete(odapi_request *req, void *arg)
{
    struct od_ck_job *j = write_job(req, work_delete, 1);
    (void)arg;
    if (!j)
        return;
    j->no_body = 1;
    od_ck_submit(j);
}

/* What these routes take and answer, for GET /openapi.json
 * (engine/openapi-internal.h). */
static const struct od_opdoc procgroup_docs[] = {
    {"GET", "/procedurelogs/GroupNotes",
     "Group notes of a patient.",
     "PatNum:int!",
     NULL,
     NULL,
     .perm = ODAPI_PERM_READ_ALL, .handler = h_list},
    {"POST", "/procedurelogs/GroupNote",
     "Create a group note over procedures.",
     NULL,
     "PatNum:int!,ProcNums:ints!,Note:text!,isSigned:bool,ProvNum:int",
     NULL,
     .perm = ODAPI_PERM_PROCEDURE_LOGS, .handler = h_post},
    {"PUT", "/procedurelogs/{ProcNum}/GroupNote",
     "Update a group note.",
     NULL,
     "Note:text,doAppendNote:bool,isSigned:bool,ProvNum:int",
     NULL,
     .perm = ODAPI_PERM_PROCEDURE_LOGS, .handler = h_put},
    {"DELETE", "/procedurelogs/{ProcNum}/GroupNote",
     "Delete a group note.",
     NULL,
     NULL,
     NULL,
     .perm = ODAPI_PERM_PROCEDURE_LOGS, .handler = h_delete},
};

OD_CK_ROUTES(od_register_procgroup_actions, procgroup_docs)
