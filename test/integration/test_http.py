"""The HTTP core, the router and the error model, through the real odlocal
(issue 2): keep-alive, pipelining, concurrency, limits, slow clients,
signals, the second instance."""
import json
import re
import os
import signal
import socket
import sys
import threading
import time

import pytest

from conftest import DEMO_AUTH, Server


def raw_exchange(host, port, data, timeout=5.0, read_until_close=False):
    s = socket.create_connection((host, port), timeout=timeout)
    s.sendall(data)
    chunks = []
    try:
        while True:
            b = s.recv(65536)
            if not b:
                break
            chunks.append(b)
            if not read_until_close and b"\r\n\r\n" in b"".join(chunks):
                break
    except socket.timeout:
        pass
    s.close()
    return b"".join(chunks)


def test_health_needs_no_key(api):
    status, body, r = api.request("GET", "", auth=None)
    assert status == 200
    assert r.getheader("Content-Type") == "application/json"
    assert body["mode"] == "Local API"
    assert body["database"] == "up"
    assert body["databaseBackend"] == api.backend
    assert body["dataBaseVersion"]


def test_unknown_resource_is_404_json_string(api):
    status, body, r = api.request("GET", "notaresource")
    assert status == 404
    assert body == "notaresource is not a valid resource."
    assert r.getheader("Content-Type") == "application/json"


def test_singular_names_are_not_resources(api):
    status, body, _ = api.request("GET", "patient/1")
    assert (status, body) == (404, "patient is not a valid resource.")


def test_resources_are_case_sensitive(api):
    status, body, _ = api.request("GET", "SecurityPerms")
    assert (status, body) == (404, "SecurityPerms is not a valid resource.")


def test_unknown_method_has_double_space_without_action(api):
    status, body, _ = api.request("DELETE", "securityperms")
    assert status == 400
    assert body == "securityperms DELETE  is not a valid method."


def test_unknown_action_is_named(api):
    status, body, _ = api.request("GET", "securityperms/Foo")
    assert (status, body) == (400,
                              "securityperms GET Foo is not a valid method.")


def test_key_segment_is_not_an_action(api):
    status, body, _ = api.request("PATCH", "securityperms/12")
    assert (status, body) == (400,
                              "securityperms PATCH  is not a valid method.")


def test_outside_api_is_404(api):
    c = api.conn()
    c.request("GET", "/index.html")
    r = c.getresponse()
    assert r.status == 404
    assert r.getheader("Content-Type") == "application/json"
    assert json.loads(r.read()).startswith("Not found")


def test_post_without_content_type_is_400(api):
    status, body, _ = api.request("POST", "securityperms", body="{}",
                                  content_type=None)
    assert status == 400
    assert "Content-Type" in body


def test_post_with_wrong_content_type_is_400(api):
    status, body, _ = api.request("POST", "securityperms", body="{}",
                                  content_type="text/plain")
    assert (status, body) == (400, "Content-Type must be application/json.")


def test_get_with_content_type_and_charset_is_fine(api):
    status, body, _ = api.request(
        "GET", "securityperms", content_type="application/json; charset=utf-8")
    assert status == 200


def test_securityperms_for_demo_key(api):
    status, body, _ = api.request("GET", "securityperms")
    assert status == 200
    names = {p["Permission"]: p["HasPermission"] for p in body}
    assert names["ApiReadAll"] == "true"
    assert names["ApiPatients"] == "true"


def test_missing_authorization_is_refused(api):
    status, body, _ = api.request("GET", "securityperms", auth=None)
    assert status in (400, 401)
    assert "Authorization" in body


def test_wrong_key_is_401_without_echo(api):
    status, body, _ = api.request("GET", "securityperms",
                                  auth="ODFHIR AAAAAAAAAAAAAAAA/BBBBBBBBBBBBBBBB")
    assert status == 401
    assert "AAAAAAAAAAAAAAAA" not in body and "BBBBBBBBBBBBBBBB" not in body


def test_keep_alive_many_requests_one_connection(api):
    c = api.conn()
    for _ in range(200):
        status, body, r = api.request("GET", "securityperms", conn=c)
        assert status == 200
    # errors keep the connection too
    status, _, _ = api.request("GET", "nothing", conn=c)
    assert status == 404
    status, _, _ = api.request("GET", "securityperms", conn=c)
    assert status == 200
    c.close()


def test_pipelined_requests_answered_in_order(api):
    reqs = b"".join(
        b"GET /api/v1/%s HTTP/1.1\r\nHost: x\r\nAuthorization: " % p +
        DEMO_AUTH.encode() + b"\r\n\r\n"
        for p in (b"securityperms", b"nope", b"securityperms/Bad"))
    s = socket.create_connection((api.host, api.port), timeout=5)
    s.sendall(reqs)
    data = b""
    deadline = time.time() + 5
    while data.count(b"HTTP/1.1 ") < 3 and time.time() < deadline:
        b = s.recv(65536)
        if not b:
            break
        data += b
    s.close()
    # bodies end without CRLF, so a status line may follow "}" directly
    statuses = re.findall(rb"HTTP/1.1 (\d{3}) ", data)
    assert statuses == [b"200", b"404", b"400"]


def test_concurrent_clients(api):
    errors = []

    def worker():
        try:
            c = api.conn()
            for _ in range(25):
                status, _, _ = api.request("GET", "securityperms", conn=c)
                if status != 200:
                    errors.append(status)
            c.close()
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(repr(e))
    threads = [threading.Thread(target=worker) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []


def test_oversized_headers_refused_and_closed(api):
    big = b"X-Big: " + b"a" * 70000 + b"\r\n"
    data = raw_exchange(api.host, api.port,
                        b"GET /api/v1/ HTTP/1.1\r\nHost: x\r\n" + big +
                        b"\r\n", read_until_close=True)
    # libevent answers over-long headers itself (docs/http.md)
    assert data == b"" or data.split(b" ")[1] in (b"400", b"413", b"431")


def test_oversized_body_refused_before_it_is_sent(spawn, server_db):
    from conftest import odlocal_args_for
    srv = spawn("odlocal", ["--port", "0", "--max-body", "1000"] +
                odlocal_args_for("server", server_db, None))
    data = raw_exchange(
        srv.host, srv.port,
        b"POST /api/v1/securityperms HTTP/1.1\r\nHost: x\r\n"
        b"Content-Type: application/json\r\nContent-Length: 5000\r\n\r\n",
        read_until_close=True)
    assert data.split(b" ")[1] == b"413"
    # and the server still serves
    status, _, _ = srv.request("GET", "securityperms")
    assert status == 200


def test_slow_client_is_disconnected(spawn, server_db):
    from conftest import odlocal_args_for
    srv = spawn("odlocal", ["--port", "0", "--timeout", "2"] +
                odlocal_args_for("server", server_db, None))
    s = socket.create_connection((srv.host, srv.port), timeout=10)
    start = time.time()
    s.sendall(b"GET /api/v1/ HTTP/1.1\r\n")
    closed = False
    # trickle a header byte every half second: never a complete request
    while time.time() - start < 8:
        try:
            s.sendall(b"X")
            time.sleep(0.5)
            s.setblocking(False)
            try:
                if s.recv(1024) == b"":
                    closed = True
                    break
            except BlockingIOError:
                pass
            finally:
                s.setblocking(True)
        except OSError:
            closed = True
            break
    s.close()
    assert closed, "the slow client kept its connection"
    assert time.time() - start < 6
    status, _, _ = srv.request("GET", "securityperms")
    assert status == 200


def test_connection_cap(spawn, server_db):
    from conftest import odlocal_args_for
    srv = spawn("odlocal", ["--port", "0", "--max-connections", "3"] +
                odlocal_args_for("server", server_db, None))
    held = [srv.conn() for _ in range(3)]
    for c in held:
        assert srv.request("GET", "securityperms", conn=c)[0] == 200
    # a fourth client waits in the backlog: no answer while 3 are open
    s = socket.create_connection((srv.host, srv.port), timeout=1.5)
    s.sendall(b"GET /api/v1/ HTTP/1.1\r\nHost: x\r\n\r\n")
    with pytest.raises(socket.timeout):
        s.recv(1024)
    held[0].close()
    s.settimeout(5)
    assert s.recv(1024).startswith(b"HTTP/1.1 200")
    s.close()
    for c in held[1:]:
        c.close()


def test_sigterm_drains_and_exits_zero(spawn, server_db):
    from conftest import odlocal_args_for
    srv = spawn("odlocal", ["--port", "0"] +
                odlocal_args_for("server", server_db, None))
    c = srv.conn()
    assert srv.request("GET", "securityperms", conn=c)[0] == 200
    srv.proc.send_signal(signal.SIGTERM)
    assert srv.wait(15) == 0
    assert "stopped" in srv.stderr()


def test_sigint_exits_zero(spawn, server_db):
    from conftest import odlocal_args_for
    srv = spawn("odlocal", ["--port", "0"] +
                odlocal_args_for("server", server_db, None))
    srv.proc.send_signal(signal.SIGINT)
    assert srv.wait(15) == 0


def test_sigpipe_does_not_kill(spawn, server_db):
    from conftest import odlocal_args_for
    srv = spawn("odlocal", ["--port", "0"] +
                odlocal_args_for("server", server_db, None))
    # clients that vanish mid-response, many times
    for _ in range(50):
        s = socket.create_connection((srv.host, srv.port))
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                     b"\x01\x00\x00\x00\x00\x00\x00\x00")
        s.sendall(b"GET /api/v1/securityperms HTTP/1.1\r\nHost: x\r\n"
                  b"Authorization: " + DEMO_AUTH.encode() + b"\r\n\r\n")
        s.close()
    time.sleep(0.3)
    assert srv.proc.poll() is None
    assert srv.request("GET", "securityperms")[0] == 200


def test_second_instance_reports_busy_port(spawn, server_db):
    from conftest import odlocal_args_for
    first = spawn("odlocal", ["--port", "0"] +
                  odlocal_args_for("server", server_db, None))
    second = spawn("odlocal", ["--port", str(first.port)] +
                   odlocal_args_for("server", server_db, None),
                   expect_fail=True)
    rc = second.wait(30)
    assert rc == 3
    err = second.stderr().strip().splitlines()
    assert any("already in use" in line for line in err)
    assert first.request("GET", "securityperms")[0] == 200


def test_local_api_listens_on_loopback_only(api):
    assert api.host in ("127.0.0.1", "::1")


def test_help_and_version():
    import subprocess
    from conftest import BIN
    for prog in ("odlocal", "odservice"):
        out = subprocess.run([os.path.join(BIN, prog), "--version"],
                             capture_output=True, text=True)
        assert out.returncode == 0 and out.stdout.startswith(prog + " ")
    out = subprocess.run([os.path.join(BIN, "odlocal"), "--help"],
                         capture_output=True, text=True)
    assert out.returncode == 0 and "--port" in out.stdout
    out = subprocess.run([os.path.join(BIN, "odlocal"), "--bogus"],
                         capture_output=True, text=True)
    assert out.returncode == 1


@pytest.mark.parametrize("prog,args,want", [
    ("odlocal", ["--bogus"], "odlocal: unknown option '--bogus' "
                             "(see odlocal --help)"),
    ("odlocal", ["-q", "-Z"], "odlocal: unknown option '-Z' "
                              "(see odlocal --help)"),
    ("odlocal", ["--port"], "odlocal: option '--port' needs a value "
                            "(see odlocal --help)"),
    ("odservice", ["--bogus"], "odservice: unknown option '--bogus' "
                               "(see odservice --help)"),
    ("odservice", ["-c"], "odservice: option '-c' needs a value "
                          "(see odservice --help)"),
])
def test_bad_option_is_one_line(prog, args, want):
    """Not the whole help (issue 17): one line naming the option."""
    import subprocess
    from conftest import BIN
    out = subprocess.run([os.path.join(BIN, prog)] + args,
                         capture_output=True, text=True, timeout=30)
    assert out.returncode == 1
    assert out.stdout == ""
    assert out.stderr == want + "\n"


def test_busy_port_is_found_before_the_sandbox(tmp_path):
    """A second odlocal on a taken port exits 3 (odlocal(1)) at once,
    without creating or seeding a sandbox first."""
    import subprocess
    from conftest import BIN
    taken = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    taken.bind(("127.0.0.1", 0))
    taken.listen(1)
    port = taken.getsockname()[1]
    data = tmp_path / "sandbox"
    try:
        t0 = time.monotonic()
        out = subprocess.run([os.path.join(BIN, "odlocal"), "--port",
                              str(port), "-d", str(data)],
                             capture_output=True, text=True, timeout=120)
        took = time.monotonic() - t0
    finally:
        taken.close()
    assert out.returncode == 3, out.stderr
    assert "port %d is already in use" % port in out.stderr
    assert not data.exists()
    assert took < 10


def test_encoded_nul_in_query_is_refused(api):
    status, body, _ = api.request("GET", "patients/Simple?LName=%00x")
    assert (status, body) == (400, "Query parameters cannot contain NUL "
                                   "characters.")


# ---- numbers are strict (issue 14, docs/http.md "Numbers") ---------------

def _patient(api):
    status, obj, _ = api.request("POST", "patients",
                                 {"LName": "Numtest", "FName": "Pat"})
    assert status == 201, obj
    return obj


@pytest.mark.parametrize("amt", ["0x10", "0x1p4", " 12", "12 ", "+12", "1e3",
                                 "inf", "nan", ".5", "5.", "1,5", "\u0661"])
def test_amount_text_must_be_plain_decimal(api, amt):
    pat = _patient(api)
    assert api.request("POST", "payments",
                       {"PayAmt": amt, "PatNum": pat["PatNum"]})[:2] == (
        400, "PayAmt is invalid.")
    assert api.request("GET", "payments?PatNum=%d" % pat["PatNum"])[1] == []


def test_amounts_that_stay_valid(api):
    pat = _patient(api)
    for amt, shown in (("12", "12"), ("-3.5", "-3.5"), (7.25, "7.25"),
                       (4, "4")):
        status, p, _ = api.request("POST", "payments",
                                   {"PayAmt": amt, "PatNum": pat["PatNum"]})
        assert status == 201, p
        assert p["PayAmt"] == shown


@pytest.mark.parametrize("key", ["0005", "05", "99999999999999999999"])
def test_path_keys_are_canonical_decimal(api, key):
    # digits only reach the key route, which takes canonical keys only
    assert api.request("GET", "patients/" + key)[:2] == (
        400, "PatNum is invalid.")


@pytest.mark.parametrize("key,shown", [
    ("+5", "+5"), ("5%20", "5 "), ("%205", " 5"), ("-1", "-1"),
    ("0x5", "0x5"), ("5.0", "5.0"), ("1e1", "1e1")])
def test_path_keys_that_are_not_digits_name_no_route(api, key, shown):
    # anything but digits names an action (docs/http.md "The router")
    assert api.request("GET", "patients/" + key)[:2] == (
        400, "patients GET %s is not a valid method." % shown)


def test_canonical_key_still_works(api):
    pat = _patient(api)
    status, got, _ = api.request("GET", "patients/%d" % pat["PatNum"])
    assert (status, got["PatNum"]) == (200, pat["PatNum"])
    assert api.request("GET", "patients/0")[0] == 404


def test_text_fields_take_strings_only(api):
    for v in (123, 1.5, True):
        status, body, _ = api.request("POST", "patients",
                                      {"LName": v, "FName": "Pat"})
        assert (status, body) == (400, "LName is invalid."), v


def test_integer_fields_refuse_reals_and_loose_text(api):
    pat = _patient(api)
    for v in (5.0, 1e2, " 5", "5 ", "+5", "0x5"):
        status, body, _ = api.request(
            "POST", "payments", {"PayAmt": "1", "PatNum": v})
        assert (status, body) == (400, "PatNum is invalid."), v
    assert api.request("GET", "payments?PatNum=%d" % pat["PatNum"])[1] == []


@pytest.mark.parametrize("query,msg", [
    ("payments?PatNum=%2012", "PatNum is invalid."),
    ("payments?PatNum=0x10", "PatNum is invalid."),
    ("payments?Offset=+5", "Offset is invalid."),
    ("payments?Offset=1e2", "Offset is invalid."),
    ("payments?Limit=%2010", "Limit is invalid."),
    ("payments?Limit=-1", "Limit is invalid."),
    ("appointments?dateStart=2024-%2B1-01",
     "dateStart format must be yyyy-MM-dd"),
    ("appointments?dateStart=%202024-01-01",
     "dateStart format must be yyyy-MM-dd"),
])
def test_query_numbers_are_strict(api, query, msg):
    assert api.request("GET", query)[:2] == (400, msg)


# ---- the wire (issue 13, docs/http.md "The wire") -------------------------

def ask(host, port, data, timeout=5.0, source=None):
    """Send raw bytes and read until the server closes or goes quiet:
    (status, parsed JSON body or None, raw head, closed)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(timeout)
    if source:
        s.bind((source, 0))
    s.connect((host, port))
    s.sendall(data)
    out, closed = b"", False
    try:
        while True:
            b = s.recv(65536)
            if not b:
                closed = True
                break
            out += b
    except (socket.timeout, ConnectionResetError):
        pass
    s.close()
    head, _, body = out.partition(b"\r\n\r\n")
    m = re.match(rb"HTTP/1\.1 (\d{3}) ", head)
    try:
        parsed = json.loads(body) if body else None
    except ValueError:
        parsed = body
    return (int(m.group(1)) if m else None), parsed, head, closed


AUTH = b"Authorization: " + DEMO_AUTH.encode() + b"\r\n"
JSON_CT = b"Content-Type: application/json\r\n"
POST = b"POST /api/v1/patients HTTP/1.1\r\nHost: x\r\n" + AUTH + JSON_CT

WIRE = [
    (b"FOO /api/v1/ HTTP/1.1\r\nHost: x\r\n\r\n", 501,
     "The method FOO is not supported."),
    (b"get /api/v1/ HTTP/1.1\r\nHost: x\r\n\r\n", 501,
     "The method get is not supported."),
    (b"CONNECT example.com:443 HTTP/1.1\r\nHost: x\r\n\r\n", 501,
     "The method CONNECT is not supported."),
    (b"TRACE /api/v1/ HTTP/1.1\r\nHost: x\r\n\r\n", 501,
     "The method TRACE is not supported."),
    (POST + b"Content-Length: 2\r\nContent-Length: 20\r\n\r\n{}", 400,
     "Content-Length is given twice with different values."),
    (POST + b"Content-Length: +2\r\n\r\n{}", 400, "Content-Length is invalid."),
    (POST + b"Content-Length: 0x2\r\n\r\n{}", 400,
     "Content-Length is invalid."),
    (b"GET /api/v1/ HTTP/1.1\r\nHost: x\r\nX-A: a\x00b\r\n\r\n", 400,
     "Header values cannot contain control characters."),
    (b"GET /api/v1/ HTTP/1.1\r\nHost: x\r\nX-A: a\rb\r\n\r\n", 400,
     "A bare CR is not allowed."),
    (b"GET /api/v1/ HTTP/1.1\r\nHost: x\r\nX-A: a\r\n b\r\n\r\n", 400,
     "Folded header lines are not supported."),
    (b"GET /api/v1/ HTTP/1.1\r\nHost: x\r\nX A: a\r\n\r\n", 400,
     "A header name is malformed."),
    (b"GET /api/v1/ HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n", 400,
     "The Host header is given twice."),
    (b"GET /api/v1/ x HTTP/1.1\r\nHost: x\r\n\r\n", 400,
     "The request line is malformed."),
    (b"GET http://x/api/v1/ HTTP/1.1\r\nHost: x\r\n\r\n", 400,
     "The URL is not valid."),
    (b"GET //[x HTTP/1.1\r\nHost: x\r\n\r\n", 400, "The URL is not valid."),
    (b"GET /api/v1/ HTTP/2.0\r\nHost: x\r\n\r\n", 505,
     "Only HTTP/1.1 and HTTP/1.0 are supported."),
    (b"GET /api/v1/ HTTP/1.1\r\nHost: x\r\nExpect: 200-ok\r\n\r\n", 417,
     "Only Expect: 100-continue is supported."),
    (b"HEAD /api/v1/ HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc",
     400, "A HEAD request cannot have a body."),
    (POST + b"Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n", 400,
     "The chunked body is malformed."),
    (POST + b"Transfer-Encoding: chunked\r\n\r\n0x2\r\n{}\r\n0\r\n\r\n", 400,
     "The chunked body is malformed."),
    (POST + b"Transfer-Encoding: chunked\r\n\r\n2\r\n{}XX0\r\n\r\n", 400,
     "The chunked body is malformed."),
    (POST + b"Content-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n"
     b"2\r\n{}\r\n0\r\n\r\n", 400,
     "Content-Length and Transfer-Encoding cannot both be given."),
    (POST + b"Transfer-Encoding: gzip\r\n\r\n", 501,
     "Transfer-Encoding gzip is not supported."),
]


@pytest.mark.parametrize("raw,status,msg", WIRE)
def test_wire_errors_are_json_and_close(api, raw, status, msg):
    st, body, head, closed = ask(api.host, api.port, raw)
    assert (st, body) == (status, msg), head
    assert b"Content-Type: application/json" in head
    assert b"Connection: close" in head
    assert closed, "the connection stayed open"
    # and the server still serves
    assert api.request("GET", "securityperms")[0] == 200


def test_wire_error_after_a_good_request_on_the_same_connection(api):
    raw = (b"GET /api/v1/ HTTP/1.1\r\nHost: x\r\n\r\n"
           b"GET /api/v1/ HTTP/1.1\r\nHost: x\r\nX-A: \x01\r\n\r\n")
    s = socket.create_connection((api.host, api.port), timeout=5)
    s.sendall(raw)
    out = b""
    while True:
        b = s.recv(65536)
        if not b:
            break
        out += b
    s.close()
    assert re.findall(rb"HTTP/1.1 (\d{3}) ", out) == [b"200", b"400"]
    assert out.endswith(b'"Header values cannot contain control characters."')


def test_chunked_body_with_extension_reaches_the_handler(api):
    body = json.dumps({"LName": "Chunk", "FName": "Ed"}).encode()
    raw = (POST + b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n" +
           b"%x;ext=1\r\n" % 5 + body[:5] + b"\r\n" +
           b"%X\r\n" % (len(body) - 5) + body[5:] + b"\r\n0\r\n\r\n")
    st, obj, head, _ = ask(api.host, api.port, raw)
    assert st == 201, (head, obj)
    assert (obj["LName"], obj["FName"]) == ("Chunk", "Ed")


def test_trailers_are_dropped(api):
    """A trailer cannot add a header after the fact (Authorization here)."""
    raw = (b"POST /api/v1/patients HTTP/1.1\r\nHost: x\r\n" + JSON_CT +
           b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
           b"2\r\n{}\r\n0\r\n" + AUTH + b"\r\n")
    st, body, _, _ = ask(api.host, api.port, raw)
    assert st == 400 and "Authorization" in body


def test_expect_100_continue(api):
    body = json.dumps({"LName": "Cont", "FName": "Inue"}).encode()
    s = socket.create_connection((api.host, api.port), timeout=5)
    s.sendall(POST + b"Expect: 100-continue\r\nConnection: close\r\n"
              b"Content-Length: %d\r\n\r\n" % len(body))
    assert s.recv(1024).startswith(b"HTTP/1.1 100 Continue")
    s.sendall(body)
    out = b""
    while True:
        b = s.recv(65536)
        if not b:
            break
        out += b
    s.close()
    assert out.startswith(b"HTTP/1.1 201 ")


# ---- memory (issue 10, docs/http.md "Memory") ------------------------------

def test_body_over_the_json_limit_is_refused_before_it_is_sent(api):
    st, body, head, closed = ask(
        api.host, api.port, POST + b"Content-Length: 28000000\r\n\r\n")
    assert (st, body) == (413, "The request body is too large.")
    assert closed and b"Connection: close" in head


def test_json_limit_is_one_mib(api):
    big = b'{"LName":"' + b"x" * (1024 * 1024) + b'"}'
    st, body, _, _ = ask(api.host, api.port, POST + b"Content-Length: %d\r\n"
                         b"Connection: close\r\n\r\n" % len(big) + big)
    assert (st, body) == (413, "The request body is too large.")
    fits = b'{"LName":"' + b"x" * (1024 * 1024 - 13) + b'"}'
    assert len(fits) <= 1024 * 1024
    st, body, _, _ = ask(api.host, api.port, POST + b"Content-Length: %d\r\n"
                         b"Connection: close\r\n\r\n" % len(fits) + fits)
    assert (st, body) == (400, "LName is too long.")


def test_big_bodies_are_parsed_off_the_loop_and_still_work(api):
    """Over 64 KiB the body is parsed on a worker (docs/http.md)."""
    pad = b" " * (200 * 1024)
    big = b'{"LName":"Big",' + pad + b'"FName":"Body"}'
    st, obj, head, _ = ask(api.host, api.port, POST + b"Content-Length: %d\r\n"
                           b"Connection: close\r\n\r\n" % len(big) + big)
    assert st == 201, head
    assert (obj["LName"], obj["FName"]) == ("Big", "Body")
    bad = b'{"LName":"Big",' + pad
    st, obj, _, _ = ask(api.host, api.port, POST + b"Content-Length: %d\r\n"
                        b"Connection: close\r\n\r\n" % len(bad) + bad)
    assert (st, obj) == (400, "The request body is not valid JSON.")


def test_chunked_body_over_the_limit_is_refused(api):
    chunk = b"x" * 65536
    raw = (POST + b"Transfer-Encoding: chunked\r\n\r\n" +
           (b"10000\r\n" + chunk + b"\r\n") * 17 + b"0\r\n\r\n")
    st, body, _, closed = ask(api.host, api.port, raw)
    assert (st, body) == (413, "The request body is too large.")
    assert closed


def test_clients_that_stop_reading_are_dropped_over_the_total(spawn,
                                                             server_db):
    """Many connections each with answers they never read (issue 10: 2000
    such requests held 1.5 GB): past --max-output the ones that
    stopped reading are closed, and their answers freed."""
    from conftest import odlocal_args_for
    srv = spawn("odlocal", ["--port", "0", "--max-output", "1000000"] +
                odlocal_args_for("server", server_db, None))
    req = (b"GET /api/v1/procedurelogs?Limit=1000 HTTP/1.1\r\nHost: x\r\n" +
           AUTH + b"\r\n")
    socks = []
    for _ in range(40):
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.connect((srv.host, srv.port))
        s.sendall(req * 20)
        socks.append(s)
    time.sleep(6)
    t0 = time.time()   # and others are not kept waiting for them
    assert srv.request("GET", "securityperms")[0] == 200
    assert time.time() - t0 < 2
    # read them all: a dropped connection ends after what the kernel
    # holds (2 MB or so, through a 4 kB window); a kept one goes on with
    # its 20 answers, or waits out the 30 s write timeout
    import selectors
    sel = selectors.DefaultSelector()
    for s in socks:
        s.setblocking(False)
        sel.register(s, selectors.EVENT_READ)
    dropped, deadline = 0, time.time() + 20
    while sel.get_map() and time.time() < deadline:
        for key, _ in sel.select(0.2):
            try:
                if key.fileobj.recv(1 << 20):
                    continue
            except BlockingIOError:
                continue
            except ConnectionResetError:
                pass
            dropped += 1
            sel.unregister(key.fileobj)
        if dropped >= 15:
            break
    for s in socks:
        s.close()
    assert dropped >= 15, dropped   # without the limit: none for 30 s
    assert "stopped reading" in srv.stderr()


def test_pipelined_requests_are_all_answered_in_order(api):
    paths = [b"securityperms", b"nope", b"securityperms/Bad"] * 10
    reqs = b"".join(b"GET /api/v1/%s HTTP/1.1\r\nHost: x\r\n" % p + AUTH +
                    b"\r\n" for p in paths)
    s = socket.create_connection((api.host, api.port), timeout=5)
    s.sendall(reqs)
    data, deadline = b"", time.time() + 10
    while data.count(b"HTTP/1.1 ") < len(paths) and time.time() < deadline:
        b = s.recv(65536)
        if not b:
            break
        data += b
    s.close()
    assert re.findall(rb"HTTP/1.1 (\d{3}) ", data) == \
        [b"200", b"404", b"400"] * 10


# ---- connections (issue 11, docs/http.md "Connections") --------------------

def test_one_address_cannot_take_every_connection(spawn, server_db):
    from conftest import odlocal_args_for
    srv = spawn("odlocal", ["--port", "0", "--max-connections", "100",
                            "--max-per-address", "10"] +
                odlocal_args_for("server", server_db, None))
    held = []
    for _ in range(10):   # half-sent requests, as the hostile test did
        s = socket.create_connection((srv.host, srv.port), timeout=5)
        s.sendall(b"GET /api/v1/ HTTP/1.1\r\nHost: x\r\n")
        held.append(s)
    time.sleep(0.3)
    st, body, head, closed = ask(srv.host, srv.port,
                                 b"GET /api/v1/ HTTP/1.1\r\nHost: x\r\n\r\n")
    assert (st, body) == (503, "Too many connections from this address.")
    assert closed
    # another address (127.0.0.2 is this machine too) is served at once
    st, body, _, _ = ask(srv.host, srv.port, b"GET /api/v1/ HTTP/1.1\r\n"
                         b"Host: x\r\nConnection: close\r\n\r\n",
                         source="127.0.0.2")
    assert st == 200
    held.pop().close()
    time.sleep(0.6)   # a connection closed before any request: the sweep
    st, _, _, _ = ask(srv.host, srv.port, b"GET /api/v1/ HTTP/1.1\r\n"
                      b"Host: x\r\nConnection: close\r\n\r\n")
    assert st == 200
    for s in held:
        s.close()


def test_unfinished_headers_time_out_with_408(spawn, server_db):
    from conftest import odlocal_args_for
    srv = spawn("odlocal", ["--port", "0", "--header-timeout", "1"] +
                odlocal_args_for("server", server_db, None))
    start = time.time()
    st, body, head, closed = ask(srv.host, srv.port,
                                 b"GET /api/v1/ HTTP/1.1\r\nHost: x\r\n",
                                 timeout=6)
    assert (st, body) == (408, "The request headers did not arrive in time.")
    assert closed and time.time() - start < 3
    # an idle keep-alive connection is not a slow header
    c = srv.conn()
    assert srv.request("GET", "securityperms", conn=c)[0] == 200
    time.sleep(1.6)
    assert srv.request("GET", "securityperms", conn=c)[0] == 200
    c.close()


def _tls_odservice(spawn, server_db, tmp_path):
    """odservice with a certificate made now: (server, a client context
    trusting it, the service's Authorization value)."""
    import shutil
    import ssl
    import subprocess
    from test_service import AUTH, webconfig, write_keys, DEV, CUST
    if not shutil.which("openssl"):
        pytest.skip("no openssl CLI")
    cert, key = str(tmp_path / "cert.pem"), str(tmp_path / "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048",
                    "-nodes", "-keyout", key, "-out", cert, "-days", "2",
                    "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True, timeout=60)
    write_keys(str(tmp_path / "keys.json"), [(DEV, CUST)])
    cfg = tmp_path / "tls.xml"
    cfg.write_bytes(webconfig(server_db, "Error", [
        "<OdapiKeysFile>keys.json</OdapiKeysFile>",
        "<OdapiTlsCertificate>cert.pem</OdapiTlsCertificate>",
        "<OdapiTlsKey>key.pem</OdapiTlsKey>"]))
    srv = spawn("odservice", ["--config", str(cfg), "--port", "0",
                              "--listen", "127.0.0.1"])
    return srv, ssl.create_default_context(cafile=cert), AUTH


def test_the_guard_over_tls(spawn, server_db, tmp_path):
    """The guard works the same on a TLS bufferevent (odservice with a
    certificate): pipelined requests, and a refused one."""
    srv, ctx, SVC_AUTH = _tls_odservice(spawn, server_db, tmp_path)

    def tls_exchange(data, want):
        raw = socket.create_connection(("127.0.0.1", srv.port), timeout=10)
        s = ctx.wrap_socket(raw, server_hostname="127.0.0.1")
        s.sendall(data)
        out = b""
        while out.count(b"HTTP/1.1 ") < want or not out[-1:] in b'"}':
            b = s.recv(65536)
            if not b:
                break
            out += b
        s.close()
        return out
    auth = b"Authorization: " + SVC_AUTH.encode() + b"\r\n"
    out = tls_exchange(b"".join(
        b"GET /api/v1/%s HTTP/1.1\r\nHost: x\r\n" % p + auth + b"\r\n"
        for p in (b"securityperms", b"nope", b"securityperms/Bad")) +
        b"GET /api/v1/ HTTP/1.1\r\nHost: x\r\nX: \x00\r\n\r\n", 4)
    assert re.findall(rb"HTTP/1.1 (\d{3}) ", out) == \
        [b"200", b"404", b"400", b"400"]
    assert out.endswith(b'"Header values cannot contain control characters."')
    # answers that close the connection arrive whole (TLS is a filter over
    # the socket: evhttp shuts it down once the answer is encrypted)
    for close in (b"GET /api/v1/ HTTP/1.0\r\n\r\n",
                  b"GET /api/v1/ HTTP/1.1\r\nConnection: close\r\n\r\n"):
        out = tls_exchange(close, 1)
        assert re.match(rb"HTTP/1\.[01] 200 ", out) and out.endswith(b"}"), out


def _tls_records(wire):
    """The content types of the TLS records in raw bytes from a socket."""
    types, i = [], 0
    while i + 5 <= len(wire):
        types.append(wire[i])
        i += 5 + int.from_bytes(wire[i + 3:i + 5], "big")
    assert i == len(wire), "a record was cut off"
    return types


def test_a_small_tls_answer_is_one_record(spawn, server_db, tmp_path):
    """odservice sends an answer's head and body in one TLS record (one
    encryption; the client decrypts once), and a keep-alive connection
    carries the next request at once (the answer is written when ready)."""
    import ssl
    srv, ctx, SVC_AUTH = _tls_odservice(spawn, server_db, tmp_path)
    raw = socket.create_connection(("127.0.0.1", srv.port), timeout=10)
    inc, outg = ssl.MemoryBIO(), ssl.MemoryBIO()
    tls = ctx.wrap_bio(inc, outg, server_hostname="127.0.0.1")
    while True:
        try:
            tls.do_handshake()
            break
        except ssl.SSLWantReadError:
            raw.sendall(outg.read())
            data = raw.recv(65536)
            assert data
            inc.write(data)
    raw.sendall(outg.read())

    def whole(text):
        head, sep, body = text.partition(b"\r\n\r\n")
        m = re.search(rb"\r\nContent-Length: (\d+)", head, re.I)
        return sep and m and len(body) >= int(m.group(1))

    def exchange(path):
        tls.write(b"GET /api/v1/%s HTTP/1.1\r\nHost: x\r\nAuthorization: "
                  b"%s\r\n\r\n" % (path, SVC_AUTH.encode()))
        raw.sendall(outg.read())
        wire = text = b""
        while not whole(text):
            data = raw.recv(65536)
            assert data, "closed before the answer"
            wire += data
            inc.write(data)
            try:
                while True:
                    text += tls.read(65536)
            except ssl.SSLWantReadError:
                pass
        return wire, text
    exchange(b"securityperms")  # the session tickets come before it
    for path in (b"securityperms", b"nope"):
        wire, text = exchange(path)
        assert text.startswith(b"HTTP/1.1 ") and len(text) < 16000
        assert _tls_records(wire) == [23], (path, _tls_records(wire))
    raw.close()


# ---- reading on while a request is out (docs/http.md, "How an answer leaves")


def _out_server(spawn, server_db, tmp_path, tls):
    """odlocal (plain) or odservice over TLS: (server, connect(), auth)."""
    from conftest import socket_path
    if tls:
        srv, ctx, auth = _tls_odservice(spawn, server_db, tmp_path)
    else:
        srv = spawn("odlocal", [
            "--port", "0", "--log-level", "Error", "--db-socket",
            socket_path(), "--db-user", "root", "--db-name", server_db,
            "--demo-key", DEMO_AUTH.split()[1]])
        ctx, auth = None, DEMO_AUTH

    def connect():
        s = socket.create_connection(("127.0.0.1", srv.port), timeout=10)
        return ctx.wrap_socket(s, server_hostname="127.0.0.1") if ctx else s
    return srv, connect, auth


def _slow_query(auth, seconds):
    body = json.dumps({"SqlCommand": "SELECT SLEEP(%s) AS s" % seconds})
    return (b"PUT /api/v1/queries/ShortQuery HTTP/1.1\r\nHost: x\r\n"
            b"Authorization: " + auth.encode() + b"\r\n"
            b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n"
            % len(body) + body.encode())


def _close_waits(port):
    """The server's connections on port whose client has closed (the
    kernel's CLOSE_WAIT) and that the server has not closed yet."""
    n = 0
    for path in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(path) as f:
                rows = f.read().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            f = row.split()
            if int(f[1].rsplit(":", 1)[1], 16) == port and f[3] == "08":
                n += 1
    return n


@pytest.mark.parametrize("tls", [False, True], ids=["plain", "tls"])
def test_a_client_gone_while_its_request_is_out_is_closed(spawn, server_db,
                                                          tmp_path, tls):
    """The connection is read while the database works: a client that
    leaves meanwhile (its end of file is read then) is closed by the
    server once its answer is made (on TLS the socket is read again for
    it), not left open until a time limit."""
    srv, connect, auth = _out_server(spawn, server_db, tmp_path, tls)
    s = connect()
    s.sendall(_slow_query(auth, 1))
    time.sleep(0.4)  # the query is on a database worker now
    # a FIN, not a reset: close() with a TLS ticket unread would reset
    s.shutdown(socket.SHUT_WR)
    time.sleep(0.2)
    assert _close_waits(srv.port) == 1
    t0 = time.time()
    s.settimeout(10)
    while s.recv(65536):  # on TLS the raw records now: the answer, if any
        pass
    assert time.time() - t0 < 3, "closed %.1f s after" % (time.time() - t0)
    s.close()
    assert _close_waits(srv.port) == 0
    s = connect()
    s.sendall(b"GET /api/v1/patients/1 HTTP/1.1\r\nHost: x\r\n"
              b"Authorization: " + auth.encode() + b"\r\n\r\n")
    assert s.recv(65536).startswith(b"HTTP/1.1 200 ")
    s.close()


@pytest.mark.parametrize("tls", [False, True], ids=["plain", "tls"])
def test_a_request_sent_while_one_is_out_waits_its_turn(spawn, server_db,
                                                        tmp_path, tls):
    """What a client sends while its request is out is read and held by
    the guard, and answered after it, in order."""
    srv, connect, auth = _out_server(spawn, server_db, tmp_path, tls)
    s = connect()
    s.sendall(_slow_query(auth, 0.5))
    time.sleep(0.2)
    s.sendall(b"GET /api/v1/patients/1 HTTP/1.1\r\nHost: x\r\n"
              b"Authorization: " + auth.encode() + b"\r\n\r\n"
              b"GET /api/v1/nothing HTTP/1.1\r\nHost: x\r\n\r\n")
    out = b""
    deadline = time.time() + 10
    while len(re.findall(rb"HTTP/1.1 \d{3} ", out)) < 3 or \
            not out.endswith(b'"'):
        assert time.time() < deadline, out
        b = s.recv(65536)
        if not b:
            break
        out += b
    s.close()
    assert re.findall(rb"HTTP/1.1 (\d{3}) ", out) == [b"200", b"200", b"404"]
    assert b'[{"s":0}]' in out and b'"PatNum":1,' in out


def _cpu_s(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@pytest.mark.parametrize("how", ["held", "eof", "tls-eof"])
def test_a_connection_not_read_costs_no_cpu(spawn, server_db, tmp_path, how):
    """The second reader that keeps a socket in epoll (server.c, the
    watcher) steps aside while the connection is not read: a head held by
    the guard behind a request that is out, or an end of file met while
    it is out. Else the loop would wake on every turn until the answer."""
    srv, connect, auth = _out_server(spawn, server_db, tmp_path,
                                     how == "tls-eof")
    s = connect()
    s.sendall(_slow_query(auth, 1.5))
    time.sleep(0.2)
    if how == "held":  # past what the guard holds (headers limit + 16 KiB)
        s.sendall(b"GET /api/v1/ HTTP/1.1\r\nHost: x\r\n\r\n" * 4000)
    else:
        s.shutdown(socket.SHUT_WR)
    time.sleep(0.2)
    cpu0 = _cpu_s(srv.proc.pid)
    time.sleep(0.8)
    used = _cpu_s(srv.proc.pid) - cpu0
    s.close()
    assert used < 0.3, "the server used %.2f s of CPU in 0.8 s" % used
