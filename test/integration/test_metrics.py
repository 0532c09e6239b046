"""GET /metrics (issue 17, docs/http.md "Metrics"): off by default, on a
listener of its own when asked for, Prometheus text that parses, counters
that move with the requests made, a 4xx under its status; the request id
on the guard's own refusals; odservice checks its port before the
database."""
import http.client
import math
import re
import socket
import subprocess
import time

import pytest

from conftest import BIN, have_embedded, odlocal_args_for

NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
LABEL = r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"'
SAMPLE = re.compile(r"^(%s)(\{(?:%s)(?:,%s)*\})? (\S+)$" % (NAME, LABEL,
                                                           LABEL))


def parse_prometheus(text):
    """A small parser of the text exposition format (0.0.4): returns
    {family: {"type": t, "samples": [(name, {labels}, value)]}} and fails
    on anything the format does not allow."""
    assert text.endswith("\n"), "the text ends with a newline"
    fams, types, current = {}, {}, None
    for n, line in enumerate(text.split("\n")[:-1], 1):
        assert line, "line %d is empty" % n
        if line.startswith("# HELP "):
            name = line.split(" ", 3)[2]
            assert re.fullmatch(NAME, name), line
            continue
        if line.startswith("# TYPE "):
            _, _, name, typ = line.split(" ")
            assert typ in ("counter", "gauge", "histogram", "summary",
                           "untyped"), line
            assert name not in types, "%s has two TYPE lines" % name
            types[name] = typ
            fams[name] = {"type": typ, "samples": []}
            current = name
            continue
        assert not line.startswith("#"), line
        m = SAMPLE.match(line)
        assert m, "line %d is not a sample: %r" % (n, line)
        name, labels_text, value = m.group(1), m.group(2) or "", m.group(7)
        labels = dict(re.findall(LABEL, labels_text))
        v = float(value)  # +Inf, NaN and numbers
        assert not math.isnan(v), line
        fam = name
        if types.get(current) == "histogram":
            fam = re.sub(r"_(bucket|sum|count)$", "", name)
        assert fam == current, \
            "%s is not in the family its TYPE line opened (%s)" % (name,
                                                                  current)
        fams[fam]["samples"].append((name, labels, v))
    for name, f in fams.items():
        if f["type"] == "counter":
            assert name.endswith("_total"), name
            assert all(v >= 0 for _, _, v in f["samples"]), name
        if f["type"] == "histogram":
            check_histogram(name, f["samples"])
    return fams


def check_histogram(name, samples):
    series = {}
    for n, labels, v in samples:
        key = tuple(sorted((k, x) for k, x in labels.items() if k != "le"))
        series.setdefault(key, []).append((n, labels.get("le"), v))
    for key, rows in series.items():
        buckets = [(le, v) for n, le, v in rows if n.endswith("_bucket")]
        count = [v for n, _, v in rows if n.endswith("_count")]
        assert buckets and buckets[-1][0] == "+Inf", (name, key)
        les = [float(le) for le, _ in buckets]
        assert les == sorted(les), (name, key)
        vals = [v for _, v in buckets]
        assert vals == sorted(vals), "buckets are cumulative: %s" % (key,)
        assert count == [vals[-1]], (name, key)
        assert [v for n, _, v in rows if n.endswith("_sum")], (name, key)


def value(fams, fam, name=None, **labels):
    """The sample of family fam (name: its _bucket/_count/... sample) whose
    labels include labels; 0 when there is none yet."""
    name = name or fam
    f = fams.get(fam)
    assert f, "no %s in the metrics" % fam
    got = [v for n, l, v in f["samples"] if n == name and
           all(l.get(k) == x for k, x in labels.items())]
    assert len(got) <= 1, (fam, labels, got)
    return got[0] if got else 0


def metrics_port(s):
    deadline = time.time() + 10
    while time.time() < deadline:
        m = re.search(r"metrics on http://127\.0\.0\.1:(\d+)/metrics",
                      s.stderr())
        if m:
            return int(m.group(1))
        time.sleep(0.05)
    raise AssertionError("no 'metrics on' line: " + s.stderr())


def scrape(port, path="/metrics"):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    c.request("GET", path)
    r = c.getresponse()
    body = r.read().decode()
    c.close()
    return r.status, r.getheader("Content-Type"), body


@pytest.fixture(params=["server", "embedded"])
def backend(request, server_db, tmp_path):
    """odlocal's arguments for each backend: the test server's database,
    or a small sandbox of the test's own (the session's is in use)."""
    if request.param == "embedded":
        if not have_embedded():
            pytest.skip("built with DB=client: no embedded server")
        return ["--data-dir", str(tmp_path / "sandbox"), "--patients", "20"]
    return odlocal_args_for("server", server_db, None)


def test_off_by_default(spawn, backend):
    s = spawn("odlocal", ["--port", "0"] + backend)
    assert "metrics on" not in s.stderr()
    # the API's port answers it as any path outside /api/v1/
    c = s.conn()
    c.request("GET", "/metrics")
    r = c.getresponse()
    assert r.status == 404
    assert r.read() == b'"Not found. The API is under /api/v1/."'


def test_on_counts_requests(spawn, backend):
    s = spawn("odlocal", ["--port", "0", "--metrics=0"] + backend)
    port = metrics_port(s)
    assert port != s.port
    st, ctype, text = scrape(port)
    assert st == 200 and ctype.startswith("text/plain; version=0.0.4"), ctype
    before = parse_prometheus(text)
    route = {"method": "GET", "route": "/api/v1/patients/{PatNum}"}

    for _ in range(3):
        assert s.request("GET", "patients/1")[0] == 200
    assert s.request("GET", "patients/1",
                     auth="ODFHIR nosuchdevkey0000/nosuchcustkey000")[0] == 401
    assert s.request("GET", "patientz-metrics")[0] == 404

    st, _, text = scrape(port)
    after = parse_prometheus(text)
    req = "odapi_http_requests_total"
    assert value(after, req, status="200", **route) - \
        value(before, req, status="200", **route) == 3
    assert value(after, req, status="401", **route) - \
        value(before, req, status="401", **route) == 1
    assert value(after, req, route="none", status="404") - \
        value(before, req, route="none", status="404") >= 1
    lat = "odapi_http_request_duration_seconds"
    assert value(after, lat, lat + "_count", **route) - \
        value(before, lat, lat + "_count", **route) == 4
    assert value(after, lat, lat + "_bucket", le="+Inf", **route) == \
        value(after, lat, lat + "_count", **route)
    assert value(after, lat, lat + "_sum", **route) > \
        value(before, lat, lat + "_sum", **route)
    hits = "odapi_credential_cache_hits_total"
    assert value(after, hits) - value(before, hits) >= 2
    assert value(after, "odapi_credential_cache_misses_total") > \
        value(before, "odapi_credential_cache_misses_total")
    assert value(after, "odapi_db_jobs_total") - \
        value(before, "odapi_db_jobs_total") >= 3
    assert value(after, "odapi_db_pool_workers") >= 1
    assert value(after, "odapi_db_queue_depth") == 0
    for fam in ("odapi_db_pool_busy", "odapi_db_queue_capacity",
                "odapi_db_jobs_waited_total", "odapi_db_jobs_refused_total",
                "odapi_db_lock_timeouts_total", "odapi_http_connections",
                "odapi_credential_validations_total"):
        assert fam in after, fam

    # still nothing on the API's own port; the listener serves only /metrics
    c = s.conn()
    c.request("GET", "/metrics")
    assert c.getresponse().status == 404
    assert scrape(port, "/api/v1/patients/1")[0] == 404
    assert scrape(port, "/metrics?x=1")[0] == 200


def test_metrics_options(spawn, tmp_path):
    def run(*args):
        return subprocess.run([BIN + "/odlocal"] + list(args),
                              capture_output=True, text=True, timeout=60)
    for bad in ("127.0.0.1:notaport", "[::1", "70000", "host:0"):
        out = run("--metrics=" + bad, "--data-dir", str(tmp_path / "sb"))
        assert out.returncode == 1 and "--metrics" in out.stderr, bad
    # a metrics port in use: exit 3 before the sandbox is made
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen(1)
    try:
        out = run("--port", "0", "--data-dir", str(tmp_path / "sb"),
                  "--metrics=%d" % busy.getsockname()[1])
    finally:
        busy.close()
    assert out.returncode == 3, out.stderr
    assert "metrics port" in out.stderr
    assert not (tmp_path / "sb").exists()


def test_parser_refuses_what_the_format_does_not_allow():
    # a route name cannot carry quotes, but the parser must catch them
    with pytest.raises(AssertionError):
        parse_prometheus('# TYPE a_total counter\na_total{x="a"b"} 1\n')
    with pytest.raises(AssertionError):
        parse_prometheus('# TYPE h histogram\nh_bucket{le="1"} 2\n'
                         'h_bucket{le="+Inf"} 1\nh_sum 1\nh_count 1\n')
    fams = parse_prometheus('# TYPE a_total counter\n'
                            'a_total{x="q\\"\\\\\\n"} 1\n')
    assert value(fams, "a_total", x='q\\"\\\\\\n') == 1


# ---- the guard's refusals carry the request id ------------------------------

def raw(port, data):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.sendall(data)
    got = b""
    try:
        while True:
            b = s.recv(65536)
            if not b:
                break
            got += b
            if b"\r\n\r\n" in got:
                head, _, rest = got.partition(b"\r\n\r\n")
                m = re.search(rb"Content-Length: (\d+)", head)
                if m and len(rest) >= int(m.group(1)):
                    break
    except socket.timeout:
        pass
    s.close()
    return got.decode("latin-1")


def test_guard_refusals_carry_the_request_id(spawn, server_db):
    s = spawn("odlocal", ["--port", "0", "--max-body", "2048"] +
              odlocal_args_for("server", server_db, None))
    # 413 from the head's Content-Length, before routing
    out = raw(s.port, b"POST /api/v1/patients HTTP/1.1\r\nHost: x\r\n"
              b"X-Request-Id: big-body-1\r\nContent-Type: application/json"
              b"\r\nContent-Length: 999999999\r\n\r\n")
    assert out.startswith("HTTP/1.1 413"), out
    assert "X-Request-Id: big-body-1\r\n" in out, out
    # 400 from a malformed head (two Host headers)
    out = raw(s.port, b"GET /api/v1/ HTTP/1.1\r\nHost: a\r\nHost: b\r\n"
              b"x-request-id:   two-hosts-2  \r\n\r\n")
    assert out.startswith("HTTP/1.1 400"), out
    assert "X-Request-Id: two-hosts-2\r\n" in out, out
    # an unsafe id is not echoed: the server makes one up
    out = raw(s.port, b"GET /api/v1/ HTTP/1.1\r\nHost: a\r\nHost: b\r\n"
              b"X-Request-Id: a\"b\r\n\r\n")
    assert out.startswith("HTTP/1.1 400"), out
    assert re.search(r"X-Request-Id: [0-9a-f]{16}\r\n", out), out
    # 431: the head never ended, so no id of the client's: one made up
    out = raw(s.port, b"GET /api/v1/ HTTP/1.1\r\nX-Request-Id: long-3\r\n" +
              b"X-Filler: " + b"a" * 200000 + b"\r\n\r\n")
    assert out.startswith("HTTP/1.1 431"), out[:200]
    assert re.search(r"X-Request-Id: [0-9a-f]{16}\r\n", out), out[:300]
    # the access lines carry the same ids
    deadline = time.time() + 10
    while time.time() < deadline and "id=two-hosts-2" not in s.stderr():
        time.sleep(0.05)
    err = s.stderr()
    assert re.search(r'" 413 [0-9.]+ms key=- id=big-body-1\n', err), err
    assert re.search(r'" 400 [0-9.]+ms key=- id=two-hosts-2\n', err), err


# ---- odservice: the port before the database ---------------------------------

def test_odservice_port_in_use_before_the_database(tmp_path):
    """With its port taken, odservice exits 3 without first trying the
    database: here a server that accepts and never answers, which would
    cost the 3 s connect timeout (and a 'serving anyway' line)."""
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen(1)
    cfg = tmp_path / "OpenDentalWebConfig.xml"
    cfg.write_bytes((
        "<ConnectionSettings>\r\n   <DatabaseConnection>\r\n"
        "      <ComputerName>127.0.0.1:%d</ComputerName>\r\n"
        "      <Database>opendental</Database>\r\n      <User>root</User>\r\n"
        "      <Password></Password>\r\n      <MySQLPassHash></MySQLPassHash>"
        "\r\n      <UserLow></UserLow>\r\n      <PasswordLow></PasswordLow>"
        "\r\n      <DatabaseType>MySql</DatabaseType>\r\n"
        "   </DatabaseConnection>\r\n"
        "   <LogLevelOfApplication>Information</LogLevelOfApplication>\r\n"
        "</ConnectionSettings>\r\n" % silent.getsockname()[1]).encode())
    t0 = time.time()
    try:
        out = subprocess.run(
            [BIN + "/odservice", "--config", str(cfg), "--listen",
             "127.0.0.1", "--port", str(taken.getsockname()[1]),
             "--state-dir", str(tmp_path / "state"), "--foreground"],
            capture_output=True, text=True, timeout=60)
    finally:
        silent.close()
        taken.close()
    took = time.time() - t0
    assert out.returncode == 3, out.stderr
    assert "already in use" in out.stderr
    assert "database" not in out.stderr.lower(), (took, out.stderr)


def test_odservice_metrics_element(spawn, tmp_path, server_db):
    from test_service import webconfig, write_keys, start_svc, DEV, CUST
    free = socket.socket()
    free.bind(("127.0.0.1", 0))
    mport = free.getsockname()[1]
    free.close()
    write_keys(str(tmp_path / "keys.json"), [(DEV, CUST)])
    cfg = tmp_path / "OpenDentalWebConfig.xml"
    cfg.write_bytes(webconfig(server_db, "Information", [
        "<OdapiKeysFile>keys.json</OdapiKeysFile>",
        "<OdapiMetrics>127.0.0.1:%d</OdapiMetrics>" % mport]))
    s = start_svc(spawn, cfg, "--foreground")
    assert metrics_port(s) == mport
    st, _, text = scrape(mport)
    fams = parse_prometheus(text)
    # odservice fires Database Events: their families are there (one
    # series per subscription it has seen)
    for fam in ("odapi_events_delivered_total", "odapi_events_retried_total",
                "odapi_events_failed_total", "odapi_db_pool_workers"):
        assert fam in fams, fam
    # a bad element is a configuration error naming it
    bad = tmp_path / "bad.xml"
    bad.write_bytes(webconfig(server_db, "Error", [
        "<OdapiMetrics>127.0.0.1:99999</OdapiMetrics>"]))
    out = subprocess.run([BIN + "/odservice", "--check-config", "--config",
                          str(bad)], capture_output=True, text=True,
                         timeout=60)
    said = out.stdout + out.stderr
    assert out.returncode == 2 and "<OdapiMetrics>" in said, said
