"""``read_group``: sums per group, shaped like Odoo's answer.

The integration computes actuals by grouping analytic lines on a plan
column, so counts, sums, group order (the grouped field's own order, so a
many2one follows its comodel's ``_order``), ``__domain`` and the lazy
``__context`` are kept as real Odoo returns them. Where ``__domain`` puts
the group leaf differs per version (profile ``read_group.group_leaf_first``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from simulator.domain import TRUE_LEAF, normalize

if TYPE_CHECKING:
    from simulator.orm import BaseModel

NUMERIC = ("integer", "float", "monetary")
AGGREGATES = {"sum": "sum", "avg": "avg", "min": "min", "max": "max", "count": "count",
              "count_distinct": "count"}
DATE_FORMATS = {"day": "%Y-%m-%d", "week": "%Y-%W", "month": "%Y-%m", "quarter": "%Y-%m",
                "year": "%Y"}


def and_domains(domains: list[list], dialect: Any) -> list:
    """Odoo's ``expression.AND``: empty domains vanish, the rest are joined by ``&``."""
    result: list = []
    count = 0
    for domain in domains:
        if not domain or list(domain) == [TRUE_LEAF]:
            continue
        result += normalize(list(domain), dialect)
        count += 1
    return ["&"] * (count - 1) + result if result else []


class Grouper:
    """read_group over one database."""

    def read_group(self, model: BaseModel, domain: list, fields: list, groupby: Any,
                   offset: int, limit: int | None, orderby: Any, lazy: bool) -> list[dict]:
        groupby = [groupby] if isinstance(groupby, str) else list(groupby or [])
        used = groupby[:1] if lazy else groupby
        keys = [self._group_key(model, spec) for spec in used]
        aggregates = self._aggregates(model, fields, set(g.split(":")[0] for g in groupby))
        where, params = model._where(domain)
        selects = [expr for _name, expr, _fld in keys]
        count_key = f"{used[0].split(':')[0]}_count" if lazy and used else "__count"
        agg_sql = [f"{fn}({'DISTINCT ' if kind == 'count_distinct' else ''}\"{model.table}\".\"{name}\")"
                   for name, fn, kind in aggregates]
        order = ", ".join(", ".join(model.m2o_order(fld)) if fld.type == "many2one" else expr + " NULLS LAST"
                          for _name, expr, fld in keys)
        grouping = f" GROUP BY {', '.join(selects)} ORDER BY {order}" if selects else ""
        sql = (f'SELECT {", ".join([*selects, "count(*)", *agg_sql])} FROM "{model.table}" '
               f"WHERE {where}{grouping}")
        if limit:
            sql += f" LIMIT {int(limit)}"
        if offset:
            sql += f"{'' if limit else ' LIMIT -1'} OFFSET {int(offset)}"
        if not selects and model.db.profile.quirks.read_group.ungrouped_min_id:
            sql = sql.replace("SELECT ", f'SELECT min("{model.table}".id), ', 1)
            row = model.store.query(sql, params)[0]
            record = self._row(model, domain, keys, aggregates, count_key, row[1:], groupby, lazy)
            record.pop("__domain")
            return [{"id": row[0], **record}]
        rows = model.store.query(sql, params)
        return [self._row(model, domain, keys, aggregates, count_key, row, groupby, lazy)
                for row in rows]

    def _group_key(self, model: BaseModel, spec: str) -> tuple[str, str, Any]:
        name, _sep, granularity = spec.partition(":")
        fld = model._field(name)
        column = f'"{model.table}"."{name}"'
        if fld.type in ("date", "datetime"):
            column = f"strftime('{DATE_FORMATS.get(granularity or 'month', '%Y-%m')}', {column})"
        return spec, column, fld

    def _aggregates(self, model: BaseModel, fields: list, grouped: set[str]) -> list[tuple]:
        result = []
        for spec in fields or []:
            name, _sep, func = spec.partition(":")
            name = name.split("(")[0]
            if name in grouped or name == "__count":
                continue
            fld = model._field(name)
            if func:
                result.append((name, AGGREGATES.get(func, "sum"), func))
            elif fld.type in NUMERIC and fld.is_column:
                operator = fld.attrs.get("aggregator") or fld.attrs.get("group_operator") or "sum"
                result.append((name, AGGREGATES.get(operator, "sum"), operator))
        return result

    def _row(self, model: BaseModel, domain: list, keys: list, aggregates: list,
             count_key: str, row: tuple, groupby: list, lazy: bool) -> dict:
        leaf_first = model.db.profile.quirks.read_group.group_leaf_first
        record: dict[str, Any] = {}
        leaves = []
        for index, (spec, _expr, fld) in enumerate(keys):
            value = row[index]
            record[spec] = self._group_value(model, fld, value)
            leaves.append((fld.name, "=", self._leaf_value(fld, value)))
        record[count_key] = row[len(keys)]
        for offset, (name, _fn, _kind) in enumerate(aggregates):
            value = row[len(keys) + 1 + offset]
            fld = model.schema.fields[name]
            record[name] = float(value or 0) if fld.type != "integer" else int(value or 0)
        dialect = model.db.compiler.dialect
        parts = [[leaf] for leaf in leaves]
        record["__domain"] = and_domains([*parts, domain] if leaf_first else [domain, *parts],
                                         dialect)
        if lazy and len(groupby) > 1:
            record["__context"] = {"group_by": groupby[1:]}
        return record

    def _group_value(self, model: BaseModel, fld: Any, value: Any) -> Any:
        if value is None:
            return False
        if fld.type == "many2one":
            if fld.relation not in model.db.schemas:  # a model not held: its recorded name
                return [value, model.db.profile.names.get(fld.relation, {}).get(value, "")]
            comodel = model.db.schema(fld.relation)
            names = model.db.reader.display_names(model.env.sudo(), comodel, [value])
            return [value, names.get(value, "")]
        if fld.type == "boolean":
            return bool(value)
        return value

    @staticmethod
    def _leaf_value(fld: Any, value: Any) -> Any:
        """The group's value in its ``__domain`` leaf: False for the empty group, a boolean
        as ``True``/``False`` (SQLite stores 1/0)."""
        if value is None:
            return False
        return bool(value) if fld.type == "boolean" else value

