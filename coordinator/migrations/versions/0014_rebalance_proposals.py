"""rebalance proposals: the CLI's preview is stored and `--apply ID` applies exactly it

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 07:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import coordinator.models

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "rebalance_proposal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", coordinator.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("base_version_id", sa.Integer(), nullable=False),
        sa.Column("stamp", sa.JSON(), nullable=False),
        sa.Column("applies_from", sa.Date(), nullable=True),
        sa.Column("applies_to", sa.Date(), nullable=True),
        sa.Column("note", sa.String(), nullable=False),
        sa.Column("wall_seconds", sa.Float(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("plan", sa.JSON(), nullable=False),
        sa.Column("keys", sa.JSON(), nullable=False),
        sa.Column("applied_version_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["applied_version_id"], ["timetable_version.id"]),
        sa.ForeignKeyConstraint(["base_version_id"], ["timetable_version.id"]),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("rebalance_proposal")
