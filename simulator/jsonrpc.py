"""JSON-RPC protocol (``/jsonrpc``): Odoo's ``{service, method, args}`` calls.

Errors are Odoo's ``serialize_exception`` shape: code 200 (0 from 19.0), message
"Odoo Server Error", ``data`` with the exception's dotted class name, message,
arguments, context and traceback. ``null`` results are allowed here.
"""

from __future__ import annotations

import json
from typing import Any

from simulator.errors import AccessDenied, OdooError, ServerError
from simulator.quirks import JsonRpc
from simulator.xmlrpc import traceback_text


def parse_request(body: bytes) -> tuple[Any, dict]:
    """The request id and params; a malformed body raises ``ValueError``."""
    payload = json.loads(body or b"{}")
    if not isinstance(payload, dict):
        raise ValueError("JSON-RPC request must be an object")
    return payload.get("id"), payload.get("params") or {}


def encode_result(request_id: Any, result: Any) -> bytes:
    """Odoo leaves ``result`` out entirely when the method returned None."""
    response = {"jsonrpc": "2.0", "id": request_id}
    if result is not None:
        response["result"] = result
    return json.dumps(response, default=_default).encode()


def encode_error(
    request_id: Any, exc: BaseException, style: JsonRpc, code: int | None = None, message: str = "Odoo Server Error"
) -> bytes:
    """``style`` is the version's (its profile's ``jsonrpc``); ``code`` overrides its error code."""
    error = {
        "code": style.error_code if code is None else code,
        "message": message,
        "data": serialize_exception(exc, style),
    }
    return json.dumps({"jsonrpc": "2.0", "id": request_id, "error": error}, default=_default).encode()


def serialize_exception(
    exc: BaseException, style: JsonRpc, message: str | None = None, arguments: list | None = None
) -> dict:
    """Odoo's ``serialize_exception``, the error object of JSON-RPC's ``data`` and of a JSON-2 error
    answer: the exception's dotted class name, text, arguments, context and traceback (``message`` and
    ``arguments`` given for werkzeug's exceptions, as JSON-2's dispatcher gives them)."""
    if isinstance(exc, OdooError):
        name, text = exc.odoo_name, str(exc) if exc.__class__.__name__ == "RedirectWarning" else exc.message
    elif isinstance(exc, ServerError):
        name = exc.exc_type if "." in exc.exc_type else f"builtins.{exc.exc_type}"
        text = exc.text
    else:
        name, text = f"{type(exc).__module__}.{type(exc).__qualname__}", str(exc)
    debug = traceback_text(exc)
    if style.access_denied_debug == "exception_line" and isinstance(exc, AccessDenied):
        debug = f"{exc.odoo_name}: {exc.message}\n"  # 19 drops its traceback
    return {
        "name": name,
        "message": text if message is None else message,
        "arguments": [text] if arguments is None else arguments,
        "context": {},
        "debug": debug,
    }


def _default(value: Any) -> Any:
    """Dates and other non-JSON values the ORM may hand back."""
    return str(value)
