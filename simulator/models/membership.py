"""What res.users reads of its groups. The reified group fields (16-18): ``in_group_<id>``
is whether the user is in that group, ``sel_groups_<id>_<id>...`` names the highest group of
an exclusive chain (User types: Internal, Portal, Public) the user is in, as
``_add_reified_groups`` reads them. They are not fields of the model but names ``fields_get``
makes up (the recorded fields.json lists each version's). 19's ``all_group_ids``: the groups
given and every group they imply. ``password`` and ``new_password`` read empty for everyone."""

from __future__ import annotations

from typing import Any

from simulator import hooks

USERS = "res.users"


def _user_groups(env: Any, ids: list[int]) -> dict[int, set[int]]:
    users = env.db.schema(USERS)
    rel, user_col, group_col = users.relations[users.link_to("res.groups")]
    marks = ",".join("?" * len(ids))
    found: dict[int, set[int]] = {i: set() for i in ids}
    for uid, gid in env.db.store.query(
        f'SELECT "{user_col}", "{group_col}" FROM "{rel}" WHERE "{user_col}" IN ({marks})', ids
    ):
        found[uid].add(gid)
    return found


@hooks.compute_pattern(USERS, r"in_group_\d+")
def _in_group(env: Any, ids: list[int], name: str) -> dict[int, bool]:
    group = int(name.removeprefix("in_group_"))
    return {i: group in groups for i, groups in _user_groups(env, ids).items()}


@hooks.compute_pattern(USERS, r"sel_groups(_\d+)+")
def _selected_group(env: Any, ids: list[int], name: str) -> dict[int, Any]:
    chain = [int(part) for part in name.removeprefix("sel_groups_").split("_")]
    return {
        i: next((gid for gid in reversed(chain) if gid in groups), False)
        for i, groups in _user_groups(env, ids).items()
    }


@hooks.compute(USERS, "password", "new_password")
def _no_password(_env: Any, ids: list[int]) -> dict[int, str]:
    return {i: "" for i in ids}


@hooks.compute(USERS, "all_group_ids")
def _all_groups(env: Any, ids: list[int]) -> dict[int, list[int]]:
    """``group_ids.all_implied_ids``: for each group given, in res.groups' order, the group
    and then its transitively implied groups by id (``get_superset_ids``), each group once."""
    users, groups = env.db.schema(USERS), env.db.schema("res.groups")
    rel, own, implied = groups.relations["implied_ids"]
    edges: dict[int, set[int]] = {}
    for gid, target in env.db.store.query(f'SELECT "{own}", "{implied}" FROM "{rel}"'):
        edges.setdefault(gid, set()).add(target)

    def closure(gid: int) -> list[int]:
        have, todo = {gid}, [gid]
        while todo:
            for target in edges.get(todo.pop(), ()):
                if target not in have:
                    have.add(target)
                    todo.append(target)
        return [gid, *sorted(have - {gid})]

    given = env.db.reader.x2many_ids(env, users, users.fields[users.link_to("res.groups")], ids)
    return {uid: list(dict.fromkeys(g for gid in gids for g in closure(gid))) for uid, gids in given.items()}


@hooks.compute("res.groups", "disjoint_ids")
def _disjoint(env: Any, ids: list[int]) -> dict[int, list[int]]:
    """19's ``_compute_disjoint_ids``: a user type group (employee, portal, public) excludes the
    other two; any other group excludes none."""
    types = [gid for xmlid in ("group_user", "group_portal", "group_public") if (gid := env.db.xmlid("base", xmlid))]
    return {i: [gid for gid in types if gid != i] if i in types else [] for i in ids}
