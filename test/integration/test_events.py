"""Database Events (issue "Database Events: subscriptions and webhook delivery
from odservice"): the subscriptions resource (spec 7.1) and odservice firing
webhooks (spec 7.3) to a receiver in this test: shape and headers, batches
of 1000, a receiver that is down, answers 500 or hangs, two instances on one
database, kill -9 mid-delivery, the HMAC signature. docs/events.md."""
import hashlib
import hmac
import http.server
import json
import os
import re
import signal
import socket
import subprocess
import threading
import time

import pytest

from conftest import DEMO_AUTH, TOP, mysql, socket_path
from test_service import run_svc, wait_for, webconfig, write_keys

DEV = "EvtDevKey0000001"
CUST = "EvtCustKey000001"
AUTH = "ODFHIR %s/%s" % (DEV, CUST)
DEV2 = "EvtDevKey0000002"
CUST2 = "EvtCustKey000002"
AUTH2 = "ODFHIR %s/%s" % (DEV2, CUST2)
WS = "evtest-ws"


# ---- a webhook receiver -----------------------------------------------------

class Receiver:
    """http.server on 127.0.0.1 in a thread; records every POST. mode:
    "ok" (200), "fail" (500), "hang" (never answers)."""

    def __init__(self, port=0):
        self.requests = []
        self.mode = "ok"
        self.lock = threading.RLock()
        self.cond = threading.Condition(self.lock)
        outer = self

        class H(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def do_POST(self):
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(n)
                mode = outer.mode
                if mode == "hang":
                    time.sleep(30)
                    return
                with outer.cond:
                    outer.requests.append({
                        "path": self.path,
                        "headers": {k.lower(): v for k, v in
                                    self.headers.items()},
                        "raw": body,
                        "body": json.loads(body) if body else None,
                        "status": 500 if mode == "fail" else 200,
                        "time": time.time()})
                    outer.cond.notify_all()
                code = 500 if mode == "fail" else 200
                self.send_response(code)
                self.send_header("Content-Length", "0")
                self.end_headers()

        class S(http.server.ThreadingHTTPServer):
            daemon_threads = True

        self.server = S(("127.0.0.1", port), H)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever,
                                       daemon=True)
        self.thread.start()

    def url(self, path="/hook"):
        return "http://127.0.0.1:%d%s" % (self.port, path)

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    def ok(self, path=None):
        """Requests answered 200 (for path, if given)."""
        with self.lock:
            return [r for r in self.requests if r["status"] == 200 and
                    (path is None or r["path"] == path)]

    def rows(self, path=None, key="PatNum"):
        return [row[key] for r in self.ok(path) for row in r["body"]]

    def wait(self, pred, timeout=20.0):
        deadline = time.time() + timeout
        with self.cond:
            while True:
                v = pred()
                if v or time.time() >= deadline:
                    return v
                self.cond.wait(min(0.2, max(0.01, deadline - time.time())))


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


# ---- the service ------------------------------------------------------------

@pytest.fixture
def evdir(tmp_path, server_db):
    write_keys(str(tmp_path / "keys.json"), [(DEV, CUST), (DEV2, CUST2)])
    cfg = tmp_path / "OpenDentalWebConfig.xml"
    cfg.write_bytes(webconfig(server_db, "Information", [
        "<OdapiLogFile>%s</OdapiLogFile>" % (tmp_path / "odservice.log"),
        "<OdapiKeysFile>keys.json</OdapiKeysFile>"]))
    # every test starts without subscriptions
    mysql("DELETE FROM apisubscription", server_db)
    yield tmp_path
    mysql("DELETE FROM apisubscription", server_db)


def start(spawn, d, *more, workstation=WS, state=None):
    """odservice on the test's configuration; its events state in the
    folder d/state unless state names other options."""
    if state is None:
        state = ["--state-dir", str(d / "state")]
    return spawn("odservice", ["--config", str(d / "OpenDentalWebConfig.xml"),
                               "--port", "0", "--listen", "127.0.0.1",
                               "--workstation", workstation,
                               "--event-timeout", "1500"] + state +
                 list(more))


def req(srv, *a, **kw):
    kw.setdefault("auth", AUTH)
    return srv.request(*a, **kw)


def subscribe(srv, url, table="Patient", poll=1, auth=AUTH, **kw):
    body = {"EndPointUrl": url, "Workstation": kw.pop("Workstation", WS),
            "WatchTable": table, "PollingSeconds": poll}
    body.update(kw)
    status, data, _ = req(srv, "POST", "subscriptions", body, auth=auth)
    assert status == 201, data
    return data


def db_now(db):
    return mysql("SELECT DATE_FORMAT(NOW(), '%Y-%m-%d %H:%i:%s')", db)[0][0]


def touch_patients(db, nums):
    """Mark rows changed without changing their data (other tests rely on
    the seeded values)."""
    mysql("UPDATE patient SET DateTStamp = NOW() WHERE PatNum IN (%s)" %
          ",".join(str(n) for n in nums), db)


def patnums(db, n, offset=0):
    return [int(r[0]) for r in mysql(
        "SELECT PatNum FROM patient ORDER BY PatNum LIMIT %d OFFSET %d" %
        (n, offset), db)]


def quiet_start(db):
    """A DateTimeStart after every row's stamp so far."""
    time.sleep(1.05)
    return db_now(db)


# ---- the resource -----------------------------------------------------------

def test_subscriptions_crud_scoped_to_customer_key(spawn, evdir, receiver):
    s = start(spawn, evdir, "--no-events")
    sub = subscribe(s, receiver.url("/a"), Note="first",
                    DateTimeStart="2024-01-02 03:04:05")
    assert list(sub) == ["SubscriptionNum", "EndPointUrl", "Workstation",
                         "CustomerKey", "WatchTable", "PollingSeconds",
                         "UiEventType", "DateTimeStart", "DateTimeStop",
                         "Note"]
    assert sub["CustomerKey"] == CUST
    assert sub["WatchTable"] == "Patient"
    assert sub["PollingSeconds"] == 1
    assert sub["DateTimeStart"] == "2024-01-02 03:04:05"
    assert sub["DateTimeStop"] == "0001-01-01 00:00:00"
    num = sub["SubscriptionNum"]
    # default DateTimeStart: now
    sub2 = subscribe(s, receiver.url("/b"), table="appointment")
    assert sub2["WatchTable"] == "Appointment"
    assert sub2["DateTimeStart"][:4] >= "2024"
    # another customer sees none of them, and cannot change them
    status, body, _ = req(s, "GET", "subscriptions", auth=AUTH2)
    assert status == 200 and body == []
    status, body, _ = req(s, "PUT", "subscriptions/%d" % num,
                                {"Note": "x"}, auth=AUTH2)
    assert status == 404 and body == "Subscription not found"
    status, body, _ = req(s, "DELETE", "subscriptions/%d" % num,
                                auth=AUTH2)
    assert status == 404 and body == "SubscriptionNum not found"
    status, body, _ = req(s, "GET", "subscriptions")
    assert status == 200, body
    assert [b["SubscriptionNum"] for b in body] == [num,
                                                    sub2["SubscriptionNum"]]
    # PUT: 200, no body
    status, body, _ = req(s, "PUT", "subscriptions/%d" % num, {
        "Note": "changed", "PollingSeconds": 30,
        "DateTimeStop": "2030-01-01 00:00:00", "Workstation": "other"})
    assert status == 200 and body is None
    status, body, _ = req(s, "GET", "subscriptions")
    got = [b for b in body if b["SubscriptionNum"] == num][0]
    assert (got["Note"], got["PollingSeconds"], got["DateTimeStop"],
            got["Workstation"]) == ("changed", 30, "2030-01-01 00:00:00",
                                    "other")
    # DELETE
    status, body, _ = req(s, "DELETE", "subscriptions/%d" % num)
    assert status == 200
    status, body, _ = req(s, "DELETE", "subscriptions/%d" % num)
    assert status == 404
    status, body, _ = req(s, "PUT", "subscriptions/%d" % num, {"Note": "x"})
    assert status == 404


@pytest.mark.parametrize("body,msg", [
    ({"WatchTable": "Patient", "PollingSeconds": 5}, "EndPointUrl is required."),
    ({"EndPointUrl": "ftp://x/", "WatchTable": "Patient",
      "PollingSeconds": 5}, "EndPointUrl is invalid"),
    ({"EndPointUrl": "http://x/"}, "WatchTable or UiEventType is required."),
    ({"EndPointUrl": "http://x/", "WatchTable": "Patient"},
     "PollingSeconds is required."),
    ({"EndPointUrl": "http://x/", "WatchTable": "Patient",
      "PollingSeconds": 0}, "PollingSeconds is invalid."),
    ({"EndPointUrl": "http://x/", "WatchTable": "Patient",
      "PollingSeconds": "abc"}, "PollingSeconds is invalid."),
    ({"EndPointUrl": "http://x/", "WatchTable": "Bogus",
      "PollingSeconds": 5}, "WatchTable is invalid."),
    ({"EndPointUrl": "http://x/", "WatchTable": "histappointment",
      "PollingSeconds": 5}, "WatchTable is invalid."),
    ({"EndPointUrl": "http://x/", "WatchTable": "Patient",
      "UiEventType": "PatientSelected", "PollingSeconds": 5},
     "Only one of WatchTable or UiEventType may be given."),
    ({"EndPointUrl": "http://x/", "UiEventType": "Nope"},
     "UiEventType is invalid."),
    ({"EndPointUrl": "http://x/", "WatchTable": "Patient",
      "PollingSeconds": 5, "DateTimeStart": "2024-13-01 00:00:00"},
     "DateTimeStart format must be yyyy-MM-dd HH:mm:ss"),
    ({"EndPointUrl": "http://x/", "WatchTable": "Patient",
      "PollingSeconds": 5, "Secret": "short"}, "Secret must be"),
    ({"EndPointUrl": 5, "WatchTable": "Patient", "PollingSeconds": 5},
     "EndPointUrl is invalid."),
])
def test_post_validation(spawn, evdir, body, msg):
    s = start(spawn, evdir, "--no-events")
    status, data, _ = req(s, "POST", "subscriptions", body)
    assert status == 400, data
    assert msg in data
    assert mysql("SELECT COUNT(*) FROM apisubscription",
                 evdir_db(evdir))[0][0] == "0"


def evdir_db(d):
    text = (d / "OpenDentalWebConfig.xml").read_text()
    return text.split("<Database>")[1].split("</Database>")[0]


SPEC_WATCHTABLES = ["Appointment", "AppointmentDeleted", "Operatory",
                    "PatField", "Patient", "Provider", "Schedule",
                    "ToothInitial"]


def test_every_spec_watchtable_accepted(spawn, evdir):
    """All eight WatchTables of spec 7.2 (any case), stored in its
    spelling; libodapi's extensions too."""
    s = start(spawn, evdir, "--no-events")
    for i, name in enumerate(SPEC_WATCHTABLES + ["ProcedureLog", "Commlog",
                                                 "Payment"]):
        status, sub, _ = req(s, "POST", "subscriptions", {
            "EndPointUrl": "http://127.0.0.1:9/all%d" % i,
            "WatchTable": name.lower() if i % 2 else name,
            "PollingSeconds": 60})
        assert status == 201, (name, sub)
        assert sub["WatchTable"] == name


def test_ui_subscription_duplicates_and_put_rules(spawn, evdir, receiver):
    s = start(spawn, evdir, "--no-events")
    status, ui, _ = req(s, "POST", "subscriptions", {
        "EndPointUrl": receiver.url(), "UiEventType": "PatientSelected"})
    assert status == 201, ui
    assert ui["UiEventType"] == "PatientSelected" and ui["WatchTable"] == ""
    status, body, _ = req(s, "PUT", "subscriptions/%d" %
                                ui["SubscriptionNum"], {"PollingSeconds": 5})
    assert status == 400
    subscribe(s, receiver.url("/dup"))
    status, body, _ = req(s, "POST", "subscriptions", {
        "EndPointUrl": receiver.url("/dup"), "Workstation": WS,
        "WatchTable": "Patient", "PollingSeconds": 1})
    assert status == 400 and "already exists" in body
    status, body, _ = req(s, "PUT", "subscriptions/%d" %
                                ui["SubscriptionNum"],
                                {"WatchTable": "Patient"})
    assert status == 400 and "cannot be changed" in body
    status, body, _ = req(s, "PUT", "subscriptions/abc", {"Note": "x"})
    assert status == 400


def test_permissions(spawn, tmp_path, server_db):
    """ReadAll is enough (spec 2.4); a key without it gets 401."""
    keys = tmp_path / "keys.json"
    with open(keys, "w") as f:
        json.dump({"keys": [{"DeveloperKey": DEV, "CustomerKey": CUST,
                             "DeveloperName": "Events",
                             "Permissions": ["ApiReadAll"]},
                            {"DeveloperKey": DEV2, "CustomerKey": CUST2,
                             "DeveloperName": "Events",
                             "Permissions": ["ApiPatients"]}]}, f)
    cfg = tmp_path / "OpenDentalWebConfig.xml"
    cfg.write_bytes(webconfig(server_db, "Error", [
        "<OdapiKeysFile>keys.json</OdapiKeysFile>"]))
    s = start(spawn, tmp_path, "--no-events")
    status, sub, _ = req(s, "POST", "subscriptions", {
        "EndPointUrl": "http://127.0.0.1:9/perm", "WatchTable": "Patient",
        "PollingSeconds": 60})
    assert status == 201, sub
    n = sub["SubscriptionNum"]
    assert req(s, "GET", "subscriptions")[0] == 200
    assert req(s, "PUT", "subscriptions/%d" % n, {"Note": "x"})[0] == 200
    assert req(s, "GET", "subscriptions", auth=AUTH2)[0] == 401
    assert req(s, "DELETE", "subscriptions/%d" % n, auth=AUTH2)[0] == 401
    assert req(s, "DELETE", "subscriptions/%d" % n)[0] == 200


# ---- firing -----------------------------------------------------------------

def test_changes_arrive_in_shape_with_headers(spawn, evdir, receiver,
                                              server_db):
    s = start(spawn, evdir)
    start_at = quiet_start(server_db)
    subscribe(s, receiver.url("/pat"), DateTimeStart=start_at)
    # a change through the API and one directly in the database
    nums = patnums(server_db, 2)
    orig_addr = mysql("SELECT Address FROM patient WHERE PatNum = %d" %
                      nums[0], server_db)[0][0]
    t0 = time.time()
    status, body, _ = req(s, "PUT", "patients/%d" % nums[0],
                                {"Address": "1 Event Street"})
    assert status == 200, body
    touch_patients(server_db, [nums[1]])
    got = receiver.wait(lambda: set(nums) <= set(receiver.rows("/pat")), 10)
    assert got, receiver.requests
    first = [r for r in receiver.ok("/pat")]
    # within PollingSeconds + 1 s (+ one second of timestamp granularity)
    assert first[-1]["time"] - t0 <= 3.0
    h = first[0]["headers"]
    assert h["authorization"] == CUST
    assert h["workstation"] == WS
    assert h["event-type"] == "WatchTable: Patient"
    assert h["content-type"] == "application/json"
    assert "odapi-signature" not in h
    rows = [row for r in first for row in r["body"]]
    # the GET shape, exactly
    status, one, _ = req(s, "GET", "patients/%d" % nums[0])
    sent = [row for row in rows if row["PatNum"] == nums[0]][-1]
    assert list(sent) == list(one)
    assert sent["Address"] == "1 Event Street"
    for k in one:
        if k != "serverDateTime":
            assert sent[k] == one[k], k
    # DateTimeStart advanced after the 2xx
    st = mysql("SELECT DateTimeStart FROM apisubscription", server_db)[0][0]
    assert st > start_at
    # nothing more is sent when nothing changed
    n = len(receiver.ok("/pat"))
    time.sleep(2.5)
    assert len(receiver.ok("/pat")) == n
    mysql("UPDATE patient SET Address = '%s' WHERE PatNum = %d" %
          (orig_addr.replace("'", "''"), nums[0]), server_db)


def test_appointments_and_other_tables(spawn, evdir, receiver, server_db):
    s = start(spawn, evdir)
    start_at = quiet_start(server_db)
    subscribe(s, receiver.url("/apt"), table="Appointment",
              DateTimeStart=start_at)
    subscribe(s, receiver.url("/prov"), table="Provider",
              DateTimeStart=start_at)
    apt = mysql("SELECT AptNum FROM appointment ORDER BY AptNum LIMIT 1",
                server_db)[0][0]
    mysql("UPDATE appointment SET Note = 'evt' WHERE AptNum = %s" % apt,
          server_db)
    mysql("UPDATE provider SET Abbr = Abbr, Specialty = Specialty + 0, "
          "DateTStamp = NOW() WHERE ProvNum = (SELECT MIN(ProvNum) FROM "
          "(SELECT ProvNum FROM provider) p)", server_db)
    assert receiver.wait(lambda: receiver.ok("/apt") and receiver.ok("/prov"))
    r = receiver.ok("/apt")[0]
    assert r["headers"]["event-type"] == "WatchTable: Appointment"
    assert r["body"][0]["AptNum"] == int(apt)
    status, one, _ = req(s, "GET", "appointments/%s" % apt)
    assert list(r["body"][0]) == list(one)
    assert receiver.ok("/prov")[0]["headers"]["event-type"] == \
        "WatchTable: Provider"


def test_patfield_changes_arrive(spawn, evdir, receiver, server_db):
    """WatchTable PatField: rows by SecDateTEdit, in the PatFields GET
    shape, whether written through the API or by Open Dental."""
    s = start(spawn, evdir)
    name = "EvtField%d" % os.getpid()
    mysql("INSERT INTO patfielddef (FieldName, PickList) VALUES ('%s', '')"
          % name, server_db)
    try:
        start_at = quiet_start(server_db)
        subscribe(s, receiver.url("/pf"), table="PatField",
                  DateTimeStart=start_at)
        nums = patnums(server_db, 2)
        status, pf, _ = req(s, "PUT", "patfields", {
            "PatNum": nums[0], "FieldName": name, "FieldValue": "Peanuts"})
        assert status == 200, pf
        mysql("INSERT INTO patfield (PatNum, FieldName, FieldValue, "
              "SecDateEntry) VALUES (%d, '%s', 'Direct', CURDATE())" %
              (nums[1], name), server_db)
        assert receiver.wait(lambda: set(nums) <= set(receiver.rows("/pf")),
                             10), receiver.requests
        r = receiver.ok("/pf")[0]
        assert r["headers"]["event-type"] == "WatchTable: PatField"
        assert r["headers"]["authorization"] == CUST
        assert r["headers"]["workstation"] == WS
        rows = [row for q in receiver.ok("/pf") for row in q["body"]]
        sent = [row for row in rows if row["PatNum"] == nums[0]][-1]
        status, one, _ = req(s, "GET", "patfields/%d" % pf["PatFieldNum"])
        assert status == 200 and sent == one
        assert list(sent) == ["PatFieldNum", "PatNum", "FieldName",
                              "FieldValue", "SecDateEntry", "SecDateTEdit"]
        assert [row["FieldValue"] for row in rows
                if row["PatNum"] == nums[1]] == ["Direct"]
    finally:
        mysql("DELETE FROM patfield WHERE FieldName = '%s'; DELETE FROM "
              "patfielddef WHERE FieldName = '%s'" % (name, name), server_db)


def appointment_columns(db):
    """The appointment columns histappointment copies (all but DateTStamp,
    which is the history row's own timestamp)."""
    return [r[0] for r in mysql(
        "SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE "
        "TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'appointment' AND "
        "COLUMN_NAME <> 'DateTStamp' ORDER BY ORDINAL_POSITION", db)]


def test_appointment_deleted_arrives(spawn, evdir, receiver, server_db):
    """WatchTable AppointmentDeleted: Open Dental deletes the appointment and
    writes a histappointment row (HistApptAction = 4, Deleted); the row's
    appointment columns arrive in the Appointments GET shape. Other history
    rows (Created, Changed...) are not sent."""
    s = start(spawn, evdir)
    cols = appointment_columns(server_db)
    copy = [c for c in cols if c != "AptNum"]
    # a throwaway appointment, a copy of a seeded one
    mysql("INSERT INTO appointment (%s) SELECT %s FROM appointment ORDER BY "
          "AptNum LIMIT 1" % (",".join(copy), ",".join(copy)), server_db)
    apt = int(mysql("SELECT MAX(AptNum) FROM appointment", server_db)[0][0])
    mysql("UPDATE appointment SET Note = 'to be deleted' WHERE AptNum = %d"
          % apt, server_db)
    status, before, _ = req(s, "GET", "appointments/%d" % apt)
    assert status == 200, before
    start_at = quiet_start(server_db)
    subscribe(s, receiver.url("/del"), table="AppointmentDeleted",
              DateTimeStart=start_at)
    subscribe(s, receiver.url("/apt"), table="Appointment",
              DateTimeStart=start_at)
    try:
        # what Open Dental does: a Changed history row, then on delete a
        # Deleted one and the appointment row removed
        hist = "INSERT INTO histappointment (HistUserNum, HistDateTStamp, " \
               "HistApptAction, ApptSource, %s) SELECT 1, NOW(), %%d, 0, " \
               "%s FROM appointment WHERE AptNum = %d" % (
                   ",".join(cols), ",".join(cols), apt)
        mysql(hist % 1, server_db)
        mysql(hist % 4 + "; DELETE FROM appointment WHERE AptNum = %d" % apt,
              server_db)
        assert receiver.wait(lambda: receiver.ok("/del"), 10), \
            receiver.requests
        time.sleep(1.5)
        reqs = receiver.ok("/del")
        rows = [row for q in reqs for row in q["body"]]
        assert [row["AptNum"] for row in rows] == [apt]  # only the Deleted
        h = reqs[0]["headers"]
        assert h["event-type"] == "WatchTable: AppointmentDeleted"
        assert (h["authorization"], h["workstation"],
                h["content-type"]) == (CUST, WS, "application/json")
        sent = rows[0]
        assert list(sent) == list(before)
        for k in before:
            if k not in ("serverDateTime", "DateTStamp"):
                assert sent[k] == before[k], k
        assert sent["Note"] == "to be deleted"
        # the row is gone from the API; no Appointment event for it
        assert req(s, "GET", "appointments/%d" % apt)[0] == 404
        assert apt not in receiver.rows("/apt", key="AptNum")
        # DateTimeStart advanced past it: not sent again
        n = len(receiver.ok("/del"))
        time.sleep(2.0)
        assert len(receiver.ok("/del")) == n
    finally:
        mysql("DELETE FROM histappointment WHERE AptNum = %d; DELETE FROM "
              "appointment WHERE AptNum = %d" % (apt, apt), server_db)


def test_toothinitial_changes_arrive(spawn, evdir, receiver, server_db):
    """WatchTable ToothInitial: rows by SecDateTEdit, in the ToothInitials
    GET shape."""
    s = start(spawn, evdir)
    start_at = quiet_start(server_db)
    subscribe(s, receiver.url("/ti"), table="ToothInitial",
              DateTimeStart=start_at)
    pat = patnums(server_db, 1)[0]
    try:
        status, ti, _ = req(s, "POST", "toothinitials", {
            "PatNum": pat, "ToothNum": "14", "InitialType": "Missing"})
        assert status == 201, ti
        assert receiver.wait(lambda: ti["ToothInitialNum"] in receiver.rows(
            "/ti", key="ToothInitialNum"), 10), receiver.requests
        r = receiver.ok("/ti")[0]
        assert r["headers"]["event-type"] == "WatchTable: ToothInitial"
        assert (r["headers"]["authorization"], r["headers"]["workstation"]) \
            == (CUST, WS)
        status, rows, _ = req(s, "GET", "toothinitials?PatNum=%d" % pat)
        one = [x for x in rows if x["ToothInitialNum"] ==
               ti["ToothInitialNum"]][0]
        assert r["body"] == [one]
        assert list(one) == ["ToothInitialNum", "PatNum", "ToothNum",
                             "InitialType", "Movement", "DrawingSegment",
                             "ColorDraw", "SecDateTEntry", "SecDateTEdit",
                             "DrawText"]
    finally:
        mysql("DELETE FROM toothinitial WHERE PatNum = %d" % pat, server_db)


def test_batches_split_at_1000(spawn, evdir, receiver, server_db):
    s = start(spawn, evdir)
    start_at = quiet_start(server_db)
    # 1100 new rows in one window (removed afterwards)
    mysql("SET SESSION sql_mode = ''; INSERT INTO patient (LName, FName, "
          "Birthdate) SELECT CONCAT('Bulk', seq), 'EvtBulk', '1990-01-01' "
          "FROM seq_1_to_1100", server_db)
    try:
        subscribe(s, receiver.url("/bulk"), DateTimeStart=start_at)
        assert receiver.wait(
            lambda: len(set(receiver.rows("/bulk"))) >= 1100, 20), \
            len(receiver.rows("/bulk"))
        sizes = [len(r["body"]) for r in receiver.ok("/bulk")]
        assert sizes[:2] == [1000, 100], sizes
        rows = receiver.rows("/bulk")
        assert len(rows) == len(set(rows)) == 1100
        assert rows == sorted(rows)  # one stamp: key order
    finally:
        mysql("DELETE FROM patient WHERE FName = 'EvtBulk'", server_db)


def test_receiver_down_then_up_loses_nothing(spawn, evdir, server_db):
    port = free_port()
    s = start(spawn, evdir)
    start_at = quiet_start(server_db)
    subscribe(s, "http://127.0.0.1:%d/down" % port, DateTimeStart=start_at)
    nums = patnums(server_db, 12)
    for i in range(4):  # changes in several seconds, receiver down
        touch_patients(server_db, nums[3 * i:3 * i + 3])
        time.sleep(1.0)
    # the window has not moved past the first change (an empty window
    # before it may have been passed over: nothing was in it). The first
    # change is the touched rows' own stamp: a poll between reading the
    # clock and the UPDATE may pass over the second before it.
    first_change = mysql(
        "SELECT DATE_FORMAT(MIN(DateTStamp), '%%Y-%%m-%%d %%H:%%i:%%s') "
        "FROM patient WHERE PatNum IN (%s)" % ",".join(map(str, nums[:3])),
        server_db)[0][0]
    moved_to = mysql("SELECT DATE_FORMAT(DateTimeStart, '%Y-%m-%d %H:%i:%s') "
                     "FROM apisubscription", server_db)[0][0]
    assert start_at <= moved_to <= first_change
    assert "delivery failed" in (evdir / "odservice.log").read_text()
    # now up, on the same port
    r = Receiver(port)
    try:
        assert r.wait(lambda: set(nums) <= set(r.rows("/down")), 25), \
            r.rows("/down")
        rows = [row for req in r.ok("/down") for row in req["body"]]
        # in DateTStamp order, as delivered (re-reading the table later
        # would see any change made since)
        stamps = [row["DateTStamp"] for row in rows]
        assert stamps == sorted(stamps)
        assert sorted(row["PatNum"] for row in rows) == sorted(nums)
    finally:
        r.close()


def test_500_and_hang_retry_without_stalling_others(spawn, evdir, server_db):
    bad = Receiver()
    slow = Receiver()
    good = Receiver()
    try:
        bad.mode = "fail"
        slow.mode = "hang"
        s = start(spawn, evdir)
        start_at = quiet_start(server_db)
        subscribe(s, bad.url("/bad"), DateTimeStart=start_at)
        subscribe(s, slow.url("/slow"), DateTimeStart=start_at)
        subscribe(s, good.url("/good"), DateTimeStart=start_at)
        nums = patnums(server_db, 3)
        touch_patients(server_db, nums[:1])
        assert good.wait(lambda: nums[0] in good.rows("/good"), 5)
        touch_patients(server_db, nums[1:2])
        assert good.wait(lambda: nums[1] in good.rows("/good"), 5)
        # the failing one is retried (backoff), and so is the hanging one
        assert bad.wait(lambda: len(bad.requests) >= 2, 10)
        time.sleep(0.5)
        bad.mode = "ok"
        slow.mode = "ok"
        assert bad.wait(lambda: set(nums[:2]) <= set(bad.rows("/bad")), 15)
        assert slow.wait(lambda: set(nums[:2]) <= set(slow.rows("/slow")), 15)
        log = (evdir / "odservice.log").read_text()
        assert "HTTP 500" in log and "timeout" in log
    finally:
        for r in (bad, slow, good):
            r.close()


def test_two_instances_no_duplicates(spawn, evdir, receiver, server_db):
    a = start(spawn, evdir)
    b = start(spawn, evdir)
    start_at = quiet_start(server_db)
    subscribe(a, receiver.url("/two"), DateTimeStart=start_at)
    # blank Workstation: both instances are eligible
    subscribe(a, receiver.url("/blank"), DateTimeStart=start_at,
              Workstation="")
    nums = patnums(server_db, 20)
    for i in range(5):
        touch_patients(server_db, nums[4 * i:4 * i + 4])
        time.sleep(0.7)
    for path in ("/two", "/blank"):
        assert receiver.wait(lambda: set(nums) <= set(receiver.rows(path)),
                             15), path
    time.sleep(2.5)
    for path in ("/two", "/blank"):
        rows = receiver.rows(path)
        assert len(rows) == len(set(rows)), (path, sorted(rows))
    assert a.proc.poll() is None and b.proc.poll() is None


def test_kill_9_mid_delivery_loses_nothing(spawn, evdir, server_db):
    slow = Receiver()
    try:
        slow.mode = "hang"
        s = start(spawn, evdir, "--event-timeout", "20000")
        start_at = quiet_start(server_db)
        subscribe(s, slow.url("/k9"), DateTimeStart=start_at)
        nums = patnums(server_db, 5)
        touch_patients(server_db, nums)
        time.sleep(2.5)  # the POST is in flight, unanswered
        s.stop(sig=signal.SIGKILL)
        # not past the changes (an empty window before them may have been
        # passed over, if a poll came between subscribing and the UPDATE)
        stamp = mysql("SELECT DATE_FORMAT(MIN(DateTStamp), "
                      "'%%Y-%%m-%%d %%H:%%i:%%s') FROM patient WHERE PatNum "
                      "IN (%s)" % ",".join(map(str, nums)), server_db)[0][0]
        moved_to = mysql("SELECT DATE_FORMAT(DateTimeStart, '%Y-%m-%d "
                         "%H:%i:%s') FROM apisubscription", server_db)[0][0]
        assert start_at <= moved_to <= stamp
        slow.mode = "ok"
        touch_patients(server_db, nums[:1])  # one more change meanwhile
        start(spawn, evdir)
        # the dead instance's lease expires (20 s + margin at most)
        assert slow.wait(lambda: set(nums) <= set(slow.rows("/k9")), 45), \
            slow.rows("/k9")
    finally:
        slow.close()


def test_hmac_signature(spawn, evdir, receiver, server_db):
    secret = "s3cret-for-hmac-0123456789"
    s = start(spawn, evdir)
    start_at = quiet_start(server_db)
    subscribe(s, receiver.url("/sig"), DateTimeStart=start_at, Secret=secret)
    status, subs, _ = req(s, "GET", "subscriptions")
    assert "Secret" not in subs[0] and secret not in json.dumps(subs)
    touch_patients(server_db, patnums(server_db, 1))
    assert receiver.wait(lambda: receiver.ok("/sig"), 10)
    r = receiver.ok("/sig")[0]
    sig = r["headers"]["odapi-signature"]
    parts = dict(p.split("=", 1) for p in sig.split(","))
    assert abs(int(parts["t"]) - time.time()) < 30
    want = hmac.new(secret.encode(), parts["t"].encode() + b"." + r["raw"],
                    hashlib.sha256).hexdigest()
    assert parts["v1"] == want


def test_stop_and_other_workstation_not_fired(spawn, evdir, receiver,
                                              server_db):
    s = start(spawn, evdir)
    start_at = quiet_start(server_db)
    subscribe(s, receiver.url("/other"), DateTimeStart=start_at,
              Workstation="someone-else")
    subscribe(s, receiver.url("/stopped"), DateTimeStart=start_at,
              DateTimeStop="2001-01-01 00:00:00")
    subscribe(s, receiver.url("/mine"), DateTimeStart=start_at)
    touch_patients(server_db, patnums(server_db, 1))
    assert receiver.wait(lambda: receiver.ok("/mine"), 10)
    time.sleep(1.5)
    assert not receiver.ok("/other") and not receiver.ok("/stopped")


def test_local_api_does_not_fire(spawn, server_db, receiver):
    from conftest import socket_path
    mysql("DELETE FROM apisubscription", server_db)
    s = spawn("odlocal", ["--port", "0", "--db-socket", socket_path(),
                          "--db-user", "root", "--db-name", server_db,
                          "--demo-key", "NFF6i0KrXrxDkZHt/VzkmZEaUWOjnQX2z"])
    start_at = quiet_start(server_db)
    status, sub, _ = req(s, "POST", "subscriptions", {
        "EndPointUrl": receiver.url("/local"), "WatchTable": "Patient",
        "PollingSeconds": 1, "DateTimeStart": start_at}, auth=DEMO_AUTH)
    assert status == 201, sub
    touch_patients(server_db, patnums(server_db, 1))
    time.sleep(3)
    assert receiver.requests == []
    mysql("DELETE FROM apisubscription", server_db)


# ---- the events state: never in the practice database (issue #13 part 2a,
# #14 items 2 and 5) -----------------------------------------------------------

FULL_SCHEMA = os.path.join(TOP, "test", "fixtures", "od-full-schema.sql")
# the grant docs/service.md recommends: data, never the schema
DML = "SELECT, INSERT, UPDATE, DELETE"


def load_full_schema(name, skip=()):
    """A database as Open Dental 24.3 makes it (utf8mb3, NOT NULL without
    defaults, sql_mode ''), without the tables in skip, with a
    DataBaseVersion and two patients."""
    with open(FULL_SCHEMA) as f:
        text = f.read()
    for t in skip:
        text, n = re.subn(r"CREATE TABLE `%s` \(.*?\) ENGINE=[^;]*;\n" % t,
                          "", text, flags=re.S)
        assert n == 1, t
    mysql("DROP DATABASE IF EXISTS `%s`; CREATE DATABASE `%s`" % (name, name))
    out = subprocess.run(["mariadb", "--socket", socket_path(), "-uroot",
                          name], input=text, capture_output=True, text=True,
                         timeout=300)
    assert out.returncode == 0, out.stderr
    mysql("SET SESSION sql_mode = ''; INSERT INTO preference (PrefName, "
          "ValueString) VALUES ('DataBaseVersion', '24.3.10.0'); INSERT INTO "
          "patient (LName, FName) VALUES ('Full', 'One'), ('Full', 'Two')",
          name)


def make_account(user, grants):
    """A MariaDB account with password 'pw' and exactly these grants
    [(privileges, 'db.*')]."""
    mysql("DROP USER IF EXISTS '%s'@'localhost'; CREATE USER '%s'@'localhost' "
          "IDENTIFIED BY 'pw'" % (user, user))
    for privs, on in grants:
        mysql("GRANT %s ON %s TO '%s'@'localhost'" % (privs, on, user))


def drop_account(user):
    mysql("DROP USER IF EXISTS '%s'@'localhost'" % user)


def config_as(d, db, user=None, low=None, name="OpenDentalWebConfig.xml",
              level="Information"):
    """The test's configuration for database db, as account user (else
    root), with UserLow low (password 'pw' for both)."""
    text = webconfig(db, level, [
        "<OdapiLogFile>%s</OdapiLogFile>" % (d / "odservice.log"),
        "<OdapiKeysFile>keys.json</OdapiKeysFile>"],
        password="pw" if user else "").decode()
    if user:
        text = text.replace("<User>root</User>", "<User>%s</User>" % user)
    if low:
        text = text.replace("<UserLow></UserLow>",
                            "<UserLow>%s</UserLow>" % low).replace(
            "<PasswordLow></PasswordLow>", "<PasswordLow>pw</PasswordLow>")
    (d / name).write_text(text)
    return d / name


def schema_snapshot(db):
    """Everything that says what exists: databases on the server; tables,
    columns, indexes, routines, triggers, events, views of db. (Not
    UPDATE_TIME or row counts: data may change.)"""
    qs = ["SELECT SCHEMA_NAME, DEFAULT_COLLATION_NAME FROM "
          "information_schema.SCHEMATA ORDER BY 1",
          "SELECT TABLE_NAME, TABLE_TYPE, ENGINE, TABLE_COLLATION FROM "
          "information_schema.TABLES WHERE TABLE_SCHEMA = '%s' ORDER BY 1",
          "SELECT TABLE_NAME, COLUMN_NAME, ORDINAL_POSITION, COLUMN_TYPE, "
          "IS_NULLABLE, COLUMN_DEFAULT, EXTRA, COLLATION_NAME FROM "
          "information_schema.COLUMNS WHERE TABLE_SCHEMA = '%s' ORDER BY 1, 3",
          "SELECT TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX, COLUMN_NAME FROM "
          "information_schema.STATISTICS WHERE TABLE_SCHEMA = '%s' "
          "ORDER BY 1, 2, 3",
          "SELECT ROUTINE_NAME FROM information_schema.ROUTINES WHERE "
          "ROUTINE_SCHEMA = '%s' ORDER BY 1",
          "SELECT TRIGGER_NAME FROM information_schema.TRIGGERS WHERE "
          "TRIGGER_SCHEMA = '%s' ORDER BY 1",
          "SELECT EVENT_NAME FROM information_schema.EVENTS WHERE "
          "EVENT_SCHEMA = '%s' ORDER BY 1",
          "SELECT TABLE_NAME FROM information_schema.VIEWS WHERE "
          "TABLE_SCHEMA = '%s' ORDER BY 1"]
    return [mysql(q.replace("%s", db)) for q in qs]


def health(srv):
    status, body, _ = srv.request("GET", "", auth=None)
    assert status == 200, body
    return body


def short_query(srv, sql, auth=AUTH):
    status, body, _ = srv.request("PUT", "queries/ShortQuery",
                                  {"SqlCommand": sql}, auth=auth)
    return status, json.dumps(body)


def dump_everything():
    """Every row of every database on the test server, as SQL text."""
    out = subprocess.run(["mariadb-dump", "--socket", socket_path(), "-uroot",
                          "--all-databases", "--skip-comments"],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    return out.stdout


@pytest.fixture(scope="module")
def full_db():
    name = "odfull_%d" % os.getpid()
    load_full_schema(name)
    yield name
    mysql("DROP DATABASE IF EXISTS `%s`" % name)


def test_nothing_created_in_the_practice_database(spawn, tmp_path, full_db,
                                                  receiver):
    """On a database shaped as Open Dental 24.3 makes it, with the grant
    docs/service.md recommends (data only), events fire with their state in
    a state folder, and afterwards the server holds exactly what it held:
    no table, column, index, routine, trigger, event, view or database
    more. The secret is in no database and not readable through Queries."""
    user = "odml%d" % os.getpid()
    make_account(user, [(DML, "`%s`.*" % full_db)])
    write_keys(str(tmp_path / "keys.json"), [(DEV, CUST)])
    config_as(tmp_path, full_db, user=user)
    before = schema_snapshot(full_db)
    secret = "full-schema-secret-%d" % os.getpid()
    try:
        s = start(spawn, tmp_path)
        assert wait_for(lambda: health(s)["events"] == "firing"), health(s)
        start_at = quiet_start(full_db)
        subscribe(s, receiver.url("/full"), DateTimeStart=start_at,
                  Secret=secret)
        mysql("UPDATE patient SET DateTStamp = NOW()", full_db)
        assert receiver.wait(lambda: len(receiver.rows("/full")) >= 2, 15), \
            receiver.requests
        r = receiver.ok("/full")[0]
        assert r["headers"]["authorization"] == CUST
        assert "odapi-signature" in r["headers"]
        assert sorted(row["LName"] for row in r["body"]) == ["Full", "Full"]
        # DateTimeStart advanced: the practice database was written (DML)
        assert mysql("SELECT DateTimeStart > '%s' FROM apisubscription" %
                     start_at, full_db)[0][0] == "1"
        # the secret: nowhere in the API's answers or any database
        status, body = short_query(s, "SELECT * FROM apisubscription")
        assert status == 200 and secret not in body
        assert secret not in short_query(s, "SELECT * FROM odapi_eventstate")[1]
        status, body, _ = req(s, "GET", "subscriptions")
        assert secret not in json.dumps(body)
        assert s.stop() == 0
        assert schema_snapshot(full_db) == before
        assert secret not in dump_everything()
        assert secret not in (tmp_path / "odservice.log").read_text()
        # it is in the state folder, readable by the service's user only
        files = list((tmp_path / "state").glob("subscriptions-*.json"))
        assert len(files) == 1 and secret in files[0].read_text()
        assert files[0].stat().st_mode & 0o077 == 0
    finally:
        drop_account(user)


def test_missing_table_and_grants_are_reported_and_logged_once(spawn,
                                                               tmp_path):
    """apisubscription missing: events cannot fire; GET /api/v1/ and
    --check-config say why; the log says it once, not four times a
    second; a database-event subscription is refused (it would never
    fire). An account without UPDATE: the same, naming the grant."""
    name = "odnosub_%d" % os.getpid()
    load_full_schema(name, skip=("apisubscription",))
    user = "odro%d" % os.getpid()
    try:
        write_keys(str(tmp_path / "keys.json"), [(DEV, CUST)])
        cfg = config_as(tmp_path, name)
        before = schema_snapshot(name)
        s = start(spawn, tmp_path)
        assert wait_for(lambda: health(s)["events"] == "unavailable")
        why = health(s)["eventsReason"]
        assert "no apisubscription table" in why, why
        status, body, _ = req(s, "POST", "subscriptions", {
            "EndPointUrl": "http://127.0.0.1:9/x", "WatchTable": "Patient",
            "PollingSeconds": 1})
        assert status == 503, body
        assert "cannot fire" in body and "apisubscription" in body
        time.sleep(11)  # the probe runs every 5 s meanwhile
        assert s.stop() == 0
        log = (tmp_path / "odservice.log").read_text()
        lines = [l for l in log.splitlines() if "no apisubscription" in l]
        assert len(lines) == 1, lines
        assert "Database Events cannot fire" in lines[0]
        assert schema_snapshot(name) == before
        out = run_svc("--check-config", "-c", str(cfg), "--state-dir",
                      str(tmp_path / "state"))
        assert out.returncode == 0, out.stdout + out.stderr
        assert "Database Events: cannot fire: the practice database %s has " \
               "no apisubscription table" % name in out.stdout, out.stdout

        # the table is there, UPDATE is not granted
        make_account(user, [("SELECT, INSERT, DELETE", "`%s`.*" % name)])
        mysql("CREATE TABLE apisubscription LIKE `%s`.apisubscription" %
              full_schema_name(), name)
        config_as(tmp_path, name, user=user)
        s = start(spawn, tmp_path)
        assert wait_for(lambda: health(s)["events"] == "unavailable")
        assert "may not update apisubscription" in \
            health(s)["eventsReason"], health(s)
    finally:
        drop_account(user)
        mysql("DROP DATABASE IF EXISTS `%s`" % name)


def full_schema_name():
    return "odfull_%d" % os.getpid()


def test_no_usable_state_refuses_database_events(spawn, evdir):
    """A state folder that cannot be made: not firing; the subscriptions
    are not served (their owners cannot be checked, and a new one would
    never fire), and nothing is saved."""
    s = start(spawn, evdir, state=["--state-dir", "/proc/no-such/state"])
    assert wait_for(lambda: health(s)["events"] == "unavailable")
    assert "/proc/no-such/state" in health(s)["eventsReason"]
    for method, path, body in (
            ("POST", "subscriptions", {
                "EndPointUrl": "http://127.0.0.1:9/x", "WatchTable": "Patient",
                "PollingSeconds": 1}),
            ("POST", "subscriptions", {
                "EndPointUrl": "http://127.0.0.1:9/ui",
                "UiEventType": "PatientSelected"}),
            ("GET", "subscriptions", None),
            ("DELETE", "subscriptions/1", None)):
        status, answer, _ = req(s, method, path, body)
        assert status == 503, answer
        assert "/proc/no-such/state" in answer, answer
    assert mysql("SELECT COUNT(*) FROM apisubscription",
                 evdir_db(evdir))[0][0] == "0"


def test_two_instances_on_one_state_folder_one_fires(spawn, evdir, receiver,
                                                     server_db):
    """Same state folder: one instance fires, the other stands by (health
    says which, and who); when the firing one dies, the other takes
    over."""
    a = start(spawn, evdir)
    assert wait_for(lambda: health(a)["events"] == "firing")
    b = start(spawn, evdir)
    assert wait_for(lambda: health(b)["events"] == "standby")
    assert "pid %d" % a.proc.pid in health(b)["eventsReason"]
    start_at = quiet_start(server_db)
    subscribe(b, receiver.url("/one"), DateTimeStart=start_at)
    nums = patnums(server_db, 4)
    touch_patients(server_db, nums[:2])
    assert receiver.wait(lambda: set(nums[:2]) <= set(receiver.rows("/one")))
    time.sleep(1.5)
    rows = receiver.rows("/one")
    assert len(rows) == len(set(rows)), rows  # only one of them fired
    assert health(b)["events"] == "standby"
    a.stop(sig=signal.SIGKILL)
    assert wait_for(lambda: health(b)["events"] == "firing", 10)
    touch_patients(server_db, nums[2:])
    assert receiver.wait(lambda: set(nums) <= set(receiver.rows("/one")))


def test_subscriptions_scoped_by_developer_and_exact_customer_key(
        spawn, evdir, receiver):
    """#14 item 2: the same customer key under another developer, and the
    customer key in another case, neither see nor change a subscription."""
    dev3 = "EvtDevKey0000003"
    lower = CUST.lower()
    assert lower != CUST
    write_keys(str(evdir / "keys.json"), [(DEV, CUST), (dev3, CUST),
                                          (DEV, lower)])
    s = start(spawn, evdir)
    other_dev = "ODFHIR %s/%s" % (dev3, CUST)
    other_case = "ODFHIR %s/%s" % (DEV, lower)
    sub = subscribe(s, receiver.url("/mine"), poll=60)
    num = sub["SubscriptionNum"]
    for auth in (other_dev, other_case):
        status, body, _ = req(s, "GET", "subscriptions", auth=auth)
        assert status == 200 and body == [], (auth, body)
        status, body, _ = req(s, "PUT", "subscriptions/%d" % num,
                              {"EndPointUrl": "http://127.0.0.1:9/stolen"},
                              auth=auth)
        assert status == 404 and body == "Subscription not found", body
        status, body, _ = req(s, "DELETE", "subscriptions/%d" % num,
                              auth=auth)
        assert status == 404 and body == "SubscriptionNum not found", body
        # the same EndPointUrl is no duplicate of someone else's
        status, body, _ = req(s, "POST", "subscriptions", {
            "EndPointUrl": receiver.url("/mine"), "Workstation": WS,
            "WatchTable": "Patient", "PollingSeconds": 60}, auth=auth)
        assert status == 201, body
    # the owner's view: one subscription, unchanged
    status, body, _ = req(s, "GET", "subscriptions")
    assert [b["SubscriptionNum"] for b in body] == [num]
    assert body[0]["EndPointUrl"] == receiver.url("/mine")
    status, body, _ = req(s, "PUT", "subscriptions/%d" % num, {"Note": "ok"})
    assert status == 200, body
    # the others see only their own
    status, body, _ = req(s, "GET", "subscriptions", auth=other_dev)
    assert len(body) == 1 and body[0]["SubscriptionNum"] != num
    status, body, _ = req(s, "GET", "subscriptions", auth=other_case)
    assert len(body) == 1 and body[0]["CustomerKey"] == lower
    assert req(s, "DELETE", "subscriptions/%d" % num)[0] == 200


# ---- a state database of its own ------------------------------------------------

@pytest.fixture
def state_db():
    name = "odst_%d" % os.getpid()
    mysql("DROP DATABASE IF EXISTS `%s`" % name)
    yield name
    mysql("DROP DATABASE IF EXISTS `%s`" % name)


def test_state_database_made_only_when_asked_then_shared(spawn, evdir,
                                                        receiver, server_db,
                                                        state_db):
    """--state-db: nothing is created until --init-state-db; then two
    instances fire from it (leases: no duplicates), and a Secret is
    refused while Queries could read it there (no UserLow)."""
    cfg = evdir / "OpenDentalWebConfig.xml"
    s = start(spawn, evdir, state=["--state-db", state_db])
    assert wait_for(lambda: health(s)["events"] == "unavailable")
    assert "--init-state-db" in health(s)["eventsReason"]
    # owners cannot be checked: nothing is served rather than everything
    status, body, _ = req(s, "GET", "subscriptions")
    assert status == 503 and "cannot be served" in body, body
    assert not mysql("SELECT 1 FROM information_schema.SCHEMATA WHERE "
                     "SCHEMA_NAME = '%s'" % state_db)
    s.stop()
    out = run_svc("--init-state-db", "-c", str(cfg), "--state-db", state_db)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "is ready" in out.stdout
    out = run_svc("--check-config", "-c", str(cfg), "--state-db", state_db)
    assert "Database Events: can fire, state in the state database %s" % \
        state_db in out.stdout, out.stdout
    assert "Secret is refused" in out.stdout

    a = start(spawn, evdir, state=["--state-db", state_db])
    b = start(spawn, evdir, state=["--state-db", state_db])
    for x in (a, b):
        assert wait_for(lambda: health(x)["events"] == "firing"), health(x)
    status, body, _ = req(a, "POST", "subscriptions", {
        "EndPointUrl": receiver.url("/s"), "WatchTable": "Patient",
        "PollingSeconds": 1, "Secret": "0123456789abcdef-secret"})
    assert status == 400 and "Secret cannot be stored" in body, body
    assert "UserLow" in body
    start_at = quiet_start(server_db)
    subscribe(a, receiver.url("/shared"), DateTimeStart=start_at,
              Workstation="")
    nums = patnums(server_db, 12)
    for i in range(3):
        touch_patients(server_db, nums[4 * i:4 * i + 4])
        time.sleep(0.7)
    assert receiver.wait(lambda: set(nums) <= set(receiver.rows("/shared")),
                         15)
    time.sleep(2.5)
    rows = receiver.rows("/shared")
    assert len(rows) == len(set(rows)), sorted(rows)
    # the owner (a hash of the developer key) is kept there, not the key
    owners = mysql("SELECT OwnerHash FROM `%s`.eventstate" % state_db)
    assert len(owners) == 1 and len(owners[0][0]) == 64
    assert DEV not in dump_everything()


def test_state_database_secret_only_where_queries_cannot_read_it(
        spawn, evdir, receiver, server_db, state_db):
    """With UserLow an account without access to the state database, a
    Secret is kept there and signs; Queries cannot read it. With a UserLow
    that can read the state database, it is refused."""
    low = "odlow%d" % os.getpid()
    make_account(low, [("SELECT", "`%s`.*" % server_db)])
    try:
        cfg = config_as(evdir, server_db, low=low)
        out = run_svc("--init-state-db", "-c", str(cfg), "--state-db",
                      state_db)
        assert out.returncode == 0, out.stdout + out.stderr
        s = start(spawn, evdir, state=["--state-db", state_db])
        assert wait_for(lambda: health(s)["events"] == "firing")
        secret = "state-db-secret-%d" % os.getpid()
        start_at = quiet_start(server_db)
        subscribe(s, receiver.url("/sig"), DateTimeStart=start_at,
                  Secret=secret)
        touch_patients(server_db, patnums(server_db, 1))
        assert receiver.wait(lambda: receiver.ok("/sig"), 10)
        r = receiver.ok("/sig")[0]
        parts = dict(p.split("=", 1) for p in
                     r["headers"]["odapi-signature"].split(","))
        want = hmac.new(secret.encode(), parts["t"].encode() + b"." +
                        r["raw"], hashlib.sha256).hexdigest()
        assert parts["v1"] == want
        status, body = short_query(s, "SELECT Secret FROM `%s`.eventstate" %
                                   state_db)
        assert status != 200 and secret not in body, body
        s.stop()
        # a UserLow that can read the state database: refused
        mysql("GRANT SELECT ON `%s`.* TO '%s'@'localhost'" % (state_db, low))
        s = start(spawn, evdir, state=["--state-db", state_db])
        assert wait_for(lambda: health(s)["events"] == "firing")
        status, body, _ = req(s, "POST", "subscriptions", {
            "EndPointUrl": receiver.url("/sig2"), "WatchTable": "Patient",
            "PollingSeconds": 1, "Secret": secret})
        assert status == 400 and "can read" in body, body
    finally:
        drop_account(low)


def test_table_of_an_earlier_version_is_reported_not_used(spawn, evdir,
                                                          server_db):
    """odapi_eventstate, made by an earlier libodapi in the practice
    database: a warning (once) that Queries can read it; never used,
    never dropped."""
    mysql("CREATE TABLE odapi_eventstate (ApiSubscriptionNum bigint(20) "
          "NOT NULL, Secret varchar(255) NOT NULL DEFAULT '', PRIMARY KEY "
          "(ApiSubscriptionNum))", server_db)
    try:
        s = start(spawn, evdir)
        assert wait_for(lambda: health(s)["events"] == "firing")
        subscribe(s, "http://127.0.0.1:9/old", Secret="0123456789abcdef-x")
        assert s.stop() == 0
        log = (evdir / "odservice.log").read_text()
        assert log.count("still has the table odapi_eventstate") == 1, log
        assert mysql("SELECT COUNT(*) FROM odapi_eventstate",
                     server_db)[0][0] == "0"
    finally:
        mysql("DROP TABLE IF EXISTS odapi_eventstate", server_db)
