"""The admin pages at scale: each page's time with 1,000,000 sync_log rows in the ledger.

    python bench/bench_dashboard.py [--rows 1000000] [--tenants 20] [--repeat 7] [--ledger URL]

Fills a fresh ledger (SQLite in a temporary folder; also PostgreSQL when
``ODOO_HARNESS_TEST_POSTGRES`` holds a URL, or ``--ledger`` names one: that database's public
schema is dropped first, so give it a database of its own) with ``--rows`` call rows
spread over ``--tenants`` tenants and 30 days, 50 calls per sync run (every 40th run failed, about
one call in 100 failed, a few refusals), and a health check per tenant every 5 minutes for the
last day. Then it serves each page in-process (the WSGI app, no socket) ``--repeat`` times and
prints the median, and the ratio to the target (issue 16: every page under 200 ms). The rows are
written straight into the tables, not through syncs: a million real calls would take hours, and
what is measured is reading them. PostgreSQL is analyzed after the load, as autovacuum would.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import sqlalchemy as sa
from werkzeug.test import Client

from harness.dashboard.app import DashboardApp
from harness.dashboard.data import Dashboard
from harness.engine.ledger import Ledger, engine_url

TARGET_MS = 200.0
CALLS_PER_RUN = 50
NOW = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)
SPAN = dt.timedelta(days=30)
CHUNK = 20_000


def fill(url: str, rows: int, tenants: int) -> None:
    """Write ``rows`` sync_log rows (and their runs and health checks, where the schema has them)."""
    ledger = Ledger(url)
    metadata = sa.MetaData()
    metadata.reflect(ledger.engine)
    runs = metadata.tables.get("sync_run")
    checks = metadata.tables.get("health_check")
    rng = random.Random(16)
    step = SPAN / (rows // CALLS_PER_RUN or 1)
    start = (NOW - SPAN).replace(tzinfo=None)
    with ledger.engine.begin() as conn:
        for chunk in _chunks(range(rows // CALLS_PER_RUN), CHUNK // CALLS_PER_RUN):
            run_rows, log_rows = [], []
            for run in chunk:
                tenant = f"tenant{run % tenants:03}"
                began = start + step * run
                failed = run % 40 == 39
                run_rows.append(_run(run + 1, tenant, began, failed))
                log_rows += [_call(rng, run + 1, tenant, began, n) for n in range(CALLS_PER_RUN)]
            if runs is not None:
                conn.execute(sa.insert(runs), run_rows)
            else:
                log_rows = [{k: v for k, v in row.items() if k in ledger.sync_log.c} for row in log_rows]
            conn.execute(sa.insert(ledger.sync_log), log_rows)
        if checks is not None:
            conn.execute(sa.insert(checks), list(_checks(tenants)))
    if ledger.engine.dialect.name == "postgresql":  # what autovacuum does after a bulk load, done now
        with ledger.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("ANALYZE"))


def _run(run_id: int, tenant: str, began: dt.datetime, failed: bool) -> dict:
    return {
        "id": run_id,
        "tenant": tenant,
        "started_at": began,
        "ended_at": began + dt.timedelta(seconds=3),
        "outcome": "failed" if failed else "ok",
        "calls": CALLS_PER_RUN,
        "writes": 4,
        "error": "authentication refused for login 'admin' on database 'odoo'" if failed else None,
    }


def _call(rng: random.Random, run_id: int, tenant: str, began: dt.datetime, n: int) -> dict:
    roll = rng.random()
    outcome = "refused" if roll < 0.002 else "sent"
    return {
        "ts": began + dt.timedelta(milliseconds=50 * n),
        "tenant": tenant,
        "run_id": run_id,
        "entity": "account",
        "operation": "create",
        "idempotency_key": f"{tenant}:account:project/PRJ-{run_id:07}/{n}:create",
        "http_status": 200,
        "response_size": 180 + n,
        "latency_ms": 4.0 + rng.random() * 20,
        "error": "HTTP 503 Service Unavailable" if roll > 0.99 else ("refused: res.partner" if roll < 0.002 else None),
        "outcome": outcome,
        "model": "account.analytic.account",
        "method": "create",
        "recovered": False,
    }


def _checks(tenants: int) -> Iterator[dict]:
    for tenant in range(tenants):
        for n in range(288):
            yield {
                "tenant": f"tenant{tenant:03}",
                "at": (NOW - dt.timedelta(minutes=5 * n)).replace(tzinfo=None),
                "state": "green",
                "latency_ms": 10.0 + n % 7,
                "http_status": 200,
                "error": None,
            }


def _chunks(items: range, size: int) -> Iterator[range]:
    for first in range(0, len(items), size):
        yield items[first : first + size]


def pages() -> dict[str, str]:
    """The pages to time: a deep page is ``before`` the middle row id of the first tenant."""
    deep = 500_000
    return {
        "tenants list": "/admin/tenants",
        "tenants list, sorted by failed runs": "/admin/tenants?sort=failed",
        "tenant page": "/admin/tenants/tenant000/odoo",
        "tenant page, problems only": "/admin/tenants/tenant000/odoo?problems=1",
        "tenant page, key filter": "/admin/tenants/tenant000/odoo?key=PRJ-0000799",
        "tenant page, deep in the log": f"/admin/tenants/tenant000/odoo?before={deep}",
        "a run's page": "/admin/tenants/tenant000/runs/21",
    }


def measure(url: str, repeat: int) -> list[tuple[str, float, int]]:
    """Each page's median time (after one warm-up request that gives its status)."""
    client = Client(DashboardApp(Dashboard(None, url), now=lambda: NOW))
    found = []
    for name, path in pages().items():
        status = client.get(path).status_code
        found.append((name, _median_ms(lambda path=path: client.get(path), repeat), status))
    found.append(("(reference) 24 h counted over the log", _median_ms(lambda: old_counts(url), repeat), 0))
    return found


def old_counts(url: str) -> None:
    """What the tenants list did before migration 0006, in the same run as the pages: per tenant,
    the calls and failures of the last 24 hours counted over the whole sync_log (about 415 ms)."""
    since = (NOW - dt.timedelta(hours=24)).replace(tzinfo=None)
    query = sa.text(
        "SELECT SUM(CASE WHEN outcome = 'sent' THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN outcome = 'sent' AND error IS NOT NULL THEN 1 ELSE 0 END) "
        "FROM sync_log WHERE tenant = :tenant AND ts >= :since"
    )
    latest = sa.text("SELECT MAX(ts) FROM sync_log WHERE tenant = :tenant")
    engine = _engines.setdefault(url, sa.create_engine(engine_url(url)))
    with engine.connect() as conn:
        for tenant in conn.execute(sa.text("SELECT DISTINCT tenant FROM sync_log")).scalars().all():
            conn.execute(query, {"tenant": tenant, "since": since}).one()
            conn.execute(latest, {"tenant": tenant}).scalar()


_engines: dict[str, sa.Engine] = {}


def _median_ms(action: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def report(label: str, url: str, rows: int, tenants: int, repeat: int) -> None:
    started = time.perf_counter()
    fill(url, rows, tenants)
    print(f"\n{label}: {rows:,} sync_log rows, {tenants} tenants (filled in {time.perf_counter() - started:.0f} s)")
    print(f"{'page':40} {'status':>6} {'median ms':>10} {'/ target':>9}")
    for name, median, status in measure(url, repeat):
        print(f"{name:40} {status or '':>6} {median:>10.1f} {median / TARGET_MS:>9.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="sync_log rows (default: 1,000,000)")
    parser.add_argument("--tenants", type=int, default=20, help="tenants sharing them (default: 20)")
    parser.add_argument("--repeat", type=int, default=7, help="times each page is served (default: 7)")
    parser.add_argument("--ledger", help="a PostgreSQL ledger URL to fill (default: ODOO_HARNESS_TEST_POSTGRES)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        report("SQLite", f"sqlite:///{Path(folder) / 'ledger.sqlite'}", args.rows, args.tenants, args.repeat)
    postgres = args.ledger or os.environ.get("ODOO_HARNESS_TEST_POSTGRES")
    if postgres:
        _empty(postgres)
        report("PostgreSQL", postgres, args.rows, args.tenants, args.repeat)
    else:
        print("\nPostgreSQL: not measured (set ODOO_HARNESS_TEST_POSTGRES, e.g. from `bash .ci/postgres`)")


def _empty(url: str) -> None:
    """Drop every table of the bench database, so it is filled from scratch."""
    engine = sa.create_engine(engine_url(url))
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))


if __name__ == "__main__":
    main()
