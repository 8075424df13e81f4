"""What a sync costs on the wire, counted by the server (the simulator's ``GET /__sim__/stats``),
on every version over XML-RPC and, where Odoo has it, over JSON-2 too.

- A re-sync of unchanged grants: at most 3 calls (the version, plans and accounts in one read,
  the projects), no login and no write; a later process (a new ``Ledger`` on the same database)
  too, as a cron's next ``odoo-harness sync`` is.
- A first sync of 1,000 budget lines: at most 8 calls once the ledger knows the server's fields.
- The password (the API key) changed in Odoo between syncs: the same failure and exit code as a
  wrong password on a first sync, for at most 3 calls and no write.
- The server answering another version than the one the ledger kept: detected again (a new login,
  the version's own fields), so the sync plans with the right version's fields.
"""

from __future__ import annotations

import json
import urllib.request
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from harness.engine.client import OdooClient, RetryPolicy
from harness.engine.compat import series_of
from harness.engine.grants import BudgetLine, Grants, Project
from harness.engine.ledger import Ledger
from harness.engine.plan import PlanNames
from harness.engine.sync import CONNECTION, SyncEngine, SyncResult
from harness.versions import version_key
from simulator.app import SimulatorApp
from simulator.server import SimServer
from tests.support.engine import GRANTS, engine_on, grants, sync_command
from tests.support.odoo import VERSIONS

#: (version, wire): XML-RPC on every version, JSON-2 where Odoo serves it (19.0 on).
WIRES = [(version, "xmlrpc") for version in VERSIONS] + [
    (version, "json2") for version in VERSIONS if version_key(version) >= (19, 0)
]
WRITES = ("create", "write", "unlink", "copy", "action_archive", "action_unarchive")
LOGINS = ("common.authenticate", "res.users.context_get")
SECRET_ENV = "COUNTED_ODOO_SECRET"
#: The admin's password over XML-RPC: not "admin", which the login also is, so that a leak shows.
PASSWORD = "Counted-pw-7Qx2"


@dataclass
class Wire:
    """A simulator of one version, and the engine's way to it."""

    server: SimServer
    api: str
    secret: str

    @property
    def version(self) -> str:
        return self.server.app.version

    def engine(self, ledger: Ledger, tenant: str = "acme", names: PlanNames | None = None) -> SyncEngine:
        client = OdooClient(
            self.server.url,
            "odoo",
            "admin",
            self.secret,
            tenant=tenant,
            ledger=ledger,
            api=self.api,  # type: ignore[arg-type]
            retry=RetryPolicy(attempts=3, sleep=lambda _s: None),
        )
        return SyncEngine(client, ledger, names)

    def received(self) -> Counter:
        """Every call the server received so far, by ``model.method`` (``GET /__sim__/stats``)."""
        with urllib.request.urlopen(f"{self.server.url}/__sim__/stats", timeout=10) as answer:
            return Counter(json.loads(answer.read())["by_method"])

    def sync(self, engine: SyncEngine, grants: Grants) -> tuple[SyncResult, Counter]:
        """One sync, and the calls the server received for it."""
        before = self.received()
        result = engine.sync(grants)
        return result, self.received() - before

    def control(self, method: str, path: str, body: dict | None = None) -> None:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            f"{self.server.url}{path}", data=data, method=method, headers={"Content-Type": "application/json"}
        )
        urllib.request.urlopen(request, timeout=10).read()


@pytest.fixture(params=WIRES, ids=[f"{version}-{api}" for version, api in WIRES])
def wire(request: pytest.FixtureRequest) -> Iterator[Wire]:
    version, api = request.param
    with SimServer(SimulatorApp(version)) as server:
        wire = Wire(server, api, PASSWORD)
        wire.control("POST", "/__sim__/passwords", {"db": "odoo", "login": "admin", "password": PASSWORD})
        if api == "json2":
            wire.secret = server.app.issue_api_key("admin")
        yield wire


def ledger_at(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'ledger.sqlite'}"


def writes(calls: Counter) -> dict[str, int]:
    return {name: count for name, count in calls.items() if name.rsplit(".", 1)[-1] in WRITES}


def probes(calls: Counter) -> int:
    return sum(count for name, count in calls.items() if name.endswith(".fields_get"))


def thousand_lines() -> Grants:
    """1,000 budget lines: 50 projects of 20 lines in 4 categories (1,054 accounts)."""
    categories = ("HR", "TRV", "EQP", "IND")
    return Grants(
        tenant="bench",
        projects=[
            Project(
                id=f"PRJ-{p:04}",
                name=f"Project {p:04}",
                donor="EU",
                budget_lines=[
                    BudgetLine(id=f"{n % 4 + 1}.{n}", name=f"Line {n} of {p}", category=categories[n % 4], amount=1.0)
                    for n in range(20)
                ],
            )
            for p in range(50)
        ],
    )


def test_a_re_sync_of_unchanged_grants_costs_at_most_3_calls_and_writes_nothing(wire: Wire, tmp_path: Path) -> None:
    first, _calls = wire.sync(wire.engine(Ledger(ledger_at(tmp_path))), grants())
    assert first.ok and first.created == 14, first.failed
    later_process = Ledger(ledger_at(tmp_path))  # a cron's next run: the same ledger database, nothing in memory
    engine = wire.engine(later_process)
    for _run in range(2):  # the next process, then that process again
        resync, calls = wire.sync(engine, grants())
        assert resync.ok and (resync.created, resync.updated, resync.archived, resync.mutations) == (0, 0, 0, 0)
        assert sum(calls.values()) <= 3, calls
        assert writes(calls) == {} and not set(LOGINS) & set(calls)
        assert resync.calls == sum(calls.values())  # one sync_log row per call sent
        assert resync.capabilities.series == wire.version
    assert engine.client.uid == 2  # the uid the first sync's login got, kept in the ledger


def test_a_first_sync_of_1000_budget_lines_costs_at_most_8_calls(wire: Wire, tmp_path: Path) -> None:
    """Once the ledger knows the server (here: another tenant synced its own plans there first); the
    very first sync against a server also asks its fields once (1 fields_get from 18.0, 2 before)."""
    ledger = Ledger(ledger_at(tmp_path))
    other = PlanNames("Other projects", "Other budget lines", "Other budget details")
    warm, calls = wire.sync(
        wire.engine(ledger, "other", other), grants(GRANTS.replace("tenant: acme", "tenant: other"))
    )
    assert warm.ok and probes(calls) == (1 if version_key(wire.version) >= (18, 0) else 2)
    assert sum(calls.values()) == 6 + probes(calls)
    engine = wire.engine(ledger, "bench")
    first, calls = wire.sync(engine, thousand_lines())
    assert first.ok and first.created == 3 + 1054 + 50, first.failed[:3]
    assert sum(calls.values()) <= 8 and probes(calls) == 0, calls
    resync, calls = wire.sync(engine, thousand_lines())
    assert resync.ok and resync.mutations == 0 and sum(calls.values()) <= 3 and writes(calls) == {}, calls


def sync_with(wire: Wire, tmp_path: Path) -> int:
    secret = ["--api", "json2", "--api-key-env", SECRET_ENV] if wire.api == "json2" else ["--password-env", SECRET_ENV]
    return sync_command(wire.server.url, tmp_path, *secret)


def test_a_password_changed_in_odoo_between_syncs_fails_the_sync_clearly(
    wire: Wire, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setenv(SECRET_ENV, wire.secret)
    assert sync_with(wire, tmp_path) == 0
    capsys.readouterr()
    if wire.api == "json2":  # the customer's admin revokes the engine's key and makes a new one
        wire.control("DELETE", "/__sim__/apikeys?login=admin&db=odoo")
        renewed = wire.server.app.issue_api_key("admin")
        refused = "failed connection: HTTP 401 werkzeug.exceptions.Unauthorized: Invalid apikey"
    else:
        renewed = "changed-in-odoo"
        wire.control("POST", "/__sim__/passwords", {"db": "odoo", "login": "admin", "password": renewed})
        refused = "failed connection: authentication refused for login 'admin' on database 'odoo'"
    before = wire.received()
    assert sync_with(wire, tmp_path) == 1  # README: 1, the sync failed
    calls = wire.received() - before
    out = capsys.readouterr().out
    assert refused in out and wire.secret not in out
    assert writes(calls) == {} and sum(calls.values()) <= 3, calls
    monkeypatch.setenv(SECRET_ENV, renewed)  # the new secret deployed: synced again
    assert sync_with(wire, tmp_path) == 0
    assert "acme: 0 created, 0 updated, 0 archived" in capsys.readouterr().out


def test_a_call_still_denied_after_a_new_login_fails_clearly(wire: Wire, tmp_path: Path) -> None:
    ledger = Ledger(ledger_at(tmp_path))
    assert wire.sync(wire.engine(ledger), grants())[0].ok
    denied = {"model": "account.analytic.account", "method": "search_read", "action": "odoo_fault"}
    wire.control("POST", "/__sim__/faults", [{**denied, "fault": "access_denied", "times": 2}])
    result, calls = wire.sync(wire.engine(ledger), grants())
    [(entity, error)] = result.failed
    assert entity == CONNECTION and "still denied after logging in again as 'admin' on database 'odoo'" in error
    # the version, the read (denied), one new login, the read again (denied): nothing more
    assert sum(calls.values()) == 4 and sum(calls[name] for name in LOGINS) == 1 and writes(calls) == {}
    assert result.calls == 4


def other_version(version: str) -> str:
    """A version whose project.project links its analytic account through another field."""
    return "17.0" if version_key(version) >= (18, 0) else "18.0"


def test_a_server_answering_another_version_than_the_ledger_kept_is_detected_again(wire: Wire, tmp_path: Path) -> None:
    """As after an upgrade (or a downgrade) between syncs: the ledger kept the login and the fields of
    another version of the server at this URL (here: what an in-process simulator of that version
    answered the engine there). The sync must not plan with them."""
    ledger = Ledger(ledger_at(tmp_path))
    assert wire.sync(wire.engine(ledger), grants())[0].ok
    older = other_version(wire.version)
    scratch = Ledger(f"sqlite:///{tmp_path / 'scratch.sqlite'}")
    assert engine_on(SimulatorApp(older), scratch, url=wire.server.url).sync(grants()).ok
    for server in scratch.servers(wire.server.url, "odoo"):
        ledger.remember_server_fields(wire.server.url, "odoo", server["server_version"], server["fields"])
    kept = scratch.kept_login("acme")
    assert kept is not None and series_of(kept.server) == older
    ledger.remember_login("acme", wire.server.url, "odoo", "admin", wire.api, kept.uid, kept.server)

    result, calls = wire.sync(wire.engine(ledger), grants())
    assert result.ok and result.mutations == 0, result.failed
    caps = result.capabilities
    assert caps.series == wire.version
    assert caps.project_account_field == (
        "account_id" if version_key(wire.version) >= (18, 0) else "analytic_account_id"
    )
    assert sum(calls[name] for name in LOGINS) == 1  # logged in again
    assert sum(calls.values()) <= 6 and writes(calls) == {}, calls
    again, calls = wire.sync(wire.engine(ledger), grants())
    assert again.ok and sum(calls.values()) <= 3 and writes(calls) == {}


def test_plans_holding_no_account_yet_are_read_as_well_never_created_twice(wire: Wire, tmp_path: Path) -> None:
    """One read of the accounts gives the plans of a tenant synced before, but not a plan with no
    account in it (here: a first sync of grants without projects created the three plans only)."""
    ledger = Ledger(ledger_at(tmp_path))
    plans_only, _calls = wire.sync(wire.engine(ledger), grants("tenant: acme\nprojects: []\n"))
    assert plans_only.ok and plans_only.created == 3
    result, calls = wire.sync(wire.engine(ledger), grants())
    assert result.ok and result.created == 11, result.failed  # 9 accounts and 2 projects: no plan again
    assert result.plan_ids == plans_only.plan_ids
    assert calls["account.analytic.plan.search_read"] == 1 and "account.analytic.plan.create" not in calls
    # the version, the accounts (none), the plans, one create of the accounts, one of the projects
    assert sum(calls.values()) == 5, calls
    again, calls = wire.sync(wire.engine(ledger), grants())
    assert again.ok and again.mutations == 0 and sum(calls.values()) <= 3
