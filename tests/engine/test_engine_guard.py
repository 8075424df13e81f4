"""No code path of the engine reaches Odoo except through OdooClient's two doors."""

from __future__ import annotations

import ast
from pathlib import Path

import harness.engine

ENGINE = Path(harness.engine.__file__).parent
#: Names only client.py may touch: the raw proxies and the send primitive.
RAW = {"ServerProxy", "execute_kw", "_send", "_object", "_common", "_object_call"}


def test_only_client_module_touches_the_wire() -> None:
    offenders = []
    for path in sorted(ENGINE.rglob("*.py")):
        if path.name in ("client.py", "transport.py") or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            name = node.attr if isinstance(node, ast.Attribute) else node.id if isinstance(node, ast.Name) else None
            if name in RAW:
                offenders.append(f"{path.name}:{node.lineno}: {name}")
    assert not offenders, "engine code bypassing OdooClient.read/mutate:\n" + "\n".join(offenders)


def test_client_mutations_only_via_mutate() -> None:
    """Inside client.py, every object call goes through _object_call, reached from read()
    (read-only methods) and mutate() (allow-listed models) only."""
    tree = ast.parse((ENGINE / "client.py").read_text())
    callers = {
        fn.name
        for fn in ast.walk(tree)
        if isinstance(fn, ast.FunctionDef)
        for node in ast.walk(fn)
        if isinstance(node, ast.Attribute) and node.attr == "_object_call"
    }
    assert callers == {"read", "mutate"}
