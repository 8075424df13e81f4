"""SIGKILL a real ``odoo-harness sync`` at random points, then sync again to the end.

Per seed: a fresh database on a simulator served on 127.0.0.1 and a fresh SQLite ledger; odd
seeds first sync draft grants to the end (so the killed sync also renames, archives and adds);
then ``odoo-harness sync`` is SIGKILLed after a seeded random delay (a fraction of a whole
sync's time, measured on this machine first), and a second sync runs to the end. Then:

- that sync exits 0 at once: the dead sync's lock does not lock the tenant out;
- no duplicate and nothing lost in Odoo (read back with ``harness.scenarios.invariants``);
- no idempotency key left ``pending``, and no ``sync_log`` row left ``sending``;
- one ``sync_log`` row per call the server received (its ``/__sim__/stats``): the row of the one
  call in flight at the kill may be the only uncertain one (written before sending, its answer
  never came), and is then marked so.

Creates and writes answer 10 ms late (after Odoo committed them), so kills often land where Odoo
did the work and the sync never heard. The next sync starts once the server has finished what
the killed one sent, as a cron's next run does minutes later: no client can know of a request
Odoo is still executing for a process that is gone.

Python needs over a second to import the harness, so the syncs are forked from one helper process
that imported it once (``serve_runs``): each sync is still its own process, running the command
line's ``main(["sync", ...])`` until it ends or is killed. ``ODOO_HARNESS_CRASH_SEEDS`` runs more
seeds than CI's 50.
"""

from __future__ import annotations

import json
import logging
import os
import random
import signal
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from harness.engine.grants import parse_grants
from harness.engine.ledger import ANSWER_UNKNOWN, PENDING, SENDING, Ledger
from harness.engine.plan import PlanNames
from harness.scenarios.invariants import Reader, check_no_duplicates, check_nothing_lost, read_state
from simulator.app import SimulatorApp
from simulator.faults import parse_rules
from simulator.server import LoopbackServer, SocketGateway
from tests.support.odoo import VERSIONS

ROOT = Path(__file__).resolve().parents[2]
SEEDS = int(os.environ.get("ODOO_HARNESS_CRASH_SEEDS", "50"))
TENANT = "acme"
PASSWORD_ENV = "CRASH_ODOO_PASSWORD"
#: Every create and write answers late, after Odoo committed it.
LATE_ANSWERS = [
    {"model": "*", "method": method, "action": "slow_down", "seconds": 0.01} for method in ("create", "write")
]
#: A completing sync taking longer than this has hung.
HUNG = 60.0


def grants_text(draft: bool) -> str:
    """Four projects of three budget lines. ``draft`` is what an earlier sync wrote: a project and
    the lines of another under other names (renamed next), a project since dropped (archived
    next) and a line not yet added (created next)."""
    projects = [f"PRJ-{n:03}" for n in range(1, 5)] + (["PRJ-OLD"] if draft else [])
    text = [f"tenant: {TENANT}", "projects:"]
    for project in projects:
        renamed = " (draft)" if draft and project == "PRJ-001" else ""
        text += [f"  - id: {project}", f"    name: Project {project}{renamed}", "    donor: EU", "    budget_lines:"]
        for code, category in (("1.1", "HR"), ("2.1", "TRV"), ("3.1", "EQP")):
            if draft and code == "3.1" and project in ("PRJ-004", "PRJ-OLD"):
                continue
            renamed = " (draft)" if draft and project == "PRJ-002" else ""
            text.append(
                f'      - {{id: "{code}", name: Line {code} of {project}{renamed}, category: {category}, amount: 1000}}'
            )
    return "\n".join(text) + "\n"


# -- the helper process: forks one sync per request ------------------------------------------------


def serve_runs() -> None:
    """Read one JSON request per line (``argv``, ``output``, ``kill_after`` seconds or null), fork
    one process running ``main(argv)`` with its output in ``output``, SIGKILL it after
    ``kill_after`` if it still runs, and answer its exit code (``-9`` when killed) in one line."""
    from harness.cli import main

    for line in sys.stdin:
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            _child(main, request["argv"], request["output"])
        print(json.dumps({"code": _reap(pid, request["kill_after"])}), flush=True)


def _child(main: Callable[[list[str]], int], argv: list[str], output: str) -> None:
    code = 70
    try:
        descriptor = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.dup2(descriptor, 1)
        os.dup2(descriptor, 2)
        code = main(argv)
    except BaseException:
        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def _reap(pid: int, kill_after: float | None) -> int:
    """Wait for the child; kill it at ``kill_after`` (it is ours until reaped: no pid reuse)."""
    started = time.monotonic()
    deadline = HUNG if kill_after is None else kill_after
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        if deadline is not None and time.monotonic() - started >= deadline:
            os.kill(pid, signal.SIGKILL)
            deadline = None
        time.sleep(0.0005)


class Forker:
    """The test's end of ``serve_runs``."""

    def __init__(self, env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", "import tests.engine.test_crash_recovery as t; t.serve_runs()"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def run(self, argv: list[str], output: Path, kill_after: float | None = None) -> int:
        assert self.process.stdin and self.process.stdout
        self.process.stdin.write(json.dumps({"argv": argv, "output": str(output), "kill_after": kill_after}) + "\n")
        self.process.stdin.flush()
        return json.loads(self.process.stdout.readline())["code"]

    def close(self) -> None:
        assert self.process.stdin
        self.process.stdin.close()
        self.process.wait(timeout=10)


# -- the server side --------------------------------------------------------------------------------


class InFlight:
    """WSGI middleware counting requests being served, so a test can wait for a quiet server."""

    def __init__(self, app: Callable) -> None:
        self.app = app
        self.busy = 0
        self.last = time.monotonic()
        self.lock = threading.Lock()

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        with self.lock:
            self.busy += 1
        try:
            return list(self.app(environ, start_response))
        finally:
            with self.lock:
                self.busy -= 1
                self.last = time.monotonic()

    def wait_quiet(self, quiet: float = 0.02) -> None:
        """Until nothing has been served for ``quiet`` seconds."""
        while True:
            with self.lock:
                idle = not self.busy and time.monotonic() - self.last >= quiet
            if idle:
                return
            time.sleep(0.005)


class Odoo:
    def __init__(self, version: str) -> None:
        self.app = SimulatorApp(version)
        self.app.faults.replace(parse_rules(LATE_ANSWERS))
        self.served = InFlight(self.app)
        self.server = LoopbackServer(self.served, f"crash-{version}", gateway=SocketGateway).start()

    def calls(self) -> int:
        return self.app.stats()["calls"]


@contextmanager
def servers() -> Iterator[dict[str, Odoo]]:
    started = {version: Odoo(version) for version in VERSIONS}
    try:
        yield started
    finally:
        for odoo in started.values():
            odoo.server.stop()


# -- one seed ---------------------------------------------------------------------------------------


class Seed:
    def __init__(self, number: int, odoo: Odoo, folder: Path, forker: Forker) -> None:
        self.number, self.odoo, self.forker = number, odoo, forker
        self.folder = folder / f"seed-{number}"
        self.folder.mkdir()
        self.db = f"seed{number}"
        odoo.app.registry.create(self.db)
        self.ledger_url = f"sqlite:///{self.folder / 'ledger.sqlite'}"

    def sync(self, run: str, draft: bool = False, kill_after: float | None = None) -> int:
        """One ``odoo-harness sync`` named ``run`` (its output: ``output(run)``)."""
        grants = self.folder / ("draft.yaml" if draft else "grants.yaml")
        grants.write_text(grants_text(draft))
        return self.forker.run(
            [
                "sync",
                "--tenant",
                TENANT,
                "--grants",
                str(grants),
                "--url",
                self.odoo.server.url,
                "--db",
                self.db,
                "--login",
                "admin",
                "--password-env",
                PASSWORD_ENV,
                "--ledger",
                self.ledger_url,
            ],
            self.folder / f"{run}.txt",
            kill_after,
        )

    def output(self, run: str) -> str:
        return (self.folder / f"{run}.txt").read_text()

    def crash_and_recover(self, whole_sync: float) -> list[str]:
        """Kill one sync at a seeded random point, sync to the end, check; the problems found."""
        before = self.odoo.calls()
        if self.number % 2 and self.sync("draft", draft=True) != 0:
            return [f"the draft sync failed:\n{self.output('draft')}"]
        delay = random.Random(self.number).uniform(0, whole_sync)
        killed = self.sync("killed", kill_after=delay)
        self.odoo.served.wait_quiet()
        code = self.sync("next")
        received = self.odoo.calls() - before
        if code != 0:
            return [
                f"killed after {delay * 1000:.0f} ms (exit {killed}); the next sync exited {code}:\n"
                f"{self.output('next')}"
            ]
        return [f"killed after {delay * 1000:.0f} ms: {problem}" for problem in self.check(received)]

    def check(self, received: int) -> list[str]:
        ledger = Ledger(self.ledger_url)
        problems = self.check_log(ledger, received)
        problems += [f"key {key['key']} left pending" for key in ledger.tenant_keys(TENANT) if key["status"] == PENDING]
        state = read_state(Reader(self.odoo.server.url, self.db, "admin", "admin"), PlanNames())
        problems += check_no_duplicates(state, ledger, TENANT)
        problems += check_nothing_lost(state, parse_grants(grants_text(draft=False)), PlanNames())
        ledger.engine.dispose()
        return problems

    @staticmethod
    def check_log(ledger: Ledger, received: int) -> list[str]:
        rows = ledger.log_rows(TENANT)
        sent = [row for row in rows if row["outcome"] == "sent"]
        unknown = sum(row["error"] == ANSWER_UNKNOWN for row in sent)
        problems = [f"sync_log row {row['id']} left {SENDING!r}" for row in rows if row["outcome"] == SENDING]
        if not len(sent) - unknown <= received <= len(sent) or unknown > 1:
            problems.append(
                f"the server received {received} calls; sync_log has {len(sent)} rows of calls "
                f"sent, {unknown} of them with no answer"
            )
        return problems


def test_syncs_killed_at_random_points_leave_nothing_behind(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.ERROR, logger="odoo.addons.rpc.controllers.xmlrpc")  # 19.0's deprecation notes
    forker = Forker({**os.environ, PASSWORD_ENV: "admin", "PYTHONPATH": str(ROOT)})
    problems: list[str] = []
    started = time.monotonic()
    try:
        with servers() as odoos:
            calibration = Seed(-1, odoos[VERSIONS[0]], tmp_path, forker)
            timer = time.monotonic()
            assert calibration.sync("whole") == 0, calibration.output("whole")
            whole_sync = time.monotonic() - timer
            for number in range(SEEDS):
                seed = Seed(number, odoos[VERSIONS[number % len(VERSIONS)]], tmp_path, forker)
                problems += [
                    f"seed {number} (Odoo {seed.odoo.app.version}): {problem}"
                    for problem in seed.crash_and_recover(whole_sync)
                ]
    finally:
        forker.close()
    elapsed = time.monotonic() - started
    print(f"{SEEDS} seeds in {elapsed:.1f} s (a whole sync: {whole_sync * 1000:.0f} ms)")
    assert problems == [], "\n".join(problems[:40]) + (f"\n... {len(problems) - 40} more" if len(problems) > 40 else "")
