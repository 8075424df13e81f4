"""Computed values a read answers, each expectation recorded from the real servers.

The expected answers are what real Odoo 16.0, 18.0 and 19.0 answered on 2026-12-02 to the
same calls on a database made from the fresh template (Analytic Accounting switched on);
17.0 answers as 18.0 for all of them but ``contact_address_inline``, which it shares.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.odoo import Odoo, by_version, serve


def test_addresses_emails_and_chat_status_are_computed_for_new_partners(odoo: Odoo) -> None:
    company = odoo.call(
        "res.partner",
        "create",
        {
            "name": 'Acme "Q" Ltd',
            "is_company": True,
            "street": "1 Main St",
            "city": "Gulu",
            "zip": "256",
            "email": "Info@Acme.example",
        },
    )
    contact = odoo.call("res.partner", "create", {"name": "Ann", "parent_id": company})
    fields = ["contact_address", "email_formatted", "im_status"]
    rows = odoo.call("res.partner", "read", [company, contact, 1, 2, 3], fields)
    address = 'Acme "Q" Ltd\n1 Main St\n\nGulu  256\n'
    assert rows == [
        {
            "id": company,
            "contact_address": address,
            "email_formatted": '"Acme \\"Q\\" Ltd" <info@acme.example>',
            "im_status": "im_partner",
        },
        {"id": contact, "contact_address": address, "email_formatted": False, "im_status": "im_partner"},
        {
            "id": 1,
            "contact_address": by_version(
                odoo, {"16.0": "My Company\n\n\n  \n", "*": "My Company\n\n\n  \nUnited States"}
            ),
            "email_formatted": False,
            "im_status": "im_partner",
        },
        {
            "id": 2,
            "contact_address": "\n\n  \n",
            "email_formatted": '"OdooBot" <odoobot@example.com>',
            "im_status": "bot",
        },
        {
            "id": 3,
            "contact_address": "\n\n  \n",
            "im_status": "offline",
            "email_formatted": by_version(odoo, {"19.0": False, "*": '"Administrator" <admin@example.com>'}),
        },
    ]
    if odoo.version != "16.0":
        inline = odoo.call("res.partner", "read", [company, 1, 3], ["contact_address_inline"])
        assert [row["contact_address_inline"] for row in inline] == [
            'Acme "Q" Ltd, 1 Main St, Gulu  256',
            "My Company, United States",
            "",
        ]


def test_a_users_groups_read_as_odoo_reads_them(odoo: Odoo) -> None:
    """16-18 answer the reified ``sel_groups_*`` (User types: Internal); 19 the implied closure."""
    fields = odoo.call("res.users", "fields_get", [], {"attributes": ["type"]})
    names = [name for name in ("sel_groups_1_10_11", "all_group_ids", "password") if name in fields]
    assert odoo.call("res.users", "read", [2], names) == [
        by_version(
            odoo,
            {
                "19.0": {
                    "id": 2,
                    "password": "",
                    "all_group_ids": [33, 1, 7, 15, 18, 32, 27, 24, 21, 38, 4, 2, 3, 8, 9, 14, 16, 31],
                },
                "*": {"id": 2, "password": "", "sel_groups_1_10_11": 1},
            },
        )
    ]


@pytest.fixture
def odoo16() -> Iterator[Odoo]:
    yield from serve("16.0")


def test_16_reading_the_companys_default_plan_creates_it(odoo16: Odoo) -> None:
    """16.0's ``_compute_analytic_plan_id`` falls back to ``_get_default``, which creates a plan."""
    odoo = odoo16
    assert odoo.call("account.analytic.plan", "search", []) == []
    assert odoo.call("res.company", "read", [1], ["analytic_plan_id"]) == [
        {"id": 1, "analytic_plan_id": [1, "Default"]}
    ]
    assert odoo.call("account.analytic.plan", "search_read", [], ["name", "company_id"]) == [
        {"id": 1, "name": "Default", "company_id": [1, "My Company"]}
    ]


def test_a_model_the_version_has_but_the_simulator_does_not_serve_says_so(odoo: Odoo) -> None:
    assert odoo.fault("ir.ui.view", "search", []).faultString.endswith(
        f"Object ir.ui.view exists in Odoo {odoo.version} but the odoo-harness simulator does not serve it "
        "(README: The simulator, Models)"
    )
    assert odoo.fault("sale.order", "search", []).faultString.endswith("Object sale.order doesn't exist")
    assert odoo.call("ir.model", "search_count", [("model", "=", "ir.ui.view")]) == 1


def test_fields_of_groups_the_user_is_not_in_are_refused_as_each_version_words_it(odoo: Odoo) -> None:
    """project.project's ``stage_id`` belongs to "Use Stages on Project", which admin lacks on a
    fresh database: asked for, an AccessError (real servers, 2026-12-02); a read of every field
    leaves it out up to 18.0 and is refused on 19.0."""
    project = odoo.call("project.project", "create", {"name": "P"})
    fault = odoo.fault("project.project", "read", [project], ["stage_id", "name", "stage_id"])
    head = "You do not have enough rights to access the field"
    assert fault.faultCode == 4 and fault.faultString.endswith(
        by_version(
            odoo,
            {
                "16.0": "The requested operation can not be completed due to security restrictions.\n\n"
                "Document type: Project (project.project)\nOperation: read\nUser: 2\nFields:\n"
                "- stage_id (allowed for groups 'Technical / Use Stages on Project')",
                "17.0": "The requested operation can not be completed due to security restrictions.\n\n"
                "Document type: Project (project.project)\nOperation: read\nUser: 2\nFields:\n"
                "- stage_id (allowed for groups 'Technical / Use Stages on Project')",
                "18.0": f'{head}s "stage_id,stage_id" on Project (project.project). Please contact your system '
                "administrator.\n\nOperation: read\nUser: 2\nFields:\n"
                "- stage_id (allowed for groups 'Technical / Use Stages on Project')\n"
                "- stage_id (allowed for groups 'Technical / Use Stages on Project')",
                "19.0": f'{head} "stage_id" on Project (project.project). Please contact your system administrator.\n\n'
                "Operation: read\nUser: 2\nGroups: allowed for groups 'Use Stages on Project'",
            },
        )
    )
    if odoo.version == "19.0":
        assert odoo.fault("project.project", "read", [project]).faultString.endswith(
            "Groups: allowed for groups 'Use Stages on Project'"
        )
    else:
        assert "stage_id" not in odoo.call("project.project", "read", [project])[0]


def test_links_to_archived_records_not_served_hide_from_reads_but_group_as_the_version_groups(odoo: Odoo) -> None:
    """res.groups ``rule_groups``: the Portal group links an archived record rule (real
    16.0/18.0/19.0, 2026-12-02: 111, 132, 138). A read leaves it out unless ``active_test`` is
    off; read_group counts the link up to 18.0 and leaves it out on 19.0."""
    archived = sorted(odoo.app.registry.get("odoo").profile.archived.get("ir.rule", set()))
    if not archived:  # 17.0's portal rules are all active
        assert odoo.version == "17.0"
        return
    portal = next(
        g["id"]
        for g in odoo.call("res.groups", "search_read", [], ["rule_groups"])
        if archived[0]
        in odoo.call("res.groups", "read", [g["id"]], ["rule_groups"], context={"active_test": False})[0]["rule_groups"]
    )
    assert archived[0] not in odoo.call("res.groups", "read", [portal], ["rule_groups"])[0]["rule_groups"]
    groups = odoo.call("res.groups", "read_group", [], ["rule_groups"], ["rule_groups"])
    counted = [g for g in groups if g["rule_groups"] and g["rule_groups"][0] == archived[0]]
    assert bool(counted) == (odoo.version != "19.0")


def test_archive_methods_commit_then_fault_on_none_as_every_version_does(odoo: Odoo) -> None:
    """``action_archive``, ``action_unarchive``, ``toggle_active`` answer None, which XML-RPC
    cannot marshal: the change is kept and the caller gets the fault (real 16.0 to 19.0,
    2026-12-02, the same sequence: archived, restored, archived, still archived, restored)."""
    partner = odoo.call("res.partner", "create", {"name": "Arch"})
    seen = []
    for method in ("action_archive", "action_unarchive", "toggle_active", "action_archive", "toggle_active"):
        fault = odoo.fault("res.partner", method, [partner])
        assert fault.faultCode == 1 and fault.faultString.splitlines()[-1] == (
            "TypeError: cannot marshal None unless allow_none is enabled"
        )
        seen.append(
            odoo.call("res.partner", "read", [partner], ["active"], context={"active_test": False})[0]["active"]
        )
    assert seen == [False, True, False, False, True]


def test_a_company_created_by_name_gets_its_own_company_partner(odoo: Odoo) -> None:
    """``ResCompany.create`` (real 18.0, 2026-12-02: company 3 got partner 8 "C2", is a
    company, with the email given)."""
    company = odoo.call("res.company", "create", {"name": "C2", "email": "c2@example.com"})
    partner = odoo.call("res.company", "read", [company], ["partner_id", "email"])[0]
    assert partner["partner_id"][1] == "C2" and partner["email"] == "c2@example.com"
    assert odoo.call("res.partner", "read", [partner["partner_id"][0]], ["is_company", "email"]) == [
        {"id": partner["partner_id"][0], "is_company": True, "email": "c2@example.com"}
    ]
