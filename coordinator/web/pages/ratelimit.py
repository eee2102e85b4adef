"""Sign-in attempts per client address: a few failures, then a pause (429 with Retry-After)."""

from __future__ import annotations

import ipaddress
import math
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field

from aiohttp import web

MAX_TRACKED = 10_000  # addresses remembered at most; the oldest are forgotten first


@dataclass(slots=True)
class SignInLimiter:
    """At most `attempts` failed sign-ins per address within `window_s` seconds."""

    attempts: int = 5
    window_s: float = 300.0
    failures: dict[str, deque[float]] = field(default_factory=dict)

    def _recent(self, address: str, now: float) -> deque[float]:
        times = self.failures.get(address, deque())
        while times and times[0] <= now - self.window_s:
            times.popleft()
        return times

    def retry_after(self, address: str, now: float) -> int:
        """Seconds until this address may try again; 0 when it may try now."""
        times = self._recent(address, now)
        if len(times) < self.attempts:
            return 0
        return max(1, math.ceil(times[0] + self.window_s - now))

    def failed(self, address: str, now: float) -> None:
        times = self._recent(address, now)
        times.append(now)
        self.failures[address] = times
        if len(self.failures) > MAX_TRACKED:
            del self.failures[next(iter(self.failures))]

    def succeeded(self, address: str) -> None:
        self.failures.pop(address, None)


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
