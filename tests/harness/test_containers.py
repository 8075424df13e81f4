"""The container target's orchestration, with only the Docker boundary replaced.

The fake boundary hands out a simulator where the Odoo container would be, so waiting
for XML-RPC, logging in and switching Analytic Accounting on all run for real. The
real-Docker test runs where an engine answers and is skipped, with that reason, here.
"""

from __future__ import annotations

import xmlrpc.client
from pathlib import Path
from typing import Any

import pytest

from harness.containers import ContainerError, TestcontainersBoundary, run_odoo
from simulator.app import SimulatorApp
from simulator.server import SimServer


class FakeHandle:
    def __init__(self, name: str, log: list[str], server: SimServer | None = None, host: str = "localhost") -> None:
        self.name, self.log, self.server, self.host = name, log, server, host

    def get_container_host_ip(self) -> str:
        return self.host

    def get_exposed_port(self, port: int) -> int:
        assert port == 8069
        return int(self.server.url.rsplit(":", 1)[1]) if self.server else 1

    def stop(self) -> None:
        self.log.append(f"stop {self.name}")
        if self.server:
            self.server.stop()


class FakeBoundary:
    def __init__(self, fresh_odoo: bool = True, host: str = "localhost", fail_on: str | None = None) -> None:
        self.log: list[str] = []
        self.fresh_odoo, self.host, self.fail_on = fresh_odoo, host, fail_on

    def network(self) -> str:
        self.log.append("network")
        return "net"

    def postgres(self, network: Any, alias: str) -> FakeHandle:
        self.log.append(f"postgres on {network} as {alias}")
        if self.fail_on == "postgres":
            raise RuntimeError("image pull failed")
        return FakeHandle("postgres", self.log)

    def odoo(self, image: str, network: Any, db_host: str) -> FakeHandle:
        self.log.append(f"{image} on {network} with db {db_host}")
        server = SimServer(SimulatorApp(image.split(":")[1], fresh=self.fresh_odoo)).start()
        if self.fail_on == "login":
            server.app.registry.get("odoo").passwords[2] = "not-admin"
        return FakeHandle("odoo", self.log, server, self.host)

    def remove_network(self, network: Any) -> None:
        self.log.append(f"remove {network}")


def test_starts_waits_enables_analytic_and_tears_down() -> None:
    boundary = FakeBoundary()
    with run_odoo("17.0", boundary, analytic=True) as odoo:
        models = xmlrpc.client.ServerProxy(f"{odoo.url}/xmlrpc/2/object")
        assert odoo.url.startswith("http://127.0.0.1:")
        assert models.execute_kw("odoo", 2, "admin", "account.analytic.plan", "search_count", [[]]) == 1
    assert boundary.log == [
        "network",
        "postgres on net as db",
        "odoo:17.0 on net with db db",
        "stop odoo",
        "stop postgres",
        "remove net",
    ]


def test_torn_down_when_odoo_never_gets_ready() -> None:
    boundary = FakeBoundary(fail_on="login")
    ticks = iter(range(0, 100, 10))
    with (
        pytest.raises(ContainerError, match="did not become ready within 30 s"),
        run_odoo("18.0", boundary, ready_timeout=30, clock=lambda: next(ticks), sleep=lambda _s: None),
    ):
        pass
    assert boundary.log[-3:] == ["stop odoo", "stop postgres", "remove net"]


def test_torn_down_when_a_container_fails_to_start() -> None:
    boundary = FakeBoundary(fail_on="postgres")
    with pytest.raises(RuntimeError, match="image pull failed"), run_odoo("16.0", boundary):
        pass
    assert boundary.log == ["network", "postgres on net as db", "remove net"]


def test_a_non_loopback_docker_host_is_refused() -> None:
    boundary = FakeBoundary(host="10.0.0.5")
    with pytest.raises(ContainerError, match="only targets loopback"), run_odoo("17.0", boundary):
        pass
    assert "stop odoo" in boundary.log


def test_no_docker_engine_is_one_clear_line(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The real boundary, with DOCKER_HOST naming a socket nobody listens on."""
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path / 'no-docker.sock'}")
    with pytest.raises(ContainerError, match=r"^container targets need a running Docker engine \(DOCKER_HOST") as info:
        TestcontainersBoundary().network()
    assert "\n" not in str(info.value) and info.value.__cause__ is None


def _docker_missing() -> str | None:
    try:
        import docker

        docker.from_env().ping()
    except Exception as exc:
        return f"no Docker engine answers here ({type(exc).__name__}); the GitHub workflow runs this"
    return None


DOCKER_MISSING = _docker_missing()


@pytest.mark.skipif(DOCKER_MISSING is not None, reason=str(DOCKER_MISSING))
def test_real_container_odoo_17() -> None:
    with run_odoo("17.0") as odoo:
        common = xmlrpc.client.ServerProxy(f"{odoo.url}/xmlrpc/2/common")
        assert common.version()["server_serie"] == "17.0"
