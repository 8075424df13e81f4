"""``read`` and ``search_read`` take plain int ids without the per-id checks string ids need
(``BaseModel.read``'s fast path): what they answer must not depend on which path the ids took."""

from __future__ import annotations

import pytest

from simulator.app import SimulatorApp
from simulator.errors import AccessError
from simulator.services import Services

ADMIN = ["odoo", 2, "admin"]


def _call(services: Services, method: str, args: list, kwargs: dict | None = None) -> object:
    return services.dispatch("object", "execute_kw", [*ADMIN, "res.partner", method, args, kwargs or {}])


@pytest.fixture(params=["16.0", "17.0"])
def services(request: pytest.FixtureRequest) -> Services:
    return SimulatorApp(request.param).services


def test_ints_bools_and_tuples_read_alike(services: Services) -> None:
    ids = [_call(services, "create", [{"name": f"P{n}", "ref": "FAST"}]) for n in range(3)]
    fields = ["name", "ref", "email", "active"]
    plain = _call(services, "read", [ids, fields])
    assert [row["id"] for row in plain] == ids
    assert _call(services, "read", [tuple(ids), fields]) == plain
    assert _call(services, "read", [[*ids, ids[0]], fields]) == plain  # an id given twice reads once
    assert _call(services, "read", [[True], ["name"]]) == _call(services, "read", [[1], ["name"]])
    assert _call(services, "search_read", [[["ref", "=", "FAST"]]], {"fields": fields, "order": "id"}) == plain


def test_a_string_id_still_meets_its_checks(services: Services) -> None:
    [partner] = _call(services, "search", [[["id", "=", 3]]])
    try:
        rows = _call(services, "read", [[str(partner)], ["name"]])
    except AccessError as error:  # 16: "type incoherence" for a string naming an existing row
        assert "type incoherence" in str(error)
    else:
        assert rows == []  # 17: the string names no record


def test_search_read_keeps_the_search_order(services: Services) -> None:
    ids = [_call(services, "create", [{"name": name, "ref": "ORDER"}]) for name in ("b", "c", "a")]
    rows = _call(services, "search_read", [[["ref", "=", "ORDER"]]], {"fields": ["name"], "order": "name desc"})
    assert [row["name"] for row in rows] == ["c", "b", "a"]
    assert [row["id"] for row in rows] == [ids[1], ids[0], ids[2]]
