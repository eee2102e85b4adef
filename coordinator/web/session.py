"""Encrypted cookie sessions keyed from the server secret, and who is signed in.

The cookie carries a random session key; the store keeps its hash (`services.accounts.sessions`)
so signing out ends the session for every copy of the cookie.
"""

from __future__ import annotations

import base64
import datetime as dt
import secrets
import warnings
from collections.abc import Callable

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware
from aiohttp.web_exceptions import NotAppKeyWarning
from aiohttp_session import Session, get_session, new_session, session_middleware
from aiohttp_session.cookie_storage import EncryptedCookieStorage
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from coordinator.services.accounts.sessions import close_session, open_session, session_user
from coordinator.services.accounts.users import User
from coordinator.web.keys import STORE

COOKIE = "coordinator_session"
DAY = 24 * 3600
# How long a sign-in lasts: assistants sign in once on their phone and stay signed in.
LIFETIME = {"admin": DAY // 2, "teacher": 30 * DAY, "assistant": 180 * DAY}
USER = web.RequestKey("user", User)


def fernet_of(secret: bytes) -> Fernet:
    """A Fernet key derived (HKDF-SHA256) from the server secret, for cookies only."""
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=b"coordinator", info=b"session cookie"
    ).derive(secret)
    return Fernet(base64.urlsafe_b64encode(derived))


def _storage(secret: bytes, *, secure: bool) -> EncryptedCookieStorage:
    return EncryptedCookieStorage(
        fernet_of(secret),
        cookie_name=COOKIE,
        max_age=max(LIFETIME.values()),
        httponly=True,
        samesite="Lax",
        secure=secure,
    )


def sessions(secret: Callable[[], bytes], *, secure: bool, skip: tuple[str, ...]) -> Middleware:
    """Sessions for the pages only; the secret is read on the first page request, so merely
    building the app (tests, the API-only worker) never creates a key file."""
    # aiohttp-session keeps its own state under str request keys; aiohttp warns about that.
    warnings.filterwarnings("ignore", category=NotAppKeyWarning, module="aiohttp_session")
    inner: list[Middleware] = []

    @web.middleware
    async def session_for_pages(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path.startswith(skip):
            return await handler(request)
        if not inner:
            inner.append(session_middleware(_storage(secret(), secure=secure)))
        return await inner[0](request, handler)

    return session_for_pages


async def sign_in(request: web.Request, user: User) -> Session:
    """A fresh session (nothing carried over from before) for `user`, kept in the store."""
    await _close_stored(request)
    now = dt.datetime.now(dt.UTC)
    lifetime = LIFETIME[user.role]
    key = await open_session(
        request.app[STORE], user=user, now=now, lifetime=dt.timedelta(seconds=lifetime)
    )
    session = await new_session(request)
    session["uid"] = user.id
    session["sid"] = key
    session["epoch"] = user.session_epoch
    session["until"] = int(now.timestamp()) + lifetime
    session["csrf"] = secrets.token_urlsafe(32)
    return session


async def _close_stored(request: web.Request) -> None:
    key = (await get_session(request)).get("sid")
    if isinstance(key, str):
        await close_session(request.app[STORE], key)


async def sign_out(request: web.Request) -> None:
    """End the session in the store (every copy of the cookie) and clear this cookie."""
    await _close_stored(request)
    (await get_session(request)).invalidate()
    request.pop(USER, None)


async def current_user(request: web.Request) -> User | None:
    """The signed-in user, checked against the store on every request (session, disabled,
    epoch)."""
    if USER in request:
        return request[USER]
    session = await get_session(request)
    uid, key, until = session.get("uid"), session.get("sid"), session.get("until", 0)
    if not isinstance(uid, int) or not isinstance(key, str) or not isinstance(until, int):
        return None
    now = dt.datetime.now(dt.UTC)
    if until < now.timestamp():
        return None
    user = await session_user(request.app[STORE], key, now=now)
    if user is None or user.id != uid or user.session_epoch != session.get("epoch"):
        return None
    request[USER] = user
    return user
