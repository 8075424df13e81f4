"""The simulator's WSGI application: URLs to protocol handlers.

Routes mirror Odoo's controllers (``/xmlrpc/2/<service>``, ``/xmlrpc/<service>``,
``/jsonrpc``) plus the control API under ``/__sim__/``. Handlers only parse
and encode; ``services.Services`` does the work.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from werkzeug.exceptions import HTTPException, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from simulator import faults, jsonrpc, xmlrpc
from simulator.control import JSON_TYPE, FaultControl
from simulator.control import json_response as _json
from simulator.deprecations import DeprecatedEndpoints
from simulator.errors import AccessDenied, ServerError
from simulator.faults import DropConnection, HTTPStatusFault
from simulator.registry import Registry
from simulator.services import Services
from simulator.sessions import Session, SessionStore

XML_TYPE = "text/xml; charset=utf-8"


URLS = Map([
    Rule("/xmlrpc/2/<service>", endpoint="xmlrpc_2", methods=["POST"]),  # GET: 405, as Odoo
    Rule("/xmlrpc/<service>", endpoint="xmlrpc_1", methods=["POST"]),
    Rule("/jsonrpc", endpoint="jsonrpc", methods=["POST"]),
    Rule("/web/webclient/version_info", endpoint="version_info", methods=["POST"]),
    Rule("/web/session/authenticate", endpoint="session_authenticate", methods=["POST"]),
    Rule("/web/session/destroy", endpoint="session_destroy", methods=["POST"]),
    Rule("/web/dataset/call_kw", endpoint="call_kw"),
    Rule("/web/dataset/call_kw/<path:rest>", endpoint="call_kw"),
    Rule("/__sim__/journal", endpoint="sim_journal", methods=["GET"]),
    Rule("/__sim__/faults", endpoint="sim_faults", methods=["GET", "POST", "DELETE"]),
    Rule("/__sim__/reset", endpoint="sim_reset", methods=["POST"]),
    Rule("/__sim__/stats", endpoint="sim_stats", methods=["GET"]),
    Rule("/__sim__/databases", endpoint="sim_databases", methods=["GET", "POST"]),
])


class SimulatorApp(FaultControl):
    """One simulated Odoo server (one version, any number of databases)."""

    def __init__(self, version: str, db: str = "odoo", data: Path | None = None,
                 fresh: bool = False) -> None:
        self.registry = Registry(version, data=data, fresh=fresh, primary=db)
        self.registry.create(db)
        self.services = Services(self.registry)
        self.init_control()
        self.sessions = SessionStore()
        self.control_chars = self.registry.profile.quirks.xmlrpc.control_chars
        self.use_datetime = self.registry.profile.quirks.xmlrpc.use_datetime
        self.jsonrpc_style = self.registry.profile.quirks.jsonrpc
        self.deprecated = DeprecatedEndpoints(self.registry.profile.quirks.deprecations)

    @property
    def version(self) -> str:
        return self.registry.profile.version

    def __call__(self, environ: dict, start_response: Any) -> Any:
        path = environ.get("PATH_INFO", "")
        match = xmlrpc.XMLRPC_PATH.match(path)
        if match and environ["REQUEST_METHOD"] == "POST":
            # the hot path: plain WSGI, no URL matching or request objects
            self.deprecated.note(path)
            length = int(environ.get("CONTENT_LENGTH") or 0)
            return self._serve_xmlrpc(environ, start_response, environ["wsgi.input"].read(length),
                                      match["service"], legacy=not match["v2"])
        request = Request(environ)
        try:
            endpoint, values = URLS.bind_to_environ(environ).match()
            response = getattr(self, f"on_{endpoint}")(request, **values)
        except HTTPException as exc:
            response = exc.get_response(environ)
        return response(environ, start_response)

    # -- RPC endpoints ------------------------------------------------------------

    def _serve_xmlrpc(self, environ: dict, start_response: Any, data: bytes, service: str,
                      legacy: bool) -> list[bytes]:
        try:
            body = self._xmlrpc(data, service, legacy)
        except HTTPStatusFault as fault:
            return faults.proxy_error(start_response, fault.status)
        except DropConnection as drop:
            faults.drop_connection(environ, drop.reset)
        start_response("200 OK", [("Content-Type", XML_TYPE), ("Content-Length", str(len(body)))])
        return [body]

    def _xmlrpc(self, data: bytes, service: str, legacy: bool) -> bytes:
        """One XML-RPC call to its response body (always HTTP 200, as Odoo answers):
        every failure becomes a fault, as in Odoo. Injected faults apply around it."""
        rule = None
        try:
            params, method = xmlrpc.parse_request(data, self.use_datetime)
            model, operation = faults.call_target(service, method, params)
            self.count_call(model, operation)
            rule = self.faults.pick(model, operation) if self.faults.rules else None
            if rule:
                faults.before_call(rule)
            result = self.services.dispatch(service, method, list(params))
            body = xmlrpc.encode_result(result, self.control_chars)
        except (HTTPStatusFault, DropConnection):
            raise
        except Exception as exc:
            body = xmlrpc.encode_fault(exc, legacy)
        if rule:
            faults.after_call(rule)
        return body

    def on_jsonrpc(self, request: Request) -> Response:
        self.deprecated.note(request.path)
        request_id = None
        try:
            request_id, params = jsonrpc.parse_request(request.get_data())
            service, method = params.get("service"), params.get("method")
            args = params.get("args") or []
            self.count_call(*faults.call_target(str(service), str(method), args))
            body = jsonrpc.encode_result(request_id, self.services.dispatch(service, method, args))
        except Exception as exc:
            body = jsonrpc.encode_error(request_id, exc, self.jsonrpc_style)
        return Response(body, status=200, content_type=JSON_TYPE)

    def on_version_info(self, request: Request) -> Response:
        """The web client's version route (json, no auth): clients probe it first."""
        result = self.services.dispatch("common", "version", [])
        return _web_json(jsonrpc.encode_result(_json_request(request)[0], result))

    def on_session_authenticate(self, request: Request) -> Response:
        request_id, params = _json_request(request)
        try:
            db_name = params.get("db") or self.registry.primary
            uid = self.services.authenticate(db_name, params.get("login"), params.get("password"), {})
            if not uid:
                raise AccessDenied()
            info = self.services.session_info(db_name, uid)
        except Exception as exc:
            return _web_json(jsonrpc.encode_error(request_id, exc, self.jsonrpc_style))
        response = _web_json(jsonrpc.encode_result(request_id, info))
        sid = self.sessions.open(Session(db_name, uid, info["username"]))
        response.set_cookie("session_id", sid, httponly=True, samesite="Lax")
        return response

    def on_session_destroy(self, request: Request) -> Response:
        request_id, _params = _json_request(request)
        self.sessions.close(request.cookies.get("session_id"))
        return _web_json(jsonrpc.encode_result(request_id, None))

    def on_call_kw(self, request: Request, rest: str = "") -> Response:
        """The web client's ORM endpoint. Without a session: with one database (or
        ``?db=`` naming one) Odoo answers "Session expired", with several a 404."""
        session = self.sessions.get(request.cookies.get("session_id"))
        if session is None:
            db = request.args.get("db")
            if not (db and self.registry.get(db)) and len(self.registry.names()) != 1:
                raise NotFound()
            error = ServerError("odoo.http.SessionExpiredException", "Session expired")
            return _web_json(jsonrpc.encode_error(None, error, self.jsonrpc_style, code=100,
                                                  message="Odoo Session Expired"))
        request_id, params = _json_request(request)
        try:
            result = self.services.web_call(session.db, session.uid, params.get("model"),
                                            params.get("method"), params.get("args") or [],
                                            params.get("kwargs") or {})
        except NotFound as exc:
            not_found = ServerError("werkzeug.exceptions.NotFound", str(exc))
            return _web_json(jsonrpc.encode_error(request_id, not_found, self.jsonrpc_style, code=404,
                                                  message="404: Not Found"))
        except Exception as exc:
            return _web_json(jsonrpc.encode_error(request_id, exc, self.jsonrpc_style))
        return _web_json(jsonrpc.encode_result(request_id, result))

    # -- control API ----------------------------------------------------------------

    def on_sim_journal(self, request: Request) -> Response:
        return _json(self.journal(request.args.get("db")))

    def journal(self, db: str | None = None) -> dict:
        names = [db] if db else self.registry.names()
        missing = [n for n in names if self.registry.get(n) is None]
        if missing:
            raise NotFound(f"no database {missing[0]!r}")
        return {name: [e.as_dict() for e in self.registry.get(name).journal] for name in names}

    def on_sim_reset(self, request: Request) -> Response:
        self.reset()
        return _json({"reset": self.registry.names()})

    def reset(self) -> None:
        """Databases back to their initial state, faults cleared, counters zeroed."""
        self.registry.reset()
        self.faults.clear()
        self.clear_counts()
        self.deprecated.clear()

    def on_sim_stats(self, request: Request) -> Response:
        return _json(self.stats())

    def stats(self) -> dict:
        return {"version": self.version, "databases": self.registry.names(), **self.call_stats(),
                "deprecated_calls": self.deprecated.snapshot()}

    def on_sim_databases(self, request: Request) -> Response:
        if request.method == "GET":
            return _json(self.registry.names())
        payload = json.loads(request.get_data() or b"{}")
        name = payload.get("name") if isinstance(payload, dict) else None
        if not isinstance(name, str) or not name:
            return _json({"error": "body must be {\"name\": DB, \"fresh\": bool}"}, status=400)
        self.registry.create(name, fresh=bool(payload.get("fresh", False)))
        return _json(self.registry.names(), status=201)


def _json_request(request: Request) -> tuple[Any, dict]:
    """The JSON-RPC id and params of a web route's request (empty when not JSON-RPC)."""
    try:
        return jsonrpc.parse_request(request.get_data())
    except ValueError:
        return None, {}


def _web_json(body: bytes) -> Response:
    return Response(body, status=200, content_type="application/json; charset=utf-8")
