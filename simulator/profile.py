"""Version profiles: everything that differs between Odoo versions, as data.

A profile is a folder ``simulator/profiles/<version>/``:

- ``profile.yaml``: written by hand from observed behaviour (odoo-api-facts.md):
  quirks of the protocol and the ORM, model ordering, analytic strategy.
- ``version.json``, ``fields.json``, ``defaults.json``, ``seed.json``: recorded
  from a real fresh server by ``simulator.profiles.capture``.

Adding Odoo 19 means adding a folder; code asks the profile, never the
version number.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

PROFILES_DIR = Path(__file__).parent / "profiles"

#: The models the simulator serves (and the capture tool records).
SERVED_MODELS = (
    "res.users",
    "res.groups",
    "res.company",
    "res.partner",
    "res.partner.category",
    "res.currency",
    "account.account",
    "account.journal",
    "account.move",
    "account.move.line",
    "account.analytic.plan",
    "account.analytic.account",
    "account.analytic.line",
    "project.project",
    "project.task",
    "ir.config_parameter",
    "ir.model",
    "ir.model.fields",
    "ir.model.access",
    "res.config.settings",
)


@dataclass(frozen=True)
class ModelMeta:
    """Model-level facts ``fields_get`` does not tell (``_order``, ``_rec_name``...)."""

    name: str
    label: str
    order: str = "id"
    rec_name: str | None = "name"
    #: Stored column holding the display name when it is not ``rec_name`` (partners).
    display_field: str | None = None
    rec_names_search: tuple[str, ...] = ()
    parent_name: str | None = None
    inherits: dict[str, str] = field(default_factory=dict)
    transient: bool = False
    #: Required fields Odoo fills from models the simulator does not serve (mail aliases).
    auto_filled: tuple[str, ...] = ()


@dataclass
class Profile:
    """One Odoo version's behaviour, loaded from its folder."""

    version: str
    version_info: dict[str, Any]
    quirks: dict[str, Any]
    fields: dict[str, dict[str, dict]]
    defaults: dict[str, dict]
    seed: dict[str, list[dict]]
    models: dict[str, ModelMeta]

    def quirk(self, path: str, default: Any = None) -> Any:
        """A dotted lookup into profile.yaml, e.g. ``quirk("analytic.plan_columns")``."""
        node: Any = self.quirks
        for part in path.split("."):
            if not isinstance(node, dict) or part not in node:
                return default
            node = node[part]
        return node

    def has_method(self, name: str) -> bool:
        return name not in self.quirk("methods.removed", [])


def available_versions() -> list[str]:
    return sorted(p.name for p in PROFILES_DIR.iterdir() if (p / "profile.yaml").is_file())


@cache
def load_profile(version: str) -> Profile:
    """Load (once per process) the profile of ``version``; unknown versions name the choices."""
    folder = PROFILES_DIR / version
    if not (folder / "profile.yaml").is_file():
        choices = ", ".join(available_versions())
        raise ValueError(f"no simulator profile for Odoo {version!r} (available: {choices})")
    quirks = _profile_yaml(version)
    seed = _read_json(folder / "seed.json")
    fields = _read_json(folder / "fields.json")
    labels = {row["model"]: row["name"] for row in seed.get("ir.model", [])}
    models = {
        name: _model_meta(name, labels.get(name, name), fields.get(name, {}), spec or {})
        for name, spec in quirks.get("models", {}).items()
    }
    return Profile(
        version=version,
        version_info=_read_json(folder / "version.json"),
        quirks=quirks,
        fields=fields,
        defaults=_read_json(folder / "defaults.json"),
        seed=seed,
        models=models,
    )


def _profile_yaml(version: str) -> dict:
    """profile.yaml merged over the profile it ``extends`` (dicts merge, lists replace)."""
    data = yaml.safe_load((PROFILES_DIR / version / "profile.yaml").read_text()) or {}
    base = data.pop("extends", None)
    return _merge(_profile_yaml(base), data) if base else data


def _merge(base: dict, override: dict) -> dict:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _model_meta(name: str, label: str, fields: dict, spec: dict) -> ModelMeta:
    rec_name = spec.get("rec_name", "name" if "name" in fields else None)
    return ModelMeta(
        name=name,
        label=label,
        order=spec.get("order", "id"),
        rec_name=rec_name,
        display_field=spec.get("display_field"),
        rec_names_search=tuple(spec.get("rec_names_search", [rec_name] if rec_name else [])),
        parent_name=spec.get("parent_name"),
        inherits=dict(spec.get("inherits", {})),
        transient=bool(spec.get("transient", False)),
        auto_filled=tuple(spec.get("auto_filled", ())),
    )


def _read_json(path: Path) -> Any:
    return json.loads(path.read_text()) if path.is_file() else {}
