"""Running suites over targets and collecting one result per scenario and target.

A suite is anything with a ``name`` and a ``run(target, endpoint)`` that yields
``ScenarioResult``s; the runner starts each target once, runs every suite on it and
never lets one suite's crash hide the others' results.
"""

from __future__ import annotations

import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Protocol

from harness.targets import Endpoint, Target

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
        return self.status in (PASS, DEGRADED, SKIP)


class Suite(Protocol):
    name: str

    def run(self, target: Target, endpoint: Endpoint) -> Iterable[ScenarioResult]: ...


@dataclass
class RunResult:
    results: list[ScenarioResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.results) and all(r.ok for r in self.results)

    def targets(self) -> list[str]:
        return list(dict.fromkeys(r.target for r in self.results))

    def rows(self) -> list[tuple[str, str]]:
        return list(dict.fromkeys((r.suite, r.scenario) for r in self.results))

    def cell(self, suite: str, scenario: str, target: str) -> ScenarioResult | None:
        return next((r for r in self.results
                     if (r.suite, r.scenario, r.target) == (suite, scenario, target)), None)


def run_suites(suites: list[Suite], targets: list[Target],
               progress: Callable[[ScenarioResult], None] | None = None, parallel: bool = True) -> RunResult:
    """Targets run side by side (each has its own servers and state); the results keep
    the targets' order."""
    lock = threading.Lock()

    def collect(target: Target) -> list[ScenarioResult]:
        results = []
        for result in _run_target(suites, target):
            results.append(result)
            if progress:
                with lock:
                    progress(result)
        return results

    workers = len(targets) if parallel else 1
    with ThreadPoolExecutor(max_workers=max(workers, 1)) as pool:
        per_target = list(pool.map(collect, targets))
    return RunResult([result for results in per_target for result in results])


def _run_target(suites: list[Suite], target: Target) -> Iterator[ScenarioResult]:
    try:
        with target.start() as endpoint:
            for suite in suites:
                started = time.perf_counter()
                try:
                    yield from suite.run(target, endpoint)
                except Exception as exc:
                    yield ScenarioResult(suite.name, "(suite)", target.name, ERROR,
                                         _describe(exc), seconds=time.perf_counter() - started)
    except Exception as exc:
        yield ScenarioResult("(target)", "start", target.name, ERROR, _describe(exc))


def _describe(exc: BaseException) -> str:
    last = traceback.format_exception_only(exc)[-1].strip()
    return last
