"""Playing scenarios on a real Odoo (``url:`` or ``container:`` targets).

The engine and the health monitor reach the real Odoo through the fault proxy
(``simulator/proxy.py``), so the scenarios' injected faults (lost answers after a real
commit, resets, gateway errors, Odoo's faults, slowness) happen there too. What only the
simulator can do (drop a database, change a password behind the engine's back, open more
databases) makes a scenario skipped, with that reason. Scenarios are isolated from each
other by plan names of their own, and the invariants read Odoo back over XML-RPC (not
through the proxy) instead of the simulator's journal: the forbidden models are checked
for writes by the engine's user since the scenario began.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import tempfile
import xmlrpc.client
from pathlib import Path
from typing import Any

from harness.engine.actuals import plan_columns
from harness.engine.client import OdooClient, RetryPolicy
from harness.engine.ledger import Ledger
from harness.engine.plan import PlanNames
from harness.engine.sync import SyncEngine
from harness.scenarios import invariants
from harness.scenarios.execute import HEALTH_START, PASSWORD_ENV, Outcome, ScenarioContext, initial_grants, play_steps
from harness.scenarios.model import Scenario
from harness.targets import Endpoint
from harness.versions import is_validated
from simulator.proxy import ProxyServer


def play_remote(scenario: Scenario, endpoint: Endpoint) -> Outcome:
    with tempfile.TemporaryDirectory() as folder, ProxyServer(endpoint.url) as proxy:
        return play_steps(RemoteContext(scenario, endpoint, Path(folder), proxy))


class RemoteContext(ScenarioContext):
    """The scenario context against an Odoo reached only over XML-RPC."""

    def __init__(self, scenario: Scenario, endpoint: Endpoint, folder: Path, proxy: ProxyServer) -> None:
        self.scenario, self.endpoint = scenario, endpoint
        self.server = proxy  # the engine and the health monitor reach Odoo through the fault proxy
        self.login, self.environ = endpoint.login, {PASSWORD_ENV: endpoint.password}
        self.health_clock, self.alerts_file, self.monitor = HEALTH_START, folder / "alerts.jsonl", None
        self.ledger = Ledger(f"sqlite:///{folder / 'ledger.sqlite'}")
        self.grants = initial_grants(scenario)
        tag = hashlib.sha256(f"{scenario.name}{dt.datetime.now(dt.UTC)}".encode()).hexdigest()[:8]
        self.names = PlanNames(f"Grant projects {tag}", f"Donor budget lines {tag}", f"Donor budget details {tag}")
        self.outcome = Outcome()
        self.results = []
        self.tenants = {self.grants.tenant: (endpoint.db, self.grants)}
        self.step = "setup"
        common = xmlrpc.client.ServerProxy(f"{endpoint.url}/xmlrpc/2/common")
        self.version = common.version()["server_serie"]
        self._switch_analytic_on()
        self.started = invariants.write_clock()  # after the setup's own writes

    def engine(self, tenant: str | None = None, db: str | None = None) -> SyncEngine:
        client = OdooClient(self.server.url, self.endpoint.db, self.endpoint.login, self.endpoint.password,
                            tenant=tenant or self.grants.tenant, ledger=self.ledger, timeout=30.0,
                            retry=RetryPolicy(attempts=5, base=0.2, cap=2.0))
        # forced on an unvalidated version, as ScenarioContext.engine says why
        return SyncEngine(client, self.ledger, self.names, force=not is_validated(self.version))

    def _switch_analytic_on(self) -> None:
        """The integration runs where Analytic Accounting is on (DESIGN); a fresh server
        (a container) gets it switched on as its admin would."""
        if not self.call("account.analytic.plan", "check_access_rights", "read", raise_exception=False):
            settings = self.call("res.config.settings", "create", {"group_analytic_accounting": True})
            self.call("res.config.settings", "execute", [settings])

    @functools.cached_property
    def uid(self) -> int:
        return xmlrpc.client.ServerProxy(f"{self.endpoint.url}/xmlrpc/2/common").authenticate(
            self.endpoint.db, self.endpoint.login, self.endpoint.password, {})

    @functools.cached_property
    def call(self) -> invariants.Call:
        return invariants.caller(self.endpoint.url, self.endpoint.db, self.uid, self.endpoint.password)

    def do_post_bills(self, bills: list) -> None:
        """Finance's bookings as analytic lines, over XML-RPC (one column per plan on 17+)."""
        result = self.results[-1]
        client = self.engine().client
        columns = {role: column for role, column in
                   plan_columns(client, result.plan_ids, result.capabilities.multi_plan).items() if column}
        for bill in bills:
            tags = {"project": bill.project, "category": self._category(bill.project, bill.line),
                    "line": f"{bill.project}/{bill.line}"}
            vals: dict[str, Any] = {"name": f"Bill {bill.project} {bill.line}", "amount": -bill.amount,
                                    "date": "2024-03-01"}
            for role, column in columns.items():
                vals[column] = result.account_ids[(role, tags[role])]
            self.call("account.analytic.line", "create", vals)

    def finish(self) -> None:
        self.step = "final"
        if self.scenario.final_sync:
            result = self.engine().sync(self.grants)
            if not result.ok:
                self.fail(f"final sync failed: {result.failed[:3]}")
        self.step = "invariants"
        state = invariants.read_state(self.call, self.names)
        tenant = self.grants.tenant
        for problem in (invariants.check_no_duplicates(state, self.ledger, tenant)
                        + invariants.check_nothing_lost(state, self.grants, self.names)
                        + invariants.forbidden_writes(self.call, self.uid, self.started)):
            self.fail(f"[{tenant}] {problem}")
        rows = [r for r in self.ledger.log_rows(tenant) if r["outcome"] == "sent"]
        if self.endpoint.password in repr(self.ledger.log_rows(tenant)):
            self.fail("a password appears in the sync log")
        self.outcome.latencies_ms = [r["latency_ms"] or 0.0 for r in rows]
        self.outcome.calls = len(rows)
