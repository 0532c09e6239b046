/* signals.c - signalods as a description (the api*.html pages; Open Dental's
 * Signalods.GetSignalOdsForApi, Signalods.cs 24.3): the signals Open
 * Dental's workstations write when something changes, oldest first, each
 * with serverDateTime so a client can ask again for the ones after it. */
#include "resources/shorthand-internal.h"

/* InvalidType (OpenDentBusiness/Db/Enumerations.cs, 24.3), 0-114, stored
 * in signalod.IType as its number. */
ENUM_TABLE(enum_invalidtype, "InvalidType", "None", "Date", "AllLocal", "Task",
           "ProcCodes", "Prefs", "Views", "AutoCodes", "Carriers",
           "ClearHouses", "Computers", "InsCats", "Employees", "StartupOld",
           "Defs", "Email", "Fees", "Letters", "QuickPaste", "Security",
           "Programs", "ToolButsAndMounts", "Providers", "ClaimForms",
           "ZipCodes", "LetterMerge", "DentalSchools", "Operatories",
           "TaskPopup", "Sites", "Pharmacies", "Sheets", "RecallTypes",
           "FeeScheds", "PhoneNumbers", "Signals", "DisplayFields",
           "PatFields", "AccountingAutoPays", "ProcButtons", "Diseases",
           "Languages", "AutoNotes", "ElectIDs", "Employers", "ProviderIdents",
           "ShutDownNow", "InsFilingCodes", "ReplicationServers", "Automation",
           "PhoneAsteriskReload", "TimeCardRules", "Vaccines", "HL7Defs",
           "DictCustoms", "Wiki", "Sops", "EhrCodes", "AppointmentTypes",
           "Medications", "SmsTextMsgReceivedUnreadCount", "ProviderErxs",
           "Jobs", "JobPermission", "StateAbbrs", "RequiredFields", "Ebills",
           "UserClinics", "Appointment", "OrthoChartTabs", "SigMessages",
           "AlertSubs", "AlertItems", "VoiceMails", "Kiosk", "ClinicPrefs",
           "EmailMessages", "WebSchedRecallReminders", "SmsBlockPhones",
           "AlertCategories", "AlertCategoryLinks", "UnfinalizedPayMenuUpdate",
           "ClinicErxs", "DisplayReports", "UserQueries", "Schedules",
           "PhoneComps", "PhoneMap", "SmsPhones", "WebChatSessions",
           "TaskList", "TaskAuthor", "TaskPatient", "Referral",
           "ProcMultiVisits", "ProviderClinicLink", "EClipboard", "TPModule",
           "ActiveInstance", "PhoneEmpDefaults", "UserOdPrefs", "JobTeams",
           "AccModule", "LimitedBetaFeature", "PerioExams",
           "EmailInboxRetrieve", "ApiSubscriptions", "ERoutingDef",
           "FlowActionDef", "FlowDefLink", "CodeGroups", "BillingList",
           "ConnectionStoreClear", "Children", "Print");

/* MiddleTierRole (OpenDentBusiness/Cache/EnumMiddleTierRole.cs). */
ENUM_TABLE(enum_remoterole, "MiddleTierRole", "ClientDirect", "ClientMT",
           "ServerMT");

static const struct od_field signalod_fields[] = {
    KEY("SignalNum"),
    RO("DateViewing", OD_W_DATE),
    RO("SigDateTime", OD_W_DATETIME),
    RO("FKey", OD_W_INT),
    /* KeyType, which Open Dental stores as its name */
    RO("FKeyType", OD_W_TEXT),
    ROENUM("IType", &enum_invalidtype),
    ROENUM("RemoteRole", &enum_remoterole),
    RO("MsgValue", OD_W_TEXT),
    SERVERTIME,
};

static const struct od_filter signalod_filters[] = {
    /* the signals after the serverDateTime a client kept */
    {.param = "SigDateTime", .cond = "t.SigDateTime > ?",
     .wire = OD_W_DATETIME},
};

const struct od_resource od_res_signalods = {
    .name = "signalods", .table = "signalod", .pk = "SignalNum",
    OD_LIST(fields, signalod_fields),
    OD_LIST(filters, signalod_filters),
    .ops = OD_OP_GET_LIST, .missing = "Signalod not found.",
    .server_time = OD_ST_FIRST,
    /* GetSignalOdsForApi: before the database's now, so a signal written
     * in the same second as the answer comes with the next request */
    .base_where = "t.SigDateTime < NOW()",
    .order = "t.SignalNum",
};
