"""The fault proxy in front of an Odoo (here a simulator; the same code fronts real Odoo
in `url:` scenario runs): answers pass through untouched, and each fault action happens on
the wire, on the right side of Odoo's commit."""

from __future__ import annotations

import contextlib
import http.client
import json
import socket
import threading
import urllib.error
import urllib.request
import xmlrpc.client
from collections.abc import Iterator

import pytest

from harness.engine.transport import MeasuringTransport
from simulator.proxy import FaultProxy, ProxyServer
from simulator.server import Limits
from tests.support.health import free_port, silent_server, simulator
from tests.support.hostile_clients import OPENINGS, call_status, chunked, hostile_connections, raw_request

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


# -- an upstream that cannot answer: what a reverse proxy says ----------------------------------


@contextlib.contextmanager
def garbage_server() -> Iterator[str]:
    """Answers each connection with bytes that are no HTTP response, then closes it."""
    stop = threading.Event()
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.05)

    def serve() -> None:
        while not stop.is_set():
            with contextlib.suppress(TimeoutError), listener.accept()[0] as conn:
                conn.recv(65536)
                conn.sendall(b"SSH-2.0-OpenSSH_9.6\r\n\r\n")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(timeout=5)
        listener.close()


def raw_post(url: str, path: str, body: bytes, timeout: float = 30) -> tuple[int, str, str]:
    host, port = url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=timeout)
    try:
        connection.request("POST", path, body=body, headers={"Content-Type": "text/xml"})
        response = connection.getresponse()
        return response.status, response.getheader("Content-Type", ""), response.read().decode()
    finally:
        connection.close()


SEARCH = xmlrpc.client.dumps(("odoo", 2, "admin", PARTNER, "search", [[]]), "execute_kw").encode()


@pytest.mark.parametrize("upstream", ["down", "garbage"])
def test_an_upstream_that_is_down_or_answers_garbage_is_a_502(upstream: str) -> None:
    """Not a dropped connection, which the engine must take for a lost answer (the call may have
    committed): Odoo was never reached, or said nothing an HTTP client can read. nginx answers 502."""
    server = garbage_server() if upstream == "garbage" else contextlib.nullcontext(f"http://127.0.0.1:{free_port()}")
    with server as odoo_url, ProxyServer(odoo_url) as proxy:
        for path in ("/xmlrpc/2/object", "/web/login"):
            status, content_type, body = raw_post(proxy.url, path, SEARCH)
            assert (status, content_type) == (502, "text/plain; charset=utf-8"), body
            assert body.startswith(f"502 Bad Gateway: the fault proxy could not get an answer from {odoo_url}")
        with pytest.raises(xmlrpc.client.ProtocolError) as caught:
            call(proxy.url, "search", [])
        assert caught.value.errcode == 502


def test_a_silent_upstream_is_a_504_after_the_timeout_and_the_control_api_answers_meanwhile() -> None:
    with silent_server() as odoo_url, ProxyServer(odoo_url, timeout=0.5) as proxy:
        waiting = threading.Thread(target=raw_post, args=(proxy.url, "/xmlrpc/2/object", SEARCH), daemon=True)
        waiting.start()
        with urllib.request.urlopen(f"{proxy.url}/__sim__/stats", timeout=5) as response:
            assert json.loads(response.read())["upstream"] == odoo_url
        status, content_type, body = raw_post(proxy.url, "/xmlrpc/2/object", SEARCH, timeout=5)
        assert (status, content_type) == (504, "text/plain; charset=utf-8")
        assert body.startswith(f"504 Gateway Timeout: {odoo_url} did not answer within 0.5 s")
        waiting.join(timeout=5)
        assert not waiting.is_alive()


def test_the_proxy_waits_less_than_nginx_by_default() -> None:
    """nginx's ``proxy_read_timeout`` is 60 s; the engine's own client gives up after 30 s."""
    assert FaultProxy("http://127.0.0.1:8069").timeout == 30.0


# -- its control API: the simulator's guard ----------------------------------------------------------


def test_the_proxys_control_api_refuses_other_origins_and_takes_a_token(pair) -> None:
    odoo, _proxy = pair
    with ProxyServer(odoo.url, control_token="proxy-Token-77") as proxy:
        request = urllib.request.Request(
            f"{proxy.url}/__sim__/faults", data=b"[]", method="POST", headers={"Content-Type": "text/plain"}
        )
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=10)
        assert refused.value.code == 401
        request.add_header("Authorization", "Bearer proxy-Token-77")
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=10)
        assert refused.value.code == 415
        request.add_header("Content-Type", "application/json")
        request.add_header("Origin", "http://evil.example")
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=10)
        assert refused.value.code == 403
        assert call(proxy.url, "search_count", []) == call(odoo.url, "search_count", [])  # Odoo's routes: no token


def test_the_proxy_command_reads_the_token_from_the_environment(capsys: pytest.CaptureFixture) -> None:
    import os
    import signal
    import subprocess
    import sys

    from harness.cli import main

    with simulator() as odoo:
        assert main(["proxy", "--upstream", odoo.url, "--control-token-env", "NO_SUCH_TOKEN_VAR"]) == 2
        assert "the environment variable NO_SUCH_TOKEN_VAR is not set" in capsys.readouterr().err
        port = free_port()
        command = ["proxy", "--upstream", odoo.url, "--port", str(port), "--control-token-env", "PROXY_TOKEN"]
        process = subprocess.Popen(
            [sys.executable, "-m", "harness.cli", *command],
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "PROXY_TOKEN": "proxy-Token-88"},
        )
        try:
            banner = process.stdout.readline()
            assert "Authorization: Bearer $PROXY_TOKEN" in banner and "proxy-Token-88" not in banner
            request = urllib.request.Request(f"http://127.0.0.1:{port}/__sim__/stats")
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(request, timeout=10)
            assert refused.value.code == 401
            request.add_header("Authorization", "Bearer proxy-Token-88")
            with urllib.request.urlopen(request, timeout=10) as response:
                assert response.status == 200
        finally:
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=10) == 0


@pytest.mark.parametrize("kind", list(OPENINGS))
def test_hostile_clients_do_not_starve_the_proxy(pair, kind: str) -> None:
    """40 connections that never finish a request (more than the 4 workers the proxy starts with)."""
    _odoo, proxy = pair
    with hostile_connections(proxy.url, 40, kind):
        assert call_status(proxy.url, "/xmlrpc/2/common", xmlrpc.client.dumps((), "version").encode()) == 200


def test_a_chunked_call_reaches_odoo_whole(pair) -> None:
    odoo, proxy = pair
    body = xmlrpc.client.dumps(("odoo", 2, "admin", PARTNER, "search_count", [[]]), "execute_kw").encode()
    head = b"POST /xmlrpc/2/object HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
    status, answer = raw_request(proxy.url, head, chunked(body, size=50))
    assert status == 200
    assert xmlrpc.client.loads(answer)[0] == (call(odoo.url, "search_count", []),)


def test_a_body_over_the_limit_is_refused_before_odoo_sees_it(pair) -> None:
    odoo, proxy = pair
    head = b"POST /xmlrpc/2/object HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n" % (128 * 1024 * 1024 + 1)
    assert raw_request(proxy.url, head)[0] == 413
    assert odoo.app.call_stats()["calls"] == 0


def test_the_proxy_takes_its_own_limits() -> None:
    with simulator() as odoo, ProxyServer(odoo.url, limits=Limits(max_body=1024)) as proxy:
        head = b"POST /xmlrpc/2/object HTTP/1.1\r\nHost: x\r\nContent-Length: 1025\r\n\r\n"
        assert raw_request(proxy.url, head)[0] == 413
        assert odoo.app.call_stats()["calls"] == 0
