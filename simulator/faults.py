"""Fault rules: what the control API accepts at ``POST /__sim__/faults``.

A rule is ``{"model": glob, "method": glob, "action": ACTION, "times": N |
"probability": p, "seed": s, ...params}``. This module validates and matches
rules deterministically (a seeded RNG per rule); the transport-level actions
themselves are applied by the WSGI layer.
"""

from __future__ import annotations

import fnmatch
import random
import threading
from dataclasses import dataclass, field
from typing import Any

ACTIONS = (
    "error_before_commit", "drop_response_after_commit", "delay", "http_status",
    "reset_connection", "odoo_fault", "slow_down",
)
COMMON_KEYS = {"model", "method", "action", "times", "probability", "seed"}
ACTION_PARAMS = {
    "error_before_commit": {"message"},
    "drop_response_after_commit": set(),
    "delay": {"seconds"},
    "slow_down": {"seconds"},
    "http_status": {"status"},
    "reset_connection": set(),
    "odoo_fault": {"fault", "message"},
}


class FaultRuleError(ValueError):
    """A rule that cannot be used; the message names the rule and the key."""


@dataclass
class FaultRule:
    model: str
    method: str
    action: str
    times: int | None = None
    probability: float | None = None
    seed: int | None = None
    params: dict[str, Any] = field(default_factory=dict)
    fired: int = 0

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)

    def matches(self, model: str, method: str) -> bool:
        return fnmatch.fnmatchcase(model, self.model) and fnmatch.fnmatchcase(method, self.method)

    def draw(self) -> bool:
        """Whether this call is hit; counts down ``times`` or draws ``probability``."""
        if self.times is not None:
            return self.fired < self.times
        return self._rng.random() < (self.probability if self.probability is not None else 1.0)


def parse_rules(payload: Any) -> list[FaultRule]:
    """Validate a JSON list of rules; the first bad one raises with its index."""
    if not isinstance(payload, list):
        raise FaultRuleError("fault rules must be a JSON list of objects")
    return [_parse_rule(index, item) for index, item in enumerate(payload)]


def _parse_rule(index: int, item: Any) -> FaultRule:
    where = f"rule #{index}"
    if not isinstance(item, dict):
        raise FaultRuleError(f"{where}: must be an object, got {type(item).__name__}")
    action = item.get("action")
    if action not in ACTIONS:
        raise FaultRuleError(f"{where}: 'action' must be one of {', '.join(ACTIONS)}; got {action!r}")
    unknown = set(item) - COMMON_KEYS - ACTION_PARAMS[action]
    if unknown:
        raise FaultRuleError(f"{where}: unknown key(s) for {action}: {', '.join(sorted(unknown))}")
    if "times" in item and "probability" in item:
        raise FaultRuleError(f"{where}: give 'times' or 'probability', not both")
    times = item.get("times")
    if times is not None and (not isinstance(times, int) or isinstance(times, bool) or times < 0):
        raise FaultRuleError(f"{where}: 'times' must be a non-negative integer; got {times!r}")
    probability = item.get("probability")
    if probability is not None and not (isinstance(probability, (int, float))
                                        and 0 <= probability <= 1):
        raise FaultRuleError(f"{where}: 'probability' must be between 0 and 1; got {probability!r}")
    for key in ("model", "method"):
        if not isinstance(item.get(key, "*"), str):
            raise FaultRuleError(f"{where}: {key!r} must be a glob string")
    return FaultRule(
        model=item.get("model", "*"), method=item.get("method", "*"), action=action,
        times=times, probability=probability, seed=item.get("seed"),
        params={k: v for k, v in item.items() if k in ACTION_PARAMS[action]},
    )


class FaultPlan:
    """The active rules of one server; thread-safe, replaced as a whole."""

    def __init__(self) -> None:
        self.rules: list[FaultRule] = []
        self.lock = threading.Lock()

    def replace(self, rules: list[FaultRule]) -> None:
        with self.lock:
            self.rules = rules

    def clear(self) -> None:
        self.replace([])

    def pick(self, model: str, method: str) -> FaultRule | None:
        """The first matching rule that fires for this call (counted as fired)."""
        with self.lock:
            for rule in self.rules:
                if rule.matches(model, method) and rule.draw():
                    rule.fired += 1
                    return rule
        return None

    def describe(self) -> list[dict]:
        return [{"model": r.model, "method": r.method, "action": r.action, "times": r.times,
                 "probability": r.probability, "fired": r.fired, **r.params} for r in self.rules]
