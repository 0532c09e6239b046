/* notes.c - field definitions and notes as descriptions (the api*.html pages
 * "apptfielddefs", "patfielddefs", "patientnotes", "popups", "procnotes",
 * "rxpats") over Open Dental's tables of the same names (apptfielddef and
 * patfielddef are the FK targets of apptfield/patfield.FieldName in
 * resources/medical.c; patientnote, popup, procnote and rxpat are appended to
 * data/od-schema.sql). Field order is Open Dental's. Writes need ApiPermission
 * AllOthers (apipermissions.html). Choices Open Dental's docs leave open are
 * in docs/resources.md ("Field definitions and notes"). */
#include "resources/shorthand-internal.h"

/* EnumPermType values used in securitylog (GroupPermission.cs). */
enum {
    PERM_SETUP = 8, PERM_PROCEDURE_NOTE_FULL = 53, PERM_PATIENT_EDIT = 108,
    PERM_POPUP_EDIT = 143
};

/* ApptFieldType (ApptFieldDef.cs). */
ENUM_TABLE(enum_apptfieldtype, "FieldType", "Text", "PickList");
/* PatFieldType (PatFieldDef.cs); 5 InCaseOfEmergency is deprecated and
 * not accepted. */
ENUM_TABLE(enum_patfieldtype, "FieldType", "Text", "PickList", "Date",
           "Checkbox", "Currency", NULL, "CareCreditStatus",
           "CareCreditPreApprovalAmt", "CareCreditAvailableCredit");
/* EnumPopupLevel (Popup.cs); 3 Automation is never stored. */
ENUM_TABLE(enum_popuplevel, "PopupLevel", "Patient", "Family", "SuperFamily");
/* RxSendStatus (RxPat.cs). */
ENUM_TABLE(enum_rxsendstatus, "SendStatus", "Unsent", "InElectQueue",
           "SentElect", "Printed", "Faxed", "CalledIn", "GaveScript",
           "Pending");

/* ---- apptfielddefs -------------------------------------------------------- */

static const struct od_field apptfielddef_fields[] = {
    KEY("ApptFieldDefNum"),
    TXT("FieldName", OD_F_REQ | OD_F_NOCLEAR, 0),
    ENM("FieldType", &enum_apptfieldtype, 0, "Text"),
    TXT("PickList", 0, 0),
};

/* A field def's PickList goes with FieldType PickList (1), and only with
 * it (apptfielddefs, patfielddefs). */
#define PICKLIST_REQUIRED "PickList is required when FieldType is PickList."
#define PICKLIST_ONLY "PickList is only allowed when FieldType is PickList."
#define PICKLIST_REQUIRED_POST                                               \
    VALUE_RULE(OD_OP_POST, "? = 1 AND COALESCE(?, '') = ''",                 \
               "FieldType,?PickList", PICKLIST_REQUIRED)

static const struct od_check apptfielddef_checks[] = {
    POST_UNIQUE("apptfielddef", "FieldName", "FieldName already exists."),
    PICKLIST_REQUIRED_POST,
    VALUE_RULE(OD_OP_POST, "COALESCE(?, 0) <> 1 AND ? <> ''",
               "?FieldType,PickList", PICKLIST_ONLY),
};

const struct od_resource od_res_apptfielddefs = {
    .name = "apptfielddefs", .table = "apptfielddef",
    .pk = "ApptFieldDefNum",
    OD_LIST(fields, apptfielddef_fields),
    .ops = OD_OP_GET_LIST | OD_OP_POST,
    .write_perm = ODAPI_PERM_ALL_OTHERS, .missing = "ApptFieldDef not found.",
    SECLOG("ApptFieldDef", PERM_SETUP, 0, 0),
    /* a new definition goes last in the list Open Dental shows */
    .after_insert = "UPDATE apptfielddef a JOIN (SELECT COALESCE(MAX("
                    "ItemOrder), -1) + 1 n FROM apptfielddef) m SET "
                    "a.ItemOrder = m.n WHERE a.ApptFieldDefNum = ?",
    OD_LIST(checks, apptfielddef_checks),
};

/* ---- patfielddefs --------------------------------------------------------- */

static const struct od_field patfielddef_fields[] = {
    KEY("PatFieldDefNum"),
    TXT("FieldName", OD_F_REQ | OD_F_NOCLEAR, 0),
    ENM("FieldType", &enum_patfieldtype, OD_F_REQ, NULL),
    TXT("PickList", 0, 0),
    {.name = "IsHidden", .wire = OD_W_BOOL, .dflt = "false"},
};

static const struct od_check patfielddef_checks[] = {
    POST_UNIQUE("patfielddef", "FieldName", "FieldName already exists."),
    RULE(OD_OP_PUT,
         "SELECT 1 FROM patfielddef WHERE FieldName = ? "
         "AND PatFieldDefNum <> ?", "FieldName,@key",
         "FieldName already exists."),
    PICKLIST_REQUIRED_POST,
    VALUE_RULE(OD_OP_POST, "? <> 1 AND ? <> ''", "FieldType,PickList",
               PICKLIST_ONLY),
    /* PUT: the type after the update decides */
    RULE(OD_OP_PUT,
         "SELECT 1 FROM patfielddef WHERE PatFieldDefNum = ? AND ? = 1 "
         "AND COALESCE(?, PickList) = ''", "@key,FieldType,?PickList",
         PICKLIST_REQUIRED),
    RULE(OD_OP_PUT,
         "SELECT 1 FROM patfielddef WHERE PatFieldDefNum = ? "
         "AND COALESCE(?, FieldType) <> 1 AND ? <> ''",
         "@key,?FieldType,PickList", PICKLIST_ONLY),
    /* Open Dental's PatFieldDefs.Delete refuses a field in use */
    ROW_RULE(OD_OP_DELETE,
             "SELECT 1 FROM patfield f JOIN patfielddef d "
             "ON d.FieldName = f.FieldName WHERE d.PatFieldDefNum = ? LIMIT 1",
             "Not allowed to delete. Already in use by one or more patients."),
};

const struct od_resource od_res_patfielddefs = {
    .name = "patfielddefs", .table = "patfielddef", .pk = "PatFieldDefNum",
    OD_LIST(fields, patfielddef_fields),
    .ops = OD_OPS_LIST_CRUD,
    .write_perm = ODAPI_PERM_ALL_OTHERS, .missing = "PatFieldDef not found.",
    SECLOG_ALL("PatFieldDef", PERM_SETUP),
    .after_insert = "UPDATE patfielddef a JOIN (SELECT COALESCE(MAX("
                    "ItemOrder), -1) + 1 n FROM patfielddef) m SET "
                    "a.ItemOrder = m.n WHERE a.PatFieldDefNum = ?",
    OD_LIST(checks, patfielddef_checks),
};

/* ---- patientnotes --------------------------------------------------------- */

/* GET reads every patient, with blanks where the patient has no patientnote
 * row yet (Open Dental makes the row the first time it is needed);
 * FamFinancial is the family's, kept on the guarantor's row. */
#define PN_TEXT(n) JOINED_TEXT("n", n)
#define PN_DT(n)                                                             \
    EXPR(n, "COALESCE(n." n ", CAST('0001-01-01 00:00:00' AS DATETIME))",    \
         OD_W_DATETIME)

static const struct od_field patientnote_get_fields[] = {
    KEY("PatNum"),
    JOINED_TEXT("g", "FamFinancial"),
    PN_TEXT("Medical"),
    PN_TEXT("Service"),
    PN_TEXT("MedicalComp"),
    PN_TEXT("Treatment"),
    PN_TEXT("ICEName"),
    PN_TEXT("ICEPhone"),
    PN_DT("SecDateTEntry"),
    PN_DT("SecDateTEdit"),
};

const struct od_resource od_res_patientnotes = {
    .name = "patientnotes", .table = "patient", .pk = "PatNum",
    .joins = "LEFT JOIN patientnote n ON n.PatNum = t.PatNum "
             "LEFT JOIN patientnote g ON g.PatNum = t.Guarantor",
    OD_LIST(fields, patientnote_get_fields),
    .ops = OD_OPS_GET,
    .missing = "Patient not found.",
};

/* PUT writes the patientnote row, made first (blank) when the patient has
 * none yet; no patient: 404. */
static const struct od_field patientnote_put_fields[] = {
    KEY("PatNum"),
    {.name = "FamFinancial",
     .expr = "COALESCE((SELECT g.FamFinancial FROM patient p JOIN "
             "patientnote g ON g.PatNum = p.Guarantor WHERE "
             "p.PatNum = t.PatNum), '')", .wire = OD_W_TEXT},
    TXT("Medical", 0, 0),
    TXT("Service", 0, 0),
    TXT("MedicalComp", 0, 0),
    TXT("Treatment", 0, 0),
    TXT("ICEName", 0, 0),
    TXT("ICEPhone", 0, 0),
    RO("SecDateTEntry", OD_W_DATETIME),
    STAMP("SecDateTEdit"),
};

static const struct od_check patientnote_checks[] = {
    /* the family's note is the guarantor's: set it there */
    RULE(OD_OP_PUT,
         "SELECT 1 FROM patient WHERE PatNum = ? AND Guarantor <> PatNum "
         "AND ? IS NOT NULL", "@key,FamFinancial",
         "FamFinancial can only be set on the guarantor's PatientNote."),
};

const struct od_resource od_res_patientnotes_put = {
    .name = "patientnotes", .table = "patientnote", .pk = "PatNum",
    OD_LIST(fields, patientnote_put_fields),
    .ops = OD_OP_PUT,
    .write_perm = ODAPI_PERM_ALL_OTHERS, .missing = "Patient not found.",
    SECLOG("PatientNote", 0, PERM_PATIENT_EDIT, 0),
    .patnum_col = "PatNum",
    .before_put = "INSERT IGNORE INTO patientnote (PatNum, FamFinancial, "
                  "ApptPhone, Medical, Service, MedicalComp, Treatment, "
                  "SecDateTEntry) SELECT PatNum, '', '', '', '', '', '', "
                  "NOW() FROM patient WHERE PatNum = ?",
    OD_LIST(checks, patientnote_checks),
};

/* ---- popups --------------------------------------------------------------- */

static const struct od_field popup_fields[] = {
    KEY("PopupNum"),
    PATNUM_OWNER,
    TXT("Description", OD_F_REQ | OD_F_NOCLEAR, 0),
    RO("IsDisabled", OD_W_BOOL),
    ENM("PopupLevel", &enum_popuplevel, 0, "Patient"),
    NOW_ON_INSERT("DateTimeEntry", OD_W_DATETIME),
    RO("IsArchived", OD_W_BOOL),
    RO("PopupNumArchive", OD_W_INT),
    FLD("DateTimeDisabled", OD_W_DATETIME, 0),
};

static const struct od_filter popup_filters[] = {
    /* the patient's own popups, Family and SuperFamily popups of the
     * family, SuperFamily popups of the super family */
    {.param = "PatNum",
     .cond = "(t.PatNum = ? OR (t.PopupLevel IN (1, 2) AND t.PatNum IN "
             "(SELECT f.PatNum FROM patient f JOIN patient s ON s.Guarantor "
             "= f.Guarantor WHERE s.PatNum = ?)) OR (t.PopupLevel = 2 AND "
             "t.PatNum IN (SELECT f.PatNum FROM patient f JOIN patient s ON "
             "s.SuperFamily = f.SuperFamily WHERE s.PatNum = ? AND "
             "s.SuperFamily <> 0)))", .wire = OD_W_INT, .nbind = 3},
};

static const struct od_check popup_checks[] = {
    RULE(OD_OP_POST,
         "SELECT 1 FROM patient WHERE PatNum = ? AND ? = 2 "
         "AND SuperFamily = 0", "PatNum,PopupLevel",
         "The patient is not part of a SuperFamily."),
    RULE(OD_OP_PUT,
         "SELECT 1 FROM popup u JOIN patient p ON p.PatNum = u.PatNum "
         "WHERE u.PopupNum = ? AND ? = 2 AND p.SuperFamily = 0",
         "@key,PopupLevel", "The patient is not part of a SuperFamily."),
};

const struct od_resource od_res_popups = {
    .name = "popups", .table = "popup", .pk = "PopupNum",
    OD_LIST(fields, popup_fields),
    OD_LIST(filters, popup_filters),
    .ops = OD_OPS_LIST_CRU,
    .write_perm = ODAPI_PERM_ALL_OTHERS, .missing = "Popup not found.",
    .patnum_col = "PatNum",
    SECLOG("Popup", PERM_POPUP_EDIT, PERM_POPUP_EDIT, 0),
    /* archived copies are history, not popups */
    .base_where = "t.IsArchived = 0",
    OD_LIST(checks, popup_checks),
};

/* ---- procnotes ------------------------------------------------------------ */

static const struct od_field procnote_fields[] = {
    KEY("ProcNoteNum"),
    FLD("PatNum", OD_W_INT, OD_F_REQ),
    FLD("ProcNum", OD_W_INT, OD_F_REQ),
    NOW_ON_INSERT("EntryDateTime", OD_W_DATETIME),
    RO("UserNum", OD_W_INT),
    TXT("Note", OD_F_REQ, 0),
    RO("SigIsTopaz", OD_W_BOOL),
    /* signed: a non-blank Signature; written as 1/0 and made the API's
     * marker (or blank) by after_insert */
    {.name = "isSigned", .expr = "t.Signature <> ''", .wire = OD_W_BOOL,
     .dflt = "false", .col = "Signature"},
};

static const struct od_filter procnote_filters[] = {
    INTF("PatNum"),
    INTF("ProcNum"),
};

static const struct od_check procnote_checks[] = {
    POST_FOUND("procedurelog", "ProcNum", "Procedure"),
    RULE(OD_OP_POST,
         "SELECT 1 FROM procedurelog WHERE ProcNum = ? AND PatNum <> ?",
         "ProcNum,PatNum", "The procedure is not for this patient."),
    VALUE_RULE(OD_OP_POST, "TRIM(?) = ''", "Note", "Note is required."),
};

const struct od_resource od_res_procnotes = {
    .name = "procnotes", .table = "procnote", .pk = "ProcNoteNum",
    OD_LIST(fields, procnote_fields),
    OD_LIST(filters, procnote_filters),
    /* most recent first (the docs) */
    .order = "t.EntryDateTime DESC, t.ProcNoteNum DESC",
    .ops = OD_OP_GET_LIST | OD_OP_POST,
    .write_perm = ODAPI_PERM_ALL_OTHERS, .missing = "ProcNote not found.",
    SECLOG("ProcNote", PERM_PROCEDURE_NOTE_FULL, 0, 0),
    .patnum_col = "PatNum",
    .after_insert = "UPDATE procnote SET Signature = IF(Signature = '1', "
                    "'Digitally signed through API', '') WHERE "
                    "ProcNoteNum = ?",
    OD_LIST(checks, procnote_checks),
};

/* ---- rxpats (read only) --------------------------------------------------- */

static const struct od_field rxpat_fields[] = {
    KEY("RxNum"),
    RO("PatNum", OD_W_INT),
    RO("RxDate", OD_W_DATE),
    RO("Drug", OD_W_TEXT),
    RO("Sig", OD_W_TEXT),
    RO("Disp", OD_W_TEXT),
    RO("Refills", OD_W_TEXT),
    RO("ProvNum", OD_W_INT),
    RO("Notes", OD_W_TEXT),
    RO("PharmacyNum", OD_W_INT),
    RO("IsControlled", OD_W_BOOL),
    STAMP("DateTStamp"),
    ROENUM("SendStatus", &enum_rxsendstatus),
    RO("IsErxOld", OD_W_BOOL),
    RO("ErxPharmacyInfo", OD_W_TEXT),
    RO("IsProcRequired", OD_W_BOOL),
    RO("ProcNum", OD_W_INT),
    RO("DaysOfSupply", OD_W_NUMBER),
    RO("PatientInstruction", OD_W_TEXT),
    RO("ClinicNum", OD_W_INT),
};

static const struct od_filter rxpat_filters[] = {
    INTF("PatNum"),
};

const struct od_resource od_res_rxpats = {
    .name = "rxpats", .table = "rxpat", .pk = "RxNum",
    OD_LIST(fields, rxpat_fields),
    OD_LIST(filters, rxpat_filters),
    .ops = OD_OPS_GET,
    .missing = "RxPat not found.",
};
