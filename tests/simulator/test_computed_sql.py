"""Fields Odoo turns into SQL in a way of its own, and what a read, a read_group or a domain
then answers.

Every expected answer here was recorded from real Odoo 16.0, 17.0, 18.0 and 19.0 servers on
2026-12-02: a fresh database of each (base, analytic, account, project; no demo data) with
Analytic Accounting switched on over XML-RPC, as the ``odoo`` fixture starts, then the very
calls each test makes, in the same order. ``("ok", value)`` or ``(faultCode, last line of
faultString)`` as in ``test_version_differences.py``.
"""

from __future__ import annotations

from typing import Any

from tests.support.odoo import Odoo, answer, by_version, typed

SOME_ACCOUNTS = [["id", "in", [1, 2, 3, 30, 40]]]


def _root_group(root: Any, count: int) -> dict:
    value = root[0] if isinstance(root, list) else root
    return {"root_id": root, "root_id_count": count, "__domain": ["&", *SOME_ACCOUNTS, ["root_id", "=", value]]}


def test_a_binary_column_group_cannot_be_marshalled(odoo: Odoo) -> None:
    """``logo_web`` is a ``bytea`` column: its group value is the memoryview psycopg2 gives,
    which XML-RPC cannot marshal (every version); no group, no fault."""
    logo = ["logo_web"]
    assert answer(odoo, "res.company", "read_group", [], logo, logo) == (
        1,
        "TypeError: cannot marshal <class 'memoryview'> objects",
    )
    assert answer(odoo, "res.company", "read_group", [["id", "=", 0]], logo, logo) == ("ok", [])


def test_the_properties_definition_is_one_constant_in_sql(odoo: Odoo) -> None:
    """19's ``properties.base.definition.mixin``: ``_field_to_sql`` is the model's definition
    (res.users through its partner), the search method answers ``in`` only (``not in``
    negated, anything else unsupported)."""
    field = ["properties_base_definition_id"]
    answers = {
        model: [
            answer(odoo, model, "read_group", [], field, field),
            answer(odoo, model, "search_count", [[field[0], "in", [1]]]),
            answer(odoo, model, "search_count", [[field[0], "not in", [1]]]),
            answer(odoo, model, "search_count", [[field[0], ">", 0]]),
        ]
        for model in ("res.partner", "res.users")
    }
    unsupported = (
        2,
        "Unsupported operator on Properties Base Definition 'Contact' (res.partner) in "
        "[('properties_base_definition_id', '>', 0)]",
    )

    def group(count: int) -> list:
        return [
            {
                "properties_base_definition_id": [1, "Contact Properties"],
                "properties_base_definition_id_count": count,
                "__domain": [["properties_base_definition_id", "=", 1]],
            }
        ]

    def unknown(model: str) -> list:
        leaf = f"Invalid field {model}.properties_base_definition_id in leaf ('properties_base_definition_id'"
        return [
            (1, f"ValueError: Invalid field 'properties_base_definition_id' on model '{model}'"),
            (1, f"ValueError: {leaf}, 'in', [1])"),
            (1, f"ValueError: {leaf}, 'not in', [1])"),
            (1, f"ValueError: {leaf}, '>', 0)"),
        ]

    assert answers == by_version(
        odoo,
        {
            "19.0": {
                "res.partner": [("ok", group(2)), ("ok", 2), ("ok", 0), unsupported],
                "res.users": [("ok", group(1)), ("ok", 1), ("ok", 0), unsupported],
            },
            "*": {model: unknown(model) for model in ("res.partner", "res.users")},
        },
    )


def test_account_roots_are_code_prefixes(odoo: Odoo) -> None:
    """``account.root``: 16/17 number it ``ASCII(code) * 1000 + ASCII(code[1])`` and name it by
    the code's two first characters; 18+ give it those characters as its id (a string), and
    19 groups by ``SUBSTRING(placeholder_code, 1, 2)`` where 18 cannot group by it at all.
    16's fresh database has no account 1, 2 or 30."""
    reads = [
        answer(odoo, "account.account", "read", [1, 2, 30], ["root_id"], load=load)
        for load in ("_classic_read", None, "")
    ]
    classic = by_version(
        odoo,
        {
            "16.0": [],
            "17.0": [
                {"id": 1, "root_id": [49048, "10"]},
                {"id": 2, "root_id": [49049, "11"]},
                {"id": 30, "root_id": [54048, "60"]},
            ],
            "18.0": [
                {"id": 1, "root_id": ["10", "10"]},
                {"id": 2, "root_id": ["11", "11"]},
                {"id": 30, "root_id": ["44", "44"]},
            ],
            "19.0": [
                {"id": 1, "root_id": ["10", "10"]},
                {"id": 2, "root_id": ["11", "11"]},
                {"id": 30, "root_id": ["45", "45"]},
            ],
        },
    )
    bare = [{"id": row["id"], "root_id": row["root_id"][0]} for row in classic]
    assert reads == [("ok", classic), ("ok", bare), ("ok", bare)]

    grouped = [
        answer(odoo, "account.account", "read_group", SOME_ACCOUNTS, ["root_id"], ["root_id"], **order)
        for order in ({}, {"orderby": "root_id desc"})
    ]
    cannot = (1, "ValueError: Cannot convert account.account.root_id to SQL because it is not stored")
    ascending = by_version(
        odoo,
        {
            "16.0": [],
            "17.0": [_root_group([49048, "10"], 2), _root_group([49049, "11"], 2), _root_group([54048, "60"], 1)],
            "19.0": [
                _root_group(["10", "10"], 1),
                _root_group(["11", "11"], 2),
                _root_group(["45", "45"], 1),
                _root_group(["64", "64"], 1),
            ],
        },
    )
    if odoo.version == "18.0":
        assert grouped == [cannot, cannot]
    else:
        assert [typed(result) for result in grouped] == [typed(("ok", ascending)), typed(("ok", ascending[::-1]))]


def test_analytic_lines_of_an_account_by_a_computed_inverse(odoo: Odoo) -> None:
    """``line_ids`` is the one2many of ``auto_account_id``, computed from the context's plan
    (none here: no line belongs to any account). 16 has a stored ``account_id`` inverse;
    17/18 map the lines found through the inverse; 19 too for a domain, but fails to add
    ``inverse IS NOT NULL`` to a query of ids."""
    plan = odoo.call("account.analytic.plan", "create", {"name": "HX Plan"})
    first = odoo.call("account.analytic.account", "create", {"name": "HX One", "plan_id": plan})
    odoo.call("account.analytic.account", "create", {"name": "HX Two", "plan_id": plan})
    odoo.call("account.analytic.line", "create", {"name": "HX Line", "amount": 1.0, "account_id": first})

    def names(domain: list) -> Any:
        result = answer(
            odoo, "account.analytic.account", "search_read", ["&", ["name", "like", "HX"], *domain], ["name"]
        )
        return ("ok", sorted(row["name"] for row in result[1])) if result[0] == "ok" else result

    found = [
        names(domain)
        for domain in (
            [["line_ids", "=", "HX Line"]],
            ["!", ["line_ids", "=", "HX Line"]],
            [["line_ids", "!=", "HX Line"]],
            [["line_ids", "any", [["name", "=", "HX Line"]]]],
            [["line_ids", "not any", [["name", "=", "HX Line"]]]],
            [["line_ids", "=", False]],
            [["line_ids", "in", [1]]],
        )
    ]
    both, none = ("ok", ["HX One", "HX Two"]), ("ok", [])
    not_stored = (1, "ValueError: Cannot convert account.analytic.line.auto_account_id to SQL because it is not stored")
    unhashable = (1, "TypeError: unhashable type: 'list'")
    assert found == by_version(
        odoo,
        {
            "16.0": [
                ("ok", ["HX One"]),
                ("ok", ["HX Two"]),
                ("ok", ["HX Two"]),
                unhashable,
                unhashable,
                ("ok", ["HX Two"]),
                ("ok", ["HX One"]),
            ],
            "19.0": [none, both, both, none, both, not_stored, not_stored],
            "*": [none, both, both, none, both, both, none],
        },
    )
