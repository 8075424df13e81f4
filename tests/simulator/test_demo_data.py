"""Databases created with demo data (``db.create_database(..., demo=True, ...)``), as OdooRPC's
own test suite creates its database, and the ``sale`` module installed over it.

The expected answers were recorded on 2026-12-02 from real Odoo 16.0 to 19.0: each a database
created through the db service with demo data, the modules of the recorded fresh database
installed (``simulator.profiles.capture.create_demo_database``), then the same calls as here.
"""

from __future__ import annotations

import xmlrpc.client

import pytest

from simulator.profile import REMOVED, module_recording
from tests.support.odoo import Odoo, db_proxy

USERS = ["__system__", "admin", "default", "public", "portaltemplate", "demo", "portal"]
#: version -> what its demo database answered: base.rateUSD's ir.model.data id, that rate's ``rate``,
#: USD's id, the ir.module.module ids of account, base and project, the number of partners, the users'
#: logins, the first demo sale order's customer and total, the number of products with sale installed
RECORDED = {
    "16.0": {
        "xmlid": 5161,
        "rate": 1.2834,
        "usd": 2,
        "modules": (1, 30, 323),
        "partners": 36,
        "users": USERS,
        "order": ([10, "Deco Addict"], 1740.0),
        "products": 34,
    },
    "17.0": {
        "xmlid": 5369,
        "rate": 1.0,
        "usd": 1,
        "modules": (1, 31, 374),
        "partners": 36,
        "users": USERS,
        "order": ([10, "Deco Addict"], 2001.0),
        "products": 34,
    },
    "18.0": {
        "xmlid": 6161,
        "rate": 1.0,
        "usd": 1,
        "modules": (1, 31, 421),
        "partners": 37,
        "users": USERS,
        "order": ([10, "Deco Addict"], 1740.0),
        "products": 42,
    },
    "19.0": {
        "xmlid": 6508,
        "rate": 1.0,
        "usd": 1,
        "modules": (1, 34, 438),
        "partners": 39,
        "users": [login for login in USERS if login != "default"],  # 19 has no default user template
        "order": ([9, "Acme Corporation"], 1740.0),
        "products": 46,
    },
}


def _demo_db(odoo: Odoo, name: str, demo: bool = True) -> Odoo:
    assert db_proxy(odoo).create_database("admin", name, demo, "en_US", "admin", "admin") is True
    return Odoo(odoo.server, db=name)


@pytest.fixture(params=sorted(RECORDED))
def demo_odoo(request: pytest.FixtureRequest) -> Odoo:
    from simulator.app import SimulatorApp
    from simulator.server import SimServer

    with SimServer(SimulatorApp(request.param)) as server:
        yield _demo_db(Odoo(server), "hx_demo")


def test_a_database_created_with_demo_data_holds_the_recorded_demo_records(demo_odoo: Odoo) -> None:
    odoo, recorded = demo_odoo, RECORDED[demo_odoo.version]
    assert odoo.call(
        "ir.model.data", "search_read", [["module", "=", "base"], ["name", "=", "rateUSD"]], fields=["model", "res_id"]
    ) == [{"id": recorded["xmlid"], "model": "res.currency.rate", "res_id": 1}]
    assert odoo.call(
        "res.currency.rate", "read", [1], ["name", "rate", "currency_id", "company_id", "display_name"]
    ) == [
        {
            "id": 1,
            "name": "2010-01-01",
            "rate": recorded["rate"],
            "currency_id": [recorded["usd"], "USD"],
            "company_id": [1, "YourCompany"],
            "display_name": "2010-01-01",
        }
    ]
    assert odoo.call("res.currency.rate", "write", [1], {"name": "2012-01-01"}) is True
    assert odoo.call("res.currency.rate", "read", [1], ["name"]) == [{"id": 1, "name": "2012-01-01"}]
    assert odoo.call("res.partner", "search_count", []) == recorded["partners"]
    assert [
        u["login"]
        for u in odoo.call("res.users", "search_read", [], fields=["login"], order="id", context={"active_test": False})
    ] == recorded["users"]
    account, base, project = recorded["modules"]
    assert odoo.call(
        "ir.module.module",
        "search_read",
        [["name", "in", ["base", "account", "project"]]],
        fields=["name", "demo"],
        order="name",
    ) == [
        {"id": account, "name": "account", "demo": True},
        {"id": base, "name": "base", "demo": True},
        {"id": project, "name": "project", "demo": True},
    ]


def test_sale_installed_over_demo_data_brings_its_demo_orders(demo_odoo: Odoo) -> None:
    odoo = demo_odoo
    customer, amount = RECORDED[odoo.version]["order"]
    odoo.call(
        "ir.module.module", "button_immediate_install", odoo.call("ir.module.module", "search", [["name", "=", "sale"]])
    )
    assert odoo.call("sale.order", "search_count", []) == 20
    assert odoo.call(
        "sale.order", "search_read", [], fields=["name", "partner_id", "state", "amount_total"], order="id", limit=1
    ) == [{"id": 1, "name": "S00001", "partner_id": customer, "state": "draft", "amount_total": amount}]
    assert odoo.call("product.product", "search_count", []) == RECORDED[odoo.version]["products"]
    gone = module_recording(odoo.version, "sale", demo=True)["seed"].get(REMOVED, {})  # 16.0: a demo message
    for model, ids in gone.items():
        assert odoo.call(model, "search", [["id", "in", ids]], context={"active_test": False}) == []


def test_a_copy_of_a_demo_database_keeps_its_demo_data_and_a_plain_one_has_none(demo_odoo: Odoo) -> None:
    db = db_proxy(demo_odoo)
    assert db.duplicate_database("admin", "hx_demo", "hx_demo_copy") is True
    copy = Odoo(demo_odoo.server, db="hx_demo_copy")
    sale = copy.call("ir.module.module", "search", [["name", "=", "sale"]])
    copy.call("ir.module.module", "button_immediate_install", sale)
    assert copy.call("sale.order", "search_count", []) == 20  # the demo orders: the copy is a demo database
    plain = _demo_db(demo_odoo, "hx_plain", demo=False)
    assert plain.call("res.currency.rate", "search_count", []) == 0
    with pytest.raises(xmlrpc.client.Fault, match=r"External ID not found in the system: base\.rateUSD"):
        plain.call("ir.model.data", "check_object_reference", "base", "rateUSD")
