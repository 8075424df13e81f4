"""Defaults relative to the day: today, a week ahead, the first of the year.

Odoo computes such defaults when asked (an analytic line's ``date`` is today, a recurring
task repeats until a week from now). Recorded as they were on the capture day they would
freeze the simulator at that day, so the capture writes them as tokens and the simulator
resolves each against its own clock.
"""

from __future__ import annotations

import datetime as dt
import re

_TOKEN = re.compile(r"<today([+-]\d+)?>")
YEAR_START = "<year-start>"
#: how far from the capture day a date default still counts as relative to it
HORIZON_DAYS = 62


def encode(value: object, today: dt.date) -> object:
    """The token for a date default relative to ``today`` (the capture day), else the value."""
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return value
    day = dt.date.fromisoformat(value)
    if day == today.replace(month=1, day=1) and day != today:
        return YEAR_START
    offset = (day - today).days
    if abs(offset) <= HORIZON_DAYS:
        return f"<today{offset:+d}>" if offset else "<today>"
    return value


def resolve(value: object, today: dt.date) -> object:
    """A token back to a date string for ``today``; anything else unchanged."""
    if value == YEAR_START:
        return today.replace(month=1, day=1).isoformat()
    match = _TOKEN.fullmatch(value) if isinstance(value, str) else None
    if not match:
        return value
    return (today + dt.timedelta(days=int(match[1] or 0))).isoformat()
