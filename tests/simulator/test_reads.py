"""Reads and computed values, each expectation recorded from the real servers.

Every expected answer here is what real Odoo 16.0, 17.0, 18.0 and 19.0 answered on a fresh
database (base, analytic, account, project; Analytic Accounting switched on over XML-RPC), on
2026-12-02, to the same calls: ``("ok", value)`` or ``(faultCode, last line)`` as in
``test_version_differences.py``.
"""

from __future__ import annotations

import pytest

from tests.support.odoo import Odoo, answer, by_version

#: models holding a non-stored computed x2many (or, 17+, a computed many2one) that a read
#: without a field list used to fault on
FULL_READ_MODELS = [
    "res.partner",
    "res.users",
    "res.company",
    "res.groups",
    "account.account",
    "account.journal",
    "ir.model",
    "account.analytic.account",
    "account.analytic.plan",
    "project.project",
    "project.task",
]


@pytest.mark.parametrize("model", FULL_READ_MODELS)
def test_search_read_without_a_field_list(odoo: Odoo, model: str) -> None:
    assert answer(odoo, model, "search_read", [], limit=1)[0] == "ok"


def test_what_a_full_read_computes(odoo: Odoo) -> None:
    partner = odoo.call("res.partner", "read", [1])[0]
    assert {
        k: partner[k]
        for k in (
            "company_type",
            "self",
            "commercial_partner_id",
            "currency_id",
            "message_partner_ids",
            "tz_offset",
            "property_account_payable_id",
        )
    } == {
        "company_type": "company",
        "self": [1, "My Company"],
        "commercial_partner_id": [1, "My Company"],
        "currency_id": by_version(odoo, {"16.0": [1, "EUR"], "*": [1, "USD"]}),
        "message_partner_ids": [],
        "tz_offset": "+0000",
        "property_account_payable_id": by_version(
            odoo,
            {
                "16.0": False,
                "17.0": [14, "211000 Account Payable"],
                "18.0": [16, "211000 Account Payable"],
                "19.0": [15, "Account Payable"],
            },
        ),
    }
    company = odoo.call("res.company", "read", [1])[0]
    assert {k: company.get(k) for k in ("street", "city", "zip", "country_id", "root_id", "parent_ids")} == by_version(
        odoo,
        {
            "16.0": {"street": "", "city": "", "zip": "", "country_id": False, "root_id": None, "parent_ids": None},
            "*": {
                "street": "",
                "city": "",
                "zip": "",
                "country_id": [233, "United States"],
                "root_id": [1, "My Company"],
                "parent_ids": [1],
            },
        },
    )
    group = odoo.call("res.groups", "read", [1])[0]
    assert {k: group.get(k) for k in ("category_id", "users", "trans_implied_ids")} == by_version(
        odoo,
        {
            "16.0": {"category_id": [67, "User types"], "users": [2], "trans_implied_ids": [15, 14, 22, 7]},
            "17.0": {"category_id": [80, "User types"], "users": [2], "trans_implied_ids": [15, 13, 7]},
            "18.0": {"category_id": [85, "User types"], "users": [2], "trans_implied_ids": [16, 7]},
            "19.0": {"category_id": None, "users": None, "trans_implied_ids": None},
        },
    )
    if odoo.major >= 17:
        plan = odoo.call("account.analytic.plan", "search_read", [], limit=1, order="id")[0]
        assert plan["root_id"] == by_version(odoo, {"17.0": [1, "Projects"], "*": [1, "Project"]})


@pytest.mark.parametrize("load", ["_classic_read", None, "", "foo"])
def test_only_the_classic_load_names_many2one_targets(odoo: Odoo, load: str | None) -> None:
    named = load == "_classic_read"
    assert odoo.call("res.users", "read", [2], ["company_id", "partner_id"], load=load) == [
        {"id": 2, "company_id": [1, "My Company"] if named else 1, "partner_id": [3, "Administrator"] if named else 3}
    ]
    assert odoo.call("res.users", "search_read", [["id", "=", 2]], ["company_id"], load="foo") == [
        {"id": 2, "company_id": 1}
    ]


def test_a_contact_shares_its_company_address_and_commercial_fields(odoo: Odoo) -> None:
    company = odoo.call(
        "res.partner",
        "create",
        {
            "name": "Acme",
            "is_company": True,
            "street": "1 Main St",
            "city": "Springfield",
            "zip": "12345",
            "country_id": 75,
            "vat": "FR123",
        },
    )
    contact = odoo.call("res.partner", "create", {"name": "Jane", "parent_id": company})
    invoice = odoo.call(
        "res.partner", "create", {"name": "Billing", "parent_id": company, "type": "invoice", "city": "Elsewhere"}
    )
    fields = ["commercial_partner_id", "street", "city", "zip", "country_id", "vat", "property_account_payable_id"]
    payable = by_version(
        odoo,
        {
            "16.0": False,
            "17.0": [14, "211000 Account Payable"],
            "18.0": [16, "211000 Account Payable"],
            "19.0": [15, "Account Payable"],
        },
    )
    acme = [company, "Acme"]

    def expected(city: str, vat: str) -> list[dict]:
        return [
            {
                "id": contact,
                "commercial_partner_id": acme,
                "street": "1 Main St",
                "city": city,
                "zip": "12345",
                "country_id": [75, "France"],
                "vat": vat,
                "property_account_payable_id": payable,
            },
            {
                "id": invoice,
                "commercial_partner_id": acme,
                "street": False,
                "city": "Elsewhere",
                "zip": False,
                "country_id": False,
                "vat": vat,
                "property_account_payable_id": payable,
            },
        ]

    assert odoo.call("res.partner", "read", [contact, invoice], fields) == expected("Springfield", "FR123")
    odoo.call("res.partner", "write", [company], {"city": "Shelbyville", "vat": "FR999"})
    assert odoo.call("res.partner", "read", [contact, invoice], fields) == expected("Shelbyville", "FR999")
    # a company without an address takes the one its first contact is created with
    empty = odoo.call("res.partner", "create", {"name": "Empty Co", "is_company": True})
    odoo.call(
        "res.partner", "create", {"name": "First", "parent_id": empty, "street": "9 Side St", "city": "Ogdenville"}
    )
    assert odoo.call("res.partner", "read", [empty], ["street", "city"]) == [
        {"id": empty, "street": "9 Side St", "city": "Ogdenville"}
    ]


def test_read_group_by_a_many2one_and_a_boolean(odoo: Odoo) -> None:
    """Grouped by a many2one to a model the simulator does not hold (res.country), then by a
    boolean: the group leaves of ``__domain`` carry True/False, not 1/0."""
    company = odoo.call("res.partner", "create", {"name": "Acme", "is_company": True, "country_id": 75})
    contact = odoo.call("res.partner", "create", {"name": "Jane", "parent_id": company})
    invoice = odoo.call("res.partner", "create", {"name": "Billing", "parent_id": company, "type": "invoice"})

    def domain(scope: list, leaf: list) -> list:
        return ["&", leaf, scope] if odoo.major == 16 else ["&", scope, leaf]

    def group(field: str, value: object, count: int, scope: list) -> dict:
        leaf = [field, "=", value[0] if isinstance(value, list) else value]
        return {field: value, f"{field}_count": count, "__domain": domain(scope, leaf)}

    scope = ["id", "in", [1, company, contact, invoice]]
    assert odoo.call("res.partner", "read_group", [scope], ["id"], ["country_id"]) == by_version(
        odoo,
        {
            "16.0": [group("country_id", [75, "France"], 2, scope), group("country_id", False, 2, scope)],
            "*": [
                group("country_id", [75, "France"], 2, scope),
                group("country_id", [233, "United States"], 1, scope),
                group("country_id", False, 1, scope),
            ],
        },
    )
    scope = ["id", "in", [1, company, contact]]
    assert odoo.call("res.partner", "read_group", [scope], ["id"], ["is_company"]) == [
        group("is_company", False, 1, scope),
        group("is_company", True, 2, scope),
    ]


def test_read_group_by_create_uid_with_an_empty_group(odoo: Odoo) -> None:
    assert odoo.call("res.groups", "read_group", [], ["id"], ["create_uid"]) == [
        {
            "create_uid": [1, "OdooBot"],
            "create_uid_count": by_version(odoo, {"16.0": 38, "17.0": 38, "18.0": 40, "19.0": 37}),
            "__domain": [["create_uid", "=", 1]],
        },
        {"create_uid": False, "create_uid_count": 1, "__domain": [["create_uid", "=", False]]},
    ]


def test_login_date_and_state_follow_authentication(odoo: Odoo) -> None:
    assert odoo.call("res.users", "read", [2], ["state", "login_date"]) == [
        {"id": 2, "state": "new", "login_date": False}
    ]
    assert odoo.common().authenticate(odoo.db, "admin", "admin", {}) == 2
    [user] = odoo.call("res.users", "read", [2], ["state", "login_date"])
    assert user["state"] == "active" and user["login_date"]


def test_company_dependent_defaults_are_read(odoo: Odoo) -> None:
    plan = odoo.call("account.analytic.plan", "create", {"name": "Donors"})
    assert odoo.call("account.analytic.plan", "read", [plan], ["default_applicability"]) == [
        {"id": plan, "default_applicability": "optional"}
    ]
    partner = odoo.call("res.partner", "create", {"name": "Donor"})
    assert odoo.call("res.partner", "read", [partner], ["property_account_receivable_id", "trust"]) == [
        {
            "id": partner,
            "trust": "normal",
            "property_account_receivable_id": by_version(
                odoo,
                {
                    "16.0": False,
                    "17.0": [6, "121000 Account Receivable"],
                    "18.0": [7, "121000 Account Receivable"],
                    "19.0": [5, "Account Receivable"],
                },
            ),
        }
    ]


def test_an_account_is_named_with_its_code(odoo: Odoo) -> None:
    account = odoo.call(
        "account.account", "create", {"name": "Grant Cash", "code": "100100", "account_type": "asset_cash"}
    )
    assert odoo.call("account.account", "read", [account], ["code", "display_name", "internal_group"]) == [
        {
            "id": account,
            "code": "100100",
            "internal_group": "asset",
            # 19 shows the code only to account.group_account_readonly, which admin lacks on a fresh database
            "display_name": "Grant Cash" if odoo.major == 19 else "100100 Grant Cash",
        }
    ]


def test_currencies_without_rates(odoo: Odoo) -> None:
    [usd_or_eur] = odoo.call(
        "res.currency",
        "read",
        [1],
        ["create_date", "rate", "inverse_rate", "rate_string"],
        context={"active_test": False},
    )
    assert usd_or_eur == {"id": 1, "create_date": False, "rate": 1.0, "inverse_rate": 1.0, "rate_string": ""}
    [other] = odoo.call("res.currency", "read", [2], ["rate", "rate_string"], context={"active_test": False})
    assert other["rate_string"] == by_version(odoo, {"16.0": "1 EUR = 1.000000 USD", "*": "1 USD = 1.000000 VEF"})


def test_copy_renames_only_where_the_model_does(odoo: Odoo) -> None:
    def copied(model: str, name: str) -> str:
        new = odoo.call(model, "copy", odoo.call(model, "create", {"name": name}))
        return odoo.call(model, "read", new if isinstance(new, list) else [new], ["name"])[0]["name"]

    assert copied("res.partner.category", "Donor") == "Donor"
    assert copied("res.groups", "Grant Officers") == "Grant Officers (copy)"


def test_a_none_default_cannot_be_marshalled(odoo: Odoo) -> None:
    assert answer(odoo, "res.partner", "default_get", ["barcode", "name"]) == by_version(
        odoo,
        {
            "16.0": (1, "TypeError: cannot marshal None unless allow_none is enabled"),
            "17.0": (1, "TypeError: cannot marshal None unless allow_none is enabled"),
            "*": ("ok", {}),
        },
    )


@pytest.mark.parametrize("ids", [["1"], ["1", 3]])
def test_string_ids(odoo: Odoo, ids: list) -> None:
    incoherence = (
        4,
        "Database fetch misses ids (('1',)) and has extra ids ((1,)), may be caused by a type "
        "incoherence in a previous request",
    )
    assert answer(odoo, "res.partner", "read", ids, ["name"]) == by_version(
        odoo, {"16.0": incoherence, "*": ("ok", [{"id": 3, "name": "Administrator"}] if 3 in ids else [])}
    )
