"""19.0 serves /xmlrpc, /xmlrpc/2 and /jsonrpc but logs each request as deprecated (as the
real 19.0 does, addons/rpc/controllers); /__sim__/stats counts them per endpoint."""

from __future__ import annotations

import json
import logging
import urllib.request
import xmlrpc.client

import pytest

from simulator.app import SimulatorApp
from simulator.server import SimServer

WARNING = (
    "The /xmlrpc, /xmlrpc/2 and /jsonrpc endpoints are deprecated in Odoo 19 and scheduled for "
    "removal in Odoo 20. Please report the problem to the client making the request.\n"
    "Mute this logger: --log-handler {}:ERROR\n"
    "https://www.odoo.com/documentation/latest/developer/reference/external_api.html"
    "#migrating-from-xml-rpc-json-rpc"
)  # as the real 19.0 logs it


def _calls(url: str) -> None:
    xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common").version()
    uid = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common").authenticate("odoo", "admin", "admin", {})
    xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object").execute_kw(
        "odoo", uid, "admin", "res.partner", "search_count", [[]]
    )
    xmlrpc.client.ServerProxy(f"{url}/xmlrpc/common").version()
    body = json.dumps(
        {"jsonrpc": "2.0", "method": "call", "params": {"service": "common", "method": "version", "args": []}}
    ).encode()
    urllib.request.urlopen(urllib.request.Request(f"{url}/jsonrpc", body, {"Content-Type": "application/json"}))


def _stats(url: str) -> dict:
    with urllib.request.urlopen(f"{url}/__sim__/stats") as response:
        return json.loads(response.read())


def test_19_logs_and_counts_every_deprecated_request(caplog: pytest.LogCaptureFixture) -> None:
    with SimServer(SimulatorApp("19.0")) as server, caplog.at_level(logging.WARNING, logger="odoo"):
        _calls(server.url)
        stats = _stats(server.url)
    assert stats["deprecated_calls"] == {
        "/xmlrpc/2/common": 2,
        "/xmlrpc/2/object": 1,
        "/xmlrpc/common": 1,
        "/jsonrpc": 1,
    }
    records = [(r.name, r.levelname, r.getMessage()) for r in caplog.records]
    for logger, count in (("odoo.addons.rpc.controllers.xmlrpc", 4), ("odoo.addons.rpc.controllers.jsonrpc", 1)):
        assert records.count((logger, "WARNING", WARNING.format(logger))) == count


def test_18_deprecates_nothing(caplog: pytest.LogCaptureFixture) -> None:
    with SimServer(SimulatorApp("18.0")) as server, caplog.at_level(logging.WARNING, logger="odoo"):
        _calls(server.url)
        stats = _stats(server.url)
    assert stats["deprecated_calls"] == {}
    assert not [r for r in caplog.records if r.name.startswith("odoo.")]


def test_reset_clears_the_count() -> None:
    with SimServer(SimulatorApp("19.0")) as server:
        _calls(server.url)
        server.app.reset()
        assert _stats(server.url)["deprecated_calls"] == {}
