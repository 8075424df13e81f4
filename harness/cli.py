"""The ``odoo-harness`` command line.

``DESCRIPTION`` is what ``odoo-harness --help`` says first: plain text, for a terminal.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.metadata
import logging
import os
import re
import sys
import traceback
from pathlib import Path
from typing import TYPE_CHECKING

from harness.capture import add_commands as add_capture_commands
from harness.cassettes.cli import add_commands as add_cassette_commands
from harness.cliargs import TARGET_KINDS, port
from harness.clidoc import commands
from harness.dashboard.cli import add_commands as add_dashboard_commands
from harness.engine.client import SECRET_ENV
from harness.errors import HarnessError
from harness.health.cli import add_commands as add_health_commands
from harness.parity.suite import ParitySuite
from harness.scenarios.model import suite_names
from simulator.profile import available_versions

if TYPE_CHECKING:
    from simulator.app import SimulatorApp

#: Suites by name: the recorded real-Odoo conversation, then every folder of scenarios/.
SUITES = {"parity": ParitySuite, **{name: name for name in suite_names()}}


DESCRIPTION = (
    "A compatibility test harness for an Odoo integration: an Odoo 16.0-19.0 simulator, the sync engine, "
    "suites run against simulators, containers and real servers, a differential mode, recorded traffic, "
    "connection health and admin pages. Secrets come from the environment, never the command line."
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="odoo-harness", description=DESCRIPTION)
    parser.add_argument(
        "--debug",
        action="store_true",
        help="show the traceback of a failure too (before the command: odoo-harness --debug sync ...)",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {importlib.metadata.version('odoo-harness')}")
    commands = parser.add_subparsers(dest="command", required=True)

    simulate = commands.add_parser("simulate", help="serve the Odoo simulator until interrupted")
    simulate.add_argument(
        "--odoo-version", required=True, choices=available_versions(), help="the Odoo series to answer as"
    )
    simulate.add_argument("--host", default="127.0.0.1", help="the address to listen on (default: %(default)s)")
    simulate.add_argument("--port", type=port, default=8069, help="on 127.0.0.1 (default: 8069)")
    simulate.add_argument("--data", type=Path, help="SQLite file to keep state in (default: memory)")
    simulate.add_argument("--db", default="odoo", help="database name (default: odoo)")
    simulate.add_argument(
        "--fresh", action="store_true", help="leave Analytic Accounting off, exactly as after install"
    )
    simulate.add_argument(
        "--master-password-env",
        metavar="VAR",
        help="environment variable holding the db service's master password "
        "(never on the command line; default: Odoo's own default, admin)",
    )
    simulate.add_argument(
        "--max-body-mb",
        type=_mebibytes,
        default="128",
        metavar="MIB",
        help="answer 413 to a request body over MIB MiB (default: 128, Odoo's limit; nginx's default is 1)",
    )
    _add_control_token(simulate)
    simulate.set_defaults(handler=cmd_simulate)

    proxy = commands.add_parser("proxy", help="serve the simulator's fault rules in front of a real Odoo")
    proxy.add_argument("--upstream", required=True, metavar="URL", help="the Odoo to forward to")
    proxy.add_argument("--port", type=port, default=8169, help="on 127.0.0.1 (default: 8169)")
    _add_control_token(proxy)
    proxy.set_defaults(handler=cmd_proxy)

    sync = commands.add_parser("sync", help="sync one tenant's grants into its Odoo")
    sync.add_argument("--tenant", required=True, help="the tenant's name, as its grants file says")
    sync.add_argument("--grants", required=True, type=Path, metavar="FILE.yaml", help="the tenant's grants file")
    sync.add_argument("--url", required=True, help="the Odoo server, http:// or https://, without credentials")
    sync.add_argument("--db", required=True, help="the Odoo database")
    sync.add_argument("--login", required=True, help="the Odoo user (over json2 only shown: the API key names it)")
    sync.add_argument(
        "--api",
        choices=SECRET_ENV,
        default="xmlrpc",
        help="xmlrpc, or json2: Odoo 19.0's JSON-2 API with an API key (default: %(default)s)",
    )
    sync.add_argument(
        "--password-env",
        metavar="VAR",
        help="environment variable holding the password (xmlrpc; never on the command line)",
    )
    sync.add_argument(
        "--api-key-env",
        metavar="VAR",
        help="environment variable holding the API key (json2; never on the command line)",
    )
    sync.add_argument(
        "--ledger",
        default="sqlite:///odoo-harness.sqlite",
        metavar="DATABASE_URL",
        help="the ledger of idempotency keys and the sync log: sqlite:///FILE or postgresql://... "
        "(default: %(default)s)",
    )
    sync.add_argument("--force", action="store_true", help="sync even an Odoo version not validated")
    sync.add_argument("--actuals", action="store_true", help="print budget against actuals afterwards")
    sync.set_defaults(handler=cmd_sync)

    add_health_commands(commands)

    diff = commands.add_parser("diff", help="send the same conversation to two targets; report every difference")
    diff.add_argument(
        "--targets",
        nargs=2,
        required=True,
        metavar=("A", "B"),
        help=f"{TARGET_KINDS}, each with a fresh database; url credentials from ODOO_DB / ODOO_LOGIN / "
        "ODOO_PASSWORD / ODOO_API_KEY, and ODOO_B_DB / ODOO_B_LOGIN / ODOO_B_PASSWORD / ODOO_B_API_KEY for a "
        "second url",
    )
    diff.add_argument(
        "--api",
        choices=("xmlrpc", "json2"),
        default="xmlrpc",
        help="xmlrpc: the parity conversation; json2: the JSON-2 script of Odoo 19.0 (harness/parity/recorded/json2), "
        "with an API key (a simulator issues one; url targets read ODOO_API_KEY) (default: %(default)s)",
    )
    diff.add_argument(
        "--allow",
        type=Path,
        metavar="FILE",
        help="YAML: exchange label -> why it may differ (tests/parity/diff/ holds the committed ones)",
    )
    diff.add_argument("--json", type=Path, metavar="FILE", help="write every difference as JSON")
    diff.set_defaults(handler=cmd_diff)

    run = commands.add_parser("run", help="run the suites over targets; print the compatibility matrix")
    run.add_argument(
        "--target",
        action="append",
        default=[],
        metavar="TARGET",
        help=f"{TARGET_KINDS}; repeat for several (url credentials from ODOO_DB / ODOO_LOGIN / "
        "ODOO_PASSWORD, and ODOO_API_KEY for JSON-2; default: the simulator of every version)",
    )
    run.add_argument(
        "--suite",
        action="append",
        default=[],
        metavar="NAME",
        help=f"a suite to run; repeat for several (default: all of {', '.join(SUITES)})",
    )
    run.add_argument(
        "--api",
        choices=("xmlrpc", "json2", "both"),
        default="both",
        help="the engine's wire: XML-RPC, JSON-2 (Odoo 19.0+; url targets read the key from "
        "ODOO_API_KEY) or both, a matrix column each (default: both, JSON-2 where the "
        "version has it)",
    )
    run.add_argument("--junit", type=Path, metavar="FILE", help="write a JUnit XML report")
    run.add_argument("--html", type=Path, metavar="FILE", help="write a self-contained HTML report")
    run.set_defaults(handler=cmd_run)

    add_cassette_commands(commands)
    add_capture_commands(commands)
    add_dashboard_commands(commands)
    _describe_commands(parser)
    return parser


def _describe_commands(parser: argparse.ArgumentParser) -> None:
    """Each command's ``--help`` opens with what the command list says of it, or with its module's
    docstring as plain text: a terminal shows ``name`` with its backticks."""
    for _path, command, summary in commands(parser):
        command.description = re.sub(r"``([^`]*)``", r"\1", command.description or summary)


def _mebibytes(text: str) -> int:
    """``--max-body-mb``: a whole number of MiB, at least 1, as bytes."""
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of MiB, at least 1, not {text!r}")
    return int(text) * 2**20


def _add_control_token(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--control-token-env",
        metavar="VAR",
        help="environment variable holding a token the control API (/__sim__/) then asks for as "
        "Authorization: Bearer TOKEN (never on the command line; the harness sends ODOO_CONTROL_TOKEN)",
    )


def _control_token(args: argparse.Namespace) -> str | None:
    """The control API's token from the variable ``--control-token-env`` names; None without the option."""
    if not args.control_token_env:
        return None
    token = os.environ.get(args.control_token_env)
    if not token:
        raise HarnessError(f"the environment variable {args.control_token_env} is not set")
    return token


def _token_note(args: argparse.Namespace) -> str:
    """How the banner says a token is asked for: by its variable's name, never its value."""
    return f"; control API: Authorization: Bearer ${args.control_token_env}" if args.control_token_env else ""


def cmd_simulate(args: argparse.Namespace) -> int:
    import sqlite3

    from simulator.app import SimulatorApp
    from simulator.registry import DEFAULT_MASTER_PASSWORD
    from simulator.server import Limits, SimServer

    master = os.environ.get(args.master_password_env) if args.master_password_env else DEFAULT_MASTER_PASSWORD
    if not master:
        print(f"odoo-harness simulate: the environment variable {args.master_password_env} is not set", file=sys.stderr)
        return 2
    try:
        app = SimulatorApp(
            args.odoo_version,
            db=args.db,
            data=args.data,
            fresh=args.fresh,
            master_password=master,
            control_token=_control_token(args),
        )
    except (ValueError, sqlite3.Error) as exc:  # --data: a file of another version, or no database
        print(f"odoo-harness simulate: --data {args.data}: {exc}", file=sys.stderr)
        return 2
    # Odoo's own warnings (19.0's deprecated endpoints) show as a real server logs them
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        server = SimServer(app, host=args.host, port=args.port, limits=Limits(max_body=args.max_body_mb))
    except (OSError, ValueError) as exc:
        print(f"odoo-harness simulate: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 2
    banner = (
        f"Odoo {args.odoo_version} simulator on {server.url} (database {args.db!r}, "
        f"login admin / admin{_token_note(args)}); Ctrl-C stops it"
    )
    if app.serves_json2:  # printed, never logged: a key of this throwaway simulator only
        banner += f"\n{_admin_key_line(app, server.url)}"
    server.serve_until_stopped(banner)
    return 0


def _admin_key_line(app: SimulatorApp, url: str) -> str:
    """admin's JSON-2 key, the same at every start on one ``--data`` file (``startup_key``)."""
    try:
        key = app.startup_key("admin")
    except LookupError as exc:  # a kept database whose admin was renamed or archived
        return f"no JSON-2 API key printed: {exc.args[0]} (POST {url}/__sim__/apikeys makes one)"
    return f"JSON-2 API key for admin: {key} (Authorization: bearer KEY; POST {url}/__sim__/apikeys makes more)"


def cmd_proxy(args: argparse.Namespace) -> int:
    from simulator.proxy import ProxyServer

    try:
        server = ProxyServer(args.upstream, port=args.port, control_token=_control_token(args))
    except (OSError, ValueError) as exc:
        print(f"odoo-harness proxy: {exc}", file=sys.stderr)
        return 2
    server.serve_until_stopped(
        f"fault proxy on {server.url} in front of {args.upstream}; rules: POST "
        f"{server.url}/__sim__/faults{_token_note(args)}; Ctrl-C stops it"
    )
    return 0


def cmd_sync(args: argparse.Namespace) -> int:
    """Exit 0 synced; 1 the sync failed (Odoo refused or could not be reached, or the ledger failed
    midway); 2 it cannot start (configuration, the grants file, a ledger that cannot be opened,
    an Odoo version not validated); 3 another live sync of the tenant holds its lock."""
    from harness.engine.actuals import compute_actuals
    from harness.engine.api_lifecycle import deprecated_calls_note
    from harness.engine.client import OdooCallError, OdooClient
    from harness.engine.compat import UnsupportedVersion
    from harness.engine.grants import GrantsError, load_grants
    from harness.engine.ledger import Ledger, LedgerError, SyncLocked
    from harness.engine.sync import CONNECTION, SyncEngine
    from harness.targets import public_url, url_problem

    option = f"--{SECRET_ENV[args.api].replace('_', '-')}"
    problem = url_problem(args.url, f"the environment variable named by {option}")
    if problem:
        print(f"odoo-harness sync: --url {public_url(args.url)}: {problem}", file=sys.stderr)
        return 2
    variable = getattr(args, SECRET_ENV[args.api])
    if not variable:
        print(f"odoo-harness sync: --api {args.api} needs {option} VAR", file=sys.stderr)
        return 2
    secret = os.environ.get(variable)
    if not secret:
        print(f"odoo-harness sync: the environment variable {variable} is not set", file=sys.stderr)
        return 2
    try:
        grants = load_grants(args.grants)
    except GrantsError as exc:
        print(f"odoo-harness sync: invalid grants file:\n{exc}", file=sys.stderr)
        return 2
    if grants.tenant != args.tenant:
        print(f"odoo-harness sync: {args.grants} is for tenant {grants.tenant!r}, not {args.tenant!r}", file=sys.stderr)
        return 2
    ledger = Ledger(args.ledger)  # one that cannot be opened: LedgerError, exit 2 (main)
    client = OdooClient(args.url, args.db, args.login, secret, tenant=args.tenant, ledger=ledger, api=args.api)
    engine = SyncEngine(client, ledger, force=args.force, progress=_progress_printer())
    try:
        result = engine.sync(grants)
        for line in result.capabilities.verdict if result.capabilities else ():
            print(line)
        print(result.summary())
        if result.deprecated_calls:
            print(deprecated_calls_note(result.deprecated_calls, result.capabilities.series, client.wire.protocol))
        for entity, error in result.failed:
            where = f" ({client.url}, database {client.db!r})" if entity == CONNECTION else ""
            print(f"  failed {entity}: {error}{where}")
        if args.actuals and result.ok:
            _print_actuals(compute_actuals(client, grants, result))
    except SyncLocked as exc:
        _report(args, exc)
        return 3
    except UnsupportedVersion as exc:  # nothing was written; --force is the caller's decision
        _report(args, exc)
        return 2
    except (LedgerError, OdooCallError) as exc:  # the sync started: it failed
        _report(args, exc)
        return 1
    return 0 if result.ok else 1


def _report(args: argparse.Namespace, exc: BaseException) -> None:
    """One line naming what failed, where and why; the traceback before it only with --debug."""
    if args.debug:
        traceback.print_exception(exc)
    print(f"odoo-harness {args.command}: {exc}", file=sys.stderr)


def _progress_printer():
    """A one-line progress display on a terminal; silent otherwise (logs, CI)."""
    if not sys.stderr.isatty():
        return None

    def show(phase: str, done: int, total: int) -> None:
        width = 30
        filled = width * done // total if total else width
        sys.stderr.write(f"\r{phase:9} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        if done == total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    return show


def _print_actuals(actuals) -> None:
    print(f"{'':32} {'budget':>12} {'spent':>12} {'remaining':>12}")
    for title, figures in (
        ("project", actuals.projects),
        ("donor category", actuals.categories),
        ("budget line", actuals.lines),
    ):
        for code, fig in figures.items():
            spent = "n/a" if fig.spent is None else f"{fig.spent:12.2f}"
            remaining = "n/a" if fig.remaining is None else f"{fig.remaining:12.2f}"
            print(f"{title + ' ' + code:32} {fig.budget:12.2f} {spent:>12} {remaining:>12}")


def cmd_diff(args: argparse.Namespace) -> int:
    from harness import diff
    from harness.targets import TargetError, parse_target, with_api

    try:
        targets = with_api([parse_target(text) for text in args.targets], args.api)
        allow = diff.load_allow_list(args.allow)
        diff.check_labels(allow, diff.conversation_labels(args.api), args.allow)
        first = diff.converse(targets[0])
        with _second_url_credentials(targets):
            second = diff.converse(targets[1])
    except (TargetError, ValueError, OSError) as exc:
        print(f"odoo-harness diff: {exc}", file=sys.stderr)
        return 2
    report = diff.compare(targets[0].name, first, targets[1].name, second, allow)
    print(report.text())
    if args.json:
        diff.write_json(report, args.json)
    return 0 if not report.unexplained else 1


@contextlib.contextmanager
def _second_url_credentials(targets: list):
    """Two url: targets need two sets of credentials: the second reads ODOO_B_*."""
    if not (targets[0].kind == targets[1].kind == "url"):
        yield
        return
    saved = {name: os.environ.get(name) for name in ("ODOO_DB", "ODOO_LOGIN", "ODOO_PASSWORD", "ODOO_API_KEY")}
    for name in saved:
        if os.environ.get(f"ODOO_B_{name[5:]}"):
            os.environ[name] = os.environ[f"ODOO_B_{name[5:]}"]
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def cmd_run(args: argparse.Namespace) -> int:
    from harness import report
    from harness.runner import DEGRADED, SKIP, run_suites
    from harness.scenarios.model import ScenarioError
    from harness.scenarios.suite import ScenarioSuite
    from harness.targets import TargetError, default_targets, parse_target, with_api

    try:
        targets = with_api([parse_target(t) for t in args.target] or default_targets(), args.api)
    except TargetError as exc:
        print(f"odoo-harness run: {exc}", file=sys.stderr)
        return 2
    unknown = [name for name in args.suite if name not in SUITES]
    if unknown:
        print(f"odoo-harness run: unknown suite {unknown[0]!r} (available: {', '.join(SUITES)})", file=sys.stderr)
        return 2
    try:
        suites = [ParitySuite() if name == "parity" else ScenarioSuite(name) for name in (args.suite or SUITES)]
    except ScenarioError as exc:
        print(f"odoo-harness run: invalid scenario:\n{exc}", file=sys.stderr)
        return 2

    def progress(result) -> None:
        why = f" ({result.detail})" if result.status in (SKIP, DEGRADED) else ""
        print(
            f"  {result.target:14} {result.suite} / {result.scenario}: {result.status}{why}",
            file=sys.stderr,
            flush=True,
        )

    outcome = run_suites(suites, targets, progress=progress)
    print(report.matrix(outcome))
    if args.junit:
        report.write_junit(outcome, args.junit)
    if args.html:
        report.write_html(outcome, args.html)
    for line in report.nothing_ran(outcome):  # also on stderr: a CI log must not miss it
        print(f"odoo-harness run: {line}", file=sys.stderr)
    return 0 if outcome.ok else 1


def main(argv: list[str] | None = None) -> int:
    """Run a command. A failure the harness raised on purpose (``HarnessError``: configuration, a
    ledger that cannot be opened, ...) that no command handled means the command could not start:
    one line on stderr and exit 2, with the traceback only under ``--debug``."""
    args = build_parser().parse_args(argv)
    try:
        code = args.handler(args)
        sys.stdout.flush()  # a closed pipe shows here, not at exit
        return code
    except HarnessError as exc:
        _report(args, exc)
        return 2
    except BrokenPipeError:
        # the reader went away (``| head``): stop quietly, as Python's docs advise for pipes
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


if __name__ == "__main__":
    sys.exit(main())
