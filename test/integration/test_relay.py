"""The Cloud relay (issue 19, docs/cloud.md): odlocal --relay on loopback in
front of an odservice serving the test database over TLS, with certificates
made here with the openssl command. The resource tests of other modules run
again through the relay (collected below with `api` pointing at it), and
must give the same answers; then pins, client certificates, far-side
failures and restarts, streaming and memory."""
import hashlib
import http.client
import http.server
import inspect
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import threading
import time

import pytest

from conftest import BIN, DEMO_AUTH, Server, socket_path
from test_valgrind import sanitized

import test_appointment_actions
import test_http
import test_resources_account
import test_resources_core
import test_resources_money

pytestmark = pytest.mark.skipif(not shutil.which("openssl"),
                                reason="no openssl CLI")

DEV, CUST = DEMO_AUTH.split()[1].split("/")


# ---- certificates, made with the openssl command --------------------------

def openssl(*args, cwd):
    subprocess.run(["openssl"] + list(args), cwd=cwd, check=True,
                   capture_output=True, timeout=60)


def make_ca(d, name):
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-subj", "/CN=%s" % name, "-keyout", name + ".key",
            "-out", name + ".pem", cwd=d)


def make_cert(d, name, ca, ext):
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=" + name,
            "-keyout", name + ".key", "-out", name + ".csr", cwd=d)
    with open(os.path.join(d, name + ".ext"), "w") as f:
        f.write(ext + "\n")
    openssl("x509", "-req", "-in", name + ".csr", "-CA", ca + ".pem",
            "-CAkey", ca + ".key", "-CAcreateserial", "-days", "2",
            "-extfile", name + ".ext", "-out", name + ".pem", cwd=d)


def cert_der(path):
    with open(path) as f:
        return ssl.PEM_cert_to_DER_cert(f.read())


def fingerprint(path):
    """As `openssl x509 -fingerprint -sha256` prints it."""
    h = hashlib.sha256(cert_der(path)).hexdigest().upper()
    return ":".join(h[i:i + 2] for i in range(0, 64, 2))


def spki_pin(d, name):
    """curl's --pinnedpubkey form: sha256// + base64 of the SPKI's hash."""
    pub = subprocess.run(["openssl", "x509", "-in", name + ".pem", "-pubkey",
                          "-noout"], cwd=d, check=True, capture_output=True)
    der = subprocess.run(["openssl", "pkey", "-pubin", "-outform", "der"],
                         input=pub.stdout, check=True, capture_output=True)
    import base64
    return "sha256//" + base64.b64encode(
        hashlib.sha256(der.stdout).digest()).decode()


class Certs:
    pass


@pytest.fixture(scope="module")
def certs(tmp_path_factory):
    d = str(tmp_path_factory.mktemp("relay-certs"))
    c = Certs()
    c.dir = d
    make_ca(d, "ca")                 # vouches for the hosted API Service
    make_cert(d, "server", "ca",
              "subjectAltName=IP:127.0.0.1,DNS:localhost")
    make_ca(d, "wsca")               # vouches for the workstations
    make_cert(d, "ws", "wsca", "extendedKeyUsage=clientAuth")
    make_ca(d, "other")              # vouches for nobody here
    make_cert(d, "stranger", "other", "subjectAltName=IP:127.0.0.1")
    for n in ("ca", "server", "wsca", "ws", "other", "stranger"):
        setattr(c, n, os.path.join(d, n + ".pem"))
        setattr(c, n + "_key", os.path.join(d, n + ".key"))
    return c


# ---- the two sides ------------------------------------------------------------

def far_config(d, database, certs, extra=()):
    """odservice's OpenDentalWebConfig.xml: the test database over TLS."""
    keys = os.path.join(d, "keys.json")
    with open(keys, "w") as f:
        json.dump({"keys": [{"DeveloperKey": DEV, "CustomerKey": CUST,
                             "DeveloperName": "Sandbox Developer",
                             "Permissions": "all"}]}, f)
    lines = ["<ConnectionSettings>", "<DatabaseConnection>",
             "<ComputerName>%s</ComputerName>" % socket_path(),
             "<Database>%s</Database>" % database, "<User>root</User>",
             "<Password></Password>", "<DatabaseType>MySql</DatabaseType>",
             "<Note>DentalOffice</Note>", "</DatabaseConnection>",
             "<LogLevelOfApplication>Error</LogLevelOfApplication>",
             "<OdapiKeysFile>%s</OdapiKeysFile>" % keys,
             "<OdapiTlsCertificate>%s</OdapiTlsCertificate>" % certs.server,
             "<OdapiTlsKey>%s</OdapiTlsKey>" % certs.server_key]
    lines += list(extra) + ["</ConnectionSettings>"]
    path = os.path.join(d, "far-%d.xml" % len(os.listdir(d)))
    with open(path, "w") as f:
        f.write("\r\n".join(lines) + "\r\n")
    return path


def start_far(config, port=0):
    s = Server("odservice", ["--config", config, "--listen", "127.0.0.1",
                             "--port", str(port), "--no-events", "--quiet"])
    # --quiet hides the banner the harness waits for: wait on the port
    s.start(expect_fail=True)
    deadline = time.time() + 60
    while time.time() < deadline:
        if s.proc.poll() is not None:
            raise RuntimeError("odservice exited: " + s.stderr())
        if port and port_open(port):
            s.host, s.port = "127.0.0.1", port
            s.url = "https://127.0.0.1:%d/api/v1/" % port
            return s
        time.sleep(0.05)
    raise RuntimeError("odservice did not listen")


def port_open(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def start_relay(url, *args):
    s = Server("odlocal", ["--relay", url, "--port", "0",
                           "--log-level", "Warning"] + list(args))
    s.start()
    s.backend = "server"   # as conftest's api: the far side serves the
    s.schema = "sandbox"   # project's schema on the test server
    return s


@pytest.fixture(scope="module")
def far(tmp_path_factory, server_db, certs):
    d = str(tmp_path_factory.mktemp("relay-far"))
    s = start_far(far_config(d, server_db, certs), free_port())
    s.dir = d
    s.db_name = server_db
    yield s
    s.stop()


def stop_clean(s):
    """Stopped by SIGTERM: exit 0, and no sanitizer report."""
    rc = s.stop()
    err = s.stderr()
    assert rc == 0, err[-3000:]
    assert "runtime error" not in err and "Sanitizer" not in err, err[-3000:]


@pytest.fixture(scope="module")
def relay(far, certs, server_db):
    s = start_relay("https://127.0.0.1:%d" % far.port, "--relay-ca", certs.ca)
    s.db_name = server_db
    yield s
    stop_clean(s)


@pytest.fixture(scope="module")
def api(relay):
    """The other modules' tests below talk to the relay."""
    return relay


@pytest.fixture
def relays():
    """Extra relays started by a test; stopped afterwards."""
    started = []

    def _start(url, *args):
        s = start_relay(url, *args)
        started.append(s)
        return s
    yield _start
    for s in started:
        if s.proc.poll() is None:
            stop_clean(s)


# ---- the resource tests again, through the relay ----------------------------
# The same test functions, collected again in this module so that their
# `api` is the relay (parametrized by reuse, not copied).

def reuse(module, tag, skip=()):
    for name, fn in list(vars(module).items()):
        if (name.startswith("test_") and inspect.isfunction(fn) and
                "api" in inspect.signature(fn).parameters and
                name not in skip):
            globals()["test_relayed_%s_%s" % (tag, name[5:])] = fn


reuse(test_resources_core, "core")
reuse(test_appointment_actions, "appt")
reuse(test_resources_money, "money")
reuse(test_resources_account, "account")
# the health route is the relay's own; the rest are wire conventions
reuse(test_http, "http", skip=("test_health_needs_no_key",))


# ---- same answers as direct ------------------------------------------------------

def direct_request(far, method, path, body=None, auth=DEMO_AUTH, ca=None):
    ctx = ssl.create_default_context(cafile=ca)
    c = http.client.HTTPSConnection("127.0.0.1", far.port, context=ctx,
                                    timeout=30)
    h = {"Content-Type": "application/json"}
    if auth:
        h["Authorization"] = auth
    c.request(method, "/api/v1/" + path, body=body, headers=h)
    r = c.getresponse()
    data = r.read()
    c.close()
    return r.status, data, r


def raw_relay(relay, method, path, body=None, auth=DEMO_AUTH, headers=None):
    c = relay.conn()
    h = {"Content-Type": "application/json"}
    if auth:
        h["Authorization"] = auth
    h.update(headers or {})
    c.request(method, "/api/v1/" + path, body=body, headers=h)
    r = c.getresponse()
    data = r.read()
    c.close()
    return r.status, data, r


def without_clock(raw):
    """The answer with serverDateTime taken out (it moves on)."""
    try:
        v = json.loads(raw)
    except ValueError:
        return raw
    if isinstance(v, list):
        return [x for x in v if not (isinstance(x, dict) and
                                     "serverDateTime" in x)]
    if isinstance(v, dict):
        v.pop("serverDateTime", None)
    return v


@pytest.mark.parametrize("path", [
    "patients/1", "patients/Simple?Limit=20&Offset=5",
    "patients?LName=S&Limit=5", "appointments?Limit=10",
    "providers", "operatories", "definitions?Category=2",
    "preferences?PrefName=PracticeTitle", "securityperms",
    "patients/999999", "patients/abc", "patientz", "patients/1/Frobnicate",
    "patients?Bogus=1", "appointments?date=2020-13-45",
])
def test_same_answers_as_direct(far, relay, certs, path):
    st, via, r1 = raw_relay(relay, "GET", path)
    st2, direct, r2 = direct_request(far, "GET", path, ca=certs.ca)
    assert st == st2
    assert r1.getheader("Content-Type") == r2.getheader("Content-Type")
    assert without_clock(via) == without_clock(direct)
    if b"serverDateTime" not in direct:
        assert via == direct  # byte for byte


def test_same_refusals_as_direct(far, relay, certs):
    for auth in (None, "ODFHIR nope/nope", "Bearer x"):
        st, via, _ = raw_relay(relay, "GET", "patients/1", auth=auth)
        st2, direct, _ = direct_request(far, "GET", "patients/1", auth=auth,
                                        ca=certs.ca)
        assert (st, via) == (st2, direct)
        assert st in (400, 401)


def test_health_says_the_far_side_answers(relay, far):
    st, body, r = relay.request("GET", "", auth=None)
    assert st == 200
    assert r.getheader("Content-Type") == "application/json"
    assert body["mode"] == "Cloud relay"
    assert body["remoteReachable"] is True
    assert body["remoteStatus"] == 200
    assert body["remote"] == "https://127.0.0.1:%d/api/v1/" % far.port
    assert body["remoteHealth"]["mode"] == "API Service"
    assert body["remoteHealth"]["database"] == "up"


def test_post_location_names_the_workstation(relay):
    st, p, r = relay.request("POST", "patients",
                             {"LName": "Relayed", "FName": "Pat"})
    assert st == 201
    loc = r.getheader("Location")
    assert loc == "http://127.0.0.1:%d/api/v1/patients/%d" % (relay.port,
                                                              p["PatNum"])
    st, again, _ = relay.request("GET", "patients/%d" % p["PatNum"])
    assert st == 200 and again["LName"] == "Relayed"


# ---- a far side of our own: exactly what travels ---------------------------------

class FakeFar:
    """An HTTPS server that records requests and answers as told."""

    def __init__(self, certs, handler_fn):
        fake = self
        self.seen = []

        class H(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def _any(self):
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(n) if n else b""
                fake.seen.append((self.command, self.path,
                                  dict(self.headers.items()), body))
                handler_fn(self, body)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _any

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.httpd.daemon_threads = True
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(certs.server, certs.server_key)
        self.httpd.socket = ctx.wrap_socket(self.httpd.socket,
                                            server_side=True)
        self.port = self.httpd.server_address[1]
        self.url = "https://127.0.0.1:%d" % self.port
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def fake_far(certs):
    made = []

    def _make(handler_fn):
        f = FakeFar(certs, handler_fn)
        made.append(f)
        return f
    yield _make
    for f in made:
        f.close()


def test_request_and_answer_travel_unchanged(fake_far, relays, certs):
    def answer(h, body):
        out = b'{"echo":' + json.dumps(body.decode()).encode() + b"}"
        h.send_response(207)
        h.send_header("Content-Type", "application/json; charset=utf-8")
        h.send_header("X-Far", "yes")
        h.send_header("Location", "https://127.0.0.1:%d/api/v1/things/9"
                      % h.server.server_address[1])
        h.send_header("Content-Length", str(len(out)))
        h.end_headers()
        h.wfile.write(out)
    f = fake_far(answer)
    r = relays(f.url, "--relay-ca", certs.ca)
    body = '{"Note":"caf\u00e9 \\"quoted\\"","N":1}'.encode()
    c = r.conn()
    c.request("PUT", "/api/v1/things/9/Frob?a=1&b=%20x+y&c=%2F",
              body=body, headers={"Authorization": DEMO_AUTH,
                                  "Content-Type": "application/json",
                                  "X-Mine": "kept",
                                  "Connection": "keep-alive"})
    resp = c.getresponse()
    data = resp.read()
    method, path, headers, got = f.seen[-1]
    assert method == "PUT"
    assert path == "/api/v1/things/9/Frob?a=1&b=%20x+y&c=%2F"
    assert got == body
    assert headers["Authorization"] == DEMO_AUTH
    assert headers["Content-Type"] == "application/json"
    assert headers["Host"] == "127.0.0.1:%d" % f.port
    assert headers["X-Mine"] == "kept"
    assert "Connection" not in headers  # hop-by-hop: stays on its hop
    assert resp.status == 207
    assert resp.getheader("Content-Type") == "application/json; charset=utf-8"
    assert resp.getheader("X-Far") == "yes"
    assert resp.getheader("Location") == \
        "http://127.0.0.1:%d/api/v1/things/9" % r.port
    assert json.loads(data) == {"echo": body.decode()}
    # the same connection carries the next request
    c.request("GET", "/api/v1/things", headers={"Authorization": DEMO_AUTH})
    assert c.getresponse().read()
    c.close()


def _raw_head(port, request):
    """Send request bytes; the answer's head lines and body, and whether
    the relay closed the connection after it."""
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.sendall(request)
    data = b""
    while b"\r\n\r\n" not in data:
        data += s.recv(65536)
    head, body = data.split(b"\r\n\r\n", 1)
    lines = head.decode().split("\r\n")
    n = int([x for x in lines if x.startswith("Content-Length:")][0][15:])
    while len(body) < n:
        body += s.recv(65536)
    s.settimeout(2)
    try:
        closed = s.recv(1) == b""
    except socket.timeout:
        closed = False
    s.close()
    return lines, body, closed


def test_answer_head_is_the_one_evhttp_would_write(fake_far, relays, certs):
    """On a kept HTTP/1.1 connection the relay writes the answer's head
    itself (relay.c, own_head_ok); with Connection: close evhttp writes it.
    Both must give the same lines: ours first, the far side's in order,
    hop-by-hop and its X-Request-Id left out, Location rewritten, a Date
    when the far side sent none."""
    out = b'{"ok":true}'

    def answer(h, body):
        h.send_response_only(200)  # no Server, no Date
        h.send_header("Content-Type", "application/json")
        h.send_header("X-Twice", "1")
        h.send_header("Keep-Alive", "timeout=5")
        h.send_header("X-Request-Id", "far-side-id")
        h.send_header("X-Twice", "2")
        h.send_header("Location", "https://127.0.0.1:%d/api/v1/things/9"
                      % h.server.server_address[1])
        h.send_header("Content-Length", str(len(out)))
        h.end_headers()
        h.wfile.write(out)
    f = fake_far(answer)
    r = relays(f.url, "--relay-ca", certs.ca)
    req = (b"GET /api/v1/things HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n"
           b"X-Request-Id: abc123\r\n" % r.port)
    want = ["HTTP/1.1 200 OK", "X-Request-Id: abc123",
            "Content-Type: application/json", "X-Twice: 1", "X-Twice: 2",
            "Location: http://127.0.0.1:%d/api/v1/things/9" % r.port,
            "Content-Length: %d" % len(out)]
    own, body, closed = _raw_head(r.port, req + b"\r\n")
    assert (body, closed) == (out, False)
    assert own[:-1] == want and own[-1].startswith("Date: ")
    theirs, body, closed = _raw_head(r.port,
                                     req + b"Connection: close\r\n\r\n")
    assert (body, closed) == (out, True)
    assert theirs[:-2] == want and theirs[-2].startswith("Date: ")
    assert theirs[-1] == "Connection: close"


def test_answer_reason_phrase_is_passed_on(fake_far, relays, certs):
    def answer(h, body):
        h.send_response(207)  # "Multi-Status", which evhttp does not know
        h.send_header("Content-Type", "application/json")
        h.send_header("Content-Length", "2")
        h.end_headers()
        h.wfile.write(b"{}")
    f = fake_far(answer)
    r = relays(f.url, "--relay-ca", certs.ca)
    lines, body, _ = _raw_head(r.port, b"GET /api/v1/x HTTP/1.1\r\n"
                               b"Host: h\r\n\r\n")
    assert lines[0] == "HTTP/1.1 207 Multi-Status" and body == b"{}"
    assert sum(x.startswith("Date: ") for x in lines) == 1  # the far side's


def test_chunked_answer_is_passed_on(fake_far, relays, certs):
    parts = [b'{"a":', b'"' + b"x" * 70000 + b'"', b"}"]

    def answer(h, body):
        h.send_response(200)
        h.send_header("Content-Type", "application/json")
        h.send_header("Transfer-Encoding", "chunked")
        h.end_headers()
        for p in parts:
            h.wfile.write(b"%x;ext=1\r\n%s\r\n" % (len(p), p))
        h.wfile.write(b"0\r\nX-Trailer: t\r\n\r\n")
    f = fake_far(answer)
    r = relays(f.url, "--relay-ca", certs.ca)
    st, data, _ = raw_relay(r, "GET", "big")
    assert st == 200 and data == b"".join(parts)


def test_answer_ending_with_the_connection_is_passed_on(fake_far, relays,
                                                        certs):
    body = b'["' + b"z" * 300000 + b'"]'

    def answer(h, _):
        h.send_response(200)
        h.send_header("Connection", "close")
        h.end_headers()
        h.wfile.write(body)
        h.close_connection = True
    f = fake_far(answer)
    r = relays(f.url, "--relay-ca", certs.ca)
    for _ in range(2):  # the far connection is not kept: a new one next
        st, data, resp = raw_relay(r, "GET", "x")
        assert (st, data) == (200, body)


def test_large_request_body_travels(fake_far, relays, certs):
    def answer(h, body):
        out = json.dumps({"n": len(body),
                          "sha": hashlib.sha256(body).hexdigest()}).encode()
        h.send_response(201)
        h.send_header("Content-Length", str(len(out)))
        h.end_headers()
        h.wfile.write(out)
    f = fake_far(answer)
    r = relays(f.url, "--relay-ca", certs.ca)
    body = os.urandom(20 * 1024 * 1024)
    # documents/Upload: the one route whose body may pass the JSON cap
    st, data, _ = raw_relay(r, "POST", "documents/Upload", body=body)
    assert st == 201
    assert json.loads(data) == {"n": len(body),
                                "sha": hashlib.sha256(body).hexdigest()}


def test_head_and_no_content_answers(fake_far, relays, certs):
    def answer(h, body):
        if h.command == "HEAD":
            h.send_response(200)
            h.send_header("Content-Length", "1234")
            h.end_headers()
        else:
            h.send_response(204)
            h.end_headers()
    f = fake_far(answer)
    r = relays(f.url, "--relay-ca", certs.ca)
    c = r.conn()
    c.request("HEAD", "/api/v1/patients/1")
    resp = c.getresponse()
    assert resp.status == 200 and resp.getheader("Content-Length") == "1234"
    assert resp.read() == b""
    c.request("DELETE", "/api/v1/patients/1")  # same connection
    resp = c.getresponse()
    assert resp.status == 204 and resp.read() == b""
    c.close()
    assert [x[0] for x in f.seen] == ["HEAD", "DELETE"]


@pytest.mark.parametrize("close", [False, True])
def test_answer_ending_after_its_head_is_502_with_the_id(fake_far, relays,
                                                          certs, close):
    """The far side's head came, then the connection ended before any of
    the body: nothing went to the client yet, so it gets a JSON 502, with
    the request's id and none of the far side's headers, whichever of the
    relay (kept connection) and evhttp (closing) was to write the head."""
    def answer(h, body):
        h.send_response(200)
        h.send_header("Content-Type", "application/json")
        h.send_header("X-Far", "yes")
        h.send_header("Content-Length", "100")
        h.end_headers()
        h.wfile.flush()
        h.close_connection = True
    f = fake_far(answer)
    r = relays(f.url, "--relay-ca", certs.ca)
    st, data, resp = raw_relay(r, "GET", "patients/1",
                               headers={"X-Request-Id": "abc-123",
                                        "Connection": "close" if close
                                        else "keep-alive"})
    assert st == 502 and json.loads(data).startswith("The API Service")
    assert resp.getheader("X-Request-Id") == "abc-123"
    assert resp.getheader("X-Far") is None


def test_answer_breaking_off_closes_the_client_connection(fake_far, relays,
                                                          certs):
    def answer(h, body):
        h.send_response(200)
        h.send_header("Content-Length", "100000")
        h.end_headers()
        h.wfile.write(b"x" * 5000)
        h.wfile.flush()
        h.close_connection = True
    f = fake_far(answer)
    r = relays(f.url, "--relay-ca", certs.ca)
    c = r.conn()
    c.request("GET", "/api/v1/patients/1")
    resp = c.getresponse()
    assert resp.status == 200  # the head had gone out already
    with pytest.raises(http.client.IncompleteRead):
        resp.read()
    c.close()
    # and the relay goes on serving (its probe breaks off the same way)
    st, body, _ = r.request("GET", "", auth=None)
    assert st == 503 and body["mode"] == "Cloud relay"
    assert "closed before the answer ended" in body["remoteError"]


@pytest.mark.parametrize("bad", [
    b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked"
    b"\r\n\r\nhello",
    b"HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n",
    b"NOT HTTP\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nBad Header\r\n\r\n",
])
def test_invalid_answer_is_502(fake_far, relays, certs, bad):
    def answer(h, body):
        h.wfile.write(bad)
        h.wfile.flush()
        h.close_connection = True
    f = fake_far(answer)
    r = relays(f.url, "--relay-ca", certs.ca)
    st, data, _ = raw_relay(r, "GET", "patients/1")
    assert st == 502
    assert json.loads(data) == "The API Service sent an answer that is not " \
                               "valid HTTP."


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


@pytest.mark.parametrize("chunked", [False, True])
def test_large_answer_streams_in_bounded_memory(fake_far, relays, certs,
                                                chunked):
    size = 48 * 1024 * 1024
    block = bytes(range(256)) * 256  # 64 KiB

    def answer(h, body):
        h.send_response(200)
        h.send_header("Content-Type", "application/json")
        if chunked:
            h.send_header("Transfer-Encoding", "chunked")
        else:
            h.send_header("Content-Length", str(size))
        h.end_headers()
        for _ in range(size // len(block)):
            if chunked:
                h.wfile.write(b"%x\r\n%s\r\n" % (len(block), block))
            else:
                h.wfile.write(block)
        if chunked:
            h.wfile.write(b"0\r\n\r\n")
    f = fake_far(answer)
    r = relays(f.url, "--relay-ca", certs.ca)
    before = rss_kb(r.proc.pid)
    c = r.conn(timeout=60)
    c.request("GET", "/api/v1/big", headers={"Authorization": DEMO_AUTH})
    resp = c.getresponse()
    first = resp.read(1024 * 1024)
    time.sleep(1.0)  # a slow client: the relay must not read on meanwhile
    held = rss_kb(r.proc.pid) - before
    h = hashlib.sha256(first)
    n = len(first)
    while True:
        b = resp.read(1 << 20)
        if not b:
            break
        h.update(b)
        n += len(b)
    peak = rss_kb(r.proc.pid) - before
    c.close()
    assert n == size
    assert h.hexdigest() == hashlib.sha256(
        block * (size // len(block))).hexdigest()
    if sanitized():
        return  # ASan keeps freed memory in quarantine: RSS says nothing
    assert held < 8 * 1024, "relay grew %d kB while the client paused" % held
    assert peak < 16 * 1024, "relay grew %d kB for a 48 MiB answer" % peak


def test_client_leaving_mid_answer_frees_the_far_connection(fake_far,
                                                            relays, certs):
    sent = []

    def answer(h, body):
        if h.path.endswith("/small"):
            h.send_response(200)
            h.send_header("Content-Length", "2")
            h.end_headers()
            h.wfile.write(b"{}")
            return
        h.send_response(200)
        h.send_header("Content-Length", str(64 << 20))
        h.end_headers()
        try:
            for _ in range(1024):
                h.wfile.write(b"x" * 65536)
                sent.append(1)
        except OSError:
            pass
    f = fake_far(answer)
    r = relays(f.url, "--relay-ca", certs.ca)
    s = socket.create_connection(("127.0.0.1", r.port))
    s.sendall(b"GET /api/v1/big HTTP/1.1\r\nHost: x\r\n\r\n")
    assert s.recv(4096).startswith(b"HTTP/1.1 200")
    s.close()
    time.sleep(1.0)
    assert len(sent) < 200  # it stopped: the far side's writes failed
    st, data, _ = raw_relay(r, "GET", "small")
    assert (st, data) == (200, b"{}")
    st, body, _ = r.request("GET", "", auth=None)
    assert body["requests"] >= 1


def read_answers(s, n, timeout=20):
    """n HTTP/1.1 answers with Content-Length from socket s: [(status,
    body)]; fewer when the connection ends first."""
    s.settimeout(timeout)
    buf, out = b"", []
    while len(out) < n:
        head_end = buf.find(b"\r\n\r\n")
        if head_end >= 0:
            head = buf[:head_end].decode("latin-1")
            length = 0
            for line in head.split("\r\n")[1:]:
                k, _, v = line.partition(":")
                if k.strip().lower() == "content-length":
                    length = int(v)
            if len(buf) >= head_end + 4 + length:
                out.append((int(head.split()[1]),
                            buf[head_end + 4:head_end + 4 + length]))
                buf = buf[head_end + 4 + length:]
                continue
        try:
            got = s.recv(65536)
        except OSError:
            break
        if not got:
            break
        buf += got
    return out


def slow_echo(h, body):
    """The far side answers each request with its path, after a while."""
    time.sleep(0.3)
    out = json.dumps(h.path).encode()
    h.send_response(200)
    h.send_header("Content-Type", "application/json")
    h.send_header("Content-Length", str(len(out)))
    h.end_headers()
    h.wfile.write(out)


def test_pipelined_requests_are_answered_in_order(fake_far, relays, certs):
    """The relay reads the client on while the far side answers
    (relay.c, keep_reading): requests that come meanwhile wait their
    turn, each answered once, in order, on the same connection."""
    f = fake_far(slow_echo)
    r = relays(f.url, "--relay-ca", certs.ca)
    s = socket.create_connection(("127.0.0.1", r.port))
    s.sendall(b"".join(b"GET /api/v1/p/%d HTTP/1.1\r\nHost: x\r\n\r\n" % i
                       for i in range(3)))
    got = read_answers(s, 3)
    s.close()
    assert got == [(200, json.dumps("/api/v1/p/%d" % i).encode())
                   for i in range(3)]
    assert [p for _, p, _, _ in f.seen] == ["/api/v1/p/%d" % i
                                           for i in range(3)]


def test_client_half_closing_still_gets_its_answer(fake_far, relays, certs):
    """A client that ends its side after the request (shutdown(SHUT_WR))
    while the far side answers still gets the answer, as it did when the
    relay did not read meanwhile; then the connection ends."""
    f = fake_far(slow_echo)
    r = relays(f.url, "--relay-ca", certs.ca)
    s = socket.create_connection(("127.0.0.1", r.port))
    s.sendall(b"GET /api/v1/half HTTP/1.1\r\nHost: x\r\n\r\n")
    s.shutdown(socket.SHUT_WR)
    got = read_answers(s, 2)
    s.close()
    assert got == [(200, b'"/api/v1/half"')]
    st, body, _ = r.request("GET", "", auth=None)
    assert body["requests"] >= 1


# ---- certificates ------------------------------------------------------------------

def test_far_side_by_name(far, relays, certs):
    """A host name (resolved without blocking the loop; the certificate
    must name it)."""
    r = relays("https://localhost:%d" % far.port, "--relay-ca", certs.ca)
    st, body, _ = r.request("GET", "patients/1")
    assert st == 200 and body["PatNum"] == 1


def test_wrong_pin_is_refused(far, relays, certs):
    r = relays("https://127.0.0.1:%d" % far.port, "--relay-pin",
               fingerprint(certs.stranger))
    st, data, _ = raw_relay(r, "GET", "patients/1")
    assert st == 502
    assert "pinned" in json.loads(data)
    st, body, _ = r.request("GET", "", auth=None)
    assert st == 503 and body["remoteReachable"] is False
    assert "pinned" in body["remoteError"]


@pytest.mark.parametrize("form", ["fingerprint", "spki"])
def test_right_pin_alone_is_enough(far, relays, certs, form):
    pin = fingerprint(certs.server) if form == "fingerprint" else \
        spki_pin(certs.dir, "server")
    r = relays("https://127.0.0.1:%d" % far.port, "--relay-pin", pin)
    st, body, _ = r.request("GET", "patients/1")
    assert st == 200 and body["PatNum"] == 1


def test_right_ca_wrong_pin_is_refused(far, relays, certs):
    r = relays("https://127.0.0.1:%d" % far.port, "--relay-ca", certs.ca,
               "--relay-pin", spki_pin(certs.dir, "stranger"))
    assert raw_relay(r, "GET", "patients/1")[0] == 502


def test_unknown_ca_is_refused(far, relays, certs):
    r = relays("https://127.0.0.1:%d" % far.port, "--relay-ca", certs.other)
    st, data, _ = raw_relay(r, "GET", "patients/1")
    assert st == 502
    assert "certificate" in json.loads(data)


def test_client_certificate_required(tmp_path, server_db, certs, relays):
    cfg = far_config(str(tmp_path), server_db, certs, [
        "<OdapiTlsClientCa>%s</OdapiTlsClientCa>" % certs.wsca])
    port = free_port()
    s = start_far(cfg, port)
    try:
        url = "https://127.0.0.1:%d" % port
        # a workstation without a certificate is refused
        r = relays(url, "--relay-ca", certs.ca)
        st, data, _ = raw_relay(r, "GET", "patients/1")
        assert st == 502, data
        # and so is a client that talks to the service directly
        with pytest.raises((ssl.SSLError, OSError)):
            direct_request(s, "GET", "patients/1", ca=certs.ca)
        # one with a certificate of the workstations' CA gets through
        r2 = relays(url, "--relay-ca", certs.ca, "--relay-cert", certs.ws,
                    "--relay-key", certs.ws_key)
        st, body, _ = r2.request("GET", "patients/1")
        assert st == 200 and body["PatNum"] == 1
        # a certificate of another CA does not
        r3 = relays(url, "--relay-ca", certs.ca, "--relay-cert",
                    certs.stranger, "--relay-key", certs.stranger_key)
        assert raw_relay(r3, "GET", "patients/1")[0] == 502
    finally:
        s.stop()


# ---- the far side away, slow, or back --------------------------------------------

def test_nothing_listening_is_503(relays, certs):
    r = relays("https://127.0.0.1:%d" % free_port(), "--relay-ca", certs.ca)
    t0 = time.time()
    st, data, _ = raw_relay(r, "GET", "patients/1")
    assert st == 503
    assert "cannot be reached" in json.loads(data)
    assert time.time() - t0 < 5
    st, body, _ = r.request("GET", "", auth=None)
    assert st == 503 and body["remoteReachable"] is False


def silent_server(tls_certs=None):
    """Accepts connections and never answers (with TLS: after the
    handshake)."""
    lst = socket.socket()
    lst.bind(("127.0.0.1", 0))
    lst.listen(16)
    held = []

    def run():
        while True:
            try:
                c, _ = lst.accept()
            except OSError:
                return
            if tls_certs:
                ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
                ctx.load_cert_chain(*tls_certs)
                try:
                    c = ctx.wrap_socket(c, server_side=True)
                except (ssl.SSLError, OSError):
                    continue
            held.append(c)
    threading.Thread(target=run, daemon=True).start()
    return lst, held


def test_no_handshake_in_time_is_504(relays, certs):
    lst, held = silent_server()
    try:
        r = relays("https://127.0.0.1:%d" % lst.getsockname()[1],
                   "--relay-ca", certs.ca, "--relay-connect-timeout", "300")
        t0 = time.time()
        st, data, _ = raw_relay(r, "GET", "patients/1")
        assert st == 504
        assert "did not accept a connection in time" in json.loads(data)
        assert time.time() - t0 < 3
    finally:
        lst.close()


def test_no_answer_in_time_is_504(relays, certs):
    lst, held = silent_server((certs.server, certs.server_key))
    try:
        r = relays("https://127.0.0.1:%d" % lst.getsockname()[1],
                   "--relay-ca", certs.ca, "--relay-timeout", "1000")
        t0 = time.time()
        st, data, _ = raw_relay(r, "POST", "commlogs", body=b"{}")
        assert st == 504
        assert json.loads(data) == "The API Service did not answer within " \
                                   "1 seconds."
        assert time.time() - t0 < 4
    finally:
        lst.close()


def test_far_side_killed_and_restarted_under_load(tmp_path, server_db, certs,
                                                  relays):
    port = free_port()
    cfg = far_config(str(tmp_path), server_db, certs)
    s = start_far(cfg, port)
    r = relays("https://127.0.0.1:%d" % port, "--relay-ca", certs.ca,
               "--relay-timeout", "10000")
    results = []
    stop = threading.Event()

    def load(i):
        c = None
        while not stop.is_set():
            t0 = time.time()
            try:
                c = c or r.conn(timeout=20)
                if i % 2:
                    c.request("GET", "/api/v1/patients/%d" % (i + 1),
                              headers={"Authorization": DEMO_AUTH})
                else:
                    c.request("POST", "/api/v1/commlogs", body=json.dumps(
                        {"PatNum": 1, "Note": "relay load", "Mode_": "Phone"}),
                        headers={"Authorization": DEMO_AUTH,
                                 "Content-Type": "application/json"})
                resp = c.getresponse()
                body = resp.read()
                results.append((time.time(), resp.status, body,
                                time.time() - t0))
            except (OSError, http.client.HTTPException) as e:
                results.append((time.time(), "error: %r" % e, b"",
                                time.time() - t0))
                c = None
    threads = [threading.Thread(target=load, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    try:
        time.sleep(1.5)
        s.proc.send_signal(signal.SIGKILL)
        s.proc.wait()
        killed = time.time()
        time.sleep(1.5)
        s = start_far(cfg, port)
        back = time.time()
        time.sleep(2.0)
    finally:
        stop.set()
        for t in threads:
            t.join(30)
        s.stop()
    assert not any(t.is_alive() for t in threads)
    statuses = [x[1] for x in results]
    odd = [x for x in results if x[1] not in (200, 201, 502, 503, 504)]
    assert not odd, odd[:5]
    assert max(x[3] for x in results) < 10, "a request waited too long"
    while_down = [x[1] for x in results if killed + 0.2 < x[0] < back - 0.1]
    assert while_down and set(while_down) <= {502, 503}, set(while_down)
    for x in results:
        if x[1] in (502, 503):
            assert isinstance(json.loads(x[2]), str)  # the API's error form
    after = [x[1] for x in results if x[0] > back + 1.0]
    assert after and set(after) <= {200, 201}, set(after)
    assert statuses.count(200) and statuses.count(201)


# ---- an application embedding the relay --------------------------------------------

def test_application_routes_come_first(far, certs):
    app = os.path.join(os.path.dirname(BIN), "build", "test", "helpers",
                       "relay_app")
    if not os.path.exists(app):
        pytest.skip("build/test/helpers/relay_app not built (make check)")
    s = Server(app, ["https://127.0.0.1:%d" % far.port, certs.ca])
    s.start()
    try:
        st, body, _ = s.request("POST", "localhello", {"x": 1}, auth=None)
        assert (st, body) == (200, {"local": True, "bodyLength": 8})
        st, body, _ = s.request("GET", "localhello", auth=None)
        assert (st, body) == (200, {"local": True, "bodyLength": 0})
        # other methods and paths go to the API Service
        assert s.request("PUT", "localhello", {})[:2] == (
            404, "localhello is not a valid resource.")
        st, body, _ = s.request("GET", "patients/1")
        assert st == 200 and body["PatNum"] == 1
        assert s.request("GET", "", auth=None)[1]["mode"] == "Cloud relay"
    finally:
        stop_clean(s)


# ---- logs, options -----------------------------------------------------------------

def test_log_has_a_key_hash_never_the_key(far, relays, certs, tmp_path):
    log = str(tmp_path / "relay.log")
    r = relays("https://127.0.0.1:%d" % far.port, "--relay-ca", certs.ca,
               "--log-file", log)
    assert r.request("GET", "patients/1")[0] == 200
    assert r.request("GET", "patients/1", auth="ODFHIR x/y")[0] == 401
    r.stop()
    text = open(log).read()
    lines = [l for l in text.splitlines() if '"GET /api/v1/patients/1"' in l]
    assert len(lines) == 2
    hashes = [l.rsplit("key=", 1)[1].split()[0] for l in lines]
    assert all(len(h) == 16 for h in hashes) and hashes[0] != hashes[1]
    for secret in (DEV, CUST, "ODFHIR"):
        assert secret not in text


def test_listen_on_the_lan_when_asked(far, relays, certs):
    r = relays("https://127.0.0.1:%d" % far.port, "--relay-ca", certs.ca,
               "--listen", "0.0.0.0")
    assert r.url.startswith("http://127.0.0.1:")
    assert r.request("GET", "patients/1")[0] == 200


@pytest.mark.parametrize("args", [
    ["--relay", "http://127.0.0.1:1"],
    ["--relay", "https://127.0.0.1:1", "--db-name", "x"],
    ["--relay", "https://127.0.0.1:1", "--relay-pin", "abcd"],
    ["--relay", "https://127.0.0.1:1", "--relay-cert", "x.pem"],
    ["--listen", "0.0.0.0"],
    ["--relay-pin", "sha256//x"],
])
def test_bad_relay_options_exit_1(args):
    out = subprocess.run([os.path.join(BIN, "odlocal")] + args,
                         capture_output=True, text=True, timeout=30)
    assert out.returncode == 1, out.stderr
    assert out.stderr.startswith("odlocal: ")


def test_unreadable_ca_exits_2(tmp_path):
    out = subprocess.run([os.path.join(BIN, "odlocal"), "--relay",
                          "https://127.0.0.1:1", "--relay-ca",
                          str(tmp_path / "none.pem"), "--port", "0"],
                         capture_output=True, text=True, timeout=30)
    assert out.returncode == 2
    assert "none.pem" in out.stderr


# ---- valgrind ------------------------------------------------------------------------

@pytest.mark.skipif(not shutil.which("valgrind"), reason="valgrind missing")
@pytest.mark.skipif(sanitized(), reason="a sanitizer build: run under ASan")
def test_relay_under_valgrind(far, fake_far, certs, tmp_path):
    """Forwarding, streaming, a client leaving mid-answer, far-side errors
    and a stop with requests in flight: no leaks, no memory errors."""
    def answer(h, body):
        h.send_response(200)
        h.send_header("Transfer-Encoding", "chunked")
        h.end_headers()
        try:
            for _ in range(64):
                h.wfile.write(b"10000\r\n" + b"y" * 65536 + b"\r\n")
            h.wfile.write(b"0\r\n\r\n")
        except OSError:
            pass
    f = fake_far(answer)
    log = tmp_path / "vg.log"
    vg = [shutil.which("valgrind"), "--leak-check=full",
          "--errors-for-leak-kinds=definite", "--error-exitcode=99",
          "--log-file=%s" % log, os.path.join(BIN, "odlocal")]
    runs = [("https://127.0.0.1:%d" % far.port, ["--relay-ca", certs.ca]),
            (f.url, ["--relay-ca", certs.ca]),
            ("https://127.0.0.1:%d" % far.port,
             ["--relay-pin", fingerprint(certs.stranger)])]
    held = None
    for n, (url, extra) in enumerate(runs):
        srv = Server(vg[0], vg[1:] + ["--relay", url, "--port", "0",
                                      "--log-level", "Verbose"] + extra)
        srv.start(timeout=180)
        c = srv.conn(timeout=120)
        if n == 0:
            srv.request("GET", "", auth=None, conn=c)
            for path in ("patients/1", "patients/Simple?Limit=50", "nope",
                         "patients/abc"):
                srv.request("GET", path, conn=c)
            assert srv.request("POST", "patients", {"LName": "Val",
                                                    "FName": "Relay"},
                               conn=c)[0] == 201
            assert srv.request("GET", "patients/1", auth="ODFHIR a/b",
                               conn=c)[0] == 401
        elif n == 1:
            c.request("GET", "/api/v1/big")
            assert len(c.getresponse().read()) == 64 * 65536
            s = socket.create_connection(("127.0.0.1", srv.port))
            s.sendall(b"GET /api/v1/big HTTP/1.1\r\nHost: x\r\n\r\n")
            s.recv(1024)
            s.close()  # gone mid-answer
            time.sleep(0.5)
            # one left in flight when the stop comes
            s2 = socket.create_connection(("127.0.0.1", srv.port))
            s2.sendall(b"GET /api/v1/big HTTP/1.1\r\nHost: x\r\n\r\n")
            s2.recv(1024)
            held = s2  # closed after the stop
        else:
            assert srv.request("GET", "patients/1", conn=c)[0] == 502
            assert srv.request("GET", "", auth=None, conn=c)[0] == 503
        c.close()
        rc = srv.stop(timeout=120)
        if held:
            held.close()
            held = None
        text = log.read_text()
        assert rc == 0, text[-3000:]
        assert "definitely lost: 0 bytes" in text or \
            "no leaks are possible" in text, text[-3000:]
        assert "ERROR SUMMARY: 0 errors" in text, text[-3000:]
