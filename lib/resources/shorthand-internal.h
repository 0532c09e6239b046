/*
 * shorthand-internal.h - the short forms the descriptions of this folder
 * share (docs/resources.md "Writing a description"): the rows and member
 * groups that recur across tables, named once. Only the .c files of this
 * folder include it: the names are short because they are the vocabulary
 * of one folder, never of the engine or of an action.
 */
#ifndef ODAPI_RESOURCES_SHORTHAND_INTERNAL_H
#define ODAPI_RESOURCES_SHORTHAND_INTERNAL_H

#include "engine/describe-internal.h"

/* ---- od_resource members -------------------------------------------------- */

/* A pointer and its count from one array: OD_LIST(fields, fee_fields) is
 * .fields = fee_fields, .nfields = OD_N(fee_fields) (also filters,
 * sqldefaults, lookups, checks). */
#define OD_LIST(member, array) .member = (array), .n##member = OD_N(array)

/* The operation sets most resources serve. */
#define OD_OPS_GET (OD_OP_GET_ONE | OD_OP_GET_LIST)
#define OD_OPS_CRU (OD_OPS_GET | OD_OP_POST | OD_OP_PUT)
#define OD_OPS_CRUD (OD_OPS_CRU | OD_OP_DELETE)
/* ... the list and the writes, without GET one. */
#define OD_OPS_LIST_CRU (OD_OP_GET_LIST | OD_OP_POST | OD_OP_PUT)
#define OD_OPS_LIST_CRUD (OD_OPS_LIST_CRU | OD_OP_DELETE)

/* The securitylog rows a write leaves: noun names the row in their texts
 * ("Fee"), then the PermType of a POST, a PUT and a DELETE (0: that
 * operation leaves no row). */
#define SECLOG(noun, create, edit, delete_)                                  \
    .log_noun = noun, .perm_create = create, .perm_edit = edit,              \
    .perm_delete = delete_
/* ... one PermType for all three. */
#define SECLOG_ALL(noun, perm) SECLOG(noun, perm, perm, perm)

/* ---- fields (struct od_field) --------------------------------------------- */

/* The primary key. */
#define KEY(n) {.name = n, .wire = OD_W_INT, .flags = OD_F_RO | OD_F_KEY}
/* A column as it is, with flags. */
#define FLD(n, w, fl) {.name = n, .wire = w, .flags = fl}
/* ... with a POST default (wire form). */
#define DFL(n, w, fl, d) {.name = n, .wire = w, .flags = fl, .dflt = d}
/* A column never written from input. */
#define RO(n, w) {.name = n, .wire = w, .flags = OD_F_RO}
/* ... an enum column (e: a struct od_enum *). */
#define ROENUM(n, e) {.name = n, .wire = OD_W_ENUM, .enm = e, .flags = OD_F_RO}
/* Text, with an input limit in characters below the column's (0: the
 * column's). */
#define TXT(n, fl, max) {.name = n, .wire = OD_W_TEXT, .flags = fl,          \
                         .maxlen = max}
/* ... checked by fn (od_check_zip, od_check_state, ...). */
#define CHK(n, fl, max, fn) {.name = n, .wire = OD_W_TEXT, .flags = fl,      \
                             .maxlen = max, .check = fn}
/* An enum column with its POST default (NULL: the column's). */
#define ENM(n, e, fl, d) {.name = n, .wire = OD_W_ENUM, .enm = e,            \
                          .flags = fl, .dflt = d}
/* A key of another table: sql_ (one ?) must find the row. */
#define FKEY(n, fl, sql_) {.name = n, .wire = OD_W_INT, .flags = fl,         \
                          .fk = sql_}
/* The patient a row belongs to: given on POST, never moved by a PUT (with
 * .patnum_col = "PatNum" a POST naming a PatNum no patient has is 404
 * "Patient not found."). */
#define PATNUM_OWNER FLD("PatNum", OD_W_INT, OD_F_REQ | OD_F_NOPUT)
/* A read-only value computed by SQL (often from a join). */
#define EXPR(n, e, w) {.name = n, .expr = e, .wire = w, .flags = OD_F_RO}
/* ... a text one: the derived lower-case companions ("provAbbr"). */
#define DERIVED(n, e) EXPR(n, e, OD_W_TEXT)
/* ... the ItemName of the definition the description's joins name alias
 * ("LEFT JOIN definition cf ON cf.DefNum = t.Confirmed"), '' for none: the
 * companion of a DefNum column ("confirmed" beside Confirmed). */
#define DEFNAME(n, alias) DERIVED(n, "COALESCE(" alias ".ItemName, '')")
/* ... the text column n of the row joined as alias, '' when there is
 * none (patientnote, ehrpatient rows made only once used). */
#define JOINED_TEXT(alias, n) DERIVED(n, "COALESCE(" alias "." n ", '')")
/* DateTStamp / SecDateTEdit: the database sets it on every change. */
#define STAMP(n) {.name = n, .wire = OD_W_DATETIME,                          \
                  .flags = OD_F_RO | OD_F_STAMP}
/* The time a row was made (w: its date or datetime): NOW() on insert,
 * never written from input. */
#define NOW_ON_INSERT(n, w) {.name = n, .wire = w, .flags = OD_F_RO | OD_F_NOW}
/* ... Open Dental's SecDateEntry. */
#define SECDATEENTRY NOW_ON_INSERT("SecDateEntry", OD_W_DATE)
/* The user who made the row: never written from input. */
#define SECUSERNUMENTRY RO("SecUserNumEntry", OD_W_INT)
/* The group of Open Dental's Sec* columns in this order: who made the row,
 * the day it was made, when it last changed. */
#define SEC_ENTRY_EDIT SECUSERNUMENTRY, SECDATEENTRY, STAMP("SecDateTEdit")
/* The database's time now, in GET answers only. */
#define SERVERTIME {.name = "serverDateTime", .wire = OD_W_SERVERTIME,       \
                    .flags = OD_F_RO | OD_F_GETONLY}

/* ---- filters (struct od_filter) ------------------------------------------- */

/* ?n=<value> matches the column of the same name. */
#define EQF(n, w) {.param = "" n, .cond = "t." n " = ?", .wire = w}
#define INTF(n) EQF(n, OD_W_INT)
/* ... a required one. */
#define REQ_INTF(n) {.param = "" n, .cond = "t." n " = ?", .wire = OD_W_INT, \
                     .flags = OD_Q_REQ}
/* ?n=<text>: the column n starts with it; contains it. */
#define STARTSF(n) {.param = "" n, .cond = "t." n " LIKE CONCAT(?, '%')",    \
                    .wire = OD_W_TEXT}
#define CONTAINSF(n)                                                         \
    {.param = "" n, .cond = "t." n " LIKE CONCAT('%', ?, '%')",              \
     .wire = OD_W_TEXT}
/* ... an enum's name (e: a struct od_enum *). */
#define ENUMF(n, e) {.param = "" n, .cond = "t." n " = ?", .wire = OD_W_ENUM, \
                     .enm = e}
/* ?n=<datetime>: rows whose column n is at or after it (DateTStamp,
 * SecDateTEdit: what changed since). */
#define SINCEF(n) {.param = "" n, .cond = "t." n " >= ?",                    \
                   .wire = OD_W_DATETIME}
/* ?date=, ?dateStart=, ?dateEnd= (dates) on the datetime column col: that
 * day, from that day, up to and with that day. */
#define DATESF(col)                                                          \
    {.param = "date",                                                        \
     .cond = "t." col " >= ? AND t." col " < ? + INTERVAL 1 DAY",            \
     .wire = OD_W_DATE, .nbind = 2},                                         \
    {.param = "dateStart", .cond = "t." col " >= ?", .wire = OD_W_DATE},     \
    {.param = "dateEnd", .cond = "t." col " < ? + INTERVAL 1 DAY",           \
     .wire = OD_W_DATE}

/* ---- existence checks (od_field.fk) and lookups ------------------------- */

#define FK_PAT "SELECT 1 FROM patient WHERE PatNum = ?"
#define FK_PROV "SELECT 1 FROM provider WHERE ProvNum = ?"
#define FK_CLINIC "SELECT 1 FROM clinic WHERE ClinicNum = ?"
#define FK_APPT "SELECT 1 FROM appointment WHERE AptNum = ?"
#define FK_PROC "SELECT 1 FROM procedurelog WHERE ProcNum = ?"
#define FK_CODE "SELECT 1 FROM procedurecode WHERE CodeNum = ?"
#define FK_FEESCHED "SELECT 1 FROM feesched WHERE FeeSchedNum = ?"
/* A definition of category cat (Open Dental's enum DefCat). */
#define FK_DEF(cat) "SELECT 1 FROM definition WHERE DefNum = ? AND "         \
                    "Category = " #cat
/* The DefNum of a definition of category cat named ? (a lookup's sql):
 * a shown one before a hidden one, then by ItemOrder. */
#define DEF_BY_NAME(cat) "SELECT DefNum FROM definition WHERE Category = "   \
                         #cat " AND ItemName = ? ORDER BY IsHidden, "        \
                         "ItemOrder LIMIT 1"

/* ---- POST defaults (struct od_sqldefault) --------------------------------- */

/* field_ from the preference named pref (its ValueString). */
#define PREF_DEFAULT(field_, pref)                                           \
    {.field = field_, .sql = "SELECT ValueString FROM preference WHERE "     \
                             "PrefName = '" pref "'"}
/* ClinicNum: the clinic of the row's patient. */
#define PATIENT_CLINIC_DEFAULT                                               \
    {.field = "ClinicNum",                                                   \
     .sql = "SELECT ClinicNum FROM patient WHERE PatNum = ?",                \
     .param = "PatNum"}

/* ---- rules (struct od_check) ---------------------------------------------- */

/* A rule whose refusal is 400 msg_: on ops_, when sql_ (params_ bound to
 * its ?s in order, see struct od_check) finds a row. */
#define RULE(ops_, sql_, params_, msg_)                                      \
    {.ops = ops_, .sql = sql_, .params = params_, .status = 400, .msg = msg_}
/* ... on the values given alone, no table read: when cond holds. */
#define VALUE_RULE(ops_, cond, params_, msg_)                                \
    RULE(ops_, "SELECT 1 FROM DUAL WHERE " cond, params_, msg_)
/* ... on one field: 400 "<name_> is invalid.". */
#define INVALID_IF(ops_, cond, name_)                                        \
    VALUE_RULE(ops_, cond, name_, name_ " is invalid.")
/* ... a key that must name a row: 0 passes od_field.fk, so refuse it. */
#define ZERO_INVALID(ops_, name_) INVALID_IF(ops_, "? = 0", name_)
/* ... an int outside [lo, hi]. */
#define OUT_OF_RANGE(ops_, name_, lo, hi)                                    \
    INVALID_IF(ops_, "? NOT BETWEEN " #lo " AND " #hi, name_)

/* A rule on the row a PUT or DELETE names: when sql_ (its one ? the
 * row's key) finds a row, 400 msg_. */
#define ROW_RULE(ops_, sql_, msg_) RULE(ops_, sql_, "@key", msg_)
/* ... when the row of table whose column pk is the key matches cond. */
#define ROW_IF(ops_, table, pk, cond, msg_)                                  \
    ROW_RULE(ops_, "SELECT 1 FROM " table " WHERE " pk " = ? AND " cond,     \
             msg_)

/* On ops_ the value of field col must name a row of table (by its column
 * col), else status_ with msg_. Unlike od_field.fk, 0 is no exception. */
#define MUST_EXIST(ops_, table, col, status_, msg_)                          \
    {.ops = ops_,                                                            \
     .sql = "SELECT 1 FROM DUAL WHERE NOT EXISTS (SELECT 1 FROM " table      \
            " WHERE " col " = ?)",                                           \
     .params = col, .status = status_, .msg = msg_}
#define POST_EXISTS(table, col, status_, msg_)                               \
    MUST_EXIST(OD_OP_POST, table, col, status_, msg_)
/* ... the row the new one belongs to: 404 "<noun> not found.". */
#define POST_FOUND(table, col, noun) POST_EXISTS(table, col, 404,            \
                                                 noun " not found.")
/* ... a row the new one names: 400 "<col> is invalid.". */
#define POST_VALID(table, col) POST_EXISTS(table, col, 400, col " is invalid.")

/* On POST no row of table may have the value of field col already, else
 * 400 msg_. */
#define POST_UNIQUE(table, col, msg_)                                        \
    RULE(OD_OP_POST, "SELECT 1 FROM " table " WHERE " col " = ?", col, msg_)
/* ... nor the pair of values of fields a and b. */
#define POST_UNIQUE2(table, a, b, msg_)                                      \
    RULE(OD_OP_POST,                                                         \
         "SELECT 1 FROM " table " WHERE " a " = ? AND " b " = ?", a "," b,   \
         msg_)

/* ---- enums ---------------------------------------------------------------- */

/* A file's own enum var, label its name in messages, values from 0. */
#define ENUM_TABLE(var, label, ...)                                          \
    static const char *const var##_names[] = {__VA_ARGS__};                  \
    static const struct od_enum var = {label, 0, OD_N(var##_names), var##_names}

#endif /* ODAPI_RESOURCES_SHORTHAND_INTERNAL_H */
