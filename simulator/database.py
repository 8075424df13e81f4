"""One simulated Odoo database: its profile, store, models, users and journal.

A new database holds what a fresh real Odoo of that version holds in the
served models (the profile's recorded seed), with Analytic Accounting
switched on, unless ``fresh`` asks for the state right after install.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import weakref
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from simulator import dates, hooks, xmlids
from simulator import models as _behaviours  # noqa: F401 - registers model hooks
from simulator.access import AccessRules
from simulator.domain import TERM_OPERATORS, Compiler, DomainDialect, register_functions
from simulator.errors import ServerError
from simulator.fields import Field
from simulator.grouping import Grouper
from simulator.hashing import matches, secret_hash
from simulator.memo import TableMemo
from simulator.models import apikeys
from simulator.orm import BaseModel, Env
from simulator.profile import (
    PHYSICAL,
    REGISTRY_MODELS,
    REMOVED,
    Profile,
    installable_modules,
    load_profile,
    module_recording,
)
from simulator.reader import Reader
from simulator.schema import ModelSchema, build_schemas, create_storage
from simulator.store import Store
from simulator.writer import Writer

DEFAULT_PASSWORD = "admin"
PASSWORD_TABLE = "_sim_password"
JOURNAL_TABLE = "_sim_journal"


class IncompatibleStore(ValueError):
    """A kept store (a ``--data`` file, a restored dump) this simulator cannot serve: one of
    another Odoo version, or one that holds no Odoo database at all."""


class Passwords:
    """Users' passwords, hashed in the database's own store as Odoo keeps them in a column no
    client reads: they follow the database through ``db.dump``, ``restore``, ``duplicate_database``
    and ``rename``, and a failed call rolls a change back. A user without one has ``admin``."""

    def __init__(self, store: Store) -> None:
        self.store = store
        store.execute(f'CREATE TABLE IF NOT EXISTS "{PASSWORD_TABLE}" (uid INTEGER PRIMARY KEY, hash TEXT)')

    def __setitem__(self, uid: int, password: str) -> None:
        with self.store.lock:
            self.store.execute(
                f'INSERT OR REPLACE INTO "{PASSWORD_TABLE}" (uid, hash) VALUES (?, ?)', (uid, secret_hash(password))
            )

    def check(self, uid: int, password: str) -> bool:
        rows = self.store.query(f'SELECT hash FROM "{PASSWORD_TABLE}" WHERE uid = ?', (uid,))
        return matches(password, rows[0][0] if rows else secret_hash(DEFAULT_PASSWORD))


@dataclass
class JournalEntry:
    """One mutating ORM call, committed or not (the forbidden-model audit trail)."""

    at: str
    model: str
    method: str
    ids: list[int]
    uid: int
    committed: bool = True

    def as_dict(self) -> dict[str, Any]:
        return {
            "time": self.at,
            "model": self.model,
            "method": self.method,
            "ids": self.ids,
            "uid": self.uid,
            "committed": self.committed,
        }


class Journal:
    """The mutating calls of a database, kept in its own store as Odoo keeps its logs in its
    database: a call's entries are written in the transaction of the call's changes (they are
    committed with them, or, marked rolled back, after the rollback), so they survive restarts and
    crashes, and follow the database where its data goes (rename, duplicate, dump and restore)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        #: the entries of the call in progress, settled by its transaction's end
        self.pending: list[JournalEntry] = []
        store.execute(
            f'CREATE TABLE IF NOT EXISTS "{JOURNAL_TABLE}" (position INTEGER PRIMARY KEY, '
            "at TEXT, model TEXT, method TEXT, ids TEXT, uid INTEGER, committed INTEGER)"
        )
        store.settlers.append(self.settle)

    def settle(self, committed: bool) -> None:
        """Write the pending entries (a ``Store`` settler: inside the transaction they belong to)."""
        self.store.conn.executemany(
            f'INSERT INTO "{JOURNAL_TABLE}" (at, model, method, ids, uid, committed) VALUES (?, ?, ?, ?, ?, ?)',
            [(e.at, e.model, e.method, json.dumps(e.ids), e.uid, committed) for e in self.pending],
        )
        self.pending = []

    def __iter__(self) -> Iterator[JournalEntry]:
        """Every settled entry, oldest first, as the store holds them."""
        for at, model, method, ids, uid, committed in self.store.query(
            f'SELECT at, model, method, ids, uid, committed FROM "{JOURNAL_TABLE}" ORDER BY position'
        ):
            yield JournalEntry(at, model, method, json.loads(ids), uid, bool(committed))


@dataclass
class Database:
    """State and behaviour of one database; every call runs in ``transaction()``."""

    name: str
    profile: Profile
    store: Store
    clock: Callable[[], dt.datetime] = field(default=lambda: _utcnow())
    lock: threading.RLock = field(default_factory=threading.RLock)

    def __post_init__(self) -> None:
        self.schemas: dict[str, ModelSchema] = build_schemas(self.profile)
        self.reader = Reader(self.schema, self.schemas.__contains__)
        self.writer = Writer(
            self.store,
            self.schemas,
            self.reader,
            lambda: self.profile,
            lambda: self.clock().date(),
            self.related_dependents,
            self.created_ids,
        )
        self.grouper = Grouper()
        register_functions(self.store.conn)
        self.compiler = Compiler(
            self.schema,
            self._dialect(),
            self.store.query,
            self._field_search,
            self.store.schema_state,
        )
        users = self.schemas["res.users"]
        self.access = AccessRules(
            self.store,
            users.relations[users.link_to("res.groups")],
            self.schemas["res.groups"].relations["implied_ids"],
        )
        self.passwords = Passwords(self.store)
        self.journal = Journal(self.store)
        self.pending_passwords: dict[str, str] = {}
        self._memos: dict[tuple[str, ...], TableMemo] = {}
        self._dependents: dict[str, list[tuple[ModelSchema, Field]]] | None = None
        # weakly: the connection would hold its database for ever (SQLite's functions are not seen by gc)
        rank = weakref.WeakMethod(self.recorded_rank)
        self.store.conn.create_function(
            "recorded_rank", 2, lambda model, record_id: rank()(model, record_id), deterministic=True
        )

    def recorded_rank(self, model: str, record_id: int | None) -> int | None:
        """Where a record of a model the simulator does not hold sorts (SQL ``recorded_rank``):
        its place in the recorded names, which the capture read in that model's ``_order``;
        ids it did not record sort after those, by id."""
        if record_id is None:
            return None
        ranks = self.profile.ranks.get(model, {})
        return ranks.get(record_id, len(ranks) + record_id)

    # -- schema ---------------------------------------------------------------

    def defaults(self, model: str) -> dict:
        """The recorded defaults of ``model``, days relative to today resolved on this clock."""
        today = self.clock().date()
        return {name: dates.resolve(value, today) for name, value in self.profile.defaults.get(model, {}).items()}

    def schema(self, model: str) -> ModelSchema:
        found = self.schemas.get(model)
        if found is None:
            raise KeyError(model)
        return found

    def model(self, env: Env, name: str) -> BaseModel:
        return BaseModel(env, self.schema(name))

    def related_dependents(self, model: str) -> list[tuple[ModelSchema, Field]]:
        """Stored related columns one hop from ``model`` (``link.field`` with ``link`` a
        many2one to it), indexed once: writes consult this on every call."""
        if self._dependents is None:
            index: dict[str, list[tuple[ModelSchema, Field]]] = {}
            for other in self.schemas.values():
                for fld in other.fields.values():
                    path = fld.related
                    link = other.fields.get(path[0]) if fld.is_column and path and len(path) == 2 else None
                    if link is not None and link.is_column and link.relation:
                        index.setdefault(link.relation, []).append((other, fld))
            self._dependents = index
        return self._dependents.get(model, [])

    def add_field(self, model: str, name: str, attrs: dict) -> Field:
        """Add a field at run time (Odoo 17+ plan columns), with its column."""
        schema = self.schema(model)
        fld = Field(name, attrs, model=model)
        schema.fields[name] = fld
        schema.changed()
        self._dependents = None
        create_storage(self.store, schema)
        return fld

    def copied(self, model: str, field_name: str) -> bool:
        return self.profile.copied.get((model, field_name), True)

    def copy_defaults(self, env: Env, schema: ModelSchema, row: dict) -> dict:
        """``"<value> (copy)"`` for the fields the model's own ``copy`` renames (profile
        ``copy_names``: res.partner's name, res.users' name and login...); the ORM's
        ``copy`` renames nothing (res.partner.category keeps its name)."""
        names = [n for n in schema.meta.copy_names if n in schema.fields]
        values = self.reader.read(env, schema, [row["id"]], names, "")[0] if names else {}
        return {n: f"{values[n]} (copy)" for n in names if isinstance(values.get(n), str)}

    # -- setup ----------------------------------------------------------------

    def install(self, fresh: bool) -> None:
        """Create tables and load the recorded seed (only into an empty store)."""
        copied = self.store.is_empty()
        if copied:  # the seeded template holds every table already
            self.store.copy_from(_installed(self.profile, fresh))
        else:
            self._check_version()
        demo = self._holds_demo()
        installed = self._installed_modules(demo)
        if installed != set(self.profile.modules) or demo != self.profile.demo:  # a kept database, a restored dump
            self._use_profile(load_profile(self.profile.version, tuple(sorted(installed)), demo))
            copied = False
        with self.store.transaction():
            if not copied:  # a kept file: the tables, columns and indexes a profile added since
                for schema in self.schemas.values():
                    create_storage(self.store, schema)
                self._index_fields()
            self._run_hooks()

    def _run_hooks(self) -> None:
        for hook in (*hooks.storage, *hooks.install):
            hook(self)

    def _check_version(self) -> None:
        """A kept store must hold a database of this profile's version, as base's ``latest_version``
        says (what Odoo reads to decide on an upgrade): the simulator serves one version's schema
        and behaviour, and migrates nothing."""
        odoo = self.store.query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'ir_module_module'")
        rows = odoo and self.store.query("SELECT latest_version FROM ir_module_module WHERE name = 'base'")
        if not rows or not rows[0][0]:
            raise IncompatibleStore("it holds no Odoo database")
        held = ".".join(str(rows[0][0]).split(".")[:2])
        if held != self.profile.version:
            raise IncompatibleStore(
                f"it holds an Odoo {held} database, not {self.profile.version} (serve it with --odoo-version {held})"
            )

    def _holds_demo(self) -> bool:
        """Whether this database was created with demo data (base's ir.module.module row says)."""
        rows = self.store.query("SELECT demo FROM ir_module_module WHERE name = 'base'")
        return bool(rows and rows[0][0])

    def _installed_modules(self, demo: bool) -> set[str]:
        """The recorded modules this database has installed (its ir.module.module rows)."""
        names = sorted(installable_modules(self.profile.version, demo))
        if not names:
            return set()
        return {
            name
            for (name,) in self.store.query(
                "SELECT name FROM ir_module_module WHERE state = 'installed' "
                f"AND name IN ({','.join('?' * len(names))})",
                names,
            )
        }

    def install_modules(self, names: list[str]) -> None:
        """``button_immediate_install`` of recorded modules: the profile with them, their tables
        and columns, and the rows their recording adds or changes. A record the database already
        holds keeps its values; it gets the module's new fields and many2many links, and the
        registry's own rows (ir.model, ir.module.module...) are the recorded ones."""
        known = {name: set(schema.fields) for name, schema in self.schemas.items()}
        self._use_profile(
            load_profile(self.profile.version, tuple(sorted({*self.profile.modules, *names})), self.profile.demo)
        )
        for schema in self.schemas.values():
            create_storage(self.store, schema)
        for name in names:
            seed = module_recording(self.profile.version, name, self.profile.demo)["seed"]
            for model, ids in seed.get(REMOVED, {}).items():
                self._remove_rows(self.schemas[model], ids)
            for model, rows in seed.items():
                if model in self.schemas and isinstance(rows, list):
                    self._merge_seed(self.schemas[model], rows, known.get(model, set()))
        self._index_fields()
        self._run_hooks()

    def _remove_rows(self, schema: ModelSchema, ids: list[int]) -> None:
        """Rows a recorded layer removes, with their many2many links (``_load_seed`` inserts both)."""
        pairs = [(i,) for i in ids]
        for rel, col1, _col2 in schema.relations.values():
            self.store.conn.executemany(f'DELETE FROM "{rel}" WHERE "{col1}" = ?', pairs)
        self.store.conn.executemany(f'DELETE FROM "{schema.table}" WHERE id = ?', pairs)

    def _use_profile(self, profile: Profile) -> None:
        """Serve ``profile`` from now on (the schemas object stays: reader and compiler hold it)."""
        self.profile = profile
        self.schemas.clear()
        self.schemas.update(build_schemas(profile))
        self._dependents = None

    def _merge_seed(self, schema: ModelSchema, rows: list[dict], known: set[str]) -> None:
        held = {i for (i,) in self.store.query(f'SELECT id FROM "{schema.table}"')}
        self._load_seed(schema, [row for row in rows if row["id"] not in held])
        registry = schema.name in REGISTRY_MODELS
        linked = {name for name, fld in schema.fields.items() if fld.type == "many2many"}
        for row in (row for row in rows if row["id"] in held):
            update = {
                name: value
                for name, value in row.items()
                if name != "id" and (registry or name not in known or name in linked)
            }
            self._load_seed(schema, [{"id": row["id"], **update}], replace=True)

    def load_seed(self, fresh: bool) -> None:
        """Tables and the recorded seed, as a fresh real database of the version holds them."""
        with self.store.transaction():
            for schema in self.schemas.values():
                create_storage(self.store, schema)
            for schema in self.schemas.values():
                self._load_seed(schema, self.profile.seed.get(schema.name, []))
            self._index_fields()
            if fresh:
                self._restore_fresh_groups()

    def _index_fields(self) -> None:
        """An index on each stored column Odoo indexes (its ``ir.model.fields`` row says ``index``:
        ``res.partner.ref``, ``complete_name``...), as the real database has it: a search on one reads
        the matching rows, not the whole table (many2one columns have theirs already)."""
        for model, name in self.store.query('SELECT model, name FROM ir_model_fields WHERE "index" AND store'):
            schema = self.schemas.get(model)
            fld = schema.fields.get(name) if schema else None
            if fld is not None and fld.is_column and not fld.extra.get("inherited"):
                self.store.create_index(schema.table, name)

    def _load_seed(self, schema: ModelSchema, rows: list[dict], replace: bool = False) -> None:
        """Insert recorded rows (``replace``: set their columns on the rows of the same id,
        adding their many2many links)."""
        for row in rows:
            columns: dict[str, Any] = {}
            for name, value in row.items():
                fld = schema.fields.get(name)
                if name in ("create_uid", "write_uid"):  # False (records made by SQL) is NULL
                    columns[name] = (value[0] if isinstance(value, list) else value) or None
                elif name in ("create_date", "write_date"):
                    columns[name] = value or None
                elif name in ("id", PHYSICAL):
                    columns[name] = value
                elif fld is None:
                    continue
                elif fld.type == "many2many" and name in schema.relations:
                    rel, col1, col2 = schema.relations[name]
                    self.store.conn.executemany(
                        f'INSERT OR IGNORE INTO "{rel}" ("{col1}", "{col2}") VALUES (?, ?)',
                        [(row["id"], target) for target in value],
                    )
                elif fld.extra.get("snapshot"):
                    columns[name] = fld.recorded_column(value)
                elif fld.is_column:  # null: a NULL column (a number reads 0)
                    columns[name] = None if value is None else fld.to_column(value, True)
            if replace:
                record_id = columns.pop("id")
                if columns:
                    assignments = ", ".join(f'"{c}" = ?' for c in columns)
                    self.store.execute(
                        f'UPDATE "{schema.table}" SET {assignments} WHERE id = ?', [*columns.values(), record_id]
                    )
                continue
            cols = ", ".join(f'"{c}"' for c in columns)
            self.store.execute(
                f'INSERT INTO "{schema.table}" ({cols}) VALUES ({",".join("?" * len(columns))})', list(columns.values())
            )
        recorded = self.profile.seed.get("sequences", {}).get(schema.table, 0)
        top = max([recorded, *(r["id"] for r in rows)])
        if top:
            self.store.bump_sequence(schema.table, top)

    def _restore_fresh_groups(self) -> None:
        """Undo the Analytic Accounting switch: group links as right after install."""
        groups = self.schemas["res.groups"]
        for row in self.profile.seed.get("fresh", {}).get("res.groups", []):
            for fname in ("implied_ids", groups.link_to("res.users")):
                rel, col1, col2 = groups.relations[fname]
                self.store.execute(f'DELETE FROM "{rel}" WHERE "{col1}" = ?', (row["id"],))
                self.store.conn.executemany(
                    f'INSERT OR IGNORE INTO "{rel}" ("{col1}", "{col2}") VALUES (?, ?)',
                    [(row["id"], target) for target in row[fname]],
                )

    # -- calls ------------------------------------------------------------------

    def journal_mutation(self, env: Env, model: str, method: str, ids: list[int]) -> JournalEntry:
        """Note a mutation as it starts; the call's transaction settles it (committed or not)."""
        entry = JournalEntry(env.now(), model, method, list(ids), env.uid)
        self.journal.pending.append(entry)
        return entry

    def created_ids(self, model: str) -> set[int]:
        """The ids of ``model`` the call in progress created (its journal, not settled yet)."""
        return {
            i for entry in self.journal.pending if entry.model == model and entry.method == "create" for i in entry.ids
        }

    def xmlid(self, module: str, name: str) -> int | None:
        """The record id behind ``module.name`` (its ir.model.data row)."""
        return self.remembered(("ir_model_data",), ("xmlid", module, name), lambda: xmlids.xmlid(self, module, name))

    def remembered(self, tables: tuple[str, ...], key: Any, compute: Callable[[], Any]) -> Any:
        """``compute()``, a read of ``tables`` only, kept under ``key`` until one of them is written
        (``TableMemo``): what every call reads again (xml ids of subtypes, a user's partner)."""
        memo = self._memos.get(tables)
        if memo is None:
            memo = self._memos[tables] = TableMemo(self.store, tables)
        return memo.get(key, compute)

    def check_password(self, uid: int, password: str) -> bool:
        """The user's password, or one of their API keys (``_check_credentials``)."""
        return self.passwords.check(uid, password) or apikeys.matches(self, uid, password)

    def _field_search(self, model: str, field_name: str, operator: str, value: Any) -> list | None:
        """The ``search=`` method of a field without a column, for domains (``hooks.searchers``)."""
        searcher = hooks.searchers.get((model, field_name))
        if searcher is None:
            return None
        return list(searcher(Env(self, 1, {}, su=True), operator, value))

    def _dialect(self) -> DomainDialect:
        quirks = self.profile.quirks.domain

        def syntax_error(domain: Any) -> Exception:
            return ServerError(quirks.syntax_error.type, quirks.syntax_error.text.format(domain=repr(domain)))

        return DomainDialect(
            TERM_OPERATORS + tuple(quirks.extra_operators),
            syntax_error,
            quirks.arity_error,
            dict(quirks.unsupported_operators),
            quirks.invalid_operator,
            quirks.unknown_field,
            engine=quirks.engine,
            paths=quirks.paths,
            null_values=quirks.null_values,
            name_search=quirks.name_search,
            negate_eq_if_value=quirks.negate_eq_if_value,
            translated_eq_if_value=quirks.translated_eq_if_value,
            hierarchy_archived=quirks.hierarchy_archived,
            any_field_domain=quirks.any_field_domain,
            empty_search_as_null=quirks.empty_search_as_null,
            translated_trigram={model: list(names) for model, names in quirks.translated_trigram.items()},
            auto_join={model: list(names) for model, names in quirks.auto_join.items()},
        )


_INSTALLED: dict[tuple[str, bool, bool], tuple[Profile, Store]] = {}
_INSTALLING: dict[tuple[str, bool, bool], threading.Lock] = {}
_LOCKS = threading.Lock()


def _installed(profile: Profile, fresh: bool) -> Store:
    """The seeded store of ``profile``, built once per process and copied into each new
    database: loading the registry's thousands of rows row by row takes 40 times longer.
    One lock per version and state, so versions served side by side do not wait on each other."""
    key = (profile.version, fresh, profile.demo)
    with _LOCKS:
        lock = _INSTALLING.setdefault(key, threading.Lock())
    with lock:
        cached = _INSTALLED.get(key)
        if cached is None or cached[0] is not profile:
            template = Database("template", profile, Store())
            template.load_seed(fresh)
            for hook in hooks.storage:
                hook(template)
            cached = _INSTALLED[key] = (profile, template.store)
        return cached[1]


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
