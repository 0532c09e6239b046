"""Field definitions and notes (lib/resources/notes.c): apptfielddefs,
patfielddefs, patientnotes, popups, procnotes and rxpats through HTTP
against the seeded test database and the embedded sandbox. Rows the API
cannot create (rxpats) and securitylog checks use SQL on the server backend
only."""
import re


from conftest import db, uniq, put, get, err, post

DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

APPTFIELDDEF = ["ApptFieldDefNum", "FieldName", "FieldType", "PickList"]
PATFIELDDEF = ["PatFieldDefNum", "FieldName", "FieldType", "PickList",
               "IsHidden"]
PATIENTNOTE = ["PatNum", "FamFinancial", "Medical", "Service", "MedicalComp",
               "Treatment", "ICEName", "ICEPhone", "SecDateTEntry",
               "SecDateTEdit"]
POPUP = ["PopupNum", "PatNum", "Description", "IsDisabled", "PopupLevel",
         "DateTimeEntry", "IsArchived", "PopupNumArchive", "DateTimeDisabled"]
PROCNOTE = ["ProcNoteNum", "PatNum", "ProcNum", "EntryDateTime", "UserNum",
            "Note", "SigIsTopaz", "isSigned"]
RXPAT = ["RxNum", "PatNum", "RxDate", "Drug", "Sig", "Disp", "Refills",
         "ProvNum", "Notes", "PharmacyNum", "IsControlled", "DateTStamp",
         "SendStatus", "IsErxOld", "ErxPharmacyInfo", "IsProcRequired",
         "ProcNum", "DaysOfSupply", "PatientInstruction", "ClinicNum"]

PERM_SETUP = 8
PERM_PROCNOTE = 53
PERM_PATIENT_EDIT = 108
PERM_POPUP = 143


def log_mark(api):
    rows = db(api, "SELECT COALESCE(MAX(SecurityLogNum), 0) FROM securitylog")
    return int(rows[0][0]) if rows else 0


def own_log(api, perm, fkey, verbs, mark, patnum=None):
    rows = db(api, "SELECT LogText, LogSource, PatNum FROM securitylog WHERE "
                   "PermType = %d AND FKey = %d AND SecurityLogNum > %d "
                   "ORDER BY SecurityLogNum" % (perm, fkey, mark))
    if rows is not None:
        assert [r[0].split(" by ")[0] for r in rows] == verbs, rows
        for r in rows:
            assert r[0] == ("%s by Sandbox Developer through API."
                            % r[0].split(" by ")[0]), rows
            assert r[1] == "23", rows
            if patnum is not None:
                assert int(r[2]) == patnum, rows


def no_method(api, method, path, body=None):
    """An operation the spec does not have: the router's 400."""
    st, obj = err(api, method, path, body)
    assert st == 400 and obj.endswith("is not a valid method."), (st, obj)


def family(api):
    """(dependent, guarantor, outsider): PatNums of a patient who is not
    their family's guarantor, that guarantor, and a patient of another
    family."""
    pats = [get(api, "patients/%d" % p["PatNum"])
            for p in get(api, "patients?Limit=60")]
    dep = next(p for p in pats if p["Guarantor"] != p["PatNum"])
    out = next(p for p in pats if p["Guarantor"] != dep["Guarantor"])
    return dep["PatNum"], dep["Guarantor"], out["PatNum"]


def a_patient(api):
    return get(api, "patients?Limit=1")[0]["PatNum"]


# ---- apptfielddefs ---------------------------------------------------------

def test_apptfielddefs_round_trip(api):
    mark = log_mark(api)
    name = uniq("Ins Verified")
    d = post(api, "apptfielddefs", {"FieldName": name})
    assert list(d) == APPTFIELDDEF
    assert d["FieldName"] == name and d["FieldType"] == "Text"
    assert d["PickList"] == ""
    p = post(api, "apptfielddefs", {"FieldName": uniq("Status"),
                                    "FieldType": "PickList",
                                    "PickList": "Yes\r\nNo"})
    # CR LF is written as one space (spec 3.3)
    assert p["FieldType"] == "PickList" and p["PickList"] == "Yes No"
    rows = get(api, "apptfielddefs")
    assert all(list(r) == APPTFIELDDEF for r in rows)
    by = {r["ApptFieldDefNum"]: r for r in rows}
    assert by[d["ApptFieldDefNum"]] == d and by[p["ApptFieldDefNum"]] == p
    nums = [r["ApptFieldDefNum"] for r in rows]
    assert nums == sorted(nums)
    assert [r["ApptFieldDefNum"] for r in
            get(api, "apptfielddefs?Offset=1&Limit=1")] == nums[1:2]
    # the new definition works for apptfields at once
    apt = get(api, "appointments?Limit=1")[0]["AptNum"]
    st, _, _ = api.request("PUT", "apptfields", {
        "AptNum": apt, "FieldName": name, "FieldValue": "Yes"})
    assert st == 200
    own_log(api, PERM_SETUP, d["ApptFieldDefNum"], ["Created"], mark)
    order = db(api, "SELECT ItemOrder FROM apptfielddef WHERE "
                    "ApptFieldDefNum IN (%d, %d) ORDER BY ApptFieldDefNum"
               % (d["ApptFieldDefNum"], p["ApptFieldDefNum"]))
    if order is not None:
        assert int(order[1][0]) == int(order[0][0]) + 1


def test_apptfielddefs_errors(api):
    name = uniq("Dup")
    post(api, "apptfielddefs", {"FieldName": name})
    assert err(api, "POST", "apptfielddefs", {"FieldName": name}) == (
        400, "FieldName already exists.")
    assert err(api, "POST", "apptfielddefs", {}) == (
        400, "FieldName is required.")
    assert err(api, "POST", "apptfielddefs", {"FieldName": ""}) == (
        400, "FieldName is required.")
    assert err(api, "POST", "apptfielddefs", {"FieldName": uniq("x"),
                                              "FieldType": "Date"}) == (
        400, "FieldType is invalid.")
    assert err(api, "POST", "apptfielddefs", {"FieldName": uniq("x"),
                                              "FieldType": "PickList"}) == (
        400, "PickList is required when FieldType is PickList.")
    assert err(api, "POST", "apptfielddefs", {"FieldName": uniq("x"),
                                              "PickList": "a\r\nb"}) == (
        400, "PickList is only allowed when FieldType is PickList.")
    assert err(api, "POST", "apptfielddefs", {"FieldName": "x" * 256}) == (
        400, "FieldName is too long.")
    # only GET list and POST are served
    no_method(api, "GET", "apptfielddefs/1")
    no_method(api, "PUT", "apptfielddefs/1", {"FieldName": "y"})
    no_method(api, "DELETE", "apptfielddefs/1")


# ---- patfielddefs ----------------------------------------------------------

def test_patfielddefs_round_trip(api):
    mark = log_mark(api)
    name = uniq("Favorite Color")
    d = post(api, "patfielddefs", {"FieldName": name, "FieldType": "PickList",
                                   "PickList": "Red\r\nBlue"})
    assert list(d) == PATFIELDDEF
    assert (d["FieldName"], d["FieldType"], d["PickList"], d["IsHidden"]) == (
        name, "PickList", "Red Blue", "false")
    num = d["PatFieldDefNum"]
    rows = get(api, "patfielddefs")
    assert all(list(r) == PATFIELDDEF for r in rows)
    assert {r["PatFieldDefNum"]: r for r in rows}[num] == d
    nums = [r["PatFieldDefNum"] for r in rows]
    assert nums == sorted(nums)
    assert [r["PatFieldDefNum"] for r in
            get(api, "patfielddefs?Offset=1&Limit=1")] == nums[1:2]
    # partial update
    u = put(api, "patfielddefs/%d" % num, {"IsHidden": "true"})
    assert list(u) == PATFIELDDEF
    assert u == dict(d, IsHidden="true")
    new = uniq("Colour")
    u = put(api, "patfielddefs/%d" % num, {"FieldName": new,
                                           "FieldType": "Text",
                                           "PickList": ""})
    assert u == dict(d, FieldName=new, FieldType="Text", PickList="",
                     IsHidden="true")
    c = post(api, "patfielddefs", {"FieldName": uniq("Care"),
                                   "FieldType": "CareCreditAvailableCredit",
                                   "IsHidden": "true"})
    assert (c["FieldType"], c["IsHidden"]) == ("CareCreditAvailableCredit",
                                               "true")
    st, obj, _ = api.request("DELETE", "patfielddefs/%d" % num)
    assert st == 200, obj
    assert num not in [r["PatFieldDefNum"] for r in get(api, "patfielddefs")]
    assert err(api, "DELETE", "patfielddefs/%d" % num) == (
        404, "PatFieldDef not found.")
    own_log(api, PERM_SETUP, num, ["Created", "Updated", "Updated",
                                   "Deleted"], mark)


def test_patfielddefs_errors(api):
    name = uniq("Dup")
    d = post(api, "patfielddefs", {"FieldName": name, "FieldType": "Text"})
    other = post(api, "patfielddefs", {"FieldName": uniq("Other"),
                                       "FieldType": "Text"})
    assert err(api, "POST", "patfielddefs", {"FieldName": name,
                                             "FieldType": "Text"}) == (
        400, "FieldName already exists.")
    assert err(api, "PUT", "patfielddefs/%d" % other["PatFieldDefNum"],
               {"FieldName": name}) == (400, "FieldName already exists.")
    # its own name again is no conflict
    assert put(api, "patfielddefs/%d" % d["PatFieldDefNum"],
               {"FieldName": name})["FieldName"] == name
    assert err(api, "POST", "patfielddefs", {"FieldType": "Text"}) == (
        400, "FieldName is required.")
    assert err(api, "POST", "patfielddefs", {"FieldName": uniq("x")}) == (
        400, "FieldType is required.")
    assert err(api, "POST", "patfielddefs", {"FieldName": uniq("x"),
                                             "FieldType": "Color"}) == (
        400, "FieldType is invalid.")
    assert err(api, "POST", "patfielddefs", {
        "FieldName": uniq("x"), "FieldType": "InCaseOfEmergency"}) == (
        400, "FieldType is invalid.")
    assert err(api, "POST", "patfielddefs", {"FieldName": uniq("x"),
                                             "FieldType": "PickList"}) == (
        400, "PickList is required when FieldType is PickList.")
    assert err(api, "POST", "patfielddefs", {"FieldName": uniq("x"),
                                             "FieldType": "Date",
                                             "PickList": "a"}) == (
        400, "PickList is only allowed when FieldType is PickList.")
    assert err(api, "PUT", "patfielddefs/%d" % d["PatFieldDefNum"],
               {"FieldType": "PickList"}) == (
        400, "PickList is required when FieldType is PickList.")
    assert err(api, "PUT", "patfielddefs/%d" % d["PatFieldDefNum"],
               {"PickList": "a\r\nb"}) == (
        400, "PickList is only allowed when FieldType is PickList.")
    assert err(api, "POST", "patfielddefs", {"FieldName": uniq("x"),
                                             "FieldType": "Text",
                                             "IsHidden": "maybe"}) == (
        400, "IsHidden is invalid.")
    assert err(api, "PUT", "patfielddefs/%d" % d["PatFieldDefNum"], {}) == (
        400, "No fields to update were provided.")
    assert err(api, "PUT", "patfielddefs/99999999", {"IsHidden": "true"}) == (
        404, "PatFieldDef not found.")
    assert err(api, "DELETE", "patfielddefs/99999999") == (
        404, "PatFieldDef not found.")


def test_patfielddefs_delete_in_use(api):
    name = uniq("Used")
    d = post(api, "patfielddefs", {"FieldName": name, "FieldType": "Text"})
    pat = a_patient(api)
    post(api, "patfields", {"PatNum": pat, "FieldName": name,
                            "FieldValue": "x"})
    assert err(api, "DELETE", "patfielddefs/%d" % d["PatFieldDefNum"]) == (
        400, "Not allowed to delete. Already in use by one or more patients.")
    assert d in get(api, "patfielddefs")


# ---- patientnotes ----------------------------------------------------------

def test_patientnotes_get_and_put(api):
    depnum, gua, _ = family(api)
    dep = {"PatNum": depnum}
    mark = log_mark(api)
    n = get(api, "patientnotes/%d" % dep["PatNum"])
    assert list(n) == PATIENTNOTE and n["PatNum"] == dep["PatNum"]
    assert DATETIME.match(n["SecDateTEntry"])
    u = put(api, "patientnotes/%d" % dep["PatNum"],
            {"Medical": "Penicillin allergy", "ICEName": "Ann",
             "ICEPhone": "5035551234"})
    assert list(u) == PATIENTNOTE
    assert (u["Medical"], u["ICEName"], u["ICEPhone"]) == (
        "Penicillin allergy", "Ann", "5035551234")
    assert DATETIME.match(u["SecDateTEntry"])
    assert u["SecDateTEntry"] != "0001-01-01 00:00:00"
    g = get(api, "patientnotes/%d" % dep["PatNum"])
    assert g == u
    # partial: only Service changes
    u2 = put(api, "patientnotes/%d" % dep["PatNum"], {"Service": "Premed"})
    for k in PATIENTNOTE:
        if k not in ("Service", "SecDateTEdit"):
            assert u2[k] == u[k], k
    assert u2["Service"] == "Premed"
    # "" clears
    assert put(api, "patientnotes/%d" % dep["PatNum"],
               {"Service": ""})["Service"] == ""
    # the family's financial note lives on the guarantor
    assert err(api, "PUT", "patientnotes/%d" % dep["PatNum"],
               {"FamFinancial": "x"}) == (
        400, "FamFinancial can only be set on the guarantor's PatientNote.")
    gn = put(api, "patientnotes/%d" % gua, {"FamFinancial": "Pays monthly"})
    assert gn["FamFinancial"] == "Pays monthly"
    assert get(api, "patientnotes/%d" % dep["PatNum"])[
        "FamFinancial"] == "Pays monthly"
    # list
    rows = get(api, "patientnotes")
    assert all(list(r) == PATIENTNOTE for r in rows)
    nums = [r["PatNum"] for r in rows]
    assert nums == sorted(nums) and dep["PatNum"] in nums
    assert [r["PatNum"] for r in
            get(api, "patientnotes?Offset=1&Limit=2")] == nums[1:3]
    own_log(api, PERM_PATIENT_EDIT, dep["PatNum"],
            ["Updated", "Updated", "Updated"], mark, dep["PatNum"])


def test_patientnotes_errors(api):
    assert err(api, "GET", "patientnotes/99999999") == (
        404, "Patient not found.")
    assert err(api, "PUT", "patientnotes/99999999", {"Medical": "x"}) == (
        404, "Patient not found.")
    assert err(api, "GET", "patientnotes/abc")[0] == 400
    pat = a_patient(api)
    assert err(api, "PUT", "patientnotes/%d" % pat, {}) == (
        400, "No fields to update were provided.")
    assert err(api, "PUT", "patientnotes/%d" % pat, {"ICEName": "x" * 256}) == (
        400, "ICEName is too long.")
    assert err(api, "PUT", "patientnotes/%d" % pat, "[]") [0] == 400
    # a failed PUT leaves no row behind
    if api.backend == "server":
        db(api, "DELETE FROM patientnote WHERE PatNum = %d" % pat)
        err(api, "PUT", "patientnotes/%d" % pat, {"ICEName": "x" * 256})
        assert db(api, "SELECT COUNT(*) FROM patientnote WHERE PatNum = %d"
                  % pat)[0][0] in (0, "0")
        n = get(api, "patientnotes/%d" % pat)
        assert n["SecDateTEntry"] == "0001-01-01 00:00:00"
        assert n["Medical"] == ""


# ---- popups ----------------------------------------------------------------

def test_popups_round_trip(api):
    mark = log_mark(api)
    pat = a_patient(api)
    p = post(api, "popups", {"PatNum": pat, "Description": "Needs paperwork"})
    assert list(p) == POPUP
    assert (p["PatNum"], p["Description"], p["IsDisabled"], p["PopupLevel"],
            p["IsArchived"], p["PopupNumArchive"], p["DateTimeDisabled"]) == (
        pat, "Needs paperwork", "false", "Patient", "false", 0,
        "0001-01-01 00:00:00")
    assert DATETIME.match(p["DateTimeEntry"])
    rows = get(api, "popups?PatNum=%d" % pat)
    assert all(list(r) == POPUP for r in rows)
    assert p in rows
    u = put(api, "popups/%d" % p["PopupNum"],
            {"DateTimeDisabled": "2030-01-02 03:04:05"})
    assert u == dict(p, DateTimeDisabled="2030-01-02 03:04:05")
    u = put(api, "popups/%d" % p["PopupNum"],
            {"Description": "Ask about meds", "PopupLevel": "Family"})
    assert u == dict(p, DateTimeDisabled="2030-01-02 03:04:05",
                     Description="Ask about meds", PopupLevel="Family")
    # Description "" is ignored on PUT
    assert put(api, "popups/%d" % p["PopupNum"], {"Description": "",
               "PopupLevel": "Patient"})["Description"] == "Ask about meds"
    nums = [r["PopupNum"] for r in get(api, "popups")]
    assert nums == sorted(nums) and p["PopupNum"] in nums
    assert [r["PopupNum"] for r in get(api, "popups?Offset=1&Limit=1")] == \
        nums[1:2]
    own_log(api, PERM_POPUP, p["PopupNum"], ["Created", "Updated", "Updated",
                                             "Updated"], mark, pat)


def test_popups_family_and_superfamily(api):
    depnum, gua, outsider = family(api)
    dep = get(api, "patients/%d" % depnum)
    fam = post(api, "popups", {"PatNum": gua, "Description": "Family note",
                               "PopupLevel": "Family"})
    own = post(api, "popups", {"PatNum": gua, "Description": "Guarantor only"})
    nums = [r["PopupNum"] for r in get(api, "popups?PatNum=%d" % dep["PatNum"])]
    assert fam["PopupNum"] in nums and own["PopupNum"] not in nums
    nums = [r["PopupNum"] for r in get(api, "popups?PatNum=%d" % outsider)]
    assert fam["PopupNum"] not in nums
    # SuperFamily needs a super family
    if not dep.get("SuperFamily"):
        assert err(api, "POST", "popups", {
            "PatNum": dep["PatNum"], "Description": "x",
            "PopupLevel": "SuperFamily"}) == (
            400, "The patient is not part of a SuperFamily.")
        assert err(api, "PUT", "popups/%d" % own["PopupNum"],
                   {"PopupLevel": "SuperFamily"}) == (
            400, "The patient is not part of a SuperFamily.")
    if api.backend != "server":
        return
    db(api, "UPDATE patient SET SuperFamily = %d WHERE PatNum IN (%d, %d)"
       % (gua, gua, outsider))
    try:
        sf = post(api, "popups", {"PatNum": gua, "Description": "Super",
                                  "PopupLevel": "SuperFamily"})
        nums = [r["PopupNum"] for r in
                get(api, "popups?PatNum=%d" % outsider)]
        assert sf["PopupNum"] in nums and fam["PopupNum"] not in nums
    finally:
        db(api, "UPDATE patient SET SuperFamily = 0 WHERE PatNum IN (%d, %d)"
           % (gua, outsider))
    # archived copies are not listed
    db(api, "UPDATE popup SET IsArchived = 1 WHERE PopupNum = %d"
       % own["PopupNum"])
    assert own["PopupNum"] not in [r["PopupNum"] for r in get(api, "popups")]
    assert err(api, "PUT", "popups/%d" % own["PopupNum"],
               {"Description": "x"}) == (404, "Popup not found.")


def test_popups_errors(api):
    pat = a_patient(api)
    assert err(api, "POST", "popups", {"Description": "x"}) == (
        400, "PatNum is required.")
    assert err(api, "POST", "popups", {"PatNum": pat}) == (
        400, "Description is required.")
    assert err(api, "POST", "popups", {"PatNum": 99999999,
                                       "Description": "x"}) == (
        404, "Patient not found.")
    assert err(api, "POST", "popups", {"PatNum": pat, "Description": "x",
                                       "PopupLevel": "Automation"}) == (
        400, "PopupLevel is invalid.")
    assert err(api, "POST", "popups", {"PatNum": pat, "Description": "x",
                                       "DateTimeDisabled": "2024-01-01"}) == (
        400, "DateTimeDisabled format must be yyyy-MM-dd HH:mm:ss.")
    assert err(api, "PUT", "popups/99999999", {"Description": "x"}) == (
        404, "Popup not found.")
    p = post(api, "popups", {"PatNum": pat, "Description": "x"})
    assert err(api, "PUT", "popups/%d" % p["PopupNum"], {}) == (
        400, "No fields to update were provided.")
    # PatNum is not changed by PUT
    assert err(api, "PUT", "popups/%d" % p["PopupNum"], {"PatNum": 1}) == (
        400, "No fields to update were provided.")
    assert err(api, "GET", "popups?PatNum=abc")[0] == 400


# ---- procnotes -------------------------------------------------------------

def a_procedure(api):
    return get(api, "procedurelogs?Limit=1")[0]


def test_procnotes_round_trip(api):
    mark = log_mark(api)
    proc = a_procedure(api)
    pat, pnum = proc["PatNum"], proc["ProcNum"]
    a = post(api, "procnotes", {"PatNum": pat, "ProcNum": pnum,
                                "Note": "Review med hx"})
    assert list(a) == PROCNOTE
    assert (a["PatNum"], a["ProcNum"], a["UserNum"], a["Note"],
            a["SigIsTopaz"], a["isSigned"]) == (
        pat, pnum, 0, "Review med hx", "false", "false")
    assert DATETIME.match(a["EntryDateTime"])
    b = post(api, "procnotes", {"PatNum": pat, "ProcNum": pnum,
                                "Note": "Signed note", "isSigned": "true"})
    assert b["isSigned"] == "true"
    rows = get(api, "procnotes?ProcNum=%d" % pnum)
    assert all(list(r) == PROCNOTE for r in rows)
    # most recent first
    keys = [(r["EntryDateTime"], r["ProcNoteNum"]) for r in rows]
    assert keys == sorted(keys, reverse=True)
    assert rows[0] == b and a in rows
    assert all(r["ProcNum"] == pnum for r in rows)
    rows = get(api, "procnotes?PatNum=%d" % pat)
    assert a in rows and all(r["PatNum"] == pat for r in rows)
    allrows = get(api, "procnotes")
    assert [r["ProcNoteNum"] for r in
            get(api, "procnotes?Offset=1&Limit=1")] == [
        r["ProcNoteNum"] for r in allrows[1:2]]
    sig = db(api, "SELECT Signature FROM procnote WHERE ProcNoteNum IN "
                  "(%d, %d) ORDER BY ProcNoteNum" % (a["ProcNoteNum"],
                                                     b["ProcNoteNum"]))
    if sig is not None:
        assert sig[0][0] == "" and sig[1][0] != ""
    own_log(api, PERM_PROCNOTE, a["ProcNoteNum"], ["Created"], mark, pat)
    own_log(api, PERM_PROCNOTE, b["ProcNoteNum"], ["Created"], mark, pat)


def test_procnotes_errors(api):
    proc = a_procedure(api)
    pat, pnum = proc["PatNum"], proc["ProcNum"]
    assert err(api, "POST", "procnotes", {"ProcNum": pnum, "Note": "x"}) == (
        400, "PatNum is required.")
    assert err(api, "POST", "procnotes", {"PatNum": pat, "Note": "x"}) == (
        400, "ProcNum is required.")
    assert err(api, "POST", "procnotes", {"PatNum": pat, "ProcNum": pnum}) == (
        400, "Note is required.")
    assert err(api, "POST", "procnotes", {"PatNum": pat, "ProcNum": pnum,
                                          "Note": "  "}) == (
        400, "Note is required.")
    assert err(api, "POST", "procnotes", {"PatNum": 99999999, "ProcNum": pnum,
                                          "Note": "x"}) == (
        404, "Patient not found.")
    assert err(api, "POST", "procnotes", {"PatNum": pat, "ProcNum": 99999999,
                                          "Note": "x"}) == (
        404, "Procedure not found.")
    other = next(p["PatNum"] for p in get(api, "patients?Limit=60")
                 if p["PatNum"] != pat)
    assert err(api, "POST", "procnotes", {"PatNum": other, "ProcNum": pnum,
                                          "Note": "x"}) == (
        400, "The procedure is not for this patient.")
    assert err(api, "POST", "procnotes", {"PatNum": pat, "ProcNum": pnum,
                                          "Note": "x", "isSigned": "yes"}) == (
        400, "isSigned is invalid.")
    assert err(api, "GET", "procnotes?PatNum=abc")[0] == 400
    no_method(api, "PUT", "procnotes/1", {"Note": "x"})
    no_method(api, "GET", "procnotes/1")


# ---- rxpats ----------------------------------------------------------------

def test_rxpats_read(api):
    assert err(api, "GET", "rxpats/99999999") == (404, "RxPat not found.")
    assert err(api, "GET", "rxpats/abc")[0] == 400
    assert isinstance(get(api, "rxpats"), list)
    no_method(api, "POST", "rxpats", {"PatNum": 1})
    no_method(api, "PUT", "rxpats/1", {"Drug": "x"})
    # the seeded prescriptions (after extractions, root canals, scaling)
    every = get(api, "rxpats?Limit=1000")
    nums = [r["RxNum"] for r in every]
    assert nums and nums == sorted(nums)
    assert [r["RxNum"] for r in get(api, "rxpats?Offset=1&Limit=1")] == \
        nums[1:2]
    pharmacies = [p["PharmacyNum"] for p in get(api, "pharmacies")]
    controlled = next(r for r in every if r["IsControlled"] == "true")
    for one in (every[0], controlled):
        assert list(one) == RXPAT
        assert one == get(api, "rxpats/%d" % one["RxNum"])
        assert DATETIME.match(one["DateTStamp"])
        assert DATE.match(one["RxDate"])
        assert one["PharmacyNum"] in pharmacies
        assert one["SendStatus"] in ("Printed", "SentElect")
        assert one["Drug"] and one["Sig"] and one["Disp"]
    # a controlled drug is printed and tied to its procedure
    assert (controlled["SendStatus"], controlled["IsProcRequired"]) == (
        "Printed", "true")
    proc = get(api, "procedurelogs/%d" % controlled["ProcNum"])
    assert (proc["PatNum"], proc["ProcStatus"], proc["ProcDate"]) == (
        controlled["PatNum"], "C", controlled["RxDate"])
    pat = controlled["PatNum"]
    rows = get(api, "rxpats?PatNum=%d" % pat)
    assert controlled in rows
    assert rows == [r for r in every if r["PatNum"] == pat]
