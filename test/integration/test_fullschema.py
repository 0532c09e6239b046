"""A practice database exactly as Open Dental made it (issue #13): Open
Dental 24.3's own schema (test/fixtures/od-full-schema.sql: 408 tables,
utf8mb3, NOT NULL without defaults, sql_mode ''), with InnoDB and with
MyISAM tables, served through the DML-only account docs/service.md
recommends; and an older version's, made by dropping columns a later
version added. Every route answers as it does on the project's schema
(never 500); fields the version lacks are left out or refused; text the
database cannot store unchanged is refused, never cut; --check-config says
what the database lacks, which routes that changes, and what the user may
not do."""
import concurrent.futures
import os
import subprocess

import pytest

from conftest import (BIN, DML_USER, TOP, Server, absent_msg, drop_test_db,
                      full_args, mysql, prepare_full_db, prepare_server_db,
                      socket_path, uniq)

HELPERS = os.path.join(TOP, "build", "test", "helpers")
PATIENTS = 20  # enough for every route's row 1, quicker to make

# Columns a later Open Dental version added, dropped from a copy of 24.3's
# schema to make an "older" one: a field with a filter (SuperFamily), a
# field an always-on condition needs (appointments/ASAP), a joined name
# (clinicAbbr), a whole table (eobattaches), securitylog's newer columns,
# columns hand-written actions write or read when present (userod's
# EClipboardClinicalPin 22.3 and BadgeId 24.1, appointmenttype's
# BlockoutTypes 22.4).
OLDER_DROPS = [
    "ALTER TABLE userod DROP COLUMN EClipboardClinicalPin, "
    "DROP COLUMN BadgeId",
    "ALTER TABLE appointmenttype DROP COLUMN BlockoutTypes",
    "ALTER TABLE patient DROP COLUMN SuperFamily",
    "ALTER TABLE appointment DROP COLUMN Priority",
    "ALTER TABLE clinic DROP COLUMN Abbr",
    "ALTER TABLE procedurelog DROP COLUMN Prognosis",
    "DROP TABLE eobattach",
    "ALTER TABLE securitylog DROP COLUMN LogSource, DROP COLUMN FKey",
]


# ---- databases and servers of this file -------------------------------------

def make_older(name):
    prepare_full_db(name, "InnoDB", PATIENTS)
    for sql in OLDER_DROPS:
        mysql(sql, db=name)


@pytest.fixture(scope="module")
def dbs():
    """Fresh databases of their own (the every-route test writes): the
    project's schema, 24.3's with InnoDB and with MyISAM, and an older
    one; made side by side (their DDL waits on the disk, not the CPU)."""
    pid = os.getpid()
    names = {"sandbox": "odfs_sandbox_%d" % pid,
             "od24.3": "odfs_innodb_%d" % pid,
             "od24.3-myisam": "odfs_myisam_%d" % pid,
             "older": "odfs_older_%d" % pid}
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        # the same demo practice in each (seed 1, PATIENTS patients)
        jobs = [pool.submit(prepare_server_db, names["sandbox"], PATIENTS),
                pool.submit(prepare_full_db, names["od24.3"], "InnoDB",
                            PATIENTS),
                pool.submit(prepare_full_db, names["od24.3-myisam"],
                            "MyISAM", PATIENTS),
                pool.submit(make_older, names["older"])]
        for j in jobs:
            j.result()
    yield names
    for n in names.values():
        drop_test_db(n)


@pytest.fixture(scope="module")
def servers(dbs):
    started = {}
    for kind, name in dbs.items():
        if kind == "sandbox":
            args = ["--db-socket", socket_path(), "--db-user", "root",
                    "--db-name", name, "--demo-key",
                    "NFF6i0KrXrxDkZHt/VzkmZEaUWOjnQX2z"]
        else:
            args = full_args(name)
        srv = Server("odlocal", ["--port", "0", "--log-level", "Warning"] +
                     args)
        srv.backend, srv.schema, srv.db_name = "server", kind, name
        started[kind] = srv.start()
    yield started
    for srv in started.values():
        assert srv.stop() == 0, srv.stderr()


def routes():
    out = subprocess.run([os.path.join(HELPERS, "list_routes")],
                         capture_output=True, text=True, timeout=30,
                         check=True)
    return [line.split("\t")[:2] for line in out.stdout.splitlines()]


def count(srv, sql):
    return int(mysql(sql, db=srv.db_name)[0][0])


# ---- every route ----------------------------------------------------------------

def fill(path, key=1):
    """A route's path with its {Key} segments set (the seeded rows)."""
    out = []
    for seg in path.strip("/").split("/"):
        out.append(str(key) if seg.startswith("{") else seg)
    return "/".join(out)


def body_for(srv, method, path):
    """A write's body: a resource row as this server answers it (row 1),
    without its key for a POST, so the INSERT and UPDATE name every column
    the server writes; {} for actions."""
    segs = path.strip("/").split("/")
    if method in ("GET", "DELETE"):
        return None
    if not (len(segs) == 1 or (len(segs) == 2 and segs[1].startswith("{"))):
        return {}
    status, obj, _ = srv.request("GET", "%s/1" % segs[0])
    if status != 200 or not isinstance(obj, dict):
        return {}
    if method == "POST":
        obj.pop(list(obj)[0], None)  # the key comes first
    return obj


ORDER = {"GET": 0, "PUT": 1, "POST": 2, "DELETE": 3}


def call_every_route(servers_in_order):
    """Each route on each server, reads first, deletes last; the statuses
    per route, and the answers per route and server."""
    table = {}
    for method, path in sorted(routes(), key=lambda r: ORDER[r[0]]):
        row = {}
        for kind, srv in servers_in_order:
            body = body_for(srv, method, path)
            status, obj, _ = srv.request(method, fill(path), body)
            row[kind] = (status, obj)
        table[(method, path)] = row
    return table


def test_every_route_answers_as_on_the_projects_schema(servers):
    kinds = ["sandbox", "od24.3", "od24.3-myisam", "older"]
    table = call_every_route([(k, servers[k]) for k in kinds])
    assert len(table) > 250
    # not a test of 400s only: most routes reach the database and succeed
    ok = [r for r in table.values() if r["od24.3"][0] < 300]
    assert len(ok) > 100, len(ok)
    errors, differ = [], []
    for (method, path), row in table.items():
        for kind, (status, obj) in row.items():
            if status >= 500:
                errors.append("%s %s on %s: %d %s" % (method, path, kind,
                                                      status, obj))
        first = row["sandbox"][0]
        for kind in ("od24.3", "od24.3-myisam"):
            if row[kind][0] != first:
                differ.append("%s %s: %d on the project's schema, %d on %s "
                              "(%s)" % (method, path, first, row[kind][0],
                                        kind, row[kind][1]))
    assert not errors, "\n".join(errors)
    assert not differ, "\n".join(differ)
    # the older version: only what it lacks changes the answer
    older = [(m, p, row["older"]) for (m, p), row in table.items()
             if row["older"][0] != row["sandbox"][0]]
    for method, path, (status, obj) in older:
        assert status == 400 and "is not available in this database's " \
            "Open Dental version." in obj, (method, path, status, obj)
    for kind in ("sandbox", "od24.3", "od24.3-myisam", "older"):
        assert "prepare failed" not in servers[kind].stderr()


# ---- fields a 24.3 database lacks -------------------------------------------------

@pytest.mark.parametrize("kind", ["od24.3", "od24.3-myisam"])
def test_codegroups_and_payplans_without_later_fields(servers, kind):
    full, ours = servers[kind], servers["sandbox"]
    for srv in (full, ours):  # a row of each (the demo practice has none)
        assert srv.request("POST", "codegroups",
                           {"GroupName": uniq("G")})[0] == 201
        mysql("INSERT INTO payplan (PatNum, Guarantor, PayPlanDate, Note) "
              "VALUES (1, 1, CURDATE(), 'plan')", db=srv.db_name,
              open_dental_mode=True)
    for path, lacks in (("codegroups", {"ShowInFrequency", "ShowInOther"}),
                        ("payplans", {"SheetDefNum"})):
        status, rows, _ = full.request("GET", path)
        assert status == 200, rows
        status, mine, _ = ours.request("GET", path)
        assert status == 200, mine
        assert rows and mine, path
        assert lacks <= set(mine[0])  # the project's schema has them
        assert not lacks & set(rows[0]), rows[0]
        assert [k for k in mine[0] if k not in lacks] == list(rows[0])
        key = list(rows[0])[0]
        status, one, _ = full.request("GET", "%s/%d" % (path, rows[0][key]))
        assert status == 200 and one == rows[0]
    name = uniq("Later")
    before = count(full, "SELECT COUNT(*) FROM codegroup")
    assert full.request("POST", "codegroups", {
        "GroupName": name, "ShowInFrequency": "true"})[:2] == (
            400, absent_msg("ShowInFrequency"))
    assert count(full, "SELECT COUNT(*) FROM codegroup") == before


# ---- text the database cannot store ---------------------------------------------

EMOJI = "Emoji\U0001F600Test"


@pytest.mark.parametrize("kind", ["od24.3", "od24.3-myisam"])
def test_emoji_refused_on_utf8mb3(servers, kind):
    srv = servers[kind]
    fname = uniq("Emo")
    status, obj, _ = srv.request("POST", "patients",
                                 {"LName": EMOJI, "FName": fname})
    assert (status, obj) == (
        400, "LName contains characters this database cannot store.")
    assert count(srv, "SELECT COUNT(*) FROM patient WHERE FName = '%s'"
                 % fname) == 0
    # a PUT changes nothing either
    before = srv.request("GET", "patients/2")[1]
    assert srv.request("PUT", "patients/2", {"LName": EMOJI,
                                             "FName": "Changed"})[:2] == (
        400, "LName contains characters this database cannot store.")
    assert srv.request("GET", "patients/2")[1] == before
    # the commlog Note (TEXT) and a hand-written action (the appointment
    # Note) the same way
    assert srv.request("POST", "commlogs", {"PatNum": 2, "Note": EMOJI})[:2] \
        == (400, "Note contains characters this database cannot store.")
    assert srv.request("PUT", "appointments/1/Note", {"Note": EMOJI})[:2] == (
        400, "Note contains characters this database cannot store.")
    # what utf8mb3 holds (accents, CJK, the euro sign) is stored as sent
    name = uniq("\u00c9l\u00e8ve \u5c71\u7530 \u20ac")
    status, obj, _ = srv.request("POST", "patients",
                                 {"LName": name, "FName": fname})
    assert status == 201, obj
    assert srv.request("GET", "patients/%d" % obj["PatNum"])[1]["LName"] \
        == name


def test_emoji_stored_on_the_projects_utf8mb4_schema(servers):
    srv = servers["sandbox"]
    status, obj, _ = srv.request("POST", "patients",
                                 {"LName": EMOJI, "FName": uniq("Emo")})
    assert status == 201, obj
    assert srv.request("GET", "patients/%d" % obj["PatNum"])[1]["LName"] \
        == EMOJI


@pytest.mark.parametrize("kind", ["sandbox", "od24.3", "od24.3-myisam"])
def test_too_long_refused_not_cut(servers, kind):
    srv = servers[kind]
    before = srv.request("GET", "patientnotes/3")[1]
    # ICEPhone is varchar(30) in Open Dental (and now in the sandbox)
    assert srv.request("PUT", "patientnotes/3",
                       {"ICEPhone": "5" * 31, "ICEName": "x"})[:2] == (
        400, "ICEPhone is too long.")
    assert srv.request("GET", "patientnotes/3")[1] == before
    # characters are counted, not bytes: 30 two-byte characters fit
    obj = srv.request("PUT", "patientnotes/3", {"ICEPhone": "\u00e9" * 30})[1]
    assert obj["ICEPhone"] == "\u00e9" * 30
    # a TEXT column holds 65535 bytes: 30000 three-byte characters do not
    assert srv.request("POST", "commlogs",
                       {"PatNum": 3, "Note": "\u20ac" * 30000})[:2] == (
        400, "Note is too long.")
    # an appended note must fit whole
    long_note = "n" * 40000
    assert srv.request("PUT", "appointments/2/Note",
                       {"Note": long_note})[0] == 200
    assert srv.request("PUT", "appointments/2/Note",
                       {"Note": long_note})[:2] == (400, "Note is too long.")
    assert srv.request("GET", "appointments/2")[1]["Note"].endswith(long_note)


# ---- an older Open Dental version ------------------------------------------------

def test_older_version_leaves_out_and_refuses(servers):
    srv = servers["older"]
    p = srv.request("GET", "patients/1")[1]
    assert "SuperFamily" not in p and "clinicAbbr" not in p and "LName" in p
    assert srv.request("GET", "patients/Simple?SuperFamily=1")[:2] == (
        400, absent_msg("SuperFamily"))
    assert srv.request("GET", "patients/Simple?LName=a")[0] == 200
    before = count(srv, "SELECT COUNT(*) FROM patient")
    assert srv.request("POST", "patients", {
        "LName": "Old", "FName": "Version", "SuperFamily": 1})[:2] == (
            400, absent_msg("SuperFamily"))
    assert count(srv, "SELECT COUNT(*) FROM patient") == before
    status, obj, _ = srv.request("POST", "patients",
                                 {"LName": "Old", "FName": "Version"})
    assert status == 201 and "SuperFamily" not in obj, obj
    assert srv.request("GET", "appointments/ASAP")[:2] == (
        400, absent_msg("appointments/ASAP"))
    assert srv.request("GET", "eobattaches?ClaimPaymentNum=1")[:2] == (
        400, absent_msg("eobattaches"))
    assert "Prognosis" not in srv.request("GET", "procedurelogs/1")[1]
    # the securitylog row of that POST, in the columns this version has
    assert count(srv, "SELECT COUNT(*) FROM securitylog WHERE PatNum = %d "
                      "AND LogText LIKE 'Created by %%'" % obj["PatNum"]) == 1


def test_older_version_issue16_actions(servers):
    """The hand-written actions of issue 16 name a later version's column
    only when the database has it."""
    srv = servers["older"]
    group = srv.request("GET", "usergroups")[1][0]["UserGroupNum"]
    status, u, _ = srv.request("POST", "userods", {
        "UserName": uniq("old"), "UserGroupNum": group,
        "Password": "Old-Vers10n"})
    assert status == 201, u
    types = srv.request("GET", "appointmenttypes")[1]
    assert types and "BlockoutTypes" not in types[0]
    status, plan, _ = srv.request("POST", "appointments/Planned", {
        "PatNum": 1, "AppointmentTypeNum": types[0]["AppointmentTypeNum"]})
    assert status == 201, plan
    status, apt, _ = srv.request("POST", "appointments/SchedulePlanned", {
        "AptNum": plan["AptNum"], "AptDateTime": "2033-03-03 09:00:00",
        "ProvNum": plan["ProvNum"], "Op": 1})
    assert status == 201 and apt["NextAptNum"] == plan["AptNum"], apt
    # the family's commlogs without SuperFamily
    assert srv.request("GET", "chartmodules/1/ProgNotes")[0] == 200


# ---- MyISAM: no transactions ------------------------------------------------------

def test_myisam_refusals_write_nothing(servers):
    """Every check runs before the first write: on MyISAM a ROLLBACK undoes
    nothing, so a refused write must not have begun."""
    srv = servers["od24.3-myisam"]
    assert mysql("SELECT ENGINE FROM information_schema.TABLES WHERE "
                 "TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'appointment'",
                 db=srv.db_name) == [["MyISAM"]]
    name = uniq("Dup")
    assert srv.request("POST", "codegroups", {"GroupName": name})[0] == 201
    n = count(srv, "SELECT COUNT(*) FROM codegroup")
    logs = count(srv, "SELECT COUNT(*) FROM securitylog")
    assert srv.request("POST", "codegroups", {"GroupName": name})[:2] == (
        400, "A CodeGroup with that GroupName already exists.")
    assert count(srv, "SELECT COUNT(*) FROM codegroup") == n
    assert count(srv, "SELECT COUNT(*) FROM securitylog") == logs
    # Break with a code the database lacks: refused before the appointment
    # changes
    apt = mysql("SELECT AptNum FROM appointment WHERE AptStatus = 1 LIMIT 1",
                db=srv.db_name)[0][0]
    mysql("UPDATE procedurecode SET ProcCode = 'X9986' WHERE "
          "ProcCode = 'D9986'", db=srv.db_name)
    try:
        assert srv.request("PUT", "appointments/%s/Break" % apt, {
            "sendToUnscheduledList": "false", "breakType": "Missed"})[:2] \
            == (400, "Procedure code D9986 is not in the database.")
        assert count(srv, "SELECT AptStatus FROM appointment WHERE AptNum = "
                          "%s" % apt) == 1
    finally:
        mysql("UPDATE procedurecode SET ProcCode = 'D9986' WHERE "
              "ProcCode = 'X9986'", db=srv.db_name)
    fees = count(srv, "SELECT COUNT(*) FROM procedurelog WHERE CodeNum = "
                      "(SELECT CodeNum FROM procedurecode WHERE ProcCode = "
                      "'D9986')")
    assert srv.request("PUT", "appointments/%s/Break" % apt, {
        "sendToUnscheduledList": "false", "breakType": "Missed"})[0] == 200
    assert count(srv, "SELECT AptStatus FROM appointment WHERE AptNum = %s"
                 % apt) == 5
    assert count(srv, "SELECT COUNT(*) FROM procedurelog WHERE CodeNum = "
                      "(SELECT CodeNum FROM procedurecode WHERE ProcCode = "
                      "'D9986')") == fees + 1


# ---- what the engine thinks each database can run, checked by the server ----------

@pytest.mark.parametrize("kind", ["sandbox", "od24.3", "older"])
def test_views_agree_with_the_server(dbs, kind):
    out = subprocess.run([os.path.join(HELPERS, "schema_views"),
                          socket_path(), dbs[kind]],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr
    assert " 0 disagree" in out.stdout


def test_sandbox_schema_matches_open_dental_24_3():
    out = subprocess.run(["python3", os.path.join(TOP, "tools",
                                                  "schema-diff.py")],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stdout
    assert out.stdout.strip().endswith("0 differences")


# ---- odservice --check-config ----------------------------------------------------

def webconfig(path, database, user):
    lines = ["<ConnectionSettings>", "   <DatabaseConnection>",
             "      <ComputerName>%s</ComputerName>" % socket_path(),
             "      <Database>%s</Database>" % database,
             "      <User>%s</User>" % user,
             "      <Password></Password>",
             "      <DatabaseType>MySql</DatabaseType>",
             "      <Note>DentalOffice</Note>",
             "   </DatabaseConnection>",
             "   <LogLevelOfApplication>Error</LogLevelOfApplication>",
             "</ConnectionSettings>"]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode())
    return str(path)


def check_config(cfg):
    return subprocess.run([os.path.join(BIN, "odservice"), "--check-config",
                           "-c", cfg], capture_output=True, text=True,
                          timeout=120)


def test_check_config_on_24_3(dbs, tmp_path):
    cfg = webconfig(tmp_path / "a.xml", dbs["od24.3-myisam"], DML_USER)
    out = check_config(cfg)
    assert out.returncode == 0, out.stdout + out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].startswith("configuration OK: %s: database %s"
                               % (cfg, dbs["od24.3-myisam"]))
    assert "  database: Open Dental 24.3.10.0 is supported (22.1 to 25.4)" \
        in lines
    # per missing column, the routes it changes (from the descriptions)
    assert any(l.startswith("    codegroup.ShowInFrequency is missing: "
                            "GET /codegroups, GET /codegroups/{CodeGroupNum}")
               and "POST /codegroups, PUT /codegroups/{CodeGroupNum} refuse"
               in l for l in lines), out.stdout
    assert any(l.startswith("    payplan.SheetDefNum is missing: GET "
                            "/payplans, GET /payplans/{PayPlanNum} leave out "
                            "SheetDefNum") for l in lines), out.stdout
    assert any("the user may SELECT, INSERT, UPDATE and DELETE" in l
               for l in lines)
    assert any("tables have no transactions (MyISAM)" in l for l in lines)


def test_check_config_on_an_older_version(dbs, tmp_path):
    out = check_config(webconfig(tmp_path / "a.xml", dbs["older"], DML_USER))
    assert out.returncode == 0, out.stdout + out.stderr
    text = out.stdout
    assert "patient.SuperFamily is missing: " in text
    assert "GET /patients/Simple refuses the parameter SuperFamily" in text
    assert "eobattach is missing: GET /eobattaches" in text
    assert "GET /appointments/ASAP answer" in text


def test_check_config_unsupported_version_and_missing_privileges(dbs,
                                                                 tmp_path):
    name = dbs["older"]
    mysql("CREATE USER IF NOT EXISTS 'odapi_ro'@'localhost'; GRANT SELECT ON "
          "`%s`.* TO 'odapi_ro'@'localhost'" % name)
    old = mysql("SELECT ValueString FROM preference WHERE PrefName = "
                "'DataBaseVersion'", db=name)[0][0]
    mysql("UPDATE preference SET ValueString = '19.2.8.0' WHERE PrefName = "
          "'DataBaseVersion'", db=name)
    try:
        out = check_config(webconfig(tmp_path / "a.xml", name, "odapi_ro"))
    finally:
        mysql("UPDATE preference SET ValueString = '%s' WHERE PrefName = "
              "'DataBaseVersion'" % old, db=name)
        mysql("DROP USER IF EXISTS 'odapi_ro'@'localhost'")
    assert out.returncode == 4, out.stdout + out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].startswith("configuration has problems: ")
    assert "  database: Open Dental 19.2.8.0 is not supported: libodapi " \
        "serves Open Dental 22.1 to 25.4 (the Open Dental API begins with " \
        "22.1); update Open Dental first" in lines
    for priv in ("INSERT", "UPDATE", "DELETE"):
        assert any(l.startswith("  database: the user has no %s privilege "
                                "on " % priv) and "patient" in l
                   for l in lines), out.stdout
    assert not any("no SELECT privilege" in l for l in lines)


# ---- two databases in one process --------------------------------------------------

def test_two_servers_in_one_process_keep_their_own_columns(dbs):
    """What the engine derives from one database's columns (statements,
    field lists) is per database: two servers of one process serve two
    practices of different Open Dental versions side by side."""
    proc = subprocess.Popen([os.path.join(HELPERS, "two_servers"),
                             socket_path(), "root", dbs["od24.3"],
                             dbs["sandbox"]], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    try:
        srvs = []
        for _ in range(2):
            line = proc.stdout.readline()
            assert line.startswith("Base URL: http://"), \
                line + proc.stderr.read()
            host, port = line.split("//")[1].split("/")[0].rsplit(":", 1)
            srv = Server("two_servers", [])
            srv.host, srv.port = host.strip("[]"), int(port)
            srvs.append(srv)
        old, new = srvs
        # the 24.3 one first: its answers must not shape the other's
        g_old = old.request("POST", "codegroups", {"GroupName": uniq("A")})[1]
        assert "ShowInFrequency" not in g_old
        one = old.request("GET", "codegroups/%d" % g_old["CodeGroupNum"])[1]
        assert "ShowInFrequency" not in one
        status, g_new, _ = new.request("POST", "codegroups", {
            "GroupName": uniq("B"), "ShowInFrequency": "true"})
        assert status == 201 and g_new["ShowInFrequency"] == "true", g_new
        one = new.request("GET", "codegroups/%d" % g_new["CodeGroupNum"])[1]
        assert one["ShowInFrequency"] == "true"
        assert old.request("POST", "codegroups", {
            "GroupName": uniq("C"), "ShowInFrequency": "true"})[:2] == (
                400, absent_msg("ShowInFrequency"))
        assert new.request("POST", "patients", {
            "LName": EMOJI, "FName": uniq("E")})[0] == 201
        assert old.request("POST", "patients", {
            "LName": EMOJI, "FName": uniq("E")})[0] == 400
    finally:
        proc.stdin.close()
        assert proc.wait(timeout=30) == 0, proc.stderr.read()
