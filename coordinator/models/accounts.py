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
    # How an admin is reached one to one (teachers and assistants carry theirs in the data).
    phone: str = ""
    wecom_userid: str = ""
    dingtalk_userid: str = ""
    preferred_channel: str = Field(default="", sa_type=String(16))  # wecom | dingtalk | sms
    quiet_hours: str = Field(default="", sa_type=String(16))  # "22:00-07:00", school clock


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


class SignInSessionRow(SQLModel, table=True):
    """One signed-in browser or phone: the cookie carries a random key, the row its SHA-256.

    Signing out deletes the row, so a copy of the cookie stops working everywhere at once.
    """

    __tablename__ = "sign_in_session"
    id: str = Field(sa_type=String(64), primary_key=True)  # sha256 hex of the cookie's key
    user_id: int = Field(foreign_key="app_user.id", index=True)
    created_at: dt.datetime = Field(sa_type=UTCDateTime, nullable=False)
    expires_at: dt.datetime = Field(sa_type=UTCDateTime, nullable=False, index=True)


class SignInFailureRow(SQLModel, table=True):
    """One wrong password: from which address, for which account (shared by every worker)."""

    __tablename__ = "sign_in_failure"
    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = Field(sa_type=UTCDateTime, nullable=False, index=True)
    address: str = Field(sa_type=String(64), index=True)
    account: str = Field(sa_type=String(64), index=True)  # the user name as typed, normalised


class SignInLinkRow(SQLModel, table=True):
    """A personal sign-in link issued: used once, then never again."""

    __tablename__ = "sign_in_link"
    id: str = Field(sa_type=String(64), primary_key=True)  # sha256 hex of the link's nonce
    user_id: int = Field(foreign_key="app_user.id", index=True)
    created_at: dt.datetime = Field(sa_type=UTCDateTime, nullable=False)
    expires_at: dt.datetime = Field(sa_type=UTCDateTime, nullable=False)
    used_at: dt.datetime | None = utc_column()
