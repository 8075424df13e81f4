"""odoo-harness capture: a new version's profile and corpus in one command, then the quirks
still to write. The two recordings against a real server are replaced at their function
boundary by the committed 18.0 recordings (what a real 18.0 answered), so the orchestration,
the profile stub, the replay on the new profile and the report are what is tested here;
capturing the real 19.0 with this command gave the committed 19.0 files (README)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

import harness.capture as capture_module
from harness.cli import main
from harness.parity.corpus import load_corpus
from simulator.profile import PROFILES_DIR, REGISTRY_FILE, load_profile


@pytest.fixture
def recorded_18(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The two recordings answer with what the real 18.0 answered; every reset is noted."""

    def fake_capture(url: str, db: str, login: str, password: str, out: Path, psql_db: str | None) -> dict:
        out.mkdir(parents=True, exist_ok=True)
        for name in ("version.json", "fields.json", "defaults.json", "seed.json", REGISTRY_FILE):
            shutil.copy(PROFILES_DIR / "18.0" / name, out / name)
        return json.loads((out / "version.json").read_text())

    def fake_corpus(url: str, credentials: object, out: Path) -> dict:
        document = load_corpus("18.0")
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(document))
        return document

    monkeypatch.setattr("simulator.profiles.capture.capture", fake_capture)
    monkeypatch.setattr(capture_module, "record_corpus", fake_corpus)
    monkeypatch.setattr(capture_module, "run_generated", lambda url, credentials: [{"label": "gen.x"}])
    monkeypatch.setenv("ODOO_DB", "odoo")
    monkeypatch.setenv("ODOO_PASSWORD", "admin")
    return []


def _capture(tmp_path: Path, reset: str = "true") -> int:
    return main(["capture", "--target", "url:http://127.0.0.1:9", "--out", str(tmp_path), "--reset-command", reset])


def test_capture_writes_profile_and_corpus_and_lists_the_quirks_to_write(
    recorded_18: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _capture(tmp_path, reset=f"echo reset >> {tmp_path / 'resets'}") == 0
    out = capsys.readouterr().out
    assert (tmp_path / "resets").read_text() == "reset\nreset\nreset\n"  # fresh before each part
    folder = tmp_path / "profiles" / "18.0"
    assert sorted(p.name for p in folder.iterdir()) == [
        "defaults.json",
        "fields.json",
        "profile.yaml",
        "registry.json.gz",
        "seed.json",
        "version.json",
    ]
    assert 'extends: "17.0"' in (folder / "profile.yaml").read_text()
    assert (tmp_path / "corpus" / "18.0.json").is_file()
    assert json.loads((tmp_path / "generated" / "18.0.json").read_text())["exchanges"] == [{"label": "gen.x"}]
    # a profile that only extends 17.0 lacks 18.0's quirks: the report names them
    assert "answers still need a hand-written quirk" in out
    assert "  - partner.name_get" in out
    assert f"use it with ODOO_HARNESS_DATA={tmp_path}" in out
    assert "ODOO_HARNESS_DATA" not in os.environ
    assert load_profile("18.0").quirks.methods.removed == [
        "name_get",
        "fields_get_keys",
        "get_xml_id",
        "fields_view_get",
        "load_views",
    ]


def test_a_recapture_keeps_the_quirks_already_written(
    recorded_18: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "profiles" / "18.0"
    folder.mkdir(parents=True)
    shutil.copy(PROFILES_DIR / "18.0" / "profile.yaml", folder / "profile.yaml")
    assert _capture(tmp_path) == 0
    out = capsys.readouterr().out
    assert "gives 256 of 256 recorded answers" in out and "still need" not in out


def test_a_failing_reset_stops_with_its_message(
    recorded_18: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _capture(tmp_path, reset="echo no template >&2; exit 3") == 2
    assert "--reset-command exited 3: no template" in capsys.readouterr().err


def test_only_a_real_server_is_captured(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["capture", "--target", "sim:18.0", "--out", str(tmp_path), "--reset-command", "true"]) == 2
    assert "capture records a real server: give url:URL" in capsys.readouterr().err


def test_a_server_the_tooling_cannot_read_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A simulator made to stop serving ir.model.data, which the capture reads: a stand-in for a
    future version that renamed something the tooling asks for."""
    from simulator.app import SimulatorApp
    from simulator.server import SimServer

    monkeypatch.setenv("ODOO_DB", "odoo")
    monkeypatch.setenv("ODOO_PASSWORD", "admin")
    app = SimulatorApp("18.0")
    del app.registry.get("odoo").schemas["ir.model.data"]
    with SimServer(app) as server:
        code = main(["capture", "--target", f"url:{server.url}", "--out", str(tmp_path), "--reset-command", "true"])
    assert code == 2
    err = capsys.readouterr().err
    assert "recording the profile failed" in err and "ir.model.data" in err
