"""``--allow`` files of ``diff`` and ``replay`` (one loader): a label that names nothing compared is
refused in one line naming file, line and label, exit 2, with the labels it could be (issue 15, item 9)."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.cli import main

CASSETTES = Path(__file__).parent / "cassettes"


def test_diff_refuses_an_unknown_label_before_sending_anything(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    allow = tmp_path / "allow.yaml"
    allow.write_text("common.version: differs per release\ncommon.verison: a typo\n")
    assert main(["diff", "--targets", "sim:17.0", "sim:18.0", "--allow", str(allow)]) == 2
    captured = capsys.readouterr()
    assert captured.err == (
        f"odoo-harness diff: {allow}:2: unknown label 'common.verison'; did you mean common.version or "
        "v1.common.version or jsonrpc.common.version? 257 labels in all, as `diff --json` names them\n"
    )
    assert captured.out == ""  # refused before the conversation


def test_diff_over_json2_knows_the_json2_labels(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    allow = tmp_path / "allow.yaml"
    allow.write_text("common.version: an XML-RPC label, not a JSON-2 one\n")
    assert main(["diff", "--api", "json2", "--targets", "sim:19.0", "sim:19.0", "--allow", str(allow)]) == 2
    assert f"{allow}:1: unknown label 'common.version'" in capsys.readouterr().err


def test_replay_refuses_an_unknown_call_listing_the_calls(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    allow = tmp_path / "allow.yaml"
    allow.write_text('# renames\ncommon version: differs per release\n"#003 object project.project.fields_get": x\n')
    command = ["replay", "--cassette", str(CASSETTES / "17.0-first-sync.yaml"), "--target", "sim:18.0"]
    assert main([*command, "--allow", str(allow)]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"odoo-harness replay: {allow}:3: unknown label '#003 object project.project.fields_get'; the labels: "
        "common authenticate, common version, object account.analytic.account.create, "
        "object account.analytic.line.fields_get, object account.analytic.plan.create, "
        "object account.analytic.plan.search_read, object project.project.create, object project.project.fields_get\n"
    )


def test_replay_allow_needs_a_target(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    allow = tmp_path / "allow.yaml"
    allow.write_text("common version: differs per release\n")
    assert main(["replay", "--cassette", str(CASSETTES / "17.0-first-sync.yaml"), "--allow", str(allow)]) == 2
    assert "--allow needs --target" in capsys.readouterr().err


def test_replay_reads_its_allow_list_as_diff_does(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    allow = tmp_path / "allow.yaml"
    allow.write_text("common version: [\n")
    command = ["replay", "--cassette", str(CASSETTES / "17.0-first-sync.yaml"), "--target", "sim:18.0"]
    assert main([*command, "--allow", str(allow)]) == 2
    assert capsys.readouterr().err.startswith(f"odoo-harness replay: {allow}:2: not valid YAML")
