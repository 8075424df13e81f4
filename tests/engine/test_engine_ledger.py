"""The ledger on SQLite and on a real PostgreSQL server (Debian's, started by .ci/run)."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import multiprocessing.queues
import os
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa

from harness.engine import ledger as ledger_module
from harness.engine.ledger import (
    ANSWER_UNKNOWN,
    FAILED,
    MIGRATIONS,
    PENDING,
    SENDING,
    SUCCEEDED,
    Ledger,
    LedgerError,
    LogRow,
    SyncLocked,
    engine_url,
    new_sqlite_ledger,
)
from tests.support.engine import GRANTS, grants, make_rig
from tests.support.odoo import Odoo

POSTGRES = os.environ.get("ODOO_HARNESS_TEST_POSTGRES")


def test_keys_log_and_migrations(ledger_url: str) -> None:
    ledger = Ledger(ledger_url)
    key = "acme:account:project/PRJ-001:create"
    ledger.mark([(key, None, None)], PENDING, "account.analytic.account")
    assert ledger.states([key])[key].status == PENDING
    ledger.mark([(key, None, 42)], SUCCEEDED)
    assert ledger.states([key])[key].odoo_id == 42
    ledger.log(LogRow("acme", "account", "create", key, "sent", 200, 123, 4.5))
    [row] = ledger.log_rows("acme")
    assert {
        k: row[k]
        for k in (
            "tenant",
            "entity",
            "operation",
            "idempotency_key",
            "http_status",
            "response_size",
            "latency_ms",
            "error",
        )
    } == {
        "tenant": "acme",
        "entity": "account",
        "operation": "create",
        "idempotency_key": key,
        "http_status": 200,
        "response_size": 123,
        "latency_ms": 4.5,
        "error": None,
    }
    Ledger(ledger_url)  # opening again re-runs migrations as a no-op
    with sa.create_engine(engine_url(ledger_url)).connect() as conn:
        newest = sorted(p.stem.split("_")[0] for p in (MIGRATIONS / "versions").glob("0*.py"))[-1]
        assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == newest


def test_tenant_lock_across_connections(ledger_url: str) -> None:
    first, second = Ledger(ledger_url), Ledger(ledger_url)
    with first.tenant_lock("acme"):
        with pytest.raises(SyncLocked, match="tenant 'acme' is already being synced"), second.tenant_lock("acme"):
            pass
        with second.tenant_lock("beta"):
            pass
    with second.tenant_lock("acme"):
        pass


def test_full_sync_on_each_ledger(odoo17: Odoo, ledger_url: str) -> None:
    rig = make_rig(odoo17, ledger_url)
    assert rig.engine.sync(grants()).created == 14
    again = rig.engine.sync(grants())
    assert again.ok and again.mutations == 0
    # the first sync asks 17.0 two fields_get (project.project, then the analytic line); the re-sync
    # none, and no login: the version, the accounts with their plans, the projects
    assert len([r for r in rig.ledger.log_rows("acme") if r["outcome"] == "sent"]) == (6 + 2) + 3


def test_concurrent_syncs_of_one_tenant_never_duplicate(odoo17: Odoo, ledger_url: str) -> None:
    outcomes: list[str] = []

    def run() -> None:
        try:
            result = make_rig(odoo17, ledger_url).engine.sync(grants())
            outcomes.append("ok" if result.ok else "failed")
        except SyncLocked:
            outcomes.append("refused")

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert "ok" in outcomes and set(outcomes) <= {"ok", "refused"}
    assert odoo17.call("account.analytic.account", "search_count", [["code", "=", "PRJ-001"]]) == 1
    assert odoo17.call("project.project", "search_count", []) == 2


def test_what_a_killed_sync_left_is_settled_by_the_next(odoo17: Odoo, ledger_url: str) -> None:
    """Keys left pending and a row left sending, as a SIGKILL leaves them: a create Odoo committed,
    one it never got, a write it took and one it did not. The next sync settles every one from
    what it reads anyway, sending nothing twice (tests/engine/test_crash_recovery.py kills real syncs)."""
    rig = make_rig(odoo17, ledger_url)
    assert rig.engine.sync(grants()).ok
    ledger, model = rig.ledger, "account.analytic.account"
    committed = "acme:account:project/PRJ-001:create"
    created_id = ledger.states([committed])[committed].odoo_id
    renamed = odoo17.call("project.project", "search", [["name", "=", "Civic Voices Uganda"]])[0]
    odoo17.call("project.project", "write", [renamed], {"name": "Civic Voices Uganda (2024)"})  # Odoo took it
    ledger.mark([(committed, None, None)], PENDING, model)
    ledger.mark([("acme:account:project/PRJ-003:create", None, None)], PENDING, model)
    ledger.mark(
        [("acme:project:PRJ-001:update@taken", None, renamed)],
        PENDING,
        "project.project",
        sent_values={"name": "Civic Voices Uganda (2024)"},
    )
    ledger.mark(
        [("acme:project:PRJ-001:update@lost", None, renamed)],
        PENDING,
        "project.project",
        sent_values={"name": "never written"},
    )
    row = ledger.log(LogRow("acme", "account", "create", committed, SENDING, model=model, method="create"))
    result = rig.engine.sync(
        grants(
            GRANTS.replace("Civic Voices Uganda", "Civic Voices Uganda (2024)")
            + """
  - id: PRJ-003
    name: Civic Voices Rwanda
    donor: EU
"""
        )
    )
    assert result.ok and result.settled == 4
    states = {key["key"]: key for key in ledger.tenant_keys("acme")}
    assert PENDING not in {key["status"] for key in states.values()}
    assert states[committed]["status"] == SUCCEEDED and states[committed]["odoo_id"] == created_id
    assert states["acme:account:project/PRJ-003:create"]["status"] == SUCCEEDED  # created again, once
    assert states["acme:project:PRJ-001:update@taken"]["status"] == SUCCEEDED
    assert states["acme:project:PRJ-001:update@lost"]["status"] == FAILED
    assert odoo17.call("account.analytic.account", "search_count", [["code", "=", "PRJ-003"]]) == 1
    assert [r["error"] for r in ledger.log_rows("acme") if r["id"] == row] == [ANSWER_UNKNOWN]
    # the killed call did create its account (read back): its row is recovered, still one row
    assert [r["recovered"] for r in ledger.log_rows("acme") if r["id"] == row] == [True]


def test_sync_runs_name_their_calls_and_a_killed_run_is_ended_failed(ledger_url: str) -> None:
    ledger = Ledger(ledger_url)
    outside = ledger.log(LogRow("acme", "plan", "read", None, "sent", 200))
    killed = ledger.start_run("acme")
    ledger.log(LogRow("acme", "plan", "read", None, "sent", 200))
    run = ledger.start_run("acme")  # the next sync: the killed one is ended, failed, and says why
    first = ledger.log(LogRow("acme", "plan", "create", "acme:plan:project:create (+2 more)", "sent", error="lost"))
    ledger.log(LogRow("beta", "plan", "read", None, "sent", 200))  # another tenant: not in acme's run
    assert ledger.mark_recovered("acme", "acme:plan:project:create") == 1
    ledger.end_run(run, calls=2, writes=1, error=None)
    by_id = {row["id"]: row for row in ledger.log_rows()}
    assert by_id[outside]["run_id"] is None and by_id[first]["run_id"] == run and by_id[first]["recovered"]
    assert [row["run_id"] for row in ledger.log_rows("beta")] == [None]
    failed, ended = ledger.runs("acme")[1], ledger.runs("acme")[0]
    assert failed["id"] == killed and failed["outcome"] == FAILED and "killed or crashed" in failed["error"]
    assert (ended["outcome"], ended["calls"], ended["writes"], ended["error"]) == ("ok", 2, 1, None)
    assert [r["id"] for r in ledger.runs("acme", failed_only=True)] == [killed]
    found, calls = ledger.run("acme", run)
    assert found["id"] == run and [c["id"] for c in calls] == [first]
    assert ledger.run("beta", run) == (None, [])
    totals = ledger.run_totals(dt.datetime(2000, 1, 1))
    assert {k: totals["acme"][k] for k in ("runs", "failed", "calls")} == {"runs": 2, "failed": 1, "calls": 2}
    assert ledger.tenants() == ["acme", "beta"]


def test_a_ledger_argument_that_is_not_a_url_is_refused(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(LedgerError, match=r"^ledger 'notaurl': not a ledger URL \(sqlite:///FILE or postgresql"):
        Ledger("notaurl")
    assert list(tmp_path.iterdir()) == []  # no SQLite file named notaurl


def test_a_ledger_at_the_newest_revision_opens_without_running_alembic(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every scenario opens its ledger several times: only a ledger behind the code migrates."""
    url = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    with sa.create_engine(url).begin() as connection:  # a ledger an older odoo-harness left
        config = ledger_module._config()
        config.attributes["connection"] = connection
        ledger_module.command.upgrade(config, "0005")
    upgrades: list[str] = []
    real_upgrade = ledger_module.command.upgrade
    monkeypatch.setattr(ledger_module.command, "upgrade", lambda *a: upgrades.append(a[1]) or real_upgrade(*a))
    Ledger(url)
    Ledger(url)
    assert upgrades == ["head"]
    with sa.create_engine(url).connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM health_check")).scalar() == 0


def test_new_sqlite_ledgers_are_empty_copies_of_one_migration(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The harness opens a ledger per scenario: alembic runs once a process, each copy is its own."""
    upgrades: list[str] = []
    real_upgrade = ledger_module.command.upgrade
    monkeypatch.setattr(ledger_module.command, "upgrade", lambda *a: upgrades.append(a[1]) or real_upgrade(*a))
    monkeypatch.setattr(ledger_module, "_TEMPLATES", {})
    checked: list[sa.Engine] = []
    real_migrate = ledger_module.migrate
    monkeypatch.setattr(ledger_module, "migrate", lambda engine: checked.append(engine) or real_migrate(engine))
    first = new_sqlite_ledger(tmp_path / "first.sqlite")
    first.log(LogRow("acme", "account", "create", "acme:account:P/1:create", "sent", 200, 1, 1.0))
    second = new_sqlite_ledger(tmp_path / "second.sqlite")
    assert upgrades == ["head"]
    assert len(checked) == 1  # the template's: a copy of it is at the newest revision, nothing to ask
    assert len(first.log_rows("acme")) == 1 and second.log_rows("acme") == []
    with sa.create_engine(f"sqlite:///{tmp_path / 'second.sqlite'}").connect() as conn:
        newest = sorted(p.stem.split("_")[0] for p in (MIGRATIONS / "versions").glob("0*.py"))[-1]
        assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == newest


def test_a_closed_scratch_ledger_hands_its_engine_to_the_next_and_refuses_to_connect(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A scenario's ledger is closed when it ends; the next scenario's ledger runs on the same engine
    (SQLAlchemy's compiled statements are kept per engine), on its own file. One still open never
    shares its engine, and a closed one can no longer read or write (not even the next one's file)."""
    monkeypatch.setattr(ledger_module._SpareEngines, "_idle", {})
    first = new_sqlite_ledger(tmp_path / "first.sqlite")
    first.log(LogRow("acme", "account", "create", "acme:account:P/1:create", "sent", 200, 1, 1.0))
    engine, dialect = first.engine, first.engine.dialect
    beside = new_sqlite_ledger(tmp_path / "beside.sqlite")
    assert beside.engine is not engine
    first.close()
    second = new_sqlite_ledger(tmp_path / "second.sqlite")
    assert second.engine is engine and second.engine.dialect is dialect
    first.close()  # again: nothing more to give back
    assert new_sqlite_ledger(tmp_path / "third.sqlite").engine is not engine
    second.log(LogRow("acme", "plan", "create", "acme:plan:P/1:create", "sent", 200, 1, 1.0))
    assert [row["entity"] for row in second.log_rows("acme")] == ["plan"]
    for path, entity in (("first.sqlite", "account"), ("second.sqlite", "plan")):
        with sa.create_engine(f"sqlite:///{tmp_path / path}").connect() as conn:
            assert conn.execute(sa.text("SELECT entity FROM sync_log")).scalars().all() == [entity]
    with pytest.raises(LedgerError, match="closed"):
        first.log_rows("acme")
    with pytest.raises(LedgerError, match="closed"):
        first.log(LogRow("acme", "account", "create", "acme:account:P/2:create", "sent", 200, 1, 1.0))


def test_a_reused_engine_reports_errors_in_its_current_ledgers_name(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ledger_module._SpareEngines, "_idle", {})
    new_sqlite_ledger(tmp_path / "first.sqlite").close()
    second = new_sqlite_ledger(tmp_path / "second.sqlite")
    (tmp_path / "second.sqlite").unlink()
    (tmp_path / "second.sqlite").mkdir()  # a file that cannot be opened: every connection fails
    second.engine.dispose()
    with pytest.raises(LedgerError) as failed:
        second.log_rows("acme")
    assert "second.sqlite" in str(failed.value) and "first.sqlite" not in str(failed.value)


def _statements_run(ledger: Ledger) -> list[str]:
    """The SQL of every statement ``ledger`` sends from now on."""
    sent: list[str] = []
    sa.event.listen(ledger.engine, "before_cursor_execute", lambda *args: sent.append(args[2]))
    return sent


def test_a_batch_of_keys_is_marked_in_a_few_statements_whatever_its_size(ledger_url: str) -> None:
    """A create batch marks up to 500 keys twice (pending, then succeeded): one statement per key
    made the ledger the costliest part of a sync."""
    ledger = Ledger(ledger_url)
    keys = [f"acme:account:project/PRJ-{number:03}:create" for number in range(300)]
    ledger.mark([(key, None, None) for key in keys[:100]], PENDING, "account.analytic.account")
    sent = _statements_run(ledger)
    ledger.mark([(key, None, number) for number, key in enumerate(keys)], SUCCEEDED, "account.analytic.account")
    assert len(sent) <= 3  # which of the keys exist, then one update and one insert
    states = ledger.states(keys)
    assert [(states[key].status, states[key].odoo_id) for key in keys] == [(SUCCEEDED, n) for n in range(300)]


def test_marking_keeps_what_a_key_was_sent_and_ends_a_key_given_twice_as_its_last_entry(ledger_url: str) -> None:
    ledger = Ledger(ledger_url)
    model = "account.analytic.account"
    written, created = "acme:account:project/PRJ-001:write_name", "acme:account:project/PRJ-002:create"
    ledger.mark([(written, None, 7)], PENDING, model, sent_values={"name": "New"})
    ledger.mark([(created, None, None), (written, "lost", 7), (created, None, 8)], SUCCEEDED, model)
    assert ledger.tenant_keys("acme") == [
        {"key": written, "status": SUCCEEDED, "odoo_id": 7, "error": "lost", "model": model},
        {"key": created, "status": SUCCEEDED, "odoo_id": 8, "error": None, "model": model},
    ]
    ledger.mark([(written, None, 7)], PENDING, model)  # a mark without values keeps those sent before
    [pending] = ledger.pending_keys("acme", "account")
    assert (pending.key, pending.sent_values) == (written, {"name": "New"})
    with pytest.raises(ValueError, match="is not tenant:entity:entity_id:operation"):
        ledger.mark([("acme:account:PRJ-003:create", None, None), ("not-a-key", None, None)], PENDING)
    assert ledger.states(["acme:account:PRJ-003:create"]) == {}  # all of a mark or nothing


def _template_folder_of_a_new_ledger(path: str, folders: multiprocessing.queues.Queue) -> None:
    new_sqlite_ledger(Path(path)).close()
    folders.put(str(ledger_module._TEMPLATES[os.getpid()].parent))


def test_a_process_that_made_scratch_ledgers_removes_their_template_when_it_ends(tmp_path) -> None:
    """A run's target processes end through multiprocessing (``os._exit``, no ``atexit`` hook): each
    left its migrated template folder behind in the system's temporary folder, five a run."""
    context = multiprocessing.get_context("fork")
    folders = context.Queue()
    child = context.Process(target=_template_folder_of_a_new_ledger, args=(str(tmp_path / "child.sqlite"), folders))
    child.start()
    folder = folders.get(timeout=60)
    child.join(60)
    assert child.exitcode == 0
    assert not Path(folder).exists(), f"{folder} outlived its process"
