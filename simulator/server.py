"""Serving the simulator over HTTP with cheroot, CherryPy's threaded WSGI server.

A production-grade server: a thread pool, HTTP/1.1 keep-alive with idle connections
parked outside the pool, and about twice the request rate of werkzeug's development
server (bench/bench_simulator.py). The gateway adds the client socket to the WSGI
environ so that transport faults (a reset, a response lost after commit) are real.
Loopback only.
"""

from __future__ import annotations

import contextlib
import logging
import signal
import threading
from collections.abc import Callable
from types import TracebackType
from typing import Self

from cheroot import wsgi

from simulator.app import SimulatorApp

LOOPBACK = ("127.0.0.1", "localhost", "::1")


class SocketGateway(wsgi.Gateway_10):
    """WSGI 1.0 gateway that exposes the connection's socket as ``simulator.socket``."""

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
        threads: int = 16,
        gateway: type[wsgi.Gateway] | None = None,
    ) -> None:
        if host not in LOOPBACK:
            raise ValueError(f"{name} binds loopback only, not {host!r}")
        self.app = app
        self.httpd = wsgi.Server((host, port), app, numthreads=threads, request_queue_size=128, server_name=name)
        if gateway:
            self.httpd.gateway = gateway
        self.httpd.expiration_interval = 0.05  # the serve loop's tick: stop() returns fast
        self.httpd.prepare()  # binds now, so a busy port fails here with OSError
        self.thread = threading.Thread(target=self.httpd.serve, daemon=True, name=name)

    @property
    def url(self) -> str:
        host, port = self.httpd.bind_addr[:2]
        return f"http://{host}:{port}"

    def start(self) -> Self:
        self.thread.start()
        return self

    def stop(self) -> None:
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

    def __init__(self, app: SimulatorApp, host: str = "127.0.0.1", port: int = 0, threads: int = 16) -> None:
        super().__init__(app, f"odoo-sim-{app.version}", host, port, threads, gateway=SocketGateway)
