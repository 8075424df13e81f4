"""Many grant-management tenants syncing into one Odoo at once.

    ODOO_DB=odoo ODOO_PASSWORD=... locust -f loadtests/locustfile.py --headless \\
        -u 20 -r 5 --run-time 2m --host http://127.0.0.1:8069

Each locust user is one tenant (``harness/load.py``): faker grants and plans of its own, a
first sync then re-syncs that rename a budget line, ``LOAD_SYNCS`` syncs in all (default 3).
``LOAD_API=json2`` makes each tenant sync over JSON-2 (Odoo 19.0+) with an API key of its own,
issued by the simulator's control API, or the key of ``ODOO_API_KEY``; ODOO_PASSWORD is then not needed.
Every call shows in locust's statistics as ``model.method`` (type ``xmlrpc`` or ``json2``) and
every sync as ``first sync`` / ``re-sync``; calls failed by injected faults count as failures there.
When every user is done (or at ``--run-time``, or ``LOAD_MAX_SECONDS`` at the latest), the
simulator's faults are cleared, each tenant syncs once more and the invariants are read
back. The exit code is 0 only if they hold for every tenant; ``LOAD_SUMMARY=FILE`` also
writes them as JSON. Other settings: ``ODOO_LOGIN``, ``LOAD_PROJECTS``, ``LOAD_LINES``,
``LOAD_SEED``, ``LOAD_LEDGER`` (a database URL).
"""

from __future__ import annotations

import itertools
import sys
import time

import gevent
from locust import User, constant, events, task
from locust.exception import RescheduleTask

from harness.engine.ledger import Ledger
from harness.load import LoadError, LoadSettings, LoadTenant, finish

RUN: dict = {"tenants": [], "numbers": itertools.count(1)}


@events.init.add_listener
def configure(environment, **_kwargs) -> None:
    try:
        RUN["settings"] = LoadSettings.from_env(environment.host)
    except LoadError as exc:
        print(f"loadtests: {exc}", file=sys.stderr)
        sys.exit(2)
    RUN["ledger"] = Ledger(RUN["settings"].ledger)


@events.test_start.add_listener
def bound_in_time(environment, **_kwargs) -> None:
    gevent.spawn_later(RUN["settings"].max_seconds, end, environment)


def end(environment) -> None:
    """Stop the run once, whoever asks first (the last tenant done, or the time bound)."""
    if not RUN.get("ending"):
        RUN["ending"] = True
        environment.runner.quit()


@events.quitting.add_listener
def check_invariants(environment, **_kwargs) -> None:
    """After every user stopped, before locust picks its exit code: the invariants decide it."""
    if "error" in RUN:  # a tenant could not start: nothing to check
        print(f"loadtests: {RUN['error']}", file=sys.stderr)
        environment.process_exit_code = 2
        return
    summary = finish(RUN["tenants"], RUN["settings"])
    print(summary.text(), flush=True)
    environment.process_exit_code = 0 if summary.ok else 1


class Tenant(User):
    """One customer's sync process."""

    wait_time = constant(0.05)

    def on_start(self) -> None:
        """The tenant's number taken first: getting its API key lets the other users run meanwhile."""
        number = next(RUN["numbers"])
        try:
            self.tenant = LoadTenant(number, RUN["settings"], RUN["ledger"], self._report)
        except LoadError as exc:  # no API key for it: the run ends, exit code 2
            self.tenant = None
            RUN.setdefault("error", str(exc))
            gevent.spawn(end, self.environment)
            return
        RUN["tenants"].append(self.tenant)

    @task
    def sync(self) -> None:
        if self.tenant is None:
            raise RescheduleTask()  # idles until the run ends
        if self.tenant.done:
            self._stop_when_all_done()
        name = "re-sync" if self.tenant.syncs else "first sync"
        started = time.perf_counter()
        result = self.tenant.sync()
        failure = None if result.ok else RuntimeError(f"{len(result.failed)} failed: {result.failed[0][1]}")
        self._fire("sync", name, (time.perf_counter() - started) * 1000, result.mutations, failure)

    def _stop_when_all_done(self) -> None:
        """This tenant has synced its count: it idles until the last one ends the run (a
        user that stops itself would leave locust a dead greenlet to trip over)."""
        spawned = len(RUN["tenants"]) >= self.environment.runner.target_user_count
        if spawned and all(tenant.done for tenant in RUN["tenants"]):
            gevent.spawn(end, self.environment)
        raise RescheduleTask()

    def _report(self, name: str, latency_ms: float, size: int, exc: BaseException | None) -> None:
        self._fire(RUN["settings"].api, name, latency_ms, size, exc)

    def _fire(self, kind: str, name: str, ms: float, size: int, exc: BaseException | None) -> None:
        self.environment.events.request.fire(
            request_type=kind, name=name, response_time=ms, response_length=size, exception=exc, context={}
        )
