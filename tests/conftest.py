"""Fixtures every part of the tests uses: simulators of each version, and a ledger on SQLite and on
PostgreSQL. Helpers live in ``tests/support``."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from harness.engine.ledger import engine_url
from tests.support import POSTGRES_ENV
from tests.support.odoo import VERSIONS, Odoo, serve


@pytest.fixture(params=VERSIONS)
def odoo(request: pytest.FixtureRequest) -> Iterator[Odoo]:
    """A fresh simulator (Analytic Accounting on) of each version, per test."""
    yield from serve(request.param)


@pytest.fixture(params=VERSIONS)
def fresh_odoo(request: pytest.FixtureRequest) -> Iterator[Odoo]:
    """A simulator exactly as after install (Analytic Accounting off)."""
    yield from serve(request.param, fresh=True)


@pytest.fixture
def odoo17() -> Iterator[Odoo]:
    yield from serve("17.0")


@pytest.fixture(params=["sqlite", "postgresql"])
def ledger_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """SQLite in ``tmp_path``, or the PostgreSQL of ODOO_HARNESS_TEST_POSTGRES with a clean schema."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        pytest.skip(f"no PostgreSQL: set {POSTGRES_ENV} (bash .ci/run starts Debian's server)")
    engine = sa.create_engine(engine_url(url))
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()
    return url
