/* relay_app - an application that embeds the Cloud relay and serves one
 * route of its own (GET and POST /api/v1/localhello, which echo the body's
 * length), relaying everything else to argv[1] verified against the CA
 * file argv[2]. For test_relay.py; public API only. */
#include <odapi/odapi.h>

#include <stdio.h>

static void hello(odapi_request *req, void *arg)
{
    char out[128];
    size_t n = 0;
    (void)arg;
    odapi_request_body(req, &n);
    snprintf(out, sizeof out, "{\"local\":true,\"bodyLength\":%zu}", n);
    odapi_reply(req, 200, out, (size_t)-1);
}

int main(int argc, char **argv)
{
    odapi_config *cfg;
    odapi_server *srv;
    int rc;
    if (argc != 3 || !(cfg = odapi_config_new(ODAPI_MODE_RELAY)))
        return 1;
    odapi_config_set_port(cfg, 0);
    if (odapi_config_set_relay(cfg, argv[1], argv[2]) != ODAPI_OK ||
        odapi_server_new(cfg, NULL, &srv) != ODAPI_OK)
        return 1;
    odapi_config_free(cfg);
    odapi_server_add_route(srv, "GET", "/localhello", ODAPI_PERM_NONE, hello,
                           NULL);
    odapi_server_add_route(srv, "POST", "/localhello", ODAPI_PERM_NONE,
                           hello, NULL);
    if ((rc = odapi_server_start(srv)) != ODAPI_OK) {
        fprintf(stderr, "relay_app: %s\n", odapi_server_errmsg(srv));
        odapi_server_free(srv);
        return 2;
    }
    odapi_server_handle_signals(srv, NULL, NULL);
    printf("  Base URL: %s\n", odapi_server_base_url(srv));
    fflush(stdout);
    rc = odapi_server_run(srv);
    odapi_server_free(srv);
    odapi_global_cleanup();
    return rc == ODAPI_OK ? 0 : 5;
}
