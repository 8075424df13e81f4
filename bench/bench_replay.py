"""Replaying a cassette against a live sync: what a CI job replaying customer traffic pays.

    python bench/bench_replay.py [--lines 1000] [--rounds 5]

One process, one run: a first sync of N budget lines is recorded from a fresh 17.0
simulator; then, in interleaved rounds, the same first sync runs live into a fresh
simulator (the baseline) and from the cassette alone (``replay_cassette``). Medians, and
the ratio of replay to live time.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from bench_sync import make_grants

from harness.cassettes.record import record
from harness.cassettes.replay import replay_cassette
from harness.engine.client import OdooClient
from harness.engine.ledger import Ledger
from harness.engine.sync import SyncEngine
from harness.targets import parse_target
from simulator.app import SimulatorApp
from simulator.server import SimServer


def live_sync(lines: int, folder: Path, number: int) -> float:
    grants = make_grants(lines)
    with SimServer(SimulatorApp("17.0")) as server:
        ledger = Ledger(f"sqlite:///{folder / f'live{number}.sqlite'}")
        engine = SyncEngine(
            OdooClient(server.url, "odoo", "admin", "admin", tenant=grants.tenant, ledger=ledger), ledger
        )
        started = time.perf_counter()
        assert engine.sync(grants).ok
        return time.perf_counter() - started


def replayed(cassette: Path) -> float:
    started = time.perf_counter()
    report = replay_cassette(cassette)
    assert report.ok, report.text()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work)
        cassette = folder / "first-sync.yaml"
        recording = record(parse_target("sim:17.0"), make_grants(args.lines), cassette)
        live, replay = [], []
        for number in range(args.rounds):
            live.append(live_sync(args.lines, folder, number))
            replay.append(replayed(cassette))
        size = cassette.stat().st_size
    live_s, replay_s = statistics.median(live), statistics.median(replay)
    print(f"first sync of {args.lines:,} budget lines: {recording.interactions} calls, cassette {size / 1e6:.1f} MB")
    print(f"{'live sync into the simulator (baseline)':42} {live_s:8.2f} s   1.00")
    print(f"{'replay from the cassette':42} {replay_s:8.2f} s   {replay_s / live_s:4.2f}")


if __name__ == "__main__":
    main()
