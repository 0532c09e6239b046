"""Queries (spec section 6): PUT /queries/ShortQuery results, paging, the
read-only fence (every write attempt refused, data unchanged), the time
limit, the concurrency cap, the audit trail and the low-privilege account."""
import json
import os
import threading
import time

import pytest

from conftest import DEMO_AUTH, mysql, socket_path

NOT_RO = "Query is not read-only or is not executing on temporary tables"


def short(srv, sql, offset=None, auth=DEMO_AUTH):
    path = "queries/ShortQuery"
    if offset is not None:
        path += "?Offset=%s" % offset
    return srv.request("PUT", path, {"SqlCommand": sql}, auth=auth)


def ok(srv, sql, offset=None):
    st, body, _ = short(srv, sql, offset)
    assert st == 200, (sql, st, body)
    return body


# ---- results ------------------------------------------------------------------


def test_typed_columns(api):
    rows = ok(api, "SELECT 7 AS i, -3 AS neg, 2.50 AS d, 0.1e0 + 0.2e0 AS f, "
                   "CAST('2021-05-01' AS DATE) AS dt, "
                   "CAST('2021-05-01 08:09:10' AS DATETIME) AS dtt, "
                   "CAST('0000-00-00' AS DATE) AS zero, "
                   "NULL AS n, 'caf\u00e9 \"q\"' AS s, "
                   "CAST('08:30:00' AS TIME) AS t")
    assert rows == [{"i": 7, "neg": -3, "d": 2.50, "f": 0.30000000000000004,
                     "dt": "2021-05-01T00:00:00",
                     "dtt": "2021-05-01T08:09:10",
                     "zero": "0001-01-01T00:00:00", "n": None,
                     "s": "caf\u00e9 \"q\"", "t": "08:30:00"}]


def test_numbers_are_json_numbers_in_raw_text(api):
    c = api.conn()
    c.request("PUT", "/api/v1/queries/ShortQuery",
              body=json.dumps({"SqlCommand": "SELECT 2.50 AS d, 12 AS i"}),
              headers={"Content-Type": "application/json",
                       "Authorization": DEMO_AUTH})
    r = c.getresponse()
    raw = r.read().decode()
    c.close()
    assert r.status == 200
    assert raw == '[{"d":2.50,"i":12}]'
    assert r.getheader("Content-Type").startswith("application/json")


def test_table_columns_match_the_database(api):
    rows = ok(api, "SELECT PatNum, LName, Birthdate, DateTStamp, PriProv "
                   "FROM patient ORDER BY PatNum LIMIT 3")
    assert [r["PatNum"] for r in rows] == [1, 2, 3]
    for r in rows:
        assert list(r) == ["PatNum", "LName", "Birthdate", "DateTStamp",
                           "PriProv"]
        assert isinstance(r["PriProv"], int)
        assert len(r["Birthdate"]) == 19 and r["Birthdate"][10] == "T"
    if api.backend == "server":
        db = mysql("SELECT LName, DATE_FORMAT(Birthdate, '%Y-%m-%dT%H:%i:%s')"
                   " FROM patient ORDER BY PatNum LIMIT 3", db=api_db(api))
        assert [[r["LName"], r["Birthdate"]] for r in rows] == db


def api_db(srv):
    i = srv.args.index("--db-name")
    return srv.args[i + 1]


def test_aliases_and_joins(api):
    rows = ok(api, "SELECT p.PatNum AS Num, CONCAT(p.FName, ' ', p.LName) "
                   "AS FullName, pr.Abbr, COUNT(*) OVER () AS total "
                   "FROM patient p JOIN provider pr ON pr.ProvNum = p.PriProv "
                   "ORDER BY p.PatNum LIMIT 5")
    assert len(rows) == 5
    assert list(rows[0]) == ["Num", "FullName", "Abbr", "total"]
    assert all(isinstance(r["Abbr"], str) and r["Abbr"] for r in rows)
    # other tests add patients: the seeded ones are PatNum 1..60
    agg = ok(api, "SELECT PriProv, COUNT(*) AS n, SUM(EstBalance) AS bal "
                  "FROM patient WHERE PatNum <= 60 GROUP BY PriProv "
                  "ORDER BY PriProv")
    assert sum(r["n"] for r in agg) == 60


def test_offset_paging_and_1000_row_pages(api):
    sql = ("SELECT a.PatNum * 100 + b.PatNum AS n FROM patient a, patient b "
           "WHERE a.PatNum <= 60 AND b.PatNum <= 60 ORDER BY n")
    page1 = ok(api, sql)
    assert len(page1) == 1000
    assert page1[0] == {"n": 101}
    page2 = ok(api, sql, offset=1000)
    assert len(page2) == 1000
    page4 = ok(api, sql, offset=3000)
    assert len(page4) == 600          # 60 * 60 = 3600 rows
    assert page4[-1] == {"n": 6060}
    assert ok(api, sql, offset=3600) == []
    assert ok(api, "SELECT PatNum FROM patient WHERE PatNum < 0") == []
    assert ok(api, "SELECT PatNum FROM patient WHERE PatNum <= 60 "
                   "ORDER BY PatNum", offset=58) == [{"PatNum": 59},
                                                     {"PatNum": 60}]


def test_read_only_statements_that_return_rows(api):
    assert ok(api, "SHOW TABLES LIKE 'patient'")
    assert ok(api, "WITH x AS (SELECT 1 AS a) SELECT a FROM x") == [{"a": 1}]
    assert ok(api, "SELECT 1 AS a;") == [{"a": 1}]
    assert ok(api, "EXPLAIN SELECT * FROM patient")


# ---- bad input ------------------------------------------------------------------


def test_bad_requests(api):
    st, body, _ = api.request("PUT", "queries/ShortQuery", {})
    assert (st, body) == (400, "SqlCommand is required.")
    st, body, _ = api.request("PUT", "queries/ShortQuery", {"SqlCommand": " "})
    assert (st, body) == (400, "SqlCommand is required.")
    st, body, _ = api.request("PUT", "queries/ShortQuery", {"SqlCommand": 5})
    assert (st, body) == (400, "SqlCommand is invalid.")
    st, body, _ = short(api, "SELECT 1", offset="-1")
    assert (st, body) == (400, "Offset is invalid.")
    st, body, _ = api.request("PUT", "queries/ShortQuery", "{nope")
    assert st == 400
    st, body, _ = short(api, "SELECT 'a\u0000b'")
    assert (st, body) == (400, "SqlCommand cannot contain null characters. "
                               "Use CHAR(0) instead.")
    # CHAR(0) is a binary string: base64, as .NET writes byte[]
    st, body, _ = short(api, "SELECT CHAR(0) AS z, CHAR(0 USING utf8mb4) AS t")
    assert st == 200 and body == [{"z": "AA==", "t": "\u0000"}]


def test_sql_errors_are_400_with_the_database_message(api):
    st, body, _ = short(api, "SELEC 1")
    assert st == 400
    assert body.startswith("You have an error in your SQL syntax")
    st, body, _ = short(api, "SELECT nope FROM patient")
    assert (st, body) == (400, "Unknown column 'nope' in 'SELECT'")
    st, body, _ = short(api, "SELECT * FROM nosuchtable")
    assert st == 400 and "nosuchtable" in body


# ---- the read-only fence ---------------------------------------------------------

WRITES = [
    "INSERT INTO patient (LName, FName) VALUES ('Evil', 'Eve')",
    "INSERT INTO patient (LName) VALUES ('Evil') RETURNING PatNum",
    "UPDATE patient SET LName = 'Evil'",
    "DELETE FROM patient",
    "DELETE FROM patient RETURNING PatNum",
    "REPLACE INTO definition (DefNum, ItemName) VALUES (1, 'Evil')",
    "TRUNCATE TABLE commlog",
    "DROP TABLE patient",
    "DROP DATABASE IF EXISTS qx_none",
    "CREATE TABLE qx_evil (a INT)",
    "CREATE TABLE qx_evil AS SELECT * FROM patient",
    "CREATE TEMPORARY TABLE qx_tmp (a INT)",
    "ALTER TABLE patient ADD COLUMN qx_evil INT",
    "RENAME TABLE patient TO qx_patient",
    "CREATE INDEX qx_idx ON patient (LName)",
    "LOAD DATA INFILE '/etc/hostname' INTO TABLE patient",
    "LOAD DATA LOCAL INFILE '/etc/hostname' INTO TABLE patient",
    "SELECT * FROM patient INTO OUTFILE '/tmp/qx_evil_out.csv'",
    "SELECT LName FROM patient LIMIT 1 INTO DUMPFILE '/tmp/qx_evil_dump'",
    "SELECT 1 INTO @x",
    "SET GLOBAL max_connections = 7",
    "SET @x = 1",
    "SET SESSION sql_mode = ''",
    "GRANT ALL ON *.* TO 'qx_evil'@'%' IDENTIFIED BY 'x'",
    "CREATE USER 'qx_evil'@'%'",
    "LOCK TABLES patient WRITE",
    "FLUSH TABLES WITH READ LOCK",
    "SELECT 1; DROP TABLE patient",
    "SELECT 1; DELETE FROM patient",
    "SELECT ';' AS a; UPDATE patient SET LName = 'Evil'",
    "CALL qx_no_such_proc()",
    "CREATE PROCEDURE qx_p() DELETE FROM patient",
    "CREATE FUNCTION qx_f() RETURNS INT RETURN 1",
    "BEGIN NOT ATOMIC DELETE FROM patient; END",
    "EXECUTE IMMEDIATE 'DELETE FROM patient'",
    "PREPARE s FROM 'DELETE FROM patient'",
    "DO SLEEP(0)",
    "HANDLER patient OPEN",
    "OPTIMIZE TABLE patient",
    "ANALYZE TABLE patient",
    "REPAIR TABLE patient",
    "CHECK TABLE patient",
    "START TRANSACTION",
    "COMMIT",
    "KILL 1",
    "SHUTDOWN",
]


def fingerprint(srv):
    """What the data and the schema look like, read through the API."""
    return ok(srv, "SELECT (SELECT COUNT(*) FROM patient) AS patients, "
                   "(SELECT SUM(CRC32(CONCAT_WS('|', PatNum, LName, FName, "
                   "EstBalance))) FROM patient) AS pat_sum, "
                   "(SELECT COUNT(*) FROM commlog) AS commlogs, "
                   "(SELECT SUM(CRC32(CONCAT_WS('|', DefNum, ItemName))) "
                   "FROM definition) AS def_sum, "
                   "(SELECT GROUP_CONCAT(table_name ORDER BY table_name) FROM "
                   "information_schema.tables WHERE table_schema = DATABASE())"
                   " AS tables, (SELECT COUNT(*) FROM "
                   "information_schema.columns WHERE table_schema = "
                   "DATABASE() AND table_name = 'patient') AS patcols, "
                   "(SELECT COUNT(*) FROM information_schema.statistics WHERE "
                   "table_schema = DATABASE()) AS idx")


@pytest.mark.parametrize("sql", WRITES)
def test_write_refused_and_nothing_changes(api, sql):
    before = fingerprint(api)
    st, body, _ = short(api, sql)
    if api.backend == "embedded" and sql.startswith("CALL"):
        # the embedded sandbox has no stored routines (no mysql.proc): the
        # server cannot even prepare a CALL
        assert (st, body) == (400, "Table 'mysql.proc' doesn't exist")
    else:
        assert (st, body) == (401, NOT_RO), sql
    assert fingerprint(api) == before
    if api.backend == "server":
        assert mysql("SELECT COUNT(*) FROM mysql.user WHERE User = 'qx_evil'"
                     ) == [["0"]]
        assert mysql("SELECT @@GLOBAL.max_connections")[0][0] != "7"
        assert mysql("SELECT COUNT(*) FROM information_schema.routines "
                     "WHERE routine_schema = '%s'" % api_db(api)) == [["0"]]
    assert not os.path.exists("/tmp/qx_evil_out.csv")
    assert not os.path.exists("/tmp/qx_evil_dump")


def test_write_by_a_stored_function_is_refused(api):
    if api.backend != "server":
        pytest.skip("embedded backend: the sandbox has no stored routines "
                    "(no mysql.proc) for a function to write through")
    db = api_db(api)
    mysql("DROP FUNCTION IF EXISTS qx_writer", db=db)
    mysql("DELIMITER //\nCREATE FUNCTION qx_writer() RETURNS INT MODIFIES "
          "SQL DATA BEGIN UPDATE patient SET LName = 'Evil'; RETURN 1; END//"
          "\nDELIMITER ;", db=db)
    mysql("CREATE OR REPLACE PROCEDURE qx_reader() SELECT 1 AS a", db=db)
    try:
        before = fingerprint(api)
        st, body, _ = short(api, "SELECT qx_writer() AS x")
        assert (st, body) == (401, NOT_RO)
        st, body, _ = short(api, "SELECT qx_writer() AS x FROM patient")
        assert (st, body) == (401, NOT_RO)
        # a procedure is refused even when all it does is return rows
        st, body, _ = short(api, "CALL qx_reader()")
        assert (st, body) == (401, NOT_RO)
        assert fingerprint(api) == before
    finally:
        mysql("DROP FUNCTION IF EXISTS qx_writer", db=db)
        mysql("DROP PROCEDURE IF EXISTS qx_reader", db=db)


def test_locks_and_session_do_not_leak(api):
    # a named lock taken by a query is gone after it
    assert ok(api, "SELECT GET_LOCK('qx_lock', 0) AS l") == [{"l": 1}]
    for _ in range(6):  # every worker
        assert ok(api, "SELECT IS_FREE_LOCK('qx_lock') AS f") == [{"f": 1}]
    # the API's own resources still work after queries
    st, body, _ = api.request("GET", "patients/1")
    assert st == 200 and body["PatNum"] == 1


# ---- audit trail ------------------------------------------------------------------


def test_every_query_goes_to_securitylog(api):
    marker = "qx-audit-%d-%d" % (os.getpid(), time.time_ns() % 10 ** 9)
    ok(api, "SELECT '%s' AS m" % marker)
    short(api, "DELETE FROM patient WHERE LName = '%s'" % marker)
    rows = ok(api, "SELECT PermType, UserNum, LogText, CompName FROM "
                   "securitylog WHERE LogText LIKE '%%%s%%' "
                   "AND LogText NOT LIKE '%%securitylog%%' "
                   "ORDER BY SecurityLogNum" % marker)
    assert rows == [
        {"PermType": 19, "UserNum": 0, "LogText": "SELECT '%s' AS m" % marker,
         "CompName": "API"},
        {"PermType": 19, "UserNum": 0,
         "LogText": "DELETE FROM patient WHERE LName = '%s'" % marker,
         "CompName": "API"}]


# ---- permission ------------------------------------------------------------------


def test_needs_api_queries_permission(spawn, server_db, tmp_path):
    keys = tmp_path / "keys.json"
    keys.write_text(json.dumps({"keys": [
        {"DeveloperKey": "QxReadOnlyDev001", "CustomerKey": "QxReadOnlyCus001",
         "Permissions": ["ApiReadAll"]},
        {"DeveloperKey": "QxQueriesDev0001", "CustomerKey": "QxQueriesCus0001",
         "Permissions": ["ApiQueries"]}]}))
    srv = spawn("odlocal", ["--port", "0", "--log-level", "Warning",
                            "--db-socket", socket_path(), "--db-user", "root",
                            "--db-name", server_db, "--keys", str(keys)])
    st, _, _ = short(srv, "SELECT 1", auth="ODFHIR QxReadOnlyDev001/"
                                           "QxReadOnlyCus001")
    assert st == 401
    st, body, _ = short(srv, "SELECT 1 AS a", auth="ODFHIR QxQueriesDev0001/"
                                                    "QxQueriesCus0001")
    assert (st, body) == (200, [{"a": 1}])


# ---- cost limits ------------------------------------------------------------------


def server_args(db, *extra):
    return ["--port", "0", "--log-level", "Warning", "--db-socket",
            socket_path(), "--db-user", "root", "--db-name", db,
            "--demo-key", "NFF6i0KrXrxDkZHt/VzkmZEaUWOjnQX2z"] + list(extra)


def test_slow_query_stopped_at_the_limit(spawn, server_db):
    srv = spawn("odlocal", server_args(server_db, "--query-timeout", "1"))
    t0 = time.time()
    st, body, _ = short(srv, "SELECT SLEEP(5) AS s")
    took = time.time() - t0
    assert (st, body) == (400, "The query was stopped after the time limit "
                               "of 1 seconds.")
    assert took < 3
    # lifting max_statement_time inside the statement does not help: the
    # watchdog kills it a little later
    t0 = time.time()
    st, body, _ = short(srv, "SET STATEMENT max_statement_time = 0 FOR "
                             "SELECT SLEEP(8) AS s")
    took = time.time() - t0
    assert (st, body) == (400, "The query was stopped after the time limit "
                               "of 1 seconds.")
    assert took < 6
    # the worker connection is fine afterwards
    assert ok(srv, "SELECT 1 AS a") == [{"a": 1}]
    st, _, _ = srv.request("GET", "patients/1")
    assert st == 200


def test_result_size_cap(spawn, server_db):
    srv = spawn("odlocal", server_args(server_db, "--query-max-bytes",
                                       "2000"))
    assert len(ok(srv, "SELECT PatNum FROM patient WHERE PatNum <= 10")) == 10
    st, body, _ = short(srv, "SELECT REPEAT('x', 3000) AS big")
    assert (st, body) == (400, "The query result is larger than the limit "
                               "of 2000 bytes.")
    st, body, _ = short(srv, "SELECT a.PatNum, b.LName FROM patient a, "
                             "patient b")
    assert (st, body) == (400, "The query result is larger than the limit "
                               "of 2000 bytes.")
    assert ok(srv, "SELECT 1 AS a") == [{"a": 1}]


def test_concurrency_cap_keeps_the_api_answering(spawn, server_db):
    srv = spawn("odlocal", server_args(server_db, "--pool", "2"))
    results = []

    def slow():
        results.append(short(srv, "SELECT SLEEP(3) AS s")[:2])
    th = threading.Thread(target=slow)
    th.start()
    time.sleep(0.7)
    st, body, _ = short(srv, "SELECT 1 AS a")
    assert (st, body) == (503, "Too many queries are running. Try again "
                               "shortly.")
    t0 = time.time()
    st, _, _ = srv.request("GET", "patients/2")
    assert st == 200 and time.time() - t0 < 1.5
    th.join()
    assert results == [(200, [{"s": 0}])]
    assert ok(srv, "SELECT 1 AS a") == [{"a": 1}]


# ---- the low-privilege account ---------------------------------------------------


@pytest.fixture(scope="module")
def low_user(server_db):
    user = "odlow_%d" % os.getpid()
    mysql("DROP USER IF EXISTS '%s'@'localhost'; CREATE USER '%s'@'localhost'"
          " IDENTIFIED BY 'Low-Pw-1'; GRANT SELECT, CREATE TEMPORARY TABLES "
          "ON `%s`.* TO '%s'@'localhost'" % (user, user, server_db, user))
    yield user
    mysql("DROP USER IF EXISTS '%s'@'localhost'" % user)


@pytest.fixture
def low_api(spawn, server_db, low_user):
    return spawn("odlocal", server_args(server_db, "--db-low-user", low_user),
                 env={"ODAPI_DB_LOW_PASSWORD": "Low-Pw-1"})


def test_low_account_runs_the_query(low_api, low_user):
    assert ok(low_api, "SELECT CURRENT_USER() AS u") == [
        {"u": "%s@localhost" % low_user}]
    rows = ok(low_api, "SELECT PatNum FROM patient ORDER BY PatNum LIMIT 2")
    assert rows == [{"PatNum": 1}, {"PatNum": 2}]


def test_low_account_temporary_table_scripts(low_api):
    rows = ok(low_api, "CREATE TEMPORARY TABLE qx_t (n INT, s VARCHAR(20)); "
                       "INSERT INTO qx_t SELECT PatNum, LName FROM patient "
                       "WHERE PatNum <= 3; UPDATE qx_t SET s = 'x' WHERE n = "
                       "2; SELECT n, s FROM qx_t ORDER BY n; "
                       "DROP TEMPORARY TABLE qx_t")
    assert [r["n"] for r in rows] == [1, 2, 3]
    assert rows[1]["s"] == "x"
    # the temporary table does not outlive the request
    st, body, _ = short(low_api, "SELECT * FROM qx_t")
    assert st == 400 and "qx_t" in body
    # a script that creates the table only
    rows = ok(low_api, "CREATE TEMPORARY TABLE qx_u (n INT); "
                       "SELECT COUNT(*) AS c FROM qx_u")
    assert rows == [{"c": 0}]


LOW_WRITES = [
    "DELETE FROM patient",
    "UPDATE patient SET LName = 'Evil'",
    "SELECT 1; DELETE FROM patient",
    "CREATE TEMPORARY TABLE qx_t (a INT); DELETE FROM patient",
    "CREATE TEMPORARY TABLE qx_t (a INT); UPDATE patient SET LName = 'Evil'",
    "CREATE TABLE qx_evil (a INT); SELECT 1",
    "DROP TABLE patient; SELECT 1",
    "SELECT 1; DROP TABLE patient",
    "SELECT 1; SELECT * FROM patient INTO OUTFILE '/tmp/qx_low_out.csv'",
    "SELECT 1; LOAD DATA INFILE '/etc/hostname' INTO TABLE patient",
    "SELECT 1; SET GLOBAL max_connections = 7",
    "SELECT 1; GRANT SELECT ON *.* TO CURRENT_USER()",
    "SELECT 1; LOCK TABLES patient WRITE",
    "SELECT 1; CREATE PROCEDURE qx_p() SELECT 1",
    "SELECT * FROM mysql.user",
    "SELECT 1; OPTIMIZE TABLE patient",
]


@pytest.mark.parametrize("sql", LOW_WRITES)
def test_low_account_refuses_writes(low_api, sql):
    before = fingerprint(low_api)
    st, body, _ = short(low_api, sql)
    assert (st, body) == (401, NOT_RO), sql
    assert fingerprint(low_api) == before
    assert not os.path.exists("/tmp/qx_low_out.csv")
    assert mysql("SELECT @@GLOBAL.max_connections")[0][0] != "7"


def test_low_account_cannot_read_files(low_api):
    assert ok(low_api, "SELECT LOAD_FILE('/etc/hostname') AS f") == [
        {"f": None}]


def test_low_account_wrong_password(spawn, server_db, low_user):
    srv = spawn("odlocal", server_args(server_db, "--db-low-user", low_user),
                env={"ODAPI_DB_LOW_PASSWORD": "wrong"})
    st, body, _ = short(srv, "SELECT 1")
    assert (st, body) == (503, "The query account (UserLow) cannot connect "
                               "to the database.")
    assert "wrong" not in srv.stderr()
