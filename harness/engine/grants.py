"""The grants file: a tenant's projects and donor budget lines, validated.

The same data is reachable as a typed Python API (``Grants``, ``Project``,
``BudgetLine``). A bad file raises ``GrantsError`` naming the file, the line, the
path inside the document and the field, for example
``grants.yaml:7: projects[0].budget_lines[1].amount: Input should be a valid number``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, StringConstraints, field_validator

from harness.yamlfile import StrictModel, YamlFileError, load_model, parse_model

#: Ids become parts of idempotency keys (``tenant:entity:id:operation``): no colon, no spaces.
Code = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._/-]*$")
]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=256)]


GRANTS_SHAPE = "the grants file must be a mapping with 'tenant' and 'projects'"


class BudgetLine(StrictModel):
    id: Code
    name: Name
    category: Code
    amount: Annotated[float, Field(ge=0)]

    @field_validator("id", "category", mode="before")
    @classmethod
    def _text_only(cls, value: Any) -> Any:
        """``2.1`` unquoted is a YAML float: refuse it rather than guess its spelling."""
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            raise ValueError(f'must be text; quote it ("{value}") so YAML keeps it exactly')
        return value


class Project(StrictModel):
    id: Code
    name: Name
    donor: Name
    budget_lines: list[BudgetLine] = Field(default_factory=list)

    @field_validator("budget_lines")
    @classmethod
    def _unique_lines(cls, lines: list[BudgetLine]) -> list[BudgetLine]:
        _no_duplicates([line.id for line in lines], "budget line id", "budget_lines")
        return lines

    @property
    def budget(self) -> float:
        return sum(line.amount for line in self.budget_lines)


class Grants(StrictModel):
    tenant: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,62}$")]
    projects: list[Project] = Field(default_factory=list)
    #: Optional display names of donor categories (HR: Human resources); default: the code.
    categories: dict[Code, Name] = Field(default_factory=dict)

    @field_validator("projects")
    @classmethod
    def _unique_projects(cls, projects: list[Project]) -> list[Project]:
        _no_duplicates([p.id for p in projects], "project id", "projects")
        return projects

    def category_codes(self) -> list[str]:
        return sorted({line.category for p in self.projects for line in p.budget_lines})

    def category_name(self, code: str) -> str:
        return self.categories.get(code, code)


class GrantsError(YamlFileError):
    """A grants file that cannot be used; ``errors`` holds one line per problem."""


def load_grants(path: Path | str) -> Grants:
    return load_model(path, Grants, GRANTS_SHAPE, GrantsError)


def parse_grants(text: str, source: str = "<grants>") -> Grants:
    return parse_model(text, source, Grants, GRANTS_SHAPE, GrantsError)


def _no_duplicates(ids: list[str], what: str, where: str) -> None:
    seen: dict[str, int] = {}
    for index, value in enumerate(ids):
        if value in seen:
            raise ValueError(f"duplicate {what} {value!r} ({where}[{seen[value]}] and {where}[{index}])")
        seen[value] = index
