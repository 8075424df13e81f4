"""The control API (``/__sim__/``) answers its own tools only: no web page the user visits (another
origin, a form's ``text/plain`` body, a rebound DNS name), and with a token only who holds it. What it
takes is bounded (fault rules as the harness types them, the number of databases) and a bad request
is a JSON 400 naming the field."""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import typing
import xmlrpc.client
from collections.abc import Iterator

import pydantic
import pytest

from harness.control import ControlError, SimulatorControl
from harness.load import LoadError, clear_simulator_faults
from harness.scenarios.steps import FaultRule
from simulator.app import SimulatorApp
from simulator.faults import FaultRuleError, parse_rules
from simulator.server import SimServer

TOKEN = "ctl-Tq84#never-in-argv"
PARTNER = "res.partner"


@pytest.fixture
def served() -> Iterator[SimServer]:
    with SimServer(SimulatorApp("17.0")) as server:
        yield server


def exchange(
    server: SimServer, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    """One request as given (no header added but Host): the status, the headers and the body."""
    host, port = server.httpd.bind_addr[:2]
    connection = http.client.HTTPConnection(host, port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def send(
    server: SimServer, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], typing.Any]:
    """``exchange``, the answer read as JSON."""
    status, answered, answer = exchange(server, method, path, body, headers)
    return status, answered, json.loads(answer) if answer else None


def post_json(server: SimServer, path: str, payload: typing.Any, **headers: str) -> tuple[int, typing.Any]:
    status, _headers, answer = send(
        server, "POST", path, json.dumps(payload).encode(), {"Content-Type": "application/json", **headers}
    )
    return status, answer


def marked_partner(server: SimServer) -> int:
    models = xmlrpc.client.ServerProxy(f"{server.url}/xmlrpc/2/object")
    return models.execute_kw("odoo", 2, "admin", PARTNER, "create", [{"name": "Survives a refused reset"}])


def still_there(server: SimServer, partner: int) -> bool:
    models = xmlrpc.client.ServerProxy(f"{server.url}/xmlrpc/2/object")
    return bool(models.execute_kw("odoo", 2, "admin", PARTNER, "exists", [[partner]]))


# -- who may call it ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "headers", "status", "says"),
    [
        (b"{}", {"Content-Type": "text/plain"}, 415, "application/json"),
        (b"reset=1", {"Content-Type": "application/x-www-form-urlencoded"}, 415, "application/json"),
        (b"{}", {"Content-Type": "application/json", "Origin": "http://evil.example"}, 403, "Origin"),
        (b"{}", {"Content-Type": "text/plain", "Origin": "http://evil.example"}, 403, "Origin"),
        (b"", {"Origin": "null"}, 403, "Origin"),
        (b"", {"Origin": "http://127.0.0.1:1"}, 403, "Origin"),
        (b"", {"Sec-Fetch-Site": "cross-site"}, 403, "Sec-Fetch-Site"),
        (b"", {"Sec-Fetch-Site": "same-site"}, 403, "Sec-Fetch-Site"),
        (b"", {"Host": "rebound.example"}, 403, "Host"),
    ],
)
def test_a_web_page_cannot_reset_the_simulator(
    served: SimServer, body: bytes, headers: dict, status: int, says: str
) -> None:
    """What a page in the user's browser can send (a form or ``fetch`` with ``text/plain``, any origin,
    a DNS name rebound to 127.0.0.1) is refused before anything is done: the reset that would have
    dropped every database (and the ``--data`` files) does not happen."""
    partner = marked_partner(served)
    answered, _headers, answer = send(served, "POST", "/__sim__/reset", body, headers)
    assert (answered, says in answer["error"]) == (status, True), answer
    assert still_there(served, partner)


def test_its_own_tools_are_served(served: SimServer) -> None:
    """A script with no Origin, the server's own origin (a page it served, by any loopback name),
    and a request the user typed in the address bar (``Sec-Fetch-Site: none``) are let through."""
    port = served.httpd.bind_addr[1]
    for headers in (
        {},
        {"Origin": served.url},
        {"Origin": f"http://localhost:{port}", "Host": f"localhost:{port}"},
        {"Sec-Fetch-Site": "same-origin"},
        {"Sec-Fetch-Site": "none"},
    ):
        assert send(served, "GET", "/__sim__/stats", headers=headers)[0] == 200, headers
    assert send(served, "POST", "/__sim__/reset")[0] == 200  # no body: nothing to be JSON
    assert post_json(served, "/__sim__/faults", [], Origin=served.url) == (200, {"rules": 0})


def test_the_rpc_endpoints_are_not_guarded(served: SimServer) -> None:
    """Odoo's own routes are Odoo's, whoever asks: only ``/__sim__/`` is the simulator's."""
    body = xmlrpc.client.dumps((), "version").encode()
    headers = {"Content-Type": "text/plain", "Origin": "http://evil.example"}
    status, _headers, answer = exchange(served, "POST", "/xmlrpc/2/common", body, headers)
    assert status == 200 and xmlrpc.client.loads(answer)[0][0]["server_serie"] == "17.0"


def test_a_token_guards_the_control_api() -> None:
    with SimServer(SimulatorApp("17.0", control_token=TOKEN)) as server:
        for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}):
            status, answered, answer = send(server, "GET", "/__sim__/stats", headers=headers)
            assert status == 401 and answered["WWW-Authenticate"].startswith("Bearer"), headers
            assert "Authorization: Bearer" in answer["error"] and TOKEN not in json.dumps(answer)
        assert send(server, "GET", "/__sim__/stats", headers={"Authorization": f"Bearer {TOKEN}"})[0] == 200
        assert xmlrpc.client.ServerProxy(f"{server.url}/xmlrpc/2/common").version()["server_serie"] == "17.0"


def test_the_harness_sends_the_token_of_its_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from harness.control import CONTROL_TOKEN_ENV

    with SimServer(SimulatorApp("17.0", control_token=TOKEN)) as server:
        control = SimulatorControl(server.url)
        monkeypatch.delenv(CONTROL_TOKEN_ENV, raising=False)
        with pytest.raises(ControlError, match="HTTP 401"):
            control.clear()
        with pytest.raises(LoadError, match="HTTP 401"):  # not taken for a real Odoo's 404: faults stay on
            clear_simulator_faults(server.url)
        monkeypatch.setenv(CONTROL_TOKEN_ENV, TOKEN)
        control.replace([{"model": PARTNER, "method": "read", "action": "delay", "seconds": 0.01, "times": 1}])
        control.create_database("tenant_b")
        assert control.calls() == {}
        assert clear_simulator_faults(server.url) == {f"{PARTNER}:read:delay": 0}
        assert server.app.faults.rules == []


def test_simulate_reads_the_token_from_the_environment_only() -> None:
    command = [sys.executable, "-m", "harness.cli", "simulate", "--odoo-version", "17.0", "--port", "0"]
    unset = subprocess.run(
        [*command, "--control-token-env", "NO_SUCH_TOKEN_VAR"],
        capture_output=True,
        text=True,
        timeout=60,
        env={k: v for k, v in os.environ.items() if k != "NO_SUCH_TOKEN_VAR"},
    )
    assert unset.returncode == 2
    assert "the environment variable NO_SUCH_TOKEN_VAR is not set" in unset.stderr
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "SIM_TOKEN": TOKEN}
    process = subprocess.Popen(
        [*command, "--control-token-env", "SIM_TOKEN"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        banner = process.stdout.readline()
        assert "control API: Authorization: Bearer $SIM_TOKEN" in banner and TOKEN not in banner
        url = banner.split(" on ")[1].split()[0]
        with pytest.raises(ControlError, match="HTTP 401"):
            SimulatorControl(url).calls()
        assert xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common").version()["server_serie"] == "17.0"
    finally:
        process.terminate()
        assert process.wait(timeout=10) == 0
    assert TOKEN not in process.stderr.read()


# -- what it takes ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "names"),
    [
        ({"action": "delay", "seconds": 3600}, "'seconds'"),
        ({"action": "delay", "seconds": 0}, "'seconds'"),
        ({"action": "slow_down", "seconds": "abc"}, "'seconds'"),
        ({"action": "slow_down", "seconds": True}, "'seconds'"),
        ({"action": "http_status", "status": 99}, "'status'"),
        ({"action": "http_status", "status": 600}, "'status'"),
        ({"action": "http_status", "status": "503"}, "'status'"),
        ({"action": "odoo_fault", "message": 5}, "'message'"),
        ({"action": "error_before_commit", "message": ["x"]}, "'message'"),
        ({"action": "delay", "probability": 0.5, "seed": [1]}, "'seed'"),
        ({"action": "delay", "probability": True}, "'probability'"),
    ],
)
def test_fault_rule_parameters_are_bounded(served: SimServer, rule: dict, names: str) -> None:
    """A delay that hangs every call, a status that drops the connection, a slow-down that fails
    with a 500 after the commit: refused up front, naming the rule and the key."""
    status, answer = post_json(served, "/__sim__/faults", [{"model": PARTNER, **rule}])
    assert status == 400 and answer["error"].startswith(f"rule #0: {names}"), answer
    assert served.app.faults.rules == []


@pytest.mark.parametrize(
    ("action", "key", "values"),
    [
        ("delay", "seconds", [-1, 0, 0.001, 1, 60, 60.0001, 3600]),
        ("slow_down", "seconds", [0, 0.5, 60, 61]),
        ("http_status", "status", [99, 399, 400, 502, 599, 600]),
        ("delay", "times", [-1, 0, 1, 10**6]),
        ("delay", "probability", [-0.1, 0, 0.5, 1, 1.1]),
    ],
)
def test_the_server_and_the_harness_types_agree_on_every_bound(action: str, key: str, values: list) -> None:
    """``harness/scenarios/steps.py`` types the rules a scenario may set; ``simulator/faults.py``
    checks what any client sends. Neither may take what the other refuses."""
    typed = pydantic.TypeAdapter(FaultRule)
    for value in values:
        rule = {"action": action, key: value}
        try:
            typed.validate_python(rule)
            harness_takes = True
        except pydantic.ValidationError:
            harness_takes = False
        try:
            parse_rules([rule])
            server_takes = True
        except FaultRuleError:
            server_takes = False
        assert harness_takes == server_takes, rule


def test_the_number_of_databases_is_bounded() -> None:
    assert SimulatorApp("17.0").max_databases == 50
    with SimServer(SimulatorApp("17.0", max_databases=3)) as served:
        _three_at_most(served)


def _three_at_most(served: SimServer) -> None:
    assert post_json(served, "/__sim__/databases", {"name": "b"}) == (201, ["b", "odoo"])
    assert post_json(served, "/__sim__/databases", {"name": "c"}) == (201, ["b", "c", "odoo"])
    status, answer = post_json(served, "/__sim__/databases", {"name": "d"})
    assert status == 409 and answer["error"] == "at most 3 databases (max_databases): drop one first"
    assert post_json(served, "/__sim__/databases", {"name": "c"}) == (201, ["b", "c", "odoo"])  # already there
    assert send(served, "DELETE", "/__sim__/databases/c")[0] == 200
    assert post_json(served, "/__sim__/databases", {"name": "d"}) == (201, ["b", "d", "odoo"])


@pytest.mark.parametrize(
    ("path", "body", "error"),
    [
        ("/__sim__/databases", b"{", "the body is not JSON"),
        ("/__sim__/databases", b"\xff", "the body is not JSON"),
        ("/__sim__/faults", b"\xff", "the body is not JSON"),
        ("/__sim__/faults", b'{"model": "*"}', "fault rules must be a JSON list of objects"),
        ("/__sim__/databases", b"[]", "the body must be a JSON object"),
        ("/__sim__/databases", b'{"fresh": true}', "'name' must be a database name"),
        ("/__sim__/databases", b'{"name": 5}', "'name' must be a database name"),
        ("/__sim__/databases", json.dumps({"name": "x" * 64}).encode(), "'name' must be a database name"),
        ("/__sim__/databases", b'{"name": "b", "fresh": "yes"}', "'fresh' must be true or false"),
        ("/__sim__/passwords", b'{"db": "odoo", "login": "admin"}', "'password' must be a non-empty string"),
        ("/__sim__/passwords", b'{"db": "odoo", "login": 2, "password": "x"}', "'login' must be a non-empty string"),
    ],
)
def test_a_bad_body_is_a_json_400_naming_the_field(served: SimServer, path: str, body: bytes, error: str) -> None:
    status, headers, answer = send(served, "POST", path, body, {"Content-Type": "application/json"})
    assert (status, headers["Content-Type"]) == (400, "application/json")
    assert answer["error"].startswith(error), answer


# -- a fault message that XML cannot carry ---------------------------------------------------------


@pytest.mark.parametrize("version", ["16.0", "17.0", "18.0", "19.0"])
@pytest.mark.parametrize("path", ["/xmlrpc/2/object", "/xmlrpc/object"])
def test_a_fault_message_loses_its_control_characters_as_in_odoo(version: str, path: str) -> None:
    """XML 1.0 forbids most C0 control characters; Odoo's marshaller (``OdooMarshaller.dump_unicode``,
    every version, faults included) strips them, keeping tab, newline and carriage return."""
    with SimServer(SimulatorApp(version)) as server:
        server.app.faults.replace(
            parse_rules([{"model": PARTNER, "action": "odoo_fault", "fault": "user_error", "message": "a\x00b\x1b\tc"}])
        )
        models = xmlrpc.client.ServerProxy(f"{server.url}{path}")
        with pytest.raises(xmlrpc.client.Fault) as fault:
            models.execute_kw("odoo", 2, "admin", PARTNER, "search", [[]])
    assert "ab\tc" in f"{fault.value.faultCode} {fault.value.faultString}"
