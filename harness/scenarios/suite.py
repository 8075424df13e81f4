"""Scenario suites (scenarios/<suite>/*.yaml) as runner suites.

On ``sim:`` targets every scenario plays on its own fresh simulator of that version.
Scenarios inject faults and book finance's costs inside the simulator, so on real
targets they are skipped with that reason (real servers arrive with issue 6).
"""

from __future__ import annotations

import time
from collections.abc import Iterator

from harness.runner import DEGRADED, ERROR, FAIL, PASS, SKIP, ScenarioResult
from harness.scenarios.execute import play
from harness.scenarios.model import load_suite
from harness.targets import Endpoint, Target


class ScenarioSuite:
    def __init__(self, name: str) -> None:
        self.name = name
        self.scenarios = load_suite(name)

    def run(self, target: Target, endpoint: Endpoint) -> Iterator[ScenarioResult]:
        for _path, scenario in self.scenarios:
            if target.kind != "sim":
                yield ScenarioResult(self.name, scenario.name, target.name, SKIP,
                                     "needs the simulator's fault injection and finance bookings")
                continue
            if target.version not in scenario.versions:
                yield ScenarioResult(self.name, scenario.name, target.name, SKIP,
                                     f"not meant for Odoo {target.version}")
                continue
            started = time.perf_counter()
            try:
                outcome = play(scenario, target.version)
            except Exception as exc:
                yield ScenarioResult(self.name, scenario.name, target.name, ERROR, f"{type(exc).__name__}: {exc}",
                                     seconds=time.perf_counter() - started)
                continue
            status, detail = PASS, ""
            if outcome.failures:
                status, detail = FAIL, "\n".join(outcome.failures)
            elif target.version in scenario.degrades_on:
                status, detail = DEGRADED, scenario.degrades_on[target.version]
            yield ScenarioResult(self.name, scenario.name, target.name, status, detail, calls=outcome.calls,
                                 seconds=time.perf_counter() - started, latencies_ms=outcome.latencies_ms)
