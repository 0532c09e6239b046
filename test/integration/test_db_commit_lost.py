"""The connection lost after COMMIT was sent (issue 14, item 12): the write
may have been saved, so it is neither run again by the server nor answered
with the 503 that clients retry; the answer says the outcome is unknown.

A relay between odlocal and the test MariaDB (unix sockets both sides)
reads the client's MySQL packets; when armed, it forwards the next COMMIT,
lets the server act on it, then cuts the connection before the answer."""
import os
import socket
import struct
import threading
import time
import uuid

import pytest

from conftest import Server, mysql, socket_path

DEMO = "NFF6i0KrXrxDkZHt/VzkmZEaUWOjnQX2z"
COM_QUERY = 3


class CommitCutter:
    def __init__(self, path, upstream):
        self.path = path
        self.upstream = upstream
        self.armed = threading.Event()
        self.mode = "commit"
        self.cuts = 0
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.bind(path)
        self.sock.listen(16)
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(self.upstream)
            mute = threading.Event()
            threading.Thread(target=self._down, args=(s, c, mute),
                             daemon=True).start()
            threading.Thread(target=self._up, args=(c, s, mute),
                             daemon=True).start()

    @staticmethod
    def _close(*socks):
        for x in socks:
            try:
                x.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            x.close()

    def _down(self, s, c, mute):
        """server -> client, as it comes, until muted."""
        try:
            while True:
                b = s.recv(65536)
                if not b or mute.is_set():
                    break
                c.sendall(b)
        except OSError:
            pass
        self._close(s, c)

    def _recv_exact(self, c, n):
        buf = b""
        while len(buf) < n:
            b = c.recv(n - len(buf))
            if not b:
                raise OSError("eof")
            buf += b
        return buf

    def _up(self, c, s, mute):
        """client -> server, packet by packet. Armed "commit": the COMMIT
        goes through, its answer does not. Armed "after": COMMIT and its
        answer go through, the next statement does not."""
        cut_next = False
        try:
            while True:
                head = self._recv_exact(c, 4)
                n = struct.unpack("<I", head[:3] + b"\0")[0]
                body = self._recv_exact(c, n)
                if cut_next:
                    break
                commit = (body[:1] == bytes([COM_QUERY]) and
                          body[1:].strip().upper() == b"COMMIT")
                mode = self.mode if commit and self.armed.is_set() else None
                if mode:
                    self.armed.clear()
                if mode == "commit":
                    self.cuts += 1
                    mute.set()
                s.sendall(head + body)
                if mode == "commit":
                    time.sleep(0.3)  # the server commits meanwhile
                    break
                if mode == "after":
                    self.cuts += 1
                    cut_next = True
        except OSError:
            pass
        self._close(c, s)

    def close(self):
        self.sock.close()


@pytest.fixture
def cutter(tmp_path):
    cc = CommitCutter(str(tmp_path / "relay.sock"), socket_path())
    yield cc
    cc.close()


def count(db, lname):
    return int(mysql("SELECT COUNT(*) FROM patient WHERE LName = '%s'" %
                     lname, db=db)[0][0])


def test_commit_lost_is_not_retried_nor_a_503(cutter, server_db):
    s = Server("odlocal", ["--port", "0", "--db-socket", cutter.path,
                           "--db-name", server_db, "--demo-key", DEMO,
                           "--pool", "2", "--log-level", "Error"]).start()
    try:
        lname = "Cut" + uuid.uuid4().hex[:10]
        st, body, _ = s.request("POST", "patients",
                                {"LName": lname, "FName": "Before"})
        assert st == 201, body  # the relay is transparent when not armed
        lname = "Cut" + uuid.uuid4().hex[:10]
        cutter.armed.set()
        st, body, _ = s.request("POST", "patients",
                                {"LName": lname, "FName": "Unknown"})
        assert cutter.cuts == 1
        assert st == 500, (st, body)
        assert "may or may not have been saved" in body, body
        # it was saved, exactly once: the server did not run it again
        assert count(server_db, lname) == 1
        # the server recovers on a new connection
        st, _, _ = s.request("GET", "patients/1")
        assert st == 200
        # cut once COMMIT was answered: saved, and the answer says so
        lname2 = "Cut" + uuid.uuid4().hex[:10]
        cutter.mode = "after"
        cutter.armed.set()
        st, body, _ = s.request("POST", "patients",
                                {"LName": lname2, "FName": "Saved"})
        assert cutter.cuts == 2
        assert st == 500 and "was saved (PatNum " in body, (st, body)
        assert count(server_db, lname2) == 1
        cutter.mode = "commit"
        # an action's transaction (od_tx_end) answers the same way
        st, appts, _ = s.request("GET", "appointments?Limit=1")
        assert st == 200 and appts
        apt = appts[0]["AptNum"]
        cutter.armed.set()
        st, body, _ = s.request("PUT", "appointments/%d/Note" % apt,
                                {"Note": "cut " + lname})
        assert cutter.cuts == 3
        assert st == 500 and "may or may not" in body, (st, body)
    finally:
        assert s.stop() == 0, s.stderr()
