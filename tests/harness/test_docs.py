"""The docs cannot rot: every YAML example in ``docs/formats.md`` loads with the parser the harness
itself uses, and the contract names what the code enforces.

An example is a fenced ``yaml`` block whose first line is ``# docs: <kind>``; each kind has a
loader below, and each loader is one the harness uses on a user's file.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from harness.cassettes.cassette import read_meta
from harness.diff import load_allow_list
from harness.engine.client import ALLOWED_MODELS, READ_METHODS
from harness.engine.grants import parse_grants
from harness.engine.ledger import Ledger
from harness.health.cli import EXIT_BY_STATE
from harness.health.states import Thresholds
from harness.health.tenants import parse_tenants
from harness.scenarios.execute import initial_grants, play
from harness.scenarios.invariants import FORBIDDEN
from harness.scenarios.model import Scenario, load_scenario
from harness.scenarios.steps import STEPS
from harness.yamlfile import read_yaml
from simulator.faults import ACTIONS, ODOO_FAULTS, parse_rules

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
FORMATS = DOCS / "formats.md"
CONTRACT = DOCS / "contract.md"
BLOCK = re.compile(r"^```yaml\n(.*?)^```", re.MULTILINE | re.DOTALL)
MARKER = re.compile(r"# docs: (?P<kind>[a-z-]+)")
#: The folder of the team's own files, which a user's clone does not have.
TEAM_FOLDER = "../" + "shared/"
#: Where the repository's own text lives (``.json`` corpora are data, and large).
TEXT_SUFFIXES = {".py", ".md", ".yaml", ".yml", ".toml", ".cfg", ".txt", ".html", ".mako"}


def _scenario(text: str, path: Path) -> Scenario:
    """A scenario as the suites load it; its inline grants as the play loop validates them."""
    path.write_text(text, encoding="utf-8")
    scenario = load_scenario(path)
    initial_grants(scenario)
    return scenario


def _cassette(text: str, path: Path) -> object:
    path.write_text(text, encoding="utf-8")
    return read_meta(path)


def _allow_list(text: str, path: Path) -> dict[str, str]:
    path.write_text(text, encoding="utf-8")
    allowed = load_allow_list(path)
    assert allowed, "the example allows nothing"
    return allowed


#: kind -> how the harness loads a file of that kind (the text, and a path to write it to).
LOADERS: dict[str, Callable[[str, Path], object]] = {
    "grants": lambda text, path: parse_grants(text, str(path)),
    "tenants": lambda text, path: parse_tenants(text, str(path)),
    "scenario": _scenario,
    "fault-rules": lambda text, path: parse_rules(read_yaml(text, str(path))),
    "cassette": _cassette,
    "diff-allow": _allow_list,
}


def examples(page: Path = FORMATS) -> list[tuple[str | None, str]]:
    """(kind, text) of every fenced yaml block of ``page``; kind None when its first line is no marker."""
    found = []
    for text in BLOCK.findall(page.read_text(encoding="utf-8")):
        marker = MARKER.fullmatch(text.splitlines()[0].strip()) if text.strip() else None
        found.append((marker["kind"] if marker else None, text))
    return found


def section(page: Path, title: str) -> str:
    """The text of the ``## `` section of ``page`` whose heading contains ``title``."""
    parts = re.split(r"^## ", page.read_text(encoding="utf-8"), flags=re.MULTILINE)
    matching = [part for part in parts if title in part.splitlines()[0]]
    assert len(matching) == 1, f"{page.name}: expected one section titled like {title!r}"
    return matching[0]


def first_cells(text: str) -> set[str]:
    """The backticked names in the first cell of every table row of ``text``."""
    return {
        name
        for line in text.splitlines()
        if line.startswith("| ")
        for name in re.findall(r"`([^`]+)`", line.split("|")[1])
    }


def test_every_yaml_example_says_what_it_is() -> None:
    untagged = [text.splitlines()[0] if text.strip() else "(empty)" for kind, text in examples() if kind is None]
    unknown = sorted({kind for kind, _text in examples() if kind is not None and kind not in LOADERS})
    assert untagged == [] and unknown == [], (
        f"every yaml block of {FORMATS.name} starts with '# docs: <kind>', kind one of {sorted(LOADERS)}: "
        f"untagged {untagged}, unknown {unknown}"
    )


def test_every_format_has_an_example() -> None:
    assert sorted({kind for kind, _text in examples() if kind}) == sorted(LOADERS)


@pytest.mark.parametrize(("kind", "text"), [example for example in examples() if example[0] in LOADERS])
def test_the_example_loads_with_the_harness_parser(kind: str, text: str, tmp_path: Path) -> None:
    LOADERS[kind](text, tmp_path / f"{kind}.yaml")


def test_the_scenario_example_holds_on_the_simulator(tmp_path: Path) -> None:
    """The example says what a sync under those faults does: it plays and its expectations hold."""
    [text] = [text for kind, text in examples() if kind == "scenario"]
    outcome = play(_scenario(text, tmp_path / "scenario.yaml"), "17.0")
    assert outcome.failures == []


def test_formats_names_every_step_fault_action_and_odoo_fault() -> None:
    scenario_text, rules_text = section(FORMATS, "Scenario"), section(FORMATS, "Fault rules")
    missing = [name for name in STEPS if f"`{name}`" not in scenario_text]
    missing += [name for name in (*ACTIONS, *ODOO_FAULTS) if f"`{name}`" not in rules_text]
    assert missing == []


def test_the_contract_names_the_models_the_guard_allows_and_forbids() -> None:
    text = section(CONTRACT, "What it writes")
    [allowed_row] = [line for line in text.splitlines() if "`account.analytic.plan`" in line]
    assert set(re.findall(r"`([^`]+)`", allowed_row.split("|")[1])) == ALLOWED_MODELS
    named = set(re.findall(r"`([^`]+)`", text))
    assert (READ_METHODS | set(FORBIDDEN)) - named == set()


def test_the_contract_lists_exactly_the_sync_log_columns(tmp_path: Path) -> None:
    ledger = Ledger(f"sqlite:///{tmp_path / 'ledger.sqlite'}")
    assert first_cells(section(CONTRACT, "sync log")) == set(ledger.sync_log.columns.keys())


def test_the_contract_gives_the_health_defaults_and_exit_codes() -> None:
    text = section(CONTRACT, "Connection health")
    defaults = Thresholds()
    for wording in (
        f"`slow_ms` ({defaults.slow_ms:g} ms)",
        f"`failures_to_red` ({defaults.failures_to_red})",
        f"`alert_after` ({defaults.alert_after.total_seconds() / 60:g} minutes)",
    ):
        assert wording in text
    rows = dict(re.findall(r"^\| (\d) \| (.+) \|$", text, flags=re.MULTILINE))
    for state, code in EXIT_BY_STATE.items():
        assert str(state) in rows[str(code)]


def test_links_between_the_docs_resolve() -> None:
    broken = [
        f"{page.name}: {target}"
        for page in sorted(DOCS.glob("*.md"))
        for target in re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", page.read_text(encoding="utf-8"))
        if "://" not in target and not (page.parent / target).exists()
    ]
    assert broken == []


def repository_text() -> Iterator[Path]:
    """The repository's text files; hidden folders (``.git``, ``.venv``), caches and build output left out."""
    for folder, subfolders, files in os.walk(ROOT):
        subfolders[:] = [
            name for name in subfolders if not name.startswith(".") and name != "__pycache__" and "egg-info" not in name
        ]
        yield from (Path(folder, name) for name in sorted(files) if Path(name).suffix in TEXT_SUFFIXES)


def test_no_file_sends_readers_to_the_teams_own_folder() -> None:
    """A user's clone has only the repository: the contract is in ``docs/``."""
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in repository_text()
        for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), start=1)
        if TEAM_FOLDER in line
    ]
    assert offenders == []
