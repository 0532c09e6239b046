"""Queries POST: the CSV goes to a real sshd that the test starts on
loopback (a high port, a temporary host key, a temporary user with a
password). Needs root to add that user (CI runs as root); sshd, useradd and
ssh-keygen come from tools/install-deps.sh, and fail the tests if missing."""
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time

import pytest

from conftest import mysql, need_program, socket_path

SSHD = "/usr/sbin/sshd"
PASSWORD = "Sftp-Pw-%d" % os.getpid()
NOT_RO = "Query is not read-only or is not executing on temporary tables"

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0,
    reason="not root: cannot add the test sshd's temporary user")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


@pytest.fixture(scope="module")
def sshd():
    for prog, package in ((SSHD, "openssh-server"), ("useradd", "passwd"),
                          ("chpasswd", "passwd"),
                          ("ssh-keygen", "openssh-client")):
        need_program(prog, package)
    tmp = tempfile.mkdtemp(prefix="odq-sshd-")
    os.chmod(tmp, 0o755)
    user = "odq%d" % (os.getpid() % 100000)
    home = os.path.join(tmp, "home")
    subprocess.run(["userdel", user], capture_output=True)
    subprocess.run(["useradd", "-M", "-d", home, "-s", "/bin/sh", user],
                   check=True)
    subprocess.run(["chpasswd"], input="%s:%s\n" % (user, PASSWORD),
                   text=True, check=True)
    os.mkdir(home)
    pw = pwd.getpwnam(user)
    os.chown(home, pw.pw_uid, pw.pw_gid)
    hostkey = os.path.join(tmp, "hostkey")
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f",
                    hostkey], check=True)
    port = free_port()
    cfg = os.path.join(tmp, "sshd_config")
    with open(cfg, "w") as f:
        f.write("Port %d\nListenAddress 127.0.0.1\nHostKey %s\n"
                "PidFile %s/sshd.pid\nUsePAM no\nPasswordAuthentication yes\n"
                "KbdInteractiveAuthentication no\nPubkeyAuthentication no\n"
                "PermitRootLogin no\nAllowUsers %s\nStrictModes no\n"
                "Subsystem sftp internal-sftp\nLogLevel VERBOSE\n"
                % (port, hostkey, tmp, user))
    os.makedirs("/run/sshd", exist_ok=True)
    log = os.path.join(tmp, "sshd.log")
    proc = subprocess.Popen([SSHD, "-D", "-f", cfg, "-E", log])
    deadline = time.time() + 10
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.1)
    known = os.path.join(tmp, "known_hosts")
    with open(hostkey + ".pub") as f:
        key = " ".join(f.read().split()[:2])
    with open(known, "w") as f:
        f.write("[127.0.0.1]:%d %s\n" % (port, key))
    info = {"port": port, "user": user, "home": home, "known": known,
            "log": log, "tmp": tmp}
    yield info
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    subprocess.run(["userdel", user], capture_output=True)
    shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture(scope="module")
def qapi(sshd, server_db):
    from conftest import Server
    srv = Server("odlocal", ["--port", "0", "--log-level", "Warning",
                             "--db-socket", socket_path(), "--db-user",
                             "root", "--db-name", server_db, "--demo-key",
                             "NFF6i0KrXrxDkZHt/VzkmZEaUWOjnQX2z",
                             "--known-hosts", sshd["known"]])
    srv.start()
    srv.db = server_db
    yield srv
    srv.stop()


def post(srv, sshd, sql, rel, **extra):
    body = {"SqlCommand": sql,
            "SftpAddress": "127.0.0.1%s/%s" % (sshd["home"], rel),
            "SftpUsername": sshd["user"], "SftpPassword": PASSWORD,
            "SftpPort": sshd["port"]}
    body.update(extra)
    return srv.request("POST", "queries", body)


def read(sshd, rel):
    with open(os.path.join(sshd["home"], rel), "rb") as f:
        return f.read().decode()


def test_round_trip_csv(qapi, sshd):
    st, body, _ = post(qapi, sshd, "SELECT PatNum, LName, Birthdate FROM "
                       "patient ORDER BY PatNum LIMIT 3",
                       "reports/2024/q1/pats.csv")
    assert st == 201, body
    rows = mysql("SELECT PatNum, LName, Birthdate FROM patient ORDER BY "
                 "PatNum LIMIT 3", db=qapi.db)
    want = "PatNum,LName,Birthdate\r\n" + "".join(
        ",".join(r) + "\r\n" for r in rows)
    assert read(sshd, "reports/2024/q1/pats.csv") == want
    # the file and its folders belong to the SFTP user
    st_ = os.stat(os.path.join(sshd["home"], "reports/2024/q1/pats.csv"))
    assert st_.st_uid == pwd.getpwnam(sshd["user"]).pw_uid


def test_csv_quoting_nulls_and_types(qapi, sshd):
    st, body, _ = post(qapi, sshd,
                       "SELECT 'a,b' AS `x,y`, 'say \"hi\"' AS q, "
                       "'l1\\nl2' AS nl, NULL AS n, 2.50 AS d, "
                       "CAST('2021-05-01 08:09:10' AS DATETIME) AS dt, "
                       "' pad' AS sp, 'plain' AS p", "quote.csv")
    assert st == 201, body
    assert read(sshd, "quote.csv") == (
        '"x,y",q,nl,n,d,dt,sp,p\r\n'
        '"a,b","say ""hi""","l1\nl2",,2.50,2021-05-01 08:09:10," pad",plain'
        '\r\n')


def test_empty_result_writes_ok_and_overwrites(qapi, sshd):
    st, _, _ = post(qapi, sshd, "SELECT PatNum FROM patient LIMIT 2",
                    "over/write.csv")
    assert st == 201
    assert read(sshd, "over/write.csv").startswith("PatNum\r\n")
    st, _, _ = post(qapi, sshd, "SELECT PatNum FROM patient WHERE PatNum < 0",
                    "over/write.csv")
    assert st == 201
    assert read(sshd, "over/write.csv") == "OK"


def test_wrong_password(qapi, sshd):
    st, body, _ = post(qapi, sshd, "SELECT 1", "never.csv",
                       SftpPassword="wrong-password")
    assert (st, body) == (400, "SFTP: 127.0.0.1 refused the user name or "
                               "password of %s." % sshd["user"])
    assert not os.path.exists(os.path.join(sshd["home"], "never.csv"))


def test_unknown_host_key(qapi, sshd):
    seen = os.path.getsize(sshd["log"])
    body = {"SqlCommand": "SELECT 1",
            "SftpAddress": "localhost%s/never2.csv" % sshd["home"],
            "SftpUsername": sshd["user"], "SftpPassword": PASSWORD,
            "SftpPort": sshd["port"]}
    st, msg, _ = qapi.request("POST", "queries", body)
    assert (st, msg) == (400, "SFTP: the host key of localhost is not in the "
                              "known hosts file %s." % sshd["known"])
    assert not os.path.exists(os.path.join(sshd["home"], "never2.csv"))
    # refused before logging in: sshd saw no password attempt
    with open(sshd["log"]) as f:
        f.seek(seen)
        assert "password" not in f.read().lower()


def test_changed_host_key(spawn, sshd, server_db, tmp_path):
    other = tmp_path / "hostkey2"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f",
                    str(other)], check=True)
    known = tmp_path / "known_hosts"
    key = " ".join(open(str(other) + ".pub").read().split()[:2])
    known.write_text("[127.0.0.1]:%d %s\n" % (sshd["port"], key))
    srv = spawn("odlocal", ["--port", "0", "--log-level", "Warning",
                            "--db-socket", socket_path(), "--db-user", "root",
                            "--db-name", server_db, "--demo-key",
                            "NFF6i0KrXrxDkZHt/VzkmZEaUWOjnQX2z",
                            "--known-hosts", str(known)])
    st, body, _ = post(srv, sshd, "SELECT 1", "never3.csv")
    assert (st, body) == (400, "SFTP: the host key of 127.0.0.1 does not "
                               "match the known hosts file %s." % known)


def test_connection_refused(qapi, sshd):
    st, body, _ = post(qapi, sshd, "SELECT 1", "x.csv", SftpPort=1)
    assert (st, body) == (400, "SFTP: cannot connect to an SFTP server at "
                               "127.0.0.1 port 1.")


def test_no_port_probing(qapi, sshd):
    """Issue 14, item 6: a closed port, an open port that is not SSH (the
    API's own) and a host that does not resolve all get the same answer;
    the reason is in the server's log only."""
    answers = {}
    for host, port in (("127.0.0.1", 1), ("127.0.0.1", qapi.port),
                       ("no-such-host.invalid", 22)):
        body = {"SqlCommand": "SELECT 1",
                "SftpAddress": "%s%s/probe.csv" % (host, sshd["home"]),
                "SftpUsername": sshd["user"], "SftpPassword": PASSWORD,
                "SftpPort": port}
        st, msg, _ = qapi.request("POST", "queries", body)
        assert st == 400, msg
        answers[(host, port)] = msg.replace("%s port %d" % (host, port),
                                            "H port P")
    assert len(set(answers.values())) == 1, answers
    assert set(answers.values()) == {"SFTP: cannot connect to an SFTP server "
                                     "at H port P."}
    log = qapi.stderr()
    assert "SFTP: 127.0.0.1 port 1: Connection refused" in log, log
    assert "SFTP: 127.0.0.1 port %d: the SSH handshake failed" % qapi.port \
        in log, log
    assert "no-such-host.invalid port 22: unknown host" in log, log


def test_read_only_and_sql_errors(qapi, sshd):
    st, body, _ = post(qapi, sshd, "DELETE FROM patient", "evil.csv")
    assert (st, body) == (401, NOT_RO)
    st, body, _ = post(qapi, sshd, "SELEC 1", "evil.csv")
    assert st == 400 and body.startswith("You have an error in your SQL")
    assert not os.path.exists(os.path.join(sshd["home"], "evil.csv"))


def test_bad_bodies(qapi, sshd):
    base = {"SqlCommand": "SELECT 1",
            "SftpAddress": "127.0.0.1%s/b.csv" % sshd["home"],
            "SftpUsername": sshd["user"], "SftpPassword": PASSWORD}
    for name in ("SftpAddress", "SftpUsername", "SftpPassword"):
        b = dict(base)
        del b[name]
        assert qapi.request("POST", "queries", b)[:2] == (
            400, "%s is required." % name)
    b = dict(base, SftpPort="abc")
    assert qapi.request("POST", "queries", b)[:2] == (400,
                                                      "SftpPort is invalid.")
    b = dict(base, IsAsync="maybe")
    assert qapi.request("POST", "queries", b)[:2] == (400,
                                                      "IsAsync is invalid.")
    b = dict(base, SftpAddress="justahost")
    assert qapi.request("POST", "queries", b)[:2] == (
        400, "SftpAddress must be the full path of the file, like "
             "host/folder/file.csv.")


def test_is_async(qapi, sshd):
    t0 = time.time()
    st, body, _ = post(qapi, sshd, "SELECT PatNum FROM patient ORDER BY "
                       "PatNum LIMIT 2", "async/a.csv", IsAsync="true")
    assert st == 201, body
    path = os.path.join(sshd["home"], "async/a.csv")
    deadline = t0 + 15
    while time.time() < deadline and not os.path.exists(path):
        time.sleep(0.1)
    time.sleep(0.3)
    assert read(sshd, "async/a.csv") == "PatNum\r\n1\r\n2\r\n"
    # an async upload that fails is logged, the request already succeeded
    st, _, _ = post(qapi, sshd, "SELECT 1", "async/b.csv", IsAsync="true",
                    SftpPassword="wrong-password")
    assert st == 201
    deadline = time.time() + 15
    while time.time() < deadline and "IsAsync upload" not in qapi.stderr():
        time.sleep(0.1)
    assert "refused the user name or password" in qapi.stderr()


def test_password_is_never_written(qapi, sshd):
    st, _, _ = post(qapi, sshd, "SELECT 'pw-check' AS c", "pw.csv")
    assert st == 201
    rows = mysql("SELECT COUNT(*) FROM securitylog WHERE LogText LIKE '%%%s%%'"
                 % PASSWORD, db=qapi.db)
    assert rows == [["0"]]
    rows = mysql("SELECT LogText FROM securitylog WHERE LogText LIKE "
                 "'%%pw-check%%' AND PermType = 19", db=qapi.db)
    assert rows == [["SELECT 'pw-check' AS c"]]
    assert PASSWORD not in qapi.stderr()
    assert PASSWORD not in "".join(qapi.stdout)
