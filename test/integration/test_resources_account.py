"""POST /payments/Refund and PUT /payments/{PayNum}/Partial
(lib/actions/account.c), through HTTP against the seeded test database and the
embedded sandbox. Pay plan charges have no API to create them, so the tests
that need one insert it with SQL on the server backend only."""
import pytest

from conftest import db, err, get, put, server_only, uniq

PAY = ["PayNum", "PayType", "payType", "PayDate", "PayAmt", "CheckNum",
       "BankBranch", "PayNote", "PatNum", "ClinicNum", "DateEntry",
       "DepositNum", "Receipt", "IsRecurringCC", "SecUserNumEntry",
       "SecDateTEdit", "PaymentSource", "ProcessStatus",
       "RecurringChargeDate", "IsCcCompleted"]
PERM_PAYMENT_CREATE, PERM_PAYMENT_EDIT = 15, 16


def today(api):
    return get(api, "payments?Limit=1")[0]["serverDateTime"][:10]


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
    assert all(r[0].endswith(" through API.") and r[1] == "23"
               for r in rows), rows
    return [(r[0].split(" by ")[0], int(r[2])) for r in rows]


def new_patient(api, **extra):
    body = {"LName": uniq("Acct"), "FName": "Pat"}
    body.update(extra)
    st, obj, _ = api.request("POST", "patients", body)
    assert st == 201, obj
    return obj


def new_proc(api, pat, fee, code="D0120"):
    st, obj, _ = api.request("POST", "procedurelogs", {
        "PatNum": pat["PatNum"], "ProcDate": today(api), "ProcStatus": "C",
        "procCode": code, "ProcFee": fee})
    assert st == 201, obj
    return obj


def new_payment(api, pat, amt):
    st, obj, _ = api.request("POST", "payments",
                             {"PatNum": pat["PatNum"], "PayAmt": amt})
    assert st == 201, obj
    return obj


def splits(api, paynum):
    return get(api, "paysplits?PayNum=%d" % paynum)


def refund(api, paynum, status=201):
    st, obj, r = api.request("POST", "payments/Refund", {"PayNum": paynum})
    assert st == status, obj
    if status == 201:
        assert r.getheader("Location", "").endswith(
            "/api/v1/payments/%d" % obj["PayNum"])
    return obj


# ---- Refund -------------------------------------------------------------------

def test_refund_mirrors_splits_negated_and_logs(api):
    pat = new_patient(api)
    p1, p2 = new_proc(api, pat, "80.00"), new_proc(api, pat, "40.00")
    pay = new_payment(api, pat, "100")
    put(api, "payments/%d/Partial" % pay["PayNum"], {"procNumsAndAmounts": [
        {"ProcNum": p1["ProcNum"], "Amount": 70},
        {"ProcNum": p2["ProcNum"], "Amount": "30"}]})
    since = mark(api)
    ref = refund(api, pay["PayNum"])
    assert list(ref) == PAY
    assert ref["PayNum"] != pay["PayNum"]
    assert (ref["PayAmt"], ref["PatNum"], ref["PayType"], ref["ClinicNum"],
            ref["PayDate"], ref["PaymentSource"]) == (
        "-100", pat["PatNum"], pay["PayType"], pay["ClinicNum"], today(api),
        "API")
    orig = sorted((s["ProcNum"], s["SplitAmt"], s["ProvNum"])
                  for s in splits(api, pay["PayNum"]))
    back = sorted((s["ProcNum"], -s["SplitAmt"], s["ProvNum"])
                  for s in splits(api, ref["PayNum"]))
    assert back == orig and len(back) == 2
    # the original is untouched; the refund reads back through GET
    assert [p["PayAmt"] for p in get(api, "payments?PatNum=%d"
                                     % pat["PatNum"])] == ["100", "-100"]
    got = logs(api, since, PERM_PAYMENT_CREATE, ref["PayNum"])
    assert got in (None, [("Created", pat["PatNum"])])


def test_refund_of_unallocated_payment(api):
    pat = new_patient(api)
    pay = new_payment(api, pat, "12.34")
    ref = refund(api, pay["PayNum"])
    assert ref["PayAmt"] == "-12.34"
    assert [s["SplitAmt"] for s in splits(api, ref["PayNum"])] == [-12.34]


def test_refund_errors(api):
    pat = new_patient(api)
    pay = new_payment(api, pat, "10")
    ref = refund(api, pay["PayNum"])
    assert err(api, "POST", "payments/Refund", {}) == (
        400, "PayNum is required.")
    assert err(api, "POST", "payments/Refund", {"PayNum": "abc"}) == (
        400, "PayNum is invalid.")
    assert err(api, "POST", "payments/Refund", {"PayNum": -3}) == (
        400, "PayNum is invalid.")
    assert err(api, "POST", "payments/Refund", {"PayNum": 99999999}) == (
        404, "Payment not found.")
    # a refund has negative splits: it cannot be refunded again
    assert err(api, "POST", "payments/Refund", {"PayNum": ref["PayNum"]}) == (
        400, "Payments with negative splits cannot be refunded.")
    assert err(api, "POST", "payments/Refund", [1]) == (
        400, "The request body must be a JSON object.")
    assert err(api, "GET", "payments/Refund")[0] == 400


def test_refund_of_payplan_payment_refused(api):
    # a seeded payment on a payment plan (the API attaches one only through
    # PUT payments/{PayNum}/Partial, tested below on the server backend)
    pay = next((sp for plan in get(api, "payplans?Limit=1000")
                for sp in get(api, "paysplits?PatNum=%d&Limit=1000"
                              % plan["PatNum"])
                if sp["PayPlanNum"] == plan["PayPlanNum"]), None)
    if pay is None:
        pytest.skip("this seeded practice has no payment on a payment plan "
                    "yet (its plans' first charges are still to come)")
    pat = pay["PatNum"]
    before = get(api, "payments?PatNum=%d&Limit=1000" % pat)
    assert err(api, "POST", "payments/Refund", {"PayNum": pay["PayNum"]}) == (
        400, "Payments attached to a payment plan cannot be refunded.")
    assert get(api, "payments?PatNum=%d&Limit=1000" % pat) == before


# ---- Partial ------------------------------------------------------------------

def test_partial_replaces_splits_and_logs(api):
    pat = new_patient(api)
    kid = new_patient(api, Guarantor=pat["PatNum"])
    p1, p2 = new_proc(api, pat, "60.00"), new_proc(api, kid, "90.00")
    pay = new_payment(api, pat, "75.5")
    old = splits(api, pay["PayNum"])
    # POST split it over the family's charges oldest first (test_ledger.py)
    assert [(s["ProcNum"], s["SplitAmt"]) for s in old] == [
        (p1["ProcNum"], 60.0), (p2["ProcNum"], 15.5)]
    since = mark(api)
    obj = put(api, "payments/%d/Partial" % pay["PayNum"],
              {"procNumsAndAmounts": [
                  {"ProcNum": p1["ProcNum"], "Amount": 50.25},
                  {"ProcNum": str(p2["ProcNum"]), "Amount": "25.25"}]})
    assert list(obj) == PAY
    assert (obj["PayNum"], obj["PayAmt"]) == (pay["PayNum"], "75.5")
    new = splits(api, pay["PayNum"])
    assert sorted((s["ProcNum"], s["PatNum"], s["SplitAmt"], s["ProvNum"])
                  for s in new) == sorted([
        (p1["ProcNum"], pat["PatNum"], 50.25, p1["ProvNum"]),
        (p2["ProcNum"], kid["PatNum"], 25.25, p2["ProvNum"])])
    assert not {s["SplitNum"] for s in old} & {s["SplitNum"] for s in new}
    assert all(s["DatePay"] == pay["PayDate"] for s in new)
    got = logs(api, since, PERM_PAYMENT_EDIT, pay["PayNum"])
    assert got in (None, [("Updated", pat["PatNum"])])


def test_partial_errors_change_nothing(api):
    pat = new_patient(api)
    other = new_patient(api)
    proc = new_proc(api, pat, "20.00")
    alien = new_proc(api, other, "20.00")
    pay = new_payment(api, pat, "20")
    path = "payments/%d/Partial" % pay["PayNum"]
    before = splits(api, pay["PayNum"])
    cases = [
        ({}, 400, "procNumsAndAmounts or payPlanChargeNumsAndAmounts is "
                  "required."),
        ({"procNumsAndAmounts": []}, 400, "procNumsAndAmounts or "
         "payPlanChargeNumsAndAmounts is required."),
        ({"procNumsAndAmounts": "x"}, 400, "procNumsAndAmounts is invalid."),
        ({"procNumsAndAmounts": [5]}, 400, "procNumsAndAmounts is invalid."),
        ({"procNumsAndAmounts": [{"Amount": 20}]}, 400,
         "ProcNum is required."),
        ({"procNumsAndAmounts": [{"ProcNum": "x", "Amount": 20}]}, 400,
         "ProcNum is invalid."),
        ({"procNumsAndAmounts": [{"ProcNum": proc["ProcNum"]}]}, 400,
         "Amount is required."),
        ({"procNumsAndAmounts": [{"ProcNum": proc["ProcNum"],
                                  "Amount": "lots"}]}, 400,
         "Amount is invalid."),
        ({"payPlanChargeNumsAndAmounts": [{"Amount": 20}]}, 400,
         "PayPlanChargeNum is required."),
        ({"procNumsAndAmounts": [{"ProcNum": proc["ProcNum"],
                                  "Amount": 19.99}]}, 400,
         "The sum of the Amounts must equal the payment's PayAmt."),
        ({"procNumsAndAmounts": [{"ProcNum": 99999999, "Amount": 20}]}, 404,
         "Procedure 99999999 not found."),
        ({"payPlanChargeNumsAndAmounts": [{"PayPlanChargeNum": 99999999,
                                           "Amount": 20}]}, 404,
         "PayPlanCharge 99999999 not found."),
        ({"procNumsAndAmounts": [{"ProcNum": alien["ProcNum"],
                                  "Amount": 20}]}, 400,
         "Procedure %d is not for the payment's family." % alien["ProcNum"]),
    ]
    for body, status, msg in cases:
        assert err(api, "PUT", path, body) == (status, msg), body
    assert err(api, "PUT", "payments/99999999/Partial", {
        "procNumsAndAmounts": [{"ProcNum": proc["ProcNum"], "Amount": 1}]}) \
        == (404, "Payment not found.")
    assert err(api, "PUT", "payments/abc/Partial", {}) == (
        400, "payments PUT Partial is not a valid method.")
    assert err(api, "DELETE", "payments/%d/Partial" % pay["PayNum"]) == (
        400, "payments DELETE Partial is not a valid method.")
    assert splits(api, pay["PayNum"]) == before


def test_partial_to_payplan_charge(api):
    server_only(api)
    pat = new_patient(api)
    pay = new_payment(api, pat, "30")
    db(api, "INSERT INTO payplan (PatNum, Guarantor, PayPlanDate, Note, "
            "Signature) VALUES (%d, %d, CURDATE(), '', '')"
       % (pat["PatNum"], pat["PatNum"]))
    plan = int(db(api, "SELECT MAX(PayPlanNum) FROM payplan WHERE PatNum = %d"
                  % pat["PatNum"])[0][0])
    for ctype in (0, 1):
        db(api, "INSERT INTO payplancharge (PayPlanNum, Guarantor, PatNum, "
                "ChargeDate, Principal, Note, ProvNum, ChargeType) VALUES "
                "(%d, %d, %d, CURDATE(), 30, '', 1, %d)"
           % (plan, pat["PatNum"], pat["PatNum"], ctype))
    debit, credit = [int(r[0]) for r in db(
        api, "SELECT PayPlanChargeNum FROM payplancharge WHERE PayPlanNum = "
             "%d ORDER BY ChargeType" % plan)]
    path = "payments/%d/Partial" % pay["PayNum"]
    assert err(api, "PUT", path, {"payPlanChargeNumsAndAmounts": [
        {"PayPlanChargeNum": credit, "Amount": 30}]}) == (
        400, "PayPlanCharge %d is not a debit." % credit)
    put(api, path, {"payPlanChargeNumsAndAmounts": [
        {"PayPlanChargeNum": debit, "Amount": 30}]})
    (s,) = splits(api, pay["PayNum"])
    assert (s["PayPlanNum"], s["PayPlanChargeNum"], s["SplitAmt"],
            s["PayPlanDebitType"], s["ProvNum"]) == (
        plan, debit, 30, "Principal", 1)
    # now attached to a plan: no refund
    assert err(api, "POST", "payments/Refund", {"PayNum": pay["PayNum"]})[0] \
        == 400
