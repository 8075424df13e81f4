"""The scenario steps, registered by name (``@step``): a step's YAML checked at load against the
registered value types, fault rules included, with file, line and field; which scenarios need
the simulator's control API follows from the registry."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.scenarios.model import ScenarioError, load_scenario, load_suite, suite_names
from harness.scenarios.steps import STEPS

HEAD = "name: s\ndescription: d\ngrants: {generate: {seed: 1}}\nsteps:\n  - sync: {}\n"


def _load(tmp_path: Path, step: str) -> object:
    path = tmp_path / "s.yaml"
    path.write_text(HEAD + step)
    return load_scenario(path)


@pytest.mark.parametrize(
    ("step", "message"),
    [
        (
            "  - faults: [{action: explode}]\n",
            "steps[1].faults[0]: Input tag 'explode' found using 'action' does not match any of the expected tags",
        ),
        (
            "  - faults: [{action: delay, seconds: 1, times: 1, probability: 0.5}]\n",
            "steps[1].faults[0].delay: give 'times' or 'probability', not both",
        ),
        (
            "  - faults: [{action: delay, seconds: 3600}]\n",
            "steps[1].faults[0].delay.seconds: Input should be less than or equal to 60",
        ),
        (
            "  - faults: [{action: odoo_fault, fault: meltdown}]\n",
            "steps[1].faults[0].odoo_fault.fault: Input should be 'serialization_failure'",
        ),
        (
            "  - faults: [{action: reset_connection, seconds: 2}]\n",
            "steps[1].faults[0].reset_connection.seconds: Extra inputs are not permitted",
        ),
        ("  - teleport: true\n", "steps[1].teleport: Extra inputs are not permitted"),
        ("  - {sync: {}, clear_faults: true}\n", "steps[1]: a step has exactly one of sync, faults"),
        ("  - drop_database: false\n", "steps[1].drop_database: Input should be True"),
    ],
)
def test_a_bad_step_fails_at_load_naming_file_line_and_field(tmp_path: Path, step: str, message: str) -> None:
    with pytest.raises(ScenarioError) as caught:
        _load(tmp_path, step)
    assert f"{tmp_path / 's.yaml'}:6: {message}" in str(caught.value)


def test_a_scenario_needs_control_when_one_of_its_steps_does(tmp_path: Path) -> None:
    assert _load(tmp_path, "  - clear_faults: true\n").needs_control() is None
    assert (
        _load(tmp_path, "  - rotate_password: true\n").needs_control()
        == "changes the password behind the engine's back"
    )


def test_every_shipped_scenario_loads_and_uses_registered_steps_only() -> None:
    used = {step.kind for suite in suite_names() for _path, scenario in load_suite(suite) for step in scenario.steps}
    assert used <= set(STEPS)
    assert {name for name, kind in STEPS.items() if kind.needs_control} == {
        "parallel_tenants",
        "rotate_password",
        "complete_rotation",
        "drop_database",
        "restore_database",
    }


def test_the_typed_fault_rules_are_the_ones_the_simulator_and_proxy_accept() -> None:
    """The harness's rule types and ``simulator/faults.py``'s validator describe the same rules:
    every action, its parameters; a rule dumped from the types passes the server's check."""
    import typing

    from harness.scenarios.steps import FaultRule
    from simulator.faults import ACTION_PARAMS, ACTIONS, COMMON_KEYS, parse_rules

    variants = typing.get_args(typing.get_args(FaultRule)[0])
    by_action = {typing.get_args(v.model_fields["action"].annotation)[0]: v for v in variants}
    assert set(by_action) == set(ACTIONS)
    for action, model in by_action.items():
        assert set(model.model_fields) - {"action"} == COMMON_KEYS - {"action"} | ACTION_PARAMS[action], action
        rule = model(action=action, times=1)
        [parsed] = parse_rules([rule.model_dump(exclude_none=True)])
        assert (parsed.action, parsed.times) == (action, 1)


def test_the_forbidden_write_clock_waits_only_where_the_setup_wrote_in_the_same_second() -> None:
    """On a database where the engine's user wrote nothing of finance's this second, the clock
    starts now (no wait); right after such a write, at the next second (the write falls before)."""
    import datetime as dt

    from harness.scenarios.invariants import WRITE_DATE, Reader, forbidden_writes, start_write_clock
    from simulator.app import SimulatorApp
    from simulator.server import SimServer

    with SimServer(SimulatorApp("17.0")) as server:
        reader = Reader(server.url, "odoo", "admin", "admin")
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
        assert dt.datetime.strptime(start_write_clock(reader, reader.uid), WRITE_DATE) <= now + dt.timedelta(seconds=1)
        reader.call("res.partner", "write", [1], {"comment": "the setup's own write"})
        since = start_write_clock(reader, reader.uid)
        assert dt.datetime.strptime(since, WRITE_DATE) > now
        assert forbidden_writes(reader, reader.uid, since) == []
        reader.call("res.partner", "write", [1], {"comment": "a later write"})
        assert forbidden_writes(reader, reader.uid, since) == [
            f"forbidden mutation: 1 res.partner record(s) written by uid 2 since {since}"
        ]


def test_the_forbidden_write_clock_starts_after_every_write_made_before_it() -> None:
    """Odoo stamps ``write_date`` to the second: the clock is a second boundary that has come,
    so a write stamped in the second the setup ended (Analytic Accounting switched on by the
    harness writes the company's partners) falls before it, and every later write at or after."""
    import datetime as dt

    from harness.scenarios.invariants import WRITE_DATE, write_clock

    before = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    since = dt.datetime.strptime(write_clock(), WRITE_DATE)
    assert before.replace(microsecond=0) < since <= dt.datetime.now(dt.UTC).replace(tzinfo=None)


def test_a_scenario_keeps_its_ledger_in_memory_where_it_can(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """On a disk every ledger commit waits for an fsync: scenarios keep theirs in /dev/shm, or in the
    usual temporary folder where there is no such place to write."""
    from harness.scenarios import execute

    monkeypatch.setattr(execute, "RAM_FOLDER", str(tmp_path))
    assert execute.scratch_folder() == str(tmp_path)
    monkeypatch.setattr(execute, "RAM_FOLDER", str(tmp_path / "absent"))
    assert execute.scratch_folder() is None
