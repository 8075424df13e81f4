"""The XML-RPC answers the simulator writes itself are byte for byte what ``xmlrpc.client.dumps`` writes
(Odoo's marshaller), with the version's rule for control characters."""

from __future__ import annotations

import datetime as dt
import xmlrpc.client
from typing import Any

import pytest

from simulator.xmlrpc import COLUMNS_FROM, ResponseEncoder, encode_result

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


def enough(*records: Any) -> list:
    """``records`` repeated up to the number the encoder writes column by column."""
    return [records[i % len(records)] for i in range(max(len(records), COLUMNS_FROM))]


PARTNERS = [
    {
        "id": i,
        "name": f"Partner {i}",
        "city": "Kampala" if i % 2 else False,
        "parent_id": [i, f"Parent {i}"] if i % 3 else False,
        "is_company": bool(i % 2),
        "active": True,
        "count": -(2**31) if i == 3 else (2**31 - 1 if i == 4 else False),
        "date": "2024-05-06" if i % 2 else False,
        "credit": i * 1.25 if i % 4 else False,
    }
    for i in range(12)
]
#: lists of records written column by column (each column one of the shapes read answers hold, clean or
#: needing escapes), and lists the encoder writes item by item: few records, keys or values of other shapes
#: (x2many id lists, many2one pairs whose names need escapes)
COLUMNS = [
    PARTNERS,
    enough({"name": "plain", "ref": "R"}, {"name": "a & b", "ref": "R\x01"}, {"name": "<tag>", "ref": "\x0e"}),
    enough({}, {}),
]
ITEMS = [
    PARTNERS[:2],
    enough({"parent_id": [1, "A & B"]}, {"parent_id": [2, "x\x02y"]}, {"parent_id": False}),
    enough({"parent_id": [1, "A"]}, {"parent_id": [2, 3]}, {"parent_id": [3, "C", "extra"]}, {"parent_id": [4]}),
    enough({"parent_id": [1, "A"]}, {"parent_id": True}, {"parent_id": []}),
    enough({"pair": [1, 2]}, {"pair": [3, 4]}),
    [{**partner, "tags": list(range(i % 4))} for i, partner in enumerate(PARTNERS)],
    enough({"parent_id": [1, "A"]}, {"parent_id": ("t", 1)}),
    enough({"value": "text"}, {"value": 5}, {"value": True}, {"value": 2.5}),
    enough({"a": 1, "b": "x"}, {"b": "y", "a": 2}),
    enough({"a": 1, "b": "x"}, {"a": 2}),
    enough({"when": dt.datetime(2024, 5, 6, 7, 8, 9)}, {"when": xmlrpc.client.Binary(b"\x00")}),
    enough({"id": 1}, "not a record", {"id": 2}),
]
RECORD_LISTS = COLUMNS + ITEMS


@pytest.mark.parametrize("records", COLUMNS, ids=[f"columns{i}" for i in range(len(COLUMNS))])
def test_records_of_plain_shapes_are_written_column_by_column(records: list[dict]) -> None:
    assert ResponseEncoder("strip")._records(records, [])


@pytest.mark.parametrize("records", ITEMS, ids=[f"items{i}" for i in range(len(ITEMS))])
def test_other_lists_are_written_item_by_item(records: list[dict]) -> None:
    assert not ResponseEncoder("strip")._records(records, [])


@pytest.mark.parametrize("control_chars", ["strip", "blank"])
@pytest.mark.parametrize("records", RECORD_LISTS, ids=[f"records{i}" for i in range(len(RECORD_LISTS))])
def test_records_are_written_as_the_stdlib_writes_them(records: list[dict], control_chars: str) -> None:
    expected = [
        {k: _as_odoo_marshals(v, control_chars) for k, v in r.items()} if isinstance(r, dict) else r for r in records
    ]
    assert encode_result(records, control_chars) == dumps(expected)
    assert encode_result({"records": records}, control_chars) == dumps({"records": expected})


def _as_odoo_marshals(value: Any, control_chars: str) -> Any:
    """A value with the version's control-character rule applied, as the stdlib then writes it."""
    if isinstance(value, str) and any(c in value for c in "\x01\x02\x0e"):
        blanked = "\x01" in value or "\x02" in value
        return (
            ("" if blanked else value)
            if control_chars == "blank"
            else value.replace("\x01", "").replace("\x02", "").replace("\x0e", "")
        )
    if isinstance(value, list):
        return [_as_odoo_marshals(v, control_chars) for v in value]
    return value


@pytest.mark.parametrize(
    ("records", "error"),
    [
        (enough({"a": 1, "b": 2**31}, {"a": None, "b": 1}), OverflowError),
        (enough({"a": 1, "b": None}, {"a": 2**31, "b": 1}), TypeError),
        (enough({"a": [1, "x"]}, {"a": [2**31, "y"]}), OverflowError),
        (enough({"a": 1}, {"a": -(2**31) - 1}), OverflowError),
        (enough({"a": 1.5}, {"a": 2**31}), OverflowError),
        (enough({1: "x"}, {1: "y"}), TypeError),
        (enough({"a": 1, 2: "x"}, {"a": 2**31, 2: "y"}), TypeError),
    ],
)
def test_records_fail_on_the_value_the_stdlib_meets_first(records: list[dict], error: type[Exception]) -> None:
    with pytest.raises(error):
        encode_result(records, "strip")
