"""Load: many tenants syncing into one Odoo under faults (loadtests/locustfile.py, harness/load.py).

locust runs in subprocesses (it monkey-patches the standard library with gevent) against a
simulator in this process: one process, or a master and two workers on loopback (locust's
distributed mode); every run is bounded in syncs per user and in seconds.
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
import time
import xmlrpc.client
from contextlib import ExitStack
from pathlib import Path

import pytest

from harness.engine.ledger import Ledger
from harness.engine.sync import SyncEngine
from harness.engine.transport import WSGITransport
from harness.load import (
    TENANTS_PER_WORKER,
    LoadError,
    LoadSettings,
    LoadTenant,
    TenantState,
    finish,
    renamed_line,
    tenant_number,
)
from harness.scenarios import invariants
from harness.scenarios.fake import generate_grants
from simulator.app import SimulatorApp
from simulator.server import SimServer
from tests.support.health import free_port, set_faults, simulator

LOCUSTFILE = Path(__file__).resolve().parents[2] / "loadtests" / "locustfile.py"
FAULTS = [  # seeded: the same calls fail on every run
    {
        "model": "account.analytic.*",
        "method": "create",
        "action": "drop_response_after_commit",
        "probability": 0.15,
        "seed": 3,
    },
    {"model": "*", "method": "search_read", "action": "http_status", "status": 503, "probability": 0.05, "seed": 4},
    {
        "model": "*",
        "method": "write",
        "action": "odoo_fault",
        "fault": "serialization_failure",
        "probability": 0.1,
        "seed": 5,
    },
]


def load_env(tmp_path: Path, password: str, extra_env: dict[str, str] | None) -> dict[str, str]:
    return {
        **os.environ,
        "ODOO_DB": "odoo",
        "ODOO_PASSWORD": password,
        "LOAD_SYNCS": "3",
        "LOAD_PROJECTS": "3",
        "LOAD_SUMMARY": str(tmp_path / "summary.json"),
        "LOAD_LEDGER": f"sqlite:///{tmp_path / 'ledger.sqlite'}",
        "LOAD_MAX_SECONDS": "90",
        **(extra_env or {}),
    }


def locust_command(*options: str) -> list[str]:
    return [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), *options]


def head_options(url: str, tmp_path: Path, users: int) -> list[str]:
    """What the process that runs the test (alone, or as the master) is given."""
    return ["--headless", "-u", str(users), "-r", str(users), "--run-time", "90s", "--host", url,
            "--json-file", str(tmp_path / "stats")]  # fmt: skip


def summary_of(tmp_path: Path) -> dict | None:
    summary = tmp_path / "summary.json"
    return json.loads(summary.read_text()) if summary.exists() else None


def run_locust(
    url: str, tmp_path: Path, users: int, password: str = "admin", extra_env: dict[str, str] | None = None
) -> tuple[subprocess.CompletedProcess, dict | None]:
    process = subprocess.run(
        locust_command(*head_options(url, tmp_path, users)),
        env=load_env(tmp_path, password, extra_env),
        capture_output=True,
        text=True,
        timeout=180,
    )
    return process, summary_of(tmp_path)


def start_distributed(
    stack: ExitStack, url: str, tmp_path: Path, users: int, extra_env: dict[str, str] | None = None
) -> tuple[subprocess.Popen, list[subprocess.Popen]]:
    """A master and two workers on loopback, on a port of their own; each one's output in a file."""
    env, port = load_env(tmp_path, "admin", extra_env), str(free_port())

    def start(name: str, options: list[str]) -> subprocess.Popen:
        output = stack.enter_context((tmp_path / f"{name}.out").open("w"))
        process = subprocess.Popen(
            locust_command(*options), env=env, stdout=output, stderr=subprocess.STDOUT, text=True
        )
        stack.callback(_ended, process)
        return process

    distributed = ["--master", "--master-bind-host", "127.0.0.1", "--master-bind-port", port]
    master = start("master", [*head_options(url, tmp_path, users), *distributed, "--expect-workers", "2"])
    workers = [start(f"worker{n}", ["--worker", "--master-host", "127.0.0.1", "--master-port", port]) for n in range(2)]
    return master, workers


def _ended(process: subprocess.Popen) -> None:
    """Bounded: a process still running after the run's bound is killed (and the test then fails)."""
    try:
        process.wait(timeout=150)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def finished(stack: ExitStack, tmp_path: Path) -> dict[str, str]:
    """Every process waited for; what each printed."""
    stack.close()
    return {path.stem: path.read_text() for path in tmp_path.glob("*.out")}


def test_tenants_under_faults_converge_with_no_duplicates_and_a_complete_log(tmp_path: Path) -> None:
    with simulator() as sim:
        set_faults(sim, FAULTS)
        process, summary = run_locust(sim.url, tmp_path, users=8)
    assert process.returncode == 0, process.stdout + process.stderr
    assert summary["ok"] and summary["tenants"] == 8 and summary["syncs"] == 24
    assert summary["problems"] == {tenant: [] for tenant in summary["problems"]}
    assert "invariants hold" in process.stdout
    rows = {(row["method"], row["name"]): row for row in json.loads((tmp_path / "stats.json").read_text())}
    failed_calls = sum(row["num_failures"] for (kind, _name), row in rows.items() if kind == "xmlrpc")
    assert failed_calls > 0 and sum(summary["faults"].values()) >= failed_calls  # faults happened, and were survived
    assert (rows["sync", "first sync"]["num_requests"], rows["sync", "re-sync"]["num_requests"]) == (8, 16)
    assert rows["sync", "first sync"]["num_failures"] == 0


def test_json2_tenants_each_on_a_key_of_their_own_converge_under_faults(tmp_path: Path) -> None:
    """LOAD_API=json2 on 19.0: no password, a key per tenant from the control API, every call of
    the engine and of the checks over JSON-2 (the simulator counts each XML-RPC request as
    deprecated), the same seeded faults survived and the invariants read back."""
    with SimServer(SimulatorApp("19.0")) as sim:
        set_faults(sim, FAULTS)
        process, summary = run_locust(sim.url, tmp_path, users=4, password="", extra_env={"LOAD_API": "json2"})
        stats = sim.app.stats()
        models = xmlrpc.client.ServerProxy("http://sim/xmlrpc/2/object", transport=WSGITransport(sim.app))
        keys = models.execute_kw("odoo", 2, "admin", "res.users.apikeys", "search_count", [[]])
    assert process.returncode == 0, process.stdout + process.stderr
    assert summary["ok"] and summary["tenants"] == 4 and summary["syncs"] == 12
    assert keys == 4 and stats["deprecated_calls"] == {}
    assert (
        stats["by_method"]["res.users.context_get"] >= 4 and "account.analytic.plan.search_read" in stats["by_method"]
    )
    rows = {(row["method"], row["name"]): row for row in json.loads((tmp_path / "stats.json").read_text())}
    assert {kind for kind, _name in rows} == {"json2", "sync"}
    names = {name for kind, name in rows if kind == "json2"}  # as the simulator names them
    assert {"json.version", "res.users.context_get", "account.analytic.plan.create"} <= names <= set(stats["by_method"])
    failed_calls = sum(row["num_failures"] for (kind, _name), row in rows.items() if kind == "json2")
    assert failed_calls > 0 and sum(summary["faults"].values()) >= failed_calls
    assert (rows["sync", "first sync"]["num_requests"], rows["sync", "re-sync"]["num_requests"]) == (4, 8)


def test_json2_without_a_key_to_be_had_is_one_line(tmp_path: Path) -> None:
    """No ODOO_API_KEY and no control API to issue one: exit code 2, the reason, no traceback."""
    url = f"http://127.0.0.1:{free_port()}"
    settings = LoadSettings.from_env(url, {"LOAD_API": "json2"})
    with pytest.raises(LoadError, match=r"^LOAD_API=json2: ODOO_API_KEY is not set and no key could be issued: POST"):
        LoadTenant.start(1, settings, Ledger(f"sqlite:///{tmp_path / 'ledger.sqlite'}"), lambda *call: None)
    process, summary = run_locust(url, tmp_path, users=2, password="", extra_env={"LOAD_API": "json2"})
    assert process.returncode == 2 and summary is None
    assert "loadtests: LOAD_API=json2: ODOO_API_KEY is not set" in process.stderr
    assert "Traceback" not in process.stderr


def test_the_exit_code_is_the_invariants_verdict(tmp_path: Path) -> None:
    with simulator() as sim:
        process, summary = run_locust(sim.url, tmp_path, users=2, password="not-the-password")
    assert process.returncode == 1, process.stdout + process.stderr
    assert not summary["ok"] and all(
        any("final sync failed" in p and "authentication refused" in p for p in found)
        for found in summary["problems"].values()
    )
    assert "not-the-password" not in process.stdout + process.stderr + json.dumps(summary)


def test_only_loopback_is_loaded(tmp_path: Path) -> None:
    process, summary = run_locust("http://192.0.2.10:8069", tmp_path, users=1)
    assert process.returncode == 2 and summary is None
    assert "load tests target loopback only" in process.stderr


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({}, "ODOO_PASSWORD is not set"),
        ({"ODOO_PASSWORD": "x", "LOAD_SYNCS": "many"}, "LOAD_SYNCS='many': not a whole number"),
        ({"ODOO_PASSWORD": "x", "LOAD_SYNCS": "0"}, "LOAD_SYNCS=0: must be between 1 and 1000"),
        ({"ODOO_PASSWORD": "x", "LOAD_MAX_SECONDS": "86400"}, "LOAD_MAX_SECONDS=86400: must be between 1 and 3600"),
        ({"ODOO_PASSWORD": "x", "LOAD_API": "soap"}, "LOAD_API='soap': expected xmlrpc or json2"),
    ],
)
def test_bad_settings_are_named(environ: dict, message: str) -> None:
    with pytest.raises(LoadError, match=message):
        LoadSettings.from_env("http://127.0.0.1:8069", environ)


def test_a_re_sync_renames_one_line_round_robin() -> None:
    grants = generate_grants(1, 3, 2)
    once = renamed_line(grants, 1)
    assert once.projects[1].budget_lines[0].name == f"{grants.projects[1].budget_lines[0].name} #1"
    assert once.projects[0] == grants.projects[0] and once.projects[2] == grants.projects[2]
    assert renamed_line(once, 4).projects[1].budget_lines[0].name.endswith(" #4")  # renamed again, not appended


def _tenants(sim: SimServer, tmp_path: Path, count: int) -> tuple[list[LoadTenant], LoadSettings, list]:
    settings = LoadSettings.from_env(sim.url, {"ODOO_PASSWORD": "admin", "LOAD_SYNCS": "2", "LOAD_RUN": "t"})
    ledger = Ledger(f"sqlite:///{tmp_path / 'ledger.sqlite'}")
    reported: list = []
    return (
        [LoadTenant.start(n, settings, ledger, lambda *call: reported.append(call)) for n in range(1, count + 1)],
        settings,
        reported,
    )


def test_without_the_read_back_lost_creates_show_as_duplicates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(SyncEngine, "_resolve", lambda self, pending, result, todo: todo)
    with simulator() as sim:
        tenants, settings, reported = _tenants(sim, tmp_path, 2)
        since = invariants.write_clock()
        set_faults(
            sim,
            [
                {
                    "model": "account.analytic.account",
                    "method": "create",
                    "action": "drop_response_after_commit",
                    "times": 1,
                }
            ],
        )
        for tenant in tenants:
            tenant.sync()
        summary = finish(tenants, settings, since)
    assert not summary.ok
    assert any("duplicate account" in problem for problem in summary.problems["load-t-001"])
    assert any(exc is not None for _name, _ms, _size, exc in reported)  # the lost answer was reported as failed


def test_every_call_is_reported_and_counted_against_the_log(tmp_path: Path) -> None:
    with simulator() as sim:
        tenants, settings, reported = _tenants(sim, tmp_path, 1)
        since = invariants.write_clock()
        while not tenants[0].done:
            tenants[0].sync()
        summary = finish(tenants, settings, since)
    assert summary.ok, summary.text()
    assert summary.calls == tenants[0].sent == len(reported)  # the final sync's calls included
    names = {name for name, *_rest in reported}
    assert {"authenticate", "account.analytic.plan.create", "account.analytic.account.write"} <= names


def test_a_master_and_two_workers_sync_apart_and_the_master_alone_checks(tmp_path: Path) -> None:
    """Distributed on loopback under the seeded faults: both workers ran tenants of their own
    (numbers 1.. and 1001..), every sync reached the master's statistics, and the invariants were
    checked once, by the master, whose exit code says they held."""
    with simulator() as sim, ExitStack() as stack:
        set_faults(sim, FAULTS)
        master, workers = start_distributed(stack, sim.url, tmp_path, users=4, extra_env={"LOAD_RUN": "d"})
        outputs = finished(stack, tmp_path)
        by_method = sim.app.stats()["by_method"]
    assert master.returncode == 0, outputs
    assert [worker.returncode for worker in workers] == [0, 0], outputs
    summary = summary_of(tmp_path)
    assert summary["ok"] and summary["tenants"] == 4 and summary["syncs"] == 12
    assert summary["workers"] == {"0": 6, "1": 6}  # both workers connected, each synced its 2 tenants 3 times
    assert sorted(summary["problems"]) == ["load-d-001", "load-d-002", "load-d-1001", "load-d-1002"]
    assert outputs["master"].count("invariants hold") == 1
    assert not any("odoo-harness load:" in outputs[name] for name in ("worker0", "worker1"))
    assert by_method["account.analytic.plan.create"] >= 4  # every tenant made plans of its own
    rows = {(row["method"], row["name"]): row for row in json.loads((tmp_path / "stats.json").read_text())}
    assert (rows["sync", "first sync"]["num_requests"], rows["sync", "re-sync"]["num_requests"]) == (4, 8)
    failed_calls = sum(row["num_failures"] for (kind, _name), row in rows.items() if kind == "xmlrpc")
    assert failed_calls > 0 and sum(summary["faults"].values()) >= failed_calls
    # the final syncs' calls, sent by the master, are counted with the workers' calls: the log matches
    assert summary["calls"] > sum(row["num_requests"] for (kind, _name), row in rows.items() if kind == "xmlrpc")


def test_a_forbidden_write_during_a_distributed_run_makes_the_master_fail(tmp_path: Path) -> None:
    """Planted: while the workers sync, the engine's user writes one of finance's partners.
    The master's check (since the load started) finds it, and the master exits 1."""
    with simulator() as sim, ExitStack() as stack:
        master, _workers = start_distributed(stack, sim.url, tmp_path, users=2, extra_env={"LOAD_SYNCS": "6"})
        deadline = time.monotonic() + 60
        while "account.analytic.account.create" not in sim.app.stats()["by_method"] and time.monotonic() < deadline:
            time.sleep(0.05)
        models = xmlrpc.client.ServerProxy("http://sim/xmlrpc/2/object", transport=WSGITransport(sim.app))
        models.execute_kw("odoo", 2, "admin", "res.partner", "create", [{"name": "Not the engine's to write"}])
        outputs = finished(stack, tmp_path)
    assert master.returncode == 1, outputs
    summary = summary_of(tmp_path)
    assert not summary["ok"] and set(summary["workers"]) == {"0", "1"}
    assert any(
        "forbidden mutation: 1 res.partner" in problem for found in summary["problems"].values() for problem in found
    )
    assert "invariants BROKEN" in outputs["master"]


def test_tenant_numbers_are_apart_per_worker_and_bounded() -> None:
    assert [tenant_number(0, 1), tenant_number(0, 2), tenant_number(1, 1)] == [1, 2, TENANTS_PER_WORKER + 1]
    with pytest.raises(LoadError, match=f"^-u: at most {TENANTS_PER_WORKER - 1} tenants per worker process"):
        tenant_number(1, TENANTS_PER_WORKER)


def test_a_tenant_resumed_from_its_state_carries_on_where_the_worker_left_it(tmp_path: Path) -> None:
    """What a worker reports is enough for the master: the same grants, counts and ledger rows."""
    with simulator() as sim:
        tenants, settings, _reported = _tenants(sim, tmp_path, 1)
        since = invariants.write_clock()
        tenants[0].sync()
        tenants[0].sync()
        message = json.loads(json.dumps(tenants[0].state().to_message()))  # as it crosses the wire
        resumed = LoadTenant.resume(TenantState.from_message(message), settings, tenants[0].ledger, "admin")
        assert (resumed.tenant, resumed.grants, resumed.synced, resumed.sent) == (
            tenants[0].tenant,
            tenants[0].grants,
            2,
            tenants[0].sent,
        )
        summary = finish([resumed], settings, since)
    assert summary.ok, summary.text()
    assert summary.calls > tenants[0].sent  # the master's final sync counted on top of the worker's calls


def test_a_tenant_reported_mid_sync_is_named_not_counted_wrong(tmp_path: Path) -> None:
    """A worker that reports while a sync is under way (a server that stopped answering) sends a
    count of calls short of the rows its ledger holds: the master says the log was not checked,
    rather than that the log has rows the server never received."""
    with simulator() as sim:
        tenants, settings, _reported = _tenants(sim, tmp_path, 1)
        since = invariants.write_clock()
        tenants[0].sync()
        state = tenants[0].state()
        assert not state.syncing
        state = dataclasses.replace(state, sent=state.sent - 3, syncing=True)  # its last calls not yet counted
        message = json.loads(json.dumps(state.to_message()))
        resumed = LoadTenant.resume(TenantState.from_message(message), settings, tenants[0].ledger, "admin")
        summary = finish([resumed], settings, since)
    problems = summary.problems["load-t-001"]
    assert problems == [
        "sync_log not checked: a sync was still under way when the worker reported (its calls not counted)"
    ]
