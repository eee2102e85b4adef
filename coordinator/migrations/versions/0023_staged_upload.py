"""staged_upload: a checked upload's bytes, kept in the database until imported or discarded

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07 11:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import coordinator.models

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "staged_upload",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("owner", sa.String(length=255), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("table", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", coordinator.models.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_staged_upload_owner", "staged_upload", ["owner"])
    op.create_index("ix_staged_upload_created_at", "staged_upload", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_staged_upload_created_at", table_name="staged_upload")
    op.drop_index("ix_staged_upload_owner", table_name="staged_upload")
    op.drop_table("staged_upload")
