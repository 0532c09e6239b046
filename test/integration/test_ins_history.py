"""GET and POST /procedurelogs/InsuranceHistory (lib/actions/inshist.c),
Open Dental's Insurance History window (FormInsHistSetup.cs) and
Procedures.InsertInsHistProcedureForApi, on every backend."""
import pytest

from conftest import db, err, get, post, put, server_only
import insworld as w

PREFS = ["InsHistBWCodes", "InsHistPanoCodes", "InsHistExamCodes",
         "InsHistProphyCodes", "InsHistPerioURCodes", "InsHistPerioULCodes",
         "InsHistPerioLRCodes", "InsHistPerioLLCodes",
         "InsHistPerioMaintCodes", "InsHistDebridementCodes"]
# the seeded preferences (Open Dental 24.3's defaults)
FIRST_CODE = {"InsHistBWCodes": "D0272", "InsHistPanoCodes": "D0210",
              "InsHistExamCodes": "D0120", "InsHistProphyCodes": "D1110",
              "InsHistPerioURCodes": "D4341", "InsHistPerioULCodes": "D4341",
              "InsHistPerioLRCodes": "D4341", "InsHistPerioLLCodes": "D4341",
              "InsHistPerioMaintCodes": "D4910",
              "InsHistDebridementCodes": "D4355"}


def insured(api):
    pat = w.new_patient(api)
    plan = w.new_plan(api)
    sub, _ = w.subscribe(api, pat, plan)
    return pat, plan, sub


def history(api, pat, sub):
    rows = get(api, "procedurelogs/InsuranceHistory?PatNum=%d&InsSubNum=%d"
               % (pat, sub))
    return {r["insHistPrefName"]: (r["procDate"], r["ProcNum"])
            for r in rows}, rows


def add(api, pat, sub, pref, date, status=201):
    return w.post_to(api, "procedurelogs/InsuranceHistory",
                     {"PatNum": pat, "InsSubNum": sub, "insHistPrefName": pref,
                      "ProcDate": date}, "procedurelogs", status)


def test_get_shape_and_errors(api):
    pat, _, sub = insured(api)
    hist, rows = history(api, pat, sub)
    assert [r["insHistPrefName"] for r in rows] == PREFS
    assert all(list(r) == ["insHistPrefName", "procDate", "ProcNum"]
               for r in rows)
    assert all(v == ("No History", 0) for v in hist.values())
    base = "procedurelogs/InsuranceHistory"
    assert err(api, "GET", base) == (400, "PatNum is required.")
    assert err(api, "GET", base + "?PatNum=%d" % pat) == (
        400, "InsSubNum is required.")
    assert err(api, "GET", base + "?PatNum=x&InsSubNum=1") == (
        400, "PatNum is invalid.")
    assert err(api, "GET", base + "?PatNum=999999&InsSubNum=%d" % sub) == (
        404, "Patient not found.")
    assert err(api, "GET", base + "?PatNum=%d&InsSubNum=999999" % pat) == (
        404, "InsSub not found.")
    other = w.new_patient(api)
    assert err(api, "GET", base + "?PatNum=%d&InsSubNum=%d" % (other, sub)) \
        == (400, "The patient has no PatPlan for this InsSub.")


def test_post_errors(api):
    pat, _, sub = insured(api)
    url = "procedurelogs/InsuranceHistory"
    good = {"PatNum": pat, "InsSubNum": sub, "insHistPrefName": PREFS[0],
            "ProcDate": "2024-01-02"}
    for name in ["PatNum", "InsSubNum", "insHistPrefName", "ProcDate"]:
        body = dict(good)
        del body[name]
        assert err(api, "POST", url, body) == (400, name + " is required.")
    for name, bad, msg in [
            ("PatNum", "x", "PatNum is invalid."),
            ("insHistPrefName", "InsHistBW", "insHistPrefName is invalid."),
            ("ProcDate", "01/02/2024", "ProcDate format must be yyyy-MM-dd."),
            ("ProcDate", "1850-01-01",
             "ProcDate must be between 1880 and 2100.")]:
        body = dict(good, **{name: bad})
        assert err(api, "POST", url, body) == (400, msg)
    assert err(api, "POST", url, dict(good, PatNum=999999)) == (
        404, "Patient not found.")
    assert err(api, "POST", url, dict(good, InsSubNum=999999)) == (
        404, "InsSub not found.")
    other = w.new_patient(api)
    assert err(api, "POST", url, dict(good, PatNum=other)) == (
        400, "The patient has no PatPlan for this InsSub.")
    assert get(api, "procedurelogs?PatNum=%d" % pat) == []


def test_post_makes_eo_procedure_and_inshist_claimproc(api):
    pat, plan, sub = insured(api)
    prov = get(api, "patients/%d" % pat)["PriProv"]
    p = add(api, pat, sub, "InsHistBWCodes", "2023-04-05")
    assert p["ProcStatus"] == "EO" and p["procCode"] == "D0272"
    assert p["ProcDate"] == "2023-04-05" and p["DateTP"] == "2023-04-05"
    assert p["ProcFee"] == "0.00" and p["Surf"] == "" and p["UnitQty"] == 1
    assert p["ProvNum"] == prov and p["PatNum"] == pat
    assert "serverDateTime" not in p
    assert get(api, "procedurelogs/%d" % p["ProcNum"])["ProcStatus"] == "EO"
    cps = w.claimprocs(api, ProcNum=p["ProcNum"])
    assert len(cps) == 1
    cp = cps[0]
    assert (cp["Status"], cp["PlanNum"], cp["InsSubNum"], cp["PatNum"],
            cp["ProvNum"], cp["ProcDate"], cp["ClaimNum"]) == (
        "InsHist", plan, sub, pat, prov, "2023-04-05", 0)
    assert w.seclogs(api, "ProcEdit", pat) == ["Created"]
    hist, _ = history(api, pat, sub)
    assert hist["InsHistBWCodes"] == ("2023-04-05", p["ProcNum"])
    assert all(v == ("No History", 0) for k, v in hist.items()
               if k != "InsHistBWCodes")


def test_latest_date_and_perio_quadrants(api):
    pat, _, sub = insured(api)
    a = add(api, pat, sub, "InsHistExamCodes", "2022-02-01")
    b = add(api, pat, sub, "InsHistExamCodes", "2024-06-30")
    add(api, pat, sub, "InsHistExamCodes", "2023-01-15")
    hist, _ = history(api, pat, sub)
    assert hist["InsHistExamCodes"] == ("2024-06-30", b["ProcNum"])
    assert a["procCode"] == FIRST_CODE["InsHistExamCodes"]
    # the four quadrants share the scaling code: each finds its surface
    ll = add(api, pat, sub, "InsHistPerioLLCodes", "2024-02-02")
    ur = add(api, pat, sub, "InsHistPerioURCodes", "2023-09-09")
    assert (ll["Surf"], ur["Surf"]) == ("LL", "UR")
    assert ll["procCode"] == "D4341"
    hist, _ = history(api, pat, sub)
    assert hist["InsHistPerioLLCodes"] == ("2024-02-02", ll["ProcNum"])
    assert hist["InsHistPerioURCodes"] == ("2023-09-09", ur["ProcNum"])
    assert hist["InsHistPerioULCodes"] == ("No History", 0)
    assert hist["InsHistPerioLRCodes"] == ("No History", 0)
    # another subscription of the same patient has its own history
    plan2 = w.new_plan(api)
    sub2, _ = w.subscribe(api, pat, plan2, ordinal=2)
    hist2, _ = history(api, pat, sub2)
    assert all(v == ("No History", 0) for v in hist2.values())


@pytest.mark.parametrize("pref", PREFS)
def test_each_category_first_code(api, pref):
    pat, _, sub = insured(api)
    p = add(api, pat, sub, pref, "2021-03-04")
    assert p["procCode"] == FIRST_CODE[pref]
    hist, _ = history(api, pat, sub)
    assert hist[pref] == ("2021-03-04", p["ProcNum"])


def test_not_set_preference(api):
    server_only(api)
    pat, _, sub = insured(api)
    db(api, "UPDATE preference SET ValueString = ' ' WHERE PrefName = "
            "'InsHistPanoCodes'")
    try:
        hist, _ = history(api, pat, sub)
        assert hist["InsHistPanoCodes"] == ("Not Set", 0)
        assert err(api, "POST", "procedurelogs/InsuranceHistory",
                   {"PatNum": pat, "InsSubNum": sub,
                    "insHistPrefName": "InsHistPanoCodes",
                    "ProcDate": "2024-01-01"}) == (
            400, "The InsHistPanoCodes preference has no procedure code.")
        # a list of several codes: the first in Open Dental's code order
        db(api, "UPDATE preference SET ValueString = ' D0330 , D0210' WHERE "
                "PrefName = 'InsHistPanoCodes'")
        assert add(api, pat, sub, "InsHistPanoCodes",
                   "2024-01-01")["procCode"] == "D0210"
    finally:
        db(api, "UPDATE preference SET ValueString = 'D0210' WHERE PrefName "
                "= 'InsHistPanoCodes'")


def test_received_claims_and_fixed_code_groups_count(api):
    """A completed procedure counts once insurance received it (a Received
    claimproc of the InsSub), and the codes of the category's fixed code
    group count as well as the preference's."""
    pat, plan, sub = insured(api)
    w.percent(api, plan, 100)
    exam = get(api, "procedurecodes?ProcCode=D0120")
    exam = [c for c in exam if c["ProcCode"] == "D0120"][0]["CodeNum"]
    p = w.proc(api, pat, exam, 40, "2024-08-08")
    claim = w.post_to(api, "claims", {"PatNum": pat, "procNums": [p],
                                      "ClaimType": "P", "InsSubNum": sub,
                                      "PatRelat": "Self"}, "claims")
    hist, _ = history(api, pat, sub)
    assert hist["InsHistExamCodes"] == ("No History", 0)  # not received yet
    [cp] = [c for c in w.claimprocs(api, ProcNum=p)
            if c["ClaimNum"] == claim["ClaimNum"]]
    put(api, "claimprocs/%d" % cp["ClaimProcNum"], {"Status": "Received"})
    hist, _ = history(api, pat, sub)
    assert hist["InsHistExamCodes"] == ("2024-08-08", p)
    # a code of the BW code group (CodeGroupFixed BW)
    code = w.new_code(api, w.code_prefix())
    proccode = get(api, "procedurecodes/%d" % code)["ProcCode"]
    groups = [g for g in get(api, "codegroups") if g["CodeGroupFixed"] == "BW"]
    if groups:
        g = groups[0]
        put(api, "codegroups/%d" % g["CodeGroupNum"],
            {"ProcCodes": g["ProcCodes"] + "," + proccode})
    else:
        g = post(api, "codegroups", {"GroupName": "BW " + proccode,
                                     "ProcCodes": proccode,
                                     "CodeGroupFixed": "BW"})
    try:
        q = w.proc(api, pat, code, 30, "2024-09-09")
        c2 = w.post_to(api, "claims", {"PatNum": pat, "procNums": [q],
                                       "ClaimType": "P", "InsSubNum": sub,
                                       "PatRelat": "Self"}, "claims")
        [cp2] = [c for c in w.claimprocs(api, ProcNum=q)
                 if c["ClaimNum"] == c2["ClaimNum"]]
        put(api, "claimprocs/%d" % cp2["ClaimProcNum"], {"Status": "Received"})
        hist, _ = history(api, pat, sub)
        assert hist["InsHistBWCodes"] == ("2024-09-09", q)
    finally:
        if groups:
            put(api, "codegroups/%d" % g["CodeGroupNum"],
                {"ProcCodes": g["ProcCodes"]})
        else:
            put(api, "codegroups/%d" % g["CodeGroupNum"],
                {"ProcCodes": "", "IsHidden": "true"})
