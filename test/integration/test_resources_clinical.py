"""procedurelogs and procedurecodes (issue "Resources I"), through HTTP
against the seeded test database and the embedded sandbox."""
import re
import urllib.parse
import uuid

import pytest

from conftest import mysql

PROC_FIELDS = [
    "ProcNum", "PatNum", "AptNum", "ProcDate", "ProcFee", "Surf", "ToothNum",
    "ToothRange", "Priority", "priority", "ProcStatus", "ProvNum", "provAbbr",
    "Dx", "dxName", "PlannedAptNum", "PlaceService", "Prosthesis",
    "DateOriginalProsth", "ClaimNote", "DateEntryC", "ClinicNum", "CodeNum",
    "procCode", "descript", "UnitQty", "BaseUnits", "DateTP", "SiteNum",
    "HideGraphics", "CanadianTypeCodes", "ProcTime", "ProcTimeEnd",
    "DateTStamp", "Prognosis", "IsLocked", "BillingNote", "Discount",
    "IsDateProsthEst", "SecDateEntry"]

CODE_FIELDS = [
    "CodeNum", "ProcCode", "Descript", "AbbrDesc", "ProcTime", "ProcCat",
    "procCat", "TreatArea", "NoBillIns", "IsProsth", "DefaultNote",
    "IsHygiene", "MedicalCode", "IsTaxed", "PaintType", "LaymanTerm",
    "IsCanadianLab", "BaseUnits", "SubstitutionCode", "SubstOnlyIf",
    "DateTStamp", "DrugNDC", "RevenueCodeDefault", "ProvNumDefault",
    "CanadaTimeUnits", "IsRadiology", "DefaultClaimNote", "DefaultTPNote",
    "PaintText", "AreaAlsoToothRange", "DiagnosticCodes"]

DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
MONEY = re.compile(r"^-?\d+\.\d{2}$")
EVIL = "'; DROP TABLE patient; --"


def db_rows(api, sql):
    """SQL on the server backend's database; None on the embedded one."""
    if api.backend != "server":
        return None
    return mysql(sql, db=api.db_name)


def today(api):
    status, rows, _ = api.request("GET", "procedurelogs?Limit=1")
    assert status == 200
    return rows[0]["serverDateTime"][:10]


def new_patient(api, **extra):
    body = {"LName": "Proctest", "FName": "Pat"}
    body.update(extra)
    status, obj, _ = api.request("POST", "patients", body)
    assert status == 201, obj
    return obj


def new_proc(api, pat, **extra):
    body = {"PatNum": pat, "ProcDate": today(api), "ProcStatus": "TP",
            "procCode": "D0120"}
    body.update(extra)
    status, obj, r = api.request("POST", "procedurelogs", body)
    assert status == 201, obj
    return obj, r


def counts(api):
    """Row counts that bad input must not change (either backend)."""
    n_pat = len(api.request("GET", "patients/Simple?Limit=1000")[1])
    n_proc = len(api.request("GET", "procedurecodes?Limit=1000")[1])
    return n_pat, n_proc


# ---- procedurelogs: reads ----------------------------------------------------

def check_proc_types(p):
    assert isinstance(p["ProcNum"], int) and isinstance(p["PatNum"], int)
    assert MONEY.match(p["ProcFee"]), p["ProcFee"]
    assert p["ProcStatus"] in ("TP", "C", "EC", "EO", "R", "D", "Cn", "TPi")
    for k in ("ProcDate", "DateOriginalProsth", "DateEntryC", "DateTP"):
        assert DATE.match(p[k]), k
    for k in ("DateTStamp", "SecDateEntry"):
        assert DATETIME.match(p[k]), k
    for k in ("HideGraphics", "IsLocked", "IsDateProsthEst"):
        assert p[k] in ("true", "false"), k
    assert re.match(r"^\d\d:\d\d:\d\d$", p["ProcTime"])
    assert isinstance(p["Discount"], float)
    assert p["procCode"].startswith("D")


def test_procedurelog_get_one_shape(api):
    status, rows, _ = api.request("GET", "procedurelogs?Limit=1")
    status, p, r = api.request("GET", "procedurelogs/%d" % rows[0]["ProcNum"])
    assert status == 200
    assert r.getheader("Content-Type") == "application/json"
    assert list(p.keys()) == PROC_FIELDS + ["serverDateTime"]
    assert DATETIME.match(p["serverDateTime"])
    check_proc_types(p)
    code = api.request("GET", "procedurecodes/%d" % p["CodeNum"])[1]
    assert (p["procCode"], p["descript"]) == (code["ProcCode"],
                                              code["Descript"])


def test_procedurelog_missing_and_bad_key(api):
    assert api.request("GET", "procedurelogs/99999999")[:2] == (
        404, "ProcedureLog not found.")
    assert api.request("GET", "procedurelogs/abc")[:2] == (
        400, "procedurelogs GET abc is not a valid method.")
    assert api.request("PUT", "procedurelogs/99999999",
                       {"ProcFee": "1"})[:2] == (404, "ProcedureLog not found.")
    assert api.request("DELETE", "procedurelogs/99999999")[:2] == (
        404, "ProcedureLog not found.")


def test_procedurelog_list_paging_and_order(api):
    s1, a, _ = api.request("GET", "procedurelogs?Limit=5")
    s2, b, _ = api.request("GET", "procedurelogs?Limit=5&Offset=5")
    assert s1 == s2 == 200 and len(a) == len(b) == 5
    nums = [p["ProcNum"] for p in a + b]
    assert nums == sorted(nums) and len(set(nums)) == 10
    for p in a:
        assert list(p.keys()) == PROC_FIELDS + ["serverDateTime"]
    assert api.request("GET", "procedurelogs?Offset=-1")[:2] == (
        400, "Offset is invalid.")


def test_procedurelog_filters(api):
    _, rows, _ = api.request("GET", "procedurelogs?ProcStatus=C&Limit=50")
    assert rows and all(p["ProcStatus"] == "C" for p in rows)
    pat = rows[0]["PatNum"]
    _, rows, _ = api.request("GET", "procedurelogs?PatNum=%d" % pat)
    assert rows and all(p["PatNum"] == pat for p in rows)
    apt = next(p["AptNum"] for p in rows if p["AptNum"])
    _, rows, _ = api.request("GET", "procedurelogs?AptNum=%d" % apt)
    assert rows and all(p["AptNum"] == apt for p in rows)
    _, rows, _ = api.request("GET", "procedurelogs?CodeNum=1&Limit=20")
    assert rows and all(p["procCode"] == "D0120" for p in rows)
    _, rows, _ = api.request("GET", "procedurelogs?ClinicNum=0&Limit=5")
    assert all(p["ClinicNum"] == 0 for p in rows)
    _, rows, _ = api.request("GET", "procedurelogs?PlannedAptNum=0&Limit=5")
    assert all(p["PlannedAptNum"] == 0 for p in rows)
    assert api.request("GET", "procedurelogs?DateTStamp=2999-01-01%2000:00:00"
                       )[:2] == (200, [])
    assert api.request("GET", "procedurelogs?ProcStatus=2")[:2] == (
        400, "ProcStatus is invalid.")
    assert api.request("GET", "procedurelogs?PatNum=x")[:2] == (
        400, "PatNum is invalid.")
    assert api.request("GET", "procedurelogs?DateTStamp=2024-01-01")[:2] == (
        400, "DateTStamp format must be yyyy-MM-dd HH:mm:ss")
    q = urllib.parse.quote(EVIL)
    assert api.request("GET", "procedurelogs?PatNum=" + q)[0] == 400


# ---- procedurelogs: writes ------------------------------------------------------

def test_procedurelog_post_defaults_location_and_log(api):
    pat = new_patient(api)
    p, r = new_proc(api, pat["PatNum"])
    assert list(p.keys()) == PROC_FIELDS
    check_proc_types(p)
    assert (p["PatNum"], p["ProcStatus"], p["procCode"]) == (
        pat["PatNum"], "TP", "D0120")
    assert p["ProcFee"] == "65.00"          # the Standard fee schedule
    assert p["ProvNum"] == pat["PriProv"]   # no appointment: the PriProv
    assert p["ClinicNum"] == pat["ClinicNum"]
    assert p["DateTP"] == today(api) and p["DateEntryC"] == today(api)
    assert (p["UnitQty"], p["AptNum"], p["Priority"]) == (1, 0, 0)
    loc = r.getheader("Location")
    assert loc.endswith("/api/v1/procedurelogs/%d" % p["ProcNum"])
    status, again, _ = api.request("GET", "procedurelogs/%d" % p["ProcNum"])
    assert status == 200
    del again["serverDateTime"]
    assert again == p
    rows = db_rows(api, "SELECT PermType, LogText, PatNum FROM securitylog "
                        "WHERE FKey = %d AND PermType = 100" % p["ProcNum"])
    if rows is not None:
        assert rows == [["100", "Created by Sandbox Developer through API.",
                         str(pat["PatNum"])]]


def test_procedurelog_round_trip_put_changes_only_given_fields(api):
    pat = new_patient(api)
    p, _ = new_proc(api, pat["PatNum"])
    dx = api.request("GET", "definitions?Category=16")[1][0]
    prio = api.request("GET", "definitions?Category=20")[1][1]
    status, put, _ = api.request("PUT", "procedurelogs/%d" % p["ProcNum"], {
        "ProcFee": "99.5", "priority": prio["ItemName"], "Dx": dx["DefNum"],
        "ClaimNote": "note " + EVIL, "ToothNum": ""})
    assert status == 200, put
    assert list(put.keys()) == PROC_FIELDS
    status, got, _ = api.request("GET", "procedurelogs/%d" % p["ProcNum"])
    changed = {k for k in PROC_FIELDS if got[k] != p[k]}
    assert changed <= {"ProcFee", "Priority", "priority", "Dx", "dxName",
                       "ClaimNote", "DateTStamp"}
    assert {"ProcFee", "Priority", "priority", "Dx", "dxName",
            "ClaimNote"} <= changed
    assert (got["ProcFee"], got["Priority"], got["priority"]) == (
        "99.50", prio["DefNum"], prio["ItemName"])
    assert (got["Dx"], got["dxName"]) == (dx["DefNum"], dx["ItemName"])
    assert got["ClaimNote"] == "note " + EVIL
    rows = db_rows(api, "SELECT COUNT(*) FROM securitylog WHERE FKey = %d AND "
                        "PermType = 100 AND LogText LIKE 'Updated by %%'"
                        % p["ProcNum"])
    if rows is not None:
        assert rows == [["1"]]
        assert db_rows(api, "SELECT ClaimNote FROM procedurelog WHERE "
                            "ProcNum = %d" % p["ProcNum"]) == [
            ["note " + EVIL]]


def test_procedurelog_provider_from_appointment(api):
    pat = new_patient(api)
    other = 3 if pat["PriProv"] != 3 else 1
    status, apt, _ = api.request("POST", "appointments", {
        "PatNum": pat["PatNum"], "Op": 1, "ProvNum": other,
        "AptDateTime": "2031-01-06 09:00:00"})
    assert status == 201, apt
    p, _ = new_proc(api, pat["PatNum"], AptNum=apt["AptNum"])
    assert (p["AptNum"], p["ProvNum"]) == (apt["AptNum"], other)
    # an appointment of another patient is refused
    other_pat = new_patient(api)
    status, msg, _ = api.request("POST", "procedurelogs", {
        "PatNum": other_pat["PatNum"], "ProcDate": today(api),
        "ProcStatus": "TP", "procCode": "D0120", "AptNum": apt["AptNum"]})
    assert (status, msg) == (400, "AptNum is not an appointment of this "
                                  "patient.")


def test_procedurelog_code_num_and_tooth(api):
    pat = new_patient(api)
    code = api.request("GET", "procedurecodes?Limit=100")[1]
    d2140 = next(c for c in code if c["ProcCode"] == "D2140")
    base = {"PatNum": pat["PatNum"], "ProcDate": today(api),
            "ProcStatus": "TP", "CodeNum": d2140["CodeNum"]}
    assert api.request("POST", "procedurelogs", base)[:2] == (
        400, "ToothNum is required for this procedure code.")
    assert api.request("POST", "procedurelogs", dict(base, ToothNum="3"))[:2] \
        == (400, "Surf is required for this procedure code.")
    assert api.request("POST", "procedurelogs",
                       dict(base, ToothNum="33", Surf="MO"))[:2] == (
        400, "ToothNum is invalid.")
    status, p, _ = api.request("POST", "procedurelogs",
                               dict(base, ToothNum="3", Surf="MO"))
    assert status == 201, p
    assert (p["procCode"], p["ToothNum"], p["Surf"], p["ProcFee"]) == (
        "D2140", "3", "MO", "140.00")
    # PUT: "" for ToothNum/Surf is ignored, not a clear
    status, put, _ = api.request("PUT", "procedurelogs/%d" % p["ProcNum"],
                                 {"ToothNum": "", "Surf": "", "Discount": 5})
    assert status == 200 and (put["ToothNum"], put["Surf"]) == ("3", "MO")
    assert put["Discount"] == 5.0


@pytest.mark.parametrize("extra,msg", [
    ({"procCode": None}, "procCode or CodeNum is required."),
    ({"CodeNum": 1}, "Only one of CodeNum or procCode may be given."),
    ({"procCode": "NOPE"}, "procCode is invalid."),
    ({"procCode": EVIL}, "procCode is invalid."),
    ({"procCode": 5}, "procCode is invalid."),
    ({"Priority": 1, "priority": "1"},
     "Only one of Priority or priority may be given."),
    ({"priority": "no such priority"}, "priority is invalid."),
    ({"Priority": 1}, "Priority is invalid."),      # not a TxPriorities def
    ({"dxName": EVIL}, "dxName is invalid."),
    ({"ProcStatus": "D"}, "ProcStatus must be TP, C, EC, EO, R or Cn."),
    ({"ProcStatus": "TPi"}, "ProcStatus must be TP, C, EC, EO, R or Cn."),
    ({"ProcStatus": "Done"}, "ProcStatus is invalid."),
    ({"ProcStatus": 2}, "ProcStatus is invalid."),
    ({"ProcStatus": None}, "ProcStatus is required."),
    ({"ProcDate": "2024-02-30"}, "ProcDate format must be yyyy-MM-dd."),
    ({"ProcDate": EVIL}, "ProcDate format must be yyyy-MM-dd."),
    ({"ProcDate": None}, "ProcDate is required."),
    ({"ProcFee": "abc"}, "ProcFee is invalid."),
    ({"ProcFee": [1]}, "ProcFee is invalid."),
    ({"Discount": "1e999"}, "Discount is invalid."),
    ({"ClaimNote": "x" * 81}, "ClaimNote is too long."),
    ({"BillingNote": "x" * 100000}, "BillingNote is too long."),
    ({"Prosthesis": "X"}, "Prosthesis is invalid."),
    ({"PlaceService": "Moon"}, "PlaceService is invalid."),
    ({"ProcTime": "25:00:00"}, "ProcTime format must be HH:mm:ss."),
    ({"ProvNum": 987654}, "ProvNum is invalid."),
    ({"ProvNum": EVIL}, "ProvNum is invalid."),
    ({"AptNum": 987654321}, "AptNum is invalid."),
    ({"IsDateProsthEst": "yes"}, "IsDateProsthEst is invalid."),
])
def test_procedurelog_post_validation(api, extra, msg):
    pat = new_patient(api)
    body = {"PatNum": pat["PatNum"], "ProcDate": today(api),
            "ProcStatus": "TP", "procCode": "D0120"}
    body.update(extra)
    body = {k: v for k, v in body.items() if v is not None}
    before = counts(api)
    status, got, _ = api.request("POST", "procedurelogs", body)
    assert (status, got) == (400, msg)
    assert api.request("GET", "procedurelogs?PatNum=%d" % pat["PatNum"]
                       )[:2] == (200, [])
    assert counts(api) == before


def test_procedurelog_post_patient_checks(api):
    body = {"ProcDate": "2024-01-01", "ProcStatus": "TP", "procCode": "D0120"}
    assert api.request("POST", "procedurelogs", body)[:2] == (
        400, "PatNum is required.")
    assert api.request("POST", "procedurelogs",
                       dict(body, PatNum=987654321))[:2] == (
        404, "Patient not found.")
    assert api.request("POST", "procedurelogs",
                       dict(body, PatNum=EVIL))[:2] == (400, "PatNum is invalid.")
    assert api.request("POST", "procedurelogs", "{bad")[:2] == (
        400, "The request body is not valid JSON.")
    assert api.request("POST", "procedurelogs", "[]")[:2] == (
        400, "The request body must be a JSON object.")


def test_procedurelog_sql_in_text_fields_is_stored_literally(api):
    pat = new_patient(api)
    p, _ = new_proc(api, pat["PatNum"], BillingNote=EVIL,
                    ClaimNote="1' OR '1'='1")
    assert (p["BillingNote"], p["ClaimNote"]) == (EVIL, "1' OR '1'='1")
    assert api.request("GET", "patients/%d" % pat["PatNum"])[0] == 200
    rows = db_rows(api, "SELECT COUNT(*) FROM patient")
    if rows is not None:
        assert int(rows[0][0]) > 0


def test_procedurelog_completed_is_locked(api):
    pat = new_patient(api)
    p, _ = new_proc(api, pat["PatNum"], ProcStatus="C")
    url = "procedurelogs/%d" % p["ProcNum"]
    assert api.request("PUT", url, {"CodeNum": 2})[:2] == (
        400, "CodeNum cannot be changed on a completed procedure.")
    assert api.request("PUT", url, {"procCode": "D0140"})[:2] == (
        400, "CodeNum cannot be changed on a completed procedure.")
    assert api.request("PUT", url, {"Discount": 3})[:2] == (
        400, "Discount cannot be changed on a completed procedure.")
    status, put, _ = api.request("PUT", url, {"ProcFee": 70, "CodeNum":
                                              p["CodeNum"]})
    assert status == 200 and put["ProcFee"] == "70.00"
    assert api.request("PUT", url, {"ProcStatus": "D"})[:2] == (
        400, "ProcStatus cannot be set to D. Use DELETE instead.")
    assert api.request("PUT", url, {"PatNum": 1})[:2] == (
        400, "No fields to update were provided.")
    assert api.request("PUT", url, {"ProcStatus": 1})[:2] == (
        400, "ProcStatus is invalid.")


def test_procedurelog_put_code_same_treat_area(api):
    pat = new_patient(api)
    p, _ = new_proc(api, pat["PatNum"])
    url = "procedurelogs/%d" % p["ProcNum"]
    status, put, _ = api.request("PUT", url, {"procCode": "D0140"})
    assert status == 200 and put["procCode"] == "D0140"
    codes = api.request("GET", "procedurecodes?Limit=100")[1]
    tooth = next(c for c in codes if c["TreatArea"] == "Tooth")
    assert api.request("PUT", url, {"CodeNum": tooth["CodeNum"]})[:2] == (
        400, "The new procedure code must have the same TreatArea.")
    assert api.request("PUT", url, {"CodeNum": 1, "procCode": "D0120"})[:2] \
        == (400, "Only one of CodeNum or procCode may be given.")


def test_procedurelog_delete_rules(api):
    pat = new_patient(api)
    p, _ = new_proc(api, pat["PatNum"])
    url = "procedurelogs/%d" % p["ProcNum"]
    status, body, _ = api.request("DELETE", url)
    assert (status, body) == (200, None)
    status, got, _ = api.request("GET", url)
    assert (got["ProcStatus"], got["AptNum"]) == ("D", 0)
    assert api.request("DELETE", url)[:2] == (
        400, "The procedure is already deleted.")
    assert api.request("PUT", url, {"ProcFee": 1})[:2] == (
        400, "A deleted procedure cannot be changed.")
    cn, _ = new_proc(api, pat["PatNum"], ProcStatus="Cn")
    assert api.request("DELETE", "procedurelogs/%d" % cn["ProcNum"])[:2] == (
        400, "Only procedures with status TP, TPi or C can be deleted.")
    c, _ = new_proc(api, pat["PatNum"], ProcStatus="C")
    assert api.request("DELETE", "procedurelogs/%d" % c["ProcNum"])[0] == 200
    rows = db_rows(api, "SELECT PermType, FKey FROM securitylog WHERE "
                        "PermType = 49 AND FKey IN (%d, %d)"
                        % (p["ProcNum"], c["ProcNum"]))
    if rows is not None:
        assert sorted(rows) == sorted([["49", str(p["ProcNum"])],
                                       ["49", str(c["ProcNum"])]])


def test_procedurelog_delete_refused_when_paid(api):
    _, splits, _ = api.request("GET", "paysplits?Limit=200")
    split = next(s for s in splits if s["ProcNum"])
    url = "procedurelogs/%d" % split["ProcNum"]
    before = api.request("GET", url)[1]
    assert api.request("DELETE", url)[:2] == (
        400, "The procedure is attached to a claim, payment or referral and "
             "cannot be deleted.")
    after = api.request("GET", url)[1]
    assert after["ProcStatus"] == before["ProcStatus"]


# ---- procedurecodes ------------------------------------------------------------

def test_procedurecode_get_one_and_list(api):
    status, c, _ = api.request("GET", "procedurecodes/1")
    assert status == 200
    assert list(c.keys()) == CODE_FIELDS
    assert (c["ProcCode"], c["TreatArea"], c["ProcTime"]) == (
        "D0120", "Mouth", "/X/")
    assert c["procCat"] and isinstance(c["ProcCat"], int)
    for k in ("NoBillIns", "IsProsth", "IsHygiene", "IsTaxed",
              "IsCanadianLab", "IsRadiology", "AreaAlsoToothRange"):
        assert c[k] in ("true", "false")
    assert DATETIME.match(c["DateTStamp"])
    assert api.request("GET", "procedurecodes/99999999")[:2] == (
        404, "ProcedureCode not found.")
    _, rows, _ = api.request("GET", "procedurecodes?Limit=3&Offset=1")
    assert [r["CodeNum"] for r in rows] == [2, 3, 4]
    for r in rows:
        assert list(r.keys()) == CODE_FIELDS
    # ?ProcCode= is not a filter (ignored, as on the real API)
    _, rows, _ = api.request("GET", "procedurecodes?ProcCode=D0120&Limit=5")
    assert len(rows) == 5
    assert api.request("GET", "procedurecodes?DateTStamp=2999-01-01%2000:00:00"
                       )[:2] == (200, [])


def test_procedurecode_post_put_round_trip(api):
    code = "Z" + uuid.uuid4().hex[:8].upper()
    cat = api.request("GET", "procedurecodes/1")[1]
    status, c, r = api.request("POST", "procedurecodes", {
        "ProcCode": code, "Descript": "test code " + EVIL, "AbbrDesc": "Tst",
        "procCat": cat["procCat"], "TreatArea": "Tooth", "IsHygiene": "true"})
    assert status == 201, c
    assert list(c.keys()) == CODE_FIELDS
    assert (c["ProcCode"], c["Descript"], c["ProcCat"], c["TreatArea"],
            c["IsHygiene"], c["ProcTime"]) == (
        code, "test code " + EVIL, cat["ProcCat"], "Tooth", "true", "/X/")
    assert r.getheader("Location").endswith("/procedurecodes/%d"
                                            % c["CodeNum"])
    assert api.request("POST", "procedurecodes", {
        "ProcCode": code, "Descript": "dup", "AbbrDesc": "d",
        "ProcCat": cat["ProcCat"]})[:2] == (400, "ProcCode already exists.")
    url = "procedurecodes/%d" % c["CodeNum"]
    status, put, _ = api.request("PUT", url, {"Descript": "renamed",
                                              "PaintType": "Sealant",
                                              "ProcCode": "IGNORED"})
    assert status == 200
    got = api.request("GET", url)[1]
    changed = {k for k in CODE_FIELDS if got[k] != c[k]}
    assert changed - {"DateTStamp"} == {"Descript", "PaintType"}
    assert (got["ProcCode"], got["PaintType"]) == (code, "Sealant")
    rows = db_rows(api, "SELECT PermType, LEFT(LogText, 7) FROM securitylog "
                        "WHERE FKey = %d AND PermType = 157 ORDER BY "
                        "SecurityLogNum" % c["CodeNum"])
    if rows is not None:
        assert rows == [["157", "Created"], ["157", "Updated"]]


@pytest.mark.parametrize("extra,msg", [
    ({"ProcCode": None}, "ProcCode is required."),
    ({"Descript": None}, "Descript is required."),
    ({"AbbrDesc": ""}, "AbbrDesc is required."),
    ({"ProcCat": None}, "procCat or ProcCat is required."),
    ({"ProcCat": None, "procCat": "No Such Category"}, "procCat is invalid."),
    ({"ProcCat": None, "procCat": EVIL}, "procCat is invalid."),
    ({"procCat": "x"}, "Only one of ProcCat or procCat may be given."),
    ({"ProcCat": 1}, "ProcCat is invalid."),
    ({"TreatArea": "Elbow"}, "TreatArea is invalid."),
    ({"ProcTime": "XX-"}, "ProcTime is invalid."),
    ({"DrugNDC": "123"}, "DrugNDC is invalid."),
    ({"ProcCode": "x" * 16}, "ProcCode is too long."),
    ({"ProvNumDefault": EVIL}, "ProvNumDefault is invalid."),
])
def test_procedurecode_post_validation(api, extra, msg):
    cat = api.request("GET", "procedurecodes/1")[1]["ProcCat"]
    body = {"ProcCode": "Y" + uuid.uuid4().hex[:8], "Descript": "d",
            "AbbrDesc": "a", "ProcCat": cat}
    body.update(extra)
    body = {k: v for k, v in body.items() if v is not None}
    before = counts(api)
    assert api.request("POST", "procedurecodes", body)[:2] == (400, msg)
    assert counts(api) == before
