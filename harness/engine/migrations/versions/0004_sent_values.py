"""What a write sends, kept with its idempotency key.

Revision ID: 0004
Revises: 0003

- ``idempotency.sent_values``: the values a write sends (JSON), stored when its key goes
  ``pending``. A sync killed after Odoo took the write but before the answer came leaves the
  key pending; the next sync reads the record and settles the key from whether Odoo holds
  these values, instead of leaving it pending for ever (its record no longer needs the write,
  so the key would never be sent again).
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("idempotency", sa.Column("sent_values", sa.Text))


def downgrade() -> None:
    with op.batch_alter_table("idempotency") as batch:
        batch.drop_column("sent_values")
