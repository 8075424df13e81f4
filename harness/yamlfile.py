"""YAML files validated by pydantic models, with errors that point at file and line.

Grants files, scenarios and tenants files all report a bad value the same way:
``file:line: path.inside[0].field: message``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from harness.errors import HarnessError

Model = TypeVar("Model", bound=BaseModel)
#: libyaml when PyYAML was built with it (cassettes run to megabytes), else the same in Python.
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class StrictModel(BaseModel):
    """Base of every file model: unknown keys are errors (a typo is never ignored)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class YamlFileError(HarnessError, ValueError):
    """A file that cannot be used; ``errors`` holds one line per problem."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


def load_model(path: Path | str, model: type[Model], what: str, error: type[YamlFileError] = YamlFileError) -> Model:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise error([f"{path}: cannot read: {exc.strerror or exc}"]) from None
    return parse_model(text, str(path), model, what, error)


def parse_model(
    text: str, source: str, model: type[Model], what: str, error: type[YamlFileError] = YamlFileError
) -> Model:
    """Validate ``text``; ``what`` says what the top level must be, for a wrong shape."""
    document = read_yaml(text, source, error)
    if not isinstance(document, dict):
        raise error([f"{source}:1: {what}"])
    try:
        return model.model_validate(document)
    except ValidationError as exc:
        raise error(validation_errors(exc, source, text)) from None


def read_yaml(text: str, source: str, error: type[YamlFileError] = YamlFileError) -> Any:
    """The document; a syntax error names file and line."""
    try:
        return yaml.load(text, Loader=LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{source}:{mark.line + 1}" if mark else source
        raise error([f"{where}: not valid YAML: {getattr(exc, 'problem', exc)}"]) from None


def validation_errors(exc: ValidationError, source: str, text: str, prefix: tuple = ()) -> list[str]:
    """One ``file:line: path: message`` per problem; ``prefix`` is where the validated part
    sits in the document. Lines are found only now: composing the node tree is slow."""
    lines = line_numbers(yaml.compose(text, Loader=LOADER))
    return [describe({**item, "loc": (*prefix, *item["loc"])}, source, lines) for item in exc.errors()]


def describe(error: dict, source: str, lines: dict[tuple, int]) -> str:
    location = tuple(part for part in error["loc"] if not (isinstance(part, str) and part.startswith("function-")))
    line = _nearest_line(location, lines)
    path = _path_text(location) or "(top level)"
    message = error["msg"].removeprefix("Value error, ")
    return f"{source}:{line}: {path}: {message}"


def line_numbers(node: yaml.Node | None, path: tuple = ()) -> dict[tuple, int]:
    """Path inside the document -> 1-based line, from YAML's node marks."""
    found: dict[tuple, int] = {}
    if node is None:
        return found
    found[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            child = (*path, key.value)
            found.update(line_numbers(value, child))
            found[child] = key.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            found.update(line_numbers(item, (*path, index)))
    return found


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
