"""covcats, covspans, codegroups, discountplans, discountplansubs and
substitutionlinks (lib/resources/coverage.c), through HTTP against the seeded test
database and the embedded sandbox."""


from conftest import mysql
from conftest import uniq, put, err, post, db_lacks, absent_msg

COVCAT = ["CovCatNum", "Description", "DefaultPercent", "CovOrder",
          "IsHidden", "EbenefitCat"]
COVSPAN = ["CovSpanNum", "CovCatNum", "FromCode", "ToCode"]
CODEGROUP = ["CodeGroupNum", "GroupName", "ProcCodes", "ItemOrder",
             "CodeGroupFixed", "IsHidden", "ShowInAgeLimit",
             "ShowInFrequency", "ShowInOther"]
DISCOUNTPLAN = ["DiscountPlanNum", "Description", "FeeSchedNum", "DefNum",
                "adjustmentType", "IsHidden", "PlanNote", "ExamFreqLimit",
                "XrayFreqLimit", "ProphyFreqLimit", "FluorideFreqLimit",
                "PerioFreqLimit", "LimitedExamFreqLimit", "PAFreqLimit",
                "AnnualMax"]
DPSUB = ["DiscountSubNum", "DiscountPlanNum", "PatNum", "DateEffective",
         "DateTerm", "SubNote"]
SUBSTLINK_GET = ["SubstiutionLinkNum", "PlanNum", "CodeNum",
                 "SubstitutionCode", "SubstOnlyIf"]
SUBSTLINK = ["SubstitutionLinkNum", "PlanNum", "CodeNum", "SubstitutionCode",
             "SubstOnlyIf"]

# EnumPermType
SETUP, INS_PLAN_EDIT, DP_ADD_DROP, DP_ADD, DP_EDIT = 8, 110, 161, 209, 210


def get(api, path, status=200):
    st, obj, _ = api.request("GET", path)
    assert st == status, obj
    return obj


def logs(api, perm, fkey):
    """The securitylog rows of a write (server backend: by SQL; both: the
    developer's own rows through GET /securitylogs)."""
    if api.backend != "server":
        return None
    return mysql("SELECT LogText, LogSource FROM securitylog WHERE "
                 "PermType = %d AND FKey = %d ORDER BY SecurityLogNum"
                 % (perm, fkey), db=api.db_name)


def assert_logged(api, perm, fkey, verbs):
    """The last rows for (perm, fkey) are verbs, in order (covcats, covspans
    and codegroups share PermType Setup, so older rows of another table with
    the same key may come first)."""
    rows = logs(api, perm, fkey)
    if rows is None:
        return
    rows = rows[-len(verbs):]
    assert [r[0].split(" by ")[0] for r in rows] == verbs, rows
    assert all(r[0].endswith(" by Sandbox Developer through API.") and
               r[1] == "23" for r in rows), rows


def own_log_count(api, permname):
    _, rows, _ = api.request("GET", "securitylogs?PermType=%s&Limit=1000"
                             % permname)
    return len(rows)


# ---- covcats --------------------------------------------------------------------

def test_covcats_post_appends_and_round_trips(api):
    before = get(api, "covcats")
    n_logs = own_log_count(api, "Setup")
    name = uniq("Implants")[:50]
    c = post(api, "covcats", {"Description": name, "DefaultPercent": 80,
                              "EbenefitCat": "Prosthodontics"})
    assert list(c) == COVCAT
    assert (c["Description"], c["DefaultPercent"], c["IsHidden"],
            c["EbenefitCat"]) == (name, 80, "false", "Prosthodontics")
    # CovOrder: after every existing category
    assert c["CovOrder"] == max([r["CovOrder"] for r in before] + [-1]) + 1
    d = post(api, "covcats", {"Description": uniq("Ortho")[:50]})
    assert (d["DefaultPercent"], d["EbenefitCat"], d["IsHidden"]) == (
        -1, "None", "false")
    assert d["CovOrder"] == c["CovOrder"] + 1
    # CovOrder is not taken on POST
    e = post(api, "covcats", {"Description": uniq("X"), "CovOrder": 0})
    assert e["CovOrder"] == d["CovOrder"] + 1

    one = get(api, "covcats/%d" % c["CovCatNum"])
    assert list(one) == COVCAT and one == c
    rows = get(api, "covcats")
    assert all(list(r) == COVCAT for r in rows)
    assert c in rows and d in rows
    orders = [(r["CovOrder"], r["CovCatNum"]) for r in rows]
    assert orders == sorted(orders)
    page = get(api, "covcats?Offset=1&Limit=2")
    assert page == rows[1:3]

    u = put(api, "covcats/%d" % c["CovCatNum"],
            {"IsHidden": "true", "EbenefitCat": "crowns"})
    assert list(u) == COVCAT
    assert (u["IsHidden"], u["EbenefitCat"]) == ("true", "Crowns")
    assert (u["Description"], u["DefaultPercent"], u["CovOrder"]) == (
        c["Description"], 80, c["CovOrder"])
    u = put(api, "covcats/%d" % c["CovCatNum"], {"CovOrder": 200,
                                                 "DefaultPercent": -1})
    assert (u["CovOrder"], u["DefaultPercent"]) == (200, -1)
    assert get(api, "covcats/%d" % c["CovCatNum"]) == u

    assert_logged(api, SETUP, c["CovCatNum"], ["Created", "Updated",
                                               "Updated"])
    assert own_log_count(api, "Setup") >= n_logs + 5


def test_covcats_errors(api):
    assert err(api, "GET", "covcats/999999") == (404, "CovCat not found.")
    assert err(api, "PUT", "covcats/999999", {"IsHidden": "true"}) == (
        404, "CovCat not found.")
    assert err(api, "POST", "covcats", {"DefaultPercent": 5}) == (
        400, "Description is required.")
    assert err(api, "POST", "covcats", {"Description": "x",
                                        "EbenefitCat": "Implants"}) == (
        400, "EbenefitCat is invalid.")
    assert err(api, "POST", "covcats", {"Description": "x",
                                        "EbenefitCat": 3}) == (
        400, "EbenefitCat is invalid.")
    for bad in (101, -2, "ten"):
        assert err(api, "POST", "covcats", {"Description": "x",
                                            "DefaultPercent": bad}) == (
            400, "DefaultPercent is invalid.")
    assert err(api, "POST", "covcats", {"Description": "x",
                                        "IsHidden": "maybe"}) == (
        400, "IsHidden is invalid.")
    assert err(api, "POST", "covcats", {"Description": "x" * 51}) == (
        400, "Description is too long.")
    c = post(api, "covcats", {"Description": uniq("Err")})
    assert err(api, "PUT", "covcats/%d" % c["CovCatNum"],
               {"CovOrder": 256}) == (400, "CovOrder is invalid.")
    assert err(api, "PUT", "covcats/%d" % c["CovCatNum"], {}) == (
        400, "No fields to update were provided.")
    # no DELETE (not documented): refused, the row stays
    assert err(api, "DELETE", "covcats/%d" % c["CovCatNum"])[0] in (400, 404,
                                                                     405)
    assert get(api, "covcats/%d" % c["CovCatNum"]) == c


# ---- covspans -------------------------------------------------------------------

def test_covspans_round_trip_filter_delete(api):
    cat = post(api, "covcats", {"Description": uniq("Span")})["CovCatNum"]
    other = post(api, "covcats", {"Description": uniq("Span2")})["CovCatNum"]
    a = post(api, "covspans", {"CovCatNum": cat, "FromCode": "D1400",
                               "ToCode": "D1499"})
    assert list(a) == COVSPAN
    assert (a["CovCatNum"], a["FromCode"], a["ToCode"]) == (cat, "D1400",
                                                           "D1499")
    b = post(api, "covspans", {"CovCatNum": cat, "FromCode": "D9000",
                               "ToCode": "D9999"})
    c = post(api, "covspans", {"CovCatNum": other, "FromCode": "D0000",
                               "ToCode": "D0999"})
    assert get(api, "covspans/%d" % a["CovSpanNum"]) == a
    assert get(api, "covspans?CovCatNum=%d" % cat) == [a, b]
    assert get(api, "covspans?CovCatNum=%d" % other) == [c]
    rows = get(api, "covspans")
    assert all(list(r) == COVSPAN for r in rows) and a in rows and c in rows
    assert [r["CovSpanNum"] for r in rows] == sorted(
        r["CovSpanNum"] for r in rows)
    assert get(api, "covspans?CovCatNum=%d&Offset=1&Limit=1" % cat) == [b]
    assert get(api, "covspans?CovCatNum=999999") == []

    u = put(api, "covspans/%d" % a["CovSpanNum"], {"ToCode": "D1599"})
    assert u == dict(a, ToCode="D1599")
    # CovCatNum is not changed by PUT
    u = put(api, "covspans/%d" % a["CovSpanNum"], {"CovCatNum": other,
                                                   "FromCode": "D1000"})
    assert (u["CovCatNum"], u["FromCode"]) == (cat, "D1000")
    # against the stored ToCode
    assert err(api, "PUT", "covspans/%d" % a["CovSpanNum"],
               {"FromCode": "D2000"}) == (
        400, "FromCode must be less than ToCode.")

    st, body = err(api, "DELETE", "covspans/%d" % b["CovSpanNum"])
    assert st == 200, body
    assert err(api, "GET", "covspans/%d" % b["CovSpanNum"]) == (
        404, "CovSpan not found.")
    assert err(api, "DELETE", "covspans/%d" % b["CovSpanNum"]) == (
        404, "CovSpan not found.")
    assert get(api, "covspans?CovCatNum=%d" % cat) == [u]
    assert_logged(api, SETUP, a["CovSpanNum"], ["Created", "Updated",
                                                "Updated"])
    assert_logged(api, SETUP, b["CovSpanNum"], ["Created", "Deleted"])


def test_covspans_errors(api):
    cat = post(api, "covcats", {"Description": uniq("SpanErr")})["CovCatNum"]
    ok = {"CovCatNum": cat, "FromCode": "D1", "ToCode": "D2"}
    for f in ("CovCatNum", "FromCode", "ToCode"):
        body = dict(ok)
        del body[f]
        assert err(api, "POST", "covspans", body) == (400,
                                                      "%s is required." % f)
    assert err(api, "POST", "covspans", dict(ok, CovCatNum=999999)) == (
        400, "CovCatNum is invalid.")
    assert err(api, "POST", "covspans", dict(ok, CovCatNum=0)) == (
        400, "CovCatNum is invalid.")
    assert err(api, "POST", "covspans", dict(ok, FromCode="D3")) == (
        400, "FromCode must be less than ToCode.")
    assert err(api, "POST", "covspans", dict(ok, ToCode="D1")) == (
        400, "FromCode must be less than ToCode.")
    assert err(api, "POST", "covspans", dict(ok, ToCode="D" * 16)) == (
        400, "ToCode is too long.")
    assert err(api, "GET", "covspans/999999") == (404, "CovSpan not found.")
    assert err(api, "PUT", "covspans/999999", {"ToCode": "D9"}) == (
        404, "CovSpan not found.")


# ---- codegroups -----------------------------------------------------------------

def codegroup_lacks(api):
    """ShowInFrequency and ShowInOther came after Open Dental 24.3."""
    return db_lacks(api, "codegroup", "ShowInFrequency", "ShowInOther")


def test_codegroups_round_trip(api):
    lacks = codegroup_lacks(api)
    keys = [k for k in CODEGROUP if k not in lacks]
    n_before = len(get(api, "codegroups"))
    name = uniq("Perio")
    g = post(api, "codegroups", {"GroupName": name, "ProcCodes": "D4910",
                                 "CodeGroupFixed": "Perio",
                                 "ShowInAgeLimit": "true"})
    assert list(g) == keys
    assert (g["GroupName"], g["ProcCodes"], g["CodeGroupFixed"],
            g["IsHidden"], g["ShowInAgeLimit"]) == (
                name, "D4910", "Perio", "false", "true")
    assert {k: g[k] for k in ("ShowInFrequency", "ShowInOther")
            if k not in lacks} == {k: "false" for k in ("ShowInFrequency",
                                                         "ShowInOther")
                                   if k not in lacks}
    h = post(api, "codegroups", {"GroupName": uniq("BW")})
    assert (h["ProcCodes"], h["CodeGroupFixed"]) == ("", "None")
    assert h["ItemOrder"] == g["ItemOrder"] + 1
    assert get(api, "codegroups/%d" % g["CodeGroupNum"]) == g
    rows = get(api, "codegroups")
    assert len(rows) == n_before + 2 and g in rows and h in rows
    assert all(list(r) == keys for r in rows)
    assert get(api, "codegroups?Limit=1&Offset=%d" % (len(rows) - 1)) == [h]

    u = put(api, "codegroups/%d" % g["CodeGroupNum"],
            {"ProcCodes": "D4910,D4346", "ShowInAgeLimit": "false",
             "IsHidden": "true"})
    assert u == dict(g, ProcCodes="D4910,D4346", ShowInAgeLimit="false",
                     IsHidden="true")
    # hidden: a Show* flag cannot be turned on
    assert err(api, "PUT", "codegroups/%d" % g["CodeGroupNum"],
               {"ShowInAgeLimit": "true"}) == (
        400, "IsHidden cannot be true when ShowInAgeLimit, ShowInFrequency "
             "or ShowInOther is true.")
    if "ShowInOther" in lacks:
        # a field of a later Open Dental version: refused, nothing changed
        assert err(api, "PUT", "codegroups/%d" % g["CodeGroupNum"],
                   {"IsHidden": "false", "ShowInOther": "true"}) == (
            400, absent_msg("ShowInOther"))
        assert get(api, "codegroups/%d" % g["CodeGroupNum"])["IsHidden"] \
            == "true"
        u = put(api, "codegroups/%d" % g["CodeGroupNum"],
                {"IsHidden": "false", "ShowInAgeLimit": "true"})
        assert (u["IsHidden"], u["ShowInAgeLimit"]) == ("false", "true")
    else:
        assert err(api, "PUT", "codegroups/%d" % g["CodeGroupNum"],
                   {"ShowInOther": "true"}) == (
            400, "IsHidden cannot be true when ShowInAgeLimit, "
                 "ShowInFrequency or ShowInOther is true.")
        u = put(api, "codegroups/%d" % g["CodeGroupNum"],
                {"IsHidden": "false", "ShowInOther": "true"})
        assert (u["IsHidden"], u["ShowInOther"]) == ("false", "true")
    assert_logged(api, SETUP, g["CodeGroupNum"], ["Created", "Updated",
                                                  "Updated"])


def test_codegroups_errors(api):
    lacks = codegroup_lacks(api)
    assert err(api, "POST", "codegroups", {"ProcCodes": "D1"}) == (
        400, "GroupName is required.")
    assert err(api, "POST", "codegroups", {"GroupName": uniq("g"),
                                           "CodeGroupFixed": "Implant"}) == (
        400, "CodeGroupFixed is invalid.")
    assert err(api, "POST", "codegroups", {"GroupName": uniq("g"),
                                           "IsHidden": "true",
                                           "ShowInAgeLimit": "true"}) == (
        400, "IsHidden cannot be true when ShowInAgeLimit, ShowInFrequency "
             "or ShowInOther is true.")
    name = uniq("g")
    if "ShowInFrequency" in lacks:
        assert err(api, "POST", "codegroups", {"GroupName": name,
                                               "ShowInFrequency": "true"}) \
            == (400, absent_msg("ShowInFrequency"))
        assert name not in [g["GroupName"] for g in get(api, "codegroups")]
    else:
        assert err(api, "POST", "codegroups", {"GroupName": name,
                                               "IsHidden": "true",
                                               "ShowInFrequency": "true"}) \
            == (400, "IsHidden cannot be true when ShowInAgeLimit, "
                     "ShowInFrequency or ShowInOther is true.")
    name = uniq("Dup")
    post(api, "codegroups", {"GroupName": name})
    assert err(api, "POST", "codegroups", {"GroupName": name}) == (
        400, "A CodeGroup with that GroupName already exists.")
    assert err(api, "GET", "codegroups/999999") == (404,
                                                    "CodeGroup not found.")
    assert err(api, "PUT", "codegroups/999999", {"GroupName": "x"}) == (
        404, "CodeGroup not found.")


# ---- discountplans / discountplansubs ----------------------------------------------

def dp_setup(api):
    fs = post(api, "feescheds", {"Description": uniq("DP fees"),
                                 "FeeSchedType": "Normal"})["FeeSchedNum"]
    adj = post(api, "definitions", {"ItemName": uniq("Discount Plan"),
                                    "category": "AdjTypes",
                                    "ItemValue": "dp"})
    other = post(api, "definitions", {"ItemName": uniq("Plain adj"),
                                      "category": "AdjTypes",
                                      "ItemValue": "+"})
    return fs, adj, other["DefNum"]


def test_discountplans_round_trip(api):
    fs, adj, _ = dp_setup(api)
    d = post(api, "discountplans", {"Description": uniq("Happy Smiles"),
                                    "FeeSchedNum": fs,
                                    "DefNum": adj["DefNum"],
                                    "PlanNote": "50% cash", "ExamFreqLimit": 1,
                                    "AnnualMax": 1000})
    assert list(d) == DISCOUNTPLAN
    assert (d["FeeSchedNum"], d["DefNum"], d["adjustmentType"], d["IsHidden"],
            d["PlanNote"], d["ExamFreqLimit"], d["XrayFreqLimit"],
            d["PAFreqLimit"], d["AnnualMax"]) == (
        fs, adj["DefNum"], adj["ItemName"], "false", "50% cash", 1, -1, -1,
        1000.0)
    assert isinstance(d["AnnualMax"], float)
    e = post(api, "discountplans", {"Description": uniq("Basic"),
                                    "FeeSchedNum": fs,
                                    "DefNum": adj["DefNum"]})
    assert e["AnnualMax"] == -1.0 and e["ExamFreqLimit"] == -1
    assert get(api, "discountplans/%d" % d["DiscountPlanNum"]) == d
    rows = get(api, "discountplans")
    assert all(list(r) == DISCOUNTPLAN for r in rows)
    assert rows[-2:] == [d, e]
    assert get(api, "discountplans?Offset=%d&Limit=1" % (len(rows) - 1)) == [e]

    u = put(api, "discountplans/%d" % d["DiscountPlanNum"],
            {"IsHidden": "true", "XrayFreqLimit": 2, "AnnualMax": 500.5})
    assert u == dict(d, IsHidden="true", XrayFreqLimit=2, AnnualMax=500.5)
    assert_logged(api, DP_ADD, d["DiscountPlanNum"], ["Created"])
    assert_logged(api, DP_EDIT, d["DiscountPlanNum"], ["Updated"])


def test_discountplans_errors(api):
    fs, adj, plain = dp_setup(api)
    ok = {"Description": uniq("dp"), "FeeSchedNum": fs,
          "DefNum": adj["DefNum"]}
    for f in ("Description", "FeeSchedNum", "DefNum"):
        body = dict(ok)
        del body[f]
        assert err(api, "POST", "discountplans", body) == (
            400, "%s is required." % f)
    assert err(api, "POST", "discountplans", dict(ok, DefNum=plain)) == (
        400, "DefNum is invalid.")
    assert err(api, "POST", "discountplans", dict(ok, DefNum=0)) == (
        400, "DefNum is invalid.")
    assert err(api, "POST", "discountplans", dict(ok, FeeSchedNum=999999)) == (
        400, "FeeSchedNum is invalid.")
    assert err(api, "POST", "discountplans", dict(ok, PerioFreqLimit=-2)) == (
        400, "PerioFreqLimit is invalid.")
    assert err(api, "POST", "discountplans", dict(ok, AnnualMax="lots")) == (
        400, "AnnualMax is invalid.")
    assert err(api, "GET", "discountplans/999999") == (
        404, "DiscountPlan not found.")
    assert err(api, "PUT", "discountplans/999999", {"IsHidden": "true"}) == (
        404, "DiscountPlan not found.")


def new_patient(api):
    return post(api, "patients", {"LName": "Discount",
                                  "FName": "Pat"})["PatNum"]


def test_discountplansubs_round_trip(api):
    fs, adj, _ = dp_setup(api)
    plan = post(api, "discountplans", {"Description": uniq("Sub plan"),
                                       "FeeSchedNum": fs,
                                       "DefNum": adj["DefNum"]})
    pat = new_patient(api)
    s = post(api, "discountplansubs", {"DiscountPlanNum":
                                       plan["DiscountPlanNum"],
                                       "PatNum": pat,
                                       "DateEffective": "2021-01-01",
                                       "DateTerm": "2022-01-01"})
    assert list(s) == DPSUB
    assert (s["DiscountPlanNum"], s["PatNum"], s["DateEffective"],
            s["DateTerm"], s["SubNote"]) == (plan["DiscountPlanNum"], pat,
                                             "2021-01-01", "2022-01-01", "")
    # GET ?PatNum= answers the patient's one subscription as an object
    assert get(api, "discountplansubs?PatNum=%d" % pat) == s
    pat2 = new_patient(api)
    t = post(api, "discountplansubs", {"DiscountPlanNum":
                                       plan["DiscountPlanNum"],
                                       "PatNum": pat2})
    assert (t["DateEffective"], t["DateTerm"]) == ("0001-01-01",
                                                   "0001-01-01")

    u = put(api, "discountplansubs/%d" % s["DiscountSubNum"],
            {"PatNum": pat, "SubNote": "25% discount", "DateTerm":
             "2024-12-31"})
    assert u == dict(s, SubNote="25% discount", DateTerm="2024-12-31")
    assert get(api, "discountplansubs?PatNum=%d" % pat) == u

    st, body = err(api, "DELETE", "discountplansubs/%d" % s["DiscountSubNum"])
    assert st == 200, body
    # no subscription: 200 [] (spec 3.4); a patient that does not exist:
    # the page's 404
    assert err(api, "GET", "discountplansubs?PatNum=%d" % pat) == (200, [])
    assert err(api, "GET", "discountplansubs?PatNum=99999999") == (
        404, "Patient not found.")
    assert err(api, "DELETE", "discountplansubs/%d" % s["DiscountSubNum"]) == (
        404, "DiscountPlanSub not found.")
    assert_logged(api, DP_ADD_DROP, s["DiscountSubNum"],
                  ["Created", "Updated", "Deleted"])
    if api.backend == "server":
        rows = mysql("SELECT PatNum FROM securitylog WHERE PermType = %d AND "
                     "FKey = %d" % (DP_ADD_DROP, s["DiscountSubNum"]),
                     db=api.db_name)
        assert rows and all(r == [str(pat)] for r in rows), rows


def test_discountplansubs_errors(api):
    fs, adj, _ = dp_setup(api)
    plan = post(api, "discountplans", {"Description": uniq("Err plan"),
                                       "FeeSchedNum": fs,
                                       "DefNum": adj["DefNum"]})
    dpn = plan["DiscountPlanNum"]
    pat = new_patient(api)
    assert err(api, "GET", "discountplansubs") == (400, "PatNum is required.")
    assert err(api, "POST", "discountplansubs", {"PatNum": pat}) == (
        400, "DiscountPlanNum is required.")
    assert err(api, "POST", "discountplansubs", {"DiscountPlanNum": dpn}) == (
        400, "PatNum is required.")
    assert err(api, "POST", "discountplansubs", {"DiscountPlanNum": dpn,
                                                 "PatNum": 99999999}) == (
        404, "Patient not found.")
    assert err(api, "POST", "discountplansubs", {"DiscountPlanNum": 999999,
                                                 "PatNum": pat}) == (
        404, "DiscountPlan not found.")
    assert err(api, "POST", "discountplansubs", {"DiscountPlanNum": dpn,
                                                 "PatNum": pat,
                                                 "DateTerm": "2021-13-01"}) == (
        400, "DateTerm format must be yyyy-MM-dd.")
    assert err(api, "POST", "discountplansubs", {"DiscountPlanNum": dpn,
                                                 "PatNum": pat,
                                                 "DateEffective": "2022-01-01",
                                                 "DateTerm": "2021-01-01"}) == (
        400, "DateTerm cannot be before DateEffective.")
    s = post(api, "discountplansubs", {"DiscountPlanNum": dpn, "PatNum": pat,
                                       "DateEffective": "2022-01-01"})
    assert err(api, "POST", "discountplansubs", {"DiscountPlanNum": dpn,
                                                 "PatNum": pat}) == (
        400, "The patient is already subscribed to a DiscountPlan.")
    path = "discountplansubs/%d" % s["DiscountSubNum"]
    assert err(api, "PUT", path, {"SubNote": "x"}) == (
        400, "PatNum is required.")
    assert err(api, "PUT", path, {"PatNum": new_patient(api),
                                  "SubNote": "x"}) == (
        400, "PatNum does not match the DiscountPlanSub.")
    assert err(api, "PUT", path, {"PatNum": 99999999, "SubNote": "x"}) == (
        404, "Patient not found.")
    assert err(api, "PUT", path, {"PatNum": pat, "DateTerm": "2021-06-01"}) == (
        400, "DateTerm cannot be before DateEffective.")
    assert err(api, "PUT", "discountplansubs/999999", {"PatNum": pat}) == (
        404, "DiscountPlanSub not found.")


# ---- substitutionlinks ---------------------------------------------------------------

def subst_setup(api):
    carrier = post(api, "carriers", {"CarrierName": uniq("Subst Ins")})
    plan = post(api, "insplans", {"CarrierNum": carrier["CarrierNum"]})
    codes = get(api, "procedurecodes?Limit=3")
    assert len(codes) == 3
    return plan["PlanNum"], codes


def test_substitutionlinks_round_trip(api):
    plan, codes = subst_setup(api)
    a = post(api, "substitutionlinks", {"PlanNum": plan,
                                        "CodeNum": codes[0]["CodeNum"],
                                        "SubstitutionCode":
                                        codes[1]["ProcCode"],
                                        "SubstOnlyIf": "Molar"})
    assert list(a) == SUBSTLINK
    assert (a["PlanNum"], a["CodeNum"], a["SubstitutionCode"],
            a["SubstOnlyIf"]) == (plan, codes[0]["CodeNum"],
                                  codes[1]["ProcCode"], "Molar")
    b = post(api, "substitutionlinks", {"PlanNum": plan,
                                        "CodeNum": codes[1]["CodeNum"],
                                        "SubstitutionCode":
                                        codes[2]["ProcCode"],
                                        "SubstOnlyIf": "always"})
    rows = get(api, "substitutionlinks?PlanNum=%d" % plan)
    assert all(list(r) == SUBSTLINK_GET for r in rows)
    as_get = lambda o: dict(zip(SUBSTLINK_GET, o.values()))  # noqa: E731
    assert rows == [as_get(a), as_get(b)]
    assert b["SubstOnlyIf"] == "Always"
    assert get(api, "substitutionlinks?PlanNum=%d&Offset=1&Limit=5"
               % plan) == [as_get(b)]
    assert as_get(a) in get(api, "substitutionlinks")

    u = put(api, "substitutionlinks/%d" % a["SubstitutionLinkNum"],
            {"SubstOnlyIf": "SecondMolar", "PlanNum": 999999})
    assert u == dict(a, SubstOnlyIf="SecondMolar")
    u = put(api, "substitutionlinks/%d" % a["SubstitutionLinkNum"],
            {"SubstitutionCode": codes[2]["ProcCode"]})
    assert u["SubstitutionCode"] == codes[2]["ProcCode"]

    st, body = err(api, "DELETE", "substitutionlinks/%d"
                   % b["SubstitutionLinkNum"])
    assert st == 200, body
    assert get(api, "substitutionlinks?PlanNum=%d" % plan) == [as_get(u)]
    assert err(api, "DELETE", "substitutionlinks/%d"
               % b["SubstitutionLinkNum"]) == (
        404, "SubstitutionLink not found.")
    assert_logged(api, INS_PLAN_EDIT, a["SubstitutionLinkNum"],
                  ["Created", "Updated", "Updated"])
    assert_logged(api, INS_PLAN_EDIT, b["SubstitutionLinkNum"],
                  ["Created", "Deleted"])


def test_substitutionlinks_errors(api):
    plan, codes = subst_setup(api)
    ok = {"PlanNum": plan, "CodeNum": codes[0]["CodeNum"],
          "SubstitutionCode": codes[1]["ProcCode"], "SubstOnlyIf": "Never"}
    for f in ("PlanNum", "CodeNum", "SubstitutionCode", "SubstOnlyIf"):
        body = dict(ok)
        del body[f]
        assert err(api, "POST", "substitutionlinks", body) == (
            400, "%s is required." % f)
    assert err(api, "POST", "substitutionlinks", dict(ok, SubstOnlyIf="Sometimes")) == (
        400, "SubstOnlyIf is invalid.")
    assert err(api, "POST", "substitutionlinks", dict(ok, PlanNum=999999)) == (
        400, "PlanNum is invalid.")
    assert err(api, "POST", "substitutionlinks", dict(ok, CodeNum=0)) == (
        400, "CodeNum is invalid.")
    # case-sensitive ProcCode
    assert err(api, "POST", "substitutionlinks", dict(
        ok, SubstitutionCode=codes[1]["ProcCode"].lower())) == (
        400, "SubstitutionCode is invalid.")
    s = post(api, "substitutionlinks", ok)
    assert err(api, "POST", "substitutionlinks", ok) == (
        400, "A SubstitutionLink already exists for this PlanNum and CodeNum.")
    assert err(api, "PUT", "substitutionlinks/%d" % s["SubstitutionLinkNum"],
               {"SubstitutionCode": "NOPE1"}) == (
        400, "SubstitutionCode is invalid.")
    assert err(api, "PUT", "substitutionlinks/999999",
               {"SubstOnlyIf": "Molar"}) == (
        404, "SubstitutionLink not found.")
