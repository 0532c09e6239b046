/* websched.c - GET /appointments/WebSched as a description (the api*.html
 * pages, 21.3; Appointments.GetWebSchedAppointmentsForApi, Appointments.cs
 * 24.3): appointments with the Web Sched service that scheduled them
 * (eservicelog: WSAppointmentScheduledFromServer of a Web Sched type), "None"
 * for the others; by AptDateTime. */
#include "resources/shorthand-internal.h"

/* ApiEServiceLogType (EServiceLog.cs): eServiceType WSRecall (1),
 * WSNewPat, WSExistingPat, WSAsap (4) as the API names them. */
static const char *const servicetype_names[] = {"None", "Recall", "NewPat",
                                                "ExistingPat", "ASAP"};
static const struct od_enum enum_servicetype = {
    "eServiceLogType", 0, OD_N(servicetype_names), servicetype_names};

/* the Web Sched type that booked appointment t (eServiceAction 13) */
#define SERVICE_TYPE                                                         \
    "COALESCE((SELECT MIN(es.EServiceType) FROM eservicelog es WHERE "       \
    "es.FKey = t.AptNum AND es.EServiceAction = 13 AND es.EServiceType IN "  \
    "(1, 2, 3, 4)), 0)"

static const struct od_field websched_fields[] = {
    {.name = "AptNum", .wire = OD_W_INT, .flags = OD_F_RO | OD_F_KEY},
    {.name = "PatNum", .wire = OD_W_INT, .flags = OD_F_RO},
    {.name = "AptStatus", .wire = OD_W_ENUM, .enm = &od_enum_aptstatus,
     .flags = OD_F_RO},
    {.name = "Pattern", .wire = OD_W_TEXT, .flags = OD_F_RO},
    {.name = "Confirmed", .wire = OD_W_INT, .flags = OD_F_RO},
    {.name = "confirmed", .expr = "COALESCE(cf.ItemName, '')",
     .wire = OD_W_TEXT, .flags = OD_F_RO},
    {.name = "Op", .wire = OD_W_INT, .flags = OD_F_RO},
    {.name = "Note", .wire = OD_W_TEXT, .flags = OD_F_RO},
    {.name = "ProvNum", .wire = OD_W_INT, .flags = OD_F_RO},
    {.name = "provAbbr", .expr = "COALESCE(pv.Abbr, '')", .wire = OD_W_TEXT,
     .flags = OD_F_RO},
    {.name = "ProvHyg", .wire = OD_W_INT, .flags = OD_F_RO},
    {.name = "AptDateTime", .wire = OD_W_DATETIME, .flags = OD_F_RO},
    {.name = "NextAptNum", .wire = OD_W_INT, .flags = OD_F_RO},
    {.name = "UnschedStatus", .wire = OD_W_INT, .flags = OD_F_RO},
    {.name = "unschedStatus", .expr = "COALESCE(us.ItemName, '')",
     .wire = OD_W_TEXT, .flags = OD_F_RO},
    {.name = "ProcDescript", .wire = OD_W_TEXT, .flags = OD_F_RO},
    {.name = "ClinicNum", .wire = OD_W_INT, .flags = OD_F_RO},
    /* bool.ToString(): the only "True"/"False" of the appointments
     * answers, as the source and the documentation's example write it */
    {.name = "IsHygiene", .expr = "IF(t.IsHygiene, 'True', 'False')",
     .wire = OD_W_TEXT, .flags = OD_F_RO},
    {.name = "DateTStamp", .wire = OD_W_DATETIME, .flags = OD_F_RO},
    {.name = "DateTimeArrived", .wire = OD_W_DATETIME, .flags = OD_F_RO},
    {.name = "DateTimeSeated", .wire = OD_W_DATETIME, .flags = OD_F_RO},
    {.name = "DateTimeDismissed", .wire = OD_W_DATETIME, .flags = OD_F_RO},
    {.name = "AppointmentTypeNum", .wire = OD_W_INT, .flags = OD_F_RO},
    {.name = "eServiceLogType", .expr = SERVICE_TYPE, .wire = OD_W_ENUM,
     .enm = &enum_servicetype, .flags = OD_F_RO},
    {.name = "serverDateTime", .wire = OD_W_SERVERTIME,
     .flags = OD_F_RO | OD_F_GETONLY},
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
