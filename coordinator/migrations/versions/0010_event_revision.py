"""event revision: SEQUENCE of trainings, 教研 and parent classes follows their changes

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-22 13:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("event") as batch:
        batch.add_column(sa.Column("revision", sa.Integer(), server_default="0", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("event") as batch:
        batch.drop_column("revision")
