"""The simulator's WSGI application: URLs to protocol handlers.

Routes mirror Odoo's controllers (``/xmlrpc/2/<service>``, ``/xmlrpc/<service>``,
``/jsonrpc``) plus the control API under ``/__sim__/``. Handlers only parse
and encode; ``services.Services`` does the work.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from pathlib import Path
from typing import Any

from werkzeug.exceptions import HTTPException, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from simulator import faults, jsonrpc, xmlrpc
from simulator.control import JSON_TYPE, FaultControl
from simulator.control import json_response as _json
from simulator.dbservice import missing_arguments
from simulator.deprecations import DeprecatedEndpoints
from simulator.errors import AccessDenied, ServerError
from simulator.faults import DropConnection, HTTPStatusFault
from simulator.orm import SUPERUSER_ID, Env
from simulator.registry import DEFAULT_MASTER_PASSWORD, Registry
from simulator.services import Services
from simulator.sessions import Session, SessionStore, session_info

XML_TYPE = "text/xml; charset=utf-8"


URLS = Map([
    Rule("/xmlrpc/2/<service>", endpoint="xmlrpc_2", methods=["POST"]),  # GET: 405, as Odoo
    Rule("/xmlrpc/<service>", endpoint="xmlrpc_1", methods=["POST"]),
    Rule("/jsonrpc", endpoint="jsonrpc", methods=["POST"]),
    Rule("/web/webclient/version_info", endpoint="version_info", methods=["POST"]),
    Rule("/web/session/authenticate", endpoint="session_authenticate", methods=["POST"]),
    Rule("/web/session/destroy", endpoint="session_destroy", methods=["POST"]),
    Rule("/web/session/get_session_info", endpoint="get_session_info", methods=["POST"]),
    Rule("/web/session/check", endpoint="session_check", methods=["POST"]),
    Rule("/web/database/list", endpoint="database_list"),
    Rule("/web/dataset/call_kw", endpoint="call_kw"),
    Rule("/web/dataset/call_kw/<path:rest>", endpoint="call_kw"),
    Rule("/web/dataset/call_button", endpoint="call_button"),
    Rule("/web/dataset/call_button/<path:rest>", endpoint="call_button"),
    Rule("/web/binary/company_logo", endpoint="company_logo"),
    Rule("/logo", endpoint="company_logo"),
    Rule("/logo.png", endpoint="company_logo"),
    Rule("/__sim__/journal", endpoint="sim_journal", methods=["GET"]),
    Rule("/__sim__/faults", endpoint="sim_faults", methods=["GET", "POST", "DELETE"]),
    Rule("/__sim__/reset", endpoint="sim_reset", methods=["POST"]),
    Rule("/__sim__/stats", endpoint="sim_stats", methods=["GET"]),
    Rule("/__sim__/databases", endpoint="sim_databases", methods=["GET", "POST"]),
    Rule("/__sim__/databases/<name>", endpoint="sim_database", methods=["DELETE"]),
    Rule("/__sim__/passwords", endpoint="sim_passwords", methods=["POST"]),
])


class SimulatorApp(FaultControl):
    """One simulated Odoo server (one version, any number of databases)."""

    def __init__(self, version: str, db: str = "odoo", data: Path | None = None,
                 fresh: bool = False, master_password: str = DEFAULT_MASTER_PASSWORD) -> None:
        self.registry = Registry(version, data=data, fresh=fresh, primary=db, master_password=master_password)
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
        except _Answered as answered:
            response = answered.response
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
            info = session_info(self.registry.get(db_name), uid)
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

    def on_get_session_info(self, request: Request) -> Response:
        session = self._logged_in(request)
        return _web_json(jsonrpc.encode_result(_json_request(request)[0], session_info(self.registry.get(session.db),
                                                                                      session.uid)))

    def on_session_check(self, request: Request) -> Response:
        """Answers nothing: being let through (a live session) is the check."""
        self._logged_in(request)
        return _web_json(jsonrpc.encode_result(_json_request(request)[0], None))

    def on_database_list(self, request: Request) -> Response:
        """``http.db_list()`` for the mobile app (json, no auth; a body that is no JSON is a 400)."""
        body = request.get_data()
        try:
            request_id, _params = jsonrpc.parse_request(body)
        except ValueError:
            body = b""
        if not body:
            return Response("Invalid JSON data", status=400, content_type="text/html; charset=utf-8")
        return _web_json(jsonrpc.encode_result(request_id, self.registry.names()))

    def on_call_kw(self, request: Request, rest: str = "") -> Response:
        """The web client's ORM endpoint."""
        return self._web_call(request, self._logged_in(request))

    def on_call_button(self, request: Request, rest: str = "") -> Response:
        """A form's button: the method's action (cleaned as ``clean_action``), else False."""
        return self._web_call(request, self._logged_in(request), button=True)

    def on_company_logo(self, request: Request) -> Response:
        return company_logo(self.registry, self._session(request), request.args.get("company"))

    def _session(self, request: Request) -> Session | None:
        """The request's live session; one whose database is gone (dropped, renamed) ends."""
        sid = request.cookies.get("session_id")
        session = self.sessions.get(sid)
        if session and self.registry.get(session.db) is None:
            self.sessions.close(sid)
            return None
        return session

    def _logged_in(self, request: Request) -> Session:
        """``auth="user"``: without a session, with one database (or ``?db=`` naming one) Odoo
        answers "Session expired", with several a 404."""
        session = self._session(request)
        if session is not None:
            return session
        db = request.args.get("db")
        if not (db and self.registry.get(db)) and len(self.registry.names()) != 1:
            raise NotFound()
        error = ServerError("odoo.http.SessionExpiredException", "Session expired")
        body = jsonrpc.encode_error(None, error, self.jsonrpc_style, code=100, message="Odoo Session Expired")
        raise _Answered(_web_json(body))

    def _web_call(self, request: Request, session: Session, button: bool = False) -> Response:
        request_id, params = _json_request(request)
        try:
            missing = [name for name in ("model", "method", "args", "kwargs") if name not in params]
            if missing:
                route = "call_button" if button else "call_kw"
                raise ServerError("TypeError", missing_arguments(f"DataSet.{route}()", missing))
            result = self.services.web_call(session, params["model"], params["method"],
                                            params["args"] or [], params["kwargs"] or {})
        except NotFound as exc:  # 18+: the model is looked up before the call, id unknown yet
            not_found = ServerError("werkzeug.exceptions.NotFound", str(exc))
            return _web_json(jsonrpc.encode_error(None, not_found, self.jsonrpc_style, code=404,
                                                  message="404: Not Found"))
        except Exception as exc:
            return _web_json(jsonrpc.encode_error(request_id, exc, self.jsonrpc_style))
        return _web_json(jsonrpc.encode_result(request_id, clean_action(result) if button else result))

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

    def on_sim_database(self, request: Request, name: str) -> Response:
        """Drop a database, as a DBA would behind Odoo's back (no master password asked)."""
        if self.registry.get(name) is None:
            return _json({"error": f"no database {name!r}"}, status=404)
        self.registry.drop(name)
        return _json(self.registry.names())

    def on_sim_passwords(self, request: Request) -> Response:
        """Set a user's password, as the customer's admin changing it in Odoo's settings would:
        a test's way to make a client's stored secret stale."""
        shape = 'body must be {"db": DB, "login": LOGIN, "password": PASSWORD}'
        try:
            payload = json.loads(request.get_data() or b"null")
        except json.JSONDecodeError:
            payload = None
        if not (isinstance(payload, dict) and all(isinstance(payload.get(k), str) and payload.get(k)
                                                  for k in ("db", "login", "password"))):
            return _json({"error": shape}, status=400)
        db = self.registry.get(payload["db"])
        if db is None:
            return _json({"error": f"no database {payload['db']!r}"}, status=404)
        env = Env(db, SUPERUSER_ID, {"active_test": False}, su=True)
        with db.lock:
            uids = env["res.users"].search([("login", "=", payload["login"])])
        if not uids:
            return _json({"error": f"no user with login {payload['login']!r} in {payload['db']!r}"}, status=404)
        db.passwords[uids[0]] = payload["password"]
        return _json({"uid": uids[0]})


class _Answered(Exception):
    """A route's answer given before its body ran (an expired session)."""

    def __init__(self, response: Response) -> None:
        super().__init__()
        self.response = response


def _json_request(request: Request) -> tuple[Any, dict]:
    """The JSON-RPC id and params of a web route's request (empty when not JSON-RPC)."""
    try:
        return jsonrpc.parse_request(request.get_data())
    except ValueError:
        return None, {}


def _web_json(body: bytes) -> Response:
    return Response(body, status=200, content_type="application/json; charset=utf-8")


#: Fields every action model has but ``_get_readable_fields`` never lets through.
LOG_ACCESS_FIELDS = ("create_uid", "create_date", "write_uid", "write_date")
#: Odoo's web client images (``web/static/img``, the same bytes in 16.0 to 19.0).
STATIC = Path(__file__).parent / "static"
#: ``guess_mimetype``'s signatures of the image types a company logo may be.
IMAGE_SIGNATURES = ((b"\x89PNG", "image/png"), (b"\xff\xd8\xff", "image/jpeg"), (b"GIF8", "image/gif"),
                    (b"<svg", "image/svg+xml"), (b"<?xml", "image/svg+xml"))


def clean_action(result: Any) -> Any:
    """``call_button``'s answer: an action dict (typed ``act_window_close`` by default) without
    the fields the web client may not read; anything else is False."""
    if not isinstance(result, dict) or result.get("type") == "":
        return False
    action = {key: value for key, value in result.items() if key not in LOG_ACCESS_FIELDS}
    action.setdefault("type", "ir.actions.act_window_close")
    return action


def company_logo(registry: Registry, session: Session | None, company: str | None) -> Response:
    """``/web/binary/company_logo``: the logo of the company asked for, else of the user's
    (the superuser's without a session); Odoo's "no logo" image for a company without one,
    and Odoo's own logo without a database (several and no session) or for a bad ``company``."""
    db = registry.get(session.db) if session else (registry.get(registry.names()[0])
                                                    if len(registry.names()) == 1 else None)
    if db is None:
        return _placeholder("logo.png")
    try:
        env = Env(db, session.uid if session else SUPERUSER_ID, {}, su=True)
        company_id = int(company) if company else env["res.users"].read([env.uid], ["company_id"])[0]["company_id"][0]
    except ValueError:
        return _placeholder("logo.png")
    rows = env["res.company"].read(env["res.company"].exists([company_id]), ["logo_web", "write_date"])
    if not rows or not rows[0]["logo_web"]:
        return _placeholder("nologo.png")
    image = base64.b64decode(rows[0]["logo_web"])
    mimetype = next((kind for magic, kind in IMAGE_SIGNATURES if image.startswith(magic)), "image/png")
    extension = "svg" if mimetype == "image/svg+xml" else mimetype.split("/")[1]
    response = _image(image, mimetype, f"logo.{extension}", "no-cache")
    response.last_modified = dt.datetime.strptime(rows[0]["write_date"], "%Y-%m-%d %H:%M:%S")
    return response


def _placeholder(name: str) -> Response:
    return _image((STATIC / name).read_bytes(), "image/png", name, "no-cache, private")


def _image(data: bytes, mimetype: str, filename: str, cache: str) -> Response:
    """An image as Odoo sends one, with the route's ``cors="*"`` headers."""
    return Response(data, mimetype=mimetype, headers={
        "Content-Disposition": f"inline; filename={filename}", "Cache-Control": cache,
        "Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": "GET, POST"})
