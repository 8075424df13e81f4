"""The sync engine: the integration under test (its contract: docs/contract.md).

Typed entry points: ``load_grants``/``parse_grants`` (the grants file), ``Ledger``
(idempotency state and sync log), ``OdooClient`` (the only way to Odoo) and
``SyncEngine(client, ledger).sync(grants)``. The engine never imports the simulator:
it reaches any Odoo through XML-RPC (over HTTP, or in-process via ``WSGITransport``) or,
from Odoo 19.0, through JSON-2 (``OdooClient(..., api="json2")``, an API key).
"""
