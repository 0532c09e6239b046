"""odservice, the API Service (issue "API Service mode"): Open Dental's
OpenDentalWebConfig.xml, the log file and access log, SIGHUP (reopen logs and
re-read the configuration), SIGTERM draining, --check-config, TLS, the
systemd unit and `make install`."""
import hashlib
import http.client
import json
import os
import re
import signal
import ssl
import subprocess
import threading
import time

import pytest

from conftest import BIN, TOP, Server, need_program, socket_path

DEV = "SvcDevKey0000001"
CUST = "SvcCustKey000001"
AUTH = "ODFHIR %s/%s" % (DEV, CUST)
DEV2 = "SvcDevKey0000002"
CUST2 = "SvcCustKey000002"
AUTH2 = "ODFHIR %s/%s" % (DEV2, CUST2)


def webconfig(database, level="Error", extra=(), computer=None, password=""):
    """Open Dental's exact format: no declaration, 3 spaces, CRLF."""
    lines = [
        "<ConnectionSettings>",
        "   <DatabaseConnection>",
        "      <ComputerName>%s</ComputerName>" % (computer or socket_path()),
        "      <Database>%s</Database>" % database,
        "      <User>root</User>",
        "      <Password>%s</Password>" % password,
        "      <MySQLPassHash></MySQLPassHash>",
        "      <UserLow></UserLow>",
        "      <PasswordLow></PasswordLow>",
        "      <DatabaseType>MySql</DatabaseType>",
        "      <Note>DentalOffice</Note>",
        "   </DatabaseConnection>",
        "   <LogLevelOfApplication>%s</LogLevelOfApplication>" % level,
    ]
    lines += ["   " + e for e in extra]
    lines.append("</ConnectionSettings>")
    return ("\r\n".join(lines) + "\r\n").encode()


def write_keys(path, pairs):
    with open(path, "w") as f:
        json.dump({"keys": [{"DeveloperKey": d, "CustomerKey": c,
                             "DeveloperName": "Service Test",
                             "Permissions": "all"} for d, c in pairs]}, f)


@pytest.fixture
def svc_dir(tmp_path, server_db):
    d = tmp_path
    write_keys(str(d / "keys.json"), [(DEV, CUST)])
    cfg = d / "OpenDentalWebConfig.xml"
    cfg.write_bytes(webconfig(server_db, "Information", [
        "<OdapiLogFile>%s</OdapiLogFile>" % (d / "odservice.log"),
        "<OdapiKeysFile>keys.json</OdapiKeysFile>"]))
    return d


def start_svc(spawn, cfg, *more):
    # the events state beside the configuration, not the machine's
    # /var/lib/odservice
    state = [] if "--state-dir" in more else [
        "--state-dir", os.path.join(os.path.dirname(str(cfg)), "state")]
    return spawn("odservice", ["--config", str(cfg), "--port", "0",
                               "--listen", "127.0.0.1"] + state + list(more))


def read(path):
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except FileNotFoundError:
        return ""


def wait_for(pred, timeout=15.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        v = pred()
        if v:
            return v
        time.sleep(0.05)
    return pred()


def wait_reloaded(srv, n=1, timeout=20.0):
    ok = wait_for(lambda: sum("Reloaded:" in l for l in srv.stdout) >= n,
                  timeout)
    assert ok, "no reload: %s %s" % ("".join(srv.stdout), srv.stderr())


def access_lines(text):
    return [l for l in text.splitlines() if '"GET /api/v1/' in l]


# ---- serving ------------------------------------------------------------------

def test_serves_health_and_keys_from_webconfig(spawn, svc_dir):
    s = start_svc(spawn, svc_dir / "OpenDentalWebConfig.xml")
    status, body, _ = s.request("GET", "", auth=None)
    assert status == 200
    assert body["mode"] == "API Service"
    assert body["database"] == "up"
    assert body["databaseBackend"] == "server"
    status, body, _ = s.request("GET", "securityperms", auth=AUTH)
    assert status == 200, body
    assert body
    # odservice has no demo key
    status, _, _ = s.request(
        "GET", "securityperms", auth="ODFHIR NFF6i0KrXrxDkZHt/VzkmZEaUWOjnQX2z")
    assert status == 401


def test_access_log_one_line_per_request_hash_not_key(spawn, svc_dir):
    s = start_svc(spawn, svc_dir / "OpenDentalWebConfig.xml")
    for _ in range(3):
        assert s.request("GET", "securityperms", auth=AUTH)[0] == 200
    assert s.request("GET", "securityperms", auth=AUTH2)[0] == 401
    log = svc_dir / "odservice.log"
    lines = wait_for(lambda: len([l for l in access_lines(read(log))
                                  if "securityperms" in l]) >= 4 and
                     [l for l in access_lines(read(log))
                      if "securityperms" in l])
    assert lines and len(lines) == 4, read(log)
    for l in lines[:3]:
        assert re.search(r" 200 [0-9.]+ms key=[0-9a-f]+", l), l
        assert "key=-" not in l
    text = read(log)
    assert DEV not in text and CUST not in text
    bad = [l for l in access_lines(text) if " 401 " in l]
    assert len(bad) == 1 and "key=" in bad[0], text
    assert DEV2 not in text and CUST2 not in text


def test_default_level_error_is_quiet(spawn, svc_dir, server_db):
    cfg = svc_dir / "quiet.xml"
    cfg.write_bytes(webconfig(server_db, "", [
        "<OdapiLogFile>quiet.log</OdapiLogFile>",
        "<OdapiKeysFile>keys.json</OdapiKeysFile>"]))
    s = start_svc(spawn, cfg)
    assert s.request("GET", "", auth=None)[0] == 200
    text = wait_for(lambda: access_lines(read(svc_dir / "quiet.log")) and
                    read(svc_dir / "quiet.log"))
    assert "Info:" not in text  # Open Dental's default: Error
    assert access_lines(text)


# ---- SIGHUP -------------------------------------------------------------------

def test_sighup_reopens_the_log_after_rename(spawn, svc_dir):
    s = start_svc(spawn, svc_dir / "OpenDentalWebConfig.xml")
    log = svc_dir / "odservice.log"
    assert s.request("GET", "nosuch-before", auth=None)[0] == 404
    assert wait_for(lambda: "nosuch-before" in read(log))
    os.rename(str(log), str(svc_dir / "odservice.log.1"))
    s.proc.send_signal(signal.SIGHUP)
    wait_reloaded(s)
    assert s.request("GET", "nosuch-after", auth=None)[0] == 404
    assert wait_for(lambda: "nosuch-after" in read(log)), read(log)
    old = read(svc_dir / "odservice.log.1")
    assert "nosuch-before" in old and "nosuch-after" not in old
    assert "nosuch-before" not in read(log)
    assert oct(os.stat(str(log)).st_mode & 0o777) == "0o640"


def test_sighup_rereads_the_config(spawn, svc_dir, server_db):
    cfg = svc_dir / "OpenDentalWebConfig.xml"
    s = start_svc(spawn, cfg)
    port = s.port
    assert s.request("GET", "securityperms", auth=AUTH)[0] == 200
    assert s.request("GET", "securityperms", auth=AUTH2)[0] == 401
    write_keys(str(svc_dir / "keys2.json"), [(DEV2, CUST2)])
    cfg.write_bytes(webconfig(server_db, "Verbose", [
        "<OdapiLogFile>%s</OdapiLogFile>" % (svc_dir / "odservice.log"),
        "<OdapiKeysFile>keys2.json</OdapiKeysFile>"]))
    s.proc.send_signal(signal.SIGHUP)
    wait_reloaded(s)
    assert s.port == port
    assert s.request("GET", "securityperms", auth=AUTH2)[0] == 200
    assert s.request("GET", "securityperms", auth=AUTH)[0] == 401
    assert s.proc.poll() is None


def test_sighup_with_a_broken_config_keeps_serving(spawn, svc_dir):
    cfg = svc_dir / "OpenDentalWebConfig.xml"
    log = svc_dir / "own.log"
    s = start_svc(spawn, cfg, "--log-file", str(log))
    assert s.request("GET", "securityperms", auth=AUTH)[0] == 200
    cfg.write_bytes(b"<ConnectionSettings>\r\n   <DatabaseConnection>\r\n")
    s.proc.send_signal(signal.SIGHUP)
    msg = wait_for(lambda: "not reloaded" in read(log) and read(log))
    assert msg, read(log) + s.stderr()
    line = [l for l in msg.splitlines() if "not reloaded" in l][0]
    assert "Error:" in line and str(cfg) in line
    assert s.proc.poll() is None
    assert s.request("GET", "securityperms", auth=AUTH)[0] == 200
    assert not any("Reloaded:" in l for l in s.stdout)


def test_sighup_new_config_that_cannot_start_falls_back(spawn, svc_dir,
                                                        server_db):
    cfg = svc_dir / "OpenDentalWebConfig.xml"
    log = svc_dir / "own.log"
    s = start_svc(spawn, cfg, "--log-file", str(log))
    # parses, but the database does not exist
    cfg.write_bytes(webconfig(server_db + "_missing", "Information", [
        "<OdapiKeysFile>keys.json</OdapiKeysFile>"]))
    s.proc.send_signal(signal.SIGHUP)
    wait_reloaded(s)
    assert "previous configuration" in "".join(s.stdout)
    assert "going back to the previous one" in read(log)
    assert s.request("GET", "securityperms", auth=AUTH)[0] == 200
    assert s.request("GET", "", auth=None)[1]["database"] == "up"


# ---- SIGTERM ------------------------------------------------------------------

def test_sigterm_drains_a_request_in_flight(spawn, svc_dir, server_db):
    # A developer-only key makes the server look the customer key up in the
    # apikey table; a LOCK TABLES held by another session keeps that lookup
    # (and so the request) in flight while SIGTERM arrives.
    dev3 = "SvcDevOnly000003"
    with open(str(svc_dir / "keys.json"), "w") as f:
        json.dump({"keys": [{"DeveloperKey": DEV, "CustomerKey": CUST,
                             "Permissions": "all"},
                            {"DeveloperKey": dev3, "Permissions": "all"}]}, f)
    s = start_svc(spawn, svc_dir / "OpenDentalWebConfig.xml")
    locker = subprocess.Popen(
        ["mariadb", "--socket", socket_path(), "-uroot", "-N", "-B", "-n",
         "--database=" + server_db], stdin=subprocess.PIPE,
        stdout=subprocess.PIPE, text=True)
    try:
        locker.stdin.write("LOCK TABLES apikey WRITE; SELECT 'locked';\n")
        locker.stdin.flush()
        assert locker.stdout.readline().strip() == "locked"
        result = {}

        def slow():
            c = http.client.HTTPConnection(s.host, s.port, timeout=30)
            c.request("GET", "/api/v1/securityperms",
                      headers={"Authorization": "ODFHIR %s/NotInTheTable1" %
                               dev3, "Content-Type": "application/json"})
            r = c.getresponse()
            result["status"] = r.status
            result["body"] = r.read()
            result["at"] = time.time()
        t = threading.Thread(target=slow)
        t.start()
        time.sleep(0.5)
        assert "status" not in result, "the request was not held"
        s.proc.send_signal(signal.SIGTERM)
        time.sleep(1.0)
        assert s.proc.poll() is None, "exited with a request in flight"
        unlocked = time.time()
        locker.stdin.write("UNLOCK TABLES;\n")
        locker.stdin.flush()
        t.join(30)
        assert s.wait(30) == 0, s.stderr()
        assert result.get("status") == 401, result
        assert result["at"] >= unlocked
    finally:
        locker.stdin.close()
        locker.wait(30)


# ---- --check-config -----------------------------------------------------------

def run_svc(*args, timeout=120):
    return subprocess.run([os.path.join(BIN, "odservice")] + list(args),
                          capture_output=True, text=True, timeout=timeout)


def test_check_config_good(svc_dir, server_db):
    cfg = str(svc_dir / "OpenDentalWebConfig.xml")
    out = run_svc("--check-config", "--config", cfg)
    assert out.returncode == 0, out.stdout + out.stderr
    lines = out.stdout.strip().splitlines()
    assert lines[0].startswith("configuration OK: %s: database %s" %
                               (cfg, server_db)), lines[0]
    assert re.search(r"DataBaseVersion \d+\.\d+", lines[0])
    # then what it found, one indented line each (test_fullschema.py has
    # the databases with something to say)
    assert lines[1:3] == [
        "  database: Open Dental 24.3.10.0 is supported (22.1 to 25.4)",
        "  database: has every table and column the API's resources use"]
    assert re.fullmatch(r"  database: the user may SELECT, INSERT, UPDATE and "
                        r"DELETE in the \d+ tables the API uses", lines[3])
    assert len(lines) == 4, out.stdout


def test_check_config_reports_database_events(svc_dir, tmp_path):
    """The line ends with whether Database Events can fire, and why not;
    the check creates nothing (not even the state folder)."""
    cfg = str(svc_dir / "OpenDentalWebConfig.xml")
    st = tmp_path / "state"
    out = run_svc("--check-config", "-c", cfg, "--state-dir", str(st))
    assert out.returncode == 0, out.stdout + out.stderr
    # the first line; the findings about the database follow it
    assert out.stdout.splitlines()[0].endswith(
        "; Database Events: can fire, state in the state folder %s (made "
        "at start)" % st), out.stdout
    assert not st.exists()
    out = run_svc("--check-config", "-c", cfg, "--no-events")
    assert out.stdout.splitlines()[0].endswith("; Database Events: off")
    out = run_svc("--check-config", "-c", cfg, "--state-dir",
                  "/proc/no-such/state")
    assert out.returncode == 0
    assert "Database Events: cannot fire: the state folder " \
           "/proc/no-such/state does not exist" in out.stdout, out.stdout
    # systemd's StateDirectory= is the default
    env = dict(os.environ, STATE_DIRECTORY=str(tmp_path))
    out = subprocess.run([os.path.join(BIN, "odservice"), "--check-config",
                          "-c", cfg], capture_output=True, text=True,
                         timeout=120, env=env)
    assert "state in the state folder %s" % tmp_path in out.stdout, \
        out.stdout


def test_check_config_bad_file(tmp_path):
    cfg = tmp_path / "OpenDentalWebConfig.xml"
    cfg.write_bytes(b"<ConnectionSettings>\r\n   <Database")
    out = run_svc("--check-config", "-c", str(cfg))
    assert out.returncode == 2
    lines = out.stdout.strip().splitlines()
    assert len(lines) == 1 and str(cfg) in lines[0], out.stdout
    out = run_svc("--check-config", "-c", str(tmp_path / "missing.xml"))
    assert out.returncode == 2
    assert str(tmp_path / "missing.xml") in out.stdout


def test_check_config_database_down(tmp_path, server_db):
    cfg = tmp_path / "OpenDentalWebConfig.xml"
    cfg.write_bytes(webconfig(server_db, computer=str(tmp_path / "no.sock")))
    out = run_svc("--check-config", "-c", str(cfg))
    assert out.returncode == 4, out.stdout + out.stderr
    lines = out.stdout.strip().splitlines()
    assert len(lines) == 1 and str(cfg) in lines[0]
    assert "no.sock" in lines[0]


def test_start_with_bad_config_exits_2(tmp_path):
    cfg = tmp_path / "bad.xml"
    cfg.write_bytes(b"garbage")
    out = run_svc("--config", str(cfg), "--port", "0")
    assert out.returncode == 2
    assert str(cfg) in out.stderr


def test_usage_errors_exit_1():
    assert run_svc("--port", "x").returncode == 1
    assert run_svc("--listen", "[::1").returncode == 1
    assert run_svc("frobnicate").returncode == 1
    out = run_svc("--help")
    assert out.returncode == 0 and "--check-config" in out.stdout
    out = run_svc("--version")
    assert out.returncode == 0 and out.stdout.startswith("odservice ")


def test_port_in_use_exits_3(spawn, svc_dir):
    s = start_svc(spawn, svc_dir / "OpenDentalWebConfig.xml")
    out = run_svc("--config", str(svc_dir / "OpenDentalWebConfig.xml"),
                  "--listen", "127.0.0.1", "--port", str(s.port))
    assert out.returncode == 3, out.stderr


def test_service_commands_without_systemd():
    if os.path.isdir("/run/systemd/system"):
        pytest.skip("systemd runs here: the test would touch the real service")
    out = run_svc("status")
    assert out.returncode == 5
    assert "systemd is not running" in out.stderr


# ---- TLS ----------------------------------------------------------------------

def test_tls(spawn, svc_dir, server_db):
    need_program("openssl", "openssl")
    cert, key = str(svc_dir / "cert.pem"), str(svc_dir / "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048",
                    "-nodes", "-keyout", key, "-out", cert, "-days", "2",
                    "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True, timeout=60)
    cfg = svc_dir / "tls.xml"
    cfg.write_bytes(webconfig(server_db, "Error", [
        "<OdapiKeysFile>keys.json</OdapiKeysFile>",
        "<OdapiTlsCertificate>cert.pem</OdapiTlsCertificate>",
        "<OdapiTlsKey>key.pem</OdapiTlsKey>"]))
    s = start_svc(spawn, cfg)
    assert s.url.startswith("https://")
    ctx = ssl.create_default_context(cafile=cert)
    c = http.client.HTTPSConnection("127.0.0.1", s.port, context=ctx,
                                    timeout=30)
    c.request("GET", "/api/v1/securityperms",
              headers={"Authorization": AUTH,
                       "Content-Type": "application/json"})
    r = c.getresponse()
    assert r.status == 200
    r.read()
    c.close()
    # plain http on the same port is not answered with a page
    c = http.client.HTTPConnection("127.0.0.1", s.port, timeout=10)
    with pytest.raises((http.client.HTTPException, OSError)):
        c.request("GET", "/api/v1/", headers={})
        c.getresponse().read()
    # and it still serves TLS afterwards
    c = http.client.HTTPSConnection("127.0.0.1", s.port, context=ctx,
                                    timeout=30)
    c.request("GET", "/api/v1/")
    assert c.getresponse().status == 200


# ---- the unit and make install -----------------------------------------------

def install_service_files(dest):
    out = subprocess.run(["sh", os.path.join(TOP, "tools",
                                             "install-service-files.sh"),
                          str(dest), BIN, "/etc"],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return dest / "lib/systemd/system/odservice.service"


def test_systemd_unit_verifies(tmp_path):
    need_program("systemd-analyze", "systemd")
    unit = install_service_files(tmp_path)
    text = unit.read_text()
    assert "ExecStart=%s/odservice " % BIN in text
    assert "@SBINDIR@" not in text
    for want in ("User=odapi", "Restart=on-failure",
                 "ExecReload=/bin/kill -HUP $MAINPID", "NoNewPrivileges=yes",
                 "ProtectSystem=strict", "ReadWritePaths=/var/log/odapi",
                 "CapabilityBoundingSet=\n", "After=network-online.target",
                 "StateDirectory=odservice\n", "StateDirectoryMode=0700\n",
                 "mariadb.service", "--log-file /var/log/odapi/odservice.log"):
        assert want in text, want
    # the man page is not installed here: skip that one check
    out = subprocess.run(["systemd-analyze", "verify", "--man=no",
                          str(unit)], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "odservice.service" not in out.stderr, out.stderr
    # and a broken unit is caught (the check can fail)
    bad = tmp_path / "odservice.service"
    bad.write_text(text.replace("ExecStart=%s/odservice" % BIN,
                                "ExecStart=%s/no-such-odservice" % BIN))
    out = subprocess.run(["systemd-analyze", "verify", "--man=no", str(bad)],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode != 0


def test_install_script_keeps_existing_config(tmp_path):
    conf = tmp_path / "etc/odapi/OpenDentalWebConfig.xml"
    conf.parent.mkdir(parents=True)
    conf.write_bytes(b"mine")
    install_service_files(tmp_path)
    assert conf.read_bytes() == b"mine"
    ex = tmp_path / "etc/odapi/OpenDentalWebConfig.xml.example"
    assert b"\r\n   <DatabaseConnection>\r\n" in ex.read_bytes()
    assert (tmp_path / "etc/logrotate.d/odservice").exists()


def test_example_config_parses(tmp_path):
    ex = os.path.join(TOP, "dist/odapi/OpenDentalWebConfig.xml.example")
    out = run_svc("--check-config", "-c", ex)
    # parses; fails at the database (no server at /run/mysqld here), or
    # at the keys file: never a usage error
    assert out.returncode in (0, 2, 4), out.stdout
    if out.returncode == 2:
        assert "keys" in out.stdout.lower(), out.stdout


def test_logrotate_snippet(tmp_path):
    text = open(os.path.join(TOP, "dist/logrotate/odservice")).read()
    assert "/var/log/odapi/*.log" in text
    # Checked as installed (mode 644): logrotate refuses a group-writable
    # file, which a checkout made under umask 002 has.
    snippet = tmp_path / "odservice"
    snippet.write_text(text)
    snippet.chmod(0o644)
    out = subprocess.run([need_program("logrotate", "logrotate"), "-d", "-s",
                          str(tmp_path / "state"), str(snippet)],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert "error" not in out.stderr.lower(), out.stderr


def files_under(root):
    out = []
    for d, _, names in os.walk(str(root)):
        out += [os.path.relpath(os.path.join(d, n), str(root)) for n in names]
    return sorted(out)


def test_install_stays_in_prefix(tmp_path):
    """A user's own prefix: every file lands under it, none in /etc or
    /lib/systemd, and the installed odlocal runs. Staged with DESTDIR so
    that a regression shows here instead of writing to this machine."""
    prefix = tmp_path / "home/me/.local"
    out = subprocess.run(["make", "-C", TOP, "-s", "install",
                          "DESTDIR=%s" % tmp_path, "PREFIX=/home/me/.local"],
                         capture_output=True,
                         text=True, timeout=600)
    # the tree's odapi.pc now names this prefix: put the default back
    subprocess.run(["make", "-C", TOP, "-s", "pkgconfig/odapi.pc"],
                   capture_output=True, timeout=120)
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    everything = files_under(tmp_path)
    assert everything, "nothing installed"
    outside = [f for f in everything if not f.startswith("home/me/.local/")]
    assert outside == []
    for want in ("bin/odlocal", "sbin/odservice", "lib/libodapi.so.1",
                 "share/man/man8/odservice.8", "lib/pkgconfig/odapi.pc"):
        assert (prefix / want).exists(), want
    for not_here in ("lib/systemd", "etc", "logrotate.d"):
        assert not any("/%s/" % not_here in "/" + f for f in everything), \
            not_here
    ver = subprocess.run([str(prefix / "bin/odlocal"), "--version"],
                         capture_output=True, text=True, timeout=60,
                         env={k: v for k, v in os.environ.items()
                              if k != "LD_LIBRARY_PATH"})
    assert ver.returncode == 0 and ver.stdout.startswith("odlocal "), ver


def test_make_install_service(tmp_path):
    """`make install-service` puts the unit, the example configuration and
    the logrotate snippet where SYSCONFDIR and UNITDIR say, and the unit's
    --config follows SYSCONFDIR."""
    dest = tmp_path / "root"
    out = subprocess.run(["make", "-C", TOP, "-s", "install-service",
                          "DESTDIR=%s" % dest, "PREFIX=/usr",
                          "SYSCONFDIR=/opt/od/etc"],
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    assert files_under(dest) == [
        "lib/systemd/system/odservice.service",
        "opt/od/etc/logrotate.d/odservice",
        "opt/od/etc/odapi/OpenDentalWebConfig.xml.example"]
    unit = (dest / "lib/systemd/system/odservice.service").read_text()
    assert ("ExecStart=/usr/sbin/odservice --config "
            "/opt/od/etc/odapi/OpenDentalWebConfig.xml ") in unit
    assert not re.search(r"@[A-Z]+@", unit), unit
    ex = (dest / "opt/od/etc/odapi/OpenDentalWebConfig.xml.example").read_text()
    assert "<OdapiKeysFile>/opt/od/etc/odapi/keys.json<" in ex
    assert "@SYSCONFDIR@" not in ex
    # a relative SYSCONFDIR is refused, not installed somewhere odd
    bad = subprocess.run(["make", "-C", TOP, "-s", "install-service",
                          "DESTDIR=%s" % (tmp_path / "bad"),
                          "SYSCONFDIR=etc"],
                         capture_output=True, text=True, timeout=600)
    assert bad.returncode != 0
    assert "SYSCONFDIR must be an absolute path" in bad.stderr


def test_foreground_logs_to_stderr_and_file(spawn, svc_dir):
    log = svc_dir / "fg.log"
    s = start_svc(spawn, svc_dir / "OpenDentalWebConfig.xml", "--foreground",
                  "--log-file", str(log))
    assert s.request("GET", "nosuch-fg", auth=None)[0] == 404
    assert wait_for(lambda: "nosuch-fg" in read(log))
    assert "Info: serving" in s.stderr()
    assert "Info: serving" in read(log)
    # the access line goes to the file only
    assert "nosuch-fg" not in s.stderr()
