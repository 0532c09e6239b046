"""odservice stays up (issue 14, items 3 and 7): a reload never stops the
service, a bad new configuration is logged to the configuration's own log
file, an unreachable database is waited for (503, then recovery), SIGUSR1
reopens the log file without a reload, and --check-config reads the keys
file without echoing it."""
import json
import os
import signal
import subprocess
import time

import pytest

from conftest import BIN, TOP, prepare_server_db
from test_service import (AUTH, webconfig, write_keys, start_svc, read,
                          wait_for, wait_reloaded, svc_dir, DEV, CUST)  # noqa: F401

HARNESS = os.path.join(TOP, "test", "harness", "mariadb.sh")
SECRET = "SeCrEtCuStKeY123"


def harness(cmd, d):
    out = subprocess.run(["sh", HARNESS, cmd, d], capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def run_svc(*args, timeout=120):
    return subprocess.run([os.path.join(BIN, "odservice")] + list(args),
                          capture_output=True, text=True, timeout=timeout)


def health(s):
    try:
        st, body, _ = s.request("GET", "", auth=None)
        return st, body
    except OSError as e:
        return repr(e), None


def webconfig_logfile(svc_dir, database, keys="keys.json", computer=None):
    """The log file given by <OdapiLogFile> (not --log-file)."""
    cfg = svc_dir / "OpenDentalWebConfig.xml"
    cfg.write_bytes(webconfig(database, "Information", [
        "<OdapiLogFile>%s</OdapiLogFile>" % (svc_dir / "svc.log"),
        "<OdapiKeysFile>%s</OdapiKeysFile>" % keys], computer=computer))
    return cfg


def test_sighup_with_a_broken_keys_file_keeps_serving(spawn, svc_dir,
                                                      server_db):
    cfg = webconfig_logfile(svc_dir, server_db)
    s = start_svc(spawn, cfg)
    assert s.request("GET", "securityperms", auth=AUTH)[0] == 200
    (svc_dir / "keys.json").write_text(
        '{"keys": [{"DeveloperKey": "D", "CustomerKey" "%s"}]}' % SECRET)
    s.proc.send_signal(signal.SIGHUP)
    log = svc_dir / "svc.log"
    assert wait_for(lambda: "not reloaded" in read(log)), \
        read(log) + s.stderr()
    line = [l for l in read(log).splitlines() if "not reloaded" in l][0]
    assert "Error:" in line and "keys.json" in line and "line 1" in line
    assert SECRET not in read(log) and SECRET not in s.stderr()
    time.sleep(0.5)
    assert s.proc.poll() is None, s.stderr()
    assert s.request("GET", "securityperms", auth=AUTH)[0] == 200
    assert not any("Reloaded:" in l for l in s.stdout)
    # fixed: the next SIGHUP reloads
    write_keys(str(svc_dir / "keys.json"), [(DEV, CUST)])
    s.proc.send_signal(signal.SIGHUP)
    wait_reloaded(s)
    assert s.request("GET", "securityperms", auth=AUTH)[0] == 200


def test_neither_configuration_starts_keeps_trying(spawn, svc_dir,
                                                   server_db):
    """The new configuration cannot start (no such database) and the
    previous one cannot either (its keys file broke meanwhile): the process
    waits and tries again instead of exiting, and serves once it can."""
    cfg = webconfig_logfile(svc_dir, server_db)
    s = start_svc(spawn, cfg)
    write_keys(str(svc_dir / "keys2.json"), [(DEV, CUST)])
    webconfig_logfile(svc_dir, server_db + "_missing", keys="keys2.json")
    (svc_dir / "keys.json").write_text("garbage %s" % SECRET)
    s.proc.send_signal(signal.SIGHUP)
    log = svc_dir / "svc.log"
    assert wait_for(lambda: "does not start either" in read(log), 30), \
        read(log) + s.stderr()
    time.sleep(1.5)
    assert s.proc.poll() is None, "exited: %s" % s.stderr()
    assert SECRET not in read(log)
    write_keys(str(svc_dir / "keys.json"), [(DEV, CUST)])
    assert wait_for(lambda: any("previous configuration" in l
                                for l in s.stdout), 40), read(log)
    assert s.request("GET", "securityperms", auth=AUTH)[0] == 200
    assert health(s)[1]["database"] == "up"
    assert s.stop() == 0


def test_database_down_at_start_and_at_reload(spawn, tmp_path, svc_dir):
    d = str(tmp_path / "db")
    sock = harness("start", d)
    try:
        prepare_server_db("svcdown", patients=5, sock=sock)
        harness("stop", d)
        cfg = webconfig_logfile(svc_dir, "svcdown", computer=sock)
        # down at start: serves 503, does not exit
        s = start_svc(spawn, cfg)
        st, body = health(s)
        assert st == 503 and body["database"] == "down", (st, body)
        st, body, _ = s.request("GET", "patients/1", auth=AUTH)
        assert st == 503, body
        harness("start", d)
        assert wait_for(lambda: health(s)[0] == 200, 20), health(s)
        assert s.request("GET", "patients/1", auth=AUTH)[0] == 200
        assert health(s)[1]["dataBaseVersion"]
        # down at a reload: still serving, 503, recovers
        harness("stop", d)
        s.proc.send_signal(signal.SIGHUP)
        wait_reloaded(s)
        time.sleep(0.5)
        assert s.proc.poll() is None, s.stderr()
        assert health(s)[0] == 503
        harness("start", d)
        assert wait_for(lambda: health(s)[0] == 200, 20), health(s)
        assert s.request("GET", "patients/1", auth=AUTH)[0] == 200
        assert s.stop() == 0
    finally:
        harness("stop", d)


def test_sigusr1_reopens_the_log_without_a_reload(spawn, svc_dir, server_db):
    cfg = webconfig_logfile(svc_dir, server_db)
    s = start_svc(spawn, cfg)
    log = svc_dir / "svc.log"
    assert s.request("GET", "nosuch-before", auth=None)[0] == 404
    assert wait_for(lambda: "nosuch-before" in read(log))
    os.rename(str(log), str(svc_dir / "svc.log.1"))
    s.proc.send_signal(signal.SIGUSR1)
    time.sleep(0.5)
    assert s.proc.poll() is None
    assert s.request("GET", "nosuch-after", auth=None)[0] == 404
    # a message of odservice's own (level Information) lands there too
    assert s.request("GET", "securityperms",
                     auth="ODFHIR Usr1Dev000000001/Usr1Cust00000001")[0] \
        == 401
    assert wait_for(lambda: "nosuch-after" in read(log)), read(log)
    assert wait_for(lambda: "unknown pair" in read(log)), read(log)
    old = read(svc_dir / "svc.log.1")
    assert "nosuch-before" in old and "nosuch-after" not in old
    assert "reloading" not in old + read(log)
    assert not any("Reloaded:" in l for l in s.stdout)


def test_check_config_reads_the_keys_file(tmp_path, server_db):
    for keys in ("/etc/passwd", str(tmp_path / "k.json")):
        (tmp_path / "k.json").write_text('{"keys": [{"DeveloperKey": '
                                         '"%s"}' % SECRET)
        cfg = tmp_path / "OpenDentalWebConfig.xml"
        cfg.write_bytes(webconfig(server_db, extra=[
            "<OdapiKeysFile>%s</OdapiKeysFile>" % keys]))
        out = run_svc("--check-config", "-c", str(cfg))
        assert out.returncode == 2, out.stdout + out.stderr
        lines = out.stdout.strip().splitlines()
        assert len(lines) == 1 and keys in lines[0], out.stdout
        assert "line 1 column" in lines[0], lines[0]
        assert "root" not in lines[0].replace(str(tmp_path), "")
        assert SECRET not in out.stdout + out.stderr


def test_dist_files_use_sigusr1_for_logrotate():
    with open(os.path.join(TOP, "dist", "logrotate", "odservice")) as f:
        text = f.read()
    assert "-s USR1" in text and "-s HUP" not in text
    with open(os.path.join(TOP, "dist", "systemd", "odservice.service")) as f:
        unit = f.read()
    assert "ExecReload=/bin/kill -HUP $MAINPID" in unit
