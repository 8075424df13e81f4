"""``Compiler.where`` keeps the condition of a domain whose compiling read nothing: a search sent
again is not compiled again, and what it finds never depends on whether it was."""

from __future__ import annotations

import pytest

from simulator.app import SimulatorApp
from simulator.database import Database
from simulator.domain import Compiler, _domain_key
from tests.support.odoo import execute_kw


@pytest.fixture(params=["16.0", "17.0", "19.0"])
def app(request: pytest.FixtureRequest) -> SimulatorApp:
    return SimulatorApp(request.param)


@pytest.fixture
def compiles(app: SimulatorApp, monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """The domains ``Compiler._where`` compiled, in order."""
    compiled: list[object] = []
    original = Compiler._where

    def spy(self: Compiler, model: object, domain: object, *args: object) -> tuple[str, list]:
        compiled.append(domain)
        return original(self, model, domain, *args)

    monkeypatch.setattr(Compiler, "_where", spy)
    return compiled


def _database(app: SimulatorApp) -> Database:
    return app.registry.get("odoo")


def test_a_domain_sent_again_is_compiled_once(app: SimulatorApp, compiles: list[object]) -> None:
    for name in ("a", "b"):
        execute_kw(app, "res.partner", "create", [{"name": name, "ref": "KEPT"}])
    domain = [["ref", "=", "KEPT"]]
    first = execute_kw(app, "res.partner", "search", [domain])
    compiled = len(compiles)
    assert execute_kw(app, "res.partner", "search", [domain]) == first
    assert len(compiles) == compiled
    execute_kw(app, "res.partner", "create", [{"name": "c", "ref": "KEPT"}])
    assert len(execute_kw(app, "res.partner", "search", [domain])) == len(first) + 1  # the data, read anew


def test_the_context_and_the_value_types_are_part_of_the_key(app: SimulatorApp, compiles: list[object]) -> None:
    archived = execute_kw(app, "res.partner", "create", [{"name": "gone", "ref": "ARCH", "active": False}])
    domain = [["ref", "=", "ARCH"]]
    assert execute_kw(app, "res.partner", "search", [domain]) == []
    assert execute_kw(app, "res.partner", "search", [domain], {"context": {"active_test": False}}) == [archived]
    assert len(compiles) == 2
    assert _domain_key([("active", "=", 1)]) != _domain_key([("active", "=", True)])
    assert _domain_key([("amount", "=", 1)]) != _domain_key([("amount", "=", 1.0)])
    assert _domain_key([["a", "in", [1]]]) != _domain_key([["a", "in", (1,)]])
    assert _domain_key([("name", "=", object())]) is None
    assert _domain_key([("id", "in", list(range(1000)))]) is None  # long: seldom sent twice


def test_a_compile_that_reads_data_is_not_kept(app: SimulatorApp, compiles: list[object]) -> None:
    parent = execute_kw(app, "res.partner", "create", [{"name": "Parent", "is_company": True}])
    domain = [["id", "child_of", parent]]  # the hierarchy is read while compiling
    assert execute_kw(app, "res.partner", "search", [domain]) == [parent]
    child = execute_kw(app, "res.partner", "create", [{"name": "Child", "parent_id": parent}])
    assert sorted(execute_kw(app, "res.partner", "search", [domain])) == sorted([parent, child])
    assert compiles.count(domain) == 2


def test_a_new_column_compiles_again(app: SimulatorApp, compiles: list[object]) -> None:
    domain = [["name", "=", "nothing"]]
    execute_kw(app, "account.analytic.line", "search", [domain])
    before = _database(app).store.schema_version()
    _database(app).add_field("account.analytic.line", "x_kept_test", {"type": "char", "string": "Kept test"})
    assert _database(app).store.schema_version() != before
    execute_kw(app, "account.analytic.line", "search", [domain])
    assert compiles.count(domain) == 2
