"""Hostile clients against every server of the project, and what a large body costs, in one run.

    python bench/bench_hostile_clients.py [--slow 200] [--idle 200] [--calls 20] [--body-mb 127]

1. A normal client's latency (a new connection, one call, 5 s timeout) on the simulator, the fault
   proxy and the dashboard: alone (the baseline), then while --slow connections trickle a byte
   every 2 s (half of them in their request's head, half in its body) and --idle connections
   send nothing. Median and worst latency, calls answered, the medians' ratio to the baseline.
   The calls are paced over about 5 s, so that every slow connection trickles meanwhile.
2. The simulator's resident memory (in its own process) before, at the peak of and after each of
   3 XML-RPC calls carrying a --body-mb MiB argument (just under the 128 MiB limit), each on a new
   connection (so likely served by another worker), followed there by a small call: its answer comes
   once the large request is wholly done.
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing
import socket
import statistics
import tempfile
import threading
import time
import xmlrpc.client
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from pathlib import Path

from harness.dashboard.app import DashboardApp
from harness.dashboard.data import Dashboard
from simulator.app import SimulatorApp
from simulator.proxy import ProxyServer
from simulator.server import LoopbackServer, SimServer

VERSION_CALL = xmlrpc.client.dumps((), "version").encode()
OPENINGS = (
    b"POST /xmlrpc/2/common HTTP/1.1\r\nHost: 127.0.0.1\r\n",
    b"POST /xmlrpc/2/common HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100000\r\n\r\n<?xml",
)
TRICKLE_SECONDS = 2.0
CALL_TIMEOUT = 5.0


def address(url: str) -> tuple[str, int]:
    host, port = url.removeprefix("http://").split(":")
    return host, int(port)


@contextmanager
def servers(folder: Path) -> Iterator[dict[str, tuple[str, str, bytes | None]]]:
    """Each server as its command serves it: name -> (url, path of a normal call, its POST body)."""
    with ExitStack() as stack:
        simulator = stack.enter_context(SimServer(SimulatorApp("17.0")))
        upstream = stack.enter_context(SimServer(SimulatorApp("17.0")))
        proxy = stack.enter_context(ProxyServer(upstream.url))
        pages = DashboardApp(Dashboard(None, f"sqlite:///{folder / 'ledger.sqlite'}"))
        dashboard = stack.enter_context(LoopbackServer(pages, "odoo-harness-dashboard"))
        yield {
            "simulator (XML-RPC version)": (simulator.url, "/xmlrpc/2/common", VERSION_CALL),
            "fault proxy (XML-RPC version)": (proxy.url, "/xmlrpc/2/common", VERSION_CALL),
            "dashboard (GET /admin/tenants)": (dashboard.url, "/admin/tenants", None),
        }


@contextmanager
def horde(url: str, slow: int, idle: int) -> Iterator[None]:
    """``slow`` connections trickling a byte every 2 s and ``idle`` ones sending nothing, for the block."""
    stop = threading.Event()
    with ExitStack() as stack:
        trickling = []
        for number in range(slow + idle):
            sock = stack.enter_context(socket.create_connection(address(url), timeout=CALL_TIMEOUT))
            if number < slow:
                sock.sendall(OPENINGS[number % 2])
                trickling.append(sock)
        trickler = threading.Thread(target=trickle, args=(trickling, stop), daemon=True)
        trickler.start()
        try:
            yield
        finally:
            stop.set()
            trickler.join(timeout=10)


def trickle(sockets: list[socket.socket], stop: threading.Event) -> None:
    """A byte on each socket every ``TRICKLE_SECONDS`` until ``stop``; a socket the server closed is left."""
    while not stop.wait(TRICKLE_SECONDS):
        for sock in sockets:
            with suppress(OSError):
                sock.send(b"x", socket.MSG_DONTWAIT)


def latencies(url: str, path: str, body: bytes | None, calls: int, pace: float) -> list[float | None]:
    """Seconds each of ``calls`` calls took (None: not answered within ``CALL_TIMEOUT``), one every ``pace`` s."""
    taken, wait = [], threading.Event()
    for _ in range(calls):
        started = time.perf_counter()
        connection = http.client.HTTPConnection(*address(url), timeout=CALL_TIMEOUT)
        try:
            connection.request("POST" if body else "GET", path, body, {"Content-Type": "text/xml"})
            response = connection.getresponse()
            response.read()
            taken.append(time.perf_counter() - started if response.status == 200 else None)
        except OSError:
            taken.append(None)
        finally:
            connection.close()
        wait.wait(pace)
    return taken


def summary(taken: list[float | None]) -> tuple[str, float | None]:
    answered = [seconds for seconds in taken if seconds is not None]
    if not answered:
        return f"0/{len(taken)} answered", None
    median = statistics.median(answered)
    return (
        f"{len(answered)}/{len(taken)} answered, median {median * 1000:.1f} ms, max {max(answered) * 1000:.1f} ms",
        median,
    )


def bench_slow_clients(slow: int, idle: int, calls: int) -> None:
    print(f"normal calls alone, then with {slow} slow connections (a byte every 2 s) and {idle} idle ones:")
    with tempfile.TemporaryDirectory() as folder, servers(Path(folder)) as subjects:
        for name, (url, path, body) in subjects.items():
            alone, alone_median = summary(latencies(url, path, body, calls, pace=0))
            with horde(url, slow, idle):
                attacked, attacked_median = summary(latencies(url, path, body, calls, pace=5.0 / calls))
            ratio = f"{attacked_median / alone_median:.2f}x" if attacked_median else "-"
            print(f"  {name}\n    alone:          {alone}\n    under attack:   {attacked}  ({ratio} the baseline)")


def serve_simulator(port: multiprocessing.Value, ready: multiprocessing.Event) -> None:
    with SimServer(SimulatorApp("17.0")) as server:
        port.value = address(server.url)[1]
        ready.set()
        threading.Event().wait(3600)


def memory_mb(pid: int) -> dict[str, float]:
    """The process's resident memory now (VmRSS) and at its peak so far (VmHWM), in MB."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines())
    return {name: int(fields[name].split()[0]) / 1024 for name in ("VmRSS", "VmHWM")}


def bench_large_body(body_mb: int, rounds: int = 3) -> None:
    port, ready = multiprocessing.Value("i", 0), multiprocessing.Event()
    child = multiprocessing.Process(target=serve_simulator, args=(port, ready), daemon=True)
    child.start()
    if not ready.wait(60):
        raise SystemExit("the simulator did not start within 60 s")
    url = f"http://127.0.0.1:{port.value}"
    xmlrpc.client.ServerProxy(url + "/xmlrpc/2/common").version()  # warm: first call's imports and caches
    body = xmlrpc.client.dumps(("x" * (body_mb * 1024 * 1024 - 200),), "version").encode()
    print(f"\nsimulator memory around a {len(body) / 2**20:.0f} MiB request (MB resident):")
    print(f"  before any: {memory_mb(child.pid)['VmRSS']:.0f}")
    for number in range(1, rounds + 1):
        connection = http.client.HTTPConnection(*address(url), timeout=300)
        statuses = []
        for call in (body, VERSION_CALL):  # the second is answered once the first request is wholly done
            connection.request("POST", "/xmlrpc/2/common", call, {"Content-Type": "text/xml"})
            response = connection.getresponse()
            response.read()
            statuses.append(response.status)
        connection.close()
        after = memory_mb(child.pid)
        print(f"  after call {number} (statuses {statuses}): {after['VmRSS']:.0f}, peak so far {after['VmHWM']:.0f}")
    child.terminate()
    child.join(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slow", type=int, default=200)
    parser.add_argument("--idle", type=int, default=200)
    parser.add_argument("--calls", type=int, default=20)
    parser.add_argument("--body-mb", type=int, default=127)
    args = parser.parse_args()
    bench_slow_clients(args.slow, args.idle, args.calls)
    bench_large_body(args.body_mb)


if __name__ == "__main__":
    main()
