"""Records' external ids, read from and written to the ``ir_model_data`` table.

``Database.xmlid`` finds the record behind an xml id; ``get_metadata``, ``get_external_id``
and ``export_data`` look xml ids up by record, and ``export_data`` gives a record without one an
``__export__`` id, as Odoo's ``__ensure_xml_id`` writes it: straight into the table (a
``COPY``), so without ``create_uid``, while the table's own defaults date the row.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from simulator.database import Database
    from simulator.orm import Env
    from simulator.schema import ModelSchema

#: The module of the xml ids ``export_data`` makes up.
EXPORT_MODULE = "__export__"


def xmlid(db: Database, module: str, name: str) -> int | None:
    """The record id behind ``module.name``, or None: Odoo's ``_xmlid_lookup`` without its cache."""
    found = db.store.query("SELECT res_id FROM ir_model_data WHERE name = ? AND module = ?", (name, module))
    return found[0][0] if found else None


def external_ids(env: Env, model: str, ids: list[int]) -> dict[int, list[tuple[str, bool]]]:
    """Per record its ``(module.name, noupdate)`` pairs, oldest row first (``order='id'``)."""
    found: dict[int, list[tuple[str, bool]]] = defaultdict(list)
    if not ids:
        return found
    rows = env.db.store.query(
        f"SELECT res_id, module, name, noupdate FROM ir_model_data WHERE model = ? "
        f"AND res_id IN ({','.join('?' * len(ids))}) ORDER BY id",
        [model, *ids],
    )
    for res_id, module, name, noupdate in rows:
        found[res_id].append((f"{module}.{name}", bool(noupdate)))
    return found


def ensure_xml_ids(env: Env, schema: ModelSchema, ids: list[int]) -> dict[int, str]:
    """``__ensure_xml_id``: each record's xml id (any of them, as PostgreSQL returns
    them), made up as ``__export__.<table>_<id>_<8 hex>`` where it has none."""
    known = {res_id: names[0][0] for res_id, names in external_ids(env, schema.name, ids).items()}
    for record_id in dict.fromkeys(ids):
        if record_id not in known:
            known[record_id] = _new_export_id(env, schema, record_id)
    return known


def _new_export_id(env: Env, schema: ModelSchema, record_id: int) -> str:
    name = f"{schema.table}_{record_id}_{uuid.uuid4().hex[:8]}"
    store = env.db.store
    now = env.now()
    store.execute(
        "INSERT INTO ir_model_data (id, module, model, name, res_id, noupdate, create_date, write_date) "
        "VALUES (?, ?, ?, ?, ?, 0, ?, ?)",
        (store.next_id("ir_model_data"), EXPORT_MODULE, schema.name, name, record_id, now, now),
    )
    return f"{EXPORT_MODULE}.{name}"
