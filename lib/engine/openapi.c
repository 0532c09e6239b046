/*
 * openapi.c - the OpenAPI 3.1 document of what this server serves.
 *
 * Built from the router (every route, its permission), the resource
 * descriptions (fields and their wire types, filters, required inputs,
 * error sentences) and the declarations hand-written routes carry
 * (od_opdoc), so it cannot say something the server does not do. The
 * examples are real sandbox answers (docs/openapi-examples.json, built in).
 */
#include "engine/openapi-internal.h"
#include "engine/resource-internal.h"
#include "auth/cred-internal.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OD_OPENAPI_OD_PAGE "https://www.opendental.com/site/api%s.html"

static const struct od_resource *const no_resources[] = {NULL};

int od_api_docs(odapi_server *srv, const struct od_opdoc *docs, int n)
{
    int i, k, bad = 0;
    char pat[160];
    for (i = 0; i < n; i++) {
        int found = 0;
        for (k = 0; k < srv->router.n; k++) {
            struct od_route *rt = &srv->router.routes[k];
            int s;
            size_t len = 0;
            if (strcmp(rt->method, docs[i].method))
                continue;
            for (s = 0; s < rt->nsegs && len < sizeof pat; s++)
                len += (size_t)snprintf(pat + len, sizeof pat - len,
                                        rt->is_param[s] ? "/{%s}" : "/%s",
                                        rt->segs[s]);
            if (len < sizeof pat && !strcmp(pat, docs[i].pattern)) {
                rt->doc = &docs[i];
                found = 1;
            }
        }
        bad += !found;
    }
    return bad;
}

int od_api_routes(odapi_server *srv, const struct od_opdoc *docs, int n)
{
    int i, bad = 0;

    for (i = 0; i < n; i++)
        if (docs[i].handler &&
            od_router_add(&srv->router, docs[i].method, docs[i].pattern,
                          docs[i].perm, docs[i].handler, NULL))
            bad++;
    return bad + od_api_docs(srv, docs, n);
}

/* ---- schemas ------------------------------------------------------------- */

static json_t *str_pattern(const char *pattern, const char *fmt)
{
    return json_pack("{s:s, s:s, s:s}", "type", "string", "pattern", pattern,
                     "x-format", fmt);
}

static json_t *wire_schema(enum od_wire w, const struct od_enum *e)
{
    json_t *s, *names;
    int i;
    switch (w) {
    case OD_W_INT:
        return json_pack("{s:s}", "type", "integer");
    case OD_W_INT_STR:
        return str_pattern("^-?[0-9]+$", "integer as a string");
    case OD_W_ENUM:
        if (!e)
            return json_pack("{s:s}", "type", "string");
        names = json_array();
        for (i = 0; i < e->count; i++)
            if (e->names[i])
                json_array_append_new(names, json_string(e->names[i]));
        s = json_pack("{s:s, s:o, s:s}", "type", "string", "enum", names,
                      "x-enum", e->name);
        return s;
    case OD_W_BOOL:
        return json_pack("{s:s, s:[s,s]}", "type", "string", "enum", "true",
                         "false");
    case OD_W_DATE:
        return str_pattern("^[0-9]{4}-[0-9]{2}-[0-9]{2}$", "yyyy-MM-dd");
    case OD_W_DATETIME:
    case OD_W_SERVERTIME:
        return str_pattern("^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}"
                           ":[0-9]{2}$", "yyyy-MM-dd HH:mm:ss");
    case OD_W_TIME:
        return str_pattern("^[0-9]{2}:[0-9]{2}:[0-9]{2}$", "HH:mm:ss");
    case OD_W_MONEY:
    case OD_W_MONEY_RAW:
        /* written as a string ("95.00"); read from a number or a string */
        return json_pack("{s:[s,s], s:s}", "type", "string", "number",
                         "x-format", "decimal, written as a string");
    case OD_W_NUMBER:
        return json_pack("{s:s}", "type", "number");
    case OD_W_COLOR:
        return str_pattern("^[0-9]+,[0-9]+,[0-9]+$", "R,G,B");
    case OD_W_INTLIST:
        return json_pack("{s:s, s:{s:s}}", "type", "array", "items", "type",
                         "integer");
    case OD_W_TEXT:
    default:
        return json_pack("{s:s}", "type", "string");
    }
}

/* A declared type (od_opdoc) as a schema. */
static json_t *decl_schema(const char *t, size_t n)
{
#define IS(x) (n == sizeof(x) - 1 && !strncmp(t, x, n))
    if (IS("int"))
        return wire_schema(OD_W_INT, NULL);
    if (IS("date"))
        return wire_schema(OD_W_DATE, NULL);
    if (IS("datetime"))
        return wire_schema(OD_W_DATETIME, NULL);
    if (IS("time"))
        return wire_schema(OD_W_TIME, NULL);
    if (IS("bool"))
        return wire_schema(OD_W_BOOL, NULL);
    if (IS("number"))
        return wire_schema(OD_W_NUMBER, NULL);
    if (IS("money"))
        return wire_schema(OD_W_MONEY, NULL);
    if (IS("ints"))
        return wire_schema(OD_W_INTLIST, NULL);
    if (IS("object"))
        return json_pack("{s:s}", "type", "object");
    if (IS("array"))
        return json_pack("{s:s}", "type", "array");
    if (IS("file"))
        return json_pack("{s:s, s:s}", "type", "string", "contentEncoding",
                         "base64");
    return wire_schema(OD_W_TEXT, NULL);
#undef IS
}

/* Call fn for each "name:type[!]" of a declaration list. */
static void decl_each(const char *list,
                      void (*fn)(void *arg, const char *name, size_t nlen,
                                 const char *type, size_t tlen, int req),
                      void *arg)
{
    const char *p = list;
    while (p && *p) {
        const char *end = strchr(p, ','), *colon;
        size_t len = end ? (size_t)(end - p) : strlen(p), tlen;
        int req = 0;
        colon = memchr(p, ':', len);
        if (colon) {
            tlen = len - (size_t)(colon + 1 - p);
            if (tlen && colon[tlen] == '!') {
                req = 1;
                tlen--;
            }
            fn(arg, p, (size_t)(colon - p), colon + 1, tlen, req);
        } else {
            fn(arg, p, len, "text", 4, 0);
        }
        p = end ? end + 1 : NULL;
    }
}

/* The answer's fields of r: every field, in order. */
static json_t *resource_schema(const struct od_resource *r)
{
    json_t *props = json_object();
    int i;
    for (i = 0; i < r->nfields; i++)
        json_object_set_new(props, r->fields[i].name,
                            wire_schema(r->fields[i].wire, r->fields[i].enm));
    /* closed: the examples (real answers) are checked against it */
    return json_pack("{s:s, s:o, s:b}", "type", "object", "properties", props,
                     "additionalProperties", 0);
}

/* The body a POST (put 0) or PUT (put 1) of r takes. */
static json_t *body_schema(const struct od_resource *r, int put)
{
    json_t *props = json_object(), *req = json_array(), *s;
    int i;
    for (i = 0; i < r->nfields; i++) {
        const struct od_field *f = &r->fields[i];
        if (f->flags & (OD_F_RO | OD_F_GETONLY | OD_F_KEY | OD_F_STAMP |
                        OD_F_NOW) ||
            (f->flags & (put ? OD_F_NOPUT : OD_F_NOPOST)) ||
            f->wire == OD_W_SERVERTIME)
            continue;
        s = wire_schema(f->wire, f->enm);
        if (f->maxlen > 0)
            json_object_set_new(s, "maxLength", json_integer(f->maxlen));
        if (!put && f->dflt)
            json_object_set_new(s, "default", json_string(f->dflt));
        json_object_set_new(props, f->name, s);
        if (!put && (f->flags & OD_F_REQ))
            json_array_append_new(req, json_string(f->name));
    }
    for (i = 0; i < r->nlookups; i++)
        if (!json_object_get(props, r->lookups[i].input))
            json_object_set_new(props, r->lookups[i].input,
                                wire_schema(OD_W_TEXT, NULL));
    s = json_pack("{s:s, s:o}", "type", "object", "properties", props);
    if (json_array_size(req))
        json_object_set_new(s, "required", req);
    else
        json_decref(req);
    return s;
}

/* ---- errors -------------------------------------------------------------- */

struct errs {
    json_t *by_status; /* "400" -> [sentences] */
};

static void err_add(struct errs *e, int status, const char *fmt, ...)
    OD_PRINTF(3, 4);
static void err_add(struct errs *e, int status, const char *fmt, ...)
{
    char key[8], msg[512];
    json_t *list, *s;
    size_t i;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(key, sizeof key, "%d", status);
    if (!(list = json_object_get(e->by_status, key))) {
        list = json_array();
        json_object_set_new(e->by_status, key, list);
    }
    json_array_foreach(list, i, s) if (!strcmp(json_string_value(s), msg))
        return;
    json_array_append_new(list, json_string(msg));
}

static void errs_for_route(struct errs *e, const struct od_route *rt)
{
    struct od_verdict v;
    const char *why = NULL;
    int k;
    for (k = 0; k < rt->nsegs; k++)
        if (rt->is_param[k])
            err_add(e, 400, "%s is invalid.", rt->segs[k]);
    if (rt->perm == ODAPI_PERM_NONE)
        return;
    memset(&v, 0, sizeof v);
    v.status = OD_KEY_ENABLED;
    if (!od_cred_allows(&v, rt->perm, rt->method, &why) && why)
        err_add(e, 401, "%s", why);
    v.status = OD_KEY_DISABLED_BY_CUSTOMER;
    if (!od_cred_allows(&v, rt->perm, rt->method, &why) && why)
        err_add(e, 401, "%s", why);
    err_add(e, 503, "The database is not available.");
}

static void errs_for_filters(struct errs *e, const struct od_resource *r)
{
    int i;
    for (i = 0; i < r->nfilters; i++) {
        const struct od_filter *f = &r->filters[i];
        if (f->flags & OD_Q_DEVELOPER)
            continue;
        if (f->flags & OD_Q_REQ)
            err_add(e, 400, "%s is required.", f->param);
        if (f->wire == OD_W_DATE)
            err_add(e, 400, "%s format must be yyyy-MM-dd", f->param);
        else if (f->wire == OD_W_DATETIME)
            err_add(e, 400, "%s format must be yyyy-MM-dd HH:mm:ss", f->param);
        else
            err_add(e, 400, "%s is invalid.", f->param);
    }
    if (r->strict_params)
        err_add(e, 400, "'%s' is not a valid parameter", "name");
    if (r->list_patient)
        err_add(e, 404, "Patient not found.");
}

static void errs_for_body(struct errs *e, const struct od_resource *r,
                          unsigned op)
{
    int i;
    for (i = 0; i < r->nfields; i++) {
        const struct od_field *f = &r->fields[i];
        if (op == OD_OP_POST && (f->flags & OD_F_REQ))
            err_add(e, 400, "%s is required.", f->name);
    }
    for (i = 0; i < r->nlookups; i++) {
        const struct od_lookup *lk = &r->lookups[i];
        if (!lk->create)
            err_add(e, 400, "%s is invalid.", lk->input);
        if (op == OD_OP_POST && (lk->flags & OD_LK_REQ))
            err_add(e, 400, "%s or %s is required.", lk->input, lk->target);
    }
    for (i = 0; i < r->nchecks; i++)
        if (r->checks[i].ops & op)
            err_add(e, r->checks[i].status, "%s", r->checks[i].msg);
    if (op == OD_OP_PUT)
        err_add(e, 400, "No fields to update were provided.");
}

static json_t *errs_responses(struct errs *e, json_t *responses)
{
    const char *key;
    json_t *list;
    json_object_foreach(e->by_status, key, list) {
        json_t *ex = json_object(), *s;
        size_t i;
        char name[24];
        json_array_foreach(list, i, s) {
            snprintf(name, sizeof name, "e%zu", i + 1);
            json_object_set_new(ex, name, json_pack("{s:O}", "value", s));
        }
        json_object_set_new(
            responses, key,
            json_pack("{s:s, s:{s:{s:{s:s}, s:o}}}", "description",
                      "A JSON string: one of the sentences in the "
                      "examples.",
                      "content", "application/json", "schema", "type",
                      "string", "examples", ex));
    }
    return responses;
}

/* ---- operations ---------------------------------------------------------- */

struct gen {
    odapi_server *srv;
    json_t *doc, *paths, *schemas, *examples;
    json_t *refs; /* resource pointer (as text) -> schema name */
};

/* The described resources (od_openapi_register's list): the top of the
 * library owns the list, the engine is handed it. */
static const struct od_resource *const *resources = no_resources;

static const struct od_resource *route_resource(const struct od_route *rt)
{
    int i;
    for (i = 0; resources[i]; i++)
        if (rt->arg == (const void *)resources[i] && !rt->doc)
            return resources[i];
    return NULL;
}

static const char *schema_ref(struct gen *g, const struct od_resource *r,
                              char *buf, size_t size)
{
    char id[32];
    json_t *name;
    snprintf(id, sizeof id, "%p", (const void *)r);
    if (!(name = json_object_get(g->refs, id))) {
        char n[96];
        int k = 2;
        snprintf(n, sizeof n, "%s%s%s", r->name, r->list_action ? "_" : "",
                 r->list_action ? r->list_action : "");
        while (json_object_get(g->schemas, n))
            snprintf(n, sizeof n, "%s_%d", r->name, k++);
        json_object_set_new(g->schemas, n, resource_schema(r));
        name = json_string(n);
        json_object_set_new(g->refs, id, name);
    }
    snprintf(buf, size, "#/components/schemas/%s", json_string_value(name));
    return buf;
}

static const struct od_resource *resource_named(const char *name)
{
    int i;
    for (i = 0; name && resources[i]; i++)
        if (!strcmp(resources[i]->name, name))
            return resources[i];
    return NULL;
}

static void add_param(json_t *params, const char *name, const char *in,
                      int req, json_t *schema)
{
    size_t i;
    json_t *p;
    json_array_foreach(params, i, p) if (
        !strcmp(json_string_value(json_object_get(p, "name")), name) &&
        !strcmp(json_string_value(json_object_get(p, "in")), in)) {
        json_decref(schema);
        return;
    }
    p = json_pack("{s:s, s:s, s:o}", "name", name, "in", in, "schema", schema);
    if (req)
        json_object_set_new(p, "required", json_true());
    json_array_append_new(params, p);
}

static void query_decl(void *arg, const char *name, size_t nlen,
                       const char *type, size_t tlen, int req)
{
    char n[128];
    snprintf(n, sizeof n, "%.*s", (int)nlen, name);
    add_param(arg, n, "query", req, decl_schema(type, tlen));
}

struct body_acc {
    json_t *props, *req;
};

static void body_decl(void *arg, const char *name, size_t nlen,
                      const char *type, size_t tlen, int req)
{
    struct body_acc *b = arg;
    char n[128];
    snprintf(n, sizeof n, "%.*s", (int)nlen, name);
    json_object_set_new(b->props, n, decl_schema(type, tlen));
    if (req)
        json_array_append_new(b->req, json_string(n));
}

static json_t *decl_body(const char *list)
{
    struct body_acc b;
    json_t *s;
    b.props = json_object();
    b.req = json_array();
    decl_each(list, body_decl, &b);
    s = json_pack("{s:s, s:o}", "type", "object", "properties", b.props);
    if (json_array_size(b.req))
        json_object_set_new(s, "required", b.req);
    else
        json_decref(b.req);
    return s;
}

static void list_params(json_t *params, const struct od_resource *r)
{
    int i;
    for (i = 0; i < r->nfilters; i++) {
        const struct od_filter *f = &r->filters[i];
        if (f->flags & OD_Q_DEVELOPER)
            continue;
        add_param(params, f->param, "query", (f->flags & OD_Q_REQ) != 0,
                  wire_schema(f->wire, f->enm));
    }
    if (!r->list_single) {
        add_param(params, "Offset", "query", 0,
                  json_pack("{s:s, s:i}", "type", "integer", "minimum", 0));
        add_param(params, "Limit", "query", 0,
                  json_pack("{s:s, s:i}", "type", "integer", "minimum", 0));
    }
}

/* A request body example for a write of r: values of a real row. */
static json_t *body_example(const json_t *schema, const json_t *row)
{
    json_t *ex = json_object(), *props = json_object_get(schema, "properties");
    json_t *req = json_object_get(schema, "required"), *v;
    const char *k;
    size_t i;
    if (!json_is_object(row))
        return ex;
    json_array_foreach(req, i, v) {
        json_t *val = json_object_get(row, json_string_value(v));
        if (val)
            json_object_set(ex, json_string_value(v), val);
    }
    i = 0;
    json_object_foreach(props, k, v) {
        json_t *val = json_object_get(row, k);
        if (json_object_size(ex) >= 3 || i++ > 40)
            break;
        if (val && !json_object_get(ex, k) && json_is_string(val) &&
            json_string_length(val) > 0 && strcmp(k, "serverDateTime"))
            json_object_set(ex, k, val);
    }
    return ex;
}

/* The recorded GET answer of the resource r's list or one row. */
static const json_t *row_of(struct gen *g, const struct od_resource *r)
{
    char key[160];
    json_t *ex, *body;
    snprintf(key, sizeof key, "GET /%s%s%s", r->name,
             r->list_action ? "/" : "", r->list_action ? r->list_action : "");
    if (!(ex = json_object_get(g->examples, key)))
        return NULL;
    body = json_object_get(ex, "body");
    if (json_is_array(body))
        return json_array_get(body, 0);
    return body;
}

static void path_of(const struct od_route *rt, char *buf, size_t size)
{
    size_t len = 0;
    int k;
    buf[0] = '\0';
    for (k = 0; k < rt->nsegs && len < size; k++)
        len += (size_t)snprintf(buf + len, size - len,
                                rt->is_param[k] ? "/{%s}" : "/%s",
                                rt->segs[k]);
}

static json_t *content(json_t *schema, json_t *example)
{
    json_t *c = json_pack("{s:o}", "schema", schema);
    if (example)
        json_object_set(c, "example", example);
    return json_pack("{s:o}", "application/json", c);
}

static const char *summary_of(const struct od_route *rt,
                              const struct od_resource *r, char *buf,
                              size_t size)
{
    const char *m = rt->method, *n = r ? r->name : rt->segs[0];
    if (rt->doc && rt->doc->summary)
        return rt->doc->summary;
    if (!r)
        snprintf(buf, size, "%s %s", m, n);
    else if (!strcmp(m, "GET") && rt->nsegs == 2 && rt->is_param[1])
        snprintf(buf, size, "Get one of %s by %s.", n, r->pk);
    else if (!strcmp(m, "GET"))
        snprintf(buf, size, "List %s%s%s.", n, r->list_action ? " " : "",
                 r->list_action ? r->list_action : "");
    else if (!strcmp(m, "POST"))
        snprintf(buf, size, "Create one of %s.", n);
    else if (!strcmp(m, "PUT") && rt->nsegs == 1)
        snprintf(buf, size, "Update or create one of %s by %s.", n,
                 r->upsert_keys);
    else if (!strcmp(m, "PUT"))
        snprintf(buf, size, "Update one of %s.", n);
    else
        snprintf(buf, size, "Delete one of %s.", n);
    return buf;
}

static void fill_resource_op(struct gen *g, const struct od_route *rt,
                             const struct od_resource *r, json_t *op,
                             json_t *params, json_t *responses,
                             struct errs *e, const json_t *example)
{
    char ref[160];
    json_t *row = json_pack("{s:s}", "$ref", schema_ref(g, r, ref, sizeof ref));
    const char *m = rt->method;
    int one = rt->nsegs == 2 && rt->is_param[1];
    const json_t *exbody = example ? json_object_get(example, "body") : NULL;
    if (!strcmp(m, "GET") && !one) {
        list_params(params, r);
        errs_for_filters(e, r);
        json_object_set_new(
            responses, "200",
            json_pack("{s:s, s:o}", "description",
                      r->list_single ? "The row." : "The rows, in key order.",
                      "content",
                      content(r->list_single == OD_SINGLE_OR_EMPTY
                                  ? json_pack("{s:[o,{s:s,s:i}]}", "oneOf",
                                              row, "type", "array",
                                              "maxItems", 0)
                              : r->list_single
                                  ? row
                                  : json_pack("{s:s, s:o}", "type", "array",
                                              "items", row),
                              (json_t *)exbody)));
        return;
    }
    if (!strcmp(m, "GET")) {
        if (r->missing)
            err_add(e, 404, "%s", r->missing);
        json_object_set_new(responses, "200",
                            json_pack("{s:s, s:o}", "description", "The row.",
                                      "content",
                                      content(row, (json_t *)exbody)));
        return;
    }
    if (!strcmp(m, "DELETE")) {
        json_decref(row);
        if (r->missing)
            err_add(e, 404, "%s", r->missing);
        errs_for_body(e, r, OD_OP_DELETE);
        json_object_set_new(responses, "200",
                            json_pack("{s:s}", "description", "Deleted."));
        return;
    }
    {
        int put = !strcmp(m, "PUT") && one;
        json_t *schema = body_schema(r, put);
        json_t *ex = body_example(schema, row_of(g, r));
        errs_for_body(e, r, put ? OD_OP_PUT : OD_OP_POST);
        if (put && r->missing)
            err_add(e, 404, "%s", r->missing);
        json_object_set_new(op, "requestBody",
                            json_pack("{s:b, s:o}", "required", 1, "content",
                                      content(schema, json_object_size(ex)
                                                          ? ex
                                                          : NULL)));
        json_decref(ex);
        if (!strcmp(m, "POST"))
            json_object_set_new(
                responses, "201",
                json_pack("{s:s, s:{s:{s:s, s:{s:s}}}, s:o}", "description",
                          "Created: the new row.", "headers", "Location",
                          "description", "The new row's URL.", "schema",
                          "type", "string", "content", content(row, NULL)));
        else
            json_object_set_new(responses, "200",
                                json_pack("{s:s, s:o}", "description",
                                          "The row as it now is.", "content",
                                          content(row, NULL)));
    }
}

static void required_err(void *arg, const char *name, size_t nlen,
                         const char *type, size_t tlen, int req)
{
    (void)type;
    (void)tlen;
    if (req)
        err_add(arg, 400, "%.*s is required.", (int)nlen, name);
}

/* The declaration's refusals: "X is required." for each required input,
 * and its own "status sentence|..." list. */
static void decl_errors(struct errs *e, const struct od_opdoc *d)
{
    const char *p = d->errors;
    decl_each(d->query, required_err, e);
    decl_each(d->body, required_err, e);
    while (p && *p) {
        const char *end = strchr(p, '|');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        int status = atoi(p);
        const char *sp = memchr(p, ' ', len);
        if (status >= 400 && sp)
            err_add(e, status, "%.*s", (int)(len - (size_t)(sp + 1 - p)),
                    sp + 1);
        p = end ? end + 1 : NULL;
    }
}

static void fill_action_op(struct gen *g, const struct od_route *rt,
                           json_t *op, json_t *params, json_t *responses,
                           const json_t *example, struct errs *e)
{
    const struct od_opdoc *d = rt->doc;
    const struct od_resource *r = d ? resource_named(d->answers) : NULL;
    const json_t *body = example ? json_object_get(example, "body") : NULL;
    json_t *schema;
    char ref[160], code[8] = "2XX";
    if (d)
        decl_errors(e, d);
    if (d && d->query)
        decl_each(d->query, query_decl, params);
    if (d && d->body)
        json_object_set_new(op, "requestBody",
                            json_pack("{s:b, s:o}", "required", 1, "content",
                                      content(decl_body(d->body), NULL)));
    if (r) {
        json_t *row = json_pack("{s:s}", "$ref",
                                schema_ref(g, r, ref, sizeof ref));
        schema = json_is_array(body)
                     ? json_pack("{s:s, s:o}", "type", "array", "items", row)
                     : row;
    } else {
        schema = json_object();
    }
    if (example && json_integer_value(json_object_get(example, "status")))
        snprintf(code, sizeof code, "%d",
                 (int)json_integer_value(json_object_get(example, "status")));
    json_object_set_new(responses, code,
                        json_pack("{s:s, s:o}", "description", "Success.",
                                  "content", content(schema, (json_t *)body)));
}

/* Parameter examples from the recorded request's path and query. */
static void param_examples(json_t *params, const struct od_route *rt,
                           const json_t *example)
{
    const char *url = json_string_value(json_object_get(example, "path"));
    char buf[512], *segs[16], *q, *save = NULL, *t;
    int n = 0, k;
    size_t i;
    json_t *p;
    if (!url)
        return;
    snprintf(buf, sizeof buf, "%s", url);
    if ((q = strchr(buf, '?')))
        *q++ = '\0';
    for (t = strtok_r(buf, "/", &save); t && n < 16;
         t = strtok_r(NULL, "/", &save))
        segs[n++] = t;
    json_array_foreach(params, i, p) {
        const char *name = json_string_value(json_object_get(p, "name"));
        const char *in = json_string_value(json_object_get(p, "in"));
        if (!strcmp(in, "path")) {
            for (k = 0; k < rt->nsegs && k < n; k++)
                if (rt->is_param[k] && !strcmp(rt->segs[k], name))
                    json_object_set_new(p, "example",
                                        json_integer(atoll(segs[k])));
        } else if (q) {
            char qb[512], *s2 = NULL, *kv;
            snprintf(qb, sizeof qb, "%s", q);
            for (kv = strtok_r(qb, "&", &s2); kv; kv = strtok_r(NULL, "&", &s2)) {
                char *eq = strchr(kv, '=');
                if (eq && (size_t)(eq - kv) == strlen(name) &&
                    !strncmp(kv, name, strlen(name)))
                    json_object_set_new(
                        p, "example",
                        json_is_string(json_object_get(
                            json_object_get(p, "schema"), "type")) &&
                                !strcmp(json_string_value(json_object_get(
                                            json_object_get(p, "schema"),
                                            "type")),
                                        "integer")
                            ? json_integer(atoll(eq + 1))
                            : json_string(eq + 1));
            }
        }
    }
}

static json_t *operation(struct gen *g, const struct od_route *rt)
{
    const struct od_resource *r = route_resource(rt);
    json_t *op = json_object(), *params = json_array(), *responses =
                                                            json_object();
    const json_t *example;
    struct errs e;
    char path[256], buf[512], id[272];
    const char *perm = od_perm_name(rt->perm), *seg0 = rt->segs[0];
    size_t i;
    int k;
    path_of(rt, path, sizeof path);
    snprintf(buf, sizeof buf, "%s %s", rt->method, path);
    example = json_object_get(g->examples, buf);
    e.by_status = json_object();
    snprintf(id, sizeof id, "%s%s", rt->method, path);
    for (i = 0; id[i]; i++)
        if (!((id[i] >= 'a' && id[i] <= 'z') || (id[i] >= 'A' && id[i] <= 'Z') ||
              (id[i] >= '0' && id[i] <= '9')))
            id[i] = '_';
    json_object_set_new(op, "operationId", json_string(id));
    json_object_set_new(op, "summary",
                        json_string(summary_of(rt, r, buf, sizeof buf)));
    json_object_set_new(op, "tags", json_pack("[s]", seg0));
    if (!perm)
        perm = rt->perm == ODAPI_PERM_NONE ? "none" : "any enabled key";
    json_object_set_new(op, "x-permission", json_string(perm));
    /* what it is generated from: a resource description, a hand-written
     * route's declaration, or the route alone (an embedder's) */
    json_object_set_new(op, "x-source",
                        json_string(r ? "resource" : rt->doc ? "declaration"
                                                             : "route"));
    snprintf(buf, sizeof buf,
             "Permission: %s. Open Dental's reference: " OD_OPENAPI_OD_PAGE
             ".%s%s",
             perm, seg0,
             example ? " Example request: GET /api/v1" : "",
             example ? json_string_value(json_object_get(example, "path")) : "");
    json_object_set_new(op, "description", json_string(buf));
    snprintf(buf, sizeof buf, OD_OPENAPI_OD_PAGE, seg0);
    json_object_set_new(op, "externalDocs",
                        json_pack("{s:s, s:s}", "description",
                                  "Open Dental's page for this resource",
                                  "url", buf));
    if (rt->perm == ODAPI_PERM_NONE)
        json_object_set_new(op, "security", json_array());
    for (k = 0; k < rt->nsegs; k++)
        if (rt->is_param[k])
            add_param(params, rt->segs[k], "path", 1,
                      json_pack("{s:s, s:i}", "type", "integer", "minimum", 1));
    errs_for_route(&e, rt);
    if (r)
        fill_resource_op(g, rt, r, op, params, responses, &e, example);
    else
        fill_action_op(g, rt, op, params, responses, example, &e);
    if (example)
        param_examples(params, rt, example);
    if (json_array_size(params))
        json_object_set_new(op, "parameters", params);
    else
        json_decref(params);
    json_object_set_new(op, "responses", errs_responses(&e, responses));
    json_decref(e.by_status);
    return op;
}

static json_t *skeleton(void)
{
    return json_pack(
        "{s:s, s:{s:s, s:s, s:s}, s:[{s:s, s:s}], s:{s:{s:{s:s, s:s, s:s, s:s}}},"
        " s:[{s:[]}], s:{s:s, s:s}}",
        "openapi", "3.1.0", "info", "title", "Open Dental API (libodapi)",
        "version", odapi_version(), "description",
        "The Open Dental REST API as libodapi serves it, generated from the "
        "routes, the resource descriptions and the hand-written actions' "
        "declarations. Errors are JSON strings. Every operation links Open "
        "Dental's own page for its resource. Examples are answers of the "
        "sandbox (odlocal with no database).",
        "servers", "url", "http://127.0.0.1:30222/api/v1", "description",
        "odlocal (the Local API)", "components", "securitySchemes", "ODFHIR",
        "type", "apiKey", "in", "header", "name", "Authorization",
        "description",
        "Authorization: ODFHIR {DeveloperKey}/{CustomerKey}", "security",
        "ODFHIR", "externalDocs", "description",
        "Open Dental's API reference", "url",
        "https://www.opendental.com/site/apispecification.html");
}

char *od_openapi_json(odapi_server *srv, int pretty)
{
    struct gen g;
    json_t *comp;
    char path[256], *out;
    int i;
    memset(&g, 0, sizeof g);
    g.srv = srv;
    g.doc = skeleton();
    g.paths = json_object();
    g.schemas = json_object();
    g.refs = json_object();
    g.examples = json_loadb(od_openapi_examples, od_openapi_examples_len, 0,
                            NULL);
    if (!g.examples)
        g.examples = json_object();
    for (i = 0; i < srv->router.n; i++) {
        const struct od_route *rt = &srv->router.routes[i];
        json_t *item, *op;
        char m[8];
        size_t k;
        path_of(rt, path, sizeof path);
        if (!(item = json_object_get(g.paths, path))) {
            item = json_object();
            json_object_set_new(g.paths, path, item);
        }
        for (k = 0; k < sizeof m - 1 && rt->method[k]; k++)
            m[k] = (char)(rt->method[k] | 0x20);
        m[k] = '\0';
        if ((op = operation(&g, rt)))
            json_object_set_new(item, m, op);
    }
    json_object_set_new(g.doc, "paths", g.paths);
    comp = json_object_get(g.doc, "components");
    json_object_set_new(comp, "schemas", g.schemas);
    json_decref(g.refs);
    json_decref(g.examples);
    out = json_dumps(g.doc, pretty ? JSON_INDENT(1) : JSON_COMPACT);
    json_decref(g.doc);
    return out;
}

/* Building the document takes tens of milliseconds: a worker does it, so
 * the loop thread keeps serving meanwhile (the routes do not change once
 * the server runs). */
struct ojob {
    odapi_request *req;
    char *body;
};

static int openapi_work(struct od_conn *c, void *arg)
{
    struct ojob *j = arg;
    (void)c;
    j->body = od_openapi_json(j->req->srv, 0);
    return OD_WORK_DONE;
}

static void openapi_done(void *arg, int status)
{
    struct ojob *j = arg;
    if (status != ODAPI_OK)
        odapi_reply_error(j->req, 503, "The database is not available.");
    else if (!j->body)
        odapi_reply_error(j->req, 500, "Out of memory.");
    else
        odapi_reply(j->req, 200, j->body, (size_t)-1);
    free(j->body);
    free(j);
}

static void h_openapi(odapi_request *req, void *arg)
{
    struct ojob *j = calloc(1, sizeof *j);
    (void)arg;
    if (!j) {
        odapi_reply_error(req, 500, "Out of memory.");
        return;
    }
    j->req = req;
    if (!req->srv->db) {    /* no pool to hand it to */
        openapi_work(NULL, j);
        openapi_done(j, ODAPI_OK);
        return;
    }
    if (od_request_submit(req, openapi_work, openapi_done, j))
        free(j);
}

static const struct od_opdoc docs[] = {
    {"GET", "/openapi.json",
     "This document: every operation this server serves (OpenAPI 3.1).",
     NULL, NULL, NULL},
};

void od_openapi_register(odapi_server *srv,
                         const struct od_resource *const *list)
{
    resources = list;
    od_router_add(&srv->router, "GET", "/openapi.json", ODAPI_PERM_KEY,
                  h_openapi, NULL);
    od_api_docs(srv, docs, (int)OD_ARRAY_LEN(docs));
}
