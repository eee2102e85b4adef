"""Joining an open course and leaving it: checked by the solver's rules, stored, audited.

A join locks the course's row (`open_course`, made on first use), judges the classroom against
the weekly timetable with every current self-enrolment, and only then stores the enrolment and
dates the course's lessons again in the same transaction: the classroom is added to each lesson
from its first date (revision up: feeds raise SEQUENCE, reminders and change notices follow).
Two schools taking the last seat at once queue on the lock; the second is judged with the first
already in and refused. Leaving sets the enrolment's last date; the classroom's lessons from
then on are taken out (its feeds show them cancelled), every other classroom keeps them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from dataclasses import dataclass

from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from coordinator import domain, models
from coordinator.errors import CoordinatorError, NotFoundError
from coordinator.services.accounts.users import Scope, audit_row
from coordinator.services.catalogue.courses import offered_to, verdict_for, weekly_state
from coordinator.services.catalogue.notices import tell_teacher
from coordinator.services.counters import FEEDS, bump_counter
from coordinator.services.lessons.dated import current_layers
from coordinator.services.lessons.enrolled import ACTIVE, REQUESTED
from coordinator.services.lessons.resync import course_keys, resync_sessions
from coordinator.settings.notifications import NotificationSettings
from coordinator.store import Store
from coordinator.timetable.enrolment import Refusal, Verdict
from coordinator.timetable.options import SolverOptions

log = logging.getLogger(__name__)


class JoinRefused(CoordinatorError):
    """The classroom may not join the course now; `verdict.refusals` says why."""

    def __init__(self, verdict: Verdict) -> None:
        self.verdict = verdict
        reasons = ", ".join(r.value for r in verdict.refusals)
        super().__init__(
            f"classroom {verdict.classroom_id} may not join course {verdict.pinned_id}: {reasons}"
        )

    @property
    def refusals(self) -> tuple[Refusal, ...]:
        return self.verdict.refusals


@dataclass(frozen=True, slots=True)
class EnrolmentOutcome:
    pinned_id: str
    classroom_id: str
    joined_from: dt.date
    left_from: dt.date | None
    changed: tuple[str, ...]  # lesson keys whose revision went up


def _check_reach(bundle: domain.Bundle, scope: Scope, pinned_id: str, classroom_id: str) -> None:
    if not scope.sees("classroom", classroom_id):
        raise NotFoundError(f"classroom {classroom_id}: no such classroom")  # 404 alike
    if pinned_id not in {p.id for p in offered_to(bundle, classroom_id)}:
        raise NotFoundError(f"course {pinned_id}: no such open course for {classroom_id}")


def course_of(bundle: domain.Bundle, pinned_id: str) -> domain.PinnedSession:
    return next(p for p in bundle.pinned_sessions if p.id == pinned_id)


async def locked_course(
    session: AsyncSession, pinned_id: str, *, sqlite: bool, now: dt.datetime
) -> models.OpenCourseRow:
    """The course's enrolment row, made if missing, locked until the transaction ends."""
    insert = sqlite_insert if sqlite else postgresql_insert
    await session.exec(
        insert(models.OpenCourseRow)
        .values(pinned_id=pinned_id, closed=False, cap=None, changed_at=now)
        .on_conflict_do_nothing(index_elements=["pinned_id"])
    )
    query = select(models.OpenCourseRow).where(col(models.OpenCourseRow.pinned_id) == pinned_id)
    return (await session.exec(query.with_for_update())).one()


async def join_course(
    store: Store,
    bundle: domain.Bundle,
    options: SolverOptions,
    scope: Scope,
    *,
    pinned_id: str,
    classroom_id: str,
    actor: str,
    now: dt.datetime,
    today: dt.date,
    from_date: dt.date | None = None,
    request: bool = False,
    notices: NotificationSettings | None = None,
) -> EnrolmentOutcome:
    """Enrol the classroom from `from_date` (today if None) to the term's end, or JoinRefused.

    `request`: the county approves joins; the checked join waits on the requests page
    (`requests.decide_request`) and changes no lesson yet. `notices`: the course's teacher is
    told of a join (not of a request) through the outbox, in the same transaction.
    """
    _check_reach(bundle, scope, pinned_id, classroom_id)
    first = max(from_date or today, today)
    async with store.write() as session:
        await bump_counter(session, FEEDS, now)  # first, as hand edits and publishing do
        await locked_course(session, pinned_id, sqlite=store.is_sqlite, now=now)
        weekly = await weekly_state(session, today)
        verdict = verdict_for(bundle, options, weekly, pinned_id, classroom_id)
        if (pinned_id, classroom_id) in weekly.requested:
            verdict = dataclasses.replace(verdict, refusals=(Refusal.PENDING,))
        if not verdict.fits:
            raise JoinRefused(verdict)
        status = REQUESTED if request else ACTIVE
        row = models.EnrolmentRow(
            pinned_id=pinned_id,
            classroom_id=classroom_id,
            joined_from=first,
            status=status,
            actor=actor,
            created_at=now,
        )
        session.add(row)
        await session.flush()
        changed = (
            [] if request else await resync_course(session, bundle, pinned_id, now=now, today=today)
        )
        if not request:
            tell_teacher(
                session,
                notices,
                bundle,
                course_of(bundle, pinned_id),
                who=("classroom", classroom_id),
                joined=True,
                first=first,
                purpose=f"enrolment:{row.id}:join",
                now=now,
            )
        details = {"course": pinned_id, "from": first.isoformat(), "lessons": len(changed)}
        action = "course.request" if request else "course.join"
        session.add(audit_row(actor, action, "classroom", classroom_id, details, now))
    log.info("classroom %s %s course %s from %s", classroom_id, status, pinned_id, first)
    return EnrolmentOutcome(pinned_id, classroom_id, first, None, tuple(changed))


async def leave_course(
    store: Store,
    bundle: domain.Bundle,
    scope: Scope,
    *,
    pinned_id: str,
    classroom_id: str,
    actor: str,
    now: dt.datetime,
    today: dt.date,
    from_date: dt.date | None = None,
    notices: NotificationSettings | None = None,
) -> EnrolmentOutcome:
    """End the classroom's own enrolment from `from_date` (today if None); earlier lessons stay."""
    _check_reach(bundle, scope, pinned_id, classroom_id)
    async with store.write() as session:
        await bump_counter(session, FEEDS, now)
        await locked_course(session, pinned_id, sqlite=store.is_sqlite, now=now)
        query = select(models.EnrolmentRow).where(
            col(models.EnrolmentRow.pinned_id) == pinned_id,
            col(models.EnrolmentRow.classroom_id) == classroom_id,
            col(models.EnrolmentRow.left_from).is_(None),
            col(models.EnrolmentRow.status) == ACTIVE,
        )
        row = (await session.exec(query)).first()
        if row is None:
            raise NotFoundError(
                f"classroom {classroom_id} has not joined course {pinned_id} itself: "
                "a classroom the timetable put there leaves through the admin's rebalance"
            )
        row.left_from = max(from_date or today, today, row.joined_from)
        row.left_by, row.left_at = actor, now
        session.add(row)
        await session.flush()
        changed = await resync_course(session, bundle, pinned_id, now=now, today=today)
        details = {"course": pinned_id, "from": row.left_from.isoformat(), "lessons": len(changed)}
        session.add(audit_row(actor, "course.leave", "classroom", classroom_id, details, now))
        tell_teacher(
            session,
            notices,
            bundle,
            course_of(bundle, pinned_id),
            who=("classroom", classroom_id),
            joined=False,
            first=row.left_from,
            purpose=f"enrolment:{row.id}:leave",
            now=now,
        )
        joined, left = row.joined_from, row.left_from
    log.info("classroom %s left course %s from %s", classroom_id, pinned_id, left)
    return EnrolmentOutcome(pinned_id, classroom_id, joined, left, tuple(changed))


async def resync_course(
    session: AsyncSession,
    bundle: domain.Bundle,
    pinned_id: str,
    *,
    now: dt.datetime,
    today: dt.date,
) -> list[str]:
    keys = course_keys(await current_layers(session), pinned_id)
    return await resync_sessions(session, bundle, keys, now=now, today=today)
