"""ORM semantics: Odoo's public model methods over the SQLite store.

``BaseModel`` is named after Odoo's class on purpose: Python's own argument
errors (``BaseModel.search() got an unexpected keyword argument 'count'``)
then read exactly like a real server's. Protocol code never reaches in here
except through ``services.py``; per-model behaviour comes from ``hooks``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from simulator import export, hooks, translations, webmethods, xmlids
from simulator.domain import TRUE_LEAF, normalize_domain
from simulator.errors import (
    AccessError,
    ServerError,
    UserError,
    described_error,
    missing_record_error,
    type_error,
    value_error,
)
from simulator.fields import CLASSIC_READ, COLUMN_TYPES, MAGIC_COLUMNS, Field
from simulator.profile import PHYSICAL
from simulator.schema import ModelSchema

if TYPE_CHECKING:
    from simulator.database import Database

ORDER_RE = re.compile(
    r"^(\s*([a-z0-9:_]+|\"[a-z0-9:_]+\")(\.([a-z0-9_]+))?(\s+(desc|asc))?"
    r"(\s+nulls\s+(first|last))?\s*(,|$))+(?<!,)$",
    re.IGNORECASE,
)
WRITE_IGNORED = {"id", "create_uid", "create_date", "write_uid", "write_date", "parent_path"}
ACCESS_HEADS = {
    "read": "You are not allowed to access '{kind}' ({model}) records.",
    "write": "You are not allowed to modify '{kind}' ({model}) records.",
    "create": "You are not allowed to create '{kind}' ({model}) records.",
    "unlink": "You are not allowed to delete '{kind}' ({model}) records.",
}
SUPERUSER_ID = 1
#: The attributes ``fields_get`` describes in the context language (``_description_string``, ``_help``,
#: ``_selection``): asking for one evaluates ``env.lang``.
TRANSLATED_DESCRIPTIONS = ("string", "help", "selection")


@dataclass
class Env:
    """Who is calling, in which database, with which context."""

    db: Database
    uid: int
    context: dict = field(default_factory=dict)
    su: bool = False
    #: The web session of a ``/web/dataset`` call (None over XML-RPC and JSON-RPC): where
    #: ``@check_identity`` methods look for a recent password check.
    session: Any = None

    def __getitem__(self, model: str) -> BaseModel:
        return BaseModel(self, self.db.schema(model))

    def sudo(self) -> Env:
        return Env(self.db, self.uid, self.context, su=True, session=self.session)

    def now(self) -> str:
        return self.db.clock().strftime("%Y-%m-%d %H:%M:%S")


class BaseModel:
    """One model bound to one environment; methods mirror Odoo's signatures."""

    def __init__(self, env: Env, schema: ModelSchema) -> None:
        self.env = env
        self.schema = schema
        self._name = schema.name

    # -- helpers ----------------------------------------------------------

    @property
    def db(self) -> Database:
        return self.env.db

    @property
    def store(self):
        return self.env.db.store

    @property
    def table(self) -> str:
        return self.schema.table

    def _field(self, name: str, operation: str | None = None) -> Field:
        """The field, or Odoo's error for a name the model lacks, worded per operation
        where the version words it so (``create``, ``read``, ``write``)."""
        fld = self.schema.fields.get(name)
        if fld is None:
            if operation:
                texts = self.db.profile.quirks.orm.unknown_field
                raise described_error(getattr(texts, operation).format(field=name, model=self._name))
            raise value_error(f"Invalid field {name!r} on model {self._name!r}")
        return fld

    def check_access_mode(self, mode: str, records: bool = True) -> None:
        """Odoo's access check before an operation: the ACL (``ir.model.access``), its error when the
        user's groups don't allow ``mode``; then, for a search or for records (``records``; not for an
        ACL-only check such as ``check_access_rights``), the record rules as far as they show here: the
        language those of some models need (``translations.rules_need_lang``)."""
        if self.env.su or self.env.uid == SUPERUSER_ID:
            return
        if not self.db.access.allowed(self.env.uid, self._name, mode):
            translations.require_lang(self.env)  # _make_access_error's text is translated
            groups = "\n".join(f"\t- {g}" for g in self.db.access.group_names(self._name, mode))
            head = ACCESS_HEADS[mode].format(kind=self.schema.meta.label, model=self._name)
            info = (
                f"This operation is allowed for the following groups:\n{groups}"
                if groups
                else "No group currently allows this operation."
            )
            raise AccessError(f"{head}\n\n{info}\n\nContact your administrator to request access if necessary.")
        if records and translations.rules_need_lang(self.env, self._name):
            translations.require_lang(self.env)

    def _existing(self, ids: Iterable[int | str]) -> list[int]:
        """The ids that name a record; a string id ("1") names none (PostgreSQL finds
        row 1, but Odoo's record set holds the string, which no fetched id equals)."""
        ids = [i for i in dict.fromkeys(ids) if isinstance(i, int)]
        if not ids:
            return []
        rows = self.store.query(f'SELECT id FROM "{self.table}" WHERE id IN ({",".join("?" * len(ids))})', ids)
        found = {r[0] for r in rows}
        return [i for i in ids if i in found]

    def _ensure(self, ids: list[int | str]) -> None:
        self._check_id_types(ids)
        missing = [i for i in ids if i not in set(self._existing(ids))]
        if missing:
            raise missing_record_error(self._name, missing, self.env.uid)

    def _check_id_types(self, ids: list[int | str]) -> None:
        """16's ``_read`` refuses string ids naming existing rows (profile
        ``orm.string_ids``); 17+ just find no record for them."""
        if self.db.profile.quirks.orm.string_ids != "type_incoherence":
            return
        numeric = [int(i) for i in ids if isinstance(i, str) and i.strip().lstrip("-").isdigit()]
        extras = self._existing(numeric)
        if extras:
            missing = tuple(i for i in ids if i not in set(self._existing(ids)))
            raise AccessError(
                f"Database fetch misses ids ({missing!r}) and has extra ids ({tuple(extras)!r}), "
                "may be caused by a type incoherence in a previous request"
            )

    # -- search -------------------------------------------------------------

    def where_clause(self, domain: list) -> tuple[str, list]:
        """The SQL condition and parameters of ``domain`` on this model's table, as this
        environment searches (its ``active_test`` and language): Odoo's
        ``_where_calc(domain).where_clause``, for the reader and the grouper to query with."""
        active_test = self.env.context.get("active_test", True)
        return self.db.compiler.where(self.schema, domain or [], bool(active_test), translations.context_lang(self.env))

    def _order_by(self, order: str | None) -> str:
        order = order or self.schema.meta.order
        if not ORDER_RE.match(order):
            raise UserError(
                f'Invalid "order" specified ({order}). A valid "order" specification is a '
                "comma-separated list of valid field names (optionally followed by asc/desc "
                "for the direction)"
            )
        terms = []
        for part in order.split(","):
            words = part.split()
            name = words[0].strip('"')
            direction = " DESC" if len(words) > 1 and words[1].lower() == "desc" else ""
            if name == "id":
                terms.append(f'"{self.table}".id{direction}')
                continue
            fld = self._field(name)
            terms.append(self._order_term(fld, direction))
        terms.append(f'"{self.table}"."{PHYSICAL}" NULLS LAST')  # ties as PostgreSQL's index scan leaves them
        return ", ".join(terms)

    def _order_term(self, fld: Field, direction: str) -> str:
        """One ORDER BY term with PostgreSQL's NULL placement (last ascending, first
        descending); a many2one sorts by its comodel's own order, as Odoo joins it."""
        self._order_language(fld)
        if fld.type == "many2one" and fld.is_column:
            return ", ".join(self.m2o_order(fld, descending=bool(direction)))
        nulls = " NULLS FIRST" if direction else " NULLS LAST"
        return _coalesced(fld, self._order_key(fld)) + direction + nulls

    def m2o_order(self, fld: Field, descending: bool = False) -> list[str]:
        """The terms a many2one column sorts by: the comodel's ``_order``, followed through
        further many2ones (each once), every direction reversed for a descending sort."""
        return self._comodel_terms(fld, f'"{self.table}"."{fld.name}"', descending, frozenset())

    def _comodel_terms(self, fld: Field, id_sql: str, reverse: bool, seen: frozenset) -> list[str]:
        if fld.relation not in self.db.schemas:  # not held: its recorded names are in its _order
            return [f"recorded_rank('{fld.relation}', {id_sql})" + (" DESC NULLS FIRST" if reverse else " NULLS LAST")]
        comodel = self.db.schema(fld.relation or "")
        terms = []
        for part in comodel.meta.order.split(","):
            words = part.split()
            name = words[0].strip('"')
            descending = (len(words) > 1 and words[1].lower() == "desc") != reverse
            sub = comodel.fields.get(name)
            if sub is not None:
                self._order_language(sub)
            if name == "id" or sub is None or not sub.is_column:
                value = id_sql
            else:
                value = f'(SELECT c."{name}" FROM "{comodel.table}" c WHERE c.id = {id_sql})'
            if sub is not None and sub.type == "many2one" and sub.is_column and (comodel.name, name) not in seen:
                terms += self._comodel_terms(sub, value, descending, seen | {(comodel.name, name)})
            else:
                terms.append(_coalesced(sub, value) + (" DESC NULLS FIRST" if descending else " NULLS LAST"))
        return terms

    def _order_language(self, fld: Field) -> None:
        """A translated field sorts in the context language (``field.to_sql``): ``env.lang`` is evaluated."""
        if fld.attrs.get("translate"):
            translations.require_lang(self.env)

    def _order_key(self, fld: Field) -> str:
        if fld.is_column or fld.extra.get("snapshot"):
            return f'"{self.table}"."{fld.name}"'
        to_sql = hooks.field_sql.get((self._name, fld.name))
        sql = to_sql(self.env, self.table) if to_sql else None
        if sql:
            return sql
        link = fld.extra.get("inherited")
        if link:
            parent = self.db.schema(self.schema.fields[link].relation or "")
            return f'(SELECT p."{fld.name}" FROM "{parent.table}" p WHERE p.id = "{self.table}"."{link}")'
        return f'"{self.table}".id'

    def _search_ids(
        self, domain: list, offset: int = 0, limit: int | None = None, order: str | None = None
    ) -> list[int]:
        return [row[0] for row in self._search_rows(domain, offset, limit, order, ())]

    def _search_rows(
        self, domain: list, offset: int, limit: int | None, order: str | None, columns: Sequence[str]
    ) -> list[tuple]:
        """The found records' ids, in order, each followed by its stored ``columns`` (17.0's
        ``search_fetch``: the search and the read's columns in one query); a model whose search
        filters what SQL found (``hooks.search_filters``) fetches none."""
        self.check_access_mode("read")
        where, params = self.where_clause(domain)
        shown = hooks.search_filters.get(self._name)
        selected = "".join(f', "{self.table}"."{column}"' for column in ([] if shown else columns))
        sql = f'SELECT "{self.table}".id{selected} FROM "{self.table}" WHERE {where} ORDER BY {self._order_by(order)}'
        if shown:
            ids = shown(self.env, [r[0] for r in self.store.query(sql, params)])
            return [(i,) for i in ids[offset or 0 :][: limit or None]]
        if limit:
            sql += f" LIMIT {int(limit)}"
        if offset:
            sql += f"{'' if limit else ' LIMIT -1'} OFFSET {int(offset)}"
        return self.store.query(sql, params)

    def search(self, domain, offset=0, limit=None, order=None, count=False):
        if count:
            return self.search_count(domain, limit=limit)
        return self._search_ids(domain, offset or 0, limit, order)

    def search_count(self, domain, limit=None):
        if self._name in hooks.search_filters:  # "to be consistent with search()"
            return len(self._search_ids(domain, 0, limit))
        self.check_access_mode("read")
        where, params = self.where_clause(domain)
        sql = f'SELECT count(*) FROM (SELECT 1 FROM "{self.table}" WHERE {where}'
        sql += f" LIMIT {int(limit)})" if limit else ")"
        return self.store.query(sql, params)[0][0]

    def search_read(self, domain=None, fields=None, offset=0, limit=None, order=None, **read_kwargs):
        every = not fields and not self.db.profile.quirks.orm.search_read_virtual_fields
        names = (
            [n for n, f in self.schema.fields.items() if not f.virtual] if every else fields or list(self.schema.fields)
        )
        # fetched with the search when every name is a field (else read's checks fail after it, as before)
        fetch = type(names) is list and all(type(n) is str and n in self.schema.fields for n in names)
        columns = self.db.reader.stored_columns(self.schema, names) if fetch else []
        rows = self._search_rows(domain or [], offset or 0, limit, order, columns)
        unknown = sorted(set(read_kwargs) - {"load"})
        reader_name = self.db.profile.quirks.orm.search_read_reader
        if unknown and (rows or reader_name == "_read_format"):  # 16 answers [] before it reads
            raise type_error(f"BaseModel.{reader_name}() got an unexpected keyword argument {unknown[0]!r}")
        if not rows:
            return []
        context = {k: v for k, v in self.env.context.items() if k != "active_test"}
        reader = BaseModel(Env(self.db, self.env.uid, context, self.env.su), self.schema)
        if every:
            reader._check_field_access(None)
            fields = names
        fetched = self.db.reader.fetched(reader.env, self.schema, columns, rows) if columns else None
        # in the order of the search (each record once)
        return reader._read_ids([row[0] for row in rows], fields, fetched, **read_kwargs)

    # -- read ---------------------------------------------------------------

    def read(self, ids, fields=None, load=CLASSIC_READ):
        return self._read_ids(ids, fields, None, load)

    def _read_ids(self, ids: Any, fields: Any, fetched: dict[int, dict] | None, load: Any = CLASSIC_READ) -> list[dict]:
        """``read``, given the stored columns a search already ``fetched`` (``Reader.fetched``) or not."""
        plain = type(ids) is list and set(map(type, ids)) <= {int}  # no bool (an int to _as_ids) nor str
        ids = ids if plain else _as_ids(ids)
        self.check_access_mode("read", records=bool(ids))
        names = list(fields) if fields else list(self.schema.fields)
        self._check_field_access(names if fields else None)
        for name in names:
            self._field(name, "read")
        if not plain:  # string ids: the checks that meet them, then left out (they name no record)
            self._check_id_types(ids)
            self._check_sql_computes(ids, names)
            ids = [i for i in ids if isinstance(i, int)]
        return self.db.reader.read(self.env, self.schema, ids, names, load, fetched)

    def _check_sql_computes(self, ids: list[int | str], names: list[str]) -> None:
        """A compute that queries PostgreSQL with the ids as given (profile ``mail.sql_computes``)
        meets a string id there, if it comes before any field that fetches the stored columns
        (which find no record for the id): PostgreSQL refuses to compare text with an integer."""
        texts = [i for i in ids if isinstance(i, str)]
        computes = self.db.profile.quirks.mail.sql_computes
        first = next(
            (
                name
                for name in names
                if name in computes or name in ("id", "display_name") or self.schema.fields[name].is_column
            ),
            None,
        )
        if not texts or first not in computes:
            return
        array = ", ".join(f"'{text}'" for text in texts)
        raise ServerError(
            "psycopg2.errors.UndefinedFunction",
            "operator does not exist: integer = text\n"
            f"LINE 4:              WHERE res_id = any(ARRAY[{array}])\n"
            "                                  ^\n"
            "HINT:  No operator matches the given name and argument types. "
            "You might need to add explicit type casts.",
        )

    def _check_field_access(self, names: list[str] | None) -> None:
        """``check_field_access_rights``: fields of groups the user is not in (recorded as the
        admin met them) fault when asked for; a read of every field leaves them out, or on 19
        faults on the first."""
        restricted = self.db.profile.restricted.get(self._name, {})
        rules = self.db.profile.quirks.orm.field_access
        if not restricted or self.env.su:
            return
        if names is None:
            asked = list(restricted)[:1] if rules.full_read == "raise" else []
        else:
            asked = [name for name in names if name in restricted]
        if not asked:
            return
        listed = {"unique": sorted(set(asked)), "as_requested": asked, "first": asked[:1]}[rules.listing]
        text = rules.text.format(
            names=",".join(listed),
            model_label=self.schema.meta.label,
            model=self._name,
            operation="read",
            uid=self.env.uid,
            groups=restricted[listed[0]],
            lines="\n".join(f"- {name} ({restricted[name]})" for name in sorted(listed)),
        )
        if not self.db.access.has_group(self.env.uid, self.db.xmlid("base", "group_no_one") or 0):
            text = text.split("\nUser:")[0]
        raise AccessError(text)

    def display_names(self, ids: list[int]) -> dict[int, str]:
        return self.db.reader.display_names(self.env, self.schema, ids)

    def name_get(self, ids):
        """16/17: a missing record (or a string id) is a MissingError, as reading
        ``display_name`` of it is."""
        ids = _as_ids(ids)
        self.check_access_mode("read")
        self._ensure(ids)
        names = self.display_names(self._existing(ids))
        return [[i, names[i]] for i in ids if i in names]

    def exists(self, ids):
        return self._existing(_as_ids(ids))

    def fields_get_keys(self):
        """16.0: ``list(self._fields)``: every field, those of groups the user lacks too, in the
        order the registry reflected them (its ir.model.fields ids)."""
        rows = self.db.store.query("SELECT name FROM ir_model_fields WHERE model = ? ORDER BY id", (self._name,))
        return [row[0] for row in rows]

    # -- archiving (``active``): each answers None, which XML-RPC cannot marshal: the change
    # -- is committed and the caller gets "cannot marshal None", as from every real version

    def toggle_active(self, ids):
        """Archive the active records, restore the archived ones."""
        ids = self._existing(_as_ids(ids))
        active = set(self._search_ids([("id", "in", ids)], 0, None, None))
        for value, group in ((False, [i for i in ids if i in active]), (True, [i for i in ids if i not in active])):
            if group:
                self.write(group, {"active": value})

    def action_archive(self, ids):
        self.toggle_active(self._search_ids([("id", "in", _as_ids(ids))], 0, None, None))

    def action_unarchive(self, ids):
        archived = self._search_ids([("id", "in", _as_ids(ids)), ("active", "=", False)], 0, None, None)
        self.toggle_active(archived)

    def name_search(self, name="", args=None, operator="ilike", limit=100):
        ids = self.name_search_ids(name, operator, args or [], limit)
        names = self.display_names(ids)
        return [[i, names[i]] for i in ids]

    def name_search_ids(self, name: str, operator: str, domain: list, limit: int | None) -> list[int]:
        """Odoo's ``_name_search``: the name on every ``_rec_names_search`` field, ANDed
        with the extra domain; an empty name with a like operator matches everything."""
        search_fields = [f for f in self.schema.meta.rec_names_search if f in self.schema.fields]
        if not name and operator in ("ilike", "like", "=like", "=ilike"):
            return self._search_ids(list(domain), 0, limit)
        joiner = "&" if operator in ("!=", "not like", "not ilike", "not in") else "|"
        leaves: list = [self._field_search(f, operator, name) for f in search_fields]
        name_domain = [joiner] * (len(leaves) - 1) + [term for leaf in leaves for term in leaf]
        if domain:
            name_domain = ["&", *name_domain, *normalize_domain(list(domain), self.db.compiler.dialect)]
        return self._search_ids(name_domain, 0, limit)

    def _field_search(self, name: str, operator: str, value: Any) -> list:
        """One normalized condition on a field: its ``search=`` method when it has no column."""
        searcher = hooks.searchers.get((self.schema.name, name))
        if searcher is None:
            return [(name, operator, value)]
        return normalize_domain(list(searcher(self.env, operator, value)), self.db.compiler.dialect) or [TRUE_LEAF]

    def name_create(self, name):
        rec_name = self.schema.meta.rec_name or "name"
        new_id = self.create({rec_name: name})
        return [new_id, self.display_names([new_id])[new_id]]

    def fields_get(self, allfields=None, attributes=None):
        result = {}
        for name, fld in self.schema.fields.items():
            if allfields and name not in allfields:
                continue
            attrs = dict(fld.attrs)
            if attributes:
                attrs = {k: v for k, v in attrs.items() if k in attributes}
            result[name] = attrs
        if any(attrs.get(key) for attrs in result.values() for key in TRANSLATED_DESCRIPTIONS):
            translations.require_lang(self.env)
        hooks.run(hooks.fields_get, self._name, self.env, result)
        return result

    def default_get(self, fields_list):
        recorded = self.db.defaults(self._name)
        return {name: recorded[name] for name in fields_list if name in recorded}

    # -- access -------------------------------------------------------------

    def check_access_rights(self, operation, raise_exception=True):
        allowed = self.env.su or self.db.access.allowed(self.env.uid, self._name, operation)
        if not raise_exception:
            return bool(allowed)
        self.check_access_mode(operation, records=False)
        return None if self.db.profile.quirks.methods.check_access_rights_returns_none else True

    def has_access(self, ids, operation):
        return bool(self.env.su or self.db.access.allowed(self.env.uid, self._name, operation))

    def check_access(self, ids, operation):
        self.check_access_mode(operation, records=bool(_as_ids(ids)))

    def check_access_rule(self, ids, operation):
        return None

    # -- create / write / unlink ---------------------------------------------

    def create(self, vals_list):
        single = isinstance(vals_list, dict)
        batch = [vals_list] if single else list(vals_list)
        self.check_access_mode("create")
        entry = self.db.journal_mutation(self.env, self._name, "create", [])
        ids = entry.ids
        for vals in batch:  # the journal keeps the ids of a batch that failed half-way
            ids.append(self.db.writer.create(self.env, self.schema, dict(vals), hooked=True))
        hooks.run(hooks.after_create, self._name, self.env, ids, batch)
        return ids[0] if single else list(ids)

    def write(self, ids, vals):
        ids = _as_ids(ids)
        self.check_access_mode("write", records=bool(ids))
        self._ensure(ids)
        vals = {k: v for k, v in dict(vals).items() if k not in WRITE_IGNORED}
        for name in vals:
            self._field(name, "write")
        self.db.journal_mutation(self.env, self._name, "write", ids)
        hooks.run(hooks.before_write, self._name, self.env, ids, vals)
        self.db.writer.write(self.env, self.schema, ids, vals)
        hooks.run(hooks.after_write, self._name, self.env, ids, vals)
        return True

    def unlink(self, ids):
        ids = _as_ids(ids)
        self.check_access_mode("unlink", records=bool(ids))
        self._ensure(ids)
        self.db.journal_mutation(self.env, self._name, "unlink", ids)
        override = hooks.unlink_overrides.get(self._name)
        if override:
            override(self.env, ids, lambda: self.db.writer.unlink(self.env, self.schema, ids))
        else:
            self.db.writer.unlink(self.env, self.schema, ids)
        return True

    def copy(self, ids, default=None):
        ids = _as_ids(ids)
        self._ensure(ids[:1])
        links = set(self.schema.meta.inherits.values())  # copy_data: a new parent, never the same one
        copyable = [
            f.name
            for f in self.schema.fields.values()
            if (
                f.is_column
                or (f.extra.get("inherited") and f.type in COLUMN_TYPES)
                or (f.type == "many2many" and f.stored and f.relation in self.db.schemas)
            )
            and f.name not in MAGIC_COLUMNS
            and f.name not in links
            and self.db.copied(self._name, f.name)
        ]
        row = self.read(ids[:1], copyable, load="")[0]
        vals = {
            k: ([[6, 0, v]] if self.schema.fields[k].type == "many2many" else v) for k, v in row.items() if k != "id"
        }
        vals.update(self.db.copy_defaults(self.env, self.schema, row))
        vals.update(default or {})
        new_id = self.create(vals)
        return [new_id] if self.db.profile.quirks.methods.copy_returns_list else new_id

    # -- metadata, export, web client ---------------------------------------------

    def get_metadata(self, ids):
        """Who created and last changed each record, and its xml ids (the oldest first)."""
        rows = self.read(ids, ["create_uid", "create_date", "write_uid", "write_date"])
        found = xmlids.external_ids(self.env, self._name, [row["id"] for row in rows])
        for row in rows:
            pairs = found.get(row["id"], [])
            main = pairs[0] if pairs else (False, False)
            row.update(
                xmlid=main[0],
                noupdate=main[1],
                xmlids=[{"xmlid": name, "noupdate": noupdate} for name, noupdate in pairs],
            )
        return rows

    def get_external_id(self, ids):
        """``{id: 'module.name' or ''}``: int keys, which XML-RPC cannot marshal (every version)."""
        ids = _as_ids(ids)
        found = xmlids.external_ids(self.env, self._name, [i for i in ids if isinstance(i, int)])
        return {i: found[i][0][0] if found.get(i) else "" for i in ids}

    def get_xml_id(self, ids):
        """16.0's deprecated alias of ``get_external_id``."""
        return self.get_external_id(ids)

    def export_data(self, ids, fields_to_export):
        return export.export_data(self, _as_ids(ids), fields_to_export)

    def web_read(self, ids, specification):
        return webmethods.web_read(self, _as_ids(ids), specification)

    def web_search_read(self, domain, specification, offset=0, limit=None, order=None, count_limit=None):
        return webmethods.web_search_read(self, domain, specification, offset, limit, order, count_limit)

    def onchange(self, ids, values, field_names, fields_spec):
        return webmethods.onchange(self, dict(values), field_names, fields_spec)

    def get_views(self, views, options=None):
        raise UserError(_unserved_method(self, "get_views"))

    def fields_view_get(self, view_id=None, view_type="form", toolbar=False, submenu=False):
        raise UserError(_unserved_method(self, "fields_view_get"))

    def load_views(self, views, options=None):
        raise UserError(_unserved_method(self, "load_views"))

    # -- read_group ------------------------------------------------------------

    def read_group(self, domain, fields, groupby, offset=0, limit=None, orderby=False, lazy=True):
        self.check_access_mode("read")
        return self.db.grouper.read_group(self, domain, fields, groupby, offset, limit, orderby, lazy)

    def formatted_read_group(self, domain, groupby=(), aggregates=(), having=(), offset=0, limit=None, order=None):
        self.check_access_mode("read")
        return self.db.grouper.formatted_read_group(self, domain, groupby, aggregates, having, offset, limit, order)


def _as_ids(ids: Any) -> list[int | str]:
    """The record ids of a call, as Odoo's ``browse`` keeps them: a string id stays a
    string (it then names no record, see ``_existing``)."""
    if isinstance(ids, bool):
        return []
    if isinstance(ids, (int, str)):
        return [ids]
    if isinstance(ids, (list, tuple)):
        return [i if isinstance(i, str) else int(i) for i in ids]
    raise ServerError("TypeError", f"'{type(ids).__name__}' object is not iterable")


def _unserved_method(model: BaseModel, method: str) -> str:
    """Views live in ir.ui.view, which the simulator does not hold: it says so rather than
    answer a made-up arch."""
    return (
        f"{model._name}.{method} exists in Odoo {model.db.profile.version} but the odoo-harness simulator "
        "does not serve views (README: The simulator, ORM methods)"
    )


def _coalesced(fld: Field | None, sql: str) -> str:
    """A boolean sorts with NULL as False (``COALESCE(%s, FALSE)`` in every version)."""
    return f"COALESCE({sql}, 0)" if fld is not None and fld.type == "boolean" else sql
