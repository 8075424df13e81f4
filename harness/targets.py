"""Targets: the Odoo servers suites run against.

``sim:VERSION`` starts the embedded simulator on loopback; ``url:URL`` is an existing
Odoo whose database and credentials come from the environment (``ODOO_DB``,
``ODOO_LOGIN``, ``ODOO_PASSWORD``; never argv). ``container:VERSION`` starts the official
Odoo image and PostgreSQL with testcontainers (``harness/containers.py``).
"""

from __future__ import annotations

import json
import os
import urllib.request
import xmlrpc.client
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from urllib.parse import urlsplit

from harness.errors import HarnessError
from simulator.profile import available_versions, load_profile

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
    #: the wire the engine speaks: ``xmlrpc``, or ``json2`` with ``api_key`` (Odoo 19.0+)
    api: str = "xmlrpc"
    api_key: str | None = field(default=None, repr=False)

    @property
    def secret(self) -> str:
        """What the engine authenticates with on its wire: the password, or the API key."""
        return self.api_key if self.api == "json2" and self.api_key else self.password


#: target kind -> the modules starting one imports
STARTED_BY = {"sim": ("simulator.app", "simulator.server"), "container": ("harness.containers",), "url": ()}


@dataclass(frozen=True)
class Target:
    kind: str
    value: str
    #: the engine's wire on this target (a column of its own in the matrix)
    api: str = "xmlrpc"

    @property
    def name(self) -> str:
        """How reports, cassettes and pages show the target: never with credentials."""
        wire = "" if self.api == "xmlrpc" else f"+{self.api}"
        return f"{self.kind}:{public_url(self.value) if self.kind == 'url' else self.value}{wire}"

    @property
    def version(self) -> str | None:
        """The Odoo series the target claims (known up front except for url targets)."""
        return None if self.kind == "url" else self.value

    @property
    def modules(self) -> tuple[str, ...]:
        """The modules ``start`` imports (late: a command that starts no target does without them). A run
        imports them before it forks its targets' processes, which each imported them again (0.3 s of CPU)."""
        return STARTED_BY[self.kind]

    @contextmanager
    def start(self, *, fresh: bool = True, sim_password: str = "admin") -> Iterator[Endpoint]:
        """``fresh`` and ``sim_password`` only shape a simulator: exactly as after install
        (Analytic Accounting off) or as a customer runs it, and admin's password."""
        if self.kind == "sim":
            from simulator.app import SimulatorApp
            from simulator.server import SimServer

            app = SimulatorApp(self.value, fresh=fresh)
            app.registry.get("odoo").passwords[ADMIN_UID] = sim_password
            key = app.issue_api_key("admin") if self.api == "json2" else None
            with SimServer(app) as server:
                yield Endpoint(server.url, "odoo", "admin", sim_password, control=server.url, api=self.api, api_key=key)
        elif self.kind == "container":
            from harness.containers import run_odoo

            with run_odoo(self.value) as odoo:
                yield Endpoint(odoo.url, odoo.db, odoo.login, odoo.password)
        else:
            endpoint = Endpoint(
                self.value.rstrip("/"),
                _env("ODOO_DB"),
                os.environ.get("ODOO_LOGIN", "admin"),
                _env("ODOO_PASSWORD"),
                api=self.api,
                api_key=_env("ODOO_API_KEY") if self.api == "json2" else None,
            )
            check_login(endpoint, self.name)
            yield endpoint


def check_login(endpoint: Endpoint, name: str) -> None:
    """Log in once before anything is run, so that credentials the server refuses fail the target
    in one line instead of every scenario, exchange or call after it. Only an answer is judged: a
    server that does not answer, or has no JSON-2, is reported by what runs next, as it would be midway."""
    from harness.engine.client import open_wire
    from harness.engine.json2 import Json2Error

    wire = open_wire(endpoint.api, endpoint.url, endpoint.db, endpoint.login, endpoint.secret, timeout=30)
    where = f"target {name!r}, database {endpoint.db!r} (ODOO_DB)"
    try:
        if not wire.authenticate():
            secret = "ODOO_API_KEY" if endpoint.api == "json2" else "ODOO_LOGIN / ODOO_PASSWORD"
            raise TargetError(f"{where}: login {endpoint.login!r} refused; check {secret}")
    except xmlrpc.client.Fault as fault:
        raise TargetError(f"{where}: the login failed: {_last_line(fault.faultString)}") from None
    except Json2Error as exc:
        if exc.status in (401, 403):
            raise TargetError(f"{where}: the API key was refused ({exc}); check ODOO_API_KEY") from None
        if exc.name is None and exc.message.startswith("database "):  # Json2Wire's reading of Odoo's 404 page
            raise TargetError(f"{where}: {exc.message}") from None
        return  # a server without JSON-2 (a 404, its login page): the suites' answers say so
    except (OSError, xmlrpc.client.ProtocolError):
        return


def _last_line(text: str) -> str:
    """A fault's own message: the last line of Odoo's traceback text."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else text


def parse_target(text: str) -> Target:
    kind, sep, value = text.partition(":")
    if not sep or not value:
        raise TargetError(f"target {text!r}: expected sim:VERSION, container:VERSION or url:URL")
    if kind == "sim":
        if value not in available_versions():
            raise TargetError(
                f"target {text!r}: no simulator for Odoo {value!r} (available: {', '.join(available_versions())})"
            )
        return Target(kind, value)
    if kind == "url":
        problem = url_problem(value, "ODOO_PASSWORD")
        if problem:
            raise TargetError(f"target 'url:{public_url(value)}': {problem}")
        return Target(kind, value)
    if kind == "container":
        if value not in available_versions():
            raise TargetError(
                f"target {text!r}: no validated Odoo {value!r} (available: {', '.join(available_versions())})"
            )
        return Target(kind, value)
    raise TargetError(f"target {text!r}: unknown kind {kind!r} (use sim, container or url)")


def url_problem(url: str, secret_from: str) -> str | None:
    """What makes an Odoo URL given on a command line unusable, or None. A user or password in it
    would show in ``ps``, in shell history and in logs: the secret comes from the environment
    variable ``secret_from`` instead."""
    if not url.startswith(("http://", "https://")):
        return "the URL must start with http:// or https://"
    parts = urlsplit(url)
    if parts.username is not None or parts.password is not None:
        return (
            f"a user or password in the URL shows in `ps` and in logs; give the URL without it and "
            f"the password in {secret_from}"
        )
    return None


def server_serie(url: str) -> str:
    """The Odoo series a server reports (``common.version()``), for targets that do not
    say it up front."""
    return xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common").version()["server_serie"]


def serves_json2(url: str) -> bool:
    """Whether a server answers JSON-2: ``GET /json/version`` gives its version (19.0+; 16.0 and
    17.0 answer 404, 18.0 a redirect to its login page)."""
    request = urllib.request.Request(f"{url}/json/version", headers={"Accept": "application/json"})
    try:
        with urllib.request.build_opener(_NoRedirect).open(request, timeout=30) as answer:
            return "version" in json.loads(answer.read())
    except (OSError, ValueError):
        return False


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


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


#: The engine's wires, and what ``--api`` takes.
APIS = ("xmlrpc", "json2")


def with_api(targets: list[Target], api: str) -> list[Target]:
    """The targets on the wire ``api`` (``xmlrpc``, ``json2``), or on each (``both``). With
    ``both``, a simulator or container of a version without JSON-2 (its profile says so) keeps its
    XML-RPC column only; a url target gets both when ``ODOO_API_KEY`` holds a key."""
    if api not in (*APIS, "both"):
        raise TargetError(f"--api {api!r}: expected xmlrpc, json2 or both")
    if api != "both":
        for target in targets:
            if api == "json2" and target.kind == "container":
                raise TargetError(
                    f"target {target.name!r}: container targets speak XML-RPC only for now "
                    "(a JSON-2 key must be made in the container's Odoo)"
                )
        return [replace(target, api=api) for target in targets]
    return [
        variant
        for target in targets
        for variant in [target, *([replace(target, api="json2")] if _may_serve_json2(target) else [])]
    ]


def _may_serve_json2(target: Target) -> bool:
    if target.kind == "url":  # its server's answers decide, once a key is given
        return bool(os.environ.get("ODOO_API_KEY"))
    return target.kind == "sim" and load_profile(target.value).quirks.json2.routes == "json2"


def _env(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise TargetError(f"url targets read {name} from the environment; it is not set")
    return value
