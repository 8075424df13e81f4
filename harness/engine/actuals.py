"""Budget against actuals, per project, per donor category and per budget line.

Actuals are the analytic lines' amounts summed along one plan with ``read_group``
on that plan's column. Odoo books costs as negative analytic amounts, so spent is
``-sum(amount)``. On 16 (one column) only the plan finance tags (the project plan)
has actuals; the others are reported as unavailable, not as zero.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from harness.engine.client import OdooClient
from harness.engine.grants import Grants
from harness.engine.sync import SyncResult

LINE = "account.analytic.line"
DOMAIN_PLAN = re.compile(r"\('plan_id', 'child_of', (\d+)\)")


@dataclass
class Figure:
    budget: float
    spent: float | None  # None: not available on this Odoo

    @property
    def remaining(self) -> float | None:
        return None if self.spent is None else self.budget - self.spent


@dataclass
class Actuals:
    projects: dict[str, Figure] = field(default_factory=dict)
    categories: dict[str, Figure] = field(default_factory=dict)
    lines: dict[str, Figure] = field(default_factory=dict)  # "<project>/<line>"


def plan_columns(client: OdooClient, plan_ids: dict[str, int], multi_plan: bool) -> dict[str, str | None]:
    """The analytic line column of each of our plans (17+: read from fields_get domains)."""
    if not multi_plan:
        return {"project": "account_id", "category": None, "line": None}
    fields = client.read(LINE, "fields_get", [], {"attributes": ["type", "relation", "domain"]})
    by_plan = {}
    for name, attrs in fields.items():
        match = DOMAIN_PLAN.search(str(attrs.get("domain") or ""))
        if attrs.get("relation") == "account.analytic.account" and match:
            by_plan[int(match.group(1))] = name
    return {role: by_plan.get(plan_id) for role, plan_id in plan_ids.items()}


def compute_actuals(client: OdooClient, grants: Grants, result: SyncResult) -> Actuals:
    caps = result.capabilities
    columns = plan_columns(client, result.plan_ids, bool(caps and caps.multi_plan))
    spent = {
        role: _spent(client, column, [i for (r, _c), i in result.account_ids.items() if r == role]) if column else None
        for role, column in columns.items()
    }
    by_account = {
        role: {code: result.account_ids.get((role, code)) for (r, code) in result.account_ids if r == role}
        for role in columns
    }
    actuals = Actuals()
    for project in grants.projects:
        actuals.projects[project.id] = _figure(project.budget, spent["project"], by_account["project"], project.id)
        for line in project.budget_lines:
            code = f"{project.id}/{line.id}"
            actuals.lines[code] = _figure(line.amount, spent["line"], by_account["line"], code)
    for category in grants.category_codes():
        budget = sum(line.amount for p in grants.projects for line in p.budget_lines if line.category == category)
        actuals.categories[category] = _figure(budget, spent["category"], by_account["category"], category)
    return actuals


def _spent(client: OdooClient, column: str, account_ids: list[int]) -> dict[int, float]:
    if not account_ids:
        return {}
    groups = client.read(LINE, "read_group", [[(column, "in", account_ids)], ["amount:sum"], [column]], {"lazy": True})
    return {g[column][0]: -float(g["amount"]) for g in groups if g[column]}


def _figure(budget: float, spent: dict[int, float] | None, accounts: dict[str, int | None], code: str) -> Figure:
    if spent is None:
        return Figure(budget, None)
    account = accounts.get(code)
    return Figure(budget, round(spent.get(account, 0.0), 2) if account else 0.0)
