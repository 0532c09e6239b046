"""Tasks, quick paste notes and auto notes (lib/resources/tasks.c): tasklists,
tasks, tasknotes, quickpastecats, quickpastenotes, autonotes and
autonotecontrols through HTTP against the seeded test database and the
embedded sandbox. Rows the API cannot create (task lists, quick paste
categories and notes) are made with SQL on the server backend only."""
import datetime
import re


from conftest import db, uniq, put, get, err, post

DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")

TASKLIST = ["TaskListNum", "Descript", "Parent", "DateTL", "IsRepeating",
            "DateType", "FromNum", "ObjectType", "DateTimeEntry",
            "TaskListStatus"]
TASK = ["TaskNum", "TaskListNum", "DateTask", "KeyNum", "Descript",
        "TaskStatus", "IsRepeating", "DateType", "FromNum", "ObjectType",
        "DateTimeEntry", "UserNum", "DateTimeFinished", "PriorityDefNum",
        "ReminderGroupId", "ReminderType", "ReminderFrequency",
        "DateTimeOriginal", "SecDateTEdit", "DescriptOverride", "IsReadOnly"]
TASKNOTE = ["TaskNoteNum", "TaskNum", "UserNum", "DateTimeNote", "Note"]
QPCAT = ["QuickPasteCatNum", "Description", "ItemOrder", "DefaultForTypes"]
QPNOTE = ["QuickPasteNoteNum", "QuickPasteCatNum", "ItemOrder", "Note",
          "Abbreviation"]
AUTONOTE = ["AutoNoteNum", "AutoNoteName", "MainText", "Category", "category"]
CONTROL = ["AutoNoteControlNum", "Descript", "ControlType", "ControlLabel",
           "ControlOptions"]

PERM_AUTONOTE = 60
PERM_TASKNOTE = 66
PERM_TASK = 84


def changed_only(before, after, given):
    for k in before:
        if k in given or k == "SecDateTEdit":
            continue
        assert after[k] == before[k], k


def log_mark(api):
    """The newest securitylog row now (0 on the embedded backend)."""
    rows = db(api, "SELECT COALESCE(MAX(SecurityLogNum), 0) FROM securitylog")
    return int(rows[0][0]) if rows else 0


def own_log(api, perm, fkey, verbs, mark):
    """The securitylog rows this test's writes added for one row; autonotes
    and autonotecontrols share a PermType, so only rows after mark count."""
    rows = db(api, "SELECT LogText, LogSource FROM securitylog WHERE "
                   "PermType = %d AND FKey = %d AND SecurityLogNum > %d "
                   "ORDER BY SecurityLogNum" % (perm, fkey, mark))
    if rows is not None:
        assert [r[0].split(" by ")[0] for r in rows] == verbs, rows
        assert all(r == ["%s by Sandbox Developer through API."
                         % r[0].split(" by ")[0], "23"] for r in rows), rows


def seeded_tasklist(api):
    """An active seeded task list (the office's lists have no API to make
    them): the last, a leaf of the tree."""
    return [r for r in get(api, "tasklists")
            if r["TaskListStatus"] == "Active"][-1]["TaskListNum"]


def today(api):
    st, rows, _ = api.request("GET", "appointments?Limit=1")
    y, m, d = (int(x) for x in rows[0]["serverDateTime"][:10].split("-"))
    return datetime.date(y, m, d)


# ---- tasklists -------------------------------------------------------------

def test_tasklists_list_and_status_filter(api):
    rows = get(api, "tasklists")
    assert all(list(r) == TASKLIST for r in rows)
    assert err(api, "GET", "tasklists?TaskListStatus=Closed") == (
        400, "TaskListStatus is invalid.")
    # the office's lists (seeded): a tree, one of them archived
    by = {r["TaskListNum"]: r for r in rows}
    active = next(k for k, r in by.items() if r["Descript"] == "Front Desk")
    archived = next(k for k, r in by.items()
                    if r["TaskListStatus"] == "Archived")
    r = by[active]
    assert (r["Parent"] in by, r["DateTL"], r["IsRepeating"], r["DateType"],
            r["FromNum"], r["ObjectType"], r["TaskListStatus"]) == (
        True, "0001-01-01", "false", "None", 0, "None", "Active")
    assert DATETIME.match(r["DateTimeEntry"])
    assert by[r["Parent"]]["Parent"] == 0
    nums = [r["TaskListNum"] for r in get(api, "tasklists?TaskListStatus=Archived")]
    assert archived in nums and active not in nums
    nums = [r["TaskListNum"] for r in get(api, "tasklists?taskliststatus=active")]
    assert active in nums and archived not in nums
    # paging
    all_nums = [r["TaskListNum"] for r in get(api, "tasklists")]
    assert all_nums == sorted(all_nums)
    page = [r["TaskListNum"] for r in get(api, "tasklists?Offset=1&Limit=1")]
    assert page == all_nums[1:2]


# ---- tasks -----------------------------------------------------------------

def test_tasks_errors_on_every_backend(api):
    assert err(api, "POST", "tasks", {"Descript": "x", "UserNum": 1}) == (
        400, "TaskListNum is required.")
    assert err(api, "POST", "tasks", {"TaskListNum": 1, "UserNum": 1}) == (
        400, "Descript is required.")
    assert err(api, "POST", "tasks", {"TaskListNum": 1, "Descript": ""}) == (
        400, "Descript is required.")
    assert err(api, "POST", "tasks", {"TaskListNum": 1, "Descript": "x"}) == (
        400, "UserNum is required.")
    assert err(api, "POST", "tasks", {"TaskListNum": 99999999,
                                      "Descript": "x", "UserNum": 1}) == (
        400, "TaskListNum is invalid.")
    assert err(api, "POST", "tasks", {"TaskListNum": 1, "Descript": "x",
                                      "UserNum": 1,
                                      "ObjectType": "Claim"}) == (
        400, "ObjectType is invalid.")
    assert err(api, "GET", "tasks/99999999") == (404, "Task not found.")
    assert err(api, "GET", "tasks/abc")[0] == 400
    assert err(api, "PUT", "tasks/99999999", {"Descript": "x"}) == (
        404, "Task not found.")
    assert err(api, "GET", "tasks?TaskStatus=Finished") == (
        400, "TaskStatus is invalid.")
    assert err(api, "GET", "tasks?ObjectType=Claim") == (
        400, "ObjectType is invalid.")
    assert err(api, "GET", "tasks?DateTimeOriginal=2024-01-01") == (
        400, "DateTimeOriginal format must be yyyy-MM-dd HH:mm:ss")
    assert isinstance(get(api, "tasks"), list)


def test_tasks_seeded_and_the_14_day_window(api):
    """The office's tasks: by default those of the last 14 days
    (DateTimeOriginal), the rest on request."""
    every = get(api, "tasks?DateTimeOriginal=2000-01-01%2000:00:00&Limit=1000")
    assert every and all(list(r) == TASK for r in every)
    nums = [r["TaskNum"] for r in every]
    assert nums == sorted(nums)
    since = str(today(api) - datetime.timedelta(days=14))
    recent = get(api, "tasks?Limit=1000")
    assert recent == [r for r in every if r["DateTimeOriginal"][:10] >= since]
    assert len(recent) < len(every)  # some are older
    lists = {r["TaskListNum"] for r in get(api, "tasklists")}
    assert all(r["TaskListNum"] in lists for r in every)
    pats = [r for r in every if r["ObjectType"] == "Patient"]
    assert pats and all(get(api, "patients/%d" % r["KeyNum"])["PatNum"] ==
                        r["KeyNum"] for r in pats[:5])
    done = [r for r in every if r["TaskStatus"] == "Done"]
    assert done and all(r["DateTimeFinished"] > r["DateTimeEntry"]
                        for r in done)
    cut = every[len(every) // 2]["DateTimeOriginal"]
    assert get(api, "tasks?DateTimeOriginal=%s&Limit=1000"
               % cut.replace(" ", "%20")) == [
        r for r in every if r["DateTimeOriginal"] >= cut]


def test_tasks_round_trip(api):
    mark = log_mark(api)
    tl = seeded_tasklist(api)
    pat = get(api, "patients?Limit=1")[0]["PatNum"]
    old = get(api, "tasks?TaskListNum=%d&Limit=1000" % tl)
    t = post(api, "tasks", {"TaskListNum": tl, "Descript": "Call the lab",
                            "UserNum": 1})
    assert list(t) == TASK
    assert (t["TaskListNum"], t["Descript"], t["UserNum"], t["TaskStatus"],
            t["ObjectType"], t["KeyNum"], t["IsRepeating"], t["DateType"],
            t["ReminderType"], t["DateTask"], t["DateTimeFinished"],
            t["IsReadOnly"], t["DescriptOverride"]) == (
        tl, "Call the lab", 1, "New", "None", 0, "false", "None",
        "NoReminder", "0001-01-01", "0001-01-01 00:00:00", "false", "")
    assert DATETIME.match(t["DateTimeEntry"])
    assert DATETIME.match(t["DateTimeOriginal"])
    assert DATETIME.match(t["SecDateTEdit"])
    one = get(api, "tasks/%d" % t["TaskNum"])
    assert one == t and list(one) == TASK

    p = post(api, "tasks", {"TaskListNum": tl, "Descript": "Verify ins",
                            "UserNum": 2, "ObjectType": "Patient",
                            "KeyNum": pat,
                            "DateTimeEntry": "2024-03-04 05:06:07",
                            "DescriptOverride": "Short"})
    assert (p["ObjectType"], p["KeyNum"], p["DateTimeEntry"],
            p["DescriptOverride"]) == ("Patient", pat, "2024-03-04 05:06:07",
                                       "Short")
    assert err(api, "POST", "tasks", {"TaskListNum": tl, "Descript": "x",
                                      "UserNum": 1, "ObjectType": "Patient",
                                      "KeyNum": 99999999}) == (
        400, "KeyNum is invalid.")
    assert err(api, "POST", "tasks", {"TaskListNum": tl, "Descript": "x",
                                      "UserNum": 99999999}) == (
        400, "UserNum is invalid.")
    assert err(api, "POST", "tasks", {"TaskListNum": tl, "Descript": "x",
                                      "UserNum": 1,
                                      "PriorityDefNum": 1}) == (
        400, "PriorityDefNum is invalid.")

    # filters (the list's seeded tasks of the last 14 days come first)
    nums = lambda q: [r["TaskNum"] for r in get(api, "tasks?" + q)]
    olds = [r["TaskNum"] for r in old]
    assert nums("TaskListNum=%d&Limit=1000" % tl) == olds + [t["TaskNum"],
                                                             p["TaskNum"]]
    assert nums("TaskListNum=%d&ObjectType=Patient&Limit=1000" % tl) == [
        r["TaskNum"] for r in old if r["ObjectType"] == "Patient"] + [
        p["TaskNum"]]
    assert p["TaskNum"] in nums("ObjectType=Patient&KeyNum=%d&TaskListNum=%d"
                                % (pat, tl))
    assert nums("TaskListNum=%d&TaskStatus=Done&Limit=1000" % tl) == [
        r["TaskNum"] for r in old if r["TaskStatus"] == "Done"]
    assert nums("TaskListNum=%d&Offset=%d&Limit=1" % (tl, len(old) + 1)) == [
        p["TaskNum"]]

    # PUT: partial; TaskListNum and UserNum are not changed
    u = put(api, "tasks/%d" % t["TaskNum"], {"TaskStatus": "Done",
                                              "TaskListNum": 99999999,
                                              "UserNum": 3})
    assert list(u) == TASK
    assert (u["TaskStatus"], u["TaskListNum"], u["UserNum"]) == (
        "Done", tl, 1)
    changed_only(t, u, {"TaskStatus"})
    v = put(api, "tasks/%d" % t["TaskNum"], {"Descript": "Lab called",
                                              "ObjectType": "Patient",
                                              "KeyNum": pat})
    assert (v["Descript"], v["ObjectType"], v["KeyNum"]) == (
        "Lab called", "Patient", pat)
    changed_only(u, v, {"Descript", "ObjectType", "KeyNum"})
    assert nums("TaskListNum=%d&TaskStatus=Done&Limit=1000" % tl) == [
        r["TaskNum"] for r in old if r["TaskStatus"] == "Done"] + [
        t["TaskNum"]]
    assert err(api, "PUT", "tasks/%d" % t["TaskNum"],
               {"TaskStatus": "Finished"}) == (400, "TaskStatus is invalid.")
    assert err(api, "PUT", "tasks/%d" % t["TaskNum"],
               {"ObjectType": "Appointment", "KeyNum": 99999999}) == (
        400, "KeyNum is invalid.")
    assert err(api, "PUT", "tasks/%d" % t["TaskNum"], {"Other": 1}) == (
        400, "No fields to update were provided.")
    own_log(api, PERM_TASK, t["TaskNum"], ["Created", "Updated", "Updated"],
            mark)
    own_log(api, PERM_TASK, p["TaskNum"], ["Created"], mark)


# ---- tasknotes -------------------------------------------------------------

def test_tasknotes_errors_on_every_backend(api):
    assert err(api, "POST", "tasknotes", {"UserNum": 1, "Note": "x"}) == (
        400, "TaskNum is required.")
    assert err(api, "POST", "tasknotes", {"TaskNum": 1, "Note": "x"}) == (
        400, "UserNum is required.")
    assert err(api, "POST", "tasknotes", {"TaskNum": 1, "UserNum": 1}) == (
        400, "Note is required.")
    assert err(api, "POST", "tasknotes", {"TaskNum": 1, "UserNum": 1,
                                          "Note": ""}) == (
        400, "Note is required.")
    assert err(api, "POST", "tasknotes", {"TaskNum": 99999999, "UserNum": 1,
                                          "Note": "x"}) == (
        404, "Task not found.")
    assert err(api, "GET", "tasknotes/99999999") == (
        404, "TaskNote not found.")
    assert err(api, "PUT", "tasknotes/99999999", {"Note": "x"}) == (
        404, "TaskNote not found.")
    assert isinstance(get(api, "tasknotes"), list)


def test_tasknotes_seeded(api):
    rows = get(api, "tasknotes?Limit=1000")
    assert rows and all(list(r) == TASKNOTE for r in rows)
    n = rows[0]
    assert get(api, "tasknotes/%d" % n["TaskNoteNum"]) == n
    task = get(api, "tasks/%d" % n["TaskNum"])
    assert n["DateTimeNote"] >= task["DateTimeEntry"][:10]
    assert n in get(api, "tasknotes?TaskNum=%d" % n["TaskNum"])
    assert n in get(api, "tasknotes?UserNum=%d&Limit=1000" % n["UserNum"])


def test_tasknotes_round_trip(api):
    mark = log_mark(api)
    tl = seeded_tasklist(api)
    t = post(api, "tasks", {"TaskListNum": tl, "Descript": "With notes",
                            "UserNum": 1})
    n = post(api, "tasknotes", {"TaskNum": t["TaskNum"], "UserNum": 2,
                                "Note": "Sent to Dr. Smith"})
    assert list(n) == TASKNOTE
    assert (n["TaskNum"], n["UserNum"], n["Note"]) == (
        t["TaskNum"], 2, "Sent to Dr. Smith")
    assert DATETIME.match(n["DateTimeNote"])
    assert get(api, "tasknotes/%d" % n["TaskNoteNum"]) == n
    m = post(api, "tasknotes", {"TaskNum": t["TaskNum"], "UserNum": 3,
                                "Note": "Got it",
                                "DateTimeNote": "2001-01-01 00:00:00"})
    assert m["DateTimeNote"] != "2001-01-01 00:00:00"
    assert err(api, "POST", "tasknotes", {"TaskNum": t["TaskNum"],
                                          "UserNum": 99999999,
                                          "Note": "x"}) == (
        400, "UserNum is invalid.")
    rows = get(api, "tasknotes?TaskNum=%d" % t["TaskNum"])
    assert rows == [n, m]
    assert get(api, "tasknotes?TaskNum=%d&UserNum=3" % t["TaskNum"]) == [m]
    assert get(api, "tasknotes?TaskNum=%d&Limit=1&Offset=1"
               % t["TaskNum"]) == [m]
    assert n in get(api, "tasknotes?UserNum=2")

    u = put(api, "tasknotes/%d" % n["TaskNoteNum"],
            {"DateTimeNote": "2025-01-16 09:12:00", "Note": "Edited",
             "TaskNum": 1, "UserNum": 1})
    assert list(u) == TASKNOTE
    assert (u["DateTimeNote"], u["Note"], u["TaskNum"], u["UserNum"]) == (
        "2025-01-16 09:12:00", "Edited", t["TaskNum"], 2)
    w = put(api, "tasknotes/%d" % n["TaskNoteNum"], {"Note": "Again"})
    changed_only(u, w, {"Note"})
    assert err(api, "PUT", "tasknotes/%d" % n["TaskNoteNum"],
               {"Note": ""}) == (400, "Note cannot be blank.")
    assert err(api, "PUT", "tasknotes/%d" % n["TaskNoteNum"],
               {"DateTimeNote": "2025-01-16"}) == (
        400, "DateTimeNote format must be yyyy-MM-dd HH:mm:ss.")
    assert get(api, "tasknotes/%d" % n["TaskNoteNum"])["Note"] == "Again"
    own_log(api, PERM_TASKNOTE, n["TaskNoteNum"],
            ["Created", "Updated", "Updated"], mark)


# ---- quickpastecats, quickpastenotes ---------------------------------------

def test_quickpaste_errors_and_shape(api):
    assert err(api, "GET", "quickpastecats/99999999") == (
        404, "QuickPasteCat not found.")
    assert err(api, "GET", "quickpastenotes/99999999") == (
        404, "QuickPasteNote not found.")
    assert all(list(r) == QPCAT for r in get(api, "quickpastecats"))
    assert all(list(r) == QPNOTE for r in get(api, "quickpastenotes"))
    # read-only resources: no such method (400, the router's answer)
    assert err(api, "POST", "quickpastecats", {"Description": "x"})[0] == 400
    assert err(api, "PUT", "quickpastenotes/1", {"Note": "x"})[0] == 400


def test_quickpaste_rows(api):
    # the office's categories and notes (seeded)
    cats = get(api, "quickpastecats")
    assert len(cats) >= 2
    c = cats[-1]
    assert get(api, "quickpastecats/%d" % c["QuickPasteCatNum"]) == c
    assert [x["ItemOrder"] for x in cats] == sorted(x["ItemOrder"]
                                                    for x in cats)
    every = get(api, "quickpastenotes")
    notes = [r for r in every if r["QuickPasteCatNum"] == c["QuickPasteCatNum"]]
    assert notes and all(list(r) == QPNOTE for r in notes)
    assert all(r["QuickPasteCatNum"] in [x["QuickPasteCatNum"] for x in cats]
               for r in every)
    assert all(r["Note"] and r["Abbreviation"] for r in every)
    assert get(api, "quickpastenotes/%d" % notes[0]["QuickPasteNoteNum"]) \
        == notes[0]
    all_nums = [r["QuickPasteNoteNum"] for r in every]
    assert [r["QuickPasteNoteNum"] for r in
            get(api, "quickpastenotes?Offset=1&Limit=1")] == all_nums[1:2]


# ---- autonotes -------------------------------------------------------------

def test_autonotes_round_trip(api):
    mark = log_mark(api)
    cat_name = uniq("Exams")
    st, d, _ = api.request("POST", "definitions",
                           {"ItemName": cat_name, "category": "AutoNoteCats"})
    assert st == 201, d
    name = uniq("SOAP")
    a = post(api, "autonotes", {"AutoNoteName": name,
                                "MainText": "Subjective: [Prompt:\"BP\"]",
                                "Category": d["DefNum"]})
    assert list(a) == AUTONOTE
    assert (a["AutoNoteName"], a["MainText"], a["Category"],
            a["category"]) == (name, "Subjective: [Prompt:\"BP\"]",
                               d["DefNum"], cat_name)
    b = post(api, "autonotes", {"AutoNoteName": uniq("Bare")})
    assert (b["MainText"], b["Category"], b["category"]) == ("", 0, "")
    rows = get(api, "autonotes")
    assert a in rows and b in rows and all(list(r) == AUTONOTE for r in rows)
    assert get(api, "autonotes?Category=%d" % d["DefNum"]) == [a]

    u = put(api, "autonotes/%d" % a["AutoNoteNum"], {"MainText": "Plan",
                                                      "category": "ignored"})
    assert list(u) == AUTONOTE and u["MainText"] == "Plan"
    changed_only(a, u, {"MainText"})
    v = put(api, "autonotes/%d" % a["AutoNoteNum"], {"Category": 0,
                                                      "AutoNoteName": ""})
    assert (v["Category"], v["category"], v["AutoNoteName"]) == (0, "", name)

    assert err(api, "POST", "autonotes", {"MainText": "x"}) == (
        400, "AutoNoteName is required.")
    assert err(api, "POST", "autonotes", {"AutoNoteName": "x" * 51}) == (
        400, "AutoNoteName is too long.")
    # a definition of another category
    other = get(api, "definitions?Category=2")[0]["DefNum"]
    assert err(api, "POST", "autonotes", {"AutoNoteName": "x",
                                          "Category": other}) == (
        400, "Category is invalid.")
    assert err(api, "PUT", "autonotes/%d" % a["AutoNoteNum"],
               {"Category": "abc"}) == (400, "Category is invalid.")
    assert err(api, "PUT", "autonotes/99999999", {"MainText": "x"}) == (
        404, "AutoNote not found.")
    # no GET (single) in the spec
    assert err(api, "GET", "autonotes/%d" % a["AutoNoteNum"])[0] == 400
    own_log(api, PERM_AUTONOTE, a["AutoNoteNum"],
            ["Created", "Updated", "Updated"], mark)


# ---- autonotecontrols ------------------------------------------------------

def test_autonotecontrols_round_trip(api):
    mark = log_mark(api)
    c = post(api, "autonotecontrols", {
        "Descript": "Medications", "ControlType": "MultiResponse",
        "ControlLabel": "Medications",
        "ControlOptions": "Zantac\r\nValium"})
    assert list(c) == CONTROL
    assert (c["Descript"], c["ControlType"], c["ControlLabel"],
            c["ControlOptions"]) == ("Medications", "MultiResponse",
                                     "Medications", "Zantac Valium")
    t = post(api, "autonotecontrols", {"Descript": "BP", "ControlType": "Text",
                                       "ControlLabel": "BP Pulse"})
    assert (t["ControlType"], t["ControlOptions"]) == ("Text", "")
    rows = get(api, "autonotecontrols")
    assert c in rows and t in rows and all(list(r) == CONTROL for r in rows)
    nums = [r["AutoNoteControlNum"] for r in rows]
    assert nums == sorted(nums)
    assert [r["AutoNoteControlNum"] for r in
            get(api, "autonotecontrols?Offset=1&Limit=1")] == nums[1:2]

    u = put(api, "autonotecontrols/%d" % c["AutoNoteControlNum"],
            {"ControlType": "OneResponse"})
    assert list(u) == CONTROL and u["ControlType"] == "OneResponse"
    changed_only(c, u, {"ControlType"})
    v = put(api, "autonotecontrols/%d" % c["AutoNoteControlNum"],
            {"ControlLabel": "Meds", "ControlOptions": "A\r\nB"})
    assert (v["ControlLabel"], v["ControlOptions"]) == ("Meds", "A B")

    base = {"Descript": "d", "ControlType": "OneResponse",
            "ControlLabel": "l", "ControlOptions": "a"}
    for missing in ("Descript", "ControlType", "ControlLabel"):
        body = dict(base)
        del body[missing]
        assert err(api, "POST", "autonotecontrols", body) == (
            400, "%s is required." % missing)
    body = dict(base)
    del body["ControlOptions"]
    assert err(api, "POST", "autonotecontrols", body) == (
        400, "ControlOptions is required.")
    assert err(api, "POST", "autonotecontrols",
               dict(base, ControlType="Checkbox")) == (
        400, "ControlType is invalid.")
    assert err(api, "POST", "autonotecontrols",
               dict(base, Descript="x" * 51)) == (400, "Descript is too long.")
    assert err(api, "PUT", "autonotecontrols/%d" % c["AutoNoteControlNum"],
               {"ControlType": "text"}) == (400, "ControlType is invalid.")
    assert err(api, "PUT", "autonotecontrols/99999999",
               {"Descript": "x"}) == (404, "AutoNoteControl not found.")
    own_log(api, PERM_AUTONOTE, c["AutoNoteControlNum"],
            ["Created", "Updated", "Updated"], mark)
