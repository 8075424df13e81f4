"""Simulator throughput beside a bare stdlib XML-RPC server, measured in one run.

    python bench/bench_simulator.py [--calls 1500] [--lines 100000]

Prints calls/s for: the bare ``SimpleXMLRPCServer`` answering a constant (the baseline),
the same with HTTP/1.1 keep-alive, and answering a constant list of 80 partner-like records,
the simulator's
``search_read`` of 80 records and its ``create``; then the ratios against the baseline, and
the latency of an indexed search over N analytic lines. Every loop is bounded by --calls.
"""

from __future__ import annotations

import argparse
import functools
import statistics
import threading
import time
import xmlrpc.client
from collections.abc import Callable
from xmlrpc.server import SimpleXMLRPCRequestHandler, SimpleXMLRPCServer

from simulator.app import SimulatorApp
from simulator.orm import Env
from simulator.server import SimServer

RECORD = {
    "id": 1,
    "name": "Benchmark Partner 000",
    "city": "Kampala",
    "ref": "BENCH",
    "parent_id": [1, "My Company"],
    "is_company": False,
}


class KeepAliveHandler(SimpleXMLRPCRequestHandler):
    """HTTP/1.1 so the baseline, like the simulator, reuses its connection."""

    protocol_version = "HTTP/1.1"

    def log_request(self, *args: object) -> None:
        return None


def bare_server(answer: object, keep_alive: bool) -> tuple[SimpleXMLRPCServer, str]:
    handler = KeepAliveHandler if keep_alive else SimpleXMLRPCRequestHandler
    server = SimpleXMLRPCServer(("127.0.0.1", 0), requestHandler=handler, logRequests=False, allow_none=False)
    server.register_function(lambda *args: answer, "execute_kw")
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def rate(calls: int, fn: Callable[[], object]) -> float:
    """Calls per second over ``calls`` calls."""
    started = time.perf_counter()
    for _ in range(calls):
        fn()
    return calls / (time.perf_counter() - started)


def bench_rpc(calls: int, rounds: int = 5) -> dict[str, float]:
    """Median calls/s per subject over interleaved rounds, so machine noise hits every
    subject alike; each subject has its own connection."""
    servers, subjects = [], {}
    for label, answer, keep_alive in (
        ("bare server, constant True (HTTP/1.0 default)", True, False),
        ("bare server, constant True, keep-alive", True, True),
        ("bare server, constant 80 records, keep-alive", [RECORD] * 80, True),
    ):
        server, url = bare_server(answer, keep_alive)
        servers.append(server)
        proxy = xmlrpc.client.ServerProxy(url)
        subjects[label] = (
            proxy,
            functools.partial(proxy.execute_kw, "odoo", 2, "x", "res.partner", "search_read", [[]]),
        )
    with SimServer(SimulatorApp("17.0")) as sim:
        proxy = xmlrpc.client.ServerProxy(sim.url + "/xmlrpc/2/object")
        proxy.execute_kw(
            "odoo",
            2,
            "admin",
            "res.partner",
            "create",
            [
                [
                    {"name": f"Benchmark Partner {i:03}", "city": "Kampala", "ref": "BENCH", "parent_id": 1}
                    for i in range(80)
                ]
            ],
        )
        fields = ["name", "city", "ref", "parent_id", "is_company"]
        subjects["simulator search_read, 80 records"] = (
            proxy,
            functools.partial(
                proxy.execute_kw,
                "odoo",
                2,
                "admin",
                "res.partner",
                "search_read",
                [[["ref", "=", "BENCH"]]],
                {"fields": fields},
            ),
        )
        subjects["simulator create"] = (
            proxy,
            functools.partial(
                proxy.execute_kw, "odoo", 2, "admin", "res.partner", "create", [{"name": "Created", "ref": "NEW"}]
            ),
        )
        samples: dict[str, list[float]] = {label: [] for label in subjects}
        for _ in range(rounds):
            for label, (_proxy, call) in subjects.items():
                for _ in range(20):  # warm the connection and caches
                    call()
                samples[label].append(rate(max(calls // rounds, 1), call))
    for proxy, _call in subjects.values():
        proxy("close")()  # single-threaded baselines serve one connection at a time
    for server in servers:
        server.shutdown()
        server.server_close()
    return {label: statistics.median(values) for label, values in samples.items()}


def bench_indexed_search(lines: int, calls: int) -> dict[str, float]:
    """Latency of indexed searches over ``lines`` analytic lines (XML-RPC round trip)."""
    app = SimulatorApp("17.0")
    db = app.registry.get("odoo")
    env = Env(db, 2, {})
    started = time.perf_counter()
    with db.store.transaction():
        accounts = [
            env["account.analytic.account"].create({"name": f"A{i}", "code": f"A{i}", "plan_id": 1}) for i in range(100)
        ]
        rows = [
            (i + 1, f"L{i}", float(i % 97), accounts[i % 100], f"2024-{i % 12 + 1:02}-01", 1, 1) for i in range(lines)
        ]
        db.store.conn.executemany(
            "INSERT INTO account_analytic_line (id, name, amount, account_id, date, company_id, "
            "currency_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
    db.store.bump_sequence("account_analytic_line", lines)
    load_seconds = time.perf_counter() - started
    with SimServer(app) as sim:
        proxy = xmlrpc.client.ServerProxy(sim.url + "/xmlrpc/2/object")
        timings = []
        for n in range(min(calls, 200)):
            t0 = time.perf_counter()
            found = proxy.execute_kw(
                "odoo",
                2,
                "admin",
                "account.analytic.line",
                "search",
                [[["account_id", "=", accounts[n % 100]]]],
                {"limit": 80},
            )
            timings.append(time.perf_counter() - t0)
            assert len(found) == 80
        t0 = time.perf_counter()
        groups = proxy.execute_kw(
            "odoo", 2, "admin", "account.analytic.line", "read_group", [[], ["amount:sum"], ["account_id"]]
        )
        group_ms = (time.perf_counter() - t0) * 1000
        assert len(groups) == 100
    return {
        "load s": load_seconds,
        "median search ms": statistics.median(timings) * 1000,
        "p95 search ms": sorted(timings)[int(len(timings) * 0.95)] * 1000,
        "read_group over all lines ms": group_ms,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000, help="calls per subject (in 5 rounds)")
    parser.add_argument("--lines", type=int, default=100_000)
    args = parser.parse_args()
    results = bench_rpc(args.calls)
    baseline = results["bare server, constant True (HTTP/1.0 default)"]
    print(f"{'measurement':45} {'calls/s':>9} {'ratio to baseline':>18}")
    for label, value in results.items():
        print(f"{label:45} {value:9.0f} {value / baseline:18.2f}")
    print()
    print(f"indexed search over {args.lines:,} analytic lines (account_id = X, limit 80):")
    for label, value in bench_indexed_search(args.lines, args.calls).items():
        print(f"  {label:30} {value:9.2f}")


if __name__ == "__main__":
    main()
