"""The simulator's WSGI application: URLs to protocol handlers.

Routes mirror Odoo's controllers (``/xmlrpc/2/<service>``, ``/xmlrpc/<service>``,
``/jsonrpc``, from 19.0 JSON-2's ``/json/2/<model>/<method>``) plus the control API under
``/__sim__/``. Handlers only parse and encode; ``services.Services`` does the work. The routes a
version has beyond the common ones are its profile's (``json2.routes``).
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
import threading
from pathlib import Path
from typing import Any
from urllib.parse import quote

from werkzeug.exceptions import HTTPException, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.utils import redirect
from werkzeug.wrappers import Request, Response

from simulator import faults, jsonrpc, xmlrpc
from simulator.control import JSON_TYPE, ControlRequestError, FaultControl, json_object
from simulator.control import json_response as _json
from simulator.database import Database
from simulator.dbservice import missing_arguments
from simulator.deprecations import DeprecatedEndpoints
from simulator.errors import AccessDenied, ServerError
from simulator.json2 import Json2Dispatcher, as_answer
from simulator.json2 import json_response as _odoo_json
from simulator.models import apikeys
from simulator.models.users import find_login
from simulator.orm import SUPERUSER_ID, Env
from simulator.registry import DEFAULT_MASTER_PASSWORD, Registry
from simulator.services import Services
from simulator.sessions import Session, SessionStore, session_info

XML_TYPE = "text/xml; charset=utf-8"
#: The name of the API keys the control API makes (what Odoo's preferences list them as).
NAME = "odoo-harness"
#: An API key as Odoo makes them: 40 hex digits.
KEY_FORMAT = re.compile(r"[0-9a-f]{40}")
#: A name PostgreSQL keeps whole (NAMEDATALEN - 1 bytes) and a file name can hold.
DB_NAME_BYTES = 63
#: How many databases the control API opens by default: each costs some megabytes of memory.
MAX_DATABASES = 50


COMMON_RULES = [
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
    Rule("/__sim__/apikeys", endpoint="sim_apikeys", methods=["POST", "DELETE"]),
]
#: ``web_json_2_404``'s methods.
JSON2_METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH"]
#: What a version routes under ``/json`` (its profile's ``json2.routes``).
JSON_RULES = {
    "none": [],
    "login_redirect": [Rule("/json/<path:subpath>", endpoint="login_redirect")],
    "json2": [
        Rule("/json/2/<model>/<method>", endpoint="json2_call", methods=["POST"]),
        Rule("/json/2", endpoint="json2_404", methods=JSON2_METHODS),
        Rule("/json/2/<path:subpath>", endpoint="json2_404", methods=JSON2_METHODS),
        Rule("/json/version", endpoint="web_version"),
        Rule("/web/version", endpoint="web_version"),
        Rule("/doc-bearer/<model>.json", endpoint="doc_bearer", methods=["GET"]),
    ],
}
#: Each kind's URL map (a rule belongs to one map: each gets its own copy of the common ones).
URLS = {kind: Map([rule.empty() for rule in [*COMMON_RULES, *rules]]) for kind, rules in JSON_RULES.items()}


class SimulatorApp(FaultControl):
    """One simulated Odoo server (one version, any number of databases)."""

    def __init__(
        self,
        version: str,
        db: str = "odoo",
        data: Path | None = None,
        fresh: bool = False,
        master_password: str = DEFAULT_MASTER_PASSWORD,
        control_token: str | None = None,
        max_databases: int = MAX_DATABASES,
    ) -> None:
        """``control_token``: what the control API's ``Authorization: Bearer`` must carry (None: none asked);
        ``max_databases``: how many databases it opens at most."""
        self.registry = Registry(version, data=data, fresh=fresh, primary=db, master_password=master_password)
        self.registry.create(db)
        self.services = Services(self.registry)
        self.init_control(control_token)
        self.max_databases = max_databases
        self._databases_lock = threading.Lock()
        self.sessions = SessionStore()
        self.control_chars = self.registry.profile.quirks.xmlrpc.control_chars
        self.use_datetime = self.registry.profile.quirks.xmlrpc.use_datetime
        self.jsonrpc_style = self.registry.profile.quirks.jsonrpc
        self.deprecated = DeprecatedEndpoints(self.registry.profile.quirks.deprecations)
        routes = self.registry.profile.quirks.json2.routes
        self.urls = URLS[routes]
        self.json2 = Json2Dispatcher(self.registry, self.services, self._session) if routes == "json2" else None

    @property
    def version(self) -> str:
        return self.registry.profile.version

    @property
    def serves_json2(self) -> bool:
        """Whether this version has the JSON-2 API (19.0+)."""
        return self.json2 is not None

    def startup_key(self, login: str) -> str:
        """The API key ``simulate`` prints for ``login`` of the primary database: derived from the
        database's secret, so a restart on the same ``--data`` file prints the same key and adds
        none (``LookupError`` as ``issue_api_key``)."""
        db = self.registry.get(self.registry.primary)
        return self.issue_api_key(login, key=apikeys.derived_key(db, NAME))

    def __call__(self, environ: dict, start_response: Any) -> Any:
        path = environ.get("PATH_INFO", "")
        match = xmlrpc.XMLRPC_PATH.match(path)
        if match and environ["REQUEST_METHOD"] == "POST":
            # the hot path: plain WSGI, no URL matching or request objects
            self.deprecated.note(path)
            length = int(environ.get("CONTENT_LENGTH") or 0)
            return self._serve_xmlrpc(
                environ, start_response, environ["wsgi.input"].read(length), match["service"], legacy=not match["v2"]
            )
        request = Request(environ)
        target = faults.json2_target(request.method, path, request.get_data()) if self.json2 else None
        if target:  # a JSON-2 call (or its version): injected faults around it, as over XML-RPC
            return faults.serve(
                environ,
                start_response,
                self.fault_rule(*target),
                lambda: as_answer(self._respond(request)),
                lambda exc: as_answer(self.json2.error_response(exc)),
            )
        return self._respond(request)(environ, start_response)

    def _respond(self, request: Request) -> Response:
        """The answer of the route the request's URL matches."""
        try:
            endpoint, values = self.urls.bind_to_environ(request.environ).match()
            handler = getattr(self, f"on_{endpoint}")
            if endpoint.startswith("sim_"):  # the control API: its tools only
                return self.serve_control(request, lambda: handler(request, **values))
            return handler(request, **values)
        except HTTPException as exc:
            return exc.get_response(request.environ)
        except _Answered as answered:
            return answered.response

    # -- RPC endpoints ------------------------------------------------------------

    def _serve_xmlrpc(self, environ: dict, start_response: Any, data: bytes, service: str, legacy: bool) -> list[bytes]:
        """One XML-RPC call (always HTTP 200, as Odoo answers): every failure becomes a fault, as in
        Odoo. Injected faults apply around it."""
        try:
            params, method = xmlrpc.parse_request(data, self.use_datetime)
        except Exception as exc:
            return faults.write(start_response, _xml_answer(xmlrpc.encode_fault(exc, legacy)))
        rule = self.fault_rule(*faults.call_target(service, method, params))
        return faults.serve(
            environ,
            start_response,
            rule,
            lambda: self._xmlrpc(service, method, params, legacy),
            lambda exc: _xml_answer(xmlrpc.encode_fault(exc, legacy)),
        )

    def _xmlrpc(self, service: str, method: str, params: tuple, legacy: bool) -> faults.Answer:
        try:
            body = xmlrpc.encode_result(self.services.dispatch(service, method, list(params)), self.control_chars)
        except Exception as exc:
            body = xmlrpc.encode_fault(exc, legacy)
        return _xml_answer(body)

    def on_json2_call(self, request: Request, model: str, method: str) -> Response:
        return self.json2.call(request, model, method)

    def on_json2_404(self, request: Request, subpath: str = "") -> Response:
        return self.json2.not_found(request)

    def on_doc_bearer(self, request: Request, model: str) -> Response:
        return self.json2.doc(request, model)

    def on_web_version(self, request: Request) -> Response:
        """``/web/version`` and ``/json/version`` (19+, no auth): the release's version."""
        info = self.registry.profile.version_info
        return _odoo_json({"version_info": info["server_version_info"], "version": info["server_version"]})

    def on_login_redirect(self, request: Request, subpath: str) -> Response:
        """18's ``/json/<path>`` web route (``auth="user"``): without a session, the login page, once a
        database is selected (the only one, or the session's); with none, no route at all."""
        if self._session(request) is None and len(self.registry.names()) != 1:
            raise NotFound()
        return redirect(f"/web/login?redirect={quote(request.full_path, safe='')}", 303)

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
        return _web_json(
            jsonrpc.encode_result(_json_request(request)[0], session_info(self.registry.get(session.db), session.uid))
        )

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
            result = self.services.web_call(
                session, params["model"], params["method"], params["args"] or [], params["kwargs"] or {}
            )
        except NotFound as exc:  # 18+: the model is looked up before the call, id unknown yet
            not_found = ServerError("werkzeug.exceptions.NotFound", str(exc))
            return _web_json(
                jsonrpc.encode_error(None, not_found, self.jsonrpc_style, code=404, message="404: Not Found")
            )
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
        return {
            "version": self.version,
            "databases": self.registry.names(),
            **self.call_stats(),
            "deprecated_calls": self.deprecated.snapshot(),
        }

    def on_sim_databases(self, request: Request) -> Response:
        """``POST {"name": DB, "fresh": bool}`` opens a database (as its version installs it), up to
        ``max_databases``; one already there is kept as it is."""
        if request.method == "GET":
            return _json(self.registry.names())
        payload = json_object(request)
        name, fresh = payload.get("name"), payload.get("fresh", False)
        if not (isinstance(name, str) and 0 < len(name.encode()) <= DB_NAME_BYTES and name.isprintable()):
            raise ControlRequestError(
                f"'name' must be a database name (1 to {DB_NAME_BYTES} bytes, no control characters); got {name!r}"
            )
        if not isinstance(fresh, bool):
            raise ControlRequestError(f"'fresh' must be true or false; got {fresh!r}")
        with self._databases_lock:
            if self.registry.get(name) is None and len(self.registry.names()) >= self.max_databases:
                error = f"at most {self.max_databases} databases (max_databases): drop one first"
                return _json({"error": error}, status=409)
            self.registry.create(name, fresh=fresh)
        return _json(self.registry.names(), status=201)

    def on_sim_database(self, request: Request, name: str) -> Response:
        """Drop a database, as a DBA would behind Odoo's back (no master password asked)."""
        if self.registry.get(name) is None:
            return _json({"error": f"no database {name!r}"}, status=404)
        self.registry.drop(name)
        return _json(self.registry.names())

    def on_sim_passwords(self, request: Request) -> Response:
        """Set a user's password, as the customer's admin changing it in Odoo's settings would:
        a test's way to make a client's stored secret stale: ``{"db": DB, "login": LOGIN, "password": PASSWORD}``."""
        payload = json_object(request)
        for key in ("db", "login", "password"):
            if not (isinstance(payload.get(key), str) and payload[key]):
                raise ControlRequestError(f"'{key}' must be a non-empty string")  # a password is not echoed
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

    def on_sim_apikeys(self, request: Request) -> Response:
        """A user's API keys, as they would manage them in Odoo's preferences. ``POST`` with ``{"login": LOGIN,
        "db": DB, "key": KEY}`` (``db``: the primary database by default; ``key``: that one, 40 hex digits, as
        a restored backup holds it, else a new one) answers ``{"key": KEY}``, a global key without expiry;
        ``DELETE ?login=LOGIN&db=DB`` removes every key of the user (``{"removed": N}``)."""
        payload = dict(request.args) if request.method == "DELETE" else _json_payload(request)
        if not _names_a_user(payload):
            return _json(
                {
                    "error": 'give the user as {"login": LOGIN, "db": DB} (db: the primary database by '
                    'default; POST may give "key": 40 hex digits)'
                },
                status=400,
            )
        try:
            if request.method == "DELETE":
                return _json({"removed": self.remove_api_keys(payload["login"], payload.get("db"))})
            return _json({"key": self.issue_api_key(payload["login"], payload.get("db"), payload.get("key"))})
        except LookupError as exc:
            return _json({"error": exc.args[0]}, status=404)

    def issue_api_key(self, login: str, db_name: str | None = None, key: str | None = None) -> str:
        """An API key (``key``, else a new one) of the active user ``login`` in ``db_name`` (the primary
        database by default); ``LookupError`` names a database or login that is not there."""
        db, uid = self._user(login, db_name)
        return self.services.transaction(db, uid, {}, lambda env: apikeys.generate(env, NAME, key=key))

    def remove_api_keys(self, login: str, db_name: str | None = None) -> int:
        """Every API key of ``login`` in ``db_name`` removed: how many."""
        db, uid = self._user(login, db_name)
        return self.services.transaction(db, uid, {}, apikeys.remove)

    def _user(self, login: str, db_name: str | None) -> tuple[Database, int]:
        """The database (the primary one by default) and the id of its active user ``login``."""
        name = db_name or self.registry.primary
        db = self.registry.get(name)
        if db is None:
            raise LookupError(f"no database {name!r}")
        with db.lock:
            uid = find_login(db, login)
        if uid is None:
            raise LookupError(f"no active user with login {login!r} in {name!r}")
        return db, uid


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


def _json_payload(request: Request) -> Any:
    """A control API request's JSON body (None when it is not JSON)."""
    try:
        return json.loads(request.get_data() or b"null")
    except ValueError:  # not JSON, or not UTF-8
        return None


def _names_a_user(payload: Any) -> bool:
    """Whether an API keys request names a user (``login``, optional ``db``) and a key, if any, as Odoo
    makes them."""
    return (
        isinstance(payload, dict)
        and isinstance(payload.get("login"), str)
        and isinstance(payload.get("db", ""), str)
        and isinstance(payload.get("key", ""), str)
        and bool(KEY_FORMAT.fullmatch(payload.get("key", "0" * 40)))
    )


def _xml_answer(body: bytes) -> faults.Answer:
    return "200 OK", [("Content-Type", XML_TYPE)], body


def _web_json(body: bytes) -> Response:
    return Response(body, status=200, content_type="application/json; charset=utf-8")


#: Fields every action model has but ``_get_readable_fields`` never lets through.
LOG_ACCESS_FIELDS = ("create_uid", "create_date", "write_uid", "write_date")
#: Odoo's web client images (``web/static/img``, the same bytes in 16.0 to 19.0).
STATIC = Path(__file__).parent / "static"
#: ``guess_mimetype``'s signatures of the image types a company logo may be.
IMAGE_SIGNATURES = (
    (b"\x89PNG", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF8", "image/gif"),
    (b"<svg", "image/svg+xml"),
    (b"<?xml", "image/svg+xml"),
)


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
    db = (
        registry.get(session.db)
        if session
        else (registry.get(registry.names()[0]) if len(registry.names()) == 1 else None)
    )
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
    return Response(
        data,
        mimetype=mimetype,
        headers={
            "Content-Disposition": f"inline; filename={filename}",
            "Cache-Control": cache,
            "Access-Control-Allow-Origin": "*",
            "Access-Control-Allow-Methods": "GET, POST",
        },
    )
