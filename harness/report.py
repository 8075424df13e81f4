"""Reports of a run: the compatibility matrix on the terminal, JUnit XML for CI, an HTML page.

All three say the same things: what was skipped and why (never as a pass), which
targets answer as a version the harness has not validated, and when nothing ran.
"""

from __future__ import annotations

import html
import math
import xml.etree.ElementTree as ET
from pathlib import Path

from harness.runner import DEGRADED, ERROR, FAIL, PASS, SKIP, RunResult
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
    failure with its detail, the unvalidated versions, and whether anything ran at all."""
    failures = [r for r in run.results if r.failed]
    skipped = run.skipped()
    passed = sum(r.status == PASS for r in run.results)
    degraded = sum(r.status == DEGRADED for r in run.results)
    lines = [
        f"{passed} passed, {len(failures)} failed, {len(skipped)} skipped"
        + (f", {degraded} expected degradations" if degraded else "")
    ]
    lines += [f"- skipped: {r.target} {r.suite} / {r.scenario}: {r.detail}" for r in skipped]
    lines += [f"- {r.target} {r.suite} / {r.scenario}: {r.detail}" for r in failures]
    validated = ", ".join(validated_versions()) or "none"
    lines += [
        f"{target}: unvalidated version: Odoo {version} (validated: {validated}); its scenarios ran all the same"
        for target, version in run.unvalidated().items()
    ]
    return lines + nothing_ran(run)


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


def write_junit(run: RunResult, path: Path) -> None:
    """One testsuite per target, one testcase per scenario (degradations are passes
    with a property, so CI does not hide them; skips are ``<skipped>`` with their reason,
    never passes; a target on a version the harness has not validated says so)."""
    root = ET.Element("testsuites", name="odoo-harness")
    unvalidated = run.unvalidated()
    for target in run.targets():
        results = [r for r in run.results if r.target == target]
        suite = ET.SubElement(
            root,
            "testsuite",
            name=target,
            tests=str(len(results)),
            failures=str(sum(r.status == FAIL for r in results)),
            errors=str(sum(r.status == ERROR for r in results)),
            skipped=str(sum(r.status == SKIP for r in results)),
            time=f"{sum(r.seconds for r in results):.3f}",
        )
        if target in unvalidated:
            props = ET.SubElement(suite, "properties")
            ET.SubElement(props, "property", name="unvalidated_version", value=unvalidated[target])
        for result in results:
            case = ET.SubElement(
                suite,
                "testcase",
                classname=f"{target}.{result.suite}",
                name=result.scenario,
                time=f"{result.seconds:.3f}",
            )
            if result.status in (FAIL, ERROR):
                ET.SubElement(
                    case, "failure" if result.status == FAIL else "error", message=result.detail[:500]
                ).text = result.detail
            elif result.status == SKIP:
                ET.SubElement(case, "skipped", message=result.detail)
            elif result.status == DEGRADED:
                props = ET.SubElement(case, "properties")
                ET.SubElement(props, "property", name="degradation", value=result.detail)
    path.parent.mkdir(parents=True, exist_ok=True)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)


def write_html(run: RunResult, path: Path) -> None:
    """A self-contained page: the matrix (details on hover), then per target a chart of
    every engine call's latency, scenario by scenario."""
    targets = run.targets()
    marks = {t: f"unvalidated version {v}" for t, v in run.unvalidated().items()}
    head = "".join(
        f"<th>{html.escape(t)}"
        + (f'<br><span class="unvalidated">{html.escape(marks[t])}</span>' if t in marks else "")
        + "</th>"
        for t in targets
    )
    body = []
    for suite, scenario in run.rows():
        cells = []
        for target in targets:
            result = run.cell(suite, scenario, target)
            status = result.status if result else "-"
            title = html.escape(result.detail if result else "")
            css = status.split()[0] if result else "none"
            cells.append(f'<td class="{css}" title="{title}">{html.escape(SYMBOLS.get(status, status))}</td>')
        body.append(f"<tr><th>{html.escape(suite)} / {html.escape(scenario)}</th>{''.join(cells)}</tr>")
    charts = "".join(_latency_chart(run, target) for target in targets)
    lines = html.escape("\n".join(summary(run)))
    page = f"""<!doctype html><html><head><meta charset="utf-8"><title>odoo-harness run</title>
<style>body{{font-family:sans-serif;margin:2em}}td,th{{padding:3px 9px;border:1px solid #ccc;font-size:13px}}
th{{text-align:left}}.pass{{background:#dfd}}.fail,.error{{background:#fdd}}.expected{{background:#ffd}}
.skipped{{background:#eee}}.unvalidated{{color:#a50;font-weight:normal}}
svg{{border:1px solid #ccc;margin:6px 0}}</style></head>
<body><h1>odoo-harness: compatibility matrix</h1><table><tr><th></th>{head}</tr>{"".join(body)}</table>
<pre>{lines}</pre><h2>Per-call latency of the engine (ms)</h2>{charts}</body></html>"""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")


def _latency_chart(run: RunResult, target: str, width: int = 900, height: int = 160) -> str:
    """One dot per call in run order, scenarios separated by faint bands (inline SVG); a
    logarithmic scale keeps both 1 ms reads and multi-second faults readable."""
    results = [r for r in run.results if r.target == target and r.latencies_ms]
    values = [v for r in results for v in r.latencies_ms]
    if not values:
        return ""
    top = max(max(values), 1.0)
    step = width / max(len(values), 1)
    parts, x = [], 0.0
    for index, result in enumerate(results):
        span = step * len(result.latencies_ms)
        shade = "#f4f4f4" if index % 2 else "#ffffff"
        label = html.escape(f"{result.suite} / {result.scenario}: {len(result.latencies_ms)} calls")
        parts.append(
            f'<rect x="{x:.1f}" y="0" width="{span:.1f}" height="{height}" fill="{shade}"><title>{label}</title></rect>'
        )
        for offset, value in enumerate(result.latencies_ms):
            cy = height - 4 - (height - 8) * math.log1p(value) / math.log1p(top)
            parts.append(
                f'<circle cx="{x + step * (offset + 0.5):.1f}" cy="{cy:.1f}" r="1.6" fill="#1f6fb2">'
                f"<title>{value:.1f} ms</title></circle>"
            )
        x += span
    return (
        f"<h3>{html.escape(target)}: {len(values)} calls, max {top:.1f} ms (log scale)</h3>"
        f'<svg width="{width}" height="{height}" viewBox="0 0 {width} {height}">{"".join(parts)}</svg>'
    )
