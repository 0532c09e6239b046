"""The Queries time limit on the embedded sandbox (issue 14, item 9): the
embedded server has no statement timer, so max_statement_time alone never
stops a query there; the watchdog must, on time, also when the statement
lifts max_statement_time itself."""
import time

from conftest import needs_embedded

AUTH = "ODFHIR NFF6i0KrXrxDkZHt/VzkmZEaUWOjnQX2z"
STOPPED = "The query was stopped after the time limit of 1 seconds."


def short(srv, sql):
    return srv.request("PUT", "queries/ShortQuery", {"SqlCommand": sql},
                       auth=AUTH)


@needs_embedded
def test_embedded_query_time_limit(spawn, tmp_path):
    srv = spawn("odlocal", ["--port", "0", "--log-level", "Warning",
                            "--data-dir", str(tmp_path / "sbx"),
                            "--patients", "10", "--query-timeout", "1"])
    for sql in ("SELECT SLEEP(8) AS s",
                "SET STATEMENT max_statement_time = 0 FOR SELECT SLEEP(8) "
                "AS s",
                "SELECT COUNT(*) AS n FROM information_schema.columns a, "
                "information_schema.columns b, information_schema.columns c"):
        t0 = time.time()
        st, body, _ = short(srv, sql)
        took = time.time() - t0
        assert (st, body) == (400, STOPPED), (sql, st, body)
        assert took < 3.5, (sql, took)
    # the worker's connection is fine afterwards
    st, body, _ = short(srv, "SELECT 1 AS a")
    assert (st, body) == (200, [{"a": 1}])
    assert srv.request("GET", "patients/1", auth=AUTH)[0] == 200
