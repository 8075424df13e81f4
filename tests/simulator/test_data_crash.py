"""``simulate --data FILE`` survives kill -9 at any point: the file is the one source of truth.

- Restarts change nothing: a database started and SIGKILLed again and again holds, statement for
  statement of its SQL dump, what it held (its ir.model.fields rows, API keys and sequences).
- Passwords, API keys and the journal (``/__sim__/journal``) survive a restart.
- An id and the sequence that handed it out are committed together: before every statement the
  store runs, the file as a crash would leave it (another connection's reading) has each sequence
  at or past its table's highest id.
- End to end: ``odoo-harness simulate --data F`` as a real process, a real ``odoo-harness sync``
  against it, the simulator SIGKILLed at seeded random points mid-sync (a seeded moment of a
  seeded call: before its commit, between the commit and the answer, between calls) and
  restarted on the same file and port while the sync retries, then the sync run again to the
  end: no duplicate, nothing lost, creates still work, no ir.model.fields row twice, and the
  journal goes on from where it stopped and accounts for every record made.
- A file of another version, or of no Odoo database, is refused in one line.
"""

from __future__ import annotations

import difflib
import json
import os
import queue
import random
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.request
import xmlrpc.client
from collections import Counter
from contextlib import closing
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Self

import pytest

from harness.engine.grants import parse_grants
from harness.engine.ledger import Ledger
from harness.engine.plan import PlanNames
from harness.scenarios.invariants import Reader, check_no_duplicates, check_nothing_lost, read_state
from simulator.app import SimulatorApp
from simulator.server import SimServer
from tests.support.engine import GRANTS
from tests.support.odoo import Odoo

ROOT = Path(__file__).resolve().parents[2]
#: ``odoo-harness`` as its own process.
COMMAND = (sys.executable, "-m", "harness.cli")
#: How long a simulator may take to start (the first start seeds the file) or a sync to finish.
STARTUP = 60.0
HUNG = 60.0
TENANT = "acme"
PASSWORD_ENV = "DATA_CRASH_ODOO_PASSWORD"
RESTARTS = 3
#: Creates and writes answer late, after the simulator committed them: kills often land there.
LATE = 0.1
LATE_ANSWERS = [
    {"model": "*", "method": method, "action": "slow_down", "seconds": LATE} for method in ("create", "write")
]


class Simulator:
    """``odoo-harness simulate --data`` in a process of its own, from its banner to its SIGKILL."""

    def __init__(self, data: Path, version: str, log: Path, port: int = 0) -> None:
        self.version = version
        self.log = log.open("a")
        self.process = subprocess.Popen(
            [*COMMAND, "simulate", "--odoo-version", version, "--port", str(port), "--data", str(data)],
            cwd=ROOT,
            env={**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONPATH": str(ROOT)},
            stdout=subprocess.PIPE,
            stderr=self.log,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=_pump, args=(self.process.stdout, self.lines), daemon=True).start()

    def wait_started(self) -> Self:
        """Until the banner (its URL and, on 19.0, admin's API key) is printed."""
        first = self.lines.get(timeout=STARTUP)
        assert " simulator on http://127.0.0.1:" in first, Path(self.log.name).read_text()[-2000:]
        self.url = first.split(" on ")[1].split()[0]
        self.port = int(self.url.rsplit(":", 1)[1])
        self.key: str | None = None
        if self.version == "19.0":
            self.key = self.lines.get(timeout=STARTUP).split("API key for admin: ")[1].split()[0]
        return self

    def call(self, model: str, method: str, *args: Any, password: str = "admin", **kwargs: Any) -> Any:
        proxy = xmlrpc.client.ServerProxy(f"{self.url}/xmlrpc/2/object", allow_none=True)
        return proxy.execute_kw("odoo", 2, password, model, method, list(args), kwargs)

    def control(self, path: str, payload: object | None = None) -> Any:
        data = None if payload is None else json.dumps(payload).encode()
        request = urllib.request.Request(self.url + path, data=data, headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())

    def calls(self) -> int:
        """The RPC calls it has received since it started."""
        return self.control("/__sim__/stats")["calls"]

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(timeout=10)
        self.log.close()

    def __enter__(self) -> Self:
        return self.wait_started()

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.kill()


def _pump(stream: IO[str], lines: queue.Queue[str]) -> None:
    """The process's output, line by line, then ``""`` once it has ended."""
    with stream:
        for line in stream:
            lines.put(line)
    lines.put("")


def unused_port() -> int:
    """A free port below the kernel's ephemeral range (``ip_local_port_range``: 32768 on), so that
    no client's outgoing connection takes it while the simulator that listens on it restarts."""
    candidates = random.Random(os.getpid()).sample(range(20000, 32768), 50)
    for port in candidates:
        with closing(socket.socket()) as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise AssertionError("no free port between 20000 and 32767")


def dump(data: Path) -> list[str]:
    """The file's whole SQL dump, as another process opening it after a crash reads it."""
    with closing(sqlite3.connect(data)) as conn:
        return list(conn.iterdump())


def first_difference(before: list[str], after: list[str]) -> str:
    return "\n".join(list(difflib.unified_diff(before, after, lineterm="", n=0))[:12])


# -- restarts ----------------------------------------------------------------------------------


def test_restarts_change_nothing(tmp_path: Path) -> None:
    """19.0 (plan columns on every mixin model, an API key printed at each start): three plans made,
    then the simulator SIGKILLed and started again on its file, again and again."""
    data, log = tmp_path / "sim.sqlite", tmp_path / "simulate.log"
    with Simulator(data, "19.0", log) as sim:
        for name in ("Crash A", "Crash B", "Crash C"):
            sim.call("account.analytic.plan", "create", {"name": name})
        keys = [sim.key]
        manual = [sim.call("ir.model.fields", "search_count", [("state", "=", "manual")])]
    dumps = [dump(data)]
    for _restart in range(RESTARTS):
        with Simulator(data, "19.0", log) as sim:
            keys.append(sim.key)
            # the key as a password (authenticate would note a login: a change of the test's making)
            manual.append(sim.call("ir.model.fields", "search_count", [("state", "=", "manual")], password=sim.key))
        dumps.append(dump(data))
    assert len(set(keys)) == 1, keys
    assert len(set(manual)) == 1 and manual[0] > 0, manual
    changed = [(n, first_difference(dumps[0], later)) for n, later in enumerate(dumps[1:], 1) if later != dumps[0]]
    assert changed == [], "\n".join(f"after restart {n}:\n{diff}" for n, diff in changed)


def test_passwords_api_keys_and_the_journal_survive_a_restart(tmp_path: Path) -> None:
    data = tmp_path / "sim.sqlite"
    app = SimulatorApp("17.0", data=data)
    with SimServer(app) as server:
        odoo = Odoo(server)
        bob = odoo.call("res.users", "create", {"name": "Bob", "login": "bob", "password": "bob-1"})
        odoo.call("res.users", "write", [2], {"password": "admin-2"})
        odoo.password = "admin-2"
        request = urllib.request.Request(
            server.url + "/__sim__/passwords",
            data=json.dumps({"db": "odoo", "login": "bob", "password": "bob-2"}).encode(),
            headers={"Content-Type": "application/json"},
        )
        urllib.request.urlopen(request).read()
        key = app.issue_api_key("bob")
        odoo.call("res.partner", "create", {"name": "Kept"})
        odoo.fault("res.partner", "create", [{"name": "ok"}, {"name": "bad", "nope": 1}])
        journal = app.journal()["odoo"]
    app.registry.get("odoo").store.close()
    assert [(e["model"], e["method"], e["committed"]) for e in journal] == [
        ("res.users", "create", True),
        ("res.users", "write", True),
        ("res.partner", "create", True),
        ("res.partner", "create", False),
    ]
    with SimServer(SimulatorApp("17.0", data=data)) as server:
        common = Odoo(server).common()
        assert [
            common.authenticate("odoo", "admin", "admin-2", {}),
            common.authenticate("odoo", "admin", "admin", {}),
            common.authenticate("odoo", "bob", "bob-2", {}),
            common.authenticate("odoo", "bob", "bob-1", {}),
            common.authenticate("odoo", "bob", key, {}),
        ] == [2, False, bob, False, bob]
        assert server.app.journal()["odoo"] == journal


# -- sequences -----------------------------------------------------------------------------------


def test_an_id_and_its_sequence_are_committed_together(tmp_path: Path) -> None:
    """Whatever statement a crash comes before, the file it leaves hands out no id it holds."""
    data = tmp_path / "sim.sqlite"
    app = SimulatorApp("18.0", data=data)
    store = app.registry.get("odoo").store
    tables = ("res_partner", "account_analytic_plan", "ir_model_fields")
    stale: list[str] = []

    def crash_before(statement: str) -> None:
        with closing(sqlite3.connect(f"file:{data}?mode=ro", uri=True)) as file:
            for table in tables:
                [(top,)] = file.execute(f'SELECT max(id) FROM "{table}"').fetchall()
                held = file.execute('SELECT value FROM "_sim_sequence" WHERE name = ?', (table,)).fetchall()
                if held and top and held[0][0] < top:
                    stale.append(f"before {statement[:60]!r}: {table} holds id {top}, its sequence {held[0][0]}")

    def call(model: str, method: str, *args: Any) -> Any:
        return app.services.dispatch("object", "execute_kw", ["odoo", 2, "admin", model, method, list(args)])

    store.conn.set_trace_callback(crash_before)
    try:
        call("res.partner", "create", [{"name": "One"}, {"name": "Two"}])
        call("account.analytic.plan", "create", {"name": "Crash plan"})
        with pytest.raises(Exception, match="nope"):
            call("res.partner", "create", [{"name": "ok"}, {"name": "bad", "nope": 1}])
    finally:
        store.conn.set_trace_callback(None)
    assert stale == [], "\n".join(stale[:10])
    with pytest.raises(RuntimeError), store.transaction():
        taken = store.next_id("res_partner")
        assert store.query('SELECT value FROM "_sim_sequence" WHERE name = ?', ("res_partner",)) == [(taken,)]
        raise RuntimeError("rolled back: the id stays used, as PostgreSQL's sequences do")
    store.close()
    reopened = SimulatorApp("18.0", data=data)
    assert (
        reopened.services.dispatch(
            "object", "execute_kw", ["odoo", 2, "admin", "res.partner", "create", [{"name": "After"}]]
        )
        == taken + 1
    )


# -- files the simulator cannot serve ------------------------------------------------------------


@pytest.mark.parametrize("held", ["16.0", "no database", "another SQLite database"])
def test_a_file_it_cannot_serve_is_refused_in_one_line(tmp_path: Path, held: str) -> None:
    data = tmp_path / "sim.sqlite"
    if held == "no database":
        data.write_text("not SQLite at all\n" * 100)
        expected = f"odoo-harness simulate: --data {data}: file is not a database\n"
    elif held == "another SQLite database":
        with closing(sqlite3.connect(data)) as other:
            other.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
        expected = f"odoo-harness simulate: --data {data}: it holds no Odoo database\n"
    else:
        SimulatorApp(held, data=data).registry.get("odoo").store.close()
        expected = (
            f"odoo-harness simulate: --data {data}: it holds an Odoo 16.0 database, not 18.0 "
            "(serve it with --odoo-version 16.0)\n"
        )
    result = subprocess.run(
        [*COMMAND, "simulate", "--odoo-version", "18.0", "--port", "0", "--data", str(data)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=STARTUP,
    )
    assert (result.returncode, result.stderr, result.stdout) == (2, expected, "")


# -- end to end: a real sync, the simulator SIGKILLed under it -----------------------------------

VERSION = "18.0"
#: Seeded kills: CI's three fall as a create arrives (before its commit) and between a create's
#: commit and its answer; ``ODOO_HARNESS_SIM_KILLS`` runs more (writes, reads, the project's create).
KILLS = int(os.environ.get("ODOO_HARNESS_SIM_KILLS", "3"))
#: The calls every sync after the first makes: version, two reads, four creates and writes.
CALLS = 7
#: How often the test looks at the simulator's call counter.
POLL = 0.005


def grants_text(round_: int) -> str:
    """The grants of one round: GRANTS and a project of that round (the last round's is archived)."""
    return GRANTS + (
        f"  - id: PRJ-R{round_}\n    name: Round {round_}\n    donor: EU\n    budget_lines:\n"
        f'      - {{id: "1.1", name: Staff of round {round_}, category: HR, amount: 1000}}\n'
    )


class Syncs:
    """``odoo-harness sync`` of one tenant as real processes, each with its output kept."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.ledger_url = f"sqlite:///{folder / 'ledger.sqlite'}"
        self.runs = 0

    def start(self, url: str, round_: int) -> subprocess.Popen:
        self.runs += 1
        grants = self.folder / f"grants-{self.runs}.yaml"
        grants.write_text(grants_text(round_))
        self.output = self.folder / f"sync-{self.runs}.txt"
        target = ["--url", url, "--db", "odoo", "--login", "admin", "--password-env", PASSWORD_ENV]
        return subprocess.Popen(
            [*COMMAND, "sync", "--tenant", TENANT, "--grants", str(grants), *target, "--ledger", self.ledger_url],
            cwd=ROOT,
            env={**os.environ, PASSWORD_ENV: "admin", "PYTHONPATH": str(ROOT)},
            stdout=self.output.open("w"),
            stderr=subprocess.STDOUT,
        )

    def run(self, url: str, round_: int) -> None:
        """One sync to the end: it must succeed."""
        code = self.start(url, round_).wait(timeout=HUNG)
        assert code == 0, self.output.read_text()


#: The models the sync creates in, whose records the journal must account for.
SYNCED = ("account.analytic.plan", "account.analytic.account", "project.project")


def held(sim: Simulator) -> set[tuple[str, int]]:
    """Every record of ``SYNCED`` the database holds, archived ones too."""
    return {
        (model, record_id)
        for model in SYNCED
        for record_id in sim.call(model, "search", [], context={"active_test": False})
    }


def check_round(sim: Simulator, syncs: Syncs, round_: int, seeded: set, journal_before: list[dict]) -> list[dict]:
    """After a round's sync ran to the end on a restarted simulator: the invariants, and the journal
    it answers now (which must go on from ``journal_before``)."""
    state = read_state(Reader(sim.url, "odoo", "admin", "admin"), PlanNames())
    ledger = Ledger(syncs.ledger_url)
    problems = check_no_duplicates(state, ledger, TENANT)
    ledger.engine.dispose()
    problems += check_nothing_lost(state, parse_grants(grants_text(round_)), PlanNames())
    journal = sim.control("/__sim__/journal")["odoo"]
    if journal[: len(journal_before)] != journal_before:
        problems.append(f"the journal lost entries: {len(journal_before)} before the kill, {len(journal)} now")
    created = {
        (entry["model"], record_id)
        for entry in journal
        if entry["method"] == "create" and entry["committed"]
        for record_id in entry["ids"]
    }
    problems += [
        f"{model} {i}: in the database, not in the journal" for model, i in sorted(held(sim) - seeded - created)
    ]
    fields = sim.call("ir.model.fields", "search_read", [("state", "=", "manual")], fields=["model", "name"])
    twice = [key for key, count in Counter((f["model"], f["name"]) for f in fields).items() if count > 1]
    problems += [f"ir.model.fields {model}.{name} registered twice" for model, name in twice]
    assert problems == [], "\n".join(problems)
    sim.call("res.partner", "create", {"name": f"Created after round {round_}"})  # no UNIQUE constraint failed
    return sim.control("/__sim__/journal")["odoo"]


def kill_mid_sync(sim: Simulator, sync: subprocess.Popen, rng: random.Random) -> tuple[str, bool]:
    """SIGKILL the simulator at a seeded point of the sync: ``offset`` into its ``call``-th call
    (creates and writes are committed, then answered ``LATE`` later: the kill falls before a commit,
    between it and its answer, or between calls). The call's arrival is seen on the simulator's call
    counter, polled: no event crosses from one process to the other. Where it fell, and whether the
    sync was still running."""
    call, offset = rng.randint(1, CALLS), rng.uniform(0, LATE * 1.5)
    base, deadline = sim.calls(), time.monotonic() + HUNG
    while sim.calls() - base < call and sync.poll() is None:
        assert time.monotonic() < deadline, "the sync made no progress"
        time.sleep(POLL)
    time.sleep(offset)  # the seeded point within the call, not a wait for anything
    running = sync.poll() is None
    sim.kill()
    return f"call {call} + {offset * 1000:.0f} ms", running


def test_a_simulator_killed_mid_sync_loses_nothing(tmp_path: Path) -> None:
    data, log = tmp_path / "sim.sqlite", tmp_path / "simulate.log"
    syncs = Syncs(tmp_path)
    sim = Simulator(data, VERSION, log, port=unused_port())
    started = time.monotonic()
    try:
        sim.wait_started()
        seeded = held(sim)
        syncs.run(sim.url, round_=0)
        journal = check_round(sim, syncs, 0, seeded, [])
        points = []
        for round_ in range(1, KILLS + 1):
            sim.control("/__sim__/faults", LATE_ANSWERS)
            in_flight = syncs.start(sim.url, round_)
            points.append(kill_mid_sync(sim, in_flight, random.Random(f"kill {round_}")))
            sim = Simulator(data, VERSION, log, port=sim.port).wait_started()
            assert in_flight.wait(timeout=HUNG) in (0, 1), syncs.output.read_text()
            syncs.run(sim.url, round_)
            journal = check_round(sim, syncs, round_, seeded, journal)
    finally:
        sim.kill()
    assert any(running for _point, running in points), points
    with closing(sqlite3.connect(data)) as file:
        behind = [
            (name, value, top)
            for name, value in file.execute('SELECT name, value FROM "_sim_sequence"').fetchall()
            for (top,) in file.execute(f'SELECT max(id) FROM "{name}"').fetchall()
            if top and value < top
        ]
    assert behind == []
    print(f"killed at {[point for point, _running in points]}; {time.monotonic() - started:.1f} s")
