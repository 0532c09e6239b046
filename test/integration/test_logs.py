"""Logs people can read (issue 17, docs/http.md "Logs"): one access line per
request at the default level, one timestamp format, JSON lines on request,
and an X-Request-Id on every answer and in its access line."""
import json
import re
import time

from conftest import odlocal_args_for

STAMP = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4}"


def wait_for(cond, timeout=10):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if cond():
            return True
        time.sleep(0.05)
    return cond()


def start(spawn, server_db, *extra):
    return spawn("odlocal", ["--port", "0"] + list(extra) +
                 odlocal_args_for("server", server_db, None))


def test_access_line_at_the_default_level(spawn, server_db):
    s = start(spawn, server_db)
    assert s.request("GET", "patientz-log")[0] == 404
    assert s.request("GET", "patients/1")[0] == 200
    assert wait_for(lambda: "patients/1" in s.stderr())
    err = s.stderr()
    assert re.search(r'Info: "GET /api/v1/patientz-log" 404 [0-9.]+ms '
                     r'key=- id=[0-9a-f]{16}\n', err), err
    assert re.search(r'Info: "GET /api/v1/patients/1" 200 [0-9.]+ms '
                     r'key=[0-9a-f]+ id=', err), err
    # one timestamp format: every line starts with it, none has a second
    for line in err.splitlines():
        assert re.match(STAMP + " (Error|Warning|Info|Verbose): ", line), line
        assert not re.search(STAMP, line[25:]), line


def test_quieter_level_has_no_access_line(spawn, server_db):
    s = start(spawn, server_db, "--log-level", "Warning")
    assert s.request("GET", "patientz-quiet")[0] == 404
    time.sleep(0.3)
    assert "patientz-quiet" not in s.stderr()


def test_request_id_on_every_answer(spawn, server_db):
    s = start(spawn, server_db)
    # the client's own id comes back, when it is sane
    st, _, r = s.request("GET", "patients/1",
                         headers={"X-Request-Id": "web-42.a:b_c"})
    assert st == 200 and r.getheader("X-Request-Id") == "web-42.a:b_c"
    # errors carry one too, and the server's ids differ
    ids = set()
    for path in ("nosuch", "patients/1", "", "patients/abc"):
        _, _, r = s.request("GET", path)
        rid = r.getheader("X-Request-Id")
        assert re.fullmatch(r"[0-9a-f]{16}", rid or ""), (path, rid)
        ids.add(rid)
    assert len(ids) == 4
    # unsafe or too long: replaced, never echoed
    for bad in ('a"b', "a b", "x" * 65, "\u00e9t\u00e9".encode().decode(
            "latin-1")):
        _, _, r = s.request("GET", "", headers={"X-Request-Id": bad})
        rid = r.getheader("X-Request-Id")
        assert rid != bad and re.fullmatch(r"[0-9a-f]{16}", rid), bad
    _, _, r = s.request("GET", "", headers={"X-Request-Id": "y" * 64})
    assert r.getheader("X-Request-Id") == "y" * 64
    assert len(r.headers.get_all("X-Request-Id")) == 1
    assert wait_for(lambda: "id=web-42.a:b_c" in s.stderr())
    assert 'a"b' not in s.stderr()


def test_json_lines(spawn, server_db, tmp_path):
    log = tmp_path / "odlocal.jsonl"
    s = start(spawn, server_db, "--log-format", "json", "--log-file",
              str(log))
    st, _, r = s.request("GET", "patients?LName=Smith&apikey=SECRET1",
                         headers={"X-Request-Id": "json-1"})
    assert st in (200, 400)  # whatever it is, the log says the same
    assert s.request("GET", "nosuch%FF")[0] == 404
    assert wait_for(lambda: log.exists() and "json-1" in log.read_text())
    s.stop()
    # without a log file, the same lines go to standard error
    e = start(spawn, server_db, "--log-format", "json")
    assert e.request("GET", "nosuch-stderr")[0] == 404
    assert wait_for(lambda: "nosuch-stderr" in e.stderr())
    e.stop()
    for text in (log.read_text(), e.stderr()):
        lines = text.splitlines()
        assert len(lines) >= 2
        objs = [json.loads(l) for l in lines]  # every line is one object
        for o in objs:
            assert re.fullmatch(STAMP, o["time"]), o
            assert o["level"] in ("Error", "Warning", "Info", "Verbose")
        assert any(o.get("type") == "access" for o in objs)
    objs = [json.loads(l) for l in log.read_text().splitlines()]
    acc = [o for o in objs if o.get("type") == "access"]
    mine = [o for o in acc if o.get("id") == "json-1"]
    assert len(mine) == 1, acc
    o = mine[0]
    assert o["method"] == "GET" and o["status"] == st
    assert o["uri"] == "/api/v1/patients?LName=Smith&apikey=***"
    assert isinstance(o["ms"], float) and re.fullmatch(r"[0-9a-f]+", o["key"])
    assert "SECRET1" not in log.read_text()
    assert any(o["status"] == 404 and "nosuch" in o["uri"] for o in acc)
    assert any(o.get("msg", "").startswith("serving ") for o in objs)


def test_bad_log_format_is_a_usage_error(spawn):
    s = spawn("odlocal", ["--log-format", "xml"], expect_fail=True)
    assert s.wait(30) == 1
    assert "unknown log format 'xml'" in s.stderr()


def syslog_socket(tmp_path):
    import socket
    path = str(tmp_path / "log.sock")
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(path)
    s.settimeout(0.2)
    return s, path


def received(sock, want, timeout=10):
    got = []
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            got.append(sock.recv(4096).decode())
        except OSError:
            pass
        if any(re.search(want, g) for g in got):
            break
    return got


def test_syslog(spawn, server_db, tmp_path):
    sock, path = syslog_socket(tmp_path)
    try:
        s = start(spawn, server_db, "--log-format", "syslog", "--log-socket",
                  path)
        assert s.request("GET", "patientz-syslog")[0] == 404
        got = received(sock, "patientz-syslog")
    finally:
        sock.close()
    pid = s.proc.pid
    # LOG_USER | LOG_INFO = 14; the message as the text format's, without
    # the timestamp (syslog and journald add their own)
    assert any(re.fullmatch(r"<14>odlocal\[%d\]: serving http://\S+" % pid,
                            g) for g in got), got
    assert any(re.fullmatch(r'<14>odlocal\[%d\]: "GET /api/v1/patientz-syslog"'
                            r" 404 [0-9.]+ms key=- id=[0-9a-f]{16}" % pid, g)
               for g in got), got
    # instead of standard error, not beside it
    assert "serving" not in s.stderr() and "patientz" not in s.stderr()


def test_syslog_socket_missing_is_a_configuration_error(spawn, tmp_path):
    s = spawn("odlocal", ["--log-format", "syslog", "--log-socket",
                          str(tmp_path / "nobody.sock")], expect_fail=True)
    assert s.wait(30) == 2
    assert "cannot reach the syslog socket" in s.stderr()


def test_odservice_syslog(spawn, server_db, tmp_path):
    from test_service import webconfig, write_keys, start_svc, DEV, CUST
    write_keys(str(tmp_path / "keys.json"), [(DEV, CUST)])
    cfg = tmp_path / "OpenDentalWebConfig.xml"
    cfg.write_bytes(webconfig(server_db, "Information", [
        "<OdapiKeysFile>keys.json</OdapiKeysFile>"]))
    sock, path = syslog_socket(tmp_path)
    try:
        s = start_svc(spawn, cfg, "--foreground", "--log-format", "syslog",
                      "--log-socket", path)
        got = received(sock, "serving")
    finally:
        sock.close()
    # LOG_DAEMON | LOG_INFO = 30
    assert any(re.fullmatch(r"<30>odservice\[%d\]: serving http://\S+"
                            % s.proc.pid, g) for g in got), got
    assert "serving" not in s.stderr()
