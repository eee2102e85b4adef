"""Joining an open course for a classroom's parents or a school's teachers, and leaving it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web

from coordinator.enums import AudienceKind
from coordinator.errors import NotFoundError
from coordinator.services.catalogue.audiences import join_audience, leave_audience
from coordinator.services.catalogue.enrol import JoinRefused
from coordinator.web.i18n import gettext_of
from coordinator.web.keys import SETTINGS, STORE
from coordinator.web.pages.access import VIEWER, allow
from coordinator.web.pages.audience_cards import may_join_for, refusal_text
from coordinator.web.pages.base import school_date
from coordinator.web.pages.config import PAGES
from coordinator.web.pages.courses import BadDate, back, first_date, show_page


async def _form(request: web.Request) -> tuple[str, AudienceKind, str, str]:
    """The course, the audience (kind, id) and the classroom whose page to go back to."""
    form = await request.post()
    kind = str(form.get("kind", ""))
    if kind not in {k.value for k in (AudienceKind.CLASSROOM, AudienceKind.SCHOOL)}:
        raise NotFoundError(f"audience kind {kind!r}: expected classroom or school")
    audience = str(form.get("audience", ""))
    if not may_join_for(request[VIEWER], AudienceKind(kind), audience):
        raise NotFoundError(f"{kind} {audience}: no such {kind}")
    return request.match_info["course"], AudienceKind(kind), audience, str(form.get("classroom"))


async def _change(
    request: web.Request, change: Callable[..., Awaitable[object]], done: str
) -> web.StreamResponse:
    """Join or leave (the same arguments, the same refusals), then back to the classroom."""
    course, kind, audience, classroom_id = await _form(request)
    viewer, now = request[VIEWER], request.app[PAGES].clock()
    try:
        await change(
            request.app[STORE],
            viewer.directory.bundle,
            viewer.scope,
            pinned_id=course,
            kind=kind,
            audience_id=audience,
            actor=viewer.user.username,
            now=now,
            today=school_date(request, now),
            from_date=await first_date(request),
            notices=request.app[SETTINGS].notifications,
        )
    except BadDate as bad:
        return await show_page(request, classroom_id, message=bad.text(request), status=400)
    except JoinRefused as refused:
        reasons = " ".join(refusal_text(request, r) for r in refused.refusals)
        message = gettext_of(request, "Not joined: %(reasons)s") % {"reasons": reasons}
        return await show_page(request, classroom_id, message=message, status=409)
    raise back(classroom_id, done)


@allow("assistant", "admin")
async def post_audience_join(request: web.Request) -> web.StreamResponse:
    return await _change(request, join_audience, "audience_joined")


@allow("assistant", "admin")
async def post_audience_leave(request: web.Request) -> web.StreamResponse:
    return await _change(request, leave_audience, "audience_left")


def routes() -> list[web.RouteDef]:
    return [
        web.post("/courses/{course}/audience/join", post_audience_join),
        web.post("/courses/{course}/audience/leave", post_audience_leave),
    ]
