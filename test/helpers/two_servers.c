/* two_servers - two servers in one process, each attached to a database of
 * its own (an application may serve two practices): what the engine
 * derives from one database's columns must never serve the other's.
 *
 *   two_servers SOCKET USER DB1 DB2
 *
 * Prints "Base URL: http://127.0.0.1:PORT/api/v1/" per server, in order,
 * then serves (Open Dental's published test key pair, every permission)
 * until stdin closes. Public API only. */
#include <odapi/odapi.h>

#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

#define DEV "NFF6i0KrXrxDkZHt"
#define CUST "VzkmZEaUWOjnQX2z"

static void *run(void *arg)
{
    odapi_server_run(arg);
    return NULL;
}

static odapi_server *start(const char *sock, const char *user,
                           const char *db)
{
    odapi_config *cfg = odapi_config_new(ODAPI_MODE_LOCAL);
    odapi_server *srv = NULL;
    if (!cfg || odapi_config_set_port(cfg, 0) != ODAPI_OK ||
        odapi_config_set_db_server(cfg, "localhost", 0, sock, user, "", db) !=
            ODAPI_OK ||
        odapi_config_add_key(cfg, DEV, CUST, "Two Servers", "all") !=
            ODAPI_OK ||
        odapi_server_new(cfg, NULL, &srv) != ODAPI_OK) {
        odapi_config_free(cfg);
        return NULL;
    }
    odapi_config_free(cfg);
    if (odapi_server_start(srv) != ODAPI_OK) {
        fprintf(stderr, "two_servers: %s\n", odapi_server_errmsg(srv));
        odapi_server_free(srv);
        return NULL;
    }
    printf("Base URL: %s\n", odapi_server_base_url(srv));
    fflush(stdout);
    return srv;
}

int main(int argc, char **argv)
{
    odapi_server *a, *b;
    pthread_t ta, tb;
    char buf[64];
    if (argc != 5) {
        fprintf(stderr, "usage: two_servers SOCKET USER DB1 DB2\n");
        return 2;
    }
    if (!(a = start(argv[1], argv[2], argv[3])) ||
        !(b = start(argv[1], argv[2], argv[4])))
        return 1;
    pthread_create(&ta, NULL, run, a);
    pthread_create(&tb, NULL, run, b);
    while (read(STDIN_FILENO, buf, sizeof buf) > 0)
        ;
    odapi_server_stop_async(a);
    odapi_server_stop_async(b);
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    odapi_server_free(a);
    odapi_server_free(b);
    odapi_global_cleanup();
    return 0;
}
