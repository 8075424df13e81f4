"""The fault rules' part of the control API, the same on the simulator and the fault proxy:
``GET / POST / DELETE /__sim__/faults`` (JSON) and the rules' counts for ``/__sim__/stats``."""

from __future__ import annotations

import json
from typing import Any

from werkzeug.wrappers import Request, Response

from simulator.faults import FaultPlan, FaultRuleError, parse_rules

JSON_TYPE = "application/json"


class FaultControl:
    faults: FaultPlan

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
