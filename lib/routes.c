/* routes.c - the table of built-in routes. Resources described as data
 * (resource.c) register themselves from their descriptions; the few
 * hand-written handlers are listed here. */
#include "http/server-internal.h"
#include "auth/cred-internal.h"
#include "engine/resource-internal.h"
#include "engine/openapi-internal.h"
#include "features/queries-internal.h"
#include "features/events-internal.h"

#include <stdlib.h>
#include <string.h>

/* GET /securityperms: the caller's permissions (spec 2.4). */
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

extern const struct od_resource od_res_patients, od_res_patients_simple,
    od_res_patients_search, od_res_appointments, od_res_appointments_asap,
    od_res_providers, od_res_operatories, od_res_definitions, od_res_commlogs,
    od_res_clinics, od_res_appointmenttypes, od_res_preferences,
    od_res_procedurelogs, od_res_procedurecodes, od_res_payments,
    od_res_paysplits, od_res_schedules, od_res_allergies, od_res_allergydefs,
    od_res_diseasedefs, od_res_diseases, od_res_medications,
    od_res_medicationpats, od_res_recalltypes, od_res_recalls,
    od_res_apptfields, od_res_patfields, od_res_referrals, od_res_refattaches,
    od_res_fees, od_res_feescheds, od_res_carriers, od_res_insplans,
    od_res_inssubs, od_res_patplans, od_res_benefits, od_res_claims,
    od_res_claimprocs, od_res_securitylogs, od_res_documents,
    od_res_documents_list, od_res_userods, od_res_toothinitials;
extern const struct od_resource od_res_employers, od_res_employees,
    od_res_pharmacies, od_res_laboratories, od_res_labturnarounds,
    od_res_labcases;
extern const struct od_resource od_res_covcats, od_res_covspans,
    od_res_codegroups, od_res_discountplans, od_res_discountplansubs,
    od_res_substitutionlinks_list, od_res_substitutionlinks;
extern const struct od_resource od_res_tasklists, od_res_tasks,
    od_res_tasknotes, od_res_quickpastecats, od_res_quickpastenotes,
    od_res_autonotes, od_res_autonotecontrols;
extern const struct od_resource od_res_apptfielddefs, od_res_patfielddefs,
    od_res_patientnotes, od_res_patientnotes_put, od_res_popups,
    od_res_procnotes, od_res_rxpats;
extern const struct od_resource od_res_adjustments, od_res_statements,
    od_res_payplancharges, od_res_payplans;
void od_register_payplan_actions(odapi_server *srv);
extern const struct od_resource od_res_usergroups, od_res_usergroupattaches,
    od_res_computers, od_res_scheduleops, od_res_clockevents,
    od_res_insverifies, od_res_claimtrackings, od_res_patientraces;
extern const struct od_resource od_res_histappointments;
extern const struct od_resource od_res_sheetdefs, od_res_sheetfields,
    od_res_sheets, od_res_asapcomms, od_res_ehrpatients,
    od_res_ehrpatients_put;
extern const struct od_resource od_res_claimpayments, od_res_etranss,
    od_res_etransmessagetexts;
void od_register_claim_actions(odapi_server *srv);
void od_register_account_actions(odapi_server *srv);
extern const struct od_resource od_res_perioexams, od_res_periomeasures,
    od_res_treatplans, od_res_treatplanattaches, od_res_proctps;
void od_register_procgroup_actions(odapi_server *srv);
extern const struct od_resource od_res_eobattaches;
void od_register_family_actions(odapi_server *srv);
void od_register_accountmodule_actions(odapi_server *srv);
void od_register_report_actions(odapi_server *srv);
/* issue 16: chart module views, planned and Web Sched appointments,
 * recalls, users, signals */
extern const struct od_resource od_res_signalods,
    od_res_appointments_websched;
void od_register_chart_actions(odapi_server *srv);
/* issue 16: claims, claimprocs, etrans, saved treatment plans, dynamic
 * payment plans, insurance history (actions/ins-register.c) */
void od_register_ins_actions(odapi_server *srv);
/* issue 16: documents, EOB and sheet files (features/documents.c) */
void od_register_document_routes(odapi_server *srv);

/* Every described resource, in registration order. */
const struct od_resource *const od_resources[] = {
    &od_res_patients, &od_res_patients_simple, &od_res_patients_search,
    &od_res_appointments, &od_res_appointments_asap, &od_res_providers,
    &od_res_operatories, &od_res_definitions, &od_res_commlogs,
    &od_res_clinics, &od_res_appointmenttypes, &od_res_preferences,
    &od_res_procedurelogs, &od_res_procedurecodes, &od_res_payments,
    &od_res_paysplits, &od_res_schedules, &od_res_allergies,
    &od_res_allergydefs, &od_res_diseasedefs, &od_res_diseases,
    &od_res_medications, &od_res_medicationpats, &od_res_recalltypes,
    &od_res_recalls, &od_res_apptfields, &od_res_patfields,
    &od_res_referrals, &od_res_refattaches, &od_res_fees, &od_res_feescheds,
    &od_res_carriers, &od_res_insplans, &od_res_inssubs, &od_res_patplans,
    &od_res_benefits, &od_res_claims, &od_res_claimprocs,
    &od_res_securitylogs, &od_res_documents, &od_res_documents_list,
    &od_res_userods, &od_res_toothinitials,
    &od_res_employers, &od_res_employees, &od_res_pharmacies,
    &od_res_laboratories, &od_res_labturnarounds, &od_res_labcases,
    &od_res_covcats, &od_res_covspans, &od_res_codegroups,
    &od_res_discountplans, &od_res_discountplansubs,
    &od_res_substitutionlinks_list, &od_res_substitutionlinks,
    &od_res_tasklists, &od_res_tasks, &od_res_tasknotes,
    &od_res_quickpastecats, &od_res_quickpastenotes, &od_res_autonotes,
    &od_res_autonotecontrols,
    &od_res_apptfielddefs, &od_res_patfielddefs, &od_res_patientnotes,
    &od_res_patientnotes_put, &od_res_popups, &od_res_procnotes,
    &od_res_rxpats,
    &od_res_adjustments, &od_res_statements, &od_res_payplancharges,
    &od_res_payplans,
    &od_res_usergroups, &od_res_usergroupattaches, &od_res_computers,
    &od_res_scheduleops, &od_res_clockevents, &od_res_insverifies,
    &od_res_claimtrackings, &od_res_patientraces,
    &od_res_histappointments,
    &od_res_sheetdefs, &od_res_sheetfields, &od_res_sheets,
    &od_res_asapcomms, &od_res_ehrpatients, &od_res_ehrpatients_put,
    &od_res_claimpayments, &od_res_etranss, &od_res_etransmessagetexts,
    &od_res_perioexams, &od_res_periomeasures, &od_res_treatplans,
    &od_res_treatplanattaches, &od_res_proctps,
    &od_res_eobattaches,
    &od_res_signalods, &od_res_appointments_websched,
    NULL};

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
    od_register_actions(srv);
    od_register_payplan_actions(srv);
    od_register_claim_actions(srv);
    od_register_account_actions(srv);
    od_register_procgroup_actions(srv);
    od_register_family_actions(srv);
    od_register_accountmodule_actions(srv);
    od_register_report_actions(srv);
    od_register_chart_actions(srv);
    od_register_ins_actions(srv);
    od_register_document_routes(srv);
    od_router_add(&srv->router, "GET", "/securityperms", ODAPI_PERM_KEY,
                  securityperms, NULL);
    od_queries_register(srv);
    od_subscriptions_register(srv);
    od_openapi_register(srv); /* last: it describes the routes above */
    od_api_docs(srv, builtin_docs, (int)OD_ARRAY_LEN(builtin_docs));
}
