/*
 * opts.h - the command lines of odlocal and odservice as tables: each
 * option's names, what it stores where, and (for numbers) its range. One
 * getopt_long loop (bin/opts.c) reads either program's command line, and
 * the options both programs have are written once (CLI_COMMON_OPTS) with
 * the configuration calls they make (cli_apply_limits). Public API only.
 */
#ifndef ODAPI_BIN_OPTS_H
#define ODAPI_BIN_OPTS_H

#include "cli.h"

#include <stddef.h>

#define CLI_MAX_LISTEN 8
#define CLI_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* What both programs read: the HTTP server's limits, logging, documents. */
struct cli_common {
    long port, pool, timeout, max_conns, max_body, per_address;
    long header_timeout, max_output;
    const char *config, *note;          /* OpenDentalWebConfig.xml */
    const char *log_file, *log_socket;
    odapi_log_format log_format;
    int to_syslog;                      /* --log-format syslog */
    const char *image_dir, *known_hosts, *url_ca;
    int url_private, quiet;
};

enum cli_kind {
    CLI_FLAG,    /* int set to 1 */
    CLI_STR,     /* const char * = the value */
    CLI_LONG,    /* long in [lo, hi] */
    CLI_FORMAT,  /* --log-format: the cli_common's log_format, to_syslog */
    CLI_FN,      /* fn(opts, value): 0, or an exit status (it said why) */
    CLI_HELP,    /* the program's usage, exit 0 */
    CLI_VERSION  /* "PROG VERSION", exit 0 */
};

/* A group an option belongs to (odlocal: the options of a database). */
#define CLI_DB 1

struct cli_opt {
    const char *name;
    int has_arg;      /* no_argument, required_argument, optional_argument */
    int short_name;   /* 0: a long name only */
    int kind;         /* enum cli_kind */
    size_t off;       /* where in the program's options (not CLI_FN) */
    long lo, hi;      /* CLI_LONG */
    int groups;       /* CLI_DB ... */
    int (*fn)(void *opts, const char *value);
};

#define CLI_O_FLAG(n, s, T, m, g) \
    { n, no_argument, s, CLI_FLAG, offsetof(T, m), 0, 0, g, NULL }
#define CLI_O_STR(n, s, T, m, g) \
    { n, required_argument, s, CLI_STR, offsetof(T, m), 0, 0, g, NULL }
#define CLI_O_LONG(n, s, T, m, lo, hi, g) \
    { n, required_argument, s, CLI_LONG, offsetof(T, m), lo, hi, g, NULL }
#define CLI_O_FN(n, a, s, f, g) { n, a, s, CLI_FN, 0, 0, 0, g, f }

/* The options both programs have, in a program's struct T whose member
 * c is its struct cli_common. */
#define CLI_COMMON_OPTS(T)                                                     \
    CLI_O_LONG("port", 'p', T, c.port, 0, 65535, 0),                           \
    CLI_O_STR("config", 'c', T, c.config, CLI_DB),                             \
    CLI_O_STR("note", 0, T, c.note, CLI_DB),                                   \
    CLI_O_LONG("pool", 0, T, c.pool, 1, 256, CLI_DB),                          \
    CLI_O_LONG("timeout", 0, T, c.timeout, 1, 3600, 0),                        \
    CLI_O_LONG("max-connections", 0, T, c.max_conns, 1, 1000000, 0),           \
    CLI_O_LONG("max-body", 0, T, c.max_body, 1, LONG_MAX, 0),                  \
    CLI_O_LONG("max-per-address", 0, T, c.per_address, 1, 1000000, 0),        \
    CLI_O_LONG("header-timeout", 0, T, c.header_timeout, 1, 3600, 0),         \
    CLI_O_LONG("max-output", 0, T, c.max_output, 1, LONG_MAX, 0),             \
    CLI_O_STR("log-file", 0, T, c.log_file, 0),                                \
    { "log-format", required_argument, 0, CLI_FORMAT, offsetof(T, c), 0, 0,   \
      0, NULL },                                                               \
    CLI_O_STR("log-socket", 0, T, c.log_socket, 0),                            \
    CLI_O_STR("known-hosts", 0, T, c.known_hosts, CLI_DB),                     \
    CLI_O_STR("image-dir", 0, T, c.image_dir, 0),                              \
    CLI_O_STR("url-ca", 0, T, c.url_ca, 0),                                    \
    CLI_O_FLAG("url-allow-private", 0, T, c.url_private, 0),                   \
    CLI_O_FLAG("quiet", 'q', T, c.quiet, 0),                                   \
    { "help", no_argument, 'h', CLI_HELP, 0, 0, 0, 0, NULL },                  \
    { "version", no_argument, 'V', CLI_VERSION, 0, 0, 0, 0, NULL }

/* The limits' lines of both programs' --help. */
#define CLI_HELP_LIMITS \
"      --pool N            database connections (default 4)\n" \
"      --timeout SECS      idle and request timeout (default 30)\n" \
"      --max-connections N open connections at most (default 4096)\n" \
"      --max-body BYTES    largest request body (default 32 MiB; JSON bodies:\n" \
"                          1 MiB)\n" \
"      --max-per-address N open connections from one address (default: a\n" \
"                          quarter of --max-connections, at least 64)\n" \
"      --header-timeout SECS  longest wait for a request's headers (default 10)\n" \
"      --max-output BYTES  answers all clients leave unread before those that\n" \
"                          stopped reading are dropped (default 64 MiB)\n"

struct cli_prog {
    const char *name;          /* "odlocal" */
    const char *short_prefix;  /* before the short options: "", "+" */
    const struct cli_opt *opts;
    size_t nopts;
    void (*usage)(FILE *f);
};

/* The numbers' defaults: -1, none given. */
void cli_common_init(struct cli_common *c);

/* Read argv's options into opts by p's table; *groups gets the groups of
 * the options given, *first the index of the first word that is not an
 * option. -1: go on; else the exit status (0 after --help, --version). */
int cli_parse(const struct cli_prog *p, void *opts, int argc, char **argv,
              int *groups, int *first);

/* The limits given (> 0) on cfg: every one, or (relay) only those the
 * Cloud relay has (timeout, connections, body). */
void cli_limit(odapi_config *cfg, odapi_limit which, long v); /* v > 0 */
void cli_apply_limits(odapi_config *cfg, const struct cli_common *c);
void cli_apply_relay_limits(odapi_config *cfg, const struct cli_common *c);
/* --image-dir, --known-hosts, --url-ca, --url-allow-private. */
void cli_apply_documents(odapi_config *cfg, const struct cli_common *c);

/* --log-format syslog: open the socket (--log-socket or /dev/log) in sl;
 * 0, or EXIT_CONFIG with the reason printed. */
int cli_open_syslog(const struct cli_common *c, struct cli_syslog *sl,
                    const char *prog, int facility, const char *who);

#endif /* ODAPI_BIN_OPTS_H */
