"""Translated fields (``translate=True``): one value per language, as Odoo 16+ keeps them.

The column holds the en_US value; the other languages' values live beside it. A read or a
display name in a context language takes that language's value, falling back to en_US; a
write in a language changes that language only; a create in a language sets en_US too.
A search compares the context language's value too; sorting uses the en_US value.

From 18, ``env.lang`` refuses a context language that is not installed, and Odoo evaluates it
wherever it needs the language, not only for a translated value: field labels (``fields_get``), an
error's text (an ACL refusal), an order by a translated field, and the record rules of the models
whose rules follow the company hierarchy (``company_rules``), whether the call reads a translated
field or not. Those places call :func:`require_lang`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from simulator import hooks
from simulator.domain import TRANSLATIONS
from simulator.errors import UserError

if TYPE_CHECKING:
    from simulator.orm import Env
    from simulator.schema import ModelSchema

TABLE = TRANSLATIONS
SOURCE_LANG = "en_US"


def _table(db: Any) -> None:
    db.store.execute(
        f'CREATE TABLE IF NOT EXISTS "{TABLE}" (model TEXT, field TEXT, res_id INTEGER, lang TEXT, '
        "value TEXT, PRIMARY KEY (model, field, res_id, lang))"
    )


hooks.storage.append(_table)


def context_lang(env: Env) -> str | None:
    """The context's language when it is not the source one."""
    lang = env.context.get("lang")
    return lang if isinstance(lang, str) and lang and lang != SOURCE_LANG else None


def translated(schema: ModelSchema, names: Any) -> list[str]:
    return [name for name in names if (fld := schema.fields.get(name)) is not None and fld.attrs.get("translate")]


def overlay(env: Env, schema: ModelSchema, rows: dict[int, dict], columns: list[str]) -> None:
    """Put the context language's values over the en_US ones read from the columns."""
    lang = context_lang(env)
    names = translated(schema, columns) if lang and rows else []
    if not names:
        return
    check_installed(env, lang)
    ids = list(rows)
    found = env.db.store.query(
        f'SELECT field, res_id, value FROM "{TABLE}" WHERE model = ? AND lang = ? '
        f"AND field IN ({','.join('?' * len(names))}) AND res_id IN ({','.join('?' * len(ids))})",
        [schema.name, lang, *names, *ids],
    )
    for name, res_id, value in found:
        rows[res_id][name] = value


def require_lang(env: Env) -> None:
    """``env.lang`` evaluated: the context language, refused (18+) when it is not installed."""
    lang = context_lang(env)
    if lang:
        check_installed(env, lang)


def rules_need_lang(env: Env, model: str) -> bool:
    """Whether searching ``model`` or checking its records evaluates ``env.lang`` through its record
    rules: its own, or those of a model it ``_inherits`` (``_compute_domain`` adds the parents' rules),
    follow the company hierarchy."""
    ruled = env.db.profile.quirks.orm.company_rules
    schema = env.db.schemas.get(model)
    inherited = schema.meta.inherits if schema is not None else {}
    return model in ruled or any(rules_need_lang(env, parent) for parent in inherited)


def check_installed(env: Env, lang: str) -> None:
    """18+'s ``env.lang``: a language that is not installed (or not active) is refused."""
    if env.db.profile.quirks.orm.lang_must_be_installed and not env.db.store.query(
        "SELECT 1 FROM res_lang WHERE code = ? AND active = 1", (lang,)
    ):
        raise UserError(f"Invalid language code: {lang}")


def store(env: Env, schema: ModelSchema, ids: list[int], values: dict[str, Any]) -> None:
    """Keep ``values`` of translated fields as the context language's."""
    lang = context_lang(env)
    check_installed(env, lang or SOURCE_LANG)
    env.db.store.conn.executemany(
        f'INSERT OR REPLACE INTO "{TABLE}" (model, field, res_id, lang, value) VALUES (?, ?, ?, ?, ?)',
        [(schema.name, name, i, lang, value or None) for name, value in values.items() for i in ids],
    )


def split_write(env: Env, schema: ModelSchema, ids: list[int], vals: dict) -> None:
    """A write in a context language: its translated values go to that language only."""
    names = translated(schema, vals) if context_lang(env) else []
    if names:
        store(env, schema, ids, {name: vals.pop(name) for name in names})
