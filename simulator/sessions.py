"""Web sessions (``/web/session/authenticate``), as JSON web clients log in, and the session
info Odoo answers them.

A session is a random id in the ``session_id`` cookie mapped to (database, uid); it
lives in memory and ends with ``/web/session/destroy``, a server restart, or its database
being dropped or renamed. A route that saves no session (JSON-2's) works on a copy of it
(:func:`unsaved`).
"""

from __future__ import annotations

import copy
import secrets
import threading
from dataclasses import dataclass, field, replace
from typing import Any

from simulator import hooks
from simulator.database import Database
from simulator.orm import SUPERUSER_ID, Env


@dataclass(frozen=True)
class Session:
    db: str
    uid: int
    login: str
    #: What Odoo keeps in ``request.session`` beyond the login (``identity-check-last``).
    values: dict = field(default_factory=dict, compare=False, hash=False)


def unsaved(session: Session | None, db: str, uid: int) -> Session:
    """``request.session`` as a route with ``save_session=False`` (JSON-2's calls) sees it: the web
    session's values when the request carries one, else a new session's (none); what the call puts
    there (a password check) is lost with the request."""
    if session is None:
        return Session(db, uid, "")
    return replace(session, values=copy.deepcopy(session.values))


class SessionStore:
    def __init__(self) -> None:
        self._sessions: dict[str, Session] = {}
        self._lock = threading.Lock()

    def open(self, session: Session) -> str:
        sid = secrets.token_hex(20)
        with self._lock:
            self._sessions[sid] = session
        return sid

    def get(self, sid: str | None) -> Session | None:
        with self._lock:
            return self._sessions.get(sid or "")

    def close(self, sid: str | None) -> None:
        with self._lock:
            self._sessions.pop(sid or "", None)


def session_info(db: Database, uid: int) -> dict[str, Any]:
    """``ir.http.session_info()``: the keys the version's real server answers (profile
    ``session_info``, recorded for admin on a fresh database), each value the database decides
    computed for this user, the rest (hashes, tours, the discuss store) as recorded."""
    env = Env(db, uid, {}, su=True)
    [user] = env["res.users"].read([uid], ["login", "name", "partner_id", "company_id", "company_ids"])
    facts = _Facts(env, user)
    return {
        key: getattr(facts, key.replace(".", "_"))(value) if key in COMPUTED else value
        for key, value in db.profile.quirks.session_info
    }


#: The session_info keys the database decides: ``_Facts`` computes each (``web.base.url`` as ``web_base_url``).
COMPUTED = frozenset(
    {
        "uid",
        "db",
        "username",
        "name",
        "partner_id",
        "partner_display_name",
        "partner_write_date",
        "company_id",
        "user_id",
        "user_context",
        "server_version",
        "server_version_info",
        "is_system",
        "is_admin",
        "is_internal_user",
        "is_public",
        "web.base.url",
        "user_companies",
        "currencies",
    }
)


class _Facts:
    """The values of one user's session info, each shaped as its recorded value is."""

    def __init__(self, env: Env, user: dict) -> None:
        self.env = env
        self.user = user
        self.partner = user["partner_id"][0] if user["partner_id"] else False
        self.company = user["company_id"][0]

    def uid(self, _recorded: Any) -> int:
        return self.user["id"]

    def db(self, _recorded: Any) -> str:
        return self.env.db.name

    def username(self, _recorded: Any) -> str:
        return self.user["login"]

    def name(self, _recorded: Any) -> str:
        return self.user["name"]

    def partner_id(self, _recorded: Any) -> int | bool:
        return self.partner

    def partner_display_name(self, _recorded: Any) -> str:
        return self.user["partner_id"][1] if self.user["partner_id"] else ""

    def partner_write_date(self, _recorded: Any) -> str:
        [partner] = self.env["res.partner"].read([self.partner], ["write_date"])
        return partner["write_date"]

    def company_id(self, _recorded: Any) -> int:
        return self.company

    def user_id(self, _recorded: Any) -> list[int]:
        return [self.user["id"]]

    def user_context(self, _recorded: Any) -> dict:
        return hooks.model_methods[("res.users", "context_get")](Env(self.env.db, self.user["id"], {}))

    def server_version(self, _recorded: Any) -> str:
        return self.env.db.profile.version_info["server_version"]

    def server_version_info(self, _recorded: Any) -> list:
        return self.env.db.profile.version_info["server_version_info"]

    def is_system(self, _recorded: Any) -> bool:
        return self._in_group("group_system")

    def is_admin(self, _recorded: Any) -> bool:
        """``_is_admin``: the superuser, or a user in Access Rights (``group_erp_manager``)."""
        return self.user["id"] == SUPERUSER_ID or self._in_group("group_erp_manager")

    def is_internal_user(self, _recorded: Any) -> bool:
        return self._in_group("group_user")

    def is_public(self, _recorded: Any) -> bool:
        return self._in_group("group_public")

    def web_base_url(self, _recorded: Any) -> str:
        rows = self.env.db.store.query("SELECT value FROM ir_config_parameter WHERE key = 'web.base.url'")
        return rows[0][0] if rows else ""

    def user_companies(self, recorded: dict) -> dict:
        """The current company and the allowed ones, each with the fields the version sends."""
        fields = list(next(iter(recorded["allowed_companies"].values())))
        rows = self.env["res.company"].read(self.user["company_ids"], [f for f in fields if f != "id"])
        allowed = {str(row["id"]): {f: _plain(row[f]) for f in fields} for row in rows}
        return {**recorded, "current_company": self.company, "allowed_companies": allowed}

    def currencies(self, recorded: dict) -> dict:
        """Every active currency: the recorded fields, ``digits`` as ``[69, decimal_places]``."""
        fields = list(next(iter(recorded.values())))
        model = self.env["res.currency"]
        rows = model.read(model.search([]), [*(f for f in fields if f != "digits"), "decimal_places"])
        return {
            str(row["id"]): {f: [69, row["decimal_places"]] if f == "digits" else row[f] for f in fields}
            for row in rows
        }

    def _in_group(self, name: str) -> bool:
        group = self.env.db.xmlid("base", name)
        return bool(group) and self.env.db.access.has_group(self.user["id"], group)


def _plain(value: Any) -> Any:
    """A many2one as its id, as session info sends it."""
    return value[0] if isinstance(value, list) and len(value) == 2 and isinstance(value[1], str) else value
