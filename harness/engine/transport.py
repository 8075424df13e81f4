"""Transports that measure what the sync log records.

``MeasuringTransport`` is ``xmlrpc.client.Transport`` over HTTP(S) with keep-alive and a
timeout; ``WSGITransport`` calls any WSGI application in-process (the simulator, for
speed), the way httpx's WSGITransport swaps the network out. ``MeasuringHttp`` carries
JSON-2's plain HTTP requests the same way (keep-alive, a timeout, one attempt). All report
the real HTTP status, response size and latency of every request in ``last``.
"""

from __future__ import annotations

import http.client
import io
import select
import time
import urllib.parse
import xmlrpc.client
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Exchange:
    """What one request measured: nothing here is invented."""

    http_status: int | None
    response_size: int | None
    latency_ms: float


class _Measured:
    last: Exchange | None = None

    def _parse(
        self, status: int, reason: str, body: bytes, host: str, handler: str, headers: dict, started: float
    ) -> Any:
        self.last = Exchange(status, len(body), (time.perf_counter() - started) * 1000)
        if status != 200:
            raise xmlrpc.client.ProtocolError(host + handler, status, reason, headers)
        parser, unmarshaller = xmlrpc.client.getparser()
        parser.feed(body)
        parser.close()
        return unmarshaller.close()


class MeasuringTransport(_Measured, xmlrpc.client.Transport):
    """Keep-alive HTTP with a timeout; measures each request."""

    def __init__(self, timeout: float = 30.0) -> None:
        super().__init__()
        self.timeout = timeout

    def make_connection(self, host: Any) -> Any:
        if self._connection[1] is not None and _dropped(self._connection[1]):
            self.close()  # the server closed the idle kept-alive socket: a new one, nothing was sent
        connection = super().make_connection(host)
        connection.timeout = self.timeout
        return connection

    def request(self, host: Any, handler: str, request_body: bytes, verbose: bool = False) -> Any:
        """One attempt only: the stdlib re-sends a request once when a kept-alive
        connection drops, which duplicates a create whose answer was lost. The engine
        decides about retries itself."""
        return self.single_request(host, handler, request_body, verbose)

    def single_request(self, host: Any, handler: str, request_body: bytes, verbose: bool = False) -> Any:
        started = time.perf_counter()
        self.last = Exchange(None, None, 0.0)
        try:
            connection = _written_once(
                lambda: self.send_request(host, handler, request_body, verbose),
                reused=self._connection[1] is not None and self._connection[1].sock is not None,
                reopen=self.close,
            )
            response = connection.getresponse()
            body = response.read()
        except BaseException:
            self.last = Exchange(None, None, (time.perf_counter() - started) * 1000)
            self.close()
            raise
        return self._parse(
            response.status, response.reason, body, str(host), handler, dict(response.getheaders()), started
        )


class SafeMeasuringTransport(MeasuringTransport, xmlrpc.client.SafeTransport):
    """The same over HTTPS."""


def post_environ(handler: str, body: bytes) -> dict[str, Any]:
    """The WSGI environ of an XML-RPC ``POST`` of ``body`` to ``handler`` (a path, with its query if any),
    as a server would pass it."""
    path, _sep, query = handler.partition("?")
    return {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "0",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "CONTENT_TYPE": "text/xml",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": io.StringIO(),
        "wsgi.url_scheme": "http",
        "wsgi.version": (1, 0),
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }


class WSGITransport(_Measured, xmlrpc.client.Transport):
    """Calls a WSGI application directly: no socket, same bytes."""

    def __init__(self, app: Callable[..., Any]) -> None:
        super().__init__()
        self.app = app

    def request(self, host: Any, handler: str, request_body: bytes, verbose: bool = False) -> Any:
        started = time.perf_counter()
        environ = post_environ(handler, request_body)
        captured: dict[str, Any] = {}

        def start_response(status: str, headers: list, exc_info: Any = None) -> Callable:
            captured["status"], captured["headers"] = status, dict(headers)
            return lambda data: None

        body = b"".join(self.app(environ, start_response))
        code, _sep, reason = captured["status"].partition(" ")
        return self._parse(int(code), reason, body, str(host), handler, captured["headers"], started)


@dataclass(frozen=True)
class Reply:
    """An HTTP answer as it came: JSON-2 reads the status and the body itself."""

    status: int
    reason: str
    body: bytes


class MeasuringHttp:
    """One kept-alive HTTP(S) connection to one server, with a timeout; measures each request.

    Like ``MeasuringTransport``, a request is sent once: ``http.client`` never re-sends it,
    so a connection that drops after the request went out surfaces as the same exceptions
    (``RemoteDisconnected``, ``ConnectionResetError``, ``TimeoutError``) for the engine to
    resolve by reading back.
    """

    last: Exchange | None = None

    def __init__(self, url: str, timeout: float = 30.0) -> None:
        parts = urllib.parse.urlsplit(url)
        connection = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        self._connection = connection(parts.hostname or "", parts.port, timeout=timeout)
        self._prefix = parts.path.rstrip("/")

    def request(self, method: str, path: str, body: bytes | None, headers: dict[str, str]) -> Reply:
        started = time.perf_counter()
        self.last = Exchange(None, None, 0.0)
        try:
            if _dropped(self._connection):
                self._connection.close()  # closed by the server while idle: a new one, nothing was sent
            _written_once(
                lambda: self._connection.request(method, self._prefix + path, body, headers),
                reused=self._connection.sock is not None,
                reopen=self._connection.close,
            )
            response = self._connection.getresponse()
            data = response.read()
        except BaseException:
            self.last = Exchange(None, None, (time.perf_counter() - started) * 1000)
            self._connection.close()
            raise
        self.last = Exchange(response.status, len(data), (time.perf_counter() - started) * 1000)
        return Reply(response.status, response.reason, data)

    def close(self) -> None:
        self._connection.close()


def _written_once(send: Callable[[], Any], reused: bool, reopen: Callable[[], None]) -> Any:
    """``send()``, writing one request. On a kept-alive connection the server may close it while
    idle just after ``_dropped`` looked: then writing fails (a broken pipe, a reset) and the server
    read no whole request, so it is written once more on a new connection. A failure after the
    request was written (no answer) is never re-sent here: the engine decides, having read back."""
    try:
        return send()
    except (BrokenPipeError, ConnectionResetError):
        if not reused:
            raise
        reopen()
        return send()


def _dropped(connection: http.client.HTTPConnection) -> bool:
    """Whether the peer closed a kept-alive connection while it was idle (readable with
    nothing to read is the close), as urllib3's ``is_connection_dropped`` tells it: such a
    socket is replaced before a request is written, rather than failing after."""
    sock = connection.sock
    if sock is None:
        return False
    readable, _w, _x = select.select([sock], [], [], 0)
    return bool(readable)
