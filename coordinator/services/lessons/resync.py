"""Some weekly sessions' lessons dated again from today and stored, inside a caller's write.

Publishing re-dates everything; a join or a leave changes one course, so only that course's
lessons are dated again (with hand edits and self-enrolments laid over, as publishing does)
and brought in line, in the same transaction as the change itself: revisions go up, a
classroom taken out is remembered as a departure, and publishing afterwards finds nothing to do.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from coordinator import domain, models
from coordinator.services.lessons.dated import (
    Layer,
    current_layers,
    date_layers,
    last_term_day,
    reconcile_one,
    with_hand_edits,
)
from coordinator.services.lessons.edit_rows import newest_edits
from coordinator.services.lessons.stored import new_lesson_row


def course_keys(layers: list[Layer], pinned_id: str) -> set[str]:
    """The session keys an open pinned session has in any current layer."""
    return {
        layer.keys.get(s.id, s.id)
        for layer in layers
        for s in layer.plan.sessions
        if s.pinned_id == pinned_id
    }


async def resync_sessions(
    session: AsyncSession,
    bundle: domain.Bundle,
    session_keys: Collection[str],
    *,
    now: dt.datetime,
    today: dt.date,
) -> list[str]:
    """Date these sessions' lessons from `today` and store the difference; the changed keys."""
    layers = await current_layers(session)
    dated = date_layers(bundle, layers, today, last_term_day(bundle, today))
    edits = await newest_edits(session, today=today)
    wanted = [
        item
        for item in with_hand_edits(bundle, layers, dated, edits, today)
        if item.lesson.session_key in session_keys
    ]
    query = select(models.LessonRow).where(
        col(models.LessonRow.session_key).in_(list(session_keys)),
        col(models.LessonRow.date) >= today,
    )
    stored = {row.key: row for row in (await session.exec(query)).all()}
    changed = []
    for item in wanted:
        row = stored.pop(item.lesson.key, None)
        if row is None:
            lesson = item.lesson
            session.add(new_lesson_row(lesson, item.subject_id, item.version_id, now))
            await session.flush()
            for classroom_id in lesson.classroom_ids:
                session.add(
                    models.LessonClassroomRow(lesson_key=lesson.key, classroom_id=classroom_id)
                )
            changed.append(lesson.key)
        elif await reconcile_one(session, row, item, now=now):
            changed.append(row.key)
    for row in stored.values():
        if await reconcile_one(session, row, None, now=now):
            changed.append(row.key)
    await session.flush()
    return changed
