"""pytest plugin ``odoo_harness`` (entry point ``pytest11``), for anyone's test suite.

- Collects scenario YAML files that live under a folder named ``scenarios`` as test
  items, one per Odoo version: ``pytest scenarios/``. A version below the scenario's
  ``min_version`` or named in its ``skip_on`` gives a skipped item with the reason.
- Fixtures:
  - ``odoo_sim``: a fresh simulator per test, parametrised over Odoo versions
    (``--odoo-version`` to choose; default every version the simulator has a profile for);
  - ``odoo_target``: parametrised over targets (``--odoo-target sim:17.0`` or
    ``url:http://...`` with ``ODOO_DB``/``ODOO_LOGIN``/``ODOO_PASSWORD``; default the
    simulator of every version);
  - ``sync_engine``: the sync engine wired to ``odoo_target`` with a ledger in ``tmp_path``;
  - ``faults``: set and clear the simulator's fault rules (needs ``odoo_sim``);
  - ``target_faults``: the same rules on any ``odoo_target``; a url: or container: target
    is reached through the fault proxy (``simulator/proxy.py``), so they happen there too.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from harness.engine.client import OdooClient
from harness.engine.ledger import Ledger
from harness.engine.sync import SyncEngine
from harness.errors import HarnessError
from harness.targets import Target, parse_target
from simulator.app import SimulatorApp
from simulator.control import FaultControl
from simulator.faults import parse_rules
from simulator.profile import available_versions
from simulator.proxy import ProxyServer
from simulator.server import SimServer


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("odoo-harness")
    group.addoption(
        "--odoo-version",
        action="append",
        default=[],
        metavar="VERSION",
        help="Odoo version(s) for odoo_sim and scenario items (default: all simulated)",
    )
    group.addoption(
        "--odoo-target",
        action="append",
        default=[],
        metavar="TARGET",
        help="target(s) for odoo_target: sim:VERSION or url:URL (default: sim of every version)",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "odoo_scenario: a scenario YAML collected by odoo-harness")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    config = metafunc.config
    if "odoo_sim" in metafunc.fixturenames:
        metafunc.parametrize("odoo_sim", _versions(config), indirect=True)
    if "odoo_target" in metafunc.fixturenames:
        targets = config.getoption("odoo_target") or [f"sim:{v}" for v in available_versions()]
        metafunc.parametrize("odoo_target", targets, indirect=True)


def _versions(config: pytest.Config) -> list[str]:
    """The chosen versions, else every simulated one (read from the profiles, so a new
    version's folder is enough for it to be tested)."""
    return config.getoption("odoo_version") or available_versions()


@dataclass
class OdooTarget:
    """A running Odoo to test against; ``app`` is set for the simulator."""

    name: str
    url: str
    db: str
    login: str
    password: str
    app: SimulatorApp | None = None
    controls: FaultControl | None = None  # where fault rules go: the simulator, or the proxy in front

    def __repr__(self) -> str:
        return f"OdooTarget({self.name!r}, {self.url!r}, db={self.db!r})"


@pytest.fixture
def odoo_sim(request: pytest.FixtureRequest) -> Iterator[OdooTarget]:
    with SimServer(SimulatorApp(request.param)) as server:
        yield OdooTarget(f"sim:{request.param}", server.url, "odoo", "admin", "admin", server.app)


@pytest.fixture
def odoo_target(request: pytest.FixtureRequest) -> Iterator[OdooTarget]:
    target: Target = parse_target(request.param)
    if target.kind == "sim":
        with SimServer(SimulatorApp(target.value)) as server:
            yield OdooTarget(target.name, server.url, "odoo", "admin", "admin", server.app, server.app)
        return
    with target.start() as endpoint, ProxyServer(endpoint.url) as proxy:
        yield OdooTarget(target.name, proxy.url, endpoint.db, endpoint.login, endpoint.password, controls=proxy.app)


@pytest.fixture
def sync_engine(odoo_target: OdooTarget, tmp_path: Path) -> SyncEngine:
    tenant = os.environ.get("ODOO_HARNESS_TENANT", "acme")
    ledger = Ledger(f"sqlite:///{tmp_path / 'ledger.sqlite'}")
    client = OdooClient(
        odoo_target.url, odoo_target.db, odoo_target.login, odoo_target.password, tenant=tenant, ledger=ledger
    )
    return SyncEngine(client, ledger)


class Faults:
    """Fault rules, for a test: ``faults.set([...])``, ``faults.fired()``."""

    def __init__(self, controls: FaultControl) -> None:
        self.controls = controls

    def set(self, rules: list[dict[str, Any]]) -> None:
        self.controls.faults.replace(parse_rules(rules))

    def clear(self) -> None:
        self.controls.faults.clear()

    def fired(self) -> dict[str, int]:
        return self.controls.fault_counts()


@pytest.fixture
def faults(odoo_sim: OdooTarget) -> Iterator[Faults]:
    controller = Faults(odoo_sim.app)
    yield controller
    controller.clear()


@pytest.fixture
def target_faults(odoo_target: OdooTarget) -> Iterator[Faults]:
    controller = Faults(odoo_target.controls)
    yield controller
    controller.clear()


# -- scenario files as test items ------------------------------------------------------------


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if file_path.suffix in (".yaml", ".yml") and "scenarios" in file_path.parts[:-1]:
        return ScenarioFile.from_parent(parent, path=file_path)
    return None


class ScenarioFile(pytest.File):
    def collect(self) -> Iterator[pytest.Item]:
        from harness.scenarios.model import ScenarioError, load_scenario

        try:
            scenario = load_scenario(self.path)
        except ScenarioError as exc:
            raise self.CollectError(str(exc)) from None
        for version in _versions(self.config):
            item = ScenarioItem.from_parent(
                self, name=f"{scenario.name}[{version}]", scenario=scenario, version=version
            )
            reason = scenario.skip_reason(version)
            if reason:  # collected and shown as skipped with its reason, never silently left out
                item.add_marker(pytest.mark.skip(reason=f"Odoo {version}: {reason}"))
            yield item


class ScenarioFailed(HarnessError):
    """A scenario whose expectations or invariants did not hold."""


class ScenarioItem(pytest.Item):
    def __init__(self, *, scenario: Any, version: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.scenario, self.version = scenario, version
        self.add_marker(pytest.mark.odoo_scenario)

    def runtest(self) -> None:
        from harness.scenarios.execute import play

        outcome = play(self.scenario, self.version)
        if outcome.failures:
            raise ScenarioFailed("\n".join(outcome.failures))
        reason = self.scenario.degrades_on.get(self.version)
        if reason:
            self.user_properties.append(("expected_degradation", reason))
            self.add_report_section("call", "odoo-harness", f"expected degradation on {self.version}: {reason}")

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, ScenarioFailed):
            return f"scenario {self.scenario.name!r} on Odoo {self.version}:\n{excinfo.value}"
        return super().repr_failure(excinfo)

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"scenario {self.scenario.name} [{self.version}]"
