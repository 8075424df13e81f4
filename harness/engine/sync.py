"""One tenant's sync: detect, read what Odoo holds, plan, send, record.

Every sync asks ``common.version()``: the cheap, exact evidence of an upgrade, so the version
planned with is always the server's own. The rest of detection is kept in the ledger per version
answer: the server's fields (the first sync against a server version asks ``fields_get`` once or
twice, ``compat.ServerFields`` says why) and the tenant's login (its uid, used without a new
login while the server answers the same; ``OdooClient.log_in``). A re-sync of unchanged grants
is 3 calls: the version, the accounts with their plans in one read, the projects.

The order is plans, then accounts (they need the plan ids), then projects (they need
the Plan 1 account ids). Creates go as lists in batches; a create whose answer was
lost is never blindly re-sent: the pending keys are first resolved by reading the
records back through their natural keys (plan name; plan + account code; the
project's analytic account), so a retry never duplicates.

A sync that stopped midway (killed, crashed, its ledger lost) leaves keys ``pending`` and
a ``sync_log`` row ``sending``. The next sync settles them all, for no extra call: the rows
read "sent, answer unknown"; each phase, having read what Odoo holds, settles its entity's
pending keys from it before planning (a create whose record is there succeeded, one whose
record is not is planned again; a write succeeded if Odoo holds what it sent).

Each sync is a run in the ledger (``Ledger.start_run`` / ``end_run``): ``failed`` with its first
error when anything failed (a refused login included), and the call whose lost answer a read-back
settled is marked ``recovered`` in the sync log.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

from harness.engine import plan as planner
from harness.engine.client import OdooCallError, OdooClient
from harness.engine.compat import LINE_PROBE, PROJECT_PROBE, Capabilities, ServerFields, detect, refuse_unvalidated
from harness.engine.grants import Grants
from harness.engine.ledger import FAILED, PENDING, SUCCEEDED, Ledger
from harness.engine.plan import ACCOUNT, PLAN, PROJECT, Mutation, PlanNames

NO_ARCHIVE_FILTER = {"active_test": False}
#: ``SyncResult.failed``'s entity when Odoo could not be reached or refused the login.
CONNECTION = "connection"
#: Why a pending key is settled as failed: Odoo does not hold what its call would have done.
NOT_CREATED = "not created: the sync sending it stopped before Odoo created it; created again if still wanted"
NOT_WRITTEN = "not written: the sync sending it stopped and Odoo does not hold these values"
LINE = "account.analytic.line"
FIELD_ATTRIBUTES = ["type", "relation"]
ACCOUNT_FIELDS = ["code", "name", "plan_id", "active"]


@dataclass
class SyncResult:
    tenant: str
    capabilities: Capabilities | None = None
    created: int = 0
    updated: int = 0
    archived: int = 0
    skipped: int = 0
    refused: int = 0
    #: keys a stopped sync left pending, settled by this one from what Odoo holds
    settled: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    calls: int = 0
    #: calls sent over an endpoint the server's version deprecates (api_lifecycle)
    deprecated_calls: int = 0
    retries: int = 0
    mutations: int = 0
    plan_ids: dict[str, int] = field(default_factory=dict)
    account_ids: dict[tuple[str, str], int] = field(default_factory=dict)
    project_ids: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.failed

    def summary(self) -> str:
        settled = f"; settled {self.settled} keys a stopped sync left pending" if self.settled else ""
        return (
            f"{self.tenant}: {self.created} created, {self.updated} updated, {self.archived} archived, "
            f"{self.skipped} skipped, {self.refused} refused, {len(self.failed)} failed "
            f"({self.calls} calls, {self.mutations} mutating){settled}"
        )


class SyncEngine:
    def __init__(
        self,
        client: OdooClient,
        ledger: Ledger,
        names: PlanNames | None = None,
        batch_size: int = 500,
        force: bool = False,
        progress: Callable[[str, int, int], None] | None = None,
    ) -> None:
        self.client = client
        self.ledger = ledger
        self.names = names or PlanNames()
        self.batch_size = batch_size
        self.force = force
        self.progress = progress or (lambda phase, done, total: None)
        #: key -> Odoo id of what this sync created or found again
        self._ids: dict[str, int] = {}

    def sync(self, grants: Grants) -> SyncResult:
        result = SyncResult(grants.tenant)
        self._ids = {}
        counters = self.client.counters
        calls_before, retries_before, by_endpoint = counters.calls, counters.retries, dict(counters.by_endpoint)
        with self.ledger.tenant_lock(grants.tenant):
            self.ledger.settle_calls(grants.tenant)  # rows a killed sync left sending: no live sync waits on them
            run_id = self.ledger.start_run(grants.tenant)
            try:
                self._sync(grants, result)
            except OdooCallError as exc:
                result.failed.append((CONNECTION, str(exc)))
            except Exception as exc:  # a bug or the ledger failing: the run still ends, failed, and it propagates
                error = f"{type(exc).__name__}: {exc}"
                self.ledger.end_run(run_id, calls=counters.calls - calls_before, writes=result.mutations, error=error)
                raise
            error = _run_error(result.failed)
            self.ledger.end_run(run_id, calls=counters.calls - calls_before, writes=result.mutations, error=error)
        result.calls = counters.calls - calls_before
        if result.capabilities:  # known once common.version() answered
            result.deprecated_calls = sum(
                counters.by_endpoint.get(path, 0) - by_endpoint.get(path, 0)
                for path in result.capabilities.deprecated_endpoints
            )
        result.retries = counters.retries - retries_before
        result.refused = counters.refused
        return result

    # -- phases ---------------------------------------------------------------------

    def _sync(self, grants: Grants, result: SyncResult) -> None:
        version = self.client.version()
        refuse_unvalidated(version, self.force)  # before logging in: nothing else is asked
        synced_before = self.client.log_in(version)
        caps = detect(version, self._server_fields(version), force=self.force)
        result.capabilities = caps
        plans, accounts = self._plans_and_accounts(synced_before)
        self._settle("plan", plans, lambda role: (self.names.of(role),), lambda p: (p["name"],), result)
        existing_plans = {p["name"]: p["id"] for p in plans}
        self._apply(planner.plan_plans(grants.tenant, self.names, existing_plans), result, "plans")
        result.plan_ids = {
            role: existing_plans.get(self.names.of(role))
            or self._ids.get(planner.key(result.tenant, "plan", role, "create"))
            for role in planner.ROLES
        }
        if any(v is None for v in result.plan_ids.values()):
            return
        ours = set(result.plan_ids.values())
        if accounts is None:
            accounts = self._read(ACCOUNT, [("plan_id", "in", list(ours))], ACCOUNT_FIELDS) if existing_plans else []
        accounts = [account for account in accounts if account["plan_id"][0] in ours]
        for account in accounts:
            account["plan_id"] = account["plan_id"][0]
        self._settle(
            "account",
            accounts,
            lambda entity_id: _account_natural(entity_id, result.plan_ids),
            lambda a: (a["plan_id"], a["code"]),
            result,
        )
        revisions = self.ledger.write_revisions(grants.tenant, ACCOUNT)
        for account in accounts:
            account["revision"] = revisions.get(account["id"], 0)
        self._apply(planner.plan_accounts(grants, result.plan_ids, accounts), result, "accounts")
        self._collect_accounts(grants, result, accounts)
        self._sync_projects(grants, result, caps, accounts)

    def _sync_projects(self, grants: Grants, result: SyncResult, caps: Capabilities, accounts: list[dict]) -> None:
        plan1 = result.plan_ids["project"]
        codes = {a["id"]: a["code"] for a in accounts if a["plan_id"] == plan1}
        wanted = {p.id: result.account_ids.get(("project", p.id)) for p in grants.projects}
        missing = [pid for pid, account in wanted.items() if account is None]
        for pid in missing:
            result.failed.append((f"project/{pid}", "its Plan 1 account could not be created"))
        wanted = {pid: account for pid, account in wanted.items() if account is not None}
        link = caps.project_account_field
        projects = self._read(PROJECT, [(link, "in", sorted(codes))], ["name", "active", link]) if codes else []
        self._settle(
            "project",
            projects,
            lambda pid: (result.account_ids.get(("project", pid)),),
            lambda p: (_id(p[link]),),
            result,
        )
        revisions = self.ledger.write_revisions(grants.tenant, PROJECT)
        for project in projects:
            project["revision"] = revisions.get(project["id"], 0)
        mutations = planner.plan_projects(
            grants.model_copy(update={"projects": [p for p in grants.projects if p.id in wanted]}),
            link,
            wanted,
            projects,
            codes,
        )
        self._apply(mutations, result, "projects")
        for project in projects:
            linked = project[link][0] if isinstance(project[link], list) else project[link]
            if linked in codes:
                result.project_ids.setdefault(codes[linked], project["id"])
        for mutation in mutations:
            if mutation.method == "create" and mutation.key in self._ids:
                result.project_ids[mutation.entity_id] = self._ids[mutation.key]

    def _plans_and_accounts(self, synced_before: bool) -> tuple[list[dict], list[dict] | None]:
        """The plans named as ours (``{id, name}``) and, where the same read gave them, the accounts
        of every plan so named (else None: read once the plans are known).

        A tenant synced before against this server has accounts in its three plans: one read of the
        accounts whose plan bears one of our names gives both, each plan as its accounts' ``plan_id``.
        A plan holding no account (a first sync; one stopped after creating plans) or two plans
        bearing one name are not told apart by that answer: then the plans are read as well, and
        chosen as on a first sync, their accounts already in hand. A first sync reads the plans
        first: where none exists there are no accounts to read."""
        names = [self.names.of(role) for role in planner.ROLES]
        accounts = self._read(ACCOUNT, [("plan_id.name", "in", names)], ACCOUNT_FIELDS) if synced_before else None
        plans = _plans_of(accounts, names) if accounts is not None else None
        if plans is None:
            plans = self._read(PLAN, [("name", "in", names)], ["name"])
        return plans, accounts

    def _server_fields(self, version: dict) -> ServerFields:
        """project.project's fields_get, and the analytic line's only where the project's
        answer does not settle the per-plan question: 1 call on 18.0+, 2 before. Kept in
        the ledger per server and version answer, so only a new server or an upgrade asks."""
        server = (self.client.url, self.client.db, str(version.get("server_version", "?")))
        known = self.ledger.server_fields(*server)
        if known is not None:
            return ServerFields(**known)
        project = self._fields_get(PROJECT, PROJECT_PROBE)
        fields = ServerFields(project)
        if not fields.answered_plan_columns():
            fields = ServerFields(project, self._fields_get(LINE, LINE_PROBE))
        self.ledger.remember_server_fields(*server, dataclasses.asdict(fields))
        return fields

    def _fields_get(self, model: str, names: tuple[str, ...]) -> dict[str, dict]:
        return self.client.read(model, "fields_get", [], {"allfields": list(names), "attributes": FIELD_ATTRIBUTES})

    def _collect_accounts(self, grants: Grants, result: SyncResult, accounts: list[dict]) -> None:
        role_of = {pid: role for role, pid in result.plan_ids.items()}
        for account in accounts:
            if account["plan_id"] in role_of:
                result.account_ids[(role_of[account["plan_id"]], account["code"])] = account["id"]
        for spec in planner.desired_accounts(grants):
            created = self._ids.get(planner.key(grants.tenant, "account", spec.entity_id, "create"))
            if created:
                result.account_ids[(spec.role, spec.code)] = created

    def _settle(
        self,
        entity: str,
        records: list[dict],
        natural: Callable[[str], Hashable],
        natural_of: Callable[[dict], Hashable],
        result: SyncResult,
    ) -> None:
        """Settle the ``entity`` keys a stopped sync left pending, from ``records`` (all of the
        entity's records Odoo holds, just read): a create succeeded if a record with its natural
        key (``natural(entity_id)``, as ``natural_of(record)`` gives a record's) is there, and
        failed if not (planned again like any missing record); a write succeeded if its record
        holds the values it sent. Before planning, so the revisions count every write Odoo took."""
        pending = self.ledger.pending_keys(result.tenant, entity)
        found = {natural_of(record): record["id"] for record in records}
        by_id = {record["id"]: record for record in records}
        outcomes: dict[tuple[str, str | None], list[tuple[str, str | None, int | None]]] = {}
        for key in pending:
            if key.operation == "create":
                odoo_id = found.get(natural(key.entity_id))
                status, error = (SUCCEEDED, None) if odoo_id else (FAILED, NOT_CREATED)
            else:
                odoo_id = key.odoo_id
                status, error = (
                    (SUCCEEDED, None) if _holds(by_id.get(odoo_id), key.sent_values) else (FAILED, NOT_WRITTEN)
                )
            outcomes.setdefault((status, key.model), []).append((key.key, error, odoo_id))
            if status == SUCCEEDED:  # the stopped sync's call did run: its unanswered row is recovered
                self.ledger.mark_recovered(result.tenant, key.key)
        for (status, model), entries in outcomes.items():
            self.ledger.mark(entries, status, model)
        result.settled += len(pending)

    def _read(self, model: str, domain: list, fields: list[str]) -> list[dict]:
        return self.client.read(model, "search_read", [domain], {"fields": fields, "context": NO_ARCHIVE_FILTER})

    # -- sending mutations ------------------------------------------------------------

    def _apply(self, mutations: list[Mutation], result: SyncResult, phase: str) -> None:
        creates = [m for m in mutations if m.method == "create"]
        writes = [m for m in mutations if m.method == "write"]
        total = len(mutations)
        self.progress(phase, 0, total)
        if creates:
            self._create_all(creates, result)
        self.progress(phase, len(creates), total)
        if writes:
            self._write_all(writes, result)
        self.progress(phase, total, total)

    def _create_all(self, mutations: list[Mutation], result: SyncResult) -> None:
        states = self.ledger.states(m.key for m in mutations)
        todo: list[Mutation] = []
        for m in mutations:
            state = states.get(m.key)
            if state and state.status == SUCCEEDED:
                result.failed.append(
                    (
                        f"{m.entity}/{m.entity_id}",
                        f"the ledger records {m.key} as created "
                        f"(id {state.odoo_id}) but Odoo no longer has it; restore or "
                        "unarchive it in Odoo",
                    )
                )
            else:
                todo.append(m)
        for start in range(0, len(todo), self.batch_size):
            self._create_batch(todo[start : start + self.batch_size], result)

    def _create_batch(self, batch: list[Mutation], result: SyncResult) -> None:
        retry = self.client.retry
        for attempt in range(retry.attempts):
            self.ledger.mark([(m.key, None, None) for m in batch], PENDING, batch[0].model)
            try:
                ids = self.client.mutate(
                    batch[0].model,
                    "create",
                    [[m.values for m in batch]],
                    entity=_entity(batch),
                    key=_key_text(batch),
                    retry=False,
                )
            except OdooCallError as exc:
                if not exc.transient or attempt == retry.attempts - 1:
                    self._fail(batch, str(exc), result)
                    return
                self.client.counters.retries += 1
                retry.sleep(retry.delay(attempt))
                remaining = self._resolve(batch, result, batch)  # what did Odoo commit before it failed?
                if len(remaining) < len(batch):  # it did: the answer was lost, the call is recovered
                    self.ledger.mark_recovered(result.tenant, batch[0].key)
                batch = remaining
                if not batch:
                    return
                continue
            self._succeed(batch, ids, result)
            return

    def _resolve(self, pending: list[Mutation], result: SyncResult, todo: list[Mutation]) -> list[Mutation]:
        """Read pending creates back by natural key: found ones succeeded (no duplicate
        is sent), the rest still need creating."""
        found = self._read_back(pending)
        resolved = [m for m in pending if m.natural in found]
        if resolved:
            self._succeed(resolved, [found[m.natural] for m in resolved], result, sent=False)
        done = {m.key for m in resolved}
        return [m for m in todo if m.key not in done]

    def _read_back(self, mutations: list[Mutation]) -> dict[tuple, int]:
        model = mutations[0].model
        if model == PLAN:
            rows = self._read(PLAN, [("name", "in", [m.natural[0] for m in mutations])], ["name"])
            return {(r["name"],): r["id"] for r in rows}
        if model == ACCOUNT:
            rows = self._read(
                ACCOUNT,
                [
                    ("plan_id", "in", sorted({m.natural[0] for m in mutations})),
                    ("code", "in", sorted({m.natural[1] for m in mutations})),
                ],
                ["code", "plan_id"],
            )
            return {(r["plan_id"][0], r["code"]): r["id"] for r in rows}
        link = next(k for k in mutations[0].values if k != "name")
        rows = self._read(PROJECT, [(link, "in", [m.natural[0] for m in mutations])], [link])
        return {(r[link][0],): r["id"] for r in rows if r[link]}

    def _write_all(self, mutations: list[Mutation], result: SyncResult) -> None:
        states = self.ledger.states(m.key for m in mutations)
        groups: dict[tuple, list[Mutation]] = {}
        for m in mutations:
            state = states.get(m.key)
            if state and state.status == SUCCEEDED:
                result.skipped += 1
                self.client.log_skip(m.entity, m.operation, m.key, f"skipped: already succeeded (id {state.odoo_id})")
                continue
            groups.setdefault((m.model, tuple(sorted(m.values.items()))), []).append(m)
        for (model, values), group in groups.items():
            self.ledger.mark([(m.key, None, m.record_id) for m in group], PENDING, model, sent_values=dict(values))
            try:
                self.client.mutate(
                    model,
                    "write",
                    [[m.record_id for m in group], dict(values)],
                    entity=_entity(group),
                    key=_key_text(group),
                    retry=True,
                )
            except OdooCallError as exc:
                self._fail(group, str(exc), result)
                continue
            self.ledger.mark([(m.key, None, m.record_id) for m in group], SUCCEEDED, model)
            result.mutations += 1
            for m in group:
                if m.operation.startswith("archive"):
                    result.archived += 1
                else:
                    result.updated += 1

    def _succeed(self, batch: list[Mutation], ids: Any, result: SyncResult, sent: bool = True) -> None:
        ids = [ids] if isinstance(ids, int) else list(ids)
        self.ledger.mark([(m.key, None, i) for m, i in zip(batch, ids, strict=True)], SUCCEEDED, batch[0].model)
        for m, i in zip(batch, ids, strict=True):
            self._ids[m.key] = i
        result.created += len(batch)
        result.mutations += int(sent)

    def _fail(self, batch: list[Mutation], error: str, result: SyncResult) -> None:
        self.ledger.mark([(m.key, error, m.record_id) for m in batch], FAILED, batch[0].model)
        result.failed += [(f"{m.entity}/{m.entity_id}", error) for m in batch]


def _plans_of(accounts: list[dict], names: list[str]) -> list[dict] | None:
    """The plans ``accounts`` name in their ``plan_id`` (``[id, display name]``), when each of
    ``names`` is the display name of exactly one of them; None when that does not settle it."""
    ids: dict[str, set[int]] = {}
    for account in accounts:
        plan_id, name = account["plan_id"]
        ids.setdefault(name, set()).add(plan_id)
    if any(len(ids.get(name, ())) != 1 for name in names):
        return None
    return [{"id": ids[name].pop(), "name": name} for name in names]


def _account_natural(entity_id: str, plan_ids: dict[str, int]) -> tuple:
    """An account key's natural key: its entity id is ``role/code`` (the code may hold '/')."""
    role, _sep, code = entity_id.partition("/")
    return plan_ids.get(role), code


def _holds(record: dict | None, values: dict | None) -> bool:
    """Whether ``record`` (as read) holds ``values`` (as written)."""
    return record is not None and values is not None and all(_id(record.get(k)) == v for k, v in values.items())


def _id(value: Any) -> Any:
    """A many2one as read (``[id, name]``) as it is written (``id``); any other value as it is."""
    return value[0] if isinstance(value, list) and value else value


def _entity(batch: list[Mutation]) -> str:
    return batch[0].entity if len(batch) == 1 else f"{batch[0].entity}[{len(batch)}]"


def _key_text(batch: list[Mutation]) -> str:
    return batch[0].key if len(batch) == 1 else f"{batch[0].key} (+{len(batch) - 1} more)"


def _run_error(failed: list[tuple[str, str]]) -> str | None:
    """A run's error: its first failure, and how many more (None: the run is ``ok``)."""
    if not failed:
        return None
    entity, error = failed[0]
    more = f" (and {len(failed) - 1} more failures)" if len(failed) > 1 else ""
    return f"{entity}: {error}{more}"
