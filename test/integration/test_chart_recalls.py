"""Issue #16: the recall list and the recall actions, POST /userods and
GET /signalods, on every backend (conftest's api fixture), each rule
against a case computed by hand from Open Dental 24.3's source
(docs/resources.md names the file of each)."""
import base64
import datetime
import hashlib
import re

import pytest

from conftest import db, err, get, post, put, server_only, uniq

DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")

RECALL_LIST = ["DueDate", "PatNum", "Patient", "Age", "Type", "Interval",
               "NumRemind", "LastRemind", "Contact", "Status", "ClinicNum",
               "Note"]
SIGNALOD = ["SignalNum", "DateViewing", "SigDateTime", "FKey", "FKeyType",
            "IType", "RemoteRole", "MsgValue", "serverDateTime"]
USEROD_POST = ["UserNum", "UserName", "EmployeeNum", "employeeName",
               "ProviderNum", "providerName", "ClinicNum", "emailAddress",
               "IsHidden", "UserGroupNum", "Password",
               "IsPasswordResetRequired"]
PERM_RECALL_EDIT, PERM_ADD_NEW_USER, PERM_COMMLOG_CREATE = 156, 158, 193


def today(api):
    """The database's date (serverDateTime)."""
    return datetime.date.fromisoformat(
        get(api, "appointments?Limit=1")[0]["serverDateTime"][:10])


def short(d):
    """Open Dental's en-US short date: M/d/yyyy."""
    return "%d/%d/%04d" % (d.month, d.day, d.year)


def add_months(d, months):
    m = d.month - 1 + months
    y = d.year + m // 12
    m = m % 12 + 1
    last = [31, 29 if y % 4 == 0 and (y % 100 or y % 400 == 0) else 28,
            31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
    return datetime.date(y, m, min(d.day, last))


def recall_types(api):
    return {t["Description"]: t["RecallTypeNum"] for t in get(api,
                                                            "recalltypes")}


def recall_def(api, category, index=0):
    rows = get(api, "definitions?Category=%d" % {"RecallUnschedStatus": 13, "CommLogTypes": 27}[category])
    return rows[index]


def new_patient(api, **extra):
    body = {"LName": uniq("Recall"), "FName": "Rita"}
    body.update(extra)
    return post(api, "patients", body)


def logs(api, perm, fkey):
    rows = db(api, "SELECT LogText, PatNum FROM securitylog WHERE PermType "
                   "= %d AND FKey = %d ORDER BY SecurityLogNum" % (perm, fkey))
    return rows


# ---- GET /recalls/List ---------------------------------------------------------

def test_recall_list_shape_and_defaults(api):
    rows = get(api, "recalls/List")
    assert rows, "the seeded practice has recalls due in the default range"
    t = today(api)
    for r in rows:
        assert list(r) == RECALL_LIST
        assert isinstance(r["PatNum"], int) and isinstance(r["ClinicNum"],
                                                           int)
        assert re.match(r"^\d+(y \d+m)?$", r["Age"]) or r["Age"] == "0"
        assert r["Type"] in ("Prophy", "Child Prophy", "Perio")
        m, d, y = (int(x) for x in r["DueDate"].split("/"))
        due = datetime.date(y, m, d)
        # RecallDaysPast 1095 and RecallDaysFuture 30 (the seed's)
        assert t - datetime.timedelta(days=1095) <= due <= \
            t + datetime.timedelta(days=30)
    dues = [datetime.datetime.strptime(r["DueDate"], "%m/%d/%Y").date()
            for r in rows]
    assert dues == sorted(dues)  # by due date, then last name


def test_recall_list_rules_computed_by_hand(api):
    """A patient with a Prophy recall due in ten days, contacted by text,
    with one Recall commlog today: the row as Recalls.GetRecallList
    builds it."""
    types = recall_types(api)
    t = today(api)
    birth = datetime.date(t.year - 10, t.month, 1) \
        if t.day > 1 else datetime.date(t.year - 11, 12, 15)
    pat = new_patient(api, Preferred="Riri", Birthdate=birth.isoformat(),
                      WirelessPhone="5035550199",
                      PreferRecallMethod="TextMessage")
    due = t + datetime.timedelta(days=10)
    rec = post(api, "recalls", {"PatNum": pat["PatNum"],
                                "RecallTypeNum": types["Prophy"],
                                "DateDue": due.isoformat(),
                                "Note": "prefers mornings"})
    path = "recalls/List?DateStart=%s&DateEnd=%s" % (due, due)
    mine = [r for r in get(api, path) if r["PatNum"] == pat["PatNum"]]
    age = t.year - birth.year - ((t.month, t.day) < (birth.month, birth.day))
    assert mine == [{
        "DueDate": short(due), "PatNum": pat["PatNum"],
        "Patient": "%s, 'Riri' Rita" % pat["LName"], "Age": str(age),
        "Type": "Prophy", "Interval": "6m1d", "NumRemind": "",
        "LastRemind": "", "Contact": "Text:5035550199", "Status": "",
        "ClinicNum": 0, "Note": "prefers mornings"}]
    # a reminder (a Recall commlog after DatePrevious): counted, dated
    recall_type = [d for d in get(api, "definitions?Category=27")
                   if d["ItemValue"] == "RECALL"][0]
    post(api, "commlogs", {"PatNum": pat["PatNum"], "Note": "card",
                           "CommType": recall_type["DefNum"],
                           "CommDateTime": "%s 09:00:00" % t})
    post(api, "commlogs", {"PatNum": pat["PatNum"], "Note": "same day",
                           "CommType": recall_type["DefNum"],
                           "CommDateTime": "%s 15:00:00" % t})
    row = [r for r in get(api, path) if r["PatNum"] == pat["PatNum"]][0]
    assert (row["NumRemind"], row["LastRemind"]) == ("1", short(t))
    # filters: a type it is not, a provider it has not, another clinic
    for q in ("&RecallType=Perio", "&ProvNum=99999999", "&ClinicNum=99"):
        assert pat["PatNum"] not in [r["PatNum"] for r in get(api, path + q)]
    assert pat["PatNum"] in [r["PatNum"] for r in
                             get(api, path + "&RecallType=Prophy&ClinicNum=0"
                                 "&IncludeReminded=true")]
    # disabled until a later date: not listed (DoIncludeRecall)
    put(api, "recalls/%d" % rec["RecallNum"], {
        "DisableUntilDate": (t + datetime.timedelta(days=3)).isoformat()})
    assert pat["PatNum"] not in [r["PatNum"] for r in get(api, path)]
    put(api, "recalls/%d" % rec["RecallNum"], {"IsDisabled": "true",
                                               "DisableUntilDate":
                                               "0001-01-01"})
    assert pat["PatNum"] not in [r["PatNum"] for r in get(api, path)]


def test_recall_list_errors(api):
    assert err(api, "GET", "recalls/List?DateStart=2024-02-30") == (
        400, "DateStart format must be yyyy-MM-dd.")
    assert err(api, "GET", "recalls/List?RecallType=Nope") == (
        400, "RecallType is invalid.")
    assert err(api, "GET", "recalls/List?ProvNum=x") == (
        400, "ProvNum is invalid.")
    assert err(api, "GET", "recalls/List?IncludeReminded=yes") == (
        400, "IncludeReminded is invalid.")
    assert err(api, "GET", "recalls/List?DateStart=2001-01-01&"
                           "DateEnd=2001-01-02") == (200, [])
    assert err(api, "GET", "recalls/List?Offset=1000000") == (200, [])


# ---- PUT /recalls/Status -----------------------------------------------------

def test_recall_status_sets_and_notes_in_a_commlog(api):
    types = recall_types(api)
    pat = new_patient(api)
    rec = post(api, "recalls", {"PatNum": pat["PatNum"],
                                "RecallTypeNum": types["Prophy"]})
    status = recall_def(api, "RecallUnschedStatus", 1)
    st, body, r = api.request("PUT", "recalls/Status", {
        "PatNum": pat["PatNum"], "RecallStatus": status["ItemName"],
        "commlogMode": "Text", "commlogNote": "asked to call back"})
    assert (st, body) == (200, None) and r.getheader("Content-Length") == "0"
    got = get(api, "recalls?PatNum=%d" % pat["PatNum"])[0]
    assert (got["RecallStatus"], got["recallStatus"]) == (
        status["DefNum"], status["ItemName"])
    comms = get(api, "commlogs?PatNum=%d" % pat["PatNum"])
    assert len(comms) == 1
    c = comms[0]
    assert (c["commType"], c["Mode_"], c["SentOrReceived"], c["Note"]) == (
        "Recall", "Text", "Sent",
        "%s,  asked to call back.  " % status["ItemName"])
    # by DefNum too; a Recall commlog today already: no second one
    other = recall_def(api, "RecallUnschedStatus", 2)
    put(api, "recalls/Status", {"PatNum": pat["PatNum"],
                                "RecallStatus": other["DefNum"]})
    assert get(api, "recalls?PatNum=%d" % pat["PatNum"])[0][
        "RecallStatus"] == other["DefNum"]
    assert len(get(api, "commlogs?PatNum=%d" % pat["PatNum"])) == 1
    rows = logs(api, PERM_RECALL_EDIT, rec["RecallNum"])
    if rows is not None:
        # the POST's, then one per status change
        assert [r[0].split(" by ")[0] for r in rows] == [
            "Created", "Updated", "Updated"]
        assert {r[1] for r in rows} == {str(pat["PatNum"])}
        assert logs(api, PERM_COMMLOG_CREATE, c["CommlogNum"]) == [
            ["Created by Sandbox Developer through API.",
             str(pat["PatNum"])]]


def test_recall_status_errors(api):
    pat = new_patient(api)
    status = recall_def(api, "RecallUnschedStatus")["ItemName"]
    cases = [
        ({}, 400, "PatNum is required."),
        ({"PatNum": "x"}, 400, "PatNum is invalid."),
        ({"PatNum": pat["PatNum"]}, 400, "RecallStatus is required."),
        ({"PatNum": 99999999, "RecallStatus": status}, 404,
         "Patient not found."),
        ({"PatNum": pat["PatNum"], "RecallStatus": status}, 404,
         "Recall not found."),
        ({"PatNum": pat["PatNum"], "RecallStatus": status,
          "commlogMode": "Pigeon"}, 400, "commlogMode is invalid."),
        ({"PatNum": pat["PatNum"], "RecallStatus": status,
          "recallType": "Nope"}, 400, "recallType is invalid."),
    ]
    for body, st, msg in cases:
        assert err(api, "PUT", "recalls/Status", body) == (st, msg), body
    post(api, "recalls", {"PatNum": pat["PatNum"],
                          "RecallTypeNum": recall_types(api)["Prophy"]})
    assert err(api, "PUT", "recalls/Status", {
        "PatNum": pat["PatNum"], "RecallStatus": "Not a status"}) == (
        400, "RecallStatus is invalid.")
    assert get(api, "commlogs?PatNum=%d" % pat["PatNum"]) == []


# ---- PUT /recalls/SwitchType --------------------------------------------------

def test_switch_type_prophy_perio_by_hand(api):
    """Recalls.Synch after FormRecallsPat's switch: DatePrevious is the
    completed trigger (D1110 on day X); a new Perio recall is due X + 4m,
    back to Prophy X + 6m1d (DateDue followed DateDueCalc)."""
    pat = new_patient(api)
    x = today(api) - datetime.timedelta(days=20)
    post(api, "procedurelogs", {"PatNum": pat["PatNum"], "procCode": "D1110",
                                "ProcStatus": "C", "ProcDate": x.isoformat()})
    st, body, _ = api.request("PUT", "recalls/SwitchType",
                              {"PatNum": pat["PatNum"]})
    assert (st, body) == (200, None)
    types = recall_types(api)
    rec = get(api, "recalls?PatNum=%d" % pat["PatNum"])
    assert len(rec) == 1
    assert (rec[0]["RecallTypeNum"], rec[0]["RecallInterval"],
            rec[0]["DatePrevious"], rec[0]["DateDue"]) == (
        types["Perio"], "4m", x.isoformat(), add_months(x, 4).isoformat())
    put(api, "recalls/SwitchType", {"PatNum": pat["PatNum"]})
    back = get(api, "recalls?PatNum=%d" % pat["PatNum"])
    assert [r["RecallNum"] for r in back] == [rec[0]["RecallNum"]]
    assert (back[0]["RecallTypeNum"], back[0]["RecallInterval"],
            back[0]["DateDue"]) == (
        types["Prophy"], "6m1d",
        (add_months(x, 6) + datetime.timedelta(days=1)).isoformat())
    rows = logs(api, PERM_RECALL_EDIT, rec[0]["RecallNum"])
    if rows is not None:
        assert [r[0].split(" by ")[0] for r in rows] == ["Created", "Updated"]


def test_switch_type_errors(api):
    assert err(api, "PUT", "recalls/SwitchType", {}) == (
        400, "PatNum is required.")
    assert err(api, "PUT", "recalls/SwitchType", {"PatNum": 99999999}) == (
        404, "Patient not found.")
    assert err(api, "PUT", "recalls/SwitchType", "[]") == (
        400, "The request body must be a JSON object.")


def test_switch_type_needs_both_special_types(api):
    server_only(api)
    pat = new_patient(api)
    saved = db(api, "SELECT ValueString FROM preference WHERE PrefName = "
                    "'RecallTypeSpecialPerio'")[0][0]
    db(api, "UPDATE preference SET ValueString = '0' WHERE PrefName = "
            "'RecallTypeSpecialPerio'")
    try:
        assert err(api, "PUT", "recalls/SwitchType",
                   {"PatNum": pat["PatNum"]}) == (
            400, "Prophy and Perio special recall types are not setup "
                 "properly.  They must both exist, and they must both have "
                 "a trigger.")
    finally:
        db(api, "UPDATE preference SET ValueString = '%s' WHERE PrefName = "
                "'RecallTypeSpecialPerio'" % saved)
    assert get(api, "recalls?PatNum=%d" % pat["PatNum"]) == []


# ---- POST /userods --------------------------------------------------------------

def group(api):
    return get(api, "usergroups")[0]["UserGroupNum"]


def od_sha3_512(salt, password):
    """Authentication.HashPasswordSHA512: base64 of SHA3-512 over the
    UTF-16LE bytes of salt + password."""
    return base64.b64encode(hashlib.sha3_512(
        (salt + password).encode("utf-16-le")).digest()).decode()


def test_reference_hash_is_open_dentals():
    """Open Dental's own unit test (UnitTests/UnitTests/
    AuthenticationTests.cs, Authentication_VerifySHA3_512Hashing, 24.3):
    HashPasswordSHA512(" ", "") is this text; the reference the next test
    checks the server against must give it."""
    assert od_sha3_512("", " ") == (
        "J3k3VWdgC8ffI5EhDVNr8aNfrtYZqm+bwUDFSbTbArOodGBxByKJC8S1gRmJwNKO0"
        "omhhpjb6DWp8nBMlfm4cA==")


def test_userod_post_hashes_as_open_dental(api):
    name = uniq("apiuser")
    password = "Tr0ub4dor"
    u = post(api, "userods", {"UserName": name, "UserGroupNum": group(api),
                              "Password": password,
                              "IsPasswordResetRequired": "true"})
    assert list(u) == USEROD_POST
    assert (u["UserName"], u["UserGroupNum"], u["Password"],
            u["IsPasswordResetRequired"], u["IsHidden"]) == (
        name, group(api), "", "true", "false")
    listed = [x for x in get(api, "userods") if x["UserNum"] == u["UserNum"]]
    assert listed and listed[0]["userGroupNums"] == [group(api)]
    assert password not in api.stderr()
    rows = db(api, "SELECT Password, PasswordIsStrong FROM userod WHERE "
                   "UserNum = %d" % u["UserNum"])
    if rows is None:
        return
    stored, strong = rows[0]
    assert strong == "1"
    kind, salt, digest = stored.split("$")
    assert kind == "SHA3_512" and len(base64.b64decode(salt)) == 64
    assert digest == od_sha3_512(salt, password)
    assert db(api, "SELECT UserGroupNum FROM usergroupattach WHERE UserNum "
                   "= %d" % u["UserNum"]) == [[str(group(api))]]
    assert logs(api, PERM_ADD_NEW_USER, u["UserNum"]) == [
        ["Created by Sandbox Developer through API.", "0"]]


@pytest.mark.parametrize("password,msg", [
    ("", "Password may not be blank."),
    ("Ab1", "Password must be at least eight characters long."),
    ("abcdefg1", "Password must contain at least one capital letter."),
    ("ABCDEFG1", "Password must contain at least one lower case letter."),
    ("Abcdefgh", "Password must contain at least one number."),
])
def test_userod_post_strong_password(api, password, msg):
    assert err(api, "POST", "userods", {
        "UserName": uniq("weak"), "UserGroupNum": group(api),
        "Password": password}) == (400, msg)


def test_userod_post_errors(api):
    g = group(api)
    name = uniq("dup")
    post(api, "userods", {"UserName": name, "UserGroupNum": g,
                          "Password": "Abcdefg1"})
    cases = [
        ({"UserGroupNum": g, "Password": "Abcdefg1"},
         "UserName is required."),
        ({"UserName": uniq("u"), "Password": "Abcdefg1"},
         "UserGroupNum is required."),
        ({"UserName": uniq("u"), "UserGroupNum": g}, "Password is required."),
        ({"UserName": uniq("u"), "UserGroupNum": 99999999,
          "Password": "Abcdefg1"}, "UserGroupNum is invalid."),
        ({"UserName": name, "UserGroupNum": g, "Password": "Abcdefg1"},
         "UserName already in use."),
        ({"UserName": uniq("u"), "UserGroupNum": g, "Password": 5},
         "Password is invalid."),
        ({"UserName": "x" * 300, "UserGroupNum": g, "Password": "Abcdefg1"},
         "UserName is too long."),
    ]
    for body, msg in cases:
        assert err(api, "POST", "userods", body) == (400, msg), body


def test_userod_special_character_rule(api):
    server_only(api)
    db(api, "UPDATE preference SET ValueString = '1' WHERE PrefName = "
            "'PasswordsStrongIncludeSpecial'")
    try:
        assert err(api, "POST", "userods", {
            "UserName": uniq("sp"), "UserGroupNum": group(api),
            "Password": "Abcdefg1"}) == (
            400, "Password must contain at least one special character "
                 "when the 'strong passwords require a special character' "
                 "feature is turned on.")
        post(api, "userods", {"UserName": uniq("sp"),
                              "UserGroupNum": group(api),
                              "Password": "Abcdef-g1"})
    finally:
        db(api, "UPDATE preference SET ValueString = '0' WHERE PrefName = "
                "'PasswordsStrongIncludeSpecial'")


# ---- GET /signalods ---------------------------------------------------------------

def test_signalods_shape_order_and_filter(api):
    rows = get(api, "signalods")
    assert len(rows) >= 4
    for r in rows:
        assert list(r) == SIGNALOD
        assert DATE.match(r["DateViewing"]) and DATETIME.match(
            r["SigDateTime"]) and DATETIME.match(r["serverDateTime"])
        assert isinstance(r["FKey"], int) and isinstance(r["IType"], str)
    assert [r["SignalNum"] for r in rows] == sorted(r["SignalNum"]
                                                   for r in rows)
    # the seed's: Defs (14), Schedules (85), Appointment (68), Prefs (5)
    itypes = [r["IType"] for r in rows[:4]]
    assert itypes == ["Defs", "Schedules", "Appointment", "Prefs"]
    assert (rows[2]["FKey"], rows[2]["FKeyType"], rows[2]["RemoteRole"]) == (
        1, "PatNum", "ClientDirect")
    after = get(api, "signalods?SigDateTime=" + rows[1]["SigDateTime"]
                .replace(" ", "%20"))
    assert [r["SignalNum"] for r in after] == [r["SignalNum"] for r in rows
                                               if r["SigDateTime"] >
                                               rows[1]["SigDateTime"]]
    assert err(api, "GET", "signalods?SigDateTime=2024-01-01") == (
        400, "SigDateTime format must be yyyy-MM-dd HH:mm:ss")
    assert err(api, "GET", "signalods?Offset=1000000") == (200, [])
