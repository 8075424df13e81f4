"""Record a version profile's data from a real, fresh Odoo server.

The simulator's field metadata, defaults and initial records are not written
by hand: they are what a real Odoo of that version answered right after
install (base, analytic, account, project; no demo data). Run against a
fresh database:

    ODOO_PASSWORD=... python -m simulator.profiles.capture \\
        --url http://127.0.0.1:8017 --db odoo17 --out simulator/profiles/17.0

It writes ``fields.json`` (fields_get of every served model), ``defaults.json``
(default_get of every field), ``seed.json`` (every stored value of every
record, ids kept; ``null`` where the column is NULL, which a read shows as 0 for a
number) and ``names.json`` (display names of the records of models the simulator does
not hold that served many2one and many2many fields point to). Secrets (the value of
``database.secret``, password hashes) are never read or written.

On a server with the JSON-2 API (19.0+) it also writes ``methods.json.gz``: what the api_doc
module documents of every served model (its methods' signatures, each field's module), which
the simulator binds JSON-2's named arguments with and serves as ``/doc-bearer/<model>.json``.

``--module NAME`` and ``--language CODE`` record what installing one adds; ``--demo`` creates a
database with Odoo's demo data and records what it holds beyond the fresh one (README: The
simulator, Modules, languages and API keys).
"""

from __future__ import annotations

import argparse
import datetime
import gzip
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from simulator import dates
from simulator.profile import (
    BINARIES_FILE,
    DEMO_DIR,
    LANGUAGES_DIR,
    METHODS_FILE,
    MODULES_DIR,
    PHYSICAL,
    RECORDED_BY_MODEL,
    REGISTRY_FILE,
    REGISTRY_MODELS,
    REMOVED,
    SERVED_MODELS,
    layered,
    layered_folder,
    load_profile,
    recorded,
    with_layer,
)

SECRET_PARAMETERS = {"database.secret"}
#: Fields never recorded, whatever the model: credentials and per-database random tokens.
SECRET_FIELDS = {"password", "new_password", "signup_token", "signup_url", "totp_secret", "api_key_ids"}
#: Computed fields whose read writes (16.0's res.company ``analytic_plan_id`` creates the
#: "Default" plan): reading them would record a database that is no longer fresh.
WRITES_ON_READ = {("res.company", "analytic_plan_id")}
#: A value a row did not have (None is one).
MISSING = object()
#: Computed images recorded all the same (the simulator cannot derive them): the modules' icons,
#: read from each module's files (123 distinct ones on 17.0, about 300 kB).
RECORDED_IMAGES = {("ir.module.module", "icon_image")}
#: Wizards with no records to record (res.users.apikeys.show has no table to search: 16.0 faults).
UNSEEDED = ("res.config.settings", "res.users.apikeys.show")
#: The context a search of every record of these models needs (16-18 list only the menus the
#: admin may open otherwise).
FULL_LIST = {"ir.ui.menu": {"ir.ui.menu.full_list": True}}
#: Served models whose ``_table`` is not their name's (the simulator's table is): their sequences.
OWN_TABLES = {"project.task.stage.personal": "project_task_user_rel"}


class RpcError(Exception):
    """A JSON-RPC error answer from the server."""


class Capture:
    """A thin JSON-RPC client (JSON allows the nulls default_get can return)."""

    def __init__(self, url: str, db: str, login: str, password: str, served: tuple[str, ...] = SERVED_MODELS) -> None:
        #: The models recorded: the simulator's, and those of a module being recorded.
        self.served = served
        self.url, self.db, self.password = url, db, password
        self.uid = self.rpc("common", "authenticate", db, login, password, {})
        if not self.uid:
            raise SystemExit(f"capture: authentication failed for {login!r} on {db!r}")

    def rpc(self, service: str, method: str, *args: Any) -> Any:
        return json_rpc(self.url, service, method, *args)

    def call(self, model: str, method: str, *args: Any, **kwargs: Any) -> Any:
        return self.rpc("object", "execute_kw", self.db, self.uid, self.password, model, method, list(args), kwargs)

    def all_records(self, model: str, fields: list[str], domain: list | None = None) -> list[dict]:
        context = {"active_test": False, **FULL_LIST.get(model, {})}
        return self.call(model, "search_read", domain or [], fields=fields, order="id", context=context)


def json_rpc(url: str, service: str, method: str, *args: Any) -> Any:
    """One call to ``url``'s ``/jsonrpc``; an error answer raises ``RpcError``. Database
    creation installs modules: minutes, not seconds."""
    body = json.dumps(
        {"jsonrpc": "2.0", "method": "call", "id": 1, "params": {"service": service, "method": method, "args": args}}
    )
    request = urllib.request.Request(f"{url}/jsonrpc", body.encode(), {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=900) as response:
        answer = json.loads(response.read())
    if "error" in answer:
        raise RpcError(f"{service}.{method}: {answer['error']['data']['message']}")
    return answer["result"]


def recorded_columns(model: str, fields: dict[str, dict], served: tuple[str, ...] = SERVED_MODELS) -> list[str]:
    """What a seed row carries: every field a read answers with a value of its own, stored
    or computed (a computed one is what a fresh database answers for that record), but
    secrets, binaries the simulator derives (avatars: not stored), and the one2many it
    rebuilds from the inverse many2one of a model it holds (a stored many2many keeps its
    relation table; a computed one2many without an inverse is recorded as read)."""
    return sorted(
        name
        for name, attrs in fields.items()
        if name not in SECRET_FIELDS
        and (model, name) not in WRITES_ON_READ
        and not (attrs["type"] == "binary" and not attrs.get("store") and (model, name) not in RECORDED_IMAGES)
        and not (attrs["type"] == "one2many" and attrs.get("relation") in served and attrs.get("relation_field"))
    )


def seed_rows(capture: Capture, model: str, fields: dict[str, dict]) -> list[dict]:
    columns = recorded_columns(model, fields, capture.served)
    domain: list = []
    if model == "ir.config_parameter":
        domain = [("key", "not in", sorted(SECRET_PARAMETERS))]
    computed = [name for name in columns if not fields.get(name, {}).get("store", True)]
    rows = capture.all_records(model, [name for name in columns if name not in computed], domain)
    if model == "ir.config_parameter":  # the secret's row, never its value (the simulator makes its own)
        secrets = capture.all_records(
            model, [c for c in columns if c != "value"], [("key", "in", sorted(SECRET_PARAMETERS))]
        )
        rows = sorted([*rows, *({**row, "value": None} for row in secrets)], key=lambda row: row["id"])
        domain = []
    unheld = [
        name
        for name in columns
        if fields.get(name, {}).get("type") == "many2many"
        and fields[name].get("store")
        and fields[name].get("relation") not in capture.served
    ]
    if unheld and rows:  # every link, to archived records too (a plain read hides those: 18's portal rule)
        linked = {
            row["id"]: row
            for row in capture.call(model, "read", [row["id"] for row in rows], unheld, context={"active_test": False})
        }
        rows = [{**row, **{name: linked[row["id"]][name] for name in unheld}} for row in rows]
    if computed and rows:  # computed values as a client reads them (archived records are read by id)
        by_id = {row["id"]: row for row in readable(capture, model, [row["id"] for row in rows], computed)}
        rows = [
            {**row, **{name: by_id[row["id"]].get(name) for name in computed if name in by_id[row["id"]]}}
            for row in rows
        ]
    today = datetime.date.today()
    for row in rows:
        for key, value in row.items():
            attrs = fields.get(key, {})
            if (
                isinstance(value, list)
                and len(value) == 2
                and isinstance(value[1], str)
                and attrs.get("type") == "many2one"
            ):
                row[key] = value[0]
            elif attrs.get("type") == "date" and not attrs.get("store"):  # computed from today
                row[key] = dates.encode(value, today)
    nulls = {
        **null_numbers(capture, model, fields, columns, domain),
        **null_booleans(capture, model, fields, columns, domain),
    }
    for row in rows:
        for column, ids in nulls.items():
            if row["id"] in ids:
                row[column] = None
    return rows


def null_numbers(
    capture: Capture, model: str, fields: dict[str, dict], columns: list[str], domain: list
) -> dict[str, set[int]]:
    """The records whose numeric column is NULL, which ``read`` shows as 0 but ``read_group``
    and ``= False`` tell apart: the empty group of a ``read_group`` by that column (the
    ids gathered with ``array_agg``, a read_group spec every version knows)."""
    nulls: dict[str, set[int]] = {}
    for column in columns:
        attrs = fields.get(column, {})
        if column == "id" or attrs.get("type") not in ("integer", "float", "monetary") or not attrs.get("store"):
            continue
        try:
            groups = capture.call(
                model, "read_group", domain, ["ids:array_agg(id)"], [column], lazy=False, context={"active_test": False}
            )
        except RpcError as exc:
            print(f"capture: {model}.{column}: NULLs not told apart ({exc})")
            continue
        empty = {
            i
            for group in groups
            if group.get(column) is False and isinstance(group.get("ids"), list)
            for i in group["ids"]
        }
        if empty:
            nulls[column] = empty
    return nulls


def null_booleans(
    capture: Capture, model: str, fields: dict[str, dict], columns: list[str], domain: list
) -> dict[str, set[int]]:
    """The records whose boolean column is NULL (never written: ``employee`` of the installed
    partners), which ``read`` shows as False but ``<`` and ``>=`` tell apart up to 18.0: the
    ones ``= False`` finds and ``< True`` does not. 19 compares NULL as False (its ``<`` on a
    boolean faults), so nothing is told apart there, as nothing needs to be."""
    nulls: dict[str, set[int]] = {}
    context = {"active_test": False}
    for column in columns:
        attrs = fields.get(column, {})
        if attrs.get("type") != "boolean" or not attrs.get("store"):
            continue
        try:
            unset = set(capture.call(model, "search", [*domain, (column, "=", False)], context=context))
            false = set(capture.call(model, "search", [*domain, (column, "<", True)], context=context))
        except RpcError:
            continue
        if unset - false:
            nulls[column] = unset - false
    return nulls


def recorded_defaults(capture: Capture, model: str, names: list[str]) -> dict:
    """default_get of every field. An override without ``@api.model`` (account.move.line, 18's
    product.template) is called as the web client calls it, with no record ids; a model whose
    default_get still fails records none rather than failing the capture. A ``None`` default
    (16/17's partner ``barcode``) is kept as null: over XML-RPC it faults the whole
    ``default_get`` ("cannot marshal None"), and the simulator answers the same. Dates
    relative to today are written as tokens (``simulator.dates``)."""
    today = datetime.date.today()
    try:
        try:
            found = capture.call(model, "default_get", names)
        except RpcError as exc:  # an override without @api.model: call_kw takes args[0] as ids
            if "missing 1 required positional argument: 'fields_list'" not in str(exc):
                raise
            found = capture.call(model, "default_get", [], names)
        return {name: dates.encode(value, today) for name, value in found.items()}
    except RpcError as exc:
        print(f"capture: {model}: no defaults ({exc})")
        return {}


def referenced_names(
    capture: Capture, fields_by_model: dict[str, dict], seed: dict[str, list] | None = None
) -> dict[str, list]:
    """``[id, display_name]`` of every record of each model a served many2one points to but
    the simulator does not hold (res.country, uom.uom, ir.module.category...), in that model's
    own ``_order``: what a read names such a target and where read_group puts its group.
    For a model only many2many fields point to (ir.ui.menu, ir.rule...), the records the
    seed links to, by id (a many2many groups by id). A model whose search faults (18's
    account.root) is left out."""
    comodels = sorted(
        {
            attrs["relation"]
            for fields in fields_by_model.values()
            for attrs in fields.values()
            if attrs["type"] == "many2one" and attrs.get("relation") not in capture.served
        }
    )
    linked: dict[str, set[int]] = {}
    for model, fields in fields_by_model.items():
        for name, attrs in fields.items():
            comodel = attrs.get("relation")
            if (
                attrs["type"] != "many2many"
                or not attrs.get("store")
                or comodel in capture.served
                or comodel in comodels
            ):
                continue
            targets = linked.setdefault(comodel, set())
            for row in (seed or {}).get(model, []):
                targets.update(i for i in row.get(name) or [] if isinstance(i, int))
    names: dict[str, list] = {}
    for model in [*comodels, *sorted(m for m, ids in linked.items() if ids)]:
        try:
            if model in linked:  # read by id: a search hides some (ir.ui.menu shows the user's menus)
                shown = (
                    ["display_name", "active"]
                    if "active" in capture.call(model, "fields_get", ["active"])
                    else ["display_name"]
                )
                rows = capture.call(model, "read", sorted(linked[model]), shown, context={"active_test": False})
            else:
                rows = capture.call(model, "search_read", [], fields=["display_name"], context={"active_test": False})
        except RpcError as exc:
            print(f"capture: {model}: no display names ({exc})")
            continue
        names[model] = [
            [row["id"], row["display_name"], *([False] if row.get("active") is False else [])] for row in rows
        ]  # an archived record: a third element, False
    return names


def enable_analytic(capture: Capture) -> None:
    """Switch Analytic Accounting on as an admin does (the simulator's default state);
    the group memberships from before are kept in the seed for ``--fresh``."""
    settings_id = capture.call("res.config.settings", "create", {"group_analytic_accounting": True})
    capture.call("res.config.settings", "execute", [settings_id])


def group_users_field(capture: Capture, model: str = "res.groups", comodel: str = "res.users") -> str:
    """res.groups' stored many2many to its users: ``users`` up to 18.0, ``user_ids`` from 19.0
    (and res.users' to its groups: ``groups_id``, then ``group_ids``)."""
    fields = capture.call(model, "fields_get", attributes=["type", "relation", "store"])
    return next(
        name
        for name, attrs in sorted(fields.items())
        if attrs["type"] == "many2many" and attrs.get("relation") == comodel and attrs.get("store")
    )


def fresh_group_links(capture: Capture) -> list[dict]:
    """Each group's implied groups and users right after install. A group's users as read
    leave archived users out (OdooBot, the templates), so they are read from the users' side."""
    users_field = group_users_field(capture)
    groups_field = group_users_field(capture, "res.users", "res.groups")
    members: dict[int, set[int]] = {}
    for user in capture.all_records("res.users", [groups_field]):
        for group_id in user[groups_field]:
            members.setdefault(group_id, set()).add(user["id"])
    return [
        {**group, users_field: sorted(set(group[users_field]) | members.get(group["id"], set()))}
        for group in capture.all_records("res.groups", ["implied_ids", users_field])
    ]


def capture_profile(capture: Capture, out: Path) -> None:
    version = capture.rpc("common", "version")
    fresh_groups = fresh_group_links(capture)
    enable_analytic(capture)
    fields_by_model: dict[str, dict] = {}
    defaults: dict[str, dict] = {}
    seed: dict[str, list] = {}
    for model in capture.served:
        fields = capture.call(model, "fields_get")
        fields_by_model[model] = fields
        defaults[model] = recorded_defaults(capture, model, sorted(fields))
        if model not in UNSEEDED:
            seed[model] = seed_rows(capture, model, fields)
        print(f"capture: {model}: {len(fields)} fields, {len(seed.get(model, []))} records")
    seed["fresh"] = {"res.groups": fresh_groups}
    names = referenced_names(capture, fields_by_model, seed)
    recorded_constants = constants(capture, fields_by_model, seed)  # last: it creates records
    registry = {model: seed.pop(model) for model in REGISTRY_MODELS}
    restricted = restricted_fields(capture, fields_by_model, registry)  # on the probes' records too
    out.mkdir(parents=True, exist_ok=True)
    write_json(out / "constants.json", recorded_constants)
    write_json(out / "restricted.json", restricted)
    write_json(out / "version.json", version)
    write_fields(out / "fields.json", fields_by_model)
    write_json(out / "defaults.json", defaults)
    blobs = binaries(seed, fields_by_model)
    write_json(out / "seed.json", seed)
    write_gzip(out / REGISTRY_FILE, registry)
    write_gzip(out / BINARIES_FILE, blobs)
    write_json(out / "names.json", names)


#: Computed values a server's crons change at any time (the periodic digest's failed mail
#: counts on a server with no mail server): never constants.
CRON_DEPENDENT = {"fail_counter"}
#: Records the capture creates twice (``Probe A``, ``Probe B``), last, to tell which computed
#: values do not depend on the record: model -> its values; ``<first:model>`` is the first
#: record of that model (an existing plan, the first probe project).
PROBES: dict[str, dict[str, Any]] = {
    "res.config.settings": None,  # first, before the others' side effects (mail failures...); no name
    "res.partner.category": {},
    "res.partner": {},
    "account.analytic.plan": {},
    "account.analytic.account": {"plan_id": "<first:account.analytic.plan>"},
    "account.analytic.line": {"account_id": "<first:account.analytic.account>"},
    "project.project": {},
    "project.task": {"project_id": "<first:project.project>"},
}


def constants(capture: Capture, fields_by_model: dict[str, dict], seed: dict[str, list]) -> dict[str, dict]:
    """Computed values a new record gets whatever it holds (the company's fiscal country, the
    number of active languages...): the same on two probe records and on every seeded one.
    Dates and times (today, now) and binaries are left out; so is what differs per record
    (an address, an url with the id)."""
    found: dict[str, dict] = {}
    for model, template in PROBES.items():
        fields = fields_by_model[model]
        computed = [
            name
            for name in recorded_columns(model, fields, capture.served)
            if not fields[name].get("store")
            and fields[name]["type"] not in ("date", "datetime", "binary")
            and name not in CRON_DEPENDENT
        ]
        probes = [
            capture.call(model, "create", [_probe_values(capture, model, template, name)])
            for name in ("Probe A", "Probe B")
        ]
        probes = [i[0] if isinstance(i, list) else i for i in probes]
        first, second = readable(capture, model, probes, computed)
        same = {name: first[name] for name in first if first[name] == second[name]}
        for row in seed.get(model, []):
            same = {name: value for name, value in same.items() if row.get(name) == _plain(value)}
        found[model] = {name: _plain(value) for name, value in same.items()}
    return found


def readable(capture: Capture, model: str, ids: list[int], names: list[str]) -> list[dict]:
    """``read`` of the fields the user may read, as a client reads them (no ``active_test``
    in the context, which computed counts would take in): a field restricted to a group the
    user is not in (19's project ``stage_id``) faults the whole read, so those are left out,
    as are those whose compute faults on some record (16's ``search_view`` of a wizard's
    action, which the admin may not open)."""
    try:
        return capture.call(model, "read", ids, names)
    except RpcError:
        allowed = []
        for name in names:
            try:
                capture.call(model, "read", ids, [name])
                allowed.append(name)
            except RpcError:
                print(f"capture: {model}.{name}: not recorded (its read faults)")
        return capture.call(model, "read", ids, allowed)


def restricted_fields(capture: Capture, fields_by_model: dict[str, dict], registry: dict[str, list]) -> dict[str, list]:
    """Fields a model has (its ir.model.fields rows) that ``fields_get`` hides from the admin
    because they belong to groups the admin is not in, each with the groups its AccessError
    names ("allowed for groups 'Technical / Use Stages on Project'"); the field a read
    without a field list names (19 refuses such reads) comes first."""
    found: dict[str, list] = {}
    for model, fields in fields_by_model.items():
        hidden = [
            row["name"] for row in registry["ir.model.fields"] if row["model"] == model and row["name"] not in fields
        ]
        record = capture.call(model, "search", [], limit=1, context={"active_test": False}) if hidden else []
        if not record:
            continue
        groups = {}
        for name in hidden:
            try:
                capture.call(model, "read", record, [name])
            except RpcError as exc:
                match = re.search(r"allowed for groups .+?(?=\)?$)", str(exc).splitlines()[-1])
                if match:
                    groups[name] = match.group(0)
        try:
            capture.call(model, "read", record)
        except RpcError as exc:
            named = re.search(r'access the field "([^"]+)"', str(exc))
            if named and named.group(1) in groups:
                groups = {named.group(1): groups[named.group(1)], **groups}
        if groups:
            found[model] = [[name, text] for name, text in groups.items()]  # a list: the order counts
    return found


def _probe_values(capture: Capture, model: str, template: dict | None, name: str) -> dict:
    if template is None:
        return {}
    values: dict[str, Any] = {"name": name}
    for field_name, value in template.items():
        if isinstance(value, str) and value.startswith("<first:"):
            value = capture.call(value[7:-1], "search", [], limit=1, order="id")[0]
        values[field_name] = value
    return values


def _plain(value: Any) -> Any:
    """A many2one as its id, as the seed rows keep it."""
    return value[0] if isinstance(value, list) and len(value) == 2 and isinstance(value[1], str) else value


def pg_sequences(psql_db: str, served: tuple[str, ...] = SERVED_MODELS) -> dict[str, int]:
    """Id sequences of the served tables, read with ``psql`` from the fresh database.

    Sequences are invisible over RPC, but a real server's next id depends on them
    (install-time records that were deleted still consumed ids)."""
    tables = {OWN_TABLES.get(m, m.replace(".", "_")): m.replace(".", "_") for m in served}
    names = ", ".join(f"'{t}_id_seq'" for t in tables)
    out = subprocess.run(
        [
            "psql",
            "-At",
            "-F",
            "|",
            psql_db,
            "-c",
            f"SELECT sequencename, last_value FROM pg_sequences WHERE sequencename IN ({names})",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    sequences = {}
    for line in out.splitlines():
        name, value = line.split("|")
        if value:
            sequences[tables[name.removesuffix("_id_seq")]] = int(value)
    return sequences


def write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n")


def write_fields(path: Path, fields_by_model: dict[str, dict]) -> None:
    """``fields.json``: models and attributes sorted, but each model's fields in the order
    ``fields_get`` gave them (the model's definition order, which clients see and go by)."""
    ordered = {
        model: {name: dict(sorted(attrs.items())) for name, attrs in fields_by_model[model].items()}
        for model in sorted(fields_by_model)
    }
    path.write_text(json.dumps(ordered, indent=1, ensure_ascii=False) + "\n")


def binaries(seed: dict[str, list], fields_by_model: dict[str, dict]) -> dict[str, dict]:
    """The seed's images, taken out of its rows: each distinct value once, by its SHA-1
    (the same logo is the company's ``logo`` and its partner's ``image_1920``...)."""
    values: dict[str, str] = {}
    records: dict[str, dict[str, dict[str, str]]] = {}
    for model, rows in seed.items():
        kinds = fields_by_model.get(model, {})
        for row in rows if isinstance(rows, list) else ():
            for name in [n for n in row if kinds.get(n, {}).get("type") == "binary"]:
                value = row.pop(name)
                if value:
                    digest = hashlib.sha1(value.encode()).hexdigest()
                    values[digest] = value
                    records.setdefault(model, {}).setdefault(str(row["id"]), {})[name] = digest
    return {"values": values, "records": records}


def write_gzip(path: Path, data: dict, sort_keys: bool = True) -> None:
    """Large recordings gzipped (the registry: about 7 MB of JSON, 300 kB packed),
    byte-identical for the same answers; ``sort_keys=False`` keeps the order the server gave
    (a signature's parameters)."""
    text = json.dumps(data, sort_keys=sort_keys, separators=(",", ":"), ensure_ascii=False)
    path.write_bytes(gzip.compress(text.encode(), mtime=0))


def capture(
    url: str,
    db: str,
    login: str,
    password: str,
    out: Path,
    psql_db: str | None = None,
    served: tuple[str, ...] = SERVED_MODELS,
) -> dict:
    """Record a profile's data from the fresh database ``db`` into ``out``; answers ``version()``."""
    sequences = pg_sequences(psql_db, served) if psql_db else None  # before the capture writes anything
    physical = physical_order(psql_db) if psql_db else None
    capture_profile(Capture(url, db, login, password, served), out)
    documented = api_doc(url, db, login, password, served)
    if documented is not None:
        write_gzip(out / METHODS_FILE, documented, sort_keys=False)
    if sequences is not None:
        seed_path = out / "seed.json"
        seed = json.loads(seed_path.read_text())
        seed["sequences"] = sequences
        write_json(seed_path, seed)
    if physical is not None:
        registry = json.loads(gzip.decompress((out / REGISTRY_FILE).read_bytes()))
        for model, rows in registry.items():
            ranks = physical.get(model.replace(".", "_"), {})
            for row in rows:
                row[PHYSICAL] = ranks.get(row["id"])
        write_gzip(out / REGISTRY_FILE, registry)
    return json.loads((out / "version.json").read_text())


def api_doc(url: str, db: str, login: str, password: str, served: tuple[str, ...]) -> dict | None:
    """What ``/doc/<model>.json`` (api_doc, the document ``/doc-bearer/<model>.json`` serves to an API key)
    says of each served model, read in a web session: None on a server without JSON-2 (``/json/version``
    is not its JSON). Each method's entry is kept once (most are BaseModel's, the same on every model)."""
    if not serves_json2(url):
        return None
    cookie = web_session(url, db, login, password)
    entries: dict[str, dict] = {}
    models: dict[str, dict] = {}
    for model in served:
        request = urllib.request.Request(
            f"{url}/doc/{model}.json", headers={"Cookie": cookie, "Cache-Control": "no-cache"}
        )
        with urllib.request.urlopen(request, timeout=120) as response:
            doc = json.loads(response.read())
        names = {}
        for name, entry in doc["methods"].items():
            digest = hashlib.sha1(json.dumps(entry, sort_keys=True).encode()).hexdigest()[:16]
            entries[digest] = entry
            names[name] = digest
        modules = {name: attrs["module"] for name, attrs in doc["fields"].items() if attrs.get("module")}
        models[model] = {"methods": names, "modules": modules}
        print(f"capture: {model}: {len(names)} documented methods")
    return {"methods": entries, "models": models}


def serves_json2(url: str) -> bool:
    """Whether the server has JSON-2: ``GET /json/version`` answers its JSON (18.0 redirects to the login
    page, 16.0 and 17.0 know no such route)."""
    try:
        with urllib.request.urlopen(f"{url}/json/version", timeout=60) as response:
            return response.status == 200 and "version_info" in json.loads(response.read())
    except (urllib.error.URLError, ValueError):
        return False


def web_session(url: str, db: str, login: str, password: str) -> str:
    """A logged-in web session's cookie (``/web/session/authenticate``)."""
    body = json.dumps(
        {"jsonrpc": "2.0", "method": "call", "id": 1, "params": {"db": db, "login": login, "password": password}}
    ).encode()
    request = urllib.request.Request(f"{url}/web/session/authenticate", body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=120) as response:
        answer = json.loads(response.read())
        cookie = response.headers.get("Set-Cookie", "").split(";")[0]
    if "error" in answer or not cookie:
        raise SystemExit(f"capture: no web session for {login!r} on {db!r}")
    return cookie


def capture_module(
    url: str,
    db: str,
    login: str,
    password: str,
    module: str,
    folder: Path,
    psql_db: str | None = None,
    demo: bool = False,
) -> Path:
    """Install ``module`` on the fresh database ``db`` as an admin does, record the database
    whole, and keep what differs from the version's recorded fresh database (``folder``):
    what installing it adds or changes, written to ``folder/modules/<module>/``. With ``demo``,
    ``db`` is first created with demo data (``create_demo_database``) and the module recorded
    over the demo recording, into ``folder/demo/modules/<module>/``."""
    spec = load_profile(folder.name).quirks.modules.get(module)
    if spec is None:
        raise SystemExit(f"capture: {folder.name}'s profile.yaml names no module {module!r} under `modules:`")
    if demo:
        create_demo_database(url, db, login, password, folder)
    client = Capture(url, db, login, password)
    ids = client.call("ir.module.module", "search", [("name", "=", module)])
    if not ids:
        raise SystemExit(f"capture: Odoo {folder.name} on {db!r} has no module {module!r}")
    client.call("ir.module.module", "button_immediate_install", ids)
    served = (*SERVED_MODELS, *(m for m in spec.models if client.call("ir.model", "search_count", [("model", "=", m)])))
    out = layered_folder(folder, demo) / MODULES_DIR / module
    return record_delta(url, db, login, password, psql_db, served, layered(folder, demo), out)


def capture_demo(url: str, db: str, login: str, password: str, folder: Path, psql_db: str | None = None) -> Path:
    """Create ``db`` with Odoo's demo data (``create_demo_database``), record it whole, and keep
    what differs from the version's recorded fresh database: ``folder/demo/``."""
    create_demo_database(url, db, login, password, folder)
    return record_delta(url, db, login, password, psql_db, SERVED_MODELS, recorded(folder), folder / DEMO_DIR)


def create_demo_database(url: str, db: str, login: str, password: str, folder: Path) -> None:
    """``db.create_database`` with demo data (the master password from $ODOO_MASTER_PASSWORD,
    Odoo's default ``admin`` otherwise), then the modules the recorded fresh database has
    installed, as an admin installs them: the database the recorded one would be with demo."""
    master = os.environ.get("ODOO_MASTER_PASSWORD", "admin")
    json_rpc(url, "db", "create_database", master, db, True, "en_US", password, login)
    installed = sorted(
        row["name"] for row in recorded(folder)["seed"]["ir.module.module"] if row["state"] == "installed"
    )
    client = Capture(url, db, login, password)
    missing = client.call("ir.module.module", "search", [("name", "in", installed), ("state", "!=", "installed")])
    if missing:
        client.call("ir.module.module", "button_immediate_install", missing)


def record_delta(
    url: str,
    db: str,
    login: str,
    password: str,
    psql_db: str | None,
    served: tuple[str, ...],
    base: dict[str, Any],
    out: Path,
) -> Path:
    """Record ``db`` whole and write into ``out`` what differs from the recording ``base``: per
    model, new or changed fields, defaults, names...; new rows whole, changed rows' new values,
    the ids of rows gone (a database created with demo data numbers its records its own way).
    The layer is checked: ``base`` with it is the recording of ``db``."""
    with tempfile.TemporaryDirectory() as staging:
        capture(url, db, login, password, Path(staging), psql_db, served)
        full = recorded(Path(staging))
    write_delta(base, full, out)
    check_layer(base, recorded(out), full)
    return out


def write_delta(base: dict[str, Any], full: dict[str, Any], out: Path) -> None:
    """The layer that takes recording ``base`` to recording ``full``, into ``out``."""
    delta = {
        kind: {
            model: changed_entries(base[kind].get(model), value)
            for model, value in full[kind].items()
            if base[kind].get(model) != value
        }
        for kind in RECORDED_BY_MODEL
    }
    seed = {
        model: changed_rows(base["seed"].get(model, []), rows)
        for model, rows in full["seed"].items()
        if model not in ("fresh", "sequences")
    }
    seed["sequences"] = {
        table: value
        for table, value in full["seed"].get("sequences", {}).items()
        if base["seed"].get("sequences", {}).get(table) != value
    }
    if full["seed"].get("fresh") != base["seed"].get("fresh"):  # group links right after install
        seed["fresh"] = full["seed"]["fresh"]
    seed[REMOVED] = {
        model: gone
        for model, rows in base["seed"].items()
        if isinstance(rows, list) and model in full["seed"] and (gone := sorted(_ids(rows) - _ids(full["seed"][model])))
    }
    out.mkdir(parents=True, exist_ok=True)
    for kind, data in delta.items():
        (write_fields if kind == "fields" else write_json)(out / f"{kind}.json", data)
    blobs = binaries(seed, full["fields"])
    write_gzip(out / REGISTRY_FILE, {model: seed.pop(model) for model in REGISTRY_MODELS if model in seed})
    write_json(out / "seed.json", {model: rows for model, rows in seed.items() if rows})
    write_gzip(out / BINARIES_FILE, blobs)


def check_layer(base: dict[str, Any], layer: dict[str, Any], full: dict[str, Any]) -> None:
    """Refuse a layer that does not rebuild what was recorded, records' times aside
    (``changed_rows``)."""
    rebuilt = with_layer(base, layer)
    for model, rows in full["seed"].items():
        if isinstance(rows, list) and _comparable(rebuilt["seed"].get(model, [])) != _comparable(rows):
            raise SystemExit(f"capture: the recorded layer does not rebuild {model}'s records (a capture bug)")


def _comparable(rows: list[dict]) -> list[dict]:
    return sorted(({k: v for k, v in row.items() if k not in INSTALL_TIMES} for row in rows), key=lambda r: r["id"])


def _ids(rows: list[dict]) -> set[int]:
    return {row["id"] for row in rows}


def capture_language(url: str, db: str, login: str, password: str, lang: str, folder: Path) -> Path:
    """Install the language ``lang`` on the fresh database ``db`` as an admin does and record
    the terms it gives the recorded records (``folder``'s seed): per model, field and record,
    the value read in ``lang`` where it differs from en_US, into ``folder/languages/<lang>.json.gz``."""
    client = Capture(url, db, login, password)
    ids = client.call("res.lang", "search", [("code", "=", lang)], context={"active_test": False})
    if not ids:
        raise SystemExit(f"capture: no language {lang!r} on {db!r}")
    enable_analytic(client)  # as the recorded fresh database: the admin may read analytic plans
    wizard = client.call("base.language.install", "create", {"lang_ids": [(6, 0, ids)]})
    client.call("base.language.install", "lang_install", [wizard])
    base = recorded(folder)
    terms: dict[str, dict[str, dict[str, str]]] = {}
    for model, fields in base["fields"].items():
        names = sorted(name for name, attrs in fields.items() if attrs.get("translate") and attrs.get("store", True))
        rows = base["seed"].get(model) if isinstance(base["seed"].get(model), list) else []
        if not names or not rows:
            continue
        source = {row["id"]: row for row in rows}
        for row in client.call(model, "read", sorted(source), names, context={"lang": lang, "active_test": False}):
            for name in names:
                if row[name] != source[row["id"]].get(name):
                    terms.setdefault(model, {}).setdefault(name, {})[str(row["id"])] = row[name]
    out = folder / LANGUAGES_DIR / f"{lang}.json.gz"
    out.parent.mkdir(parents=True, exist_ok=True)
    write_gzip(out, terms)
    return out


def changed_entries(base: Any, value: Any) -> Any:
    """Of a model's fields, defaults, constants...: the entries new or changed (a list, the
    recorded names, whole)."""
    if not isinstance(base, dict) or not isinstance(value, dict):
        return value
    return {key: entry for key, entry in value.items() if base.get(key, MISSING) != entry}


#: A record's own times: what differs, and only that, on a record another install created at another moment.
INSTALL_TIMES = {"create_date", "write_date", "__last_update"}


def changed_rows(base: list[dict], rows: list[dict]) -> list[dict]:
    """The rows that are new, whole, and of the others the values that changed, with their id
    (16's ``__last_update`` aside: the time of the read). A record whose only change is its
    creation time is the same record made by another install (demo data is loaded into a new
    database): not a change."""
    known = {row["id"]: row for row in base}
    changed = []
    for row in rows:
        old = known.get(row["id"])
        values = (
            row
            if old is None
            else {key: value for key, value in row.items() if key != "__last_update" and old.get(key, MISSING) != value}
        )
        if old is not None and "create_date" in values and set(values) <= INSTALL_TIMES:
            continue
        if values and set(values) != {"id"}:
            changed.append({"id": row["id"], **values})
    return changed


def physical_order(psql_db: str) -> dict[str, dict[int, int]]:
    """Each registry row's place in its table (``ctid``), read with ``psql``: PostgreSQL
    gives rows that tie on the ORDER BY (ir.model.fields named alike, ``_order = "name"``)
    in that order when it reads through an index, and a row updated since install sits
    after the others."""
    found: dict[str, dict[int, int]] = {}
    for model in REGISTRY_MODELS:
        table = model.replace(".", "_")
        out = subprocess.run(
            ["psql", "-At", psql_db, "-c", f"SELECT id FROM {table} ORDER BY ctid"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        found[table] = {int(line): rank for rank, line in enumerate(out.split())}
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--login", default="admin")
    parser.add_argument("--password-env", default="ODOO_PASSWORD")
    parser.add_argument(
        "--out",
        type=Path,
        required=True,
        help="the profile folder to write (with --module: the version's recorded profile)",
    )
    parser.add_argument(
        "--psql-db",
        help="libpq connection string of the same fresh database, "
        "to record id sequences (PGPASSWORD from the environment)",
    )
    parser.add_argument(
        "--language",
        help="install this language (fr_FR) first and record the terms it gives "
        "the recorded records into OUT/languages/LANG.json.gz",
    )
    parser.add_argument(
        "--module",
        help="install this module first and record what it changes into "
        "OUT/modules/MODULE (the version's profile.yaml lists its models under `modules:`)",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="create DB (it must not exist) with Odoo's demo data "
        "through the db service ($ODOO_MASTER_PASSWORD, else admin) and record what the demo data "
        "adds into OUT/demo (with --module: the module over it, into OUT/demo/modules/MODULE)",
    )
    args = parser.parse_args(argv)
    password = os.environ.get(args.password_env)
    if not password:
        print(f"capture: set the password in ${args.password_env}", file=sys.stderr)
        return 2
    if args.language:
        out = capture_language(args.url, args.db, args.login, password, args.language, args.out)
        print(f"capture: recorded into {out}")
    elif args.module:
        out = capture_module(args.url, args.db, args.login, password, args.module, args.out, args.psql_db, args.demo)
        print(f"capture: recorded into {out}")
    elif args.demo:
        out = capture_demo(args.url, args.db, args.login, password, args.out, args.psql_db)
        print(f"capture: recorded into {out}")
    else:
        capture(args.url, args.db, args.login, password, args.out, args.psql_db)
    return 0


if __name__ == "__main__":
    sys.exit(main())
