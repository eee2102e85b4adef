"""Encrypted cookie sessions keyed from the server secret, and who is signed in."""

from __future__ import annotations

import base64
import secrets
import time
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

from coordinator.services.accounts.users import User, user_by_id
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
    """A fresh session (nothing carried over from before) for `user`."""
    session = await new_session(request)
    session["uid"] = user.id
    session["epoch"] = user.session_epoch
    session["until"] = int(time.time()) + LIFETIME[user.role]
    session["csrf"] = secrets.token_urlsafe(32)
    return session


async def sign_out(request: web.Request) -> None:
    (await get_session(request)).invalidate()


async def current_user(request: web.Request) -> User | None:
    """The signed-in user, checked against the store on every request (disabled, epoch)."""
    if USER in request:
        return request[USER]
    session = await get_session(request)
    uid, until = session.get("uid"), session.get("until", 0)
    if not isinstance(uid, int) or not isinstance(until, int) or until < time.time():
        return None
    user = await user_by_id(request.app[STORE], uid)
    if user is None or user.session_epoch != session.get("epoch"):
        return None
    request[USER] = user
    return user
