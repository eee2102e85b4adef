"""Rebalance: name an event, read the solver's minimal change, apply or discard it.

The proposal stays on the server between preview and apply (rebalance_cache.py), bound to the
admin who made it. Apply posts the fields again with the proposal's digest; when this process
does not hold the proposal (another worker process, a restart) it is made again from those
fields, checked like a new one, and applied only if it is exactly what the admin saw;
otherwise the new proposal is shown. Nothing the browser sends is trusted beyond naming what
to do.

Who may rebalance: any admin, for teachers and classrooms in their scope, and only when the
proposal changes nothing outside it. A proposal that would change lessons of other schools is
shown with those lessons counted but not named, and cannot be applied from that account.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from aiohttp import web
from aiohttp_session import get_session

from coordinator.errors import CoordinatorError, NotFoundError
from coordinator.services.planning.plans import load_plan
from coordinator.services.rebalancing.proposals import (
    OverlapError,
    RebalancePreview,
    StalePreviewError,
    apply_rebalance,
    preview_rebalance,
)
from coordinator.timetable.plan import Plan
from coordinator.web.i18n import LANGUAGE, translator
from coordinator.web.keys import SETTINGS, STORE
from coordinator.web.pages.access import VIEWER, Viewer, allow
from coordinator.web.pages.base import N_, page_context, render, school_date
from coordinator.web.pages.config import PAGES
from coordinator.web.pages.rebalance_cache import KEEP_S, Kept, PreviewCache
from coordinator.web.pages.rebalance_choices import choices_for
from coordinator.web.pages.rebalance_form import (
    REASONS,
    ChangeRequest,
    FormErrors,
    Parsed,
    parse,
    prefill,
)
from coordinator.web.pages.rebalance_names import weekday_names
from coordinator.web.pages.rebalance_view import (
    DATED_KINDS,
    WEEKLY_KINDS,
    digest,
    preview_view,
    touched,
)

APPLIED = "rebalance_applied"  # the session key of the last apply's summary
OUTSIDE = N_(
    "This proposal changes lessons outside your scope. Ask an admin whose scope covers every "
    "school involved (the region's admin) to make this change."
)
STALE = N_(
    "The timetable or the data changed after this preview (another change was applied, or "
    "data was imported). Nothing was stored: preview the change again."
)
OVERLAP = N_(
    "A temporary change already holds from %(first)s to %(last)s (%(note)s). Another one on "
    "the same dates would undo it there: choose other dates, or make the change from now on."
)
NO_PLAN = N_("There is no timetable yet: solve and publish one first.")
DIFFERS = N_("The proposal was made again and differs from the one you saw.")


def _gettext(request: web.Request, message: str) -> str:
    return translator(request).gettext(message)


async def _plan(request: web.Request) -> Plan | None:
    try:
        async with request.app[STORE].read() as session:
            return (await load_plan(session))[1]
    except NotFoundError:
        return None


def _outside(viewer: Viewer, proposal: RebalancePreview) -> bool:
    teachers, classrooms = touched(proposal)
    scope = viewer.scope
    return not (teachers <= scope.teachers and classrooms <= scope.classrooms)


async def _form_page(
    request: web.Request,
    values: ChangeRequest,
    *,
    errors: dict[str, str] | None = None,
    error: str = "",
    again: ChangeRequest | None = None,
    status: int = 200,
) -> web.Response:
    """The forms, with the values typed, the errors by field, and any message on top."""
    now, lang = request.app[PAGES].clock(), request[LANGUAGE]
    plan = await _plan(request)
    context = await page_context(request)
    context.update(
        values=values,
        errors=errors or {},
        error=error,
        again=again,
        has_plan=plan is not None,
        choices=choices_for(request[VIEWER], lang, plan),
        reasons=REASONS,
        weekdays=weekday_names(lang),
        today=school_date(request, now),
        shortcuts=week_shortcuts(school_date(request, now)),
        applied=await _applied(request),
        discarded="discarded" in request.query,
    )
    return render("rebalance.html", request, context, status=status)


def week_shortcuts(today: dt.date) -> dict[str, tuple[str, str]]:
    """The dates "this week" (today to Sunday: the past cannot change) and "next week" fill."""
    sunday = today + dt.timedelta(days=6 - today.weekday())
    following = sunday + dt.timedelta(days=7)
    return {
        N_("This week"): (today.isoformat(), sunday.isoformat()),
        N_("Next week"): ((sunday + dt.timedelta(days=1)).isoformat(), following.isoformat()),
    }


async def _applied(request: web.Request) -> dict[str, Any] | None:
    """The summary of the apply this user just made (shown after its redirect)."""
    summary = (await get_session(request)).get(APPLIED)
    if not isinstance(summary, dict) or str(summary.get("version")) != request.query.get("applied"):
        return None
    viewer = request[VIEWER]
    directory, scope = viewer.directory, viewer.scope
    teachers = [t for t in summary["teachers"] if t in scope.teachers]
    rooms = [c for c in summary["classrooms"] if c in scope.classrooms]
    return {
        **summary,
        "teacher_names": [(t, directory.teachers[t].name) for t in teachers],
        "classroom_names": [(c, directory.owner_name_of_classroom(c)) for c in rooms],
    }


class RebalancePages:
    """The handlers, sharing one cache of proposals per application."""

    def __init__(self) -> None:
        self.previews = PreviewCache()

    async def page(self, request: web.Request) -> web.Response:
        viewer, now = request[VIEWER], request.app[PAGES].clock()
        return await _form_page(request, prefill(request, viewer, school_date(request, now)))

    async def preview(self, request: web.Request) -> web.Response:
        parsed = await self._parsed(request)
        if isinstance(parsed, web.Response):
            return parsed
        proposal = await self._propose(request, parsed)
        if isinstance(proposal, web.Response):
            return proposal
        return await self._show(request, parsed, proposal)

    async def apply(self, request: web.Request) -> web.StreamResponse:
        parsed = await self._parsed(request)
        if isinstance(parsed, web.Response):
            return parsed
        form = await request.post()
        viewer, sent = request[VIEWER], str(form.get("digest", ""))
        kept = self.previews.take(str(form.get("preview", "")), viewer.user.id)
        if kept is not None and kept.digest == sent:
            parsed, proposal = kept.parsed, kept.preview
        else:  # made in another process, or not what was shown: make it again
            made = await self._propose(request, parsed)
            if isinstance(made, web.Response):
                return made
            proposal = made
        if _outside(viewer, proposal):
            error = _gettext(request, OUTSIDE)
            return await _form_page(request, parsed.request, error=error, status=403)
        if digest(proposal) != sent:
            notice = _gettext(request, DIFFERS)
            return await self._show(request, parsed, proposal, notice=notice, status=409)
        return await self._apply(request, parsed, proposal)

    async def back(self, _request: web.Request) -> web.StreamResponse:
        """A step's address opened directly (e.g. after switching language): the forms."""
        raise web.HTTPSeeOther("/rebalance")

    async def discard(self, request: web.Request) -> web.StreamResponse:
        form = await request.post()
        self.previews.take(str(form.get("preview", "")), request[VIEWER].user.id)
        raise web.HTTPSeeOther("/rebalance?discarded=1")

    async def _parsed(self, request: web.Request) -> Parsed | web.Response:
        """The change the form names, or the forms again with each field's error (400)."""
        form = await request.post()
        now = request.app[PAGES].clock()
        try:
            return parse(form, request[VIEWER], school_date(request, now), await _plan(request))
        except FormErrors as problem:
            gettext = translator(request).gettext
            errors = {
                name: gettext(message)
                % {k: gettext(v) if isinstance(v, str) else v for k, v in values.items()}
                for name, (message, values) in problem.errors.items()
            }
            error = errors.pop("kind", "") or gettext("Check the fields marked below.")
            values = ChangeRequest.of(form)
            return await _form_page(request, values, errors=errors, error=error, status=400)

    async def _propose(
        self, request: web.Request, parsed: Parsed
    ) -> RebalancePreview | web.Response:
        """The solver's proposal (it runs in a thread), or the forms with why there is none."""
        now = request.app[PAGES].clock()
        try:
            return await preview_rebalance(
                request.app[STORE],
                request.app[SETTINGS].solver,
                parsed.change,
                parsed.dates,
                today=school_date(request, now),
            )
        except OverlapError as overlap:
            held = overlap.held
            values = {"first": held.first, "last": held.last, "note": held.note}
            error, status = _gettext(request, OVERLAP) % values, 409
        except NotFoundError:
            error, status = _gettext(request, NO_PLAN), 409
        except CoordinatorError as problem:
            error, status = f"{_gettext(request, 'No proposal:')} {problem}", 400
        return await _form_page(request, parsed.request, error=error, status=status)

    async def _show(
        self,
        request: web.Request,
        parsed: Parsed,
        proposal: RebalancePreview,
        *,
        notice: str = "",
        status: int = 200,
    ) -> web.Response:
        """The proposal in names, kept for Apply."""
        viewer, now = request[VIEWER], request.app[PAGES].clock()
        today, fingerprint = school_date(request, now), digest(proposal)
        kept = Kept(viewer.user.id, time.monotonic(), proposal, parsed, fingerprint)
        gettext = translator(request).gettext
        view = preview_view(
            proposal, viewer, lang=request[LANGUAGE], gettext=gettext, now=now, today=today
        )
        context = await page_context(request)
        context.update(
            view=view,
            preview_id=self.previews.put(kept),
            digest=fingerprint,
            hidden=parsed.request.hidden(),
            reason=REASONS.get(parsed.request.reason, "")
            if parsed.request.kind == "teacher"
            else "",
            notice=notice,
            dated_kinds=DATED_KINDS,
            weekly_kinds=WEEKLY_KINDS,
            keep_minutes=KEEP_S // 60,
            week=(proposal.dates[0] if proposal.dates else today).isoformat(),
        )
        return render("rebalance_preview.html", request, context, status=status)

    async def _apply(
        self, request: web.Request, parsed: Parsed, proposal: RebalancePreview
    ) -> web.StreamResponse:
        """Store it (audited), then show the outcome after a redirect."""
        viewer, now = request[VIEWER], request.app[PAGES].clock()
        try:
            applied = await apply_rebalance(
                request.app[STORE],
                proposal,
                now=now,
                today=school_date(request, now),
                actor=viewer.user.username,
                note=parsed.note,
            )
        except StalePreviewError:
            error, again = _gettext(request, STALE), parsed.request
            return await _form_page(request, again, error=error, again=again, status=409)
        teachers, classrooms = touched(proposal)
        lessons = applied.lessons
        week = proposal.dates[0] if proposal.dates else school_date(request, now)
        session = await get_session(request)
        session[APPLIED] = {
            "version": applied.version_id,
            "base": proposal.base_version_id,
            "dates": [d.isoformat() for d in proposal.dates] if proposal.dates else None,
            "lessons": {
                "changed": len(lessons.changed),
                "cancelled": len(lessons.cancelled),
                "added": len(lessons.added),
            },
            "teachers": sorted(teachers),
            "classrooms": sorted(classrooms),
            "week": week.isoformat(),
        }
        raise web.HTTPSeeOther(f"/rebalance?applied={applied.version_id}")


def routes() -> list[web.RouteDef]:
    pages, admin = RebalancePages(), allow("admin")
    return [
        web.get("/rebalance", admin(pages.page)),
        web.post("/rebalance/preview", admin(pages.preview)),
        web.post("/rebalance/apply", admin(pages.apply)),
        web.post("/rebalance/discard", admin(pages.discard)),
        web.get("/rebalance/{step:preview|apply|discard}", admin(pages.back)),
    ]
