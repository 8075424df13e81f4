"""Analytic accounting: plans, plan columns, account names, line constraints.

What differs per version is read from the profile's ``analytic`` section:
``plan_columns`` (none on 16; a ``x_plan<ID>_id`` column per root plan on the
line in 17; on every ``analytic.plan.fields.mixin`` model in 18), the line's
``account_id = False`` rule and what changing an account's plan does.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from typing import Any

from simulator import hooks
from simulator.errors import RedirectWarning, ValidationError

PLAN = "account.analytic.plan"
ACCOUNT = "account.analytic.account"
LINE = "account.analytic.line"


# -- plans ---------------------------------------------------------------------


def _plan_rows(env: Any, ids: list[int]) -> dict[int, dict]:
    return env.db.reader.rows(env, env.db.schema(PLAN), ids, ["name", "parent_id", "parent_path"])


def _refresh_plan_paths(env: Any, ids: list[int]) -> None:
    """Stored ``parent_path`` and ``complete_name`` ("Parent / Child"), children included."""
    rows = _plan_rows(env, ids)
    for plan_id, row in rows.items():
        parent = _plan_rows(env, [row["parent_id"]]).get(row["parent_id"]) if row["parent_id"] else None
        path = f"{parent['parent_path'] if parent else ''}{plan_id}/"
        name = row["name"] or ""
        if parent:
            parent_name = env.db.store.query(
                "SELECT complete_name FROM account_analytic_plan WHERE id = ?", (parent["id"],)
            )[0][0]
            name = f"{parent_name} / {name}"
        env.db.store.execute(
            "UPDATE account_analytic_plan SET parent_path = ?, complete_name = ? WHERE id = ?", (path, name, plan_id)
        )
        children = [
            r[0] for r in env.db.store.query("SELECT id FROM account_analytic_plan WHERE parent_id = ?", (plan_id,))
        ]
        if children:
            _refresh_plan_paths(env, children)


@hooks.compute(PLAN, "root_id")
def _root_id(env: Any, ids: list[int]) -> dict[int, Any]:
    """The topmost plan, from ``parent_path``; a bare id, which the reader shapes per ``load``."""
    rows = _plan_rows(env, ids)
    return {
        i: int(rows[i]["parent_path"].split("/")[0]) if i in rows and rows[i]["parent_path"] else False for i in ids
    }


@hooks.compute(PLAN, "children_count", "account_count")
def _counts(env: Any, ids: list[int]) -> dict[int, int]:
    return {i: 0 for i in ids}


def project_plan_id(db: Any) -> int | None:
    key = db.profile.quirks.analytic.project_plan_parameter
    if not key:
        return None
    rows = db.store.query("SELECT value FROM ir_config_parameter WHERE key = ?", (key,))
    return int(rows[0][0]) if rows and rows[0][0] else None


def column_name(db: Any, root_id: int) -> str:
    """Odoo's ``_strict_column_name``: the project plan owns ``account_id``."""
    return "account_id" if root_id == project_plan_id(db) else f"x_plan{root_id}_id"


def _column_models(db: Any) -> list[str]:
    mode = db.profile.quirks.analytic.plan_columns
    if mode == "line":
        return [LINE]
    if mode == "mixin":
        return list(db.profile.quirks.analytic.mixin_models)
    return []


def _add_plan_column(db: Any, plan_id: int, name: str, uid: int | None) -> None:
    """A root plan gets a many2one column, labelled with the plan, on each plan model."""
    column = column_name(db, plan_id)
    for model in _column_models(db):
        schema = db.schema(model)
        if column in schema.fields:  # a new Field: the profile's are shared by its databases
            schema.fields[column] = dataclasses.replace(
                schema.fields[column], attrs={**schema.fields[column].attrs, "string": name}
            )
            schema.changed()
            continue
        template = dict(schema.fields["account_id"].attrs)
        domain = re.sub(
            r"\('plan_id', 'child_of', \d+\)", f"('plan_id', 'child_of', {plan_id})", template.get("domain") or "[]"
        )
        template.update(name=column, string=name, manual=True, domain=domain)
        db.add_field(model, column, template)
        _register_ir_field(db, model, column, name, ACCOUNT, uid)


def _add_child_related(db: Any, plan_id: int, root_id: int, depth: int, uid: int | None) -> None:
    """18: a child plan adds ``x_<column>_<depth>`` (related ``<column>.plan_id``)."""
    column = column_name(db, root_id)
    name = f"{column}_{depth}"
    name = name if name.startswith("x_") else f"x_{name}"
    for model in _column_models(db):
        schema = db.schema(model)
        if name in schema.fields:
            continue
        attrs = dict(schema.fields[column].attrs)
        label = f"{attrs.get('string', column)} ({depth})"
        attrs.update(
            name=name,
            relation=PLAN,
            store=False,
            related=f"{column}.plan_id" + ".parent_id" * (depth - 1),
            manual=True,
            domain="[]",
            string=label,
            readonly=True,
        )
        db.add_field(model, name, attrs)
        _register_ir_field(db, model, name, attrs.get("string", name), PLAN, uid, related=attrs["related"])


def _register_ir_field(
    db: Any, model: str, name: str, label: str, relation: str, uid: int | None, related: str | None = None
) -> None:
    """The ir.model.fields record ``_sync_plan_column`` creates for a plan column, so clients
    listing fields see it: a stored many2one (its values per version: ``column_field``) or,
    for a child plan, a related one. A column that has its record already (a database
    reopened from ``--data``) keeps it."""
    if db.store.query("SELECT 1 FROM ir_model_fields WHERE model = ? AND name = ?", (model, name)):
        return
    model_row = db.store.query("SELECT id FROM ir_model WHERE model = ?", (model,))
    new_id = db.store.next_id("ir_model_fields")
    for _extra in range(db.profile.quirks.analytic.ir_field_ids_per_column - 1):
        db.store.next_id("ir_model_fields")  # 18 uses up a second id per manual column
    now = db.clock().strftime("%Y-%m-%d %H:%M:%S")
    row = {
        "id": new_id,
        "name": name,
        "model": model,
        "model_id": model_row[0][0] if model_row else None,
        "field_description": label,
        "ttype": "many2one",
        "relation": relation,
        "state": "manual",
        "domain": "[]",
        "modules": "",
        "selectable": 1,
        "required": 0,
        "index": 0,
        "on_delete": "set null",
        "store": int(not related),
        "readonly": int(bool(related)),
        "copied": int(not related),
        "create_uid": uid,
        "write_uid": uid,
        "create_date": now,
        "write_date": now,
    }
    if related:
        row.update(related=related, related_field_id=_related_field_id(db, model, related))
    else:
        row.update(db.profile.quirks.analytic.column_field)
    kept = {column: value for column, value in row.items() if column in db.store.columns("ir_model_fields")}
    columns = ", ".join(f'"{column}"' for column in kept)
    db.store.execute(
        f"INSERT INTO ir_model_fields ({columns}) VALUES ({', '.join('?' * len(kept))})", list(kept.values())
    )


def _related_field_id(db: Any, model: str, related: str) -> int | None:
    """The ir.model.fields id of the field a ``related`` path ends on."""
    *hops, last = related.split(".")
    for hop in hops:
        model = db.schema(model).fields[hop].relation
    rows = db.store.query("SELECT id FROM ir_model_fields WHERE model = ? AND name = ?", (model, last))
    return rows[0][0] if rows else None


def _sync_columns(db: Any, uid: int | None = None) -> None:
    """Existing root plans (the seed's project plan) own their columns from the start."""
    if not _column_models(db):
        return
    for plan_id, parent_id, name, path in db.store.query(
        "SELECT id, parent_id, name, parent_path FROM account_analytic_plan ORDER BY id"
    ):
        if not parent_id:
            _add_plan_column(db, plan_id, name, uid)
        elif db.profile.quirks.analytic.child_plan_related:
            root = int(path.split("/")[0])
            _add_child_related(db, plan_id, root, len(path.strip("/").split("/")) - 1, uid)


hooks.install.append(_sync_columns)


@hooks.on(hooks.after_create, PLAN)
def _plan_created(env: Any, ids: list[int], _vals_list: list[dict]) -> None:
    _refresh_plan_paths(env, ids)
    _sync_columns(env.db, env.uid)


@hooks.on(hooks.after_write, PLAN)
def _plan_written(env: Any, ids: list[int], vals: dict) -> None:
    if {"name", "parent_id"} & set(vals):
        _refresh_plan_paths(env, ids)
        _sync_columns(env.db, env.uid)


def _label_plan_columns(model: str, env: Any, result: dict) -> None:
    """17+: plan columns are labelled with their plan and get its domain, but only
    for users who may read plans; others see the field's own label."""
    db = env.db
    if model not in _column_models(db):
        return
    readable = env.su or db.access.allowed(env.uid, PLAN, "read")
    for plan_id, name in db.store.query(
        "SELECT id, name FROM account_analytic_plan WHERE parent_id IS NULL ORDER BY id"
    ):
        column = column_name(db, plan_id)
        if column not in result:
            continue
        if readable:
            result[column]["string"] = name
            result[column]["domain"] = db.schema(model).fields[column].attrs.get("domain", "[]")
        elif "string" in result[column]:
            result[column]["string"] = _base_label(db, model, column)


def _base_label(db: Any, model: str, column: str) -> str:
    rows = db.store.query("SELECT field_description FROM ir_model_fields WHERE model = ? AND name = ?", (model, column))
    return rows[0][0] if rows else column


for _model in (LINE, "project.project"):
    hooks.on(hooks.fields_get, _model)(functools.partial(_label_plan_columns, _model))


# -- accounts ------------------------------------------------------------------


@hooks.display_name(ACCOUNT)
def _account_names(env: Any, ids: list[int]) -> dict[int, str]:
    """``[code] name - commercial partner`` as in ``_compute_display_name`` (16: ``name_get``)."""
    schema = env.db.schema(ACCOUNT)
    rows = env.db.reader.rows(env, schema, ids, ["name", "code", "partner_id"])
    partner_schema = env.db.schema("res.partner")
    linked = env.db.reader.rows(
        env, partner_schema, [r["partner_id"] for r in rows.values() if r["partner_id"]], ["commercial_partner_id"]
    )
    commercial = {i: row["commercial_partner_id"] or i for i, row in linked.items()}
    names_of = env.db.reader.rows(env, partner_schema, sorted(set(commercial.values())), ["name"])
    partners = {i: names_of.get(c, {}).get("name") for i, c in commercial.items()}
    names = {}
    for i, row in rows.items():
        name = row["name"] or ""
        if row["code"]:
            name = f"[{row['code']}] {name}"
        if row["partner_id"] and partners.get(row["partner_id"]):
            name = f"{name} - {partners[row['partner_id']]}"
        names[i] = name
    return names


def _refresh_root_plan(env: Any, ids: list[int], vals: Any) -> None:
    """16 stores ``root_plan_id`` computed from the plan's parent_path (17+: related)."""
    fld = env.db.schema(ACCOUNT).fields.get("root_plan_id")
    if fld is None or not fld.is_column or fld.related:
        return
    holders = ",".join("?" * len(ids))
    env.db.store.execute(
        "UPDATE account_analytic_account SET root_plan_id = (SELECT CAST(substr(p.parent_path, 1, "
        "instr(p.parent_path, '/') - 1) AS INTEGER) FROM account_analytic_plan p WHERE "
        f"p.id = account_analytic_account.plan_id) WHERE id IN ({holders})",
        ids,
    )


hooks.on(hooks.after_create, ACCOUNT)(_refresh_root_plan)
hooks.on(hooks.after_write, ACCOUNT)(_refresh_root_plan)


@hooks.on(hooks.before_write, ACCOUNT)
def _plan_change(env: Any, ids: list[int], vals: dict) -> None:
    """18 refuses to move an account with lines to another plan (RedirectWarning)."""
    if "plan_id" not in vals or env.db.profile.quirks.analytic.plan_change_with_lines != "redirect_warning":
        return
    holders = ",".join("?" * len(ids))
    used = env.db.store.query(f"SELECT 1 FROM account_analytic_line WHERE account_id IN ({holders}) LIMIT 1", ids)
    if not used:
        return
    new_root = int(_plan_rows(env, [vals["plan_id"]])[vals["plan_id"]]["parent_path"].split("/")[0])
    column = column_name(env.db, new_root)
    raise RedirectWarning(
        "Whoa there! Making this change would wipe out your current data. Let's avoid that, shall we?",
        {
            "res_model": LINE,
            "type": "ir.actions.act_window",
            "domain": [(column, "not in", [*ids, False]), ("account_id", "in", ids)],
            "target": "new",
            "views": [(env.db.profile.quirks.analytic.lines_list_view, "list")],
        },
        "See them",
    )


# -- lines -------------------------------------------------------------------------


def _check_line_account(env: Any, vals: dict) -> None:
    """18's constraint; 16's NOT NULL column is enforced by the writer like any other."""
    rule = env.db.profile.quirks.analytic.line_account_false
    if "account_id" not in vals or vals["account_id"] or rule in ("allow", "mandatory"):
        return
    raise ValidationError(rule)


@hooks.on(hooks.after_create, LINE)
def _check_created_lines(env: Any, _ids: list[int], vals_list: list[dict]) -> None:
    """A constraint, so it runs after the INSERT (the id is used up, as in Odoo)."""
    for vals in vals_list:
        _check_line_account(env, vals)


hooks.on(hooks.before_write, LINE)(lambda env, _ids, vals: _check_line_account(env, vals))


# -- plan counts (``_compute_analytic_account_count`` and friends) ----------------------------


def _x2many_count(env: Any, field: str, ids: list[int]) -> dict[int, int]:
    schema = env.db.schema(PLAN)
    linked = env.db.reader.x2many_ids(env, schema, schema.fields[field], ids)
    return {i: len(linked.get(i) or []) for i in ids}


@hooks.compute(PLAN, "account_count")
def _account_count(env: Any, ids: list[int]) -> dict[int, int]:
    """``len(plan.account_ids)``: the plan's own active accounts."""
    return _x2many_count(env, "account_ids", ids)


@hooks.compute(PLAN, "children_count")
def _children_count(env: Any, ids: list[int]) -> dict[int, int]:
    return _x2many_count(env, "children_ids", ids)


@hooks.compute(PLAN, "all_account_count")
def _all_account_count(env: Any, ids: list[int]) -> dict[int, int]:
    """The active accounts of the plan and its descendants (``plan_id child_of``)."""
    accounts = env[ACCOUNT]
    return {i: accounts.search_count([("plan_id", "child_of", i)]) for i in ids}


# -- account amounts (``_compute_debit_credit_balance``) --------------------------------------


def _line_column(env: Any, plan_id: int | None) -> str:
    """The line column holding an account of ``plan_id``: its root plan's column (17+), the
    one ``account_id`` where plans have no columns (16)."""
    if not plan_id or not _column_models(env.db):
        return "account_id"
    path = env.db.store.query("SELECT parent_path FROM account_analytic_plan WHERE id = ?", (plan_id,))
    root = int(path[0][0].split("/")[0]) if path and path[0][0] else plan_id
    return column_name(env.db, root)


def _amounts(env: Any, ids: list[int]) -> dict[int, tuple[float, float]]:
    """(credit, debit) per account: the sums of its lines' positive and negative amounts."""
    found = {i: (0.0, 0.0) for i in ids}
    for account_id, plan_id in env.db.store.query(
        f"SELECT id, plan_id FROM account_analytic_account WHERE id IN ({','.join('?' * len(ids))})", ids
    ):
        column = _line_column(env, plan_id)
        if column not in env.db.schema(LINE).fields:
            continue
        credit, debit = env.db.store.query(
            f"SELECT COALESCE(SUM(CASE WHEN amount >= 0 THEN amount END), 0), "
            f'COALESCE(SUM(CASE WHEN amount < 0 THEN amount END), 0) FROM account_analytic_line WHERE "{column}" = ?',
            (account_id,),
        )[0]
        found[account_id] = (float(credit), 0.0 - float(debit))
    return found


@hooks.compute(ACCOUNT, "balance")
def _balance(env: Any, ids: list[int]) -> dict[int, float]:
    return {i: credit - debit for i, (credit, debit) in _amounts(env, ids).items()}


@hooks.compute(ACCOUNT, "credit")
def _credit(env: Any, ids: list[int]) -> dict[int, float]:
    return {i: credit for i, (credit, _debit) in _amounts(env, ids).items()}


@hooks.compute(ACCOUNT, "debit")
def _debit(env: Any, ids: list[int]) -> dict[int, float]:
    return {i: debit for i, (_credit, debit) in _amounts(env, ids).items()}


# -- 19's distribution of a line (``_compute_analytic_distribution``) -------------------------


@hooks.compute(LINE, "analytic_distribution")
def _distribution(env: Any, ids: list[int]) -> dict[int, dict]:
    """``{"<account ids>": 100}``: the line's accounts, project plan's column first, then
    the other root plans' in the plans' order, joined by commas."""
    schema = env.db.schema(LINE)
    plans = env.db.model(env, PLAN)
    roots = plans.search([("parent_id", "=", False)])
    project = project_plan_id(env.db)
    ordered = ([project] if project in roots else []) + [r for r in roots if r != project]
    columns = [c for c in (column_name(env.db, r) for r in ordered) if c in schema.fields]
    rows = env.db.reader.rows(env, schema, ids, columns)
    return {i: {",".join(str(row[c]) for c in columns if row[c]): 100} for i, row in rows.items()}
