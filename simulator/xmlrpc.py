"""XML-RPC protocol: request parsing, result marshalling, fault encoding.

Follows ``odoo/addons/base/controllers/rpc.py``: ``/xmlrpc/2`` answers int
fault codes (1 application error with traceback, 2 warning, 3 access
denied, 4 access error); legacy ``/xmlrpc`` answers string fault codes. Every
answer is HTTP 200 ``text/xml``. Results are marshalled without ``allow_none``
(a ``None`` result is itself a fault 1), with the version's control-character
rule.
"""

from __future__ import annotations

import base64
import re
import traceback
import xmlrpc.client
from collections.abc import Callable
from itertools import chain, repeat
from typing import Any
from xml.etree.ElementTree import Element, fromstring

from simulator.errors import AccessDenied, AccessError, OdooError, RedirectWarning, ServerError

#: Odoo's XML-RPC endpoints: ``/xmlrpc/2/<service>``, and the older ``/xmlrpc/<service>``.
XMLRPC_PATH = re.compile(r"^/xmlrpc/(?P<v2>2/)?(?P<service>[^/]+)$")
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
BLANKED_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0f-\x1f]")
#: Whether a string needs any work at all (most do not): a control character or one XML escapes.
SPECIAL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f&<>]")
TRUE, FALSE = "<value><boolean>1</boolean></value>\n", "<value><boolean>0</boolean></value>\n"
STRUCT_OPEN, STRUCT_CLOSE = "<value><struct>\n", "</struct></value>\n"
#: the types a column of one kind of value holds, with booleans (``False``: empty)
BOOLEANS, TEXTS = {bool}, {str}
STRINGS, INTEGERS, DOUBLES = frozenset((str, bool)), frozenset((int, bool)), frozenset((float, bool))
NAMED_IDS = frozenset((list, bool))
#: the fewest records written column by column: fewer cost more to check than they save
COLUMNS_FROM = 4
#: the largest request body read through a tree (``parse_request``), in bytes
TREE_PARSE_LIMIT = 1024 * 1024


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
        if not self._records(result, out):  # a read's answer, most often
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

    def _records(self, value: Any, out: list[str]) -> bool:
        """An answer of records (dicts with the same keys in the same order: every read's), each field of a
        plain shape (``_plain_column``), written column by column: a field's values are checked together
        and written by one comprehension, instead of a dispatch per value. Anything else (not records,
        fewer than ``COLUMNS_FROM``, another shape, among them any value that cannot be marshalled: the item
        by item walk then fails on the one the stdlib meets first): nothing written, ``False``."""
        if type(value) not in (list, tuple) or len(value) < COLUMNS_FROM or type(value[0]) is not dict:
            return False  # most answers: checked once, not in every array of an answer
        if set(map(type, value)) != {dict} or len(set(map(len, value))) != 1:
            return False
        columns, kinds = [], []
        for column in zip(*map(dict.values, value), strict=True):  # the first of another shape ends it
            shape = set(map(type, column))
            if not _plain_column(column, shape):
                return False
            columns.append(column)
            kinds.append(shape)
        if len(set(map(tuple, value))) != 1:  # the same keys in the same order: each column is one field's
            return False
        fragments = [
            self._column(key, column, shape) for key, column, shape in zip(value[0], columns, kinds, strict=True)
        ]
        rows = len(value)
        out.append("<value><array><data>\n")
        out.extend(
            chain.from_iterable(zip(repeat(STRUCT_OPEN, rows), *fragments, repeat(STRUCT_CLOSE, rows), strict=True))
        )
        out.append("</data></array></value>\n")
        return True

    def _column(self, key: str, values: tuple, kinds: set[type]) -> list[str]:
        """Each record's member ``key``, for its values of ``kinds``: a plain type (with ``False`` for empty)
        in one pass."""
        member = self._member(key)
        on, off = f"{member}{TRUE}</member>\n", f"{member}{FALSE}</member>\n"
        if kinds == BOOLEANS:
            return [on if v else off for v in values]
        if kinds <= STRINGS:
            if SPECIAL_CHARS.search("".join(values if kinds == TEXTS else [v for v in values if v.__class__ is str])):
                values = tuple(self._text(v) if v.__class__ is str else v for v in values)
            return [
                f"{member}<value><string>{v}</string></value>\n</member>\n"
                if v.__class__ is str
                else (on if v else off)
                for v in values
            ]
        if kinds <= INTEGERS:
            return [
                f"{member}<value><int>{v}</int></value>\n</member>\n" if v.__class__ is int else (on if v else off)
                for v in values
            ]
        if kinds <= DOUBLES:
            return [
                f"{member}<value><double>{v!r}</double></value>\n</member>\n"
                if v.__class__ is float
                else (on if v else off)
                for v in values
            ]
        return [  # many2one pairs (``_plain_column``)
            f"{member}<value><array><data>\n<value><int>{v[0]}</int></value>\n"
            f"<value><string>{v[1]}</string></value>\n</data></array></value>\n</member>\n"
            if v.__class__ is list
            else (on if v else off)
            for v in values
        ]

    def _struct(self, value: dict, out: list[str]) -> None:
        """A struct; a member holding a plain string, a boolean or an integer (most of a record) is
        written in one piece, without a call per value."""
        out.append(STRUCT_OPEN)
        members, special = self.members, SPECIAL_CHARS.search
        for key, item in value.items():
            member = members.get(key) or self._member(key)
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
        out.append(STRUCT_CLOSE)

    def _member(self, key: str) -> str:
        """A struct member's opening, kept by key (records repeat the same keys)."""
        member = self.members.get(key)
        if member is None:
            if type(key) is not str:
                raise TypeError("dictionary key must be string")
            member = self.members[key] = f"<member>\n<name>{self._text(key)}</name>\n"
        return member

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


def _plain_column(values: tuple, kinds: set[type]) -> bool:
    """Whether a column of ``values`` (of ``kinds``) is of a plain shape: strings, XML-RPC integers, floats or
    many2one pairs (``_plain_pairs``: not x2many id lists), with booleans."""
    if kinds <= NAMED_IDS:
        return _plain_pairs([v for v in values if v.__class__ is list])
    if kinds <= INTEGERS:
        return min(values) >= -(2**31) and max(values) < 2**31
    return kinds <= STRINGS or kinds <= DOUBLES


def _plain_pairs(pairs: list[list]) -> bool:
    """Whether every pair is a many2one's ``[id, display_name]``: an XML-RPC integer and a string that needs no
    escaping."""
    if not pairs:
        return True
    if set(map(len, pairs)) != {2}:
        return False
    ids, names = zip(*pairs, strict=True)
    return (
        set(map(type, ids)) == {int}
        and min(ids) >= -(2**31)
        and max(ids) < 2**31
        and set(map(type, names)) == {str}
        and not SPECIAL_CHARS.search("".join(names))
    )


def parse_request(body: bytes, use_datetime: bool) -> tuple[tuple, str]:
    """``xmlrpc.client.loads(body, use_datetime=use_datetime)``, as Odoo reads every request, in half its time or less.

    ``loads`` runs a Python handler for each start, text and end of every element; here expat builds the tree in C
    (``ElementTree``: the same expat, only stricter, on namespaces and undeclared entities) and ``_read_call``
    converts the shapes clients send, by the stdlib's rules. Anything else (another shape or type, a dateTime, a
    bad value, malformed XML) is read again by ``loads`` itself, after the ``try``: the answer, the error and its
    traceback are the stdlib's own. A large body goes to ``loads`` at once: its tree would hold an element per
    value beside the values themselves (a 128 MiB body of numbers, gigabytes).
    """
    if len(body) <= TREE_PARSE_LIMIT:
        try:
            return _read_call(fromstring(body))
        except Exception:  # whatever it is, ``loads`` decides
            pass
    return xmlrpc.client.loads(body, use_datetime=use_datetime)


class _Unusual(Exception):
    """A request outside the shapes ``_read_call`` reads: the stdlib's stack of values reads odd nestings its own
    way (a child before a leaf's text drops that text, a second child in a ``value`` is one more value)."""


def _read_call(root: Element) -> tuple[tuple, str]:
    """A ``methodCall``: a ``methodName``, then if any ``params``."""
    if root.tag != "methodCall" or not 1 <= len(root) <= 2:
        raise _Unusual
    method = _leaf_text(root[0], "methodName")
    if len(root) == 1:
        return (), method
    if root[1].tag != "params":
        raise _Unusual
    return tuple(map(_param, root[1])), method


def _leaf_text(node: Element, tag: str) -> str:
    """The text of ``node``, a ``tag`` without children (the stdlib would read only the text after a child)."""
    if node.tag != tag or len(node):
        raise _Unusual
    return node.text or ""


def _param(node: Element) -> Any:
    if node.tag != "param" or len(node) != 1:
        raise _Unusual
    return _value(node[0])


def _value(node: Element) -> Any:
    """A ``value``: its one typed child, or without one its text as a string, whitespace kept."""
    if node.tag != "value":
        raise _Unusual
    children = len(node)
    if children != 1:
        if children:
            raise _Unusual
        return node.text or ""
    typed = node[0]
    read = _LEAVES.get(typed.tag)
    if read is None:
        return _CONTAINERS[typed.tag](typed)  # another tag: a KeyError, and ``loads`` reads it
    if len(typed):
        raise _Unusual  # the stdlib would read only the text after the child
    return read(typed.text or "")


def _boolean(text: str) -> bool:
    if text != "0" and text != "1":
        raise _Unusual  # ``loads`` raises its "bad boolean value"
    return text == "1"


def _nil(text: str) -> None:
    """``None``: the stdlib ignores a ``nil``'s text."""


def _base64(text: str) -> xmlrpc.client.Binary:
    return xmlrpc.client.Binary(base64.decodebytes(text.encode("ascii")))


def _array(node: Element) -> list:
    if len(node) != 1 or node[0].tag != "data":
        raise _Unusual
    return list(map(_value, node[0]))


def _struct(node: Element) -> dict:
    """A struct; of a name given twice, the last value in the first place, as the stdlib's ``dict`` fill."""
    struct = {}
    for member in node:
        if member.tag != "member" or len(member) != 2:
            raise _Unusual
        struct[_leaf_text(member[0], "name")] = _value(member[1])
    return struct


#: each type's reader, by tag, as ``xmlrpc.client.Unmarshaller.dispatch`` (``dateTime.iso8601`` and ``bigdecimal``
#: left to ``loads``): of a leaf's text, or of a container
_LEAVES: dict[str, Callable[[str], Any]] = {
    "string": str,
    "boolean": _boolean,
    **dict.fromkeys(("int", "i4", "i8", "i1", "i2", "biginteger"), int),
    **dict.fromkeys(("double", "float"), float),
    "nil": _nil,
    "base64": _base64,
}
_CONTAINERS: dict[str, Callable[[Element], Any]] = {"array": _array, "struct": _struct}


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
