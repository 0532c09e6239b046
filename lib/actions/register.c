/* register.c - the routes of issue 16's actions: the chart module's views
 * (chart.c), planned appointments (planned.c), Web Sched (websched.c),
 * recalls (recalls.c), users (userods.c), ASAP communications (asap.c). */
#include "http/server-internal.h"

void od_register_userod_actions(odapi_server *srv);
void od_register_chart_views(odapi_server *srv);
void od_register_prognotes(odapi_server *srv);
void od_register_planned_actions(odapi_server *srv);
void od_register_websched_actions(odapi_server *srv);
void od_register_asap_actions(odapi_server *srv);
void od_register_recall_actions(odapi_server *srv);

void od_register_chart_actions(odapi_server *srv);
void od_register_chart_actions(odapi_server *srv)
{
    od_register_userod_actions(srv);
    od_register_chart_views(srv);
    od_register_prognotes(srv);
    od_register_planned_actions(srv);
    od_register_websched_actions(srv);
    od_register_asap_actions(srv);
    od_register_recall_actions(srv);
}
