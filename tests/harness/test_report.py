"""The run's reports when something fails: the terminal summary says why, and the HTML page,
opened in a real browser (Debian's chromium), is readable: counts per target and suite,
failures wrapped and expandable, skip and degradation reasons on the page, latency charts
with axes, units, a legend and p50/p95. Screenshots are kept under ``artifacts/screenshots``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By

from harness.report import matrix, write_html
from harness.report.latency import percentile
from harness.runner import DEGRADED, FAIL, PASS, SKIP, RunResult, ScenarioResult, run_suites
from harness.scenarios.suite import ScenarioSuite
from harness.targets import parse_target
from tests.support.browser import chromium, screenshot

DEGRADES = "Odoo 16 has one analytic column; per donor category and per budget line actuals are not available"
SKIPPED = "covered by the 17.0 integration job"
#: a failure as the invariants and the runner write them: several lines, one of them 500 characters with no space
LONG_LINE = "records=" + ",".join(f"account.analytic.account({n})" for n in range(1000))[:492]
FAILURE = "\n".join(
    [
        "invariant broken: duplicate analytic account for key acme/P1/1.1",
        "Traceback (most recent call last):",
        '  File "harness/engine/sync.py", line 212, in _push',
        "    ids = self.client.execute_kw('account.analytic.account', 'create', [values])",
        LONG_LINE,
        "xmlrpc.client.Fault: <Fault 2: 'duplicate key value violates unique constraint'>",
    ]
)


@pytest.fixture(scope="module")
def run() -> RunResult:
    """A real run (one 16.0 degradation, a 17.0 pass and a 17.0 skip, with their latencies) plus
    one failure of the kind a broken invariant gives, with a traceback-like detail."""
    suite = ScenarioSuite("version-compat")
    path, axis = next((p, s) for p, s in suite.scenarios if s.name == "single-axis-actuals")
    elsewhere = axis.model_copy(update={"name": "single-axis-elsewhere", "skip_on": {"17.0": SKIPPED}})
    suite.scenarios = [(path, axis), (path, elsewhere)]
    outcome = run_suites([suite], [parse_target("sim:16.0"), parse_target("sim:17.0")])
    outcome.results.append(
        ScenarioResult("idempotent-retries", "lost-create", "sim:17.0", FAIL, FAILURE, 4, 0.2, [3.0, 5.0, 40.0, 900.0])
    )
    return outcome


@pytest.fixture(scope="module")
def page(run: RunResult, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("report") / "run.html"
    write_html(run, path)
    return path


@pytest.fixture(scope="module")
def browser() -> Iterator:
    yield from chromium()


def test_the_real_run_is_what_the_page_is_tested_on(run: RunResult) -> None:
    statuses = {(r.target, r.scenario): r.status for r in run.results}
    assert statuses == {
        ("sim:16.0", "single-axis-actuals"): DEGRADED,
        ("sim:16.0", "single-axis-elsewhere"): DEGRADED,
        ("sim:17.0", "single-axis-actuals"): PASS,
        ("sim:17.0", "single-axis-elsewhere"): SKIP,
        ("sim:17.0", "lost-create"): FAIL,
    }
    assert all(r.latencies_ms for r in run.results if r.status in (PASS, DEGRADED))


def test_the_terminal_summary_says_why_each_degradation_is_expected() -> None:
    text = matrix(
        RunResult(
            [
                ScenarioResult("version-compat", "single-axis-actuals", "sim:16.0", DEGRADED, DEGRADES),
                ScenarioResult("version-compat", "single-axis-actuals", "sim:17.0", PASS),
            ]
        )
    )
    assert "1 passed, 0 failed, 0 skipped, 1 expected degradations" in text
    assert f"- expected degradation: sim:16.0 version-compat / single-axis-actuals: {DEGRADES}" in text


@pytest.mark.parametrize(
    ("values", "p50", "p95"),
    [([7.0], 7.0, 7.0), ([float(n) for n in range(100, 0, -1)], 50.0, 95.0), ([1.0, 2.0, 3.0, 1000.0], 2.0, 1000.0)],
)
def test_percentiles_are_observed_latencies_nearest_rank(values: list[float], p50: float, p95: float) -> None:
    assert (percentile(values, 50), percentile(values, 95)) == (p50, p95)


def test_counts_per_target_and_per_suite(browser, page: Path) -> None:
    browser.get(page.as_uri())
    by_target = _table(browser, "by-target")
    assert by_target["sim:16.0"][:5] == ["16.0", "0", "0", "0", "2"]
    assert by_target["sim:17.0"][:5] == ["17.0", "1", "1", "1", "0"]
    by_suite = _table(browser, "by-suite")
    assert by_suite["version-compat sim:16.0"][:4] == ["0", "0", "0", "2"]
    assert by_suite["version-compat sim:17.0"][:4] == ["1", "0", "1", "0"]
    assert by_suite["idempotent-retries sim:17.0"][:4] == ["0", "1", "0", "0"]


def test_a_failure_is_wrapped_and_expands(browser, page: Path) -> None:
    browser.get(page.as_uri())
    failure = browser.find_element(By.CSS_SELECTOR, "#failures details")
    detail = failure.find_element(By.CSS_SELECTOR, "pre")
    assert failure.get_attribute("open") is None and not detail.is_displayed()
    failure.find_element(By.TAG_NAME, "summary").click()
    assert failure.get_attribute("open") is not None and detail.is_displayed()
    assert LONG_LINE in detail.text.replace("\n", "")  # whole, wrapped rather than cut
    for element in (detail, failure.find_element(By.TAG_NAME, "summary")):
        assert _overflow(browser, element) <= 0
    assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(browser, "report-failure-expanded")


def test_skip_and_degradation_reasons_are_text_on_the_page(browser, page: Path) -> None:
    browser.get(page.as_uri())
    skipped = browser.find_elements(By.CSS_SELECTOR, "#skipped li")
    degraded = browser.find_elements(By.CSS_SELECTOR, "#degradations li")
    assert [item.text for item in skipped] == [f"sim:17.0 version-compat / single-axis-elsewhere: Odoo 17.0: {SKIPPED}"]
    assert [item.text for item in degraded] == [
        f"sim:16.0 version-compat / {name}: {DEGRADES}" for name in ("single-axis-actuals", "single-axis-elsewhere")
    ]
    assert all(item.is_displayed() for item in skipped + degraded)
    screenshot(browser, "report-overview")


def test_latency_charts_have_axes_units_a_legend_and_percentiles(browser, page: Path, run: RunResult) -> None:
    browser.get(page.as_uri())
    charts = browser.find_elements(By.CSS_SELECTOR, "#latency svg")
    assert len(charts) == 3  # the targets side by side, then one per target by suite
    for chart in charts:
        texts = [t.text for t in chart.find_elements(By.CSS_SELECTOR, "text")]
        assert "latency (ms)" in texts  # the y axis and its unit
        assert {"p50", "p95"} <= set(texts)  # the legend
        assert len(chart.find_elements(By.CSS_SELECTOR, ".axis.y .guides")) >= 2  # a scale with ticks
    assert {"sim:16.0", "sim:17.0"} <= {t.text for t in charts[0].find_elements(By.CSS_SELECTOR, ".axis.x text")}
    by_target = _table(browser, "by-target")
    for target in ("sim:16.0", "sim:17.0"):
        values = [v for r in run.results if r.target == target for v in r.latencies_ms]
        calls, p50, p95 = by_target[target][5:8]
        assert (calls, p50, p95) == (str(len(values)), f"{percentile(values, 50):.1f}", f"{percentile(values, 95):.1f}")
    # self-contained: nothing fetched, no script (the page works offline, under a strict policy)
    assert browser.execute_script("return performance.getEntriesByType('resource').length") == 0
    assert browser.find_elements(By.TAG_NAME, "script") == []
    screenshot(browser, "report-latency")


def test_nothing_ran_and_unvalidated_versions_lead_the_page(browser, tmp_path: Path) -> None:
    target = "url:http://127.0.0.1:8020"
    idle = RunResult(
        [ScenarioResult("plan-tagging", "a", target, SKIP, "simulator only: drops a database")], {target: "20.0"}
    )
    write_html(idle, tmp_path / "idle.html")
    browser.get((tmp_path / "idle.html").as_uri())
    verdict = browser.find_element(By.ID, "verdict")
    assert verdict.is_displayed()
    assert "NOTHING RAN: every scenario was skipped; this run proves nothing" in verdict.text
    assert f"{target}: unvalidated version: Odoo 20.0" in verdict.text
    version = _table(browser, "by-target")[target][0]
    assert version.startswith("20.0") and "unvalidated version" in version
    screenshot(browser, "report-nothing-ran")


def _table(browser, table_id: str) -> dict[str, list[str]]:
    """A table's rows by the text of their header cells (joined by a space), with their data cells' texts."""
    rows = {}
    for row in browser.find_elements(By.CSS_SELECTOR, f"#{table_id} tbody tr"):
        heads = [cell.text for cell in row.find_elements(By.TAG_NAME, "th")]
        rows[" ".join(heads)] = [cell.text for cell in row.find_elements(By.TAG_NAME, "td")]
    return rows


def _overflow(browser, element) -> int:
    """How many pixels an element's content runs past its box, across (0 or less: none)."""
    return browser.execute_script("return arguments[0].scrollWidth - arguments[0].clientWidth", element)
