/* family.c - eobattaches as a description run by resource.c, and the family
 * module's insurance view, GET /familymodules/{PatNum}/Insurance (the
 * api*.html pages "eobattaches", "familymodules"). The view is a join of
 * patplan, inssub, insplan, carrier, the subscriber's patient row, employer
 * and feesched written by the engine's row writer from a description that is
 * never registered itself; a small handler (actions/family.c) reads the PatNum
 * from the path. Field order is Open Dental's; lower-case names are derived,
 * read-only companions. Choices Open Dental's docs leave open are in
 * docs/resources.md ("documents PUT/DELETE, eobattaches, familymodules"). */
#include "resources/shorthand-internal.h"

/* EnumPermType values used in securitylog (GroupPermission.cs). */
enum { PERM_INS_PAY_EDIT = 37 };

/* ---- eobattaches ----------------------------------------------------------- */

static const struct od_field eobattach_fields[] = {
    KEY("EobAttachNum"),
    RO("ClaimPaymentNum", OD_W_INT),
    RO("DateTCreated", OD_W_DATETIME),
    RO("FileName", OD_W_TEXT),
};

static const struct od_filter eobattach_filters[] = {
    INTF("ClaimPaymentNum"),
};

const struct od_resource od_res_eobattaches = {
    .name = "eobattaches", .table = "eobattach", .pk = "EobAttachNum",
    OD_LIST(fields, eobattach_fields),
    OD_LIST(filters, eobattach_filters),
    /* EobAttaches.Refresh: in the order they were scanned */
    .order = "t.DateTCreated, t.EobAttachNum",
    /* DELETE removes the file too: features/docdelete.c */
    .ops = OD_OP_GET_LIST,
    .write_perm = ODAPI_PERM_ALL_OTHERS, .missing = "EobAttach not found.",
    SECLOG("EobAttach", 0, 0, PERM_INS_PAY_EDIT),
};

/* ---- familymodules/{PatNum}/Insurance ---------------------------------------- */

#define FAM_JOINS                                                            \
    "LEFT JOIN inssub s ON s.InsSubNum = t.InsSubNum "                      \
    "LEFT JOIN insplan ip ON ip.PlanNum = s.PlanNum "                       \
    "LEFT JOIN carrier c ON c.CarrierNum = ip.CarrierNum "                  \
    "LEFT JOIN patient sp ON sp.PatNum = s.Subscriber "                     \
    "LEFT JOIN feesched fs ON fs.FeeSchedNum = ip.FeeSched "                \
    "LEFT JOIN feesched cfs ON cfs.FeeSchedNum = ip.CopayFeeSched "         \
    "LEFT JOIN employer e ON e.EmployerNum = ip.EmployerNum"

static const struct od_field faminsurance_fields[] = {
    RO("PatNum", OD_W_INT),
    RO("InsSubNum", OD_W_INT),
    EXPR("Subscriber", "COALESCE(s.Subscriber, 0)", OD_W_INT),
    /* "First and last name of Subscriber" */
    EXPR("subscriber", "COALESCE(TRIM(CONCAT(sp.FName, ' ', sp.LName)), '')",
         OD_W_TEXT),
    JOINED_TEXT("s", "SubscriberID"),
    JOINED_TEXT("s", "SubscNote"),
    KEY("PatPlanNum"),
    RO("Ordinal", OD_W_INT),
    /* the Family module's column heading (ContrFamily.FillInsData): a
     * medical plan is "Medical"; the dental plans, in Ordinal order, are
     * Primary, Secondary, then Other */
    EXPR("ordinal",
         "CASE WHEN COALESCE(ip.IsMedical, 0) <> 0 THEN 'Medical' ELSE ELT("
         "LEAST(3, 1 + (SELECT COUNT(*) FROM patplan p2 JOIN inssub s2 ON "
         "s2.InsSubNum = p2.InsSubNum JOIN insplan i2 ON i2.PlanNum = "
         "s2.PlanNum WHERE p2.PatNum = t.PatNum AND i2.IsMedical = 0 AND "
         "(p2.Ordinal < t.Ordinal OR (p2.Ordinal = t.Ordinal AND "
         "p2.PatPlanNum < t.PatPlanNum)))), 'Primary', 'Secondary', 'Other') "
         "END",
         OD_W_TEXT),
    RO("IsPending", OD_W_BOOL),
    EXPR("Relationship",
         "COALESCE(ELT(t.Relationship + 1, 'Self', 'Spouse', 'Child', "
         "'Employee', 'HandicapDep', 'SignifOther', 'InjuredPlaintiff', "
         "'LifePartner', 'Dependent'), '')",
         OD_W_TEXT),
    RO("PatID", OD_W_TEXT),
    EXPR("CarrierNum", "COALESCE(ip.CarrierNum, 0)", OD_W_INT),
    JOINED_TEXT("c", "CarrierName"),
    EXPR("PlanNum", "COALESCE(s.PlanNum, 0)", OD_W_INT),
    JOINED_TEXT("ip", "GroupName"),
    JOINED_TEXT("ip", "GroupNum"),
    JOINED_TEXT("ip", "PlanNote"),
    EXPR("FeeSched", "COALESCE(ip.FeeSched, 0)", OD_W_INT),
    EXPR("feeSchedule", "COALESCE(fs.Description, '')", OD_W_TEXT),
    JOINED_TEXT("ip", "PlanType"),
    /* the Family module's "Plan Type" row; a PPO whose copay schedule is
     * a FixedBenefit (3) one is "PPO Fixed Benefit" */
    EXPR("planType",
         "CASE COALESCE(ip.PlanType, '') WHEN '' THEN 'Category Percentage' "
         "WHEN 'p' THEN IF(cfs.FeeSchedType = 3, 'PPO Fixed Benefit', "
         "'PPO Percentage') WHEN 'f' THEN 'Medicaid or Flat Co-pay' "
         "WHEN 'c' THEN 'Capitation' ELSE '' END",
         OD_W_TEXT),
    EXPR("CopayFeeSched", "COALESCE(ip.CopayFeeSched, 0)", OD_W_INT),
    EXPR("EmployerNum", "COALESCE(ip.EmployerNum, 0)", OD_W_INT),
    EXPR("employer", "COALESCE(e.EmpName, '')", OD_W_TEXT),
    EXPR("IsMedical", "COALESCE(ip.IsMedical, 0)", OD_W_BOOL),
};

/* never registered: rows for actions/family.c */
const struct od_resource od_res_faminsurance = {
    .name = "familymodules", .table = "patplan", .pk = "PatPlanNum",
    .joins = FAM_JOINS,
    OD_LIST(fields, faminsurance_fields),
    .missing = "Patient not found.",
};

static const struct od_field patnum_only[] = {KEY("PatNum")};
const struct od_resource od_res_patient_exists = {
    .name = "patients", .table = "patient", .pk = "PatNum",
    OD_LIST(fields, patnum_only),
};
