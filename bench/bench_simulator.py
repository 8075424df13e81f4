"""Simulator throughput beside a bare stdlib XML-RPC server, measured side by side in one run.

    python bench/bench_simulator.py [--calls 2100] [--rounds 15] [--lines 100000] [--odoo URL]

The baseline is the stdlib ``SimpleXMLRPCServer``, threaded (a thread per connection) and with
HTTP/1.1 keep-alive, answering a constant. Each simulator call has its own baseline, sent the same
request and answering the same value as a constant: ``create`` against the created id,
``search_read`` of 80 records against those 80 records (so both send equal bytes). And each call's
floor: the simulator's HTTP server (cheroot, as configured in ``simulator/server.py``) answering the
same bytes from a WSGI application that does nothing else, the cost of serving the call before any
simulator work. And the simulator's work alone: its WSGI application called in the benchmark's thread,
no socket, no HTTP, no client. The eight subjects are interleaved over ``--rounds`` rounds, each with
its own kept-alive connection: each subject's median calls/s, its ratio to its baseline's median, and
the median of the per-round ratios (see ``bench_rpc``). Then, per call, what the simulator's work may
take for a ratio of 1.0 (the bare server's time less the floor's) beside what it takes on the wire
(the simulator's less the floor's) and alone. With ``--odoo``, a real Odoo on loopback is measured
beside them, sent the same two calls (its database must be a scratch one: each ``create`` makes a
partner; credentials from ``ODOO_DB``, ``ODOO_LOGIN`` and ``ODOO_PASSWORD``, never the command line).
Then the latency of an indexed search over N analytic lines. Every loop is bounded by --calls.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import io
import statistics
import threading
import time
import xmlrpc.client
from collections.abc import Callable, Iterator
from socketserver import ThreadingMixIn
from urllib.parse import urlsplit
from xmlrpc.server import SimpleXMLRPCRequestHandler, SimpleXMLRPCServer

from harness.engine.transport import post_environ
from harness.errors import HarnessError
from harness.targets import Endpoint, parse_target, public_url
from simulator.app import SimulatorApp
from simulator.orm import Env
from simulator.server import LoopbackServer, SimServer

#: The search_read the simulator answers: 80 partners, five fields of several types.
FIELDS = ["name", "city", "ref", "parent_id", "is_company"]
PARTNERS = [{"name": f"Benchmark Partner {i:03}", "city": "Kampala", "ref": "BENCH", "parent_id": 1} for i in range(80)]


class KeepAliveHandler(SimpleXMLRPCRequestHandler):
    """HTTP/1.1, so the baseline, like the simulator, reuses its connection."""

    protocol_version = "HTTP/1.1"

    def log_request(self, *args: object) -> None:
        return None


class ThreadedXMLRPCServer(ThreadingMixIn, SimpleXMLRPCServer):
    """The stdlib server with a thread per connection, as the simulator serves connections in parallel."""

    daemon_threads = True


@contextlib.contextmanager
def bare_server(answer: object) -> Iterator[str]:
    """A threaded keep-alive stdlib server whose ``execute_kw`` answers ``answer``, whatever it is sent: its URL."""
    server = ThreadedXMLRPCServer(("127.0.0.1", 0), requestHandler=KeepAliveHandler, logRequests=False)
    server.register_function(lambda *args: answer, "execute_kw")
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def rate(calls: int, fn: Callable[[], object]) -> float:
    """Calls per second over ``calls`` calls."""
    started = time.perf_counter()
    for _ in range(calls):
        fn()
    return calls / (time.perf_counter() - started)


def simulator_calls(url: str) -> dict[str, tuple[tuple, object]]:
    """The simulator's two calls (``execute_kw`` arguments) and their answers, once the 80 partners exist."""
    proxy = xmlrpc.client.ServerProxy(url + "/xmlrpc/2/object")
    with proxy:
        proxy.execute_kw("odoo", 2, "admin", "res.partner", "create", [PARTNERS])
        calls = {
            "create": ("odoo", 2, "admin", "res.partner", "create", [{"name": "Created", "ref": "NEW"}]),
            "search_read, 80 records": (
                "odoo",
                2,
                "admin",
                "res.partner",
                "search_read",
                [[["ref", "=", "BENCH"]]],
                {"fields": FIELDS},
            ),
        }
        return {label: (args, proxy.execute_kw(*args)) for label, args in calls.items()}


def constant_app(answer: bytes) -> Callable:
    """A WSGI application that reads the request and answers ``answer``: the simulator's HTTP server
    with no simulator behind it, the floor under any work the simulator does."""

    def app(environ: dict, start_response: Callable) -> list[bytes]:
        environ["wsgi.input"].read()
        start_response("200 OK", [("Content-Type", "text/xml"), ("Content-Length", str(len(answer)))])
        return [answer]

    return app


def in_process_call(app: SimulatorApp, args: tuple) -> Callable[[], bytes]:
    """``execute_kw(*args)`` as one WSGI call of ``app`` in the caller's thread: the simulator's work
    alone (the request's parse, the call, the answer's encoding), with no socket, HTTP or client: the
    environ of ``WSGITransport``, without its client's encoding and parsing."""
    body = xmlrpc.client.dumps(args, "execute_kw").encode()
    environ = post_environ("/xmlrpc/2/object", body)  # the engine's in-process transport's, made once

    def call() -> bytes:
        statuses = []
        answer = b"".join(
            app({**environ, "wsgi.input": io.BytesIO(body)}, lambda status, headers: statuses.append(status))
        )
        if statuses != ["200 OK"] or b"<fault>" in answer:
            raise RuntimeError(f"the in-process call failed: {statuses} {answer[:300]!r}")
        return answer

    return call


def real_odoo_calls(odoo: Endpoint, uid: int, calls: dict[str, tuple[tuple, object]]) -> dict[str, Callable]:
    """The simulator's calls as a real Odoo's user ``uid`` sends them."""
    proxy = xmlrpc.client.ServerProxy(odoo.url + "/xmlrpc/2/object")
    return {
        label: functools.partial(proxy.execute_kw, odoo.db, uid, odoo.password, *args[3:])
        for label, (args, _answer) in calls.items()
    }


def bench_rpc(
    calls: int, rounds: int, odoo: tuple[Endpoint, int] | None = None
) -> dict[str, tuple[float, float, float]]:
    """Each subject's median calls/s over interleaved rounds (machine noise hits every subject alike),
    and each subject's ratio to its group's baseline two ways: the ratio of the medians, and the median
    of each round's ratio (a group's blocks run back to back, in turn forwards and backwards: slower
    drifts of a shared machine's load cancel). ``{label: (calls/s, ratio of medians, median ratio)}``;
    a baseline's ratios are 1. Each group also holds the simulator's HTTP server answering the
    simulator's answer as a constant (``constant_app``)."""
    per_round = max(calls // rounds, 1)
    with contextlib.ExitStack() as stack:
        sim = stack.enter_context(SimServer(SimulatorApp("17.0")))
        groups = []
        sim_calls = simulator_calls(sim.url)
        real = real_odoo_calls(*odoo, sim_calls) if odoo else {}
        for label, (args, answer) in sim_calls.items():
            targets = [(f"bare server, {label}", stack.enter_context(bare_server(answer)))]
            floor_answer = xmlrpc.client.dumps((answer,), methodresponse=True).encode()
            floor = stack.enter_context(LoopbackServer(constant_app(floor_answer), "floor"))
            targets.append((f"simulator's HTTP server, constant, {label}", floor.url))
            targets.append((f"simulator {label}", sim.url + "/xmlrpc/2/object"))
            group = []
            for name, url in targets:
                proxy = stack.enter_context(xmlrpc.client.ServerProxy(url))
                group.append((name, functools.partial(proxy.execute_kw, *args)))
            group.append((f"simulator {label}, its work alone", in_process_call(sim.app, args)))
            if odoo:
                group.append((f"real Odoo {label}", real[label]))
            groups.append(group)
        samples: dict[str, list[float]] = {name: [] for group in groups for name, _call in group}
        for round_ in range(rounds):
            for group in groups:
                for name, call in group if round_ % 2 == 0 else reversed(group):
                    for _ in range(10):  # warm the connection and caches
                        call()
                    samples[name].append(rate(per_round, call))
    results = {}
    for (base, _), *subjects in groups:
        base_rate = statistics.median(samples[base])
        results[base] = (base_rate, 1.0, 1.0)
        for subject, _ in subjects:
            subject_rate = statistics.median(samples[subject])
            per_round_ratios = [s / b for s, b in zip(samples[subject], samples[base], strict=True)]
            results[subject] = (subject_rate, subject_rate / base_rate, statistics.median(per_round_ratios))
    return results


def work_budget(results: dict[str, tuple[float, float, float]]) -> list[str]:
    """Per call, in ms from the median rates: what the simulator's work may take for a ratio of 1.0
    (the bare server's time less the floor's), what it takes on the wire (the simulator's time less the
    floor's), and what it takes alone."""
    lines = []
    for label in (name.removeprefix("bare server, ") for name in results if name.startswith("bare server, ")):
        bare, floor, sim, alone = (
            1000 / results[name][0]
            for name in (
                f"bare server, {label}",
                f"simulator's HTTP server, constant, {label}",
                f"simulator {label}",
                f"simulator {label}, its work alone",
            )
        )
        lines.append(
            f"{label}: the work may take {bare - floor:.3f} ms for 1.0; it takes {sim - floor:.3f} ms on the wire, "
            f"{alone:.3f} ms alone"
        )
    return lines


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
            assert len(found) == min(80, len(range(n % 100, lines, 100)))  # line i is account i % 100's
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


@contextlib.contextmanager
def real_odoo(url: str) -> Iterator[tuple[Endpoint, int]]:
    """The real Odoo at ``url`` (loopback only) and its user's uid, the 80 partners made there. A bad
    URL, refused credentials or a server that does not answer end the benchmark with one line."""
    if urlsplit(url).hostname not in ("127.0.0.1", "localhost"):
        raise SystemExit(f"bench_simulator: --odoo {public_url(url)}: a benchmark targets loopback only")
    try:
        with parse_target(f"url:{url}").start() as odoo:
            uid = xmlrpc.client.ServerProxy(odoo.url + "/xmlrpc/2/common").authenticate(
                odoo.db, odoo.login, odoo.password, {}
            )
            proxy = xmlrpc.client.ServerProxy(odoo.url + "/xmlrpc/2/object")
            proxy.execute_kw(odoo.db, uid, odoo.password, "res.partner", "create", [PARTNERS])
            yield odoo, uid
    except HarnessError as exc:
        raise SystemExit(f"bench_simulator: {exc}") from None
    except (OSError, xmlrpc.client.Error) as exc:
        raise SystemExit(f"bench_simulator: the real Odoo at {public_url(url)}: {exc}") from None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2100, help="calls per subject, over all rounds")
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--odoo", metavar="URL", help="a real Odoo on 127.0.0.1 to measure beside the others")
    args = parser.parse_args()
    with contextlib.ExitStack() as stack:
        odoo = stack.enter_context(real_odoo(args.odoo)) if args.odoo else None
        results = bench_rpc(args.calls, args.rounds, odoo)
    print(f"{'measurement':62} {'calls/s':>9} {'ratio of medians':>17} {'median of round ratios':>23}")
    for label, (value, ratio, round_ratio) in results.items():
        print(f"{label:62} {value:9.0f} {ratio:17.2f} {round_ratio:23.2f}", flush=True)
    print()
    print("per call, the simulator's work beside the floor (the simulator's HTTP server answering a constant):")
    for line in work_budget(results):
        print(f"  {line}")
    print()
    print(f"indexed search over {args.lines:,} analytic lines (account_id = X, limit 80):")
    for label, value in bench_indexed_search(args.lines, args.calls).items():
        print(f"  {label:30} {value:9.2f}")


if __name__ == "__main__":
    main()
