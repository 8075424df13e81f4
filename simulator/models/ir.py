"""ir.model.fields: display names that name the field's model."""

from __future__ import annotations

from typing import Any

from simulator import hooks

FIELDS = "ir.model.fields"


@hooks.display_name(FIELDS)
def _field_names(env: Any, ids: list[int]) -> dict[int, str]:
    """``"<label> (<model>)"``: the model's technical name (16's ``name_get``) or its
    ``ir.model`` label (17+, where ``hide_model`` in the context leaves the bare label)."""
    rows = env.db.reader.rows(env, env.db.schema(FIELDS), ids, ["field_description", "model"])
    labels: dict[str, Any] = {}
    if env.db.profile.quirks.orm.field_display_model == "label":
        if env.context.get("hide_model"):
            return {i: row["field_description"] or "" for i, row in rows.items()}
        models = sorted({row["model"] for row in rows.values() if row["model"]})
        marks = ",".join("?" * len(models))
        labels = (
            dict(env.db.store.query(f"SELECT model, name FROM ir_model WHERE model IN ({marks})", models))
            if models
            else {}
        )
    return {
        i: f"{row['field_description'] or ''} ({labels.get(row['model'], row['model'])})" for i, row in rows.items()
    }
