"""watch_heartbeat: classrooms whose watch page is playing a lesson (the go-live page's count)

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 10:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import coordinator.models

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "watch_heartbeat",
        sa.Column("lesson_key", sa.String(length=255), nullable=False),
        sa.Column("classroom_id", sa.String(length=255), nullable=False),
        sa.Column("at", coordinator.models.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("lesson_key", "classroom_id"),
    )


def downgrade() -> None:
    op.drop_table("watch_heartbeat")
