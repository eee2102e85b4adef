"""The open-course catalogue (assistants, school and county admins): browse, join, leave."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from coordinator import domain
from coordinator.enums import SchoolKind
from coordinator.errors import CoordinatorError, NotFoundError
from coordinator.services.catalogue.courses import Offer, catalogue
from coordinator.services.catalogue.enrol import JoinRefused, join_course, leave_course
from coordinator.services.planning.solve import solver_options
from coordinator.timetable.enrolment import Refusal
from coordinator.web.i18n import LANGUAGE, gettext_of
from coordinator.web.keys import SETTINGS, STORE
from coordinator.web.pages.access import VIEWER, Viewer, allow
from coordinator.web.pages.audience_cards import audience_cards
from coordinator.web.pages.base import N_, page_context, render, school_date
from coordinator.web.pages.config import PAGES

REASONS = {
    Refusal.NOT_OPEN: N_("This course takes only classrooms that need the subject."),
    Refusal.NOT_PLANNED: N_("The timetable does not hold this course yet."),
    Refusal.CLOSED: N_("The host closed enrolment."),
    Refusal.ALREADY: N_("This classroom takes it already."),
    Refusal.PENDING: N_("A request to join waits for approval already."),
    Refusal.GRADE: N_("It is not for this classroom's grade."),
    Refusal.SCHOOL_DAY: N_("Your school has no live lessons on that weekday."),
    Refusal.BELLS: N_("It does not fit your bell times: no live period of yours holds it."),
    Refusal.FULL: N_("No seat left."),
    Refusal.NETWORK: N_("Your network takes only smaller live classes."),
    Refusal.CLASSROOM_CLASH: N_("The classroom has another live lesson then."),
    Refusal.ASSISTANT_CLASH: N_("Its assistant has a lesson in another classroom then."),
    Refusal.NEED_CAP: N_("The classroom has all its weekly lessons of this subject already."),
    Refusal.NOT_QUALIFIED: N_("The teacher does not teach this grade."),
    Refusal.OTHER: N_("It would break a rule of the timetable."),
}
WEEKDAYS = (
    N_("courses:Mon"),
    N_("courses:Tue"),
    N_("courses:Wed"),
    N_("courses:Thu"),
    N_("courses:Fri"),
    N_("courses:Sat"),
    N_("courses:Sun"),
)


@dataclass(frozen=True, slots=True)
class Card:
    """One course as the page shows it."""

    offer: Offer
    subject: str
    teacher: str
    school: str
    weekday: str
    reasons: tuple[str, ...]

    @property
    def course_id(self) -> str:
        return self.offer.course.id

    @property
    def joined(self) -> bool:
        return self.offer.joined_from is not None


def _classrooms(viewer: Viewer) -> list[domain.Classroom]:
    """The rural classrooms the viewer answers for, by school and name."""
    directory = viewer.directory
    return sorted(
        (
            c
            for c in directory.bundle.classrooms
            if viewer.scope.sees("classroom", c.id)
            and directory.schools[c.school_id].kind == SchoolKind.RURAL
        ),
        key=lambda c: (directory.schools[c.school_id].name, c.grade, c.name),
    )


def needs_approval(request: web.Request, viewer: Viewer, classroom_id: str) -> bool:
    """Whether this viewer's joins for this classroom wait for an admin (`[catalogue]`)."""
    room = viewer.directory.classrooms.get(classroom_id)
    region = viewer.directory.schools[room.school_id].region_id if room else ""
    approving = request.app[SETTINGS].catalogue.approval_regions
    return viewer.user.role != "admin" and region in approving


def _card(request: web.Request, viewer: Viewer, offer: Offer) -> Card:
    directory, course = viewer.directory, offer.course
    teacher = directory.teachers[course.teacher_id]
    subject = directory.subjects[course.subject_id]
    zh = request[LANGUAGE] == "zh"
    return Card(
        offer,
        subject.name_zh if zh else subject.name_en,
        teacher.name,
        directory.schools[teacher.school_id].name,
        gettext_of(request, WEEKDAYS[course.weekday - 1]),
        tuple(gettext_of(request, REASONS[r]) for r in offer.verdict.refusals),
    )


def _wanted(card: Card, query: Any) -> bool:
    course = card.offer.course
    subject, weekday, grade = (
        query.get("subject", ""),
        query.get("weekday", ""),
        query.get("grade", ""),
    )
    return (
        (not subject or course.subject_id == subject)
        and (not weekday or str(course.weekday) == weekday)
        and (not grade or grade in {str(g) for g in course.grades})
    )


async def show_page(
    request: web.Request, classroom_id: str, *, message: str = "", status: int = 200
) -> web.Response:
    viewer = request[VIEWER]
    rooms = _classrooms(viewer)
    if classroom_id not in {c.id for c in rooms}:
        raise NotFoundError(f"classroom {classroom_id}: no such classroom")
    offers = await catalogue(
        request.app[STORE],
        viewer.directory.bundle,
        solver_options(request.app[SETTINGS].solver),
        classroom_id,
        today=school_date(request, request.app[PAGES].clock()),
    )
    cards = [_card(request, viewer, o) for o in offers]
    context = await page_context(request)
    context.update(
        rooms=rooms,
        schools=viewer.directory.schools,
        subjects=sorted({(c.offer.course.subject_id, c.subject) for c in cards}),
        weekdays=[(i + 1, gettext_of(request, d)) for i, d in enumerate(WEEKDAYS[:5])],
        classroom=viewer.directory.classrooms[classroom_id],
        cards=[c for c in cards if _wanted(c, request.query)],
        query=request.query,
        message=message,
        done=request.query.get("done", ""),
        approval=needs_approval(request, viewer, classroom_id),
        audience_cards=await audience_cards(
            request, viewer, viewer.directory.classrooms[classroom_id], WEEKDAYS
        ),
    )
    return render("courses.html", request, context, status=status)


@allow("assistant", "admin")
async def courses_page(request: web.Request) -> web.Response:
    rooms = _classrooms(request[VIEWER])
    default = rooms[0].id if rooms else ""
    return await show_page(request, request.query.get("classroom", default))


class BadDate(CoordinatorError):
    """The form's first date is not a date."""

    def __init__(self, value: str) -> None:
        super().__init__(f"field from: {value!r} is not a date (YYYY-MM-DD)")
        self.value = value

    def text(self, request: web.Request) -> str:
        said = gettext_of(request, "The first date %(value)s is not a date (year-month-day).")
        return said % {"value": self.value}


async def first_date(request: web.Request) -> dt.date | None:
    """The form's `from` date (None when empty); BadDate when it is not a date."""
    text = str((await request.post()).get("from", "")).strip()
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        raise BadDate(text) from None


async def _form(request: web.Request) -> tuple[str, str, dt.date | None]:
    classroom_id = str((await request.post()).get("classroom", ""))
    return request.match_info["course"], classroom_id, await first_date(request)


def back(classroom_id: str, done: str) -> web.HTTPSeeOther:
    return web.HTTPSeeOther("/courses?" + urlencode({"classroom": classroom_id, "done": done}))


@allow("assistant", "admin")
async def post_join(request: web.Request) -> web.StreamResponse:
    try:
        course, classroom_id, first = await _form(request)
    except BadDate as bad:
        classroom_id = str((await request.post()).get("classroom", ""))
        return await show_page(request, classroom_id, message=bad.text(request), status=400)
    viewer = request[VIEWER]
    now = request.app[PAGES].clock()
    approval = needs_approval(request, viewer, classroom_id)
    try:
        await join_course(
            request.app[STORE],
            viewer.directory.bundle,
            solver_options(request.app[SETTINGS].solver),
            viewer.scope,
            pinned_id=course,
            classroom_id=classroom_id,
            actor=viewer.user.username,
            now=now,
            today=school_date(request, now),
            from_date=first,
            request=approval,
            notices=request.app[SETTINGS].notifications,
        )
    except JoinRefused as refused:
        reasons = " ".join(gettext_of(request, REASONS[r]) for r in refused.refusals)
        message = gettext_of(request, "Not joined: %(reasons)s") % {"reasons": reasons}
        return await show_page(request, classroom_id, message=message, status=409)
    raise back(classroom_id, "requested" if approval else "joined")


@allow("assistant", "admin")
async def post_leave(request: web.Request) -> web.StreamResponse:
    try:
        course, classroom_id, first = await _form(request)
    except BadDate as bad:
        classroom_id = str((await request.post()).get("classroom", ""))
        return await show_page(request, classroom_id, message=bad.text(request), status=400)
    viewer = request[VIEWER]
    now = request.app[PAGES].clock()
    await leave_course(
        request.app[STORE],
        viewer.directory.bundle,
        viewer.scope,
        pinned_id=course,
        classroom_id=classroom_id,
        actor=viewer.user.username,
        now=now,
        today=school_date(request, now),
        from_date=first,
        notices=request.app[SETTINGS].notifications,
    )
    raise back(classroom_id, "left")


def routes() -> list[web.RouteDef]:
    return [
        web.get("/courses", courses_page),
        web.post("/courses/{course}/join", post_join),
        web.post("/courses/{course}/leave", post_leave),
    ]
