"""Galera (issue "Scale-out on MariaDB replication", docs/scale-out.md,
"Galera"): a two-node cluster started here (test/harness/galera.sh), one
odservice instance on each node. A write on one is read on the other; two
writes of one row at once on both nodes answer 200 or the documented 503
(a certification failure is error 1213), never 500; POSTs on both nodes
make no duplicate keys; Database Events fire once per change from two
instances on two nodes."""
import os
import random
import socket
import subprocess
import tempfile
import threading
import time

import pytest

from conftest import TOP, prepare_server_db
from test_service import webconfig, write_keys, start_svc, wait_for, run_svc
from test_events import Receiver

HARNESS = os.path.join(TOP, "test", "harness", "galera.sh")
DEV, CUST = "GalDevKey0000001", "GalCustKey000001"
AUTH = "ODFHIR %s/%s" % (DEV, CUST)
CONFLICT = ("The record was changed by someone else at the same time. "
            "Nothing was changed; try again.")


def have_galera():
    return any(os.path.exists(p) for p in (
        "/usr/lib/galera/libgalera_smm.so",
        "/usr/lib/galera-4/libgalera_smm.so",
        "/usr/lib64/galera-4/libgalera_smm.so",
        "/usr/lib64/galera/libgalera_smm.so"))


pytestmark = pytest.mark.skipif(
    not have_galera(), reason="galera-4 is not installed (make deps)")


def free_base_port():
    """A port P with P..P+12 free on loopback (node k uses P+10k+0..2),
    below the ephemeral range, where clients' ports would take them."""
    rnd = random.Random(os.getpid())
    for _ in range(200):
        p = rnd.randrange(20000, 32000)
        try:
            for q in range(p, p + 13):
                t = socket.socket()
                try:
                    t.bind(("127.0.0.1", q))
                finally:
                    t.close()
            return p
        except OSError:
            continue
    raise RuntimeError("no free port range")


def sql(sock, text, db=None):
    cmd = ["mariadb", "--no-defaults", "--socket", sock, "-uroot", "-N",
           "-B", "-e", text]
    if db:
        cmd.insert(2, "--database=" + db)
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    if out.returncode != 0:
        raise RuntimeError(out.stderr)
    return [line.split("\t") for line in out.stdout.splitlines()]


@pytest.fixture(scope="module")
def cluster():
    base = tempfile.mkdtemp(prefix="odgal-")
    os.chmod(base, 0o755)  # run by root, the nodes run as mysql
    env = dict(os.environ, WAIT="120")
    try:
        out = subprocess.run(["sh", HARNESS, "start", base, "2",
                              str(free_base_port())], capture_output=True,
                             text=True, timeout=600, env=env)
        assert out.returncode == 0, out.stderr
        socks = out.stdout.split()
        assert len(socks) == 2, out.stdout
        db = "odgal"
        prepare_server_db(db, sock=socks[0])
        yield {"socks": socks, "db": db, "base": base}
    finally:
        subprocess.run(["sh", HARNESS, "stop", base], capture_output=True,
                       timeout=300)
        subprocess.run(["rm", "-rf", base])


@pytest.fixture
def svc(tmp_path, cluster, spawn):
    """odservice on node k (0 or 1) of the cluster."""
    write_keys(str(tmp_path / "keys.json"), [(DEV, CUST)])

    def _start(k, *more):
        """odservice on node k; more: its options."""
        cfg = tmp_path / ("n%d.xml" % k)
        cfg.write_bytes(webconfig(cluster["db"], "Information", [
            "<OdapiKeysFile>keys.json</OdapiKeysFile>"],
            computer=cluster["socks"][k]))
        state = [] if "--state-db" in more else [
            "--state-dir", str(tmp_path / ("state%d" % k))]
        return start_svc(spawn, cfg, *(state + list(more)))
    _start.cfg = lambda k: str(tmp_path / ("n%d.xml" % k))
    return _start


def new_patient(s, lname):
    st, body, _ = s.request("POST", "patients", {
        "LName": lname, "FName": "Gal", "Birthdate": "1990-01-02"},
        auth=AUTH)
    return st, body


# ---- the tests -------------------------------------------------------------

def test_a_write_on_one_node_is_read_on_the_other(svc, cluster):
    a, b = svc(0), svc(1)
    st, body = new_patient(a, "GalOnA")
    assert st == 201, body
    pn = body["PatNum"]
    # Galera applies on the other nodes just after the commit; without
    # wsrep_sync_wait a read there may precede it by milliseconds
    got = wait_for(lambda: b.request("GET", "patients/%d" % pn,
                                     auth=AUTH)[0] == 200, 10)
    assert got
    st, body, _ = b.request("GET", "patients/%d" % pn, auth=AUTH)
    assert body["LName"] == "GalOnA", body
    st, body, _ = b.request("PUT", "patients/%d" % pn, {"LName": "GalOnB"},
                            auth=AUTH)
    assert st == 200, body
    assert wait_for(lambda: sql(cluster["socks"][0], "SELECT LName FROM "
                                "patient WHERE PatNum=%d" % pn,
                                cluster["db"]) == [["GalOnB"]], 10)


def test_a_certification_failure_is_a_503_to_retry(svc, cluster):
    """Deterministic: odservice's PUT on node 1 is held inside its
    transaction (a trigger sleeps while it updates the row) while node 2
    commits the same row; node 1's transaction loses (error 1213) and the
    answer is the documented 503; the row keeps node 2's change."""
    n1, n2 = cluster["socks"]
    db = cluster["db"]
    a = svc(0)
    st, body = new_patient(a, "GalConflict")
    assert st == 201, body
    pn = body["PatNum"]
    # test-only trigger (replicated to both nodes by Galera's DDL)
    sql(n1, "CREATE TRIGGER galslow BEFORE UPDATE ON patient FOR EACH ROW "
        "SET @galslow = IF(NEW.LName = 'GalSlow', SLEEP(3), 0)", db)
    try:
        res = {}

        def put():
            res["a"] = a.request("PUT", "patients/%d" % pn,
                                 {"LName": "GalSlow"}, auth=AUTH)
        t = threading.Thread(target=put)
        t.start()
        # wait until node 1 holds the row (the PUT sleeps in the trigger)
        assert wait_for(lambda: sql(n1, "SELECT COUNT(*) FROM "
                                    "information_schema.PROCESSLIST WHERE "
                                    "STATE = 'User sleep'")[0][0]
                        != "0", 10), (res, sql(n1, "SHOW FULL PROCESSLIST"))
        sql(n2, "UPDATE patient SET LName='GalFromNode2' WHERE PatNum=%d"
            % pn, db)
        t.join(30)
        st, body, resp = res["a"]
        assert st == 503, (st, body)
        assert body == CONFLICT, (body, a.stderr()[-3000:])
    finally:
        sql(n1, "DROP TRIGGER IF EXISTS galslow", db)
    for s in cluster["socks"]:
        assert wait_for(lambda: sql(s, "SELECT LName FROM patient WHERE "
                                    "PatNum=%d" % pn, db) ==
                        [["GalFromNode2"]], 10)
    # sent again, it succeeds
    st, body, _ = a.request("PUT", "patients/%d" % pn, {"LName": "GalAgain"},
                            auth=AUTH)
    assert st == 200 and body["LName"] == "GalAgain", body


def test_concurrent_puts_of_one_row_on_both_nodes(svc, cluster):
    a, b = svc(0), svc(1)
    st, body = new_patient(a, "GalRace")
    assert st == 201, body
    pn = body["PatNum"]
    # node 2 applies the row a moment after node 1 committed it (a PUT
    # there before would be a 404: docs/scale-out.md, "Reads on another
    # node")
    assert wait_for(lambda: b.request("GET", "patients/%d" % pn,
                                      auth=AUTH)[0] == 200, 10)
    answers = []
    lock = threading.Lock()
    N = 40

    def hammer(s, tag):
        for i in range(N):
            name = "Gal%s%02d" % (tag, i)
            st, body, _ = s.request("PUT", "patients/%d" % pn,
                                    {"LName": name, "Address": name},
                                    auth=AUTH)
            with lock:
                answers.append((st, body, name))
    ts = [threading.Thread(target=hammer, args=(s, tag))
          for s, tag in ((a, "A"), (b, "B"))]
    for t in ts:
        t.start()
    for t in ts:
        t.join(300)
    bad = [x for x in answers if x[0] not in (200, 503) or
           (x[0] == 503 and x[1] != CONFLICT)]
    assert not bad, bad[:5]
    assert len(answers) == 2 * N
    ok = {x[2] for x in answers if x[0] == 200}
    print("conflicts: %d of %d" % (sum(x[0] == 503 for x in answers),
                                   len(answers)))
    rows = [sql(s, "SELECT LName, Address FROM patient WHERE PatNum=%d" % pn,
                cluster["db"]) for s in cluster["socks"]]
    assert wait_for(lambda: len({str(sql(s, "SELECT LName, Address FROM "
                                         "patient WHERE PatNum=%d" % pn,
                                         cluster["db"]))
                                 for s in cluster["socks"]}) == 1, 10), rows
    final = sql(cluster["socks"][0], "SELECT LName, Address FROM patient "
                "WHERE PatNum=%d" % pn, cluster["db"])[0]
    # one write whole, not a mix of two
    assert final[0] == final[1] and final[0] in ok, (final, sorted(ok))


def test_concurrent_posts_on_both_nodes_make_no_duplicates(svc, cluster):
    a, b = svc(0), svc(1)
    made = []
    lock = threading.Lock()
    N = 30

    def post(s, tag):
        for i in range(N):
            st, body = new_patient(s, "GalPost%s%02d" % (tag, i))
            with lock:
                made.append((st, body))
    ts = [threading.Thread(target=post, args=(s, tag))
          for s, tag in ((a, "A"), (b, "B"))]
    for t in ts:
        t.start()
    for t in ts:
        t.join(300)
    # a 503 (conflict) is possible even for rows of their own: a writeset
    # applied from the other node that needs a lock the local transaction
    # holds (a gap or a secondary index entry) aborts it; it saved nothing
    bad = [m for m in made if m[0] != 201 and m[1] != CONFLICT]
    assert not bad, bad[:5]
    keys = [body["PatNum"] for st, body in made if st == 201]
    print("POST conflicts: %d of %d" % (2 * N - len(keys), 2 * N))
    assert len(keys) >= N and len(set(keys)) == len(keys)
    want = sorted(str(k) for k in keys)
    for s in cluster["socks"]:
        assert wait_for(lambda: sorted(r[0] for r in sql(
            s, "SELECT PatNum FROM patient WHERE LName LIKE 'GalPost%'",
            cluster["db"])) == want, 10)


class SlowReceiver(Receiver):
    """Answers each POST after 0.8 s: a delivery spans the other
    instance's polls, which must then find the lease held."""

    def __init__(self):
        super().__init__()
        handler = self.server.RequestHandlerClass
        base_post = handler.do_POST

        def do_POST(h):
            time.sleep(0.8)
            return base_post(h)
        handler.do_POST = do_POST


def test_events_fire_once_from_instances_on_two_nodes(svc, cluster):
    """Database Events from one instance on each node, sharing a state
    database on the cluster: the leases (one row per subscription, taken
    by INSERT ... ON DUPLICATE KEY UPDATE) are certified like any write,
    so only one instance delivers a window; every change arrives once."""
    n1, n2 = cluster["socks"]
    db = cluster["db"]
    hook = SlowReceiver()
    try:
        a = svc(0, "--no-events")  # writes the configuration of node 0
        svc(1, "--no-events").stop()
        out = run_svc("--init-state-db", "-c", svc.cfg(0), "--state-db",
                      "odgalst")
        assert out.returncode == 0, out.stdout + out.stderr
        a.stop()
        inst = [svc(k, "--state-db", "odgalst", "--event-timeout", "1500",
                    "--workstation", "galws") for k in (0, 1)]
        for x in inst:
            assert wait_for(lambda: x.request("GET", "", auth=None)[1]
                            ["events"] == "firing", 20), x.stderr()[-2000:]
        time.sleep(1.05)
        start_at = sql(n1, "SELECT DATE_FORMAT(NOW(), '%Y-%m-%d %H:%i:%s')"
                       )[0][0]
        st, body, _ = inst[0].request("POST", "subscriptions", {
            "EndPointUrl": hook.url("/gal"), "Workstation": "",
            "WatchTable": "Patient", "PollingSeconds": 1,
            "DateTimeStart": start_at}, auth=AUTH)
        assert st == 201, body
        nums = [int(r[0]) for r in sql(n1, "SELECT PatNum FROM patient "
                                       "ORDER BY PatNum LIMIT 12", db)]
        # changes on both nodes, in several rounds (each a window)
        for i in range(4):
            part = nums[3 * i:3 * i + 3]
            sql((n1, n2)[i % 2], "UPDATE patient SET DateTStamp = NOW() "
                "WHERE PatNum IN (%s)" % ",".join(map(str, part)), db)
            time.sleep(1.2)
        assert hook.wait(lambda: set(nums) <= set(hook.rows("/gal")), 40), \
            hook.rows("/gal")
        time.sleep(3)  # a second delivery would come within a poll or two
        rows = hook.rows("/gal")
        assert sorted(rows) == sorted(set(rows)), sorted(rows)
    finally:
        hook.close()


def test_a_node_without_quorum_answers_503(svc, cluster):
    """Node 2 stops answering (SIGSTOP): node 1 is left without quorum
    (wsrep_cluster_status non-Primary) and refuses statements with 1047
    "WSREP has not yet prepared node for application use". The API answers
    that as the database being unavailable (503), never 500, and serves
    again once node 2 is back. Last in the module: it takes the cluster
    apart for a while."""
    a = svc(0)
    st, body = new_patient(a, "Quorum")
    assert st == 201, body
    pn = body["PatNum"]
    with open(os.path.join(cluster["base"], "n2.pid")) as f:
        pid = int(f.read().strip())
    os.kill(pid, 19)  # SIGSTOP
    try:
        deadline = time.time() + 90
        status = None
        while time.time() < deadline:
            status = sql(cluster["socks"][0], "SHOW STATUS LIKE "
                         "'wsrep_cluster_status'")[0][1]
            if status != "Primary":
                break
            time.sleep(0.5)
        assert status != "Primary", "node 1 kept quorum"
        for _ in range(3):
            st, body, _ = a.request("GET", "patients/%d" % pn,
                                    auth=AUTH)
            assert st == 503, (st, body)
            assert isinstance(body, str)
    finally:
        os.kill(pid, 18)  # SIGCONT
    deadline = time.time() + 90
    while time.time() < deadline:
        st, _, _ = a.request("GET", "patients?Limit=1", auth=AUTH)
        if st == 200:
            break
        time.sleep(0.5)
    assert st == 200
