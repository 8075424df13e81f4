"""Defaults relative to the day follow the simulator's clock, not the capture day: real
Odoo's analytic line ``date`` default is today, a recurring task repeats until a week on,
and (16-18) a company's ``account_opening_date`` is the first of this year."""

from __future__ import annotations

import datetime as dt

import pytest

from simulator import dates
from simulator.app import SimulatorApp
from simulator.profile import available_versions

LATER = dt.datetime(2031, 5, 17, 9, 30)


def test_encode_and_resolve() -> None:
    capture_day = dt.date(2026, 11, 23)
    assert [dates.encode(v, capture_day) for v in ("2026-11-23", "2026-11-30", "2026-01-01", "2024-03-01", 7)] == [
        "<today>",
        "<today+7>",
        "<year-start>",
        "2024-03-01",
        7,
    ]
    assert [dates.resolve(t, LATER.date()) for t in ("<today>", "<today+7>", "<today-3>", "<year-start>", "x")] == [
        "2031-05-17",
        "2031-05-24",
        "2031-05-14",
        "2031-01-01",
        "x",
    ]


@pytest.mark.parametrize("version", available_versions())
def test_date_defaults_follow_the_clock(version: str) -> None:
    app = SimulatorApp(version)
    db = app.registry.get("odoo")
    db.clock = lambda: LATER
    defaults = app.services.dispatch(
        "object", "execute_kw", ["odoo", 2, "admin", "account.analytic.line", "default_get", [["date", "amount"]]]
    )
    assert defaults["date"] == "2031-05-17"
    task = app.services.dispatch(
        "object", "execute_kw", ["odoo", 2, "admin", "project.task", "default_get", [["repeat_until"]]]
    )
    assert task.get("repeat_until") == "2031-05-24"


def test_16_task_recurrence_defaults_follow_the_clock() -> None:
    """16.0's ``Task.default_get``: today's weekday flag (only when every day is asked), day,
    month and weekday (real 16.0 on Wednesday 2 December 2026: "wed", "2", "december")."""
    app = SimulatorApp("16.0")
    app.registry.get("odoo").clock = lambda: LATER  # a Saturday

    def defaults(fields: list[str]) -> dict:
        return app.services.dispatch(
            "object", "execute_kw", ["odoo", 2, "admin", "project.task", "default_get", [fields]]
        )

    days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    answer = defaults([*days, "repeat_day", "repeat_month", "repeat_weekday"])
    assert {k: answer[k] for k in answer if k in days} == {"sat": True}
    assert (answer["repeat_day"], answer["repeat_month"], answer["repeat_weekday"]) == ("17", "may", "sat")
    assert not any(day in defaults(["mon", "repeat_day"]) for day in days)
