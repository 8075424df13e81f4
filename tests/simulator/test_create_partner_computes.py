"""A partner's create stores its computed columns as Odoo's steps do, whether the partner is
standalone (no parent, no children: its row is inserted with them) or not (each step writes
them); recorded defaults relative to the day resolve on each create's clock."""

from __future__ import annotations

import datetime as dt

import pytest

from simulator.app import SimulatorApp
from simulator.profile import available_versions
from tests.support.odoo import admin_caller

COMPUTED = ["commercial_partner_id", "email_normalized", "phone_sanitized", "commercial_company_name", "partner_share"]


def _display_column(version: str) -> str:
    return "display_name" if version == "16.0" else "complete_name"


@pytest.mark.parametrize("version", available_versions())
def test_a_standalone_partner_has_its_computed_columns(version: str) -> None:
    call = admin_caller(SimulatorApp(version))
    vals = {"name": "  Spaced Co  ", "email": "Boss <Boss@Example.COM>", "phone": " +32 2 ", "is_company": True}
    partner = call("res.partner", "create", vals)
    fields = [_display_column(version), *COMPUTED]
    [row] = call("res.partner", "read", [partner], fields)
    assert row[_display_column(version)] == "Spaced Co"
    assert row["commercial_partner_id"][0] == partner
    assert (row["email_normalized"], row["phone_sanitized"]) == ("boss@example.com", "+32 2")
    assert (row["commercial_company_name"], row["partner_share"]) == ("  Spaced Co  ", True)
    call("res.partner", "write", [partner], vals)  # a write runs the steps one by one
    assert call("res.partner", "read", [partner], fields) == [row]


def test_a_person_without_email_or_company_has_empty_computes() -> None:
    call = admin_caller(SimulatorApp("17.0"))
    partner = call("res.partner", "create", {"name": "Created", "ref": "NEW"})
    [row] = call("res.partner", "read", [partner], ["complete_name", *COMPUTED])
    assert row == {
        "id": partner,
        "complete_name": "Created",
        "commercial_partner_id": [partner, "Created"],
        "email_normalized": False,
        "phone_sanitized": False,
        "commercial_company_name": False,
        "partner_share": True,
    }


def test_contacts_made_with_their_company_follow_it() -> None:
    """The company is no longer standalone once its ``child_ids`` made contacts: its steps run."""
    call = admin_caller(SimulatorApp("17.0"))
    company = call(
        "res.partner",
        "create",
        {"name": "Acme", "is_company": True, "street": "Main St", "child_ids": [[0, 0, {"name": "Ann"}]]},
    )
    [contact] = call("res.partner", "search", [["parent_id", "=", company]])
    fields = ["complete_name", "commercial_partner_id", "commercial_company_name"]
    [row] = call("res.partner", "read", [contact], fields)
    assert (row["complete_name"], row["commercial_partner_id"][0], row["commercial_company_name"]) == (
        "Acme, Ann",
        company,
        "Acme",
    )
    [own] = call("res.partner", "read", [company], ["complete_name", "commercial_partner_id"])
    assert (own["complete_name"], own["commercial_partner_id"][0]) == ("Acme", company)


def test_a_standalone_partner_row_is_not_written_again() -> None:
    """Its computed columns go into its INSERT: no UPDATE of ``res_partner`` follows (37
    statements a create before, 6 of them such UPDATEs)."""
    app = SimulatorApp("17.0")
    store = app.registry.get("odoo").store
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)
    try:
        admin_caller(app)("res.partner", "create", {"name": "Created", "ref": "NEW"})
    finally:
        store.conn.set_trace_callback(None)
    updates = [s for s in statements if s.startswith("UPDATE") and "res_partner" in s]
    assert updates == []
    assert any(s.startswith('INSERT INTO "res_partner"') and '"complete_name"' in s for s in statements)


def test_day_defaults_resolve_on_each_create() -> None:
    """A recorded default relative to the day (the analytic line's ``date``) is resolved on the
    clock of each create, though the other defaults are converted once."""
    app = SimulatorApp("17.0")
    db = app.registry.get("odoo")
    call = admin_caller(app)
    lines = []
    for day in (dt.datetime(2031, 5, 17, 9), dt.datetime(2032, 1, 3, 9)):
        db.clock = lambda day=day: day
        lines.append(call("account.analytic.line", "create", {"name": "Line", "amount": 1}))
    assert [r["date"] for r in call("account.analytic.line", "read", lines, ["date"])] == ["2031-05-17", "2032-01-03"]
