"""Scenario suites (scenarios/<suite>/*.yaml) as runner suites.

On ``sim:`` targets every scenario plays on its own fresh simulator of that version; on
real targets (``url:``, ``container:``) on the server given, each with plan names of its
own. Either way by the same path (``execute.play_on``); the scenarios whose steps need the
simulator's control API (a dropped database, a password changed behind the engine's back)
are skipped on a real target with the step's reason. A scenario runs on every version
from its ``min_version`` on, also on versions the harness has not validated, unless its
``skip_on`` names the version with a reason.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

from harness.runner import DEGRADED, ERROR, FAIL, PASS, SKIP, ScenarioResult
from harness.scenarios.execute import play, play_on
from harness.scenarios.model import load_suite
from harness.targets import Endpoint, Target, server_serie, serves_json2


class ScenarioSuite:
    def __init__(self, name: str) -> None:
        self.name = name
        self.scenarios = load_suite(name)

    def run(self, target: Target, endpoint: Endpoint) -> Iterator[ScenarioResult]:
        version = target.version or server_serie(endpoint.url)
        own_simulator = target.kind == "sim"
        no_json2 = endpoint.api == "json2" and not serves_json2(endpoint.url)
        for _path, scenario in self.scenarios:
            if no_json2:
                yield ScenarioResult(
                    self.name,
                    scenario.name,
                    target.name,
                    SKIP,
                    f"no JSON-2 API on this Odoo ({endpoint.url}/json/version answers no version)",
                )
                continue
            reason = None if own_simulator or endpoint.control else scenario.needs_control()
            if reason:
                yield ScenarioResult(self.name, scenario.name, target.name, SKIP, f"simulator only: {reason}")
                continue
            reason = scenario.skip_reason(version)
            if reason:
                yield ScenarioResult(self.name, scenario.name, target.name, SKIP, f"Odoo {version}: {reason}")
                continue
            started = time.perf_counter()
            try:
                outcome = play(scenario, version, endpoint.api) if own_simulator else play_on(scenario, endpoint)
            except Exception as exc:
                yield ScenarioResult(
                    self.name,
                    scenario.name,
                    target.name,
                    ERROR,
                    f"{type(exc).__name__}: {exc}",
                    seconds=time.perf_counter() - started,
                )
                continue
            status, detail = PASS, ""
            if outcome.failures:
                status, detail = FAIL, "\n".join(outcome.failures)
            elif version in scenario.degrades_on:
                status, detail = DEGRADED, scenario.degrades_on[version]
            yield ScenarioResult(
                self.name,
                scenario.name,
                target.name,
                status,
                detail,
                calls=outcome.calls,
                seconds=time.perf_counter() - started,
                latencies_ms=outcome.latencies_ms,
            )
