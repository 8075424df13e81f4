"""Odoo's JSON-2 API (19.0+): ``POST /json/2/<model>/<method>`` with a bearer API key.

Mirrors ``addons/rpc/controllers/json2.py`` (``web_json_2_rpc``), ``odoo/http.py``'s ``Json2Dispatcher``
and ``ir.http._auth_method_bearer``, in the order a real server applies them: the database (a web
session's, refused when ``X-Odoo-Database`` names another (403); else the header's, else the only
one; otherwise Odoo's "No database is selected" page), the request's Content-Type (415), the key
(401; a web session's user when there is none, for a browser's navigation only), the body (400),
the model (404), the method (403 when private, 404 when unknown), ``ids`` given to an ``@api.model``
method (422), the named arguments bound to the method's signature (422), then the call in one
transaction, as over XML-RPC, with a copy of the web session that is never saved. A result is the
bare JSON value, a recordset its ids; an error is ``serialize_exception``'s object with the status
``Json2Dispatcher.handle_error`` gives its class.

The signatures are the real server's: what its api_doc module documents of each model
(``profiles/<version>/methods.json.gz``, recorded by ``simulator.profiles.capture``) and the
deprecated methods the profile lists (``json2.deprecated``). The simulator's own implementations
run only once a call has passed them, so a call is refused exactly where Odoo refuses it.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from markupsafe import escape
from werkzeug import exceptions
from werkzeug.exceptions import (
    BadRequest,
    Forbidden,
    HTTPException,
    NotFound,
    Unauthorized,
    UnprocessableEntity,
    UnsupportedMediaType,
)
from werkzeug.wrappers import Request, Response

from simulator.database import Database
from simulator.errors import AccessDenied, AccessError, OdooError, unserved_model
from simulator.faults import Answer
from simulator.jsonrpc import serialize_exception
from simulator.models.apikeys import RPC_SCOPE, check_credentials
from simulator.models.users import context_get
from simulator.orm import Env
from simulator.profile import Profile, api_doc
from simulator.quirks import JsonRpc
from simulator.registry import Registry
from simulator.services import Services
from simulator.sessions import Session, unsaved

JSON_TYPE = "application/json; charset=utf-8"
HTML_TYPE = "text/html; charset=utf-8"
#: ``Json2Dispatcher.mimetypes``: a body of another type is refused (415), an empty one is fine.
MIMETYPES = ("application/json",)
#: The first route of each JSON-2 endpoint, as the 415 page names it.
CALL_ROUTE, CATCH_ALL_ROUTE, DOC_ROUTE = "/json/2/<__model__>/<__method__>", "/json/2", "/doc-bearer/<model_name>.json"
#: ``_auth_method_bearer``'s pattern: the word in any case.
BEARER = re.compile(r"^bearer\s+(.+)$", re.IGNORECASE)
NO_KEY = "User not authenticated, use an API Key with a Bearer Authorization header."
NOT_INTERACTIVE = 'Missing "Authorization" or Sec-headers for interactive usage.'
#: ``check_sec_headers``: what a browser sends when its user navigates (a web session then needs no key).
NAVIGATION = {
    "Sec-Fetch-Dest": ("document",),
    "Sec-Fetch-Mode": ("navigate",),
    "Sec-Fetch-Site": ("none", "same-origin"),
    "Sec-Fetch-User": ("?1",),
}
OTHER_DATABASE = "Cannot use both the session_id cookie and the x-odoo-database header."
#: ``WWWAuthenticate('bearer')`` as the werkzeug 19.0 runs on (2.2) writes it, trailing space included.
BEARER_CHALLENGE = "Bearer "
#: ``odoo.http.NOT_FOUND_NODB``: no database selected (several and no header, or one that is not there).
NO_DATABASE_PAGE = (
    "<!DOCTYPE html>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n<p>No database is selected and the "
    "requested URL was not found in the server-wide controllers.</p>\n<p>Please verify the hostname, <a "
    "href=/web/login>login</a> and try again.</p>\n\n<!-- Alternatively, use the X-Odoo-Database header. -->\n"
)
#: werkzeug 2.2's page for an HTTP error raised before any dispatcher (the 403 of ``_get_session_and_dbname``,
#: the 415 of ``_set_request_dispatcher``).
ERROR_PAGE = "<!doctype html>\n<html lang=en>\n<title>{code} {name}</title>\n<h1>{name}</h1>\n<p>{description}</p>\n"
#: The xmlid of the group api_doc's documents are for (``/doc-bearer``).
DOC_GROUP = ("api_doc", "group_allow_doc")
#: A parameter with a default, in a documented signature: ``(domain, fields=None)``.
_DEFAULTED = r"[(,]\s*{name}="


@dataclass(frozen=True)
class PublicMethod:
    """A method JSON-2 may call, as the real server's signature says."""

    #: The Python signature, ``self`` first, that the named arguments are bound to.
    signature: inspect.Signature
    #: ``@api.model``: called without records.
    api_model: bool
    #: Answers a recordset (api_doc writes its annotation ``list[int]``): JSON-2 sends its ids.
    returns_ids: bool

    @classmethod
    def documented(cls, entry: dict) -> PublicMethod:
        """From api_doc's entry: its parameters' names and kinds (``POSITIONAL_OR_KEYWORD`` when
        absent), and which have a default (named with ``=`` in its ``signature``)."""
        text = entry["signature"]
        parameters = entry["parameters"] if "parameters" in entry else {name: {} for name in _names(text)}
        signature = inspect.Signature(
            [
                inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD),
                *(
                    inspect.Parameter(
                        name,
                        getattr(inspect.Parameter, attrs.get("kind", "POSITIONAL_OR_KEYWORD")),
                        default=None
                        if re.search(_DEFAULTED.format(name=re.escape(name)), text)
                        else inspect.Parameter.empty,
                    )
                    for name, attrs in parameters.items()
                ),
            ]
        )
        return cls(signature, "model" in entry.get("api", ()), entry.get("return", {}).get("annotation") == "list[int]")


def _names(signature: str) -> list[str]:
    """The parameter names of a plain signature written by hand (``(operation, raise_exception=True)``)."""
    return [part.split("=")[0].strip() for part in signature.strip("()").split(",") if part.strip()]


class Json2Methods:
    """One version's public methods, per model: the recorded documents' and the deprecated ones."""

    def __init__(self, profile: Profile) -> None:
        self.recorded = api_doc(profile.version)
        self.deprecated = {
            name: {"signature": method.signature, "api": method.api}
            for name, method in profile.quirks.json2.deprecated.items()
        }
        self._bound: dict[tuple[str, str], PublicMethod | None] = {}

    def document(self, model: str) -> dict[str, dict]:
        """api_doc's ``methods`` of ``model``: each documented method's entry, by name."""
        names = self.recorded.get("models", {}).get(model, {}).get("methods", {})
        return {name: self.recorded["methods"][digest] for name, digest in names.items()}

    def field_modules(self, model: str) -> dict[str, str]:
        return self.recorded.get("models", {}).get(model, {}).get("modules", {})

    def get(self, model: str, name: str) -> PublicMethod | None:
        """The method ``name`` of ``model`` if it is public (its signature built once)."""
        if (model, name) not in self._bound:
            entry = self.document(model).get(name) or self.deprecated.get(name)
            self._bound[(model, name)] = PublicMethod.documented(entry) if entry else None
        return self._bound[(model, name)]


@dataclass(frozen=True)
class Caller:
    """Who a JSON-2 request runs as: its database, its user (none on a public route) and
    ``request.session`` as the call sees it (a copy, never saved)."""

    db: Database
    uid: int | None = None
    session: Session | None = None


class Json2Dispatcher:
    """The JSON-2 routes of one simulated server (``Json2Dispatcher`` and the controllers it serves)."""

    def __init__(
        self, registry: Registry, services: Services, web_session: Callable[[Request], Session | None]
    ) -> None:
        self.registry = registry
        self.services = services
        #: The live web session a request's ``session_id`` cookie names, if any (the server's store).
        self.web_session = web_session
        self.profile = registry.profile
        self.methods = Json2Methods(registry.profile)
        #: serialize_exception's style (19's AccessDenied has no traceback)
        self.style: JsonRpc = registry.profile.quirks.jsonrpc

    # -- routes -------------------------------------------------------------------------

    def call(self, request: Request, model: str, method: str) -> Response:
        """``POST /json/2/<model>/<method>``: ``web_json_2_rpc``."""
        return self._serve(request, CALL_ROUTE, lambda caller, params: self._call(caller, model, method, params))

    def not_found(self, request: Request) -> Response:
        """Any other ``/json/2`` request: ``web_json_2_404`` (public: no key asked)."""

        def refuse(_caller: Caller, _params: dict) -> Any:
            raise NotFound("Did you mean POST /json/2/<model>/<method>?")

        return self._serve(request, CATCH_ALL_ROUTE, refuse, public=True)

    def doc(self, request: Request, model: str) -> Response:
        """``GET /doc-bearer/<model>.json``: api_doc's document of a model, for admins."""
        return self._serve(request, DOC_ROUTE, lambda caller, _params: self._doc(request, caller, model))

    # -- the dispatcher -----------------------------------------------------------------------

    def _serve(
        self, request: Request, route: str, endpoint: Callable[[Caller, dict], Any], public: bool = False
    ) -> Response:
        """A request to a ``json2`` route, in ``Json2Dispatcher``'s order; the endpoint's result as JSON, its
        error as ``handle_error`` answers it."""
        web_session = self.web_session(request)
        try:
            db = self.database(request, web_session)
        except Forbidden as exc:
            return error_page(exc)
        if db is None:
            return Response(NO_DATABASE_PAGE, status=404, content_type=HTML_TYPE)
        if request.content_length and request.mimetype not in MIMETYPES:
            return unsupported_media_type(route)
        try:
            caller = Caller(db) if public else self._authenticate(db, request, web_session)
            result = endpoint(caller, self._params(request))
        except Exception as exc:
            return self.error_response(exc)
        if isinstance(result, Response):
            return result
        return json_response(result)

    def database(self, request: Request, web_session: Session | None) -> Database | None:
        """``_get_session_and_dbname``: a web session's database (``X-Odoo-Database`` naming another is
        refused: 403), else the one the header names, else the only one."""
        name = request.headers.get("X-Odoo-Database")
        if web_session is not None:
            if name is not None and name != web_session.db:
                raise Forbidden(OTHER_DATABASE)
            name = web_session.db
        if name is None and len(self.registry.names()) == 1:
            name = self.registry.names()[0]
        return self.registry.get(name) if name is not None else None

    @staticmethod
    def _authenticate(db: Database, request: Request, web_session: Session | None) -> Caller:
        """``_auth_method_bearer``: the user of the key in ``Authorization`` (the web session's, if the
        request carries one, must be the same), else the web session's user for a browser's navigation
        only; a 401 without either. The call sees a copy of the session (``save_session=False``)."""
        match = BEARER.match(request.headers.get("Authorization", ""))
        logged_in = web_session.uid if web_session is not None else None
        if match:
            with db.lock:
                uid = check_credentials(db, RPC_SCOPE, match[1])
            if uid is None:
                raise Unauthorized("Invalid apikey")
            if logged_in is not None and logged_in != uid:
                raise AccessDenied("Session user does not match the used apikey.")
        elif logged_in is None:
            raise Unauthorized(NO_KEY)
        elif not all(request.headers.get(name) in values for name, values in NAVIGATION.items()):
            raise Unauthorized(NOT_INTERACTIVE)
        else:
            uid = logged_in
        return Caller(db, uid, unsaved(web_session, db.name, uid))

    @staticmethod
    def _params(request: Request) -> dict:
        """``Json2Dispatcher.dispatch``: the body's object (a body that is JSON but no object is ignored)."""
        if not request.content_length:
            return {}
        try:
            body = json.loads(request.get_data(as_text=True))
        except ValueError as exc:
            raise BadRequest(f"could not parse the body as json: {exc.args[0]}") from exc
        return dict(body) if isinstance(body, dict) else {}

    def error_response(self, exc: Exception) -> Response:
        """An error as this version's JSON-2 answers it (an injected fault's too)."""
        return error_response(exc, self.style)

    # -- web_json_2_rpc ------------------------------------------------------------------------

    def _call(self, caller: Caller, model: str, method: str, params: dict) -> Any:
        """``web_json_2_rpc``: ``ids`` and ``context`` (which replaces the user's) taken out, the rest bound by
        name to the real method's signature, then the simulator's implementation in one transaction."""
        db = caller.db
        params = {key: value for key, value in params.items() if key not in ("__model__", "__method__")}
        ids = _ids(params.pop("ids", ()))
        context = params.pop("context", None) or {}
        if model not in db.schemas:
            raise NotFound(unserved_model(db, model) or f"the model {model!r} does not exist")
        public = self._public_method(model, method)
        if public.api_model and ids:
            raise UnprocessableEntity(f"cannot call {model}.{method} with ids")
        try:
            public.signature.bind(None, **params)
        except TypeError as exc:
            raise UnprocessableEntity(exc.args[0]) from exc
        function = self.services.served_method(model, method)
        if function is None:
            raise exceptions.NotImplemented(
                f"The method '{model}.{method}' exists in Odoo {self.profile.version} "
                "but the odoo-harness simulator does not serve it"
            )
        args = [] if self.services.on_model(model, method) else [ids]
        kwargs = self.services.renamed(method, params)
        result = self.services.transaction(
            db,
            caller.uid,
            context,
            lambda env: self.services.apply(env, model, method, function, args, kwargs),
            caller.session,
        )
        return [result] if public.returns_ids and type(result) is int else result

    def _public_method(self, model: str, method: str) -> PublicMethod:
        """``get_public_method``: a ``_name`` or an ``@api.private`` method is refused, an unknown one not found."""
        texts = self.profile.quirks.methods
        if method.startswith("_"):
            raise AccessError(texts.private.format(method=method, model=model))
        public = self.methods.get(model, method)
        if method in texts.private_api:
            raise AccessError(texts.private.format(method=method, model=model))
        if public is None:
            raise NotFound(texts.unknown.format(method=method, model=model))
        return public

    # -- api_doc --------------------------------------------------------------------------------

    def _doc(self, request: Request, caller: Caller, model: str) -> Response:
        """``doc_model``: the fields (``fields_get``, each with its module) and the documented methods, with an
        ETag the client may send back (304)."""
        etag, lang, body = self.services.transaction(caller.db, caller.uid, {}, lambda env: self._document(env, model))
        if etag in request.if_none_match and "no-cache" not in request.headers.get("Cache-Control", ""):
            return Response("", status=304)
        response = json_response(body)
        response.headers.update(
            {"ETag": etag, "Cache-Control": "no-cache, private", "Content-Language": lang.replace("_", "-")}
        )
        return response

    def _document(self, env: Env, model: str) -> tuple[str, str, dict]:
        """For users of api_doc's group only: the document's ETag (what it depends on: the database, the
        model, the user's language and groups), that language and the document."""
        db = env.db
        group = db.xmlid(*DOC_GROUP)
        if group is None or not db.access.has_group(env.uid, group):
            name = env.sudo()["res.groups"].read([group], ["name"])[0]["name"] if group else DOC_GROUP[1]
            raise AccessError(f"This page is only accessible to {name} users.")
        if model not in db.schemas:
            raise NotFound()
        env[model].check_access_mode("read", records=False)
        lang = context_get(env)["lang"]
        modules = self.methods.field_modules(model)
        fields = {name: {**attrs, "module": modules.get(name)} for name, attrs in env[model].fields_get().items()}
        etag = hashlib.sha256(json.dumps([db.name, model, lang, sorted(db.access.group_ids(env.uid))]).encode())
        return (
            etag.hexdigest(),
            lang,
            {
                "model": model,
                "name": db.schema(model).meta.label,
                "doc": None,
                "fields": fields,
                "methods": self.methods.document(model),
            },
        )


# -- answers --------------------------------------------------------------------------------------


def as_answer(response: Response) -> Answer:
    """A response as the fault rules' wire writes it (``faults.serve``)."""
    return response.status, [(k, v) for k, v in response.headers.items() if k != "Content-Length"], response.get_data()


def json_response(result: Any) -> Response:
    """``make_json_response``, then ``post_dispatch``'s header: the bare result (a JSON-2 call's, or an
    ``http`` route's such as ``/json/version``)."""
    return Response(
        json.dumps(result, ensure_ascii=False, default=str),
        status=200,
        content_type=JSON_TYPE,
        headers={"X-Content-Type-Options": "nosniff"},
    )


def error_response(exc: Exception, style: JsonRpc) -> Response:
    """``Json2Dispatcher.handle_error``: a UserError (and its kinds) with its ``http_status``, a werkzeug
    exception with its code, its description and its headers (``WWW-Authenticate``), anything else a 500;
    the body is ``serialize_exception``'s object."""
    if isinstance(exc, HTTPException):
        description = exc.description or ""
        body = serialize_exception(exc, style, message=description, arguments=[description, exc.code])
        # every 401 of JSON-2 is _auth_method_bearer's, which asks for a bearer key
        headers = [("WWW-Authenticate", BEARER_CHALLENGE)] if isinstance(exc, Unauthorized) else []
        status = exc.code or 500
    else:
        body = serialize_exception(exc, style)
        headers, status = [], exc.http_status if isinstance(exc, OdooError) else 500
    response = Response(json.dumps(body, ensure_ascii=False, default=str), status=status, content_type=JSON_TYPE)
    response.headers.extend(headers)
    return response


def unsupported_media_type(route: str) -> Response:
    """``_set_request_dispatcher``'s 415: werkzeug's page, and what the route takes in ``Accept`` (a body
    that is not JSON suits only the ``http`` dispatcher)."""
    description = (
        f"Request inferred type is compatible with ['http'] but {route!r} is type='json2'.\n\n"
        "Please verify the Content-Type request header and try again."
    )
    response = error_page(UnsupportedMediaType(description))
    response.headers["Accept"] = ", ".join(MIMETYPES)
    return response


def error_page(exc: HTTPException) -> Response:
    """An HTTP error raised before any dispatcher: werkzeug 2.2's page of it (its lines as ``<br>``)."""
    description = str(escape(exc.description or "")).replace("\n", "<br>")
    page = ERROR_PAGE.format(code=exc.code, name=exc.name, description=description)
    return Response(page, status=exc.code or 500, content_type=HTML_TYPE)


def _ids(value: Any) -> list:
    """``Model.browse(ids)``: a list of ids, or one id alone."""
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value] if value else []
