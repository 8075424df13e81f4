"""res.partner: the stored display column (``complete_name``, 16: ``display_name``)."""

from __future__ import annotations

from simulator import hooks


def _refresh_names(env, ids: list[int], _vals) -> None:  # noqa: ANN001
    """Recompute the stored name column Odoo orders partners by."""
    schema = env.db.schema("res.partner")
    column = schema.meta.display_field
    if not column:
        return
    rows = env.db.reader.rows(env, schema, ids, ["name", "parent_id", "is_company"])
    parents = env.db.reader.rows(env, schema, [r["parent_id"] for r in rows.values()
                                               if r["parent_id"]], ["name"])
    updates = []
    for i, row in rows.items():
        name = row["name"] or ""
        parent = parents.get(row["parent_id"])
        if parent and not row["is_company"]:
            name = f"{parent['name'] or ''}, {name}"
        updates.append((name.strip(), i))
    env.db.store.conn.executemany(
        f'UPDATE res_partner SET "{column}" = ? WHERE id = ?', updates)


hooks.on(hooks.after_create, "res.partner")(
    lambda env, ids, _vals_list: _refresh_names(env, ids, None))
hooks.on(hooks.after_write, "res.partner")(_refresh_names)
