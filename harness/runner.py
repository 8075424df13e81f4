"""Running suites over targets and collecting one result per scenario and target.

A suite is anything with a ``name`` and a ``run(target, endpoint)`` that yields
``ScenarioResult``s; the runner starts each target once, runs every suite on it and
never lets one suite's crash hide the others' results. A skipped scenario is neither a
pass nor a failure, and a run in which nothing ran is not a success.
"""

from __future__ import annotations

import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Protocol

from harness.errors import HarnessError
from harness.targets import Endpoint, Target, server_serie
from harness.versions import is_validated

PASS, FAIL, DEGRADED, ERROR, SKIP = "pass", "fail", "expected degradation", "error", "skipped"


@dataclass
class ScenarioResult:
    suite: str
    scenario: str
    target: str
    status: str
    detail: str = ""
    calls: int = 0
    seconds: float = 0.0
    #: per-call latencies of the engine's calls, for the HTML report's charts
    latencies_ms: list[float] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Ran and held (a skip is not a pass: nothing was proven)."""
        return self.status in (PASS, DEGRADED)

    @property
    def failed(self) -> bool:
        return self.status in (FAIL, ERROR)


class Suite(Protocol):
    name: str

    def run(self, target: Target, endpoint: Endpoint) -> Iterable[ScenarioResult]: ...


@dataclass
class RunResult:
    results: list[ScenarioResult] = field(default_factory=list)
    #: target name -> the Odoo series it answered as (targets that never started are absent)
    versions: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Nothing failed, and every target ran something: a run (or a target) on which
        every scenario was skipped proves nothing, so it is not green."""
        return bool(self.results) and not any(r.failed for r in self.results) and not self.idle_targets()

    def targets(self) -> list[str]:
        return list(dict.fromkeys([*self.versions, *(r.target for r in self.results)]))

    def skipped(self) -> list[ScenarioResult]:
        return [r for r in self.results if r.status == SKIP]

    def idle_targets(self) -> list[str]:
        """Targets on which nothing ran: every scenario skipped, or none selected."""
        return [t for t in self.targets() if all(r.status == SKIP for r in self.results if r.target == t)]

    def unvalidated(self) -> dict[str, str]:
        """Target -> version, for targets answering as a version the harness has not validated."""
        return {target: version for target, version in self.versions.items() if not is_validated(version)}

    def rows(self) -> list[tuple[str, str]]:
        return list(dict.fromkeys((r.suite, r.scenario) for r in self.results))

    def cell(self, suite: str, scenario: str, target: str) -> ScenarioResult | None:
        return next((r for r in self.results if (r.suite, r.scenario, r.target) == (suite, scenario, target)), None)


def run_suites(
    suites: list[Suite],
    targets: list[Target],
    progress: Callable[[ScenarioResult], None] | None = None,
    parallel: bool = True,
) -> RunResult:
    """Targets run side by side where each has its own server and state; targets that share one
    (a url: target on both wires) run one after another, as their scenarios and the parity
    conversation each need the database to themselves. The results keep the targets' order."""
    lock = threading.Lock()

    versions: dict[str, str] = {}

    def collect(group: list[Target]) -> dict[Target, list[ScenarioResult]]:
        results: dict[Target, list[ScenarioResult]] = {}
        for target in group:
            for result in _run_target(suites, target, versions):
                results.setdefault(target, []).append(result)
                if progress:
                    with lock:
                        progress(result)
        return results

    groups = sharing_a_server(targets)
    workers = len(groups) if parallel else 1
    with ThreadPoolExecutor(max_workers=max(workers, 1)) as pool:
        by_target = {target: results for done in pool.map(collect, groups) for target, results in done.items()}
    ordered = {t.name: versions[t.name] for t in targets if t.name in versions}
    return RunResult([result for target in targets for result in by_target.get(target, [])], ordered)


def sharing_a_server(targets: list[Target]) -> list[list[Target]]:
    """The targets grouped by the server they reach: a url: target's address (whatever the wire);
    every simulator and container target starts a server of its own."""
    groups: dict[object, list[Target]] = {}
    for number, target in enumerate(targets):
        groups.setdefault(target.value if target.kind == "url" else number, []).append(target)
    return list(groups.values())


def _run_target(suites: list[Suite], target: Target, versions: dict[str, str]) -> Iterator[ScenarioResult]:
    """Every suite on one started target; ``versions`` learns the series it answers as
    (a url: target says it only once asked), for the unvalidated-version marking."""
    try:
        with target.start() as endpoint:
            versions[target.name] = target.version or server_serie(endpoint.url)
            for suite in suites:
                started = time.perf_counter()
                try:
                    yield from suite.run(target, endpoint)
                except Exception as exc:
                    yield ScenarioResult(
                        suite.name, "(suite)", target.name, ERROR, _describe(exc), seconds=time.perf_counter() - started
                    )
    except Exception as exc:
        yield ScenarioResult("(target)", "start", target.name, ERROR, _describe(exc))


def _describe(exc: BaseException) -> str:
    """The harness's own errors are written for the user; anything else shows its type too."""
    if isinstance(exc, HarnessError):
        return str(exc)
    return traceback.format_exception_only(exc)[-1].strip()
