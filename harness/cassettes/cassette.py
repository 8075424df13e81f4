"""The cassette file: vcrpy's YAML, scrubbed of secrets, plus what replay needs.

vcrpy stores ``interactions``; odoo-harness adds an ``odoo_harness`` block (vcrpy ignores
it) with the grants that were synced, the tenant, database and login, the target and
Odoo's version, the tenant's idempotency keys as they stood before the sync, and the
sync's outcome. With that block a cassette replays on its own, without the customer's Odoo.

Secrets never reach the file. Passwords in XML-RPC parameters become ``SCRUBBED`` before
vcrpy stores a request, and before it matches one on replay, so matching still works; an
authorization header keeps its scheme only (``bearer *scrubbed*``: JSON-2's API key, or the
Basic credentials of a URL); cookies are dropped; any other place a password or API key
stands as text (a server echoing one) is scrubbed as vcrpy saves the file; and the written
file is checked on its structure and searched for the secrets before it is moved into place
(``write_cassette``).
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import xmlrpc.client
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit
from xml.parsers.expat import ExpatError

import vcr
import yaml
from pydantic import Field, ValidationError
from vcr.request import Request

from harness.calls import service_of
from harness.engine.grants import Grants
from harness.yamlfile import LOADER, StrictModel, YamlFileError, read_yaml, validation_errors

SCRUBBED = "*scrubbed*"
FORMAT = 1
META = "odoo_harness"
#: Where the secret sits among an XML-RPC method's parameters, per (service, method).
SECRET_PARAM = {
    ("common", "authenticate"): 2,
    ("common", "login"): 2,
    ("object", "execute_kw"): 2,
    ("object", "execute"): 2,
    **{
        ("db", method): 0
        for method in (
            "create_database",
            "duplicate_database",
            "drop",
            "dump",
            "restore",
            "rename",
            "change_admin_password",
            "migrate_databases",
        )
    },
}
DROPPED_HEADERS = ("cookie", "set-cookie", "x-openerp-session-id")
#: The header whose credentials are scrubbed, its scheme kept.
AUTHORIZATION = "authorization"
FAST_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
#: Shorter passwords are only checked structurally: as text they match ordinary words.
MIN_SCANNED = 8


class CassetteError(YamlFileError):
    """A cassette that cannot be replayed; each line names the file and what is wrong."""


class LedgerKey(StrictModel):
    key: str
    status: Literal["pending", "succeeded", "failed"]
    odoo_id: int | None = None
    error: str | None = None
    model: str | None = None


class KnownServer(StrictModel):
    """What the engine had kept about the recorded Odoo before the sync (its fields_get
    answers per version answer): a re-sync that did not ask replays without asking."""

    server_version: str
    fields: dict[str, Any]


class KnownLogin(StrictModel):
    """The tenant's login the engine had kept before the sync (``OdooClient.kept_login``): its uid
    and the version answer it was got against. A re-sync that sent no login replays without one."""

    uid: int
    server: dict[str, Any]


class RecordedResult(StrictModel):
    """The sync's outcome when it was recorded: replay must reach the same."""

    ok: bool
    created: int
    updated: int
    archived: int
    skipped: int
    refused: int
    failed: list[tuple[str, str]]
    calls: int
    retries: int
    mutations: int


class Meta(StrictModel):
    format: Literal[1] = FORMAT
    #: the engine's wire: XML-RPC, or Odoo 19.0's JSON-2 (with an API key)
    api: Literal["xmlrpc", "json2"] = "xmlrpc"
    tenant: str
    url: str
    db: str
    login: str
    target: str
    odoo_version: str | None = None
    recorded_at: dt.datetime
    grants: Grants
    ledger_keys: list[LedgerKey] = Field(default_factory=list)
    known_servers: list[KnownServer] = Field(default_factory=list)
    #: None: the recorded sync logged in (cassettes from before logins were kept, too)
    kept_login: KnownLogin | None = None
    result: RecordedResult


def secret_position(path: str, body: str | bytes | None) -> tuple[tuple, str, int] | None:
    """(params, method, index of the password) of an XML-RPC request that carries one."""
    if not body:
        return None
    try:
        params, method = xmlrpc.client.loads(body)
    except (ExpatError, xmlrpc.client.Error, ValueError):  # not XML-RPC: nothing odoo-harness sends
        return None
    index = SECRET_PARAM.get((service_of(path), method))
    return (params, method, index) if index is not None and len(params) > index else None


def scrub_request(request: Request) -> Request:
    """The request without its password or its authorization header's credentials (vcrpy runs
    this on record and on replay)."""
    for name in [name for name in request.headers if name.lower() == AUTHORIZATION]:
        request.headers[name] = scrubbed_credentials(request.headers[name])
    found = secret_position(request.path, request.body)
    if found is None:
        return request
    params, method, index = found
    params = (*params[:index], SCRUBBED, *params[index + 1 :])
    request.body = xmlrpc.client.dumps(params, method, allow_none=True).encode()
    return request


def scrubbed_credentials(value: str) -> str:
    """An authorization header's scheme without its credentials: ``bearer *scrubbed*`` still
    says how the engine authenticated."""
    scheme, _sep, _credentials = str(value).strip().partition(" ")
    return f"{scheme} {SCRUBBED}"


def scrub_response(response: dict) -> dict:
    response["headers"] = {
        name: value for name, value in response.get("headers", {}).items() if name.lower() not in DROPPED_HEADERS
    }
    return response


def make_vcr(record_mode: str, secrets: Sequence[str] = ()) -> vcr.VCR:
    """``all`` to record (every request goes out), ``none`` to replay (nothing goes out).
    Bodies match byte for byte: both sides are the engine's own ``xmlrpc.client`` or JSON
    output, scrubbed the same way, and vcrpy's own body matcher parses every XML-RPC body it
    compares (a replay took twice as long). ``secrets`` (a recording's password and API key)
    are replaced by ``SCRUBBED`` wherever they stand as vcrpy saves the file; shorter ones
    would replace ordinary words (a login ``admin``) and are scrubbed structurally only."""
    recorder = vcr.VCR(
        serializer="yaml",
        record_mode=record_mode,
        match_on=("method", "path", "same_body"),
        before_record_request=scrub_request,
        before_record_response=scrub_response,
        filter_headers=list(DROPPED_HEADERS),
        filter_sensitive_data=[(SCRUBBED, secret) for secret in secrets if len(secret) >= MIN_SCANNED],
        decode_compressed_response=True,
    )
    recorder.register_matcher("same_body", lambda one, other: one.body == other.body)
    return recorder


def write_cassette(recorded: Path, meta: Meta, destination: Path, secrets: list[str]) -> None:
    """Add the meta block to vcrpy's file and move it into place whole; refuse (and write
    nothing) if a secret is still in it."""
    document = load_document(recorded.read_text(encoding="utf-8")) if recorded.exists() else None
    document = document or {"interactions": [], "version": 1}
    document[META] = meta.model_dump(mode="json")
    text = yaml.dump(document, Dumper=FAST_DUMPER, sort_keys=False, allow_unicode=True)
    leaks = unscrubbed(document["interactions"]) + [
        "a password or API key as text" for secret in secrets if len(secret) >= MIN_SCANNED and _appears(secret, text)
    ]
    if leaks:
        raise CassetteError([f"{destination}: not written: the recording still holds {leak}" for leak in leaks])
    destination.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(
        "w", encoding="utf-8", dir=destination.parent, delete=False, prefix=f".{destination.name}.", suffix=".tmp"
    ) as handle:
        handle.write(text)
    os.replace(handle.name, destination)


def unscrubbed(interactions: list[dict]) -> list[str]:
    """Where a secret parameter or header survived, checked on the structure (a short
    password such as ``admin`` cannot be told apart from the login in the text, nor Basic
    credentials, which are base64)."""
    found: list[str] = []
    for number, interaction in enumerate(interactions, start=1):
        request = interaction.get("request", {})
        headers = {
            name.lower(): values
            for part in ("request", "response")
            for name, values in interaction.get(part, {}).get("headers", {}).items()
        }
        found += [f"a {name} header (interaction {number})" for name in sorted(headers.keys() & set(DROPPED_HEADERS))]
        if any(not str(value).endswith(f" {SCRUBBED}") for value in _listed(headers.get(AUTHORIZATION, []))):
            found.append(f"the credentials of an authorization header (interaction {number})")
        secret = secret_position(urlsplit(request.get("uri", "")).path, request.get("body"))
        if secret and secret[0][secret[2]] != SCRUBBED:
            found.append(f"the password of {secret[1]} (interaction {number})")
    return found


def load_document(text: str) -> Any:
    """A cassette's YAML (one written by odoo-harness: its errors need no line numbers)."""
    return yaml.load(text, Loader=LOADER)


def read_meta(path: Path) -> tuple[Meta, int]:
    """The cassette's meta block and how many interactions it holds, or a CassetteError
    naming the file, the line and what is wrong."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CassetteError([f"{path}: cannot read: {exc.strerror or exc}"]) from None
    document = read_yaml(text, str(path), CassetteError)
    if not isinstance(document, dict) or not isinstance(document.get("interactions"), list):
        raise CassetteError([f"{path}:1: not a vcrpy cassette (no list of interactions)"])
    if META not in document:
        raise CassetteError([f"{path}:1: no {META} block: record cassettes with `odoo-harness record`"])
    try:
        meta = Meta.model_validate(document[META])
    except ValidationError as exc:
        raise CassetteError(validation_errors(exc, str(path), text, (META,))) from None
    return meta, len(document["interactions"])


def _listed(values: Any) -> list:
    """A header's values as vcrpy writes them (a list), or as a hand-made file may (one value)."""
    return list(values) if isinstance(values, list | tuple) else [values]


def _appears(secret: str, text: str) -> bool:
    """The secret as it would stand in XML or YAML text, escaped or not."""
    escaped = secret.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return secret in text or escaped in text
