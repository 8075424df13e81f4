"""Shared fixtures: simulators on loopback, one per Odoo version."""

from __future__ import annotations

import xmlrpc.client
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from simulator.app import SimulatorApp
from simulator.profile import available_versions
from simulator.server import SimServer

#: every simulated version: a new profile folder is tested without editing this file
VERSIONS = tuple(available_versions())


@dataclass
class Odoo:
    """A running simulator and plain ``xmlrpc.client`` proxies to it, as Odoo's docs use."""

    server: SimServer
    db: str = "odoo"
    password: str = "admin"

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def app(self) -> SimulatorApp:
        return self.server.app

    @property
    def version(self) -> str:
        return self.app.version

    @property
    def major(self) -> int:
        return int(self.version.split(".")[0])

    def common(self) -> xmlrpc.client.ServerProxy:
        return xmlrpc.client.ServerProxy(f"{self.url}/xmlrpc/2/common")

    def models(self) -> xmlrpc.client.ServerProxy:
        return xmlrpc.client.ServerProxy(f"{self.url}/xmlrpc/2/object", allow_none=True)

    def call(self, model: str, method: str, *args, **kwargs):
        return self.models().execute_kw(self.db, 2, self.password, model, method, list(args),
                                        kwargs)

    def fault(self, model: str, method: str, *args, **kwargs) -> xmlrpc.client.Fault:
        with pytest.raises(xmlrpc.client.Fault) as info:
            self.call(model, method, *args, **kwargs)
        return info.value


def _serve(version: str, fresh: bool = False) -> Iterator[Odoo]:
    with SimServer(SimulatorApp(version, fresh=fresh)) as server:
        yield Odoo(server)


@pytest.fixture(params=VERSIONS)
def odoo(request: pytest.FixtureRequest) -> Iterator[Odoo]:
    """A fresh simulator (Analytic Accounting on) of each version, per test."""
    yield from _serve(request.param)


@pytest.fixture(params=VERSIONS)
def fresh_odoo(request: pytest.FixtureRequest) -> Iterator[Odoo]:
    """A simulator exactly as after install (Analytic Accounting off)."""
    yield from _serve(request.param, fresh=True)


@pytest.fixture
def odoo17() -> Iterator[Odoo]:
    yield from _serve("17.0")
