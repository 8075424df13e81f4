"""API keys: made through the web client's identity check, usable wherever a password is.

``res.users.apikeys.description.make_key`` is ``@check_identity``: over XML-RPC or JSON-RPC it is
refused; over HTTP (a web session's ``/web/dataset/call_button``, or a JSON-2 call) it first answers
the password-check wizard (``res.users.identitycheck``, which keeps the call it asked for), whose
``run_check`` replays it once the password is right, and the key is shown once
(``res.users.apikeys.show``), its description gone. Keys are 40 hex characters, kept hashed.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from typing import Any

from simulator import hooks
from simulator.errors import UserError, missing_record_error
from simulator.hashing import matches as hash_matches
from simulator.hashing import secret_hash

KEYS, DESCRIPTION, CHECK = "res.users.apikeys", "res.users.apikeys.description", "res.users.identitycheck"
#: ``check_identity``: a password checked in the session within 10 minutes is still good.
IDENTITY_WINDOW = 10 * 60
WRONG_PASSWORD = "Incorrect Password, try again or click on Forgot Password to reset your password."


def _key_columns(db: Any) -> None:
    """The columns Odoo's own ``init`` adds (no field reads them): the hash and its index."""
    if KEYS in db.schemas:
        db.store.create_table(db.schema(KEYS).table, {"key": "TEXT", "index": "TEXT"})


hooks.storage.append(_key_columns)


def _check_columns(db: Any) -> None:
    """The identity check's ``request`` (``groups=NO_ACCESS``: no capture sees it): the call it replays
    once the password is right, kept with the wizard, as two JSON-2 calls share no session."""
    if CHECK in db.schemas:
        db.store.create_table(db.schema(CHECK).table, {"request": "TEXT"})


hooks.storage.append(_check_columns)


#: The scope XML-RPC and JSON-2 ask a key for ("'rpc' scope does not really exist, we basically require a
#: global key (scope NULL)", ``ir.http._auth_method_bearer``): a key of another scope (2FA's) is refused.
RPC_SCOPE = "rpc"


def generate(
    env: Any, name: str, scope: str | None = None, expiration_date: str | None = None, key: str | None = None
) -> str:
    """``_generate``: a new key of the calling user, answered once and kept hashed; ``expiration_date``
    (``YYYY-MM-DD HH:MM:SS``, UTC) where the version has expiring keys (18+). ``key``: that key rather
    than a new one (as a database restored from a backup holds it), added once: a key the user holds
    already is answered as it is."""
    if key and matches(env.db, env.uid, key):
        return key
    key = key or secrets.token_hex(20)
    schema = env.db.schema(KEYS)
    now = env.now()
    values = {
        "id": env.db.store.next_id(schema.table),
        "name": name,
        "user_id": env.uid,
        "scope": scope,
        "key": secret_hash(key),
        "index": key[:8],
        "create_date": now,
        "create_uid": env.uid,
        "write_date": now,
        "write_uid": env.uid,
    }
    if "expiration_date" in schema.fields:
        values["expiration_date"] = expiration_date
    columns = ", ".join(f'"{column}"' for column in values)
    env.db.store.execute(
        f'INSERT INTO "{schema.table}" ({columns}) VALUES ({", ".join("?" * len(values))})', tuple(values.values())
    )
    return key


def derived_key(db: Any, purpose: str) -> str:
    """A key made of the database's own ``database.secret`` and ``purpose`` (HMAC-SHA256, 40 hex
    digits, as Odoo's keys): the same for one database every time, so ``simulate --data`` restarted
    on its file prints the key it printed before, and adds none."""
    [(secret,)] = db.store.query("SELECT value FROM ir_config_parameter WHERE key = 'database.secret'")
    return hmac.new(secret.encode(), purpose.encode(), hashlib.sha256).hexdigest()[:40]


def check_credentials(db: Any, scope: str, key: str) -> int | None:
    """``res.users.apikeys._check_credentials``: the active user whose key this is, if the key is global
    (no scope) or of ``scope`` and, where keys expire (18+), not expired."""
    if KEYS not in db.schemas or not key:
        return None
    schema = db.schema(KEYS)
    expiring = "expiration_date" in schema.fields
    rows = db.store.query(
        f'SELECT k.user_id, k.key FROM "{schema.table}" k JOIN res_users u ON u.id = k.user_id '
        'WHERE u.active = 1 AND k."index" = ? AND (k.scope IS NULL OR k.scope = ?)'
        + (" AND (k.expiration_date IS NULL OR k.expiration_date >= ?)" if expiring else ""),
        (key[:8], scope, *([db.clock().strftime("%Y-%m-%d %H:%M:%S")] if expiring else [])),
    )
    return next((uid for uid, stored in rows if hash_matches(key, stored)), None)


def remove(env: Any) -> int:
    """``_remove`` of every key of the calling user (as they would in their preferences): how many went."""
    table = env.db.schema(KEYS).table
    removed = len(env.db.store.query(f'SELECT id FROM "{table}" WHERE user_id = ?', (env.uid,)))
    env.db.store.execute(f'DELETE FROM "{table}" WHERE user_id = ?', (env.uid,))
    return removed


def matches(db: Any, uid: int, key: str) -> bool:
    """``_check_credentials``' second try over XML-RPC and JSON-RPC: a key of the user, as an RPC key."""
    return check_credentials(db, RPC_SCOPE, key) == uid


def check_identity(env: Any, model: str, method: str, ids: list[int]) -> dict | None:
    """``@check_identity``: None when the session checked the password lately (the method may
    run), else the wizard that asks for it, holding the call; refused outside HTTP (no session)."""
    if env.session is None:
        raise UserError("This method can only be accessed over HTTP")
    if env.session.values.get("identity-check-last", 0) > time.time() - IDENTITY_WINDOW:
        return None
    check = env[CHECK].create({})
    env.db.store.execute(
        f'UPDATE "{env.db.schema(CHECK).table}" SET request = ? WHERE id = ?',
        (json.dumps([model, method, list(ids)]), check),
    )
    texts = env.db.profile.quirks.apikeys
    action = {
        "type": "ir.actions.act_window",
        "res_model": CHECK,
        "res_id": check,
        "name": texts.identity_title,
        "target": "new",
        "views": [[False, "form"]],
    }
    return {**action, "context": dict(texts.identity_context)} if texts.identity_context else action


@hooks.method(DESCRIPTION, "make_key")
def make_key(env: Any, ids: list[int]) -> dict:
    """A key of the calling user, named and expiring as its description says, which goes."""
    asked = check_identity(env, DESCRIPTION, "make_key", ids)
    if asked:
        return asked
    schema = env.db.schema(DESCRIPTION)
    names = [name for name in ("name", "expiration_date") if name in schema.fields]
    rows = env.db.reader.rows(env, schema, ids[:1], names)
    if not rows:
        raise missing_record_error(DESCRIPTION, ids, env.uid)
    [row] = rows.values()
    key = generate(env, row["name"], expiration_date=row.get("expiration_date") or None)
    env.db.writer.unlink(env, schema, ids[:1])
    return {
        "type": "ir.actions.act_window",
        "res_model": "res.users.apikeys.show",
        "name": "API Key Ready",
        "views": [[False, "form"]],
        "target": "new",
        "context": {"default_key": key},
    }


@hooks.method(CHECK, "run_check")
def run_check(env: Any, ids: list[int]) -> Any:
    """The password (the wizard's own field, or 19's ``password`` in the context) checked, the
    session remembers it and the method that asked runs again."""
    if env.session is None:
        raise UserError("This method can only be accessed over HTTP")
    [row] = env.db.reader.rows(env, env.db.schema(CHECK), ids[:1], ["password"]).values()
    password = env.context.get("password") if env.db.profile.quirks.apikeys.password_in_context else row["password"]
    if not env.db.passwords.check(env.uid, password or ""):
        raise UserError(WRONG_PASSWORD)
    env.session.values["identity-check-last"] = time.time()
    [(request,)] = env.db.store.query(f'SELECT request FROM "{env.db.schema(CHECK).table}" WHERE id = ?', ids[:1])
    model, method, record_ids = json.loads(request)
    return hooks.methods[(model, method)](env, record_ids)
