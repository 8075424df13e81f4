"""A built wheel holds every file the harness reads, and runs with no checkout around it.

The wheel is built as ``.ci/run`` builds it (``python -m build``: the sdist, then the wheel from
the unpacked sdist), so a file the sdist leaves out is missing from the wheel as well. It is then
unpacked and imported with no site hooks: the editable install's finder is not loaded, so
nothing can quietly come from the checkout instead. (``.ci/run`` also installs the wheel in a
fresh virtual environment and runs ``odoo-harness run`` from it.)
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
#: Where the harness reads its data from, as ``harness`` computes it: printed as JSON.
RESOURCES = """
import json
from harness.parity.generated import CORPUS_DIR
from harness.parity.json2_script import SCRIPT_DIR
from harness.scenarios.model import SCENARIOS_DIR, suite_names
from harness.versions import corpus_dirs, validated_versions
print(json.dumps({
    "scenarios": str(SCENARIOS_DIR),
    "corpus": str(corpus_dirs()[-1]),
    "generated": str(CORPUS_DIR),
    "json2": str(SCRIPT_DIR),
    "suites": suite_names(),
    "validated": validated_versions(),
}))
"""
#: Checkout folders whose files the wheel holds elsewhere (``pyproject.toml``'s package-data).
MOVED = {"scenarios": "harness/scenarios_data"}

pytestmark = pytest.mark.skipif(
    shutil.which("git") is None or not (ROOT / ".git").exists(), reason="needs a git checkout"
)


def _tracked(*folders: str) -> list[str]:
    """The files git tracks under ``folders`` (the repository's, not whatever else lies there)."""
    out = subprocess.run(["git", "ls-files", "-z", *folders], cwd=ROOT, capture_output=True, check=True).stdout
    return [name for name in out.decode().split("\0") if name and (ROOT / name).is_file()]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    build = subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)], capture_output=True, text=True, timeout=300
    )
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    (path,) = out.glob("*.whl")
    return path


@pytest.fixture(scope="module")
def unpacked(wheel: Path) -> Path:
    target = wheel.parent / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(target)
    return target


def _python(code_args: list[str], site: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Python with ``site`` first and the test environment's installed packages after it, without
    ``site`` hooks (``-S``), so no ``.pth`` file (the editable install's finder) is processed."""
    path = os.pathsep.join([str(site), sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]])
    env = {**os.environ, "PYTHONPATH": path}
    env.pop("ODOO_HARNESS_DATA", None)
    return subprocess.run(
        [sys.executable, "-S", *code_args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


def _files(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts}


def test_the_wheel_holds_every_module_and_data_file(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    expected = set(_tracked("harness", "simulator"))
    for folder, packaged in MOVED.items():
        expected |= {packaged + name.removeprefix(folder) for name in _tracked(folder)}
    missing = sorted(expected - names)
    assert not missing, f"{len(missing)} files missing from {wheel.name}: {missing[:20]}"


def test_the_data_is_read_from_inside_the_installed_package(unpacked: Path) -> None:
    run = _python(["-c", RESOURCES], unpacked, unpacked.parent)
    assert run.returncode == 0, run.stderr[-3000:]
    installed = json.loads(run.stdout)
    here = json.loads(_python(["-c", RESOURCES], ROOT, ROOT).stdout)
    for name in ("scenarios", "corpus", "generated", "json2"):
        folder = Path(installed[name])
        assert folder.is_relative_to(unpacked), f"{name} is read from {folder}, outside the package"
        assert folder.is_dir() and _files(folder) == _files(Path(here[name])), (
            f"{name}: {folder} differs from the checkout's"
        )
    assert installed["suites"] == here["suites"] and installed["suites"]
    assert installed["validated"] == here["validated"] and installed["validated"]


def test_a_checkout_reads_and_records_in_its_own_tree() -> None:
    """From a checkout (imported from the repository, as the editable install does), the same functions
    name the repository's folders: the scenarios in ``scenarios/``, and the recorded answers in the
    source tree, where ``python -m harness.parity.generated replay --write-gaps`` writes too."""
    run = _python(["-c", RESOURCES], ROOT, ROOT)
    assert run.returncode == 0, run.stderr[-3000:]
    here = json.loads(run.stdout)
    assert Path(here["scenarios"]) == ROOT / "scenarios"
    recorded = ROOT / "harness" / "parity" / "recorded"
    assert [Path(here[name]) for name in ("corpus", "generated", "json2")] == [
        recorded / "corpus",
        recorded / "generated",
        recorded / "json2",
    ]


def test_the_command_line_starts_from_the_wheel(unpacked: Path) -> None:
    run = _python(["-m", "harness.cli", "--help"], unpacked, unpacked.parent)
    assert run.returncode == 0, run.stderr[-3000:]
    assert "usage: odoo-harness" in run.stdout
