"""The web client's read methods (``web_read``, ``web_search_read``) and ``onchange``.

17.0 rewrote them around a *specification*: ``{field: {"fields": {...}, "order": ...,
"limit": ..., "context": ...}}``, a many2one read as its id or as the dict of the fields
asked, an x2many as ids or dicts. 16.0's ``web_search_read`` takes a field list (a
``search_read`` plus a count) and its ``onchange`` a ``{field: on_change}`` map, answering
values as ``read`` does (profile ``methods.web_spec``).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from simulator.errors import ServerError, missing_record_error
from simulator.fields import empty_read_value

if TYPE_CHECKING:
    from simulator.orm import BaseModel

#: Command.clear(): 16's onchange opens every x2many value of a new record with it.
CLEAR = [5, 0, 0]


def web_read(model: BaseModel, ids: list[int], specification: dict) -> list[dict]:
    names = list(specification) or ["id"]
    if names == ["id"]:  # the ids alone, read from nowhere: missing ones too
        return [{"id": i} for i in ids]
    values = model.read(ids, names, load="")
    if not values:
        return values
    for name, spec in specification.items():
        fld = model.schema.fields.get(name)
        if fld is None or not fld.relation or not (spec.get("fields") is not None or (fld.is_x2many and spec)):
            continue
        _ensure_all(model, ids)  # ``self[field]`` fetches every record of the set
        comodel = model.env.db.model(model.env, fld.relation)
        if fld.type == "many2one":
            _many2one(comodel, name, spec["fields"], values)
        elif fld.is_x2many:
            _x2many(comodel, name, spec, values)
    return values


def _ensure_all(model: BaseModel, ids: list[int]) -> None:
    missing = [i for i in ids if i not in set(model._existing(ids))]
    if missing:
        raise missing_record_error(model._name, missing, model.env.uid)


def _many2one(comodel: BaseModel, name: str, fields: dict, values: list[dict]) -> None:
    """The target as ``{id, <fields>..., display_name}`` (the name read as superuser)."""
    targets = list(dict.fromkeys(v[name] for v in values if v[name]))
    extra = {k: v for k, v in fields.items() if k != "display_name"}
    data = {row["id"]: row for row in web_read(comodel, targets, extra)}
    if "display_name" in fields:
        names = comodel.display_names(targets)
        for target, row in data.items():
            row["display_name"] = names.get(target, "")
    for row in values:
        if row[name]:
            row[name] = data[row[name]]


def _x2many(comodel: BaseModel, name: str, spec: dict, values: list[dict]) -> None:
    """Lines in the spec's ``order`` (archived ones kept), the first ``limit`` read."""
    if spec.get("order"):
        lines = list(dict.fromkeys(i for row in values for i in row[name]))
        unfiltered = comodel.env.db.model(
            replace(comodel.env, context={**comodel.env.context, "active_test": False}), comodel._name
        )
        ordered = unfiltered.search([("id", "in", lines)], order=spec["order"])
        rank = {line: index for index, line in enumerate(ordered)}
        for row in values:
            row[name] = sorted((i for i in row[name] if i in rank), key=rank.__getitem__)
    if "fields" not in spec:
        return
    limit = spec.get("limit")
    wanted = list(dict.fromkeys(i for row in values for i in row[name][:limit]))
    data = {line["id"]: line for line in web_read(comodel, wanted, spec["fields"])}
    for row in values:
        row[name] = [data.get(i) or {"id": i} for i in row[name]]


def web_search_read(
    model: BaseModel,
    domain: list,
    fields: Any,
    offset: int,
    limit: int | None,
    order: str | None,
    count_limit: int | None,
) -> dict:
    """The records and how many match, counted only when a full page may hide more."""
    if model.db.profile.quirks.methods.web_spec:
        for name in fields:
            model._field(name, "read")  # search_fetch refuses an unknown name even with no match
        records = web_read(model, model.search(domain, offset, limit, order), fields)
    else:
        records = model.search_read(domain, fields, offset, limit, order)
    if not records:
        return {"length": 0, "records": []}
    current = len(records) + (offset or 0)
    reached = len(records) == limit
    if limit and (
        (reached and not (count_limit and count_limit <= current)) or model.env.context.get("force_search_count")
    ):
        return {"length": model.search_count(domain, limit=count_limit), "records": records}
    return {"length": current, "records": records}


def onchange(model: BaseModel, values: dict, field_names: Any, spec: dict) -> dict:
    """A model without onchange methods: on the first call (no field changed) every field of
    the form with its value, its default or nothing; later only the display name follows
    a changed ``_rec_name``."""
    names = field_names if isinstance(field_names, list) else [field_names] if field_names else []
    if any(name not in model.schema.fields for name in names):
        return {}
    fields = list(dict.fromkeys(name.split(".")[0] for name in spec))
    unknown = [name for name in fields if name not in model.schema.fields]
    if unknown:
        raise ServerError("KeyError", repr(unknown[0]))
    if names:
        return {"value": _display_name_change(model, values, names, fields)}
    missing = [name for name in fields if name not in values]
    record = {**{name: False for name in missing}, **model.default_get(missing), **values}
    if "display_name" not in values:
        record["display_name"] = record.get(model.schema.meta.rec_name or "") or ""
    return {
        "value": {
            name: _new_value(model, name, record[name], spec.get(name))
            for name in fields
            if name != "id" and not _no_lines(model, name, record[name])
        }
    }


def _display_name_change(model: BaseModel, values: dict, names: list[str], fields: list[str]) -> dict:
    rec_name = model.schema.meta.rec_name
    if "display_name" in fields and rec_name in names and values.get(rec_name):
        return {"display_name": values[rec_name]}
    return {}


def _no_lines(model: BaseModel, name: str, value: Any) -> bool:
    """17+ leave an x2many without lines out (no command to send)."""
    return model.schema.fields[name].is_x2many and not value and model.db.profile.quirks.methods.web_spec


def _new_value(model: BaseModel, name: str, value: Any, spec: Any) -> Any:
    """A new record's value as the version's onchange answers it: 16 as ``read`` (a
    many2one ``[id, name]``, an x2many opened with a clear), 17+ as ``web_read``."""
    fld = model.schema.fields[name]
    web_spec = model.db.profile.quirks.methods.web_spec
    if fld.is_x2many:
        return [*([] if web_spec else [CLEAR]), *([4, i, 0] for i in value or [])]
    if fld.type == "many2one" and value:
        target = value[0] if isinstance(value, list) else value
        comodel = model.env.db.model(model.env, fld.relation or "")
        if not web_spec or (isinstance(spec, dict) and spec.get("fields") is not None):
            shown = comodel.display_names([target]).get(target, "")
            return {"id": target, "display_name": shown} if web_spec else [target, shown]
        return target
    return empty_read_value(fld.type) if value is False or value is None else value
