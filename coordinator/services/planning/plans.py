"""Timetable versions in the store: a Plan written as rows, and read back."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import asdict

from sqlalchemy import select as sa_select
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from coordinator import models
from coordinator.errors import NotFoundError
from coordinator.store.bulk import insert_rows
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
    await write_sessions(session, version.id, plan, keys or {})
    return version.id


async def write_sessions(
    session: AsyncSession, version_id: int, plan: Plan, keys: Mapping[str, str]
) -> None:
    """A version's sessions, classroom links and unmet needs: one executemany each.

    A province plan has thousands of sessions; an ORM object per row took seconds to flush.
    """
    connection = await session.connection()
    sessions = [
        {
            "version_id": version_id,
            "session_id": planned.id,
            "lesson_key": keys.get(planned.id, planned.id),
            "teacher_id": planned.teacher_id,
            "subject_id": planned.subject_id,
            "weekday": planned.weekday,
            "start": planned.start,
            "end": planned.end,
            "pinned_id": planned.pinned_id,
        }
        for planned in plan.sessions
    ]
    links = [
        {"version_id": version_id, "session_id": planned.id, "classroom_id": classroom_id}
        for planned in plan.sessions
        for classroom_id in planned.classroom_ids
    ]
    unmet = [
        {
            "version_id": version_id,
            "classroom_id": need.classroom_id,
            "subject_id": need.subject_id,
            "periods": need.periods,
            "reason_code": need.reason.code,
            "reason_params": need.reason.params,
            "text_en": need.reason.text_en,
            "text_zh": need.reason.text_zh,
        }
        for need in plan.unmet
    ]
    for model, rows in (
        (models.PlannedSessionRow, sessions),
        (models.PlannedSessionClassroomRow, links),
        (models.UnmetNeedRow, unmet),
    ):
        if rows:
            await insert_rows(connection, models.table_of(model), rows)


async def active_version(session: AsyncSession) -> models.TimetableVersionRow | None:
    query = select(models.TimetableVersionRow).where(col(models.TimetableVersionRow.active))
    return (await session.exec(query)).first()


async def load_plan(
    session: AsyncSession, version_id: int | None = None, *, unmet: bool = True
) -> tuple[int, Plan]:
    """A stored version (the active one by default) as a Plan; without `unmet` its unmet needs
    are left unread (dating needs only the sessions; a province's thousands of explanations
    took a second to decode)."""
    if version_id is None:
        version = await active_version(session)
        if version is None:
            raise NotFoundError("no timetable yet: run `coordinator solve` first")
    else:
        version = await session.get(models.TimetableVersionRow, version_id)
        if version is None:
            raise NotFoundError(f"timetable version {version_id} does not exist")
    assert version.id is not None
    return version.id, await _plan_of(session, version, unmet=unmet)


async def _plan_of(
    session: AsyncSession, version: models.TimetableVersionRow, *, unmet: bool
) -> Plan:
    """Read as plain columns (no ORM object per row): a province version is thousands."""
    connection = await session.connection()
    classrooms: dict[str, list[str]] = defaultdict(list)
    links = models.table_of(models.PlannedSessionClassroomRow)
    query = sa_select(links.c.session_id, links.c.classroom_id).where(
        links.c.version_id == version.id
    )
    for session_id, classroom_id in (await connection.execute(query)).all():
        classrooms[session_id].append(classroom_id)
    planned = models.table_of(models.PlannedSessionRow)
    query = sa_select(
        planned.c.session_id,
        planned.c.teacher_id,
        planned.c.subject_id,
        planned.c.weekday,
        planned.c.start,
        planned.c.end,
        planned.c.pinned_id,
    ).where(planned.c.version_id == version.id)
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
                for r in (await connection.execute(query)).all()
            ),
            key=lambda s: (s.teacher_id, s.weekday, s.start, s.id),
        )
    )
    unmet_needs = await _unmet_of(connection, version) if unmet else ()
    return Plan(
        status=version.status,
        sessions=sessions,
        unmet=unmet_needs,
        stats=PlanStats(**version.stats),
    )


async def _unmet_of(
    connection: AsyncConnection, version: models.TimetableVersionRow
) -> tuple[Unmet, ...]:
    needs = models.table_of(models.UnmetNeedRow)
    query = sa_select(
        needs.c.classroom_id,
        needs.c.subject_id,
        needs.c.periods,
        needs.c.reason_code,
        needs.c.reason_params,
        needs.c.text_en,
        needs.c.text_zh,
    ).where(needs.c.version_id == version.id)
    return tuple(
        Unmet(
            u.classroom_id,
            u.subject_id,
            u.periods,
            Reason(u.reason_code, dict(u.reason_params), u.text_en, u.text_zh),
        )
        for u in sorted(
            (await connection.execute(query)).all(), key=lambda u: (u.classroom_id, u.subject_id)
        )
    )


async def lesson_keys(session: AsyncSession, version_id: int) -> dict[str, str]:
    """Session id -> the key its dated lessons carry, for one version."""
    planned = models.table_of(models.PlannedSessionRow)
    query = sa_select(planned.c.session_id, planned.c.lesson_key).where(
        planned.c.version_id == version_id
    )
    result = await (await session.connection()).execute(query)
    return {session_id: key or session_id for session_id, key in result.all()}


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
