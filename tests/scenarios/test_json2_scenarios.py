"""Every scenario suite over JSON-2 on 19.0: the same scenarios, invariants and verdicts as over
XML-RPC, with the engine and the health monitor on an API key; and how ``--api`` makes a matrix
column per wire."""

from __future__ import annotations

import json
import urllib.request

import pytest

from harness.runner import PASS, SKIP, run_suites
from harness.scenarios.execute import PASSWORD, SIMULATOR_PACE, play_on
from harness.scenarios.invariants import InvariantError, Reader
from harness.scenarios.model import SCENARIOS_DIR, load_scenario, suite_names
from harness.scenarios.suite import ScenarioSuite
from harness.targets import Target, TargetError, default_targets, parse_target, serves_json2, with_api
from simulator.app import SimulatorApp
from simulator.faults import parse_rules
from simulator.server import SimServer


def test_every_scenario_suite_passes_over_json2_on_19() -> None:
    outcome = run_suites([ScenarioSuite(name) for name in suite_names()], [Target("sim", "19.0", "json2")])
    statuses = {(r.suite, r.scenario): (r.status, r.detail) for r in outcome.results}
    assert {key: detail for key, (status, detail) in statuses.items() if status != PASS} == {}
    assert len(statuses) == sum(len(ScenarioSuite(name).scenarios) for name in suite_names())
    assert {r.target for r in outcome.results} == {"sim:19.0+json2"}


def test_the_checks_and_the_bills_go_over_json2_too() -> None:
    """Nothing of a JSON-2 scenario speaks XML-RPC (gone from Odoo 22.0): not the engine, not the
    monitor, not the checks' reader switching Analytic Accounting on in a fresh database, posting
    finance's bills and reading everything back. The 19.0 simulator counts every XML-RPC request
    as a deprecated call."""
    scenario = load_scenario(SCENARIOS_DIR / "plan-tagging" / "bills-tagged-per-plan.yaml")
    with Target("sim", "19.0", "json2").start(fresh=True, sim_password=PASSWORD) as endpoint:
        outcome = play_on(scenario, endpoint, SIMULATOR_PACE)
        with urllib.request.urlopen(f"{endpoint.control}/__sim__/stats", timeout=30) as answer:
            stats = json.loads(answer.read())
    assert outcome.failures == []
    assert stats["deprecated_calls"] == {}
    assert not [call for call in stats["by_method"] if call.startswith("common.")]
    reader_calls = ("res.config.settings.execute", "account.analytic.line.create", "account.analytic.plan.search_read")
    assert all(stats["by_method"].get(call) for call in reader_calls), stats["by_method"]


def test_the_reader_on_json2_fails_in_one_line_without_the_key() -> None:
    with SimServer(SimulatorApp("19.0")) as server:
        key = server.app.issue_api_key("admin")
        reader = Reader(server.url, "odoo", "admin", key, api="json2")
        assert (reader.version(), reader.uid) == ("19.0", 2)
        echo = {"action": "odoo_fault", "fault": "access_error", "message": f"no access for key {key}"}
        server.app.faults.replace(parse_rules([{"model": "res.partner", "method": "search_count", **echo}]))
        with pytest.raises(InvariantError) as info:
            reader.call("res.partner", "search_count", [])
        with pytest.raises(InvariantError) as refused:
            _ = Reader(server.url, "odoo", "admin", "0" * 40, api="json2").uid
    assert str(info.value) == (
        "the checks could not call res.partner.search_count on database 'odoo' (json2): "
        "Json2Error: HTTP 403 odoo.exceptions.AccessError: no access for key ***"
    )
    assert str(refused.value) == (
        "the checks could not log in on database 'odoo' (json2): "
        "Json2Error: HTTP 401 werkzeug.exceptions.Unauthorized: Invalid apikey"
    )


def test_both_gives_a_json2_column_where_the_version_has_it() -> None:
    names = [t.name for t in with_api(default_targets(), "both")]
    assert names == ["sim:16.0", "sim:17.0", "sim:18.0", "sim:19.0", "sim:19.0+json2"]
    assert [t.name for t in with_api([parse_target("sim:18.0")], "json2")] == ["sim:18.0+json2"]


def test_a_url_target_gets_json2_only_with_a_key(monkeypatch: pytest.MonkeyPatch) -> None:
    target = parse_target("url:http://127.0.0.1:8019")
    monkeypatch.delenv("ODOO_API_KEY", raising=False)
    assert [t.api for t in with_api([target], "both")] == ["xmlrpc"]
    monkeypatch.setenv("ODOO_API_KEY", "k" * 40)
    assert [t.api for t in with_api([target], "both")] == ["xmlrpc", "json2"]


def test_containers_and_unknown_wires_are_refused_with_the_reason() -> None:
    with pytest.raises(TargetError, match="container targets speak XML-RPC only"):
        with_api([parse_target("container:19.0")], "json2")
    with pytest.raises(TargetError, match="expected xmlrpc, json2 or both"):
        with_api(default_targets(), "soap")


@pytest.mark.parametrize(("version", "answers"), [("17.0", False), ("18.0", False), ("19.0", True)])
def test_json2_is_detected_from_the_servers_answer(version: str, answers: bool) -> None:
    """16/17 answer /json/version with a 404, 18 with a redirect to its login page, 19 with its version."""
    with SimServer(SimulatorApp(version)) as server:
        assert serves_json2(server.url) is answers


def test_a_json2_column_on_an_odoo_without_it_runs_nothing_and_is_not_green(monkeypatch) -> None:
    with SimServer(SimulatorApp("17.0")) as server:
        monkeypatch.setenv("ODOO_DB", "odoo")
        monkeypatch.setenv("ODOO_PASSWORD", "admin")
        monkeypatch.setenv("ODOO_API_KEY", "0" * 40)
        outcome = run_suites(
            [ScenarioSuite("forbidden-models")], with_api([parse_target(f"url:{server.url}")], "json2")
        )
    assert {r.status for r in outcome.results} == {SKIP}
    assert "no JSON-2 API on this Odoo" in outcome.results[0].detail
    assert not outcome.ok
