"""A JSON-2 server for the tests: Odoo 19.0's ``/json/2`` in front of the simulator's XML-RPC.

CI has no real Odoo 19.0, so ``Json2Stub`` answers as one did here (statuses and error objects
copied from a real 19.0 server's answers; ``debug``, the traceback, shortened) and runs each call
on a simulator through ``execute_kw``: the engine's records are real simulator records, and the
simulator's fault rules (a response lost after commit, a 503, a serialization failure) act on
the JSON-2 call as they would on an XML-RPC one. Named arguments go to ``execute_kw`` as
keywords, so a wrong parameter name fails as Python (and Odoo) would; only ``ids`` and
``create``'s ``vals_list`` go by position, as ``execute_kw`` takes them.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import xmlrpc.client
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from harness.engine.transport import WSGITransport
from simulator.app import SimulatorApp
from simulator.faults import parse_rules
from simulator.server import LoopbackServer, SocketGateway

#: An API key no other string in the tests contains (40 hex digits, as Odoo makes them).
KEY = "7be1f0c2d9a84e55b3c6a1e09f2d4c8b5a7e3f10"
UID = 2
CALL = re.compile(r"^/json/2/(?P<model>[^/]+)/(?P<method>[^/]+)$")
#: GET /json/version and POST /json/2/res.users/context_get, as the real 19.0 answered.
VERSION = {"version_info": [19, 0, 0, "final", 0, ""], "version": "19.0"}
CONTEXT = {"lang": "en_US", "tz": False, "uid": UID}
#: A wrong X-Odoo-Database: werkzeug's HTML page, not an error object.
NO_DATABASE_PAGE = (
    b"<!DOCTYPE html>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n<p>No database is "
    b"selected and the requested URL was not found in the server-wide controllers.</p>\n<p>Please "
    b"verify the hostname, <a href=/web/login>login</a> and try again.</p>\n\n<!-- Alternatively, "
    b"use the X-Odoo-Database header. -->\n"
)


def odoo_error(name: str, message: str, http_status: int | None = None) -> dict:
    """Odoo 19.0's error object (``odoo.http.serialize_exception``); werkzeug's exceptions carry
    their status in ``arguments``."""
    return {
        "name": name,
        "message": message,
        "arguments": [message, http_status] if http_status else [message],
        "context": {},
        "debug": f"Traceback (most recent call last):\n  ...\n{name}: {message}\n",
    }


INVALID_KEY = (401, odoo_error("werkzeug.exceptions.Unauthorized", "Invalid apikey", 401))
NO_KEY = (
    401,
    odoo_error(
        "werkzeug.exceptions.Unauthorized",
        "User not authenticated, use an API Key with a Bearer Authorization header.",
        401,
    ),
)
#: From 19.0's source (``odoo/orm/models.py`` lock_for_update): not provoked live.
LOCKED = (409, odoo_error("odoo.exceptions.LockError", "Cannot grab a lock on records"))
PRIVATE = (
    403,
    odoo_error(
        "odoo.exceptions.AccessError", "Private methods (such as 'res.users.exists') cannot be called remotely."
    ),
)


@dataclass
class Json2Stub:
    """The WSGI app: JSON-2 outside, the simulator's ``execute_kw`` inside."""

    sim: SimulatorApp
    key: str = KEY
    #: (model, method, status, body): each answers the next matching call once, instead of the simulator
    canned: list[tuple[str, str, int, dict]] = field(default_factory=list)
    #: (path, headers, body) of every request received
    received: list[tuple[str, dict[str, str], Any]] = field(default_factory=list)

    def set_faults(self, rules: list[dict]) -> None:
        self.sim.faults.replace(parse_rules(rules))

    def models(self) -> xmlrpc.client.ServerProxy:
        """The simulator straight, to count what the engine wrote."""
        return xmlrpc.client.ServerProxy(
            "http://sim/xmlrpc/2/object", transport=WSGITransport(self.sim), allow_none=True
        )

    def count(self, model: str, domain: list | None = None) -> int:
        return self.models().execute_kw(
            "odoo", UID, "admin", model, "search_count", [domain or []], {"context": {"active_test": False}}
        )

    def __call__(self, environ: dict, start_response: Any) -> list[bytes]:
        path = environ["PATH_INFO"]
        headers = {
            name[5:].replace("_", "-").title(): value for name, value in environ.items() if name.startswith("HTTP_")
        }
        raw = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        self.received.append((path, headers, raw))
        if path == "/json/version":
            return _json(start_response, 200, VERSION)
        match = CALL.match(path)
        if not match or environ["REQUEST_METHOD"] != "POST":
            return _json(
                start_response,
                404,
                odoo_error("werkzeug.exceptions.NotFound", "Did you mean POST /json/2/<model>/<method>?", 404),
            )
        db = headers.get("X-Odoo-Database", "")
        if not self.sim.registry.exists(db):
            return _page(start_response, 404, "Not Found", NO_DATABASE_PAGE)
        if raw and environ.get("CONTENT_TYPE", "").split(";")[0] != "application/json":
            return _page(start_response, 415, "Unsupported Media Type", b"<h1>Unsupported Media Type</h1>")
        bearer = re.match(r"^bearer\s+(.+)$", headers.get("Authorization", ""), re.IGNORECASE)
        if not bearer:
            return _json(start_response, *NO_KEY)
        if bearer.group(1) != self.key:
            return _json(start_response, *INVALID_KEY)
        model, method = match["model"], match["method"]
        canned = next((c for c in self.canned if c[:2] == (model, method)), None)
        if canned:
            self.canned.remove(canned)
            return _json(start_response, canned[2], canned[3])
        if method == "context_get":
            return _json(start_response, 200, CONTEXT)
        return self._forward(environ, start_response, db, model, method, json.loads(raw or b"{}"))

    def _forward(
        self, environ: dict, start_response: Any, db: str, model: str, method: str, named: dict
    ) -> list[bytes]:
        args = [named.pop("ids")] if "ids" in named else []
        if method == "create":
            args.append(named.pop("vals_list"))
        data = xmlrpc.client.dumps(
            (db, UID, "admin", model, method, args, named), "execute_kw", allow_none=True
        ).encode()
        answer: dict[str, Any] = {}
        body = b"".join(
            self.sim(
                {
                    **environ,
                    "PATH_INFO": "/xmlrpc/2/object",
                    "CONTENT_TYPE": "text/xml",
                    "CONTENT_LENGTH": str(len(data)),
                    "wsgi.input": io.BytesIO(data),
                },
                lambda status, headers, exc_info=None: answer.update(status=status),
            )
        )
        code, _sep, reason = answer["status"].partition(" ")
        if code != "200":  # a gateway's page (the simulator's http_status rule): passed on as it is
            return _page(start_response, int(code), reason, body)
        try:
            result = xmlrpc.client.loads(body, use_builtin_types=True)[0][0]
        except xmlrpc.client.Fault as fault:
            return _json(start_response, *_as_json2(fault))
        return _json(start_response, 200, result)


def _as_json2(fault: xmlrpc.client.Fault) -> tuple[int, dict]:
    """The status and error object 19.0 answers for the exception behind an XML-RPC fault."""
    text = str(fault.faultString).strip().splitlines()[-1]
    if fault.faultCode == 4:
        return 403, odoo_error("odoo.exceptions.AccessError", text)
    if fault.faultCode == 2:
        missing = text.startswith("Record does not exist")
        return (
            (404, odoo_error("odoo.exceptions.MissingError", text))
            if missing
            else (422, odoo_error("odoo.exceptions.UserError", text))
        )
    name, _sep, message = text.partition(": ")
    return 500, odoo_error(name if "." in name else f"builtins.{name}", message)


def _json(start_response: Any, status: int, body: Any) -> list[bytes]:
    data = json.dumps(body).encode()
    reasons = {
        200: "OK",
        401: "UNAUTHORIZED",
        403: "FORBIDDEN",
        404: "NOT FOUND",
        409: "CONFLICT",
        422: "UNPROCESSABLE ENTITY",
        500: "INTERNAL SERVER ERROR",
    }
    headers = [("Content-Type", "application/json; charset=utf-8"), ("Content-Length", str(len(data)))]
    if status == 401:
        headers.append(("WWW-Authenticate", "Bearer "))
    start_response(f"{status} {reasons.get(status, 'ERROR')}", headers)
    return [data]


def _page(start_response: Any, status: int, reason: str, page: bytes) -> list[bytes]:
    start_response(
        f"{status} {reason}", [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(page)))]
    )
    return [page]


@dataclass
class Json2Odoo:
    url: str
    stub: Json2Stub


@contextlib.contextmanager
def json2_odoo(version: str = "19.0") -> Iterator[Json2Odoo]:
    """The stub on loopback (cheroot, keep-alive; a lost answer is a real closed socket)."""
    stub = Json2Stub(SimulatorApp(version))
    with LoopbackServer(stub, "json2-stub", gateway=SocketGateway) as server:
        yield Json2Odoo(server.url, stub)
