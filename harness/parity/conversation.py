"""The parity conversation: one scripted talk with an Odoo server over its external API.

Why this exists: the simulator claims to answer like real Odoo 16.0 to 19.0. The only honest
proof is to send the very same calls to a real server and to the simulator and count
identical answers. This module runs the script's topics (`harness.parity.script`) in the order
the corpora were recorded in: later topics build on the records earlier ones created, so the
order is part of the corpus. The corpus format and its normalisation live in
`harness.parity.corpus`, the client in `harness.parity.client`, the recorder in
`harness.parity.recorder`.
"""

from __future__ import annotations

from typing import Any

from harness.parity.corpus import Credentials
from harness.parity.recorder import Recorder
from harness.parity.script import analytic, domains, legacy, marshalling, orm, services, transport


def run_conversation(url: str, db: str, login: str, password: str) -> list[dict[str, Any]]:
    """Run the whole conversation against the server at `url`; return its exchanges.

    The database must be fresh (base, analytic, account, project, no demo data, Analytic
    Accounting off): the conversation creates every record it looks at, so ids and answers
    are the same on every run.
    """
    recorder = Recorder(url, Credentials(db, login, password))
    services.common_and_db(recorder)
    transport.xmlrpc_over_http(recorder)
    services.object_service(recorder)
    partners = orm.partners(recorder)
    orm.categories(recorder, partners)
    orm.archive(recorder, partners)
    domains.semantics(recorder, partners)
    legacy.v1_endpoints(recorder, partners)
    marshalling.datetimes(recorder)
    analytic.accounting(recorder)
    transport.jsonrpc(recorder, partners)
    return recorder.exchanges
