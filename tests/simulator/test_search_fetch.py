"""``search_read`` fetches the read's stored columns with its search (17.0's ``search_fetch``): one
query fewer, and the same answer as ``read`` of what ``search`` finds, whatever the fields."""

from __future__ import annotations

import pytest

from simulator.app import SimulatorApp
from tests.support.odoo import admin_caller, execute_kw


@pytest.fixture(params=["16.0", "17.0", "19.0"])
def app(request: pytest.FixtureRequest) -> SimulatorApp:
    app = SimulatorApp(request.param)
    company = execute_kw(app, "res.partner", "create", [{"name": "Fetch Co", "is_company": True, "ref": "FETCH"}])
    for n in range(5):
        execute_kw(
            app, "res.partner", "create", [{"name": f"Fetch {n}", "ref": "FETCH", "parent_id": company, "city": "Gulu"}]
        )
    execute_kw(app, "res.partner", "create", [{"name": "Fetch gone", "ref": "FETCH", "active": False}])
    return app


@pytest.mark.parametrize(
    "fields",
    [
        ["name", "city", "parent_id", "is_company"],
        ["display_name", "name", "create_date", "write_uid"],
        ["name", "name", "id"],
        ["category_id", "child_ids", "commercial_partner_id"],
        [],
    ],
)
@pytest.mark.parametrize(
    "kwargs",
    [{}, {"order": "name desc", "limit": 3}, {"offset": 2}, {"context": {"active_test": False}}],
)
def test_search_read_answers_as_read_of_search(app: SimulatorApp, fields: list[str], kwargs: dict) -> None:
    domain = [["ref", "=", "FETCH"]]
    ids = execute_kw(app, "res.partner", "search", [domain], kwargs)
    read_kwargs = {"context": kwargs["context"]} if "context" in kwargs else {}
    expected = execute_kw(app, "res.partner", "read", [ids, fields], read_kwargs) if fields else None
    answer = execute_kw(app, "res.partner", "search_read", [domain], {**kwargs, "fields": fields})
    assert [row["id"] for row in answer] == ids
    if expected is not None:
        assert answer == expected


def test_one_query_finds_and_reads(app: SimulatorApp) -> None:
    statements: list[str] = []
    db = app.registry.get("odoo")
    db.store.conn.set_trace_callback(statements.append)
    try:
        execute_kw(
            app, "res.partner", "search_read", [[["ref", "=", "FETCH"]]], {"fields": ["name", "city", "is_company"]}
        )
    finally:
        db.store.conn.set_trace_callback(None)
    partner_reads = [s for s in statements if s.startswith("SELECT") and 'FROM "res_partner"' in s]
    assert len(partner_reads) == 1, partner_reads
    assert '"res_partner"."city"' in partner_reads[0]


def test_bad_fields_fail_after_the_search_as_before(app: SimulatorApp) -> None:
    assert (
        execute_kw(app, "res.partner", "search_read", [[["ref", "=", "NOTHING"]]], {"fields": ["no_such_field"]}) == []
    )
    with pytest.raises(Exception, match="no_such_field"):
        execute_kw(app, "res.partner", "search_read", [[["ref", "=", "FETCH"]]], {"fields": ["no_such_field"]})


def test_a_translated_field_reads_in_the_context_language(app: SimulatorApp) -> None:
    call = admin_caller(app)
    french = call("res.lang", "search", [["code", "=", "fr_FR"]], context={"active_test": False})
    call(
        "base.language.install",
        "lang_install",
        [call("base.language.install", "create", {"lang_ids": [[6, 0, french]]})],
    )
    tag = call("res.partner.category", "create", {"name": "Tag EN"})
    call("res.partner.category", "write", [tag], {"name": "Etiquette FR"}, context={"lang": "fr_FR"})
    for model, domain in (
        ("res.country", [["code", "in", ["DE", "FR"]]]),
        ("res.partner.category", [["id", "=", tag]]),
    ):
        ids = call(model, "search", domain)
        for lang in ("fr_FR", "en_US"):
            expected = call(model, "read", ids, ["name", "display_name"], context={"lang": lang})
            assert (
                call(model, "search_read", domain, fields=["name", "display_name"], context={"lang": lang}) == expected
            )
    assert call(
        "res.partner.category", "search_read", [["id", "=", tag]], fields=["name"], context={"lang": "fr_FR"}
    ) == [{"id": tag, "name": "Etiquette FR"}]
