"""The record methods third-party clients call (OdooRPC, odooly, ERPpeek, odoo-client-lib).

Every expected answer is what real Odoo 16.0, 17.0, 18.0 and 19.0 answered on 2026-12-02 to the
same calls on a fresh database cloned from the install template (``real-odoo.sh fresh V hxm``).
"""

from __future__ import annotations

import re

from tests.support.odoo import Odoo, answer, by_version

EXPORT_ID = re.compile(r"__export__\.res_partner_category_(\d+)_[0-9a-f]{8}")


def test_metadata_names_creators_and_xml_ids(odoo: Odoo) -> None:
    rows = odoo.call("res.partner", "get_metadata", [3, 99999])
    assert [{k: v for k, v in row.items() if k not in ("create_date", "write_date", "write_uid")} for row in rows] == [
        {
            "id": 3,
            "create_uid": [1, "OdooBot"],
            "xmlid": "base.partner_admin",
            "noupdate": True,
            "xmlids": [{"xmlid": "base.partner_admin", "noupdate": True}],
        }
    ]
    tag = odoo.call("res.partner.category", "create", {"name": "Meta"})
    [meta] = odoo.call("res.partner.category", "get_metadata", [tag])
    assert meta["create_uid"] == [2, "Administrator"] and meta["create_date"] == meta["write_date"]
    assert (meta["xmlid"], meta["noupdate"], meta["xmlids"]) == (False, False, [])


def test_external_ids_are_keyed_by_int_which_xml_rpc_cannot_marshal(odoo: Odoo) -> None:
    assert answer(odoo, "res.partner", "get_external_id", [1, 3]) == (1, "TypeError: dictionary key must be string")
    assert odoo.call("res.partner", "get_external_id", []) == {}
    assert answer(odoo, "res.partner", "get_xml_id", [1]) == by_version(
        odoo,
        {
            "16.0": (1, "TypeError: dictionary key must be string"),
            "17.0": (1, "AttributeError: The method 'get_xml_id' does not exist on the model 'res.partner'"),
            "*": (1, "AttributeError: The method 'res.partner.get_xml_id' does not exist"),
        },
    )


def test_export_data_makes_up_export_ids_and_follows_paths(odoo: Odoo) -> None:
    parent = odoo.call("res.partner.category", "create", {"name": "Export Parent"})
    tag = odoo.call("res.partner.category", "create", {"name": "Export Child", "parent_id": parent, "color": 3})
    datas = odoo.call(
        "res.partner.category",
        "export_data",
        [tag, parent],
        ["id", "name", "parent_id", "parent_id/id", "active", "color", ".id", "parent_id/.id"],
    )["datas"]
    child_xid, parent_xid = datas[0][0], datas[1][0]
    assert EXPORT_ID.fullmatch(child_xid).group(1) == str(tag)
    assert EXPORT_ID.fullmatch(parent_xid).group(1) == str(parent)
    color = datas[1][5]
    assert datas == [
        [child_xid, "Export Child", "Export Parent", parent_xid, True, 3, str(tag), str(parent)],
        [parent_xid, "Export Parent", "", "", True, color, str(parent), ""],
    ]
    [meta] = odoo.call("res.partner.category", "get_metadata", [tag])
    assert meta["xmlids"] == [{"xmlid": child_xid, "noupdate": False}]
    company = odoo.call(
        "res.partner",
        "create",
        {"name": "Exp Co", "is_company": True, "country_id": 21, "category_id": [[6, 0, [tag, parent]]]},
    )
    red = odoo.call("res.partner.category", "create", {"name": "Red"})
    blue = odoo.call("res.partner.category", "create", {"name": "Blue"})
    tagged = odoo.call("res.partner", "create", {"name": "Tag Co", "category_id": [[6, 0, [red, blue]]]})
    odoo.call("res.partner", "create", {"name": "Kid One", "parent_id": company, "type": "invoice"})
    odoo.call("res.partner", "create", {"name": "Kid Two", "parent_id": company})
    assert odoo.call(
        "res.partner",
        "export_data",
        [company],
        [
            "name",
            "country_id",
            "category_id",
            "category_id/id",
            "is_company",
            "type",
            "child_ids/name",
            "child_ids/type",
            "partner_latitude",
            "color",
            "comment",
            "country_id/code",
            "lang",
        ],
    )["datas"] == [
        [
            "Exp Co",
            "Burkina Faso",
            "",
            f"{child_xid},{parent_xid}",
            True,
            "Contact",
            "Kid One",
            by_version(odoo, {"19.0": "Invoice", "*": "Invoice Address"}),
            0.0,
            0,
            "",
            "BF",
            by_version(odoo, {"19.0": "English (US)", "*": "en_US"}),
        ],
        ["", "", "", "", "", "", "Kid Two", "Contact", "", "", "", "", ""],
    ]
    assert odoo.call("res.partner", "export_data", [company], ["country_id:id"])["datas"] == [["base.bf"]]
    assert odoo.call("res.partner", "export_data", [tagged], ["category_id/name", "category_id", "name"])["datas"] == [
        ["Blue,Red", "", "Tag Co"]
    ]
    assert odoo.call(
        "res.partner", "export_data", [company], ["name", "child_ids", "type"], context={"import_compat": False}
    )["datas"] == [["Exp Co", "Exp Co, Kid One", "Contact"], ["", "Exp Co, Kid Two", ""]]
    assert odoo.call("res.partner", "export_data", [tagged], ["name", "category_id"], context={"import_compat": False})[
        "datas"
    ] == [["Tag Co", "Blue"], ["", "Red"]]
    assert odoo.call("res.company", "export_data", [1], ["id", "name", "currency_id/id"])["datas"] == [
        ["base.main_company", "My Company", by_version(odoo, {"16.0": "base.EUR", "*": "base.USD"})]
    ]


def test_export_data_refuses_what_odoo_refuses(odoo: Odoo) -> None:
    assert odoo.call("res.partner", "export_data", [], ["name"]) == {"datas": []}
    assert answer(odoo, "res.partner", "export_data", [99999], ["name"]) == (
        2,
        "Record does not exist or has been deleted.\n(Record: res.partner(99999,), User: 2)",
    )
    assert answer(odoo, "res.partner", "export_data", [1], ["nope"]) == by_version(
        odoo,
        {
            "16.0": (1, "KeyError: 'nope'"),
            "17.0": (1, "KeyError: 'nope'"),
            "18.0": (1, "ValueError: Invalid field 'nope' on model 'res.partner'"),
            "19.0": (1, "ValueError: Invalid field 'nope' on 'res.partner'"),
        },
    )
    assert answer(odoo, "res.company", "export_data", [1], ["currency_id/nope"]) == by_version(
        odoo,
        {
            "16.0": (1, "KeyError: 'nope'"),
            "17.0": (1, "KeyError: 'nope'"),
            "18.0": (1, "ValueError: Invalid field 'nope' on model 'res.currency'"),
            "19.0": (1, "ValueError: Invalid field 'nope' on 'res.currency'"),
        },
    )


def test_web_search_read_takes_a_specification_from_17(odoo: Odoo) -> None:
    parent = odoo.call("res.partner.category", "create", {"name": "Export Parent"})
    tag = odoo.call("res.partner.category", "create", {"name": "Export Child", "parent_id": parent})
    if odoo.major == 16:
        assert odoo.call("res.partner.category", "web_search_read", [], ["name", "parent_id"], limit=1) == {
            "length": 2,
            "records": [{"id": tag, "name": "Export Child", "parent_id": [parent, "Export Parent"]}],
        }
        assert odoo.call("res.partner.category", "web_search_read", [("id", "<", 0)], ["nope"]) == {
            "length": 0,
            "records": [],
        }
        assert answer(odoo, "res.partner", "web_read", [1], {"name": {}}) == (
            1,
            "AttributeError: The method 'web_read' does not exist on the model 'res.partner'",
        )
        return
    spec = {"name": {}, "parent_id": {"fields": {"display_name": {}}}}
    assert odoo.call("res.partner.category", "web_search_read", [], spec, limit=1) == {
        "length": 2,
        "records": [{"id": tag, "name": "Export Child", "parent_id": {"id": parent, "display_name": "Export Parent"}}],
    }
    spec = {"name": {}, "parent_id": {}, "child_ids": {"fields": {"name": {}}}}
    assert odoo.call("res.partner.category", "web_search_read", [], spec) == {
        "length": 2,
        "records": [
            {"id": tag, "name": "Export Child", "parent_id": parent, "child_ids": []},
            {
                "id": parent,
                "name": "Export Parent",
                "parent_id": False,
                "child_ids": [{"id": tag, "name": "Export Child"}],
            },
        ],
    }
    assert odoo.call("res.partner.category", "web_search_read", [], {}) == {
        "length": 2,
        "records": [{"id": tag}, {"id": parent}],
    }
    assert answer(odoo, "res.partner.category", "web_search_read", [("id", "<", 0)], {"nope": {}}) == by_version(
        odoo,
        {
            "19.0": (1, "ValueError: Invalid field 'nope' on 'res.partner.category'"),
            "*": (1, "ValueError: Invalid field 'nope' on model 'res.partner.category'"),
        },
    )
    assert odoo.call(
        "res.country", "web_search_read", [("code", "in", ["BE", "FR", "DE"])], {"code": {}}, limit=2, count_limit=10
    ) == {"length": 3, "records": [{"id": 20, "code": "BE"}, {"id": 75, "code": "FR"}]}


def test_web_read_follows_the_specification(odoo: Odoo) -> None:
    if odoo.major == 16:
        return
    assert odoo.call("res.partner", "web_read", [3, 99999], {}) == [{"id": 3}, {"id": 99999}]
    assert odoo.call("res.partner", "web_read", [1, 99999], {"name": {}}) == [{"id": 1, "name": "My Company"}]
    assert odoo.call(
        "res.partner", "web_read", [1, 3], {"name": {}, "country_id": {}, "category_id": {}, "display_name": {}}
    ) == [
        {"id": 1, "name": "My Company", "country_id": 233, "category_id": [], "display_name": "My Company"},
        {"id": 3, "name": "Administrator", "country_id": False, "category_id": [], "display_name": "Administrator"},
    ]
    assert answer(odoo, "res.partner", "web_read", [1, 99999], {"country_id": {"fields": {"code": {}}}}) == (
        2,
        "Record does not exist or has been deleted.\n(Record: res.partner(99999,), User: 2)",
    )
    red = odoo.call("res.partner.category", "create", {"name": "Red"})
    alpha = odoo.call("res.partner.category", "create", {"name": "Alpha", "parent_id": red})
    zulu = odoo.call("res.partner.category", "create", {"name": "Zulu", "parent_id": red})
    assert odoo.call(
        "res.partner.category",
        "web_read",
        [red],
        {"child_ids": {"order": "name desc", "fields": {"name": {}}, "limit": 1}},
    ) == [{"id": red, "child_ids": [{"id": zulu, "name": "Zulu"}, {"id": alpha}]}]
    assert odoo.call("res.partner.category", "web_read", [red], {"child_ids": {"fields": {"name": {}}}}) == [
        {"id": red, "child_ids": [{"id": alpha, "name": "Alpha"}, {"id": zulu, "name": "Zulu"}]}
    ]


def test_onchange_of_a_new_record_answers_its_defaults(odoo: Odoo) -> None:
    if odoo.major == 16:
        fields = {"name": "", "code": "", "currency_id": "", "address_format": "", "phone_code": "", "state_ids": ""}
        assert odoo.call("res.country", "onchange", [], {}, [], fields) == {
            "value": {
                "name": False,
                "code": False,
                "currency_id": False,
                "phone_code": 0,
                "state_ids": [[5, 0, 0]],
                "address_format": "%(street)s\n%(street2)s\n%(city)s %(state_code)s %(zip)s\n%(country_name)s",
            }
        }
        assert odoo.call(
            "res.country",
            "onchange",
            [],
            {"name": "Zed", "code": "ZZ"},
            [],
            {"name": "", "code": "", "display_name": ""},
        ) == {"value": {"name": "Zed", "code": "ZZ", "display_name": "Zed"}}
        return
    spec = {
        "name": {},
        "color": {},
        "active": {},
        "parent_id": {"fields": {"display_name": {}}},
        "child_ids": {},
        "display_name": {},
        "partner_ids": {},
    }
    value = odoo.call("res.partner.category", "onchange", [], {}, [], spec)["value"]
    assert 1 <= value.pop("color") <= 11  # a random default
    assert value == {"name": False, "active": True, "parent_id": False, "display_name": ""}
    assert odoo.call("res.partner.category", "onchange", [], {"name": "X"}, ["name"], spec) == {
        "value": {"display_name": "X"}
    }
    assert odoo.call(
        "res.country",
        "onchange",
        [],
        {},
        [],
        {
            "name": {},
            "code": {},
            "currency_id": {"fields": {"display_name": {}}},
            "address_format": {},
            "phone_code": {},
            "state_ids": {},
        },
    ) == {
        "value": {
            "name": False,
            "code": False,
            "currency_id": False,
            "phone_code": 0,
            "address_format": "%(street)s\n%(street2)s\n%(city)s %(state_code)s %(zip)s\n%(country_name)s",
        }
    }
    assert odoo.call("res.country", "onchange", [], {}, ["nope"], {"name": {}}) == {}
    assert answer(odoo, "res.country", "onchange", [], {}, [], {"nope": {}}) == (1, "KeyError: 'nope'")
    assert odoo.call(
        "res.country", "onchange", [], {"name": "Zed", "code": "ZZ"}, [], {"name": {}, "code": {}, "display_name": {}}
    ) == {"value": {"name": "Zed", "code": "ZZ", "display_name": "Zed"}}


def test_views_are_not_served_but_said_so(odoo: Odoo) -> None:
    """``get_views`` (16: also ``fields_view_get``, ``load_views``) would answer ir.ui.view archs,
    which the simulator does not hold: a UserError says so."""
    fault = odoo.fault("res.partner.category", "get_views", [[False, "form"]])
    assert (fault.faultCode, fault.faultString) == (
        2,
        (
            f"res.partner.category.get_views exists in Odoo {odoo.version} but the odoo-harness simulator does not "
            "serve views (README: The simulator, ORM methods)"
        ),
    )
