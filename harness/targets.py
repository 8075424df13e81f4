"""Targets: the Odoo servers suites run against.

``sim:VERSION`` starts the embedded simulator on loopback; ``url:URL`` is an existing
Odoo whose database and credentials come from the environment (``ODOO_DB``,
``ODOO_LOGIN``, ``ODOO_PASSWORD``; never argv). ``container:VERSION`` starts the official
Odoo image and PostgreSQL with testcontainers (``harness/containers.py``).
"""

from __future__ import annotations

import os
import xmlrpc.client
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from harness.errors import HarnessError
from simulator.profile import available_versions

ADMIN_UID = 2


class TargetError(HarnessError, ValueError):
    """A target that cannot be used; the message says which and why."""


@dataclass(frozen=True)
class Endpoint:
    """Where a started target answers, and as whom to talk to it."""

    url: str
    db: str
    login: str
    password: str = field(repr=False)
    #: the simulator's control API (``/__sim__/``), None on a real Odoo
    control: str | None = None


@dataclass(frozen=True)
class Target:
    kind: str
    value: str

    @property
    def name(self) -> str:
        """How reports, cassettes and pages show the target: never with credentials."""
        return f"{self.kind}:{public_url(self.value) if self.kind == 'url' else self.value}"

    @property
    def version(self) -> str | None:
        """The Odoo series the target claims (known up front except for url targets)."""
        return None if self.kind == "url" else self.value

    @contextmanager
    def start(self, *, fresh: bool = True, sim_password: str = "admin") -> Iterator[Endpoint]:
        """``fresh`` and ``sim_password`` only shape a simulator: exactly as after install
        (Analytic Accounting off) or as a customer runs it, and admin's password."""
        if self.kind == "sim":
            from simulator.app import SimulatorApp
            from simulator.server import SimServer

            app = SimulatorApp(self.value, fresh=fresh)
            app.registry.get("odoo").passwords[ADMIN_UID] = sim_password
            with SimServer(app) as server:
                yield Endpoint(server.url, "odoo", "admin", sim_password, control=server.url)
        elif self.kind == "container":
            from harness.containers import run_odoo

            with run_odoo(self.value) as odoo:
                yield Endpoint(odoo.url, odoo.db, odoo.login, odoo.password)
        else:
            yield Endpoint(self.value.rstrip("/"), _env("ODOO_DB"), os.environ.get("ODOO_LOGIN", "admin"),
                           _env("ODOO_PASSWORD"))


def parse_target(text: str) -> Target:
    kind, sep, value = text.partition(":")
    if not sep or not value:
        raise TargetError(f"target {text!r}: expected sim:VERSION, container:VERSION or url:URL")
    if kind == "sim":
        if value not in available_versions():
            raise TargetError(f"target {text!r}: no simulator for Odoo {value!r} "
                              f"(available: {', '.join(available_versions())})")
        return Target(kind, value)
    if kind == "url":
        if not value.startswith(("http://", "https://")):
            raise TargetError(f"target 'url:{public_url(value)}': the URL must start with http:// or https://")
        return Target(kind, value)
    if kind == "container":
        if value not in available_versions():
            raise TargetError(f"target {text!r}: no validated Odoo {value!r} "
                              f"(available: {', '.join(available_versions())})")
        return Target(kind, value)
    raise TargetError(f"target {text!r}: unknown kind {kind!r} (use sim, container or url)")


def server_serie(url: str) -> str:
    """The Odoo series a server reports (``common.version()``), for targets that do not
    say it up front."""
    return xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common").version()["server_serie"]


def public_url(url: str) -> str:
    """``url`` without a ``user:password@`` part, for anything written or shown."""
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"[{host}]" if ":" in host else host
    return parts._replace(netloc=netloc + (f":{parts.port}" if parts.port else "")).geturl()


def default_targets() -> list[Target]:
    return [Target("sim", version) for version in available_versions()]


def _env(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise TargetError(f"url targets read {name} from the environment; it is not set")
    return value
