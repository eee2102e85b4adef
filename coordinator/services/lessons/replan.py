"""Self-enrolments after a re-plan: kept where the new timetable still fits them, or ended.

A new solve knows nothing of the classrooms that joined open courses themselves. With
`[solver] self_enrolments = "keep"` each current enrolment is judged again, oldest first,
against the new plan with the enrolments kept so far (`timetable.enrolment.judge`, without
the host's cap or closure: the classroom is in already); one that now breaks a hard rule ends
today. With "drop" every one ends today. Either way each ended enrolment is audited; publishing
afterwards takes the classroom out of the course's lessons from today on.
"""

from __future__ import annotations

import datetime as dt
import logging

from sqlmodel import col, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from coordinator import domain, models
from coordinator.services.accounts.users import audit_row
from coordinator.services.counters import FEEDS, bump_counter
from coordinator.services.lessons.enrolled import ACTIVE, Enrolment, lay_enrolments
from coordinator.services.planning.plans import lesson_keys, load_plan
from coordinator.store import Store
from coordinator.timetable.build import build_problem
from coordinator.timetable.enrolment import Refusal, judge
from coordinator.timetable.options import SolverOptions
from coordinator.timetable.plan import Plan
from coordinator.timetable.problem import Problem

log = logging.getLogger(__name__)
ACTOR = "re-plan"


async def replan_enrolments(
    store: Store,
    bundle: domain.Bundle,
    options: SolverOptions,
    *,
    keep: bool,
    now: dt.datetime,
    today: dt.date,
) -> list[tuple[str, str]]:
    """End the self-enrolments the new plan breaks (all of them unless `keep`): (course,
    classroom) of each ended one."""
    problem: Problem | None = None  # built only when there is an enrolment to judge
    pinned: set[str] = set()
    ended: list[tuple[str, str]] = []
    async with store.write() as session:
        await bump_counter(session, FEEDS, now)
        rows = await _current(session, today)
        current: tuple[Plan, dict[str, str]] | None = None  # read only to judge an enrolment
        if keep and rows:
            version_id, plan = await load_plan(session, unmet=False)
            current = (plan, await lesson_keys(session, version_id))
        kept: list[Enrolment] = []
        for row in rows:
            reasons: tuple[Refusal, ...] = (Refusal.NOT_PLANNED,)
            if keep and problem is None:
                problem = build_problem(bundle, options)
                pinned = {p.id for p in problem.pinned}
            if keep and problem is not None and row.pinned_id in pinned:
                assert current is not None
                laid, _ = lay_enrolments(*current, kept)
                verdict = judge(problem, laid, row.pinned_id, row.classroom_id)
                reasons = tuple(r for r in verdict.refusals if r is not Refusal.ALREADY)
            if keep and not reasons:
                kept.append(Enrolment(row.pinned_id, row.classroom_id, row.joined_from))
                continue
            row.left_from = max(today, row.joined_from)
            row.left_by, row.left_at = ACTOR, now
            session.add(row)
            details = {
                "course": row.pinned_id,
                "from": row.left_from.isoformat(),
                "reasons": [r.value for r in reasons] if keep else ["drop"],
            }
            session.add(
                audit_row(ACTOR, "course.leave", "classroom", row.classroom_id, details, now)
            )
            ended.append((row.pinned_id, row.classroom_id))
    log.info("re-plan: %d self-enrolment(s) ended (keep=%s)", len(ended), keep)
    return ended


async def _current(session: AsyncSession, today: dt.date) -> list[models.EnrolmentRow]:
    query = (
        select(models.EnrolmentRow)
        .where(
            col(models.EnrolmentRow.status) == ACTIVE,
            or_(
                col(models.EnrolmentRow.left_from).is_(None),
                col(models.EnrolmentRow.left_from) > today,
            ),
        )
        .order_by(col(models.EnrolmentRow.id))
    )
    return list((await session.exec(query)).all())
