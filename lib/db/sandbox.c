/* sandbox.c - start the sandbox's embedded server with options sized for a
 * small practice, which the my.cnf groups of sandbox-internal.h may raise
 * (docs/sandbox.md, "Memory"). */
#include "core/odapi-internal.h"
#include "db/mysql-api-internal.h"
#include "db/sandbox-internal.h"

#include <stdio.h>
#include <string.h>

#define MAX_ARGS 128

/* libmariadbd's option reader (mysys), exported for client programs. */
typedef char (*my_init_fn)(void);
typedef int (*load_defaults_fn)(const char *conf_file, const char **groups,
                                int *argc, char ***argv);
typedef void (*free_defaults_fn)(char **argv);

struct reader {
    my_init_fn init;
    load_defaults_fn load;
    free_defaults_fn release;
};

static int find_reader(struct reader *r)
{
    void *p;
    if (!(p = od_mysql_symbol("my_init")))
        return -1;
    memcpy(&r->init, &p, sizeof p);
    if (!(p = od_mysql_symbol("load_defaults")))
        return -1;
    memcpy(&r->load, &p, sizeof p);
    if (!(p = od_mysql_symbol("free_defaults")))
        return -1;
    memcpy(&r->release, &p, sizeof p);
    return 0;
}

/* The server reads no option file itself (--no-defaults): the groups' options
 * come after ours, where the server's own reader would put them before. */
static int add(char **argv, int *argc, char *arg)
{
    if (*argc >= MAX_ARGS - 1)
        return -1;
    argv[(*argc)++] = arg;
    return 0;
}

int od_sandbox_start(const char *datadir, char *err, size_t errlen)
{
    static const char *const groups[] = {OD_SANDBOX_CNF_GROUPS, NULL};
    static const char *const sizing[] = {OD_SANDBOX_SIZING};
    static const char *const fixed[] = {OD_SANDBOX_FIXED};
    char *argv[MAX_ARGS], a_datadir[1100], a_sfp[1100];
    char *none[] = {"odapi", NULL}, **file = none;
    int argc = 0, nfile = 1, i, rc = 0;
    struct reader rd;
    size_t k;

    if (find_reader(&rd) != 0 || rd.init() != 0 ||
        rd.load("my", (const char **)groups, &nfile, &file) != 0) {
        snprintf(err, errlen, "the embedded server could not read its option "
                              "files (my.cnf)");
        return -1;
    }
    snprintf(a_datadir, sizeof a_datadir, "--datadir=%s", datadir);
    /* LOAD_FILE and INTO OUTFILE may touch only an empty folder. */
    snprintf(a_sfp, sizeof a_sfp, "--secure-file-priv=%s/files", datadir);
    add(argv, &argc, "odapi");
    add(argv, &argc, "--no-defaults");
    for (k = 0; k < OD_ARRAY_LEN(sizing); k++)
        add(argv, &argc, (char *)sizing[k]);
    for (i = 1; i < nfile; i++)
        rc |= add(argv, &argc, file[i]);
    for (k = 0; k < OD_ARRAY_LEN(fixed); k++)
        rc |= add(argv, &argc, (char *)fixed[k]);
    rc |= add(argv, &argc, a_datadir);
    rc |= add(argv, &argc, a_sfp);
    argv[argc] = NULL;
    if (rc != 0)
        snprintf(err, errlen, "too many options for the embedded server in "
                              "the my.cnf groups");
    else if (mysql_library_init(argc, argv, NULL) != 0) {
        snprintf(err, errlen, "the embedded MariaDB server did not start on "
                              "%s (see the messages above)", datadir);
        rc = -1;
    }
    if (file != none)
        rd.release(file);
    return rc ? -1 : 0;
}
