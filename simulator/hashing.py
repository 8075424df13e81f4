"""Secrets the simulator keeps (users' passwords, API keys, the master password): hashed, and
compared in constant time, as Odoo never keeps them in clear."""

from __future__ import annotations

import hashlib
import hmac


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def matches(secret: str, stored: str | None) -> bool:
    """Whether a non-empty ``secret`` is the one ``stored`` holds the hash of."""
    return bool(secret) and hmac.compare_digest(secret_hash(secret), stored or "")
