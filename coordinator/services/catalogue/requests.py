"""Requests to join, for counties that approve joins instead of self-service.

An assistant's join in such a county (`[catalogue] approval_regions`) is checked and stored as
a request (`enrolment.status = requested`) that changes no lesson. An admin whose scope holds
the classroom approves it — judged again under the course's lock, since seats may have gone
meanwhile, then enrolled from its first date (or today, if that has passed) exactly as a join
— or refuses it. Both are audited.
"""

from __future__ import annotations

import datetime as dt

from sqlmodel import col, select

from coordinator import domain, models
from coordinator.errors import NotFoundError
from coordinator.services.accounts.users import Scope, audit_row
from coordinator.services.catalogue.courses import verdict_for, weekly_state
from coordinator.services.catalogue.enrol import (
    EnrolmentOutcome,
    JoinRefused,
    course_of,
    locked_course,
    resync_course,
)
from coordinator.services.catalogue.notices import tell_teacher
from coordinator.services.counters import FEEDS, bump_counter
from coordinator.services.lessons.enrolled import ACTIVE, REFUSED, REQUESTED
from coordinator.settings.notifications import NotificationSettings
from coordinator.store import Store
from coordinator.timetable.options import SolverOptions


async def pending_requests(store: Store, scope: Scope) -> list[models.EnrolmentRow]:
    """Requests waiting for an admin, of classrooms in the scope, oldest first."""
    query = (
        select(models.EnrolmentRow)
        .where(col(models.EnrolmentRow.status) == REQUESTED)
        .order_by(col(models.EnrolmentRow.id))
    )
    async with store.read() as session:
        rows = (await session.exec(query)).all()
    return [r for r in rows if scope.sees("classroom", r.classroom_id)]


async def decide_request(
    store: Store,
    bundle: domain.Bundle,
    options: SolverOptions,
    scope: Scope,
    enrolment_id: int,
    *,
    approve: bool,
    actor: str,
    now: dt.datetime,
    today: dt.date,
    notices: NotificationSettings | None = None,
) -> EnrolmentOutcome:
    """Approve (checked again; JoinRefused if it no longer fits) or refuse one request; the
    course's teacher is told of an approved join (`notices`)."""
    async with store.write() as session:
        await bump_counter(session, FEEDS, now)
        row = await session.get(models.EnrolmentRow, enrolment_id)
        if row is None or row.status != REQUESTED or not scope.sees("classroom", row.classroom_id):
            raise NotFoundError(f"request {enrolment_id}: no such request waiting")
        await locked_course(session, row.pinned_id, sqlite=store.is_sqlite, now=now)
        changed: list[str] = []
        if approve:
            weekly = await weekly_state(session, today)
            verdict = verdict_for(bundle, options, weekly, row.pinned_id, row.classroom_id)
            if not verdict.fits:
                raise JoinRefused(verdict)
            row.status, row.joined_from = ACTIVE, max(row.joined_from, today)
            session.add(row)
            await session.flush()
            changed = await resync_course(session, bundle, row.pinned_id, now=now, today=today)
            tell_teacher(
                session,
                notices,
                bundle,
                course_of(bundle, row.pinned_id),
                who=("classroom", row.classroom_id),
                joined=True,
                first=row.joined_from,
                purpose=f"enrolment:{row.id}:join",
                now=now,
            )
        else:
            row.status, row.left_from, row.left_by, row.left_at = (
                REFUSED,
                row.joined_from,
                actor,
                now,
            )
            session.add(row)
        action = "course.approve" if approve else "course.refuse"
        details = {"course": row.pinned_id, "request": enrolment_id, "lessons": len(changed)}
        session.add(audit_row(actor, action, "classroom", row.classroom_id, details, now))
        outcome = EnrolmentOutcome(
            row.pinned_id, row.classroom_id, row.joined_from, row.left_from, tuple(changed)
        )
    return outcome
