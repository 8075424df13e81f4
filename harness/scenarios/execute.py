"""Playing one scenario on a fresh simulator of one version.

The engine talks to the simulator over HTTP, exactly as to a real Odoo; finance's
bookings and the invariant checks go in-process (as another user, outside the
engine's traffic), so the server's call count is the engine's alone.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.engine.actuals import compute_actuals
from harness.engine.client import ForbiddenModelError, OdooClient, RetryPolicy
from harness.engine.grants import BudgetLine, Grants, Project
from harness.engine.ledger import Ledger, SyncLocked
from harness.engine.plan import PlanNames
from harness.engine.sync import SyncEngine, SyncResult
from harness.health.alerts import JsonlSink
from harness.health.monitor import Monitor
from harness.health.store import HealthStore
from harness.health.tenants import Tenant, TenantsFile, ThresholdSettings
from harness.scenarios import invariants
from harness.scenarios.fake import generate_grants
from harness.scenarios.model import ActualsExpect, GeneratedGrants, GrantsChange, Scenario, SyncExpect, SyncStep
from harness.targets import ADMIN_UID
from harness.versions import is_validated
from simulator.app import SimulatorApp
from simulator.database import Database
from simulator.faults import parse_rules
from simulator.models.analytic import column_name
from simulator.orm import Env
from simulator.proxy import ProxyServer
from simulator.server import SimServer

ENGINE_UID = ADMIN_UID  # the engine logs in as admin
PASSWORD = "scenario-admin-pw"
ROTATED = "scenario-rotated-pw"
PASSWORD_ENV = "SCENARIO_ODOO_PASSWORD"
HEALTH_START = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
HEALTH_INTERVAL = dt.timedelta(minutes=5)
#: A call's answer never takes this long on the simulator (no scenario delays the engine's calls):
#: what it bounds is a machine so loaded that a 2 s bound failed a sync (CI, four versions at once).
ENGINE_TIMEOUT = 10.0
HEALTH_TIMEOUT = 5.0  # per check; above any delay a scenario injects, so slowness reads as amber, not a timeout


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


def play(scenario: Scenario, version: str) -> Outcome:
    with tempfile.TemporaryDirectory() as folder, ScenarioContext(scenario, version, Path(folder)) as context:
        return play_steps(context)


def play_steps(context: ScenarioContext) -> Outcome:
    """The one play loop, on the simulator and on a real Odoo: each step by its context's
    ``do_<step>``, then the final sync and the invariants."""
    for index, step in enumerate(context.scenario.steps):
        context.step = f"step {index + 1} ({step.kind})"
        getattr(context, f"do_{step.kind}")(step.value)
    context.finish()
    return context.outcome


class ScenarioContext:
    def __init__(self, scenario: Scenario, version: str, folder: Path) -> None:
        self.scenario, self.version = scenario, version
        self.app = SimulatorApp(version)
        self.db: Database = self.app.registry.get("odoo")
        self.db.passwords[ENGINE_UID] = PASSWORD
        self.server: SimServer | ProxyServer | None = None
        self.ledger = Ledger(f"sqlite:///{folder / 'ledger.sqlite'}")
        self.grants = initial_grants(scenario)
        self.names = PlanNames()
        self.outcome = Outcome()
        self.results: list[SyncResult] = []
        self.tenants: dict[str, tuple[str, Grants]] = {self.grants.tenant: ("odoo", self.grants)}
        self.step = "setup"
        self.finance_uid = self._finance_user()
        self.environ = {PASSWORD_ENV: PASSWORD}
        self.login = "admin"
        self.health_clock = HEALTH_START
        self.alerts_file = folder / "alerts.jsonl"
        self.monitor: Monitor | None = None

    def __enter__(self) -> ScenarioContext:
        self.server = SimServer(self.app).start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.server:
            self.server.stop()

    # -- wiring ----------------------------------------------------------------------

    def engine(self, tenant: str | None = None, db: str = "odoo") -> SyncEngine:
        client = OdooClient(self.server.url, db, "admin", self.environ[PASSWORD_ENV],
                            tenant=tenant or self.grants.tenant,
                            ledger=self.ledger, timeout=ENGINE_TIMEOUT,
                            retry=RetryPolicy(attempts=5, base=0.01, cap=0.05))
        # on a version the harness has not validated the engine runs as with `sync --force`:
        # the run exists to find out whether it works there (the reports mark the version)
        return SyncEngine(client, self.ledger, self.names, force=not is_validated(self.version))

    def fail(self, message: str) -> None:
        self.outcome.failures.append(f"{self.step}: {message}")

    # -- steps ---------------------------------------------------------------------------

    def do_sync(self, step: Any) -> None:
        result = self.engine().sync(self.grants)
        self.results.append(result)
        self._check_sync(result, step.expect)

    def _check_sync(self, result: SyncResult, expect: SyncExpect) -> None:
        actual = {"ok": result.ok, "created": result.created, "updated": result.updated,
                  "archived": result.archived, "skipped": result.skipped, "mutations": result.mutations}
        for name, value in actual.items():
            wanted = getattr(expect, name)
            if wanted is not None and wanted != value:
                self.fail(f"sync {name} = {value}, expected {wanted} ({result.summary()}; "
                          f"failed: {result.failed[:3]})")
        if expect.min_retries is not None and result.retries < expect.min_retries:
            self.fail(f"sync retried {result.retries} times, expected at least {expect.min_retries} "
                      "(did the fault fire?)")
        if expect.max_calls is not None and result.calls > expect.max_calls:
            self.fail(f"sync sent {result.calls} calls, expected at most {expect.max_calls}")
        failed = sorted(entity for entity, _error in result.failed)
        if expect.failed_entities is not None and failed != sorted(expect.failed_entities):
            self.fail(f"failed entities {failed}, expected {sorted(expect.failed_entities)}")

    def do_faults(self, rules: list[dict]) -> None:
        self.server.app.faults.replace(parse_rules(rules))  # the simulator's, or the proxy's on real Odoo

    def do_clear_faults(self, _value: bool) -> None:
        self.server.app.faults.clear()

    def do_change_grants(self, change: GrantsChange) -> None:
        self.grants = apply_change(self.grants, change)
        self.tenants[self.grants.tenant] = ("odoo", self.grants)

    def do_post_bills(self, bills: list) -> None:
        """Finance books costs: one analytic line per bill line, one account per plan."""
        env = Env(self.db, self.finance_uid, {})
        plans = {p["name"]: p["id"] for p in self._rows("account.analytic.plan", ["name"])}
        multi = self.db.profile.quirks.analytic.plan_columns != "none"
        with self.db.lock, self.db.store.transaction():
            for bill in bills:
                tags = {"project": bill.project, "category": self._category(bill.project, bill.line),
                        "line": f"{bill.project}/{bill.line}"}
                vals: dict[str, Any] = {"name": f"Bill {bill.project} {bill.line}", "amount": -bill.amount,
                                        "date": "2024-03-01"}
                for role in ("project", "category", "line") if multi else ("project",):
                    plan_id = plans[self.names.of(role)]
                    vals[column_name(self.db, plan_id) if multi else "account_id"] = self._account(plan_id, tags[role])
                env["account.analytic.line"].create(vals)
        self.db.settle_journal(committed=True)

    def do_expect_actuals(self, expect: ActualsExpect) -> None:
        result = self.results[-1]
        actuals = compute_actuals(self.engine().client, self.grants, result)
        for group in ("projects", "categories", "lines"):
            figures = getattr(actuals, group)
            for code, spent in getattr(expect, group).items():
                figure = figures.get(code)
                if figure is not None and figure.spent is None and not result.capabilities.multi_plan:
                    self.outcome.degraded.append(f"{group} actuals unavailable on {self.version} (one analytic axis)")
                elif figure is None or figure.spent != spent:
                    self.fail(f"spent on {group[:-1]} {code} = {figure.spent if figure else None}, expected {spent}")

    def do_attempt_write(self, attempt: Any) -> None:
        client = self.engine().client
        try:
            client.mutate(attempt.model, attempt.method, [[1], {"name": "x"}] if attempt.method == "write" else [[1]],
                          entity="rogue", key=f"{self.grants.tenant}:rogue:{attempt.model}:{attempt.method}",
                          retry=False)
        except ForbiddenModelError:
            return
        self.fail(f"the engine sent a {attempt.method} on {attempt.model}: the guard let it through")

    def do_concurrent_syncs(self, count: Any) -> None:
        outcomes: list[str] = []

        def worker() -> None:
            try:
                outcomes.append("ok" if self.engine().sync(self.grants).ok else "failed")
            except SyncLocked:
                outcomes.append("refused")

        _run_threads([worker] * count.count)
        if "ok" not in outcomes or "failed" in outcomes:
            self.fail(f"concurrent syncs of one tenant ended {outcomes}")

    def do_parallel_tenants(self, count: Any) -> None:
        jobs = []
        for number in range(2, count.count + 2):
            tenant, db = f"tenant{number}", f"tenant{number}"
            self.app.registry.create(db).passwords[ENGINE_UID] = PASSWORD
            grants = self.grants.model_copy(update={"tenant": tenant})
            self.tenants[tenant] = (db, grants)
            jobs.append(lambda t=tenant, d=db, g=grants: self._sync_other(t, d, g))
        _run_threads([lambda: self.do_sync(SyncStep()), *jobs])

    def _sync_other(self, tenant: str, db: str, grants: Grants) -> None:
        result = self.engine(tenant, db).sync(grants)
        if not result.ok:
            self.fail(f"tenant {tenant}: {result.failed[:3]}")

    # -- connection health ------------------------------------------------------------------

    def do_health_rounds(self, rounds: Any) -> None:
        """Rounds 5 minutes apart on the scenario's clock; states checked round by round."""
        monitor = self._monitor()
        for index in range(rounds.count):
            self.health_clock += HEALTH_INTERVAL
            [(_tenant, health)] = monitor.tick(self.health_clock)
            wanted = rounds.expect[index] if rounds.expect else None
            if wanted and str(health.state) != wanted:
                self.fail(f"round {index + 1} ({self.health_clock:%H:%M}): health {health.state}, expected {wanted}"
                          f" ({health.error or 'no error'})")

    def do_expect_notices(self, kinds: list[str]) -> None:
        sent = [json.loads(line)["kind"] for line in self.alerts_file.read_text().splitlines()] \
            if self.alerts_file.exists() else []
        if sent != kinds:
            self.fail(f"notices sent to support: {sent}, expected {kinds}")

    def do_rotate_password(self, _value: bool) -> None:
        self.db.passwords[ENGINE_UID] = ROTATED  # Odoo's admin changed it; our secret is stale

    def do_complete_rotation(self, _value: bool) -> None:
        self.environ[PASSWORD_ENV] = ROTATED  # the new secret reaches the monitor's environment

    def do_drop_database(self, _value: bool) -> None:
        self.app.registry.drop("odoo")

    def do_restore_database(self, _value: bool) -> None:
        self.db = self.app.registry.create("odoo")
        self.db.passwords[ENGINE_UID] = self.environ[PASSWORD_ENV]

    def _monitor(self) -> Monitor:
        if self.monitor is None:
            db, _grants = self.tenants[self.grants.tenant]
            config = TenantsFile(tenants=[Tenant(id=self.grants.tenant, url=self.server.url, db=db, login=self.login,
                                                 password_env=PASSWORD_ENV)],
                                 thresholds=ThresholdSettings(**self.scenario.health))
            store = HealthStore(self.ledger.url)
            self.monitor = Monitor(config, store, [JsonlSink(self.alerts_file)], timeout=HEALTH_TIMEOUT,
                                   environ=self.environ)
        return self.monitor

    # -- the end: final sync, invariants ------------------------------------------------------

    def finish(self) -> None:
        self.step = "final"
        self.app.faults.clear()
        if self.scenario.final_sync:
            for tenant, (db, grants) in self.tenants.items():
                result = self.engine(tenant, db).sync(grants)
                if not result.ok:
                    self.fail(f"final sync of {tenant} failed: {result.failed[:3]}")
        self.step = "invariants"
        for tenant, (db, grants) in self.tenants.items():
            state = self._state(self.app.registry.get(db))
            for problem in (invariants.check_no_duplicates(state, self.ledger, tenant)
                            + invariants.check_nothing_lost(state, grants, self.names)
                            + invariants.check_forbidden_untouched(self.app.journal(db)[db], ENGINE_UID)):
                self.fail(f"[{tenant}] {problem}")
        server_calls = sum(self.app.calls.values())
        server_calls -= self._health_calls()
        for problem in invariants.check_log_complete(self.ledger, list(self.tenants), server_calls,
                                                     [PASSWORD, ROTATED],
                                                     repr(self.outcome)):
            self.fail(problem)
        if self.alerts_file.exists():
            kinds = [json.loads(line)["kind"] for line in self.alerts_file.read_text().splitlines()]
            for problem in invariants.check_notices(kinds):
                self.fail(problem)
        rows = [r for t in self.tenants for r in self.ledger.log_rows(t) if r["outcome"] == "sent"]
        self.outcome.latencies_ms = [r["latency_ms"] or 0.0 for r in rows]
        self.outcome.calls = len(rows)

    def _health_calls(self) -> int:
        """The monitor's probes reach the server too, but are not the engine's calls."""
        return self.app.calls.get("common.authenticate", 0) - sum(
            1 for t in self.tenants for r in self.ledger.log_rows(t) if r["entity"] == "common.authenticate")

    # -- in-process helpers ----------------------------------------------------------------

    def _rows(self, model: str, fields: list[str], db: Database | None = None) -> list[dict]:
        db = db or self.db
        env = Env(db, 1, {"active_test": False}, su=True)
        with db.lock:
            return env[model].search_read([], fields, order="id")

    def _state(self, db: Database) -> invariants.OdooState:
        link = "account_id" if "account_id" in db.schema("project.project").fields and \
            db.schema("project.project").fields["account_id"].relation == "account.analytic.account" \
            else "analytic_account_id"
        accounts = self._rows("account.analytic.account", ["code", "name", "plan_id", "active"], db)
        for account in accounts:
            account["plan_id"] = account["plan_id"][0]
        projects = self._rows("project.project", ["name", "active", link], db)
        for project in projects:
            project[link] = project[link][0] if project[link] else False
        names = {self.names.of(r) for r in ("project", "category", "line")}
        plans = [p for p in self._rows("account.analytic.plan", ["name"], db) if p["name"] in names]
        ours = {p["id"] for p in plans}
        return invariants.OdooState(plans, [a for a in accounts if a["plan_id"] in ours], projects, link)

    def _account(self, plan_id: int, code: str) -> int:
        env = Env(self.db, 1, {"active_test": False}, su=True)
        [found] = env["account.analytic.account"].search([("plan_id", "=", plan_id), ("code", "=", code)])
        return found

    def _category(self, project_id: str, line_id: str) -> str:
        project = next(p for p in self.grants.projects if p.id == project_id)
        return next(line.category for line in project.budget_lines if line.id == line_id)

    def _finance_user(self) -> int:
        env = Env(self.db, 1, {}, su=True)
        with self.db.lock, self.db.store.transaction():
            uid = env["res.users"].create({"name": "Finance", "login": "finance"})
            groups = [g for g in (self.db.xmlid("base", "group_user"),
                                  self.db.xmlid("analytic", "group_analytic_accounting")) if g]
            env["res.users"].write([uid], {"groups_id" if "groups_id" in self.db.schema("res.users").fields
                                           else "group_ids": [(6, 0, groups)]})
        self.db.settle_journal(committed=True)
        return uid


def apply_change(grants: Grants, change: GrantsChange) -> Grants:
    """The grants after a change step (pure)."""
    projects = []
    for project in grants.projects:
        if project.id in change.remove_projects:
            continue
        lines = [line.model_copy(update={"name": change.rename_lines.get(f"{project.id}/{line.id}", line.name)})
                 for line in project.budget_lines if f"{project.id}/{line.id}" not in change.remove_lines]
        lines += [BudgetLine.model_validate(extra) for extra in change.add_lines.get(project.id, [])]
        projects.append(Project(id=project.id, name=change.rename_projects.get(project.id, project.name),
                                donor=project.donor, budget_lines=lines))
    return grants.model_copy(update={"projects": projects})


def _run_threads(jobs: list) -> None:
    threads = [threading.Thread(target=job) for job in jobs]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 120
    for thread in threads:
        thread.join(timeout=max(deadline - time.monotonic(), 0))
