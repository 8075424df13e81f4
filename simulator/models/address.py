"""res.partner's address and contact strings, computed as Odoo computes them for any
record: ``contact_address`` (``_display_address``: the default address format, led by the
commercial company's name), its one-line form (mail's ``contact_address_inline``), the
formatted email (``tools.formataddr`` of the normalised addresses) and the chat status
(``im_status``: "im_partner" without a user, "offline" with one, "bot" for OdooBot), and
16.0's ``translated_display_name`` (the display name in the user's language).
A country's ``address_format`` shapes its partners' addresses; states are not held by the
simulator, so ``state_code`` and ``state_name`` read empty."""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from simulator import hooks

PARTNER = "res.partner"
DEFAULT_FORMAT = "%(street)s\n%(street2)s\n%(city)s %(state_code)s %(zip)s\n%(country_name)s"
EMAIL = re.compile(r"[^\s@<>,;:\"']+@[^\s@<>,;:\"']+")


def _rows(env: Any, ids: list[int], names: list[str]) -> dict[int, dict]:
    schema = env.db.schema(PARTNER)
    return env.db.reader.rows(env, schema, ids, [n for n in names if n in schema.fields and schema.fields[n].is_column])


def _countries(env: Any, ids: list[int]) -> dict[int, dict]:
    """Name and address format of each country (res.country)."""
    ids = [i for i in set(ids) if i]
    if not ids:
        return {}
    schema = env.db.schema("res.country")
    names = env.db.reader.display_names(env, schema, ids)
    formats = env.db.reader.rows(env, schema, ids, ["address_format"])
    return {i: {"name": names.get(i, ""), "format": formats.get(i, {}).get("address_format")} for i in ids}


@hooks.compute(PARTNER, "contact_address")
def contact_address(env: Any, ids: list[int]) -> dict[int, str]:
    rows = _rows(env, ids, ["street", "street2", "zip", "city", "state_id", "country_id", "commercial_company_name"])
    countries = _countries(env, [row.get("country_id") for row in rows.values()])
    found = {}
    for i, row in rows.items():
        country = countries.get(row.get("country_id"), {})
        args = defaultdict(str, {name: row.get(name) or "" for name in ("street", "street2", "zip", "city")})
        args.update(country_name=country.get("name", ""), country_code="")
        company = row.get("commercial_company_name") or ""
        found[i] = (f"{company}\n" if company else "") + (country.get("format") or DEFAULT_FORMAT) % args
    return found


@hooks.compute(PARTNER, "contact_address_inline")
def _inline(env: Any, ids: list[int]) -> dict[int, str]:
    return {i: re.sub(r"\n(\s|\n)*", ", ", text).strip().strip(",") for i, text in contact_address(env, ids).items()}


def formataddr(name: str, address: str) -> str:
    """``tools.formataddr``: the name quoted, its quotes and backslashes escaped."""
    if not name:
        return address
    return '"{}" <{}>'.format(re.sub(r'([\\"])', r"\\\1", name), address)


@hooks.compute(PARTNER, "email_formatted")
def _email_formatted(env: Any, ids: list[int]) -> dict[int, Any]:
    found: dict[int, Any] = {}
    for i, row in _rows(env, ids, ["name", "email"]).items():
        email = row.get("email") or ""
        normalized = [match.lower() for match in EMAIL.findall(email)]
        found[i] = formataddr(row.get("name") or "False", ",".join(normalized) or email) if email else False
    return found


@hooks.compute(PARTNER, "im_status")
def _im_status(env: Any, ids: list[int]) -> dict[int, str]:
    marks = ",".join("?" * len(ids))
    with_users = {
        row[0]
        for row in env.db.store.query(f"SELECT partner_id FROM res_users WHERE active AND partner_id IN ({marks})", ids)
    }
    odoobot = env.db.xmlid("base", "partner_root")
    return {i: "bot" if i == odoobot else "offline" if i in with_users else "im_partner" for i in ids}


@hooks.compute(PARTNER, "translated_display_name")
def _translated_name(env: Any, ids: list[int]) -> dict[int, str]:
    return env.db.reader.display_names(env, env.db.schema(PARTNER), ids)
