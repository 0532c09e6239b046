/* seed_db - seed the library's demo practice (lib/db/seed.c) into an
 * existing, empty Open Dental database on a MariaDB server, writing only
 * the columns that database has, as Open Dental's own sessions do
 * (sql_mode ''): the tests' full-schema databases
 * (test/fixtures/od-full-schema.sql) get their rows this way.
 *
 *   seed_db SOCKET DATABASE PATIENTS SEED   (as root, no password)
 */
#include "core/odapi-internal.h"
#include "db/seed-internal.h"

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    struct od_seed_opts so = {0};
    char err[512];
    MYSQL *m;
    int rc;
    if (argc != 5) {
        fprintf(stderr, "usage: seed_db SOCKET DATABASE PATIENTS SEED\n");
        return 2;
    }
    if (od_mysql_load(OD_MYSQL_CLIENT, err, sizeof err) != 0 ||
        mysql_library_init(-1, NULL, NULL) != 0) {
        fprintf(stderr, "seed_db: %s\n", err);
        return 1;
    }
    m = mysql_init(NULL);
    if (!m || !mysql_real_connect(m, "localhost", "root", NULL, argv[2], 0,
                                  argv[1], 0)) {
        fprintf(stderr, "seed_db: %s\n", m ? mysql_error(m) : "out of memory");
        return 1;
    }
    if (mysql_query(m, "SET SESSION sql_mode = ''") != 0) {
        fprintf(stderr, "seed_db: %s\n", mysql_error(m));
        return 1;
    }
    so.patients = atol(argv[3]);
    so.seed = strtoul(argv[4], NULL, 10);
    /* the demo key, as the sandbox and odlocal --db-create seed it (its
     * apikey row, its subscription, its app's security log), so that
     * every schema the tests run on has the same rows */
    so.customer_key = "VzkmZEaUWOjnQX2z"; /* the demo key's customer part */
    so.developer_name = "Sandbox Developer";
    rc = od_seed(m, &so, err, sizeof err);
    if (rc != ODAPI_OK)
        fprintf(stderr, "seed_db: %s\n", err);
    mysql_close(m);
    mysql_library_end();
    return rc == ODAPI_OK ? 0 : 1;
}
