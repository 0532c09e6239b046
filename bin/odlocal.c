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

#include "opts.h"

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
CLI_HELP_LIMITS
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




/* ---- options ----------------------------------------------------------------- */

#define MAX_PINS 8
#define LOCAL_PORT 30222 /* ODAPI_MODE_LOCAL's default */
#define METRICS_PORT 30232 /* --metrics without a port: ours plus ten */

static struct cli_syslog syslog_state; /* --log-format syslog */

struct local_opts {
    struct cli_common c;
    /* the database: a server's, or the sandbox in data_dir */
    const char *data_dir, *db_host, *db_socket, *db_user, *db_name;
    const char *keys, *demo, *db_low_user;
    long patients, seed, dbport, query_timeout, query_max_bytes;
    int db_create, init_only, level_set, use_server;
    odapi_log_level level;
    struct listen_opt metrics; /* addr[0] == '\0': off */
    /* the Cloud relay */
    const char *url, *ca, *cert, *key;
    const char *pins[MAX_PINS];
    int npins, nlisten;
    struct listen_opt listen[CLI_MAX_LISTEN];
    long connect_ms, exchange_ms, conns;
    char demo_dev[129], demo_cust[129], dirbuf[PATH_MAX];
};

static int opt_level(void *opts, const char *v)
{
    struct local_opts *o = opts;
    if (cli_parse_level(v, &o->level)) {
        fprintf(stderr, "odlocal: unknown log level '%s' (Error, "
                        "Warning, Information, Verbose)\n", v);
        return EXIT_USAGE;
    }
    o->level_set = 1;
    return 0;
}

static int opt_metrics(void *opts, const char *v)
{
    struct local_opts *o = opts;
    if (!cli_parse_metrics(v, METRICS_PORT, &o->metrics))
        return 0;
    fprintf(stderr, "odlocal: bad --metrics '%s' (PORT, ADDR:PORT "
                    "or [IPV6]:PORT)\n", v);
    return EXIT_USAGE;
}

static int opt_pin(void *opts, const char *v)
{
    struct local_opts *o = opts;
    if (o->npins == MAX_PINS) {
        fprintf(stderr, "odlocal: at most %d --relay-pin\n", MAX_PINS);
        return EXIT_USAGE;
    }
    o->pins[o->npins++] = v;
    return 0;
}

static int opt_listen(void *opts, const char *v)
{
    struct local_opts *o = opts;
    if (o->nlisten == CLI_MAX_LISTEN ||
        cli_parse_listen(v, &o->listen[o->nlisten])) {
        fprintf(stderr, "odlocal: bad or too many --listen '%s' "
                        "(ADDR, ADDR:PORT or [IPV6]:PORT; at most "
                        "%d)\n", v, CLI_MAX_LISTEN);
        return EXIT_USAGE;
    }
    o->nlisten++;
    return 0;
}

#define L struct local_opts
static const struct cli_opt local_opts_table[] = {
    CLI_COMMON_OPTS(L),
    CLI_O_STR("data-dir", 'd', L, data_dir, CLI_DB),
    CLI_O_LONG("patients", 0, L, patients, 1, 10000000, CLI_DB),
    CLI_O_LONG("seed", 0, L, seed, 0, LONG_MAX, CLI_DB),
    CLI_O_STR("db-host", 0, L, db_host, CLI_DB),
    CLI_O_LONG("db-port", 0, L, dbport, 1, 65535, CLI_DB),
    CLI_O_STR("db-socket", 0, L, db_socket, CLI_DB),
    CLI_O_STR("db-user", 0, L, db_user, CLI_DB),
    CLI_O_STR("db-name", 0, L, db_name, CLI_DB),
    CLI_O_FLAG("db-create", 0, L, db_create, CLI_DB),
    CLI_O_STR("keys", 0, L, keys, CLI_DB),
    CLI_O_STR("demo-key", 0, L, demo, CLI_DB),
    CLI_O_FLAG("init-only", 0, L, init_only, CLI_DB),
    CLI_O_LONG("query-timeout", 0, L, query_timeout, 1, 86400, CLI_DB),
    CLI_O_STR("db-low-user", 0, L, db_low_user, CLI_DB),
    CLI_O_LONG("query-max-bytes", 0, L, query_max_bytes, 1, LONG_MAX, CLI_DB),
    CLI_O_FN("log-level", required_argument, 0, opt_level, 0),
    CLI_O_FN("metrics", optional_argument, 0, opt_metrics, 0),
    CLI_O_STR("relay", 0, L, url, 0),
    CLI_O_STR("relay-ca", 0, L, ca, 0),
    CLI_O_FN("relay-pin", required_argument, 0, opt_pin, 0),
    CLI_O_STR("relay-cert", 0, L, cert, 0),
    CLI_O_STR("relay-key", 0, L, key, 0),
    CLI_O_LONG("relay-connect-timeout", 0, L, connect_ms, 1, 3600000, 0),
    CLI_O_LONG("relay-timeout", 0, L, exchange_ms, 1, 86400000, 0),
    CLI_O_LONG("relay-connections", 0, L, conns, 1, 4096, 0),
    CLI_O_FN("listen", required_argument, 'l', opt_listen, 0),
};
#undef L

static const struct cli_prog local_prog = {
    "odlocal", "", local_opts_table, CLI_LEN(local_opts_table), usage
};

/* The log settings both ways of running share. */
static void set_log(odapi_config *cfg, const struct local_opts *o)
{
    if (o->c.log_file)
        odapi_config_set_log_file(cfg, o->c.log_file);
    odapi_config_set_log_format(cfg, o->c.log_format);
    if (o->c.to_syslog)
        odapi_config_set_log(cfg, cli_syslog_fn, &syslog_state, o->level);
    else if (o->level_set)
        odapi_config_set_log(cfg, NULL, NULL, o->level);
    if (o->metrics.addr[0])
        odapi_config_set_metrics(cfg, o->metrics.addr, o->metrics.port);
}

/* ---- the Cloud relay -------------------------------------------------------- */

/* The relay's own settings on cfg; 0, or -1 with a message printed. */
static int relay_settings(odapi_config *cfg, const struct local_opts *o)
{
    int i, rc;
    if ((rc = odapi_config_set_relay(cfg, o->url, o->ca)) != ODAPI_OK) {
        fprintf(stderr, "odlocal: --relay wants https://host[:port]: %s\n",
                odapi_strerror(rc));
        return -1;
    }
    for (i = 0; i < o->npins; i++)
        if (odapi_config_add_relay_pin(cfg, o->pins[i]) != ODAPI_OK) {
            fprintf(stderr, "odlocal: --relay-pin '%s' is not a SHA-256 (64 "
                            "hex digits, colons allowed, or sha256//BASE64)\n",
                    o->pins[i]);
            return -1;
        }
    if ((o->cert || o->key) &&
        odapi_config_set_relay_client_cert(cfg, o->cert, o->key) != ODAPI_OK) {
        fprintf(stderr, "odlocal: give both --relay-cert and --relay-key\n");
        return -1;
    }
    if (o->nlisten) {
        odapi_config_clear_listen(cfg);
        for (i = 0; i < o->nlisten; i++)
            odapi_config_add_listen(cfg, o->listen[i].addr, o->listen[i].port);
    }
    return 0;
}

/* The relay's configuration; NULL with a message printed. */
static odapi_config *relay_config(const struct local_opts *o)
{
    odapi_config *cfg = odapi_config_new(ODAPI_MODE_RELAY);
    if (!cfg) {
        fprintf(stderr, "odlocal: out of memory\n");
        return NULL;
    }
    if (relay_settings(cfg, o)) {
        odapi_config_free(cfg);
        return NULL;
    }
    if (o->c.port >= 0)
        odapi_config_set_port(cfg, (unsigned)o->c.port);
    cli_apply_relay_limits(cfg, &o->c);
    cli_limit(cfg, ODAPI_LIMIT_RELAY_CONNECT_MS, o->connect_ms);
    cli_limit(cfg, ODAPI_LIMIT_RELAY_TIMEOUT_MS, o->exchange_ms);
    cli_limit(cfg, ODAPI_LIMIT_RELAY_CONNECTIONS, o->conns);
    set_log(cfg, o);
    return cfg;
}

/* Start srv and serve until a signal stops it; the exit status. */
static int serve(odapi_server *srv, void (*banner)(odapi_server *,
                 const struct local_opts *), const struct local_opts *o)
{
    int rc = odapi_server_start(srv);
    if (rc != ODAPI_OK) {
        fprintf(stderr, "odlocal: %s\n", odapi_server_errmsg(srv));
        odapi_server_free(srv);
        odapi_global_cleanup();
        return cli_exit_code(rc);
    }
    odapi_server_handle_signals(srv, NULL, NULL);
    if (!o->c.quiet) {
        banner(srv, o);
        fflush(stdout);
    }
    rc = odapi_server_run(srv);
    odapi_server_free(srv);
    odapi_global_cleanup();
    return rc == ODAPI_OK ? 0 : EXIT_OTHER;
}

static void relay_banner(odapi_server *srv, const struct local_opts *o)
{
    printf("odlocal %s: the Cloud relay passes every request to the API "
           "Service at %s\n", odapi_version(), o->url);
    printf("  Base URL: %s\n", odapi_server_base_url(srv));
    printf("  Check:    curl %s\n", odapi_server_base_url(srv));
    printf("  Stop:     Ctrl-C\n");
}

/* A server of cfg (freed); NULL with the reason printed. */
static odapi_server *new_server(odapi_config *cfg)
{
    odapi_server *srv;
    int rc = odapi_server_new(cfg, NULL, &srv);
    odapi_config_free(cfg);
    if (rc == ODAPI_OK)
        return srv;
    fprintf(stderr, "odlocal: %s\n", odapi_strerror(rc));
    return NULL;
}

static int run_relay(const struct local_opts *o)
{
    odapi_config *cfg = relay_config(o);
    odapi_server *srv;
    if (!cfg)
        return EXIT_USAGE;
    if (!(srv = new_server(cfg)))
        return EXIT_OTHER;
    return serve(srv, relay_banner, o);
}

/* ---- the Local API ---------------------------------------------------------- */

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

/* The options that go together (relay, database, demo key); -1 when they
 * do, else the exit status with the reason printed. */
static int check_local(struct local_opts *o)
{
    const char *demo = o->demo, *slash;
    if (o->nlisten || o->ca || o->npins || o->cert || o->key ||
        o->connect_ms || o->exchange_ms || o->conns) {
        fprintf(stderr, "odlocal: --listen and the --relay-* options need "
                        "--relay (the Local API never leaves this machine)\n");
        return EXIT_USAGE;
    }
    o->use_server = o->c.config || o->db_host || o->db_socket || o->db_name ||
                    o->dbport;
    if (o->c.config && (o->db_host || o->db_socket || o->db_name || o->dbport)) {
        fprintf(stderr, "odlocal: use either --config or the --db-* "
                        "options, not both\n");
        return EXIT_USAGE;
    }
    if (!demo) {
        snprintf(o->demo_dev, sizeof o->demo_dev, "%s", DEMO_DEVELOPER_KEY);
        snprintf(o->demo_cust, sizeof o->demo_cust, "%s", DEMO_CUSTOMER_KEY);
        return -1;
    }
    slash = strchr(demo, '/');
    if (!slash || slash == demo || !slash[1] ||
        (size_t)(slash - demo) >= sizeof o->demo_dev ||
        strlen(slash + 1) >= sizeof o->demo_cust) {
        fprintf(stderr, "odlocal: --demo-key wants DEVELOPERKEY/"
                        "CUSTOMERKEY\n");
        return EXIT_USAGE;
    }
    snprintf(o->demo_dev, sizeof o->demo_dev, "%.*s", (int)(slash - demo),
             demo);
    snprintf(o->demo_cust, sizeof o->demo_cust, "%s", slash + 1);
    return -1;
}

/* Before the database: a second odlocal on the same port would else seed
 * a whole sandbox, or wait for the first one's, before failing. -1 when
 * the ports are free. */
static int check_ports(const struct local_opts *o)
{
    unsigned p = o->c.port >= 0 ? (unsigned)o->c.port : LOCAL_PORT;
    if (o->c.config || o->init_only)
        return -1;
    if (cli_port_in_use("127.0.0.1", p) || cli_port_in_use("::1", p)) {
        fprintf(stderr, "odlocal: port %u is already in use (another "
                "odlocal, odservice or Open Dental's own API?); choose "
                "another with --port\n", p);
        return EXIT_PORT;
    }
    if (o->metrics.addr[0] &&
        cli_port_in_use(o->metrics.addr, o->metrics.port)) {
        fprintf(stderr, "odlocal: the metrics port %u on %s is already "
                "in use; choose another with --metrics=PORT\n",
                o->metrics.port, o->metrics.addr);
        return EXIT_PORT;
    }
    return -1;
}

/* The database on cfg: the web config's, a server's, or the sandbox;
 * -1, or the exit status with the reason printed. */
static int set_database(odapi_config *cfg, struct local_opts *o)
{
    char err[1024];
    int rc;
    if (o->c.config) {
        rc = odapi_config_load_webconfig(cfg, o->c.config, o->c.note, err,
                                         sizeof err);
        if (rc == ODAPI_OK)
            return -1;
        fprintf(stderr, "odlocal: %s\n", err);
        return EXIT_CONFIG;
    }
    if (o->use_server) {
        rc = odapi_config_set_db_server(
            cfg, o->db_host, (unsigned)o->dbport, o->db_socket,
            o->db_user ? o->db_user : "root", getenv("ODAPI_DB_PASSWORD"),
            o->db_name ? o->db_name : "opendental");
        if (rc == ODAPI_OK)
            return -1;
        fprintf(stderr, "odlocal: bad database options: %s\n",
                odapi_strerror(rc));
        return EXIT_USAGE;
    }
    if (!o->data_dir) {
        default_data_dir(o->dirbuf, sizeof o->dirbuf);
        o->data_dir = o->dirbuf;
    }
    rc = odapi_config_set_db_embedded(cfg, o->data_dir, "opendental", 1);
    if (rc == ODAPI_OK)
        return -1;
    fprintf(stderr, "odlocal: cannot use the sandbox in %s: %s\n",
            o->data_dir, odapi_strerror(rc));
    return rc == ODAPI_E_UNSUPPORTED ? EXIT_CONFIG : EXIT_USAGE;
}

/* The sandbox (and a database we create) answers the demo pair with every
 * permission, so tutorials written for Open Dental's test database work
 * unchanged. */
static int has_demo_key(const struct local_opts *o)
{
    return !o->use_server || o->db_create || o->demo;
}

/* What the database gives besides its connection: Queries, documents,
 * the sandbox's size and seed, keys. -1, or the exit status. */
static int set_database_use(odapi_config *cfg, const struct local_opts *o)
{
    if (o->db_create)
        odapi_config_set_db_owned(cfg, 1);
    cli_limit(cfg, ODAPI_LIMIT_QUERY_SECONDS, o->query_timeout);
    cli_limit(cfg, ODAPI_LIMIT_QUERY_MAX_BYTES, o->query_max_bytes);
    if (o->db_low_user)
        odapi_config_set_db_low_user(cfg, o->db_low_user,
                                     getenv("ODAPI_DB_LOW_PASSWORD"));
    cli_apply_documents(cfg, &o->c);
    cli_limit(cfg, ODAPI_LIMIT_SANDBOX_PATIENTS, o->patients);
    odapi_config_set_seed(cfg, (unsigned long)o->seed);
    if (o->keys && odapi_config_set_keys_file(cfg, o->keys) != ODAPI_OK)
        return EXIT_OTHER;
    if (has_demo_key(o))
        odapi_config_add_key(cfg, o->demo_dev, o->demo_cust,
                             "Sandbox Developer", "all");
    return -1;
}

/* The Local API's configuration; NULL with *code set (and the reason
 * printed). */
static odapi_config *local_config(struct local_opts *o, int *code)
{
    odapi_config *cfg = odapi_config_new(ODAPI_MODE_LOCAL);
    if (!cfg) {
        fprintf(stderr, "odlocal: out of memory\n");
        *code = EXIT_OTHER;
        return NULL;
    }
    if (o->c.port >= 0)
        odapi_config_set_port(cfg, (unsigned)o->c.port);
    cli_apply_limits(cfg, &o->c);
    if ((*code = set_database(cfg, o)) < 0) {
        set_log(cfg, o);
        if ((*code = set_database_use(cfg, o)) < 0)
            return cfg;
    }
    odapi_config_free(cfg);
    return NULL;
}

static void local_banner(odapi_server *srv, const struct local_opts *o)
{
    const char *url = odapi_server_base_url(srv);
    printf("odlocal %s: the Open Dental Local API is serving %s\n",
           odapi_version(),
           o->use_server ? "the configured database" : "the sandbox practice");
    if (!o->use_server)
        printf("  Sandbox:  %s\n", o->data_dir);
    printf("  Base URL: %s\n", url);
    if (has_demo_key(o))
        printf("  Try:      curl -H 'Authorization: ODFHIR %s/%s' "
               "-H 'Content-Type: application/json' %spatients/Simple\n",
               o->demo_dev, o->demo_cust, url);
    printf("  Stop:     Ctrl-C\n");
}

/* --init-only: prepare the database, serve nothing. */
static int init_only(odapi_server *srv)
{
    int rc = odapi_server_prepare_database(srv);
    if (rc != ODAPI_OK)
        fprintf(stderr, "odlocal: %s\n", odapi_server_errmsg(srv));
    odapi_server_free(srv);
    odapi_global_cleanup();
    return rc == ODAPI_OK ? 0 : cli_exit_code(rc);
}

static int run_local(struct local_opts *o)
{
    odapi_config *cfg;
    odapi_server *srv;
    int rc;
    if ((rc = check_local(o)) >= 0 || (rc = check_ports(o)) >= 0)
        return rc;
    if (!(cfg = local_config(o, &rc)))
        return rc;
    if (!(srv = new_server(cfg)))
        return EXIT_OTHER;
    return o->init_only ? init_only(srv) : serve(srv, local_banner, o);
}

int main(int argc, char **argv)
{
    struct local_opts o;
    int groups, first, rc;
    memset(&o, 0, sizeof o);
    cli_common_init(&o.c);
    o.patients = o.query_timeout = o.query_max_bytes = -1;
    o.seed = 1;
    o.level = ODAPI_LOG_INFO;
    if ((rc = cli_parse(&local_prog, &o, argc, argv, &groups, &first)) >= 0)
        return rc;
    if (first < argc) {
        fprintf(stderr, "odlocal: unexpected argument '%s' (see --help)\n",
                argv[first]);
        return EXIT_USAGE;
    }
    if ((rc = cli_open_syslog(&o.c, &syslog_state, "odlocal", LOG_USER,
                              "a syslog daemon or journald")))
        return rc;
    if (!o.url)
        return run_local(&o);
    if (groups & CLI_DB) {
        fprintf(stderr, "odlocal: --relay takes no database options: the "
                        "API Service it relays to has the database\n");
        return EXIT_USAGE;
    }
    return run_relay(&o);
}
