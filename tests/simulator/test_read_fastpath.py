"""``read`` and ``search_read`` take plain int ids without the per-id checks string ids need
(``BaseModel.read``'s fast path): what they answer must not depend on which path the ids took."""

from __future__ import annotations

import pytest

from simulator.app import SimulatorApp
from simulator.errors import AccessError
from tests.support.odoo import execute_kw


@pytest.fixture(params=["16.0", "17.0"])
def app(request: pytest.FixtureRequest) -> SimulatorApp:
    return SimulatorApp(request.param)


def test_ints_bools_and_tuples_read_alike(app: SimulatorApp) -> None:
    ids = [execute_kw(app, "res.partner", "create", [{"name": f"P{n}", "ref": "FAST"}]) for n in range(3)]
    fields = ["name", "ref", "email", "active"]
    plain = execute_kw(app, "res.partner", "read", [ids, fields])
    assert [row["id"] for row in plain] == ids
    assert execute_kw(app, "res.partner", "read", [tuple(ids), fields]) == plain
    assert execute_kw(app, "res.partner", "read", [[*ids, ids[0]], fields]) == plain  # an id given twice reads once
    assert execute_kw(app, "res.partner", "read", [[True], ["name"]]) == execute_kw(
        app, "res.partner", "read", [[1], ["name"]]
    )
    assert (
        execute_kw(app, "res.partner", "search_read", [[["ref", "=", "FAST"]]], {"fields": fields, "order": "id"})
        == plain
    )


def test_a_string_id_still_meets_its_checks(app: SimulatorApp) -> None:
    [partner] = execute_kw(app, "res.partner", "search", [[["id", "=", 3]]])
    try:
        rows = execute_kw(app, "res.partner", "read", [[str(partner)], ["name"]])
    except AccessError as error:  # 16: "type incoherence" for a string naming an existing row
        assert "type incoherence" in str(error)
    else:
        assert rows == []  # 17: the string names no record


def test_search_read_keeps_the_search_order(app: SimulatorApp) -> None:
    ids = [execute_kw(app, "res.partner", "create", [{"name": name, "ref": "ORDER"}]) for name in ("b", "c", "a")]
    rows = execute_kw(
        app, "res.partner", "search_read", [[["ref", "=", "ORDER"]]], {"fields": ["name"], "order": "name desc"}
    )
    assert [row["name"] for row in rows] == ["c", "b", "a"]
    assert [row["id"] for row in rows] == [ids[1], ids[0], ids[2]]
