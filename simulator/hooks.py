"""Per-model behaviour that generic ORM code cannot derive from field metadata.

Modules under ``simulator/models/`` register functions here by model name:
display names, computed fields, create/write side effects and extra public
methods. Version differences reach them through the profile, never through
version numbers.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from collections.abc import Callable
from typing import Any

#: model -> function(env, ids) -> {id: display name}
display_names: dict[str, Callable] = {}


class Computed(dict):
    """(model, field) -> function(env, ids) -> {id: value}; a many2one's value is the bare id
    (or False): the reader shapes it per ``load``, as ``convert_to_read`` does. Families of
    fields whose names a version makes up (res.users' ``in_group_<id>``) register a pattern:
    ``function(env, ids, name)``."""

    def __init__(self) -> None:
        super().__init__()
        self.patterns: list[tuple[str, re.Pattern, Callable]] = []

    def get(self, key: tuple[str, str], default: Any = None) -> Any:
        found = super().get(key)
        if found is not None:
            return found
        model, name = key
        for owner, pattern, fn in self.patterns:
            if owner == model and pattern.fullmatch(name):
                return functools.partial(fn, name=name)
        return default

    def __contains__(self, key: object) -> bool:
        return self.get(key) is not None  # type: ignore[arg-type]


computed = Computed()
#: model -> functions(env, vals) -> vals, run before insert
before_create: dict[str, list[Callable]] = defaultdict(list)
#: model -> functions(env, ids, vals_list), run after insert
after_create: dict[str, list[Callable]] = defaultdict(list)
#: model -> functions(env, new_id, row), run on the column values of a record ``create`` makes (its
#: ``after_create`` hooks follow) just before its INSERT: stored computes its own values decide, put
#: in the row rather than written again after it
before_insert: dict[str, list[Callable]] = defaultdict(list)
#: model -> functions(env, ids, vals), run before update (may raise)
before_write: dict[str, list[Callable]] = defaultdict(list)
#: model -> functions(env, ids, vals), run after update
after_write: dict[str, list[Callable]] = defaultdict(list)
#: model -> functions(env, result) adjusting a fields_get answer in place
fields_get: dict[str, list[Callable]] = defaultdict(list)
#: (model, method) -> function(env, ids, *args, **kwargs): extra public record methods
methods: dict[tuple[str, str], Callable] = {}
#: (model, method) -> function(env, *args, **kwargs): extra @api.model methods (no ids)
model_methods: dict[tuple[str, str], Callable] = {}
#: (model, field) -> function(env, operator, value) -> domain: the ``search=`` method of a
#: field without a column (``res.groups.full_name``), as Odoo's ``determine_domain`` calls it
searchers: dict[tuple[str, str], Callable] = {}
#: (model, field) -> function(env) -> comodel ids: a ``group_expand`` method's records, which a
#: lazy read_group by that field lists even when no record falls in them (empty groups)
group_expanders: dict[tuple[str, str], Callable] = {}
#: model -> function(env, ids) -> the ids a search lists: a ``search_fetch`` override that drops
#: records after the query (ir.ui.menu shows the menus the user may open), offset and limit after
search_filters: dict[str, Callable] = {}
#: (model, field) -> function(env, table) -> SQL expression or None: a field without a column
#: that the model's ``_field_to_sql`` still turns into SQL (18's ``account.account.code``)
field_sql: dict[tuple[str, str], Callable] = {}
#: model -> function(env, ids, unlink): a model's ``unlink`` override, ``unlink()`` being its
#: ``super().unlink()`` (what it does around the rows' deletion: a project's empty account goes too)
unlink_overrides: dict[str, Callable] = {}


def _keyed(table: dict, key: Any) -> Callable:
    """A decorator putting the function in ``table`` at ``key``."""

    def register(fn: Callable) -> Callable:
        table[key] = fn
        return fn

    return register


def display_name(model: str) -> Callable:
    return _keyed(display_names, model)


def compute(model: str, *field_names: str) -> Callable:
    def register(fn: Callable) -> Callable:
        for name in field_names:
            computed[(model, name)] = fn
        return fn

    return register


def compute_pattern(model: str, pattern: str) -> Callable:
    def register(fn: Callable) -> Callable:
        computed.patterns.append((model, re.compile(pattern), fn))
        return fn

    return register


def group_expander(model: str, field: str) -> Callable:
    return _keyed(group_expanders, (model, field))


def on(table: dict[str, list[Callable]], model: str) -> Callable:
    def register(fn: Callable) -> Callable:
        table[model].append(fn)
        return fn

    return register


def method(model: str, name: str, on_model: bool = False) -> Callable:
    """Register an extra public method; ``on_model`` ones take no ids (``@api.model``)."""
    return _keyed(model_methods if on_model else methods, (model, name))


def unlink_override(model: str) -> Callable:
    return _keyed(unlink_overrides, model)


def search_filter(model: str) -> Callable:
    return _keyed(search_filters, model)


def searcher(model: str, field: str) -> Callable:
    return _keyed(searchers, (model, field))


def run(table: dict[str, list[Callable]], model: str, *args: Any) -> None:
    for fn in table.get(model, ()):
        fn(*args)


#: functions(db) run when a database is opened, after its seed is loaded
install: list[Callable] = []
#: functions(db) that only add tables, columns or indexes, idempotently: run like ``install``,
#: and on the seeded template too, so that a database copied from it already holds them
storage: list[Callable] = []
