/* openapi_dump - print the OpenAPI document of the built-in routes, as
 * GET /api/v1/openapi.json serves it (indented), for `make openapi`,
 * `make install` and the checks in test/integration/test_openapi.py.
 * With --undeclared: list the hand-written routes that have no
 * declaration (struct od_opdoc), one a line. */
#include "http/server-internal.h"
#include "engine/openapi-internal.h"
#include "engine/resource-internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int declared_or_described(const struct od_route *rt)
{
    int i;
    if (rt->doc)
        return 1;
    for (i = 0; od_resources[i]; i++)
        if (rt->arg == (const void *)od_resources[i])
            return 1;
    return 0;
}

int main(int argc, char **argv)
{
    odapi_config *cfg = odapi_config_new(ODAPI_MODE_LOCAL);
    odapi_server *srv;
    char *doc;
    int i, k, rc = 0;
    if (!cfg || odapi_server_new(cfg, NULL, &srv) != ODAPI_OK)
        return 1;
    od_register_builtin_routes(srv);
    if (argc > 1 && !strcmp(argv[1], "--undeclared")) {
        for (i = 0; i < srv->router.n; i++) {
            const struct od_route *rt = &srv->router.routes[i];
            if (declared_or_described(rt))
                continue;
            printf("%s\t", rt->method);
            for (k = 0; k < rt->nsegs; k++)
                printf(rt->is_param[k] ? "/{%s}" : "/%s", rt->segs[k]);
            printf("\n");
        }
    } else if ((doc = od_openapi_json(srv, 1))) {
        puts(doc);
        free(doc);
    } else {
        rc = 1;
    }
    odapi_server_free(srv);
    odapi_config_free(cfg);
    return rc;
}
