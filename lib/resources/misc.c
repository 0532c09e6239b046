/* misc.c - securitylogs, documents and userods as descriptions
 * (apipermissions.html, the resources' api*.html pages). Field order is Open
 * Dental's; lower-case names are derived, read-only companions. Choices Open
 * Dental's docs leave open are in docs/resources.md. */
#include "resources/shorthand-internal.h"

enum { PERM_SECURITY_ADMIN = 24, PERM_IMAGE_DELETE = 44,
       PERM_IMAGE_EDIT = 89 };

/* ---- securitylogs ---------------------------------------------------------- */

/* EnumPermType (GroupPermission.cs), 0-257 */
ENUM_TABLE(enum_permtype, "PermType", "None", "AppointmentsModule",
           "FamilyModule", "AccountModule", "TPModule", "ChartModule",
           "ImagingModule", "ManageModule", "Setup", "RxCreate",
           "ProcComplEdit", "ChooseDatabase", "Schedules", "Blockouts",
           "ClaimSentEdit", "PaymentCreate", "PaymentEdit", "AdjustmentCreate",
           "AdjustmentEdit", "UserQuery", "StartupSingleUserOld",
           "StartupMultiUserOld", "Reports", "ProcComplCreate",
           "SecurityAdmin", "AppointmentCreate", "AppointmentMove",
           "AppointmentEdit", "Backup", "TimecardsEditAll", "DepositSlips",
           "AccountingEdit", "AccountingCreate", "Accounting",
           "AnesthesiaIntakeMeds", "AnesthesiaControlMeds", "InsPayCreate",
           "InsPayEdit", "TreatPlanEdit", "ReportProdInc",
           "TimecardDeleteEntry", "EquipmentDelete", "SheetEdit",
           "CommlogEdit", "ImageDelete", "PerioEdit", "ProcEditShowFee",
           "AdjustmentEditZero", "EhrEmergencyAccess", "ProcDelete",
           "EhrKeyAdd", "ProviderEdit", "EcwAppointmentRevise",
           "ProcedureNoteFull", "ReferralAdd", "InsPlanChangeSubsc",
           "RefAttachAdd", "RefAttachDelete", "CarrierCreate",
           "GraphicalReports", "AutoNoteQuickNoteEdit", "EquipmentSetup",
           "Billing", "ProblemDefEdit", "ProcFeeEdit",
           "InsPlanChangeCarrierName", "TaskNoteEdit", "WikiListSetup", "Copy",
           "Printing", "MedicalInfoViewed", "PatProblemListEdit",
           "PatMedicationListEdit", "PatAllergyListEdit",
           "PatFamilyHealthEdit", "PatientPortal", "RxEdit",
           "AdminDentalStudents", "AdminDentalInstructors",
           "OrthoChartEditFull", "PatientFieldEdit", "AdminDentalEvaluations",
           "TreatPlanDiscountEdit", "UserLogOnOff", "TaskEdit", "EmailSend",
           "WebMailSend", "UserQueryAdmin", "InsPlanChangeAssign", "ImageEdit",
           "EhrMeasureEventEdit", "EServicesSetup", "FeeSchedEdit",
           "ProviderFeeEdit", "PatientMerge", "ClaimHistoryEdit",
           "AppointmentCompleteEdit", "WebMailDelete", "RequiredFields",
           "ReferralMerge", "ProcEdit", "ProviderMerge", "MedicationMerge",
           "AccountProcsQuickAdd", "ClaimSend", "TaskListCreate",
           "PatientCreate", "GraphicalReportSetup", "PatientEdit",
           "InsPlanCreate", "InsPlanEdit", "InsPlanCreateSub",
           "InsPlanEditSub", "InsPlanAddPat", "InsPlanDropPat",
           "InsPlanVerifyList", "SplitCreatePastLockDate",
           "ProcComplEditLimited", "ClaimDelete", "InsWriteOffEdit",
           "ApptConfirmStatusEdit", "GraphicsRemoteEdit", "AuditTrail",
           "TreatPlanPresenterEdit", "ProviderAlphabetize",
           "ClaimProcReceivedEdit", "StatementPatNumMismatch", "MobileWeb",
           "PatPlanCreate", "PatPriProvEdit", "ReferralEdit",
           "PatientBillingEdit", "ReportProdIncAllProviders", "ReportDaily",
           "ReportDailyAllProviders", "PatientApptRestrict", "SheetDelete",
           "UpdateCustomTracking", "GraphicsEdit", "InsPlanOrthoEdit",
           "ClaimProcClaimAttachedProvEdit", "InsPlanMerge",
           "InsCarrierCombine", "PopupEdit", "InsPlanPickListExisting",
           "OrthoChartEditUser", "ProcedureNoteUser", "GroupNoteEditSigned",
           "WikiAdmin", "PayPlanEdit", "ClaimEdit", "CommandQuery",
           "ReplicationSetup", "PreAuthSentEdit", "LogFeeEdit",
           "LogSubscriberEdit", "RecallEdit", "ProcCodeEdit", "AddNewUser",
           "ClaimView", "RepeatChargeTool", "DiscountPlanAddDrop",
           "TreatPlanSign", "ProcExistingEdit", "UnrestrictedSearch",
           "ArchivedPatientEdit", "CommlogPersistent", "VerifyPhoneOwnership",
           "SalesTaxAdjEdit", "InsuranceVerification", "CreditCardMove",
           "AgingRan", "HeadmasterSetup", "DashboardWidget",
           "NewClaimsProcNotBilled", "PatientPortalLogin", "FAQEdit",
           "FeatureRequestEdit", "TaskReminderPopup", "SupplementalBackup",
           "WebSchedRecallManualSend", "PatientSSNView", "PatientDOBView",
           "FamAgingTruncate", "DiscountPlanMerge", "ProcCompleteStatusEdit",
           "ProcCompleteAddAdj", "ProcCompleteEditMisc", "ProcCompleteNote",
           "ProcCompleteEdit", "ProtectedLeaveAdjustmentEdit",
           "TimeAdjustEdit", "QueryMonitor", "CommlogCreate", "WebFormAccess",
           "CloseOtherSessions", "RepeatChargeCreate", "RepeatChargeUpdate",
           "RepeatChargeDelete", "Zoom", "FormAdded", "ImageExport",
           "ImageCreate", "CertificationEmployee", "CertificationSetup",
           "EmployerCreate", "AllowLoginFromAnyLocation",
           "LogDoseSpotMedicationNoteEdit", "PayPlanChargeDateEdit",
           "DiscountPlanAdd", "DiscountPlanEdit",
           "AllowFeeEditWhileReceivingClaim",
           "ManageHighSecurityProgProperties", "CreditCardEdit",
           "MedicationDefEdit", "AllergyDefEdit", "Advertising",
           "TextMessageView", "TextMessageSend", "RxMerge", "DefEdit",
           "UpdateInstall", "AdjustmentTypeDeny", "StatementCSV",
           "CarrierEdit", "ApiSubscription", "SecurityGlobal",
           "EditReadOnlyTasks", "TaskDelete", "SetupWizard", "ShowFeatures",
           "PrinterSetup", "ProviderAdd", "ClinicEdit", "ApiAccountEdit",
           "RegistrationKeyCreate", "RegistrationKeyEdit", "AppointmentDelete",
           "AppointmentCompleteDelete", "AppointmentTypeEdit",
           "TextingAccountEdit", "WebChatEdit", "SupplierEdit",
           "SupplyPurchases", "PreferenceEditBroadcastMonitor",
           "AppointmentResize", "CreditCardTerminal",
           "ViewAppointmentAuditTrail", "PayPlanChargeEdit",
           "ArchivedPatientSelect", "CloudCustomerEdit", "ChanSpy",
           "ClaimProcFeeBilledToInsEdit", "AllergyMerge", "AiChatSession",
           "BadgeIdEdit", "ChildDaycareEdit", "PerioEditCopy");

ENUM_TABLE(enum_logsource, "LogSource", "None", "WebSched", "InsPlanImport834",
           "HL7", "DBM", "FHIR", "PatientPortal", "WebSchedNewPatAppt",
           "AutoConfirmations", "Diagnostic", "MobileWeb",
           "CanadaEobAutoImport", "WebSchedASAP", "OpenDentalService",
           "BroadcastMonitor", "AutoLogOff", "ODMobile", "TextMessaging",
           "CareCredit", "WebSchedExistingPatient", "eRx", "SignupPortal",
           "EmployerImport834", "API", "ClaimReceiveAutomatic",
           "PaymentPortal");

static const struct od_field securitylog_fields[] = {
    RO("SecurityLogNum", OD_W_INT),
    ROENUM("PermType", &enum_permtype),
    RO("UserNum", OD_W_INT),
    RO("LogDateTime", OD_W_DATETIME),
    RO("LogText", OD_W_TEXT),
    RO("PatNum", OD_W_INT),
    RO("CompName", OD_W_TEXT),
    ROENUM("LogSource", &enum_logsource),
};

static const struct od_filter securitylog_filters[] = {
    ENUMF("PermType", &enum_permtype),
    /* apipermissions.html: only this developer's own rows, the ones the API
     * wrote "... by {DevName} through API." (od_securitylog) */
    {.param = "@developer",
     .cond = "t.LogSource = 23 AND RIGHT(t.LogText, CHAR_LENGTH("
             "CONCAT(' by ', COALESCE(NULLIF(?, ''), 'an API "
             "developer'), ' through API.'))) = CONCAT(' by ', "
             "COALESCE(NULLIF(?, ''), 'an API developer'), ' through "
             "API.')", .wire = OD_W_TEXT, .flags = OD_Q_DEVELOPER, .nbind = 2},
};

const struct od_resource od_res_securitylogs = {
    .name = "securitylogs", .table = "securitylog", .pk = "SecurityLogNum",
    OD_LIST(fields, securitylog_fields),
    OD_LIST(filters, securitylog_filters),
    .ops = OD_OP_GET_LIST, .missing = "SecurityLog not found.",
};

/* ---- documents ------------------------------------------------------------- */

ENUM_TABLE(enum_imgtype, "ImgType", "Document", "Radiograph", "Photo", "File",
           "Attachment");

#define DOC_JOINS "LEFT JOIN definition dc ON dc.DefNum = t.DocCategory"

/* GET, PUT and DELETE /documents/{DocNum} */
static const struct od_field document_fields[] = {
    KEY("DocNum"),
    {.name = "Description", .wire = OD_W_TEXT},
    FLD("DateCreated", OD_W_DATETIME, 0),
    /* an image category (definition Category 18) */
    FKEY("DocCategory", 0, FK_DEF(18)),
    DEFNAME("docCategory", "dc"),
    RO("PatNum", OD_W_INT),
    RO("FileName", OD_W_TEXT),
    {.name = "ImgType", .wire = OD_W_ENUM, .enm = &enum_imgtype},
    {.name = "ToothNumbers", .wire = OD_W_TEXT},
    RO("DateTStamp", OD_W_DATETIME),
    FKEY("ProvNum", 0, FK_PROV),
    FLD("PrintHeading", OD_W_BOOL, 0),
};

/* a document always has a category: 0 is not one */
static const struct od_check document_checks[] = {
    ZERO_INVALID(OD_OP_PUT, "DocCategory"),
};

/* GET /documents?PatNum=: another shape (the api*.html pages) */
static const struct od_field document_list_fields[] = {
    KEY("DocNum"),
    /* mounts are not in the schema */
    EXPR("MountNum", "0", OD_W_INT),
    /* the file in the A to Z folder: DocPath/{letter}/{ImageFolder}/{file} */
    DERIVED("filePath", "CONCAT_WS('/', NULLIF((SELECT MIN(ValueString) FROM "
                        "preference WHERE PrefName = 'DocPath'), ''), "
                        "NULLIF(LEFT(COALESCE(pat.ImageFolder, ''), 1), ''), "
                        "NULLIF(pat.ImageFolder, ''), t.FileName)"),
    RO("Description", OD_W_TEXT),
    RO("PatNum", OD_W_INT_STR),
    RO("Note", OD_W_TEXT),
    RO("DateCreated", OD_W_DATETIME),
    DEFNAME("docCategory", "dc"),
    RO("DocCategory", OD_W_INT),
    RO("ToothNumbers", OD_W_TEXT),
    RO("ProvNum", OD_W_INT_STR),
    RO("PrintHeading", OD_W_BOOL),
    RO("DateTStamp", OD_W_DATETIME),
    SERVERTIME,
};

static const struct od_filter document_filters[] = {
    REQ_INTF("PatNum"),
    SINCEF("DateTStamp"),
};

const struct od_resource od_res_documents = {
    .name = "documents", .table = "document", .pk = "DocNum",
    .joins = DOC_JOINS,
    OD_LIST(fields, document_fields),
    /* DELETE removes the file too: features/docdelete.c */
    .ops = OD_OP_GET_ONE | OD_OP_PUT,
    .missing = "Document not found",
    .write_perm = ODAPI_PERM_ALL_OTHERS, .patnum_col = "PatNum",
    SECLOG("Document", 0, PERM_IMAGE_EDIT, PERM_IMAGE_DELETE),
    OD_LIST(checks, document_checks),
};

const struct od_resource od_res_documents_list = {
    .name = "documents", .table = "document", .pk = "DocNum",
    .joins = DOC_JOINS " LEFT JOIN patient pat ON pat.PatNum = t.PatNum",
    OD_LIST(fields, document_list_fields),
    OD_LIST(filters, document_filters),
    .ops = OD_OP_GET_LIST, .missing = "Document not found",
    .server_time = OD_ST_FIRST,
};

/* ---- userods ----------------------------------------------------------------- */

static const struct od_field userod_fields[] = {
    KEY("UserNum"),
    RO("UserName", OD_W_TEXT),
    /* usergroupattach is not in the schema: the user's one UserGroupNum */
    EXPR("userGroupNums", "t.UserGroupNum", OD_W_INTLIST),
    /* employees are not in the schema: any number, no name */
    FLD("EmployeeNum", OD_W_INT, 0),
    DERIVED("employeeName", "''"),
    FKEY("ClinicNum", 0, FK_CLINIC),
    {.name = "ProviderNum", .wire = OD_W_INT, .col = "ProvNum",
     .fk = FK_PROV},
    DERIVED("providerName", "COALESCE(TRIM(CONCAT(pv.FName, ' ', pv.LName)),"
                            " '')"),
    /* the user's email address lives in a table not in the schema */
    DERIVED("emailAddress", "''"),
    FLD("IsHidden", OD_W_BOOL, 0),
    RO("UserNumCEMT", OD_W_INT),
    FLD("IsPasswordResetRequired", OD_W_BOOL, 0),
};

static const struct od_filter userod_filters[] = {
    {.param = "includeHidden", .cond = "? = 1 OR t.IsHidden = 0",
     .wire = OD_W_BOOL, .dflt = "false"},
    {.param = "includeCEMT", .cond = "? = 1 OR t.UserNumCEMT = 0",
     .wire = OD_W_BOOL, .dflt = "false"},
    {.param = "userGroupNums",
     .cond = "FIND_IN_SET(t.UserGroupNum, REPLACE(?, ' ', ''))",
     .wire = OD_W_TEXT},
    INTF("EmployeeNum"),
    {.param = "ProviderNum", .cond = "t.ProvNum = ?", .wire = OD_W_INT},
};

const struct od_resource od_res_userods = {
    .name = "userods", .table = "userod", .pk = "UserNum",
    .joins = "LEFT JOIN provider pv ON pv.ProvNum = t.ProvNum",
    OD_LIST(fields, userod_fields),
    OD_LIST(filters, userod_filters),
    .ops = OD_OP_GET_LIST | OD_OP_PUT,
    .write_perm = ODAPI_PERM_SETUP, .missing = "Userod not found.",
    SECLOG("Userod", 0, PERM_SECURITY_ADMIN, 0),
};
