"""XML-RPC protocol: request parsing, result marshalling, fault encoding.

Follows ``odoo/addons/base/controllers/rpc.py``: ``/xmlrpc/2`` answers int
fault codes (1 application error with traceback, 2 warning, 3 access
denied, 4 access error); legacy ``/xmlrpc`` answers string fault codes. Every
answer is HTTP 200 ``text/xml``. Results are marshalled without ``allow_none``
(a ``None`` result is itself a fault 1), with the version's control-character
rule.
"""

from __future__ import annotations

import re
import traceback
import xmlrpc.client
from typing import Any

from simulator.errors import AccessDenied, AccessError, OdooError, RedirectWarning, ServerError

CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
BLANKED_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0f-\x1f]")


class OdooMarshaller(xmlrpc.client.Marshaller):
    """Odoo's marshaller: strings lose control characters (16 blanks the value)."""

    control_chars = "strip"

    def dump_unicode(self, value: str, write: Any) -> None:
        if self.control_chars == "blank":
            value = "" if BLANKED_CHARS.search(value) else value
        else:
            value = CONTROL_CHARS.sub("", value)
        super().dump_unicode(value, write)

    dispatch = dict(xmlrpc.client.Marshaller.dispatch)
    dispatch[str] = dump_unicode


def parse_request(body: bytes, use_datetime: bool) -> tuple[tuple, str]:
    params, method = xmlrpc.client.loads(body, use_datetime=use_datetime)
    return params, method


def encode_result(result: Any, control_chars: str) -> bytes:
    """A methodResponse; raises ``TypeError`` (fault 1 for the caller) on ``None``."""
    marshaller = OdooMarshaller(encoding="utf-8", allow_none=False)
    marshaller.control_chars = control_chars
    body = marshaller.dumps((result,))
    return (
        "<?xml version='1.0'?>\n<methodResponse>\n" + body + "</methodResponse>\n"
    ).encode("utf-8")


def encode_fault(exc: BaseException, legacy: bool) -> bytes:
    """The fault body for ``exc``: int codes on /xmlrpc/2, strings on /xmlrpc."""
    code, string = (_fault_v1 if legacy else _fault_v2)(exc)
    return xmlrpc.client.dumps(xmlrpc.client.Fault(code, string), allow_none=False).encode()


def _fault_v2(exc: BaseException) -> tuple[int, str]:
    if isinstance(exc, RedirectWarning):
        return 2, str(exc)
    if isinstance(exc, AccessError):
        return 4, exc.message
    if isinstance(exc, AccessDenied):
        return 3, exc.message
    if isinstance(exc, OdooError):
        return 2, exc.message
    return 1, traceback_text(exc)


def _fault_v1(exc: BaseException) -> tuple[str, str]:
    if isinstance(exc, RedirectWarning):
        return f"warning -- Warning\n\n{exc}", ""
    if isinstance(exc, AccessDenied):
        return "AccessDenied", exc.message
    if isinstance(exc, OdooError):
        return f"warning -- {exc.v1_kind}\n\n{exc.message}", ""
    message = exc.text if isinstance(exc, ServerError) else str(exc)
    return message, traceback_text(exc)


def traceback_text(exc: BaseException) -> str:
    """Odoo serves ``traceback.format_exception``; simulated errors shape their own."""
    if isinstance(exc, ServerError):
        return exc.traceback_text()
    if isinstance(exc, OdooError):
        return ServerError(exc.odoo_name, str(exc)).traceback_text()
    return "".join(traceback.format_exception(exc))
