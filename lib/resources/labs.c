/* labs.c - employers, employees, pharmacies and the lab resources
 * (laboratories, labturnarounds, labcases) as descriptions (spec Appendix
 * A). Field order is the spec's. Choices the spec leaves open are in
 * docs/resources.md ("Employers, employees, pharmacies, labs"). */
#include "engine/describe-internal.h"

/* EnumPermType values used in securitylog (opendental-schema.md 4). */
enum {
    PERM_SETUP = 8, PERM_APPOINTMENT_EDIT = 27, PERM_EMPLOYER_CREATE = 205
};

/* Field shorthands: {name, expr, wire, enum, flags, default, maxlen,
 * defcat, col, check, fk}. */
#define KEY(n) {n, NULL, OD_W_INT, NULL, OD_F_RO | OD_F_KEY, NULL, 0, 0, NULL}
#define FLD(n, w, fl) {n, NULL, w, NULL, fl, NULL, 0, 0, NULL}
#define TXT(n, fl, max) {n, NULL, OD_W_TEXT, NULL, fl, NULL, max, 0, NULL}
#define CHK(n, fl, max, fn) {n, NULL, OD_W_TEXT, NULL, fl, NULL, max, 0, NULL, fn}
#define FKEY(n, fl, sql) {n, NULL, OD_W_INT, NULL, fl, NULL, 0, 0, NULL, NULL, sql}
#define STAMP(n) {n, NULL, OD_W_DATETIME, NULL, OD_F_RO | OD_F_STAMP, NULL, \
                  0, 0, NULL}

#define FK_LAB "SELECT 1 FROM laboratory WHERE LaboratoryNum = ?"
#define FK_PROV "SELECT 1 FROM provider WHERE ProvNum = ?"
#define FK_APT "SELECT 1 FROM appointment WHERE AptNum = ?"

/* ---- employers ------------------------------------------------------------ */

static const struct od_field employer_fields[] = {
    KEY("EmployerNum"),
    TXT("EmpName", OD_F_REQ | OD_F_NOCLEAR, 0),
};

static const struct od_check employer_checks[] = {
    /* the docs: "Employers associated with a patient or an insurance plan
     * cannot be deleted." */
    {OD_OP_DELETE, "SELECT 1 FROM patient WHERE EmployerNum = ? UNION ALL "
                   "SELECT 1 FROM insplan WHERE EmployerNum = ? LIMIT 1",
     "@key,@key", 400,
     "Employers associated with a patient or an insurance plan cannot be "
     "deleted."},
};

const struct od_resource od_res_employers = {
    .name = "employers", .table = "employer", .pk = "EmployerNum",
    .fields = employer_fields, .nfields = OD_N(employer_fields),
    .ops = OD_OP_GET_ONE | OD_OP_GET_LIST | OD_OP_POST | OD_OP_PUT |
           OD_OP_DELETE,
    .write_perm = ODAPI_PERM_ALL_OTHERS, .missing = "Employer not found.",
    .perm_create = PERM_EMPLOYER_CREATE, .perm_edit = PERM_EMPLOYER_CREATE,
    .perm_delete = PERM_EMPLOYER_CREATE, .log_noun = "Employer",
    .checks = employer_checks, .nchecks = OD_N(employer_checks),
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
    .fields = employee_fields, .nfields = OD_N(employee_fields),
    .ops = OD_OP_GET_ONE | OD_OP_GET_LIST,
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
    .fields = pharmacy_fields, .nfields = OD_N(pharmacy_fields),
    .ops = OD_OP_GET_ONE | OD_OP_GET_LIST,
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
    .fields = laboratory_fields, .nfields = OD_N(laboratory_fields),
    .ops = OD_OP_GET_ONE | OD_OP_GET_LIST | OD_OP_POST | OD_OP_PUT,
    .write_perm = ODAPI_PERM_ALL_OTHERS, .missing = "Laboratory not found.",
    .perm_create = PERM_SETUP, .perm_edit = PERM_SETUP,
    .log_noun = "Laboratory",
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
    {"LaboratoryNum", "t.LaboratoryNum = ?", OD_W_INT, NULL, 0, 0, NULL},
};

static const struct od_check labturnaround_checks[] = {
    {OD_OP_POST | OD_OP_PUT, "SELECT 1 FROM DUAL WHERE ? < 0",
     "DaysPublished", 400, "DaysPublished cannot be negative."},
    {OD_OP_POST | OD_OP_PUT, "SELECT 1 FROM DUAL WHERE ? < 0",
     "DaysActual", 400, "DaysActual cannot be negative."},
};

const struct od_resource od_res_labturnarounds = {
    .name = "labturnarounds", .table = "labturnaround",
    .pk = "LabTurnaroundNum",
    .fields = labturnaround_fields, .nfields = OD_N(labturnaround_fields),
    .filters = labturnaround_filters, .nfilters = OD_N(labturnaround_filters),
    .ops = OD_OP_GET_ONE | OD_OP_GET_LIST | OD_OP_POST | OD_OP_PUT,
    .write_perm = ODAPI_PERM_ALL_OTHERS,
    .missing = "LabTurnaround not found.",
    .perm_create = PERM_SETUP, .perm_edit = PERM_SETUP,
    .log_noun = "LabTurnaround",
    .checks = labturnaround_checks, .nchecks = OD_N(labturnaround_checks),
};

/* ---- labcases ------------------------------------------------------------- */

static const struct od_field labcase_fields[] = {
    KEY("LabCaseNum"),
    FLD("PatNum", OD_W_INT, OD_F_REQ | OD_F_NOPUT),
    {"LaboratoryNum", NULL, OD_W_INT, NULL, OD_F_REQ, NULL, 0, 0, NULL, NULL,
     FK_LAB},
    FKEY("AptNum", 0, FK_APT),
    FKEY("PlannedAptNum", 0, FK_APT),
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
    {"PatNum", "t.PatNum = ?", OD_W_INT, NULL, 0, 0, NULL},
    {"LaboratoryNum", "t.LaboratoryNum = ?", OD_W_INT, NULL, 0, 0, NULL},
    {"AptNum", "t.AptNum = ?", OD_W_INT, NULL, 0, 0, NULL},
    {"PlannedAptNum", "t.PlannedAptNum = ?", OD_W_INT, NULL, 0, 0, NULL},
    {"ProvNum", "t.ProvNum = ?", OD_W_INT, NULL, 0, 0, NULL},
};

static const struct od_sqldefault labcase_defaults[] = {
    /* Open Dental's lab case window stamps a new case with now */
    {"DateTimeCreated", OD_SQLDEFAULT_NOW,
     NULL},
};

static const struct od_check labcase_checks[] = {
    /* AptNum is the scheduled appointment, PlannedAptNum the planned one
     * (AptStatus 1 Scheduled, 6 Planned), both the case's patient's */
    {OD_OP_POST, "SELECT 1 FROM appointment WHERE AptNum = ? AND "
                 "(AptStatus <> 1 OR PatNum <> ?)", "AptNum,PatNum", 400,
     "AptNum must be a Scheduled appointment of this patient."},
    {OD_OP_PUT, "SELECT 1 FROM appointment a JOIN labcase l ON "
                "l.LabCaseNum = ? WHERE a.AptNum = ? AND "
                "(a.AptStatus <> 1 OR a.PatNum <> l.PatNum)", "@key,AptNum",
     400, "AptNum must be a Scheduled appointment of this patient."},
    {OD_OP_POST, "SELECT 1 FROM appointment WHERE AptNum = ? AND "
                 "(AptStatus <> 6 OR PatNum <> ?)", "PlannedAptNum,PatNum",
     400, "PlannedAptNum must be a Planned appointment of this patient."},
    {OD_OP_PUT, "SELECT 1 FROM appointment a JOIN labcase l ON "
                "l.LabCaseNum = ? WHERE a.AptNum = ? AND "
                "(a.AptStatus <> 6 OR a.PatNum <> l.PatNum)",
     "@key,PlannedAptNum", 400,
     "PlannedAptNum must be a Planned appointment of this patient."},
};

const struct od_resource od_res_labcases = {
    .name = "labcases", .table = "labcase", .pk = "LabCaseNum",
    .fields = labcase_fields, .nfields = OD_N(labcase_fields),
    .filters = labcase_filters, .nfilters = OD_N(labcase_filters),
    .ops = OD_OP_GET_ONE | OD_OP_GET_LIST | OD_OP_POST | OD_OP_PUT |
           OD_OP_DELETE,
    .write_perm = ODAPI_PERM_ALL_OTHERS, .missing = "LabCase not found.",
    .perm_create = PERM_APPOINTMENT_EDIT, .perm_edit = PERM_APPOINTMENT_EDIT,
    .perm_delete = PERM_APPOINTMENT_EDIT, .log_noun = "LabCase",
    .patnum_col = "PatNum",
    .sqldefaults = labcase_defaults, .nsqldefaults = OD_N(labcase_defaults),
    .checks = labcase_checks, .nchecks = OD_N(labcase_checks),
};
