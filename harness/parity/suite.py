"""The ``parity`` suite: the recorded real-Odoo conversation as scenarios.

Exchanges are grouped by the first part of their label (``common``, ``partner``,
``domain``, ``analytic``...); a group passes on a target when every answer is the one
real Odoo of that version gave. Against a real server (``url:``) it needs a fresh
database, like the recording did. A version with no recorded corpus (one the harness has
not validated) has nothing to compare with: the suite is one skip saying so.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

from harness.parity.conversation import used_database
from harness.parity.corpus import Credentials, load_corpus
from harness.parity.replay import replay_exchanges
from harness.runner import FAIL, PASS, SKIP, ScenarioResult
from harness.targets import Endpoint, Target, server_serie
from harness.versions import corpus_path


class ParitySuite:
    name = "parity"

    def run(self, target: Target, endpoint: Endpoint) -> Iterator[ScenarioResult]:
        """Replay the whole conversation in order (later calls build on earlier ones),
        then report it group by group."""
        version = target.version or server_serie(endpoint.url)
        if endpoint.api != "xmlrpc":
            yield ScenarioResult(
                self.name,
                "corpus",
                target.name,
                SKIP,
                "the parity corpus is XML-RPC (run on this server's XML-RPC column); JSON-2's "
                "recorded answers are replayed by tests/simulator/test_json2_simulator.py",
            )
            return
        if corpus_path(version) is None:
            yield ScenarioResult(
                self.name,
                "corpus",
                target.name,
                SKIP,
                f"no parity corpus recorded for Odoo {version}: `odoo-harness capture` records one",
            )
            return
        exchanges = load_corpus(version)["exchanges"]
        credentials = Credentials(endpoint.db, endpoint.login, endpoint.password)
        started = time.perf_counter()
        report = replay_exchanges(exchanges, endpoint.url, credentials)
        per_call = (time.perf_counter() - started) / max(len(exchanges), 1)
        hint = used_database(
            {label: d["got"] for label, d in report.different.items()},
            {label: d["expected"] for label, d in report.different.items()},
        )
        groups: dict[str, list[str]] = {}
        for exchange in exchanges:
            groups.setdefault(exchange["label"].split(".")[0], []).append(exchange["label"])
        for group, labels in groups.items():
            different = [label for label in labels if label in report.different]
            detail = "; ".join(
                f"{label}: expected {json.dumps(report.different[label]['expected'])[:160]} "
                f"got {json.dumps(report.different[label]['got'])[:160]}"
                for label in different[:3]
            )
            if hint and different:
                detail = f"hint: {hint}; {detail}"
            yield ScenarioResult(
                self.name,
                group,
                target.name,
                FAIL if different else PASS,
                detail,
                calls=len(labels),
                seconds=per_call * len(labels),
            )
