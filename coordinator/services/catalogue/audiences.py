"""A school's teachers or a classroom's parents joining an open course for them, and leaving.

A teacher-training course (`audience = teachers`) is joined by a school for its teachers, by an
admin whose scope holds the school; a parent class (`audience = parents`) by a classroom for
its parents, by its assistant or an admin. As a classroom's join, it locks the course's row,
counts the audiences in it, judges (`timetable.audiences`), stores and audits in one
transaction, and bumps the feeds' counter: the audience's feeds gain the course's dates
(`services/lessons/audiences`). Leaving sets the last date; earlier dates stay.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import col, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from coordinator import domain, models
from coordinator.enums import AudienceKind, CourseAudience
from coordinator.errors import NotFoundError
from coordinator.services.accounts.users import Scope, audit_row
from coordinator.services.catalogue.courses import offered_near
from coordinator.services.catalogue.enrol import JoinRefused, locked_course
from coordinator.services.catalogue.notices import tell_teacher
from coordinator.services.counters import FEEDS, bump_counter
from coordinator.settings.notifications import NotificationSettings
from coordinator.store import Store
from coordinator.timetable.audiences import audience_refusals
from coordinator.timetable.enrolment import Verdict


@dataclass(frozen=True, slots=True)
class AudienceOffer:
    """One open course for teachers or parents as one audience sees it."""

    course: domain.PinnedSession
    verdict: Verdict  # classroom_id holds the audience's id (a school or a classroom)
    joined_from: dt.date | None  # its current enrolment's first date, None if it has none


def audience_home(bundle: domain.Bundle, kind: AudienceKind, audience_id: str) -> str | None:
    """The school of the audience (the school itself, or the classroom's), None if unknown."""
    if kind == AudienceKind.SCHOOL:
        return audience_id if any(s.id == audience_id for s in bundle.schools) else None
    room = next((c for c in bundle.classrooms if c.id == audience_id), None)
    return room.school_id if room else None


def _course_for(
    bundle: domain.Bundle, scope: Scope, pinned_id: str, kind: AudienceKind, audience_id: str
) -> domain.PinnedSession:
    """The course if the audience is in the scope and the course is offered to it; 404 alike."""
    home = audience_home(bundle, kind, audience_id)
    if home is None or not scope.sees(kind.value, audience_id):
        raise NotFoundError(f"{kind.value} {audience_id}: no such {kind.value}")
    audience = CourseAudience.TEACHERS if kind == AudienceKind.SCHOOL else CourseAudience.PARENTS
    for course in offered_near(bundle, home, audience):
        if course.id == pinned_id:
            return course
    raise NotFoundError(f"course {pinned_id}: no such open course for {audience_id}")


async def current_audiences(
    session: AsyncSession, pinned_id: str, today: dt.date
) -> list[models.AudienceEnrolmentRow]:
    """The audiences in the course from today on (those that left later included)."""
    table = models.AudienceEnrolmentRow
    query = select(table).where(
        col(table.pinned_id) == pinned_id,
        or_(col(table.left_from).is_(None), col(table.left_from) > today),
    )
    return list((await session.exec(query.order_by(col(table.id)))).all())


def _verdict(
    bundle: domain.Bundle,
    course: domain.PinnedSession,
    kind: AudienceKind,
    audience_id: str,
    rows: list[models.AudienceEnrolmentRow],
    state: models.OpenCourseRow | None,
) -> Verdict:
    members = tuple(r.audience_id for r in rows if r.audience_kind == kind.value)
    room = next((c for c in bundle.classrooms if c.id == audience_id), None)
    limit = min(course.capacity, state.cap) if state and state.cap else course.capacity
    refusals = audience_refusals(
        course,
        CourseAudience.TEACHERS if kind == AudienceKind.SCHOOL else CourseAudience.PARENTS,
        len(members),
        already=audience_id in members,
        grade=room.grade if room and kind == AudienceKind.CLASSROOM else None,
        closed=bool(state and state.closed),
        cap=state.cap if state else None,
    )
    return Verdict(course.id, audience_id, members, limit, refusals)


async def audience_catalogue(
    store: Store, bundle: domain.Bundle, kind: AudienceKind, audience_id: str, *, today: dt.date
) -> list[AudienceOffer]:
    """The open courses for this audience (a school's teachers, a classroom's parents)."""
    home = audience_home(bundle, kind, audience_id)
    if home is None:
        return []
    audience = CourseAudience.TEACHERS if kind == AudienceKind.SCHOOL else CourseAudience.PARENTS
    offers = []
    async with store.read() as session:
        for course in offered_near(bundle, home, audience):
            rows = await current_audiences(session, course.id, today)
            state = await session.get(models.OpenCourseRow, course.id)
            verdict = _verdict(bundle, course, kind, audience_id, rows, state)
            mine = next((r for r in rows if r.audience_id == audience_id), None)
            offers.append(AudienceOffer(course, verdict, mine.joined_from if mine else None))
    return offers


async def join_audience(
    store: Store,
    bundle: domain.Bundle,
    scope: Scope,
    *,
    pinned_id: str,
    kind: AudienceKind,
    audience_id: str,
    actor: str,
    now: dt.datetime,
    today: dt.date,
    from_date: dt.date | None = None,
    notices: NotificationSettings | None = None,
) -> dt.date:
    """Enrol the audience from `from_date` (today if earlier or None); JoinRefused says why.

    `notices`: the course's teacher is told through the outbox, in the same transaction."""
    course = _course_for(bundle, scope, pinned_id, kind, audience_id)
    first = max(from_date or today, today)
    async with store.write() as session:
        await bump_counter(session, FEEDS, now)
        state = await locked_course(session, pinned_id, sqlite=store.is_sqlite, now=now)
        rows = await current_audiences(session, pinned_id, today)
        verdict = _verdict(bundle, course, kind, audience_id, rows, state)
        if not verdict.fits:
            raise JoinRefused(verdict)
        row = models.AudienceEnrolmentRow(
            pinned_id=pinned_id,
            audience_kind=kind.value,
            audience_id=audience_id,
            joined_from=first,
            actor=actor,
            created_at=now,
        )
        session.add(row)
        await session.flush()
        who = (kind.value if kind == AudienceKind.SCHOOL else "parents", audience_id)
        purpose = f"audience-enrolment:{row.id}:join"
        tell_teacher(
            session,
            notices,
            bundle,
            course,
            who=who,
            joined=True,
            first=first,
            purpose=purpose,
            now=now,
        )
        details = {"course": pinned_id, "from": first.isoformat(), "audience": course.audience}
        session.add(audit_row(actor, "course.join", kind.value, audience_id, details, now))
    return first


async def leave_audience(
    store: Store,
    bundle: domain.Bundle,
    scope: Scope,
    *,
    pinned_id: str,
    kind: AudienceKind,
    audience_id: str,
    actor: str,
    now: dt.datetime,
    today: dt.date,
    from_date: dt.date | None = None,
    notices: NotificationSettings | None = None,
) -> dt.date:
    """End the audience's enrolment from `from_date` (today if None); the first date gone."""
    course = _course_for(bundle, scope, pinned_id, kind, audience_id)
    table = models.AudienceEnrolmentRow
    async with store.write() as session:
        await bump_counter(session, FEEDS, now)
        await locked_course(session, pinned_id, sqlite=store.is_sqlite, now=now)
        query = select(table).where(
            col(table.pinned_id) == pinned_id,
            col(table.audience_kind) == kind.value,
            col(table.audience_id) == audience_id,
            col(table.left_from).is_(None),
        )
        row = (await session.exec(query)).first()
        if row is None:
            raise NotFoundError(f"{kind.value} {audience_id} has not joined course {pinned_id}")
        row.left_from = max(from_date or today, today, row.joined_from)
        row.left_by, row.left_at = actor, now
        session.add(row)
        details = {"course": pinned_id, "from": row.left_from.isoformat()}
        session.add(audit_row(actor, "course.leave", kind.value, audience_id, details, now))
        who = (kind.value if kind == AudienceKind.SCHOOL else "parents", audience_id)
        purpose = f"audience-enrolment:{row.id}:leave"
        tell_teacher(
            session,
            notices,
            bundle,
            course,
            who=who,
            joined=False,
            first=row.left_from,
            purpose=purpose,
            now=now,
        )
        left = row.left_from
    return left
