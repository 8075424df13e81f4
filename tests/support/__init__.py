"""Helpers the test parts share: simulators and answers (``odoo``), engine rigs (``engine``), health
fixtures (``health``). Fixtures themselves live in the conftest files."""

#: where .ci/run puts the URL of the PostgreSQL it started for the ledger tests
POSTGRES_ENV = "ODOO_HARNESS_TEST_POSTGRES"
