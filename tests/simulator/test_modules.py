"""Installing a module whose installation the profile recorded (``sale``), and one it did not.

The expected answers were recorded on 2026-12-02 from real Odoo 16.0 to 19.0, each on a
database made from the fresh install template, by the same calls.
"""

from __future__ import annotations

from pathlib import Path

from tests.support.odoo import Odoo, by_version

#: The installed modules ``sale`` brings or needs, as ``search_read`` ordered by name lists them.
INSTALLED = {
    "16.0": [273, 317, 341, 363, 436, 437],
    "17.0": [315, 368, 394, 418, 526, 527],
    "18.0": [359, 415, 452, 480, 586, 587],
    "19.0": [370, 433, 470, 498, 572, 573],
}
NAMES = ["payment", "product", "sale", "sales_team", "uom", "utm"]


def test_installing_sale_serves_its_models_and_records(fresh_odoo: Odoo) -> None:
    odoo = fresh_odoo
    sale = odoo.call("ir.module.module", "search", [["name", "=", "sale"]])
    assert odoo.call("ir.module.module", "button_immediate_install", sale) == {
        "type": "ir.actions.act_url",
        "target": "self",
        "url": by_version(odoo, {"18.0": "/odoo", "19.0": "/odoo", "*": "/web"}),
    }
    modules = odoo.call(
        "ir.module.module",
        "search_read",
        [["state", "=", "installed"], ["name", "in", [*NAMES, "sale_project", "sale_management"]]],
        fields=["name"],
        order="name",
    )
    assert modules == [{"id": i, "name": name} for i, name in zip(by_version(odoo, INSTALLED), NAMES, strict=True)]
    product = odoo.call("product.product", "create", {"name": "Product invisible", "active": False})
    assert product == 1
    assert odoo.call("product.product", "search", []) == []
    assert odoo.call("product.product", "search", [], context={"active_test": False}) == [product]
    assert odoo.call(
        "product.product",
        "read",
        [product],
        ["name", "display_name", "product_tmpl_id", "active", "uom_id", "list_price", "categ_id", "sale_ok"],
    ) == [
        {
            "id": 1,
            "name": "Product invisible",
            "display_name": "Product invisible",
            "product_tmpl_id": [1, "Product invisible"],
            "active": False,
            "uom_id": [1, "Units"],
            "list_price": 1.0,
            "categ_id": by_version(odoo, {"19.0": False, "*": [1, "All"]}),
            "sale_ok": True,
        }
    ]
    assert odoo.call("sale.order", "search_count", []) == 0
    assert odoo.call("res.users", "read", [2], ["name"]) == [{"id": 2, "name": "Administrator"}]
    again = odoo.call("ir.module.module", "button_immediate_install", sale)
    assert again["type"] == "ir.actions.act_url"


def test_a_module_without_a_recording_is_refused_saying_how_to_record_it(odoo: Odoo) -> None:
    crm = odoo.call("ir.module.module", "search", [["name", "=", "crm"]])
    fault = odoo.fault("ir.module.module", "button_immediate_install", crm)
    assert fault.faultString == (
        f"The odoo-harness simulator of Odoo {odoo.version} has no recording of module(s) "
        "crm: record one with `python -m simulator.profiles.capture --module NAME` "
        "(README: The simulator, Modules)"
    )
    assert odoo.call("ir.module.module", "search_read", [["name", "=", "crm"]], fields=["state"]) == [
        {"id": crm[0], "state": "uninstalled"}
    ]


def test_a_kept_database_stays_installed_when_the_simulator_restarts(tmp_path: Path) -> None:
    """``simulate --data``: the module states in the file decide which recording it serves."""
    from simulator.app import SimulatorApp

    data = tmp_path / "state.sqlite"
    first = SimulatorApp("17.0", data=data)
    services, db = first.services, first.registry.get("odoo")
    sale = services.call(db, 2, "ir.module.module", "search", [[["name", "=", "sale"]]], {})
    services.call(db, 2, "ir.module.module", "button_immediate_install", [sale], {})
    services.call(db, 2, "product.product", "create", [{"name": "Kept"}], {})
    db.store.close()
    again = SimulatorApp("17.0", data=data)
    kept = again.services.call(
        again.registry.get("odoo"), 2, "product.product", "search_read", [[]], {"fields": ["name"]}
    )
    assert kept == [{"id": 1, "name": "Kept"}]
