"""An embedding application's database work when the database goes away
(odapi_request_mariadb, docs/odapi_request_mariadb.3): examples/app_loop
reaches the test database through a proxy socket; once the proxy is gone,
its route answers the 503 its own done callback writes (so the library
called done, with a status), and under valgrind nothing it allocated for
a request is lost. With odapi_request_db (1.0) the library answered 503
itself, never called done, and each such request leaked the example's
struct counts."""
import os
import socket
import threading
import time

import pytest

from conftest import (TOP, Server, drop_test_db, need_program,
                      prepare_server_db, socket_path)
from test_valgrind import SUPP, sanitized

AUTH = "ODFHIR ExampleDevKey001/ExampleCust00001"
APP = os.path.join(TOP, "examples", "app_loop")


class UnixProxy:
    """Forwards connections on path to the test server's socket until
    close(), which also cuts the connections already forwarded."""

    def __init__(self, path, target):
        self.path, self.target = path, target
        self.lsock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.lsock.bind(path)
        self.lsock.listen(16)
        self.conns = []
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                a, _ = self.lsock.accept()
            except OSError:
                return
            b = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            b.connect(self.target)
            with self.lock:
                self.conns += [a, b]
            for src, dst in ((a, b), (b, a)):
                threading.Thread(target=self._pump, args=(src, dst),
                                 daemon=True).start()

    @staticmethod
    def _pump(src, dst):
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                dst.sendall(data)
        except OSError:
            pass
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def close(self):
        self.lsock.close()
        os.unlink(self.path)
        with self.lock:
            for s in self.conns:
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()


@pytest.fixture
def app_db():
    name = "odtest_app_%d" % os.getpid()
    prepare_server_db(name, patients=10)
    yield name
    drop_test_db(name)


def counts(srv, conn):
    return srv.request("GET", "practice/Counts", auth=AUTH, conn=conn)


def test_done_is_called_when_the_database_is_lost(app_db, tmp_path):
    if not os.path.exists(APP):
        pytest.fail("examples/app_loop is not built: run make")
    proxy = UnixProxy(str(tmp_path / "db.sock"), socket_path())
    log = tmp_path / "vg.log"
    if sanitized():  # ASan's leak check runs at exit instead
        prog, args = APP, []
    else:
        prog = need_program("valgrind", "valgrind")
        args = ["--leak-check=full", "--errors-for-leak-kinds=definite",
                "--error-exitcode=99", "--log-file=%s" % log,
                "--suppressions=%s" % SUPP, APP]
    srv = Server(prog, args + ["0", proxy.path, app_db],
                 env={"ASAN_OPTIONS": "detect_leaks=1"})
    srv.start(timeout=180)
    try:
        c = srv.conn(timeout=60)
        st, body, _ = counts(srv, c)
        assert st == 200 and body["patients"] > 0, (st, body)

        proxy.close()
        # Each worker finds its connection dead at its next job (the app's
        # own queries fail: 500, and the pool notes the loss); after that
        # the pool cannot reconnect and the work does not run.
        seen = []
        for _ in range(40):
            st, body, _ = counts(srv, c)
            seen.append((st, body))
            if st == 503:
                break
        assert seen[-1] == (503, "Counts: cannot connect to the database."), \
            seen
        # more of them: each one's struct counts must be freed by done.
        # A worker whose old connection nobody has used since the cut still
        # finds it dead first (500, once per worker: the pool notes it);
        # after that the pool cannot reconnect (503).
        late = [counts(srv, c)[:2] for _ in range(12)]
        assert all(st in (500, 503) for st, _ in late), late
        assert sum(st == 500 for st, _ in late) <= 4, late
        lost = (503, "Counts: cannot connect to the database.")
        assert sum(a == lost for a in late) >= 8, late
        c.close()
    finally:
        rc = srv.stop(timeout=120)
    if sanitized():
        assert rc == 0 and "counts_route" not in srv.stderr(), srv.stderr()
        return
    text = log.read_text()
    assert rc == 0, text[-3000:]
    assert "definitely lost: 0 bytes" in text or "no leaks are possible" in \
        text, text[-3000:]
    assert "ERROR SUMMARY: 0 errors" in text, text[-3000:]
