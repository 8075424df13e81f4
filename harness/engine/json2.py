"""The JSON-2 wire (Odoo 19.0 and later): ``POST /json/2/<model>/<method>``.

The request is one JSON object of named arguments (``ids``, ``context`` and the method's own
parameters), authorised by an API key as ``Authorization: bearer <key>``, the database named by
``X-Odoo-Database``; the answer is the bare JSON result with 200, or Odoo's error object
``{name, message, arguments, context, debug}`` with a status per exception (401 a bad key, 403
AccessError, 404 an unknown model or method or a MissingError, 409 LockError, 422 UserError,
500 anything else). Each request is one transaction. (Odoo 19.0 ``addons/rpc/controllers/json2.py``,
``odoo/http.py`` ``Json2Dispatcher``; answers checked against a real 19.0 server.)

``Json2Wire`` is the JSON-2 side of ``harness.engine.client``'s seam: the client keeps its
doors, guard, retries and sync log, and hands this wire only the bytes to send. The engine
passes execute_kw's positional arguments; ``PARAMETERS`` names them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from harness.engine.transport import MeasuringHttp, Reply
from harness.errors import HarnessError

#: Where the wire sends: the paths counted per endpoint (none is deprecated on any version yet).
VERSION_PATH, CALL_PATH = "/json/version", "/json/2"
#: The parameter names, in order, of the ORM methods the client may send, and of those the checks'
#: reader sends as admin (``execute``: the settings that switch Analytic Accounting on) (Odoo 19.0's
#: signatures in ``odoo/orm/models.py``; ``ids`` first for a method on records, as execute_kw's first
#: argument is their ids). Only positional arguments need a name; keyword ones go as they are.
PARAMETERS: dict[str, tuple[str, ...]] = {
    "search": ("domain", "offset", "limit", "order"),
    "search_read": ("domain", "fields", "offset", "limit", "order"),
    "search_count": ("domain", "limit"),
    "read": ("ids", "fields", "load"),
    "read_group": ("domain", "fields", "groupby", "offset", "limit", "orderby", "lazy"),
    "fields_get": ("allfields", "attributes"),
    "name_search": ("name", "domain", "operator", "limit"),
    "default_get": ("fields",),
    "check_access_rights": ("operation", "raise_exception"),
    "context_get": (),
    "create": ("vals_list",),
    "write": ("ids", "vals"),
    "unlink": ("ids",),
    "action_archive": ("ids",),
    "action_unarchive": ("ids",),
    "execute": ("ids",),
}
#: The body of Odoo's "No database is selected" page: the database named does not exist here.
NO_DATABASE = b"No database is selected"


class UnnamedArguments(HarnessError, TypeError):
    """Positional arguments JSON-2 cannot name: a bug in the caller, found before sending."""


class Json2Error(HarnessError, RuntimeError):
    """Any answer but a 200 with JSON. ``name`` is Odoo's exception class when Odoo answered
    with its error object (``odoo.exceptions.AccessError``), None when something else did (a
    gateway, an HTML error page); JSON-2's analogue of an XML-RPC fault or protocol error."""

    def __init__(self, status: int, name: str | None, message: str) -> None:
        super().__init__(f"HTTP {status} {name}: {message}" if name else f"HTTP {status} {message}")
        self.status, self.name, self.message = status, name, message


def named(method: str, args: list, kwargs: dict) -> dict[str, Any]:
    """execute_kw's ``args``/``kwargs`` as JSON-2's one object of named arguments."""
    if not args:
        return dict(kwargs)
    names = PARAMETERS.get(method)
    if names is None or len(args) > len(names):
        raise UnnamedArguments(
            f"JSON-2 takes named arguments only: {len(args)} positional argument(s) of "
            f"{method!r} cannot be named (harness.engine.json2.PARAMETERS)"
        )
    clash = sorted(set(names[: len(args)]) & set(kwargs))
    if clash:
        raise UnnamedArguments(f"{method}: {', '.join(clash)} given both by position and by name")
    return {**dict(zip(names, args, strict=False)), **kwargs}


class Json2Wire:
    """One database's JSON-2 conversation, authorised by one API key (kept out of every repr)."""

    protocol = "JSON-2"
    #: (endpoint, sync_log entity) of the two session calls, and the endpoint of model calls
    VERSION = (VERSION_PATH, "json.version")
    LOGIN = (CALL_PATH, "res.users.context_get")
    OBJECT = CALL_PATH

    def __init__(
        self, url: str, db: str, api_key: str, transport: MeasuringHttp | None = None, timeout: float = 30.0
    ) -> None:
        self.db = db
        self.transport = transport or MeasuringHttp(url, timeout)
        self._headers = {
            "Authorization": f"bearer {api_key}",
            "Content-Type": "application/json",
            "X-Odoo-Database": db,
        }

    def __repr__(self) -> str:
        return f"Json2Wire(db={self.db!r})"

    def version(self) -> dict:
        """``GET /json/version`` (no key needed) under the keys ``common.version()`` answers,
        so that detection reads both alike: ``server_version`` and ``server_version_info``.
        JSON-2 gives no ``server_serie``; ``compat.series_of`` reads the info's first two parts."""
        answer = self._answer(self.transport.request("GET", VERSION_PATH, None, {}))
        return {"server_version": answer.get("version"), "server_version_info": answer.get("version_info")}

    def authenticate(self) -> int | None:
        """The key's user id: JSON-2 has no ``authenticate``, the key is checked on every call.

        ``res.users/context_get`` is the call that names the user without writing: on 19.0 it
        answers ``{"lang", "tz", "uid"}`` with ``uid`` set from ``self.env.uid``, which the
        bearer check (``ir.http._auth_method_bearer``) set to the key's owner; it is
        ``@api.model``, reads the user's lang and tz only, and is cached. The others tried on a
        real 19.0: ``ir.http/session_info`` answers ``"uid": null`` (it reads the web session,
        which a bearer request has none of), ``/web/session/get_session_info`` answers "Session
        expired" (``auth='user'`` ignores the key), and ``res.users`` searches need the uid or a
        login to find the user.
        """
        answer = self.execute("res.users", "context_get", [], {})()
        return answer.get("uid") if isinstance(answer, dict) else None

    def execute(self, model: str, method: str, args: list, kwargs: dict) -> Callable[[], Any]:
        """The call, ready to send: arguments that cannot be named raise here, before anything is sent."""
        body = json.dumps(named(method, args, kwargs)).encode()
        path = f"{CALL_PATH}/{model}/{method}"
        return lambda: self._answer(self.transport.request("POST", path, body, self._headers))

    def _answer(self, reply: Reply) -> Any:
        """The result of a 200 with JSON; any other answer raises ``Json2Error``."""
        try:
            answer = json.loads(reply.body)
        except ValueError:
            missing = reply.status == 404 and NO_DATABASE in reply.body
            message = (
                f"database {self.db!r} does not exist"
                if missing
                else "the answer is not JSON"
                if reply.status == 200
                else reply.reason
            )
            raise Json2Error(reply.status, None, message) from None
        if reply.status == 200:
            return answer
        if isinstance(answer, dict) and "name" in answer:
            raise Json2Error(reply.status, str(answer["name"]), str(answer.get("message", "")).strip())
        raise Json2Error(reply.status, None, reply.reason)
