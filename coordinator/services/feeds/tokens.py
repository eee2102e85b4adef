"""Feed addresses: a 256-bit token per subscriber and feed; only its SHA-256 is stored.

The token is HMAC-SHA256(secret key, owner and a random nonce). The database alone does not
reveal it (only its hash and the nonce are stored), yet the server can print every current
address again (`coordinator feeds`). Rotating draws a new nonce and revokes the old token:
the old address answers 404 at once.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy import select as sa_select
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from coordinator import domain, models
from coordinator.errors import NotFoundError

OWNER_KINDS = ("teacher", "classroom", "assistant", "school", "alliance", "region")


@dataclass(frozen=True, slots=True)
class FeedOwner:
    kind: str
    id: str

    def __str__(self) -> str:
        return f"{self.kind}:{self.id}"

    @classmethod
    def parse(cls, text: str) -> FeedOwner:
        kind, _, owner_id = text.partition(":")
        if kind not in OWNER_KINDS or not owner_id:
            kinds = ", ".join(OWNER_KINDS)
            raise NotFoundError(f"feed owner {text!r}: expected KIND:ID with KIND one of {kinds}")
        return cls(kind, owner_id)


def derive_token(secret: bytes, owner: FeedOwner, nonce: str) -> str:
    digest = hmac.new(secret, f"{owner}:{nonce}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def owners_of(bundle: domain.Bundle) -> list[FeedOwner]:
    """Everyone who gets a feed: teachers, classrooms, assistants, schools, alliances, regions."""
    return [
        *(FeedOwner("teacher", item.id) for item in bundle.network_teachers),
        *(FeedOwner("classroom", item.id) for item in bundle.classrooms),
        *(FeedOwner("assistant", item.id) for item in bundle.assistants),
        *(FeedOwner("school", item.id) for item in bundle.schools),
        *(FeedOwner("alliance", item.id) for item in bundle.alliances),
        *(FeedOwner("region", item.id) for item in bundle.regions),
    ]


async def active_tokens(session: AsyncSession) -> dict[FeedOwner, models.FeedTokenRow]:
    query = select(models.FeedTokenRow).where(col(models.FeedTokenRow.revoked_at).is_(None))
    return {FeedOwner(r.owner_kind, r.owner_id): r for r in (await session.exec(query)).all()}


async def latest_tokens(session: AsyncSession) -> dict[FeedOwner, models.FeedTokenRow]:
    """Each owner's newest token, live or revoked: a revoked owner stays revoked."""
    query = select(models.FeedTokenRow).order_by(col(models.FeedTokenRow.id))
    return {FeedOwner(r.owner_kind, r.owner_id): r for r in (await session.exec(query)).all()}


def _new_row(
    secret: bytes,
    owner: FeedOwner,
    language: str,
    now: dt.datetime,
) -> models.FeedTokenRow:
    return models.FeedTokenRow(**_new_values(secret, owner, language, now))


def _new_values(secret: bytes, owner: FeedOwner, language: str, now: dt.datetime) -> dict[str, Any]:
    """A new token row's columns as plain values (thousands at once need no ORM objects)."""
    nonce = secrets.token_hex(16)
    return {
        "owner_kind": owner.kind,
        "owner_id": owner.id,
        "nonce": nonce,
        "language": language,
        "token_hash": token_hash(derive_token(secret, owner, nonce)),
        "created_at": now,
        "revoked_at": None,
    }


async def ensure_tokens(
    session: AsyncSession,
    owners: list[FeedOwner],
    *,
    secret: bytes,
    language: str,
    now: dt.datetime,
) -> int:
    """Give every owner who never had a token one; returns how many were made.

    An owner whose feed was revoked keeps it revoked: only a rotation issues it again.
    """
    table: Table = models.FeedTokenRow.__table__  # type: ignore[attr-defined]
    query = sa_select(table.c.owner_kind, table.c.owner_id).distinct()
    result = await (await session.connection()).execute(query)
    existing = {FeedOwner(kind, owner_id) for kind, owner_id in result.all()}
    missing = [owner for owner in owners if owner not in existing]
    if missing:  # one executemany: a province has thousands of owners
        values = [_new_values(secret, owner, language, now) for owner in missing]
        await (await session.connection()).execute(insert(table), values)
    return len(missing)


async def rotate_token(
    session: AsyncSession,
    owner: FeedOwner,
    *,
    secret: bytes,
    now: dt.datetime,
    language: str | None = None,
) -> str:
    """Revoke the owner's token and issue a new one; returns the new token.

    A revoked feed is issued again; the language is the last token's unless one is given.
    """
    current = (await latest_tokens(session)).get(owner)
    if current is None and language is None:
        raise NotFoundError(f"no feed for {owner}")
    if current is not None and current.revoked_at is None:
        current.revoked_at = now
        session.add(current)
    row = _new_row(secret, owner, language or (current.language if current else "zh"), now)
    session.add(row)
    await session.flush()
    return derive_token(secret, owner, row.nonce)


async def revoke_token(session: AsyncSession, owner: FeedOwner, *, now: dt.datetime) -> None:
    current = (await active_tokens(session)).get(owner)
    if current is None:
        raise NotFoundError(f"no live feed token for {owner}")
    current.revoked_at = now
    session.add(current)


async def resolve_token(session: AsyncSession, token: str) -> models.FeedTokenRow | None:
    query = select(models.FeedTokenRow).where(
        models.FeedTokenRow.token_hash == token_hash(token),
        col(models.FeedTokenRow.revoked_at).is_(None),
    )
    return (await session.exec(query)).first()
