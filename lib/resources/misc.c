/* misc.c - securitylogs, documents and userods as descriptions (spec
 * 2.4, 5.8 and Appendix A). Field order is the spec's; lower-case names
 * are derived, read-only companions. Choices the spec leaves open are in
 * docs/resources.md. */
#include "engine/describe-internal.h"

enum { PERM_SECURITY_ADMIN = 24, PERM_IMAGE_DELETE = 44,
       PERM_IMAGE_EDIT = 89 };

/* Field shorthands: {name, expr, wire, enum, flags, default, maxlen,
 * defcat, col, check, fk}. */
#define KEY(n) {n, NULL, OD_W_INT, NULL, OD_F_RO | OD_F_KEY, NULL, 0, 0, NULL}
#define FLD(n, w, fl) {n, NULL, w, NULL, fl, NULL, 0, 0, NULL}
#define RO(n, w) {n, NULL, w, NULL, OD_F_RO, NULL, 0, 0, NULL}
#define DERIVED(n, e) {n, e, OD_W_TEXT, NULL, OD_F_RO, NULL, 0, 0, NULL}
#define SERVERTIME {"serverDateTime", NULL, OD_W_SERVERTIME, NULL,           \
                    OD_F_RO | OD_F_GETONLY, NULL, 0, 0, NULL}

/* ---- securitylogs ---------------------------------------------------------- */

/* EnumPermType (opendental-schema.md 4), 0-257 */
static const char *const permtype_names[] = {
    "None", "AppointmentsModule", "FamilyModule", "AccountModule", "TPModule",
    "ChartModule", "ImagingModule", "ManageModule", "Setup", "RxCreate",
    "ProcComplEdit", "ChooseDatabase", "Schedules", "Blockouts",
    "ClaimSentEdit", "PaymentCreate", "PaymentEdit", "AdjustmentCreate",
    "AdjustmentEdit", "UserQuery", "StartupSingleUserOld",
    "StartupMultiUserOld", "Reports", "ProcComplCreate", "SecurityAdmin",
    "AppointmentCreate", "AppointmentMove", "AppointmentEdit", "Backup",
    "TimecardsEditAll", "DepositSlips", "AccountingEdit", "AccountingCreate",
    "Accounting", "AnesthesiaIntakeMeds", "AnesthesiaControlMeds",
    "InsPayCreate", "InsPayEdit", "TreatPlanEdit", "ReportProdInc",
    "TimecardDeleteEntry", "EquipmentDelete", "SheetEdit", "CommlogEdit",
    "ImageDelete", "PerioEdit", "ProcEditShowFee", "AdjustmentEditZero",
    "EhrEmergencyAccess", "ProcDelete", "EhrKeyAdd", "ProviderEdit",
    "EcwAppointmentRevise", "ProcedureNoteFull", "ReferralAdd",
    "InsPlanChangeSubsc", "RefAttachAdd", "RefAttachDelete", "CarrierCreate",
    "GraphicalReports", "AutoNoteQuickNoteEdit", "EquipmentSetup", "Billing",
    "ProblemDefEdit", "ProcFeeEdit", "InsPlanChangeCarrierName",
    "TaskNoteEdit", "WikiListSetup", "Copy", "Printing", "MedicalInfoViewed",
    "PatProblemListEdit", "PatMedicationListEdit", "PatAllergyListEdit",
    "PatFamilyHealthEdit", "PatientPortal", "RxEdit", "AdminDentalStudents",
    "AdminDentalInstructors", "OrthoChartEditFull", "PatientFieldEdit",
    "AdminDentalEvaluations", "TreatPlanDiscountEdit", "UserLogOnOff",
    "TaskEdit", "EmailSend", "WebMailSend", "UserQueryAdmin",
    "InsPlanChangeAssign", "ImageEdit", "EhrMeasureEventEdit",
    "EServicesSetup", "FeeSchedEdit", "ProviderFeeEdit", "PatientMerge",
    "ClaimHistoryEdit", "AppointmentCompleteEdit", "WebMailDelete",
    "RequiredFields", "ReferralMerge", "ProcEdit", "ProviderMerge",
    "MedicationMerge", "AccountProcsQuickAdd", "ClaimSend", "TaskListCreate",
    "PatientCreate", "GraphicalReportSetup", "PatientEdit", "InsPlanCreate",
    "InsPlanEdit", "InsPlanCreateSub", "InsPlanEditSub", "InsPlanAddPat",
    "InsPlanDropPat", "InsPlanVerifyList", "SplitCreatePastLockDate",
    "ProcComplEditLimited", "ClaimDelete", "InsWriteOffEdit",
    "ApptConfirmStatusEdit", "GraphicsRemoteEdit", "AuditTrail",
    "TreatPlanPresenterEdit", "ProviderAlphabetize", "ClaimProcReceivedEdit",
    "StatementPatNumMismatch", "MobileWeb", "PatPlanCreate", "PatPriProvEdit",
    "ReferralEdit", "PatientBillingEdit", "ReportProdIncAllProviders",
    "ReportDaily", "ReportDailyAllProviders", "PatientApptRestrict",
    "SheetDelete", "UpdateCustomTracking", "GraphicsEdit", "InsPlanOrthoEdit",
    "ClaimProcClaimAttachedProvEdit", "InsPlanMerge", "InsCarrierCombine",
    "PopupEdit", "InsPlanPickListExisting", "OrthoChartEditUser",
    "ProcedureNoteUser", "GroupNoteEditSigned", "WikiAdmin", "PayPlanEdit",
    "ClaimEdit", "CommandQuery", "ReplicationSetup", "PreAuthSentEdit",
    "LogFeeEdit", "LogSubscriberEdit", "RecallEdit", "ProcCodeEdit",
    "AddNewUser", "ClaimView", "RepeatChargeTool", "DiscountPlanAddDrop",
    "TreatPlanSign", "ProcExistingEdit", "UnrestrictedSearch",
    "ArchivedPatientEdit", "CommlogPersistent", "VerifyPhoneOwnership",
    "SalesTaxAdjEdit", "InsuranceVerification", "CreditCardMove", "AgingRan",
    "HeadmasterSetup", "DashboardWidget", "NewClaimsProcNotBilled",
    "PatientPortalLogin", "FAQEdit", "FeatureRequestEdit",
    "TaskReminderPopup", "SupplementalBackup", "WebSchedRecallManualSend",
    "PatientSSNView", "PatientDOBView", "FamAgingTruncate",
    "DiscountPlanMerge", "ProcCompleteStatusEdit", "ProcCompleteAddAdj",
    "ProcCompleteEditMisc", "ProcCompleteNote", "ProcCompleteEdit",
    "ProtectedLeaveAdjustmentEdit", "TimeAdjustEdit", "QueryMonitor",
    "CommlogCreate", "WebFormAccess", "CloseOtherSessions",
    "RepeatChargeCreate", "RepeatChargeUpdate", "RepeatChargeDelete", "Zoom",
    "FormAdded", "ImageExport", "ImageCreate", "CertificationEmployee",
    "CertificationSetup", "EmployerCreate", "AllowLoginFromAnyLocation",
    "LogDoseSpotMedicationNoteEdit", "PayPlanChargeDateEdit",
    "DiscountPlanAdd", "DiscountPlanEdit", "AllowFeeEditWhileReceivingClaim",
    "ManageHighSecurityProgProperties", "CreditCardEdit", "MedicationDefEdit",
    "AllergyDefEdit", "Advertising", "TextMessageView", "TextMessageSend",
    "RxMerge", "DefEdit", "UpdateInstall", "AdjustmentTypeDeny",
    "StatementCSV", "CarrierEdit", "ApiSubscription", "SecurityGlobal",
    "EditReadOnlyTasks", "TaskDelete", "SetupWizard", "ShowFeatures",
    "PrinterSetup", "ProviderAdd", "ClinicEdit", "ApiAccountEdit",
    "RegistrationKeyCreate", "RegistrationKeyEdit", "AppointmentDelete",
    "AppointmentCompleteDelete", "AppointmentTypeEdit", "TextingAccountEdit",
    "WebChatEdit", "SupplierEdit", "SupplyPurchases",
    "PreferenceEditBroadcastMonitor", "AppointmentResize",
    "CreditCardTerminal", "ViewAppointmentAuditTrail", "PayPlanChargeEdit",
    "ArchivedPatientSelect", "CloudCustomerEdit", "ChanSpy",
    "ClaimProcFeeBilledToInsEdit", "AllergyMerge", "AiChatSession",
    "BadgeIdEdit", "ChildDaycareEdit", "PerioEditCopy",
};
static const struct od_enum enum_permtype = {"PermType", 0,
                                             OD_N(permtype_names),
                                             permtype_names};

static const char *const logsource_names[] = {
    "None", "WebSched", "InsPlanImport834", "HL7", "DBM", "FHIR",
    "PatientPortal", "WebSchedNewPatAppt", "AutoConfirmations", "Diagnostic",
    "MobileWeb", "CanadaEobAutoImport", "WebSchedASAP", "OpenDentalService",
    "BroadcastMonitor", "AutoLogOff", "ODMobile", "TextMessaging",
    "CareCredit", "WebSchedExistingPatient", "eRx", "SignupPortal",
    "EmployerImport834", "API", "ClaimReceiveAutomatic", "PaymentPortal"};
static const struct od_enum enum_logsource = {"LogSource", 0,
                                              OD_N(logsource_names),
                                              logsource_names};

static const struct od_field securitylog_fields[] = {
    RO("SecurityLogNum", OD_W_INT),
    {"PermType", NULL, OD_W_ENUM, &enum_permtype, OD_F_RO, NULL, 0, 0, NULL},
    RO("UserNum", OD_W_INT),
    RO("LogDateTime", OD_W_DATETIME),
    RO("LogText", OD_W_TEXT),
    RO("PatNum", OD_W_INT),
    RO("CompName", OD_W_TEXT),
    {"LogSource", NULL, OD_W_ENUM, &enum_logsource, OD_F_RO, NULL, 0, 0,
     NULL},
};

static const struct od_filter securitylog_filters[] = {
    {"PermType", "t.PermType = ?", OD_W_ENUM, &enum_permtype, 0, 0, NULL},
    /* spec 2.4: only this developer's own rows, the ones the API wrote
     * "... by {DevName} through API." (od_securitylog) */
    {"@developer", "t.LogSource = 23 AND RIGHT(t.LogText, CHAR_LENGTH("
                   "CONCAT(' by ', COALESCE(NULLIF(?, ''), 'an API "
                   "developer'), ' through API.'))) = CONCAT(' by ', "
                   "COALESCE(NULLIF(?, ''), 'an API developer'), ' through "
                   "API.')",
     OD_W_TEXT, NULL, OD_Q_DEVELOPER, 2, NULL},
};

const struct od_resource od_res_securitylogs = {
    .name = "securitylogs", .table = "securitylog", .pk = "SecurityLogNum",
    .fields = securitylog_fields, .nfields = OD_N(securitylog_fields),
    .filters = securitylog_filters, .nfilters = OD_N(securitylog_filters),
    .ops = OD_OP_GET_LIST, .missing = "SecurityLog not found.",
};

/* ---- documents ------------------------------------------------------------- */

static const char *const imgtype_names[] = {"Document", "Radiograph", "Photo",
                                            "File", "Attachment"};
static const struct od_enum enum_imgtype = {"ImgType", 0, OD_N(imgtype_names),
                                            imgtype_names};

#define DOC_JOINS "LEFT JOIN definition dc ON dc.DefNum = t.DocCategory"

/* GET, PUT and DELETE /documents/{DocNum} */
static const struct od_field document_fields[] = {
    KEY("DocNum"),
    {"Description", NULL, OD_W_TEXT, NULL, 0, NULL, 0, 0, NULL},
    FLD("DateCreated", OD_W_DATETIME, 0),
    /* an image category (definition Category 18) */
    {"DocCategory", NULL, OD_W_INT, NULL, 0, NULL, 0, 0, NULL, NULL,
     "SELECT 1 FROM definition WHERE DefNum = ? AND Category = 18"},
    DERIVED("docCategory", "COALESCE(dc.ItemName, '')"),
    RO("PatNum", OD_W_INT),
    RO("FileName", OD_W_TEXT),
    {"ImgType", NULL, OD_W_ENUM, &enum_imgtype, 0, NULL, 0, 0, NULL},
    {"ToothNumbers", NULL, OD_W_TEXT, NULL, 0, NULL, 0, 0, NULL},
    RO("DateTStamp", OD_W_DATETIME),
    {"ProvNum", NULL, OD_W_INT, NULL, 0, NULL, 0, 0, NULL, NULL,
     "SELECT 1 FROM provider WHERE ProvNum = ?"},
    FLD("PrintHeading", OD_W_BOOL, 0),
};

/* a document always has a category: 0 is not one */
static const struct od_check document_checks[] = {
    {OD_OP_PUT, "SELECT 1 FROM DUAL WHERE ? = 0", "DocCategory", 400,
     "DocCategory is invalid."},
};

/* GET /documents?PatNum=: another shape (spec Appendix A) */
static const struct od_field document_list_fields[] = {
    KEY("DocNum"),
    /* mounts are not in the schema */
    {"MountNum", "0", OD_W_INT, NULL, OD_F_RO, NULL, 0, 0, NULL},
    /* the file in the A to Z folder: DocPath/{letter}/{ImageFolder}/{file} */
    DERIVED("filePath", "CONCAT_WS('/', NULLIF((SELECT MIN(ValueString) FROM "
                        "preference WHERE PrefName = 'DocPath'), ''), "
                        "NULLIF(LEFT(COALESCE(pat.ImageFolder, ''), 1), ''), "
                        "NULLIF(pat.ImageFolder, ''), t.FileName)"),
    RO("Description", OD_W_TEXT),
    RO("PatNum", OD_W_INT_STR),
    RO("Note", OD_W_TEXT),
    RO("DateCreated", OD_W_DATETIME),
    DERIVED("docCategory", "COALESCE(dc.ItemName, '')"),
    RO("DocCategory", OD_W_INT),
    RO("ToothNumbers", OD_W_TEXT),
    RO("ProvNum", OD_W_INT_STR),
    RO("PrintHeading", OD_W_BOOL),
    RO("DateTStamp", OD_W_DATETIME),
    SERVERTIME,
};

static const struct od_filter document_filters[] = {
    {"PatNum", "t.PatNum = ?", OD_W_INT, NULL, OD_Q_REQ, 0, NULL},
    {"DateTStamp", "t.DateTStamp >= ?", OD_W_DATETIME, NULL, 0, 0, NULL},
};

const struct od_resource od_res_documents = {
    .name = "documents", .table = "document", .pk = "DocNum",
    .joins = DOC_JOINS,
    .fields = document_fields, .nfields = OD_N(document_fields),
    /* DELETE removes the file too: features/docdelete.c */
    .ops = OD_OP_GET_ONE | OD_OP_PUT,
    .missing = "Document not found",
    .write_perm = ODAPI_PERM_ALL_OTHERS,
    .perm_edit = PERM_IMAGE_EDIT, .perm_delete = PERM_IMAGE_DELETE,
    .log_noun = "Document", .patnum_col = "PatNum",
    .checks = document_checks, .nchecks = OD_N(document_checks),
};

const struct od_resource od_res_documents_list = {
    .name = "documents", .table = "document", .pk = "DocNum",
    .joins = DOC_JOINS " LEFT JOIN patient pat ON pat.PatNum = t.PatNum",
    .fields = document_list_fields, .nfields = OD_N(document_list_fields),
    .filters = document_filters, .nfilters = OD_N(document_filters),
    .ops = OD_OP_GET_LIST, .missing = "Document not found",
    .server_time = OD_ST_FIRST,
};

/* ---- userods ----------------------------------------------------------------- */

static const struct od_field userod_fields[] = {
    KEY("UserNum"),
    RO("UserName", OD_W_TEXT),
    /* usergroupattach is not in the schema: the user's one UserGroupNum */
    {"userGroupNums", "t.UserGroupNum", OD_W_INTLIST, NULL, OD_F_RO, NULL, 0,
     0, NULL},
    /* employees are not in the schema: any number, no name */
    FLD("EmployeeNum", OD_W_INT, 0),
    DERIVED("employeeName", "''"),
    {"ClinicNum", NULL, OD_W_INT, NULL, 0, NULL, 0, 0, NULL, NULL,
     "SELECT 1 FROM clinic WHERE ClinicNum = ?"},
    {"ProviderNum", NULL, OD_W_INT, NULL, 0, NULL, 0, 0, "ProvNum", NULL,
     "SELECT 1 FROM provider WHERE ProvNum = ?"},
    DERIVED("providerName", "COALESCE(TRIM(CONCAT(pv.FName, ' ', pv.LName)),"
                            " '')"),
    /* the user's email address lives in a table not in the schema */
    DERIVED("emailAddress", "''"),
    FLD("IsHidden", OD_W_BOOL, 0),
    RO("UserNumCEMT", OD_W_INT),
    FLD("IsPasswordResetRequired", OD_W_BOOL, 0),
};

static const struct od_filter userod_filters[] = {
    {"includeHidden", "? = 1 OR t.IsHidden = 0", OD_W_BOOL, NULL, 0, 0,
     "false"},
    {"includeCEMT", "? = 1 OR t.UserNumCEMT = 0", OD_W_BOOL, NULL, 0, 0,
     "false"},
    {"userGroupNums", "FIND_IN_SET(t.UserGroupNum, REPLACE(?, ' ', ''))",
     OD_W_TEXT, NULL, 0, 0, NULL},
    {"EmployeeNum", "t.EmployeeNum = ?", OD_W_INT, NULL, 0, 0, NULL},
    {"ProviderNum", "t.ProvNum = ?", OD_W_INT, NULL, 0, 0, NULL},
};

const struct od_resource od_res_userods = {
    .name = "userods", .table = "userod", .pk = "UserNum",
    .joins = "LEFT JOIN provider pv ON pv.ProvNum = t.ProvNum",
    .fields = userod_fields, .nfields = OD_N(userod_fields),
    .filters = userod_filters, .nfilters = OD_N(userod_filters),
    .ops = OD_OP_GET_LIST | OD_OP_PUT,
    .write_perm = ODAPI_PERM_SETUP, .missing = "Userod not found.",
    .perm_edit = PERM_SECURITY_ADMIN, .log_noun = "Userod",
};
