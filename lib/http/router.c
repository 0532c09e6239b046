/* router.c - /api/v1/{resource}[/{key}][/{Action}] to a route, or to the
 * error the real API gives (apiimplementation.html). */
#include "http/server-internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define API_PREFIX "/api/v1"

static void route_clear(struct od_route *rt)
{
    int i;
    for (i = 0; i < rt->nsegs; i++)
        free(rt->segs[i]);
    rt->nsegs = 0;
}

int od_router_add(struct od_router *r, const char *method, const char *pattern,
                  odapi_permission perm, odapi_handler_fn fn, void *arg)
{
    struct od_route rt;
    const char *p = pattern, *e;
    size_t mlen;

    if (!method || !pattern || !fn || pattern[0] != '/')
        return ODAPI_E_INVALID;
    mlen = strlen(method);
    if (mlen == 0 || mlen >= sizeof rt.method)
        return ODAPI_E_INVALID;
    memset(&rt, 0, sizeof rt);
    memcpy(rt.method, method, mlen + 1);
    while (*p == '/') {
        size_t len;
        int param;
        p++;
        e = strchr(p, '/');
        len = e ? (size_t)(e - p) : strlen(p);
        if (len == 0 || rt.nsegs == OD_MAX_SEGS)
            goto invalid;
        param = p[0] == '{' && p[len - 1] == '}';
        if (param && len < 3)
            goto invalid;
        /* The first segment names the resource: always literal. */
        if (param && rt.nsegs == 0)
            goto invalid;
        rt.segs[rt.nsegs] = param ? strndup(p + 1, len - 2) : strndup(p, len);
        if (!rt.segs[rt.nsegs]) {
            route_clear(&rt);
            return ODAPI_E_NOMEM;
        }
        rt.is_param[rt.nsegs++] = (unsigned char)param;
        p += len;
    }
    if (*p || rt.nsegs == 0)
        goto invalid;
    rt.keys = r->builtin;
    rt.perm = perm;
    rt.fn = fn;
    rt.arg = arg;
    if (r->n == r->cap) {
        int cap = r->cap ? r->cap * 2 : 64;
        struct od_route *n = realloc(r->routes, (size_t)cap * sizeof *n);
        if (!n) {
            route_clear(&rt);
            return ODAPI_E_NOMEM;
        }
        r->routes = n;
        r->cap = cap;
    }
    r->routes[r->n++] = rt;
    return ODAPI_OK;
invalid:
    route_clear(&rt);
    return ODAPI_E_INVALID;
}

/* In the built-in routes a {param} is a key: only a segment of digits
 * reaches it ("0005" is then refused there as not canonical); any other
 * segment names an action ("slots", "+5", "12abc": "... is not a valid
 * method."), so a route that is not served never reaches a key route. */
static int all_digits(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return 0;
    return 1;
}

void od_router_free(struct od_router *r)
{
    int i;
    for (i = 0; i < r->n; i++)
        route_clear(&r->routes[i]);
    free(r->routes);
    memset(r, 0, sizeof *r);
}

/* Keep error messages short and printable: a request may carry anything. */
static void clip(char *dst, size_t cap, const char *src)
{
    size_t i;
    for (i = 0; src[i] && i + 1 < cap && i < 64; i++)
        dst[i] = (unsigned char)src[i] < 0x20 ? '?' : src[i];
    dst[i] = '\0';
}

enum od_match od_router_match(const struct od_router *r, const char *method,
                              const char *path, char *buf, size_t bufsize,
                              char **segs, int *nsegs,
                              const struct od_route **route, char *msg,
                              size_t msgsize)
{
    size_t plen = strlen(path), n;
    const struct od_route *best = NULL;
    int i, j, best_lit = -1, known = 0;
    char *p;

    *nsegs = 0;
    *route = NULL;
    msg[0] = '\0';
    if (strncmp(path, API_PREFIX, strlen(API_PREFIX)) != 0 ||
        (path[strlen(API_PREFIX)] != '/' && path[strlen(API_PREFIX)] != '\0'))
        return OD_MATCH_NOT_API;
    path += strlen(API_PREFIX);
    plen -= strlen(API_PREFIX);
    if (plen == 0 || (plen == 1 && path[0] == '/'))
        return OD_MATCH_HEALTH;
    if (plen + 1 > bufsize)
        return OD_MATCH_BAD_PATH;
    memcpy(buf, path + 1, plen); /* skip the leading '/' */
    buf[plen - 1] = '\0';
    n = plen - 1;
    if (n && buf[n - 1] == '/') /* one trailing slash is tolerated */
        buf[--n] = '\0';
    for (p = buf;;) {
        char *slash = strchr(p, '/');
        size_t dlen;
        if (slash)
            *slash = '\0';
        if (*nsegs == OD_MAX_SEGS || *p == '\0')
            return OD_MATCH_BAD_PATH;
        dlen = od_url_decode(p, 0);
        if (dlen != strlen(p)) /* an encoded NUL */
            return OD_MATCH_BAD_PATH;
        segs[(*nsegs)++] = p;
        if (!slash)
            break;
        p = slash + 1;
    }

    for (i = 0; i < r->n; i++) {
        const struct od_route *rt = &r->routes[i];
        int lit = 0;
        if (strcmp(rt->segs[0], segs[0]) != 0)
            continue;
        known = 1;
        if (rt->nsegs != *nsegs || strcmp(rt->method, method) != 0)
            continue;
        for (j = 1; j < rt->nsegs; j++) {
            if (rt->is_param[j] && rt->keys && !all_digits(segs[j]))
                break; /* an action name, not a key */
            if (rt->is_param[j])
                continue;
            if (strcmp(rt->segs[j], segs[j]) != 0)
                break;
            lit++;
        }
        if (j < rt->nsegs)
            continue;
        if (lit > best_lit) { /* literal segments win; first added wins ties */
            best = rt;
            best_lit = lit;
        }
    }
    if (best) {
        *route = best;
        return OD_MATCH_OK;
    }
    if (!known) {
        char res[72];
        clip(res, sizeof res, segs[0]);
        snprintf(msg, msgsize, "%s is not a valid resource.", res);
        return OD_MATCH_NO_RESOURCE;
    } else {
        /* "claimprocs DELETE  is not a valid method." - the action is the
         * last segment unless it is a key (apiimplementation.html). */
        char res[72], act[72] = "", meth[16];
        const char *last = segs[*nsegs - 1];
        clip(res, sizeof res, segs[0]);
        clip(meth, sizeof meth, method);
        long long key;
        if (*nsegs > 1 && od_parse_key(last, &key) != 0)
            clip(act, sizeof act, last);
        snprintf(msg, msgsize, "%s %s %s is not a valid method.", res, meth,
                 act);
        return OD_MATCH_NO_METHOD;
    }
}
