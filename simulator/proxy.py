"""The fault proxy: a real Odoo behind the simulator's fault rules.

Put in front of any Odoo (``FaultProxy(upstream)`` served by ``ProxyServer``), it forwards
every request and answers what Odoo answered, except where a fault rule fires. The rules
and the control API are the simulator's (``POST /__sim__/faults``...), and each action is
as real as on the simulator: ``drop_response_after_commit`` lets the real Odoo commit,
then closes the client's connection without an answer; ``reset_connection`` resets it
before anything reaches Odoo; ``http_status`` answers as nginx would; ``delay`` and
``slow_down`` sleep; ``odoo_fault`` and ``error_before_commit`` answer with Odoo's fault
without calling Odoo (so nothing is committed). So scenarios that need injected faults
run against real Odoo too.
"""

from __future__ import annotations

import http.client
import xmlrpc.client
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit
from xml.parsers.expat import ExpatError

from werkzeug.wrappers import Request

from simulator import faults
from simulator.control import FaultControl, json_response
from simulator.faults import DropConnection, FaultRule, HTTPStatusFault
from simulator.server import LoopbackServer, SocketGateway
from simulator.xmlrpc import XMLRPC_PATH, encode_fault

#: Headers that belong to one hop, not to the answer passed on.
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "te", "trailer", "upgrade",
              "proxy-authenticate", "proxy-authorization"}


class FaultProxy(FaultControl):
    def __init__(self, upstream: str, timeout: float = 120.0) -> None:
        parts = urlsplit(upstream)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"upstream {upstream!r}: expected http://HOST:PORT or https://HOST:PORT")
        self.upstream, self.timeout = parts, timeout
        self.init_control()

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == "/__sim__/faults":
            return self.on_sim_faults(Request(environ))(environ, start_response)
        if path == "/__sim__/stats":
            return json_response({"upstream": self.upstream.geturl(), **self.call_stats()})(environ, start_response)
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        match = XMLRPC_PATH.match(path)
        if not (match and environ["REQUEST_METHOD"] == "POST"):
            return self._pass_on(environ, start_response, body)
        rule = self._rule(match["service"], body)
        try:
            if rule:
                faults.before_call(rule)
        except HTTPStatusFault as fault:
            return faults.proxy_error(start_response, fault.status)
        except DropConnection as drop:
            faults.drop_connection(environ, drop.reset)
        except Exception as exc:  # an Odoo fault, answered the way Odoo encodes it; Odoo is not called
            return _answer(start_response, "200 OK", [("Content-Type", "text/xml; charset=utf-8")],
                           encode_fault(exc, legacy=not match["v2"]))
        status, headers, answer = self._forward(environ, body)
        if rule:
            try:
                faults.after_call(rule)
            except DropConnection as drop:  # Odoo committed; the answer never reaches the client
                faults.drop_connection(environ, drop.reset)
        return _answer(start_response, status, headers, answer)

    def _rule(self, service: str, body: bytes) -> FaultRule | None:
        try:
            params, method = xmlrpc.client.loads(body)
        except (ExpatError, xmlrpc.client.Error, ValueError):  # not XML-RPC: Odoo will say so; nothing to match
            return None
        model, operation = faults.call_target(service, method, params)
        self.count_call(model, operation)
        return self.faults.pick(model, operation) if self.faults.rules else None

    def _pass_on(self, environ: dict, start_response: Callable, body: bytes) -> Iterable[bytes]:
        return _answer(start_response, *self._forward(environ, body))

    def _forward(self, environ: dict, body: bytes) -> tuple[str, list[tuple[str, str]], bytes]:
        """The same request to the real Odoo; its status, headers and body."""
        secure = self.upstream.scheme == "https"
        connection_class = http.client.HTTPSConnection if secure else http.client.HTTPConnection
        connection = connection_class(self.upstream.hostname, self.upstream.port, timeout=self.timeout)
        target = environ.get("PATH_INFO", "/") + (f"?{environ['QUERY_STRING']}" if environ.get("QUERY_STRING") else "")
        headers = {name[5:].replace("_", "-").title(): value for name, value in environ.items()
                   if name.startswith("HTTP_") and name[5:].lower().replace("_", "-") not in HOP_BY_HOP | {"host"}}
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

    def __init__(self, upstream: str, host: str = "127.0.0.1", port: int = 0, threads: int = 16) -> None:
        super().__init__(FaultProxy(upstream), "odoo-fault-proxy", host, port, threads, gateway=SocketGateway)


def _answer(start_response: Callable, status: str, headers: list[tuple[str, str]], body: bytes) -> list[bytes]:
    start_response(status, [*headers, ("Content-Length", str(len(body)))])
    return [body]
