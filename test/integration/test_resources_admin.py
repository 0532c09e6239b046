"""usergroups, usergroupattaches, computers, scheduleops, clockevents,
insverifies, claimtrackings and patientraces (lib/resources/admin.c), through HTTP
against the seeded test database and the embedded sandbox."""
import datetime
import re
import uuid


from conftest import db, find, sql_only, uniq, get, err

DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")

USERGROUP = ["UserGroupNum", "Description", "UserGroupNumCEMT"]
USERGROUPATTACH = ["UserGroupAttachNum", "UserNum", "UserGroupNum"]
COMPUTER = ["ComputerNum", "CompName", "LastHeartBeat"]
SCHEDULEOP = ["ScheduleOpNum", "ScheduleNum", "OperatoryNum"]
CLOCKEVENT = ["ClockEventNum", "EmployeeNum", "ClockStatus", "Note",
              "OTimeHours", "OTimeAuto", "Adjust", "AdjustAuto",
              "AdjustIsOverridden", "ClinicNum", "IsWorkingHome"]
INSVERIFY = ["InsVerifyNum", "DateLastVerified", "UserNum", "VerifyType",
             "FKey", "DefNum", "Note", "DateLastAssigned", "SecDateTEdit"]
CLAIMTRACKING = ["ClaimTrackingNum", "ClaimNum", "TrackingType", "UserNum",
                 "DateTimeEntry", "Note", "TrackingDefNum",
                 "TrackingErrorDefNum"]
PATIENTRACE = ["PatientRaceNum", "PatNum", "CdcrecCode", "descripition",
               "isEthnicity", "heirarchicalCode"]

PERM_UPDATE_CUSTOM_TRACKING, PERM_INSURANCE_VERIFICATION = 137, 169


def insert(api, sql):
    """INSERT on the server backend; the new row's key."""
    return int(db(api, sql + "; SELECT LAST_INSERT_ID()")[0][0])


def no_method(api, method, path, body=None):
    """An operation the spec does not have: the router's 400."""
    st, obj = err(api, method, path, body)
    assert st == 400 and obj.endswith("is not a valid method."), (st, obj)


def log_mark(api):
    rows = db(api, "SELECT COALESCE(MAX(SecurityLogNum), 0) FROM securitylog")
    return int(rows[0][0]) if rows else 0


def logs(api, mark, perm, fkey):
    """The API's securitylog rows for fkey written after mark:
    [(verb, PermType, PatNum)], or None on the embedded backend."""
    rows = db(api, "SELECT LogText, LogSource, PermType, PatNum FROM "
                   "securitylog WHERE FKey = %d AND PermType = %d AND "
                   "SecurityLogNum > %d ORDER BY SecurityLogNum"
              % (fkey, perm, mark))
    if rows is None:
        return None
    assert all(r[0] == "%s by Sandbox Developer through API."
               % r[0].split(" by ")[0] and r[1] == "23" for r in rows), rows
    return [(r[0].split(" by ")[0], int(r[2]), int(r[3])) for r in rows]


def paging(api, path, rows):
    """Offset/Limit pages are slices of the whole ordered list."""
    assert len(rows) >= 3
    assert get(api, path + "Offset=1&Limit=2") == rows[1:3]
    assert get(api, path + "Limit=1") == rows[:1]
    assert get(api, path + "Offset=%d" % len(rows)) == []


def keys(rows, k):
    return [r[k] for r in rows]


def read_only(api, name, sample_key=1):
    no_method(api, "POST", name, {"X": 1})
    no_method(api, "PUT", "%s/%d" % (name, sample_key), {"X": 1})
    no_method(api, "DELETE", "%s/%d" % (name, sample_key))


# ---- usergroups, usergroupattaches -----------------------------------------

def test_usergroups(api):
    read_only(api, "usergroups")
    no_method(api, "GET", "usergroups/1")
    # the office's groups (seeded: Admin, Front Desk, Billing, Clinical)
    rows = get(api, "usergroups")
    assert all(list(r) == USERGROUP for r in rows)
    assert keys(rows, "UserGroupNum") == sorted(keys(rows, "UserGroupNum"))
    assert "Front Desk" in keys(rows, "Description")
    assert all(r["UserGroupNumCEMT"] == 0 for r in rows)
    # includeCEMT=false is the default; true lists at least as much
    assert get(api, "usergroups?includeCEMT=false") == rows
    allrows = get(api, "usergroups?includeCEMT=true")
    assert [r for r in allrows if r["UserGroupNumCEMT"] == 0] == rows
    assert err(api, "GET", "usergroups?includeCEMT=maybe")[0] == 400
    paging(api, "usergroups?", rows)


def test_usergroups_cemt(api):
    sql_only(api, "groups synced from the Central Enterprise Management "
                  "Tool (UserGroupNumCEMT); the sandbox is a single office")
    cemt = insert(api, "INSERT INTO usergroup (Description, UserGroupNumCEMT)"
                       " VALUES ('%s', 7)" % uniq("CEMT group"))
    rows = get(api, "usergroups")
    # CEMT groups only on request
    assert cemt not in keys(rows, "UserGroupNum")
    allrows = get(api, "usergroups?includeCEMT=true")
    assert {"UserGroupNum": cemt, "Description": allrows[-1]["Description"],
            "UserGroupNumCEMT": 7} == allrows[-1]
    assert get(api, "usergroups?includeCEMT=false") == rows


def test_usergroupattaches(api):
    read_only(api, "usergroupattaches")
    rows = get(api, "usergroupattaches")
    assert all(list(r) == USERGROUPATTACH for r in rows)
    assert keys(rows, "UserGroupAttachNum") == sorted(
        keys(rows, "UserGroupAttachNum"))
    # the seeded users are in the seeded groups
    groups = keys(get(api, "usergroups"), "UserGroupNum")
    users = keys(get(api, "userods"), "UserNum")
    assert rows and all(r["UserGroupNum"] in groups and r["UserNum"] in users
                        for r in rows)
    # a group with two members; a user in two groups
    g = next(x for x in groups
             if sum(r["UserGroupNum"] == x for r in rows) >= 2)
    assert get(api, "usergroupattaches?UserGroupNum=%d" % g) == [
        r for r in rows if r["UserGroupNum"] == g]
    u = next(x for x in users if sum(r["UserNum"] == x for r in rows) >= 2)
    both = [r for r in rows if r["UserNum"] == u and r["UserGroupNum"] == g]
    assert get(api, "usergroupattaches?UserNum=%d&UserGroupNum=%d"
               % (u, g)) == both
    assert get(api, "usergroupattaches?UserNum=99999999") == []
    assert err(api, "GET", "usergroupattaches?UserNum=abc")[0] == 400
    paging(api, "usergroupattaches?", rows)


# ---- computers, scheduleops ------------------------------------------------

def test_computers(api):
    read_only(api, "computers")
    rows = get(api, "computers")
    assert all(list(r) == COMPUTER for r in rows)
    assert err(api, "GET", "computers?LastHeartBeat=yesterday")[0] == 400
    # the office's workstations: the filter keeps heartbeats at or after
    assert len(rows) >= 3 and all(DATETIME.match(r["LastHeartBeat"])
                                  for r in rows)
    beats = sorted({r["LastHeartBeat"] for r in rows})
    assert len(beats) >= 2
    for when in (beats[0], beats[1], beats[-1]):
        got = get(api, "computers?LastHeartBeat=%s" % when.replace(" ", "%20"))
        assert got == [r for r in rows if r["LastHeartBeat"] >= when]
    assert get(api, "computers?LastHeartBeat=2999-01-01%2000:00:00") == []
    paging(api, "computers?", rows)


def test_scheduleops(api):
    read_only(api, "scheduleops")
    seeded = get(api, "scheduleops?Limit=1000")
    assert all(list(r) == SCHEDULEOP for r in seeded)
    # the seed attaches its schedules to operatories (both backends)
    assert len(seeded) >= 3
    for param in ("ScheduleNum", "OperatoryNum"):
        val = seeded[0][param]
        got = get(api, "scheduleops?%s=%d&Limit=1000" % (param, val))
        want = [r for r in seeded if r[param] == val]
        # seeded may be a first page only: its matches start the answer
        assert got[:len(want)] == want and got
        assert all(r[param] == val for r in got)
    paging(api, "scheduleops?", get(api, "scheduleops"))
    # both filters together
    so = seeded[-1]
    both = get(api, "scheduleops?ScheduleNum=%d&OperatoryNum=%d"
               % (so["ScheduleNum"], so["OperatoryNum"]))
    assert so in both and all(
        (r["ScheduleNum"], r["OperatoryNum"]) ==
        (so["ScheduleNum"], so["OperatoryNum"]) for r in both)
    assert get(api, "scheduleops?OperatoryNum=99999999") == []


# ---- clockevents -----------------------------------------------------------

def test_clockevents_errors(api):
    read_only(api, "clockevents")
    assert err(api, "GET", "clockevents/99999999") == (
        404, "ClockEvent not found.")
    assert err(api, "GET", "clockevents/abc")[0] == 400
    assert err(api, "GET", "clockevents?ClockStatus=Nap") == (
        400, "ClockStatus is invalid.")
    assert err(api, "GET", "clockevents?date=2024-13-01")[0] == 400
    assert err(api, "GET", "clockevents?dateStart=tomorrow")[0] == 400
    assert all(list(r) == CLOCKEVENT for r in get(api, "clockevents"))


def test_clockevents_of_the_staff(api):
    """The seeded time cards, through the filters: each day's rows, one
    employee's, by status."""
    rows = get(api, "clockevents?Limit=1000")
    assert rows and keys(rows, "ClockEventNum") == sorted(
        keys(rows, "ClockEventNum"))
    for r in rows:
        assert list(r) == CLOCKEVENT
        assert r["ClockStatus"] in ("Home", "Lunch", "Break")
        for k in ("OTimeHours", "OTimeAuto", "Adjust", "AdjustAuto"):
            assert re.match(r"^-?\d{2}:\d{2}:\d{2}$", r[k]), (k, r)
    emps = keys(get(api, "employees"), "EmployeeNum")
    emp = next(e for e in emps if any(r["EmployeeNum"] == e for r in rows))
    mine = get(api, "clockevents?EmployeeNum=%d&Limit=1000" % emp)
    assert mine == [r for r in rows if r["EmployeeNum"] == emp]
    q = "clockevents?EmployeeNum=%d&Limit=1000&" % emp
    assert get(api, q + "ClockStatus=Lunch") == [
        r for r in mine if r["ClockStatus"] == "Lunch"]
    assert get(api, q + "ClockStatus=home") == [
        r for r in mine if r["ClockStatus"] == "Home"]
    # the days: each row on exactly one; the ranges are unions of days
    today = get(api, "appointments?Limit=1")[0]["serverDateTime"][:10]
    y, m, d = (int(x) for x in today.split("-"))
    days = [datetime.date(y, m, d) - datetime.timedelta(days=k)
            for k in range(1, 22)]
    by_day = {day: get(api, q + "date=%s" % day) for day in days}
    seen = [k for day in days for k in keys(by_day[day], "ClockEventNum")]
    assert sorted(seen) == keys(mine, "ClockEventNum")
    worked = [day for day in days if by_day[day]]
    assert len(worked) >= 3
    mid = worked[len(worked) // 2]
    assert keys(get(api, q + "dateStart=%s" % mid), "ClockEventNum") == sorted(
        k for day in days if day >= mid for k in keys(by_day[day],
                                                       "ClockEventNum"))
    assert keys(get(api, q + "dateEnd=%s" % mid), "ClockEventNum") == sorted(
        k for day in days if day <= mid for k in keys(by_day[day],
                                                       "ClockEventNum"))
    assert get(api, q + "dateStart=%s&dateEnd=%s" % (mid, mid)) == by_day[mid]
    assert get(api, q + "ClinicNum=0") == mine
    assert get(api, q + "ClinicNum=3") == []
    paging(api, "clockevents?", rows)


def test_clockevents(api):
    sql_only(api, "time cards with values the seed does not write "
                  "(overtime, adjustments, a break, a clinic, working from "
                  "home, a note on two lines), to read each field back")
    emp = 770000 + int(uuid.uuid4().int % 10000)

    def clock(day, status, **kw):
        cols = {"EmployeeNum": emp, "TimeEntered1": day + " 08:00:00",
                "TimeDisplayed1": day + " 08:00:00", "ClockStatus": status,
                "Note": "", "TimeEntered2": day + " 17:00:00",
                "TimeDisplayed2": day + " 17:00:00",
                "OTimeHours": "-01:00:00", "Rate2Hours": "-01:00:00"}
        cols.update(kw)
        return insert(api, "INSERT INTO clockevent (%s) VALUES (%s)" % (
            ", ".join(cols), ", ".join("'%s'" % v for v in cols.values())))

    made = [clock("2030-01-06", 0, Note="line1\r\nline2",
                  OTimeAuto="01:30:00", AdjustAuto="-00:15:00"),
            clock("2030-01-07", 1, ClinicNum=3, AdjustIsOverridden=1,
                  Adjust="00:45:00", OTimeHours="02:00:00"),
            clock("2030-01-08", 2, IsWorkingHome=1)]
    one = get(api, "clockevents/%d" % made[0])
    assert list(one) == CLOCKEVENT
    assert one == {
        "ClockEventNum": made[0], "EmployeeNum": emp, "ClockStatus": "Home",
        "Note": "line1 line2", "OTimeHours": "-01:00:00",
        "OTimeAuto": "01:30:00", "Adjust": "00:00:00",
        "AdjustAuto": "-00:15:00", "AdjustIsOverridden": "false",
        "ClinicNum": 0, "IsWorkingHome": "false"}
    two = get(api, "clockevents/%d" % made[1])
    assert (two["ClockStatus"], two["ClinicNum"], two["Adjust"],
            two["AdjustIsOverridden"], two["OTimeHours"]) == (
        "Lunch", 3, "00:45:00", "true", "02:00:00")
    three = get(api, "clockevents/%d" % made[2])
    assert (three["ClockStatus"], three["IsWorkingHome"]) == ("Break", "true")
    mine = get(api, "clockevents?EmployeeNum=%d" % emp)
    assert mine == [one, two, three]
    q = "clockevents?EmployeeNum=%d&" % emp
    assert get(api, q + "ClockStatus=Lunch") == [two]
    assert get(api, q + "ClockStatus=break") == [three]
    assert get(api, q + "ClinicNum=3") == [two]
    assert get(api, q + "date=2030-01-07") == [two]
    assert get(api, q + "dateStart=2030-01-07") == [two, three]
    assert get(api, q + "dateEnd=2030-01-07") == [one, two]
    assert get(api, q + "dateStart=2030-01-07&dateEnd=2030-01-07") == [two]
    assert get(api, q + "date=2030-02-01") == []
    rows = get(api, "clockevents")
    assert keys(rows, "ClockEventNum") == sorted(keys(rows, "ClockEventNum"))
    paging(api, "clockevents?", rows)


# ---- insverifies -----------------------------------------------------------

def verify_status_def(api):
    st, d, _ = api.request("POST", "definitions", {
        "ItemName": uniq("Verified by phone"),
        "category": "InsuranceVerificationStatus"})
    assert st == 201, d
    return d["DefNum"]


def first_key(api, path, k):
    rows = get(api, path)
    assert rows, path
    return rows[0][k], rows[-1][k]


def test_insverifies_put_upsert_round_trip(api):
    # a plan of its own: the seeded plans all have their verification row
    carrier = get(api, "carriers")[0]["CarrierNum"]
    st, made, _ = api.request("POST", "insplans", {"CarrierNum": carrier})
    assert st == 201, made
    plan = made["PlanNum"]
    assert get(api, "insverifies?VerifyType=InsuranceBenefit&FKey=%d"
               % plan) == []
    defnum = verify_status_def(api)
    mark = log_mark(api)
    body = {"DateLastVerified": "2031-09-27", "VerifyType": "InsuranceBenefit",
            "FKey": plan, "DefNum": defnum, "Note": "called the carrier"}
    st, made, r = api.request("PUT", "insverifies", body)
    assert st == 200, made
    assert list(made) == INSVERIFY
    key = made["InsVerifyNum"]
    assert made == {
        "InsVerifyNum": key, "DateLastVerified": "2031-09-27", "UserNum": 0,
        "VerifyType": "InsuranceBenefit", "FKey": plan, "DefNum": defnum,
        "Note": "called the carrier", "DateLastAssigned": "0001-01-01",
        "SecDateTEdit": made["SecDateTEdit"]}
    assert DATETIME.match(made["SecDateTEdit"])
    assert get(api, "insverifies/%d" % key) == made
    # the same (VerifyType, FKey) again updates that row
    st, upd, _ = api.request("PUT", "insverifies", {
        "DateLastVerified": "2031-10-01", "VerifyType": "insurancebenefit",
        "FKey": plan})
    assert st == 200, upd
    assert upd["InsVerifyNum"] == key
    assert upd["DateLastVerified"] == "2031-10-01"
    assert (upd["DefNum"], upd["Note"]) == (defnum, "called the carrier")
    assert get(api, "insverifies/%d" % key) == upd
    rows = get(api, "insverifies?VerifyType=InsuranceBenefit&FKey=%d" % plan)
    assert rows == [upd]
    assert logs(api, mark, PERM_INSURANCE_VERIFICATION, key) in (
        None, [("Created", PERM_INSURANCE_VERIFICATION, 0),
               ("Updated", PERM_INSURANCE_VERIFICATION, 0)])
    got = db(api, "SELECT DateTimeEntry > '2000-01-01' FROM insverify "
                  "WHERE InsVerifyNum = %d" % key)
    assert got in (None, [["1"]])


def test_insverifies_seeded(api):
    """Every plan's benefits and every patplan's enrollment are verified."""
    plans = get(api, "insverifies?VerifyType=InsuranceBenefit&Limit=1000")
    assert plans and all(list(r) == INSVERIFY for r in plans)
    fkeys = keys(plans, "FKey")
    for p in get(api, "insplans?Limit=1000"):
        if p["PlanNum"] in fkeys:
            break
    else:
        raise AssertionError("no plan has its verification")
    one = plans[0]
    assert get(api, "insverifies/%d" % one["InsVerifyNum"]) == one
    status = {d["DefNum"] for d in get(api, "definitions?Category=38")}
    assert all(r["DefNum"] in status | {0} for r in plans)
    enrolled = get(api, "insverifies?VerifyType=PatientEnrollment&Limit=1000")
    patplans = keys(get(api, "patplans?Limit=1000"), "PatPlanNum")
    assert enrolled and all(r["FKey"] in patplans for r in enrolled[:50])


def test_insverifies_patient_enrollment_and_list(api):
    pp, pp2 = first_key(api, "patplans?Limit=1000", "PatPlanNum")
    assert pp != pp2
    made = []
    for k in (pp, pp2):
        st, obj, _ = api.request("PUT", "insverifies", {
            "DateLastVerified": "2031-05-05",
            "VerifyType": "PatientEnrollment", "FKey": k})
        assert st == 200, obj
        made.append(obj)
    assert made[0]["VerifyType"] == "PatientEnrollment"
    rows = get(api, "insverifies?VerifyType=PatientEnrollment")
    assert all(list(r) == INSVERIFY for r in rows)
    assert all(r["VerifyType"] == "PatientEnrollment" for r in rows)
    assert keys(rows, "InsVerifyNum") == sorted(keys(rows, "InsVerifyNum"))
    for m in made:
        assert m in rows
    assert get(api, "insverifies?VerifyType=PatientEnrollment&FKey=%d"
               % pp2) == [made[1]]
    assert get(api, "insverifies?VerifyType=PatientEnrollment&"
                    "SecDateTEdit=2099-01-01%2000:00:00") == []
    since = get(api, "insverifies?VerifyType=PatientEnrollment&"
                     "SecDateTEdit=2000-01-01%2000:00:00")
    assert since == rows
    # InsuranceBenefit rows are not PatientEnrollment rows
    assert all(r["VerifyType"] == "InsuranceBenefit" for r in
               get(api, "insverifies?VerifyType=InsuranceBenefit"))


def test_insverifies_errors(api):
    plan, _ = first_key(api, "insplans?Limit=1000", "PlanNum")
    pp, _ = first_key(api, "patplans?Limit=1000", "PatPlanNum")
    assert err(api, "GET", "insverifies/99999999") == (
        404, "InsVerify not found.")
    assert err(api, "GET", "insverifies/abc")[0] == 400
    assert err(api, "GET", "insverifies") == (400, "VerifyType is required.")
    assert err(api, "GET", "insverifies?VerifyType=Other") == (
        400, "VerifyType is invalid.")
    assert err(api, "GET", "insverifies?VerifyType=InsuranceBenefit&"
                           "SecDateTEdit=soon")[0] == 400
    no_method(api, "POST", "insverifies", {"FKey": plan})
    no_method(api, "PUT", "insverifies/1", {"FKey": plan})
    no_method(api, "DELETE", "insverifies/1")
    ok = {"DateLastVerified": "2031-01-01", "VerifyType": "InsuranceBenefit",
          "FKey": plan}
    cases = [
        ({k: v for k, v in ok.items() if k != "DateLastVerified"},
         "DateLastVerified is required."),
        ({k: v for k, v in ok.items() if k != "VerifyType"},
         "VerifyType is required."),
        ({k: v for k, v in ok.items() if k != "FKey"}, "FKey is required."),
        (dict(ok, DateLastVerified="01/02/2031"),
         "DateLastVerified format must be yyyy-MM-dd."),
        (dict(ok, VerifyType="Other"), "VerifyType is invalid."),
        (dict(ok, VerifyType="None"), "VerifyType is invalid."),
        (dict(ok, FKey=99999999), "FKey is invalid."),
        (dict(ok, VerifyType="PatientEnrollment", FKey=99999999),
         "FKey is invalid."),
        (dict(ok, FKey="x"), "FKey is invalid."),
        # a DefNum of another category
        (dict(ok, DefNum=1), "DefNum is invalid."),
    ]
    before = db(api, "SELECT COUNT(*) FROM insverify")
    for body, msg in cases:
        assert err(api, "PUT", "insverifies", body) == (400, msg), body
    assert db(api, "SELECT COUNT(*) FROM insverify") == before
    # a PatPlanNum is valid only as PatientEnrollment's key
    if pp != plan:
        st, obj = err(api, "PUT", "insverifies", dict(
            ok, VerifyType="PatientEnrollment", FKey=pp))
        assert st == 200, obj
    assert err(api, "PUT", "insverifies", "[]") [0] == 400


# ---- claimtrackings --------------------------------------------------------

def tracking_defs(api):
    out = []
    for cat in ("ClaimCustomTracking", "ClaimErrorCode"):
        st, d, _ = api.request("POST", "definitions", {
            "ItemName": uniq("Track"), "category": cat})
        assert st == 201, d
        out.append(d["DefNum"])
    return out


def test_claimtrackings_errors(api):
    track, error = tracking_defs(api)
    no_method(api, "GET", "claimtrackings/1")
    no_method(api, "DELETE", "claimtrackings/1")
    assert all(list(r) == CLAIMTRACKING for r in get(api, "claimtrackings"))
    assert get(api, "claimtrackings?ClaimNum=99999999") == []
    assert err(api, "GET", "claimtrackings?ClaimNum=x")[0] == 400
    for body, st, msg in [
            ({"TrackingDefNum": track}, 400, "ClaimNum is required."),
            ({"ClaimNum": 99999999}, 400, "TrackingDefNum is required."),
            ({"ClaimNum": 99999999, "TrackingDefNum": track}, 404,
             "Claim not found."),
            ({"ClaimNum": 1, "TrackingDefNum": error}, 400,
             "TrackingDefNum is invalid."),
            ({"ClaimNum": 1, "TrackingDefNum": track,
              "TrackingErrorDefNum": track}, 400,
             "TrackingErrorDefNum is invalid."),
            ({"ClaimNum": 1, "TrackingDefNum": "a"}, 400,
             "TrackingDefNum is invalid."),
    ]:
        assert err(api, "POST", "claimtrackings", body) == (st, msg), body
    assert err(api, "PUT", "claimtrackings/99999999", {"Note": "x"}) == (
        404, "ClaimTracking not found.")
    assert err(api, "PUT", "claimtrackings/abc", {"Note": "x"})[0] == 400


def test_claimtrackings_seeded(api):
    """Claims sent a month ago and not paid: the office called the carrier."""
    rows = get(api, "claimtrackings?Limit=1000")
    assert rows and all(list(r) == CLAIMTRACKING for r in rows)
    custom = keys(get(api, "definitions?Category=31"), "DefNum")
    for r in rows[:20]:
        assert r["TrackingType"] == "StatusHistory"
        assert r["TrackingDefNum"] in custom
        claim = get(api, "claims/%d" % r["ClaimNum"])
        assert claim["ClaimStatus"] == "S"
        assert claim["CustomTracking"] == r["TrackingDefNum"]
        assert r in get(api, "claimtrackings?ClaimNum=%d" % r["ClaimNum"])


def test_claimtrackings_round_trip(api):
    track, error = tracking_defs(api)
    track2, _ = tracking_defs(api)
    # a sent claim nobody has tracked yet (the newest ones)
    claim = next(c["ClaimNum"] for c in
                 reversed(get(api, "claims?ClaimStatus=S&Limit=1000"))
                 if not get(api, "claimtrackings?ClaimNum=%d" % c["ClaimNum"]))
    mark = log_mark(api)
    made = []
    for note in ("Called insurance", "Sent x-rays", ""):
        st, obj, r = api.request("POST", "claimtrackings", {
            "ClaimNum": claim, "TrackingDefNum": track, "Note": note,
            "TrackingErrorDefNum": error if note else 0})
        assert st == 201, obj
        assert r.getheader("Location", "").endswith(
            "/api/v1/claimtrackings/%d" % obj["ClaimTrackingNum"])
        made.append(obj)
    first = made[0]
    assert list(first) == CLAIMTRACKING
    assert first == {
        "ClaimTrackingNum": first["ClaimTrackingNum"], "ClaimNum": claim,
        "TrackingType": "StatusHistory", "UserNum": 0,
        "DateTimeEntry": first["DateTimeEntry"], "Note": "Called insurance",
        "TrackingDefNum": track, "TrackingErrorDefNum": error}
    assert DATETIME.match(first["DateTimeEntry"])
    rows = get(api, "claimtrackings?ClaimNum=%d" % claim)
    assert rows == made
    key = first["ClaimTrackingNum"]
    # PUT: partial
    st, upd, _ = api.request("PUT", "claimtrackings/%d" % key,
                             {"Note": "Resubmitted", "TrackingDefNum": track2})
    assert st == 200, upd
    assert upd == dict(first, Note="Resubmitted", TrackingDefNum=track2,
                       DateTimeEntry=upd["DateTimeEntry"])
    st, upd2, _ = api.request("PUT", "claimtrackings/%d" % key,
                              {"TrackingErrorDefNum": 0, "Note": ""})
    assert st == 200, upd2
    assert (upd2["TrackingErrorDefNum"], upd2["Note"],
            upd2["TrackingDefNum"]) == (0, "", track2)
    # "" is not a status: ignored
    assert err(api, "PUT", "claimtrackings/%d" % key,
               {"TrackingDefNum": ""}) == (
        400, "No fields to update were provided.")
    # not writable
    assert err(api, "PUT", "claimtrackings/%d" % key, {"ClaimNum": 1}) == (
        400, "No fields to update were provided.")
    assert err(api, "PUT", "claimtrackings/%d" % key, {}) == (
        400, "No fields to update were provided.")
    assert err(api, "PUT", "claimtrackings/%d" % key,
               {"TrackingDefNum": 0}) == (400, "TrackingDefNum is invalid.")
    assert err(api, "PUT", "claimtrackings/%d" % key,
               {"TrackingDefNum": error}) == (400,
                                               "TrackingDefNum is invalid.")
    assert get(api, "claimtrackings?ClaimNum=%d" % claim)[0] == upd2
    assert logs(api, mark, PERM_UPDATE_CUSTOM_TRACKING, key) in (None, [
        ("Created", PERM_UPDATE_CUSTOM_TRACKING, 0),
        ("Updated", PERM_UPDATE_CUSTOM_TRACKING, 0),
        ("Updated", PERM_UPDATE_CUSTOM_TRACKING, 0)])
    # Note and TrackingErrorDefNum are optional
    st, bare, _ = api.request("POST", "claimtrackings", {
        "ClaimNum": claim, "TrackingDefNum": track})
    assert st == 201, bare
    assert (bare["Note"], bare["TrackingErrorDefNum"],
            bare["TrackingType"]) == ("", 0, "StatusHistory")
    rows = get(api, "claimtrackings")
    assert keys(rows, "ClaimTrackingNum") == sorted(
        keys(rows, "ClaimTrackingNum"))
    paging(api, "claimtrackings?", rows)


# ---- patientraces ----------------------------------------------------------

def test_patientraces(api):
    read_only(api, "patientraces")
    assert err(api, "GET", "patientraces") == (400, "PatNum is required.")
    assert err(api, "GET", "patientraces?PatNum=x")[0] == 400
    assert get(api, "patientraces?PatNum=99999999") == []
    # the patients' answers (seeded): a race and an ethnicity each
    for p in keys(get(api, "patients?Limit=1000"), "PatNum"):
        rows = get(api, "patientraces?PatNum=%d" % p)
        if len(rows) >= 2:
            break
    assert len(rows) >= 2
    assert all(list(r) == PATIENTRACE for r in rows)
    assert keys(rows, "PatientRaceNum") == sorted(keys(rows, "PatientRaceNum"))
    names = {"2106-3": "White", "2054-5": "Black or African American",
             "2028-9": "Asian", "1002-5": "American Indian or Alaska Native",
             "2076-8": "Native Hawaiian or Other Pacific Islander",
             "2135-2": "Hispanic or Latino", "2186-5": "Not Hispanic or Latino"}
    for r in rows:
        assert r["PatNum"] == p
        code = r["CdcrecCode"]
        if code.startswith("ASKU"):
            assert (r["descripition"], r["heirarchicalCode"]) == (
                "Declined to Specify", "")
            assert r["isEthnicity"] == (
                "true" if code == "ASKU-ETHNICITY" else "false")
        else:
            assert r["descripition"] == names[code]
            assert r["isEthnicity"] == (
                "true" if r["heirarchicalCode"].startswith("E") else "false")
    assert sorted(r["isEthnicity"] for r in rows) == ["false", "true"]
    assert get(api, "patientraces?PatNum=%d&Offset=1&Limit=1" % p) == \
        rows[1:2]


# ---- histappointments ------------------------------------------------------

HISTAPPOINTMENT = [
    "HistApptNum", "HistUserNum", "HistDateTStamp", "HistApptAction",
    "ApptSource", "AptNum", "PatNum", "AptStatus", "Pattern", "Confirmed",
    "confirmed", "TimeLocked", "Op", "Note", "ProvNum", "provAbbr", "ProvHyg",
    "AptDateTime", "NextAptNum", "UnschedStatus", "unschedStatus",
    "IsNewPatient", "ProcDescript", "ClinicNum", "IsHygiene", "DateTStamp",
    "DateTimeArrived", "DateTimeSeated", "DateTimeDismissed",
    "DateTimeAskedToArrive", "colorOverride", "AppointmentTypeNum",
    "SecUserNumEntry", "SecDateTEntry", "Priority", "PatternSecondary",
    "ItemOrderPlanned"]


def test_histappointments_errors(api):
    read_only(api, "histappointments")
    no_method(api, "GET", "histappointments/1")
    assert all(list(r) == HISTAPPOINTMENT
               for r in get(api, "histappointments"))
    assert err(api, "GET", "histappointments?HistApptAction=Moved") == (
        400, "HistApptAction is invalid.")
    assert err(api, "GET", "histappointments?AptStatus=Gone") == (
        400, "AptStatus is invalid.")
    assert err(api, "GET", "histappointments?dateEnd=31-12-2030")[0] == 400
    assert get(api, "histappointments?AptNum=99999999") == []


def test_histappointments_of_the_seeded_appointments(api):
    """Created, Changed and Missed rows of the seeded appointments, through
    the filters, matching the appointments they are the history of."""
    rows = get(api, "histappointments?Limit=1000")
    assert rows and keys(rows, "HistApptNum") == sorted(
        keys(rows, "HistApptNum"))
    actions = {r["HistApptAction"] for r in rows}
    assert {"Created", "Changed"} <= actions
    done = next(r for r in rows if r["HistApptAction"] == "Changed")
    apt = get(api, "appointments/%d" % done["AptNum"])
    assert apt["AptStatus"] == done["AptStatus"] == "Complete"
    for k in ("PatNum", "Pattern", "ProvNum", "Op", "AptDateTime",
              "ProcDescript", "Confirmed", "confirmed", "provAbbr"):
        assert done[k] == apt[k], k
    mine = get(api, "histappointments?AptNum=%d" % done["AptNum"])
    assert done in mine and all(r["AptNum"] == done["AptNum"] for r in mine)
    if len(mine) > 1:  # booked first, as it was then: scheduled
        assert (mine[0]["HistApptAction"], mine[0]["AptStatus"]) == (
            "Created", "Scheduled")
        assert mine[0]["HistDateTStamp"] <= done["HistDateTStamp"]
    q = "histappointments?PatNum=%d&Limit=1000" % done["PatNum"]
    pats = get(api, q)
    assert done in pats and all(r["PatNum"] == done["PatNum"] for r in pats)
    assert get(api, q + "&HistApptAction=Changed") == [
        r for r in pats if r["HistApptAction"] == "Changed"]
    assert get(api, q + "&AptStatus=Complete") == [
        r for r in pats if r["AptStatus"] == "Complete"]
    day = done["HistDateTStamp"][:10]
    assert get(api, q + "&date=%s" % day) == [
        r for r in pats if r["HistDateTStamp"][:10] == day]
    assert get(api, q + "&dateStart=%s" % day) == [
        r for r in pats if r["HistDateTStamp"][:10] >= day]
    assert get(api, q + "&dateEnd=%s" % day) == [
        r for r in pats if r["HistDateTStamp"][:10] <= day]
    assert get(api, q + "&ClinicNum=0") == pats
    paging(api, "histappointments?", rows)


def test_histappointments(api):
    sql_only(api, "history rows with values the seed does not write (an "
                  "eConnector source, a color override, a deleted "
                  "appointment, a note on two lines), to read each field "
                  "back")
    pat = get(api, "patients/Simple?Limit=1")[0]["PatNum"]
    prov = get(api, "providers")[0]
    conf = db(api, "SELECT DefNum, ItemName FROM definition WHERE "
                   "Category = 2 ORDER BY DefNum LIMIT 1")[0]
    apt = 660000 + int(uuid.uuid4().int % 10000)

    def hist(day, action, status, **kw):
        cols = {"HistUserNum": 4, "HistDateTStamp": day + " 10:11:12",
                "HistApptAction": action, "ApptSource": 0, "AptNum": apt,
                "PatNum": pat, "AptStatus": status, "Pattern": "//XX//",
                "Confirmed": conf[0], "Op": 2, "Note": "",
                "ProvNum": prov["ProvNum"], "AptDateTime": day + " 09:00:00",
                "ProcsColored": "", "ClinicNum": 0, "Priority": 0}
        cols.update(kw)
        return insert(api, "INSERT INTO histappointment (%s) VALUES (%s)" % (
            ", ".join(cols), ", ".join("'%s'" % v for v in cols.values())))

    made = [hist("2030-04-01", 0, 1, Note="booked\nby phone"),
            hist("2030-04-02", 1, 1, ClinicNum=5, ApptSource=1,
                 ColorOverride=0xFF0000, Priority=1, TimeLocked=1),
            hist("2030-04-03", 4, 5, IsNewPatient=1)]
    rows = get(api, "histappointments?AptNum=%d" % apt)
    assert keys(rows, "HistApptNum") == made
    first = rows[0]
    assert list(first) == HISTAPPOINTMENT
    assert first["HistUserNum"] == 4
    assert first["HistDateTStamp"] == "2030-04-01 10:11:12"
    assert (first["HistApptAction"], first["ApptSource"],
            first["AptStatus"]) == ("Created", "None", "Scheduled")
    assert (first["PatNum"], first["Confirmed"], first["confirmed"]) == (
        pat, int(conf[0]), conf[1])
    assert (first["ProvNum"], first["provAbbr"]) == (
        prov["ProvNum"], prov["Abbr"])
    assert first["Note"] == "booked by phone"
    assert (first["TimeLocked"], first["Priority"]) == ("false", "Normal")
    assert first["AptDateTime"] == "2030-04-01 09:00:00"
    assert first["colorOverride"] == "0,0,0"
    assert DATETIME.match(first["DateTStamp"])
    second = rows[1]
    assert (second["HistApptAction"], second["ApptSource"],
            second["ClinicNum"], second["colorOverride"],
            second["Priority"], second["TimeLocked"]) == (
        "Changed", "EConnector", 5, "255,0,0", "ASAP", "true")
    assert (rows[2]["HistApptAction"], rows[2]["AptStatus"],
            rows[2]["IsNewPatient"]) == ("Deleted", "Broken", "true")
    q = "histappointments?AptNum=%d&" % apt
    assert get(api, q + "HistApptAction=Deleted") == rows[2:]
    assert get(api, q + "AptStatus=Scheduled") == rows[:2]
    assert get(api, q + "ClinicNum=5") == rows[1:2]
    assert get(api, q + "PatNum=%d" % pat) == rows
    assert get(api, q + "date=2030-04-02") == rows[1:2]
    assert get(api, q + "dateStart=2030-04-02") == rows[1:]
    assert get(api, q + "dateEnd=2030-04-02") == rows[:2]
    assert get(api, q + "Offset=1&Limit=1") == rows[1:2]
    allrows = get(api, "histappointments")
    assert keys(allrows, "HistApptNum") == sorted(
        keys(allrows, "HistApptNum"))
