"""Sheets, sheet fields, sheet definitions, ASAP texts and EHR patient data
(lib/resources/sheets.c): sheetdefs, sheetfields, sheets, asapcomms and
ehrpatients through HTTP against the seeded test database and the embedded
sandbox. Rows the API cannot create (sheetdefs and their field definitions,
asapcomms) and securitylog checks use SQL on the server backend only."""
import re

from conftest import db, server_only, uniq, put, get, err, post

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
    server_only(api)
    d1 = uniq("Consent A")
    n1 = make_sheetdef(api, 6, d1)
    n2 = make_sheetdef(api, 13, uniq("Exam"))
    one = get(api, "sheetdefs/%d" % n1)
    assert list(one) == SHEETDEF
    assert one == {"SheetDefNum": n1, "Description": d1,
                   "SheetType": "Consent"}
    consents = get(api, "sheetdefs?SheetType=Consent")
    nums = [d["SheetDefNum"] for d in consents]
    assert n1 in nums and n2 not in nums
    assert all(d["SheetType"] == "Consent" for d in consents)
    assert nums == sorted(nums)
    assert n2 in [d["SheetDefNum"] for d in
                  get(api, "sheetdefs?SheetType=examsheet")]


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
    server_only(api)
    label = make_sheetdef(api, 0, uniq("Label"))
    assert err(api, "POST", "sheets", {"SheetDefNum": label,
                                       "PatNum": pat}) == (
        400, "Only SheetDefs of SheetType Consent, PatientLetter, "
             "PatientForm, MedicalHistory, and ExamSheet are supported.")


def test_sheets_post_round_trip(api):
    server_only(api)
    pat = a_patient(api, 1)
    db(api, "UPDATE patient SET ClinicNum = 0 WHERE PatNum = %d" % pat)
    descr = uniq("Medical History")
    sd = make_sheetdef(api, 11, descr, [
        (2, "", "Please answer every question.", 0, "", ""),
        (1, "misc", "", 1, "Allergies", ""),
        (8, "misc", "", 0, "Smoker", ""),
        (2, "", "Por favor", 0, "", "spa"),  # another language: not copied
    ])
    mark = log_mark(api)
    before = len(get(api, "sheets?PatNum=%d" % pat))
    note = uniq("front desk")
    s = post(api, "sheets", {"SheetDefNum": sd, "PatNum": pat,
                             "InternalNote": note})
    assert list(s) == SHEET
    assert DATETIME.match(s.pop("DateTimeSheet"))
    assert DATETIME.match(s.pop("DateTSheetEdited"))
    num = s.pop("SheetNum")
    assert s == {"SheetType": "MedicalHistory", "PatNum": pat,
                 "InternalNote": note, "Description": descr,
                 "IsWebForm": "false", "SheetDefNum": sd, "DocNum": 0,
                 "ClinicNum": 0}
    own_log(api, PERM_SHEET_EDIT, num, ["Created"], mark, patnum=pat)
    lst = get(api, "sheets?PatNum=%d" % pat)
    assert len(lst) == before + 1
    mine = [x for x in lst if x["SheetNum"] == num]
    assert len(mine) == 1 and list(mine[0]) == SHEET
    assert all(x["PatNum"] == pat for x in lst)
    # a deleted sheet is not listed
    db(api, "UPDATE sheet SET IsDeleted = 1 WHERE SheetNum = %d" % num)
    assert num not in [x["SheetNum"] for x in
                       get(api, "sheets?PatNum=%d" % pat)]
    db(api, "UPDATE sheet SET IsDeleted = 0 WHERE SheetNum = %d" % num)

    # its fields: one per field definition in the default language
    fields = get(api, "sheetfields?SheetNum=%d" % num)
    assert [list(f) for f in fields] == [SHEETFIELD] * 3
    assert [(f["FieldType"], f["FieldName"], f["FieldValue"],
             f["IsRequired"], f["ReportableName"]) for f in fields] == [
        ("StaticText", "", "Please answer every question.", "false", ""),
        ("InputField", "misc", "", "true", "Allergies"),
        ("CheckBox", "misc", "", "false", "Smoker")]
    assert all(f["SheetNum"] == num and
               f["DateTimeSig"] == "0001-01-01 00:00:00" for f in fields)
    f1 = fields[1]
    assert get(api, "sheetfields/%d" % f1["SheetFieldNum"]) == f1

    # PUT FieldValue
    mark = log_mark(api)
    upd = put(api, "sheetfields/%d" % f1["SheetFieldNum"],
              {"FieldValue": "Penicillin\r\nLatex"})
    assert list(upd) == SHEETFIELD
    assert upd["FieldValue"] == "Penicillin Latex"
    assert upd["FieldName"] == "misc" and upd["IsRequired"] == "true"
    assert db(api, "SELECT FieldValue = 'Penicillin\\r\\nLatex' FROM "
                   "sheetfield WHERE SheetFieldNum = %d"
              % f1["SheetFieldNum"])[0][0] == "1"
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
    # a deleted sheet's fields are not edited
    db(api, "UPDATE sheet SET IsDeleted = 1 WHERE SheetNum = %d" % num)
    assert err(api, "PUT", "sheetfields/%d" % f1["SheetFieldNum"],
               {"FieldValue": "x"}) == (400, "The sheet is deleted.")


def test_sheets_clinic_from_patient(api):
    server_only(api)
    pat = a_patient(api, 2)
    clinic = db(api, "SELECT COALESCE(MAX(ClinicNum), 0) FROM clinic")[0][0]
    old = db(api, "SELECT ClinicNum FROM patient WHERE PatNum = %d" % pat)
    db(api, "UPDATE patient SET ClinicNum = %s WHERE PatNum = %d"
       % (clinic, pat))
    try:
        sd = make_sheetdef(api, 7, uniq("Letter"))
        s = post(api, "sheets", {"SheetDefNum": sd, "PatNum": pat})
        assert s["ClinicNum"] == int(clinic)
        assert s["SheetType"] == "PatientLetter" and s["InternalNote"] == ""
        assert get(api, "sheetfields?SheetNum=%d" % s["SheetNum"]) == []
    finally:
        db(api, "UPDATE patient SET ClinicNum = %s WHERE PatNum = %d"
           % (old[0][0], pat))


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
    server_only(api)
    pat = a_patient(api)
    clinic = 900000 + int(uniq("x")[-4:], 16)

    def add(entry, ftype=1, sms=3, rsvp=2):
        db(api, "INSERT INTO asapcomm (FKey, FKeyType, ScheduleNum, PatNum, "
                "ClinicNum, ShortGUID, DateTimeEntry, DateTimeExpire, "
                "DateTimeSmsScheduled, SmsSendStatus, DateTimeSmsSent, "
                "ResponseStatus, DateTimeOrig, TemplateText, TemplateEmail, "
                "Note, GuidMessageToMobile) VALUES (539, %d, 3523, %d, %d, "
                "'g', %s, '2023-09-20 09:00:00', '2023-09-14 10:04:14', %d, "
                "'2023-09-14 10:04:14', %d, '2023-09-26 10:00:00', "
                "'[NameF], an opening\\r\\nis available', '', '', '')"
           % (ftype, pat, clinic, entry, sms, rsvp))
        return int(db(api, "SELECT MAX(AsapCommNum) FROM asapcomm")[0][0])

    old = add("'2023-08-24 10:04:14'")
    day = add("'2023-09-14 23:59:59'", ftype=4, sms=1, rsvp=11)
    recent = add("NOW() - INTERVAL 2 DAY")
    stale = add("NOW() - INTERVAL 9 DAY")
    one = get(api, "asapcomms/%d" % old)
    assert list(one) == ASAPCOMM
    assert one == {
        "AsapCommNum": old, "FKey": 539, "FKeyType": "ScheduledAppt",
        "ScheduleNum": 3523, "PatNum": pat, "ClinicNum": clinic,
        "DateTimeEntry": "2023-08-24 10:04:14",
        "DateTimeExpire": "2023-09-20 09:00:00",
        "DateTimeSmsScheduled": "2023-09-14 10:04:14",
        "SmsSendStatus": "SendSuccessful",
        "DateTimeSmsSent": "2023-09-14 10:04:14",
        "ResponseStatus": "PendingRsvp",
        "DateTimeOrig": "2023-09-26 10:00:00",
        "TemplateText": "[NameF], an opening is available", "Note": ""}
    q = "asapcomms?ClinicNum=%d" % clinic
    # default: the last 7 days
    assert [a["AsapCommNum"] for a in get(api, q)] == [recent]
    assert [a["AsapCommNum"] for a in get(api, q + "&date=2023-09-14")] == [
        day]
    d = get(api, "asapcomms/%d" % day)
    assert (d["FKeyType"], d["SmsSendStatus"], d["ResponseStatus"]) == (
        "Recall", "DoNotSend", "DeclinedStopComm")
    rng = get(api, q + "&dateStart=2023-08-01&dateEnd=2023-09-14")
    assert [a["AsapCommNum"] for a in rng] == [old, day]
    assert [a["AsapCommNum"] for a in
            get(api, q + "&dateStart=2023-08-25&dateEnd=2023-09-13")] == []
    assert [a["AsapCommNum"] for a in
            get(api, q + "&dateStart=2000-01-01")] == [old, day, recent,
                                                         stale]


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
    server_only(api)
    dead = post(api, "patients", {"LName": uniq("Gone"), "FName": "Pat"})[
        "PatNum"]
    db(api, "UPDATE patient SET PatStatus = 4 WHERE PatNum = %d" % dead)
    assert err(api, "PUT", "ehrpatients/%d" % dead,
               {"MedicaidState": "OR"}) == (400, "Patient is deleted.")
