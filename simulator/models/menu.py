"""ir.ui.menu: the menus a search lists are those the user may open (``_visible_menu_ids``).

16.0 filters in ``_search``, 17.0 and 18.0 in ``search_fetch`` and ``search_count``; 19.0 lists
every menu (profile ``menus.search_visible_only``). The ``ir.ui.menu.full_list`` context key
asks for every menu, as Odoo's own menu loading does.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from simulator import hooks

MENU = "ir.ui.menu"
#: The field of each action kind naming the model a menu's user must be able to read.
MODEL_BY_TYPE = {"ir.actions.act_window": "res_model", "ir.actions.report": "model", "ir.actions.server": "model_name"}


@hooks.search_filter(MENU)
def _visible_only(env: Any, ids: list[int]) -> list[int]:
    if not env.db.profile.quirks.menus.search_visible_only or env.context.get("ir.ui.menu.full_list"):
        return ids
    visible = visible_menu_ids(env)
    return [i for i in ids if i in visible]


def visible_menu_ids(env: Any) -> set[int]:
    """Odoo's ``_visible_menu_ids(debug=False)``: menus of the user's groups (technical
    features aside) whose action exists and opens a model the user may read, with the
    folders above them."""
    db = env.db
    schema = db.schema(MENU)
    rel, own, group = schema.relations[schema.link_to("res.groups")]
    menu_groups: dict[int, set[int]] = defaultdict(set)
    for menu_id, group_id in db.store.query(f'SELECT "{own}", "{group}" FROM "{rel}"'):
        menu_groups[menu_id].add(group_id)
    groups = db.access.group_ids(env.uid) - {db.xmlid("base", "group_no_one")}
    menus = {
        menu_id: (action, parent)
        for menu_id, action, parent in db.store.query("SELECT id, action, parent_id FROM ir_ui_menu WHERE active = 1")
        if not menu_groups[menu_id] or menu_groups[menu_id] & groups
    }
    opened = {menu_id: _opened_model(db, action) for menu_id, (action, _parent) in menus.items()}
    folders = {menu_id for menu_id, model in opened.items() if model is None}
    visible: set[int] = set()
    for menu_id, model in opened.items():
        if model is None or (model and not db.access.allowed(env.uid, model, "read")):
            continue
        visible.add(menu_id)
        parent = menus[menu_id][1]
        while parent in folders and parent not in visible:
            visible.add(parent)
            parent = menus[parent][1]
    return visible


def _opened_model(db: Any, action: str | None) -> str | None:
    """The model a menu's existing action opens ("" for one that opens none), None for a
    folder (no action, or one that no longer exists)."""
    model, _, number = (action or "").partition(",")
    if not number.isdigit() or not db.store.query("SELECT 1 FROM ir_actions_actions WHERE id = ?", (int(number),)):
        return None
    field = MODEL_BY_TYPE.get(model)
    if not field or model not in db.schemas:
        return ""
    found = db.store.query(f'SELECT "{field}" FROM "{db.schema(model).table}" WHERE id = ?', (int(number),))
    return found[0][0] or "" if found else ""


@hooks.display_name(MENU)
def _full_names(env: Any, ids: list[int]) -> dict[int, str]:
    """``_get_full_name``: the names from the top menu down, joined by "/" (six levels at most)."""
    menus = {
        menu_id: (name, parent)
        for menu_id, name, parent in env.db.store.query("SELECT id, name, parent_id FROM ir_ui_menu")
    }
    return {i: _full_name(menus, i, 6) for i in ids if i in menus}


def _full_name(menus: dict[int, tuple[str | None, int | None]], menu_id: int, level: int) -> str:
    if level <= 0:
        return "..."
    name, parent = menus[menu_id]
    return f"{_full_name(menus, parent, level - 1)}/{name or ''}" if parent in menus else name or ""
