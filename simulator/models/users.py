"""res.users: passwords (kept out of the store) and login lookup."""

from __future__ import annotations

from simulator import hooks


@hooks.on(hooks.before_create, "res.users")
def _take_password(env, vals: dict) -> None:
    """Odoo hashes passwords in a column no client reads; the simulator keeps them
    in memory, keyed by the new user's login until the id is known."""
    password = vals.pop("password", None)
    if password:
        env.db.pending_passwords[vals.get("login")] = password


@hooks.on(hooks.after_create, "res.users")
def _store_password(env, ids: list[int], vals_list: list[dict]) -> None:
    for uid, vals in zip(ids, vals_list, strict=True):
        password = env.db.pending_passwords.pop(vals.get("login"), None)
        if password:
            env.db.passwords[uid] = password


@hooks.on(hooks.before_write, "res.users")
def _change_password(env, ids: list[int], vals: dict) -> None:
    password = vals.pop("password", None)
    if password:
        for uid in ids:
            env.db.passwords[uid] = password


def _add_implied_groups(env, ids: list[int]) -> None:
    """Odoo stores a user's implied groups too (``UsersImplied``), which is what ACL
    checks read: joining Billing brings Internal User and its implied groups. Odoo 19
    stores only the groups given (``groups.implied_stored: false``)."""
    if not env.db.profile.quirks.groups.implied_stored:
        return
    users = env.db.schema("res.users")
    groups = env.db.schema("res.groups")
    rel, user_col, group_col = users.relations[users.link_to("res.groups")]
    implied_rel, own, implied = groups.relations["implied_ids"]
    store = env.db.store
    for uid in ids:
        have = {r[0] for r in store.query(f'SELECT "{group_col}" FROM "{rel}" WHERE "{user_col}" = ?', (uid,))}
        todo = list(have)
        while todo:
            gid = todo.pop()
            for (next_gid,) in store.query(
                    f'SELECT "{implied}" FROM "{implied_rel}" WHERE "{own}" = ?', (gid,)):
                if next_gid not in have:
                    have.add(next_gid)
                    todo.append(next_gid)
        store.conn.executemany(f'INSERT OR IGNORE INTO "{rel}" ("{user_col}", "{group_col}") VALUES (?, ?)',
                               [(uid, gid) for gid in have])


@hooks.on(hooks.after_create, "res.users")
def _implied_on_create(env, ids: list[int], _vals_list: list[dict]) -> None:
    _add_implied_groups(env, ids)


@hooks.on(hooks.after_write, "res.users")
def _implied_on_write(env, ids: list[int], vals: dict) -> None:
    if env.db.schema("res.users").link_to("res.groups") in vals:
        _add_implied_groups(env, ids)


@hooks.method("res.users", "context_get", on_model=True)
def context_get(env) -> dict:
    """The user's context as clients fetch it after login (lang, tz, uid)."""
    rows = env.db.store.query(
        "SELECT p.lang, p.tz FROM res_users u JOIN res_partner p ON p.id = u.partner_id "
        "WHERE u.id = ?", (env.uid,))
    lang, tz = rows[0] if rows else ("en_US", None)
    return {"lang": lang or "en_US", "tz": tz or False, "uid": env.uid}


def find_login(db, login: str) -> int | None:
    """The active user with that login, as ``res.users._login`` finds it."""
    rows = db.store.query("SELECT id FROM res_users WHERE login = ? AND active = 1", (login,))
    return rows[0][0] if rows else None


# -- last login: login_date and state ------------------------------------------------

LOGIN_TABLE = "_sim_user_login"


def note_login(db, uid: int) -> None:
    """A successful ``authenticate`` writes a ``res.users.log`` (``_update_last_login``):
    ``login_date`` is its time from then on. Kept beside the models, like the ids."""
    with db.lock, db.store.transaction():
        db.store.execute(f'CREATE TABLE IF NOT EXISTS "{LOGIN_TABLE}" (uid INTEGER PRIMARY KEY, at TEXT)')
        db.store.execute(f'INSERT OR REPLACE INTO "{LOGIN_TABLE}" (uid, at) VALUES (?, ?)',
                         (uid, db.clock().strftime("%Y-%m-%d %H:%M:%S")))


def _last_logins(env, ids: list[int]) -> dict[int, str]:
    store = env.db.store
    if not ids or not store.query("SELECT 1 FROM sqlite_master WHERE name = ?", (LOGIN_TABLE,)):
        return {}
    return dict(store.query(f'SELECT uid, at FROM "{LOGIN_TABLE}" WHERE uid IN ({",".join("?" * len(ids))})', ids))


@hooks.compute("res.users", "login_date")
def _login_date(env, ids: list[int]) -> dict[int, str | bool]:
    logins = _last_logins(env, ids)
    return {i: logins.get(i, False) for i in ids}


@hooks.compute("res.users", "state")
def _state(env, ids: list[int]) -> dict[int, str]:
    """auth_signup's ``_compute_state``: ``active`` once the user has logged in, else ``new``."""
    logins = _last_logins(env, ids)
    return {i: "active" if i in logins else "new" for i in ids}
