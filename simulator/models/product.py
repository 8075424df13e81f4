"""product.template (with the ``sale`` recording installed): what the product module computes
on create that a client's create leaves out."""

from __future__ import annotations

from typing import Any

from simulator import hooks

TEMPLATE = "product.template"


@hooks.on(hooks.before_create, TEMPLATE)
def _purchase_unit(env: Any, vals: dict) -> None:
    """18's ``_compute_uom_po_id`` (stored, precomputed, required): the purchase unit is the
    sales unit when none is given; before 18 it is a recorded default, from 19 no field."""
    fld = env.db.schema(TEMPLATE).fields.get("uom_po_id")
    if fld is None or vals.get("uom_po_id") or not fld.attrs.get("depends"):
        return
    vals["uom_po_id"] = vals.get("uom_id") or env.db.defaults(TEMPLATE).get("uom_id")
