"""Reading records: columns, relations, inherited and computed fields.

Shapes values the way Odoo's ``convert_to_read`` does: many2one as
``[id, display_name]`` (display names read as superuser), x2many as id
lists, empty values as ``False``; ids that no longer exist are dropped
silently, as ``_read_format`` does.
"""

from __future__ import annotations

import ast
import json
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from simulator import dates, hooks, translations
from simulator.errors import ServerError
from simulator.fields import CLASSIC_READ, MAGIC_COLUMNS, Field, empty_read_value
from simulator.schema import ModelSchema

if TYPE_CHECKING:
    from simulator.orm import Env

#: 16's concurrency field, read as the last write (or creation) datetime.
LAST_UPDATE = "__last_update"
#: the log columns of every model (``MAGIC_COLUMNS`` but the id), whether or not its fields describe them as stored
LOG_COLUMNS = tuple(column for column in MAGIC_COLUMNS if column != "id")


class Reader:
    """Reads records of any model of one database."""

    def __init__(self, lookup, serves) -> None:
        self.lookup = lookup
        self.serves = serves

    def rows(self, env: Env, schema: ModelSchema, ids: list[int], columns: list[str]) -> dict[int, dict]:
        """Raw stored values by id, for the ids that exist."""
        if not ids:
            return {}
        cols = ", ".join(f'"{c}"' for c in ["id", *columns])
        found: list[tuple] = []
        store = env.db.store
        for chunk in _chunks(ids, 900):
            found += store.query(
                f'SELECT {cols} FROM "{schema.table}" WHERE id IN ({",".join("?" * len(chunk))})', chunk
            )
        return self.fetched(env, schema, columns, found)

    def fetched(self, env: Env, schema: ModelSchema, columns: list[str], rows: list[tuple]) -> dict[int, dict]:
        """``rows`` of ``id`` and ``columns`` (as a search or ``rows`` fetched them) as ``rows`` answers."""
        names = ["id", *columns]
        # a row holds what is selected; zip with any keyword (strict) is slower to make than the dict
        found = {row[0]: dict(zip(names, row)) for row in rows}  # noqa: B905
        translations.overlay(env, schema, found, columns)
        return found

    @staticmethod
    def stored_columns(schema: ModelSchema, names: list[str]) -> list[str]:
        """The columns a read of the fields ``names`` takes its values from."""
        fields = [schema.fields[n] for n in names if n != "id"]
        stored = [f.name for f in fields if f.is_column or f.extra.get("snapshot")]
        for magic in LOG_COLUMNS:
            if (magic in names or (LAST_UPDATE in names and magic.endswith("_date"))) and magic not in stored:
                stored.append(magic)
        return stored

    def read(
        self,
        env: Env,
        schema: ModelSchema,
        ids: list[int],
        names: list[str],
        load: str | None,
        fetched: dict[int, dict] | None = None,
    ) -> list[dict]:
        """The records ``ids`` with the fields ``names``, from the stored columns a search ``fetched``
        (``stored_columns``) or read here."""
        fields = [schema.fields[n] for n in names if n != "id"]
        rows = self.rows(env, schema, ids, self.stored_columns(schema, names)) if fetched is None else fetched
        present = [i for i in ids if i in rows]
        unique = list(dict.fromkeys(present))  # an id given twice reads once
        records = [{"id": i} for i in unique]
        ordered = [rows[i] for i in unique]
        for fld in fields:  # field by field, each value stored as it is shaped
            name = fld.name
            if _plain(schema, fld):  # most columns: no mapping of its own
                _fill_plain(records, ordered, fld)
            else:
                column = self.field_values(env, schema, fld, present, rows, load)
                for record, i in zip(records, unique, strict=True):
                    record[name] = column[i]
        return records

    def field_values(
        self, env: Env, schema: ModelSchema, fld: Field, ids: list[int], rows: dict[int, dict], load: str | None
    ) -> dict[int, Any]:
        if fld.name == "display_name":
            return self.display_names(env, schema, ids)
        if fld.name == LAST_UPDATE:  # 16's ``_compute_concurrency_field``: write_date or create_date
            updated = {i: rows[i].get("write_date") or rows[i].get("create_date") for i in ids}
            return {i: fld.from_column(v) if v else env.now() for i, v in updated.items()}
        compute = hooks.computed.get((schema.name, fld.name))
        if compute:
            raw = compute(env, ids)
        elif fld.extra.get("snapshot") and fld.is_x2many:
            return {i: json.loads(rows[i][fld.name]) if rows[i][fld.name] else [] for i in ids}
        elif fld.is_column or fld.extra.get("snapshot") or fld.name in LOG_COLUMNS:
            raw = {i: rows[i][fld.name] for i in ids}
            if fld.company_dependent:  # no value of its own: the company's default (ir.property / ir.default)
                fallback = fld.to_column(env.db.profile.defaults.get(schema.name, {}).get(fld.name), True)
                raw = {i: fallback if v is None else v for i, v in raw.items()}
            if fld.extra.get("snapshot") and fld.type == "date":  # computed from today: a token
                today = env.db.clock().date()
                raw = {i: dates.resolve(v, today) for i, v in raw.items()}
            if fld.type != "many2one":
                read_value = fld.read_value
                return {i: read_value(v) for i, v in raw.items()}
        elif fld.extra.get("inherited"):
            return self._inherited(env, schema, fld, ids, rows, load)
        elif fld.is_x2many:
            return self.x2many_ids(env, schema, fld, ids)
        elif fld.related:
            return self._related(env, schema, fld, ids, load)
        else:
            return {i: empty_read_value(fld.type) for i in ids}
        if fld.type == "many2one":
            return self._many2one(env, fld, raw, load)
        return raw

    def _many2one(self, env: Env, fld: Field, raw: dict[int, Any], load: str | None) -> dict[int, Any]:
        """``[id, display_name]`` only for ``load="_classic_read"`` (``read``'s default); any
        other ``load`` (None, "", a typo) reads the bare id, as ``_read_format`` decides."""
        if load != CLASSIC_READ:
            return {i: v or False for i, v in raw.items()}
        targets = list(dict.fromkeys(filter(None, raw.values())))
        if not self.serves(fld.relation):  # a model the simulator does not hold: the recorded name
            recorded = unheld_names(env, fld.relation or "", targets)
            return {i: ([v, recorded.get(v, "")] if v else False) for i, v in raw.items()}
        names = self.display_names(env, self.lookup(fld.relation), targets)
        return {i: ([v, names[v]] if v and v in names else False) for i, v in raw.items()}

    def x2many_ids(self, env: Env, schema: ModelSchema, fld: Field, ids: list[int]) -> dict[int, list]:
        """Ids held by the relation's storage: a one2many's stored inverse column, a
        many2many's relation table. A non-stored computed x2many (``message_partner_ids``,
        ``trans_implied_ids``) has neither here, and reads ``[]``: what a fresh database
        answers, since what such fields compute from (followers, modules...) is empty or
        not held by the simulator."""
        result: dict[int, list] = {i: [] for i in ids}
        unstored = fld.type == "many2many" and fld.name not in schema.relations
        if not ids or unstored or (fld.type == "one2many" and not self.serves(fld.relation)):
            return result
        holders = ",".join("?" * len(ids))
        if not self.serves(fld.relation):  # links to records not held (menus, rules): as recorded,
            rel, col1, col2 = schema.m2m_table(fld)  # archived ones left out unless active_test is off
            hidden = (
                env.db.profile.archived.get(fld.relation or "", set())
                if env.context.get("active_test", True)
                else set()
            )
            for owner, target in env.db.store.query(
                f'SELECT "{col1}", "{col2}" FROM "{rel}" WHERE "{col1}" IN ({holders}) AND "{col2}" IS NOT NULL '
                "ORDER BY rowid",
                ids,
            ):
                if target not in hidden:
                    result[owner].append(target)
            return result
        comodel = self.lookup(fld.relation)
        if fld.type == "one2many":
            inverse = fld.attrs.get("relation_field")
            if not inverse or inverse not in comodel.fields or not comodel.fields[inverse].is_column:
                return result
            sql = f'SELECT "{inverse}", id FROM "{comodel.table}" WHERE "{inverse}" IN ({holders})'
        else:
            rel, col1, col2 = schema.m2m_table(fld)
            sql = f'SELECT "{col1}", "{col2}" FROM "{rel}" WHERE "{col1}" IN ({holders}) AND "{col2}" IS NOT NULL'
        pairs = env.db.store.query(sql, ids)
        kept = self._lines(env, comodel, fld, list(dict.fromkeys(target for _owner, target in pairs)))
        for owner, target in sorted(pairs, key=lambda pair: kept.get(pair[1], -1)):
            if target in kept:
                result[owner].append(target)
        return result

    def _lines(self, env: Env, comodel: ModelSchema, fld: Field, targets: list[int]) -> dict[int, int]:
        """The targets an x2many reads, each with its rank: as Odoo's ``read`` of the field,
        filtered by the field's domain (when it is a literal) and ordered by the comodel's
        ``_order``; then inactive ones dropped unless ``active_test`` (the field's context,
        else the caller's) is off, as ``convert_to_record`` does."""
        if not targets:
            return {}
        active_test = bool(fld.attrs.get("context", {}).get("active_test", env.context.get("active_test", True)))
        model = env.db.model(replace(env, context={**env.context, "active_test": active_test}, su=True), comodel.name)
        domain = [("id", "in", targets), *_literal_domain(fld.attrs.get("domain"))]
        try:
            where, params = model.where_clause(domain)
        except ServerError:  # a domain on fields this version's comodel lacks: keep every line
            where, params = model.where_clause(domain[:1])
        sql = f'SELECT "{comodel.table}".id FROM "{comodel.table}" WHERE {where} ORDER BY {model._order_by(None)}'
        return {row[0]: rank for rank, row in enumerate(env.db.store.query(sql, params))}

    def _inherited(
        self, env: Env, schema: ModelSchema, fld: Field, ids: list[int], rows: dict[int, dict], load: str | None
    ) -> dict[int, Any]:
        link = fld.extra["inherited"]
        parent = self.lookup(schema.fields[link].relation)
        links = {i: v for i, v in self.rows(env, schema, ids, [link]).items()}
        parent_ids = [row[link] for row in links.values() if row[link]]
        parent_rows = self.read(env, parent, parent_ids, [fld.name], load)
        by_parent = {row["id"]: row[fld.name] for row in parent_rows}
        return {i: by_parent.get(links[i][link], empty_read_value(fld.type)) for i in ids}

    def _related(self, env: Env, schema: ModelSchema, fld: Field, ids: list[int], load: str | None) -> dict[int, Any]:
        """Follow ``related`` paths hop by hop through many2one fields."""
        path = fld.related or []
        first = schema.fields.get(path[0]) if path else None
        empty = {i: empty_read_value(fld.type) for i in ids}
        if first is None or first.type != "many2one" or len(path) < 2 or not self.serves(first.relation):
            return empty
        comodel = self.lookup(first.relation)
        if path[1] not in comodel.fields:
            return empty
        links = {row["id"]: row[path[0]] for row in self.read(env, schema, ids, [path[0]], "")}
        targets = list(dict.fromkeys(t for t in links.values() if t))
        if len(path) == 2:
            rows = self.read(env, comodel, targets, [path[1]], load)
            values = {row["id"]: row[path[1]] for row in rows}
        else:
            hop = Field(path[1], {"type": fld.type, "related": ".".join(path[1:])})
            values = self._related(env, comodel, hop, targets, load)
        return {i: values.get(links.get(i), empty[i]) for i in ids}

    def display_names(self, env: Env, schema: ModelSchema, ids: list[int]) -> dict[int, str]:
        """Odoo's display_name per id (the model's hook, else its ``_rec_name``)."""
        hook = hooks.display_names.get(schema.name)
        if hook:
            return hook(env, ids)
        rec_name = schema.meta.display_field or schema.meta.rec_name
        if not rec_name or rec_name not in schema.fields:
            return {i: f"{schema.name},{i}" for i in ids}
        fld = schema.fields[rec_name]
        if fld.is_column or fld.extra.get("snapshot"):
            rows = self.rows(env, schema, ids, [rec_name])
            return {i: (row[rec_name] or "") for i, row in rows.items()}
        values = self.field_values(env, schema, fld, ids, {}, CLASSIC_READ)
        return {i: v or "" for i, v in values.items()}


def _plain(schema: ModelSchema, fld: Field) -> bool:
    """Whether ``fld`` reads as its column holds it, value by value (``Field.read_value``): most fields.
    Not a many2one (named per ``load``), a company-dependent field (its default in place of nothing), a
    snapshot (a JSON list, a date token), nor a field Odoo computes (a hook, the display name, 16's
    ``__last_update``)."""
    return (
        (fld.is_column or fld.name in LOG_COLUMNS)
        and fld.type != "many2one"
        and not fld.company_dependent
        and not fld.extra.get("snapshot")
        and fld.name not in ("display_name", LAST_UPDATE)
        and (schema.name, fld.name) not in hooks.computed
    )


def _fill_plain(records: list[dict], rows: list[dict], fld: Field) -> None:
    """Each record's value of a ``_plain`` field, from its row: ``read_value`` inlined when it only
    reads NULL as False (most such fields), one call per value otherwise."""
    name = fld.name
    if fld.reads_as_stored:
        for record, row in zip(records, rows, strict=True):
            value = row[name]
            record[name] = False if value is None else value
        return
    read_value = fld.read_value
    for record, row in zip(records, rows, strict=True):
        record[name] = read_value(row[name])


def unheld_names(env: Env, model: str, ids: list) -> dict:
    """Display names of records of a model the simulator does not hold: what the model's
    hook computes (``account.root``: its id), else the recorded names."""
    hook = hooks.display_names.get(model)
    if hook:
        return hook(env, ids)
    return env.db.profile.names.get(model, {})


def _chunks(items: list, size: int) -> list[list]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def _literal_domain(domain: Any) -> list:
    """A field's domain when it needs no record to evaluate (``[('type', '=', 'bank')]``);
    one naming record values (``company_id``) is left out."""
    if isinstance(domain, str):
        try:
            domain = ast.literal_eval(domain)
        except (ValueError, SyntaxError):
            return []
    return list(domain) if isinstance(domain, list) else []
