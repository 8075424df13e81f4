"""Playing one scenario against one Odoo, simulated or real, by one path.

The engine and the health monitor reach the target through the fault proxy
(``simulator/proxy.py``), so a scenario's injected faults (a lost answer after a real commit,
resets, gateway errors, Odoo's faults, slowness) happen the same way in front of either, and
the proxy counts the calls the engine sent. The checks and finance's bookings go straight to
Odoo as its admin (``invariants.Reader``), on the engine's wire (XML-RPC, or JSON-2 with the API
key): nothing of them is logged, counted or faulted. On the simulator its journal of mutations
cross-checks the forbidden-model invariant. What only a simulator can do (drop a
database, change a password behind the engine's back, open more databases) goes through its
control API, which a real Odoo does not have: scenarios that need it are skipped there.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import tempfile
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from harness.control import FaultsControl, SimulatorControl
from harness.engine.client import SECRET_ENV, OdooClient, RetryPolicy
from harness.engine.grants import Grants
from harness.engine.ledger import new_sqlite_ledger
from harness.engine.plan import PlanNames
from harness.engine.sync import SyncEngine, SyncResult
from harness.health.alerts import JsonlSink
from harness.health.monitor import Monitor
from harness.health.store import HealthStore
from harness.health.tenants import Tenant, TenantsFile, ThresholdSettings
from harness.scenarios import invariants
from harness.scenarios.fake import generate_grants
from harness.scenarios.model import GeneratedGrants, Scenario
from harness.scenarios.steps import ROTATED, STEPS
from harness.targets import Endpoint, Target
from harness.versions import is_validated
from simulator.proxy import ProxyServer

#: admin's password on the scenario's own simulator
PASSWORD = "scenario-admin-pw"
PASSWORD_ENV = "SCENARIO_ODOO_PASSWORD"
HEALTH_START = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
#: Linux's memory file system, writable by anyone
RAM_FOLDER = "/dev/shm"
HEALTH_TIMEOUT = 5.0  # per check; above any delay a scenario injects, so slowness reads as amber, not a timeout


@dataclass(frozen=True)
class Pace:
    """How long the engine waits for an answer and between retries: a property of the target."""

    timeout: float
    retry_base: float
    retry_cap: float


#: The embedded simulator answers in milliseconds; the timeout bounds a machine so loaded that a
#: 2 s bound failed a sync (CI, four versions at once). No scenario delays the engine's calls.
SIMULATOR_PACE = Pace(timeout=10.0, retry_base=0.01, retry_cap=0.05)
#: A real Odoo's workers take longer to free up after a serialization failure.
SERVER_PACE = Pace(timeout=30.0, retry_base=0.2, retry_cap=2.0)


@dataclass
class Outcome:
    """What playing a scenario found: failed expectations, broken invariants, timings."""

    failures: list[str] = field(default_factory=list)
    degraded: list[str] = field(default_factory=list)
    latencies_ms: list[float] = field(default_factory=list)
    calls: int = 0


def initial_grants(scenario: Scenario) -> Grants:
    if isinstance(scenario.grants, GeneratedGrants):
        g = scenario.grants
        return generate_grants(g.seed, g.projects, g.lines_per_project)
    return Grants.model_validate(scenario.grants)


def play(scenario: Scenario, version: str, api: str = "xmlrpc") -> Outcome:
    """On a simulator of its own (as customers run Odoo: Analytic Accounting on), the engine on ``api``."""
    with Target("sim", version, api).start(fresh=False, sim_password=PASSWORD) as endpoint:
        return play_on(scenario, endpoint, SIMULATOR_PACE)


def play_on(scenario: Scenario, endpoint: Endpoint, pace: Pace = SERVER_PACE) -> Outcome:
    """On a started target; the one play loop: each step, then the final sync and the invariants."""
    with tempfile.TemporaryDirectory(dir=scratch_folder()) as folder, ProxyServer(endpoint.url) as proxy:
        context = ScenarioContext(scenario, endpoint, proxy.url, Path(folder), pace)
        with closing(context.ledger):
            for index, step in enumerate(scenario.steps):
                context.step = f"step {index + 1} ({step.kind})"
                STEPS[step.kind].play(context, step.value)
            context.finish()
        return context.outcome


def scratch_folder() -> str | None:
    """Where a scenario keeps its ledger and alerts: in memory (``/dev/shm``) where there is one.
    The ledger commits every call it logs, and on a disk each commit waits for an fsync; what a
    scenario proves of the ledger (keys, log, locks) does not depend on surviving a power cut."""
    return RAM_FOLDER if os.access(RAM_FOLDER, os.W_OK) else None


class ScenarioContext:
    """What the steps share: the target, the engine's wiring, the grants, what was found."""

    def __init__(self, scenario: Scenario, target: Endpoint, proxy_url: str, folder: Path, pace: Pace) -> None:
        self.scenario, self.target, self.proxy_url, self.pace = scenario, target, proxy_url, pace
        self.faults = FaultsControl(proxy_url)
        self.control = SimulatorControl(target.control) if target.control else None
        self.environ = {PASSWORD_ENV: target.secret}  # the engine's and the monitor's secret on its wire
        self.rotated = ROTATED  # the secret after a rotation (a new API key over JSON-2)
        self.ledger = new_sqlite_ledger(folder / "ledger.sqlite")
        self.alerts_file = folder / "alerts.jsonl"
        self.grants = initial_grants(scenario)
        # plan names of the scenario's own, so scenarios sharing a database do not meet
        tag = hashlib.sha256(f"{scenario.name}{dt.datetime.now(dt.UTC)}".encode()).hexdigest()[:8]
        self.names = PlanNames(f"Grant projects {tag}", f"Donor budget lines {tag}", f"Donor budget details {tag}")
        self.tenants: dict[str, tuple[str, Grants]] = {self.grants.tenant: (target.db, self.grants)}
        self.outcome = Outcome()
        self.results: list[SyncResult] = []
        #: the harness's own writes as the engine's user: finance's bills, the setup's settings
        self.own_writes: set[tuple[str, int]] = set()
        self.health_clock = HEALTH_START
        self._monitor: Monitor | None = None
        self._readers: dict[tuple[str, str], invariants.Reader] = {}
        self.step = "setup"
        self.version = self.reader().version()
        self.uid = self.reader().uid
        self._switch_analytic_on()
        self.since = invariants.start_write_clock(self.reader(), self.uid)

    # -- wiring ----------------------------------------------------------------------

    def engine(self, tenant: str | None = None, db: str | None = None) -> SyncEngine:
        client = OdooClient(
            self.proxy_url,
            db or self.target.db,
            self.target.login,
            self.password,
            tenant=tenant or self.grants.tenant,
            ledger=self.ledger,
            timeout=self.pace.timeout,
            retry=RetryPolicy(attempts=5, base=self.pace.retry_base, cap=self.pace.retry_cap),
            api=self.target.api,
        )
        # on a version the harness has not validated the engine runs as with `sync --force`:
        # the run exists to find out whether it works there (the reports mark the version)
        return SyncEngine(client, self.ledger, self.names, force=not is_validated(self.version))

    @property
    def password(self) -> str:
        """The engine's secret: the password, or over JSON-2 the API key (the checks' reader logs in
        with it too, on the same wire)."""
        return self.environ[PASSWORD_ENV]

    @password.setter
    def password(self, value: str) -> None:
        """A completed rotation: the new secret reaches the engine and the monitor, as a deploy would."""
        self.environ[PASSWORD_ENV] = value

    def reader(self, db: str | None = None) -> invariants.Reader:
        """The checks' own connection to a database of the target, as its admin, on the engine's
        wire (one per database and secret: it logs in once)."""
        key = (db or self.target.db, self.password)
        if key not in self._readers:
            self._readers[key] = invariants.Reader(
                self.target.url, key[0], self.target.login, key[1], api=self.target.api
            )
        return self._readers[key]

    def monitor(self) -> Monitor:
        """The health monitor of the first tenant, through the fault proxy, on the scenario's clock."""
        if self._monitor is None:
            db, _grants = self.tenants[self.grants.tenant]
            secret = {SECRET_ENV[self.target.api]: PASSWORD_ENV}
            config = TenantsFile(
                tenants=[
                    Tenant(
                        id=self.grants.tenant,
                        url=self.proxy_url,
                        db=db,
                        login=self.target.login,
                        api=self.target.api,
                        **secret,
                    )
                ],
                thresholds=ThresholdSettings(**self.scenario.health),
            )
            self._monitor = Monitor(
                config,
                HealthStore(self.ledger),
                [JsonlSink(self.alerts_file)],
                timeout=HEALTH_TIMEOUT,
                environ=self.environ,
            )
        return self._monitor

    def notices(self) -> list[str]:
        """The kinds of the notices sent to support so far, in order."""
        if not self.alerts_file.exists():
            return []
        return [json.loads(line)["kind"] for line in self.alerts_file.read_text().splitlines()]

    def category(self, project_id: str, line_id: str) -> str:
        project = next(p for p in self.grants.projects if p.id == project_id)
        return next(line.category for line in project.budget_lines if line.id == line_id)

    def fail(self, message: str) -> None:
        self.outcome.failures.append(f"{self.step}: {message}")

    def _switch_analytic_on(self) -> None:
        """The integration runs where Analytic Accounting is on (docs/contract.md); a fresh server
        (a container) gets it switched on as its admin would."""
        reader = self.reader()
        if not reader.call("account.analytic.plan", "check_access_rights", "read", raise_exception=False):
            settings = reader.call("res.config.settings", "create", [{"group_analytic_accounting": True}])
            self.own_writes.update(("res.config.settings", record) for record in settings)
            reader.call("res.config.settings", "execute", settings)

    # -- the end: final sync, invariants ------------------------------------------------------

    def finish(self) -> None:
        self.step = "final"
        self.faults.clear()
        if self.scenario.final_sync:
            for tenant, (db, grants) in self.tenants.items():
                result = self.engine(tenant, db).sync(grants)
                if not result.ok:
                    self.fail(f"final sync of {tenant} failed: {result.failed[:3]}")
        self.step = "invariants"
        for tenant, (db, grants) in self.tenants.items():
            reader = self.reader(db)
            state = invariants.read_state(reader, self.names)
            problems = (
                invariants.check_no_duplicates(state, self.ledger, tenant)
                + invariants.check_nothing_lost(state, grants, self.names)
                + invariants.forbidden_writes(reader, self.uid, self.since)
            )
            if self.control:
                problems += invariants.check_journal(self.control.journal(db), self.uid, self.own_writes)
            for problem in problems:
                self.fail(f"[{tenant}] {problem}")
        rows = [row for tenant in self.tenants for row in self.ledger.log_rows(tenant)]
        for problem in invariants.check_log_complete(
            rows, self._engine_calls(rows), self._secrets(), repr(self.outcome)
        ):
            self.fail(problem)
        for problem in invariants.check_notices(self.notices()):
            self.fail(problem)
        sent = [row for row in rows if row["outcome"] == "sent"]
        self.outcome.latencies_ms = [row["latency_ms"] or 0.0 for row in sent]
        self.outcome.calls = len(sent)

    def _secrets(self) -> list[str]:
        return [secret for secret in (self.target.password, self.target.api_key, ROTATED, self.rotated) if secret]

    def _engine_calls(self, rows: list[dict]) -> int:
        """The calls the proxy passed on for the engine: all it received but the monitor's probes
        (its login call, ``common.authenticate`` or JSON-2's ``res.users.context_get``, beyond
        those the engine logged in ``rows``, the tenants' sync_log)."""
        received = self.faults.calls()
        _path, login = self.engine().client.wire.LOGIN
        engine_logins = sum(1 for row in rows if row["entity"] == login)
        probes = received.get(login, 0) - engine_logins
        return sum(received.values()) - probes
