"""Personal sign-in links: an assistant opens one on the phone instead of typing a password.

A link names the user, the user's session epoch and an expiry, signed with the server secret
(itsdangerous). Nothing is stored: the link stops working when it expires, when the user is
disabled, or when their sessions are ended (the epoch moves on), which revokes every link
and every signed-in phone at once.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from itsdangerous import BadSignature, URLSafeSerializer

from coordinator.errors import CoordinatorError
from coordinator.services.accounts.users import User, user_by_id
from coordinator.store import Store

SALT = "coordinator.sign-in-link"
DEFAULT_LIFETIME = dt.timedelta(days=14)
PATH = "/a/"


class SignInLinkError(CoordinatorError):
    """The link is damaged, expired or revoked; `reason` says which (for the page's text)."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


def _serializer(secret: bytes) -> URLSafeSerializer:
    return URLSafeSerializer(secret, salt=SALT)


def link_token(
    user: User, secret: bytes, *, now: dt.datetime, lifetime: dt.timedelta = DEFAULT_LIFETIME
) -> str:
    """The signed token of a link that signs `user` in until `now + lifetime`."""
    expires = int((now + lifetime).timestamp())
    return str(_serializer(secret).dumps({"u": user.id, "e": user.session_epoch, "x": expires}))


def link_url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}{PATH}{token}"


def _payload(secret: bytes, token: str) -> dict[str, Any]:
    try:
        payload = _serializer(secret).loads(token)
    except BadSignature as error:
        raise SignInLinkError("invalid", "this sign-in link is damaged or not ours") from error
    if not isinstance(payload, dict) or not {"u", "e", "x"} <= payload.keys():
        raise SignInLinkError("invalid", "this sign-in link is damaged or not ours")
    return payload


async def user_of_link(store: Store, secret: bytes, token: str, *, now: dt.datetime) -> User:
    """The user a link signs in, or SignInLinkError saying why it no longer works."""
    payload = _payload(secret, token)
    if now.timestamp() > payload["x"]:
        raise SignInLinkError("expired", "this sign-in link has expired: ask for a new one")
    user = await user_by_id(store, int(payload["u"]))
    if user is None or user.session_epoch != payload["e"]:
        raise SignInLinkError("revoked", "this sign-in link was revoked: ask for a new one")
    return user
