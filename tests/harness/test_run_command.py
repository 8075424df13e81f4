"""``odoo-harness run``: targets, suites, the matrix, JUnit and HTML reports, exit codes."""

from __future__ import annotations

import contextlib
import hashlib
import os
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from harness import runner
from harness.cli import main
from harness.report import matrix
from harness.runner import (
    DEGRADED,
    ERROR,
    FAIL,
    MODES,
    PASS,
    RunResult,
    ScenarioResult,
    run_suites,
    sharing_a_server,
)
from harness.targets import Target, TargetError, parse_target
from simulator.profile import available_versions


def test_default_run_is_green_on_every_version(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    junit, page = tmp_path / "junit.xml", tmp_path / "report.html"
    assert main(["run", "--junit", str(junit), "--html", str(page)]) == 0
    out = capsys.readouterr().out
    expected = [f"sim:{version}" for version in available_versions()] + ["sim:19.0+json2"]
    assert {"sim:16.0", "sim:17.0", "sim:18.0"} <= set(expected) and all(name in out for name in expected)
    assert "parity / analytic" in out and ", 0 failed, 1 skipped" in out
    suites = ET.parse(junit).getroot().findall("testsuite")
    assert [s.get("name") for s in suites] == expected
    assert all(s.get("failures") == "0" and int(s.get("tests")) >= 10 for s in suites)
    # only the JSON-2 column's parity (the corpus is XML-RPC) is skipped, with its reason
    assert [s.get("skipped") for s in suites] == ["0"] * (len(expected) - 1) + ["1"]
    assert "<table>" in page.read_text()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("sim:99.0", "no simulator for Odoo .99.0."),
        ("url:ftp://x", "must start with http://"),
        ("nowhere", "expected sim:VERSION"),
        ("box:17.0", "unknown kind .box."),
        ("container:15.0", "no validated Odoo .15.0."),
    ],
)
def test_bad_targets_are_named(text: str, message: str) -> None:
    with pytest.raises(TargetError, match=message):
        parse_target(text)


def test_bad_target_exits_2(capsys: pytest.CaptureFixture) -> None:
    assert main(["run", "--target", "sim:15.0"]) == 2
    assert "sim:15.0" in capsys.readouterr().err


def test_a_target_that_cannot_start_is_one_line_in_the_matrix(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path / 'no-docker.sock'}")
    assert main(["run", "--target", "container:17.0", "--suite", "plan-tagging"]) == 1
    out = capsys.readouterr().out
    assert "- container:17.0 (target) / start: container targets need a running Docker engine" in out
    assert "ContainerError" not in out and "DockerException" not in out


def test_unknown_suite_exits_2(capsys: pytest.CaptureFixture) -> None:
    assert main(["run", "--suite", "nope"]) == 2
    assert "unknown suite 'nope'" in capsys.readouterr().err


def test_url_target_needs_credentials_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ODOO_PASSWORD", raising=False)
    monkeypatch.setenv("ODOO_DB", "odoo")
    target = parse_target("url:http://127.0.0.1:1")
    with pytest.raises(TargetError, match="ODOO_PASSWORD"), target.start():
        pass


class _Broken:
    name = "broken"

    def run(self, target: Target, endpoint: object) -> list[ScenarioResult]:
        raise RuntimeError("suite exploded")


@pytest.mark.parametrize("mode", MODES)
def test_a_crashing_suite_is_an_error_row_not_a_crash(mode: str) -> None:
    outcome = run_suites([_Broken(), _Listing()], [parse_target("sim:17.0")], mode=mode)
    assert not outcome.ok
    assert [(r.suite, r.status) for r in outcome.results] == [("broken", "error"), ("listing", "pass")]
    assert "RuntimeError: suite exploded" in outcome.results[0].detail


class _Listing:
    """A suite that can be pickled: one result per scenario, naming the process it ran in."""

    name = "listing"

    def __init__(self, scenarios: tuple[str, ...] = ("a",)) -> None:
        self.scenarios = scenarios

    def run(self, target: Target, endpoint: object) -> Iterator[ScenarioResult]:
        for scenario in self.scenarios:
            yield ScenarioResult(self.name, scenario, target.name, PASS, f"pid {os.getpid()}")


class _Dies:
    """A child process that dies in the middle of a suite (as a segfault or the OOM killer would)."""

    name = "dies"

    def run(self, target: Target, endpoint: object) -> Iterator[ScenarioResult]:
        yield ScenarioResult(self.name, "before", target.name, PASS)
        if target.value == "16.0":
            os._exit(3)
        yield ScenarioResult(self.name, "after", target.name, PASS)


@pytest.fixture(params=["fork", "forkserver"])
def start_method(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Both ways children start: fork from the command line, a fork server where threads run."""
    monkeypatch.setattr(runner, "_start_method", lambda: request.param)
    return request.param


def test_targets_run_in_processes_of_their_own_results_in_order_progress_as_they_come(start_method: str) -> None:
    targets = [parse_target(f"sim:{version}") for version in ("16.0", "17.0", "18.0")]
    seen: list[ScenarioResult] = []
    outcome = run_suites([_Listing(("a", "b")), _Listing(("c",))], targets, progress=seen.append)
    assert outcome.ok and sorted(seen, key=repr) == sorted(outcome.results, key=repr)
    assert [(r.target, r.scenario) for r in outcome.results] == [
        (t.name, scenario) for t in targets for scenario in ("a", "b", "c")
    ]
    pids = {r.target: r.detail for r in outcome.results}
    assert len(set(pids.values())) == 3 and f"pid {os.getpid()}" not in pids.values()
    assert outcome.versions == {"sim:16.0": "16.0", "sim:17.0": "17.0", "sim:18.0": "18.0"}


def test_a_child_that_dies_leaves_an_error_row_and_the_others_run(start_method: str) -> None:
    targets = [parse_target("sim:16.0"), parse_target("sim:17.0")]
    seen: list[ScenarioResult] = []
    outcome = run_suites([_Dies()], targets, progress=seen.append)
    assert [(r.target, r.suite, r.scenario, r.status) for r in outcome.results] == [
        ("sim:16.0", "dies", "before", PASS),
        ("sim:16.0", "(target)", "run", ERROR),
        ("sim:17.0", "dies", "before", PASS),
        ("sim:17.0", "dies", "after", PASS),
    ]
    assert outcome.results[1].detail == "the process running it ended with exit code 3"
    assert len(seen) == 4 and not outcome.ok


class _Environment:
    """A suite that can be pickled, answering what the child's environment holds of one variable."""

    name = "environment"

    def run(self, target: Target, endpoint: object) -> Iterator[ScenarioResult]:
        yield ScenarioResult(self.name, "x", target.name, PASS, os.environ.get("ODOO_HARNESS_PROBE", "(unset)"))


def test_a_child_sees_the_environment_of_the_run_never_shown(
    start_method: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """url: targets read their secrets from the environment: a child has the parent's as it is when
    the run starts (not the one a fork server started with), and what carries it never shows them."""
    run_suites([_Listing()], [parse_target("sim:17.0")])  # a fork server, if any, is started by now
    monkeypatch.setenv("ODOO_HARNESS_PROBE", "s3cret")
    outcome = run_suites([_Environment()], [parse_target("sim:17.0")])
    assert [r.detail for r in outcome.results] == ["s3cret"]
    environ = runner.Environ({"ODOO_PASSWORD": "s3cret", "HOME": "/root"})
    assert repr(environ) == str(environ) == f"{environ}" == "<environment: 2 variables>"


def test_a_target_that_fails_to_start_in_a_child_is_its_error_row(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ODOO_PASSWORD", raising=False)
    monkeypatch.setenv("ODOO_DB", "odoo")
    outcome = run_suites([_Listing()], [parse_target("url:http://127.0.0.1:1"), parse_target("sim:17.0")])
    assert [(r.target, r.suite, r.status) for r in outcome.results] == [
        ("url:http://127.0.0.1:1", "(target)", ERROR),
        ("sim:17.0", "listing", PASS),
    ]
    assert "ODOO_PASSWORD" in outcome.results[0].detail
    assert outcome.versions == {"sim:17.0": "17.0"}


def test_at_most_jobs_processes_run_at_once(tmp_path: Path) -> None:
    targets = [parse_target(f"sim:{version}") for version in ("16.0", "17.0", "18.0")]
    outcome = run_suites([_Overlapping(tmp_path, anywhere=True)], targets, jobs=1)
    assert outcome.ok and all(r.detail == "alone" for r in outcome.results)


def test_an_unknown_mode_is_refused() -> None:
    with pytest.raises(ValueError, match="mode 'fibres': expected one of processes, threads"):
        run_suites([_Listing()], [parse_target("sim:17.0")], mode="fibres")


class _Overlap:
    """A suite noting how many runs of it are under way at once on each url."""

    name = "overlap"

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.running: dict[str, int] = {}
        self.most: dict[str, int] = {}
        self.entered = threading.Barrier(2, timeout=2)  # two targets at once, or a timeout

    def run(self, target: Target, endpoint: object) -> list[ScenarioResult]:
        with self.lock:
            self.running[target.value] = self.running.get(target.value, 0) + 1
            self.most[target.value] = max(self.most.get(target.value, 0), self.running[target.value])
        with contextlib.suppress(threading.BrokenBarrierError):
            self.entered.wait()  # a second target running now would meet this one here
        with self.lock:
            self.running[target.value] -= 1
        return [ScenarioResult(self.name, "x", target.name, PASS)]


def test_targets_sharing_a_server_run_one_after_another(odoo17, monkeypatch: pytest.MonkeyPatch) -> None:
    """Both wires of one url: target use one database: their scenarios (and the parity
    conversation) must not run at the same time there. Other targets still run side by side."""
    monkeypatch.setenv("ODOO_DB", "odoo")
    monkeypatch.setenv("ODOO_PASSWORD", "admin")
    monkeypatch.setenv("ODOO_API_KEY", "k" * 40)
    url = parse_target(f"url:{odoo17.url}")
    targets = [url, replace(url, api="json2"), parse_target("sim:17.0")]
    assert sharing_a_server(targets) == [targets[:2], targets[2:]]
    suite = _Overlap()
    outcome = run_suites([suite], targets, mode="threads")
    assert [r.target for r in outcome.results] == [t.name for t in targets]
    assert suite.most[url.value] == 1


class _Overlapping:
    """A suite that can be pickled, saying whether another run of it was under way on the same
    server (or with ``anywhere``, on any) while it ran: each run leaves a marker file in the
    server's folder and looks there for another's for a while."""

    name = "overlapping"

    def __init__(self, folder: Path, anywhere: bool = False) -> None:
        self.folder, self.anywhere = folder, anywhere

    def run(self, target: Target, endpoint: object) -> Iterator[ScenarioResult]:
        server = self.folder / ("any" if self.anywhere else hashlib.sha256(target.value.encode()).hexdigest())
        server.mkdir(exist_ok=True)
        mine = server / hashlib.sha256(target.name.encode()).hexdigest()
        mine.touch()
        deadline = time.monotonic() + 3  # longer than another process takes to start, even here
        while time.monotonic() < deadline and len(list(server.iterdir())) == 1:
            time.sleep(0.05)
        alone = len(list(server.iterdir())) == 1
        mine.unlink()
        yield ScenarioResult(self.name, "x", target.name, PASS if alone else FAIL, "alone" if alone else "overlapped")


def test_targets_sharing_a_server_run_one_after_another_in_processes(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Both wires of one url: target (a 19.0, which serves both) in one process, one after the other."""
    from simulator.app import SimulatorApp
    from simulator.server import SimServer

    app = SimulatorApp("19.0")
    monkeypatch.setenv("ODOO_DB", "odoo")
    monkeypatch.setenv("ODOO_PASSWORD", "admin")
    monkeypatch.setenv("ODOO_API_KEY", app.issue_api_key("admin"))
    with SimServer(app) as server:
        url = parse_target(f"url:{server.url}")
        targets = [url, replace(url, api="json2"), parse_target("sim:17.0")]
        outcome = run_suites([_Overlapping(tmp_path)], targets)
    assert [(r.target, r.detail) for r in outcome.results] == [(t.name, "alone") for t in targets]


def test_matrix_shows_degradations_as_expected_not_hidden() -> None:
    run = RunResult(
        [
            ScenarioResult("s", "a", "sim:16.0", DEGRADED, "one axis only"),
            ScenarioResult("s", "a", "sim:17.0", PASS),
            ScenarioResult("s", "b", "sim:17.0", FAIL, "boom"),
        ]
    )
    text = matrix(run)
    assert "degraded (expected)" in text and "FAIL" in text
    assert "1 passed, 1 failed, 0 skipped, 1 expected degradations" in text
    assert not run.ok


def test_scenarios_on_a_url_target_read_odoo_back(odoo17, monkeypatch: pytest.MonkeyPatch) -> None:
    """A url: target (here a simulator reached only over XML-RPC, as a real server would
    be): faults are injected by the fault proxy in front of it, scenarios that need the
    simulator itself are skipped with their reason, and the invariants are read back."""
    monkeypatch.setenv("ODOO_DB", "odoo")
    monkeypatch.setenv("ODOO_PASSWORD", "admin")
    from harness.scenarios.suite import ScenarioSuite

    outcome = run_suites(
        [ScenarioSuite(name) for name in ("forbidden-models", "idempotent-retries", "health-transitions")],
        [parse_target(f"url:{odoo17.url}")],
    )
    statuses = {r.scenario: (r.status, r.detail) for r in outcome.results}
    assert statuses["partner-write-refused"] == ("pass", "")
    assert all(
        status == ("pass", "")
        for name, status in statuses.items()
        if name in {s.name for _path, s in ScenarioSuite("idempotent-retries").scenarios}
    )
    assert statuses["outage-one-hour"] == ("pass", "")  # resets injected by the proxy: red, alert, recovery
    assert statuses["rotated-password"] == ("skipped", "simulator only: changes the password behind the engine's back")
    assert outcome.ok


def test_a_fresh_real_target_gets_analytic_accounting_switched_on() -> None:
    from harness.scenarios.execute import play_on
    from harness.scenarios.model import SCENARIOS_DIR, load_scenario
    from harness.targets import Endpoint
    from simulator.app import SimulatorApp
    from simulator.server import SimServer

    with SimServer(SimulatorApp("18.0", fresh=True)) as server:  # analytic off, as after install
        scenario = load_scenario(SCENARIOS_DIR / "plan-tagging/bills-tagged-per-plan.yaml")
        outcome = play_on(scenario, Endpoint(server.url, "odoo", "admin", "admin"))
    assert outcome.failures == [] and outcome.calls > 0


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("http://admin:s3cret@127.0.0.1:8069", "http://127.0.0.1:8069"),
        ("https://user@odoo.example/", "https://odoo.example/"),
        ("http://u:p@[::1]:8069/x", "http://[::1]:8069/x"),
        ("http://127.0.0.1:8069", "http://127.0.0.1:8069"),
    ],
)
def test_a_url_target_is_never_shown_with_its_credentials(url: str, shown: str) -> None:
    """Credentials in a url: target are refused (they would show in ``ps``), named without them."""
    from harness.targets import public_url

    assert public_url(url) == shown
    if url == shown:
        assert parse_target(f"url:{url}").name == f"url:{shown}"
        return
    with pytest.raises(TargetError, match="ODOO_PASSWORD") as refused:
        parse_target(f"url:{url}")
    assert f"url:{shown}" in str(refused.value) and "s3cret" not in str(refused.value)


def test_a_bad_url_target_is_named_without_its_credentials() -> None:
    with pytest.raises(TargetError) as caught:
        parse_target("url:ftp://u:s3cret@host")
    assert "s3cret" not in str(caught.value) and "url:ftp://host" in str(caught.value)
