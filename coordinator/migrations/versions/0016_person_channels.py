"""person channels: access tokens shared by every process; provider receipts of messages;
how teachers and assistants are reached one to one

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 07:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import coordinator.models

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


PEOPLE = ("assistant", "network_teacher")


def upgrade() -> None:
    for table in PEOPLE:
        with op.batch_alter_table(table) as batch:
            batch.add_column(
                sa.Column("wecom_userid", sa.String(), server_default="", nullable=False)
            )
            batch.add_column(
                sa.Column("dingtalk_userid", sa.String(), server_default="", nullable=False)
            )
            batch.add_column(
                sa.Column("preferred_channel", sa.String(16), server_default="", nullable=False)
            )
            batch.add_column(
                sa.Column("quiet_hours", sa.String(16), server_default="", nullable=False)
            )
            batch.add_column(sa.Column("language", sa.String(8), server_default="", nullable=False))
    op.create_table(
        "access_token",
        sa.Column("provider", sa.String(length=32), nullable=False),
        sa.Column("app", sa.String(length=128), nullable=False),
        sa.Column("token", sa.String(), nullable=False),
        sa.Column("expires_at", coordinator.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("lease_until", coordinator.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("refreshed_at", coordinator.models.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("provider", "app"),
    )
    op.create_table(
        "lesson_announced",
        sa.Column("lesson_key", sa.String(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("start", coordinator.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("teacher_id", sa.String(), nullable=False),
        sa.Column("noted_at", coordinator.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["lesson_key"], ["lesson.key"]),
        sa.PrimaryKeyConstraint("lesson_key"),
    )
    with op.batch_alter_table("notification") as batch:
        batch.add_column(sa.Column("provider_id", sa.String(), server_default="", nullable=False))
        batch.add_column(
            sa.Column("check_at", coordinator.models.UTCDateTime(timezone=True), nullable=True)
        )
        batch.add_column(
            sa.Column("delivered_at", coordinator.models.UTCDateTime(timezone=True), nullable=True)
        )
        batch.create_index(batch.f("ix_notification_check_at"), ["check_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("notification") as batch:
        batch.drop_index(batch.f("ix_notification_check_at"))
        batch.drop_column("delivered_at")
        batch.drop_column("check_at")
        batch.drop_column("provider_id")
    op.drop_table("access_token")
    op.drop_table("lesson_announced")
    for table in PEOPLE:
        with op.batch_alter_table(table) as batch:
            for column in (
                "language",
                "quiet_hours",
                "preferred_channel",
                "dingtalk_userid",
                "wecom_userid",
            ):
                batch.drop_column(column)
