/*
 * routes-internal.h - the top of the library (routes.c): what it builds
 * from the lists of the layers below, for tools and tests that walk them.
 */
#ifndef ODAPI_ROUTES_INTERNAL_H
#define ODAPI_ROUTES_INTERNAL_H

struct od_resource;
struct odapi_server;

/* The built-in routes, described and hand-written, into srv's router
 * (what odapi_server_start adds; the fuzz targets call it alone). */
void od_register_builtin_routes(struct odapi_server *srv);

/* GET /metrics: what the layers below the top count (metrics.c). */
struct od_buf;
void od_metrics_parts(struct odapi_server *srv, struct od_buf *out);

/* Every described resource (resources/list.h), NULL-terminated. */
extern const struct od_resource *const od_resources[];

#endif /* ODAPI_ROUTES_INTERNAL_H */
