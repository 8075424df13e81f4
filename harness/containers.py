"""``container:VERSION``: a real Odoo from the official image, through testcontainers.

Starts a PostgreSQL container and the official ``odoo:<version>`` image on one Docker
network, lets Odoo create the database with base, analytic, account and project (no
demo data), waits until XML-RPC answers and the admin can log in, optionally switches
Analytic Accounting on (as a customer running the integration has it), and tears
everything down, also when any of that fails.

The Docker boundary (``DockerBoundary``) is the only part that needs an engine; the
orchestration is tested with it replaced (``tests/harness/test_containers.py``).
"""

from __future__ import annotations

import contextlib
import time
import xmlrpc.client
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from harness.errors import HarnessError

DB, LOGIN, PASSWORD = "odoo", "admin", "admin"
MODULES = "base,analytic,account,project"
PG_USER = PG_PASSWORD = "odoo"


class ContainerError(HarnessError, RuntimeError):
    """The real Odoo could not be started; the message says which step failed."""


class Handle(Protocol):
    """A started container (testcontainers' DockerContainer has these)."""

    def get_container_host_ip(self) -> str: ...
    def get_exposed_port(self, port: int) -> str | int: ...
    def stop(self) -> None: ...


class DockerBoundary(Protocol):
    def network(self) -> Any: ...
    def postgres(self, network: Any, alias: str) -> Handle: ...
    def odoo(self, image: str, network: Any, db_host: str) -> Handle: ...
    def remove_network(self, network: Any) -> None: ...


class TestcontainersBoundary:
    """The real boundary: testcontainers and a local Docker engine."""

    def network(self) -> Any:
        """The first call to the engine: where a missing or unreachable Docker shows."""
        from docker.errors import DockerException
        from testcontainers.core.network import Network

        try:
            network = Network()
            network.create()
        except DockerException as exc:
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise ContainerError(
                f"container targets need a running Docker engine (DOCKER_HOST or /var/run/docker.sock): {reason}"
            ) from None
        return network

    def postgres(self, network: Any, alias: str) -> Handle:
        from testcontainers.core.container import DockerContainer

        container = (
            DockerContainer("postgres:15")
            .with_network(network)
            .with_network_aliases(alias)
            .with_env("POSTGRES_USER", PG_USER)
            .with_env("POSTGRES_PASSWORD", PG_PASSWORD)
            .with_env("POSTGRES_DB", "postgres")
        )
        return container.start()

    def odoo(self, image: str, network: Any, db_host: str) -> Handle:
        from testcontainers.core.container import DockerContainer

        container = (
            DockerContainer(image)
            .with_network(network)
            .with_exposed_ports(8069)
            .with_env("HOST", db_host)
            .with_env("USER", PG_USER)
            .with_env("PASSWORD", PG_PASSWORD)
            .with_command(f"-- -d {DB} -i {MODULES} --without-demo=all --db-filter=^{DB}$")
        )
        return container.start()

    def remove_network(self, network: Any) -> None:
        network.remove()


@dataclass
class ContainerOdoo:
    url: str
    db: str = DB
    login: str = LOGIN
    password: str = PASSWORD


@contextlib.contextmanager
def run_odoo(
    version: str,
    boundary: DockerBoundary | None = None,
    ready_timeout: float = 900.0,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    analytic: bool = False,
) -> Iterator[ContainerOdoo]:
    """A real Odoo ``version`` for the duration of the block; always torn down. Fresh, as
    after install, unless ``analytic`` switches Analytic Accounting on."""
    boundary = boundary or TestcontainersBoundary()
    started: list[Callable[[], None]] = []
    try:
        network = boundary.network()
        started.append(lambda: boundary.remove_network(network))
        postgres = boundary.postgres(network, "db")
        started.append(postgres.stop)
        odoo = boundary.odoo(f"odoo:{version}", network, "db")
        started.append(odoo.stop)
        url = f"http://{_loopback(odoo.get_container_host_ip())}:{odoo.get_exposed_port(8069)}"
        wait_until_ready(url, ready_timeout, clock, sleep)
        if analytic:
            enable_analytic(url)
        yield ContainerOdoo(url)
    finally:
        for stop in reversed(started):
            with contextlib.suppress(Exception):
                stop()


def wait_until_ready(url: str, timeout: float, clock: Callable[[], float], sleep: Callable[[float], None]) -> None:
    """Until XML-RPC answers and the admin can log in (the install runs first)."""
    deadline = clock() + timeout
    last = "no answer yet"
    while clock() < deadline:
        try:
            common = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common")
            if common.authenticate(DB, LOGIN, PASSWORD, {}):
                return
            last = "the admin cannot log in yet"
        except (OSError, xmlrpc.client.Error) as exc:
            last = f"{type(exc).__name__}: {exc}"
        sleep(2.0)
    raise ContainerError(f"Odoo at {url} did not become ready within {timeout:.0f} s ({last})")


def enable_analytic(url: str) -> None:
    """Settings → Analytic Accounting, exactly as an admin switches it on."""
    models = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object")
    settings = models.execute_kw(
        DB, 2, PASSWORD, "res.config.settings", "create", [{"group_analytic_accounting": True}]
    )
    models.execute_kw(DB, 2, PASSWORD, "res.config.settings", "execute", [[settings]])


def _loopback(host: str) -> str:
    """Published ports are reached on this machine only; another host is refused."""
    if host in ("localhost", "127.0.0.1", "0.0.0.0", "::1"):
        return "127.0.0.1"
    raise ContainerError(f"Docker publishes Odoo on {host}; odoo-harness only targets loopback (127.0.0.1)")
