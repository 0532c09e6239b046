/*
 * odapi/server.h - configure, start and extend an Open Dental API server.
 *
 * Life of a server:
 *
 *     odapi_config *cfg = odapi_config_new(ODAPI_MODE_LOCAL);
 *     odapi_config_set_db_embedded(cfg, "sandbox", NULL, 1); // demo practice
 *     odapi_server *srv;
 *     odapi_server_new(cfg, NULL, &srv);             // NULL: own event base
 *     odapi_config_free(cfg);                        // the server keeps a copy
 *     odapi_server_add_route(srv, "GET", "/hello/{Name}",
 *                            ODAPI_PERM_READ_ALL, hello, NULL);
 *     if (odapi_server_start(srv) != ODAPI_OK)
 *         fprintf(stderr, "%s\n", odapi_server_errmsg(srv));
 *     odapi_server_run(srv);                         // until SIGTERM/stop
 *     odapi_server_free(srv);
 *
 * Threads: every function here that takes an odapi_server or odapi_request
 * must be called on the thread that runs the server's event loop, except
 * odapi_server_stop_async(). Handlers run on that thread; database work runs
 * on the library's worker threads (odapi_request_mariadb()).
 */
#ifndef ODAPI_SERVER_H
#define ODAPI_SERVER_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

struct event_base;

typedef struct odapi_config odapi_config;
typedef struct odapi_server odapi_server;
typedef struct odapi_request odapi_request;

/* The two programs' presets (docs/api.md, odlocal(1), odservice(8)). */
typedef enum odapi_mode {
    ODAPI_MODE_LOCAL = 1,   /* Local API: 127.0.0.1 and ::1, port 30222 */
    ODAPI_MODE_SERVICE = 2, /* API Service: all interfaces, port 30223,
                               fires Database Events */
    ODAPI_MODE_RELAY = 3    /* Cloud relay: 127.0.0.1 and ::1, port 30223,
                               no database; forwards /api/v1/ to a hosted
                               API Service (odapi_config_set_relay) */
} odapi_mode;

/*
 * API permissions (Open Dental's apipermissions.html). The numbers are Open
 * Dental's own APIPermission values. ODAPI_PERM_NONE marks a route that needs
 * no credentials; ODAPI_PERM_KEY one that needs a valid key and nothing more.
 */
typedef enum odapi_permission {
    ODAPI_PERM_NONE = 0,
    ODAPI_PERM_KEY = 1,
    ODAPI_PERM_READ_ALL = 25,
    ODAPI_PERM_ALL_OTHERS = 26,
    ODAPI_PERM_COMM = 27,
    ODAPI_PERM_DOCUMENTS = 28,
    ODAPI_PERM_QUERIES = 29,
    ODAPI_PERM_APPOINTMENTS = 30,
    ODAPI_PERM_INSURANCE = 31,
    ODAPI_PERM_PATIENTS = 32,
    ODAPI_PERM_PAYMENTS = 33,
    ODAPI_PERM_PAY_PLANS = 34,
    ODAPI_PERM_PROCEDURE_LOGS = 35,
    ODAPI_PERM_SETUP = 36,
    ODAPI_PERM_TEXTING_ASAP = 37,
    ODAPI_PERM_ENTERPRISE = 38,
    ODAPI_PERM_INSURANCE_SIMPLE = 39 /* number ours: not published */
} odapi_permission;

/* Numeric limits, set with odapi_config_set_limit(). */
typedef enum odapi_limit {
    ODAPI_LIMIT_MAX_BODY = 1,        /* bytes of a request body */
    ODAPI_LIMIT_MAX_HEADERS = 2,     /* bytes of the request line + headers */
    ODAPI_LIMIT_TIMEOUT = 3,         /* seconds a connection may sit idle or
                                        take to send a request */
    ODAPI_LIMIT_MAX_CONNECTIONS = 4, /* open client connections */
    ODAPI_LIMIT_DB_POOL = 5,         /* database worker threads */
    ODAPI_LIMIT_DB_QUEUE = 6,        /* queued database jobs before 503 */
    ODAPI_LIMIT_DRAIN_MS = 7,        /* graceful stop: longest wait for
                                        requests in flight */
    ODAPI_LIMIT_CRED_TTL = 8,        /* seconds a credential verdict lasts */
    ODAPI_LIMIT_SANDBOX_PATIENTS = 9, /* patients seeded in a new sandbox */
    ODAPI_LIMIT_QUERY_SECONDS = 10,  /* Queries: seconds a query may run
                                        (max_statement_time) */
    ODAPI_LIMIT_QUERY_MAX_BYTES = 11, /* Queries: largest JSON answer or
                                         CSV file */
    ODAPI_LIMIT_QUERY_CONCURRENCY = 12, /* Queries running at once; 0 = one
                                          fewer than ODAPI_LIMIT_DB_POOL */
    ODAPI_LIMIT_EVENT_TIMEOUT_MS = 13, /* Database Events: longest wait for a
                                          webhook receiver's answer */
    ODAPI_LIMIT_RELAY_CONNECT_MS = 14, /* Cloud relay: longest TCP connect and
                                          TLS handshake to the API Service */
    ODAPI_LIMIT_RELAY_TIMEOUT_MS = 15, /* Cloud relay: longest time from
                                          forwarding a request to the end of
                                          its answer */
    ODAPI_LIMIT_RELAY_CONNECTIONS = 16, /* Cloud relay: connections to the
                                           API Service at most (kept alive) */
    ODAPI_LIMIT_MAX_JSON_BODY = 17,  /* bytes of a request body on routes
                                        that take JSON (all but uploads);
                                        never above ODAPI_LIMIT_MAX_BODY */
    ODAPI_LIMIT_MAX_OUTPUT = 18,     /* bytes of answers all clients
                                        together have not read; above it a
                                        client with unread answers gets no
                                        new request taken up, and clients
                                        that stopped reading are dropped */
    ODAPI_LIMIT_MAX_CONNECTIONS_PER_ADDRESS = 19, /* open connections from
                                        one address; 0 = a quarter of
                                        ODAPI_LIMIT_MAX_CONNECTIONS, at least
                                        64 (or all of them when fewer) */
    ODAPI_LIMIT_HEADER_TIMEOUT = 20  /* seconds from a request's first byte
                                        to the end of its headers */
} odapi_limit;

/* Log levels, as Open Dental's LogLevelOfApplication names them. */
typedef enum odapi_log_level {
    ODAPI_LOG_ERROR = 0,
    ODAPI_LOG_WARNING = 1,
    ODAPI_LOG_INFO = 2,
    ODAPI_LOG_VERBOSE = 3
} odapi_log_level;

/* How log lines are written (odapi_config_set_log_format). */
typedef enum {
    ODAPI_LOG_FORMAT_TEXT = 0, /* 2026-12-04T16:54:05+0000 Info: message */
    ODAPI_LOG_FORMAT_JSON = 1  /* one JSON object per line */
} odapi_log_format;

typedef void (*odapi_log_fn)(void *arg, odapi_log_level level,
                             const char *message);

/* ------------------------------------------------------------------------ */
/* Configuration                                                             */

/* A configuration with the preset for mode, or NULL when out of memory. */
odapi_config *odapi_config_new(odapi_mode mode);
void odapi_config_free(odapi_config *cfg);

/* Forget the preset's listen addresses. */
int odapi_config_clear_listen(odapi_config *cfg);
/* Listen on addr ("127.0.0.1", "::1", "0.0.0.0", "::", a host name) and
 * port (0 = the mode's port). Up to 8 addresses. */
int odapi_config_add_listen(odapi_config *cfg, const char *addr,
                            unsigned port);
/* Change the port of every listen address (0 = any free port, for tests;
 * odapi_server_port() tells which). */
int odapi_config_set_port(odapi_config *cfg, unsigned port);

int odapi_config_set_limit(odapi_config *cfg, odapi_limit which, long value);

/* A database server. host NULL or "localhost" with a socket path uses the
 * unix socket; port 0 means 3306. */
int odapi_config_set_db_server(odapi_config *cfg, const char *host,
                               unsigned port, const char *socket,
                               const char *user, const char *password,
                               const char *database);
/* An embedded MariaDB server with its data in datadir (created if absent).
 * With create_schema non-zero the library creates the Open Dental tables
 * and seeds a demo practice in an empty database (the sandbox). */
int odapi_config_set_db_embedded(odapi_config *cfg, const char *datadir,
                                 const char *database, int create_schema);
/* Declare the configured database as owned by the library: when it has no
 * Open Dental tables, create them and seed a demo practice (the embedded
 * sandbox is always owned). Never set this for a real practice database. */
int odapi_config_set_db_owned(odapi_config *cfg, int owned);
/* Seed value of the demo practice (same seed, same rows). */
int odapi_config_set_seed(odapi_config *cfg, unsigned long seed);
/* Open Dental's low-privilege account (UserLow/PasswordLow) for queries. */
int odapi_config_set_db_low_user(odapi_config *cfg, const char *user,
                                 const char *password);
/* Known-hosts file (OpenSSH format) that Queries POST checks SFTP host
 * keys against. NULL: $HOME/.ssh/known_hosts. */
int odapi_config_set_known_hosts(odapi_config *cfg, const char *path);
/* The A to Z images folder the documents, EOB and sheet routes keep their
 * files in, instead of the practice's DocPath preference (as a
 * workstation's own A to Z path does in Open Dental). NULL: DocPath; the
 * sandbox's is {datadir}/images. */
int odapi_config_set_image_dir(odapi_config *cfg, const char *path);
/* Documents POST SetByUrl downloads: CA file for https (NULL: the system's
 * CAs), and whether a URL may name this machine or a private network
 * (0: such addresses are refused). */
int odapi_config_set_url_fetch(odapi_config *cfg, const char *ca_file,
                               int allow_private);

/* Credentials: a keys file (docs/credentials.md) and/or single pairs. */
int odapi_config_set_keys_file(odapi_config *cfg, const char *path);
/* perms: comma-separated permission names (docs/credentials.md: "ApiReadAll,
 * ApiPatients"), or "all". */
int odapi_config_add_key(odapi_config *cfg, const char *developer_key,
                         const char *customer_key, const char *developer_name,
                         const char *perms);
/* A remote validation URL (https://...); ca_file NULL = system CAs. */
int odapi_config_set_validator_url(odapi_config *cfg, const char *url,
                                   const char *ca_file);

/* A read replica of the database server named by
 * odapi_config_set_db_server() (docs/scale-out.md): a MariaDB replica,
 * reached at host:port (port 0: 3306) or through a unix socket, with the
 * same user, password and database name. GETs go to a replica that has
 * every change the primary had max_lag_ms ago (0 to 60000), else to the
 * primary. At most 8; call once per replica. */
int odapi_config_add_read_replica(odapi_config *cfg, const char *host,
                                  unsigned port, const char *socket,
                                  long max_lag_ms);

/* Where log lines go (default: stderr), and the most verbose level kept. */
int odapi_config_set_log(odapi_config *cfg, odapi_log_fn fn, void *arg,
                         odapi_log_level level);

/* Serve HTTPS with this certificate chain and private key (PEM files). */
int odapi_config_set_tls(odapi_config *cfg, const char *cert_file,
                         const char *key_file);

/* HTTPS only for clients with a certificate that ca_file (PEM) vouches
 * for (NULL: any client, the default). Needs odapi_config_set_tls(). */
int odapi_config_set_tls_client_ca(odapi_config *cfg, const char *ca_file);

/* Cloud relay (ODAPI_MODE_RELAY, docs/cloud.md): forward every /api/v1/
 * request to the API Service at url ("https://host[:port]", optionally
 * with a path prefix), its certificate verified against ca_file (PEM;
 * NULL: the system's CAs) and/or the pins of odapi_config_add_relay_pin(). */
int odapi_config_set_relay(odapi_config *cfg, const char *url,
                           const char *ca_file);
/* Accept the API Service's certificate when its SHA-256 (of the whole
 * certificate, or of its public key) is pin: 64 hex digits (colons
 * allowed, as "openssl x509 -fingerprint -sha256" prints them) or
 * "sha256//" and base64 (curl's --pinnedpubkey form). Up to 8 pins. With
 * pins and no CA file, the pins alone decide. */
int odapi_config_add_relay_pin(odapi_config *cfg, const char *pin);
/* The workstation's client certificate chain and key (PEM files) for an
 * API Service that requires one (odapi_config_set_tls_client_ca()). */
int odapi_config_set_relay_client_cert(odapi_config *cfg,
                                       const char *cert_file,
                                       const char *key_file);

/* Read Open Dental's OpenDentalWebConfig.xml (docs/webconfig.md) into cfg: the
 * DatabaseConnection whose Note is note (NULL: "DentalOffice", or the only
 * entry), LogLevelOfApplication, and libodapi's optional extension elements
 * (docs/webconfig.md). On failure returns ODAPI_E_CONFIG (or ODAPI_E_IO,
 * ODAPI_E_NOMEM) and writes one sentence naming the file, the element and
 * the fix into err. */
int odapi_config_load_webconfig(odapi_config *cfg, const char *path,
                                const char *note, char *err, size_t errlen);

/* Also write log lines, and one line per request, to this file (appended,
 * reopened by odapi_server_reopen_logs(), e.g. after logrotate). */
int odapi_config_set_log_file(odapi_config *cfg, const char *path);
/* The log file cfg names (set with odapi_config_set_log_file() or read
 * from <OdapiLogFile>), or NULL. Valid until cfg changes or is freed. */
const char *odapi_config_get_log_file(const odapi_config *cfg);
/* Text lines (the default) or JSON lines, on standard error and in the log
 * file alike; a log function of the application's own gets text. */
int odapi_config_set_log_format(odapi_config *cfg, odapi_log_format format);

/* Serve GET /metrics (Prometheus text format) on a listener of its own at
 * address:port (port 0: any free port, logged at start); address NULL
 * turns it off, the default. The API's own port never answers /metrics.
 * Added in ODAPI_1.2. */
int odapi_config_set_metrics(odapi_config *cfg, const char *address,
                             unsigned port);

/* Check the credentials part of cfg as odapi_server_start() would, without
 * starting anything: read and parse the keys file, the pairs of
 * odapi_config_add_key() and the validator settings. ODAPI_OK, or
 * ODAPI_E_CONFIG with one sentence in err naming the file, line and column
 * and what was expected (never the file's own text). */
int odapi_config_check_keys(const odapi_config *cfg, char *err,
                            size_t errlen);

/* Database Events (docs/events.md): with enabled non-zero the
 * server fires the subscriptions whose Workstation is workstation (NULL or
 * "": this host's name) or blank. https endpoints are verified against
 * ca_file (PEM; NULL: the system's CAs). odservice turns this on; the Local
 * API leaves it off. */
int odapi_config_set_events(odapi_config *cfg, int enabled,
                            const char *workstation, const char *ca_file);
/* Where Database Events keep their own state (delivery leases, attempts,
 * the last error, each subscription's developer and HMAC secret), never in
 * the practice database: dir, a folder of this machine (made if missing;
 * one process per folder fires), or database, a database of its own on the
 * same server (made only by odapi_server_init_events_state(); several
 * instances may share it). database wins when both are given; NULL or ""
 * for both: no state, and events cannot fire. */
int odapi_config_set_events_state(odapi_config *cfg, const char *dir,
                                  const char *database);

/* ------------------------------------------------------------------------ */
/* Server                                                                    */

/* Make a server from cfg (copied; cfg may be freed afterwards). base NULL:
 * the server owns an event base and odapi_server_run() drives it; else the
 * application drives base (which must have been made after
 * evthread_use_pthreads()). */
int odapi_server_new(const odapi_config *cfg, struct event_base *base,
                     odapi_server **out);

/* Open the database and the listeners. ODAPI_E_ADDR_IN_USE when another
 * program has the port; the message says which. */
int odapi_server_start(odapi_server *srv);

/* Open the database as odapi_server_start() would (create and seed an owned
 * database, check the schema), then close it, without serving: for set-up
 * and for checking a configuration. */
int odapi_server_prepare_database(odapi_server *srv);

/* Create the events state database of odapi_config_set_events_state()
 * and its table when absent (CREATE DATABASE and CREATE TABLE IF NOT
 * EXISTS): the only thing libodapi creates on a server it does not own,
 * and only when this is called. odapi_server_errmsg() says what was done
 * or why not. Not on a started server. */
int odapi_server_init_events_state(odapi_server *srv);

/* Whether Database Events can fire, and why not: ODAPI_OK when they fire
 * (or would, on a server not started yet: checked now without changing
 * anything) or are off; otherwise an error. why gets one sentence either
 * way. */
int odapi_server_check_events(odapi_server *srv, char *why, size_t len);

/* Run the server's own event loop until the server stops (SIGINT and
 * SIGTERM stop it gracefully when odapi_server_handle_signals() was
 * called). Returns ODAPI_OK after a clean stop. */
int odapi_server_run(odapi_server *srv);

/* Catch SIGINT/SIGTERM (graceful stop) and ignore SIGPIPE, on the server's
 * event base. SIGHUP reopens the log file and calls hup(arg) when hup is
 * not NULL; SIGUSR1 only reopens the log file (logrotate). */
int odapi_server_handle_signals(odapi_server *srv, void (*hup)(void *arg),
                                void *arg);

/* Graceful stop: stop accepting, let requests in flight finish (up to
 * ODAPI_LIMIT_DRAIN_MS), close connections, then leave the loop. */
void odapi_server_stop(odapi_server *srv);
/* The same, callable from any thread or a signal-free context. */
void odapi_server_stop_async(odapi_server *srv);

/* Reopen the log file (after logrotate moved it). */
int odapi_server_reopen_logs(odapi_server *srv);

/* Stop (if running) and free everything. */
void odapi_server_free(odapi_server *srv);

/* At process exit, after every server is freed: stop the MySQL client
 * library and shut the embedded database server down cleanly (a later
 * start then needs no crash recovery). */
void odapi_global_cleanup(void);

/* The last error's message, "" when none. */
const char *odapi_server_errmsg(const odapi_server *srv);
/* The port actually listened on (after start). */
unsigned odapi_server_port(const odapi_server *srv);
/* "http://127.0.0.1:30222/api/v1/" for the first listen address. */
const char *odapi_server_base_url(const odapi_server *srv);
/* The server's event base. */
struct event_base *odapi_server_event_base(odapi_server *srv);

/* ------------------------------------------------------------------------ */
/* Routes and requests                                                       */

/* A handler runs on the loop thread. It must answer the request exactly
 * once, now or later (after odapi_request_mariadb()), with odapi_reply*(). */
typedef void (*odapi_handler_fn)(odapi_request *req, void *arg);

/* Add a route under /api/v1. pattern is "/resource[/segment...]"; a
 * segment "{Name}" matches any one segment and is read back with
 * odapi_request_segment(req, "Name"). Literal segments win over named ones.
 * Routes added by the application come before the built-in ones. */
int odapi_server_add_route(odapi_server *srv, const char *method,
                           const char *pattern, odapi_permission perm,
                           odapi_handler_fn handler, void *arg);

const char *odapi_request_method(const odapi_request *req);
/* The path without the query string, not decoded. */
const char *odapi_request_path(const odapi_request *req);
/* A named segment of the route's pattern, percent-decoded; NULL if none. */
const char *odapi_request_segment(const odapi_request *req, const char *name);
/* A query parameter, decoded once ('+' and %20 are spaces); NULL if
 * absent. Names are matched case-insensitively. */
const char *odapi_request_query(const odapi_request *req, const char *name);
/* A request header, NULL if absent. */
const char *odapi_request_header(const odapi_request *req, const char *name);
/* The request body (NUL-terminated; len may be NULL). */
const char *odapi_request_body(const odapi_request *req, size_t *len);
/* The developer name of the caller's key ("" on routes without one). */
const char *odapi_request_developer(const odapi_request *req);

/* Add a response header (e.g. Location) before replying. */
int odapi_request_add_header(odapi_request *req, const char *name,
                             const char *value);
/* Reply with status and a JSON body (len (size_t)-1: strlen). */
void odapi_reply(odapi_request *req, int status, const char *json,
                 size_t len);
/* Reply with status and message encoded as a JSON string, the API's error
 * form: odapi_reply_error(req, 404, "Patient not found.") sends
 * "Patient not found." with its quotes. */
void odapi_reply_error(odapi_request *req, int status, const char *message);

/* A database worker's connection: the MYSQL of MariaDB's C API, in the
 * client library libodapi loaded (libmariadb.so.3, MariaDB Connector/C, for
 * a server database; libmariadbd.so.19, the embedded server, for the
 * sandbox) or the one the application linked itself (docs/database.md,
 * "Which client library"). MariaDB's <mysql.h> defines MYSQL as struct
 * st_mysql, so a MYSQL * is an odapi_mariadb * without a cast. */
typedef struct st_mysql odapi_mariadb;

/* Run work(mysql, arg) on a database worker thread, then done(req, status,
 * arg) on the loop thread, where the handler replies. When this returns
 * ODAPI_OK, done is called exactly once: status ODAPI_OK after work ran,
 * or another code (ODAPI_E_DB_CONNECT: the database could not be reached)
 * when work did not run; either way the request is still unanswered and
 * done owns arg. Any other return: nothing was queued, done is never
 * called, arg is still the caller's and the handler replies (ODAPI_E_BUSY:
 * the queue is full, reply 503; ODAPI_E_STATE: no database). Since 1.2. */
int odapi_request_mariadb(odapi_request *req,
                          void (*work)(odapi_mariadb *mysql, void *arg),
                          void (*done)(odapi_request *req, int status,
                                       void *arg),
                          void *arg);

/* The 1.0 form of odapi_request_mariadb: done(req, arg) is called only
 * after work ran; when the database cannot be reached the library replies
 * 503 itself and done is never called, so arg has no owner then. Use
 * odapi_request_mariadb in new code. */
int odapi_request_db(odapi_request *req, void (*work)(void *mysql, void *arg),
                     void (*done)(odapi_request *req, void *arg), void *arg);

#ifdef __cplusplus
}
#endif

#endif /* ODAPI_SERVER_H */
