"""The fault proxy: a real Odoo behind the simulator's fault rules.

Put in front of any Odoo (``FaultProxy(upstream)`` served by ``ProxyServer``), it forwards
every request and answers what Odoo answered, except where a fault rule fires on an RPC call
(XML-RPC, or JSON-2's ``POST /json/2/<model>/<method>``, named ``model.method`` alike, and its
``GET /json/version``, ``json.version`` as XML-RPC's ``common.version``). The rules
and the control API are the simulator's (``POST /__sim__/faults``...), and each action is
as real as on the simulator: ``drop_response_after_commit`` lets the real Odoo commit,
then closes the client's connection without an answer; ``reset_connection`` resets it
before anything reaches Odoo; ``http_status`` answers as nginx would; ``delay`` and
``slow_down`` sleep; ``odoo_fault`` and ``error_before_commit`` answer with Odoo's fault (over
JSON-2 its error object, with the status Odoo gives it) without calling Odoo (so nothing is
committed). So scenarios that need injected faults run against real Odoo too.

When Odoo itself fails the proxy answers as a reverse proxy does, never with a dropped connection
(the engine would take that for an injected lost answer): 502 Bad Gateway when Odoo cannot be reached
or answers something that is no HTTP, 504 Gateway Timeout when it says nothing for ``timeout`` seconds
(30 by default: nginx's ``proxy_read_timeout`` is 60, the engine's own client gives up after 30).
It starts with the simulator's four workers: its pool grows by one whenever a request would wait
(a slow or hung upstream holds one each), and every scenario starts a proxy of its own.
"""

from __future__ import annotations

import http.client
import logging
import xmlrpc.client
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit
from xml.parsers.expat import ExpatError

from werkzeug.wrappers import Request, Response

from simulator import faults
from simulator.control import FaultControl, json_response
from simulator.json2 import as_answer, error_response
from simulator.quirks import JsonRpc
from simulator.server import Limits, LoopbackServer, SocketGateway
from simulator.xmlrpc import XMLRPC_PATH, encode_fault

LOG = logging.getLogger(__name__)
#: How long the proxy waits for Odoo to connect, or to send the next bytes of its answer.
TIMEOUT = 30.0
#: The control API the proxy serves itself: ``/__sim__/faults``, ``/__sim__/stats``.
CONTROL_PATHS = ("/__sim__/faults", "/__sim__/stats")

#: Odoo's error objects as JSON-2's versions write them (19.0's ``serialize_exception``: an AccessDenied
#: without its traceback); the proxy does not ask the server behind it its version.
JSON2_STYLE = JsonRpc(access_denied_debug="exception_line")
#: Headers that belong to one hop, not to the answer passed on.
HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "transfer-encoding",
    "content-length",
    "te",
    "trailer",
    "upgrade",
    "proxy-authenticate",
    "proxy-authorization",
}


class FaultProxy(FaultControl):
    def __init__(self, upstream: str, timeout: float = TIMEOUT, control_token: str | None = None) -> None:
        """``timeout``: seconds Odoo may stay silent before the proxy answers 504; ``control_token``: what
        the control API's ``Authorization: Bearer`` must carry (None: none asked)."""
        parts = urlsplit(upstream)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"upstream {upstream!r}: expected http://HOST:PORT or https://HOST:PORT")
        self.upstream, self.timeout = parts, timeout
        self.init_control(control_token)

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path in CONTROL_PATHS:
            request = Request(environ)
            return self.serve_control(request, lambda: self._on_control(request, path))(environ, start_response)
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        called = self._call(environ["REQUEST_METHOD"], path, body)
        if called is None:
            return self._pass_on(environ, start_response, body)
        target, refuse = called
        rule = self.fault_rule(*target)
        return faults.serve(environ, start_response, rule, lambda: self._forward(environ, body), refuse)

    def _on_control(self, request: Request, path: str) -> Response:
        if path == "/__sim__/faults":
            return self.on_sim_faults(request)
        return json_response({"upstream": self.upstream.geturl(), **self.call_stats()})

    @staticmethod
    def _call(request_method: str, path: str, body: bytes) -> tuple[tuple[str, str], Callable] | None:
        """What an RPC call is about and how Odoo answers one of its errors (an XML-RPC fault, JSON-2's
        error object and status); None for anything else, or a body the proxy cannot read (passed on:
        Odoo answers it)."""
        match = XMLRPC_PATH.match(path)
        if match and request_method == "POST":
            try:
                params, method = xmlrpc.client.loads(body)
            except (ExpatError, xmlrpc.client.Error, ValueError):
                return None
            legacy = not match["v2"]
            return faults.call_target(match["service"], method, params), lambda exc: (
                "200 OK",
                [("Content-Type", "text/xml; charset=utf-8")],
                encode_fault(exc, legacy),
            )
        target = faults.json2_target(request_method, path, body)
        if target is None:
            return None
        return target, lambda exc: as_answer(error_response(exc, JSON2_STYLE))

    def _pass_on(self, environ: dict, start_response: Callable, body: bytes) -> Iterable[bytes]:
        return faults.write(start_response, self._forward(environ, body))

    def _forward(self, environ: dict, body: bytes) -> faults.Answer:
        """The same request to the real Odoo: its status, headers and body; a gateway's answer when
        there is none."""
        try:
            return self._exchange(environ, body)
        except TimeoutError:
            return self._gateway_error(504, f"{self._origin} did not answer within {self.timeout:g} s")
        except (OSError, http.client.HTTPException) as exc:
            problem = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
            return self._gateway_error(502, f"the fault proxy could not get an answer from {self._origin} ({problem})")

    @property
    def _origin(self) -> str:
        """The upstream as an answer names it: scheme, host and port (never credentials in the URL)."""
        port = f":{self.upstream.port}" if self.upstream.port else ""
        return f"{self.upstream.scheme}://{self.upstream.hostname}{port}"

    def _gateway_error(self, status: int, detail: str) -> faults.Answer:
        reason = http.client.responses[status]
        LOG.warning("%s %s: %s", status, reason, detail)
        return (
            f"{status} {reason}",
            [("Content-Type", "text/plain; charset=utf-8")],
            f"{status} {reason}: {detail}\n".encode(),
        )

    def _exchange(self, environ: dict, body: bytes) -> faults.Answer:
        """One request and its answer, as HTTP sends them: what Odoo says, untouched."""
        secure = self.upstream.scheme == "https"
        connection_class = http.client.HTTPSConnection if secure else http.client.HTTPConnection
        connection = connection_class(self.upstream.hostname, self.upstream.port, timeout=self.timeout)
        target = environ.get("PATH_INFO", "/") + (f"?{environ['QUERY_STRING']}" if environ.get("QUERY_STRING") else "")
        headers = {
            name[5:].replace("_", "-").title(): value
            for name, value in environ.items()
            if name.startswith("HTTP_") and name[5:].lower().replace("_", "-") not in HOP_BY_HOP | {"host"}
        }
        if environ.get("CONTENT_TYPE"):
            headers["Content-Type"] = environ["CONTENT_TYPE"]
        try:
            connection.request(environ["REQUEST_METHOD"], target, body=body or None, headers=headers)
            response = connection.getresponse()
            answer = response.read()
        finally:
            connection.close()
        kept = [(name, value) for name, value in response.getheaders() if name.lower() not in HOP_BY_HOP]
        return f"{response.status} {response.reason}", kept, answer


class ProxyServer(LoopbackServer):
    """A fault proxy on loopback: ``with ProxyServer(upstream) as proxy: proxy.url``."""

    app: FaultProxy

    def __init__(
        self,
        upstream: str,
        host: str = "127.0.0.1",
        port: int = 0,
        threads: int = 4,
        timeout: float = TIMEOUT,
        control_token: str | None = None,
        limits: Limits | None = None,
    ) -> None:
        app = FaultProxy(upstream, timeout=timeout, control_token=control_token)
        super().__init__(app, "odoo-fault-proxy", host, port, threads, SocketGateway, limits or Limits())
