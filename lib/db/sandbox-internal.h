/*
 * sandbox-internal.h - how the embedded server of the sandbox is started
 * (docs/sandbox.md, "Memory"). bench/ceiling_db.c starts its embedded
 * ceiling with the same lists, so both measure the same server.
 */
#ifndef ODAPI_SANDBOX_INTERNAL_H
#define ODAPI_SANDBOX_INTERNAL_H

#include <stddef.h>

/* The my.cnf groups read after OD_SANDBOX_SIZING, so a value set there
 * wins ([embedded] is where Debian's 50-server.cnf puts embedded-server
 * options; [odapi-sandbox] is ours alone). [server] is not read: it is
 * meant for the practice's own MariaDB server. */
#define OD_SANDBOX_CNF_GROUPS "embedded", "odapi-sandbox"

/* Sized for the default practice (200 patients, a few MB of rows) on a
 * workstation, not for a server: the defaults of a server (128M buffer
 * pool, 128M key and Aria caches, a 16M log buffer, four I/O and purge
 * threads) kept 115 MB resident before the first request. Each can be
 * raised in a group above. */
#define OD_SANDBOX_SIZING                                                      \
    "--innodb-buffer-pool-size=16M", "--innodb-log-buffer-size=2M",            \
        "--innodb-log-file-size=48M", "--innodb-read-io-threads=1",            \
        "--innodb-write-io-threads=1", "--innodb-purge-threads=1",             \
        "--key-buffer-size=64K", "--aria-pagecache-buffer-size=1M",            \
        "--query-cache-size=0", "--query-cache-type=0",                        \
        "--performance-schema=OFF"

/* Not for the groups to change: what the library relies on. */
#define OD_SANDBOX_FIXED                                                       \
    "--character-set-server=utf8mb4",                                          \
        "--collation-server=utf8mb4_general_ci", "--skip-name-resolve",        \
        "--default-storage-engine=InnoDB"

/* Start the embedded server on datadir (mysql_library_init) with the
 * options above, those of the groups, then the fixed ones: 0, or -1 with
 * one sentence in err. The MySQL C API must be loaded (od_mysql_load). */
int od_sandbox_start(const char *datadir, char *err, size_t errlen);

/* Once the sandbox is open: give the heap's free pages back and drop from
 * the process the never-written pages of every file it maps (libmariadbd's
 * relocation tables, recovery and bootstrap code; the other libraries'
 * start-up code; docs/sandbox.md, "Memory"). What requests use comes back
 * from the page cache. */
void od_sandbox_settle(void);

#endif /* ODAPI_SANDBOX_INTERNAL_H */
