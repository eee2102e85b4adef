"""jobs: long work (a solve from the console) with stored state, progress and result

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 07:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import coordinator.models

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    stamp = coordinator.models.UTCDateTime(timezone=True)
    op.create_table(
        "job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("requested_by", sa.String(), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("progress", sa.JSON(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("error", sa.String(), nullable=False),
        sa.Column("stop_requested", sa.Boolean(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("worker", sa.String(), nullable=False),
        sa.Column("created_at", stamp, nullable=False),
        sa.Column("started_at", stamp, nullable=True),
        sa.Column("heartbeat_at", stamp, nullable=True),
        sa.Column("finished_at", stamp, nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("job") as batch:
        batch.create_index(batch.f("ix_job_kind"), ["kind"], unique=False)
        batch.create_index(batch.f("ix_job_state"), ["state"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("job") as batch:
        batch.drop_index(batch.f("ix_job_state"))
        batch.drop_index(batch.f("ix_job_kind"))
    op.drop_table("job")
