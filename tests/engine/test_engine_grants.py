"""The grants file: typed API and errors naming file, line, path and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.engine.grants import GrantsError, load_grants, parse_grants
from tests.support.engine import GRANTS


def test_valid_file_gives_typed_data(tmp_path: Path) -> None:
    path = tmp_path / "grants.yaml"
    path.write_text(GRANTS)
    grants = load_grants(path)
    assert grants.tenant == "acme"
    assert [p.id for p in grants.projects] == ["PRJ-001", "PRJ-002"]
    assert grants.projects[0].budget_lines[1].id == "2.1"
    assert grants.projects[0].budget == 60500
    assert grants.category_codes() == ["EQP", "HR", "TRV"]


LINE_9 = "grants.yaml:9: projects[0].budget_lines[1]"


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (("amount: 12500", "amount: lots"), f"{LINE_9}.amount: Input should be a valid number"),
        (('id: "2.1"', "id: 2.1"), f'{LINE_9}.id: must be text; quote it ("2.1")'),
        (("    donor: EU\n", "", 1), "grants.yaml:4: projects[0].donor: Field required"),
        (
            ("amount: 48000", "amount: -5"),
            "grants.yaml:8: projects[0].budget_lines[0].amount: Input should be greater than or equal to 0",
        ),
        (
            ("id: PRJ-002", "id: PRJ-001"),
            "grants.yaml:3: projects: duplicate project id 'PRJ-001' (projects[0] and projects[1])",
        ),
        (
            ("category: HR", "category: 'H R'", 1),
            "grants.yaml:8: projects[0].budget_lines[0].category: String should match pattern",
        ),
        (("tenant: acme", "tenant: Acme Corp"), "grants.yaml:2: tenant: String should match pattern"),
        (
            ("donor: EU", "donor: EU\n    colour: red", 1),
            "grants.yaml:7: projects[0].colour: Extra inputs are not permitted",
        ),
    ],
)
def test_errors_name_file_line_path_and_field(tmp_path: Path, edit: tuple, expected: str) -> None:
    path = tmp_path / "grants.yaml"
    path.write_text(GRANTS.replace(*edit))
    with pytest.raises(GrantsError) as info:
        load_grants(path)
    message = str(info.value).replace(str(tmp_path) + "/", "")
    assert message.startswith(expected), message


def test_broken_yaml_and_missing_file() -> None:
    with pytest.raises(GrantsError, match=r"^g.yaml:4: not valid YAML"):
        parse_grants("tenant: acme\nprojects:\n  - {id: [\n", "g.yaml")
    with pytest.raises(GrantsError, match=r"nope.yaml: cannot read"):
        load_grants("nope.yaml")
    with pytest.raises(GrantsError, match="must be a mapping"):
        parse_grants("- just\n- a list\n", "g.yaml")
