"""Open courses: what fits a classroom and why not, joining, leaving, the last seat raced."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from icalendar import Calendar
from sqlmodel import col, select

from coordinator import domain, models
from coordinator.errors import NotFoundError
from coordinator.services.accounts.users import Scope, User, scope_of
from coordinator.services.catalogue.courses import catalogue
from coordinator.services.catalogue.enrol import (
    EnrolmentOutcome,
    JoinRefused,
    join_course,
    leave_course,
)
from coordinator.services.data.directory import Directory
from coordinator.services.feeds.render import render_feed
from coordinator.services.feeds.tokens import FeedOwner
from coordinator.services.lessons.dated import publish_lessons
from coordinator.store import Store
from coordinator.timetable.enrolment import Refusal
from tests.services.catalogue.support import (
    COURSE,
    FIRST_TUESDAY,
    TODAY,
    arrange,
    catalogue_county,
    options,
)
from tests.web.pages.support import NOW, settings

LATER = NOW + dt.timedelta(hours=1)


def admin(bundle: domain.Bundle) -> Scope:
    user = User(1, "admin", "admin", "region", "xiao", "zh", 0)
    return scope_of(user, Directory.of(bundle))


async def join(
    store: Store, bundle: domain.Bundle, classroom_id: str, from_date: dt.date | None = None
) -> EnrolmentOutcome:
    return await join_course(
        store,
        bundle,
        options(),
        admin(bundle),
        pinned_id=COURSE,
        classroom_id=classroom_id,
        actor="admin",
        now=LATER,
        today=TODAY,
        from_date=from_date,
    )


async def course_rooms(store: Store) -> dict[dt.date, tuple[str, ...]]:
    """Date -> classrooms of every stored lesson of the course from TODAY on."""
    async with store.read() as session:
        rows = (
            await session.exec(
                select(models.LessonRow).where(col(models.LessonRow.session_key) == COURSE)
            )
        ).all()
        links = (await session.exec(select(models.LessonClassroomRow))).all()
    rooms: dict[str, list[str]] = {}
    for link in links:
        rooms.setdefault(link.lesson_key, []).append(link.classroom_id)
    return {row.date: tuple(sorted(rooms.get(row.key, []))) for row in rows if row.date >= TODAY}


async def revisions(store: Store) -> dict[dt.date, int]:
    async with store.read() as session:
        query = select(models.LessonRow).where(col(models.LessonRow.session_key) == COURSE)
        return {row.date: row.revision for row in (await session.exec(query)).all()}


async def enrolled(store: Store) -> list[tuple[str, dt.date, dt.date | None]]:
    async with store.read() as session:
        rows = (await session.exec(select(models.EnrolmentRow))).all()
    return sorted((r.classroom_id, r.joined_from, r.left_from) for r in rows)


async def test_catalogue_fitting_classroom_sees_course_with_seats_and_dates(store: Store) -> None:
    bundle = await arrange(store)
    offers = await catalogue(store, bundle, options(), "c-north-3", today=TODAY)
    assert [o.course.id for o in offers] == [COURSE]
    offer = offers[0]
    assert (offer.verdict.fits, offer.verdict.seats_left) == (True, 2)
    assert offer.dates[0] == FIRST_TUESDAY
    assert offer.dates[-1] <= dt.date(2027, 1, 22)
    assert {d.isoweekday() for d in offer.dates} == {2}


async def test_catalogue_says_why_not(store: Store) -> None:
    bundle = await arrange(store)
    found = {}
    for room in ("c-hill-3", "c-east-4", "c-east-3"):
        (offer,) = await catalogue(store, bundle, options(), room, today=TODAY)
        found[room] = offer.verdict.refusals
    assert found == {
        "c-hill-3": (Refusal.BELLS,),
        "c-east-4": (Refusal.ASSISTANT_CLASH,),  # 李老师 runs 东村 三年级 in the course
        "c-east-3": (Refusal.ALREADY,),
    }


async def test_catalogue_offers_nothing_from_another_county(store: Store) -> None:
    bundle = await arrange(store)
    assert await catalogue(store, bundle, options(), "c-far", today=TODAY) == []


async def test_join_adds_classroom_to_future_lessons_with_revision_and_audit(store: Store) -> None:
    bundle = await arrange(store)
    before = await revisions(store)
    outcome = await join(store, bundle, "c-north-3")
    rooms = await course_rooms(store)
    after = await revisions(store)
    assert outcome.joined_from == TODAY
    assert all("c-north-3" in r for r in rooms.values())
    assert all(after[d] == before[d] + 1 for d in rooms)
    assert await enrolled(store) == [("c-north-3", TODAY, None)]
    async with store.read() as session:
        actions = [r.action for r in (await session.exec(select(models.AuditRow))).all()]
    assert actions == ["course.join"]
    summary = await publish_lessons(store, now=LATER, today=TODAY)  # publishing keeps it
    assert (summary.changed, summary.cancelled) == ([], [])
    assert await course_rooms(store) == rooms


async def test_join_shows_in_teacher_feed_same_uid_sequence_up(store: Store) -> None:
    bundle = await arrange(store)
    uid = f"{COURSE}@{FIRST_TUESDAY.isoformat()}@coordinator"
    first = await feed(store, bundle, "teacher:t-wang")
    await join(store, bundle, "c-north-3")
    second = await feed(store, bundle, "teacher:t-wang")
    assert int(second[uid]["sequence"]) == int(first[uid]["sequence"]) + 1
    assert "北村小学" in second[uid]["description"]
    assert "北村小学" not in first[uid]["description"]
    classroom = await feed(store, bundle, "classroom:c-north-3")
    assert classroom[uid]["status"] == "CONFIRMED"


async def feed(store: Store, bundle: domain.Bundle, owner: str) -> dict[str, dict[str, str]]:
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
        str(event["UID"]): {
            "status": str(event["STATUS"]),
            "sequence": str(event["SEQUENCE"]),
            "description": str(event.get("DESCRIPTION", "")),
        }
        for event in Calendar.from_ical(rendered.body).walk("VEVENT")
    }


async def test_join_from_a_date_leaves_earlier_lessons_alone(store: Store) -> None:
    bundle = await arrange(store)
    await join(store, bundle, "c-north-3", from_date=dt.date(2026, 12, 8))
    rooms = await course_rooms(store)
    assert "c-north-3" not in rooms[dt.date(2026, 12, 1)]
    assert "c-north-3" in rooms[dt.date(2026, 12, 8)]


async def test_full_course_refuses_and_stores_nothing(store: Store) -> None:
    bundle = await arrange(store, catalogue_county(capacity=2))
    before = await course_rooms(store)
    with pytest.raises(JoinRefused) as refused:
        await join(store, bundle, "c-north-3")
    assert refused.value.refusals == (Refusal.FULL,)
    assert (await enrolled(store), await course_rooms(store)) == ([], before)


async def test_join_that_does_not_fit_is_refused_with_the_reason(store: Store) -> None:
    bundle = await arrange(store)
    with pytest.raises(JoinRefused) as refused:
        await join(store, bundle, "c-hill-3")
    assert refused.value.refusals == (Refusal.BELLS,)
    with pytest.raises(NotFoundError):
        await join(store, bundle, "c-far")


async def test_leave_cancels_only_that_classrooms_future_lessons(store: Store) -> None:
    bundle = await arrange(store)
    await join(store, bundle, "c-north-3")
    await leave_course(
        store,
        bundle,
        admin(bundle),
        pinned_id=COURSE,
        classroom_id="c-north-3",
        actor="admin",
        now=LATER,
        today=TODAY,
        from_date=dt.date(2026, 12, 8),
    )
    rooms = await course_rooms(store)
    assert "c-north-3" in rooms[dt.date(2026, 12, 1)]
    later = [r for d, r in rooms.items() if d >= dt.date(2026, 12, 8)]
    assert later
    assert all("c-north-3" not in r and "c-east-3" in r for r in later)
    async with store.read() as session:
        statuses = {r.status for r in (await session.exec(select(models.LessonRow))).all()}
        departed = (await session.exec(select(models.LessonDepartureRow))).all()
    assert "cancelled" not in statuses
    assert {d.classroom_id for d in departed} == {"c-north-3"}
    assert len(departed) == len(later)
    assert await enrolled(store) == [("c-north-3", TODAY, dt.date(2026, 12, 8))]


async def test_two_schools_racing_for_the_last_seat_end_with_one(store: Store) -> None:
    bundle = await arrange(store, catalogue_county(capacity=3))
    results = await asyncio.gather(
        join(store, bundle, "c-north-3"),
        join(store, bundle, "c-south-4"),
        return_exceptions=True,
    )
    refused = [r for r in results if isinstance(r, JoinRefused)]
    assert len(refused) == 1, results
    assert refused[0].refusals == (Refusal.FULL,)
    assert len(await enrolled(store)) == 1
    rooms = await course_rooms(store)
    assert all(len(r) == 3 for r in rooms.values())
