"""``odoo-harness replay``: run a recorded sync again, against its cassette or another Odoo.

Against the cassette alone (no Odoo needed), today's engine syncs the recorded grants from
the recorded ledger state, on the recorded wire (XML-RPC or JSON-2); vcrpy answers every
request from the cassette, in order, and refuses any request the cassette does not hold.
The replay holds when the engine asked for exactly the recorded calls and reached the
recorded outcome.

Against a target, the same grants are synced into that Odoo on the recorded wire (a new
ledger: the recorded ids belong to the customer's database) and both conversations are
compared call by call, ids named per model (``exchanges.IdSymbols``): what would this
customer's sync do on Odoo 18, or on the simulator?
"""

from __future__ import annotations

import random
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from vcr.errors import CannotOverwriteExistingCassetteException
from vcr.request import Request

from harness.cassettes.cassette import SCRUBBED, RecordedResult, make_vcr, read_meta
from harness.cassettes.exchanges import ORDER_ONLY, compare_calls, decode_call, load_calls
from harness.cassettes.record import outcome, record_on, recording_target, refuse_existing
from harness.cassettes.transport import cassette_transport
from harness.diff import Difference, readable_diff
from harness.engine.client import OdooClient, RetryPolicy
from harness.engine.ledger import Ledger
from harness.engine.sync import SyncEngine
from harness.targets import Target, with_api


@dataclass
class ReplayReport:
    cassette: Path
    against: str
    recorded: RecordedResult
    replayed: RecordedResult | None = None
    total: int = 0
    played: int = 0
    unexpected: str | None = None  # a request the cassette does not hold
    unplayed: list[str] = field(default_factory=list)  # recorded calls the engine never made
    #: the unexpected request and the recorded one it stands in place of, decoded, to show how they differ
    mismatch: tuple[Any, Any] | None = None
    differences: list[Difference] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: call name (``object project.project.create``) -> why it may differ (``replay --allow``)
    allow: dict[str, str] = field(default_factory=dict)
    #: the names of every call compared, on both sides: what an allow-list may name
    calls: set[str] = field(default_factory=set)

    @property
    def ok(self) -> bool:
        return (
            self.unexpected is None
            and not self.unplayed
            and not self.failing
            and self.replayed == self._expected_outcome()
        )

    @property
    def failing(self) -> list[Difference]:
        """Every difference but records listed in another order (Odoo leaves ties unordered) and
        the calls the allow-list explains."""
        return [d for d in self.differences if d.kind != ORDER_ONLY and call_name(d.label) not in self.allow]

    def _expected_outcome(self) -> RecordedResult:
        """The recorded outcome, its call count less the allowed calls only one side made."""
        extra = sum(
            (d.kind == "only in B") - (d.kind == "only in A")
            for d in self.differences
            if call_name(d.label) in self.allow
        )
        return self.recorded.model_copy(update={"calls": self.recorded.calls + extra})

    def text(self) -> str:
        lines = [
            f"{self.cassette} against {self.against}: {'same' if self.ok else 'DIFFERENT'}",
            f"  recorded: {_result_text(self.recorded)}",
            f"  replayed: {_result_text(self.replayed) if self.replayed else 'stopped (see below)'}",
        ]
        if self.against == "the cassette":
            lines.append(f"  {self.played} of {self.total} recorded calls replayed")
        if self.unexpected:
            lines.append(f"  the engine sent a call the cassette does not hold: {_bounded(self.unexpected)}")
        if self.mismatch:
            lines.append("  it differs from the recorded call in its place (A recorded, B sent):")
            lines += [f"    {line}" for line in readable_diff(*self.mismatch)]
        lines += [f"  never asked for: {_bounded(call)}" for call in self.unplayed]
        lines += [f"  note: {note}" for note in self.notes]
        for number, difference in enumerate(self.failing):
            if number == 0:  # the first one readable, the others a line each
                lines.append(f"  {difference.label} [{difference.kind}]")
                lines += [f"    {line}" for line in readable_diff(difference.a, difference.b)]
            else:
                lines.append("  " + difference.describe().replace("\n", "\n  "))
        lines += [
            f"  allowed: {d.label} [{d.kind}]: {self.allow[call_name(d.label)]}"
            for d in self.differences
            if d.kind != ORDER_ONLY and call_name(d.label) in self.allow
        ]
        lines += [
            f"  {d.label}: the same records in another order (Odoo leaves ties in _order unordered)"
            for d in self.differences
            if d.kind == ORDER_ONLY
        ]
        return "\n".join(lines)


def replay_cassette(path: Path) -> ReplayReport:
    """The recorded sync again, answered by the cassette alone."""
    meta, total = read_meta(path)
    report = ReplayReport(path, "the cassette", meta.result, total=total)
    with tempfile.TemporaryDirectory(prefix="odoo-harness-replay-") as work:
        ledger = Ledger(f"sqlite:///{Path(work) / 'ledger.sqlite'}")
        ledger.restore_keys(key.model_dump() for key in meta.ledger_keys)
        for server in meta.known_servers:
            ledger.remember_server_fields(meta.url, meta.db, server.server_version, server.fields)
        if meta.kept_login:
            login = meta.kept_login
            ledger.remember_login(meta.tenant, meta.url, meta.db, meta.login, meta.api, login.uid, login.server)
        with make_vcr("none").use_cassette(str(path)) as tape:
            # no waiting between retries, and the same jitter every time: a replay takes no wall time
            retry = RetryPolicy(sleep=lambda seconds: None, rng=random.Random(0))
            client = OdooClient(
                meta.url,
                meta.db,
                meta.login,
                SCRUBBED,
                tenant=meta.tenant,
                ledger=ledger,
                api=meta.api,
                transport=cassette_transport(meta.api, meta.url, tape),
                retry=retry,
            )
            unexpected: Request | None = None
            try:
                report.replayed = outcome(SyncEngine(client, ledger).sync(meta.grants))
            except CannotOverwriteExistingCassetteException as exc:
                unexpected = exc.failed_request
                report.unexpected = _shown(unexpected)
            report.played = sum(1 for index in range(len(tape.data)) if tape.play_counts[index])
            unplayed = [request for index, (request, _response) in enumerate(tape.data) if not tape.play_counts[index]]
            report.unplayed = [_shown(request) for request in unplayed]
            if unexpected and unplayed:
                report.mismatch = (_decoded(unplayed[0]), _decoded(unexpected))
    return report


def replay_on_target(
    paths: list[Path], target: Target, keep: Path | None = None, allow: dict[str, str] | None = None
) -> list[ReplayReport]:
    """The recorded grants synced into ``target``, cassette after cassette (a customer's
    history: a first sync, then re-syncs) with one ledger, each on its recorded wire and its
    conversation compared call by call with its recording. ``keep`` is a folder for the
    target's own cassettes; ``allow`` names the calls that may differ, each with its reason
    (a documented rename between versions)."""
    metas = [read_meta(path) for path in paths]
    # a history with a JSON-2 sync needs the target's API key too (a simulator issues one)
    if any(meta.api == "json2" for meta, _total in metas):
        [target] = with_api([target], "json2")
    reports: list[ReplayReport] = []
    with recording_target(target) as (started, work):
        ledger = Ledger(f"sqlite:///{work / 'ledger.sqlite'}")
        for path, (meta, total) in zip(paths, metas, strict=True):
            endpoint = replace(started, api=meta.api)
            report = ReplayReport(path, replace(target, api=meta.api).name, meta.result, total=total, allow=allow or {})
            if len(ledger.tenant_keys(meta.tenant)) < len(meta.ledger_keys):
                report.notes.append(
                    f"recorded after {len(meta.ledger_keys)} keys had been synced, which "
                    f"{target.name} never saw: replay the cassettes that came before it first"
                )
            theirs = keep / path.name if keep else work / f"{len(reports)}.yaml"
            if keep:
                refuse_existing(theirs, overwrite=False)
            if meta.kept_login is None:  # the recorded sync logged in: so does this one, to compare alike
                ledger.forget_login(meta.tenant)
            recording = record_on(endpoint, target.name, meta.grants, theirs, ledger)
            report.replayed, report.played = outcome(recording.result), recording.interactions
            recorded, replayed = load_calls(path, meta.db), load_calls(theirs, endpoint.db)
            report.differences = compare_calls(recorded, replayed)
            report.calls = {call_name(call.label) for call in (*recorded, *replayed)}
            reports.append(report)
    return reports


def call_name(label: str) -> str:
    """A difference's call without its number (``#008 object project.project.create``): what
    ``replay --allow`` names, the same in every cassette of a history."""
    return label.split(" ", 1)[1] if label.startswith("#") else label


def _decoded(request: Request) -> list:
    return list(decode_call(request.path, request.body))


def _shown(request: Request) -> str:
    """A request as a report line: service, model.method and arguments."""
    return " ".join(map(str, decode_call(request.path, request.body)))


def _bounded(text: str, limit: int = 240) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _result_text(result: RecordedResult) -> str:
    return (
        f"{result.created} created, {result.updated} updated, {result.archived} archived, "
        f"{result.skipped} skipped, {result.refused} refused, {len(result.failed)} failed "
        f"({result.calls} calls, {result.retries} retries, {result.mutations} mutating)"
    )
