"""The invariants of docs/invariants.md, checked after every scenario, faults included.

Each check returns readable violations: which key, which records, which calls.

1. No duplicates: a succeeded key maps to exactly one Odoo record; no natural key has
   two records.
2. Nothing lost: every entity of the grants is in Odoo, in the right plan, with the
   right fields.
3. Forbidden models untouched: Odoo holds no record of finance's written by the engine's
   user since the scenario began (``write_uid`` / ``write_date``, read back); on the simulator
   its journal of mutations cross-checks it.
4. Log complete: exactly one ``sync_log`` row per call the server received from the
   engine, and no password in the log or the report.
5. Health: states follow the transition table round by round (the scenario's
   ``health_rounds`` expectations); one alert per incident, recoveries only after alerts.
"""

from __future__ import annotations

import datetime as dt
import functools
import http.client
import time
import xmlrpc.client
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from harness.engine.client import ALLOWED_MODELS, Api, open_wire
from harness.engine.compat import series_of
from harness.engine.grants import Grants
from harness.engine.json2 import Json2Error
from harness.engine.ledger import SUCCEEDED, Ledger
from harness.engine.plan import PlanNames, desired_accounts
from harness.errors import HarnessError


@dataclass
class OdooState:
    """What the database holds of the integration's records (archived ones too)."""

    plans: list[dict]
    accounts: list[dict]
    projects: list[dict]
    link_field: str


#: Finance's models, read back for writes by the engine's user.
FORBIDDEN = ("res.partner", "account.move", "account.move.line", "account.account", "account.journal")
#: How Odoo writes ``write_date`` in a domain: UTC, to the second.
WRITE_DATE = "%Y-%m-%d %H:%M:%S"


class Reader:
    """The checks' own connection to one database, as the target's admin, on the scenario's wire:
    XML-RPC with the password, or JSON-2 with an API key (XML-RPC is gone from Odoo 22.0). Straight
    to Odoo, not through the engine's client, its transport or the fault proxy, so nothing of it is
    logged, counted or faulted. The engine's wire carries the calls (``open_wire``): each request is
    sent once, never re-sent on a dropped connection, as some of these calls create."""

    def __init__(self, url: str, db: str, login: str, secret: str, api: Api = "xmlrpc") -> None:
        self.db, self.login, self.api = db, login, api
        self._secret = secret
        self._wire = open_wire(api, url, db, login, secret)

    @functools.cached_property
    def uid(self) -> int:
        uid = self._answer("log in", self._wire.authenticate)
        if not uid:
            raise InvariantError(f"the checks cannot log in as {self.login!r} on database {self.db!r}")
        return uid

    def call(self, model: str, method: str, *args: Any, **kwargs: Any) -> Any:
        self.uid  # noqa: B018 -- logged in first: XML-RPC sends the uid with every call
        return self._answer(f"call {model}.{method}", self._wire.execute(model, method, list(args), kwargs))

    def version(self) -> str:
        """The Odoo series the server reports."""
        return series_of(self._answer("ask the version", self._wire.version))

    def _answer(self, what: str, call: Callable[[], Any]) -> Any:
        """The call's answer; its failure, whichever wire it came over, as one ``InvariantError``
        naming what the checks were doing (a secret the server echoed is blanked)."""
        try:
            return call()
        except (xmlrpc.client.Error, Json2Error, OSError, http.client.HTTPException) as exc:
            text = f"{type(exc).__name__}: {exc}".replace(self._secret, "***")
            raise InvariantError(f"the checks could not {what} on database {self.db!r} ({self.api}): {text}") from None


class InvariantError(HarnessError, RuntimeError):
    """The invariants could not be read back (the message says why)."""


def read_state(reader: Reader, names: PlanNames) -> OdooState:
    """Read back the three plans (by name), their accounts and the projects linked to them,
    archived ones too, from any Odoo, over the reader's wire."""
    fields = reader.call(
        "project.project", "fields_get", allfields=["account_id", "analytic_account_id"], attributes=["relation"]
    )
    link = (
        "account_id"
        if fields.get("account_id", {}).get("relation") == "account.analytic.account"
        else "analytic_account_id"
    )
    ctx = {"context": {"active_test": False}}
    plans = reader.call(
        "account.analytic.plan",
        "search_read",
        [("name", "in", [names.of(r) for r in ("project", "category", "line")])],
        fields=["name"],
        **ctx,
    )
    accounts = reader.call(
        "account.analytic.account",
        "search_read",
        [("plan_id", "in", [p["id"] for p in plans])],
        fields=["code", "name", "plan_id", "active"],
        **ctx,
    )
    for account in accounts:
        account["plan_id"] = account["plan_id"][0]
    projects = reader.call(
        "project.project",
        "search_read",
        [(link, "in", [a["id"] for a in accounts])],
        fields=["name", "active", link],
        **ctx,
    )
    for project in projects:
        project[link] = project[link][0] if project[link] else False
    return OdooState(plans, accounts, projects, link)


def write_clock() -> str:
    """The next full second, once it has come, as Odoo stamps ``write_date`` (UTC, the
    transaction's start): writes made after this returns are stamped at or after it; those made
    before, in the same second too, before it. The server runs on this machine (loopback): one clock."""
    now = dt.datetime.now(dt.UTC)
    boundary = now.replace(microsecond=0) + dt.timedelta(seconds=1)
    time.sleep((boundary - now).total_seconds())
    return boundary.strftime(WRITE_DATE)


def start_write_clock(reader: Reader, uid: int) -> str:
    """Where ``forbidden_writes`` starts counting: the current second, unless the engine's user
    already wrote one of finance's records in it (a harness's setup switching Analytic Accounting
    on writes the company's partners), then the next one (``write_clock``). So the wait is paid
    only where a setup wrote, and a write before the clock is never counted as the engine's."""
    since = dt.datetime.now(dt.UTC).strftime(WRITE_DATE)
    return write_clock() if forbidden_writes(reader, uid, since) else since


def forbidden_writes(reader: Reader, uid: int, since: str) -> list[str]:
    """3. Nothing of finance's written by the engine's user since ``since`` (the server's clock,
    ``YYYY-MM-DD HH:MM:SS``), read back from Odoo itself."""
    problems = []
    for model in FORBIDDEN:
        count = reader.call(
            model,
            "search_count",
            [("write_uid", "=", uid), ("write_date", ">=", since)],
            context={"active_test": False},
        )
        if count:
            problems.append(f"forbidden mutation: {count} {model} record(s) written by uid {uid} since {since}")
    return problems


def check_no_duplicates(state: OdooState, ledger: Ledger, tenant: str) -> list[str]:
    problems = []
    for (plan_id, code), count in Counter((a["plan_id"], a["code"]) for a in state.accounts).items():
        if count > 1:
            ids = [a["id"] for a in state.accounts if (a["plan_id"], a["code"]) == (plan_id, code)]
            problems.append(
                f"duplicate account: code {code!r} in plan {plan_id} is records {ids}"
                f"{_calls(ledger, tenant, 'account', code)}"
            )
    for name, count in Counter(p["name"] for p in state.plans).items():
        if count > 1:
            problems.append(f"duplicate plan {name!r}: {count} records")
    links = Counter(p[state.link_field] for p in state.projects if p[state.link_field])
    for account_id, count in links.items():
        if count > 1:
            ids = [p["id"] for p in state.projects if p[state.link_field] == account_id]
            problems.append(f"duplicate project: account {account_id} is linked by projects {ids}")
    known = {a["id"] for a in state.accounts} | {p["id"] for p in state.projects} | {p["id"] for p in state.plans}
    with ledger.engine.connect() as conn:
        rows = conn.execute(
            ledger.idempotency.select().where(
                ledger.idempotency.c.tenant == tenant,
                ledger.idempotency.c.status == SUCCEEDED,
                ledger.idempotency.c.operation == "create",
            )
        ).all()
    for row in rows:
        if row.odoo_id not in known:
            problems.append(f"key {row.key} succeeded as id {row.odoo_id}, which Odoo does not hold")
    return problems


def check_nothing_lost(state: OdooState, grants: Grants, names: PlanNames) -> list[str]:
    problems = []
    plan_ids = {p["name"]: p["id"] for p in state.plans}
    accounts = {(a["plan_id"], a["code"]): a for a in state.accounts}
    for spec in desired_accounts(grants):
        plan_id = plan_ids.get(names.of(spec.role))
        account = accounts.get((plan_id, spec.code))
        if account is None:
            problems.append(f"lost: account {spec.code!r} is not in plan {names.of(spec.role)!r}")
        elif account["name"] != spec.name or not account["active"]:
            problems.append(
                f"wrong: account {spec.code!r} is {account['name']!r} (active={account['active']}), "
                f"expected {spec.name!r}, active"
            )
    by_link = {p[state.link_field]: p for p in state.projects}
    for project in grants.projects:
        account = accounts.get((plan_ids.get(names.project), project.id))
        linked = by_link.get(account["id"]) if account else None
        if linked is None:
            problems.append(f"lost: no project.project linked to account {project.id!r}")
        elif linked["name"] != project.name or not linked["active"]:
            problems.append(f"wrong: project {project.id} is {linked['name']!r} (active={linked['active']})")
    return problems


def check_journal(journal: list[dict], engine_uid: int, own: set[tuple[str, int]]) -> list[str]:
    """3. cross-checked on the simulator: its journal of every mutating call shows none by the
    engine's user outside the allow-list, the harness's own writes (``own``: finance's bills
    and the setup's settings, written as the same user) aside."""
    return [
        f"forbidden mutation: {e['method']} on {e['model']} ids {e['ids']} by uid {e['uid']} at {e['time']}"
        for e in journal
        if e["uid"] == engine_uid
        and e["model"] not in ALLOWED_MODELS
        and not (e["ids"] and {(e["model"], i) for i in e["ids"]} <= own)
    ]


def check_log_complete(rows: list[dict], server_calls: int, secrets: list[str], report_text: str) -> list[str]:
    """4. ``rows``: the tenants' ``sync_log`` rows (``Ledger.log_rows``), read once by the caller."""
    sent = sum(row["outcome"] == "sent" for row in rows)
    problems = []
    if sent != server_calls:
        problems.append(f"sync_log has {sent} rows for calls sent, the server received {server_calls} calls")
    text = repr(rows) + report_text
    problems += [
        f"a password appears in the sync log or the report ({secret[:2]}…)"
        for secret in secrets
        if secret and secret in text
    ]
    return problems


def check_notices(kinds: list[str]) -> list[str]:
    """5. Health: one alert per incident, and a recovery only after an alert."""
    expected = ["alert", "recovery"] * (len(kinds) // 2 + 1)
    return [] if kinds == expected[: len(kinds)] else [f"support notices out of order or repeated: {kinds}"]


def _calls(ledger: Ledger, tenant: str, entity: str, code: str) -> str:
    """The log rows of the create calls behind a duplicate, for the account of it."""
    rows = [
        r for r in ledger.log_rows(tenant) if r["entity"] and r["entity"].startswith(entity) and r["method"] == "create"
    ]
    if not rows:
        return ""
    shown = "; ".join(
        f"#{r['id']} {r['ts']:%H:%M:%S} {r['idempotency_key']} -> {r['http_status'] or r['error']}" for r in rows[:4]
    )
    return f" (create calls: {shown})"
