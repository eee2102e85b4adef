"""Open courses for teachers (a school joins) and parents (a classroom joins): rules, feeds."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt

import pytest
from icalendar import Calendar
from sqlmodel import select

from coordinator import domain, models
from coordinator.enums import AudienceKind, CourseAudience
from coordinator.errors import NotFoundError
from coordinator.services.accounts.users import Scope, User, scope_of
from coordinator.services.catalogue.audiences import (
    audience_catalogue,
    join_audience,
    leave_audience,
)
from coordinator.services.catalogue.courses import catalogue
from coordinator.services.catalogue.enrol import JoinRefused
from coordinator.services.catalogue.host import host_view, set_enrolment
from coordinator.services.data.directory import Directory
from coordinator.services.data.imports import load_bundle
from coordinator.services.feeds.render import render_feed
from coordinator.services.feeds.tokens import FeedOwner
from coordinator.store import Store
from coordinator.timetable.build import build_problem
from coordinator.timetable.enrolment import Refusal
from tests.services.catalogue.support import TODAY, arrange, catalogue_county, options
from tests.web.pages.support import NOW, settings

LATER = NOW + dt.timedelta(hours=1)
TRAINING = "p-training"  # Wednesdays 16:00-17:00, 王丽, for a school's teachers
PARENTS = "p-parents"  # Fridays 19:00-20:00, 陈明, for a third-grade classroom's parents
FRIDAYS = [dt.date(2026, 11, 27), dt.date(2026, 12, 4), dt.date(2026, 12, 11)]


def audience_county(*, parents_capacity: int = 8) -> domain.Bundle:
    bundle = catalogue_county()
    t = dt.time
    training = domain.PinnedSession(
        TRAINING, "t-wang", "music", 3, t(16), t(17), (1, 2, 3, 4, 5, 6), 8, open=True,
        note="音乐教师培训", audience=CourseAudience.TEACHERS,
    )  # fmt: skip
    parents = domain.PinnedSession(
        PARENTS, "t-chen", "art", 5, t(19), t(20), (3,), parents_capacity, open=True,
        audience=CourseAudience.PARENTS,
    )  # fmt: skip
    return dataclasses.replace(bundle, pinned_sessions=(*bundle.pinned_sessions, training, parents))


def admin(bundle: domain.Bundle) -> Scope:
    return scope_of(User(1, "admin", "admin", "region", "xiao", "zh", 0), Directory.of(bundle))


async def join(
    store: Store,
    bundle: domain.Bundle,
    course: str,
    kind: AudienceKind,
    audience_id: str,
    from_date: dt.date | None = None,
) -> dt.date:
    return await join_audience(
        store,
        bundle,
        admin(bundle),
        pinned_id=course,
        kind=kind,
        audience_id=audience_id,
        actor="admin",
        now=LATER,
        today=TODAY,
        from_date=from_date,
    )


async def events(
    store: Store, bundle: domain.Bundle, owner: str, course: str
) -> dict[dt.date, str]:
    """Date -> summary of the owner's feed events of the course (not lessons)."""
    rendered = await render_feed(
        store,
        Directory.of(bundle),
        FeedOwner.parse(owner),
        "zh",
        now=LATER,
        today=TODAY,
        streams=settings().streams,
    )
    return {
        event.decoded("DTSTART").date(): str(event["SUMMARY"])
        for event in Calendar.from_ical(rendered.body).walk("VEVENT")
        if str(event["UID"]).startswith(f"event-{course}.")
    }


async def test_audience_column_survives_the_store_and_the_solver_leaves_it_empty(
    store: Store,
) -> None:
    bundle = await arrange(store, audience_county())
    stored = await load_bundle(store)
    audiences = {p.id: p.audience for p in stored.pinned_sessions}
    assert audiences[TRAINING] is CourseAudience.TEACHERS
    assert audiences[PARENTS] is CourseAudience.PARENTS
    assert audiences["p-open-music"] is CourseAudience.CLASSES
    problem = build_problem(bundle, options())
    joins = {p.id: problem.joins[i] for i, p in enumerate(problem.pinned)}
    assert joins[TRAINING] == ()
    assert joins[PARENTS] == ()
    assert joins["p-open-music"] != ()


async def test_classrooms_are_not_offered_courses_for_teachers_or_parents(store: Store) -> None:
    bundle = await arrange(store, audience_county())
    offers = await catalogue(store, bundle, options(), "c-north-3", today=TODAY)
    assert [o.course.id for o in offers] == ["p-open-music"]
    (school,) = await audience_catalogue(store, bundle, AudienceKind.SCHOOL, "r-north", today=TODAY)
    assert (school.course.id, school.verdict.fits, school.verdict.seats_left) == (TRAINING, True, 8)
    (parent,) = await audience_catalogue(
        store, bundle, AudienceKind.CLASSROOM, "c-north-3", today=TODAY
    )
    assert (parent.course.id, parent.verdict.fits) == (PARENTS, True)
    (other,) = await audience_catalogue(
        store, bundle, AudienceKind.CLASSROOM, "c-south-4", today=TODAY
    )
    assert other.verdict.refusals == (Refusal.GRADE,)


async def test_school_joining_training_puts_it_in_that_schools_feeds_only(store: Store) -> None:
    bundle = await arrange(store, audience_county())
    assert await join(store, bundle, TRAINING, AudienceKind.SCHOOL, "r-north") == TODAY
    school = await events(store, bundle, "school:r-north", TRAINING)
    assert school[dt.date(2026, 11, 25)] == "【培训】音乐 · 音乐教师培训"
    assert all(date.isoweekday() == 3 for date in school)
    assert await events(store, bundle, "school:r-south", TRAINING) == {}
    assert await events(store, bundle, "classroom:c-south-4", TRAINING) == {}
    async with store.read() as session:
        (audit,) = (
            await session.exec(
                select(models.AuditRow).where(models.AuditRow.action == "course.join")
            )
        ).all()
    assert (audit.object_kind, audit.object_id) == ("school", "r-north")


async def test_parents_class_follows_the_classrooms_calendar_and_leaving(store: Store) -> None:
    bundle = await arrange(store, audience_county())
    await join(store, bundle, PARENTS, AudienceKind.CLASSROOM, "c-west-3")
    dates = sorted(await events(store, bundle, "classroom:c-west-3", PARENTS))
    assert dates[:2] == FRIDAYS[1:]  # 27 November: 西村 is closed (停电)
    assert (await events(store, bundle, "classroom:c-west-3", PARENTS))[FRIDAYS[1]].startswith(
        "【家长课堂】"
    )
    await leave_audience(
        store,
        bundle,
        admin(bundle),
        pinned_id=PARENTS,
        kind=AudienceKind.CLASSROOM,
        audience_id="c-west-3",
        actor="admin",
        now=LATER,
        today=TODAY,
        from_date=FRIDAYS[2],
    )
    assert sorted(await events(store, bundle, "classroom:c-west-3", PARENTS)) == [FRIDAYS[1]]


async def test_full_or_unreachable_course_refuses_an_audience(store: Store) -> None:
    bundle = await arrange(store, audience_county(parents_capacity=1))
    await join(store, bundle, PARENTS, AudienceKind.CLASSROOM, "c-east-3")
    with pytest.raises(JoinRefused) as refused:
        await join(store, bundle, PARENTS, AudienceKind.CLASSROOM, "c-west-3")
    assert refused.value.refusals == (Refusal.FULL,)
    with pytest.raises(JoinRefused) as again:
        await join(store, bundle, PARENTS, AudienceKind.CLASSROOM, "c-east-3")
    assert again.value.refusals == (Refusal.ALREADY,)
    with pytest.raises(NotFoundError):  # a classroom's parents do not take teacher training
        await join(store, bundle, TRAINING, AudienceKind.CLASSROOM, "c-north-3")
    with pytest.raises(NotFoundError):  # another county's classroom
        await join(store, bundle, PARENTS, AudienceKind.CLASSROOM, "c-far")


async def test_two_classrooms_racing_for_the_last_parent_seat_end_with_one(store: Store) -> None:
    bundle = await arrange(store, audience_county(parents_capacity=1))
    results = await asyncio.gather(
        join(store, bundle, PARENTS, AudienceKind.CLASSROOM, "c-east-3"),
        join(store, bundle, PARENTS, AudienceKind.CLASSROOM, "c-north-3"),
        return_exceptions=True,
    )
    refused = [r for r in results if isinstance(r, JoinRefused)]
    assert len(refused) == 1, results
    assert refused[0].refusals == (Refusal.FULL,)
    async with store.read() as session:
        rows = (await session.exec(select(models.AudienceEnrolmentRow))).all()
    assert len(rows) == 1


async def test_host_closing_or_capping_holds_for_audiences_too(store: Store) -> None:
    bundle = await arrange(store, audience_county())
    await set_enrolment(
        store, bundle, admin(bundle), TRAINING, closed=True, cap=None, actor="admin", now=LATER
    )
    (offer,) = await audience_catalogue(store, bundle, AudienceKind.SCHOOL, "r-north", today=TODAY)
    assert offer.verdict.refusals == (Refusal.CLOSED,)
    await set_enrolment(
        store, bundle, admin(bundle), TRAINING, closed=False, cap=1, actor="admin", now=LATER
    )
    await join(store, bundle, TRAINING, AudienceKind.SCHOOL, "r-north")
    with pytest.raises(JoinRefused) as refused:
        await join(store, bundle, TRAINING, AudienceKind.SCHOOL, "r-south")
    assert refused.value.refusals == (Refusal.FULL,)
    view = await host_view(store, bundle, admin(bundle), TRAINING, today=TODAY)
    assert [(r.audience_kind, r.audience_id, r.joined_from) for r in view.audiences] == [
        ("school", "r-north", TODAY)
    ]
