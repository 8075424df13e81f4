"""base.language.install: installing a language activates it and loads the terms the capture
recorded for it (``simulator.profiles.capture --language``): the recorded records' translated
values (a country's name in French). A language without a recording is activated only."""

from __future__ import annotations

from typing import Any

from simulator import hooks, translations
from simulator.profile import language_terms

WIZARD, LANG = "base.language.install", "res.lang"


def load_terms(db: Any, lang: str, overwrite: bool) -> None:
    """``_update_translations``: the recorded terms of ``lang``, over the ones held if ``overwrite``."""
    verb = "INSERT OR REPLACE" if overwrite else "INSERT OR IGNORE"
    db.store.conn.executemany(
        f'{verb} INTO "{translations.TABLE}" (model, field, res_id, lang, value) VALUES (?, ?, ?, ?, ?)',
        [
            (model, name, int(record_id), lang, value)
            for model, fields in language_terms(db.profile.version, lang).items()
            for name, values in fields.items()
            for record_id, value in values.items()
        ],
    )


@hooks.method(WIZARD, "lang_install")
def lang_install(env: Any, ids: list[int]) -> dict:
    """One language: the wizard again in its "switch to it" form; several: a notification."""
    [row] = env[WIZARD].read(ids[:1], ["lang_ids", "overwrite"])
    env.sudo()[LANG].write(row["lang_ids"], {"active": True})
    for code in (lang["code"] for lang in env.sudo()[LANG].read(row["lang_ids"], ["code"])):
        load_terms(env.db, code, bool(row["overwrite"]))
    if len(row["lang_ids"]) == 1:
        view = env.db.xmlid("base", "language_install_view_form_lang_switch")
        return {
            "type": "ir.actions.act_window",
            "res_model": WIZARD,
            "res_id": ids[0],
            "view_mode": "form",
            "target": "new",
            "views": [[view, "form"]],
        }
    return {
        "type": "ir.actions.client",
        "tag": "display_notification",
        "context": {**env.context, "active_ids": ids[:1]},
        "target": "new",
        "params": {
            "message": env.db.profile.quirks.languages.installed_message,
            "type": "success",
            "sticky": False,
            "next": {"type": "ir.actions.act_window_close"},
        },
    }


@hooks.compute(WIZARD, "first_lang_id")
def _first_lang(env: Any, ids: list[int]) -> dict[int, Any]:
    """``_compute_first_lang_id``: the first language chosen."""
    schema = env.db.schema(WIZARD)
    rel, own, lang = schema.relations["lang_ids"]
    firsts = dict(
        env.db.store.query(
            f'SELECT "{own}", MIN("{lang}") FROM "{rel}" WHERE "{own}" IN '
            f'({",".join("?" * len(ids))}) GROUP BY "{own}"',
            ids,
        )
    )
    return {i: firsts.get(i, False) for i in ids}
