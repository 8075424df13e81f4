"""Connection health: each tenant's state, its incidents, and an outbox of alert notices.

Revision ID: 0002
Revises: 0001

- ``health_state``: one row per tenant, its health after the latest check.
- ``health_incident``: from a tenant's first red check until it is green again.
- ``health_notice``: the outbox. An alert or recovery notice is written in the same
  transaction as the check that raised it; the unique (incident, kind) pair makes a second
  alert for one incident impossible, whatever restarts or concurrent monitors do.
- ``health_delivery``: one row per notice and sink configured when the notice was raised;
  ``delivered_at`` stays empty until that sink took it, so undelivered notices are sent again
  on the next round and delivered ones never are.
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "health_incident",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("tenant", sa.String(64), nullable=False, index=True),
        sa.Column("opened_at", sa.DateTime, nullable=False),
        sa.Column("closed_at", sa.DateTime),
    )
    op.create_table(
        "health_state",
        sa.Column("tenant", sa.String(64), primary_key=True),
        sa.Column("state", sa.String(8), nullable=False),
        sa.Column("since", sa.DateTime, nullable=False),
        sa.Column("checked_at", sa.DateTime, nullable=False),
        sa.Column("last_ok", sa.DateTime),
        sa.Column("latency_ms", sa.Float),
        sa.Column("http_status", sa.Integer),
        sa.Column("error", sa.Text),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("incident_id", sa.Integer, sa.ForeignKey("health_incident.id")),
    )
    op.create_table(
        "health_notice",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("incident_id", sa.Integer, sa.ForeignKey("health_incident.id"), nullable=False),
        sa.Column("tenant", sa.String(64), nullable=False, index=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("state", sa.String(8), nullable=False),
        sa.Column("since", sa.DateTime, nullable=False),
        sa.Column("last_ok", sa.DateTime),
        sa.Column("error", sa.Text),
        sa.Column("incident_since", sa.DateTime, nullable=False),
        sa.UniqueConstraint("incident_id", "kind", name="uq_health_notice_incident_kind"),
    )
    op.create_table(
        "health_delivery",
        sa.Column("notice_id", sa.Integer, sa.ForeignKey("health_notice.id"), primary_key=True),
        sa.Column("sink", sa.String(512), primary_key=True),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("last_attempt_at", sa.DateTime),
        sa.Column("last_error", sa.Text),
        sa.Column("delivered_at", sa.DateTime),
    )


def downgrade() -> None:
    op.drop_table("health_delivery")
    op.drop_table("health_notice")
    op.drop_table("health_state")
    op.drop_table("health_incident")
