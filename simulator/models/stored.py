"""Stored computed fields Odoo sets when a record is created or changed.

The recorded seed holds what install computed; records created through the API need
the same columns filled, since clients search, sort and group by them (``read_group``
on ``commercial_company_name``, a project's company). Each compute below is Odoo's own
(named after its ``_compute_*`` method) and runs only where the version's recorded
``fields_get`` has the field as a stored computed one (``store`` and ``depends``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from simulator import hooks

PARTNER, USERS, PROJECT, TASK = "res.partner", "res.users", "project.project", "project.task"
#: ``tools.email_normalize``: the one address of the text (``Name <a@b>`` too), lowercased.
EMAIL = re.compile(r"[^\s<>@,;\"]+@[^\s<>@,;\"]+")


def _computed(env: Any, model: str, name: str) -> bool:
    """The version stores ``name`` and computes it (``depends``, recorded by fields_get)."""
    fld = env.db.schema(model).fields.get(name)
    return fld is not None and fld.is_column and bool(fld.attrs.get("depends"))


def _rows(env: Any, model: str, ids: list[int], names: list[str]) -> dict[int, dict]:
    schema = env.db.schema(model)
    return env.db.reader.rows(env, schema, ids, [n for n in names if n in schema.fields and schema.fields[n].is_column])


def _store(env: Any, model: str, values: dict[str, dict[int, Any]]) -> None:
    table = env.db.schema(model).table
    for name, by_id in values.items():
        env.db.store.conn.executemany(
            f'UPDATE "{table}" SET "{name}" = ? WHERE id = ?', [(value, i) for i, value in by_id.items()]
        )


# -- res.partner -----------------------------------------------------------------------


def email_normalize(text: Any) -> str | bool:
    found = EMAIL.findall(text) if isinstance(text, str) else []
    return found[0].lower() if len(found) == 1 else False


def _email_normalized(row: dict) -> str | None:
    return email_normalize(row.get("email")) or None


def _phone_sanitized(row: dict) -> str | None:
    """Mail's phone mixin: the first of ``mobile``/``phone``, as written when no phone library formats it."""
    return (row.get("mobile") or row.get("phone") or "").strip() or None


def _company_name(entity: dict) -> Any:
    """``_compute_commercial_company_name``, from the commercial entity's row."""
    return entity.get("name") if entity.get("is_company") else None


#: ``partner_created``'s computes for a partner that is its own commercial entity, from its row.
STANDALONE: dict[str, Callable[[dict], Any]] = {
    "email_normalized": _email_normalized,
    "phone_sanitized": _phone_sanitized,
    "commercial_company_name": _company_name,
    "partner_share": lambda _row: 1,  # ``_compute_partner_share``: no user yet
}
#: The columns they read.
OWN_INPUTS = ("name", "is_company", "email", "phone", "mobile")


def own_row(env: Any) -> bool:
    """Whether the row a partner is inserted with is what the ``STANDALONE`` computes read: none
    of their inputs is translated (a context language reads another value); kept with the schema."""
    schema = env.db.schema(PARTNER)
    return schema.prepared(
        "own_row", lambda: not any(schema.fields[n].attrs.get("translate") for n in OWN_INPUTS if n in schema.fields)
    )


def standalone_values(env: Any, row: dict) -> dict[str, Any]:
    """What ``partner_created`` stores for a new partner that is its own commercial entity and
    no other partner's, from the row it is inserted with (``own_row``)."""
    computes = env.db.schema(PARTNER).prepared(
        "standalone_computes", lambda: {n: f for n, f in STANDALONE.items() if _computed(env, PARTNER, n)}
    )
    return {name: compute(row) for name, compute in computes.items()}


def _partner_fields(env: Any, ids: list[int], changed: set[str] | None) -> None:
    """``_compute_email_normalized``, ``_compute_phone_sanitized`` and
    ``_compute_commercial_company_name``, for the records whose inputs changed."""
    values: dict[str, dict[int, Any]] = {}
    rows = _rows(env, PARTNER, ids, ["email", "phone", "mobile", "commercial_partner_id"])
    if _computed(env, PARTNER, "email_normalized") and (changed is None or "email" in changed):
        values["email_normalized"] = {i: _email_normalized(row) for i, row in rows.items()}
    if _computed(env, PARTNER, "phone_sanitized") and (changed is None or {"phone", "mobile"} & changed):
        values["phone_sanitized"] = {i: _phone_sanitized(row) for i, row in rows.items()}
    _store(env, PARTNER, values)
    if _computed(env, PARTNER, "commercial_company_name") and (
        changed is None or {"name", "is_company", "parent_id"} & changed
    ):
        _commercial_company_names(env, ids)


def _commercial_company_names(env: Any, ids: list[int]) -> None:
    """``commercial_partner_id.is_company and commercial_partner_id.name``, for ``ids`` and
    every partner whose commercial entity they are."""
    holders = ",".join("?" * len(ids))
    affected = [
        r[0]
        for r in env.db.store.query(
            f"SELECT id FROM res_partner WHERE id IN ({holders}) OR commercial_partner_id IN ({holders})", [*ids, *ids]
        )
    ]
    rows = _rows(env, PARTNER, affected, ["commercial_partner_id"])
    entities = _rows(
        env,
        PARTNER,
        list({r["commercial_partner_id"] for r in rows.values() if r["commercial_partner_id"]}),
        ["name", "is_company"],
    )
    names = {i: _company_name(entities.get(row["commercial_partner_id"] or 0) or {}) for i, row in rows.items()}
    _store(env, PARTNER, {"commercial_company_name": names})


def _share(env: Any, user_ids: list[int]) -> dict[int, bool]:
    """``res.users.share``: not an internal user (base.group_user, given or implied)."""
    internal = env.db.xmlid("base", "group_user")
    return {u: not (internal and env.db.access.has_group(u, internal)) for u in user_ids}


def partner_created(env: Any, ids: list[int]) -> None:
    """The stored computes of new partners (``partner.py``'s create runs them, after the
    commercial entity and the synced fields they read)."""
    _partner_fields(env, ids, None)
    if _computed(env, PARTNER, "partner_share"):  # ``_compute_partner_share``: no user yet
        _store(env, PARTNER, {"partner_share": {i: 1 for i in ids}})


@hooks.on(hooks.after_write, PARTNER)
def _partner_written(env: Any, ids: list[int], vals: dict) -> None:
    _partner_fields(env, ids, set(vals))


@hooks.on(hooks.after_create, USERS)
def _user_created(env: Any, ids: list[int], _vals_list: list[dict]) -> None:
    """The user's partner: shared unless the user is internal (``_compute_partner_share``)."""
    if not _computed(env, PARTNER, "partner_share"):
        return
    partners = {i: row["partner_id"] for i, row in _rows(env, USERS, ids, ["partner_id"]).items()}
    shares = _share(env, ids)
    _store(env, PARTNER, {"partner_share": {p: int(shares[u]) for u, p in partners.items() if p}})


# -- project.project / project.task -------------------------------------------------------


def _account_field(env: Any) -> str | None:
    """The project's analytic account: ``analytic_account_id`` up to 17, ``account_id`` from 18."""
    fields = env.db.schema(PROJECT).fields
    return next(
        (
            n
            for n in ("account_id", "analytic_account_id")
            if n in fields and fields[n].relation == "account.analytic.account" and fields[n].is_column
        ),
        None,
    )


@hooks.unlink_override(PROJECT)
def _project_unlink(env: Any, ids: list[int], unlink: Callable[[], None]) -> None:
    """``project.project.unlink``: a project's analytic account that no analytic line uses (in any of
    its plan columns: ``line_ids`` is ``auto_account_id``'s from 17) goes with it, deleted by the same user."""
    account = _account_field(env)
    rows = _rows(env, PROJECT, ids, [account]).values() if account else ()
    accounts = {row[account] for row in rows if row[account]}
    unused = sorted(accounts - _used_accounts(env, accounts))
    unlink()
    if unused:
        env["account.analytic.account"].unlink(unused)


def _used_accounts(env: Any, accounts: set[int]) -> set[int]:
    """Of ``accounts``, those an analytic line names."""
    lines = env.db.schema("account.analytic.line")
    columns = [
        name for name, fld in lines.fields.items() if fld.relation == "account.analytic.account" and fld.is_column
    ]
    marks = ",".join("?" * len(accounts))
    return {
        value
        for column in columns
        for (value,) in env.db.store.query(
            f'SELECT DISTINCT "{column}" FROM "{lines.table}" WHERE "{column}" IN ({marks})', sorted(accounts)
        )
    }


def _project_fields(env: Any, ids: list[int], changed: set[str] | None) -> None:
    """``_compute_company_id`` (the account's company, else the customer's when unset) and
    16's ``_compute_partner_email``; the projects' tasks follow."""
    account = _account_field(env)
    values: dict[str, dict[int, Any]] = {}
    rows = _rows(env, PROJECT, ids, ["company_id", "partner_id", *([account] if account else [])])
    if account and _computed(env, PROJECT, "company_id") and (changed is None or {account, "partner_id"} & changed):
        companies = {}
        for i, row in rows.items():
            company = _company_of(env, "account.analytic.account", row.get(account))
            if not company and not row.get("company_id"):
                company = _company_of(env, PARTNER, row.get("partner_id"))
            companies[i] = company or row.get("company_id")
        values["company_id"] = companies
    if _computed(env, PROJECT, "partner_email") and (changed is None or "partner_id" in changed):
        values["partner_email"] = {i: _email_of(env, row.get("partner_id")) for i, row in rows.items()}
    _store(env, PROJECT, values)
    if "company_id" in values or (changed and "company_id" in changed):
        tasks = [
            r[0]
            for r in env.db.store.query(
                f"SELECT id FROM project_task WHERE project_id IN ({','.join('?' * len(ids))})", ids
            )
        ]
        if tasks:
            _task_fields(env, tasks, {"project_id"})


def _company_of(env: Any, model: str, record_id: Any) -> int | None:
    if not record_id:
        return None
    row = _rows(env, model, [record_id], ["company_id"]).get(record_id) or {}
    return row.get("company_id")


def _email_of(env: Any, partner_id: Any) -> str | None:
    if not partner_id:
        return None
    return (_rows(env, PARTNER, [partner_id], ["email"]).get(partner_id) or {}).get("email")


def _task_fields(env: Any, ids: list[int], changed: set[str] | None) -> None:
    """A task's stored computes: ``company_id`` (its project's, else its parent's),
    ``analytic_account_id`` (16/17: the project's), ``email_from`` and ``partner_email``
    (16: the customer's email), ``display_in_project`` (17+), and the figures a new task
    has none of yet (``rating_last_value``, ``working_*``: 0)."""
    project_account = _account_field(env)
    rows = _rows(
        env,
        TASK,
        ids,
        [
            "project_id",
            "parent_id",
            "partner_id",
            "company_id",
            "analytic_account_id",
            "email_from",
            "display_project_id",
        ],
    )
    values: dict[str, dict[int, Any]] = {}
    projects = _rows(
        env,
        PROJECT,
        list({r["project_id"] for r in rows.values() if r.get("project_id")}),
        ["company_id", *([project_account] if project_account else [])],
    )
    parents = _rows(
        env, TASK, list({r["parent_id"] for r in rows.values() if r.get("parent_id")}), ["company_id", "project_id"]
    )
    scope = changed is None or {"project_id", "parent_id"} & changed
    if _computed(env, TASK, "company_id") and scope:
        values["company_id"] = {
            i: (projects.get(row.get("project_id")) or {}).get("company_id")
            or (parents.get(row.get("parent_id")) or {}).get("company_id")
            for i, row in rows.items()
            if row.get("project_id") or row.get("parent_id")
        }
    if _computed(env, TASK, "analytic_account_id") and project_account and scope:
        values["analytic_account_id"] = {
            i: (projects.get(row.get("project_id")) or {}).get(project_account) for i, row in rows.items()
        }
    if changed is None or "partner_id" in changed:
        for name in ("email_from", "partner_email"):
            if _computed(env, TASK, name):
                values[name] = {i: _email_of(env, row.get("partner_id")) for i, row in rows.items()}
    if _computed(env, TASK, "display_in_project") and scope:
        values["display_in_project"] = {
            i: int(
                not row.get("project_id")
                or not row.get("parent_id")
                or row["project_id"] != (parents.get(row["parent_id"]) or {}).get("project_id")
            )
            for i, row in rows.items()
        }
    if changed is None:
        for name in (
            "rating_last_value",
            "working_hours_open",
            "working_hours_close",
            "working_days_open",
            "working_days_close",
        ):
            if _computed(env, TASK, name):
                values[name] = {i: 0.0 for i in ids}
    _store(env, TASK, values)


@hooks.on(hooks.after_create, PROJECT)
def _project_created(env: Any, ids: list[int], _vals_list: list[dict]) -> None:
    _project_fields(env, ids, None)


@hooks.on(hooks.after_write, PROJECT)
def _project_written(env: Any, ids: list[int], vals: dict) -> None:
    _project_fields(env, ids, set(vals))


@hooks.on(hooks.after_create, TASK)
def _task_created(env: Any, ids: list[int], vals_list: list[dict]) -> None:
    _task_fields(env, ids, None)
    if "display_project_id" in env.db.schema(TASK).fields:  # 16's create: a top task shows in its project
        rows = _rows(env, TASK, ids, ["project_id", "parent_id", "display_project_id"])
        _store(
            env,
            TASK,
            {
                "display_project_id": {
                    i: row["project_id"]
                    for i, row in rows.items()
                    if not row.get("parent_id") and not row.get("display_project_id") and row.get("project_id")
                }
            },
        )


@hooks.on(hooks.after_write, TASK)
def _task_written(env: Any, ids: list[int], vals: dict) -> None:
    _task_fields(env, ids, set(vals))
