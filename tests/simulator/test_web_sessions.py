"""The web client's JSON routes, with the per-version answers real servers gave."""

from __future__ import annotations

from tests.support.odoo import Odoo
from tests.support.web import WebClient


def test_login_call_kw_and_logout(odoo: Odoo) -> None:
    web = WebClient(odoo.url)
    denied = web.post("/web/session/authenticate", {"db": "odoo", "login": "admin", "password": "bad"})
    assert denied["error"]["data"]["name"] == "odoo.exceptions.AccessDenied"
    info = web.post("/web/session/authenticate", {"db": "odoo", "login": "admin", "password": "admin"})
    assert info["result"]["uid"] == 2 and info["result"]["user_context"]["lang"] == "en_US"
    call = {"model": "res.partner", "method": "search_count", "args": [[]], "kwargs": {}}
    assert web.post("/web/dataset/call_kw", call) == {"jsonrpc": "2.0", "id": 3, "result": 2}
    unknown = web.post("/web/dataset/call_kw", {**call, "model": "foo.bar"})["error"]
    if odoo.major >= 18:
        assert (unknown["code"], unknown["message"], unknown["data"]["name"]) == (
            404,
            "404: Not Found",
            "werkzeug.exceptions.NotFound",
        )
    else:
        assert (unknown["code"], unknown["data"]["name"], unknown["data"]["message"]) == (
            200,
            "builtins.KeyError",
            "foo.bar",
        )
    assert web.post("/web/session/destroy", {}) == {"jsonrpc": "2.0", "id": 3}
    expired = web.post("/web/dataset/call_kw", call)
    assert expired["id"] is None and expired["error"]["code"] == 100
    assert expired["error"]["data"]["name"] == "odoo.http.SessionExpiredException"
