"""Serving the simulator over HTTP with werkzeug's threaded WSGI server.

It is the server real Odoo itself runs in threaded mode (``odoo/service/
server.py`` subclasses ``werkzeug.serving.ThreadedWSGIServer``): one thread
per connection, HTTP/1.1 keep-alive. Loopback only.
"""

from __future__ import annotations

import threading
from types import TracebackType

from werkzeug.serving import ThreadedWSGIServer, WSGIRequestHandler, make_server

from simulator.app import SimulatorApp


class QuietHandler(WSGIRequestHandler):
    """No per-request log lines (they would carry nothing a test needs)."""

    protocol_version = "HTTP/1.1"

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        return None


class SimServer:
    """A running simulator: ``with SimServer(app) as server: server.url``."""

    def __init__(self, app: SimulatorApp, host: str = "127.0.0.1", port: int = 0) -> None:
        if host not in ("127.0.0.1", "localhost", "::1"):
            raise ValueError(f"the simulator binds loopback only, not {host!r}")
        self.app = app
        self.httpd: ThreadedWSGIServer = make_server(
            host, port, app, threaded=True, request_handler=QuietHandler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                       daemon=True, name=f"odoo-sim-{app.version}")

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> SimServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)

    def __enter__(self) -> SimServer:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()
