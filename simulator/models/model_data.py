"""ir.model.data, every row of a fresh database recorded by the capture: ``env.ref`` in clients."""

from __future__ import annotations

from typing import Any

from simulator import hooks
from simulator.errors import AccessError, ServerError

DATA = "ir.model.data"


def _xmlid_lookup(env: Any, module: str, name: str) -> tuple[str, int]:
    found = env.db.store.query(
        "SELECT model, res_id FROM ir_model_data WHERE name = ? AND module = ?", (str(name), str(module))
    )
    if not found:
        raise ServerError("ValueError", f"External ID not found in the system: {module}.{name}")
    return found[0]


@hooks.method(DATA, "check_object_reference", on_model=True)
def check_object_reference(env: Any, module: str, xml_id: str, raise_on_access_error: bool = False) -> Any:
    """``(model, res_id)`` when the user can see the record (a search by id finds it: an
    archived one is not), else ``(model, False)`` or Odoo's AccessError: how OdooRPC's
    ``env.ref`` resolves an xml id."""
    model, res_id = _xmlid_lookup(env, module, xml_id)
    if _visible(env, model, res_id):
        return [model, res_id]
    if raise_on_access_error:
        text = env.db.profile.quirks.orm.xmlid_no_access
        if text is None:
            raise ServerError("TypeError", "not all arguments converted during string formatting")
        raise AccessError(text.format(xmlid=f"{module}.{xml_id}"))
    return [model, False]


def _visible(env: Any, model: str, res_id: int) -> bool:
    """``self.env[model].search([('id', '=', res_id)])``; a model the simulator does not hold
    answers from its recorded names (an archived record is not found)."""
    if model in env.db.schemas:
        return bool(env[model].search([("id", "=", res_id)]))
    names = env.db.profile.names.get(model, {})
    return res_id in names and res_id not in env.db.profile.archived.get(model, set())


def _index_names(db: Any) -> None:
    """Lookups by name, as the real table's unique (module, name) index serves them."""
    db.store.create_index("ir_model_data", "name")


hooks.storage.append(_index_names)
