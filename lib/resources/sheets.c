/* sheets.c - sheets, sheet fields, sheet definitions, ASAP texts and the EHR
 * patient row as descriptions (the api*.html pages "sheetdefs", "sheetfields",
 * "sheets", "asapcomms", "ehrpatients") over Open Dental's tables of the same
 * names (all appended to data/od-schema.sql, batch res-i). Field order is Open
 * Dental's. Choices Open Dental's docs leave open are in docs/resources.md
 * ("Sheets, ASAP texts and EHR patient data"). */
#include "resources/shorthand-internal.h"

/* EnumPermType values used in securitylog (GroupPermission.cs). */
enum { PERM_SHEET_EDIT = 42, PERM_PATIENT_EDIT = 108 };

/* SheetTypeEnum (SheetDef.cs / Enumerations.cs). */
ENUM_TABLE(enum_sheettype, "SheetType", "LabelPatient", "LabelCarrier",
           "LabelReferral", "ReferralSlip", "LabelAppointment", "Rx",
           "Consent", "PatientLetter", "ReferralLetter", "PatientForm",
           "RoutingSlip", "MedicalHistory", "LabSlip", "ExamSheet",
           "DepositSlip", "Statement", "MedLabResults", "TreatmentPlan",
           "Screening", "PaymentPlan", "RxMulti", "ERA", "ERAGridHeader",
           "RxInstruction", "ChartModule", "PatientDashboard",
           "PatientDashboardWidget");
/* SheetFieldType (SheetField.cs). */
ENUM_TABLE(enum_sheetfieldtype, "FieldType", "OutputText", "InputField",
           "StaticText", "Parameter", "Image", "Drawing", "Line", "Rectangle",
           "CheckBox", "SigBox", "PatImage", "Special", "Grid", "ComboBox",
           "ScreenChart", "MobileHeader", "SigBoxPractice");
/* AsapCommFKeyType, AutoCommStatus, AsapRSVPStatus (AsapComm.cs). */
ENUM_TABLE(enum_asapfkeytype, "FKeyType", "None", "ScheduledAppt",
           "UnscheduledAppt", "PlannedAppt", "Recall", "Broken");
ENUM_TABLE(enum_autocommstatus, "SmsSendStatus", "Undefined", "DoNotSend",
           "SendNotAttempted", "SendSuccessful", "SendFailed",
           "SentAwaitingReceipt");
ENUM_TABLE(enum_asaprsvp, "ResponseStatus", "UnableToSend", "AwaitingTransmit",
           "PendingRsvp", "Viewed", "ViewedNotAvailable", "AcceptedAndMoved",
           "AcceptedAndNotAvailable", "Declined", "ChoseDifferentSlot",
           "Expired", "Failed", "DeclinedStopComm");

/* ---- sheetdefs (read only) ------------------------------------------------ */

static const struct od_field sheetdef_fields[] = {
    KEY("SheetDefNum"),
    RO("Description", OD_W_TEXT),
    ROENUM("SheetType", &enum_sheettype),
};

static const struct od_filter sheetdef_filters[] = {
    ENUMF("SheetType", &enum_sheettype),
};

const struct od_resource od_res_sheetdefs = {
    .name = "sheetdefs", .table = "sheetdef", .pk = "SheetDefNum",
    OD_LIST(fields, sheetdef_fields),
    OD_LIST(filters, sheetdef_filters),
    .ops = OD_OPS_GET,
    .missing = "SheetDef not found.",
};

/* ---- sheetfields ---------------------------------------------------------- */

static const struct od_field sheetfield_fields[] = {
    KEY("SheetFieldNum"),
    RO("SheetNum", OD_W_INT),
    ROENUM("FieldType", &enum_sheetfieldtype),
    RO("FieldName", OD_W_TEXT),
    FLD("FieldValue", OD_W_TEXT, 0),
    RO("IsRequired", OD_W_BOOL),
    RO("ReportableName", OD_W_TEXT),
    RO("DateTimeSig", OD_W_DATETIME),
};

static const struct od_filter sheetfield_filters[] = {
    INTF("SheetNum"),
};

static const struct od_check sheetfield_checks[] = {
    /* a sheet marked deleted in Open Dental is not edited */
    ROW_RULE(OD_OP_PUT,
             "SELECT 1 FROM sheetfield f "
             "JOIN sheet s ON s.SheetNum = f.SheetNum "
             "WHERE f.SheetFieldNum = ? AND s.IsDeleted = 1",
             "The sheet is deleted."),
};

const struct od_resource od_res_sheetfields = {
    .name = "sheetfields", .table = "sheetfield", .pk = "SheetFieldNum",
    OD_LIST(fields, sheetfield_fields),
    OD_LIST(filters, sheetfield_filters),
    .ops = OD_OPS_GET | OD_OP_PUT,
    .write_perm = ODAPI_PERM_ALL_OTHERS, .missing = "SheetField not found.",
    SECLOG("SheetField", 0, PERM_SHEET_EDIT, 0),
    OD_LIST(checks, sheetfield_checks),
};

/* ---- sheets --------------------------------------------------------------- */

static const struct od_field sheet_fields[] = {
    KEY("SheetNum"),
    ROENUM("SheetType", &enum_sheettype),
    FLD("PatNum", OD_W_INT, OD_F_REQ),
    NOW_ON_INSERT("DateTimeSheet", OD_W_DATETIME),
    FLD("InternalNote", OD_W_TEXT, 0),
    RO("Description", OD_W_TEXT),
    RO("IsWebForm", OD_W_BOOL),
    FLD("SheetDefNum", OD_W_INT, OD_F_REQ),
    RO("DocNum", OD_W_INT),
    RO("ClinicNum", OD_W_INT),
    NOW_ON_INSERT("DateTSheetEdited", OD_W_DATETIME),
};

static const struct od_filter sheet_filters[] = {
    REQ_INTF("PatNum"),
};

/* Copied from the definition (Sheets.CreateSheet); the patient's clinic. */
static const struct od_sqldefault sheet_sqldefaults[] = {
    {.field = "SheetType",
     .sql = "SELECT SheetType FROM sheetdef WHERE SheetDefNum = ?",
     .param = "SheetDefNum"},
    {.field = "Description",
     .sql = "SELECT Description FROM sheetdef WHERE SheetDefNum = ?",
     .param = "SheetDefNum"},
    PATIENT_CLINIC_DEFAULT,
};

static const struct od_check sheet_checks[] = {
    POST_FOUND("sheetdef", "SheetDefNum", "SheetDef"),
    /* Consent, PatientLetter, PatientForm, MedicalHistory, ExamSheet */
    RULE(OD_OP_POST,
         "SELECT 1 FROM sheetdef WHERE SheetDefNum = ? "
         "AND SheetType NOT IN (6, 7, 9, 11, 13)", "SheetDefNum",
         "Only SheetDefs of SheetType Consent, PatientLetter, PatientForm, "
         "MedicalHistory, and ExamSheet are supported."),
};

const struct od_resource od_res_sheets = {
    .name = "sheets", .table = "sheet", .pk = "SheetNum",
    OD_LIST(fields, sheet_fields),
    OD_LIST(filters, sheet_filters),
    .ops = OD_OP_GET_LIST | OD_OP_POST,
    .write_perm = ODAPI_PERM_ALL_OTHERS, .missing = "Sheet not found.",
    SECLOG("Sheet", PERM_SHEET_EDIT, 0, 0),
    .patnum_col = "PatNum",
    /* sheets Open Dental marked deleted are not shown */
    .base_where = "t.IsDeleted = 0",
    OD_LIST(sqldefaults, sheet_sqldefaults),
    OD_LIST(checks, sheet_checks),
    /* the sheet's fields: one per field of the definition (static text
     * copied as defined, input fields blank) */
    .after_insert =
        "INSERT INTO sheetfield (SheetNum, FieldType, FieldName, FieldValue, "
        "FontSize, FontName, FontIsBold, XPos, YPos, Width, Height, "
        "GrowthBehavior, RadioButtonValue, RadioButtonGroup, IsRequired, "
        "TabOrder, ReportableName, TextAlign, IsLocked, ItemColor, "
        "DateTimeSig, TabOrderMobile, UiLabelMobile, "
        "UiLabelMobileRadioButton, SheetFieldDefNum) "
        "SELECT s.SheetNum, d.FieldType, d.FieldName, d.FieldValue, "
        "d.FontSize, d.FontName, d.FontIsBold, d.XPos, d.YPos, d.Width, "
        "d.Height, d.GrowthBehavior, d.RadioButtonValue, d.RadioButtonGroup, "
        "d.IsRequired, d.TabOrder, d.ReportableName, d.TextAlign, d.IsLocked, "
        "d.ItemColor, '0001-01-01 00:00:00', d.TabOrderMobile, "
        "d.UiLabelMobile, d.UiLabelMobileRadioButton, d.SheetFieldDefNum "
        "FROM sheet s JOIN sheetfielddef d ON d.SheetDefNum = s.SheetDefNum "
        "WHERE s.SheetNum = ? AND d.Language = '' "
        "ORDER BY d.SheetFieldDefNum",
};

/* ---- asapcomms (read only) ------------------------------------------------ */

static const struct od_field asapcomm_fields[] = {
    KEY("AsapCommNum"),
    RO("FKey", OD_W_INT),
    ROENUM("FKeyType", &enum_asapfkeytype),
    RO("ScheduleNum", OD_W_INT),
    RO("PatNum", OD_W_INT),
    RO("ClinicNum", OD_W_INT),
    RO("DateTimeEntry", OD_W_DATETIME),
    RO("DateTimeExpire", OD_W_DATETIME),
    RO("DateTimeSmsScheduled", OD_W_DATETIME),
    ROENUM("SmsSendStatus", &enum_autocommstatus),
    RO("DateTimeSmsSent", OD_W_DATETIME),
    ROENUM("ResponseStatus", &enum_asaprsvp),
    RO("DateTimeOrig", OD_W_DATETIME),
    RO("TemplateText", OD_W_TEXT),
    RO("Note", OD_W_TEXT),
};

static const struct od_filter asapcomm_filters[] = {
    INTF("ClinicNum"),
    {.param = "date", .cond = "DATE(t.DateTimeEntry) = ?", .wire = OD_W_DATE},
    /* no date and no dateStart: the last 7 days */
    {.param = "dateStart",
     .cond = "t.DateTimeEntry >= COALESCE(NULLIF(?, '0001-01-01'), "
             "CURDATE() - INTERVAL 7 DAY)", .wire = OD_W_DATE,
     .dflt = "0001-01-01", .dflt_unless = "date"},
    /* the whole day named is included */
    {.param = "dateEnd", .cond = "t.DateTimeEntry < ? + INTERVAL 1 DAY",
     .wire = OD_W_DATE},
};

const struct od_resource od_res_asapcomms = {
    .name = "asapcomms", .table = "asapcomm", .pk = "AsapCommNum",
    OD_LIST(fields, asapcomm_fields),
    OD_LIST(filters, asapcomm_filters),
    .ops = OD_OPS_GET,
    .missing = "AsapComm not found.",
};

/* ---- ehrpatients ---------------------------------------------------------- */

/* GET reads every patient, with blanks where the patient has no ehrpatient
 * row yet (Open Dental makes the row the first time it is needed). */
#define EP_TEXT(n) JOINED_TEXT("e", n)

static const struct od_field ehrpatient_get_fields[] = {
    KEY("PatNum"),
    EP_TEXT("MotherMaidenFname"),
    EP_TEXT("MotherMaidenLname"),
    {.name = "VacShareOk", .expr = "COALESCE(e.VacShareOk, 0)",
     .wire = OD_W_ENUM, .enm = &od_enum_yn, .flags = OD_F_RO},
    EP_TEXT("MedicaidState"),
    EP_TEXT("SexualOrientation"),
    EP_TEXT("GenderIdentity"),
    EP_TEXT("SexualOrientationNote"),
    EP_TEXT("GenderIdentityNote"),
    EXPR("DischargeDate", "COALESCE(e.DischargeDate, CAST('0001-01-01' AS "
                          "DATETIME))", OD_W_DATE),
};

const struct od_resource od_res_ehrpatients = {
    .name = "ehrpatients", .table = "patient", .pk = "PatNum",
    .joins = "LEFT JOIN ehrpatient e ON e.PatNum = t.PatNum",
    OD_LIST(fields, ehrpatient_get_fields),
    .ops = OD_OP_GET_ONE,
    .missing = "Patient not found.",
};

/* PUT writes the ehrpatient row, made first (blank) when the patient has
 * none yet; no patient: 404. */
static const struct od_field ehrpatient_put_fields[] = {
    KEY("PatNum"),
    RO("MotherMaidenFname", OD_W_TEXT),
    RO("MotherMaidenLname", OD_W_TEXT),
    ROENUM("VacShareOk", &od_enum_yn),
    {.name = "MedicaidState", .wire = OD_W_TEXT, .check = od_check_state},
    RO("SexualOrientation", OD_W_TEXT),
    RO("GenderIdentity", OD_W_TEXT),
    RO("SexualOrientationNote", OD_W_TEXT),
    RO("GenderIdentityNote", OD_W_TEXT),
    FLD("DischargeDate", OD_W_DATE, 0),
};

static const struct od_check ehrpatient_checks[] = {
    /* apipatients.html: deleted patients are not modified through the API */
    ROW_IF(OD_OP_PUT, "patient", "PatNum", "PatStatus = 4",
           "Patient is deleted."),
};

const struct od_resource od_res_ehrpatients_put = {
    .name = "ehrpatients", .table = "ehrpatient", .pk = "PatNum",
    OD_LIST(fields, ehrpatient_put_fields),
    .ops = OD_OP_PUT,
    .write_perm = ODAPI_PERM_ALL_OTHERS, .missing = "Patient not found.",
    SECLOG("EhrPatient", 0, PERM_PATIENT_EDIT, 0),
    .patnum_col = "PatNum",
    .before_put = "INSERT IGNORE INTO ehrpatient (PatNum) SELECT PatNum "
                  "FROM patient WHERE PatNum = ?",
    OD_LIST(checks, ehrpatient_checks),
};
