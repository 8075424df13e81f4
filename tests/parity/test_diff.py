"""The differential mode: one conversation, two targets, every difference classified."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.cli import main
from harness.diff import classify, compare


def test_same_version_twice_has_no_difference(capsys: pytest.CaptureFixture) -> None:
    assert main(["diff", "--targets", "sim:17.0", "sim:17.0"]) == 0
    assert "256 exchanges, 0 different" in capsys.readouterr().out


def test_versions_differ_where_the_facts_say(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "diff.json"
    assert main(["diff", "--targets", "sim:17.0", "sim:18.0", "--json", str(out)]) == 1
    kinds = {d["label"]: d["kind"] for d in json.loads(out.read_text())["differences"]}
    assert kinds["partner.name_get"] == "fault vs answer"  # removed in 18
    assert kinds["object.unknown_public_method"] == "fault"  # reworded in 18
    assert kinds["common.version"] == "value"
    assert "partner.search.count_true" not in kinds  # TypeError on both
    allow = tmp_path / "allow.yaml"
    allow.write_text("\n".join(f"{label}: documented in odoo-api-facts.md" for label in kinds))
    capsys.readouterr()
    assert main(["diff", "--targets", "sim:17.0", "sim:18.0", "--allow", str(allow)]) == 0
    assert "0 outside the allow-list" in capsys.readouterr().out


def test_16_has_an_extra_exchange() -> None:
    a = [{"label": "x", "answer": {"ok": 1}}, {"label": "only16", "answer": {"ok": 2}}]
    b = [{"label": "x", "answer": {"ok": [1]}}]
    report = compare("A", a, "B", b, {})
    assert [(d.label, d.kind) for d in report.differences] == [("x", "shape"), ("only16", "only in A")]


@pytest.mark.parametrize(
    ("a", "b", "kind"),
    [
        ({"ok": 1}, {"ok": 1}, None),
        ({"ok": 1}, {"ok": 2}, "value"),
        ({"ok": {"a": 1}}, {"ok": {"b": 1}}, "shape"),
        ({"fault": {"code": 1}}, {"ok": True}, "fault vs answer"),
        ({"fault": {"code": 1, "string": "x"}}, {"fault": {"code": 1, "string": "y"}}, "fault"),
    ],
)
def test_classify(a: dict, b: dict, kind: str | None) -> None:
    assert classify(a, b) == kind


def test_bad_allow_list_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    allow = tmp_path / "allow.yaml"
    allow.write_text("common.version: ''\n")
    assert main(["diff", "--targets", "sim:17.0", "sim:17.0", "--allow", str(allow)]) == 2
    assert "non-empty reason" in capsys.readouterr().err


@pytest.mark.parametrize("pair", [("16.0", "17.0"), ("17.0", "18.0"), ("18.0", "19.0")])
def test_version_differences_are_exactly_the_documented_ones(
    pair: tuple[str, str], tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    """Between versions the differential mode reports the committed, explained list:
    nothing more (exit 0) and nothing less (every allowed label still differs)."""
    allow = Path(__file__).parent / "diff" / f"versions-{pair[0]}-{pair[1]}.yaml"
    out = tmp_path / "diff.json"
    assert (
        main(["diff", "--targets", f"sim:{pair[0]}", f"sim:{pair[1]}", "--allow", str(allow), "--json", str(out)]) == 0
    )
    differing = {d["label"] for d in json.loads(out.read_text())["differences"]}
    import yaml

    assert set(yaml.safe_load(allow.read_text())) == differing
