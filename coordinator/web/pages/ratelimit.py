"""Sign-in attempts per account and per client address, shared by every worker through the
store: a few failures, then a pause (429 with Retry-After)."""

from __future__ import annotations

import datetime as dt
import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass, field

from aiohttp import web

from coordinator.services.accounts.names import username_key
from coordinator.services.accounts.sign_in_limits import (
    SignInLimits,
    record_failure,
    retry_after,
)
from coordinator.store import Store


@dataclass(frozen=True, slots=True)
class SignInLimiter:
    """The limits; the failures themselves are in the store."""

    limits: SignInLimits = field(default_factory=SignInLimits)

    async def retry_after(
        self, store: Store, *, address: str, username: str, now: dt.datetime
    ) -> int:
        """Seconds until this address may try this account again; 0 when it may try now."""
        account = username_key(username)
        return await retry_after(store, self.limits, address=address, account=account, now=now)

    async def failed(self, store: Store, *, address: str, username: str, now: dt.datetime) -> None:
        account = username_key(username)
        await record_failure(store, self.limits, address=address, account=account, now=now)


def client_address(request: web.Request, trusted_proxies: Iterable[str]) -> str:
    """The real client: the peer, or the nearest X-Forwarded-For hop a trusted proxy added."""
    networks = [ipaddress.ip_network(proxy, strict=False) for proxy in trusted_proxies]
    peer = request.remote or ""
    if not networks or not _within(peer, networks):
        return peer
    hops = [hop.strip() for hop in request.headers.get("X-Forwarded-For", "").split(",")]
    for hop in reversed([hop for hop in hops if hop]):
        if not _within(hop, networks):
            return hop
    return peer


def _within(address: str, networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)
