"""The ledger's first schema: idempotency keys, the sync log, tenant locks.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "idempotency",
        sa.Column("key", sa.String(512), primary_key=True),
        sa.Column("tenant", sa.String(64), nullable=False, index=True),
        sa.Column("entity", sa.String(64), nullable=False),
        sa.Column("entity_id", sa.String(256), nullable=False),
        sa.Column("operation", sa.String(128), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("odoo_model", sa.String(128)),
        sa.Column("odoo_id", sa.Integer),
        sa.Column("error", sa.Text),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "sync_log",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("ts", sa.DateTime, nullable=False, index=True),
        sa.Column("tenant", sa.String(64), nullable=False, index=True),
        sa.Column("entity", sa.String(256)),
        sa.Column("operation", sa.String(128)),
        sa.Column("idempotency_key", sa.String(512)),
        sa.Column("http_status", sa.Integer),
        sa.Column("response_size", sa.Integer),
        sa.Column("latency_ms", sa.Float),
        sa.Column("error", sa.Text),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("model", sa.String(128)),
        sa.Column("method", sa.String(64)),
    )
    op.create_table(
        "sync_lock",
        sa.Column("tenant", sa.String(64), primary_key=True),
        sa.Column("owner", sa.String(256), nullable=False),
        sa.Column("acquired_at", sa.DateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("sync_lock")
    op.drop_table("sync_log")
    op.drop_table("idempotency")
