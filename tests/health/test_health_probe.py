"""The no-op check against a simulator: every way it can end, classified, timed, without the password."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.health.probe import probe
from harness.health.states import Failure
from harness.health.tenants import Tenant
from simulator.server import SimServer
from tests.support.health import SECRET, free_port, make_monitor, set_faults, silent_server, simulator, tenants_yaml
from tests.support.json2 import json2_simulator


@pytest.fixture(scope="module")
def sim() -> Iterator[SimServer]:
    with simulator() as server:
        yield server


@pytest.fixture(autouse=True)
def _no_faults(sim: SimServer) -> Iterator[None]:
    yield
    set_faults(sim, [])


def _tenant(url: str, db: str = "odoo") -> Tenant:
    return Tenant(id="acme", url=url, db=db, login="admin", password_env="ACME_ODOO_PASSWORD")


def _calls_since(sim: SimServer, before: dict[str, int]) -> dict[str, int]:
    return {
        call: count - before.get(call, 0)
        for call, count in sim.app.stats()["by_method"].items()
        if count != before.get(call, 0)
    }


def test_a_uid_is_green_material(sim: SimServer) -> None:
    before = sim.app.stats()["by_method"]
    check = probe(_tenant(sim.url), "admin", timeout=5)
    assert (check.failure, check.error, check.http_status) == (None, None, 200)
    assert 0 < check.latency_ms < 1000
    assert _calls_since(sim, before) == {"common.authenticate": 1}  # one call, and only that one


@pytest.mark.parametrize(
    ("rule", "failure", "error", "status"),
    [
        ({"action": "http_status", "status": 503}, Failure.TRANSIENT, "HTTP 503 Service Unavailable", 503),
        ({"action": "http_status", "status": 502}, Failure.TRANSIENT, "HTTP 502 Bad Gateway", 502),
        ({"action": "reset_connection"}, Failure.TRANSIENT, "connection: ", None),  # RST: reset or disconnected
        (
            {"action": "odoo_fault", "fault": "serialization_failure"},
            Failure.TRANSIENT,
            "fault 1: psycopg2.errors.SerializationFailure: could not serialize access",
            200,
        ),
        (
            {"action": "odoo_fault", "fault": "access_denied"},
            Failure.HARD,
            "access denied: fault 3: Access Denied",
            200,
        ),
        (
            {"action": "error_before_commit", "message": f"server said {SECRET}"},
            Failure.TRANSIENT,
            "fault 1: psycopg2.OperationalError: server said ***",
            200,
        ),  # an echoed password is scrubbed
    ],
)
def test_faults_are_classified(sim: SimServer, rule: dict, failure: Failure, error: str, status: int | None) -> None:
    set_faults(sim, [{"model": "common", "method": "authenticate", **rule}])
    check = probe(_tenant(sim.url), SECRET, timeout=5)
    assert (check.failure, check.http_status) == (failure, status)
    assert check.error.startswith(error), check.error
    assert check.latency_ms is not None


def test_refused_credentials_and_missing_database_are_hard(sim: SimServer) -> None:
    refused = probe(_tenant(sim.url), SECRET, timeout=5)
    assert (refused.failure, refused.error) == (
        Failure.HARD,
        "authentication refused for login 'admin' on database 'odoo'",
    )
    missing = probe(_tenant(sim.url, db="dropped"), "admin", timeout=5)
    assert (missing.failure, missing.error, missing.http_status) == (
        Failure.HARD,
        "database 'dropped' does not exist",
        200,
    )
    not_odoo = probe(_tenant(sim.url + "/not-odoo"), "admin", timeout=5)
    assert (not_odoo.failure, not_odoo.error) == (Failure.HARD, "HTTP 404 NOT FOUND")


def test_no_password_in_the_environment_sends_nothing(sim: SimServer) -> None:
    before = sim.app.stats()["by_method"]
    check = probe(_tenant(sim.url), None, timeout=5)
    assert (check.failure, check.latency_ms) == (Failure.HARD, None)
    assert check.error == "no password: environment variable ACME_ODOO_PASSWORD is not set"
    assert _calls_since(sim, before) == {}


def test_timeouts_and_refused_connections_are_transient(sim: SimServer) -> None:
    set_faults(sim, [{"model": "common", "method": "authenticate", "action": "delay", "seconds": 1.0}])
    slow = probe(_tenant(sim.url), "admin", timeout=0.3)
    assert (slow.failure, slow.error) == (Failure.TRANSIENT, "timeout: no answer within 0.3 s")
    assert 300 <= slow.latency_ms < 1000  # gave up before the 1 s answer
    with silent_server() as url:
        hung = probe(_tenant(url), "admin", timeout=0.3)
    assert (hung.failure, hung.error) == (Failure.TRANSIENT, "timeout: no answer within 0.3 s")
    refused = probe(_tenant(f"http://127.0.0.1:{free_port()}"), "admin", timeout=5)
    assert refused.failure is Failure.TRANSIENT
    assert refused.error.startswith("connection: ConnectionRefusedError")


# -- JSON-2 (api: json2): res.users/context_get with the API key ------------------------------------


#: A key no server here holds (40 hex digits, as Odoo makes them).
ANY_KEY = "7be1f0c2d9a84e55b3c6a1e09f2d4c8b5a7e3f10"


def _json2_tenant(url: str, db: str = "odoo") -> Tenant:
    return Tenant(id="acme", url=url, db=db, login="admin", api="json2", api_key_env="ACME_ODOO_KEY")


def test_json2_context_get_is_the_no_op_and_refusals_are_hard() -> None:
    with json2_simulator() as odoo:
        green = probe(_json2_tenant(odoo.url), odoo.key, timeout=5)
        assert (green.failure, green.error, green.http_status) == (None, None, 200)
        assert [path for path, _headers, _body in odoo.received] == ["/json/2/res.users/context_get"]
        wrong = probe(_json2_tenant(odoo.url), "0" * 40, timeout=5)
        assert (wrong.failure, wrong.error, wrong.http_status) == (
            Failure.HARD,
            "access denied: HTTP 401 werkzeug.exceptions.Unauthorized: Invalid apikey",
            401,
        )
        missing = probe(_json2_tenant(odoo.url, db="dropped"), odoo.key, timeout=5)
        assert (missing.failure, missing.error, missing.http_status) == (
            Failure.HARD,
            "HTTP 404 database 'dropped' does not exist",
            404,
        )
        context_get = {"model": "res.users", "method": "context_get", "times": 1}
        odoo.set_faults([{**context_get, "action": "http_status", "status": 503}])
        busy = probe(_json2_tenant(odoo.url), odoo.key, timeout=5)
        assert (busy.failure, busy.http_status) == (Failure.TRANSIENT, 503)
        echoed = {"action": "odoo_fault", "fault": "access_error", "message": f"key {odoo.key} has no rights"}
        odoo.set_faults([{**context_get, **echoed}])
        assert probe(_json2_tenant(odoo.url), odoo.key, timeout=5).error == (
            "access denied: HTTP 403 odoo.exceptions.AccessError: key *** has no rights"
        )


def test_json2_without_a_key_or_an_answer() -> None:
    nothing = probe(_json2_tenant("http://127.0.0.1:9"), None, timeout=5)
    assert (nothing.failure, nothing.error) == (
        Failure.HARD,
        "no API key: environment variable ACME_ODOO_KEY is not set",
    )
    with silent_server() as url:
        hung = probe(_json2_tenant(url), ANY_KEY, timeout=0.3)
    assert (hung.failure, hung.error) == (Failure.TRANSIENT, "timeout: no answer within 0.3 s")
    with simulator() as sim:  # an Odoo without JSON-2 (17.0): not found, for good
        old = probe(_json2_tenant(sim.url), ANY_KEY, timeout=5)
    assert (old.failure, old.http_status) == (Failure.HARD, 404)


def test_the_monitor_reads_a_json2_tenants_key_from_its_variable(tmp_path: Path) -> None:
    with json2_simulator() as odoo:
        text = tenants_yaml(
            [
                {
                    "id": "acme",
                    "url": odoo.url,
                    "db": "odoo",
                    "login": "admin",
                    "api": "json2",
                    "api_key_env": "ACME_ODOO_KEY",
                }
            ]
        )
        monitor = make_monitor(text, f"sqlite:///{tmp_path / 'health.sqlite'}", [], {"ACME_ODOO_KEY": odoo.key})
        assert monitor.check_all()["acme"].failure is None
