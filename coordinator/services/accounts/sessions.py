"""Sign-in sessions kept in the store: the cookie holds a random key, the store its SHA-256.

A session is good while its row exists and has not expired; signing out deletes the row, so
every copy of the cookie stops working on every worker at once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlmodel import col, delete, select

from coordinator import models
from coordinator.services.accounts.users import User
from coordinator.store import Store


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


async def open_session(
    store: Store, *, user: User, now: dt.datetime, lifetime: dt.timedelta
) -> str:
    """A new session for `user`; its key (for the cookie only). The user's expired sessions
    are cleared on the way."""
    key = secrets.token_urlsafe(32)
    table = models.SignInSessionRow
    async with store.write() as session:
        await session.exec(
            delete(table).where(col(table.user_id) == user.id, col(table.expires_at) <= now)
        )
        session.add(
            table(id=_hash(key), user_id=user.id, created_at=now, expires_at=now + lifetime)
        )
    return key


async def session_user(store: Store, key: str, *, now: dt.datetime) -> User | None:
    """The active user whose unexpired session has this key, or None."""
    query = (
        select(models.UserRow)
        .join(models.SignInSessionRow, col(models.SignInSessionRow.user_id) == models.UserRow.id)
        .where(
            col(models.SignInSessionRow.id) == _hash(key),
            col(models.SignInSessionRow.expires_at) > now,
            col(models.UserRow.disabled_at).is_(None),
        )
    )
    async with store.read() as session:
        row = (await session.exec(query)).first()
    return None if row is None else User.of(row)


async def close_session(store: Store, key: str) -> None:
    """Sign this session out; the cookie, and any copy of it, no longer signs anyone in."""
    table = models.SignInSessionRow
    async with store.write() as session:
        await session.exec(delete(table).where(col(table.id) == _hash(key)))
