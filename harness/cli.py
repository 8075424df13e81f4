"""The ``odoo-harness`` command line."""

from __future__ import annotations

import argparse
import contextlib
import signal
import sys
import threading
from pathlib import Path

from harness.parity.suite import ParitySuite
from simulator.profile import available_versions

#: Suites by name; the scenario suites of scenarios/ join them (issue 4).
SUITES = {"parity": ParitySuite}


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

    run = commands.add_parser("run", help="run the suites over targets; print the compatibility matrix")
    run.add_argument("--target", action="append", default=[], metavar="TARGET",
                     help="sim:VERSION or url:URL (credentials from ODOO_DB / ODOO_LOGIN / "
                          "ODOO_PASSWORD); default: the simulator of every version")
    run.add_argument("--suite", action="append", default=[], metavar="NAME",
                     help=f"suite to run (default: all of {', '.join(SUITES)})")
    run.add_argument("--junit", type=Path, metavar="FILE", help="write a JUnit XML report")
    run.add_argument("--html", type=Path, metavar="FILE", help="write a self-contained HTML report")
    run.set_defaults(handler=cmd_run)
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
        with contextlib.suppress(KeyboardInterrupt):
            stop.wait()
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from harness import report
    from harness.runner import run_suites
    from harness.targets import TargetError, default_targets, parse_target

    try:
        targets = [parse_target(t) for t in args.target] or default_targets()
    except TargetError as exc:
        print(f"odoo-harness run: {exc}", file=sys.stderr)
        return 2
    unknown = [name for name in args.suite if name not in SUITES]
    if unknown:
        print(f"odoo-harness run: unknown suite {unknown[0]!r} (available: {', '.join(SUITES)})",
              file=sys.stderr)
        return 2
    suites = [SUITES[name]() for name in (args.suite or SUITES)]

    def progress(result) -> None:
        print(f"  {result.target:14} {result.suite} / {result.scenario}: {result.status}",
              file=sys.stderr, flush=True)

    outcome = run_suites(suites, targets, progress=progress)
    print(report.matrix(outcome))
    if args.junit:
        report.write_junit(outcome, args.junit)
    if args.html:
        report.write_html(outcome, args.html)
    return 0 if outcome.ok else 1


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
