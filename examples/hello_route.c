/*
 * hello_route - embed libodapi and add routes of your own.
 *
 *     ./examples/hello_route [PORT]        (PORT 0 or absent: any free port)
 *
 * The server runs in Local API mode on 127.0.0.1 (and ::1), without a
 * database: only routes that need none are useful, which is all this
 * example adds. It prints "Base URL: http://127.0.0.1:PORT/api/v1/" and
 * serves until SIGINT or SIGTERM.
 *
 *   GET /api/v1/hello/{Name}         no key needed     {"hello":"Name"}
 *       ?greeting=Hi                                    {"hello":"Name","greeting":"Hi"}
 *   GET /api/v1/hello/world          a literal segment wins over {Name}
 *   GET /api/v1/whoami               needs a key with ApiReadAll
 *                                    {"developer":"Example Developer"}
 *
 * Keys: "exampledev/examplecust" has ApiReadAll; "limiteddev/limitedcust"
 * only ApiPatients (so /whoami answers it 401).
 *
 * Build in the tree with `make`, or outside it (jansson writes the JSON):
 *     cc hello_route.c $(pkg-config --cflags --libs odapi jansson)
 */
#include <odapi/odapi.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Answer 200 with obj as compact JSON, and free it. The library has no JSON
 * writer of its own in its API: jansson (which it links anyway) escapes
 * strings and keeps the keys in the order they were added. json_pack()
 * refuses text that is not UTF-8 (segments arrive percent-decoded and may
 * be any bytes), so obj may be NULL: answer 400 then. */
static void reply_json(odapi_request *req, json_t *obj, const char *what)
{
    char *body = obj ? json_dumps(obj, JSON_COMPACT) : NULL;
    if (!obj) {
        char msg[64];
        snprintf(msg, sizeof msg, "%s is not valid UTF-8.", what);
        odapi_reply_error(req, 400, msg);
    } else if (!body) {
        odapi_reply_error(req, 500, "Out of memory.");
    } else {
        odapi_reply(req, 200, body, (size_t)-1);
    }
    free(body);
    json_decref(obj);
}

static void hello(odapi_request *req, void *arg)
{
    const char *name = arg ? (const char *)arg
                           : odapi_request_segment(req, "Name");
    const char *greeting = odapi_request_query(req, "greeting");
    json_t *obj;

    if (strlen(name) > 100) {
        odapi_reply_error(req, 400, "Name is too long.");
        return;
    }
    /* the greeting is optional: added only when the query gives it */
    obj = json_pack("{s:s}", "hello", name);
    if (obj && greeting &&
        json_object_set_new(obj, "greeting", json_string(greeting)) != 0) {
        json_decref(obj);
        obj = NULL;
    }
    reply_json(req, obj, "Name or greeting");
}

static void whoami(odapi_request *req, void *arg)
{
    (void)arg;
    reply_json(req, json_pack("{s:s}", "developer",
                              odapi_request_developer(req)),
               "developer");
}

static int check(int rc, const char *what)
{
    if (rc != ODAPI_OK)
        fprintf(stderr, "hello_route: %s: %s\n", what, odapi_strerror(rc));
    return rc != ODAPI_OK;
}

int main(int argc, char **argv)
{
    unsigned port = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 10) : 0;
    odapi_config *cfg;
    odapi_server *srv;
    int rc;

    if (!(cfg = odapi_config_new(ODAPI_MODE_LOCAL)))
        return 1;
    if (check(odapi_config_set_port(cfg, port), "port") ||
        check(odapi_config_add_key(cfg, "exampledev", "examplecust",
                                   "Example Developer", "ApiReadAll"),
              "key") ||
        check(odapi_config_add_key(cfg, "limiteddev", "limitedcust",
                                   "Limited Developer", "ApiPatients"),
              "key")) {
        odapi_config_free(cfg);
        return 1;
    }
    rc = odapi_server_new(cfg, NULL, &srv);
    odapi_config_free(cfg); /* the server keeps its own copy */
    if (check(rc, "server"))
        return 1;

    if (check(odapi_server_add_route(srv, "GET", "/hello/{Name}",
                                     ODAPI_PERM_NONE, hello, NULL),
              "route") ||
        check(odapi_server_add_route(srv, "GET", "/hello/world",
                                     ODAPI_PERM_NONE, hello, "World"),
              "route") ||
        check(odapi_server_add_route(srv, "GET", "/whoami",
                                     ODAPI_PERM_READ_ALL, whoami, NULL),
              "route")) {
        odapi_server_free(srv);
        return 1;
    }

    if ((rc = odapi_server_start(srv)) != ODAPI_OK) {
        fprintf(stderr, "hello_route: %s\n", odapi_server_errmsg(srv));
        odapi_server_free(srv);
        return rc == ODAPI_E_ADDR_IN_USE ? 3 : 1;
    }
    odapi_server_handle_signals(srv, NULL, NULL);
    printf("Base URL: %s\n", odapi_server_base_url(srv));
    fflush(stdout);

    rc = odapi_server_run(srv);
    odapi_server_free(srv);
    odapi_global_cleanup();
    return rc == ODAPI_OK ? 0 : 1;
}
