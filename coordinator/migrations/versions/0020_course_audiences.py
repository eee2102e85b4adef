"""course audiences: open courses for a school's teachers or a classroom's parents, and who joined

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import coordinator.models

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("pinned_session") as batch:
        batch.add_column(
            sa.Column("audience", sa.String(length=16), nullable=False, server_default="classes")
        )
    stamp = coordinator.models.UTCDateTime(timezone=True)
    op.create_table(
        "audience_enrolment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pinned_id", sa.String(), nullable=False),
        sa.Column("audience_kind", sa.String(length=16), nullable=False),
        sa.Column("audience_id", sa.String(length=64), nullable=False),
        sa.Column("joined_from", sa.Date(), nullable=False),
        sa.Column("left_from", sa.Date(), nullable=True),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("created_at", stamp, nullable=False),
        sa.Column("left_by", sa.String(length=64), nullable=False),
        sa.Column("left_at", stamp, nullable=True),
        sa.ForeignKeyConstraint(["pinned_id"], ["pinned_session.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("audience_enrolment") as batch:
        batch.create_index(
            batch.f("ix_audience_enrolment_audience_id"), ["audience_id"], unique=False
        )
        batch.create_index(batch.f("ix_audience_enrolment_pinned_id"), ["pinned_id"], unique=False)
        batch.create_index(
            "uq_audience_enrolment_current",
            ["pinned_id", "audience_kind", "audience_id"],
            unique=True,
            sqlite_where=sa.text("left_from IS NULL"),
            postgresql_where=sa.text("left_from IS NULL"),
        )


def downgrade() -> None:
    with op.batch_alter_table("audience_enrolment") as batch:
        batch.drop_index("uq_audience_enrolment_current")
        batch.drop_index(batch.f("ix_audience_enrolment_pinned_id"))
        batch.drop_index(batch.f("ix_audience_enrolment_audience_id"))
    op.drop_table("audience_enrolment")
    with op.batch_alter_table("pinned_session") as batch:
        batch.drop_column("audience")
