"""The terminal's report: the compatibility matrix, then one line per thing a reader must
not have to guess (why a scenario was skipped, why a degradation is expected, what failed)."""

from __future__ import annotations

from harness.report.tally import Tally
from harness.runner import DEGRADED, ERROR, FAIL, PASS, SKIP, RunResult, ScenarioResult
from harness.versions import validated_versions

SYMBOLS = {PASS: "pass", FAIL: "FAIL", DEGRADED: "degraded (expected)", ERROR: "ERROR", SKIP: "skipped"}


def matrix(run: RunResult) -> str:
    """Scenario rows by target columns (a column whose version the harness has not
    validated says so under its name), then the summary."""
    targets = run.targets()
    marks = {t: f"unvalidated version {v}" for t, v in run.unvalidated().items()}
    rows = run.rows()
    label_width = max([len(f"{s} / {n}") for s, n in rows] + [8])
    widths = [
        max([len(t), len(marks.get(t, "")), *(len(SYMBOLS[r.status]) for r in run.results if r.target == t)])
        for t in targets
    ]
    lines = ["  ".join([" " * label_width, *(t.ljust(w) for t, w in zip(targets, widths, strict=True))])]
    if marks:
        lines.append(
            "  ".join([" " * label_width, *(marks.get(t, "").ljust(w) for t, w in zip(targets, widths, strict=True))])
        )
    for suite, scenario in rows:
        cells = []
        for target, width in zip(targets, widths, strict=True):
            result = run.cell(suite, scenario, target)
            cells.append((SYMBOLS[result.status] if result else "-").ljust(width))
        lines.append("  ".join([f"{suite} / {scenario}".ljust(label_width), *cells]))
    return "\n".join([*lines, "", *summary(run)])


def summary(run: RunResult) -> list[str]:
    """The counts (a skip is never a pass), one line per skip with its reason, one per
    expected degradation with its reason, one per failure with its detail, the unvalidated
    versions, and whether anything ran at all."""
    lines = [Tally.of(run.results).line()]
    lines += [f"- skipped: {named(r)}: {r.detail}" for r in run.skipped()]
    lines += [f"- expected degradation: {named(r)}: {r.detail}" for r in run.results if r.status == DEGRADED]
    lines += [f"- {named(r)}: {r.detail}" for r in run.results if r.failed]
    return lines + unvalidated(run) + nothing_ran(run)


def named(result: ScenarioResult) -> str:
    """``target suite / scenario``, as every report names a result."""
    return f"{result.target} {result.suite} / {result.scenario}"


def unvalidated(run: RunResult) -> list[str]:
    """One line per target answering as a version the harness has not validated."""
    validated = ", ".join(validated_versions()) or "none"
    return [
        f"{target}: unvalidated version: Odoo {version} (validated: {validated}); its scenarios ran all the same"
        for target, version in run.unvalidated().items()
    ]


def nothing_ran(run: RunResult) -> list[str]:
    """Why the run or a target proves nothing: no scenario executed there."""
    idle = run.idle_targets()
    if not run.results or len(idle) == len(run.targets()):
        why = "every scenario was skipped" if run.results else "no scenario was selected"
        return [f"NOTHING RAN: {why}; this run proves nothing"]
    return [
        f"NOTHING RAN on {target}: every scenario was skipped"
        if any(r.target == target for r in run.results)
        else f"NOTHING RAN on {target}: no scenario was selected"
        for target in idle
    ]
