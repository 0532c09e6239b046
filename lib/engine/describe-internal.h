/*
 * describe-internal.h - the vocabulary of resource descriptions (the files
 * of lib/resources/, data only): a resource is a table of fields (wire
 * name, SQL expression, wire type, enum, flags) plus its filters and
 * operations. The engine (resource-internal.h) turns a description into
 * prepared statements (one SELECT with joins per GET), validates input
 * against it, and writes JSON in field order. Descriptions are built with
 * designated initialisers only, so a member can be added to any of these
 * structs anywhere without touching them.
 */
#ifndef ODAPI_DESCRIBE_INTERNAL_H
#define ODAPI_DESCRIBE_INTERNAL_H

#include "core/odapi-internal.h"

struct json_t;
struct od_conn;

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
                                  OD_SINGLE_OR_EMPTY 200 []
                                  (apiimplementation.html) */
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

#endif /* ODAPI_DESCRIBE_INTERNAL_H */
