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

from collections.abc import Mapping
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


#: Exchanges that count what the database holds, or give the id of a new record: in a database used
#: before (other databases beside it, records made, ids used up) they answer more than a fresh one.
FRESH_SIGNS = {
    "db.list": "databases on the server",
    "object.execute.search_count": "res.partner records",
    "partner.create.one": "a new res.partner's id",
    "analytic.account.search_count.fresh": "account.analytic.account records",
    "project.project.create.linked": "a new project.project's id",
}


def used_database(answers: Mapping[str, Any], fresh: Mapping[str, Any]) -> str | None:
    """Why answers may differ from a fresh database's (``fresh``: the corpus's, by label) because of
    the database and not the server: a hint to print with the differences, or None."""
    signs = [
        f"{what} {_size(answers[label])}, fresh {_size(fresh[label])}"
        for label, what in FRESH_SIGNS.items()
        if label in answers and label in fresh and _size(answers[label]) > _size(fresh[label]) >= 0
    ]
    if not signs:
        return None
    return (
        f"the database is not fresh ({'; '.join(signs)}): the conversation expects a new database (base, "
        "analytic, account, project, no demo data) alone on its server, so differences may be the database's"
    )


def _size(answer: Any) -> int:
    """The count, id or number of items an answer gives; -1 for any other answer."""
    result = answer.get("ok", answer.get("result")) if isinstance(answer, dict) else None
    if isinstance(result, list):
        return len(result)
    return result if isinstance(result, int) and not isinstance(result, bool) else -1
