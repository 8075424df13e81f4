"""Planning is pure: values in, mutations out, no Odoo."""

from __future__ import annotations

from harness.engine import plan
from harness.engine.plan import PlanNames
from tests.support.engine import GRANTS, grants

PLAN_IDS = {"project": 11, "category": 12, "line": 13}


def existing_accounts() -> list[dict]:
    specs = plan.desired_accounts(grants())
    return [
        {"id": 100 + i, "code": s.code, "name": s.name, "plan_id": PLAN_IDS[s.role], "active": True, "revision": 0}
        for i, s in enumerate(specs)
    ]


def test_missing_plans_are_created_with_keys() -> None:
    mutations = plan.plan_plans("acme", PlanNames(), {"Grant projects": 1})
    assert [(m.values["name"], m.key) for m in mutations] == [
        ("Donor budget lines", "acme:plan:category:create"),
        ("Donor budget details", "acme:plan:line:create"),
    ]


def test_first_plan_creates_every_account_with_natural_keys() -> None:
    mutations = plan.plan_accounts(grants(), PLAN_IDS, [])
    assert all(m.method == "create" for m in mutations)
    assert [m.values["code"] for m in mutations] == [
        "PRJ-001",
        "PRJ-002",
        "EQP",
        "HR",
        "TRV",
        "PRJ-001/1.1.1.a",
        "PRJ-001/2.1",
        "PRJ-002/1.1.1.a",
        "PRJ-002/3.2",
    ]
    line = mutations[5]
    assert line.natural == (13, "PRJ-001/1.1.1.a") and line.key == "acme:account:line/PRJ-001/1.1.1.a:create"


def test_nothing_to_do_when_odoo_matches() -> None:
    assert plan.plan_accounts(grants(), PLAN_IDS, existing_accounts()) == []


def test_rename_and_removal() -> None:
    changed = grants(GRANTS.replace("name: Laptops", "name: Laptops and screens"))
    [rename] = plan.plan_accounts(changed, PLAN_IDS, existing_accounts())
    assert (rename.method, rename.values) == ("write", {"name": "Laptops and screens"})
    assert rename.operation.startswith("update@") and rename.key == f"acme:account:line/PRJ-002/3.2:{rename.operation}"
    removed = grants(GRANTS.replace('      - {id: "3.2", name: Laptops, category: EQP, amount: 4000}\n', ""))
    archives = plan.plan_accounts(removed, PLAN_IDS, existing_accounts())
    assert sorted((m.entity_id, m.values["active"]) for m in archives) == [
        ("category/EQP", False),
        ("line/PRJ-002/3.2", False),
    ]


def test_update_keys_carry_the_revision() -> None:
    accounts = existing_accounts()
    changed = grants(GRANTS.replace("name: Laptops", "name: Screens"))
    first = plan.plan_accounts(changed, PLAN_IDS, accounts)[0].key
    assert plan.plan_accounts(changed, PLAN_IDS, accounts)[0].key == first  # a retry reuses it
    for account in accounts:
        account["revision"] = 1  # one write of ours succeeded since: a new key
    assert plan.plan_accounts(changed, PLAN_IDS, accounts)[0].key != first


def test_archived_accounts_come_back() -> None:
    accounts = existing_accounts()
    accounts[0]["active"] = False
    [revive] = plan.plan_accounts(grants(), PLAN_IDS, accounts)
    assert revive.values == {"active": True} and revive.record_id == 100


def test_projects_link_through_the_version_field() -> None:
    mutations = plan.plan_projects(grants(), "account_id", {"PRJ-001": 100, "PRJ-002": 101}, [], {})
    assert [m.values for m in mutations] == [
        {"name": "Civic Voices Uganda", "account_id": 100},
        {"name": "Civic Voices Burundi", "account_id": 101},
    ]
    existing = [{"id": 7, "name": "Old", "active": True, "account_id": [102, "[PRJ-009] Old"], "revision": 0}]
    [*_creates, archive] = plan.plan_projects(
        grants(), "account_id", {"PRJ-001": 100, "PRJ-002": 101}, existing, {102: "PRJ-009"}
    )
    assert (archive.entity_id, archive.values, archive.record_id) == ("PRJ-009", {"active": False}, 7)
