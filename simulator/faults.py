"""Fault rules: what the control API accepts at ``POST /__sim__/faults``.

A rule is ``{"model": glob, "method": glob, "action": ACTION, "times": N |
"probability": p, "seed": s, ...params}``. This module validates and matches
rules deterministically (a seeded RNG per rule) and applies them to one call:
``before_call`` (delay, HTTP status, reset, errors: nothing is committed) and
``after_call`` (a response lost after commit, a slow answer); ``serve`` puts one call on the wire
under its rule, turning ``HTTPStatusFault`` and ``DropConnection`` into what a proxy or a network
would do, for the simulator and the fault proxy alike, over XML-RPC and JSON-2.
"""

from __future__ import annotations

import errno
import fnmatch
import http.client
import json
import math
import random
import re
import socket
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from simulator.errors import (
    AccessDenied,
    AccessError,
    LockError,
    MissingError,
    ServerError,
    UserError,
    ValidationError,
)

ACTIONS = (
    "error_before_commit",
    "drop_response_after_commit",
    "delay",
    "http_status",
    "reset_connection",
    "odoo_fault",
    "slow_down",
)
COMMON_KEYS = {"model", "method", "action", "times", "probability", "seed"}
#: The longest ``delay`` or ``slow_down``, in seconds.
MAX_SECONDS = 60
ACTION_PARAMS = {
    "error_before_commit": {"message"},
    "drop_response_after_commit": set(),
    "delay": {"seconds"},
    "slow_down": {"seconds"},
    "http_status": {"status"},
    "reset_connection": set(),
    "odoo_fault": {"fault", "message"},
}


#: The Odoo faults a rule can raise, by name: the exception real Odoo raises for each (as the
#: protocol encodes it), from the rule's message or Odoo's own default text.
ODOO_FAULTS: dict[str, Callable[[str | None], Exception]] = {
    "serialization_failure": lambda m: ServerError(
        "psycopg2.errors.SerializationFailure", m or "could not serialize access due to concurrent update"
    ),
    "concurrent_update": lambda m: ServerError(
        "psycopg2.errors.SerializationFailure", m or "could not serialize access due to concurrent update"
    ),
    "access_denied": lambda m: AccessDenied(m or "Access Denied"),
    "access_error": lambda m: AccessError(m or "You are not allowed to access this document."),
    "validation_error": lambda m: ValidationError(m or "The operation cannot be completed."),
    "user_error": lambda m: UserError(m or "Simulated user error"),
    "missing_error": lambda m: MissingError(m or "Record does not exist or has been deleted."),
    "lock_error": lambda m: LockError(m or "Cannot grab a lock on records"),
    "internal_error": lambda m: ServerError("Exception", m or "Simulated internal error"),
}


class FaultRuleError(ValueError):
    """A rule that cannot be used; the message names the rule and the key."""


@dataclass
class FaultRule:
    model: str
    method: str
    action: str
    times: int | None = None
    probability: float | None = None
    seed: int | None = None
    params: dict[str, Any] = field(default_factory=dict)
    fired: int = 0

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)

    def matches(self, model: str, method: str) -> bool:
        return fnmatch.fnmatchcase(model, self.model) and fnmatch.fnmatchcase(method, self.method)

    def draw(self) -> bool:
        """Whether this call is hit; counts down ``times`` or draws ``probability``."""
        if self.times is not None:
            return self.fired < self.times
        return self._rng.random() < (self.probability if self.probability is not None else 1.0)


def _integer(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


#: What each key takes, and how an error says it. The bounds are the harness's typed rules'
#: (``harness/scenarios/steps.py``): a sleep long enough for any client timeout a test sets and short
#: enough to end (a longer one holds a server thread and its caller that long), an HTTP error status
#: (anything else is no gateway's answer).
CHECKS: dict[str, tuple[Callable[[Any], bool], str]] = {
    "model": (lambda v: isinstance(v, str), "a glob string"),
    "method": (lambda v: isinstance(v, str), "a glob string"),
    "times": (lambda v: v is None or (_integer(v) and v >= 0), "a non-negative integer"),
    "probability": (lambda v: v is None or (_number(v) and 0 <= v <= 1), "a number from 0 to 1"),
    "seed": (lambda v: v is None or _integer(v), "an integer"),
    "seconds": (lambda v: _number(v) and 0 < v <= MAX_SECONDS, f"a number of seconds above 0, at most {MAX_SECONDS}"),
    "status": (lambda v: _integer(v) and 400 <= v <= 599, "an HTTP error status, a whole number from 400 to 599"),
    "message": (lambda v: v is None or isinstance(v, str), "a string"),
    "fault": (
        lambda v: isinstance(v, str) and v in ODOO_FAULTS,
        "one of the Odoo faults: " + ", ".join(sorted(ODOO_FAULTS)),
    ),
}


def parse_rules(payload: Any) -> list[FaultRule]:
    """Validate a JSON list of rules; the first bad one raises with its index."""
    if not isinstance(payload, list):
        raise FaultRuleError("fault rules must be a JSON list of objects")
    return [_parse_rule(index, item) for index, item in enumerate(payload)]


def _parse_rule(index: int, item: Any) -> FaultRule:
    where = f"rule #{index}"
    if not isinstance(item, dict):
        raise FaultRuleError(f"{where}: must be an object, got {type(item).__name__}")
    action = item.get("action")
    if action not in ACTIONS:
        raise FaultRuleError(f"{where}: 'action' must be one of {', '.join(ACTIONS)}; got {action!r}")
    unknown = set(item) - COMMON_KEYS - ACTION_PARAMS[action]
    if unknown:
        raise FaultRuleError(f"{where}: unknown key(s) for {action}: {', '.join(sorted(unknown))}")
    if "times" in item and "probability" in item:
        raise FaultRuleError(f"{where}: give 'times' or 'probability', not both")
    for key, value in item.items():
        takes, expected = CHECKS.get(key, (None, ""))
        if takes and not takes(value):
            raise FaultRuleError(f"{where}: {key!r} must be {expected}; got {value!r}")
    return FaultRule(
        model=item.get("model", "*"),
        method=item.get("method", "*"),
        action=action,
        times=item.get("times"),
        probability=item.get("probability"),
        seed=item.get("seed"),
        params={k: v for k, v in item.items() if k in ACTION_PARAMS[action]},
    )


class FaultPlan:
    """The active rules of one server; thread-safe, replaced as a whole."""

    def __init__(self) -> None:
        self.rules: list[FaultRule] = []
        self.lock = threading.Lock()

    def replace(self, rules: list[FaultRule]) -> None:
        with self.lock:
            self.rules = rules

    def clear(self) -> None:
        self.replace([])

    def pick(self, model: str, method: str) -> FaultRule | None:
        """The first matching rule that fires for this call (counted as fired)."""
        with self.lock:
            for rule in self.rules:
                if rule.matches(model, method) and rule.draw():
                    rule.fired += 1
                    return rule
        return None

    def describe(self) -> list[dict]:
        return [
            {
                "model": r.model,
                "method": r.method,
                "action": r.action,
                "times": r.times,
                "probability": r.probability,
                "fired": r.fired,
                **r.params,
            }
            for r in self.rules
        ]


# -- applying a rule to one call ------------------------------------------------------


class HTTPStatusFault(Exception):
    """Answer with this HTTP status and a proxy's HTML page instead of calling Odoo."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


class DropConnection(Exception):
    """Close the client's connection without an answer; ``reset`` sends a TCP RST."""

    def __init__(self, reset: bool) -> None:
        super().__init__("reset" if reset else "drop")
        self.reset = reset


def odoo_fault(name: str, message: str | None) -> Exception:
    """The exception real Odoo raises for a named fault (a name ``parse_rules`` took)."""
    return ODOO_FAULTS[name](message)


def before_call(rule: FaultRule) -> None:
    """The part of a rule that acts before the call runs (nothing is committed)."""
    params = rule.params
    if rule.action == "delay":
        time.sleep(float(params.get("seconds", 1.0)))
    elif rule.action == "http_status":
        raise HTTPStatusFault(int(params.get("status", 503)))
    elif rule.action == "reset_connection":
        raise DropConnection(reset=True)
    elif rule.action == "error_before_commit":
        raise ServerError(
            "psycopg2.OperationalError", params.get("message") or "server closed the connection unexpectedly"
        )
    elif rule.action == "odoo_fault":
        raise odoo_fault(params.get("fault", "serialization_failure"), params.get("message"))


def after_call(rule: FaultRule) -> None:
    """The part that acts once the call has committed."""
    if rule.action == "drop_response_after_commit":
        raise DropConnection(reset=False)
    if rule.action == "slow_down":
        time.sleep(float(rule.params.get("seconds", 1.0)))


# -- what a call is about, and how a call and its faults look on the wire ---------------

PROXY_PAGE = (
    "<html>\r\n<head><title>{status} {reason}</title></head>\r\n<body>\r\n"
    "<center><h1>{status} {reason}</h1></center>\r\n<hr><center>nginx</center>\r\n"
    "</body>\r\n</html>\r\n"
)
#: ``POST /json/2/<model>/<method>``: a JSON-2 call (19.0+), and the version its clients ask first.
JSON2_CALL = re.compile(r"^/json/2/(?P<model>[^/]+)/(?P<method>[^/]+)$")
JSON2_VERSION = "/json/version"
#: An HTTP answer: the status line, the headers (but Content-Length), the body.
Answer = tuple[str, list[tuple[str, str]], bytes]


def call_target(service: str, method: str, params: Any) -> tuple[str, str]:
    """What a call is about, for stats and fault rules: ``model``/``method`` of an ORM
    call, else the service and its method (``common``/``authenticate``)."""
    if service == "object" and method in ("execute_kw", "execute") and len(params) >= 5:
        return str(params[3]), str(params[4])
    return service, method


def json2_target(request_method: str, path: str, body: bytes) -> tuple[str, str] | None:
    """What a JSON-2 request is about: a call named as the same ORM call over XML-RPC is (``res.partner``/
    ``create``), ``GET /json/version`` as ``json``/``version`` (XML-RPC's ``common``/``version``); None
    for any other request, and for a call whose body is not JSON (nothing to match: Odoo says so itself)."""
    if path == JSON2_VERSION and request_method == "GET":
        return "json", "version"
    match = JSON2_CALL.match(path)
    if not (match and request_method == "POST"):
        return None
    try:
        json.loads(body or b"{}")
    except ValueError:
        return None
    return match["model"], match["method"]


def serve(
    environ: dict,
    start_response: Callable,
    rule: FaultRule | None,
    call: Callable[[], Answer],
    refuse: Callable[[Exception], Answer],
) -> list[bytes]:
    """One call on the wire under the rule that fired for it, if any: the rule's part before the call
    (a gateway's page, a reset, an Odoo error that ``refuse`` answers with: then the call is not made),
    the call, then its part after (the answer lost once the call committed, a slow answer)."""
    try:
        if rule:
            before_call(rule)
    except HTTPStatusFault as fault:
        return write(start_response, proxy_page(fault.status))
    except DropConnection as drop:
        drop_connection(environ, drop.reset)
    except Exception as exc:
        return write(start_response, refuse(exc))
    answer = call()
    if rule:
        try:
            after_call(rule)
        except DropConnection as drop:
            drop_connection(environ, drop.reset)
    return write(start_response, answer)


def write(start_response: Callable, answer: Answer) -> list[bytes]:
    status, headers, body = answer
    start_response(status, [*headers, ("Content-Length", str(len(body)))])
    return [body]


def proxy_page(status: int) -> Answer:
    """The page nginx answers in front of an Odoo that did not (502 / 503 / 504, or any error status)."""
    reason = http.client.responses.get(status, "Error")
    page = PROXY_PAGE.format(status=status, reason=reason).encode()
    return f"{status} {reason}", [("Content-Type", "text/html")], page


def drop_connection(environ: dict, reset: bool) -> None:
    """End the call with no answer. Raising a connection error makes the server close
    the socket quietly: a FIN (the client sees the connection closed without a
    response) or, with ``reset``, an RST (linger 0). In-process the caller gets the
    error itself."""
    sock = environ.get("simulator.socket")
    if reset and sock is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    if reset:
        raise ConnectionResetError(errno.ECONNRESET, "connection reset (simulated fault)")
    raise BrokenPipeError(errno.EPIPE, "response lost after commit (simulated fault)")
