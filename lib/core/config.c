/* config.c - the configuration builder and the mode presets. */
#include "core/odapi-internal.h"
#include "core/pin-internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

static const long default_limits[OD_LIMIT_COUNT] = {
    [ODAPI_LIMIT_MAX_BODY] = 32L * 1024 * 1024, /* real API: 16.8 M chars */
    [ODAPI_LIMIT_MAX_HEADERS] = 16 * 1024,
    [ODAPI_LIMIT_TIMEOUT] = 30,
    [ODAPI_LIMIT_MAX_CONNECTIONS] = 4096,
    [ODAPI_LIMIT_DB_POOL] = 4,
    [ODAPI_LIMIT_DB_QUEUE] = 1024,
    [ODAPI_LIMIT_DRAIN_MS] = 10000,
    [ODAPI_LIMIT_CRED_TTL] = 6 * 3600,
    [ODAPI_LIMIT_SANDBOX_PATIENTS] = 200,
    [ODAPI_LIMIT_QUERY_SECONDS] = 30,
    [ODAPI_LIMIT_QUERY_MAX_BYTES] = 64L * 1024 * 1024,
    [ODAPI_LIMIT_QUERY_CONCURRENCY] = 0,
    [ODAPI_LIMIT_EVENT_TIMEOUT_MS] = 10000,
    [ODAPI_LIMIT_RELAY_CONNECT_MS] = 5000,
    [ODAPI_LIMIT_RELAY_TIMEOUT_MS] = 60000, /* Open Dental's own limit */
    [ODAPI_LIMIT_RELAY_CONNECTIONS] = 32,
    /* A patient or a long note is kilobytes; 1 MiB takes jansson 25-100 ms
     * to parse, so bodies over 64 KiB are parsed off the loop thread
     * (docs/http.md, "Request bodies"). */
    [ODAPI_LIMIT_MAX_JSON_BODY] = 1024L * 1024,
    [ODAPI_LIMIT_MAX_OUTPUT] = 64L * 1024 * 1024,
    [ODAPI_LIMIT_MAX_CONNECTIONS_PER_ADDRESS] = 0,
    [ODAPI_LIMIT_HEADER_TIMEOUT] = 10,
};

static int add_listen(odapi_config *cfg, const char *addr, unsigned port)
{
    char *a;
    if (cfg->nlisten >= OD_MAX_LISTEN)
        return ODAPI_E_INVALID;
    if (!(a = strdup(addr)))
        return ODAPI_E_NOMEM;
    cfg->listen[cfg->nlisten].addr = a;
    cfg->listen[cfg->nlisten].port = port;
    cfg->nlisten++;
    return ODAPI_OK;
}

ODAPI_EXPORT odapi_config *odapi_config_new(odapi_mode mode)
{
    odapi_config *cfg;
    unsigned port;
    if (mode != ODAPI_MODE_LOCAL && mode != ODAPI_MODE_SERVICE &&
        mode != ODAPI_MODE_RELAY)
        return NULL;
    if (!(cfg = calloc(1, sizeof *cfg)))
        return NULL;
    cfg->mode = mode;
    memcpy(cfg->limits, default_limits, sizeof default_limits);
    cfg->log.level = ODAPI_LOG_INFO;
    cfg->seed = 1;
    port = mode == ODAPI_MODE_LOCAL ? OD_PORT_LOCAL : OD_PORT_SERVICE;
    if (mode != ODAPI_MODE_SERVICE) {
        /* The Local API never leaves the machine, and the relay only when
         * asked (docs/cloud.md). */
        if (add_listen(cfg, "127.0.0.1", port) || add_listen(cfg, "::1", port))
            goto oom;
    } else {
        if (add_listen(cfg, "0.0.0.0", port) || add_listen(cfg, "::", port))
            goto oom;
    }
    return cfg;
oom:
    odapi_config_free(cfg);
    return NULL;
}

static void free_keys(odapi_config *cfg)
{
    int i;
    for (i = 0; i < cfg->nkeys; i++) {
        free(cfg->keys[i].developer_key);
        free(cfg->keys[i].customer_key);
        free(cfg->keys[i].developer_name);
        free(cfg->keys[i].perms);
    }
    free(cfg->keys);
    cfg->keys = NULL;
    cfg->nkeys = 0;
}

ODAPI_EXPORT void odapi_config_free(odapi_config *cfg)
{
    int i;
    if (!cfg)
        return;
    odapi_config_clear_listen(cfg);
    free(cfg->db_host);
    free(cfg->db_socket);
    free(cfg->db_user);
    free(cfg->db_password);
    free(cfg->db_name);
    free(cfg->db_datadir);
    free(cfg->db_low_user);
    free(cfg->db_low_password);
    free(cfg->db_ssl_ca);
    for (i = 0; i < cfg->nreplicas; i++) {
        free(cfg->replicas[i].host);
        free(cfg->replicas[i].socket);
    }
    free(cfg->known_hosts);
    free(cfg->image_dir);
    free(cfg->url_ca);
    free(cfg->workstation);
    free(cfg->events_ca);
    free(cfg->events_state_dir);
    free(cfg->events_state_db);
    free(cfg->keys_file);
    free(cfg->validator_url);
    free(cfg->validator_ca);
    free(cfg->log_file);
    free(cfg->tls_cert);
    free(cfg->tls_key);
    free(cfg->tls_client_ca);
    free(cfg->relay_url);
    free(cfg->relay_ca);
    for (i = 0; i < cfg->nrelay_pins; i++)
        free(cfg->relay_pins[i]);
    free(cfg->relay_cert);
    free(cfg->relay_key);
    free(cfg->metrics_addr);
    free_keys(cfg);
    free(cfg);
}

ODAPI_EXPORT int odapi_config_clear_listen(odapi_config *cfg)
{
    int i;
    if (!cfg)
        return ODAPI_E_INVALID;
    for (i = 0; i < cfg->nlisten; i++)
        free(cfg->listen[i].addr);
    cfg->nlisten = 0;
    return ODAPI_OK;
}

ODAPI_EXPORT int odapi_config_add_listen(odapi_config *cfg, const char *addr,
                                         unsigned port)
{
    if (!cfg || !addr || !*addr || port > 65535)
        return ODAPI_E_INVALID;
    if (!port)
        port = cfg->nlisten ? cfg->listen[0].port
               : cfg->mode == ODAPI_MODE_LOCAL ? OD_PORT_LOCAL
                                               : OD_PORT_SERVICE;
    return add_listen(cfg, addr, port);
}

ODAPI_EXPORT int odapi_config_set_port(odapi_config *cfg, unsigned port)
{
    int i;
    if (!cfg || port > 65535)
        return ODAPI_E_INVALID;
    for (i = 0; i < cfg->nlisten; i++)
        cfg->listen[i].port = port;
    return ODAPI_OK;
}

ODAPI_EXPORT int odapi_config_set_limit(odapi_config *cfg, odapi_limit which,
                                        long value)
{
    if (!cfg || which <= 0 || which >= OD_LIMIT_COUNT || value < 0)
        return ODAPI_E_INVALID;
    switch (which) {
    case ODAPI_LIMIT_DB_POOL:
        if (value < 1 || value > 256)
            return ODAPI_E_INVALID;
        break;
    case ODAPI_LIMIT_MAX_HEADERS:
        if (value < 1024)
            return ODAPI_E_INVALID;
        break;
    case ODAPI_LIMIT_TIMEOUT:
    case ODAPI_LIMIT_MAX_CONNECTIONS:
    case ODAPI_LIMIT_DB_QUEUE:
    case ODAPI_LIMIT_QUERY_SECONDS:
    case ODAPI_LIMIT_QUERY_MAX_BYTES:
    case ODAPI_LIMIT_EVENT_TIMEOUT_MS:
    case ODAPI_LIMIT_RELAY_CONNECT_MS:
    case ODAPI_LIMIT_RELAY_TIMEOUT_MS:
    case ODAPI_LIMIT_MAX_JSON_BODY:
    case ODAPI_LIMIT_MAX_OUTPUT:
    case ODAPI_LIMIT_HEADER_TIMEOUT:
        if (value < 1)
            return ODAPI_E_INVALID;
        break;
    case ODAPI_LIMIT_RELAY_CONNECTIONS:
        if (value < 1 || value > 4096)
            return ODAPI_E_INVALID;
        break;
    default:
        break;
    }
    cfg->limits[which] = value;
    return ODAPI_OK;
}

long od_config_limit(const odapi_config *cfg, odapi_limit which)
{
    return cfg->limits[which];
}

ODAPI_EXPORT int odapi_config_set_db_server(odapi_config *cfg,
                                            const char *host, unsigned port,
                                            const char *socket,
                                            const char *user,
                                            const char *password,
                                            const char *database)
{
    if (!cfg || !database || !*database || port > 65535)
        return ODAPI_E_INVALID;
    if (od_set_str(&cfg->db_host, host) || od_set_str(&cfg->db_socket, socket) ||
        od_set_str(&cfg->db_user, user) ||
        od_set_str(&cfg->db_password, password) ||
        od_set_str(&cfg->db_name, database))
        return ODAPI_E_NOMEM;
    cfg->db_port = port;
    cfg->db_kind = OD_DB_SERVER;
    return ODAPI_OK;
}

ODAPI_EXPORT int odapi_config_add_read_replica(odapi_config *cfg,
                                              const char *host,
                                              unsigned port,
                                              const char *socket,
                                              long max_lag_ms)
{
    struct od_replica_cfg *r;
    int oom = 0;
    if (!cfg || port > 65535 || max_lag_ms < 0 ||
        max_lag_ms > OD_REPLICA_MAX_LAG_MS ||
        (!(host && *host) && !(socket && *socket)))
        return ODAPI_E_INVALID;
    if (cfg->nreplicas >= OD_MAX_REPLICAS)
        return ODAPI_E_INVALID;
    r = &cfg->replicas[cfg->nreplicas];
    r->host = od_strdup0(host && *host ? host : NULL, &oom);
    r->socket = od_strdup0(socket && *socket ? socket : NULL, &oom);
    if (oom) {
        free(r->host);
        free(r->socket);
        r->host = r->socket = NULL;
        return ODAPI_E_NOMEM;
    }
    r->port = port;
    r->max_lag_ms = max_lag_ms;
    cfg->nreplicas++;
    return ODAPI_OK;
}

ODAPI_EXPORT int odapi_config_set_db_embedded(odapi_config *cfg,
                                              const char *datadir,
                                              const char *database,
                                              int create_schema)
{
    if (!cfg || !datadir || !*datadir)
        return ODAPI_E_INVALID;
#ifndef ODAPI_HAVE_EMBEDDED
    (void)database;
    (void)create_schema;
    return ODAPI_E_UNSUPPORTED;
#else
    /* The embedded server resolves a relative --datadir against its own
     * base directory (/usr), not the process's: make it absolute here. */
    if (datadir[0] != '/') {
        char cwd[4096], *abs;
        size_t n;
        if (!getcwd(cwd, sizeof cwd))
            return ODAPI_E_INVALID;
        n = strlen(cwd) + 1 + strlen(datadir) + 1;
        if (!(abs = malloc(n)))
            return ODAPI_E_NOMEM;
        snprintf(abs, n, "%s/%s", cwd, datadir);
        free(cfg->db_datadir);
        cfg->db_datadir = abs;
    } else if (od_set_str(&cfg->db_datadir, datadir)) {
        return ODAPI_E_NOMEM;
    }
    if (od_set_str(&cfg->db_name, database && *database ? database
                                                        : "opendental"))
        return ODAPI_E_NOMEM;
    cfg->db_create_schema = create_schema != 0;
    cfg->db_kind = OD_DB_EMBEDDED;
    return ODAPI_OK;
#endif
}

ODAPI_EXPORT int odapi_config_set_seed(odapi_config *cfg, unsigned long seed)
{
    if (!cfg)
        return ODAPI_E_INVALID;
    cfg->seed = seed;
    return ODAPI_OK;
}

ODAPI_EXPORT int odapi_config_set_db_low_user(odapi_config *cfg,
                                              const char *user,
                                              const char *password)
{
    if (!cfg)
        return ODAPI_E_INVALID;
    if (od_set_str(&cfg->db_low_user, user && *user ? user : NULL) ||
        od_set_str(&cfg->db_low_password, password))
        return ODAPI_E_NOMEM;
    return ODAPI_OK;
}

ODAPI_EXPORT int odapi_config_set_known_hosts(odapi_config *cfg,
                                              const char *path)
{
    if (!cfg)
        return ODAPI_E_INVALID;
    return od_set_str(&cfg->known_hosts, path && *path ? path : NULL);
}

ODAPI_EXPORT int odapi_config_set_image_dir(odapi_config *cfg,
                                            const char *path)
{
    if (!cfg)
        return ODAPI_E_INVALID;
    return od_set_str(&cfg->image_dir, path && *path ? path : NULL);
}

ODAPI_EXPORT int odapi_config_set_url_fetch(odapi_config *cfg,
                                            const char *ca_file,
                                            int allow_private)
{
    if (!cfg)
        return ODAPI_E_INVALID;
    cfg->url_private = allow_private != 0;
    return od_set_str(&cfg->url_ca, ca_file && *ca_file ? ca_file : NULL);
}

ODAPI_EXPORT int odapi_config_set_keys_file(odapi_config *cfg,
                                            const char *path)
{
    if (!cfg)
        return ODAPI_E_INVALID;
    return od_set_str(&cfg->keys_file, path);
}

ODAPI_EXPORT int odapi_config_add_key(odapi_config *cfg,
                                      const char *developer_key,
                                      const char *customer_key,
                                      const char *developer_name,
                                      const char *perms)
{
    struct od_key *k, *keys;
    int oom = 0;
    if (!cfg || !developer_key || !*developer_key || !customer_key ||
        !*customer_key)
        return ODAPI_E_INVALID;
    keys = realloc(cfg->keys, (size_t)(cfg->nkeys + 1) * sizeof *keys);
    if (!keys)
        return ODAPI_E_NOMEM;
    cfg->keys = keys;
    k = &keys[cfg->nkeys];
    k->developer_key = od_strdup0(developer_key, &oom);
    k->customer_key = od_strdup0(customer_key, &oom);
    k->developer_name = od_strdup0(developer_name ? developer_name : "", &oom);
    k->perms = od_strdup0(perms ? perms : "all", &oom);
    cfg->nkeys++;
    return oom ? ODAPI_E_NOMEM : ODAPI_OK;
}

ODAPI_EXPORT int odapi_config_set_validator_url(odapi_config *cfg,
                                                const char *url,
                                                const char *ca_file)
{
    if (!cfg)
        return ODAPI_E_INVALID;
    if (od_set_str(&cfg->validator_url, url) ||
        od_set_str(&cfg->validator_ca, ca_file))
        return ODAPI_E_NOMEM;
    return ODAPI_OK;
}

ODAPI_EXPORT int odapi_config_set_log(odapi_config *cfg, odapi_log_fn fn,
                                      void *arg, odapi_log_level level)
{
    if (!cfg || level < ODAPI_LOG_ERROR || level > ODAPI_LOG_VERBOSE)
        return ODAPI_E_INVALID;
    cfg->log.fn = fn;
    cfg->log.arg = arg;
    cfg->log.level = level;
    return ODAPI_OK;
}

ODAPI_EXPORT int odapi_config_set_log_format(odapi_config *cfg,
                                             odapi_log_format format)
{
    if (!cfg || (format != ODAPI_LOG_FORMAT_TEXT &&
                 format != ODAPI_LOG_FORMAT_JSON))
        return ODAPI_E_INVALID;
    cfg->log.json = format == ODAPI_LOG_FORMAT_JSON;
    return ODAPI_OK;
}

/* Off unless asked for, and then on an address of its own: the counters
 * tell how busy the practice is, which the office network need not see
 * (docs/http.md, "Metrics"). */
ODAPI_EXPORT int odapi_config_set_metrics(odapi_config *cfg,
                                          const char *address, unsigned port)
{
    if (!cfg || port > 65535 || (address && !*address))
        return ODAPI_E_INVALID;
    if (od_set_str(&cfg->metrics_addr, address))
        return ODAPI_E_NOMEM;
    cfg->metrics_port = address ? port : 0;
    return ODAPI_OK;
}

odapi_config *od_config_dup(const odapi_config *cfg)
{
    odapi_config *c;
    int i, oom = 0;
    if (!(c = malloc(sizeof *c)))
        return NULL;
    *c = *cfg;
    for (i = 0; i < cfg->nlisten; i++)
        c->listen[i].addr = od_strdup0(cfg->listen[i].addr, &oom);
    c->db_host = od_strdup0(cfg->db_host, &oom);
    c->db_socket = od_strdup0(cfg->db_socket, &oom);
    c->db_user = od_strdup0(cfg->db_user, &oom);
    c->db_password = od_strdup0(cfg->db_password, &oom);
    c->db_name = od_strdup0(cfg->db_name, &oom);
    c->db_datadir = od_strdup0(cfg->db_datadir, &oom);
    c->db_low_user = od_strdup0(cfg->db_low_user, &oom);
    c->db_low_password = od_strdup0(cfg->db_low_password, &oom);
    c->db_ssl_ca = od_strdup0(cfg->db_ssl_ca, &oom);
    for (i = 0; i < cfg->nreplicas; i++) {
        c->replicas[i].host = od_strdup0(cfg->replicas[i].host, &oom);
        c->replicas[i].socket = od_strdup0(cfg->replicas[i].socket, &oom);
    }
    c->known_hosts = od_strdup0(cfg->known_hosts, &oom);
    c->image_dir = od_strdup0(cfg->image_dir, &oom);
    c->url_ca = od_strdup0(cfg->url_ca, &oom);
    c->workstation = od_strdup0(cfg->workstation, &oom);
    c->events_ca = od_strdup0(cfg->events_ca, &oom);
    c->events_state_dir = od_strdup0(cfg->events_state_dir, &oom);
    c->events_state_db = od_strdup0(cfg->events_state_db, &oom);
    c->keys_file = od_strdup0(cfg->keys_file, &oom);
    c->validator_url = od_strdup0(cfg->validator_url, &oom);
    c->validator_ca = od_strdup0(cfg->validator_ca, &oom);
    c->log_file = od_strdup0(cfg->log_file, &oom);
    c->tls_cert = od_strdup0(cfg->tls_cert, &oom);
    c->tls_key = od_strdup0(cfg->tls_key, &oom);
    c->tls_client_ca = od_strdup0(cfg->tls_client_ca, &oom);
    c->relay_url = od_strdup0(cfg->relay_url, &oom);
    c->relay_ca = od_strdup0(cfg->relay_ca, &oom);
    for (i = 0; i < cfg->nrelay_pins; i++)
        c->relay_pins[i] = od_strdup0(cfg->relay_pins[i], &oom);
    c->relay_cert = od_strdup0(cfg->relay_cert, &oom);
    c->relay_key = od_strdup0(cfg->relay_key, &oom);
    c->metrics_addr = od_strdup0(cfg->metrics_addr, &oom);
    c->keys = NULL;
    c->nkeys = 0;
    if (cfg->nkeys) {
        c->keys = calloc((size_t)cfg->nkeys, sizeof *c->keys);
        if (!c->keys) {
            oom = 1;
        } else {
            c->nkeys = cfg->nkeys;
            for (i = 0; i < cfg->nkeys; i++) {
                c->keys[i].developer_key =
                    od_strdup0(cfg->keys[i].developer_key, &oom);
                c->keys[i].customer_key =
                    od_strdup0(cfg->keys[i].customer_key, &oom);
                c->keys[i].developer_name =
                    od_strdup0(cfg->keys[i].developer_name, &oom);
                c->keys[i].perms = od_strdup0(cfg->keys[i].perms, &oom);
            }
        }
    }
    if (oom) {
        odapi_config_free(c);
        return NULL;
    }
    return c;
}

ODAPI_EXPORT const char *odapi_config_get_log_file(const odapi_config *cfg)
{
    return cfg ? cfg->log_file : NULL;
}

ODAPI_EXPORT int odapi_config_set_log_file(odapi_config *cfg, const char *path)
{
    if (!cfg)
        return ODAPI_E_INVALID;
    return od_set_str(&cfg->log_file, path && *path ? path : NULL);
}

ODAPI_EXPORT int odapi_config_set_tls(odapi_config *cfg, const char *cert_file,
                                      const char *key_file)
{
    if (!cfg || (!cert_file) != (!key_file))
        return ODAPI_E_INVALID;
    if (od_set_str(&cfg->tls_cert, cert_file) ||
        od_set_str(&cfg->tls_key, key_file))
        return ODAPI_E_NOMEM;
    return ODAPI_OK;
}

ODAPI_EXPORT int odapi_config_set_db_owned(odapi_config *cfg, int owned)
{
    if (!cfg)
        return ODAPI_E_INVALID;
    cfg->db_create_schema = owned != 0;
    return ODAPI_OK;
}

ODAPI_EXPORT int odapi_config_set_events(odapi_config *cfg, int enabled,
                                         const char *workstation,
                                         const char *ca_file)
{
    int rc;
    if (!cfg)
        return ODAPI_E_INVALID;
    if ((rc = od_set_str(&cfg->workstation,
                         workstation && *workstation ? workstation : NULL)) ||
        (rc = od_set_str(&cfg->events_ca, ca_file && *ca_file ? ca_file
                                                              : NULL)))
        return rc;
    cfg->events = enabled != 0;
    return ODAPI_OK;
}

ODAPI_EXPORT int odapi_config_set_events_state(odapi_config *cfg,
                                               const char *dir,
                                               const char *database)
{
    int rc;
    if (!cfg)
        return ODAPI_E_INVALID;
    if ((rc = od_set_str(&cfg->events_state_dir,
                         dir && *dir ? dir : NULL)) ||
        (rc = od_set_str(&cfg->events_state_db,
                         database && *database ? database : NULL)))
        return rc;
    return ODAPI_OK;
}

ODAPI_EXPORT int odapi_config_set_tls_client_ca(odapi_config *cfg,
                                                const char *ca_file)
{
    if (!cfg)
        return ODAPI_E_INVALID;
    return od_set_str(&cfg->tls_client_ca, ca_file && *ca_file ? ca_file
                                                               : NULL);
}

/* ---- the Cloud relay (docs/cloud.md) -------------------------------------- */

ODAPI_EXPORT int odapi_config_set_relay(odapi_config *cfg, const char *url,
                                        const char *ca_file)
{
    if (!cfg || (url && strncasecmp(url, "https://", 8) != 0))
        return ODAPI_E_INVALID;
    if (od_set_str(&cfg->relay_url, url && *url ? url : NULL) ||
        od_set_str(&cfg->relay_ca, ca_file && *ca_file ? ca_file : NULL))
        return ODAPI_E_NOMEM;
    return ODAPI_OK;
}

ODAPI_EXPORT int odapi_config_add_relay_pin(odapi_config *cfg,
                                            const char *pin)
{
    unsigned char bytes[OD_PIN_LEN];
    char *p;
    if (!cfg || od_pin_parse(pin, bytes) != 0 ||
        cfg->nrelay_pins >= OD_MAX_RELAY_PINS)
        return ODAPI_E_INVALID;
    if (!(p = strdup(pin)))
        return ODAPI_E_NOMEM;
    cfg->relay_pins[cfg->nrelay_pins++] = p;
    return ODAPI_OK;
}

ODAPI_EXPORT int odapi_config_set_relay_client_cert(odapi_config *cfg,
                                                    const char *cert_file,
                                                    const char *key_file)
{
    if (!cfg || (!cert_file) != (!key_file))
        return ODAPI_E_INVALID;
    if (od_set_str(&cfg->relay_cert, cert_file) ||
        od_set_str(&cfg->relay_key, key_file))
        return ODAPI_E_NOMEM;
    return ODAPI_OK;
}
