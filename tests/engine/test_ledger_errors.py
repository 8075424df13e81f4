"""A ledger that cannot be used is one clear line naming it (never its password), not a traceback.

Exit codes: 2 when a command cannot start (the ledger cannot be opened), 1 when a sync that
started fails (the ledger stops answering midway), 3 only for a lock another live run holds.
``--debug`` shows the traceback as well.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from harness.cli import main
from harness.engine import ledger as ledger_module
from harness.engine.ledger import ANSWER_UNKNOWN, Ledger
from tests.support import POSTGRES_ENV
from tests.support.engine import GRANTS
from tests.support.health import (
    T0,
    free_port,
    make_monitor,
    set_faults,
    simulator,
    tenant,
    tenants_yaml,
)

ROOT = Path(__file__).resolve().parents[2]
#: A database password no other string in the tests contains.
PG_SECRET = "Pg-Secret-never-shown-77"
#: ``odoo-harness`` with a half-second SQLite busy timeout, so a locked ledger fails fast.
SHORT_BUSY_SYNC = (
    "import sys; from harness.engine import ledger; ledger.BUSY_TIMEOUT = 0.5; "
    "from harness.cli import main; sys.exit(main(sys.argv[1:]))"
)


def sync(tmp_path: Path, ledger: str, url: str = "http://127.0.0.1:9", *extra: str) -> int:
    grants = tmp_path / "grants.yaml"
    grants.write_text(GRANTS)
    return main(
        [
            *extra,
            "sync",
            "--tenant",
            "acme",
            "--grants",
            str(grants),
            "--url",
            url,
            "--db",
            "odoo",
            "--login",
            "admin",
            "--password-env",
            "ACME_ODOO_PASSWORD",
            "--ledger",
            ledger,
        ]
    )


def corrupt(tmp_path: Path) -> str:
    path = tmp_path / "ledger.sqlite"
    path.write_bytes(b"this is not a ledger\n" * 512)
    return f"sqlite:///{path}"


def read_only(tmp_path: Path) -> str:
    """A ledger the process may not write (``chmod`` binds no root, ``mode=ro`` binds everyone)."""
    Ledger(f"sqlite:///{tmp_path / 'ledger.sqlite'}")
    return f"sqlite:///file:{tmp_path / 'ledger.sqlite'}?mode=ro&uri=true"


def missing_folder(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'no' / 'such' / 'folder' / 'ledger.sqlite'}"


def postgres_down(_tmp_path: Path) -> str:
    return f"postgresql://harness:{PG_SECRET}@127.0.0.1:{free_port()}/ledger"


def one_line(err: str) -> str:
    """stderr holds exactly one line and no traceback; that line."""
    assert "Traceback" not in err and err.count("\n") == 1, err
    return err.strip()


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (corrupt, "file is not a database"),
        (read_only, "attempt to write a readonly database"),
        (missing_folder, "unable to open database file"),
        (postgres_down, "Connection refused"),
    ],
    ids=["corrupt", "read-only", "missing-folder", "postgresql-down"],
)
def test_a_ledger_that_cannot_be_opened_exits_2_in_one_line(
    make: Callable[[Path], str],
    says: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("ACME_ODOO_PASSWORD", "admin")
    url = make(tmp_path)
    assert sync(tmp_path, url) == 2
    captured = capsys.readouterr()
    line = one_line(captured.err)
    assert line.startswith("odoo-harness sync: ledger ") and says in line
    assert PG_SECRET not in captured.out + captured.err
    if url.startswith("postgresql://"):
        assert "postgresql://harness:***@127.0.0.1:" in line


def test_a_wrong_postgresql_password_is_named_not_shown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        pytest.skip(f"no PostgreSQL: set {POSTGRES_ENV} (bash .ci/run starts Debian's server)")
    monkeypatch.setenv("ACME_ODOO_PASSWORD", "admin")
    user, _sep, rest = url.removeprefix("postgresql://").partition("@")
    assert sync(tmp_path, f"postgresql://{user.partition(':')[0]}:{PG_SECRET}@{rest}") == 2
    captured = capsys.readouterr()
    assert "password authentication failed" in one_line(captured.err)
    assert PG_SECRET not in captured.out + captured.err


def test_a_locked_sqlite_ledger_fails_within_seconds_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ACME_ODOO_PASSWORD", "admin")
    path = tmp_path / "ledger.sqlite"
    Ledger(f"sqlite:///{path}")
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")  # another process mid-transaction, and stuck there
    try:
        started = time.monotonic()
        assert sync(tmp_path, f"sqlite:///{path}") == 2
        waited = time.monotonic() - started
    finally:
        other.rollback()
        other.close()
    line = one_line(capsys.readouterr().err)
    assert "database is locked" in line and "another process" in line
    assert waited < 10  # not SQLite's 30 s of silence


def test_a_ledger_lost_midway_fails_the_sync_with_exit_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Another process locks the ledger while a create is on its way: the sync (a process of its
    own, with a short busy timeout) started, so it failed (1), in one line; the next sync, with
    the ledger back, settles what it left behind."""
    monkeypatch.setenv("ACME_ODOO_PASSWORD", "admin")
    path = tmp_path / "ledger.sqlite"
    grants = tmp_path / "grants.yaml"
    grants.write_text(GRANTS)
    with simulator() as sim:
        set_faults(sim, [{"model": "account.analytic.plan", "method": "create", "action": "slow_down", "seconds": 1.0}])
        process = subprocess.Popen(
            [
                sys.executable,
                "-c",
                SHORT_BUSY_SYNC,
                "sync",
                "--tenant",
                "acme",
                "--grants",
                str(grants),
                "--url",
                sim.url,
                "--db",
                "odoo",
                "--login",
                "admin",
                "--password-env",
                "ACME_ODOO_PASSWORD",
                "--ledger",
                f"sqlite:///{path}",
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        while not sim.app.stats()["by_method"].get("account.analytic.plan.create"):  # the create reached Odoo
            time.sleep(0.01)
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN EXCLUSIVE")
        try:
            _out, err = process.communicate(timeout=60)
        finally:
            other.rollback()
            other.close()
        assert process.returncode == 1
        line = one_line(err)
        assert line.startswith("odoo-harness sync: ledger ") and "database is locked" in line
        set_faults(sim, [])
        assert sync(tmp_path, f"sqlite:///{path}", sim.url) == 0
    assert "settled 3 keys a stopped sync left pending" in capsys.readouterr().out  # the three plans
    ledger = Ledger(f"sqlite:///{path}")
    assert {key["status"] for key in ledger.tenant_keys("acme")} == {"succeeded"}
    rows = ledger.log_rows("acme")
    assert [row["method"] for row in rows if row["error"] == ANSWER_UNKNOWN] == ["create"]
    assert {row["outcome"] for row in rows} == {"sent"}


def test_debug_shows_the_traceback_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ACME_ODOO_PASSWORD", "admin")
    assert sync(tmp_path, corrupt(tmp_path), "http://127.0.0.1:9", "--debug") == 2
    err = capsys.readouterr().err
    assert "Traceback" in err and err.strip().splitlines()[-1].startswith("odoo-harness sync: ledger ")


def test_dashboard_and_health_on_a_broken_ledger_exit_2_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ledger = corrupt(tmp_path)
    assert main(["dashboard", "--ledger", ledger, "--port", str(free_port())]) == 2
    assert one_line(capsys.readouterr().err).startswith("odoo-harness dashboard: ledger ")
    tenants = tmp_path / "tenants.yaml"
    tenants.write_text(tenants_yaml([tenant("acme", "http://127.0.0.1:9")]))
    assert main(["health", "tick", "--tenants", str(tenants), "--ledger", ledger]) == 2
    assert one_line(capsys.readouterr().err).startswith("odoo-harness health: ledger ")


def test_a_url_that_is_not_a_database_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ACME_ODOO_PASSWORD", "admin")
    assert sync(tmp_path, "mysql://root:hunter2@db/ledger") == 2
    line = one_line(capsys.readouterr().err)
    assert "ledger mysql://root:***@db/ledger" in line and "hunter2" not in line


def test_health_serve_skips_a_round_the_ledger_cannot_take_and_carries_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A 5-minute loop must not die because the ledger was locked for a few seconds: that round is
    skipped (logged, in one line) and the next one runs."""
    monkeypatch.setattr(ledger_module, "BUSY_TIMEOUT", 0.2)
    path = tmp_path / "ledger.sqlite"
    reported: list = []
    with simulator() as sim:
        monitor = make_monitor(
            tenants_yaml([tenant("acme", sim.url)]), f"sqlite:///{path}", [], {"HEALTH_TEST_PASSWORD": "admin"}
        )
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN EXCLUSIVE")  # held through the first round

        def wait(_seconds: float) -> bool:
            if other.in_transaction:
                other.rollback()
            return False

        assert monitor.serve(interval=300, now=lambda: T0, wait=wait, max_rounds=2, report=reported.append) == 2
        other.close()
    assert len(reported) == 1
    assert "health round skipped: ledger sqlite:///" in caplog.text and "database is locked" in caplog.text
