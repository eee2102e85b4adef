"""Access tokens the apps' APIs need (WeCom, DingTalk): what a channel asks of a token cache.

A token is fetched from the provider (`Fetch`) and kept by the cache, shared by every process;
the services implement the cache over the database (`services/notifications/access_tokens`),
keyed by provider and app, so other modules calling the same providers can share it.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

import aiohttp

from coordinator.notify.base import DeliveryError


class TokenError(DeliveryError):
    """The provider gave no token (wrong secret, unreachable): said with its answer; the
    outbox tries again later, as for any failed send."""


@dataclass(frozen=True, slots=True)
class AccessToken:
    value: str
    expires_in_s: float


Fetch = Callable[[], Awaitable[AccessToken]]


class TokenCache(Protocol):
    async def token(self, provider: str, app: str, fetch: Fetch, *, stale: str = "") -> str:
        """A token of `provider`'s `app` valid for a while yet; `stale` is one the provider just
        refused (expired or revoked): a different one is returned, fetched if need be."""


async def get_json(http: aiohttp.ClientSession, url: str, params: dict[str, str]) -> Any:
    """GET a provider's JSON answer (gettoken); TokenError for a refusal or no answer."""
    try:
        async with http.get(url, params=params) as response:
            text = await response.text()
    except (aiohttp.ClientError, TimeoutError) as error:
        raise TokenError(f"{url}: {type(error).__name__}: {error}") from error
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise TokenError(f"{url}: HTTP {response.status}, not JSON: {text[:200]!r}") from error


def from_answer(url: str, answer: Any) -> AccessToken:
    """{"errcode": 0, "access_token": ..., "expires_in": 7200}: the shape WeCom and DingTalk
    share; anything else is a TokenError naming the provider's errcode and errmsg."""
    if (
        not isinstance(answer, dict)
        or answer.get("errcode", 0) != 0
        or not answer.get("access_token")
    ):
        raise TokenError(f"{url} refused a token: {json.dumps(answer, ensure_ascii=False)[:300]}")
    return AccessToken(str(answer["access_token"]), float(answer.get("expires_in", 7200)))
