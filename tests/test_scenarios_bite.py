"""Mutation tests: break one guarantee of the engine and the matching scenario must fail.

A suite that passes whatever the engine does proves nothing; these show each
guarantee has a scenario that bites.
"""

from __future__ import annotations

import pytest

from harness.engine import client as client_module
from harness.engine import plan as plan_module
from harness.engine.sync import SyncEngine
from harness.scenarios.execute import play
from harness.scenarios.model import SCENARIOS_DIR, load_scenario


def scenario(path: str):
    return load_scenario(SCENARIOS_DIR / path)


class Everything(frozenset):
    """An allow-list that allows every model: the guard bypassed."""

    def __contains__(self, item: object) -> bool:
        return True


@pytest.mark.parametrize("path", ["idempotent-retries/lost-account-create.yaml",
                                  "idempotent-retries/lost-project-create.yaml"])
def test_without_the_idempotency_check_lost_responses_duplicate(monkeypatch: pytest.MonkeyPatch,
                                                                path: str) -> None:
    assert play(scenario(path), "17.0").failures == []
    monkeypatch.setattr(SyncEngine, "_resolve", lambda self, pending, result, todo: todo)
    failures = play(scenario(path), "17.0").failures
    assert any("duplicate" in f for f in failures), failures


def test_with_the_guard_bypassed_forbidden_writes_are_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    path = "forbidden-models/partner-write-refused.yaml"
    assert play(scenario(path), "18.0").failures == []
    monkeypatch.setattr(client_module, "ALLOWED_MODELS", Everything())
    failures = play(scenario(path), "18.0").failures
    assert any("the guard let it through" in f for f in failures), failures
    assert any("forbidden mutation: write on res.partner" in f for f in failures), failures


def test_an_update_key_without_revision_swallows_a_later_change(monkeypatch: pytest.MonkeyPatch) -> None:
    path = "plan-tagging/rename-back-and-forth.yaml"
    assert play(scenario(path), "16.0").failures == []

    def write_without_revision(tenant, model, entity, entity_id, verb, values, current):
        return plan_module.Mutation(model, "write", entity, entity_id, verb, values,
                                    plan_module.key(tenant, entity, entity_id, verb), record_id=current["id"])

    monkeypatch.setattr(plan_module, "_write", write_without_revision)
    failures = play(scenario(path), "16.0").failures
    assert any("updated = 0, expected 1" in f and "1 skipped" in f for f in failures), failures
    assert any("wrong: account 'PRJ-001/2.1' is 'Regional flights'" in f for f in failures), failures
