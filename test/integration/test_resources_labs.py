"""employers, employees, pharmacies, laboratories, labturnarounds and
labcases (lib/resources/labs.c), through HTTP against the seeded test database and
the embedded sandbox."""
import re

import pytest

from conftest import db, uniq, put, get, err, post

DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")

EMPLOYER = ["EmployerNum", "EmpName"]
EMPLOYEE = ["EmployeeNum", "LName", "FName", "MiddleI", "IsHidden",
            "ClockStatus", "PayrollID", "WirelessPhone", "EmailWork",
            "EmailPersonal", "IsFurloughed", "ReportsTo"]
PHARMACY = ["PharmacyNum", "StoreName", "Phone", "Fax", "Address", "City",
            "State", "Zip", "Note", "DateTStamp"]
LABORATORY = ["LaboratoryNum", "Description", "Phone", "Notes", "Slip",
              "Address", "City", "State", "Zip", "Email", "WirelessPhone",
              "IsHidden"]
LABTURNAROUND = ["LabTurnaroundNum", "LaboratoryNum", "Description",
                 "DaysPublished", "DaysActual"]
LABCASE = ["LabCaseNum", "PatNum", "LaboratoryNum", "AptNum", "PlannedAptNum",
           "DateTimeDue", "DateTimeCreated", "DateTimeSent", "DateTimeRecd",
           "DateTimeChecked", "ProvNum", "Instructions", "LabFee",
           "DateTStamp", "InvoiceNum"]

PERM_SETUP, PERM_APPOINTMENT_EDIT, PERM_EMPLOYER_CREATE = 8, 27, 205


def no_method(api, method, path, body=None):
    """An operation the spec does not have: the router's 400."""
    st, obj = err(api, method, path, body)
    assert st == 400 and obj.endswith("is not a valid method."), (st, obj)


def changed_only(before, after, given):
    for k in before:
        if k in given or k == "DateTStamp":
            continue
        assert after[k] == before[k], k


def log_mark(api):
    """The newest securitylog row now (0 on the embedded backend)."""
    rows = db(api, "SELECT COALESCE(MAX(SecurityLogNum), 0) FROM securitylog")
    return int(rows[0][0]) if rows else 0


def logs(api, mark, perm, fkey):
    """The API's securitylog rows for fkey written after mark:
    [(verb, PermType, PatNum)], or None on the embedded backend."""
    rows = db(api, "SELECT LogText, LogSource, PermType, PatNum FROM "
                   "securitylog WHERE FKey = %d AND PermType = %d AND "
                   "SecurityLogNum > %d ORDER BY SecurityLogNum"
              % (fkey, perm, mark))
    if rows is None:
        return None
    assert all(r[0] == "%s by Sandbox Developer through API."
               % r[0].split(" by ")[0] and r[1] == "23" for r in rows), rows
    return [(r[0].split(" by ")[0], int(r[2]), int(r[3])) for r in rows]


def paging(api, path, rows):
    """Offset/Limit pages are slices of the whole ordered list."""
    assert len(rows) >= 3
    assert get(api, path + "Offset=1&Limit=2") == rows[1:3]
    assert get(api, path + "Limit=1") == rows[:1]
    assert get(api, path + "Offset=%d" % len(rows)) == []


# ---- employers -------------------------------------------------------------

def test_employers_round_trip(api):
    mark = log_mark(api)
    names = [uniq("Store Mart"), uniq("Townville Hospital"), uniq("Acme")]
    made = [post(api, "employers", {"EmpName": n}) for n in names]
    for e, n in zip(made, names):
        assert list(e) == EMPLOYER and e["EmpName"] == n
        assert get(api, "employers/%d" % e["EmployerNum"]) == e
    rows = get(api, "employers?Limit=1000")
    assert all(list(r) == EMPLOYER for r in rows)
    assert [r["EmployerNum"] for r in rows] == sorted(
        r["EmployerNum"] for r in rows)
    assert all(e in rows for e in made)
    paging(api, "employers?", rows)
    key = made[0]["EmployerNum"]
    # stored as given
    got = db(api, "SELECT EmpName FROM employer WHERE EmployerNum = %d" % key)
    if got is not None:
        assert got == [[names[0]]]
    # PUT
    newname = uniq("Silver Pine Outfitters")
    d = put(api, "employers/%d" % key, {"EmpName": newname})
    assert d == {"EmployerNum": key, "EmpName": newname}
    assert get(api, "employers/%d" % key) == d
    # "" is not a name: ignored, so nothing to update
    assert err(api, "PUT", "employers/%d" % key, {"EmpName": ""}) == (
        400, "No fields to update were provided.")
    assert err(api, "PUT", "employers/%d" % key, {}) == (
        400, "No fields to update were provided.")
    assert get(api, "employers/%d" % key) == d
    # DELETE
    assert api.request("DELETE", "employers/%d" % key)[0] == 200
    assert err(api, "GET", "employers/%d" % key) == (
        404, "Employer not found.")
    assert err(api, "DELETE", "employers/%d" % key) == (
        404, "Employer not found.")
    assert err(api, "PUT", "employers/%d" % key, {"EmpName": "x"}) == (
        404, "Employer not found.")
    assert logs(api, mark, PERM_EMPLOYER_CREATE, key) in (
        None, [("Created", PERM_EMPLOYER_CREATE, 0),
               ("Updated", PERM_EMPLOYER_CREATE, 0),
               ("Deleted", PERM_EMPLOYER_CREATE, 0)])


@pytest.mark.parametrize("body,msg", [
    ({}, "EmpName is required."),
    ({"EmpName": ""}, "EmpName is required."),
    ({"EmpName": "x" * 256}, "EmpName is too long."),
    ({"EmpName": ["a"]}, "EmpName is invalid."),
])
def test_employers_post_errors(api, body, msg):
    before = len(get(api, "employers?Limit=1000"))
    assert err(api, "POST", "employers", body) == (400, msg)
    assert len(get(api, "employers?Limit=1000")) == before


def test_employers_in_use_cannot_be_deleted(api):
    e = post(api, "employers", {"EmpName": uniq("Busy Co")})
    key = e["EmployerNum"]
    st, pat, _ = api.request("POST", "patients", {
        "LName": "Labtest", "FName": "Emp", "EmployerNum": key})
    assert st == 201 and pat["EmployerNum"] == key, pat
    msg = ("Employers associated with a patient or an insurance plan cannot "
           "be deleted.")
    assert err(api, "DELETE", "employers/%d" % key) == (400, msg)
    assert get(api, "employers/%d" % key) == e
    # free again once the patient moves on
    put(api, "patients/%d" % pat["PatNum"], {"EmployerNum": 0})
    assert api.request("DELETE", "employers/%d" % key)[0] == 200


def test_employers_bad_keys(api):
    assert err(api, "GET", "employers/99999999") == (
        404, "Employer not found.")
    assert err(api, "GET", "employers/abc")[0] == 400
    assert err(api, "DELETE", "employers/abc")[0] == 400


# ---- employees and pharmacies (read only) ----------------------------------

def test_employees_read_only(api):
    assert err(api, "GET", "employees/99999999") == (
        404, "Employee not found.")
    no_method(api, "POST", "employees", {"LName": "X"})
    no_method(api, "PUT", "employees/1", {"LName": "X"})
    rows = get(api, "employees")
    assert all(list(r) == EMPLOYEE for r in rows)
    if api.backend != "server":
        return
    last = uniq("Worker")
    for i in range(3):
        db(api, "INSERT INTO employee (LName, FName, MiddleI, IsHidden, "
                "ClockStatus, PhoneExt, PayrollID, WirelessPhone, EmailWork, "
                "EmailPersonal, IsFurloughed, IsWorkingHome, ReportsTo) "
                "VALUES ('%s', 'F%d', 'Q', %d, 'Working', 101, '000051', "
                "'555-0101', 'w@example.com', 'p@example.com', 1, 1, 0)"
           % (last, i, i % 2))
    rows = get(api, "employees?Limit=1000")
    mine = [r for r in rows if r["LName"] == last]
    assert len(mine) == 3
    assert mine[0] == {
        "EmployeeNum": mine[0]["EmployeeNum"], "LName": last, "FName": "F0",
        "MiddleI": "Q", "IsHidden": "false", "ClockStatus": "Working",
        "PayrollID": "000051", "WirelessPhone": "555-0101",
        "EmailWork": "w@example.com", "EmailPersonal": "p@example.com",
        "IsFurloughed": "true", "ReportsTo": 0}
    assert mine[1]["IsHidden"] == "true"
    assert list(mine[0]) == EMPLOYEE
    assert get(api, "employees/%d" % mine[1]["EmployeeNum"]) == mine[1]
    assert [r["EmployeeNum"] for r in rows] == sorted(
        r["EmployeeNum"] for r in rows)
    paging(api, "employees?", rows)


def test_pharmacies_read_only(api):
    assert err(api, "GET", "pharmacies/99999999") == (
        404, "Pharmacy not found.")
    no_method(api, "POST", "pharmacies", {"StoreName": "X"})
    rows = get(api, "pharmacies")
    assert all(list(r) == PHARMACY for r in rows)
    if api.backend != "server":
        return
    store = uniq("Corner Drug")
    for i in range(3):
        db(api, "INSERT INTO pharmacy (PharmID, StoreName, Phone, Fax, "
                "Address, Address2, City, State, Zip, Note) VALUES ('1234', "
                "'%s', '(503)555-0100', '(503)555-0101', '1 Main St', 'Ste %d', "
                "'Portland', 'OR', '97201', 'Open 9-5\r\nclosed Sun')"
           % (store, i))
    rows = get(api, "pharmacies?Limit=1000")
    mine = [r for r in rows if r["StoreName"] == store]
    assert len(mine) == 3
    p = mine[0]
    assert list(p) == PHARMACY
    assert (p["Phone"], p["Fax"], p["Address"], p["City"], p["State"],
            p["Zip"], p["Note"]) == (
        "(503)555-0100", "(503)555-0101", "1 Main St", "Portland", "OR",
        "97201", "Open 9-5 closed Sun")
    assert DATETIME.match(p["DateTStamp"])
    assert get(api, "pharmacies/%d" % p["PharmacyNum"]) == p
    paging(api, "pharmacies?", rows)


# ---- laboratories ------------------------------------------------------------

def new_lab(api, **kw):
    body = {"Description": uniq("Go Smiles Lab")}
    body.update(kw)
    return post(api, "laboratories", body)


def test_laboratories_round_trip(api):
    mark = log_mark(api)
    lab = new_lab(api, Phone="(503)240-1910", Notes="line1\nline2", Slip=0,
                  Address="231 Hoyt Rd", City="Glendale", State="OR",
                  Zip="91124", Email="lab@example.com",
                  WirelessPhone="555-0199", IsHidden="false")
    assert list(lab) == LABORATORY
    assert (lab["Phone"], lab["Notes"], lab["Slip"], lab["Address"],
            lab["City"], lab["State"], lab["Zip"], lab["Email"],
            lab["WirelessPhone"], lab["IsHidden"]) == (
        "(503)240-1910", "line1 line2", 0, "231 Hoyt Rd", "Glendale", "OR",
        "91124", "lab@example.com", "555-0199", "false")
    key = lab["LaboratoryNum"]
    assert get(api, "laboratories/%d" % key) == lab
    got = db(api, "SELECT Notes = 'line1\\nline2' FROM laboratory WHERE "
                  "LaboratoryNum = %d" % key)
    if got is not None:
        assert got == [["1"]]
    # defaults
    bare = new_lab(api)
    assert (bare["Phone"], bare["Notes"], bare["Slip"], bare["Zip"],
            bare["IsHidden"]) == ("", "", 0, "", "false")
    new_lab(api)
    rows = get(api, "laboratories?Limit=1000")
    assert all(list(r) == LABORATORY for r in rows) and lab in rows
    paging(api, "laboratories?", rows)
    # PUT: partial; "" clears; Description "" is ignored
    d = put(api, "laboratories/%d" % key, {"IsHidden": "true", "Phone": ""})
    changed_only(lab, d, {"IsHidden", "Phone"})
    assert (d["IsHidden"], d["Phone"]) == ("true", "")
    d2 = put(api, "laboratories/%d" % key, {"Description": "",
                                             "City": "Salem"})
    assert (d2["Description"], d2["City"]) == (lab["Description"], "Salem")
    assert err(api, "PUT", "laboratories/%d" % key, {}) == (
        400, "No fields to update were provided.")
    assert err(api, "PUT", "laboratories/99999999", {"City": "x"}) == (
        404, "Laboratory not found.")
    assert err(api, "GET", "laboratories/99999999") == (
        404, "Laboratory not found.")
    # no DELETE in the spec
    no_method(api, "DELETE", "laboratories/%d" % key)
    assert logs(api, mark, PERM_SETUP, key) in (
        None, [("Created", PERM_SETUP, 0), ("Updated", PERM_SETUP, 0),
               ("Updated", PERM_SETUP, 0)])


@pytest.mark.parametrize("body,msg", [
    ({"Phone": "1"}, "Description is required."),
    ({"Description": ""}, "Description is required."),
    ({"Description": "L", "Zip": "9712"}, "Zip is invalid."),
    ({"Description": "L", "State": "Oregon"}, "State is invalid."),
    ({"Description": "L", "Slip": "one"}, "Slip is invalid."),
    ({"Description": "L", "IsHidden": "yes"}, "IsHidden is invalid."),
    ({"Description": "x" * 256}, "Description is too long."),
])
def test_laboratories_post_errors(api, body, msg):
    assert err(api, "POST", "laboratories", body) == (400, msg)


def test_laboratories_put_errors(api):
    key = new_lab(api)["LaboratoryNum"]
    assert err(api, "PUT", "laboratories/%d" % key, {"Zip": "ABC"}) == (
        400, "Zip is invalid.")
    assert err(api, "PUT", "laboratories/%d" % key, "[1]") == (
        400, "The request body must be a JSON object.")
    assert err(api, "PUT", "laboratories/%d" % key, "{") == (
        400, "The request body is not valid JSON.")


# ---- labturnarounds -----------------------------------------------------------

def test_labturnarounds_round_trip(api):
    lab = new_lab(api)["LaboratoryNum"]
    other = new_lab(api)["LaboratoryNum"]
    mark = log_mark(api)
    t = post(api, "labturnarounds", {"LaboratoryNum": lab,
                                     "Description": "Crown",
                                     "DaysActual": 7})
    assert t == {"LabTurnaroundNum": t["LabTurnaroundNum"],
                 "LaboratoryNum": lab, "Description": "Crown",
                 "DaysPublished": 0, "DaysActual": 7}
    t2 = post(api, "labturnarounds", {"LaboratoryNum": lab,
                                      "Description": "Denture",
                                      "DaysPublished": "10",
                                      "DaysActual": "12"})
    t3 = post(api, "labturnarounds", {"LaboratoryNum": lab,
                                      "Description": "Night guard",
                                      "DaysActual": 3})
    o = post(api, "labturnarounds", {"LaboratoryNum": other,
                                     "Description": "Crown",
                                     "DaysActual": 5})
    assert (t2["DaysPublished"], t2["DaysActual"]) == (10, 12)
    key = t["LabTurnaroundNum"]
    assert get(api, "labturnarounds/%d" % key) == t
    mine = get(api, "labturnarounds?LaboratoryNum=%d" % lab)
    assert mine == [t, t2, t3]
    assert get(api, "labturnarounds?LaboratoryNum=%d" % other) == [o]
    assert get(api, "labturnarounds?LaboratoryNum=%d&Offset=1&Limit=1"
               % lab) == [t2]
    rows = get(api, "labturnarounds?Limit=1000")
    assert all(list(r) == LABTURNAROUND for r in rows) and o in rows
    paging(api, "labturnarounds?", rows)
    # PUT: partial; LaboratoryNum is not changed by PUT
    d = put(api, "labturnarounds/%d" % key, {"DaysPublished": 5,
                                             "LaboratoryNum": other})
    assert d == dict(t, DaysPublished=5)
    d = put(api, "labturnarounds/%d" % key, {"Description": "Crown PFM",
                                             "DaysActual": 9})
    assert d == dict(t, DaysPublished=5, Description="Crown PFM",
                     DaysActual=9)
    assert err(api, "PUT", "labturnarounds/%d" % key,
               {"DaysActual": "many"}) == (400, "DaysActual is invalid.")
    assert err(api, "PUT", "labturnarounds/%d" % key,
               {"DaysActual": -1}) == (400, "DaysActual cannot be negative.")
    assert err(api, "PUT", "labturnarounds/99999999", {"DaysActual": 1}) == (
        404, "LabTurnaround not found.")
    assert err(api, "GET", "labturnarounds/99999999") == (
        404, "LabTurnaround not found.")
    no_method(api, "DELETE", "labturnarounds/%d" % key)
    assert get(api, "labturnarounds/%d" % key) == d
    assert logs(api, mark, PERM_SETUP, key) in (
        None, [("Created", PERM_SETUP, 0), ("Updated", PERM_SETUP, 0),
               ("Updated", PERM_SETUP, 0)])


@pytest.mark.parametrize("body,msg", [
    ({"Description": "C", "DaysActual": 1}, "LaboratoryNum is required."),
    ({"LaboratoryNum": "@", "DaysActual": 1}, "Description is required."),
    ({"LaboratoryNum": "@", "Description": "C"}, "DaysActual is required."),
    ({"LaboratoryNum": 99999999, "Description": "C", "DaysActual": 1},
     "LaboratoryNum is invalid."),
    ({"LaboratoryNum": "x", "Description": "C", "DaysActual": 1},
     "LaboratoryNum is invalid."),
    ({"LaboratoryNum": "@", "Description": "C", "DaysActual": 1.5},
     "DaysActual is invalid."),
    ({"LaboratoryNum": "@", "Description": "C", "DaysActual": 1,
      "DaysPublished": -2}, "DaysPublished cannot be negative."),
])
def test_labturnarounds_post_errors(api, body, msg):
    lab = new_lab(api)["LaboratoryNum"]
    body = {k: (lab if v == "@" else v) for k, v in body.items()}
    assert err(api, "POST", "labturnarounds", body) == (400, msg)
    assert get(api, "labturnarounds?LaboratoryNum=%d" % lab) == []


# ---- labcases -------------------------------------------------------------------

def appointment(api, status):
    rows = get(api, "appointments?AptStatus=%s&Limit=1" % status)
    return rows[0] if rows else None


def new_patient(api):
    st, obj, _ = api.request("POST", "patients",
                             {"LName": "Labtest", "FName": "Case"})
    assert st == 201, obj
    return obj["PatNum"]


def test_labcases_round_trip(api):
    lab = new_lab(api)["LaboratoryNum"]
    lab2 = new_lab(api)["LaboratoryNum"]
    apt = appointment(api, "Scheduled")
    assert apt, "the seed has scheduled appointments"
    pat, prov = apt["PatNum"], apt["ProvNum"]
    mark = log_mark(api)
    c = post(api, "labcases", {
        "PatNum": pat, "LaboratoryNum": lab, "ProvNum": prov,
        "AptNum": apt["AptNum"], "DateTimeDue": "2030-01-02 10:00:00",
        "Instructions": "Repair clasps\r\non Max partial", "LabFee": 45.5,
        "InvoiceNum": "INV-7"})
    assert list(c) == LABCASE
    assert (c["PatNum"], c["LaboratoryNum"], c["AptNum"], c["PlannedAptNum"],
            c["DateTimeDue"], c["DateTimeSent"], c["DateTimeRecd"],
            c["DateTimeChecked"], c["ProvNum"], c["Instructions"],
            c["LabFee"], c["InvoiceNum"]) == (
        pat, lab, apt["AptNum"], 0, "2030-01-02 10:00:00",
        "0001-01-01 00:00:00", "0001-01-01 00:00:00", "0001-01-01 00:00:00",
        prov, "Repair clasps on Max partial", 45.5, "INV-7")
    # DateTimeCreated defaults to now; DateTStamp is the database's
    assert DATETIME.match(c["DateTimeCreated"]) and \
        c["DateTimeCreated"] != "0001-01-01 00:00:00"
    assert DATETIME.match(c["DateTStamp"])
    key = c["LabCaseNum"]
    assert get(api, "labcases/%d" % key) == c
    got = db(api, "SELECT Instructions = 'Repair clasps\\r\\non Max "
                  "partial', LabFee FROM labcase WHERE LabCaseNum = %d" % key)
    if got is not None:
        assert got == [["1", "45.5"]]
    # a given DateTimeCreated is kept; LabFee 0 is written 0.0
    c2 = post(api, "labcases", {"PatNum": pat, "LaboratoryNum": lab2,
                                "ProvNum": prov,
                                "DateTimeCreated": "2024-05-06 07:08:09"})
    assert (c2["DateTimeCreated"], c2["LabFee"], c2["AptNum"]) == (
        "2024-05-06 07:08:09", 0.0, 0)
    pat2 = new_patient(api)
    c3 = post(api, "labcases", {"PatNum": pat2, "LaboratoryNum": lab,
                                "ProvNum": prov})
    # filters
    assert get(api, "labcases?PatNum=%d" % pat2) == [c3]
    assert get(api, "labcases?LaboratoryNum=%d" % lab2) == [c2]
    assert c in get(api, "labcases?AptNum=%d" % apt["AptNum"])
    assert get(api, "labcases?AptNum=%d&ProvNum=%d" % (apt["AptNum"], prov))
    assert get(api, "labcases?AptNum=%d&ProvNum=99999999"
               % apt["AptNum"]) == []
    assert get(api, "labcases?LaboratoryNum=%d&PatNum=%d" % (lab, pat)) == [c]
    assert c2 in get(api, "labcases?PlannedAptNum=0&PatNum=%d" % pat)
    rows = get(api, "labcases?Limit=1000")
    assert all(list(r) == LABCASE for r in rows) and c3 in rows
    paging(api, "labcases?", rows)
    # PUT: partial; PatNum is not changed
    d = put(api, "labcases/%d" % key, {"DateTimeSent": "2030-01-01 09:00:00",
                                       "LabFee": "60", "PatNum": pat2})
    changed_only(c, d, {"DateTimeSent", "LabFee"})
    assert (d["DateTimeSent"], d["LabFee"], d["PatNum"]) == (
        "2030-01-01 09:00:00", 60.0, pat)
    d = put(api, "labcases/%d" % key, {"LaboratoryNum": lab2, "AptNum": 0,
                                       "Instructions": ""})
    assert (d["LaboratoryNum"], d["AptNum"], d["Instructions"]) == (
        lab2, 0, "")
    assert get(api, "labcases/%d" % key) == d
    # DELETE
    assert api.request("DELETE", "labcases/%d" % key)[0] == 200
    assert err(api, "GET", "labcases/%d" % key) == (404, "LabCase not found.")
    assert err(api, "DELETE", "labcases/%d" % key) == (
        404, "LabCase not found.")
    assert err(api, "PUT", "labcases/%d" % key, {"LabFee": 1}) == (
        404, "LabCase not found.")
    assert logs(api, mark, PERM_APPOINTMENT_EDIT, key) in (
        None, [("Created", PERM_APPOINTMENT_EDIT, pat),
               ("Updated", PERM_APPOINTMENT_EDIT, pat),
               ("Updated", PERM_APPOINTMENT_EDIT, pat),
               ("Deleted", PERM_APPOINTMENT_EDIT, pat)])


@pytest.mark.parametrize("body,status,msg", [
    ({"LaboratoryNum": "@lab", "ProvNum": "@prov"}, 400,
     "PatNum is required."),
    ({"PatNum": "@pat", "ProvNum": "@prov"}, 400,
     "LaboratoryNum is required."),
    ({"PatNum": "@pat", "LaboratoryNum": "@lab"}, 400,
     "ProvNum is required."),
    ({"PatNum": 99999999, "LaboratoryNum": "@lab", "ProvNum": "@prov"}, 404,
     "Patient not found."),
    ({"PatNum": "@pat", "LaboratoryNum": 99999999, "ProvNum": "@prov"}, 400,
     "LaboratoryNum is invalid."),
    ({"PatNum": "@pat", "LaboratoryNum": "@lab", "ProvNum": 99999999}, 400,
     "ProvNum is invalid."),
    ({"PatNum": "@pat", "LaboratoryNum": "@lab", "ProvNum": "@prov",
      "AptNum": 99999999}, 400, "AptNum is invalid."),
    ({"PatNum": "@pat", "LaboratoryNum": "@lab", "ProvNum": "@prov",
      "PlannedAptNum": 99999999}, 400, "PlannedAptNum is invalid."),
    ({"PatNum": "@pat", "LaboratoryNum": "@lab", "ProvNum": "@prov",
      "DateTimeDue": "2030-01-02"}, 400,
     "DateTimeDue format must be yyyy-MM-dd HH:mm:ss."),
    ({"PatNum": "@pat", "LaboratoryNum": "@lab", "ProvNum": "@prov",
      "LabFee": "lots"}, 400, "LabFee is invalid."),
    ({"PatNum": "@pat", "LaboratoryNum": "@lab", "ProvNum": "@prov",
      "InvoiceNum": "9" * 256}, 400, "InvoiceNum is too long."),
    ({"PatNum": "abc", "LaboratoryNum": "@lab", "ProvNum": "@prov"}, 400,
     "PatNum is invalid."),
    # an appointment of another patient
    ({"PatNum": "@pat", "LaboratoryNum": "@lab", "ProvNum": "@prov",
      "AptNum": "@apt"}, 400,
     "AptNum must be a Scheduled appointment of this patient."),
    ({"PatNum": "@pat", "LaboratoryNum": "@lab", "ProvNum": "@prov",
      "PlannedAptNum": "@apt"}, 400,
     "PlannedAptNum must be a Planned appointment of this patient."),
])
def test_labcases_post_errors(api, body, status, msg):
    lab = new_lab(api)["LaboratoryNum"]
    pat = new_patient(api)
    apt = appointment(api, "Scheduled")
    vals = {"@lab": lab, "@pat": pat, "@prov": apt["ProvNum"],
            "@apt": apt["AptNum"]}
    body = {k: vals.get(v, v) if isinstance(v, str) else v
            for k, v in body.items()}
    assert err(api, "POST", "labcases", body) == (status, msg)
    assert get(api, "labcases?PatNum=%d" % pat) == []


def test_labcases_appointment_status_rules(api):
    apt = appointment(api, "Scheduled")
    lab = new_lab(api)["LaboratoryNum"]
    pat, prov = apt["PatNum"], apt["ProvNum"]
    # a scheduled appointment is not a planned one, and back
    assert err(api, "POST", "labcases", {
        "PatNum": pat, "LaboratoryNum": lab, "ProvNum": prov,
        "PlannedAptNum": apt["AptNum"]}) == (
        400, "PlannedAptNum must be a Planned appointment of this patient.")
    c = post(api, "labcases", {"PatNum": pat, "LaboratoryNum": lab,
                               "ProvNum": prov})
    key = c["LabCaseNum"]
    assert err(api, "PUT", "labcases/%d" % key,
               {"PlannedAptNum": apt["AptNum"]}) == (
        400, "PlannedAptNum must be a Planned appointment of this patient.")
    other = [a for a in get(api, "appointments?AptStatus=Scheduled&Limit=50")
             if a["PatNum"] != pat][0]
    assert err(api, "PUT", "labcases/%d" % key,
               {"AptNum": other["AptNum"]}) == (
        400, "AptNum must be a Scheduled appointment of this patient.")
    assert put(api, "labcases/%d" % key,
               {"AptNum": apt["AptNum"]})["AptNum"] == apt["AptNum"]
    planned = get(api, "appointments?AptStatus=Planned&Limit=1")
    if planned:
        p = planned[0]
        c2 = post(api, "labcases", {"PatNum": p["PatNum"],
                                    "LaboratoryNum": lab,
                                    "ProvNum": p["ProvNum"],
                                    "PlannedAptNum": p["AptNum"]})
        assert c2["PlannedAptNum"] == p["AptNum"]
        assert err(api, "PUT", "labcases/%d" % c2["LabCaseNum"],
                   {"AptNum": p["AptNum"]}) == (
            400, "AptNum must be a Scheduled appointment of this patient.")
