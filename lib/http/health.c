/* health.c - GET /api/v1/: a small status object that needs no key. Our
 * addition; the real API has no such route (docs/http.md). Written with
 * one snprintf, not jansson: it is the cheapest route and the one load
 * balancers poll, so its cost is the server's fixed per-request cost. */
#include "http/server-internal.h"
#include "db/db-internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* s as the inside of a JSON string; truncated to fit. */
static void json_inner(char *out, size_t cap, const char *s)
{
    size_t n = 0;
    for (; *s && n + 7 < cap; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            out[n++] = '\\';
            out[n++] = (char)c;
        } else if (c < 0x20 || c == 0x7f) {
            n += (size_t)snprintf(out + n, cap - n, "\\u%04x", c);
        } else {
            out[n++] = (char)c;
        }
    }
    out[n] = '\0';
}

char *od_health_json(odapi_server *srv, size_t *len)
{
    /* the local time string changes once a second */
    static __thread time_t last = (time_t)-1;
    static __thread char now[32];
    time_t t = time(NULL);
    const char *dbstate = "none", *pool = "none";
    struct od_db_stats st = {0};
    char dbv[160], why[400], reps[2048];
    char *s;
    int n;

    if (t != last) {
        struct tm tm;
        localtime_r(&t, &tm);
        strftime(now, sizeof now, "%Y-%m-%d %H:%M:%S", &tm);
        last = t;
    }
    if (srv->db) {
        dbstate = od_db_is_up(srv->db) ? "up" : "down";
        od_db_stats(srv->db, &st);
        /* Jobs wait while every worker is busy, or while the long jobs
         * (writes, Queries) have all the workers they may have. */
        if (st.queued > 0 && (st.busy >= st.workers ||
                              st.long_running >= st.long_cap))
            pool = "saturated";
        else
            pool = "ok";
    }
    json_inner(dbv, sizeof dbv, srv->db ? od_db_version(srv->db) : "");
    json_inner(why, sizeof why, srv->events_reason);
    /* "replicas" only where some are configured (docs/scale-out.md) */
    static const char rkey[] = ",\"replicas\":";
    if (od_db_replicas_json(srv->db, reps + sizeof rkey - 1,
                            sizeof reps - sizeof rkey + 1))
        memcpy(reps, rkey, sizeof rkey - 1);
    else
        reps[0] = '\0';
    n = asprintf(&s,
                 "{\"service\":\"libodapi\",\"mode\":\"%s\",\"version\":\"%s\","
                 "\"database\":\"%s\",\"databaseBackend\":\"%s\","
                 "\"dataBaseVersion\":\"%s\",\"databasePool\":\"%s\","
                 "\"databaseWorkers\":%ld,\"databaseBusy\":%ld,"
                 "\"databaseQueued\":%ld,\"serverDateTime\":\"%s\","
                 "\"uptimeSeconds\":%llu,\"requests\":%llu,"
                 "\"events\":\"%s\",\"eventsReason\":\"%s\"%s}",
                 srv->cfg->mode == ODAPI_MODE_LOCAL ? "Local API" : "API Service",
                 odapi_version(), dbstate,
                 srv->db ? od_db_backend(srv->db) : "none", dbv, pool,
                 st.workers, st.busy, st.queued, now,
                 (unsigned long long)((od_now_ms() - srv->started_ms) / 1000),
                 (unsigned long long)srv->requests,
                 srv->events_state ? srv->events_state : "off", why, reps);
    if (n < 0)
        return NULL;
    if (len)
        *len = (size_t)n;
    return s;
}
