"""res.users: passwords (kept out of the store) and login lookup."""

from __future__ import annotations

import re
from typing import Any

from simulator import hooks
from simulator.errors import ValidationError


@hooks.on(hooks.before_create, "res.users")
def _take_password(env, vals: dict) -> None:
    """Odoo hashes passwords in a column no client reads; the simulator keeps them hashed in
    the database's own store (``Database.passwords``), holding the new user's here by login
    until the insert gives its id."""
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
            for (next_gid,) in store.query(f'SELECT "{implied}" FROM "{implied_rel}" WHERE "{own}" = ?', (gid,)):
                if next_gid not in have:
                    have.add(next_gid)
                    todo.append(next_gid)
        store.conn.executemany(
            f'INSERT OR IGNORE INTO "{rel}" ("{user_col}", "{group_col}") VALUES (?, ?)', [(uid, gid) for gid in have]
        )


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
        "SELECT p.lang, p.tz FROM res_users u JOIN res_partner p ON p.id = u.partner_id WHERE u.id = ?", (env.uid,)
    )
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
        db.store.execute(
            f'INSERT OR REPLACE INTO "{LOGIN_TABLE}" (uid, at) VALUES (?, ?)',
            (uid, db.clock().strftime("%Y-%m-%d %H:%M:%S")),
        )


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


# -- res.groups: what a group implies, computed from implied_ids ------------------------


def _implied(env, ids: list[int]) -> dict[int, list[int]]:
    """Each group's ``implied_ids``, in the order a read gives them (res.groups ``_order``)."""
    groups = env.db.schema("res.groups")
    return env.db.reader.x2many_ids(env, groups, groups.fields["implied_ids"], ids)


def _closure(env, group_id: int, reverse: bool = False) -> set[int]:
    """Groups implied by ``group_id`` (or implying it), transitively."""
    rel, own, implied = env.db.schema("res.groups").relations["implied_ids"]
    src, dst = (implied, own) if reverse else (own, implied)
    rows = env.db.store.query(
        f'WITH RECURSIVE c(gid) AS (SELECT "{dst}" FROM "{rel}" WHERE "{src}" = ? '
        f'UNION SELECT r."{dst}" FROM "{rel}" r JOIN c ON r."{src}" = c.gid) SELECT gid FROM c',
        (group_id,),
    )
    return {r[0] for r in rows} - {group_id}


@hooks.compute("res.groups", "trans_implied_ids")
def _trans_implied(env, ids: list[int]) -> dict[int, list[int]]:
    """16-18: ``implied_ids | implied_ids.trans_implied_ids``, in that order."""
    memo: dict[int, list[int]] = {}

    def trans(group_id: int, seen: frozenset) -> list[int]:
        if group_id not in memo:
            direct = _implied(env, [group_id])[group_id]
            found = list(direct)
            for child in direct:
                found += [] if child in seen else trans(child, seen | {child})
            memo[group_id] = list(dict.fromkeys(found))
        return memo[group_id]

    return {i: trans(i, frozenset({i})) for i in ids}


@hooks.compute("res.groups", "all_implied_ids")
def _all_implied(env, ids: list[int]) -> dict[int, list[int]]:
    """19: the group, then every group it implies (by id)."""
    return {i: [i, *sorted(_closure(env, i))] for i in ids}


@hooks.compute("res.groups", "all_implied_by_ids")
def _all_implied_by(env, ids: list[int]) -> dict[int, list[int]]:
    """19: the group, then every group implying it (by id)."""
    return {i: [i, *sorted(_closure(env, i, reverse=True))] for i in ids}


@hooks.compute("res.groups", "all_user_ids")
def _all_users(env, ids: list[int]) -> dict[int, list[int]]:
    """19: the (active) users of the group and of every group implying it."""
    groups = env.db.schema("res.groups")
    rel, gid, uid = groups.relations[groups.link_to("res.users")]
    result = {}
    for i in ids:
        members = [i, *_closure(env, i, reverse=True)]
        users = [
            r[0]
            for r in env.db.store.query(
                f'SELECT DISTINCT "{uid}" FROM "{rel}" WHERE "{gid}" IN ({",".join("?" * len(members))})', members
            )
        ]
        result[i] = env.db.model(env.sudo(), "res.users")._search_ids([("id", "in", users)]) if users else []
    return result


@hooks.compute("res.groups", "all_users_count")
def _all_users_count(env, ids: list[int]) -> dict[int, int]:
    return {i: len(users) for i, users in _all_users(env, ids).items()}


# -- res.groups.full_name's search (``_search_full_name``) ---------------------------------

NEGATIVE = ("!=", "not like", "not ilike", "not in", "not =like", "not =ilike")


def _matches(operator: str, pattern: Any, text: str) -> bool:
    """A positive string operator applied in Python (``like`` wildcards ``%`` and ``_``)."""
    if operator in ("=", "in"):
        return text in (pattern if isinstance(pattern, (list, tuple)) else [pattern])
    if not isinstance(pattern, str):
        return False
    wrapped = f"%{pattern}%" if operator in ("like", "ilike") else pattern
    regex = "".join(".*" if c == "%" else "." if c == "_" else re.escape(c) for c in wrapped)
    flags = re.IGNORECASE | re.DOTALL if operator in ("ilike", "=ilike") else re.DOTALL
    return re.fullmatch(regex, text, flags) is not None


def _prefixes(env) -> tuple[str, dict[int, str]]:
    """The group's category (16-18) or privilege (19) name, as its ``full_name`` begins."""
    schema = env.db.schema("res.groups")
    parent = "privilege_id" if "privilege_id" in schema.fields else "category_id"
    rows = env.db.store.query(f'SELECT id, name, full_name, "{parent}" FROM res_groups')
    prefixes = {}
    for gid, name, full, link in rows:
        suffix = f" / {name or ''}"
        if link and full and full.endswith(suffix):
            prefixes[gid] = full[: -len(suffix)]
    return parent, prefixes


def _by_prefix(env, operator: str, value: str) -> list[int]:
    _parent, prefixes = _prefixes(env)
    return sorted(i for i, prefix in prefixes.items() if _matches(operator, value, prefix))


@hooks.searcher("res.groups", "full_name")
def _search_full_name(env, operator: str, operand: Any) -> list:
    """``res.groups._search_full_name``: the group's name or its category's (16-18),
    ``Category / Group`` both; 19 searches privileges the same way, negatives negated."""
    if isinstance(operand, bool):
        return [("name", operator, operand)]
    parent = _prefixes(env)[0]
    negative = operator in NEGATIVE
    if parent == "privilege_id":
        if negative:
            return ["!", *_search_full_name(env, _POSITIVE.get(operator, operator), operand)]
        operands = [operand] if isinstance(operand, str) else list(operand)
        domains: list = [[("name", operator, operand)]]
        for group in operands:
            if not group:
                continue
            domains.append([("name", operator, group if isinstance(operand, str) else [group])])
            prefix, slash, group_name = group.partition("/")
            prefix = prefix.strip() if slash else group
            group_name = group_name.strip() if slash else None
            if prefix:
                sub = [("id", "in", _by_prefix(env, operator, prefix))]
                if group_name:
                    sub = ["&", *sub, ("name", operator, group_name)]
                domains.append(sub)
        return _join("|", domains)
    if negative:  # Odoo's own negative rules, via the positive match of each category
        return _negative_full_name(env, operator, operand)
    listed = not isinstance(operand, str)
    domains = []
    for group in [operand] if not listed else list(operand):
        values = [v for v in group.split("/") if v]
        group_name = values.pop().strip() if values else ""
        category_name = "/".join(values).strip() if values else group_name
        group_domain = [("name", operator, [group_name] if listed else group_name)]
        category_domain = [("id", "in", _by_prefix(env, operator, category_name))]
        domains.append(_join("&" if values else "|", [group_domain, category_domain]))
    return _join("|", domains)


_POSITIVE = {"!=": "=", "not like": "like", "not ilike": "ilike", "not in": "in"}


def _negative_full_name(env, operator: str, operand: Any) -> list:
    """16-18 with a negative operator: name and category both must differ (no ``/``)."""
    positive = _POSITIVE.get(operator, operator)
    domains = []
    for group in [operand] if isinstance(operand, str) else list(operand):
        values = [v for v in group.split("/") if v]
        group_name = values.pop().strip() if values else ""
        category_name = "/".join(values).strip() if values else group_name
        # category_id in (categories matching the negative) [| category_id = False without "/"]
        matching = set(_by_prefix(env, positive, category_name))
        _parent, prefixes = _prefixes(env)
        others = [i for i in prefixes if i not in matching]
        category_domain: list = [("id", "in", others)]
        if not values:
            category_domain = ["|", *category_domain, ("id", "not in", list(prefixes))]
        group_domain = [("name", operator, group_name if isinstance(operand, str) else [group_name])]
        domains.append(_join("|" if values else "&", [group_domain, category_domain]))
    return _join("&", domains)


def _join(operator: str, domains: list[list]) -> list:
    domains = [d for d in domains if d]
    if not domains:
        return []
    return [operator] * (len(domains) - 1) + [term for d in domains for term in d]


@hooks.on(hooks.fields_get, "res.users")
def _reified_groups(env, result: dict) -> None:
    """``res.users.fields_get`` (16-18) adds the ``in_group_<id>`` and ``sel_groups_<ids>``
    fields itself, whole: ``attributes`` does not filter them."""
    recorded = env.db.schema("res.users").fields
    for name in result:
        if name.startswith(("in_group_", "sel_groups_")):
            result[name] = dict(recorded[name].attrs)


@hooks.on(hooks.after_create, "res.users")
def _unique_login_created(env, ids: list[int], _vals_list: list[dict]) -> None:
    _check_unique_login(env, ids)


@hooks.on(hooks.after_write, "res.users")
def _unique_login_written(env, ids: list[int], vals: dict) -> None:
    if "login" in vals:
        _check_unique_login(env, ids)


def _check_unique_login(env, ids: list[int]) -> None:
    """``login_key UNIQUE (login)``: PostgreSQL refuses the row once inserted (its id is used
    up), and Odoo reports the constraint's message; archived users count too."""
    marks = ",".join("?" * len(ids))
    clash = env.db.store.query(
        f"SELECT 1 FROM res_users u WHERE u.id IN ({marks}) AND EXISTS "
        "(SELECT 1 FROM res_users o WHERE o.login = u.login AND o.id != u.id)",
        ids,
    )
    if clash:
        raise ValidationError(env.db.profile.quirks.orm.duplicate_login)
