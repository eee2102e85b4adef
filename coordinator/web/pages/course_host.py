"""An open course's host page (admins): who takes it, since when, attendance; enrolment."""

from __future__ import annotations

from urllib.parse import quote

from aiohttp import web

from coordinator.services.catalogue.enrol import JoinRefused
from coordinator.services.catalogue.host import EnrolmentSettingError, host_view, set_enrolment
from coordinator.services.catalogue.requests import decide_request, pending_requests
from coordinator.services.planning.solve import solver_options
from coordinator.web.i18n import LANGUAGE, gettext_of
from coordinator.web.keys import SETTINGS, STORE
from coordinator.web.pages.access import VIEWER, allow
from coordinator.web.pages.base import page_context, render, school_date
from coordinator.web.pages.config import PAGES
from coordinator.web.pages.courses import REASONS


def host_path(course_id: str) -> str:
    return f"/courses/{quote(course_id)}/host"


async def _page(request: web.Request, *, message: str = "", status: int = 200) -> web.Response:
    viewer = request[VIEWER]
    view = await host_view(
        request.app[STORE],
        viewer.directory.bundle,
        viewer.scope,
        request.match_info["course"],
        today=school_date(request, request.app[PAGES].clock()),
    )
    directory = viewer.directory
    subject = directory.subjects[view.course.subject_id]
    context = await page_context(request)
    context.update(
        view=view,
        subject=subject.name_zh if request[LANGUAGE] == "zh" else subject.name_en,
        teacher=directory.teachers[view.course.teacher_id],
        classrooms=directory.classrooms,
        schools=directory.schools,
        message=message,
        done=request.query.get("done", ""),
    )
    return render("course_host.html", request, context, status=status)


@allow("admin")
async def host_page(request: web.Request) -> web.Response:
    return await _page(request)


@allow("admin")
async def post_enrolment(request: web.Request) -> web.StreamResponse:
    """Close or open enrolment, and the cap (empty: the session's capacity)."""
    form = await request.post()
    text = str(form.get("cap", "")).strip()
    if text and not text.isdigit():
        message = gettext_of(request, "Cap: write a whole number of classrooms, or leave it empty.")
        return await _page(request, message=message, status=400)
    viewer = request[VIEWER]
    course = request.match_info["course"]
    try:
        await set_enrolment(
            request.app[STORE],
            viewer.directory.bundle,
            viewer.scope,
            course,
            closed=form.get("closed") == "yes",
            cap=int(text) if text else None,
            actor=viewer.user.username,
            now=request.app[PAGES].clock(),
        )
    except EnrolmentSettingError:
        message = gettext_of(request, "Cap: between 1 and the course's capacity.")
        return await _page(request, message=message, status=400)
    raise web.HTTPSeeOther(host_path(course) + "?done=saved")


async def _requests(request: web.Request, *, message: str = "", status: int = 200) -> web.Response:
    """Requests to join waiting for this admin (counties that approve joins)."""
    viewer = request[VIEWER]
    pending = await pending_requests(request.app[STORE], viewer.scope)
    directory = viewer.directory
    courses = {p.id: p for p in directory.bundle.pinned_sessions}
    context = await page_context(request)
    context.update(
        pending=pending,
        courses=courses,
        subjects=directory.subjects,
        teachers=directory.teachers,
        classrooms=directory.classrooms,
        schools=directory.schools,
        message=message,
        done=request.query.get("done", ""),
    )
    return render("course_requests.html", request, context, status=status)


@allow("admin")
async def requests_page(request: web.Request) -> web.Response:
    return await _requests(request)


@allow("admin")
async def post_decision(request: web.Request) -> web.StreamResponse:
    """Approve (checked again) or refuse one request."""
    viewer = request[VIEWER]
    now = request.app[PAGES].clock()
    decision = request.match_info["decision"]
    try:
        await decide_request(
            request.app[STORE],
            viewer.directory.bundle,
            solver_options(request.app[SETTINGS].solver),
            viewer.scope,
            int(request.match_info["id"]),
            approve=decision == "approve",
            actor=viewer.user.username,
            now=now,
            today=school_date(request, now),
            notices=request.app[SETTINGS].notifications,
        )
    except JoinRefused as refused:
        reasons = " ".join(gettext_of(request, REASONS[r]) for r in refused.refusals)
        message = gettext_of(request, "Not joined: %(reasons)s") % {"reasons": reasons}
        return await _requests(request, message=message, status=409)
    raise web.HTTPSeeOther(f"/courses/requests?done={decision}")


def routes() -> list[web.RouteDef]:
    return [
        web.get("/courses/requests", requests_page),
        web.post(r"/courses/requests/{id:\d+}/{decision:approve|refuse}", post_decision),
        web.get("/courses/{course}/host", host_page),
        web.post("/courses/{course}/enrolment", post_enrolment),
    ]
