"""Resources II: the medical, patient-record, fee, insurance, claim,
securitylog, document and userod descriptions, through HTTP against the
seeded test database and the embedded sandbox."""
import re
import urllib.parse


from conftest import db, find, get, uniq, put, err, post

DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
EVIL = "'; DROP TABLE patient; --"

ALLERGY = ["AllergyNum", "AllergyDefNum", "PatNum", "defDescription",
           "defSnomedType", "Reaction", "StatusIsActive",
           "DateAdverseReaction"]
ALLERGYDEF = ["AllergyDefNum", "Description", "IsHidden", "DateTStamp",
              "SnomedType", "MedicationNum", "UniiCode"]
DISEASEDEF = ["DiseaseDefNum", "DiseaseName", "IsHidden", "DateTStamp",
              "SnomedCode"]
DISEASE = ["DiseaseNum", "PatNum", "DiseaseDefNum", "diseaseDefName",
           "PatNote", "ProbStatus", "DateStart", "DateStop"]
MEDICATION = ["MedicationNum", "MedName", "GenericNum", "genericName",
              "Notes", "DateTStamp"]
MEDPAT = ["MedicationPatNum", "PatNum", "medName", "MedicationNum",
          "PatNote", "DateStart", "DateStop", "ProvNum"]
RECALL = ["RecallNum", "PatNum", "DateDue", "DatePrevious", "RecallInterval",
          "RecallStatus", "recallStatus", "Note", "IsDisabled", "DateTStamp",
          "RecallTypeNum", "DisableUntilBalance", "DisableUntilDate",
          "DateScheduled", "Priority", "TimePatternOverride"]
RECALLTYPE = ["RecallTypeNum", "Description", "DefaultInterval",
              "TimePattern", "Procedures", "AppendToSpecial"]
APPTFIELD = ["FieldName", "AptNum", "FieldValue"]
PATFIELD = ["PatFieldNum", "PatNum", "FieldName", "FieldValue",
            "SecDateEntry", "SecDateTEdit"]
REFERRAL = ["ReferralNum", "LName", "FName", "MName", "SSN", "UsingTIN",
            "Specialty", "specialty", "ST", "Telephone", "Address", "City",
            "Zip", "Note", "IsHidden", "NotPerson", "Title", "EMail",
            "PatNum", "IsDoctor", "DateTStamp", "IsPreferred",
            "BusinessName", "DisplayNote", "isPatient"]
REFATTACH = ["RefAttachNum", "ReferralNum", "referralName", "PatNum",
             "ItemOrder", "RefDate", "ReferralType", "RefToStatus", "Note",
             "IsTransitionOfCare", "ProcNum", "DateProcComplete", "ProvNum",
             "DateTStamp"]
FEE = ["FeeNum", "Amount", "FeeSched", "CodeNum", "ClinicNum", "ProvNum",
       "SecUserNumEntry", "SecDateEntry", "SecDateTEdit"]
FEESCHED = ["FeeSchedNum", "Description", "FeeSchedType", "ItemOrder",
            "IsHidden", "IsGlobal", "SecUserNumEntry", "SecDateEntry",
            "SecDateTEdit"]
CARRIER = ["CarrierNum", "CarrierName", "Address", "City", "State", "Zip",
           "Phone", "ElectID", "NoSendElect", "IsHidden"]
INSPLAN = ["PlanNum", "GroupName", "GroupNum", "PlanNote", "FeeSched",
           "PlanType", "ClaimFormNum", "ClaimsUseUCR", "CopayFeeSched",
           "EmployerNum", "CarrierNum", "IsMedical", "FilingCode",
           "ShowBaseUnits", "CodeSubstNone", "IsHidden", "MonthRenew",
           "FilingCodeSubtype", "CobRule", "SecUserNumEntry", "SecDateEntry",
           "SecDateTEdit", "BillingType", "ExclusionFeeRule",
           "ManualFeeSchedNum", "IsBlueBookEnabled",
           "InsPlansZeroWriteOffsOnAnnualMaxOverride",
           "InsPlansZeroWriteOffsOnFreqOrAgingOverride"]
INSSUB = ["InsSubNum", "PlanNum", "Subscriber", "DateEffective", "DateTerm",
          "SubscriberID", "BenefitNotes", "ReleaseInfo", "AssignBen",
          "SubscNote", "SecDateTEdit"]
PATPLAN = ["PatPlanNum", "PatNum", "Ordinal", "IsPending", "Relationship",
           "PatID", "InsSubNum", "OrthoAutoFeeBilledOverride",
           "OrthoAutoNextClaimDate", "SecDateTEntry", "SecDateTEdit"]
BENEFIT = ["BenefitNum", "PlanNum", "PatPlanNum", "CovCatNum", "BenefitType",
           "Percent", "MonetaryAmt", "TimePeriod", "QuantityQualifier",
           "Quantity", "CodeNum", "procCode", "CoverageLevel",
           "SecDateTEntry", "SecDateTEdit", "CodeGroupNum", "TreatArea"]
CLAIM = ["ClaimNum", "PatNum", "DateService", "DateSent", "ClaimStatus",
         "DateReceived", "PlanNum", "ProvTreat", "ClaimFee", "InsPayEst",
         "InsPayAmt", "DedApplied", "IsProsthesis", "PriorDate",
         "ReasonUnderPaid", "ClaimNote", "ClaimType", "ProvBill",
         "PlaceService", "AccidentRelated", "AccidentDate", "AccidentST",
         "IsOrtho", "OrthoRemainM", "OrthoDate", "PatRelat", "WriteOff",
         "ClaimForm", "InsSubNum", "PriorAuthorizationNumber",
         "CustomTracking", "customTracking", "OrthoTotalM", "SecDateTEdit"]
CLAIMPROC = ["ClaimProcNum", "ProcNum", "ClaimNum", "PatNum", "ProvNum",
             "FeeBilled", "InsPayEst", "DedApplied", "Status", "InsPayAmt",
             "Remarks", "ClaimPaymentNum", "PlanNum", "DateCP", "WriteOff",
             "CodeSent", "AllowedOverride", "Percentage", "PercentOverride",
             "CopayAmt", "NoBillIns", "PaidOtherIns", "BaseEst",
             "CopayOverride", "ProcDate", "DateEntry", "DedEst",
             "DedEstOverride", "InsEstTotal", "InsEstTotalOverride",
             "PaidOtherInsOverride", "EstimateNote", "WriteOffEst",
             "WriteOffEstOverride", "ClinicNum", "InsSubNum", "PaymentRow",
             "PayPlanNum", "ClaimPaymentTracking", "claimPaymentTracking",
             "SecUserNumEntry", "SecDateEntry", "SecDateTEdit",
             "DateSuppReceived", "DateInsFinalized", "IsTransfer",
             "ClaimAdjReasonCodes"]
SECLOG = ["SecurityLogNum", "PermType", "UserNum", "LogDateTime", "LogText",
          "PatNum", "CompName", "LogSource"]
DOCUMENT = ["DocNum", "Description", "DateCreated", "DocCategory",
            "docCategory", "PatNum", "FileName", "ImgType", "ToothNumbers",
            "DateTStamp", "ProvNum", "PrintHeading"]
DOCUMENT_LIST = ["DocNum", "MountNum", "filePath", "Description", "PatNum",
                 "Note", "DateCreated", "docCategory", "DocCategory",
                 "ToothNumbers", "ProvNum", "PrintHeading", "DateTStamp",
                 "serverDateTime"]
USEROD = ["UserNum", "UserName", "userGroupNums", "EmployeeNum",
          "employeeName", "ClinicNum", "ProviderNum", "providerName",
          "emailAddress", "IsHidden", "UserNumCEMT", "IsPasswordResetRequired"]


def q(s):
    return urllib.parse.quote(s)


def new_patient(api):
    status, obj, _ = api.request("POST", "patients",
                                 {"LName": "Moretest", "FName": "Pat"})
    assert status == 201, obj
    return obj["PatNum"]


def changed_only(before, after, given):
    """PUT changed exactly the given fields (stamps aside)."""
    for k in before:
        if k in given or k in ("DateTStamp", "SecDateTEdit"):
            continue
        assert after[k] == before[k], k


def own_log(api, perm, fkey):
    rows = db(api, "SELECT LogText, LogSource FROM securitylog WHERE "
                   "PermType = %d AND FKey = %d" % (perm, fkey))
    if rows is not None:
        assert rows and all(r == ["%s by Sandbox Developer through API."
                                  % r[0].split(" by ")[0], "23"]
                            for r in rows), rows


# ---- allergydefs / allergies ----------------------------------------------------

def test_allergydefs_and_allergies_round_trip(api):
    name = uniq("Latex")
    d = post(api, "allergydefs", {"Description": name,
                                  "SnomedType": "AllergyToSubstance"})
    assert list(d) == ALLERGYDEF
    assert (d["Description"], d["SnomedType"], d["IsHidden"]) == (
        name, "AllergyToSubstance", "false")
    assert DATETIME.match(d["DateTStamp"])
    assert err(api, "POST", "allergydefs", {"Description": name}) == (
        400, "An AllergyDef with that name already exists")
    assert err(api, "POST", "allergydefs", {"SnomedType": "None"}) == (
        400, "Description is required.")
    assert err(api, "POST", "allergydefs", {"Description": uniq("x"),
                                            "SnomedType": "Pollen"}) == (
        400, "SnomedType is invalid.")
    _, rows, _ = api.request("GET", "allergydefs")
    assert d in rows and all(list(r) == ALLERGYDEF for r in rows)

    pat = new_patient(api)
    a = post(api, "allergies", {"PatNum": pat, "defDescription": name,
                                "Reaction": "Hives"})
    assert list(a) == ALLERGY
    assert (a["AllergyDefNum"], a["defDescription"], a["defSnomedType"],
            a["Reaction"], a["StatusIsActive"], a["DateAdverseReaction"]) == (
        d["AllergyDefNum"], name, "AllergyToSubstance", "Hives", "true",
        "0001-01-01")
    _, rows, _ = api.request("GET", "allergies?PatNum=%d" % pat)
    assert rows == [a]
    b = put(api, "allergies/%d" % a["AllergyNum"],
            {"Reaction": "Rash", "DateAdverseReaction": "2024-02-03"})
    assert (b["Reaction"], b["DateAdverseReaction"]) == ("Rash", "2024-02-03")
    changed_only(a, b, {"Reaction", "DateAdverseReaction"})
    # AllergyDefNum and PatNum are not changed by PUT
    c = put(api, "allergies/%d" % a["AllergyNum"], {"PatNum": 1,
                                                    "StatusIsActive": "false"})
    assert (c["PatNum"], c["StatusIsActive"]) == (pat, "false")
    own_log(api, 73, a["AllergyNum"])
    assert err(api, "GET", "allergies") == (400, "PatNum is required.")
    assert err(api, "POST", "allergies", {"PatNum": pat}) == (
        400, "defDescription or AllergyDefNum is required.")
    assert err(api, "POST", "allergies", {"defDescription": name}) == (
        400, "PatNum is required.")
    assert err(api, "POST", "allergies", {"PatNum": 99999999,
                                          "defDescription": name}) == (
        404, "Patient not found.")
    # a refused POST makes no AllergyDef (nor on MyISAM: made last)
    fresh = uniq("never")
    assert err(api, "POST", "allergies", {"PatNum": 99999999,
                                          "defDescription": fresh}) == (
        404, "Patient not found.")
    assert fresh not in [r["Description"] for r in
                         api.request("GET", "allergydefs")[1]]
    assert err(api, "PUT", "allergies/99999999", {"Reaction": "x"}) == (
        404, "Allergy not found.")
    assert api.request("DELETE", "allergies/%d" % a["AllergyNum"])[0] == 200
    assert api.request("GET", "allergies?PatNum=%d" % pat)[1] == []
    assert err(api, "DELETE", "allergies/%d" % a["AllergyNum"]) == (
        404, "Allergy not found.")


# ---- diseasedefs / diseases ------------------------------------------------------

def test_diseasedefs_and_diseases_round_trip(api):
    name = uniq("Asthma")
    d = post(api, "diseasedefs", {"DiseaseName": name, "SnomedCode": "195967001"})
    assert list(d) == DISEASEDEF
    st, one, _ = api.request("GET", "diseasedefs/%d" % d["DiseaseDefNum"])
    assert (st, one) == (200, d)
    assert err(api, "GET", "diseasedefs/99999999") == (
        404, "DiseaseDef not found.")
    assert err(api, "POST", "diseasedefs", {"DiseaseName": name}) == (
        400, "A DiseaseDef with that name already exists")
    assert err(api, "POST", "diseasedefs", {}) == (
        400, "DiseaseName is required.")
    assert d in api.request("GET", "diseasedefs")[1]

    pat = new_patient(api)
    x = post(api, "diseases", {"PatNum": pat, "diseaseDefName": name,
                               "ProbStatus": "Active", "DateStart": "2023-05-06"})
    assert list(x) == DISEASE
    assert (x["DiseaseDefNum"], x["diseaseDefName"], x["ProbStatus"],
            x["DateStart"], x["DateStop"]) == (
        d["DiseaseDefNum"], name, "Active", "2023-05-06", "0001-01-01")
    assert api.request("GET", "diseases/%d" % x["DiseaseNum"])[1] == x
    assert api.request("GET", "diseases?PatNum=%d" % pat)[1] == [x]
    y = put(api, "diseases/%d" % x["DiseaseNum"],
            {"ProbStatus": "Resolved", "PatNote": "better"})
    assert (y["ProbStatus"], y["PatNote"]) == ("Resolved", "better")
    changed_only(x, y, {"ProbStatus", "PatNote"})
    assert err(api, "PUT", "diseases/%d" % x["DiseaseNum"],
               {"ProbStatus": "Cured"}) == (400, "ProbStatus is invalid.")
    assert err(api, "PUT", "diseases/%d" % x["DiseaseNum"],
               {"DateStop": "2024-13-01"}) == (
        400, "DateStop format must be yyyy-MM-dd.")
    assert err(api, "POST", "diseases", {"PatNum": pat}) == (
        400, "diseaseDefName or DiseaseDefNum is required.")
    assert err(api, "GET", "diseases/99999999") == (404, "Disease not found.")
    own_log(api, 71, x["DiseaseNum"])
    assert api.request("DELETE", "diseases/%d" % x["DiseaseNum"])[0] == 200
    assert err(api, "GET", "diseases/%d" % x["DiseaseNum"]) == (
        404, "Disease not found.")


# ---- medications / medicationpats -------------------------------------------------

def test_medications_and_medicationpats_round_trip(api):
    generic = uniq("Amoxicillin")
    brand = uniq("Amoxil")
    g = post(api, "medications", {"MedName": generic, "Notes": "antibiotic"})
    assert list(g) == MEDICATION
    assert (g["GenericNum"], g["genericName"]) == (g["MedicationNum"], generic)
    assert DATE.match(g["DateTStamp"])
    b = post(api, "medications", {"MedName": brand, "genericName": generic})
    assert (b["GenericNum"], b["genericName"]) == (g["MedicationNum"], generic)
    assert err(api, "POST", "medications", {"MedName": brand}) == (
        400, "A Medication with that MedName already exists.")
    assert err(api, "POST", "medications", {"MedName": uniq("m"),
                                            "genericName": uniq("none")}) == (
        400, "genericName is invalid.")
    assert err(api, "POST", "medications", {"Notes": "x"}) == (
        400, "MedName is required.")
    meds = api.request("GET", "medications?Limit=1000")[1]
    assert g in meds and b in meds

    pat = new_patient(api)
    m = post(api, "medicationpats", {"PatNum": pat, "medName": brand,
                                     "DateStart": "2024-01-02"})
    assert list(m) == MEDPAT
    assert (m["PatNum"], m["medName"], m["MedicationNum"], m["DateStart"]) == (
        str(pat), brand, b["MedicationNum"], "2024-01-02")
    assert api.request("GET", "medicationpats?PatNum=%d" % pat)[1] == [m]
    n = put(api, "medicationpats/%d" % m["MedicationPatNum"],
            {"PatNote": "twice daily", "DateStop": "2024-02-02"})
    changed_only(m, n, {"PatNote", "DateStop"})
    assert (n["PatNote"], n["DateStop"]) == ("twice daily", "2024-02-02")
    assert err(api, "PUT", "medicationpats/%d" % m["MedicationPatNum"],
               {"ProvNum": 99999}) == (400, "ProvNum is invalid.")
    assert err(api, "POST", "medicationpats", {"medName": brand}) == (
        400, "PatNum is required.")
    assert err(api, "POST", "medicationpats", {"PatNum": pat}) == (
        400, "medName or MedicationNum is required.")
    assert err(api, "PUT", "medicationpats/99999999", {"PatNote": "x"}) == (
        404, "MedicationPat not found.")
    own_log(api, 72, m["MedicationPatNum"])
    assert api.request("DELETE",
                       "medicationpats/%d" % m["MedicationPatNum"])[0] == 200
    assert api.request("GET", "medicationpats?PatNum=%d" % pat)[1] == []


# ---- recalltypes / recalls ---------------------------------------------------------

def test_recalltypes_and_recalls(api):
    assert err(api, "GET", "recalltypes/99999999") == (
        404, "RecallType not found.")
    assert api.request("GET", "recalls?PatNum=99999999")[:2] == (200, [])
    pat = new_patient(api)
    assert err(api, "POST", "recalls", {"PatNum": pat,
                                        "RecallTypeNum": 99999999}) == (
        400, "RecallTypeNum is invalid.")
    assert err(api, "POST", "recalls", {"PatNum": pat}) == (
        400, "RecallTypeNum is required.")
    # the seeded types (RecallTypes.SetToDefault's): Prophy, 6 months
    types = api.request("GET", "recalltypes")[1]
    assert [x["Description"] for x in types][:3] == [
        "Prophy", "Child Prophy", "Perio"]
    num = types[0]["RecallTypeNum"]
    t = api.request("GET", "recalltypes/%d" % num)[1]
    assert list(t) == RECALLTYPE and t == types[0]
    assert (t["DefaultInterval"], t["TimePattern"], t["Procedures"],
            t["AppendToSpecial"]) == ("6m1d", "/XXXX/", "D1110", "false")
    assert api.request("GET", "recalltypes/%d" % types[3]["RecallTypeNum"])[
        1]["AppendToSpecial"] == "true"

    r = post(api, "recalls", {"PatNum": pat, "RecallTypeNum": num,
                              "DateDue": "2025-03-04"})
    assert list(r) == RECALL
    assert (r["RecallInterval"], r["DateDue"], r["Priority"],
            r["IsDisabled"]) == ("6m1d", "2025-03-04", "Normal", "false")
    assert api.request("GET", "recalls?PatNum=%d" % pat)[1] == [r]
    assert err(api, "POST", "recalls", {"PatNum": pat,
                                        "RecallTypeNum": num}) == (
        400, "The patient already has a recall of this RecallType.")
    s = put(api, "recalls/%d" % r["RecallNum"],
            {"RecallInterval": "1y2m3w4d", "Priority": "ASAP"})
    changed_only(r, s, {"RecallInterval", "Priority"})
    assert (s["RecallInterval"], s["Priority"]) == ("1y2m3w4d", "ASAP")
    assert db(api, "SELECT RecallInterval FROM recall WHERE RecallNum = %d"
              % r["RecallNum"]) in (
        None, [[str((1 << 24) | (2 << 16) | (3 << 8) | 4)]])
    for bad in ("6x", "m6", "300d", ""):
        assert err(api, "PUT", "recalls/%d" % r["RecallNum"],
                   {"RecallInterval": bad}) == (
            400, "RecallInterval is invalid."), bad
    assert err(api, "PUT", "recalls/%d" % r["RecallNum"],
               {"Priority": "Urgent"}) == (400, "Priority is invalid.")
    assert err(api, "PUT", "recalls/99999999", {"Note": "x"}) == (
        404, "Recall not found.")
    own_log(api, 156, r["RecallNum"])


# ---- apptfields / patfields (upserts) ----------------------------------------------

def test_apptfields_upsert(api):
    apt = api.request("GET", "appointments?Limit=1")[1][0]["AptNum"]
    name = uniq("Ins Verified")
    assert err(api, "GET", "apptfields?AptNum=%d" % apt) == (
        400, "FieldName is required.")
    assert err(api, "GET", "apptfields?AptNum=%d&FieldName=%s"
               % (apt, q(name))) == (404, "ApptField not found.")
    assert err(api, "PUT", "apptfields", {"AptNum": apt, "FieldName": name,
                                          "FieldValue": "Yes"}) == (
        400, "FieldName is invalid.")
    assert err(api, "PUT", "apptfields", {"AptNum": apt,
                                          "FieldValue": "Yes"}) == (
        400, "FieldName is required.")
    # the definition through the API, so the embedded backend runs it too
    post(api, "apptfielddefs", {"FieldName": name})
    assert err(api, "PUT", "apptfields", {"AptNum": apt,
                                          "FieldName": name}) == (
        400, "FieldValue is required.")
    assert err(api, "PUT", "apptfields", {"AptNum": 99999999,
                                          "FieldName": name,
                                          "FieldValue": "Yes"}) == (
        404, "Appointment not found.")
    a = put(api, "apptfields", {"AptNum": apt, "FieldName": name,
                                "FieldValue": "Yes"})
    assert list(a) == APPTFIELD and a == {"FieldName": name, "AptNum": apt,
                                          "FieldValue": "Yes"}
    b = put(api, "apptfields", {"AptNum": apt, "FieldName": name,
                                "FieldValue": ""})
    assert b["FieldValue"] == ""
    assert api.request("GET", "apptfields?AptNum=%d&FieldName=%s"
                       % (apt, q(name)))[:2] == (200, b)
    assert db(api, "SELECT COUNT(*) FROM apptfield WHERE FieldName = '%s'"
              % name) in ([["1"]], None)


def test_patfields_post_upsert_delete(api):
    pat = new_patient(api)
    name = uniq("Alert")
    assert err(api, "POST", "patfields", {"PatNum": pat, "FieldName": name,
                                          "FieldValue": "x"}) == (
        400, "FieldName is invalid.")
    assert err(api, "POST", "patfields", {"PatNum": pat,
                                          "FieldName": name}) == (
        400, "FieldValue is required.")
    assert err(api, "GET", "patfields/99999999") == (404, "PatField not found.")
    assert api.request("GET", "patfields?PatNum=%d" % pat)[1] == []
    # the definition through the API, so the embedded backend runs it too
    post(api, "patfielddefs", {"FieldName": name, "FieldType": "Text"})
    f = post(api, "patfields", {"PatNum": pat, "FieldName": name,
                                "FieldValue": "Latex"})
    assert list(f) == PATFIELD
    assert (f["FieldValue"], DATE.match(f["SecDateEntry"]) is not None) == (
        "Latex", True)
    assert err(api, "POST", "patfields", {"PatNum": pat, "FieldName": name,
                                          "FieldValue": "y"}) == (
        400, "A PatField with that FieldName already exists for this "
             "patient.")
    g = put(api, "patfields", {"PatNum": pat, "FieldName": name,
                               "FieldValue": "Nuts"})
    assert (g["PatFieldNum"], g["FieldValue"], g["SecDateEntry"]) == (
        f["PatFieldNum"], "Nuts", f["SecDateEntry"])
    pat2 = new_patient(api)
    h = put(api, "patfields", {"PatNum": pat2, "FieldName": name,
                               "FieldValue": "New"})
    assert h["PatFieldNum"] != f["PatFieldNum"] and h["PatNum"] == pat2
    _, rows, _ = api.request("GET", "patfields?FieldName=%s" % q(name))
    assert [r["PatFieldNum"] for r in rows] == [f["PatFieldNum"],
                                                h["PatFieldNum"]]
    assert api.request("GET", "patfields/%d" % f["PatFieldNum"])[1] == g
    own_log(api, 80, f["PatFieldNum"])
    assert api.request("DELETE", "patfields/%d" % f["PatFieldNum"])[0] == 200
    assert err(api, "GET", "patfields/%d" % f["PatFieldNum"]) == (
        404, "PatField not found.")


# ---- referrals / refattaches --------------------------------------------------------

def test_referrals_and_refattaches(api):
    lname = uniq("Ortho")
    r = post(api, "referrals", {"LName": lname, "FName": "Ann",
                                "Telephone": "5035551234", "ST": "OR",
                                "IsDoctor": "true"})
    assert list(r) == REFERRAL
    assert (r["LName"], r["FName"], r["ST"], r["IsDoctor"], r["isPatient"],
            r["IsHidden"]) == (lname, "Ann", "OR", "true", "false", "false")
    assert api.request("GET", "referrals/%d" % r["ReferralNum"])[1] == r
    s = put(api, "referrals/%d" % r["ReferralNum"],
            {"Title": "DDS", "LName": ""})
    changed_only(r, s, {"Title"})
    assert (s["Title"], s["LName"]) == ("DDS", lname)
    assert err(api, "POST", "referrals", {"FName": "x"}) == (
        400, "LName is required.")
    assert err(api, "POST", "referrals", {"LName": "x",
                                          "Telephone": "503-555"}) == (
        400, "Telephone is invalid.")
    assert err(api, "GET", "referrals/99999999") == (404, "Referral not found.")
    _, docs, _ = api.request("GET", "referrals?IsDoctor=true&Limit=1000")
    assert s in docs and all(x["IsDoctor"] == "true" for x in docs)
    assert err(api, "GET", "referrals?IsDoctor=maybe") == (
        400, "IsDoctor is invalid.")

    pat = new_patient(api)
    a = post(api, "refattaches", {"PatNum": pat,
                                  "referralName": lname + ", Ann"})
    assert list(a) == REFATTACH
    assert (a["ReferralNum"], a["referralName"], a["ReferralType"],
            a["RefToStatus"], a["ItemOrder"]) == (
        r["ReferralNum"], lname + ", Ann", "RefFrom", "None", 1)
    assert DATE.match(a["RefDate"]) and a["RefDate"] != "0001-01-01"
    b = post(api, "refattaches", {"PatNum": pat,
                                  "ReferralNum": r["ReferralNum"],
                                  "ReferralType": "RefTo"})
    assert (b["ItemOrder"], b["ReferralType"]) == (2, "RefTo")
    assert [x["RefAttachNum"] for x in api.request(
        "GET", "refattaches?PatNum=%d" % pat)[1]] == [a["RefAttachNum"],
                                                       b["RefAttachNum"]]
    c = put(api, "refattaches/%d" % a["RefAttachNum"],
            {"RefToStatus": "Scheduled", "Note": "call"})
    changed_only(a, c, {"RefToStatus", "Note"})
    assert err(api, "PUT", "refattaches/%d" % a["RefAttachNum"],
               {"RefToStatus": "Lost"}) == (400, "RefToStatus is invalid.")
    assert err(api, "POST", "refattaches", {"PatNum": pat}) == (
        400, "referralName or ReferralNum is required.")
    assert err(api, "POST", "refattaches", {"PatNum": pat,
                                            "referralName": uniq("no")}) == (
        400, "referralName is invalid.")
    own_log(api, 56, a["RefAttachNum"])
    assert api.request("DELETE", "refattaches/%d" % b["RefAttachNum"])[0] == 200
    assert err(api, "DELETE", "refattaches/%d" % b["RefAttachNum"]) == (
        404, "RefAttach not found.")
    own_log(api, 57, b["RefAttachNum"])


# ---- fees / feescheds ------------------------------------------------------------------

def test_feescheds_and_fees(api):
    _, scheds, _ = api.request("GET", "feescheds")
    assert scheds and all(list(s) == FEESCHED for s in scheds)
    s = post(api, "feescheds", {"Description": uniq("PPO"),
                                "FeeSchedType": "OutNetwork"})
    assert (s["FeeSchedType"], s["ItemOrder"]) == (
        "OutNetwork", max(x["ItemOrder"] for x in scheds) + 1)
    t = put(api, "feescheds/%d" % s["FeeSchedNum"],
            {"IsHidden": "true", "FeeSchedType": "CoPay"})
    changed_only(s, t, {"IsHidden"})
    assert (t["IsHidden"], t["FeeSchedType"]) == ("true", "OutNetwork")
    assert err(api, "POST", "feescheds", {"Description": uniq("x")}) == (
        400, "FeeSchedType is required.")
    assert err(api, "POST", "feescheds", {"Description": uniq("x"),
                                          "FeeSchedType": "Cheap"}) == (
        400, "FeeSchedType is invalid.")
    assert err(api, "PUT", "feescheds/99999999", {"IsHidden": "true"}) == (
        404, "FeeSched not found.")

    _, fees, _ = api.request("GET", "fees?FeeSched=1&Limit=5")
    assert fees and all(list(f) == FEE and f["FeeSched"] == 1 for f in fees)
    assert isinstance(fees[0]["Amount"], float)
    assert api.request("GET", "fees/%d" % fees[0]["FeeNum"])[1] == fees[0]
    assert err(api, "GET", "fees/99999999") == (404, "Fee not found.")
    f = post(api, "fees", {"Amount": "123.5", "CodeNum": fees[0]["CodeNum"],
                           "FeeSched": s["FeeSchedNum"]})
    assert list(f) == FEE
    assert (f["Amount"], f["FeeSched"], f["ClinicNum"]) == (
        123.5, s["FeeSchedNum"], 0)
    assert err(api, "POST", "fees", {"Amount": 1, "CodeNum": f["CodeNum"],
                                     "FeeSched": s["FeeSchedNum"]}) == (
        400, "A fee already exists for this FeeSched, CodeNum, ClinicNum and "
             "ProvNum.")
    g = put(api, "fees/%d" % f["FeeNum"], {"Amount": 99, "CodeNum": 1})
    changed_only(f, g, {"Amount"})
    assert g["Amount"] == 99.0 and g["CodeNum"] == f["CodeNum"]
    assert err(api, "POST", "fees", {"CodeNum": 1}) == (
        400, "Amount is required.")
    assert err(api, "POST", "fees", {"Amount": 1}) == (
        400, "CodeNum is required.")
    assert err(api, "POST", "fees", {"Amount": "lots", "CodeNum": 1}) == (
        400, "Amount is invalid.")
    assert err(api, "GET", "fees?CodeNum=" + q(EVIL)) == (
        400, "CodeNum is invalid.")
    own_log(api, 154, f["FeeNum"])
    assert api.request("DELETE", "fees/%d" % f["FeeNum"])[0] == 200
    assert err(api, "GET", "fees/%d" % f["FeeNum"]) == (404, "Fee not found.")


# ---- carriers / insplans / inssubs / patplans / benefits ------------------------------

def test_carriers(api):
    _, rows, _ = api.request("GET", "carriers")
    assert rows and all(list(c) == CARRIER for c in rows)
    assert api.request("GET", "carriers/%d" % rows[0]["CarrierNum"])[1] == \
        rows[0]
    assert err(api, "GET", "carriers/99999999") == (404, "Carrier not found.")
    name = uniq("Acme Dental")
    c = post(api, "carriers", {"CarrierName": name, "State": "OR",
                               "Zip": "97201", "NoSendElect": "NoSendElect"})
    assert (c["CarrierName"], c["NoSendElect"], c["IsHidden"]) == (
        name, "NoSendElect", "false")
    d = put(api, "carriers/%d" % c["CarrierNum"], {"Phone": "(503)555-0100"})
    changed_only(c, d, {"Phone"})
    assert err(api, "POST", "carriers", {"City": "x"}) == (
        400, "CarrierName is required.")
    assert err(api, "PUT", "carriers/%d" % c["CarrierNum"],
               {"NoSendElect": "Never"}) == (400, "NoSendElect is invalid.")
    assert err(api, "PUT", "carriers/%d" % c["CarrierNum"],
               {"State": "Oregon"}) == (400, "State is invalid.")
    _, found, _ = api.request("GET", "carriers?CarrierName=" + q(name))
    assert found == [d]
    own_log(api, 58, c["CarrierNum"])
    own_log(api, 224, c["CarrierNum"])


def test_insurance_chain(api):
    _, plans, _ = api.request("GET", "insplans?Limit=3")
    assert plans and all(list(p) == INSPLAN for p in plans)
    assert api.request("GET", "insplans/%d" % plans[0]["PlanNum"])[1] == \
        plans[0]
    assert err(api, "GET", "insplans/99999999") == (404, "InsPlan not found.")
    _, ppo, _ = api.request("GET", "insplans?PlanType=p&Limit=1000")
    assert all(p["PlanType"] == "p" for p in ppo)
    carrier = api.request("GET", "carriers")[1][0]["CarrierNum"]
    p = post(api, "insplans", {"CarrierNum": carrier, "GroupName": "Test Co",
                               "PlanType": "p", "CobRule": "Standard"})
    assert (p["CarrierNum"], p["PlanType"], p["CobRule"],
            p["ExclusionFeeRule"]) == (carrier, "p", "Standard",
                                       "PracticeDefault")
    q2 = put(api, "insplans/%d" % p["PlanNum"], {"MonthRenew": 7,
                                                 "PlanType": ""})
    changed_only(p, q2, {"MonthRenew", "PlanType"})
    assert (q2["MonthRenew"], q2["PlanType"]) == (7, "")
    assert err(api, "POST", "insplans", {"GroupName": "x"}) == (
        400, "CarrierNum is required.")
    assert err(api, "POST", "insplans", {"CarrierNum": 99999999}) == (
        400, "CarrierNum is invalid.")
    assert err(api, "PUT", "insplans/%d" % p["PlanNum"],
               {"PlanType": "x"}) == (400, "PlanType is invalid.")
    assert err(api, "PUT", "insplans/%d" % p["PlanNum"],
               {"CobRule": "Whatever"}) == (400, "CobRule is invalid.")
    own_log(api, 109, p["PlanNum"])

    pat = new_patient(api)
    s = post(api, "inssubs", {"PlanNum": p["PlanNum"], "Subscriber": pat,
                              "SubscriberID": "ABC123"})
    assert list(s) == INSSUB
    assert (s["ReleaseInfo"], s["AssignBen"], s["DateTerm"]) == (
        "true", "true", "0001-01-01")
    assert api.request("GET", "inssubs/%d" % s["InsSubNum"])[1] == s
    assert api.request("GET", "inssubs?Subscriber=%d" % pat)[1] == [s]
    t = put(api, "inssubs/%d" % s["InsSubNum"], {"DateTerm": "2030-12-31"})
    changed_only(s, t, {"DateTerm"})
    assert err(api, "POST", "inssubs", {"PlanNum": p["PlanNum"],
                                        "Subscriber": pat}) == (
        400, "SubscriberID is required.")
    assert err(api, "POST", "inssubs", {"PlanNum": p["PlanNum"],
                                        "Subscriber": 99999999,
                                        "SubscriberID": "x"}) == (
        400, "Subscriber is invalid.")
    assert err(api, "GET", "inssubs/99999999") == (404, "InsSub not found.")

    pp = post(api, "patplans", {"PatNum": pat, "InsSubNum": s["InsSubNum"]})
    assert list(pp) == PATPLAN
    assert (pp["Ordinal"], pp["Relationship"], pp["IsPending"]) == (
        1, "Self", "false")
    assert DATETIME.match(pp["SecDateTEntry"])
    assert api.request("GET", "patplans?PatNum=%d" % pat)[1] == [pp]
    pq = put(api, "patplans/%d" % pp["PatPlanNum"],
             {"Relationship": "Spouse", "PatID": "77"})
    changed_only(pp, pq, {"Relationship", "PatID"})
    assert err(api, "PUT", "patplans/%d" % pp["PatPlanNum"],
               {"Relationship": "Cousin"}) == (400, "Relationship is invalid.")
    assert err(api, "POST", "patplans", {"PatNum": pat,
                                         "InsSubNum": s["InsSubNum"]}) == (
        400, "The patient already has this InsSub.")
    assert err(api, "POST", "patplans", {"PatNum": pat}) == (
        400, "InsSubNum is required.")
    assert err(api, "DELETE", "inssubs/%d" % s["InsSubNum"]) == (
        400, "Can't delete InsSub because PatPlans are still attached.")

    b = post(api, "benefits", {"PatPlanNum": pp["PatPlanNum"],
                               "BenefitType": "CoInsurance",
                               "CoverageLevel": "None", "Percent": 80,
                               "procCode": "D1110"})
    assert list(b) == BENEFIT
    assert (b["PlanNum"], b["Percent"], b["MonetaryAmt"], b["procCode"],
            b["TimePeriod"]) == (0, 80, -1.0, "D1110", "None")
    assert api.request("GET", "benefits/%d" % b["BenefitNum"])[1] == b
    assert api.request("GET", "benefits?PatPlanNum=%d"
                       % pp["PatPlanNum"])[1] == [b]
    c = put(api, "benefits/%d" % b["BenefitNum"],
            {"Percent": 50, "TimePeriod": "CalendarYear"})
    changed_only(b, c, {"Percent", "TimePeriod"})
    assert err(api, "POST", "benefits", {"BenefitType": "CoInsurance",
                                         "CoverageLevel": "None"}) == (
        400, "PlanNum or PatPlanNum is required.")
    assert err(api, "POST", "benefits", {"PlanNum": p["PlanNum"],
                                         "PatPlanNum": pp["PatPlanNum"],
                                         "BenefitType": "CoInsurance",
                                         "CoverageLevel": "None"}) == (
        400, "Only one of PlanNum or PatPlanNum may be given.")
    assert err(api, "POST", "benefits", {"PlanNum": p["PlanNum"],
                                         "BenefitType": "Discount",
                                         "CoverageLevel": "None"}) == (
        400, "BenefitType is invalid.")
    assert err(api, "POST", "benefits", {"PlanNum": p["PlanNum"],
                                         "BenefitType": "Deductible"}) == (
        400, "CoverageLevel is required.")
    _, seeded, _ = api.request("GET", "benefits?PlanNum=1")
    assert seeded and all(x["PlanNum"] == 1 for x in seeded)
    own_log(api, 110, b["BenefitNum"])

    # dropping the plan takes its own benefits; then the sub can go
    assert api.request("DELETE", "patplans/%d" % pp["PatPlanNum"])[0] == 200
    assert err(api, "GET", "benefits/%d" % b["BenefitNum"]) == (
        404, "Benefit not found.")
    own_log(api, 114, pp["PatPlanNum"])
    assert api.request("DELETE", "inssubs/%d" % s["InsSubNum"])[0] == 200
    assert err(api, "GET", "inssubs/%d" % s["InsSubNum"]) == (
        404, "InsSub not found.")


# ---- claims / claimprocs ------------------------------------------------------------

def test_claims_and_claimprocs(api):
    assert err(api, "GET", "claims/99999999") == (404, "Claim not found")
    assert err(api, "GET", "claimprocs/99999999") == (
        404, "ClaimProc not found.")
    assert err(api, "GET", "claimprocs?Status=Paid") == (
        400, "Status is invalid.")
    assert api.request("GET", "claims?PatNum=99999999")[:2] == (200, [])
    assert api.request("POST", "claims", {"PatNum": 1})[0] == 400  # not served
    # a seeded claim of yesterday's visits, not sent yet, none of its
    # procedures paid (other tests make and pay claims of their own)
    c = next(x for x in find(api, "claims?ClaimStatus=W",
                             lambda x: x["ClaimType"] == "P")
             if all(cp["Status"] == "NotReceived" for cp in get(
                 api, "claimprocs?ClaimNum=%d" % x["ClaimNum"])))
    cn, pat = c["ClaimNum"], c["PatNum"]
    cps = api.request("GET", "claimprocs?ClaimNum=%d" % cn)[1]
    cpn = cps[0]["ClaimProcNum"]
    c = api.request("GET", "claims/%d" % cn)[1]
    assert list(c) == CLAIM
    assert (c["ClaimStatus"], c["ClaimType"], c["ClaimForm"],
            c["PlaceService"], c["IsOrtho"]) == (
        "W", "P", "0", "Office", "false")
    assert c["PatRelat"] in ("Self", "Spouse", "Child")
    assert c["ClaimFee"] == round(sum(x["FeeBilled"] for x in cps), 2)
    assert c in api.request("GET", "claims?PatNum=%d" % pat)[1]
    assert c in api.request("GET", "claims?ClaimStatus=W&Limit=1000")[1]
    d = put(api, "claims/%d" % cn, {"ClaimStatus": "S", "ClaimNote": "sent",
                                    "PatRelat": "Spouse"})
    changed_only(c, d, {"ClaimStatus", "ClaimNote", "PatRelat"})
    assert err(api, "PUT", "claims/%d" % cn, {"ClaimStatus": "Z"}) == (
        400, "ClaimStatus is invalid.")
    assert err(api, "PUT", "claims/%d" % cn, {"PlaceService": "Moon"}) == (
        400, "PlaceService is invalid.")
    assert api.request("PUT", "claims/%d" % cn,
                       {"ClaimFee": 1})[:2] == (
        400, "No fields to update were provided.")

    p = api.request("GET", "claimprocs/%d" % cpn)[1]
    assert list(p) == CLAIMPROC
    assert p == cps[0]
    assert (p["Status"], p["ClaimNum"], p["PatNum"]) == (
        "NotReceived", cn, pat)
    proc = api.request("GET", "procedurelogs/%d" % p["ProcNum"])[1]
    assert (proc["ProcStatus"], float(proc["ProcFee"])) == (
        "C", p["FeeBilled"])
    assert p in api.request("GET", "claimprocs?PatNum=%d&Status=NotReceived"
                            % pat)[1]
    r = put(api, "claimprocs/%d" % cpn, {"Status": "Received",
                                         "InsPayAmt": 120.5,
                                         "Remarks": "paid"})
    changed_only(p, r, {"Status", "InsPayAmt", "Remarks"})
    assert (r["Status"], r["InsPayAmt"]) == ("Received", 120.5)
    assert err(api, "PUT", "claimprocs/%d" % cpn, {"Status": "Estimate"}) == (
        400, "Status is invalid for a claimproc attached to a claim.")
    assert err(api, "PUT", "claimprocs/%d" % cpn, {"Status": "Paid"}) == (
        400, "Status is invalid.")
    own_log(api, 150, cn)
    own_log(api, 125, cpn)


# ---- securitylogs -----------------------------------------------------------------------

def test_securitylogs_only_own_rows(api):
    pat = new_patient(api)
    _, rows, _ = api.request("GET", "securitylogs?PermType=PatientCreate"
                             "&Limit=1000")
    assert rows and all(list(r) == SECLOG for r in rows)
    mine = [r for r in rows if r["PatNum"] == pat]
    assert len(mine) == 1
    assert (mine[0]["PermType"], mine[0]["LogSource"], mine[0]["UserNum"],
            mine[0]["LogText"]) == ("PatientCreate", "API", 0,
                                    "Created by Sandbox Developer through "
                                    "API.")
    assert DATETIME.match(mine[0]["LogDateTime"])
    assert all(r["LogText"].endswith(" by Sandbox Developer through API.")
               for r in rows)
    assert err(api, "GET", "securitylogs?PermType=NotAPerm") == (
        400, "PermType is invalid.")
    assert err(api, "GET", "securitylogs?PermType=106") == (
        400, "PermType is invalid.")
    if api.backend == "server":
        db(api, "INSERT INTO securitylog (PermType, LogText, PatNum, "
                "LogSource, LogDateTime) VALUES (106, 'Created by Other Dev "
                "through API.', %d, 23, NOW()), (106, 'Created by Sandbox "
                "Developer through API.', %d, 0, NOW())" % (pat, pat))
        _, again, _ = api.request("GET", "securitylogs?PermType=PatientCreate"
                                  "&Limit=1000")
        assert [r for r in again if r["PatNum"] == pat] == mine
        # the other developer's rows stay hidden even with a crafted name
        _, crafted, _ = api.request(
            "GET", "securitylogs?%40developer=Other%20Dev&Limit=1000")
        assert not any("Other Dev" in r["LogText"] for r in crafted)


# ---- documents ---------------------------------------------------------------------------

def test_documents(api):
    assert err(api, "GET", "documents") == (400, "PatNum is required.")
    assert err(api, "GET", "documents/99999999") == (404, "Document not found")
    assert api.request("GET", "documents?PatNum=99999999")[:2] == (200, [])
    assert api.request("POST", "documents/Upload", {})[0] in (400, 404)
    # a seeded patient's x-rays
    for pat in [x["PatNum"] for x in get(api, "patients?Limit=1000")]:
        rows = api.request("GET", "documents?PatNum=%d" % pat)[1]
        if any(x["Description"] == "Pano" for x in rows):
            break
    x = next(r for r in rows if r["Description"] == "Pano")
    dn = x["DocNum"]
    d = api.request("GET", "documents/%d" % dn)[1]
    assert list(d) == DOCUMENT
    assert (d["Description"], d["DateCreated"], d["PatNum"], d["ImgType"],
            d["docCategory"]) == (
        "Pano", x["DateCreated"], pat, "Radiograph", "Panos")
    assert d["FileName"].endswith("_Pano.jpg")
    assert list(x) == DOCUMENT_LIST
    assert (x["PatNum"], x["ProvNum"], x["MountNum"]) == (
        str(pat), str(d["ProvNum"]), 0)
    assert x["filePath"].endswith(d["FileName"])
    assert DATETIME.match(x["serverDateTime"])


# ---- userods ---------------------------------------------------------------------------

def test_userods(api):
    _, users, _ = api.request("GET", "userods")
    assert users and all(list(u) == USEROD for u in users)
    u = users[0]
    assert isinstance(u["userGroupNums"], list)
    assert all(isinstance(g, int) for g in u["userGroupNums"])
    prov = api.request("GET", "providers")[1][0]
    v = put(api, "userods/%d" % u["UserNum"],
            {"ProviderNum": prov["ProvNum"], "IsPasswordResetRequired": "true",
             "UserName": "hacker"})
    changed_only(u, v, {"ProviderNum", "providerName",
                        "IsPasswordResetRequired"})
    assert (v["ProviderNum"], v["UserName"], v["providerName"]) == (
        prov["ProvNum"], u["UserName"],
        ("%s %s" % (prov["FName"], prov["LName"])).strip())
    assert err(api, "PUT", "userods/%d" % u["UserNum"],
               {"ProviderNum": 99999999}) == (400, "ProviderNum is invalid.")
    assert err(api, "PUT", "userods/99999999", {"IsHidden": "true"}) == (
        404, "Userod not found.")
    put(api, "userods/%d" % u["UserNum"], {"IsHidden": "true"})
    assert u["UserNum"] not in [x["UserNum"] for x in
                                api.request("GET", "userods")[1]]
    assert u["UserNum"] in [x["UserNum"] for x in api.request(
        "GET", "userods?includeHidden=true")[1]]
    grp = u["userGroupNums"][0]
    assert all(grp in x["userGroupNums"] for x in api.request(
        "GET", "userods?includeHidden=true&userGroupNums=%d" % grp)[1])
    # restore the seeded user
    put(api, "userods/%d" % u["UserNum"],
        {"IsHidden": "false", "ProviderNum": u["ProviderNum"],
         "IsPasswordResetRequired": u["IsPasswordResetRequired"]})
    assert api.request("GET", "userods")[1][0] == u
    own_log(api, 24, u["UserNum"])


# ---- permissions and another developer -----------------------------------------------

WRITES = [
    ("POST", "allergydefs", "ApiSetup"),
    ("POST", "diseasedefs", "ApiSetup"),
    ("POST", "medications", "ApiSetup"),
    ("PUT", "userods/1", "ApiSetup"),
    ("POST", "allergies", "ApiAllOthers"),
    ("PUT", "diseases/1", "ApiAllOthers"),
    ("DELETE", "medicationpats/1", "ApiAllOthers"),
    ("POST", "recalls", "ApiAllOthers"),
    ("PUT", "patfields", "ApiAllOthers"),
    ("POST", "refattaches", "ApiAllOthers"),
    ("PUT", "referrals/1", "ApiAllOthers"),
    ("POST", "fees", "ApiAllOthers"),
    ("PUT", "feescheds/1", "ApiAllOthers"),
    ("POST", "carriers", "ApiAllOthers"),
    ("PUT", "apptfields", "ApiComm"),
    ("POST", "insplans", "ApiInsurance"),
    ("DELETE", "benefits/1", "ApiInsurance"),
    ("PUT", "claims/1", "ApiInsurance"),
    ("PUT", "claimprocs/1", "ApiInsurance"),
    ("POST", "inssubs", "ApiInsuranceSimple"),
    ("DELETE", "patplans/1", "ApiInsuranceSimple"),
]


def test_write_permissions_and_other_developer(spawn, server_db, tmp_path):
    import json
    from conftest import odlocal_args_for
    keys = tmp_path / "keys.json"
    keys.write_text(json.dumps({"keys": [
        {"DeveloperKey": "ReadOnlyDevKey02", "CustomerKey": "ReadOnlyCust0002",
         "DeveloperName": "Reader Two", "Permissions": ["ApiReadAll"]}]}))
    srv = spawn("odlocal", ["--port", "0", "--keys", str(keys)] +
                odlocal_args_for("server", server_db, None))
    auth = "ODFHIR ReadOnlyDevKey02/ReadOnlyCust0002"
    for method, path, perm in WRITES:
        st, msg, _ = srv.request(method, path, {"x": 1}, auth=auth)
        assert (st, msg) == (
            401, "The developer key lacks the %s permission." % perm), path
    # reads are open, and this developer sees none of the other's log rows
    assert srv.request("GET", "carriers/1", auth=auth)[0] == 200
    st, rows, _ = srv.request("GET", "securitylogs?Limit=1000", auth=auth)
    assert (st, rows) == (200, [])
    st, rows, _ = srv.request("GET", "securitylogs?Limit=1000")
    assert st == 200 and rows


def test_allergies_post_makes_the_allergydef(api):
    """Open Dental's AllergyDefs.GetByDescriptionForApi matches the
    description in any case; none: "handles insertion of AllergyDef
    automatically" (apiallergies)."""
    pat = new_patient(api)
    name = uniq("Penicillin")
    a = post(api, "allergies", {"PatNum": pat, "defDescription": name})
    _, defs, _ = api.request("GET", "allergydefs")
    made = [d for d in defs if d["Description"] == name]
    assert len(made) == 1 and made[0]["AllergyDefNum"] == a["AllergyDefNum"]
    assert (made[0]["IsHidden"], made[0]["SnomedType"]) == ("false", "None")
    assert a["defDescription"] == name
    # the same text in another case finds it: no second definition
    b = post(api, "allergies", {"PatNum": pat,
                                "defDescription": name.upper()})
    assert b["AllergyDefNum"] == a["AllergyDefNum"]
    _, defs, _ = api.request("GET", "allergydefs")
    assert len([d for d in defs if d["Description"].lower() ==
                name.lower()]) == 1
    # one securitylog row: the allergy's (the definition is Open Dental's
    # own bookkeeping, as in its API)
    own_log(api, 73, b["AllergyNum"])
    assert err(api, "POST", "allergies", {"PatNum": pat,
                                          "defDescription": "x" * 300}) == (
        400, "defDescription is invalid.")
