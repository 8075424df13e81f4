"""Health in the ledger, on SQLite and on PostgreSQL: its migration, round trips, the outbox's guarantees."""

from __future__ import annotations

import dataclasses

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from harness.engine.ledger import Ledger, LogRow, engine_url
from harness.health.states import Check, Failure, Health, Notice, State, Thresholds, Transition, advance
from harness.health.store import HealthStore
from tests.support.health import at

REFUSED = Check(Failure.HARD, 4.5, "authentication refused for login 'admin' on database 'odoo'", 200)


def _rounds(store: HealthStore, tenant: str, checks: list[Check]) -> list[Transition]:
    transitions, health = [], store.load().get(tenant)
    for number, check in enumerate(checks):
        transitions.append(advance(health, check, at(number), Thresholds()))
        store.record(at(number), {tenant: transitions[-1]}, ["stdout"])
        health = transitions[-1].health
    return transitions


def test_migrations_beside_the_sync_ledger(ledger_url: str) -> None:
    store = HealthStore(ledger_url)
    HealthStore(ledger_url)  # opening again is a no-op
    sync = Ledger(ledger_url)  # the engine's tables live in the same database
    sync.log(LogRow("acme", "account", "create", None, "sent", 200, 10, 1.0))
    with sa.create_engine(engine_url(ledger_url)).connect() as conn:
        assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == "0006"
        tables = set(sa.inspect(conn).get_table_names())
    assert {"health_state", "health_incident", "health_notice", "health_delivery", "sync_log", "odoo_server"} <= tables
    assert store.load() == {} and store.notices() == []


def test_health_round_trips_exactly(ledger_url: str) -> None:
    store = HealthStore(ledger_url)
    transitions = _rounds(store, "acme", [Check(None, 12.25, None, 200)] + [REFUSED] * 5)
    loaded = store.load()["acme"]
    assert loaded == transitions[-1].health
    assert loaded == Health(
        state=State.RED,
        since=at(1),
        checked_at=at(5),
        last_ok=at(0),
        latency_ms=4.5,
        error=REFUSED.error,
        failures=5,
        http_status=200,
        incident_since=at(1),
        alerted=True,
    )
    assert loaded.since.tzinfo is not None  # handed out timezone-aware
    [alert] = store.notices("acme")
    assert (alert.kind, alert.at, alert.since, alert.incident_since) == (Notice.ALERT, at(5), at(1), at(1))
    assert [p.sink for p in store.pending(["stdout"])] == ["stdout"]


def test_one_alert_per_incident_is_a_schema_guarantee(ledger_url: str) -> None:
    store = HealthStore(ledger_url)
    _rounds(store, "acme", [REFUSED] * 5)
    [alert] = store.notices()
    row = {c.name: getattr(alert, c.name) for c in store.notice.columns if c.name != "id"}
    row.update(
        kind=alert.kind.value,
        state=alert.state.value,
        at=alert.at.replace(tzinfo=None),
        since=alert.since.replace(tzinfo=None),
        last_ok=None,
        incident_since=alert.incident_since.replace(tzinfo=None),
    )
    with pytest.raises(IntegrityError), store.engine.begin() as conn:
        conn.execute(sa.insert(store.notice).values(**row))
    assert len(store.notices()) == 1


def test_a_round_is_written_whole_or_not_at_all(ledger_url: str) -> None:
    store = HealthStore(ledger_url)
    good = advance(None, Check(None, 5.0), at(0), Thresholds())
    # a notice without an incident cannot be stored: the whole round must roll back
    broken = dataclasses.replace(good, notice=Notice.ALERT)
    with pytest.raises(sa.exc.SQLAlchemyError):
        store.record(at(0), {"acme": good, "beta": broken}, ["stdout"])
    assert store.load() == {} and store.notices() == []


def test_every_check_is_kept_for_the_timeline(ledger_url: str) -> None:
    store = HealthStore(ledger_url)
    ok = Check(None, 12.5, None, 200)
    _rounds(store, "acme", [ok, REFUSED, ok])
    checks = HealthStore(ledger_url).checks("acme")
    assert [(c.at, c.state, c.latency_ms, c.error) for c in checks] == [
        (at(0), State.GREEN, 12.5, None),
        (at(1), State.RED, 4.5, REFUSED.error),
        (at(2), State.GREEN, 12.5, None),
    ]
    assert [c.at for c in store.checks("acme", limit=2)] == [at(1), at(2)]  # the latest, oldest first
    [incident] = store.incidents("acme")
    assert (incident.opened_at, incident.closed_at) == (at(1), at(2))
    assert store.checks("beta") == [] and store.incidents("beta") == []
