"""The control API's part shared by the simulator and the fault proxy: the fault rules
(``GET / POST / DELETE /__sim__/faults``, JSON) and the call and fault counts that
``/__sim__/stats`` reports."""

from __future__ import annotations

import json
import threading
from collections import Counter
from typing import Any

from werkzeug.wrappers import Request, Response

from simulator.faults import FaultPlan, FaultRule, FaultRuleError, parse_rules

JSON_TYPE = "application/json"


class FaultControl:
    """Mixed into a WSGI app; ``init_control()`` in its constructor."""

    faults: FaultPlan
    calls: Counter[str]

    def init_control(self) -> None:
        self.faults = FaultPlan()
        self.calls = Counter()
        self._calls_lock = threading.Lock()

    def count_call(self, model: str, method: str) -> None:
        with self._calls_lock:
            self.calls[f"{model}.{method}"] += 1

    def fault_rule(self, model: str, method: str) -> FaultRule | None:
        """A call received (counted as ``model.method``) and the fault rule that fires for it, if any."""
        self.count_call(model, method)
        return self.faults.pick(model, method) if self.faults.rules else None

    def clear_counts(self) -> None:
        with self._calls_lock:
            self.calls.clear()

    def call_stats(self) -> dict[str, Any]:
        """The calls received, by ``model.method``, and how often each fault rule fired."""
        with self._calls_lock:
            calls = dict(self.calls)
        return {"calls": sum(calls.values()), "by_method": calls, "faults": self.fault_counts()}

    def on_sim_faults(self, request: Request) -> Response:
        if request.method == "GET":
            return json_response(self.faults.describe())
        if request.method == "DELETE":
            self.faults.clear()
            return json_response({"rules": 0})
        try:
            rules = parse_rules(json.loads(request.get_data() or b"null"))
        except (FaultRuleError, json.JSONDecodeError) as exc:
            return json_response({"error": str(exc)}, status=400)
        self.faults.replace(rules)
        return json_response({"rules": len(rules)})

    def fault_counts(self) -> dict[str, int]:
        return {f"{r.model}:{r.method}:{r.action}": r.fired for r in self.faults.rules}


def json_response(data: Any, status: int = 200) -> Response:
    return Response(json.dumps(data), status=status, content_type=JSON_TYPE)
