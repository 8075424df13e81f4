"""The scenario steps, registered by name: what each does, and the YAML value it takes.

``@step("post_bills")`` registers a function ``(context, value)``; the value's type is its
second parameter's annotation, so a scenario's YAML is validated against exactly what the
step reads, when the file is loaded. A step that needs the simulator's control API says why
(``needs_control="..."``): a scenario using it is skipped on a real Odoo with that reason.

Every step talks to the target over the wire: the engine through the fault proxy, the checks
and finance's bookings straight to Odoo as its admin (``ScenarioContext``).
"""

# No ``from __future__ import annotations``: ``step`` reads the value types from the annotations.
import datetime as dt
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import Field, model_validator

from harness.engine.actuals import compute_actuals, plan_columns
from harness.engine.client import ForbiddenModelError, XmlRpcWire
from harness.engine.grants import BudgetLine, Grants, Project
from harness.engine.ledger import SyncLocked
from harness.engine.sync import SyncResult
from harness.yamlfile import StrictModel
from simulator.faults import ODOO_FAULTS

if TYPE_CHECKING:
    from harness.scenarios.execute import ScenarioContext


@dataclass(frozen=True)
class StepDef:
    """A registered step: its YAML value type, what plays it, and why only a simulator can."""

    name: str
    value: Any
    play: Callable[["ScenarioContext", Any], None]
    needs_control: str | None = None


#: Every step by name, in the order registered (the order errors list them in).
STEPS: dict[str, StepDef] = {}
#: The health monitor's rounds, on the scenario's own clock.
HEALTH_INTERVAL = dt.timedelta(minutes=5)
#: The password the customer's admin changes to (``rotate_password``).
ROTATED = "scenario-rotated-pw"


def step(name: str, needs_control: str | None = None) -> Callable:
    """Register ``function(context, value)`` as the step ``name``."""

    def register(function: Callable[["ScenarioContext", Any], None]) -> Callable:
        code = function.__code__
        value_type = function.__annotations__[code.co_varnames[1]]
        STEPS[name] = StepDef(name, value_type, function, needs_control)
        return function

    return register


# -- YAML value types ----------------------------------------------------------------------


class SyncExpect(StrictModel):
    ok: bool | None = None
    created: int | None = None
    updated: int | None = None
    archived: int | None = None
    skipped: int | None = None
    mutations: int | None = None
    max_calls: int | None = None
    failed_entities: list[str] | None = None
    min_retries: int | None = None


class SyncStep(StrictModel):
    expect: SyncExpect = Field(default_factory=SyncExpect)


class Bill(StrictModel):
    project: str
    line: str
    amount: Annotated[float, Field(gt=0)]


class GrantsChange(StrictModel):
    rename_projects: dict[str, str] = Field(default_factory=dict)
    rename_lines: dict[str, str] = Field(default_factory=dict)  # "<project>/<line>": name
    remove_projects: list[str] = Field(default_factory=list)
    remove_lines: list[str] = Field(default_factory=list)  # "<project>/<line>"
    add_lines: dict[str, list[dict[str, Any]]] = Field(default_factory=dict)  # project: [line]


class ActualsExpect(StrictModel):
    projects: dict[str, float] = Field(default_factory=dict)
    categories: dict[str, float] = Field(default_factory=dict)
    lines: dict[str, float] = Field(default_factory=dict)


class AttemptWrite(StrictModel):
    model: str
    method: Literal["create", "write", "unlink"] = "write"


class Count(StrictModel):
    count: Annotated[int, Field(ge=2, le=16)] = 2


class HealthRounds(StrictModel):
    count: Annotated[int, Field(ge=1, le=300)]
    expect: list[Literal["green", "amber", "red"]] | None = None

    @model_validator(mode="after")
    def _one_state_per_round(self) -> "HealthRounds":
        if self.expect is not None and len(self.expect) != self.count:
            raise ValueError(f"expect lists {len(self.expect)} states for {self.count} rounds")
        return self


# -- fault rules: the control API's JSON, typed (``simulator/faults.py`` validates it again) --


class _Rule(StrictModel):
    model: str = "*"
    method: str = "*"
    times: Annotated[int, Field(ge=0)] | None = None
    probability: Annotated[float, Field(ge=0, le=1)] | None = None
    seed: int | None = None

    @model_validator(mode="after")
    def _times_or_probability(self) -> "_Rule":
        if self.times is not None and self.probability is not None:
            raise ValueError("give 'times' or 'probability', not both")
        return self


#: Bounds a scenario may ask for: long enough for every timeout it tests, short enough to end.
Seconds = Annotated[float, Field(gt=0, le=60)]


class ErrorBeforeCommit(_Rule):
    action: Literal["error_before_commit"]
    message: str | None = None


class DropResponseAfterCommit(_Rule):
    action: Literal["drop_response_after_commit"]


class Delay(_Rule):
    action: Literal["delay"]
    seconds: Seconds = 1.0


class SlowDown(_Rule):
    action: Literal["slow_down"]
    seconds: Seconds = 1.0


class HttpStatus(_Rule):
    action: Literal["http_status"]
    status: Annotated[int, Field(ge=400, le=599)] = 503


class ResetConnection(_Rule):
    action: Literal["reset_connection"]


class OdooFault(_Rule):
    action: Literal["odoo_fault"]
    fault: Literal[tuple(ODOO_FAULTS)] = "serialization_failure"
    message: str | None = None


FaultRule = Annotated[
    ErrorBeforeCommit | DropResponseAfterCommit | Delay | SlowDown | HttpStatus | ResetConnection | OdooFault,
    Field(discriminator="action"),
]


# -- the steps -------------------------------------------------------------------------------


@step("sync")
def sync(context: "ScenarioContext", value: SyncStep) -> None:
    """Run the engine; optional expectations on the result."""
    result = context.engine().sync(context.grants)
    context.results.append(result)
    _check_sync(context, result, value.expect)


def _check_sync(context: "ScenarioContext", result: SyncResult, expect: SyncExpect) -> None:
    actual = {
        "ok": result.ok,
        "created": result.created,
        "updated": result.updated,
        "archived": result.archived,
        "skipped": result.skipped,
        "mutations": result.mutations,
    }
    for name, value in actual.items():
        wanted = getattr(expect, name)
        if wanted is not None and wanted != value:
            context.fail(f"sync {name} = {value}, expected {wanted} ({result.summary()}; failed: {result.failed[:3]})")
    if expect.min_retries is not None and result.retries < expect.min_retries:
        context.fail(
            f"sync retried {result.retries} times, expected at least {expect.min_retries} (did the fault fire?)"
        )
    if expect.max_calls is not None and result.calls > expect.max_calls:
        context.fail(f"sync sent {result.calls} calls, expected at most {expect.max_calls}")
    failed = sorted(entity for entity, _error in result.failed)
    if expect.failed_entities is not None and failed != sorted(expect.failed_entities):
        context.fail(f"failed entities {failed}, expected {sorted(expect.failed_entities)}")


@step("faults")
def faults(context: "ScenarioContext", rules: list[FaultRule]) -> None:
    """The fault proxy's rules, in front of the engine and the health monitor. Scenarios name the
    login and version calls as XML-RPC does (``common``/``authenticate``); on another wire a rule
    aims at that wire's own call (JSON-2: ``res.users``/``context_get``, ``json``/``version``)."""
    wire = type(context.engine().client.wire)
    same_call = {XmlRpcWire.LOGIN[1]: wire.LOGIN[1], XmlRpcWire.VERSION[1]: wire.VERSION[1]}
    dumped = []
    for rule in rules:
        data = rule.model_dump(exclude_none=True)
        model, _dot, method = same_call.get(f"{rule.model}.{rule.method}", "").rpartition(".")
        dumped.append({**data, "model": model, "method": method} if model else data)
    context.faults.replace(dumped)


@step("clear_faults")
def clear_faults(context: "ScenarioContext", _value: Literal[True]) -> None:
    context.faults.clear()


@step("change_grants")
def change_grants(context: "ScenarioContext", change: GrantsChange) -> None:
    """Rename, add or remove projects and lines in the platform."""
    context.grants = apply_change(context.grants, change)
    context.tenants[context.grants.tenant] = (context.target.db, context.grants)


def apply_change(grants: Grants, change: GrantsChange) -> Grants:
    """The grants after a change step (pure)."""
    projects = []
    for project in grants.projects:
        if project.id in change.remove_projects:
            continue
        lines = [
            line.model_copy(update={"name": change.rename_lines.get(f"{project.id}/{line.id}", line.name)})
            for line in project.budget_lines
            if f"{project.id}/{line.id}" not in change.remove_lines
        ]
        lines += [BudgetLine.model_validate(extra) for extra in change.add_lines.get(project.id, [])]
        projects.append(
            Project(
                id=project.id,
                name=change.rename_projects.get(project.id, project.name),
                donor=project.donor,
                budget_lines=lines,
            )
        )
    return grants.model_copy(update={"projects": projects})


@step("post_bills")
def post_bills(context: "ScenarioContext", bills: list[Bill]) -> None:
    """Finance books costs: one analytic line per bill, tagged with one account per plan (on
    16.0 the project's only: one analytic column), posted straight to Odoo, not by the engine."""
    result = context.results[-1]
    columns = {
        role: column
        for role, column in plan_columns(
            context.engine().client, result.plan_ids, result.capabilities.multi_plan
        ).items()
        if column
    }
    for bill in bills:
        tags = {
            "project": bill.project,
            "category": context.category(bill.project, bill.line),
            "line": f"{bill.project}/{bill.line}",
        }
        vals: dict[str, Any] = {
            "name": f"Bill {bill.project} {bill.line}",
            "amount": -bill.amount,
            "date": "2024-03-01",
        }
        for role, column in columns.items():
            vals[column] = result.account_ids[(role, tags[role])]
        [created] = context.reader().call("account.analytic.line", "create", [vals])  # [id] on either wire
        context.own_writes.add(("account.analytic.line", created))


@step("expect_actuals")
def expect_actuals(context: "ScenarioContext", expect: ActualsExpect) -> None:
    """Spent per project, category and line, as the engine reads it back."""
    result = context.results[-1]
    actuals = compute_actuals(context.engine().client, context.grants, result)
    for group in ("projects", "categories", "lines"):
        figures = getattr(actuals, group)
        for code, spent in getattr(expect, group).items():
            figure = figures.get(code)
            if figure is not None and figure.spent is None and not result.capabilities.multi_plan:
                context.outcome.degraded.append(f"{group} actuals unavailable on {context.version} (one analytic axis)")
            elif figure is None or figure.spent != spent:
                context.fail(f"spent on {group[:-1]} {code} = {figure.spent if figure else None}, expected {spent}")


@step("attempt_write")
def attempt_write(context: "ScenarioContext", attempt: AttemptWrite) -> None:
    """The engine tries to write outside the allow-list: its guard must refuse before sending."""
    client = context.engine().client
    try:
        client.mutate(
            attempt.model,
            attempt.method,
            [[1], {"name": "x"}] if attempt.method == "write" else [[1]],
            entity="rogue",
            key=f"{context.grants.tenant}:rogue:{attempt.model}:{attempt.method}",
            retry=False,
        )
    except ForbiddenModelError:
        return
    context.fail(f"the engine sent a {attempt.method} on {attempt.model}: the guard let it through")


@step("concurrent_syncs")
def concurrent_syncs(context: "ScenarioContext", count: Count) -> None:
    """The same tenant synced by several workers at once: one wins, the others are refused."""
    outcomes: list[str] = []

    def worker() -> None:
        try:
            outcomes.append("ok" if context.engine().sync(context.grants).ok else "failed")
        except SyncLocked:
            outcomes.append("refused")

    _run_threads([worker] * count.count)
    if "ok" not in outcomes or "failed" in outcomes:
        context.fail(f"concurrent syncs of one tenant ended {outcomes}")


@step("parallel_tenants", needs_control="opens more databases")
def parallel_tenants(context: "ScenarioContext", count: Count) -> None:
    """More tenants, each in a database of its own, synced at once with the first."""
    jobs = []
    for number in range(2, count.count + 2):
        tenant = db = f"tenant{number}"
        context.control.create_database(db)
        context.control.install_secret(db, context.target, context.password)
        grants = context.grants.model_copy(update={"tenant": tenant})
        context.tenants[tenant] = (db, grants)
        jobs.append(lambda t=tenant, d=db, g=grants: _sync_other(context, t, d, g))
    _run_threads([lambda: sync(context, SyncStep()), *jobs])


def _sync_other(context: "ScenarioContext", tenant: str, db: str, grants: Grants) -> None:
    result = context.engine(tenant, db).sync(grants)
    if not result.ok:
        context.fail(f"tenant {tenant}: {result.failed[:3]}")


@step("health_rounds")
def health_rounds(context: "ScenarioContext", rounds: HealthRounds) -> None:
    """Rounds 5 minutes apart on the scenario's clock; states checked round by round."""
    monitor = context.monitor()
    for index in range(rounds.count):
        context.health_clock += HEALTH_INTERVAL
        [(_tenant, health)] = monitor.tick(context.health_clock)
        wanted = rounds.expect[index] if rounds.expect else None
        if wanted and str(health.state) != wanted:
            context.fail(
                f"round {index + 1} ({context.health_clock:%H:%M}): health {health.state}, expected {wanted}"
                f" ({health.error or 'no error'})"
            )


@step("expect_notices")
def expect_notices(context: "ScenarioContext", kinds: list[Literal["alert", "recovery"]]) -> None:
    """What support has been sent so far."""
    sent = context.notices()
    if sent != kinds:
        context.fail(f"notices sent to support: {sent}, expected {kinds}")


PASSWORD_CHANGE = "changes the password behind the engine's back"


@step("rotate_password", needs_control=PASSWORD_CHANGE)
def rotate_password(context: "ScenarioContext", _value: Literal[True]) -> None:
    """Odoo's admin changed the password (over JSON-2: revoked the engine's API key and made a new
    one): the engine's secret is stale."""
    if context.target.api == "json2":
        context.control.revoke_api_keys(context.target.db, context.target.login)
        context.rotated = context.control.issue_api_key(context.target.db, context.target.login)
    else:
        context.control.set_password(context.target.db, context.target.login, ROTATED)


@step("complete_rotation", needs_control=PASSWORD_CHANGE)
def complete_rotation(context: "ScenarioContext", _value: Literal[True]) -> None:
    """The new secret reaches the engine's and the monitor's environment."""
    context.password = context.rotated


@step("drop_database", needs_control="drops a database")
def drop_database(context: "ScenarioContext", _value: Literal[True]) -> None:
    context.control.drop_database(context.target.db)


@step("restore_database", needs_control="drops a database")
def restore_database(context: "ScenarioContext", _value: Literal[True]) -> None:
    """The database is back, as a fresh one (a restore from before the integration)."""
    context.control.create_database(context.target.db)
    context.control.install_secret(context.target.db, context.target, context.password)


def _run_threads(jobs: list[Callable[[], None]]) -> None:
    """Start every job at once; wait for them, two minutes at most in all."""
    threads = [threading.Thread(target=job) for job in jobs]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 120
    for thread in threads:
        thread.join(timeout=max(deadline - time.monotonic(), 0))
