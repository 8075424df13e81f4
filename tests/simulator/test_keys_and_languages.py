"""API keys made through the web client's identity check, and installed languages.

The flows are OCA/odoorpc's own (``test_login_with_api_key``, ``test_record_with_context``);
every expected answer was recorded on 2026-12-02 from real Odoo 16.0 to 19.0 on a database
made from the fresh install template.
"""

from __future__ import annotations

import json
import urllib.request
import xmlrpc.client
from http.cookiejar import CookieJar
from typing import Any

from tests.support.odoo import Odoo, by_version

CONTEXT = {"lang": "en_US", "tz": "Europe/Brussels", "uid": 2}


class WebSession:
    """A JSON-RPC client keeping the session cookie, as the web client (and OdooRPC) does."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def post(self, path: str, params: dict) -> Any:
        body = json.dumps({"jsonrpc": "2.0", "method": "call", "id": 1, "params": params}).encode()
        request = urllib.request.Request(self.url + path, body, {"Content-Type": "application/json"})
        answer = json.loads(self.opener.open(request).read())
        return answer["result"] if "result" in answer else {"error": answer["error"]["data"]["message"]}

    def button(self, model: str, method: str, ids: list[int], context: dict) -> Any:
        return self.post(
            "/web/dataset/call_button",
            {"model": model, "method": method, "args": [ids], "kwargs": {"context": context}},
        )


def test_an_api_key_is_made_after_an_identity_check_and_logs_in(odoo: Odoo) -> None:
    web = WebSession(odoo.url)
    assert web.post("/web/session/authenticate", {"db": "odoo", "login": "admin", "password": "admin"})["uid"] == 2
    wizard = odoo.call("res.users.apikeys.description", "create", {"name": "TEST"})
    refused = odoo.fault("res.users.apikeys.description", "make_key", [wizard])
    assert refused.faultString == "This method can only be accessed over HTTP"
    asked = web.button("res.users.apikeys.description", "make_key", [wizard], CONTEXT)
    assert asked == {
        "type": "ir.actions.act_window",
        "res_model": "res.users.identitycheck",
        "res_id": 1,
        "name": by_version(odoo, {"19.0": "Access Control", "*": "Security Control"}),
        "target": "new",
        "views": [[False, "form"]],
        **({"context": {"dialog_size": "medium"}} if odoo.version == "19.0" else {}),
    }
    assert odoo.call("res.users.identitycheck", "write", [1], {"password": "admin"}) is True
    shown = web.button("res.users.identitycheck", "run_check", [1], {**CONTEXT, "password": "admin"})
    key = shown["context"].pop("default_key")
    assert shown == {
        "type": "ir.actions.act_window",
        "res_model": "res.users.apikeys.show",
        "name": "API Key Ready",
        "views": [[False, "form"]],
        "target": "new",
        "context": {},
    }
    assert len(key) == 40 and set(key) <= set("0123456789abcdef")
    assert odoo.common().authenticate("odoo", "admin", key, {}) == 2
    as_key = xmlrpc.client.ServerProxy(odoo.url + "/xmlrpc/2/object")
    assert as_key.execute_kw("odoo", 2, key, "res.users", "read", [[2], ["login"]]) == [{"id": 2, "login": "admin"}]
    assert odoo.call("res.users.apikeys", "search_read", [], fields=["name", "user_id", "scope"]) == [
        {"id": 1, "name": "TEST", "user_id": [2, "Administrator"], "scope": False}
    ]


def test_a_wrong_password_makes_no_key(odoo: Odoo) -> None:
    web = WebSession(odoo.url)
    web.post("/web/session/authenticate", {"db": "odoo", "login": "admin", "password": "admin"})
    wizard = odoo.call("res.users.apikeys.description", "create", {"name": "TEST"})
    check = web.button("res.users.apikeys.description", "make_key", [wizard], CONTEXT)["res_id"]
    odoo.call("res.users.identitycheck", "write", [check], {"password": "wrong"})
    assert web.button("res.users.identitycheck", "run_check", [check], {**CONTEXT, "password": "wrong"}) == {
        "error": "Incorrect Password, try again or click on Forgot Password to reset your password."
    }
    assert odoo.call("res.users.apikeys", "search_count", []) == 0


def test_installing_a_language_loads_its_terms_and_values_follow_the_context(odoo: Odoo) -> None:
    french = odoo.call("res.lang", "search", [["code", "=", "fr_FR"]], context={"active_test": False})
    assert french == [by_version(odoo, {"16.0": 28, "17.0": 29, "*": 30})]
    wizard = odoo.call("base.language.install", "create", {"lang_ids": [[6, 0, french]]})
    assert odoo.call("base.language.install", "read", [wizard], ["lang_ids", "overwrite", "first_lang_id"]) == [
        {"id": 1, "lang_ids": french, "overwrite": True, "first_lang_id": [french[0], "French / Français"]}
    ]
    assert odoo.call("base.language.install", "lang_install", [wizard]) == {
        "type": "ir.actions.act_window",
        "res_model": "base.language.install",
        "res_id": 1,
        "view_mode": "form",
        "target": "new",
        "views": [[by_version(odoo, {"16.0": 98, "17.0": 100, "18.0": 101, "19.0": 104}), "form"]],
    }
    assert odoo.call("res.lang", "search_read", [], fields=["code", "active"]) == [
        {"id": 1, "code": "en_US", "active": True},
        {"id": french[0], "code": "fr_FR", "active": True},
    ]
    assert odoo.call(
        "res.country", "search_read", [["code", "=", "DE"]], fields=["name"], context={"lang": "fr_FR"}
    ) == [{"id": 57, "name": "Allemagne"}]
    tag = odoo.call("res.partner.category", "create", {"name": "Tag EN"})
    assert odoo.call("res.partner.category", "write", [tag], {"name": "Etiquette FR"}, context={"lang": "fr_FR"})
    names = {
        lang: odoo.call("res.partner.category", "read", [tag], ["name"], context={"lang": lang})[0]["name"]
        for lang in ("en_US", "fr_FR")
    }
    assert names == {"en_US": "Tag EN", "fr_FR": "Etiquette FR"}
    assert odoo.call("res.partner.category", "search", [["name", "=", "Etiquette FR"]], context={"lang": "fr_FR"}) == [
        tag
    ]
    assert odoo.call("res.partner.category", "search", [["name", "=", "Etiquette FR"]]) == []
    odoo.call("res.partner.category", "write", [tag], {"name": "Tag EN2"}, context={"lang": "en_US"})
    assert odoo.call("res.partner.category", "read", [tag], ["name"], context={"lang": "fr_FR"}) == [
        {"id": tag, "name": "Etiquette FR"}
    ]
    created = odoo.call("res.partner.category", "create", {"name": "Cree FR"}, context={"lang": "fr_FR"})
    assert odoo.call("res.partner.category", "read", [created], ["name"]) == [{"id": created, "name": "Cree FR"}]
