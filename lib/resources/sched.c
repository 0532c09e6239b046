/* sched.c - schedules as a description (the resources' api*.html pages):
 * read-only, every value a string as in Open Dental's examples, sorted by
 * StartTime. Choices Open Dental's docs leave open are in
 * docs/resources.md. */
#include "resources/shorthand-internal.h"

static const struct od_field schedule_fields[] = {
    {.name = "ScheduleNum", .wire = OD_W_INT_STR, .flags = OD_F_RO | OD_F_KEY},
    RO("SchedDate", OD_W_DATE),
    RO("StartTime", OD_W_TIME),
    RO("StopTime", OD_W_TIME),
    ROENUM("SchedType", &od_enum_schedtype),
    RO("ProvNum", OD_W_INT_STR),
    RO("BlockoutType", OD_W_INT_STR),
    DEFNAME("blockoutType", "bt"),
    RO("Note", OD_W_TEXT),
    /* the schedule's operatories: one subquery in the same SELECT */
    DERIVED("operatories", "COALESCE((SELECT GROUP_CONCAT(so.OperatoryNum "
                           "ORDER BY so.OperatoryNum SEPARATOR ',') FROM "
                           "scheduleop so "
                           "WHERE so.ScheduleNum = t.ScheduleNum), '')"),
    RO("EmployeeNum", OD_W_INT_STR),
    STAMP("DateTStamp"),
};

static const struct od_filter schedule_filters[] = {
    /* no date, dateStart or dateEnd: today (the database's date) */
    {.param = "date",
     .cond = "t.SchedDate = COALESCE(NULLIF(?, '0001-01-01'), CURDATE())",
     .wire = OD_W_DATE, .dflt = "0001-01-01",
     .dflt_unless = "dateStart,dateEnd"},
    {.param = "dateStart", .cond = "t.SchedDate >= ?", .wire = OD_W_DATE},
    {.param = "dateEnd", .cond = "t.SchedDate <= ?", .wire = OD_W_DATE},
    ENUMF("SchedType", &od_enum_schedtype),
    {.param = "BlockoutDefNum", .cond = "t.BlockoutType = ?",
     .wire = OD_W_INT},
    INTF("ProvNum"),
    INTF("EmployeeNum"),
};

const struct od_resource od_res_schedules = {
    .name = "schedules", .table = "schedule", .pk = "ScheduleNum",
    .joins = "LEFT JOIN definition bt ON bt.DefNum = t.BlockoutType",
    OD_LIST(fields, schedule_fields),
    OD_LIST(filters, schedule_filters),
    .ops = OD_OPS_GET, .missing = "Schedule not found",
    .order = "t.SchedDate, t.StartTime, t.ScheduleNum",
};
