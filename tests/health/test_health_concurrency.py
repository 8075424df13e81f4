"""Many tenants at once: a hung Odoo delays no other, and a round is bounded by the per-call timeout."""

from __future__ import annotations

import threading
import time
from collections import Counter
from pathlib import Path

import pytest

from harness.health.pool import run_all
from tests.support.health import at, make_monitor, silent_server, simulator, tenant, tenants_yaml, trickling_server

TIMEOUT = 2.0  # 190 probes at once on a loaded 2-core machine answer well within it
MARGIN = 1.5  # what a round may take beyond the per-call timeout (writing 200 rows included)


def test_200_tenants_10_hung_one_round_within_timeout_plus_margin(tmp_path: Path) -> None:
    with simulator() as sim, silent_server() as silent, trickling_server() as trickling:
        rows = [tenant(f"ok{n:03}", sim.url) for n in range(190)]
        rows += [tenant(f"silent{n}", silent) for n in range(5)]  # accepts, never answers
        rows += [tenant(f"trickle{n}", trickling) for n in range(5)]  # answers a byte every 0.2 s, forever
        monitor = make_monitor(
            tenants_yaml(rows),
            f"sqlite:///{tmp_path / 'ledger.sqlite'}",
            [],
            {"HEALTH_TEST_PASSWORD": "admin"},
            timeout=TIMEOUT,
        )
        for number, hung_state in ((0, "amber"), (1, "red")):
            started = time.perf_counter()
            healths = dict(monitor.tick(at(number)))
            elapsed = time.perf_counter() - started
            assert elapsed < TIMEOUT + MARGIN, f"round {number} took {elapsed:.2f} s"
            assert Counter(h.state.value for name, h in healths.items() if name.startswith("ok")) == {"green": 190}
            hung = [h for name, h in healths.items() if not name.startswith("ok")]
            assert {(h.state.value, h.error) for h in hung} == {(hung_state, "timeout: no answer within 2 s")}


def test_a_call_past_its_limit_is_answered_for_and_the_others_are_not_held() -> None:
    release = threading.Event()
    calls = {"hung": lambda: release.wait(30) and "late", **{f"quick{n}": (lambda n=n: n) for n in range(20)}}
    started = time.perf_counter()
    try:
        results = run_all(calls, workers=4, limit=0.3, overdue=lambda key: f"overdue {key}")
    finally:
        release.set()
    assert time.perf_counter() - started < 1.0
    assert results == {"hung": "overdue hung", **{f"quick{n}": n for n in range(20)}}


def test_waiting_for_a_worker_is_not_charged_to_a_call() -> None:
    never = threading.Event()
    calls = {n: (lambda n=n: never.wait(0.1) or n) for n in range(6)}  # each 0.1 s, one at a time: 0.6 s in all
    assert run_all(calls, workers=1, limit=0.5, overdue=lambda key: None) == {n: n for n in range(6)}


def test_a_bug_in_a_call_is_raised_not_reported_as_a_timeout() -> None:
    def broken() -> int:
        raise ZeroDivisionError("a bug")

    with pytest.raises(ZeroDivisionError, match="a bug"):
        run_all({"ok": lambda: 1, "broken": broken}, workers=2, limit=5, overdue=lambda key: 0)
