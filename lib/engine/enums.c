/* enums.c - Open Dental's enums, DB int -> API name (Enumerations.cs). */
#include "engine/resource-internal.h"

#include <strings.h>

#define ENUM(var, label, first, ...)                                          \
    static const char *const var##_names[] = {__VA_ARGS__};                   \
    const struct od_enum var = {label, first,                                 \
                                (int)OD_ARRAY_LEN(var##_names), var##_names}

ENUM(od_enum_patstatus, "PatStatus", 0, "Patient", "NonPatient", "Inactive",
     "Archived", "Deleted", "Deceased", "Prospective");
ENUM(od_enum_gender, "Gender", 0, "Male", "Female", "Unknown", "Other");
ENUM(od_enum_position, "Position", 0, "Single", "Married", "Child", "Widowed",
     "Divorced");
ENUM(od_enum_contact, "ContactMethod", 0, "None", "DoNotCall", "HmPhone",
     "WkPhone", "WirelessPh", "Email", "SeeNotes", "Mail", "TextMessage");
ENUM(od_enum_yn, "YN", 0, "Unknown", "Yes", "No");
ENUM(od_enum_aptstatus, "AptStatus", 0, "None", "Scheduled", "Complete",
     "UnschedList", "ASAP", "Broken", "Planned", "PtNote", "PtNoteCompleted");
ENUM(od_enum_aptpriority, "Priority", 0, "Normal", "ASAP");
ENUM(od_enum_procstat, "ProcStatus", 1, "TP", "C", "EC", "EO", "R", "D", "Cn",
     "TPi");
ENUM(od_enum_placeservice, "PlaceService", 0, "Office", "PatientsHome",
     "InpatHospital", "OutpatHospital", "SkilledNursFac",
     "CustodialCareFacility", "OtherLocation", "MobileUnit", "School",
     "MilitaryTreatFac", "FederalHealthCenter", "PublicHealthClinic",
     "RuralHealthClinic", "EmergencyRoomHospital", "AmbulatorySurgicalCenter",
     "TelehealthOutsideHome", "TelehealthInHome", "OutreachSiteOrStreet");
ENUM(od_enum_treatarea, "TreatArea", 0, "None", "Surf", "Tooth", "Mouth",
     "Quad", "Sextant", "Arch", "ToothRange");
ENUM(od_enum_commmode, "Mode_", 0, "None", "Email", "Mail", "Phone",
     "In Person", "Text", "Email and Text", "Phone and Text", "Fax");
ENUM(od_enum_sentrecv, "SentOrReceived", 0, "Neither", "Sent", "Received");
ENUM(od_enum_commsource, "CommSource", 0, "User", "WebSched", "ProgramLink",
     "ApptReminder", "EServices", "SupplementalBackup", "ApptThankYou",
     "FHIR", "NewPatThankYou", "MsgToPay");
ENUM(od_enum_processstat, "ProcessStatus", 0, "OfficeProcessed",
     "OnlineProcessed", "OnlinePending");
/* CreditCardSource: 0 None ... 13 API ... 22 (Enumerations.cs); the names
 * in between are not documented for the API, so they are written as their
 * numbers. */
ENUM(od_enum_ccsource, "PaymentSource", 0, "None", NULL, NULL, NULL, NULL,
     NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, "API");
ENUM(od_enum_provstatus, "ProvStatus", 0, "Active", "Deleted");
ENUM(od_enum_schedtype, "SchedType", 0, "Practice", "Provider", "Blockout",
     "Employee", "WebSchedASAP");
ENUM(od_enum_claimprocstatus, "Status", 0, "NotReceived", "Received",
     "Preauth", "Adjustment", "Supplemental", "CapClaim", "Estimate",
     "CapComplete", "CapEstimate", "InsHist");
ENUM(od_enum_defcat, "Category", 0, "AccountColors", "AdjTypes",
     "ApptConfirmed", "ApptProcsQuickAdd", "BillingTypes", "ClaimFormats",
     "DunningMessages", "FeeSchedNamesOld", "MedicalNotes", "OperatoriesOld",
     "PaymentTypes", "ProcCodeCats", "ProgNoteColors", "RecallUnschedStatus",
     "ServiceNotes", "DiscountTypes", "Diagnosis", "AppointmentColors",
     "ImageCats", "ApptPhoneNotes", "TxPriorities", "MiscColors",
     "ChartGraphicColors", "ContactCategories", "LetterMergeCats",
     "BlockoutTypes", "ProcButtonCats", "CommLogTypes", "SupplyCats",
     "PaySplitUnearnedType", "Prognosis", "ClaimCustomTracking",
     "InsurancePaymentType", "TaskPriorities", "FeeColors",
     "ProviderSpecialties", "ClaimPaymentTracking", "AccountQuickCharge",
     "InsuranceVerificationStatus", "Regions", "ClaimPaymentGroups",
     "AutoNoteCats", "WebSchedNewPatApptTypes", "ClaimErrorCode",
     "ClinicSpecialty", "JobPriorities", "CarrierGroupNames",
     "PayPlanCategories", "AutoDeposit", "InsuranceFilingCodeGroup",
     "TimeCardAdjTypes", "WebSchedExistingApptTypes",
     "CertificationCategories", "EClipboardImageCapture", "TaskCategories",
     "OperatoryTypes");

int od_enum_value(const struct od_enum *e, const char *name)
{
    int i;
    for (i = 0; i < e->count; i++)
        if (e->names[i] && strcasecmp(e->names[i], name) == 0)
            return e->first + i;
    return -1;
}

const char *od_enum_name(const struct od_enum *e, long v)
{
    if (v < e->first || v >= e->first + e->count)
        return NULL;
    return e->names[v - e->first];
}
