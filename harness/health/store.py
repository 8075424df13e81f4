"""Health in the ledger database: tenant states, incidents and the notice outbox.

Every check is kept too (``health_check``, migration ``0006``: at, state, latency, status,
error), in the round's transaction, for ``CHECK_RETENTION``: the admin pages draw a tenant's
timeline from it.

The schema is migration ``0002_health`` (``harness/engine/migrations``); this module reflects
it, as ``Ledger`` does, and works on SQLite and PostgreSQL alike. Everything one round decides
(states, incidents opened or closed, notices raised with one delivery row per sink) is written
in one transaction, so a crash leaves either the whole round or none of it; a monitor started
afterwards on the same ledger carries on where the last one stopped.

Times are stored as naive UTC (as the ledger stores them) and handed out timezone-aware.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass

import sqlalchemy as sa

from harness.engine.ledger import Ledger, reflected
from harness.health.states import Health, Notice, State, Transition

DEFAULT_LEDGER = "sqlite:///odoo-harness.sqlite"
TABLES = ("health_state", "health_incident", "health_notice", "health_delivery", "health_check")
#: The most checks a timeline reads: a day of 5-minute rounds.
TIMELINE_CHECKS = 288
#: How long a check is kept (``health_check``): each round deletes the older ones of every tenant.
CHECK_RETENTION = dt.timedelta(days=30)
#: The most old checks a round deletes per check it writes: more than it adds, so any backlog (a
#: ledger upgraded with a year of checks) goes in a few rounds, and never in one long transaction.
PRUNED_PER_CHECK = 10
#: The lock's name in ``sync_lock``: '@' is not allowed in tenant ids, so it never meets a sync's lock.
ROUND_LOCK = "@health-round"


@dataclass(frozen=True)
class NoticeRecord:
    """An alert or recovery notice as raised (the outbox row)."""

    id: int
    incident_id: int
    tenant: str
    kind: Notice
    at: dt.datetime
    state: State
    since: dt.datetime
    last_ok: dt.datetime | None
    error: str | None
    incident_since: dt.datetime


@dataclass(frozen=True)
class CheckRecord:
    """One health check as the timeline shows it."""

    at: dt.datetime
    state: State
    latency_ms: float | None
    http_status: int | None
    error: str | None


@dataclass(frozen=True)
class IncidentRecord:
    id: int
    opened_at: dt.datetime
    closed_at: dt.datetime | None


@dataclass(frozen=True)
class Pending:
    """A notice one sink has not taken yet."""

    notice: NoticeRecord
    sink: str


class HealthStore:
    def __init__(self, ledger: str | Ledger = DEFAULT_LEDGER) -> None:
        """``ledger``: its URL (opening it runs every migration), or the ledger already open, whose
        engine the store then shares (a harness scenario's monitor writes beside its syncs)."""
        self.ledger = Ledger(ledger) if isinstance(ledger, str) else ledger
        self.state, self.incident, self.notice, self.delivery, self.check = reflected(self.engine, TABLES)

    @property
    def engine(self) -> sa.Engine:
        """The ledger's engine as it is now (a closed scratch ledger's refuses to connect)."""
        return self.ledger.engine

    def round_lock(self) -> AbstractContextManager[None]:
        """Held for a whole round, so that two monitors on one ledger (a cron ``tick`` overlapping
        ``serve``) never decide the same incident twice. The ledger's tenant lock does it (raising
        ``SyncLocked``): a round killed midway leaves a lock the next round takes over at once, and a
        live round's lock never expires, however long its checks take."""
        return self.ledger.tenant_lock(ROUND_LOCK)

    def load(self) -> dict[str, Health]:
        """Every tenant's health after its latest check, with its open incident if any."""
        state, incident, notice = self.state, self.incident, self.notice
        alerted = sa.exists().where(notice.c.incident_id == state.c.incident_id, notice.c.kind == Notice.ALERT.value)
        query = sa.select(state, incident.c.opened_at, alerted.label("alerted")).outerjoin(
            incident, incident.c.id == state.c.incident_id
        )
        with self.engine.connect() as conn:
            return {
                row.tenant: Health(
                    state=State(row.state),
                    since=_utc(row.since),
                    checked_at=_utc(row.checked_at),
                    last_ok=_utc(row.last_ok),
                    latency_ms=row.latency_ms,
                    error=row.error,
                    failures=row.failures,
                    http_status=row.http_status,
                    incident_since=_utc(row.opened_at),
                    alerted=bool(row.alerted),
                )
                for row in conn.execute(query)
            }

    def record(self, at: dt.datetime, transitions: Mapping[str, Transition], sinks: Sequence[str]) -> None:
        """Write one round: each tenant's new health, its incident, and any notice, queued for
        every sink in ``sinks``, and checks past ``CHECK_RETENTION`` pruned. One transaction: all of
        it or nothing."""
        with self.engine.begin() as conn:
            self._prune(conn, at, PRUNED_PER_CHECK * len(transitions))
            incidents = {
                tenant: incident_id
                for tenant, incident_id in conn.execute(sa.select(self.state.c.tenant, self.state.c.incident_id))
            }
            for tenant, transition in transitions.items():
                incident_id = incidents.get(tenant)
                health = transition.health
                if transition.opened:
                    incident_id = conn.execute(
                        sa.insert(self.incident).values(tenant=tenant, opened_at=_naive(health.incident_since))
                    ).inserted_primary_key[0]
                if transition.notice:
                    self._raise(conn, tenant, incident_id, transition, sinks)
                if transition.closed:
                    conn.execute(
                        sa.update(self.incident).where(self.incident.c.id == incident_id).values(closed_at=_naive(at))
                    )
                    incident_id = None
                self._save_state(conn, tenant, health, incident_id)
            if transitions:
                conn.execute(sa.insert(self.check), [_check_row(tenant, t.health) for tenant, t in transitions.items()])

    def checks(self, tenant: str, limit: int = TIMELINE_CHECKS) -> list[CheckRecord]:
        """A tenant's latest ``limit`` checks, oldest first."""
        c = self.check.c
        query = sa.select(self.check).where(c.tenant == tenant).order_by(c.at.desc(), c.id.desc()).limit(limit)
        with self.engine.connect() as conn:
            rows = list(conn.execute(query))
        return [
            CheckRecord(_utc(row.at), State(row.state), row.latency_ms, row.http_status, row.error)
            for row in reversed(rows)
        ]

    def incidents(self, tenant: str, limit: int = 20) -> list[IncidentRecord]:
        """A tenant's latest incidents, newest first (an open one has no ``closed_at``)."""
        c = self.incident.c
        query = sa.select(c.id, c.opened_at, c.closed_at).where(c.tenant == tenant).order_by(c.id.desc()).limit(limit)
        with self.engine.connect() as conn:
            return [IncidentRecord(row.id, _utc(row.opened_at), _utc(row.closed_at)) for row in conn.execute(query)]

    def pending(self, sinks: Sequence[str]) -> list[Pending]:
        """Notices not yet taken by these sinks, oldest first (an alert before its recovery)."""
        query = (
            sa.select(self.notice, self.delivery.c.sink)
            .join(self.delivery, self.delivery.c.notice_id == self.notice.c.id)
            .where(self.delivery.c.delivered_at.is_(None), self.delivery.c.sink.in_(list(sinks)))
            .order_by(self.notice.c.id, self.delivery.c.sink)
        )
        with self.engine.connect() as conn:
            return [Pending(_notice(row), row.sink) for row in conn.execute(query)]

    def attempted(self, pending: Pending, at: dt.datetime, error: str | None) -> None:
        """Record one delivery attempt: delivered when ``error`` is None."""
        delivery = self.delivery
        with self.engine.begin() as conn:
            conn.execute(
                sa.update(delivery)
                .where(delivery.c.notice_id == pending.notice.id, delivery.c.sink == pending.sink)
                .values(
                    attempts=delivery.c.attempts + 1,
                    last_attempt_at=_naive(at),
                    last_error=error,
                    delivered_at=None if error else _naive(at),
                )
            )

    def notices(self, tenant: str | None = None) -> list[NoticeRecord]:
        """Every notice raised, oldest first (what the admin page and the tests read)."""
        query = sa.select(self.notice).order_by(self.notice.c.id)
        if tenant:
            query = query.where(self.notice.c.tenant == tenant)
        with self.engine.connect() as conn:
            return [_notice(row) for row in conn.execute(query)]

    def _prune(self, conn: sa.Connection, at: dt.datetime, most: int) -> None:
        """Delete up to ``most`` checks older than ``CHECK_RETENTION`` before ``at``, of any tenant
        with a state (one removed from the tenants file too): the ``(tenant, at)`` index finds them."""
        c = self.check.c
        old = sa.select(c.id).where(c.tenant.in_(sa.select(self.state.c.tenant)), c.at < _naive(at - CHECK_RETENTION))
        conn.execute(sa.delete(self.check).where(c.id.in_(old.limit(most))))

    def _raise(
        self, conn: sa.Connection, tenant: str, incident_id: int, transition: Transition, sinks: Sequence[str]
    ) -> None:
        health = transition.health
        incident_since = conn.execute(
            sa.select(self.incident.c.opened_at).where(self.incident.c.id == incident_id)
        ).scalar_one()
        notice_id = conn.execute(
            sa.insert(self.notice).values(
                incident_id=incident_id,
                tenant=tenant,
                kind=transition.notice.value,
                at=_naive(health.checked_at),
                state=health.state.value,
                since=_naive(health.since),
                last_ok=_naive(health.last_ok),
                error=health.error,
                incident_since=incident_since,
            )
        ).inserted_primary_key[0]
        if sinks:
            conn.execute(
                sa.insert(self.delivery), [{"notice_id": notice_id, "sink": sink, "attempts": 0} for sink in sinks]
            )

    def _save_state(self, conn: sa.Connection, tenant: str, health: Health, incident_id: int | None) -> None:
        values = {
            "state": health.state.value,
            "since": _naive(health.since),
            "checked_at": _naive(health.checked_at),
            "last_ok": _naive(health.last_ok),
            "latency_ms": health.latency_ms,
            "http_status": health.http_status,
            "error": health.error,
            "failures": health.failures,
            "incident_id": incident_id,
        }
        if not conn.execute(sa.update(self.state).where(self.state.c.tenant == tenant).values(**values)).rowcount:
            conn.execute(sa.insert(self.state).values(tenant=tenant, **values))


def _check_row(tenant: str, health: Health) -> dict:
    return {
        "tenant": tenant,
        "at": _naive(health.checked_at),
        "state": health.state.value,
        "latency_ms": health.latency_ms,
        "http_status": health.http_status,
        "error": health.error,
    }


def _notice(row: sa.Row) -> NoticeRecord:
    return NoticeRecord(
        id=row.id,
        incident_id=row.incident_id,
        tenant=row.tenant,
        kind=Notice(row.kind),
        at=_utc(row.at),
        state=State(row.state),
        since=_utc(row.since),
        last_ok=_utc(row.last_ok),
        error=row.error,
        incident_since=_utc(row.incident_since),
    )


def _naive(moment: dt.datetime | None) -> dt.datetime | None:
    return moment.astimezone(dt.UTC).replace(tzinfo=None) if moment else None


def _utc(moment: dt.datetime | None) -> dt.datetime | None:
    return moment.replace(tzinfo=dt.UTC) if moment else None
