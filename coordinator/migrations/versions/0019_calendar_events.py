"""calendar push: each lesson in each person's WeCom schedule or DingTalk calendar; admins'
own contacts (phone, WeCom and DingTalk ids, preferred channel, quiet hours)

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import coordinator.models

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


CONTACTS = (
    ("phone", sa.String()),
    ("wecom_userid", sa.String()),
    ("dingtalk_userid", sa.String()),
    ("preferred_channel", sa.String(length=16)),
    ("quiet_hours", sa.String(length=16)),
)


def upgrade() -> None:
    with op.batch_alter_table("app_user") as batch:
        for name, kind in CONTACTS:
            batch.add_column(sa.Column(name, kind, server_default="", nullable=False))
    op.create_table(
        "calendar_event",
        sa.Column("lesson_key", sa.String(length=255), nullable=False),
        sa.Column("recipient", sa.String(length=128), nullable=False),
        sa.Column("provider", sa.String(length=16), nullable=False),
        sa.Column("address", sa.String(), nullable=False),
        sa.Column("calendar_user", sa.String(), nullable=False),
        sa.Column("event_id", sa.String(), nullable=False),
        sa.Column("fingerprint", sa.String(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("pushed_at", coordinator.models.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("lesson_key", "recipient", "provider"),
    )
    op.create_index(op.f("ix_calendar_event_state"), "calendar_event", ["state"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_calendar_event_state"), table_name="calendar_event")
    op.drop_table("calendar_event")
    with op.batch_alter_table("app_user") as batch:
        for name, _ in reversed(CONTACTS):
            batch.drop_column(name)
