"""Clients that hold a server's connections without finishing a request, and the raw requests the
servers' limits are tested with (a chunked body, a declared length): what ``http.client`` will not send."""

from __future__ import annotations

import http.client
import socket
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

#: What each kind of hostile client sends, then never more: nothing (idle), part of a request head
#: (a slowloris), a whole head and part of its body.
OPENINGS = {
    "idle": b"",
    "slow_head": b"POST /xmlrpc/2/common HTTP/1.1\r\nHost: 127.0.0.1\r\n",
    "slow_body": b"POST /xmlrpc/2/common HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n\r\n<?xml",
}


def address(url: str) -> tuple[str, int]:
    host, port = url.removeprefix("http://").split(":")
    return host, int(port)


@contextmanager
def hostile_connections(url: str, count: int, kind: str) -> Iterator[list[socket.socket]]:
    """``count`` connections to ``url`` that each sent ``OPENINGS[kind]``, closed on exit."""
    with ExitStack() as stack:
        sockets = []
        for _ in range(count):
            sock = stack.enter_context(socket.create_connection(address(url), timeout=5))
            sock.sendall(OPENINGS[kind])
            sockets.append(sock)
        yield sockets


def seconds_until_closed(sock: socket.socket, every: float = 0.1, limit: float = 10.0) -> float:
    """Send a byte every ``every`` seconds (a slow client, never done) until the server closes the
    connection: the seconds that took, or ``limit`` if it never did. An answer before is ignored."""
    started = time.monotonic()
    sock.settimeout(every)
    for _ in range(int(limit / every)):
        try:
            if not sock.recv(4096):
                return time.monotonic() - started
        except TimeoutError:
            try:
                sock.sendall(b"x")
            except ConnectionError:
                return time.monotonic() - started
        except ConnectionError:
            return time.monotonic() - started
    return limit


def raw_request(url: str, head: bytes, body: bytes = b"", timeout: float = 10) -> tuple[int, bytes]:
    """Send ``head`` (ending in a blank line) and ``body`` as they are; the answer's status and body."""
    with socket.create_connection(address(url), timeout=timeout) as sock:
        sock.sendall(head + body)
        response = http.client.HTTPResponse(sock)
        response.begin()
        return response.status, response.read()


def chunked(body: bytes, size: int = 1000) -> bytes:
    """``body`` in the chunked transfer coding, ``size`` bytes a chunk."""
    pieces = [b"%x\r\n%s\r\n" % (len(body[at : at + size]), body[at : at + size]) for at in range(0, len(body), size)]
    return b"".join(pieces) + b"0\r\n\r\n"


def call_status(url: str, path: str, body: bytes | None = None, timeout: float = 5.0) -> int:
    """A normal client's call (POST with ``body``, else GET) on a new connection: the answer's status,
    which must come within ``timeout`` seconds."""
    connection = http.client.HTTPConnection(*address(url), timeout=timeout)
    try:
        connection.request("POST" if body is not None else "GET", path, body, {"Content-Type": "text/xml"})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()
