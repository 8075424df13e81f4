"""ir.module.module: installing a module whose installation the profile recorded.

Installing runs no module code here: the database takes on what the real server's database
held after ``button_immediate_install`` (``simulator.profiles.capture --module``): models,
fields, records, access rights, the module states. A module without a recording is refused
with a message that says how to record one.
"""

from __future__ import annotations

from typing import Any

from simulator import hooks
from simulator.errors import UserError
from simulator.profile import installable_modules

MODULE = "ir.module.module"


@hooks.method(MODULE, "button_immediate_install")
def button_immediate_install(env: Any, ids: list[int]) -> dict:
    """Install, then have the web client reload (an ``ir.actions.act_url`` to its root),
    whether anything was left to install or not."""
    env[MODULE].check_access_mode("write")
    rows = env.db.reader.rows(env, env.db.schema(MODULE), ids, ["name", "state"])
    wanted = [row["name"] for row in rows.values() if row["state"] != "installed"]
    recorded = installable_modules(env.db.profile.version)
    missing = [name for name in wanted if name not in recorded]
    if missing:
        raise UserError(
            f"The odoo-harness simulator of Odoo {env.db.profile.version} has no recording of "
            f"module(s) {', '.join(missing)}: record one with `python -m simulator.profiles.capture "
            "--module NAME` (README: The simulator, Modules)"
        )
    if wanted:
        env.db.install_modules(wanted)
    return {"type": "ir.actions.act_url", "target": "self", "url": env.db.profile.quirks.web_root}
