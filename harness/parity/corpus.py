"""The parity corpus format: exchange records, their placeholders, and the normalisation.

Why one module: the recorder writes exchanges, the replays (the corpus, the generated corpus,
cassettes, the differential mode) compare answers, and all of them must agree on what an
answer is once normalised, or two runs of one conversation would differ in what legitimately
changes between them: the middle of tracebacks, timestamps the server sets itself, the
database name.

A call description is JSON. Credentials never appear in it: the placeholders `<db>`,
`<login>` and `<password>` stand for them and `materialise` puts the real values back at send
time, so one corpus replays against any server whatever its credentials.
"""

from __future__ import annotations

import json
import re
import xmlrpc.client
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.versions import corpus_path, validated_versions

DB = "<db>"
LOGIN = "<login>"
PASSWORD = "<password>"
SERVER_DATETIME = "<datetime>"
DATETIME_TAG = "$datetime"
TRACEBACK_HEAD = "Traceback (most recent call last):"

# Datetimes the conversation writes itself. Every other "YYYY-MM-DD HH:MM:SS" string in an
# answer was set by the server at run time, so it is replaced by SERVER_DATETIME.
ASSIGNED_AT = "2024-01-02 03:04:05"
FORGED_CREATE_DATE = "2000-01-01 00:00:00"
PAST = "2020-01-01 00:00:00"
WRITTEN_DATETIMES = frozenset({ASSIGNED_AT, FORGED_CREATE_DATE, PAST})

_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}")
_PG_PORT = re.compile(r'(connection to server at "[^"]*", port )\d+')
_PG_DETAIL = ("LINE ", "HINT:", "DETAIL:", "CONTEXT:")


@dataclass(frozen=True)
class Credentials:
    """Where and as whom to talk; kept out of every recorded call (see `materialise`)."""

    db: str
    login: str
    password: str


def exchange(label: str, call: dict[str, Any], answer: dict[str, Any], db: str) -> dict[str, Any]:
    """One corpus record: the call as described, the answer as any later run will see it."""
    return {"label": label, "call": call, "answer": normalise(answer, db)}


def load_corpus(version: str) -> dict[str, Any]:
    """The corpus recorded from a real ``version`` server (``harness.versions`` finds it)."""
    path = corpus_path(version)
    if path is None:
        raise FileNotFoundError(
            f"no parity corpus for Odoo {version} "
            f"(recorded versions: {', '.join(validated_versions()) or 'none'}; "
            "odoo-harness capture records one)"
        )
    return json.loads(path.read_text())


def write_corpus(document: dict[str, Any], out: Path) -> None:
    """Write a corpus document as committed: one key a line, non-ASCII text kept readable."""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(document, indent=1, sort_keys=False, ensure_ascii=False) + "\n", encoding="utf-8")


def normalise(value: Any, db: str | None = None) -> Any:
    """Return `value` as JSON data that is identical for two runs of the same conversation.

    Tracebacks keep their first and last line only (the frames name files and line numbers
    of one particular build); server-set datetimes become "<datetime>"; the database name
    becomes "<db>" inside every string where it stands as a token of its own (not within a
    longer identifier or dotted name, so a db called "odoo" leaves "odoo.exceptions" alone);
    XML-RPC DateTime objects become {"$datetime": ...}; tuples become lists.
    """
    if isinstance(value, dict):
        return {str(key): normalise(item, db) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [normalise(item, db) for item in value]
    if isinstance(value, xmlrpc.client.DateTime):
        return {DATETIME_TAG: value.value}
    if isinstance(value, str):
        return _normalise_text(value, db)
    return value


def _normalise_text(text: str, db: str | None) -> str:
    """Shorten a traceback, hide the db name and a server-set datetime in one string."""
    if text.startswith(TRACEBACK_HEAD):
        lines = [line for line in text.splitlines() if line.strip()]
        text = f"{lines[0]}\n…\n{_exception_line(lines)}"
    if db:
        text = re.sub(rf"(?<![\w.]){re.escape(db)}(?![\w.])", DB, text)
    text = _PG_PORT.sub(r"\g<1><port>", text)  # the server's PostgreSQL port is its host's choice
    if _DATETIME.fullmatch(text) and text not in WRITTEN_DATETIMES:
        return SERVER_DATETIME
    return text


def _exception_line(lines: list[str]) -> str:
    """The exception's own line: the last one, unless PostgreSQL's error follows it with the
    statement and a caret (``LINE 1: ...``, ``^``, ``HINT: ...``), which name no behaviour."""
    for line in reversed(lines):
        if not line[0].isspace() and not line.startswith(_PG_DETAIL):
            return line
    return lines[-1]


def materialise(value: Any, credentials: Credentials) -> Any:
    """Turn a recorded call description back into the values to send.

    `<password>` and `<login>` are whole values; `<db>` is replaced inside strings too (for
    example in a query string); {"$datetime": ...} becomes an XML-RPC DateTime again.
    """
    if isinstance(value, dict):
        if set(value) == {DATETIME_TAG}:
            return xmlrpc.client.DateTime(value[DATETIME_TAG])
        return {key: materialise(item, credentials) for key, item in value.items()}
    if isinstance(value, list):
        return [materialise(item, credentials) for item in value]
    if value == PASSWORD:
        return credentials.password
    if value == LOGIN:
        return credentials.login
    if isinstance(value, str):
        return value.replace(DB, credentials.db)
    return value
