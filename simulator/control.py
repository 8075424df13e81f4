"""The control API's part shared by the simulator and the fault proxy: who may call it, the fault rules
(``GET / POST / DELETE /__sim__/faults``, JSON) and the call and fault counts that ``/__sim__/stats``
reports.

The control API resets databases, drops them and sets passwords: it answers the tools on this machine
only, never a web page the user happens to visit. A browser can send a "simple" cross-origin POST
(``text/plain``, no preflight) or reach 127.0.0.1 under a rebound DNS name; so a request is refused
when its ``Host`` is not a loopback name, when it carries an ``Origin`` that is not the server's own
loopback origin or a ``Sec-Fetch-Site`` other than ``same-origin`` / ``none``, and when it has a body
that is not ``application/json``. With a token set, every request must also carry
``Authorization: Bearer <token>``.
"""

from __future__ import annotations

import hmac
import json
import threading
from collections import Counter
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from werkzeug.wrappers import Request, Response

from simulator.faults import FaultPlan, FaultRule, FaultRuleError, parse_rules

JSON_TYPE = "application/json"
LOOPBACK = ("127.0.0.1", "localhost", "::1")
#: ``Sec-Fetch-Site`` of a request no other site made: a page of this server's, or an address typed in.
OWN_SITES = ("same-origin", "none")
AUTHENTICATE = 'Bearer realm="odoo-harness control API"'


class ControlRequestError(ValueError):
    """A control API request whose body cannot be used: a 400, the message naming what is wrong."""


class FaultControl:
    """Mixed into a WSGI app; ``init_control()`` in its constructor."""

    faults: FaultPlan
    calls: Counter[str]

    def init_control(self, token: str | None = None) -> None:
        """``token``: what ``Authorization: Bearer`` must carry (None: no token asked)."""
        self.faults = FaultPlan()
        self.calls = Counter()
        self._calls_lock = threading.Lock()
        self._control_token = token

    def serve_control(self, request: Request, handler: Callable[[], Response]) -> Response:
        """A control API request: refused (no token, another site, a body that is no JSON), else the
        handler's answer; a body the handler cannot use is a JSON 400 naming what."""
        refused = refusal(request, self._control_token)
        if refused is not None:
            return refused
        try:
            return handler()
        except ControlRequestError as exc:
            return json_response({"error": str(exc)}, status=400)

    def count_call(self, model: str, method: str) -> None:
        with self._calls_lock:
            self.calls[f"{model}.{method}"] += 1

    def fault_rule(self, model: str, method: str) -> FaultRule | None:
        """A call received (counted as ``model.method``) and the fault rule that fires for it, if any."""
        self.count_call(model, method)
        return self.faults.pick(model, method) if self.faults.rules else None

    def clear_counts(self) -> None:
        with self._calls_lock:
            self.calls.clear()

    def call_stats(self) -> dict[str, Any]:
        """The calls received, by ``model.method``, and how often each fault rule fired."""
        with self._calls_lock:
            calls = dict(self.calls)
        return {"calls": sum(calls.values()), "by_method": calls, "faults": self.fault_counts()}

    def on_sim_faults(self, request: Request) -> Response:
        if request.method == "GET":
            return json_response(self.faults.describe())
        if request.method == "DELETE":
            self.faults.clear()
            return json_response({"rules": 0})
        try:
            rules = parse_rules(json_body(request))
        except FaultRuleError as exc:
            return json_response({"error": str(exc)}, status=400)
        self.faults.replace(rules)
        return json_response({"rules": len(rules)})

    def fault_counts(self) -> dict[str, int]:
        return {f"{r.model}:{r.method}:{r.action}": r.fired for r in self.faults.rules}


def refusal(request: Request, token: str | None) -> Response | None:
    """The answer refusing a control API request, or None to serve it."""
    if token is not None and not _bears(request, token):
        error = "the control API needs its token: send Authorization: Bearer <token>"
        return json_response({"error": error}, status=401, headers={"WWW-Authenticate": AUTHENTICATE})
    foreign = _foreign(request)
    if foreign:
        return json_response({"error": foreign}, status=403)
    if _has_body(request) and request.mimetype != JSON_TYPE:
        error = f"the body must be {JSON_TYPE}, not {request.mimetype or 'untyped'}"
        return json_response({"error": error}, status=415)
    return None


def _bears(request: Request, token: str) -> bool:
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())


def _foreign(request: Request) -> str | None:
    """Why the request comes from a web page rather than a tool on this machine, if it does."""
    host = request.environ.get("HTTP_HOST")
    if host is not None and _hostname(f"//{host}") not in LOOPBACK:
        return f"Host {host!r}: the control API answers at a loopback address only (127.0.0.1, localhost, [::1])"
    origin = request.headers.get("Origin")
    if origin is not None and not _own_origin(origin, request.environ.get("SERVER_PORT", "")):
        return f"Origin {origin!r}: the control API answers no web page but its own server's"
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None and site not in OWN_SITES:
        return f"Sec-Fetch-Site {site!r}: the control API answers no web page but its own server's"
    return None


def _own_origin(origin: str, server_port: str) -> bool:
    """Whether ``origin`` is this server at one of its loopback names."""
    try:
        parts = urlsplit(origin)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return False
    return parts.scheme == "http" and parts.hostname in LOOPBACK and str(port) == server_port


def _hostname(url: str) -> str | None:
    try:
        return urlsplit(url).hostname
    except ValueError:  # "[::1" and the like
        return None


def _has_body(request: Request) -> bool:
    return bool(request.content_length) or "chunked" in request.headers.get("Transfer-Encoding", "").lower()


def json_body(request: Request) -> Any:
    """The request's JSON body, None without one; a body that is no JSON raises ``ControlRequestError``."""
    data = request.get_data()
    if not data:
        return None
    try:
        return json.loads(data)
    except ValueError as exc:  # not JSON, or not UTF-8
        raise ControlRequestError(f"the body is not JSON: {exc}") from None


def json_object(request: Request) -> dict[str, Any]:
    """The request's body, a JSON object (``{}`` without a body)."""
    payload = json_body(request)
    if payload is None:
        return {}
    if not isinstance(payload, dict):
        raise ControlRequestError(f"the body must be a JSON object, not {type(payload).__name__}")
    return payload


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(json.dumps(data), status=status, content_type=JSON_TYPE, headers=headers)
