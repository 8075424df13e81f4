"""The fault proxy in front of an Odoo (here a simulator; the same code fronts real Odoo
in `url:` scenario runs): answers pass through untouched, and each fault action happens on
the wire, on the right side of Odoo's commit."""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.request
import xmlrpc.client
from collections.abc import Iterator

import pytest

from harness.engine.transport import MeasuringTransport
from simulator.proxy import FaultProxy, ProxyServer
from tests.support.health import simulator

PARTNER = "res.partner"


@pytest.fixture
def pair() -> Iterator[tuple]:
    with simulator() as odoo, ProxyServer(odoo.url) as proxy:
        yield odoo, proxy


def rpc(url: str) -> xmlrpc.client.ServerProxy:
    """One attempt per call (the stdlib client re-sends once on a dropped connection)."""
    return xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object", transport=MeasuringTransport(5), allow_none=True)


def call(url: str, method: str, *args, **kwargs):
    return rpc(url).execute_kw("odoo", 2, "admin", PARTNER, method, list(args), kwargs)


def set_rules(url: str, rules: list[dict]) -> dict:
    request = urllib.request.Request(
        f"{url}/__sim__/faults",
        data=json.dumps(rules).encode(),
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read())


def partners(odoo, name: str) -> int:
    return call(odoo.url, "search_count", [["name", "=", name]])


def test_answers_and_faults_pass_through_untouched(pair) -> None:
    odoo, proxy = pair
    for args in (
        (PARTNER, "search_read", [[]], {"fields": ["name"], "limit": 3}),
        (PARTNER, "no_such_method", [[]], {}),
    ):
        direct, proxied = (_outcome(url, *args) for url in (odoo.url, proxy.url))
        assert proxied == direct
    version = xmlrpc.client.ServerProxy(f"{proxy.url}/xmlrpc/2/common").version()
    assert version["server_serie"] == "17.0"


def test_a_lost_answer_comes_after_odoos_commit(pair) -> None:
    odoo, proxy = pair
    set_rules(proxy.url, [{"model": PARTNER, "method": "create", "action": "drop_response_after_commit", "times": 1}])
    with pytest.raises(http.client.RemoteDisconnected):
        call(proxy.url, "create", {"name": "Lost answer"})
    assert partners(odoo, "Lost answer") == 1  # committed upstream
    assert call(proxy.url, "create", {"name": "Second"}) > 0  # the rule fired once


@pytest.mark.parametrize(
    ("rule", "raised", "detail"),
    [
        ({"action": "reset_connection"}, ConnectionResetError, None),
        ({"action": "http_status", "status": 503}, xmlrpc.client.ProtocolError, "503 Service Unavailable"),
        (
            {"action": "odoo_fault", "fault": "serialization_failure"},
            xmlrpc.client.Fault,
            "could not serialize access due to concurrent update",
        ),
        ({"action": "error_before_commit"}, xmlrpc.client.Fault, "server closed the connection unexpectedly"),
    ],
)
def test_faults_before_the_call_never_reach_odoo(pair, rule: dict, raised: type, detail: str | None) -> None:
    odoo, proxy = pair
    set_rules(proxy.url, [{"model": PARTNER, "method": "create", "times": 1, **rule}])
    before = odoo.app.stats()["by_method"].get(f"{PARTNER}.create", 0)
    with pytest.raises(raised) as caught:
        call(proxy.url, "create", {"name": "Never"})
    assert detail is None or detail in str(caught.value)
    assert odoo.app.stats()["by_method"].get(f"{PARTNER}.create", 0) == before and partners(odoo, "Never") == 0


def test_the_control_api_is_the_simulators(pair) -> None:
    _odoo, proxy = pair
    with pytest.raises(urllib.error.HTTPError) as bad:
        set_rules(proxy.url, [{"action": "explode"}])
    assert bad.value.code == 400 and "rule #0: 'action' must be one of" in bad.value.read().decode()
    assert set_rules(proxy.url, [{"model": PARTNER, "method": "read", "action": "delay", "seconds": 0.01}]) == {
        "rules": 1
    }
    call(proxy.url, "read", [1], fields=["name"])
    with urllib.request.urlopen(f"{proxy.url}/__sim__/stats") as response:
        stats = json.loads(response.read())
    assert stats["faults"] == {f"{PARTNER}:read:delay": 1} and stats["by_method"][f"{PARTNER}.read"] == 1


def test_an_upstream_that_is_not_a_url_is_refused() -> None:
    with pytest.raises(ValueError, match="upstream 'odoo:8069': expected http://HOST:PORT"):
        FaultProxy("odoo:8069")


def _outcome(url: str, model: str, method: str, args: list, kwargs: dict):
    try:
        return rpc(url).execute_kw("odoo", 2, "admin", model, method, args, kwargs)
    except xmlrpc.client.Fault as fault:
        return fault.faultCode, fault.faultString


def test_the_proxy_command_fronts_an_odoo_until_terminated(capsys: pytest.CaptureFixture) -> None:
    import signal
    import subprocess
    import sys

    from harness.cli import main
    from tests.support.health import free_port

    assert main(["proxy", "--upstream", "odoo:8069"]) == 2
    assert "upstream 'odoo:8069': expected http://HOST:PORT" in capsys.readouterr().err
    with simulator() as odoo:
        port = free_port()
        process = subprocess.Popen(
            [sys.executable, "-m", "harness.cli", "proxy", "--upstream", odoo.url, "--port", str(port)],
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            assert process.stdout.readline().startswith(f"fault proxy on {url} in front of {odoo.url}")
            set_rules(
                url, [{"model": PARTNER, "method": "search_count", "action": "http_status", "status": 502, "times": 1}]
            )
            with pytest.raises(xmlrpc.client.ProtocolError, match="502"):
                call(url, "search_count", [])
            assert call(url, "search_count", []) == call(odoo.url, "search_count", [])
        finally:
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=10) == 0
