"""What the embedded sandbox keeps resident (docs/sandbox.md, "Memory").

Once the sandbox is open, odlocal drops from its page tables the pages of
the libraries' files that only the start read (od_sandbox_settle), and a
second after the last connection closes it gives the heap's free pages back
(malloc_trim). The test reads /proc/PID/smaps: without the first, the
library's code stays ~90% resident; without the second, 200 connections
leave megabytes of freed heap behind. Answers stay the same."""
import json
import os
import socket
import time
import urllib.request

import pytest

from conftest import DEMO_AUTH, needs_embedded

pytestmark = needs_embedded

LINUX = os.path.exists("/proc/self/smaps")


def mappings(pid):
    """[(name, perms, size_kb, rss_kb, anon_kb)] of /proc/PID/smaps."""
    out, cur = [], None
    with open("/proc/%d/smaps" % pid) as f:
        for line in f:
            head = line.split()
            if "-" in head[0] and ":" not in head[0]:
                cur = [head[5] if len(head) > 5 else "", head[1], 0, 0, 0]
                out.append(cur)
            elif head[0] == "Size:":
                cur[2] = int(head[1])
            elif head[0] == "Rss:":
                cur[3] = int(head[1])
            elif head[0] == "Anonymous:":
                cur[4] = int(head[1])
    return out


def get(url):
    req = urllib.request.Request(url, headers={"Authorization": DEMO_AUTH})
    with urllib.request.urlopen(req, timeout=30) as r:
        return r.status, json.loads(r.read())


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory, spawn_module):
    d = str(tmp_path_factory.mktemp("memsb"))
    return spawn_module(d)


@pytest.fixture(scope="module")
def spawn_module():
    from conftest import Server
    started = []

    def _spawn(d):
        s = Server("odlocal", ["--port", "0", "--log-level", "Warning",
                               "--data-dir", d])
        started.append(s)
        return s.start(timeout=300)
    yield _spawn
    for s in started:
        s.stop()


@pytest.mark.skipif(not LINUX, reason="needs /proc/PID/smaps (Linux)")
def test_start_only_pages_of_libmariadbd_are_dropped(sandbox):
    status, body = get(sandbox.url + "patients/1")
    assert status == 200 and body["PatNum"] == 1
    # Its read-only data never written (relocation and symbol tables,
    # constants): ~66% resident after the start, ~15% once settled.
    ro = [m for m in mappings(sandbox.proc.pid)
          if "libmariadbd" in m[0] and m[1] == "r--p" and m[4] == 0]
    assert ro, "libmariadbd is not mapped"
    size = sum(m[2] for m in ro)
    rss = sum(m[3] for m in ro)
    assert rss < size * 0.4, (rss, size)


@pytest.mark.skipif(not LINUX, reason="needs /proc/PID/smaps (Linux)")
def test_start_only_pages_of_the_other_libraries_are_dropped(sandbox):
    # The same for every other file the process maps (libcrypto, libc,
    # libstdc++, libodapi, ...): ~65% of their never-written pages are
    # resident after the start, ~17% once settled, a little more once a
    # request has run its code again.
    status, body = get(sandbox.url + "patients/1")
    assert status == 200 and body["PatNum"] == 1
    ro = [m for m in mappings(sandbox.proc.pid)
          if m[0].startswith("/") and "libmariadbd" not in m[0]
          and m[1] in ("r--p", "r-xp") and m[4] == 0]
    assert ro, "no library mapped"
    size = sum(m[2] for m in ro)
    rss = sum(m[3] for m in ro)
    assert rss < size * 0.4, (rss, size)


@pytest.mark.skipif(not LINUX, reason="needs /proc/PID/smaps (Linux)")
def test_heap_given_back_after_the_connections_close(sandbox):
    def heap_kb():
        return sum(m[3] for m in mappings(sandbox.proc.pid)
                   if m[0] == "[heap]" or (m[0] == "" and m[4] and
                                           m[2] <= 65536))
    host, port = sandbox.host, sandbox.port
    socks = []
    for _ in range(200):  # each keeps evhttp's and libevent's buffers
        s = socket.create_connection((host, int(port)))
        s.sendall(b"GET /api/v1/patients/1 HTTP/1.1\r\nHost: x\r\n"
                  b"Authorization: " + DEMO_AUTH.encode() + b"\r\n\r\n")
        socks.append(s)
    for s in socks:
        assert s.recv(65536).startswith(b"HTTP/1.1 200")
    busy = heap_kb()
    for s in socks:
        s.close()
    deadline = time.time() + 10
    while time.time() < deadline and heap_kb() > busy - 512:
        time.sleep(0.25)
    assert heap_kb() <= busy - 512, (busy, heap_kb())
    status, body = get(sandbox.url + "patients/1")
    assert status == 200 and body["PatNum"] == 1
