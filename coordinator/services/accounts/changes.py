"""Changing accounts after the fact: new password, disable, enable, end every session.

Each change that should cut off a lost phone or a leaked password moves the user's
`session_epoch` on and deletes their stored sessions: every cookie session and every personal
sign-in link made before then stops working at once, and an assistant's API tokens (the
phone page's outbox holds one) are revoked with it. Every change is audited with the user's
scope, so the admins of that scope see it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlmodel import col, delete, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from coordinator import models
from coordinator.errors import NotFoundError
from coordinator.services.accounts.names import check_password
from coordinator.services.accounts.users import AccountError, User, audit_row, hash_password
from coordinator.store import Store


@dataclass(frozen=True, slots=True)
class Account:
    """One user as the lists show it."""

    username: str
    role: str
    scope: str
    disabled: bool
    created_at: dt.datetime


async def list_accounts(store: Store) -> list[Account]:
    async with store.read() as session:
        query = select(models.UserRow).order_by(col(models.UserRow.username))
        rows = (await session.exec(query)).all()
    return [
        Account(
            row.username,
            row.role,
            f"{row.scope_kind}:{row.scope_id}",
            row.disabled_at is not None,
            row.created_at,
        )
        for row in rows
    ]


async def _row(session: AsyncSession, username: str) -> models.UserRow:
    query = select(models.UserRow).where(models.UserRow.username == username)
    row = (await session.exec(query)).first()
    if row is None:
        raise NotFoundError(f"user {username!r}: no such user")
    return row


async def active_user(store: Store, username: str) -> User:
    """The user, if they may sign in (for a sign-in link)."""
    async with store.read() as session:
        row = await _row(session, username)
    if row.disabled_at is not None:
        raise AccountError(f"user {username!r} is disabled: `coordinator users enable` first")
    return User.of(row)


async def _change(
    store: Store,
    username: str,
    action: str,
    change: Callable[[models.UserRow], None],
    *,
    now: dt.datetime,
    actor: str,
) -> User:
    """Apply `change` to the user, end their sessions and audit it, in one transaction."""
    async with store.write() as session:
        row = await _row(session, username)
        change(row)
        row.session_epoch += 1
        sessions = models.SignInSessionRow
        await session.exec(delete(sessions).where(col(sessions.user_id) == row.id))
        details: dict[str, object] = {"scope": f"{row.scope_kind}:{row.scope_id}"}
        if row.scope_kind == "assistant":
            details["api_tokens_revoked"] = await _revoke_api_tokens(session, row.scope_id, now)
        session.add(audit_row(actor, action, "user", username, details, now))
        await session.flush()
        return User.of(row)


async def _revoke_api_tokens(session: AsyncSession, assistant_id: str, now: dt.datetime) -> int:
    tokens = models.ApiTokenRow
    result = await session.exec(
        update(tokens)
        .where(col(tokens.assistant_id) == assistant_id, col(tokens.revoked_at).is_(None))
        .values(revoked_at=now)
    )
    return int(result.rowcount)


def _unchanged(row: models.UserRow) -> None:
    """Only the session epoch moves on."""


async def end_sessions(store: Store, username: str, *, now: dt.datetime, actor: str) -> User:
    """Sign the user out everywhere: every phone, every browser, every sign-in link."""
    return await _change(store, username, "user.sign_out", _unchanged, now=now, actor=actor)


async def change_password(
    store: Store, username: str, password: str, *, now: dt.datetime, actor: str
) -> User:
    """A new password (hashed off the event loop); sessions made with the old one end."""
    check_password(password, username)
    password_hash = await hash_password(password)

    def set_hash(row: models.UserRow) -> None:
        row.password_hash = password_hash

    return await _change(store, username, "user.password", set_hash, now=now, actor=actor)


async def disable(store: Store, username: str, *, now: dt.datetime, actor: str) -> User:
    """The user can no longer sign in; their sessions and links end. Nothing is deleted."""

    def set_disabled(row: models.UserRow) -> None:
        row.disabled_at = row.disabled_at or now

    return await _change(store, username, "user.disable", set_disabled, now=now, actor=actor)


async def enable(store: Store, username: str, *, now: dt.datetime, actor: str) -> User:
    def clear_disabled(row: models.UserRow) -> None:
        row.disabled_at = None

    return await _change(store, username, "user.enable", clear_disabled, now=now, actor=actor)
