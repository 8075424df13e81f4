"""``health tick`` and ``health serve``: output format, exit codes, the 5-minute schedule, SIGTERM, no secrets."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
import xmlrpc.client
from pathlib import Path

import pytest
import sqlalchemy as sa

from harness.engine.ledger import engine_url
from harness.health.cli import add_commands
from tests.support.health import SECRET, T0, at, make_monitor, simulator, tenant, tenants_yaml

REPO = Path(__file__).resolve().parents[2]
KEYS = {"tenant", "state", "since", "last_ok", "latency_ms", "error", "failures", "checked_at", "http_status"}
#: The CLI exactly as harness/cli.py will mount it.
ENTRY = (
    "import argparse, sys\n"
    "from harness.health.cli import add_commands\n"
    "parser = argparse.ArgumentParser(prog='odoo-harness')\n"
    "add_commands(parser.add_subparsers(dest='command', required=True))\n"
    "args = parser.parse_args(sys.argv[1:])\n"
    "sys.exit(args.handler(args))\n"
)


def health(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="odoo-harness")
    add_commands(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["health", *argv])
    return args.handler(args)


def test_tick_prints_one_json_line_per_tenant(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HEALTH_TEST_PASSWORD", "admin")
    with simulator() as sim:
        tenants = tmp_path / "tenants.yaml"
        tenants.write_text(tenants_yaml([tenant("acme", sim.url), tenant("gone", sim.url, db="gone")]))
        ledger = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
        # "gone" names a missing database: red at once, so tick exits 5 (the worst state)
        assert health("tick", "--at", "2024-05-01T00:00:00Z", "--tenants", str(tenants), "--ledger", ledger) == 5
        first = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
        assert (
            health(
                "tick", "--at", "2024-05-01T00:05:00", "--tenants", str(tenants), "--ledger", ledger, "--timeout", "2"
            )
            == 5
        )  # no zone: UTC
        second = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [set(line) for line in first + second] == [KEYS] * 4
    acme, gone = second
    assert (acme["tenant"], acme["state"], acme["since"], acme["last_ok"], acme["error"]) == (
        "acme",
        "green",
        "2024-05-01T00:00:00+00:00",
        "2024-05-01T00:05:00+00:00",
        None,
    )
    assert isinstance(acme["latency_ms"], float) and acme["latency_ms"] > 0
    assert (gone["tenant"], gone["state"], gone["since"], gone["last_ok"], gone["error"], gone["failures"]) == (
        "gone",
        "red",
        "2024-05-01T00:00:00+00:00",
        None,
        "database 'gone' does not exist",
        2,
    )


def test_no_password_in_output_alerts_or_ledger(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ACME_ODOO_PASSWORD", SECRET)
    monkeypatch.setenv("BETA_ODOO_PASSWORD", SECRET + "-stale")  # refused: red, alerted
    with simulator() as sim:
        models = xmlrpc.client.ServerProxy(f"{sim.url}/xmlrpc/2/object", allow_none=True)
        models.execute_kw("odoo", 2, "admin", "res.users", "write", [[2], {"password": SECRET}])
        tenants = tmp_path / "tenants.yaml"
        tenants.write_text(
            tenants_yaml(
                [
                    tenant("acme", sim.url, password_env="ACME_ODOO_PASSWORD"),
                    tenant("beta", sim.url, password_env="BETA_ODOO_PASSWORD"),
                ],
                alerts=[{"jsonl": "alerts.jsonl"}, {"stderr": True}],
            )
        )
        ledger = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
        for number in range(6):
            assert health("tick", "--at", at(number).isoformat(), "--tenants", str(tenants), "--ledger", ledger) == 5
    out, err = capsys.readouterr()
    lines = [json.loads(line) for line in out.splitlines()]
    assert all("kind" not in line for line in lines)  # stdout: tenant lines only, never an alert
    assert [(line["tenant"], line["kind"]) for line in map(json.loads, err.splitlines())] == [("beta", "alert")]
    assert [line["state"] for line in lines if line["tenant"] == "acme"] == ["green"] * 6
    alerts = (tmp_path / "alerts.jsonl").read_text()
    assert json.loads(alerts)["error"] == "authentication refused for login 'admin' on database 'odoo'"
    with sa.create_engine(engine_url(ledger)).connect() as conn:
        dump = "\n".join(
            str(row)
            for table in sa.inspect(conn).get_table_names()
            for row in conn.execute(sa.text(f"SELECT * FROM {table}"))
        )
    assert "authentication refused" in dump  # the dump did read the health tables
    for text in (out, err, alerts, dump, (tmp_path / "ledger.sqlite").read_bytes().decode("latin-1")):
        assert SECRET not in text


@pytest.mark.parametrize(
    ("databases", "slow_ms", "code"),
    [(["odoo"], 60_000, 0), (["odoo"], 0.001, 4), (["odoo", "gone"], 0.001, 5), (["gone"], 60_000, 5)],
    ids=["green", "amber", "amber-and-red", "red"],
)
def test_tick_exits_by_the_worst_state(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, databases: list[str], slow_ms: float, code: int
) -> None:
    """0 all green, 4 the worst amber, 5 any red: cron and CI can act on a round (README)."""
    monkeypatch.setenv("HEALTH_TEST_PASSWORD", "admin")
    with simulator() as sim:
        tenants = tmp_path / "tenants.yaml"
        rows = [tenant(db, sim.url, db=db) for db in databases]
        tenants.write_text(tenants_yaml(rows, thresholds={"slow_ms": slow_ms}))
        assert health("tick", "--tenants", str(tenants), "--ledger", f"sqlite:///{tmp_path / 'l.sqlite'}") == code


def test_a_bad_tenants_file_exits_2_naming_file_line_and_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tenants = tmp_path / "tenants.yaml"
    tenants.write_text("tenants:\n  - {id: acme, url: 'http://127.0.0.1:8069', db: odoo, login: admin}\n")
    assert health("tick", "--tenants", str(tenants), "--ledger", f"sqlite:///{tmp_path / 'l.sqlite'}") == 2
    assert f"{tenants}:2: tenants[0].password_env: Field required" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        health("tick", "--at", "yesterday", "--tenants", str(tenants))
    assert "not an ISO 8601 instant: 'yesterday'" in capsys.readouterr().err


def test_one_round_at_a_time_per_ledger(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HEALTH_TEST_PASSWORD", "admin")
    with simulator() as sim:
        tenants = tmp_path / "tenants.yaml"
        tenants.write_text(tenants_yaml([tenant("acme", sim.url)]))
        ledger = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
        serving = make_monitor(tenants.read_text(), ledger, [], dict(os.environ))
        reported: list = []
        with serving.store.round_lock():  # a serve process is mid-round
            assert health("tick", "--tenants", str(tenants), "--ledger", ledger) == 3
            assert (
                serving.serve(interval=300, now=lambda: T0, wait=lambda _s: False, max_rounds=1, report=reported.append)
                == 1
            )
        assert reported == []  # that round was skipped, not run twice
        assert "another health round is running on this ledger" in capsys.readouterr().err
        assert health("tick", "--tenants", str(tenants), "--ledger", ledger) == 0


def test_serve_keeps_a_fixed_5_minute_schedule_on_a_fake_clock(tmp_path: Path) -> None:
    with simulator() as sim:
        monitor = make_monitor(
            tenants_yaml([tenant("acme", sim.url)]),
            f"sqlite:///{tmp_path / 'l.sqlite'}",
            [],
            {"HEALTH_TEST_PASSWORD": "admin"},
        )
        clock, waits, ticks = [T0], [], []

        def wait(seconds: float) -> bool:
            waits.append(seconds)
            clock[0] += dt.timedelta(seconds=seconds)
            return len(waits) == 5  # then a stop is asked for

        def report(healths: list) -> None:
            ticks.append(healths[0][1].checked_at)
            clock[0] += dt.timedelta(seconds=700 if len(ticks) == 3 else 1)  # the third round overruns

        rounds = monitor.serve(interval=300, now=lambda: clock[0], wait=wait, report=report)
        assert monitor.serve(interval=300, now=lambda: clock[0], wait=wait, max_rounds=1, report=report) == 1
    assert rounds == 5
    assert waits == [299, 299, 200, 299, 299]  # the slots missed at 900 and 1200 s are skipped, not run late
    assert [(t - T0).total_seconds() for t in ticks] == [0, 300, 600, 1500, 1800, 2100]


def test_serve_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    with simulator() as sim:
        tenants = tmp_path / "tenants.yaml"
        tenants.write_text(tenants_yaml([tenant("acme", sim.url)]))
        process = subprocess.Popen(
            [
                sys.executable,
                "-c",
                ENTRY,
                "health",
                "serve",
                "--tenants",
                str(tenants),
                "--ledger",
                f"sqlite:///{tmp_path / 'l.sqlite'}",
            ],
            cwd=REPO,
            env={**os.environ, "HEALTH_TEST_PASSWORD": "admin"},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        first = json.loads(process.stdout.readline())  # the first round is done; now it waits 300 s
        started = time.perf_counter()
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=10)
    assert (first["tenant"], first["state"]) == ("acme", "green")
    assert process.returncode == 0 and out == "" and err == ""
    assert time.perf_counter() - started < 5
