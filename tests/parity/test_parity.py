"""The parity corpus: every call recorded against real Odoo, replayed on the simulator.

The corpus (harness/parity/recorded/corpus/<version>.json) is what real 16.0 to 19.0 servers
answered to one scripted conversation; every answer of the simulator must be identical.
"""

from __future__ import annotations

import json

import pytest

from harness.parity.corpus import load_corpus
from harness.parity.replay import replay_simulator
from tests.support.odoo import VERSIONS


@pytest.mark.parametrize("version", VERSIONS)
def test_simulator_answers_as_real_odoo(version: str) -> None:
    report = replay_simulator(version)
    print(report.summary())
    assert report.total == len(load_corpus(version)["exchanges"])
    assert not report.different, "answers differing from real Odoo:\n" + "\n".join(
        f"{label}:\n  real {json.dumps(d['expected'])[:300]}\n  sim  {json.dumps(d['got'])[:300]}"
        for label, d in report.different.items()
    )


@pytest.mark.parametrize("version", VERSIONS)
def test_corpus_is_large_unique_and_free_of_secrets(version: str) -> None:
    corpus = load_corpus(version)
    assert len(corpus["exchanges"]) >= 80
    labels = [e["label"] for e in corpus["exchanges"]]
    assert len(labels) == len(set(labels))
    text = json.dumps(corpus)
    assert '"admin"' not in text, "credentials must be placeholders"
    assert "<password>" in text and "<db>" in text


def test_missing_corpus_names_the_recorded_versions() -> None:
    expected = r"no parity corpus for Odoo 99.0 .*recorded versions: 16.0, 17.0, 18.0, 19.0"
    with pytest.raises(FileNotFoundError, match=expected):
        load_corpus("99.0")


@pytest.mark.parametrize("version", VERSIONS)
def test_the_script_still_matches_its_recording(version: str) -> None:
    """Re-running the conversation script (not the recorded calls) on the simulator gives
    the recorded calls and answers: the script and the corpus have not drifted apart."""
    from harness.parity.conversation import run_conversation
    from simulator.app import SimulatorApp
    from simulator.server import SimServer

    with SimServer(SimulatorApp(version, fresh=True)) as server:
        exchanges = run_conversation(server.url, "odoo", "admin", "admin")
    recorded = load_corpus(version)["exchanges"]
    assert [e["label"] for e in exchanges] == [e["label"] for e in recorded]
    assert [e["call"] for e in exchanges] == [e["call"] for e in recorded]
    assert [e["answer"] for e in exchanges] == [e["answer"] for e in recorded]


def test_answers_compare_with_their_types() -> None:
    """A NULL group (False) is not a zero group (0.0), nor an int a double, over XML-RPC."""
    from harness.parity.replay import same_answer

    assert same_answer({"ok": [{"a": 1.0, "b": False}]}, {"ok": [{"b": False, "a": 1.0}]})
    assert not same_answer({"ok": False}, {"ok": 0.0})
    assert not same_answer({"ok": 1}, {"ok": 1.0})
