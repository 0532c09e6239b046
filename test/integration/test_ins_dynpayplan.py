"""POST /payplans/Dynamic and PUT /payplans/{PayPlanNum}/Dynamic
(lib/actions/dynpayplan.c, dynsched.c): dynamic payment plans with their
production links and the charges due, on every backend. Amounts are
computed by hand in the comments."""
from conftest import db, err, get, post, put, server_only
import insworld as w


def patient_with(api, fees, status="C", dates=None):
    """An uninsured patient with completed procedures of the fees given
    (dated as given, else 2024-01-0n)."""
    pat = w.new_patient(api)
    code = w.new_code(api, w.code_prefix())
    procs = [w.proc(api, pat, code, fee, dates[i] if dates else
                    "2024-01-%02d" % (i + 1), status=status)
             for i, fee in enumerate(fees)]
    return pat, procs


def dynamic(api, body, status=201):
    return w.post_to(api, "payplans/Dynamic", body, "payplans", status)


def charges(api, plan):
    return [(c["ChargeDate"], c["Principal"], c["Interest"], c["FKey"],
             c["LinkType"], c["Note"])
            for c in get(api, "payplancharges?PayPlanNum=%d" % plan)]


def test_monthly_plan_charges_due(api):
    """$500 of production (B $200 dated first, then A $300), $100 a month
    from 2024-02-01: five charges, all due, B's first."""
    pat, (a, b) = patient_with(api, [300, 200],
                               dates=["2024-01-10", "2024-01-05"])
    p = dynamic(api, {"PatNum": pat, "PayAmt": 100, "procNums": [a, b],
                      "DatePayPlanStart": "2024-02-01", "Note": "five"})
    assert (p["IsDynamic"], p["PayAmt"], p["NumberOfPayments"],
            p["CompletedAmt"], p["ChargeFrequency"], p["PaySchedule"],
            p["DatePayPlanStart"], p["Guarantor"], p["Note"], p["APR"],
            p["IsClosed"], p["IsLocked"]) == (
        "true", 100.0, 0, 500.0, "Monthly", "Monthly", "2024-02-01", pat,
        "five", 0.0, "false", "false")
    assert p["PayPlanDate"] == w.today(api)
    assert get(api, "payplans/%d" % p["PayPlanNum"])["PayAmt"] == 100.0
    assert charges(api, p["PayPlanNum"]) == [
        ("2024-02-01", 100.0, 0.0, b, "Procedure", ""),
        ("2024-03-01", 100.0, 0.0, b, "Procedure", ""),
        ("2024-04-01", 100.0, 0.0, a, "Procedure", ""),
        ("2024-05-01", 100.0, 0.0, a, "Procedure", ""),
        ("2024-06-01", 100.0, 0.0, a, "Procedure", "")]
    assert w.seclogs(api, "PayPlanEdit", pat) == ["Created"]
    # a procedure on an open plan cannot join another
    assert err(api, "POST", "payplans/Dynamic", {
        "PatNum": pat, "PayAmt": 10, "procNums": [a]}) == (
        400, "Procedure %d is already on a payment plan." % a)


def test_down_payment_and_number_of_payments(api):
    """$500, $50 down, 3 payments: (500 - 50) / 3 = 150. Starting today,
    the down payment and the first payment are due now."""
    pat, (a, b) = patient_with(api, [300, 200])
    p = dynamic(api, {"PatNum": pat, "NumberOfPayments": 3,
                      "DownPayment": 50, "procNums": [a, b]})
    today = w.today(api)
    assert (p["PayAmt"], p["DownPayment"], p["NumberOfPayments"]) == (
        150.0, 50.0, 0)
    assert charges(api, p["PayPlanNum"]) == [
        (today, 50.0, 0.0, a, "Procedure", "Down Payment"),
        (today, 150.0, 0.0, a, "Procedure", "")]


def test_interest(api):
    """$1200 at 12% a year (1% a month), $500 a month: interest 12.00 and
    principal 488.00, then 7.12 and 492.88, then 2.19 and the last
    219.12."""
    pat, (a,) = patient_with(api, [1200])
    p = dynamic(api, {"PatNum": pat, "PayAmt": 500, "APR": 12,
                      "procNums": [a], "DatePayPlanStart": "2024-01-15"})
    assert charges(api, p["PayPlanNum"]) == [
        ("2024-01-15", 488.0, 12.0, a, "Procedure", ""),
        ("2024-02-15", 492.88, 7.12, a, "Procedure", ""),
        ("2024-03-15", 219.12, 2.19, a, "Procedure", "")]
    # a payment that never pays the interest
    pat2, (b,) = patient_with(api, [1200])
    assert err(api, "POST", "payplans/Dynamic", {
        "PatNum": pat2, "PayAmt": 5, "APR": 12, "procNums": [b]}) == (
        400, "PayAmt does not cover the interest: the plan would never be "
             "paid off.")


def test_treatment_planned_and_adjustments(api):
    """A treatment planned procedure waits for completion (not charged, not
    in CompletedAmt); an adjustment of $40 is production like a
    procedure."""
    pat, (c,) = patient_with(api, [100])
    code = w.new_code(api, w.code_prefix())
    tp = w.proc(api, pat, code, 70, "2024-01-02", status="TP")
    plus = [d for d in get(api, "definitions?Category=1")
            if d["ItemValue"] == "+"][0]["DefNum"]
    adj = post(api, "adjustments", {"PatNum": pat, "AdjType": plus,
                                    "AdjAmt": 40, "AdjDate": "2024-01-03"})
    p = dynamic(api, {"PatNum": pat, "PayAmt": 60,
                      "procNums": [tp, c], "adjNums": [adj["AdjNum"]],
                      "DatePayPlanStart": "2024-03-01"})
    assert (p["CompletedAmt"], p["DynamicPayPlanTPOption"]) == (
        140.0, "AwaitComplete")
    # production by date: C (01-01) 100, the adjustment (01-03) 40; TP last
    assert charges(api, p["PayPlanNum"]) == [
        ("2024-03-01", 60.0, 0.0, c, "Procedure", ""),
        ("2024-04-01", 40.0, 0.0, c, "Procedure", ""),
        ("2024-04-01", 20.0, 0.0, adj["AdjNum"], "Adjustment", ""),
        ("2024-05-01", 20.0, 0.0, adj["AdjNum"], "Adjustment", "")]


def test_post_errors(api):
    pat, (a,) = patient_with(api, [100])
    url = "payplans/Dynamic"
    good = {"PatNum": pat, "PayAmt": 10, "procNums": [a]}
    cases = [
        ({"PayAmt": 10, "procNums": [a]}, 400, "PatNum is required."),
        ({"PatNum": pat, "procNums": [a]}, 400,
         "PayAmt or NumberOfPayments is required."),
        (dict(good, NumberOfPayments=3), 400,
         "Please choose either Number of Payments or Payment Amt."),
        ({"PatNum": pat, "PayAmt": 10}, 400,
         "procNums or adjNums is required."),
        ({"PatNum": pat, "NumberOfPayments": 0, "procNums": [a]}, 400,
         "Term cannot be less than 1."),
        (dict(good, procNums="1"), 400, "procNums is invalid."),
        (dict(good, PayAmt=-1), 400, "PayAmt is invalid."),
        (dict(good, ChargeFrequency="Daily"), 400,
         "ChargeFrequency is invalid."),
        (dict(good, DownPayment=101), 400,
         "Down payment must be less than or equal to total amount."),
        (dict(good, PayPlanDate="2999-01-01"), 400,
         "Payment plan date cannot be set for the future."),
        (dict(good, PatNum=999999), 404, "Patient not found."),
        (dict(good, procNums=[999999]), 404, "Procedure not found: 999999."),
        (dict(good, Guarantor=999999), 400, "Guarantor is invalid."),
        (dict(good, PayAmt=0), 400, "Payment cannot be 0."),
    ]
    for body, st, msg in cases:
        assert err(api, "POST", url, body) == (st, msg), body
    other, (b,) = patient_with(api, [10])
    assert err(api, "POST", url, dict(good, procNums=[a, b])) == (
        400, "Procedure %d is not for this patient." % b)
    assert get(api, "payplans?PatNum=%d" % pat) == []


def test_put_dynamic(api):
    pat, (a,) = patient_with(api, [600])
    p = dynamic(api, {"PatNum": pat, "PayAmt": 100, "procNums": [a],
                      "DatePayPlanStart": "2099-01-01"})
    num = p["PayPlanNum"]
    assert charges(api, num) == []  # nothing due yet
    q = put(api, "payplans/%d/Dynamic" % num, {
        "PayAmt": 150, "Note": "changed", "ChargeFrequency": "Weekly"})
    assert (q["PayAmt"], q["Note"], q["ChargeFrequency"], q["PaySchedule"]) \
        == (150.0, "changed", "Weekly", "Weekly")
    q = put(api, "payplans/%d/Dynamic" % num, {"NumberOfPayments": 4})
    assert q["PayAmt"] == 150.0  # 600 / 4
    q = put(api, "payplans/%d/Dynamic" % num, {"IsLocked": "true"})
    assert q["IsLocked"] == "true"
    assert err(api, "PUT", "payplans/%d/Dynamic" % num, {"PayAmt": 50}) == (
        400, "The PayPlan is locked: its terms cannot be changed.")
    assert err(api, "PUT", "payplans/%d/Dynamic" % num,
               {"IsLocked": "false"}) == (
        400, "A locked PayPlan cannot be unlocked.")
    assert put(api, "payplans/%d/Dynamic" % num, {"Note": "n2"})["Note"] \
        == "n2"
    assert err(api, "PUT", "payplans/999999/Dynamic", {"Note": "x"}) == (
        404, "PayPlan not found.")
    assert err(api, "PUT", "payplans/0/Dynamic", {"Note": "x"}) == (
        400, "PayPlanNum is invalid.")
    assert w.seclogs(api, "PayPlanEdit", pat) == [
        "Created", "Updated", "Updated", "Updated", "Updated"]
    if api.backend == "server":
        rows = db(api, "SELECT AmountOverride FROM payplanlink WHERE "
                       "PayPlanNum = %d" % num)
        assert rows == [["600"]]


def test_put_refuses_plans_not_dynamic(api):
    server_only(api)
    pat = w.new_patient(api)
    db(api, "INSERT INTO payplan (PatNum, Guarantor, PayPlanDate, Note, "
            "Signature) VALUES (%d, %d, '2024-01-01', '', '')" % (pat, pat))
    num = int(db(api, "SELECT MAX(PayPlanNum) FROM payplan")[0][0])
    assert err(api, "PUT", "payplans/%d/Dynamic" % num, {"Note": "x"}) == (
        400, "PayPlan is not a dynamic payment plan.")
    db(api, "UPDATE payplan SET IsDynamic = 1, IsClosed = 1 WHERE "
            "PayPlanNum = %d" % num)
    assert err(api, "PUT", "payplans/%d/Dynamic" % num, {"Note": "x"}) == (
        400, "PayPlan is closed.")


def test_put_needs_a_field(api):
    assert err(api, "PUT", "payplans/1/Dynamic", {}) == (
        400, "No fields to update were provided.")
