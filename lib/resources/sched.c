/* sched.c - schedules as a description (spec 5.8 and Appendix A):
 * read-only, every value a string as in the spec's examples, sorted by
 * StartTime. Choices the spec leaves open are in docs/resources.md. */
#include "engine/describe-internal.h"

static const struct od_field schedule_fields[] = {
    {"ScheduleNum", NULL, OD_W_INT_STR, NULL, OD_F_RO | OD_F_KEY, NULL, 0, 0,
     NULL},
    {"SchedDate", NULL, OD_W_DATE, NULL, OD_F_RO, NULL, 0, 0, NULL},
    {"StartTime", NULL, OD_W_TIME, NULL, OD_F_RO, NULL, 0, 0, NULL},
    {"StopTime", NULL, OD_W_TIME, NULL, OD_F_RO, NULL, 0, 0, NULL},
    {"SchedType", NULL, OD_W_ENUM, &od_enum_schedtype, OD_F_RO, NULL, 0, 0,
     NULL},
    {"ProvNum", NULL, OD_W_INT_STR, NULL, OD_F_RO, NULL, 0, 0, NULL},
    {"BlockoutType", NULL, OD_W_INT_STR, NULL, OD_F_RO, NULL, 0, 0, NULL},
    {"blockoutType", "COALESCE(bt.ItemName, '')", OD_W_TEXT, NULL, OD_F_RO,
     NULL, 0, 0, NULL},
    {"Note", NULL, OD_W_TEXT, NULL, OD_F_RO, NULL, 0, 0, NULL},
    /* the schedule's operatories: one subquery in the same SELECT */
    {"operatories", "COALESCE((SELECT GROUP_CONCAT(so.OperatoryNum ORDER BY "
                    "so.OperatoryNum SEPARATOR ',') FROM scheduleop so WHERE "
                    "so.ScheduleNum = t.ScheduleNum), '')",
     OD_W_TEXT, NULL, OD_F_RO, NULL, 0, 0, NULL},
    {"EmployeeNum", NULL, OD_W_INT_STR, NULL, OD_F_RO, NULL, 0, 0, NULL},
    {"DateTStamp", NULL, OD_W_DATETIME, NULL, OD_F_RO | OD_F_STAMP, NULL, 0,
     0, NULL},
};

static const struct od_filter schedule_filters[] = {
    /* no date, dateStart or dateEnd: today (the database's date) */
    {"date", "t.SchedDate = COALESCE(NULLIF(?, '0001-01-01'), CURDATE())",
     OD_W_DATE, NULL, 0, 0, "0001-01-01", "dateStart,dateEnd"},
    {"dateStart", "t.SchedDate >= ?", OD_W_DATE, NULL, 0, 0, NULL},
    {"dateEnd", "t.SchedDate <= ?", OD_W_DATE, NULL, 0, 0, NULL},
    {"SchedType", "t.SchedType = ?", OD_W_ENUM, &od_enum_schedtype, 0, 0,
     NULL},
    {"BlockoutDefNum", "t.BlockoutType = ?", OD_W_INT, NULL, 0, 0, NULL},
    {"ProvNum", "t.ProvNum = ?", OD_W_INT, NULL, 0, 0, NULL},
    {"EmployeeNum", "t.EmployeeNum = ?", OD_W_INT, NULL, 0, 0, NULL},
};

const struct od_resource od_res_schedules = {
    .name = "schedules", .table = "schedule", .pk = "ScheduleNum",
    .joins = "LEFT JOIN definition bt ON bt.DefNum = t.BlockoutType",
    .fields = schedule_fields, .nfields = OD_N(schedule_fields),
    .filters = schedule_filters, .nfilters = OD_N(schedule_filters),
    .ops = OD_OP_GET_ONE | OD_OP_GET_LIST, .missing = "Schedule not found",
    .order = "t.SchedDate, t.StartTime, t.ScheduleNum",
};
