"""platform meetings: the meeting a platform's API made for each lesson (Tencent Meeting,
WeCom 直播, DingTalk, ClassIn) and what the platform saw of it afterwards

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 07:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import coordinator.models

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "platform_meeting",
        sa.Column("lesson_key", sa.String(), nullable=False),
        sa.Column("provider", sa.String(length=32), nullable=False),
        sa.Column("meeting_id", sa.String(), nullable=False),
        sa.Column("join_url", sa.String(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("start", coordinator.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("end", coordinator.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_at", coordinator.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", coordinator.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["lesson_key"], ["lesson.key"]),
        sa.PrimaryKeyConstraint("lesson_key"),
    )
    with op.batch_alter_table("platform_meeting") as batch:
        batch.create_index(batch.f("ix_platform_meeting_state"), ["state"], unique=False)
    op.create_table(
        "platform_evidence",
        sa.Column("lesson_key", sa.String(), nullable=False),
        sa.Column("participant", sa.String(), nullable=False),
        sa.Column("provider", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("classroom_id", sa.String(), nullable=True),
        sa.Column("seconds", sa.Integer(), nullable=False),
        sa.Column("viewers", sa.Integer(), nullable=False),
        sa.Column("fetched_at", coordinator.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["lesson_key"], ["lesson.key"]),
        sa.PrimaryKeyConstraint("lesson_key", "participant"),
    )
    with op.batch_alter_table("platform_evidence") as batch:
        batch.create_index(
            batch.f("ix_platform_evidence_classroom_id"), ["classroom_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("platform_evidence") as batch:
        batch.drop_index(batch.f("ix_platform_evidence_classroom_id"))
    op.drop_table("platform_evidence")
    with op.batch_alter_table("platform_meeting") as batch:
        batch.drop_index(batch.f("ix_platform_meeting_state"))
    op.drop_table("platform_meeting")
