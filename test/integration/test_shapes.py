"""Every served GET against Appendix A (issue #16): each field's JSON type
as the documentation's example response shows it, and a list with no rows
answered 200 [] (spec 3.4).

The expectations are test/fixtures/appendix-a-types.json, made from the
spec's Appendix A by tools/appendix-types.py (the spec itself is not
shipped). A request is made for every documented GET the server routes:
path keys and required parameters are filled from the seeded practice's
own rows (a list that has some), then each field present in both the
answer and the documentation is compared. ALLOWED lists the deliberate
differences, each with its reason."""
import json
import os
import re
from urllib.parse import quote

import pytest

from conftest import TOP

with open(os.path.join(TOP, "test", "fixtures", "appendix-a-types.json"),
          encoding="utf-8") as _f:
    SPEC = json.load(_f)

GETS = [op for op in SPEC["operations"] if op["method"] == "GET" and
        op["fields"] and op["path"] not in ("/securityperms",)]

DATE = re.compile(r"^\d{4}-\d\d-\d\d$")
DATETIME = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$")
TIME = re.compile(r"^-?\d\d:\d\d:\d\d$")

# (path, field): why ours differs from the documentation's example.
ALLOWED = {
    ("/patients", "Zip"):
        "the example writes Zip as a number; it is a text column, a string "
        "in every other patients example and in spec 5.1 (Zip (string)); "
        "a number would lose leading zeros and ZIP+4",
    ("/paysplits", "SecDateTEdit"):
        "a timestamp column; the example shows only its date while every "
        "other resource's SecDateTEdit example is yyyy-MM-dd HH:mm:ss, "
        "which is what Open Dental's serializer writes for a DateTime",
    ("/paysplits", "SplitAmt"):
        "a money column (double): the example's amount had no cents; a "
        "JSON number either way",
    ("/payplans/{PayPlanNum}", "DownPayment"):
        "a money column (double), as SplitAmt: the example's 0 had no "
        "cents; a JSON number either way",
    ("/chartmodules/{PatNum}/PlannedAppts", "dateSched"):
        "ChartModules.GetPlannedApptsForApi writes \"\" while the planned "
        "appointment has no scheduled copy (the example is a scheduled one)",
    ("/accountmodules/{PatNum}/ServiceDateView", "ServiceDate"):
        "RpServiceDateView leaves ServiceDate blank on rows that are not a "
        "procedure (payments, day totals, Unallocated headers); the "
        "example is a procedure row",
    ("/procedurelogs/InsuranceHistory", "procDate"):
        "the spec gives \"No History\"/\"Not Set\" or a date "
        "(Procedures.GetInsHistForApi); the example is a dated one",
    ("/reports/Aging", "BalTotal"):
        "a money amount computed as Ledgers.cs does (cents); the example's "
        "amount had none; a JSON number either way",
    ("/reports/Aging", "PatientPortion"):
        "a money amount (BalTotal less InsEst), as BalTotal",
    ("/reports/Aging", "InsWoEst"):
        "a money amount (the write-off estimates), as BalTotal",
    ("/reports/Aging", "InsPayEst"):
        "a money amount (the insurance payment estimates), as BalTotal",
}

# Not paged lists: Slots are open times computed for a date range
# (Offset does not apply to them).
NOT_PAGED = {"/appointments/Slots", "/appointments/SlotsWebSched",
             # the ten categories of Insurance History, always all ten
             "/procedurelogs/InsuranceHistory"}

# Where a required parameter or path key can be found: a list route and
# its field. Values are tried in turn until the route answers rows.
SOURCES = {
    "PatNum": ("patients/Simple", "PatNum"),
    "AptNum": ("appointments", "AptNum"),
    "ProcNum": ("procedurelogs", "ProcNum"),
    "ClaimNum": ("claims", "ClaimNum"),
    "PlanNum": ("insplans", "PlanNum"),
    "InsSubNum": ("inssubs", "InsSubNum"),
    "ClaimPaymentNum": ("claimpayments", "ClaimPaymentNum"),
    "PayNum": ("payments", "PayNum"),
    "PayPlanNum": ("payplans", "PayPlanNum"),
    "PerioExamNum": ("perioexams", "PerioExamNum"),
    "TreatPlanNum": ("treatplans", "TreatPlanNum"),
    "SheetNum": ("sheets", "SheetNum"),
    "CovCatNum": ("covcats", "CovCatNum"),
    "TaskListNum": ("tasklists", "TaskListNum"),
    "TaskNum": ("tasks", "TaskNum"),
    "LaboratoryNum": ("laboratories", "LaboratoryNum"),
    "QuickPasteCatNum": ("quickpastecats", "QuickPasteCatNum"),
    "ScheduleNum": ("schedules", "ScheduleNum"),
    "EtransNum": ("etranss", "EtransNum"),
    "FieldName": ("apptfielddefs", "FieldName"),
    "Category": ("definitions", "Category"),
}

TRIES = 25


def path_keys(path):
    return re.findall(r"\{([^}]+)\}", path)


def rows_of(api, path):
    st, body, _ = api.request("GET", path)
    if st != 200:
        return st, body, [], path
    if isinstance(body, dict):
        return st, body, [body], path
    return st, body, body if isinstance(body, list) else [], path


def required(body):
    m = re.match(r"^(\w+) is required\.?$", body or "") \
        if isinstance(body, str) else None
    return m.group(1) if m else None


def candidates(api, name, depth):
    """Values for a parameter or key, from the rows of its source."""
    src = SOURCES.get(name)
    if not src or depth > 2:
        return []
    rows = fill(api, src[0], depth + 1)[2]
    out = []
    for r in rows:
        v = r.get(src[1])
        if v not in (None, "", 0, "0") and v not in out:
            out.append(v)
    return out[:TRIES]


def fill(api, path, depth=0, want_rows=True):
    """GET path, giving the parameters it says are required from the
    seeded rows; (status, body, rows, path) of the first try with rows (or
    the last try)."""
    st, body, rows, path = rows_of(api, path)
    name = required(body) if st == 400 else None
    if not name:
        return st, body, rows, path
    last = (st, body, rows, path)
    for v in candidates(api, name, depth):
        sep = "&" if "?" in path else "?"
        got = fill(api, "%s%s%s=%s" % (path, sep, name, quote(str(v))),
                   depth + 1)
        last = got
        if got[0] == 200 and (got[2] or not want_rows):
            return got
    return last


def resolve(api, op):
    """A request for the operation, with rows if the seed allows:
    (status, body, rows, path)."""
    path = op["path"].lstrip("/")
    keys = path_keys(path)
    if not keys:
        return fill(api, path)
    key = keys[0]
    base = path.split("/{")[0]
    tails = path[path.index("}") + 1:]
    if key in ("Parameters", "id"):
        key = None
    # the key's values: the same resource's list, else its source
    vals = []
    if key and key in SOURCES and tails:
        vals = candidates(api, key, 0)
    else:
        rows = fill(api, base)[2]
        for r in rows:
            v = r.get(key) if key else r.get(list(r)[0]) if r else None
            if v is None and r:
                v = r.get(next((k for k in r if k.endswith("Num")), ""), None)
            if v not in (None, "") and v not in vals:
                vals.append(v)
        vals = vals[:TRIES]
    last = (None, "no value for %s" % (key or "the key"), [], path)
    for v in vals:
        got = fill(api, "%s/%s%s" % (base, quote(str(v)), tails))
        last = got
        if got[0] == 200 and got[2]:
            return got
    return last


def type_ok(expect, v):
    if expect == "int":
        return isinstance(v, int) and not isinstance(v, bool)
    if expect == "number":
        return isinstance(v, (int, float)) and not isinstance(v, bool)
    if expect == "str":
        return isinstance(v, str)
    if expect == "boolStr":
        return isinstance(v, str) and v.lower() in ("true", "false")
    if expect == "dateStr":
        return isinstance(v, str) and bool(DATE.match(v))
    if expect == "datetimeStr":
        return isinstance(v, str) and bool(DATETIME.match(v))
    if expect == "timeStr":
        return isinstance(v, str) and bool(TIME.match(v))
    if expect == "numericStr":
        # a string: the example's value was digits, which a text column
        # (ElectID, SubscriberID) may hold too; a JSON number is wrong
        return isinstance(v, str)
    if expect == "array":
        return isinstance(v, list)
    if expect == "bool":
        return isinstance(v, bool) or (isinstance(v, str) and
                                       v.lower() in ("true", "false"))
    return True


def served(api, op):
    path = re.sub(r"\{[^}]+\}", "1", op["path"]).lstrip("/")
    st, body, _ = api.request("GET", path)
    return not (st in (400, 404) and isinstance(body, str) and
                ("is not a valid method" in body or
                 "is not a valid resource" in body))


@pytest.mark.parametrize("op", GETS, ids=[o["path"] for o in GETS])
def test_field_types_match_appendix_a(api, op):
    if not served(api, op):
        pytest.skip("not served: %s" % op["path"])
    st, body, rows, _ = resolve(api, op)
    if st != 200 or not rows:
        pytest.skip("the seeded practice has no rows for %s (%s %s)"
                    % (op["path"], st, body if isinstance(body, str) else
                       "[]"))
    doc = dict(op["fields"])
    bad = []
    for row in rows[:50]:
        for name, v in row.items():
            want = doc.get(name)
            if want is None or (op["path"], name) in ALLOWED:
                continue
            if not type_ok(want, v):
                bad.append("%s: %r is not %s" % (name, v, want))
    assert not sorted(set(bad)), "%s: %s" % (op["path"], sorted(set(bad)))


LISTS = [op for op in GETS if op["path"] not in NOT_PAGED and (
    not path_keys(op["path"]) or op["path"].endswith("ProgNotes") or
    op["path"].endswith("PlannedAppts"))]


@pytest.mark.parametrize("op", LISTS, ids=[o["path"] for o in LISTS])
def test_list_with_no_rows_is_200_empty(api, op):
    """spec 3.4: a list with no rows is 200 [] (past the last row)."""
    if not served(api, op):
        pytest.skip("not served: %s" % op["path"])
    st, body, _, path = resolve(api, op)
    if st != 200:
        pytest.skip("no request for %s answers 200 here (%s %s)"
                    % (op["path"], st, body))
    if isinstance(body, dict):
        pytest.skip("%s answers one object, not a list" % op["path"])
    if op["path"] == "/subscriptions":
        # the caller's subscriptions, all of them: no paging (docs/events.md)
        pytest.skip("/subscriptions has no paging; the demo key's seeded "
                    "subscription is always there")
    if op["path"] == "/procedurelogs/GroupNotes":
        # no paging (docs/resources.md): a patient without group notes
        path = "procedurelogs/GroupNotes?PatNum=999999999"
        assert api.request("GET", path)[:2] == (200, []), path
        return
    # the same request past its last row
    path = path.lstrip("/")
    path += ("&" if "?" in path else "?") + "Offset=1000000"
    assert api.request("GET", path)[:2] == (200, []), path
