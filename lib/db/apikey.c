/*
 * apikey.c - the apikey table, for the local validator: is a customer key
 * one of the table's CustApiKey values, and under which DevName.
 *
 * Open Dental's apikey table is "a copy from OD HQ" of the customer keys
 * the office pasted in, with the developer's name "exactly as they entered
 * it" (OpenDentBusiness/TableTypes/APIKey.cs). CustApiKey is a utf8
 * column with a case-insensitive collation that also ignores trailing
 * spaces, so the SQL comparison only narrows the rows: every candidate is
 * compared again here, byte for byte and in constant time
 * (docs/credentials.md).
 */
#include "db/db-internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NAME_MAX_BYTES 765 /* varchar(255) in utf8mb3 */

struct apikey_job {
    char key[OD_APIKEY_KEY_MAX + 1];
    char want[NAME_MAX_BYTES + 1];   /* DevName wanted; "" = any */
    od_apikey_done done;
    void *done_arg;
    int found;                       /* 1, 0, or -1 (not read) */
    char dev_name[128];
};

/* Read the candidate rows; 1 when one matches, 0 when none, -1 on error. */
static int scan_rows(struct od_conn *c, MYSQL_STMT *st, struct apikey_job *j)
{
    char cust[NAME_MAX_BYTES + 1], name[NAME_MAX_BYTES + 1];
    unsigned long clen = 0, nlen = 0;
    my_bool cnull = 0, nnull = 0;
    MYSQL_BIND r[2];
    size_t klen = strlen(j->key), wlen = strlen(j->want);
    int rc, hit = 0;

    memset(r, 0, sizeof r);
    r[0].buffer_type = MYSQL_TYPE_STRING;
    r[0].buffer = cust;
    r[0].buffer_length = sizeof cust;
    r[0].length = &clen;
    r[0].is_null = &cnull;
    r[1].buffer_type = MYSQL_TYPE_STRING;
    r[1].buffer = name;
    r[1].buffer_length = sizeof name;
    r[1].length = &nlen;
    r[1].is_null = &nnull;
    if (mysql_stmt_bind_result(st, r))
        return -1;
    while ((rc = mysql_stmt_fetch(st)) == 0 || rc == MYSQL_DATA_TRUNCATED) {
        size_t cl = cnull ? 0 : clen > sizeof cust ? sizeof cust : clen;
        size_t nl = nnull ? 0 : nlen > sizeof name ? sizeof name : nlen;
        int same_key = clen <= sizeof cust && od_ct_equal(cust, cl, j->key,
                                                          klen);
        int same_dev = !wlen || (nlen <= sizeof name &&
                                 od_ct_equal(name, nl, j->want, wlen));
        if (same_key && same_dev && !hit) {
            hit = 1;
            if (nl > sizeof j->dev_name - 1)
                nl = sizeof j->dev_name - 1;
            memcpy(j->dev_name, name, nl);
            j->dev_name[nl] = '\0';
        }
    }
    if (rc != MYSQL_NO_DATA) {
        od_conn_note_error(c, od_stmt_errno(st));
        return -1;
    }
    return hit;
}

static int apikey_work(struct od_conn *c, void *arg)
{
    static const char sql[] =
        "SELECT CustApiKey, DevName FROM apikey WHERE CustApiKey = ?";
    struct apikey_job *j = arg;
    MYSQL_STMT *st = od_conn_stmt(c, sql);
    unsigned long klen = (unsigned long)strlen(j->key);
    MYSQL_BIND p;

    j->found = -1;
    if (!st)
        return c->lost ? OD_WORK_RETRY : OD_WORK_DONE;
    memset(&p, 0, sizeof p);
    p.buffer_type = MYSQL_TYPE_STRING;
    p.buffer = j->key;
    p.buffer_length = klen;
    p.length = &klen;
    if (mysql_stmt_bind_param(st, &p) || mysql_stmt_execute(st)) {
        od_conn_note_error(c, od_stmt_errno(st));
        return c->lost ? OD_WORK_RETRY : OD_WORK_DONE;
    }
    j->found = scan_rows(c, st, j);
    mysql_stmt_free_result(st);
    mysql_stmt_reset(st);
    if (j->found < 0 && c->lost)
        return OD_WORK_RETRY; /* a read: safe to run again */
    return OD_WORK_DONE;
}

static void apikey_done(void *arg, int status)
{
    struct apikey_job *j = arg;
    int found = status == ODAPI_OK ? j->found : -1;
    j->done(j->done_arg, found, found > 0 ? j->dev_name : NULL);
    explicit_bzero(j->key, sizeof j->key);
    free(j);
}

int od_db_apikey_lookup(struct od_db *db, const char *key,
                        const char *dev_name, od_apikey_done done, void *arg)
{
    struct apikey_job *j;
    size_t klen = strlen(key), wlen = dev_name ? strlen(dev_name) : 0;
    int rc;
    if (!db)
        return ODAPI_E_STATE;
    if (klen > OD_APIKEY_KEY_MAX || wlen > NAME_MAX_BYTES)
        return ODAPI_E_INVALID;
    if (!(j = calloc(1, sizeof *j)))
        return ODAPI_E_NOMEM;
    memcpy(j->key, key, klen + 1);
    if (wlen)
        memcpy(j->want, dev_name, wlen + 1);
    j->done = done;
    j->done_arg = arg;
    rc = od_db_submit(db, apikey_work, apikey_done, j);
    if (rc != ODAPI_OK) {
        explicit_bzero(j->key, sizeof j->key);
        free(j);
    }
    return rc;
}
