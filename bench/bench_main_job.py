"""The main job's cost: ``odoo-harness run`` with no argument, wall and CPU time.

    python bench/bench_main_job.py [--rounds 1] [--no-baseline]

Each round runs the main job as a user does (a subprocess), with its targets in processes (the
default), and as a baseline the same run with its targets in threads of one process (as before
issue 16), interleaved. CPU time is the run's and its children's (user + system), so on a machine
other work shares, wall time says how long one waited and CPU time what the job itself costs.
Target (issue 16): under 30 s wall on this 2-core machine when it is quiet. Exits 1 if a run
did not exit 0: a fast run that fails proves nothing.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COMMAND = [str(Path(sys.executable).with_name("odoo-harness")), "run"]
#: the same command, its targets run in threads (``run_suites(mode="threads")``)
BASELINE = [
    sys.executable,
    "-c",
    "import functools, sys, harness.runner as runner; "
    "runner.run_suites = functools.partial(runner.run_suites, mode='threads'); "
    "from harness.cli import main; sys.exit(main(['run']))",
]


@dataclass
class Timing:
    wall: float
    cpu: float
    code: int
    summary: str


def timed(command: list[str]) -> Timing:
    """One run: its wall time, and the CPU time of it and every process it waited for."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    lines = done.stdout.strip().splitlines() or done.stderr.strip().splitlines() or ["(no output)"]
    summary = next((line for line in lines if " passed, " in line), lines[-1])
    return Timing(wall, cpu, done.returncode, summary)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--no-baseline", action="store_true", help="time the main job only")
    args = parser.parse_args()
    variants = {"processes": COMMAND} | ({} if args.no_baseline else {"threads (baseline)": BASELINE})
    timings: dict[str, list[Timing]] = {name: [] for name in variants}
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; {os.cpu_count()} CPUs")
    print(f"{'round':>5}  {'mode':20} {'wall s':>7} {'CPU s':>7} {'exit':>4}  summary")
    for number in range(1, args.rounds + 1):
        for name, command in variants.items():
            timing = timed(command)
            timings[name].append(timing)
            print(f"{number:>5}  {name:20} {timing.wall:7.1f} {timing.cpu:7.1f} {timing.code:>4}  {timing.summary}")
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    medians = {name: statistics.median(t.wall for t in runs) for name, runs in timings.items()}
    for name, runs in timings.items():
        cpu = statistics.median(t.cpu for t in runs)
        print(f"median {name}: {medians[name]:.1f} s wall, {cpu:.1f} s CPU")
    if len(medians) == 2:
        print(f"wall time, threads / processes: {medians['threads (baseline)'] / medians['processes']:.2f}x")
    failed = [name for name, runs in timings.items() if any(t.code != 0 for t in runs)]
    if failed:
        print(f"a run did not exit 0 ({', '.join(failed)}): the timings prove nothing", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
