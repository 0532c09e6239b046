"""POST /treatplans/Saved (lib/actions/tpsaved.c): a Saved treatment plan
with proctp rows copied from an Active or Inactive plan, amounts as the
Treatment Plan module computes them, on every backend."""
from conftest import err, get
import insworld as w

DAY = "2024-05-10"


def plan_with(api, procs_fees, **planfields):
    """A patient whose Inactive treatment plan holds TP procedures of its
    own codes with the fees given; returns (pat, plan, tp, procs, codes)."""
    prefix = w.code_prefix()
    pat = w.new_patient(api)
    plan = w.new_plan(api, **planfields)
    w.subscribe(api, pat, plan)
    tp = w.post_to(api, "treatplans", {"PatNum": pat, "Heading": "Plan A",
                                       "Note": "read me"}, "treatplans")
    procs, codes = [], []
    for i, fee in enumerate(procs_fees):
        code = w.new_code(api, prefix + "ABCDEF"[i])
        p = w.proc(api, pat, code, fee, DAY, status="TP")
        w.post_to(api, "treatplanattaches",
                  {"TreatPlanNum": tp["TreatPlanNum"], "ProcNum": p},
                  "treatplanattaches")
        procs.append(p)
        codes.append(code)
    return pat, plan, tp, procs, codes


def saved(api, body, status=201):
    return w.post_to(api, "treatplans/Saved", body, "treatplans", status)


def test_saved_plan_amounts(api):
    """50%, $50 deductible: A $200: (200-50) x 50% = 75, the patient 125;
    B $100: 50, the patient 50."""
    pat, plan, tp, (a, b), _ = plan_with(api, [200, 100])
    w.percent(api, plan, 50)
    w.deductible(api, plan, 50)
    w.annual_max(api, plan, 1000)
    users = get(api, "userods")
    presenter = users[0]["UserNum"] if users else 0
    body = {"TreatPlanNum": tp["TreatPlanNum"]}
    if presenter:
        body["UserNumPresenter"] = presenter
    s = saved(api, body)
    today = w.today(api)
    assert (s["TPStatus"], s["PatNum"], s["Heading"], s["Note"], s["DateTP"],
            s["UserNumPresenter"], s["TPType"]) == (
        "Saved", pat, "Plan A", "read me", today, presenter, tp["TPType"])
    assert s["TreatPlanNum"] != tp["TreatPlanNum"]
    rows = get(api, "proctps?TreatPlanNum=%d" % s["TreatPlanNum"])
    got = [(r["ProcNumOrig"], r["ItemOrder"], r["FeeAmt"], r["PriInsAmt"],
            r["SecInsAmt"], r["Discount"], r["PatAmt"], r["FeeAllowed"])
           for r in rows]
    assert got == [(a, 0, 200.0, 75.0, 0.0, 0.0, 125.0, 0.0),
                   (b, 1, 100.0, 50.0, 0.0, 0.0, 50.0, 0.0)]
    assert rows[0]["Descript"].endswith(" Pri Deduct Applied: $50.00")
    assert "Deduct" not in rows[1]["Descript"]
    assert all(r["PatNum"] == pat and r["DateTP"] != "" for r in rows)
    # the source plan and its procedures are unchanged
    assert get(api, "treatplans?PatNum=%d&TPStatus=Inactive" % pat)[0][
        "TreatPlanNum"] == tp["TreatPlanNum"]
    assert len(get(api, "treatplanattaches?TreatPlanNum=%d"
                   % tp["TreatPlanNum"])) == 2
    assert w.seclogs(api, "TreatPlanEdit", pat)[-1] == "Created"


def test_saved_ppo_discount_and_heading(api):
    """PPO 100% with a $150 PPO fee on a $200 procedure: insurance 150,
    write-off 50 shown as the discount, the patient nothing."""
    fs = w.new_feesched(api)
    pat, plan, tp, (a,), (code,) = plan_with(api, [200], PlanType="p",
                                             FeeSched=fs)
    w.percent(api, plan, 100)
    w.fee_for(api, code, fs, 150)
    s = saved(api, {"TreatPlanNum": tp["TreatPlanNum"],
                    "Heading": "Presented"})
    assert s["Heading"] == "Presented"
    [r] = get(api, "proctps?TreatPlanNum=%d" % s["TreatPlanNum"])
    assert (r["FeeAmt"], r["PriInsAmt"], r["Discount"], r["PatAmt"],
            r["FeeAllowed"]) == (200.0, 150.0, 50.0, 0.0, 150.0)


def test_errors(api):
    pat, plan, tp, _, _ = plan_with(api, [10])
    url = "treatplans/Saved"
    assert err(api, "POST", url, {}) == (400, "TreatPlanNum is required.")
    assert err(api, "POST", url, {"TreatPlanNum": "x"}) == (
        400, "TreatPlanNum is invalid.")
    assert err(api, "POST", url, {"TreatPlanNum": 999999}) == (
        404, "TreatPlan not found.")
    assert err(api, "POST", url, {"TreatPlanNum": tp["TreatPlanNum"],
                                  "Heading": "  "}) == (
        400, "Heading cannot be blank.")
    assert err(api, "POST", url, {"TreatPlanNum": tp["TreatPlanNum"],
                                  "UserNumPresenter": 999999}) == (
        400, "UserNumPresenter is invalid.")
    s = saved(api, {"TreatPlanNum": tp["TreatPlanNum"]})
    assert err(api, "POST", url, {"TreatPlanNum": s["TreatPlanNum"]}) == (
        400, "An Active or Inactive TreatPlan must be given: Saved treatment "
             "plans cannot be saved again.")
    assert len(get(api, "treatplans?PatNum=%d" % pat)) == 2
