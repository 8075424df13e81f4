"""Load: many tenants syncing into one Odoo under faults (loadtests/locustfile.py, harness/load.py).

locust runs in a subprocess (it monkey-patches the standard library with gevent) against a
simulator in this process; the run is bounded in syncs per user and in seconds.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from harness.engine.ledger import Ledger
from harness.engine.sync import SyncEngine
from harness.load import LoadError, LoadSettings, LoadTenant, finish, renamed_line
from harness.scenarios.fake import generate_grants
from simulator.server import SimServer
from tests.support.health import set_faults, simulator

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
