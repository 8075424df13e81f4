"""Answers read from a few tables of one database, kept until one of those tables is written.

Every call checks the caller's access rules and groups, and a create looks up xml ids (message
subtypes) and the user's partner: each a query, sometimes a recursive one, whose answer changes
only when its tables are written. A ``TableMemo`` keeps such answers and forgets them all as soon
as one of its tables is written, however it is written (the ORM, a model hook, raw SQL): SQLite
triggers on those tables call back into it on every row inserted, updated or deleted. The triggers
are ``TEMP``: they live in the connection, not in the database, so dumps and copies never hold
them. The memo also forgets everything when a transaction rolls back (an answer read inside it
may have seen its writes) and when the store's content is replaced whole (``Store.copy_from``,
``run_script``: no trigger fires then), and it (re)creates its triggers whenever the schema
changed (a dropped table takes its triggers with it), which it learns once per transaction
(``Store.schema_version``).
"""

from __future__ import annotations

import itertools
import weakref
from collections.abc import Callable, Hashable, Iterable
from typing import TypeVar

from simulator.store import Store

T = TypeVar("T")
OPERATIONS = ("INSERT", "UPDATE", "DELETE")
_numbers = itertools.count(1)


class TableMemo:
    """Answers computed from ``tables`` of ``store``, by key, until one of the tables is written."""

    def __init__(self, store: Store, tables: Iterable[str]) -> None:
        self.store = store
        self.tables = tuple(tables)
        self.answers: dict[Hashable, object] = {}
        #: the store's content and schema the triggers were made for (None: to be made)
        self._watching: tuple[int, int] | None = None
        self._function = f"_sim_memo_{next(_numbers)}"
        # weakly: the connection would hold the memo (and its database) for ever
        forget = weakref.WeakMethod(self.forget)
        store.conn.create_function(self._function, 0, lambda: _call(forget))
        store.settlers.append(self._settled)

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The answer kept for ``key``, else ``compute()``'s, kept."""
        self._watch()
        try:
            return self.answers[key]  # type: ignore[return-value]
        except KeyError:
            answer = self.answers[key] = compute()
            return answer

    def forget(self) -> None:
        """Drop every kept answer (one of the tables was written)."""
        self.answers.clear()

    def _settled(self, committed: bool) -> None:
        """A ``Store`` settler: after a rollback, nothing read in the transaction holds, and the
        triggers made in it are gone."""
        if not committed:
            self.answers.clear()
            self._watching = None

    def _watch(self) -> None:
        """The triggers in place for the store as it is now (its content replaced whole or its
        schema changed since they were made: everything forgotten, the triggers made again)."""
        state = self.store.schema_state()
        if state == self._watching:
            return
        self.answers.clear()
        for table in self.tables:
            for operation in OPERATIONS:
                self.store.conn.execute(
                    f'CREATE TEMP TRIGGER IF NOT EXISTS "{self._function}_{table}_{operation.lower()}" '
                    f'AFTER {operation} ON main."{table}" BEGIN SELECT {self._function}(); END'
                )
        self._watching = state


def _call(method: weakref.WeakMethod) -> None:
    bound = method()
    if bound is not None:
        bound()
