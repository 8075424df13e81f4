"""The simulator's ORM modules import one way: ``database`` builds the reader, writer and
grouper, which are handed only what they use (never the ``Database``), so none of them
imports it back. One edge back is left: ``orm`` types ``Env.db`` as the ``Database`` (a
``TYPE_CHECKING`` import), the handle models and hooks reach everything else by."""

from __future__ import annotations

import ast
from graphlib import TopologicalSorter
from pathlib import Path

import simulator

SIMULATOR = Path(simulator.__file__).parent
MODULES = ("database", "orm", "reader", "writer", "grouping")


def imports(module: str) -> set[str]:
    """The other ``MODULES`` that ``module`` imports anywhere: at the top, in a function, or
    only for type checking (a cycle there still ties the modules together)."""
    tree = ast.parse((SIMULATOR / f"{module}.py").read_text())
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names |= {node.module, *(f"{node.module}.{alias.name}" for alias in node.names)}
        elif isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
    return {other for other in MODULES if other != module and f"simulator.{other}" in names}


def test_only_the_orm_imports_the_database_back() -> None:
    graph = {module: imports(module) for module in MODULES}
    assert [module for module, used in graph.items() if "database" in used] == ["orm"]
    graph["orm"].remove("database")
    TopologicalSorter(graph).prepare()  # a CycleError names any other cycle
