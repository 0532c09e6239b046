"""Read replicas (issue "Scale-out on MariaDB replication",
docs/scale-out.md): a primary and a GTID replica started here (two
mariadbd on unix sockets, replication over loopback TCP), two odservice
instances on them. GETs go to the replica while it is fresh; a client's
reads after its own write see it; a replica that is killed, stopped or
delayed is taken out without a failed request and put back."""
import os
import socket
import subprocess
import tempfile
import threading
import time

import pytest

from conftest import TOP, mysql, prepare_server_db
from test_service import webconfig, write_keys, start_svc, wait_for, run_svc

HARNESS = os.path.join(TOP, "test", "harness", "mariadb.sh")
DEV, CUST = "RepDevKey0000001", "RepCustKey000001"
DEV2, CUST2 = "RepDevKey0000002", "RepCustKey000002"
AUTH = "ODFHIR %s/%s" % (DEV, CUST)
AUTH2 = "ODFHIR %s/%s" % (DEV2, CUST2)
LAG_S = 1  # <OdapiReplicaMaxLag> of the services here
# read-your-writes window and the time a verdict may take: lag + 2 checks
SETTLE_S = LAG_S + 0.5 + 1.0


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def harness(cmd, d, env=None):
    out = subprocess.run(["sh", HARNESS, cmd, d], capture_output=True,
                         text=True, timeout=120,
                         env=dict(os.environ, **(env or {})))
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def sql(sock, text, db=None):
    cmd = ["mariadb", "--socket", sock, "-uroot", "-N", "-B", "-e", text]
    if db:
        cmd.insert(1, "--database=" + db)
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    if out.returncode != 0:
        raise RuntimeError(out.stderr)
    return [line.split("\t") for line in out.stdout.splitlines()]


class Topology:
    def __init__(self, base):
        self.base = base
        self.pdir = os.path.join(base, "p")
        self.rdir = os.path.join(base, "r")
        self.port = free_port()
        self.primary = None
        self.replica = None

    def start_primary(self):
        self.primary = harness("start", self.pdir, {
            "PORT": str(self.port),
            "MYSQLD_ARGS": "--log-bin=mysql-bin --server-id=1 "
                           "--binlog-format=ROW"})

    def start_replica(self):
        self.replica = harness("start", self.rdir, {
            "MYSQLD_ARGS": "--server-id=2 --read-only"})

    def replicate(self):
        sql(self.primary, "CREATE USER IF NOT EXISTS 'repl'@'127.0.0.1' "
            "IDENTIFIED BY 'replpw'; GRANT REPLICATION SLAVE ON *.* TO "
            "'repl'@'127.0.0.1'")
        sql(self.replica, "CHANGE MASTER TO MASTER_HOST='127.0.0.1', "
            "MASTER_PORT=%d, MASTER_USER='repl', MASTER_PASSWORD='replpw', "
            "MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1; "
            "START SLAVE" % self.port)

    def caught_up(self):
        p = sql(self.primary, "SELECT @@gtid_binlog_pos")[0][0]
        r = sql(self.replica, "SELECT @@gtid_slave_pos")[0][0]
        return p == r

    def stop(self):
        for d in (self.rdir, self.pdir):
            subprocess.run(["sh", HARNESS, "stop", d], capture_output=True,
                           timeout=120)


@pytest.fixture(scope="module")
def topo():
    # short: a unix socket path holds about 100 bytes
    base = tempfile.mkdtemp(prefix="odrep-")
    t = Topology(base)
    try:
        t.start_primary()
        t.start_replica()
        t.replicate()
        t.db = "odrep"
        prepare_server_db(t.db, sock=t.primary)
        assert wait_for(t.caught_up, 60), "the replica did not catch up"
        yield t
    finally:
        t.stop()
        subprocess.run(["rm", "-rf", base])


@pytest.fixture
def svc(tmp_path, topo, spawn):
    """Start odservice instances on the topology (primary + replica)."""
    write_keys(str(tmp_path / "keys.json"), [(DEV, CUST), (DEV2, CUST2)])

    def _start(name="a", replicas=None):
        cfg = tmp_path / ("%s.xml" % name)
        cfg.write_bytes(webconfig(topo.db, "Information", [
            "<OdapiKeysFile>keys.json</OdapiKeysFile>",
            "<OdapiReadReplicas>%s</OdapiReadReplicas>" % (
                replicas or topo.replica),
            "<OdapiReplicaMaxLag>%d</OdapiReplicaMaxLag>" % LAG_S,
        ], computer=topo.primary))
        return start_svc(spawn, cfg, "--state-dir",
                         str(tmp_path / ("state-" + name)))
    return _start


def replica_state(s):
    st, h, _ = s.request("GET", "", auth=None)
    assert st == 200
    return h["replicas"][0]


def wait_state(s, state, timeout=20):
    ok = wait_for(lambda: replica_state(s)["state"] == state, timeout)
    assert ok, "replica not %s: %s %s" % (state, replica_state(s),
                                          s.stderr()[-2000:])


def first_patient(topo):
    return int(sql(topo.primary, "SELECT MIN(PatNum) FROM patient",
                   topo.db)[0][0])


def new_patient(s, auth, lname):
    st, body, _ = s.request("POST", "patients", {
        "LName": lname, "FName": "Rep", "Birthdate": "1990-01-02"},
        auth=auth)
    assert st == 201, body
    return body["PatNum"]


# ---- the tests -------------------------------------------------------------

def test_gets_go_to_the_fresh_replica(svc, topo):
    s = svc()
    wait_state(s, "in")
    pat = first_patient(topo)
    # The replica alone gets another name for one patient (root may write
    # despite read_only): the GET that shows it was served there.
    old = sql(topo.replica, "SELECT LName FROM patient WHERE PatNum=%d" % pat,
              topo.db)[0][0]
    sql(topo.replica, "SET SESSION sql_log_bin=0; UPDATE patient SET "
        "LName='OnTheReplica' WHERE PatNum=%d" % pat, topo.db)
    try:
        st, body, _ = s.request("GET", "patients/%d" % pat, auth=AUTH)
        assert st == 200 and body["LName"] == "OnTheReplica", body
        h = replica_state(s)
        assert h["reads"] >= 1 and h["lagMs"] <= LAG_S * 1000, h
        # asking for the rows changed since a time: the primary answers
        # (a lagging replica would make the client skip rows)
        st, body, _ = s.request(
            "GET", "patients/Simple?DateTStamp=2000-01-01%2000:00:00",
            auth=AUTH)
        assert st == 200
        mine = [p for p in body if p["PatNum"] == pat]
        assert mine and mine[0]["LName"] == old, mine
        assert replica_state(s)["reads"] == h["reads"]
        # a write goes to the primary: the replica refuses writes
        pn = new_patient(s, AUTH, "RepWrite")
        rows = sql(topo.primary, "SELECT LName FROM patient WHERE PatNum=%d"
                   % pn, topo.db)
        assert rows == [["RepWrite"]]
    finally:
        sql(topo.replica, "SET SESSION sql_log_bin=0; UPDATE patient SET "
            "LName='%s' WHERE PatNum=%d" % (old, pat), topo.db)


def test_read_your_writes_and_bounded_staleness(svc, topo):
    s = svc()
    wait_state(s, "in")
    sql(topo.replica, "STOP SLAVE SQL_THREAD")
    try:
        pn = new_patient(s, AUTH, "RepOwnWrite")
        # the writer sees its write at once (its reads go to the primary)
        st, body, _ = s.request("GET", "patients/%d" % pn, auth=AUTH)
        assert st == 200 and body["LName"] == "RepOwnWrite", body
        # everybody sees it once the replica is out (lag > the bound)
        wait_state(s, "behind", timeout=SETTLE_S + 3)
        st, body, _ = s.request("GET", "patients/%d" % pn, auth=AUTH2)
        assert st == 200, body
    finally:
        sql(topo.replica, "START SLAVE SQL_THREAD")
    wait_state(s, "in")
    # caught up: the replica serves the new row
    st, body, _ = s.request("GET", "patients/%d" % pn, auth=AUTH2)
    assert st == 200 and body["LName"] == "RepOwnWrite"


def test_two_instances_share_the_database(svc, topo):
    a = svc("a")
    b = svc("b")
    wait_state(a, "in")
    wait_state(b, "in")
    pn = new_patient(a, AUTH, "RepTwoInst")
    # another instance knows nothing of the write: it sees it within the
    # lag bound (docs/scale-out.md, "Guarantees")
    t0 = time.time()
    got = wait_for(lambda: b.request("GET", "patients/%d" % pn,
                                     auth=AUTH)[0] == 200, SETTLE_S + 3)
    assert got, "instance b never saw the write"
    assert time.time() - t0 <= SETTLE_S + 1
    st, body, _ = b.request("PUT", "patients/%d" % pn,
                            {"FName": "FromB"}, auth=AUTH)
    assert st == 200, body
    st, body, _ = b.request("GET", "patients/%d" % pn, auth=AUTH)
    assert st == 200 and body["FName"] == "FromB"


def hammer(s, path, stop, results):
    """GET path in a loop until stop is set; statuses into results."""
    while not stop.is_set():
        st, body, _ = s.request("GET", path, auth=AUTH2)
        results.append((st, body))
        time.sleep(0.01)


def test_replica_killed_and_back_without_failed_requests(svc, topo):
    s = svc()
    wait_state(s, "in")
    pat = first_patient(topo)
    stop, results = threading.Event(), []
    t = threading.Thread(target=hammer, args=(s, "patients/%d" % pat, stop,
                                              results))
    t.start()
    try:
        time.sleep(0.3)
        pid = int(open(os.path.join(topo.rdir, "mysqld.pid")).read())
        os.kill(pid, 9)
        # it may linger as a zombie of whoever adopted it: the harness must
        # not take it for a running server
        os.remove(os.path.join(topo.rdir, "mysqld.pid"))
        wait_state(s, "down")
        time.sleep(0.5)
        topo.start_replica()  # replication resumes from its GTID position
        wait_state(s, "in", timeout=30)
        time.sleep(0.3)
    finally:
        stop.set()
        t.join()
    bad = [r for r in results if r[0] != 200]
    assert results and not bad, bad[:3]
    assert replica_state(s)["fallbacks"] >= 0


def test_master_delay_takes_the_replica_out(svc, topo):
    s = svc()
    wait_state(s, "in")
    sql(topo.replica, "STOP SLAVE; CHANGE MASTER TO MASTER_DELAY=4; "
        "START SLAVE")
    try:
        pn = new_patient(s, AUTH, "RepDelayed")
        wait_state(s, "behind", timeout=SETTLE_S + 3)
        st, body, _ = s.request("GET", "patients/%d" % pn, auth=AUTH2)
        assert st == 200, body
        assert replica_state(s)["lagMs"] in (-1,) or \
            replica_state(s)["lagMs"] > LAG_S * 1000
        # the delay passes: back in, and it has the row
        wait_state(s, "in", timeout=15)
        st, body, _ = s.request("GET", "patients/%d" % pn, auth=AUTH2)
        assert st == 200
    finally:
        sql(topo.replica, "STOP SLAVE; CHANGE MASTER TO MASTER_DELAY=0; "
            "START SLAVE")


def test_unreachable_replica_at_start_serves_from_the_primary(svc, topo):
    s = svc(replicas="/nonexistent/replica.sock")
    pat = first_patient(topo)
    st, body, _ = s.request("GET", "patients/%d" % pat, auth=AUTH)
    assert st == 200
    assert replica_state(s)["state"] == "down"


# ---- odservice --check-config ------------------------------------------------

def check_config(tmp_path, topo, replicas):
    """odservice --check-config with these replicas: (exit code, output)."""
    write_keys(str(tmp_path / "keys.json"), [(DEV, CUST)])
    cfg = tmp_path / "check.xml"
    cfg.write_bytes(webconfig(topo.db, "Information", [
        "<OdapiKeysFile>keys.json</OdapiKeysFile>",
        "<OdapiReadReplicas>%s</OdapiReadReplicas>" % replicas,
        "<OdapiReplicaMaxLag>%d</OdapiReplicaMaxLag>" % LAG_S,
    ], computer=topo.primary))
    out = run_svc("--check-config", "--config", str(cfg))
    return out.returncode, out.stdout + out.stderr


def replica_lines(text):
    return [l.strip() for l in text.splitlines() if "read replica" in l]


def test_check_config_checks_the_replicas(tmp_path, topo):
    assert wait_for(topo.caught_up, 30)
    rc, out = check_config(tmp_path, topo, topo.replica)
    assert rc == 0, out
    lines = replica_lines(out)
    assert len(lines) == 1 and "reachable, a replica of this database " \
        "(read_only 1), lag at most" in lines[0], out
    assert out.startswith("configuration OK"), out
    # the primary listed as its own replica; a replica that is not there
    rc, out = check_config(tmp_path, topo, "%s, /nonexistent/r.sock"
                           % topo.primary)
    assert rc != 0 and out.startswith("configuration has problems"), out
    lines = replica_lines(out)
    assert len(lines) == 2, out
    assert "has the primary's server_id" in lines[0], lines
    assert "/nonexistent/r.sock: cannot be used" in lines[1], lines


def test_check_config_reports_a_replica_behind(tmp_path, topo):
    sql(topo.replica, "STOP SLAVE SQL_THREAD")
    try:
        sql(topo.primary, "UPDATE patient SET DateTStamp = NOW() WHERE "
            "PatNum = %d" % first_patient(topo), topo.db)
        rc, out = check_config(tmp_path, topo, topo.replica)
        lines = replica_lines(out)
        assert len(lines) == 1 and "lacks changes the primary committed " \
            "more than 2000 ms ago (bound 1000 ms)" in lines[0], out
        # behind is a warning: GETs go to the primary, nothing fails
        assert rc == 0 and out.startswith("configuration OK"), out
    finally:
        sql(topo.replica, "START SLAVE SQL_THREAD")


def test_check_config_refuses_a_replica_of_another_database(tmp_path, topo):
    """A server that replicates (a GTID position) but holds another Open
    Dental version of the database: not a replica of this one."""
    sql(topo.replica, "STOP SLAVE SQL_THREAD")
    old = sql(topo.replica, "SELECT ValueString FROM preference WHERE "
              "PrefName='DataBaseVersion'", topo.db)[0][0]
    try:
        sql(topo.replica, "SET SESSION sql_log_bin=0; UPDATE preference SET "
            "ValueString='21.1.1.0' WHERE PrefName='DataBaseVersion'",
            topo.db)
        rc, out = check_config(tmp_path, topo, topo.replica)
        lines = replica_lines(out)
        assert any("DataBaseVersion '21.1.1.0', the primary's is '%s'" % old
                   in l for l in lines), out
        assert rc != 0, out
    finally:
        sql(topo.replica, "SET SESSION sql_log_bin=0; UPDATE preference SET "
            "ValueString='%s' WHERE PrefName='DataBaseVersion'" % old,
            topo.db)
        sql(topo.replica, "START SLAVE SQL_THREAD")
