"""CSRF tokens bound to the session, checked on every unsafe request to the pages."""

from __future__ import annotations

import hmac
import secrets

from aiohttp import BodyPartReader, MultipartReader, web
from aiohttp.typedefs import Handler
from aiohttp_session import get_session

FIELD = "_csrf"
HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# The JSON API authenticates with Bearer tokens, never cookies; feeds and probes are read-only.
EXEMPT_PREFIXES = ("/api/", "/feeds/", "/healthz", "/readyz")
MULTIPART = web.RequestKey("multipart", MultipartReader)


class CsrfError(web.HTTPForbidden):
    """The form carried no valid token (expired page, or a forged request)."""


async def csrf_token(request: web.Request) -> str:
    """This session's token, made on first use."""
    session = await get_session(request)
    token = session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        session["csrf"] = token
    return token


async def _sent_token(request: web.Request) -> str:
    if HEADER in request.headers:
        return request.headers[HEADER]
    if request.content_type == "multipart/form-data":
        # The form puts the token first; the handler reads the rest of the stream.
        reader = await request.multipart()
        request[MULTIPART] = reader
        part = await reader.next()
        if isinstance(part, BodyPartReader) and part.name == FIELD:
            return (await part.text())[:200]
        return ""
    form = await request.post()
    value = form.get(FIELD, "")
    return value if isinstance(value, str) else ""


@web.middleware
async def csrf_protect(request: web.Request, handler: Handler) -> web.StreamResponse:
    if request.method in SAFE_METHODS or request.path.startswith(EXEMPT_PREFIXES):
        return await handler(request)
    expected = (await get_session(request)).get("csrf")
    sent = await _sent_token(request)
    if not isinstance(expected, str) or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise CsrfError(text="CSRF token missing or wrong: reload the page and try again.\n")
    return await handler(request)
