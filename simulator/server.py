"""Serving WSGI applications on loopback with cheroot, CherryPy's threaded WSGI server.

A production-grade server: a thread pool, HTTP/1.1 keep-alive with idle connections
parked outside the pool. A worker keeps a connection whose next request follows within
``LINGER`` (no hand-over through the selector per request), reads through C ``io`` rather than
cheroot's ``_pyio``, and sends a response's head with its body (bench/bench_simulator.py). The
gateway adds the client socket to the WSGI environ so that transport faults (a reset, a response
lost after commit) are real. Loopback only.

Clients that hold a connection without finishing a request cannot starve the others, as with
Apache's event MPM and mod_reqtimeout (cheroot alone hands each new connection to a worker at
once, and a worker waits for a request as long as bytes trickle in: 16 such clients froze every
server). A new connection waits in cheroot's selector, holding no worker, until it sends
something (cheroot closes it after its 10 s ``timeout`` if it never does). The pool grows by a
worker whenever a request would wait for one, up to ``Limits.max_threads``, and gives idle extras
back. A request's head must arrive within ``head_seconds`` of its first byte and its body at
``body_min_rate`` after ``body_seconds``, or the connection is closed. The body is read whole
before the application runs (chunked or not), bounded by ``max_body`` (413 from the declared
length, before any of it is read), and handed on as ``wsgi.input`` with its ``CONTENT_LENGTH``
(bench/bench_hostile_clients.py).
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import io
import logging
import select
import signal
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING, BinaryIO, Self

from cheroot import errors, server, wsgi
from cheroot.workers import threadpool

if TYPE_CHECKING:
    from simulator.app import SimulatorApp

LOOPBACK = ("127.0.0.1", "localhost", "::1")
#: Odoo's limit on a request's body (``odoo.http.DEFAULT_MAX_CONTENT_LENGTH``, 17.0 on; 16.0 has none).
DEFAULT_MAX_BODY = 128 * 1024 * 1024
#: A body is read this much at a time: the progress its deadline follows. Small pieces also keep
#: cheroot's pure-Python reader from allocating the whole remaining size on every socket read.
PIECE = 64 * 1024
#: How often the warden looks for late requests and waiting connections, in seconds.
TICK = 0.1
#: How long a worker waits on a kept-alive connection for its next request before parking it in the
#: selector, in seconds, and how many requests in a row it serves so (see ``_Connection``).
LINGER = 0.05
LINGER_REQUESTS = 1000
#: glibc's ``mallopt`` parameters, fixed (see ``give_freed_heap_back``): M_MMAP_THRESHOLD at its
#: default, M_TRIM_THRESHOLD at 8 MiB.
MALLOPT = {-3: 128 * 1024, -1: 8 * 1024 * 1024}


@dataclass(frozen=True)
class Limits:
    """What one client may take of a server. The deadlines are mod_reqtimeout's (``header=20
    body=20``); the body's minimum rate, once its 20 s are spent, is far below any local client's."""

    max_body: int = DEFAULT_MAX_BODY
    max_head: int = 256 * 1024
    head_seconds: float = 20.0
    body_seconds: float = 20.0
    body_min_rate: float = 64 * 1024
    max_threads: int = 512

    def __post_init__(self) -> None:
        if self.max_body < 1 or self.max_head < 1:  # cheroot reads 0 as no limit at all
            raise ValueError(f"max_body and max_head must be at least 1 byte, not {self.max_body} and {self.max_head}")


@functools.cache
def give_freed_heap_back() -> None:
    """Fix glibc's mmap and trim thresholds, for the whole process, so that the heap a large request
    freed goes back to the system. Both are dynamic by default: once a large block is freed they climb
    to 32 and 64 MiB, and each worker thread's arena then kept what a large request had freed (50 MB
    more resident after each 48 MiB XML-RPC call, an arena per worker; not even ``malloc_trim`` gives
    a thread arena's top back). What ``MALLOC_MMAP_THRESHOLD_`` and ``MALLOC_TRIM_THRESHOLD_`` would
    set; nothing changes without glibc."""
    with contextlib.suppress(OSError, AttributeError):
        mallopt = ctypes.CDLL("libc.so.6").mallopt
        for parameter, value in MALLOPT.items():
            mallopt(parameter, value)


class BodyTooLarge(Exception):
    """The request's body is over ``Limits.max_body``."""


class UnreadableBody(Exception):
    """The request's body ended before its declared length or its last chunk, or its framing is wrong."""


def read_body(stream: BinaryIO, length: int | None, progress: Callable[[int], None]) -> bytes:
    """A request's whole body from cheroot's ``wsgi.input``: ``length`` bytes, or, chunked (``length``
    None), to its last chunk. ``progress`` hears the bytes read so far after each piece."""
    if length is None:
        return _read_chunked(stream, progress)
    if length < 0:
        raise UnreadableBody(f"a Content-Length of {length}")
    # one buffer of the declared size: pieces joined at the end, or a buffer grown piece by piece, left
    # up to the body's size of freed heap resident now and then
    body = bytearray(length)
    with memoryview(body) as view:
        received = 0
        while received < length:
            piece = _read_piece(stream, min(PIECE, length - received))
            if not piece:
                raise UnreadableBody(f"{received} of {length} bytes")
            view[received : received + len(piece)] = piece
            received += len(piece)
            progress(received)
    return bytes(body)


def _read_chunked(stream: BinaryIO, progress: Callable[[int], None]) -> bytes:
    """A chunked body to its last chunk (cheroot bounds it by ``max_body``)."""
    pieces, received = [], 0
    while piece := _read_piece(stream, PIECE):
        pieces.append(piece)
        received += len(piece)
        progress(received)
    return b"".join(pieces)


def _read_piece(stream: BinaryIO, size: int) -> bytes:
    """Up to ``size`` bytes, cheroot's ways of refusing a chunked body as exceptions of ours."""
    try:
        return stream.read(size)
    except errors.MaxSizeExceeded as exc:
        raise BodyTooLarge from exc
    except ValueError as exc:  # a chunked coding cut short or malformed
        raise UnreadableBody(str(exc)) from exc
    except OSError as exc:
        if exc.args == ("Request Entity Too Large",):  # cheroot's ChunkedRFile, for a chunk past the limit
            raise BodyTooLarge from exc
        raise


class _Deadline:
    """When a request's head or body must be in: ``seconds`` from now, later by one second for each
    ``min_rate`` bytes received if a rate is given."""

    def __init__(self, warden: Warden, sock: socket.socket, seconds: float, min_rate: float | None) -> None:
        self.warden, self.sock, self.min_rate, self.received = warden, sock, min_rate, 0
        self.due = time.monotonic() + seconds

    def __enter__(self) -> Callable[[int], None]:
        self.warden.follow(self)
        return self.progress

    def __exit__(self, *exc_info: object) -> None:
        self.warden.forget(self)

    def progress(self, received: int) -> None:
        self.received = received

    def passed(self, now: float) -> bool:
        return now > self.due + (self.received / self.min_rate if self.min_rate else 0)

    def cut(self) -> None:
        """Close the connection under the worker reading it: its next read ends, as if the client had gone."""
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)


class ElasticPool(threadpool.ThreadPool):
    """cheroot's worker pool, grown by a worker whenever a request would wait for one (up to ``max``)
    and shrunk back to ``min`` idle workers by the warden."""

    def __init__(self, httpd: server.HTTPServer, min: int, max: int) -> None:
        super().__init__(httpd, min=min, max=max)
        self._resizing = threading.Lock()

    def start(self) -> None:
        """The ``min`` workers, started without cheroot's ``grow()``, which then polls each one's
        readiness every 0.1 s: a request that comes first waits in the queue as it would for a busy
        worker, and a scenario's two servers no longer cost up to 0.2 s each to start."""
        if self._threads:
            raise RuntimeError("Threadpools can only be started once.")
        self._add_workers(self.min)

    def put(self, obj: server.HTTPConnection) -> None:
        with self._resizing:
            if self.idle <= self.qsize:
                self._add_workers(1)
        super().put(obj)

    def rebalance(self) -> None:
        """More workers for requests still waiting (a worker counted idle a moment too long in
        ``put``), fewer if more than ``min`` are idle."""
        with self._resizing:
            waiting = self.qsize - self.idle
            if waiting > 0:
                self._add_workers(waiting)
            elif self.idle > self.min:
                self.shrink(self.idle - self.min)

    def _add_workers(self, count: int) -> None:
        # not grow(): it polls each new worker's start every 0.1 s, and this runs in the accepting thread
        for _ in range(min(count, self.max - len(self._threads))):
            try:
                self._threads.append(self._spawn_worker())
            except RuntimeError:  # the system starts no more threads: requests wait for a worker
                return


class Warden:
    """A server's watchman thread: every ``TICK`` it closes the connections whose request is late
    and sizes the pool to the requests waiting."""

    def __init__(self, pool: ElasticPool, name: str) -> None:
        self.pool = pool
        self._watched: dict[int, _Deadline] = {}
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name=f"{name}-warden")

    def watch(self, sock: socket.socket, seconds: float, min_rate: float | None = None) -> _Deadline:
        """Within the ``with`` block, the connection is closed if it is not done in time; the block gets
        the ``progress`` callable that tells the deadline the bytes received. (A class, not a generator:
        it runs twice per request.)"""
        return _Deadline(self, sock, seconds, min_rate)

    def follow(self, deadline: _Deadline) -> None:
        with self._lock:
            self._watched[id(deadline)] = deadline

    def forget(self, deadline: _Deadline) -> None:
        with self._lock:
            del self._watched[id(deadline)]

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)

    def _run(self) -> None:
        while not self._stopping.wait(TICK):
            now = time.monotonic()
            with self._lock:
                late = [deadline for deadline in self._watched.values() if deadline.passed(now)]
            for deadline in late:
                deadline.cut()
            self.pool.rebalance()


class _Request(server.HTTPRequest):
    """A request whose head must arrive within ``head_seconds`` of its first byte."""

    def parse_request(self) -> None:
        with self.server.warden.watch(self.conn.socket, self.server.limits.head_seconds):
            super().parse_request()

    def send_headers(self) -> None:
        """The head, held for the body's first write (``SocketWriter``)."""
        self.conn.wfile.holding = True
        try:
            super().send_headers()
        finally:
            self.conn.wfile.holding = False

    def respond(self) -> None:
        try:
            super().respond()
        finally:
            self.conn.wfile.flush()


class SocketReader(io.BufferedReader):
    """What cheroot reads a connection through, on the C ``io`` module: cheroot's own ``StreamReader``
    is built on ``_pyio``, and its pure-Python ``readline`` was a tenth of a small call's time."""

    def __init__(self, sock: socket.socket, bufsize: int = io.DEFAULT_BUFFER_SIZE) -> None:
        super().__init__(socket.SocketIO(sock, "rb"), bufsize)
        self.sock = sock
        self.bytes_read = 0

    def read(self, size: int | None = -1) -> bytes:
        data = super().read(size)
        self.bytes_read += len(data)
        return data

    def has_data(self) -> bool:
        """Whether a read would not wait: bytes buffered, or on the socket now (cheroot's only asks
        the buffer; either way a connection with more to read goes to a worker, not the selector)."""
        timeout = self.sock.gettimeout()
        self.sock.settimeout(0)
        try:
            return bool(self.peek(1))
        except OSError:  # closed under us: the selector will find out
            return False
        finally:
            with contextlib.suppress(OSError):
                self.sock.settimeout(timeout)


class SocketWriter:
    """What cheroot writes a connection through: each write sent whole at once (as cheroot's own
    ``_pyio`` writer does, without its Python buffering), except a response's head, which is ``held``
    and sent with the first piece of its body: one packet for a small answer, so the client does not
    wake for the head and again for the body."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.bytes_written = 0
        self.holding = False
        self._held = b""

    def write(self, data: bytes) -> int:
        if self.holding:
            self._held += data
            return len(data)
        if self._held:
            data, self._held = self._held + data, b""
        self.sock.sendall(data)
        self.bytes_written += len(data)
        return len(data)

    def flush(self) -> None:
        """Send a held head that no body followed."""
        if self._held:
            self.write(b"")


def _make_file(sock: socket.socket, mode: str, bufsize: int) -> BinaryIO | SocketWriter:
    """``SocketReader`` for reading, ``SocketWriter`` for writing."""
    return SocketReader(sock, bufsize) if "r" in mode else SocketWriter(sock)


class _Connection(server.HTTPConnection):
    """A connection whose worker serves its next request too if it comes within ``LINGER``.

    Parking a kept-alive connection in the selector after every request costs two thread hand-overs
    per request (selector thread, then a worker), each a wake-up the scheduler may delay on a busy
    machine: the cost a thread-per-connection server does not pay. A client idle for ``LINGER`` is
    parked as before, so idle connections still hold no worker."""

    RequestHandlerClass = _Request

    def __init__(self, httpd: server.HTTPServer, sock: socket.socket, makefile: Callable = server.MakeFile) -> None:
        """cheroot's ``makefile`` is replaced by ``_make_file``."""
        super().__init__(httpd, sock, _make_file)

    def communicate(self) -> bool:
        for _ in range(LINGER_REQUESTS):
            if not super().communicate():
                return False
            if not (self.server.ready and self._next_request_within(LINGER)):
                return True
        return True

    def _next_request_within(self, seconds: float) -> bool:
        """Whether the client sends something within ``seconds`` (or already has)."""
        if self.rfile.has_data():
            return True
        poll = select.poll()
        try:
            poll.register(self.socket, select.POLLIN)
            return bool(poll.poll(seconds * 1000))
        except (OSError, ValueError):  # closed under us: the selector will find out
            return False


class _Server(wsgi.Server):
    """cheroot's WSGI server with the limits: parked new connections, the elastic pool, the warden."""

    ConnectionClass = _Connection

    def __init__(self, bind_addr: tuple, app: Callable, name: str, threads: int, limits: Limits) -> None:
        super().__init__(bind_addr, app, numthreads=threads, request_queue_size=128, server_name=name)
        self.requests = ElasticPool(self, min=threads, max=max(threads, limits.max_threads))
        self.warden = Warden(self.requests, name)
        self.limits = limits
        self.max_request_body_size = limits.max_body
        self.max_request_header_size = limits.max_head

    def process_conn(self, conn: server.HTTPConnection) -> None:
        """A new connection goes to the selector, as an idle keep-alive one does, and to a worker only
        once it has something to read (cheroot sets ``last_used`` when it parks a connection)."""
        if conn.last_used is None:
            self.put_conn(conn)
        else:
            super().process_conn(conn)


class BufferedBodyGateway(wsgi.Gateway_10):
    """WSGI 1.0 gateway that reads the request's body whole, under its deadline and limit, before
    the application runs: a chunked body reaches it as any other, with its ``CONTENT_LENGTH``."""

    def respond(self) -> None:
        if not self._take_body():
            return
        try:
            super().respond()
        finally:
            # the body's last reference: the environ may live on in a reference cycle until the next
            # garbage collection, and the body with it
            self.env["wsgi.input"] = None

    def _take_body(self) -> bool:
        """Read the body into ``wsgi.input``; False once it is refused (413, or 400 for a body that cannot
        be read: cut short because the client went away or was too slow, or framed wrong)."""
        httpd: _Server = self.req.server
        length = None if self.req.chunked_read else int(self.env.get("CONTENT_LENGTH") or 0)
        try:
            with httpd.warden.watch(self.req.conn.socket, httpd.limits.body_seconds, httpd.limits.body_min_rate) as got:
                body = read_body(self.env["wsgi.input"], length, got)
        except BodyTooLarge:
            self._refuse("413 Request Entity Too Large", f"The body is over {httpd.limits.max_body} bytes.")
            return False
        except UnreadableBody as exc:
            self._refuse("400 Bad Request", f"The body cannot be read: {exc}.")
            return False
        # as a fronting nginx does: the body has a length now, and no transfer coding
        self.env.pop("HTTP_TRANSFER_ENCODING", None)
        self.env.update(
            {"wsgi.input": io.BytesIO(body), "CONTENT_LENGTH": str(len(body)), "wsgi.input_terminated": False}
        )
        return True

    def _refuse(self, status: str, text: str) -> None:
        """Answer without the application, and close the connection: what is left of the body is unread."""
        self.req.close_connection = True
        data = text.encode()
        self.start_response(status, [("Content-Type", "text/plain"), ("Content-Length", str(len(data)))])
        self.write(data)


class SocketGateway(BufferedBodyGateway):
    """The gateway that also exposes the connection's socket as ``simulator.socket``."""

    def get_environ(self) -> dict:
        environ = super().get_environ()
        environ["simulator.socket"] = self.req.conn.socket
        return environ


class LoopbackServer:
    """Any WSGI application served on loopback by cheroot: ``with LoopbackServer(app, "name") as server``."""

    def __init__(
        self,
        app: Callable,
        name: str,
        host: str = "127.0.0.1",
        port: int = 0,
        threads: int = 4,
        gateway: type[BufferedBodyGateway] = BufferedBodyGateway,
        limits: Limits = Limits(),
    ) -> None:
        if host not in LOOPBACK:
            raise ValueError(f"{name} binds loopback only, not {host!r}")
        self.app = app
        give_freed_heap_back()
        self.httpd = _Server((host, port), app, name, threads, limits)
        self.httpd.gateway = gateway
        self.httpd.expiration_interval = 0.01  # the serve loop's tick: stop() waits for one
        self.httpd.prepare()  # binds now, so a busy port fails here with OSError
        self.thread = threading.Thread(target=self.httpd.serve, daemon=True, name=name)

    @property
    def url(self) -> str:
        host, port = self.httpd.bind_addr[:2]
        return f"http://{host}:{port}"

    def start(self) -> Self:
        self.thread.start()
        self.httpd.warden.start()
        return self

    def stop(self) -> None:
        self.httpd.warden.stop()  # first: no worker is added while the pool stops
        self.httpd.stop()
        self.thread.join(timeout=5)
        # cheroot keeps every server's statistics in a process-wide dict whose lambdas hold the
        # server, and so its app: without this a stopped simulator (~16 MB) is never freed
        logging.statistics.pop(f"Cheroot HTTPServer {id(self.httpd)}", None)

    def serve_until_stopped(self, banner: str) -> None:
        """For the command line: serve, print ``banner``, stop on SIGTERM or Ctrl-C."""
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        with self:
            print(banner, flush=True)
            with contextlib.suppress(KeyboardInterrupt):
                stop.wait()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


class SimServer(LoopbackServer):
    """A running simulator: ``with SimServer(app) as server: server.url``."""

    app: SimulatorApp

    def __init__(
        self, app: SimulatorApp, host: str = "127.0.0.1", port: int = 0, threads: int = 4, limits: Limits = Limits()
    ) -> None:
        super().__init__(app, f"odoo-sim-{app.version}", host, port, threads, SocketGateway, limits)
