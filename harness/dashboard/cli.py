"""``odoo-harness dashboard``: serve the admin pages on 127.0.0.1 until interrupted.

Exit codes: 0 stopped (Ctrl-C or SIGTERM); 2 a bad tenants file, a ledger that cannot be opened or
that is no URL (one line naming it, from ``main``), a ``--token-env`` variable not set, or a port in use.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from harness.cliargs import port
from harness.health.store import DEFAULT_LEDGER
from harness.health.tenants import TenantsError, load_tenants


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    dashboard = subparsers.add_parser("dashboard", help="serve the admin pages (tenants, health, sync runs and log)")
    dashboard.add_argument(
        "--tenants", type=Path, metavar="FILE", help="the tenants file (default: only the tenants the ledger has seen)"
    )
    dashboard.add_argument(
        "--ledger",
        default=DEFAULT_LEDGER,
        metavar="DATABASE_URL",
        help=f"the ledger the syncs and health rounds write: sqlite:///FILE or postgresql://... "
        f"(default: {DEFAULT_LEDGER})",
    )
    dashboard.add_argument("--port", type=port, default=8070, help="on 127.0.0.1 (default: 8070)")
    dashboard.add_argument(
        "--token-env",
        metavar="VAR",
        help="the environment variable holding an access token every page then asks for, for a shared "
        "dashboard (default: none, no token)",
    )
    dashboard.set_defaults(handler=cmd_dashboard)


def cmd_dashboard(args: argparse.Namespace) -> int:
    from harness.dashboard.app import DashboardApp
    from harness.dashboard.data import Dashboard
    from simulator.server import LoopbackServer

    try:
        tenants = load_tenants(args.tenants) if args.tenants else None
    except TenantsError as exc:
        print(f"odoo-harness dashboard: invalid tenants file:\n{exc}", file=sys.stderr)
        return 2
    token = os.environ.get(args.token_env) if args.token_env else None
    if args.token_env and not token:
        print(
            f"odoo-harness dashboard: --token-env {args.token_env}: that environment variable is not set",
            file=sys.stderr,
        )
        return 2
    app = DashboardApp(Dashboard(tenants, args.ledger), token=token)  # a ledger that cannot be opened: LedgerError
    try:
        server = LoopbackServer(app, "odoo-harness-dashboard", port=args.port)
    except (OSError, ValueError) as exc:
        print(f"odoo-harness dashboard: cannot listen on 127.0.0.1:{args.port}: {exc}", file=sys.stderr)
        return 2
    server.serve_until_stopped(f"admin pages on {server.url}/admin/tenants; Ctrl-C stops them")
    return 0
