"""Many calls at once, each given a deadline from the moment it starts.

A health round checks every tenant concurrently so that one hung Odoo delays no other. The
socket timeout bounds connecting and each read, but a server that trickles bytes (every read
within the timeout, the answer never complete) would still hold its call. So each call here
gets ``limit`` seconds from when a worker starts it (calls waiting for a free worker are not
charged for the wait); a call past its limit is answered by ``overdue`` and left to finish on
its own, its late result dropped.

Why not ``concurrent.futures``: its worker threads are joined when the interpreter exits, so
one abandoned call would keep ``health serve`` from stopping on SIGTERM. These workers are
daemon threads.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Hashable, Mapping
from typing import TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


def run_all(calls: Mapping[K, Callable[[], V]], *, workers: int, limit: float, overdue: Callable[[K], V]) -> dict[K, V]:
    """Run every call on at most ``workers`` threads; return each result (or ``overdue(key)``).
    An exception raised by a call is a bug, not an outcome: it is raised here once all are in."""
    queue = deque(calls.items())
    started: dict[K, float] = {}
    results: dict[K, V] = {}
    errors: list[BaseException] = []
    changed = threading.Condition()

    def work() -> None:
        while True:
            with changed:
                if not queue:
                    return
                key, call = queue.popleft()
                started[key] = time.monotonic()
                changed.notify_all()
            try:
                value = call()
            except Exception as exc:
                errors.append(exc)
                value = overdue(key)
            with changed:
                results.setdefault(key, value)
                changed.notify_all()

    for number in range(min(workers, len(calls))):
        threading.Thread(target=work, name=f"health-probe-{number}", daemon=True).start()
    with changed:
        while len(results) < len(calls):
            now = time.monotonic()
            deadlines = []
            for key, began in started.items():
                if key in results:
                    continue
                if now - began >= limit:
                    results[key] = overdue(key)
                else:
                    deadlines.append(began + limit)
            if len(results) < len(calls):
                changed.wait(timeout=min(deadlines) - now if deadlines else None)
    if errors:
        raise errors[0]
    return results
