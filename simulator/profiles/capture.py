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
import urllib.request
from pathlib import Path
from typing import Any

from simulator import dates
from simulator.profile import BINARIES_FILE, PHYSICAL, REGISTRY_FILE, SERVED_MODELS

#: The models describing the registry itself, recorded whole (every model's rows, not only the
#: served ones'): what ``ir.model`` and ``ir.model.fields`` list on a fresh database. Large, so
#: kept apart from ``seed.json``, gzipped, in ``registry.json.gz``.
REGISTRY_MODELS = ("ir.model", "ir.model.fields", "ir.model.access")
SECRET_PARAMETERS = {"database.secret"}
#: Fields never recorded, whatever the model: credentials and per-database random tokens.
SECRET_FIELDS = {"password", "new_password", "signup_token", "signup_url", "totp_secret",
                 "api_key_ids"}
#: Computed fields whose read writes (16.0's res.company ``analytic_plan_id`` creates the
#: "Default" plan): reading them would record a database that is no longer fresh.
WRITES_ON_READ = {("res.company", "analytic_plan_id")}
#: Served models whose ``_table`` is not their name's (the simulator's table is): their sequences.
OWN_TABLES = {"project.task.stage.personal": "project_task_user_rel"}


class RpcError(Exception):
    """A JSON-RPC error answer from the server."""


class Capture:
    """A thin JSON-RPC client (JSON allows the nulls default_get can return)."""

    def __init__(self, url: str, db: str, login: str, password: str) -> None:
        self.url, self.db, self.password = url, db, password
        self.uid = self.rpc("common", "authenticate", db, login, password, {})
        if not self.uid:
            raise SystemExit(f"capture: authentication failed for {login!r} on {db!r}")

    def rpc(self, service: str, method: str, *args: Any) -> Any:
        body = json.dumps({"jsonrpc": "2.0", "method": "call", "id": 1,
                           "params": {"service": service, "method": method, "args": args}})
        request = urllib.request.Request(f"{self.url}/jsonrpc", body.encode(),
                                         {"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=120) as response:
            answer = json.loads(response.read())
        if "error" in answer:
            raise RpcError(f"{service}.{method}: {answer['error']['data']['message']}")
        return answer["result"]

    def call(self, model: str, method: str, *args: Any, **kwargs: Any) -> Any:
        return self.rpc("object", "execute_kw", self.db, self.uid, self.password, model, method,
                        list(args), kwargs)

    def all_records(self, model: str, fields: list[str], domain: list | None = None) -> list[dict]:
        context = {"active_test": False}
        return self.call(
            model, "search_read", domain or [], fields=fields, order="id", context=context
        )


def recorded_columns(model: str, fields: dict[str, dict]) -> list[str]:
    """What a seed row carries: every field a read answers with a value of its own, stored
    or computed (a computed one is what a fresh database answers for that record), but
    secrets, binaries the simulator derives (avatars: not stored), and the one2many it
    rebuilds from a model it holds (a stored many2many keeps its relation table)."""
    return sorted(
        name
        for name, attrs in fields.items()
        if name not in SECRET_FIELDS and (model, name) not in WRITES_ON_READ
        and not (attrs["type"] == "binary" and not attrs.get("store"))
        and not (attrs["type"] == "one2many" and attrs.get("relation") in SERVED_MODELS)
    )


def seed_rows(capture: Capture, model: str, fields: dict[str, dict]) -> list[dict]:
    columns = recorded_columns(model, fields)
    domain: list = []
    if model == "ir.config_parameter":
        domain = [("key", "not in", sorted(SECRET_PARAMETERS))]
    rows = capture.all_records(model, columns, domain)
    if model == "ir.config_parameter":  # the secret's row, never its value (the simulator makes its own)
        secrets = capture.all_records(model, [c for c in columns if c != "value"],
                                      [("key", "in", sorted(SECRET_PARAMETERS))])
        rows = sorted([*rows, *({**row, "value": None} for row in secrets)], key=lambda row: row["id"])
        domain = []
    unheld = [name for name in columns if fields.get(name, {}).get("type") == "many2many"
              and fields[name].get("store") and fields[name].get("relation") not in SERVED_MODELS]
    if unheld and rows:  # every link, to archived records too (a plain read hides those: 18's portal rule)
        linked = {row["id"]: row for row in capture.call(model, "read", [row["id"] for row in rows], unheld,
                                                         context={"active_test": False})}
        rows = [{**row, **{name: linked[row["id"]][name] for name in unheld}} for row in rows]
    computed = [name for name in columns if not fields.get(name, {}).get("store", True)]
    if computed and rows:  # computed values as a client reads them (archived records are read by id)
        by_id = {row["id"]: row for row in readable(capture, model, [row["id"] for row in rows], computed)}
        rows = [{**row, **{name: by_id[row["id"]].get(name) for name in computed if name in by_id[row["id"]]}}
                for row in rows]
    today = datetime.date.today()
    for row in rows:
        for key, value in row.items():
            attrs = fields.get(key, {})
            if isinstance(value, list) and len(value) == 2 and isinstance(value[1], str) and \
                    attrs.get("type") == "many2one":
                row[key] = value[0]
            elif attrs.get("type") == "date" and not attrs.get("store"):  # computed from today
                row[key] = dates.encode(value, today)
    nulls = {**null_numbers(capture, model, fields, columns, domain),
             **null_booleans(capture, model, fields, columns, domain)}
    for row in rows:
        for column, ids in nulls.items():
            if row["id"] in ids:
                row[column] = None
    return rows


def null_numbers(capture: Capture, model: str, fields: dict[str, dict], columns: list[str],
                 domain: list) -> dict[str, set[int]]:
    """The records whose numeric column is NULL, which ``read`` shows as 0 but ``read_group``
    and ``= False`` tell apart: the empty group of a ``read_group`` by that column (the
    ids gathered with ``array_agg``, a read_group spec every version knows)."""
    nulls: dict[str, set[int]] = {}
    for column in columns:
        attrs = fields.get(column, {})
        if column == "id" or attrs.get("type") not in ("integer", "float", "monetary") or not attrs.get("store"):
            continue
        try:
            groups = capture.call(model, "read_group", domain, ["ids:array_agg(id)"], [column], lazy=False,
                                  context={"active_test": False})
        except RpcError as exc:
            print(f"capture: {model}.{column}: NULLs not told apart ({exc})")
            continue
        empty = {i for group in groups if group.get(column) is False and isinstance(group.get("ids"), list)
                 for i in group["ids"]}
        if empty:
            nulls[column] = empty
    return nulls


def null_booleans(capture: Capture, model: str, fields: dict[str, dict], columns: list[str],
                  domain: list) -> dict[str, set[int]]:
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
    """default_get of every field; a model whose default_get needs a form context
    (account.move.line) records none rather than failing the capture. A ``None`` default
    (16/17's partner ``barcode``) is kept as null: over XML-RPC it faults the whole
    ``default_get`` ("cannot marshal None"), and the simulator answers the same. Dates
    relative to today are written as tokens (``simulator.dates``)."""
    try:
        today = datetime.date.today()
        return {name: dates.encode(value, today) for name, value in capture.call(model, "default_get", names).items()}
    except RpcError as exc:
        print(f"capture: {model}: no defaults ({exc})")
        return {}


def referenced_names(capture: Capture, fields_by_model: dict[str, dict],
                     seed: dict[str, list] | None = None) -> dict[str, list]:
    """``[id, display_name]`` of every record of each model a served many2one points to but
    the simulator does not hold (res.country, uom.uom, ir.module.category...), in that model's
    own ``_order``: what a read names such a target and where read_group puts its group.
    For a model only many2many fields point to (ir.ui.menu, ir.rule...), the records the
    seed links to, by id (a many2many groups by id). A model whose search faults (18's
    account.root) is left out."""
    comodels = sorted({attrs["relation"] for fields in fields_by_model.values() for attrs in fields.values()
                       if attrs["type"] == "many2one" and attrs.get("relation") not in SERVED_MODELS})
    linked: dict[str, set[int]] = {}
    for model, fields in fields_by_model.items():
        for name, attrs in fields.items():
            comodel = attrs.get("relation")
            if attrs["type"] != "many2many" or not attrs.get("store") or comodel in SERVED_MODELS or \
                    comodel in comodels:
                continue
            targets = linked.setdefault(comodel, set())
            for row in (seed or {}).get(model, []):
                targets.update(i for i in row.get(name) or [] if isinstance(i, int))
    names: dict[str, list] = {}
    for model in [*comodels, *sorted(m for m, ids in linked.items() if ids)]:
        try:
            if model in linked:  # read by id: a search hides some (ir.ui.menu shows the user's menus)
                shown = ["display_name", "active"] if "active" in capture.call(model, "fields_get", ["active"]) \
                    else ["display_name"]
                rows = capture.call(model, "read", sorted(linked[model]), shown, context={"active_test": False})
            else:
                rows = capture.call(model, "search_read", [], fields=["display_name"], context={"active_test": False})
        except RpcError as exc:
            print(f"capture: {model}: no display names ({exc})")
            continue
        names[model] = [[row["id"], row["display_name"], *([False] if row.get("active") is False else [])]
                        for row in rows]  # an archived record: a third element, False
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
    return next(name for name, attrs in sorted(fields.items())
                if attrs["type"] == "many2many" and attrs.get("relation") == comodel and attrs.get("store"))


def fresh_group_links(capture: Capture) -> list[dict]:
    """Each group's implied groups and users right after install. A group's users as read
    leave archived users out (OdooBot, the templates), so they are read from the users' side."""
    users_field = group_users_field(capture)
    groups_field = group_users_field(capture, "res.users", "res.groups")
    members: dict[int, set[int]] = {}
    for user in capture.all_records("res.users", [groups_field]):
        for group_id in user[groups_field]:
            members.setdefault(group_id, set()).add(user["id"])
    return [{**group, users_field: sorted(set(group[users_field]) | members.get(group["id"], set()))}
            for group in capture.all_records("res.groups", ["implied_ids", users_field])]


def capture_profile(capture: Capture, out: Path) -> None:
    version = capture.rpc("common", "version")
    fresh_groups = fresh_group_links(capture)
    enable_analytic(capture)
    fields_by_model: dict[str, dict] = {}
    defaults: dict[str, dict] = {}
    seed: dict[str, list] = {}
    for model in SERVED_MODELS:
        fields = capture.call(model, "fields_get")
        fields_by_model[model] = fields
        defaults[model] = recorded_defaults(capture, model, sorted(fields))
        if model != "res.config.settings":
            seed[model] = seed_rows(capture, model, fields)
        print(f"capture: {model}: {len(fields)} fields, {len(seed.get(model, []))} records")
    seed["ir.model.data"] = capture.all_records(
        "ir.model.data", ["module", "name", "model", "res_id"],
        [("model", "in", ["res.groups", "account.analytic.plan", "res.company", "res.partner",
                          "res.users", "res.currency", "account.journal", "mail.message.subtype"])],
    )
    seed["fresh"] = {"res.groups": fresh_groups}
    names = referenced_names(capture, fields_by_model, seed)
    recorded_constants = constants(capture, fields_by_model, seed)  # last: it creates records
    registry = {model: seed.pop(model) for model in REGISTRY_MODELS}
    restricted = restricted_fields(capture, fields_by_model, registry)  # on the probes' records too
    out.mkdir(parents=True, exist_ok=True)
    write_json(out / "constants.json", recorded_constants)
    write_json(out / "restricted.json", restricted)
    write_json(out / "version.json", version)
    write_json(out / "fields.json", fields_by_model)
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
        computed = [name for name in recorded_columns(model, fields) if not fields[name].get("store")
                    and fields[name]["type"] not in ("date", "datetime", "binary") and name not in CRON_DEPENDENT]
        probes = [capture.call(model, "create", [_probe_values(capture, model, template, name)])
                  for name in ("Probe A", "Probe B")]
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
    user is not in (19's project ``stage_id``) faults the whole read, so those are left out."""
    try:
        return capture.call(model, "read", ids, names)
    except RpcError:
        allowed = []
        for name in names:
            try:
                capture.call(model, "read", ids[:1], [name])
                allowed.append(name)
            except RpcError:
                continue
        return capture.call(model, "read", ids, allowed)


def restricted_fields(capture: Capture, fields_by_model: dict[str, dict], registry: dict[str, list]) -> dict[str, list]:
    """Fields a model has (its ir.model.fields rows) that ``fields_get`` hides from the admin
    because they belong to groups the admin is not in, each with the groups its AccessError
    names ("allowed for groups 'Technical / Use Stages on Project'"); the field a read
    without a field list names (19 refuses such reads) comes first."""
    found: dict[str, list] = {}
    for model, fields in fields_by_model.items():
        hidden = [row["name"] for row in registry["ir.model.fields"]
                  if row["model"] == model and row["name"] not in fields]
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


def pg_sequences(psql_db: str) -> dict[str, int]:
    """Id sequences of the served tables, read with ``psql`` from the fresh database.

    Sequences are invisible over RPC, but a real server's next id depends on them
    (install-time records that were deleted still consumed ids)."""
    tables = {OWN_TABLES.get(m, m.replace(".", "_")): m.replace(".", "_") for m in SERVED_MODELS}
    names = ", ".join(f"'{t}_id_seq'" for t in tables)
    out = subprocess.run(
        ["psql", "-At", "-F", "|", psql_db, "-c",
         f"SELECT sequencename, last_value FROM pg_sequences WHERE sequencename IN ({names})"],
        check=True, capture_output=True, text=True).stdout
    sequences = {}
    for line in out.splitlines():
        name, value = line.split("|")
        if value:
            sequences[tables[name.removesuffix("_id_seq")]] = int(value)
    return sequences


def write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n")


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


def write_gzip(path: Path, data: dict) -> None:
    """Large recordings gzipped (the registry: about 7 MB of JSON, 300 kB packed),
    byte-identical for the same answers."""
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    path.write_bytes(gzip.compress(text.encode(), mtime=0))


def capture(url: str, db: str, login: str, password: str, out: Path, psql_db: str | None = None) -> dict:
    """Record a profile's data from the fresh database ``db`` into ``out``; answers ``version()``."""
    sequences = pg_sequences(psql_db) if psql_db else None  # before the capture writes anything
    physical = physical_order(psql_db) if psql_db else None
    capture_profile(Capture(url, db, login, password), out)
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


def physical_order(psql_db: str) -> dict[str, dict[int, int]]:
    """Each registry row's place in its table (``ctid``), read with ``psql``: PostgreSQL
    gives rows that tie on the ORDER BY (ir.model.fields named alike, ``_order = "name"``)
    in that order when it reads through an index, and a row updated since install sits
    after the others."""
    found: dict[str, dict[int, int]] = {}
    for model in REGISTRY_MODELS:
        table = model.replace(".", "_")
        out = subprocess.run(["psql", "-At", psql_db, "-c", f"SELECT id FROM {table} ORDER BY ctid"],
                             check=True, capture_output=True, text=True).stdout
        found[table] = {int(line): rank for rank, line in enumerate(out.split())}
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--login", default="admin")
    parser.add_argument("--password-env", default="ODOO_PASSWORD")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--psql-db", help="libpq connection string of the same fresh database, "
                        "to record id sequences (PGPASSWORD from the environment)")
    args = parser.parse_args(argv)
    password = os.environ.get(args.password_env)
    if not password:
        print(f"capture: set the password in ${args.password_env}", file=sys.stderr)
        return 2
    capture(args.url, args.db, args.login, password, args.out, args.psql_db)
    return 0


if __name__ == "__main__":
    sys.exit(main())
