"""``odoo-harness record`` and ``odoo-harness replay``.

Exit codes: 0 the sync succeeded (record) or the replay matched the recording (replay);
1 the sync failed (the cassette is still written: a failing sync is worth keeping) or the
replay differs; 2 bad input (target, grants, cassette), with what is wrong and where.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from harness.cassettes.cassette import CassetteError
from harness.cliargs import TARGET_KINDS
from harness.diff import check_labels, load_allow_list
from harness.engine.grants import GrantsError, load_grants
from harness.engine.ledger import SyncLocked
from harness.targets import APIS, TargetError, parse_target, with_api
from harness.yamlfile import YamlFileError

TARGET_HELP = (
    f"{TARGET_KINDS} (url credentials from ODOO_DB / ODOO_LOGIN / ODOO_PASSWORD, and ODOO_API_KEY over json2; "
    "never the command line)"
)


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    record = subparsers.add_parser("record", help="sync grants into a target, keeping every exchange in a cassette")
    record.add_argument("--target", required=True, metavar="TARGET", help=TARGET_HELP)
    record.add_argument(
        "--cassette", required=True, type=Path, metavar="FILE.yaml", help="the cassette to write (a new file)"
    )
    record.add_argument("--grants", required=True, type=Path, metavar="FILE.yaml", help="the tenant's grants file")
    record.add_argument(
        "--api",
        choices=APIS,
        default="xmlrpc",
        help="the engine's wire, as for sync: xmlrpc, or json2: Odoo 19.0's JSON-2 API with an API key (a "
        "simulator issues one; url targets read it from ODOO_API_KEY) (default: %(default)s)",
    )
    record.add_argument(
        "--ledger", metavar="DATABASE_URL", help="the tenant's ledger (default: a new one, so a first sync)"
    )
    record.add_argument("--overwrite", action="store_true", help="replace an existing cassette")
    record.add_argument("--timeout", type=float, default=30.0, help="seconds per call (default: %(default)g)")
    record.set_defaults(handler=cmd_record)

    replay = subparsers.add_parser("replay", help="run a recorded sync again: against its cassette, or a target")
    replay.add_argument(
        "--cassette",
        required=True,
        type=Path,
        action="append",
        metavar="FILE.yaml",
        help="repeat for a customer's history (first sync, then re-syncs), oldest first",
    )
    replay.add_argument(
        "--target",
        metavar="TARGET",
        help=f"compare with syncs into this Odoo instead, on each cassette's recorded wire: {TARGET_HELP}",
    )
    replay.add_argument(
        "--keep",
        type=Path,
        metavar="FOLDER",
        help="with --target: save the target's cassettes there, under the recorded names",
    )
    replay.add_argument(
        "--allow",
        type=Path,
        metavar="FILE",
        help="with --target: YAML, call -> why it may differ (the call as the report names it, without its "
        "number: 'object project.project.create'), as for diff --allow",
    )
    replay.set_defaults(handler=cmd_replay)


def cmd_record(args: argparse.Namespace) -> int:
    from harness.cassettes.record import record

    try:
        [target] = with_api([parse_target(args.target)], args.api)
        recording = record(
            target,
            load_grants(args.grants),
            args.cassette,
            ledger_url=args.ledger,
            overwrite=args.overwrite,
            timeout=args.timeout,
        )
    except (TargetError, GrantsError, CassetteError, SyncLocked) as exc:
        print(f"odoo-harness record: {exc}", file=sys.stderr)
        return 2
    result = recording.result
    print(f"recorded {recording.interactions} calls into {recording.cassette}")
    print(result.summary())
    for entity, error in result.failed:
        print(f"  failed {entity}: {error}")
    return 0 if result.ok else 1


def cmd_replay(args: argparse.Namespace) -> int:
    from harness.cassettes.replay import replay_cassette, replay_on_target

    for option in ("keep", "allow"):
        if getattr(args, option) and not args.target:
            print(
                f"odoo-harness replay: --{option} needs --target (a replay against the cassette compares no servers)",
                file=sys.stderr,
            )
            return 2
    try:
        if args.target:
            allow = load_allow_list(args.allow)
            reports = replay_on_target(args.cassette, parse_target(args.target), keep=args.keep, allow=allow)
            check_labels(allow, set().union(*(report.calls for report in reports)), args.allow)
        else:
            reports = [replay_cassette(path) for path in args.cassette]
    except (TargetError, CassetteError, YamlFileError) as exc:
        print(f"odoo-harness replay: {exc}", file=sys.stderr)
        return 2
    print("\n".join(report.text() for report in reports))
    return 0 if all(report.ok for report in reports) else 1
