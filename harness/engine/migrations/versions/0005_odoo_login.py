"""Each tenant's last login, kept between syncs.

Revision ID: 0005
Revises: 0004

- ``odoo_login``: per tenant, the uid its last login got (``common.authenticate``, or JSON-2's
  ``res.users/context_get``), where (URL, database, login, wire) and against which
  ``common.version()`` answer (JSON). A re-sync against the same answer sends no login: the uid
  is checked by Odoo on its first call, and a denial logs in again. No secret is kept.
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "odoo_login",
        sa.Column("tenant", sa.String(64), primary_key=True),
        sa.Column("url", sa.String(500), nullable=False),
        sa.Column("db", sa.String(128), nullable=False),
        sa.Column("login", sa.String(256), nullable=False),
        sa.Column("api", sa.String(16), nullable=False),
        sa.Column("uid", sa.Integer, nullable=False),
        sa.Column("server", sa.Text, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("odoo_login")
