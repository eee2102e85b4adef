"""Rebalancing: the weekly events admins face, answered with a minimal change to the plan.

A preview repairs the active plan for one change (a teacher unavailable, a need or classroom
added or removed) and shows the diff; nothing is stored. Applying stores the repaired plan:
as the new active version, or, for a date range (a teacher sick for a week), as a temporary
version that holds only on those dates. Lessons are then re-dated and every change bumps the
lesson's revision. Every apply is written to the audit log with who made it.

A preview remembers what it was made from (a `Stamp`: the active version, the temporary
versions on top of it, the latest import); applying refuses it once any of that moved on.
Temporary versions are made from the active version alone, so two of them may not overlap:
the later one would silently undo the earlier one on the shared dates.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from coordinator import models
from coordinator.domain import Bundle
from coordinator.errors import CoordinatorError
from coordinator.services.accounts.users import audit_row
from coordinator.services.data.imports import load_bundle
from coordinator.services.lessons.dated import publish_lessons
from coordinator.services.lessons.stored import PublishSummary
from coordinator.services.planning.plans import (
    active_version,
    lesson_keys,
    load_plan,
    save_plan,
    temporary_versions,
)
from coordinator.services.planning.solve import check_before_storing, solver_options
from coordinator.services.rebalancing.changes import (
    RebalanceInputError,
    changed_bundle,
    dating_bundle,
)
from coordinator.services.rebalancing.dates import DatedChange, dated_changes, proposed_layer
from coordinator.services.rebalancing.keys import follow_keys
from coordinator.settings import SolverSettings
from coordinator.store import Store
from coordinator.timetable.build import build_problem
from coordinator.timetable.changes import Change
from coordinator.timetable.options import SolverOptions
from coordinator.timetable.plan import Plan
from coordinator.timetable.rebalance import RebalanceResult, rebalance

log = logging.getLogger(__name__)
AUDIT_ACTION = "timetable.rebalance"


class StalePreviewError(CoordinatorError):
    """The timetable changed after the preview was made."""


class OverlapError(CoordinatorError):
    """A temporary change already holds on some of the dates asked for."""

    def __init__(self, message: str, held: TemporaryChange) -> None:
        super().__init__(message)
        self.held = held


@dataclass(frozen=True, slots=True)
class Stamp:
    """What a preview was made from; any change to it makes the preview stale."""

    active_id: int
    temporary_ids: tuple[int, ...]
    import_run: int


@dataclass(frozen=True, slots=True)
class TemporaryChange:
    """A temporary version on top of the active one: its dates and what it was for."""

    version_id: int
    first: dt.date
    last: dt.date
    note: str


@dataclass(frozen=True, slots=True)
class RebalancePreview:
    base_version_id: int
    change: Change
    dates: tuple[dt.date, dt.date] | None  # None: from now on
    result: RebalanceResult
    keys: dict[str, str]
    stamp: Stamp
    base: Plan  # the active plan the change was made to
    in_force: tuple[TemporaryChange, ...] = ()  # a change from now on ends these
    dated: tuple[DatedChange, ...] = ()  # with `today`: the dated lessons applying touches


@dataclass(frozen=True, slots=True)
class AppliedRebalance:
    version_id: int
    preview: RebalancePreview
    lessons: PublishSummary


def check_dates(dates: tuple[dt.date, dt.date] | None, today: dt.date | None = None) -> None:
    if dates is None:
        return
    if dates[1] < dates[0]:
        raise RebalanceInputError(f"--to {dates[1]} is before --from {dates[0]}")
    if today is not None and dates[1] < today:
        raise RebalanceInputError(f"--to {dates[1]} is in the past: lessons before today stay")


async def read_stamp(session: AsyncSession) -> tuple[Stamp, list[models.TimetableVersionRow]]:
    """The stamp of what the store holds now, and the temporary versions in it."""
    active = await active_version(session)
    active_id = active.id if active is not None and active.id is not None else 0
    temporaries = await temporary_versions(session, active_id) if active_id else []
    latest = (await session.exec(select(func.max(models.ImportRunRow.id)))).one()
    ids = tuple(v.id for v in temporaries if v.id is not None)
    return Stamp(active_id, ids, latest or 0), temporaries


def temporary_changes(
    versions: list[models.TimetableVersionRow], today: dt.date | None
) -> tuple[TemporaryChange, ...]:
    """The temporary versions that still hold on or after `today` (all without `today`)."""
    return tuple(
        TemporaryChange(v.id, v.applies_from, v.applies_to, v.note)
        for v in versions
        if v.id is not None and v.applies_from is not None and v.applies_to is not None
        if today is None or v.applies_to >= today
    )


def check_overlap(
    dates: tuple[dt.date, dt.date] | None, in_force: tuple[TemporaryChange, ...]
) -> None:
    if dates is None:
        return
    for held in in_force:
        if held.first <= dates[1] and dates[0] <= held.last:
            raise OverlapError(
                f"a temporary change already holds from {held.first} to {held.last} "
                f"(timetable version {held.version_id}: {held.note or 'no note'}); "
                f"a second one for {dates[0]} to {dates[1]} would undo it on the shared dates: "
                "choose dates outside it, or make the change from now on",
                held,
            )


def _repair(bundle: Bundle, options: SolverOptions, base: Plan, change: Change) -> RebalanceResult:
    """Build, rebalance and validate (blocking and CPU-bound: run it in a thread)."""
    problem = build_problem(bundle, options)
    result = rebalance(problem, base, change)
    check_before_storing(problem, result.plan)
    return result


async def preview_rebalance(
    store: Store,
    settings: SolverSettings,
    change: Change,
    dates: tuple[dt.date, dt.date] | None = None,
    *,
    today: dt.date | None = None,
) -> RebalancePreview:
    """Repair the active plan for `change` (off the event loop) and validate it; store nothing.

    With `today`, also work out the dated lessons applying would touch, and refuse dates that
    end in the past.
    """
    check_dates(dates, today)
    async with store.read() as session:  # the stamp first: a later import makes it stale
        stamp, temporaries = await read_stamp(session)
    stored = await load_bundle(store)
    bundle = changed_bundle(stored, change)
    in_force = temporary_changes(temporaries, today)
    check_overlap(dates, in_force)
    async with store.read() as session:
        base_id, base = await load_plan(session)
        base_keys = await lesson_keys(session, base_id)
    result = await asyncio.to_thread(_repair, bundle, solver_options(settings), base, change)
    keys = follow_keys(base, base_keys, result.plan)
    dated: tuple[DatedChange, ...] = ()
    if today is not None:
        async with store.read() as session:
            proposed = proposed_layer(result.plan, keys, dates)
            dating = dating_bundle(stored, bundle, dates)
            dated = await dated_changes(session, dating, proposed, today=today)
    return RebalancePreview(base_id, change, dates, result, keys, stamp, base, in_force, dated)


def change_json(change: Change) -> dict[str, Any]:
    """The change as plain JSON values, named by its kind."""

    def plain(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [plain(v) for v in value]
        if isinstance(value, str | int | float | bool) or value is None:
            return value
        return str(value)

    return {"kind": type(change).__name__, **plain(dataclasses.asdict(change))}


def audit_details(preview: RebalancePreview) -> dict[str, Any]:
    diff, result = preview.result.diff, preview.result
    changed = diff.moved + diff.reassigned + diff.cancelled + diff.added
    teachers = {s.teacher_id for c in changed for s in (c.before, c.after) if s is not None}
    return {
        "change": change_json(preview.change),
        "dates": None if preview.dates is None else [d.isoformat() for d in preview.dates],
        "base_version": preview.base_version_id,
        "weekly": {
            "kept": len(diff.kept),
            "moved": len(diff.moved),
            "reassigned": len(diff.reassigned),
            "cancelled": len(diff.cancelled),
            "added": len(diff.added),
            "unmet": len(diff.unmet),
            "unaffected_changed": result.unaffected_changed,
        },
        "teachers": sorted(teachers),
        "classrooms": sorted({c.classroom_id for c in changed}),
    }


async def apply_rebalance(
    store: Store,
    preview: RebalancePreview,
    *,
    now: dt.datetime,
    today: dt.date,
    actor: str,
    note: str = "",
    kind: str = "rebalance",
    action: str = AUDIT_ACTION,
) -> AppliedRebalance:
    """Store the previewed plan, audit it and re-date the lessons; refuses a stale preview.

    A solve job's proposal is stored the same way, as ``kind="solve"`` under its own action.
    """
    proposed = Proposed(
        preview.base_version_id,
        preview.stamp,
        preview.result.plan,
        preview.keys,
        preview.dates,
        preview.result.wall_seconds,
        audit_details(preview),
    )
    version_id, lessons = await store_proposed(
        store, proposed, now=now, today=today, actor=actor, note=note, kind=kind, action=action
    )
    return AppliedRebalance(version_id, preview, lessons)


@dataclass(frozen=True, slots=True)
class Proposed:
    """What applying stores: the proposed plan and what it was made from."""

    base_version_id: int
    stamp: Stamp
    plan: Plan
    keys: dict[str, str]
    dates: tuple[dt.date, dt.date] | None
    wall_seconds: float
    details: dict[str, Any]  # for the audit log


async def store_proposed(
    store: Store,
    proposed: Proposed,
    *,
    now: dt.datetime,
    today: dt.date,
    actor: str,
    note: str = "",
    kind: str = "rebalance",
    action: str = AUDIT_ACTION,
    stored: Callable[[AsyncSession, int], Awaitable[None]] | None = None,
) -> tuple[int, PublishSummary]:
    """Store a proposed plan as a version, audit it and re-date the lessons; refuses it when
    the timetable moved on since it was made. `stored` runs in the same transaction."""
    async with store.write() as session:
        # On PostgreSQL a second apply waits here until the first commits, then finds it.
        active_row = models.TimetableVersionRow
        await session.exec(select(active_row).where(col(active_row.active)).with_for_update())
        stamp, _ = await read_stamp(session)
        if stamp != proposed.stamp:
            raise StalePreviewError(
                f"the timetable or the data changed after this preview (it was made from "
                f"timetable version {proposed.base_version_id}): preview the change again"
            )
        active = await active_version(session)
        assert active is not None or kind == "solve"  # a first timetable is only solved
        version_id = await save_plan(
            session,
            proposed.plan,
            kind=kind,
            now=now,
            seed=active.seed if active is not None else 0,
            time_limit_s=proposed.wall_seconds,
            parent_id=proposed.base_version_id or None,
            note=note,
            keys=proposed.keys,
            applies=proposed.dates,
        )
        if stored is not None:
            await stored(session, version_id)
        details = {**proposed.details, "note": note}
        audit = audit_row(actor, action, "timetable", str(version_id), details, now)
        session.add(audit)
        await session.flush()
        audit_id = audit.id
    lessons = await publish_lessons(store, now=now, today=today)
    async with store.write() as session:  # the dated outcome joins the entry written above
        row = await session.get(models.AuditRow, audit_id)
        if row is not None:
            row.details = {**row.details, "lessons": lessons.counts()}
    log.info("applied rebalance as version %d: %s", version_id, lessons.counts())
    return version_id, lessons
