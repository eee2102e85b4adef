"""Hand edits of lessons as stored: the rows in, the newest hand-set state of each lesson out."""

from __future__ import annotations

import datetime as dt

from sqlmodel import col, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from coordinator import models
from coordinator.calendar.edits import EditKind, HandEdit


def hand_edit_of(row: models.LessonEditRow) -> HandEdit:
    return HandEdit(
        lesson_key=row.lesson_key,
        kind=EditKind(row.kind),
        planned_date=row.planned_date,
        time_zone=row.time_zone,
        start=row.start,
        end=row.end,
        teacher_id=row.teacher_id,
        cancelled=row.cancelled,
    )


async def newest_edits(session: AsyncSession, *, today: dt.date) -> dict[str, HandEdit]:
    """The newest hand edit of every lesson publishing from `today` may touch, if it still
    overrides the timetable: lessons planned from `today` on, and lessons planned earlier but
    moved to about `today` or later (the caller compares exact local dates)."""
    since = dt.datetime.combine(today, dt.time(), tzinfo=dt.UTC) - dt.timedelta(days=1)
    touched = select(models.LessonEditRow.lesson_key).where(
        or_(
            col(models.LessonEditRow.planned_date) >= today,
            col(models.LessonEditRow.start) >= since,
        )
    )
    query = (
        select(models.LessonEditRow)
        .where(col(models.LessonEditRow.lesson_key).in_(touched))
        .order_by(col(models.LessonEditRow.id))
    )
    newest = {row.lesson_key: hand_edit_of(row) for row in (await session.exec(query)).all()}
    return {key: edit for key, edit in newest.items() if edit.overrides}


async def edit_history(session: AsyncSession, lesson_key: str) -> list[models.LessonEditRow]:
    """Every hand edit of one lesson, newest first."""
    query = (
        select(models.LessonEditRow)
        .where(models.LessonEditRow.lesson_key == lesson_key)
        .order_by(col(models.LessonEditRow.id).desc())
    )
    return list((await session.exec(query)).all())
