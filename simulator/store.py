"""SQLite storage for one simulated Odoo database.

Each XML-RPC call is one transaction (``with store.transaction()``): a call
that fails leaves nothing behind, as Odoo's cursor rollback does. Calls on one
database are serialised by a lock, which is what makes concurrent clients
safe. Id sequences live outside the transaction, like PostgreSQL sequences:
a rolled-back insert still consumes its id, so ids match a real server's.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

SEQUENCE_TABLE = "_sim_sequence"


class Store:
    """One SQLite database: tables per model, m2m relation tables, sequences."""

    def __init__(self, path: str = ":memory:") -> None:
        self.path = path
        self.conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self.conn.execute("PRAGMA case_sensitive_like = ON")
        self.conn.execute("PRAGMA journal_mode = WAL" if path != ":memory:" else "PRAGMA foreign_keys = OFF")
        self.lock = threading.RLock()
        self.conn.execute(f'CREATE TABLE IF NOT EXISTS "{SEQUENCE_TABLE}" (name TEXT PRIMARY KEY, value INTEGER)')
        self.sequences: dict[str, int] = self._saved_sequences()
        self._depth = 0

    def copy_from(self, other: Store) -> None:
        """Become a copy of ``other`` (SQLite's backup: pages, not rows), sequences included."""
        with other.lock:
            other.conn.backup(self.conn)
        self.sequences = self._saved_sequences()

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
        self.sequences = self._saved_sequences()

    def _saved_sequences(self) -> dict[str, int]:
        return dict(self.conn.execute(f'SELECT name, value FROM "{SEQUENCE_TABLE}"').fetchall())

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
            self._depth = 1
            self.conn.execute("BEGIN")
            try:
                yield
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            else:
                self.conn.execute("COMMIT")
            finally:
                self._depth = 0
                self._save_sequences()

    def execute(self, sql: str, params: Any = ()) -> sqlite3.Cursor:
        return self.conn.execute(sql, params)

    def query(self, sql: str, params: Any = ()) -> list[tuple]:
        return self.conn.execute(sql, params).fetchall()

    def next_id(self, table: str) -> int:
        """The next id of ``table``; never reused, even after a rollback."""
        with self.lock:
            current = self.sequences.get(table)
            if current is None:
                row = self.conn.execute(f'SELECT max(id) FROM "{table}"').fetchone()
                current = row[0] or 0
            self.sequences[table] = current + 1
            return current + 1

    def bump_sequence(self, table: str, at_least: int) -> None:
        self.sequences[table] = max(self.sequences.get(table, 0), at_least)

    def _save_sequences(self) -> None:
        self.conn.executemany(
            f'INSERT OR REPLACE INTO "{SEQUENCE_TABLE}" (name, value) VALUES (?, ?)',
            list(self.sequences.items()),
        )

    def columns(self, table: str) -> set[str]:
        return {row[1] for row in self.conn.execute(f'PRAGMA table_info("{table}")')}

    def create_table(self, table: str, columns: dict[str, str]) -> None:
        """Create ``table`` or add the columns it lacks (profiles may grow fields)."""
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
        self.conn.execute(f'CREATE INDEX IF NOT EXISTS "{table}__{column}" ON "{table}" ("{column}")')

    def close(self) -> None:
        self.conn.close()
