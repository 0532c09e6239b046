"""Which MySQL client library a server loads (lib/db/mysql-api.c,
docs/database.md "Which client library"): Connector/C for a server
database, the embedded server only for the sandbox, and a clear error when
the library cannot be loaded."""
import os
import subprocess

import pytest

from conftest import BIN, have_embedded, odlocal_args_for


def mapped_libraries(pid):
    libs = set()
    with open("/proc/%d/maps" % pid) as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 6 and "/" in parts[5]:
                libs.add(os.path.basename(parts[5]))
    return libs


def test_backend_loads_only_its_library(api):
    libs = mapped_libraries(api.proc.pid)
    # a request went through the database, so the library is in use
    assert api.request("GET", "patients/1")[0] in (200, 404)
    if api.backend == "server":
        assert "libmariadb.so.3" in libs
        assert not any(x.startswith("libmariadbd") for x in libs), libs
    else:
        assert any(x.startswith("libmariadbd") for x in libs), libs
        assert "libmariadb.so.3" not in libs


def test_library_not_linked_by_the_programs():
    for prog in ("odlocal", "odservice"):
        out = subprocess.run(["ldd", os.path.join(BIN, prog)],
                             capture_output=True, text=True, check=True)
        assert "libmariadb" not in out.stdout, out.stdout


def fake_library(tmp_path, soname):
    """A shared object with the client library's name and none of its
    functions, found first through LD_LIBRARY_PATH."""
    src = tmp_path / "empty.c"
    src.write_text("int od_not_mysql(void) { return 0; }\n")
    so = tmp_path / soname
    subprocess.run([os.environ.get("CC", "cc"), "-shared", "-fPIC", "-o",
                    str(so), str(src)], check=True)
    return {"LD_LIBRARY_PATH": str(tmp_path)}


def test_unusable_client_library_is_one_clear_error(spawn, server_db,
                                                    tmp_path):
    env = fake_library(tmp_path, "libmariadb.so.3")
    srv = spawn("odlocal", ["--port", "0"] +
                odlocal_args_for("server", server_db, None),
                env=env, expect_fail=True)
    rc = srv.wait(30)
    err = srv.stderr()
    assert rc == 4, err
    assert "libmariadb.so.3 has no function mysql_" in err
    assert len(err.strip().splitlines()) == 1, err


@pytest.mark.skipif(not have_embedded(), reason="built with DB=client: no embedded server")
def test_unusable_embedded_library_is_one_clear_error(spawn, tmp_path):
    env = fake_library(tmp_path, "libmariadbd.so.19")
    sandbox = tmp_path / "sandbox"
    srv = spawn("odlocal", ["--port", "0", "--data-dir", str(sandbox)],
                env=env, expect_fail=True)
    rc = srv.wait(30)
    err = srv.stderr()
    assert rc == 4, err
    assert "libmariadbd.so.19 has no function mysql_" in err
    assert len(err.strip().splitlines()) == 1, err


def test_start_up_names_the_client_library(spawn, server_db):
    srv = spawn("odlocal", ["--port", "0"] +
                odlocal_args_for("server", server_db, None))
    srv.stop()
    text = "".join(srv.stdout) + srv.stderr()
    assert "through libmariadb.so.3" in text, text


@pytest.mark.skipif(not have_embedded(), reason="built with DB=client: no embedded server")
def test_new_sandbox_starts_without_the_servers_bootstrap_noise(tmp_path):
    """A new data folder has no mysql.plugin/mysql.func until the library
    creates them; the embedded server's complaints about that are held
    back, the library's own lines are not."""
    out = subprocess.run(
        [os.path.join(BIN, "odlocal"), "--data-dir", str(tmp_path / "sb"),
         "--patients", "5", "--init-only"],
        capture_output=True, text=True, timeout=300)
    text = out.stdout + out.stderr
    assert out.returncode == 0, text
    assert "Got ERROR" not in text, text
    assert "mysql.plugin" not in text, text
    assert "seeded in" in text, text
