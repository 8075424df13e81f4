"""The web client's JSON routes, with the per-version answers real servers gave."""

from __future__ import annotations

import http.client
import json

from tests.conftest import Odoo


class WebClient:
    def __init__(self, url: str) -> None:
        host, port = url.removeprefix("http://").split(":")
        self.connection = http.client.HTTPConnection(host, int(port))
        self.cookie = ""

    def post(self, path: str, params: dict) -> dict:
        headers = {"Content-Type": "application/json", **({"Cookie": self.cookie} if self.cookie else {})}
        payload = {"jsonrpc": "2.0", "method": "call", "params": params, "id": 3}
        self.connection.request("POST", path, json.dumps(payload), headers)
        response = self.connection.getresponse()
        assert response.status == 200
        assert response.getheader("Content-Type") == "application/json; charset=utf-8"
        cookie = response.getheader("Set-Cookie")
        if cookie:
            self.cookie = cookie.split(";")[0]
        return json.loads(response.read())


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
            404, "404: Not Found", "werkzeug.exceptions.NotFound")
    else:
        assert (unknown["code"], unknown["data"]["name"], unknown["data"]["message"]) == (
            200, "builtins.KeyError", "foo.bar")
    assert web.post("/web/session/destroy", {}) == {"jsonrpc": "2.0", "id": 3}
    expired = web.post("/web/dataset/call_kw", call)
    assert expired["id"] is None and expired["error"]["code"] == 100
    assert expired["error"]["data"]["name"] == "odoo.http.SessionExpiredException"
