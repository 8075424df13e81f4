"""The ``odoo-harness`` command line."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path

from simulator.profile import available_versions


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="odoo-harness", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    simulate = commands.add_parser("simulate", help="serve the Odoo simulator until interrupted")
    simulate.add_argument("--odoo-version", required=True, choices=available_versions())
    simulate.add_argument("--host", default="127.0.0.1")
    simulate.add_argument("--port", type=int, default=8069)
    simulate.add_argument("--data", type=Path, help="SQLite file to keep state in (default: memory)")
    simulate.add_argument("--db", default="odoo", help="database name (default: odoo)")
    simulate.add_argument("--fresh", action="store_true",
                          help="leave Analytic Accounting off, exactly as after install")
    simulate.set_defaults(handler=cmd_simulate)
    return parser


def cmd_simulate(args: argparse.Namespace) -> int:
    from simulator.app import SimulatorApp
    from simulator.server import SimServer

    app = SimulatorApp(args.odoo_version, db=args.db, data=args.data, fresh=args.fresh)
    try:
        server = SimServer(app, host=args.host, port=args.port)
    except (OSError, ValueError) as exc:
        print(f"odoo-harness simulate: cannot listen on {args.host}:{args.port}: {exc}",
              file=sys.stderr)
        return 2
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with server:
        print(f"Odoo {args.odoo_version} simulator on {server.url} (database {args.db!r}, "
              f"login admin / admin); Ctrl-C stops it", flush=True)
        try:
            stop.wait()
        except KeyboardInterrupt:
            pass
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
