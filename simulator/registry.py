"""The databases one simulated server holds (one per tenant)."""

from __future__ import annotations

import threading
from pathlib import Path

from simulator.database import Database
from simulator.profile import Profile, load_profile
from simulator.store import Store


class Registry:
    """Named databases of one Odoo version; memory by default, files with ``data``."""

    def __init__(self, version: str, data: Path | None = None, fresh: bool = False,
                 primary: str = "odoo") -> None:
        self.profile: Profile = load_profile(version)
        self.primary = primary
        self.data = data
        self.fresh = fresh
        self.databases: dict[str, Database] = {}
        self._lock = threading.Lock()

    def create(self, name: str, fresh: bool | None = None) -> Database:
        """Open (or create from the profile's seed) the database ``name``."""
        with self._lock:
            if name in self.databases:
                return self.databases[name]
            db = Database(name, self.profile, Store(self._path(name)))
            db.install(self.fresh if fresh is None else fresh)
            self.databases[name] = db
            return db

    def drop(self, name: str) -> None:
        with self._lock:
            db = self.databases.pop(name, None)
            if db:
                db.store.close()
                if self.data:
                    Path(self._path(name)).unlink(missing_ok=True)

    def reset(self) -> None:
        """Every database back to its initial state (the control API's reset)."""
        names = list(self.databases)
        for name in names:
            self.drop(name)
        for name in names:
            self.create(name)

    def get(self, name: str) -> Database | None:
        return self.databases.get(name)

    def names(self) -> list[str]:
        return sorted(self.databases)

    def _path(self, name: str) -> str:
        """The primary database lives in ``data`` itself, others beside it."""
        if not self.data:
            return ":memory:"
        if name == self.primary:
            return str(self.data)
        return str(self.data.with_name(f"{self.data.stem}.{name}{self.data.suffix}"))
