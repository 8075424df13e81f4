"""The models of one simulated database: fields, tables, relations.

Built from a profile's recorded ``fields_get`` and model facts, then owned by
the database, because fields can be added at run time (Odoo 17+ adds a
column per root analytic plan).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from simulator import hooks
from simulator.fields import COLUMN_TYPES, MAGIC_COLUMNS, Field
from simulator.profile import PHYSICAL, ModelMeta, Profile
from simulator.store import Store


@dataclass
class ModelSchema:
    """One model's fields and storage layout."""

    meta: ModelMeta
    fields: dict[str, Field]
    #: many2many field name -> (relation table, own column, other column)
    relations: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    _prepared: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def name(self) -> str:
        return self.meta.name

    @property
    def table(self) -> str:
        return self.meta.name.replace(".", "_")

    @property
    def parent_name(self) -> str | None:
        return self.meta.parent_name

    def m2m_table(self, fld: Field) -> tuple[str, str, str]:
        return self.relations[fld.name]

    def link_to(self, comodel: str) -> str:
        """The one stored many2many to ``comodel``, by whatever name this version gives it
        (res.users ``groups_id`` up to 18.0, ``group_ids`` from 19.0; res.groups ``users`` /
        ``user_ids``)."""
        [name] = [fname for fname, fld in self.fields.items() if fname in self.relations and fld.relation == comodel]
        return name

    def derived(self, key: str) -> list[Field]:
        """Field lists the write path needs on every call, computed once per schema
        change (``add_field`` clears them)."""
        return self.prepared(key, lambda: self._selected(key))

    def _selected(self, key: str) -> list[Field]:
        select = {
            "related_columns": lambda f: f.is_column and f.related and len(f.related) > 1,
            # no NOT NULL on a company-dependent field (its value is per company, with a fallback)
            "required_columns": lambda f: (
                f.required
                and f.is_column
                and f.type != "boolean"
                and not f.company_dependent
                and f.name not in self.meta.auto_filled
            ),
            # stored fields a model hook computes (``Writer.recompute_stored``)
            "computed_columns": lambda f: f.is_column and (self.name, f.name) in hooks.computed,
        }[key]
        return [f for f in self.fields.values() if select(f)]

    def prepared(self, key: str, build: Callable[[], Any]) -> Any:
        """What ``build`` makes of this schema (``derived`` lists and a create's defaults for the write
        path, compiled conditions for searches), kept until its fields change: a profile change builds
        new schemas."""
        found = self._prepared.get(key)
        if found is None:
            found = self._prepared[key] = build()
        return found

    def changed(self) -> None:
        self._prepared.clear()


def build_schemas(profile: Profile) -> dict[str, ModelSchema]:
    """Every served model's schema, for one database: its own ``ModelSchema`` objects (a
    database adds fields at run time, Odoo 17+'s plan columns) over ``Field`` objects shared by
    every database of the profile, built once a process (a new database per scenario would
    otherwise build thousands of them). A ``Field`` is never changed once built: a database
    that relabels one replaces it."""
    built = _BUILT.get(id(profile))
    if built is None or built[0] is not profile:
        built = _BUILT[id(profile)] = (profile, _build_schemas(profile))
    return {name: ModelSchema(s.meta, dict(s.fields), dict(s.relations)) for name, s in built[1].items()}


#: id(profile) -> (profile, its schemas): the identity check makes a reused id harmless
_BUILT: dict[int, tuple[Profile, dict[str, ModelSchema]]] = {}


def _build_schemas(profile: Profile) -> dict[str, ModelSchema]:
    """Relation tables come from ir.model.fields records."""
    relations = _relation_tables(profile)
    schemas: dict[str, ModelSchema] = {}
    seed_columns = _seed_columns(profile)
    for name, meta in profile.models.items():
        attrs_by_field = profile.fields.get(name, {})
        fields = {fname: Field(fname, dict(attrs), model=name) for fname, attrs in attrs_by_field.items()}
        _mark_inherited(meta, fields, profile)
        for fname in seed_columns.get(name, set()) | set(profile.constants.get(name, ())):
            if fname in fields and _recorded_only(name, fields[fname], profile):
                fields[fname].extra["snapshot"] = True
        schema = ModelSchema(meta, fields)
        for fname, fld in fields.items():
            if fld.type == "many2many" and fld.stored:
                schema.relations[fname] = relations.get((name, fname), _default_relation(name, fld))
        schemas[name] = schema
    return schemas


def _recorded_only(model: str, fld: Field, profile: Profile) -> bool:
    """A computed field whose recorded values (what the fresh database answered for the seed's
    records) the simulator keeps in a column: one it cannot compute itself: no compute hook,
    not reached through ``_inherits``, not ``related`` through a model the simulator holds;
    a computed many2many; a one2many towards records the simulator does not hold (views) or
    without an inverse many2one to rebuild it from (19's partner invoice report templates)."""
    if (
        fld.is_column
        or fld.extra.get("inherited")
        or fld.name in ("display_name", "__last_update")
        or (model, fld.name) in hooks.computed
    ):
        return False
    if fld.type == "one2many":
        return fld.relation not in profile.models or not fld.attrs.get("relation_field")
    if fld.type == "many2many":
        return not fld.stored
    path = fld.related or []
    hop = profile.fields.get(model, {}).get(path[0], {}) if path else {}
    return fld.type in COLUMN_TYPES and not (hop.get("type") == "many2one" and hop.get("relation") in profile.models)


def create_storage(store: Store, schema: ModelSchema) -> None:
    """Create (or extend) the tables holding ``schema``."""
    columns = {name: "TEXT" for name in ("create_date", "write_date")}
    columns.update({"create_uid": "INTEGER", "write_uid": "INTEGER", PHYSICAL: "INTEGER"})
    for fld in schema.fields.values():
        if fld.is_column or fld.extra.get("snapshot"):
            columns[fld.name] = COLUMN_TYPES.get(fld.type, "TEXT")  # a recorded x2many: its ids as JSON
    store.create_table(schema.table, columns)
    for fld in schema.fields.values():
        if fld.type == "many2one" and (fld.is_column):
            store.create_index(schema.table, fld.name)
    for rel, col1, col2 in schema.relations.values():
        store.create_relation(rel, col1, col2)


def _mark_inherited(meta: ModelMeta, fields: dict[str, Field], profile: Profile) -> None:
    """Fields reached through ``_inherits`` are stored on the parent record."""
    for parent_model, link in meta.inherits.items():
        parent_fields = profile.fields.get(parent_model, {})
        for fname, fld in fields.items():
            if fname in MAGIC_COLUMNS or fname == link:
                continue
            related = fld.attrs.get("related")
            if related == f"{link}.{fname}" and fname in parent_fields:
                fld.extra["inherited"] = link


def _relation_tables(profile: Profile) -> dict[tuple[str, str], tuple[str, str, str]]:
    tables = {}
    for row in profile.seed.get("ir.model.fields", []):
        if row.get("ttype") == "many2many" and row.get("relation_table"):
            tables[(row["model"], row["name"])] = (row["relation_table"], row["column1"], row["column2"])
    return tables


def _default_relation(model: str, fld: Field) -> tuple[str, str, str]:
    own, other = model.replace(".", "_"), (fld.relation or "").replace(".", "_")
    return f"{min(own, other)}_{max(own, other)}_rel", f"{own}_id", f"{other}_id"


def _seed_columns(profile: Profile) -> dict[str, set[str]]:
    columns: dict[str, set[str]] = {}
    for model, rows in profile.seed.items():
        for row in rows[:1] if isinstance(rows, list) else ():
            columns[model] = set(row)
    return columns
