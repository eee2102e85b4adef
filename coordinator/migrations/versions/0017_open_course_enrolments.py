"""open course enrolments: schools join open live courses themselves, from a date, and leave

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 07:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import coordinator.models

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "open_course",
        sa.Column("pinned_id", sa.String(), nullable=False),
        sa.Column("closed", sa.Boolean(), nullable=False),
        sa.Column("cap", sa.Integer(), nullable=True),
        sa.Column("changed_at", coordinator.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["pinned_id"], ["pinned_session.id"]),
        sa.PrimaryKeyConstraint("pinned_id"),
    )
    op.create_table(
        "enrolment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pinned_id", sa.String(), nullable=False),
        sa.Column("classroom_id", sa.String(), nullable=False),
        sa.Column("joined_from", sa.Date(), nullable=False),
        sa.Column("left_from", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("created_at", coordinator.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("left_by", sa.String(length=64), nullable=False),
        sa.Column("left_at", coordinator.models.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["classroom_id"], ["classroom.id"]),
        sa.ForeignKeyConstraint(["pinned_id"], ["pinned_session.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("enrolment") as batch:
        batch.create_index(batch.f("ix_enrolment_classroom_id"), ["classroom_id"], unique=False)
        batch.create_index(batch.f("ix_enrolment_pinned_id"), ["pinned_id"], unique=False)
        batch.create_index(batch.f("ix_enrolment_status"), ["status"], unique=False)
        batch.create_index(
            "uq_enrolment_current",
            ["pinned_id", "classroom_id"],
            unique=True,
            sqlite_where=sa.text("left_from IS NULL"),
            postgresql_where=sa.text("left_from IS NULL"),
        )


def downgrade() -> None:
    with op.batch_alter_table("enrolment") as batch:
        batch.drop_index("uq_enrolment_current")
        batch.drop_index(batch.f("ix_enrolment_status"))
        batch.drop_index(batch.f("ix_enrolment_pinned_id"))
        batch.drop_index(batch.f("ix_enrolment_classroom_id"))
    op.drop_table("enrolment")
    op.drop_table("open_course")
