"""The run as one self-contained HTML page (``run --html``), readable when something failed.

The verdict leads (NOTHING RAN and unvalidated versions included), then the counts per target
and per suite, the matrix, every failure in a ``<details>`` whose text wraps, the reasons for
skips and expected degradations as text, and the latency charts with p50/p95. No script and no
fetch: the page carries a policy forbidding both, and works offline.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from harness.report.latency import Latency, chart
from harness.report.tally import Tally
from harness.report.text import SYMBOLS, named, nothing_ran, unvalidated
from harness.runner import DEGRADED, PASS, SKIP, RunResult, ScenarioResult

TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(default=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
#: how much of a failure's first line its ``<summary>`` shows (the whole text is one click away)
HEADLINE = 160


@dataclass
class Group:
    """Results counted together: a target's, or a suite's on a target."""

    results: list[ScenarioResult]

    @cached_property
    def tally(self) -> Tally:
        return Tally.of(self.results)

    @cached_property
    def latency(self) -> Latency | None:
        return Latency.of(self.results)


@dataclass(frozen=True)
class Entry:
    """One result the page explains (a failure, a skip, a degradation), and the matrix links to."""

    anchor: str
    result: ScenarioResult

    @property
    def name(self) -> str:
        return named(self.result)

    @property
    def symbol(self) -> str:
        return SYMBOLS[self.result.status]

    @property
    def css(self) -> str:
        """The cell's class: pass, fail, error, expected or skipped."""
        return self.result.status.split()[0]

    @property
    def headline(self) -> str:
        first = self.result.detail.split("\n", 1)[0]
        return first if len(first) <= HEADLINE else first[: HEADLINE - 1] + "…"


def write_html(run: RunResult, path: Path) -> None:
    """Render the page for ``run`` to ``path`` (its folder made if missing)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(TEMPLATES.get_template("report.html").render(_view(run)), encoding="utf-8")


def _view(run: RunResult) -> dict:
    """What the template shows, computed here so that the template only lays it out."""
    targets = run.targets()
    entries = {(r.suite, r.scenario, r.target): Entry(f"r{n}", r) for n, r in enumerate(run.results)}
    by_target = {t: Group([r for r in run.results if r.target == t]) for t in targets}
    by_suite = {
        (suite, target): Group(results)
        for suite in dict.fromkeys(r.suite for r in run.results)
        for target in targets
        if (results := [r for r in run.results if (r.suite, r.target) == (suite, target)])
    }
    failed = any(r.failed for r in run.results)
    return {
        "verdict": "FAILED" if failed else ("PASSED" if run.ok else "NOTHING RAN"),
        "counts": Tally.of(run.results).line(),
        "warnings": unvalidated(run) + nothing_ran(run),
        "versions": run.versions,
        "unvalidated": run.unvalidated(),
        "targets": targets,
        "by_target": by_target,
        "by_suite": by_suite,
        "rows": [
            (suite, scenario, [entries.get((suite, scenario, t)) for t in targets]) for suite, scenario in run.rows()
        ],
        "failures": [e for e in entries.values() if e.result.failed],
        "skipped": [e for e in entries.values() if e.result.status == SKIP],
        "degradations": [e for e in entries.values() if e.result.status == DEGRADED],
        "charts": _charts(by_target, by_suite),
        "PASS": PASS,
    }


def _charts(by_target: dict[str, Group], by_suite: dict[tuple[str, str], Group]) -> list[Markup]:
    """The targets side by side, then each target's suites (only what made engine calls)."""
    figures = {target: group.latency for target, group in by_target.items() if group.latency}
    if not figures:
        return []
    charts = [chart("Engine calls per target: p50, p95 and max (log scale)", "target", figures)]
    for target in figures:
        suites = {suite: group.latency for (suite, t), group in by_suite.items() if t == target and group.latency}
        charts.append(chart(f"{target}: engine calls per suite (log scale)", "suite", suites))
    return charts
