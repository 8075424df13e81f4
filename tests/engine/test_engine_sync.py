"""The sync engine against the simulator on 16.0, 17.0 and 18.0 (docs/contract.md)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from harness.engine.client import ALLOWED_MODELS, ForbiddenModelError
from harness.engine.ledger import SyncLocked
from tests.support.engine import GRANTS, Rig, engine_on, grants, make_rig
from tests.support.odoo import Odoo

ACCOUNT, PLAN, PROJECT = "account.analytic.account", "account.analytic.plan", "project.project"


@pytest.fixture
def rig(odoo: Odoo, tmp_path: Path) -> Rig:
    return make_rig(odoo, f"sqlite:///{tmp_path / 'ledger.sqlite'}")


def link_field(odoo: Odoo) -> str:
    return "account_id" if odoo.major >= 18 else "analytic_account_id"


def test_first_sync_creates_plans_accounts_and_projects(rig: Rig) -> None:
    result = rig.engine.sync(grants())
    assert result.ok, result.failed
    # 3 plans + 2 project accounts + 3 categories (HR, TRV, EQP) + 4 detail lines + 2 projects
    assert result.created == 14
    odoo = rig.odoo
    plans = odoo.call(
        PLAN,
        "search_read",
        [["name", "in", ["Grant projects", "Donor budget lines", "Donor budget details"]]],
        fields=["name"],
    )
    assert len(plans) == 3
    codes = sorted(
        a["code"]
        for a in odoo.call(ACCOUNT, "search_read", [["plan_id", "in", [p["id"] for p in plans]]], fields=["code"])
    )
    assert codes == [
        "EQP",
        "HR",
        "PRJ-001",
        "PRJ-001/1.1.1.a",
        "PRJ-001/2.1",
        "PRJ-002",
        "PRJ-002/1.1.1.a",
        "PRJ-002/3.2",
        "TRV",
    ]
    link = link_field(odoo)
    projects = odoo.call(PROJECT, "search_read", [], fields=["name", link], order="name")
    assert [(p["name"], p[link][1]) for p in projects] == [
        ("Civic Voices Burundi", "[PRJ-002] Civic Voices Burundi"),
        ("Civic Voices Uganda", "[PRJ-001] Civic Voices Uganda"),
    ]
    # version, authenticate, fields_get (project.project; the analytic line too where the project does not
    # carry the plan mixin: 16/17), 1 plan read, 3 batched creates (the other reads skipped)
    assert result.calls <= 8


def test_resync_sends_reads_only(rig: Rig) -> None:
    rig.engine.sync(grants())
    mutations_before = len(rig.journal())
    result = rig.engine.sync(grants())
    assert result.ok and (result.created, result.updated, result.archived, result.mutations) == (0, 0, 0, 0)
    assert result.calls <= 3  # the version, the accounts with their plans, the projects (test_call_counts.py)
    assert len(rig.journal()) == mutations_before


def test_updates_propagate_and_removed_entities_are_archived(rig: Rig) -> None:
    rig.engine.sync(grants())
    changed = GRANTS.replace("Civic Voices Burundi", "Civic Voices Burundi II").replace(
        '      - {id: "3.2", name: Laptops, category: EQP, amount: 4000}\n', ""
    )
    result = rig.engine.sync(grants(changed))
    assert result.ok, result.failed
    # the project and its Plan 1 account renamed; the line account and the EQP category archived
    assert (result.updated, result.archived, result.created) == (2, 2, 0)
    odoo = rig.odoo
    assert odoo.call(PROJECT, "search_count", [["name", "=", "Civic Voices Burundi II"]]) == 1
    archived = odoo.call(ACCOUNT, "search_read", [["active", "=", False]], fields=["code"])
    assert sorted(a["code"] for a in archived) == ["EQP", "PRJ-002/3.2"]
    assert rig.count(ACCOUNT) == 9  # archived, never deleted
    assert not [e for e in rig.journal() if e["method"] == "unlink"]


def test_a_removed_project_is_archived_with_its_accounts(rig: Rig) -> None:
    rig.engine.sync(grants())
    only_first = GRANTS.split("  - id: PRJ-002")[0]
    result = rig.engine.sync(grants(only_first))
    assert result.ok, result.failed
    odoo = rig.odoo
    assert odoo.call(PROJECT, "search_read", [], fields=["name"]) == [
        {"id": result.project_ids["PRJ-001"], "name": "Civic Voices Uganda"}
    ]
    assert rig.count(PROJECT, [["active", "=", False]]) == 1
    archived = sorted(a["code"] for a in odoo.call(ACCOUNT, "search_read", [["active", "=", False]], fields=["code"]))
    assert archived == ["EQP", "PRJ-002", "PRJ-002/1.1.1.a", "PRJ-002/3.2"]
    back = rig.engine.sync(grants())  # and re-adding it reactivates, without duplicates
    assert back.ok and back.created == 0 and rig.count(PROJECT, [["active", "=", True]]) == 2


def test_forbidden_models_are_refused_before_sending_and_logged(rig: Rig) -> None:
    rig.engine.sync(grants())
    calls_before = rig.client.counters.calls
    for model in ("res.partner", "account.move", "account.move.line", "account.account"):
        with pytest.raises(ForbiddenModelError, match=f"refused: {model} is not in the allow-list"):
            rig.client.mutate(
                model, "write", [[1], {"name": "x"}], entity="test", key=f"acme:test:{model}:write", retry=False
            )
    assert rig.client.counters.calls == calls_before  # nothing was sent
    assert rig.client.counters.refused == 4
    refused = [row for row in rig.ledger.log_rows("acme") if row["outcome"] == "refused"]
    assert [row["model"] for row in refused] == ["res.partner", "account.move", "account.move.line", "account.account"]
    assert {e["model"] for e in rig.journal()} <= ALLOWED_MODELS
    with pytest.raises(ForbiddenModelError, match="not a read method"):
        rig.client.read("res.partner", "write", [[1], {"name": "x"}])


def test_lost_response_after_commit_is_resolved_without_duplicate(rig: Rig) -> None:
    rig.set_faults([{"model": ACCOUNT, "method": "create", "action": "drop_response_after_commit", "times": 1}])
    result = rig.engine.sync(grants())
    assert result.ok, result.failed
    assert rig.count(ACCOUNT, [["code", "=", "PRJ-001"]]) == 1
    assert rig.count(ACCOUNT) == 9
    creates = [e for e in rig.journal() if e["model"] == ACCOUNT and e["method"] == "create"]
    assert len(creates) == 1 and creates[0]["committed"]  # committed once, read back, never re-sent
    assert len(rig.sleeps) == 1  # one backoff before reading back
    lost = [row for row in rig.ledger.log_rows("acme") if row["error"] and "Disconnected" in row["error"]]
    assert len(lost) == 1 and lost[0]["http_status"] is None


@pytest.mark.parametrize(
    "rule",
    [
        {"action": "odoo_fault", "fault": "serialization_failure", "times": 2},
        {"action": "http_status", "status": 503, "times": 2},
        {"action": "reset_connection", "times": 2},
        {"action": "error_before_commit", "times": 1},
    ],
)
def test_transient_failures_are_retried_with_backoff(rig: Rig, rule: dict) -> None:
    rig.set_faults([{"model": PROJECT, "method": "create", **rule}])
    result = rig.engine.sync(grants())
    if rule["action"] == "error_before_commit":  # a plain fault 1: permanent, reported with the entities
        assert [entity for entity, _e in result.failed] == ["project/PRJ-001", "project/PRJ-002"]
        assert "server closed the connection unexpectedly" in result.failed[0][1]
        return
    assert result.ok, result.failed
    assert rig.count(PROJECT) == 2
    assert len(rig.sleeps) == rule["times"]
    assert all(0 <= delay <= 30 for delay in rig.sleeps)


def test_permanent_faults_are_not_retried_and_name_the_entity(rig: Rig) -> None:
    rig.set_faults(
        [
            {
                "model": ACCOUNT,
                "method": "create",
                "action": "odoo_fault",
                "fault": "access_error",
                "message": "You are not allowed to create 'Analytic Account' records.",
            }
        ]
    )
    result = rig.engine.sync(grants())
    assert not result.ok and rig.sleeps == []
    failed = dict(result.failed)
    assert failed["account/project/PRJ-001"] == ("fault 4: You are not allowed to create 'Analytic Account' records.")
    assert "project/PRJ-001" in failed  # its project could not be created either
    assert rig.count(ACCOUNT) == 0


def test_two_tenants_sync_at_once_and_one_tenant_twice_is_refused(odoo: Odoo, tmp_path: Path) -> None:
    ledger_url = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    first, second = make_rig(odoo, ledger_url, "acme"), make_rig(odoo, ledger_url, "beta")
    results = {}

    def run(name: str, rig: Rig, text: str) -> None:
        results[name] = rig.engine.sync(grants(text))

    threads = [
        threading.Thread(target=run, args=("acme", first, GRANTS)),
        threading.Thread(target=run, args=("beta", second, GRANTS.replace("tenant: acme", "tenant: beta"))),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert results["acme"].ok and results["beta"].ok
    with first.ledger.tenant_lock("acme"), pytest.raises(SyncLocked, match="already being synced"):
        make_rig(odoo, ledger_url, "acme").engine.sync(grants())


def test_sync_log_has_one_measured_row_per_call_and_no_password(odoo: Odoo, tmp_path: Path) -> None:
    secret = "Wq9-very-secret"
    odoo.call("res.users", "write", [2], {"password": secret})
    rig = make_rig(odoo, f"sqlite:///{tmp_path / 'ledger.sqlite'}", password=secret)
    result = rig.engine.sync(grants())
    rows = [row for row in rig.ledger.log_rows("acme") if row["outcome"] == "sent"]
    assert len(rows) == result.calls
    for row in rows:
        assert row["http_status"] == 200 and row["response_size"] > 0 and row["latency_ms"] > 0
    creates = [row for row in rows if row["method"] == "create"]
    assert [row["idempotency_key"].split(" ")[0] for row in creates] == [
        "acme:plan:project:create",
        "acme:account:project/PRJ-001:create",
        "acme:project:PRJ-001:create",
    ]
    assert secret not in repr(rig.ledger.log_rows()) + repr(rig.client) + repr(
        rig.ledger.states([row["idempotency_key"] for row in rows if row["idempotency_key"]])
    )


def test_a_refused_login_is_an_error_on_its_own_row_and_still_a_call_sent(odoo: Odoo, tmp_path: Path) -> None:
    """Odoo answers a wrong password with HTTP 200 and ``False``: the call was sent and answered (its
    row stays ``sent``, invariant 4), and the refusal is the row's error, not only the run's."""
    rig = make_rig(odoo, f"sqlite:///{tmp_path / 'ledger.sqlite'}", password="wrong-password")
    before = odoo.app.stats()["calls"]
    result = rig.engine.sync(grants())
    assert not result.ok
    refused = "authentication refused for login 'admin' on database 'odoo'"
    [login] = [row for row in rig.ledger.log_rows("acme") if row["entity"] == "common.authenticate"]
    assert (login["outcome"], login["http_status"], login["error"]) == ("sent", 200, refused)
    sent = [row for row in rig.ledger.log_rows("acme") if row["outcome"] == "sent"]
    assert len(sent) == odoo.app.stats()["calls"] - before == result.calls


def test_version_verdict(rig: Rig) -> None:
    result = rig.engine.sync(grants())
    caps = result.capabilities
    assert caps.multi_plan == (rig.odoo.major >= 17)
    text = " ".join(caps.verdict)
    if rig.odoo.major == 16:
        assert "Degrades" in text and "single account column" in text
    else:
        assert "Three analytic plans" in text


def test_in_process_transport_gives_the_same_results(tmp_path: Path) -> None:
    """The engine over WSGITransport (no socket) against the simulator app directly."""
    from harness.engine.ledger import Ledger
    from simulator.app import SimulatorApp
    from simulator.faults import parse_rules

    app = SimulatorApp("18.0")
    app.faults.replace(
        parse_rules([{"model": ACCOUNT, "method": "create", "action": "drop_response_after_commit", "times": 1}])
    )
    ledger = Ledger(f"sqlite:///{tmp_path / 'ledger.sqlite'}")
    result = engine_on(app, ledger).sync(grants())
    assert result.ok and result.created == 14
    db = app.registry.get("odoo")
    assert db.store.query("SELECT count(*) FROM account_analytic_account WHERE code = 'PRJ-001'") == [(1,)]
    assert all(row["http_status"] in (200, None) for row in ledger.log_rows())


def test_a_timed_out_read_is_retried(odoo: Odoo, tmp_path: Path) -> None:
    from harness.engine.client import OdooClient, RetryPolicy
    from harness.engine.ledger import Ledger
    from harness.engine.sync import SyncEngine

    ledger = Ledger(f"sqlite:///{tmp_path / 'ledger.sqlite'}")
    sleeps: list[float] = []
    client = OdooClient(
        odoo.url,
        "odoo",
        "admin",
        "admin",
        tenant="acme",
        ledger=ledger,
        timeout=1.0,
        retry=RetryPolicy(sleep=sleeps.append),
    )
    rig = Rig(odoo, ledger, client, SyncEngine(client, ledger), sleeps)
    rig.set_faults([{"model": PLAN, "method": "search_read", "action": "delay", "seconds": 2.5, "times": 1}])
    result = rig.engine.sync(grants())
    assert result.ok and len(sleeps) == 1
    timeouts = [row for row in ledger.log_rows("acme") if row["error"] and "timed out" in row["error"]]
    assert len(timeouts) == 1 and timeouts[0]["http_status"] is None and timeouts[0]["latency_ms"] >= 1000


def test_an_already_succeeded_update_is_skipped_and_logged(rig: Rig) -> None:
    from harness.engine import plan as planner

    first = rig.engine.sync(grants())
    renamed = grants(GRANTS.replace("name: Laptops", "name: Screens"))
    accounts = rig.odoo.call(
        ACCOUNT,
        "search_read",
        [["plan_id", "in", list(first.plan_ids.values())]],
        fields=["code", "name", "plan_id", "active"],
    )
    for account in accounts:
        account["plan_id"] = account["plan_id"][0]
    [update] = planner.plan_accounts(renamed, first.plan_ids, accounts)
    rig.ledger.mark([(update.key, None, update.record_id)], "succeeded")  # as if a crashed run sent it
    result = rig.engine.sync(renamed)
    assert (result.skipped, result.updated) == (1, 0)
    [row] = [r for r in rig.ledger.log_rows("acme") if r["outcome"] == "skipped"]
    assert row["idempotency_key"] == update.key and "already succeeded" in row["error"]
