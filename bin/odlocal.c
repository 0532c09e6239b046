/*
 * odlocal - the Open Dental Local API on 127.0.0.1:30222 and [::1]:30222.
 *
 * With no database named it serves the embedded sandbox practice (created
 * and seeded on first start). With --relay it is the workstation's side of
 * a hosted practice instead (the Cloud relay, docs/cloud.md): port 30223,
 * every request passed to the hosted API Service over TLS. It uses only
 * the public libodapi API.
 * Exit codes (docs/odlocal.1): 0 stopped cleanly, 1 usage, 2 configuration,
 * 3 port in use, 4 database, 5 other.
 */
#include <odapi/odapi.h>

#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DEMO_DEVELOPER_KEY "NFF6i0KrXrxDkZHt" /* spec 2.1: Open Dental's */
#define DEMO_CUSTOMER_KEY "VzkmZEaUWOjnQX2z"  /* published test pair */


static void usage(FILE *f)
{
    fprintf(f,
"Usage: odlocal [OPTION]...\n"
"Serve the Open Dental API (Local API) on 127.0.0.1 and ::1.\n"
"With no database options, serve the embedded sandbox practice.\n"
"\n"
"  -p, --port N            port (default 30222; 0 = any free port)\n"
"  -d, --data-dir DIR      sandbox folder (default $XDG_DATA_HOME/odapi/sandbox)\n"
"      --patients N        patients in a new sandbox (default 200)\n"
"      --seed N            seed of the sandbox's demo data (default 1)\n"
"  -c, --config FILE       database from an OpenDentalWebConfig.xml\n"
"      --note NOTE         which DatabaseConnection of it (default DentalOffice)\n"
"      --db-host HOST      database server host (default localhost)\n"
"      --db-port N         database server port (default 3306)\n"
"      --db-socket PATH    database server unix socket\n"
"      --db-user USER      database user (default root)\n"
"      --db-name NAME      database name (default opendental)\n"
"                          the password is read from $ODAPI_DB_PASSWORD\n"
"      --db-create         create the schema and seed a demo practice in an\n"
"                          empty server database (never on a real one)\n"
"      --keys FILE         API key pairs and permissions (docs/credentials.md)\n"
"      --demo-key DEV/CUST the sandbox's demo key pair (default Open Dental's\n"
"                          published test pair)\n"
"      --pool N            database connections (default 4)\n"
"      --timeout SECS      idle and request timeout (default 30)\n"
"      --max-connections N open connections at most (default 4096)\n"
"      --max-body BYTES    largest request body (default 32 MiB; JSON bodies:\n"
"                          1 MiB)\n"
"      --max-per-address N open connections from one address (default: a\n"
"                          quarter of --max-connections, at least 64)\n"
"      --header-timeout SECS  longest wait for a request's headers (default 10)\n"
"      --max-output BYTES  answers all clients leave unread before those that\n"
"                          stopped reading are dropped (default 64 MiB)\n"
"      --query-timeout SECS  Queries: longest run of one query (default 30)\n"
"      --query-max-bytes N Queries: largest answer or CSV file (default 64 MiB)\n"
"      --db-low-user USER  Queries run as this low-privilege database account\n"
"                          (UserLow); its password from $ODAPI_DB_LOW_PASSWORD\n"
"      --known-hosts FILE  Queries POST: SFTP host keys (default\n"
"                          ~/.ssh/known_hosts)\n"
"      --image-dir DIR     the A to Z images folder (default: the DocPath\n"
"                          preference; the sandbox's DIR/images of --data-dir)\n"
"      --url-ca FILE       Documents SetByUrl: CA certificates for https\n"
"      --url-allow-private Documents SetByUrl may fetch from this machine and\n"
"                          private networks\n"
"      --log-level LEVEL   Error, Warning, Information or Verbose\n"
"      --log-file FILE     also write log lines, and one line per request\n"
"      --log-format FMT    text (default), json (one JSON object a line) or\n"
"                          syslog (to the syslog socket, journald's under\n"
"                          systemd, with each message's priority)\n"
"      --log-socket PATH   the syslog socket (default /dev/log)\n"
"      --metrics[=WHERE]   serve GET /metrics (Prometheus) on a port of its\n"
"                          own: 127.0.0.1:30232, or WHERE (PORT, ADDR:PORT,\n"
"                          [IPV6]:PORT); off by default\n"
"      --init-only         prepare the database, then exit without serving\n"
"  -q, --quiet             no start-up banner\n"
"  -h, --help              this help\n"
"  -V, --version           version\n"
"\n"
"Cloud relay (docs/cloud.md): no database; serve port 30223 and pass every\n"
"request to the hosted API Service:\n"
"      --relay URL         the API Service, https://host[:port]\n"
"      --relay-ca FILE     CA certificates its certificate must chain to\n"
"                          (default: the system's, unless pins are given)\n"
"      --relay-pin PIN     accept its certificate by SHA-256 (of the\n"
"                          certificate or of its public key: 64 hex digits\n"
"                          or sha256//BASE64); repeatable\n"
"      --relay-cert FILE   this workstation's client certificate (PEM)\n"
"      --relay-key FILE    its private key (PEM)\n"
"      --relay-connect-timeout MS  connect and TLS handshake (default 5000)\n"
"      --relay-timeout MS  longest exchange with it (default 60000)\n"
"      --relay-connections N  connections to it at most (default 32)\n"
"  -l, --listen ADDR       listen on ADDR instead of 127.0.0.1 and ::1\n"
"                          (0.0.0.0 for the LAN, 192.168.1.5:30223, [::]);\n"
"                          repeatable; with --relay only\n"
"\n"
"Exit status: 0 stopped, 1 usage, 2 configuration, 3 port in use,\n"
"4 database, 5 other. See odlocal(1).\n");
}




/* ---- the Cloud relay -------------------------------------------------------- */

#define MAX_PINS 8
#define LOCAL_PORT 30222 /* ODAPI_MODE_LOCAL's default */
#define METRICS_PORT 30232 /* --metrics without a port: ours plus ten */

static struct cli_syslog syslog_state; /* --log-format syslog */
#define MAX_LISTEN 8

struct relay_opts {
    const char *url, *ca, *cert, *key, *log_file;
    const char *pins[MAX_PINS];
    int npins, nlisten, quiet, level_set;
    odapi_log_format log_format;
    struct listen_opt listen[MAX_LISTEN];
    struct listen_opt metrics; /* addr[0] == '\0': off */
    int to_syslog;             /* --log-format syslog */
    const char *log_socket;
    long port, timeout, max_conns, max_body, connect_ms, exchange_ms, conns;
    odapi_log_level level;
};

/* The relay's configuration; NULL with a message printed. */
static odapi_config *relay_config(const struct relay_opts *o)
{
    odapi_config *cfg = odapi_config_new(ODAPI_MODE_RELAY);
    int i, rc;
    if (!cfg) {
        fprintf(stderr, "odlocal: out of memory\n");
        return NULL;
    }
    if ((rc = odapi_config_set_relay(cfg, o->url, o->ca)) != ODAPI_OK) {
        fprintf(stderr, "odlocal: --relay wants https://host[:port]: %s\n",
                odapi_strerror(rc));
        goto fail;
    }
    for (i = 0; i < o->npins; i++)
        if (odapi_config_add_relay_pin(cfg, o->pins[i]) != ODAPI_OK) {
            fprintf(stderr, "odlocal: --relay-pin '%s' is not a SHA-256 (64 "
                            "hex digits, colons allowed, or sha256//BASE64)\n",
                    o->pins[i]);
            goto fail;
        }
    if ((o->cert || o->key) &&
        odapi_config_set_relay_client_cert(cfg, o->cert, o->key) != ODAPI_OK) {
        fprintf(stderr, "odlocal: give both --relay-cert and --relay-key\n");
        goto fail;
    }
    if (o->nlisten) {
        odapi_config_clear_listen(cfg);
        for (i = 0; i < o->nlisten; i++)
            odapi_config_add_listen(cfg, o->listen[i].addr, o->listen[i].port);
    }
    if (o->port >= 0)
        odapi_config_set_port(cfg, (unsigned)o->port);
    if (o->timeout > 0)
        odapi_config_set_limit(cfg, ODAPI_LIMIT_TIMEOUT, o->timeout);
    if (o->max_conns > 0)
        odapi_config_set_limit(cfg, ODAPI_LIMIT_MAX_CONNECTIONS, o->max_conns);
    if (o->max_body > 0)
        odapi_config_set_limit(cfg, ODAPI_LIMIT_MAX_BODY, o->max_body);
    if (o->connect_ms > 0)
        odapi_config_set_limit(cfg, ODAPI_LIMIT_RELAY_CONNECT_MS, o->connect_ms);
    if (o->exchange_ms > 0)
        odapi_config_set_limit(cfg, ODAPI_LIMIT_RELAY_TIMEOUT_MS, o->exchange_ms);
    if (o->conns > 0)
        odapi_config_set_limit(cfg, ODAPI_LIMIT_RELAY_CONNECTIONS, o->conns);
    if (o->level_set || o->to_syslog)
        odapi_config_set_log(cfg, o->to_syslog ? cli_syslog_fn : NULL,
                             o->to_syslog ? &syslog_state : NULL, o->level);
    if (o->log_file)
        odapi_config_set_log_file(cfg, o->log_file);
    odapi_config_set_log_format(cfg, o->log_format);
    if (o->metrics.addr[0])
        odapi_config_set_metrics(cfg, o->metrics.addr, o->metrics.port);
    return cfg;
fail:
    odapi_config_free(cfg);
    return NULL;
}

static int run_relay(const struct relay_opts *o)
{
    odapi_config *cfg = relay_config(o);
    odapi_server *srv;
    int rc;
    if (!cfg)
        return EXIT_USAGE;
    rc = odapi_server_new(cfg, NULL, &srv);
    odapi_config_free(cfg);
    if (rc != ODAPI_OK) {
        fprintf(stderr, "odlocal: %s\n", odapi_strerror(rc));
        return EXIT_OTHER;
    }
    if ((rc = odapi_server_start(srv)) != ODAPI_OK) {
        fprintf(stderr, "odlocal: %s\n", odapi_server_errmsg(srv));
        odapi_server_free(srv);
        odapi_global_cleanup();
        return cli_exit_code(rc);
    }
    odapi_server_handle_signals(srv, NULL, NULL);
    if (!o->quiet) {
        printf("odlocal %s: the Cloud relay passes every request to the API "
               "Service at %s\n", odapi_version(), o->url);
        printf("  Base URL: %s\n", odapi_server_base_url(srv));
        printf("  Check:    curl %s\n", odapi_server_base_url(srv));
        printf("  Stop:     Ctrl-C\n");
        fflush(stdout);
    }
    rc = odapi_server_run(srv);
    odapi_server_free(srv);
    odapi_global_cleanup();
    return rc == ODAPI_OK ? 0 : EXIT_OTHER;
}

static void default_data_dir(char *buf, size_t cap)
{
    const char *x = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
    if (x && *x)
        snprintf(buf, cap, "%s/odapi/sandbox", x);
    else if (home && *home)
        snprintf(buf, cap, "%s/.local/share/odapi/sandbox", home);
    else
        snprintf(buf, cap, "./odapi-sandbox");
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"port", required_argument, NULL, 'p'},
        {"data-dir", required_argument, NULL, 'd'},
        {"patients", required_argument, NULL, 1},
        {"seed", required_argument, NULL, 2},
        {"config", required_argument, NULL, 'c'},
        {"note", required_argument, NULL, 3},
        {"db-host", required_argument, NULL, 4},
        {"db-port", required_argument, NULL, 5},
        {"db-socket", required_argument, NULL, 6},
        {"db-user", required_argument, NULL, 7},
        {"db-name", required_argument, NULL, 8},
        {"db-create", no_argument, NULL, 9},
        {"keys", required_argument, NULL, 10},
        {"demo-key", required_argument, NULL, 11},
        {"pool", required_argument, NULL, 12},
        {"log-level", required_argument, NULL, 13},
        {"init-only", no_argument, NULL, 14},
        {"timeout", required_argument, NULL, 15},
        {"max-connections", required_argument, NULL, 16},
        {"max-body", required_argument, NULL, 17},
        {"query-timeout", required_argument, NULL, 18},
        {"db-low-user", required_argument, NULL, 19},
        {"known-hosts", required_argument, NULL, 20},
        {"query-max-bytes", required_argument, NULL, 21},
        {"log-file", required_argument, NULL, 22},
        {"log-format", required_argument, NULL, 34},
        {"metrics", optional_argument, NULL, 35},
        {"log-socket", required_argument, NULL, 36},
        {"relay", required_argument, NULL, 23},
        {"relay-ca", required_argument, NULL, 24},
        {"relay-pin", required_argument, NULL, 25},
        {"relay-cert", required_argument, NULL, 26},
        {"relay-key", required_argument, NULL, 27},
        {"relay-connect-timeout", required_argument, NULL, 28},
        {"relay-timeout", required_argument, NULL, 29},
        {"relay-connections", required_argument, NULL, 30},
        {"listen", required_argument, NULL, 'l'},
        {"max-per-address", required_argument, NULL, 31},
        {"header-timeout", required_argument, NULL, 32},
        {"max-output", required_argument, NULL, 33},
        {"image-dir", required_argument, NULL, 60},
        {"url-ca", required_argument, NULL, 61},
        {"url-allow-private", no_argument, NULL, 62},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0}};
    long port = -1, patients = -1, pool = -1, dbport = 0, seed = 1;
    long timeout = -1, max_conns = -1, max_body = -1, query_timeout = -1;
    long query_max_bytes = -1, per_address = -1, header_timeout = -1;
    long max_output = -1;
    const char *db_low_user = NULL, *known_hosts = NULL;
    const char *image_dir = NULL, *url_ca = NULL;
    int url_private = 0;
    const char *data_dir = NULL, *config = NULL, *note = NULL;
    const char *db_host = NULL, *db_socket = NULL, *db_user = NULL;
    const char *db_name = NULL, *keys = NULL, *demo = NULL;
    int db_create = 0, init_only = 0, quiet = 0, use_server, c, rc;
    odapi_log_level level = ODAPI_LOG_INFO;
    int level_set = 0;
    char dirbuf[PATH_MAX], err[1024], demo_dev[129], demo_cust[129];
    odapi_config *cfg;
    odapi_server *srv;
    struct relay_opts ro;
    int db_opts = 0; /* options that name or shape a database */
    const char *log_file = NULL;

    opterr = 0; /* cli_bad_option() says it in one line */
    memset(&ro, 0, sizeof ro);
    while ((c = getopt_long(argc, argv, ":p:d:c:l:qhV", opts, NULL)) != -1) {
        if (c == 'd' || c == 'c' || (c >= 1 && c <= 12) || c == 14 ||
            (c >= 18 && c <= 21))
            db_opts = 1;
        switch (c) {
        case 'p':
            if (cli_parse_long(optarg, 0, 65535, &port)) goto bad_number;
            break;
        case 'd': data_dir = optarg; break;
        case 1:
            if (cli_parse_long(optarg, 1, 10000000, &patients)) goto bad_number;
            break;
        case 2:
            if (cli_parse_long(optarg, 0, LONG_MAX, &seed)) goto bad_number;
            break;
        case 'c': config = optarg; break;
        case 3: note = optarg; break;
        case 4: db_host = optarg; break;
        case 5:
            if (cli_parse_long(optarg, 1, 65535, &dbport)) goto bad_number;
            break;
        case 6: db_socket = optarg; break;
        case 7: db_user = optarg; break;
        case 8: db_name = optarg; break;
        case 9: db_create = 1; break;
        case 10: keys = optarg; break;
        case 11: demo = optarg; break;
        case 12:
            if (cli_parse_long(optarg, 1, 256, &pool)) goto bad_number;
            break;
        case 13:
            if (cli_parse_level(optarg, &level)) {
                fprintf(stderr, "odlocal: unknown log level '%s' (Error, "
                                "Warning, Information, Verbose)\n", optarg);
                return EXIT_USAGE;
            }
            level_set = 1;
            break;
        case 14: init_only = 1; break;
        case 15:
            if (cli_parse_long(optarg, 1, 3600, &timeout)) goto bad_number;
            break;
        case 16:
            if (cli_parse_long(optarg, 1, 1000000, &max_conns)) goto bad_number;
            break;
        case 17:
            if (cli_parse_long(optarg, 1, LONG_MAX, &max_body)) goto bad_number;
            break;
        case 18:
            if (cli_parse_long(optarg, 1, 86400, &query_timeout)) goto bad_number;
            break;
        case 31:
            if (cli_parse_long(optarg, 1, 1000000, &per_address))
                goto bad_number;
            break;
        case 32:
            if (cli_parse_long(optarg, 1, 3600, &header_timeout))
                goto bad_number;
            break;
        case 33:
            if (cli_parse_long(optarg, 1, LONG_MAX, &max_output))
                goto bad_number;
            break;
        case 19: db_low_user = optarg; break;
        case 20: known_hosts = optarg; break;
        case 60: image_dir = optarg; break;
        case 61: url_ca = optarg; break;
        case 62: url_private = 1; break;
        case 21:
            if (cli_parse_long(optarg, 1, LONG_MAX, &query_max_bytes))
                goto bad_number;
            break;
        case 22: log_file = optarg; break;
        case 34:
            if (cli_parse_log_format(optarg, &ro.log_format,
                                     &ro.to_syslog)) {
                fprintf(stderr, "odlocal: unknown log format '%s' (text, "
                                "json, syslog)\n", optarg);
                return EXIT_USAGE;
            }
            break;
        case 36: ro.log_socket = optarg; break;
        case 35:
            if (cli_parse_metrics(optarg, METRICS_PORT, &ro.metrics)) {
                fprintf(stderr, "odlocal: bad --metrics '%s' (PORT, ADDR:PORT "
                                "or [IPV6]:PORT)\n", optarg);
                return EXIT_USAGE;
            }
            break;
        case 23: ro.url = optarg; break;
        case 24: ro.ca = optarg; break;
        case 25:
            if (ro.npins == MAX_PINS) {
                fprintf(stderr, "odlocal: at most %d --relay-pin\n", MAX_PINS);
                return EXIT_USAGE;
            }
            ro.pins[ro.npins++] = optarg;
            break;
        case 26: ro.cert = optarg; break;
        case 27: ro.key = optarg; break;
        case 28:
            if (cli_parse_long(optarg, 1, 3600000, &ro.connect_ms)) goto bad_number;
            break;
        case 29:
            if (cli_parse_long(optarg, 1, 86400000, &ro.exchange_ms)) goto bad_number;
            break;
        case 30:
            if (cli_parse_long(optarg, 1, 4096, &ro.conns)) goto bad_number;
            break;
        case 'l':
            if (ro.nlisten == MAX_LISTEN ||
                cli_parse_listen(optarg, &ro.listen[ro.nlisten])) {
                fprintf(stderr, "odlocal: bad or too many --listen '%s' "
                                "(ADDR, ADDR:PORT or [IPV6]:PORT; at most "
                                "%d)\n", optarg, MAX_LISTEN);
                return EXIT_USAGE;
            }
            ro.nlisten++;
            break;
        case 'q': quiet = 1; break;
        case 'h': usage(stdout); return 0;
        case 'V': printf("odlocal %s\n", odapi_version()); return 0;
        default: return cli_bad_option("odlocal", c, argv, optind, optopt);
        }
    }
    if (optind < argc) {
        fprintf(stderr, "odlocal: unexpected argument '%s' (see --help)\n",
                argv[optind]);
        return EXIT_USAGE;
    }
    if (ro.to_syslog) {
        const char *path = ro.log_socket ? ro.log_socket : CLI_SYSLOG_SOCKET;
        if (cli_syslog_open(&syslog_state, "odlocal", LOG_USER, path)) {
            fprintf(stderr, "odlocal: cannot reach the syslog socket %s (%s); "
                            "is a syslog daemon or journald running? "
                            "(--log-socket names another)\n",
                    path, strerror(errno));
            return EXIT_CONFIG;
        }
    }
    if (ro.url) {
        if (db_opts) {
            fprintf(stderr, "odlocal: --relay takes no database options: the "
                            "API Service it relays to has the database\n");
            return EXIT_USAGE;
        }
        ro.port = port;
        ro.timeout = timeout;
        ro.max_conns = max_conns;
        ro.max_body = max_body;
        ro.quiet = quiet;
        ro.level_set = level_set;
        ro.level = level;
        ro.log_file = log_file;
        return run_relay(&ro);
    }
    if (ro.nlisten || ro.ca || ro.npins || ro.cert || ro.key ||
        ro.connect_ms || ro.exchange_ms || ro.conns) {
        fprintf(stderr, "odlocal: --listen and the --relay-* options need "
                        "--relay (the Local API never leaves this machine)\n");
        return EXIT_USAGE;
    }
    use_server = config || db_host || db_socket || db_name || dbport;
    if (config && (db_host || db_socket || db_name || dbport)) {
        fprintf(stderr, "odlocal: use either --config or the --db-* "
                        "options, not both\n");
        return EXIT_USAGE;
    }
    if (demo) {
        const char *slash = strchr(demo, '/');
        if (!slash || slash == demo || !slash[1] ||
            (size_t)(slash - demo) >= sizeof demo_dev ||
            strlen(slash + 1) >= sizeof demo_cust) {
            fprintf(stderr, "odlocal: --demo-key wants DEVELOPERKEY/"
                            "CUSTOMERKEY\n");
            return EXIT_USAGE;
        }
        snprintf(demo_dev, sizeof demo_dev, "%.*s", (int)(slash - demo), demo);
        snprintf(demo_cust, sizeof demo_cust, "%s", slash + 1);
    } else {
        snprintf(demo_dev, sizeof demo_dev, "%s", DEMO_DEVELOPER_KEY);
        snprintf(demo_cust, sizeof demo_cust, "%s", DEMO_CUSTOMER_KEY);
    }

    /* Before the database: a second odlocal on the same port would else
     * seed a whole sandbox, or wait for the first one's, before failing. */
    if (!config && !init_only) {
        unsigned p = port >= 0 ? (unsigned)port : LOCAL_PORT;
        if (cli_port_in_use("127.0.0.1", p) || cli_port_in_use("::1", p)) {
            fprintf(stderr, "odlocal: port %u is already in use (another "
                    "odlocal, odservice or Open Dental's own API?); choose "
                    "another with --port\n", p);
            return EXIT_PORT;
        }
        if (ro.metrics.addr[0] &&
            cli_port_in_use(ro.metrics.addr, ro.metrics.port)) {
            fprintf(stderr, "odlocal: the metrics port %u on %s is already "
                    "in use; choose another with --metrics=PORT\n",
                    ro.metrics.port, ro.metrics.addr);
            return EXIT_PORT;
        }
    }
    if (!(cfg = odapi_config_new(ODAPI_MODE_LOCAL))) {
        fprintf(stderr, "odlocal: out of memory\n");
        return EXIT_OTHER;
    }
    if (port >= 0)
        odapi_config_set_port(cfg, (unsigned)port);
    if (pool > 0)
        odapi_config_set_limit(cfg, ODAPI_LIMIT_DB_POOL, pool);
    if (timeout > 0)
        odapi_config_set_limit(cfg, ODAPI_LIMIT_TIMEOUT, timeout);
    if (max_conns > 0)
        odapi_config_set_limit(cfg, ODAPI_LIMIT_MAX_CONNECTIONS, max_conns);
    if (max_body > 0)
        odapi_config_set_limit(cfg, ODAPI_LIMIT_MAX_BODY, max_body);
    if (per_address > 0)
        odapi_config_set_limit(cfg, ODAPI_LIMIT_MAX_CONNECTIONS_PER_ADDRESS,
                               per_address);
    if (header_timeout > 0)
        odapi_config_set_limit(cfg, ODAPI_LIMIT_HEADER_TIMEOUT, header_timeout);
    if (max_output > 0)
        odapi_config_set_limit(cfg, ODAPI_LIMIT_MAX_OUTPUT, max_output);
    if (config) {
        rc = odapi_config_load_webconfig(cfg, config, note, err, sizeof err);
        if (rc != ODAPI_OK) {
            fprintf(stderr, "odlocal: %s\n", err);
            odapi_config_free(cfg);
            return EXIT_CONFIG;
        }
    } else if (use_server) {
        rc = odapi_config_set_db_server(cfg, db_host, (unsigned)dbport,
                                        db_socket, db_user ? db_user : "root",
                                        getenv("ODAPI_DB_PASSWORD"),
                                        db_name ? db_name : "opendental");
        if (rc != ODAPI_OK) {
            fprintf(stderr, "odlocal: bad database options: %s\n",
                    odapi_strerror(rc));
            odapi_config_free(cfg);
            return EXIT_USAGE;
        }
    } else {
        if (!data_dir) {
            default_data_dir(dirbuf, sizeof dirbuf);
            data_dir = dirbuf;
        }
        rc = odapi_config_set_db_embedded(cfg, data_dir, "opendental", 1);
        if (rc != ODAPI_OK) {
            fprintf(stderr, "odlocal: cannot use the sandbox in %s: %s\n",
                    data_dir, odapi_strerror(rc));
            odapi_config_free(cfg);
            return rc == ODAPI_E_UNSUPPORTED ? EXIT_CONFIG : EXIT_USAGE;
        }
    }
    if (db_create)
        odapi_config_set_db_owned(cfg, 1);
    if (query_timeout > 0)
        odapi_config_set_limit(cfg, ODAPI_LIMIT_QUERY_SECONDS, query_timeout);
    if (query_max_bytes > 0)
        odapi_config_set_limit(cfg, ODAPI_LIMIT_QUERY_MAX_BYTES,
                               query_max_bytes);
    if (db_low_user)
        odapi_config_set_db_low_user(cfg, db_low_user,
                                     getenv("ODAPI_DB_LOW_PASSWORD"));
    if (known_hosts)
        odapi_config_set_known_hosts(cfg, known_hosts);
    if (image_dir)
        odapi_config_set_image_dir(cfg, image_dir);
    if (url_ca || url_private)
        odapi_config_set_url_fetch(cfg, url_ca, url_private);
    if (patients > 0)
        odapi_config_set_limit(cfg, ODAPI_LIMIT_SANDBOX_PATIENTS, patients);
    odapi_config_set_seed(cfg, (unsigned long)seed);
    if (level_set)
        odapi_config_set_log(cfg, NULL, NULL, level);
    if (log_file)
        odapi_config_set_log_file(cfg, log_file);
    odapi_config_set_log_format(cfg, ro.log_format);
    if (ro.to_syslog)
        odapi_config_set_log(cfg, cli_syslog_fn, &syslog_state, level);
    if (ro.metrics.addr[0])
        odapi_config_set_metrics(cfg, ro.metrics.addr, ro.metrics.port);
    if (keys && odapi_config_set_keys_file(cfg, keys) != ODAPI_OK) {
        odapi_config_free(cfg);
        return EXIT_OTHER;
    }
    /* The sandbox (and a database we create) answers the demo pair with
     * every permission, so tutorials written for Open Dental's test
     * database work unchanged. */
    if (!use_server || db_create || demo)
        odapi_config_add_key(cfg, demo_dev, demo_cust, "Sandbox Developer",
                             "all");

    rc = odapi_server_new(cfg, NULL, &srv);
    odapi_config_free(cfg);
    if (rc != ODAPI_OK) {
        fprintf(stderr, "odlocal: %s\n", odapi_strerror(rc));
        return EXIT_OTHER;
    }
    if (init_only) {
        rc = odapi_server_prepare_database(srv);
        if (rc != ODAPI_OK)
            fprintf(stderr, "odlocal: %s\n", odapi_server_errmsg(srv));
        odapi_server_free(srv);
        odapi_global_cleanup();
        return rc == ODAPI_OK ? 0 : cli_exit_code(rc);
    }
    rc = odapi_server_start(srv);
    if (rc != ODAPI_OK) {
        fprintf(stderr, "odlocal: %s\n", odapi_server_errmsg(srv));
        odapi_server_free(srv);
        odapi_global_cleanup();
        return cli_exit_code(rc);
    }
    odapi_server_handle_signals(srv, NULL, NULL);
    if (!quiet) {
        const char *url = odapi_server_base_url(srv);
        printf("odlocal %s: the Open Dental Local API is serving %s\n",
               odapi_version(),
               use_server ? "the configured database" : "the sandbox practice");
        if (!use_server)
            printf("  Sandbox:  %s\n", data_dir);
        printf("  Base URL: %s\n", url);
        if (!use_server || db_create || demo)
            printf("  Try:      curl -H 'Authorization: ODFHIR %s/%s' "
                   "-H 'Content-Type: application/json' %spatients/Simple\n",
                   demo_dev, demo_cust, url);
        printf("  Stop:     Ctrl-C\n");
        fflush(stdout);
    }
    rc = odapi_server_run(srv);
    odapi_server_free(srv);
    odapi_global_cleanup();
    return rc == ODAPI_OK ? 0 : EXIT_OTHER;

bad_number:
    /* argv[optind - 1] is the value when it came as a separate word */
    fprintf(stderr, "odlocal: '%s' is not a valid number for %s (see --help)\n",
            optarg, strcmp(argv[optind - 1], optarg) == 0 && optind >= 2
                         ? argv[optind - 2] : argv[optind - 1]);
    return EXIT_USAGE;
}
