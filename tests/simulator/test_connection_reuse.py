"""How ``LoopbackServer`` serves a kept-alive connection: its worker takes the next request itself when
it comes within ``LINGER`` (no hand-over through the selector), a connection idle longer is parked and
holds no worker, pipelined requests are all answered, and a response's head leaves with its body."""

from __future__ import annotations

import http.client
import socket
import threading
import time
from collections.abc import Callable, Iterable

from simulator.server import LINGER, Limits, LoopbackServer, SocketWriter
from tests.support.hostile_clients import address


def thread_app(environ: dict, start_response: Callable) -> Iterable[bytes]:
    """Answers the name of the thread that serves the request (204, no body, for ``/empty``)."""
    if environ["PATH_INFO"] == "/empty":
        start_response("204 No Content", [])
        return []
    body = threading.current_thread().name.encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]


def get(connection: http.client.HTTPConnection, path: str = "/") -> tuple[int, bytes]:
    connection.request("GET", path)
    response = connection.getresponse()
    return response.status, response.read()


def test_a_kept_alive_connection_keeps_its_worker_while_requests_follow() -> None:
    with LoopbackServer(thread_app, "reuse") as server:
        connection = http.client.HTTPConnection(*address(server.url), timeout=5)
        workers = {get(connection)[1] for _ in range(8)}
        connection.close()
    assert len(workers) == 1, workers


def test_an_idle_kept_alive_connection_gives_its_worker_back() -> None:
    """One worker and no more: a second client is served once the first has been idle for ``LINGER``."""
    with LoopbackServer(thread_app, "reuse", threads=1, limits=Limits(max_threads=1)) as server:
        first = http.client.HTTPConnection(*address(server.url), timeout=5)
        assert get(first)[0] == 200
        time.sleep(LINGER * 4)
        second = http.client.HTTPConnection(*address(server.url), timeout=2)
        assert get(second)[0] == 200
        assert get(first)[0] == 200  # and the first, parked, is served again
        first.close()
        second.close()


def test_pipelined_requests_are_all_answered() -> None:
    """Three requests in one packet (the last closing the connection): three answers, then the end."""
    request = b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"
    with LoopbackServer(thread_app, "reuse") as server, socket.create_connection(address(server.url), 5) as sock:
        sock.sendall(request * 2 + request.replace(b"\r\n\r\n", b"\r\nConnection: close\r\n\r\n"))
        answers = b""
        for _ in range(100):
            piece = sock.recv(65536)
            if not piece:
                break
            answers += piece
    assert answers.count(b"HTTP/1.1 200 OK\r\n") == 3


def test_a_response_without_a_body_still_sends_its_head() -> None:
    with LoopbackServer(thread_app, "reuse") as server:
        connection = http.client.HTTPConnection(*address(server.url), timeout=5)
        assert get(connection, "/empty") == (204, b"")
        assert get(connection)[0] == 200
        connection.close()


class RecordingSocket:
    def __init__(self) -> None:
        self.sent: list[bytes] = []

    def sendall(self, data: bytes) -> None:
        self.sent.append(bytes(data))


def test_a_held_head_leaves_with_the_first_piece_of_body() -> None:
    sock = RecordingSocket()
    writer = SocketWriter(sock)  # type: ignore[arg-type]
    writer.holding = True
    writer.write(b"HTTP/1.1 200 OK\r\n\r\n")
    writer.holding = False
    writer.write(b"body")
    writer.write(b"more")
    writer.flush()
    assert sock.sent == [b"HTTP/1.1 200 OK\r\n\r\nbody", b"more"]
    assert writer.bytes_written == len(b"HTTP/1.1 200 OK\r\n\r\nbodymore")
