"""The ledger: idempotency state, the sync log and per-tenant sync locks.

SQLAlchemy over SQLite (default, a file) or PostgreSQL (``postgresql://``); the
schema is created and upgraded by alembic migrations (``harness/engine/migrations``).

An idempotency key ``tenant:entity:entity_id:operation`` is ``pending`` before its
call is sent, ``succeeded`` with the Odoo id once the answer came back, or
``failed`` with the error. A key left ``pending`` means the outcome is unknown (the
answer was lost, or the process died): the next sync settles it by reading Odoo back,
never by guessing.

A call's ``sync_log`` row is written ``sending`` before the request goes out and completed
(``sent``, status, size, latency) once it is answered, so a process killed while waiting
still leaves the row of a call Odoo may have run; the next sync of the tenant marks such rows
``sent`` with ``ANSWER_UNKNOWN``.

Each sync is a ``sync_run`` row (started, ended, outcome, calls, writes, the error), and every
call sent while it runs names it (``sync_log.run_id``, looked up in the insert itself, so any
client writing for the tenant is counted). A call whose answer was lost and whose effect the
engine then found in Odoo by reading it back is marked ``recovered``: it stays one row, ``sent``.

What each Odoo answered about itself is kept too, so that a re-sync need not ask again: the
``fields_get`` answers per server and version answer (``odoo_server``), and each tenant's last
login (``odoo_login``: its uid and the version answer it was got against, no secret).

A failure of the database itself (unreachable, refused, read-only, damaged, locked) raises
``LedgerError``: one line naming the ledger (its password hidden) and what went wrong.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import multiprocessing.util
import os
import re
import shutil
import sqlite3
import tempfile
import threading
from collections.abc import Iterable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.exc import IntegrityError

from harness.engine.lockowner import LockOwner
from harness.errors import HarnessError

MIGRATIONS = Path(__file__).parent / "migrations"
PENDING, SUCCEEDED, FAILED = "pending", "succeeded", "failed"
#: A sync_log row's outcome while its call is on its way, and once answered.
SENDING, SENT = "sending", "sent"
#: The error of a row left ``sending`` by a process that died before the answer came.
ANSWER_UNKNOWN = (
    "no answer recorded: the process sending it stopped (killed or crashed) before the answer came; "
    "Odoo may have run it"
)
#: A sync run's outcome: while it runs, and once it ended.
RUNNING, OK = "running", "ok"
#: The error of a run left ``running`` by a process that died: the next sync of the tenant ends it so.
RUN_STOPPED = "the sync stopped before it ended (killed or crashed); the next sync settled what it left"
#: A call the dashboard calls a problem: refused by the guard, or sent and failed (recovered ones too).
#: The same text as migration 0006's partial index, so the database answers it from that index.
PROBLEM = sa.text("outcome = 'refused' OR (outcome = 'sent' AND error IS NOT NULL)")
#: How long a SQLite ledger waits for another process's write lock before it says so (seconds).
BUSY_TIMEOUT = 5.0
#: The failures of a statement, not of the database: conflicts the caller handles, or bugs.
STATEMENT_ERRORS = (sa.exc.IntegrityError, sa.exc.ProgrammingError, sa.exc.DataError)

#: alembic keeps its migration context in module globals: one migration at a time per process.
_MIGRATING = threading.Lock()

#: The tables the migrations created (harness/engine/migrations owns the schema).
TABLES = ("idempotency", "sync_log", "sync_lock", "odoo_server", "odoo_login", "sync_run")


class SyncLocked(HarnessError, RuntimeError):
    """Another sync of the same tenant holds the lock."""


class LedgerError(HarnessError, RuntimeError):
    """The ledger database cannot be used: the message names it (never its password) and why."""


@dataclass(frozen=True)
class KeyState:
    key: str
    status: str
    odoo_id: int | None
    error: str | None


@dataclass(frozen=True)
class PendingKey:
    """A key left ``pending``: what the next sync needs to settle it."""

    key: str
    entity_id: str
    operation: str
    model: str | None
    odoo_id: int | None
    #: what its write sent (None for a create, or a key written before they were kept)
    sent_values: dict | None


@dataclass(frozen=True)
class KeptLogin:
    """A tenant's last login: where, as whom, on which wire, the uid it got, and the server's
    ``common.version()`` answer it got it against (no secret: the uid alone lets nobody in)."""

    url: str
    db: str
    login: str
    api: str
    uid: int
    server: dict


@dataclass(frozen=True)
class LogRow:
    """One sync_log row: a call sending or sent, or an operation refused or skipped."""

    tenant: str
    entity: str
    operation: str
    idempotency_key: str | None
    outcome: str  # sending | sent | refused | skipped
    http_status: int | None = None
    response_size: int | None = None
    latency_ms: float | None = None
    error: str | None = None
    model: str | None = None
    method: str | None = None


def engine_url(url: str) -> str:
    """``postgresql://`` means psycopg 3 here. Anything that is not a URL is refused: a bare word
    (``--ledger notaurl``) is a mistake far more often than a SQLite file meant to be made."""
    if "://" not in url:
        raise LedgerError(f"ledger {shown_url(url)!r}: not a ledger URL (sqlite:///FILE or postgresql://USER@HOST/DB)")
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


class Ledger:
    """One ledger database, shared by every tenant and by concurrent syncs."""

    def __init__(
        self,
        url: str = "sqlite:///odoo-harness.sqlite",
        clock: type[dt.datetime] = dt.datetime,
        *,
        migrated: bool = False,
        engine: sa.Engine | None = None,
    ) -> None:
        """``migrated``: the database is known to be at the newest revision (a copy of a migrated
        ledger, ``new_sqlite_ledger``), so opening it asks nothing of it. ``engine``: one made by
        ``new_engine`` whose connections open ``url`` (``new_sqlite_ledger`` hands one on)."""
        self.url = engine_url(url)
        self.shown = shown_url(url)
        self.clock = clock
        self.engine = engine or new_engine(self.url)
        sa.event.listen(self.engine, "handle_error", self._unusable)
        if not migrated:
            migrate(self.engine)
        self.idempotency, self.sync_log, self.sync_lock, self.odoo_server, self.odoo_login, self.sync_run = reflected(
            self.engine, TABLES
        )
        self._statements = _statements(self.idempotency, self.sync_log, self.sync_lock, self.sync_run)

    def now(self) -> dt.datetime:
        return self.clock.now(dt.UTC).replace(tzinfo=None)

    def close(self) -> None:
        """Done with the ledger: its pooled connections are closed, and its engine no longer reports
        errors in its name (``new_sqlite_ledger`` may hand the engine to a later ledger)."""
        sa.event.remove(self.engine, "handle_error", self._unusable)
        self.engine.dispose()

    def _unusable(self, context: sa.engine.ExceptionContext) -> None:
        """SQLAlchemy's ``handle_error`` hook: a failure of the database itself becomes one
        ``LedgerError`` line wherever it happens (opening, migrating, any read or write, the health
        store and the admin pages on this engine alike). Statement failures pass unchanged."""
        error = context.sqlalchemy_exception
        if not isinstance(error, sa.exc.DBAPIError) or isinstance(error, STATEMENT_ERRORS):
            return
        raise LedgerError(f"ledger {self.shown}: {self._reason(context.original_exception)}") from None

    def _reason(self, error: BaseException) -> str:
        """The driver's first line, without the password; a lock held elsewhere says so."""
        text = " ".join(str(error).split("\n")[0].split())
        password = self.engine.url.password
        if password:
            text = text.replace(str(password), "***")
        if "database is locked" in text:
            return (
                f"{text}: another process has held its write lock for over {BUSY_TIMEOUT:g} s "
                "(a sync, a health round, or a tool with the file open)"
            )
        return text

    # -- idempotency ----------------------------------------------------------------

    def states(self, keys: Iterable[str]) -> dict[str, KeyState]:
        with self.engine.connect() as conn:
            return {row.key: KeyState(row.key, row.status, row.odoo_id, row.error) for row in self._keys(conn, keys)}

    def _keys(self, conn: sa.Connection, keys: Iterable[str]) -> Iterator[sa.Row]:
        """The idempotency rows of ``keys`` that exist, read 500 keys a statement."""
        for chunk in _chunks(list(keys), 500):
            yield from conn.execute(self._statements.keys_in, {"keys": chunk})

    def mark(
        self,
        entries: Iterable[tuple[str, str | None, int | None]],
        status: str,
        model: str | None = None,
        sent_values: dict | None = None,
    ) -> None:
        """Set ``(key, error, odoo_id)`` entries to ``status`` (insert or update; a key given twice
        ends as its last entry says). ``sent_values``: what their write sends, kept so that a key
        whose answer is lost can be settled later. One transaction, and one statement for the keys
        already there and one for the new ones, however many: a batch marks hundreds of keys."""
        common = {"status": status, "updated_at": self.now(), "odoo_model": model}
        if sent_values is not None:
            common["sent_values"] = json.dumps(sent_values, sort_keys=True)
        values = {key: {"error": error, "odoo_id": odoo_id, **common} for key, error, odoo_id in entries}
        with self.engine.begin() as conn:
            known = {row.key for row in self._keys(conn, values)}
            updates = [{"key_marked": key, **row} for key, row in values.items() if key in known]
            inserts = [
                {"key": key, **dict(zip(KEY_PARTS, split_key(key), strict=True)), **row}
                for key, row in values.items()
                if key not in known
            ]
            if updates:
                conn.execute(self._statements.key_update, updates)
            if inserts:
                conn.execute(sa.insert(self.idempotency), inserts)

    def pending_keys(self, tenant: str, entity: str) -> list[PendingKey]:
        """The ``entity`` keys of ``tenant`` still ``pending``: left by a sync that stopped."""
        with self.engine.connect() as conn:
            return [
                PendingKey(
                    row.key,
                    row.entity_id,
                    row.operation,
                    row.odoo_model,
                    row.odoo_id,
                    json.loads(row.sent_values) if row.sent_values else None,
                )
                for row in conn.execute(self._statements.pending, {"of_tenant": tenant, "of_entity": entity})
            ]

    def write_revisions(self, tenant: str, model: str) -> dict[int, int]:
        """Per record id, how many of our writes to it succeeded: the revision an update
        key is made over."""
        with self.engine.connect() as conn:
            rows = conn.execute(self._statements.revisions, {"of_tenant": tenant, "of_model": model})
            return {odoo_id: count for odoo_id, count in rows}

    def tenant_keys(self, tenant: str) -> list[dict]:
        """Every idempotency key of ``tenant``, for a cassette to carry the state its sync
        started from."""
        c = self.idempotency.c
        query = (
            sa.select(c.key, c.status, c.odoo_id, c.error, c.odoo_model.label("model"))
            .where(c.tenant == tenant)
            .order_by(c.key)
        )
        with self.engine.connect() as conn:
            return [dict(row._mapping) for row in conn.execute(query)]

    # -- what each Odoo answered about itself -----------------------------------------

    def server_fields(self, url: str, db: str, server_version: str) -> dict | None:
        """The fields_get answers kept for this server and version answer, or None."""
        c = self.odoo_server.c
        with self.engine.connect() as conn:
            found = conn.execute(
                sa.select(c.fields).where(c.url == url, c.db == db, c.server_version == server_version)
            ).scalar()
        return json.loads(found) if found else None

    def remember_server_fields(self, url: str, db: str, server_version: str, fields: dict) -> None:
        c = self.odoo_server.c
        where = (c.url == url, c.db == db, c.server_version == server_version)
        values = {"fields": json.dumps(fields, sort_keys=True), "updated_at": self.now()}
        with self.engine.begin() as conn:
            if not conn.execute(sa.update(self.odoo_server).where(*where).values(**values)).rowcount:
                conn.execute(
                    sa.insert(self.odoo_server).values(url=url, db=db, server_version=server_version, **values)
                )

    def servers(self, url: str, db: str) -> list[dict]:
        """Every version answer kept for one server database, for a cassette to carry."""
        c = self.odoo_server.c
        query = sa.select(c.server_version, c.fields).where(c.url == url, c.db == db).order_by(c.server_version)
        with self.engine.connect() as conn:
            return [
                {"server_version": row.server_version, "fields": json.loads(row.fields)} for row in conn.execute(query)
            ]

    # -- each tenant's last login -------------------------------------------------------

    def kept_login(self, tenant: str) -> KeptLogin | None:
        c = self.odoo_login.c
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(c.url, c.db, c.login, c.api, c.uid, c.server).where(c.tenant == tenant)
            ).first()
        return None if row is None else KeptLogin(row.url, row.db, row.login, row.api, row.uid, json.loads(row.server))

    def remember_login(self, tenant: str, url: str, db: str, login: str, api: str, uid: int, server: dict) -> None:
        """Keep ``tenant``'s login (one per tenant: a later login replaces it)."""
        c = self.odoo_login.c
        values = {
            "url": url,
            "db": db,
            "login": login,
            "api": api,
            "uid": uid,
            "server": json.dumps(server, sort_keys=True),
            "updated_at": self.now(),
        }
        with self.engine.begin() as conn:
            if not conn.execute(sa.update(self.odoo_login).where(c.tenant == tenant).values(**values)).rowcount:
                conn.execute(sa.insert(self.odoo_login).values(tenant=tenant, **values))

    def forget_login(self, tenant: str) -> None:
        """Odoo refused ``tenant``'s login: its kept uid is of no use."""
        with self.engine.begin() as conn:
            conn.execute(sa.delete(self.odoo_login).where(self.odoo_login.c.tenant == tenant))

    def restore_keys(self, keys: Iterable[dict]) -> None:
        """Put back keys as ``tenant_keys`` gave them (a replay starts where the recording did)."""
        groups: dict[tuple[str, str | None], list[tuple[str, str | None, int | None]]] = {}
        for key in keys:
            groups.setdefault((key["status"], key["model"]), []).append((key["key"], key["error"], key["odoo_id"]))
        for (status, model), entries in groups.items():
            self.mark(entries, status, model=model)

    # -- sync log ---------------------------------------------------------------------

    def log(self, row: LogRow) -> int:
        """Write one row, in the tenant's running sync if any; its id (``complete`` finishes a
        ``sending`` row by it)."""
        values = {"ts": self.now(), "run_tenant": row.tenant, **row.__dict__}
        with self.engine.begin() as conn:
            return conn.execute(self._statements.log, values).inserted_primary_key[0]

    def complete(
        self,
        row_id: int,
        *,
        http_status: int | None,
        response_size: int | None,
        latency_ms: float | None,
        error: str | None,
    ) -> None:
        """A ``sending`` row's call was answered (or failed): it is ``sent``, with what was measured."""
        values = {
            "completed_row": row_id,
            "outcome": SENT,
            "http_status": http_status,
            "response_size": response_size,
            "latency_ms": latency_ms,
            "error": error,
        }
        with self.engine.begin() as conn:
            conn.execute(self._statements.complete, values)

    def settle_calls(self, tenant: str) -> int:
        """Rows left ``sending`` by a process that died waiting read ``sent``, ``ANSWER_UNKNOWN``.
        Run under the tenant's lock, when no live sync of the tenant can be waiting; a call of
        another command still in flight completes its own row afterwards, by id, all the same."""
        with self.engine.begin() as conn:
            return conn.execute(self._statements.settle, {"of_tenant": tenant}).rowcount

    def mark_recovered(self, tenant: str, key: str) -> int:
        """The tenant's latest failed call sent with ``key`` (a batch's row names its first key:
        ``KEY (+N more)``) had its effect found in Odoo by a read-back: it is ``recovered``."""
        c = self.sync_log.c
        latest = (
            sa.select(sa.func.max(c.id))
            .where(
                c.tenant == tenant,
                PROBLEM,  # as the partial index says it: only the tenant's problem rows are read
                c.outcome == SENT,
                c.error.is_not(None),
                sa.or_(c.idempotency_key == key, c.idempotency_key.startswith(f"{key} (+", autoescape=True)),
            )
            .scalar_subquery()
        )
        with self.engine.begin() as conn:
            return conn.execute(sa.update(self.sync_log).where(c.id == latest).values(recovered=True)).rowcount

    # -- sync runs ----------------------------------------------------------------------

    def start_run(self, tenant: str) -> int:
        """A new ``running`` run of ``tenant``; one a killed sync left running is ended ``failed``
        first. Called under the tenant's lock, when no live sync of the tenant runs."""
        now = self.now()
        with self.engine.begin() as conn:
            conn.execute(self._statements.stop_runs, {"of_tenant": tenant, "stopped_at": now})
            run = {"tenant": tenant, "started_at": now, "outcome": RUNNING}
            return conn.execute(self._statements.run_insert, run).inserted_primary_key[0]

    def end_run(self, run_id: int, *, calls: int, writes: int, error: str | None) -> None:
        """The run ended: ``ok``, or ``failed`` with ``error``."""
        values = {"ended_at": self.now(), "outcome": FAILED if error else OK, "calls": calls, "writes": writes}
        with self.engine.begin() as conn:
            conn.execute(self._statements.run_update, {"run_ended": run_id, "error": error, **values})

    def runs(self, tenant: str, limit: int = 20, failed_only: bool = False) -> list[dict]:
        """A tenant's latest runs, newest first."""
        c = self.sync_run.c
        query = sa.select(self.sync_run).where(c.tenant == tenant).order_by(c.started_at.desc(), c.id.desc())
        if failed_only:
            query = query.where(c.outcome == FAILED)
        with self.engine.connect() as conn:
            return [dict(row._mapping) for row in conn.execute(query.limit(limit))]

    def run(self, tenant: str, run_id: int) -> tuple[dict | None, list[dict]]:
        """One run of ``tenant`` and its calls in the order they were sent (None: no such run)."""
        c = self.sync_run.c
        with self.engine.connect() as conn:
            found = conn.execute(sa.select(self.sync_run).where(c.id == run_id, c.tenant == tenant)).first()
            if found is None:
                return None, []
            calls = conn.execute(
                sa.select(self.sync_log).where(self.sync_log.c.run_id == run_id).order_by(self.sync_log.c.id)
            )
            return dict(found._mapping), [dict(row._mapping) for row in calls]

    def run_totals(self, since: dt.datetime) -> dict[str, dict]:
        """Per tenant: runs, failed runs and calls sent in runs started since ``since``, and the
        latest run's start (over the runs, never the whole log: the tenants page stays fast)."""
        c = self.sync_run.c
        failed = sa.func.sum(sa.case((c.outcome == FAILED, 1), else_=0))
        recent = sa.select(c.tenant, sa.func.count(), failed, sa.func.sum(c.calls)).where(c.started_at >= since)
        latest = sa.select(c.tenant, sa.func.max(c.started_at)).group_by(c.tenant)
        with self.engine.connect() as conn:
            totals = {tenant: {"runs": 0, "failed": 0, "calls": 0, "latest": at} for tenant, at in conn.execute(latest)}
            for tenant, runs, failures, calls in conn.execute(recent.group_by(c.tenant)):
                totals[tenant].update(runs=runs, failed=failures or 0, calls=calls or 0)
        return totals

    def log_rows(self, tenant: str | None = None) -> list[dict]:
        query = sa.select(self.sync_log).order_by(self.sync_log.c.id)
        if tenant:
            query = query.where(self.sync_log.c.tenant == tenant)
        with self.engine.connect() as conn:
            return [dict(row._mapping) for row in conn.execute(query)]

    def log_page(
        self,
        tenant: str,
        limit: int = 50,
        before: int | None = None,
        problems_only: bool = False,
        key: str | None = None,
    ) -> list[dict]:
        """A tenant's sync_log rows, newest first, ``limit`` at a time (``before`` a row id:
        the next page); ``problems_only`` keeps failed calls and refusals."""
        c = self.sync_log.c
        query = sa.select(self.sync_log).where(c.tenant == tenant).order_by(c.id.desc()).limit(limit)
        if before is not None:
            query = query.where(c.id < before)
        if problems_only:
            query = query.where(PROBLEM)
        if key:
            query = query.where(c.idempotency_key.contains(key, autoescape=True))
        with self.engine.connect() as conn:
            return [dict(row._mapping) for row in conn.execute(query)]

    def tenants(self) -> list[str]:
        """Every tenant with a sync_log row: a skip scan of the tenant index (one lookup per
        tenant, however long the log), which neither SQLite nor PostgreSQL does for DISTINCT."""
        found = sa.text(
            "WITH RECURSIVE t(tenant) AS (SELECT MIN(tenant) FROM sync_log UNION ALL "
            "SELECT (SELECT MIN(tenant) FROM sync_log WHERE tenant > t.tenant) FROM t WHERE t.tenant IS NOT NULL) "
            "SELECT tenant FROM t WHERE tenant IS NOT NULL"
        )
        with self.engine.connect() as conn:
            return list(conn.execute(found).scalars())

    # -- locks --------------------------------------------------------------------------

    @contextmanager
    def tenant_lock(self, tenant: str) -> Iterator[None]:
        """Hold the tenant's sync lock for the block; a second holder is refused (``SyncLocked``).

        A lock whose holder died (SIGKILL, a crash, a reboot) is taken over at once, and a live
        holder's lock never expires: how long a sync takes says nothing about whether it still
        runs. On PostgreSQL a session advisory lock decides (it dies with its session, so with
        the process, on any host); on SQLite the lock row's host and process are checked."""
        owner = LockOwner.this_process()
        with self._advisory_lock(tenant) as free, owner.held():
            if free is False:
                raise SyncLocked(self._refusal(tenant))
            self._claim(tenant, owner, takeover=bool(free))
            try:
                yield
            finally:
                with self.engine.begin() as conn:
                    conn.execute(self._statements.unlock, {"of_tenant": tenant, "held_by": str(owner)})

    @contextmanager
    def _advisory_lock(self, tenant: str) -> Iterator[bool | None]:
        """PostgreSQL: the tenant's session advisory lock, on a connection of its own for the whole
        block. True when taken, False when a live session holds it; None on SQLite (none there).
        Short TCP keepalives let the server notice a holder whose host died within minutes."""
        if self.engine.dialect.name != "postgresql":
            yield None
            return
        key = int.from_bytes(
            hashlib.sha256(f"odoo-harness sync lock {tenant}".encode()).digest()[:8], "big", signed=True
        )
        with self.engine.connect() as session:
            session.execute(
                sa.text("SET tcp_keepalives_idle = 30; SET tcp_keepalives_interval = 10; SET tcp_keepalives_count = 3")
            )
            taken = bool(session.execute(sa.text("SELECT pg_try_advisory_lock(:key)"), {"key": key}).scalar())
            session.commit()  # a session lock outlives the transaction; an open one would idle in it
            try:
                yield taken
            finally:
                if taken:
                    session.execute(sa.text("SELECT pg_advisory_unlock(:key)"), {"key": key})
                    session.commit()

    def _claim(self, tenant: str, owner: LockOwner, takeover: bool) -> None:
        """Write the lock row naming ``owner``, first removing one whose holder is gone
        (``takeover``: PostgreSQL's advisory lock already says so)."""
        with self.engine.connect() as conn:
            held = conn.execute(self._statements.lock_owner, {"of_tenant": tenant}).scalar()
        if held is not None and (takeover or _gone(held)):
            with self.engine.begin() as conn:  # only that row: a holder that just took over keeps its own
                conn.execute(self._statements.unlock, {"of_tenant": tenant, "held_by": held})
        try:
            with self.engine.begin() as conn:
                lock = {"tenant": tenant, "owner": str(owner), "acquired_at": self.now()}
                conn.execute(self._statements.lock_insert, lock)
        except IntegrityError:
            raise SyncLocked(self._refusal(tenant)) from None

    def _refusal(self, tenant: str) -> str:
        """Who holds the lock, since when; and where this host cannot tell whether that process
        still runs, how to clear it once the operator knows it does not."""
        c = self.sync_lock.c
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(c.owner, c.acquired_at).where(c.tenant == tenant)).first()
        owner = LockOwner.parse(row.owner) if row else None
        holder = (
            f"{owner.describe() if owner else row.owner} since {row.acquired_at:%Y-%m-%d %H:%M:%S} UTC"
            if row
            else "another process"
        )
        if owner and self.engine.dialect.name != "postgresql" and owner.alive() is None:
            return (
                f"tenant {tenant!r} is locked by {holder}, which this host cannot check; if that sync no "
                f"longer runs, remove its lock: DELETE FROM sync_lock WHERE tenant = '{tenant}'"
            )
        return f"tenant {tenant!r} is already being synced by {holder}; try again when that sync has finished"


def reflected(engine: sa.Engine, names: tuple[str, ...]) -> list[sa.Table]:
    """Tables of a migrated ledger, reflected once a process and dialect: every ledger is at the
    newest revision once opened, and a Table serves any engine (the harness opens a ledger, and
    a health store, per scenario)."""
    key = (engine.dialect.name, names)
    tables = _REFLECTED.get(key)
    if tables is None:
        metadata = sa.MetaData()
        metadata.reflect(engine, only=names)
        tables = _REFLECTED[key] = [metadata.tables[name] for name in names]
    return tables


#: (dialect name, table names) -> those tables at the newest revision
_REFLECTED: dict[tuple[str, tuple[str, ...]], list[sa.Table]] = {}


@dataclass(frozen=True)
class _Statements:
    """The statements run per call, per key and per sync, whose values are bound when they run:
    each is built and keyed for SQLAlchemy's statement cache once a process, not at every run.
    ``:of_tenant`` and the like are their parameters; an insert or update without one of its
    columns named takes the column's value from the parameters."""

    #: the idempotency rows of ``:keys``
    keys_in: sa.Select
    #: one idempotency row (``:key_marked``)
    key_update: sa.Update
    #: the keys of ``:of_tenant`` and ``:of_entity`` still pending, in key order
    pending: sa.Select
    #: per record id, how many writes of ``:of_tenant`` to ``:of_model`` succeeded
    revisions: sa.Select
    #: a sync_log row, in the running sync of ``:run_tenant`` if any
    log: sa.Insert
    #: one sync_log row (``:completed_row``)
    complete: sa.Update
    #: the rows of ``:of_tenant`` left sending: sent, answer unknown
    settle: sa.Update
    #: the runs of ``:of_tenant`` left running: failed at ``:stopped_at``
    stop_runs: sa.Update
    run_insert: sa.Insert
    #: one run (``:run_ended``)
    run_update: sa.Update
    #: who holds ``:of_tenant``'s lock
    lock_owner: sa.Select
    lock_insert: sa.Insert
    #: ``:of_tenant``'s lock, where ``:held_by`` holds it
    unlock: sa.Delete


@functools.cache
def _statements(idempotency: sa.Table, sync_log: sa.Table, sync_lock: sa.Table, sync_run: sa.Table) -> _Statements:
    """The statements of a schema's tables (``reflected`` gives the same tables to every ledger)."""
    key, log, lock, run = idempotency.c, sync_log.c, sync_lock.c, sync_run.c
    of_tenant = sa.bindparam("of_tenant")
    running = (
        sa.select(run.id)
        .where(run.tenant == sa.bindparam("run_tenant"), run.ended_at.is_(None))
        .order_by(run.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    return _Statements(
        keys_in=sa.select(idempotency).where(key.key.in_(sa.bindparam("keys", expanding=True))),
        key_update=sa.update(idempotency).where(key.key == sa.bindparam("key_marked")),
        pending=sa.select(key.key, key.entity_id, key.operation, key.odoo_model, key.odoo_id, key.sent_values)
        .where(key.tenant == of_tenant, key.entity == sa.bindparam("of_entity"), key.status == PENDING)
        .order_by(key.key),
        revisions=sa.select(key.odoo_id, sa.func.count())
        .where(
            key.tenant == of_tenant,
            key.odoo_model == sa.bindparam("of_model"),
            key.status == SUCCEEDED,
            key.operation != "create",
        )
        .group_by(key.odoo_id),
        log=sa.insert(sync_log).values(run_id=running),
        complete=sa.update(sync_log).where(log.id == sa.bindparam("completed_row")),
        settle=sa.update(sync_log)
        .where(log.tenant == of_tenant, log.outcome == SENDING)
        .values(outcome=SENT, error=ANSWER_UNKNOWN),
        stop_runs=sa.update(sync_run)
        .where(run.tenant == of_tenant, run.ended_at.is_(None))
        .values(ended_at=sa.bindparam("stopped_at"), outcome=FAILED, error=RUN_STOPPED),
        run_insert=sa.insert(sync_run),
        run_update=sa.update(sync_run).where(run.id == sa.bindparam("run_ended")),
        lock_owner=sa.select(lock.owner).where(lock.tenant == of_tenant),
        lock_insert=sa.insert(sync_lock),
        unlock=sa.delete(sync_lock).where(lock.tenant == of_tenant, lock.owner == sa.bindparam("held_by")),
    )


def new_engine(url: str) -> sa.Engine:
    """The engine of a ledger URL (as ``engine_url`` gives it); SQLite's connections get the ledger's pragmas."""
    try:
        engine = sa.create_engine(url, future=True)
    except (sa.exc.ArgumentError, ImportError, ValueError) as exc:  # ValueError: a port that is no number
        raise LedgerError(
            f"ledger {shown_url(url)}: not a ledger URL (sqlite:///FILE or postgresql://USER@HOST/DB): {exc}"
        ) from None
    if engine.dialect.name == "sqlite":
        sa.event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def new_sqlite_ledger(path: Path) -> ScratchLedger:
    """A new, empty SQLite ledger at ``path``, copied from one migrated once a process: the
    harness opens one per scenario, and running every migration costs more than what the
    scenario then does with its ledger."""
    template = _TEMPLATES.get(os.getpid())
    if template is None:
        folder = tempfile.mkdtemp(prefix="odoo-harness-ledger-")
        # removed when this process ends, a run's forked target process too (``atexit`` hooks do not
        # run there: multiprocessing ends it with ``os._exit`` after its own finalizers)
        multiprocessing.util.Finalize(
            None, shutil.rmtree, args=(folder,), kwargs={"ignore_errors": True}, exitpriority=0
        )
        template = _TEMPLATES[os.getpid()] = Path(folder) / "template.sqlite"
        Ledger(f"sqlite:///{template}").close()
    with closing(sqlite3.connect(template)) as source, closing(sqlite3.connect(path)) as copy:
        source.backup(copy)
    return ScratchLedger(path)


#: process id -> its migrated empty ledger (a forked child makes its own)
_TEMPLATES: dict[int, Path] = {}


class ScratchLedger(Ledger):
    """A ledger of ``new_sqlite_ledger``, on an engine that closed scratch ledgers of this process
    hand on (``close``). SQLAlchemy compiles a statement once per engine (its cache is keyed by the
    engine's dialect): with an engine of its own, each scenario compiled the ~25 statements of its
    syncs again (983 compilations a target, 7-9 % of its CPU). Every scratch ledger is a copy of one template, so
    the statements compiled for one suit the next. Once closed, the ledger refuses to connect: a
    straggler can never write into the next scenario's ledger."""

    def __init__(self, path: Path) -> None:
        self._reused = _SpareEngines.take(str(path))
        super().__init__(f"sqlite:///{path}", migrated=True, engine=self._reused.engine)

    def close(self) -> None:
        if self.engine is not self._reused.engine:
            return  # closed already: its engine may serve another ledger now
        super().close()
        self.engine = _closed_engine()
        _SpareEngines.give_back(self._reused)


@dataclass(eq=False)
class _Reused:
    """A SQLite engine whose connections open ``path``, the file of the ledger it serves now."""

    engine: sa.Engine
    path: str

    def open_path(self, _dialect: object, _record: object, cargs: list, _cparams: dict) -> None:
        """SQLAlchemy's ``do_connect`` hook: the file to open is the current ledger's."""
        cargs[0] = self.path


class _SpareEngines:
    """The engines closed scratch ledgers gave back, per process (a forked child never uses its
    parent's connections): each goes to one ledger at a time."""

    _lock = threading.Lock()
    _idle: dict[int, list[_Reused]] = {}

    @classmethod
    def take(cls, path: str) -> _Reused:
        """An idle engine, now opening ``path``, or a new one."""
        path = os.path.abspath(path)
        with cls._lock:
            idle = cls._idle.get(os.getpid())
            if idle:
                reused = idle.pop()
                reused.path = path
                return reused
        reused = _Reused(new_engine(f"sqlite:///{path}"), path)
        sa.event.listen(reused.engine, "do_connect", reused.open_path)
        return reused

    @classmethod
    def give_back(cls, reused: _Reused) -> None:
        with cls._lock:
            cls._idle.setdefault(os.getpid(), []).append(reused)


@functools.cache
def _closed_engine() -> sa.Engine:
    """What a closed scratch ledger runs on: every connection it asks for is refused."""
    return sa.create_engine("sqlite://", creator=_refuse, poolclass=sa.pool.NullPool)


def _refuse() -> sqlite3.Connection:
    raise LedgerError("the scenario's ledger is closed")


def migrate(engine: sa.Engine) -> None:
    """Bring the schema to the newest alembic revision. Concurrent openers (threads or
    processes) take turns: a PostgreSQL advisory lock, or SQLite's write lock taken by
    a first write, is held until the migration commits (so a ledger that cannot be written
    is refused here, when it is opened). A ledger already at the newest revision skips
    alembic: every scenario opens its ledger several times."""
    with _MIGRATING, engine.begin() as connection:  # alembic's context is process-global
        if engine.dialect.name == "postgresql":
            connection.execute(sa.text("SELECT pg_advisory_xact_lock(4242001)"))
        elif engine.dialect.name == "sqlite":
            connection.execute(sa.text("CREATE TABLE IF NOT EXISTS ledger_migration_lock (n INTEGER)"))
            connection.execute(sa.text("DELETE FROM ledger_migration_lock"))
        if MigrationContext.configure(connection).get_current_revision() == _head():
            return
        config = _config()
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


@functools.cache
def _head() -> str | None:
    """The newest revision of the migrations shipped with this code (read once a process)."""
    return ScriptDirectory.from_config(_config()).get_current_head()


#: The idempotency columns a key is made of, in its order.
KEY_PARTS = ("tenant", "entity", "entity_id", "operation")


def split_key(key: str) -> tuple[str, str, str, str]:
    """``tenant:entity:entity_id:operation``; the entity id may not contain ':'."""
    parts = key.split(":")
    if len(parts) != 4:
        raise ValueError(f"idempotency key {key!r} is not tenant:entity:entity_id:operation")
    return parts[0], parts[1], parts[2], parts[3]


def shown_url(url: str) -> str:
    """A ledger URL as messages show it: its password replaced by ``***``."""
    return re.sub(r"(://[^/:@]*):[^/@]*@", r"\1:***@", url)


def _gone(owner: str) -> bool:
    """Whether a lock row's holder is known to have stopped (never a guess: False if unsure)."""
    holder = LockOwner.parse(owner)
    return holder is not None and holder.alive() is False


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    """A short busy timeout: a ledger another process keeps locked is reported within seconds,
    not after SQLite's 30 silent ones; every write here is one short transaction."""
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT * 1000)}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def _chunks(items: list, size: int) -> list[list]:
    return [items[i : i + size] for i in range(0, len(items), size)]
