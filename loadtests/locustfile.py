"""Many grant-management tenants syncing into one Odoo at once, from one process or several.

    ODOO_DB=odoo ODOO_PASSWORD=... locust -f loadtests/locustfile.py --headless \\
        -u 20 -r 5 --run-time 2m --host http://127.0.0.1:8069

Beyond one process (locust's distributed mode, on loopback), a master and its workers:

    ODOO_DB=odoo ODOO_PASSWORD=... locust -f loadtests/locustfile.py --headless --master \\
        --master-bind-host 127.0.0.1 --expect-workers 2 -u 20 -r 5 --run-time 2m --host http://127.0.0.1:8069
    ODOO_DB=odoo ODOO_PASSWORD=... locust -f loadtests/locustfile.py --worker --master-host 127.0.0.1  # twice

Each locust user is one tenant (``harness/load.py``): faker grants and plans of its own, a
first sync then re-syncs that rename a budget line, ``LOAD_SYNCS`` syncs in all (default 3).
Worker ``i`` numbers its tenants from ``i * 1000 + 1``, so no two processes sync the same tenant.
``LOAD_API=json2`` makes each tenant sync over JSON-2 (Odoo 19.0+) with an API key of its own,
issued by the simulator's control API, or the key of ``ODOO_API_KEY``; ODOO_PASSWORD is then not needed.
Every call shows in locust's statistics as ``model.method`` (type ``xmlrpc`` or ``json2``) and
every sync as ``first sync`` / ``re-sync``; calls failed by injected faults count as failures there.

The run ends once, in the process that is not a worker: when every tenant has synced its count,
or at ``--run-time`` (``LOAD_MAX_SECONDS`` at the latest). No sync is cut short: new syncs stop,
the ones under way finish, and each worker reports its tenants (``TenantState``). Then the
simulator's faults are cleared, each tenant syncs once more and the invariants are read back,
by that process alone. Its exit code is 0 only if they hold for every tenant; ``LOAD_SUMMARY=FILE``
also writes them as JSON. Other settings: ``ODOO_LOGIN``, ``LOAD_PROJECTS``, ``LOAD_LINES``,
``LOAD_SEED``, ``LOAD_RUN``, ``LOAD_LEDGER`` (a database URL, shared by every process).
"""

from __future__ import annotations

import itertools
import sys
import time
from collections.abc import Callable

import gevent
from locust import User, constant, events, task
from locust.env import Environment
from locust.exception import RescheduleTask
from locust.runners import MasterRunner, WorkerRunner

from harness.engine.ledger import Ledger
from harness.load import LoadError, LoadSettings, LoadTenant, TenantState, finish, tenant_number, tenant_secret
from harness.scenarios import invariants

#: worker -> master: a tenant's state after each of its syncs
TENANT = "load-tenant"
#: master -> workers: start no more syncs; report every tenant once the syncs under way are over
STOP = "load-stop"
#: worker -> master: the answer to STOP, every tenant of that worker, and how many syncs were still under way
FINAL = "load-final"
#: worker -> master: a tenant could not start (no API key): the run ends, exit code 2
ERROR = "load-error"
#: how long a sync under way may take to finish at the end (its calls time out and retry within it)
IDLE_WAIT = 120.0

RUN: dict = {"tenants": [], "numbers": itertools.count(1), "states": {}, "finals": {}, "busy": 0, "asked": []}


def is_worker(environment: Environment) -> bool:
    return isinstance(environment.runner, WorkerRunner)


@events.init.add_listener
def configure(environment: Environment, **_kwargs) -> None:
    """A worker learns the host from the master when the test starts; the others check their settings now."""
    runner = environment.runner
    if is_worker(environment):
        runner.register_message(STOP, lambda **_kw: gevent.spawn(report_final, environment))
        return
    try:
        _settle(environment)
    except LoadError as exc:
        print(f"loadtests: {exc}", file=sys.stderr)
        sys.exit(2)
    RUN["bound"] = _own_the_run_time(environment)
    if isinstance(runner, MasterRunner):
        runner.register_message(TENANT, lambda msg, **_kw: collect(environment, msg.data))
        runner.register_message(FINAL, lambda msg, **_kw: RUN["finals"].update({msg.node_id: msg.data}))
        runner.register_message(ERROR, lambda msg, **_kw: fail(environment, msg.data))


def _settle(environment: Environment) -> None:
    RUN["settings"] = LoadSettings.from_env(environment.host)
    RUN["ledger"] = Ledger(RUN["settings"].ledger)


def _own_the_run_time(environment: Environment) -> float:
    """The run's bound in seconds. ``--run-time`` is taken over from locust, whose own end would cut
    the syncs under way short and (distributed) stop listening to workers before they reported."""
    options = environment.parsed_options
    run_time = getattr(options, "run_time", None)
    if run_time:
        options.run_time = None
        return min(float(run_time), RUN["settings"].max_seconds)
    return RUN["settings"].max_seconds


@events.test_start.add_listener
def bound_in_time(environment: Environment, **_kwargs) -> None:
    if is_worker(environment):
        try:
            _settle(environment)
        except LoadError as exc:  # this worker's environment differs from the master's
            environment.runner.send_message(ERROR, str(exc))
        return
    RUN["since"] = invariants.write_clock()  # finance's records stay unwritten from here on
    gevent.spawn_later(RUN["bound"], end, environment)


def collect(environment: Environment, data: dict) -> None:
    """A tenant's state after a sync; the run ends when every tenant has synced its count."""
    RUN["states"][data["tenant"]] = data
    states = RUN["states"].values()
    spawned = len(states) >= environment.runner.target_user_count
    if spawned and all(state["synced"] >= RUN["settings"].syncs for state in states):
        end(environment)


def fail(environment: Environment, error: str) -> None:
    RUN.setdefault("error", error)
    end(environment)


def end(environment: Environment) -> None:
    """Stop the run once, whoever asks first (the last tenant done, the time bound, an error)."""
    if not RUN.get("ending"):
        RUN["ending"] = True
        gevent.spawn(stop_workers if isinstance(environment.runner, MasterRunner) else quit_when_idle, environment)


def quit_when_idle(environment: Environment) -> None:
    _wait_until(lambda: not RUN["busy"], IDLE_WAIT)
    environment.runner.quit()


def stop_workers(environment: Environment) -> None:
    """The master's end: every worker asked to stop, its final report awaited (bounded), then quit."""
    runner = environment.runner
    RUN["asked"] = [client.id for client in runner.clients.all]
    runner.send_message(STOP)
    _wait_until(lambda: set(RUN["asked"]) <= RUN["finals"].keys(), IDLE_WAIT + 30)
    runner.quit()


def report_final(environment: Environment) -> None:
    """A worker's end: no new sync, the ones under way finished, every tenant reported."""
    RUN["ending"] = True
    _wait_until(lambda: not RUN["busy"], IDLE_WAIT)
    tenants = [tenant.state().to_message() for tenant in RUN["tenants"]]
    environment.runner.send_message(FINAL, {"tenants": tenants, "busy": RUN["busy"]})


def _wait_until(condition: Callable[[], bool], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        gevent.sleep(0.1)


@events.quitting.add_listener
def check_invariants(environment: Environment, **_kwargs) -> None:
    """Once, in the master (or the only process), after every user stopped and before locust
    picks its exit code: the invariants decide it."""
    if is_worker(environment):
        return
    if "error" in RUN:  # a tenant could not start: nothing to check
        print(f"loadtests: {RUN['error']}", file=sys.stderr)
        environment.process_exit_code = 2
        return
    tenants, broken = _tenants_to_check(environment)
    summary = finish(tenants, RUN["settings"], RUN.get("since", ""), broken)
    print(summary.text(), flush=True)
    environment.process_exit_code = 0 if summary.ok else 1


def _tenants_to_check(environment: Environment) -> tuple[list[LoadTenant], list[str]]:
    """Here, this process's own tenants; in the master, every worker's, as each last reported them."""
    if not isinstance(environment.runner, MasterRunner):
        return RUN["tenants"], []
    settings, ledger = RUN["settings"], RUN["ledger"]
    for final in RUN["finals"].values():
        for data in final["tenants"]:
            RUN["states"][data["tenant"]] = data
    secret = tenant_secret(settings) if RUN["states"] else ""
    tenants = [
        LoadTenant.resume(TenantState.from_message(data), settings, ledger, secret) for data in RUN["states"].values()
    ]
    broken = [f"worker {node} never reported its tenants" for node in RUN["asked"] if node not in RUN["finals"]]
    broken += [
        f"worker {node}: {final['busy']} syncs still under way {IDLE_WAIT:.0f} s after the end (calls not counted)"
        for node, final in RUN["finals"].items()
        if final["busy"]
    ]
    return tenants, broken


class Tenant(User):
    """One customer's sync process."""

    wait_time = constant(0.05)

    def on_start(self) -> None:
        """The tenant's number taken first: getting its API key lets the other users run meanwhile."""
        worker = self.environment.runner.worker_index if is_worker(self.environment) else None
        self.tenant = None
        if "settings" not in RUN:  # a worker whose settings failed: it said so to the master
            return
        try:
            number = tenant_number(worker or 0, next(RUN["numbers"]))
            self.tenant = LoadTenant.start(number, RUN["settings"], RUN["ledger"], self._report, worker)
        except LoadError as exc:  # no API key for it, or too many tenants: the run ends, exit code 2
            if is_worker(self.environment):
                self.environment.runner.send_message(ERROR, str(exc))
            else:
                gevent.spawn(fail, self.environment, str(exc))
            return
        RUN["tenants"].append(self.tenant)

    @task
    def sync(self) -> None:
        """One sync, unless this tenant is done or the run is ending: then it idles until the run
        ends (a user that stops itself would leave locust a dead greenlet to trip over)."""
        if self.tenant is None or self.tenant.done or RUN.get("ending"):
            raise RescheduleTask()
        name = "re-sync" if self.tenant.synced else "first sync"
        RUN["busy"] += 1
        try:
            started = time.perf_counter()
            result = self.tenant.sync()
        finally:
            RUN["busy"] -= 1
        failure = None if result.ok else RuntimeError(f"{len(result.failed)} failed: {result.failed[0][1]}")
        self._fire("sync", name, (time.perf_counter() - started) * 1000, result.mutations, failure)
        self._publish()

    def _publish(self) -> None:
        """The tenant's state to whoever ends the run: the master, or this process."""
        state = self.tenant.state().to_message()
        if is_worker(self.environment):
            self.environment.runner.send_message(TENANT, state)
        else:
            collect(self.environment, state)

    def _report(self, name: str, latency_ms: float, size: int, exc: BaseException | None) -> None:
        self._fire(RUN["settings"].api, name, latency_ms, size, exc)

    def _fire(self, kind: str, name: str, ms: float, size: int, exc: BaseException | None) -> None:
        self.environment.events.request.fire(
            request_type=kind, name=name, response_time=ms, response_length=size, exception=exc, context={}
        )
