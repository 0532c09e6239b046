/* list_routes - print every built-in route as "METHOD /path PERMISSION",
 * for tools/coverage.sh (docs/coverage.md). */
#include "http/server-internal.h"
#include "auth/cred-internal.h"

#include <stdio.h>

int main(void)
{
    odapi_config *cfg = odapi_config_new(ODAPI_MODE_LOCAL);
    odapi_server *srv;
    int i, k;
    if (!cfg || odapi_server_new(cfg, NULL, &srv) != ODAPI_OK)
        return 1;
    srv->parts->add_routes(srv);
    for (i = 0; i < srv->router.n; i++) {
        const struct od_route *rt = &srv->router.routes[i];
        const char *perm = od_perm_name(rt->perm);
        printf("%s\t", rt->method);
        for (k = 0; k < rt->nsegs; k++)
            printf(rt->is_param[k] ? "/{%s}" : "/%s", rt->segs[k]);
        printf("\t%s\n", perm ? perm
                              : rt->perm == ODAPI_PERM_NONE ? "none" : "key");
    }
    odapi_server_free(srv);
    odapi_config_free(cfg);
    return 0;
}
