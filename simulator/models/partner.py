"""res.partner: the stored display column (``complete_name``, 16: ``display_name``)."""

from __future__ import annotations

from simulator import hooks


def _refresh_names(env, ids: list[int], _vals) -> None:
    """Recompute the stored name column Odoo orders partners by:
    ``"<commercial company>, <name>"`` for a contact under a company."""
    schema = env.db.schema("res.partner")
    column = schema.meta.display_field
    if not column:
        return
    rows = env.db.reader.rows(env, schema, ids, ["name", "parent_id", "is_company"])
    updates = []
    for i, row in rows.items():
        name = row["name"] or ""
        if row["parent_id"] and not row["is_company"]:
            name = f"{_commercial_name(env, schema, row['parent_id'])}, {name}"
        updates.append((name.strip(), i))
    env.db.store.conn.executemany(f'UPDATE res_partner SET "{column}" = ? WHERE id = ?', updates)
    children = env.db.store.query(
        f"SELECT id FROM res_partner WHERE parent_id IN ({','.join('?' * len(ids))})", ids)
    if children:
        _refresh_names(env, [r[0] for r in children], None)


def _commercial_name(env, schema, partner_id: int) -> str:
    """The name of the first company up the parent chain (else the topmost parent)."""
    row = env.db.reader.rows(env, schema, [partner_id], ["name", "parent_id", "is_company"])
    current = row.get(partner_id)
    while current and not current["is_company"] and current["parent_id"]:
        parent = current["parent_id"]
        current = env.db.reader.rows(env, schema, [parent], ["name", "parent_id", "is_company"])[parent]
    return (current or {}).get("name") or ""


hooks.on(hooks.after_create, "res.partner")(
    lambda env, ids, _vals_list: _refresh_names(env, ids, None))
hooks.on(hooks.after_write, "res.partner")(_refresh_names)
