"""Field types: how a value is stored, validated on write and shaped on read.

Field metadata itself comes from real Odoo's ``fields_get`` answers recorded
in each version profile, so the simulator knows exactly the fields (names,
labels, types, relations, selections) a real server reports. This module only
adds the behaviour Odoo attaches to each *type*: ``convert_to_cache`` on the
way in, ``convert_to_read`` on the way out.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from simulator.errors import ServerError, type_error, value_error

DATE_FORMAT = "%Y-%m-%d"
DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S"

#: Types whose value lives in a column of the model's own table.
COLUMN_TYPES = {
    "boolean": "INTEGER",
    "integer": "INTEGER",
    "float": "REAL",
    "monetary": "REAL",
    "char": "TEXT",
    "text": "TEXT",
    "html": "TEXT",
    "selection": "TEXT",
    "date": "TEXT",
    "datetime": "TEXT",
    "many2one": "INTEGER",
    "json": "TEXT",
    "properties": "TEXT",
    "properties_definition": "TEXT",
    "reference": "TEXT",
    "many2one_reference": "INTEGER",
    "binary": "TEXT",
}
X2MANY = ("one2many", "many2many")
#: The one ``load`` of ``read`` that names many2one targets (its default).
CLASSIC_READ = "_classic_read"
MAGIC_COLUMNS = ("id", "create_uid", "create_date", "write_uid", "write_date")


@dataclass
class Field:
    """One field of one model, as ``fields_get`` describes it."""

    name: str
    attrs: dict[str, Any]
    model: str = ""
    #: Set for fields the simulator computes itself (see ``computed.py``).
    compute: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @cached_property
    def type(self) -> str:
        return self.attrs["type"]

    @property
    def string(self) -> str:
        return self.attrs.get("string", self.name)

    @property
    def relation(self) -> str | None:
        return self.attrs.get("relation")

    @property
    def required(self) -> bool:
        return bool(self.attrs.get("required"))

    @cached_property
    def related(self) -> list[str] | None:
        related = self.attrs.get("related")
        return related.split(".") if related else None

    @cached_property
    def stored(self) -> bool:
        """Whether the value is a column here (inherited fields live in the parent). A
        company-dependent field is one too: 16/17 keep it in ``ir.property`` (``store``
        False), 18+ in a JSON column; either way one value per record for the one company."""
        stored = self.attrs.get("store", True) or self.company_dependent
        return bool(stored) and not self.extra.get("inherited")

    @property
    def company_dependent(self) -> bool:
        return bool(self.attrs.get("company_dependent"))

    @cached_property
    def is_column(self) -> bool:
        return self.stored and self.type in COLUMN_TYPES and self.name != "id"

    @cached_property
    def virtual(self) -> bool:
        """A name ``fields_get`` makes up (res.users' ``in_group_<id>``), not a field of the
        model: its recorded description has no ``name``."""
        return "name" not in self.attrs and self.name != "id"

    @cached_property
    def is_x2many(self) -> bool:
        return self.type in X2MANY

    def selection_keys(self) -> frozenset[str]:
        return self._selection_keys

    @cached_property
    def _selection_keys(self) -> frozenset[str]:
        """Built once: every write of a selection checks its value against them."""
        return frozenset(str(key) for key, _label in self.attrs.get("selection") or ())

    # -- write side -----------------------------------------------------

    def to_column(self, value: Any, use_datetime: bool) -> Any:
        """Validate and convert a client value to its SQLite representation."""
        if self.type == "boolean":
            return 1 if value else 0
        if value is None or value is False:
            return None if self.type not in ("integer", "float", "monetary") else 0
        converter = _WRITERS.get(self.type)
        return converter(self, value, use_datetime) if converter else value

    def recorded_column(self, value: Any) -> Any:
        """A recorded value as stored, unchecked: a real server's answer (a computed selection
        outside its list, year 1 dates, ``<today>`` tokens) is kept as it was given."""
        if self.type == "boolean":
            return 1 if value else 0
        if value is False:
            return None
        return (
            _write_json(self, value, False)
            if self.type in ("json", "properties", "properties_definition", *X2MANY)
            else value
        )

    # -- read side ------------------------------------------------------

    def from_column(self, value: Any) -> Any:
        """Shape a stored value the way ``convert_to_read`` does (m2o handled by the ORM)."""
        return self.read_value(value)

    @cached_property
    def read_value(self) -> Callable[[Any], Any]:
        """``from_column`` for this field's type, looked up once: it runs for every value read."""
        return _READERS.get(self.type, _or_false)

    @cached_property
    def reads_as_stored(self) -> bool:
        """Whether ``read_value`` only reads NULL as False (char, text, selection, dates...): a reader
        of many values can then inline it rather than call it once per value."""
        return self.read_value is _or_false


def _write_char(field_: Field, value: Any, _dt: bool) -> str:
    return value if isinstance(value, str) else str(value)


def _write_integer(field_: Field, value: Any, _dt: bool) -> int:
    return int(value)


def _write_float(field_: Field, value: Any, _dt: bool) -> float:
    return float(value)


def _write_selection(field_: Field, value: Any, _dt: bool) -> str:
    if str(value) not in field_.selection_keys():
        raise value_error(f"Wrong value for {field_.model}.{field_.name}: {value!r}")
    return str(value)


def _write_date(field_: Field, value: Any, _dt: bool) -> str:
    if isinstance(value, dt.datetime):
        return value.date().strftime(DATE_FORMAT)
    if isinstance(value, dt.date):
        return value.strftime(DATE_FORMAT)
    _check_len(value)
    text = value[:10]
    return _parse(text, DATE_FORMAT).strftime(DATE_FORMAT)


def _write_datetime(field_: Field, value: Any, _dt: bool) -> str:
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None, microsecond=0).strftime(DATETIME_FORMAT)
    if isinstance(value, dt.date):
        return value.strftime(DATE_FORMAT) + " 00:00:00"
    _check_len(value)
    text = value[:19]
    if len(text) == 10:
        text += " 00:00:00"
    return _parse(text, DATETIME_FORMAT).strftime(DATETIME_FORMAT)


def _check_len(value: Any) -> None:
    """Odoo slices the value first; a non-string (xmlrpc DateTime) fails right there."""
    if not hasattr(value, "__len__"):
        raise type_error(f"object of type '{type(value).__name__}' has no len()")


def _parse(text: str, fmt: str) -> dt.datetime:
    try:
        return dt.datetime.strptime(text, fmt)
    except ValueError as exc:
        raise ServerError("ValueError", str(exc)) from None


def _write_many2one(field_: Field, value: Any, _dt: bool) -> int:
    if isinstance(value, (list, tuple)):
        value = value[0]
    return int(value)


def _write_json(field_: Field, value: Any, _dt: bool) -> str:
    return json.dumps(value, sort_keys=False)


_WRITERS = {
    "char": _write_char,
    "text": _write_char,
    "html": _write_char,
    "integer": _write_integer,
    "float": _write_float,
    "monetary": _write_float,
    "selection": _write_selection,
    "date": _write_date,
    "datetime": _write_datetime,
    "many2one": _write_many2one,
    "json": _write_json,
    "properties": _write_json,
    "properties_definition": _write_json,
}

_READERS = {
    "boolean": lambda v: bool(v),
    "integer": lambda v: int(v or 0),
    "many2one_reference": lambda v: int(v or 0),  # an Integer field to Odoo: NULL reads 0
    "float": lambda v: float(v or 0.0),
    "monetary": lambda v: float(v or 0.0),
    "json": lambda v: json.loads(v) if v else False,
    "properties": lambda v: json.loads(v) if v else [],
    "properties_definition": lambda v: json.loads(v) if v else [],  # convert_to_record: [] when empty
    "binary": lambda v: v or False,
}


def _or_false(value: Any) -> Any:
    return value if value is not None else False


def empty_read_value(type_: str) -> Any:
    """What Odoo reads for a field that holds nothing."""
    if type_ in X2MANY:
        return []
    reader = _READERS.get(type_)
    return reader(None) if reader else False
