"""Timetable versions in the store: a Plan written as rows, and read back."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import asdict

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from coordinator import models
from coordinator.errors import NotFoundError
from coordinator.timetable.plan import Plan, PlanStats, Reason, Session, Unmet


async def save_plan(
    session: AsyncSession,
    plan: Plan,
    *,
    kind: str,
    now: dt.datetime,
    seed: int,
    time_limit_s: float,
    parent_id: int | None = None,
    note: str = "",
    keys: Mapping[str, str] | None = None,
    applies: tuple[dt.date, dt.date] | None = None,
) -> int:
    """Store `plan` as a new version; returns its id.

    Without `applies` it becomes the active version. With `applies` (first, last date) it is a
    temporary version that holds for those dates while its parent stays active.
    """
    if applies is None:
        await session.exec(update(models.TimetableVersionRow).values(active=False))
    version = models.TimetableVersionRow(
        created_at=now,
        kind=kind,
        parent_id=parent_id,
        status=plan.status,
        active=applies is None,
        seed=seed,
        time_limit_s=time_limit_s,
        stats=asdict(plan.stats),
        note=note,
        applies_from=applies[0] if applies else None,
        applies_to=applies[1] if applies else None,
    )
    session.add(version)
    await session.flush()
    assert version.id is not None
    for planned in plan.sessions:
        session.add(
            models.PlannedSessionRow(
                version_id=version.id,
                session_id=planned.id,
                lesson_key=(keys or {}).get(planned.id, planned.id),
                teacher_id=planned.teacher_id,
                subject_id=planned.subject_id,
                weekday=planned.weekday,
                start=planned.start,
                end=planned.end,
                pinned_id=planned.pinned_id,
            )
        )
    await session.flush()
    for planned in plan.sessions:
        for classroom_id in planned.classroom_ids:
            session.add(
                models.PlannedSessionClassroomRow(
                    version_id=version.id,
                    session_id=planned.id,
                    classroom_id=classroom_id,
                )
            )
    for unmet in plan.unmet:
        session.add(
            models.UnmetNeedRow(
                version_id=version.id,
                classroom_id=unmet.classroom_id,
                subject_id=unmet.subject_id,
                periods=unmet.periods,
                reason_code=unmet.reason.code,
                reason_params=unmet.reason.params,
                text_en=unmet.reason.text_en,
                text_zh=unmet.reason.text_zh,
            )
        )
    await session.flush()
    return version.id


async def active_version(session: AsyncSession) -> models.TimetableVersionRow | None:
    query = select(models.TimetableVersionRow).where(col(models.TimetableVersionRow.active))
    return (await session.exec(query)).first()


async def load_plan(session: AsyncSession, version_id: int | None = None) -> tuple[int, Plan]:
    """A stored version (the active one by default) as a Plan."""
    if version_id is None:
        version = await active_version(session)
        if version is None:
            raise NotFoundError("no timetable yet: run `coordinator solve` first")
    else:
        version = await session.get(models.TimetableVersionRow, version_id)
        if version is None:
            raise NotFoundError(f"timetable version {version_id} does not exist")
    assert version.id is not None
    return version.id, await _plan_of(session, version)


async def _plan_of(session: AsyncSession, version: models.TimetableVersionRow) -> Plan:
    classrooms: dict[str, list[str]] = defaultdict(list)
    links = select(models.PlannedSessionClassroomRow).where(
        models.PlannedSessionClassroomRow.version_id == version.id
    )
    for link in (await session.exec(links)).all():
        classrooms[link.session_id].append(link.classroom_id)
    rows = (
        await session.exec(
            select(models.PlannedSessionRow).where(
                models.PlannedSessionRow.version_id == version.id
            )
        )
    ).all()
    sessions = tuple(
        sorted(
            (
                Session(
                    id=r.session_id,
                    teacher_id=r.teacher_id,
                    subject_id=r.subject_id,
                    weekday=r.weekday,
                    start=r.start,
                    end=r.end,
                    classroom_ids=tuple(sorted(classrooms[r.session_id])),
                    pinned_id=r.pinned_id,
                )
                for r in rows
            ),
            key=lambda s: (s.teacher_id, s.weekday, s.start, s.id),
        )
    )
    unmet_rows = (
        await session.exec(
            select(models.UnmetNeedRow).where(models.UnmetNeedRow.version_id == version.id)
        )
    ).all()
    unmet = tuple(
        Unmet(
            u.classroom_id,
            u.subject_id,
            u.periods,
            Reason(u.reason_code, dict(u.reason_params), u.text_en, u.text_zh),
        )
        for u in sorted(unmet_rows, key=lambda u: (u.classroom_id, u.subject_id))
    )
    return Plan(
        status=version.status, sessions=sessions, unmet=unmet, stats=PlanStats(**version.stats)
    )


async def lesson_keys(session: AsyncSession, version_id: int) -> dict[str, str]:
    """Session id -> the key its dated lessons carry, for one version."""
    query = select(models.PlannedSessionRow).where(
        models.PlannedSessionRow.version_id == version_id
    )
    return {
        row.session_id: row.lesson_key or row.session_id
        for row in (await session.exec(query)).all()
    }


async def temporary_versions(
    session: AsyncSession, base_id: int
) -> list[models.TimetableVersionRow]:
    """Versions that hold for a date range on top of the active one, oldest first."""
    query = (
        select(models.TimetableVersionRow)
        .where(
            models.TimetableVersionRow.parent_id == base_id,
            col(models.TimetableVersionRow.applies_from).is_not(None),
        )
        .order_by(col(models.TimetableVersionRow.id))
    )
    return list((await session.exec(query)).all())
