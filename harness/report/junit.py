"""The run as JUnit XML, for CI: one testsuite per target, one testcase per scenario."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from harness.runner import DEGRADED, ERROR, FAIL, SKIP, RunResult


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
