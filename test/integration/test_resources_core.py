"""The declarative resources and the wire conventions (issue 5), through
HTTP against the seeded test database and the embedded sandbox."""
import json
import os
import re
import urllib.parse

import pytest

from conftest import mysql

PATIENT_FIELDS = [
    "PatNum", "LName", "FName", "MiddleI", "Preferred", "PatStatus", "Gender",
    "Position", "Birthdate", "SSN", "Address", "Address2", "City", "State",
    "Zip", "HmPhone", "WkPhone", "WirelessPhone", "Guarantor", "Email",
    "EstBalance", "PriProv", "priProvAbbr", "SecProv", "secProvAbbr",
    "FeeSched", "BillingType", "ImageFolder", "FamFinUrgNote", "ChartNumber",
    "MedicaidID", "BalTotal", "EmployerNum", "DateFirstVisit", "ClinicNum",
    "clinicAbbr", "Premed", "Ward", "PreferConfirmMethod",
    "PreferContactMethod", "PreferRecallMethod", "Language", "AdmitDate",
    "siteDesc", "DateTStamp", "SuperFamily", "TxtMsgOk", "SecDateEntry"]

APPT_FIELDS = [
    "AptNum", "PatNum", "AptStatus", "Pattern", "Confirmed", "confirmed",
    "TimeLocked", "Op", "Note", "ProvNum", "provAbbr", "ProvHyg",
    "AptDateTime", "NextAptNum", "UnschedStatus", "unschedStatus",
    "IsNewPatient", "ProcDescript", "ClinicNum", "IsHygiene", "DateTStamp",
    "DateTimeArrived", "DateTimeSeated", "DateTimeDismissed", "InsPlan1",
    "InsPlan2", "DateTimeAskedToArrive", "colorOverride",
    "AppointmentTypeNum", "SecUserNumEntry", "SecDateTEntry", "Priority",
    "PatternSecondary", "ItemOrderPlanned"]

DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")


def db_rows(api, sql):
    """SQL on the server backend's database; None on the embedded one."""
    if api.backend != "server":
        return None
    return mysql(sql, db=api.db_name)


def new_patient(api, **extra):
    body = {"LName": "Testperson", "FName": "Pat"}
    body.update(extra)
    status, obj, r = api.request("POST", "patients", body)
    assert status == 201, obj
    return obj, r


# ---- patients ---------------------------------------------------------------

def test_patient_get_one_shape(api):
    status, p, _ = api.request("GET", "patients/1")
    assert status == 200
    assert list(p.keys()) == PATIENT_FIELDS
    assert isinstance(p["PatNum"], int) and p["PatNum"] == 1
    assert p["Premed"] in ("true", "false")
    assert p["PatStatus"] in ("Patient", "NonPatient", "Inactive", "Archived",
                              "Deleted", "Deceased", "Prospective")
    assert p["Gender"] in ("Male", "Female", "Unknown", "Other")
    assert DATE.match(p["Birthdate"]) and DATE.match(p["AdmitDate"])
    assert DATETIME.match(p["DateTStamp"])
    assert isinstance(p["EstBalance"], float)
    if p["PriProv"]:
        assert p["priProvAbbr"] != ""


def test_patient_missing_is_404(api):
    assert api.request("GET", "patients/999999")[:2] == (
        404, "Patient not found.")


def test_patient_bad_key_is_400(api):
    # a segment that is not a number is an action name, never a key
    assert api.request("GET", "patients/abc")[:2] == (
        400, "patients GET abc is not a valid method.")


def test_patients_have_no_delete(api):
    assert api.request("DELETE", "patients/1")[:2] == (
        400, "patients DELETE  is not a valid method.")


def test_simple_list_server_datetime_first_and_paging(api):
    status, page1, _ = api.request("GET", "patients/Simple?Limit=5")
    assert status == 200 and len(page1) == 5
    for p in page1:
        assert list(p.keys()) == ["serverDateTime"] + PATIENT_FIELDS
        assert DATETIME.match(p["serverDateTime"])
    nums = [p["PatNum"] for p in page1]
    assert nums == sorted(nums)
    _, page2, _ = api.request("GET", "patients/Simple?Limit=5&Offset=5")
    assert page2[0]["PatNum"] > nums[-1]
    _, both, _ = api.request("GET", "patients/Simple?Limit=10")
    assert [p["PatNum"] for p in both] == nums + [p["PatNum"] for p in page2]


def test_simple_list_caps_at_1000(api):
    status, rows, _ = api.request("GET", "patients/Simple?Limit=5000")
    assert status == 200
    assert len(rows) <= 1000


def test_simple_filters(api):
    status, rows, _ = api.request("GET", "patients/Simple?PatStatus=Inactive")
    assert status == 200
    assert all(p["PatStatus"] == "Inactive" for p in rows)
    status, rows, _ = api.request("GET", "patients/Simple?Gender=Female")
    assert rows and all(p["Gender"] == "Female" for p in rows)


def test_enum_filter_refuses_numbers(api):
    assert api.request("GET", "patients/Simple?PatStatus=1")[:2] == (
        400, "PatStatus is invalid.")


def test_datetstamp_format_error(api):
    assert api.request("GET", "patients/Simple?DateTStamp=2024-01-01")[:2] == (
        400, "DateTStamp format must be yyyy-MM-dd HH:mm:ss")


def test_datetstamp_in_future_is_empty_list(api):
    assert api.request(
        "GET", "patients/Simple?DateTStamp=2999-01-01%2000:00:00")[:2] == (
        200, [])


def test_search_rejects_unknown_parameter(api):
    assert api.request("GET", "patients?search=x")[:2] == (
        400, "'search' is not a valid parameter")


def test_search_lname_is_prefix(api):
    _, p, _ = api.request("GET", "patients/1")
    prefix = p["LName"][:3]
    status, rows, _ = api.request("GET", "patients?LName=" + prefix)
    assert status == 200 and rows
    assert all(r["LName"].lower().startswith(prefix.lower()) for r in rows)
    assert "DateTStamp" not in rows[0]  # the reduced object


def test_post_patient_defaults_location_and_log(api):
    p, r = new_patient(api, Gender="Female", Birthdate="1990-02-03")
    assert list(p.keys()) == PATIENT_FIELDS
    assert p["Guarantor"] == p["PatNum"]
    assert (p["PatStatus"], p["Position"], p["TxtMsgOk"]) == (
        "Patient", "Single", "Unknown")
    loc = r.getheader("Location")
    assert loc.endswith("/api/v1/patients/%d" % p["PatNum"])
    assert loc.startswith("http://")
    path = urllib.parse.urlparse(loc).path[len("/api/v1/"):]
    status, again, _ = api.request("GET", path)
    assert status == 200 and again["PatNum"] == p["PatNum"]
    rows = db_rows(api, "SELECT PermType, UserNum, LogText, LogSource, FKey "
                        "FROM securitylog WHERE FKey = %d AND PermType = 106"
                        % p["PatNum"])
    if rows is not None:
        assert rows == [["106", "0",
                         "Created by Sandbox Developer through API.", "23",
                         str(p["PatNum"])]]


@pytest.mark.parametrize("body,msg", [
    ({"FName": "A"}, "LName is required."),
    ({"LName": "A"}, "FName is required."),
    ({"LName": "", "FName": "A"}, "LName is required."),
    ({"LName": "A", "FName": "B", "Gender": "Robot"}, "Gender is invalid."),
    ({"LName": "A", "FName": "B", "Gender": 1}, "Gender is invalid."),
    ({"LName": "A", "FName": "B", "PatStatus": 0}, "PatStatus is invalid."),
    ({"LName": "A", "FName": "B", "Zip": "1234"}, "Zip is invalid."),
    ({"LName": "A", "FName": "B", "SSN": "123-45-6789"}, "SSN is invalid."),
    ({"LName": "A", "FName": "B", "State": "or"}, "State is invalid."),
    ({"LName": "A", "FName": "B", "Birthdate": "02/03/1990"},
     "Birthdate format must be yyyy-MM-dd."),
    ({"LName": "A", "FName": "B", "Birthdate": "1990-02-30"},
     "Birthdate format must be yyyy-MM-dd."),
    ({"LName": "A", "FName": "B", "PriProv": "x"}, "PriProv is invalid."),
    ({"LName": "A", "FName": "B", "PriProv": 987654}, "PriProv is invalid."),
    ({"LName": "A", "FName": "B", "Guarantor": 987654},
     "Guarantor is invalid."),
    ({"LName": "A", "FName": "B", "BillingType": "No Such Type"},
     "BillingType is invalid."),
    ({"LName": "A", "FName": "B", "Premed": "maybe"}, "Premed is invalid."),
    ({"LName": "x" * 101, "FName": "B"}, "LName is too long."),
    ({"LName": ["A"], "FName": "B"}, "LName is invalid."),
])
def test_post_patient_validation(api, body, msg):
    before = api.request("GET", "patients/Simple?Limit=1000&Offset=0")[1]
    status, got, _ = api.request("POST", "patients", body)
    assert (status, got) == (400, msg)
    after = api.request("GET", "patients/Simple?Limit=1000&Offset=0")[1]
    assert len(after) == len(before)


def test_post_accepts_canadian_zip_and_us_formats(api):
    p, _ = new_patient(api, Zip="K1A 0B1", SSN="123456789", State="OR")
    assert (p["Zip"], p["SSN"], p["State"]) == ("K1A 0B1", "123456789", "OR")


def test_bad_json_and_non_object_bodies(api):
    assert api.request("POST", "patients", "{not json")[:2] == (
        400, "The request body is not valid JSON.")
    assert api.request("POST", "patients", "[1,2]")[:2] == (
        400, "The request body must be a JSON object.")
    assert api.request("POST", "patients", b'{"LName":"\xff\xfe"}')[0] == 400


def test_unknown_body_fields_are_ignored(api):
    p, _ = new_patient(api, NoSuchField="x", priProvAbbr="ZZZ")
    assert p["priProvAbbr"] != "ZZZ"


def test_sql_in_fields_is_stored_as_text(api):
    evil = "Robert'); DROP TABLE patient; --"
    p, _ = new_patient(api, LName=evil, Address="1' OR '1'='1")
    assert p["LName"] == evil and p["Address"] == "1' OR '1'='1"
    assert api.request("GET", "patients/1")[0] == 200
    status, rows, _ = api.request(
        "GET", "patients/Simple?LName=" + urllib.parse.quote("' OR 1=1 --"))
    assert (status, rows) == (200, [])


def test_put_patient_changes_only_given_fields(api):
    p, _ = new_patient(api, City="Salem", Email="a@example.com")
    status, q, _ = api.request("PUT", "patients/%d" % p["PatNum"],
                               {"City": "Portland", "LName": "", "Email": ""})
    assert status == 200
    changed = {k for k in PATIENT_FIELDS if p[k] != q[k]} - {"DateTStamp"}
    assert changed == {"City", "Email"}
    assert (q["City"], q["Email"], q["LName"]) == ("Portland", "",
                                                    "Testperson")
    rows = db_rows(api, "SELECT LogText, PatNum FROM securitylog WHERE FKey = "
                        "%d AND PermType = 108" % p["PatNum"])
    if rows is not None:
        assert rows == [["Updated by Sandbox Developer through API.",
                         str(p["PatNum"])]]


def test_put_missing_patient_is_404(api):
    assert api.request("PUT", "patients/999999", {"City": "X"})[:2] == (
        404, "Patient not found.")


def test_put_with_nothing_to_change_is_400(api):
    assert api.request("PUT", "patients/1", {"Nope": 1})[0] == 400


def test_query_plus_and_percent20_are_spaces(api):
    new_patient(api, LName="De Angelo", FName="Spacey")
    a = api.request("GET", "patients/Simple?LName=De+Angelo&FName=Spacey")[1]
    b = api.request("GET", "patients/Simple?LName=De%20Angelo&FName=Spacey")[1]
    assert a and a == b and a[0]["LName"] == "De Angelo"


def test_date_format_string(api):
    _, p, _ = api.request("GET", "patients/1")
    status, q, _ = api.request("GET",
                               "patients/1?DateFormatString=MM/dd/yyyy")
    y, m, d = p["Birthdate"].split("-")
    assert q["Birthdate"] == "%s/%s/%s" % (m, d, y)


# ---- appointments ------------------------------------------------------------

def test_appointment_list_by_date_shape(api):
    _, one, _ = api.request("GET", "appointments/1")
    day = one["AptDateTime"][:10]
    status, rows, _ = api.request("GET", "appointments?date=" + day)
    assert status == 200 and rows
    for a in rows:
        assert list(a.keys()) == ["serverDateTime"] + APPT_FIELDS
        assert a["AptDateTime"].startswith(day)
        assert a["AptStatus"] in ("None", "Scheduled", "Complete",
                                  "UnschedList", "ASAP", "Broken", "Planned",
                                  "PtNote", "PtNoteCompleted")
        assert re.match(r"^\d+,\d+,\d+$", a["colorOverride"])


def test_appointment_post_put_round_trip(api):
    _, p0, _ = api.request("GET", "patients/2")
    body = {"PatNum": 2, "Op": 1, "AptDateTime": "2031-03-04 10:00:00",
            "Note": "line one\r\nline two"}
    status, a, r = api.request("POST", "appointments", body)
    assert status == 201, a
    assert list(a.keys()) == APPT_FIELDS  # POST answers omit serverDateTime
    assert a["AptStatus"] == "Scheduled" and a["Pattern"] == "/XX/"
    assert a["confirmed"] != "" and a["ProvNum"] > 0
    assert a["Note"] == "line one line two"  # CR/LF written as a space
    assert r.getheader("Location").endswith("/appointments/%d" % a["AptNum"])
    status, b, _ = api.request("PUT", "appointments/%d" % a["AptNum"],
                               {"Pattern": "/XXXX/", "AptStatus": "Broken"})
    assert status == 200
    changed = {k for k in APPT_FIELDS if a[k] != b[k]} - {"DateTStamp"}
    assert changed == {"Pattern", "AptStatus"}
    rows = db_rows(api, "SELECT PatNum FROM securitylog WHERE FKey = %d AND "
                        "PermType = 27" % a["AptNum"])
    if rows is not None:
        assert rows == [["2"]]


@pytest.mark.parametrize("body,msg", [
    ({"Op": 1, "AptDateTime": "2031-01-01 09:00:00"}, "PatNum is required."),
    ({"PatNum": 2, "AptDateTime": "2031-01-01 09:00:00"}, "Op is required."),
    ({"PatNum": 2, "Op": 1}, "AptDateTime is required."),
    ({"PatNum": 2, "Op": 999, "AptDateTime": "2031-01-01 09:00:00"},
     "Op is invalid."),
    ({"PatNum": 999999, "Op": 1, "AptDateTime": "2031-01-01 09:00:00"},
     "Patient not found."),
    ({"PatNum": 2, "Op": 1, "AptDateTime": "2031-01-01"},
     "AptDateTime format must be yyyy-MM-dd HH:mm:ss."),
    ({"PatNum": 2, "Op": 1, "AptDateTime": "2031-01-01 09:00:00",
      "AptStatus": 1}, "AptStatus is invalid."),
    ({"PatNum": 2, "Op": 1, "AptDateTime": "2031-01-01 09:00:00",
      "Pattern": "XXAB"}, "Pattern is invalid."),
    ({"PatNum": 2, "Op": 1, "AptDateTime": "2031-01-01 09:00:00",
      "colorOverride": "300,0,0"}, "colorOverride is invalid."),
])
def test_appointment_post_validation(api, body, msg):
    status, got, _ = api.request("POST", "appointments", body)
    assert got == msg
    assert status == (404 if msg.endswith("not found.") else 400)


def test_appointment_filters_validate(api):
    assert api.request("GET", "appointments?date=2024-13-01")[:2] == (
        400, "date format must be yyyy-MM-dd")
    assert api.request("GET", "appointments?AptStatus=Cancelled")[:2] == (
        400, "AptStatus is invalid.")
    # unknown parameters are ignored on this list, as on the live API
    assert api.request("GET", "appointments?startDate=2024-01-01&Limit=1")[0] \
        == 200


def test_asap_list_only_asap(api):
    status, rows, _ = api.request("GET", "appointments/ASAP")
    assert status == 200
    assert all(a["Priority"] == "ASAP" for a in rows)


# ---- providers, operatories, definitions, commlogs, preferences ----------------

def test_providers_server_datetime_last(api):
    status, rows, _ = api.request("GET", "providers")
    assert status == 200 and rows
    assert list(rows[0].keys())[-1] == "serverDateTime"
    assert rows[0]["ProvStatus"] in ("Active", "Deleted")
    assert re.match(r"^\d+,\d+,\d+$", rows[0]["provColor"])
    assert api.request("GET", "providers/999999")[:2] == (
        404, "Provider not found.")


def test_provider_post_needs_abbr_and_setup_permission(api):
    assert api.request("POST", "providers", {"LName": "X"})[:2] == (
        400, "Abbr is required.")
    status, p, _ = api.request("POST", "providers",
                               {"Abbr": "DrNew%d" % os.getpid(),
                                "LName": "New"})
    assert status == 201 and p["UsingTIN"] == "true"


def test_operatories(api):
    status, ops, _ = api.request("GET", "operatories")
    assert status == 200 and ops
    assert list(ops[0].keys())[-2:] == ["OperatoryType", "operatoryType"]
    status, op, _ = api.request("GET", "operatories/%d" % ops[0]["OperatoryNum"])
    assert status == 200 and op["OpName"] == ops[0]["OpName"]


def test_definitions_by_category(api):
    status, defs, _ = api.request("GET", "definitions?Category=2")
    assert status == 200 and defs
    assert all(d["Category"] == 2 and d["category"] == "ApptConfirmed"
               for d in defs)
    assert list(defs[0].keys()) == ["DefNum", "ItemName", "ItemValue",
                                    "Category", "category", "isHidden"]


def test_commlog_post_defaults(api):
    status, c, _ = api.request("POST", "commlogs",
                               {"PatNum": 3, "Note": "Called about recall"})
    assert status == 201, c
    assert (c["Mode_"], c["SentOrReceived"], c["commType"]) == (
        "Phone", "Sent", "Misc")
    assert DATETIME.match(c["CommDateTime"])
    # the default is the database's time of the insert, as DateTEntry is
    assert c["CommDateTime"] == c["DateTEntry"], c
    status, c2, _ = api.request("POST", "commlogs",
                                {"PatNum": 3, "Note": "x",
                                 "Mode_": "In Person"})
    assert status == 201 and c2["Mode_"] == "In Person"
    assert api.request("POST", "commlogs", {"PatNum": 3})[:2] == (
        400, "Note is required.")


def test_preferences_by_name(api):
    status, rows, _ = api.request("GET",
                                  "preferences?PrefName=DataBaseVersion")
    assert status == 200 and len(rows) == 1
    assert rows[0]["PrefName"] == "DataBaseVersion"


# ---- permissions -------------------------------------------------------------

def test_key_without_permission_gets_401(spawn, server_db, tmp_path):
    from conftest import odlocal_args_for
    keys = tmp_path / "keys.json"
    keys.write_text(json.dumps({"keys": [
        {"DeveloperKey": "ReadOnlyDevKey01", "CustomerKey": "ReadOnlyCust0001",
         "DeveloperName": "Reader", "Permissions": ["ApiReadAll"]}]}))
    srv = spawn("odlocal", ["--port", "0", "--keys", str(keys)] +
                odlocal_args_for("server", server_db, None))
    auth = "ODFHIR ReadOnlyDevKey01/ReadOnlyCust0001"
    assert srv.request("GET", "patients/1", auth=auth)[0] == 200
    status, msg, _ = srv.request("POST", "patients",
                                 {"LName": "A", "FName": "B"}, auth=auth)
    assert status == 401 and "ApiPatients" in msg or status == 401


def test_deep_offset_pages_match_shallow_ones(api):
    """From Offset 1000 lists page over keys first (a deferred join): the
    rows must be exactly those a shallow read gives."""
    status, rows, _ = api.request("GET", "procedurelogs?Limit=10&Offset=995")
    assert status == 200
    if len(rows) < 10:
        pytest.skip("fewer than 1005 procedures in this database")
    status, deep, _ = api.request("GET", "procedurelogs?Limit=5&Offset=1000")
    assert status == 200
    strip = lambda r: {k: v for k, v in r.items() if k != "serverDateTime"}
    assert [strip(r) for r in deep] == [strip(r) for r in rows[5:]]


def test_datetime_format_string(api):
    _, a, _ = api.request("GET", "appointments/1")
    status, b, _ = api.request(
        "GET", "appointments/1?DateTimeFormatString=" +
        urllib.parse.quote("d/M/yy h:mm tt 'at' HH:mm:ss"))
    assert status == 200

    def expect(dt):
        y, mo, d = (int(x) for x in dt[:10].split("-"))
        hh, mm, ss = (int(x) for x in dt[11:].split(":"))
        return "%d/%d/%02d %d:%02d %s at %02d:%02d:%02d" % (
            d, mo, y % 100, hh % 12 or 12, mm, "AM" if hh < 12 else "PM",
            hh, mm, ss)
    # every date-time field follows the format, blanks included
    for k in ("AptDateTime", "DateTimeArrived", "SecDateTEntry"):
        assert b[k] == expect(a[k]), k
