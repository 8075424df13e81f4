"""``read_group``: groups, counts and sums, shaped like Odoo's answer.

Each record's group value is what Odoo's SQL groups on (``_read_group_groupby``): the
column itself (NULL apart from 0, a boolean coalesced to false), the parent's column
for a field inherited through ``_inherits``, the end of a ``related`` path, the links of
a many2many (a record with none in the empty group), a date truncated to its
granularity, or what the model computes for a field Odoo turns into SQL itself
(account ``code``). The integration computes actuals by grouping analytic lines on a
plan column, so counts, sums, group order (the grouped field's own order: a many2one
follows its comodel's ``_order``, NULL after values), ``__domain``, ``__range`` and
the lazy ``__context`` are kept as real Odoo returns them. Plain columns are grouped by
SQLite itself; anything else record by record. What differs per version is the
profile's ``read_group`` section.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from simulator import hooks
from simulator.domain import TRUE_LEAF, normalize_domain
from simulator.errors import OdooError, ServerError, UserError, value_error
from simulator.reader import unheld_names

if TYPE_CHECKING:
    from simulator.fields import Field
    from simulator.orm import BaseModel, Env
    from simulator.schema import ModelSchema

NUMERIC = ("integer", "float", "monetary")
AGGREGATES = {
    "sum": "sum",
    "avg": "avg",
    "min": "min",
    "max": "max",
    "count": "count",
    "count_distinct": "count",
    "array_agg": "array_agg",
    "bool_and": "bool_and",
    "bool_or": "bool_or",
}
TEMPORAL = ("date", "datetime")
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
DATE_FORMAT, DATETIME_FORMAT = "%Y-%m-%d", "%Y-%m-%d %H:%M:%S"
#: babel's en_US weeks (labels of ``:week`` groups) start on Sunday.
EN_US_FIRST_WEEKDAY = 6


def and_domains(domains: list[list], dialect: Any) -> list:
    """Odoo's ``expression.AND``: empty domains vanish, the rest are joined by ``&``."""
    result: list = []
    count = 0
    for domain in domains:
        if not domain or list(domain) == [TRUE_LEAF]:
            continue
        result += normalize_domain(list(domain), dialect)
        count += 1
    return ["&"] * (count - 1) + result if result else []


@dataclass
class GroupBy:
    """One groupby spec: the key it answers under, its field and date granularity."""

    key: str
    fld: Field
    granularity: str | None = None

    @property
    def name(self) -> str:
        return self.fld.name


class Grouper:
    """read_group over one database."""

    def read_group(
        self,
        model: BaseModel,
        domain: list,
        fields: list,
        groupby: Any,
        offset: int,
        limit: int | None,
        orderby: Any,
        lazy: bool,
    ) -> list[dict]:
        quirks = model.db.profile.quirks.read_group
        groupby = [groupby] if isinstance(groupby, str) else list(groupby or [])
        specs = [self._spec(model, spec) for spec in (groupby[:1] if lazy else groupby)]
        count_key = f"{specs[0].name}_count" if lazy and len(specs) == 1 else "__count"
        aggregates = self._aggregates(model, fields, {s.key for s in specs})
        if quirks.id_groups == "ambiguous" and any(s.name == "id" for s in specs) and not orderby:
            raise ServerError(
                "psycopg2.errors.AmbiguousColumn",
                'ORDER BY "id" is ambiguous\nLINE 6:             ORDER BY "id"\n                             ^',
            )
        stats = self._stats(model, domain, specs, aggregates)
        if not specs:
            count, values, first = stats[()]
            return [self._ungrouped(model, domain, count, values, first, count_key, quirks.ungrouped_min_id)]
        if lazy:
            self._fill(model, specs[0], stats)
        groups = self._page(model, specs, stats, orderby, count_key, aggregates, offset, limit)
        linked = self._linked(specs, groups)
        shown = [self._group_values(model, spec, {g[n] for g in groups}) for n, spec in enumerate(specs)]
        rows = [
            self._row(
                model, domain, specs, group, stats[group][0], stats[group][1], count_key, groupby, lazy, linked, shown
            )
            for group in groups
        ]
        if lazy:
            rows = self._expand(model, specs[0], rows)
        return rows

    def formatted_read_group(
        self,
        model: BaseModel,
        domain: list,
        groupby: Any,
        aggregates: Any,
        having: Any,
        offset: int,
        limit: int | None,
        order: str | None,
    ) -> list[dict]:
        """19's ``formatted_read_group`` (the web client's grouping, which replaces the deprecated
        read_group): every groupby at once, answered as ``_web_read_group_format`` does: each groupby
        spec's value (a record ``[id, name]``, a period ``[start, label]``), the group's own conditions
        (``__extra_domain``), then each aggregate under its spec (``amount:sum``, ``__count``); ``having``
        keeps the groups whose aggregates it holds for. The ``read_group_expand`` and ``fill_temporal``
        contexts are not simulated."""
        specs = [self._spec(model, spec) for spec in groupby]
        conditions = [term for term in having or () if isinstance(term, (list, tuple))]
        wanted = dict.fromkeys([*aggregates, *(condition[0] for condition in conditions)])
        measured = {spec: f"__aggregate{n}" for n, spec in enumerate(wanted) if spec != "__count"}
        sums = self._aggregates(model, [f"{alias}:{_measure(spec)}" for spec, alias in measured.items()], set())
        stats = {
            group: stat
            for group, stat in self._stats(model, domain, specs, sums).items()
            if _holds(
                list(having or ()), {spec: stat[1][measured[spec]] if spec in measured else stat[0] for spec in wanted}
            )
        }
        orderby = ", ".join(
            " ".join([measured.get(words[0], words[0]), *words[1:]])
            for part in (order or ", ".join(groupby)).split(",")
            if (words := part.split())
        )
        groups = self._page(model, specs, stats, orderby, "__count", sums, offset, limit)
        linked = self._linked(specs, groups)
        shown = [self._group_values(model, spec, {g[n] for g in groups}) for n, spec in enumerate(specs)]
        rows = []
        for group in groups:
            pairs = list(enumerate(zip(specs, group, strict=True)))
            row: dict[str, Any] = {
                spec.key: [_bounds(value, spec)[0], shown[n][value]]
                if spec.granularity and value is not None
                else shown[n][value]
                for n, (spec, value) in pairs
            }
            row["__extra_domain"] = _conjunction(
                model, [self._leaf(model, spec, value, linked[n]) for n, (spec, value) in pairs]
            )
            count, values, _first = stats[group]
            rows.append({**row, **{spec: values[measured[spec]] if spec in measured else count for spec in aggregates}})
        return rows

    def _stats(
        self, model: BaseModel, domain: list, specs: list[GroupBy], aggregates: list
    ) -> dict[tuple, tuple[int, dict, int | None]]:
        """Each group's (count, aggregates, first id): grouped by SQLite where it can, else in Python."""
        stats = self._sql_groups(model, domain, specs, aggregates) if specs else None
        return self._python_groups(model, domain, specs, aggregates) if stats is None else stats

    def _page(
        self,
        model: BaseModel,
        specs: list[GroupBy],
        stats: dict[tuple, tuple],
        orderby: Any,
        count_key: str,
        aggregates: list,
        offset: int,
        limit: int | None,
    ) -> list[tuple]:
        """The groups in their order, ``offset`` and ``limit`` applied."""
        groups = sorted(stats, key=self._sorter(model, specs, stats, orderby, count_key, aggregates))
        if offset and (limit or not model.db.profile.quirks.read_group.offset_needs_limit):
            groups = groups[offset:]
        return groups[:limit] if limit else groups

    @staticmethod
    def _linked(specs: list[GroupBy], groups: list[tuple]) -> list[list]:
        """Per groupby, the values the groups hold (a many2many's empty group is "none of them")."""
        return [[g[n] for g in groups if g[n] is not None] for n in range(len(specs))]

    # -- what is grouped ---------------------------------------------------------

    def _spec(self, model: BaseModel, spec: str) -> GroupBy:
        name, _sep, granularity = spec.partition(":")
        fld = model.schema.fields.get(name)
        if fld is None:
            raise value_error(f"Invalid field {name!r} on model {model._name!r}")
        if fld.type == "properties":  # a properties field groups by one property ("field.name") only
            raise value_error("Wrong property field value name 'None'.")
        if fld.type in TEMPORAL:
            return GroupBy(spec, fld, granularity or "month")
        return GroupBy(spec, fld)

    def _python_groups(
        self, model: BaseModel, domain: list, specs: list[GroupBy], aggregates: list
    ) -> dict[tuple, tuple[int, dict, int | None]]:
        """Each group's (count, aggregates, first id), its records' values gathered one by one
        (a many2many puts a record in each of its links' groups)."""
        columns = [s.name for s in specs if _plain_column(model.schema, s.fld)]
        ids, data = self._matching(
            model,
            domain,
            list(dict.fromkeys([*columns, *(column for _name, column, _fn, _kind in aggregates if column != "id")])),
        )
        keys = [self._group_keys(model, spec, ids, data) for spec in specs]
        members: dict[tuple, list[int]] = {}
        if all(spec.fld.type != "many2many" for spec in specs):
            for i in ids:
                members.setdefault(tuple(key[i] for key in keys), []).append(i)
        else:
            for i in ids:
                for combination in _product([key[i] if isinstance(key[i], list) else [key[i]] for key in keys]):
                    members.setdefault(combination, []).append(i)
        if not specs:
            members = {(): ids}
        return {
            group: (len(records), self._aggregate(model, records, aggregates, data), min(records, default=None))
            for group, records in members.items()
        }

    @staticmethod
    def _sql_groups(
        model: BaseModel, domain: list, specs: list[GroupBy], aggregates: list
    ) -> dict[tuple, tuple[int, dict, int | None]] | None:
        """The same, grouped by SQLite when every groupby is a plain column of the table and
        every aggregate a SQL one (the actuals' analytic lines): no record is read in Python."""
        schema = model.schema
        if any(not _plain_column(schema, s.fld) or s.granularity or s.fld.company_dependent for s in specs) or any(
            fn in ("array_agg", "bool_and", "bool_or") for _name, _column, fn, _kind in aggregates
        ):
            return None
        table = model.table
        keys = [
            f'COALESCE("{table}"."{s.name}", 0)' if s.fld.type == "boolean" else f'"{table}"."{s.name}"' for s in specs
        ]
        calls = []
        for _name, column, fn, kind in aggregates:
            target = f'"{table}".id' if column == "id" else f'"{table}"."{column}"'
            calls.append(f"count(DISTINCT {target})" if kind == "count_distinct" else f"{fn}({target})")
        where, params = model.where_clause(domain)
        rows = model.store.query(
            f'SELECT {", ".join([*keys, "count(*)", *calls])} FROM "{table}" WHERE {where} GROUP BY {", ".join(keys)}',
            params,
        )
        result = {}
        for row in rows:
            values = {}
            for (name, column, fn, kind), value in zip(aggregates, row[len(specs) + 1 :], strict=True):
                fld = schema.fields[column]
                if fn == "count" or kind == "count_distinct":
                    values[name] = value
                elif value is None:
                    values[name] = False
                elif fn == "avg" or fld.type in ("float", "monetary"):
                    values[name] = float(value)
                else:
                    values[name] = int(value) if fld.type == "integer" and fn == "sum" else value
            group = tuple(bool(v) if s.fld.type == "boolean" else v for s, v in zip(specs, row, strict=False))
            result[group] = (row[len(specs)], values, None)
        return result

    @staticmethod
    def _matching(model: BaseModel, domain: list, columns: list[str]) -> tuple[list[int], dict[str, dict]]:
        """The records of ``domain``, with the plain columns grouped or aggregated on."""
        where, params = model.where_clause(domain)
        table = model.table
        selected = "".join(f', "{table}"."{column}"' for column in columns)
        rows = model.store.query(
            f'SELECT "{table}".id{selected} FROM "{table}" WHERE {where} ORDER BY "{table}".id', params
        )
        return [row[0] for row in rows], {
            column: {row[0]: row[n + 1] for row in rows} for n, column in enumerate(columns)
        }

    def _group_keys(self, model: BaseModel, spec: GroupBy, ids: list[int], data: dict[str, dict]) -> dict[int, Any]:
        """Each record's group value (a many2many's: its links, none is the empty group)."""
        if spec.name in data:
            values = self._coalesced(model.db, model.schema, spec.fld, data[spec.name])
        else:
            values = self._values(model.env.sudo(), model.schema, spec.fld, ids, direct=True)
        kind = spec.fld.type
        if kind == "many2many":
            return {i: list(values.get(i) or ()) or [None] for i in ids}
        if kind == "boolean":
            return {i: bool(values.get(i)) for i in ids}
        if spec.granularity:
            quirks = model.db.profile.quirks.read_group
            return {i: _truncate(values.get(i), spec.granularity, kind, quirks) for i in ids}
        return {i: None if (value := values.get(i)) is False else value for i in ids}

    def _values(self, env: Env, schema: ModelSchema, fld: Field, ids: list[int], direct: bool) -> dict[int, Any]:
        """What Odoo's SQL groups ``ids`` on for ``fld`` (``_field_to_sql``): NULL as None,
        a many2many's allowed links as a list. ``direct`` is False once a relation was
        followed, where a field needs SQL of its own (a model hook here) to be reached."""
        db = env.db
        if fld.name == "id":
            return {i: i for i in ids}
        if fld.type == "properties":
            raise value_error("Wrong property field value name 'None'.")
        link = fld.extra.get("inherited")
        if link:
            parent = db.schema(schema.fields[link].relation or "")
            return self._through(env, schema, link, parent, parent.fields[fld.name], ids)
        if not fld.attrs.get("store", True):
            return self._unstored(env, schema, fld, ids, direct)
        if fld.type == "many2many":
            return self._links(env, schema, fld, ids)
        compute = hooks.computed.get((schema.name, fld.name))
        if compute and not fld.is_column:
            return {i: (None if v is False and fld.type != "boolean" else v) for i, v in compute(env, ids).items()}
        return self._coalesced(
            db, schema, fld, {i: row[fld.name] for i, row in db.reader.rows(env, schema, ids, [fld.name]).items()}
        )

    @staticmethod
    def _coalesced(db: Any, schema: ModelSchema, fld: Field, raw: dict[int, Any]) -> dict[int, Any]:
        """A column's values; a company-dependent one coalesced with its fallback."""
        if fld.company_dependent:
            fallback = fld.to_column(db.profile.defaults.get(schema.name, {}).get(fld.name), True)
            if fallback or db.profile.quirks.read_group.company_dependent_empty_fallback:
                return {i: fallback if v is None else v for i, v in raw.items()}
        return raw

    def _unstored(self, env: Env, schema: ModelSchema, fld: Field, ids: list[int], direct: bool) -> dict[int, Any]:
        """A field without a column: 16 and 17 refuse it (each in its words); 18+ follow a
        ``related`` path with joins, and group by what a model computes in SQL of its own
        (``groupable`` in fields_get: the model's ``_field_to_sql`` (``hooks.field_sql``) or
        compute hook here, else nothing found); a field fields_get says is not groupable fails."""
        db = env.db
        unstored = db.profile.quirks.read_group.unstored
        name = f"{schema.name}.{fld.name}"
        if unstored == "user_error":
            raise UserError(
                f"Field {name} is not a stored field, only stored fields (regular or many2many) "
                "are valid for the 'groupby' parameter"
            )
        if unstored == "cannot_convert":
            raise value_error(f"Cannot convert field {name} to SQL")
        if fld.related and len(fld.related) > 1:
            first = schema.fields.get(fld.related[0])
            if first is not None and first.type == "many2one" and first.relation in db.schemas:
                comodel = db.schema(first.relation)
                target = comodel.fields.get(fld.related[1])
                if target is not None:
                    if len(fld.related) > 2:
                        target = _hop(target, fld, fld.related[1:])
                    return self._through(env, schema, first.name, comodel, target, ids)
            return {i: ([] if fld.type == "many2many" else None) for i in ids}  # through a model not held
        to_sql = hooks.field_sql.get((schema.name, fld.name))
        sql = to_sql(env, schema.table) if to_sql else None
        if sql:  # the model's own ``_field_to_sql``
            values: dict[int, Any] = {}
            for chunk in _chunks(ids, 900):
                values.update(
                    env.db.store.query(
                        f'SELECT "{schema.table}".id, {sql} FROM "{schema.table}" '
                        f'WHERE "{schema.table}".id IN ({",".join("?" * len(chunk))})',
                        chunk,
                    )
                )
            return {i: values.get(i) for i in ids}
        if direct and fld.attrs.get("groupable") is False and fld.type != "many2many":
            # fields_get's ``groupable`` is whether ``_read_group_groupby`` succeeds (18's root_id)
            raise value_error(f"Cannot convert {name} to SQL because it is not stored")
        compute = hooks.computed.get((schema.name, fld.name))
        if compute and fld.type != "many2many":
            return {i: (None if v is False and fld.type != "boolean" else v) for i, v in compute(env, ids).items()}
        if fld.type == "many2many":
            raise value_error(f"Group by non-stored many2many field: {fld.name!r}")
        if not direct or not fld.attrs.get("groupable"):
            raise value_error(f"Cannot convert {name} to SQL because it is not stored")
        return {i: None for i in ids}  # SQL of its own that finds nothing here (activity_state)

    def _through(
        self, env: Env, schema: ModelSchema, link: str, comodel: ModelSchema, target: Field, ids: list[int]
    ) -> dict[int, Any]:
        """``target`` of the record ``link`` points to (a LEFT JOIN: none gives NULL)."""
        links = {i: row[link] for i, row in env.db.reader.rows(env, schema, ids, [link]).items()}
        targets = list(dict.fromkeys(v for v in links.values() if v))
        values = self._values(env, comodel, target, targets, direct=False) if targets else {}
        empty = [] if target.type == "many2many" else None
        return {i: values.get(links.get(i), empty) if links.get(i) else empty for i in ids}

    def _links(self, env: Env, schema: ModelSchema, fld: Field, ids: list[int]) -> dict[int, list]:
        """A many2many's links (``LEFT JOIN`` on its table), to the comodel records its
        search allows: 19 searches them (active ones, the field's domain), up to 18 every
        link counts."""
        result: dict[int, list] = {i: [] for i in ids}
        if fld.name not in schema.relations:
            if fld.related:
                return result
            raise value_error(f"Group by non-stored many2many field: {fld.name!r}")
        rel, col1, col2 = schema.m2m_table(fld)
        pairs = []
        for chunk in _chunks(ids, 900):
            pairs += env.db.store.query(
                f'SELECT "{col1}", "{col2}" FROM "{rel}" WHERE "{col1}" IN ({",".join("?" * len(chunk))}) '
                f'AND "{col2}" IS NOT NULL',
                chunk,
            )
        allowed = None
        archived: set[int] = set()
        if env.db.profile.quirks.read_group.many2many_search and fld.relation in env.db.schemas:
            allowed = set(self._searchable(env, fld, [target for _owner, target in pairs]))
        elif env.db.profile.quirks.read_group.many2many_search:  # not held: its recorded archived ones
            archived = env.db.profile.archived.get(fld.relation or "", set())
        for owner, target in pairs:
            if (allowed is None or target in allowed) and target not in archived:
                result[owner].append(target)
        return result

    @staticmethod
    def _searchable(env: Env, fld: Field, targets: list[int]) -> list[int]:
        from simulator.orm import Env as OrmEnv

        targets = list(dict.fromkeys(targets))
        if not targets:
            return []
        context = dict(fld.attrs.get("context") or {})
        comodel = env.db.model(OrmEnv(env.db, env.uid, context, su=True), fld.relation or "")
        domain = [("id", "in", targets)]
        extra = fld.attrs.get("domain")
        if isinstance(extra, list) and extra:
            domain += extra
        try:
            where, params = comodel.where_clause(domain)
        except ServerError:
            where, params = comodel.where_clause(domain[:1])
        return [
            row[0]
            for row in env.db.store.query(f'SELECT "{comodel.table}".id FROM "{comodel.table}" WHERE {where}', params)
        ]

    # -- aggregates ----------------------------------------------------------------

    def _aggregates(self, model: BaseModel, fields: list, grouped: set[str]) -> list[tuple]:
        """(answer key, column, SQL function, Odoo's name of it) per aggregated field."""
        result = []
        for spec in fields or []:
            name, _sep, func = spec.partition(":")
            column = name
            if "(" in func:  # "total:sum(amount)"
                func, _paren, column = func.partition("(")
                column = column.rstrip(")")
            if name in grouped or name == "__count" or not name:
                continue
            fld = model._field(column)
            if func:
                result.append((name, column, AGGREGATES.get(func, "sum"), func))
            elif fld.type in NUMERIC and fld.is_column:
                operator = fld.attrs.get("aggregator") or fld.attrs.get("group_operator") or "sum"
                result.append((name, column, AGGREGATES.get(operator, "sum"), operator))
        return result

    def _aggregate(
        self, model: BaseModel, ids: list[int], aggregates: list[tuple], data: dict[str, dict]
    ) -> dict[str, Any]:
        """SQL's aggregates of the group's rows (``data``: the columns by record): NULLs
        skipped, nothing to aggregate is False (``_read_group_empty_value``), a count 0."""
        result: dict[str, Any] = {}
        for name, column, fn, kind in aggregates:
            fld = model.schema.fields[column]
            column_values = data.get(column, {})
            if fn == "array_agg":  # every row's value, NULL too, in the rows' order
                result[name] = [i if column == "id" else column_values.get(i) for i in ids]
                continue
            values = ids if column == "id" else [v for i in ids if (v := column_values.get(i)) is not None]
            if fn in ("bool_and", "bool_or"):
                result[name] = (all if fn == "bool_and" else any)(bool(v) for v in values) if values else False
            elif kind == "count_distinct":
                result[name] = len(set(values))
            elif fn == "count":
                result[name] = len(values)
            elif not values:
                result[name] = False
            elif fn == "sum":
                result[name] = int(sum(values)) if fld.type == "integer" else float(sum(values))
            elif fn == "avg":
                result[name] = sum(values) / len(values)
            else:
                value = min(values) if fn == "min" else max(values)
                result[name] = float(value) if fld.type in ("float", "monetary") else value
        return result

    @staticmethod
    def _ungrouped(
        model: BaseModel, domain: list, count: int, values: dict, first: int | None, count_key: str, min_id: bool
    ) -> dict:
        """No groupby: one row; 16 names it ``id: min(id)`` and gives no ``__domain``."""
        record: dict[str, Any] = {count_key: count, **values}
        if min_id:
            return {"id": first, **record}
        record["__domain"] = and_domains([domain], model.db.compiler.dialect)
        return record

    # -- order ----------------------------------------------------------------------

    def _sorter(
        self,
        model: BaseModel,
        specs: list[GroupBy],
        stats: dict[tuple, tuple],
        orderby: Any,
        count_key: str,
        aggregates: list,
    ) -> Any:
        """The groups' ORDER BY: each groupby in turn, or what ``orderby`` names: groupbys and
        aggregates, ``desc`` reversing a term (NULL first then). Anything else: 16 ignores a
        field of the model and refuses a name that is none; 17+ also sort by the count and
        refuse any other term (``read_group.order_terms``)."""
        groups = list(stats)
        ranks = [self._ranks(model, spec, [g[n] for g in groups]) for n, spec in enumerate(specs)]
        terms: list[tuple[Any, bool]] = []
        by_fields = model.db.profile.quirks.read_group.order_terms == "fields"
        for part in str(orderby or "").split(","):
            words = part.split()
            if not words:
                continue
            name, descending = words[0], len(words) > 1 and words[1].lower() == "desc"
            index = next((n for n, s in enumerate(specs) if name in (s.key, s.name)), None)
            if index is not None:
                terms.append((lambda group, n=index: ranks[n][group[n]], descending))
            elif any(name == aggregate for aggregate, _column, _fn, _kind in aggregates):
                terms.append((lambda group, key=name: _null_last(_none(stats[group][1].get(key))), descending))
            elif name in (count_key, "__count") and not by_fields:
                terms.append((lambda group: stats[group][0], descending))
            elif by_fields and name not in model.schema.fields:
                raise value_error(f"Invalid field {name!r} on model {model._name!r}")
            elif not by_fields:
                raise value_error(f"Order term {part.strip()!r} is not a valid aggregate nor valid groupby")
        if not terms:
            terms = [(lambda group, n=n: ranks[n][group[n]], False) for n in range(len(specs))]

        def key(group: tuple) -> tuple:
            return tuple(_Reversed(rank(group)) if descending else rank(group) for rank, descending in terms)

        return key

    def _ranks(self, model: BaseModel, spec: GroupBy, values: list) -> dict[Any, Any]:
        """Each group value's ascending sort key: a many2one by its comodel's ``_order``
        (Odoo joins the comodel: the empty group sorts where NULL columns do), any other
        value by itself, NULL after values."""
        distinct = list(dict.fromkeys(values))
        fld = spec.fld
        if fld.type == "many2one" and spec.name != "id":
            return self._m2o_keys(model.env.sudo(), fld, distinct, frozenset())
        return {v: _null_last(v) for v in distinct}

    def _m2o_keys(self, env: Env, fld: Field, values: list, seen: frozenset) -> dict[Any, tuple]:
        db = env.db
        if fld.relation not in db.schemas:  # not held: its recorded names are in its _order
            # (18+'s account.root: ``_order`` is its id, a string never recorded)
            return {
                v: (_null_last(v if v is None or isinstance(v, str) else db.recorded_rank(fld.relation, v)),)
                for v in values
            }
        return self._order_keys(env, db.schema(fld.relation or ""), values, seen)

    def _order_keys(self, env: Env, schema: ModelSchema, ids: list, seen: frozenset) -> dict[Any, tuple]:
        """ORDER BY ``schema``'s ``_order`` as sort keys of ``ids`` (None: a LEFT JOIN that
        found no row, every column NULL): ascending terms put NULL last, descending ones
        first, as PostgreSQL does; a many2one term sorts by its own comodel's order."""
        records = [i for i in ids if i is not None]
        keys: dict[Any, list] = {i: [] for i in ids}
        for part in schema.meta.order.split(","):
            words = part.split()
            if not words:
                continue
            name, descending = words[0].strip('"'), len(words) > 1 and words[1].lower() == "desc"
            fld = schema.fields.get(name)
            if name != "id" and fld is None:
                continue
            if name == "id":
                raw: dict[Any, Any] = {i: i for i in records}
            else:
                try:
                    raw = self._values(env, schema, fld, records, direct=True) if records else {}
                except (ServerError, OdooError):
                    raw = {}
            if fld is not None and fld.type == "many2one" and (schema.name, name) not in seen:
                targets = [*dict.fromkeys(v for v in raw.values() if v is not None), None]
                nested = self._m2o_keys(env, fld, targets, seen | {(schema.name, name)})
                elements = {i: nested[raw.get(i)] for i in ids}
            elif fld is not None and fld.type == "boolean":  # COALESCE(%s, FALSE)
                elements = {i: _null_last(bool(raw.get(i))) for i in ids}
            else:
                elements = {i: _null_last(raw.get(i)) for i in ids}
            for i in ids:
                keys[i].append(_Reversed(elements[i]) if descending else elements[i])
        return {i: tuple(k) for i, k in keys.items()}

    # -- the answer --------------------------------------------------------------------

    def _row(
        self,
        model: BaseModel,
        domain: list,
        specs: list[GroupBy],
        group: tuple,
        count: int,
        values: dict,
        count_key: str,
        groupby: list,
        lazy: bool,
        linked: list[list],
        shown: list[dict],
    ) -> dict:
        quirks = model.db.profile.quirks.read_group
        record: dict[str, Any] = {}
        leaves = []
        for index, (spec, value) in enumerate(zip(specs, group, strict=True)):
            record[spec.key] = shown[index][value]
            leaves.append(self._leaf(model, spec, value, linked[index]))
            if spec.granularity:
                ranges = record.setdefault("__range", {})
                ranges[spec.key] = _range(value, spec) if value is not None else False
        record[count_key] = count
        record.update(values)
        given = (
            [normalize_domain(list(domain), model.db.compiler.dialect)]
            if domain and list(domain) != [TRUE_LEAF]
            else []
        )
        record["__domain"] = _conjunction(model, [*leaves, *given] if quirks.group_leaf_first else [*given, *leaves])
        if lazy and len(groupby) > 1:
            record["__context"] = {"group_by": groupby[1:]}
        return record

    def _group_values(self, model: BaseModel, spec: GroupBy, values: set) -> dict[Any, Any]:
        """How each group value is answered: a record as ``[id, display_name]`` (read as
        superuser, in one go), a period by its label, NULL as False."""
        fld = spec.fld
        present = [v for v in values if v is not None]
        if spec.name == "id" and model.db.profile.quirks.read_group.id_groups != "record":
            return {v: v for v in values}
        named = spec.name == "id" or fld.type in ("many2one", "many2many")
        if named and spec.name != "id" and fld.relation not in model.db.schemas:  # not held: its recorded name
            recorded = unheld_names(model.env.sudo(), fld.relation or "", present)
            names = {v: recorded.get(v, "") for v in present}
        elif named:
            comodel = model.schema if spec.name == "id" else model.db.schema(fld.relation or "")
            names = model.db.reader.display_names(model.env.sudo(), comodel, present)
        shown: dict[Any, Any] = {None: False}
        for value in present:
            if named:
                shown[value] = [value, names.get(value, "")]
            elif spec.granularity:
                shown[value] = _label(value, spec, model.db.profile.quirks.read_group.week_label)
            else:
                shown[value] = bool(value) if fld.type == "boolean" else _raw(fld, value)
        return shown

    @staticmethod
    def _leaf(model: BaseModel, spec: GroupBy, value: Any, linked: list) -> list:
        """The group's own condition in ``__domain``: a date's period, else ``field = value``;
        the empty group of a many2many as the version words it (``read_group.many2many_empty``)."""
        name = spec.name
        if spec.granularity and value is not None:
            start, end = _bounds(value, spec)
            return ["&", (name, ">=", start), (name, "<", end)]
        if value is None and spec.fld.type == "many2many":
            empty = model.db.profile.quirks.read_group.many2many_empty
            if empty == "not_in":
                return [(name, "not in", linked)]
            if empty == "not_any":  # expression.AND normalises the subdomain; 19's Domain keeps it
                return [(name, "not any", [TRUE_LEAF] if model.db.profile.quirks.domain.engine == "expression" else [])]
        if value is None:
            return [(name, "=", False)]
        return [(name, "=", bool(value) if spec.fld.type == "boolean" else _raw(spec.fld, value))]

    @staticmethod
    def _fill(model: BaseModel, spec: GroupBy, stats: dict[tuple, tuple]) -> None:
        """``_read_group_fill_results``: the ``group_expand`` method's records each get a
        group, an empty one (count 0) where no record falls in it."""
        expander = hooks.group_expanders.get((model._name, spec.name))
        for value in expander(model.env) if expander else ():
            stats.setdefault((value,), (0, {}, None))

    def _expand(self, model: BaseModel, spec: GroupBy, rows: list[dict]) -> list[dict]:
        """``_read_group_fill_results`` for a field with ``group_expand`` (profile
        ``models.<model>.group_expand``): each group says whether its comodel record is
        folded (``__fold``, False for the empty group)."""
        if spec.name not in model.schema.meta.group_expand:
            return rows
        comodel = model.db.schemas.get(spec.fld.relation or "")
        folds: dict[int, bool] = {}
        if comodel is not None and "fold" in comodel.fields:
            ids = [row[spec.key][0] for row in rows if row[spec.key]]
            folds = {i: bool(row["fold"]) for i, row in model.db.reader.rows(model.env, comodel, ids, ["fold"]).items()}
        for row in rows:
            row["__fold"] = folds.get(row[spec.key][0], False) if row[spec.key] else False
        return rows


def _conjunction(model: BaseModel, parts: list[list]) -> list:
    """Domains ANDed as the version's domain code writes it (19's Domain: one flat n-ary AND); none is
    the domain that is always true."""
    if not parts:
        return [TRUE_LEAF]
    if model.db.profile.quirks.domain.engine == "domain_ast":
        parts = [term for part in parts for term in _conjuncts(part)]
    return ["&"] * (len(parts) - 1) + [term for part in parts for term in part]


#: The comparisons a ``having`` condition may make.
COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "=": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "in": lambda value, values: value in values,
    "not in": lambda value, values: value not in values,
}


def _holds(domain: list, values: dict[str, Any]) -> bool:
    """Whether a group's aggregates (by spec) satisfy a ``having`` domain (``&``, ``|``, ``!`` in prefix
    form, conditions ANDed by default)."""

    def term(position: int) -> tuple[bool, int]:
        item = domain[position]
        if item == "!":
            held, after = term(position + 1)
            return not held, after
        if item in ("&", "|"):
            left, middle = term(position + 1)
            right, after = term(middle)
            return (left and right) if item == "&" else (left or right), after
        spec, comparison, value = item
        return COMPARISONS[comparison](values[spec], value), position + 1

    position, held = 0, True
    while position < len(domain):
        result, position = term(position)
        held = held and result
    return held


def _measure(spec: str) -> str:
    """An aggregate spec of formatted_read_group (``amount:sum``) as read_group's function of a column
    (``sum(amount)``)."""
    column, _sep, function = spec.partition(":")
    return f"{function}({column})"


def _raw(fld: Field, value: Any) -> Any:
    """A group value as psycopg2 hands it back: a binary column (``attachment=False``, a
    ``bytea``) is a ``memoryview`` of its bytes, which XML-RPC cannot marshal (the call
    faults) and JSON answers as its ``str``."""
    if fld.type == "binary" and isinstance(value, str | bytes):
        return memoryview(value.encode() if isinstance(value, str) else value)
    return value


def _none(value: Any) -> Any:
    """An aggregate's NULL (answered False) as None again, to sort it."""
    return None if value is False else value


def _null_last(value: Any) -> tuple:
    """An ascending sort key with NULL after every value (reversed, NULL comes first)."""
    return (1, 0) if value is None else (0, value)


class _Reversed:
    """A sort key in descending order."""

    def __init__(self, key: Any) -> None:
        self.key = key

    def __lt__(self, other: _Reversed) -> bool:
        return other.key < self.key

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Reversed) and other.key == self.key

    __hash__ = None  # type: ignore[assignment]


def _plain_column(schema: ModelSchema, fld: Field) -> bool:
    """A field whose value is its own table's column, read with the records themselves."""
    return (
        fld.is_column
        and fld.attrs.get("store", True)
        and fld.type != "many2many"
        and fld.name != "id"
        and not fld.extra.get("inherited")
        and (schema.name, fld.name) not in hooks.computed
    )


def _hop(target: Field, fld: Field, path: list[str]) -> Field:
    """The rest of a ``related`` path, as a field of the comodel (named after the path)."""
    from simulator.fields import Field as FieldType

    return FieldType(".".join(path), {**fld.attrs, "related": ".".join(path), "store": False}, model=target.model)


def _conjuncts(domain: list) -> list[list]:
    """The operands of a normalized domain's top-level ``&`` (the domain itself otherwise)."""

    def end(start: int) -> int:
        token = domain[start]
        if token in ("&", "|"):
            return end(end(start + 1))
        return end(start + 1) if token == "!" else start + 1

    def split(start: int, stop: int) -> list[list]:
        if domain[start] == "&":
            middle = end(start + 1)
            return split(start + 1, middle) + split(middle, stop)
        return [domain[start:stop]]

    return split(0, len(domain)) if domain else []


def _product(options: list[list]) -> list[tuple]:
    result: list[tuple] = [()]
    for values in options:
        result = [(*prefix, value) for prefix in result for value in values]
    return result


def _chunks(items: list, size: int) -> list[list]:
    return [items[i : i + size] for i in range(0, len(items), size)]


# -- dates -------------------------------------------------------------------------------


def _parse(value: Any) -> dt.datetime | None:
    if value in (None, False, ""):
        return None
    text = str(value)
    if len(text) > 10:
        return dt.datetime.strptime(text[:19], DATETIME_FORMAT)
    return dt.datetime.strptime(text, DATE_FORMAT)


def _truncate(value: Any, granularity: str, ftype: str, quirks: Any) -> str | None:
    """``date_trunc(granularity, value)`` as the start of its period (17+: a week starts on
    the language's first day, Sunday for en_US; 16: ISO Monday)."""
    moment = _parse(value)
    if moment is None:
        return None
    if granularity == "hour":
        moment = moment.replace(minute=0, second=0)
    elif granularity == "day":
        moment = moment.replace(hour=0, minute=0, second=0)
    elif granularity == "week":
        start = moment.date() - dt.timedelta(days=(moment.weekday() - quirks.week_start) % 7)
        moment = dt.datetime.combine(start, dt.time())
    elif granularity == "month":
        moment = dt.datetime(moment.year, moment.month, 1)
    elif granularity == "quarter":
        moment = dt.datetime(moment.year, (moment.month - 1) // 3 * 3 + 1, 1)
    elif granularity == "year":
        moment = dt.datetime(moment.year, 1, 1)
    else:
        raise value_error(f"Granularity specification isn't correct: {granularity!r}")
    return moment.strftime(DATETIME_FORMAT if ftype == "datetime" else DATE_FORMAT)


def _bounds(value: str, spec: GroupBy) -> tuple[str, str]:
    start = _parse(value)
    assert start is not None
    granularity = spec.granularity or "month"
    if granularity == "hour":
        end = start + dt.timedelta(hours=1)
    elif granularity == "day":
        end = start + dt.timedelta(days=1)
    elif granularity == "week":
        end = start + dt.timedelta(days=7)
    else:
        months = {"month": 1, "quarter": 3, "year": 12}[granularity]
        year, month = divmod(start.month - 1 + months, 12)
        end = start.replace(year=start.year + year, month=month + 1)
    fmt = DATETIME_FORMAT if spec.fld.type == "datetime" else DATE_FORMAT
    return start.strftime(fmt), end.strftime(fmt)


def _range(value: str, spec: GroupBy) -> dict:
    start, end = _bounds(value, spec)
    return {"from": start, "to": end}


def _label(value: str, spec: GroupBy, week_label: str) -> str:
    """babel's en_US rendering of ``READ_GROUP_DISPLAY_FORMAT`` (``MMMM yyyy`` for a month)."""
    moment = _parse(value)
    assert moment is not None
    granularity = spec.granularity or "month"
    if granularity == "hour":
        return f"{(moment.hour % 12) or 12:02d}:00 {moment.day:02d} {MONTHS[moment.month - 1][:3]}"
    if granularity == "day":
        return f"{moment.day:02d} {MONTHS[moment.month - 1][:3]} {moment.year}"
    if granularity == "week":
        if week_label == "babel":
            return f"W{_babel_week(moment.date())} {moment.isocalendar()[0]}"
        year, week = _week_number(moment.date(), EN_US_FIRST_WEEKDAY)
        return f"W{week} {year:04}"
    if granularity == "quarter":
        return f"Q{(moment.month - 1) // 3 + 1} {moment.year}"
    if granularity == "year":
        return f"{moment.year}"
    return f"{MONTHS[moment.month - 1]} {moment.year}"


def _babel_week(day: dt.date) -> int:
    """babel 2.9's ``w`` for en_US (weeks from Sunday, one day makes a first week)."""

    def number(of: dt.date, day_of_year: int) -> int:
        first_day = (of.weekday() - EN_US_FIRST_WEEKDAY - day_of_year + 1) % 7
        return (day_of_year + first_day - 1) // 7 + (1 if 7 - first_day >= 1 else 0)

    day_of_year = day.timetuple().tm_yday
    week = number(day, day_of_year)
    if week == 0:
        previous = day - dt.timedelta(days=day_of_year)
        week = number(previous, previous.timetuple().tm_yday)
    return week


def _week_number(day: dt.date, first_weekday: int) -> tuple[int, int]:
    """``date_utils.weeknumber`` for en_US: weeks start on ``first_weekday``; week 1 holds
    January 1st, the days before it in that week counting in the new year."""

    def week_start(of: dt.date) -> dt.date:
        return of - dt.timedelta(days=(of.weekday() - first_weekday) % 7)

    next_first = week_start(dt.date(day.year + 1, 1, 1))
    if day >= next_first:
        return day.year + 1, 1
    first = week_start(dt.date(day.year, 1, 1))
    return day.year, (day - first).days // 7 + 1
