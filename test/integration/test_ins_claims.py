"""POST /claims, PUT /claims/{ClaimNum}/Split and POST
/claimprocs/Supplemental (lib/actions/claimnew.c, claimcalc.c, insest.c,
claimsplit.c, insadjust.c) on every backend. Each test builds its own
insured patient through the API (insworld.py) and checks Open Dental's
estimate rules against amounts computed by hand in the comments."""
import pytest

from conftest import err, get, put
import insworld as w

CLAIM = ["ClaimNum", "PatNum", "DateService", "DateSent", "ClaimStatus",
         "DateReceived", "PlanNum", "ProvTreat", "ClaimFee", "InsPayEst",
         "InsPayAmt", "DedApplied", "IsProsthesis", "PriorDate",
         "ReasonUnderPaid", "ClaimNote", "ClaimType", "ProvBill",
         "PlaceService", "AccidentRelated", "AccidentDate", "AccidentST",
         "IsOrtho", "OrthoRemainM", "OrthoDate", "PatRelat", "WriteOff",
         "ClaimForm", "InsSubNum", "PriorAuthorizationNumber",
         "CustomTracking", "customTracking", "OrthoTotalM", "SecDateTEdit"]
DAY = "2024-05-10"


class World:
    """A patient with one plan (more with add_plan) and codes of its own."""

    def __init__(self, api, **plan):
        self.api = api
        self.prefix = w.code_prefix()
        self.pat = w.new_patient(api)
        self.plan = w.new_plan(api, **plan)
        self.sub, self.patplan = w.subscribe(api, self.pat, self.plan)
        self.codes = {}

    def add_plan(self, ordinal, **plan):
        num = w.new_plan(self.api, **plan)
        sub, pp = w.subscribe(self.api, self.pat, num, ordinal=ordinal)
        return num, sub, pp

    def code(self, suffix, fee=None):
        c = w.new_code(self.api, self.prefix + suffix, fee)
        self.codes[suffix] = c
        return c

    def proc(self, suffix, fee, date=DAY, **extra):
        code = self.codes.get(suffix) or self.code(suffix)
        return w.proc(self.api, self.pat, code, fee, date, **extra)

    def claim(self, procs, ctype="P", sub=None, status=201, **extra):
        body = {"PatNum": self.pat, "procNums": procs, "ClaimType": ctype,
                "InsSubNum": sub or self.sub, "PatRelat": "Self"}
        body.update(extra)
        return w.post_to(self.api, "claims", body, "claims", status)

    def cps(self, proc):
        return w.claimprocs(self.api, ProcNum=proc)


def line(cps, claim):
    [cp] = [c for c in cps if c["ClaimNum"] == claim]
    return cp


def test_percentages_deductible_and_annual_max(api):
    """General 50%, category A 80%, code C 100%; $50 deductible, $200
    annual max. In claim order (same date, ProcNum):
      A $100: deductible 50, (100-50) x 80% = 40      (max left 200)
      B $300: deductible 0 (used), 300 x 50% = 150    (max left 160)
      C  $50: 50 x 100% = 50, capped at 200-40-150 = 10: "Over annual max"
    Claim: fee 450, estimate 200, deductible 50."""
    x = World(api)
    cat = w.covcat(api, x.prefix + "A")
    w.percent(api, x.plan, 50)
    w.percent(api, x.plan, 80, covcat=cat)
    x.code("C")
    w.percent(api, x.plan, 100, codenum=x.codes["C"])
    w.deductible(api, x.plan, 50)
    w.annual_max(api, x.plan, 200)
    a, b, c = x.proc("A1", 100), x.proc("B", 300), x.proc("C", 50)
    cl = x.claim([c, a, b])
    assert list(cl) == CLAIM
    assert (cl["ClaimFee"], cl["InsPayEst"], cl["DedApplied"],
            cl["WriteOff"], cl["InsPayAmt"]) == (450.0, 200.0, 50.0, 0.0, 0.0)
    want = {a: (100.0, 40.0, 50.0, 80, 80.0, ""),
            b: (300.0, 150.0, 0.0, 50, 150.0, ""),
            c: (50.0, 10.0, 0.0, 100, 50.0, "Over annual max")}
    for proc, (fee, est, ded, pct, base, note) in want.items():
        cp = line(x.cps(proc), cl["ClaimNum"])
        assert (cp["Status"], cp["FeeBilled"], cp["InsPayEst"],
                cp["DedApplied"], cp["Percentage"], cp["BaseEst"],
                cp["InsEstTotal"], cp["DedEst"], cp["EstimateNote"],
                cp["PlanNum"], cp["InsSubNum"], cp["WriteOff"]) == (
            "NotReceived", fee, est, ded, pct, base, est, ded, note, x.plan,
            x.sub, 0.0), proc


def test_claim_fields_and_defaults(api):
    x = World(api)
    w.percent(api, x.plan, 100)
    p1 = x.proc("A", 80.5, date="2024-03-01")
    p2 = x.proc("B", 20, date="2024-03-04")
    cl = x.claim([p2, p1])
    today = w.today(api)
    assert (cl["PatNum"], cl["PlanNum"], cl["InsSubNum"], cl["ClaimType"],
            cl["ClaimStatus"], cl["DateSent"], cl["DateService"],
            cl["PatRelat"], cl["IsProsthesis"], cl["PlaceService"]) == (
        x.pat, x.plan, x.sub, "P", "W", today, "2024-03-04", "Self", "N",
        "Office")
    assert get(api, "claims/%d" % cl["ClaimNum"]) == cl
    # the code sent: a "D" code longer than five is cut to five
    assert line(x.cps(p1), cl["ClaimNum"])["CodeSent"] == x.prefix[:5]
    assert w.seclogs(api, "ClaimEdit", x.pat) == ["Created"]
    # given values win
    p3 = x.proc("C", 10)
    prov = get(api, "providers")[0]["ProvNum"]
    cl2 = x.claim([p3], DateService="2024-01-02", DateSent="2024-02-03",
                  ProvTreat=prov, ProvBill=prov, PatRelat="Spouse",
                  ClaimForm=0)
    assert (cl2["DateService"], cl2["DateSent"], cl2["ProvTreat"],
            cl2["ProvBill"], cl2["PatRelat"]) == (
        "2024-01-02", "2024-02-03", prov, prov, "Spouse")


def test_ppo_writeoff(api):
    """PPO, 100%: a $100 procedure whose PPO fee is $70 is estimated at 70
    with a write-off of 30; one without a PPO fee at its whole fee, no
    write-off."""
    fs = w.new_feesched(api)
    x = World(api, PlanType="p", FeeSched=fs)
    w.percent(api, x.plan, 100)
    w.fee_for(api, x.code("A"), fs, 70)
    a, b = x.proc("A", 100), x.proc("B", 40)
    cl = x.claim([a, b])
    assert (cl["ClaimFee"], cl["InsPayEst"], cl["WriteOff"]) == (
        140.0, 110.0, 30.0)
    ca, cb = line(x.cps(a), cl["ClaimNum"]), line(x.cps(b), cl["ClaimNum"])
    assert (ca["InsPayEst"], ca["WriteOff"], ca["WriteOffEst"],
            ca["BaseEst"]) == (70.0, 30.0, 30.0, 70.0)
    assert (cb["InsPayEst"], cb["WriteOff"], cb["WriteOffEst"]) == (
        40.0, 0.0, 0.0)


def test_history_counts_against_deductible_and_max(api):
    """Adjustments of the benefit year (InsAdjust) used $30 of the $50
    deductible and $150 of the $200 maximum: a $100 procedure at 100% is
    deductible 20, (100-20) = 80 capped at 50."""
    x = World(api)
    w.percent(api, x.plan, 100)
    w.deductible(api, x.plan, 50)
    w.annual_max(api, x.plan, 200)
    st, _, _ = api.request("PUT", "claimprocs/InsAdjust",
                           {"PatPlanNum": x.patplan, "insUsed": 150,
                            "deductibleUsed": 30, "date": "2024-02-01"})
    assert st == 200
    # last year's adjustment does not count
    w.post_to(api, "claimprocs/InsAdjust",
              {"PatPlanNum": x.patplan, "insUsed": 1000,
               "date": "2023-12-31"}, "claimprocs")
    p = x.proc("A", 100)
    cl = x.claim([p])
    cp = line(x.cps(p), cl["ClaimNum"])
    assert (cp["DedApplied"], cp["InsPayEst"], cp["EstimateNote"]) == (
        20.0, 50.0, "Over annual max")
    assert (cl["DedApplied"], cl["InsPayEst"]) == (20.0, 50.0)


def test_secondary_claim_coordinates_with_primary(api):
    """Primary 80% estimates 160 of $200; the secondary (50%, standard
    coordination) pays the lesser of its own 100 and what is left:
    200 - 160 = 40."""
    x = World(api)
    w.percent(api, x.plan, 80)
    plan2, sub2, _ = x.add_plan(2, CobRule="Standard")
    w.percent(api, plan2, 50)
    p = x.proc("A", 200)
    pri = x.claim([p])
    assert pri["InsPayEst"] == 160.0
    assert err(api, "POST", "claims", {
        "PatNum": x.pat, "procNums": [p], "ClaimType": "S", "InsSubNum":
        x.sub, "PatRelat": "Self"}) == (
        400, "InsSubNum is not the patient's secondary dental insurance "
             "(ClaimType S).")
    sec = x.claim([p], ctype="S", sub=sub2)
    assert (sec["ClaimType"], sec["PlanNum"], sec["InsSubNum"],
            sec["InsPayEst"], sec["ClaimFee"]) == ("S", plan2, sub2, 40.0,
                                                   200.0)
    cp = line(x.cps(p), sec["ClaimNum"])
    assert (cp["PaidOtherIns"], cp["BaseEst"], cp["InsPayEst"]) == (
        160.0, 40.0, 40.0)
    # the same procedure to the same insurance twice
    assert err(api, "POST", "claims", {
        "PatNum": x.pat, "procNums": [p], "ClaimType": "P", "InsSubNum":
        x.sub, "PatRelat": "Self"}) == (
        400, "Not allowed to send a procedure to the same insurance "
             "company twice.")


def test_other_and_capitation_claims_bill_the_fee_only(api):
    x = World(api)
    w.percent(api, x.plan, 100)
    p = x.proc("A", 75)
    cl = x.claim([p], ctype="Other")
    assert (cl["ClaimType"], cl["ClaimStatus"], cl["DateSent"],
            cl["ClaimFee"], cl["InsPayEst"]) == ("Other", "U", "0001-01-01",
                                                 75.0, 0.0)
    y = World(api, PlanType="c")
    q = y.proc("A", 60)
    cap = y.claim([q])
    assert (cap["ClaimType"], cap["ClaimFee"], cap["InsPayEst"]) == (
        "Cap", 60.0, 0.0)
    cps = y.cps(q)
    # the claim has a copy; the CapComplete claimproc stays
    assert sorted(c["Status"] for c in cps) == ["CapClaim", "CapComplete"]
    assert err(api, "POST", "claims", {
        "PatNum": x.pat, "procNums": [x.proc("B", 5)], "ClaimType": "Cap",
        "InsSubNum": x.sub, "PatRelat": "Self"}) == (
        400, "ClaimType Cap is only for capitation plans.")


def test_ucr_fee_billed(api):
    """ClaimsUseUCR: FeeBilled is the larger of the fee and the provider's
    schedule's fee ($90 in the standard schedule, fee $60)."""
    x = World(api, ClaimsUseUCR="true")
    w.percent(api, x.plan, 100)
    x.code("A", fee=90)
    p = x.proc("A", 60, ProvNum=get(api, "providers")[0]["ProvNum"])
    prov = get(api, "procedurelogs/%d" % p)["ProvNum"]
    sched = get(api, "providers/%d" % prov)["FeeSched"]
    cl = x.claim([p])
    assert cl["ClaimFee"] == (90.0 if sched == 1 else 60.0)


def test_errors(api):
    x = World(api)
    p = x.proc("A", 10)
    good = {"PatNum": x.pat, "procNums": [p], "ClaimType": "P",
            "InsSubNum": x.sub, "PatRelat": "Self"}
    for name in ["PatNum", "procNums", "ClaimType", "InsSubNum", "PatRelat"]:
        body = dict(good)
        del body[name]
        assert err(api, "POST", "claims", body) == (
            400, name + " is required."), name
    for name, bad, msg in [
            ("procNums", [], "procNums is required."),
            ("procNums", "1,2", "procNums is invalid."),
            ("procNums", [0], "procNums is invalid."),
            ("ClaimType", "X", "ClaimType is invalid."),
            ("PatRelat", "Cousin", "PatRelat is invalid."),
            ("DateService", "5/10/2024", "DateService format must be "
                                         "yyyy-MM-dd."),
            ("ProvTreat", "x", "ProvTreat is invalid.")]:
        assert err(api, "POST", "claims", dict(good, **{name: bad})) == (
            400, msg), name
    st, msg = err(api, "POST", "claims", dict(good, ClaimType="PreAuth"))
    assert st == 400 and msg.startswith("ClaimType PreAuth is not supported")
    assert err(api, "POST", "claims", dict(good, PatNum=999999)) == (
        404, "Patient not found.")
    assert err(api, "POST", "claims", dict(good, procNums=[999999])) == (
        404, "Procedure not found: 999999.")
    other = World(api)
    q = other.proc("A", 10)
    assert err(api, "POST", "claims", dict(good, procNums=[p, q])) == (
        400, "Procedure %d is not for this patient." % q)
    assert err(api, "POST", "claims", dict(good, InsSubNum=other.sub)) == (
        400, "InsSubNum is not one of the patient's PatPlans.")
    tp = x.proc("B", 10, status="TP")
    assert err(api, "POST", "claims", dict(good, procNums=[tp])) == (
        400, "Procedure %d is not complete. Claims can only be made for "
             "procedures with a ProcStatus of C." % tp)
    uninsured = w.new_patient(api)
    r = w.proc(api, uninsured, x.codes["A"], 5, DAY)
    assert err(api, "POST", "claims", dict(good, PatNum=uninsured,
                                           procNums=[r])) == (
        400, "Patient does not have insurance.")
    nb = w.new_code(api, x.prefix + "N", NoBillIns="true")
    n = w.proc(api, x.pat, nb, 10, DAY)
    assert err(api, "POST", "claims", dict(good, procNums=[p, n])) == (
        400, "Not allowed to send procedures to insurance that are marked "
             "'Do not bill to ins'.")
    # nothing was written by the refusals
    assert x.cps(p) == [] and get(api, "claims?PatNum=%d" % x.pat) == []


# ---- PUT /claims/{ClaimNum}/Split ------------------------------------------

def three_line_claim(api):
    x = World(api)
    w.percent(api, x.plan, 100)
    a, b, c = x.proc("A", 100), x.proc("B", 50), x.proc("C", 30)
    return x, (a, b, c), x.claim([a, b, c])


def split(api, claim, procs, status=200):
    st, obj, _ = api.request("PUT", "claims/%d/Split" % claim,
                             {"ProcNums": procs})
    assert st == status, obj
    return obj


def test_split(api):
    x, (a, b, c), cl = three_line_claim(api)
    assert (cl["ClaimFee"], cl["InsPayEst"]) == (180.0, 180.0)
    defs = get(api, "definitions?Category=31")
    if defs:
        w.post_to(api, "claimtrackings", {
            "ClaimNum": cl["ClaimNum"], "TrackingDefNum": defs[0]["DefNum"],
            "Note": "called"}, "claimtrackings")
    res = split(api, cl["ClaimNum"], [c, "%d" % b, c])
    new = res["ClaimNum"]
    assert list(res) == ["ClaimNum", "ProcNums"] and res["ProcNums"] == [c, b]
    orig, copy = get(api, "claims/%d" % cl["ClaimNum"]), get(
        api, "claims/%d" % new)
    assert (orig["ClaimFee"], orig["InsPayEst"]) == (100.0, 100.0)
    assert (copy["ClaimFee"], copy["InsPayEst"], copy["InsPayAmt"]) == (
        80.0, 80.0, 0.0)
    same = ["PatNum", "DateService", "DateSent", "ClaimStatus", "PlanNum",
            "ProvTreat", "ClaimType", "ProvBill", "PatRelat", "InsSubNum",
            "PlaceService", "ClaimNote"]
    assert [copy[k] for k in same] == [orig[k] for k in same]
    assert [line(x.cps(p), new)["ProcNum"] for p in (b, c)] == [b, c]
    assert line(x.cps(a), cl["ClaimNum"])["ClaimNum"] == cl["ClaimNum"]
    if defs:
        notes = get(api, "claimtrackings?ClaimNum=%d" % new)
        assert len(notes) == 1 and notes[0]["Note"].startswith(
            "Split claim original entry timestamp: ")
        assert notes[0]["Note"].endswith(" called")
    assert w.seclogs(api, "ClaimEdit", x.pat) == [
        "Created", "Updated", "Created"]


def test_split_errors(api):
    x, (a, b, c), cl = three_line_claim(api)
    num = cl["ClaimNum"]
    st, obj, _ = api.request("PUT", "claims/0/Split", {"ProcNums": [a]})
    assert (st, obj) == (400, "ClaimNum is invalid.")
    assert err(api, "PUT", "claims/999999/Split", {"ProcNums": [a]}) == (
        404, "Claim not found")
    assert err(api, "PUT", "claims/%d/Split" % num, {}) == (
        400, "ProcNums is required.")
    assert err(api, "PUT", "claims/%d/Split" % num, {"ProcNums": "1"}) == (
        400, "ProcNums is invalid.")
    other = x.proc("D", 5)
    assert err(api, "PUT", "claims/%d/Split" % num,
               {"ProcNums": [a, other]}) == (
        400, "All ProcNums must be procedures attached to the claim.")
    assert err(api, "PUT", "claims/%d/Split" % num,
               {"ProcNums": [a, b, c]}) == (
        400, "At least one procedure needs to remain on this claim in order "
             "to split it.")
    cp = line(x.cps(b), num)["ClaimProcNum"]
    put(api, "claimprocs/%d" % cp, {"InsPayAmt": 10})
    assert err(api, "PUT", "claims/%d/Split" % num, {"ProcNums": [b]}) == (
        400, "All selected procedures must have zero insurance payment "
             "amounts.")
    assert get(api, "claims/%d" % num)["ClaimFee"] == 180.0
    assert len(get(api, "claims?PatNum=%d" % x.pat)) == 1


# ---- POST /claimprocs/Supplemental -----------------------------------------

def test_supplemental(api):
    x, (a, b, c), cl = three_line_claim(api)
    num = cl["ClaimNum"]
    cp = line(x.cps(a), num)
    url = "claimprocs/Supplemental"
    assert err(api, "POST", url, {}) == (400, "ClaimProcNum is required.")
    assert err(api, "POST", url, {"ClaimProcNum": 999999}) == (
        404, "ClaimProc not found.")
    assert err(api, "POST", url, {"ClaimProcNum": cp["ClaimProcNum"],
                                  "InsPayAmt": "lots"}) == (
        400, "InsPayAmt is invalid.")
    assert err(api, "POST", url, {"ClaimProcNum": cp["ClaimProcNum"]}) == (
        400, "Supplemental payments can only be made on ClaimProcs with a "
             "Status of Received.")
    put(api, "claimprocs/%d" % cp["ClaimProcNum"],
        {"Status": "Received", "InsPayAmt": 80})
    s = w.post_to(api, url, {"ClaimProcNum": cp["ClaimProcNum"],
                             "InsPayAmt": "12.50"}, "claimprocs")
    today = w.today(api)
    assert s["ClaimProcNum"] != cp["ClaimProcNum"]
    assert (s["Status"], s["InsPayAmt"], s["FeeBilled"], s["InsPayEst"],
            s["DedApplied"], s["WriteOff"], s["ProcNum"], s["ClaimNum"],
            s["PlanNum"], s["InsSubNum"], s["CodeSent"], s["DateCP"],
            s["DateEntry"], s["ClaimPaymentNum"], s["Remarks"]) == (
        "Supplemental", 12.5, 0.0, 0.0, 0.0, 0.0, a, num, x.plan, x.sub,
        cp["CodeSent"], today, today, 0, "")
    # the claim's totals are its claimprocs' sums again
    claim = get(api, "claims/%d" % num)
    assert (claim["InsPayAmt"], claim["ClaimFee"], claim["InsPayEst"]) == (
        92.5, 180.0, 180.0)
    # a supplemental payment of nothing (InsPayAmt left out) is allowed
    z = w.post_to(api, url, {"ClaimProcNum": cp["ClaimProcNum"]},
                  "claimprocs")
    assert z["InsPayAmt"] == 0.0
    assert err(api, "POST", url, {"ClaimProcNum": s["ClaimProcNum"]}) == (
        400, "Supplemental payments can only be made on ClaimProcs with a "
             "Status of Received.")
    assert w.seclogs(api, "InsPayCreate", x.pat) == ["Created", "Created"]
