"""Feed subscriptions: every owner gets an address; list, rotate and revoke them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from coordinator.domain import Bundle
from coordinator.services.counters import FEEDS, bump_counter
from coordinator.services.data.directory import Directory
from coordinator.services.data.imports import load_bundle
from coordinator.services.feeds.tokens import (
    FeedOwner,
    active_tokens,
    derive_token,
    ensure_tokens,
    latest_tokens,
    owners_of,
    revoke_token,
    rotate_token,
)
from coordinator.store import Store


@dataclass(frozen=True, slots=True)
class FeedLink:
    owner: FeedOwner
    name: str
    language: str
    https: str
    webcal: str

    def as_json(self) -> dict[str, str]:
        """The address under `url` and under its own scheme (`https`, or `http` without TLS)."""
        scheme = self.https.split("://", 1)[0]
        return {
            "owner_kind": self.owner.kind,
            "owner_id": self.owner.id,
            "name": self.name,
            "language": self.language,
            "url": self.https,
            scheme: self.https,
            "webcal": self.webcal,
        }


def feed_url(base_url: str, token: str) -> tuple[str, str]:
    """The https (or http) address and its webcal:// twin that calendar apps subscribe to."""
    https = f"{base_url.rstrip('/')}/feeds/{token}.ics"
    return https, "webcal://" + https.split("://", 1)[1]


async def ensure_feed_tokens(
    store: Store,
    *,
    secret: bytes,
    language: str,
    now: dt.datetime,
    bundle: Bundle | None = None,
) -> int:
    """Give every feed owner of the current data (or of `bundle`, read already) a token."""
    owners = owners_of(bundle or await load_bundle(store))
    async with store.write() as session:
        made = await ensure_tokens(session, owners, secret=secret, language=language, now=now)
        if made:
            await bump_counter(session, FEEDS, now)
    return made


async def list_feeds(store: Store, *, secret: bytes, base_url: str) -> list[FeedLink]:
    directory = Directory.of(await load_bundle(store))
    async with store.read() as session:
        tokens = await active_tokens(session)
    links = []
    for owner in owners_of(directory.bundle):
        row = tokens.get(owner)
        if row is None:
            continue
        https, webcal = feed_url(base_url, derive_token(secret, owner, row.nonce))
        links.append(FeedLink(owner, directory.owner_name(owner), row.language, https, webcal))
    return links


async def rotate_feed(
    store: Store,
    owner: FeedOwner,
    *,
    secret: bytes,
    base_url: str,
    now: dt.datetime,
    language: str = "zh",
) -> FeedLink:
    """A new address for the owner's feed; the old one stops working at once.

    The feed keeps its language; `language` is only for an owner who never had a feed.
    """
    directory = Directory.of(await load_bundle(store))
    if not directory.exists(owner):
        from coordinator.errors import NotFoundError

        raise NotFoundError(f"{owner}: no such feed owner in the current data")
    async with store.write() as session:
        previous = (await latest_tokens(session)).get(owner)
        keep = previous.language if previous is not None else language
        token = await rotate_token(session, owner, secret=secret, now=now, language=keep)
        row = (await active_tokens(session))[owner]
        await bump_counter(session, FEEDS, now)
    https, webcal = feed_url(base_url, token)
    return FeedLink(owner, directory.owner_name(owner), row.language, https, webcal)


async def revoke_feed(store: Store, owner: FeedOwner, *, now: dt.datetime) -> None:
    async with store.write() as session:
        await revoke_token(session, owner, now=now)
        await bump_counter(session, FEEDS, now)
