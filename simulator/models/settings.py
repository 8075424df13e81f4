"""res.config.settings: switching Analytic Accounting on or off.

``execute`` does what Odoo's settings do for a ``group_*`` field with an
implied group: base.group_user implies the group, and every internal user
joins it. Access rights follow at once (see ``access.py``). Every settings record is
named "Settings"; the database's own ``database.secret`` is made at install.
"""

from __future__ import annotations

import uuid

from simulator import hooks

SETTINGS_GROUPS = {"group_analytic_accounting": ("analytic", "group_analytic_accounting")}


def _database_secret(db) -> None:
    """``database.secret``: the seed has its row but never its value; each database makes
    its own, as Odoo does at install (a uuid4)."""
    db.store.execute(
        "UPDATE ir_config_parameter SET value = ? WHERE key = 'database.secret' AND value IS NULL", (str(uuid.uuid4()),)
    )


hooks.install.append(_database_secret)


@hooks.display_name("res.config.settings")
def _settings_name(_env, ids: list[int]) -> dict[int, str]:
    """Every settings record is named "Settings" (``name_get`` / ``_compute_display_name``)."""
    return {i: "Settings" for i in ids}


@hooks.method("res.config.settings", "execute")
def execute(env, ids: list[int]) -> dict:
    schema = env.db.schema("res.config.settings")
    rows = env.db.reader.rows(env, schema, ids[-1:], list(SETTINGS_GROUPS))
    for values in rows.values():
        for fname, (module, name) in SETTINGS_GROUPS.items():
            set_implied_group(env.db, env.db.xmlid(module, name), bool(values[fname]))
    return {"type": "ir.actions.client", "tag": "reload"}


def set_implied_group(db, group_id: int | None, enabled: bool) -> None:
    """Odoo's ``_apply_group`` / ``_remove_group`` on base.group_user. Up to 18 every
    internal user is also stored in the group (and taken out of it); 19 only links it."""
    user_group = db.xmlid("base", "group_user")
    if not group_id or not user_group:
        return
    groups = db.schema("res.groups")
    implied_rel, own, implied = groups.relations["implied_ids"]
    if enabled:
        db.store.execute(
            f'INSERT OR IGNORE INTO "{implied_rel}" ("{own}", "{implied}") VALUES (?, ?)', (user_group, group_id)
        )
    else:
        db.store.execute(f'DELETE FROM "{implied_rel}" WHERE "{own}" = ? AND "{implied}" = ?', (user_group, group_id))
    if not db.profile.quirks.groups.implied_stored:
        return
    users_rel, gid, uid = groups.relations[groups.link_to("res.users")]
    if enabled:
        db.store.execute(
            f'INSERT OR IGNORE INTO "{users_rel}" ("{gid}", "{uid}") SELECT ?, "{uid}" '
            f'FROM "{users_rel}" WHERE "{gid}" = ?',
            (group_id, user_group),
        )
    else:
        db.store.execute(f'DELETE FROM "{users_rel}" WHERE "{gid}" = ?', (group_id,))
