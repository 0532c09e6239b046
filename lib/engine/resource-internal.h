/*
 * resource-internal.h - resources as data (design.md "Resources are data").
 *
 * A resource is a table of fields (wire name, SQL expression, wire type,
 * enum, flags) plus its filters and operations. Generic code (resource.c)
 * turns a description into prepared statements (one SELECT with joins per
 * GET), validates input against it, and writes JSON in field order.
 */
#ifndef ODAPI_RESOURCE_INTERNAL_H
#define ODAPI_RESOURCE_INTERNAL_H

#include "http/server-internal.h"
#include "db/db-internal.h"

#include <string.h>

struct json_t;

/* ---- wire types ---------------------------------------------------------- */

enum od_wire {
    OD_W_INT = 1,    /* JSON number */
    OD_W_INT_STR,    /* number written as a string ("ScheduleNum":"24") */
    OD_W_TEXT,       /* string */
    OD_W_ENUM,       /* int column, written as the enum's name */
    OD_W_BOOL,       /* tinyint, "true"/"false" */
    OD_W_DATE,       /* "yyyy-MM-dd", blank "0001-01-01" */
    OD_W_DATETIME,   /* "yyyy-MM-dd HH:mm:ss" */
    OD_W_TIME,       /* "HH:mm:ss" */
    OD_W_MONEY,      /* double, written as a string with 2 decimals */
    OD_W_MONEY_RAW,  /* double, written as a string, shortest form */
    OD_W_NUMBER,     /* double, JSON number */
    OD_W_COLOR,      /* int ARGB, "R,G,B" */
    OD_W_SERVERTIME, /* serverDateTime: the database's NOW() */
    OD_W_INTLIST     /* comma list of ints, written as a JSON array */
};

struct od_enum {
    const char *name;          /* for messages */
    int first;                 /* value of names[0] */
    int count;
    const char *const *names;  /* wire names; NULL entries are gaps */
};

/* field flags */
#define OD_F_RO 0x01        /* never written from input (derived, keys) */
#define OD_F_REQ 0x02       /* required on POST */
#define OD_F_NOPOST 0x04    /* not accepted on POST */
#define OD_F_NOPUT 0x08     /* not accepted on PUT */
#define OD_F_KEY 0x10       /* the primary key */
#define OD_F_NOCLEAR 0x20   /* PUT: "" is not allowed (LName, FName) */
#define OD_F_GETONLY 0x40   /* only in GET answers (serverDateTime) */
#define OD_F_NOW 0x80       /* set to NOW() on insert (SecDateEntry...) */
#define OD_F_STAMP 0x100    /* DateTStamp/SecDateTEdit: the database sets it */
#define OD_F_NUMTEXT 0x200  /* text that may also come as a JSON integer,
                               read as its decimal digits: Open Dental's own
                               examples send "ToothNum": 32. Other text
                               fields take JSON strings only. */

struct od_field {
    const char *name;          /* wire name */
    const char *expr;          /* SQL select expression; NULL: t.<col> */
    enum od_wire wire;
    const struct od_enum *enm;
    unsigned flags;
    const char *dflt;          /* POST default, wire form; NULL: column's */
    int maxlen;                /* text input: a limit in characters the
                                  API documents below the column's; 0:
                                  the column's (length, charset: the
                                  catalog, read from the database) */
    int defcat;                /* input: ItemName of this definition
                                  category -> DefNum (BillingType) */
    const char *col;           /* column written; NULL: name */
    int (*check)(const char *s); /* text input: 1 when valid */
    const char *fk;            /* input: SQL with one ? that must return a
                                  row, else "X is invalid." (0 is allowed) */
};

/* Input checks for od_field.check (checks.c). */
int od_check_zip(const char *s);
int od_check_ssn(const char *s);
int od_check_state(const char *s);
int od_check_pattern(const char *s);

#define OD_COL(f) ((f)->col ? (f)->col : (f)->name)

/* filter flags */
#define OD_Q_REQ 0x01         /* required parameter */
#define OD_Q_DEVELOPER 0x02   /* the value is the request's developer name,
                                 never a query parameter; always applied */

struct od_filter {
    const char *param;         /* query parameter */
    const char *cond;          /* SQL with ?s, e.g. "t.PatNum = ?" */
    enum od_wire wire;         /* how to read the value */
    const struct od_enum *enm;
    unsigned flags;
    int nbind;                 /* how many ? the value fills (0: 1) */
    const char *dflt;          /* value used when absent (always applied) */
    const char *dflt_unless;   /* comma list of parameters: when one of them
                                  is given, dflt is not applied */
};

/* A POST default computed by the database: when field is not given, run
 * sql (one ? bound to the value of param, if param is set) and use the
 * first column of the first row (nothing when no row). param may be a
 * comma list of field names, bound in order; the default is skipped when
 * one of them has no value. */
struct od_sqldefault {
    const char *field;
    const char *sql;
    const char *param;
};

/* The sql of a default that is the database's time now: it is not asked
 * for in a statement of its own but written as NOW() into the INSERT (the
 * same transaction, one round trip less a POST). */
#define OD_SQLDEFAULT_NOW "SELECT DATE_FORMAT(NOW(), '%Y-%m-%d %H:%i:%s')"

/* An input that names a row instead of giving its key ("procCode" for
 * CodeNum, "priority" for Priority): when the body has input (a string),
 * sql (one ? = that string) gives the value written to field target, and
 * no row is 400 "{input} is invalid.". Giving both input and target is 400
 * "Only one of {target} or {input} may be given.". With OD_LK_REQ a POST
 * must give one of them: 400 "{input} or {target} is required.". When
 * input and target are the same (read-only) field, sql converts the
 * given text to the stored value ("6m" -> an Interval int) and the "only
 * one of" rule does not apply. */
#define OD_LK_REQ 0x01

struct od_lookup {
    const char *input;
    const char *target;
    const char *sql;
    unsigned flags;
    /* When sql finds no row: this INSERT (one ? = the input) makes one and
     * its new key is the value ("handles insertion of AllergyDef
     * automatically"); the input is checked against create_col
     * ("table.column") as any text written. NULL: no row is a 400. */
    const char *create;
    const char *create_col;
};

/* A rule checked inside a write's transaction, after lookups and defaults,
 * just before the change: sql is run with params (a comma list of field
 * names bound in order; "@key" is the row's key; a name written "?Name"
 * binds NULL when absent, any other absent name skips the rule) and any
 * row back fails the request with status and msg. ops: OD_OP_POST,
 * OD_OP_PUT and/or OD_OP_DELETE. */
struct od_check {
    unsigned ops;
    const char *sql;
    const char *params;
    int status;
    const char *msg;
};

/* operations */
#define OD_OP_GET_ONE 0x01
#define OD_OP_GET_LIST 0x02
#define OD_OP_POST 0x04
#define OD_OP_PUT 0x08
#define OD_OP_DELETE 0x10

/* od_resource.list_single */
#define OD_SINGLE_OR_EMPTY 2

/* where serverDateTime goes */
#define OD_ST_NONE 0
#define OD_ST_FIRST 1     /* first key of list elements and single GETs */

struct od_resource {
    const char *name;          /* "patients" */
    const char *table;         /* "patient" */
    const char *pk;            /* "PatNum" */
    const char *joins;         /* LEFT JOINs the derived fields use */
    const struct od_field *fields;
    int nfields;
    const struct od_filter *filters;
    int nfilters;
    const char *order;         /* ORDER BY; NULL: t.<pk> */
    unsigned ops;
    const char *list_action;   /* GET list lives at /name/Action */
    odapi_permission write_perm;
    const char *missing;       /* "Patient not found." */
    int server_time;           /* OD_ST_* */
    int strict_params;         /* unknown query parameters: 400 */
    int perm_create, perm_edit, perm_delete; /* securitylog PermType */
    const char *log_noun;      /* "Patient" in log texts */
    const char *patnum_col;    /* column holding the PatNum, for the log */
    const char *base_where;    /* always-on condition, e.g. hidden rows */
    const struct od_sqldefault *sqldefaults;
    int nsqldefaults;
    const char *after_insert;  /* SQL run after INSERT, each ? = new key */
    const struct od_lookup *lookups;
    int nlookups;
    const struct od_check *checks;
    int nchecks;
    const char *delete_sql;    /* DELETE runs this instead (one ? = key),
                                  e.g. a soft delete */
    int list_single;           /* GET list answers its first row as one
                                  object; none: 404 missing, or with
                                  OD_SINGLE_OR_EMPTY 200 [] (spec 3.4) */
    const char *list_patient;  /* a filter naming a patient: a GET list
                                  with no rows for a PatNum no patient has
                                  is 404 "Patient not found." */
    const char *upsert_keys;   /* comma list of fields: PUT /name (no key)
                                  updates the row they match, else inserts
                                  it (POST rules); 200 + the row */
    const char *before_put;    /* SQL run first in a PUT's transaction, each
                                  ? = the key: makes a row the PUT needs
                                  (patientnote rows exist only once used) */
    /* Hand-written work in a POST's transaction, after the INSERT and
     * after_insert, before the securitylog row: key is the new row's key,
     * body the request's JSON object (for inputs that are not fields,
     * such as payments' isPrepayment). 0, or -1: with *status and msg set
     * for a refusal, else a database error; either way the POST is
     * rolled back. */
    int (*post_fn)(struct od_conn *c, long long key,
                   const struct json_t *body, int *status, char *msg,
                   size_t msgsize);
};

/* ---- a resource in the attached database (view.c) ------------------------
 * What this database's Open Dental version can serve of a description:
 * per field, filter, lookup, check and POST default whether the columns
 * it needs exist, and the statements built from those only. Computed once
 * per (database, resource) from the catalog, without a round trip, and
 * kept in the catalog's memo; read-only afterwards. */
enum od_absence_kind {
    OD_ABS_RESOURCE, /* the table (or key, or base_where) is missing */
    OD_ABS_FIELD,    /* left out of answers, refused in bodies */
    OD_ABS_FILTER,   /* a query parameter: refused when given */
    OD_ABS_LOOKUP,   /* an input naming a row: refused when given */
    OD_ABS_CHECK,    /* a rule: not checked */
    OD_ABS_DEFAULT,  /* a POST default from the database: not applied */
    OD_ABS_FK,       /* a field's "X is invalid." check: not made */
    OD_ABS_STMT,     /* after_insert/before_put: skipped */
    OD_ABS_DELETE,   /* delete_sql: DELETE refused */
    OD_ABS_UPSERT    /* upsert_keys: PUT /name refused */
};

struct od_absence {
    int kind;             /* enum od_absence_kind */
    int idx;              /* index into fields/filters/... */
    char what[200];       /* the field, parameter or rule */
    char why[96];         /* "codegroup.ShowInFrequency", or a table */
};

struct od_column;
struct od_catalog;

struct od_rview {
    const struct od_resource *r;
    int unavailable;            /* OD_ABS_RESOURCE */
    unsigned char *field;       /* per field: 1 when served */
    const struct od_column **col; /* per field: its column (text checks) */
    unsigned char *fk, *filter, *lookup, *check, *sqldefault;
    int after_insert, before_put, delete_ok, upsert_ok, list_ok;
    const char *order;          /* r->order, or NULL: by the key */
    const char *patnum_col;     /* r->patnum_col if the column exists */
    char *joins;                /* the joins it can run ("" or " LEFT ...") */
    char *sql;                  /* "SELECT ... FROM `t` t joins WHERE key" */
    size_t head_len;            /* sql up to " FROM" */
    size_t select_len;          /* sql up to " WHERE" */
    int ncols;                  /* select-list fields (no serverDateTime) */
    struct od_absence *absent_list;
    int nabsent, capabsent;
};

/* The view of r in the database cat describes; NULL when out of memory. */
const struct od_rview *od_view(struct od_catalog *cat,
                               const struct od_resource *r);

/* odapi_server_prepare_database's look at the attached database
 * (dbcheck.c, an od_db_inspect_fn; arg is the server's od_logger): its
 * Open Dental version, what it lacks and which routes that changes, the
 * user's privileges, tables without transactions. One log line each;
 * errors for what stops the service. */
int od_schema_inspect(MYSQL *m, struct od_catalog *cat, const char *version,
                      void *arg);

/* ---- the engine (resource.c) --------------------------------------------- */

/* Register GET/POST/PUT/DELETE routes for a resource. */
void od_resource_register(odapi_server *srv, const struct od_resource *r);

/* A hand-written write's transaction (worker thread):
 *   if (od_tx_begin(c) != 0)
 *       return od_tx_failed(c, &j->status, j->msg, sizeof j->msg);
 *   rc = the work (0 or -1, having set j->status/j->msg on a refusal);
 *   if (od_tx_end(c, rc) == 0) { committed: read the row back; DONE }
 *   return od_tx_failed(c, &j->status, j->msg, sizeof j->msg);
 * od_tx_end commits when rc is 0 (0 on success) and otherwise rolls back
 * (-1). od_tx_failed answers for a failure: OD_WORK_RETRY when the
 * connection was lost (nothing was committed; the job runs again on a new
 * connection), else OD_WORK_DONE with a 500 unless the work set a status. */
int od_tx_begin(struct od_conn *c);
int od_tx_end(struct od_conn *c, int rc);
int od_tx_failed(struct od_conn *c, int *status, char *msg, size_t msgsize);

/* One securitylog row: PermType perm, LogText "{verb} by {developer}
 * through API.", LogSource API. For hand-written writes inside their own
 * transaction; 0, or -1 after od_conn_note_error. */
int od_securitylog(struct od_conn *c, int perm, const char *developer,
                   const char *verb, long long fkey, long long patnum);

/* The hand-written appointment actions: Break, Note, Confirm, Slots
 * (actions/appointments.c). */
void od_register_actions(odapi_server *srv);

/* Every described resource (res_*.c), NULL-terminated. */
extern const struct od_resource *const od_resources[];
/* The checks a POST (put 0) or PUT (put 1) body gets before any database
 * work (fuzz/body.c): 0 when it would go on to the database, -1 with the
 * 400 sentence in msg. */
int od_resource_check_body(const struct od_resource *r, int put,
                           const char *text, size_t len, char *msg,
                           size_t msgsize);

/* Enum tables (enums.c). */
extern const struct od_enum od_enum_patstatus, od_enum_gender,
    od_enum_position, od_enum_contact, od_enum_yn, od_enum_aptstatus,
    od_enum_aptpriority, od_enum_procstat, od_enum_placeservice,
    od_enum_treatarea, od_enum_commmode, od_enum_sentrecv,
    od_enum_commsource, od_enum_processstat, od_enum_ccsource,
    od_enum_provstatus, od_enum_schedtype, od_enum_defcat,
    od_enum_claimprocstatus;

/* name -> value (case-insensitive); -1 when unknown. */
int od_enum_value(const struct od_enum *e, const char *name);
/* value -> name; NULL when out of range. */
const char *od_enum_name(const struct od_enum *e, long v);

/* ---- a growable output buffer (jsonbuf.c) --------------------------------- */

struct od_buf {
    char *p;
    size_t len, cap;
    int oom;
};

void od_buf_init(struct od_buf *b);
void od_buf_free(struct od_buf *b);
/* Room for need more bytes and the NUL: 0, or -1 (and b->oom) when out of
 * memory. The slow half of od_buf_reserve. */
int od_buf_grow(struct od_buf *b, size_t need);
void od_buf_adds(struct od_buf *b, const char *s);
void od_buf_printf(struct od_buf *b, const char *fmt, ...) OD_PRINTF(2, 3);
/* A JSON string literal; CR and LF become spaces when crlf_spaces. */
void od_buf_json_str(struct od_buf *b, const char *s, size_t n,
                     int crlf_spaces);
/* v in decimal, as printf's %lld writes it. */
void od_buf_add_ll(struct od_buf *b, long long v);

/* The per-byte calls of the row writer, inline: a 1000-row page makes
 * hundreds of thousands of them. */
static inline int od_buf_reserve(struct od_buf *b, size_t need)
{
    if (!b->oom && b->len + need + 1 <= b->cap)
        return 0;
    return od_buf_grow(b, need);
}

static inline void od_buf_add(struct od_buf *b, const char *s, size_t n)
{
    if (od_buf_reserve(b, n))
        return;
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static inline void od_buf_addc(struct od_buf *b, char c)
{
    if (od_buf_reserve(b, 1))
        return;
    b->p[b->len++] = c;
    b->p[b->len] = '\0';
}

/* ---- rows for other modules (resource.c) -------------------------------- */

/* Rows of r in its GET list shape (a JSON array into out, serverDateTime
 * included) for a caller of its own such as the events engine, on a
 * worker's connection: the resource's SELECT (r->base_where not applied)
 * with " WHERE {where} ORDER BY {order} LIMIT {limit}". where and order are
 * the library's own SQL over alias t, never request text; their ?s are
 * bound to the strings params, in order. Returns the row count, or -1 with
 * a sentence in err (c->lost then tells a lost connection). */
int od_resource_rows_json(struct od_conn *c, const struct od_resource *r,
                          const char *where, const char *order,
                          const char *const *params, int nparams, long limit,
                          struct od_buf *out, char *err, size_t errlen);

#endif /* ODAPI_RESOURCE_INTERNAL_H */
