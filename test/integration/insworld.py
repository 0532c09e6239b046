"""A small insurance world made through the API for one test: a patient,
a carrier and plan with the benefits the test names, the patient's
subscription, procedure codes of its own, completed procedures. Every row
is new, so a test's hand-computed amounts depend on nothing seeded, and
the same calls work on every backend (the embedded sandbox too).

Procedure codes are "D0999" plus six hex digits: inside Open Dental's
default General coverage span (D0000-D7999) and outside every other
default category (Diagnostic ends at D0999), so a no-category annual max
applies to them and only the test's own coverage categories match."""
import uuid

from conftest import get, post

TODAY_PARAM = "payments?Limit=1"


def today(api):
    """The database's date (serverDateTime of a list GET)."""
    return get(api, "procedurelogs?Limit=1")[0]["serverDateTime"][:10]


def code_prefix():
    return "D0999" + uuid.uuid4().hex[:6].upper()


def new_code(api, proccode, fee=None, **extra):
    """A procedure code (TreatArea Mouth: no tooth or surface needed);
    with fee, its fee in the standard schedule (FeeSched 1)."""
    cat = get(api, "procedurecodes?Limit=1")[0]["ProcCat"]
    body = {"ProcCode": proccode, "Descript": "test " + proccode,
            "AbbrDesc": proccode[-6:], "TreatArea": "Mouth", "ProcCat": cat}
    body.update(extra)
    code = post(api, "procedurecodes", body)["CodeNum"]
    if fee is not None:
        fee_for(api, code, 1, fee)
    return code


def fee_for(api, codenum, feesched, amount):
    return post(api, "fees", {"Amount": amount, "CodeNum": codenum,
                              "FeeSched": feesched})["FeeNum"]


def new_feesched(api, kind="Normal"):
    return post(api, "feescheds", {"Description": "t " + uuid.uuid4().hex[:8],
                                   "FeeSchedType": kind})["FeeSchedNum"]


def new_patient(api, **extra):
    body = {"LName": "Ins" + uuid.uuid4().hex[:6], "FName": "Test"}
    body.update(extra)
    return post(api, "patients", body)["PatNum"]


def new_plan(api, **fields):
    carrier = post(api, "carriers", {"CarrierName": "Carrier " +
                                     uuid.uuid4().hex[:6]})["CarrierNum"]
    body = {"CarrierNum": carrier, "GroupName": "G " + uuid.uuid4().hex[:4]}
    body.update(fields)
    return post(api, "insplans", body)["PlanNum"]


def subscribe(api, pat, plan, ordinal=1, subscriber=None):
    """(InsSubNum, PatPlanNum) of pat on plan at ordinal."""
    sub = post(api, "inssubs", {"PlanNum": plan,
                                "Subscriber": subscriber or pat,
                                "SubscriberID": uuid.uuid4().hex[:9]})
    pp = post(api, "patplans", {"PatNum": pat, "InsSubNum": sub["InsSubNum"],
                                "Ordinal": ordinal})
    return sub["InsSubNum"], pp["PatPlanNum"]


def benefit(api, plan, **fields):
    body = {"PlanNum": plan, "CoverageLevel": "None"}
    body.update(fields)
    return post(api, "benefits", body)["BenefitNum"]


def percent(api, plan, pct, covcat=0, codenum=0):
    return benefit(api, plan, BenefitType="CoInsurance", Percent=pct,
                   CovCatNum=covcat, CodeNum=codenum)


def annual_max(api, plan, amount, level="Individual"):
    return benefit(api, plan, BenefitType="Limitations", MonetaryAmt=amount,
                   TimePeriod="CalendarYear", CoverageLevel=level)


def deductible(api, plan, amount, covcat=0, level="Individual"):
    return benefit(api, plan, BenefitType="Deductible", MonetaryAmt=amount,
                   TimePeriod="CalendarYear", CoverageLevel=level,
                   CovCatNum=covcat)


def covcat(api, prefix, suffixes=("",)):
    """A coverage category spanning prefix+"0" .. prefix+"Z" for each of
    the prefixes given (prefix + suffix)."""
    num = post(api, "covcats", {"Description": "cat " + prefix})["CovCatNum"]
    for s in suffixes:
        post(api, "covspans", {"CovCatNum": num, "FromCode": prefix + s,
                               "ToCode": prefix + s + "Z"})
    return num


def proc(api, pat, codenum, fee, date, status="C", **extra):
    body = {"PatNum": pat, "ProcDate": date, "ProcStatus": status,
            "CodeNum": codenum, "ProcFee": fee}
    body.update(extra)
    return post(api, "procedurelogs", body)["ProcNum"]


def claimprocs(api, **filters):
    q = "&".join("%s=%s" % kv for kv in filters.items())
    return get(api, "claimprocs?" + q)


def seclogs(api, perm, pat):
    """The API's securitylog rows of PermType perm for patient pat, as
    (verb, LogText)."""
    out, off = [], 0
    while True:
        rows = get(api, "securitylogs?PermType=%s&Offset=%d" % (perm, off))
        out += [r["LogText"].split(" by ")[0] for r in rows
                if r["PatNum"] == pat]
        if len(rows) < 1000:
            return out
        off += len(rows)


def post_to(api, path, body, resource, status=201):
    """POST to an action; on 201 the Location names the new row of
    resource (the key is the answer's first field)."""
    st, obj, r = api.request("POST", path, body)
    assert st == status, obj
    if status == 201:
        key = obj[list(obj)[0]]
        assert r.getheader("Location", "").endswith(
            "/api/v1/%s/%d" % (resource, key)), r.getheader("Location")
    return obj
