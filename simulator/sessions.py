"""Web sessions (``/web/session/authenticate``), as JSON web clients log in.

A session is a random id in the ``session_id`` cookie mapped to (database, uid); it
lives in memory and ends with ``/web/session/destroy`` or a server restart.
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass


@dataclass(frozen=True)
class Session:
    db: str
    uid: int
    login: str


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
