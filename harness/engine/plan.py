"""Planning, pure: from the grants and what Odoo holds, the mutations to send.

Nothing here does I/O; every function takes values and returns values, so the
planning is unit-tested without any Odoo. Mapping (docs/contract.md, "The three analytic plans"):

- Plan 1 (project): one account per grant project, code = project id;
- Plan 2 (donor budget line): one account per donor category, code = category;
- Plan 3 (budget detail): one account per budget line, code = ``<project>/<line>``,
  so the same line code in two projects stays two accounts;
- one project.project per grant project, linked to its Plan 1 account.

Accounts and projects that leave the grants are archived, never deleted. Idempotency
keys are ``tenant:entity:entity_id:operation``; an update's operation is
``update@<digest>`` of the values written and of the record's revision (how many writes
of ours to it have succeeded, from the ledger), so a retry repeats the same key while
any later change, even back to earlier values, gets a new one.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from harness.engine.grants import Grants

ROLES = ("project", "category", "line")
PLAN, ACCOUNT, PROJECT = "account.analytic.plan", "account.analytic.account", "project.project"


@dataclass(frozen=True)
class PlanNames:
    """The three plans' names in Odoo (found by name, or created)."""

    project: str = "Grant projects"
    category: str = "Donor budget lines"
    line: str = "Donor budget details"

    def of(self, role: str) -> str:
        return getattr(self, role)


@dataclass(frozen=True)
class Mutation:
    """One record to create or write; ``natural`` finds it again in Odoo."""

    model: str
    method: str  # create | write
    entity: str  # plan | account | project
    entity_id: str
    operation: str  # create | update@<digest> | archive@<digest>
    values: dict[str, Any]
    key: str
    record_id: int | None = None
    natural: tuple = ()


@dataclass(frozen=True)
class AccountSpec:
    role: str
    code: str
    name: str

    @property
    def entity_id(self) -> str:
        return f"{self.role}/{self.code}"


def key(tenant: str, entity: str, entity_id: str, operation: str) -> str:
    return f"{tenant}:{entity}:{entity_id}:{operation}"


def digest(values: dict, revision: Any) -> str:
    """Short, stable digest of what is written and of the revision it is written over."""
    text = json.dumps([values, revision], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


# -- plans ----------------------------------------------------------------------------


def plan_plans(tenant: str, names: PlanNames, existing: dict[str, int]) -> list[Mutation]:
    return [
        Mutation(
            PLAN,
            "create",
            "plan",
            role,
            "create",
            {"name": names.of(role)},
            key(tenant, "plan", role, "create"),
            natural=(names.of(role),),
        )
        for role in ROLES
        if names.of(role) not in existing
    ]


# -- accounts ---------------------------------------------------------------------------


def desired_accounts(grants: Grants) -> list[AccountSpec]:
    specs = [AccountSpec("project", p.id, p.name) for p in grants.projects]
    specs += [AccountSpec("category", code, grants.category_name(code)) for code in grants.category_codes()]
    specs += [AccountSpec("line", f"{p.id}/{line.id}", line.name) for p in grants.projects for line in p.budget_lines]
    return specs


def plan_accounts(grants: Grants, plan_ids: dict[str, int], existing: list[dict]) -> list[Mutation]:
    """Creates, updates (name, reactivation) and archives for the three plans' accounts."""
    tenant = grants.tenant
    by_natural = {(a["plan_id"], a["code"]): a for a in existing}
    wanted = desired_accounts(grants)
    mutations: list[Mutation] = []
    for spec in wanted:
        plan_id = plan_ids[spec.role]
        values = {"name": spec.name, "code": spec.code, "plan_id": plan_id}
        current = by_natural.get((plan_id, spec.code))
        if current is None:
            mutations.append(
                Mutation(
                    ACCOUNT,
                    "create",
                    "account",
                    spec.entity_id,
                    "create",
                    values,
                    key(tenant, "account", spec.entity_id, "create"),
                    natural=(plan_id, spec.code),
                )
            )
            continue
        changes = {k: v for k, v in {"name": spec.name, "active": True}.items() if current.get(k) != v}
        if changes:
            mutations.append(_write(tenant, ACCOUNT, "account", spec.entity_id, "update", changes, current))
    wanted_keys = {(plan_ids[s.role], s.code) for s in wanted}
    role_of = {plan_ids[role]: role for role in ROLES}
    for current in existing:
        natural = (current["plan_id"], current["code"])
        if natural not in wanted_keys and current.get("active") and current["plan_id"] in role_of:
            entity_id = f"{role_of[current['plan_id']]}/{current['code']}"
            mutations.append(_write(tenant, ACCOUNT, "account", entity_id, "archive", {"active": False}, current))
    return mutations


# -- projects ---------------------------------------------------------------------------


def plan_projects(
    grants: Grants,
    link_field: str,
    project_accounts: dict[str, int],
    existing: list[dict],
    account_codes: dict[int, str],
) -> list[Mutation]:
    """One project.project per grant project, found by its link to the Plan 1 account;
    ``account_codes`` names every Plan 1 account (archived ones too) by its code."""
    tenant = grants.tenant
    by_account = {_link(p, link_field): p for p in existing if _link(p, link_field)}
    ours = set(project_accounts.values())
    mutations: list[Mutation] = []
    for project in grants.projects:
        account_id = project_accounts[project.id]
        current = by_account.get(account_id)
        if current is None:
            values = {"name": project.name, link_field: account_id}
            mutations.append(
                Mutation(
                    PROJECT,
                    "create",
                    "project",
                    project.id,
                    "create",
                    values,
                    key(tenant, "project", project.id, "create"),
                    natural=(account_id,),
                )
            )
            continue
        changes = {k: v for k, v in {"name": project.name, "active": True}.items() if current.get(k) != v}
        if changes:
            mutations.append(_write(tenant, PROJECT, "project", project.id, "update", changes, current))
    return mutations + [
        _write(
            tenant,
            PROJECT,
            "project",
            account_codes.get(account_id, f"odoo-{p['id']}"),
            "archive",
            {"active": False},
            p,
        )
        for account_id, p in by_account.items()
        if account_id not in ours and p.get("active")
    ]


def _link(project: dict, link_field: str) -> int | None:
    value = project.get(link_field)
    return value[0] if isinstance(value, list) else (value or None)


def _write(tenant: str, model: str, entity: str, entity_id: str, verb: str, values: dict, current: dict) -> Mutation:
    operation = f"{verb}@{digest(values, [current['id'], current.get('revision', 0)])}"
    return Mutation(
        model,
        "write",
        entity,
        entity_id,
        operation,
        values,
        key(tenant, entity, entity_id, operation),
        record_id=current["id"],
    )
