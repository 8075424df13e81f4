"""res.partner: the stored display column (``complete_name``, 16: ``display_name``), the
commercial entity and the address and commercial fields a contact shares with its company
(``_fields_sync``), and the computed values clients read (``company_type``, ``currency_id``)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from simulator import hooks
from simulator.domain import _cond_repr
from simulator.errors import UserError


def _refresh_names(env, ids: list[int], _vals) -> None:
    """Recompute the stored name column Odoo orders partners by:
    ``"<commercial company>, <name>"`` for a contact under a company."""
    schema = env.db.schema("res.partner")
    column = schema.meta.display_field
    if not column:
        return
    rows = env.db.reader.rows(env, schema, ids, ["name", "parent_id", "is_company"])
    updates = []
    for i, row in rows.items():
        name = row["name"] or ""
        if row["parent_id"] and not row["is_company"]:
            name = f"{_commercial_name(env, schema, row['parent_id'])}, {name}"
        updates.append((name.strip(), i))
    env.db.store.conn.executemany(f'UPDATE res_partner SET "{column}" = ? WHERE id = ?', updates)
    children = env.db.store.query(f"SELECT id FROM res_partner WHERE parent_id IN ({','.join('?' * len(ids))})", ids)
    if children:
        _refresh_names(env, [r[0] for r in children], None)


def _commercial_name(env, schema, partner_id: int) -> str:
    """The name of the first company up the parent chain (else the topmost parent)."""
    row = env.db.reader.rows(env, schema, [partner_id], ["name", "parent_id", "is_company"])
    current = row.get(partner_id)
    while current and not current["is_company"] and current["parent_id"]:
        parent = current["parent_id"]
        current = env.db.reader.rows(env, schema, [parent], ["name", "parent_id", "is_company"])[parent]
    return (current or {}).get("name") or ""


hooks.on(hooks.after_write, "res.partner")(_refresh_names)


def _properties_definition_sql(env, _table: str) -> str | None:
    """19's ``properties.base.definition.mixin._field_to_sql``: ``properties_base_definition_id``
    is the model's one definition (``_get_definition_id_for_property_field``), a constant in
    SQL whatever the record: the value every partner gets (the profile's constants)."""
    definition = env.db.profile.constants.get("res.partner", {}).get("properties_base_definition_id")
    return str(int(definition)) if definition else None


hooks.field_sql[("res.partner", "properties_base_definition_id")] = _properties_definition_sql


@hooks.searcher("res.partner", "properties_base_definition_id")
def _search_properties_definition(env, operator: str, value):
    """``_search_properties_base_definition_id``: ``in`` is TRUE when the model's definition is
    among the values, FALSE otherwise; any other operator is NotImplemented, so Odoo 19 tries
    the positive one and negates it (``not in``), and fails on the rest."""
    if operator in ("in", "not in"):
        definition = env.db.profile.constants.get("res.partner", {}).get("properties_base_definition_id")
        values = value if isinstance(value, (list, tuple, set, frozenset)) else (value,)
        found = (definition in values) == (operator == "in")
        return [(1, "=", 1)] if found else [(0, "=", 1)]
    condition = _cond_repr("properties_base_definition_id", operator, value)
    label = env.db.schema("res.partner").meta.label
    raise UserError(f"Unsupported operator on Properties Base Definition {label!r} (res.partner) in [{condition}]")


# -- computed values -------------------------------------------------------------


def user_company(env) -> int | None:
    """``env.company``: the calling user's current company."""
    rows = env.db.store.query("SELECT company_id FROM res_users WHERE id = ?", (env.uid,))
    return rows[0][0] if rows else None


def company_currency(env, company_id: int | None) -> int | None:
    rows = env.db.store.query("SELECT currency_id FROM res_company WHERE id = ?", (company_id,))
    return rows[0][0] if rows else None


@hooks.compute("res.partner", "company_type")
def _company_type(env, ids: list[int]) -> dict[int, str]:
    rows = env.db.reader.rows(env, env.db.schema("res.partner"), ids, ["is_company"])
    return {i: "company" if rows.get(i, {}).get("is_company") else "person" for i in ids}


@hooks.compute("res.partner", "self")
def _self(_env, ids: list[int]) -> dict[int, int]:
    return {i: i for i in ids}


@hooks.compute("res.partner", "currency_id")
def _currency(env, ids: list[int]) -> dict[int, int | None]:
    """account's ``_get_company_currency``: the partner's company's currency, else the user's company's."""
    rows = env.db.reader.rows(env, env.db.schema("res.partner"), ids, ["company_id"])
    return {i: company_currency(env, rows.get(i, {}).get("company_id") or user_company(env)) or False for i in ids}


@hooks.compute("res.partner", "tz_offset")
def _tz_offset(env, ids: list[int]) -> dict[int, str]:
    """``_compute_tz_offset``: now's UTC offset in the partner's timezone (GMT without one)."""
    rows = env.db.reader.rows(env, env.db.schema("res.partner"), ids, ["tz"])
    now = dt.datetime.now(dt.UTC)
    return {i: now.astimezone(_zone(rows.get(i, {}).get("tz"))).strftime("%z") for i in ids}


def _zone(name: str | None) -> dt.tzinfo:
    try:
        return ZoneInfo(name or "GMT")
    except (ZoneInfoNotFoundError, ValueError):
        return dt.UTC


# -- commercial entity and address sync (``_fields_sync``) ----------------------------

#: ``_address_fields()``, the same in 16.0 to 19.0.
ADDRESS_FIELDS = ("street", "street2", "zip", "city", "state_id", "country_id")
#: ``_commercial_fields()`` of base + account, 16.0 to 19.0; each version has a subset of
#: them (18 dropped ``last_time_entries_checked``, 19 ``debit_limit``), the others are skipped.
COMMERCIAL_FIELDS = (
    "vat",
    "company_registry",
    "industry_id",
    "debit_limit",
    "property_account_payable_id",
    "property_account_receivable_id",
    "property_account_position_id",
    "property_payment_term_id",
    "property_supplier_payment_term_id",
    "last_time_entries_checked",
    "credit_limit",
)
PARTNER_ROW = ["parent_id", "is_company", "type", "commercial_partner_id"]


def _partner(env, partner_id: int) -> dict:
    return env.db.reader.rows(env, env.db.schema("res.partner"), [partner_id], PARTNER_ROW)[partner_id]


def _values(env, partner_id: int, names: tuple[str, ...]) -> dict:
    schema = env.db.schema("res.partner")
    present = [n for n in names if n in schema.fields]
    return {k: v for k, v in env.db.reader.read(env, schema, [partner_id], present, "")[0].items() if k != "id"}


def _children(env, partner_id: int) -> list[dict]:
    """``child_ids``: the active children."""
    rows = env.db.store.query(
        "SELECT id FROM res_partner WHERE parent_id = ? AND active = 1 ORDER BY id", (partner_id,)
    )
    schema = env.db.schema("res.partner")
    return list(env.db.reader.rows(env, schema, [r[0] for r in rows], PARTNER_ROW).values())


def _write(env, ids: list[int], vals: dict) -> None:
    if ids and vals:
        env.db.writer.write(env.sudo(), env.db.schema("res.partner"), ids, dict(vals))


def _refresh_commercial(env, partner_id: int) -> None:
    """The stored ``commercial_partner_id``: itself for a company or a partner without
    parent, else its parent's; children follow (``_compute_commercial_partner``)."""
    row = _partner(env, partner_id)
    commercial = partner_id
    if row["parent_id"] and not row["is_company"]:
        commercial = _partner(env, row["parent_id"])["commercial_partner_id"] or row["parent_id"]
    env.db.store.execute("UPDATE res_partner SET commercial_partner_id = ? WHERE id = ?", (commercial, partner_id))
    for child in env.db.store.query("SELECT id FROM res_partner WHERE parent_id = ?", (partner_id,)):
        _refresh_commercial(env, child[0])


def _commercial_sync_to_children(env, partner_id: int) -> None:
    commercial = _partner(env, partner_id)["commercial_partner_id"] or partner_id
    values = _values(env, commercial, COMMERCIAL_FIELDS)
    for child in _children(env, partner_id):
        if not child["is_company"]:
            _commercial_sync_to_children(env, child["id"])
            _write(env, [child["id"]], values)


def fields_sync(env, partner_id: int, vals: dict) -> None:
    """Odoo's ``_fields_sync`` after a create or write: commercial fields from the
    commercial entity when the parent changes, the parent's address into a contact,
    then commercial fields and changed address fields down to the children."""
    if {"parent_id", "is_company"} & set(vals):
        _refresh_commercial(env, partner_id)
    row = _partner(env, partner_id)
    if vals.get("parent_id") or vals.get("type") == "contact":
        commercial = row["commercial_partner_id"]
        if vals.get("parent_id") and commercial and commercial != partner_id:
            _write(env, [partner_id], _values(env, commercial, COMMERCIAL_FIELDS))
            _commercial_sync_to_children(env, partner_id)
        if row["parent_id"] and row["type"] == "contact":
            address = _values(env, row["parent_id"], ADDRESS_FIELDS)
            if any(address.values()):
                _write(env, [partner_id], address)
    children = _children(env, partner_id)
    if not children:
        return
    if row["commercial_partner_id"] == partner_id and set(COMMERCIAL_FIELDS) & set(vals):
        _commercial_sync_to_children(env, partner_id)
    changed = {k: vals[k] for k in ADDRESS_FIELDS if k in vals}
    if changed:
        _write(env, [c["id"] for c in children if c["type"] == "contact"], changed)


def _first_contact(env, partner_id: int) -> None:
    """``_handle_first_contact_creation``: a company's first contact, created with an
    address while the company has none, gives the company that address."""
    parent_id = _partner(env, partner_id)["parent_id"]
    if not parent_id:
        return
    parent = _partner(env, parent_id)
    own, theirs = _values(env, partner_id, ADDRESS_FIELDS), _values(env, parent_id, ADDRESS_FIELDS)
    if (
        (parent["is_company"] or not parent["parent_id"])
        and len(_children(env, parent_id)) == 1
        and any(own.values())
        and not any(theirs.values())
    ):
        _write(env, [parent_id], own)


@hooks.on(hooks.before_insert, "res.partner")
def _standalone_columns(env, partner_id: int, row: dict) -> None:
    """A new partner without a parent is its own commercial entity, named by its name: what
    ``_created`` would store for it, if nothing makes it another's parent or commercial entity
    (``_standalone``), is known from its row; put in it, it is not written again."""
    from simulator.models import stored  # not at the top: its hooks would go before later modules'

    if row.get("parent_id") is not None or not stored.own_row(env):
        return
    row.update(stored.standalone_values(env, row), commercial_partner_id=partner_id)
    column = env.db.schema("res.partner").meta.display_field
    if column:
        row[column] = (row.get("name") or "").strip()


@hooks.on(hooks.after_create, "res.partner")
def _created(env, ids: list[int], vals_list: list[dict]) -> None:
    """The stored display name, the commercial entity, ``_fields_sync``, the first contact's
    address and the stored computes of ``stored``, step by step in Odoo's order; standalone
    partners have them already (``_standalone_columns``)."""
    from simulator.models import stored  # not at the top: its hooks would go before later modules'

    alone = _standalone(env, ids) if stored.own_row(env) else set()
    linked = [(partner_id, vals) for partner_id, vals in zip(ids, vals_list, strict=True) if partner_id not in alone]
    if not linked:
        return
    linked_ids = [partner_id for partner_id, _vals in linked]
    _refresh_names(env, linked_ids, None)
    for partner_id, vals in linked:
        _refresh_commercial(env, partner_id)
        fields_sync(env, partner_id, vals)
        _first_contact(env, partner_id)
    stored.partner_created(env, linked_ids)


def _standalone(env, ids: list[int]) -> set[int]:
    """Of new partners, those without a parent that no other partner names as its parent or
    commercial entity (children its ``child_ids`` made): each is its own commercial entity, its
    display name is its name, and ``_fields_sync`` and ``_first_contact`` have nothing to do."""
    marks = ",".join("?" * len(ids))
    return {
        row[0]
        for row in env.db.store.query(
            f"SELECT id FROM res_partner p WHERE id IN ({marks}) AND parent_id IS NULL AND NOT EXISTS (SELECT 1 "
            "FROM res_partner c WHERE c.id != p.id AND (c.parent_id = p.id OR c.commercial_partner_id = p.id))",
            ids,
        )
    }


@hooks.on(hooks.after_write, "res.partner")
def _written(env, ids: list[int], vals: dict) -> None:
    for partner_id in ids:
        fields_sync(env, partner_id, vals)


@hooks.on(hooks.after_create, "res.users")
def _user_partners(env, ids: list[int], vals_list: list[dict]) -> None:
    """A user's partner is created through ``_inherits`` (no partner hooks ran): its
    commercial entity, synced fields and stored display name."""
    partner_fields = env.db.schema("res.partner").fields
    for user_id, vals in zip(ids, vals_list, strict=True):
        partner_id = env.db.store.query("SELECT partner_id FROM res_users WHERE id = ?", (user_id,))[0][0]
        _refresh_commercial(env, partner_id)
        fields_sync(env, partner_id, {k: v for k, v in vals.items() if k in partner_fields})
        _refresh_names(env, [partner_id], None)
