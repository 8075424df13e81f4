"""res.partner's ``signup_url`` (auth_signup, 16/17): a partner with a user gets the login
page for that user's login on this database; one without a user, a token or a signup type
gets none (``_get_signup_url_for_action``). Tokens are never issued by the simulator."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode, urljoin

from simulator import hooks


@hooks.compute("res.partner", "signup_url")
def _signup_urls(env: Any, ids: list[int]) -> dict[int, Any]:
    store = env.db.store
    base = store.query("SELECT value FROM ir_config_parameter WHERE key = 'web.base.url'")
    base_url = base[0][0] if base else "http://localhost:8069"
    marks = ",".join("?" * len(ids))
    logins: dict[int, str] = {}
    for partner_id, login in store.query(
        f"SELECT partner_id, login FROM res_users WHERE active AND partner_id IN ({marks}) "
        f"ORDER BY {env.db.model(env, 'res.users')._order_by(None)}",
        ids,
    ):
        logins.setdefault(partner_id, login)
    return {
        i: urljoin(base_url, "/web/login?" + urlencode({"db": env.db.name, "login": logins[i]}))
        if i in logins
        else False
        for i in ids
    }
