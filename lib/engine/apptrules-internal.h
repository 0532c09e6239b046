/*
 * apptrules-internal.h - the business layer's rule for where an
 * appointment may go, shared by the appointments description (POST, PUT)
 * and the planned and Web Sched actions: SQL text only.
 */
#ifndef ODAPI_APPTRULES_INTERNAL_H
#define ODAPI_APPTRULES_INTERNAL_H

/* Appointments.ValidateApptForWeb (Appointments.cs), the business
 * layer's rule for an appointment made outside the desktop program: no
 * overlap with a blockout of a "NS" (do not schedule) type in its
 * operatory (nor, for an appointment type that names blockout types, with
 * any other type: GetBlockoutsOverlappingNoSchedule), and, when the office
 * turned the ApptsAllowOverlap preference off, no overlap with another
 * appointment in its operatory that day (TryAdjustAppointment_HasOverlap:
 * every status but UnschedList, ends exclusive). On PUT the rule runs when
 * Op, AptDateTime or Pattern changes, with the row's other values. */
#define APPT_OVERLAP_MSG                                                     \
    "Appointment overlaps existing appointment or blockout. Please change "  \
    "the appointment length."
#define APPT_OVERLAP_APPT(OP, AT, PAT, NOT_SELF)                             \
    "SELECT 1 FROM appointment a WHERE (SELECT ValueString FROM preference " \
    "WHERE PrefName = 'ApptsAllowOverlap') = '0' AND a.Op = " OP " AND "     \
    "a.Op > 0 AND a.AptStatus <> 3 AND a.AptDateTime >= DATE(" AT ") AND "   \
    "a.AptDateTime <= DATE(" AT ") + INTERVAL 1 DAY AND a.AptDateTime < "    \
    AT " + INTERVAL CHAR_LENGTH(" PAT ") * 5 MINUTE AND a.AptDateTime + "    \
    "INTERVAL CHAR_LENGTH(a.Pattern) * 5 MINUTE > " AT NOT_SELF " LIMIT 1"
#define APPT_OVERLAP_BLOCKOUT_OR(OP, AT, PAT, OR)                            \
    "SELECT 1 FROM schedule s JOIN scheduleop so ON so.ScheduleNum = "      \
    "s.ScheduleNum LEFT JOIN definition d ON d.DefNum = s.BlockoutType "     \
    "WHERE s.SchedType = 2 AND so.OperatoryNum = " OP " AND s.SchedDate = "  \
    "DATE(" AT ") AND TIMESTAMP(s.SchedDate, s.StartTime) < " AT " + "       \
    "INTERVAL CHAR_LENGTH(" PAT ") * 5 MINUTE AND TIMESTAMP(s.SchedDate, "   \
    "s.StopTime) > " AT " AND (d.ItemValue LIKE '%NS%'" OR ") LIMIT 1"
#define APPT_OVERLAP_BLOCKOUT(OP, AT, PAT, TYPE)                             \
    APPT_OVERLAP_BLOCKOUT_OR(OP, AT, PAT,                                    \
        " OR EXISTS (SELECT 1 FROM appointmenttype ty WHERE "                \
        "ty.AppointmentTypeNum = " TYPE " AND ty.BlockoutTypes <> '' AND "   \
        "FIND_IN_SET(s.BlockoutType, REPLACE(ty.BlockoutTypes, ' ', '')) = " \
        "0)")
/* before 22.4 appointment types named no blockout types: NS only */
#define APPT_OVERLAP_BLOCKOUT_NS(OP, AT, PAT)                                \
    APPT_OVERLAP_BLOCKOUT_OR(OP, AT, PAT, "")
#endif /* ODAPI_APPTRULES_INTERNAL_H */
