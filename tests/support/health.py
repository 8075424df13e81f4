"""Helpers for the health tests: simulators, a fake clock, hung servers, alert receivers.

Everything binds 127.0.0.1. Nothing here sleeps: the servers that hang do so by never
answering (or by answering one byte at a time), and the tests wait on real timeouts only.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import socket
import ssl
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from harness.health.alerts import JsonlSink, Sink
from harness.health.monitor import Monitor
from harness.health.states import Health
from harness.health.store import HealthStore
from harness.health.tenants import parse_tenants
from simulator.app import SimulatorApp
from simulator.faults import parse_rules
from simulator.server import SimServer

T0 = dt.datetime(2024, 5, 1, 0, 0, tzinfo=dt.UTC)
STEP = dt.timedelta(minutes=5)
#: A password no other string in the tests contains, so finding it anywhere is a leak.
SECRET = "pw-Zq7#health-never-logged"


def at(round_number: int) -> dt.datetime:
    """The instant of round ``n`` on the fake clock: a check every 5 minutes from T0."""
    return T0 + round_number * STEP


@contextlib.contextmanager
def simulator(*databases: str) -> Iterator[SimServer]:
    """A 17.0 simulator (db "odoo", admin/admin, plus ``databases``); its listen backlog
    (128) takes a round's burst of connections."""
    with SimServer(SimulatorApp("17.0")) as server:
        for name in databases:
            server.app.registry.create(name)
        yield server


def set_faults(server: SimServer, rules: list[dict]) -> None:
    server.app.faults.replace(parse_rules(rules))


def tenants_yaml(rows: list[dict], alerts: list[dict] | None = None, thresholds: dict | None = None) -> str:
    """A tenants file in the flow style of docs/formats.md (JSON is YAML)."""
    lines = ["tenants:", *(f"  - {json.dumps(row)}" for row in rows)]
    if alerts is not None:
        lines += ["alerts:", *(f"  - {json.dumps(sink)}" for sink in alerts)]
    if thresholds:
        lines.append(f"thresholds: {json.dumps(thresholds)}")
    return "\n".join(lines) + "\n"


def tenant(tenant_id: str, url: str, db: str = "odoo", password_env: str = "HEALTH_TEST_PASSWORD") -> dict:
    return {"id": tenant_id, "url": url, "db": db, "login": "admin", "password_env": password_env}


def make_monitor(text: str, url: str, sinks: list[Sink], environ: dict[str, str], timeout: float = 2.0) -> Monitor:
    """A monitor on a fresh ``HealthStore``: what a restarted process would build."""
    return Monitor(parse_tenants(text), HealthStore(url), sinks, timeout=timeout, environ=environ)


def states(healths: list[tuple[str, Health]]) -> dict[str, str]:
    return {tenant_id: health.state.value for tenant_id, health in healths}


def read_jsonl(sink: JsonlSink) -> list[dict]:
    if not sink.path.exists():
        return []
    return [json.loads(line) for line in sink.path.read_text().splitlines()]


# -- servers that misbehave ----------------------------------------------------------------


@contextlib.contextmanager
def silent_server() -> Iterator[str]:
    """Listens, lets the kernel accept, never reads or answers: a hung Odoo."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(256)
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"


@contextlib.contextmanager
def trickling_server(byte_every: float = 0.2) -> Iterator[str]:
    """Answers one byte of an HTTP response at a time, each within any socket timeout longer
    than ``byte_every``: a call that never times out by itself, only by the round's deadline."""
    stop = threading.Event()
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(256)
    listener.settimeout(0.05)

    def trickle(conn: socket.socket) -> None:
        with conn:
            for byte in b"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\n" * 1000:
                if stop.wait(byte_every):
                    return
                with contextlib.suppress(OSError):
                    conn.sendall(bytes([byte]))

    def accept() -> None:
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                conn, _ = listener.accept()
                threading.Thread(target=trickle, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join()
        listener.close()


# -- alert receivers ------------------------------------------------------------------------


@dataclass
class Webhook:
    """A loopback HTTP receiver; answers 503 to the next ``failures`` requests."""

    url: str = ""
    failures: int = 0
    status: int = 503
    received: list[dict] = field(default_factory=list)
    attempts: int = 0


@contextlib.contextmanager
def webhook_server() -> Iterator[Webhook]:
    hook = Webhook()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            hook.attempts += 1
            if hook.failures:
                hook.failures -= 1
                self.send_response(hook.status)
            else:
                hook.received.append(json.loads(body))
                self.send_response(204)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    hook.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    try:
        yield hook
    finally:
        server.shutdown()
        server.server_close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key, made by the openssl command."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def tls_context(cert: Path, key: Path) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context
