/* tx.c - the transaction frame of a write (db-internal.h):
 * begin, commit or roll back, and the answer for a failure, which depends
 * on whether anything may have been committed. */
#include "db/db-internal.h"
#include "db/mysql-api-internal.h"

#include <stdio.h>

int od_tx_begin(struct od_conn *c)
{
    if (mysql_query(c->m, "START TRANSACTION") == 0)
        return 0;
    od_conn_note_error(c, mysql_errno(c->m));
    return -1;
}

int od_tx_end(struct od_conn *c, int rc)
{
    if (rc == 0 && od_conn_commit(c) == 0)
        return 0;
    if (!c->lost)
        mysql_query(c->m, "ROLLBACK");
    return -1;
}

const char *od_conn_retry_msg(const struct od_conn *c)
{
    /* a lock wait that timed out, or a transaction the server chose to
     * abort: a deadlock, or Galera's certification of a write that another
     * node committed first */
    return c->last_errno == ER_LOCK_DEADLOCK ? OD_MSG_CONFLICT : OD_MSG_LOCKED;
}

int od_tx_failed(struct od_conn *c, int *status, char *msg, size_t msgsize)
{
    if (c->commit_unknown) { /* must not run again, must not say 503 */
        *status = 500;
        snprintf(msg, msgsize, "%s", OD_MSG_COMMIT_UNKNOWN);
        return OD_WORK_DONE;
    }
    if (od_conn_lock_timeout(c)) { /* rolled back: safe to send again */
        *status = 503;
        snprintf(msg, msgsize, "%s", od_conn_retry_msg(c));
        return OD_WORK_DONE;
    }
    if (c->lost) {
        snprintf(msg, msgsize, "The database is not available.");
        *status = 0;
        return OD_WORK_RETRY; /* nothing was committed */
    }
    if (!*status) {
        *status = 500;
        snprintf(msg, msgsize, "The database refused the change.");
    }
    return OD_WORK_DONE;
}
