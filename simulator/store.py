"""SQLite storage for one simulated Odoo database.

Each XML-RPC call is one transaction (``with store.transaction()``): a call
that fails leaves nothing behind, as Odoo's cursor rollback does. Calls on one
database are serialised by a lock, which is what makes concurrent clients
safe. The file (``--data``) is the one source of truth, whatever instant a
crash comes at: an id is taken from its sequence row in the transaction of the
row it goes to, and what accompanies a commit (the journal) is written in the
same transaction (``settlers``). Like PostgreSQL's sequences, a rolled-back
insert still consumes its id, so ids match a real server's: the ids a rollback
used are written again after it, with what outlives the rollback.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

SEQUENCE_TABLE = "_sim_sequence"
#: A sequence moved to at least a value (a recorded one, or one a rolled-back transaction used).
ADVANCE = (
    f'INSERT INTO "{SEQUENCE_TABLE}" (name, value) VALUES (?, ?) '
    "ON CONFLICT (name) DO UPDATE SET value = max(value, excluded.value)"
)


class Store:
    """One SQLite database: tables per model, m2m relation tables, sequences."""

    def __init__(self, path: str = ":memory:") -> None:
        self.path = path
        self.conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self.conn.execute("PRAGMA case_sensitive_like = ON")
        self.conn.execute("PRAGMA journal_mode = WAL" if path != ":memory:" else "PRAGMA foreign_keys = OFF")
        self.lock = threading.RLock()
        self.conn.execute(f'CREATE TABLE IF NOT EXISTS "{SEQUENCE_TABLE}" (name TEXT PRIMARY KEY, value INTEGER)')
        self._depth = 0
        #: the last id of each table the transaction in progress took
        self._taken: dict[str, int] = {}
        #: called with True in each transaction just before its COMMIT, with False after a
        #: ROLLBACK (in a transaction of their own): what goes with a commit, or outlives a rollback
        self.settlers: list[Callable[[bool], None]] = []
        #: how many times the content was replaced whole (``copy_from``, ``run_script``): no trigger sees it
        self.replacements = 0
        #: ``PRAGMA schema_version`` as read in the SQLite transaction in progress (None: to be read)
        self._schema_version: int | None = None

    def copy_from(self, other: Store) -> None:
        """Become a copy of ``other`` (SQLite's backup: pages, not rows), sequences included."""
        with other.lock:
            other.conn.backup(self.conn)
            self.replacements += 1
            self._schema_version = None

    def script(self) -> str:
        """The whole database as one SQL script (``iterdump``): what ``db.dump`` zips as
        ``dump.sql``, sequences and passwords included."""
        with self.lock:
            return "\n".join(self.conn.iterdump()) + "\n"

    def run_script(self, script: str) -> None:
        """Load a ``script()`` into this (new) store, as ``psql -f dump.sql`` does;
        ``sqlite3.Error`` when it is not one."""
        with self.lock:
            self.conn.execute(f'DROP TABLE "{SEQUENCE_TABLE}"')  # the script creates it again
            self.conn.executescript(script)
            self.replacements += 1
            self._schema_version = None

    def is_empty(self) -> bool:
        """True until the first model table exists (a new file or memory database)."""
        row = self.conn.execute(
            "SELECT count(*) FROM sqlite_master WHERE type='table' AND name NOT LIKE '\\_%' ESCAPE '\\'"
        ).fetchone()
        return row[0] == 0

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Run the body atomically; nested uses join the outer transaction."""
        with self.lock:
            if self._depth:
                self._depth += 1
                try:
                    yield
                finally:
                    self._depth -= 1
                return
            self._depth, self._taken = 1, {}
            try:
                with self._atomic():
                    yield
                    self._settle(True)
            except BaseException:
                with self._atomic():  # what outlives the rollback
                    self.conn.executemany(ADVANCE, list(self._taken.items()))
                    self._settle(False)
                raise
            finally:
                self._depth = 0

    @contextmanager
    def _atomic(self) -> Iterator[None]:
        """One SQLite transaction: committed if the body returns, else rolled back."""
        self.conn.execute("BEGIN")
        self._schema_version = None
        try:
            yield
            self.conn.execute("COMMIT")
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise

    def _settle(self, committed: bool) -> None:
        for settle in self.settlers:
            settle(committed)

    def schema_version(self) -> int:
        """SQLite's ``schema_version``, which every table created, altered or dropped moves: read once per
        transaction, as the simulator changes its schema only through this class (``create_table``...), which
        forgets it; outside a transaction, read every time (anyone may have changed the schema in between)."""
        if self._depth and self._schema_version is not None:
            return self._schema_version
        (version,) = self.conn.execute("PRAGMA main.schema_version").fetchone()
        if self._depth:
            self._schema_version = version
        return version

    def schema_state(self) -> tuple[int, int]:
        """What moves whenever the content is replaced whole (``replacements``) or the schema changes
        (``schema_version``): what is built on the schema holds for one state."""
        return self.replacements, self.schema_version()

    def execute(self, sql: str, params: Any = ()) -> sqlite3.Cursor:
        return self.conn.execute(sql, params)

    def query(self, sql: str, params: Any = ()) -> list[tuple]:
        return self.conn.execute(sql, params).fetchall()

    def next_id(self, table: str) -> int:
        """The next id of ``table``, taken from its sequence row in the transaction in progress: the
        id and the row it goes to are committed together. Never reused, even after a rollback, and
        never behind the table's highest id (a file written before sequences were taken so may hold
        a sequence a crash left stale)."""
        with self.lock:
            (value,) = self.conn.execute(
                f'INSERT INTO "{SEQUENCE_TABLE}" (name, value) '
                f'VALUES (?, (SELECT coalesce(max(id), 0) + 1 FROM "{table}")) '
                "ON CONFLICT (name) DO UPDATE SET value = max(value + 1, excluded.value) RETURNING value",
                (table,),
            ).fetchone()
            if self._depth:
                self._taken[table] = value
            return value

    def bump_sequence(self, table: str, at_least: int) -> None:
        self.conn.execute(ADVANCE, (table, at_least))

    def columns(self, table: str) -> set[str]:
        return {row[1] for row in self.conn.execute(f'PRAGMA table_info("{table}")')}

    def create_table(self, table: str, columns: dict[str, str]) -> None:
        """Create ``table`` or add the columns it lacks (profiles may grow fields)."""
        self._schema_version = None
        existing = self.columns(table)
        if not existing:
            cols = ", ".join(f'"{name}" {kind}' for name, kind in columns.items() if name != "id")
            self.conn.execute(f'CREATE TABLE "{table}" (id INTEGER PRIMARY KEY{", " + cols if cols else ""})')
            return
        for name, kind in columns.items():
            if name not in existing:
                self.conn.execute(f'ALTER TABLE "{table}" ADD COLUMN "{name}" {kind}')

    def create_relation(self, table: str, col1: str, col2: str) -> None:
        """A many2many table; Odoo may share one between fields (other column pairs)."""
        self.create_table(table, {col1: "INTEGER", col2: "INTEGER"})
        self.conn.execute(
            f'CREATE UNIQUE INDEX IF NOT EXISTS "{table}__{col1}__{col2}" ON "{table}" ("{col1}", "{col2}")'
        )
        self.conn.execute(f'CREATE INDEX IF NOT EXISTS "{table}__{col2}" ON "{table}" ("{col2}")')

    def create_index(self, table: str, column: str) -> None:
        self._schema_version = None
        self.conn.execute(f'CREATE INDEX IF NOT EXISTS "{table}__{column}" ON "{table}" ("{column}")')

    def close(self) -> None:
        self.conn.close()
