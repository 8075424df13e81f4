"""Projects and tasks: personal stages, portal access, counts, what a task's creation says.

Personal stages (``project.task.stage.personal``, Odoo's ``project_task_user_rel`` rows) are
each assignee's own stage of a task: a task created or assigned gets one per assignee, in
that user's first personal ``project.task.type`` (``_populate_missing_personal_stages``); a
user without any gets the profile's ``project.personal_stages`` made first. The simulator
keeps the records in their model's table and their stage in the shared relation table,
where ``personal_stage_type_ids`` reads it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from simulator import hooks
from simulator.models import mail

PROJECT, TASK, STAGE, PERSONAL = "project.project", "project.task", "project.task.type", "project.task.stage.personal"
#: project.task.stage.personal's table in Odoo, shared with the assignees' many2many.
RELATION = "project_task_user_rel"
#: 16.0's recurrence selections (``DAYS``, ``MONTHS`` of project_task_recurrence.py).
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
#: ``CLOSED_STATES`` (17+).
CLOSED_STATES = ("1_done", "1_canceled")
#: ``_compute_rating_request_deadline``: days per rating frequency.
RATING_PERIODS = {"daily": 1, "weekly": 7, "bimonthly": 15, "monthly": 30, "quarterly": 90, "yearly": 365}


def _has(env: Any, model: str, name: str) -> bool:
    return model in env.db.schemas and name in env.db.schema(model).fields


# -- creation ----------------------------------------------------------------------------


def _creation_message(env: Any, task_id: int) -> str:
    """``project.task._creation_message`` (18+)."""
    rows = env.db.store.query("SELECT project_id FROM project_task WHERE id = ?", (task_id,))
    project = rows[0][0] if rows else None
    if project:
        name = env.db.reader.display_names(env.sudo(), env.db.schema(PROJECT), [project]).get(project, "")
        return f'A new task has been created in the "{name}" project.'
    return "A new task has been created and is not part of any project."


mail.creation_messages[TASK] = _creation_message


@hooks.on(hooks.after_create, TASK)
def _task_created(env: Any, ids: list[int], vals_list: list[dict]) -> None:
    """What ``project.task.create`` adds: assignees' personal stages, the portal token of a
    task in a portal project, the assignees (``_message_auto_subscribe``) and the creator
    as followers, whatever the context."""
    sync_personal_stages(env, ids)
    store = env.db.store
    for task_id in ids:
        rows = store.query(
            "SELECT p.privacy_visibility FROM project_task t JOIN project_project p "
            "ON p.id = t.project_id WHERE t.id = ?",
            (task_id,),
        )
        if rows and rows[0][0] == "portal" and _has(env, TASK, "access_token"):
            store.execute(
                "UPDATE project_task SET access_token = COALESCE(access_token, ?) WHERE id = ?",
                (str(uuid.uuid4()), task_id),
            )
    if not mail.is_thread(env, TASK) or env.context.get("tracking_disable"):
        return
    creator = mail.user_partner(env)
    for task_id in ids:
        mail.subscribe(env, TASK, task_id, [creator] if creator else [])
        others = [p for p in _assignee_partners(env, task_id) if p != creator]
        mail.subscribe(env, TASK, task_id, others)


@hooks.on(hooks.after_write, TASK)
def _task_written(env: Any, ids: list[int], vals: dict) -> None:
    if "user_ids" in vals:
        sync_personal_stages(env, ids)
        if mail.is_thread(env, TASK):
            creator = mail.user_partner(env)
            for task_id in ids:
                mail.subscribe(env, TASK, task_id, [p for p in _assignee_partners(env, task_id) if p != creator])


def _assignee_partners(env: Any, task_id: int) -> list[int]:
    return [
        r[0]
        for r in env.db.store.query(
            f"SELECT u.partner_id FROM {RELATION} r JOIN res_users u ON u.id = r.user_id "
            "WHERE r.task_id = ? ORDER BY r.rowid",
            (task_id,),
        )
    ]


@hooks.on(hooks.after_create, PROJECT)
def _project_created(env: Any, ids: list[int], vals_list: list[dict]) -> None:
    rating_deadlines(env, PROJECT, ids)


@hooks.on(hooks.after_write, PROJECT)
def _project_period_written(env: Any, ids: list[int], vals: dict) -> None:
    if "rating_status_period" in vals:
        rating_deadlines(env, PROJECT, ids)


@hooks.on(hooks.after_write, STAGE)
def _stage_period_written(env: Any, ids: list[int], vals: dict) -> None:
    if "rating_status_period" in vals:
        rating_deadlines(env, STAGE, ids)


def rating_deadlines(env: Any, model: str, ids: list[int]) -> None:
    """``rating_request_deadline`` (stored, a project's up to 18, a stage's in 19): now plus
    the rating frequency's days."""
    fld = env.db.schema(model).fields.get("rating_request_deadline")
    if fld is None or not fld.is_column or not ids:
        return
    table = env.db.schema(model).table
    now = env.db.clock()
    marks = ",".join("?" * len(ids))
    for record_id, period in env.db.store.query(
        f'SELECT id, rating_status_period FROM "{table}" WHERE id IN ({marks})', ids
    ):
        deadline = now + dt.timedelta(days=RATING_PERIODS.get(period, 0))
        env.db.store.execute(
            f'UPDATE "{table}" SET rating_request_deadline = ? WHERE id = ?',
            (deadline.strftime("%Y-%m-%d %H:%M:%S"), record_id),
        )


# -- personal stages ----------------------------------------------------------------------


def sync_personal_stages(env: Any, ids: list[int]) -> None:
    """A personal stage per (task, assignee), dropped with the assignee; those without a
    stage get the user's first one (``_populate_missing_personal_stages``)."""
    if PERSONAL not in env.db.schemas or not ids:
        return
    store, marks = env.db.store, ",".join("?" * len(ids))
    assigned = store.query(
        f"SELECT task_id, user_id FROM {RELATION} WHERE task_id IN ({marks}) AND user_id IS NOT NULL ORDER BY rowid",
        ids,
    )
    personal = {
        (t, u): (i, s)
        for i, t, u, s in store.query(
            f"SELECT id, task_id, user_id, stage_id FROM project_task_stage_personal WHERE task_id IN ({marks})", ids
        )
    }
    for key, (record_id, _stage) in personal.items():
        if key not in assigned:
            store.execute("DELETE FROM project_task_stage_personal WHERE id = ?", (record_id,))
    schema = env.db.schema(PERSONAL)
    for task_id, user_id in assigned:
        record_id, stage = personal.get((task_id, user_id), (None, None))
        if record_id is None:
            record_id = env.db.writer.create(env.sudo(), schema, {"task_id": task_id, "user_id": user_id})
        if not stage:
            stage = first_personal_stage(env, user_id) or _create_personal_stages(env, user_id)
            store.execute("UPDATE project_task_stage_personal SET stage_id = ? WHERE id = ?", (stage, record_id))
        # the stage read through personal_stage_type_ids: on the assignee's row of the relation
        store.execute(
            f"DELETE FROM {RELATION} WHERE task_id = ? AND user_id IS NULL AND stage_id = ?", (task_id, stage)
        )
        store.execute(
            f"UPDATE {RELATION} SET stage_id = ? WHERE task_id = ? AND user_id = ?", (stage, task_id, user_id)
        )


def first_personal_stage(env: Any, user_id: int) -> int | None:
    """``project.task.type.search([('user_id', '=', user)], limit=1)``."""
    if STAGE not in env.db.schemas:
        return None
    found = env.db.model(env.sudo(), STAGE)._search_ids([("user_id", "=", user_id)], limit=1)
    return found[0] if found else None


@hooks.group_expander(TASK, "personal_stage_type_ids")
def _user_personal_stages(env: Any) -> list[int]:
    """``_read_group_personal_stage_type_ids``: every personal stage of the current user."""
    return env.db.model(env.sudo(), STAGE)._search_ids([("user_id", "=", env.uid)])


def _create_personal_stages(env: Any, user_id: int) -> int:
    """``_get_default_personal_stage_create_vals``: the user's stages; the first one."""
    quirks = env.db.profile.quirks.project
    schema = env.db.schema(STAGE)
    made = [
        env.db.writer.create(
            env.sudo(),
            schema,
            {"sequence": n, "name": name, "user_id": user_id, "fold": name in quirks.folded_personal_stages},
        )
        for n, name in enumerate(quirks.personal_stages, start=1)
    ]
    rating_deadlines(env, STAGE, made)
    return made[0]


def _personal_records(env: Any, ids: list[int]) -> dict[int, tuple[int, int | None]]:
    """task -> (its personal stage record for the current user, that record's stage)."""
    if not ids or PERSONAL not in env.db.schemas:
        return {}
    marks = ",".join("?" * len(ids))
    return {
        t: (i, s)
        for i, t, s in env.db.store.query(
            f"SELECT id, task_id, stage_id FROM project_task_stage_personal WHERE user_id = ? AND task_id IN ({marks})",
            [env.uid, *ids],
        )
    }


@hooks.compute(TASK, "personal_stage_id")
def _personal_stage_id(env: Any, ids: list[int]) -> dict[int, Any]:
    found = _personal_records(env, ids)
    return {i: found[i][0] if i in found else False for i in ids}


@hooks.compute(TASK, "personal_stage_type_id")
def _personal_stage_type_id(env: Any, ids: list[int]) -> dict[int, Any]:
    found = _personal_records(env, ids)
    return {i: (found[i][1] or False) if i in found else False for i in ids}


@hooks.display_name(PERSONAL)
def _personal_stage_names(env: Any, ids: list[int]) -> dict[int, str]:
    """Named after its stage (``_rec_name = 'stage_id'``)."""
    rows = env.db.reader.rows(env, env.db.schema(PERSONAL), ids, ["stage_id"])
    stages = env.db.reader.display_names(
        env.sudo(), env.db.schema(STAGE), [r["stage_id"] for r in rows.values() if r["stage_id"]]
    )
    return {i: stages.get(row["stage_id"], "") for i, row in rows.items()}


@hooks.method(TASK, "default_get", on_model=True)
def _task_default_get(env: Any, fields_list: Any) -> dict:
    """``_default_personal_stage_type_id``: the user's first personal stage, once it exists;
    16.0's recurrence defaults from today (``Task.default_get``)."""
    values = env[TASK].default_get(fields_list)
    if "personal_stage_type_id" in values:
        values["personal_stage_type_id"] = first_personal_stage(env, env.uid) or False
    return _recurrence_from_today(env, values, fields_list)


def _recurrence_from_today(env: Any, values: dict, fields_list: Any) -> dict:
    """16.0: today's weekday flag (when every day is asked), day of the month, month and
    weekday; the recorded values are the capture day's."""
    if "repeat_day" not in values:
        return values
    today = env.db.clock().date()
    values = {k: v for k, v in values.items() if k not in WEEKDAYS}
    if all(day in (fields_list or ()) for day in WEEKDAYS):
        values[WEEKDAYS[today.weekday()]] = True
    values["repeat_day"] = str(today.day)
    if "repeat_month" in values:
        values["repeat_month"] = MONTHS[today.month - 1]
    if "repeat_weekday" in values:
        values["repeat_weekday"] = WEEKDAYS[today.weekday()]
    return values


# -- portal (portal.mixin) ------------------------------------------------------------------


@hooks.compute(PROJECT, "access_url")
def _project_url(env: Any, ids: list[int]) -> dict[int, str]:
    return {i: f"/my/projects/{i}" for i in ids}


@hooks.compute(TASK, "access_url")
def _task_url(env: Any, ids: list[int]) -> dict[int, str]:
    return {i: f"/my/tasks/{i}" for i in ids}


@hooks.compute(PROJECT, "access_warning")
@hooks.compute(TASK, "access_warning")
def _access_warning(env: Any, ids: list[int]) -> dict[int, str]:
    """``_compute_access_warning``: nothing to warn about (no portal sharing configured)."""
    return {i: "" for i in ids}


# -- names and counts -------------------------------------------------------------------------


@hooks.compute(TASK, "link_preview_name")
def _link_preview_name(env: Any, ids: list[int]) -> dict[int, str]:
    """``_compute_link_preview_name`` (18+): ``<task> | <project>``."""
    rows = env.db.reader.rows(env, env.db.schema(TASK), ids, ["name", "project_id"])
    projects = env.db.reader.display_names(
        env.sudo(), env.db.schema(PROJECT), [r["project_id"] for r in rows.values() if r["project_id"]]
    )
    return {
        i: f"{row['name']} | {projects[row['project_id']]}" if row["project_id"] in projects else row["name"]
        for i, row in rows.items()
    }


@hooks.compute(TASK, "portal_user_names")
def _portal_user_names(env: Any, ids: list[int]) -> dict[int, Any]:
    """The assignees' names, comma separated (``_compute_portal_user_names``)."""
    names: dict[int, list[str]] = {i: [] for i in ids}
    marks = ",".join("?" * len(ids))
    for task_id, name in env.db.store.query(
        f"SELECT r.task_id, p.name FROM {RELATION} r JOIN res_users u ON u.id = r.user_id "
        f"JOIN res_partner p ON p.id = u.partner_id WHERE r.task_id IN ({marks}) ORDER BY r.rowid",
        ids,
    ):
        names[task_id].append(name)
    return {i: ", ".join(found) or False for i, found in names.items()}


def _task_counts(env: Any, ids: list[int]) -> dict[int, dict[str, int]]:
    """Active tasks per project: open and closed (17+ ``state``), and, for 16, those not in a
    folded stage with and without subtasks (``display_project_id``)."""
    counts = {i: {"open": 0, "closed": 0, "top": 0, "all": 0} for i in ids}
    if not ids:
        return counts
    schema = env.db.schema(TASK)
    state = "t.state" if "state" in schema.fields and schema.fields["state"].is_column else "NULL"
    display = "display_project_id" if "display_project_id" in schema.fields else "project_id"
    marks = ",".join("?" * len(ids))
    for project, task_state, shown, folded in env.db.store.query(
        f"SELECT t.project_id, {state}, t.{display}, s.fold FROM project_task t "
        f"LEFT JOIN project_task_type s ON s.id = t.stage_id WHERE t.active AND t.project_id IN ({marks})",
        ids,
    ):
        found = counts[project]
        found["closed" if task_state in CLOSED_STATES else "open"] += 1
        if not folded:
            found["all"] += 1
            found["top"] += 1 if shown else 0
    return counts


@hooks.compute(PROJECT, "task_count")
def _task_count(env: Any, ids: list[int]) -> dict[int, int]:
    counts = _task_counts(env, ids)
    if _has(env, PROJECT, "open_task_count"):  # 17+: open + closed
        return {i: c["open"] + c["closed"] for i, c in counts.items()}
    return {i: c["top"] for i, c in counts.items()}


@hooks.compute(PROJECT, "task_count_with_subtasks")
def _task_count_with_subtasks(env: Any, ids: list[int]) -> dict[int, int]:
    return {i: c["all"] for i, c in _task_counts(env, ids).items()}


@hooks.compute(PROJECT, "open_task_count")
def _open_task_count(env: Any, ids: list[int]) -> dict[int, int]:
    return {i: c["open"] for i, c in _task_counts(env, ids).items()}


@hooks.compute(PROJECT, "closed_task_count")
def _closed_task_count(env: Any, ids: list[int]) -> dict[int, int]:
    return {i: c["closed"] for i, c in _task_counts(env, ids).items()}


@hooks.compute("res.partner", "task_count")
def _partner_task_count(env: Any, ids: list[int]) -> dict[int, int]:
    """Tasks of the partner and of its contacts (``child_of``), active ones."""
    counts = {}
    for partner_id in ids:
        family = [
            r[0]
            for r in env.db.store.query(
                "WITH RECURSIVE f(id) AS (SELECT ? UNION SELECT p.id FROM res_partner p JOIN f ON p.parent_id = f.id) "
                "SELECT id FROM f",
                (partner_id,),
            )
        ]
        marks = ",".join("?" * len(family))
        counts[partner_id] = env.db.store.query(
            f"SELECT count(*) FROM project_task WHERE active AND partner_id IN ({marks})", family
        )[0][0]
    return counts


@hooks.compute(TASK, "duration_tracking")
def _duration_tracking(env: Any, ids: list[int]) -> dict[int, Any]:
    """``mail.tracking.duration.mixin`` (17+): seconds spent per stage; without stage
    trackings, all of the task's life in its current stage (``"false"`` for none)."""
    rows = env.db.reader.rows(env, env.db.schema(TASK), ids, ["stage_id", "create_date"])
    now = env.db.clock()
    found = {}
    for i, row in rows.items():
        created = dt.datetime.strptime(row["create_date"][:19], "%Y-%m-%d %H:%M:%S") if row["create_date"] else now
        found[i] = {str(row["stage_id"]) if row["stage_id"] else "false": int((now - created).total_seconds())}
    return found
