"""PUT and POST /claimprocs/InsAdjust (lib/actions/insadjust.c): insurance
used and deductible used recorded as Adjustment claimprocs of the benefit
year (ClaimProcs.CreateInsPlanAdjustment, GetForApi), on every backend.
Supplemental payments are tested with claims (test_ins_claims.py)."""
from conftest import err, get, put
import insworld as w

URL = "claimprocs/InsAdjust"


def make(api, **plan):
    pat = w.new_patient(api)
    planum = w.new_plan(api, **plan)
    sub, pp = w.subscribe(api, pat, planum)
    return pat, planum, sub, pp


def adjustments(api, pat):
    return [(c["InsPayAmt"], c["DedApplied"], c["ProcDate"])
            for c in w.claimprocs(api, PatNum=pat)
            if c["Status"] == "Adjustment"]


def adjust(api, body):
    st, obj, _ = api.request("PUT", URL, body)
    assert (st, obj) == (200, None)


def test_errors(api):
    pat, _, _, pp = make(api)
    for method in ("PUT", "POST"):
        assert err(api, method, URL, {"insUsed": 5}) == (
            400, "PatPlanNum is required.")
        assert err(api, method, URL, {"PatPlanNum": pp}) == (
            400, "insUsed or deductibleUsed is required.")
        assert err(api, method, URL, {"PatPlanNum": pp, "insUsed": "x"}) == (
            400, "insUsed is invalid.")
        assert err(api, method, URL, {"PatPlanNum": pp,
                                      "deductibleUsed": [1]}) == (
            400, "deductibleUsed is invalid.")
        assert err(api, method, URL, {"PatPlanNum": pp, "insUsed": 1,
                                      "date": "3/4/2024"}) == (
            400, "date format must be yyyy-MM-dd.")
        assert err(api, method, URL, {"PatPlanNum": "abc", "insUsed": 1}) \
            == (400, "PatPlanNum is invalid.")
        assert err(api, method, URL, {"PatPlanNum": 999999, "insUsed": 1}) \
            == (404, "PatPlan not found.")
    assert adjustments(api, pat) == []


def test_put_totals_for_the_year(api):
    pat, plan, sub, pp = make(api)
    adjust(api, {"PatPlanNum": pp, "insUsed": 300, "date": "2024-03-10"})
    rows = [c for c in w.claimprocs(api, PatNum=pat)]
    assert len(rows) == 1
    cp = rows[0]
    assert (cp["Status"], cp["InsPayAmt"], cp["DedApplied"], cp["ProcDate"],
            cp["PlanNum"], cp["InsSubNum"], cp["ProcNum"], cp["ClaimNum"]) \
        == ("Adjustment", 300.0, 0.0, "2024-03-10", plan, sub, 0, 0)
    # both totals: the same row, moved to the new date
    adjust(api, {"PatPlanNum": pp, "insUsed": "250.50",
                 "deductibleUsed": 50, "date": "2024-05-01"})
    assert adjustments(api, pat) == [(250.5, 50.0, "2024-05-01")]
    # an amount not given keeps what the adjustment had
    adjust(api, {"PatPlanNum": pp, "insUsed": 100, "date": "2024-05-01"})
    assert adjustments(api, pat) == [(100.0, 50.0, "2024-05-01")]
    # another year is another adjustment, untouched by this year's
    adjust(api, {"PatPlanNum": pp, "deductibleUsed": 25,
                 "date": "2023-12-31"})
    assert sorted(adjustments(api, pat)) == [
        (0.0, 25.0, "2023-12-31"), (100.0, 50.0, "2024-05-01")]
    # totals equal to what the year already shows (nothing): removed
    adjust(api, {"PatPlanNum": pp, "insUsed": 0, "deductibleUsed": 0,
                 "date": "2024-01-01"})
    assert adjustments(api, pat) == [(0.0, 25.0, "2023-12-31")]
    assert w.seclogs(api, "InsPlanEdit", pat) == [
        "Created", "Updated", "Updated", "Created", "Deleted"]


def test_put_merges_the_years_adjustments(api):
    pat, _, _, pp = make(api)
    st, a, _ = api.request("POST", URL, {"PatPlanNum": pp, "insUsed": 40,
                                         "date": "2024-02-01"})
    assert st == 201
    st, b, _ = api.request("POST", URL, {"PatPlanNum": pp, "insUsed": 60,
                                         "deductibleUsed": 10,
                                         "date": "2024-03-01"})
    assert st == 201
    assert sorted(adjustments(api, pat)) == [
        (40.0, 0.0, "2024-02-01"), (60.0, 10.0, "2024-03-01")]
    # one adjustment now carries the totals (the first one), the other goes
    adjust(api, {"PatPlanNum": pp, "insUsed": 500, "date": "2024-07-07"})
    rows = [c for c in w.claimprocs(api, PatNum=pat)
            if c["Status"] == "Adjustment"]
    assert [(c["ClaimProcNum"], c["InsPayAmt"], c["DedApplied"])
            for c in rows] == [(a["ClaimProcNum"], 500.0, 10.0)]


def test_benefit_year_renewing_in_july(api):
    pat, _, _, pp = make(api, MonthRenew=7)
    adjust(api, {"PatPlanNum": pp, "insUsed": 10, "date": "2023-08-01"})
    # 2024-03-10 is in the year that began 2023-07-01: the same row
    adjust(api, {"PatPlanNum": pp, "insUsed": 20, "date": "2024-03-10"})
    assert adjustments(api, pat) == [(20.0, 0.0, "2024-03-10")]
    # 2024-07-01 starts the next year
    adjust(api, {"PatPlanNum": pp, "insUsed": 30, "date": "2024-07-01"})
    assert sorted(adjustments(api, pat)) == [
        (20.0, 0.0, "2024-03-10"), (30.0, 0.0, "2024-07-01")]


def test_post_adds_an_adjustment(api):
    pat, plan, sub, pp = make(api)
    cp = w.post_to(api, URL, {"PatPlanNum": pp, "insUsed": "12.34",
                              "deductibleUsed": 5, "date": "2024-04-04"},
                   "claimprocs")
    assert list(cp)[0] == "ClaimProcNum" and "serverDateTime" not in cp
    assert (cp["Status"], cp["InsPayAmt"], cp["DedApplied"], cp["ProcDate"],
            cp["PlanNum"], cp["InsSubNum"], cp["PatNum"]) == (
        "Adjustment", 12.34, 5.0, "2024-04-04", plan, sub, pat)
    assert get(api, "claimprocs/%d" % cp["ClaimProcNum"]) == dict(
        cp, **{"SecDateTEdit": get(api, "claimprocs/%d" % cp["ClaimProcNum"])[
            "SecDateTEdit"]})
    # the date defaults to the database's today
    cp2 = w.post_to(api, URL, {"PatPlanNum": pp, "deductibleUsed": 1},
                    "claimprocs")
    assert cp2["ProcDate"] == w.today(api) and cp2["InsPayAmt"] == 0.0
    assert w.seclogs(api, "InsPlanEdit", pat) == ["Created", "Created"]


def test_put_counts_claims_already_paid(api):
    """The API page's example: $200 already paid on claims and insUsed 300
    make a $100 adjustment; insUsed equal to what was paid removes it. A
    claim not yet received counts its estimate."""
    pat, plan, sub, pp = make(api)
    w.percent(api, plan, 100)
    code = w.new_code(api, w.code_prefix())
    p1 = w.proc(api, pat, code, 200, "2024-04-01")
    p2 = w.proc(api, pat, code, 40, "2024-04-02")
    body = {"PatNum": pat, "ClaimType": "P", "InsSubNum": sub,
            "PatRelat": "Self"}
    c1 = w.post_to(api, "claims", dict(body, procNums=[p1]), "claims")
    [cp] = [c for c in w.claimprocs(api, ProcNum=p1)
            if c["ClaimNum"] == c1["ClaimNum"]]
    put(api, "claimprocs/%d" % cp["ClaimProcNum"],
        {"Status": "Received", "InsPayAmt": 200})
    adjust(api, {"PatPlanNum": pp, "insUsed": 300, "date": "2024-06-01"})
    assert adjustments(api, pat) == [(100.0, 0.0, "2024-06-01")]
    adjust(api, {"PatPlanNum": pp, "insUsed": 200, "date": "2024-06-01"})
    assert adjustments(api, pat) == []
    # a claim sent but not received: its estimate (40) counts
    w.post_to(api, "claims", dict(body, procNums=[p2]), "claims")
    adjust(api, {"PatPlanNum": pp, "insUsed": 250, "date": "2024-06-01"})
    assert adjustments(api, pat) == [(10.0, 0.0, "2024-06-01")]
