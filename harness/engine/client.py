"""The engine's only way to Odoo: reads, guarded mutations, retries, the sync log.

Every request goes through ``OdooClient._send``, which writes one ``sync_log`` row
per call: ``sending`` before the request goes out, then ``sent`` with the status, size and
latency measured on the transport, so a process killed while waiting still leaves the row of
a call Odoo may have run. Transient failures are retried alike for every call that is safe
to repeat: ``common.version``, ``authenticate``, reads and writes. There are two
doors to it: ``read`` accepts read-only ORM methods only, and ``mutate`` accepts the
three allow-listed models only; anything else is refused before it is sent, logged and
counted. ``tests/engine/test_engine_guard.py`` proves nothing else in the engine calls Odoo.

Below the doors, one small wire object per protocol turns a call into bytes: ``XmlRpcWire``
(``execute_kw`` on ``/xmlrpc/2``, login and password) or ``json2.Json2Wire`` (Odoo 19.0's
JSON-2, an API key). Guard, retries, lost-answer handling and sync log are the client's, the
same whichever wire carries the call.

A sync's session starts with ``version()`` and ``log_in()``: the tenant's last uid is kept in the
ledger with the version answer it was got against, and used without a login while the server
answers the same. Odoo checks it with every call; refused credentials (a password changed in
Odoo, a revoked key) log in again once, and a refused login ends the sync as it always did.
"""

from __future__ import annotations

import http.client
import random
import time
import xmlrpc.client
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from harness.engine.json2 import Json2Error, Json2Wire
from harness.engine.ledger import SENDING, KeptLogin, Ledger, LogRow
from harness.engine.transport import Exchange, MeasuringHttp, MeasuringTransport, SafeMeasuringTransport
from harness.errors import HarnessError, transient_status

#: The only models the integration may write (docs/contract.md, "What it writes").
ALLOWED_MODELS = frozenset({"account.analytic.plan", "account.analytic.account", "project.project"})
#: ORM methods that only read; ``read`` refuses anything else.
READ_METHODS = frozenset(
    {
        "search",
        "search_read",
        "read",
        "search_count",
        "read_group",
        "fields_get",
        "name_search",
        "default_get",
        "check_access_rights",
        "context_get",
    }
)
#: Odoo's own transient faults: retrying the same call is safe and useful.
TRANSIENT_FAULTS = (
    "could not serialize access",
    "SerializationFailure",
    "concurrent update",
    "deadlock detected",
    "TransactionRollbackError",
    "LockNotAvailable",
)
#: The protocol and the two endpoints every XML-RPC call goes over (what a deprecation concerns).
PROTOCOL = "XML-RPC"
COMMON, OBJECT = "/xmlrpc/2/common", "/xmlrpc/2/object"
#: XML-RPC's fault code for AccessDenied: the uid and password (or API key) were refused.
ACCESS_DENIED = 3
#: JSON-2's exception names of the same refusal (a bad or revoked API key is a 401).
JSON2_DENIED = ("odoo.exceptions.AccessDenied", "werkzeug.exceptions.Unauthorized")
#: The external APIs a client can speak.
Api = Literal["xmlrpc", "json2"]
#: The setting (tenants file key, ``sync`` option) naming the environment variable of each API's secret.
SECRET_ENV: dict[str, str] = {"xmlrpc": "password_env", "json2": "api_key_env"}


class ForbiddenModelError(HarnessError, RuntimeError):
    """A mutation aimed outside the allow-list; it was never sent."""


class OdooCallError(HarnessError, RuntimeError):
    """A call that failed for good (after retries where retrying made sense). ``denied``: Odoo
    refused the credentials the call carried (the uid and password, or the API key)."""

    def __init__(self, message: str, transient: bool, fault_code: Any = None, denied: bool = False) -> None:
        super().__init__(message)
        self.transient = transient
        self.fault_code = fault_code
        self.denied = denied


@dataclass
class RetryPolicy:
    """Capped exponential backoff with full jitter."""

    attempts: int = 6
    base: float = 0.5
    cap: float = 30.0
    sleep: Callable[[float], None] = time.sleep
    rng: random.Random = field(default_factory=random.Random)

    def delay(self, attempt: int) -> float:
        return self.rng.uniform(0, min(self.cap, self.base * 2**attempt))


@dataclass
class Counters:
    calls: int = 0
    refused: int = 0
    retries: int = 0
    #: calls sent per endpoint path, so a sync can count those the server's version deprecates
    by_endpoint: dict[str, int] = field(default_factory=dict)

    def sent(self, endpoint: str) -> None:
        self.calls += 1
        self.by_endpoint[endpoint] = self.by_endpoint.get(endpoint, 0) + 1


class Wire(Protocol):
    """What the client needs of a protocol: three kinds of call, and where each goes."""

    protocol: str  # named in reports ("XML-RPC", "JSON-2")
    VERSION: tuple[str, str]  # (endpoint, sync_log entity) of version()
    LOGIN: tuple[str, str]  # the same of authenticate()
    OBJECT: str  # the endpoint of model calls
    transport: Any  # its ``last`` is the exchange last measured

    def version(self) -> dict: ...

    def authenticate(self) -> Any: ...  # the user's id, or a false value when refused

    def execute(self, model: str, method: str, args: list, kwargs: dict) -> Callable[[], Any]: ...


class XmlRpcWire:
    """``/xmlrpc/2/common`` and ``/xmlrpc/2/object``: a login and a password on every call."""

    protocol = PROTOCOL
    VERSION = (COMMON, "common.version")
    LOGIN = (COMMON, "common.authenticate")
    OBJECT = OBJECT

    def __init__(
        self,
        url: str,
        db: str,
        login: str,
        password: str,
        transport: xmlrpc.client.Transport | None = None,
        timeout: float = 30.0,
    ) -> None:
        self.db, self.login, self._password = db, login, password
        secure = url.startswith("https://")
        self.transport = transport or (SafeMeasuringTransport if secure else MeasuringTransport)(timeout)
        self._common = xmlrpc.client.ServerProxy(f"{url}{COMMON}", transport=self.transport, allow_none=True)
        self._object = xmlrpc.client.ServerProxy(f"{url}{OBJECT}", transport=self.transport, allow_none=True)
        self.uid: int | None = None

    def __repr__(self) -> str:
        return f"XmlRpcWire(db={self.db!r}, login={self.login!r})"

    def version(self) -> dict:
        return self._common.version()

    def authenticate(self) -> Any:
        self.uid = self._common.authenticate(self.db, self.login, self._password, {})
        return self.uid

    def execute(self, model: str, method: str, args: list, kwargs: dict) -> Callable[[], Any]:
        return lambda: self._object.execute_kw(self.db, self.uid, self._password, model, method, args, kwargs)


def open_wire(
    api: Api,
    url: str,
    db: str,
    login: str,
    secret: str,
    transport: xmlrpc.client.Transport | MeasuringHttp | None = None,
    timeout: float = 30.0,
) -> Wire:
    """The wire of ``api`` to one database: the one place a protocol is chosen, for the engine's
    client and for the checks' reader (``harness.scenarios.invariants.Reader``) alike."""
    if api == "json2":
        return Json2Wire(url, db, secret, transport, timeout)
    return XmlRpcWire(url, db, login, secret, transport, timeout)


class OdooClient:
    """One tenant's connection to one Odoo database.

    ``secret`` is the password over XML-RPC (where Odoo also takes an API key in its place) and
    the API key over JSON-2 (``api="json2"``, where ``login`` is only shown: the key names the
    user). ``transport`` is the wire's: an ``xmlrpc.client.Transport`` for XML-RPC, a
    ``MeasuringHttp`` for JSON-2.
    """

    def __init__(
        self,
        url: str,
        db: str,
        login: str,
        secret: str,
        *,
        tenant: str,
        ledger: Ledger,
        api: Api = "xmlrpc",
        transport: xmlrpc.client.Transport | MeasuringHttp | None = None,
        retry: RetryPolicy | None = None,
        timeout: float = 30.0,
    ) -> None:
        self.url = url.rstrip("/")
        self.db, self.login, self.api = db, login, api
        self._secret = secret
        self.tenant = tenant
        self.ledger = ledger
        self.retry = retry or RetryPolicy()
        self.wire = open_wire(api, self.url, db, login, secret, transport, timeout)
        self.uid: int | None = None
        #: the version answer of this session's server, once asked (``log_in``)
        self.server: dict | None = None
        self.counters = Counters()

    def __repr__(self) -> str:  # never shows the password or the API key
        return (
            f"OdooClient({self.url!r}, db={self.db!r}, login={self.login!r}, tenant={self.tenant!r}, api={self.api!r})"
        )

    # -- the two doors ---------------------------------------------------------------

    def version(self) -> dict:
        return self._retrying(lambda: self._send(*self.wire.VERSION, "version", None, self.wire.version), retry=True)

    def authenticate(self) -> int:
        """Retried on transient failures like a read: an Odoo restarting behind its proxy answers
        a login with a 502 as readily as a search. A refusal is final, and the tenant's kept login
        is forgotten; a uid is kept (``log_in``) with the version answer it was got against."""
        try:
            uid = self._retrying(lambda: self._send(*self.wire.LOGIN, "authenticate", None, self._login), retry=True)
        except OdooCallError as exc:
            if exc.denied:
                self.ledger.forget_login(self.tenant)
            raise
        self._use(uid)
        if self.server is not None:
            self.ledger.remember_login(self.tenant, self.url, self.db, self.login, self.api, uid, self.server)
        return uid

    def _login(self) -> int:
        """The wire's login, inside its call's ``_send``: Odoo refuses credentials with an answer
        (``False``, HTTP 200), not a fault, and the refusal is that call's error on its own row."""
        uid = self.wire.authenticate()
        if not uid:
            raise OdooCallError(
                f"authentication refused for login {self.login!r} on database {self.db!r}",
                transient=False,
                fault_code=ACCESS_DENIED,
                denied=True,
            )
        return uid

    def log_in(self, server: dict) -> bool:
        """A uid for this session with the server that answered ``server`` (its ``version()``).

        The tenant's last login is kept in the ledger; when it was made here (same URL, database,
        login and wire) against the same version answer, its uid is used without a call, and True
        is returned. Odoo checks it on the next call like any: a refused one logs in again once
        (``_object_call``), so a password changed in Odoo is still found out and reported as a
        refused login. Any other answer (an upgrade, another server) means a new login."""
        self.server = server
        kept = self.kept_login()
        if kept is not None and kept.server == server:
            self._use(kept.uid)
            return True
        self.authenticate()
        return False

    def kept_login(self) -> KeptLogin | None:
        """The tenant's kept login where it was made here: this URL, database, login and wire."""
        kept = self.ledger.kept_login(self.tenant)
        here = (self.url, self.db, self.login, self.api)
        return kept if kept is not None and (kept.url, kept.db, kept.login, kept.api) == here else None

    def _use(self, uid: int) -> None:
        """``uid`` from now on: XML-RPC sends it with every call (JSON-2's key names its user)."""
        self.uid = uid
        if isinstance(self.wire, XmlRpcWire):
            self.wire.uid = uid

    def read(self, model: str, method: str, args: list, kwargs: dict | None = None, *, entity: str = "") -> Any:
        """A read-only ORM call, retried on transient failures."""
        if method not in READ_METHODS:
            raise ForbiddenModelError(f"{model}.{method} is not a read method; mutations go through mutate()")
        return self._object_call(model, method, args, kwargs or {}, entity or model, method, None, retry=True)

    def mutate(
        self, model: str, method: str, args: list, kwargs: dict | None = None, *, entity: str, key: str, retry: bool
    ) -> Any:
        """A write to an allow-listed model. ``retry`` only for calls that are safe to
        repeat (a write of the same values); creates are retried by the engine after
        reading back what Odoo already holds."""
        if model not in ALLOWED_MODELS:
            self.counters.refused += 1
            reason = f"refused: {model} is not in the allow-list ({', '.join(sorted(ALLOWED_MODELS))})"
            self.ledger.log(
                LogRow(self.tenant, entity, method, key, "refused", error=reason, model=model, method=method)
            )
            raise ForbiddenModelError(reason)
        return self._object_call(model, method, args, kwargs or {}, entity, method, key, retry=retry)

    def log_skip(self, entity: str, operation: str, key: str, reason: str) -> None:
        self.ledger.log(LogRow(self.tenant, entity, operation, key, "skipped", error=reason))

    # -- sending ---------------------------------------------------------------------

    def _object_call(
        self,
        model: str,
        method: str,
        args: list,
        kwargs: dict,
        entity: str,
        operation: str,
        key: str | None,
        retry: bool,
    ) -> Any:
        """One model call. Refused credentials (a kept uid gone stale, a password changed in Odoo)
        mean one new login: refused, the sync ends as a refused login does; else the call is sent
        again (Odoo checks the credentials before running anything), and a second refusal is final."""
        if self.uid is None:
            self.authenticate()
        send = self.wire.execute(model, method, args, kwargs)

        def call() -> Any:
            return self._retrying(
                lambda: self._send(self.wire.OBJECT, entity, operation, key, send, model=model, method=method), retry
            )

        try:
            return call()
        except OdooCallError as exc:
            if not exc.denied:
                raise
        self.authenticate()
        try:
            return call()
        except OdooCallError as exc:
            if not exc.denied:
                raise
            raise OdooCallError(
                f"{exc}: {model}.{method} still denied after logging in again as {self.login!r} "
                f"on database {self.db!r}",
                transient=False,
                fault_code=exc.fault_code,
                denied=True,
            ) from None

    def _retrying(self, attempt: Callable[[], Any], retry: bool) -> Any:
        """``attempt`` once, or, with ``retry`` (calls safe to repeat), again after a transient failure
        with capped exponential backoff and full jitter, up to ``RetryPolicy.attempts`` in all."""
        attempts = self.retry.attempts if retry else 1
        for number in range(attempts):
            try:
                return attempt()
            except OdooCallError as exc:
                if not exc.transient or number == attempts - 1:
                    raise
                self.counters.retries += 1
                self.retry.sleep(self.retry.delay(number))
        raise AssertionError("unreachable")

    def _send(
        self,
        endpoint: str,
        entity: str,
        operation: str,
        key: str | None,
        call: Callable[[], Any],
        *,
        model: str | None = None,
        method: str | None = None,
    ) -> Any:
        """Send one request to ``endpoint``; its sync_log row is written before it goes out (a
        process killed while waiting leaves it ``sending``) and completed whatever the outcome."""
        row_id = self.ledger.log(LogRow(self.tenant, entity, operation, key, SENDING, model=model, method=method))
        self.counters.sent(endpoint)
        error: str | None = None
        try:
            return call()
        except Exception as exc:
            failure = self._failure(exc)
            if failure is None:
                raise
            error = str(failure)
            raise failure from None
        finally:
            measured: Exchange | None = getattr(self.wire.transport, "last", None)
            self.ledger.complete(
                row_id,
                http_status=measured.http_status if measured else None,
                response_size=measured.response_size if measured else None,
                latency_ms=round(measured.latency_ms, 3) if measured else None,
                error=error,
            )

    def _failure(self, exc: Exception) -> OdooCallError | None:
        """What a failed call means, whichever wire it went over; its text never holds the
        secret (a server may echo one). None for anything else: a bug, which propagates."""
        denied = False
        if isinstance(exc, OdooCallError):  # already one (a refused login): nothing more to say
            return exc
        if isinstance(exc, xmlrpc.client.Fault):
            text, transient, code = fault_text(exc), _transient_fault(str(exc.faultString)), exc.faultCode
            denied = code == ACCESS_DENIED
        elif isinstance(exc, xmlrpc.client.ProtocolError):
            text, transient, code = f"HTTP {exc.errcode} {exc.errmsg}", transient_status(exc.errcode), None
        elif isinstance(exc, Json2Error):
            text, transient, code = str(exc), _json2_transient(exc), exc.name
            denied = exc.status == 401 or exc.name in JSON2_DENIED
        elif isinstance(exc, (TimeoutError, ConnectionError, http.client.HTTPException, OSError)):
            text, transient, code = f"{type(exc).__name__}: {exc}", True, None  # the answer may be lost
        else:
            return None
        return OdooCallError(text.replace(self._secret, "***") if self._secret else text, transient, code, denied)


def _transient_fault(text: str) -> bool:
    return any(t in text for t in TRANSIENT_FAULTS)


def _json2_transient(exc: Json2Error) -> bool:
    """Any status ``transient_status`` says is transient (409, a LockError, too) is, except
    a 500 that carries Odoo's error object: that is an exception JSON-2 maps to no status of its
    own, Odoo's verdict on the call as a code-1 fault is over XML-RPC, transient only when it
    names a transient fault (19.0 retries a serialization failure itself, then answers 500
    ``psycopg2.errors.SerializationFailure``; an unknown argument is 500 ``builtins.TypeError``)."""
    if exc.status == 500 and exc.name:
        return _transient_fault(f"{exc.name}: {exc.message}")
    return transient_status(exc.status)


def fault_text(fault: xmlrpc.client.Fault) -> str:
    """The useful line of a fault (a code-1 fault carries a whole traceback)."""
    lines = [line for line in str(fault.faultString).splitlines() if line.strip()]
    text = lines[-1] if fault.faultCode == 1 and lines else str(fault.faultString).strip()
    return f"fault {fault.faultCode}: {text}"
