"""adjustments, statements, payplancharges and payplans (lib/actions/payplans.c),
through HTTP against the seeded test database and the embedded sandbox.
Payment plans and their charges have no API to create them here (POST
/payplans is 410, POST Dynamic is not served), so the tests that need rows
insert them with SQL on the server backend and skip on the embedded one."""
import re
import urllib.parse

import pytest

from conftest import DEMO_AUTH
from conftest import SQL_ONLY, db, db_lacks

DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
EVIL = "'; DROP TABLE patient; --"

ADJ = ["AdjNum", "AdjDate", "AdjAmt", "PatNum", "AdjType", "adjType",
       "ProvNum", "AdjNote", "ProcDate", "ProcNum", "DateEntry", "ClinicNum",
       "SecUserNumEntry", "SecDateTEdit"]
STMT = ["StatementNum", "PatNum", "DateSent", "DateRangeFrom", "DateRangeTo",
        "Note", "NoteBold", "Mode_", "HidePayment", "SinglePatient",
        "Intermingled", "IsSent", "DocNum", "DateTStamp", "IsReceipt",
        "IsInvoice", "IsInvoiceCopy", "SuperFamily", "IsBalValid", "InsEst",
        "BalTotal", "StatementType"]
CHARGE = ["PayPlanChargeNum", "PayPlanNum", "Guarantor", "PatNum",
          "ChargeDate", "Principal", "Interest", "Note", "ProvNum",
          "ClinicNum", "ChargeType", "ProcNum", "SecDateTEntry",
          "SecDateTEdit", "StatementNum", "FKey", "LinkType", "IsOffset"]
PLAN = ["PayPlanNum", "PatNum", "Guarantor", "PayPlanDate", "APR", "Note",
        "PlanNum", "CompletedAmt", "InsSubNum", "PaySchedule",
        "NumberOfPayments", "PayAmt", "DownPayment", "IsClosed",
        "PlanCategory", "planCategory", "IsDynamic", "ChargeFrequency",
        "DatePayPlanStart", "IsLocked", "DateInterestStart",
        "DynamicPayPlanTPOption", "principalAmount", "SheetDefNum"]


def plan_keys(api):
    """PLAN less what this database's Open Dental version lacks
    (payplan.SheetDefNum came after 24.3)."""
    lacks = db_lacks(api, "payplan", "SheetDefNum")
    return [k for k in PLAN if k not in lacks]

PERM_ADJ_CREATE, PERM_ADJ_EDIT, PERM_BILLING, PERM_PAYPLAN_EDIT = (
    17, 18, 62, 149)


def need_server(api):
    if api.backend != "server":
        pytest.skip(SQL_ONLY)


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


def today(api):
    return api.request("GET", "payments?Limit=1")[1][0]["serverDateTime"][:10]


def new_patient(api):
    status, obj, _ = api.request("POST", "patients",
                                 {"LName": "Plantest", "FName": "Pat"})
    assert status == 201, obj
    return obj


def adj_types(api):
    defs = api.request("GET", "definitions?Category=1")[1]
    plus = [d for d in defs if d["ItemValue"] == "+"]
    minus = [d for d in defs if d["ItemValue"] == "-"]
    assert plus and minus
    return plus[0], minus[0]


def new_adj(api, pat, **extra):
    _, minus = adj_types(api)
    body = {"PatNum": pat["PatNum"], "AdjType": minus["DefNum"],
            "AdjAmt": -25.5, "AdjDate": "2024-02-03"}
    body.update(extra)
    status, obj, r = api.request("POST", "adjustments", body)
    assert status == 201, obj
    return obj, r


# ---- adjustments --------------------------------------------------------------

def test_adjustment_post_defaults_location_round_trip_and_log(api):
    pat = new_patient(api)
    _, minus = adj_types(api)
    since = mark(api)
    a, r = new_adj(api, pat, AdjNote="x" + EVIL)
    assert list(a.keys()) == ADJ
    assert r.getheader("Location").endswith("/api/v1/adjustments/%d"
                                            % a["AdjNum"])
    day = today(api)
    assert (a["AdjDate"], a["AdjAmt"], a["PatNum"], a["AdjType"],
            a["adjType"], a["AdjNote"]) == (
        "2024-02-03", -25.5, pat["PatNum"], minus["DefNum"],
        minus["ItemName"], "x" + EVIL)
    # defaults: the patient's provider and clinic, today as ProcDate
    assert (a["ProvNum"], a["ClinicNum"], a["ProcNum"], a["ProcDate"],
            a["DateEntry"]) == (pat["PriProv"], pat["ClinicNum"], 0, day, day)
    assert isinstance(a["ClinicNum"], int)
    assert DATETIME.match(a["SecDateTEdit"])
    status, rows, _ = api.request("GET", "adjustments?PatNum=%d"
                                  % pat["PatNum"])
    assert status == 200 and rows == [a]
    assert logs(api, since, PERM_ADJ_CREATE, a["AdjNum"]) in (
        None, [("Created", pat["PatNum"])])


def test_adjustment_amount_is_a_number(api):
    pat = new_patient(api)
    plus, _ = adj_types(api)
    a, _ = new_adj(api, pat, AdjType=plus["DefNum"], AdjAmt="50")
    assert a["AdjAmt"] == 50.0 and isinstance(a["AdjAmt"], float)
    c = api.conn()
    c.request("GET", "/api/v1/adjustments?PatNum=%d" % pat["PatNum"],
              headers={"Authorization": DEMO_AUTH})
    raw = c.getresponse().read()
    c.close()
    assert b'"AdjAmt":50.0,' in raw.replace(b" ", b"")


def test_adjustment_attached_to_procedure_takes_its_date(api):
    status, procs, _ = api.request("GET", "procedurelogs?Limit=50")
    proc = next(p for p in procs if p["ProcDate"] != "0001-01-01")
    pat = api.request("GET", "patients/%d" % proc["PatNum"])[1]
    # the seeded practice's own (a savings plan's discount, ...)
    seeded = [x["AdjNum"] for x in api.request(
        "GET", "adjustments?PatNum=%d&ProcNum=%d"
        % (pat["PatNum"], proc["ProcNum"]))[1]]
    a, _ = new_adj(api, pat, ProcNum=proc["ProcNum"])
    assert (a["ProcNum"], a["ProcDate"]) == (proc["ProcNum"],
                                             proc["ProcDate"])
    b, _ = new_adj(api, pat, ProcNum=proc["ProcNum"], ProcDate="2020-01-02")
    assert b["ProcDate"] == "2020-01-02"
    _, rows, _ = api.request("GET", "adjustments?PatNum=%d&ProcNum=%d"
                             % (pat["PatNum"], proc["ProcNum"]))
    assert [x["AdjNum"] for x in rows] == seeded + [a["AdjNum"], b["AdjNum"]]


def test_adjustment_list_filters_and_paging(api):
    pat = new_patient(api)
    plus, minus = adj_types(api)
    made = [new_adj(api, pat)[0] for _ in range(3)]
    made.append(new_adj(api, pat, AdjType=plus["DefNum"], AdjAmt=10)[0])
    url = "adjustments?PatNum=%d" % pat["PatNum"]
    _, rows, _ = api.request("GET", url)
    assert [x["AdjNum"] for x in rows] == [x["AdjNum"] for x in made]
    assert api.request("GET", url + "&Limit=2&Offset=1")[1] == rows[1:3]
    _, got, _ = api.request("GET", url + "&AdjType=%d" % plus["DefNum"])
    assert [x["AdjNum"] for x in got] == [made[3]["AdjNum"]]
    assert api.request("GET", url + "&AdjType=%d" % minus["DefNum"])[1] == \
        rows[:3]
    assert api.request("GET", url + "&ProcNum=1")[:2] == (200, [])
    assert api.request("GET", "adjustments")[:2] == (400,
                                                     "PatNum is required.")
    assert api.request("GET", "adjustments?PatNum=" +
                       urllib.parse.quote(EVIL))[:2] == (
        400, "PatNum is invalid.")
    assert api.request("GET", "adjustments?PatNum=99999999")[:2] == (200, [])


def future():
    return "2999-01-01"


@pytest.mark.parametrize("body,status,msg", [
    ({"PatNum": None}, 400, "PatNum is required."),
    ({"AdjType": None}, 400, "AdjType is required."),
    ({"AdjAmt": None}, 400, "AdjAmt is required."),
    ({"AdjDate": None}, 400, "AdjDate is required."),
    ({"PatNum": 99999999}, 404, "Patient not found."),
    ({"AdjType": 99999999}, 400, "AdjType is invalid."),
    ({"AdjType": "Discount"}, 400, "AdjType is invalid."),
    ({"AdjAmt": "abc"}, 400, "AdjAmt is invalid."),
    ({"AdjAmt": 5}, 400, "AdjAmt must be negative for this AdjType."),
    ({"AdjDate": "02/03/2024"}, 400, "AdjDate format must be yyyy-MM-dd."),
    ({"AdjDate": future()}, 400, "AdjDate cannot be a future date."),
    ({"ProvNum": 99999999}, 400, "ProvNum is invalid."),
    ({"ClinicNum": 99999999}, 400, "ClinicNum is invalid."),
    ({"ProcNum": 99999999}, 400, "ProcNum is invalid."),
    ({"ProcDate": "x"}, 400, "ProcDate format must be yyyy-MM-dd."),
])
def test_adjustment_post_errors(api, body, status, msg):
    pat = new_patient(api)
    _, minus = adj_types(api)
    full = {"PatNum": pat["PatNum"], "AdjType": minus["DefNum"],
            "AdjAmt": -1, "AdjDate": "2024-01-01"}
    for k, v in body.items():
        if v is None:
            del full[k]
        else:
            full[k] = v
    assert api.request("POST", "adjustments", full)[:2] == (status, msg)
    assert api.request("GET", "adjustments?PatNum=%d"
                       % pat["PatNum"])[1] == []


def test_adjustment_sign_must_follow_type(api):
    pat = new_patient(api)
    plus, _ = adj_types(api)
    assert api.request("POST", "adjustments", {
        "PatNum": pat["PatNum"], "AdjType": plus["DefNum"], "AdjAmt": -3,
        "AdjDate": "2024-01-01"})[:2] == (
        400, "AdjAmt must be positive for this AdjType.")


def test_adjustment_procedure_of_another_patient(api):
    _, procs, _ = api.request("GET", "procedurelogs?Limit=1")
    pat = new_patient(api)
    assert procs[0]["PatNum"] != pat["PatNum"]
    _, minus = adj_types(api)
    assert api.request("POST", "adjustments", {
        "PatNum": pat["PatNum"], "AdjType": minus["DefNum"], "AdjAmt": -3,
        "AdjDate": "2024-01-01", "ProcNum": procs[0]["ProcNum"]})[:2] == (
        400, "The procedure is not for this patient.")
    a, _ = new_adj(api, pat)
    assert api.request("PUT", "adjustments/%d" % a["AdjNum"],
                       {"ProcNum": procs[0]["ProcNum"]})[:2] == (
        400, "The procedure is not for this patient.")


def test_adjustment_put_changes_only_given_fields(api):
    pat = new_patient(api)
    a, _ = new_adj(api, pat)
    since = mark(api)
    url = "adjustments/%d" % a["AdjNum"]
    status, put, _ = api.request("PUT", url, {
        "AdjAmt": -99.25, "AdjNote": EVIL, "AdjDate": "2023-12-31",
        "PatNum": 1, "ProcDate": "2001-01-01", "adjType": "x"})
    assert status == 200, put
    assert list(put.keys()) == ADJ
    got = api.request("GET", "adjustments?PatNum=%d" % pat["PatNum"])[1][0]
    assert got == put
    changed = {k for k in ADJ if got[k] != a[k]}
    assert changed - {"SecDateTEdit"} == {"AdjAmt", "AdjNote", "AdjDate"}
    assert (got["AdjAmt"], got["AdjNote"], got["AdjDate"]) == (
        -99.25, EVIL, "2023-12-31")
    assert logs(api, since, PERM_ADJ_EDIT, a["AdjNum"]) in (
        None, [("Updated", pat["PatNum"])])


def test_adjustment_put_type_and_sign_together(api):
    pat = new_patient(api)
    plus, minus = adj_types(api)
    a, _ = new_adj(api, pat)                    # a "-" type, -25.5
    url = "adjustments/%d" % a["AdjNum"]
    # the stored amount is negative: a "+" type alone is refused
    assert api.request("PUT", url, {"AdjType": plus["DefNum"]})[:2] == (
        400, "AdjAmt must be positive for this AdjType.")
    assert api.request("PUT", url, {"AdjAmt": 4})[:2] == (
        400, "AdjAmt must be negative for this AdjType.")
    status, put, _ = api.request("PUT", url, {"AdjType": plus["DefNum"],
                                              "AdjAmt": 4})
    assert status == 200, put
    assert (put["AdjType"], put["adjType"], put["AdjAmt"]) == (
        plus["DefNum"], plus["ItemName"], 4.0)


@pytest.mark.parametrize("body,msg", [
    ({}, "No fields to update were provided."),
    ({"PatNum": 5}, "No fields to update were provided."),
    ({"ProcDate": "2020-01-01"}, "No fields to update were provided."),
    ({"AdjDate": "2999-01-01"}, "AdjDate cannot be a future date."),
    ({"AdjType": 99999999}, "AdjType is invalid."),
    ({"ProvNum": 99999999}, "ProvNum is invalid."),
    ({"AdjAmt": "x"}, "AdjAmt is invalid."),
])
def test_adjustment_put_errors(api, body, msg):
    pat = new_patient(api)
    a, _ = new_adj(api, pat)
    assert api.request("PUT", "adjustments/%d" % a["AdjNum"], body)[:2] == (
        400, msg)
    assert api.request("GET", "adjustments?PatNum=%d"
                       % pat["PatNum"])[1] == [a]


def test_adjustment_put_missing_and_no_get_one_or_delete(api):
    assert api.request("PUT", "adjustments/99999999", {"AdjNote": "x"})[:2] \
        == (404, "Adjustment not found.")
    assert api.request("PUT", "adjustments/abc", {"AdjNote": "x"})[0] == 400
    assert api.request("GET", "adjustments/1")[0] in (400, 404, 405)
    assert api.request("DELETE", "adjustments/1")[0] in (400, 404, 405)


# ---- statements -----------------------------------------------------------------

def test_statement_post_defaults_round_trip_and_log(api):
    pat = new_patient(api)
    since = mark(api)
    status, s, r = api.request("POST", "statements",
                               {"PatNum": pat["PatNum"]})
    assert status == 201, s
    assert list(s.keys()) == STMT
    assert r.getheader("Location").endswith("/api/v1/statements/%d"
                                            % s["StatementNum"])
    day = today(api)
    assert (s["PatNum"], s["DateSent"], s["DateRangeFrom"], s["DateRangeTo"],
            s["Note"], s["Mode_"], s["IsSent"], s["DocNum"],
            s["StatementType"], s["IsBalValid"], s["InsEst"],
            s["BalTotal"]) == (
        pat["PatNum"], day, "0001-01-01", day, "", "Mail", "true", 0,
        "NotSet", "true", 0.0, 0.0)
    assert DATETIME.match(s["DateTStamp"])
    assert api.request("GET", "statements/%d" % s["StatementNum"])[:2] == (
        200, s)
    assert api.request("GET", "statements?PatNum=%d" % pat["PatNum"])[1] == [s]
    assert logs(api, since, PERM_BILLING, s["StatementNum"]) in (
        None, [("Created", pat["PatNum"])])


def test_statement_post_given_values(api):
    pat = new_patient(api)
    status, s, _ = api.request("POST", "statements", {
        "PatNum": pat["PatNum"], "DateSent": "2024-05-06", "Note": EVIL,
        "DocNum": 0, "IsSent": "false", "Mode_": "Email"})
    assert status == 201, s
    assert (s["DateSent"], s["DateRangeTo"], s["Note"], s["IsSent"],
            s["Mode_"]) == ("2024-05-06", "2024-05-06", EVIL, "true", "Mail")


@pytest.mark.parametrize("body,status,msg", [
    ({}, 400, "PatNum is required."),
    ({"PatNum": 99999999}, 404, "Patient not found."),
    ({"PatNum": "x"}, 400, "PatNum is invalid."),
    ({"PatNum": 1, "DateSent": "5/6/2024"}, 400,
     "DateSent format must be yyyy-MM-dd."),
    ({"PatNum": 1, "DocNum": 99999999}, 400, "DocNum is invalid."),
])
def test_statement_post_errors(api, body, status, msg):
    assert api.request("POST", "statements", body)[:2] == (status, msg)


def test_statement_list_paging_missing_and_no_put(api):
    pat = new_patient(api)
    made = [api.request("POST", "statements", {"PatNum": pat["PatNum"]})[1]
            for _ in range(3)]
    _, rows, _ = api.request("GET", "statements?PatNum=%d" % pat["PatNum"])
    assert rows == made
    _, page, _ = api.request("GET", "statements?PatNum=%d&Limit=1&Offset=2"
                             % pat["PatNum"])
    assert page == made[2:]
    _, everything, _ = api.request("GET", "statements?Limit=1000")
    nums = [x["StatementNum"] for x in everything]
    assert nums == sorted(nums) and len(nums) >= 3
    assert api.request("GET", "statements/99999999")[:2] == (
        404, "Statement not found.")
    assert api.request("GET", "statements/abc")[0] == 400
    assert api.request("PUT", "statements/%d" % made[0]["StatementNum"],
                       {"Note": "x"})[0] in (400, 404, 405)


# ---- payment plans -------------------------------------------------------------

def sql_plan(api, pat, dynamic=0, completed=0.0, closed=0, category=0):
    need_server(api)
    db(api, "INSERT INTO payplan (PatNum, Guarantor, PayPlanDate, APR, Note, "
            "CompletedAmt, PaySchedule, NumberOfPayments, PayAmt, DownPayment, "
            "IsClosed, Signature, PlanCategory, IsDynamic, ChargeFrequency, "
            "DatePayPlanStart) VALUES (%d, %d, '2024-01-15', 10, 'terms', %s, "
            "2, 4, 25.5, 0, %d, '', %d, %d, 3, '2024-02-01')"
       % (pat["PatNum"], pat["Guarantor"], completed, closed, category,
          dynamic))
    num = int(db(api, "SELECT MAX(PayPlanNum) FROM payplan")[0][0])
    return num


def sql_charge(api, plan, pat, date, principal, interest=0.0, ctype=0,
               note=""):
    db(api, "INSERT INTO payplancharge (PayPlanNum, Guarantor, PatNum, "
            "ChargeDate, Principal, Interest, Note, ProvNum, ClinicNum, "
            "ChargeType, SecDateTEntry, FKey, LinkType) VALUES (%d, %d, %d, "
            "%s, %s, %s, '%s', 2, 0, %d, NOW(), 7, 2)"
       % (plan, pat["Guarantor"], pat["PatNum"], date, principal, interest,
          note, ctype))


def test_payplans_get_one_and_list_shape(api):
    pat = new_patient(api)
    cats = api.request("GET", "definitions?Category=47")[1]
    num = sql_plan(api, pat, category=cats[0]["DefNum"])
    sql_charge(api, num, pat, "'2024-02-01'", 60)
    sql_charge(api, num, pat, "'2024-03-01'", 40.25)
    sql_charge(api, num, pat, "'2024-01-15'", 90, ctype=1)
    status, p, _ = api.request("GET", "payplans/%d" % num)
    assert status == 200, p
    assert list(p.keys()) == plan_keys(api)
    assert (p["PayPlanNum"], p["PatNum"], p["Guarantor"], p["PayPlanDate"],
            p["APR"], p["Note"], p["PaySchedule"], p["NumberOfPayments"],
            p["PayAmt"], p["IsClosed"], p["PlanCategory"], p["planCategory"],
            p["IsDynamic"], p["ChargeFrequency"], p["DatePayPlanStart"],
            p["IsLocked"], p["DateInterestStart"],
            p["DynamicPayPlanTPOption"], p["principalAmount"]) == (
        num, pat["PatNum"], pat["Guarantor"], "2024-01-15", 10.0, "terms",
        "Weekly", 4, 25.5, "false", cats[0]["DefNum"], cats[0]["ItemName"],
        "false", "Monthly", "2024-02-01", "false", "0001-01-01", "None",
        100.25)
    assert api.request("GET", "payplans?PatNum=%d" % pat["PatNum"])[1] == [p]
    assert api.request("GET", "payplans?Guarantor=%d"
                       % pat["Guarantor"])[1] == [p]


def test_payplans_dynamic_principal_and_filters(api):
    pat = new_patient(api)
    other = new_patient(api)
    a = sql_plan(api, pat, dynamic=1, completed=70)
    b = sql_plan(api, pat)
    c = sql_plan(api, other)
    _, rows, _ = api.request("GET", "payplans?PatNum=%d" % pat["PatNum"])
    assert [x["PayPlanNum"] for x in rows] == [a, b]
    assert (rows[0]["IsDynamic"], rows[0]["principalAmount"],
            rows[1]["principalAmount"]) == ("true", 70.0, 0.0)
    _, rows, _ = api.request("GET", "payplans?Limit=1000")
    nums = [x["PayPlanNum"] for x in rows]
    assert {a, b, c} <= set(nums) and nums == sorted(nums)
    assert api.request("GET", "payplans?Limit=1&Offset=1")[1] == rows[1:2]
    assert api.request("GET", "payplans?PatNum=99999999")[:2] == (200, [])


def test_payplans_errors(api):
    assert api.request("GET", "payplans/99999999")[:2] == (
        404, "PayPlan not found.")
    assert api.request("GET", "payplans/abc")[0] == 400
    assert api.request("GET", "payplans?PatNum=x")[:2] == (
        400, "PatNum is invalid.")
    assert api.request("GET", "payplans?Guarantor=" +
                       urllib.parse.quote(EVIL))[:2] == (
        400, "Guarantor is invalid.")


def test_payplans_post_is_gone(api):
    status, msg, _ = api.request("POST", "payplans", {
        "PatNum": 1, "principalAmount": 100, "PayAmt": 10,
        "NumberOfPayments": 10})
    assert status == 410
    assert msg == ("PayPlans POST (create) is deprecated. Use PayPlans POST "
                   "Dynamic instead.")


def test_payplancharges_list(api):
    pat = new_patient(api)
    num = sql_plan(api, pat)
    sql_charge(api, num, pat, "'2024-03-01'", 40.96, 0.12)
    sql_charge(api, num, pat, "'2024-02-01'", 25, note="Down Payment")
    sql_charge(api, num, pat, "'2024-02-01'", 8.04, ctype=1)
    status, rows, _ = api.request("GET", "payplancharges?PayPlanNum=%d" % num)
    assert status == 200 and len(rows) == 3
    for x in rows:
        assert list(x.keys()) == CHARGE
        assert DATE.match(x["ChargeDate"])
        assert DATETIME.match(x["SecDateTEntry"])
        assert DATETIME.match(x["SecDateTEdit"])
    # by ChargeDate, then key
    assert [(x["ChargeDate"], x["Principal"], x["Interest"], x["Note"],
             x["ChargeType"]) for x in rows] == [
        ("2024-02-01", 25.0, 0.0, "Down Payment", "Debit"),
        ("2024-02-01", 8.04, 0.0, "", "Credit"),
        ("2024-03-01", 40.96, 0.12, "", "Debit")]
    x = rows[0]
    assert (x["PayPlanNum"], x["Guarantor"], x["PatNum"], x["ProvNum"],
            x["ClinicNum"], x["ProcNum"], x["StatementNum"], x["FKey"],
            x["LinkType"], x["IsOffset"]) == (
        num, pat["Guarantor"], pat["PatNum"], 2, 0, 0, 0, 7, "Procedure",
        "false")
    assert api.request("GET", "payplancharges?PayPlanNum=%d&Limit=1&Offset=1"
                       % num)[1] == rows[1:2]


def test_payplancharges_errors(api):
    assert api.request("GET", "payplancharges")[:2] == (
        400, "PayPlanNum is required.")
    assert api.request("GET", "payplancharges?PayPlanNum=x")[:2] == (
        400, "PayPlanNum is invalid.")
    assert api.request("GET", "payplancharges?PayPlanNum=99999999")[:2] == (
        200, [])
    assert api.request("GET", "payplancharges/1")[0] in (400, 404, 405)


def test_payplan_close_static_plan(api):
    pat = new_patient(api)
    num = sql_plan(api, pat)
    sql_charge(api, num, pat, "'2024-02-01'", 30)
    sql_charge(api, num, pat, "CURDATE() + INTERVAL 1 MONTH", 30, 1.5)
    sql_charge(api, num, pat, "CURDATE() + INTERVAL 2 MONTH", 20.5, 1)
    sql_charge(api, num, pat, "'2024-01-15'", 80.5, ctype=1)
    before = api.request("GET", "payplans/%d" % num)[1]
    since = mark(api)
    status, p, _ = api.request("PUT", "payplans/%d/Close" % num)
    assert status == 200, p
    assert list(p.keys()) == plan_keys(api)
    assert p["IsClosed"] == "true"
    assert {k for k in plan_keys(api) if p[k] != before[k]} == {"IsClosed"}
    day = today(api)
    _, rows, _ = api.request("GET", "payplancharges?PayPlanNum=%d" % num)
    assert [(x["ChargeDate"], x["Principal"], x["Interest"], x["Note"],
             x["ChargeType"]) for x in rows] == [
        ("2024-01-15", 80.5, 0.0, "", "Credit"),
        ("2024-02-01", 30.0, 0.0, "", "Debit"),
        (day, 50.5, 0.0, "Close Out Charge", "Debit")]
    assert rows[2]["ProvNum"] == 2
    assert logs(api, since, PERM_PAYPLAN_EDIT, num) == [
        ("Updated", pat["PatNum"])]
    # a closed plan cannot be closed again, and nothing changes
    assert api.request("PUT", "payplans/%d/Close" % num)[:2] == (
        400, "PayPlan is already closed.")
    assert api.request("GET", "payplancharges?PayPlanNum=%d" % num)[1] == rows
    assert logs(api, since, PERM_PAYPLAN_EDIT, num) == [
        ("Updated", pat["PatNum"])]


def test_payplan_close_dynamic_plan_charges_the_rest(api):
    pat = new_patient(api)
    num = sql_plan(api, pat, dynamic=1, completed=100)
    sql_charge(api, num, pat, "'2024-02-01'", 30)
    status, p, _ = api.request("PUT", "payplans/%d/Close" % num, {})
    assert status == 200, p
    assert (p["IsClosed"], p["principalAmount"]) == ("true", 100.0)
    _, rows, _ = api.request("GET", "payplancharges?PayPlanNum=%d" % num)
    assert [(x["Principal"], x["Note"]) for x in rows] == [
        (30.0, ""), (70.0, "Close Out Charge")]
    # nothing left to charge: no close-out row
    pat2 = new_patient(api)
    n2 = sql_plan(api, pat2, dynamic=1, completed=30)
    sql_charge(api, n2, pat2, "'2024-02-01'", 30)
    assert api.request("PUT", "payplans/%d/Close" % n2)[0] == 200
    assert len(api.request("GET", "payplancharges?PayPlanNum=%d"
                           % n2)[1]) == 1


def test_payplan_close_errors(api):
    assert api.request("PUT", "payplans/99999999/Close")[:2] == (
        404, "PayPlan not found.")
    assert api.request("PUT", "payplans/abc/Close")[:2] == (
        400, "payplans PUT Close is not a valid method.")
