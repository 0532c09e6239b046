/* websched.c - GET /appointments/WebSched as a description (the api*.html
 * pages, 21.3; Appointments.GetWebSchedAppointmentsForApi, Appointments.cs
 * 24.3): appointments with the Web Sched service that scheduled them
 * (eservicelog: WSAppointmentScheduledFromServer of a Web Sched type), "None"
 * for the others; by AptDateTime. */
#include "resources/shorthand-internal.h"

/* ApiEServiceLogType (EServiceLog.cs): eServiceType WSRecall (1),
 * WSNewPat, WSExistingPat, WSAsap (4) as the API names them. */
ENUM_TABLE(enum_servicetype, "eServiceLogType", "None", "Recall", "NewPat",
           "ExistingPat", "ASAP");

/* the Web Sched type that booked appointment t (eServiceAction 13) */
#define SERVICE_TYPE                                                         \
    "COALESCE((SELECT MIN(es.EServiceType) FROM eservicelog es WHERE "       \
    "es.FKey = t.AptNum AND es.EServiceAction = 13 AND es.EServiceType IN "  \
    "(1, 2, 3, 4)), 0)"

static const struct od_field websched_fields[] = {
    KEY("AptNum"),
    RO("PatNum", OD_W_INT),
    ROENUM("AptStatus", &od_enum_aptstatus),
    RO("Pattern", OD_W_TEXT),
    RO("Confirmed", OD_W_INT),
    DEFNAME("confirmed", "cf"),
    RO("Op", OD_W_INT),
    RO("Note", OD_W_TEXT),
    RO("ProvNum", OD_W_INT),
    DERIVED("provAbbr", "COALESCE(pv.Abbr, '')"),
    RO("ProvHyg", OD_W_INT),
    RO("AptDateTime", OD_W_DATETIME),
    RO("NextAptNum", OD_W_INT),
    RO("UnschedStatus", OD_W_INT),
    DEFNAME("unschedStatus", "us"),
    RO("ProcDescript", OD_W_TEXT),
    RO("ClinicNum", OD_W_INT),
    /* bool.ToString(): the only "True"/"False" of the appointments
     * answers, as the source and the documentation's example write it */
    DERIVED("IsHygiene", "IF(t.IsHygiene, 'True', 'False')"),
    RO("DateTStamp", OD_W_DATETIME),
    RO("DateTimeArrived", OD_W_DATETIME),
    RO("DateTimeSeated", OD_W_DATETIME),
    RO("DateTimeDismissed", OD_W_DATETIME),
    RO("AppointmentTypeNum", OD_W_INT),
    {.name = "eServiceLogType", .expr = SERVICE_TYPE, .wire = OD_W_ENUM,
     .enm = &enum_servicetype, .flags = OD_F_RO},
    SERVERTIME,
};

static const struct od_filter websched_filters[] = {
    {.param = "eServiceLogType", .cond = SERVICE_TYPE " = ?",
     .wire = OD_W_ENUM, .enm = &enum_servicetype},
    DATESF("AptDateTime"),
    SINCEF("DateTStamp"),
    INTF("ClinicNum"),
};

const struct od_resource od_res_appointments_websched = {
    .name = "appointments", .table = "appointment", .pk = "AptNum",
    .joins = "LEFT JOIN definition cf ON cf.DefNum = t.Confirmed "
             "LEFT JOIN provider pv ON pv.ProvNum = t.ProvNum "
             "LEFT JOIN definition us ON us.DefNum = t.UnschedStatus",
    OD_LIST(fields, websched_fields),
    OD_LIST(filters, websched_filters),
    .ops = OD_OP_GET_LIST, .list_action = "WebSched",
    .missing = "Appointment not found.", .server_time = OD_ST_FIRST,
    .order = "t.AptDateTime, t.AptNum",
};
