"""The open courses offered to one classroom, each with seats, dates and whether it fits.

A classroom is offered the open pinned sessions of network teachers in its county (region) or
in an alliance its school belongs to. Each is judged by `timetable.enrolment.judge` against the
weekly timetable with every current self-enrolment laid in; its dates are the ones the
classroom's own school calendar would give it (holidays and 调休 applied) to the term's end.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from dataclasses import dataclass

from sqlmodel import col, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from coordinator import domain, models
from coordinator.calendar import expand_sessions
from coordinator.enums import CourseAudience
from coordinator.services.lessons.dated import last_term_day, weekly_sessions
from coordinator.services.lessons.enrolled import ACTIVE, REQUESTED, Enrolment, lay_enrolments
from coordinator.services.planning.plans import lesson_keys, load_plan
from coordinator.store import Store
from coordinator.timetable.build import build_problem
from coordinator.timetable.enrolment import Verdict, broken_rules, course_session, judge
from coordinator.timetable.options import SolverOptions
from coordinator.timetable.plan import Plan


@dataclass(frozen=True, slots=True)
class Offer:
    """One open course as a classroom sees it in the catalogue."""

    course: domain.PinnedSession
    verdict: Verdict
    dates: tuple[dt.date, ...]  # the dates this classroom takes or would take it, from today
    joined_from: dt.date | None  # its own current enrolment, None if it has none
    by_timetable: bool  # the timetable itself put the classroom in the course
    requested: bool = False  # its request to join waits for an admin's approval


@dataclass(frozen=True, slots=True)
class Weekly:
    """The active weekly plan with the current self-enrolments, and each course's state."""

    plan: Plan
    enrolments: tuple[Enrolment, ...]
    courses: dict[str, models.OpenCourseRow]
    timetable: dict[str, tuple[str, ...]]  # pinned id -> classrooms the timetable put there
    requested: frozenset[tuple[str, str]] = frozenset()  # (course, classroom) awaiting approval


def offered_to(bundle: domain.Bundle, classroom_id: str) -> list[domain.PinnedSession]:
    """Open pinned sessions of teachers in the classroom's region or one of its alliances."""
    room = next((c for c in bundle.classrooms if c.id == classroom_id), None)
    if room is None:
        return []
    return offered_near(bundle, room.school_id, CourseAudience.CLASSES)


def offered_near(
    bundle: domain.Bundle, school_id: str, audience: CourseAudience
) -> list[domain.PinnedSession]:
    """Open courses for `audience` of teachers in the school's region or its alliances."""
    home = next((s for s in bundle.schools if s.id == school_id), None)
    if home is None:
        return []
    alliances = {m.alliance_id for m in bundle.alliance_members if m.school_id == home.id}
    near = {s.id for s in bundle.schools if s.region_id == home.region_id}
    near |= {m.school_id for m in bundle.alliance_members if m.alliance_id in alliances}
    near |= {a.lead_school_id for a in bundle.alliances if a.id in alliances}
    teacher_school = {t.id: t.school_id for t in bundle.network_teachers}
    return [
        p
        for p in sorted(bundle.pinned_sessions, key=lambda p: (p.weekday, p.start, p.id))
        if p.open and p.audience == audience and teacher_school.get(p.teacher_id) in near
    ]


async def weekly_state(session: AsyncSession, today: dt.date) -> Weekly:
    """The plan joins are judged against: enrolments that hold a date from today on."""
    version_id, plan = await load_plan(session)
    keys = await lesson_keys(session, version_id)
    query = select(models.EnrolmentRow).where(
        col(models.EnrolmentRow.status).in_([ACTIVE, REQUESTED]),
        or_(
            col(models.EnrolmentRow.left_from).is_(None),
            col(models.EnrolmentRow.left_from) > today,
        ),
    )
    rows = (await session.exec(query)).all()
    requested = frozenset((r.pinned_id, r.classroom_id) for r in rows if r.status == REQUESTED)
    rows = [r for r in rows if r.status == ACTIVE]
    enrolments = tuple(
        Enrolment(r.pinned_id, r.classroom_id, r.joined_from, r.left_from) for r in rows
    )
    timetable = {s.pinned_id: s.classroom_ids for s in plan.sessions if s.pinned_id}
    laid, _ = lay_enrolments(plan, keys, enrolments)
    courses = {c.pinned_id: c for c in (await session.exec(select(models.OpenCourseRow))).all()}
    return Weekly(laid, enrolments, courses, timetable, requested)


def verdict_for(
    bundle: domain.Bundle, options: SolverOptions, weekly: Weekly, pinned_id: str, classroom_id: str
) -> Verdict:
    course = weekly.courses.get(pinned_id)
    return judge(
        build_problem(bundle, options),
        weekly.plan,
        pinned_id,
        classroom_id,
        closed=bool(course and course.closed),
        cap=course.cap if course else None,
    )


def course_dates(
    bundle: domain.Bundle, plan: Plan, pinned_id: str, classroom_id: str, today: dt.date
) -> tuple[dt.date, ...]:
    """The dates the classroom's own calendar gives the course from today to the term's end."""
    session = course_session(plan, pinned_id)
    if session is None:
        return ()
    alone = dataclasses.replace(session, classroom_ids=(classroom_id,))
    weekly = weekly_sessions(bundle, dataclasses.replace(plan, sessions=(alone,)))
    lessons = expand_sessions(weekly, today, last_term_day(bundle, today))
    return tuple(x.date for x in lessons if classroom_id in x.classroom_ids)


async def catalogue(
    store: Store,
    bundle: domain.Bundle,
    options: SolverOptions,
    classroom_id: str,
    *,
    today: dt.date,
) -> list[Offer]:
    """The classroom's offers: those it may join first, then those it takes, then the rest."""
    async with store.read() as session:
        weekly = await weekly_state(session, today)
    problem = build_problem(bundle, options)
    broken = functools.cache(lambda: broken_rules(problem, weekly.plan))
    offers = []
    for course in offered_to(bundle, classroom_id):
        state = weekly.courses.get(course.id)
        verdict = judge(
            problem,
            weekly.plan,
            course.id,
            classroom_id,
            closed=bool(state and state.closed),
            cap=state.cap if state else None,
            broken=broken,
        )
        own = [
            e
            for e in weekly.enrolments
            if (e.pinned_id, e.classroom_id) == (course.id, classroom_id)
        ]
        offers.append(
            Offer(
                course,
                verdict,
                course_dates(bundle, weekly.plan, course.id, classroom_id, today),
                min((e.joined_from for e in own), default=None),
                classroom_id in weekly.timetable.get(course.id, ()),
                (course.id, classroom_id) in weekly.requested,
            )
        )
    return sorted(
        offers, key=lambda o: (not o.verdict.fits, o.joined_from is None and not o.by_timetable)
    )
