"""Health states and how one check moves a tenant between them: a pure function.

Thresholds (defaults; a tenants file may override them under ``thresholds:``):

- **green**: the last check answered (``common.authenticate`` returned a uid) in less than
  ``slow_ms`` (2000 ms).
- **amber**: the last check answered in ``slow_ms`` or more (a slow Odoo), or it failed
  transiently (timeout, connection refused or reset, HTTP 5xx or 429, an Odoo server error)
  and fewer than ``failures_to_red`` (2) checks in a row have failed. One blip is worth a look,
  not a page.
- **red**: ``failures_to_red`` checks in a row failed, or at once on a hard failure that no
  retry will fix: credentials refused, the database does not exist, no password in the
  environment, an HTTP 4xx or an answer that is not Odoo's XML-RPC.

An incident opens when a tenant turns red and closes when it turns green again; amber in
between keeps it open, so a tenant bouncing between red and amber is one incident, not many.
An incident raises one alert, at the first check where the tenant has been red for more than
``alert_after`` (15 minutes, so with 5-minute checks the fifth red check in a row); when it
turns green a recovery notice follows, for incidents that alerted only (a recovery nobody was
told about is noise).

``advance`` is the whole table; persistence, probing and delivery live elsewhere so that it
can be tested alone, on any timeline.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from enum import StrEnum


class State(StrEnum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"


class Failure(StrEnum):
    """How a check failed: the probe classifies, ``advance`` decides what it means."""

    TRANSIENT = "transient"  # may pass on the next check: counts towards red
    HARD = "hard"  # will not pass by itself: red at once


class Notice(StrEnum):
    ALERT = "alert"
    RECOVERY = "recovery"


@dataclass(frozen=True)
class Thresholds:
    slow_ms: float = 2000.0
    failures_to_red: int = 2
    alert_after: dt.timedelta = dt.timedelta(minutes=15)


@dataclass(frozen=True)
class Check:
    """What one no-op call showed. ``failure`` is None when Odoo answered with a uid."""

    failure: Failure | None
    latency_ms: float | None
    error: str | None = None
    http_status: int | None = None


@dataclass(frozen=True)
class Health:
    """A tenant's health after its latest check (what ``health tick`` prints and the ledger keeps)."""

    state: State
    since: dt.datetime  # when the current state began
    checked_at: dt.datetime
    last_ok: dt.datetime | None
    latency_ms: float | None
    error: str | None
    failures: int  # consecutive failed checks
    http_status: int | None = None
    incident_since: dt.datetime | None = None  # an open incident began then (first red)
    alerted: bool = False  # the open incident has raised its alert

    def as_json(self, tenant: str) -> dict:
        return {
            "tenant": tenant,
            "state": str(self.state),
            "since": self.since.isoformat(),
            "last_ok": self.last_ok.isoformat() if self.last_ok else None,
            "latency_ms": None if self.latency_ms is None else round(self.latency_ms, 1),
            "error": self.error,
            "failures": self.failures,
            "checked_at": self.checked_at.isoformat(),
            "http_status": self.http_status,
        }


@dataclass(frozen=True)
class Transition:
    """The new health, and what the check did to the tenant's incident."""

    health: Health
    opened: bool = False  # this check opened an incident
    closed: bool = False  # this check closed one
    notice: Notice | None = None  # raise this notice for the incident


def advance(previous: Health | None, check: Check, at: dt.datetime, thresholds: Thresholds) -> Transition:
    """The health after ``check``, made at ``at``, given the health before it (None: first check)."""
    failures = 0 if check.failure is None else (previous.failures if previous else 0) + 1
    state = classify(check, failures, thresholds)
    error = check.error
    if check.failure is None and state is State.AMBER:
        error = f"slow: answered in {check.latency_ms:.0f} ms (threshold {thresholds.slow_ms:.0f} ms)"
    health = Health(
        state=state,
        since=previous.since if previous and previous.state is state else at,
        checked_at=at,
        last_ok=at if check.failure is None else (previous.last_ok if previous else None),
        latency_ms=check.latency_ms,
        error=error,
        failures=failures,
        http_status=check.http_status,
        incident_since=previous.incident_since if previous else None,
        alerted=previous.alerted if previous else False,
    )
    if state is State.RED and health.incident_since is None:
        return Transition(replace(health, incident_since=at), opened=True)
    if state is State.GREEN and health.incident_since is not None:
        notice = Notice.RECOVERY if health.alerted else None
        return Transition(replace(health, incident_since=None, alerted=False), closed=True, notice=notice)
    if state is State.RED and not health.alerted and at - health.since > thresholds.alert_after:
        return Transition(replace(health, alerted=True), notice=Notice.ALERT)
    return Transition(health)


def classify(check: Check, failures: int, thresholds: Thresholds) -> State:
    """The state one check gives, knowing how many checks in a row (this one included) failed."""
    if check.failure is None:
        slow = check.latency_ms is not None and check.latency_ms >= thresholds.slow_ms
        return State.AMBER if slow else State.GREEN
    if check.failure is Failure.HARD or failures >= thresholds.failures_to_red:
        return State.RED
    return State.AMBER
