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

import pytest

from conftest import (db, err, get, mysql, odlocal_args_for, prepare_full_db,
                      prepare_server_db, drop_test_db, server_only, uniq)

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
