"""The generated differential corpus: calls made from a real server's own answers.

The scripted conversation (``conversation.py``) asks what its author thought to ask. This
one is produced by code: it asks the server for every served model's fields, then, from
those answers and the records it reads back, generates the calls a client makes: reads with
and without a field list, ``load`` variants, ``default_get`` of every field, ``name_search``,
``read_group`` by every groupable field, record methods on records it created, and a seeded
random domain generator over the same records. What the generator chooses depends only on
the seed and on the server's answers, so two fresh servers of one version get the same
calls, and the recorded corpus is replayed call by call against the simulator.

Calibrated: what legitimately varies between two fresh real servers is normalised
(``normalise_generated``): today's date, the random colour a new record gets by default, and
the random identifiers each database makes for itself (``database.secret``, ``database.uuid``).
"""

from __future__ import annotations

import datetime
import json
import random
import re
from importlib.resources import files
from pathlib import Path
from typing import Any

from harness.parity.client import COMMON
from harness.parity.corpus import DB, LOGIN, PASSWORD, PAST, Credentials
from harness.parity.recorder import Recorder
from harness.parity.replay import ParityReport, replay_exchanges

#: The models the integration and its clients touch (the simulator's served models).
MODELS = (
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
#: The models random domains are drawn over: the ones with the records generated below.
DOMAIN_MODELS = (
    "res.partner",
    "account.analytic.account",
    "account.analytic.line",
    "project.project",
    "project.task",
    "res.partner.category",
    "account.analytic.plan",
)
#: What fields_get is asked for (enough to generate from; the full answer is the profile's).
ATTRIBUTES = ["type", "string", "relation", "store", "required", "readonly", "groupable", "sortable"]
#: Field types a domain leaf is generated for, and those never grouped by.
LEAF_TYPES = {
    "char",
    "text",
    "boolean",
    "integer",
    "float",
    "monetary",
    "selection",
    "many2one",
    "one2many",
    "many2many",
    "date",
    "datetime",
    "html",
}
NOT_GROUPABLE = {"binary", "one2many", "text", "html", "json", "properties", "properties_definition"}
#: Columns whose value is the time of the recording (a domain on them would change daily).
VOLATILE = {
    "create_date",
    "write_date",
    "__last_update",
    "login_date",
    "date_last_stage_update",
    "date_assign",
    "date_end",
    "message_is_follower",
    "activity_date_deadline",
    "my_activity_date_deadline",
    "date_last_activity",
}
#: Recorded generated corpora, one ``<version>.json`` per real server.
CORPUS_DIR = Path(files("harness.parity") / "recorded" / "generated")
#: Values two fresh servers give differently (found by recording twice): a random token, the
#: seconds a record has existed, the journal dashboard's random sample chart with this week's dates.
#: A placeholder avatar (an SVG whose colour follows the record's creation time) and a company
#: favicon in a random colour are the same kind.
VARYING = {
    "access_token": "<random token>",
    "duration_tracking": "<elapsed seconds>",
    "kanban_dashboard_graph": "<sample chart>",
    "favicon": "<random favicon>",
    **{f"avatar_{size}": "<placeholder avatar>" for size in (128, 256, 512, 1024, 1920)},
}
#: Values a server's crons change whenever they run, 0 or not (the periodic digest mail
#: that fails on a server without a mail server: settings' ``fail_counter``).
CRON_DEPENDENT = {"fail_counter": "<failed mails, as the crons left them>"}
TODAY = "<today>"
RANDOM_COLOUR = "<random colour>"
#: Per-database random identifiers (``ir.config_parameter``'s ``database.secret``, a uuid4 each
#: database makes for itself, and ``database.uuid``): any value of the UUID shape.
RANDOM_UUID = "<random uuid>"
UUID_SHAPE = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
TODAY_WEEKDAY_FLAG = "<today's weekday flag>"
CHAR_VALUES = ["", "%", "_", "a", "Gen", "gen", "Company", "Z%", "@", "1"]
NUMBER_VALUES = [0, 1, -1, 2.5, 100, -2.25]


def run_generated(url: str, credentials: Credentials, seed: int = 0, domains: int = 600) -> list[dict[str, Any]]:
    """Record the whole generated corpus against the fresh database of ``credentials``."""
    s = Recorder(url, credentials)
    s.uid = s.xmlrpc("gen.authenticate", COMMON, "authenticate", DB, LOGIN, PASSWORD, {}, required=True)
    settings = s.kw(
        "gen.settings.create", "res.config.settings", "create", [{"group_analytic_accounting": True}], required=True
    )
    s.kw("gen.settings.execute", "res.config.settings", "execute", [[settings]], required=True)
    schema = {
        model: s.kw(f"gen.fields_get.{model}", model, "fields_get", [], {"attributes": ATTRIBUTES}, required=True)
        for model in MODELS
    }
    created = _populate(s, schema)
    schema.update(
        {
            model: s.kw(
                f"gen.fields_get.after_data.{model}", model, "fields_get", [], {"attributes": ATTRIBUTES}, required=True
            )
            for model in _PLAN_COLUMN_MODELS
        }
    )
    for model in MODELS:
        _model_calls(s, model, schema[model])
    _record_methods(s, created)
    _random_domains(s, schema, random.Random(seed), domains)
    return [{**ex, "answer": normalise_generated(ex["answer"], ex["call"])} for ex in s.exchanges]


def normalise_generated(answer: Any, call: dict[str, Any]) -> Any:
    """What differs between two fresh servers of one version, replaced by placeholders:
    today's date (a default, or a value set at the call), the random colour a default
    colour is (``default_get``), and per-database random identifiers (UUIDs, whose
    ``read_group`` groups are moved to the end: where they sorted depended on the value)."""
    today = {datetime.date.today().isoformat(), datetime.datetime.now(datetime.UTC).date().isoformat()}
    answer = _calibrated(answer, today)
    params = call.get("params") or []
    if params[4:5] == ["default_get"] and isinstance(answer.get("ok"), dict):
        answer = {"ok": _calibrated_defaults(answer["ok"])}
    return without_random_ids(answer, call)


def without_random_ids(answer: Any, call: dict[str, Any]) -> Any:
    """UUID-shaped values as ``RANDOM_UUID`` wherever they are; in a ``read_group`` answer,
    the groups grouped on such a value (their ``__domain`` aside) last, in a fixed order."""
    answer = _uuids_replaced(answer)
    groups = answer.get("ok") if isinstance(answer, dict) else None
    if (call.get("params") or [])[4:5] == ["read_group"] and isinstance(groups, list):

        def random_group(group: Any) -> bool:
            return isinstance(group, dict) and any(
                value == RANDOM_UUID for key, value in group.items() if key != "__domain"
            )

        moved = sorted((g for g in groups if random_group(g)), key=lambda g: json.dumps(g, sort_keys=True))
        answer = {**answer, "ok": [g for g in groups if not random_group(g)] + moved}
    return answer


def _uuids_replaced(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _uuids_replaced(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_uuids_replaced(item) for item in value]
    return RANDOM_UUID if isinstance(value, str) and UUID_SHAPE.fullmatch(value) else value


def _calibrated_defaults(values: dict) -> dict:
    """A random default colour; the task recurrence's defaults from today: until a week ahead
    (``<today+7>``, days counted from Odoo's UTC day), and on 16.0 the weekday's flag, the day of
    the month, the month and weekday."""
    values = dict(values)
    if "color" in values:
        values["color"] = RANDOM_COLOUR
    if isinstance(values.get("repeat_until"), str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", values["repeat_until"]):
        days = (datetime.date.fromisoformat(values["repeat_until"]) - datetime.datetime.now(datetime.UTC).date()).days
        values["repeat_until"] = f"<today{days:+d}>"
    flags = [values.pop(day, False) for day in WEEKDAYS]
    if any(flags):
        values[TODAY_WEEKDAY_FLAG] = True
    for name in ("repeat_day", "repeat_month", "repeat_weekday"):
        if name in values:
            values[name] = f"<today's {name.removeprefix('repeat_')}>"
    return values


def _calibrated(value: Any, today: set[str]) -> Any:
    if isinstance(value, dict):
        return {
            key: CRON_DEPENDENT[key]
            if key in CRON_DEPENDENT and not isinstance(item, dict)
            else VARYING[key]
            if key in VARYING and item
            else _calibrated(item, today)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_calibrated(item, today) for item in value]
    return TODAY if isinstance(value, str) and value in today else value


# -- the data every later call looks at --------------------------------------------------------

#: Models whose fields change once plans exist (a column per root plan, 17+).
_PLAN_COLUMN_MODELS = ("account.analytic.line", "project.project")


def _populate(s: Recorder, schema: dict[str, dict]) -> dict[str, list[int]]:
    """Partners (companies, contacts, tags, NULLs), plans, accounts, lines, projects, tasks:
    every value explicit (colours too), so two fresh servers hold the same records."""

    def create(label: str, model: str, vals: dict) -> int:
        known = {k: v for k, v in vals.items() if k in schema[model]}
        return s.kw(f"gen.create.{label}", model, "create", [known], required=True)

    tags = [
        create(f"tag{i}", "res.partner.category", {"name": name, "color": i + 1})
        for i, name in enumerate(["Gen Donor", "Gen Partner", "Gen 50% off"])
    ]
    companies = [
        create(
            f"company{i}",
            "res.partner",
            {
                "name": name,
                "is_company": True,
                "street": f"{i} Gen Street" if i != 1 else False,
                "city": city,
                "zip": zip_code,
                "email": email,
                "ref": f"GEN-C{i}",
                "color": i,
                "partner_latitude": lat,
                "category_id": [(6, 0, tags[: i + 1])],
                "comment": False,
            },
        )
        for i, (name, city, zip_code, email, lat) in enumerate(
            [
                ("Gen Alpha Company", "Kampala", "256", "alpha@example.com", 0.31),
                ("Gen Beta_Company", "Bujumbura", False, False, -3.38),
                ("Gen Gamma Co", False, "75001", "gamma@example.org", 0.0),
            ]
        )
    ]
    contacts = [
        create(
            f"contact{i}",
            "res.partner",
            {
                "name": name,
                "parent_id": parent,
                "email": email,
                "function": function,
                "ref": f"GEN-P{i}",
                "color": 0,
                "phone": phone,
                "type": kind,
            },
        )
        for i, (name, parent, email, function, phone, kind) in enumerate(
            [
                ("Gen Ada", companies[0], "ada@example.com", "Director", "+256 1", "contact"),
                ("Gen Bo", companies[0], False, "Accountant", False, "invoice"),
                ("Gen Cy", companies[1], "cy@example.com", False, "+257 2", "contact"),
                ("Gen Di", False, "di@example.net", False, False, "contact"),
                ("Gen Ed 100%", companies[2], False, "Driver", False, "delivery"),
            ]
        )
    ]
    plans = [
        create(f"plan{i}", "account.analytic.plan", {"name": name, "color": i + 2, **extra})
        for i, (name, extra) in enumerate([("Gen Regions", {}), ("Gen Donors", {}), ("Gen Projects", {})])
    ]
    plans.append(create("plan_child", "account.analytic.plan", {"name": "Gen Sub", "parent_id": plans[0], "color": 5}))
    accounts = [
        create(
            f"account{i}",
            "account.analytic.account",
            {"name": name, "code": code, "plan_id": plan, "partner_id": partner, "color": 0},
        )
        for i, (name, code, plan, partner) in enumerate(
            [
                ("Gen East", "GE", plans[0], companies[0]),
                ("Gen West", False, plans[0], False),
                ("Gen Sub East", "GSE", plans[3], contacts[0]),
                ("Gen EU", "EU", plans[1], companies[1]),
                ("Gen USAID", "US", plans[1], False),
                ("Gen Project X", "PX", plans[2], companies[2]),
            ]
        )
    ]
    lines = [
        create(
            f"line{i}",
            "account.analytic.line",
            {
                "name": name,
                "amount": amount,
                "date": date,
                "account_id": account,
                "partner_id": partner,
                "unit_amount": hours,
            },
        )
        for i, (name, amount, date, account, partner, hours) in enumerate(
            [
                ("Gen L1", -100.0, "2024-01-15", accounts[0], companies[0], 1.0),
                ("Gen L2", -250.5, "2024-02-20", accounts[0], False, 0.0),
                ("Gen L3", 40.0, "2024-02-29", accounts[3], contacts[2], 2.5),
                ("Gen L4", 0.0, "2023-12-31", accounts[5], False, 8.0),
            ]
        )
    ]
    projects = [
        create(
            f"project{i}",
            "project.project",
            {
                "name": name,
                "partner_id": partner,
                "color": i,
                "sequence": 10 + i,
                "analytic_account_id": account,
                "account_id": account,
            },
        )
        for i, (name, partner, account) in enumerate(
            [
                ("Gen Civic Voices", companies[0], accounts[5]),
                ("Gen Water", False, False),
                ("Gen Schools", contacts[3], False),
            ]
        )
    ]
    tasks = [
        create(
            f"task{i}",
            "project.task",
            {
                "name": name,
                "project_id": project,
                "priority": priority,
                "date_deadline": deadline,
                "partner_id": partner,
                "sequence": i,
                "color": 0,
                "description": False,
            },
        )
        for i, (name, project, priority, deadline, partner) in enumerate(
            [
                ("Gen T1", projects[0], "1", "2024-05-01", companies[0]),
                ("Gen T2", projects[0], "0", False, False),
                ("Gen T3", projects[1], "0", "2023-01-01", contacts[1]),
                ("Gen T4", False, "1", False, False),
            ]
        )
    ]
    return {
        "res.partner.category": tags,
        "res.partner": companies + contacts,
        "account.analytic.plan": plans,
        "account.analytic.account": accounts,
        "account.analytic.line": lines,
        "project.project": projects,
        "project.task": tasks,
    }


# -- every model: reads, defaults, names, groups ------------------------------------------------


def _model_calls(s: Recorder, model: str, fields: dict[str, dict]) -> None:
    ids = s.kw(f"gen.search.{model}", model, "search", [[]], {"order": "id", "limit": 4}) or []
    s.kw(f"gen.search_count.{model}", model, "search_count", [[]])
    s.kw(f"gen.search_read.all_fields.{model}", model, "search_read", [[]], {"order": "id", "limit": 3})
    if ids:
        s.kw(f"gen.read.no_fields.{model}", model, "read", [ids[:2]])
        many2one = sorted(name for name, f in fields.items() if f["type"] == "many2one")[:8]
        if many2one:
            for load, label in ((None, "none"), ("", "empty"), ("_classic_read", "classic")):
                s.kw(f"gen.read.load_{label}.{model}", model, "read", [ids[:2], many2one], {"load": load})
    s.kw(f"gen.default_get.{model}", model, "default_get", [sorted(fields)])
    s.kw(f"gen.name_search.{model}", model, "name_search", [""], {"limit": 5})
    s.kw(f"gen.name_search.gen.{model}", model, "name_search", ["Gen"], {"limit": 8})
    for name in sorted(fields):
        if _groupable(name, fields[name]):
            groupby = f"{name}:month" if fields[name]["type"] in ("date", "datetime") else name
            s.kw(f"gen.read_group.{model}.{name}", model, "read_group", [[], [name], [groupby]])


def _groupable(name: str, field: dict) -> bool:
    """18+ says it (``groupable``); before, stored fields of a groupable type."""
    if name in VARYING or name in VOLATILE:
        return False
    if "groupable" in field:
        return bool(field["groupable"])
    return bool(field.get("store")) and field["type"] not in NOT_GROUPABLE | {"many2many"}


def _record_methods(s: Recorder, created: dict[str, list[int]]) -> None:
    """What clients do to records once they exist: copy, write, read back, unlink."""
    for model, ids in created.items():
        copied = s.kw(f"gen.copy.{model}", model, "copy", [ids[-1]])
        copy_id = copied[0] if isinstance(copied, list) else copied
        if copy_id:
            s.kw(f"gen.copy.read.{model}", model, "read", [[copy_id], ["display_name"]])
            s.kw(f"gen.copy.unlink.{model}", model, "unlink", [[copy_id]])
        s.kw(
            f"gen.write.{model}",
            model,
            "write",
            [[ids[0]], {"color": 7}] if model != "account.analytic.line" else [[ids[0]], {"unit_amount": 3.0}],
        )
        s.kw(f"gen.display_name.{model}", model, "read", [ids, ["display_name"]])


# -- seeded random domains ----------------------------------------------------------------------


def _random_domains(s: Recorder, schema: dict[str, dict], rng: random.Random, count: int) -> None:
    values = {model: _observed_values(s, model, schema[model]) for model in DOMAIN_MODELS}
    for number in range(count):
        model = DOMAIN_MODELS[number % len(DOMAIN_MODELS)]
        domain = _domain(rng, model, schema, values)
        s.kw(f"gen.domain.{number:03d}.{model}", model, "search", [domain], {"order": "id"})


def _observed_values(s: Recorder, model: str, fields: dict[str, dict]) -> dict[str, list]:
    """Every leaf-able field's values over the model's records, as the server answered."""
    names = sorted(name for name in _leaf_fields(fields) if fields[name]["type"] not in ("one2many", "many2many"))
    rows = (
        s.kw(
            f"gen.values.{model}",
            model,
            "search_read",
            [[]],
            {"fields": names, "order": "id", "context": {"active_test": False}},
        )
        or []
    )
    observed: dict[str, list] = {}
    for row in rows:
        for name in names:
            value = row.get(name)
            value = value[0] if isinstance(value, list) and value else value
            observed.setdefault(name, [])
            if value not in observed[name]:
                observed[name].append(value)
    observed["id"] = [row["id"] for row in rows]
    return observed


def _leaf_fields(fields: dict[str, dict]) -> list[str]:
    """Stored fields of a searchable type; x2many only towards served models (their rows exist)."""
    return sorted(
        name
        for name, f in fields.items()
        if f["type"] in LEAF_TYPES
        and name not in VOLATILE
        and name not in VARYING
        and f.get("store")
        and (f["type"] not in ("one2many", "many2many") or f.get("relation") in MODELS)
    )


def _domain(rng: random.Random, model: str, schema: dict[str, dict], values: dict[str, dict]) -> list:
    """1 to 3 leaves under a random prefix tree of '&', '|' and '!'."""
    leaves = [_leaf(rng, model, schema, values) for _ in range(rng.choice((1, 1, 2, 2, 3)))]
    return _tree(rng, leaves)


def _tree(rng: random.Random, leaves: list, top: bool = True) -> list:
    """Prefix notation; at the top an '&' is sometimes left implicit (two expressions side by side)."""
    if len(leaves) == 1:
        return (["!"] if rng.random() < 0.2 else []) + [leaves[0]]
    split = rng.randint(1, len(leaves) - 1)
    node = [rng.choice(("&", "|")), *_tree(rng, leaves[:split], False), *_tree(rng, leaves[split:], False)]
    if top and node[0] == "&" and rng.random() < 0.5:
        return node[1:]
    return ["!", *node] if rng.random() < 0.15 else node


def _leaf(rng: random.Random, model: str, schema: dict[str, dict], values: dict[str, dict]) -> list:
    fields = schema[model]
    name = rng.choice([*_leaf_fields(fields), "id"])
    field = fields.get(name, {"type": "integer"})
    kind = field["type"]
    seen = values.get(model, {}).get(name, [])
    relation = field.get("relation")
    if kind == "many2one" and relation in DOMAIN_MODELS and rng.random() < 0.3:  # a dotted path
        sub = rng.choice(
            [
                n
                for n in _leaf_fields(schema[relation])
                if schema[relation][n]["type"] in ("char", "boolean", "integer", "float", "selection")
            ]
            or ["id"]
        )
        sub_field = schema[relation].get(sub, {"type": "integer"})
        operator, value = _operator_value(rng, sub_field["type"], values.get(relation, {}).get(sub, []))
        return [f"{name}.{sub}", operator, value]
    if kind in ("many2one", "one2many", "many2many") and relation not in MODELS:
        # the comodel's records are not part of what the simulator serves: only emptiness is asked
        return [name, rng.choice(["=", "!="]), False]
    if kind in ("many2one", "one2many", "many2many"):
        return _relational_leaf(rng, name, kind, seen, values.get(relation, {}).get("id", []))
    operator, value = _operator_value(rng, kind, seen)
    return [name, operator, value]


def _operator_value(rng: random.Random, kind: str, seen: list) -> tuple[str, Any]:
    if kind in ("char", "text", "html", "selection"):
        pool = [v for v in seen if isinstance(v, str)][:8] + CHAR_VALUES + [False]
        operator = rng.choice(
            ["=", "!=", "like", "ilike", "not like", "not ilike", "=like", "=ilike", "in", "not in", "=?"]
        )
        if operator in ("in", "not in"):
            return operator, rng.sample(pool, k=min(len(pool), rng.randint(0, 3)))
        return operator, rng.choice(pool)
    if kind == "boolean":
        operator = rng.choice(["=", "!=", "in", "not in", ">=", "<"])
        if operator in ("in", "not in"):
            return operator, rng.choice([[True], [False], [True, False], []])
        return operator, rng.choice([True, False])
    if kind in ("date", "datetime"):  # fixed values: a datetime the server set would be normalised away
        pool = ["2024-01-01", "2024-02-29", "2023-12-31", False] + ([PAST] if kind == "datetime" else [])
        return rng.choice(["=", "!=", "<", "<=", ">", ">="]), rng.choice(pool)
    numbers = [v for v in [*seen[:8], *NUMBER_VALUES] if isinstance(v, int | float) and not isinstance(v, bool)]
    # an integer column compared with 2.5 is PostgreSQL's type error, not Odoo's behaviour
    pool = [v for v in numbers if kind != "integer" or isinstance(v, int)]
    operator = rng.choice(["=", "!=", "<", "<=", ">", ">=", "in", "not in", "=?"])
    if operator in ("in", "not in"):
        return operator, rng.sample(pool, k=min(len(pool), rng.randint(0, 3)))
    return operator, rng.choice([*pool, False])


def _relational_leaf(rng: random.Random, name: str, kind: str, seen: list, comodel_ids: list) -> list:
    ids = comodel_ids[:10] or [1]
    choice = rng.randrange(6)
    if choice == 0:
        return [name, rng.choice(["=", "!="]), False]
    if choice == 1:
        return [name, rng.choice(["in", "not in"]), rng.sample(ids, k=min(len(ids), rng.randint(1, 3)))]
    if choice == 2:
        return [name, rng.choice(["ilike", "not ilike", "=", "!="]), rng.choice(["Gen", "a", "%", "Company", "Zz"])]
    if choice == 3 and kind == "many2one":
        return [name, rng.choice(["=", "!=", "=?"]), rng.choice([*seen[:5], *ids[:3]] or [1])]
    return [name, rng.choice(["in", "=", "not in"]), rng.choice(ids)]


GAPS_HEADER = (
    "# Labels of the generated corpus the simulator does not yet answer as the real server did.\n"
    "# tests/parity/test_generated_corpus.py holds the list exact: a new difference fails, and so does a\n"
    "# fixed one still listed. Rewrite with:\n"
    "#   python -m harness.parity.generated replay --version V --write-gaps\n"
)


def gaps_file(version: str) -> Path:
    return CORPUS_DIR / f"{version}.gaps"


def known_gaps(version: str) -> list[str]:
    path = gaps_file(version)
    lines = path.read_text().splitlines() if path.is_file() else []
    return [line for line in lines if line and not line.startswith("#")]


def load_generated(version: str) -> list[dict[str, Any]]:
    return json.loads((CORPUS_DIR / f"{version}.json").read_text())["exchanges"]


def write_generated(path: Path, seed: int, exchanges: list[dict[str, Any]]) -> None:
    """A generated corpus as committed: its seed and exchanges, one exchange element a line."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"seed": seed, "exchanges": exchanges}, indent=0, ensure_ascii=False) + "\n")


def replay_on_simulator(version: str) -> ParityReport:
    """The version's generated corpus against a fresh simulator (Analytic Accounting off, as
    the recording started)."""
    from simulator.app import SimulatorApp
    from simulator.server import SimServer

    # a database name no answer holds as a value ("odoo" is also a selection key Odoo answers)
    db = "generated_replay"
    with SimServer(SimulatorApp(version, db=db, fresh=True)) as server:
        report = replay_exchanges(
            load_generated(version), server.url, Credentials(db, "admin", "admin"), normalise_generated
        )
    report.version = version
    return report


def main(argv: list[str] | None = None) -> int:
    """``record`` from a fresh real server into a corpus file; ``replay`` it on the simulator."""
    import argparse
    import os
    import sys

    parser = argparse.ArgumentParser(prog="python -m harness.parity.generated", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    record = sub.add_parser("record", help="record from a fresh real server (password from $ODOO_PASSWORD)")
    record.add_argument("--url", required=True)
    record.add_argument("--db", required=True)
    record.add_argument("--login", default="admin")
    record.add_argument("--out", type=Path, required=True)
    record.add_argument("--seed", type=int, default=0)
    record.add_argument("--domains", type=int, default=600)
    replay = sub.add_parser("replay", help="replay a version's corpus on a fresh simulator")
    replay.add_argument("--version", required=True)
    replay.add_argument("--show", type=int, default=20)
    replay.add_argument(
        "--write-gaps",
        action="store_true",
        help=f"write the differing labels to {CORPUS_DIR.name}/<version>.gaps (the known gaps)",
    )
    args = parser.parse_args(argv)
    if args.command == "record":
        password = os.environ.get("ODOO_PASSWORD")
        if not password:
            parser.error("set the password in $ODOO_PASSWORD")
        exchanges = run_generated(args.url, Credentials(args.db, args.login, password), args.seed, args.domains)
        write_generated(args.out, args.seed, exchanges)
        print(f"{args.out}: {len(exchanges)} exchanges", file=sys.stderr)
        return 0
    report = replay_on_simulator(args.version)
    print(report.summary())
    if args.write_gaps:
        gaps_file(args.version).write_text(GAPS_HEADER + "".join(f"{label}\n" for label in sorted(report.different)))
    for label, diff in list(report.different.items())[: args.show]:
        print(f"- {label}\n    real {json.dumps(diff['expected'])[:300]}\n    sim  {json.dumps(diff['got'])[:300]}")
    return 0 if not report.different else 1


if __name__ == "__main__":
    raise SystemExit(main())
