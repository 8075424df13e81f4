"""Load: many tenants syncing into one Odoo at once, every call measured, invariants after.

``loadtests/locustfile.py`` drives it: each locust user is one tenant with faker grants and
plans of its own (so tenants share one database without meeting), syncing a bounded number
of times, each later sync changing one budget line, over XML-RPC or (``LOAD_API=json2``)
JSON-2 with an API key of its own. When the load ends, injected faults are cleared (on a
simulator), each tenant syncs once more, and the invariants are read back on the tenant's
wire: no duplicates, nothing lost, no write to finance's models since the load started,
exactly one ``sync_log`` row per call sent, no password or key in the log. Nothing here
imports locust.

Beyond one machine (locust's distributed mode) a tenant lives in a worker process and is
checked by the master: ``TenantState`` is what a worker reports of it (plain JSON, no secret),
and ``LoadTenant.resume`` rebuilds it in the master, on the same ledger, for the final sync and
the checks. ``tenant_number`` keeps workers' tenants apart.

Settings come from the environment, secrets included (never argv); the host must be
loopback, and every run is bounded in syncs per user and in seconds.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from harness.calls import decode_request
from harness.control import CONTROL_TOKEN_ENV, ControlError, SimulatorControl, control_headers
from harness.engine.client import Api, OdooClient, RetryPolicy
from harness.engine.grants import Grants
from harness.engine.json2 import CALL_PATH, Json2Error
from harness.engine.ledger import Ledger
from harness.engine.plan import PlanNames
from harness.engine.sync import SyncEngine, SyncResult
from harness.engine.transport import Exchange, MeasuringHttp, MeasuringTransport, Reply
from harness.errors import HarnessError
from harness.scenarios import invariants
from harness.scenarios.fake import generate_grants
from harness.targets import APIS

LOOPBACK = ("127.0.0.1", "localhost", "::1")
#: One call measured: (name, latency ms, response bytes, the exception or None).
Report = Callable[[str, float, int, BaseException | None], None]
#: Tenant numbers each worker process may use: worker ``i`` numbers its tenants from ``i * TENANTS_PER_WORKER + 1``.
TENANTS_PER_WORKER = 1000


class LoadError(HarnessError, ValueError):
    """A setting that cannot be used; the message names it."""


@dataclass(frozen=True)
class LoadSettings:
    url: str
    db: str
    login: str
    password: str = field(repr=False)
    syncs: int = 3
    projects: int = 4
    lines: int = 5
    seed: int = 1
    ledger: str = "sqlite:///odoo-harness-load.sqlite"
    summary: Path | None = None
    max_seconds: float = 300.0
    run: str = "run"
    #: the tenants' wire; over JSON-2 the key of ``ODOO_API_KEY``, else one per tenant from the control API
    api: Api = "xmlrpc"
    api_key: str | None = field(default=None, repr=False)

    @classmethod
    def from_env(cls, host: str | None, environ: Mapping[str, str] = os.environ) -> LoadSettings:
        url = (host or "").rstrip("/")
        if urlsplit(url).hostname not in LOOPBACK:
            raise LoadError(f"--host {host!r}: load tests target loopback only (http://127.0.0.1:PORT)")
        api = environ.get("LOAD_API") or "xmlrpc"
        if api not in APIS:
            raise LoadError(f"LOAD_API={api!r}: expected {' or '.join(APIS)}")
        password = environ.get("ODOO_PASSWORD", "")
        if api == "xmlrpc" and not password:
            raise LoadError("ODOO_PASSWORD is not set: the password comes from the environment")
        return cls(
            url,
            environ.get("ODOO_DB", "odoo"),
            environ.get("ODOO_LOGIN", "admin"),
            password,
            syncs=_bounded(environ, "LOAD_SYNCS", 3, 1, 1000),
            projects=_bounded(environ, "LOAD_PROJECTS", 4, 1, 500),
            lines=_bounded(environ, "LOAD_LINES", 5, 1, 200),
            seed=_bounded(environ, "LOAD_SEED", 1, 0, 10**9),
            ledger=environ.get("LOAD_LEDGER", cls.ledger),
            summary=Path(environ["LOAD_SUMMARY"]) if environ.get("LOAD_SUMMARY") else None,
            max_seconds=float(_bounded(environ, "LOAD_MAX_SECONDS", 300, 1, 3600)),
            run=environ.get("LOAD_RUN", f"{os.getpid()}"),
            api=api,
            api_key=environ.get("ODOO_API_KEY") or None,
        )


class _Reporting:
    """What both wires' transports share: the request last measured, reported under a name."""

    report: Report
    last: Exchange | None

    def _report(self, name: str, exc: BaseException | None) -> None:
        measured = self.last
        self.report(
            name, measured.latency_ms if measured else 0.0, (measured.response_size or 0) if measured else 0, exc
        )


class ReportingTransport(_Reporting, MeasuringTransport):
    """Reports every XML-RPC request, answered or not, named ``model.method``."""

    def __init__(self, report: Report, timeout: float = 30.0) -> None:
        super().__init__(timeout)
        self.report = report

    def single_request(self, host: Any, handler: str, request_body: bytes, verbose: bool = False) -> Any:
        _service, name, _args = decode_request(handler, request_body)
        try:
            answer = super().single_request(host, handler, request_body, verbose)
        except BaseException as exc:
            self._report(name, exc)
            raise
        self._report(name, None)
        return answer


class ReportingHttp(_Reporting, MeasuringHttp):
    """Reports every JSON-2 request, named as the simulator names it (``res.users.context_get``,
    ``json.version``); an answer but a 200 is a failed call, as an XML-RPC fault is."""

    def __init__(self, url: str, report: Report, timeout: float = 30.0) -> None:
        super().__init__(url, timeout)
        self.report = report

    def request(self, method: str, path: str, body: bytes | None, headers: dict[str, str]) -> Reply:
        name = json2_name(path)
        try:
            reply = super().request(method, path, body, headers)
        except BaseException as exc:
            self._report(name, exc)
            raise
        self._report(name, None if reply.status == 200 else Json2Error(reply.status, None, reply.reason))
        return reply


def json2_name(path: str) -> str:
    """A JSON-2 request's name, as the simulator's stats and fault rules give it: ``res.users.context_get``
    for ``/json/2/res.users/context_get``, ``json.version`` for ``/json/version``."""
    return path.removeprefix(f"{CALL_PATH}/").strip("/").replace("/", ".")


def tenant_secret(settings: LoadSettings) -> str:
    """What one tenant authenticates with: the password over XML-RPC; over JSON-2 ``ODOO_API_KEY``,
    else a key of admin's of its own, issued by the simulator's control API (``/__sim__/apikeys``)."""
    if settings.api == "xmlrpc":
        return settings.password
    if settings.api_key:
        return settings.api_key
    try:
        return SimulatorControl(settings.url).issue_api_key(settings.db, settings.login)
    except ControlError as exc:
        raise LoadError(f"LOAD_API=json2: ODOO_API_KEY is not set and no key could be issued: {exc}") from None


def tenant_number(worker_index: int, local: int) -> int:
    """The number of a worker's ``local``-th tenant (from 1): distinct across workers, so no two
    processes sync the same tenant, whatever ``LOAD_RUN`` they share."""
    if not 1 <= local < TENANTS_PER_WORKER:
        raise LoadError(f"-u: at most {TENANTS_PER_WORKER - 1} tenants per worker process, this is number {local}")
    return worker_index * TENANTS_PER_WORKER + local


@dataclass(frozen=True)
class TenantState:
    """What the master needs of a worker's tenant to sync it once more and check it: its name,
    grants as last synced, its syncs and the calls it sent. No secret: the master has its own."""

    tenant: str
    grants: Grants
    synced: int = 0
    failed: int = 0
    sent: int = 0
    worker: int | None = None
    #: a sync was under way when the state was taken: its calls are not all in ``sent`` yet
    syncing: bool = False

    def to_message(self) -> dict[str, Any]:
        return {**self.__dict__, "grants": self.grants.model_dump(mode="json")}

    @classmethod
    def from_message(cls, data: Mapping[str, Any]) -> TenantState:
        return cls(**{**data, "grants": Grants.model_validate(data["grants"])})


class LoadTenant:
    """One simulated customer: its grants and plans, its client and engine, its calls counted."""

    def __init__(self, state: TenantState, settings: LoadSettings, ledger: Ledger, report: Report, secret: str) -> None:
        self.settings, self.ledger = settings, ledger
        self.tenant, self.grants, self.worker = state.tenant, state.grants, state.worker
        self.synced, self.failed, self.sent = state.synced, state.failed, state.sent
        self.syncing = state.syncing
        self.names = PlanNames(
            *(f"{plan} [{self.tenant}]" for plan in ("Grant projects", "Donor budget lines", "Donor budget details"))
        )
        self._report = report
        self._secret = secret
        transport = (
            ReportingHttp(settings.url, self._count) if settings.api == "json2" else ReportingTransport(self._count)
        )
        client = OdooClient(
            settings.url,
            settings.db,
            settings.login,
            self._secret,
            tenant=self.tenant,
            ledger=ledger,
            api=settings.api,
            transport=transport,
            retry=RetryPolicy(attempts=6, base=0.05, cap=0.5),
        )
        self.engine = SyncEngine(client, ledger, self.names)

    @classmethod
    def start(
        cls, number: int, settings: LoadSettings, ledger: Ledger, report: Report, worker: int | None = None
    ) -> LoadTenant:
        """A new tenant: faker grants seeded by its number, its own API key over JSON-2."""
        tenant = f"load-{settings.run}-{number:03}"
        grants = generate_grants(settings.seed + number, settings.projects, settings.lines, tenant=tenant)
        return cls(TenantState(tenant, grants, worker=worker), settings, ledger, report, tenant_secret(settings))

    @classmethod
    def resume(cls, state: TenantState, settings: LoadSettings, ledger: Ledger, secret: str) -> LoadTenant:
        """A worker's tenant in the master, to be checked: its calls from here on counted with the worker's."""
        return cls(state, settings, ledger, lambda *_call: None, secret)

    def state(self) -> TenantState:
        return TenantState(self.tenant, self.grants, self.synced, self.failed, self.sent, self.worker, self.syncing)

    @property
    def done(self) -> bool:
        return self.synced >= self.settings.syncs

    def sync(self) -> SyncResult:
        """The first sync, or a re-sync after one budget line was renamed."""
        if self.synced:
            self.grants = renamed_line(self.grants, self.synced)
        self.syncing = True
        try:
            result = self.engine.sync(self.grants)
        finally:
            self.syncing = False
        self.synced += 1
        self.failed += not result.ok
        return result

    def check(self, since: str) -> list[str]:
        """The final sync (faults cleared), then every invariant read back; finance's records
        must be unwritten since ``since`` (``invariants.write_clock()`` when the load started)."""
        final = self.engine.sync(self.grants)
        problems = [f"final sync failed: {entity}: {error}" for entity, error in final.failed]
        secrets = [self.settings.password, self.settings.api_key or "", self._secret]
        problems += self._check_log(secrets)
        if self.engine.client.uid is None:
            return [*problems, "Odoo was not read back: the engine never logged in"]
        settings = self.settings
        reader = invariants.Reader(settings.url, settings.db, settings.login, self._secret, api=settings.api)
        try:
            state = invariants.read_state(reader, self.names)
            problems += invariants.check_no_duplicates(state, self.ledger, self.tenant)
            problems += invariants.check_nothing_lost(state, self.grants, self.names)
            problems += invariants.forbidden_writes(reader, self.engine.client.uid, since)
        except invariants.InvariantError as exc:
            problems.append(f"Odoo was not read back: {exc}")
        return problems

    def _check_log(self, secrets: list[str]) -> list[str]:
        """Invariant 4, unless a sync was still under way when the worker reported: its later calls
        were logged but never counted, so the counts cannot agree, and that sync (named by the run's
        problems) is what broke."""
        if self.syncing:
            return ["sync_log not checked: a sync was still under way when the worker reported (its calls not counted)"]
        return invariants.check_log_complete(self.ledger.log_rows(self.tenant), self.sent, secrets, "")

    def _count(self, name: str, latency_ms: float, size: int, exc: BaseException | None) -> None:
        self.sent += 1
        self._report(name, latency_ms, size, exc)


@dataclass
class LoadSummary:
    tenants: int = 0
    syncs: int = 0
    failed_syncs: int = 0
    calls: int = 0
    faults: dict[str, int] = field(default_factory=dict)  # simulator fault rule -> times it fired
    problems: dict[str, list[str]] = field(default_factory=dict)  # tenant (or "run") -> what broke
    workers: dict[str, int] = field(default_factory=dict)  # worker index -> syncs its tenants ran (distributed)

    @property
    def ok(self) -> bool:
        return self.tenants > 0 and not any(self.problems.values())

    def text(self) -> str:
        lines = [
            f"odoo-harness load: {self.tenants} tenants, {self.syncs} syncs ({self.failed_syncs} failed), "
            f"{self.calls} calls, {sum(self.faults.values())} injected faults; "
            f"invariants {'hold' if self.ok else 'BROKEN'}"
        ]
        lines += [f"  {tenant}: {problem}" for tenant, found in self.problems.items() for problem in found]
        if not self.tenants:
            lines.append("  no tenant ran: nothing was checked")
        return "\n".join(lines)


def finish(
    tenants: list[LoadTenant], settings: LoadSettings, since: str, run_problems: list[str] | None = None
) -> LoadSummary:
    """The end of the load: faults cleared, each tenant's final sync, the invariants. ``run_problems``
    are what broke the run as a whole (a worker that never reported its tenants)."""
    summary = LoadSummary(tenants=len(tenants), faults=clear_simulator_faults(settings.url))
    if run_problems:
        summary.problems["run"] = list(run_problems)
    for tenant in tenants:
        summary.syncs += tenant.synced
        summary.failed_syncs += tenant.failed
        if tenant.worker is not None:
            summary.workers[str(tenant.worker)] = summary.workers.get(str(tenant.worker), 0) + tenant.synced
        summary.problems[tenant.tenant] = tenant.check(since)
        summary.calls += tenant.sent
    if settings.summary:
        settings.summary.write_text(json.dumps({**summary.__dict__, "ok": summary.ok}, indent=1))
    return summary


def clear_simulator_faults(url: str) -> dict[str, int]:
    """The outage ends with the load: a simulator's fault rules are removed, and how often
    each fired is returned. A real Odoo has no such rules (it answers 404): nothing changes."""

    def ask(path: str, method: str = "GET") -> bytes:
        request = urllib.request.Request(f"{url}/__sim__/{path}", method=method, headers=control_headers())
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.read()

    try:
        fired = json.loads(ask("stats"))["faults"]
        ask("faults", "DELETE")
        return fired
    except urllib.error.HTTPError as exc:
        if exc.code != 404:  # a simulator that refused: its faults would outlive the load
            raise LoadError(f"{url}/__sim__/faults: HTTP {exc.code} (its token: {CONTROL_TOKEN_ENV})") from None
        return {}


def renamed_line(grants: Grants, number: int) -> Grants:
    """The grants with one budget line renamed (round robin over the projects)."""
    index = number % len(grants.projects)
    project = grants.projects[index]
    line = project.budget_lines[0].model_copy(
        update={"name": f"{project.budget_lines[0].name.split(' #')[0]} #{number}"}
    )
    changed = project.model_copy(update={"budget_lines": [line, *project.budget_lines[1:]]})
    return grants.model_copy(update={"projects": [*grants.projects[:index], changed, *grants.projects[index + 1 :]]})


def _bounded(environ: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    text = environ.get(name)
    if text is None or text == "":
        return default
    try:
        value = int(text)
    except ValueError:
        raise LoadError(f"{name}={text!r}: not a whole number") from None
    if not low <= value <= high:
        raise LoadError(f"{name}={value}: must be between {low} and {high}")
    return value
