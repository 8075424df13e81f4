"""The JSON-2 script: scripted HTTP requests to Odoo 19.0's JSON-2 API and what real servers answered.

``harness/parity/recorded/json2/<version>.json`` holds, per version, a list of exchanges ``{label, request,
answer}``: the request as sent (method, path, headers, a ``json`` or ``raw`` body) and the answer
normalised (``normalise``). 19.0's was recorded on a fresh database with Analytic Accounting on
and a few users and API keys made in Odoo's shell; 16.0 to 18.0 hold the requests that show they
have no JSON-2. Keys never appear in it: ``<key>``, the other ``<..._key>`` placeholders and
``<db>`` are put back at send time (``materialise``).

Two readers share this module, so that they agree on what an answer is:
``tests/simulator/test_json2_simulator.py`` replays the recorded answers against the simulator,
and the differential mode (``harness.diff``) sends the newest script to two targets.
"""

from __future__ import annotations

import http.client
import json
import re
from importlib.resources import files
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from harness.versions import version_key

SCRIPT_DIR = Path(files("harness.parity") / "recorded" / "json2")
#: The answer headers a client may act on; the rest (Date, Server, Content-Length, a session cookie
#: that ``/json/version`` sets) change from one request to the next or are the server's own.
KEPT_HEADERS = (
    "Content-Type",
    "WWW-Authenticate",
    "Location",
    "Accept",
    "X-Content-Type-Options",
    "Cache-Control",
    "Content-Language",
    "ETag",
)
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}")
#: A key an answer shows (``make_key``'s, once the identity check passed): a new one every run.
_NEW_KEY = re.compile(r"\b[0-9a-f]{40}\b")
_PLACEHOLDER = re.compile(r"<(db|[a-z_]*key)>")


def load(version: str) -> dict[str, Any]:
    """The script recorded from a real ``version`` server."""
    return json.loads((SCRIPT_DIR / f"{version}.json").read_text())


def newest() -> str:
    """The newest version with a script: the one whose requests exercise JSON-2 itself."""
    return max((path.stem for path in SCRIPT_DIR.glob("*.json")), key=version_key)


def normalise(status: int, headers: list[tuple[str, str]], body: bytes, db: str) -> dict[str, Any]:
    """An answer as two runs of the same request give it: an error's ``debug`` (a traceback naming
    one build's files and lines) down to the exception it ends with, server-set datetimes and the
    documentation's ETag (an HMAC of the database's secret) and a key made by the call as placeholders,
    the database's name as ``<db>``. HTML pages are kept whole (they are werkzeug's or Odoo's fixed pages)."""
    kept = {name: value for name, value in headers if name in KEPT_HEADERS}
    if "ETag" in kept:
        kept["ETag"] = "<etag>"
    content_type = kept.get("Content-Type", "")
    answer: Any = body.decode("utf-8", errors="replace")
    if content_type.startswith("application/json") and body:
        answer = json.loads(body)
        if isinstance(answer, dict) and isinstance(answer.get("debug"), str):
            answer["debug"] = raised(answer["debug"])
    text = _NEW_KEY.sub("<new_key>", _DATETIME.sub("<datetime>", json.dumps(answer)))
    answer = json.loads(text.replace(json.dumps(db)[1:-1], "<db>"))
    return {"status": status, "headers": kept, "body": answer}


def raised(debug: str) -> str:
    """A formatted traceback's last exception, without the frames that lead to it (the text after the
    last frame line; a chained exception's cause goes with its frames)."""
    lines = debug.splitlines()
    frames = [i for i, line in enumerate(lines) if line.startswith("  ")]
    return "\n".join(lines[frames[-1] + 1 :] if frames else lines)


def placeholders(request: dict[str, Any]) -> set[str]:
    """The placeholders a recorded request needs a value for (``db``, ``key``, ``user_key``...)."""
    return set(_PLACEHOLDER.findall(json.dumps(request)))


def materialise(value: Any, secrets: dict[str, str]) -> Any:
    """A recorded request with its placeholders (``<db>``, ``<key>``...) replaced by ``secrets``."""
    return json.loads(_PLACEHOLDER.sub(lambda m: secrets[m[1]], json.dumps(value)))


def send(host: str, port: int, request: dict[str, Any], secrets: dict[str, str]) -> tuple[int, list, bytes]:
    """One recorded request, sent as recorded (method, path, headers, a JSON or raw body)."""
    request = materialise(request, secrets)
    body = (
        request["raw"].encode()
        if "raw" in request
        else (json.dumps(request["json"]).encode() if "json" in request else None)
    )
    connection = http.client.HTTPConnection(host, port, timeout=60)
    try:
        connection.request(request["method"], request["path"], body=body, headers=request["headers"])
        response = connection.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        connection.close()


def converse(url: str, secrets: dict[str, str]) -> list[dict[str, Any]]:
    """The newest script sent, in order, to the server at ``url``: ``{label, answer}`` per exchange,
    or ``{label, not_sent}`` naming what it needs that ``secrets`` lacks (the recording's other users'
    keys were made in Odoo's shell, its session in a browser: no target offers them). ``secrets`` holds
    ``db`` and ``key``."""
    parts = urlsplit(url)
    exchanges: list[dict[str, Any]] = []
    for exchange in load(newest())["exchanges"]:
        missing = sorted(placeholders(exchange["request"]) - secrets.keys())
        if missing:
            exchanges.append({"label": exchange["label"], "not_sent": ", ".join(f"<{m}>" for m in missing)})
            continue
        answer = send(parts.hostname or "", parts.port or 80, exchange["request"], secrets)
        exchanges.append({"label": exchange["label"], "answer": normalise(*answer, secrets["db"])})
    return exchanges
