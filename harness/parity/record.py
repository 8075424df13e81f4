"""Record the parity conversation against a real Odoo server into a corpus file.

Why a command: the corpus is data committed to the repo, recorded once per Odoo version
against a real server on a fresh database, and re-recorded only when the conversation
changes. The server must expose that database alone (`--database DB`, no dbfilter; see
README.md). Usage (the password comes from the environment, never from argv):

    ODOO_PASSWORD=... python -m harness.parity.record --url http://127.0.0.1:9117 \
        --db odoo17 --out harness/parity/recorded/corpus/17.0.json
"""

from __future__ import annotations

import argparse
import datetime
import os
import re
import sys
from pathlib import Path
from typing import Any

from harness.parity.client import perform
from harness.parity.conversation import run_conversation
from harness.parity.corpus import Credentials, write_corpus


def _strings(value: Any) -> list[str]:
    """Every string inside a JSON value, keys included."""
    if isinstance(value, dict):
        return [text for key, item in value.items() for text in [key, *_strings(item)]]
    if isinstance(value, list):
        return [text for item in value for text in _strings(item)]
    return [value] if isinstance(value, str) else []


def check_no_secret(document: dict[str, Any], password: str) -> None:
    """Refuse a corpus that carries the password anywhere.

    A token match (not a bare substring) so that a short test password such as "admin" is
    still caught as a value or inside a message, while words that merely contain it (an
    error text saying "administrator") do not stop the recording.
    """
    token = re.compile(rf"(?<![A-Za-z0-9_]){re.escape(password)}(?![A-Za-z0-9_])")
    leaks = [text for text in _strings(document) if token.search(text)]
    if leaks:
        raise RuntimeError(f"the password appears in {len(leaks)} string(s) of the corpus")


def check_no_today(exchanges: list[dict[str, Any]], days: set[datetime.date]) -> None:
    """Refuse answers holding today's date: a server-set value that normalise missed.

    Such a value would make the corpus differ from one day to the next. `days` holds today
    in UTC and in local time, as the server may use either.
    """
    stamps = {day.isoformat() for day in days}
    labels = [
        ex["label"] for ex in exchanges if any(stamp in text for text in _strings(ex["answer"]) for stamp in stamps)
    ]
    if labels:
        raise RuntimeError(f"today's date {sorted(stamps)} appears in the answers of {labels}")


def check_single_database(url: str, credentials: Credentials) -> None:
    """Refuse to record unless the server exposes the recording database alone.

    Two answers depend on the databases a server can see rather than on Odoo's version:
    `db.list` (every database of the PostgreSQL cluster, unless the server runs with
    `--database` and no dbfilter) and /web/dataset/call_kw without a session (JSON error 100
    on a server that sees one database, an HTML 404 on one that sees several). The corpus
    pins the single-database case, the one the simulator is in.
    """
    web_list = {
        "transport": "http",
        "method": "POST",
        "path": "/web/database/list",
        "json": {"jsonrpc": "2.0", "method": "call", "params": {}, "id": 1},
    }
    body = perform(url, web_list, credentials)["http"]["body"]
    seen = {
        "/web/database/list": body.get("result") if isinstance(body, dict) else body,
        "db.list": perform(
            url,
            {"transport": "xmlrpc", "path": "/xmlrpc/2/db", "method": "list", "params": []},
            credentials,
        ).get("ok"),
    }
    if any(answer != [credentials.db] for answer in seen.values()):
        raise RuntimeError(
            f"the server must expose only {credentials.db!r}: start it with "
            f"--database {credentials.db} and no dbfilter (it answered {seen})"
        )


def record_corpus(url: str, credentials: Credentials, out: Path) -> dict[str, Any]:
    """Run the conversation on the fresh database, check the recording, write ``out``."""
    check_single_database(url, credentials)
    exchanges = run_conversation(url, credentials.db, credentials.login, credentials.password)
    now = datetime.datetime.now(datetime.UTC)
    check_no_today(exchanges, {now.date(), datetime.date.today()})
    version = next(ex for ex in exchanges if ex["label"] == "common.version")
    document = {
        "server_version": version["answer"]["ok"]["server_version"],
        "recorded_against": {"url": url, "date": now.date().isoformat()},
        "exchanges": exchanges,
    }
    check_no_secret(document, credentials.password)
    write_corpus(document, out)
    return document


def main(argv: list[str] | None = None) -> int:
    """Parse the arguments, run the conversation, check and write the corpus file."""
    parser = argparse.ArgumentParser(prog="python -m harness.parity.record", description=__doc__)
    parser.add_argument("--url", required=True, help="http://host:port of the Odoo server")
    parser.add_argument("--db", required=True, help="a FRESH database (it gets written)")
    parser.add_argument("--out", required=True, type=Path, help="corpus file to write")
    parser.add_argument("--login", default="admin")
    parser.add_argument(
        "--password-env",
        default="ODOO_PASSWORD",
        help="name of the environment variable holding the password",
    )
    args = parser.parse_args(argv)
    password = os.environ.get(args.password_env)
    if not password:
        parser.error(f"set the password in the environment variable {args.password_env}")
    document = record_corpus(args.url, Credentials(args.db, args.login, password), args.out)
    print(f"{args.out}: {len(document['exchanges'])} exchanges, server {document['server_version']}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
