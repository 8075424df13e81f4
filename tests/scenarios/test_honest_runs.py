"""Honest runs: a scenario runs on every version from its ``min_version`` on (also on a
version the harness has not validated, which every report then marks), every skip carries
its reason into the summary and JUnit, and a run (or a target) where nothing ran is red."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
import xmlrpc.client
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from harness import cli
from harness.cli import main
from harness.report import matrix, write_junit
from harness.runner import PASS, SKIP, RunResult, ScenarioResult
from harness.scenarios import suite as suite_module
from harness.scenarios.model import ScenarioError, load_scenario, load_suite
from simulator.app import SimulatorApp
from simulator.server import LoopbackServer, SocketGateway

#: what a real Odoo of a version nobody has validated would answer to common.version()
ODOO_20 = {
    "server_version": "20.0",
    "server_version_info": [20, 0, 0, "final", 0, ""],
    "server_serie": "20.0",
    "protocol_version": 1,
}


class AnswersAs:
    """WSGI middleware: the simulator, except that XML-RPC ``common.version()`` answers
    ``info``. That one answer is all the harness and the engine learn a version from, so
    this is a server of an unvalidated Odoo without a simulator profile for it."""

    def __init__(self, app: SimulatorApp, info: dict[str, Any]) -> None:
        self.app, self.info = app, info

    def __call__(self, environ: dict, start_response: Callable) -> Any:
        if environ.get("PATH_INFO") in ("/xmlrpc/2/common", "/xmlrpc/common") and environ["REQUEST_METHOD"] == "POST":
            body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
            if xmlrpc.client.loads(body)[1] == "version":
                answer = xmlrpc.client.dumps((self.info,), methodresponse=True).encode()
                start_response("200 OK", [("Content-Type", "text/xml"), ("Content-Length", str(len(answer)))])
                return [answer]
            environ["wsgi.input"] = io.BytesIO(body)
        return self.app(environ, start_response)


@pytest.fixture
def odoo20(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The URL of an "Odoo 20.0" (an 18.0 simulator answering as 20.0), with the
    credentials a url: target reads from the environment."""
    monkeypatch.setenv("ODOO_DB", "odoo")
    monkeypatch.setenv("ODOO_PASSWORD", "admin")
    with LoopbackServer(AnswersAs(SimulatorApp("18.0"), ODOO_20), "odoo-20", gateway=SocketGateway) as server:
        yield server.url


def test_the_fake_server_answers_as_20(odoo20: str) -> None:
    assert xmlrpc.client.ServerProxy(f"{odoo20}/xmlrpc/2/common").version()["server_serie"] == "20.0"


def test_an_unvalidated_version_runs_every_scenario_and_every_report_says_so(
    odoo20: str, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    junit, page = tmp_path / "junit.xml", tmp_path / "run.html"
    code = main(
        ["run", "--target", f"url:{odoo20}", "--suite", "plan-tagging", "--junit", str(junit), "--html", str(page)]
    )
    out = capsys.readouterr().out
    names = sorted(scenario.name for _path, scenario in load_suite("plan-tagging"))
    assert code == 0, out
    assert "unvalidated version 20.0" in out.split("\n")[1]  # under the target's name in the matrix
    assert f"{len(names)} passed, 0 failed, 0 skipped" in out
    assert "unvalidated version: Odoo 20.0" in out
    testsuite = ET.parse(junit).getroot().find("testsuite")
    assert {p.get("name"): p.get("value") for p in testsuite.iter("property")} == {"unvalidated_version": "20.0"}
    cases = testsuite.findall("testcase")
    assert sorted(case.get("name") for case in cases) == names
    assert testsuite.get("skipped") == "0" and not testsuite.findall(".//skipped")
    assert not testsuite.findall(".//failure") and not testsuite.findall(".//error")
    assert all(float(case.get("time")) > 0 for case in cases)  # each one really played
    assert "unvalidated version 20.0" in page.read_text()


# -- skips: counted, listed with their reason, never a pass -------------------------------------

SCENARIO = """
name: {name}
description: a first sync
{versions}
grants:
  tenant: acme
  projects:
    - {{id: P1, name: Demo, donor: EU, budget_lines: [{{id: "1.1", name: Staff, category: HR, amount: 10}}]}}
steps:
  - sync: {{expect: {{ok: true, created: 7}}}}
"""


@pytest.fixture
def demo_suite(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., None]:
    """``demo_suite(name=versions_yaml, ...)``: a suite "demo" of such scenarios for ``run --suite demo``."""
    root = tmp_path / "scenarios"
    (root / "demo").mkdir(parents=True)
    monkeypatch.setitem(cli.SUITES, "demo", "demo")
    monkeypatch.setattr(suite_module, "load_suite", lambda name: load_suite(name, root))

    def make(**scenarios: str) -> None:
        for name, versions in scenarios.items():
            (root / "demo" / f"{name}.yaml").write_text(SCENARIO.format(name=name, versions=versions))

    return make


def test_a_run_where_everything_was_skipped_is_red_with_the_reasons(
    demo_suite: Callable[..., None], tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    demo_suite(later='min_version: "99.0"', elsewhere='skip_on: {"17.0": "covered by the 17.0 integration job"}')
    junit = tmp_path / "junit.xml"
    assert main(["run", "--suite", "demo", "--target", "sim:17.0", "--junit", str(junit)]) == 1
    out, err = capsys.readouterr()
    assert "0 passed, 0 failed, 2 skipped" in out
    assert "- skipped: sim:17.0 demo / elsewhere: Odoo 17.0: covered by the 17.0 integration job" in out
    assert "- skipped: sim:17.0 demo / later: Odoo 17.0: needs Odoo 99.0 or later" in out
    assert "NOTHING RAN: every scenario was skipped" in out and "NOTHING RAN" in err
    testsuite = ET.parse(junit).getroot().find("testsuite")
    assert testsuite.get("skipped") == "2"
    assert {case.get("name"): case.find("skipped").get("message") for case in testsuite.findall("testcase")} == {
        "elsewhere": "Odoo 17.0: covered by the 17.0 integration job",
        "later": "Odoo 17.0: needs Odoo 99.0 or later",
    }


def test_a_target_on_which_everything_was_skipped_makes_the_run_red(
    demo_suite: Callable[..., None], capsys: pytest.CaptureFixture
) -> None:
    demo_suite(elsewhere='skip_on: {"17.0": "covered by the 17.0 integration job"}')
    assert main(["run", "--suite", "demo", "--target", "sim:16.0", "--target", "sim:17.0"]) == 1
    out = capsys.readouterr().out
    assert "1 passed, 0 failed, 1 skipped" in out
    assert "NOTHING RAN on sim:17.0: every scenario was skipped" in out and "sim:16.0: every" not in out


def test_a_run_with_no_scenario_is_red(demo_suite: Callable[..., None], capsys: pytest.CaptureFixture) -> None:
    demo_suite()  # an empty suite
    assert main(["run", "--suite", "demo", "--target", "sim:17.0"]) == 1
    assert "NOTHING RAN: no scenario was selected" in capsys.readouterr().out


def test_a_skip_is_never_a_pass(tmp_path: Path) -> None:
    skip = ScenarioResult("s", "a", "sim:17.0", SKIP, "simulator only: drops a database")
    run = RunResult([ScenarioResult("s", "b", "sim:17.0", PASS), skip], {"sim:17.0": "17.0"})
    assert not skip.ok and not skip.failed and run.ok  # something ran, nothing failed
    text = matrix(run)
    assert "1 passed, 0 failed, 1 skipped" in text
    assert "- skipped: sim:17.0 s / a: simulator only: drops a database" in text
    assert not RunResult([skip], {"sim:17.0": "17.0"}).ok
    write_junit(run, tmp_path / "j.xml")
    assert ET.parse(tmp_path / "j.xml").find(".//skipped").get("message") == "simulator only: drops a database"


# -- the scenario file: min_version and skip_on, validated with file, line and field -----------


@pytest.mark.parametrize(
    ("versions", "line", "message"),
    [
        ('min_version: "sixteen"', 4, "min_version: 'sixteen' is not an Odoo version like '17.0' or 'saas~18.2'"),
        ('min_version: "15.0"', 4, "min_version: 15.0 is below 16.0, the lowest version the harness supports"),
        ("min_version: 17.0", 4, 'min_version: write the version 17.0 as a string: "17.0"'),
        ('skip_on: {"17.0": ""}', 4, "skip_on: skipping 17.0 needs a reason"),
        ('skip_on: {"17.0":}', 4, "skip_on.17.0: Input should be a valid string"),
        ('skip_on: ["17.0"]', 4, "skip_on: Input should be a valid dictionary"),
        ('versions: ["17.0"]', 4, "versions: replaced by min_version (default 16.0) and skip_on: {VERSION: reason}"),
    ],
)
def test_bad_version_fields_fail_at_load(tmp_path: Path, versions: str, line: int, message: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(SCENARIO.format(name="bad", versions=versions))
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert f"{path}:{line}: {message}" in str(caught.value)


def test_a_scenario_runs_from_its_min_version_on_including_versions_not_yet_known(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(SCENARIO.format(name="s", versions='min_version: "17.0"\nskip_on: {"saas~18.2": "why"}'))
    scenario = load_scenario(path)
    assert scenario.skip_reason("16.0") == "needs Odoo 17.0 or later"
    assert scenario.skip_reason("saas~18.2") == "why"
    assert [scenario.skip_reason(v) for v in ("17.0", "18.0", "19.0", "20.0", "100.0")] == [None] * 5
    path.write_text(SCENARIO.format(name="s", versions=""))
    assert all(load_scenario(path).skip_reason(v) is None for v in ("16.0", "19.0", "20.0"))


PLUGIN_SCENARIO = SCENARIO.format(name="demo", versions='min_version: "17.0"\nskip_on: {"18.0": "not on 18"}')


def test_the_plugin_shows_skipped_versions_with_their_reason(pytester: pytest.Pytester) -> None:
    pytester.makefile(".yaml", **{"scenarios/demo/first": PLUGIN_SCENARIO})
    result = pytester.runpytest("-q", "-rs", "--odoo-version", "16.0", "--odoo-version", "18.0", "scenarios")
    result.assert_outcomes(skipped=2)
    result.stdout.fnmatch_lines(["*Odoo 16.0: needs Odoo 17.0 or later*", "*Odoo 18.0: not on 18*"])


def test_the_plugin_collects_every_simulated_version_by_default(pytester: pytest.Pytester) -> None:
    from simulator.profile import available_versions

    pytester.makefile(".yaml", **{"scenarios/demo/first": PLUGIN_SCENARIO})
    result = pytester.runpytest("-q", "--collect-only", "scenarios")
    result.stdout.fnmatch_lines([f"*demo?{version}?*" for version in available_versions()])


def test_parity_on_an_unvalidated_version_is_one_skip_saying_why(odoo20: str, capsys: pytest.CaptureFixture) -> None:
    """No corpus was recorded for 20.0, so there is nothing to compare with: a skip with the
    way to record one, not an error and not a pass; a run with that skip alone is red."""
    assert main(["run", "--target", f"url:{odoo20}", "--suite", "parity"]) == 1
    out = capsys.readouterr().out
    assert "0 passed, 0 failed, 1 skipped" in out
    assert "no parity corpus recorded for Odoo 20.0: `odoo-harness capture` records one" in out
