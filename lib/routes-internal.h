/*
 * routes-internal.h - the top of the library (routes.c): what it builds
 * from the lists of the layers below, for tools and tests that walk them.
 */
#ifndef ODAPI_ROUTES_INTERNAL_H
#define ODAPI_ROUTES_INTERNAL_H

struct od_resource;

/* Every described resource (resources/list.h), NULL-terminated. */
extern const struct od_resource *const od_resources[];

#endif /* ODAPI_ROUTES_INTERNAL_H */
