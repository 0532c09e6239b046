/*
 * app_loop - an application that owns its event loop and embeds libodapi:
 * the built-in Open Dental API plus a route of its own that reads the
 * database through the library's worker pool.
 *
 *   app_loop PORT SOCKET DATABASE
 *
 * GET /api/v1/practice/Counts answers {"patients":N,"appointments":M}
 * (needs a key with ApiReadAll: ODFHIR ExampleDevKey001/ExampleCust00001).
 * SIGTERM stops the server gracefully; the loop then ends by itself.
 *
 * Build outside the tree: besides odapi, it uses libevent and the MySQL C
 * API itself, so it names their pkg-config packages too:
 *     cc app_loop.c -o app_loop $(pkg-config --cflags --libs odapi \
 *         libevent_core libevent_pthreads libmariadb)
 * With the library in a prefix the dynamic linker does not search (say
 * make install PREFIX=$HOME/.local), add -Wl,-rpath,$HOME/.local/lib, or
 * run it with LD_LIBRARY_PATH=$HOME/.local/lib (README, "Embedding").
 */
#include <odapi/odapi.h>

#include <event2/event.h>
#include <event2/thread.h>
#include <mysql.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct counts {
    long long patients, appointments;
    int ok;
};

static long long count(MYSQL *m, const char *sql)
{
    MYSQL_RES *res;
    MYSQL_ROW row;
    long long n = -1;
    if (mysql_query(m, sql) || !(res = mysql_store_result(m)))
        return -1;
    if ((row = mysql_fetch_row(res)) && row[0])
        n = atoll(row[0]);
    mysql_free_result(res);
    return n;
}

/* On a database worker thread: blocking calls are fine here. */
static void counts_work(MYSQL *m, void *arg)
{
    struct counts *c = arg;
    c->patients = count(m, "SELECT COUNT(*) FROM patient");
    c->appointments = count(m, "SELECT COUNT(*) FROM appointment");
    c->ok = c->patients >= 0 && c->appointments >= 0;
}

/* Back on the loop thread, always once: reply and free. status is not
 * ODAPI_OK when the database could not be reached and counts_work did
 * not run. */
static void counts_done(odapi_request *req, int status, void *arg)
{
    struct counts *c = arg;
    char body[128];
    if (status != ODAPI_OK) {
        snprintf(body, sizeof body, "Counts: %s.", odapi_strerror(status));
        odapi_reply_error(req, 503, body);
    } else if (!c->ok) {
        odapi_reply_error(req, 500, "The counts could not be read.");
    } else {
        snprintf(body, sizeof body, "{\"patients\":%lld,\"appointments\":%lld}",
                 c->patients, c->appointments);
        odapi_reply(req, 200, body, (size_t)-1);
    }
    free(c);
}

static void counts_route(odapi_request *req, void *arg)
{
    struct counts *c = calloc(1, sizeof *c);
    int rc;
    (void)arg;
    if (!c) {
        odapi_reply_error(req, 500, "Out of memory.");
        return;
    }
    /* ODAPI_OK: counts_done owns c from now on; otherwise nothing was
     * queued and c is still ours. */
    rc = odapi_request_mariadb(req, counts_work, counts_done, c);
    if (rc != ODAPI_OK) {
        free(c);
        odapi_reply_error(req, 503, odapi_strerror(rc));
    }
}

static void on_term(evutil_socket_t sig, short what, void *arg)
{
    odapi_server *srv = arg;
    (void)sig;
    (void)what;
    fprintf(stderr, "app_loop: stopping\n");
    /* Graceful: requests in flight finish; the server's events go away,
     * and with no events left the application's loop returns. */
    odapi_server_stop(srv);
}

int main(int argc, char **argv)
{
    struct event_base *base;
    struct event *term;
    odapi_config *cfg;
    odapi_server *srv;
    int rc;

    if (argc != 4) {
        fprintf(stderr, "usage: app_loop PORT SOCKET DATABASE\n");
        return 2;
    }
    /* The library's workers wake the loop from other threads. */
    evthread_use_pthreads();
    if (!(base = event_base_new()))
        return 1;
    cfg = odapi_config_new(ODAPI_MODE_LOCAL);
    odapi_config_set_port(cfg, (unsigned)atoi(argv[1]));
    odapi_config_set_db_server(cfg, NULL, 0, argv[2], "root", NULL, argv[3]);
    odapi_config_add_key(cfg, "ExampleDevKey001", "ExampleCust00001",
                         "Example App", "ApiReadAll");
    rc = odapi_server_new(cfg, base, &srv);
    odapi_config_free(cfg);
    if (rc != ODAPI_OK)
        return 1;
    odapi_server_add_route(srv, "GET", "/practice/Counts", ODAPI_PERM_READ_ALL,
                           counts_route, NULL);
    if ((rc = odapi_server_start(srv)) != ODAPI_OK) {
        fprintf(stderr, "app_loop: %s\n", odapi_server_errmsg(srv));
        odapi_server_free(srv);
        event_base_free(base);
        return 1;
    }
    signal(SIGPIPE, SIG_IGN);
    /* once, not EV_PERSIST as evsignal_new() would make it */
    term = event_new(base, SIGTERM, EV_SIGNAL, on_term, srv);
    event_add(term, NULL);
    printf("  Base URL: %s\n", odapi_server_base_url(srv));
    fflush(stdout);

    /* The application's own loop. After the stop, only the signal event
     * would keep it alive: drop it once the server is stopping. */
    while (event_base_loop(base, EVLOOP_ONCE) == 0) {
        if (event_base_got_exit(base))
            break;
        if (!event_pending(term, EV_SIGNAL, NULL))
            break;
    }
    event_free(term);
    event_base_dispatch(base); /* let the drain finish */
    odapi_server_free(srv);
    event_base_free(base);
    odapi_global_cleanup();
    return 0;
}
