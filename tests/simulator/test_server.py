"""The simulator as a server: HTTP behaviour, transactions, concurrency, state, control API."""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import threading
import time
import urllib.request
import xmlrpc.client
from collections.abc import Callable
from pathlib import Path

import pytest
from cheroot.workers import threadpool

from simulator.app import SimulatorApp
from simulator.server import LoopbackServer, SimServer
from tests.support.odoo import Odoo


def _post(url: str, path: str, payload: object | None = None, method: str = "POST") -> tuple[int, object]:
    data = None if payload is None else json.dumps(payload).encode()
    request = urllib.request.Request(url + path, data=data, method=method, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def test_http_keep_alive_serves_many_calls_on_one_connection(odoo17: Odoo) -> None:
    host, port = odoo17.url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port))
    body = xmlrpc.client.dumps((), "version").encode()
    sockets = set()
    for _ in range(5):
        connection.request("POST", "/xmlrpc/2/common", body, {"Content-Type": "text/xml"})
        response = connection.getresponse()
        assert response.status == 200
        assert response.getheader("Content-Type") == "text/xml; charset=utf-8"
        xmlrpc.client.loads(response.read())
        sockets.add(id(connection.sock))
    assert len(sockets) == 1 and response.version == 11
    connection.close()


def test_get_on_an_rpc_endpoint_is_405(odoo17: Odoo) -> None:
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(odoo17.url + "/xmlrpc/2/common")
    assert info.value.code == 405


def test_failed_call_leaves_nothing_behind(odoo17: Odoo) -> None:
    before = odoo17.call("res.partner", "search_count", [])
    fault = odoo17.fault("res.partner", "create", [{"name": "ok"}, {"name": "bad", "nope": 1}])
    assert fault.faultCode == 1
    assert odoo17.call("res.partner", "search_count", []) == before
    journal = odoo17.app.journal("odoo")["odoo"]
    assert journal and journal[-1]["committed"] is False


def test_concurrent_clients_get_distinct_ids_and_consistent_counts(odoo17: Odoo) -> None:
    created: list[int] = []
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            for i in range(10):
                created.append(odoo17.call("res.partner", "create", {"name": f"T{n}-{i}", "ref": "CONC"}))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    assert len(set(created)) == 80
    assert odoo17.call("res.partner", "search_count", [["ref", "=", "CONC"]]) == 80


def test_state_persists_in_a_data_file(tmp_path: Path) -> None:
    data = tmp_path / "sim.sqlite"
    with SimServer(SimulatorApp("17.0", data=data)) as server:
        odoo = Odoo(server)
        pid = odoo.call("res.partner", "create", {"name": "Persistent"})
    with SimServer(SimulatorApp("17.0", data=data)) as server:
        odoo = Odoo(server)
        assert odoo.call("res.partner", "read", [pid], fields=["name"]) == [{"id": pid, "name": "Persistent"}]
        assert odoo.call("res.partner", "create", {"name": "Next"}) == pid + 1


def test_several_databases_one_per_tenant(odoo17: Odoo) -> None:
    status, names = _post(odoo17.url, "/__sim__/databases", {"name": "tenant_b"})
    assert status == 201 and names == ["odoo", "tenant_b"]
    common = odoo17.common()
    assert common.authenticate("tenant_b", "admin", "admin", {}) == 2
    models = odoo17.models()
    models.execute_kw("tenant_b", 2, "admin", "res.partner", "create", [{"name": "Only in B"}])
    assert models.execute_kw("odoo", 2, "admin", "res.partner", "search_count", [[["name", "=", "Only in B"]]]) == 0
    assert xmlrpc.client.ServerProxy(odoo17.url + "/xmlrpc/2/db").list() == ["odoo", "tenant_b"]


def test_control_api_drops_a_database_and_changes_a_password(odoo17: Odoo) -> None:
    """What a test does behind Odoo's back: the stored secret goes stale, the database goes."""
    common = odoo17.common()
    assert _post(odoo17.url, "/__sim__/passwords", {"db": "odoo", "login": "admin", "password": "n3w"}) == (
        200,
        {"uid": 2},
    )
    assert common.authenticate("odoo", "admin", "admin", {}) is False
    assert common.authenticate("odoo", "admin", "n3w", {}) == 2
    assert _post(odoo17.url, "/__sim__/passwords", {"db": "odoo", "login": "nobody", "password": "x"})[0] == 404
    assert _post(odoo17.url, "/__sim__/passwords", {"db": "odoo", "login": "admin"})[0] == 400
    assert _post(odoo17.url, "/__sim__/databases/odoo", method="DELETE") == (200, [])
    assert _post(odoo17.url, "/__sim__/databases/odoo", method="DELETE")[0] == 404
    with pytest.raises(xmlrpc.client.Fault, match='database "odoo" does not exist'):
        common.authenticate("odoo", "admin", "n3w", {})


def test_control_api_journal_stats_reset(odoo17: Odoo) -> None:
    pid = odoo17.call("res.partner", "create", {"name": "Journaled"})
    odoo17.call("res.partner", "write", [pid], {"name": "Again"})
    status, journal = _post(odoo17.url, "/__sim__/journal", method="GET")
    assert status == 200
    entries = [(e["model"], e["method"], e["ids"], e["uid"]) for e in journal["odoo"]]
    assert entries == [("res.partner", "create", [pid], 2), ("res.partner", "write", [pid], 2)]
    _status, stats = _post(odoo17.url, "/__sim__/stats", method="GET")
    assert stats["by_method"]["res.partner.create"] == 1 and stats["version"] == "17.0"
    assert _post(odoo17.url, "/__sim__/reset")[0] == 200
    assert odoo17.call("res.partner", "search_count", [["id", "=", pid]]) == 0
    assert _post(odoo17.url, "/__sim__/journal", method="GET")[1] == {"odoo": []}


def test_control_api_validates_fault_rules(odoo17: Odoo) -> None:
    status, answer = _post(odoo17.url, "/__sim__/faults", [{"model": "res.*", "action": "explode"}])
    assert status == 400 and "rule #0" in answer["error"] and "'action'" in answer["error"]
    status, answer = _post(
        odoo17.url,
        "/__sim__/faults",
        [{"model": "account.*", "method": "create", "action": "delay", "seconds": 0.1, "times": 2}],
    )
    assert (status, answer) == (200, {"rules": 1})
    assert _post(odoo17.url, "/__sim__/faults", method="GET")[1][0]["action"] == "delay"
    assert _post(odoo17.url, "/__sim__/faults", method="DELETE")[1] == {"rules": 0}


def test_jsonrpc_endpoint(odoo17: Odoo) -> None:
    status, answer = _post(
        odoo17.url,
        "/jsonrpc",
        {
            "jsonrpc": "2.0",
            "method": "call",
            "id": 7,
            "params": {
                "service": "object",
                "method": "execute_kw",
                "args": ["odoo", 2, "admin", "res.partner", "search_count", [[]]],
            },
        },
    )
    assert status == 200 and answer == {"jsonrpc": "2.0", "id": 7, "result": 2}
    _status, answer = _post(
        odoo17.url,
        "/jsonrpc",
        {
            "jsonrpc": "2.0",
            "method": "call",
            "id": 8,
            "params": {
                "service": "object",
                "method": "execute_kw",
                "args": ["odoo", 2, "admin", "foo.bar", "search", [[]]],
            },
        },
    )
    assert answer["error"]["code"] == 200
    assert answer["error"]["data"]["name"] == "odoo.exceptions.UserError"
    assert answer["error"]["data"]["message"] == "Object foo.bar doesn't exist"


def test_legacy_endpoint_string_fault_codes(odoo17: Odoo) -> None:
    legacy = xmlrpc.client.ServerProxy(odoo17.url + "/xmlrpc/object")
    with pytest.raises(xmlrpc.client.Fault) as info:
        legacy.execute_kw("odoo", 2, "admin", "foo.bar", "search", [[]])
    assert info.value.faultCode == "warning -- UserError\n\nObject foo.bar doesn't exist"
    assert info.value.faultString == ""
    with pytest.raises(xmlrpc.client.Fault) as info:
        legacy.execute_kw("odoo", 2, "wrong", "res.partner", "search", [[]])
    assert (info.value.faultCode, info.value.faultString) == ("AccessDenied", "Access Denied")


def test_simulate_command_serves_until_interrupted(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "harness.cli", "simulate", "--odoo-version", "16.0", "--port", "0", "--fresh"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        line = process.stdout.readline()
        assert "Odoo 16.0 simulator on http://127.0.0.1:" in line
        url = line.split(" on ")[1].split()[0]
        assert xmlrpc.client.ServerProxy(url + "/xmlrpc/2/common").version()["server_version"] == "16.0"
        models = xmlrpc.client.ServerProxy(url + "/xmlrpc/2/object")
        with pytest.raises(xmlrpc.client.Fault) as info:  # --fresh: Analytic Accounting off
            models.execute_kw("odoo", 2, "admin", "account.analytic.plan", "search", [[]])
        assert info.value.faultCode == 4
    finally:
        process.terminate()
        assert process.wait(timeout=10) == 0


def test_simulate_refuses_a_non_loopback_host() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "harness.cli", "simulate", "--odoo-version", "17.0", "--host", "0.0.0.0", "--port", "0"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert "loopback only" in result.stderr


def test_unknown_version_names_the_choices() -> None:
    with pytest.raises(ValueError, match=r"no simulator profile for Odoo '99.0' \(available: 16.0, 17.0, 18.0, 19.0\)"):
        SimulatorApp("99.0")


def test_a_stopped_simulator_is_freed() -> None:
    """A test run starts hundreds of simulators: each one stopped must give its memory back
    (cheroot's statistics and SQLite's functions held them all before)."""
    import gc
    import weakref

    app = SimulatorApp("19.0")
    with SimServer(app) as server:
        xmlrpc.client.ServerProxy(server.url + "/xmlrpc/2/object").execute_kw(
            "odoo", 2, "admin", "res.partner", "search_read", [[]], {"limit": 1, "order": "country_id"}
        )
    alive = weakref.ref(app), weakref.ref(app.registry.get("odoo"))
    del app, server
    gc.collect()
    assert [ref() is None for ref in alive] == [True, True]


def test_a_server_starts_without_waiting_for_each_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    """cheroot's ``grow()`` polls each new worker's readiness every 0.1 s: every scenario starts two
    servers, so their start must not wait on a worker the scheduler has not run yet. Requests a late
    worker would take wait in the queue and are served once it runs."""
    release = threading.Event()
    run = threadpool.WorkerThread.run

    def late_run(worker: threadpool.WorkerThread) -> None:
        release.wait(5)
        run(worker)

    def app(environ: dict, start_response: Callable) -> list[bytes]:
        start_response("200 OK", [("Content-Length", "2")])
        return [b"up"]

    monkeypatch.setattr(threadpool.WorkerThread, "run", late_run)
    started = time.monotonic()
    server = LoopbackServer(app, "late-workers", threads=4)
    took = time.monotonic() - started
    release.set()
    with server, urllib.request.urlopen(server.url) as response:
        assert response.read() == b"up"
    assert took < 1, f"the server took {took:.1f} s to start"
