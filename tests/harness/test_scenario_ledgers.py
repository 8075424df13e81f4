"""The ledgers of the scenarios a target plays one after another (``odoo-harness run``)."""

from __future__ import annotations

import pytest

from harness.engine import ledger as ledger_module
from harness.scenarios.execute import play
from harness.scenarios.model import SCENARIOS_DIR, load_scenario


def test_scenarios_played_one_after_another_run_their_ledgers_on_one_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each scenario has a ledger of its own, closed when it ends, whose engine the next one runs on:
    SQLAlchemy compiled the syncs' statements again for every new engine, a tenth of the main job's CPU."""
    made: list[str] = []
    real = ledger_module.new_engine
    monkeypatch.setattr(ledger_module, "new_engine", lambda url: made.append(url) or real(url))
    monkeypatch.setattr(ledger_module._SpareEngines, "_idle", {})
    for name in ("concurrency/same-tenant-twice.yaml", "idempotent-retries/lost-plan-create.yaml"):
        assert play(load_scenario(SCENARIOS_DIR / name), "17.0").failures == []
    assert len([url for url in made if "template.sqlite" not in url]) == 1
