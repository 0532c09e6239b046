"""Several odservice instances on one database fire Database Events through
the leases of a shared state database (docs/events.md, "Leases: several
instances"; docs/scale-out.md): three instances, the one that holds the
lease is killed mid-delivery, another one delivers the window once the
lease expired; nothing is lost and nothing is delivered twice."""
import signal
import time

from conftest import mysql
from test_service import wait_for
from test_events import (Receiver, evdir, health, patnums, quiet_start,  # noqa: F401
                         run_svc, start, state_db, subscribe,
                         touch_patients)


class CountingReceiver(Receiver):
    """A Receiver that also counts the POSTs it holds unanswered in "hang"
    mode: with working leases only one instance delivers at a time."""

    def __init__(self):
        super().__init__()
        self.hanging = 0
        handler = self.server.RequestHandlerClass
        outer = self
        base_post = handler.do_POST

        def do_POST(h):
            if outer.mode == "hang":
                with outer.lock:
                    outer.hanging += 1
            return base_post(h)
        handler.do_POST = do_POST


def lease_owner_pid(state_db_name):
    rows = mysql("SELECT LeaseOwner FROM `%s`.eventstate WHERE LeaseOwner "
                 "<> '' AND LeaseUntil > NOW()" % state_db_name)
    if not rows:
        return None
    return int(rows[0][0].split("/")[1])


def test_three_instances_lease_failover(spawn, evdir, server_db,  # noqa: F811
                                        state_db):  # noqa: F811
    cfg = evdir / "OpenDentalWebConfig.xml"
    out = run_svc("--init-state-db", "-c", str(cfg), "--state-db", state_db)
    assert out.returncode == 0, out.stdout + out.stderr
    hook = CountingReceiver()
    try:
        hook.mode = "hang"
        # a delivery hangs 8 s; the lease lasts that + 12 s
        inst = [start(spawn, evdir, "--event-timeout", "8000",
                      state=["--state-db", state_db]) for _ in range(3)]
        for x in inst:
            assert wait_for(lambda: health(x)["events"] == "firing"), \
                health(x)
        start_at = quiet_start(server_db)
        subscribe(inst[0], hook.url("/three"), DateTimeStart=start_at,
                  Workstation="")
        nums = patnums(server_db, 6)
        touch_patients(server_db, nums)
        pid = wait_for(lambda: lease_owner_pid(state_db), 15)
        assert pid, "no instance took the lease"
        # the others poll every second and find the lease held
        assert wait_for(lambda: hook.hanging >= 1, 10)
        time.sleep(3)
        assert hook.hanging == 1, "%d deliveries at once" % hook.hanging
        assert lease_owner_pid(state_db) == pid
        holder = [x for x in inst if x.proc.pid == pid]
        assert len(holder) == 1, (pid, [x.proc.pid for x in inst])
        holder[0].stop(sig=signal.SIGKILL)
        hook.mode = "ok"
        # the dead holder's lease expires; one of the others delivers
        assert hook.wait(lambda: set(nums) <= set(hook.rows("/three")), 45), \
            hook.rows("/three")
        time.sleep(3)
        rows = hook.rows("/three")
        assert sorted(rows) == sorted(set(rows)), sorted(rows)
        alive = [x for x in inst if x is not holder[0]]
        assert all(x.proc.poll() is None for x in alive)
    finally:
        hook.close()
