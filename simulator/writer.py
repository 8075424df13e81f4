"""Writing records: defaults, ``_inherits`` parents, x2many commands, NOT NULL.

Mirrors where real Odoo fails and what it consumes: an unknown field is a
``ValueError`` before anything happens; a missing required column fails at
INSERT time, after the id sequence moved (so later ids match a real server).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from simulator import dates, hooks, translations
from simulator.errors import UserError, described_error, mandatory_field_error, unserved_text
from simulator.fields import Field
from simulator.schema import ModelSchema

if TYPE_CHECKING:
    from simulator.orm import Env
    from simulator.profile import Profile
    from simulator.reader import Reader
    from simulator.store import Store

CREATE, UPDATE, DELETE, UNLINK, LINK, CLEAR, SET = range(7)
#: The column value of a recorded default that is converted on each create that uses it.
PER_CREATE = object()
#: Any day: a day token (``dates``) resolves to a date on it, other defaults stay as they are.
ANY_DAY = dt.date(2000, 1, 1)


@dataclass(frozen=True)
class RowPlan:
    """What every create of a schema starts from, built once (``ModelSchema.prepared``)."""

    #: the recorded defaults a create fills in (stored, not reached through ``_inherits``), as
    #: given values (a many2many's ids as a SET command)
    defaults: list[tuple[str, Any]]
    #: column values: the recorded constants of the computed fields kept in a column (``snapshot``),
    #: under the defaults converted once
    base: dict[str, Any]
    #: the defaults converted on each create that uses them (a day's date, a value that does not
    #: convert: it fails each such create), and the x2many ones
    late: list[tuple[str, Field, Any]]


class Writer:
    """Creates, updates and deletes records of one database.

    It is handed only what it uses, as the ``Reader`` is, rather than the ``Database``
    that builds it: the database module then imports the writer and not the reverse."""

    def __init__(
        self,
        store: Store,
        schemas: Mapping[str, ModelSchema],
        reader: Reader,
        profile: Callable[[], Profile],
        today: Callable[[], dt.date],
        related_dependents: Callable[[str], list[tuple[ModelSchema, Field]]],
        created: Callable[[str], set[int]],
    ) -> None:
        """``schemas``: every model, the one mapping kept across profile changes; ``profile``:
        the profile served now (installing modules swaps it); ``today``: the day on the database's
        clock, which recorded defaults relative to the day resolve on; ``related_dependents``: the
        stored related columns one hop from a model; ``created``: the ids of a model the call in
        progress created."""
        self.store = store
        self.schemas = schemas
        self.reader = reader
        self.profile = profile
        self.today = today
        self.related_dependents = related_dependents
        self.created = created

    # -- create -----------------------------------------------------------

    def create(self, env: Env, schema: ModelSchema, vals: dict, hooked: bool = False) -> int:
        """The new record's id. ``hooked``: ``create`` makes the record and runs its ``after_create``
        hooks next, so the ``before_insert`` ones fill the row first."""
        for name in vals:
            if name not in schema.fields:
                texts = self.profile().quirks.orm.unknown_field
                raise described_error(texts.create.format(field=name, model=schema.name))
        early = self.profile().quirks.orm.conversion_error_consumes_id
        new_id = self.store.next_id(schema.table) if early else 0
        hooks.run(hooks.before_create, schema.name, env, vals)
        self._create_parents(env, schema, vals)
        given, x2many = self._split(env, schema, vals)
        plan = self._plan(schema)
        row = {**plan.base, **given}
        self._add_late_defaults(plan, vals, row, x2many)
        # the INSERT takes its id before NOT NULL and constraints can fail
        new_id = new_id or self.store.next_id(schema.table)
        now = env.now()
        row.update(create_uid=env.uid, write_uid=env.uid, create_date=now, write_date=now)
        self._check_required(schema, row)
        row["id"] = new_id
        if hooked:
            hooks.run(hooks.before_insert, schema.name, env, new_id, row)
        self.store.execute(_insert_sql(schema.table, tuple(row)), list(row.values()))
        if translations.context_lang(env):
            values = self._with_defaults(plan, vals)
            translations.store(
                env, schema, [new_id], {name: values[name] for name in translations.translated(schema, values)}
            )
        for fld, commands in x2many:
            self._x2many(env, schema, fld, [new_id], commands, fresh=True)
        self.recompute_related(env, schema, [new_id])
        self.recompute_stored(env, schema, [new_id])
        self._parent_paths(schema, [new_id])
        return new_id

    def _create_parents(self, env: Env, schema: ModelSchema, vals: dict) -> None:
        for parent_model, link in schema.meta.inherits.items():
            parent_vals = {k: vals.pop(k) for k in list(vals) if schema.fields[k].extra.get("inherited") == link}
            if not vals.get(link):
                parent = self.schemas[parent_model]
                vals[link] = self.create(env, parent, parent_vals)
            elif parent_vals:
                self.write(env, self.schemas[parent_model], [vals[link]], parent_vals)

    def _plan(self, schema: ModelSchema) -> RowPlan:
        """The schema's ``RowPlan``, built on its first create (and again after its fields change)."""
        return schema.prepared("create_plan", lambda: self._new_plan(schema))

    def _new_plan(self, schema: ModelSchema) -> RowPlan:
        use_datetime = self.profile().quirks.xmlrpc.use_datetime
        defaults: list[tuple[str, Any]] = []
        base = self._snapshot_constants(schema)
        late: list[tuple[str, Field, Any]] = []
        for name, default in self.profile().defaults.get(schema.name, {}).items():
            fld = schema.fields.get(name)
            if default is None or fld is None or not (fld.is_column or fld.type == "many2many"):
                continue
            if fld.extra.get("inherited"):
                continue
            if fld.type == "many2many" and all(isinstance(i, int) for i in default or []):
                default = [(SET, 0, list(default or []))]
            defaults.append((name, default))
            if fld.is_x2many or (column := _column_once(fld, default, use_datetime)) is PER_CREATE:
                late.append((name, fld, default))
            else:
                base[name] = column
        return RowPlan(defaults, base, late)

    def _snapshot_constants(self, schema: ModelSchema) -> dict[str, Any]:
        """The recorded values (``constants``) of the computed fields the simulator keeps in
        a column (``snapshot``), as stored: what every new record gets unless it was given one."""
        found = {}
        for name, value in self.profile().constants.get(schema.name, {}).items():
            fld = schema.fields.get(name)
            if fld is not None and fld.extra.get("snapshot"):
                found[name] = fld.recorded_column(value)
        return found

    def _with_defaults(self, plan: RowPlan, vals: dict) -> dict:
        """``vals`` with the recorded defaults of the fields it leaves out, as given values."""
        values = dict(vals)
        today = self.today()
        for name, default in plan.defaults:
            values.setdefault(name, dates.resolve(default, today))
        return values

    def _add_late_defaults(self, plan: RowPlan, vals: dict, row: dict, x2many: list) -> None:
        """``_split`` of the ``late`` defaults of the fields ``vals`` leaves out."""
        today = None
        for name, fld, default in plan.late:
            if name in vals:
                continue
            if fld.is_x2many:
                x2many.append((fld, default))
            else:
                today = today or self.today()
                row[name] = fld.to_column(dates.resolve(default, today), self.profile().quirks.xmlrpc.use_datetime)

    def _split(self, env: Env, schema: ModelSchema, vals: dict) -> tuple[dict, list]:
        """Column values for the row, x2many commands for after the insert."""
        row: dict[str, Any] = {}
        x2many: list[tuple[Field, Any]] = []
        use_datetime = self.profile().quirks.xmlrpc.use_datetime
        for name, value in vals.items():
            fld = schema.fields[name]
            if fld.is_x2many:
                x2many.append((fld, value))
            elif fld.is_column or fld.extra.get("snapshot"):
                row[name] = fld.to_column(value, use_datetime)
        return row, x2many

    def _check_required(self, schema: ModelSchema, row: dict, names: Any = None) -> None:
        for fld in schema.derived("required_columns"):
            if names is not None and fld.name not in names:
                continue
            if row.get(fld.name) is None:
                raise mandatory_field_error(
                    self.profile().quirks.orm.mandatory_field, schema.name, schema.meta.label, fld.name, fld.string
                )

    # -- write ------------------------------------------------------------

    def write(self, env: Env, schema: ModelSchema, ids: list[int], vals: dict) -> None:
        for parent_model, link in schema.meta.inherits.items():
            parent_vals = {k: vals.pop(k) for k in list(vals) if schema.fields[k].extra.get("inherited") == link}
            if parent_vals:
                links = self.reader.rows(env, schema, ids, [link])
                parent_ids = [r[link] for r in links.values() if r[link]]
                self.write(env, self.schemas[parent_model], parent_ids, parent_vals)
        translations.split_write(env, schema, ids, vals)
        row, x2many = self._split(env, schema, vals)
        self._check_required(schema, row, names=set(row))
        row.update(write_uid=env.uid, write_date=env.now())
        unchanged = self._cached_zeros(schema, ids, row)
        assignments = ", ".join(f'"{c}" = ?' for c in row)
        holders = ",".join("?" * len(ids))
        self.store.execute(
            f'UPDATE "{schema.table}" SET {assignments} WHERE id IN ({holders})',
            [*row.values(), *ids],
        )
        for column, kept in unchanged.items():
            self.store.execute(
                f'UPDATE "{schema.table}" SET "{column}" = NULL WHERE id IN ({",".join("?" * len(kept))})', kept
            )
        for fld, commands in x2many:
            self._x2many(env, schema, fld, ids, commands)
        self.recompute_related(env, schema, ids)
        self.recompute_stored(env, schema, ids)
        if schema.parent_name in vals:
            self._parent_paths(schema, ids)
        self._recompute_dependents(env, schema, ids, set(vals))

    def _cached_zeros(self, schema: ModelSchema, ids: list[int], row: dict) -> dict[str, list[int]]:
        """Records created in this same call are in Odoo's cache, where an empty number
        reads 0: writing 0 to them changes nothing (``Field.write`` drops values equal
        to the cached one), so their NULL stays (a contact's commercial fields synced
        from its company at create)."""
        zeros = [
            name
            for name, value in row.items()
            if value == 0 and name in schema.fields and schema.fields[name].type in ("integer", "float", "monetary")
        ]
        created = self.created(schema.name)
        fresh = [i for i in ids if i in created]
        if not zeros or not fresh:
            return {}
        columns = ", ".join(f'"{name}"' for name in zeros)
        rows = {
            r[0]: r[1:]
            for r in self.store.query(
                f'SELECT id, {columns} FROM "{schema.table}" WHERE id IN ({",".join("?" * len(fresh))})', fresh
            )
        }
        return {
            name: kept
            for n, name in enumerate(zeros)
            if (kept := [i for i, values in rows.items() if values[n] is None])
        }

    # -- unlink -----------------------------------------------------------

    def unlink(self, env: Env, schema: ModelSchema, ids: list[int]) -> None:
        holders = ",".join("?" * len(ids))
        store = self.store
        store.execute(f'DELETE FROM "{schema.table}" WHERE id IN ({holders})', ids)
        for other in self.schemas.values():
            for fname, (rel, col1, col2) in other.relations.items():
                fld = other.fields[fname]
                if other.name == schema.name:
                    store.execute(f'DELETE FROM "{rel}" WHERE "{col1}" IN ({holders})', ids)
                if fld.relation == schema.name:
                    store.execute(f'DELETE FROM "{rel}" WHERE "{col2}" IN ({holders})', ids)

    # -- x2many -------------------------------------------------------------

    def _x2many(
        self, env: Env, schema: ModelSchema, fld: Field, ids: list[int], commands: Any, fresh: bool = False
    ) -> None:
        """``commands`` on ``ids``; ``fresh`` records (just inserted) have no links to clear."""
        if commands is False or commands is None:
            commands = [(CLEAR, 0, 0)]
        elif commands and all(isinstance(c, int) for c in commands):
            commands = [(SET, 0, list(commands))]
        for command in commands:
            code = command[0]
            if code in (CREATE, UPDATE, DELETE):
                comodel = self._comodel(env, fld)
            if code == CREATE:
                values = dict(command[2] or {})
                if fld.type == "one2many":
                    for owner in ids:
                        self.create(env, comodel, {**values, fld.attrs["relation_field"]: owner})
                else:
                    new_id = self.create(env, comodel, values)
                    self._link(schema, fld, ids, [new_id])
            elif code == UPDATE:
                self.write(env, comodel, [command[1]], dict(command[2] or {}))
            elif code == DELETE:
                env[comodel.name].unlink([command[1]])
            elif code == UNLINK:
                self._unlink_relation(schema, fld, ids, [command[1]])
            elif code == LINK:
                self._link(schema, fld, ids, [command[1]])
            elif code == CLEAR and not fresh:
                self._unlink_relation(schema, fld, ids, None)
            elif code == SET:
                if not fresh:
                    self._unlink_relation(schema, fld, ids, None)
                self._link(schema, fld, ids, list(command[2] or []))

    def _comodel(self, env: Env, fld: Field) -> ModelSchema:
        """The comodel of an x2many command that makes, changes or deletes its records; a
        many2many to a model the simulator does not serve still links and unlinks ids."""
        comodel = self.schemas.get(fld.relation or "")
        if comodel is None:
            raise UserError(unserved_text(env.db, fld.relation or ""))
        return comodel

    def _link(self, schema: ModelSchema, fld: Field, ids: list[int], targets: list[int]) -> None:
        store = self.store
        if fld.type == "one2many":
            comodel = self.schemas[fld.relation or ""]
            inverse = fld.attrs["relation_field"]
            holders = ",".join("?" * len(targets))
            store.execute(f'UPDATE "{comodel.table}" SET "{inverse}" = ? WHERE id IN ({holders})', [ids[-1], *targets])
            return
        pairs = [(owner, target) for owner in ids for target in targets]
        if pairs:
            rel, col1, col2 = schema.m2m_table(fld)
            store.conn.executemany(f'INSERT OR IGNORE INTO "{rel}" ("{col1}", "{col2}") VALUES (?, ?)', pairs)

    def _unlink_relation(self, schema: ModelSchema, fld: Field, ids: list[int], targets: list[int] | None) -> None:
        store = self.store
        owners = ",".join("?" * len(ids))
        if fld.type == "one2many":
            comodel = self.schemas[fld.relation or ""]
            inverse = fld.attrs["relation_field"]
            sql = f'UPDATE "{comodel.table}" SET "{inverse}" = NULL WHERE "{inverse}" IN ({owners})'
            target_col = "id"
        else:
            rel, col1, target_col = schema.m2m_table(fld)
            sql = f'DELETE FROM "{rel}" WHERE "{col1}" IN ({owners})'
        params = list(ids)
        if targets is not None:
            sql += f' AND "{target_col}" IN ({",".join("?" * len(targets))})'
            params += targets
        store.execute(sql, params)

    # -- stored related fields --------------------------------------------------

    def recompute_related(self, env: Env, schema: ModelSchema, ids: list[int]) -> None:
        """Refresh stored related columns (e.g. 16's analytic line ``plan_id``)."""
        for fld in schema.derived("related_columns"):
            values = self.reader.field_values(env.sudo(), schema, _unstored(fld), ids, {}, "")
            self.store.conn.executemany(
                f'UPDATE "{schema.table}" SET "{fld.name}" = ? WHERE id = ?',
                [(fld.to_column(v, True) if v is not False else None, i) for i, v in values.items()],
            )

    def _parent_paths(self, schema: ModelSchema, ids: list[int]) -> None:
        """``_parent_store``: ``parent_path`` is the ids from the root down ("1/5/"),
        children following their parent."""
        fld = schema.fields.get("parent_path")
        if not schema.parent_name or fld is None or not fld.is_column:
            return
        store, table, parent = self.store, schema.table, schema.parent_name
        for record_id in ids:
            row = store.query(
                f'SELECT p.parent_path FROM "{table}" c LEFT JOIN "{table}" p ON p.id = c."{parent}" WHERE c.id = ?',
                (record_id,),
            )
            store.execute(
                f'UPDATE "{table}" SET parent_path = ? WHERE id = ?',
                (f"{row[0][0] or '' if row else ''}{record_id}/", record_id),
            )
            children = [r[0] for r in store.query(f'SELECT id FROM "{table}" WHERE "{parent}" = ?', (record_id,))]
            self._parent_paths(schema, children)

    def recompute_stored(self, env: Env, schema: ModelSchema, ids: list[int]) -> None:
        """Store what a model hook computes for a stored computed field (17's account
        ``internal_group``), so domains and ordering see it as Odoo's column holds it."""
        for fld in schema.derived("computed_columns"):
            compute = hooks.computed.get((schema.name, fld.name))
            if compute:
                values = compute(env.sudo(), ids)
                self.store.conn.executemany(
                    f'UPDATE "{schema.table}" SET "{fld.name}" = ? WHERE id = ?',
                    [(fld.to_column(v, True) if v is not False else None, i) for i, v in values.items()],
                )

    def _recompute_dependents(self, env: Env, schema: ModelSchema, ids: list[int], changed: set[str]) -> None:
        holders = ",".join("?" * len(ids))
        for other, fld in self.related_dependents(schema.name):
            link, target = fld.related
            if target not in changed:
                continue
            rows = self.store.query(f'SELECT id FROM "{other.table}" WHERE "{link}" IN ({holders})', ids)
            if rows:
                self.recompute_related(env, other, [r[0] for r in rows])


def _column_once(fld: Field, default: Any, use_datetime: bool) -> Any:
    """The column value of a recorded default, else ``PER_CREATE`` for one of a day token or
    one that does not convert."""
    if dates.resolve(default, ANY_DAY) != default:
        return PER_CREATE
    try:
        return fld.to_column(default, use_datetime)
    except Exception:  # whatever it raises, it raises on each create that uses it
        return PER_CREATE


@functools.lru_cache(maxsize=1024)
def _insert_sql(table: str, columns: tuple[str, ...]) -> str:
    """The INSERT of a row of ``columns``: creates make the same few column sets over and over."""
    names = ", ".join(f'"{c}"' for c in columns)
    return f'INSERT INTO "{table}" ({names}) VALUES ({",".join("?" * len(columns))})'


def _unstored(fld: Field) -> Field:
    """A copy of a stored related field that the reader follows instead of reading."""
    attrs = dict(fld.attrs, store=False)
    return Field(fld.name, attrs, model=fld.model)
