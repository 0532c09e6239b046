"""Database round trips of a write (issue 18, scenario 4 of make bench).

A POST /commlogs is a transaction with its securitylog row; every statement
the server sends is a round trip to the database, and the database's CPU
per round trip is what bounds the write rate on a small machine. The count
is read from MariaDB's general log (to a table, on the test server only),
for the one connection of an odlocal started with --pool 1.
"""
import pytest

from conftest import mysql, odlocal_args_for

# START TRANSACTION, the patient check with the CommType default, the
# INSERT (returning the stored row on MariaDB 10.5+; before, and on MySQL,
# the row was read back after the COMMIT: 6), securitylog INSERT, COMMIT.
POST_ROUNDTRIPS = 5


def server_threads(dbname):
    return {int(r[0]) for r in mysql(
        "SELECT ID FROM information_schema.PROCESSLIST WHERE DB = '%s'"
        % dbname)}


@pytest.fixture
def one_conn(spawn, server_db, sandbox_dir):
    before = server_threads(server_db)
    srv = spawn("odlocal", ["--port", "0", "--log-level", "Warning",
                            "--pool", "1"] +
                odlocal_args_for("server", server_db, sandbox_dir))
    mine = server_threads(server_db) - before
    assert len(mine) == 1, mine
    return srv, mine.pop()


def logged(srv, tid, requests):
    """The commands the server's connection sent while the requests ran."""
    mysql("SET GLOBAL general_log = 0; SET GLOBAL log_output = 'TABLE'; "
          "TRUNCATE mysql.general_log; SET GLOBAL general_log = 1")
    try:
        answers = [srv.request(*r)[:2] for r in requests]
    finally:
        mysql("SET GLOBAL general_log = 0")
    rows = mysql("SELECT command_type, argument FROM mysql.general_log "
                 "WHERE thread_id = %d ORDER BY event_time" % tid)
    mysql("TRUNCATE mysql.general_log; SET GLOBAL log_output = 'FILE'")
    return answers, rows


def commlog(patnum, **extra):
    return dict({"PatNum": patnum, "Note": "round trips",
                 "Mode_": "Phone"}, **extra)


def test_post_commlog_round_trips(one_conn):
    srv, tid = one_conn
    patnum = int(mysql("SELECT MIN(PatNum) FROM patient",
                       db=srv.args[srv.args.index("--db-name") + 1])[0][0])
    post = ("POST", "commlogs", commlog(patnum))
    assert srv.request(*post)[0] == 201  # prepares the statements
    answers, rows = logged(srv, tid, [post] * 5)
    assert [a[0] for a in answers] == [201] * 5
    assert not [r for r in rows if r[0] == "Prepare"], rows
    assert len(rows) == 5 * POST_ROUNDTRIPS, "\n".join(
        "%s %s" % (r[0], r[1][:100]) for r in rows)


def test_missing_patient_still_404(one_conn):
    """The patient check rides on the CommType lookup; with a CommType given
    there is no lookup and the check is a statement of its own."""
    srv, tid = one_conn
    for body in (commlog(999999999), commlog(999999999, CommType=0)):
        st, data, _ = srv.request("POST", "commlogs", body)
        assert (st, data) == (404, "Patient not found."), body
    answers, rows = logged(srv, tid, [("POST", "commlogs",
                                       commlog(999999999))])
    assert answers == [(404, "Patient not found.")]
    # START TRANSACTION, the check with the lookup, ROLLBACK
    assert [r[0] for r in rows] == ["Query", "Execute", "Query"], rows


def test_post_answer_is_the_stored_row(one_conn):
    """The answer comes from the INSERT itself (RETURNING): it must be the
    row as stored, the database's defaults and the joined commType
    included, the same as a GET of it; the key is the new row's, in the
    Location header and the securitylog row too."""
    srv, _ = one_conn
    db = srv.args[srv.args.index("--db-name") + 1]
    patnum = int(mysql("SELECT MIN(PatNum) FROM patient", db=db)[0][0])
    answers = []
    for body in (commlog(patnum), commlog(patnum, CommType=0),
                 commlog(patnum, Note="x" * 3000, SentOrReceived="Received")):
        st, posted, resp = srv.request("POST", "commlogs", body)
        assert st == 201, posted
        key = posted["CommlogNum"]
        assert key > 0
        assert resp.getheader("Location").endswith("/commlogs/%d" % key)
        st, got, _ = srv.request("GET", "commlogs/%d" % key)
        assert st == 200
        got.pop("serverDateTime", None)
        assert posted == got
        assert got["PatNum"] == patnum and got["Note"] == body["Note"]
        fkey = mysql("SELECT FKey FROM securitylog WHERE PermType = 193 "
                     "ORDER BY SecurityLogNum DESC LIMIT 1", db=db)
        assert int(fkey[0][0]) == key
        answers.append(posted)
    # the default CommType (a definition named Misc), joined by name in the
    # INSERT's own answer; CommType 0 joins nothing
    assert answers[0]["commType"] == "Misc" and int(answers[0]["CommType"])
    assert answers[1]["commType"] == ""
