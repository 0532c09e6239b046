"""Balances, aging, the Service Date View, the aging and finance charge
reports, and how POST /payments splits a payment (lib/db/ledger.c,
lib/actions/accountmodules.c, servicedate.c, reports.c, payments.c), on
every backend, against ledgers computed by hand in this file from Open
Dental's rules (docs/resources.md, "accountmodules", "reports",
"payments").

The family below is made through the API, so it exists on the embedded
sandbox too; insurance claimprocs have no API that makes them, so their
part of the ledger is inserted with SQL on the server backends."""
import datetime
import json
import os

import pytest

from conftest import (SEED_PATIENTS, db, drop_test_db, err, full_args, get,
                      mysql, odlocal_args_for, prepare_full_db,
                      prepare_server_db, server_only, uniq)

TODAY = datetime.date.today()


def day(n):
    """The date n days before today (yyyy-MM-dd)."""
    return (TODAY - datetime.timedelta(days=n)).isoformat()


def post(api, path, body):
    st, obj, _ = api.request("POST", path, body)
    assert st == 201, (path, body, obj)
    return obj


def defnum(api, cat, name):
    rows = get(api, "definitions?Category=%d" % cat)
    return [d["DefNum"] for d in rows if d["ItemName"] == name][0]


def pref(api, name):
    rows = get(api, "preferences?PrefName=%s" % name)
    return rows[0]["ValueString"] if isinstance(rows, list) else \
        rows["ValueString"]


def abbr_of_code(api, code):
    rows = get(api, "procedurecodes?Limit=1000")
    return [c["AbbrDesc"] for c in rows if c["ProcCode"] == code][0]


def proc(api, pat, when, fee, code):
    return post(api, "procedurelogs", {
        "PatNum": pat, "ProcDate": when, "ProcStatus": "C",
        "procCode": code, "ProcFee": fee})


# ---- the hand-computed family ---------------------------------------------------
#
# Gwen (guarantor) and Cody. Charges, by age today:
#   P1 Gwen  120 days ago  200.00   over 90
#   P2 Gwen   75 days ago  150.00   61-90
#   P3 Gwen   45 days ago  100.00   31-60
#   P4 Cody   10 days ago   80.00   0-30
#   A2 Cody    5 days ago  +15.00   0-30 (a finance charge)
# Credits (they pay the oldest charges first):
#   A1 Gwen   40 days ago  -20.00   (a discount, on no procedure)
#   Pay1 Gwen 60 days ago  120.00   (auto-split: all of it to P1)
#   Prepay Gwen today       30.00   (isPrepayment: unearned)
# Charges over 90: 200, 61-90: 150, 31-60: 100, 0-30: 95; credits 170.
#   BalOver90 = 200 - 170 = 30; Bal_61_90 = 150; Bal_31_60 = 100;
#   Bal_0_30 = 95; Total = 545 - 170 = 375.
# Gwen's own balance: 450 - 20 - 120 - 30 = 280; Cody's: 80 + 15 = 95.

@pytest.fixture(scope="module")
def fam(api):
    lname = uniq("Ledger")
    g = post(api, "patients", {"LName": lname, "FName": "Gwen",
                               "Birthdate": "1980-02-03"})
    c = post(api, "patients", {"LName": lname, "FName": "Cody",
                               "Guarantor": g["PatNum"],
                               "Birthdate": "2015-06-07"})
    f = {"g": g, "c": c, "lname": lname, "G": g["PatNum"], "C": c["PatNum"]}
    f["p1"] = proc(api, f["G"], day(120), "200.00", "D0150")
    f["p2"] = proc(api, f["G"], day(75), "150.00", "D1110")
    f["p3"] = proc(api, f["G"], day(45), "100.00", "D0274")
    f["p4"] = proc(api, f["C"], day(10), "80.00", "D1120")
    f["a1"] = post(api, "adjustments", {
        "PatNum": f["G"], "AdjType": defnum(api, 1, "Discount"),
        "AdjAmt": -20, "AdjDate": day(40), "ProcDate": day(40)})
    f["a2"] = post(api, "adjustments", {
        "PatNum": f["C"], "AdjType": defnum(api, 1, "Finance Charge"),
        "AdjAmt": 15, "AdjDate": day(5), "ProcDate": day(5)})
    f["pay1"] = post(api, "payments", {"PatNum": f["G"], "PayAmt": "120",
                                       "PayDate": day(60)})
    f["prepay"] = post(api, "payments", {"PatNum": f["G"], "PayAmt": "30",
                                         "isPrepayment": "true"})
    return f


AGING_KEYS = ["Bal_0_30", "Bal_31_60", "Bal_61_90", "BalOver90", "Total",
              "InsEst", "EstBal", "PatEstBal", "Unearned"]


def aging(api, patnum):
    st, obj, _ = api.request("GET", "accountmodules/%d/Aging" % patnum)
    assert st == 200, obj
    assert list(obj) == AGING_KEYS
    # JSON numbers written as .NET doubles: 30.0, not 30
    assert all(isinstance(v, float) for v in obj.values()), obj
    return obj


def test_aging_of_the_hand_computed_family(api, fam):
    expect = {"Bal_0_30": 95, "Bal_31_60": 100, "Bal_61_90": 150,
              "BalOver90": 30, "Total": 375, "InsEst": 0, "EstBal": 375,
              "PatEstBal": 280, "Unearned": 30}
    assert aging(api, fam["G"]) == expect
    # the family's aging from any member; PatEstBal is the member's own
    expect["PatEstBal"] = 95
    assert aging(api, fam["C"]) == expect


def test_patient_balances(api, fam):
    st, rows, _ = api.request("GET", "accountmodules/%d/PatientBalances"
                              % fam["C"])
    assert st == 200, rows
    assert rows == [
        {"PatNum": fam["G"], "Name": "%s, Gwen" % fam["lname"],
         "Balance": 280},
        {"PatNum": fam["C"], "Name": "%s, Cody" % fam["lname"],
         "Balance": 95},
        {"PatNum": fam["G"], "Name": "Entire Family", "Balance": 375}]
    assert all(isinstance(r["Balance"], int) for r in rows)


def test_payment_split_fifo_and_prepayment_unearned(api, fam):
    prepay_type = int(pref(api, "PrepaymentUnearnedType"))
    s1 = get(api, "paysplits?PayNum=%d" % fam["pay1"]["PayNum"])
    # A1 (-20) first reduces P1 to 180; the 120 goes to P1, the oldest
    assert [(s["SplitAmt"], s["ProcNum"], s["PatNum"], s["ProvNum"],
             s["UnearnedType"], s["DatePay"]) for s in s1] == [
        (120.0, fam["p1"]["ProcNum"], fam["G"], fam["p1"]["ProvNum"], 0,
         day(60))]
    s2 = get(api, "paysplits?PayNum=%d" % fam["prepay"]["PayNum"])
    assert [(s["SplitAmt"], s["ProcNum"], s["PatNum"], s["ProvNum"],
             s["UnearnedType"], s["unearnedType"]) for s in s2] == [
        (30.0, 0, fam["G"], 0, prepay_type, "Prepayment")]
    # Open Dental runs the family's aging after an API payment
    g = get(api, "patients/%d" % fam["G"])
    assert g["BalTotal"] == 375


SDV_KEYS = ["ObjectType", "PrimaryKey", "Type", "ServiceDate", "TransDate",
            "Patient", "PatNum", "Reference", "Charge", "Credit", "Provider",
            "InsBal", "AcctBal"]


def row(obj="", key="", typ="", sdate="", tdate="", pat="", patnum="",
        ref="", charge="", credit="", prov="", insbal="", acctbal=""):
    return dict(zip(SDV_KEYS, [obj, str(key), typ, sdate, tdate, pat,
                               str(patnum), ref, charge, credit, prov,
                               insbal, acctbal]))


def day_total(when, charge, credit, insbal, acctbal):
    return row(typ="Day Total", sdate=when, ref="Total for Date",
               charge=charge, credit=credit, insbal=insbal, acctbal=acctbal)


def unallocated(when):
    return row(typ="Unallocated", sdate=when, ref="Unallocated Trans")


def sdv(api, patnum, family):
    st, rows, _ = api.request("GET", "accountmodules/%d/ServiceDateView%s"
                              % (patnum, "?isFamily=true" if family else ""))
    assert st == 200, rows
    assert all(list(r) == SDV_KEYS for r in rows)
    return rows


def gwen_rows(api, fam):
    """Gwen's Service Date View, in RpServiceDateView's order: by service
    date; on a date the procedures with what is attached to them (largest
    ProcNum first), then an Unallocated header and what is attached to no
    procedure, then the day's total."""
    prov = get(api, "providers/%d" % fam["p1"]["ProvNum"])["Abbr"]
    aprov = get(api, "providers/%d" % fam["a1"]["ProvNum"])["Abbr"]
    paytype = fam["pay1"]["payType"]
    g, G = "Gwen", fam["G"]
    return [
        row("Procedure", fam["p1"]["ProcNum"], "Proc", day(120), "", g, G,
            "D0150:" + abbr_of_code(api, "D0150"), "200.00", "0.00", prov,
            "0.00", "80.00"),
        row("PaySplit", get(api, "paysplits?PayNum=%d"
                            % fam["pay1"]["PayNum"])[0]["SplitNum"],
            "PatPay Att.", "", day(60), g, G, "PatPay- " + paytype, "0.00",
            "120.00", prov),
        day_total(day(120), "200.00", "120.00", "0.00", "80.00"),
        row("Procedure", fam["p2"]["ProcNum"], "Proc", day(75), "", g, G,
            "D1110:" + abbr_of_code(api, "D1110"), "150.00", "0.00",
            get(api, "providers/%d" % fam["p2"]["ProvNum"])["Abbr"], "0.00",
            "150.00"),
        day_total(day(75), "150.00", "0.00", "0.00", "150.00"),
        row("Procedure", fam["p3"]["ProcNum"], "Proc", day(45), "", g, G,
            "D0274:" + abbr_of_code(api, "D0274"), "100.00", "0.00",
            get(api, "providers/%d" % fam["p3"]["ProvNum"])["Abbr"], "0.00",
            "100.00"),
        day_total(day(45), "100.00", "0.00", "0.00", "100.00"),
        unallocated(day(40)),
        row("Adjustment", fam["a1"]["AdjNum"], "Adj", "", day(40), g, G,
            "Adj- Discount", "0.00", "20.00", aprov),
        day_total(day(40), "0.00", "20.00", "0.00", "-20.00"),
        unallocated(day(0)),
        row("PaySplit", get(api, "paysplits?PayNum=%d"
                            % fam["prepay"]["PayNum"])[0]["SplitNum"],
            "PatPay", "", day(0), g, G, "PatPay- PrePay " + paytype, "0.00",
            "30.00", ""),
        day_total(day(0), "0.00", "30.00", "0.00", "-30.00"),
    ]


def test_service_date_view_of_a_patient(api, fam):
    want = gwen_rows(api, fam) + [
        row(typ="Overall Total", ref="Patient Total:", charge="450.00",
            credit="170.00", insbal="0.00", acctbal="280.00")]
    assert sdv(api, fam["G"], False) == want


def cody_rows(api, fam):
    c, C = "Cody", fam["C"]
    return [
        row("Procedure", fam["p4"]["ProcNum"], "Proc", day(10), "", c, C,
            "D1120:" + abbr_of_code(api, "D1120"), "80.00", "0.00",
            get(api, "providers/%d" % fam["p4"]["ProvNum"])["Abbr"], "0.00",
            "80.00"),
        day_total(day(10), "80.00", "0.00", "0.00", "80.00"),
        unallocated(day(5)),
        row("Adjustment", fam["a2"]["AdjNum"], "Adj", "", day(5), c, C,
            "Adj- Finance Charge", "15.00", "0.00",
            get(api, "providers/%d" % fam["a2"]["ProvNum"])["Abbr"]),
        day_total(day(5), "15.00", "0.00", "0.00", "15.00"),
    ]


def test_service_date_view_of_the_family(api, fam):
    gwen, cody = gwen_rows(api, fam), cody_rows(api, fam)
    want = gwen[:10] + cody + gwen[10:] + [
        row(typ="Overall Total", ref="Family Total:", charge="545.00",
            credit="170.00", insbal="0.00", acctbal="375.00")]
    # any member names the family
    assert sdv(api, fam["C"], True) == want
    assert sdv(api, fam["G"], True) == want
    assert sdv(api, fam["C"], False) == cody + [
        row(typ="Overall Total", ref="Patient Total:", charge="95.00",
            credit="0.00", insbal="0.00", acctbal="95.00")]


def test_account_views_errors(api, fam):
    for view in ("Aging", "PatientBalances", "ServiceDateView"):
        assert err(api, "GET", "accountmodules/99999999/%s" % view) == (
            404, "Patient not found.")
        assert err(api, "GET", "accountmodules/abc/%s" % view)[0] == 400
        assert err(api, "GET", "accountmodules/0/%s" % view)[0] == 400
    assert err(api, "GET", "accountmodules/%d/ServiceDateView?isFamily=yes"
               % fam["G"]) == (400, "isFamily is invalid.")
    # a deleted patient (Open Dental's page: 400 "Patient is deleted")
    gone = post(api, "patients", {"LName": uniq("Gone"), "FName": "G"})
    st, obj, _ = api.request("PUT", "patients/%d" % gone["PatNum"],
                             {"PatStatus": "Deleted"})
    if st == 200:
        for view in ("Aging", "PatientBalances", "ServiceDateView"):
            assert err(api, "GET", "accountmodules/%d/%s"
                       % (gone["PatNum"], view)) == (
                400, "Patient is deleted.")


# ---- insurance (server backends: claimprocs need SQL) ---------------------------

def claimproc(api, procrow, status, inspayest=0, writeoff=0, inspayamt=0,
              datecp=None):
    """A claimproc on a procedure, as Open Dental writes one (the columns
    the ledger reads; the rest take Open Dental's blanks)."""
    db(api, "INSERT INTO claimproc (ProcNum, ClaimNum, PatNum, ProvNum, "
            "InsPayEst, Status, InsPayAmt, DateCP, WriteOff, ProcDate, "
            "ClaimPaymentNum, PayPlanNum, NoBillIns, WriteOffEst, "
            "WriteOffEstOverride, InsEstTotalOverride) VALUES "
            "(%d, 0, %d, %d, %s, %d, %s, '%s', %s, '%s', 0, 0, 0, -1, -1, -1)"
            % (procrow["ProcNum"], procrow["PatNum"], procrow["ProvNum"],
               inspayest, status, inspayamt, datecp or TODAY.isoformat(),
               writeoff, procrow["ProcDate"]))


def test_insurance_estimates_and_payments(api, fam):
    """Cody's P4 waits on a claim (not received: estimate 50, write-off
    10); Gwen's P2 was paid by insurance 50 days ago (100, write-off 20).
    InsEst = 60 (estimates only); the received claim is a credit of 120,
    which pays the oldest charges: credits 290 > 200 over 90, so
    BalOver90 = 0, Bal_61_90 = 350 - 290 = 60, Bal_31_60 = 100,
    Bal_0_30 = 95; Total = 545 - 290 = 255; EstBal = 195. Gwen's own
    balance 280 - 120 = 160; Cody's PatEstBal 95 - 60 = 35."""
    server_only(api)
    claimproc(api, fam["p4"], 0, inspayest=50, writeoff=10)
    claimproc(api, fam["p2"], 1, inspayamt=100, writeoff=20,
              datecp=day(50))
    expect = {"Bal_0_30": 95, "Bal_31_60": 100, "Bal_61_90": 60,
              "BalOver90": 0, "Total": 255, "InsEst": 60, "EstBal": 195,
              "PatEstBal": 160, "Unearned": 30}
    assert aging(api, fam["G"]) == expect
    expect["PatEstBal"] = 35
    assert aging(api, fam["C"]) == expect
    assert [r["Balance"] for r in get(
        api, "accountmodules/%d/PatientBalances" % fam["G"])] == [160, 95,
                                                                  255]
    rows = sdv(api, fam["G"], True)
    # P2's day: the procedure, its write-off and its insurance payment
    # (FIELD order: WriteOff-Att. before InsPay-Att.)
    i = [r["PrimaryKey"] for r in rows].index(str(fam["p2"]["ProcNum"]))
    assert [(r["Type"], r["ObjectType"], r["Reference"], r["Credit"],
             r["TransDate"], r["InsBal"], r["AcctBal"])
            for r in rows[i:i + 4]] == [
        ("Proc", "Procedure", "D1110:Pro", "0.00", "", "0.00", "30.00"),
        ("WriteOff-Att.", "ClaimProc", "W/O-", "20.00", day(50), "", ""),
        ("InsPay-Att.", "ClaimProc", "InsPay- Not Finalized", "100.00",
         day(50), "", ""),
        ("Day Total", "", "Total for Date", "120.00", "", "0.00", "30.00")]
    # P4's day: the estimate is shown, credits nothing, and is InsBal
    i = [r["PrimaryKey"] for r in rows].index(str(fam["p4"]["ProcNum"]))
    assert [(r["Type"], r["Reference"], r["Credit"], r["InsBal"],
             r["AcctBal"]) for r in rows[i:i + 3]] == [
        ("Proc", "D1120:ProChild", "0.00", "60.00", "20.00"),
        ("WriteOff-Att.", "Ins Pay Est:50 WriteOff:10", "0.00", "", ""),
        ("Day Total", "Total for Date", "0.00", "60.00", "20.00")]
    assert rows[-1] == row(typ="Overall Total", ref="Family Total:",
                           charge="545.00", credit="290.00", insbal="60.00",
                           acctbal="195.00")
    # the aging report shows estimates apart: PatientPortion = 255 - 60
    mine = [r for r in get(api, "reports/Aging")
            if r["PatNum"] == fam["G"]]
    assert [(r["BalTotal"], r["InsPayEst"], r["InsWoEst"],
             r["PatientPortion"]) for r in mine] == [(255, 50, 10, 195)]
    db(api, "DELETE FROM claimproc WHERE ProcNum IN (%d, %d)"
       % (fam["p2"]["ProcNum"], fam["p4"]["ProcNum"]))
    assert aging(api, fam["G"])["Total"] == 375


# ---- the reports ----------------------------------------------------------------

REPORT_AGING_KEYS = ["PatNum", "patName", "Bal_0_30", "Bal_31_60",
                     "Bal_61_90", "BalOver90", "BalTotal", "InsWoEst",
                     "InsPayEst", "PatientPortion"]


def report_row(api, query, patnum):
    st, rows, _ = api.request("GET", "reports/Aging" + query)
    assert st == 200, rows
    assert all(list(r) == REPORT_AGING_KEYS for r in rows)
    # RpAging: ORDER BY LName, FName
    lnames = [r["patName"].split(", ")[0].lower() for r in rows]
    assert lnames == sorted(lnames), lnames
    return [r for r in rows if r["PatNum"] == patnum]


def test_aging_report(api, fam):
    g = fam["g"]
    want = {"PatNum": fam["G"], "patName": "%s, Gwen " % fam["lname"],
            "Bal_0_30": 95, "Bal_31_60": 100, "Bal_61_90": 150,
            "BalOver90": 30, "BalTotal": 375, "InsWoEst": 0, "InsPayEst": 0,
            "PatientPortion": 375}
    assert report_row(api, "", fam["G"]) == [want]
    assert report_row(api, "?DateAsOf=%s" % TODAY.isoformat(),
                      fam["G"]) == [want]
    # as of 50 days ago: P1 (then 70 days old), P2 (25 days old) and
    # Pay1; nothing later. Over 90: 0; 61-90: 200 - 120 = 80; 0-30: 150.
    assert report_row(api, "?DateAsOf=%s" % day(50), fam["G"]) == [{
        "PatNum": fam["G"], "patName": "%s, Gwen " % fam["lname"],
        "Bal_0_30": 150, "Bal_31_60": 0, "Bal_61_90": 80, "BalOver90": 0,
        "BalTotal": 230, "InsWoEst": 0, "InsPayEst": 0,
        "PatientPortion": 230}]
    # the guarantor's clinic
    clinic = int(g["ClinicNum"]) if str(g.get("ClinicNum", "0")) else 0
    assert report_row(api, "?ClinicNum=%d" % clinic, fam["G"]) == [want]
    assert report_row(api, "?ClinicNum=99999999", fam["G"]) == []
    # paging, as every list: Limit and Offset
    first = get(api, "reports/Aging?Limit=1")
    second = get(api, "reports/Aging?Limit=1&Offset=1")
    assert len(first) == 1 and len(second) <= 1 and first != second
    for q, msg in (("DateAsOf=2024-02-30", "DateAsOf format must be "
                    "yyyy-MM-dd"), ("DateAsOf=01/02/2024", "DateAsOf format "
                                    "must be yyyy-MM-dd"),
                   ("ClinicNum=abc", "ClinicNum is invalid."),
                   ("Offset=-1", "Offset is invalid.")):
        assert err(api, "GET", "reports/Aging?" + q) == (400, msg)


def test_aging_report_leaves_out_credit_balances(api):
    pat = post(api, "patients", {"LName": uniq("Credit"), "FName": "Cy"})
    post(api, "payments", {"PatNum": pat["PatNum"], "PayAmt": "25"})
    assert report_row(api, "", pat["PatNum"]) == []
    assert aging(api, pat["PatNum"])["Total"] == -25


def test_finance_charge_report(api, fam):
    c = get(api, "patients/%d" % fam["C"])
    rng = "DateFrom=%s&DateTo=%s" % (day(6), day(4))
    want = [{"PatNum": fam["C"], "PatName": "%s, Cody " % fam["lname"],
             "Preferred": "", "AdjAmt": 15}]

    def mine(q):
        st, rows, _ = api.request("GET", "reports/FinanceCharges?" + q)
        assert st == 200, rows
        assert all(list(r) == ["PatNum", "PatName", "Preferred", "AdjAmt"]
                   for r in rows)
        return [r for r in rows if r["PatNum"] == fam["C"]]
    assert mine(rng) == want
    assert mine("DateFrom=%s&DateTo=%s" % (day(5), day(5))) == want
    assert mine("DateFrom=%s&DateTo=%s" % (day(4), day(0))) == []
    assert mine("") == []  # today only: A2 is 5 days old
    assert mine(rng + "&ProvNums=[%d]" % c["PriProv"]) == want
    assert mine(rng + "&ProvNums=%d,99999999" % c["PriProv"]) == want
    assert mine(rng + "&ProvNums=99999999") == []
    billtype = defnum(api, 4, c["BillingType"])
    assert mine(rng + "&BillingTypes=[%d]" % billtype) == want
    assert mine(rng + "&BillingTypes=99999999") == []
    # the discount (A1) is not a finance charge
    assert [r for r in get(api, "reports/FinanceCharges?DateFrom=%s&DateTo=%s"
                           % (day(41), day(39))) if r["PatNum"] == fam["G"]] \
        == []
    for q, msg in (("DateFrom=x", "DateFrom format must be yyyy-MM-dd"),
                   ("DateTo=2024-13-01", "DateTo format must be yyyy-MM-dd"),
                   ("ProvNums=[a]", "ProvNums is invalid."),
                   ("ProvNums=1,", "ProvNums is invalid."),
                   ("BillingTypes=[1", "BillingTypes is invalid.")):
        assert err(api, "GET", "reports/FinanceCharges?" + q) == (400, msg)


# ---- how POST /payments splits a payment ----------------------------------------

def splits_of(api, pay):
    return [(s["SplitAmt"], s["ProcNum"], s["AdjNum"], s["PatNum"],
             s["ProvNum"], s["UnearnedType"])
            for s in get(api, "paysplits?PayNum=%d" % pay["PayNum"])]


def test_overpayment_goes_to_unearned(api):
    """A 50.00 charge and a payment of 80.00: 50 to the charge, 30 to
    unearned (PrepaymentUnearnedType, no provider); a patient with no
    balance: all of it to unearned."""
    une = int(pref(api, "PrepaymentUnearnedType"))
    pat = post(api, "patients", {"LName": uniq("Over"), "FName": "Ola"})
    p = proc(api, pat["PatNum"], day(3), "50.00", "D0120")
    pay = post(api, "payments", {"PatNum": pat["PatNum"], "PayAmt": "80"})
    assert splits_of(api, pay) == [
        (50.0, p["ProcNum"], 0, pat["PatNum"], p["ProvNum"], 0),
        (30.0, 0, 0, pat["PatNum"], 0, une)]
    assert aging(api, pat["PatNum"])["Unearned"] == 30
    assert get(api, "patients/%d" % pat["PatNum"])["BalTotal"] == -30
    # nothing owed: the whole payment is unearned
    pay = post(api, "payments", {"PatNum": pat["PatNum"], "PayAmt": "12.5"})
    assert splits_of(api, pay) == [(12.5, 0, 0, pat["PatNum"], 0, une)]
    # and a later charge is paid by that unearned money first (implicit
    # linking), so a new payment goes to unearned again
    proc(api, pat["PatNum"], day(1), "40.00", "D0120")
    pay = post(api, "payments", {"PatNum": pat["PatNum"], "PayAmt": "5"})
    assert splits_of(api, pay) == [(5.0, 0, 0, pat["PatNum"], 0, une)]


def test_prepayment_is_one_unearned_split(api):
    une = int(pref(api, "PrepaymentUnearnedType"))
    pat = post(api, "patients", {"LName": uniq("Pre"), "FName": "Pia"})
    proc(api, pat["PatNum"], day(3), "70.00", "D0120")
    pay = post(api, "payments", {"PatNum": pat["PatNum"], "PayAmt": "100",
                                 "isPrepayment": True})
    assert splits_of(api, pay) == [(100.0, 0, 0, pat["PatNum"], 0, une)]
    a = aging(api, pat["PatNum"])
    assert (a["Total"], a["Unearned"]) == (-30, 100)


def test_fifo_patient_preferred_and_procnums(api):
    """Gail (guarantor) owes 100 from 30 days ago, her son Sam 60 from 10
    days ago. Sam pays 60: FIFO pays Gail's older charge; with
    isPatientPreferred his own; with procNums the named procedure first."""
    lname = uniq("Fifo")
    g = post(api, "patients", {"LName": lname, "FName": "Gail"})
    s = post(api, "patients", {"LName": lname, "FName": "Sam",
                               "Guarantor": g["PatNum"]})
    old = proc(api, g["PatNum"], day(30), "100.00", "D0120")
    new = proc(api, s["PatNum"], day(10), "60.00", "D1120")
    pay = post(api, "payments", {"PatNum": s["PatNum"], "PayAmt": "60"})
    assert splits_of(api, pay) == [
        (60.0, old["ProcNum"], 0, g["PatNum"], old["ProvNum"], 0)]
    pay = post(api, "payments", {"PatNum": s["PatNum"], "PayAmt": "60",
                                 "isPatientPreferred": "true"})
    assert splits_of(api, pay) == [
        (60.0, new["ProcNum"], 0, s["PatNum"], new["ProvNum"], 0)]
    # now 40 is left on Gail's: procNums names it, 25 goes there
    pay = post(api, "payments", {"PatNum": s["PatNum"], "PayAmt": "25",
                                 "procNums": [old["ProcNum"]]})
    assert splits_of(api, pay) == [
        (25.0, old["ProcNum"], 0, g["PatNum"], old["ProvNum"], 0)]
    # a procedure outside the family is ignored; the rest is FIFO
    pay = post(api, "payments", {"PatNum": s["PatNum"], "PayAmt": "20",
                                 "procNums": [1, old["ProcNum"]]})
    assert splits_of(api, pay) == [
        (15.0, old["ProcNum"], 0, g["PatNum"], old["ProvNum"], 0),
        (5.0, 0, 0, s["PatNum"], 0, int(pref(api,
                                              "PrepaymentUnearnedType")))]


def test_payment_to_an_attached_adjustment(api):
    """A positive adjustment is a charge: paid FIFO like a procedure, the
    split attached to it (AdjNum)."""
    pat = post(api, "patients", {"LName": uniq("Adj"), "FName": "Ada"})
    adj = post(api, "adjustments", {
        "PatNum": pat["PatNum"], "AdjType": defnum(api, 1, "Billing Charge"),
        "AdjAmt": 12, "AdjDate": day(2), "ProcDate": day(2)})
    pay = post(api, "payments", {"PatNum": pat["PatNum"], "PayAmt": "12"})
    assert splits_of(api, pay) == [
        (12.0, 0, adj["AdjNum"], pat["PatNum"], adj["ProvNum"], 0)]


@pytest.mark.parametrize("extra, msg", [
    ({"isPrepayment": "maybe"}, "isPrepayment is invalid."),
    ({"isPrepayment": 1}, "isPrepayment is invalid."),
    ({"isPatientPreferred": "yes"}, "isPatientPreferred is invalid."),
    ({"procNums": "1,2"}, "procNums is invalid."),
    ({"procNums": ["x"]}, "procNums is invalid."),
    ({"procNums": [-1]}, "procNums is invalid."),
    ({"payPlanNum": "abc"}, "payPlanNum is invalid."),
])
def test_payment_inputs_refused_change_nothing(api, extra, msg):
    pat = post(api, "patients", {"LName": uniq("Bad"), "FName": "B"})
    body = {"PatNum": pat["PatNum"], "PayAmt": "10"}
    body.update(extra)
    assert err(api, "POST", "payments", body) == (400, msg)
    assert get(api, "payments?PatNum=%d" % pat["PatNum"]) == []


def test_payment_to_a_payment_plan(api):
    pat = post(api, "patients", {"LName": uniq("Plan"), "FName": "P"})
    body = {"PatNum": pat["PatNum"], "PayAmt": "10", "payPlanNum": 99999999,
            "isPrepayment": "true"}
    assert err(api, "POST", "payments", body) == (404, "PayPlan not found.")
    assert get(api, "payments?PatNum=%d" % pat["PatNum"]) == []
    server_only(api)
    mysql("INSERT INTO payplan (PatNum, Guarantor, PayPlanDate, Note, "
          "IsDynamic) VALUES (%d, %d, CURDATE(), '', 1)"
          % (pat["PatNum"], pat["PatNum"]), db=api.db_name,
          open_dental_mode=True)
    plan = int(db(api, "SELECT MAX(PayPlanNum) FROM payplan")[0][0])
    body["payPlanNum"] = plan
    del body["isPrepayment"]
    assert err(api, "POST", "payments", body) == (
        400, 'payPlanNum is only supported with isPrepayment "true".')
    body["isPrepayment"] = "true"
    pay = post(api, "payments", body)
    s = get(api, "paysplits?PayNum=%d" % pay["PayNum"])
    dpp = db(api, "SELECT ValueString FROM preference WHERE PrefName = "
                  "'DynamicPayPlanPrepaymentUnearnedType'")
    assert [(x["SplitAmt"], x["PayPlanNum"], x["UnearnedType"])
            for x in s] == [(10.0, plan, int(dpp[0][0]) if dpp else 0)]


# ---- the preferences that change the ledger (server backends) --------------------

class prefset:
    """A preference set for the block, then put back."""

    def __init__(self, api, name, value):
        self.api, self.name, self.value = api, name, value

    def __enter__(self):
        rows = db(self.api, "SELECT ValueString FROM preference WHERE "
                            "PrefName = '%s'" % self.name)
        self.old = rows[0][0] if rows else None
        if rows:
            db(self.api, "UPDATE preference SET ValueString = '%s' WHERE "
                         "PrefName = '%s'" % (self.value, self.name))
        else:
            mysql("INSERT INTO preference (PrefName, ValueString) VALUES "
                  "('%s', '%s')" % (self.name, self.value),
                  db=self.api.db_name, open_dental_mode=True)

    def __exit__(self, *exc):
        if self.old is None:
            db(self.api, "DELETE FROM preference WHERE PrefName = '%s'"
               % self.name)
        else:
            db(self.api, "UPDATE preference SET ValueString = '%s' WHERE "
                         "PrefName = '%s'" % (self.old, self.name))


def test_aging_proc_lifo(api):
    """A 100.00 charge 100 days ago, a 50.00 one 10 days ago, and a 30.00
    discount attached to the newer one (dated 5 days ago). FIFO: the
    discount is a credit and pays the oldest: over 90 = 70, 0-30 = 50.
    AgingProcLifo: it ages with its procedure: over 90 = 100, 0-30 = 20."""
    server_only(api)
    pat = post(api, "patients", {"LName": uniq("Lifo"), "FName": "L"})
    proc(api, pat["PatNum"], day(100), "100.00", "D0120")
    new = proc(api, pat["PatNum"], day(10), "50.00", "D0120")
    post(api, "adjustments", {
        "PatNum": pat["PatNum"], "AdjType": defnum(api, 1, "Discount"),
        "AdjAmt": -30, "AdjDate": day(5), "ProcNum": new["ProcNum"]})
    a = aging(api, pat["PatNum"])
    assert (a["BalOver90"], a["Bal_0_30"], a["Total"]) == (70, 50, 120)
    with prefset(api, "AgingProcLifo", "1"):
        a = aging(api, pat["PatNum"])
        assert (a["BalOver90"], a["Bal_0_30"], a["Total"]) == (100, 20, 120)
        assert report_row(api, "", pat["PatNum"])[0]["BalOver90"] == 100


def test_payplans_version(api):
    """A 300.00 charge 50 days ago on a payment plan of 100.00 made 20
    days ago: a credit of 100 (Principal, ChargeType Credit) and a debit
    of 50 due 10 days ago. Version 1 ages the plan as one credit
    (CompletedAmt): 200; 2 credits and debits: 300 - 100 + 50 = 250; 3
    credits only: 200; 4 no patient plans: 300."""
    server_only(api)
    pat = post(api, "patients", {"LName": uniq("Plan"), "FName": "P"})
    p = proc(api, pat["PatNum"], day(50), "300.00", "D4355")
    n = pat["PatNum"]
    mysql("INSERT INTO payplan (PatNum, Guarantor, PayPlanDate, Note, "
          "CompletedAmt, PlanNum) VALUES (%d, %d, '%s', '', 100, 0)"
          % (n, n, day(20)), db=api.db_name, open_dental_mode=True)
    plan = int(db(api, "SELECT MAX(PayPlanNum) FROM payplan")[0][0])
    for ctype, princ, when in ((1, 100, day(20)), (0, 50, day(10))):
        mysql("INSERT INTO payplancharge (PayPlanNum, Guarantor, PatNum, "
              "ChargeDate, Principal, Interest, Note, ProvNum, ChargeType, "
              "ProcNum) VALUES (%d, %d, %d, '%s', %d, 0, '', %d, %d, %d)"
              % (plan, n, n, when, princ, p["ProvNum"], ctype,
                 p["ProcNum"] if ctype else 0),
              db=api.db_name, open_dental_mode=True)
    for version, total in (("1", 200), ("2", 250), ("3", 200), ("4", 300)):
        with prefset(api, "PayPlansVersion", version):
            assert aging(api, n)["Total"] == total, version
            assert get(api, "accountmodules/%d/PatientBalances"
                       % n)[-1]["Balance"] == total, version


def test_rigorous_accounting_manual(api):
    """RigorousAccounting 2 (Manual): no auto-split, one split to the
    patient's provider, never unearned (CreateSinglePaySplitForWeb)."""
    server_only(api)
    pat = post(api, "patients", {"LName": uniq("Manual"), "FName": "M"})
    proc(api, pat["PatNum"], day(3), "40.00", "D0120")
    with prefset(api, "RigorousAccounting", "2"):
        for extra in ({}, {"isPrepayment": "true"}):
            body = {"PatNum": pat["PatNum"], "PayAmt": "50"}
            body.update(extra)
            pay = post(api, "payments", body)
            assert splits_of(api, pay) == [
                (50.0, 0, 0, pat["PatNum"], pat["PriProv"], 0)]


def test_balances_dont_subtract_ins(api):
    """A 100.00 charge with an insurance estimate of 30: the auto-split
    leaves the estimate to insurance (70 to the procedure, 30 unearned),
    unless BalancesDontSubtractIns."""
    server_only(api)
    une = int(pref(api, "PrepaymentUnearnedType"))
    pat = post(api, "patients", {"LName": uniq("Est"), "FName": "E"})
    p = proc(api, pat["PatNum"], day(3), "100.00", "D0120")
    claimproc(api, p, 0, inspayest=30)
    pay = post(api, "payments", {"PatNum": pat["PatNum"], "PayAmt": "100"})
    assert splits_of(api, pay) == [
        (70.0, p["ProcNum"], 0, pat["PatNum"], p["ProvNum"], 0),
        (30.0, 0, 0, pat["PatNum"], 0, une)]
    with prefset(api, "BalancesDontSubtractIns", "1"):
        pat2 = post(api, "patients", {"LName": uniq("Est"), "FName": "F"})
        p2 = proc(api, pat2["PatNum"], day(3), "100.00", "D0120")
        claimproc(api, p2, 0, inspayest=30)
        pay = post(api, "payments", {"PatNum": pat2["PatNum"],
                                     "PayAmt": "100"})
        assert splits_of(api, pay) == [
            (100.0, p2["ProcNum"], 0, pat2["PatNum"], p2["ProvNum"], 0)]


# ---- permissions and the security log ---------------------------------------------

def test_permissions(spawn, server_db, tmp_path):
    keys = tmp_path / "keys.json"
    keys.write_text(json.dumps({"keys": [
        {"DeveloperKey": "PayOnlyDevKey001", "CustomerKey": "PayOnlyCust00001",
         "DeveloperName": "Payer", "Permissions": ["ApiPayments"]},
        {"DeveloperKey": "ReadOnlyDevKey03", "CustomerKey": "ReadOnlyCust0003",
         "DeveloperName": "Reader", "Permissions": ["ApiReadAll"]}]}))
    srv = spawn("odlocal", ["--port", "0", "--keys", str(keys)] +
                odlocal_args_for("server", server_db, None))
    payer = "ODFHIR PayOnlyDevKey001/PayOnlyCust00001"
    reader = "ODFHIR ReadOnlyDevKey03/ReadOnlyCust0003"
    for path in ("accountmodules/1/Aging", "accountmodules/1/PatientBalances",
                 "accountmodules/1/ServiceDateView", "reports/Aging",
                 "reports/FinanceCharges"):
        assert srv.request("GET", path, auth=payer)[:2] == (
            401, "The developer key lacks the ApiReadAll permission."), path
        assert srv.request("GET", path, auth=reader)[0] == 200, path
    assert srv.request("POST", "payments", {"PatNum": 1, "PayAmt": "1"},
                       auth=reader)[:2] == (
        401, "The developer key lacks the ApiPayments permission.")


def test_payment_writes_one_log_row_and_reads_nothing_back(api, fam):
    """POST /payments logs PaymentCreate once (the splits and the aging
    are part of it); the views write nothing."""
    server_only(api)
    before = db(api, "SELECT COUNT(*) FROM securitylog")[0][0]
    for view in ("Aging", "PatientBalances", "ServiceDateView"):
        get(api, "accountmodules/%d/%s" % (fam["G"], view))
    get(api, "reports/Aging")
    get(api, "reports/FinanceCharges")
    assert db(api, "SELECT COUNT(*) FROM securitylog")[0][0] == before
    pat = post(api, "patients", {"LName": uniq("Log"), "FName": "L"})
    pay = post(api, "payments", {"PatNum": pat["PatNum"], "PayAmt": "9"})
    rows = db(api, "SELECT PermType, FKey, PatNum, LogSource FROM securitylog "
                   "WHERE FKey = %d AND PermType IN (15, 16)" % pay["PayNum"])
    assert rows == [["15", str(pay["PayNum"]), str(pat["PatNum"]), "23"]]


# ---- the sandbox's balance columns agree with the ledger ------------------------------

@pytest.fixture
def fresh(api, spawn, tmp_path):
    """A newly seeded practice on api's backend and schema, nothing else
    written to it yet: (server, database name or None)."""
    if api.backend == "embedded":
        srv = spawn("odlocal", ["--port", "0", "--log-level", "Warning",
                                "--data-dir", str(tmp_path / "sandbox"),
                                "--patients", str(SEED_PATIENTS)])
        yield srv, None
        return
    name = "odledger_%s_%d" % (api.schema.replace(".", ""), os.getpid())
    if api.schema == "sandbox":
        prepare_server_db(name)
        args = odlocal_args_for("server", name, None)
    else:
        prepare_full_db(name)
        args = full_args(name)
    yield spawn("odlocal", ["--port", "0", "--log-level", "Warning"] + args), \
        name
    drop_test_db(name)


COLS = ["Bal_0_30", "Bal_31_60", "Bal_61_90", "BalOver90", "BalTotal",
        "InsEst", "PayPlanDue", "EstBalance"]


def test_seeded_balances_agree_with_the_ledger(fresh):
    """The seed stores what Open Dental's aging and Account module compute
    (lib/db/seed.c, seed_ledger): every guarantor's BalTotal (and, where
    SQL can read them, its aging buckets and InsEst) is the family's Aging,
    every other member's are 0, and every patient's EstBalance is their
    PatientBalances balance."""
    srv, name = fresh
    st, pats, _ = srv.request("GET", "patients/Simple?Limit=1000")
    assert st == 200 and len(pats) >= SEED_PATIENTS // 2, pats
    stored = {}
    if name:
        for r in mysql("SELECT PatNum, %s FROM patient" % ", ".join(COLS),
                       db=name):
            stored[int(r[0])] = dict(zip(COLS, map(float, r[1:])))
    fams = {}
    for p in pats:
        fams.setdefault(p["Guarantor"], []).append(p)
    owing = 0
    for guar, members in fams.items():
        st, a, _ = srv.request("GET", "accountmodules/%d/Aging" % guar)
        if st == 400:  # a deleted guarantor: no account view
            continue
        assert st == 200, a
        st, bals, _ = srv.request("GET", "accountmodules/%d/PatientBalances"
                                  % guar)
        assert st == 200, bals
        own = {b["PatNum"]: b["Balance"] for b in bals[:-1]}
        for p in members:
            assert p["EstBalance"] == own[p["PatNum"]], p["PatNum"]
            want = a["Total"] if p["PatNum"] == guar else 0
            assert p["BalTotal"] == want, p["PatNum"]
            if stored:
                s = stored[p["PatNum"]]
                is_g = p["PatNum"] == guar
                assert [s[c] for c in COLS[:6]] == [
                    a["Bal_0_30"] if is_g else 0, a["Bal_31_60"] if is_g else 0,
                    a["Bal_61_90"] if is_g else 0,
                    a["BalOver90"] if is_g else 0, a["Total"] if is_g else 0,
                    a["InsEst"] if is_g else 0], p["PatNum"]
        owing += a["Total"] != 0
    assert owing > 0  # the demo practice has money owed


def test_payments_of_one_family_at_once(api):
    """Two payments of 100 at the same time for a family owing 100: one
    pays the charge, the other is unearned (the family's rows are locked
    while a payment is split)."""
    import concurrent.futures
    pat = post(api, "patients", {"LName": uniq("Race"), "FName": "R"})
    p = proc(api, pat["PatNum"], day(3), "100.00", "D0120")
    body = {"PatNum": pat["PatNum"], "PayAmt": "100"}
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        pays = list(pool.map(lambda _: post(api, "payments", body), (1, 2)))
    got = sorted(s for pay in pays for s in splits_of(api, pay))
    une = int(pref(api, "PrepaymentUnearnedType"))
    assert got == sorted([(100.0, p["ProcNum"], 0, pat["PatNum"],
                           p["ProvNum"], 0),
                          (100.0, 0, 0, pat["PatNum"], 0, une)])
    # the aging stored by the second one has both payments
    assert get(api, "patients/%d" % pat["PatNum"])["BalTotal"] == -100
