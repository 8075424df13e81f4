"""How fast the simulator takes in a large request body, beside a bare socket server.

    python bench/bench_body_read.py [--mb 50] [--rounds 8] [--real-url http://127.0.0.1:8017]

OdooRPC's ``test_reduced_timeout`` sends a 50 MB attachment (70 MB of JSON) with a 0.1 s
timeout, which Python's ``sendall`` applies to the whole send: it passes only when the server
reads the body in under 0.1 s. This measures that send's duration against a bare socket server
reading with C buffered io (the baseline), the simulator, and optionally a real Odoo; each
server in its own process, rounds interleaved, medians and the ratio to the baseline printed.
"""

from __future__ import annotations

import argparse
import base64
import json
import multiprocessing
import os
import socket
import statistics
import time

from simulator.app import SimulatorApp
from simulator.server import SimServer


def bare_server(port: multiprocessing.Value) -> None:
    """Read each request's headers and body, answer ``ok``: nothing but the reading."""
    listener = socket.create_server(("127.0.0.1", 0))
    port.value = listener.getsockname()[1]
    while True:
        conn, _ = listener.accept()
        with conn, conn.makefile("rb") as stream:
            length = 0
            while (line := stream.readline()) not in (b"\r\n", b""):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            stream.read(length)
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")


def simulator(port: multiprocessing.Value) -> None:
    with SimServer(SimulatorApp("17.0")) as server:
        port.value = int(server.url.rsplit(":", 1)[1])
        time.sleep(3600)


def send_seconds(url: str, body: bytes) -> float:
    """Seconds ``sendall`` takes to send the request (headers and body)."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port))) as conn:
        conn.sendall(
            f"POST /jsonrpc HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n".encode()
        )
        started = time.perf_counter()
        conn.sendall(body)
        elapsed = time.perf_counter() - started
        conn.settimeout(300)
        conn.recv(64)  # the answer: the server took it all
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--real-url", help="a real Odoo on loopback to measure beside them")
    args = parser.parse_args()
    datas = base64.b64encode(os.urandom(args.mb * 1024 * 1024)).decode()
    body = json.dumps(
        {
            "jsonrpc": "2.0",
            "method": "call",
            "params": {
                "service": "object",
                "method": "execute_kw",
                "args": ["odoo", 2, "admin", "ir.attachment", "create", [{"name": "bench", "datas": datas}]],
            },
        }
    ).encode()
    urls, children = {}, []
    for name, target in (("bare socket server (baseline)", bare_server), ("simulator 17.0", simulator)):
        port = multiprocessing.Value("i", 0)
        child = multiprocessing.Process(target=target, args=(port,), daemon=True)
        child.start()
        children.append(child)
        deadline = time.monotonic() + 60
        while not port.value and time.monotonic() < deadline:
            time.sleep(0.05)
        urls[name] = f"http://127.0.0.1:{port.value}"
    if args.real_url:
        urls["real Odoo"] = args.real_url
    times: dict[str, list[float]] = {name: [] for name in urls}
    for _ in range(args.rounds):
        for name, url in urls.items():
            times[name].append(send_seconds(url, body))
    baseline = statistics.median(next(iter(times.values())))
    print(
        f"sending {len(body) / 1e6:.0f} MB, {args.rounds} interleaved rounds: median seconds, ratio to baseline, "
        "rounds under 0.1 s"
    )
    for name, spent in times.items():
        median = statistics.median(spent)
        print(f"  {name:32} {median:.3f} s  {median / baseline:.2f}x  {sum(t < 0.1 for t in spent)}/{len(spent)}")
    for child in children:
        child.terminate()


if __name__ == "__main__":
    main()
