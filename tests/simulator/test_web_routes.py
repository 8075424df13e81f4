"""The web client's routes besides login: session info and check, buttons, the database list and
the company logo. Expected values recorded on the real 16.0 / 17.0 / 18.0 / 19.0 servers on
2026-12-02 (admin on the fresh database ``odoo``)."""

from __future__ import annotations

import http.client
import json
import xmlrpc.client

from tests.support.odoo import Odoo
from tests.support.web import WebClient

#: ``ir.http.session_info()``'s keys, in the order each real version answers them.
SESSION_INFO_KEYS = {
    "16.0": [
        "uid",
        "is_system",
        "is_admin",
        "user_context",
        "db",
        "server_version",
        "server_version_info",
        "support_url",
        "name",
        "username",
        "partner_display_name",
        "company_id",
        "partner_id",
        "web.base.url",
        "active_ids_limit",
        "profile_session",
        "profile_collectors",
        "profile_params",
        "max_file_upload_size",
        "home_action_id",
        "cache_hashes",
        "currencies",
        "bundle_params",
        "user_companies",
        "show_effect",
        "display_switch_company_menu",
        "user_id",
        "web_tours",
        "tour_disable",
        "notification_type",
        "odoobot_initialized",
        "iap_company_enrich",
    ],
    "17.0": [
        "uid",
        "is_system",
        "is_admin",
        "is_internal_user",
        "user_context",
        "db",
        "user_settings",
        "server_version",
        "server_version_info",
        "support_url",
        "name",
        "username",
        "partner_display_name",
        "partner_id",
        "web.base.url",
        "active_ids_limit",
        "profile_session",
        "profile_collectors",
        "profile_params",
        "max_file_upload_size",
        "home_action_id",
        "cache_hashes",
        "currencies",
        "bundle_params",
        "user_companies",
        "show_effect",
        "display_switch_company_menu",
        "user_id",
        "web_tours",
        "tour_disable",
        "notification_type",
        "odoobot_initialized",
        "iap_company_enrich",
        "is_quick_edit_mode_enabled",
    ],
    "18.0": [
        "uid",
        "is_system",
        "is_admin",
        "is_public",
        "is_internal_user",
        "user_context",
        "db",
        "user_settings",
        "server_version",
        "server_version_info",
        "support_url",
        "name",
        "username",
        "partner_write_date",
        "partner_display_name",
        "partner_id",
        "web.base.url",
        "active_ids_limit",
        "profile_session",
        "profile_collectors",
        "profile_params",
        "max_file_upload_size",
        "home_action_id",
        "cache_hashes",
        "currencies",
        "bundle_params",
        "test_mode",
        "view_info",
        "user_companies",
        "show_effect",
        "display_switch_company_menu",
        "websocket_worker_version",
        "tour_enabled",
        "current_tour",
        "storeData",
        "iap_company_enrich",
        "can_insert_in_spreadsheet",
    ],
    "19.0": [
        "uid",
        "is_system",
        "is_admin",
        "is_public",
        "is_internal_user",
        "user_context",
        "db",
        "registry_hash",
        "user_settings",
        "server_version",
        "server_version_info",
        "support_url",
        "name",
        "username",
        "quick_login",
        "partner_write_date",
        "partner_display_name",
        "partner_id",
        "web.base.url",
        "active_ids_limit",
        "profile_session",
        "profile_collectors",
        "profile_params",
        "max_file_upload_size",
        "home_action_id",
        "currencies",
        "bundle_params",
        "test_mode",
        "view_info",
        "groups",
        "user_companies",
        "show_effect",
        "websocket_worker_version",
        "tour_enabled",
        "current_tour",
        "storeData",
        "iap_company_enrich",
        "can_insert_in_spreadsheet",
    ],
}
#: The fresh database's company logo (``res.company.logo_web``), Odoo's "no logo" and Odoo's own logo.
COMPANY_LOGO_BYTES = {"16.0": 8698, "17.0": 8698, "18.0": 8137, "19.0": 8137}
NOLOGO_BYTES, ODOO_LOGO_BYTES = 3261, 2901


def logged_in(odoo: Odoo) -> WebClient:
    web = WebClient(odoo.url)
    web.post("/web/session/authenticate", {"db": "odoo", "login": "admin", "password": "admin"})
    return web


def test_session_info_has_the_version_s_keys_and_the_database_s_values(odoo: Odoo) -> None:
    web = logged_in(odoo)
    info = web.post("/web/session/get_session_info", {})["result"]
    assert list(info) == SESSION_INFO_KEYS.get(odoo.version, list(info))
    assert (info["uid"], info["db"], info["username"], info["name"], info["partner_id"]) == (
        2,
        "odoo",
        "admin",
        "Administrator",
        3,
    )
    assert info["is_system"] is True and info["is_admin"] is True
    assert info["user_context"] == {"lang": "en_US", "tz": False, "uid": 2}
    assert info["user_companies"]["current_company"] == 1
    assert list(info["user_companies"]["allowed_companies"]) == ["1"]
    odoo.call("res.partner", "write", [3], {"name": "Boss"})
    assert web.post("/web/session/get_session_info", {})["result"]["partner_display_name"] == "Boss"
    assert web.post("/web/session/check", {}) == {"jsonrpc": "2.0", "id": 3}  # no result: being let in is the check


def test_without_a_session_user_routes_expire_or_are_not_found(odoo: Odoo) -> None:
    """One database: "Session expired"; several (as on the real servers): a 404 for every route."""
    web = WebClient(odoo.url)
    expired = web.post("/web/session/check", {})["error"]
    assert (expired["code"], expired["data"]["name"]) == (100, "odoo.http.SessionExpiredException")
    xmlrpc.client.ServerProxy(f"{odoo.url}/xmlrpc/2/db").duplicate_database("admin", "odoo", "hx_two")
    for path in ("/web/session/get_session_info", "/web/session/check", "/web/dataset/call_button"):
        connection = http.client.HTTPConnection(*odoo.url.removeprefix("http://").split(":"))
        connection.request("POST", path, json.dumps({"params": {}}), {"Content-Type": "application/json"})
        assert connection.getresponse().status == 404


def test_a_dropped_database_ends_its_sessions(odoo: Odoo) -> None:
    db = xmlrpc.client.ServerProxy(f"{odoo.url}/xmlrpc/2/db")
    db.duplicate_database("admin", "odoo", "hx_gone")
    web = WebClient(odoo.url)
    web.post("/web/session/authenticate", {"db": "hx_gone", "login": "admin", "password": "admin"})
    assert web.post("/web/session/check", {}) == {"jsonrpc": "2.0", "id": 3}
    db.drop("admin", "hx_gone")
    assert web.post("/web/session/check", {})["error"]["code"] == 100  # one database left: expired


def test_database_list(odoo: Odoo) -> None:
    web = WebClient(odoo.url)
    assert web.post("/web/database/list", {}) == {"jsonrpc": "2.0", "id": 3, "result": ["odoo"]}
    connection = http.client.HTTPConnection(*odoo.url.removeprefix("http://").split(":"))
    connection.request("GET", "/web/database/list")
    response = connection.getresponse()
    assert (response.status, response.read()) == (400, b"Invalid JSON data")


def test_call_button_answers_an_action_or_false(odoo: Odoo) -> None:
    web = logged_in(odoo)
    call = {"model": "res.partner", "method": "read", "args": [[1], ["name"]], "kwargs": {}}
    assert web.post("/web/dataset/call_button", call)["result"] is False  # not an action
    assert web.post("/web/dataset/call_button", {**call, "method": "search_count", "args": [[]]})["result"] is False
    defaults = {**call, "method": "default_get", "args": [["name", "active", "create_date", "write_uid"]]}
    assert web.post("/web/dataset/call_button", defaults)["result"] == {
        "active": True,
        "type": "ir.actions.act_window_close",
    }  # clean_action on a dict
    missing = web.post("/web/dataset/call_button", {"model": "res.partner", "method": "read"})["error"]["data"]
    assert (missing["name"], missing["message"]) == (
        "builtins.TypeError",
        "DataSet.call_button() missing 2 required positional arguments: 'args' and 'kwargs'",
    )
    unknown = web.post("/web/dataset/call_button", {**call, "model": "foo.bar"})
    if odoo.major >= 18:
        assert (unknown["id"], unknown["error"]["code"], unknown["error"]["data"]["name"]) == (
            None,
            404,
            "werkzeug.exceptions.NotFound",
        )
    else:
        assert unknown["error"]["data"]["name"] == "builtins.KeyError"


def test_company_logo(odoo: Odoo) -> None:
    web = logged_in(odoo)

    def logo(query: str = "", cookie: str = "") -> tuple[int, str, str, int]:
        connection = http.client.HTTPConnection(*odoo.url.removeprefix("http://").split(":"))
        connection.request("GET", f"/web/binary/company_logo{query}", headers={"Cookie": cookie} if cookie else {})
        response = connection.getresponse()
        return (
            response.status,
            response.getheader("Content-Type"),
            response.getheader("Content-Disposition"),
            len(response.read()),
        )

    own = (200, "image/png", "inline; filename=logo.png", COMPANY_LOGO_BYTES.get(odoo.version))
    assert logo(cookie=web.cookie)[:3] == own[:3]
    if odoo.version in COMPANY_LOGO_BYTES:
        assert logo(cookie=web.cookie) == own
        assert logo("?company=1", web.cookie) == own
        assert logo() == own  # one database: Odoo serves it without a session too
    assert logo("?company=99", web.cookie) == (200, "image/png", "inline; filename=nologo.png", NOLOGO_BYTES)
    assert logo("?company=x", web.cookie) == (200, "image/png", "inline; filename=logo.png", ODOO_LOGO_BYTES)
