"""16.0's default analytic plan of a company (project's ``res.company.analytic_plan_id``):
the plan named by ``default_analytic_plan_id_<company>`` in ir.config_parameter, else the
first plan of the company or of no company, else a new plan "Default" made there and
then: a read that writes, as 16.0's ``_compute_analytic_plan_id`` does through
``_get_default``. Later versions have no such field, so this never runs for them."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from simulator import hooks
from simulator.models.partner import user_company

PLAN = "account.analytic.plan"


@hooks.compute("res.company", "analytic_plan_id")
def _default_plans(env: Any, ids: list[int]) -> dict[int, int]:
    return {i: _configured(env, i) or _first_or_new(env) for i in ids}


def _configured(env: Any, company_id: int) -> int | None:
    rows = env.db.store.query(
        "SELECT value FROM ir_config_parameter WHERE key = ?", (f"default_analytic_plan_id_{company_id}",)
    )
    return int(rows[0][0]) if rows and rows[0][0] else None


def _first_or_new(env: Any) -> int:
    """``_get_default``: in the calling user's company (``env.company``)."""
    company = user_company(env)
    plans = env.db.model(replace(env, su=True), PLAN)
    found = plans.search(["|", ("company_id", "=", False), ("company_id", "=", company)], limit=1)
    return found[0] if found else plans.create([{"name": "Default", "company_id": company}])[0]
