"""res.company's address and hierarchy, res.currency's rates, ir.model's ``_inherits``.

Non-stored computed fields a client reads on these models, computed from what the
simulator holds. A company's address lives on its partner (``_compute_address``);
rates live in ``res.currency.rate``, which the simulator does not hold: with no rate
every currency is at 1.0, as on a fresh database.
"""

from __future__ import annotations

from typing import Any

from simulator import hooks
from simulator.models.partner import company_currency, user_company

#: ``_get_company_address_field_names``, the same in 16.0 to 19.0.
COMPANY_ADDRESS = ("street", "street2", "city", "zip", "state_id", "country_id")


def _company_address(env: Any, ids: list[int]) -> dict[int, dict]:
    """The address fields of each company's partner."""
    companies = env.db.reader.rows(env, env.db.schema("res.company"), ids, ["partner_id"])
    partner_ids = [row["partner_id"] for row in companies.values() if row["partner_id"]]
    partners = env.db.reader.rows(env, env.db.schema("res.partner"), partner_ids, list(COMPANY_ADDRESS))
    return {i: partners.get(row["partner_id"], {}) for i, row in companies.items()}


def _address_field(name: str) -> None:
    @hooks.compute("res.company", name)
    def compute(env: Any, ids: list[int]) -> dict[int, Any]:
        address = _company_address(env, ids)
        fld = env.db.schema("res.company").fields[name]
        return {
            i: (address.get(i, {}).get(name) or False)
            if fld.type == "many2one"
            else fld.from_column(address.get(i, {}).get(name))
            for i in ids
        }


for _name in COMPANY_ADDRESS:
    _address_field(_name)


def _parent_path(env: Any, ids: list[int]) -> dict[int, list[int]]:
    rows = env.db.reader.rows(env, env.db.schema("res.company"), ids, ["parent_path"])
    return {i: [int(p) for p in (row["parent_path"] or f"{i}/").split("/") if p] for i, row in rows.items()}


@hooks.compute("res.company", "root_id")
def _root(env: Any, ids: list[int]) -> dict[int, Any]:
    """17+: the topmost company of ``parent_path``."""
    paths = _parent_path(env, ids)
    return {i: paths[i][0] if paths.get(i) else False for i in ids}


@hooks.compute("res.company", "parent_ids")
def _parents(env: Any, ids: list[int]) -> dict[int, list[int]]:
    """17+: the companies of ``parent_path``, itself included."""
    paths = _parent_path(env, ids)
    return {i: paths.get(i, []) for i in ids}


@hooks.compute("res.currency", "rate", "inverse_rate")
def _rate(_env: Any, ids: list[int]) -> dict[int, float]:
    return {i: 1.0 for i in ids}


@hooks.compute("res.currency", "rate_string")
def _rate_string(env: Any, ids: list[int]) -> dict[int, str]:
    """``"1 USD = 1.000000 EUR"`` against the company's currency, empty for that one."""
    own = company_currency(env, user_company(env))
    names = dict(env.db.store.query("SELECT id, name FROM res_currency"))
    return {i: "" if i == own else f"1 {names.get(own, '')} = {1.0:.6f} {names.get(i, '')}" for i in ids}


@hooks.compute("res.currency", "is_current_company_currency")
def _is_company_currency(env: Any, ids: list[int]) -> dict[int, bool]:
    own = company_currency(env, user_company(env))
    return {i: i == own for i in ids}


@hooks.compute("ir.model", "inherited_model_ids")
def _inherited_models(env: Any, ids: list[int]) -> dict[int, list[int]]:
    """The models of ``_inherits`` (res.users: res.partner), from the profile's model facts."""
    rows = env.db.reader.rows(env, env.db.schema("ir.model"), ids, ["model"])
    model_ids = dict(env.db.store.query("SELECT model, id FROM ir_model"))
    result: dict[int, list[int]] = {}
    for i in ids:
        name = rows.get(i, {}).get("model")
        parents = env.db.schemas[name].meta.inherits if name in env.db.schemas else {}
        result[i] = sorted(model_ids[p] for p in parents if p in model_ids)
    return result


@hooks.on(hooks.before_create, "res.company")
def _company_partner(env: Any, vals: dict) -> None:
    """``ResCompany.create``: a company named without a partner gets a new company partner
    carrying its name, logo, email, phone, website, VAT and country."""
    if not vals.get("name") or vals.get("partner_id"):
        return
    partner = {"name": vals["name"], "is_company": True}
    for company_field, partner_field in (
        ("logo", "image_1920"),
        ("email", "email"),
        ("phone", "phone"),
        ("website", "website"),
        ("vat", "vat"),
        ("country_id", "country_id"),
    ):
        if vals.get(company_field):
            partner[partner_field] = vals[company_field]
    vals["partner_id"] = env.db.model(env.sudo(), "res.partner").create([partner])[0]
