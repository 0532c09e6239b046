"""perioexams, periomeasures, treatplans, treatplanattaches and proctps
(lib/resources/treat.c), through HTTP on both backends. ProcTPs have no API to
create them here (POST /treatplans/Saved is not served), so the tests that
need them insert rows with SQL on the server backend and skip on the
embedded one."""
import re

from conftest import db, server_only, uniq, post, put, get, err

DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
EVIL = "'; DROP TABLE patient; --"

EXAM = ["PerioExamNum", "PatNum", "ExamDate", "ProvNum", "DateTMeasureEdit",
        "Note"]
MEASURE = ["PerioMeasureNum", "PerioExamNum", "SequenceType", "IntTooth",
           "ToothValue", "MBvalue", "Bvalue", "DBvalue", "MLvalue", "Lvalue",
           "DLvalue", "SecDateTEdit"]
PLAN = ["TreatPlanNum", "PatNum", "DateTP", "Heading", "Note", "SigIsTopaz",
        "ResponsParty", "DocNum", "TPStatus", "SecUserNumEntry",
        "SecDateEntry", "SecDateTEdit", "UserNumPresenter", "TPType",
        "DateTSigned", "DateTPracticeSigned", "SignatureText",
        "SignaturePracticeText", "isSigned", "isSignedPractice"]
ATTACH = ["TreatPlanAttachNum", "TreatPlanNum", "ProcNum", "Priority",
          "priority"]
PROCTP = ["ProcTPNum", "TreatPlanNum", "PatNum", "ProcNumOrig", "ItemOrder",
          "Priority", "priority", "ToothNumTP", "Surf", "ProcCode",
          "Descript", "FeeAmt", "PriInsAmt", "SecInsAmt", "PatAmt",
          "Discount", "Prognosis", "Dx", "ProcAbbr", "SecUserNumEntry",
          "SecDateEntry", "SecDateTEdit", "FeeAllowed", "TaxAmt", "ProvNum",
          "DateTP", "ClinicNum", "CatPercUCR"]

PERM_TREATPLAN_EDIT, PERM_PERIO_EDIT = 38, 45


def mark(api):
    rows = db(api, "SELECT COALESCE(MAX(SecurityLogNum), 0) FROM securitylog")
    return int(rows[0][0]) if rows else 0


def logs(api, since, perm, fkey):
    """[(verb, PatNum)] of the API's securitylog rows; None if embedded."""
    rows = db(api, "SELECT LogText, LogSource, PatNum FROM securitylog WHERE "
                   "FKey = %d AND PermType = %d AND SecurityLogNum > %d "
                   "ORDER BY SecurityLogNum" % (fkey, perm, since))
    if rows is None:
        return None
    assert all(r[0].endswith(" by Sandbox Developer through API.") and
               r[1] == "23" for r in rows), rows
    return [(r[0].split(" by ")[0], int(r[2])) for r in rows]


def no_method(api, method, path, body=None):
    """An operation the spec does not have: the router's 400."""
    st, obj = err(api, method, path, body)
    assert st == 400 and obj.endswith("is not a valid method."), (st, obj)


def today(api):
    return get(api, "procedurelogs?Limit=1")[0]["serverDateTime"][:10]


def new_patient(api):
    return post(api, "patients", {"LName": uniq("Treat"), "FName": "Pat"})


def new_proc(api, pat, status="TP"):
    return post(api, "procedurelogs", {"PatNum": pat, "ProcDate": today(api),
                                       "ProcStatus": status,
                                       "procCode": "D0120"})


def priorities(api):
    defs = get(api, "definitions?Category=20")
    assert len(defs) >= 2
    return defs


# ---- perioexams -----------------------------------------------------------

def new_exam(api, pat, **extra):
    body = {"PatNum": pat}
    body.update(extra)
    return post(api, "perioexams", body)


def test_perioexam_post_defaults_shape_and_log(api):
    pat = new_patient(api)
    since = mark(api)
    e = new_exam(api, pat["PatNum"])
    assert list(e) == EXAM
    assert e["PatNum"] == pat["PatNum"]
    assert e["ExamDate"] == today(api)
    assert e["ProvNum"] == pat["PriProv"]
    assert DATETIME.match(e["DateTMeasureEdit"])
    assert e["DateTMeasureEdit"] != "0001-01-01 00:00:00"
    assert e["Note"] == ""
    one = get(api, "perioexams/%d" % e["PerioExamNum"])
    assert list(one) == EXAM and one == e
    assert logs(api, since, PERM_PERIO_EDIT, e["PerioExamNum"]) in (
        None, [("Created", pat["PatNum"])])


def test_perioexam_put_partial_and_errors(api):
    pat = new_patient(api)
    e = new_exam(api, pat["PatNum"], ExamDate="2023-04-01", Note="first")
    since = mark(api)
    got = put(api, "perioexams/%d" % e["PerioExamNum"], {"Note": EVIL})
    assert list(got) == EXAM
    assert got["Note"] == EVIL
    assert {k: v for k, v in got.items() if k != "Note"} == {
        k: v for k, v in e.items() if k != "Note"}
    assert logs(api, since, PERM_PERIO_EDIT, e["PerioExamNum"]) in (
        None, [("Updated", pat["PatNum"])])
    # PatNum is not changed by PUT
    assert err(api, "PUT", "perioexams/%d" % e["PerioExamNum"],
               {"PatNum": 1}) == (400, "No fields to update were provided.")
    assert err(api, "PUT", "perioexams/%d" % e["PerioExamNum"],
               {"ExamDate": "04/01/2023"}) == (
        400, "ExamDate format must be yyyy-MM-dd.")
    assert err(api, "PUT", "perioexams/%d" % e["PerioExamNum"],
               {"ProvNum": 99999999}) == (400, "ProvNum is invalid.")
    assert err(api, "PUT", "perioexams/99999999", {"Note": "x"}) == (
        404, "PerioExam not found.")


def test_perioexam_post_errors(api):
    assert err(api, "POST", "perioexams", {"Note": "x"}) == (
        400, "PatNum is required.")
    assert err(api, "POST", "perioexams", {"PatNum": 99999999}) == (
        404, "Patient not found.")
    assert err(api, "GET", "perioexams/99999999") == (
        404, "PerioExam not found.")


def test_perioexam_list_filters_and_paging(api):
    pat = new_patient(api)
    a = new_exam(api, pat["PatNum"], ExamDate="2020-01-01")
    b = new_exam(api, pat["PatNum"], ExamDate="2021-06-01")
    c = new_exam(api, pat["PatNum"], ExamDate="2022-01-01")
    rows = get(api, "perioexams?PatNum=%d" % pat["PatNum"])
    assert rows == [a, b, c]
    assert all(list(r) == EXAM for r in rows)
    assert get(api, "perioexams?PatNum=%d&ExamDate=2021-06-01"
               % pat["PatNum"]) == [b, c]
    assert get(api, "perioexams?PatNum=%d&Offset=1&Limit=1"
               % pat["PatNum"]) == [b]
    assert err(api, "GET", "perioexams?ExamDate=2021")[0] == 400


def test_perioexam_delete_cascades_to_measures(api):
    pat = new_patient(api)
    e = new_exam(api, pat["PatNum"])
    other = new_exam(api, pat["PatNum"])
    m1 = new_measure(api, e["PerioExamNum"], IntTooth=3)
    new_measure(api, e["PerioExamNum"], IntTooth=4)
    keep = new_measure(api, other["PerioExamNum"], IntTooth=3)
    since = mark(api)
    assert err(api, "DELETE", "perioexams/%d" % e["PerioExamNum"])[0] == 200
    assert get(api, "periomeasures?PerioExamNum=%d" % e["PerioExamNum"]) == []
    assert err(api, "GET", "perioexams/%d" % e["PerioExamNum"]) == (
        404, "PerioExam not found.")
    assert get(api, "periomeasures?PerioExamNum=%d"
               % other["PerioExamNum"]) == [keep]
    assert err(api, "PUT", "periomeasures/%d" % m1["PerioMeasureNum"],
               {"MBvalue": 2}) == (404, "PerioMeasure not found.")
    assert logs(api, since, PERM_PERIO_EDIT, e["PerioExamNum"]) in (
        None, [("Deleted", pat["PatNum"])])
    assert err(api, "DELETE", "perioexams/%d" % e["PerioExamNum"]) == (
        404, "PerioExam not found.")


# ---- periomeasures --------------------------------------------------------

def new_measure(api, exam, **extra):
    body = {"PerioExamNum": exam, "SequenceType": "Probing", "IntTooth": 3,
            "MBvalue": 3, "Bvalue": 2, "DBvalue": 3}
    body.update(extra)
    return post(api, "periomeasures", body)


def test_periomeasure_post_shape_round_trip_and_log(api):
    pat = new_patient(api)
    e = new_exam(api, pat["PatNum"])
    since = mark(api)
    m = new_measure(api, e["PerioExamNum"])
    assert list(m) == MEASURE
    assert (m["SequenceType"], m["IntTooth"], m["ToothValue"], m["MBvalue"],
            m["Bvalue"], m["DBvalue"], m["MLvalue"], m["Lvalue"],
            m["DLvalue"]) == ("Probing", 3, -1, 3, 2, 3, -1, -1, -1)
    assert DATETIME.match(m["SecDateTEdit"])
    skip = new_measure(api, e["PerioExamNum"], SequenceType="SkipTooth",
                       IntTooth=16, ToothValue=1, MBvalue=-1, Bvalue=-1,
                       DBvalue=-1)
    assert get(api, "periomeasures?PerioExamNum=%d"
               % e["PerioExamNum"]) == [m, skip]
    assert get(api, "periomeasures?PerioExamNum=%d&Offset=1&Limit=1"
               % e["PerioExamNum"]) == [skip]
    assert logs(api, since, PERM_PERIO_EDIT, m["PerioMeasureNum"]) in (
        None, [("Created", 0)])
    rows = db(api, "SELECT SecDateTEntry FROM periomeasure WHERE "
                   "PerioMeasureNum = %d" % m["PerioMeasureNum"])
    assert rows is None or rows[0][0] != "0001-01-01 00:00:00"


def test_periomeasure_put_partial_and_delete(api):
    pat = new_patient(api)
    e = new_exam(api, pat["PatNum"])
    m = new_measure(api, e["PerioExamNum"], SequenceType="GingMargin")
    since = mark(api)
    got = put(api, "periomeasures/%d" % m["PerioMeasureNum"],
              {"Lvalue": 102, "SequenceType": "Probing", "IntTooth": 9})
    assert list(got) == MEASURE
    assert got["Lvalue"] == 102
    changed = {k for k in MEASURE if got[k] != m[k]}
    assert changed <= {"Lvalue", "SecDateTEdit"}
    assert err(api, "PUT", "periomeasures/%d" % m["PerioMeasureNum"],
               {"MBvalue": 20}) == (400, "MBvalue is invalid.")
    assert err(api, "PUT", "periomeasures/%d" % m["PerioMeasureNum"],
               {"IntTooth": 4}) == (400, "No fields to update were provided.")
    assert err(api, "PUT", "periomeasures/99999999", {"MBvalue": 1}) == (
        404, "PerioMeasure not found.")
    assert err(api, "DELETE", "periomeasures/%d" % m["PerioMeasureNum"])[0] \
        == 200
    assert get(api, "periomeasures?PerioExamNum=%d" % e["PerioExamNum"]) == []
    assert err(api, "DELETE", "periomeasures/%d" % m["PerioMeasureNum"]) == (
        404, "PerioMeasure not found.")
    assert logs(api, since, PERM_PERIO_EDIT, m["PerioMeasureNum"]) in (
        None, [("Updated", 0), ("Deleted", 0)])
    # the exam stays
    assert get(api, "perioexams/%d" % e["PerioExamNum"]) == e


def test_periomeasure_post_errors(api):
    pat = new_patient(api)
    e = new_exam(api, pat["PatNum"])
    x = e["PerioExamNum"]
    for missing in ("PerioExamNum", "SequenceType", "IntTooth"):
        body = {"PerioExamNum": x, "SequenceType": "Probing", "IntTooth": 3,
                "MBvalue": 3}
        del body[missing]
        assert err(api, "POST", "periomeasures", body) == (
            400, "%s is required." % missing)
    base = {"PerioExamNum": x, "SequenceType": "Probing", "IntTooth": 3,
            "MBvalue": 3}
    assert err(api, "POST", "periomeasures",
               dict(base, PerioExamNum=99999999)) == (
        404, "PerioExam not found.")
    for bad in ("CAL", "4", "Nope"):
        assert err(api, "POST", "periomeasures",
                   dict(base, SequenceType=bad)) == (
            400, "SequenceType is invalid.")
    for tooth in (0, 33):
        assert err(api, "POST", "periomeasures",
                   dict(base, IntTooth=tooth)) == (400, "IntTooth is invalid.")
    for v in (-2, 20, 100, 120):
        assert err(api, "POST", "periomeasures", dict(base, DLvalue=v)) == (
            400, "DLvalue is invalid.")
    assert err(api, "POST", "periomeasures",
               {"PerioExamNum": x, "SequenceType": "Probing",
                "IntTooth": 3}) == (
        400, "At least one surface value is required for this SequenceType.")
    # Mobility is one value per tooth: no surface needed
    post(api, "periomeasures", {"PerioExamNum": x, "SequenceType": "Mobility",
                                "IntTooth": 3, "ToothValue": 1})
    post(api, "periomeasures", base)
    assert err(api, "POST", "periomeasures", base) == (
        400, "A PerioMeasure of this SequenceType already exists for this "
             "tooth on this PerioExam.")


# ---- treatplans -----------------------------------------------------------

def new_plan(api, pat, **extra):
    body = {"PatNum": pat}
    body.update(extra)
    return post(api, "treatplans", body)


def test_treatplan_post_defaults_shape_and_log(api):
    pat = new_patient(api)
    since = mark(api)
    p = new_plan(api, pat["PatNum"])
    assert list(p) == PLAN
    assert (p["PatNum"], p["DateTP"], p["Heading"], p["TPStatus"],
            p["TPType"], p["isSigned"], p["isSignedPractice"],
            p["SigIsTopaz"], p["SecDateEntry"]) == (
        pat["PatNum"], today(api), "Inactive Treatment Plan", "Inactive",
        "Insurance", "false", "false", "false", today(api))
    assert DATETIME.match(p["SecDateTEdit"])
    assert get(api, "treatplans?PatNum=%d" % pat["PatNum"]) == [p]
    assert logs(api, since, PERM_TREATPLAN_EDIT, p["TreatPlanNum"]) in (
        None, [("Created", pat["PatNum"])])
    q = new_plan(api, pat["PatNum"], Heading="Plan B", Note="n " + EVIL,
                 TPType="Discount", DateTP="2020-01-01", TPStatus="Active")
    # DateTP and TPStatus are not taken on POST
    assert (q["Heading"], q["Note"], q["TPType"], q["DateTP"],
            q["TPStatus"]) == ("Plan B", "n " + EVIL, "Discount", today(api),
                               "Inactive")


def test_treatplan_post_errors(api):
    assert err(api, "POST", "treatplans", {"Heading": "x"}) == (
        400, "PatNum is required.")
    assert err(api, "POST", "treatplans", {"PatNum": 99999999}) == (
        404, "Patient not found.")
    pat = new_patient(api)
    assert err(api, "POST", "treatplans", {"PatNum": pat["PatNum"],
                                           "TPType": "Cash"}) == (
        400, "TPType is invalid.")
    assert err(api, "POST", "treatplans", {"PatNum": pat["PatNum"],
                                           "Heading": "x" * 256}) == (
        400, "Heading is too long.")


def test_treatplan_list_filters(api):
    pat = new_patient(api)
    a = new_plan(api, pat["PatNum"])
    b = new_plan(api, pat["PatNum"])
    assert get(api, "treatplans?PatNum=%d&TPStatus=Inactive"
               % pat["PatNum"]) == [a, b]
    assert get(api, "treatplans?PatNum=%d&TPStatus=Saved"
               % pat["PatNum"]) == []
    assert get(api, "treatplans?PatNum=%d&Offset=1&Limit=1"
               % pat["PatNum"]) == [b]
    assert get(api, "treatplans?PatNum=%d&SecDateTEdit=2000-01-01%%2000:00:00"
               % pat["PatNum"]) == [a, b]
    assert get(api, "treatplans?PatNum=%d&SecDateTEdit=2999-01-01%%2000:00:00"
               % pat["PatNum"]) == []
    assert err(api, "GET", "treatplans?TPStatus=Nope")[0] == 400


def test_treatplan_put_partial_and_errors(api):
    pat = new_patient(api)
    other = new_patient(api)
    p = new_plan(api, pat["PatNum"])
    since = mark(api)
    got = put(api, "treatplans/%d" % p["TreatPlanNum"], {
        "Heading": "Renamed", "ResponsParty": other["PatNum"],
        "SignatureText": "Pat Treat", "DateTP": "2024-02-03",
        "TPStatus": "Saved"})
    assert list(got) == PLAN
    changed = {k for k in PLAN if got[k] != p[k]}
    assert changed <= {"Heading", "ResponsParty", "SignatureText", "DateTP",
                       "SecDateTEdit"}
    assert (got["Heading"], got["ResponsParty"], got["SignatureText"],
            got["DateTP"], got["TPStatus"]) == (
        "Renamed", other["PatNum"], "Pat Treat", "2024-02-03", "Inactive")
    assert logs(api, since, PERM_TREATPLAN_EDIT, p["TreatPlanNum"]) in (
        None, [("Updated", pat["PatNum"])])
    url = "treatplans/%d" % p["TreatPlanNum"]
    assert err(api, "PUT", url, {"ResponsParty": 99999999}) == (
        400, "ResponsParty is invalid.")
    assert err(api, "PUT", url, {"Heading": "   "}) == (
        400, "Heading cannot be blank.")
    assert err(api, "PUT", url, {"TPType": "x"}) == (400, "TPType is invalid.")
    assert err(api, "PUT", url, {"isSigned": "false"}) == (
        400, "No fields to update were provided.")
    assert err(api, "PUT", "treatplans/99999999", {"Heading": "x"}) == (
        404, "TreatPlan not found.")
    no_method(api, "GET", "treatplans/%d" % p["TreatPlanNum"])


def test_treatplan_delete_cascades(api):
    pat = new_patient(api)
    p = new_plan(api, pat["PatNum"])
    proc = new_proc(api, pat["PatNum"])
    a = post(api, "treatplanattaches", {"TreatPlanNum": p["TreatPlanNum"],
                                        "ProcNum": proc["ProcNum"]})
    since = mark(api)
    assert err(api, "DELETE", "treatplans/%d" % p["TreatPlanNum"])[0] == 200
    assert get(api, "treatplans?PatNum=%d" % pat["PatNum"]) == []
    assert get(api, "treatplanattaches?TreatPlanNum=%d"
               % p["TreatPlanNum"]) == []
    assert err(api, "PUT", "treatplanattaches/%d" % a["TreatPlanAttachNum"],
               {"Priority": 0}) == (404, "TreatPlanAttach not found.")
    # the procedure itself stays
    assert get(api, "procedurelogs/%d" % proc["ProcNum"])["ProcNum"] == \
        proc["ProcNum"]
    assert logs(api, since, PERM_TREATPLAN_EDIT, p["TreatPlanNum"]) in (
        None, [("Deleted", pat["PatNum"])])
    assert err(api, "DELETE", "treatplans/%d" % p["TreatPlanNum"]) == (
        404, "TreatPlan not found.")


def test_treatplan_active_cannot_be_deleted(api):
    # a seeded patient's active plan (no API call makes a plan Active)
    p = get(api, "treatplans?TPStatus=Active&Limit=1")[0]
    assert err(api, "DELETE", "treatplans/%d" % p["TreatPlanNum"]) == (
        400, "Active TreatPlans cannot be deleted.")
    assert get(api, "treatplans?PatNum=%d&TPStatus=Active"
               % p["PatNum"])[0]["TreatPlanNum"] == p["TreatPlanNum"]


# ---- treatplanattaches ----------------------------------------------------

def test_treatplanattach_post_put_shape_and_log(api):
    pat = new_patient(api)
    p = new_plan(api, pat["PatNum"])
    proc1 = new_proc(api, pat["PatNum"])
    proc2 = new_proc(api, pat["PatNum"])
    prio = priorities(api)
    since = mark(api)
    a = post(api, "treatplanattaches", {"TreatPlanNum": p["TreatPlanNum"],
                                        "ProcNum": proc1["ProcNum"],
                                        "Priority": prio[0]["DefNum"]})
    assert list(a) == ATTACH
    assert (a["TreatPlanNum"], a["ProcNum"], a["Priority"], a["priority"]) == (
        p["TreatPlanNum"], proc1["ProcNum"], prio[0]["DefNum"],
        prio[0]["ItemName"])
    b = post(api, "treatplanattaches", {"TreatPlanNum": p["TreatPlanNum"],
                                        "ProcNum": proc2["ProcNum"]})
    assert (b["Priority"], b["priority"]) == (0, "")
    assert get(api, "treatplanattaches?TreatPlanNum=%d"
               % p["TreatPlanNum"]) == [a, b]
    assert get(api, "treatplanattaches?TreatPlanNum=%d&Offset=1&Limit=1"
               % p["TreatPlanNum"]) == [b]
    got = put(api, "treatplanattaches/%d" % b["TreatPlanAttachNum"],
              {"Priority": prio[1]["DefNum"], "ProcNum": proc1["ProcNum"]})
    assert got == dict(b, Priority=prio[1]["DefNum"],
                       priority=prio[1]["ItemName"])
    assert logs(api, since, PERM_TREATPLAN_EDIT, a["TreatPlanAttachNum"]) in (
        None, [("Created", 0)])
    assert logs(api, since, PERM_TREATPLAN_EDIT, b["TreatPlanAttachNum"]) in (
        None, [("Created", 0), ("Updated", 0)])


def test_treatplanattach_errors(api):
    pat = new_patient(api)
    other = new_patient(api)
    p = new_plan(api, pat["PatNum"])
    proc = new_proc(api, pat["PatNum"])
    t = p["TreatPlanNum"]
    assert err(api, "GET", "treatplanattaches") == (
        400, "TreatPlanNum is required.")
    assert err(api, "POST", "treatplanattaches", {"ProcNum": 1}) == (
        400, "TreatPlanNum is required.")
    assert err(api, "POST", "treatplanattaches", {"TreatPlanNum": t}) == (
        400, "ProcNum is required.")
    assert err(api, "POST", "treatplanattaches",
               {"TreatPlanNum": 99999999, "ProcNum": proc["ProcNum"]}) == (
        404, "TreatPlan not found.")
    assert err(api, "POST", "treatplanattaches",
               {"TreatPlanNum": t, "ProcNum": 99999999}) == (
        404, "Procedure not found.")
    assert err(api, "POST", "treatplanattaches",
               {"TreatPlanNum": t, "ProcNum": proc["ProcNum"],
                "Priority": 99999999}) == (400, "Priority is invalid.")
    foreign = new_proc(api, other["PatNum"])
    assert err(api, "POST", "treatplanattaches",
               {"TreatPlanNum": t, "ProcNum": foreign["ProcNum"]}) == (
        400, "The procedure is not for this TreatPlan's patient.")
    done = new_proc(api, pat["PatNum"], status="C")
    assert err(api, "POST", "treatplanattaches",
               {"TreatPlanNum": t, "ProcNum": done["ProcNum"]}) == (
        400, "The procedure must have a ProcStatus of TP or TPi.")
    a = post(api, "treatplanattaches", {"TreatPlanNum": t,
                                        "ProcNum": proc["ProcNum"]})
    assert err(api, "POST", "treatplanattaches",
               {"TreatPlanNum": t, "ProcNum": proc["ProcNum"]}) == (
        400, "The procedure is already attached to this TreatPlan.")
    assert err(api, "PUT", "treatplanattaches/%d" % a["TreatPlanAttachNum"],
               {"Priority": 99999999}) == (400, "Priority is invalid.")
    assert err(api, "PUT", "treatplanattaches/99999999", {"Priority": 0}) == (
        404, "TreatPlanAttach not found.")
    no_method(api, "DELETE", "treatplanattaches/%d" % a["TreatPlanAttachNum"])


def test_treatplanattach_saved_plan_refused(api):
    # a seeded patient's saved plan (no API call saves a plan), and a new
    # procedure of that patient
    p = get(api, "treatplans?TPStatus=Saved&Limit=1")[0]
    proc = new_proc(api, p["PatNum"])
    assert err(api, "POST", "treatplanattaches",
               {"TreatPlanNum": p["TreatPlanNum"],
                "ProcNum": proc["ProcNum"]}) == (
        400, "Procedures can only be attached to an Active or Inactive "
             "TreatPlan.")
    assert proc["ProcNum"] not in [
        a["ProcNum"] for a in get(api, "treatplanattaches?TreatPlanNum=%d"
                                  % p["TreatPlanNum"])]


# ---- proctps --------------------------------------------------------------

def saved_plan_with_proctps(api):
    """A Saved plan with two proctp rows (SQL: no API makes them)."""
    pat = new_patient(api)
    p = new_plan(api, pat["PatNum"])
    t = p["TreatPlanNum"]
    db(api, "UPDATE treatplan SET TPStatus = 0 WHERE TreatPlanNum = %d" % t)
    for order, code in ((1, "D0140"), (0, "D2393")):
        db(api, "INSERT INTO proctp (TreatPlanNum, PatNum, ProcNumOrig, "
                "ItemOrder, ToothNumTP, Surf, ProcCode, Descript, FeeAmt, "
                "PriInsAmt, PatAmt, ProcAbbr, SecDateEntry, DateTP, "
                "CatPercUCR) VALUES (%d, %d, 0, %d, '13', 'MOD', '%s', "
                "'desc', 204, 80, 70, 'C3', CURDATE(), CURDATE(), 204)"
                % (t, pat["PatNum"], order, code))
    return pat, t


def test_proctp_list_shape_order_and_paging(api):
    server_only(api)
    pat, t = saved_plan_with_proctps(api)
    rows = get(api, "proctps?TreatPlanNum=%d" % t)
    assert [r["ProcCode"] for r in rows] == ["D2393", "D0140"]
    assert all(list(r) == PROCTP for r in rows)
    r = rows[0]
    assert (r["PatNum"], r["ItemOrder"], r["Priority"], r["priority"],
            r["ToothNumTP"], r["Surf"], r["FeeAmt"], r["PriInsAmt"],
            r["PatAmt"], r["CatPercUCR"]) == (
        pat["PatNum"], 0, 0, "", "13", "MOD", 204, 80, 70, 204)
    assert DATE.match(r["SecDateEntry"]) and DATETIME.match(r["SecDateTEdit"])
    assert get(api, "proctps?TreatPlanNum=%d&Offset=1&Limit=1" % t) == rows[1:]


def test_proctp_put_delete_and_log(api):
    server_only(api)
    pat, t = saved_plan_with_proctps(api)
    rows = get(api, "proctps?TreatPlanNum=%d" % t)
    n = rows[0]["ProcTPNum"]
    prio = priorities(api)[0]
    since = mark(api)
    got = put(api, "proctps/%d" % n, {"Priority": prio["DefNum"],
                                      "Descript": EVIL, "FeeAmt": 150.5,
                                      "TreatPlanNum": 1, "TaxAmt": 9})
    assert list(got) == PROCTP
    changed = {k for k in PROCTP if got[k] != rows[0][k]}
    assert changed <= {"Priority", "priority", "Descript", "FeeAmt",
                       "SecDateTEdit"}
    assert (got["Priority"], got["priority"], got["Descript"],
            got["FeeAmt"]) == (prio["DefNum"], prio["ItemName"], EVIL, 150.5)
    assert err(api, "PUT", "proctps/%d" % n, {"Priority": 99999999}) == (
        400, "Priority is invalid.")
    assert err(api, "PUT", "proctps/%d" % n, {"ProcCode": "x" * 16}) == (
        400, "ProcCode is too long.")
    assert err(api, "DELETE", "proctps/%d" % n)[0] == 200
    assert [r["ProcTPNum"] for r in get(api, "proctps?TreatPlanNum=%d" % t)] \
        == [rows[1]["ProcTPNum"]]
    assert logs(api, since, PERM_TREATPLAN_EDIT, n) == [
        ("Updated", pat["PatNum"]), ("Deleted", pat["PatNum"])]
    assert err(api, "DELETE", "proctps/%d" % n) == (404, "ProcTP not found.")
    # deleting the plan removes its proctps
    assert err(api, "DELETE", "treatplans/%d" % t)[0] == 200
    assert db(api, "SELECT COUNT(*) FROM proctp WHERE TreatPlanNum = %d"
              % t) == [["0"]]


def test_proctp_signed_plan_is_frozen(api):
    # a saved plan the seeded patient signed (no API call signs one)
    t = next(p["TreatPlanNum"] for p in get(api, "treatplans?TPStatus=Saved")
             if p["isSigned"] == "true" and get(
                 api, "proctps?TreatPlanNum=%d" % p["TreatPlanNum"]))
    rows = get(api, "proctps?TreatPlanNum=%d" % t)
    n = rows[0]["ProcTPNum"]
    assert err(api, "PUT", "proctps/%d" % n, {"Descript": "x"}) == (
        400, "ProcTPs on a signed TreatPlan cannot be updated.")
    assert err(api, "DELETE", "proctps/%d" % n) == (
        400, "ProcTPs on a signed TreatPlan cannot be deleted.")
    assert get(api, "proctps?TreatPlanNum=%d" % t) == rows


def test_proctp_errors_both_backends(api):
    assert err(api, "GET", "proctps") == (400, "TreatPlanNum is required.")
    assert get(api, "proctps?TreatPlanNum=99999999") == []
    assert err(api, "PUT", "proctps/99999999", {"Descript": "x"}) == (
        404, "ProcTP not found.")
    assert err(api, "DELETE", "proctps/99999999") == (
        404, "ProcTP not found.")
    no_method(api, "POST", "proctps", {"TreatPlanNum": 1})
