/* admin.c - user groups, computers, schedule operatories, clock events,
 * insurance verifications, claim tracking and patient races as descriptions
 * (the api*.html pages "usergroups", "usergroupattaches", "computers",
 * "scheduleops", "clockevents", "insverifies", "claimtrackings",
 * "patientraces") over Open Dental's tables of the same names
 * (data/od-schema.sql, batch res-f). Field order is Open Dental's. Choices
 * Open Dental's docs leave open are in docs/resources.md ("User groups,
 * computers, clock events, insurance verification, claim tracking"). */
#include "resources/shorthand-internal.h"

/* EnumPermType values used in securitylog (GroupPermission.cs). */
enum { PERM_UPDATE_CUSTOM_TRACKING = 137, PERM_INSURANCE_VERIFICATION = 169 };

/* Enums (ClockEvent.cs TimeClockStatus, InsVerify.cs VerifyTypes). */
ENUM_TABLE(enum_clockstatus, "ClockStatus", "Home", "Lunch", "Break");
ENUM_TABLE(enum_verifytype, "VerifyType", "None", "InsuranceBenefit",
           "PatientEnrollment");

/* ---- usergroups (read only) ------------------------------------------------ */

static const struct od_field usergroup_fields[] = {
    KEY("UserGroupNum"),
    RO("Description", OD_W_TEXT),
    RO("UserGroupNumCEMT", OD_W_INT),
};

static const struct od_filter usergroup_filters[] = {
    /* as userods: groups synced from the Central Manager only on request */
    {.param = "includeCEMT", .cond = "? = 1 OR t.UserGroupNumCEMT = 0",
     .wire = OD_W_BOOL, .dflt = "false"},
};

const struct od_resource od_res_usergroups = {
    .name = "usergroups", .table = "usergroup", .pk = "UserGroupNum",
    OD_LIST(fields, usergroup_fields),
    OD_LIST(filters, usergroup_filters),
    .ops = OD_OP_GET_LIST, .missing = "UserGroup not found.",
};

/* ---- usergroupattaches (read only) ----------------------------------------- */

static const struct od_field usergroupattach_fields[] = {
    KEY("UserGroupAttachNum"),
    RO("UserNum", OD_W_INT),
    RO("UserGroupNum", OD_W_INT),
};

static const struct od_filter usergroupattach_filters[] = {
    INTF("UserNum"),
    INTF("UserGroupNum"),
};

const struct od_resource od_res_usergroupattaches = {
    .name = "usergroupattaches", .table = "usergroupattach",
    .pk = "UserGroupAttachNum",
    OD_LIST(fields, usergroupattach_fields),
    OD_LIST(filters, usergroupattach_filters),
    .ops = OD_OP_GET_LIST, .missing = "UserGroupAttach not found.",
};

/* ---- computers (read only) -------------------------------------------------- */

static const struct od_field computer_fields[] = {
    KEY("ComputerNum"),
    RO("CompName", OD_W_TEXT),
    RO("LastHeartBeat", OD_W_DATETIME),
};

static const struct od_filter computer_filters[] = {
    /* workstations whose heartbeat is at or after the given time */
    SINCEF("LastHeartBeat"),
};

const struct od_resource od_res_computers = {
    .name = "computers", .table = "computer", .pk = "ComputerNum",
    OD_LIST(fields, computer_fields),
    OD_LIST(filters, computer_filters),
    .ops = OD_OP_GET_LIST, .missing = "Computer not found.",
};

/* ---- scheduleops (read only) ------------------------------------------------ */

static const struct od_field scheduleop_fields[] = {
    KEY("ScheduleOpNum"),
    RO("ScheduleNum", OD_W_INT),
    RO("OperatoryNum", OD_W_INT),
};

static const struct od_filter scheduleop_filters[] = {
    INTF("ScheduleNum"),
    INTF("OperatoryNum"),
};

const struct od_resource od_res_scheduleops = {
    .name = "scheduleops", .table = "scheduleop", .pk = "ScheduleOpNum",
    OD_LIST(fields, scheduleop_fields),
    OD_LIST(filters, scheduleop_filters),
    .ops = OD_OP_GET_LIST, .missing = "ScheduleOp not found.",
};

/* ---- clockevents (read only) ------------------------------------------------ */

static const struct od_field clockevent_fields[] = {
    KEY("ClockEventNum"),
    RO("EmployeeNum", OD_W_INT),
    ROENUM("ClockStatus", &enum_clockstatus),
    RO("Note", OD_W_TEXT),
    /* TimeSpans; OTimeHours is -01:00:00 when not overridden */
    RO("OTimeHours", OD_W_TIME),
    RO("OTimeAuto", OD_W_TIME),
    RO("Adjust", OD_W_TIME),
    RO("AdjustAuto", OD_W_TIME),
    RO("AdjustIsOverridden", OD_W_BOOL),
    RO("ClinicNum", OD_W_INT),
    RO("IsWorkingHome", OD_W_BOOL),
};

static const struct od_filter clockevent_filters[] = {
    INTF("EmployeeNum"),
    ENUMF("ClockStatus", &enum_clockstatus),
    INTF("ClinicNum"),
    /* the day of the clock-in as displayed (TimeDisplayed1) */
    DATESF("TimeDisplayed1"),
};

const struct od_resource od_res_clockevents = {
    .name = "clockevents", .table = "clockevent", .pk = "ClockEventNum",
    OD_LIST(fields, clockevent_fields),
    OD_LIST(filters, clockevent_filters),
    .ops = OD_OPS_GET,
    .missing = "ClockEvent not found.",
};

/* ---- insverifies ------------------------------------------------------------ */

static const struct od_field insverify_fields[] = {
    KEY("InsVerifyNum"),
    {.name = "DateLastVerified", .wire = OD_W_DATE, .flags = OD_F_REQ},
    RO("UserNum", OD_W_INT),
    ENM("VerifyType", &enum_verifytype, OD_F_REQ, NULL),
    {.name = "FKey", .wire = OD_W_INT, .flags = OD_F_REQ},
    FKEY("DefNum", 0, FK_DEF(38)),
    {.name = "Note", .wire = OD_W_TEXT},
    RO("DateLastAssigned", OD_W_DATE),
    STAMP("SecDateTEdit"),
};

static const struct od_filter insverify_filters[] = {
    /* apiinsverifies.html marks VerifyType required in its parameter list
     * (its text says optional) */
    {.param = "VerifyType", .cond = "t.VerifyType = ?", .wire = OD_W_ENUM,
     .enm = &enum_verifytype, .flags = OD_Q_REQ},
    INTF("FKey"),
    SINCEF("SecDateTEdit"),
};

static const struct od_check insverify_checks[] = {
    ZERO_INVALID(OD_OP_POST | OD_OP_PUT, "VerifyType"),
    VALUE_RULE(OD_OP_POST | OD_OP_PUT, "? = 1 AND NOT EXISTS (SELECT 1 FROM "
               "insplan WHERE PlanNum = ?)", "VerifyType,FKey",
               "FKey is invalid."),
    VALUE_RULE(OD_OP_POST | OD_OP_PUT, "? = 2 AND NOT EXISTS (SELECT 1 FROM "
               "patplan WHERE PatPlanNum = ?)", "VerifyType,FKey",
               "FKey is invalid."),
};

const struct od_resource od_res_insverifies = {
    .name = "insverifies", .table = "insverify", .pk = "InsVerifyNum",
    OD_LIST(fields, insverify_fields),
    OD_LIST(filters, insverify_filters),
    .ops = OD_OPS_GET,
    /* PUT /insverifies: the row of (VerifyType, FKey), made when missing */
    .upsert_keys = "VerifyType,FKey",
    .write_perm = ODAPI_PERM_INSURANCE, .missing = "InsVerify not found.",
    SECLOG("InsVerify", PERM_INSURANCE_VERIFICATION,
           PERM_INSURANCE_VERIFICATION, 0),
    OD_LIST(checks, insverify_checks),
    /* the row's entry time, a column the answer does not show */
    .after_insert = "UPDATE insverify SET DateTimeEntry = NOW() "
                    "WHERE InsVerifyNum = ?",
};

/* ---- claimtrackings --------------------------------------------------------- */

static const struct od_field claimtracking_fields[] = {
    KEY("ClaimTrackingNum"),
    {.name = "ClaimNum", .wire = OD_W_INT, .flags = OD_F_REQ | OD_F_NOPUT},
    RO("TrackingType", OD_W_TEXT),
    RO("UserNum", OD_W_INT),
    STAMP("DateTimeEntry"),
    {.name = "Note", .wire = OD_W_TEXT},
    FKEY("TrackingDefNum", OD_F_REQ | OD_F_NOCLEAR, FK_DEF(31)),
    FKEY("TrackingErrorDefNum", 0, FK_DEF(43)),
};

static const struct od_filter claimtracking_filters[] = {
    INTF("ClaimNum"),
};

static const struct od_check claimtracking_checks[] = {
    POST_FOUND("claim", "ClaimNum", "Claim"),
    /* a status row always names a status */
    ZERO_INVALID(OD_OP_PUT, "TrackingDefNum"),
    ZERO_INVALID(OD_OP_POST, "TrackingDefNum"),
};

const struct od_resource od_res_claimtrackings = {
    .name = "claimtrackings", .table = "claimtracking",
    .pk = "ClaimTrackingNum",
    OD_LIST(fields, claimtracking_fields),
    OD_LIST(filters, claimtracking_filters),
    .ops = OD_OPS_LIST_CRU,
    .write_perm = ODAPI_PERM_INSURANCE,
    .missing = "ClaimTracking not found.",
    SECLOG("ClaimTracking", PERM_UPDATE_CUSTOM_TRACKING,
           PERM_UPDATE_CUSTOM_TRACKING, 0),
    OD_LIST(checks, claimtracking_checks),
    /* rows the API makes are custom status rows */
    .after_insert = "UPDATE claimtracking SET TrackingType = 'StatusHistory' "
                    "WHERE ClaimTrackingNum = ?",
};

/* ---- patientraces (read only) ----------------------------------------------- */

static const struct od_field patientrace_fields[] = {
    KEY("PatientRaceNum"),
    RO("PatNum", OD_W_INT),
    RO("CdcrecCode", OD_W_TEXT),
    /* the docs' spellings; the declined codes have no cdcrec row */
    DERIVED("descripition",
            "COALESCE(cr.Description, CASE t.CdcrecCode WHEN 'ASKU-RACE' "
            "THEN 'Declined to Specify' WHEN 'ASKU-ETHNICITY' THEN "
            "'Declined to Specify' ELSE '' END)"),
    EXPR("isEthnicity",
         "(t.CdcrecCode = 'ASKU-ETHNICITY' OR "
         "COALESCE(cr.HeirarchicalCode, '') LIKE 'E%')", OD_W_BOOL),
    DERIVED("heirarchicalCode", "COALESCE(cr.HeirarchicalCode, '')"),
};

static const struct od_filter patientrace_filters[] = {
    REQ_INTF("PatNum"),
};

const struct od_resource od_res_patientraces = {
    .name = "patientraces", .table = "patientrace", .pk = "PatientRaceNum",
    .joins = "LEFT JOIN cdcrec cr ON cr.CdcrecNum = (SELECT MIN(c2.CdcrecNum) "
             "FROM cdcrec c2 WHERE c2.CdcrecCode = t.CdcrecCode)",
    OD_LIST(fields, patientrace_fields),
    OD_LIST(filters, patientrace_filters),
    .ops = OD_OP_GET_LIST, .missing = "PatientRace not found.",
};

/* ---- histappointments (read only) ------------------------------------------- */

/* HistAppointment.cs HistAppointmentAction; Userod.cs EServiceTypes. */
ENUM_TABLE(enum_histaction, "HistApptAction", "Created", "Changed", "Missed",
           "Cancelled", "Deleted");
ENUM_TABLE(enum_apptsource, "ApptSource", "None", "EConnector", "Broadcaster",
           "BroadcastMonitor", "ServiceMainHQ");

static const struct od_field histappointment_fields[] = {
    KEY("HistApptNum"),
    RO("HistUserNum", OD_W_INT),
    RO("HistDateTStamp", OD_W_DATETIME),
    ROENUM("HistApptAction", &enum_histaction),
    ROENUM("ApptSource", &enum_apptsource),
    RO("AptNum", OD_W_INT),
    RO("PatNum", OD_W_INT),
    ROENUM("AptStatus", &od_enum_aptstatus),
    RO("Pattern", OD_W_TEXT),
    RO("Confirmed", OD_W_INT),
    DEFNAME("confirmed", "cf"),
    RO("TimeLocked", OD_W_BOOL),
    RO("Op", OD_W_INT),
    RO("Note", OD_W_TEXT),
    RO("ProvNum", OD_W_INT),
    DERIVED("provAbbr", "COALESCE(pv.Abbr, '')"),
    RO("ProvHyg", OD_W_INT),
    RO("AptDateTime", OD_W_DATETIME),
    RO("NextAptNum", OD_W_INT),
    RO("UnschedStatus", OD_W_INT),
    DEFNAME("unschedStatus", "us"),
    RO("IsNewPatient", OD_W_BOOL),
    RO("ProcDescript", OD_W_TEXT),
    RO("ClinicNum", OD_W_INT),
    RO("IsHygiene", OD_W_BOOL),
    RO("DateTStamp", OD_W_DATETIME),
    RO("DateTimeArrived", OD_W_DATETIME),
    RO("DateTimeSeated", OD_W_DATETIME),
    RO("DateTimeDismissed", OD_W_DATETIME),
    RO("DateTimeAskedToArrive", OD_W_DATETIME),
    {.name = "colorOverride", .wire = OD_W_COLOR, .flags = OD_F_RO,
     .col = "ColorOverride"},
    RO("AppointmentTypeNum", OD_W_INT),
    SECUSERNUMENTRY,
    RO("SecDateTEntry", OD_W_DATETIME),
    ROENUM("Priority", &od_enum_aptpriority),
    RO("PatternSecondary", OD_W_TEXT),
    RO("ItemOrderPlanned", OD_W_INT),
};

static const struct od_filter histappointment_filters[] = {
    ENUMF("HistApptAction", &enum_histaction),
    INTF("AptNum"),
    INTF("PatNum"),
    ENUMF("AptStatus", &od_enum_aptstatus),
    INTF("ClinicNum"),
    /* the day the history row was written (HistDateTStamp) */
    DATESF("HistDateTStamp"),
};

const struct od_resource od_res_histappointments = {
    .name = "histappointments", .table = "histappointment",
    .pk = "HistApptNum",
    .joins = "LEFT JOIN definition cf ON cf.DefNum = t.Confirmed "
             "LEFT JOIN provider pv ON pv.ProvNum = t.ProvNum "
             "LEFT JOIN definition us ON us.DefNum = t.UnschedStatus",
    OD_LIST(fields, histappointment_fields),
    OD_LIST(filters, histappointment_filters),
    .ops = OD_OP_GET_LIST, .missing = "HistAppointment not found.",
};
