/* sandbox.c - start the sandbox's embedded server with options sized for a
 * small practice, which the my.cnf groups of sandbox-internal.h may raise
 * (docs/sandbox.md, "Memory"). */
#include "core/odapi-internal.h"
#include "db/mysql-api-internal.h"
#include "db/sandbox-internal.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

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

/* One mapping of /proc/self/smaps being read. */
struct mapping {
    uintptr_t lo, hi;
    int droppable;
};

/* Drop the mapping from our page tables when it maps a file, privately, and
 * was never written: such pages come back from the page cache, unchanged,
 * when touched again. A page written once (relocations, the data
 * segment) is private memory and must stay, so any Anonymous page keeps
 * the whole mapping. */
static void drop_clean(const struct mapping *m, long anon_kb)
{
    if (m->droppable && anon_kb == 0 && m->hi > m->lo)
        madvise((void *)m->lo, m->hi - m->lo, MADV_DONTNEED);
}

/* 1 when hdr is an smaps header line; m->droppable when it maps a file
 * (a path, not [heap] or anon_inode:), private and read-only. */
static int parse_header(const char *hdr, struct mapping *m)
{
    unsigned long lo, hi;
    char perms[8];
    int off = 0;
    const char *name;

    if (sscanf(hdr, "%lx-%lx %7s %*s %*s %*s%n", &lo, &hi, perms, &off) != 3)
        return 0;
    name = hdr + off;
    while (*name == ' ')
        name++;
    m->lo = lo;
    m->hi = hi;
    m->droppable = name[0] == '/' && !strchr(perms, 'w') &&
                   strchr(perms, 'p') != NULL;
    return 1;
}

void od_sandbox_settle(void)
{
    char line[1400];
    struct mapping m = {0, 0, 0}, next;
    long anon = -1, kb;
    FILE *f;

    od_mem_trim();
    if (!(f = fopen("/proc/self/smaps", "r")))
        return;
    while (fgets(line, sizeof line, f)) {
        if (sscanf(line, "Anonymous: %ld kB", &kb) == 1) {
            anon = kb;
        } else if (parse_header(line, &next)) {
            if (anon >= 0)
                drop_clean(&m, anon);
            anon = -1;
            m = next;
        }
    }
    if (anon >= 0)
        drop_clean(&m, anon);
    fclose(f);
}
