"""Tenant sync locks and the health round lock: a holder that died is taken over at once, a live
one is never timed out.

The holders here are real processes (``python -c``) that take a lock and are then SIGKILLed, as
an operator's ``kill -9`` or the OOM killer would: nothing of theirs runs after the kill.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa

from harness.cli import main
from harness.engine.ledger import Ledger, SyncLocked
from harness.engine.lockowner import LockOwner
from harness.health.store import ROUND_LOCK
from tests.support.health import simulator, tenant, tenants_yaml

ROOT = Path(__file__).resolve().parents[2]
#: Takes one lock (a tenant's, or the health round's) and holds it until killed.
HOLD = """
import sys, time
from harness.health.store import HealthStore
store = HealthStore(sys.argv[1])
lock = store.round_lock() if sys.argv[2] == "round" else store.ledger.tenant_lock(sys.argv[2])
lock.__enter__()
print("held", flush=True)
time.sleep(300)
"""
#: How long a PostgreSQL server may take to see a killed client's connection close.
SESSION_END = 5.0


@contextmanager
def holder(url: str, lock: str) -> Iterator[subprocess.Popen]:
    """A process holding ``lock`` ('round' or a tenant) on the ledger at ``url``; killed on exit."""
    process = subprocess.Popen([sys.executable, "-c", HOLD, url, lock], cwd=ROOT, stdout=subprocess.PIPE)
    try:
        assert process.stdout is not None and process.stdout.readline() == b"held\n"
        yield process
    finally:
        process.kill()
        process.wait()


def kill(process: subprocess.Popen) -> None:
    process.kill()
    process.wait()


def take_within(ledger: Ledger, tenant: str, seconds: float) -> float:
    """Take and release ``tenant``'s lock, trying for up to ``seconds``; how long it took."""
    started = time.monotonic()
    while True:
        try:
            with ledger.tenant_lock(tenant):
                return time.monotonic() - started
        except SyncLocked:
            if time.monotonic() - started > seconds:
                raise


def backdate(ledger: Ledger, tenant: str, age: dt.timedelta) -> None:
    with ledger.engine.begin() as conn:
        conn.execute(
            sa.update(ledger.sync_lock)
            .where(ledger.sync_lock.c.tenant == tenant)
            .values(acquired_at=ledger.now() - age)
        )


def test_a_killed_holders_lock_is_taken_over_at_once(ledger_url: str) -> None:
    ledger = Ledger(ledger_url)
    with holder(ledger_url, "acme") as process:
        with (
            pytest.raises(SyncLocked, match=f"pid {process.pid} on host {socket.gethostname()}"),
            ledger.tenant_lock("acme"),
        ):
            pass
        kill(process)
        assert take_within(ledger, "acme", SESSION_END) < SESSION_END  # not after an hour


def test_a_live_holder_is_never_timed_out(ledger_url: str) -> None:
    ledger = Ledger(ledger_url)
    with holder(ledger_url, "acme"):
        backdate(ledger, "acme", dt.timedelta(days=2))  # a long sync, or a clock that jumped
        with pytest.raises(SyncLocked, match="already being synced"), ledger.tenant_lock("acme"):
            pass


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="process start times are read from /proc")
def test_a_pid_reused_after_a_crash_does_not_keep_the_lock(tmp_path: Path) -> None:
    """A container restarted after a crash often gives its new processes the same pids: the pid
    alone would keep a dead sync's lock forever. The holder's start time tells them apart."""
    ledger = Ledger(f"sqlite:///{tmp_path / 'ledger.sqlite'}")
    with holder(ledger.url, "acme") as process:
        with ledger.engine.begin() as conn:  # the row now names a live pid that is not its holder
            host, pid, *rest = conn.execute(sa.select(ledger.sync_lock.c.owner)).scalar_one().split(":")
            conn.execute(sa.update(ledger.sync_lock).values(owner=":".join([host, str(os.getpid()), *rest])))
        assert int(pid) == process.pid
        assert take_within(ledger, "acme", 0) == pytest.approx(0, abs=1)


def test_a_lock_this_process_no_longer_holds_is_taken_over(tmp_path: Path) -> None:
    """A release the database refused (locked by another process at that moment) leaves this
    process's own row behind: a long-running ``health serve`` must not lock itself out."""
    ledger = Ledger(f"sqlite:///{tmp_path / 'ledger.sqlite'}")
    with ledger.engine.begin() as conn:
        conn.execute(
            sa.insert(ledger.sync_lock).values(
                tenant="acme", owner=str(LockOwner.this_process()), acquired_at=ledger.now()
            )
        )
    with (
        ledger.tenant_lock("acme"),
        pytest.raises(SyncLocked, match=f"pid {os.getpid()}"),
        Ledger(ledger.url).tenant_lock("acme"),
    ):
        pass  # while held, this process's other ledgers (threads) are refused as before


def test_a_lock_held_on_another_host_is_refused_not_timed_out(tmp_path: Path) -> None:
    """SQLite cannot tell whether a process on another machine still runs: refused, never guessed."""
    ledger = Ledger(f"sqlite:///{tmp_path / 'ledger.sqlite'}")
    with ledger.engine.begin() as conn:
        conn.execute(
            sa.insert(ledger.sync_lock).values(
                tenant="acme", owner="elsewhere:4242:1-1:0", acquired_at=ledger.now() - dt.timedelta(days=3)
            )
        )
    with pytest.raises(SyncLocked, match="pid 4242 on host elsewhere") as refused, ledger.tenant_lock("acme"):
        pass
    assert "DELETE FROM sync_lock WHERE tenant = 'acme'" in str(refused.value)


def test_a_killed_health_round_does_not_skip_the_next(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HEALTH_TEST_PASSWORD", "admin")
    ledger = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    with simulator() as sim:
        tenants = tmp_path / "tenants.yaml"
        tenants.write_text(tenants_yaml([tenant("acme", sim.url)]))
        with holder(ledger, "round") as process:
            assert main(["health", "tick", "--tenants", str(tenants), "--ledger", ledger]) == 3
            kill(process)  # a cron tick killed mid-round
            assert main(["health", "tick", "--tenants", str(tenants), "--ledger", ledger]) == 0
    out = capsys.readouterr().out
    assert '"tenant": "acme"' in out and ROUND_LOCK not in out
