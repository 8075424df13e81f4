"""Model access rights (ir.model.access) as real Odoo checks them.

The rules are the ones recorded from a real server; membership is read from
``res_groups_users_rel`` exactly as Odoo's ``_get_allowed_models`` does, so a
group change (switching Analytic Accounting on) takes effect at once.
"""

from __future__ import annotations

from simulator.store import Store

MODES = ("read", "write", "create", "unlink")


class AccessRules:
    """Answers "may this user do ``mode`` on ``model``?" from the stored ACL rows."""

    def __init__(self, store: Store, users_relation: tuple[str, str, str]) -> None:
        self.store = store
        self.rel, self.user_col, self.group_col = users_relation

    def allowed(self, uid: int, model: str, mode: str) -> bool:
        if mode not in MODES:
            raise ValueError(f"Invalid access mode {mode!r}")
        rows = self.store.query(
            f'''SELECT 1 FROM ir_model_access a JOIN ir_model m ON m.id = a.model_id
                WHERE m.model = ? AND a.perm_{mode} = 1 AND a.active = 1
                AND (a.group_id IS NULL OR a.group_id IN
                     (SELECT "{self.group_col}" FROM "{self.rel}" WHERE "{self.user_col}" = ?))
                LIMIT 1''',
            (model, uid),
        )
        return bool(rows)

    def group_names(self, model: str, mode: str) -> list[str]:
        """Groups granting ``mode``, named and ordered as in Odoo's error message."""
        rows = self.store.query(
            f'''SELECT g.full_name FROM ir_model_access a JOIN ir_model m ON m.id = a.model_id
                JOIN res_groups g ON g.id = a.group_id
                WHERE m.model = ? AND a.active = 1 AND a.perm_{mode} = 1''',
            (model,),
        )
        names = [(row[0] or "").split(" / ", 1) for row in rows]
        ordered = sorted(names, key=lambda parts: (parts[0], parts[-1]))
        return ["/".join(parts) for parts in ordered]
