"""The admin pages: every tenant's Odoo connection, its health pill and its sync log.

``data.py`` says what a page shows (read from the tenants file and the ledger), ``app.py``
serves it (routes, HTML through Jinja2 templates, the same data as JSON), ``cli.py`` is
``odoo-harness dashboard``. Loopback only; no page ever holds a password.
"""
