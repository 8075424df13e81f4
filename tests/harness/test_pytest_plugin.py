"""The pytest plugin, used the way another project would: pytester runs a fresh session."""

from __future__ import annotations

import pytest

SCENARIO = """
name: demo
description: a first sync
min_version: "17.0"
grants:
  tenant: acme
  projects:
    - {id: P1, name: Demo, donor: EU, budget_lines: [{id: "1.1", name: Staff, category: HR, amount: 10}]}
steps:
  - sync: {expect: {ok: true, created: 7}}
"""

TESTS = """
def test_sim_answers(odoo_sim):
    import xmlrpc.client
    assert xmlrpc.client.ServerProxy(odoo_sim.url + "/xmlrpc/2/common").version()["server_serie"]

def test_engine_under_faults(odoo_sim, faults, tmp_path):
    from harness.engine.client import OdooClient, RetryPolicy
    from harness.engine.grants import parse_grants
    from harness.engine.ledger import Ledger
    from harness.engine.sync import SyncEngine
    faults.set([{"model": "project.project", "method": "create", "action": "http_status", "status": 503,
                 "times": 1}])
    ledger = Ledger(f"sqlite:///{tmp_path}/l.sqlite")
    client = OdooClient(odoo_sim.url, "odoo", "admin", "admin", tenant="acme", ledger=ledger,
                        retry=RetryPolicy(sleep=lambda s: None))
    grants = parse_grants("tenant: acme\\nprojects: [{id: P1, name: A, donor: EU}]")
    assert SyncEngine(client, ledger).sync(grants).ok
    assert faults.fired() == {"project.project:create:http_status": 1}

def test_sync_engine_fixture(sync_engine):
    from harness.engine.grants import parse_grants
    assert sync_engine.sync(parse_grants("tenant: acme\\nprojects: []")).ok
"""


def test_plugin_collects_scenarios_and_offers_fixtures(pytester: pytest.Pytester) -> None:
    pytester.makefile(".yaml", **{"scenarios/demo/first": SCENARIO})
    pytester.makepyfile(test_user=TESTS)
    result = pytester.runpytest("-q", "--odoo-version", "17.0", "--odoo-target", "sim:18.0")
    result.assert_outcomes(passed=4)  # 1 scenario item (17.0) + 3 tests


def test_failing_scenario_is_reported_readably(pytester: pytest.Pytester) -> None:
    pytester.makefile(".yaml", **{"scenarios/demo/first": SCENARIO.replace("created: 7", "created: 99")})
    result = pytester.runpytest("-q", "--odoo-version", "18.0", "scenarios")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*scenario 'demo' on Odoo 18.0:*", "*sync created = 7, expected 99*"])


def test_invalid_scenario_is_a_collection_error_naming_the_line(pytester: pytest.Pytester) -> None:
    pytester.makefile(".yaml", **{"scenarios/demo/bad": SCENARIO.replace("  - sync:", "  - snyc:")})
    result = pytester.runpytest("-q", "scenarios")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*bad.yaml:9: steps?0?.snyc: Extra inputs are not permitted*"])


TARGET_TESTS = """
def test_faults_on_any_target(odoo_target, target_faults, sync_engine):
    from harness.engine.client import RetryPolicy
    from harness.engine.grants import parse_grants
    sync_engine.client.retry = RetryPolicy(sleep=lambda s: None)
    target_faults.set([{"model": "account.analytic.account", "method": "create",
                        "action": "drop_response_after_commit", "times": 1}])
    result = sync_engine.sync(parse_grants("tenant: acme\\nprojects: [{id: P1, name: A, donor: EU}]"))
    assert result.ok and result.created == 5  # three plans, one account, one project
    assert target_faults.fired() == {"account.analytic.account:create:drop_response_after_commit": 1}
"""


def test_target_faults_reach_a_url_target_through_the_proxy(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    from simulator.app import SimulatorApp
    from simulator.server import SimServer

    pytester.makepyfile(test_user=TARGET_TESTS)
    with SimServer(SimulatorApp("17.0")) as odoo:  # an Odoo reached only by URL
        for name, value in (("ODOO_DB", "odoo"), ("ODOO_PASSWORD", "admin")):
            monkeypatch.setenv(name, value)
        result = pytester.runpytest("-q", "--odoo-target", f"url:{odoo.url}", "--odoo-target", "sim:18.0")
        created = odoo.app.stats()["by_method"]["account.analytic.account.create"]
    result.assert_outcomes(passed=2)
    assert created == 1  # the lost answer was committed upstream and read back, never re-sent
