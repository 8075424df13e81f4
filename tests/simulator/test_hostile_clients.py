"""Every server of the project (the simulator, the dashboard; the fault proxy in test_fault_proxy.py)
shares ``LoopbackServer``: clients that connect and never finish a request must not starve a normal
one, a client too slow with its request is cut off, a body over the limit is refused with 413 before
it is read, and a chunked body is read as the body it is."""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import xmlrpc.client
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from harness.dashboard.app import DashboardApp
from harness.dashboard.data import Dashboard
from simulator.app import SimulatorApp
from simulator.server import DEFAULT_MAX_BODY, Limits, LoopbackServer, SimServer
from tests.support.hostile_clients import (
    OPENINGS,
    address,
    call_status,
    chunked,
    hostile_connections,
    raw_request,
    seconds_until_closed,
)

VERSION_CALL = xmlrpc.client.dumps((), "version").encode()
#: More hostile connections than the 4 workers a server starts with; bounded for CI.
HOSTILE = 40


@contextmanager
def dashboard(tmp_path: Path) -> Iterator[LoopbackServer]:
    """The admin pages served as ``odoo-harness dashboard`` serves them."""
    app = DashboardApp(Dashboard(None, f"sqlite:///{tmp_path / 'ledger.sqlite'}"))
    with LoopbackServer(app, "odoo-harness-dashboard") as server:
        yield server


@pytest.mark.parametrize("kind", list(OPENINGS))
def test_hostile_clients_do_not_starve_the_simulator(kind: str) -> None:
    with SimServer(SimulatorApp("17.0")) as server, hostile_connections(server.url, HOSTILE, kind):
        assert call_status(server.url, "/xmlrpc/2/common", VERSION_CALL) == 200


@pytest.mark.parametrize("kind", list(OPENINGS))
def test_hostile_clients_do_not_starve_the_dashboard(kind: str, tmp_path: Path) -> None:
    with dashboard(tmp_path) as server, hostile_connections(server.url, HOSTILE, kind):
        assert call_status(server.url, "/admin/tenants") == 200


@pytest.mark.parametrize("kind", ["slow_head", "slow_body"])
def test_a_client_too_slow_with_its_request_is_cut_off(kind: str) -> None:
    """A byte every 0.1 s keeps the socket's own timeout from ever striking: the head (or the body)
    has a deadline of its own."""
    limits = Limits(head_seconds=0.5, body_seconds=0.5)
    with SimServer(SimulatorApp("17.0"), limits=limits) as server, hostile_connections(server.url, 1, kind) as [sock]:
        assert seconds_until_closed(sock, limit=10) < 3
        assert call_status(server.url, "/xmlrpc/2/common", VERSION_CALL) == 200


def test_a_body_over_the_default_limit_is_refused_before_it_is_read() -> None:
    """Odoo's own limit (``DEFAULT_MAX_CONTENT_LENGTH``, 128 MiB); the body is never sent here, so
    only an answer from the declared length can come."""
    assert DEFAULT_MAX_BODY == 128 * 1024 * 1024
    with SimServer(SimulatorApp("17.0")) as server:
        head = b"POST /xmlrpc/2/object HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n" % (DEFAULT_MAX_BODY + 1)
        assert raw_request(server.url, head)[0] == 413
        assert call_status(server.url, "/xmlrpc/2/common", VERSION_CALL) == 200


@pytest.mark.parametrize("coding", ["length", "chunked"])
def test_a_body_over_a_set_limit_is_413(coding: str) -> None:
    body = VERSION_CALL + b" " * 2000
    with SimServer(SimulatorApp("17.0"), limits=Limits(max_body=1000)) as server:
        head = b"POST /xmlrpc/2/common HTTP/1.1\r\nHost: x\r\n"
        if coding == "chunked":
            status, _ = raw_request(server.url, head + b"Transfer-Encoding: chunked\r\n\r\n", chunked(body))
        else:
            status, _ = raw_request(server.url, head + b"Content-Length: %d\r\n\r\n" % len(body), body)
        assert status == 413
        assert call_status(server.url, "/xmlrpc/2/common", VERSION_CALL) == 200


def test_a_chunked_xmlrpc_call_is_answered() -> None:
    call = xmlrpc.client.dumps(("odoo", 2, "admin", "res.partner", "search_count", [[]]), "execute_kw").encode()
    with SimServer(SimulatorApp("17.0")) as server:
        expected = xmlrpc.client.ServerProxy(server.url + "/xmlrpc/2/object").execute_kw(
            "odoo", 2, "admin", "res.partner", "search_count", [[]]
        )
        head = b"POST /xmlrpc/2/object HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        status, answer = raw_request(server.url, head, chunked(call, size=64))
    assert status == 200
    assert xmlrpc.client.loads(answer)[0] == (expected,)


def test_a_chunked_json2_call_is_answered() -> None:
    app = SimulatorApp("19.0")
    key = app.issue_api_key("admin")
    body = json.dumps({"domain": [["id", "=", 1]], "fields": ["name"]}).encode()
    with SimServer(app) as server:
        head = (
            b"POST /json/2/res.partner/search_read HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Authorization: bearer %s\r\nTransfer-Encoding: chunked\r\n\r\n" % key.encode()
        )
        status, answer = raw_request(server.url, head, chunked(body, size=7))
    assert status == 200, answer
    assert json.loads(answer) == [{"id": 1, "name": "My Company"}]


def test_a_client_gone_midway_through_its_body_is_not_served() -> None:
    """A body cut short (the client closed its connection) never reaches the application."""
    with SimServer(SimulatorApp("17.0")) as server:
        before = server.app.call_stats()
        with socket.create_connection(address(server.url)) as sock:
            sock.sendall(b"POST /xmlrpc/2/common HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n" + VERSION_CALL)
        assert call_status(server.url, "/xmlrpc/2/common", VERSION_CALL) == 200
        assert server.app.call_stats()["calls"] == before["calls"] + 1


@pytest.fixture(scope="module")
def simulate_command() -> Iterator[tuple[str, int]]:
    """``odoo-harness simulate`` in its own process (its memory is its own), bodies limited to 64 MiB:
    its URL and process id."""
    command = [sys.executable, "-m", "harness.cli", "simulate", "--odoo-version", "17.0", "--port", "0"]
    process = subprocess.Popen(
        [*command, "--max-body-mb", "64"],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        banner = process.stdout.readline()
        yield banner.split(" on ")[1].split()[0], process.pid
    finally:
        process.terminate()
        process.wait(timeout=10)


def resident_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(next(line for line in status.splitlines() if line.startswith("VmRSS:")).split()[1]) / 1024


def test_the_simulate_command_takes_a_body_limit(simulate_command: tuple[str, int]) -> None:
    url, _pid = simulate_command
    head = b"POST /xmlrpc/2/common HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n" % (64 * 2**20 + 1)
    assert raw_request(url, head)[0] == 413


def test_memory_returns_after_large_bodies(simulate_command: tuple[str, int]) -> None:
    """Three 48 MiB calls (each, on a new connection, likely served by another worker): what reading and
    parsing them took is given back. A second call on the same connection is answered only once the
    first one's request is wholly done."""
    url, pid = simulate_command
    big = xmlrpc.client.dumps(("x" * 48 * 2**20,), "version").encode()
    assert call_status(url, "/xmlrpc/2/common", VERSION_CALL) == 200
    before = resident_mb(pid)
    for _ in range(3):
        connection = http.client.HTTPConnection(*address(url), timeout=60)
        for body in (big, VERSION_CALL):
            connection.request("POST", "/xmlrpc/2/common", body, {"Content-Type": "text/xml"})
            response = connection.getresponse()
            assert (response.status, len(response.read()) > 0) == (200, True)
        connection.close()
    assert resident_mb(pid) - before < 20
