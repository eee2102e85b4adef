"""GET /feeds/{token}.ics: a subscriber's calendar, with validators for cheap polling."""

from __future__ import annotations

import datetime as dt
from email.utils import format_datetime, parsedate_to_datetime

from aiohttp import web

from coordinator.observability.metrics import FEED_HITS, FEED_NOT_MODIFIED
from coordinator.services.feeds.render import FeedCache, RenderedFeed

FEED_CACHE = web.AppKey("feed_cache", FeedCache)
MAX_CACHED_HEADERS = 10_000
_HEADERS: dict[str, tuple[dict[str, str], dict[str, str]]] = {}  # etag -> (304, 200) headers

HEADERS = {
    "Cache-Control": "private, max-age=0, must-revalidate",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex, nofollow",
    "X-Content-Type-Options": "nosniff",
}


def _not_modified(request: web.Request, feed: RenderedFeed) -> bool:
    """RFC 9110: If-None-Match wins; If-Modified-Since only counts without it."""
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return "*" in tags or feed.etag in tags
    if_modified_since = request.headers.get("If-Modified-Since")
    if if_modified_since is None:
        return False
    try:
        since = parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError):
        return False
    return since.tzinfo is not None and feed.last_modified <= since


def _headers(feed: RenderedFeed) -> tuple[dict[str, str], dict[str, str]]:
    """The 304 and the 200 headers of one rendered feed, built once and kept with it."""
    cached = _HEADERS.get(feed.etag)
    if cached is None:
        validators = {
            **HEADERS,
            "ETag": feed.etag,
            "Last-Modified": format_datetime(feed.last_modified, usegmt=True),
        }
        full = {
            **validators,
            "Content-Type": "text/calendar; charset=utf-8",
            "Content-Disposition": 'inline; filename="coordinator.ics"',
        }
        if len(_HEADERS) > MAX_CACHED_HEADERS:
            _HEADERS.clear()
        cached = _HEADERS[feed.etag] = (validators, full)
    return cached


async def feed(request: web.Request) -> web.StreamResponse:
    token = request.match_info["token"]
    rendered = await request.app[FEED_CACHE].feed(token, now=dt.datetime.now(dt.UTC))
    if rendered is None:
        raise web.HTTPNotFound(text="no such calendar feed (the address may have been renewed)\n")
    FEED_HITS.inc()
    validators, full = _headers(rendered)
    if _not_modified(request, rendered):
        FEED_NOT_MODIFIED.inc()
        return web.Response(status=304, headers=validators)
    return web.Response(body=rendered.body, headers=full)


def routes() -> list[web.RouteDef]:
    return [web.get(r"/feeds/{token:[A-Za-z0-9_-]{20,100}}.ics", feed)]
