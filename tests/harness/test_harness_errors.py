"""One rule for transient HTTP failures, one root for the harness's own exceptions."""

from __future__ import annotations

import importlib
import inspect
from pathlib import Path

import pytest

import harness
from harness.errors import HarnessError, transient_status

HARNESS = Path(harness.__file__).parent
#: Alembic's env.py runs a migration when imported; the migrations define no exceptions.
NOT_IMPORTABLE = ("engine/migrations",)


@pytest.mark.parametrize(
    ("status", "transient"),
    [
        (200, False),
        (400, False),
        (404, False),
        (409, True),
        (429, True),
        (499, False),
        (500, True),
        (502, True),
        (503, True),
        (504, True),
    ],
)
def test_transient_status(status: int, transient: bool) -> None:
    assert transient_status(status) is transient


def harness_exceptions() -> dict[str, type[BaseException]]:
    """Every exception class defined in a module under harness/ (namespace packages included,
    which pkgutil would skip), by qualified name."""
    found = {}
    for path in sorted(HARNESS.rglob("*.py")):
        relative = path.relative_to(HARNESS)
        if any(relative.as_posix().startswith(skipped) for skipped in NOT_IMPORTABLE):
            continue
        module = importlib.import_module(
            ".".join(("harness", *relative.with_suffix("").parts)).removesuffix(".__init__")
        )
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, BaseException) and cls.__module__ == module.__name__:
                found[f"{module.__name__}.{name}"] = cls
    return found


def test_the_walk_finds_the_known_exceptions() -> None:
    """Guards the walk itself: a walk that found nothing would pass the root test vacuously."""
    found = harness_exceptions()
    assert {
        "harness.errors.HarnessError",
        "harness.engine.client.OdooCallError",
        "harness.scenarios.model.ScenarioError",
        "harness.engine.ledger.SyncLocked",
    } <= found.keys()


def test_every_harness_exception_derives_from_the_root() -> None:
    unrooted = {name for name, cls in harness_exceptions().items() if not issubclass(cls, HarnessError)}
    assert not unrooted, f"derive these from harness.errors.HarnessError: {sorted(unrooted)}"


@pytest.mark.parametrize(
    ("name", "builtin"),
    [
        ("harness.engine.client.ForbiddenModelError", RuntimeError),
        ("harness.engine.client.OdooCallError", RuntimeError),
        ("harness.engine.ledger.SyncLocked", RuntimeError),
        ("harness.containers.ContainerError", RuntimeError),
        ("harness.health.alerts.DeliveryError", RuntimeError),
        ("harness.capture.CaptureError", RuntimeError),
        ("harness.targets.TargetError", ValueError),
        ("harness.yamlfile.YamlFileError", ValueError),
        ("harness.load.LoadError", ValueError),
        ("harness.engine.compat.UnsupportedVersion", RuntimeError),
        ("harness.parity.recorder.ConversationError", RuntimeError),
    ],
)
def test_rebased_classes_keep_their_builtin_base(name: str, builtin: type[Exception]) -> None:
    """Callers that catch the class's former base (``except ValueError``) must still catch it."""
    assert issubclass(harness_exceptions()[name], builtin)


def test_the_command_line_prints_an_unhandled_harness_error_as_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``diff`` against a server refusing the password: the conversation's ConversationError
    reaches ``main``, which prints it and exits 2 instead of a traceback."""
    from harness.cli import main
    from simulator.app import SimulatorApp
    from simulator.server import SimServer

    monkeypatch.setenv("ODOO_DB", "odoo")
    monkeypatch.setenv("ODOO_PASSWORD", "not-the-password")
    with SimServer(SimulatorApp("17.0")) as server:
        assert main(["diff", "--targets", f"url:{server.url}", "sim:17.0"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("odoo-harness diff: ") and "Traceback" not in err and len(err.splitlines()) == 1
