"""Issue #16: planned and Web Sched appointments, ASAP offers, the overlap
rule, PatternSecondary's default and the router's action names, on every
backend (conftest's api fixture), each rule against a case computed by
hand from Open Dental 24.3's source (docs/resources.md names the files)."""
import datetime

from conftest import db, err, get, post, put, server_only, uniq

APPT = ["AptNum", "PatNum", "AptStatus", "Pattern", "Confirmed", "confirmed",
        "TimeLocked", "Op", "Note", "ProvNum", "provAbbr", "ProvHyg",
        "AptDateTime", "NextAptNum", "UnschedStatus", "unschedStatus",
        "IsNewPatient", "ProcDescript", "ClinicNum", "IsHygiene", "DateTStamp",
        "DateTimeArrived", "DateTimeSeated", "DateTimeDismissed", "InsPlan1",
        "InsPlan2", "DateTimeAskedToArrive", "colorOverride",
        "AppointmentTypeNum", "SecUserNumEntry", "SecDateTEntry", "Priority",
        "PatternSecondary", "ItemOrderPlanned"]
WEBSCHED = ["AptNum", "PatNum", "AptStatus", "Pattern", "Confirmed",
            "confirmed", "Op", "Note", "ProvNum", "provAbbr", "ProvHyg",
            "AptDateTime", "NextAptNum", "UnschedStatus", "unschedStatus",
            "ProcDescript", "ClinicNum", "IsHygiene", "DateTStamp",
            "DateTimeArrived", "DateTimeSeated", "DateTimeDismissed",
            "AppointmentTypeNum", "eServiceLogType", "serverDateTime"]
ASAP = ["AsapCommNum", "FKey", "FKeyType", "ScheduleNum", "PatNum",
        "ClinicNum", "DateTimeEntry", "DateTimeExpire", "DateTimeSmsScheduled",
        "SmsSendStatus", "DateTimeSmsSent", "ResponseStatus", "DateTimeOrig",
        "TemplateText", "Note"]
SLOT = ["DateTimeStart", "DateTimeEnd", "ProvNum", "OpNum"]
OVERLAP = ("Appointment overlaps existing appointment or blockout. Please "
           "change the appointment length.")
PERM_APPOINTMENT_CREATE = 25


def today(api):
    return datetime.date.fromisoformat(
        get(api, "appointments?Limit=1")[0]["serverDateTime"][:10])


def new_patient(api, **extra):
    body = {"LName": uniq("Plan"), "FName": "Pia"}
    body.update(extra)
    return post(api, "patients", body)


def tp_proc(api, pat, code, **extra):
    body = {"PatNum": pat, "procCode": code, "ProcStatus": "TP",
            "ProcDate": "2024-01-02"}
    body.update(extra)
    return post(api, "procedurelogs", body)


def create(api, path, body, resource="appointments"):
    """An action's POST: 201, the new row, its Location."""
    st, obj, r = api.request("POST", path, body)
    assert st == 201, obj
    key = obj[list(obj)[0]]
    assert r.getheader("Location", "").endswith(
        "/api/v1/%s/%d" % (resource, key))
    return obj


def logs(api, perm, fkey):
    return db(api, "SELECT LogText, PatNum FROM securitylog WHERE PermType "
                   "= %d AND FKey = %d ORDER BY SecurityLogNum" % (perm, fkey))


def websched_defs(api):
    """The seed's Web Sched reasons: DefNum by ItemName."""
    out = {}
    for cat in (42, 51):
        for d in get(api, "definitions?Category=%d" % cat):
            out[d["ItemName"]] = d["DefNum"]
    return out


# ---- the router: an action name is never a key --------------------------------

def test_action_names_are_not_keys(api):
    assert err(api, "GET", "appointments/slots") == (
        400, "appointments GET slots is not a valid method.")
    assert err(api, "GET", "appointments/Bogus") == (
        400, "appointments GET Bogus is not a valid method.")
    assert err(api, "PUT", "recalls/Nope", {}) == (
        400, "recalls PUT Nope is not a valid method.")
    assert err(api, "GET", "patients/12abc") == (
        400, "patients GET 12abc is not a valid method.")
    # the served ones reach their handlers
    assert err(api, "GET", "appointments/WebSched?Offset=1000000") == (200,
                                                                       [])
    assert err(api, "PUT", "recalls/Status", {})[1] == "PatNum is required."


# ---- POST /appointments: PatternSecondary ---------------------------------------

def test_pattern_secondary_defaults_to_slashes(api):
    pat = new_patient(api)
    a = post(api, "appointments", {"PatNum": pat["PatNum"], "Op": 1,
                                   "AptDateTime": "2032-01-05 07:00:00",
                                   "Pattern": "/XXXX/"})
    assert a["PatternSecondary"] == "//////"
    b = post(api, "appointments", {"PatNum": pat["PatNum"], "Op": 2,
                                   "AptDateTime": "2032-01-05 07:00:00"})
    assert (b["Pattern"], b["PatternSecondary"]) == ("/XX/", "////")
    c = post(api, "appointments", {"PatNum": pat["PatNum"], "Op": 3,
                                   "AptDateTime": "2032-01-05 07:00:00",
                                   "PatternSecondary": "//X/"})
    assert c["PatternSecondary"] == "//X/"


# ---- the overlap rule ------------------------------------------------------------

def test_overlaps_allowed_by_default(api):
    """ApptsAllowOverlap on (Open Dental's default): both accepted."""
    pat = new_patient(api)
    body = {"PatNum": pat["PatNum"], "Op": 2,
            "AptDateTime": "2032-02-02 10:00:00", "Pattern": "XXXX"}
    post(api, "appointments", body)
    post(api, "appointments", body)


def test_overlaps_refused_when_the_office_says_so(api):
    server_only(api)
    pat = new_patient(api)
    db(api, "UPDATE preference SET ValueString = '0' WHERE PrefName = "
            "'ApptsAllowOverlap'")
    try:
        base = {"PatNum": pat["PatNum"], "Op": 3, "Pattern": "XXXXXX"}
        a = post(api, "appointments", dict(base,
                                           AptDateTime="2032-03-03 10:00:00"))
        # 10:00-10:30 taken: 10:25 overlaps, 09:45 (to 10:15) overlaps
        for at in ("2032-03-03 10:25:00", "2032-03-03 09:45:00",
                   "2032-03-03 09:50:00"):
            assert err(api, "POST", "appointments",
                       dict(base, AptDateTime=at)) == (400, OVERLAP), at
        # touching ends, another operatory, an UnschedList one: accepted
        post(api, "appointments", dict(base, AptDateTime="2032-03-03 "
                                       "10:30:00"))
        post(api, "appointments", dict(base, AptDateTime="2032-03-03 "
                                       "09:30:00"))
        post(api, "appointments", dict(base, Op=4, AptDateTime="2032-03-03 "
                                       "10:00:00"))
        # PUT: moving into it is refused; a note on it is not
        b = post(api, "appointments", dict(base, AptDateTime="2032-03-03 "
                                           "13:00:00"))
        assert err(api, "PUT", "appointments/%d" % b["AptNum"],
                   {"AptDateTime": "2032-03-03 10:10:00"}) == (400, OVERLAP)
        put(api, "appointments/%d" % b["AptNum"], {"Pattern": "XXXXXXXX"})
        # a longer pattern that reaches the 10:30 one
        assert err(api, "PUT", "appointments/%d" % a["AptNum"],
                   {"Pattern": "XXXXXXX"}) == (400, OVERLAP)
        put(api, "appointments/%d" % a["AptNum"], {"Note": "still here"})
    finally:
        db(api, "UPDATE preference SET ValueString = '1' WHERE PrefName = "
                "'ApptsAllowOverlap'")


def test_no_schedule_blockout_refused(api):
    """A blockout of an "NS" type in the operatory: refused whatever
    ApptsAllowOverlap says (GetBlockoutsOverlappingNoSchedule)."""
    server_only(api)
    pat = new_patient(api)
    lunch = db(api, "SELECT DefNum FROM definition WHERE Category = 25 "
                    "ORDER BY ItemOrder LIMIT 1")[0][0]
    db(api, "UPDATE definition SET ItemValue = 'NS' WHERE DefNum = %s" %
       lunch)
    db(api, "INSERT INTO schedule (SchedDate, StartTime, StopTime, SchedType, "
            "ProvNum, BlockoutType, Note, Status, EmployeeNum, ClinicNum) "
            "VALUES ('2032-04-05', '12:00:00', '13:00:00', 2, 0, %s, '', 0, "
            "0, 0)" % lunch)
    sched = db(api, "SELECT MAX(ScheduleNum) FROM schedule")[0][0]
    db(api, "INSERT INTO scheduleop (ScheduleNum, OperatoryNum) VALUES "
            "(%s, 1)" % sched)
    try:
        base = {"PatNum": pat["PatNum"], "Op": 1, "Pattern": "XXXXXX"}
        assert err(api, "POST", "appointments",
                   dict(base, AptDateTime="2032-04-05 11:45:00")) == (
            400, OVERLAP)
        post(api, "appointments", dict(base, AptDateTime="2032-04-05 "
                                       "11:30:00"))
        post(api, "appointments", dict(base, Op=2, AptDateTime="2032-04-05 "
                                       "12:00:00"))
    finally:
        db(api, "UPDATE definition SET ItemValue = '' WHERE DefNum = %s" %
           lunch)


# ---- POST /appointments/Planned ----------------------------------------------

def test_planned_from_procedures(api):
    pat = new_patient(api)
    p1 = tp_proc(api, pat["PatNum"], "D2391", ToothNum="30", Surf="O")
    p2 = tp_proc(api, pat["PatNum"], "D0150")
    st, a, r = api.request("POST", "appointments/Planned", {
        "PatNum": pat["PatNum"], "procNums": [p1["ProcNum"], p2["ProcNum"]],
        "Note": "next visit", "IsHygiene": "true", "Priority": "ASAP"})
    assert st == 201, a
    assert r.getheader("Location").endswith("/appointments/%d" % a["AptNum"])
    assert list(a) == APPT
    t = today(api)
    codes = {c["ProcCode"]: c for c in get(api, "procedurecodes?Limit=1000")}
    pattern = codes["D2391"]["ProcTime"] + codes["D0150"]["ProcTime"]
    descript = "#30-O-%s, %s" % (codes["D2391"]["AbbrDesc"],
                                 codes["D0150"]["AbbrDesc"])
    assert (a["AptStatus"], a["Op"], a["AptDateTime"], a["Note"],
            a["Pattern"], a["PatternSecondary"], a["ProcDescript"],
            a["IsHygiene"], a["Priority"], a["ItemOrderPlanned"]) == (
        "Planned", 0, "%s 00:00:00" % t, "next visit", pattern,
        "/" * len(pattern), descript, "true", "ASAP", 1)
    assert a["ProvNum"] == get(api, "patients/%d" % pat["PatNum"])["PriProv"]
    for p in (p1, p2):
        got = get(api, "procedurelogs/%d" % p["ProcNum"])
        assert (got["PlannedAptNum"], got["ProcDate"]) == (a["AptNum"],
                                                           t.isoformat())
    st, b, _ = api.request("POST", "appointments/Planned", {
        "PatNum": pat["PatNum"],
        "procNums": [tp_proc(api, pat["PatNum"], "D1110")["ProcNum"]],
        "Pattern": "/XX/"})
    assert st == 201 and (b["ItemOrderPlanned"], b["Pattern"]) == (2, "/XX/")
    rows = logs(api, PERM_APPOINTMENT_CREATE, a["AptNum"])
    if rows is not None:
        assert rows == [["Created by Sandbox Developer through API.",
                         str(pat["PatNum"])]]


def test_planned_errors(api):
    pat = new_patient(api)
    other = new_patient(api)
    mine = tp_proc(api, pat["PatNum"], "D0150")
    theirs = tp_proc(api, other["PatNum"], "D0150")
    done = tp_proc(api, pat["PatNum"], "D0120", ProcStatus="C")
    cases = [
        ({}, 400, "PatNum is required."),
        ({"PatNum": pat["PatNum"]}, 400,
         "AppointmentTypeNum or procNums is required."),
        ({"PatNum": pat["PatNum"], "procNums": "5"}, 400,
         "procNums is invalid."),
        ({"PatNum": pat["PatNum"], "procNums": [0]}, 400,
         "procNums is invalid."),
        ({"PatNum": 99999999, "procNums": [mine["ProcNum"]]}, 404,
         "Patient not found."),
        ({"PatNum": pat["PatNum"], "procNums": [theirs["ProcNum"]]}, 400,
         "Procedure %d is not this patient's." % theirs["ProcNum"]),
        ({"PatNum": pat["PatNum"], "procNums": [done["ProcNum"]]}, 400,
         "Procedure %d is not treatment planned." % done["ProcNum"]),
        ({"PatNum": pat["PatNum"], "procNums": [mine["ProcNum"]],
          "Pattern": "X-X"}, 400, "Pattern is invalid."),
        ({"PatNum": pat["PatNum"], "procNums": [mine["ProcNum"]],
          "Confirmed": 99999999}, 400, "Confirmed is invalid."),
        ({"PatNum": pat["PatNum"], "procNums": [mine["ProcNum"]],
          "ProvNum": 99999999}, 400, "ProvNum is invalid."),
        ({"PatNum": pat["PatNum"], "AppointmentTypeNum": 99999999}, 400,
         "AppointmentTypeNum is invalid."),
        ({"PatNum": pat["PatNum"], "procNums": [mine["ProcNum"]],
          "Priority": "Urgent"}, 400, "Priority is invalid."),
    ]
    for body, st, msg in cases:
        assert err(api, "POST", "appointments/Planned", body) == (st, msg), \
            body
    assert get(api, "appointments?PatNum=%d" % pat["PatNum"]) == []
    post_ok = create(api, "appointments/Planned", {
        "PatNum": pat["PatNum"], "procNums": [mine["ProcNum"]]})
    assert err(api, "POST", "appointments/Planned", {
        "PatNum": pat["PatNum"], "procNums": [mine["ProcNum"]]}) == (
        400, "Procedure %d is already on a planned appointment." %
        mine["ProcNum"])
    assert post_ok["AptStatus"] == "Planned"


# ---- POST /appointments/SchedulePlanned and the chart's planned list --------

def test_schedule_planned_and_planned_appts(api):
    pat = new_patient(api)
    p1 = tp_proc(api, pat["PatNum"], "D0150")
    p2 = tp_proc(api, pat["PatNum"], "D1110")
    planned = create(api, "appointments/Planned", {
        "PatNum": pat["PatNum"], "procNums": [p1["ProcNum"], p2["ProcNum"]],
        "Note": "planned note"})
    path = "chartmodules/%d/PlannedAppts" % pat["PatNum"]
    minutes = str(len(planned["Pattern"]) * 5)
    assert get(api, path) == [{
        "AptNum": str(planned["AptNum"]), "ProvNum": str(planned["ProvNum"]),
        "ItemOrder": "1", "minutes": minutes,
        "ProcDescript": planned["ProcDescript"], "Note": "planned note",
        "dateSched": "", "AptStatus": "Planned"}]
    s = create(api, "appointments/SchedulePlanned", {
        "AptNum": planned["AptNum"], "AptDateTime": "2032-06-07 14:00:00",
        "ProvNum": 1, "Op": 2, "Note": "booked"})
    assert list(s) == APPT
    assert (s["AptStatus"], s["NextAptNum"], s["AptDateTime"], s["Op"],
            s["ProvNum"], s["Note"], s["Pattern"], s["ProcDescript"]) == (
        "Scheduled", planned["AptNum"], "2032-06-07 14:00:00", 2, 1,
        "booked", planned["Pattern"], planned["ProcDescript"])
    # the planned one stays; its procedures are on the new one
    assert get(api, "appointments/%d" % planned["AptNum"])["AptStatus"] == \
        "Planned"
    for p in (p1, p2):
        assert get(api, "procedurelogs/%d" % p["ProcNum"])["AptNum"] == \
            s["AptNum"]
    row = get(api, path)[0]
    assert (row["dateSched"], row["AptStatus"], row["ProcDescript"]) == (
        "2032-06-07 14:00:00", "Scheduled", planned["ProcDescript"])
    # GetProcDescriptPlanned: one of two procedures complete
    put(api, "procedurelogs/%d" % p1["ProcNum"], {"ProcStatus": "C"})
    assert get(api, path)[0]["ProcDescript"] == \
        "(Some Procs Complete) " + planned["ProcDescript"]
    put(api, "procedurelogs/%d" % p2["ProcNum"], {"ProcStatus": "C"})
    assert get(api, path)[0]["ProcDescript"] == \
        "(Completed) " + planned["ProcDescript"]
    assert err(api, "GET", "chartmodules/99999999/PlannedAppts") == (
        404, "Patient not found.")
    assert err(api, "GET", path + "?Offset=5") == (200, [])


def test_schedule_planned_errors(api):
    pat = new_patient(api)
    planned = create(api, "appointments/Planned", {
        "PatNum": pat["PatNum"],
        "procNums": [tp_proc(api, pat["PatNum"], "D0150")["ProcNum"]]})
    ok = {"AptNum": planned["AptNum"], "AptDateTime": "2032-07-01 09:00:00",
          "ProvNum": 1, "Op": 1}
    scheduled = post(api, "appointments", {"PatNum": pat["PatNum"], "Op": 1,
                                           "AptDateTime":
                                           "2032-07-02 09:00:00"})
    cases = [
        ({}, 400, "AptNum is required."),
        ({k: v for k, v in ok.items() if k != "AptDateTime"}, 400,
         "AptDateTime is required."),
        ({k: v for k, v in ok.items() if k != "ProvNum"}, 400,
         "ProvNum is required."),
        ({k: v for k, v in ok.items() if k != "Op"}, 400, "Op is required."),
        (dict(ok, AptDateTime="2032-07-01"), 400,
         "AptDateTime format must be yyyy-MM-dd HH:mm:ss."),
        (dict(ok, AptNum=99999999), 404, "Appointment not found."),
        (dict(ok, AptNum=scheduled["AptNum"]), 400,
         "AptNum is not a Planned appointment."),
        (dict(ok, Op=99999999), 400, "Op is invalid."),
        (dict(ok, ProvNum=99999999), 400, "ProvNum is invalid."),
    ]
    for body, st, msg in cases:
        assert err(api, "POST", "appointments/SchedulePlanned", body) == (
            st, msg), body
    assert [a["AptNum"] for a in get(api, "appointments?PatNum=%d" %
                                     pat["PatNum"])] == [
        planned["AptNum"], scheduled["AptNum"]]


# ---- Web Sched ---------------------------------------------------------------------

def test_websched_list_shape_and_filter(api):
    rows = get(api, "appointments/WebSched?eServiceLogType=ExistingPat")
    assert rows, "the seed logs two Web Sched bookings"
    for r in rows:
        assert list(r) == WEBSCHED
        assert r["eServiceLogType"] == "ExistingPat"
        assert r["IsHygiene"] in ("True", "False")
    keys = [(r["AptDateTime"], r["AptNum"]) for r in rows]
    assert keys == sorted(keys)
    assert err(api, "GET", "appointments/WebSched?eServiceLogType=Walk") == (
        400, "eServiceLogType is invalid.")
    assert err(api, "GET", "appointments/WebSched?date=2001-01-01") == (200,
                                                                        [])


def test_websched_booking(api):
    defs = websched_defs(api)
    pat = new_patient(api)
    day = "2032-08-09"
    body = {"PatNum": pat["PatNum"], "DateTimeStart": day + " 09:00:00",
            "DateTimeEnd": day + " 09:30:00", "OpNum": 1,
            "defNumApptType": defs["New Patient Exam"]}
    st, a, r = api.request("POST", "appointments/WebSched", body)
    assert st == 201, a
    assert r.getheader("Location").endswith("/appointments/%d" % a["AptNum"])
    types = {t["AppointmentTypeNum"]: t for t in get(api, "appointmenttypes")}
    t = types[a["AppointmentTypeNum"]]
    assert (a["AptStatus"], a["AptDateTime"], a["Op"], a["Pattern"],
            a["IsNewPatient"]) == ("Scheduled", day + " 09:00:00", 1,
                                   t["Pattern"], "true")
    listed = get(api, "appointments/WebSched?date=%s&eServiceLogType=NewPat"
                 % day)
    assert [x["AptNum"] for x in listed] == [a["AptNum"]]
    rows = logs(api, PERM_APPOINTMENT_CREATE, a["AptNum"])
    if rows is not None:
        assert rows == [["Created by Sandbox Developer through API.",
                         str(pat["PatNum"])]]
    # the documentation's example spells dateTimeStart and dateTimeEnd
    b = {k: v for k, v in body.items() if not k.startswith("DateTime")}
    b.update(dateTimeStart=day + " 11:00:00", dateTimeEnd=day + " 11:30:00")
    assert create(api, "appointments/WebSched", b)["AptDateTime"] == \
        day + " 11:00:00"


def test_websched_booking_errors(api):
    defs = websched_defs(api)
    pat = new_patient(api)
    ok = {"PatNum": pat["PatNum"], "DateTimeStart": "2032-08-10 09:00:00",
          "DateTimeEnd": "2032-08-10 09:30:00", "OpNum": 1,
          "defNumApptType": defs["New Patient Exam"]}
    cases = [
        ({k: v for k, v in ok.items() if k != "PatNum"}, 400,
         "PatNum is required."),
        ({k: v for k, v in ok.items() if k != "DateTimeStart"}, 400,
         "DateTimeStart is required."),
        ({k: v for k, v in ok.items() if k != "OpNum"}, 400,
         "OpNum is required."),
        ({k: v for k, v in ok.items() if k != "defNumApptType"}, 400,
         "defNumApptType is required."),
        (dict(ok, DateTimeEnd="2032-08-10 08:00:00"), 400,
         "DateTimeEnd must be after DateTimeStart."),
        (dict(ok, defNumApptType=1), 400, "defNumApptType is invalid."),
        (dict(ok, OpNum=4), 400, "OpNum is invalid."),  # a hygiene op
        (dict(ok, PatNum=99999999), 404, "Patient not found."),
    ]
    for body, st, msg in cases:
        assert err(api, "POST", "appointments/WebSched", body) == (st, msg), \
            body


def test_slots_websched_shape_and_errors(api):
    defs = websched_defs(api)
    rows = get(api, "appointments/SlotsWebSched?defNumApptType=%d"
               % defs["Cleaning"])
    assert rows
    t = today(api)
    for r in rows:
        assert list(r) == SLOT
        start = datetime.datetime.strptime(r["DateTimeStart"],
                                           "%Y-%m-%d %H:%M:%S")
        assert t <= start.date() <= t + datetime.timedelta(days=13)
    assert [r["DateTimeStart"] for r in rows] == sorted(
        r["DateTimeStart"] for r in rows)
    assert err(api, "GET", "appointments/SlotsWebSched") == (
        400, "defNumApptType is required.")
    assert err(api, "GET", "appointments/SlotsWebSched?defNumApptType=%d&"
               "isNewPatient=true" % defs["Cleaning"]) == (
        400, "defNumApptType is invalid.")
    assert err(api, "GET", "appointments/SlotsWebSched?defNumApptType=%d&"
               "date=2024-02-30" % defs["Cleaning"]) == (
        400, "date format must be yyyy-MM-dd.")
    assert err(api, "GET", "appointments/SlotsWebSched?defNumApptType=%d&"
               "date=2001-01-01" % defs["Cleaning"]) == (200, [])


def test_slots_websched_computed_by_hand(api):
    """One dentist's schedule 08:00-10:00 in Op 1 on a day with nothing
    else, an appointment 08:40-09:20 in it; the New Patient Exam reason
    (pattern /XXXX/, 30 minutes; the office's 10-minute increment):
    AddTimeSlotsFromSchedule finds 08:00-08:30, then (after the
    appointment) 09:20-09:50; 09:20 is not a "perfect" start (08:00 +
    n * 30), so the walk goes back to 09:30 and finds 09:30-10:00 too
    (Open Dental offers overlapping times on purpose: "8 - 9, 10:10 -
    11:10, 11 - 12 (note the overlap)")."""
    server_only(api)
    defs = websched_defs(api)
    day = (today(api) + datetime.timedelta(days=300)).isoformat()
    db(api, "INSERT INTO schedule (SchedDate, StartTime, StopTime, SchedType, "
            "ProvNum, BlockoutType, Note, Status, EmployeeNum, ClinicNum) "
            "VALUES ('%s', '08:00:00', '10:00:00', 1, 1, 0, '', 0, 0, 0)"
       % day)
    sched = db(api, "SELECT MAX(ScheduleNum) FROM schedule")[0][0]
    db(api, "INSERT INTO scheduleop (ScheduleNum, OperatoryNum) VALUES "
            "(%s, 1)" % sched)
    pat = new_patient(api)
    post(api, "appointments", {"PatNum": pat["PatNum"], "Op": 1,
                               "AptDateTime": day + " 08:40:00",
                               "Pattern": "XXXXXXXX"})
    got = get(api, "appointments/SlotsWebSched?defNumApptType=%d&date=%s"
              % (defs["New Patient Exam"], day))
    assert got == [
        {"DateTimeStart": day + " 08:00:00", "DateTimeEnd": day + " 08:30:00",
         "ProvNum": 1, "OpNum": 1},
        {"DateTimeStart": day + " 09:20:00", "DateTimeEnd": day + " 09:50:00",
         "ProvNum": 1, "OpNum": 1},
        {"DateTimeStart": day + " 09:30:00", "DateTimeEnd": day + " 10:00:00",
         "ProvNum": 1, "OpNum": 1}]


# ---- POST /asapcomms ---------------------------------------------------------------

def test_asapcomm_offer(api):
    pat = new_patient(api, WirelessPhone="5035550123", TxtMsgOk="Yes")
    a = post(api, "appointments", {"PatNum": pat["PatNum"], "Op": 1,
                                   "AptDateTime": "2032-09-09 09:00:00"})
    st, c, r = api.request("POST", "asapcomms", {
        "aptNum": a["AptNum"], "dateTimeStart": "2032-09-01 08:00:00"})
    assert st == 201, c
    assert list(c) == ASAP
    assert r.getheader("Location").endswith("/asapcomms/%d" %
                                            c["AsapCommNum"])
    assert (c["FKey"], c["FKeyType"], c["PatNum"], c["DateTimeOrig"],
            c["DateTimeExpire"], c["SmsSendStatus"], c["ResponseStatus"],
            c["Note"]) == (a["AptNum"], "ScheduledAppt", pat["PatNum"],
                           "2032-09-09 09:00:00", "2032-09-08 08:00:00",
                           "SendNotAttempted", "AwaitingTransmit", "")
    assert get(api, "asapcomms/%d" % c["AsapCommNum"]) == c
    # Open Dental logs none; ours: TextMessageSend (218)
    rows = logs(api, 218, c["AsapCommNum"])
    if rows is not None:
        assert rows == [["Created by Sandbox Developer through API.",
                         str(pat["PatNum"])]]
    # a patient who cannot be texted; an opening already past
    quiet = new_patient(api)
    b = post(api, "appointments", {"PatNum": quiet["PatNum"], "Op": 1,
                                   "AptDateTime": "2032-09-10 09:00:00"})
    c2 = create(api, "asapcomms", {"aptNum": b["AptNum"],
                                   "dateTimeStart": "2032-09-01 08:00:00"},
                "asapcomms")
    assert (c2["SmsSendStatus"], c2["ResponseStatus"], c2["Note"]) == (
        "DoNotSend", "UnableToSend",
        "Not sending text because this patient cannot receive texts.")
    rec = post(api, "recalls", {"PatNum": pat["PatNum"], "RecallTypeNum":
                                get(api, "recalltypes")[0]["RecallTypeNum"],
                                "DateDue": "2032-01-15"})
    c3 = create(api, "asapcomms", {"recallNum": rec["RecallNum"],
                                   "dateTimeStart": "2001-01-01 08:00:00"},
                "asapcomms")
    assert (c3["FKeyType"], c3["DateTimeOrig"], c3["Note"]) == (
        "Recall", "2032-01-15 00:00:00",
        "Not sending text because the text would be sent after the time "
        "slot.")


def test_asapcomm_errors(api):
    cases = [
        ({"dateTimeStart": "2032-01-01 08:00:00"}, 400,
         "aptNum or recallNum is required."),
        ({"aptNum": 1, "recallNum": 1, "dateTimeStart":
          "2032-01-01 08:00:00"}, 400,
         "Only one of aptNum or recallNum may be given."),
        ({"aptNum": 1}, 400, "dateTimeStart is required."),
        ({"aptNum": "x", "dateTimeStart": "2032-01-01 08:00:00"}, 400,
         "aptNum is invalid."),
        ({"aptNum": 99999999, "dateTimeStart": "2032-01-01 08:00:00"}, 404,
         "Appointment not found."),
        ({"recallNum": 99999999, "dateTimeStart": "2032-01-01 08:00:00"},
         404, "Recall not found."),
        ({"aptNum": 1, "dateTimeStart": "soon"}, 400,
         "dateTimeStart format must be yyyy-MM-dd HH:mm:ss."),
    ]
    for body, st, msg in cases:
        assert err(api, "POST", "asapcomms", body) == (st, msg), body
