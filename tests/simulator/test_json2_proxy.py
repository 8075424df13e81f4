"""The fault proxy on JSON-2 (here in front of a 19.0 simulator; the same code fronts a real 19.0):
answers pass through untouched, a call is named ``model.method`` as over XML-RPC, and each fault
action happens on the wire, on the right side of Odoo's commit; a body the proxy cannot read goes
through to Odoo, which answers it."""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator
from typing import Any

import pytest

from simulator.app import SimulatorApp
from simulator.faults import parse_rules
from simulator.proxy import ProxyServer
from simulator.server import SimServer


@pytest.fixture
def pair() -> Iterator[tuple[SimulatorApp, ProxyServer, str]]:
    """A 19.0 simulator, the proxy in front of it, and a key for admin."""
    app = SimulatorApp("19.0")
    with SimServer(app) as odoo, ProxyServer(odoo.url) as proxy:
        yield app, proxy, app.issue_api_key("admin")


def upstream(proxy: ProxyServer) -> str:
    """The Odoo behind the proxy."""
    return proxy.app.upstream.geturl()


def send(url: str, key: str, path: str, body: bytes, method: str = "POST") -> tuple[int, str, bytes]:
    """One request as sent: status, Content-Type, body."""
    host, port = url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        connection.request(
            method, path, body=body, headers={"Authorization": f"bearer {key}", "Content-Type": "application/json"}
        )
        response = connection.getresponse()
        return response.status, response.getheader("Content-Type"), response.read()
    finally:
        connection.close()


def call(url: str, key: str, model: str, method: str, body: dict) -> tuple[int, Any]:
    status, _type, answer = send(url, key, f"/json/2/{model}/{method}", json.dumps(body).encode())
    return status, json.loads(answer)


def test_answers_pass_through_untouched(pair: tuple) -> None:
    _app, proxy, key = pair
    for path, body, method in (
        ("/json/2/res.partner/search_read", b'{"fields": ["name"]}', "POST"),
        ("/json/2/res.partner/nope", b"{}", "POST"),
        ("/json/2/res.partner/search", b"", "GET"),
        ("/json/version", b"", "GET"),
    ):
        direct, proxied = (send(url, key, path, body, method) for url in (upstream(proxy), proxy.url))
        assert _comparable(proxied) == _comparable(direct), path
    assert proxy.app.call_stats()["by_method"] == {
        "res.partner.search_read": 1,
        "res.partner.nope": 1,
        "json.version": 1,
    }


def _comparable(answer: tuple[int, str, bytes]) -> tuple:
    """An answer without its traceback (the frames name each run's call)."""
    status, content_type, body = answer
    parsed = json.loads(body)
    if isinstance(parsed, dict):
        parsed.pop("debug", None)
    return status, content_type, parsed


def test_an_odoo_fault_is_odoos_error_object_and_odoo_is_not_called(pair: tuple) -> None:
    app, proxy, key = pair
    proxy.app.faults.replace(
        parse_rules(
            [{"model": "res.partner", "method": "create", "action": "odoo_fault", "fault": "missing_error", "times": 1}]
        )
    )
    status, answer = call(proxy.url, key, "res.partner", "create", {"vals_list": [{"name": "Faulty"}]})
    assert (status, answer["name"], answer["message"]) == (
        404,
        "odoo.exceptions.MissingError",
        "Record does not exist or has been deleted.",
    )
    assert app.journal()["odoo"] == [] and app.stats()["by_method"] == {}
    assert proxy.app.call_stats()["faults"] == {"res.partner:create:odoo_fault": 1}


def test_an_error_before_commit_commits_nothing(pair: tuple) -> None:
    app, proxy, key = pair
    proxy.app.faults.replace(parse_rules([{"method": "write", "action": "error_before_commit"}]))
    status, answer = call(proxy.url, key, "res.partner", "write", {"ids": [3], "vals": {"phone": "1"}})
    assert (status, answer["name"]) == (500, "psycopg2.OperationalError")
    assert app.journal()["odoo"] == []


def test_a_lost_answer_comes_after_odoos_commit(pair: tuple) -> None:
    app, proxy, key = pair
    proxy.app.faults.replace(parse_rules([{"method": "create", "action": "drop_response_after_commit", "times": 1}]))
    with pytest.raises((ConnectionError, http.client.RemoteDisconnected)):
        call(proxy.url, key, "res.partner", "create", {"vals_list": [{"name": "Lost"}]})
    assert call(proxy.url, key, "res.partner", "search_count", {"domain": [["name", "=", "Lost"]]}) == (200, 1)
    assert [(e["method"], e["committed"]) for e in app.journal()["odoo"]] == [("create", True)]


def test_a_reset_reaches_nothing(pair: tuple) -> None:
    app, proxy, key = pair
    proxy.app.faults.replace(parse_rules([{"method": "create", "action": "reset_connection", "times": 1}]))
    with pytest.raises(ConnectionError):
        call(proxy.url, key, "res.partner", "create", {"vals_list": [{"name": "Reset"}]})
    assert app.stats()["by_method"] == {}


def test_a_gateway_status_is_nginxs_page(pair: tuple) -> None:
    _app, proxy, key = pair
    proxy.app.faults.replace(parse_rules([{"action": "http_status", "status": 504}]))
    status, content_type, page = send(proxy.url, key, "/json/2/res.partner/search", b'{"domain": []}')
    assert (status, content_type) == (504, "text/html")
    assert b"504 Gateway Timeout" in page


def test_a_body_the_proxy_cannot_read_goes_to_odoo(pair: tuple) -> None:
    _app, proxy, key = pair
    proxy.app.faults.replace(parse_rules([{"action": "http_status", "status": 502}]))
    status, _type, answer = send(proxy.url, key, "/json/2/res.partner/search", b"{nope")
    assert (status, json.loads(answer)["name"]) == (400, "werkzeug.exceptions.BadRequest")
    assert proxy.app.call_stats()["calls"] == 0
