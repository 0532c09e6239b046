/* ins-register.c - the routes of issue 16's insurance batch: insurance
 * history (inshist.c), claim creation and split (claimnew.c), insurance
 * adjustments and supplemental payments (insadjust.c), ERA import
 * (etrans.c), saved treatment plans (tpsaved.c) and dynamic payment plans
 * (dynpayplan.c). */
#include "http/server-internal.h"

void od_register_inshist_actions(odapi_server *srv);
void od_register_insadjust_actions(odapi_server *srv);
void od_register_claimnew_actions(odapi_server *srv);
void od_register_claimsplit_actions(odapi_server *srv);
void od_register_etrans_actions(odapi_server *srv);
void od_register_tpsaved_actions(odapi_server *srv);
void od_register_dynpayplan_actions(odapi_server *srv);

void od_register_ins_actions(odapi_server *srv);
void od_register_ins_actions(odapi_server *srv)
{
    od_register_inshist_actions(srv);
    od_register_insadjust_actions(srv);
    od_register_claimnew_actions(srv);
    od_register_claimsplit_actions(srv);
    od_register_etrans_actions(srv);
    od_register_tpsaved_actions(srv);
    od_register_dynpayplan_actions(srv);
}
