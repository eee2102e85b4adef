"""notification_audience: who gets reminders, change notices and alerts, per region, chosen by
the region's admin in the console

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07 11:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import coordinator.models

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "notification_audience",
        sa.Column("region_id", sa.String(length=255), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("audiences", sa.String(), nullable=False),
        sa.Column("changed_by", sa.String(), nullable=False),
        sa.Column("changed_at", coordinator.models.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("region_id", "kind"),
    )


def downgrade() -> None:
    op.drop_table("notification_audience")
