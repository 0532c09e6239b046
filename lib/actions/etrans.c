/* etrans.c - POST /etrans (the api*.html pages, etrans): an ERA (X12 835)
 * imported as Open Dental's Etranss.ProcessIncomingReport stores one
 * (branch 24_3, OpenDentBusiness/Data Interface/Etranss.cs; the X12
 * reading of X12/X12object.cs and X12/X835.cs): the message text once,
 * and one etrans of type ERA_835 per 835 transaction set with its
 * TranSetId835, the payer's name and the patient's (or "(n patients)").
 * What is not done (matching claims, automatic processing) is in
 * docs/resources.md. */
#include "engine/openapi-internal.h"
#include "actions/kit-internal.h"
#include "db/catalog-internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* EnumPermType ClaimHistoryEdit: the Claim History (etrans) window's. */
enum { PERM_CLAIM_HISTORY_EDIT = 95 };
/* EtransType ERA_835 */
enum { ETYPE_ERA_835 = 27 };

#define MAX_TRANS 1000
#define MAX_NAMES 5000
#define NAME_MAX 256

struct era_tran {
    char id[64];               /* ST02 */
    char payer[NAME_MAX];      /* N1*PR 02 */
    char patient[NAME_MAX];    /* the one patient, or "(n patients)" */
};

struct ejob {
    char when[20];             /* DateTimeTrans, "" for now */
    long long clearinghouse, user;
    const char *text;          /* MessageText (the body's) */
    json_t *body; /* the job's (od_ck_take_body) */
    struct era_tran *trans;
    int ntrans;
};

static void ejob_free(void *p)
{
    struct ejob *e = p;
    if (!e)
        return;
    free(e->trans);
    free(e);
}

/* ---- reading the X12 ----------------------------------------------------- */

struct x12 {
    char *s;                   /* without CR and LF */
    char el, seg;
    char **names;              /* the transaction's distinct patients */
    int nnames;
    int inclaim;               /* a CLP is open: pending is its patient */
    char pending[NAME_MAX];
};

/* Element i of a segment (0 is the segment ID) into out. */
static void element(const char *seg, size_t len, char sep, int i, char *out,
                    size_t cap)
{
    const char *p = seg, *end = seg + len;
    while (i > 0 && p < end) {
        const char *e = memchr(p, sep, (size_t)(end - p));
        if (!e) {
            p = end;
            break;
        }
        p = e + 1;
        i--;
    }
    {
        const char *e = i == 0 ? memchr(p, sep, (size_t)(end - p)) : NULL;
        size_t n = i ? 0 : (size_t)((e ? e : end) - p);
        if (n >= cap)
            n = cap - 1;
        memcpy(out, p, n);
        out[n] = '\0';
    }
}

/* Hx835_Name.ToString(false): first, middle, last, suffix. */
static void patient_name(const struct x12 *x, const char *seg, size_t len,
                         char *out)
{
    char part[4][NAME_MAX];
    static const int at[4] = {4, 5, 3, 7};
    int i;
    out[0] = '\0';
    for (i = 0; i < 4; i++) {
        element(seg, len, x->el, at[i], part[i], sizeof part[i]);
        size_t n = strlen(out), k = strlen(part[i]);
        if (!k)
            continue;
        if (n && n + 1 < NAME_MAX)
            out[n++] = ' ';
        if (k > NAME_MAX - 1 - n)
            k = NAME_MAX - 1 - n;
        memcpy(out + n, part[i], k);
        out[n + k] = '\0';
    }
}

static int add_name(struct x12 *x, const char *name)
{
    int i;
    for (i = 0; i < x->nnames; i++)
        if (strcmp(x->names[i], name) == 0)
            return 0;
    if (x->nnames == MAX_NAMES || !(x->names[x->nnames] = strdup(name)))
        return -1;
    x->nnames++;
    return 0;
}

/* The open claim's patient joins the transaction's names. */
static int end_claim(struct x12 *x)
{
    int rc = x->inclaim ? add_name(x, x->pending) : 0;
    x->inclaim = 0;
    x->pending[0] = '\0';
    return rc;
}

static int end_tran(struct x12 *x, struct era_tran *t)
{
    int i, rc = end_claim(x);
    if (x->nnames == 1)
        snprintf(t->patient, sizeof t->patient, "%s", x->names[0]);
    else
        snprintf(t->patient, sizeof t->patient, "(%d patients)", x->nnames);
    for (i = 0; i < x->nnames; i++)
        free(x->names[i]);
    x->nnames = 0;
    return rc;
}

/* One segment: GS counted, ST opens a transaction, N1*PR names the payer,
 * CLP opens a claim whose NM1*QC names its patient (ClaimConnect may
 * leave the name out: an empty one). */
static int segment(struct x12 *x, const char *seg, size_t len,
                   struct ejob *e, int *ngs, int *is_hp)
{
    char id[8], q[8];
    struct era_tran *t = e->ntrans ? &e->trans[e->ntrans - 1] : NULL;
    element(seg, len, x->el, 0, id, sizeof id);
    if (strcmp(id, "GS") == 0) {
        element(seg, len, x->el, 1, q, sizeof q);
        *is_hp = ++*ngs == 1 && strcmp(q, "HP") == 0;
    } else if (strcmp(id, "ST") == 0) {
        if ((t && end_tran(x, t)) || e->ntrans == MAX_TRANS)
            return -1;
        t = &e->trans[e->ntrans++];
        memset(t, 0, sizeof *t);
        element(seg, len, x->el, 2, t->id, sizeof t->id);
    } else if (t && strcmp(id, "N1") == 0 && !*t->payer) {
        element(seg, len, x->el, 1, q, sizeof q);
        if (strcmp(q, "PR") == 0)
            element(seg, len, x->el, 2, t->payer, sizeof t->payer);
    } else if (t && strcmp(id, "CLP") == 0) {
        if (end_claim(x))
            return -1;
        x->inclaim = 1;
    } else if (t && x->inclaim && strcmp(id, "NM1") == 0) {
        element(seg, len, x->el, 1, q, sizeof q);
        if (strcmp(q, "QC") == 0)
            patient_name(x, seg, len, x->pending);
    }
    return 0;
}

/* The 835's transactions into e: 0, or -1 with msg. */
static int read_era(struct ejob *e, char *msg, size_t msgsize)
{
    struct x12 x;
    const char *p;
    char *w;
    int ngs = 0, is_hp = 0, rc = 0;
    memset(&x, 0, sizeof x);
    if (!(x.s = malloc(strlen(e->text) + 1)) ||
        !(x.names = calloc(MAX_NAMES, sizeof *x.names)) ||
        !(e->trans = calloc(MAX_TRANS, sizeof *e->trans))) {
        free(x.s);
        free(x.names);
        snprintf(msg, msgsize, "Out of memory.");
        return -1;
    }
    for (p = e->text, w = x.s; *p; p++)
        if (*p != '\r' && *p != '\n')
            *w++ = *p;
    *w = '\0';
    if (strlen(x.s) < 106 || strncmp(x.s, "ISA", 3) != 0) {
        rc = -1;
    } else {
        x.el = x.s[3];
        x.seg = x.s[105];
        for (p = x.s; *p && rc == 0;) {
            const char *end = strchr(p, x.seg);
            size_t len = end ? (size_t)(end - p) : strlen(p);
            rc = segment(&x, p, len, e, &ngs, &is_hp);
            p += len + (end ? 1 : 0);
        }
        if (e->ntrans && rc == 0)
            rc = end_tran(&x, &e->trans[e->ntrans - 1]);
    }
    free(x.s);
    free(x.names);
    /* X835.Is835: exactly one functional group, of type HP */
    if (rc || ngs != 1 || !is_hp || !e->ntrans) {
        snprintf(msg, msgsize, rc && e->ntrans == MAX_TRANS
                 ? "MessageText has too many transactions."
                 : "MessageText is not an ERA (an X12 835).");
        return -1;
    }
    return 0;
}

/* ---- the rows ------------------------------------------------------------ */

/* The payer and patient names must fit their columns (never stored cut). */
static int check_names(struct od_conn *c, struct od_ck_job *j, struct ejob *e)
{
    const struct od_catalog *cat = od_db_catalog(c->db);
    char msg[160];
    int i;
    for (i = 0; i < e->ntrans; i++)
        if (od_text_check(cat, "etrans", "CarrierNameRaw", "The ERA's payer "
                          "name", e->trans[i].payer, msg, sizeof msg) ||
            od_text_check(cat, "etrans", "PatientNameRaw", "The ERA's patient "
                          "name", e->trans[i].patient, msg, sizeof msg) ||
            od_text_check(cat, "etrans", "TranSetId835", "The ERA's "
                          "transaction set ID", e->trans[i].id, msg,
                          sizeof msg))
            return od_ck_fail(j, 400, "%s", msg);
    return 0;
}

static int work_post(struct od_conn *c, struct od_ck_job *j)
{
    struct ejob *e = j->data;
    struct od_prm p[9];
    long long text, id = 0;
    int i;
    if (e->user) {
        long long v[OD_MAXCOL];
        p[0] = OD_PI(e->user);
        if (od_ck_need_ll(c, j, "SELECT 1 FROM userod WHERE UserNum = ?", p, 1,
                          1, v, 400, "UserNum is invalid."))
            return -1;
    }
    if (check_names(c, j, e))
        return -1;
    p[0] = OD_PS(e->text);
    if (od_exec(c, "INSERT INTO etransmessagetext (MessageText) VALUES (?)",
                p, 1, NULL, &text))
        return -1;
    for (i = 0; i < e->ntrans; i++) {
        p[0] = e->when[0] ? OD_PS(e->when) : OD_PNULL;
        p[1] = OD_PI(e->clearinghouse);
        p[2] = OD_PI(ETYPE_ERA_835);
        p[3] = OD_PI(text);
        p[4] = OD_PI(e->user);
        p[5] = OD_PS(e->trans[i].id);
        p[6] = OD_PS(e->trans[i].payer);
        p[7] = OD_PS(e->trans[i].patient);
        if (od_exec(c,
                    "INSERT INTO etrans (DateTimeTrans, ClearingHouseNum, "
                    "Etype, EtransMessageTextNum, UserNum, TranSetId835, "
                    "CarrierNameRaw, PatientNameRaw, Note, AckCode) VALUES "
                    "(COALESCE(?, NOW()), ?, ?, ?, ?, ?, ?, ?, '', '')",
                    p, 8, NULL, &id) ||
            od_securitylog(c, PERM_CLAIM_HISTORY_EDIT, j->developer,
                           "Created", id, 0))
            return -1;
    }
    return 0;
}

/* ---- input --------------------------------------------------------------- */

static int opt_num(json_t *body, const char *name, long long *out, char *msg,
                   size_t msgsize)
{
    json_t *v = json_object_get(body, name);
    if (!v || json_is_null(v))
        return 0;
    if (json_is_integer(v))
        *out = (long long)json_integer_value(v);
    else if (!json_is_string(v) || od_parse_ll(json_string_value(v), out))
        *out = -1;
    if (*out < 0) {
        snprintf(msg, msgsize, "%s is invalid.", name);
        return -1;
    }
    return 0;
}

static int read_post(struct ejob *e, char *msg, size_t msgsize)
{
    json_t *v = json_object_get(e->body, "MessageText");
    if (!v || json_is_null(v) ||
        (json_is_string(v) && !*json_string_value(v))) {
        snprintf(msg, msgsize, "MessageText is required.");
        return -1;
    }
    if (!json_is_string(v)) {
        snprintf(msg, msgsize, "MessageText is invalid.");
        return -1;
    }
    e->text = json_string_value(v);
    if (od_ck_datetime(e->body, "DateTimeTrans", e->when, msg, msgsize) < 0 ||
        opt_num(e->body, "HqClearinghouseNum", &e->clearinghouse, msg,
                msgsize) ||
        opt_num(e->body, "UserNum", &e->user, msg, msgsize))
        return -1;
    return read_era(e, msg, msgsize);
}

static void h_post(odapi_request *req, void *arg)
{
    struct od_ck_job *j;
    struct ejob *e;
    char msg[160];
    (void)arg;
    if (!(j = od_ck_new_data(req, work_post, 1, sizeof *e, ejob_free)))
        return;
    e = j->data;
    if (!(e->body = od_ck_take_body(j))) /* the job's: freed with it */
        return;
    if (read_post(e, msg, sizeof msg)) {
        od_ck_reject(j, 400, msg);
        return;
    }
    /* 201 with no object and no Location (there is no GET of one etrans) */
    j->created = 1;
    j->no_body = 1;
    od_ck_submit(j);
}

/* What these routes take and answer, for GET /openapi.json
 * (engine/openapi-internal.h). */
static const struct od_opdoc etrans_docs[] = {
    {"POST", "/etrans",
     "Import an X12 message (etrans).",
     NULL,
     "MessageText:text!,DateTimeTrans:datetime,HqClearinghouseNum:int,UserNum:int",
     NULL,
     .perm = ODAPI_PERM_ALL_OTHERS, .handler = h_post},
};

OD_CK_ROUTES(od_register_etrans_actions, etrans_docs)
