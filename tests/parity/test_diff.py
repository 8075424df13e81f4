"""The differential mode: one conversation, two targets, every difference classified."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.cli import main
from harness.diff import classify, compare, load_allow_list
from harness.parity.json2_script import load, placeholders
from simulator.app import SimulatorApp
from simulator.server import SimServer


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


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("common.version: ''\n", ": the allow-list maps exchange labels to a non-empty reason each"),
        ("a: [\n", ":2: not valid YAML: did not find expected node content"),
        (None, ": cannot read: No such file or directory"),
    ],
    ids=["empty-reason", "bad-yaml", "missing"],
)
def test_bad_allow_list_is_refused(text: str | None, says: str, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    allow = tmp_path / "allow.yaml"
    if text is not None:
        allow.write_text(text)
    assert main(["diff", "--targets", "sim:17.0", "sim:17.0", "--allow", str(allow)]) == 2
    err = capsys.readouterr().err
    assert err == f"odoo-harness diff: {allow}{says}\n"


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


# -- over JSON-2: the JSON-2 script (harness/parity/recorded/json2/19.0.json) to both targets ------------------

#: The script's exchanges no target can be sent: they need other users' keys (made in Odoo's shell)
#: or a web session; a target offers its database and one key.
JSON2_NOT_SENT = {
    exchange["label"] for exchange in load("19.0")["exchanges"] if placeholders(exchange["request"]) - {"db", "key"}
}


def test_json2_diff_of_a_simulator_with_itself_is_empty(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "diff.json"
    assert main(["diff", "--api", "json2", "--targets", "sim:19.0", "sim:19.0", "--json", str(out)]) == 0
    text = capsys.readouterr().out
    report = json.loads(out.read_text())
    assert (report["a"], report["b"], report["differences"]) == ("sim:19.0+json2", "sim:19.0+json2", [])
    assert set(report["not_sent"]) == JSON2_NOT_SENT and report["not_sent"]["auth.whoami_user"] == "<user_key>"
    assert report["compared"] == len(load("19.0")["exchanges"]) - len(JSON2_NOT_SENT) >= 100
    assert f"{report['compared']} exchanges, 0 different" in text
    assert f"{len(JSON2_NOT_SENT)} not sent" in text and "auth.whoami_user (needs <user_key>)" in text


def test_json2_diff_shows_what_a_version_without_json2_answers(tmp_path: Path) -> None:
    out = tmp_path / "diff.json"
    assert main(["diff", "--api", "json2", "--targets", "sim:18.0", "sim:19.0", "--json", str(out)]) == 1
    kinds = {d["label"]: d["kind"] for d in json.loads(out.read_text())["differences"]}
    assert kinds["partner.search"] == "fault vs answer"  # 18.0 sends /json/2 to its login page
    assert kinds["dispatch.unknown_model"] == "fault"  # a redirect there, a 404 error object on 19.0
    assert "auth.no_key" in kinds  # 19.0 asks for a key, 18.0 for a login


def test_json2_url_targets_read_their_own_api_keys(
    tmp_path: Path, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ODOO_API_KEY for the first url target, ODOO_B_API_KEY for the second, as the other credentials."""
    apps = [SimulatorApp("19.0", fresh=True) for _ in range(2)]
    with SimServer(apps[0]) as a, SimServer(apps[1]) as b:
        monkeypatch.setenv("ODOO_DB", "odoo")
        monkeypatch.setenv("ODOO_PASSWORD", "admin")
        monkeypatch.setenv("ODOO_API_KEY", apps[0].issue_api_key("admin"))
        monkeypatch.setenv("ODOO_B_API_KEY", apps[1].issue_api_key("admin"))
        assert main(["diff", "--api", "json2", "--targets", f"url:{a.url}", f"url:{b.url}"]) == 0
    assert "0 different" in capsys.readouterr().out


def test_the_json2_allow_list_names_exchanges_of_the_script() -> None:
    """The differences between the simulator and real 19.0 over JSON-2, each explained (README,
    Differential mode); a label that is not in the script would explain nothing."""
    allowed = load_allow_list(Path(__file__).parent / "diff" / "json2-19.0.yaml")
    labels = {exchange["label"] for exchange in load("19.0")["exchanges"]}
    assert allowed and set(allowed) <= labels - JSON2_NOT_SENT
