"""Third-party Odoo client libraries from PyPI, unmodified, against the simulator."""

from __future__ import annotations

import odoolib
import odooly

from tests.conftest import Odoo


def test_odooly_over_jsonrpc(odoo: Odoo) -> None:
    client = odooly.Client(odoo.url + "/jsonrpc", "odoo", "admin", "admin")
    assert client.env.uid == 2
    assert client.version_info == float(odoo.major)
    partner = client.env["res.partner"].create({"name": "Through Odooly", "ref": "ODOOLY"})
    assert partner.name == "Through Odooly"
    assert client.env["res.partner"].search([("ref", "=", "ODOOLY")]).ids == [partner.id]
    partner.write({"city": "Kampala"})
    assert partner.read(["city"])["city"] == "Kampala"


def test_odoo_client_lib_over_xmlrpc(odoo: Odoo) -> None:
    host, port = odoo.url.removeprefix("http://").split(":")
    connection = odoolib.get_connection(hostname=host, port=int(port), protocol="xmlrpc",
                                        database="odoo", login="admin", password="admin")
    accounts = connection.get_model("account.analytic.account")
    plans = connection.get_model("account.analytic.plan")
    plan = plans.create({"name": "Donor budget line"})
    account = accounts.create({"name": "Human resources", "code": "HR", "plan_id": plan})
    [row] = accounts.search_read([("code", "=", "HR")], ["display_name", "plan_id"])
    assert row == {"id": account, "display_name": "[HR] Human resources",
                   "plan_id": [plan, "Donor budget line"]}


def test_odooly_over_web_sessions(odoo: Odoo) -> None:
    client = odooly.Client(odoo.url, "odoo", "admin", "admin")  # /web/session/authenticate + call_kw
    assert client.env.uid == 2
    assert client.env["res.partner"].search([("id", "=", 3)]).ids == [3]
