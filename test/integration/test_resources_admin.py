"""usergroups, usergroupattaches, computers, scheduleops, clockevents,
insverifies, claimtrackings and patientraces (lib/resources/admin.c), through HTTP
against the seeded test database and the embedded sandbox."""
import re
import uuid


from conftest import db, server_only, uniq, get, err

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
    rows = get(api, "usergroups")
    assert all(list(r) == USERGROUP for r in rows)
    server_only(api)
    names = [uniq("Front Desk"), uniq("Hygienists"), uniq("Billing")]
    made = [insert(api, "INSERT INTO usergroup (Description, "
                        "UserGroupNumCEMT) VALUES ('%s', 0)" % n)
            for n in names]
    cemt = insert(api, "INSERT INTO usergroup (Description, UserGroupNumCEMT)"
                       " VALUES ('%s', 7)" % uniq("CEMT group"))
    rows = get(api, "usergroups")
    assert all(list(r) == USERGROUP for r in rows)
    assert keys(rows, "UserGroupNum") == sorted(keys(rows, "UserGroupNum"))
    assert {"UserGroupNum": made[1], "Description": names[1],
            "UserGroupNumCEMT": 0} in rows
    # CEMT groups only on request
    assert cemt not in keys(rows, "UserGroupNum")
    allrows = get(api, "usergroups?includeCEMT=true")
    assert {"UserGroupNum": cemt, "Description": allrows[-1]["Description"],
            "UserGroupNumCEMT": 7} == allrows[-1]
    assert get(api, "usergroups?includeCEMT=false") == rows
    assert err(api, "GET", "usergroups?includeCEMT=maybe")[0] == 400
    paging(api, "usergroups?", rows)


def test_usergroupattaches(api):
    read_only(api, "usergroupattaches")
    assert all(list(r) == USERGROUPATTACH
               for r in get(api, "usergroupattaches"))
    server_only(api)
    g1 = insert(api, "INSERT INTO usergroup (Description) VALUES ('%s')"
                % uniq("G"))
    g2 = insert(api, "INSERT INTO usergroup (Description) VALUES ('%s')"
                % uniq("G"))
    made = [insert(api, "INSERT INTO usergroupattach (UserNum, UserGroupNum)"
                        " VALUES (%d, %d)" % (u, g))
            for u, g in [(901, g1), (902, g1), (901, g2)]]
    rows = get(api, "usergroupattaches")
    assert keys(rows, "UserGroupAttachNum") == sorted(
        keys(rows, "UserGroupAttachNum"))
    assert {"UserGroupAttachNum": made[0], "UserNum": 901,
            "UserGroupNum": g1} in rows
    assert keys(get(api, "usergroupattaches?UserGroupNum=%d" % g1),
                "UserGroupAttachNum") == made[:2]
    assert keys(get(api, "usergroupattaches?UserNum=901&UserGroupNum=%d"
                    % g2), "UserGroupAttachNum") == [made[2]]
    assert get(api, "usergroupattaches?UserNum=99999999") == []
    assert err(api, "GET", "usergroupattaches?UserNum=abc")[0] == 400
    paging(api, "usergroupattaches?", rows)


# ---- computers, scheduleops ------------------------------------------------

def test_computers(api):
    read_only(api, "computers")
    assert all(list(r) == COMPUTER for r in get(api, "computers"))
    assert err(api, "GET", "computers?LastHeartBeat=yesterday")[0] == 400
    server_only(api)
    made = [insert(api, "INSERT INTO computer (CompName, LastHeartBeat) "
                        "VALUES ('%s', '%s')" % (n, t))
            for n, t in [("FRONTDESK1", "2031-03-01 08:00:00"),
                         ("OP2", "2031-03-02 09:15:30"),
                         ("SERVER", "0001-01-01 00:00:00")]]
    rows = get(api, "computers")
    assert {"ComputerNum": made[1], "CompName": "OP2",
            "LastHeartBeat": "2031-03-02 09:15:30"} in rows
    assert {"ComputerNum": made[2], "CompName": "SERVER",
            "LastHeartBeat": "0001-01-01 00:00:00"} in rows
    got = get(api, "computers?LastHeartBeat=2031-03-01%2008:00:01")
    assert keys(got, "ComputerNum") == [made[1]]
    got = get(api, "computers?LastHeartBeat=2031-03-01%2008:00:00")
    assert keys(got, "ComputerNum") == made[:2]
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
    server_only(api)
    made = [insert(api, "INSERT INTO scheduleop (ScheduleNum, OperatoryNum) "
                        "VALUES (%d, %d)" % so)
            for so in [(880001, 1), (880001, 2), (880002, 2)]]
    rows = get(api, "scheduleops")
    assert {"ScheduleOpNum": made[0], "ScheduleNum": 880001,
            "OperatoryNum": 1} in rows
    assert keys(get(api, "scheduleops?ScheduleNum=880001"),
                "ScheduleOpNum") == made[:2]
    assert keys(get(api, "scheduleops?ScheduleNum=880002&OperatoryNum=2"),
                "ScheduleOpNum") == made[2:]
    assert get(api, "scheduleops?OperatoryNum=99999999") == []
    paging(api, "scheduleops?", rows)


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


def test_clockevents(api):
    server_only(api)
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
    plan, _ = first_key(api, "insplans?Limit=1000", "PlanNum")
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


def test_claimtrackings_round_trip(api):
    server_only(api)
    track, error = tracking_defs(api)
    track2, _ = tracking_defs(api)
    pat = get(api, "patients/Simple?Limit=1")[0]["PatNum"]
    claim = insert(api, "INSERT INTO claim (PatNum, DateService, ClaimStatus,"
                        " PlanNum, ClaimFee, ClaimType, InsSubNum, ClaimForm,"
                        " Narrative) VALUES (%d, '2024-05-01', 'S', 1, 150, "
                        "'P', 1, 3, '')" % pat)
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
    assert logs(api, mark, PERM_UPDATE_CUSTOM_TRACKING, key) == [
        ("Created", PERM_UPDATE_CUSTOM_TRACKING, 0),
        ("Updated", PERM_UPDATE_CUSTOM_TRACKING, 0),
        ("Updated", PERM_UPDATE_CUSTOM_TRACKING, 0)]
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
    server_only(api)
    pat = get(api, "patients/Simple?Limit=1")[0]["PatNum"]
    db(api, "INSERT INTO cdcrec (CdcrecCode, HeirarchicalCode, Description) "
            "SELECT '2106-3', 'R5', 'WHITE' FROM DUAL WHERE NOT EXISTS "
            "(SELECT 1 FROM cdcrec WHERE CdcrecCode = '2106-3')")
    db(api, "INSERT INTO cdcrec (CdcrecCode, HeirarchicalCode, Description) "
            "SELECT '2135-2', 'E1', 'HISPANIC OR LATINO' FROM DUAL WHERE NOT "
            "EXISTS (SELECT 1 FROM cdcrec WHERE CdcrecCode = '2135-2')")
    db(api, "DELETE FROM patientrace WHERE PatNum = %d" % pat)
    made = [insert(api, "INSERT INTO patientrace (PatNum, Race, CdcrecCode) "
                        "VALUES (%d, -1, '%s')" % (pat, c))
            for c in ("2106-3", "2135-2", "ASKU-ETHNICITY")]
    rows = get(api, "patientraces?PatNum=%d" % pat)
    assert all(list(r) == PATIENTRACE for r in rows)
    assert rows == [
        {"PatientRaceNum": made[0], "PatNum": pat, "CdcrecCode": "2106-3",
         "descripition": "WHITE", "isEthnicity": "false",
         "heirarchicalCode": "R5"},
        {"PatientRaceNum": made[1], "PatNum": pat, "CdcrecCode": "2135-2",
         "descripition": "HISPANIC OR LATINO", "isEthnicity": "true",
         "heirarchicalCode": "E1"},
        {"PatientRaceNum": made[2], "PatNum": pat,
         "CdcrecCode": "ASKU-ETHNICITY",
         "descripition": "Declined to Specify", "isEthnicity": "true",
         "heirarchicalCode": ""}]
    assert get(api, "patientraces?PatNum=%d&Offset=1&Limit=1" % pat) == \
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


def test_histappointments(api):
    server_only(api)
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
