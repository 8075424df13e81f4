"""Load: many tenants syncing into one Odoo under faults (loadtests/locustfile.py, harness/load.py).

locust runs in a subprocess (it monkey-patches the standard library with gevent) against a
simulator in this process; the run is bounded in syncs per user and in seconds.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xmlrpc.client
from pathlib import Path

import pytest

from harness.engine.ledger import Ledger
from harness.engine.sync import SyncEngine
from harness.engine.transport import WSGITransport
from harness.load import LoadError, LoadSettings, LoadTenant, finish, renamed_line
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


def run_locust(
    url: str, tmp_path: Path, users: int, password: str = "admin", extra_env: dict[str, str] | None = None
) -> tuple[subprocess.CompletedProcess, dict | None]:
    summary = tmp_path / "summary.json"
    env = {
        **os.environ,
        "ODOO_DB": "odoo",
        "ODOO_PASSWORD": password,
        "LOAD_SYNCS": "3",
        "LOAD_PROJECTS": "3",
        "LOAD_SUMMARY": str(summary),
        "LOAD_LEDGER": f"sqlite:///{tmp_path / 'ledger.sqlite'}",
        "LOAD_MAX_SECONDS": "90",
        **(extra_env or {}),
    }
    process = subprocess.run(
        [
            sys.executable,
            "-m",
            "locust",
            "-f",
            str(LOCUSTFILE),
            "--headless",
            "-u",
            str(users),
            "-r",
            str(users),
            "--run-time",
            "90s",
            "--host",
            url,
            "--json-file",
            str(tmp_path / "stats"),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    return process, json.loads(summary.read_text()) if summary.exists() else None


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
        LoadTenant(1, settings, Ledger(f"sqlite:///{tmp_path / 'ledger.sqlite'}"), lambda *call: None)
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
        [LoadTenant(n, settings, ledger, lambda *call: reported.append(call)) for n in range(1, count + 1)],
        settings,
        reported,
    )


def test_without_the_read_back_lost_creates_show_as_duplicates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(SyncEngine, "_resolve", lambda self, pending, result, todo: todo)
    with simulator() as sim:
        tenants, settings, reported = _tenants(sim, tmp_path, 2)
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
        summary = finish(tenants, settings)
    assert not summary.ok
    assert any("duplicate account" in problem for problem in summary.problems["load-t-001"])
    assert any(exc is not None for _name, _ms, _size, exc in reported)  # the lost answer was reported as failed


def test_every_call_is_reported_and_counted_against_the_log(tmp_path: Path) -> None:
    with simulator() as sim:
        tenants, settings, reported = _tenants(sim, tmp_path, 1)
        while not tenants[0].done:
            tenants[0].sync()
        summary = finish(tenants, settings)
    assert summary.ok, summary.text()
    assert summary.calls == tenants[0].sent == len(reported)  # the final sync's calls included
    names = {name for name, *_rest in reported}
    assert {"authenticate", "account.analytic.plan.create", "account.analytic.account.write"} <= names
