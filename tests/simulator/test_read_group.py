"""read_group, as real Odoo answers it.

Every expected answer here was recorded from real Odoo 16.0, 17.0, 18.0 and 19.0 servers on
2026-12-02: a fresh database (base, analytic, account, project; no demo data) with Analytic
Accounting switched on over XML-RPC, which is how the ``odoo`` fixture starts, then the very
calls each test makes. ``("ok", value)`` or ``(faultCode, last line of faultString)`` as in
``test_version_differences.py``.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.odoo import Odoo, answer, by_version, typed

RG = [["name", "like", "RG"]]


def groups(odoo: Odoo, model: str, domain: list, fields: list, groupby: list, **kwargs: Any) -> Any:
    """The answer, type-tagged (see ``typed``): compare it with ``typed(expected)``."""
    result = answer(odoo, model, "read_group", domain, fields, groupby, **kwargs)
    assert result[0] == "ok", result
    return typed(result[1])


def _partners(odoo: Odoo) -> int:
    """A company (latitude 0.0) and a contact of it (an email, no latitude)."""
    company = odoo.call("res.partner", "create", {"name": "RG Co", "is_company": True, "partner_latitude": 0.0})
    odoo.call("res.partner", "create", {"name": "RG Contact", "parent_id": company, "email": "RG.Contact@Example.com"})
    return company


def _lines(odoo: Odoo) -> int:
    plan = odoo.call("account.analytic.plan", "create", {"name": "RG Plan"})
    account = odoo.call("account.analytic.account", "create", {"name": "RG Account", "plan_id": plan})
    for name, date, amount in (
        ("RG1", "2024-01-07", 10.0),
        ("RG2", "2024-01-31", 5.5),
        ("RG3", "2023-12-31", -2.0),
        ("RG4", "2024-03-03", 1.0),
    ):
        odoo.call(
            "account.analytic.line", "create", {"name": name, "date": date, "amount": amount, "account_id": account}
        )
    return account


def _and(odoo: Odoo, leaf: list) -> list:
    """``__domain`` of a group under the domain RG: the leaf first in 16, after it later;
    19's Domain flattens a period's own ``&`` into one n-ary AND."""
    if odoo.major == 16:
        return ["&", *leaf, *RG]
    if odoo.major >= 19 and leaf[0] == "&":
        return ["&", "&", *RG, *leaf[1:]]
    return ["&", *RG, *leaf]


def test_a_field_inherited_from_the_partner_groups_through_the_partner(odoo: Odoo) -> None:
    """res.users has no column ``city`` (``_inherits``): Odoo joins res_partner."""
    assert groups(odoo, "res.users", [], ["name"], ["name"]) == typed(
        [{"name": "Administrator", "name_count": 1, "__domain": [["name", "=", "Administrator"]]}]
    )
    assert groups(odoo, "res.users", [], ["city"], ["city"]) == typed(
        [{"city": False, "city_count": 1, "__domain": [["city", "=", False]]}]
    )


def test_grouping_by_id(odoo: Odoo) -> None:
    """16's SQL has two columns named "id"; 17+ name each record's group."""
    result = answer(odoo, "res.company", "read_group", [], ["id"], ["id"])
    if odoo.major == 16:
        assert result == (1, "                             ^")
        fault = odoo.fault("res.company", "read_group", [], ["id"], ["id"])
        assert 'psycopg2.errors.AmbiguousColumn: ORDER BY "id" is ambiguous\nLINE 6:' in fault.faultString
    else:
        assert result == ("ok", [{"id": [1, "My Company"], "id_count": 1, "__domain": [["id", "=", 1]]}])


def test_a_many2one_group_follows_its_comodels_order(odoo: Odoo) -> None:
    """res.users sorts by ``name, login``, a name held by the partner: Administrator first."""
    assert groups(odoo, "res.groups", [], ["write_uid"], ["write_uid"]) == typed(
        [
            {"write_uid": [2, "Administrator"], "write_uid_count": 1, "__domain": [["write_uid", "=", 2]]},
            {
                "write_uid": [1, "OdooBot"],
                "write_uid_count": by_version(odoo, {"18.0": 40, "19.0": 37, "*": 38}),
                "__domain": [["write_uid", "=", 1]],
            },
        ]
    )


def test_an_empty_number_is_its_own_group_after_the_values(odoo: Odoo) -> None:
    """A NULL float groups as False, apart from 0.0 (the seed's partners have no latitude)."""
    latitude = ["partner_latitude"]
    assert groups(odoo, "res.partner", [], latitude, latitude) == typed(
        [{"partner_latitude": False, "partner_latitude_count": 2, "__domain": [["partner_latitude", "=", False]]}]
    )
    _partners(odoo)
    assert groups(odoo, "res.partner", [], latitude, latitude) == typed(
        [
            {"partner_latitude": 0.0, "partner_latitude_count": 1, "__domain": [["partner_latitude", "=", 0.0]]},
            {"partner_latitude": False, "partner_latitude_count": 3, "__domain": [["partner_latitude", "=", False]]},
        ]
    )


def test_a_boolean_never_set_is_the_false_group(odoo: Odoo) -> None:
    _partners(odoo)
    assert groups(odoo, "res.partner", [], ["employee"], ["employee"]) == typed(
        [{"employee": False, "employee_count": 4, "__domain": [["employee", "=", False]]}]
    )


def test_new_partners_group_by_their_stored_computed_values(odoo: Odoo) -> None:
    _partners(odoo)
    name = ["commercial_company_name"]
    assert groups(odoo, "res.partner", [], name, name) == typed(
        [
            {
                "commercial_company_name": "My Company",
                "commercial_company_name_count": 1,
                "__domain": [["commercial_company_name", "=", "My Company"]],
            },
            {
                "commercial_company_name": "RG Co",
                "commercial_company_name_count": 2,
                "__domain": [["commercial_company_name", "=", "RG Co"]],
            },
            {
                "commercial_company_name": False,
                "commercial_company_name_count": 1,
                "__domain": [["commercial_company_name", "=", False]],
            },
        ]
    )
    emails = groups(
        odoo, "res.partner", [["email_normalized", "!=", False]], ["email_normalized"], ["email_normalized"]
    )
    given = ["email_normalized", "!=", False]
    expected = [
        (
            email,
            ["&", ["email_normalized", "=", email], given]
            if odoo.major == 16
            else ["&", given, ["email_normalized", "=", email]],
        )
        for email in (
            ["rg.contact@example.com"] if odoo.major >= 19 else ["admin@example.com", "rg.contact@example.com"]
        )
    ]
    assert emails == typed(
        [{"email_normalized": email, "email_normalized_count": 1, "__domain": domain} for email, domain in expected]
    )


def test_an_aggregate_of_nothing_is_false(odoo: Odoo) -> None:
    _partners(odoo)
    assert groups(odoo, "res.partner", RG, ["partner_latitude:sum", "color:max"], ["name"]) == typed(
        [
            {
                "name": "RG Co",
                "name_count": 1,
                "partner_latitude": 0.0,
                "color": 0,
                "__domain": _and(odoo, [["name", "=", "RG Co"]]),
            },
            {
                "name": "RG Contact",
                "name_count": 1,
                "partner_latitude": False,
                "color": 0,
                "__domain": _and(odoo, [["name", "=", "RG Contact"]]),
            },
        ]
    )


@pytest.mark.parametrize(
    ("granularity", "periods"),
    [
        (
            "month",
            [
                ("December 2023", "2023-12-01", "2024-01-01", 1, -2.0),
                ("January 2024", "2024-01-01", "2024-02-01", 2, 15.5),
                ("March 2024", "2024-03-01", "2024-04-01", 1, 1.0),
            ],
        ),
        (
            "day",
            [
                ("31 Dec 2023", "2023-12-31", "2024-01-01", 1, -2.0),
                ("07 Jan 2024", "2024-01-07", "2024-01-08", 1, 10.0),
                ("31 Jan 2024", "2024-01-31", "2024-02-01", 1, 5.5),
                ("03 Mar 2024", "2024-03-03", "2024-03-04", 1, 1.0),
            ],
        ),
        (
            "quarter",
            [("Q4 2023", "2023-10-01", "2024-01-01", 1, -2.0), ("Q1 2024", "2024-01-01", "2024-04-01", 3, 16.5)],
        ),
        ("year", [("2023", "2023-01-01", "2024-01-01", 1, -2.0), ("2024", "2024-01-01", "2025-01-01", 3, 16.5)]),
    ],
)
def test_date_groups_are_labelled_periods(odoo: Odoo, granularity: str, periods: list) -> None:
    _lines(odoo)
    key = f"date:{granularity}"
    assert groups(odoo, "account.analytic.line", RG, ["amount"], [key]) == typed(
        [
            {
                key: label,
                "date_count": count,
                "amount": amount,
                "__range": {key: {"from": start, "to": end}},
                "__domain": _and(odoo, ["&", ["date", ">=", start], ["date", "<", end]]),
            }
            for label, start, end, count, amount in periods
        ]
    )


def test_week_groups_per_version(odoo: Odoo) -> None:
    """16 truncates to ISO weeks; 17+ start on Sunday (en_US). 16/17 label with babel's
    ``'W'w YYYY`` (the ISO year), 18+ with ``date_utils.weeknumber``."""
    _lines(odoo)
    weeks = by_version(
        odoo,
        {
            "16.0": [
                ("W52 2023", "2023-12-25", "2024-01-01"),
                ("W1 2024", "2024-01-01", "2024-01-08"),
                ("W5 2024", "2024-01-29", "2024-02-05"),
                ("W9 2024", "2024-02-26", "2024-03-04"),
            ],
            "17.0": [
                ("W53 2023", "2023-12-31", "2024-01-07"),
                ("W2 2024", "2024-01-07", "2024-01-14"),
                ("W5 2024", "2024-01-28", "2024-02-04"),
                ("W10 2024", "2024-03-03", "2024-03-10"),
            ],
            "*": [
                ("W1 2024", "2023-12-31", "2024-01-07"),
                ("W2 2024", "2024-01-07", "2024-01-14"),
                ("W5 2024", "2024-01-28", "2024-02-04"),
                ("W10 2024", "2024-03-03", "2024-03-10"),
            ],
        },
    )
    result = groups(odoo, "account.analytic.line", RG, ["amount"], ["date:week"])
    assert [[g["date:week"], *g["__range"]["date:week"].values()] for g in result] == typed(weeks)
    assert result[0]["__domain"] == typed(_and(odoo, ["&", ["date", ">=", weeks[0][1]], ["date", "<", weeks[0][2]]]))


def test_eager_and_lazy_grouping(odoo: Odoo) -> None:
    account = _lines(odoo)
    eager = groups(odoo, "account.analytic.line", RG, ["amount"], ["account_id", "date:month"], lazy=False)
    leaf = ["account_id", "=", account]
    period = ["&", ["date", ">=", "2023-12-01"], ["date", "<", "2024-01-01"]]
    assert eager[0] == typed(
        {
            "account_id": [account, "RG Account"],
            "date:month": "December 2023",
            "__count": 1,
            "amount": -2.0,
            "__range": {"date:month": {"from": "2023-12-01", "to": "2024-01-01"}},
            "__domain": by_version(
                odoo,
                {
                    "16.0": ["&", "&", leaf, *period, *RG],
                    "19.0": ["&", "&", "&", *RG, leaf, *period[1:]],
                    "*": ["&", "&", *RG, leaf, *period],
                },
            ),
        }
    )
    assert [g["__count"] for g in eager] == typed([1, 2, 1])
    assert groups(odoo, "account.analytic.line", RG, ["amount"], ["account_id", "date:month"]) == typed(
        [
            {
                "account_id": [account, "RG Account"],
                "account_id_count": 4,
                "amount": 14.5,
                "__context": {"group_by": ["date:month"]},
                "__domain": _and(odoo, [leaf]),
            }
        ]
    )
    assert groups(odoo, "account.analytic.line", RG, ["amount"], []) == typed(
        by_version(
            odoo,
            {"16.0": [{"id": 1, "__count": 4, "amount": 14.5}], "*": [{"__count": 4, "amount": 14.5, "__domain": RG}]},
        )
    )


def test_many2many_groups(odoo: Odoo) -> None:
    """A record in each of its tags' groups, one without tags in the empty group, whose
    leaf each version words its own way."""
    company = _partners(odoo)
    tags = [odoo.call("res.partner.category", "create", {"name": name}) for name in ("RG T1", "RG T2")]
    odoo.call("res.partner", "write", [company], {"category_id": [[6, 0, tags]]})
    empty = by_version(
        odoo,
        {
            "16.0": ["category_id", "=", False],
            "17.0": ["category_id", "not in", tags],
            "18.0": ["category_id", "not any", [[1, "=", 1]]],
            "19.0": ["category_id", "not any", []],
        },
    )
    assert groups(odoo, "res.partner", RG, ["category_id"], ["category_id"]) == typed(
        [
            *(
                {
                    "category_id": [tag, name],
                    "category_id_count": 1,
                    "__domain": _and(odoo, [["category_id", "=", tag]]),
                }
                for tag, name in zip(tags, ("RG T1", "RG T2"), strict=True)
            ),
            {"category_id": False, "category_id_count": 1, "__domain": _and(odoo, [empty])},
        ]
    )


def test_a_company_dependent_field(odoo: Odoo) -> None:
    """16/17 keep ``credit_limit`` in ir.property (no column to group by); 18 leaves a
    company without a value NULL when the fallback is 0, 19 takes the fallback."""
    company = _partners(odoo)
    domain = [["id", "in", [1, company]]]
    result = answer(odoo, "res.partner", "read_group", domain, ["credit_limit"], ["credit_limit"])
    value = by_version(odoo, {"18.0": False, "19.0": 0.0})
    assert typed(result) == typed(
        by_version(
            odoo,
            {
                "16.0": (
                    2,
                    "Field res.partner.credit_limit is not a stored field, only stored fields (regular or many2many) "
                    "are valid for the 'groupby' parameter",
                ),
                "17.0": (1, "ValueError: Cannot convert field res.partner.credit_limit to SQL"),
                "*": (
                    "ok",
                    [
                        {
                            "credit_limit": value,
                            "credit_limit_count": 2,
                            "__domain": ["&", *domain, ["credit_limit", "=", value]],
                        }
                    ],
                ),
            },
        )
    )


def test_a_stage_group_says_whether_it_is_folded(odoo: Odoo) -> None:
    """project.task's ``stage_id`` has a ``group_expand``: each group carries ``__fold``."""
    project = odoo.call("project.project", "create", {"name": "RG Project"})
    odoo.call("project.task", "create", {"name": "RG Task", "project_id": project})
    task = [["name", "=", "RG Task"]]
    leaf = ["stage_id", "=", False]
    assert groups(odoo, "project.task", task, ["stage_id"], ["stage_id"]) == typed(
        [
            {
                "stage_id": False,
                "stage_id_count": 1,
                "__fold": False,
                "__domain": ["&", leaf, *task] if odoo.major == 16 else ["&", *task, leaf],
            }
        ]
    )


@pytest.mark.parametrize(
    ("orderby", "expected"),
    [
        ("amount", {"*": ["December 2023", "March 2024", "January 2024"]}),
        ("date:month desc", {"*": ["March 2024", "January 2024", "December 2023"]}),
        (
            "date_count, amount desc",
            {
                "16.0": "ValueError: Invalid field 'date_count' on model 'account.analytic.line'",
                "*": ["March 2024", "December 2023", "January 2024"],
            },
        ),
        (
            "nope desc",
            {
                "16.0": "ValueError: Invalid field 'nope' on model 'account.analytic.line'",
                "*": "ValueError: Order term 'nope desc' is not a valid aggregate nor valid groupby",
            },
        ),
    ],
)
def test_orderby_names_groupbys_and_aggregates(odoo: Odoo, orderby: str, expected: dict) -> None:
    """16 sorts by groupbys and aggregated fields only; 17+ by the count too."""
    _lines(odoo)
    result = answer(odoo, "account.analytic.line", "read_group", RG, ["amount:sum"], ["date:month"], orderby=orderby)
    wanted = by_version(odoo, expected)
    if isinstance(wanted, str):
        assert result == (1, wanted)
    else:
        assert result[0] == "ok" and [g["date:month"] for g in result[1]] == wanted


def test_an_offset_without_limit(odoo: Odoo) -> None:
    """16 writes OFFSET only with a LIMIT."""
    _lines(odoo)
    months = [g["date:month"] for g in groups(odoo, "account.analytic.line", RG, ["amount"], ["date:month"], offset=1)]
    assert months == typed(
        by_version(odoo, {"16.0": ["December 2023", "January 2024", "March 2024"], "*": ["January 2024", "March 2024"]})
    )
    months = [
        g["date:month"]
        for g in groups(odoo, "account.analytic.line", RG, ["amount"], ["date:month"], offset=1, limit=1)
    ]
    assert months == typed(["January 2024"])
