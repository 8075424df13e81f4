"""Running suites over targets and collecting one result per scenario and target.

A suite is anything with a ``name`` and a ``run(target, endpoint)`` that yields
``ScenarioResult``s; the runner starts each target once, runs every suite on it and
never lets one suite's crash hide the others' results. A skipped scenario is neither a
pass nor a failure, and a run in which nothing ran is not a success.
"""

from __future__ import annotations

import gc
import importlib
import multiprocessing
import os
import signal
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Protocol

from harness.errors import HarnessError
from harness.targets import Endpoint, Target, server_serie
from harness.versions import is_validated

PASS, FAIL, DEGRADED, ERROR, SKIP = "pass", "fail", "expected degradation", "error", "skipped"


@dataclass
class ScenarioResult:
    suite: str
    scenario: str
    target: str
    status: str
    detail: str = ""
    calls: int = 0
    seconds: float = 0.0
    #: per-call latencies of the engine's calls, for the HTML report's charts
    latencies_ms: list[float] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Ran and held (a skip is not a pass: nothing was proven)."""
        return self.status in (PASS, DEGRADED)

    @property
    def failed(self) -> bool:
        return self.status in (FAIL, ERROR)


class Suite(Protocol):
    name: str

    def run(self, target: Target, endpoint: Endpoint) -> Iterable[ScenarioResult]: ...


@dataclass
class RunResult:
    results: list[ScenarioResult] = field(default_factory=list)
    #: target name -> the Odoo series it answered as (targets that never started are absent)
    versions: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Nothing failed, and every target ran something: a run (or a target) on which
        every scenario was skipped proves nothing, so it is not green."""
        return bool(self.results) and not any(r.failed for r in self.results) and not self.idle_targets()

    def targets(self) -> list[str]:
        return list(dict.fromkeys([*self.versions, *(r.target for r in self.results)]))

    def skipped(self) -> list[ScenarioResult]:
        return [r for r in self.results if r.status == SKIP]

    def idle_targets(self) -> list[str]:
        """Targets on which nothing ran: every scenario skipped, or none selected."""
        return [t for t in self.targets() if all(r.status == SKIP for r in self.results if r.target == t)]

    def unvalidated(self) -> dict[str, str]:
        """Target -> version, for targets answering as a version the harness has not validated."""
        return {target: version for target, version in self.versions.items() if not is_validated(version)}

    def rows(self) -> list[tuple[str, str]]:
        return list(dict.fromkeys((r.suite, r.scenario) for r in self.results))

    def cell(self, suite: str, scenario: str, target: str) -> ScenarioResult | None:
        return next((r for r in self.results if (r.suite, r.scenario, r.target) == (suite, scenario, target)), None)


#: How ``run_suites`` runs target groups side by side: each in a process of its own (the default:
#: simulators, proxies and engines are CPU-bound Python, which threads of one process serialise
#: on the GIL), or in threads of this process (suites that cannot be pickled, shared test state).
MODES = ("processes", "threads")


def run_suites(
    suites: list[Suite],
    targets: list[Target],
    progress: Callable[[ScenarioResult], None] | None = None,
    mode: str = "processes",
    jobs: int | None = None,
) -> RunResult:
    """Targets run side by side where each has its own server and state; targets that share one
    (a url: target on both wires) run one after another, as their scenarios and the parity
    conversation each need the database to themselves. ``progress`` sees each result as it comes,
    in this process; at most ``jobs`` groups run at once (default: all). The results keep the
    targets' order."""
    if mode not in MODES:
        raise ValueError(f"mode {mode!r}: expected one of {', '.join(MODES)}")
    groups = sharing_a_server(targets)
    workers = max(min(jobs or len(groups), len(groups)), 1)
    run_groups = _in_processes if mode == "processes" else _in_threads
    by_target, versions = run_groups(suites, groups, progress or (lambda _result: None), workers)
    ordered = {t.name: versions[t.name] for t in targets if t.name in versions}
    return RunResult([result for target in targets for result in by_target.get(target.name, [])], ordered)


Collected = tuple[dict[str, list[ScenarioResult]], dict[str, str]]


def _in_threads(
    suites: list[Suite], groups: list[list[Target]], progress: Callable[[ScenarioResult], None], workers: int
) -> Collected:
    lock = threading.Lock()
    by_target: dict[str, list[ScenarioResult]] = {}
    versions: dict[str, str] = {}

    def collect(group: list[Target]) -> None:
        for target in group:
            for result in _run_target(suites, target, versions):
                with lock:
                    by_target.setdefault(target.name, []).append(result)
                    progress(result)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(collect, groups))
    return by_target, versions


def _in_processes(
    suites: list[Suite], groups: list[list[Target]], progress: Callable[[ScenarioResult], None], workers: int
) -> Collected:
    """One child process per group. Each child sends its results down a pipe of its own as they
    come; a child that dies leaves an ERROR row for every target of its group it did not finish."""
    context = multiprocessing.get_context(_start_method())
    modules = sorted({__name__, Target.__module__, *(type(s).__module__ for s in suites)})
    modules += sorted({name for group in groups for target in group for name in target.modules})
    if context.get_start_method() == "forkserver":
        context.set_forkserver_preload(modules)
    elif context.get_start_method() == "fork":
        for name in modules:  # imported once here, not again in every child
            importlib.import_module(name)
    by_target: dict[str, list[ScenarioResult]] = {}
    versions: dict[str, str] = {}
    waiting = list(reversed(groups))
    running: dict[Connection, _Child] = {}
    gc.freeze()  # a forked child's collections then skip what it inherited (no copy of those pages)
    try:
        while waiting or running:
            while waiting and len(running) < workers:
                child = _Child.start(context, suites, waiting.pop())
                running[child.channel] = child
            for channel in wait(list(running)):
                child = running[channel]
                try:
                    kind, payload = channel.recv()
                except EOFError:
                    del running[channel]
                    for result in child.end():
                        by_target.setdefault(result.target, []).append(result)
                        progress(result)
                    continue
                if kind == "result":
                    by_target.setdefault(payload.target, []).append(payload)
                    progress(payload)
                else:  # "finished": the target's name, and the series it answered as if it started
                    name, version = payload
                    child.finished.add(name)
                    versions.update({name: version} if version else {})
    finally:
        gc.unfreeze()
        for child in running.values():
            child.stop()
    return by_target, versions


def _start_method() -> str:
    """``fork`` where it is safe, in a process with no other thread (the command line): children
    start with every module imported and the suites loaded, and are this process's own, so their
    CPU time is counted as the run's. With threads running (a test server, say) a fork could
    inherit a lock one of them holds: children then come from a fork server, which imports the
    suites' modules once; ``spawn`` where neither exists."""
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return "fork"
    return "forkserver" if "forkserver" in methods else "spawn"


@dataclass
class _Child:
    """A process running one group of targets, and what the parent knows of its progress."""

    process: multiprocessing.process.BaseProcess
    channel: Connection
    group: list[Target]
    finished: set[str] = field(default_factory=set)

    @classmethod
    def start(cls, context: multiprocessing.context.BaseContext, suites: list[Suite], group: list[Target]) -> _Child:
        reader, writer = context.Pipe(duplex=False)
        # a forked child has this process's environment as it is now; one from a fork server is given it
        environ = None if context.get_start_method() == "fork" else Environ(os.environ)
        process = context.Process(
            target=_run_group, args=(suites, group, writer, environ), name=f"odoo-harness {group[0].name}"
        )
        process.start()
        writer.close()  # the child holds the only writing end: its exit is the reader's EOF
        return cls(process, reader, group)

    def end(self) -> list[ScenarioResult]:
        """The child closed its pipe: an ERROR row per target it left unfinished (it died)."""
        self.process.join()
        self.channel.close()
        code = self.process.exitcode
        return [
            ScenarioResult("(target)", "run", t.name, ERROR, f"the process running it ended with exit code {code}")
            for t in self.group
            if t.name not in self.finished
        ]

    def stop(self) -> None:
        """Interrupted (Ctrl-C, an error here): the child must not outlive the run."""
        self.process.terminate()
        self.process.join()
        self.channel.close()


class Environ(dict[str, str]):
    """The parent's environment, handed to a child a fork server starts. It holds secrets (url:
    targets' passwords and API keys), so its text never says more than how many variables it has:
    nothing that shows the child's arguments (a log line, an error message) can print one."""

    def __repr__(self) -> str:
        return f"<environment: {len(self)} variables>"

    __str__ = __repr__


def _run_group(suites: list[Suite], group: list[Target], channel: Connection, environ: Environ | None) -> None:
    """In the child: every suite on each target of the group, each result sent as it comes. The
    environment is the parent's of now (url: targets read their credentials there): a forked child
    has it already, one from a fork server is given it (``environ``), not the one the server was
    started with. Ctrl-C is the parent's to handle: it stops its children."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if environ is not None:
        os.environ.clear()
        os.environ.update(environ)
    with channel:
        for target in group:
            versions: dict[str, str] = {}
            for result in _run_target(suites, target, versions):
                channel.send(("result", result))
            channel.send(("finished", (target.name, versions.get(target.name))))


def sharing_a_server(targets: list[Target]) -> list[list[Target]]:
    """The targets grouped by the server they reach: a url: target's address (whatever the wire);
    every simulator and container target starts a server of its own."""
    groups: dict[object, list[Target]] = {}
    for number, target in enumerate(targets):
        groups.setdefault(target.value if target.kind == "url" else number, []).append(target)
    return list(groups.values())


def _run_target(suites: list[Suite], target: Target, versions: dict[str, str]) -> Iterator[ScenarioResult]:
    """Every suite on one started target; ``versions`` learns the series it answers as
    (a url: target says it only once asked), for the unvalidated-version marking."""
    try:
        with target.start() as endpoint:
            versions[target.name] = target.version or server_serie(endpoint.url)
            for suite in suites:
                started = time.perf_counter()
                try:
                    yield from suite.run(target, endpoint)
                except Exception as exc:
                    yield ScenarioResult(
                        suite.name, "(suite)", target.name, ERROR, _describe(exc), seconds=time.perf_counter() - started
                    )
    except Exception as exc:
        yield ScenarioResult("(target)", "start", target.name, ERROR, _describe(exc))


def _describe(exc: BaseException) -> str:
    """The harness's own errors are written for the user; anything else shows its type too."""
    if isinstance(exc, HarnessError):
        return str(exc)
    return traceback.format_exception_only(exc)[-1].strip()
