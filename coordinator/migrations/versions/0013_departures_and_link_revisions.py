"""lesson departures and link revisions: a classroom taken out of a lesson sees it
cancelled, not vanished; stream links follow the time and teacher only; a school's provider
change raises SEQUENCE

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 04:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import coordinator.models

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("lesson") as batch:
        batch.add_column(
            sa.Column("link_revision", sa.Integer(), server_default="0", nullable=False)
        )
    # Links stay as they were: until now they followed the lesson's revision.
    op.execute("UPDATE lesson SET link_revision = revision")
    op.create_table(
        "lesson_departure",
        sa.Column("lesson_key", sa.String(), nullable=False),
        sa.Column("classroom_id", sa.String(), nullable=False),
        sa.Column("left_at", coordinator.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["classroom_id"], ["classroom.id"]),
        sa.ForeignKeyConstraint(["lesson_key"], ["lesson.key"]),
        sa.PrimaryKeyConstraint("lesson_key", "classroom_id"),
    )
    with op.batch_alter_table("lesson_departure") as batch:
        batch.create_index(
            batch.f("ix_lesson_departure_classroom_id"), ["classroom_id"], unique=False
        )
        batch.create_index(batch.f("ix_lesson_departure_left_at"), ["left_at"], unique=False)
    op.create_table(
        "stream_provider",
        sa.Column("school_id", sa.String(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("epoch", sa.Integer(), nullable=False),
        sa.Column("changed_at", coordinator.models.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("school_id"),
    )


def downgrade() -> None:
    op.drop_table("stream_provider")
    with op.batch_alter_table("lesson_departure") as batch:
        batch.drop_index(batch.f("ix_lesson_departure_left_at"))
        batch.drop_index(batch.f("ix_lesson_departure_classroom_id"))
    op.drop_table("lesson_departure")
    with op.batch_alter_table("lesson") as batch:
        batch.drop_column("link_revision")
