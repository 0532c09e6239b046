/*
 * opts.c - one getopt_long loop for odlocal's and odservice's option
 * tables (opts.h), and the configuration calls both make.
 */
#include "opts.h"

#include <getopt.h>
#include <limits.h>

#define CLI_MAX_OPTS 64

void cli_common_init(struct cli_common *c)
{
    memset(c, 0, sizeof *c);
    c->port = c->pool = c->timeout = c->max_conns = c->max_body = -1;
    c->per_address = c->header_timeout = c->max_output = -1;
}

/* getopt_long's tables from ours: the long options (val = index + 256, so
 * no short option letter is taken) and the short option string. */
static int build_getopt(const struct cli_prog *p, struct option *lo,
                        char *shorts, size_t cap)
{
    size_t i, n = 0;
    if (p->nopts >= CLI_MAX_OPTS)
        return -1;
    n += (size_t)snprintf(shorts, cap, "%s:", p->short_prefix);
    for (i = 0; i < p->nopts; i++) {
        const struct cli_opt *o = &p->opts[i];
        lo[i].name = o->name;
        lo[i].has_arg = o->has_arg;
        lo[i].flag = NULL;
        lo[i].val = o->short_name ? o->short_name : (int)i + 256;
        if (o->short_name && n + 3 < cap) {
            shorts[n++] = (char)o->short_name;
            if (o->has_arg == required_argument)
                shorts[n++] = ':';
            shorts[n] = '\0';
        }
    }
    memset(&lo[i], 0, sizeof lo[i]);
    return 0;
}

static const struct cli_opt *find_opt(const struct cli_prog *p, int c)
{
    size_t i;
    if (c >= 256 && (size_t)(c - 256) < p->nopts)
        return &p->opts[c - 256];
    for (i = 0; i < p->nopts; i++)
        if (p->opts[i].short_name && p->opts[i].short_name == c)
            return &p->opts[i];
    return NULL;
}

/* "PROG: 'VALUE' is not a valid number for OPTION": the option is the
 * word before the value when the value came as a word of its own. */
static int bad_number(const char *prog, char **argv)
{
    fprintf(stderr, "%s: '%s' is not a valid number for %s (see --help)\n",
            prog, optarg,
            strcmp(argv[optind - 1], optarg) == 0 && optind >= 2
                ? argv[optind - 2] : argv[optind - 1]);
    return EXIT_USAGE;
}

/* One option's value into opts: -1 to go on, else an exit status. */
static int apply_opt(const struct cli_prog *p, const struct cli_opt *o,
                     void *opts, char **argv)
{
    char *at = (char *)opts + o->off;
    struct cli_common *c = (struct cli_common *)(void *)at;
    switch (o->kind) {
    case CLI_FLAG: *(int *)(void *)at = 1; return -1;
    case CLI_STR: *(const char **)(void *)at = optarg; return -1;
    case CLI_LONG:
        return cli_parse_long(optarg, o->lo, o->hi, (long *)(void *)at)
                   ? bad_number(p->name, argv) : -1;
    case CLI_FORMAT:
        if (!cli_parse_log_format(optarg, &c->log_format, &c->to_syslog))
            return -1;
        fprintf(stderr, "%s: unknown log format '%s' (text, json, syslog)\n",
                p->name, optarg);
        return EXIT_USAGE;
    case CLI_FN: {
        int rc = o->fn(opts, optarg);
        return rc ? rc : -1;
    }
    case CLI_HELP: p->usage(stdout); return 0;
    default: printf("%s %s\n", p->name, odapi_version()); return 0;
    }
}

int cli_parse(const struct cli_prog *p, void *opts, int argc, char **argv,
              int *groups, int *first)
{
    struct option lo[CLI_MAX_OPTS + 1];
    char shorts[3 * CLI_MAX_OPTS + 4];
    int c, rc;
    *groups = 0;
    if (build_getopt(p, lo, shorts, sizeof shorts)) {
        fprintf(stderr, "%s: too many options\n", p->name);
        return EXIT_OTHER;
    }
    opterr = 0; /* cli_bad_option() says it in one line */
    while ((c = getopt_long(argc, argv, shorts, lo, NULL)) != -1) {
        const struct cli_opt *o = find_opt(p, c);
        if (!o)
            return cli_bad_option(p->name, c, argv, optind, optopt);
        *groups |= o->groups;
        if ((rc = apply_opt(p, o, opts, argv)) >= 0)
            return rc;
    }
    *first = optind;
    return -1;
}

void cli_limit(odapi_config *cfg, odapi_limit which, long v)
{
    if (v > 0)
        odapi_config_set_limit(cfg, which, v);
}

void cli_apply_relay_limits(odapi_config *cfg, const struct cli_common *c)
{
    cli_limit(cfg, ODAPI_LIMIT_TIMEOUT, c->timeout);
    cli_limit(cfg, ODAPI_LIMIT_MAX_CONNECTIONS, c->max_conns);
    cli_limit(cfg, ODAPI_LIMIT_MAX_BODY, c->max_body);
}

void cli_apply_limits(odapi_config *cfg, const struct cli_common *c)
{
    cli_limit(cfg, ODAPI_LIMIT_DB_POOL, c->pool);
    cli_apply_relay_limits(cfg, c);
    cli_limit(cfg, ODAPI_LIMIT_MAX_CONNECTIONS_PER_ADDRESS, c->per_address);
    cli_limit(cfg, ODAPI_LIMIT_HEADER_TIMEOUT, c->header_timeout);
    cli_limit(cfg, ODAPI_LIMIT_MAX_OUTPUT, c->max_output);
}

void cli_apply_documents(odapi_config *cfg, const struct cli_common *c)
{
    if (c->image_dir)
        odapi_config_set_image_dir(cfg, c->image_dir);
    if (c->known_hosts)
        odapi_config_set_known_hosts(cfg, c->known_hosts);
    if (c->url_ca || c->url_private)
        odapi_config_set_url_fetch(cfg, c->url_ca, c->url_private);
}

int cli_open_syslog(const struct cli_common *c, struct cli_syslog *sl,
                    const char *prog, int facility, const char *who)
{
    const char *path = c->log_socket ? c->log_socket : CLI_SYSLOG_SOCKET;
    if (!c->to_syslog || cli_syslog_open(sl, prog, facility, path) == 0)
        return 0;
    fprintf(stderr, "%s: cannot reach the syslog socket %s (%s); is %s "
                    "running? (--log-socket names another)\n",
            prog, path, strerror(errno), who);
    return EXIT_CONFIG;
}
