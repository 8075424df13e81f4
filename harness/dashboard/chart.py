"""The latency chart of a tenant's health checks, as geometry an SVG template draws.

Server-side, no script and no inline style (the pages' CSP allows neither): each run of checks in
one state is a band coloured by that state (a class the stylesheet colours) under a polyline of
their latency, with a y axis in milliseconds and the first and last check's time on the x axis.
A check that got no answer has no latency: the line breaks there, and its red band says why.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from harness.health.store import CheckRecord

WIDTH, HEIGHT = 720, 180
#: Room for the axes' labels: left, top, right, bottom.
LEFT, TOP, RIGHT, BOTTOM = 52, 10, 10, 28
#: Latency axis steps (ms), the smallest that gives at most 5 ticks is used.
STEPS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 60000)


@dataclass(frozen=True)
class Band:
    x: float
    width: float
    state: str
    title: str


@dataclass(frozen=True)
class Tick:
    at: float
    label: str


@dataclass(frozen=True)
class Chart:
    width: int = WIDTH
    height: int = HEIGHT
    bands: list[Band] = field(default_factory=list)
    #: polylines' ``points``: one per run of answered checks
    lines: list[str] = field(default_factory=list)
    y_ticks: list[Tick] = field(default_factory=list)
    x_ticks: list[Tick] = field(default_factory=list)
    left: int = LEFT
    top: int = TOP
    bottom: int = HEIGHT - BOTTOM
    right: int = WIDTH - RIGHT


def latency_chart(checks: list[CheckRecord]) -> Chart:
    """The chart of ``checks`` (oldest first); an empty chart when there are none."""
    if not checks:
        return Chart()
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step_ms = _step(max((c.latency_ms or 0.0) for c in checks))
    top_ms = step_ms * max(1, -(-max((c.latency_ms or 0.0) for c in checks) // step_ms))
    slot = plot_w / len(checks)
    lines, line = [], []
    for n, check in enumerate(checks):
        x = LEFT + n * slot
        if check.latency_ms is None:
            lines, line = _flush(lines, line), []
            continue
        y = TOP + plot_h * (1 - check.latency_ms / top_ms)
        line.append(f"{x + slot / 2:.1f},{y:.1f}")
    lines = _flush(lines, line)
    y_ticks = [
        Tick(round(TOP + plot_h * (1 - value / top_ms), 1), f"{value:g} ms") for value in _range(0, top_ms, step_ms)
    ]
    x_ticks = [Tick(LEFT, _moment(checks[0].at)), Tick(WIDTH - RIGHT, _moment(checks[-1].at))]
    return Chart(bands=_bands(checks, slot), lines=lines, y_ticks=y_ticks, x_ticks=x_ticks)


def _bands(checks: list[CheckRecord], slot: float) -> list[Band]:
    """One band per run of checks in the same state (a day of checks is a few bands, not 288)."""
    bands: list[Band] = []
    first = 0
    for n in range(1, len(checks) + 1):
        if n < len(checks) and checks[n].state == checks[first].state:
            continue
        state, count = checks[first].state.value, n - first
        title = f"{state} from {_moment(checks[first].at)} to {_moment(checks[n - 1].at)} ({count} checks)"
        bands.append(Band(round(LEFT + first * slot, 2), round(count * slot, 2), state, title))
        first = n
    return bands


def _step(peak: float) -> float:
    return next((step for step in STEPS if peak / step <= 4), STEPS[-1])


def _range(first: float, last: float, step: float) -> list[float]:
    count = round((last - first) / step)
    return [first + n * step for n in range(count + 1)]


def _flush(lines: list[str], line: list[str]) -> list[str]:
    return [*lines, " ".join(line)] if len(line) > 1 else lines


def _moment(at: dt.datetime) -> str:
    return at.strftime("%Y-%m-%d %H:%M UTC")
