/* replcheck.c - odservice --check-config on the read replicas
 * (replica-internal.h; docs/scale-out.md, "Checking the settings").
 *
 * Each replica is reached as the service would reach it and asked what the
 * monitor relies on: that it is another server than the primary, that it
 * replicates (a GTID position of its own), that it holds the same Open
 * Dental version, and how far behind the primary it is now. Nothing is
 * written anywhere. */
#include "db/replica-internal.h"
#include "db/mysql-api-internal.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#define POLL_MS 100

struct facts {
    char server_id[32];
    char read_only[8];
    char binlog[1024];   /* @@gtid_binlog_pos: what the server committed */
    char slave[1024];    /* @@gtid_slave_pos: what it replicated */
    char version[64];    /* DataBaseVersion */
};

static int read_facts(MYSQL *m, struct facts *f, char *err, size_t errlen)
{
    MYSQL_RES *res;
    MYSQL_ROW row;
    char *dst[5] = {f->server_id, f->read_only, f->binlog, f->slave,
                    f->version};
    size_t cap[5] = {sizeof f->server_id, sizeof f->read_only,
                     sizeof f->binlog, sizeof f->slave, sizeof f->version};
    int i, rc = -1;
    if (mysql_query(m, "SELECT @@server_id, @@read_only, @@gtid_binlog_pos, "
                       "@@gtid_slave_pos, (SELECT ValueString FROM preference "
                       "WHERE PrefName = 'DataBaseVersion')") == 0 &&
        (res = mysql_store_result(m))) {
        if ((row = mysql_fetch_row(res))) {
            for (i = 0; i < 5; i++)
                snprintf(dst[i], cap[i], "%s", row[i] ? row[i] : "");
            rc = 0;
        }
        mysql_free_result(res);
    }
    if (rc)
        snprintf(err, errlen, "%s", mysql_error(m));
    return rc;
}

static MYSQL *connect_and_read(const odapi_config *cfg, struct facts *f,
                               char *err, size_t errlen)
{
    MYSQL *m = od_db_connect_cfg(cfg, err, errlen);
    if (m && read_facts(m, f, err, errlen)) {
        mysql_close(m);
        m = NULL;
    }
    return m;
}

static void nap_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Wait (bounded) for the replica to cover the primary's position prim, read
 * before; the time it took, or -1 when it did not within limit_ms. */
static long catch_up_ms(MYSQL *m, const struct od_gtid_pos *prim,
                        long limit_ms)
{
    uint64_t t0 = od_now_ms();
    struct od_gtid_pos rep;
    struct facts f;
    char err[256];
    for (;;) {
        long took = (long)(od_now_ms() - t0);
        if (read_facts(m, &f, err, sizeof err))
            return -1;
        if (od_gtid_parse(f.slave, &rep) == 0 && od_gtid_covers(&rep, prim))
            return took;
        if (took >= limit_ms)
            return -1;
        nap_ms(POLL_MS);
    }
}

/* The findings on one replica whose facts r were read on m. */
static void judge(const struct od_logger *log, const char *name, MYSQL *m,
                  const struct facts *p, const struct facts *r,
                  const struct od_replica_cfg *c)
{
    struct od_gtid_pos prim;
    long took;
    if (strcmp(r->server_id, p->server_id) == 0) {
        od_log(log, ODAPI_LOG_ERROR, "read replica %s: has the primary's "
               "server_id %s: it is the primary itself, or a server with a "
               "duplicate server_id", name, r->server_id);
        return;
    }
    if (!r->slave[0]) {
        od_log(log, ODAPI_LOG_ERROR, "read replica %s: replicates nothing "
               "(@@gtid_slave_pos is empty): not a replica of the primary",
               name);
        return;
    }
    if (strcmp(r->version, p->version) != 0)
        od_log(log, ODAPI_LOG_ERROR, "read replica %s: DataBaseVersion '%s', "
               "the primary's is '%s': not a replica of this database",
               name, r->version, p->version);
    if (strcmp(r->read_only, "1") != 0)
        od_log(log, ODAPI_LOG_WARNING, "read replica %s: read_only is off: "
               "only the API's sessions there are read-only; set read_only=1 "
               "so that nothing but replication writes there", name);
    if (od_gtid_parse(p->binlog, &prim) != 0) {
        od_log(log, ODAPI_LOG_WARNING, "read replica %s: the primary's "
               "position '%.64s' cannot be read: lag not checked", name,
               p->binlog);
        return;
    }
    /* the primary's position was read before: the replica has it once it
     * applied everything committed up to then */
    took = catch_up_ms(m, &prim, c->max_lag_ms + 1000);
    if (took < 0)
        od_log(log, ODAPI_LOG_WARNING, "read replica %s: lacks changes the "
               "primary committed more than %ld ms ago (bound %ld ms): "
               "replication is stopped, slow or delayed, or the replica "
               "follows another primary; GETs go to the primary until it "
               "catches up", name, c->max_lag_ms + 1000, c->max_lag_ms);
    else
        od_log(log, ODAPI_LOG_INFO, "read replica %s: reachable, a replica "
               "of this database (read_only %s), lag at most %ld ms (bound "
               "%ld ms)", name, r->read_only, took + POLL_MS, c->max_lag_ms);
}

static void check_one(const odapi_config *cfg, const struct od_logger *log,
                      const struct facts *p, const struct od_replica_cfg *c)
{
    char name[300], err[512];
    struct facts r;
    MYSQL *m;
    odapi_config *rc = od_replica_config(cfg, c);
    od_replica_name(c, name, sizeof name);
    if (!rc) {
        od_log(log, ODAPI_LOG_ERROR, "read replica %s: out of memory", name);
        return;
    }
    memset(&r, 0, sizeof r);
    if (!(m = connect_and_read(rc, &r, err, sizeof err)))
        od_log(log, ODAPI_LOG_ERROR, "read replica %s: cannot be used: %s",
               name, err);
    else
        judge(log, name, m, p, &r, c);
    if (m)
        mysql_close(m);
    odapi_config_free(rc);
}

void od_replicas_check(const odapi_config *cfg, const struct od_logger *log)
{
    char err[512];
    struct facts p;
    MYSQL *m;
    int i;
    memset(&p, 0, sizeof p);
    if (!(m = connect_and_read(cfg, &p, err, sizeof err))) {
        od_log(log, ODAPI_LOG_ERROR, "read replicas not checked: the "
               "primary: %s", err);
        return;
    }
    mysql_close(m);
    if (!p.binlog[0])
        od_log(log, ODAPI_LOG_WARNING, "read replicas: the primary has no "
               "GTID position (@@gtid_binlog_pos is empty: binary log off, "
               "or nothing written yet); the lag of a replica is measured "
               "against it (docs/scale-out.md)");
    for (i = 0; i < cfg->nreplicas; i++)
        check_one(cfg, log, &p, &cfg->replicas[i]);
}
