"""What the admin pages show, read from the tenants file and the ledger (nothing else).

A tenant's page is its health (the latest check: state, since when, the last good
answer, the error) and its sync log, newest first, a page at a time. Passwords are never
read here: a tenant is shown by its Odoo URL, database and login.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from harness.engine.ledger import Ledger
from harness.health.states import Health
from harness.health.store import HealthStore
from harness.health.tenants import TenantsFile

PAGE_SIZE = 50
RECENT = dt.timedelta(hours=24)


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
    sent_24h: int
    failed_24h: int
    latest: dt.datetime | None


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

    def overview(self, now: dt.datetime) -> list[TenantSummary]:
        healths = self.health.load()
        summaries = []
        for tenant in self.tenants().values():
            totals = self.ledger.log_totals(tenant.id, (now - RECENT).replace(tzinfo=None))
            summaries.append(
                TenantSummary(tenant, pill(healths.get(tenant.id)), totals["sent"], totals["failed"], totals["latest"])
            )
        return summaries

    def tenant_health(self, tenant_id: str) -> tuple[Pill, Health | None]:
        health = self.health.load().get(tenant_id)
        return pill(health), health

    def log(self, tenant_id: str, before: int | None, problems_only: bool, key: str | None) -> LogPage:
        rows = self.ledger.log_page(tenant_id, PAGE_SIZE + 1, before, problems_only, key)
        shown = [{**row, "status": row_status(row)} for row in rows[:PAGE_SIZE]]
        return LogPage(shown, shown[-1]["id"] if len(rows) > PAGE_SIZE else None)


def pill(health: Health | None) -> Pill:
    if health is None:
        return Pill("unknown", "not checked yet", "no health check has run for this tenant")
    state = health.state.value
    detail = f"{state} since {_moment(health.since)}"
    if health.error:
        detail += f": {health.error}"
    return Pill(state, state, detail)


def row_status(row: dict[str, Any]) -> str:
    """ok, failed, refused (the guard), skipped (already done)."""
    if row["outcome"] != "sent":
        return row["outcome"]
    return "failed" if row["error"] else "ok"


def _moment(value: dt.datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S UTC") if value else "never"
