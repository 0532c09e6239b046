/*
 * webconfig-internal.h - Open Dental's OpenDentalWebConfig.xml
 * (ServicesHelper.cs), read with expat. Never installed.
 *
 * odapi_config_load_webconfig() (public, server.h) is od_webconfig_read()
 * followed by od_webconfig_apply(). The two halves are separate so that the
 * database layer can reach values the public config has no field for yet
 * (ssl_ca), and so that nothing in cfg changes when the file is wrong.
 */
#ifndef ODAPI_WEBCONFIG_INTERNAL_H
#define ODAPI_WEBCONFIG_INTERNAL_H

#include <stddef.h>

#include "core/odapi-internal.h"

#define OD_WEBCONFIG_MAX_FILE (1024L * 1024) /* bytes of the whole file */
#define OD_WEBCONFIG_MAX_TEXT 4096          /* bytes of one element's text */
#define OD_WEBCONFIG_MAX_DEPTH 16           /* element nesting */
#define OD_WEBCONFIG_MAX_CONNS 32           /* DatabaseConnection entries */

/* The values of one file, trimmed, UTF-8; NULL when the element is absent.
 * Relative paths of the Odapi* file elements are already resolved against
 * the folder of the XML file. */
struct od_webconfig {
    /* the selected DatabaseConnection */
    char *note;         /* its Note, NULL when it had none */
    char *host;         /* ComputerName without ":port"; "localhost" for a
                           socket given as ComputerName */
    unsigned port;      /* from "host:port", 0 = default (3306) */
    char *socket;       /* OdapiSocket, or a ComputerName starting with '/' */
    char *user, *password, *database;
    char *user_low, *password_low;
    char *ssl_ca;       /* SslCa: CA file for TLS to the database */

    int has_log_level;  /* LogLevelOfApplication present and not empty */
    odapi_log_level log_level;

    /* libodapi extension elements (docs/webconfig.md) */
    struct od_listen listen[OD_MAX_LISTEN]; /* OdapiListen; port 0 = OdapiPort
                                               or the mode's port */
    int nlisten;
    unsigned listen_port;  /* OdapiPort, 0 = absent */
    char *log_file;        /* OdapiLogFile */
    char *tls_cert, *tls_key;           /* OdapiTlsCertificate, OdapiTlsKey */
    char *tls_client_ca;                /* OdapiTlsClientCa */
    char *keys_file;                    /* OdapiKeysFile */
    char *validator_url, *validator_ca; /* OdapiValidatorUrl, OdapiValidatorCa */
    struct {
        char *host, *socket;
        unsigned port;
    } replicas[OD_MAX_REPLICAS];        /* OdapiReadReplicas */
    int nreplicas;
    long replica_lag_ms;                /* OdapiReplicaMaxLag; -1: absent */
    char *metrics_addr;                 /* OdapiMetrics; NULL: absent */
    unsigned metrics_port;
};

/* <OdapiMetrics> without a port (odservice's; odlocal's --metrics takes
 * 30232): the API Service's port plus ten. */
#define OD_METRICS_SERVICE_PORT 30233

/* Parse path and select the DatabaseConnection whose Note is note (NULL:
 * "DentalOffice", or the only entry when it has no Note). On success fills
 * *wc (free it with od_webconfig_free()) and returns ODAPI_OK; else returns
 * ODAPI_E_CONFIG, ODAPI_E_IO or ODAPI_E_NOMEM, writes one sentence into err
 * and leaves *wc empty. */
int od_webconfig_read(const char *path, const char *note,
                      struct od_webconfig *wc, char *err, size_t errlen);
void od_webconfig_free(struct od_webconfig *wc);

/* Put the values of wc into cfg with the public setters. */
int od_webconfig_apply(const struct od_webconfig *wc, odapi_config *cfg,
                       const char *path, char *err, size_t errlen);

/* Open Dental's LogLevelOfApplication name (any case; also "Info", "Warning"
 * and OD's numbers 0/1/2) to a level. 0 on success, -1 when unknown. */
int od_webconfig_log_level(const char *name, odapi_log_level *out);

#endif /* ODAPI_WEBCONFIG_INTERNAL_H */
