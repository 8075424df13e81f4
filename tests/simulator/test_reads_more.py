"""More reads, names and fields_get, each expectation recorded from the real servers.

Every expected answer here is what real Odoo 16.0, 17.0, 18.0 and 19.0 answered on a fresh
database (base, analytic, account, project; Analytic Accounting switched on over XML-RPC), on
2026-12-02, to the same calls (``answer`` gives ``("ok", value)`` or ``(faultCode, last line)``),
or what the generated corpus (``harness/parity/recorded/generated/<version>.json``) recorded.
"""

from __future__ import annotations

import re

from tests.support.odoo import Odoo, answer, by_version


def test_an_analytic_account_names_its_partners_commercial_entity(odoo: Odoo) -> None:
    """``_compute_display_name``: ``partner_id.commercial_partner_id.name``, not the contact's
    display name (gen.display_name.account.analytic.account, every version)."""
    company = odoo.call("res.partner", "create", {"name": "Gen Alpha Company", "is_company": True})
    contact = odoo.call("res.partner", "create", {"name": "Gen Ada", "parent_id": company})
    plan = odoo.call("account.analytic.plan", "create", {"name": "Gen Regions"})
    account = odoo.call(
        "account.analytic.account",
        "create",
        {"name": "Gen Sub East", "code": "GSE", "plan_id": plan, "partner_id": contact},
    )
    expected = "[GSE] Gen Sub East - Gen Alpha Company"
    assert odoo.call("account.analytic.account", "read", [account], ["display_name"]) == [
        {"id": account, "display_name": expected}
    ]
    assert odoo.call("account.analytic.account", "name_search", "Sub East") == [[account, expected]]


def test_group_names_search_the_group_or_its_category(odoo: Odoo) -> None:
    """``res.groups._search_full_name`` behind ``name_search`` (``_rec_name = 'full_name'``)."""
    assert answer(odoo, "res.groups", "name_search", "Gen", limit=8) == by_version(
        odoo,
        {
            "16.0": ("ok", []),
            "17.0": ("ok", [[39, "Technical / Onboarding todo already generated for those users"]]),
            "18.0": ("ok", [[41, "Technical / Onboarding todo already generated for those users"]]),
            "19.0": ("ok", []),
        },
    )
    assert answer(odoo, "res.groups", "name_search", "Technical / Access", limit=3) == by_version(
        odoo,
        {
            "16.0": (
                "ok",
                [[12, "Technical / Access to Private Addresses"], [8, "Technical / Access to export feature"]],
            ),
            "19.0": ("ok", []),
            "*": ("ok", [[8, "Technical / Access to export feature"]]),
        },
    )
    assert answer(odoo, "res.groups", "name_search", "Gen", operator="not ilike", limit=3) == by_version(
        odoo,
        {
            "16.0": (
                "ok",
                [
                    [28, "Technical / A warning can be set on a partner (Account)"],
                    [2, "Administration / Access Rights"],
                    [12, "Technical / Access to Private Addresses"],
                ],
            ),
            "17.0": (
                "ok",
                [
                    [26, "Technical / A warning can be set on a partner (Account)"],
                    [2, "Administration / Access Rights"],
                    [8, "Technical / Access to export feature"],
                ],
            ),
            "18.0": (
                "ok",
                [
                    [28, "Technical / A warning can be set on a partner (Account)"],
                    [2, "Administration / Access Rights"],
                    [8, "Technical / Access to export feature"],
                ],
            ),
            "19.0": ("ok", [[32, "Project / User"], [33, "Project / Administrator"], [24, "Accounting / Invoicing"]]),
        },
    )
    tech = odoo.call("res.groups", "name_search", "Tech")
    assert len(tech) == by_version(odoo, {"16.0": 26, "17.0": 24, "18.0": 23, "19.0": 2})
    assert tech[-1] == by_version(
        odoo,
        {
            "16.0": [38, "Technical / Use Task Dependencies"],
            "17.0": [36, "Technical / Use Task Dependencies"],
            "18.0": [38, "Technical / Use Task Dependencies"],
            "19.0": [7, "Technical Features"],
        },
    )


def test_move_line_default_get_takes_its_list_as_ids_up_to_18(odoo: Odoo) -> None:
    """``AccountMoveLine.default_get`` lacks ``@api.model`` in 16-18: ``call_kw`` takes args[0] as ids."""
    assert answer(odoo, "account.move.line", "default_get", ["name"]) == by_version(
        odoo,
        {
            "19.0": ("ok", {}),
            "*": (1, "TypeError: AccountMoveLine.default_get() missing 1 required positional argument: 'fields_list'"),
        },
    )
    if odoo.major < 19:
        assert answer(odoo, "account.move.line", "default_get", [], fields_list=["name"]) == ("ok", {})


def test_fields_get_extras_ignore_attributes(odoo: Odoo) -> None:
    """``res.users`` adds its reified group fields whole (16-18); ``analytic.mixin`` marks
    ``analytic_distribution_search`` unsearchable (16/17, the versions that have it)."""
    assert odoo.call("res.users", "fields_get", ["in_group_7", "name"], attributes=["type"]) == by_version(
        odoo,
        {
            "19.0": {"name": {"type": "char"}},
            "*": {
                "name": {"type": "char"},
                "in_group_7": {
                    "type": "boolean",
                    "string": "Technical Features",
                    "help": False,
                    "exportable": False,
                    "selectable": False,
                },
            },
        },
    )
    assert odoo.call(
        "account.move.line", "fields_get", ["analytic_distribution_search"], attributes=["type"]
    ) == by_version(
        odoo,
        {
            "16.0": {"analytic_distribution_search": {"type": "json", "searchable": False}},
            "17.0": {"analytic_distribution_search": {"type": "json", "searchable": False}},
            "*": {},
        },
    )


def test_field_display_names_name_their_model(odoo: Odoo) -> None:
    domain = [("model", "=", "res.partner"), ("name", "=", "name")]
    plain = odoo.call("ir.model.fields", "search_read", domain, ["display_name"])
    hidden = odoo.call("ir.model.fields", "search_read", domain, ["display_name"], context={"hide_model": True})
    assert [r["display_name"] for r in plain] == [
        by_version(odoo, {"16.0": "Name (res.partner)", "*": "Name (Contact)"})
    ]
    assert [r["display_name"] for r in hidden] == [by_version(odoo, {"16.0": "Name (res.partner)", "*": "Name"})]


def test_plan_counts(odoo: Odoo) -> None:
    fields = ["account_count", "all_account_count", "children_count"]
    assert odoo.call("account.analytic.plan", "search_read", [], fields, order="id") == by_version(
        odoo, {"16.0": [], "*": [{"id": 1, "account_count": 0, "all_account_count": 0, "children_count": 0}]}
    )
    # gen.search_read.all_fields.account.analytic.plan: a parent counts its child's accounts too
    parent = odoo.call("account.analytic.plan", "create", {"name": "Gen Regions"})
    child = odoo.call("account.analytic.plan", "create", {"name": "Gen East", "parent_id": parent})
    for name, plan in (("A", parent), ("B", parent), ("C", child)):
        odoo.call("account.analytic.account", "create", {"name": name, "plan_id": plan})
    assert odoo.call("account.analytic.plan", "read", [parent, child], fields) == [
        {"id": parent, "account_count": 2, "all_account_count": 3, "children_count": 1},
        {"id": child, "account_count": 1, "all_account_count": 1, "children_count": 0},
    ]


def test_last_update_is_16s_concurrency_field(odoo: Odoo) -> None:
    result = answer(odoo, "res.currency", "read", [1], ["__last_update"])
    if odoo.major == 16:
        assert result[0] == "ok" and re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", result[1][0]["__last_update"])
    else:
        assert result == (
            1,
            by_version(
                odoo,
                {
                    "19.0": "ValueError: Invalid field '__last_update' on 'res.currency'",
                    "*": "ValueError: Invalid field '__last_update' on model 'res.currency'",
                },
            ),
        )


def test_accounts_sort_by_code_where_it_is_computed(odoo: Odoo) -> None:
    """18+ compute ``code`` from ``code_store``; ``_field_to_sql`` still sorts by it (``_order``)."""
    assert odoo.call("account.account", "name_search", "", limit=3) == by_version(
        odoo,
        {
            "16.0": [],
            "17.0": [[1, "101000 Current Assets"], [40, "101300 Account Receivable (PoS)"], [41, "101401 Bank"]],
            "18.0": [[1, "101000 Current Assets"], [43, "101300 Account Receivable (PoS)"], [45, "101401 Bank"]],
            "19.0": [[1, "Current Assets"], [43, "Account Receivable (PoS)"], [45, "Bank"]],
        },
    )
    assert odoo.call("account.account", "search", [], limit=4, order="code desc") == by_version(
        odoo, {"16.0": [], "17.0": [47, 39, 38, 37], "18.0": [51, 42, 41, 40], "19.0": [50, 42, 41, 40]}
    )
