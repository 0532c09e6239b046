/* insurance.c - fees and the insurance resources as descriptions
 * (apipermissions.html, the resources' api*.html pages): fees, feescheds,
 * carriers, insplans, inssubs, patplans, benefits, claims, claimprocs. Field
 * order is Open Dental's; lower-case names are derived, read-only companions.
 * Choices Open Dental's docs leave open are in docs/resources.md. */
#include "resources/shorthand-internal.h"

#include <string.h>

/* EnumPermType values used in securitylog (GroupPermission.cs). */
enum {
    PERM_CARRIER_CREATE = 58, PERM_FEE_SCHED_EDIT = 92,
    PERM_INS_PLAN_CREATE = 109, PERM_INS_PLAN_EDIT = 110,
    PERM_INS_PLAN_CREATE_SUB = 111, PERM_INS_PLAN_EDIT_SUB = 112,
    PERM_INS_PLAN_ADD_PAT = 113, PERM_INS_PLAN_DROP_PAT = 114,
    PERM_CLAIM_PROC_RECEIVED_EDIT = 125, PERM_CLAIM_EDIT = 150,
    PERM_LOG_FEE_EDIT = 154, PERM_CARRIER_EDIT = 224
};

/* Enums only these resources use (Open Dental's C# enums; the benefit
 * enums from Open Dental's Benefit.cs, as the seeded rows use them). */

ENUM_TABLE(enum_feeschedtype, "FeeSchedType", "Normal", "CoPay", "OutNetwork",
           "FixedBenefit", "ManualBlueBook");
ENUM_TABLE(enum_nosendelect, "NoSendElect", "SendElect", "NoSendElect",
           "NoSendSecondaryElect");
ENUM_TABLE(enum_cobrule, "CobRule", "Basic", "Standard", "CarveOut",
           "SecondaryMedicaid");
ENUM_TABLE(enum_exclusionrule, "ExclusionFeeRule", "PracticeDefault",
           "DoNothing", "UseUcrFee");
ENUM_TABLE(enum_relat, "Relationship", "Self", "Spouse", "Child", "Employee",
           "HandicapDep", "SignifOther", "InjuredPlaintiff", "LifePartner",
           "Dependent");
ENUM_TABLE(enum_benefittype, "BenefitType", "ActiveCoverage", "CoInsurance",
           "Deductible", "CoPayment", "Exclusions", "Limitations",
           "WaitingPeriod");
ENUM_TABLE(enum_timeperiod, "TimePeriod", "None", "ServiceYear",
           "CalendarYear", "Lifetime", "Years", "NumberInLast12Months");
ENUM_TABLE(enum_quantity, "QuantityQualifier", "None", "NumberOfServices",
           "AgeLimit", "Visits", "Years", "Months");
ENUM_TABLE(enum_coverage, "CoverageLevel", "None", "Individual", "Family");

/* Character-coded columns (data/od-schema.sql). */
static int check_plantype(const char *s)
{
    return strcmp(s, "p") == 0 || strcmp(s, "f") == 0 || strcmp(s, "c") == 0;
}
static int check_claimstatus(const char *s)
{
    return strlen(s) == 1 && strchr("UHWPSRI", s[0]);
}
static int check_prosthesis(const char *s)
{
    return strcmp(s, "I") == 0 || strcmp(s, "R") == 0;
}
static int check_accident(const char *s)
{
    return strlen(s) == 1 && strchr("AEO", s[0]);
}

/* ---- fees ----------------------------------------------------------------- */

static const struct od_field fee_fields[] = {
    KEY("FeeNum"),
    FLD("Amount", OD_W_NUMBER, OD_F_REQ),
    FKEY("FeeSched", OD_F_NOPUT, FK_FEESCHED),
    FKEY("CodeNum", OD_F_REQ | OD_F_NOPUT, FK_CODE),
    FKEY("ClinicNum", OD_F_NOPUT, FK_CLINIC),
    FKEY("ProvNum", OD_F_NOPUT, FK_PROV),
    SEC_ENTRY_EDIT,
};

static const struct od_filter fee_filters[] = {
    INTF("ClinicNum"),
    INTF("FeeSched"),
    INTF("CodeNum"),
    INTF("ProvNum"),
};

static const struct od_sqldefault fee_defaults[] = {
    /* the practice default provider's fee schedule */
    {.field = "FeeSched",
     .sql = "SELECT NULLIF(p.FeeSched, 0) FROM provider p JOIN "
            "preference f ON f.PrefName = 'PracticeDefaultProv' AND "
            "p.ProvNum = f.ValueString"},
    {.field = "FeeSched",
     .sql = "SELECT MIN(FeeSchedNum) FROM feesched WHERE FeeSchedType "
            "= 0 AND IsHidden = 0"},
};

static const struct od_check fee_checks[] = {
    RULE(OD_OP_POST,
         "SELECT 1 FROM fee WHERE FeeSched = ? AND CodeNum = ? "
         "AND ClinicNum = COALESCE(?, 0) AND ProvNum = COALESCE(?, 0)",
         "FeeSched,CodeNum,?ClinicNum,?ProvNum",
         "A fee already exists for this FeeSched, CodeNum, ClinicNum and "
         "ProvNum."),
};

const struct od_resource od_res_fees = {
    .name = "fees", .table = "fee", .pk = "FeeNum",
    OD_LIST(fields, fee_fields),
    OD_LIST(filters, fee_filters),
    .ops = OD_OPS_CRUD,
    .write_perm = ODAPI_PERM_ALL_OTHERS, .missing = "Fee not found.",
    SECLOG_ALL("Fee", PERM_LOG_FEE_EDIT),
    OD_LIST(sqldefaults, fee_defaults),
    OD_LIST(checks, fee_checks),
};

/* ---- feescheds ------------------------------------------------------------ */

static const struct od_field feesched_fields[] = {
    KEY("FeeSchedNum"),
    TXT("Description", OD_F_REQ | OD_F_NOCLEAR, 0),
    ENM("FeeSchedType", &enum_feeschedtype, OD_F_REQ | OD_F_NOPUT, NULL),
    FLD("ItemOrder", OD_W_INT, OD_F_RO),
    FLD("IsHidden", OD_W_BOOL, 0),
    FLD("IsGlobal", OD_W_BOOL, 0),
    SEC_ENTRY_EDIT,
};

static const struct od_sqldefault feesched_defaults[] = {
    {.field = "ItemOrder",
     .sql = "SELECT COALESCE(MAX(ItemOrder) + 1, 0) FROM feesched"},
};

static const struct od_check feesched_checks[] = {
    RULE(OD_OP_POST | OD_OP_PUT,
         "SELECT 1 FROM feesched WHERE Description = ? AND FeeSchedNum <> ?",
         "Description,@key",
         "A FeeSched with that Description already exists."),
};

const struct od_resource od_res_feescheds = {
    .name = "feescheds", .table = "feesched", .pk = "FeeSchedNum",
    OD_LIST(fields, feesched_fields),
    .order = "t.ItemOrder, t.FeeSchedNum",
    .ops = OD_OPS_LIST_CRU,
    .write_perm = ODAPI_PERM_ALL_OTHERS, .missing = "FeeSched not found.",
    SECLOG("FeeSched", PERM_FEE_SCHED_EDIT, PERM_FEE_SCHED_EDIT, 0),
    OD_LIST(sqldefaults, feesched_defaults),
    OD_LIST(checks, feesched_checks),
};

/* ---- carriers ------------------------------------------------------------- */

static const struct od_field carrier_fields[] = {
    KEY("CarrierNum"),
    TXT("CarrierName", OD_F_REQ | OD_F_NOCLEAR, 0),
    TXT("Address", 0, 0),
    TXT("City", 0, 0),
    CHK("State", 0, 0, od_check_state),
    CHK("Zip", 0, 0, od_check_zip),
    TXT("Phone", 0, 0),
    TXT("ElectID", 0, 0),
    ENM("NoSendElect", &enum_nosendelect, 0, NULL),
    FLD("IsHidden", OD_W_BOOL, 0),
};

static const struct od_filter carrier_filters[] = {
    CONTAINSF("CarrierName"),
    EQF("ElectID", OD_W_TEXT),
};

const struct od_resource od_res_carriers = {
    .name = "carriers", .table = "carrier", .pk = "CarrierNum",
    OD_LIST(fields, carrier_fields),
    OD_LIST(filters, carrier_filters),
    .ops = OD_OPS_CRU,
    .write_perm = ODAPI_PERM_ALL_OTHERS, .missing = "Carrier not found.",
    SECLOG("Carrier", PERM_CARRIER_CREATE, PERM_CARRIER_EDIT, 0),
};

/* ---- insplans ------------------------------------------------------------- */

static const struct od_field insplan_fields[] = {
    KEY("PlanNum"),
    TXT("GroupName", 0, 0),
    TXT("GroupNum", 0, 0),
    TXT("PlanNote", 0, 0),
    FKEY("FeeSched", 0, FK_FEESCHED),
    CHK("PlanType", 0, 0, check_plantype),
    FLD("ClaimFormNum", OD_W_INT, 0),
    FLD("ClaimsUseUCR", OD_W_BOOL, 0),
    FKEY("CopayFeeSched", 0, FK_FEESCHED),
    FKEY("EmployerNum", 0, "SELECT 1 FROM employer WHERE EmployerNum = ?"),
    FKEY("CarrierNum", OD_F_REQ, "SELECT 1 FROM carrier WHERE CarrierNum = ?"),
    FLD("IsMedical", OD_W_BOOL, 0),
    FLD("FilingCode", OD_W_INT, 0),
    FLD("ShowBaseUnits", OD_W_BOOL, 0),
    FLD("CodeSubstNone", OD_W_BOOL, 0),
    FLD("IsHidden", OD_W_BOOL, 0),
    FLD("MonthRenew", OD_W_INT, 0),
    FLD("FilingCodeSubtype", OD_W_INT, 0),
    ENM("CobRule", &enum_cobrule, 0, NULL),
    SEC_ENTRY_EDIT,
    FKEY("BillingType", 0, FK_DEF(4)),
    ENM("ExclusionFeeRule", &enum_exclusionrule, 0, NULL),
    FKEY("ManualFeeSchedNum", 0, FK_FEESCHED " AND FeeSchedType = 4"),
    FLD("IsBlueBookEnabled", OD_W_BOOL, 0),
    ENM("InsPlansZeroWriteOffsOnAnnualMaxOverride", &od_enum_yn, 0, NULL),
    ENM("InsPlansZeroWriteOffsOnFreqOrAgingOverride", &od_enum_yn, 0, NULL),
};

static const struct od_filter insplan_filters[] = {
    /* "" (percentage) is a value too: PlanType= alone matches nothing */
    EQF("PlanType", OD_W_TEXT),
    INTF("CarrierNum"),
};

static const struct od_check insplan_checks[] = {
    ZERO_INVALID(OD_OP_POST, "CarrierNum"),
    ZERO_INVALID(OD_OP_PUT, "CarrierNum"),
    OUT_OF_RANGE(OD_OP_POST | OD_OP_PUT, "MonthRenew", 0, 12),
};

const struct od_resource od_res_insplans = {
    .name = "insplans", .table = "insplan", .pk = "PlanNum",
    OD_LIST(fields, insplan_fields),
    OD_LIST(filters, insplan_filters),
    .ops = OD_OPS_CRU,
    .write_perm = ODAPI_PERM_INSURANCE, .missing = "InsPlan not found.",
    SECLOG("InsPlan", PERM_INS_PLAN_CREATE, PERM_INS_PLAN_EDIT, 0),
    OD_LIST(checks, insplan_checks),
};

/* ---- inssubs -------------------------------------------------------------- */

static const struct od_field inssub_fields[] = {
    KEY("InsSubNum"),
    FKEY("PlanNum", OD_F_REQ, "SELECT 1 FROM insplan WHERE PlanNum = ?"),
    FKEY("Subscriber", OD_F_REQ, FK_PAT),
    FLD("DateEffective", OD_W_DATE, 0),
    FLD("DateTerm", OD_W_DATE, 0),
    TXT("SubscriberID", OD_F_REQ | OD_F_NOCLEAR, 0),
    TXT("BenefitNotes", 0, 0),
    {.name = "ReleaseInfo", .wire = OD_W_BOOL, .dflt = "true"},
    {.name = "AssignBen", .wire = OD_W_BOOL, .dflt = "true"},
    TXT("SubscNote", 0, 0),
    STAMP("SecDateTEdit"),
};

static const struct od_filter inssub_filters[] = {
    INTF("InsSubNum"),
    INTF("PlanNum"),
    INTF("Subscriber"),
    SINCEF("SecDateTEdit"),
};

static const struct od_check inssub_checks[] = {
    ZERO_INVALID(OD_OP_POST, "PlanNum"),
    ZERO_INVALID(OD_OP_PUT, "PlanNum"),
    ZERO_INVALID(OD_OP_PUT, "Subscriber"),
    ROW_RULE(OD_OP_DELETE, "SELECT 1 FROM patplan WHERE InsSubNum = ?",
             "Can't delete InsSub because PatPlans are still attached."),
    RULE(OD_OP_DELETE,
         "SELECT 1 FROM claim WHERE InsSubNum = ? OR InsSubNum2 = ? UNION ALL "
         "SELECT 1 FROM claimproc WHERE InsSubNum = ?", "@key,@key,@key",
         "Can't delete InsSub because claims or claimprocs are attached."),
};

const struct od_resource od_res_inssubs = {
    .name = "inssubs", .table = "inssub", .pk = "InsSubNum",
    OD_LIST(fields, inssub_fields),
    OD_LIST(filters, inssub_filters),
    .ops = OD_OPS_CRUD,
    .write_perm = ODAPI_PERM_INSURANCE_SIMPLE, .missing = "InsSub not found.",
    .patnum_col = "Subscriber",
    SECLOG("InsSub", PERM_INS_PLAN_CREATE_SUB, PERM_INS_PLAN_EDIT_SUB,
           PERM_INS_PLAN_EDIT_SUB),
    OD_LIST(checks, inssub_checks),
};

/* ---- patplans ------------------------------------------------------------- */

static const struct od_field patplan_fields[] = {
    KEY("PatPlanNum"),
    PATNUM_OWNER,
    FLD("Ordinal", OD_W_INT, 0),
    FLD("IsPending", OD_W_BOOL, 0),
    ENM("Relationship", &enum_relat, 0, "Self"),
    TXT("PatID", 0, 0),
    FKEY("InsSubNum", OD_F_REQ, "SELECT 1 FROM inssub WHERE InsSubNum = ?"),
    FLD("OrthoAutoFeeBilledOverride", OD_W_NUMBER, OD_F_RO),
    FLD("OrthoAutoNextClaimDate", OD_W_DATE, OD_F_RO),
    NOW_ON_INSERT("SecDateTEntry", OD_W_DATETIME),
    STAMP("SecDateTEdit"),
};

static const struct od_filter patplan_filters[] = {
    INTF("PatNum"),
    INTF("InsSubNum"),
};

static const struct od_sqldefault patplan_defaults[] = {
    /* after the patient's other plans */
    {.field = "Ordinal",
     .sql = "SELECT COALESCE(MAX(Ordinal), 0) + 1 FROM patplan WHERE "
            "PatNum = ?", .param = "PatNum"},
};

static const struct od_check patplan_checks[] = {
    OUT_OF_RANGE(OD_OP_POST | OD_OP_PUT, "Ordinal", 1, 4),
    ZERO_INVALID(OD_OP_POST | OD_OP_PUT, "InsSubNum"),
    POST_UNIQUE2("patplan", "PatNum", "InsSubNum",
                 "The patient already has this InsSub."),
    RULE(OD_OP_PUT,
         "SELECT 1 FROM patplan o JOIN patplan p ON p.PatNum = o.PatNum "
         "AND p.PatPlanNum <> o.PatPlanNum WHERE o.PatPlanNum = ? "
         "AND p.InsSubNum = ?", "@key,InsSubNum",
         "The patient already has this InsSub."),
};

const struct od_resource od_res_patplans = {
    .name = "patplans", .table = "patplan", .pk = "PatPlanNum",
    OD_LIST(fields, patplan_fields),
    OD_LIST(filters, patplan_filters),
    .ops = OD_OPS_LIST_CRUD,
    .write_perm = ODAPI_PERM_INSURANCE_SIMPLE, .missing = "PatPlan not found.",
    SECLOG("PatPlan", PERM_INS_PLAN_ADD_PAT, PERM_INS_PLAN_ADD_PAT,
           PERM_INS_PLAN_DROP_PAT),
    .patnum_col = "PatNum",
    OD_LIST(sqldefaults, patplan_defaults),
    OD_LIST(checks, patplan_checks),
    /* a plan's own benefits go with it */
    .delete_sql = "DELETE p, b FROM patplan p LEFT JOIN benefit b ON "
                  "b.PatPlanNum = p.PatPlanNum WHERE p.PatPlanNum = ?",
};

/* ---- benefits ------------------------------------------------------------- */

static const struct od_field benefit_fields[] = {
    KEY("BenefitNum"),
    FKEY("PlanNum", OD_F_NOPUT, "SELECT 1 FROM insplan WHERE PlanNum = ?"),
    FKEY("PatPlanNum", OD_F_NOPUT,
         "SELECT 1 FROM patplan WHERE PatPlanNum = ?"),
    FLD("CovCatNum", OD_W_INT, 0),
    ENM("BenefitType", &enum_benefittype, OD_F_REQ, NULL),
    {.name = "Percent", .wire = OD_W_INT, .dflt = "-1"},
    {.name = "MonetaryAmt", .wire = OD_W_NUMBER, .dflt = "-1"},
    ENM("TimePeriod", &enum_timeperiod, 0, NULL),
    ENM("QuantityQualifier", &enum_quantity, 0, NULL),
    FLD("Quantity", OD_W_INT, 0),
    FKEY("CodeNum", 0, FK_CODE),
    DERIVED("procCode", "COALESCE(pc.ProcCode, '')"),
    ENM("CoverageLevel", &enum_coverage, OD_F_REQ, NULL),
    NOW_ON_INSERT("SecDateTEntry", OD_W_DATETIME),
    STAMP("SecDateTEdit"),
    FLD("CodeGroupNum", OD_W_INT, 0),
    ENM("TreatArea", &od_enum_treatarea, 0, NULL),
};

static const struct od_filter benefit_filters[] = {
    INTF("Percent"),
    INTF("PlanNum"),
    INTF("PatPlanNum"),
};

static const struct od_lookup benefit_lookups[] = {
    {.input = "procCode", .target = "CodeNum",
     .sql = "SELECT CodeNum FROM procedurecode WHERE "
            "ProcCode = ? ORDER BY CodeNum LIMIT 1"},
};

static const struct od_check benefit_checks[] = {
    VALUE_RULE(OD_OP_POST, "COALESCE(?, 0) = 0 AND COALESCE(?, 0) = 0",
               "?PlanNum,?PatPlanNum", "PlanNum or PatPlanNum is required."),
    VALUE_RULE(OD_OP_POST, "? <> 0 AND ? <> 0", "PlanNum,PatPlanNum",
               "Only one of PlanNum or PatPlanNum may be given."),
    OUT_OF_RANGE(OD_OP_POST | OD_OP_PUT, "Percent", -1, 100),
};

const struct od_resource od_res_benefits = {
    .name = "benefits", .table = "benefit", .pk = "BenefitNum",
    .joins = "LEFT JOIN procedurecode pc ON pc.CodeNum = t.CodeNum",
    OD_LIST(fields, benefit_fields),
    OD_LIST(filters, benefit_filters),
    .ops = OD_OPS_CRUD,
    .write_perm = ODAPI_PERM_INSURANCE, .missing = "Benefit not found.",
    SECLOG_ALL("Benefit", PERM_INS_PLAN_EDIT),
    OD_LIST(lookups, benefit_lookups),
    OD_LIST(checks, benefit_checks),
};

/* ---- claims --------------------------------------------------------------- */

static const struct od_field claim_fields[] = {
    KEY("ClaimNum"),
    FLD("PatNum", OD_W_INT, OD_F_RO),
    FLD("DateService", OD_W_DATE, OD_F_RO),
    FLD("DateSent", OD_W_DATE, OD_F_RO),
    CHK("ClaimStatus", OD_F_NOCLEAR, 0, check_claimstatus),
    FLD("DateReceived", OD_W_DATE, 0),
    FLD("PlanNum", OD_W_INT, OD_F_RO),
    FKEY("ProvTreat", 0, FK_PROV),
    FLD("ClaimFee", OD_W_NUMBER, OD_F_RO),
    FLD("InsPayEst", OD_W_NUMBER, OD_F_RO),
    FLD("InsPayAmt", OD_W_NUMBER, OD_F_RO),
    FLD("DedApplied", OD_W_NUMBER, OD_F_RO),
    CHK("IsProsthesis", 0, 0, check_prosthesis),
    FLD("PriorDate", OD_W_DATE, 0),
    TXT("ReasonUnderPaid", 0, 0),
    TXT("ClaimNote", 0, 0),
    TXT("ClaimType", OD_F_RO, 0),
    FKEY("ProvBill", 0, FK_PROV),
    ENM("PlaceService", &od_enum_placeservice, 0, NULL),
    CHK("AccidentRelated", 0, 0, check_accident),
    FLD("AccidentDate", OD_W_DATE, 0),
    CHK("AccidentST", 0, 0, od_check_state),
    FLD("IsOrtho", OD_W_BOOL, 0),
    FLD("OrthoRemainM", OD_W_INT, 0),
    FLD("OrthoDate", OD_W_DATE, 0),
    ENM("PatRelat", &enum_relat, 0, NULL),
    FLD("WriteOff", OD_W_NUMBER, OD_F_RO),
    /* a string in Open Dental's example */
    FLD("ClaimForm", OD_W_INT_STR, 0),
    FLD("InsSubNum", OD_W_INT, OD_F_RO),
    TXT("PriorAuthorizationNumber", 0, 0),
    FLD("CustomTracking", OD_W_INT, OD_F_RO),
    DEFNAME("customTracking", "ct"),
    FLD("OrthoTotalM", OD_W_INT, 0),
    STAMP("SecDateTEdit"),
};

static const struct od_filter claim_filters[] = {
    INTF("PatNum"),
    EQF("ClaimStatus", OD_W_TEXT),
    SINCEF("SecDateTEdit"),
};

static const struct od_check claim_checks[] = {
    VALUE_RULE(OD_OP_PUT, "? > 255 OR ? < 0", "OrthoRemainM,OrthoRemainM",
               "OrthoRemainM is invalid."),
    VALUE_RULE(OD_OP_PUT, "? > 255 OR ? < 0", "OrthoTotalM,OrthoTotalM",
               "OrthoTotalM is invalid."),
};

const struct od_resource od_res_claims = {
    .name = "claims", .table = "claim", .pk = "ClaimNum",
    .joins = "LEFT JOIN definition ct ON ct.DefNum = t.CustomTracking",
    OD_LIST(fields, claim_fields),
    OD_LIST(filters, claim_filters),
    .ops = OD_OPS_GET | OD_OP_PUT,
    .write_perm = ODAPI_PERM_INSURANCE, .missing = "Claim not found",
    .patnum_col = "PatNum",
    SECLOG("Claim", 0, PERM_CLAIM_EDIT, 0),
    OD_LIST(checks, claim_checks),
};

/* ---- claimprocs ----------------------------------------------------------- */

#define MONEY_RO(n) FLD(n, OD_W_NUMBER, OD_F_RO)
#define MONEY(n) FLD(n, OD_W_NUMBER, 0)

static const struct od_field claimproc_fields[] = {
    KEY("ClaimProcNum"),
    FLD("ProcNum", OD_W_INT, OD_F_RO),
    FLD("ClaimNum", OD_W_INT, OD_F_RO),
    FLD("PatNum", OD_W_INT, OD_F_RO),
    FKEY("ProvNum", 0, FK_PROV),
    MONEY("FeeBilled"),
    MONEY_RO("InsPayEst"),
    MONEY("DedApplied"),
    ENM("Status", &od_enum_claimprocstatus, 0, NULL),
    MONEY("InsPayAmt"),
    TXT("Remarks", 0, 0),
    FLD("ClaimPaymentNum", OD_W_INT, 0),
    FLD("PlanNum", OD_W_INT, OD_F_RO),
    FLD("DateCP", OD_W_DATE, OD_F_RO),
    MONEY("WriteOff"),
    TXT("CodeSent", 0, 0),
    MONEY_RO("AllowedOverride"),
    FLD("Percentage", OD_W_INT, OD_F_RO),
    FLD("PercentOverride", OD_W_INT, 0),
    MONEY_RO("CopayAmt"),
    FLD("NoBillIns", OD_W_BOOL, 0),
    MONEY_RO("PaidOtherIns"),
    MONEY_RO("BaseEst"),
    MONEY("CopayOverride"),
    FLD("ProcDate", OD_W_DATE, OD_F_RO),
    FLD("DateEntry", OD_W_DATE, OD_F_RO),
    MONEY_RO("DedEst"),
    MONEY("DedEstOverride"),
    MONEY_RO("InsEstTotal"),
    MONEY("InsEstTotalOverride"),
    MONEY("PaidOtherInsOverride"),
    TXT("EstimateNote", OD_F_RO, 0),
    MONEY_RO("WriteOffEst"),
    MONEY("WriteOffEstOverride"),
    FLD("ClinicNum", OD_W_INT, OD_F_RO),
    FLD("InsSubNum", OD_W_INT, OD_F_RO),
    FLD("PaymentRow", OD_W_INT, OD_F_RO),
    FLD("PayPlanNum", OD_W_INT, OD_F_RO),
    FKEY("ClaimPaymentTracking", 0, FK_DEF(36)),
    DEFNAME("claimPaymentTracking", "cpt"),
    SECUSERNUMENTRY,
    FLD("SecDateEntry", OD_W_DATE, OD_F_RO),
    STAMP("SecDateTEdit"),
    FLD("DateSuppReceived", OD_W_DATE, OD_F_RO),
    FLD("DateInsFinalized", OD_W_DATE, OD_F_RO),
    FLD("IsTransfer", OD_W_BOOL, OD_F_RO),
    TXT("ClaimAdjReasonCodes", OD_F_RO, 0),
};

static const struct od_filter claimproc_filters[] = {
    INTF("ProcNum"),
    INTF("ClaimNum"),
    INTF("PatNum"),
    ENUMF("Status", &od_enum_claimprocstatus),
    INTF("ClaimPaymentNum"),
    INTF("PlanNum"),
    EQF("DateCP", OD_W_DATE),
};

static const struct od_check claimproc_checks[] = {
    OUT_OF_RANGE(OD_OP_PUT, "PercentOverride", -1, 100),
    /* a claimproc on a claim cannot become an estimate, and one without a
     * claim cannot become received */
    RULE(OD_OP_PUT,
         "SELECT 1 FROM claimproc WHERE ClaimProcNum = ? AND ClaimNum <> 0 "
         "AND ? IN (6, 8, 9)", "@key,Status",
         "Status is invalid for a claimproc attached to a claim."),
    RULE(OD_OP_PUT,
         "SELECT 1 FROM claimproc WHERE ClaimProcNum = ? AND ClaimNum = 0 "
         "AND ? IN (0, 1, 2, 4, 5, 7)", "@key,Status",
         "Status is invalid for a claimproc not attached to a claim."),
};

const struct od_resource od_res_claimprocs = {
    .name = "claimprocs", .table = "claimproc", .pk = "ClaimProcNum",
    .joins = "LEFT JOIN definition cpt ON cpt.DefNum = "
             "t.ClaimPaymentTracking",
    OD_LIST(fields, claimproc_fields),
    OD_LIST(filters, claimproc_filters),
    .ops = OD_OPS_GET | OD_OP_PUT,
    .write_perm = ODAPI_PERM_INSURANCE, .missing = "ClaimProc not found.",
    SECLOG("ClaimProc", 0, PERM_CLAIM_PROC_RECEIVED_EDIT, 0),
    .patnum_col = "PatNum",
    OD_LIST(checks, claimproc_checks),
};
