"""Personal sign-in links: a teacher or assistant opens one on the phone instead of typing a
password. Never for admins.

A link names the user, the user's session epoch, an expiry and a random nonce, signed with the
server secret (itsdangerous); the store keeps the nonce's hash. A link signs in once: the
first press of its button uses it up, so a link forwarded, screenshotted or found in a log
later signs nobody in (the phone it was used on stays signed in). It also stops working when
it expires, when the user is disabled, or when their sessions are ended (the epoch moves on).
Opening the page (a chat app's link preview) uses nothing up; only the button does.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from itsdangerous import BadSignature, URLSafeSerializer
from sqlmodel import col, update

from coordinator import models
from coordinator.errors import CoordinatorError
from coordinator.services.accounts.users import AccountError, User, user_by_id
from coordinator.store import Store

SALT = "coordinator.sign-in-link"
DEFAULT_LIFETIME = dt.timedelta(days=7)
MAX_LIFETIME = dt.timedelta(days=30)
PATH = "/a/"
LINKS = models.SignInLinkRow


class SignInLinkError(CoordinatorError):
    """The link is damaged, expired, used or revoked; `reason` says which (for the page's text)
    and `user_id` whom it was for, when that is known."""

    def __init__(self, reason: str, message: str, user_id: int | None = None) -> None:
        super().__init__(message)
        self.reason = reason
        self.user_id = user_id


def _serializer(secret: bytes) -> URLSafeSerializer:
    return URLSafeSerializer(secret, salt=SALT)


def _hash(nonce: str) -> str:
    return hashlib.sha256(nonce.encode()).hexdigest()


async def issue_link(
    store: Store,
    user: User,
    secret: bytes,
    *,
    now: dt.datetime,
    lifetime: dt.timedelta = DEFAULT_LIFETIME,
) -> str:
    """The signed token of a link that signs `user` in once, until `now + lifetime`."""
    if user.role == "admin":
        raise AccountError(
            f"user {user.username!r} is an admin: personal sign-in links are for teachers and "
            "assistants only; admins sign in with their password"
        )
    if not dt.timedelta(0) < lifetime <= MAX_LIFETIME:
        raise AccountError(f"a sign-in link lasts at most {MAX_LIFETIME.days} days")
    nonce = secrets.token_urlsafe(16)
    expires = now + lifetime
    async with store.write() as session:
        session.add(LINKS(id=_hash(nonce), user_id=user.id, created_at=now, expires_at=expires))
    payload = {"u": user.id, "e": user.session_epoch, "x": int(expires.timestamp()), "n": nonce}
    return str(_serializer(secret).dumps(payload))


def link_url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}{PATH}{token}"


def _payload(secret: bytes, token: str) -> dict[str, Any]:
    try:
        payload = _serializer(secret).loads(token)
    except BadSignature as error:
        raise SignInLinkError("invalid", "this sign-in link is damaged or not ours") from error
    if not isinstance(payload, dict) or not {"u", "e", "x", "n"} <= payload.keys():
        raise SignInLinkError("invalid", "this sign-in link is damaged or not ours")
    return payload


async def _check(store: Store, payload: dict[str, Any], now: dt.datetime) -> User:
    user_id = int(payload["u"])
    if now.timestamp() > payload["x"]:
        raise SignInLinkError(
            "expired", "this sign-in link has expired: ask for a new one", user_id
        )
    user = await user_by_id(store, user_id)
    if user is None or user.session_epoch != payload["e"] or user.role == "admin":
        raise SignInLinkError(
            "revoked", "this sign-in link was revoked: ask for a new one", user_id
        )
    async with store.read() as session:
        row = await session.get(LINKS, _hash(str(payload["n"])))
    if row is None or row.user_id != user_id:
        raise SignInLinkError(
            "revoked", "this sign-in link was revoked: ask for a new one", user_id
        )
    if row.used_at is not None:
        raise SignInLinkError(
            "used", "this sign-in link was used already: ask for a new one", user_id
        )
    return user


async def user_of_link(store: Store, secret: bytes, token: str, *, now: dt.datetime) -> User:
    """The user a link would sign in, or SignInLinkError saying why it no longer works. Uses
    nothing up (for the page that shows whom the link is for)."""
    return await _check(store, _payload(secret, token), now)


async def use_link(store: Store, secret: bytes, token: str, *, now: dt.datetime) -> User:
    """The user the link signs in, using it up: a second use, on any worker, is refused."""
    payload = _payload(secret, token)
    user = await _check(store, payload, now)
    async with store.write() as session:
        result = await session.exec(
            update(LINKS)
            .where(col(LINKS.id) == _hash(str(payload["n"])), col(LINKS.used_at).is_(None))
            .values(used_at=now)
        )
        used_now = int(result.rowcount) == 1
    if not used_now:
        raise SignInLinkError(
            "used", "this sign-in link was used already: ask for a new one", user.id
        )
    return user
