"""The harness reaches the simulator only through its public surface: the WSGI app and its
servers, the fault proxy, the fault-rule validator the control API uses, the profile list,
and the capture tool. Everything else in ``simulator/`` (its ORM, databases, models) may
change without the harness noticing; the target factory (``harness/targets.py``) alone
builds simulators. As ``test_engine_guard.py`` does for the engine, this keeps it so."""

from __future__ import annotations

import ast
from pathlib import Path

import harness

HARNESS = Path(harness.__file__).parent
#: module -> the names the harness may import from it.
PUBLIC = {
    "simulator.app": {"SimulatorApp"},
    "simulator.server": {"SimServer", "LoopbackServer", "Limits"},
    "simulator.proxy": {"ProxyServer"},
    "simulator.control": {"FaultControl"},
    "simulator.faults": {"parse_rules", "call_target", "ODOO_FAULTS"},
    "simulator.xmlrpc": {"XMLRPC_PATH"},
    "simulator.registry": {"DEFAULT_MASTER_PASSWORD"},
    "simulator.profile": {"available_versions", "DATA_PATH_ENV", "forget_profiles"},
    "simulator.profiles.capture": {"RpcError", "capture"},
}
#: The target factory: it makes simulators, so it may reach in.
FACTORY = {"targets.py"}


def simulator_imports() -> set[tuple[str, str, str]]:
    """(harness file, simulator module, name) of every import of the simulator under harness/."""
    found = set()
    for path in sorted(HARNESS.rglob("*.py")):
        relative = path.relative_to(HARNESS).as_posix()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "simulator":
                found |= {(relative, node.module, alias.name) for alias in node.names}
            elif isinstance(node, ast.Import):
                found |= {
                    (relative, alias.name, "*") for alias in node.names if alias.name.split(".")[0] == "simulator"
                }
    return found


def test_the_harness_uses_only_the_simulators_public_surface() -> None:
    internal = {
        (path, module, name)
        for path, module, name in simulator_imports()
        if path not in FACTORY and name not in PUBLIC.get(module, set())
    }
    assert internal == set(), "harness modules reaching into the simulator (use its public surface)"


def test_the_scenarios_reach_a_simulator_only_over_the_wire() -> None:
    """The scenario path builds no simulator and reads none in-process: it gets a started target
    (``harness/targets.py`` makes it) and speaks HTTP to it, as to a real Odoo."""
    scenario_imports = {(path, module) for path, module, _name in simulator_imports() if path.startswith("scenarios/")}
    assert scenario_imports <= {("scenarios/execute.py", "simulator.proxy"), ("scenarios/steps.py", "simulator.faults")}


def _imports_of(folder: Path, package: str) -> set[tuple[str, str]]:
    """(file, module) of every import of ``package`` by the modules under ``folder``."""
    found = set()
    for path in sorted(folder.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            modules = (
                [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else []
            )
            found |= {(path.name, module) for module in modules if module.split(".")[0] == package}
    return found


def test_the_simulator_never_imports_the_harness() -> None:
    import simulator

    assert _imports_of(Path(simulator.__file__).parent, "harness") == set()


def test_the_engine_never_imports_the_simulator() -> None:
    """The engine reaches any Odoo only through its wire, so its results hold for real Odoo."""
    assert _imports_of(HARNESS / "engine", "simulator") == set()
