/* routes.c - the top of the library: the built-in routes, and the public
 * server constructor that plugs them and the other layers above the HTTP
 * core (Database Events, the database inspection) into a server
 * (docs/architecture.md). Resources described as data register themselves
 * from their descriptions (resources/list.h); the hand-written handlers are
 * listed here. */
#include "routes-internal.h"
#include "http/server-internal.h"
#include "auth/cred-internal.h"
#include "engine/resource-internal.h"
#include "resources/resources-internal.h"
#include "engine/openapi-internal.h"
#include "features/events-internal.h"

#include <stdlib.h>
#include <string.h>

/* Every described resource, in registration order. */
const struct od_resource *const od_resources[] = {
#define OD_RESOURCE(name) &od_res_##name,
#include "resources/list.h"
#undef OD_RESOURCE
    NULL};

/* The hand-written routes' registrations, in order, one line each. */
#define OD_HANDWRITTEN(X)                                                    \
    X(od_register_appointment_actions) /* actions/appointments.c */        \
    X(od_register_payplan_actions)     /* actions/payplans.c */            \
    X(od_register_claim_actions)       /* actions/claims.c */              \
    X(od_register_account_actions)     /* actions/account.c */             \
    X(od_register_procgroup_actions)   /* actions/procgroup.c */           \
    X(od_register_family_actions)      /* actions/family.c */              \
    X(od_register_accountmodule_actions) /* actions/accountmodules.c */    \
    X(od_register_report_actions)      /* actions/reports.c */             \
    X(od_register_userod_actions)      /* actions/userods.c */             \
    X(od_register_chart_views)         /* actions/chart.c */               \
    X(od_register_prognotes)           /* actions/prognotes.c */           \
    X(od_register_planned_actions)     /* actions/planned.c */             \
    X(od_register_websched_actions)    /* actions/websched.c */            \
    X(od_register_asap_actions)        /* actions/asap.c */                \
    X(od_register_recall_actions)      /* actions/recalls.c */             \
    X(od_register_inshist_actions)     /* actions/inshist.c */             \
    X(od_register_insadjust_actions)   /* actions/insadjust.c */           \
    X(od_register_claimnew_actions)    /* actions/claimnew.c */            \
    X(od_register_claimsplit_actions)  /* actions/claimsplit.c */          \
    X(od_register_etrans_actions)      /* actions/etrans.c */              \
    X(od_register_tpsaved_actions)     /* actions/tpsaved.c */             \
    X(od_register_dynpayplan_actions)  /* actions/dynpayplan.c */          \
    X(od_register_document_routes)     /* features/documents.c */          \
    X(od_queries_register)             /* features/queries.c */            \
    X(od_subscriptions_register)       /* features/subscriptions.c */

#define OD_DECLARE(fn) void fn(odapi_server *srv);
OD_HANDWRITTEN(OD_DECLARE)
#undef OD_DECLARE

/* GET /securityperms: the caller's permissions (docs/credentials.md). */
static void securityperms(odapi_request *req, void *arg)
{
    struct od_verdict v;
    char *body;
    (void)arg;
    memset(&v, 0, sizeof v);
    v.status = 1;
    v.perms = req->perms;
    if (!(body = od_cred_securityperms_json(&v))) {
        odapi_reply_error(req, 500, "Out of memory.");
        return;
    }
    odapi_reply(req, 200, body, (size_t)-1);
    free(body);
}

/* What these routes take and answer, for GET /openapi.json
 * (engine/openapi-internal.h). */
static const struct od_opdoc builtin_docs[] = {
    {"GET", "/securityperms",
     "The caller's API permissions.",
     NULL,
     NULL,
     NULL},
};

void od_register_builtin_routes(odapi_server *srv)
{
    int i;
    for (i = 0; od_resources[i]; i++)
        od_resource_register(srv, od_resources[i]);
#define OD_CALL(fn) fn(srv);
    OD_HANDWRITTEN(OD_CALL)
#undef OD_CALL
    od_router_add(&srv->router, "GET", "/securityperms", ODAPI_PERM_KEY,
                  securityperms, NULL);
    od_openapi_register(srv, od_resources); /* last: it describes the
                                               routes above */
    od_api_docs(srv, builtin_docs, (int)OD_ARRAY_LEN(builtin_docs));
}

static int inspect(MYSQL *m, struct od_catalog *cat, const char *version,
                   void *arg)
{
    return od_schema_inspect(m, cat, version, od_resources, arg);
}

static const struct od_server_parts parts = {
    .add_routes = od_register_builtin_routes,
    .start = od_events_start,
    .stop = od_events_stop,
    .inspect = inspect,
    .metrics = od_metrics_parts,
};

ODAPI_EXPORT int odapi_server_new(const odapi_config *cfg,
                                  struct event_base *base, odapi_server **out)
{
    return od_server_new(cfg, base, &parts, out);
}
