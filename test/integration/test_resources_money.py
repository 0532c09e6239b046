"""payments and paysplits (issue "Resources I"), through HTTP against the
seeded test database and the embedded sandbox."""
import re
import urllib.parse

import pytest

from conftest import mysql

PAY_FIELDS = [
    "PayNum", "PayType", "payType", "PayDate", "PayAmt", "CheckNum",
    "BankBranch", "PayNote", "PatNum", "ClinicNum", "DateEntry", "DepositNum",
    "Receipt", "IsRecurringCC", "SecUserNumEntry", "SecDateTEdit",
    "PaymentSource", "ProcessStatus", "RecurringChargeDate", "IsCcCompleted"]

SPLIT_FIELDS = [
    "SplitNum", "SplitAmt", "PatNum", "PayNum", "ProvNum", "PayPlanNum",
    "DatePay", "ProcNum", "DateEntry", "UnearnedType", "unearnedType",
    "ClinicNum", "SecDateTEdit", "AdjNum", "PayPlanChargeNum",
    "PayPlanDebitType"]

DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
EVIL = "'; DROP TABLE patient; --"


def db_rows(api, sql):
    if api.backend != "server":
        return None
    return mysql(sql, db=api.db_name)


def new_patient(api):
    status, obj, _ = api.request("POST", "patients",
                                 {"LName": "Paytest", "FName": "Pat"})
    assert status == 201, obj
    return obj


def pref(api, name):
    _, rows, _ = api.request("GET", "preferences?PrefName=" + name)
    return rows[0]["ValueString"]


def new_payment(api, pat, **extra):
    body = {"PayAmt": "50.25", "PatNum": pat}
    body.update(extra)
    status, obj, r = api.request("POST", "payments", body)
    assert status == 201, obj
    return obj, r


def payments_of(api, pat):
    status, rows, _ = api.request("GET", "payments?PatNum=%d" % pat)
    assert status == 200
    return rows


def check_pay_types(p):
    assert isinstance(p["PayNum"], int) and isinstance(p["PayType"], int)
    assert re.match(r"^-?\d+(\.\d+)?$", p["PayAmt"]), p["PayAmt"]
    assert re.match(r"^\d+$", p["ClinicNum"])          # a string: "0"
    for k in ("PayDate", "DateEntry", "RecurringChargeDate"):
        assert DATE.match(p[k]), k
    assert DATETIME.match(p["SecDateTEdit"])
    for k in ("IsRecurringCC", "IsCcCompleted"):
        assert p[k] in ("true", "false")
    assert p["ProcessStatus"] in ("OfficeProcessed", "OnlineProcessed",
                                  "OnlinePending")


# ---- payments -----------------------------------------------------------------

def test_payments_list_shape_and_paging(api):
    status, rows, r = api.request("GET", "payments?Limit=4")
    assert status == 200 and len(rows) == 4
    assert r.getheader("Content-Type") == "application/json"
    for p in rows:
        assert list(p.keys()) == PAY_FIELDS + ["serverDateTime"]
        check_pay_types(p)
    nxt = api.request("GET", "payments?Limit=4&Offset=4")[1]
    nums = [p["PayNum"] for p in rows + nxt]
    assert nums == sorted(nums) and len(set(nums)) == 8


def test_payments_filters(api):
    _, rows, _ = api.request("GET", "payments?Limit=20")
    p = rows[0]
    _, got, _ = api.request("GET", "payments?PatNum=%d" % p["PatNum"])
    assert got and all(x["PatNum"] == p["PatNum"] for x in got)
    _, got, _ = api.request("GET", "payments?PayType=%d&Limit=50"
                            % p["PayType"])
    assert got and all(x["PayType"] == p["PayType"] for x in got)
    _, got, _ = api.request("GET", "payments?DateEntry=%s&Limit=50"
                            % p["DateEntry"])
    assert got and all(x["DateEntry"] >= p["DateEntry"] for x in got)
    assert api.request("GET", "payments?DateEntry=2999-01-01")[:2] == (200, [])
    assert api.request("GET", "payments?DateEntry=01/01/2024")[:2] == (
        400, "DateEntry format must be yyyy-MM-dd")
    assert api.request("GET", "payments?PatNum=" +
                       urllib.parse.quote(EVIL))[:2] == (
        400, "PatNum is invalid.")
    assert api.request("GET", "payments/1")[0] == 400   # no GET one


def test_payment_post_defaults_split_and_log(api):
    pat = new_patient(api)
    p, r = new_payment(api, pat["PatNum"])
    assert list(p.keys()) == PAY_FIELDS
    check_pay_types(p)
    today = api.request("GET", "payments?Limit=1")[1][0]["serverDateTime"][:10]
    assert (p["PayAmt"], p["PatNum"], p["PayDate"], p["DateEntry"]) == (
        "50.25", pat["PatNum"], today, today)
    assert p["PayType"] == int(pref(api, "ApiPaymentType"))
    assert (p["PaymentSource"], p["ProcessStatus"], p["ClinicNum"]) == (
        "API", "OfficeProcessed", "0")
    assert r.getheader("Location").endswith("/api/v1/payments/%d"
                                            % p["PayNum"])
    listed = payments_of(api, pat["PatNum"])
    assert len(listed) == 1
    del listed[0]["serverDateTime"]
    assert listed[0] == p
    _, splits, _ = api.request("GET", "paysplits?PayNum=%d" % p["PayNum"])
    assert len(splits) == 1
    s = splits[0]
    assert list(s.keys()) == SPLIT_FIELDS
    # a patient who owes nothing: the whole payment is unearned income, to
    # no provider (Open Dental's auto-split; test_ledger.py has the rest)
    assert (s["SplitAmt"], s["PatNum"], s["ProvNum"], s["ProcNum"],
            s["DatePay"], s["UnearnedType"], s["unearnedType"]) == (
        50.25, pat["PatNum"], 0, 0, today,
        int(pref(api, "PrepaymentUnearnedType")), "Prepayment")
    rows = db_rows(api, "SELECT PermType, LogText, PatNum FROM securitylog "
                        "WHERE FKey = %d AND PermType = 15" % p["PayNum"])
    if rows is not None:
        assert rows == [["15", "Created by Sandbox Developer through API.",
                         str(pat["PatNum"])]]


def test_payment_post_given_values(api):
    pat = new_patient(api)
    types = api.request("GET", "definitions?Category=10")[1]
    p, _ = new_payment(api, pat["PatNum"], PayAmt=-129.99,
                       PayType=types[0]["DefNum"], PayDate="2024-03-04",
                       CheckNum="1001", PayNote="x" + EVIL, BankBranch="19-7")
    assert (p["PayAmt"], p["PayType"], p["payType"], p["PayDate"],
            p["CheckNum"], p["PayNote"], p["BankBranch"]) == (
        "-129.99", types[0]["DefNum"], types[0]["ItemName"], "2024-03-04",
        "1001", "x" + EVIL, "19-7")


def test_payment_round_trip_put_changes_only_given_fields(api):
    pat = new_patient(api)
    p, _ = new_payment(api, pat["PatNum"])
    types = api.request("GET", "definitions?Category=10")[1]
    newtype = next(t for t in types if t["DefNum"] != p["PayType"])
    url = "payments/%d" % p["PayNum"]
    status, put, _ = api.request("PUT", url, {
        "PayType": newtype["DefNum"], "CheckNum": "77", "PayNote": EVIL,
        "ProcessStatus": "OnlinePending", "PayAmt": "1000", "PatNum": 1})
    assert status == 200, put
    assert list(put.keys()) == PAY_FIELDS
    got = payments_of(api, pat["PatNum"])[0]
    changed = {k for k in PAY_FIELDS if got[k] != p[k]}
    assert changed - {"SecDateTEdit"} == {"PayType", "payType", "CheckNum",
                                          "PayNote", "ProcessStatus"}
    assert (got["PayAmt"], got["PatNum"]) == ("50.25", pat["PatNum"])
    assert (got["PayNote"], got["ProcessStatus"]) == (EVIL, "OnlinePending")
    rows = db_rows(api, "SELECT LogText FROM securitylog WHERE FKey = %d AND "
                        "PermType = 16" % p["PayNum"])
    if rows is not None:
        assert rows == [["Updated by Sandbox Developer through API."]]


@pytest.mark.parametrize("body,msg", [
    ({"ProcessStatus": "OfficeProcessed"},
     "ProcessStatus must be OnlineProcessed or OnlinePending."),
    ({"ProcessStatus": "Done"}, "ProcessStatus is invalid."),
    ({"ProcessStatus": 1}, "ProcessStatus is invalid."),
    ({"PayType": 1}, "PayType is invalid."),
    ({"PayType": EVIL}, "PayType is invalid."),
    ({"CheckNum": "x" * 26}, "CheckNum is too long."),
    ({"PayAmt": "5"}, "No fields to update were provided."),
    ({}, "No fields to update were provided."),
])
def test_payment_put_validation(api, body, msg):
    pat = new_patient(api)
    p, _ = new_payment(api, pat["PatNum"])
    assert api.request("PUT", "payments/%d" % p["PayNum"], body)[:2] == (
        400, msg)
    got = payments_of(api, pat["PatNum"])[0]
    del got["serverDateTime"]
    assert got == p


def test_payment_put_missing_is_404(api):
    assert api.request("PUT", "payments/99999999", {"CheckNum": "1"})[:2] == (
        404, "Payment not found.")
    assert api.request("PUT", "payments/abc", {"CheckNum": "1"})[:2] == (
        400, "payments PUT abc is not a valid method.")


@pytest.mark.parametrize("extra,msg", [
    ({"PayAmt": None}, "PayAmt is required."),
    ({"PayAmt": "abc"}, "PayAmt is invalid."),
    ({"PayAmt": EVIL}, "PayAmt is invalid."),
    ({"PayAmt": [5]}, "PayAmt is invalid."),
    ({"PayAmt": "1e400"}, "PayAmt is invalid."),
    ({"PayType": 99999}, "PayType is invalid."),
    ({"PayDate": "2024-02-30"}, "PayDate format must be yyyy-MM-dd."),
    # the column's own limit (TEXT: 65535 bytes); the API documents none
    ({"PayNote": "x" * 65536}, "PayNote is too long."),
    ({"ClinicNum": 987654}, "ClinicNum is invalid."),
])
def test_payment_post_validation(api, extra, msg):
    pat = new_patient(api)
    body = {"PayAmt": "5", "PatNum": pat["PatNum"]}
    body.update(extra)
    body = {k: v for k, v in body.items() if v is not None}
    assert api.request("POST", "payments", body)[:2] == (400, msg)
    assert payments_of(api, pat["PatNum"]) == []


def test_payment_post_patient(api):
    assert api.request("POST", "payments", {"PayAmt": "5"})[:2] == (
        400, "PatNum is required.")
    assert api.request("POST", "payments",
                       {"PayAmt": "5", "PatNum": 987654321})[:2] == (
        404, "Patient not found.")
    assert api.request("POST", "payments", "not json")[:2] == (
        400, "The request body is not valid JSON.")
    rows = db_rows(api, "SELECT COUNT(*) FROM payment WHERE PatNum = 987654321")
    if rows is not None:
        assert rows == [["0"]]


# ---- paysplits ----------------------------------------------------------------

def test_paysplits_list_and_filters(api):
    status, rows, _ = api.request("GET", "paysplits?Limit=30")
    assert status == 200 and len(rows) == 30
    for s in rows:
        assert list(s.keys()) == SPLIT_FIELDS
        assert isinstance(s["SplitAmt"], float)
        assert DATE.match(s["DatePay"]) and DATETIME.match(s["SecDateTEdit"])
        assert s["PayPlanDebitType"] in ("Unknown", "Principal", "Interest")
    s = next(x for x in rows if x["ProcNum"])
    for param in ("PayNum", "PatNum", "ProcNum"):
        _, got, _ = api.request("GET", "paysplits?%s=%d" % (param, s[param]))
        assert got and all(x[param] == s[param] for x in got)
    assert api.request("GET", "paysplits?ProcNum=x")[:2] == (
        400, "ProcNum is invalid.")
    nxt = api.request("GET", "paysplits?Limit=30&Offset=30")[1]
    assert not {x["SplitNum"] for x in nxt} & {x["SplitNum"] for x in rows}


def test_paysplit_put_round_trip(api):
    pat = new_patient(api)
    p, _ = new_payment(api, pat["PatNum"])
    s = api.request("GET", "paysplits?PayNum=%d" % p["PayNum"])[1][0]
    other = 3 if s["ProvNum"] != 3 else 1
    url = "paysplits/%d" % s["SplitNum"]
    status, put, _ = api.request("PUT", url, {"ProvNum": other,
                                              "SplitAmt": 1, "PatNum": 1})
    assert status == 200, put
    assert list(put.keys()) == SPLIT_FIELDS
    got = api.request("GET", "paysplits?PayNum=%d" % p["PayNum"])[1][0]
    changed = {k for k in SPLIT_FIELDS if got[k] != s[k]}
    assert changed - {"SecDateTEdit"} == {"ProvNum"}
    assert got["ProvNum"] == other
    rows = db_rows(api, "SELECT LogText FROM securitylog WHERE FKey = %d "
                        "AND PermType = 16 AND LogDateTime >= NOW() - "
                        "INTERVAL 1 HOUR" % s["SplitNum"])
    if rows is not None:
        assert ["Updated by Sandbox Developer through API."] in rows


@pytest.mark.parametrize("body,status,msg", [
    ({"ProvNum": 987654}, 400, "ProvNum is invalid."),
    ({"ProvNum": EVIL}, 400, "ProvNum is invalid."),
    ({"ClinicNum": 987654}, 400, "ClinicNum is invalid."),
    ({"SplitAmt": 5}, 400, "No fields to update were provided."),
])
def test_paysplit_put_validation(api, body, status, msg):
    s = api.request("GET", "paysplits?Limit=1")[1][0]
    assert api.request("PUT", "paysplits/%d" % s["SplitNum"], body)[:2] == (
        status, msg)
    assert api.request("GET", "paysplits?Limit=1")[1][0] == s


def test_paysplit_put_missing(api):
    assert api.request("PUT", "paysplits/99999999", {"ProvNum": 1})[:2] == (
        404, "PaySplit not found.")
    assert api.request("POST", "paysplits", {"ProvNum": 1})[0] == 400
