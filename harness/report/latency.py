"""Latency figures of the engine's calls (p50, p95, max) and their charts, as inline SVG.

Percentiles are nearest-rank: each figure is a latency some call really took. The charts are
drawn server-side by pygal with a logarithmic scale, so 1 ms reads and multi-second faults
both stay readable; pygal's script (tooltips, and its config) is left out, so the page needs
no JavaScript and fetches nothing.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass

import pygal
from markupsafe import Markup
from pygal.style import Style

from harness.runner import ScenarioResult

#: the smallest latency a log scale shows (ms): a 0.0 ms call would have no place on it
FLOOR = 0.01

STYLE = Style(
    background="white",
    plot_background="white",
    colors=("#7fb3d5", "#1f6fb2", "#c0392b"),
    font_family="sans-serif",
    title_font_size=15,
    label_font_size=12,
    major_label_font_size=12,
    legend_font_size=13,
    value_font_size=11,
)


def percentile(values: Sequence[float], q: float) -> float:
    """The nearest-rank ``q``-th percentile (0 < q <= 100) of non-empty ``values``."""
    ordered = sorted(values)
    return ordered[max(math.ceil(q / 100 * len(ordered)), 1) - 1]


@dataclass(frozen=True)
class Latency:
    calls: int
    p50: float
    p95: float
    max: float

    @classmethod
    def of(cls, results: Sequence[ScenarioResult]) -> Latency | None:
        """The figures of every call these results made; None when they made none."""
        values = [v for r in results for v in r.latencies_ms]
        if not values:
            return None
        return cls(len(values), percentile(values, 50), percentile(values, 95), max(values))


def log_scale(low: float, high: float) -> list[float]:
    """Ticks 1, 2, 5 per decade from the decade below ``low`` to the one above ``high``: every bar
    then starts at the axis's foot (pygal's own log scale starts at the smallest value, which
    hides the smallest bar)."""
    first = math.ceil(math.log10(max(low, FLOOR))) - 1
    last = max(math.ceil(math.log10(max(high, FLOOR))), first + 1)
    ticks = [m * 10.0**e for e in range(first, last + 1) for m in (1, 2, 5)]
    return [tick for tick in ticks if tick <= 10.0**last]


def chart(title: str, x_title: str, figures: dict[str, Latency]) -> Markup:
    """A bar chart of p50, p95 and max (ms) for each label, with both axes titled and a legend."""
    scale = log_scale(min(f.p50 for f in figures.values()), max(f.max for f in figures.values()))
    bars = pygal.Bar(
        style=STYLE,
        title=title,
        x_title=x_title,
        y_title="latency (ms)",
        logarithmic=True,
        print_values=True,
        legend_at_bottom=True,
        legend_at_bottom_columns=3,
        width=1000,
        height=380,
        js=[],
        disable_xml_declaration=True,
        x_label_rotation=0 if len(figures) < 6 else 20,
        range=(scale[0], scale[-1]),
        zero=scale[0],
        y_labels=scale,
        value_formatter=lambda value: f"{value:g}",
    )
    bars.x_labels = list(figures)
    for name in ("p50", "p95", "max"):
        values = [max(getattr(figure, name), FLOOR) for figure in figures.values()]
        bars.add(name, values, formatter=lambda value: f"{value:.1f}")
    svg = bars.render_tree()
    for parent in svg.iter():
        for child in [c for c in parent if c.tag == "script"]:
            parent.remove(child)
    return Markup(ET.tostring(svg, encoding="unicode"))
