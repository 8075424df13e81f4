"""Simulators on loopback and the ways tests ask them, as Odoo's External API docs do."""

from __future__ import annotations

import xmlrpc.client
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

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
        return self.models().execute_kw(self.db, 2, self.password, model, method, list(args), kwargs)

    def fault(self, model: str, method: str, *args, **kwargs) -> xmlrpc.client.Fault:
        with pytest.raises(xmlrpc.client.Fault) as info:
            self.call(model, method, *args, **kwargs)
        return info.value


def execute_kw(app: SimulatorApp, model: str, method: str, args: list, kwargs: dict | None = None) -> Any:
    """``execute_kw`` as admin, in-process (no socket, no XML): what a call answers, or its exception."""
    return app.services.dispatch("object", "execute_kw", ["odoo", 2, "admin", model, method, args, kwargs or {}])


def admin_caller(app: SimulatorApp) -> Callable[..., Any]:
    """``execute_kw`` as admin, in-process, as ``call(model, method, *args, **kwargs)``."""
    return lambda model, method, *args, **kwargs: execute_kw(app, model, method, list(args), kwargs)


def serve(version: str, fresh: bool = False) -> Iterator[Odoo]:
    """A simulator of ``version`` for the length of a fixture (``yield from serve(...)``)."""
    with SimServer(SimulatorApp(version, fresh=fresh)) as server:
        yield Odoo(server)


def answer(odoo: Odoo, model: str, method: str, *args: Any, **kwargs: Any) -> tuple:
    """``("ok", result)`` or ``(faultCode, last line of faultString)``."""
    try:
        return ("ok", odoo.call(model, method, *args, **kwargs))
    except xmlrpc.client.Fault as fault:
        lines = [line for line in fault.faultString.splitlines() if line.strip()]
        return (fault.faultCode, lines[-1] if fault.faultCode == 1 else fault.faultString)


def by_version(odoo: Odoo, table: dict[str, Any]) -> Any:
    """The row of ``table`` for the simulator's version, else its ``"*"`` row."""
    return table.get(odoo.version, table.get("*"))


def typed(value: Any) -> Any:
    """``value`` with every scalar tagged by its type: ``False == 0.0`` in Python, but an
    empty group (``false``) and a zero one (``0.0``) are different answers."""
    if isinstance(value, dict):
        return {key: typed(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [typed(item) for item in value]
    return (type(value).__name__, value)


def db_proxy(odoo: Odoo, legacy: bool = False) -> xmlrpc.client.ServerProxy:
    """The db service, at ``/xmlrpc/2/db`` or the legacy ``/xmlrpc/db``."""
    return xmlrpc.client.ServerProxy(f"{odoo.url}/xmlrpc/{'' if legacy else '2/'}db", allow_none=True)
