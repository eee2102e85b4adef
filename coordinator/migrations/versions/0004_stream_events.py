"""stream events: the streaming server's callbacks, accepted or refused

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 10:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import coordinator.models

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "stream_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lesson_key", sa.String(), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("participant_id", sa.String(), nullable=True),
        sa.Column("accepted", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=False),
        sa.Column("stream_name", sa.String(), nullable=False),
        sa.Column("client_address", sa.String(), nullable=False),
        sa.Column("at", coordinator.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["lesson_key"], ["lesson.key"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("stream_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_stream_event_at"), ["at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_stream_event_lesson_key"), ["lesson_key"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("stream_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stream_event_lesson_key"))
        batch_op.drop_index(batch_op.f("ix_stream_event_at"))
    op.drop_table("stream_event")
