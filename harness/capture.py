"""``odoo-harness capture``: a new Odoo version from one fresh real server, in one command.

What a version needs is data: a simulator profile (fields, defaults, initial records,
recorded by ``simulator.profiles.capture``), the parity corpus (the scripted conversation
recorded by ``harness.parity.record``) and the generated differential corpus
(``harness.parity.generated``). Each writes to the database and needs it fresh, so the
command runs the caller's ``--reset-command`` before each part. Then it replays the
parity corpus on a simulator built from the new profile: every answer that differs is a
quirk a person still has to write into ``profile.yaml`` (it starts as ``extends: <the
newest version below>``), and the command lists them.

Output, under ``--out DIR``: ``profiles/<version>/``, ``corpus/<version>.json`` and
``generated/<version>.json``. With
``ODOO_HARNESS_DATA=DIR`` set, ``simulate``, ``run`` and ``diff`` know the version.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

from harness.errors import HarnessError
from harness.parity.corpus import Credentials
from harness.parity.generated import run_generated, write_generated
from harness.parity.record import record_corpus
from harness.parity.replay import ParityReport, replay_exchanges
from harness.targets import TargetError, parse_target
from harness.versions import version_key


class CaptureError(HarnessError, RuntimeError):
    """A step of the capture that failed; the message names the step and what to do."""


def add_commands(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "capture",
        help="record a new Odoo version's simulator profile and parity corpus from a fresh real server",
        description=__doc__.split("\n\n")[1],
    )
    parser.add_argument(
        "--target",
        required=True,
        metavar="url:URL",
        help="the real server (database and credentials from ODOO_DB, ODOO_LOGIN, ODOO_PASSWORD)",
    )
    parser.add_argument(
        "--out",
        required=True,
        type=Path,
        metavar="DIR",
        help="where profiles/<version>/ and corpus/<version>.json are written",
    )
    parser.add_argument(
        "--reset-command",
        required=True,
        metavar="CMD",
        help="shell command that makes the database fresh again (run before each part), "
        "e.g. 'dropdb odoo && createdb -T odoo_template odoo'",
    )
    parser.add_argument(
        "--psql-db",
        metavar="CONNINFO",
        help="libpq connection string of the same database, to record id sequences "
        "(PGPASSWORD from the environment); without it ids follow the records",
    )
    parser.set_defaults(handler=cmd_capture)


def cmd_capture(args: argparse.Namespace) -> int:
    try:
        target = parse_target(args.target)
        if target.kind != "url":
            raise TargetError(f"capture records a real server: give url:URL, not {target.name}")
        with target.start() as endpoint:
            report = capture_version(
                endpoint.url,
                Credentials(endpoint.db, endpoint.login, endpoint.password),
                args.out,
                args.reset_command,
                args.psql_db,
            )
    except (TargetError, CaptureError) as exc:
        print(f"odoo-harness capture: {exc}", file=sys.stderr)
        return 2
    print(describe(report, args.out))
    return 0


def capture_version(
    url: str, credentials: Credentials, out: Path, reset_command: str, psql_db: str | None = None
) -> ParityReport:
    """Profile, then corpus, each on a freshly reset database; then what the profile lacks."""
    from simulator.profiles.capture import RpcError, capture

    _reset(reset_command)
    staging = out / "profiles" / ".capturing"
    try:
        version_info = capture(url, credentials.db, credentials.login, credentials.password, staging, psql_db)
    except (RpcError, OSError, subprocess.CalledProcessError) as exc:
        raise CaptureError(
            f"recording the profile failed: {exc}; the server must be a fresh Odoo with base, "
            "analytic, account and project installed, and this version may need the capture "
            "tooling (simulator/profiles/capture.py) taught a change"
        ) from exc
    version = str(version_info["server_serie"])
    folder = out / "profiles" / version
    folder.mkdir(parents=True, exist_ok=True)
    for path in staging.iterdir():
        path.replace(folder / path.name)
    staging.rmdir()
    if not (folder / "profile.yaml").is_file():  # a re-capture keeps the quirks already written
        (folder / "profile.yaml").write_text(_profile_stub(version))
    _reset(reset_command)
    corpus = out / "corpus" / f"{version}.json"
    try:
        document = record_corpus(url, credentials, corpus)
    except (RuntimeError, OSError) as exc:
        raise CaptureError(f"recording the parity corpus failed: {exc}") from exc
    _reset(reset_command)
    try:
        generated = run_generated(url, credentials)
    except (RuntimeError, OSError) as exc:
        raise CaptureError(f"recording the generated corpus failed: {exc}") from exc
    write_generated(out / "generated" / f"{version}.json", 0, generated)
    return replay_on_new_profile(version, document["exchanges"], out)


def replay_on_new_profile(version: str, exchanges: list[dict], out: Path) -> ParityReport:
    """The recorded answers against a simulator of the freshly captured profile."""
    from simulator.app import SimulatorApp
    from simulator.profile import DATA_PATH_ENV, forget_profiles
    from simulator.server import SimServer

    before = os.environ.get(DATA_PATH_ENV)
    os.environ[DATA_PATH_ENV] = os.pathsep.join(filter(None, [str(out), before]))
    forget_profiles()
    try:
        with SimServer(SimulatorApp(version, db="odoo", fresh=True)) as server:
            report = replay_exchanges(exchanges, server.url, Credentials("odoo", "admin", "admin"))
    finally:  # the process's other simulators keep the profiles they had
        if before is None:
            del os.environ[DATA_PATH_ENV]
        else:
            os.environ[DATA_PATH_ENV] = before
        forget_profiles()
    report.version = version
    return report


def describe(report: ParityReport, out: Path) -> str:
    """What was captured, and each answer the new profile does not give yet."""
    lines = [
        f"Odoo {report.version}: profile in {out / 'profiles' / report.version}, "
        f"corpus in {out / 'corpus' / (report.version + '.json')}",
        f"the simulator of the new profile gives {len(report.identical)} of {report.total} "
        "recorded answers as the real server did",
    ]
    if report.different:
        lines.append(
            f"{len(report.different)} answers still need a hand-written quirk in "
            f"{out / 'profiles' / report.version / 'profile.yaml'} (schema: simulator/quirks.py):"
        )
        for label, diff in report.different.items():
            lines.append(
                f"  - {label}\n      real {json.dumps(diff['expected'])[:300]}\n"
                f"      sim  {json.dumps(diff['got'])[:300]}"
            )
    lines.append(f"use it with ODOO_HARNESS_DATA={out} (simulate, run, diff)")
    return "\n".join(lines)


def _profile_stub(version: str) -> str:
    from simulator.profile import available_versions

    below = [v for v in available_versions() if version_key(v) < version_key(version)]
    base = f'extends: "{below[-1]}"\n' if below else ""
    return (
        f"# Odoo {version}: recorded by odoo-harness capture; write here only what differs from the "
        f"profile it extends\n# (the capture's output lists the answers that still differ).\n{base}"
    )


def _reset(command: str) -> None:
    """The caller's own command line (never holds a secret of ours), so a shell runs it."""
    result = subprocess.run(command, shell=True, capture_output=True, text=True, check=False)
    if result.returncode:
        raise CaptureError(f"--reset-command exited {result.returncode}: {result.stderr.strip()[-500:]}")
