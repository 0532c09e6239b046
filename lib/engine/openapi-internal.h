/*
 * openapi-internal.h - the API reference, generated (openapi.c).
 *
 * GET /api/v1/openapi.json is an OpenAPI 3.1 document built from what the
 * server really serves: the router's routes and permissions, the resource
 * descriptions (fields, filters, checks, error sentences) and, for the
 * hand-written actions, a small declaration next to their registration
 * (struct od_opdoc). Examples are real sandbox answers recorded by
 * tools/openapi-examples.py into docs/openapi-examples.json and built in.
 */
#ifndef ODAPI_OPENAPI_INTERNAL_H
#define ODAPI_OPENAPI_INTERNAL_H

#include "http/server-internal.h"

/* What a hand-written route takes and answers. query and body are comma
 * lists of "name:type", a "!" after the type marking a required input:
 * "PatNum:int!,isFamily:bool". Types: int (a key or count), text, date
 * ("yyyy-MM-dd"), datetime ("yyyy-MM-dd HH:mm:ss"), time ("HH:mm:ss"),
 * bool ("true"/"false"), number, money, ints (an array of keys),
 * object, array, file (base64 text). A required input's absence is
 * documented as 400 "X is required.", the kit's sentence. */
struct od_opdoc {
    const char *method;
    const char *pattern;       /* as given to od_router_add */
    const char *summary;
    const char *query;
    const char *body;
    const char *answers;       /* a resource whose row (or rows, for a
                                  GET answering a list) is the answer;
                                  NULL: the example shows the shape */
    const char *errors;        /* refusals besides "X is required." for
                                  each required input: "400 sentence"s
                                  separated by '|' */
    /* for od_api_routes: the route's permission and handler (NULL: a
     * route registered elsewhere, only documented here) */
    odapi_permission perm;
    odapi_handler_fn handler;
};

/* Attach docs to the routes they name (registered before). Returns how
 * many name no route (0 when all do). */
int od_api_docs(odapi_server *srv, const struct od_opdoc *docs, int n);

/* Register the routes of docs that name a handler (in the table's order,
 * with no handler argument), then attach docs as od_api_docs does: one
 * table declares a file's routes and their documentation. Returns how many
 * could not be added or name no route. */
int od_api_routes(odapi_server *srv, const struct od_opdoc *docs, int n);

/* The OpenAPI document of srv's routes (malloc'd JSON text, indented
 * when pretty), or NULL when out of memory. */
char *od_openapi_json(odapi_server *srv, int pretty);

struct od_resource;

/* GET /openapi.json, describing the routes and the resources of list
 * (NULL-terminated; routes.c's od_resources). */
void od_openapi_register(odapi_server *srv,
                         const struct od_resource *const *list);

/* The examples built in (build/gen/openapi-examples.c). */
extern const char od_openapi_examples[];
extern const size_t od_openapi_examples_len;

#endif /* ODAPI_OPENAPI_INTERNAL_H */
