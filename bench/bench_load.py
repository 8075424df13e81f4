"""Distributed load: per-tenant throughput and p95 at several tenant counts, a master and two workers.

    python bench/bench_load.py [--tenants 1 10 50] [--seconds 60] [--odoo-version 17.0]
    python bench/bench_load.py --upstream http://127.0.0.1:8017 --fresh "COMMAND THAT MAKES DB FRESH"

Each round starts its target afresh in a process of its own (``odoo-harness simulate``, or
``odoo-harness proxy --upstream URL`` with no fault rule; ``--fresh CMD`` first makes the real
database fresh, and Analytic Accounting is switched on as an admin does), then ``loadtests/locustfile.py`` as a
master and two workers on loopback: N tenants spawned at once, each syncing for --seconds
(``LOAD_SYNCS`` high enough never to stop them first). The master's statistics give the syncs
(first syncs and re-syncs) and their response times; the master's exit code, the invariants.
The baseline is the one-tenant round of the same run: what one tenant gets when alone.
Database ``odoo``, admin/admin: the simulator's, and a fresh server's as ``container:`` targets make it.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from harness.containers import DB, LOGIN, PASSWORD, enable_analytic

ROOT = Path(__file__).resolve().parents[1]
LOCUSTFILE = ROOT / "loadtests" / "locustfile.py"
CLI = Path(sys.executable).with_name("odoo-harness")
SYNCS = ("first sync", "re-sync")


@dataclass(frozen=True)
class Round:
    tenants: int
    syncs: int
    seconds: float
    p95_ms: float
    re_sync_p95_ms: float
    failed: int
    by_worker: dict[str, int]
    verdict: str
    problems: list[str]

    @property
    def per_tenant(self) -> float:
        """Syncs per second per tenant: what each customer gets while the others sync."""
        return self.syncs / self.tenants / self.seconds


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_listening(port: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise SystemExit(f"bench_load: nothing listens on 127.0.0.1:{port} after {seconds:.0f} s")


def target_command(args: argparse.Namespace, port: int) -> list[str]:
    if args.upstream:
        return [str(CLI), "proxy", "--upstream", args.upstream, "--port", str(port)]
    return [str(CLI), "simulate", "--odoo-version", args.odoo_version, "--port", str(port)]


def percentile(times: dict[str, int], share: float) -> float:
    """From locust's histogram (response time in ms, rounded -> count)."""
    ordered = sorted((float(ms), count) for ms, count in times.items())
    rank, seen = share * sum(count for _ms, count in ordered), 0
    for ms, count in ordered:
        seen += count
        if seen >= rank:
            return ms
    return 0.0


def run_round(args: argparse.Namespace, tenants: int, folder: Path) -> Round:
    target_port, master_port = free_port(), free_port()
    env = {
        **os.environ,
        "ODOO_DB": DB,
        "ODOO_LOGIN": LOGIN,
        "ODOO_PASSWORD": PASSWORD,
        "LOAD_SYNCS": "1000",
        "LOAD_MAX_SECONDS": str(args.seconds),
        "LOAD_LEDGER": f"sqlite:///{folder / 'ledger.sqlite'}",
        "LOAD_SUMMARY": str(folder / "summary.json"),
        "LOAD_RUN": f"b{tenants}-{os.getpid()}",
    }
    locust = [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE)]
    if args.fresh:
        subprocess.run(shlex.split(args.fresh), check=True, stdout=subprocess.DEVNULL, timeout=300)
    if args.upstream:
        enable_analytic(args.upstream)
    with ExitStack() as stack:
        log = stack.enter_context((folder / "processes.out").open("w"))

        def start(command: list[str]) -> subprocess.Popen:
            process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
            stack.callback(_stop, process)
            return process

        start(target_command(args, target_port))
        wait_listening(target_port)
        master = start(
            [*locust, "--headless", "--master", "--master-bind-host", "127.0.0.1", "--master-bind-port",
             str(master_port), "--expect-workers", "2", "-u", str(tenants), "-r", str(tenants),
             "--run-time", f"{args.seconds}s", "--host", f"http://127.0.0.1:{target_port}",
             "--json-file", str(folder / "stats"), "--only-summary"]
        )  # fmt: skip
        for _worker in range(2):
            start([*locust, "--worker", "--master-host", "127.0.0.1", "--master-port", str(master_port)])
        code = master.wait(timeout=args.seconds + 900)
    rows = json.loads((folder / "stats.json").read_text())
    return measured(tenants, args.seconds, rows, folder / "summary.json", code)


def _stop(process: subprocess.Popen) -> None:
    """Workers quit with the master; the target is stopped (SIGTERM, then SIGKILL after 10 s)."""
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def measured(tenants: int, seconds: float, rows: list[dict], summary_path: Path, code: int) -> Round:
    """The round's figures; its length is the run's bound, ramp-up included (the tenants start at once)."""
    syncs = [row for row in rows if row["method"] == "sync" and row["name"] in SYNCS]
    times: dict[str, int] = {}
    for row in syncs:
        for ms, count in row["response_times"].items():
            times[ms] = times.get(ms, 0) + count
    re_sync = next((row["response_times"] for row in syncs if row["name"] == "re-sync"), {})
    summary = json.loads(summary_path.read_text()) if summary_path.exists() else {}
    return Round(
        tenants,
        sum(row["num_requests"] for row in syncs),
        seconds,
        percentile(times, 0.95),
        percentile(re_sync, 0.95),
        sum(row["num_failures"] for row in syncs),
        summary.get("workers", {}),
        {0: "hold", 1: "BROKEN"}.get(code, f"exit {code}"),
        [f"{tenant}: {problem[:300]}" for tenant, found in summary.get("problems", {}).items() for problem in found],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tenants", type=int, nargs="+", default=[1, 10, 50])
    parser.add_argument("--seconds", type=int, default=60, help="each round's length (default 60)")
    parser.add_argument("--odoo-version", default="17.0", help="the simulator's version (default 17.0)")
    parser.add_argument("--upstream", help="a real Odoo on loopback, loaded through `odoo-harness proxy`")
    parser.add_argument("--fresh", metavar="CMD", help="a command run before each round, making the database fresh")
    args = parser.parse_args()
    target = f"proxy -> {args.upstream}" if args.upstream else f"simulate --odoo-version {args.odoo_version}"
    print(f"target: {target}; a master and 2 workers; {args.seconds} s a round; load average {os.getloadavg()[0]:.1f}")
    columns = ("tenants", "syncs (failed)", "syncs/s per tenant", "vs 1 tenant", "sync p95", "re-sync p95")
    print(f"| {' | '.join(columns)} | syncs per worker | invariants |\n{'|---' * (len(columns) + 2)}|")
    baseline = None
    for tenants in args.tenants:
        with tempfile.TemporaryDirectory(prefix="bench-load-") as folder:
            result = run_round(args, tenants, Path(folder))
        baseline = baseline or result.per_tenant
        workers = " / ".join(str(result.by_worker.get(str(index), 0)) for index in range(2))
        print(
            f"| {tenants} | {result.syncs} ({result.failed}) | {result.per_tenant:.2f} "
            f"| {result.per_tenant / baseline:.2f}x | {result.p95_ms:.0f} ms | {result.re_sync_p95_ms:.0f} ms "
            f"| {workers} | {result.verdict} |",
            flush=True,
        )
        if result.problems:
            print(f"  broken invariants ({len(result.problems)}), the first:", *result.problems[:5], sep="\n    ")


if __name__ == "__main__":
    main()
