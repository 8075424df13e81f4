"""``odoo-harness health tick`` and ``health serve``.

``tick`` runs one round as of ``--at`` (default: now) and prints one JSON line per tenant:
``tenant``, ``state``, ``since``, ``last_ok``, ``latency_ms``, ``error`` (and ``failures``,
``checked_at``, ``http_status``) and exits by the worst state, so cron and CI can act on it:
0 every tenant green, 4 the worst amber, 5 a tenant red; 2 on a bad tenants file or a ledger that
cannot be opened (one line naming it), 3 when another live round holds the ledger (a ``serve``
mid-round; a round killed midway holds nothing). 1 stays the code of a command that failed.
``serve`` is the 5-minute cron: a round every ``--interval`` seconds, printing the same lines,
until SIGTERM, Ctrl-C or ``--max-rounds``. Both keep state in the ledger (``--ledger``), so
separate ``tick`` runs from cron and a restarted ``serve`` continue the same incidents.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import signal
import sys
import threading
from pathlib import Path

from harness.engine.ledger import SyncLocked
from harness.health.alerts import build_sinks
from harness.health.monitor import Monitor
from harness.health.states import Health, State
from harness.health.store import DEFAULT_LEDGER, HealthStore
from harness.health.tenants import TenantsError, load_tenants


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    """Add ``health tick`` and ``health serve`` to the ``odoo-harness`` command line."""
    health = subparsers.add_parser("health", help="connection health of every tenant: green / amber / red")
    commands = health.add_subparsers(dest="health_command", required=True)

    tick = commands.add_parser("tick", help="one health round for every tenant; one JSON line per tenant")
    tick.add_argument(
        "--at",
        type=_instant,
        metavar="ISO8601",
        help="the instant the round stands for (default: now; no zone means UTC)",
    )
    _common_options(tick)
    tick.set_defaults(handler=cmd_tick)

    serve = commands.add_parser("serve", help="a health round every --interval seconds until stopped")
    serve.add_argument(
        "--interval", type=_positive, default=300.0, metavar="SECONDS", help="between rounds (default: %(default)g)"
    )
    serve.add_argument("--max-rounds", type=int, metavar="N", help="stop after N rounds (default: never)")
    _common_options(serve)
    serve.set_defaults(handler=cmd_serve)


def _common_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--tenants", required=True, type=Path, metavar="FILE", help="the tenants file (YAML)")
    parser.add_argument(
        "--ledger",
        default=DEFAULT_LEDGER,
        metavar="DATABASE_URL",
        help="where health state is kept, with the syncs': sqlite:///FILE or postgresql://... (default: %(default)s)",
    )
    parser.add_argument(
        "--timeout", type=_positive, default=10.0, metavar="SECONDS", help="per call (default: %(default)g)"
    )


#: ``tick``'s exit code per worst state; distinct from 1 (failed), 2 (cannot start), 3 (locked)
EXIT_BY_STATE = {State.GREEN: 0, State.AMBER: 4, State.RED: 5}


def worst_exit(healths: list[tuple[str, Health]]) -> int:
    """The exit code of the worst state in a round (0 for a round with no tenant)."""
    return max((EXIT_BY_STATE[health.state] for _tenant, health in healths), default=0)


def cmd_tick(args: argparse.Namespace) -> int:
    monitor = _monitor(args)
    if monitor is None:
        return 2
    try:
        healths = monitor.tick(args.at or _now())
    except SyncLocked:
        print(
            "odoo-harness health: another health round is running on this ledger; this one is skipped", file=sys.stderr
        )
        return 3
    _print_round(healths)
    return worst_exit(healths)


def cmd_serve(args: argparse.Namespace) -> int:
    monitor = _monitor(args)
    if monitor is None:
        return 2
    stop = threading.Event()
    previous = signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        with contextlib.suppress(KeyboardInterrupt):
            monitor.serve(
                interval=args.interval, now=_now, wait=stop.wait, max_rounds=args.max_rounds, report=_print_round
            )
    finally:
        signal.signal(signal.SIGTERM, previous)
    return 0


def _monitor(args: argparse.Namespace) -> Monitor | None:
    try:
        config = load_tenants(args.tenants)
    except TenantsError as exc:
        print(f"odoo-harness health: invalid tenants file:\n{exc}", file=sys.stderr)
        return None
    sinks = build_sinks(config.alerts, args.tenants.resolve().parent)
    return Monitor(config, HealthStore(args.ledger), sinks, timeout=args.timeout)


def _print_round(healths: list[tuple[str, Health]]) -> None:
    for tenant, health in healths:
        print(json.dumps(health.as_json(tenant)), flush=True)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _instant(text: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 instant: {text!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds, not {text!r}")
    return value
