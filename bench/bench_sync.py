"""Sync engine cost: calls sent and seconds for 1,000 and 10,000 budget lines.

    python bench/bench_sync.py [--lines 1000 10000] [--version 17.0]

First sync into a fresh simulator (over HTTP, the real transport), then a re-sync with
nothing changed. Targets (issue 3): first sync of 1,000 lines in at most 30 calls;
re-sync in at most 5 calls with zero mutations.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from harness.engine.client import OdooClient
from harness.engine.grants import BudgetLine, Grants, Project
from harness.engine.ledger import Ledger
from harness.engine.sync import SyncEngine
from simulator.app import SimulatorApp
from simulator.server import SimServer

CATEGORIES = ("HR", "TRV", "EQP", "IND")
LINES_PER_PROJECT = 20


def make_grants(lines: int) -> Grants:
    projects = []
    for p in range(max(lines // LINES_PER_PROJECT, 1)):
        budget = [
            BudgetLine(id=f"{n % 4 + 1}.{n}", name=f"Line {n} of {p}", category=CATEGORIES[n % 4], amount=1000.0 + n)
            for n in range(LINES_PER_PROJECT)
        ]
        projects.append(Project(id=f"PRJ-{p:04}", name=f"Project {p:04}", donor="EU", budget_lines=budget))
    return Grants(tenant="bench", projects=projects)


def measure(version: str, lines: int) -> list[tuple[str, int, int, float]]:
    grants = make_grants(lines)
    rows = []
    with tempfile.TemporaryDirectory() as folder, SimServer(SimulatorApp(version)) as server:
        ledger = Ledger(f"sqlite:///{Path(folder) / 'ledger.sqlite'}")
        client = OdooClient(server.url, "odoo", "admin", "admin", tenant="bench", ledger=ledger)
        engine = SyncEngine(client, ledger)
        for label in ("first sync", "re-sync"):
            started = time.perf_counter()
            result = engine.sync(grants)
            assert result.ok, result.failed[:3]
            rows.append((label, result.calls, result.mutations, time.perf_counter() - started))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--version", default="17.0")
    args = parser.parse_args()
    print(f"{'budget lines':>12}  {'run':10} {'calls':>6} {'mutating':>9} {'seconds':>8}")
    for lines in args.lines:
        for label, calls, mutations, seconds in measure(args.version, lines):
            print(f"{lines:>12,}  {label:10} {calls:>6} {mutations:>9} {seconds:>8.2f}")


if __name__ == "__main__":
    main()
