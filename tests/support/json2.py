"""The simulator's 19.0 on loopback for the JSON-2 tests: an API key of admin's, and every request kept.

Odoo answers are the simulator's own (``simulator/json2.py``, checked against a real 19.0 in
``harness/parity/recorded/json2``); its fault rules make the transient and permanent answers a test needs
(``odoo_fault`` gives Odoo's error object and status, ``http_status`` a gateway's page,
``drop_response_after_commit`` a lost answer). ``Received`` only notes each request's path,
headers and body on the way in, so a test can say what a client put on the wire (the key in the
Authorization header and nowhere else).
"""

from __future__ import annotations

import contextlib
import io
import xmlrpc.client
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from harness.engine.transport import WSGITransport
from simulator.app import SimulatorApp
from simulator.faults import parse_rules
from simulator.server import LoopbackServer, SocketGateway

#: (path, headers, body) of one request, as the client sent it.
Request = tuple[str, dict[str, str], bytes]


@dataclass
class Received:
    """WSGI middleware: the request noted, then the simulator's answer, untouched."""

    app: SimulatorApp
    requests: list[Request] = field(default_factory=list)

    def __call__(self, environ: dict, start_response: Any) -> Any:
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        headers = {
            name[5:].replace("_", "-").title(): value for name, value in environ.items() if name.startswith("HTTP_")
        }
        self.requests.append((environ["PATH_INFO"], headers, body))
        environ["wsgi.input"] = io.BytesIO(body)
        return self.app(environ, start_response)


@dataclass
class Json2Sim:
    """A running 19.0 simulator, an API key of admin's, and the requests it received."""

    url: str
    app: SimulatorApp
    key: str = field(repr=False)
    received: list[Request]

    def set_faults(self, rules: list[dict]) -> None:
        self.app.faults.replace(parse_rules(rules))

    def count(self, model: str, domain: list | None = None) -> int:
        """Records in Odoo (archived ones too), asked in-process: not a request the tests count."""
        models = xmlrpc.client.ServerProxy("http://sim/xmlrpc/2/object", transport=WSGITransport(self.app))
        return models.execute_kw(
            "odoo", 2, "admin", model, "search_count", [domain or []], {"context": {"active_test": False}}
        )


@contextlib.contextmanager
def json2_simulator() -> Iterator[Json2Sim]:
    """The simulator on cheroot with keep-alive: a lost answer is a real closed socket."""
    app = SimulatorApp("19.0")
    received = Received(app)
    with LoopbackServer(received, "odoo-sim-19.0", gateway=SocketGateway) as server:
        yield Json2Sim(server.url, app, app.issue_api_key("admin"), received.requests)
