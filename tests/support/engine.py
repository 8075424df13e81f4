"""Helpers for the engine tests: a simulator, a ledger and a client wired together."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from harness.cli import main
from harness.engine.client import OdooClient, RetryPolicy
from harness.engine.grants import Grants, parse_grants
from harness.engine.ledger import Ledger
from harness.engine.sync import SyncEngine
from harness.engine.transport import WSGITransport
from tests.support.odoo import Odoo

GRANTS = """
tenant: acme
projects:
  - id: PRJ-001
    name: Civic Voices Uganda
    donor: EU
    budget_lines:
      - {id: 1.1.1.a, name: Project Director, category: HR, amount: 48000}
      - {id: "2.1", name: International flights, category: TRV, amount: 12500}
  - id: PRJ-002
    name: Civic Voices Burundi
    donor: EU
    budget_lines:
      - {id: 1.1.1.a, name: Project Director, category: HR, amount: 30000}
      - {id: "3.2", name: Laptops, category: EQP, amount: 4000}
"""


def grants(text: str = GRANTS) -> Grants:
    return parse_grants(text)


@dataclass
class Rig:
    odoo: Odoo
    ledger: Ledger
    client: OdooClient
    engine: SyncEngine
    sleeps: list[float]

    def set_faults(self, rules: list[dict]) -> None:
        request = urllib.request.Request(
            self.odoo.url + "/__sim__/faults",
            data=json.dumps(rules).encode(),
            method="POST",
            headers={"Content-Type": "application/json"},
        )
        urllib.request.urlopen(request).read()

    def journal(self) -> list[dict]:
        return self.odoo.app.journal("odoo")["odoo"]

    def count(self, model: str, domain: list | None = None) -> int:
        return self.odoo.call(model, "search_count", domain or [], context={"active_test": False})


def make_rig(odoo: Odoo, ledger_url: str, tenant: str = "acme", password: str = "admin") -> Rig:
    ledger = Ledger(ledger_url)
    sleeps: list[float] = []
    client = OdooClient(
        odoo.url,
        "odoo",
        "admin",
        password,
        tenant=tenant,
        ledger=ledger,
        retry=RetryPolicy(attempts=4, sleep=sleeps.append),
    )
    return Rig(odoo, ledger, client, SyncEngine(client, ledger), sleeps)


def sync_command(url: str, tmp_path: Path, *extra: str, grants_text: str = GRANTS) -> int:
    """``odoo-harness sync`` of tenant acme (admin on database odoo) into a ledger in ``tmp_path``;
    ``extra`` says how the secret is found (``--password-env VAR`` or ``--api json2 ...``)."""
    path = tmp_path / "grants.yaml"
    path.write_text(grants_text)
    base = ["sync", "--tenant", "acme", "--grants", str(path), "--url", url, "--db", "odoo", "--login", "admin"]
    return main([*base, "--ledger", f"sqlite:///{tmp_path / 'ledger.sqlite'}", *extra])


def engine_on(app: Callable, ledger: Ledger, force: bool = False, url: str = "http://simulator") -> SyncEngine:
    """Tenant acme's engine calling ``app`` in-process (``WSGITransport``), retries without waiting;
    ``url`` is the address the ledger files the server under."""
    client = OdooClient(
        url,
        "odoo",
        "admin",
        "admin",
        tenant="acme",
        ledger=ledger,
        transport=WSGITransport(app),
        retry=RetryPolicy(sleep=lambda _s: None),
    )
    return SyncEngine(client, ledger, force=force)
