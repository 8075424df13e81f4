"""Reading records: columns, relations, inherited and computed fields.

Shapes values the way Odoo's ``convert_to_read`` does: many2one as
``[id, display_name]`` (display names read as superuser), x2many as id
lists, empty values as ``False``; ids that no longer exist are dropped
silently, as ``_read_format`` does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from simulator import hooks
from simulator.fields import Field, empty_read_value
from simulator.schema import ModelSchema

if TYPE_CHECKING:
    from simulator.orm import Env


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
        found: dict[int, dict] = {}
        store = env.db.store
        for chunk in _chunks(ids, 900):
            sql = f'SELECT {cols} FROM "{schema.table}" WHERE id IN ({",".join("?" * len(chunk))})'
            for row in store.query(sql, chunk):
                found[row[0]] = dict(zip(["id", *columns], row, strict=True))
        return found

    def read(self, env: Env, schema: ModelSchema, ids: list[int], names: list[str],
             load: str | None) -> list[dict]:
        fields = [schema.fields[n] for n in names if n != "id"]
        stored = [f.name for f in fields if f.is_column or f.extra.get("snapshot")]
        for magic in ("create_date", "write_date", "create_uid", "write_uid"):
            if magic in names and magic not in stored:
                stored.append(magic)
        rows = self.rows(env, schema, ids, stored)
        present = [i for i in ids if i in rows]
        values: dict[str, dict[int, Any]] = {}
        for fld in fields:
            values[fld.name] = self.field_values(env, schema, fld, present, rows, load)
        result = []
        for i in dict.fromkeys(present):
            record = {"id": i}
            for fld in fields:
                record[fld.name] = values[fld.name][i]
            result.append(record)
        return result

    def field_values(self, env: Env, schema: ModelSchema, fld: Field, ids: list[int],
                     rows: dict[int, dict], load: str | None) -> dict[int, Any]:
        if fld.name == "display_name":
            return self.display_names(env, schema, ids)
        compute = hooks.computed.get((schema.name, fld.name))
        if compute:
            raw = compute(env, ids)
        elif fld.is_column or fld.extra.get("snapshot") or fld.name in (
                "create_date", "write_date", "create_uid", "write_uid"):
            raw = {i: rows[i][fld.name] for i in ids}
            if fld.type != "many2one":
                return {i: fld.from_column(v) for i, v in raw.items()}
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
        if not load:
            return {i: v or False for i, v in raw.items()}
        if not self.serves(fld.relation):  # a model the simulator does not hold
            return {i: ([v, ""] if v else False) for i, v in raw.items()}
        comodel = self.lookup(fld.relation)
        targets = [v for v in raw.values() if v]
        names = self.display_names(env, comodel, list(dict.fromkeys(targets)))
        return {i: ([v, names[v]] if v and v in names else False) for i, v in raw.items()}

    def x2many_ids(self, env: Env, schema: ModelSchema, fld: Field, ids: list[int]) -> dict[int, list]:
        result: dict[int, list] = {i: [] for i in ids}
        if not ids or not self.serves(fld.relation):
            return result
        comodel = self.lookup(fld.relation)
        holders = ",".join("?" * len(ids))
        if fld.type == "one2many":
            inverse = fld.attrs.get("relation_field")
            if not inverse or inverse not in comodel.fields or not comodel.fields[inverse].is_column:
                return result
            active = " AND active = 1" if "active" in comodel.fields and \
                comodel.fields["active"].is_column and env.context.get("active_test", True) else ""
            sql = (f'SELECT "{inverse}", id FROM "{comodel.table}" WHERE "{inverse}" IN ({holders})'
                   f"{active} ORDER BY id")
        else:
            rel, col1, col2 = schema.m2m_table(fld)
            sql = (f'SELECT "{col1}", "{col2}" FROM "{rel}" WHERE "{col1}" IN ({holders}) '
                   f'AND "{col2}" IS NOT NULL ORDER BY "{col2}"')
        for owner, target in env.db.store.query(sql, ids):
            result[owner].append(target)
        return result

    def _inherited(self, env: Env, schema: ModelSchema, fld: Field, ids: list[int],
                   rows: dict[int, dict], load: str | None) -> dict[int, Any]:
        link = fld.extra["inherited"]
        parent = self.lookup(schema.fields[link].relation)
        links = {i: v for i, v in self.rows(env, schema, ids, [link]).items()}
        parent_ids = [row[link] for row in links.values() if row[link]]
        parent_rows = self.read(env, parent, parent_ids, [fld.name], load)
        by_parent = {row["id"]: row[fld.name] for row in parent_rows}
        return {i: by_parent.get(links[i][link], empty_read_value(fld.type)) for i in ids}

    def _related(self, env: Env, schema: ModelSchema, fld: Field, ids: list[int],
                 load: str | None) -> dict[int, Any]:
        """Follow ``related`` paths hop by hop through many2one fields."""
        path = fld.related or []
        first = schema.fields.get(path[0]) if path else None
        empty = {i: empty_read_value(fld.type) for i in ids}
        if first is None or first.type != "many2one" or len(path) < 2 or \
                not self.serves(first.relation):
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
        values = self.field_values(env, schema, fld, ids, {}, "_classic_read")
        return {i: v or "" for i, v in values.items()}


def _chunks(items: list, size: int) -> list[list]:
    return [items[i:i + size] for i in range(0, len(items), size)]
