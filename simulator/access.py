"""Model access rights (ir.model.access) as real Odoo checks them.

The rules are the ones recorded from a real server; membership is read from the
users' group table exactly as Odoo's ``_get_allowed_models`` does, so a group change
(switching Analytic Accounting on) takes effect at once. Implied groups are followed:
Odoo 19 stores only the groups given to a user (``all_group_ids`` is computed through
``implied_ids``); up to 18 the implied ones are stored too, so following them changes
nothing there.

Answers are kept per database until one of the tables they are read from is written (``TableMemo``):
a call checks access once or twice, each a recursive query otherwise.
"""

from __future__ import annotations

from simulator.memo import TableMemo
from simulator.store import Store

MODES = ("read", "write", "create", "unlink")


class AccessRules:
    """Answers "may this user do ``mode`` on ``model``?" from the stored ACL rows."""

    def __init__(
        self, store: Store, users_relation: tuple[str, str, str], implied_relation: tuple[str, str, str]
    ) -> None:
        self.store = store
        rel, user_col, group_col = users_relation
        implied_rel, own, implied = implied_relation
        self.user_groups = (
            f'WITH RECURSIVE user_groups(gid) AS (SELECT "{group_col}" FROM "{rel}" WHERE "{user_col}" = ? '
            f'UNION SELECT i."{implied}" FROM "{implied_rel}" i JOIN user_groups ON i."{own}" = user_groups.gid) '
        )
        self.memo = TableMemo(store, ("ir_model_access", "ir_model", rel, implied_rel))

    def allowed(self, uid: int, model: str, mode: str) -> bool:
        if mode not in MODES:
            raise ValueError(f"Invalid access mode {mode!r}")
        return self.memo.get(("allowed", uid, model, mode), lambda: self._allowed(uid, model, mode))

    def _allowed(self, uid: int, model: str, mode: str) -> bool:
        rows = self.store.query(
            f"""{self.user_groups}SELECT 1 FROM ir_model_access a JOIN ir_model m ON m.id = a.model_id
                WHERE m.model = ? AND a.perm_{mode} = 1 AND a.active = 1
                AND (a.group_id IS NULL OR a.group_id IN (SELECT gid FROM user_groups))
                LIMIT 1""",
            (uid, model),
        )
        return bool(rows)

    def group_ids(self, uid: int) -> set[int]:
        """The user's groups, given or implied."""
        return set(self._groups(uid))

    def has_group(self, uid: int, group_id: int) -> bool:
        """``user.has_group``: the group is the user's, given or implied."""
        return group_id in self._groups(uid)

    def _groups(self, uid: int) -> frozenset[int]:
        return self.memo.get(
            ("groups", uid),
            lambda: frozenset(
                gid for (gid,) in self.store.query(f"{self.user_groups}SELECT gid FROM user_groups", (uid,))
            ),
        )

    def group_names(self, model: str, mode: str) -> list[str]:
        """Groups granting ``mode``, named and ordered as in Odoo's error message (``group_names_with_access``):
        ``Category/Name`` (19: the privilege's), ordered by category then name, the groups without one
        last and named alone (19's "Role / Administrator" is a group's whole name)."""
        rows = self.store.query(
            f"""SELECT g.full_name, g.name FROM ir_model_access a JOIN ir_model m ON m.id = a.model_id
                JOIN res_groups g ON g.id = a.group_id
                WHERE m.model = ? AND a.active = 1 AND a.perm_{mode} = 1""",
            (model,),
        )
        named = [_categorised(full_name or "", name or "") for full_name, name in rows]
        ordered = sorted(named, key=lambda pair: (pair[0] is None, pair[0] or "", pair[1]))
        return [f"{category}/{name}" if category else name for category, name in ordered]


def _categorised(full_name: str, name: str) -> tuple[str | None, str]:
    """A group's category and name: its ``full_name`` is ``Category / name`` when it has a category,
    else the name itself."""
    suffix = f" / {name}"
    return (full_name[: -len(suffix)], name) if full_name != name and full_name.endswith(suffix) else (None, name)
