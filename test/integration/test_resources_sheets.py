"""Sheets, sheet fields, sheet definitions, ASAP texts and EHR patient data
(lib/resources/sheets.c): sheetdefs, sheetfields, sheets, asapcomms and
ehrpatients through HTTP against the seeded test database and the embedded
sandbox. Rows the API cannot create (sheetdefs and their field definitions,
asapcomms) and securitylog checks use SQL on the server backend only."""
import datetime
import re

from conftest import db, find, sql_only, uniq, put, get, err, post

DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")

SHEETDEF = ["SheetDefNum", "Description", "SheetType"]
SHEETFIELD = ["SheetFieldNum", "SheetNum", "FieldType", "FieldName",
              "FieldValue", "IsRequired", "ReportableName", "DateTimeSig"]
SHEET = ["SheetNum", "SheetType", "PatNum", "DateTimeSheet", "InternalNote",
         "Description", "IsWebForm", "SheetDefNum", "DocNum", "ClinicNum",
         "DateTSheetEdited"]
ASAPCOMM = ["AsapCommNum", "FKey", "FKeyType", "ScheduleNum", "PatNum",
            "ClinicNum", "DateTimeEntry", "DateTimeExpire",
            "DateTimeSmsScheduled", "SmsSendStatus", "DateTimeSmsSent",
            "ResponseStatus", "DateTimeOrig", "TemplateText", "Note"]
EHRPATIENT = ["PatNum", "MotherMaidenFname", "MotherMaidenLname",
              "VacShareOk", "MedicaidState", "SexualOrientation",
              "GenderIdentity", "SexualOrientationNote", "GenderIdentityNote",
              "DischargeDate"]

PERM_SHEET_EDIT = 42
PERM_PATIENT_EDIT = 108


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
    st, obj = err(api, method, path, body)
    assert st == 400 and obj.endswith("is not a valid method."), (st, obj)


def a_patient(api, n=0):
    return get(api, "patients?Limit=%d" % (n + 1))[n]["PatNum"]


def make_sheetdef(api, sheettype, descr, fields=()):
    """A sheetdef row and its field definitions (server backend)."""
    db(api, "INSERT INTO sheetdef (Description, SheetType, FontSize, FontName,"
            " Width, Height) VALUES ('%s', %d, 11, 'Arial', 850, 1100)"
       % (descr, sheettype))
    num = int(db(api, "SELECT MAX(SheetDefNum) FROM sheetdef")[0][0])
    for ftype, name, value, req, rep, lang in fields:
        db(api, "INSERT INTO sheetfielddef (SheetDefNum, FieldType, FieldName,"
                " FieldValue, IsRequired, ReportableName, UiLabelMobile, "
                "UiLabelMobileRadioButton, Language) VALUES (%d, %d, '%s', "
                "'%s', %d, '%s', '', '', '%s')"
           % (num, ftype, name, value, req, rep, lang))
    return num


# ---- sheetdefs ---------------------------------------------------------------

def test_sheetdefs_read(api):
    assert err(api, "GET", "sheetdefs/99999999") == (404,
                                                     "SheetDef not found.")
    assert err(api, "GET", "sheetdefs/abc")[0] == 400
    assert isinstance(get(api, "sheetdefs"), list)
    assert err(api, "GET", "sheetdefs?SheetType=Nope") == (
        400, "SheetType is invalid.")
    no_method(api, "POST", "sheetdefs", {"Description": "x"})
    # the office's forms (seeded): a medical history, a registration form, a
    # consent, a label
    defs = get(api, "sheetdefs")
    assert all(list(d) == SHEETDEF for d in defs)
    nums = [d["SheetDefNum"] for d in defs]
    assert nums == sorted(nums)
    consent = next(d for d in defs if d["SheetType"] == "Consent")
    assert get(api, "sheetdefs/%d" % consent["SheetDefNum"]) == consent
    consents = get(api, "sheetdefs?SheetType=Consent")
    assert consents == [d for d in defs if d["SheetType"] == "Consent"]
    assert get(api, "sheetdefs?SheetType=medicalhistory") == [
        d for d in defs if d["SheetType"] == "MedicalHistory"]
    assert get(api, "sheetdefs?SheetType=ExamSheet") == [
        d for d in defs if d["SheetType"] == "ExamSheet"]


# ---- sheets + sheetfields ----------------------------------------------------

def test_sheets_errors(api):
    pat = a_patient(api)
    assert err(api, "GET", "sheets") == (400, "PatNum is required.")
    assert err(api, "GET", "sheets?PatNum=99999999")[0] in (200, 404)
    assert err(api, "POST", "sheets", {"PatNum": pat}) == (
        400, "SheetDefNum is required.")
    assert err(api, "POST", "sheets", {"SheetDefNum": 1}) == (
        400, "PatNum is required.")
    assert err(api, "POST", "sheets", {"SheetDefNum": 99999999,
                                       "PatNum": pat}) == (
        404, "SheetDef not found.")
    assert err(api, "POST", "sheets", {"SheetDefNum": 1,
                                       "PatNum": 99999999}) == (
        404, "Patient not found.")
    assert err(api, "POST", "sheets", {"SheetDefNum": "x",
                                       "PatNum": pat}) == (
        400, "SheetDefNum is invalid.")
    no_method(api, "PUT", "sheets/1", {"InternalNote": "x"})
    no_method(api, "DELETE", "sheets/1")
    # the office's label: not a patient form
    label = next(d["SheetDefNum"] for d in get(api, "sheetdefs")
                 if d["SheetType"] == "LabelPatient")
    assert err(api, "POST", "sheets", {"SheetDefNum": label,
                                       "PatNum": pat}) == (
        400, "Only SheetDefs of SheetType Consent, PatientLetter, "
             "PatientForm, MedicalHistory, and ExamSheet are supported.")


def filled_sheet(api, sheetdef):
    """A seeded patient's filled-in sheet of sheetdef and its fields."""
    for p in [x["PatNum"] for x in get(api, "patients?Limit=1000")]:
        for s in get(api, "sheets?PatNum=%d" % p):
            if s["SheetDefNum"] == sheetdef:
                return s, get(api, "sheetfields?SheetNum=%d" % s["SheetNum"])
    raise AssertionError("no sheet of sheetdef %d" % sheetdef)


def test_sheets_seeded(api):
    """The forms patients filled in: their fields, answers, signature."""
    hist = next(d for d in get(api, "sheetdefs")
                if d["SheetType"] == "MedicalHistory")
    s, fields = filled_sheet(api, hist["SheetDefNum"])
    assert list(s) == SHEET
    assert (s["SheetType"], s["Description"]) == ("MedicalHistory",
                                                  hist["Description"])
    assert all(list(f) == SHEETFIELD and f["SheetNum"] == s["SheetNum"]
               for f in fields)
    by_type = {f["FieldType"] for f in fields}
    assert {"StaticText", "InputField", "CheckBox", "SigBox"} <= by_type
    sig = next(f for f in fields if f["FieldType"] == "SigBox")
    assert sig["DateTimeSig"][:10] == s["DateTimeSheet"][:10]
    # the translation of the title is not on a sheet filled in English
    assert [f["FieldValue"] for f in fields
            if f["FieldType"] == "StaticText"] == ["Medical History"]
    name = next(f for f in fields if f["FieldName"] == "nameFL")["FieldValue"]
    pat = get(api, "patients/%d" % s["PatNum"])
    assert name == "%s %s" % (pat["FName"], pat["LName"])
    assert get(api, "sheetfields/%d" % sig["SheetFieldNum"]) == sig


def test_sheets_post_round_trip(api):
    hist = next(d for d in get(api, "sheetdefs")
                if d["SheetType"] == "MedicalHistory")
    _, seeded = filled_sheet(api, hist["SheetDefNum"])
    pat = a_patient(api, 1)
    mark = log_mark(api)
    before = len(get(api, "sheets?PatNum=%d" % pat))
    note = uniq("front desk")
    s = post(api, "sheets", {"SheetDefNum": hist["SheetDefNum"],
                             "PatNum": pat, "InternalNote": note})
    assert list(s) == SHEET
    assert DATETIME.match(s.pop("DateTimeSheet"))
    assert DATETIME.match(s.pop("DateTSheetEdited"))
    num = s.pop("SheetNum")
    assert s == {"SheetType": "MedicalHistory", "PatNum": pat,
                 "InternalNote": note, "Description": hist["Description"],
                 "IsWebForm": "false", "SheetDefNum": hist["SheetDefNum"],
                 "DocNum": 0, "ClinicNum": 0}
    own_log(api, PERM_SHEET_EDIT, num, ["Created"], mark, patnum=pat)
    lst = get(api, "sheets?PatNum=%d" % pat)
    assert len(lst) == before + 1
    mine = [x for x in lst if x["SheetNum"] == num]
    assert len(mine) == 1 and list(mine[0]) == SHEET
    assert all(x["PatNum"] == pat for x in lst)

    # its fields: one per field definition in the default language (as on
    # the sheets patients filled in), blank where they write
    fields = get(api, "sheetfields?SheetNum=%d" % num)
    assert [list(f) for f in fields] == [SHEETFIELD] * len(seeded)
    shape = [(f["FieldType"], f["FieldName"], f["IsRequired"],
              f["ReportableName"]) for f in fields]
    assert shape == [(f["FieldType"], f["FieldName"], f["IsRequired"],
                      f["ReportableName"]) for f in seeded]
    assert [f["FieldValue"] for f in fields if f["FieldType"] ==
            "StaticText"] == ["Medical History"]
    assert all(f["FieldValue"] == "" for f in fields
               if f["FieldType"] in ("InputField", "CheckBox"))
    assert all(f["SheetNum"] == num and
               f["DateTimeSig"] == "0001-01-01 00:00:00" for f in fields)
    f1 = next(f for f in fields if f["FieldType"] == "InputField" and
              f["IsRequired"] == "true")
    assert get(api, "sheetfields/%d" % f1["SheetFieldNum"]) == f1

    # PUT FieldValue
    mark = log_mark(api)
    upd = put(api, "sheetfields/%d" % f1["SheetFieldNum"],
              {"FieldValue": "Penicillin\r\nLatex"})
    assert list(upd) == SHEETFIELD
    assert upd["FieldValue"] == "Penicillin Latex"
    assert upd["FieldName"] == f1["FieldName"] and upd["IsRequired"] == "true"
    stored = db(api, "SELECT FieldValue = 'Penicillin\\r\\nLatex' FROM "
                     "sheetfield WHERE SheetFieldNum = %d"
                % f1["SheetFieldNum"])
    assert stored in (None, [["1"]])
    own_log(api, PERM_SHEET_EDIT, f1["SheetFieldNum"], ["Updated"], mark)
    # read-only fields are ignored; nothing writable: 400
    assert err(api, "PUT", "sheetfields/%d" % f1["SheetFieldNum"],
               {"FieldName": "x"}) == (400,
                                       "No fields to update were provided.")
    assert err(api, "PUT", "sheetfields/%d" % f1["SheetFieldNum"],
               {"FieldValue": ["x"]}) == (400, "FieldValue is invalid.")
    # "" clears
    assert put(api, "sheetfields/%d" % f1["SheetFieldNum"],
               {"FieldValue": ""})["FieldValue"] == ""


def test_deleted_sheets(api):
    sql_only(api, "a deleted sheet (no API call deletes one, and the seed "
                  "keeps none)")
    pat = a_patient(api, 3)
    sd = make_sheetdef(api, 11, uniq("Medical History"), [
        (1, "misc", "", 1, "Allergies", "")])
    num = post(api, "sheets", {"SheetDefNum": sd, "PatNum": pat})["SheetNum"]
    f1 = get(api, "sheetfields?SheetNum=%d" % num)[0]
    # a deleted sheet is not listed, and its fields are not edited
    db(api, "UPDATE sheet SET IsDeleted = 1 WHERE SheetNum = %d" % num)
    assert num not in [x["SheetNum"] for x in
                       get(api, "sheets?PatNum=%d" % pat)]
    assert err(api, "PUT", "sheetfields/%d" % f1["SheetFieldNum"],
               {"FieldValue": "x"}) == (400, "The sheet is deleted.")


def test_sheets_clinic_from_patient(api):
    pat = a_patient(api, 2)
    clinic = get(api, "clinics")[0]["ClinicNum"]
    old = get(api, "patients/%d" % pat)["ClinicNum"]
    put(api, "patients/%d" % pat, {"ClinicNum": clinic})
    try:
        consent = next(d for d in get(api, "sheetdefs")
                       if d["SheetType"] == "Consent")
        s = post(api, "sheets", {"SheetDefNum": consent["SheetDefNum"],
                                 "PatNum": pat})
        assert s["ClinicNum"] == clinic
        assert s["SheetType"] == "Consent" and s["InternalNote"] == ""
    finally:
        put(api, "patients/%d" % pat, {"ClinicNum": old})


def test_sheetfields_errors(api):
    assert err(api, "GET", "sheetfields/99999999") == (
        404, "SheetField not found.")
    assert err(api, "GET", "sheetfields/abc")[0] == 400
    assert err(api, "PUT", "sheetfields/99999999", {"FieldValue": "x"}) == (
        404, "SheetField not found.")
    assert get(api, "sheetfields?SheetNum=99999999") == []
    no_method(api, "POST", "sheetfields", {"SheetNum": 1})
    no_method(api, "DELETE", "sheetfields/1")


# ---- asapcomms ---------------------------------------------------------------

def test_asapcomms_read(api):
    assert err(api, "GET", "asapcomms/99999999") == (404,
                                                     "AsapComm not found.")
    assert err(api, "GET", "asapcomms/abc")[0] == 400
    assert isinstance(get(api, "asapcomms"), list)
    assert err(api, "GET", "asapcomms?date=2023-9-1")[0] == 400
    # the seeded texts offering an opening to the ASAP list, over two weeks
    every = get(api, "asapcomms?dateStart=2000-01-01&Limit=1000")
    assert every and all(list(a) == ASAPCOMM for a in every)
    one = every[0]
    assert get(api, "asapcomms/%d" % one["AsapCommNum"]) == one
    assert (one["FKeyType"], one["SmsSendStatus"]) == (
        "ScheduledAppt", "SendSuccessful")
    assert one["ResponseStatus"] in ("PendingRsvp", "Declined", "Expired")
    apt = get(api, "appointments/%d" % one["FKey"])
    assert (apt["PatNum"], apt["Priority"], apt["AptDateTime"]) == (
        one["PatNum"], "ASAP", one["DateTimeOrig"])
    # default: the last 7 days
    today = get(api, "appointments?Limit=1")[0]["serverDateTime"][:10]
    y, m, d = (int(x) for x in today.split("-"))
    week = str(datetime.date(y, m, d) - datetime.timedelta(days=7))
    assert get(api, "asapcomms?Limit=1000") == [
        a for a in every if a["DateTimeEntry"][:10] >= week]
    day = one["DateTimeEntry"][:10]
    assert get(api, "asapcomms?date=%s" % day) == [
        a for a in every if a["DateTimeEntry"][:10] == day]
    assert get(api, "asapcomms?dateStart=2000-01-01&dateEnd=%s" % day) == [
        a for a in every if a["DateTimeEntry"][:10] <= day]
    assert get(api, "asapcomms?dateStart=2000-01-01&ClinicNum=0&Limit=1000") \
        == every
    assert get(api, "asapcomms?dateStart=2000-01-01&ClinicNum=7") == []


# ---- ehrpatients -------------------------------------------------------------

def test_ehrpatients_round_trip(api):
    pat = post(api, "patients", {"LName": uniq("Ehr"), "FName": "Pat"})[
        "PatNum"]
    # no ehrpatient row yet: blanks
    one = get(api, "ehrpatients/%d" % pat)
    assert list(one) == EHRPATIENT
    assert one == {"PatNum": pat, "MotherMaidenFname": "",
                   "MotherMaidenLname": "", "VacShareOk": "Unknown",
                   "MedicaidState": "", "SexualOrientation": "",
                   "GenderIdentity": "", "SexualOrientationNote": "",
                   "GenderIdentityNote": "", "DischargeDate": "0001-01-01"}
    mark = log_mark(api)
    upd = put(api, "ehrpatients/%d" % pat,
              {"DischargeDate": "2024-03-05", "MedicaidState": "OR",
               "MotherMaidenFname": "ignored"})
    assert list(upd) == EHRPATIENT
    assert upd == dict(one, DischargeDate="2024-03-05", MedicaidState="OR")
    assert get(api, "ehrpatients/%d" % pat) == upd
    own_log(api, PERM_PATIENT_EDIT, pat, ["Updated"], mark, patnum=pat)
    # partial: the other field is kept; "" clears text
    upd2 = put(api, "ehrpatients/%d" % pat, {"MedicaidState": ""})
    assert upd2["MedicaidState"] == "" and upd2["DischargeDate"] == \
        "2024-03-05"
    rows = db(api, "SELECT COUNT(*) FROM ehrpatient WHERE PatNum = %d" % pat)
    if rows is not None:
        assert int(rows[0][0]) == 1


def test_ehrpatients_errors(api):
    pat = a_patient(api)
    assert err(api, "GET", "ehrpatients/99999999") == (404,
                                                       "Patient not found.")
    assert err(api, "PUT", "ehrpatients/99999999",
               {"MedicaidState": "OR"}) == (404, "Patient not found.")
    assert err(api, "GET", "ehrpatients/abc")[0] == 400
    assert err(api, "PUT", "ehrpatients/%d" % pat,
               {"DischargeDate": "03/05/2024"}) == (
        400, "DischargeDate format must be yyyy-MM-dd.")
    assert err(api, "PUT", "ehrpatients/%d" % pat,
               {"MedicaidState": "Oregon"}) == (400,
                                                "MedicaidState is invalid.")
    assert err(api, "PUT", "ehrpatients/%d" % pat, {"VacShareOk": "Yes"}) == (
        400, "No fields to update were provided.")
    no_method(api, "POST", "ehrpatients", {"PatNum": pat})
    no_method(api, "DELETE", "ehrpatients/%d" % pat)
    # a failed PUT leaves no row behind (server: check the table)
    rows = db(api, "SELECT COUNT(*) FROM ehrpatient WHERE PatNum = 99999999")
    if rows is not None:
        assert int(rows[0][0]) == 0
    sql_only(api, "a deleted patient (PatStatus Deleted: no API call "
                  "deletes a patient, and the seed keeps none)")
    dead = post(api, "patients", {"LName": uniq("Gone"), "FName": "Pat"})[
        "PatNum"]
    db(api, "UPDATE patient SET PatStatus = 4 WHERE PatNum = %d" % dead)
    assert err(api, "PUT", "ehrpatients/%d" % dead,
               {"MedicaidState": "OR"}) == (400, "Patient is deleted.")
