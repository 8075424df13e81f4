"""What the admin pages show, read from the tenants file and the ledger (nothing else).

A tenant's page is its health (the latest check: state, since when, the last good
answer, the error), its health timeline (checks, incidents, alerts and recoveries, and the
latency chart drawn from them), its sync runs and its sync log, newest first, a page at a time.
Passwords are never read here: a tenant is shown by its Odoo URL, database and login.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from harness.dashboard.chart import Chart, latency_chart
from harness.engine.ledger import Ledger
from harness.health.states import Health
from harness.health.store import CheckRecord, HealthStore, IncidentRecord, NoticeRecord
from harness.health.tenants import TenantsFile

PAGE_SIZE = 50
RUNS_SHOWN = 20
RECENT = dt.timedelta(hours=24)
#: The tenants list's orders (``?sort=``): each a key over a summary, the worst or busiest first.
STATE_ORDER = {"red": 0, "amber": 1, "unknown": 2, "green": 3}


@dataclass(frozen=True)
class TenantView:
    """A tenant as the pages show it: from the tenants file, or only known to the ledger."""

    id: str
    url: str | None = None
    db: str | None = None
    login: str | None = None


@dataclass(frozen=True)
class Pill:
    """The health pill: a state with its words (the colour is never the only sign)."""

    state: str  # green | amber | red | unknown
    label: str
    detail: str


@dataclass(frozen=True)
class TenantSummary:
    tenant: TenantView
    pill: Pill
    health: Health | None
    runs_24h: int
    failed_runs_24h: int
    calls_24h: int
    latest: dt.datetime | None


def _since(summary: TenantSummary) -> dt.datetime:
    return summary.health.since if summary.health else dt.datetime.max.replace(tzinfo=dt.UTC)


SORTS = {
    "name": lambda s: s.tenant.id,
    "state": lambda s: (STATE_ORDER[s.pill.state], s.tenant.id),
    "since": lambda s: (_since(s), s.tenant.id),
    "failed": lambda s: (-s.failed_runs_24h, s.tenant.id),
}


#: Of events at one instant, which came first: the check changed the state, which opened or closed
#: the incident, which raised the alert or the recovery.
EVENT_ORDER = {"state": 0, "incident opened": 1, "incident closed": 1, "alert": 2, "recovery": 2}


@dataclass(frozen=True)
class Event:
    """One line of the health timeline's table. ``state``: the tenant's state after it."""

    at: dt.datetime
    kind: str  # a key of EVENT_ORDER
    state: str | None
    detail: str


@dataclass(frozen=True)
class Timeline:
    """A tenant's health history: its latest checks (oldest first), incidents and notices."""

    checks: list[CheckRecord]
    incidents: list[IncidentRecord]
    notices: list[NoticeRecord]
    chart: Chart

    @property
    def changes(self) -> list[CheckRecord]:
        """The checks whose state differs from the one before: when the tenant went green, amber or red."""
        return [c for n, c in enumerate(self.checks) if n == 0 or c.state != self.checks[n - 1].state]

    @property
    def events(self) -> list[Event]:
        """State changes, incidents opened and closed, alerts and recoveries: one list, newest first
        (what happened last is what an admin opens the page for)."""
        found = [_state_event(check) for check in self.changes]
        found += [event for incident in self.incidents for event in _incident_events(incident)]
        found += [_notice_event(notice) for notice in self.notices]
        return sorted(found, key=lambda event: (event.at, EVENT_ORDER[event.kind]), reverse=True)


def _state_event(check: CheckRecord) -> Event:
    measured = f"{check.latency_ms:.0f} ms" if check.latency_ms is not None else ""
    return Event(check.at, "state", check.state.value, check.error or measured)


def _incident_events(incident: IncidentRecord) -> list[Event]:
    opened = Event(incident.opened_at, "incident opened", None, f"incident {incident.id}")
    if incident.closed_at is None:
        return [opened]
    minutes = round((incident.closed_at - incident.opened_at).total_seconds() / 60)
    return [opened, Event(incident.closed_at, "incident closed", None, f"incident {incident.id}, {minutes} min")]


def _notice_event(notice: NoticeRecord) -> Event:
    detail = f"{notice.state.value} since {_moment(notice.since)}" + (f": {notice.error}" if notice.error else "")
    return Event(notice.at, notice.kind.value, notice.state.value, detail)


@dataclass(frozen=True)
class LogPage:
    rows: list[dict[str, Any]]
    older: int | None  # the ``before`` of the next page, None on the last one


class Dashboard:
    """The tenants of the tenants file, and every other tenant the ledger has seen (a sync
    run without the tenants file, or a tenant since removed from it)."""

    def __init__(self, tenants: TenantsFile | None, ledger_url: str) -> None:
        self.health = HealthStore(ledger_url)
        self.ledger: Ledger = self.health.ledger
        self.listed = {t.id: TenantView(t.id, str(t.url), t.db, t.login) for t in (tenants.tenants if tenants else [])}

    def tenants(self) -> dict[str, TenantView]:
        """Read on every page: a tenant's first sync or check shows without a restart."""
        found = dict(self.listed)
        for tenant_id in sorted({*self.ledger.tenants(), *self.health.load()}):
            found.setdefault(tenant_id, TenantView(tenant_id))
        return found

    def overview(self, now: dt.datetime, sort: str = "name") -> list[TenantSummary]:
        """Every tenant with its health and its runs of the last 24 hours, in ``SORTS[sort]`` order."""
        healths = self.health.load()
        totals = self.ledger.run_totals((now - RECENT).astimezone(dt.UTC).replace(tzinfo=None))
        none = {"runs": 0, "failed": 0, "calls": 0, "latest": None}
        summaries = []
        for tenant in self.tenants().values():
            health, total = healths.get(tenant.id), totals.get(tenant.id, none)
            summaries.append(
                TenantSummary(
                    tenant, pill(health), health, total["runs"], total["failed"], total["calls"], total["latest"]
                )
            )
        return sorted(summaries, key=SORTS[sort])

    def runs(self, tenant_id: str, failed_only: bool) -> list[dict[str, Any]]:
        return self.ledger.runs(tenant_id, RUNS_SHOWN, failed_only)

    def run(self, tenant_id: str, run_id: int) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
        found, calls = self.ledger.run(tenant_id, run_id)
        return found, [shown(row) for row in calls]

    def timeline(self, tenant_id: str) -> Timeline:
        checks = self.health.checks(tenant_id)
        return Timeline(
            checks, self.health.incidents(tenant_id), self.health.notices(tenant_id)[-20:], latency_chart(checks)
        )

    def tenant_health(self, tenant_id: str) -> tuple[Pill, Health | None]:
        health = self.health.load().get(tenant_id)
        return pill(health), health

    def log(self, tenant_id: str, before: int | None, problems_only: bool, key: str | None) -> LogPage:
        rows = self.ledger.log_page(tenant_id, PAGE_SIZE + 1, before, problems_only, key)
        page = [shown(row) for row in rows[:PAGE_SIZE]]
        return LogPage(page, page[-1]["id"] if len(rows) > PAGE_SIZE else None)


def pill(health: Health | None) -> Pill:
    if health is None:
        return Pill("unknown", "not checked yet", "no health check has run for this tenant")
    state = health.state.value
    detail = f"{state} since {_moment(health.since)}"
    if health.error:
        detail += f": {health.error}"
    return Pill(state, state, detail)


def shown(row: dict[str, Any]) -> dict[str, Any]:
    """A sync_log row as the pages show it: its status, and its call in one column."""
    return {**row, "status": row_status(row), "call": call_name(row), "about": call_about(row)}


def call_name(row: dict[str, Any]) -> str:
    """``model.method``, or the session call's own name (``common.authenticate``)."""
    return f"{row['model']}.{row['method']}" if row["model"] else row["entity"]


def call_about(row: dict[str, Any]) -> str:
    """What the entity and operation add to the call's name: a batch's ``account[9]``, a write's
    ``update@<digest>``; nothing for a read or a session call, whose entity and operation repeat it."""
    name = call_name(row)
    parts = [] if row["entity"] in (row["model"], name) else [row["entity"]]
    if row["operation"] != (row["method"] or name.rsplit(".", 1)[-1]):
        parts.append(row["operation"])
    return " · ".join(parts)


def row_status(row: dict[str, Any]) -> str:
    """ok, failed, recovered (its answer was lost; a read-back found its effect in Odoo), refused
    (the guard), skipped (already done), sending (no answer yet)."""
    if row["outcome"] != "sent":
        return row["outcome"]
    if row.get("recovered"):
        return "recovered"
    return "failed" if row["error"] else "ok"


def _moment(value: dt.datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S UTC") if value else "never"
