"""Domains to SQL: Odoo's semantics, checked in-process on a seeded 17.0 database."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from simulator.errors import ServerError
from simulator.orm import Env
from simulator.registry import Registry


@pytest.fixture(scope="module")
def env() -> Iterator[Env]:
    registry = Registry("17.0")
    db = registry.create("odoo")
    env = Env(db, 2, {})
    partners = env["res.partner"]
    with db.store.transaction():
        acme = partners.create(
            {"name": "Acme", "is_company": True, "ref": "D", "city": "Paris", "zip": "75001", "color": 1}
        )
        # an "other" address keeps its own address (a contact would take Acme's, as in Odoo)
        partners.create({"name": "Bea", "parent_id": acme, "type": "other", "ref": "D", "city": "Berlin", "color": 2})
        partners.create({"name": "Cid", "ref": "D", "city": "paris", "color": 5})
        partners.create({"name": "Dee", "ref": "D", "active": False, "color": 3})
    yield env


def names(env: Env, domain: list, **context: object) -> list[str]:
    model = Env(env.db, env.uid, dict(context))["res.partner"]
    ids = model.search([("ref", "=", "D"), *domain], order="name")
    return [row["name"] for row in model.read(ids, ["name"])]


@pytest.mark.parametrize(
    ("domain", "expected"),
    [
        ([("city", "=", "Paris")], ["Acme"]),
        ([("city", "!=", "Paris")], ["Bea", "Cid"]),  # != also matches NULL rows
        ([("city", "=", False)], []),
        ([("zip", "=", False)], ["Bea", "Cid"]),
        ([("zip", "!=", False)], ["Acme"]),
        ([("city", "like", "aris")], ["Acme", "Cid"]),
        ([("city", "like", "Par")], ["Acme"]),  # like is case-sensitive
        ([("city", "ilike", "PAR")], ["Acme", "Cid"]),
        ([("city", "=like", "P%")], ["Acme"]),
        ([("city", "=ilike", "p%")], ["Acme", "Cid"]),
        ([("city", "not ilike", "par")], ["Bea"]),
        ([("zip", "not like", "75")], ["Bea", "Cid"]),  # negative like matches NULL
        ([("city", "ilike", "")], ["Acme", "Bea", "Cid"]),
        ([("color", "in", [1, 5])], ["Acme", "Cid"]),
        ([("color", "not in", [1])], ["Bea", "Cid"]),
        ([("color", "in", [])], []),
        ([("color", "not in", [])], ["Acme", "Bea", "Cid"]),
        ([("zip", "in", ["75001", False])], ["Acme", "Bea", "Cid"]),
        ([("color", ">", 1), ("color", "<=", 5)], ["Bea", "Cid"]),
        ([("color", "=?", False)], ["Acme", "Bea", "Cid"]),
        ([("color", "=?", 2)], ["Bea"]),
        (["|", ("color", "=", 1), ("color", "=", 2)], ["Acme", "Bea"]),
        (["!", ("color", "=", 1)], ["Bea", "Cid"]),
        (["!", "|", ("color", "=", 1), ("color", "=", 2)], ["Cid"]),
        ([("parent_id.name", "=", "Acme")], ["Bea"]),
        ([("parent_id", "=", "Acme")], ["Bea"]),  # many2one by name
        ([("parent_id", "!=", "Acme")], ["Acme", "Cid"]),
        ([("parent_id", "any", [("city", "=", "Paris")])], ["Bea"]),
        ([("is_company", "=", False)], ["Bea", "Cid"]),
        ([(1, "=", 1)], ["Acme", "Bea", "Cid"]),
        ([(0, "=", 1)], []),
    ],
)
def test_operators(env: Env, domain: list, expected: list[str]) -> None:
    assert names(env, domain) == expected


def test_hierarchy(env: Env) -> None:
    [acme] = env["res.partner"].search([("name", "=", "Acme")])
    assert names(env, [("id", "child_of", acme)]) == ["Acme", "Bea"]
    assert names(env, [("parent_id", "child_of", acme)]) == ["Acme", "Bea"]
    [bea] = env["res.partner"].search([("name", "=", "Bea")])
    assert names(env, [("id", "parent_of", bea)]) == ["Acme", "Bea"]


def test_archived_records(env: Env) -> None:
    assert "Dee" not in names(env, [])
    assert names(env, [("active", "=", False)]) == ["Dee"]
    assert names(env, [("active", "in", [True, False])]) == ["Acme", "Bea", "Cid", "Dee"]
    assert names(env, [], active_test=False) == ["Acme", "Bea", "Cid", "Dee"]


@pytest.mark.parametrize(
    ("domain", "message"),
    [
        (["|", ("name", "=", "x")], "Domain ['|', ('name', '=', 'x')] is syntactically not correct."),
        ([("name", "bad", "x")], "Invalid leaf ('name', 'bad', 'x')"),
        ([("nope", "=", 1)], "Invalid field res.partner.nope in leaf ('nope', '=', 1)"),
        ([("name", "=")], "not enough values to unpack (expected 3, got 2)"),
    ],
)
def test_bad_domains(env: Env, domain: list, message: str) -> None:
    with pytest.raises(ServerError) as info:
        env["res.partner"].search(domain)
    assert info.value.message == message


def test_parameters_stay_in_order_with_many_leaves(env: Env) -> None:
    domain = ["|", "&", ("city", "=", "Paris"), ("color", "=", 1), "&", ("city", "=", "paris"), ("color", "=", 5)]
    assert names(env, domain) == ["Acme", "Cid"]
