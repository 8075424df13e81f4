"""A create's x2many commands on its own new record: nothing links to a new id yet, so a clear
(``(5,)``, or the ``(6, 0, ids)`` a default sets) deletes nothing and is not sent to SQLite."""

from __future__ import annotations

from simulator.app import SimulatorApp
from tests.support.odoo import admin_caller


def test_a_create_clears_no_links_and_still_links_what_it_is_given() -> None:
    app = SimulatorApp("17.0")

    call = admin_caller(app)
    tags = [call("res.partner.category", "create", {"name": f"Tag {n}"}) for n in range(2)]
    statements: list[str] = []
    store = app.registry.get("odoo").store
    store.conn.set_trace_callback(statements.append)
    try:
        plain = call("res.partner", "create", {"name": "Plain"})
        tagged = call("res.partner", "create", {"name": "Tagged", "category_id": [[5, 0, 0], [6, 0, tags]]})
        linked = call("res.partner", "create", {"name": "Linked", "category_id": [[4, tags[1], 0]]})
    finally:
        store.conn.set_trace_callback(None)
    assert [s for s in statements if s.startswith("DELETE")] == []
    read = call("res.partner", "read", [plain, tagged, linked], ["category_id"])
    assert [row["category_id"] for row in read] == [[], tags, [tags[1]]]
    # a write still replaces what a record had
    call("res.partner", "write", [tagged], {"category_id": [[6, 0, [tags[0]]]]})
    assert call("res.partner", "read", [tagged], ["category_id"])[0]["category_id"] == [tags[0]]
