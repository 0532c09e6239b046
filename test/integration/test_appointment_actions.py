"""schedules, the appointment actions Break/Note/Confirm and
GET /appointments/Slots (issue "Resources I"), through HTTP against the
seeded test database and the embedded sandbox."""
import datetime
import re
import urllib.parse

import pytest

from conftest import mysql

SCHED_FIELDS = [
    "ScheduleNum", "SchedDate", "StartTime", "StopTime", "SchedType",
    "ProvNum", "BlockoutType", "blockoutType", "Note", "operatories",
    "EmployeeNum", "DateTStamp"]

EVIL = "'; DROP TABLE patient; --"


def db_rows(api, sql):
    if api.backend != "server":
        return None
    return mysql(sql, db=api.db_name)


def today(api):
    _, rows, _ = api.request("GET", "procedurelogs?Limit=1")
    return datetime.date.fromisoformat(rows[0]["serverDateTime"][:10])


def weekday_after(api, days):
    """A Monday-Friday at least `days` after today (inside the seeded
    schedules, which run to today + 27)."""
    d = today(api) + datetime.timedelta(days=days)
    while d.weekday() >= 5:
        d += datetime.timedelta(days=1)
    return d


def new_appt(api, when="2031-02-03 09:00:00", **extra):
    status, pat, _ = api.request("POST", "patients",
                                 {"LName": "Acttest", "FName": "Pat"})
    assert status == 201
    body = {"PatNum": pat["PatNum"], "Op": 1, "AptDateTime": when}
    body.update(extra)
    status, apt, _ = api.request("POST", "appointments", body)
    assert status == 201, apt
    return apt


def get_appt(api, apt):
    status, a, _ = api.request("GET", "appointments/%d" % apt["AptNum"])
    assert status == 200
    return a


# ---- schedules ----------------------------------------------------------------

def test_schedules_shape_all_strings_sorted(api):
    d = weekday_after(api, 3).isoformat()
    status, rows, _ = api.request("GET", "schedules?date=" + d)
    assert status == 200 and rows
    for s in rows:
        assert list(s.keys()) == SCHED_FIELDS
        assert all(isinstance(v, str) for v in s.values())
        assert s["SchedDate"] == d and s["SchedType"] == "Provider"
        assert re.match(r"^\d+$", s["ScheduleNum"])
        assert re.match(r"^\d\d:\d\d:\d\d$", s["StartTime"])
        assert re.match(r"^(\d+(,\d+)*)?$", s["operatories"])
    keys = [(s["SchedDate"], s["StartTime"], int(s["ScheduleNum"]))
            for s in rows]
    assert keys == sorted(keys)
    one = rows[0]
    status, got, _ = api.request("GET", "schedules/" + one["ScheduleNum"])
    assert (status, got) == (200, one)
    ops = [int(x) for x in one["operatories"].split(",")]
    assert ops == sorted(ops)


def test_schedules_default_is_today(api):
    t = today(api).isoformat()
    assert api.request("GET", "schedules")[1] == \
        api.request("GET", "schedules?date=" + t)[1]


def test_schedules_filters(api):
    a = weekday_after(api, 1)
    b = a + datetime.timedelta(days=6)
    _, rows, _ = api.request("GET", "schedules?dateStart=%s&dateEnd=%s"
                             % (a, b))
    dates = {s["SchedDate"] for s in rows}
    assert dates and min(dates) >= a.isoformat() and \
        max(dates) <= b.isoformat() and len(dates) > 1
    _, rows, _ = api.request("GET", "schedules?dateStart=%s&dateEnd=%s&"
                             "ProvNum=2" % (a, b))
    assert rows and all(s["ProvNum"] == "2" for s in rows)
    _, rows, _ = api.request("GET", "schedules?date=%s&SchedType=Provider"
                             % a)
    assert rows and all(s["SchedType"] == "Provider" for s in rows)
    assert api.request("GET", "schedules?date=%s&SchedType=Blockout" % a
                       )[:2] == (200, [])
    assert api.request("GET", "schedules?date=%s&BlockoutDefNum=1" % a
                       )[:2] == (200, [])
    assert api.request("GET", "schedules?date=%s&EmployeeNum=5" % a
                       )[:2] == (200, [])
    assert api.request("GET", "schedules?SchedType=1")[:2] == (
        400, "SchedType is invalid.")
    assert api.request("GET", "schedules?date=2024-02-30")[:2] == (
        400, "date format must be yyyy-MM-dd")
    assert api.request("GET", "schedules?ProvNum=" + urllib.parse.quote(EVIL)
                       )[:2] == (400, "ProvNum is invalid.")
    assert api.request("GET", "schedules?dateStart=" +
                       urllib.parse.quote(EVIL))[0] == 400


def test_schedule_missing_and_read_only(api):
    assert api.request("GET", "schedules/99999999")[:2] == (
        404, "Schedule not found")
    assert api.request("POST", "schedules", {"SchedDate": "2024-01-01"}
                       )[0] == 400
    assert api.request("DELETE", "schedules/1")[0] == 400


# ---- Note -------------------------------------------------------------------------

def test_note_appends_on_a_new_line_and_logs(api):
    apt = new_appt(api, Note="first")
    url = "appointments/%d/Note" % apt["AptNum"]
    status, body, _ = api.request("PUT", url, {"Note": "second " + EVIL})
    assert (status, body) == (200, None)
    got = get_appt(api, apt)
    assert got["Note"] == "first second " + EVIL    # CR LF out as a space
    changed = {k for k in got if got[k] != apt.get(k, got[k])}
    assert changed - {"DateTStamp"} == {"Note"}
    rows = db_rows(api, "SELECT LOCATE(CONCAT(CHAR(13), CHAR(10)), Note), "
                        "CHAR_LENGTH(Note) FROM appointment WHERE AptNum = %d"
                   % apt["AptNum"])
    if rows is not None:   # stored with CR LF between the two
        assert rows == [["6", str(len("first\r\nsecond " + EVIL))]]
        log = db_rows(api, "SELECT PermType, LogText FROM securitylog WHERE "
                           "FKey = %d AND PermType = 27" % apt["AptNum"])
        assert log == [["27", "Updated by Sandbox Developer through API."]]
    empty = new_appt(api)
    api.request("PUT", "appointments/%d/Note" % empty["AptNum"],
                {"Note": "only"})
    assert get_appt(api, empty)["Note"] == "only"


@pytest.mark.parametrize("body,msg", [
    ({}, "Note is required."),
    ({"Note": ""}, "Note is required."),
    ({"Note": 5}, "Note is invalid."),
    ({"Note": ["x"]}, "Note is invalid."),
    ({"Note": "x" * 70000}, "Note is too long."),
    ("[]", "The request body must be a JSON object."),
    ("{oops", "The request body is not valid JSON."),
])
def test_note_validation(api, body, msg):
    apt = new_appt(api, Note="keep")
    assert api.request("PUT", "appointments/%d/Note" % apt["AptNum"], body
                       )[:2] == (400, msg)
    assert get_appt(api, apt)["Note"] == "keep"


def test_actions_missing_appointment_and_bad_key(api):
    for action, body in (("Note", {"Note": "x"}),
                         ("Confirm", {"confirmVal": "Sent"}),
                         ("Break", {"sendToUnscheduledList": "false"})):
        assert api.request("PUT", "appointments/99999999/" + action, body
                           )[:2] == (404, "Appointment not found.")
        # not a key: an action name (the router's rule)
        assert api.request("PUT", "appointments/x1/" + action, body)[:2] == (
            400, "appointments PUT %s is not a valid method." % action)
        assert api.request("POST", "appointments/1/" + action, body)[0] == 400


# ---- Confirm ---------------------------------------------------------------------

def confirm_defs(api):
    _, defs, _ = api.request("GET", "definitions?Category=2")
    return defs


def prefval(api, name):
    return int(api.request("GET", "preferences?PrefName=" + name)[1][0]
               ["ValueString"])


@pytest.mark.parametrize("val,prefname", [
    ("Sent", "ApptEConfirmStatusSent"),
    ("Confirmed", "ApptEConfirmStatusAccepted"),
    ("Not Accepted", "ApptEConfirmStatusDeclined"),
    ("Failed", "ApptEConfirmStatusSendFailed"),
    ("None", None),
])
def test_confirm_val_mapping(api, val, prefname):
    apt = new_appt(api)
    defs = confirm_defs(api)
    start = defs[3]["DefNum"]
    api.request("PUT", "appointments/%d" % apt["AptNum"],
                {"Confirmed": start})
    status, body, _ = api.request(
        "PUT", "appointments/%d/Confirm" % apt["AptNum"], {"confirmVal": val})
    assert (status, body) == (200, None)
    want = prefval(api, prefname) if prefname else defs[0]["DefNum"]
    got = get_appt(api, apt)
    assert got["Confirmed"] == want
    assert got["confirmed"] == next(d["ItemName"] for d in defs
                                    if d["DefNum"] == want)
    rows = db_rows(api, "SELECT COUNT(*) FROM securitylog WHERE FKey = %d "
                        "AND PermType = 120" % apt["AptNum"])
    if rows is not None:
        assert rows == [["1"]]


def test_confirm_by_def_num(api):
    apt = new_appt(api)
    d = confirm_defs(api)[2]
    for v in (d["DefNum"], str(d["DefNum"])):
        assert api.request("PUT", "appointments/%d/Confirm" % apt["AptNum"],
                           {"defNum": v})[:2] == (200, None)
        assert get_appt(api, apt)["Confirmed"] == d["DefNum"]


@pytest.mark.parametrize("body,msg", [
    ({}, "confirmVal or defNum is required."),
    ({"confirmVal": "Sent", "defNum": 1},
     "Only one of confirmVal or defNum may be given."),
    ({"confirmVal": "Maybe"}, "confirmVal is invalid."),
    ({"confirmVal": EVIL}, "confirmVal is invalid."),
    ({"confirmVal": 2}, "confirmVal is invalid."),
    ({"defNum": "abc"}, "defNum is invalid."),
    ({"defNum": EVIL}, "defNum is invalid."),
    ({"defNum": 987654}, "defNum is invalid."),
    ({"defNum": 1.5}, "defNum is invalid."),
    ({"defNum": -3}, "defNum is invalid."),
])
def test_confirm_validation(api, body, msg):
    apt = new_appt(api)
    before = get_appt(api, apt)["Confirmed"]
    assert api.request("PUT", "appointments/%d/Confirm" % apt["AptNum"],
                       body)[:2] == (400, msg)
    assert get_appt(api, apt)["Confirmed"] == before


def test_confirm_def_of_other_category_is_invalid(api):
    apt = new_appt(api)
    other = api.request("GET", "definitions?Category=10")[1][0]["DefNum"]
    assert api.request("PUT", "appointments/%d/Confirm" % apt["AptNum"],
                       {"defNum": other})[:2] == (400, "defNum is invalid.")


# ---- Break -----------------------------------------------------------------------

def procs_of(api, patnum):
    return api.request("GET", "procedurelogs?PatNum=%d" % patnum)[1]


@pytest.mark.parametrize("btype,code", [("Missed", "D9986"),
                                        ("Cancelled", "D9987")])
def test_break_with_break_type_adds_procedure(api, btype, code):
    apt = new_appt(api)
    url = "appointments/%d/Break" % apt["AptNum"]
    status, body, _ = api.request("PUT", url, {"sendToUnscheduledList":
                                               "false", "breakType": btype})
    assert (status, body) == (200, None)
    got = get_appt(api, apt)
    assert got["AptStatus"] == "Broken"
    changed = {k for k in got if got[k] != apt.get(k, got[k])}
    assert changed - {"DateTStamp"} == {"AptStatus"}
    procs = procs_of(api, apt["PatNum"])
    assert [(p["procCode"], p["ProcStatus"], p["ProvNum"]) for p in procs] == \
        [(code, "C", apt["ProvNum"])]
    assert procs[0]["ProcDate"] == today(api).isoformat()
    # only Scheduled appointments break
    assert api.request("PUT", url, {"sendToUnscheduledList": "false"})[:2] \
        == (400, "Only Scheduled appointments can be broken.")
    assert len(procs_of(api, apt["PatNum"])) == 1
    rows = db_rows(api, "SELECT PermType, FKey FROM securitylog WHERE "
                        "(PermType = 27 AND FKey = %d) OR (PermType = 23 AND "
                        "FKey = %d)" % (apt["AptNum"], procs[0]["ProcNum"]))
    if rows is not None:
        assert sorted(rows) == sorted([["27", str(apt["AptNum"])],
                                       ["23", str(procs[0]["ProcNum"])]])
        commlog = db_rows(api, "SELECT Note FROM commlog WHERE PatNum = %d"
                          % apt["PatNum"])
        assert len(commlog) == 1 and commlog[0][0].startswith(
            "Appt BROKEN for")


def test_break_to_unscheduled_list_without_procedure(api):
    apt = new_appt(api)
    assert api.request("PUT", "appointments/%d/Break" % apt["AptNum"],
                       {"sendToUnscheduledList": True})[:2] == (200, None)
    assert get_appt(api, apt)["AptStatus"] == "UnschedList"
    assert procs_of(api, apt["PatNum"]) == []


@pytest.mark.parametrize("body,msg", [
    ({}, "sendToUnscheduledList is required."),
    ({"breakType": "Missed"}, "sendToUnscheduledList is required."),
    ({"sendToUnscheduledList": "yes"}, "sendToUnscheduledList is invalid."),
    ({"sendToUnscheduledList": 1}, "sendToUnscheduledList is invalid."),
    ({"sendToUnscheduledList": EVIL}, "sendToUnscheduledList is invalid."),
    ({"sendToUnscheduledList": "true", "breakType": "Late"},
     "breakType is invalid."),
    ({"sendToUnscheduledList": "true", "breakType": EVIL},
     "breakType is invalid."),
    ({"sendToUnscheduledList": "true", "breakType": 1},
     "breakType is invalid."),
])
def test_break_validation(api, body, msg):
    apt = new_appt(api)
    assert api.request("PUT", "appointments/%d/Break" % apt["AptNum"], body
                       )[:2] == (400, msg)
    assert get_appt(api, apt)["AptStatus"] == "Scheduled"
    assert procs_of(api, apt["PatNum"]) == []


# ---- Slots -----------------------------------------------------------------------

def minutes(t):
    h, m, _ = (int(x) for x in t.split(":"))
    return h * 60 + m


def oracle(api, day, prov, opnum=None, length=0):
    """Open blocks from GET schedules and GET appointments, as documented:
    open = inside the provider's schedule and free in every operatory of
    that schedule (only opnum when given)."""
    _, scheds, _ = api.request("GET", "schedules?date=%s&ProvNum=%d&"
                               "SchedType=Provider" % (day, prov))
    _, appts, _ = api.request("GET", "appointments?date=%s" % day)
    out = []
    for s in scheds:
        ops = [int(x) for x in s["operatories"].split(",") if x]
        if opnum:
            ops = [o for o in ops if o == opnum]
        if not ops:
            continue
        lo, hi = minutes(s["StartTime"]), minutes(s["StopTime"])
        busy = set()
        for a in appts:
            if a["Op"] in ops and a["AptStatus"] in ("Scheduled", "Complete",
                                                     "ASAP"):
                st = minutes(a["AptDateTime"][11:])
                busy.update(range(st, st + 5 * len(a["Pattern"])))
        run = None
        for t in range(lo, hi + 1):
            if t < hi and t not in busy:
                run = t if run is None else run
                continue
            if run is not None and t - run >= max(length, 1):
                out.append({
                    "DateTimeStart": "%s %02d:%02d:00" % (day, run // 60,
                                                          run % 60),
                    "DateTimeEnd": "%s %02d:%02d:00" % (day, t // 60, t % 60),
                    "ProvNum": prov, "OpNum": ops[0]})
            run = None
    return sorted(out, key=lambda x: (x["DateTimeStart"], x["OpNum"]))


def test_slots_match_schedules_minus_appointments(api):
    day = weekday_after(api, 16).isoformat()
    for prov in (1, 2, 3):
        status, got, _ = api.request(
            "GET", "appointments/Slots?date=%s&ProvNum=%d" % (day, prov))
        assert status == 200
        for s in got:
            assert list(s.keys()) == ["DateTimeStart", "DateTimeEnd",
                                      "ProvNum", "OpNum"]
        assert got == oracle(api, day, prov)


def test_slots_op_and_length_filters(api):
    day = weekday_after(api, 17).isoformat()
    _, got, _ = api.request("GET", "appointments/Slots?date=%s&ProvNum=1&"
                            "OpNum=2&lengthMinutes=30" % day)
    assert got == oracle(api, day, 1, opnum=2, length=30)
    assert all(s["OpNum"] == 2 for s in got)
    _, other, _ = api.request("GET", "appointments/Slots?date=%s&ProvNum=1&"
                              "OpNum=3" % day)
    assert other == []   # operatory 3 is not in provider 1's schedules


def test_slots_new_appointment_splits_a_block(api):
    day = weekday_after(api, 18).isoformat()
    _, before, _ = api.request("GET", "appointments/Slots?date=%s&ProvNum=2&"
                               "OpNum=3&lengthMinutes=60" % day)
    if not before:
        pytest.skip("no open hour on %s" % day)
    blk = before[0]
    start = blk["DateTimeStart"]
    st = datetime.datetime.fromisoformat(start) + datetime.timedelta(
        minutes=20)
    apt = new_appt(api, when=st.strftime("%Y-%m-%d %H:%M:%S"), Op=3,
                   ProvNum=2, Pattern="XXXX")
    _, after, _ = api.request("GET", "appointments/Slots?date=%s&ProvNum=2&"
                              "OpNum=3" % day)
    end = (st + datetime.timedelta(minutes=20)).strftime("%Y-%m-%d %H:%M:%S")
    assert {"DateTimeStart": start, "DateTimeEnd": st.strftime(
        "%Y-%m-%d %H:%M:%S"), "ProvNum": 2, "OpNum": 3} in after
    assert any(s["DateTimeStart"] == end for s in after)
    assert not any(s["DateTimeStart"] < end and
                   s["DateTimeEnd"] > st.strftime("%Y-%m-%d %H:%M:%S")
                   for s in after)
    # breaking it frees the time again
    api.request("PUT", "appointments/%d/Break" % apt["AptNum"],
                {"sendToUnscheduledList": "true"})
    _, again, _ = api.request("GET", "appointments/Slots?date=%s&ProvNum=2&"
                              "OpNum=3&lengthMinutes=60" % day)
    assert blk in again


def test_slots_default_range_and_provider(api):
    status, got, _ = api.request("GET", "appointments/Slots")
    assert status == 200 and got
    t = today(api)
    last = (t + datetime.timedelta(days=13)).isoformat()
    assert all(t.isoformat() <= s["DateTimeStart"][:10] <= last for s in got)
    default = prefval(api, "PracticeDefaultProv")
    assert {s["ProvNum"] for s in got} == {default}
    starts = [(s["DateTimeStart"], s["OpNum"]) for s in got]
    assert starts == sorted(starts)
    a = weekday_after(api, 2)
    _, rng, _ = api.request("GET", "appointments/Slots?dateStart=%s&"
                            "dateEnd=%s&ProvNum=2" % (a, a))
    assert rng == api.request("GET", "appointments/Slots?date=%s&ProvNum=2"
                              % a)[1]


def test_slots_past_is_empty(api):
    assert api.request("GET", "appointments/Slots?date=2001-01-02&ProvNum=1"
                       )[:2] == (200, [])


@pytest.mark.parametrize("query,msg", [
    ("date=2024-13-01", "date format must be yyyy-MM-dd"),
    ("date=" + urllib.parse.quote(EVIL), "date format must be yyyy-MM-dd"),
    ("dateStart=01/02/2030", "dateStart format must be yyyy-MM-dd"),
    ("dateEnd=x", "dateEnd format must be yyyy-MM-dd"),
    ("dateStart=2030-01-10&dateEnd=2030-01-01",
     "dateEnd must not be before dateStart."),
    ("dateStart=2030-01-01&dateEnd=2031-06-01",
     "The date range must not be longer than 366 days."),
    ("lengthMinutes=abc", "lengthMinutes is invalid."),
    ("lengthMinutes=-5", "lengthMinutes is invalid."),
    ("ProvNum=" + urllib.parse.quote(EVIL), "ProvNum is invalid."),
    ("OpNum=1.5", "OpNum is invalid."),
])
def test_slots_validation(api, query, msg):
    assert api.request("GET", "appointments/Slots?" + query)[:2] == (400, msg)
