"""One health round for every tenant, and the 5-minute loop that repeats it.

A round (``Monitor.tick(at)``): check every tenant at once (``pool.run_all``, at most
``timeout`` seconds per call, so one hung Odoo delays no other), move each tenant through the
transition table (``states.advance``) from the health the ledger holds, write the whole round
in one transaction (``store.HealthStore.record``), then deliver whatever the outbox holds,
older undelivered notices included.

The health clock is passed in, never read here: ``tick`` takes the instant the round stands for and
``serve`` takes a ``now`` callable and a ``wait`` callable, so tests drive a day on a fake
clock. Passwords and API keys are read from the environment at every round (a rotated secret
needs no restart) and go nowhere but the probe.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Callable, Mapping, Sequence

from harness.engine.ledger import LedgerError, SyncLocked
from harness.health.alerts import Outbox, Sink
from harness.health.pool import run_all
from harness.health.probe import probe, timeout_error
from harness.health.states import Check, Failure, Health, advance
from harness.health.store import HealthStore
from harness.health.tenants import Tenant, TenantsFile

log = logging.getLogger(__name__)
#: Concurrent checks; more tenants than this queue for a free worker (each still gets its full timeout).
WORKERS = 64


class Monitor:
    def __init__(
        self,
        config: TenantsFile,
        store: HealthStore,
        sinks: Sequence[Sink],
        *,
        timeout: float = 10.0,
        environ: Mapping[str, str] = os.environ,
        workers: int = WORKERS,
    ) -> None:
        self.tenants = config.tenants
        self.thresholds = config.thresholds.thresholds()
        self.store = store
        self.outbox = Outbox(store, sinks)
        self.sink_keys = [sink.key for sink in sinks]
        self.timeout = timeout
        self.environ = environ
        self.workers = workers

    def tick(self, at: dt.datetime) -> list[tuple[str, Health]]:
        """One round as of ``at`` (timezone-aware); each tenant's health, in file order."""
        if at.tzinfo is None:
            raise ValueError("a round's instant must be timezone-aware")
        with self.store.round_lock():  # raises SyncLocked while another round runs on this ledger
            checks = self.check_all()
            previous = self.store.load()
            transitions = {t.id: advance(previous.get(t.id), checks[t.id], at, self.thresholds) for t in self.tenants}
            self.store.record(at, transitions, self.sink_keys)
            self.outbox.deliver(at)
        return [(t.id, transitions[t.id].health) for t in self.tenants]

    def check_all(self) -> dict[str, Check]:
        """Probe every tenant concurrently; a call still running after ``timeout`` counts as a timeout."""
        calls: dict[str, Callable[[], Check]] = {t.id: self._probe_call(t) for t in self.tenants}
        late = Check(Failure.TRANSIENT, self.timeout * 1000, timeout_error(self.timeout))
        return run_all(calls, workers=self.workers, limit=self.timeout, overdue=lambda _tenant: late)

    def serve(
        self,
        *,
        interval: float,
        now: Callable[[], dt.datetime],
        wait: Callable[[float], bool],
        max_rounds: int | None = None,
        report: Callable[[list[tuple[str, Health]]], None] = lambda _round: None,
    ) -> int:
        """Tick every ``interval`` seconds on a fixed schedule until ``max_rounds`` or until
        ``wait(seconds)`` returns True (a stop was asked for). A round that overruns skips the
        slots it missed instead of running late rounds back to back; a round another monitor
        holds the ledger for is skipped, and so is one the ledger fails (locked by another
        process for a while, its server restarting): the loop carries on and the next round
        writes what this one could not. Returns the rounds run (skipped ones included)."""
        rounds = 0
        due = now()
        while True:
            try:
                report(self.tick(now()))
            except SyncLocked:  # a manual tick is running: it does this round's work
                log.warning("health round skipped: another round is running on this ledger")
            except LedgerError as exc:
                log.error("health round skipped: %s", exc)
            rounds += 1
            if rounds == max_rounds:
                return rounds
            current = now()
            while due <= current:
                due += dt.timedelta(seconds=interval)
            if wait((due - current).total_seconds()):
                return rounds

    def _probe_call(self, tenant: Tenant) -> Callable[[], Check]:
        secret = self.environ.get(tenant.secret_env)
        return lambda: probe(tenant, secret, self.timeout)
