/* labs.c - employers, employees, pharmacies and the lab resources
 * (laboratories, labturnarounds, labcases) as descriptions (the api*.html
 * pages). Field order is Open Dental's. Choices Open Dental's docs leave open
 * are in docs/resources.md ("Employers, employees, pharmacies, labs"). */
#include "resources/shorthand-internal.h"

/* EnumPermType values used in securitylog (GroupPermission.cs). */
enum {
    PERM_SETUP = 8, PERM_APPOINTMENT_EDIT = 27, PERM_EMPLOYER_CREATE = 205
};

#define FK_LAB "SELECT 1 FROM laboratory WHERE LaboratoryNum = ?"

/* ---- employers ------------------------------------------------------------ */

static const struct od_field employer_fields[] = {
    KEY("EmployerNum"),
    TXT("EmpName", OD_F_REQ | OD_F_NOCLEAR, 0),
};

static const struct od_check employer_checks[] = {
    /* the docs: "Employers associated with a patient or an insurance plan
     * cannot be deleted." */
    RULE(OD_OP_DELETE,
         "SELECT 1 FROM patient WHERE EmployerNum = ? UNION ALL SELECT 1 "
         "FROM insplan WHERE EmployerNum = ? LIMIT 1", "@key,@key",
         "Employers associated with a patient or an insurance plan cannot be "
         "deleted."),
};

const struct od_resource od_res_employers = {
    .name = "employers", .table = "employer", .pk = "EmployerNum",
    OD_LIST(fields, employer_fields),
    .ops = OD_OPS_CRUD,
    .write_perm = ODAPI_PERM_ALL_OTHERS, .missing = "Employer not found.",
    SECLOG_ALL("Employer", PERM_EMPLOYER_CREATE),
    OD_LIST(checks, employer_checks),
};

/* ---- employees (read only) ------------------------------------------------ */

static const struct od_field employee_fields[] = {
    KEY("EmployeeNum"),
    TXT("LName", 0, 0),
    TXT("FName", 0, 0),
    TXT("MiddleI", 0, 0),
    FLD("IsHidden", OD_W_BOOL, 0),
    TXT("ClockStatus", 0, 0),
    TXT("PayrollID", 0, 0),
    TXT("WirelessPhone", 0, 0),
    TXT("EmailWork", 0, 0),
    TXT("EmailPersonal", 0, 0),
    FLD("IsFurloughed", OD_W_BOOL, 0),
    FLD("ReportsTo", OD_W_INT, 0),
};

const struct od_resource od_res_employees = {
    .name = "employees", .table = "employee", .pk = "EmployeeNum",
    OD_LIST(fields, employee_fields),
    .ops = OD_OPS_GET,
    .write_perm = ODAPI_PERM_ALL_OTHERS, .missing = "Employee not found.",
    .log_noun = "Employee",
};

/* ---- pharmacies (read only) ----------------------------------------------- */

static const struct od_field pharmacy_fields[] = {
    KEY("PharmacyNum"),
    TXT("StoreName", 0, 0),
    TXT("Phone", 0, 0),
    TXT("Fax", 0, 0),
    TXT("Address", 0, 0),
    TXT("City", 0, 0),
    TXT("State", 0, 0),
    TXT("Zip", 0, 0),
    TXT("Note", 0, 0),
    STAMP("DateTStamp"),
};

const struct od_resource od_res_pharmacies = {
    .name = "pharmacies", .table = "pharmacy", .pk = "PharmacyNum",
    OD_LIST(fields, pharmacy_fields),
    .ops = OD_OPS_GET,
    .write_perm = ODAPI_PERM_ALL_OTHERS, .missing = "Pharmacy not found.",
    .log_noun = "Pharmacy",
};

/* ---- laboratories --------------------------------------------------------- */

static const struct od_field laboratory_fields[] = {
    KEY("LaboratoryNum"),
    TXT("Description", OD_F_REQ | OD_F_NOCLEAR, 0),
    TXT("Phone", 0, 0),
    TXT("Notes", 0, 0),
    FLD("Slip", OD_W_INT, 0),
    TXT("Address", 0, 0),
    TXT("City", 0, 0),
    CHK("State", 0, 0, od_check_state),
    CHK("Zip", 0, 0, od_check_zip),
    TXT("Email", 0, 0),
    TXT("WirelessPhone", 0, 0),
    FLD("IsHidden", OD_W_BOOL, 0),
};

const struct od_resource od_res_laboratories = {
    .name = "laboratories", .table = "laboratory", .pk = "LaboratoryNum",
    OD_LIST(fields, laboratory_fields),
    .ops = OD_OPS_CRU,
    .write_perm = ODAPI_PERM_ALL_OTHERS, .missing = "Laboratory not found.",
    SECLOG("Laboratory", PERM_SETUP, PERM_SETUP, 0),
};

/* ---- labturnarounds ------------------------------------------------------- */

static const struct od_field labturnaround_fields[] = {
    KEY("LabTurnaroundNum"),
    FKEY("LaboratoryNum", OD_F_REQ | OD_F_NOPUT, FK_LAB),
    TXT("Description", OD_F_REQ | OD_F_NOCLEAR, 0),
    FLD("DaysPublished", OD_W_INT, 0),
    FLD("DaysActual", OD_W_INT, OD_F_REQ),
};

static const struct od_filter labturnaround_filters[] = {
    INTF("LaboratoryNum"),
};

static const struct od_check labturnaround_checks[] = {
    VALUE_RULE(OD_OP_POST | OD_OP_PUT, "? < 0", "DaysPublished",
               "DaysPublished cannot be negative."),
    VALUE_RULE(OD_OP_POST | OD_OP_PUT, "? < 0", "DaysActual",
               "DaysActual cannot be negative."),
};

const struct od_resource od_res_labturnarounds = {
    .name = "labturnarounds", .table = "labturnaround",
    .pk = "LabTurnaroundNum",
    OD_LIST(fields, labturnaround_fields),
    OD_LIST(filters, labturnaround_filters),
    .ops = OD_OPS_CRU,
    .write_perm = ODAPI_PERM_ALL_OTHERS,
    .missing = "LabTurnaround not found.",
    SECLOG("LabTurnaround", PERM_SETUP, PERM_SETUP, 0),
    OD_LIST(checks, labturnaround_checks),
};

/* ---- labcases ------------------------------------------------------------- */

static const struct od_field labcase_fields[] = {
    KEY("LabCaseNum"),
    PATNUM_OWNER,
    FKEY("LaboratoryNum", OD_F_REQ, FK_LAB),
    FKEY("AptNum", 0, FK_APPT),
    FKEY("PlannedAptNum", 0, FK_APPT),
    FLD("DateTimeDue", OD_W_DATETIME, 0),
    FLD("DateTimeCreated", OD_W_DATETIME, 0),
    FLD("DateTimeSent", OD_W_DATETIME, 0),
    FLD("DateTimeRecd", OD_W_DATETIME, 0),
    FLD("DateTimeChecked", OD_W_DATETIME, 0),
    FKEY("ProvNum", OD_F_REQ, FK_PROV),
    TXT("Instructions", 0, 0),
    FLD("LabFee", OD_W_NUMBER, 0),
    STAMP("DateTStamp"),
    TXT("InvoiceNum", 0, 0),
};

static const struct od_filter labcase_filters[] = {
    INTF("PatNum"),
    INTF("LaboratoryNum"),
    INTF("AptNum"),
    INTF("PlannedAptNum"),
    INTF("ProvNum"),
};

static const struct od_sqldefault labcase_defaults[] = {
    /* Open Dental's lab case window stamps a new case with now */
    {.field = "DateTimeCreated", .sql = OD_SQLDEFAULT_NOW},
};

static const struct od_check labcase_checks[] = {
    /* AptNum is the scheduled appointment, PlannedAptNum the planned one
     * (AptStatus 1 Scheduled, 6 Planned), both the case's patient's */
    RULE(OD_OP_POST,
         "SELECT 1 FROM appointment WHERE AptNum = ? AND (AptStatus <> 1 "
         "OR PatNum <> ?)", "AptNum,PatNum",
         "AptNum must be a Scheduled appointment of this patient."),
    RULE(OD_OP_PUT,
         "SELECT 1 FROM appointment a JOIN labcase l ON l.LabCaseNum = ? "
         "WHERE a.AptNum = ? AND (a.AptStatus <> 1 OR a.PatNum <> l.PatNum)",
         "@key,AptNum",
         "AptNum must be a Scheduled appointment of this patient."),
    RULE(OD_OP_POST,
         "SELECT 1 FROM appointment WHERE AptNum = ? AND (AptStatus <> 6 "
         "OR PatNum <> ?)", "PlannedAptNum,PatNum",
         "PlannedAptNum must be a Planned appointment of this patient."),
    RULE(OD_OP_PUT,
         "SELECT 1 FROM appointment a JOIN labcase l ON l.LabCaseNum = ? "
         "WHERE a.AptNum = ? AND (a.AptStatus <> 6 OR a.PatNum <> l.PatNum)",
         "@key,PlannedAptNum",
         "PlannedAptNum must be a Planned appointment of this patient."),
};

const struct od_resource od_res_labcases = {
    .name = "labcases", .table = "labcase", .pk = "LabCaseNum",
    OD_LIST(fields, labcase_fields),
    OD_LIST(filters, labcase_filters),
    .ops = OD_OPS_CRUD,
    .write_perm = ODAPI_PERM_ALL_OTHERS, .missing = "LabCase not found.",
    SECLOG_ALL("LabCase", PERM_APPOINTMENT_EDIT),
    .patnum_col = "PatNum",
    OD_LIST(sqldefaults, labcase_defaults),
    OD_LIST(checks, labcase_checks),
};
