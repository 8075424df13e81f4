"""Models a fresh database holds and clients touch beyond the integration's own: xml ids,
languages, modules, scheduled actions, actions, attachments and two wizards.

Every expected answer was recorded on 2026-12-02 from real Odoo 16.0, 17.0, 18.0 and 19.0,
each on a database made from the fresh install template (the same calls, XML-RPC, as admin).
"""

from __future__ import annotations

import base64

from tests.support.odoo import Odoo, by_version


def test_xml_ids_resolve_as_odoorpc_env_ref_asks(odoo: Odoo) -> None:
    """OdooRPC's ``env.ref`` is ``check_object_reference``; odooly's is a search_read."""
    assert odoo.call("ir.model.data", "check_object_reference", "base", "main_company", True) == ["res.company", 1]
    assert odoo.call("ir.model.data", "check_object_reference", "base", "user_root") == ["res.users", False]
    archived = odoo.fault("ir.model.data", "check_object_reference", "base", "user_root", True)
    assert (archived.faultCode, archived.faultString.strip().splitlines()[-1]) == by_version(
        odoo,
        {
            "16.0": (4, "Not enough access rights on the external ID: base.user_root"),
            "17.0": (1, "TypeError: not all arguments converted during string formatting"),  # 17's own bug
            "*": (4, 'Not enough access rights on the external ID "base.user_root"'),
        },
    )
    missing = odoo.fault("ir.model.data", "check_object_reference", "base", "no_such_thing", True)
    assert (
        missing.faultString.strip().splitlines()[-1] == "ValueError: External ID not found in the system: "
        "base.no_such_thing"
    )
    [row] = odoo.call(
        "ir.model.data",
        "search_read",
        [["module", "=", "base"], ["name", "=", "lang_en"]],
        fields=["model", "res_id", "complete_name", "noupdate"],
    )
    assert row == {
        "id": by_version(odoo, {"16.0": 2336, "17.0": 2447, "18.0": 3201, "19.0": 3349}),
        "model": "res.lang",
        "res_id": 1,
        "complete_name": "base.lang_en",
        "noupdate": False,
    }
    assert odoo.call("ir.model.data", "search_count", [["module", "=", "base"]]) == by_version(
        odoo, {"16.0": 5090, "17.0": 5299, "18.0": 6089, "19.0": 6449}
    )


def test_languages_installed_and_available(odoo: Odoo) -> None:
    fields = ["name", "code", "active", "direction", "date_format", "iso_code"]
    assert odoo.call("res.lang", "search_read", [["code", "=", "en_US"]], fields=fields) == [
        {
            "id": 1,
            "name": "English (US)",
            "code": "en_US",
            "active": True,
            "direction": "ltr",
            "date_format": "%m/%d/%Y",
            "iso_code": "en",
        }
    ]
    assert odoo.call("res.lang", "search_count", []) == 1
    assert odoo.call("res.lang", "search", [["code", "=", "fr_FR"]], context={"active_test": False}) == [
        by_version(odoo, {"16.0": 28, "17.0": 29, "*": 30})
    ]
    assert odoo.call("base.language.install", "default_get", ["lang_ids", "overwrite"]) == {
        "lang_ids": [[6, 0, []]],
        "overwrite": True,
    }


def test_modules_installed_and_installable(odoo: Odoo) -> None:
    rows = odoo.call(
        "ir.module.module",
        "search_read",
        [["name", "in", ["base", "sale", "project", "account"]]],
        fields=["name", "state", "shortdesc", "application"],
        order="name",
    )
    ids = by_version(
        odoo,
        {"16.0": [1, 30, 323, 341], "17.0": [1, 31, 374, 394], "18.0": [1, 31, 421, 452], "19.0": [1, 34, 438, 470]},
    )
    assert rows == [
        {"id": ids[0], "name": "account", "state": "installed", "shortdesc": "Invoicing", "application": True},
        {"id": ids[1], "name": "base", "state": "installed", "shortdesc": "Base", "application": False},
        {"id": ids[2], "name": "project", "state": "installed", "shortdesc": "Project", "application": True},
        {"id": ids[3], "name": "sale", "state": "uninstalled", "shortdesc": "Sales", "application": False},
    ]
    assert odoo.call("ir.module.module", "search_count", [["state", "=", "installed"]]) == by_version(
        odoo, {"16.0": 47, "17.0": 48, "18.0": 49, "19.0": 54}
    )


def test_scheduled_actions_read_through_their_server_action(odoo: Odoo) -> None:
    """ir.cron ``_inherits`` ir.actions.server: its name and model live there."""
    assert odoo.call("ir.cron", "search_count", []) == by_version(
        odoo, {"16.0": 14, "17.0": 17, "18.0": 18, "19.0": 16}
    )
    rows = odoo.call(
        "ir.cron", "search_read", [], fields=["name", "active", "interval_type", "model_id"], order="id", limit=2
    )
    vacuum = by_version(odoo, {"16.0": 38, "17.0": 38, "18.0": 40, "19.0": 41})
    second = by_version(
        odoo,
        {
            "16.0": (2, "Mail: Email Queue Manager", "hours", [172, "Outgoing Mails"]),
            "17.0": (2, "Base: Portal Users Deletion", "days", [106, "Users Deletion Request"]),
            "18.0": (2, "Base: Portal Users Deletion", "days", [107, "Users Deletion Request"]),
            "19.0": (2, "Base: Portal Users Deletion", "days", [111, "Users Deletion Request"]),
        },
    )
    assert rows == [
        {
            "id": 1,
            "name": "Base: Auto-vacuum internal data",
            "active": True,
            "interval_type": "days",
            "model_id": [vacuum, "Automatic Vacuum"],
        },
        {"id": second[0], "name": second[1], "active": True, "interval_type": second[2], "model_id": second[3]},
    ]


def test_actions_of_every_kind_share_one_numbering(odoo: Odoo) -> None:
    assert odoo.call("ir.actions.actions", "read", [1], ["name", "type"]) == [
        {"id": 1, "name": "Load demo data", "type": "ir.actions.act_window"}
    ]
    [first, _second] = odoo.call(
        "ir.actions.act_window",
        "search_read",
        [["res_model", "=", "res.partner"]],
        fields=["name", "view_mode"],
        order="id",
        limit=2,
    )
    assert first == {
        "id": by_version(odoo, {"16.0": 56, "17.0": 55, "18.0": 56, "19.0": 55}),
        "name": "Customers",
        "view_mode": by_version(
            odoo,
            {
                "18.0": "kanban,list,form,activity",
                "19.0": "list,kanban,form,activity",
                "*": "kanban,tree,form,activity",
            },
        ),
    }
    [invoice, *_] = odoo.call(
        "ir.actions.report",
        "search_read",
        [["model", "=", "account.move"]],
        fields=["name", "report_name", "report_type"],
        order="id",
        limit=3,
    )
    assert invoice == {
        "id": by_version(odoo, {"16.0": 203, "17.0": 212, "18.0": 221, "19.0": 219}),
        "name": by_version(odoo, {"16.0": "Invoices", "17.0": "Invoices", "*": "Invoice PDF"}),
        "report_name": "account.report_invoice_with_payments",
        "report_type": "qweb-pdf",
    }


def test_an_attachment_keeps_its_file_under_its_checksum(odoo: Odoo) -> None:
    content = b"hello world\n"
    new = odoo.call("ir.attachment", "create", {"name": "TEST.txt", "datas": base64.b64encode(content).decode()})
    assert new == by_version(odoo, {"16.0": 100, "17.0": 447, "18.0": 470, "19.0": 493})
    fields = [
        "name",
        "mimetype",
        "file_size",
        "checksum",
        "type",
        "datas",
        "res_model",
        "res_id",
        "public",
        "store_fname",
    ]
    assert odoo.call("ir.attachment", "read", [new], fields) == [
        {
            "id": new,
            "name": "TEST.txt",
            "mimetype": "text/plain",
            "file_size": 12,
            "checksum": "22596363b3de40b06f981fb85d82312e8c0ed511",
            "type": "binary",
            "datas": "aGVsbG8gd29ybGQK",
            "res_model": False,
            "res_id": 0,
            "public": False,
            "store_fname": "22/22596363b3de40b06f981fb85d82312e8c0ed511",
        }
    ]


def test_the_api_key_wizard_is_a_transient_record(odoo: Odoo) -> None:
    assert odoo.call("res.users.apikeys.description", "default_get", ["name"]) == {}
    new = odoo.call("res.users.apikeys.description", "create", {"name": "TEST"})
    assert odoo.call("res.users.apikeys.description", "read", [new], ["name", "display_name"]) == [
        {"id": 1, "name": "TEST", "display_name": "TEST"}
    ]


def test_a_search_lists_the_menus_the_user_may_open(fresh_odoo: Odoo) -> None:
    """16-18 filter ir.ui.menu searches to the menus the admin's groups and rights open (the
    technical ones aside); ``ir.ui.menu.full_list`` lists every one, as 19.0 always does."""
    odoo = fresh_odoo
    assert odoo.call("ir.ui.menu", "search_count", []) == by_version(
        odoo, {"16.0": 126, "17.0": 137, "18.0": 141, "19.0": 205}
    )
    assert odoo.call("ir.ui.menu", "search_count", [], context={"ir.ui.menu.full_list": True}) == by_version(
        odoo, {"16.0": 187, "17.0": 194, "18.0": 198, "19.0": 205}
    )
    assert odoo.call("ir.ui.menu", "read", [4], ["display_name"]) == [
        {"id": 4, "display_name": by_version(odoo, {"16.0": "Settings", "*": "Settings/Translations"})}
    ]
    action = odoo.call("ir.model.data", "check_object_reference", "base", "action_partner_form")
    new = odoo.call("ir.ui.menu", "create", {"name": "ODOORPC TEST", "action": f"{action[0]},{action[1]}"})
    assert odoo.call("ir.ui.menu", "read", [new], ["action", "display_name", "parent_id", "sequence"]) == [
        {
            "id": by_version(odoo, {"16.0": 189, "17.0": 196, "18.0": 200, "19.0": 207}),
            "action": f"ir.actions.act_window,{by_version(odoo, {'17.0': 55, '19.0': 55, '*': 56})}",
            "display_name": "ODOORPC TEST",
            "parent_id": False,
            "sequence": 10,
        }
    ]
    assert odoo.call("ir.ui.menu", "search_count", []) == by_version(
        odoo, {"16.0": 127, "17.0": 138, "18.0": 142, "19.0": 206}
    )


def test_country_states_are_served(odoo: Odoo) -> None:
    assert odoo.call(
        "res.country.state",
        "search_read",
        [["code", "=", "CA"], ["country_id.code", "=", "US"]],
        fields=["name", "code", "country_id"],
    ) == [{"id": 13, "name": "California", "code": "CA", "country_id": [233, "United States"]}]
    assert odoo.call("res.country.state", "search_count", []) == by_version(
        odoo, {"16.0": 1667, "17.0": 1748, "18.0": 1776, "19.0": 1977}
    )


def test_a_string_id_meets_postgresql_in_the_message_count_first(odoo: Odoo) -> None:
    """``has_message`` queries PostgreSQL with the ids as given: read before any stored field, a
    string id faults there (16 refuses the string id itself first); after one, no record is found."""
    first = odoo.fault("res.partner", "read", ["1"], ["has_message", "name"])
    assert first.faultString.strip().splitlines()[-1] == by_version(
        odoo,
        {
            "16.0": "Database fetch misses ids (('1',)) and has extra ids ((1,)), may be caused by a type "
            "incoherence in a previous request",
            "*": "HINT:  No operator matches the given name and argument types. You might need to add explicit "
            "type casts.",
        },
    )
    if odoo.version != "16.0":
        assert odoo.call("res.partner", "read", ["1"], ["name", "has_message"]) == []
