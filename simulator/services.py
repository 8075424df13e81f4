"""Odoo's RPC services (``common``, ``db``, ``object``), protocol-free.

``dispatch(service, method, params)`` is what both XML-RPC and JSON-RPC
endpoints call, like Odoo's ``dispatch_rpc``; it returns a Python value or
raises an ``errors`` exception, and the protocol layer encodes either.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

from werkzeug.exceptions import NotFound

from simulator import hooks
from simulator.database import Database
from simulator.dbservice import DbService, connect
from simulator.errors import (
    AccessDenied,
    AccessError,
    ServerError,
    UserError,
    attribute_error,
    unserved_text,
)
from simulator.models.users import find_login, note_login
from simulator.orm import BaseModel, Env
from simulator.registry import Registry

#: Methods Odoo decorates with @api.model (no ids in args[0]).
MODEL_METHODS = {
    "search",
    "search_count",
    "search_read",
    "create",
    "default_get",
    "fields_get",
    "name_search",
    "name_create",
    "read_group",
    "check_access_rights",
    "fields_get_keys",
    "web_search_read",
    "get_views",
    "fields_view_get",
    "load_views",
    "formatted_read_group",
}
#: Public ORM methods the simulator serves on every model.
RECORD_METHODS = {
    "read",
    "write",
    "unlink",
    "copy",
    "exists",
    "name_get",
    "has_access",
    "check_access",
    "check_access_rule",
    "action_archive",
    "action_unarchive",
    "toggle_active",
    "get_metadata",
    "get_external_id",
    "get_xml_id",
    "export_data",
    "web_read",
    "onchange",
}


class Services:
    """The three services of one simulated server."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self.profile = registry.profile
        self.db = DbService(registry)
        self.handlers = {
            "common": self.common,
            "object": self.object,
            **({"db": self.db.dispatch} if self.db.served else {}),
        }

    def dispatch(self, service: str, method: str, params: list) -> Any:
        handler = self.handlers.get(service)
        if handler is None:
            raise ServerError("KeyError", repr(service), text=str(service))
        return handler(method, list(params))

    # -- common -------------------------------------------------------------

    def common(self, method: str, params: list) -> Any:
        if method == "version":
            return dict(self.profile.version_info)
        if method == "about":
            extended = params[0] if params else False
            about = "See http://openerp.com"
            return [about, self.profile.version_info["server_version"]] if extended else about
        if method == "login":
            return self.authenticate(*_exact(params, 3, "exp_login"), {})
        if method == "authenticate":
            return self.authenticate(*_exact(params, 4, "exp_authenticate"))
        if method == "set_loglevel":
            return True
        raise ServerError("Exception", f"Method not found: {method}")

    def authenticate(self, db_name: str, login: str, password: str, _env: Any) -> int | bool:
        db = self._database(db_name)
        uid = find_login(db, login)
        if uid is None or not db.check_password(uid, password):
            return False
        note_login(db, uid)
        return uid

    # -- object ---------------------------------------------------------------

    def object(self, method: str, params: list) -> Any:
        """As ``odoo.service.model.dispatch``: credentials first, then the method name."""
        if self.profile.quirks.object.params == "unpack" and len(params) < 5:
            raise ServerError("ValueError", f"not enough values to unpack (expected at least 5, got {len(params)})")
        if len(params) < 3:
            raise ServerError("IndexError", "tuple index out of range")
        db = self._database(params[0])
        uid = _uid(params[1])
        if not db.check_password(uid, params[2]) or not self._user_active(db, uid):
            raise AccessDenied()
        if method == "execute_kw":
            model, name, *rest = _at_least(params[3:], 2, "execute_kw")
            args = rest[0] if rest else []
            kwargs = dict(rest[1]) if len(rest) > 1 and rest[1] else {}
        elif method == "execute":
            model, name, *args = _at_least(params[3:], 2, "execute")
            kwargs = {}
        else:
            raise ServerError("NameError", f"Method not available {method}")
        return self.call(db, uid, model, name, list(args), kwargs)

    def call(
        self, db: Database, uid: int, model: str, method: str, args: list, kwargs: dict, session: Any = None
    ) -> Any:
        """One ORM call in one transaction; a failure rolls everything back."""
        methods = self.profile.quirks.methods
        private = method.startswith("_") or method == "init"
        if private and methods.private_check == "before_lookup":
            raise AccessError(methods.private.format(method=method, model=model))
        if model not in db.schemas:
            raise UserError(unserved_text(db, model))
        if (private and methods.private_check == "after_model") or method in methods.private_api:
            raise AccessError(methods.private.format(method=method, model=model))
        if private:
            self._private_after_lookup(model, method)
        function = self._method(model, method)
        context = kwargs.pop("context", None) or {}
        return self.transaction(
            db, uid, context, lambda env: self._invoke(env, model, method, function, args, kwargs), session
        )

    @staticmethod
    def transaction(db: Database, uid: int, context: dict, work: Callable[[Env], Any], session: Any = None) -> Any:
        """``work`` in one transaction of ``db`` as ``uid`` with ``context`` (Odoo's cursor per request):
        committed with its journal entries if it returns, rolled back (its entries marked so) if it raises."""
        with db.lock, db.store.transaction():
            return work(Env(db, uid, dict(context), session=session))

    def _private_after_lookup(self, model: str, method: str) -> None:
        methods = self.profile.quirks.methods
        if method in dir(BaseModel) or method in ("_search", "_read_group", "_name"):
            raise AccessError(methods.private.format(method=method, model=model))
        raise attribute_error(methods.unknown.format(method=method, model=model))

    def _method(self, model: str, method: str) -> Any:
        function = self.served_method(model, method)
        if function is None:
            raise attribute_error(self.profile.quirks.methods.unknown.format(method=method, model=model))
        return function

    def served_method(self, model: str, method: str) -> Callable | None:
        """The simulator's implementation of a public method: a model's own (``hooks``) or BaseModel's."""
        extra = hooks.methods.get((model, method)) or hooks.model_methods.get((model, method))
        if extra:
            return extra
        known = method in MODEL_METHODS or method in RECORD_METHODS
        return getattr(BaseModel, method) if known and self.profile.has_method(method) else None

    @staticmethod
    def on_model(model: str, method: str) -> bool:
        """Whether the simulator's implementation takes no ids (Odoo's ``@api.model``)."""
        return method in MODEL_METHODS or (model, method) in hooks.model_methods

    def _invoke(self, env: Env, model: str, method: str, function: Any, args: list, kwargs: dict) -> Any:
        if method == "search" and not self.profile.quirks.methods.search_count_kwarg:
            if "count" in kwargs:
                raise ServerError("TypeError", "BaseModel.search() got an unexpected keyword argument 'count'")
            if len(args) > 4:  # domain, offset, limit, order: a fifth (16's count) is one too many
                raise ServerError(
                    "TypeError",
                    f"BaseModel.search() takes from 2 to 5 positional arguments but {len(args) + 1} were given",
                )
        if method == "create" and not args:
            if "vals_list" in kwargs:  # Odoo creates, then fails on args[0]: ids are consumed
                env[model].create(kwargs["vals_list"])
            raise ServerError("IndexError", f"{self.profile.quirks.methods.args_type} index out of range")
        kwargs = self.renamed(method, kwargs)
        signature = next(
            (
                s
                for s in self.profile.quirks.methods.record_dispatched.get(model, [])
                if s.partition("(")[0].rpartition(".")[2] == method
            ),
            None,
        )
        if signature:
            args, kwargs = self._as_record_method(signature, args, kwargs)
        if not self.on_model(model, method) and not args:
            raise ServerError("IndexError", "list index out of range")
        return self.apply(env, model, method, function, args, kwargs)

    def apply(self, env: Env, model: str, method: str, function: Callable, args: list, kwargs: dict) -> Any:
        """The method itself, on arguments as its implementation takes them (record ids first unless
        ``on_model``), a wrong keyword failing as Python words it in Odoo's ``BaseModel``."""
        if function is getattr(BaseModel, method, None):
            instance = env[model]
            _bind(function, instance, args, kwargs)
            return function(instance, *args, **kwargs)
        if self.on_model(model, method):
            return function(env, *args, **kwargs)
        return function(env, _ids(args[0]), *args[1:], **kwargs)

    def _as_record_method(self, signature: str, args: list, kwargs: dict) -> tuple[list, dict]:
        """``_call_kw_multi`` on an override without ``@api.model``: ``args[0]`` are the
        record ids (ignored by the method), the rest its parameters, Python's errors as is."""
        if not args:
            raise ServerError("IndexError", f"{self.profile.quirks.methods.args_type} index out of range")
        qualname, _, params = signature.partition("(")
        names = [p.strip() for p in params.rstrip(")").split(",") if p.strip()]
        rest = list(args[1:])
        missing = [n for n in names[len(rest) :] if n not in kwargs]
        if missing:
            plural = "s" if len(missing) > 1 else ""
            listed = " and ".join(", ".join(repr(n) for n in missing).rsplit(", ", 1))
            raise ServerError(
                "TypeError", f"{qualname}() missing {len(missing)} required positional argument{plural}: {listed}"
            )
        return [*rest, *(kwargs.pop(n) for n in names[len(rest) :])], kwargs

    def renamed(self, method: str, kwargs: dict) -> dict:
        """Keywords under the names this version gives them; the old name is then unknown."""
        renamed = self.profile.quirks.methods.renamed_parameters.get(method)
        if not renamed:
            return kwargs
        stale = sorted(set(renamed.values()) & set(kwargs))
        if stale:
            raise ServerError("TypeError", f"BaseModel.{method}() got an unexpected keyword argument {stale[0]!r}")
        return {renamed.get(key, key): value for key, value in kwargs.items()}

    # -- web client ----------------------------------------------------------

    def web_call(self, session: Any, model: Any, method: Any, args: list, kwargs: dict) -> Any:
        """``/web/dataset/call_kw``: the ORM call of a logged-in web session. An unknown
        model is ``request.env[model]``'s KeyError, or a 404 where the profile says so."""
        db = self._database(session.db)
        if model not in db.schemas:
            if self.profile.quirks.jsonrpc.call_kw_unknown_model == "notfound":
                raise NotFound()
            raise ServerError("KeyError", repr(model), text=str(model))
        return self.call(db, session.uid, model, str(method), list(args), dict(kwargs), session)

    # -- helpers ---------------------------------------------------------------

    def _database(self, name: Any) -> Database:
        return connect(self.registry, name)

    @staticmethod
    def _user_active(db: Database, uid: int) -> bool:
        return bool(db.store.query("SELECT 1 FROM res_users WHERE id = ? AND active = 1", (uid,)))


@functools.cache
def _signature(function: Any) -> inspect.Signature:
    return inspect.signature(function)


#: The argument shapes (function, positional count, keyword names) known to bind: whether arguments
#: bind depends on nothing else, and ``Signature.bind`` is a tenth of a small call's time. Bounded:
#: keyword names are the client's to choose.
_BINDING: set[tuple[Any, int, frozenset]] = set()
MAX_BINDINGS = 1024


def _bind(function: Any, instance: BaseModel, args: list, kwargs: dict) -> None:
    """Python's own argument errors, worded as Odoo's (``BaseModel.x() got ...``)."""
    shape = (function, len(args), frozenset(kwargs))
    if shape in _BINDING:
        return
    try:
        _signature(function).bind(instance, *args, **kwargs)
    except TypeError as exc:
        raise ServerError("TypeError", f"BaseModel.{function.__name__}() {exc}") from None
    if len(_BINDING) < MAX_BINDINGS:
        _BINDING.add(shape)


def _ids(value: Any) -> list[int]:
    if isinstance(value, (list, tuple)):
        return [int(v) for v in value]
    return [int(value)] if value else []


def _uid(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _exact(params: list, count: int, name: str) -> list:
    if len(params) < count:
        missing = count - len(params)
        raise ServerError(
            "TypeError", f"{name}() missing {missing} required positional argument{'s' if missing > 1 else ''}"
        )
    if len(params) > count:
        raise ServerError("TypeError", f"{name}() takes {count} positional arguments but {len(params)} were given")
    return params


def _at_least(params: list, count: int, name: str) -> list:
    if len(params) < count:
        raise ServerError("TypeError", f"{name}() missing {count - len(params)} required positional arguments")
    return params
