"""How values travel: datetimes as an XML-RPC DateTime, a 'T' string and a space string."""

from __future__ import annotations

import xmlrpc.client

from harness.parity.corpus import ASSIGNED_AT
from harness.parity.recorder import Recorder

TASK = "project.task"


def datetimes(s: Recorder) -> None:
    """Datetime values on the wire: an XML-RPC DateTime, a 'T' string, a space string."""
    assigned = xmlrpc.client.DateTime("20240102T03:04:05")
    s.kw(
        "task.create.datetime_object",
        TASK,
        "create",
        [{"name": "Parity Task DateTime", "date_assign": assigned}],
    )
    s.kw(
        "task.create.datetime_iso_t",
        TASK,
        "create",
        [{"name": "Parity Task T", "date_assign": "2024-01-02T03:04:05"}],
    )
    task = s.kw(
        "task.create.datetime_space",
        TASK,
        "create",
        [{"name": "Parity Task Space", "date_assign": ASSIGNED_AT}],
        required=True,
    )
    s.kw("task.read.date_assign", TASK, "read", [[task], ["name", "date_assign"]])
    s.kw(
        "task.search.date_assign_object",
        TASK,
        "search",
        [[["date_assign", "=", assigned]]],
        {"order": "id"},
    )
