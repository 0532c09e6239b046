/* health.c - GET /api/v1/: a small status object that needs no key. Our
 * addition; the real API has no such route (docs/http.md). */
#include "server-internal.h"
#include "db-internal.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

char *od_health_json(odapi_server *srv, size_t *len)
{
    char now[32];
    time_t t = time(NULL);
    struct tm tm;
    json_t *o;
    char *s;
    const char *dbstate = "none";

    localtime_r(&t, &tm);
    strftime(now, sizeof now, "%Y-%m-%d %H:%M:%S", &tm);
    if (srv->db)
        dbstate = od_db_is_up(srv->db) ? "up" : "down";
    o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:I}",
                  "service", "libodapi",
                  "mode", srv->cfg->mode == ODAPI_MODE_LOCAL ? "Local API"
                                                             : "API Service",
                  "version", odapi_version(),
                  "database", dbstate,
                  "databaseBackend", srv->db ? od_db_backend(srv->db) : "none",
                  "dataBaseVersion", srv->db ? od_db_version(srv->db) : "",
                  "serverDateTime", now,
                  "uptimeSeconds",
                  (json_int_t)((od_now_ms() - srv->started_ms) / 1000),
                  "requests", (json_int_t)srv->requests);
    if (!o)
        return NULL;
    s = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    if (s && len)
        *len = strlen(s);
    return s;
}
