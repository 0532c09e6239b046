"""documents PUT/DELETE, eobattaches and GET /familymodules/{PatNum}/Insurance
(lib/resources/misc.c, lib/resources/family.c), through HTTP against the seeded test
database and the embedded sandbox. No API here makes documents or
eobattaches (the upload and SFTP actions are not served), so those tests
insert rows with SQL on the server backend and skip on the embedded one.
The family insurance view is built from rows the test makes through the
API, on both backends."""
import re

from conftest import db, err, find, get, post, put, sql_only, uniq

DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")

DOCUMENT = ["DocNum", "Description", "DateCreated", "DocCategory",
            "docCategory", "PatNum", "FileName", "ImgType", "ToothNumbers",
            "DateTStamp", "ProvNum", "PrintHeading"]
EOBATTACH = ["EobAttachNum", "ClaimPaymentNum", "DateTCreated", "FileName"]
FAMINS = ["PatNum", "InsSubNum", "Subscriber", "subscriber", "SubscriberID",
          "SubscNote", "PatPlanNum", "Ordinal", "ordinal", "IsPending",
          "Relationship", "PatID", "CarrierNum", "CarrierName", "PlanNum",
          "GroupName", "GroupNum", "PlanNote", "FeeSched", "feeSchedule",
          "PlanType", "planType", "CopayFeeSched", "EmployerNum", "employer",
          "IsMedical"]

PERM_INS_PAY_EDIT, PERM_IMAGE_DELETE, PERM_IMAGE_EDIT = 37, 44, 89


def insert(api, sql):
    return int(db(api, sql + "; SELECT LAST_INSERT_ID()")[0][0])


def mark(api):
    rows = db(api, "SELECT COALESCE(MAX(SecurityLogNum), 0) FROM securitylog")
    return int(rows[0][0]) if rows else 0


def logs(api, since, perm, fkey):
    """[(verb, PatNum)] of the API's securitylog rows for one key; None on
    the embedded backend (no SQL to read the log with)."""
    rows = db(api, "SELECT LogText, LogSource, PatNum FROM securitylog WHERE "
                   "FKey = %d AND PermType = %d AND SecurityLogNum > %d "
                   "ORDER BY SecurityLogNum" % (fkey, perm, since))
    if rows is None:
        return None
    assert all(r[0].endswith(" by Sandbox Developer through API.") and
               r[1] == "23" for r in rows), rows
    return [(r[0].split(" by ")[0], int(r[2])) for r in rows]


def new_patient(api, **extra):
    body = {"LName": uniq("Famtest"), "FName": "Pat"}
    body.update(extra)
    return post(api, "patients", body)


# ---- documents PUT / DELETE ----------------------------------------------------

def make_document(api, pat, cat):
    return insert(api, "INSERT INTO document (Description, DateCreated, "
                       "DocCategory, PatNum, FileName, ImgType, ToothNumbers, "
                       "Note, Signature, RawBase64, Thumbnail, "
                       "OcrResponseData) VALUES ('Scan', '2024-03-04 "
                       "05:06:07', %d, %d, 'scan1.jpg', 2, '3', 'n', '', '', "
                       "'', '')" % (cat, pat))


def patient_documents(api, skip=0):
    """A seeded patient with at least two documents (x-rays, a signed
    form) and them; skip passes over the first such patients."""
    for p in [r["PatNum"] for r in get(api, "patients?Limit=1000")]:
        docs = get(api, "documents?PatNum=%d" % p)
        if len(docs) >= 2:
            if not skip:
                return p, docs
            skip -= 1
    raise AssertionError("no patient with two documents")


def test_documents_put(api):
    pat, docs = patient_documents(api)
    doc = docs[0]["DocNum"]
    cats = get(api, "definitions?Category=18")
    cat2 = next(c for c in cats if c["DefNum"] != docs[0]["DocCategory"])
    notimg = get(api, "definitions?Category=1")[0]["DefNum"]
    prov = get(api, "providers")[0]["ProvNum"]
    before = get(api, "documents/%d" % doc)
    assert list(before) == DOCUMENT
    since = mark(api)

    body = {"Description": "Bitewings", "DateCreated": "2025-01-02 03:04:05",
            "DocCategory": cat2["DefNum"], "ImgType": "Photo",
            "ToothNumbers": "1,2,3", "ProvNum": prov, "PrintHeading": "true"}
    after = put(api, "documents/%d" % doc, body)
    assert list(after) == DOCUMENT
    assert after == get(api, "documents/%d" % doc)
    for k, v in body.items():
        assert after[k] == v, k
    assert after["docCategory"] == cat2["ItemName"]
    # what PUT cannot change
    for k in ("DocNum", "PatNum", "FileName"):
        assert after[k] == before[k], k
    assert DATETIME.match(after["DateTStamp"])
    assert logs(api, since, PERM_IMAGE_EDIT, doc) in (None, [("Updated", pat)])

    # one field alone; the others stay
    one = put(api, "documents/%d" % doc, {"PrintHeading": "false"})
    assert one["PrintHeading"] == "false"
    assert {k: one[k] for k in body if k != "PrintHeading"} == \
        {k: after[k] for k in body if k != "PrintHeading"}
    # read-only fields are ignored like unknown ones
    put(api, "documents/%d" % doc, {"FileName": "other.jpg",
                                    "PatNum": 1, "Description": "x"})
    assert get(api, "documents/%d" % doc)["FileName"] == before["FileName"]
    assert get(api, "documents/%d" % doc)["PatNum"] == pat

    url = "documents/%d" % doc
    for bad, msg in [({"DocCategory": notimg}, "DocCategory is invalid."),
                     ({"DocCategory": 99999999}, "DocCategory is invalid."),
                     ({"DocCategory": 0}, "DocCategory is invalid."),
                     ({"ProvNum": 99999999}, "ProvNum is invalid."),
                     ({"ImgType": "Hologram"}, "ImgType is invalid."),
                     ({"PrintHeading": "maybe"}, "PrintHeading is invalid."),
                     ({"DateCreated": "yesterday"},
                      "DateCreated format must be yyyy-MM-dd HH:mm:ss."),
                     ({"Description": "x" * 256}, "Description is too long."),
                     ({}, "No fields to update were provided.")]:
        assert err(api, "PUT", url, bad) == (400, msg), bad
    assert err(api, "PUT", "documents/99999999", {"Description": "x"}) == (
        404, "Document not found")
    assert err(api, "PUT", "documents/abc", {"Description": "x"}) == (
        400, "documents PUT abc is not a valid method.")
    # a refused PUT changes nothing and logs nothing
    assert get(api, url)["Description"] == "x"
    got = logs(api, since, PERM_IMAGE_EDIT, doc)
    assert got is None or len(got) == 3


def test_documents_delete(api):
    pat, docs = patient_documents(api, skip=1)
    keep, doc = docs[0]["DocNum"], docs[-1]["DocNum"]
    folder = db(api, "SELECT ImageFolder FROM patient WHERE PatNum = %d" % pat)
    since = mark(api)
    st, body = err(api, "DELETE", "documents/%d" % doc)
    assert st == 200, body
    assert err(api, "GET", "documents/%d" % doc) == (404, "Document not found")
    left = [d["DocNum"] for d in get(api, "documents?PatNum=%d" % pat)]
    assert keep in left and doc not in left
    assert left == [d["DocNum"] for d in docs if d["DocNum"] != doc]
    assert logs(api, since, PERM_IMAGE_DELETE, doc) in (
        None, [("Deleted", pat)])
    # the patient's image folder is the patient's, not the document's
    assert db(api, "SELECT ImageFolder FROM patient WHERE PatNum = %d"
              % pat) == folder
    assert err(api, "DELETE", "documents/%d" % doc) == (
        404, "Document not found")
    assert err(api, "DELETE", "documents/abc") == (
        400, "documents DELETE abc is not a valid method.")
    assert logs(api, since, PERM_IMAGE_DELETE, doc) in (
        None, [("Deleted", pat)])


def test_documents_errors_without_rows(api):
    # both backends: no row needed for these
    assert err(api, "PUT", "documents/99999999", {"Description": "x"}) == (
        404, "Document not found")
    assert err(api, "DELETE", "documents/99999999") == (
        404, "Document not found")
    st, body = err(api, "PUT", "documents/99999999", None)
    assert st == 400


# ---- eobattaches ------------------------------------------------------------------

def test_eobattaches(api):
    """The scanned EOBs of the seeded paper checks."""
    rows = get(api, "eobattaches?Limit=1000")
    assert rows and all(list(r) == EOBATTACH for r in rows)
    eob = rows[0]
    cp = eob["ClaimPaymentNum"]
    check = get(api, "claimpayments/%d" % cp)
    assert check["payType"] == "Check"
    assert DATETIME.match(eob["DateTCreated"])
    assert eob["DateTCreated"][:10] == check["CheckDate"]
    assert eob["FileName"].endswith(".pdf")
    assert get(api, "eobattaches?ClaimPaymentNum=%d" % cp) == [
        r for r in rows if r["ClaimPaymentNum"] == cp]
    assert get(api, "eobattaches?ClaimPaymentNum=99999999") == []
    assert err(api, "GET", "eobattaches?ClaimPaymentNum=abc") == (
        400, "ClaimPaymentNum is invalid.")
    since = mark(api)
    st, body = err(api, "DELETE", "eobattaches/%d" % eob["EobAttachNum"])
    assert st == 200, body
    assert eob not in get(api, "eobattaches?ClaimPaymentNum=%d" % cp)
    assert logs(api, since, PERM_INS_PAY_EDIT, eob["EobAttachNum"]) in (
        None, [("Deleted", 0)])
    # the check itself stays
    assert get(api, "claimpayments/%d" % cp) == check
    assert err(api, "DELETE", "eobattaches/%d" % eob["EobAttachNum"]) == (
        404, "EobAttach not found.")


def test_eobattaches_in_date_order(api):
    sql_only(api, "two EOBs on one check scanned out of key order (the seed "
                  "scans one per check, in order)")
    cp = insert(api, "INSERT INTO claimpayment (CheckDate, CheckAmt, "
                     "CarrierName) VALUES ('2025-02-03', 0, 'Famtest')")
    other = insert(api, "INSERT INTO claimpayment (CheckDate, CheckAmt, "
                        "CarrierName) VALUES ('2025-02-03', 0, 'Famtest')")
    # made out of date order: the list is in DateTCreated order
    late = insert(api, "INSERT INTO eobattach (ClaimPaymentNum, DateTCreated, "
                       "FileName, RawBase64) VALUES (%d, '2025-02-05 "
                       "10:00:00', 'late.pdf', '')" % cp)
    early = insert(api, "INSERT INTO eobattach (ClaimPaymentNum, "
                        "DateTCreated, FileName, RawBase64) VALUES (%d, "
                        "'2025-02-04 09:00:00', 'early.pdf', 'AAAA')" % cp)
    elsewhere = insert(api, "INSERT INTO eobattach (ClaimPaymentNum, "
                            "DateTCreated, FileName, RawBase64) VALUES (%d, "
                            "'2025-02-01 09:00:00', 'x.pdf', '')" % other)
    rows = get(api, "eobattaches?ClaimPaymentNum=%d" % cp)
    assert rows == [
        {"EobAttachNum": early, "ClaimPaymentNum": cp,
         "DateTCreated": "2025-02-04 09:00:00", "FileName": "early.pdf"},
        {"EobAttachNum": late, "ClaimPaymentNum": cp,
         "DateTCreated": "2025-02-05 10:00:00", "FileName": "late.pdf"}]
    assert all(list(r) == EOBATTACH for r in rows)
    everything = get(api, "eobattaches?Limit=1000")
    assert {early, late, elsewhere} <= {r["EobAttachNum"] for r in everything}
    assert get(api, "eobattaches?ClaimPaymentNum=99999999") == []
    assert err(api, "GET", "eobattaches?ClaimPaymentNum=abc") == (
        400, "ClaimPaymentNum is invalid.")

    since = mark(api)
    st, body = err(api, "DELETE", "eobattaches/%d" % early)
    assert st == 200, body
    assert [r["EobAttachNum"] for r in
            get(api, "eobattaches?ClaimPaymentNum=%d" % cp)] == [late]
    assert logs(api, since, PERM_INS_PAY_EDIT, early) == [("Deleted", 0)]
    # the check itself stays
    assert get(api, "claimpayments/%d" % cp)["ClaimPaymentNum"] == cp
    assert err(api, "DELETE", "eobattaches/%d" % early) == (
        404, "EobAttach not found.")


def test_eobattaches_errors_without_rows(api):
    assert err(api, "DELETE", "eobattaches/99999999") == (
        404, "EobAttach not found.")
    assert err(api, "DELETE", "eobattaches/abc") == (
        400, "eobattaches DELETE abc is not a valid method.")
    assert err(api, "GET", "eobattach") == (
        404, "eobattach is not a valid resource.")
    assert get(api, "eobattaches?ClaimPaymentNum=99999999") == []


# ---- familymodules/{PatNum}/Insurance --------------------------------------------

def test_family_insurance(api):
    # a family: Ann (guarantor) and her spouse Bob, each the subscriber of
    # a plan; Ann has both plans (hers primary, Bob's secondary), Bob his
    fs = post(api, "feescheds", {"Description": uniq("Std"),
                                 "FeeSchedType": "Normal"})
    fixed = post(api, "feescheds", {"Description": uniq("Fixed"),
                                    "FeeSchedType": "FixedBenefit"})
    emp = post(api, "employers", {"EmpName": uniq("Acme")})
    c1 = post(api, "carriers", {"CarrierName": uniq("Delta")})
    c2 = post(api, "carriers", {"CarrierName": uniq("Guardian")})
    p1 = post(api, "insplans", {"CarrierNum": c1["CarrierNum"],
                                "GroupName": "Acme group", "GroupNum": "G-1",
                                "PlanNote": "note 1",
                                "FeeSched": fs["FeeSchedNum"],
                                "EmployerNum": emp["EmployerNum"]})
    p2 = post(api, "insplans", {"CarrierNum": c2["CarrierNum"],
                                "PlanType": "p",
                                "CopayFeeSched": fixed["FeeSchedNum"]})
    ann = new_patient(api, FName="Ann")
    bob = new_patient(api, FName="Bob", Guarantor=ann["PatNum"])
    s1 = post(api, "inssubs", {"PlanNum": p1["PlanNum"],
                               "Subscriber": ann["PatNum"],
                               "SubscriberID": "111222333",
                               "SubscNote": "sub note"})
    s2 = post(api, "inssubs", {"PlanNum": p2["PlanNum"],
                               "Subscriber": bob["PatNum"],
                               "SubscriberID": "B-9"})
    # Ann's secondary is made first: the rows come in Ordinal order
    ann2 = post(api, "patplans", {"PatNum": ann["PatNum"],
                                  "InsSubNum": s2["InsSubNum"], "Ordinal": 2,
                                  "Relationship": "Spouse", "PatID": "A-2",
                                  "IsPending": "true"})
    ann1 = post(api, "patplans", {"PatNum": ann["PatNum"],
                                  "InsSubNum": s1["InsSubNum"], "Ordinal": 1,
                                  "Relationship": "Self"})
    bob1 = post(api, "patplans", {"PatNum": bob["PatNum"],
                                  "InsSubNum": s2["InsSubNum"], "Ordinal": 1,
                                  "Relationship": "Self"})

    rows = get(api, "familymodules/%d/Insurance" % ann["PatNum"])
    assert all(list(r) == FAMINS for r in rows)
    assert rows == [
        {"PatNum": ann["PatNum"], "InsSubNum": s1["InsSubNum"],
         "Subscriber": ann["PatNum"], "subscriber": "Ann " + ann["LName"],
         "SubscriberID": "111222333", "SubscNote": "sub note",
         "PatPlanNum": ann1["PatPlanNum"], "Ordinal": 1,
         "ordinal": "Primary", "IsPending": "false", "Relationship": "Self",
         "PatID": "", "CarrierNum": c1["CarrierNum"],
         "CarrierName": c1["CarrierName"], "PlanNum": p1["PlanNum"],
         "GroupName": "Acme group", "GroupNum": "G-1",
         "PlanNote": "note 1", "FeeSched": fs["FeeSchedNum"],
         "feeSchedule": fs["Description"], "PlanType": "",
         "planType": "Category Percentage", "CopayFeeSched": 0,
         "EmployerNum": emp["EmployerNum"], "employer": emp["EmpName"],
         "IsMedical": "false"},
        {"PatNum": ann["PatNum"], "InsSubNum": s2["InsSubNum"],
         "Subscriber": bob["PatNum"], "subscriber": "Bob " + bob["LName"],
         "SubscriberID": "B-9", "SubscNote": "",
         "PatPlanNum": ann2["PatPlanNum"], "Ordinal": 2,
         "ordinal": "Secondary", "IsPending": "true",
         "Relationship": "Spouse", "PatID": "A-2",
         "CarrierNum": c2["CarrierNum"], "CarrierName": c2["CarrierName"],
         "PlanNum": p2["PlanNum"], "GroupName": "", "GroupNum": "",
         "PlanNote": "", "FeeSched": 0, "feeSchedule": "", "PlanType": "p",
         "planType": "PPO Fixed Benefit",
         "CopayFeeSched": fixed["FeeSchedNum"], "EmployerNum": 0,
         "employer": "", "IsMedical": "false"}]

    # Bob sees his own plan only, not his family's
    bobs = get(api, "familymodules/%d/Insurance" % bob["PatNum"])
    assert [(r["PatNum"], r["PatPlanNum"], r["ordinal"], r["Relationship"])
            for r in bobs] == [(bob["PatNum"], bob1["PatPlanNum"], "Primary",
                                "Self")]
    assert bobs[0] == dict(rows[1], PatNum=bob["PatNum"],
                           PatPlanNum=bob1["PatPlanNum"], Ordinal=1,
                           ordinal="Primary", IsPending="false",
                           Relationship="Self", PatID="")

    # a change to the plan shows at once (a join, not a copy)
    put(api, "insplans/%d" % p2["PlanNum"], {"PlanType": "f"})
    assert get(api, "familymodules/%d/Insurance"
               % bob["PatNum"])[0]["planType"] == "Medicaid or Flat Co-pay"

    # no insurance: an empty list
    assert get(api, "familymodules/%d/Insurance"
               % new_patient(api)["PatNum"]) == []


def test_family_insurance_medical_and_other(api):
    # "Medical" for a medical plan; the dental ones count on from Primary
    c = post(api, "carriers", {"CarrierName": uniq("Med")})
    med = post(api, "insplans", {"CarrierNum": c["CarrierNum"],
                                 "IsMedical": "true", "PlanType": "c"})
    dental = [post(api, "insplans", {"CarrierNum": c["CarrierNum"]})
              for _ in range(3)]
    pat = new_patient(api)["PatNum"]
    for n, plan in enumerate([med] + dental, 1):
        sub = post(api, "inssubs", {"PlanNum": plan["PlanNum"],
                                    "Subscriber": pat,
                                    "SubscriberID": "M%d" % n})
        post(api, "patplans", {"PatNum": pat, "InsSubNum": sub["InsSubNum"],
                               "Ordinal": n})
    rows = get(api, "familymodules/%d/Insurance" % pat)
    assert [(r["Ordinal"], r["ordinal"], r["IsMedical"], r["planType"])
            for r in rows] == [
        (1, "Medical", "true", "Capitation"),
        (2, "Primary", "false", "Category Percentage"),
        (3, "Secondary", "false", "Category Percentage"),
        (4, "Other", "false", "Category Percentage")]


def test_family_insurance_errors(api):
    assert err(api, "GET", "familymodules/99999999/Insurance") == (
        404, "Patient not found.")
    assert err(api, "GET", "familymodules/abc/Insurance") == (
        400, "familymodules GET Insurance is not a valid method.")
    assert err(api, "GET", "familymodules/-1/Insurance") == (
        400, "familymodules GET Insurance is not a valid method.")
