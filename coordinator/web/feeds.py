"""GET /feeds/{token}.ics: a subscriber's calendar, with validators for cheap polling."""

from __future__ import annotations

import gzip
import re
from email.utils import format_datetime, parsedate_to_datetime
from urllib.parse import quote

from aiohttp import web

from coordinator.observability.metrics import FEED_HITS, FEED_NOT_MODIFIED
from coordinator.services.feeds.render import FeedCache, RenderedFeed
from coordinator.web.pages.config import PAGES

FEED_CACHE = web.AppKey("feed_cache", FeedCache)
MAX_CACHED = 10_000
_HEADERS: dict[str, tuple[dict[str, str], dict[str, str]]] = {}  # etag -> (304, 200) headers
_GZIPPED: dict[str, bytes] = {}  # etag of the plain body -> its gzip, made once

HEADERS = {
    "Cache-Control": "private, max-age=0, must-revalidate",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex, nofollow",
    "X-Content-Type-Options": "nosniff",
    "Vary": "Accept-Encoding",
}
_NOT_TOKEN = re.compile(r"[^A-Za-z0-9._-]+")


def accepts_gzip(accept_encoding: str) -> bool:
    """RFC 9110 §12.5.3: gzip (or *) listed without q=0."""
    for part in accept_encoding.split(","):
        coding, *params = (piece.strip() for piece in part.split(";"))
        if coding.lower() not in {"gzip", "x-gzip", "*"}:
            continue
        weights = [p.split("=", 1)[1] for p in params if p.lower().startswith("q=")]
        try:
            if not weights or float(weights[0]) > 0:
                return True
        except ValueError:
            continue
    return False


def gzip_etag(etag: str) -> str:
    """A strong ETag names one representation: the gzip one gets its own."""
    return f'{etag[:-1]}-gzip"'


def content_disposition(feed: RenderedFeed) -> str:
    """RFC 6266: an ASCII fallback (owner kind and id) and the owner's name as filename*."""
    fallback = _NOT_TOKEN.sub("_", f"{feed.owner.kind}-{feed.owner.id}") + ".ics"
    return f"inline; filename=\"{fallback}\"; filename*=UTF-8''{quote(feed.filename, safe='')}"


def _not_modified(request: web.Request, feed: RenderedFeed) -> bool:
    """RFC 9110: If-None-Match wins; If-Modified-Since only counts without it."""
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return bool({"*", feed.etag, gzip_etag(feed.etag)} & tags)
    if_modified_since = request.headers.get("If-Modified-Since")
    if if_modified_since is None:
        return False
    try:
        since = parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError):
        return False
    return since.tzinfo is not None and feed.last_modified <= since


def _headers(feed: RenderedFeed, gzipped: bool) -> tuple[dict[str, str], dict[str, str]]:
    """The 304 and the 200 headers of one representation of a feed, built once and kept."""
    etag = gzip_etag(feed.etag) if gzipped else feed.etag
    cached = _HEADERS.get(etag)
    if cached is None:
        validators = {
            **HEADERS,
            "ETag": etag,
            "Last-Modified": format_datetime(feed.last_modified, usegmt=True),
        }
        full = {
            **validators,
            "Content-Type": "text/calendar; charset=utf-8",
            "Content-Disposition": content_disposition(feed),
        }
        if gzipped:
            full["Content-Encoding"] = "gzip"
        if len(_HEADERS) > MAX_CACHED:
            _HEADERS.clear()
        cached = _HEADERS[etag] = (validators, full)
    return cached


def _gzipped(feed: RenderedFeed) -> bytes:
    body = _GZIPPED.get(feed.etag)
    if body is None:
        if len(_GZIPPED) > MAX_CACHED:
            _GZIPPED.clear()
        body = _GZIPPED[feed.etag] = gzip.compress(feed.body, compresslevel=6, mtime=0)
    return body


async def feed(request: web.Request) -> web.StreamResponse:
    token = request.match_info["token"]
    # The app's clock (real time but where a test or a replay sets it): today's window follows it.
    rendered = await request.app[FEED_CACHE].feed(token, now=request.app[PAGES].clock())
    if rendered is None:
        raise web.HTTPNotFound(text="no such calendar feed (the address may have been renewed)\n")
    FEED_HITS.inc()
    gzipped = accepts_gzip(request.headers.get("Accept-Encoding", ""))
    validators, full = _headers(rendered, gzipped)
    if _not_modified(request, rendered):
        FEED_NOT_MODIFIED.inc()
        return web.Response(status=304, headers=validators)
    body = _gzipped(rendered) if gzipped else rendered.body
    return web.Response(body=body, headers=full)


def routes() -> list[web.RouteDef]:
    return [web.get(r"/feeds/{token:[A-Za-z0-9_-]{20,100}}.ics", feed)]
