"""Personal API tokens for assistants: 256 random bits, shown once, stored as SHA-256."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, bindparam, update
from sqlalchemy import select as sa_select
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import col, select

from coordinator import models
from coordinator.attendance import AuthenticationError
from coordinator.errors import NotFoundError
from coordinator.store import Store

PREFIX = "cot_"  # recognisable in logs and by secret scanners


def valid_tokens_query(matching: ColumnElement[bool]) -> Select[str, str]:
    """Token hash -> assistant id, for the tokens `matching` picks out that are valid (not
    revoked, assistant active)."""
    return (
        sa_select(col(models.ApiTokenRow.token_hash), col(models.ApiTokenRow.assistant_id))
        .join(
            models.AssistantRow,
            col(models.AssistantRow.id) == col(models.ApiTokenRow.assistant_id),
        )
        .where(
            matching,
            col(models.ApiTokenRow.revoked_at).is_(None),
            col(models.AssistantRow.retired_at).is_(None),
        )
    )


VALID_TOKENS = valid_tokens_query(
    col(models.ApiTokenRow.token_hash).in_(bindparam("hashes", expanding=True))
)


@dataclass(frozen=True, slots=True)
class IssuedToken:
    id: int
    assistant_id: str
    token: str  # the only time the clear token exists outside the assistant's phone


@dataclass(frozen=True, slots=True)
class TokenInfo:
    id: int
    assistant_id: str
    label: str
    created_at: dt.datetime
    revoked_at: dt.datetime | None


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return PREFIX + secrets.token_urlsafe(32)  # 32 bytes: 256 bits


async def issue_token(
    store: Store, *, assistant_id: str, now: dt.datetime, label: str = ""
) -> IssuedToken:
    """A new token for an active assistant; their older tokens keep working until revoked."""
    async with store.write() as session:
        assistant = await session.get(models.AssistantRow, assistant_id)
        if assistant is None or assistant.retired_at is not None:
            raise NotFoundError(f"assistant {assistant_id!r}: no such active assistant")
        token = new_token()
        row = models.ApiTokenRow(
            assistant_id=assistant_id, token_hash=hash_token(token), label=label, created_at=now
        )
        session.add(row)
        await session.flush()
        assert row.id is not None
    return IssuedToken(row.id, assistant_id, token)


async def revoke_tokens(
    store: Store, *, now: dt.datetime, token_id: int | None = None, assistant_id: str | None = None
) -> int:
    """Revoke one token by id, or every token of an assistant; the number revoked."""
    if (token_id is None) == (assistant_id is None):
        raise ValueError("name exactly one of token_id and assistant_id")
    table = models.ApiTokenRow
    where = (
        col(table.id) == token_id
        if token_id is not None
        else (col(table.assistant_id) == assistant_id)
    )
    async with store.write() as session:
        result = await session.exec(
            update(table).where(where, col(table.revoked_at).is_(None)).values(revoked_at=now)
        )
        revoked: int = result.rowcount
    if revoked == 0 and token_id is not None:
        raise NotFoundError(f"API token {token_id}: no such token, or revoked already")
    return revoked


async def list_tokens(store: Store, *, assistant_id: str | None = None) -> list[TokenInfo]:
    query = select(models.ApiTokenRow).order_by(col(models.ApiTokenRow.id))
    if assistant_id is not None:
        query = query.where(col(models.ApiTokenRow.assistant_id) == assistant_id)
    async with store.read() as session:
        rows = (await session.exec(query)).all()
    return [
        TokenInfo(row.id or 0, row.assistant_id, row.label, row.created_at, row.revoked_at)
        for row in rows
    ]


async def authenticate(store: Store, token: str) -> str:
    """The assistant a token belongs to, or AuthenticationError when unknown or revoked."""
    async with store.reader.connect() as connection:
        assistants = await assistants_for(connection, [hash_token(token)])
    if not assistants:
        raise AuthenticationError("the API token is unknown or was revoked")
    return next(iter(assistants.values()))


async def assistants_for(connection: AsyncConnection, hashes: list[str]) -> dict[str, str]:
    """Token hash -> assistant id, for the tokens that are valid (not revoked, assistant active)."""
    found = await connection.execute(VALID_TOKENS, {"hashes": hashes})
    return {row.token_hash: row.assistant_id for row in found.all()}
