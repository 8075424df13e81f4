"""Differential: ``simulator.xmlrpc.parse_request`` reads every request exactly as ``xmlrpc.client.loads`` does
(Odoo's own reader): the same params and method name, of the same types, or the same exception with the same text.

It reads the shapes clients send with ``ElementTree`` and leaves the rest to ``loads``; the properties feed it what
``xmlrpc.client.dumps`` writes and, from a grammar, what other clients and hostile ones may write (other
spellings, whitespace, comments, CDATA, references, encodings, odd nestings, wrong values, broken bytes). The
budget is fixed and the examples derandomized, so CI sees the same inputs on every run.
"""

from __future__ import annotations

import base64
import datetime as dt
import xmlrpc.client
from collections.abc import Callable
from typing import Any
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.xmlrpc import TREE_PARSE_LIMIT, parse_request

#: the stdlib's reader, kept before any test replaces it
LOADS = xmlrpc.client.loads
PROPERTY = settings(
    max_examples=1000,
    deadline=dt.timedelta(seconds=5),
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
#: fewer: ``dumps`` writes one shape, whatever the values
DUMPED = settings(PROPERTY, max_examples=300)
#: the bench's two calls (``bench/bench_simulator.py``: ``simulator_calls``), as ``ServerProxy`` writes them
BENCH_CALLS = [
    ("odoo", 2, "admin", "res.partner", "create", [{"name": "Created", "ref": "NEW"}]),
    (
        "odoo",
        2,
        "admin",
        "res.partner",
        "search_read",
        [[["ref", "=", "BENCH"]]],
        {"fields": ["name", "city", "ref", "parent_id", "is_company"]},
    ),
]


def outcome(read: Callable[[], tuple[tuple, str]]) -> tuple:
    """What a read gives, comparable: its result with every type, or its exception's type and text."""
    try:
        params, method = read()
    except Exception as exc:
        return "error", type(exc), str(exc)
    return "ok", typed(params), typed(method)


def typed(value: Any) -> Any:
    """``value`` with the type of each part (floats by ``repr``: nan and -0.0 count; dicts in order)."""
    if isinstance(value, list | tuple):
        return type(value), [typed(item) for item in value]
    if isinstance(value, dict):
        return dict, [(typed(key), typed(item)) for key, item in value.items()]
    if isinstance(value, float):
        return float, repr(value)
    if isinstance(value, xmlrpc.client.Binary):
        return xmlrpc.client.Binary, value.data
    if isinstance(value, xmlrpc.client.DateTime):
        return xmlrpc.client.DateTime, value.value
    return type(value), value


def assert_reads_as_loads(body: bytes, use_datetime: bool = False) -> None:
    expected = outcome(lambda: LOADS(body, use_datetime=use_datetime))
    assert outcome(lambda: parse_request(body, use_datetime)) == expected


# -- what xmlrpc.client.dumps writes -------------------------------------------------------------------------------

#: text XML 1.0 can carry (a control character is malformed XML: left to ``loads``, tried by the grammar below)
XML_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"], exclude_characters="\ufffe\uffff"))
PLAIN = st.one_of(
    st.integers(-(2**31), 2**31 - 1),
    st.booleans(),
    st.floats(),
    XML_TEXT | st.sampled_from([" ", "\t\n", "a & b <c> d", "]]>", "éà€😀", " lead", "trail "]),
    st.none(),
    st.binary(max_size=40).map(xmlrpc.client.Binary),
)
PARAMS = st.lists(
    st.recursive(
        PLAIN, lambda kids: st.lists(kids, max_size=4) | st.dictionaries(XML_TEXT, kids, max_size=4), max_leaves=20
    ),
    max_size=6,
)
#: ``dumps`` writes a method name as it is (and none if empty): a name, as clients send
METHODS = st.from_regex(r"[A-Za-z_][A-Za-z0-9_.]*", fullmatch=True)


@DUMPED
@given(params=PARAMS, method=METHODS, use_datetime=st.booleans())
def test_dumped_calls_read_as_loads_reads_them_without_loads(params: list, method: str, use_datetime: bool) -> None:
    """Every call ``dumps`` writes of these types (all but dateTime) is read by the fast path alone, as ``loads``
    reads it."""
    body = xmlrpc.client.dumps(tuple(params), method, allow_none=True).encode()
    expected = outcome(lambda: LOADS(body, use_datetime=use_datetime))
    with mock.patch.object(xmlrpc.client, "loads", side_effect=AssertionError("read by loads")):
        assert outcome(lambda: parse_request(body, use_datetime)) == expected


@pytest.mark.parametrize("args", BENCH_CALLS, ids=["create", "search_read"])
def test_the_bench_calls_are_read_without_loads(args: tuple) -> None:
    """``bench/bench_simulator.py``'s calls are read once, by the fast path."""
    body = xmlrpc.client.dumps(args, "execute_kw").encode()
    with mock.patch.object(xmlrpc.client, "loads", side_effect=AssertionError("read by loads")):
        assert parse_request(body, False) == (args, "execute_kw")


# -- what other clients and hostile ones write ---------------------------------------------------------------------

#: between tags: nothing most often, whitespace, or what XML lets a writer put there
GAP = st.sampled_from(["", "", "", " ", "\n", "\r\n", "\t ", "<!-- c -->", "<?pi x?>", "x"])
WORDS = st.sampled_from(
    ["0", "1", "-7", " 42\n", "+5", "1_000", "\u0661\u0662", "2147483648", "9" * 30, "", "x", "1.5", "nan", "-inf",
     " 1e3 ", "true", "QUJD", "QU JD\n", "*", "20240101T10:30:00", " 20240101T10:30:00 ", "2024-01-01", "&e;"]
)  # fmt: skip
LETTERS = st.text(st.sampled_from(list(" \t\n\r\xa0aZ0&<>;\"'éß€😀\x01\x7f\ufffe")), max_size=6)


@st.composite
def char_data(draw: st.DrawFn) -> str:
    """Text as a writer may spell it: escaped, raw (malformed if it holds ``&`` or ``<``), as character
    references, in CDATA, or split by a comment."""
    text = draw(WORDS | LETTERS)
    spelling = draw(st.sampled_from(["escaped", "escaped", "raw", "references", "cdata", "comment"]))
    if spelling == "raw":
        return text
    if spelling == "references":
        return "".join(f"&#{ord(char)};" for char in text)
    if spelling == "cdata":
        return f"<![CDATA[{text}]]>"
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return escaped if spelling == "escaped" else f"{escaped[:1]}<!--x-->{escaped[1:]}"


LEAF_TAGS = ["string", "int", "i4", "i8", "i1", "i2", "biginteger", "boolean", "double", "float", "nil", "base64",
             "dateTime.iso8601", "bigdecimal", "name", "value", "params", "methodName", "foo", "ex:int"]  # fmt: skip


@st.composite
def leaf(draw: st.DrawFn) -> str:
    tag = draw(st.sampled_from(LEAF_TAGS))
    text = draw(char_data())
    if not text and draw(st.booleans()):
        return f"<{tag}/>"
    inner = draw(st.sampled_from(["", "", "", "<b/>", "<int>3</int>"]))  # a child in a leaf: read the stdlib's way
    return f"<{tag}>{text}{inner}</{tag}>" if draw(st.booleans()) else f"<{tag}>{inner}{text}</{tag}>"


@st.composite
def value(draw: st.DrawFn, typed: st.SearchStrategy[str]) -> str:
    """A ``value``: of a typed child (with gaps), of text, empty, or odd (text and a child, two children)."""
    shape = draw(st.sampled_from(["typed"] * 5 + ["text", "text", "empty", "two", "texted", "bare"]))
    if shape == "typed":
        return f"<value>{draw(GAP)}{draw(typed)}{draw(GAP)}</value>"
    if shape == "text":
        return f"<value>{draw(char_data())}</value>"
    if shape == "empty":
        return draw(st.sampled_from(["<value/>", "<value></value>"]))
    if shape == "two":
        return f"<value>{draw(typed)}{draw(GAP)}{draw(typed)}</value>"
    if shape == "texted":
        return f"<value>{draw(char_data())}{draw(typed)}{draw(char_data())}</value>"
    return draw(typed)  # no value around it


@st.composite
def array(draw: st.DrawFn, typed: st.SearchStrategy[str]) -> str:
    items = draw(GAP).join(draw(st.lists(value(typed), max_size=4)))
    shape = draw(st.sampled_from(["data"] * 6 + ["bare", "two"]))
    if shape == "bare":
        return f"<array>{items}</array>"
    data = f"<data>{draw(GAP)}{items}{draw(GAP)}</data>"
    return f"<array>{draw(GAP)}{data}{draw(GAP)}{data if shape == 'two' else ''}</array>"


@st.composite
def struct(draw: st.DrawFn, typed: st.SearchStrategy[str]) -> str:
    members = []
    for _ in range(draw(st.integers(0, 4))):
        name = f"<name>{draw(char_data())}</name>"
        parts = draw(st.sampled_from([[name, "v"]] * 6 + [["v", name], ["v"], [name], [name, name, "v"]]))
        members.append(
            "<member>" + draw(GAP).join(part if part != "v" else draw(value(typed)) for part in parts) + "</member>"
        )
    return f"<struct>{draw(GAP)}{draw(GAP).join(members)}{draw(GAP)}</struct>"


TYPED = st.recursive(leaf(), lambda kids: array(kids) | struct(kids), max_leaves=12)
#: an XML declaration or prologue, and the codec its text is written in
PROLOGUES = [
    ("", "utf-8"),
    ("<?xml version='1.0'?>\n", "utf-8"),
    ('<?xml version="1.0" encoding="UTF-8"?>', "utf-8"),
    ("\ufeff<?xml version='1.0'?>", "utf-8"),
    ('<?xml version="1.0" encoding="iso-8859-1"?>', "latin-1"),
    ('<?xml version="1.0" encoding="windows-1252"?>', "cp1252"),
    ('<?xml version="1.0" encoding="ISO-8859-15"?>', "iso8859-15"),
    ('<?xml version="1.0" encoding="koi8-r"?>', "koi8-r"),
    ('<?xml version="1.0" encoding="us-ascii"?>', "ascii"),
    ('<?xml version="1.0" encoding="utf-16"?>', "utf-16"),
    ('<?xml version="1.0" encoding="shift_jis"?>', "shift_jis"),
    ('<?xml version="1.0" encoding="latin-1"?>', "utf-8"),
    ('<?xml version="1.0" encoding="bogus"?>', "utf-8"),
    ("<?xml version='1.1'?>", "utf-8"),
    ("<!DOCTYPE methodCall [<!ENTITY e 'ent&#38;ity'>]>", "utf-8"),
    ('<!DOCTYPE methodCall SYSTEM "call.dtd">', "utf-8"),
]
ROOTS = ["methodCall"] * 8 + ["methodResponse", "call", "ex:methodCall", 'methodCall xmlns="urn:x"']


@st.composite
def request(draw: st.DrawFn) -> bytes:
    params = "".join(
        f"<param>{draw(GAP)}{item}{draw(GAP)}</param>" for item in draw(st.lists(value(TYPED), max_size=4))
    )
    name, params = f"<methodName>{draw(char_data())}</methodName>", f"<params>{draw(GAP)}{params}</params>"
    layout = draw(st.sampled_from([[name, params]] * 6 + [[name], [params], [params, name], [name, name, params], []]))
    root = draw(st.sampled_from(ROOTS))
    prologue, codec = draw(st.sampled_from(PROLOGUES))
    text = f"{prologue}<{root}>{draw(GAP)}{draw(GAP).join(layout)}{draw(GAP)}</{root.split()[0]}>"
    body = text.encode(codec, errors="xmlcharrefreplace")
    cut = draw(st.integers(0, len(body)))
    mutation = draw(st.sampled_from([None] * 8 + ["truncate", "delete", "insert"]))
    if mutation == "truncate":
        return body[:cut]
    if mutation == "delete":
        return body[:cut] + body[cut + 1 :]
    if mutation == "insert":
        return body[:cut] + draw(st.sampled_from([b"<", b">", b"&", b"/", b"\x00", b"\xff", b" "])) + body[cut:]
    return body


@PROPERTY
@given(body=request(), use_datetime=st.booleans())
def test_any_request_reads_as_loads_reads_it(body: bytes, use_datetime: bool) -> None:
    assert_reads_as_loads(body, use_datetime)


def call(params: str, name: str = "<methodName>execute_kw</methodName>", prologue: str = "") -> bytes:
    return f"{prologue}<methodCall>{name}<params>{params}</params></methodCall>".encode()


def param(value: str) -> str:
    return f"<param><value>{value}</value></param>"


def encoded(text: str, encoding: str) -> bytes:
    """A call with one string, in ``encoding`` as its prologue declares."""
    return (
        call(param(f"<string>{text}</string>"), prologue=f"<?xml version='1.0' encoding='{encoding}'?>")
        .decode()
        .encode(encoding)
    )


INTEGER_SPELLINGS = [
    ("i8", 2**40),
    ("i1", -1),
    ("i2", "+3"),
    ("biginteger", 10**30),
    ("int", "1_000"),
    ("int", "\u0661"),
]
CASES = {
    "dumped": xmlrpc.client.dumps((1, "a", [True, 2.5], {"k": None}), "m", allow_none=True).encode(),
    "gaps between tags": b"<methodCall>\n <methodName>m</methodName>\n <params>\n  <param>\n   <value>\n"
    b"    <int>1</int>\n   </value>\n  </param>\n </params>\n</methodCall>\n",
    "untyped value": call(param("  text\n")),
    "empty values": call(param("") + "<param><value/></param>" + param("<string/>") + param("<string></string>")),
    "gaps around a typed child": call(param("\n\t<i4> 7 </i4>\n")),
    "integer spellings": call("".join(param(f"<{tag}>{n}</{tag}>") for tag, n in INTEGER_SPELLINGS)),
    "doubles": call(param("<double> 1e3 </double>") + param("<float>nan</float>") + param("<double>-0.0</double>")),
    "nil": call(param("<nil/>") + param("<nil></nil>") + param("<nil>ignored</nil>")),
    "base64": call(param("<base64>QUJD\nREVG</base64>") + param("<base64/>")),
    "bad base64": call(param("<base64>QUJ</base64>")),
    "dateTime": call(param("<dateTime.iso8601>20240101T10:30:00</dateTime.iso8601>")),
    "bad dateTime": call(param("<dateTime.iso8601>2024-01-01</dateTime.iso8601>")),
    "bigdecimal": call(param("<bigdecimal>1.50</bigdecimal>")),
    "wrong boolean": call(param("<boolean>true</boolean>")),
    "boolean with a gap": call(param("<boolean> 1</boolean>")),
    "bad int": call(param("<int>1.5</int>")),
    "empty int": call(param("<int/>")),
    "truncated": call(param("<int>1</int>"))[:-20],
    "empty body": b"",
    "missing methodName": b"<methodCall><params>" + param("<int>1</int>").encode() + b"</params></methodCall>",
    "no params": b"<methodCall><methodName>version</methodName></methodCall>",
    "params first": b"<methodCall><params></params><methodName>m</methodName></methodCall>",
    "two method names": b"<methodCall><methodName>a</methodName><methodName>b</methodName></methodCall>",
    "empty method name": b"<methodCall><methodName/></methodCall>",
    "nothing": b"<methodCall/>",
    "another root": b"<call><methodName>m</methodName></call>",
    "a fault": xmlrpc.client.dumps(xmlrpc.client.Fault(1, "no")).encode(),
    "a response": xmlrpc.client.dumps((1,), methodresponse=True).encode(),
    "utf-8 BOM": call(param("<string>é</string>"), prologue="\ufeff"),
    "latin-1": encoded("é", "iso-8859-1"),
    "cp1252": encoded("€", "cp1252"),
    "utf-16": encoded("é😀", "utf-16"),
    "declared latin-1, written utf-8": call(param("é"), prologue="<?xml version='1.0' encoding='iso-8859-1'?>"),
    "unknown encoding": call(param("a"), prologue="<?xml version='1.0' encoding='bogus'?>"),
    "invalid utf-8": call(param("a")).replace(b">a<", b">\xff<"),
    "CDATA": call(param("<string><![CDATA[<a> & ]]> b</string>") + param("<![CDATA[x]]>")),
    "entities": call(param("&lt;&amp;&gt;&quot;&apos;&#65;&#x1F600;")),
    "undefined entity": call(param("&nbsp;")),
    "internal entity": call(param("&e;"), prologue="<!DOCTYPE methodCall [<!ENTITY e '<int>5</int>'>]>"),
    "external DTD, undefined entity": call(param("a&e;b"), prologue='<!DOCTYPE methodCall SYSTEM "x.dtd">'),
    "parameter entity": call(param("&e;"), prologue="<!DOCTYPE methodCall [<!ENTITY % p '<!ENTITY e \"pe\">'> %p;]>"),
    "external parameter entity": call(param("&e;"), prologue="<!DOCTYPE methodCall [<!ENTITY % p SYSTEM 'p'> %p;]>"),
    "external entity": call(param("&e;"), prologue="<!DOCTYPE methodCall [<!ENTITY e SYSTEM 'e.xml'>]>"),
    "standalone, external DTD": call(
        param("&e;"), prologue="<?xml version='1.0' standalone='yes'?><!DOCTYPE methodCall SYSTEM 'x.dtd'>"
    ),
    "carriage returns": call(param("a\r\nb&#xD;c\rd")),
    "comment and PI in text": call(param("a<!-- c -->b<?pi x?>c")),
    "control character": call(param("a\x01b")),
    "character reference to a control character": call(param("&#1;")),
    "text after a leaf's child": call(param("<string>a<b/>c</string>")),
    "two children in a value": call(param("<int>1</int><int>2</int>")),
    "unknown type": call(param("<foo>1</foo>")),
    "value in a value": call(param("<value>1</value>")),
    "param of two values": call("<param><value>1</value><value>2</value></param>"),
    "value without param": call("<value><int>1</int></value>"),
    "array without data": call(param("<array><value>1</value></array>")),
    "empty array and struct": call(param("<array><data/></array>") + param("<struct/>")),
    "duplicate struct keys": call(
        param(
            "<struct><member><name>a</name><value>1</value></member><member><name>b</name><value>2</value></member>"
            "<member><name>a</name><value>3</value></member></struct>"
        )
    ),
    "member value first": call(param("<struct><member><value>1</value><name>a</name></member></struct>")),
    "member without name": call(param("<struct><member><value>1</value></member></struct>")),
    "prefixed tags": call(param("<ex:int xmlns:ex='urn:x'>1</ex:int>")),
    "undeclared prefix": call(param("<ex:int>1</ex:int>")),
    "default namespace": b"<methodCall xmlns='urn:x'><methodName>m</methodName></methodCall>",
    "attributes": b"<methodCall a='1'><methodName b='2'>m</methodName></methodCall>",
    "junk after the call": call(param("1")) + b"<x/>",
    "nested arrays": call(param("<array><data><value>" * 200 + "1" + "</value></data></array>" * 200)),
}


@pytest.mark.parametrize("use_datetime", [False, True])
@pytest.mark.parametrize("body", CASES.values(), ids=CASES.keys())
def test_written_requests_read_as_loads_reads_them(body: bytes, use_datetime: bool) -> None:
    assert_reads_as_loads(body, use_datetime)


def test_a_malformed_request_raises_the_stdlib_error_unchained() -> None:
    """The error of a request the fast path leaves is ``loads``'s own, not raised while handling another: a fault's
    traceback (``traceback.format_exception``) shows no fast path's error before it."""
    with pytest.raises(xmlrpc.client.expat.ExpatError) as raised:
        parse_request(CASES["truncated"], False)
    assert raised.value.__context__ is None and raised.value.__cause__ is None


def test_base64_reads_as_binary() -> None:
    body = call(param(f"<base64>{base64.b64encode(b'pdf').decode()}</base64>"))
    with mock.patch.object(xmlrpc.client, "loads", side_effect=AssertionError("read by loads")):
        assert parse_request(body, False) == ((xmlrpc.client.Binary(b"pdf"),), "execute_kw")


def test_nesting_deeper_than_the_recursion_limit_reads_as_loads() -> None:
    """Too deep for the fast path's recursion: ``loads`` reads it (its stack of values has no limit)."""
    body = call(param("<array><data><value>" * 3000 + "1" + "</value></data></array>" * 3000))
    assert nesting(parse_request(body, False)) == nesting(LOADS(body)) == (3000, "1", "execute_kw")


def nesting(read: tuple[tuple, str]) -> tuple[int, Any, str]:
    """The depth of a call's one param, a list in a list..., its innermost item, and the method name."""
    (item,), method = read
    depth = 0
    while isinstance(item, list) and len(item) == 1:
        item, depth = item[0], depth + 1
    return depth, item, method


def test_a_large_body_is_read_by_loads_alone() -> None:
    """Past ``TREE_PARSE_LIMIT`` no tree is built (it would hold an element per value beside the values)."""
    body = xmlrpc.client.dumps((list(range(200_000)),), "execute_kw").encode()
    assert len(body) > TREE_PARSE_LIMIT
    with mock.patch("simulator.xmlrpc.fromstring", side_effect=AssertionError("read through a tree")):
        assert parse_request(body, False) == ((list(range(200_000)),), "execute_kw")
