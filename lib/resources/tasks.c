/* tasks.c - tasks, quick paste notes and auto notes as descriptions (the
 * api*.html pages "tasklists", "tasks", "tasknotes", "quickpastecats",
 * "quickpastenotes", "autonotes", "autonotecontrols") over Open Dental's
 * tables of the same names (data/od-schema.sql). Field order is Open Dental's.
 * Writes need ApiPermission AllOthers (apipermissions.html). Choices Open
 * Dental's docs leave open are in docs/resources.md. */
#include "resources/shorthand-internal.h"

#include <string.h>

/* EnumPermType values used in securitylog (GroupPermission.cs). */
enum {
    PERM_AUTONOTE_QUICKNOTE_EDIT = 60, PERM_TASKNOTE_EDIT = 66,
    PERM_TASK_EDIT = 84
};

/* Task enums (Task.cs, TaskList.cs). */
ENUM_TABLE(enum_taskstatus, "TaskStatus", "New", "Viewed", "Done");
ENUM_TABLE(enum_datetype, "DateType", "None", "Day", "Week", "Month");
ENUM_TABLE(enum_objecttype, "ObjectType", "None", "Patient", "Appointment");
ENUM_TABLE(enum_liststatus, "TaskListStatus", "Active", "Archived");
/* [Flags] TaskReminderType: single flags by name; a combination (a weekly
 * reminder on some weekdays) is written as its number. */
ENUM_TABLE(enum_remindertype, "ReminderType",
    "NoReminder", "Once", "Daily", NULL, "Weekly", NULL, NULL, NULL,
    "Monthly", NULL, NULL, NULL, NULL, NULL, NULL, NULL,
    "Minutely", NULL, NULL, NULL, NULL, NULL, NULL, NULL,
    NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
    "Hourly", NULL, NULL, NULL, NULL, NULL, NULL, NULL,
    NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
    NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
    NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
    "Yearly");

/* ---- tasklists ------------------------------------------------------------ */

static const struct od_field tasklist_fields[] = {
    KEY("TaskListNum"),
    RO("Descript", OD_W_TEXT),
    RO("Parent", OD_W_INT),
    RO("DateTL", OD_W_DATE),
    RO("IsRepeating", OD_W_BOOL),
    ROENUM("DateType", &enum_datetype),
    RO("FromNum", OD_W_INT),
    ROENUM("ObjectType", &enum_objecttype),
    RO("DateTimeEntry", OD_W_DATETIME),
    ROENUM("TaskListStatus", &enum_liststatus),
};

static const struct od_filter tasklist_filters[] = {
    ENUMF("TaskListStatus", &enum_liststatus),
};

const struct od_resource od_res_tasklists = {
    .name = "tasklists", .table = "tasklist", .pk = "TaskListNum",
    OD_LIST(fields, tasklist_fields),
    OD_LIST(filters, tasklist_filters),
    .ops = OD_OP_GET_LIST, .missing = "TaskList not found.",
};

/* ---- tasks ---------------------------------------------------------------- */

static const struct od_field task_fields[] = {
    KEY("TaskNum"),
    {.name = "TaskListNum", .wire = OD_W_INT, .flags = OD_F_REQ | OD_F_NOPUT},
    RO("DateTask", OD_W_DATE),
    {.name = "KeyNum", .wire = OD_W_INT},
    {.name = "Descript", .wire = OD_W_TEXT, .flags = OD_F_REQ},
    ENM("TaskStatus", &enum_taskstatus, OD_F_NOPOST, NULL),
    RO("IsRepeating", OD_W_BOOL),
    ROENUM("DateType", &enum_datetype),
    RO("FromNum", OD_W_INT),
    ENM("ObjectType", &enum_objecttype, 0, "None"),
    {.name = "DateTimeEntry", .wire = OD_W_DATETIME},
    {.name = "UserNum", .wire = OD_W_INT, .flags = OD_F_REQ | OD_F_NOPUT},
    RO("DateTimeFinished", OD_W_DATETIME),
    FKEY("PriorityDefNum", 0, FK_DEF(33)),
    RO("ReminderGroupId", OD_W_TEXT),
    ROENUM("ReminderType", &enum_remindertype),
    RO("ReminderFrequency", OD_W_INT),
    NOW_ON_INSERT("DateTimeOriginal", OD_W_DATETIME),
    STAMP("SecDateTEdit"),
    {.name = "DescriptOverride", .wire = OD_W_TEXT},
    RO("IsReadOnly", OD_W_BOOL),
};

static const struct od_filter task_filters[] = {
    INTF("TaskListNum"),
    INTF("KeyNum"),
    ENUMF("ObjectType", &enum_objecttype),
    ENUMF("TaskStatus", &enum_taskstatus),
    /* absent: the previous 14 days (the database's clock) */
    {.param = "DateTimeOriginal",
     .cond = "t.DateTimeOriginal >= COALESCE(NULLIF(?, '0001-01-01 "
             "00:00:00'), NOW() - INTERVAL 14 DAY)", .wire = OD_W_DATETIME,
     .dflt = "0001-01-01 00:00:00"},
};

static const struct od_sqldefault task_defaults[] = {
    {.field = "DateTimeEntry", .sql = OD_SQLDEFAULT_NOW},
    /* the TaskPriorities definition marked default ("D"), else the first */
    {.field = "PriorityDefNum",
     .sql = "SELECT DefNum FROM definition WHERE Category = 33 "
            "AND IsHidden = 0 ORDER BY ItemValue = 'D' DESC, "
            "ItemOrder, DefNum LIMIT 1"},
};

static const struct od_check task_checks[] = {
    POST_VALID("tasklist", "TaskListNum"),
    POST_VALID("userod", "UserNum"),
    /* a KeyNum must name a row of its ObjectType (both given) */
    VALUE_RULE(OD_OP_POST | OD_OP_PUT,
               "(? = 1 AND NOT EXISTS (SELECT 1 FROM patient WHERE "
               "PatNum = ?)) OR (? = 2 AND NOT EXISTS (SELECT 1 FROM "
               "appointment WHERE AptNum = ?))",
               "ObjectType,KeyNum,ObjectType,KeyNum",
               "KeyNum is invalid."),
};

const struct od_resource od_res_tasks = {
    .name = "tasks", .table = "task", .pk = "TaskNum",
    OD_LIST(fields, task_fields),
    OD_LIST(filters, task_filters),
    .ops = OD_OPS_CRU,
    .write_perm = ODAPI_PERM_ALL_OTHERS, .missing = "Task not found.",
    SECLOG("Task", PERM_TASK_EDIT, PERM_TASK_EDIT, 0),
    OD_LIST(sqldefaults, task_defaults),
    OD_LIST(checks, task_checks),
};

/* ---- tasknotes ------------------------------------------------------------ */

static const struct od_field tasknote_fields[] = {
    KEY("TaskNoteNum"),
    {.name = "TaskNum", .wire = OD_W_INT, .flags = OD_F_REQ | OD_F_NOPUT},
    {.name = "UserNum", .wire = OD_W_INT, .flags = OD_F_REQ | OD_F_NOPUT},
    {.name = "DateTimeNote", .wire = OD_W_DATETIME, .flags = OD_F_NOPOST},
    {.name = "Note", .wire = OD_W_TEXT, .flags = OD_F_REQ},
};

static const struct od_filter tasknote_filters[] = {
    INTF("TaskNum"),
    INTF("UserNum"),
};

static const struct od_sqldefault tasknote_defaults[] = {
    {.field = "DateTimeNote", .sql = OD_SQLDEFAULT_NOW},
};

static const struct od_check tasknote_checks[] = {
    POST_FOUND("task", "TaskNum", "Task"),
    POST_VALID("userod", "UserNum"),
    VALUE_RULE(OD_OP_PUT, "TRIM(?) = ''", "Note", "Note cannot be blank."),
};

const struct od_resource od_res_tasknotes = {
    .name = "tasknotes", .table = "tasknote", .pk = "TaskNoteNum",
    OD_LIST(fields, tasknote_fields),
    OD_LIST(filters, tasknote_filters),
    .ops = OD_OPS_CRU,
    .write_perm = ODAPI_PERM_ALL_OTHERS, .missing = "TaskNote not found.",
    SECLOG("TaskNote", PERM_TASKNOTE_EDIT, PERM_TASKNOTE_EDIT, 0),
    OD_LIST(sqldefaults, tasknote_defaults),
    OD_LIST(checks, tasknote_checks),
};

/* ---- quickpastecats, quickpastenotes -------------------------------------- */

static const struct od_field quickpastecat_fields[] = {
    KEY("QuickPasteCatNum"),
    RO("Description", OD_W_TEXT),
    RO("ItemOrder", OD_W_INT),
    RO("DefaultForTypes", OD_W_TEXT),
};

const struct od_resource od_res_quickpastecats = {
    .name = "quickpastecats", .table = "quickpastecat",
    .pk = "QuickPasteCatNum",
    OD_LIST(fields, quickpastecat_fields),
    .ops = OD_OPS_GET,
    .missing = "QuickPasteCat not found.",
};

static const struct od_field quickpastenote_fields[] = {
    KEY("QuickPasteNoteNum"),
    RO("QuickPasteCatNum", OD_W_INT),
    RO("ItemOrder", OD_W_INT),
    RO("Note", OD_W_TEXT),
    RO("Abbreviation", OD_W_TEXT),
};

const struct od_resource od_res_quickpastenotes = {
    .name = "quickpastenotes", .table = "quickpastenote",
    .pk = "QuickPasteNoteNum",
    OD_LIST(fields, quickpastenote_fields),
    .ops = OD_OPS_GET,
    .missing = "QuickPasteNote not found.",
};

/* ---- autonotes, autonotecontrols ------------------------------------------ */

static const struct od_field autonote_fields[] = {
    KEY("AutoNoteNum"),
    TXT("AutoNoteName", OD_F_REQ | OD_F_NOCLEAR, 0),
    {.name = "MainText", .wire = OD_W_TEXT},
    /* an AutoNoteCats (41) definition, 0 for none */
    FKEY("Category", 0, FK_DEF(41)),
    DEFNAME("category", "cat"),
};

static const struct od_filter autonote_filters[] = {
    INTF("Category"),
};

const struct od_resource od_res_autonotes = {
    .name = "autonotes", .table = "autonote", .pk = "AutoNoteNum",
    .joins = "LEFT JOIN definition cat ON cat.DefNum = t.Category",
    OD_LIST(fields, autonote_fields),
    OD_LIST(filters, autonote_filters),
    .ops = OD_OPS_LIST_CRU,
    .write_perm = ODAPI_PERM_ALL_OTHERS, .missing = "AutoNote not found.",
    SECLOG("AutoNote", PERM_AUTONOTE_QUICKNOTE_EDIT,
           PERM_AUTONOTE_QUICKNOTE_EDIT, 0),
};

/* AutoNoteControl.ControlType: text, one of these names exactly. */
static int check_controltype(const char *s)
{
    return strcmp(s, "Text") == 0 || strcmp(s, "OneResponse") == 0 ||
           strcmp(s, "MultiResponse") == 0;
}

static const struct od_field autonotecontrol_fields[] = {
    KEY("AutoNoteControlNum"),
    {.name = "Descript", .wire = OD_W_TEXT, .flags = OD_F_REQ | OD_F_NOCLEAR},
    CHK("ControlType", OD_F_REQ | OD_F_NOCLEAR, 0, check_controltype),
    TXT("ControlLabel", OD_F_REQ | OD_F_NOCLEAR, 0),
    {.name = "ControlOptions", .wire = OD_W_TEXT},
};

static const struct od_check autonotecontrol_checks[] = {
    /* ControlOptions: required unless the ControlType is Text */
    VALUE_RULE(OD_OP_POST, "? <> 'Text' AND COALESCE(?, '') = ''",
               "ControlType,?ControlOptions", "ControlOptions is required."),
};

const struct od_resource od_res_autonotecontrols = {
    .name = "autonotecontrols", .table = "autonotecontrol",
    .pk = "AutoNoteControlNum",
    OD_LIST(fields, autonotecontrol_fields),
    .ops = OD_OPS_LIST_CRU,
    .write_perm = ODAPI_PERM_ALL_OTHERS,
    .missing = "AutoNoteControl not found.",
    SECLOG("AutoNoteControl", PERM_AUTONOTE_QUICKNOTE_EDIT,
           PERM_AUTONOTE_QUICKNOTE_EDIT, 0),
    OD_LIST(checks, autonotecontrol_checks),
};
