"""GET /feeds/{token}.ics: a subscriber's calendar, with validators for cheap polling."""

from __future__ import annotations

import datetime as dt
from email.utils import format_datetime, parsedate_to_datetime

from aiohttp import web

from coordinator.services.feeds import FeedCache, RenderedFeed

FEED_CACHE = web.AppKey("feed_cache", FeedCache)

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


async def feed(request: web.Request) -> web.StreamResponse:
    token = request.match_info["token"]
    rendered = await request.app[FEED_CACHE].feed(token, now=dt.datetime.now(dt.UTC))
    if rendered is None:
        raise web.HTTPNotFound(text="no such calendar feed (the address may have been renewed)\n")
    headers = {
        **HEADERS,
        "ETag": rendered.etag,
        "Last-Modified": format_datetime(rendered.last_modified, usegmt=True),
    }
    if _not_modified(request, rendered):
        return web.Response(status=304, headers=headers)
    return web.Response(
        body=rendered.body,
        headers={**headers, "Content-Disposition": 'inline; filename="coordinator.ics"'},
        content_type="text/calendar",
        charset="utf-8",
    )


def routes() -> list[web.RouteDef]:
    return [web.get(r"/feeds/{token:[A-Za-z0-9_-]{20,100}}.ics", feed)]
