"""Version profiles: everything that differs between Odoo versions, as data.

A profile is a folder ``simulator/profiles/<version>/``:

- ``profile.yaml``: written by hand from observed behaviour: quirks of the protocol
  and the ORM, model ordering, analytic strategy; typed by ``simulator.quirks``, so
  an unknown or mistyped key fails at load.
- ``version.json``, ``fields.json``, ``defaults.json``, ``seed.json``, ``names.json``,
  ``registry.json.gz`` (every ``ir.model``, ``ir.model.fields`` and ``ir.model.access`` row
  of the database), ``binaries.json.gz`` (the seed's images), ``constants.json`` (computed
  values a new record gets whatever it holds), ``restricted.json`` (fields of groups the
  admin is not in): recorded from a real fresh server by
  ``simulator.profiles.capture``; ``methods.json.gz`` (19.0+: the api_doc module's methods and
  field modules of every served model, for JSON-2).

Adding a version means adding a folder; code asks the profile, never the
version number. Folders outside the package count too: every directory named in
``ODOO_HARNESS_DATA`` (separated by ``os.pathsep``) may hold ``profiles/<version>/``,
which is where ``odoo-harness capture --out DIR`` puts a newly captured version.
"""

from __future__ import annotations

import gzip
import json
import os
import re
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from simulator.quirks import ModelSpec, Quirks

PROFILES_DIR = Path(__file__).parent / "profiles"
#: The registry's own records (ir.model, ir.model.fields, ir.model.access), merged into the seed.
REGISTRY_FILE = "registry.json.gz"
#: The models describing the database's own makeup, recorded whole (every model's rows, not only
#: the served ones'): what ``ir.model``, ``ir.model.fields``, ``ir.model.data`` (xml ids) and
#: ``ir.module.module`` list on a fresh database. Large, so kept apart from ``seed.json``,
#: gzipped, in ``registry.json.gz``.
REGISTRY_MODELS = ("ir.model", "ir.model.fields", "ir.model.access", "ir.model.data", "ir.module.module")
#: A registry row's place in its PostgreSQL table (``ctid`` order): how ties sort there.
PHYSICAL = "_physical"
#: The seed records' images (base64, each distinct one once), merged back into their rows.
BINARIES_FILE = "binaries.json.gz"
#: A version's recorded modules: ``<version>/modules/<name>/``, what installing one adds or changes.
MODULES_DIR = "modules"
#: A version's recorded demo data: ``<version>/demo/``, what a database created with demo data
#: holds beyond the fresh one, with its own ``modules/`` (a module installed over demo data).
DEMO_DIR = "demo"
#: A layer's seed entry: model -> ids of the rows it removes.
REMOVED = "removed"
#: A version's recorded languages: ``<version>/languages/<code>.json.gz``, the terms installing one
#: gives the recorded records (model -> field -> id -> value).
LANGUAGES_DIR = "languages"
#: What the api_doc module documents of each served model (19.0+, ``/doc-bearer/<model>.json``): each
#: method's signature (JSON-2 binds named arguments with it) and each field's module.
METHODS_FILE = "methods.json.gz"
#: The recorded files holding one entry per model (``fields.json``...), besides the seed.
RECORDED_BY_MODEL = ("fields", "defaults", "names", "constants", "restricted")
#: The public methods the simulator serves only on versions whose profile lists them (``methods.added``),
#: the older ones not having them.
ADDED_METHODS = frozenset({"formatted_read_group"})
#: Directories whose ``profiles/`` extend the built-in ones (a team's own captured versions).
DATA_PATH_ENV = "ODOO_HARNESS_DATA"

#: The models the simulator serves (and the capture tool records).
SERVED_MODELS = (
    "res.users",
    "res.groups",
    "res.company",
    "res.partner",
    "res.partner.category",
    "res.currency",
    "res.currency.rate",
    "res.country",
    "account.account",
    "account.journal",
    "account.move",
    "account.move.line",
    "account.analytic.plan",
    "account.analytic.account",
    "account.analytic.line",
    "project.project",
    "project.task",
    "project.task.type",
    "project.task.stage.personal",
    "mail.message",
    "mail.followers",
    "mail.alias",
    "ir.config_parameter",
    "ir.model",
    "ir.model.fields",
    "ir.model.access",
    "ir.model.data",
    "ir.module.module",
    "ir.cron",
    "ir.actions.actions",
    "ir.actions.act_window",
    "ir.actions.server",
    "ir.actions.report",
    "ir.ui.menu",
    "res.country.state",
    "ir.attachment",
    "res.lang",
    "res.config.settings",
    "base.language.install",
    "res.users.apikeys.description",
    "res.users.apikeys",
    "res.users.apikeys.show",
    "res.users.identitycheck",
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
    #: Fields the model's ``copy`` gives as ``"<value> (copy)"``.
    copy_names: tuple[str, ...] = ()
    #: Fields with a ``group_expand``: their read_group groups carry ``__fold``.
    group_expand: tuple[str, ...] = ()


@dataclass
class Profile:
    """One Odoo version's behaviour, loaded from its folder."""

    version: str
    version_info: dict[str, Any]
    quirks: Quirks
    fields: dict[str, dict[str, dict]]
    defaults: dict[str, dict]
    seed: dict[str, list[dict]]
    models: dict[str, ModelMeta]
    #: Display names of records of models not served that many2one fields point to
    #: (``names.json``), each model's ids in that model's ``_order``.
    names: dict[str, dict[int, str]] = field(default_factory=dict)
    #: Of those, the archived records (a many2many's read leaves them out).
    archived: dict[str, set[int]] = field(default_factory=dict)
    #: Computed values every new record of a model gets (``constants.json``): the same on two
    #: records the capture made and on every recorded one (a company-wide setting, a count).
    constants: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: Fields of groups the recorded admin is not in (``restricted.json``): model -> field ->
    #: the groups the AccessError names, the field a full read names first.
    restricted: dict[str, dict[str, str]] = field(default_factory=dict)
    #: The recorded modules installed on top of the fresh database (``sale``).
    modules: tuple[str, ...] = ()
    #: Whether the database holds the recorded demo data (created with ``demo``).
    demo: bool = False

    @cached_property
    def copied(self) -> dict[tuple[str, str], bool]:
        """Whether ``copy`` copies each field (its recorded ir.model.fields row's ``copied``)."""
        return {
            (row["model"], row["name"]): bool(row.get("copied", True)) for row in self.seed.get("ir.model.fields", [])
        }

    @cached_property
    def ranks(self) -> dict[str, dict[int, int]]:
        """Each recorded name's place in its model's ``_order`` (``recorded_rank``)."""
        return {model: {i: rank for rank, i in enumerate(names)} for model, names in self.names.items()}

    def has_method(self, name: str) -> bool:
        methods = self.quirks.methods
        return name not in methods.removed and (name not in ADDED_METHODS or name in methods.added)


def profile_roots() -> list[Path]:
    """Where profiles are looked for: ``$ODOO_HARNESS_DATA``'s ``profiles/`` first, then the package's."""
    extra = [Path(d) / "profiles" for d in os.environ.get(DATA_PATH_ENV, "").split(os.pathsep) if d]
    return [*extra, PROFILES_DIR]


def available_versions() -> list[str]:
    found = {
        p.name for root in profile_roots() if root.is_dir() for p in root.iterdir() if (p / "profile.yaml").is_file()
    }
    return sorted(found, key=_numeric)


def _numeric(version: str) -> tuple[int, ...]:
    """ "9.0" before "16.0" (folder names sort as text otherwise)."""
    return tuple(int(number) for number in re.findall(r"\d+", version))


def _folder(version: str) -> Path | None:
    return next((root / version for root in profile_roots() if (root / version / "profile.yaml").is_file()), None)


@cache
def load_profile(version: str, modules: tuple[str, ...] = (), demo: bool = False) -> Profile:
    """Load (once per process) the profile of ``version``, with its recorded demo data and the
    recorded ``modules`` installed; unknown versions name the choices."""
    folder = _folder(version)
    if folder is None:
        choices = ", ".join(available_versions())
        raise ValueError(f"no simulator profile for Odoo {version!r} (available: {choices})")
    quirks = _quirks(version)
    data = _base_recording(version, demo)
    specs = dict(quirks.models)
    for module in modules:
        data = with_layer(data, module_recording(version, module, demo))
        specs.update(quirks.modules[module].models)
    fields, seed = data["fields"], data["seed"]
    registered = {row["model"]: row for row in seed.get("ir.model", [])}
    models = {
        name: _model_meta(name, registered.get(name, {}), fields[name], spec)
        for name, spec in specs.items()
        if name in fields
    }
    return Profile(
        version=version,
        version_info=_read_json(folder / "version.json"),
        quirks=quirks,
        fields=fields,
        defaults=data["defaults"],
        seed=seed,
        models=models,
        names={model: {int(i): name for i, name, *_active in rows} for model, rows in data["names"].items()},
        archived={
            model: {int(i) for i, _name, *active in rows if active == [False]} for model, rows in data["names"].items()
        },
        constants=data["constants"],
        restricted={model: dict(pairs) for model, pairs in data["restricted"].items()},
        modules=modules,
        demo=demo,
    )


@cache
def installable_modules(version: str, demo: bool = False) -> frozenset[str]:
    """The modules whose installation the profile of ``version`` recorded (over its demo data)."""
    folder = _folder(version)
    return frozenset(
        name
        for name in _quirks(version).modules
        if folder and (layered_folder(folder, demo) / MODULES_DIR / name).is_dir()
    )


def has_demo(version: str) -> bool:
    """Whether the profile of ``version`` recorded demo data (``capture --demo``)."""
    folder = _folder(version)
    return bool(folder and (folder / DEMO_DIR).is_dir())


def layered_folder(folder: Path, demo: bool) -> Path:
    """Where a version's layers are: its folder, or its demo data's."""
    return folder / DEMO_DIR if demo else folder


def layered(folder: Path, demo: bool) -> dict[str, Any]:
    """The recording of a version folder, with its demo data's on top if asked."""
    base = recorded(folder)
    return with_layer(base, recorded(folder / DEMO_DIR)) if demo else base


def _merged(base: Any, entries: Any) -> Any:
    """A model's recorded entries with a module's new or changed ones: the module's new fields
    after the base's, as its classes extend the model after them."""
    if not isinstance(base, dict) or not isinstance(entries, dict):
        return entries
    return {**base, **entries}


@cache
def language_terms(version: str, lang: str) -> dict[str, dict[str, dict[str, str]]]:
    """The recorded terms of ``lang`` (empty for a language the capture did not install)."""
    folder = _folder(version)
    return _read_gzip(folder / LANGUAGES_DIR / f"{lang}.json.gz") if folder else {}


@cache
def api_doc(version: str) -> dict[str, Any]:
    """The recorded ``methods.json.gz`` of ``version`` (read once, when a JSON-2 call first needs it):
    ``{"methods": {digest: entry}, "models": {model: {"methods": {name: digest}, "modules": {field: module}}}}``;
    empty for a version without JSON-2."""
    folder = _folder(version)
    return _read_gzip(folder / METHODS_FILE) if folder else {}


@cache
def _base_recording(version: str, demo: bool) -> dict[str, Any]:
    """A version's recording, with its demo data if asked (read once per process)."""
    return layered(_folder(version) or PROFILES_DIR / version, demo)


@cache
def module_recording(version: str, module: str, demo: bool = False) -> dict[str, Any]:
    """What installing ``module`` adds or changes, as recorded (read once: the profile with the
    module and the rows a database merges in both come from it)."""
    return recorded(layered_folder(_folder(version) or PROFILES_DIR / version, demo) / MODULES_DIR / module)


def recorded(folder: Path) -> dict[str, Any]:
    """What the capture wrote into ``folder``, by kind (the registry and images merged into the seed)."""
    seed = {**_read_json(folder / "seed.json"), **_read_gzip(folder / REGISTRY_FILE)}
    _restore_binaries(seed, _read_gzip(folder / BINARIES_FILE))
    return {"seed": seed, **{kind: _read_json(folder / f"{kind}.json") for kind in RECORDED_BY_MODEL}}


def with_layer(base: dict[str, Any], module: dict[str, Any]) -> dict[str, Any]:
    """The base recording with a layer's (a module's, demo data's) on top: per model, its
    fields, defaults, names... replace the base's; the rows it removes go, a seed row's values
    go over the base's row of the same id, or it is added."""
    merged = {
        kind: {
            **base[kind],
            **{model: _merged(base[kind].get(model), entries) for model, entries in module[kind].items()},
        }
        for kind in RECORDED_BY_MODEL
    }
    seed = dict(base["seed"])
    for model, ids in module["seed"].get(REMOVED, {}).items():
        gone = set(ids)
        seed[model] = [row for row in seed.get(model, []) if row["id"] not in gone]
    for model, rows in module["seed"].items():
        if model == "sequences":
            seed[model] = {**seed.get(model, {}), **rows}
        elif model == "fresh":  # the layer's own group links right after install
            seed[model] = rows
        elif isinstance(rows, list):
            added = {row["id"]: row for row in rows}
            kept = [{**row, **added.pop(row["id"], {})} for row in seed.get(model, [])]
            seed[model] = [*kept, *added.values()]
    return {**merged, "seed": seed}


class ProfileError(ValueError):
    """A profile.yaml that does not fit ``simulator.quirks``: names the file, key and problem."""


def _quirks(version: str) -> Quirks:
    try:
        return Quirks.model_validate(_profile_yaml(version))
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors())
        raise ProfileError(f"{_folder(version) / 'profile.yaml'} (or a profile it extends): {problems}") from None


def _profile_yaml(version: str) -> dict:
    """profile.yaml merged over the profile it ``extends`` (dicts merge, lists replace)."""
    folder = _folder(version)
    if folder is None:
        raise ValueError(f"a profile extends Odoo {version!r}, which has no profile")
    data = yaml.safe_load((folder / "profile.yaml").read_text()) or {}
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


def _model_meta(name: str, recorded: dict, fields: dict, spec: ModelSpec) -> ModelMeta:
    """What the profile says, else what the model's recorded ``ir.model`` row says (label,
    ``_order``), else Odoo's defaults: ``_rec_name`` is ``name`` when the model has one."""
    rec_name = spec.rec_name if "rec_name" in spec.model_fields_set else ("name" if "name" in fields else None)
    searched = spec.rec_names_search if spec.rec_names_search is not None else [rec_name] if rec_name else []
    return ModelMeta(
        name=name,
        label=recorded.get("name", name),
        order=spec.order or recorded.get("order") or "id",
        rec_name=rec_name,
        display_field=spec.display_field,
        rec_names_search=tuple(searched),
        parent_name=spec.parent_name,
        inherits=dict(spec.inherits),
        transient=spec.transient,
        auto_filled=tuple(spec.auto_filled),
        copy_names=tuple(spec.copy_names),
        group_expand=tuple(spec.group_expand),
    )


def _read_gzip(path: Path) -> dict:
    return json.loads(gzip.decompress(path.read_bytes())) if path.is_file() else {}


def _restore_binaries(seed: dict[str, list[dict]], blobs: dict) -> None:
    for model, records in blobs.get("records", {}).items():
        rows = {str(row["id"]): row for row in seed.get(model, [])}
        for record_id, fields in records.items():
            rows[record_id].update({name: blobs["values"][digest] for name, digest in fields.items()})


def _read_json(path: Path) -> Any:
    return json.loads(path.read_text()) if path.is_file() else {}


def forget_profiles() -> None:
    """Forget what was loaded from the profile folders (``ODOO_HARNESS_DATA`` changed): each is
    read again when next asked for."""
    for cached in (load_profile, installable_modules, _base_recording, module_recording, language_terms, api_doc):
        cached.cache_clear()
