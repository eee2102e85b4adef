"""temporary timetable versions (a date range) and sessions' persistent lesson keys

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 10:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("timetable_version", schema=None) as batch_op:
        batch_op.add_column(sa.Column("applies_from", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("applies_to", sa.Date(), nullable=True))
    with op.batch_alter_table("planned_session", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lesson_key", sa.String(), nullable=False, server_default=""))
        batch_op.create_index(batch_op.f("ix_planned_session_lesson_key"), ["lesson_key"])
    op.execute("UPDATE planned_session SET lesson_key = session_id")


def downgrade() -> None:
    with op.batch_alter_table("planned_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_planned_session_lesson_key"))
        batch_op.drop_column("lesson_key")
    with op.batch_alter_table("timetable_version", schema=None) as batch_op:
        batch_op.drop_column("applies_to")
        batch_op.drop_column("applies_from")
