"""Odoo's External API documentation flow, with plain xmlrpc.client, on every version.

Expected values are what real servers answered (shared/odoo-api-facts.md Part 1 and the
recorded profiles), not what the simulator happens to do.
"""

from __future__ import annotations

import xmlrpc.client

from harness.parity.corpus import load_corpus
from tests.support.odoo import Odoo


def test_connect_version_and_authenticate(odoo: Odoo) -> None:
    common = odoo.common()
    version = common.version()
    assert version["server_version"] == load_corpus(odoo.version)["server_version"]  # the real server's
    assert version["server_version_info"] == [odoo.major, 0, 0, "final", 0, ""]
    assert version["protocol_version"] == 1
    assert common.authenticate("odoo", "admin", "admin", {}) == 2
    assert common.authenticate("odoo", "admin", "wrong", {}) is False
    assert common.login("odoo", "admin", "admin") == 2


def test_access_rights_search_count_read(odoo: Odoo) -> None:
    assert odoo.call("res.partner", "check_access_rights", "read", raise_exception=False) is True
    ids = [odoo.call("res.partner", "create", {"name": f"Doc {i}", "is_company": True, "ref": "DOC"}) for i in range(5)]
    found = odoo.call(
        "res.partner", "search", [["is_company", "=", True], ["ref", "=", "DOC"]], offset=1, limit=2, order="id"
    )
    assert found == ids[1:3]
    assert odoo.call("res.partner", "search_count", [["ref", "=", "DOC"]]) == 5
    [record] = odoo.call("res.partner", "read", [ids[0]], fields=["name", "is_company", "parent_id"])
    assert record == {"id": ids[0], "name": "Doc 0", "is_company": True, "parent_id": False}


def test_fields_get_with_attributes(odoo: Odoo) -> None:
    fields = odoo.call("res.partner", "fields_get", attributes=["string", "help", "type"])
    assert fields["name"]["type"] == "char"
    assert set(fields["name"]) <= {"string", "help", "type"}
    assert fields["parent_id"]["type"] == "many2one"
    assert fields["category_id"]["type"] == "many2many"


def test_search_read_create_write_unlink(odoo: Odoo) -> None:
    parent = odoo.call("res.partner", "create", {"name": "Parent Co", "is_company": True})
    child = odoo.call("res.partner", "create", {"name": "Child", "parent_id": parent})
    rows = odoo.call(
        "res.partner", "search_read", [["id", "in", [parent, child]]], fields=["name", "parent_id"], order="id"
    )
    assert rows == [
        {"id": parent, "name": "Parent Co", "parent_id": False},
        {"id": child, "name": "Child", "parent_id": [parent, "Parent Co"]},
    ]
    assert odoo.call("res.partner", "write", [child], {"name": "Renamed"}) is True
    assert odoo.call("res.partner", "read", [child], fields=["display_name"]) == [
        {"id": child, "display_name": "Parent Co, Renamed"}
    ]
    assert odoo.call("res.partner", "unlink", [child]) is True
    assert odoo.call("res.partner", "read", [child], fields=["name"]) == []
    fault = odoo.fault("res.partner", "write", [child], {"name": "x"})
    assert fault.faultCode == 2
    assert fault.faultString == (
        f"Record does not exist or has been deleted.\n(Record: res.partner({child},), User: 2)"
    )


def test_create_list_returns_ids(odoo: Odoo) -> None:
    ids = odoo.call("res.partner", "create", [{"name": "L1"}, {"name": "L2"}])
    assert isinstance(ids, list) and len(ids) == 2 and ids[1] == ids[0] + 1


def test_name_get_where_the_version_has_it(odoo: Odoo) -> None:
    pid = odoo.call("res.partner", "create", {"name": "Named"})
    if odoo.major < 18:
        assert odoo.call("res.partner", "name_get", [pid]) == [[pid, "Named"]]
    else:
        fault = odoo.fault("res.partner", "name_get", [pid])
        assert fault.faultCode == 1
        assert fault.faultString.endswith("AttributeError: The method 'res.partner.name_get' does not exist\n")


def test_list_models_and_fields(odoo: Odoo) -> None:
    models = odoo.call(
        "ir.model",
        "search_read",
        [["model", "in", ["res.partner", "account.analytic.plan"]]],
        fields=["model", "name"],
        order="model",
    )
    assert [(m["model"], m["name"]) for m in models] == [
        ("account.analytic.plan", "Analytic Plans"),
        ("res.partner", "Contact"),
    ]
    fields = odoo.call(
        "ir.model.fields",
        "search_read",
        [["model", "=", "account.analytic.account"], ["name", "=", "plan_id"]],
        fields=["name", "ttype", "relation", "required"],
    )
    assert [(f["name"], f["ttype"], f["relation"], f["required"]) for f in fields] == [
        ("plan_id", "many2one", "account.analytic.plan", True)
    ]


def test_unknown_database_is_a_postgres_error(odoo: Odoo) -> None:
    try:
        odoo.common().authenticate("no_such_db", "admin", "admin", {})
    except xmlrpc.client.Fault as fault:
        assert fault.faultCode == 1
        assert fault.faultString.rstrip().endswith(
            'psycopg2.OperationalError: connection to server at "127.0.0.1", port 5432 failed: '
            'FATAL:  database "no_such_db" does not exist'
        )
    else:
        raise AssertionError("authenticate on an unknown database must fault")


def test_wrong_password_on_object_is_access_denied(odoo: Odoo) -> None:
    models = odoo.models()
    try:
        models.execute_kw("odoo", 2, "nope", "res.partner", "search", [[]])
    except xmlrpc.client.Fault as fault:
        assert (fault.faultCode, fault.faultString) == (3, "Access Denied")
    else:
        raise AssertionError("a wrong password must fault")
