"""Access tokens in the database: one fetch for all processes, refreshed before expiry."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from coordinator.notify.tokens import AccessToken, TokenError
from coordinator.services.notifications.access_tokens import DatabaseTokens
from coordinator.settings.person_channels import TokenSettings
from coordinator.store import Store

SETTINGS = TokenSettings(refresh_before_s=300, lease_s=5, wait_step_s=0.05)
START = dt.datetime(2026, 12, 7, 1, 0, tzinfo=dt.UTC)


class Provider:
    """Hands out token-1, token-2, ... valid 7200 s; `pause` makes each fetch take a while."""

    def __init__(self, pause: float = 0.0) -> None:
        self.fetched = 0
        self.pause = pause

    async def fetch(self) -> AccessToken:
        self.fetched += 1
        number = self.fetched
        await asyncio.sleep(self.pause)
        return AccessToken(f"token-{number}", 7200)


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> dt.datetime:
        return self.now


async def test_processes_asking_at_once_fetch_one_token(store: Store) -> None:
    """Two caches (as two processes, each with its own connections) race for the refresh."""
    provider = Provider(pause=0.3)
    first, second = DatabaseTokens(store, SETTINGS), DatabaseTokens(store, SETTINGS)
    tokens = await asyncio.gather(
        first.token("wecom", "corp:1", provider.fetch),
        second.token("wecom", "corp:1", provider.fetch),
    )
    assert (list(tokens), provider.fetched) == (["token-1", "token-1"], 1)


async def test_token_is_refreshed_before_it_expires(store: Store) -> None:
    clock, provider = Clock(), Provider()
    cache = DatabaseTokens(store, SETTINGS, clock)
    assert await cache.token("dingtalk", "key", provider.fetch) == "token-1"
    clock.now = START + dt.timedelta(seconds=7200 - 301)
    assert await cache.token("dingtalk", "key", provider.fetch) == "token-1"
    clock.now = START + dt.timedelta(seconds=7200 - 299)  # inside refresh_before_s
    assert await cache.token("dingtalk", "key", provider.fetch) == "token-2"


async def test_a_refused_token_is_replaced_once_for_everybody(store: Store) -> None:
    provider = Provider()
    first, second = DatabaseTokens(store, SETTINGS), DatabaseTokens(store, SETTINGS)
    old = await first.token("wecom", "corp:1", provider.fetch)
    assert await first.token("wecom", "corp:1", provider.fetch, stale=old) == "token-2"
    # The other process saw the same refusal a moment later: it takes the new token as is.
    assert await second.token("wecom", "corp:1", provider.fetch, stale=old) == "token-2"
    assert provider.fetched == 2


async def test_apps_and_providers_keep_tokens_apart(store: Store) -> None:
    provider = Provider()
    cache = DatabaseTokens(store, SETTINGS)
    values = [
        await cache.token(p, a, provider.fetch)
        for p, a in [("wecom", "a"), ("wecom", "b"), ("dingtalk", "a")]
    ]
    assert values == ["token-1", "token-2", "token-3"]


async def test_a_failed_fetch_frees_the_refresh_for_the_next_try(store: Store) -> None:
    cache = DatabaseTokens(store, SETTINGS)

    async def refused() -> AccessToken:
        raise TokenError("gettoken refused: errcode 40001")

    with pytest.raises(TokenError, match="40001"):
        await cache.token("wecom", "corp:1", refused)
    assert await cache.token("wecom", "corp:1", Provider().fetch) == "token-1"
