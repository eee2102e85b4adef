"""Console accounts and the audit log."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Column, String
from sqlmodel import Field, SQLModel

from coordinator.models.columns import UTCDateTime, utc_column


class UserRow(SQLModel, table=True):
    """A person who signs in: a role, the object it is scoped to, an argon2id password hash.

    `session_epoch` goes up when the password changes or the user is disabled: every cookie
    session signed in before then stops working.
    """

    __tablename__ = "app_user"
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(sa_type=String(64), unique=True)
    role: str = Field(sa_type=String(16))  # admin | teacher | assistant
    scope_kind: str = Field(sa_type=String(16))  # region | alliance | group | teacher | assistant
    scope_id: str
    password_hash: str = Field(sa_type=String(255))
    language: str = Field(default="zh", sa_type=String(8))
    session_epoch: int = 0
    created_at: dt.datetime = Field(sa_type=UTCDateTime, nullable=False)
    disabled_at: dt.datetime | None = utc_column()


class AuditRow(SQLModel, table=True):
    """One change someone made: who, when, what action on which object, and the details."""

    __tablename__ = "audit_log"
    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = Field(sa_type=UTCDateTime, nullable=False, index=True)
    actor: str = Field(sa_type=String(64), index=True)  # a username, or "cli"
    action: str = Field(sa_type=String(32), index=True)  # user.add | feed.rotate | ...
    object_kind: str = Field(sa_type=String(16))
    object_id: str
    details: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
