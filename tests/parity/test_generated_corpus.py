"""The generated differential corpus (harness/parity/generated.py), recorded from fresh real
16.0 to 19.0 servers, replayed on the simulator: every answer identical but the known gaps,
listed per version in harness/parity/recorded/generated/<version>.gaps and kept exact both ways."""

from __future__ import annotations

import pytest

from harness.parity.generated import CORPUS_DIR, known_gaps, load_generated, replay_on_simulator

VERSIONS = sorted(path.stem for path in CORPUS_DIR.glob("*.json"))


def test_every_simulated_version_has_a_generated_corpus() -> None:
    from simulator.profile import available_versions

    assert available_versions() == VERSIONS


@pytest.mark.parametrize("version", VERSIONS)
def test_the_corpus_is_wide(version: str) -> None:
    labels = [exchange["label"] for exchange in load_generated(version)]
    assert len(labels) >= 1000 and len(labels) == len(set(labels))
    assert sum(label.startswith("gen.domain.") for label in labels) >= 500


@pytest.mark.parametrize("version", VERSIONS)
def test_the_simulator_answers_as_the_real_server_but_for_the_known_gaps(version: str) -> None:
    report = replay_on_simulator(version)
    print(report.summary())
    gaps = set(known_gaps(version))
    new = sorted(set(report.different) - gaps)
    fixed = sorted(gaps - set(report.different))
    assert not new, f"{len(new)} answers newly differ from the real server: {new[:20]}"
    assert not fixed, f"{len(fixed)} listed gaps now answer as the real server: take them off the list: {fixed[:20]}"
