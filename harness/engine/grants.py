"""The grants file: a tenant's projects and donor budget lines, validated.

The same data is reachable as a typed Python API (``Grants``, ``Project``,
``BudgetLine``). A bad file raises ``GrantsError`` naming the file, the line, the
path inside the document and the field, for example
``grants.yaml:7: projects[0].budget_lines[1].amount: Input should be a valid number``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, field_validator

#: Ids become parts of idempotency keys (``tenant:entity:id:operation``): no colon, no spaces.
Code = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64,
                                        pattern=r"^[A-Za-z0-9][A-Za-z0-9._/-]*$")]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=256)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class BudgetLine(_Strict):
    id: Code
    name: Name
    category: Code
    amount: Annotated[float, Field(ge=0)]

    @field_validator("id", "category", mode="before")
    @classmethod
    def _text_only(cls, value: Any) -> Any:
        """``2.1`` unquoted is a YAML float: refuse it rather than guess its spelling."""
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            raise ValueError(f"must be text; quote it (\"{value}\") so YAML keeps it exactly")
        return value


class Project(_Strict):
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


class Grants(_Strict):
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


class GrantsError(ValueError):
    """A grants file that cannot be used; ``errors`` holds one line per problem."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


def load_grants(path: Path | str) -> Grants:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise GrantsError([f"{path}: cannot read: {exc.strerror or exc}"]) from None
    return parse_grants(text, str(path))


def parse_grants(text: str, source: str = "<grants>") -> Grants:
    try:
        document = yaml.safe_load(text)
        lines = _line_numbers(yaml.compose(text))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{source}:{mark.line + 1}" if mark else source
        raise GrantsError([f"{where}: not valid YAML: {getattr(exc, 'problem', exc)}"]) from None
    if not isinstance(document, dict):
        raise GrantsError([f"{source}:1: the grants file must be a mapping with 'tenant' and 'projects'"])
    try:
        return Grants.model_validate(document)
    except ValidationError as exc:
        raise GrantsError([_describe(error, source, lines) for error in exc.errors()]) from None


def _describe(error: dict, source: str, lines: dict[tuple, int]) -> str:
    location = tuple(part for part in error["loc"] if not (isinstance(part, str) and part.startswith("function-")))
    line = _nearest_line(location, lines)
    path = _path_text(location) or "(top level)"
    message = error["msg"].removeprefix("Value error, ")
    return f"{source}:{line}: {path}: {message}"


def _path_text(location: tuple) -> str:
    text = ""
    for part in location:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _nearest_line(location: tuple, lines: dict[tuple, int]) -> int:
    for end in range(len(location), -1, -1):
        if location[:end] in lines:
            return lines[location[:end]]
    return 1


def _line_numbers(node: yaml.Node | None, path: tuple = ()) -> dict[tuple, int]:
    """Path inside the document -> 1-based line, from YAML's node marks."""
    found: dict[tuple, int] = {}
    if node is None:
        return found
    found[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            child = (*path, key.value)
            found.update(_line_numbers(value, child))
            found[child] = key.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            found.update(_line_numbers(item, (*path, index)))
    return found


def _no_duplicates(ids: list[str], what: str, where: str) -> None:
    seen: dict[str, int] = {}
    for index, value in enumerate(ids):
        if value in seen:
            raise ValueError(f"duplicate {what} {value!r} ({where}[{seen[value]}] and {where}[{index}])")
        seen[value] = index


