/*
 * odservice - the Open Dental API Service on 0.0.0.0:30223 and [::]:30223.
 *
 * Reads Open Dental's OpenDentalWebConfig.xml (default
 * /etc/odapi/OpenDentalWebConfig.xml), serves that database, writes a log
 * file, reopens it and re-reads the configuration on SIGHUP (never stopping
 * for a bad one), reopens it alone on SIGUSR1, drains and exits 0 on
 * SIGTERM/SIGINT. The subcommands install, uninstall, start,
 * stop and status are thin wrappers around systemctl, like Open Dental's
 * Service Manager. It uses only the public libodapi API.
 *
 * Exit codes (docs/odservice.8), at start only: 0 stopped cleanly,
 * 1 usage, 2 configuration, 3 port in use, 4 database (not an unreachable
 * one: that is waited for), 5 other.
 */
#include <odapi/odapi.h>

#include "opts.h"

#include <pthread.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The Makefile passes SYSCONFDIR, so that the default follows the unit's
 * --config (make install-service SYSCONFDIR=...). */
#ifndef ODAPI_SYSCONFDIR
#define ODAPI_SYSCONFDIR "/etc"
#endif
#define DEFAULT_CONFIG ODAPI_SYSCONFDIR "/odapi/OpenDentalWebConfig.xml"
#define UNIT "odservice.service"
#define SERVICE_USER "odapi"
#define LOG_DIR "/var/log/odapi"
#define STATE_DIR "/var/lib/odservice"


static void usage(FILE *f)
{
    fprintf(f,
"Usage: odservice [OPTION]...\n"
"       odservice install|uninstall|start|stop|status\n"
"Serve the Open Dental API (API Service) on every interface, port 30223,\n"
"for the database named in OpenDentalWebConfig.xml.\n"
"\n"
"  -c, --config FILE       the configuration (default\n"
"                          " DEFAULT_CONFIG ")\n"
"      --note NOTE         which DatabaseConnection of it (default DentalOffice)\n"
"  -l, --listen ADDR       listen on ADDR (0.0.0.0, ::, 192.168.1.5:30223,\n"
"                          [::1]:8443); repeatable; replaces the preset and\n"
"                          <OdapiListen>\n"
"  -p, --port N            port for addresses without one (default 30223;\n"
"                          0 = any free port)\n"
"      --log-file FILE     log file (overrides <OdapiLogFile>)\n"
"      --log-format FMT    text (default), json (one JSON object a line) or\n"
"                          syslog (to the journal or syslog with each\n"
"                          message's priority, instead of stderr; the log\n"
"                          file keeps text lines)\n"
"      --log-socket PATH   the syslog socket (default /dev/log)\n"
CLI_HELP_LIMITS
"      --workstation NAME  fire the Database Events of this Workstation (and\n"
"                          the blank ones; default: the host name)\n"
"      --no-events         do not fire Database Events\n"
"      --events-ca FILE    CA certificates for https webhook endpoints\n"
"                          (default: the system's)\n"
"      --event-timeout MS  longest wait for a webhook receiver (default 10000)\n"
"      --state-dir DIR     keep the events state in DIR (default\n"
"                          $STATE_DIRECTORY, else " STATE_DIR "); one\n"
"                          odservice per DIR fires\n"
"      --state-db NAME     keep it in the database NAME of the same server\n"
"                          instead (shared by several odservice)\n"
"      --init-state-db     create that database and its table, then exit\n"
"      --image-dir DIR     the A to Z images folder (default: the practice's\n"
"                          DocPath preference); the service user writes it\n"
"      --known-hosts FILE  SFTP host keys for Queries and the documents,\n"
"                          EOB and sheet SFTP routes (default ~/.ssh/known_hosts)\n"
"      --url-ca FILE       Documents SetByUrl: CA certificates for https\n"
"      --url-allow-private Documents SetByUrl may fetch from this machine and\n"
"                          private networks\n"
"  -f, --foreground        also write log lines to stderr (the default when\n"
"                          stderr is a terminal)\n"
"      --check-config      read the configuration and its keys file, check\n"
"                          the database (its Open Dental version, what it\n"
"                          lacks, privileges), print the findings, exit\n"
"  -q, --quiet             no start-up banner\n"
"  -h, --help              this help\n"
"  -V, --version           version\n"
"\n"
"Commands (systemd; run as root):\n"
"  install    create the user " SERVICE_USER " and " LOG_DIR ", enable " UNIT "\n"
"  uninstall  disable and stop " UNIT "\n"
"  start, stop, status   systemctl start/stop/status " UNIT "\n"
"\n"
"Signals: SIGHUP reopens the log file and re-reads the configuration (a bad\n"
"one is logged and the running one keeps serving); SIGUSR1 only reopens the\n"
"log file (logrotate); SIGTERM and SIGINT finish requests in flight, then\n"
"exit. An unreachable database is waited for (503 meanwhile), not an exit.\n"
"Exit status: 0 stopped, 1 usage, 2 configuration, 3 port in use,\n"
"4 database, 5 other. See odservice(8).\n");
}

/* ---- options -------------------------------------------------------------- */

struct opts {
    struct cli_common c; /* --config, --port, the limits, logging, documents */
    struct listen_opt listen[CLI_MAX_LISTEN];
    int nlisten;
    int tee;   /* log lines to stderr too */
    const char *workstation, *events_ca; /* Database Events */
    long event_timeout;
    int no_events;
    const char *state_dir, *state_db; /* Database Events' own state */
    int check, foreground, init_state; /* --check-config, -f, --init-state-db */
};


/* ---- logging ---------------------------------------------------------------
 * The library's messages come to log_fn, which writes them to stderr and/or
 * the log file: the one of --log-file, else the one the configuration
 * names (<OdapiLogFile>). Our own messages (reload results) take the same
 * way, so they reach the log file whichever way it was given. The library
 * keeps its own handle on the file for the access lines. */

struct logstate {
    int tee;        /* stderr too */
    int fd;         /* our handle on the log file, or -1 */
    int fixed;      /* the file came from --log-file: reloads keep it */
    int active;     /* write to fd (atomic: a reload may turn it off) */
    char path[PATH_MAX];
    pthread_mutex_t mu;       /* path and the reopen check */
    int json;       /* --log-format json */
    int to_syslog;  /* --log-format syslog: there, not on stderr */
    struct cli_syslog sl;
};

static struct logstate logst = {0, -1, 0, 0, "", PTHREAD_MUTEX_INITIALIZER,
                                0, 0, {-1, 0, "", {0}}};

static void write_line(int fd, const char *text)
{
    size_t n = strlen(text), off = 0;
    while (off < n) {
        ssize_t w = write(fd, text + off, n - off);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return;
        }
        off += (size_t)w;
    }
}

static int open_log_fd(const char *path)
{
    return open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY,
                0640);
}

/* Point our handle at path's current file (dup2 is atomic, so a worker
 * thread writing meanwhile uses the old or the new file). Caller holds
 * logst.mu. */
static void reopen_locked(void)
{
    int fd;
    if (logst.fd < 0 || !logst.path[0])
        return;
    if ((fd = open_log_fd(logst.path)) < 0)
        return;
    dup2(fd, logst.fd);
    close(fd);
}

/* After logrotate moved the file (it signals the library with SIGUSR1,
 * which reopens the library's handle): notice it here too, before each
 * line, by the file at the path no longer being ours. A stat per log line
 * is cheap next to the line's write; the access lines, one per request,
 * are the library's and do not come here. */
static void follow_rotation(void)
{
    struct stat a, b;
    pthread_mutex_lock(&logst.mu);
    if (logst.fd >= 0 && logst.path[0] && fstat(logst.fd, &a) == 0 &&
        (stat(logst.path, &b) != 0 || a.st_ino != b.st_ino ||
         a.st_dev != b.st_dev))
        reopen_locked();
    pthread_mutex_unlock(&logst.mu);
}

/* {"time":...,"level":...,"msg":...} as the library writes its own JSON
 * lines (--log-format json); bytes that are not UTF-8 become '?'. */
static void json_line(char *out, size_t cap, const char *ts,
                      const char *level, const char *message)
{
    char msg[1024], *text = NULL;
    json_t *o;
    size_t i;
    snprintf(msg, sizeof msg, "%s", message ? message : "");
    o = json_pack("{s:s,s:s,s:s}", "time", ts, "level", level, "msg", msg);
    if (!o) {
        for (i = 0; msg[i]; i++)
            if ((unsigned char)msg[i] >= 0x80)
                msg[i] = '?';
        o = json_pack("{s:s,s:s,s:s}", "time", ts, "level", level, "msg", msg);
    }
    if (o)
        text = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII);
    snprintf(out, cap - 2, "%s", text ? text : "{}");
    free(text);
    json_decref(o);
}

static void log_fn(void *arg, odapi_log_level level, const char *message)
{
    static const char *const names[] = {"Error", "Warning", "Info", "Verbose"};
    struct logstate *ls = arg;
    char ts[32], line[1400];
    size_t n;
    const char *p;
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%S%z", &tm); /* as access lines */
    if (ls->json) {
        json_line(line, sizeof line, ts, names[level < ODAPI_LOG_ERROR ? 0
                                               : level > ODAPI_LOG_VERBOSE
                                                   ? 3
                                                   : (int)level],
                  message);
        n = strlen(line);
        p = "";
    } else {
        n = (size_t)snprintf(line, sizeof line, "%s %s: ", ts,
                             names[level < ODAPI_LOG_ERROR     ? 0
                                   : level > ODAPI_LOG_VERBOSE ? 3
                                                               : (int)level]);
        p = message ? message : "";
    }
    /* one message, one line */
    for (; *p && n + 6 < sizeof line; p++) {
        unsigned char c = (unsigned char)*p;
        if (c < 0x20 || c == 0x7f)
            n += (size_t)snprintf(line + n, sizeof line - n, "\\x%02X", c);
        else
            line[n++] = (char)c;
    }
    line[n++] = '\n';
    line[n] = '\0';
    follow_rotation();
    if (ls->to_syslog) /* instead of standard error; the file keeps its */
        cli_syslog_fn(&ls->sl, level, message);
    if (__atomic_load_n(&ls->active, __ATOMIC_ACQUIRE)) {
        write_line(ls->fd, line);
        if (ls->tee && !ls->to_syslog)
            write_line(2, line);
    } else if (!ls->to_syslog) {
        write_line(2, line);
    }
}

/* SIGHUP: reopen our handle whatever the file is. */
static void reopen_own_log(void)
{
    pthread_mutex_lock(&logst.mu);
    reopen_locked();
    pthread_mutex_unlock(&logst.mu);
}

/* Write to path from now on (NULL: stderr only). -1 with errno when it
 * cannot be opened; the current file stays. Called on the main thread
 * while no server is running, or from the loop thread; workers may be
 * writing meanwhile, hence dup2 over the descriptor they use. */
static int log_use(const char *path)
{
    int fd;
    pthread_mutex_lock(&logst.mu);
    if (!path || !*path) {
        /* stderr from now on; the descriptor stays open (never closed
         * while a worker may be writing to it) */
        __atomic_store_n(&logst.active, 0, __ATOMIC_RELEASE);
        logst.path[0] = '\0';
        pthread_mutex_unlock(&logst.mu);
        return 0;
    }
    if (strcmp(path, logst.path) == 0 && logst.fd >= 0) {
        __atomic_store_n(&logst.active, 1, __ATOMIC_RELEASE);
        pthread_mutex_unlock(&logst.mu);
        return 0;
    }
    if ((fd = open_log_fd(path)) < 0) {
        int e = errno;
        pthread_mutex_unlock(&logst.mu);
        errno = e;
        return -1;
    }
    if (logst.fd >= 0) {
        dup2(fd, logst.fd);
        close(fd);
    } else {
        logst.fd = fd;
    }
    snprintf(logst.path, sizeof logst.path, "%s", path);
    __atomic_store_n(&logst.active, 1, __ATOMIC_RELEASE);
    pthread_mutex_unlock(&logst.mu);
    return 0;
}

/* A message of odservice itself. Goes where library lines go when we own
 * the logging, else to stderr (the journal under systemd). */
static void say(odapi_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void say(odapi_log_level level, const char *fmt, ...)
{
    char msg[1200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    log_fn(&logst, level, msg);
}

/* ---- building a server ---------------------------------------------------- */

/* A configuration from the file and the options; on failure one sentence
 * in err and an exit code. */
static odapi_config *make_config(const struct opts *o, unsigned port_override,
                                 char *err, size_t errlen, int *code)
{
    odapi_config *cfg = odapi_config_new(ODAPI_MODE_SERVICE);
    int i, rc;
    if (!cfg) {
        snprintf(err, errlen, "out of memory");
        *code = EXIT_OTHER;
        return NULL;
    }
    /* Open Dental's default level is Error; LogLevelOfApplication changes
     * it and keeps the function. */
    odapi_config_set_log(cfg, log_fn, &logst, ODAPI_LOG_ERROR);
    odapi_config_set_log_format(cfg, o->c.log_format);
    cli_apply_limits(cfg, &o->c);
    rc = odapi_config_load_webconfig(cfg, o->c.config, o->c.note, err, errlen);
    if (rc != ODAPI_OK) {
        *code = rc == ODAPI_E_NOMEM ? EXIT_OTHER : EXIT_CONFIG;
        odapi_config_free(cfg);
        return NULL;
    }
    if (o->nlisten) {
        odapi_config_clear_listen(cfg);
        for (i = 0; i < o->nlisten; i++)
            if (odapi_config_add_listen(cfg, o->listen[i].addr,
                                        o->listen[i].port) != ODAPI_OK) {
                snprintf(err, errlen, "cannot listen on '%s'",
                         o->listen[i].addr);
                *code = EXIT_USAGE;
                odapi_config_free(cfg);
                return NULL;
            }
    }
    if (port_override)
        odapi_config_set_port(cfg, port_override);
    else if (o->c.port >= 0)
        odapi_config_set_port(cfg, (unsigned)o->c.port);
    if (o->c.log_file)
        odapi_config_set_log_file(cfg, o->c.log_file);
    odapi_config_set_events(cfg, !o->no_events, o->workstation, o->events_ca);
    odapi_config_set_events_state(cfg, o->state_dir, o->state_db);
    cli_apply_documents(cfg, &o->c);
    cli_limit(cfg, ODAPI_LIMIT_EVENT_TIMEOUT_MS, o->event_timeout);
    return cfg;
}

/* ---- SIGHUP: re-read the configuration -------------------------------------
 * A reload never stops the service (docs/service.md). The library has
 * already reopened its log file when hup runs. We load the file into a new
 * configuration and check its keys file first: a bad one is logged and the
 * server keeps running untouched. A good one stops the server gracefully
 * (requests in flight finish) and switch_config() starts a new server from
 * it; if that cannot start, the old configuration again; if that cannot
 * start either, it keeps trying. */

struct reload {
    const struct opts *o;
    odapi_server *srv;
    odapi_config *pending;
    unsigned port; /* with --port 0: keep the port we got */
    int requested;
};

/* A configuration worth stopping the running server for: the file parses
 * and its keys file checks out. NULL, with the reason logged, otherwise. */
static odapi_config *load_for_reload(const struct reload *r,
                                     const char *still)
{
    char err[1024];
    int code;
    odapi_config *cfg = make_config(r->o, r->port, err, sizeof err, &code);
    if (cfg && odapi_config_check_keys(cfg, err, sizeof err) != ODAPI_OK) {
        odapi_config_free(cfg);
        cfg = NULL;
    }
    if (!cfg)
        say(ODAPI_LOG_ERROR, "SIGHUP: configuration not reloaded, %s: %s",
            still, err);
    return cfg;
}

static void on_hup(void *arg)
{
    struct reload *r = arg;
    odapi_config *cfg;
    reopen_own_log();
    if (r->requested)
        return;
    cfg = load_for_reload(r, "still serving the previous one");
    if (!cfg)
        return;
    r->pending = cfg;
    r->requested = 1;
    say(ODAPI_LOG_INFO, "SIGHUP: reloading %s", r->o->c.config);
    odapi_server_stop(r->srv);
}

/* The configuration's log file becomes ours too (not with --log-file). */
static void adopt_log_file(const odapi_config *cfg)
{
    const char *path = odapi_config_get_log_file(cfg);
    if (logst.fixed)
        return;
    if (log_use(path) != 0)
        say(ODAPI_LOG_ERROR, "%s: cannot open the log file for appending "
            "(%s); writing to the previous one", path, strerror(errno));
}

/* New server from cfg, started, with our signal handling. */
static int start_server(odapi_config *cfg, struct reload *r,
                        odapi_server **out, char *err, size_t errlen)
{
    odapi_server *srv;
    int rc = odapi_server_new(cfg, NULL, &srv);
    *out = NULL;
    if (rc != ODAPI_OK) {
        snprintf(err, errlen, "%s", odapi_strerror(rc));
        return rc;
    }
    rc = odapi_server_start(srv);
    if (rc != ODAPI_OK) {
        snprintf(err, errlen, "%s", odapi_server_errmsg(srv));
        odapi_server_free(srv);
        return rc;
    }
    odapi_server_handle_signals(srv, on_hup, r);
    *out = srv;
    return ODAPI_OK;
}

/* Between two servers: wait up to secs for SIGTERM, SIGINT, SIGHUP or
 * SIGUSR1 (all blocked then). The signal, or 0 when none came. */
static int wait_signal(unsigned secs)
{
    sigset_t set;
    struct timespec ts = {(time_t)secs, 0};
    int sig;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGUSR1);
    do
        sig = sigtimedwait(&set, NULL, &ts);
    while (sig < 0 && errno == EINTR);
    return sig < 0 ? 0 : sig;
}

static void print_reloaded(const struct opts *o, odapi_server *srv,
                           const char *how)
{
    if (o->c.quiet)
        return;
    printf("  Reloaded: %s%s\n", odapi_server_base_url(srv), how);
    fflush(stdout);
}

/* After a SIGHUP stopped the server: serve again, with the new
 * configuration if it starts, else with *cur. Never gives up: while
 * neither starts it retries with a growing pause (1 s to 30 s), re-reads
 * the file on SIGHUP, and returns NULL only on SIGTERM or SIGINT. */
static odapi_server *switch_config(struct reload *r, odapi_config **cur)
{
    char err[1024];
    odapi_server *srv;
    odapi_config *next = r->pending;
    unsigned delay = 1;
    int sig;
    r->pending = NULL;
    for (;;) {
        if (next && start_server(next, r, &srv, err, sizeof err) == ODAPI_OK) {
            odapi_config_free(*cur);
            *cur = next;
            adopt_log_file(next);
            say(ODAPI_LOG_INFO, "reloaded %s; serving %s", r->o->c.config,
                odapi_server_base_url(srv));
            print_reloaded(r->o, srv, "");
            return srv;
        }
        if (next) {
            say(ODAPI_LOG_ERROR, "SIGHUP: the new configuration of %s does "
                "not start (%s); going back to the previous one",
                r->o->c.config, err);
            odapi_config_free(next);
            next = NULL;
        }
        if (start_server(*cur, r, &srv, err, sizeof err) == ODAPI_OK) {
            print_reloaded(r->o, srv, " (previous configuration)");
            return srv;
        }
        say(ODAPI_LOG_ERROR, "the previous configuration does not start "
            "either (%s); trying again in %u s (SIGHUP re-reads %s, "
            "SIGTERM stops)", err, delay, r->o->c.config);
        sig = wait_signal(delay);
        if (sig == SIGTERM || sig == SIGINT)
            return NULL;
        if (sig == SIGUSR1 || sig == SIGHUP)
            reopen_own_log();
        if (sig == SIGHUP)
            next = load_for_reload(r, "trying the previous one again");
        delay = delay >= 16 ? 30 : delay * 2;
    }
}

/* ---- --check-config ------------------------------------------------------ */

/* What odapi_server_prepare_database says about the database: the "ready"
 * line, then one line per finding (its Open Dental version, what it lacks
 * and which routes that changes, the user's privileges, tables without
 * transactions); errors are problems that stop the service working. */
struct check_out {
    char ready[1024];
    char *lines; /* "  line\n"... */
    size_t len;
    int errors;
};

static void check_log(void *arg, odapi_log_level level, const char *message)
{
    struct check_out *o = arg;
    size_t n;
    char *p;
    if (!message)
        return;
    if (strncmp(message, "database ", 9) == 0 &&
        strstr(message, "DataBaseVersion")) {
        snprintf(o->ready, sizeof o->ready, "%s", message);
        return;
    }
    if (level == ODAPI_LOG_ERROR)
        o->errors++;
    n = strlen(message);
    if (!(p = realloc(o->lines, o->len + n + 4)))
        return;
    o->lines = p;
    memcpy(p + o->len, "  ", 2);
    memcpy(p + o->len + 2, message, n);
    p[o->len + 2 + n] = '\n';
    o->len += n + 3;
    p[o->len] = '\0';
}

static int check_config(const struct opts *o)
{
    char err[1024], ev[600], *p;
    int code = 0, rc;
    odapi_server *srv;
    struct check_out out;
    odapi_config *cfg = make_config(o, 0, err, sizeof err, &code);
    if (!cfg) {
        printf("odservice: %s\n", err);
        return code;
    }
    /* the keys file as the server would read it (never echoed) */
    if (odapi_config_check_keys(cfg, err, sizeof err) != ODAPI_OK) {
        printf("odservice: %s: %s\n", o->c.config, err);
        odapi_config_free(cfg);
        return EXIT_CONFIG;
    }
    memset(&out, 0, sizeof out);
    odapi_config_set_log(cfg, check_log, &out, ODAPI_LOG_INFO);
    rc = odapi_server_new(cfg, NULL, &srv);
    odapi_config_free(cfg);
    if (rc != ODAPI_OK) {
        printf("odservice: %s: %s\n", o->c.config, odapi_strerror(rc));
        return EXIT_OTHER;
    }
    rc = odapi_server_prepare_database(srv);
    if (rc != ODAPI_OK) {
        printf("odservice: %s: %s\n", o->c.config, odapi_server_errmsg(srv));
        code = cli_exit_code(rc);
    } else {
        /* "database X[ at Y] ready, DataBaseVersion Z" */
        if ((p = strstr(out.ready, " ready,")))
            memmove(p, p + 6, strlen(p + 6) + 1);
        odapi_server_check_events(srv, ev, sizeof ev);
        printf("%s: %s: %s; Database Events: %s\n",
               out.errors ? "configuration has problems" : "configuration OK",
               o->c.config, out.ready[0] ? out.ready : "database ready", ev);
        if (out.errors)
            code = EXIT_DB;
    }
    if (out.lines)
        fputs(out.lines, stdout);
    free(out.lines);
    odapi_server_free(srv);
    odapi_global_cleanup();
    return code;
}

/* ---- --init-state-db ------------------------------------------------------ */

/* Create the events state database (--state-db): the one thing odservice
 * ever creates on the database server, and only when asked. */
static int init_state_db(const struct opts *o)
{
    char err[1024];
    int code = 0, rc;
    odapi_server *srv;
    odapi_config *cfg;
    if (!o->state_db) {
        fprintf(stderr, "odservice: --init-state-db needs --state-db NAME\n");
        return EXIT_USAGE;
    }
    if (!(cfg = make_config(o, 0, err, sizeof err, &code))) {
        printf("odservice: %s\n", err);
        return code;
    }
    rc = odapi_server_new(cfg, NULL, &srv);
    odapi_config_free(cfg);
    if (rc != ODAPI_OK) {
        printf("odservice: %s\n", odapi_strerror(rc));
        return EXIT_OTHER;
    }
    rc = odapi_server_init_events_state(srv);
    printf("%s: %s\n", rc == ODAPI_OK ? "odservice" : "odservice: error",
           odapi_server_errmsg(srv));
    code = rc == ODAPI_OK ? 0 : cli_exit_code(rc);
    odapi_server_free(srv);
    odapi_global_cleanup();
    return code;
}

/* ---- subcommands (systemd) ------------------------------------------------ */

static int run(char *const argv[])
{
    pid_t pid;
    int st;
    fflush(stdout);
    pid = fork();
    if (pid < 0) {
        fprintf(stderr, "odservice: fork: %s\n", strerror(errno));
        return -1;
    }
    if (pid == 0) {
        execvp(argv[0], argv);
        fprintf(stderr, "odservice: cannot run %s: %s\n", argv[0],
                strerror(errno));
        _exit(127);
    }
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int systemctl(const char *verb, const char *extra)
{
    char *argv[6];
    int n = 0;
    argv[n++] = (char *)"systemctl";
    argv[n++] = (char *)verb;
    if (extra)
        argv[n++] = (char *)extra;
    if (strcmp(verb, "daemon-reload") != 0)
        argv[n++] = (char *)UNIT;
    argv[n] = NULL;
    return run(argv);
}

static int need_systemd(const char *cmd)
{
    struct stat st;
    if (stat("/run/systemd/system", &st) == 0 && S_ISDIR(st.st_mode))
        return 0;
    fprintf(stderr,
            "odservice %s: systemd is not running on this machine (a "
            "container?), so there is no service to manage; run "
            "'odservice --foreground' under your own supervisor instead\n",
            cmd);
    return EXIT_OTHER;
}

static int need_root(const char *cmd)
{
    if (geteuid() == 0)
        return 0;
    fprintf(stderr, "odservice %s: must be run as root (sudo odservice %s)\n",
            cmd, cmd);
    return EXIT_OTHER;
}

static int cmd_install(const char *config)
{
    struct passwd *pw;
    int rc;
    if ((rc = need_systemd("install")) || (rc = need_root("install")))
        return rc;
    if (!getpwnam(SERVICE_USER)) {
        char *argv[] = {(char *)"useradd", (char *)"--system",
                        (char *)"--user-group", (char *)"--no-create-home",
                        (char *)"--home-dir", (char *)"/nonexistent",
                        (char *)"--shell", (char *)"/usr/sbin/nologin",
                        (char *)"--comment", (char *)"Open Dental API Service",
                        (char *)SERVICE_USER, NULL};
        if (run(argv) != 0) {
            fprintf(stderr, "odservice install: cannot create the user "
                            SERVICE_USER "\n");
            return EXIT_OTHER;
        }
        printf("created the system user " SERVICE_USER "\n");
    }
    if (!(pw = getpwnam(SERVICE_USER))) {
        fprintf(stderr, "odservice install: no user " SERVICE_USER "\n");
        return EXIT_OTHER;
    }
    if (mkdir(LOG_DIR, 0750) != 0 && errno != EEXIST) {
        fprintf(stderr, "odservice install: cannot create " LOG_DIR ": %s\n",
                strerror(errno));
        return EXIT_OTHER;
    }
    if (chown(LOG_DIR, pw->pw_uid, pw->pw_gid) != 0 ||
        chmod(LOG_DIR, 0750) != 0) {
        fprintf(stderr, "odservice install: cannot give " LOG_DIR " to "
                        SERVICE_USER ": %s\n", strerror(errno));
        return EXIT_OTHER;
    }
    if (access(config, F_OK) != 0)
        fprintf(stderr,
                "odservice install: note: %s does not exist yet; copy "
                "OpenDentalWebConfig.xml.example there, fill in the "
                "database, then chown root:" SERVICE_USER " and chmod 640 "
                "it\n", config);
    if (systemctl("daemon-reload", NULL) != 0 ||
        systemctl("enable", NULL) != 0) {
        fprintf(stderr, "odservice install: systemctl failed (is "
                        UNIT " installed in /lib/systemd/system?)\n");
        return EXIT_OTHER;
    }
    printf("installed " UNIT "; it starts at boot. Start it now with "
           "'odservice start'\n");
    return 0;
}

static int cmd_systemctl(const char *cmd)
{
    int rc;
    if ((rc = need_systemd(cmd)))
        return rc;
    if (strcmp(cmd, "status") == 0) {
        /* systemctl status: 0 running, 3 not running, 4 no such unit */
        rc = systemctl("status", "--no-pager");
        return rc == 0 ? 0 : EXIT_OTHER;
    }
    if ((rc = need_root(cmd)))
        return rc;
    if (strcmp(cmd, "uninstall") == 0)
        rc = systemctl("disable", "--now");
    else
        rc = systemctl(cmd, NULL);
    if (rc != 0) {
        fprintf(stderr, "odservice %s: systemctl %s failed; see "
                        "'journalctl -u " UNIT "'\n", cmd,
                strcmp(cmd, "uninstall") == 0 ? "disable --now" : cmd);
        return EXIT_OTHER;
    }
    if (strcmp(cmd, "uninstall") == 0)
        printf("disabled and stopped " UNIT " (the user " SERVICE_USER
               ", " LOG_DIR " and the configuration are kept)\n");
    return 0;
}

/* ---- options -------------------------------------------------------------- */

static int opt_listen(void *opts, const char *v)
{
    struct opts *o = opts;
    if (o->nlisten == CLI_MAX_LISTEN) {
        fprintf(stderr, "odservice: at most %d --listen addresses\n",
                CLI_MAX_LISTEN);
        return EXIT_USAGE;
    }
    if (cli_parse_listen(v, &o->listen[o->nlisten])) {
        fprintf(stderr, "odservice: bad listen address '%s' (ADDR, "
                        "ADDR:PORT or [IPV6]:PORT)\n", v);
        return EXIT_USAGE;
    }
    o->nlisten++;
    return 0;
}

#define S struct opts
static const struct cli_opt service_opts_table[] = {
    CLI_COMMON_OPTS(S),
    CLI_O_FN("listen", required_argument, 'l', opt_listen, 0),
    CLI_O_STR("workstation", 0, S, workstation, 0),
    CLI_O_FLAG("no-events", 0, S, no_events, 0),
    CLI_O_STR("events-ca", 0, S, events_ca, 0),
    CLI_O_LONG("event-timeout", 0, S, event_timeout, 1, 3600000, 0),
    CLI_O_STR("state-dir", 0, S, state_dir, 0),
    CLI_O_STR("state-db", 0, S, state_db, 0),
    CLI_O_FLAG("init-state-db", 0, S, init_state, 0),
    CLI_O_FLAG("foreground", 'f', S, foreground, 0),
    CLI_O_FLAG("check-config", 0, S, check, 0),
};
#undef S

/* "+": the options end at the first word that is not one (a command). */
static const struct cli_prog service_prog = {
    "odservice", "+", service_opts_table, CLI_LEN(service_opts_table), usage
};

/* install, uninstall, start, stop, status: the one word after the
 * options. */
static int command(const struct opts *o, int argc, char **argv, int first)
{
    const char *cmd = argv[first];
    if (first + 1 < argc) {
        fprintf(stderr, "odservice: unexpected argument '%s' (see "
                        "--help)\n", argv[first + 1]);
        return EXIT_USAGE;
    }
    if (strcmp(cmd, "install") == 0)
        return cmd_install(o->c.config);
    if (strcmp(cmd, "uninstall") == 0 || strcmp(cmd, "start") == 0 ||
        strcmp(cmd, "stop") == 0 || strcmp(cmd, "status") == 0)
        return cmd_systemctl(cmd);
    fprintf(stderr, "odservice: unknown command '%s' (install, "
                    "uninstall, start, stop, status; see --help)\n", cmd);
    return EXIT_USAGE;
}

/* ---- main ----------------------------------------------------------------- */

/* The log file of the options or the configuration, opened; 0, or
 * EXIT_CONFIG with the reason printed. */
static int open_log(const struct opts *o, const odapi_config *cur)
{
    const char *log_path;
    logst.fixed = o->c.log_file != NULL;
    log_path = o->c.log_file ? o->c.log_file : odapi_config_get_log_file(cur);
    if (!log_path || log_use(log_path) == 0)
        return 0;
    fprintf(stderr, "odservice: %s: cannot open the log file for "
                    "appending (%s); create its folder or give the "
                    "service's user write access\n", log_path,
            strerror(errno));
    return EXIT_CONFIG;
}

/* The first server of cur, started; NULL with *code set and the reason
 * said (to the log file too when there is one). */
static odapi_server *first_server(const struct opts *o, odapi_config *cur,
                                  struct reload *r, int *code)
{
    char err[1024];
    odapi_server *srv = NULL;
    int rc = start_server(cur, r, &srv, err, sizeof err);
    if (rc != ODAPI_OK) {
        if (logst.active) { /* the log file has it too */
            int tee = logst.tee;
            logst.tee = 0;
            say(ODAPI_LOG_ERROR, "%s", err);
            logst.tee = tee;
        }
        fprintf(stderr, "odservice: %s\n", err);
        *code = cli_exit_code(rc);
        return NULL;
    }
    if (o->c.port == 0) {
        /* --port 0: a reload (or going back) keeps the port we got */
        r->port = odapi_server_port(srv);
        odapi_config_set_port(cur, r->port);
    }
    if (!o->c.quiet) {
        printf("odservice %s: the Open Dental API Service is serving the "
               "database of %s\n", odapi_version(), o->c.config);
        printf("  Base URL: %s\n", odapi_server_base_url(srv));
        printf("  Reload:   kill -HUP %ld\n", (long)getpid());
        printf("  Stop:     kill %ld\n", (long)getpid());
        fflush(stdout);
    }
    return srv;
}

/* Serve until a signal stops the service; each SIGHUP that asks for it
 * switches to a server of the new configuration. */
static int serve_loop(odapi_server *srv, struct reload *r, odapi_config **cur,
                      const sigset_t *sigs)
{
    int rc;
    for (;;) {
        r->srv = srv;
        r->requested = 0;
        r->pending = NULL;
        sigprocmask(SIG_UNBLOCK, sigs, NULL);
        rc = odapi_server_run(srv);
        /* Between two servers no handler is installed: hold the signals
         * until the next server's handlers are in place. */
        sigprocmask(SIG_BLOCK, sigs, NULL);
        odapi_server_free(srv);
        if (!r->requested)
            return rc;
        if (!(srv = switch_config(r, cur))) {
            say(ODAPI_LOG_INFO, "stopped while no configuration was "
                                "serving");
            return ODAPI_OK;
        }
    }
}

/* The service itself: log, configuration, servers. */
static int run_service(struct opts *o)
{
    struct reload r;
    odapi_config *cur;
    odapi_server *srv;
    char err[1024];
    int rc, code = 0;
    sigset_t sigs;
    logst.tee = o->foreground || isatty(2);
    if ((rc = cli_open_syslog(&o->c, &logst.sl, "odservice", LOG_DAEMON,
                              "journald or a syslog daemon")))
        return rc;
    /* Signals wait until a server's handlers are in place (and between two
     * servers); the worker threads inherit the mask, so they never take
     * one. */
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGHUP);
    sigaddset(&sigs, SIGUSR1);
    sigprocmask(SIG_BLOCK, &sigs, NULL);
    memset(&r, 0, sizeof r);
    r.o = o;
    if (!(cur = make_config(o, 0, err, sizeof err, &code))) {
        fprintf(stderr, "odservice: %s\n", err);
        return code;
    }
    if ((code = open_log(o, cur))) {
        odapi_config_free(cur);
        return code;
    }
    if (!(srv = first_server(o, cur, &r, &code))) {
        odapi_config_free(cur);
        odapi_global_cleanup();
        return code;
    }
    rc = serve_loop(srv, &r, &cur, &sigs);
    odapi_config_free(cur);
    odapi_global_cleanup();
    if (logst.fd >= 0)
        close(logst.fd);
    return rc == ODAPI_OK ? 0 : EXIT_OTHER;
}

int main(int argc, char **argv)
{
    struct opts o;
    int groups, first, rc;
    memset(&o, 0, sizeof o);
    cli_common_init(&o.c);
    o.c.config = DEFAULT_CONFIG;
    o.event_timeout = -1;
    if ((rc = cli_parse(&service_prog, &o, argc, argv, &groups, &first)) >= 0)
        return rc;
    logst.to_syslog = o.c.to_syslog;
    logst.json = o.c.log_format == ODAPI_LOG_FORMAT_JSON;
    if (first < argc)
        return command(&o, argc, argv, first);
    /* systemd's StateDirectory= says where (docs/service.md) */
    if (!o.state_dir && !(o.state_dir = getenv("STATE_DIRECTORY")))
        o.state_dir = STATE_DIR;
    if (o.init_state)
        return init_state_db(&o);
    if (o.check)
        return check_config(&o);
    return run_service(&o);
}
