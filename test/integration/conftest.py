"""Integration-test harness: starts the real binaries on free ports, against
the throwaway MariaDB server that test/run.sh started (ODAPI_TEST_SOCKET)
and against the embedded server, and talks HTTP to them."""
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import uuid

import pytest

TOP = os.environ.get("ODAPI_TOP") or os.path.abspath(
    os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.path.join(TOP, "bin")
DEMO_AUTH = "ODFHIR NFF6i0KrXrxDkZHt/VzkmZEaUWOjnQX2z"
# The default practice (docs/sandbox.md): its seven weeks of history hold
# what the tests read (received claims, insurance checks, payment plans);
# a smaller one has only days of it.
SEED_PATIENTS = 200
# An Open Dental 24.3 database as Open Dental makes it (utf8mb3, NOT NULL
# without defaults, sql_mode ''), and the account docs/service.md
# recommends for the service (DML only).
FULL_SCHEMA = os.path.join(TOP, "test", "fixtures", "od-full-schema.sql")
SEED_DB = os.path.join(TOP, "build", "test", "helpers", "seed_db")
DML_USER = "odapi_dml"


def have_embedded():
    """Whether this build links the embedded server (not `make DB=client`)."""
    try:
        with open(os.path.join(TOP, "build", ".flags")) as f:
            return "ODAPI_HAVE_EMBEDDED" in f.read()
    except OSError:
        return True


needs_embedded = pytest.mark.skipif(
    not have_embedded(), reason="built with DB=client: no embedded server")


def need_program(prog, package):
    """The path of a program a test runs. tools/install-deps.sh installs
    every such program, so a missing one fails the test instead of
    skipping it: a missing install step must not hide (docs/testing.md)."""
    path = shutil.which(prog)
    if not path and os.path.isabs(prog) and os.access(prog, os.X_OK):
        path = prog
    if not path:
        pytest.fail("%s is not installed (Debian package %s): run "
                    "tools/install-deps.sh" % (prog, package))
    return path


def socket_path():
    s = os.environ.get("ODAPI_TEST_SOCKET")
    if not s:
        pytest.fail("ODAPI_TEST_SOCKET is not set: run the tests with "
                    "`make check` (test/run.sh starts MariaDB)")
    return s


def mysql(sql, db=None, open_dental_mode=False):
    """Run SQL through the mariadb client on the test server; rows as lists.
    open_dental_mode: in Open Dental's own session mode (sql_mode '')."""
    if open_dental_mode:
        sql = "SET SESSION sql_mode = '';\n" + sql
    cmd = ["mariadb", "--socket", socket_path(), "-uroot", "-N", "-B",
           "-e", sql]
    if db:
        cmd.insert(1, "--database=" + db)
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    if out.returncode != 0:
        raise RuntimeError(out.stderr)
    return [line.split("\t") for line in out.stdout.splitlines()]


class Server:
    """A running odlocal/odservice process."""

    def __init__(self, prog, args, env=None):
        self.prog = prog
        self.args = args
        self.env = dict(os.environ, **(env or {}))
        self.proc = None
        self.url = None
        self.host = None
        self.port = None
        self.stdout = []
        self.stderr_path = None

    def start(self, timeout=120, expect_fail=False):
        fd, self.stderr_path = tempfile.mkstemp(prefix="odapi-stderr-")
        os.close(fd)
        self.stderr_file = open(self.stderr_path, "w")
        self.proc = subprocess.Popen(
            [os.path.join(BIN, self.prog)] + self.args,
            stdout=subprocess.PIPE, stderr=self.stderr_file, text=True,
            env=self.env)
        if expect_fail:
            return self
        deadline = time.time() + timeout
        while time.time() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            self.stdout.append(line)
            m = re.search(r"Base URL: (https?)://\[?([^\]/]+?)\]?:(\d+)/api/v1/",
                          line)
            if m:
                self.host, self.port = m.group(2), int(m.group(3))
                self.url = "%s://%s:%d/api/v1/" % (m.group(1), self.host,
                                                   self.port)
                threading.Thread(target=self._drain, daemon=True).start()
                return self
        self.stop()
        raise RuntimeError("%s did not start: %s %s" % (
            self.prog, "".join(self.stdout), self.stderr()))

    def _drain(self):
        for line in self.proc.stdout:
            self.stdout.append(line)

    def stderr(self):
        try:
            with open(self.stderr_path) as f:
                return f.read()
        except OSError:
            return ""

    def wait(self, timeout=30):
        return self.proc.wait(timeout=timeout)

    def stop(self, sig=signal.SIGTERM, timeout=30):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode if self.proc else None

    def conn(self, timeout=30):
        return http.client.HTTPConnection(self.host, self.port,
                                          timeout=timeout)

    def request(self, method, path, body=None, auth=DEMO_AUTH, headers=None,
                conn=None, content_type="application/json"):
        """One request; returns (status, parsed JSON or raw text, headers)."""
        own = conn is None
        c = conn or self.conn()
        h = {}
        if content_type:
            h["Content-Type"] = content_type
        if auth:
            h["Authorization"] = auth
        h.update(headers or {})
        if body is not None and not isinstance(body, (str, bytes)):
            body = json.dumps(body)
        c.request(method, "/api/v1/" + path.lstrip("/"), body=body, headers=h)
        r = c.getresponse()
        raw = r.read()
        if own:
            c.close()
        try:
            data = json.loads(raw) if raw else None
        except ValueError:
            data = raw.decode("utf-8", "replace")
        return r.status, data, r


def prepare_server_db(name, patients=SEED_PATIENTS, seed=1, sock=None):
    """Create and seed database `name` on the test server with odlocal."""
    out = subprocess.run(
        [os.path.join(BIN, "odlocal"), "--init-only", "--db-socket",
         sock or socket_path(), "--db-user", "root", "--db-name", name, "--db-create",
         "--patients", str(patients), "--seed", str(seed), "--quiet"],
        capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr


@pytest.fixture(scope="session")
def server_db():
    name = "odtest_%d" % os.getpid()
    prepare_server_db(name)
    yield name
    try:
        mysql("DROP DATABASE IF EXISTS `%s`" % name)
    except RuntimeError:
        pass


def prepare_full_db(name, engine="InnoDB", patients=SEED_PATIENTS, seed=1):
    """Database `name` from Open Dental 24.3's own schema (all 408 tables,
    utf8mb3, NOT NULL without defaults; engine InnoDB or MyISAM), seeded
    with the library's demo practice in the columns 24.3 has, as Open
    Dental's sessions write (sql_mode ''): every other NOT NULL column gets
    '' or 0, and every date column its '0001-01-01' default, the blanks
    Open Dental writes for unset fields. The DML-only account may use
    it."""
    with open(FULL_SCHEMA, encoding="utf-8") as f:
        ddl = f.read()
    if engine != "InnoDB":
        ddl = ddl.replace("ENGINE=InnoDB", "ENGINE=" + engine)
    mysql("CREATE DATABASE `%s` CHARACTER SET utf8mb3" % name)
    out = subprocess.run(["mariadb", "--socket", socket_path(), "-uroot",
                          name], input=ddl, capture_output=True, text=True,
                         timeout=300)
    assert out.returncode == 0, out.stderr
    out = subprocess.run([SEED_DB, socket_path(), name, str(patients),
                          str(seed)], capture_output=True, text=True,
                         timeout=300)
    assert out.returncode == 0, out.stderr
    mysql("CREATE USER IF NOT EXISTS '%s'@'localhost'; "
          "GRANT SELECT, INSERT, UPDATE, DELETE ON `%s`.* TO '%s'@'localhost'"
          % (DML_USER, name, DML_USER))


def drop_test_db(name):
    """Drop a database a test made, unless the server itself is thrown away
    after the run (test/run.sh's: dropping 408 tables takes seconds)."""
    if os.environ.get("ODAPI_TEST_TMP"):
        return
    try:
        mysql("DROP DATABASE IF EXISTS `%s`" % name)
    except RuntimeError:
        pass


def _full_db(engine):
    name = "odfull_%s_%d" % (engine.lower(), os.getpid())
    prepare_full_db(name, engine)
    yield name
    drop_test_db(name)


@pytest.fixture(scope="session")
def full_db():
    """Open Dental 24.3's schema, InnoDB."""
    yield from _full_db("InnoDB")


def full_args(name):
    return ["--db-socket", socket_path(), "--db-user", DML_USER,
            "--db-name", name, "--demo-key",
            "NFF6i0KrXrxDkZHt/VzkmZEaUWOjnQX2z"]


def start_full(name, schema):
    srv = Server("odlocal", ["--port", "0", "--log-level", "Warning"] +
                 full_args(name))
    srv.backend = "server"
    srv.schema = schema
    srv.db_name = name
    return srv.start()


@pytest.fixture(scope="session")
def sandbox_dir(tmp_path_factory):
    return str(tmp_path_factory.mktemp("sandbox"))


def odlocal_args_for(backend, server_db_name, sandbox):
    if backend == "server":
        return ["--db-socket", socket_path(), "--db-user", "root",
                "--db-name", server_db_name, "--demo-key",
                "NFF6i0KrXrxDkZHt/VzkmZEaUWOjnQX2z"]
    return ["--data-dir", sandbox, "--patients", str(SEED_PATIENTS)]


# Tests of the HTTP layer and the client library loader: the same on any
# schema, so not run a third time on Open Dental's.
SCHEMA_FREE = {"test_http.py", "test_client_library.py"}


def pytest_collection_modifyitems(config, items):
    drop = [it for it in items
            if getattr(getattr(it, "callspec", None), "params", {}).get(
                "api") == "fullschema" and it.fspath.basename in SCHEMA_FREE]
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = [it for it in items if it not in drop]


@pytest.fixture(scope="session", params=["server", "embedded", "fullschema"])
def api(request, server_db, sandbox_dir):
    """A running odlocal on each backend (session-wide): the project's schema
    on the test server and in the sandbox, and Open Dental 24.3's own schema
    on the test server (backend "server", schema "od24.3") through the
    DML-only account."""
    if request.param == "embedded" and not have_embedded():
        pytest.skip("built with DB=client: no embedded server")
    if request.param == "fullschema":
        srv = start_full(request.getfixturevalue("full_db"), "od24.3")
        yield srv
        rc = srv.stop()
        assert rc == 0, srv.stderr()
        return
    srv = Server("odlocal", ["--port", "0", "--log-level", "Warning"] +
                 odlocal_args_for(request.param, server_db, sandbox_dir))
    srv.backend = request.param
    srv.schema = "sandbox"
    srv.db_name = server_db  # the server backend's database (db() below)
    srv.start()
    yield srv
    rc = srv.stop()
    assert rc == 0, srv.stderr()


@pytest.fixture
def spawn():
    """Start extra servers in a test; all are stopped afterwards."""
    started = []

    def _spawn(prog, args, env=None, expect_fail=False, timeout=120):
        s = Server(prog, args, env)
        started.append(s)
        return s.start(timeout=timeout, expect_fail=expect_fail)
    yield _spawn
    for s in started:
        s.stop()


# ---- helpers the resource tests share -----------------------------------

def db(api, sql):
    """SQL on the server backend's database (in Open Dental's session mode
    on its own schema); None on the embedded one."""
    if api.backend != "server":
        return None
    return mysql(sql, db=api.db_name, open_dental_mode=api.schema != "sandbox")


def db_lacks(api, table, *cols):
    """Which of cols the backend's table does not have, asked of the
    database itself (information_schema): a database of an older Open
    Dental version than the API documents lacks some; the server then
    leaves them out of answers and refuses them in bodies."""
    if api.backend != "server":
        return set()  # the sandbox has every column the API documents
    have = {r[0].lower() for r in mysql(
        "SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE "
        "TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '%s'" % table,
        db=api.db_name)}
    return {c for c in cols if c.lower() not in have}


def absent_msg(field):
    """The answer for a field this database's Open Dental version lacks."""
    return ("%s is not available in this database's Open Dental version."
            % field)


# The embedded sandbox is inside odlocal: a test cannot reach it with SQL.
# Where neither an API call nor a seeded row can stand in for the rows a
# test inserts, the rest of that test runs on the server backend only.
SQL_ONLY = ("embedded backend: the rest needs rows only SQL can make (no API "
            "call or seeded row stands in); it runs on the server backend")


def server_only(api):
    if api.backend != "server":
        pytest.skip(SQL_ONLY)


def sql_only(api, why):
    """The rest of the test needs rows the sandbox does not have and only
    SQL can make; why says which. The seeded rows cover the rest (found
    through the API), so a test calls this only for what they cannot."""
    if api.backend != "server":
        pytest.skip("embedded backend: " + why)


def find(api, path, pred=lambda r: True, limit=1000):
    """The rows of a list GET that pred accepts (seeded rows a test uses,
    found through the API, on every backend)."""
    sep = "&" if "?" in path else "?"
    return [r for r in get(api, "%s%sLimit=%d" % (path, sep, limit))
            if pred(r)]


def uniq(prefix):
    return "%s %s" % (prefix, uuid.uuid4().hex[:8])


def post(api, path, body, status=201):
    """POST; on 201 the Location header names the new row."""
    st, obj, r = api.request("POST", path, body)
    assert st == status, obj
    if status == 201:
        key = obj[list(obj)[0]]
        assert r.getheader("Location", "").endswith(
            "/api/v1/%s/%d" % (path, key))
    return obj


def put(api, path, body, status=200):
    st, obj, _ = api.request("PUT", path, body)
    assert st == status, obj
    return obj


def get(api, path):
    st, obj, _ = api.request("GET", path)
    assert st == 200, obj
    return obj


def err(api, method, path, body=None):
    st, obj, _ = api.request(method, path, body)
    return st, obj
