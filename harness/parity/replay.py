"""Replay a recorded parity corpus against any server and compare the answers.

    python -m harness.parity.replay --version 17.0                  # the embedded simulator
    python -m harness.parity.replay --version 17.0 --url URL --db DB  # any server (fresh db)

Every recorded call is sent again exactly as recorded (``client.perform``), the
answer is normalised the same way and compared with what real Odoo answered.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from harness.parity.client import perform
from harness.parity.corpus import Credentials, load_corpus, normalise


@dataclass
class ParityReport:
    """Per-version outcome: which labels answered exactly as real Odoo did."""

    version: str
    identical: list[str] = field(default_factory=list)
    different: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return len(self.identical) + len(self.different)

    def summary(self) -> str:
        return f"Odoo {self.version}: {len(self.identical)}/{self.total} answers identical to real Odoo"


def replay_exchanges(
    exchanges: list[dict[str, Any]],
    url: str,
    credentials: Credentials,
    calibrate: Callable[[Any, dict], Any] | None = None,
) -> ParityReport:
    """``calibrate(answer, call)`` normalises further what a corpus recorded that way
    (the generated corpus: ``generated.normalise_generated``)."""
    report = ParityReport("")
    for exchange in exchanges:
        try:
            answer = normalise(perform(url, exchange["call"], credentials), credentials.db)
            if calibrate:
                answer = calibrate(answer, exchange["call"])
        except Exception as exc:
            answer = {"replay_error": f"{type(exc).__name__}: {exc}"}
        if same_answer(answer, exchange["answer"]):
            report.identical.append(exchange["label"])
        else:
            report.different[exchange["label"]] = {"expected": exchange["answer"], "got": answer}
    return report


def same_answer(a: Any, b: Any) -> bool:
    """Equal with types: Python's ``==`` takes ``False`` for ``0.0`` and ``1`` for ``1.0``, but
    XML-RPC tells a boolean, an int and a double apart, and so do clients."""
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def replay(version: str, url: str, credentials: Credentials) -> ParityReport:
    report = replay_exchanges(load_corpus(version)["exchanges"], url, credentials)
    report.version = version
    return report


def replay_simulator(version: str) -> ParityReport:
    """Replay against a fresh embedded simulator (Analytic Accounting off, as recorded)."""
    from simulator.app import SimulatorApp
    from simulator.server import SimServer

    with SimServer(SimulatorApp(version, db="odoo", fresh=True)) as server:
        return replay(version, server.url, Credentials("odoo", "admin", "admin"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m harness.parity.replay", description=__doc__.splitlines()[0])
    parser.add_argument("--version", required=True)
    parser.add_argument("--url", help="server to replay against (default: embedded simulator)")
    parser.add_argument("--db", default="odoo")
    parser.add_argument("--login", default="admin")
    parser.add_argument("--password-env", default="ODOO_PASSWORD")
    parser.add_argument("--show", type=int, default=10, help="differences to print")
    args = parser.parse_args(argv)
    if args.url:
        password = os.environ.get(args.password_env, "")
        report = replay(args.version, args.url, Credentials(args.db, args.login, password))
    else:
        report = replay_simulator(args.version)
    print(report.summary())
    for label, diff in list(report.different.items())[: args.show]:
        print(
            f"- {label}\n    expected {json.dumps(diff['expected'])[:400]}\n"
            f"    got      {json.dumps(diff['got'])[:400]}"
        )
    return 0 if not report.different else 1


if __name__ == "__main__":
    sys.exit(main())
