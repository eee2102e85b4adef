"""Rebalancing: the weekly events admins face, answered with a minimal change to the plan.

A preview repairs the active plan for one change (a teacher unavailable, a need or classroom
added or removed) and shows the diff; nothing is stored. Applying stores the repaired plan:
as the new active version, or, for a date range (a teacher sick for a week), as a temporary
version that holds only on those dates. Lessons are then re-dated and every change bumps the
lesson's revision.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import logging
from dataclasses import dataclass

from coordinator.domain import Bundle
from coordinator.errors import CoordinatorError
from coordinator.services.imports import load_bundle
from coordinator.services.lessons import PublishSummary, publish_lessons
from coordinator.services.planning import check_before_storing, solver_options
from coordinator.services.plans import active_version, lesson_keys, load_plan, save_plan
from coordinator.services.session_keys import inherit_keys
from coordinator.settings import SolverSettings
from coordinator.store import Store
from coordinator.timetable.build import build_problem
from coordinator.timetable.changes import ALL_WEEKDAYS, Change, TeacherUnavailable, apply_change
from coordinator.timetable.rebalance import RebalanceResult, rebalance

log = logging.getLogger(__name__)


class StalePreviewError(CoordinatorError):
    """The timetable changed after the preview was made."""


@dataclass(frozen=True, slots=True)
class RebalancePreview:
    base_version_id: int
    change: Change
    dates: tuple[dt.date, dt.date] | None  # None: from now on
    result: RebalanceResult
    keys: dict[str, str]


@dataclass(frozen=True, slots=True)
class AppliedRebalance:
    version_id: int
    preview: RebalancePreview
    lessons: PublishSummary


def check_dates(dates: tuple[dt.date, dt.date] | None) -> None:
    if dates is not None and dates[1] < dates[0]:
        raise CoordinatorError(f"--to {dates[1]} is before --from {dates[0]}")


def without_unavailable_pinned(bundle: Bundle, change: Change) -> Bundle:
    """A pinned session cannot move, so an unavailable teacher's pinned sessions are cancelled."""
    if not isinstance(change, TeacherUnavailable):
        return bundle
    days = change.weekdays or ALL_WEEKDAYS
    kept = tuple(
        pinned
        for pinned in bundle.pinned_sessions
        if not (pinned.teacher_id == change.teacher_id and pinned.weekday in days)
    )
    return dataclasses.replace(bundle, pinned_sessions=kept)


async def preview_rebalance(
    store: Store,
    settings: SolverSettings,
    change: Change,
    dates: tuple[dt.date, dt.date] | None = None,
) -> RebalancePreview:
    """Repair the active plan for `change` (off the event loop) and validate it; store nothing."""
    check_dates(dates)
    bundle = without_unavailable_pinned(apply_change(await load_bundle(store), change), change)
    async with store.read() as session:
        base_id, base = await load_plan(session)
        base_keys = await lesson_keys(session, base_id)
    problem = build_problem(bundle, solver_options(settings))
    result = await asyncio.to_thread(rebalance, problem, base, change)
    check_before_storing(problem, result.plan)
    keys = inherit_keys(base, base_keys, result.plan)
    return RebalancePreview(base_id, change, dates, result, keys)


async def apply_rebalance(
    store: Store,
    preview: RebalancePreview,
    *,
    now: dt.datetime,
    today: dt.date,
    note: str = "",
) -> AppliedRebalance:
    """Store the previewed plan and re-date the lessons; refuses a preview gone stale."""
    async with store.write() as session:
        active = await active_version(session)
        if active is None or active.id != preview.base_version_id:
            raise StalePreviewError(
                f"the timetable changed after this preview (version {preview.base_version_id} "
                "is no longer the active one): preview the change again"
            )
        version_id = await save_plan(
            session,
            preview.result.plan,
            kind="rebalance",
            now=now,
            seed=active.seed,
            time_limit_s=preview.result.wall_seconds,
            parent_id=preview.base_version_id,
            note=note,
            keys=preview.keys,
            applies=preview.dates,
        )
    lessons = await publish_lessons(store, now=now, today=today)
    log.info("applied rebalance as version %d: %s", version_id, lessons.counts())
    return AppliedRebalance(version_id, preview, lessons)
