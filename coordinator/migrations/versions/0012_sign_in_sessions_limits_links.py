"""sign-in: sessions kept server-side, failed sign-ins shared by workers, single-use links

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 04:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import coordinator.models

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = coordinator.models.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "sign_in_session",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTC(timezone=True), nullable=False),
        sa.Column("expires_at", UTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("sign_in_session") as batch:
        batch.create_index(batch.f("ix_sign_in_session_user_id"), ["user_id"], unique=False)
        batch.create_index(batch.f("ix_sign_in_session_expires_at"), ["expires_at"], unique=False)
    op.create_table(
        "sign_in_failure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", UTC(timezone=True), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("account", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("sign_in_failure") as batch:
        batch.create_index(batch.f("ix_sign_in_failure_at"), ["at"], unique=False)
        batch.create_index(batch.f("ix_sign_in_failure_address"), ["address"], unique=False)
        batch.create_index(batch.f("ix_sign_in_failure_account"), ["account"], unique=False)
    op.create_table(
        "sign_in_link",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTC(timezone=True), nullable=False),
        sa.Column("expires_at", UTC(timezone=True), nullable=False),
        sa.Column("used_at", UTC(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("sign_in_link") as batch:
        batch.create_index(batch.f("ix_sign_in_link_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("sign_in_link") as batch:
        batch.drop_index(batch.f("ix_sign_in_link_user_id"))
    op.drop_table("sign_in_link")
    with op.batch_alter_table("sign_in_failure") as batch:
        batch.drop_index(batch.f("ix_sign_in_failure_account"))
        batch.drop_index(batch.f("ix_sign_in_failure_address"))
        batch.drop_index(batch.f("ix_sign_in_failure_at"))
    op.drop_table("sign_in_failure")
    with op.batch_alter_table("sign_in_session") as batch:
        batch.drop_index(batch.f("ix_sign_in_session_expires_at"))
        batch.drop_index(batch.f("ix_sign_in_session_user_id"))
    op.drop_table("sign_in_session")
