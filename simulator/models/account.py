"""account.account: display names with the code, and 18+'s company-dependent code and
string ``account.root`` ids.

16 and 17 store ``code``; 18 moved it to the company-dependent ``code_store`` and
computes ``code`` (with an inverse) from it, so the simulator reads and writes
``code`` through ``code_store`` where the profile's fields say so. Who sees the
code in a display name is the profile's ``accounts.code_in_name_group`` (19).
"""

from __future__ import annotations

from typing import Any

from simulator import hooks
from simulator.models.partner import company_currency, user_company

ACCOUNT = "account.account"


def _code_column(env: Any) -> str:
    """``code`` where it is stored (16/17), else ``code_store`` (18+)."""
    fields = env.db.schema(ACCOUNT).fields
    return "code" if fields["code"].is_column else "code_store"


def _codes(env: Any, ids: list[int]) -> dict[int, dict]:
    column = _code_column(env)
    rows = env.db.reader.rows(env, env.db.schema(ACCOUNT), ids, [column, "name", "account_type"])
    return {
        i: {"code": row[column] or False, "name": row["name"] or "", "account_type": row["account_type"]}
        for i, row in rows.items()
    }


def _shows_code(env: Any) -> bool:
    xmlid = env.db.profile.quirks.accounts.code_in_name_group
    if not xmlid:
        return True
    group_id = env.db.xmlid(*xmlid.split(".", 1))
    return bool(group_id) and env.db.access.has_group(env.uid, group_id)


@hooks.display_name(ACCOUNT)
def _account_names(env: Any, ids: list[int]) -> dict[int, str]:
    """``"<code> <name>"`` (16's ``name_get``, then ``_compute_display_name``), the name
    alone without a code (18+) or for a user not allowed to see codes (19)."""
    shows = _shows_code(env)
    return {
        i: f"{row['code']} {row['name']}" if row["code"] and shows else row["name"]
        for i, row in _codes(env, ids).items()
    }


def _code_through_store(env: Any, _ids: Any, vals: dict) -> None:
    """18+'s ``_inverse_code``: a written ``code`` lands in ``code_store``."""
    if "code" in vals and _code_column(env) == "code_store":
        vals["code_store"] = vals.pop("code")


hooks.on(hooks.before_create, ACCOUNT)(lambda env, vals: _code_through_store(env, None, vals))
hooks.on(hooks.before_write, ACCOUNT)(_code_through_store)


@hooks.compute(ACCOUNT, "code", "placeholder_code")
def _code(env: Any, ids: list[int]) -> dict[int, Any]:
    """18+: ``code`` from ``code_store``; ``placeholder_code`` is the code (one company)."""
    codes = _codes(env, ids)
    return {i: codes[i]["code"] if i in codes else False for i in ids}


@hooks.compute(ACCOUNT, "internal_group")
def _internal_group(env: Any, ids: list[int]) -> dict[int, Any]:
    """``account_type``'s prefix (``asset_current`` -> ``asset``); where the version's
    selection lacks it (16/17 ``off_balance``), the type itself."""
    keys = env.db.schema(ACCOUNT).fields["internal_group"].selection_keys()
    codes = _codes(env, ids)
    result: dict[int, Any] = {}
    for i in ids:
        account_type = codes[i]["account_type"] if i in codes else None
        prefix = (account_type or "").split("_", 1)[0]
        result[i] = (prefix if prefix in keys else account_type) or False
    return result


@hooks.compute(ACCOUNT, "root_id")
def _root(env: Any, ids: list[int]) -> dict[int, Any]:
    """16/17 store ``root_id``, an ``account.root`` id made of the code's first two
    characters as a number; 18+ compute it (``_compute_account_root``) as
    ``account.root._from_account_code(placeholder_code)``: the record whose id *is* the
    first two characters of the code (a string), none without a code."""
    codes = _codes(env, ids)
    if not env.db.schema(ACCOUNT).fields["root_id"].is_column:
        return {i: code[:2] if (code := codes.get(i, {}).get("code")) else False for i in ids}
    return {
        i: ord(code[0]) * 1000 + ord(code[1:2] or "\x00") if (code := codes.get(i, {}).get("code")) else False
        for i in ids
    }


@hooks.display_name("account.root")
def _root_names(_env: Any, ids: list) -> dict:
    """``account.root`` (not held) is named by the code's first characters: 18+'s ``_compute_root``
    names a record by its id, which is that prefix; 16/17's SQL view numbers it
    ``ASCII(code) * 1000 + ASCII(SUBSTRING(code, 2, 1))`` (a one-character parent:
    ``ASCII(code)``) and names it ``LEFT(code, 2)``, so the name is read back from the id."""

    def name(root: Any) -> str:
        if isinstance(root, str):
            return root
        if root < 1000:
            return chr(root)
        return chr(root // 1000) + (chr(root % 1000) if root % 1000 else "")

    return {i: name(i) for i in ids}


def _root_sql(env: Any, table: str) -> str | None:
    """19's ``_field_to_sql('root_id')``: ``SUBSTRING(placeholder_code, 1, 2)``. 18 has no such
    override (root_id neither groupable nor sortable in its fields_get)."""
    fields = env.db.schema(ACCOUNT).fields
    if fields["root_id"].is_column or not fields["root_id"].attrs.get("groupable"):
        return None
    code = _code_sql(env, table)
    return f"substr({code}, 1, 2)" if code else None


@hooks.compute(ACCOUNT, "company_currency_id")
def _company_currency(env: Any, ids: list[int]) -> dict[int, Any]:
    """18+: ``env.company.currency_id`` (17 relates it to ``company_id``)."""
    currency = company_currency(env, user_company(env)) or False
    return {i: currency for i in ids}


@hooks.on(hooks.fields_get, "account.move.line")
def _hide_distribution_search(_env, result: dict) -> None:
    """``analytic.mixin.fields_get`` (16/17, where the field exists): not searchable."""
    if result.get("analytic_distribution_search"):
        result["analytic_distribution_search"]["searchable"] = False


def _code_sql(env: Any, table: str) -> str | None:
    """18+'s ``_field_to_sql``: ``code`` (and, with one company, ``placeholder_code``) is
    the root company's ``code_store``; 16/17 store ``code`` itself."""
    return f'"{table}"."code_store"' if _code_column(env) == "code_store" else None


hooks.field_sql[(ACCOUNT, "code")] = _code_sql
hooks.field_sql[(ACCOUNT, "placeholder_code")] = _code_sql
hooks.field_sql[(ACCOUNT, "root_id")] = _root_sql
