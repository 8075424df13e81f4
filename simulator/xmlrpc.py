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

#: Odoo's XML-RPC endpoints: ``/xmlrpc/2/<service>``, and the older ``/xmlrpc/<service>``.
XMLRPC_PATH = re.compile(r"^/xmlrpc/(?P<v2>2/)?(?P<service>[^/]+)$")
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
BLANKED_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0f-\x1f]")
#: Whether a string needs any work at all (most do not): a control character or one XML escapes.
SPECIAL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f&<>]")
TRUE, FALSE = "<value><boolean>1</boolean></value>\n", "<value><boolean>0</boolean></value>\n"


class ResponseEncoder:
    """Writes a methodResponse byte-for-byte as ``xmlrpc.client.dumps`` would, faster.

    Search results are lists of flat dicts of strings and numbers; the stdlib marshaller
    spends most of a large answer in method dispatch. This encoder handles those types
    inline and hands anything else (dates, binaries) to the stdlib ``Marshaller``.
    Like Odoo, it refuses ``None`` and applies the version's control-character rule:
    ``strip`` removes them (17+), ``blank`` empties the whole string (16).
    """

    def __init__(self, control_chars: str) -> None:
        self.blank = control_chars == "blank"
        self.fallback = xmlrpc.client.Marshaller("utf-8", allow_none=False)
        #: a struct member's opening, by key: records repeat the same keys
        self.members: dict[str, str] = {}

    def encode(self, result: Any) -> bytes:
        out: list[str] = ["<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n"]
        self._value(result, out)
        out.append("</param>\n</params>\n</methodResponse>\n")
        return "".join(out).encode("utf-8")

    def _value(self, value: Any, out: list[str]) -> None:
        kind = type(value)
        if kind is str:
            out.append(f"<value><string>{self._text(value)}</string></value>\n")
        elif kind is bool:
            out.append(TRUE if value else FALSE)
        elif kind is int:
            if not -(2**31) <= value < 2**31:
                raise OverflowError("int exceeds XML-RPC limits")
            out.append(f"<value><int>{value}</int></value>\n")
        elif kind is float:
            out.append(f"<value><double>{value!r}</double></value>\n")
        elif kind is dict:
            self._struct(value, out)
        elif kind is list or kind is tuple:
            out.append("<value><array><data>\n")
            special = SPECIAL_CHARS.search
            for item in value:  # ids and many2one pairs: no call per plain string or integer
                item_kind = type(item)
                if item_kind is int and -(2**31) <= item < 2**31:
                    out.append(f"<value><int>{item}</int></value>\n")
                elif item_kind is str and not special(item):
                    out.append(f"<value><string>{item}</string></value>\n")
                else:
                    self._value(item, out)
            out.append("</data></array></value>\n")
        elif value is None:
            raise TypeError("cannot marshal None unless allow_none is enabled")
        else:
            self.fallback._Marshaller__dump(value, out.append)  # type: ignore[attr-defined]

    def _struct(self, value: dict, out: list[str]) -> None:
        """A struct; a member holding a plain string, a boolean or an integer (most of a record) is
        written in one piece, without a call per value."""
        out.append("<value><struct>\n")
        members, special = self.members, SPECIAL_CHARS.search
        for key, item in value.items():
            member = members.get(key)
            if member is None:
                if type(key) is not str:
                    raise TypeError("dictionary key must be string")
                member = members[key] = f"<member>\n<name>{self._text(key)}</name>\n"
            kind = type(item)
            if kind is str and not special(item):
                out.append(f"{member}<value><string>{item}</string></value>\n</member>\n")
            elif kind is bool:
                out.append(f"{member}{TRUE if item else FALSE}</member>\n")
            elif kind is int and -(2**31) <= item < 2**31:
                out.append(f"{member}<value><int>{item}</int></value>\n</member>\n")
            else:
                out.append(member)
                self._value(item, out)
                out.append("</member>\n")
        out.append("</struct></value>\n")

    def _text(self, text: str) -> str:
        if not SPECIAL_CHARS.search(text):
            return text
        if self.blank:
            if BLANKED_CHARS.search(text):
                return ""
        elif CONTROL_CHARS.search(text):
            text = CONTROL_CHARS.sub("", text)
        if "&" in text or "<" in text or ">" in text:
            text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return text


def parse_request(body: bytes, use_datetime: bool) -> tuple[tuple, str]:
    params, method = xmlrpc.client.loads(body, use_datetime=use_datetime)
    return params, method


def encode_result(result: Any, control_chars: str) -> bytes:
    """A methodResponse; raises ``TypeError`` (fault 1 for the caller) on ``None``."""
    return ResponseEncoder(control_chars).encode(result)


def encode_fault(exc: BaseException, legacy: bool) -> bytes:
    """The fault body for ``exc``: int codes on /xmlrpc/2, strings on /xmlrpc. Its text loses the
    control characters XML 1.0 forbids, as Odoo's marshaller strips them in every version (16.0 and
    17.0 put it in place of ``xmlrpc.client``'s): a message may quote anything a client sent."""
    code, string = (_fault_v1 if legacy else _fault_v2)(exc)
    fault = xmlrpc.client.Fault(_xml_text(code) if legacy else code, _xml_text(string))
    return xmlrpc.client.dumps(fault, allow_none=False).encode()


def _xml_text(text: str) -> str:
    return CONTROL_CHARS.sub("", text)


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
