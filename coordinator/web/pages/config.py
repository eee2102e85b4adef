"""Page settings that have no place in Settings yet: trusted proxies, the limiter, the clock."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from aiohttp import web

from coordinator.bundle.limits import DEFAULT_LIMITS, ReadLimits
from coordinator.web.pages.ratelimit import SignInLimiter


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(slots=True)
class PagesConfig:
    """`trusted_proxies`: addresses/networks whose X-Forwarded-For is believed (none: direct)."""

    trusted_proxies: tuple[str, ...] = ()
    limiter: SignInLimiter = field(default_factory=SignInLimiter)
    clock: Callable[[], dt.datetime] = utc_now
    upload_limit_bytes: int = 20 * 1024 * 1024
    read_limits: ReadLimits = DEFAULT_LIMITS  # what one file of an uploaded bundle may hold
    today_refresh_s: int = 20  # how often the Today board refreshes itself


PAGES = web.AppKey("pages", PagesConfig)
