"""What the server's analytic accounting is like, read from what it answered, never its version number.

Why not the version: the corpus records answers, so the answers are what the script must follow;
a simulator or a patched server that answers like another version then gets that version's
calls. Only the analytic topic varies its calls with the server: 16.0 installs no project plan
and has one analytic axis (`plan_id`), 17.0 adds a column per root plan on the line, and 18.0
renames project.project's link to its account (`account_id`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

PROJECT_PLAN_PARAMETER = "analytic.project_plan"


@dataclass(frozen=True)
class Capabilities:
    """The fields the later analytic calls must name, as the server's fields_get showed them."""

    plan_column: str  # the line's field for a second root plan: x_plan<id>_id, or plan_id on one axis
    project_account_field: str  # project.project's field holding its analytic account

    @classmethod
    def from_fields(cls, line_fields: dict[str, Any], project_fields: dict[str, Any], root_plan: int) -> Capabilities:
        """Read from fields_get of the line and the project, asked after `root_plan` was created."""
        column = f"x_plan{root_plan}_id"
        return cls(
            plan_column=column if column in line_fields else "plan_id",
            project_account_field="account_id" if "account_id" in project_fields else "analytic_account_id",
        )

    @property
    def one_analytic_axis(self) -> bool:
        """A line is tagged with one account only: no column per root plan."""
        return self.plan_column == "plan_id"


def installed_project_plan(parameters: list[dict[str, Any]]) -> int | None:
    """The plan the server installed for projects, from its config parameters; None if it installed none."""
    values = [row["value"] for row in parameters if row["key"] == PROJECT_PLAN_PARAMETER]
    return int(values[0]) if values else None
