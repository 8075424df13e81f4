"""The XML-RPC answers the simulator writes itself are byte for byte what ``xmlrpc.client.dumps`` writes
(Odoo's marshaller), with the version's rule for control characters."""

from __future__ import annotations

import datetime as dt
import xmlrpc.client
from typing import Any

import pytest

from simulator.xmlrpc import encode_result

RECORDS = [
    {
        "id": i,
        "name": f"Partner <{i}> & Sons",
        "city": "Kampala",
        "ref": ">BENCH",
        "parent_id": [1, "My Company"] if i % 2 else False,
        "is_company": bool(i % 3),
        "credit": i * 1.5,
        "tags": [],
        "note": "",
        "ünïcode": "Zürich — 東京",
    }
    for i in range(40)
]
VALUES: list[Any] = [
    True,
    0,
    -(2**31),
    2**31 - 1,
    3.25,
    1e300,
    "",
    "plain",
    "a & b < c > d",
    [],
    {},
    [1, [2, [3, "x"]], {"k": ("t", 1)}],
    {"nested": {"deeper": [{"id": 1}]}},
    xmlrpc.client.Binary(b"\x00\x01bytes"),
    dt.datetime(2024, 5, 6, 7, 8, 9),
    RECORDS,
]


def dumps(value: Any) -> bytes:
    return xmlrpc.client.dumps((value,), methodresponse=True, allow_none=False).encode()


@pytest.mark.parametrize("control_chars", ["strip", "blank"])
@pytest.mark.parametrize("value", VALUES, ids=[f"value{i}" for i in range(len(VALUES))])
def test_the_answer_is_what_the_stdlib_writes(value: Any, control_chars: str) -> None:
    assert encode_result(value, control_chars) == dumps(value)


def test_control_characters_are_stripped_from_17() -> None:
    assert encode_result({"a\x01b": ["x\x00y\x1f", "tab\tok\r\n"]}, "strip") == dumps({"ab": ["xy", "tab\tok\r\n"]})


def test_a_string_with_control_characters_is_blank_in_16() -> None:
    assert encode_result(["x\x01y", "a\x0eb & c", "ok & fine"], "blank") == dumps(["", "a\x0eb & c", "ok & fine"])


@pytest.mark.parametrize(("value", "error"), [(None, TypeError), (2**31, OverflowError), ({1: "x"}, TypeError)])
def test_what_cannot_be_marshalled_is_refused(value: Any, error: type[Exception]) -> None:
    with pytest.raises(error):
        encode_result(value, "strip")
