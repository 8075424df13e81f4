"""``export_data``: Odoo's ``_export_rows``, the matrix the client's export menu gets.

A path is a field name, ``id`` (the xml id, made up where the record has none), ``.id``
(the database id), or a relational field followed by a path on its comodel; a one2many's
further lines become rows of their own. Cells are ``convert_to_export``'s: empty values
are ``''``, a selection its label, a relation its display name.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from simulator import xmlids
from simulator.errors import ServerError, UserError
from simulator.fields import Field

if TYPE_CHECKING:
    from simulator.orm import BaseModel

SUPERUSER_ID = 1

#: A cell waiting for its record's xml id: (model, id), filled once at the top level.
XmlIdCell = tuple[str, int]


def export_data(model: BaseModel, ids: list[int], fields_to_export: list[str]) -> dict:
    """``{'datas': rows}``, for users who may export (admins, "Access to export feature")."""
    env = model.env
    allowed = [env.db.xmlid("base", "group_erp_manager"), env.db.xmlid("base", "group_allow_export")]
    admin = env.su or env.uid == SUPERUSER_ID
    if not admin and not any(group and env.db.access.has_group(env.uid, group) for group in allowed):
        raise UserError("You don't have the rights to export data. Please contact an Administrator.")
    paths = [fix_import_export_id_paths(name) for name in fields_to_export]
    lines = export_rows(model, ids, paths)
    if any(path[-1] == "id" for path in paths):
        _fill_xml_ids(model, lines)
    return {"datas": lines}


def fix_import_export_id_paths(fieldname: str) -> list[str]:
    """``a.id`` -> ``a/.id`` and ``a:id`` -> ``a/id``, then split on ``/``."""
    fixed = re.sub(r"([^/])\.id", r"\1/.id", fieldname)
    return re.sub(r"([^/]):id", r"\1/id", fixed).split("/")


def export_rows(model: BaseModel, ids: list[int], paths: list[list[str]]) -> list[list[Any]]:
    """One line per record, then the further lines of its one2many/many2many values."""
    if not ids:
        return []
    ids = list(dict.fromkeys(ids))
    model._ensure(ids)
    names = list(dict.fromkeys(p[0] for p in paths if p and p[0] not in ("id", ".id")))
    if model.db.profile.quirks.methods.export_reads_first:
        for name in names:
            model._field(name, "read")
    known = [name for name in names if name in model.schema.fields]
    rows = {row["id"]: row for row in model.read(ids, known, load="")} if known else {}
    lines: list[list[Any]] = []
    for record_id in ids:
        lines += _record_lines(model, record_id, rows.get(record_id, {}), paths)
    return lines


def _record_lines(model: BaseModel, record_id: int, row: dict, paths: list[list[str]]) -> list[list[Any]]:
    current: list[Any] = [""] * len(paths)
    lines = [current]
    done: set[str] = set()
    for i, path in enumerate(paths):
        if not path or path[0] in done:
            continue
        name = path[0]
        if name == ".id":
            current[i] = str(record_id)
        elif name == "id":
            current[i] = (model._name, record_id)
        elif name not in row:
            raise ServerError("KeyError", repr(name))
        elif not model.schema.fields[name].relation or model.schema.fields[name].type == "reference":
            current[i] = convert_to_export(model, model.schema.fields[name], row[name])
        else:
            done.add(name)
            lines += _relational_cells(model, model.schema.fields[name], row[name], paths, i, current)
    return lines


def _relational_cells(
    model: BaseModel, fld: Field, value: Any, paths: list[list[str]], i: int, current: list[Any]
) -> list[list[Any]]:
    """The comodel's rows for the paths through ``fld``, merged into ``current``; a
    many2many in ``import_compat`` mode (the default) is one comma-separated cell."""
    comodel = model.env.db.model(model.env, fld.relation or "")
    targets = [value] if fld.type == "many2one" and value else list(value) if fld.is_x2many else []
    sub_paths = [(p[1:] or ["display_name"]) if p and p[0] == fld.name else [] for p in paths]
    if fld.type == "many2many" and model.env.context.get("import_compat", True):
        index, wanted = next(
            ((sub_paths.index([n]), n) for n in ("id", "name", "display_name") if [n] in sub_paths), (i, None)
        )
        if wanted == "id":
            xml = xmlids.ensure_xml_ids(comodel.env, comodel.schema, targets)
            current[index] = ",".join(xml[t] for t in targets)
        else:
            names = comodel.display_names(targets)
            current[index] = ",".join(names[t] for t in targets if t in names)
        return []
    lines = export_rows(comodel, targets, sub_paths)
    if not lines:
        current[i] = ""
        return []
    for j, cell in enumerate(lines[0]):
        if cell or isinstance(cell, (int, float)):
            current[j] = cell
    return lines[1:]


def convert_to_export(model: BaseModel, fld: Field, value: Any) -> Any:
    """``Field.convert_to_export`` of a value as ``read(load='')`` gives it."""
    if fld.type in ("integer", "float", "monetary", "boolean"):
        return value
    if not value:
        return ""
    if fld.type == "selection":
        return _selection_label(model, fld, value)
    if fld.type == "json":
        return json.dumps(value)
    return value


def _selection_label(model: BaseModel, fld: Field, value: Any) -> Any:
    """A static selection's label; a dynamic one (a method, reflected as ``[]``) exports its
    value, or (19) its label too."""
    labels = dict(fld.attrs.get("selection") or [])
    static = model.store.query(
        "SELECT 1 FROM ir_model_fields WHERE model = ? AND name = ? AND selection != '[]'", (model._name, fld.name)
    )
    if static or model.db.profile.quirks.methods.export_dynamic_selection == "label":
        return labels.get(value, "" if static else value)
    return value


def _fill_xml_ids(model: BaseModel, lines: list[list[Any]]) -> None:
    """Replace every ``(model, id)`` cell by the record's xml id, one lookup per model."""
    cells: dict[str, dict[int, list[tuple[int, int]]]] = defaultdict(lambda: defaultdict(list))
    for i, line in enumerate(lines):
        for j, cell in enumerate(line):
            if isinstance(cell, tuple):
                cells[cell[0]][cell[1]].append((i, j))
    for name, by_id in cells.items():
        target = model.env.db.model(model.env, name)
        for record_id, xml_id in xmlids.ensure_xml_ids(model.env, target.schema, list(by_id)).items():
            for i, j in by_id[record_id]:
                lines[i][j] = xml_id
