"""Health in the ledger, on SQLite and on PostgreSQL: its migration, round trips, the outbox's guarantees."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from harness.engine.ledger import Ledger, LogRow, engine_url
from harness.health.states import Check, Failure, Health, Notice, State, Thresholds, Transition, advance
from harness.health.store import CHECK_RETENTION, PRUNED_PER_CHECK, HealthStore
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


def test_a_store_on_an_open_ledger_shares_its_engine(ledger_url: str) -> None:
    """A harness scenario's monitor writes beside its syncs: one engine, not a second opening."""
    ledger = Ledger(ledger_url)
    store = HealthStore(ledger)
    assert store.ledger is ledger and store.engine is ledger.engine
    _rounds(store, "acme", [REFUSED])
    assert store.load()["acme"].state == advance(None, REFUSED, at(0), Thresholds()).health.state
    assert HealthStore(ledger_url).load() == store.load()  # the same database, opened by its URL


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


def _old_checks(store: HealthStore, tenant: str, count: int, before: dt.datetime) -> None:
    """``count`` checks of ``tenant``, a minute apart, the newest a minute before ``before``."""
    rows = [{"tenant": tenant, "at": before - dt.timedelta(minutes=n + 1), "state": "green"} for n in range(count)]
    with store.engine.begin() as conn:
        conn.execute(sa.insert(store.check), [{**row, "at": row["at"].replace(tzinfo=None)} for row in rows])


def _stored(store: HealthStore) -> dict[str, int]:
    with store.engine.connect() as conn:
        query = sa.select(store.check.c.tenant, sa.func.count()).group_by(store.check.c.tenant)
        return dict(conn.execute(query).all())


def test_checks_older_than_the_retention_are_pruned_by_the_rounds_a_bounded_number_at_a_time(ledger_url: str) -> None:
    store = HealthStore(ledger_url)
    ok = Check(None, 12.5, None, 200)
    _rounds(store, "gone", [ok])  # a tenant since removed from the tenants file: its checks age out too
    cutoff = at(0) - CHECK_RETENTION
    _old_checks(store, "acme", 15, cutoff)
    _old_checks(store, "gone", 10, cutoff)
    with store.engine.begin() as conn:  # exactly as old as the retention: kept
        conn.execute(sa.insert(store.check).values(tenant="acme", at=cutoff.replace(tzinfo=None), state="green"))
    assert _stored(store) == {"acme": 16, "gone": 11}
    _rounds(store, "acme", [ok])  # one check written: at most PRUNED_PER_CHECK old ones deleted
    assert sum(_stored(store).values()) == 16 + 11 + 1 - PRUNED_PER_CHECK
    for _again in range(2):  # the same instant: the check at the cutoff stays inside the retention
        _rounds(store, "acme", [ok])
    assert _stored(store) == {"acme": 1 + 3, "gone": 1}
    assert min(check.at for check in store.checks("acme")) == cutoff


def test_a_round_that_fails_prunes_nothing(ledger_url: str) -> None:
    store = HealthStore(ledger_url)
    [good] = _rounds(store, "acme", [Check(None, 12.5, None, 200)])
    _old_checks(store, "acme", 3, at(0) - CHECK_RETENTION)
    with pytest.raises(sa.exc.SQLAlchemyError):
        store.record(at(0), {"acme": good, "beta": dataclasses.replace(good, notice=Notice.ALERT)}, ["stdout"])
    assert _stored(store) == {"acme": 1 + 3}  # the prune went with the round
    store.record(at(0), {"acme": good}, ["stdout"])
    assert _stored(store) == {"acme": 2}
