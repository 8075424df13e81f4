"""Who holds a ledger lock, and whether that process still runs.

A lock row names its holder ``host:pid:start:token``. The pid alone would not do: a container
restarted after a crash often gives its new processes the pids the dead ones had, so ``start``
(the pid namespace and the process's start time, from ``/proc`` on Linux) tells a live holder
from a later process given the same pid. ``token`` numbers the locks one process takes, and
the process keeps the tokens it holds now (``held``): a row of its own that it no longer holds
(left by a release the database refused) is as gone as a dead process's.

Only this host's processes can be checked, and only in this pid namespace: for any other holder
the answer is "cannot tell", and the caller must not guess (a lock is never taken over after a
timeout: a long sync is not a dead one).
"""

from __future__ import annotations

import itertools
import os
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

PROC = Path("/proc")
_TOKENS = itertools.count(1)
#: The owners (as rows name them) of the locks this process holds now.
_HELD: set[str] = set()
_HELD_LOCK = threading.Lock()


@dataclass(frozen=True)
class LockOwner:
    host: str
    pid: int
    #: ``<pid namespace>-<start time in clock ticks>`` on Linux; empty where that cannot be read
    start: str
    token: str

    def __str__(self) -> str:
        return f"{self.host}:{self.pid}:{self.start}:{self.token}"

    @classmethod
    def this_process(cls) -> LockOwner:
        """A new owner in this process, for one lock."""
        return cls(socket.gethostname(), os.getpid(), process_start(os.getpid()), str(next(_TOKENS)))

    @contextmanager
    def held(self) -> Iterator[None]:
        """Count this owner's lock as held by this process for the block: from before its row is
        written (so no thread of this process takes that row for a leftover) until released."""
        with _HELD_LOCK:
            _HELD.add(str(self))
        try:
            yield
        finally:
            with _HELD_LOCK:
                _HELD.discard(str(self))

    @classmethod
    def parse(cls, text: str) -> LockOwner | None:
        """The owner a lock row names; rows written before ``start`` was recorded have three parts."""
        parts = text.split(":")
        if len(parts) not in (3, 4) or not parts[1].isdigit():
            return None
        start = parts[2] if len(parts) == 4 else ""
        return cls(parts[0], int(parts[1]), start, parts[-1])

    def describe(self) -> str:
        return f"pid {self.pid} on host {self.host}"

    def alive(self) -> bool | None:
        """Whether the holder still runs; None when it cannot be told from here (another host,
        or another pid namespace on this one: a container sharing the ledger's volume)."""
        if self.host != socket.gethostname():
            return None
        if self.pid == os.getpid() and self.start == process_start(self.pid):  # this very process
            with _HELD_LOCK:
                return str(self) in _HELD
        if self.start and self.start.split("-")[0] != _pid_namespace():
            return None
        if not self.start:  # nothing but the pid is known
            return _pid_exists(self.pid)
        return process_start(self.pid) == self.start


def process_start(pid: int) -> str:
    """What tells process ``pid`` from a later one given the same pid: its pid namespace and start
    time; empty when the process is gone or a zombie (killed, not yet reaped: it runs no more), or
    where /proc cannot be read."""
    namespace = _pid_namespace()
    try:
        stat = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return ""
    fields = stat[stat.rindex(")") + 2 :].split()  # after "pid (comm) ": the comm may hold spaces
    state, started = fields[0], fields[19]
    return "" if state in "ZX" or not namespace else f"{namespace}-{started}"


def _pid_namespace() -> str:
    try:
        return os.readlink("/proc/self/ns/pid").strip("pid:[]")
    except OSError:
        return ""


def _pid_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: it exists
        return True
    return True
