"""The databases one simulated server holds (one per tenant), and its master password."""

from __future__ import annotations

import threading
from pathlib import Path
from urllib.parse import quote

from simulator.database import Database
from simulator.hashing import matches, secret_hash
from simulator.profile import Profile, load_profile
from simulator.store import Store

#: Odoo's master password when no configuration file sets ``admin_passwd``.
DEFAULT_MASTER_PASSWORD = "admin"


class Registry:
    """Named databases of one Odoo version; memory by default, files with ``data``.

    ``shells`` are names PostgreSQL holds without an Odoo database in them: what a failed
    ``db.restore`` leaves behind (it creates the database before loading the dump). They are
    listed and can be dropped, but nothing can log in to them.
    """

    def __init__(
        self,
        version: str,
        data: Path | None = None,
        fresh: bool = False,
        primary: str = "odoo",
        master_password: str = DEFAULT_MASTER_PASSWORD,
    ) -> None:
        self.profile: Profile = load_profile(version)
        self.primary = primary
        self.data = data
        self.fresh = fresh
        self.databases: dict[str, Database] = {}
        self.shells: set[str] = set()
        self._master = self._initial_master = secret_hash(master_password)
        self._lock = threading.RLock()

    # -- the master password (``odoo.tools.config.verify_admin_password``) ------------------

    def verify_master(self, password: object) -> bool:
        return isinstance(password, str) and matches(password, self._master)

    def set_master(self, password: str) -> None:
        self._master = secret_hash(password)

    # -- databases ---------------------------------------------------------------------------

    def create(self, name: str, fresh: bool | None = None, demo: bool = False) -> Database:
        """Open (or create from the profile's seed, with its recorded demo data if asked) the database ``name``."""
        with self._lock:
            if name in self.databases:
                return self.databases[name]
            profile = load_profile(self.profile.version, demo=True) if demo else self.profile
            db = Database(name, profile, Store(self._path(name)))
            db.install(self.fresh if fresh is None else fresh)
            self.shells.discard(name)
            self.databases[name] = db
            return db

    def exists(self, name: str) -> bool:
        return name in self.databases or name in self.shells

    def new_store(self, name: str) -> Store:
        """An empty store for a database about to be made (a stale file of that name is replaced)."""
        path = self._path(name)
        if self.data:
            Path(path).unlink(missing_ok=True)
        return Store(path)

    def adopt(self, name: str, store: Store) -> Database:
        """Serve a store already filled (a copy, a restored dump) as the database ``name``."""
        with self._lock:
            db = Database(name, self.profile, store)
            db.install(self.fresh)
            self.shells.discard(name)
            self.databases[name] = db
            return db

    def copy(self, source: Database, name: str) -> Database:
        """A new database ``name`` holding what ``source`` holds (PostgreSQL's ``TEMPLATE``)."""
        store = self.new_store(name)
        with source.lock:
            store.copy_from(source.store)
        return self.adopt(name, store)

    def rename(self, old: str, new: str) -> None:
        """``ALTER DATABASE old RENAME TO new``: the same data (and journal) under a new name."""
        with self._lock:
            self.copy(self.databases[old], new)
            self.drop(old)

    def drop(self, name: str) -> None:
        with self._lock:
            self.shells.discard(name)
            db = self.databases.pop(name, None)
            if db:
                db.store.close()
                if self.data:
                    Path(self._path(name)).unlink(missing_ok=True)

    def reset(self) -> None:
        """Every database back to its initial state, and the master password (the control API's reset)."""
        self._master = self._initial_master
        self.shells.clear()
        names = list(self.databases)
        for name in names:
            self.drop(name)
        for name in names:
            self.create(name)

    def get(self, name: str) -> Database | None:
        return self.databases.get(name)

    def names(self) -> list[str]:
        return sorted([*self.databases, *self.shells])

    def _path(self, name: str) -> str:
        """The primary database lives in ``data`` itself, others beside it (any name PostgreSQL
        takes, ``/`` and spaces included, is quoted into a file name)."""
        if not self.data:
            return ":memory:"
        if name == self.primary:
            return str(self.data)
        return str(self.data.with_name(f"{self.data.stem}.{quote(name, safe='')}{self.data.suffix}"))
