"""Who may open a page: signed in, the right role, and the object in the user's scope."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote, unquote, urlsplit

from aiohttp import web
from aiohttp.typedefs import Handler

from coordinator.services.accounts.users import DirectoryCache, Scope, User, scope_of
from coordinator.services.data.directory import Directory
from coordinator.web.session import current_user

ALL_ROLES = ("admin", "teacher", "assistant")


@dataclass(frozen=True, slots=True)
class Viewer:
    user: User
    scope: Scope
    directory: Directory

    @property
    def region_admin(self) -> bool:
        return self.user.role == "admin" and self.user.scope_kind == "region"


VIEWER = web.RequestKey("viewer", Viewer)
DIRECTORY = web.AppKey("pages_directory", DirectoryCache)


def home_of(user: User) -> str:
    """Where a user lands after signing in."""
    if user.role == "admin":
        return "/today"
    if user.role == "teacher":
        return f"/teachers/{quote(user.scope_id)}"
    return "/assistant"  # the phone page: today's lessons, check in, the outbox


def safe_next(target: str | None, default: str) -> str:
    """Only same-site paths: never an open redirect to another site.

    Browsers drop tabs and line breaks from addresses and read a backslash as a slash, and a
    path may be percent-encoded again, so the check runs on the address as a browser would
    read it: it must start with one slash and name neither a scheme nor a host.
    """
    if not target or any(ord(char) < 0x20 or ord(char) == 0x7F for char in target):
        return default
    probe = target
    for _ in range(3):  # "%252F" is "%2F" is "/"
        probe = unquote(probe)
    probe = re.sub(r"[\x00-\x1f\x7f]", "", probe).replace("\\", "/")
    parts = urlsplit(probe)
    if not probe.startswith("/") or probe.startswith("//") or parts.scheme or parts.netloc:
        return default
    return target


def allow(*roles: str, region_only: bool = False) -> Callable[[Handler], Handler]:
    """Sign-in required (pages redirect, JSON answers 401); other roles get 403."""

    def decorate(handler: Handler) -> Handler:
        @functools.wraps(handler)
        async def guarded(request: web.Request) -> web.StreamResponse:
            user = await current_user(request)
            if user is None:
                if request.path.endswith(".json"):
                    raise web.HTTPUnauthorized(text="sign in first\n")
                raise web.HTTPSeeOther(f"/signin?next={quote(request.path_qs)}")
            if user.role not in roles:
                raise web.HTTPForbidden()
            directory = await request.app[DIRECTORY].directory()
            viewer = Viewer(user, scope_of(user, directory), directory)
            if region_only and not viewer.region_admin:
                raise web.HTTPForbidden()
            request[VIEWER] = viewer
            return await handler(request)

        return guarded

    return decorate


def require_object(viewer: Viewer, kind: str, object_id: str) -> None:
    """404 for an object outside the scope, exactly as for one that does not exist."""
    if not viewer.scope.sees(kind, object_id):
        raise web.HTTPNotFound()
