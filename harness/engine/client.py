"""The engine's only way to Odoo: reads, guarded mutations, retries, the sync log.

Every request goes through ``OdooClient._send``, which writes one ``sync_log`` row
per call sent (status, size and latency measured on the transport). There are two
doors to it: ``read`` accepts read-only ORM methods only, and ``mutate`` accepts the
three allow-listed models only; anything else is refused before it is sent, logged and
counted. ``tests/test_engine_guard.py`` proves nothing else in the engine calls Odoo.
"""

from __future__ import annotations

import http.client
import random
import time
import xmlrpc.client
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from harness.engine.ledger import Ledger, LogRow
from harness.engine.transport import MeasuringTransport, SafeMeasuringTransport
from harness.errors import HarnessError, transient_status

#: The only models the integration may write (DESIGN: "writes to three standard models only").
ALLOWED_MODELS = frozenset({"account.analytic.plan", "account.analytic.account", "project.project"})
#: ORM methods that only read; ``read`` refuses anything else.
READ_METHODS = frozenset({"search", "search_read", "read", "search_count", "read_group", "fields_get",
                          "name_search", "default_get", "check_access_rights", "context_get"})
#: Odoo's own transient faults: retrying the same call is safe and useful.
TRANSIENT_FAULTS = ("could not serialize access", "SerializationFailure", "concurrent update",
                    "deadlock detected", "TransactionRollbackError", "LockNotAvailable")
#: The protocol and the two endpoints every call goes over (what a deprecation concerns).
PROTOCOL = "XML-RPC"
COMMON, OBJECT = "/xmlrpc/2/common", "/xmlrpc/2/object"


class ForbiddenModelError(HarnessError, RuntimeError):
    """A mutation aimed outside the allow-list; it was never sent."""


class OdooCallError(HarnessError, RuntimeError):
    """A call that failed for good (after retries where retrying made sense)."""

    def __init__(self, message: str, transient: bool, fault_code: Any = None) -> None:
        super().__init__(message)
        self.transient = transient
        self.fault_code = fault_code


@dataclass
class RetryPolicy:
    """Capped exponential backoff with full jitter."""

    attempts: int = 6
    base: float = 0.5
    cap: float = 30.0
    sleep: Callable[[float], None] = time.sleep
    rng: random.Random = field(default_factory=random.Random)

    def delay(self, attempt: int) -> float:
        return self.rng.uniform(0, min(self.cap, self.base * 2 ** attempt))


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


class OdooClient:
    """One tenant's connection to one Odoo database."""

    def __init__(self, url: str, db: str, login: str, password: str, *, tenant: str, ledger: Ledger,
                 transport: xmlrpc.client.Transport | None = None, retry: RetryPolicy | None = None,
                 timeout: float = 30.0) -> None:
        self.url = url.rstrip("/")
        self.db, self.login = db, login
        self._password = password
        self.tenant = tenant
        self.ledger = ledger
        self.retry = retry or RetryPolicy()
        secure = self.url.startswith("https://")
        self.transport = transport or (SafeMeasuringTransport if secure else MeasuringTransport)(timeout)
        self._common = xmlrpc.client.ServerProxy(f"{self.url}{COMMON}", transport=self.transport, allow_none=True)
        self._object = xmlrpc.client.ServerProxy(f"{self.url}{OBJECT}", transport=self.transport, allow_none=True)
        self.uid: int | None = None
        self.counters = Counters()

    def __repr__(self) -> str:  # never shows the password
        return f"OdooClient({self.url!r}, db={self.db!r}, login={self.login!r}, tenant={self.tenant!r})"

    # -- the two doors ---------------------------------------------------------------

    def version(self) -> dict:
        return self._send(COMMON, "common.version", "version", None, lambda: self._common.version())

    def authenticate(self) -> int:
        uid = self._send(COMMON, "common.authenticate", "authenticate", None, lambda: self._common.authenticate(
            self.db, self.login, self._password, {}))
        if not uid:
            raise OdooCallError(f"authentication refused for login {self.login!r} on database {self.db!r}",
                                transient=False, fault_code=3)
        self.uid = uid
        return uid

    def read(self, model: str, method: str, args: list, kwargs: dict | None = None, *,
             entity: str = "") -> Any:
        """A read-only ORM call, retried on transient failures."""
        if method not in READ_METHODS:
            raise ForbiddenModelError(f"{model}.{method} is not a read method; mutations go through mutate()")
        return self._object_call(model, method, args, kwargs or {}, entity or model, method, None, retry=True)

    def mutate(self, model: str, method: str, args: list, kwargs: dict | None = None, *, entity: str,
               key: str, retry: bool) -> Any:
        """A write to an allow-listed model. ``retry`` only for calls that are safe to
        repeat (a write of the same values); creates are retried by the engine after
        reading back what Odoo already holds."""
        if model not in ALLOWED_MODELS:
            self.counters.refused += 1
            reason = f"refused: {model} is not in the allow-list ({', '.join(sorted(ALLOWED_MODELS))})"
            self.ledger.log(LogRow(self.tenant, entity, method, key, "refused", error=reason, model=model,
                                   method=method))
            raise ForbiddenModelError(reason)
        return self._object_call(model, method, args, kwargs or {}, entity, method, key, retry=retry)

    def log_skip(self, entity: str, operation: str, key: str, reason: str) -> None:
        self.ledger.log(LogRow(self.tenant, entity, operation, key, "skipped", error=reason))

    # -- sending ---------------------------------------------------------------------

    def _object_call(self, model: str, method: str, args: list, kwargs: dict, entity: str, operation: str,
                     key: str | None, retry: bool) -> Any:
        if self.uid is None:
            self.authenticate()
        send = lambda: self._object.execute_kw(  # noqa: E731
            self.db, self.uid, self._password, model, method, args, kwargs)
        attempts = self.retry.attempts if retry else 1
        for attempt in range(attempts):
            try:
                return self._send(OBJECT, entity, operation, key, send, model=model, method=method)
            except OdooCallError as exc:
                if not exc.transient or attempt == attempts - 1:
                    raise
                self.counters.retries += 1
                self.retry.sleep(self.retry.delay(attempt))
        raise AssertionError("unreachable")

    def _send(self, endpoint: str, entity: str, operation: str, key: str | None, call: Callable[[], Any], *,
              model: str | None = None, method: str | None = None) -> Any:
        """Send one request to ``endpoint`` and log it, whatever its outcome."""
        self.counters.sent(endpoint)
        error: str | None = None
        try:
            return call()
        except xmlrpc.client.Fault as fault:
            error = fault_text(fault)
            raise OdooCallError(error, transient=any(t in fault.faultString for t in TRANSIENT_FAULTS),
                                fault_code=fault.faultCode) from None
        except xmlrpc.client.ProtocolError as exc:
            error = f"HTTP {exc.errcode} {exc.errmsg}"
            raise OdooCallError(error, transient=transient_status(exc.errcode)) from None
        except (TimeoutError, ConnectionError, http.client.HTTPException, OSError) as exc:
            error = f"{type(exc).__name__}: {exc}"
            raise OdooCallError(error, transient=True) from None
        finally:
            measured = getattr(self.transport, "last", None)
            self.ledger.log(LogRow(
                self.tenant, entity, operation, key, "sent",
                http_status=measured.http_status if measured else None,
                response_size=measured.response_size if measured else None,
                latency_ms=round(measured.latency_ms, 3) if measured else None,
                error=error, model=model, method=method))


def fault_text(fault: xmlrpc.client.Fault) -> str:
    """The useful line of a fault (a code-1 fault carries a whole traceback)."""
    lines = [line for line in str(fault.faultString).splitlines() if line.strip()]
    text = lines[-1] if fault.faultCode == 1 and lines else str(fault.faultString).strip()
    return f"fault {fault.faultCode}: {text}"
