"""job runs: lesson jobs that ran to the end, so a new leader skips them

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-22 13:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import coordinator.models

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "job_run",
        sa.Column("id", sa.String(length=255), nullable=False),
        sa.Column("finished_at", coordinator.models.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("job_run") as batch:
        batch.create_index(batch.f("ix_job_run_finished_at"), ["finished_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("job_run") as batch:
        batch.drop_index(batch.f("ix_job_run_finished_at"))
    op.drop_table("job_run")
