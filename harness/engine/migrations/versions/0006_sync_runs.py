"""Sync runs, recovered calls, the health history, and the indexes the admin pages read by.

Revision ID: 0006
Revises: 0005

- ``sync_run``: one row per sync (tenant, start, end, outcome ``running`` / ``ok`` / ``failed``,
  calls sent, writes, the error). ``sync_log.run_id`` names the run a call was sent in (NULL for a
  call made outside a sync); ``sync_log.recovered`` marks a call whose answer was lost and whose
  effect the engine then found in Odoo by reading it back.
- ``health_check``: one row per tenant per health round (at, state, latency, HTTP status, error):
  the timeline and the latency chart.
- Indexes: a tenant's rows newest first (``sync_log (tenant, id)``), a run's calls, a tenant's
  problems only (a partial index), a tenant's runs by start and its open run, its checks by time.
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

#: The tenant page's "problems only" filter; ``Ledger.log_page`` uses the same text, so both
#: SQLite and PostgreSQL see that the partial index answers it.
PROBLEM = "outcome = 'refused' OR (outcome = 'sent' AND error IS NOT NULL)"


def upgrade() -> None:
    op.create_table(
        "sync_run",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("tenant", sa.String(64), nullable=False),
        sa.Column("started_at", sa.DateTime, nullable=False),
        sa.Column("ended_at", sa.DateTime),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("calls", sa.Integer, nullable=False, server_default="0"),
        sa.Column("writes", sa.Integer, nullable=False, server_default="0"),
        sa.Column("error", sa.Text),
    )
    op.create_index("ix_sync_run_tenant_started", "sync_run", ["tenant", "started_at"])
    op.create_index("ix_sync_run_tenant_ended", "sync_run", ["tenant", "ended_at"])
    with op.batch_alter_table("sync_log") as batch:
        batch.add_column(sa.Column("run_id", sa.Integer))
        batch.add_column(sa.Column("recovered", sa.Boolean, nullable=False, server_default=sa.false()))
    op.create_index("ix_sync_log_tenant_id", "sync_log", ["tenant", "id"])
    op.create_index("ix_sync_log_run_id", "sync_log", ["run_id", "id"])
    op.create_index(
        "ix_sync_log_tenant_problems",
        "sync_log",
        ["tenant", "id"],
        sqlite_where=sa.text(PROBLEM),
        postgresql_where=sa.text(PROBLEM),
    )
    op.create_table(
        "health_check",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("tenant", sa.String(64), nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("latency_ms", sa.Float),
        sa.Column("http_status", sa.Integer),
        sa.Column("error", sa.Text),
    )
    op.create_index("ix_health_check_tenant_at", "health_check", ["tenant", "at"])


def downgrade() -> None:
    op.drop_table("health_check")
    op.drop_index("ix_sync_log_tenant_problems", "sync_log")
    op.drop_index("ix_sync_log_run_id", "sync_log")
    op.drop_index("ix_sync_log_tenant_id", "sync_log")
    with op.batch_alter_table("sync_log") as batch:
        batch.drop_column("recovered")
        batch.drop_column("run_id")
    op.drop_table("sync_run")
