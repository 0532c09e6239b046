/*
 * cli.h - what odlocal and odservice share: exit statuses and the parsing
 * of numbers and log levels on their command lines. Public API only.
 */
#ifndef ODAPI_BIN_CLI_H
#define ODAPI_BIN_CLI_H

#include <odapi/odapi.h>

#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <syslog.h>
#include <unistd.h>

/* Exit statuses, as odlocal(1) and odservice(8) document them. */
enum { EXIT_USAGE = 1, EXIT_CONFIG = 2, EXIT_PORT = 3, EXIT_DB = 4,
       EXIT_OTHER = 5 };

/* A whole decimal number in [lo, hi]; 0, or -1 when it is not one. */
static inline int cli_parse_long(const char *s, long lo, long hi, long *out)
{
    char *end;
    long v;
    errno = 0;
    v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

/* The exit status for a library error. */
static inline int cli_exit_code(int rc)
{
    switch (rc) {
    case ODAPI_E_ADDR_IN_USE: return EXIT_PORT;
    case ODAPI_E_DB_CONNECT:
    case ODAPI_E_DB:
    case ODAPI_E_DB_SCHEMA:
    case ODAPI_E_DB_LOCKED: return EXIT_DB;
    case ODAPI_E_CONFIG:
    case ODAPI_E_INVALID:
    case ODAPI_E_IO: return EXIT_CONFIG;
    default: return EXIT_OTHER;
    }
}

/* A listen address as --listen takes it. */
struct listen_opt {
    char addr[256];
    unsigned port;
};

/* "0.0.0.0", "::", "host", "host:port", "[v6]", "[v6]:port". */
static inline int cli_parse_listen(const char *s, struct listen_opt *out)
{
    const char *colon;
    long port = 0;
    size_t n;
    if (!*s)
        return -1;
    if (*s == '[') {
        const char *close = strchr(s, ']');
        if (!close || close == s + 1)
            return -1;
        n = (size_t)(close - s - 1);
        if (close[1] == ':') {
            if (cli_parse_long(close + 2, 1, 65535, &port))
                return -1;
        } else if (close[1]) {
            return -1;
        }
        s++;
    } else if ((colon = strchr(s, ':')) && !strchr(colon + 1, ':')) {
        n = (size_t)(colon - s);
        if (n == 0 || cli_parse_long(colon + 1, 1, 65535, &port))
            return -1;
    } else {
        n = strlen(s); /* a name, IPv4 or bare IPv6 address */
    }
    if (n >= sizeof out->addr)
        return -1;
    memcpy(out->addr, s, n);
    out->addr[n] = '\0';
    out->port = (unsigned)port;
    return 0;
}

/* --metrics[=WHERE]: none is 127.0.0.1 on def_port; "N" is 127.0.0.1 on
 * port N (0: any free port); else an address as --listen takes it, with
 * def_port when it has none. */
static inline int cli_parse_metrics(const char *s, unsigned def_port,
                                    struct listen_opt *out)
{
    long port;
    snprintf(out->addr, sizeof out->addr, "127.0.0.1");
    out->port = def_port;
    if (!s)
        return 0;
    if (*s >= '0' && *s <= '9' && strspn(s, "0123456789") == strlen(s)) {
        if (cli_parse_long(s, 0, 65535, &port))
            return -1;
        out->port = (unsigned)port;
        return 0;
    }
    if (cli_parse_listen(s, out))
        return -1;
    if (!out->port)
        out->port = def_port;
    return 0;
}

/* getopt_long() returned '?' (unknown option) or ':' (its value missing;
 * the option string starts with ':' and opterr is 0): one line naming the
 * option, instead of the whole help. Returns EXIT_USAGE. */
static inline int cli_bad_option(const char *prog, int c, char **argv,
                                 int optind_now, int optopt_now)
{
    char shortopt[3] = {'-', (char)optopt_now, '\0'};
    /* a short option names itself in optopt; a long one is the word
     * getopt just passed (for "--port" with no value: the last word) */
    const char *word = optopt_now > 0 && optopt_now < 128 &&
                               argv[optind_now - 1][1] != '-'
                           ? shortopt
                           : argv[optind_now - 1];
    if (c == ':')
        fprintf(stderr, "%s: option '%s' needs a value (see %s --help)\n",
                prog, word, prog);
    else
        fprintf(stderr, "%s: unknown option '%s' (see %s --help)\n", prog,
                word, prog);
    return EXIT_USAGE;
}

/* 1 when another process listens on host:port (a numeric address), so a
 * program can say so before it spends time on a database (odlocal seeds a
 * whole sandbox first otherwise); 0 when it is free or cannot be probed.
 * The library's own bind still decides: this only moves the answer first. */
static inline int cli_port_in_use(const char *host, unsigned port)
{
    struct addrinfo hints, *ai = NULL;
    char service[16];
    int fd, one = 1, busy = 0;
    if (port == 0)
        return 0;
    memset(&hints, 0, sizeof hints);
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
    snprintf(service, sizeof service, "%u", port);
    if (getaddrinfo(host, service, &hints, &ai) != 0)
        return 0;
    fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd >= 0) {
        /* as the server sets it, so a port in TIME_WAIT is not "busy" */
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        busy = bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 &&
               errno == EADDRINUSE;
        close(fd);
    }
    freeaddrinfo(ai);
    return busy;
}

/* --log-format: "text", "json" or "syslog" (text lines, to syslog: *to_syslog
 * set). */
static inline int cli_parse_log_format(const char *s, odapi_log_format *out,
                                       int *to_syslog)
{
    *to_syslog = 0;
    if (strcasecmp(s, "text") == 0) {
        *out = ODAPI_LOG_FORMAT_TEXT;
    } else if (strcasecmp(s, "json") == 0) {
        *out = ODAPI_LOG_FORMAT_JSON;
    } else if (strcasecmp(s, "syslog") == 0) {
        *out = ODAPI_LOG_FORMAT_TEXT;
        *to_syslog = 1;
    } else {
        return -1;
    }
    return 0;
}

/* ---- --log-format syslog -----------------------------------------------------
 * One datagram per message, "<PRI>IDENT[PID]: MESSAGE", to the local syslog
 * socket (/dev/log: journald's under systemd, rsyslog's elsewhere), with
 * the message's priority. Our own few lines rather than syslog(3), so that
 * --log-socket can name another socket (a chroot's, a test's). */

#define CLI_SYSLOG_SOCKET "/dev/log"

struct cli_syslog {
    int fd;
    int facility;       /* LOG_USER, LOG_DAEMON */
    char ident[32];
    struct sockaddr_un sa;
};

static inline int cli_syslog_connect(struct cli_syslog *sl)
{
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    if (connect(fd, (struct sockaddr *)&sl->sa, sizeof sl->sa) != 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

/* 0, or -1 with errno (no such socket, nobody listening). */
static inline int cli_syslog_open(struct cli_syslog *sl, const char *ident,
                                  int facility, const char *path)
{
    memset(sl, 0, sizeof *sl);
    sl->fd = -1;
    sl->facility = facility;
    snprintf(sl->ident, sizeof sl->ident, "%s", ident);
    if (strlen(path) >= sizeof sl->sa.sun_path) {
        errno = ENAMETOOLONG;
        return -1;
    }
    sl->sa.sun_family = AF_UNIX;
    memcpy(sl->sa.sun_path, path, strlen(path) + 1);
    return (sl->fd = cli_syslog_connect(sl)) < 0 ? -1 : 0;
}

/* An odapi_log_fn (arg: the cli_syslog). Any thread: one send() per
 * message; a syslog daemon that restarted is connected to again, the new
 * socket put in place with dup2 so that other threads never see a closed
 * descriptor. */
static inline void cli_syslog_fn(void *arg, odapi_log_level level,
                                 const char *message)
{
    struct cli_syslog *sl = arg;
    char line[1200];
    int sev = level <= ODAPI_LOG_ERROR     ? LOG_ERR
              : level == ODAPI_LOG_WARNING ? LOG_WARNING
              : level == ODAPI_LOG_INFO    ? LOG_INFO
                                           : LOG_DEBUG;
    int n = snprintf(line, sizeof line, "<%d>%s[%ld]: %s", sl->facility | sev,
                     sl->ident, (long)getpid(), message ? message : "");
    char *p;
    if (n < 0)
        return;
    if ((size_t)n >= sizeof line)
        n = (int)sizeof line - 1;
    for (p = line; *p; p++) /* one message, one record */
        if ((unsigned char)*p < 0x20)
            *p = ' ';
    if (send(sl->fd, line, (size_t)n, MSG_NOSIGNAL) < 0 &&
        errno != EAGAIN) {
        int fd = cli_syslog_connect(sl);
        if (fd < 0)
            return;
        dup2(fd, sl->fd);
        close(fd);
        send(sl->fd, line, (size_t)n, MSG_NOSIGNAL);
    }
}

/* Open Dental's LogLevelOfApplication names (and Warning). */
static inline int cli_parse_level(const char *s, odapi_log_level *out)
{
    static const struct { const char *name; odapi_log_level level; } t[] = {
        {"error", ODAPI_LOG_ERROR}, {"warning", ODAPI_LOG_WARNING},
        {"information", ODAPI_LOG_INFO}, {"info", ODAPI_LOG_INFO},
        {"verbose", ODAPI_LOG_VERBOSE}};
    size_t i;
    for (i = 0; i < sizeof t / sizeof t[0]; i++)
        if (strcasecmp(s, t[i].name) == 0) {
            *out = t[i].level;
            return 0;
        }
    return -1;
}

#endif /* ODAPI_BIN_CLI_H */
