"""Mutation tests: break one guarantee of the engine and the matching scenario must fail.

A suite that passes whatever the engine does proves nothing; these show each guarantee has a
scenario that bites, on every kind of target the one scenario path plays on: the scenario's
own simulator (control API and journal), a simulator reached only as a ``url:`` target (as a
real server is: no control API, everything read back over XML-RPC), and a real Odoo when
``ODOO_HARNESS_REAL_URL`` names one (with ``ODOO_DB`` and ``ODOO_PASSWORD``, as ``url:``
targets read them; skipped otherwise, with that reason).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import pytest

from harness.engine import client as client_module
from harness.engine import plan as plan_module
from harness.engine.ledger import Ledger, LogRow
from harness.engine.sync import SyncEngine
from harness.scenarios.execute import Outcome, play, play_on
from harness.scenarios.model import SCENARIOS_DIR, Scenario, load_scenario
from harness.targets import Endpoint
from simulator.app import SimulatorApp
from simulator.server import SimServer

REAL_URL = os.environ.get("ODOO_HARNESS_REAL_URL")
Player = Callable[[Scenario], Outcome]


def scenario(path: str) -> Scenario:
    return load_scenario(SCENARIOS_DIR / path)


@pytest.fixture(params=["simulator", "url-target", "real-odoo"])
def player(request: pytest.FixtureRequest) -> Iterator[Callable[[str], Player]]:
    """``player(version)``: plays a scenario on that kind of target (a real Odoo is what it is)."""
    if request.param == "simulator":
        yield lambda version: lambda s: play(s, version)
    elif request.param == "url-target":
        servers: list[SimServer] = []

        def on_url(version: str) -> Player:
            server = SimServer(SimulatorApp(version)).start()
            servers.append(server)
            return lambda s: play_on(s, Endpoint(server.url, "odoo", "admin", "admin"))

        yield on_url
        for server in servers:
            server.stop()
    else:
        if not REAL_URL:
            pytest.skip("no real Odoo: set ODOO_HARNESS_REAL_URL (and ODOO_DB, ODOO_PASSWORD) to bite there too")
        endpoint = Endpoint(
            REAL_URL, os.environ["ODOO_DB"], os.environ.get("ODOO_LOGIN", "admin"), os.environ["ODOO_PASSWORD"]
        )
        yield lambda _version: lambda s: play_on(s, endpoint)


class Everything(frozenset):
    """An allow-list that allows every model: the guard bypassed."""

    def __contains__(self, item: object) -> bool:
        return True


@pytest.mark.parametrize(
    "path", ["idempotent-retries/lost-account-create.yaml", "idempotent-retries/lost-project-create.yaml"]
)
def test_without_the_idempotency_check_lost_responses_duplicate(
    monkeypatch: pytest.MonkeyPatch, player, path: str
) -> None:
    play_it = player("17.0")
    assert play_it(scenario(path)).failures == []
    monkeypatch.setattr(SyncEngine, "_resolve", lambda self, pending, result, todo: todo)
    failures = play_it(scenario(path)).failures
    assert any("duplicate" in f for f in failures), failures


def test_with_the_guard_bypassed_forbidden_writes_are_caught(monkeypatch: pytest.MonkeyPatch, player) -> None:
    """Read back from Odoo on every target (``write_uid`` since the scenario began); on the
    scenario's own simulator its journal says it too."""
    path = "forbidden-models/partner-write-refused.yaml"
    play_it = player("18.0")
    assert play_it(scenario(path)).failures == []
    monkeypatch.setattr(client_module, "ALLOWED_MODELS", Everything())
    failures = play_it(scenario(path)).failures
    assert any("the guard let it through" in f for f in failures), failures
    assert any("forbidden mutation: 1 res.partner record(s) written by uid 2 since" in f for f in failures), failures


def test_the_simulators_journal_cross_checks_a_forbidden_write(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(client_module, "ALLOWED_MODELS", Everything())
    failures = play(scenario("forbidden-models/partner-write-refused.yaml"), "18.0").failures
    assert any("forbidden mutation: write on res.partner ids [1] by uid 2" in f for f in failures), failures


def test_an_update_key_without_revision_swallows_a_later_change(monkeypatch: pytest.MonkeyPatch, player) -> None:
    path = "plan-tagging/rename-back-and-forth.yaml"
    play_it = player("16.0")
    assert play_it(scenario(path)).failures == []

    def write_without_revision(tenant, model, entity, entity_id, verb, values, current):
        return plan_module.Mutation(
            model,
            "write",
            entity,
            entity_id,
            verb,
            values,
            plan_module.key(tenant, entity, entity_id, verb),
            record_id=current["id"],
        )

    monkeypatch.setattr(plan_module, "_write", write_without_revision)
    failures = play_it(scenario(path)).failures
    assert any("updated = 0, expected 1" in f and "1 skipped" in f for f in failures), failures
    assert any("wrong: account 'PRJ-001/2.1' is 'Regional flights'" in f for f in failures), failures


def test_a_call_the_engine_did_not_log_breaks_the_log_invariant(monkeypatch: pytest.MonkeyPatch, player) -> None:
    """The calls the fault proxy passed on are counted against the sync log's rows."""
    path = "plan-tagging/three-plans-and-accounts.yaml"
    play_it = player("17.0")
    original = Ledger.log

    def forget_fields_get(self: Ledger, row: LogRow) -> None:
        if row.method != "fields_get":
            original(self, row)

    monkeypatch.setattr(Ledger, "log", forget_fields_get)
    failures = play_it(scenario(path)).failures
    assert any("sync_log has" in f and "the server received" in f for f in failures), failures
