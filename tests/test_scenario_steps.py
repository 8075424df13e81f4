"""The scenario steps' one table (``STEPS``): a step's YAML checked at load, fault rules included,
with file, line and field; which scenarios only the simulator can play follows from it."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.scenarios.model import STEPS, ScenarioError, load_scenario, load_suite, suite_names

HEAD = "name: s\ndescription: d\ngrants: {generate: {seed: 1}}\nsteps:\n  - sync: {}\n"


def _load(tmp_path: Path, step: str) -> object:
    path = tmp_path / "s.yaml"
    path.write_text(HEAD + step)
    return load_scenario(path)


@pytest.mark.parametrize(("step", "message"), [
    ("  - faults: [{action: explode}]\n",
     "steps[1].faults: rule #0: 'action' must be one of"),
    ("  - faults: [{action: delay, seconds: 1, times: 1, probability: 0.5}]\n",
     "steps[1].faults: rule #0: give 'times' or 'probability', not both"),
    ("  - teleport: true\n", "steps[1].teleport: Extra inputs are not permitted"),
    ("  - {sync: {}, clear_faults: true}\n", "steps[1]: a step has exactly one of sync, faults"),
    ("  - drop_database: false\n", "steps[1].drop_database: Input should be True"),
])
def test_a_bad_step_fails_at_load_naming_file_line_and_field(tmp_path: Path, step: str, message: str) -> None:
    with pytest.raises(ScenarioError) as caught:
        _load(tmp_path, step)
    assert f"{tmp_path / 's.yaml'}:6: {message}" in str(caught.value)


def test_a_scenario_is_simulator_only_when_one_of_its_steps_is(tmp_path: Path) -> None:
    assert _load(tmp_path, "  - clear_faults: true\n").simulator_only() is None
    assert _load(tmp_path, "  - rotate_password: true\n").simulator_only() == \
        "changes the password behind the engine's back"


def test_every_step_is_played_by_the_scenario_context_and_every_shipped_scenario_loads() -> None:
    from harness.scenarios.execute import ScenarioContext

    assert [kind for kind in STEPS if not hasattr(ScenarioContext, f"do_{kind}")] == []
    used = {step.kind for suite in suite_names() for _path, scenario in load_suite(suite) for step in scenario.steps}
    assert used <= set(STEPS)


def test_the_forbidden_write_clock_starts_after_every_write_made_before_it() -> None:
    """Odoo stamps ``write_date`` to the second: the clock is a second boundary that has come,
    so a write stamped in the second the setup ended (Analytic Accounting switched on by the
    harness writes the company's partners) falls before it, and every later write at or after."""
    import datetime as dt

    from harness.scenarios.invariants import WRITE_DATE, write_clock

    before = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    since = dt.datetime.strptime(write_clock(), WRITE_DATE)
    assert before.replace(microsecond=0) < since <= dt.datetime.now(dt.UTC).replace(tzinfo=None)
