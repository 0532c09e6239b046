"""No leaks or memory errors under valgrind: the real odlocal on the test
database, serving reads, writes, errors and bad credentials, then SIGTERM."""
import os

import pytest

from conftest import BIN, Server, need_program, socket_path


def sanitized():
    """valgrind cannot run AddressSanitizer binaries (SANITIZE=... builds)."""
    try:
        with open(os.path.join(os.environ.get("ODAPI_TOP", "."), "build",
                               ".flags")) as f:
            return "-fsanitize" in f.read()
    except OSError:
        return False


@pytest.mark.skipif(sanitized(), reason="a sanitizer build: run under ASan")
def test_odlocal_under_valgrind(server_db, tmp_path):
    log = tmp_path / "vg.log"
    # Server joins BIN with the program; an absolute path stays as it is
    srv = Server(need_program("valgrind", "valgrind"), [
        "--leak-check=full", "--errors-for-leak-kinds=definite",
        "--error-exitcode=99", "--log-file=%s" % log,
        os.path.join(BIN, "odlocal"), "--port", "0", "--db-socket",
        socket_path(), "--db-name", server_db, "--demo-key",
        "NFF6i0KrXrxDkZHt/VzkmZEaUWOjnQX2z"])
    srv.start(timeout=180)
    c = srv.conn(timeout=60)
    for path in ("patients/1", "patients/Simple?Limit=20", "appointments/1",
                 "providers", "nope", "patients?search=1", "patients/abc"):
        srv.request("GET", path, conn=c)
    assert srv.request("POST", "patients", {"LName": "Val", "FName": "Grind"},
                       conn=c)[0] == 201
    assert srv.request("POST", "patients", "{broken", conn=c)[0] == 400
    assert srv.request("PUT", "patients/1", {"Gender": "Nope"},
                       conn=c)[0] == 400
    assert srv.request("GET", "patients/1", auth="Bearer x", conn=c)[0] == 400
    assert srv.request("GET", "patients/1",
                       auth="ODFHIR AAAAAAAAAAAAAAAA/BBBBBBBBBBBBBBBB",
                       conn=c)[0] == 401
    c.close()
    rc = srv.stop(timeout=120)
    text = log.read_text()
    assert rc == 0, text[-3000:]
    assert "definitely lost: 0 bytes" in text or "no leaks are possible" in \
        text, text[-3000:]
    assert "ERROR SUMMARY: 0 errors" in text, text[-3000:]
