"""Counting results the one way every report counts them: a skip is never a pass, and an
expected degradation is counted apart from both."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from harness.runner import DEGRADED, PASS, SKIP, ScenarioResult


@dataclass(frozen=True)
class Tally:
    passed: int
    failed: int
    skipped: int
    degraded: int

    @classmethod
    def of(cls, results: Iterable[ScenarioResult]) -> Tally:
        results = list(results)
        return cls(
            passed=sum(r.status == PASS for r in results),
            failed=sum(r.failed for r in results),
            skipped=sum(r.status == SKIP for r in results),
            degraded=sum(r.status == DEGRADED for r in results),
        )

    def line(self) -> str:
        """``N passed, N failed, N skipped`` (and the expected degradations when there are any)."""
        text = f"{self.passed} passed, {self.failed} failed, {self.skipped} skipped"
        return text + (f", {self.degraded} expected degradations" if self.degraded else "")
