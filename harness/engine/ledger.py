"""The ledger: idempotency state, the sync log and per-tenant sync locks.

SQLAlchemy over SQLite (default, a file) or PostgreSQL (``postgresql://``); the
schema is created and upgraded by alembic migrations (``harness/engine/migrations``).

An idempotency key ``tenant:entity:entity_id:operation`` is ``pending`` before its
call is sent, ``succeeded`` with the Odoo id once the answer came back, or
``failed`` with the error. A key left ``pending`` means the outcome is unknown (the
answer was lost): the engine resolves it by reading Odoo back, never by guessing.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.exc import IntegrityError

from harness.errors import HarnessError

MIGRATIONS = Path(__file__).parent / "migrations"
PENDING, SUCCEEDED, FAILED = "pending", "succeeded", "failed"

#: alembic keeps its migration context in module globals: one migration at a time per process.
_MIGRATING = threading.Lock()

#: The tables the migrations created (harness/engine/migrations owns the schema).
TABLES = ("idempotency", "sync_log", "sync_lock", "odoo_server")


class SyncLocked(HarnessError, RuntimeError):
    """Another sync of the same tenant holds the lock."""


@dataclass(frozen=True)
class KeyState:
    key: str
    status: str
    odoo_id: int | None
    error: str | None


@dataclass(frozen=True)
class LogRow:
    """One sync_log row: a call sent, or an operation refused or skipped."""

    tenant: str
    entity: str
    operation: str
    idempotency_key: str | None
    outcome: str  # sent | refused | skipped
    http_status: int | None = None
    response_size: int | None = None
    latency_ms: float | None = None
    error: str | None = None
    model: str | None = None
    method: str | None = None


def engine_url(url: str) -> str:
    """``postgresql://`` means psycopg 3 here; a bare path means a SQLite file."""
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if "://" not in url:
        return f"sqlite:///{url}"
    return url


class Ledger:
    """One ledger database, shared by every tenant and by concurrent syncs."""

    def __init__(self, url: str = "sqlite:///odoo-harness.sqlite",
                 clock: type[dt.datetime] = dt.datetime) -> None:
        self.url = engine_url(url)
        self.clock = clock
        self.engine = sa.create_engine(self.url, future=True)
        if self.engine.dialect.name == "sqlite":
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)
        migrate(self.engine)
        metadata = sa.MetaData()
        metadata.reflect(self.engine, only=TABLES)
        self.idempotency, self.sync_log, self.sync_lock, self.odoo_server = (
            metadata.tables[name] for name in TABLES)

    def now(self) -> dt.datetime:
        return self.clock.now(dt.UTC).replace(tzinfo=None)

    # -- idempotency ----------------------------------------------------------------

    def states(self, keys: Iterable[str]) -> dict[str, KeyState]:
        keys = list(keys)
        found: dict[str, KeyState] = {}
        with self.engine.connect() as conn:
            for chunk in _chunks(keys, 500):
                rows = conn.execute(sa.select(self.idempotency).where(self.idempotency.c.key.in_(chunk)))
                for row in rows:
                    found[row.key] = KeyState(row.key, row.status, row.odoo_id, row.error)
        return found

    def mark(self, entries: Iterable[tuple[str, str | None, int | None]], status: str,
             model: str | None = None) -> None:
        """Set ``(key, error, odoo_id)`` entries to ``status`` (insert or update)."""
        now = self.now()
        with self.engine.begin() as conn:
            for key, error, odoo_id in entries:
                tenant, entity, entity_id, operation = split_key(key)
                values = {"status": status, "odoo_id": odoo_id, "error": error, "updated_at": now,
                          "odoo_model": model}
                updated = conn.execute(sa.update(self.idempotency).where(self.idempotency.c.key == key)
                                       .values(**values)).rowcount
                if not updated:
                    conn.execute(sa.insert(self.idempotency).values(
                        key=key, tenant=tenant, entity=entity, entity_id=entity_id,
                        operation=operation, **values))

    def write_revisions(self, tenant: str, model: str) -> dict[int, int]:
        """Per record id, how many of our writes to it succeeded: the revision an update
        key is made over."""
        c = self.idempotency.c
        query = (sa.select(c.odoo_id, sa.func.count()).where(
            c.tenant == tenant, c.odoo_model == model, c.status == SUCCEEDED, c.operation != "create")
            .group_by(c.odoo_id))
        with self.engine.connect() as conn:
            return {odoo_id: count for odoo_id, count in conn.execute(query)}

    def tenant_keys(self, tenant: str) -> list[dict]:
        """Every idempotency key of ``tenant``, for a cassette to carry the state its sync
        started from."""
        c = self.idempotency.c
        query = (sa.select(c.key, c.status, c.odoo_id, c.error, c.odoo_model.label("model"))
                 .where(c.tenant == tenant).order_by(c.key))
        with self.engine.connect() as conn:
            return [dict(row._mapping) for row in conn.execute(query)]

    # -- what each Odoo answered about itself -----------------------------------------

    def server_fields(self, url: str, db: str, server_version: str) -> dict | None:
        """The fields_get answers kept for this server and version answer, or None."""
        c = self.odoo_server.c
        with self.engine.connect() as conn:
            found = conn.execute(sa.select(c.fields).where(
                c.url == url, c.db == db, c.server_version == server_version)).scalar()
        return json.loads(found) if found else None

    def remember_server_fields(self, url: str, db: str, server_version: str, fields: dict) -> None:
        c = self.odoo_server.c
        where = (c.url == url, c.db == db, c.server_version == server_version)
        values = {"fields": json.dumps(fields, sort_keys=True), "updated_at": self.now()}
        with self.engine.begin() as conn:
            if not conn.execute(sa.update(self.odoo_server).where(*where).values(**values)).rowcount:
                conn.execute(sa.insert(self.odoo_server).values(url=url, db=db, server_version=server_version,
                                                                **values))

    def servers(self, url: str, db: str) -> list[dict]:
        """Every version answer kept for one server database, for a cassette to carry."""
        c = self.odoo_server.c
        query = sa.select(c.server_version, c.fields).where(c.url == url, c.db == db).order_by(c.server_version)
        with self.engine.connect() as conn:
            return [{"server_version": row.server_version, "fields": json.loads(row.fields)}
                    for row in conn.execute(query)]

    def restore_keys(self, keys: Iterable[dict]) -> None:
        """Put back keys as ``tenant_keys`` gave them (a replay starts where the recording did)."""
        groups: dict[tuple[str, str | None], list[tuple[str, str | None, int | None]]] = {}
        for key in keys:
            groups.setdefault((key["status"], key["model"]), []).append((key["key"], key["error"], key["odoo_id"]))
        for (status, model), entries in groups.items():
            self.mark(entries, status, model=model)

    # -- sync log ---------------------------------------------------------------------

    def log(self, row: LogRow) -> None:
        with self.engine.begin() as conn:
            conn.execute(sa.insert(self.sync_log).values(ts=self.now(), **row.__dict__))

    def log_rows(self, tenant: str | None = None) -> list[dict]:
        query = sa.select(self.sync_log).order_by(self.sync_log.c.id)
        if tenant:
            query = query.where(self.sync_log.c.tenant == tenant)
        with self.engine.connect() as conn:
            return [dict(row._mapping) for row in conn.execute(query)]

    def log_page(self, tenant: str, limit: int = 50, before: int | None = None, problems_only: bool = False,
                 key: str | None = None) -> list[dict]:
        """A tenant's sync_log rows, newest first, ``limit`` at a time (``before`` a row id:
        the next page); ``problems_only`` keeps failed calls and refusals."""
        c = self.sync_log.c
        query = sa.select(self.sync_log).where(c.tenant == tenant).order_by(c.id.desc()).limit(limit)
        if before is not None:
            query = query.where(c.id < before)
        if problems_only:
            query = query.where(sa.or_(c.outcome == "refused", sa.and_(c.outcome == "sent", c.error.is_not(None))))
        if key:
            query = query.where(c.idempotency_key.contains(key, autoescape=True))
        with self.engine.connect() as conn:
            return [dict(row._mapping) for row in conn.execute(query)]

    def tenants(self) -> list[str]:
        """Every tenant with a sync_log row."""
        with self.engine.connect() as conn:
            return list(conn.execute(sa.select(self.sync_log.c.tenant).distinct().order_by(self.sync_log.c.tenant))
                        .scalars())

    def log_totals(self, tenant: str, since: dt.datetime) -> dict:
        """Calls sent and failed since ``since``, and the time of the latest row."""
        c = self.sync_log.c
        failed = sa.func.sum(sa.case((sa.and_(c.outcome == "sent", c.error.is_not(None)), 1), else_=0))
        sent = sa.func.sum(sa.case((c.outcome == "sent", 1), else_=0))
        with self.engine.connect() as conn:
            recent = conn.execute(sa.select(sent, failed).where(c.tenant == tenant, c.ts >= since)).one()
            latest = conn.execute(sa.select(sa.func.max(c.ts)).where(c.tenant == tenant)).scalar()
        return {"sent": recent[0] or 0, "failed": recent[1] or 0, "latest": latest}

    # -- locks --------------------------------------------------------------------------

    @contextmanager
    def tenant_lock(self, tenant: str, stale_after: dt.timedelta = dt.timedelta(hours=1)) -> Iterator[None]:
        """Hold the tenant's sync lock; a second sync is refused with a clear message.
        A lock older than ``stale_after`` (a crashed sync) is taken over."""
        owner = f"{socket.gethostname()}:{os.getpid()}:{id(self)}"
        now = self.now()
        with self.engine.begin() as conn:
            conn.execute(sa.delete(self.sync_lock).where(self.sync_lock.c.tenant == tenant,
                                                    self.sync_lock.c.acquired_at < now - stale_after))
        try:
            with self.engine.begin() as conn:
                conn.execute(sa.insert(self.sync_lock).values(tenant=tenant, owner=owner, acquired_at=now))
        except IntegrityError:
            holder = self._lock_holder(tenant)
            raise SyncLocked(f"tenant {tenant!r} is already being synced by {holder}; "
                             "try again when that sync has finished") from None
        try:
            yield
        finally:
            with self.engine.begin() as conn:
                conn.execute(sa.delete(self.sync_lock).where(self.sync_lock.c.tenant == tenant,
                                                        self.sync_lock.c.owner == owner))

    def _lock_holder(self, tenant: str) -> str:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(self.sync_lock).where(self.sync_lock.c.tenant == tenant)).first()
        return f"{row.owner} since {row.acquired_at:%Y-%m-%d %H:%M:%S} UTC" if row else "another sync"


def migrate(engine: sa.Engine) -> None:
    """Bring the schema to the newest alembic revision. Concurrent openers (threads or
    processes) take turns: a PostgreSQL advisory lock, or SQLite's write lock taken by
    a first write, is held until the migration commits."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with _MIGRATING, engine.begin() as connection:  # alembic's context is process-global
        if engine.dialect.name == "postgresql":
            connection.execute(sa.text("SELECT pg_advisory_xact_lock(4242001)"))
        elif engine.dialect.name == "sqlite":
            connection.execute(sa.text("CREATE TABLE IF NOT EXISTS ledger_migration_lock (n INTEGER)"))
            connection.execute(sa.text("DELETE FROM ledger_migration_lock"))
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def split_key(key: str) -> tuple[str, str, str, str]:
    """``tenant:entity:entity_id:operation``; the entity id may not contain ':'."""
    parts = key.split(":")
    if len(parts) != 4:
        raise ValueError(f"idempotency key {key!r} is not tenant:entity:entity_id:operation")
    return parts[0], parts[1], parts[2], parts[3]


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def _chunks(items: list, size: int) -> list[list]:
    return [items[i:i + size] for i in range(0, len(items), size)]
