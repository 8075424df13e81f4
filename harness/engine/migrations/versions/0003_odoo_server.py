"""What each Odoo answered about itself, kept between syncs.

Revision ID: 0003
Revises: 0002

- ``odoo_server``: per server URL, database and the exact ``server_version`` it answered, the
  ``fields_get`` answers the engine decides its capabilities from (``compat.ServerFields``,
  JSON). A sync asks them once per server version, not once per process: a re-sync costs no
  probe, and an upgrade (a new version answer) is asked again.
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "odoo_server",
        sa.Column("url", sa.String(500), primary_key=True),
        sa.Column("db", sa.String(128), primary_key=True),
        sa.Column("server_version", sa.String(64), primary_key=True),
        sa.Column("fields", sa.Text, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("odoo_server")
