/* fuzz_router.c - the router (od_router_match over every built-in route),
 * the query string parser, and the strict number parsers on what they
 * give back. Input: a method selector byte, then "path[?query]". */
#include "http/server-internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static odapi_server *srv;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    odapi_config *cfg = odapi_config_new(ODAPI_MODE_LOCAL);
    (void)argc;
    (void)argv;
    if (!cfg || odapi_server_new(cfg, NULL, &srv) != ODAPI_OK)
        abort();
    odapi_config_free(cfg);
    od_register_builtin_routes(srv); /* the routes only: not started */
    return 0;
}

static void numbers(const char *s)
{
    long long v;
    double d;
    long long keys[8];
    size_t n;
    od_parse_ll(s, &v);
    od_parse_key(s, &v);
    od_parse_decimal(s, &d);
    od_parse_key_list(s, keys, 8, &n);
    od_valid_date(s, 0);
    od_valid_date(s, 1);
    od_valid_time(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const methods[] = {"GET", "POST", "PUT", "DELETE",
                                          "HEAD", "PATCH", "OPTIONS"};
    const struct od_route *route;
    struct od_query q;
    char *text, *query, *buf, *segs[OD_MAX_SEGS], msg[256];
    int nsegs, i;
    size_t plen;

    if (size == 0)
        return 0;
    if (!(text = malloc(size)))
        return 0;
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0'; /* what evhttp hands over is a C string */
    query = strchr(text, '?');
    if (query)
        *query++ = '\0';
    plen = strlen(text);
    if ((buf = malloc(plen + 2)) != NULL) {
        if (od_router_match(&srv->router, methods[data[0] % 7], text, buf,
                            plen + 2, segs, &nsegs, &route, msg,
                            sizeof msg) == OD_MATCH_OK)
            for (i = 0; i < nsegs; i++)
                numbers(segs[i]);
        free(buf);
    }
    if (query && od_query_parse(&q, query) == 0) {
        for (i = 0; i < q.n; i++) {
            numbers(q.values[i]);
            od_query_get(&q, q.names[i]);
        }
    }
    if (query)
        od_query_free(&q);
    free(text);
    return 0;
}
