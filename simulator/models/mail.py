"""mail.thread, mail.followers and mail.alias.mixin, as Odoo's ``mail`` module does them.

Messages, followers and aliases are served models (``mail.message``, ``mail.followers``,
``mail.alias``) whose fresh rows the profile records; what a thread record shows of them
(``message_ids``, ``message_follower_ids``, ``message_partner_ids``, ``has_message``,
``message_is_follower``...) is computed from those tables, as ``mail.thread`` computes it.

Creating a thread record does what ``mail.thread.create`` does: the creator's partner
follows it (``_message_subscribe``, unless ``mail_create_nosubscribe``), and a creation
message is logged ("Contact created", ``_message_log``) or, for a model with a creation
subtype (a task), posted with that subtype (``message_post``), unless ``mail_create_nolog``;
``tracking_disable`` skips both. A model with an alias (``mail.alias.mixin``: projects) gets
its ``mail.alias`` record first, then the alias is pointed at the new record.
"""

from __future__ import annotations

import ast
import random
import socket
import time
from collections.abc import Callable
from typing import Any

from simulator import hooks

MESSAGE, FOLLOWERS, ALIAS = "mail.message", "mail.followers", "mail.alias"
#: Served models that inherit ``mail.thread`` (res.users reads its partner's thread).
THREADS = (
    "res.partner",
    "res.company",
    "account.account",
    "account.journal",
    "account.move",
    "account.analytic.account",
    "project.project",
    "project.task",
)
#: Contexts a model's own ``create`` forces on ``mail.thread.create``.
FORCED_CONTEXT = {"project.project": {"mail_create_nosubscribe": True}, "account.journal": {"mail_create_nolog": True}}
#: ``_creation_subtype()``: the models posting their creation message with a subtype (xmlid).
CREATION_SUBTYPES = {"project.task": ("project", "mt_task_new")}
#: ``_creation_message()`` overrides: model -> function(env, record_id) -> text.
creation_messages: dict[str, Callable[[Any, int], str]] = {}
#: ``mail.alias.mixin`` models: model -> (the model its alias creates, the alias_defaults key
#: naming the record: ``_alias_get_creation_values``).
ALIASED = {"project.project": ("project.task", "project_id")}


def is_thread(env: Any, model: str) -> bool:
    """The model has its own ``message_ids`` (not one reached through ``_inherits``)."""
    fld = env.db.schema(model).fields.get("message_ids")
    return fld is not None and fld.relation == MESSAGE and not fld.extra.get("inherited") and MESSAGE in env.db.schemas


def user_partner(env: Any) -> int | None:
    return env.db.remembered(("res_users",), ("partner", env.uid), lambda: _user_partner(env.db.store, env.uid))


def _user_partner(store: Any, uid: int) -> int | None:
    rows = store.query("SELECT partner_id FROM res_users WHERE id = ?", (uid,))
    return rows[0][0] if rows else None


def _model_label(env: Any, model: str) -> str:
    return env.db.schema(model).meta.label


def _columns(env: Any, model: str, vals: dict) -> dict:
    """The values a model's version has a column for (19's message has no ``record_name``)."""
    fields = env.db.schema(model).fields
    return {k: v for k, v in vals.items() if k in fields and (fields[k].is_column or fields[k].is_x2many)}


def _message_id(res: str) -> str:
    """``tools.generate_tracking_message_id``: a random, time-stamped Message-Id."""
    return f"<{random.random():.15f}.{time.time():.6f}-openerp-{res}@{socket.gethostname()}>"


def _email_from(env: Any, partner_id: int | None) -> str | bool:
    """The author as ``"Name" <email>``: what a fresh database's message default says it is
    (19 leaves notifications without one)."""
    if not partner_id or not env.db.profile.defaults.get(MESSAGE, {}).get("email_from"):
        return False
    rows = env.db.store.query("SELECT name, email FROM res_partner WHERE id = ?", (partner_id,))
    if not rows or not rows[0][1]:
        return False
    return f'"{rows[0][0]}" <{rows[0][1]}>'


def post_message(
    env: Any, model: str, res_id: int, body: str, subtype: int | None, log: bool, message_type: str = "notification"
) -> int:
    """A ``mail.message`` on a record, authored by the user's partner: a log (``_message_log``:
    internal, no record name) or a post (``message_post``: named after the record)."""
    author = user_partner(env)
    email = _email_from(env, author)
    vals = {
        "model": model,
        "res_id": res_id,
        "message_type": message_type,
        "body": body,
        "subtype_id": subtype or False,
        "author_id": author or False,
        "date": env.db.clock(),  # stored as ``env.now()`` writes it, without a format and parse between
        "email_from": email,
        "reply_to": email,
        "is_internal": log,
        "message_id": _message_id("message-notify" if log else f"{res_id}-{model}"),
    }
    if not log:
        vals["record_name"] = env.db.reader.display_names(env.sudo(), env.db.schema(model), [res_id]).get(res_id, "")
    return env.db.writer.create(env.sudo(), env.db.schema(MESSAGE), _columns(env, MESSAGE, vals))


def subscribe(env: Any, model: str, res_id: int, partner_ids: list[int]) -> list[int]:
    """``_message_subscribe``: a follower per partner not following yet, with the default
    subtype (Discussions)."""
    schema = env.db.schema(FOLLOWERS)
    present = set(followers(env, model, [res_id]).get(res_id, {}).values())
    comment = env.db.xmlid("mail", "mt_comment")
    made = []
    for partner_id in dict.fromkeys(p for p in partner_ids if p and p not in present):
        follower = env.db.writer.create(
            env.sudo(),
            schema,
            _columns(env, FOLLOWERS, {"res_model": model, "res_id": res_id, "partner_id": partner_id}),
        )
        if comment and "subtype_ids" in schema.relations:
            rel, col1, col2 = schema.relations["subtype_ids"]
            env.db.store.execute(
                f'INSERT OR IGNORE INTO "{rel}" ("{col1}", "{col2}") VALUES (?, ?)', (follower, comment)
            )
        made.append(follower)
    return made


def followers(env: Any, model: str, ids: list[int]) -> dict[int, dict[int, int]]:
    """res_id -> {follower id: partner id}, followers by id."""
    found: dict[int, dict[int, int]] = {i: {} for i in ids}
    if not ids or FOLLOWERS not in env.db.schemas:
        return found
    marks = ",".join("?" * len(ids))
    for follower, res_id, partner in env.db.store.query(
        f"SELECT id, res_id, partner_id FROM mail_followers WHERE res_model = ? AND res_id IN ({marks}) ORDER BY id",
        [model, *ids],
    ):
        found[res_id][follower] = partner
    return found


# -- creation -------------------------------------------------------------------------


def _on_create(model: str) -> Callable:
    def created(env: Any, ids: list[int], vals_list: list[dict]) -> None:
        if not is_thread(env, model):
            return
        context = {**env.context, **FORCED_CONTEXT.get(model, {})}
        if context.get("tracking_disable"):
            return
        if not context.get("mail_create_nosubscribe"):
            partner = user_partner(env)
            for record_id in ids:
                subscribe(env, model, record_id, [partner] if partner else [])
        if not context.get("mail_create_nolog"):
            for record_id in ids:
                log_creation(env, model, record_id)

    return created


def log_creation(env: Any, model: str, record_id: int) -> int:
    """The creation message: posted with the model's creation subtype, else logged as
    "<model label> created"."""
    text = (
        creation_messages[model](env, record_id)
        if model in creation_messages
        else f"{_model_label(env, model)} created"
    )
    subtype_xmlid = CREATION_SUBTYPES.get(model)
    subtype = env.db.xmlid(*subtype_xmlid) if subtype_xmlid else None
    if subtype:
        body = (
            f'<div summary="o_mail_notification"><p>{_escape(text)}</p></div>'
            if env.db.profile.quirks.mail.creation_notice
            else ""
        )
        return post_message(env, model, record_id, body, subtype, log=False)
    return post_message(env, model, record_id, f"<p>{_escape(text)}</p>", env.db.xmlid("mail", "mt_note"), log=True)


def _escape(text: str) -> str:
    """As the sanitized body keeps it: markup escaped, quotes as they are."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


for _model in THREADS:
    hooks.after_create[_model].append(_on_create(_model))


# -- what a thread record reads ----------------------------------------------------------


def _literal_domain(domain: Any) -> list:
    """A field's recorded domain; 19 writes it as ``([...]) + ([...])``."""
    if isinstance(domain, list):
        return domain
    if not isinstance(domain, str):
        return []
    terms: list = []
    for part in domain.split(") + ("):
        try:
            value = ast.literal_eval(part.strip().removeprefix("(").removesuffix(")") if ") + (" in domain else part)
        except (ValueError, SyntaxError):
            return []
        terms += list(value) if isinstance(value, (list, tuple)) else []
    return [tuple(t) if isinstance(t, list) else t for t in terms]


def _lines(model: str, name: str, comodel: str, link: str) -> Callable:
    """A one2many to a comodel linked by ``res_id`` and a model name (``model`` or
    ``res_model``): its lines, filtered by the field's domain, in the comodel's order."""

    def compute(env: Any, ids: list[int]) -> dict[int, list]:
        result: dict[int, list] = {i: [] for i in ids}
        fld = env.db.schema(model).fields.get(name)
        if not ids or fld is None or comodel not in env.db.schemas:
            return result
        domain = [("res_id", "in", ids), (link, "=", model), *_literal_domain(fld.attrs.get("domain"))]
        sudo = env.db.model(env.sudo(), comodel)
        where, params = sudo.where_clause(domain)
        table = sudo.schema.table
        for line, res_id in env.db.store.query(
            f'SELECT "{table}".id, "{table}".res_id FROM "{table}" WHERE {where} ORDER BY {sudo._order_by(None)}',
            params,
        ):
            result[res_id].append(line)
        return result

    return compute


def _partners(model: str) -> Callable:
    """``message_partner_ids``: the followers' partners, as a read shows them (active ones)."""

    def compute(env: Any, ids: list[int]) -> dict[int, list]:
        by_record = followers(env, model, ids)
        partners = sorted({p for found in by_record.values() for p in found.values() if p})
        shown = env.db.model(env.sudo(), "res.partner")._search_ids([("id", "in", partners)]) if partners else []
        rank = {p: n for n, p in enumerate(shown)}
        return {i: sorted({p for p in found.values() if p in rank}, key=rank.get) for i, found in by_record.items()}

    return compute


def _is_follower(model: str) -> Callable:
    def compute(env: Any, ids: list[int]) -> dict[int, bool]:
        partner = user_partner(env)
        return {i: partner in found.values() for i, found in followers(env, model, ids).items()}

    return compute


def _has_message(model: str) -> Callable:
    """``_compute_has_message``: any message on the record."""

    def compute(env: Any, ids: list[int]) -> dict[int, bool]:
        if not ids or MESSAGE not in env.db.schemas:
            return {i: False for i in ids}
        marks = ",".join("?" * len(ids))
        having = {
            r[0]
            for r in env.db.store.query(
                f"SELECT DISTINCT res_id FROM mail_message WHERE model = ? AND res_id IN ({marks})", [model, *ids]
            )
        }
        return {i: i in having for i in ids}

    return compute


for _model in THREADS:
    for _name in ("message_ids", "website_message_ids"):
        hooks.computed[(_model, _name)] = _lines(_model, _name, MESSAGE, "model")
    hooks.computed[(_model, "message_follower_ids")] = _lines(_model, "message_follower_ids", FOLLOWERS, "res_model")
    hooks.computed[(_model, "message_partner_ids")] = _partners(_model)
    hooks.computed[(_model, "message_is_follower")] = _is_follower(_model)
    hooks.computed[(_model, "has_message")] = _has_message(_model)


@hooks.display_name(FOLLOWERS)
def _follower_names(env: Any, ids: list[int]) -> dict[int, str]:
    """A follower is named after its partner (``_rec_name = 'partner_id'``)."""
    rows = env.db.reader.rows(env, env.db.schema(FOLLOWERS), ids, ["partner_id"])
    partners = env.db.reader.display_names(
        env.sudo(), env.db.schema("res.partner"), [r["partner_id"] for r in rows.values() if r["partner_id"]]
    )
    return {i: partners.get(row["partner_id"], "") for i, row in rows.items()}


# -- aliases (mail.alias.mixin) ----------------------------------------------------------


def _ir_model_id(env: Any, model: str) -> int | bool:
    rows = env.db.store.query("SELECT id FROM ir_model WHERE model = ?", (model,))
    return rows[0][0] if rows else False


def alias_domain(env: Any, row: dict) -> str | bool:
    """``alias_domain``: its ``mail.alias.domain`` (17+), else the catchall parameter (16)."""
    if "alias_domain_id" in env.db.schema(ALIAS).fields:
        return env.db.profile.names.get("mail.alias.domain", {}).get(row.get("alias_domain_id") or 0) or False
    rows = env.db.store.query("SELECT value FROM ir_config_parameter WHERE key = 'mail.catchall.domain'")
    return rows[0][0] if rows and rows[0][0] else False


@hooks.display_name(ALIAS)
def _alias_names(env: Any, ids: list[int]) -> dict[int, str]:
    """``jobs@example.com``, ``jobs`` without a domain, else "Inactive Alias"."""
    schema = env.db.schema(ALIAS)
    columns = [c for c in ("alias_name", "alias_domain_id") if c in schema.fields]
    names = {}
    for i, row in env.db.reader.rows(env, schema, ids, columns).items():
        domain = alias_domain(env, row)
        name = row["alias_name"]
        names[i] = f"{name}@{domain}" if name and domain else name or "Inactive Alias"
    return names


def _alias_values(env: Any, model: str, record_id: int | None) -> dict:
    """``_alias_get_creation_values``: what the alias is pointed at (the record once it exists)."""
    target, key = ALIASED[model]
    values: dict[str, Any] = {
        "alias_parent_thread_id": record_id or False,
        "alias_parent_model_id": _ir_model_id(env, model),
        "alias_model_id": _ir_model_id(env, target),
    }
    if record_id:
        current = env.db.store.query(
            "SELECT a.alias_defaults FROM mail_alias a JOIN "
            f'"{env.db.schema(model).table}" r ON r.alias_id = a.id WHERE r.id = ?',
            (record_id,),
        )
        defaults = ast.literal_eval(current[0][0] or "{}") if current else {}
        defaults[key] = record_id
        values["alias_defaults"] = str(defaults)
    return values


def _alias_first(model: str) -> Callable:
    """The alias is created before its record (``alias_id`` is required), from the alias
    fields given with the record."""

    def before(env: Any, vals: dict) -> None:
        if vals.get("alias_id") or ALIAS not in env.db.schemas:
            return
        schema = env.db.schema(ALIAS)
        alias_vals = {k: vals.pop(k) for k in list(vals) if k.startswith("alias_") and k in schema.fields}
        alias_vals.update(_alias_values(env, model, None))
        if "alias_domain_id" in schema.fields and "alias_domain_id" not in alias_vals:
            company = vals.get("company_id") or _user_company(env)
            rows = (
                env.db.store.query("SELECT alias_domain_id FROM res_company WHERE id = ?", (company,))
                if "alias_domain_id" in env.db.schema("res.company").fields
                else []
            )
            alias_vals["alias_domain_id"] = rows[0][0] if rows and rows[0][0] else False
        if "alias_status" in schema.fields:  # _compute_alias_status
            alias_vals["alias_status"] = "not_tested"
        if "alias_full_name" in schema.fields:  # _compute_alias_full_name
            domain = alias_domain(env, alias_vals)
            name = alias_vals.get("alias_name")
            alias_vals["alias_full_name"] = (f"{name}@{domain}" if domain else name) if name else False
        vals["alias_id"] = env.db.writer.create(env.sudo(), schema, _columns(env, ALIAS, alias_vals))

    return before


def _alias_after(model: str) -> Callable:
    def after(env: Any, ids: list[int], vals_list: list[dict]) -> None:
        if ALIAS not in env.db.schemas:
            return
        table = env.db.schema(model).table
        for record_id in ids:
            rows = env.db.store.query(f'SELECT alias_id FROM "{table}" WHERE id = ?', (record_id,))
            if rows and rows[0][0]:
                env.db.writer.write(
                    env.sudo(),
                    env.db.schema(ALIAS),
                    [rows[0][0]],
                    _columns(env, ALIAS, _alias_values(env, model, record_id)),
                )

    return after


def _user_company(env: Any) -> int | None:
    rows = env.db.store.query("SELECT company_id FROM res_users WHERE id = ?", (env.uid,))
    return rows[0][0] if rows else None


for _model in ALIASED:
    hooks.before_create[_model].append(_alias_first(_model))
    hooks.after_create[_model].insert(0, _alias_after(_model))
