"""``odoo-harness record``: one sync against a target, every exchange kept in a cassette.

The sync is a real one: it runs the engine against the target with the ledger given (a
customer's own, or a new one), and changes both as any sync would, on the target's wire
(XML-RPC, or JSON-2 with an API key). The cassette also keeps the tenant's idempotency keys
as they stood before, so a re-sync replays too.
"""

from __future__ import annotations

import datetime as dt
import secrets
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from harness.cassettes.cassette import (
    CassetteError,
    KnownLogin,
    KnownServer,
    LedgerKey,
    Meta,
    RecordedResult,
    make_vcr,
    write_cassette,
)
from harness.cassettes.transport import cassette_transport
from harness.engine.client import OdooClient
from harness.engine.grants import Grants
from harness.engine.ledger import Ledger
from harness.engine.sync import SyncEngine, SyncResult
from harness.targets import Endpoint, Target, public_url


@dataclass(frozen=True)
class Recording:
    cassette: Path
    interactions: int
    result: SyncResult


def record(
    target: Target,
    grants: Grants,
    cassette: Path,
    *,
    ledger_url: str | None = None,
    overwrite: bool = False,
    timeout: float = 30.0,
) -> Recording:
    """Sync ``grants`` into ``target`` and write the cassette; nothing is written unless the
    whole, scrubbed cassette is ready."""
    refuse_existing(cassette, overwrite)
    with recording_target(target) as (endpoint, work):
        ledger = Ledger(ledger_url or f"sqlite:///{work / 'ledger.sqlite'}")
        return record_on(endpoint, target.name, grants, cassette, ledger, timeout=timeout)


@contextmanager
def recording_target(target: Target) -> Iterator[tuple[Endpoint, Path]]:
    """The target started as a customer runs it, and a scratch folder. A simulator's stock
    admin/admin would hide a leaked password behind the login: it gets a random one."""
    with (
        tempfile.TemporaryDirectory(prefix="odoo-harness-record-") as work,
        target.start(fresh=False, sim_password=secrets.token_urlsafe(16)) as endpoint,
    ):
        yield endpoint, Path(work)


def record_on(
    endpoint: Endpoint, target_name: str, grants: Grants, cassette: Path, ledger: Ledger, timeout: float = 30.0
) -> Recording:
    """One recorded sync into a target already started, on the endpoint's wire."""
    keys_before = [LedgerKey(**key) for key in ledger.tenant_keys(grants.tenant)]
    known = [KnownServer(**server) for server in ledger.servers(endpoint.url, endpoint.db)]
    secrets = [secret for secret in (endpoint.password, endpoint.api_key) if secret]
    with tempfile.TemporaryDirectory(prefix="odoo-harness-record-") as work:
        raw = Path(work) / "vcr.yaml"
        with make_vcr("all", secrets).use_cassette(str(raw)) as tape:
            client = OdooClient(
                endpoint.url,
                endpoint.db,
                endpoint.login,
                endpoint.secret,
                tenant=grants.tenant,
                ledger=ledger,
                api=endpoint.api,
                transport=cassette_transport(endpoint.api, endpoint.url, tape, timeout),
            )
            kept = client.kept_login()
            result = SyncEngine(client, ledger).sync(grants)
            interactions = len(tape.data)
        meta = Meta(
            api=endpoint.api,
            tenant=grants.tenant,
            url=public_url(endpoint.url),
            db=endpoint.db,
            login=endpoint.login,
            target=target_name,
            recorded_at=dt.datetime.now(dt.UTC).replace(microsecond=0),
            odoo_version=result.capabilities.server_version if result.capabilities else None,
            grants=grants,
            ledger_keys=keys_before,
            known_servers=known,
            kept_login=KnownLogin(uid=kept.uid, server=kept.server) if kept else None,
            result=outcome(result),
        )
        write_cassette(raw, meta, cassette, secrets)
    return Recording(cassette, interactions, result)


def refuse_existing(cassette: Path, overwrite: bool) -> None:
    if cassette.exists() and not overwrite:
        raise CassetteError([f"{cassette}: already exists; pass --overwrite to replace it"])


def outcome(result: SyncResult) -> RecordedResult:
    return RecordedResult(
        ok=result.ok,
        created=result.created,
        updated=result.updated,
        archived=result.archived,
        skipped=result.skipped,
        refused=result.refused,
        failed=result.failed,
        calls=result.calls,
        retries=result.retries,
        mutations=result.mutations,
    )
